/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The proxyDHCP answer (PXE 2.1): boot information, never an address.
 *
 * A PXE or HTTP boot client's DISCOVER to port 67 gets an OFFER with
 * yiaddr 0 naming the boot file directly, or sending it on to the boot
 * server step on port 4011; its REQUEST there gets the ACK. Stateless: the
 * answer is a function of the configuration and the request alone.
 */
#ifndef DPXE_PROXY_REPLY_H
#define DPXE_PROXY_REPLY_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "dhcp.h"

/** The answering server port's identity. */
struct dpxe_server_id {
	uint32_t ip;      /**< network order: option 54, boot server, siaddr */
	const char *name; /**< sname, NULL for none */
};

/** Boot server type of dpxe's own entry when a rule configures no menu. */
#define DPXE_PXE_SERVER_TYPE 0x8000

/**
 * Build the proxyDHCP reply to req into buf.
 *
 * Answered: a DISCOVER to port 67 (OFFER); a REQUEST to port 67 whose
 * option 54 names srv->ip (ACK with the OFFER's contents); a REQUEST to
 * port 4011 (ACK with the file and sub-option 71 echoing the boot item the
 * client asked for, layer 0).
 *
 * @param cfg        configuration with the boot rules and hosts
 * @param srv        the answering port
 * @param req        the parsed request
 * @param dst_port   UDP port the request came to: 67 or 4011
 * @param buf, cap   where the DHCP message goes; never written past cap
 * @param len        set to the message length on success
 * @param reply_type set to DPXE_DHCPOFFER or DPXE_DHCPACK on success
 * @return DPXE_DROP_OK; DPXE_DROP_NOT_PXE_CLIENT (option 60 is not
 *         PXEClient / HTTPClient); DPXE_DROP_MESSAGE_TYPE_IGNORED (not a
 *         DISCOVER to 67 or REQUEST, or a request to another port);
 *         DPXE_DROP_NOT_FOR_US (REQUEST to 67 for another server);
 *         DPXE_DROP_NO_BOOT_RULE (no rule matches, or an HTTP boot client
 *         would get no URL); DPXE_DROP_REPLY_TOO_BIG (does not fit in cap or
 *         the client's maximum message size). buf may have been written
 *         to on failure.
 */
enum dpxe_drop_reason dpxe_proxy_reply(const struct dpxe_config *cfg,
				       const struct dpxe_server_id *srv,
				       const struct dpxe_dhcp_msg *req,
				       uint16_t dst_port, uint8_t *buf,
				       size_t cap, size_t *len,
				       uint8_t *reply_type);

#endif /* DPXE_PROXY_REPLY_H */
