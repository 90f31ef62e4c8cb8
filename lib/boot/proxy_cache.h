/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A per-worker cache of finished proxy replies.
 *
 * In a boot storm thousands of clients of a few kinds ask the same question:
 * their OFFERs differ only in xid, flags, giaddr, chaddr and the echoed
 * option 97 (and an ACK's ciaddr).
 * So the first reply for each (boot choice, reply type, client kind) is kept
 * as a template, and later ones are a copy and four patches instead of a
 * rule walk, an option 43 encoding and a dozen appends.
 *
 * Only what is provably the same is cached: replies to port 67 without
 * option 82, whose option 97 is absent or 17 bytes; xid, flags, ciaddr,
 * giaddr, chaddr and 97 are patched. Requests with option 82 (echoed) and
 * port 4011 ACKs (boot item echo) always take the full path. The cache is
 * owned by one worker: no locks.
 */
#ifndef DPXE_PROXY_CACHE_H
#define DPXE_PROXY_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "boot_select.h"
#include "proxy_reply.h"

#define DPXE_PROXY_CACHE_SLOTS 32 /* power of two */
/* a template must fit every client: the smallest reply limit, 576 - 28 */
#define DPXE_PROXY_TEMPLATE_MAX (DPXE_DHCP_DEFAULT_MAX_MSG - \
				 DPXE_DHCP_IP_UDP_OVERHEAD)

struct dpxe_proxy_template {
	/* the key: everything the reply depends on besides the patches */
	const struct dpxe_config_boot_rule *rule;
	const struct dpxe_config_host *host;
	const char *file;
	const struct dpxe_server_id *srv;
	uint32_t next_server;
	uint8_t type;
	bool http;
	bool uuid;
	bool valid;
	/* the reply */
	uint16_t len;
	uint16_t uuid_off; /* where option 97's 17-byte value starts */
	uint32_t sum_unpatched; /* one's complement sum, patched bytes as 0 */
	uint8_t bytes[DPXE_PROXY_TEMPLATE_MAX];
};

struct dpxe_proxy_cache {
	const struct dpxe_config *cfg; /* templates belong to this config */
	uint64_t hits;
	uint64_t misses;
	struct dpxe_proxy_template slot[DPXE_PROXY_CACHE_SLOTS];
};

/** Empty the cache and tie it to cfg. */
void dpxe_proxy_cache_init(struct dpxe_proxy_cache *cache,
			   const struct dpxe_config *cfg);

/**
 * dpxe_proxy_reply() through the cache: the same bytes, the same return
 * values, for every request (tests/unit/test_boot_proxy_cache.c checks this
 * against the uncached path). A config other than the cache's empties it.
 *
 * @param sum when not NULL, set to the reply's one's complement sum
 *            (dpxe_csum_add(0, buf, *len)) when a template made it cheap
 *            to know, else to DPXE_NO_SUM: feed it to
 *            dpxe_udp4_write_summed().
 */
enum dpxe_drop_reason dpxe_proxy_reply_cached(struct dpxe_proxy_cache *cache,
					      const struct dpxe_config *cfg,
					      const struct dpxe_server_id *srv,
					      const struct dpxe_dhcp_msg *req,
					      uint16_t dst_port, uint8_t *buf,
					      size_t cap, size_t *len,
					      uint8_t *reply_type,
					      uint32_t *sum);

#endif /* DPXE_PROXY_CACHE_H */
