/* SPDX-License-Identifier: BSD-3-Clause */
/* RFC 1071 checksum: 16-bit one's complement sum, byte-order independent. */
#include "checksum.h"

#include <string.h>

#include "net.h"

uint32_t
dpxe_csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	uint64_t acc = sum;

	/* Sum big-endian 16-bit words; a 64-bit accumulator cannot overflow
	 * for any frame we handle, so the carries are folded once at the end. */
	while (len >= 2) {
		acc += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
	}
	if (len)
		acc += (uint32_t)p[0] << 8;
	while (acc >> 32)
		acc = (acc & 0xffffffff) + (acc >> 32);
	acc = (acc & 0xffff) + (acc >> 16);
	acc = (acc & 0xffff) + (acc >> 16);
	return (uint32_t)acc;
}

uint16_t
dpxe_ipv4_header_csum(const uint8_t *ip, size_t ihl_bytes)
{
	return dpxe_csum_fold(dpxe_csum_add(0, ip, ihl_bytes));
}

uint16_t
dpxe_udp4_csum(uint32_t src, uint32_t dst, const uint8_t *udp, size_t udp_len)
{
	uint8_t pseudo[12];
	uint32_t sum;

	memcpy(pseudo, &src, 4);
	memcpy(pseudo + 4, &dst, 4);
	pseudo[8] = 0;
	pseudo[9] = DPXE_IPPROTO_UDP;
	pseudo[10] = (uint8_t)(udp_len >> 8);
	pseudo[11] = (uint8_t)udp_len;
	sum = dpxe_csum_add(0, pseudo, sizeof(pseudo));
	sum = dpxe_csum_add(sum, udp, udp_len);
	return dpxe_csum_fold(sum);
}
