/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The lease service: shards at start, the journal's restore, compaction and
 * batched appends, fed by one ring per worker. Runs on the control thread
 * (control.c), never on a worker. See lease_service.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_malloc.h>

#include "dp_internal.h"
#include "lease/lease_restore.h"
#include "lease_service.h"

#define DRAIN_BATCH 256
/* compact once the file holds this many times the live records, and at
 * least COMPACT_FLOOR records: a small file is not worth rewriting; and at
 * most once per COMPACT_MIN_MS: a compaction replays the whole file into
 * scratch shards, and in a bind storm (every renewal is a record) the file
 * passes the threshold every few milliseconds, which left the control
 * thread compacting instead of draining the workers' rings */
#define COMPACT_RATIO 4
#define COMPACT_FLOOR 65536
#define COMPACT_MIN_MS 1000

struct dpxe_lease_service {
	char *path;                  /* NULL: memory only */
	struct dpxe_lease_journal *journal;
	unsigned int n;
	uint32_t flush_ms;
	int64_t wall_offset;
	uint64_t last_flush_tsc;
	uint64_t last_compact_tsc;
	uint64_t live;               /* records after the last compaction */
	uint64_t appended;           /* records the journal accepted */
	struct rte_ring *rings[DPXE_MAX_WORKERS];
	struct dpxe_lease_service_stats stats;
	struct dpxe_lease_record buf[DRAIN_BATCH];
};

void
dpxe_lease_service_params(const struct dpxe_config *cfg,
			  struct dpxe_lease_shard_params *p)
{
	memset(p, 0, sizeof(*p));
	p->capacity = cfg->leases.capacity;
	p->offer_time = cfg->leases.offer_time;
	p->decline_time = cfg->leases.decline_time;
}

void
dpxe_lease_shards_destroy(struct dpxe_lease_shard **shards, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		dpxe_lease_shard_destroy(shards[i]);
		shards[i] = NULL;
	}
}

int
dpxe_lease_shards_create(const struct dpxe_config *cfg, unsigned int n,
			 struct dpxe_lease_shard **shards, char *err,
			 size_t err_len)
{
	struct dpxe_lease_shard_params p;

	dpxe_lease_service_params(cfg, &p);
	for (unsigned int i = 0; i < n; i++) {
		int rc = dpxe_lease_shard_create(cfg, i, n, &p, &shards[i]);

		if (rc != 0) {
			snprintf(err, err_len, "lease shard %u of %u: %s (lower "
				 "leases.capacity)", i, n, strerror(-rc));
			dpxe_lease_shards_destroy(shards, i);
			return -1;
		}
	}
	return 0;
}

/* Restore, compact, open: before any worker runs. */
static int
journal_start(struct dpxe_lease_service *s,
	      struct dpxe_lease_shard *const *shards, int64_t mono_now,
	      char *err, size_t err_len)
{
	struct dpxe_lease_restore_stats rst;
	struct dpxe_lease_journal_stats jst;
	struct dpxe_lease_snapshot it;
	int rc;

	rc = dpxe_lease_restore_journal(s->path, shards, s->n,
					mono_now + s->wall_offset, mono_now,
					&rst, &jst);
	if (rc != 0) {
		snprintf(err, err_len, "leases.journal %s: cannot replay it: "
			 "%s (move it away to start with no leases)", s->path,
			 strerror(rc < 0 ? -rc : EINVAL));
		return -1;
	}
	if (jst.discarded_bytes)
		DP_LOG(WARNING, "leases.journal %s: %" PRIu64 " bytes after "
		       "the last good record discarded (%s)", s->path,
		       jst.discarded_bytes, jst.suspect_records ?
		       "corruption: the original is kept as .corrupt" :
		       "a torn last write");
	DP_LOG(NOTICE, "leases.journal %s: %" PRIu64 " records, %" PRIu64
	       " leases restored, %" PRIu64 " addresses in quarantine, %"
	       PRIu64 " over, %" PRIu64 " outside the pools, %" PRIu64
	       " lost to reservations, %" PRIu64 " no room", s->path,
	       rst.records, rst.restored, rst.quarantined, rst.expired,
	       rst.not_in_pool, rst.reservation, rst.table_full);
	rc = dpxe_lease_journal_open(s->path, 0, &s->journal, NULL);
	if (rc != 0) {
		snprintf(err, err_len, "leases.journal %s: cannot open it: %s",
			 s->path, strerror(-rc));
		return -1;
	}
	dpxe_lease_snapshot_init(&it, shards, s->n, s->wall_offset);
	rc = dpxe_lease_journal_compact(s->journal, dpxe_lease_snapshot_next,
					&it);
	if (rc != 0) {
		snprintf(err, err_len, "leases.journal %s: cannot rewrite it: "
			 "%s", s->path, strerror(-rc));
		return -1;
	}
	s->live = dpxe_lease_journal_records(s->journal); /* what it wrote */
	return 0;
}

