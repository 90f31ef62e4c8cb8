/* SPDX-License-Identifier: BSD-3-Clause */
/* The Internet checksum (RFC 1071) for IPv4 headers and UDP over IPv4. */
#ifndef DPXE_CHECKSUM_H
#define DPXE_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

#include <string.h>

/** Add len bytes at p to a running one's complement sum (16 bits, not
 *  complemented). Any length and alignment; SIMD over long buffers. */
uint32_t dpxe_csum_add(uint32_t sum, const uint8_t *p, size_t len);

/*
 * Fold a sum of native-order 16-bit words (in 64 bits) and add it to a
 * network-order running sum: RFC 1071 §2(B), the sum is byte-order
 * independent up to one swap at the end.
 */
static inline uint32_t
dpxe_csum_native_add(uint32_t sum, uint64_t acc)
{
	uint32_t folded;

	acc = (acc & 0xffffffff) + (acc >> 32);
	acc = (acc & 0xffffffff) + (acc >> 32);
	acc = (acc & 0xffff) + (acc >> 16);
	acc = (acc & 0xffff) + (acc >> 16);
	folded = (uint32_t)acc;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	folded = (folded << 8 | folded >> 8) & 0xffff;
#endif
	sum += folded;
	sum = (sum & 0xffff) + (sum >> 16);
	return (sum & 0xffff) + (sum >> 16);
}

/**
 * dpxe_csum_add() for short buffers of a size known at compile time (IPv4
 * headers, pseudo-headers, patched fields): inlined and unrolled, where a
 * call and the SIMD set-up would cost more than the bytes.
 */
static inline uint32_t
dpxe_csum_add_short(uint32_t sum, const uint8_t *p, size_t len)
{
	uint64_t acc = 0;
	uint32_t w;
	uint16_t h;

	for (; len >= 4; p += 4, len -= 4) {
		memcpy(&w, p, 4);
		acc += w;
	}
	if (len >= 2) {
		memcpy(&h, p, 2);
		acc += h;
		p += 2;
		len -= 2;
	}
	if (len) {
		/* the odd last byte is the high half of a big-endian word */
		uint8_t last[2] = { p[0], 0 };

		memcpy(&h, last, 2);
		acc += h;
	}
	return dpxe_csum_native_add(sum, acc);
}

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
 * result, mapping 0 to 0xffff as RFC 768 asks.
 * src and dst are in network order.
 */
uint16_t dpxe_udp4_csum(uint32_t src, uint32_t dst, const uint8_t *udp,
			size_t udp_len);

#endif /* DPXE_CHECKSUM_H */
