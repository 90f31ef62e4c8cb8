/* SPDX-License-Identifier: BSD-3-Clause */
/* Reply-frame writing for UDP/IPv6: Ethernet/VLAN, IPv6 and UDP headers. */
#include <string.h>

#include "byteorder.h"
#include "checksum.h"
#include "ipv6.h"

size_t
dpxe_udp6_write(uint8_t *frame, size_t cap, const struct dpxe_udp6_spec *s,
		size_t payload_len, uint32_t payload_sum)
{
	uint8_t tail[8] = { 0 }, *p = frame, *ip, *udp;
	size_t hdr_len, udp_len;
	uint32_t sum;
	uint16_t c;

	if (s->vlan_count > DPXE_VLAN_MAX_DEPTH)
		return 0;
	hdr_len = dpxe_udp6_header_len(s);
	udp_len = DPXE_UDP_HDR_LEN + payload_len;
	if (udp_len > UINT16_MAX || hdr_len + payload_len > cap)
		return 0;

	/* Ethernet and tags, as lib/net/frame_build.c writes them for IPv4 */
	memcpy(p, s->dst_mac, DPXE_ETHER_ADDR_LEN);
	memcpy(p + DPXE_ETHER_ADDR_LEN, s->src_mac, DPXE_ETHER_ADDR_LEN);
	p += 2 * DPXE_ETHER_ADDR_LEN;
	for (uint8_t i = 0; i < s->vlan_count; i++) {
		dpxe_store_be16(p, s->vlan_tpid[i]);
		dpxe_store_be16(p + 2, s->vlan_tci[i]);
		p += DPXE_VLAN_HDR_LEN;
	}
	dpxe_store_be16(p, DPXE_ETHERTYPE_IPV6);
	ip = p + 2;

	dpxe_store_be32(ip, 6u << 28); /* version 6, traffic class 0, no flow label */
	dpxe_store_be16(ip + 4, (uint16_t)udp_len);
	ip[6] = DPXE_IPPROTO_UDP;
	ip[7] = s->hop_limit ? s->hop_limit : 64;
	memcpy(ip + 8, s->src, DPXE_IPV6_ADDR_LEN);
	memcpy(ip + 24, s->dst, DPXE_IPV6_ADDR_LEN);

	udp = ip + DPXE_IPV6_HDR_LEN;
	dpxe_store_be16(udp, s->src_port);
	dpxe_store_be16(udp + 2, s->dst_port);
	dpxe_store_be16(udp + 4, (uint16_t)udp_len);
	dpxe_store_be16(udp + 6, 0);

	/* RFC 8200 section 8.1: pseudo-header of both addresses, the length
	 * and next header, then the datagram; mandatory */
	if (payload_sum == DPXE_NO_SUM)
		payload_sum = dpxe_csum_add(0, udp + DPXE_UDP_HDR_LEN, payload_len);
	dpxe_store_be32(tail, (uint32_t)udp_len);
	tail[7] = DPXE_IPPROTO_UDP;
	sum = dpxe_csum_add(payload_sum, s->src, DPXE_IPV6_ADDR_LEN);
	sum = dpxe_csum_add(sum, s->dst, DPXE_IPV6_ADDR_LEN);
	sum = dpxe_csum_add(sum, tail, sizeof(tail));
	sum = dpxe_csum_add(sum, udp, DPXE_UDP_HDR_LEN);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	c = (uint16_t)~sum;
	dpxe_store_be16(udp + 6, c == 0 ? 0xffff : c);
	return hdr_len + payload_len;
}
