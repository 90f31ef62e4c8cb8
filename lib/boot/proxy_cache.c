/* SPDX-License-Identifier: BSD-3-Clause */
/* Reply templates: build once per kind of client, then copy and patch. */
#include <string.h>

#include "byteorder.h"
#include "checksum.h"
#include "dhcp_build.h"
#include "net.h"
#include "proxy_cache.h"
#include "proxy_internal.h"

void
dpxe_proxy_cache_init(struct dpxe_proxy_cache *cache,
		      const struct dpxe_config *cfg)
{
	memset(cache, 0, sizeof(*cache));
	cache->cfg = cfg;
}

static unsigned int
slot_of(const struct dpxe_boot_choice *c, uint8_t type, bool http, bool uuid)
{
	uintptr_t h = (uintptr_t)c->rule ^ ((uintptr_t)c->file >> 3) ^
		      ((uintptr_t)c->host >> 5);

	h ^= (uintptr_t)type << 1 ^ (uintptr_t)http << 4 ^ (uintptr_t)uuid << 5;
	h ^= h >> 7;
	h ^= h >> 13;
	return (unsigned int)(h & (DPXE_PROXY_CACHE_SLOTS - 1));
}

static bool
same_key(const struct dpxe_proxy_template *t, const struct dpxe_boot_choice *c,
	 const struct dpxe_server_id *srv, uint8_t type, bool http, bool uuid)
{
	return t->valid && t->rule == c->rule && t->host == c->host &&
	       t->file == c->file && t->srv == srv &&
	       t->next_server == c->next_server && t->type == type &&
	       t->http == http && t->uuid == uuid;
}

/* Offset of option 97's value in a reply we built, 0 if absent. Our own
 * reply: well formed, no overload, every option once. */
static uint16_t
find_uuid(const uint8_t *msg, size_t len)
{
	size_t i = DPXE_DHCP_OPTIONS_OFF;

	while (i + 2 <= len && msg[i] != DPXE_OPT_END) {
		if (msg[i] == DPXE_OPT_PAD) {
			i++;
			continue;
		}
		if (msg[i] == DPXE_OPT_CLIENT_UUID && msg[i + 1] == 17)
			return (uint16_t)(i + 2);
		i += 2 + (size_t)msg[i + 1];
	}
	return 0;
}

static void
patch(uint8_t *buf, const struct dpxe_proxy_template *t,
      const struct dpxe_dhcp_msg *req)
{
	memcpy(buf + DPXE_BOOTP_XID, &req->xid, 4);
	dpxe_store_be16(buf + DPXE_BOOTP_FLAGS, req->flags);
	/* the same rule as dpxe_dhcp_reply_init(): only an ACK has ciaddr */
	dpxe_store_ip(buf + DPXE_BOOTP_CIADDR,
		      t->type == DPXE_DHCPACK ? req->ciaddr : 0);
	dpxe_store_ip(buf + DPXE_BOOTP_GIADDR, req->giaddr);
	memcpy(buf + DPXE_BOOTP_CHADDR, req->chaddr, DPXE_BOOTP_CHADDR_LEN);
	if (t->uuid)
		memcpy(buf + t->uuid_off, req->opt_val[DPXE_OPT_CLIENT_UUID], 17);
}

/* The template's sum with every patched byte (see patch()) taken as zero. */
static uint32_t
sum_unpatched(const struct dpxe_proxy_template *t)
{
	uint8_t copy[DPXE_PROXY_TEMPLATE_MAX];

	memcpy(copy, t->bytes, t->len);
	memset(copy + DPXE_BOOTP_XID, 0, 4);
	memset(copy + DPXE_BOOTP_FLAGS, 0, 6);   /* flags, ciaddr */
	memset(copy + DPXE_BOOTP_GIADDR, 0, 20); /* giaddr, chaddr */
	if (t->uuid)
		memset(copy + t->uuid_off, 0, 17);
	return dpxe_csum_add(0, copy, t->len);
}

/* A network-order IPv4 address's two 16-bit words, in the big-endian sum. */
static inline uint32_t
addr_words(uint32_t be)
{
	uint8_t b[4];

	memcpy(b, &be, 4);
	return ((uint32_t)b[0] << 8 | b[1]) + ((uint32_t)b[2] << 8 | b[3]);
}

