/* SPDX-License-Identifier: BSD-3-Clause */
/* Reply templates: build once per kind of client, then copy and patch. */
#include <string.h>

#include "byteorder.h"
#include "dhcp_build.h"
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

/* The only request fields a cacheable reply carries. */
static void
patch(uint8_t *buf, const struct dpxe_proxy_template *t,
      const struct dpxe_dhcp_msg *req)
{
	memcpy(buf + DPXE_BOOTP_XID, &req->xid, 4);
	dpxe_store_be16(buf + DPXE_BOOTP_FLAGS, req->flags);
	memcpy(buf + DPXE_BOOTP_CHADDR, req->chaddr, DPXE_BOOTP_CHADDR_LEN);
	if (t->uuid)
		memcpy(buf + t->uuid_off, req->opt_val[DPXE_OPT_CLIENT_UUID], 17);
}

enum dpxe_drop_reason
dpxe_proxy_reply_cached(struct dpxe_proxy_cache *cache,
			const struct dpxe_config *cfg,
			const struct dpxe_server_id *srv,
			const struct dpxe_dhcp_msg *req, uint16_t dst_port,
			uint8_t *buf, size_t cap, size_t *len,
			uint8_t *reply_type)
{
	struct dpxe_proxy_template *t;
	struct dpxe_boot_choice c;
	enum dpxe_drop_reason r;
	bool boot_server_ack, uuid, http;
	uint16_t uuid_len = 0;
	uint8_t type;

	if (cache->cfg != cfg)
		dpxe_proxy_cache_init(cache, cfg);
	r = dpxe_proxy_decide(cfg, srv, req, dst_port, &c, &type,
			      &boot_server_ack);
	if (r != DPXE_DROP_OK)
		return r;

	uuid = dpxe_dhcp_get(req, DPXE_OPT_CLIENT_UUID, &uuid_len) != NULL;
	http = req->vendor_class.http_client;
	if (boot_server_ack || req->giaddr || (uuid && uuid_len != 17) ||
	    cap < DPXE_PROXY_TEMPLATE_MAX)
		goto uncached;

	t = &cache->slot[slot_of(&c, type, http, uuid)];
	if (same_key(t, &c, srv, type, http, uuid)) {
		cache->hits++;
		memcpy(buf, t->bytes, t->len);
		patch(buf, t, req);
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
		t->valid = true;
	}
	return DPXE_DROP_OK;

uncached:
	r = dpxe_proxy_build(srv, req, &c, type, boot_server_ack, buf, cap, len);
	if (r == DPXE_DROP_OK)
		*reply_type = type;
	return r;
}
