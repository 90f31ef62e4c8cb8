/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Generations and live reload (SIGHUP).
 *
 * The control thread loads and checks the new file, builds a generation
 * (the config and, in dhcp mode, empty shards made from it) off the
 * workers, and publishes it with one atomic pointer store. Each worker
 * notices at the top of its loop, where it holds nothing of the previous
 * iteration (its quiescent point), and switches: it moves its own leases
 * into its new shard, resets its reply templates (keyed to the old
 * config), and acknowledges. Every packet is answered entirely by one
 * generation: the switch happens between packets, never inside one.
 *
 * Leases. Worker i writes only new shard i. A lease it keeps whose address
 * lies in another worker's slice of the new pools (pools moved, or a
 * restart changed the worker count) is handed to that worker through the
 * generation's hand-off ring; so that no worker hands out such an address
 * before it hears of it, the workers wait for one another after moving
 * their leases (a barrier of a few microseconds plus the time to move one
 * shard; frames wait in the NIC queue and the spreading rings meanwhile,
 * none is dropped by dpxe), then apply what they were handed, then serve.
 *
 * Reclamation. The reloader waits (bounded) until every worker has
 * acknowledged the new generation, then for one more quiescent report of
 * each through rte_rcu_qsbr (the iteration that switched is over), and only
 * then frees the old generation. A worker reports quiescent after the
 * switch check, never between loading the pointer and switching, so an
 * acknowledged worker cannot still be using the old one.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_pause.h>

#include "dp_internal.h"

struct dpxe_gen *
dpxe_gen_create(struct dpxe_dataplane *dp, const struct dpxe_config *cfg,
		struct dpxe_config *owned, char *err, size_t err_len)
{
	struct dpxe_gen *g = calloc(1, sizeof(*g));

	if (g == NULL) {
		snprintf(err, err_len, "out of memory for a configuration");
		return NULL;
	}
	g->cfg = cfg;
	if (cfg->server.mode == DPXE_CONFIG_MODE_DHCP) {
		if (dpxe_lease_shards_create(cfg, dp->n_workers, g->shards, err,
					     err_len) < 0) {
			free(g);
			return NULL;
		}
		g->n = dp->n_workers;
	}
	g->owned = owned;
	return g;
}

void
dpxe_gen_free(struct dpxe_gen *g)
{
	if (g == NULL)
		return;
	dpxe_lease_shards_destroy(g->shards, g->n);
	for (unsigned int i = 0; i < DPXE_MAX_WORKERS; i++)
		rte_ring_free(g->handoff[i]);
	dpxe_config_free(g->owned);
	free(g);
}

/* ---- the worker's side ---- */

static int
handoff(void *arg, unsigned int slice, uint32_t ip, int64_t until)
{
	struct dpxe_gen *g = arg;
	struct dpxe_handoff h = { .ip = ip, .until = until };

	if (slice >= g->n || g->handoff[slice] == NULL ||
	    rte_ring_mp_enqueue_elem(g->handoff[slice], &h, sizeof(h)) != 0) {
		__atomic_fetch_add(&g->handoff_full, 1, __ATOMIC_RELAXED);
		return -1;
	}
	return 0;
}

/* dhcp mode to dhcp mode: move this worker's leases (see the top). */
static void
move_leases(struct dpxe_worker *w, struct dpxe_gen *old, struct dpxe_gen *g)
{
	struct dpxe_dataplane *dp = w->dp;
	struct dpxe_handoff h;
	uint32_t ip;

	/* replies already built leave before the pause */
	dpxe_tx_flush_all(w);
	dpxe_lease_reload_shard(old->shards[w->index], g->shards, g->n, g->cfg,
				dpxe_dp_now_s(dp, rte_rdtsc()), handoff, g,
				&g->kept[w->index]);
	__atomic_fetch_add(&g->migrated, 1, __ATOMIC_ACQ_REL);
	while (__atomic_load_n(&g->migrated, __ATOMIC_ACQUIRE) < dp->n_workers &&
	       !dpxe_dp_quitting(dp))
		rte_pause();
	/* addresses given back under the old generation were freed in the
	 * old shards, which the new ones were not built from: void now */
	while (rte_ring_sc_dequeue_elem(w->foreign, &ip, sizeof(ip)) == 0)
		;
	while (rte_ring_sc_dequeue_elem(g->handoff[w->index], &h,
					sizeof(h)) == 0)
		dpxe_lease_shard_adopt(g->shards[w->index], h.ip, h.until);
}

void
dpxe_worker_switch(struct dpxe_worker *w, struct dpxe_gen *g)
{
	struct dpxe_gen *old = w->gen;

	if (g->n != 0 && old != NULL && old->n == g->n)
		move_leases(w, old, g);
	w->gen = g;
	w->cfg = g->cfg;
	w->shard = g->n != 0 ? g->shards[w->index] : NULL;
	w->delay_tsc = (uint64_t)g->cfg->dataplane.reply_delay_ms *
		       (w->dp->tsc_hz / 1000);
	dpxe_proxy_cache_init(&w->cache, g->cfg);
	__atomic_store_n(&w->gen_ack, g->id, __ATOMIC_RELEASE);
}

