/* SPDX-License-Identifier: BSD-3-Clause */
/* IPv6/UDP of a received frame (after dpxe_frame_parse's Ethernet/VLAN). */
#include <string.h>

#include "byteorder.h"
#include "checksum.h"
#include "ipv6.h"

const uint8_t dpxe_ipv6_all_dhcp_agents[DPXE_IPV6_ADDR_LEN] = {
	0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2,
};
const uint8_t dpxe_ipv6_all_dhcp_servers[DPXE_IPV6_ADDR_LEN] = {
	0xff, 0x05, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 3,
};

/* The UDP/IPv6 checksum over the pseudo-header and the datagram, checksum
 * field included: 0 when the stored one is right (as dpxe_udp4_csum). */
static uint16_t
udp6_csum(const uint8_t *src, const uint8_t *dst, const uint8_t *udp, uint32_t udp_len)
{
	return dpxe_csum_fold(dpxe_csum_add(dpxe_udp6_pseudo_sum(src, dst, udp_len),
					   udp, udp_len));
}

enum dpxe_drop_reason
dpxe_udp6_parse(const struct dpxe_frame *f, unsigned int flags, struct dpxe_udp6 *u)
{
	const uint8_t *ip, *udp;
	uint32_t avail, plen, udp_len;

	if (f->ethertype != DPXE_ETHERTYPE_IPV6 || f->l3_off > f->len)
		return DPXE_DROP_ETHERTYPE_UNSUPPORTED;
	ip = f->data + f->l3_off;
	avail = f->len - f->l3_off;
	if (avail < DPXE_IPV6_HDR_LEN)
		return DPXE_DROP_IP_TRUNCATED;
	if ((ip[0] >> 4) != 6)
		return DPXE_DROP_IP_BAD_VERSION;
	plen = dpxe_load_be16(ip + 4);
	/* the payload may end before the frame (padding), never after it */
	if (plen > avail - DPXE_IPV6_HDR_LEN)
		return DPXE_DROP_IP_BAD_TOTAL_LENGTH;
	if (ip[6] != DPXE_IPPROTO_UDP)
		return DPXE_DROP_IP_NOT_UDP; /* extension headers included */
	if (plen < DPXE_UDP_HDR_LEN)
		return DPXE_DROP_UDP_TRUNCATED;
	udp = ip + DPXE_IPV6_HDR_LEN;
	udp_len = dpxe_load_be16(udp + 4);
	if (udp_len < DPXE_UDP_HDR_LEN || udp_len > plen)
		return DPXE_DROP_UDP_BAD_LENGTH;
	if (dpxe_load_be16(udp + 6) == 0)
		return DPXE_DROP_UDP_BAD_CHECKSUM; /* mandatory over IPv6 */
	if (!(flags & DPXE_PARSE_UDP_CSUM_VERIFIED) &&
	    udp6_csum(ip + 8, ip + 24, udp, udp_len) != 0)
		return DPXE_DROP_UDP_BAD_CHECKSUM;

	memcpy(u->src, ip + 8, DPXE_IPV6_ADDR_LEN);
	memcpy(u->dst, ip + 24, DPXE_IPV6_ADDR_LEN);
	u->hop_limit = ip[7];
	u->l4_off = (uint16_t)(f->l3_off + DPXE_IPV6_HDR_LEN);
	u->src_port = dpxe_load_be16(udp);
	u->dst_port = dpxe_load_be16(udp + 2);
	u->payload_off = (uint16_t)(u->l4_off + DPXE_UDP_HDR_LEN);
	u->payload_len = (uint16_t)(udp_len - DPXE_UDP_HDR_LEN);
	return DPXE_DROP_OK;
}

void
dpxe_ipv6_link_local(const uint8_t mac[DPXE_ETHER_ADDR_LEN], uint8_t addr[DPXE_IPV6_ADDR_LEN])
{
	memset(addr, 0, DPXE_IPV6_ADDR_LEN);
	addr[0] = 0xfe;
	addr[1] = 0x80;
	addr[8] = mac[0] ^ 0x02; /* the universal/local bit, inverted */
	addr[9] = mac[1];
	addr[10] = mac[2];
	addr[11] = 0xff;
	addr[12] = 0xfe;
	addr[13] = mac[3];
	addr[14] = mac[4];
	addr[15] = mac[5];
}

void
dpxe_ipv6_multicast_mac(const uint8_t addr[DPXE_IPV6_ADDR_LEN], uint8_t mac[DPXE_ETHER_ADDR_LEN])
{
	mac[0] = 0x33;
	mac[1] = 0x33;
	memcpy(mac + 2, addr + 12, 4);
}
