/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ethernet, 802.1Q/QinQ, ARP, IPv4 and UDP: parse a received frame into a
 * flat description, and write the headers of a reply frame.
 *
 * Pure functions over bytes, no DPDK: the dataplane hands in the mbuf's data,
 * the unit tests and the fuzzer hand in plain buffers. Nothing here reads a
 * byte outside [data, data + len).
 */
#ifndef DPXE_NET_H
#define DPXE_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drop_reason.h"

#define DPXE_ETHER_ADDR_LEN 6
#define DPXE_ETHER_HDR_LEN 14
#define DPXE_VLAN_HDR_LEN 4
#define DPXE_VLAN_MAX_DEPTH 2 /* one 802.1Q tag, or a QinQ pair */
#define DPXE_IPV4_HDR_LEN 20  /* without options */
#define DPXE_UDP_HDR_LEN 8
#define DPXE_ARP_LEN 28       /* Ethernet/IPv4 ARP body */

#define DPXE_ETHERTYPE_IPV4 0x0800
#define DPXE_ETHERTYPE_ARP 0x0806
#define DPXE_ETHERTYPE_VLAN 0x8100 /* 802.1Q C-tag */
#define DPXE_ETHERTYPE_QINQ 0x88a8 /* 802.1ad S-tag */
#define DPXE_ETHERTYPE_QINQ_OLD 0x9100 /* pre-standard S-tag, still seen */

#define DPXE_IPPROTO_UDP 17

#define DPXE_ARP_OP_REQUEST 1
#define DPXE_ARP_OP_REPLY 2

#define DPXE_IPV4_BROADCAST 0xffffffffu

/** What a frame carries once its headers were checked. */
enum dpxe_frame_kind {
	DPXE_FRAME_NONE = 0,
	DPXE_FRAME_ARP,
	DPXE_FRAME_UDP4,
};

/** Flags for dpxe_frame_parse(). */
enum {
	/** The NIC already verified the IPv4 header checksum. */
	DPXE_PARSE_IP_CSUM_VERIFIED = 1u << 0,
	/** The NIC already verified the UDP checksum. */
	DPXE_PARSE_UDP_CSUM_VERIFIED = 1u << 1,
};

/**
 * A received frame, described. Offsets are from the start of the frame;
 * addresses are in network order (as on the wire), ports and lengths in
 * host order.
 */
struct dpxe_frame {
	const uint8_t *data;
	uint32_t len;

	enum dpxe_frame_kind kind;
	uint8_t vlan_count;
	uint16_t vlan_tpid[DPXE_VLAN_MAX_DEPTH]; /* outermost first */
	uint16_t vlan_tci[DPXE_VLAN_MAX_DEPTH];
	uint16_t ethertype; /* innermost */
	uint16_t l3_off;

	/* ARP, when kind == DPXE_FRAME_ARP */
	uint16_t arp_op;
	uint32_t arp_spa;
	uint32_t arp_tpa;

	/* IPv4 + UDP, when kind == DPXE_FRAME_UDP4 */
	uint32_t ip_src;
	uint32_t ip_dst;
	uint8_t ip_ttl;
	uint8_t ip_tos;
	uint16_t l4_off;
	uint16_t src_port;
	uint16_t dst_port;
	uint16_t payload_off;
	uint16_t payload_len;
};

static inline const uint8_t *
dpxe_frame_dst_mac(const struct dpxe_frame *f)
{
	return f->data;
}

static inline const uint8_t *
dpxe_frame_src_mac(const struct dpxe_frame *f)
{
	return f->data + DPXE_ETHER_ADDR_LEN;
}

static inline const uint8_t *
dpxe_frame_payload(const struct dpxe_frame *f)
{
	return f->data + f->payload_off;
}

/**
 * A reply keeps the request's VLAN tags: copy them (at most
 * DPXE_VLAN_MAX_DEPTH) into a reply spec's tpid/tci arrays.
 * @return f->vlan_count, for the spec's vlan_count.
 */
