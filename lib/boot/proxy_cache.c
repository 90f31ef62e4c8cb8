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

/* The bytes a cacheable reply takes from its request: xid, flags, ciaddr
 * (an ACK's), giaddr, chaddr and option 97's value. */
struct patch_region {
	uint16_t off;
	uint16_t len;
};

static unsigned int
patch_regions(const struct dpxe_proxy_template *t, struct patch_region *r)
{
	r[0] = (struct patch_region){ DPXE_BOOTP_XID, 4 };
	r[1] = (struct patch_region){ DPXE_BOOTP_FLAGS, 2 };
	r[2] = (struct patch_region){ DPXE_BOOTP_CIADDR, 4 };
	r[3] = (struct patch_region){ DPXE_BOOTP_GIADDR, 4 };
	r[4] = (struct patch_region){ DPXE_BOOTP_CHADDR, DPXE_BOOTP_CHADDR_LEN };
	r[5] = (struct patch_region){ t->uuid_off, 17 };
	return t->uuid ? 6 : 5;
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

/* Sum of len bytes that sit at offset off of the message: at an odd offset
 * every byte's weight in its 16-bit word swaps (RFC 1071 §2B). */
static uint32_t
sum_at(uint32_t sum, const uint8_t *p, size_t len, size_t off)
{
	uint32_t s = dpxe_csum_add(0, p, len);

	if (off & 1)
		s = (s & 0xff) << 8 | s >> 8;
	sum += s;
	return (sum & 0xffff) + (sum >> 16);
}

/* The template's sum with the patched bytes taken as zero. */
static uint32_t
sum_unpatched(const struct dpxe_proxy_template *t)
{
	struct patch_region r[6];
	unsigned int n = patch_regions(t, r);
	uint8_t copy[DPXE_PROXY_TEMPLATE_MAX];

	memcpy(copy, t->bytes, t->len);
	for (unsigned int i = 0; i < n; i++)
		memset(copy + r[i].off, 0, r[i].len);
	return dpxe_csum_add(0, copy, t->len);
}

/* The patched reply's sum: the template's plus the patches'. */
static uint32_t
sum_patched(const struct dpxe_proxy_template *t, const uint8_t *buf)
{
	struct patch_region r[6];
	unsigned int n = patch_regions(t, r);
	uint32_t sum = t->sum_unpatched;

	for (unsigned int i = 0; i < n; i++)
		sum = sum_at(sum, buf + r[i].off, r[i].len, r[i].off);
	return sum;
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
			*sum = sum_patched(t, buf);
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