struct dpxe_lease_service *
dpxe_lease_service_create(const struct dpxe_config *cfg,
			  struct dpxe_lease_shard *const *shards,
			  unsigned int n, int64_t mono_now, int64_t wall_offset,
			  char *err, size_t err_len)
{
	struct dpxe_lease_service *s = calloc(1, sizeof(*s));
	char name[RTE_RING_NAMESIZE];

	if (s == NULL) {
		snprintf(err, err_len, "out of memory for the lease service");
		return NULL;
	}
	s->n = n;
	s->flush_ms = cfg->leases.flush_ms;
	s->wall_offset = wall_offset;
	s->last_flush_tsc = rte_rdtsc();
	for (unsigned int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "dpxe_lease_%u", i);
		s->rings[i] = rte_ring_create_elem(name,
				sizeof(struct dpxe_lease_record),
				DPXE_LEASE_RING_SIZE, SOCKET_ID_ANY,
				RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (s->rings[i] == NULL) {
			snprintf(err, err_len, "lease record ring %u: %s "
				 "(raise -m)", i, rte_strerror(rte_errno));
			goto fail;
		}
	}
	if (cfg->leases.journal == NULL) {
		DP_LOG(WARNING, "server.mode dhcp without leases.journal: "
		       "leases live in memory only, a restart forgets them "
		       "(clients keep their addresses but may be NAKed or "
		       "given another)");
		return s;
	}
	s->path = strdup(cfg->leases.journal);
	if (s->path == NULL) {
		snprintf(err, err_len, "out of memory for the lease service");
		goto fail;
	}
	if (journal_start(s, shards, mono_now, err, err_len) < 0)
		goto fail;
	return s;
fail:
	dpxe_lease_service_destroy(s, NULL, mono_now);
	return NULL;
}

struct rte_ring *
dpxe_lease_service_ring(struct dpxe_lease_service *s, unsigned int i)
{
	return s->rings[i];
}

const struct dpxe_lease_service_stats *
dpxe_lease_service_stats(const struct dpxe_lease_service *s)
{
	return &s->stats;
}

static void
count(uint64_t *c, uint64_t n)
{
	__atomic_store_n(c, *c + n, __ATOMIC_RELAXED);
}

/* Rewrite the file from its own history (see lease_service.h). */
static void
compact(struct dpxe_lease_service *s, const struct dpxe_config *cfg,
	int64_t mono_now)
{
	struct dpxe_lease_shard *scratch[DPXE_MAX_WORKERS] = { NULL };
	struct dpxe_lease_snapshot it;
	char err[256];
	int rc;

	rc = dpxe_lease_journal_flush(s->journal);
	if (rc == 0 && dpxe_lease_shards_create(cfg, s->n, scratch, err,
						sizeof(err)) < 0)
		rc = -ENOMEM;
	if (rc == 0)
		rc = dpxe_lease_restore_journal(s->path, scratch, s->n,
						mono_now + s->wall_offset,
						mono_now, NULL, NULL);
	if (rc == 0) {
		dpxe_lease_snapshot_init(&it, scratch, s->n, s->wall_offset);
		rc = dpxe_lease_journal_compact(s->journal,
						dpxe_lease_snapshot_next, &it);
	}
	if (rc == 0) {
		s->live = dpxe_lease_journal_records(s->journal);
		count(&s->stats.compactions, 1);
		DP_LOG(INFO, "leases.journal %s: compacted to %" PRIu64
		       " records", s->path, s->live);
	} else {
		count(&s->stats.compaction_errors, 1);
		DP_LOG(WARNING, "leases.journal %s: compaction failed: %s; "
		       "appending to the old file", s->path, strerror(-rc));
	}
	dpxe_lease_shards_destroy(scratch, s->n);
}

unsigned int
dpxe_lease_service_poll(struct dpxe_lease_service *s,
			const struct dpxe_config *cfg, int64_t mono_now,
			bool final)
{
	uint64_t now = rte_rdtsc();
	unsigned int total = 0;

	if (cfg != NULL) /* a reload may change it */
		s->flush_ms = cfg->leases.flush_ms;

	for (unsigned int i = 0; i < s->n; i++) {
		unsigned int k;

		do {
			k = rte_ring_sc_dequeue_burst_elem(s->rings[i], s->buf,
					sizeof(s->buf[0]), DRAIN_BATCH, NULL);
			total += k;
			if (k == 0 || s->journal == NULL)
				continue;
			/* a failed flush on the way leaves what did not fit
			 * out: counted, the next flush retries the rest */
			if (dpxe_lease_journal_append_batch(s->journal, s->buf,
							    k) != 0)
				count(&s->stats.flush_errors, 1);
			else
				s->appended += k;
		} while (k == DRAIN_BATCH);
	}
	if (s->journal == NULL)
		return total;
	if ((final || now - s->last_flush_tsc >=
			      rte_get_tsc_hz() / 1000 * s->flush_ms) &&
	    dpxe_lease_journal_pending(s->journal) > 0) {
		if (dpxe_lease_journal_flush(s->journal) == 0)
			__atomic_store_n(&s->stats.records_written,
					 s->appended, __ATOMIC_RELAXED);
		else
			count(&s->stats.flush_errors, 1);
		s->last_flush_tsc = now;
	} else if (dpxe_lease_journal_pending(s->journal) == 0) {
		s->last_flush_tsc = now;
	}
	if (!final && cfg != NULL &&
	    dpxe_lease_journal_records(s->journal) >
		    COMPACT_RATIO * s->live + COMPACT_FLOOR &&
	    now - s->last_compact_tsc >=
		    rte_get_tsc_hz() / 1000 * COMPACT_MIN_MS) {
		compact(s, cfg, mono_now);
		s->last_compact_tsc = rte_rdtsc();
	}
	return total;
}

void
dpxe_lease_service_destroy(struct dpxe_lease_service *s,
			   const struct dpxe_config *cfg, int64_t mono_now)
{
	if (s == NULL)
		return;
	if (s->rings[0] != NULL)
		dpxe_lease_service_poll(s, cfg, mono_now, true);
	if (s->journal != NULL && dpxe_lease_journal_close(s->journal) != 0)
		DP_LOG(ERR, "leases.journal %s: the last flush failed: %s",
		       s->path, "the last records may be lost");
	for (unsigned int i = 0; i < s->n; i++)
		rte_ring_free(s->rings[i]);
	free(s->path);
	free(s);
}
