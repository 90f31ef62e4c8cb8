/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6/UDP, for DHCPv6 (RFC 8415) requests to providers: parse the layers
 * above Ethernet/VLAN of a received frame, and write the headers of a reply.
 *
 * Ethernet and VLAN stay dpxe_frame_parse()'s: it stops at an IPv6
 * ethertype with DPXE_DROP_ETHERTYPE_UNSUPPORTED and the tags, ethertype
 * and l3_off already filled in, and dpxe_udp6_parse() goes on from there.
 * Pure functions over bytes, no DPDK; nothing here reads a byte outside
 * [f->data, f->data + f->len).
 */
#ifndef DPXE_IPV6_H
#define DPXE_IPV6_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "checksum.h"
#include "net.h"

#define DPXE_ETHERTYPE_IPV6 0x86dd
#define DPXE_IPV6_HDR_LEN 40
#define DPXE_IPV6_ADDR_LEN 16
#define DPXE_DHCPV6_CLIENT_PORT 546
#define DPXE_DHCPV6_SERVER_PORT 547

/** ff02::1:2, All_DHCP_Relay_Agents_and_Servers (RFC 8415 section 7.1). */
extern const uint8_t dpxe_ipv6_all_dhcp_agents[DPXE_IPV6_ADDR_LEN];
/** ff05::1:3, All_DHCP_Servers (site-local scope). */
extern const uint8_t dpxe_ipv6_all_dhcp_servers[DPXE_IPV6_ADDR_LEN];

/** The IPv6 and UDP layers of a received frame. Ports, lengths in host order. */
struct dpxe_udp6 {
	uint8_t src[DPXE_IPV6_ADDR_LEN];
	uint8_t dst[DPXE_IPV6_ADDR_LEN];
	uint8_t hop_limit;
	uint16_t l4_off;
	uint16_t src_port;
	uint16_t dst_port;
	uint16_t payload_off;
	uint16_t payload_len;
};

/**
 * Parse IPv6 and UDP after dpxe_frame_parse() returned
 * DPXE_DROP_ETHERTYPE_UNSUPPORTED for f with f->ethertype IPv6.
 *
 * The next header must be UDP: extension headers are refused (a DHCPv6
 * message never needs one), as DPXE_DROP_IP_NOT_UDP. The IPv6 payload may
 * be shorter than the frame (Ethernet padding), never longer. The UDP
 * checksum is mandatory over IPv6 (RFC 8200 section 8.1): a zero one is
 * refused, and it is verified unless flags has DPXE_PARSE_UDP_CSUM_VERIFIED.
 *
 * @return DPXE_DROP_OK with u filled in, or why the frame is dropped
 *   (IP_TRUNCATED, IP_BAD_VERSION, IP_BAD_TOTAL_LENGTH, IP_NOT_UDP,
 *   UDP_TRUNCATED, UDP_BAD_LENGTH, UDP_BAD_CHECKSUM; ETHERTYPE_UNSUPPORTED
 *   when f is not an IPv6 frame).
 */
enum dpxe_drop_reason dpxe_udp6_parse(const struct dpxe_frame *f, unsigned int flags,
				      struct dpxe_udp6 *u);

/** fe80::/64 with the modified EUI-64 of mac (RFC 4291 appendix A). */
void dpxe_ipv6_link_local(const uint8_t mac[DPXE_ETHER_ADDR_LEN],
			  uint8_t addr[DPXE_IPV6_ADDR_LEN]);

/** A multicast address (ff00::/8). */
static inline bool
dpxe_ipv6_is_multicast(const uint8_t addr[DPXE_IPV6_ADDR_LEN])
{
	return addr[0] == 0xff;
}

/** The Ethernet address a multicast IPv6 address maps to (RFC 2464 s. 7). */
void dpxe_ipv6_multicast_mac(const uint8_t addr[DPXE_IPV6_ADDR_LEN],
			     uint8_t mac[DPXE_ETHER_ADDR_LEN]);

/**
 * The running sum of the UDP/IPv6 pseudo-header (RFC 8200 section 8.1):
 * both addresses, the upper-layer length and next header 17. Add the
 * datagram (or its fields) and fold with dpxe_csum_fold().
 */
static inline uint32_t
dpxe_udp6_pseudo_sum(const uint8_t src[DPXE_IPV6_ADDR_LEN],
		     const uint8_t dst[DPXE_IPV6_ADDR_LEN], uint32_t udp_len)
{
	uint32_t sum = dpxe_csum_add_short(0, src, DPXE_IPV6_ADDR_LEN);

	sum = dpxe_csum_add_short(sum, dst, DPXE_IPV6_ADDR_LEN);
	return sum + udp_len + DPXE_IPPROTO_UDP;
}

/** Layer 2-4 addressing of a UDP/IPv6 frame to write. */
struct dpxe_udp6_spec {
	uint8_t dst_mac[DPXE_ETHER_ADDR_LEN];
	uint8_t src_mac[DPXE_ETHER_ADDR_LEN];
	uint8_t vlan_count;
	uint16_t vlan_tpid[DPXE_VLAN_MAX_DEPTH];
	uint16_t vlan_tci[DPXE_VLAN_MAX_DEPTH];
	uint8_t src[DPXE_IPV6_ADDR_LEN];
	uint8_t dst[DPXE_IPV6_ADDR_LEN];
	uint16_t src_port;
	uint16_t dst_port;
	uint8_t hop_limit; /* 0: 64 */
};

/** Bytes of Ethernet, VLAN, IPv6 and UDP headers the spec produces. */
static inline size_t
dpxe_udp6_header_len(const struct dpxe_udp6_spec *s)
{
	return DPXE_ETHER_HDR_LEN + (size_t)s->vlan_count * DPXE_VLAN_HDR_LEN +
	       DPXE_IPV6_HDR_LEN + DPXE_UDP_HDR_LEN;
}

/**
 * Write the headers of a UDP/IPv6 frame whose payload_len bytes of payload
 * already sit at frame + dpxe_udp6_header_len(s), with the UDP checksum
 * (mandatory over IPv6). payload_sum: dpxe_csum_add(0, payload,
 * payload_len) when known, else DPXE_NO_SUM.
 *
 * @return the whole frame length, or 0 when it does not fit in cap, the spec
 *   has more VLAN tags than supported, or the datagram exceeds 65535 bytes.
 */
size_t dpxe_udp6_write(uint8_t *frame, size_t cap, const struct dpxe_udp6_spec *s,
		       size_t payload_len, uint32_t payload_sum);

#endif /* DPXE_IPV6_H */
