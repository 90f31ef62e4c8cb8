/* SPDX-License-Identifier: BSD-3-Clause */
/* Received-frame parsing: Ethernet and VLAN tags, then ARP or IPv4/UDP. */
#include <string.h>

#include "byteorder.h"
#include "checksum.h"
#include "net.h"

static bool
is_vlan_tpid(uint16_t type)
{
	return type == DPXE_ETHERTYPE_VLAN || type == DPXE_ETHERTYPE_QINQ ||
	       type == DPXE_ETHERTYPE_QINQ_OLD;
}

static enum dpxe_drop_reason
parse_arp(struct dpxe_frame *f)
{
	const uint8_t *a = f->data + f->l3_off;

	if (f->len - f->l3_off < DPXE_ARP_LEN)
		return DPXE_DROP_ARP_TRUNCATED;
	/* htype 1 (Ethernet), ptype IPv4, hlen 6, plen 4: nothing else is ours */
	if (dpxe_load_be16(a) != 1 ||
	    dpxe_load_be16(a + 2) != DPXE_ETHERTYPE_IPV4 || a[4] != 6 ||
	    a[5] != 4)
		return DPXE_DROP_ARP_NOT_ETH_IPV4;
	f->arp_op = dpxe_load_be16(a + 6);
	f->arp_spa = dpxe_load_ip(a + 14);
	f->arp_tpa = dpxe_load_ip(a + 24);
	f->kind = DPXE_FRAME_ARP;
	return DPXE_DROP_OK;
}

static enum dpxe_drop_reason
parse_udp4(struct dpxe_frame *f, unsigned int flags)
{
	const uint8_t *ip = f->data + f->l3_off;
	uint32_t avail = f->len - f->l3_off;
	uint32_t ihl, total, udp_len;
	const uint8_t *udp;

	if (avail < DPXE_IPV4_HDR_LEN)
		return DPXE_DROP_IP_TRUNCATED;
	if ((ip[0] >> 4) != 4)
		return DPXE_DROP_IP_BAD_VERSION;
	ihl = (uint32_t)(ip[0] & 0x0f) * 4;
	if (ihl < DPXE_IPV4_HDR_LEN)
		return DPXE_DROP_IP_BAD_IHL;
	if (ihl > avail)
		return DPXE_DROP_IP_TRUNCATED;
	total = dpxe_load_be16(ip + 2);
	/* total may be below the frame (Ethernet pads to 60) but never above */
	if (total < ihl || total > avail)
		return DPXE_DROP_IP_BAD_TOTAL_LENGTH;
	if (!(flags & DPXE_PARSE_IP_CSUM_VERIFIED) &&
	    dpxe_ipv4_header_csum(ip, ihl) != 0)
		return DPXE_DROP_IP_BAD_CHECKSUM;
	/* MF set or a non-zero offset: a DHCP message never needs fragments */
	if (dpxe_load_be16(ip + 6) & 0x3fff)
		return DPXE_DROP_IP_FRAGMENT;
	if (ip[9] != DPXE_IPPROTO_UDP)
		return DPXE_DROP_IP_NOT_UDP;

	if (total - ihl < DPXE_UDP_HDR_LEN)
		return DPXE_DROP_UDP_TRUNCATED;
	udp = ip + ihl;
	udp_len = dpxe_load_be16(udp + 4);
	if (udp_len < DPXE_UDP_HDR_LEN || udp_len > total - ihl)
		return DPXE_DROP_UDP_BAD_LENGTH;

	f->ip_tos = ip[1];
	f->ip_ttl = ip[8];
	f->ip_src = dpxe_load_ip(ip + 12);
	f->ip_dst = dpxe_load_ip(ip + 16);

	if (!(flags & DPXE_PARSE_UDP_CSUM_VERIFIED) &&
	    dpxe_load_be16(udp + 6) != 0 &&
	    dpxe_udp4_csum(f->ip_src, f->ip_dst, udp, udp_len) != 0)
		return DPXE_DROP_UDP_BAD_CHECKSUM;

	f->l4_off = (uint16_t)(f->l3_off + ihl);
	f->src_port = dpxe_load_be16(udp);
	f->dst_port = dpxe_load_be16(udp + 2);
	f->payload_off = (uint16_t)(f->l4_off + DPXE_UDP_HDR_LEN);
	f->payload_len = (uint16_t)(udp_len - DPXE_UDP_HDR_LEN);
	f->kind = DPXE_FRAME_UDP4;
	return DPXE_DROP_OK;
}

enum dpxe_drop_reason
dpxe_frame_parse(const uint8_t *data, uint32_t len, unsigned int flags,
		 struct dpxe_frame *f)
{
	uint32_t off = 2 * DPXE_ETHER_ADDR_LEN;
	uint16_t type;

	f->data = data;
	f->len = len;
	f->kind = DPXE_FRAME_NONE;
	f->vlan_count = 0;
	/* frames we parse are at most a jumbo frame; offsets fit 16 bits */
	if (len < DPXE_ETHER_HDR_LEN)
		return DPXE_DROP_ETH_TRUNCATED;
	if (len > UINT16_MAX)
		return DPXE_DROP_IP_BAD_TOTAL_LENGTH;

	type = dpxe_load_be16(data + off);
	off += 2;
	while (is_vlan_tpid(type)) {
		if (f->vlan_count == DPXE_VLAN_MAX_DEPTH)
			return DPXE_DROP_VLAN_TOO_DEEP;
		if (len - off < DPXE_VLAN_HDR_LEN)
			return DPXE_DROP_VLAN_TRUNCATED;
		f->vlan_tpid[f->vlan_count] = type;
		f->vlan_tci[f->vlan_count] = dpxe_load_be16(data + off);
		f->vlan_count++;
		type = dpxe_load_be16(data + off + 2);
		off += DPXE_VLAN_HDR_LEN;
	}
	f->ethertype = type;
	f->l3_off = (uint16_t)off;

	switch (type) {
	case DPXE_ETHERTYPE_ARP:
		return parse_arp(f);
	case DPXE_ETHERTYPE_IPV4:
		return parse_udp4(f, flags);
	default:
		return DPXE_DROP_ETHERTYPE_UNSUPPORTED;
	}
}
