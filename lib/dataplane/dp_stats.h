/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-worker counters. Each worker writes only its own cache-aligned block,
 * so counting costs a plain increment; readers (stats printing, the idle
 * watchdog) sum the blocks and accept a slightly stale view.
 */
#ifndef DPXE_DP_STATS_H
#define DPXE_DP_STATS_H

#include <stdint.h>
#include <stdio.h>

#include <rte_common.h>

#include "dhcp.h"
#include "drop_reason.h"
#include "wdspxe/wds_counters.h"

struct dpxe_worker_stats {
	uint64_t rx;            /* frames taken from the NIC queue */
	uint64_t rx_spread_in;  /* frames another worker handed us */
	uint64_t spread_out;    /* frames we handed to their owner */
	uint64_t spread_ring_full; /* ...and dropped: the owner's ring was full */
	uint64_t spread_stop_discards; /* ...still in its ring at stop */
	uint64_t spread_no_port; /* handed to us with an mbuf port field that
				  * names none of our ports: not answered */
	uint64_t tx;            /* frames the NIC accepted */
	uint64_t tx_full;       /* replies dropped: TX queue full */
	uint64_t mbuf_alloc_fail; /* replies lost: our mempool was empty */
	uint64_t delay_queue_full; /* replies lost: too many held for the delay */
	uint64_t arp_replies;
	uint64_t replies[DPXE_DHCP_MSG_TYPE_MAX + 1]; /* by DHCP message type */
	uint64_t drops[DPXE_DROP_MAX]; /* by reason; [OK] is unused */
	/* full DHCP mode: lease events, and journal records lost because
	 * this worker's ring to the lease service was full */
	uint64_t lease_binds;
	uint64_t lease_releases;
	uint64_t lease_declines;
	uint64_t lease_expired;
	uint64_t journal_ring_full;
	uint64_t foreign_ring_full; /* an address stays used until restart */
	uint64_t busy_cycles;   /* TSC spent on bursts that had work */
	uint64_t busy_packets;  /* packets in those bursts */
	struct dpxe_wds_counters provider; /* the provider chain (lib/wdspxe) */
} __rte_cache_aligned;

struct dpxe_dataplane;

/** Sum of every worker's counters. */
void dpxe_stats_sum(const struct dpxe_dataplane *dp,
		    struct dpxe_worker_stats *total);

/** Human-readable table: totals, then one line per worker. */
void dpxe_stats_print(const struct dpxe_dataplane *dp, FILE *f);

/** The same as one JSON object, for tests and scripts. */
void dpxe_stats_print_json(const struct dpxe_dataplane *dp, FILE *f);

#endif /* DPXE_DP_STATS_H */
