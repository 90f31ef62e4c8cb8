/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Boot policy: which of the configured boot rules serves a client, and what
 * it is handed (file or URL, next-server, whether to go via the boot server).
 *
 * Runs per packet: no allocation, and the answer points into the
 * configuration, which must outlive it.
 */
#ifndef DPXE_BOOT_SELECT_H
#define DPXE_BOOT_SELECT_H

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "dhcp.h"

/** What a client gets. */
struct dpxe_boot_choice {
	const struct dpxe_config_boot_rule *rule; /**< never NULL on success */
	/** hosts[] entry of the client's MAC, or NULL */
	const struct dpxe_config_host *host;
	/**
	 * For the file field: the rule's url for iPXE and HTTPClient clients
	 * when the rule has one; else the host's boot_file, the rule's
	 * boot_file, or (a rule with only a url) the url. NULL: none.
	 */
	const char *file;
	uint32_t next_server; /**< host order; 0: the answering port's ip */
	bool boot_server;     /**< send a PXE client on to port 4011 */
};

/**
 * Does rule match msg? Every key the rule gives must match:
 * arch (any code of option 93, or option 60's arch without 93, is listed),
 * vendor_class (option 60) and user_class (option 77; the raw value or one
 * of its RFC 3004 instances) exact or by prefix, ipxe (msg->is_ipxe equals
 * it), mac (chaddr starts with it), relay (giaddr set and in the subnet).
 * A rule without keys matches every client.
 */
bool dpxe_boot_rule_matches(const struct dpxe_config_match *rule,
			    const struct dpxe_dhcp_msg *msg);

/**
 * The hosts[] entry whose MAC is the client's chaddr, or NULL.
 * A linear scan: fine for the tens of hosts a proxy typically pins.
 */
const struct dpxe_config_host *
dpxe_boot_host_find(const struct dpxe_config *cfg,
		    const struct dpxe_dhcp_msg *msg);

/**
 * Pick the first rule in cfg->boot.rules that matches msg and fill c.
 *
 * @return DPXE_DROP_OK with c filled in, or DPXE_DROP_NO_BOOT_RULE when no
 *         rule matches (c is then cleared).
 */
enum dpxe_drop_reason dpxe_boot_select(const struct dpxe_config *cfg,
				       const struct dpxe_dhcp_msg *msg,
				       struct dpxe_boot_choice *c);

#endif /* DPXE_BOOT_SELECT_H */
