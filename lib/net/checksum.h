/* SPDX-License-Identifier: BSD-3-Clause */
/* The Internet checksum (RFC 1071) for IPv4 headers and UDP over IPv4. */
#ifndef DPXE_CHECKSUM_H
#define DPXE_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/** Add len bytes at p to a running one's complement sum (not folded). */
uint32_t dpxe_csum_add(uint32_t sum, const uint8_t *p, size_t len);

/** Fold a running sum to 16 bits and complement it: the value for the wire. */
static inline uint16_t
dpxe_csum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/** Checksum of an IPv4 header of ihl_bytes; 0 when a stored checksum is right. */
uint16_t dpxe_ipv4_header_csum(const uint8_t *ip, size_t ihl_bytes);

/**
 * UDP checksum over the IPv4 pseudo-header and udp_len bytes at udp (header
 * plus payload, with whatever is in the checksum field). Returns 0 when a
 * stored checksum verifies; when computing, zero the field first and store the
 * result, mapping 0 to 0xffff as RFC 768 asks (dpxe_udp4_csum_for_wire).
 * src and dst are in network order.
 */
uint16_t dpxe_udp4_csum(uint32_t src, uint32_t dst, const uint8_t *udp,
			size_t udp_len);

/**
 * UDP checksum from the pseudo-header (with udp_len), hdr_len bytes at udp
 * (the header, checksum field zero) and the known sum of the rest.
 */
uint16_t dpxe_udp4_csum_partial(uint32_t src, uint32_t dst, const uint8_t *udp,
				size_t hdr_len, uint16_t udp_len,
				uint32_t rest_sum);

static inline uint16_t
dpxe_udp4_csum_for_wire(uint32_t src, uint32_t dst, const uint8_t *udp,
			size_t udp_len)
{
	uint16_t c = dpxe_udp4_csum(src, dst, udp, udp_len);

	return c == 0 ? 0xffff : c;
}

#endif /* DPXE_CHECKSUM_H */