static inline uint8_t
dpxe_frame_copy_tags(const struct dpxe_frame *f, uint16_t *tpid, uint16_t *tci)
{
	for (uint8_t i = 0; i < f->vlan_count && i < DPXE_VLAN_MAX_DEPTH; i++) {
		tpid[i] = f->vlan_tpid[i];
		tci[i] = f->vlan_tci[i];
	}
	return f->vlan_count;
}

/**
 * Parse Ethernet (up to two VLAN tags), then ARP or IPv4/UDP.
 *
 * IPv4 must be unfragmented (a fragment can't be a whole DHCP message), may
 * carry options (IHL > 5) and may be shorter than the frame (Ethernet padding
 * is ignored). A zero UDP checksum means "not computed" and is accepted.
 *
 * @return DPXE_DROP_OK with f filled in, or the reason the frame is dropped.
 */
enum dpxe_drop_reason dpxe_frame_parse(const uint8_t *data, uint32_t len,
				       unsigned int flags,
				       struct dpxe_frame *f);

/** Layer 2-4 addressing of a UDP/IPv4 frame to write. */
struct dpxe_udp4_spec {
	uint8_t dst_mac[DPXE_ETHER_ADDR_LEN];
	uint8_t src_mac[DPXE_ETHER_ADDR_LEN];
	uint8_t vlan_count;
	uint16_t vlan_tpid[DPXE_VLAN_MAX_DEPTH];
	uint16_t vlan_tci[DPXE_VLAN_MAX_DEPTH];
	uint32_t ip_src; /* network order */
	uint32_t ip_dst; /* network order */
	uint16_t src_port;
	uint16_t dst_port;
	uint8_t ttl;
	uint8_t tos;
	/** Leave the IPv4 header checksum for the NIC (tx offload). */
	bool ip_csum_offload;
	/** Fill in the UDP checksum (RFC 768 allows 0 = none on IPv4). */
	bool udp_csum;
};

/** Bytes of Ethernet, VLAN, IPv4 and UDP headers the spec produces. */
static inline size_t
dpxe_udp4_header_len(const struct dpxe_udp4_spec *s)
{
	return DPXE_ETHER_HDR_LEN + (size_t)s->vlan_count * DPXE_VLAN_HDR_LEN +
	       DPXE_IPV4_HDR_LEN + DPXE_UDP_HDR_LEN;
}

/**
 * Write the headers of a UDP/IPv4 frame whose payload_len bytes of payload
 * already sit at frame + dpxe_udp4_header_len(s).
 *
 * @return the whole frame length, or 0 when it does not fit in cap, the spec
 *         has more VLAN tags than supported, or the datagram would exceed
 *         65535 bytes.
 */
size_t dpxe_udp4_write(uint8_t *frame, size_t cap,
		       const struct dpxe_udp4_spec *s, size_t payload_len);

/** No precomputed payload sum: dpxe_udp4_write_summed() sums the payload. */
#ifndef DPXE_NO_SUM /* wdspxe.h has it too */
#define DPXE_NO_SUM UINT32_MAX
#endif

/**
 * dpxe_udp4_write() for a payload whose one's complement sum is already
 * known (dpxe_csum_add(0, payload, payload_len), as a reply template keeps
 * it): the UDP checksum then costs the headers only, not a pass over the
 * payload. payload_sum DPXE_NO_SUM falls back to summing.
 */
size_t dpxe_udp4_write_summed(uint8_t *frame, size_t cap,
			      const struct dpxe_udp4_spec *s,
			      size_t payload_len, uint32_t payload_sum);

/**
 * Write the ARP reply to a parsed ARP request (kind DPXE_FRAME_ARP), keeping
 * its VLAN tags, telling the asker that our_ip is at our_mac.
 *
 * @return the frame length (60 bytes plus tags, padded to the Ethernet
 *         minimum), or 0 when cap is too small.
 */
size_t dpxe_arp_reply_write(uint8_t *frame, size_t cap,
			    const struct dpxe_frame *req,
			    const uint8_t our_mac[DPXE_ETHER_ADDR_LEN],
			    uint32_t our_ip);

#endif /* DPXE_NET_H */
