/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-worker counters of the provider runtime. Kept apart from the rest of
 * the runtime so lib/dataplane's stats block can embed them without pulling
 * in DPDK-side declarations. Some are bumped from provider threads, so every
 * writer uses a relaxed atomic add; readers accept a slightly stale view.
 */
#ifndef DPXE_WDS_COUNTERS_H
#define DPXE_WDS_COUNTERS_H

#include <stdint.h>

struct dpxe_wds_counters {
	uint64_t requests;        /* requests handed to the chain */
	uint64_t replies;         /* frames sent by PxeSendReply */
	uint64_t rejected_all;    /* every provider passed: dropped */
	uint64_t ignored;         /* a provider said IGNORE */
	uint64_t no_slot;         /* dropped: all request slots busy */
	uint64_t timeouts;        /* pending requests that timed out */
	uint64_t late_done;       /* PxeAsyncRecvDone refused: too late/twice */
	uint64_t leaks_reclaimed; /* packets still allocated at request end */
	uint64_t bad_action;      /* action not NBP/CUSTOM/IGNORE/REJECTED */
	uint64_t double_free;     /* PxePacketFree of a freed/foreign buffer */
	uint64_t send_after_end;  /* send/alloc on a finished request */
	uint64_t send_flood;      /* sends over the per-request cap */
	uint64_t send_fail;       /* send refused: bad address, no mbuf, ring */
};

#define DPXE_WDS_COUNT(c, field) \
	__atomic_fetch_add(&(c)->field, 1, __ATOMIC_RELAXED)

/* For the counters only the worker lcore writes (requests, replies,
 * rejected_all, ignored, no_slot, timeouts, leaks_reclaimed, bad_action):
 * no locked add per request, still atomic accesses for the readers. */
#define DPXE_WDS_COUNT_LOCAL(c, field) \
	__atomic_store_n(&(c)->field, __atomic_load_n(&(c)->field, __ATOMIC_RELAXED) + 1, \
			 __ATOMIC_RELAXED)

#endif /* DPXE_WDS_COUNTERS_H */
