/* SPDX-License-Identifier: BSD-3-Clause */
/* The two halves of a proxy reply, shared by proxy_reply.c and the cache. */
#ifndef DPXE_PROXY_INTERNAL_H
#define DPXE_PROXY_INTERNAL_H

#include <stdbool.h>

#include "boot_select.h"
#include "proxy_reply.h"

/* Whether and what to answer: the reply type, the boot choice, and whether
 * it is the port 4011 boot server's ACK. DPXE_DROP_OK or the reason not. */
enum dpxe_drop_reason dpxe_proxy_decide(const struct dpxe_config *cfg,
					const struct dpxe_server_id *srv,
					const struct dpxe_dhcp_msg *req,
					uint16_t dst_port,
					struct dpxe_boot_choice *c,
					uint8_t *type, bool *boot_server_ack);

/* Build the decided answer into buf (bounded by cap and the client). */
enum dpxe_drop_reason dpxe_proxy_build(const struct dpxe_server_id *srv,
				       const struct dpxe_dhcp_msg *req,
				       const struct dpxe_boot_choice *c,
				       uint8_t type, bool boot_server_ack,
				       uint8_t *buf, size_t cap, size_t *len);

#endif /* DPXE_PROXY_INTERNAL_H */
