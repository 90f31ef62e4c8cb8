/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Where a DHCP reply goes: RFC 2131 §4.1 plus the PXE boot-server rule
 * (a request to UDP 4011 is answered to its source address and port).
 *
 * The part of the frame path that trips implementations: a client without
 * an address cannot answer ARP, so replies to it are either broadcast or
 * sent to its chaddr at layer 2 without ARP. This decides the addresses
 * only; the dataplane writes the headers (dpxe_udp4_write()).
 */
#ifndef DPXE_REPLY_ADDR_H
#define DPXE_REPLY_ADDR_H

#include <stdbool.h>
#include <stdint.h>

#include "dhcp.h"
#include "net.h"

/** Layer 2-4 destination of a reply. */
struct dpxe_reply_dest {
	uint32_t ip;       /**< network order */
	uint16_t port;     /**< host order */
	bool l2_broadcast; /**< send to ff:ff:ff:ff:ff:ff; mac is then unset */
	uint8_t mac[DPXE_ETHER_ADDR_LEN]; /**< unicast destination */
};

/**
 * Pick the destination of a reply, first rule that applies:
 *  1. request to port 4011: its source IP and port, at the frame's source
 *     MAC (a client without a source IP gets a broadcast to that port);
 *  2. giaddr set: giaddr port 67, at the frame's source MAC (the relay, or
 *     the router in front of it);
 *  3. ciaddr set and not a NAK: ciaddr port 68 at the frame's source MAC;
 *  4. broadcast flag, a NAK, or yiaddr 0 (a proxyDHCP reply):
 *     255.255.255.255 port 68, layer 2 broadcast;
 *  5. else yiaddr port 68 at chaddr, without ARP.
 *
 * @param req_frame  the parsed request frame (kind DPXE_FRAME_UDP4)
 * @param req        the parsed request
 * @param reply_type option 53 of the reply (DPXE_DHCPOFFER, ...)
 * @param yiaddr     the reply's yiaddr, network order; 0 in proxy mode
 * @param d          filled in; never fails
 */
void dpxe_reply_dest_pick(const struct dpxe_frame *req_frame,
			  const struct dpxe_dhcp_msg *req, uint8_t reply_type,
			  uint32_t yiaddr, struct dpxe_reply_dest *d);

#endif /* DPXE_REPLY_ADDR_H */