/* ---- the reloader's side (control thread) ---- */

static bool
str_eq(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	       (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* What a reload cannot change while running, or NULL. */
static const char *
live_refusal(const struct dpxe_config *a, const struct dpxe_config *b,
	     char *buf, size_t len)
{
	const struct dpxe_config_dataplane *da = &a->dataplane,
					   *db = &b->dataplane;

	if (a->server.mode != b->server.mode)
		return "server.mode";
	if (a->server.ports_count != b->server.ports_count)
		return "server.ports";
	for (uint32_t i = 0; i < a->server.ports_count; i++) {
		const struct dpxe_config_server_port *p = &a->server.ports[i],
						     *q = &b->server.ports[i];

		if (p->ip != q->ip || p->prefix != q->prefix ||
		    p->mac_auto != q->mac_auto ||
		    (!p->mac_auto && memcmp(p->mac, q->mac, 6) != 0)) {
			snprintf(buf, len, "server.ports[%u] (ip, prefix, mac)",
				 i);
			return buf;
		}
	}
	if (da->ports_count != db->ports_count)
		return "dataplane.ports";
	for (uint32_t i = 0; i < da->ports_count; i++)
		if (!str_eq(da->ports[i].name, db->ports[i].name) ||
		    !str_eq(da->ports[i].devargs, db->ports[i].devargs) ||
		    da->ports[i].rx_queues != db->ports[i].rx_queues ||
		    da->ports[i].vlan != db->ports[i].vlan) {
			snprintf(buf, len, "dataplane.ports[%u] (name, devargs, "
				 "rx_queues, vlan)", i);
			return buf;
		}
	if (da->workers_count != db->workers_count ||
	    (da->workers_count &&
	     memcmp(da->workers, db->workers,
		    da->workers_count * sizeof(*da->workers)) != 0))
		return "dataplane.workers";
	if (da->mbufs_per_worker != db->mbufs_per_worker ||
	    da->mbuf_cache != db->mbuf_cache || da->burst != db->burst ||
	    da->spreading != db->spreading)
		return "dataplane.mbufs_per_worker, mbuf_cache, burst or "
		       "spreading";
	if (a->providers_count != b->providers_count)
		return "providers";
	for (uint32_t i = 0; i < a->providers_count; i++) {
		const struct dpxe_config_provider *p = &a->providers[i],
						  *q = &b->providers[i];
		bool same = str_eq(p->name, q->name) &&
			    str_eq(p->module, q->module) &&
			    p->critical == q->critical &&
			    p->settings_count == q->settings_count;

		for (uint32_t j = 0; same && j < p->settings_count; j++)
			same = str_eq(p->settings[j].key, q->settings[j].key) &&
			       str_eq(p->settings[j].value,
				      q->settings[j].value);
		if (!same) {
			snprintf(buf, len, "providers[%u]", i);
			return buf;
		}
	}
	if (a->providers_count &&
	    da->provider_timeout_ms != db->provider_timeout_ms)
		return "dataplane.provider_timeout_ms";
	if (!str_eq(a->leases.journal, b->leases.journal))
		return "leases.journal";
	if (!str_eq(a->log.file, b->log.file))
		return "log.file";
	return NULL;
}

static int
handoff_rings(struct dpxe_gen *g, char *err, size_t err_len)
{
	/* at most every lease of every worker, bounded: a full ring drops
	 * the lease being moved (never a duplicate address) */
	uint64_t want = (uint64_t)g->cfg->leases.capacity * g->n + 256;
	unsigned int size = rte_align32pow2((uint32_t)RTE_MIN(want,
							       1u << 20));
	char name[RTE_RING_NAMESIZE];

	for (unsigned int i = 0; i < g->n; i++) {
		snprintf(name, sizeof(name), "dpxe_ho%" PRIu64 "_%u",
			 g->id % 100000, i);
		g->handoff[i] = rte_ring_create_elem(name,
				sizeof(struct dpxe_handoff), size,
				SOCKET_ID_ANY, RING_F_SC_DEQ);
		if (g->handoff[i] == NULL) {
			snprintf(err, err_len, "lease hand-off ring: %s "
				 "(raise -m)", rte_strerror(rte_errno));
			return -1;
		}
	}
	return 0;
}

/* Has every worker acknowledged generation id? */
static bool
all_acked(struct dpxe_dataplane *dp, uint64_t id)
{
	unsigned int done = 0;

	for (unsigned int i = 0; i < dp->n_workers; i++)
		done += __atomic_load_n(&dp->workers[i]->gen_ack, __ATOMIC_ACQUIRE) == id;
	return done == dp->n_workers;
}

/* Has every worker passed a quiescent point since token? */
static bool
quiescent(struct dpxe_dataplane *dp, uint64_t token)
{
	return rte_rcu_qsbr_check(dp->qsv, token, false) == 1;
}

/* Poll done(dp, arg) every ms; false after DPXE_RELOAD_WAIT_MS or when
 * dpxe is stopping. */
static bool
wait_for(struct dpxe_dataplane *dp, bool (*done)(struct dpxe_dataplane *, uint64_t),
	 uint64_t arg)
{
	for (unsigned int ms = 0; ms < DPXE_RELOAD_WAIT_MS; ms++) {
		if (done(dp, arg))
			return true;
		if (dpxe_dp_quitting(dp))
			return false;
		rte_delay_us_sleep(1000);
	}
	return false;
}

static void
reload_failed(struct dpxe_dataplane *dp)
{
	__atomic_fetch_add(&dp->reload_failures, 1, __ATOMIC_RELAXED);
}

static void
reload(struct dpxe_dataplane *dp)
{
	const char *path = dp->opts.config_path;
	struct dpxe_gen *cur = dp->gen, *g;
	struct dpxe_config_error cerr;
	struct dpxe_config *cfg;
	uint64_t kept = 0, dropped = 0, expired = 0;
	const char *why;
	char buf[128], err[256];

	if (path == NULL) {
		DP_LOG(ERR, "reload: the configuration file is not known");
		reload_failed(dp);
		return;
	}
	if (dpxe_config_load(path, &cfg, &cerr) != 0) {
		DP_LOG(ERR, "reload failed: %s; still serving the previous "
		       "configuration", cerr.text);
		reload_failed(dp);
		return;
	}
	why = live_refusal(cur->cfg, cfg, buf, sizeof(buf));
	if (why != NULL) {
		DP_LOG(ERR, "reload of %s refused: %s cannot change while dpxe "
		       "runs (restart it to apply that); still serving the "
		       "previous configuration", path, why);
		dpxe_config_free(cfg);
		reload_failed(dp);
		return;
	}
	g = dpxe_gen_create(dp, cfg, cfg, err, sizeof(err));
	if (g != NULL) {
		g->id = cur->id + 1;
		if (g->n != 0 && handoff_rings(g, err, sizeof(err)) < 0) {
			dpxe_gen_free(g);
			g = NULL;
		}
	} else {
		dpxe_config_free(cfg);
	}
	if (g == NULL) {
		DP_LOG(ERR, "reload of %s failed: %s; still serving the "
		       "previous configuration", path, err);
		reload_failed(dp);
		return;
	}
	rte_log_set_level_pattern("dpxe.*", (uint32_t)cfg->log.level);

	__atomic_store_n(&dp->gen, g, __ATOMIC_RELEASE);
	/* the quiescence token is taken once every worker has switched */
	if (!wait_for(dp, all_acked, g->id) ||
	    !wait_for(dp, quiescent, rte_rcu_qsbr_start(dp->qsv))) {
		/* a worker stopped or is stuck: the old generation may still
		 * be in use; it is freed at exit instead */
		if (!dpxe_dp_quitting(dp))
			DP_LOG(ERR, "reload of %s: workers did not switch in %u "
			       "ms", path, DPXE_RELOAD_WAIT_MS);
		dpxe_gen_free(dp->retired);
		dp->retired = cur;
	} else {
		dpxe_gen_free(cur);
		/* every worker is past its hand-off: the rings are done */
		for (unsigned int i = 0; i < DPXE_MAX_WORKERS; i++) {
			rte_ring_free(g->handoff[i]);
			g->handoff[i] = NULL;
		}
	}
	for (unsigned int i = 0; i < g->n; i++) {
		const struct dpxe_lease_restore_stats *k = &g->kept[i];

		kept += k->restored;
		expired += k->expired;
		dropped += k->not_in_pool + k->reservation + k->table_full;
	}
	__atomic_fetch_add(&dp->reloads, 1, __ATOMIC_RELAXED);
	DP_LOG(NOTICE, "reloaded %s: %u subnets, %" PRIu64 " leases kept, %"
	       PRIu64 " dropped (%" PRIu64 " had run out)", path,
	       cfg->subnets_count, kept, dropped, expired);
	/* the chain itself cannot change live (refused above); providers
	 * that registered SERVICE_CONTROL may re-read their settings. The
	 * control thread runs only between dpxe_wds_load (at create) and
	 * dpxe_wds_unload (after dpxe_control_stop), as the call requires. */
	if (dp->providers_loaded)
		dpxe_wds_notify_reload();
}

void
dpxe_reload_poll(struct dpxe_dataplane *dp)
{
	if (__atomic_exchange_n(&dp->reload_requested, false, __ATOMIC_ACQ_REL))
		reload(dp);
}
