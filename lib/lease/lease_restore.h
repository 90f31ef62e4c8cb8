/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Putting leases back into shards: at start from the journal, at a config
 * reload from the old shards. Runs while no worker does (start-up, or with
 * the workers paused for a reload), so it may look at every shard and
 * allocate freely.
 *
 * Records are applied in order to a staging view that keeps, per address,
 * the last claim on it (a bind, or a decline's quarantine) and, per MAC, the
 * address it holds. So a later bind of an address supersedes an earlier one
 * (the journal writer drains several workers' rings, and a release by one
 * can land after the bind by another), and a client holds one address.
 *
 * Then each surviving claim is checked against the new configuration and
 * put back:
 * - over (expiry <= wall now): dropped;
 * - address in no pool of any subnet, and not the client's reservation:
 *   dropped (the subnet or the pool was removed or shrunk). A subnet is
 *   matched by the address, not by the record's subnet field, so leases of
 *   a subnet that was renumbered in the file, widened or moved in the list
 *   survive when their address is still in a pool;
 * - the client now has a reservation for another address, or the address is
 *   now reserved for another client: dropped (the reservation wins; the
 *   client is NAKed at its next renewal and rediscovers);
 * - otherwise the lease goes to shard dpxe_client_owner(mac, n) and its
 *   address is marked used in the shard whose slice holds it. When n changed
 *   between runs those differ: the client keeps its address (renumbering
 *   most clients because the worker count changed would be worse), the
 *   lease is flagged DPXE_LEASE_F_FOREIGN, and when it ends the owner hands
 *   the address to the slice owner through its outbox (lease_shard.h).
 * Declined addresses go back into quarantine in their slice owner, in
 * expiry order.
 */
#ifndef DPXE_LEASE_RESTORE_H
#define DPXE_LEASE_RESTORE_H

#include <stdint.h>

#include "lease_journal.h"
#include "lease_shard.h"

struct dpxe_lease_restore_stats {
	uint64_t records;      /**< records fed */
	uint64_t restored;     /**< leases put back */
	uint64_t quarantined;  /**< declined addresses put back in quarantine */
	uint64_t expired;      /**< over already */
	uint64_t not_in_pool;  /**< address in no pool any more */
	uint64_t reservation;  /**< dropped for a reservation */
	uint64_t superseded;   /**< claims replaced by a later one, same ip */
	uint64_t foreign;      /**< kept, address in another shard's slice */
	uint64_t table_full;   /**< no room in the owner shard */
};

struct dpxe_lease_restore;

/** @return 0 and *out, or -ENOMEM. */
int dpxe_lease_restore_begin(struct dpxe_lease_restore **out);

/** Apply one record to the staging view. @return 0 or -ENOMEM. */
int dpxe_lease_restore_add(struct dpxe_lease_restore *r,
			   const struct dpxe_lease_record *rec);

/**
 * Put the surviving leases into shards[0..n-1]: freshly created, empty, all
 * from the same configuration, shards[i] of index i. Expiries are converted
 * with mono = wall - wall_now + mono_now. Frees r.
 * @return 0, -EINVAL (shards do not match n).
 */
int dpxe_lease_restore_finish(struct dpxe_lease_restore *r,
			      struct dpxe_lease_shard *const *shards,
			      unsigned int n, int64_t wall_now,
			      int64_t mono_now,
			      struct dpxe_lease_restore_stats *st);

/** Drop a staging view without using it; NULL is a no-op. */
void dpxe_lease_restore_free(struct dpxe_lease_restore *r);

/**
 * Replay the journal at path into the shards (a missing file is an empty
 * journal). jst: what replay found, to log a discarded tail.
 * @return 0 or the error of replay / restore.
 */
int dpxe_lease_restore_journal(const char *path,
			       struct dpxe_lease_shard *const *shards,
			       unsigned int n, int64_t wall_now,
			       int64_t mono_now,
			       struct dpxe_lease_restore_stats *st,
			       struct dpxe_lease_journal_stats *jst);

/** Iterator over the live state of a set of shards, as journal records:
 *  a bind per BOUND lease, a decline per quarantined address. */
struct dpxe_lease_snapshot {
	struct dpxe_lease_shard *const *shards;
	unsigned int n;
	int64_t wall_offset;
	unsigned int shard;
	int phase;
	uint32_t cursor;
};

void dpxe_lease_snapshot_init(struct dpxe_lease_snapshot *it,
			      struct dpxe_lease_shard *const *shards,
			      unsigned int n, int64_t wall_offset);

/** A dpxe_lease_iter_fn (arg: the snapshot), for
 *  dpxe_lease_journal_compact(). @return 1 and *r, 0 at the end. */
int dpxe_lease_snapshot_next(void *arg, struct dpxe_lease_record *r);

/**
 * Config reload: move the live leases of old shards (any n_old) into new
 * shards made from the new configuration (n_new), by the rules above.
 * The old shards are left as they were; the caller destroys them.
 * @return 0, -ENOMEM, -EINVAL.
 */
int dpxe_lease_reload(struct dpxe_lease_shard *const *old_shards,
		      unsigned int n_old,
		      struct dpxe_lease_shard *const *new_shards,
		      unsigned int n_new, int64_t mono_now,
		      struct dpxe_lease_restore_stats *st);

/**
 * Hand-off of one address to the shard whose slice holds it, from
 * dpxe_lease_reload_shard(): the caller queues it for that shard's owner,
 * which applies it with dpxe_lease_shard_adopt() before it hands out
 * anything from its new shard.
 * @param slice  the shard to mark ip in (!= the shard being reloaded)
 * @param until  0: a lease holds ip; else the end of its quarantine
 * @return 0, or non-zero when it cannot be queued: the lease is then
 *         dropped rather than risk the address being handed out twice.
 */
typedef int (*dpxe_lease_handoff_fn)(void *arg, unsigned int slice,
				     uint32_t ip, int64_t until);

/**
 * Config reload of one shard, by its own worker, while the other workers
 * may be doing the same with theirs: move the BOUND leases and the
 * quarantine of `old` (index i of n) into new_shards[i], by the rules of
 * dpxe_lease_reload(). Writes no shard but new_shards[i]; reads the others
 * only for what is fixed at create (pools, reservations). An address that
 * lies in another shard's slice under the new configuration goes to
 * handoff() instead of being marked there.
 *
 * @param cfg  the configuration new_shards were made from (for "is this
 *             address reserved for another client" across slices).
 * @return 0; -EINVAL when old and new_shards do not have the same n.
 */
int dpxe_lease_reload_shard(const struct dpxe_lease_shard *old,
			    struct dpxe_lease_shard *const *new_shards,
			    unsigned int n, const struct dpxe_config *cfg,
			    int64_t mono_now, dpxe_lease_handoff_fn handoff,
			    void *arg, struct dpxe_lease_restore_stats *st);

/**
 * Apply a hand-off of dpxe_lease_reload_shard() to the shard whose slice
 * holds ip: mark it used and, when until > 0, quarantine it until then.
 * @return 0; -EINVAL (ip not in this shard's slice); -EEXIST (already
 *         used: a reservation, or a conflict; nothing changed).
 */
int dpxe_lease_shard_adopt(struct dpxe_lease_shard *s, uint32_t ip,
			   int64_t until);

#endif /* DPXE_LEASE_RESTORE_H */
