/* SPDX-License-Identifier: BSD-3-Clause */
/* RFC 2131 §4.1 reply addressing, plus the PXE boot server on port 4011. */
#include <string.h>

#include "reply_addr.h"

static void
to_broadcast(struct dpxe_reply_dest *d, uint16_t port)
{
	d->ip = DPXE_IPV4_BROADCAST;
	d->port = port;
	d->l2_broadcast = true;
	memset(d->mac, 0xff, sizeof(d->mac));
}

static void
to_unicast(struct dpxe_reply_dest *d, uint32_t ip, uint16_t port,
	   const uint8_t *mac)
{
	d->ip = ip;
	d->port = port;
	d->l2_broadcast = false;
	memcpy(d->mac, mac, sizeof(d->mac));
}

void
dpxe_reply_dest_pick(const struct dpxe_frame *req_frame,
		     const struct dpxe_dhcp_msg *req, uint8_t reply_type,
		     uint32_t yiaddr, struct dpxe_reply_dest *d)
{
	const uint8_t *src_mac = dpxe_frame_src_mac(req_frame);

	/* PXE 2.1: the boot server answers whoever asked, on the port it
	 * asked from (clients there already hold an address). */
	if (req_frame->dst_port == DPXE_PXE_BOOT_SERVER_PORT) {
		if (req_frame->ip_src == 0)
			to_broadcast(d, req_frame->src_port);
		else
			to_unicast(d, req_frame->ip_src, req_frame->src_port,
				   src_mac);
		return;
	}
	/* The relay forwards it on; its MAC (or its router's) sent us the
	 * request, so layer 2 needs no ARP. */
	if (req->giaddr != 0) {
		to_unicast(d, req->giaddr, DPXE_DHCP_SERVER_PORT, src_mac);
		return;
	}
	/* A client that states its address can receive unicast there; the
	 * frame's source MAC is the client itself, so again no ARP. */
	if (req->ciaddr != 0 && reply_type != DPXE_DHCPNAK) {
		to_unicast(d, req->ciaddr, DPXE_DHCP_CLIENT_PORT, src_mac);
		return;
	}
	if ((req->flags & DPXE_BOOTP_FLAG_BROADCAST) ||
	    reply_type == DPXE_DHCPNAK || yiaddr == 0) {
		to_broadcast(d, DPXE_DHCP_CLIENT_PORT);
		return;
	}
	/* The client takes unicast before it has the address: send to the
	 * offered address at its hardware address, no ARP entry exists. */
	to_unicast(d, yiaddr, DPXE_DHCP_CLIENT_PORT, req->chaddr);
}
