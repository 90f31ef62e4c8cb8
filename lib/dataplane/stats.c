/* SPDX-License-Identifier: BSD-3-Clause */
/* Printing the per-worker counters: a table for people, JSON for scripts. */
#include <inttypes.h>
#include <stdio.h>

#include "dp_internal.h"

/* Full DHCP mode's per-worker counters, by the name they print under. */
#define LEASE_COUNTERS(X) \
	X(lease_binds) X(lease_releases) X(lease_declines) X(lease_expired) \
	X(journal_ring_full) X(foreign_ring_full)

/* The provider counters, by the name they print under. */
#define PROVIDER_COUNTERS(X) \
	X(requests) X(replies) X(rejected_all) X(ignored) X(no_slot) \
	X(timeouts) X(late_done) X(leaks_reclaimed) X(bad_action) \
	X(double_free) X(send_after_end) X(send_flood) X(send_fail)

static uint64_t
rd(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static void
add(struct dpxe_worker_stats *t, const struct dpxe_worker_stats *s)
{
	t->rx += rd(&s->rx);
	t->rx_spread_in += rd(&s->rx_spread_in);
	t->spread_out += rd(&s->spread_out);
	t->spread_ring_full += rd(&s->spread_ring_full);
	t->spread_stop_discards += rd(&s->spread_stop_discards);
	t->spread_no_port += rd(&s->spread_no_port);
	t->tx += rd(&s->tx);
	t->tx_full += rd(&s->tx_full);
	t->mbuf_alloc_fail += rd(&s->mbuf_alloc_fail);
	t->delay_queue_full += rd(&s->delay_queue_full);
	t->arp_replies += rd(&s->arp_replies);
	for (int i = 0; i <= DPXE_DHCP_MSG_TYPE_MAX; i++)
		t->replies[i] += rd(&s->replies[i]);
	for (int i = 0; i < DPXE_DROP_MAX; i++)
		t->drops[i] += rd(&s->drops[i]);
#define ADD_LEASE(n) t->n += rd(&s->n);
	LEASE_COUNTERS(ADD_LEASE)
#undef ADD_LEASE
	t->busy_cycles += rd(&s->busy_cycles);
	t->busy_packets += rd(&s->busy_packets);
#define ADD_PROV(n) t->provider.n += rd(&s->provider.n);
	PROVIDER_COUNTERS(ADD_PROV)
#undef ADD_PROV
}

void
dpxe_stats_sum(const struct dpxe_dataplane *dp, struct dpxe_worker_stats *t)
{
	memset(t, 0, sizeof(*t));
	for (unsigned int i = 0; i < dp->n_workers; i++)
		add(t, &dp->stats[i]);
}

static uint64_t
dropped(const struct dpxe_worker_stats *s)
{
	uint64_t n = 0;

	for (int i = 1; i < DPXE_DROP_MAX; i++)
		n += s->drops[i];
	return n;
}

void
dpxe_stats_print(const struct dpxe_dataplane *dp, FILE *f)
{
	struct dpxe_worker_stats t;

	dpxe_stats_sum(dp, &t);
	fprintf(f, "dpxe stats: rx %" PRIu64 " tx %" PRIu64 " dropped %" PRIu64
		   " tx_full %" PRIu64 " mbuf_alloc_fail %" PRIu64
		   " arp_replies %" PRIu64 "\n",
		t.rx, t.tx, dropped(&t), t.tx_full, t.mbuf_alloc_fail,
		t.arp_replies);
	fprintf(f, "  replies:");
	for (int i = 1; i <= DPXE_DHCP_MSG_TYPE_MAX; i++)
		if (t.replies[i])
			fprintf(f, " %s %" PRIu64, dpxe_dhcp_msg_type_name((uint8_t)i),
				t.replies[i]);
	fprintf(f, "\n  drops:");
	for (int i = 1; i < DPXE_DROP_MAX; i++)
		if (t.drops[i])
			fprintf(f, " %s %" PRIu64,
				dpxe_drop_reason_name((enum dpxe_drop_reason)i),
				t.drops[i]);
	fprintf(f, "\n");
	if (t.provider.requests) {
		fprintf(f, "  providers:");
#define PRINT_PROV(n) \
	if (t.provider.n) fprintf(f, " " #n " %" PRIu64, t.provider.n);
		PROVIDER_COUNTERS(PRINT_PROV)
#undef PRINT_PROV
		fprintf(f, "\n");
	}
	if (dp->leases != NULL) {
		const struct dpxe_lease_service_stats *ls =
			dpxe_lease_service_stats(dp->leases);

		fprintf(f, "  leases:");
#define PRINT_LEASE(n) fprintf(f, " " #n " %" PRIu64, t.n);
		LEASE_COUNTERS(PRINT_LEASE)
#undef PRINT_LEASE
		fprintf(f, " journal_records_written %" PRIu64
			   " journal_flush_errors %" PRIu64 "\n",
			rd(&ls->records_written), rd(&ls->flush_errors));
	}
	if (rd(&dp->reloads) || rd(&dp->reload_failures))
		fprintf(f, "  reloads %" PRIu64 " reload_failures %" PRIu64 "\n",
			rd(&dp->reloads), rd(&dp->reload_failures));
	/* an average over a handful of packets is all first-touch page faults */
	if (t.busy_packets >= 10000)
		fprintf(f, "  cycles/packet %.1f\n",
			(double)t.busy_cycles / (double)t.busy_packets);
	for (unsigned int i = 0; i < dp->n_workers; i++) {
		const struct dpxe_worker_stats *s = &dp->stats[i];

		fprintf(f, "  worker %u lcore %u: rx %" PRIu64 " spread_in %" PRIu64
			   " spread_out %" PRIu64 " tx %" PRIu64 " dropped %" PRIu64
			   "\n",
			i, dp->workers[i]->lcore, rd(&s->rx), rd(&s->rx_spread_in),
			rd(&s->spread_out), rd(&s->tx), dropped(s));
	}
}

static void
json_counters(FILE *f, const struct dpxe_worker_stats *s)
{
	fprintf(f, "\"rx\": %" PRIu64 ", \"tx\": %" PRIu64
		   ", \"rx_spread_in\": %" PRIu64 ", \"spread_out\": %" PRIu64
		   ", \"spread_ring_full\": %" PRIu64 ", \"tx_full\": %" PRIu64
		   ", \"mbuf_alloc_fail\": %" PRIu64
		   ", \"delay_queue_full\": %" PRIu64 ", \"arp_replies\": %" PRIu64
		   ", \"busy_cycles\": %" PRIu64 ", \"busy_packets\": %" PRIu64,
		s->rx, s->tx, s->rx_spread_in, s->spread_out, s->spread_ring_full,
		s->tx_full, s->mbuf_alloc_fail, s->delay_queue_full, s->arp_replies, s->busy_cycles,
		s->busy_packets);
	fprintf(f, ", \"replies\": {");
	for (int i = 1, first = 1; i <= DPXE_DHCP_MSG_TYPE_MAX; i++, first = 0)
		fprintf(f, "%s\"%s\": %" PRIu64, first ? "" : ", ",
			dpxe_dhcp_msg_type_name((uint8_t)i), s->replies[i]);
	fprintf(f, "}, \"drops\": {");
	for (int i = 1, first = 1; i < DPXE_DROP_MAX; i++, first = 0)
		fprintf(f, "%s\"%s\": %" PRIu64, first ? "" : ", ",
			dpxe_drop_reason_name((enum dpxe_drop_reason)i),
			s->drops[i]);
	fprintf(f, "}");
#define JSON_PROV(n) fprintf(f, ", \"provider_" #n "\": %" PRIu64, s->provider.n);
	PROVIDER_COUNTERS(JSON_PROV)
#undef JSON_PROV
	fprintf(f, ", \"spread_stop_discards\": %" PRIu64
		   ", \"spread_no_port\": %" PRIu64,
		s->spread_stop_discards, s->spread_no_port);
#define JSON_LEASE(n) fprintf(f, ", \"" #n "\": %" PRIu64, s->n);
	LEASE_COUNTERS(JSON_LEASE)
#undef JSON_LEASE
}

/* Counters of the dataplane as a whole, in the total object. */
static void
json_dataplane(FILE *f, const struct dpxe_dataplane *dp)
{
	struct dpxe_lease_service_stats ls = { 0 };

	if (dp->leases != NULL) {
		const struct dpxe_lease_service_stats *p =
			dpxe_lease_service_stats(dp->leases);

		ls.records_written = rd(&p->records_written);
		ls.flush_errors = rd(&p->flush_errors);
		ls.compactions = rd(&p->compactions);
		ls.compaction_errors = rd(&p->compaction_errors);
	}
	fprintf(f, ", \"journal_records_written\": %" PRIu64
		   ", \"journal_flush_errors\": %" PRIu64
		   ", \"journal_compactions\": %" PRIu64
		   ", \"journal_compaction_errors\": %" PRIu64
		   ", \"reloads\": %" PRIu64 ", \"reload_failures\": %" PRIu64,
		ls.records_written, ls.flush_errors, ls.compactions,
		ls.compaction_errors, rd(&dp->reloads),
		rd(&dp->reload_failures));
}

void
dpxe_stats_print_json(const struct dpxe_dataplane *dp, FILE *f)
{
	struct dpxe_worker_stats t, s;

	dpxe_stats_sum(dp, &t);
	fprintf(f, "{\"tsc_hz\": %" PRIu64 ", \"total\": {", dp->tsc_hz);
	json_counters(f, &t);
	json_dataplane(f, dp);
	fprintf(f, "}, \"workers\": [");
	for (unsigned int i = 0; i < dp->n_workers; i++) {
		memset(&s, 0, sizeof(s));
		add(&s, &dp->stats[i]);
		fprintf(f, "%s{\"lcore\": %u, ", i ? ", " : "",
			dp->workers[i]->lcore);
		json_counters(f, &s);
		fprintf(f, "}");
	}
	fprintf(f, "]}\n");
}
