/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The hash that says which worker owns a client.
 *
 * Broadcast DISCOVERs all look alike to a NIC's IP/UDP RSS, so dpxe spreads
 * them itself by the client's hardware address (chaddr). Every place that
 * decides ownership (packet spreading now, lease shards later) must use this
 * one function, so a client's packets and its state meet on one worker.
 */
#ifndef DPXE_CLIENT_HASH_H
#define DPXE_CLIENT_HASH_H

#include <stdint.h>

/* The 48-bit MAC through the murmur3 64-bit finaliser: vendors hand out MACs
 * in runs, so the low bits alone would spread a rack's worth badly. */
static inline uint32_t
dpxe_client_hash(const uint8_t mac[6])
{
	uint64_t x = (uint64_t)mac[0] << 40 | (uint64_t)mac[1] << 32 |
		     (uint64_t)mac[2] << 24 | (uint64_t)mac[3] << 16 |
		     (uint64_t)mac[4] << 8 | mac[5];

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return (uint32_t)x;
}

/* Owner of a client among n workers, without a division on the hot path. */
static inline unsigned int
dpxe_client_owner(const uint8_t mac[6], unsigned int n)
{
	return (unsigned int)(((uint64_t)dpxe_client_hash(mac) * n) >> 32);
}

#endif /* DPXE_CLIENT_HASH_H */
