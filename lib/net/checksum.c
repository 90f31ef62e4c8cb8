/* SPDX-License-Identifier: BSD-3-Clause */
/* RFC 1071 checksum: 16-bit one's complement sum, byte-order independent. */
#include "checksum.h"

#include <string.h>

#include "net.h"

/*
 * RFC 1071 §2(B): the one's complement sum does not depend on byte order, so
 * sum native 32-bit words (four bytes per add, two independent accumulators
 * the CPU can run in parallel; no carry can escape 64 bits below 2^32 adds)
 * and swap the folded result into network order once at the end.
 */

/* 16 bytes as four 32-bit lanes, each split into its two native 16-bit
 * words (mask and shift) added into 32-bit lane sums: SIMD on any target
 * (GCC/clang vectors), two registers, no carries to chase. A lane cannot
 * overflow before 65537 blocks, far beyond any frame. */
typedef uint32_t dpxe_v4u32 __attribute__((vector_size(16)));

uint32_t
dpxe_csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	uint64_t a0 = 0;

	if (len >= 32) {
		dpxe_v4u32 lo = { 0 }, hi = { 0 }, v;

		while (len >= 16) {
			memcpy(&v, p, 16);
			lo += v & 0xffff;
			hi += v >> 16;
			p += 16;
			len -= 16;
		}
		for (int i = 0; i < 4; i++)
			a0 += (uint64_t)lo[i] + hi[i];
	}
	/* the tail (and buffers too short for SIMD): the short sum */
	return dpxe_csum_add_short(dpxe_csum_native_add(sum, a0), p, len);
}

uint16_t
dpxe_ipv4_header_csum(const uint8_t *ip, size_t ihl_bytes)
{
	/* nearly every header has no options */
	if (ihl_bytes == DPXE_IPV4_HDR_LEN)
		return dpxe_csum_fold(dpxe_csum_add_short(0, ip,
							  DPXE_IPV4_HDR_LEN));
	return dpxe_csum_fold(dpxe_csum_add(0, ip, ihl_bytes));
}

uint16_t
dpxe_udp4_csum(uint32_t src, uint32_t dst, const uint8_t *udp, size_t udp_len)
{
	uint8_t a[4], b[4];
	uint32_t sum;

	/* the pseudo-header from its values: no buffer to build and re-read */
	memcpy(a, &src, 4);
	memcpy(b, &dst, 4);
	sum = dpxe_csum_add(0, udp, udp_len);
	sum += ((uint32_t)a[0] << 8 | a[1]) + ((uint32_t)a[2] << 8 | a[3]);
	sum += ((uint32_t)b[0] << 8 | b[1]) + ((uint32_t)b[2] << 8 | b[3]);
	sum += DPXE_IPPROTO_UDP + (uint32_t)(udp_len & 0xffff);
	return dpxe_csum_fold(sum);
}
