/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The lease service of full DHCP mode: one shard per worker, and the one
 * thread that keeps the journal (lease_journal.h: never written on a
 * worker).
 *
 * Workers build struct dpxe_lease_record values and put them on their own
 * single-producer / single-consumer ring (dpxe_lease_service_push(): never
 * blocks; a full ring is a counted loss). The service thread drains every
 * ring, appends in batches and flushes (write + fdatasync) every
 * leases.flush_ms, and once more at stop, so a graceful stop loses nothing
 * and kill -9 loses at most one interval.
 *
 * Start: the journal is replayed into the shards before any worker runs,
 * then compacted (rewritten with one record per live lease) so the file
 * starts clean, and opened for appending. While running, the file is
 * compacted again when it grows past 4x the live leases (plus a floor of
 * 64 Ki records, and at most once a second):
 * the service thread cannot read the shards (workers change them without
 * locks), so it replays its own journal, the complete history of every
 * change, into scratch shards made from the running configuration and
 * writes their snapshot. It is the journal's only writer, so nothing is
 * appended between the replay and the rename.
 *
 * CPU: the thread must get CPU time. EAL puts control threads on the CPUs
 * not given to lcores (-l); when every CPU runs a polling worker, a bind
 * storm outruns the journal and the records it could not take are counted
 * (journal_ring_full: ACKed, not journaled). Leave it a CPU.
 */
#ifndef DPXE_LEASE_SERVICE_H
#define DPXE_LEASE_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "config/config.h"
#include "lease/lease_journal.h"
#include "lease/lease_shard.h"

#define DPXE_LEASE_RING_SIZE 16384  /* records per worker between drains */

/** What the service thread did; written by it alone. */
struct dpxe_lease_service_stats {
	uint64_t records_written;  /**< records appended and flushed */
	uint64_t flush_errors;     /**< failed flushes (retried) */
	uint64_t compactions;      /**< journal rewrites while running */
	uint64_t compaction_errors;
};

struct dpxe_lease_service;

/** Shard parameters from the leases section. */
void dpxe_lease_service_params(const struct dpxe_config *cfg,
			       struct dpxe_lease_shard_params *p);

/**
 * Create the n shards of cfg into shards[0..n-1].
 * @return 0, or -1 with a message in err (everything created is freed).
 */
int dpxe_lease_shards_create(const struct dpxe_config *cfg, unsigned int n,
			     struct dpxe_lease_shard **shards, char *err,
			     size_t err_len);

/** Destroy n shards; NULL entries are skipped. */
void dpxe_lease_shards_destroy(struct dpxe_lease_shard **shards,
			       unsigned int n);

/**
 * Restore the journal of cfg->leases into shards (freshly created, empty),
 * compact it and open it for appending; create one record ring per worker.
 * Without a journal, only the rings (and a warning). Logs what it restored.
 *
 * @param mono_now, wall_offset  the dataplane's clock (dpxe_lease_*()).
 * @return the service, or NULL with a message in err.
 */
struct dpxe_lease_service *
dpxe_lease_service_create(const struct dpxe_config *cfg,
			  struct dpxe_lease_shard *const *shards,
			  unsigned int n, int64_t mono_now, int64_t wall_offset,
			  char *err, size_t err_len);

/** Worker i's record ring (single producer: worker i). */
struct rte_ring *dpxe_lease_service_ring(struct dpxe_lease_service *s,
					 unsigned int i);

/**
 * One pass of the service thread's work: drain the rings, flush when
 * flush_ms has passed (or always when final), compact when due.
 * cfg: the configuration the shards run on now (for compaction).
 * @return records taken from the rings.
 */
unsigned int dpxe_lease_service_poll(struct dpxe_lease_service *s,
				     const struct dpxe_config *cfg,
				     int64_t mono_now, bool final);

/** The service's counters (read with relaxed loads). */
const struct dpxe_lease_service_stats *
dpxe_lease_service_stats(const struct dpxe_lease_service *s);

/** Drain, flush, close the journal, free the rings. NULL is a no-op. */
void dpxe_lease_service_destroy(struct dpxe_lease_service *s,
				const struct dpxe_config *cfg,
				int64_t mono_now);

/** Queue a record from worker code: no lock, no system call.
 *  @return false when the ring is full (the caller counts the loss). */
static inline bool
dpxe_lease_service_push(struct rte_ring *r, const struct dpxe_lease_record *rec)
{
	return likely(rte_ring_sp_enqueue_elem(r, (void *)(uintptr_t)rec,
					       sizeof(*rec)) == 0);
}

#endif /* DPXE_LEASE_SERVICE_H */
