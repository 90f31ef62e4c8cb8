/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The boot part of a reply: what a PXE, HTTP boot or iPXE client is told
 * about its boot program (siaddr, sname, file; options 60, 97, 43), in the
 * same words whether the reply also hands out an address (full DHCP mode,
 * dhcp_server.c) or not (proxyDHCP, proxy_reply.c).
 *
 * The caller owns the builder and the order of everything else in the
 * reply (53, 54, address options, 82).
 */
#ifndef DPXE_BOOT_REPLY_H
#define DPXE_BOOT_REPLY_H

#include <stdbool.h>

#include "boot_select.h"
#include "dhcp_build.h"
#include "proxy_reply.h"

/**
 * Does the reply carry the boot file in its file field? The boot server's
 * ACK and an HTTP boot reply always do; an OFFER that sends a PXE client on
 * to port 4011 names the file there instead.
 */
static inline bool
dpxe_boot_reply_names_file(const struct dpxe_dhcp_msg *req,
			   const struct dpxe_boot_choice *c,
			   bool boot_server_ack)
{
	return boot_server_ack || req->vendor_class.http_client ||
	       (!c->boot_server && c->file);
}

/**
 * Set siaddr (the choice's next server, else srv->ip), sname (srv->name)
 * and, when with_file, the file field.
 * @return 0, or -1 when sname or the file does not fit its field.
 */
int dpxe_boot_reply_fields(struct dpxe_dhcp_builder *b,
			   const struct dpxe_server_id *srv,
			   const struct dpxe_boot_choice *c, bool with_file);

/**
 * Append option 60 ("PXEClient" or "HTTPClient"), the request's option 97
 * byte for byte, and option 43: for the boot server's ACK the boot item the
 * client asked for, for an HTTP boot client nothing, else discovery control
 * and the rule's menu (or the boot server list that sends the client to
 * port 4011). A builder overflow is left for dpxe_dhcp_reply_finish().
 *
 * @return DPXE_DROP_OK, or DPXE_DROP_REPLY_TOO_BIG when option 43 cannot be
 *         encoded (too many menu entries for its sub-options).
 */
enum dpxe_drop_reason
dpxe_boot_reply_options(struct dpxe_dhcp_builder *b,
			const struct dpxe_server_id *srv,
			const struct dpxe_dhcp_msg *req,
			const struct dpxe_boot_choice *c, bool boot_server_ack);

/** Append the request's option `code` unchanged, when it sent one.
 *  @return 0 (also when absent), -1 when it does not fit. */
int dpxe_boot_reply_echo(struct dpxe_dhcp_builder *b,
			 const struct dpxe_dhcp_msg *req, uint8_t code);

#endif /* DPXE_BOOT_REPLY_H */
