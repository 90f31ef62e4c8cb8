/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What lease_restore.c needs from a shard beyond its public API: putting an
 * entry back as it was and marking addresses, with no checks of ownership.
 * Only for start-up and reload, when no worker runs.
 */
#ifndef DPXE_LEASE_INTERNAL_H
#define DPXE_LEASE_INTERNAL_H

#include "lease_shard.h"

/** Insert l as it is (the mac must not be present). 0, or -ENOSPC. */
int dpxe_lease_shard_put(struct dpxe_lease_shard *s, const struct dpxe_lease *l);

/**
 * Mark ip (network order) used in this shard's bitmap.
 * @return 0 newly marked, 1 already used, -1 ip not in this slice.
 */
int dpxe_lease_shard_mark(struct dpxe_lease_shard *s, uint32_t ip);

/** Quarantine ip (already marked used here) until `until`. */
void dpxe_lease_shard_quarantine(struct dpxe_lease_shard *s, uint32_t ip,
				 int64_t until);

/** The mac's reservation (network order) in *ip: true, else false. */
bool dpxe_lease_shard_reservation(const struct dpxe_lease_shard *s,
				  const uint8_t mac[6], uint32_t *ip);

/** Subnet index whose pools hold ip (network order), or -1. */
int dpxe_lease_shard_pool_subnet(const struct dpxe_lease_shard *s, uint32_t ip);

#endif /* DPXE_LEASE_INTERNAL_H */