/*
 * The patched reply's sum: the template's plus the patches', summed from the
 * request's bytes and the parsed values rather than from the reply just
 * written (reading back fresh narrow stores stalls on store forwarding).
 * Every patched field sits at the same offset in request and reply, but
 * option 97 may move to an odd offset, where each byte's weight in its
 * 16-bit word swaps (RFC 1071 §2B).
 */
static uint32_t
sum_patched(const struct dpxe_proxy_template *t,
	    const struct dpxe_dhcp_msg *req)
{
	uint32_t sum = t->sum_unpatched;

	sum = dpxe_csum_add_short(sum, req->raw + DPXE_BOOTP_XID, 4);
	sum += req->flags;
	if (t->type == DPXE_DHCPACK)
		sum += addr_words(req->ciaddr);
	/* giaddr and chaddr are adjacent in the request as in the reply */
	sum = dpxe_csum_add_short(sum, req->raw + DPXE_BOOTP_GIADDR, 20);
	if (t->uuid) {
		uint32_t u = dpxe_csum_add_short(
			0, req->opt_val[DPXE_OPT_CLIENT_UUID], 17);

		if (t->uuid_off & 1)
			u = (u & 0xff) << 8 | u >> 8;
		sum += u;
	}
	sum = (sum & 0xffff) + (sum >> 16);
	return (sum & 0xffff) + (sum >> 16);
}

enum dpxe_drop_reason
dpxe_proxy_reply_cached(struct dpxe_proxy_cache *cache,
			const struct dpxe_config *cfg,
			const struct dpxe_server_id *srv,
			const struct dpxe_dhcp_msg *req, uint16_t dst_port,
			uint8_t *buf, size_t cap, size_t *len,
			uint8_t *reply_type, uint32_t *sum)
{
	struct dpxe_proxy_template *t;
	struct dpxe_boot_choice c;
	enum dpxe_drop_reason r;
	bool boot_server_ack, uuid, http;
	uint16_t uuid_len = 0;
	uint8_t type;

	if (sum)
		*sum = DPXE_NO_SUM;
	if (cache->cfg != cfg)
		dpxe_proxy_cache_init(cache, cfg);
	r = dpxe_proxy_decide(cfg, srv, req, dst_port, &c, &type,
			      &boot_server_ack);
	if (r != DPXE_DROP_OK)
		return r;

	uuid = dpxe_dhcp_get(req, DPXE_OPT_CLIENT_UUID, &uuid_len) != NULL;
	http = req->vendor_class.http_client;
	if (boot_server_ack || dpxe_dhcp_has(req, DPXE_OPT_RELAY_AGENT_INFO) ||
	    (uuid && uuid_len != 17) || cap < DPXE_PROXY_TEMPLATE_MAX)
		goto uncached;

	t = &cache->slot[slot_of(&c, type, http, uuid)];
	if (same_key(t, &c, srv, type, http, uuid)) {
		cache->hits++;
		memcpy(buf, t->bytes, t->len);
		patch(buf, t, req);
		if (sum)
			*sum = sum_patched(t, req);
		*len = t->len;
		*reply_type = type;
		return DPXE_DROP_OK;
	}
	cache->misses++;
	r = dpxe_proxy_build(srv, req, &c, type, false, buf, cap, len);
	if (r != DPXE_DROP_OK)
		return r;
	*reply_type = type;
	/* keep it only if every client can take it */
	if (*len <= DPXE_PROXY_TEMPLATE_MAX) {
		t->valid = false;
		t->uuid_off = uuid ? find_uuid(buf, *len) : 0;
		if (uuid && t->uuid_off == 0)
			return DPXE_DROP_OK;
		memcpy(t->bytes, buf, *len);
		t->len = (uint16_t)*len;
		t->rule = c.rule;
		t->host = c.host;
		t->file = c.file;
		t->srv = srv;
		t->next_server = c.next_server;
		t->type = type;
		t->http = http;
		t->uuid = uuid;
		t->sum_unpatched = sum_unpatched(t);
		t->valid = true;
	}
	return DPXE_DROP_OK;

uncached:
	r = dpxe_proxy_build(srv, req, &c, type, boot_server_ack, buf, cap, len);
	if (r == DPXE_DROP_OK)
		*reply_type = type;
	return r;
}
