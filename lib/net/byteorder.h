/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unaligned big-endian loads and stores.
 *
 * Wire headers sit at any offset in a frame (a VLAN tag shifts everything by
 * four bytes), so fields are read through memcpy: it is alignment-safe, clean
 * under UBSan, and compiles to a single load plus bswap.
 */
#ifndef DPXE_BYTEORDER_H
#define DPXE_BYTEORDER_H

#include <stdint.h>
#include <string.h>

static inline uint16_t
dpxe_load_be16(const uint8_t *p)
{
	return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

static inline uint32_t
dpxe_load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline void
dpxe_store_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
dpxe_store_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* IPv4 addresses travel as they are on the wire: a uint32_t in network order. */
static inline uint32_t
dpxe_load_ip(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline void
dpxe_store_ip(uint8_t *p, uint32_t ip)
{
	memcpy(p, &ip, sizeof(ip));
}

#endif /* DPXE_BYTEORDER_H */
