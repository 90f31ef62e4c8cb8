/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Dataplane life cycle: workers and their mempools and rings, ports, the
 * launch on lcores, housekeeping, and an orderly stop that drains and frees.
 */
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "dp_internal.h"

RTE_LOG_REGISTER(dpxe_logtype_dp, dpxe.dataplane, INFO);

/* Workers go on the lcores the config names, else on every EAL lcore (the
 * main one included), one per (port, queue) in port order. */
static int
assign_lcores(struct dpxe_dataplane *dp, unsigned int *lcores,
	      unsigned int needed, char *err, size_t err_len)
{
	const struct dpxe_config_dataplane *c = &dp->cfg->dataplane;
	unsigned int n = 0, lc;

	if (c->workers_count) {
		if (c->workers_count != needed) {
			snprintf(err, err_len,
				 "dataplane.workers lists %u lcores but the "
				 "ports have %u queues in all; give one lcore "
				 "per queue",
				 c->workers_count, needed);
			return -1;
		}
		for (unsigned int i = 0; i < needed; i++) {
			if (c->workers[i] >= RTE_MAX_LCORE ||
			    !rte_lcore_is_enabled(c->workers[i])) {
				snprintf(err, err_len,
					 "dataplane.workers[%u]: lcore %u is not "
					 "in the EAL core list; add it to -l",
					 i, c->workers[i]);
				return -1;
			}
			lcores[i] = c->workers[i];
		}
		return 0;
	}
	RTE_LCORE_FOREACH(lc) {
		if (n < needed)
			lcores[n] = lc;
		n++;
	}
	if (n < needed) {
		snprintf(err, err_len,
			 "the ports have %u queues in all but EAL gave %u "
			 "lcores; pass -l with at least %u cores or lower "
			 "rx_queues",
			 needed, n, needed);
		return -1;
	}
	return 0;
}

static int
create_worker(struct dpxe_dataplane *dp, unsigned int index,
	      unsigned int lcore, struct dpxe_port *port, uint16_t queue,
	      char *err, size_t err_len)
{
	const struct dpxe_config_dataplane *c = &dp->cfg->dataplane;
	int socket = (int)rte_lcore_to_socket_id(lcore);
	char name[RTE_MEMPOOL_NAMESIZE];
	struct dpxe_worker *w;

	w = rte_zmalloc_socket("dpxe_worker", sizeof(*w), RTE_CACHE_LINE_SIZE,
			       socket);
	if (w == NULL) {
		snprintf(err, err_len, "worker %u: out of memory (raise -m)",
			 index);
		return -1;
	}
	dp->workers[index] = w;
	w->dp = dp;
	w->port = port;
	w->stats = &dp->stats[index];
	w->index = index;
	w->lcore = lcore;
	w->queue = queue;
	w->burst = (uint16_t)RTE_MIN(c->burst, DPXE_MAX_BURST);
	/* cfg, its reply cache, the reply delay and the lease shard come
	 * with the first generation (setup_generation) */

	/* one pool per worker, on its socket, named after its lcore */
	snprintf(name, sizeof(name), "dpxe_mp_lc%u", lcore);
	w->pool = rte_pktmbuf_pool_create(name, c->mbufs_per_worker,
					  RTE_MIN(c->mbuf_cache, (uint32_t)
						  RTE_MEMPOOL_CACHE_MAX_SIZE),
					  0, RTE_MBUF_DEFAULT_BUF_SIZE, socket);
	if (w->pool == NULL) {
		snprintf(err, err_len,
			 "worker %u: cannot create mempool %s of %u mbufs: %s "
			 "(raise -m or lower dataplane.mbufs_per_worker)",
			 index, name, c->mbufs_per_worker,
			 rte_strerror(rte_errno));
		return -1;
	}
	snprintf(name, sizeof(name), "dpxe_ring_lc%u", lcore);
	w->ring = rte_ring_create(name, DPXE_SPREAD_RING_SIZE, socket,
				  RING_F_SC_DEQ);
	if (w->ring == NULL) {
		snprintf(err, err_len, "worker %u: out of memory for its ring",
			 index);
		return -1;
	}
	/* TX: in dhcp mode over several ports a queue on each (queue number
	 * = worker index, port.c), else one on the home port (= its RX
	 * queue) */
	w->cross_ports = dp->cross_ports;
	w->txq = dp->cross_ports ? (uint16_t)index : queue;
	for (unsigned int p = 0; p < c->ports_count; p++) {
		struct dpxe_tx_path *t = &w->tx[p];

		if (!dp->cross_ports && &dp->ports[p] != port)
			continue;
		t->queue = dp->cross_ports ? (uint16_t)index : queue;
		t->txb = rte_zmalloc_socket("dpxe_txb",
					    RTE_ETH_TX_BUFFER_SIZE(DPXE_MAX_BURST),
					    0, socket);
		if (t->txb == NULL) {
			snprintf(err, err_len, "worker %u: out of memory for "
				 "its TX buffer", index);
			return -1;
		}
		rte_eth_tx_buffer_init(t->txb, w->burst);
	}
	w->txb = w->tx[port->index].txb;
	return 0;
}

/* The provider chain: a request context per worker (TX through the
 * worker's reply path), then the providers themselves, last, so that their
 * initialisation sees the ports (PxeGetServerInfoEx's DUID). */
static int
setup_providers(struct dpxe_dataplane *dp, char *err, size_t err_len)
{
	for (unsigned int i = 0; i < dp->n_workers; i++) {
		struct dpxe_worker *w = dp->workers[i];
		struct dpxe_wds_worker_conf c = {
			.index = i,
			.socket = (int)rte_lcore_to_socket_id(w->lcore),
			.pool = w->pool,
			.src_mac = w->port->mac.addr_bytes,
			.src_ip = w->port->ip,
			.tx_ip_csum = w->port->tx_ip_csum,
			.tx = dpxe_handle_reply_out,
			.tx_ctx = w,
			.counters = &w->stats->provider,
			/* provider replies count by DHCP type like the
			 * built-in path's (DHCPv6 ones have none) */
			.replies_by_type = w->stats->replies,
			.timeout_ms = dp->cfg->dataplane.provider_timeout_ms,
		};

		w->wds = dpxe_wds_worker_create(&c);
		if (w->wds == NULL) {
			snprintf(err, err_len, "worker %u: out of memory for its "
				 "provider requests (raise -m)", i);
			return -1;
		}
	}
	if (dpxe_wds_load(dp->cfg, dp->opts.config_path,
			  dp->ports[0].mac.addr_bytes, err, err_len) < 0)
		return -1;
	dp->providers_loaded = true;
	return 0;
}

/*
 * The first generation (reload.c) and what serving it needs: the RCU
 * variable the workers report to, and in dhcp mode the lease shards, the
 * journal's restore (before any worker runs) and the rings to the service.
 */
static int
setup_generation(struct dpxe_dataplane *dp, char *err, size_t err_len)
{
	size_t sz = rte_rcu_qsbr_get_memsize(dp->n_workers);
	char name[RTE_RING_NAMESIZE];
	struct dpxe_gen *g;

	dp->qsv = rte_zmalloc("dpxe_qsbr", sz, RTE_CACHE_LINE_SIZE);
	if (dp->qsv == NULL ||
	    rte_rcu_qsbr_init(dp->qsv, dp->n_workers) != 0) {
		snprintf(err, err_len, "out of memory for the RCU state (raise "
			 "-m)");
		return -1;
	}
	dp->mono_base = dpxe_lease_mono_now();
	dp->tsc_base = rte_rdtsc();
	dp->wall_offset = dpxe_lease_wall_offset();
	g = dpxe_gen_create(dp, dp->cfg, NULL, err, err_len);
	if (g == NULL)
		return -1;
	g->id = 1;
	dp->gen = g;
	if (g->n != 0) {
		dp->leases = dpxe_lease_service_create(dp->cfg, g->shards, g->n,
						       dp->mono_base,
						       dp->wall_offset, err,
						       err_len);
		if (dp->leases == NULL)
			return -1;
	}
	for (unsigned int i = 0; i < dp->n_workers; i++) {
		struct dpxe_worker *w = dp->workers[i];

		dpxe_worker_switch(w, g); /* as at a reload, with no leases to move */
		if (g->n == 0)
			continue;
		w->journal = dpxe_lease_service_ring(dp->leases, i);
		snprintf(name, sizeof(name), "dpxe_foreign_%u", i);
		w->foreign = rte_ring_create_elem(name, sizeof(uint32_t),
				DPXE_FOREIGN_RING_SIZE,
				(int)rte_lcore_to_socket_id(w->lcore),
				RING_F_SC_DEQ);
		if (w->foreign == NULL) {
			snprintf(err, err_len, "worker %u: out of memory for "
				 "its address ring (raise -m)", i);
			return -1;
		}
	}
	return 0;
}

struct dpxe_dataplane *
dpxe_dataplane_create(const struct dpxe_config *cfg,
		      const struct dpxe_dataplane_opts *opts, char *err,
		      size_t err_len)
{
	unsigned int lcores[DPXE_MAX_WORKERS], needed = 0, wi = 0;
	struct dpxe_dataplane *dp;

	for (unsigned int i = 0; i < cfg->dataplane.ports_count; i++)
		needed += cfg->dataplane.ports[i].rx_queues;
	if (needed == 0 || needed > DPXE_MAX_WORKERS) {
		snprintf(err, err_len, "%u queues in all: dpxe runs 1 to %u "
			 "workers", needed, DPXE_MAX_WORKERS);
		return NULL;
	}

	dp = rte_zmalloc("dpxe_dataplane", sizeof(*dp), RTE_CACHE_LINE_SIZE);
	if (dp == NULL) {
		snprintf(err, err_len, "out of memory (raise -m)");
		return NULL;
	}
	dp->cfg = cfg;
	dp->opts = *opts;
	/* A client's lease lives on the worker dpxe_client_owner(chaddr, n)
	 * of all n workers, whatever port it is on: with several ports, a
	 * frame may be answered by a worker of another port, which therefore
	 * has a TX queue on every port (port.c). */
	dp->cross_ports = cfg->server.mode == DPXE_CONFIG_MODE_DHCP &&
			  cfg->dataplane.ports_count > 1;
	dp->tsc_hz = rte_get_tsc_hz();
	dp->housekeeper = UINT32_MAX;
	if (assign_lcores(dp, lcores, needed, err, err_len) < 0)
		goto fail;

	/* every worker first: in dhcp mode over several ports, each port
	 * has a TX queue for every worker, on the worker's socket */
	for (unsigned int p = 0; p < cfg->dataplane.ports_count; p++) {
		struct dpxe_port *port = &dp->ports[p];
		bool dhcp = cfg->server.mode == DPXE_CONFIG_MODE_DHCP;

		port->index = (uint16_t)p;
		port->nb_queues = cfg->dataplane.ports[p].rx_queues;
		port->first_worker = (uint16_t)wi;
		port->spread_first = dhcp ? 0 : port->first_worker;
		port->spread_n = dhcp ? (uint16_t)needed : port->nb_queues;
		port->nb_txq = dp->cross_ports ? (uint16_t)needed :
						 port->nb_queues;
		port->vlan = cfg->dataplane.ports[p].vlan;
		port->ip = rte_cpu_to_be_32(cfg->server.ports[p].ip);
		port->srv.ip = port->ip;
		port->srv.name = cfg->server.name;
		for (uint16_t q = 0; q < port->nb_queues; q++, wi++) {
			if (create_worker(dp, wi, lcores[wi], port, q, err,
					  err_len) < 0)
				goto fail;
			if (lcores[wi] == rte_get_main_lcore())
				dp->housekeeper = wi;
		}
		dp->n_workers = wi;
	}
	for (unsigned int p = 0; p < cfg->dataplane.ports_count; p++) {
		dp->n_ports = p + 1;
		if (dpxe_port_setup(dp, p, err, err_len) < 0)
			goto fail;
		dp->by_port_id[dp->ports[p].port_id] = &dp->ports[p];
	}
	if (setup_generation(dp, err, err_len) < 0)
		goto fail;
	if (cfg->providers_count > 0 && setup_providers(dp, err, err_len) < 0)
		goto fail;
	return dp;
fail:
	dpxe_dataplane_destroy(dp);
	return NULL;
}

void
dpxe_dp_housekeeping(struct dpxe_dataplane *dp, uint64_t now)
{
	uint64_t ms = dp->tsc_hz / 1000, rx = 0;

	if (__atomic_exchange_n(&dp->stats_requested, false, __ATOMIC_RELAXED)) {
		dpxe_stats_print(dp, stdout);
		fflush(stdout);
	}
	if (dp->opts.duration_ms &&
	    now - dp->start_tsc > dp->opts.duration_ms * ms) {
		DP_LOG(INFO, "ran for %u ms, stopping", dp->opts.duration_ms);
		dpxe_dataplane_stop(dp);
	}
	if (dp->opts.idle_exit_ms) {
		for (unsigned int i = 0; i < dp->n_workers; i++)
			rx += __atomic_load_n(&dp->stats[i].rx, __ATOMIC_RELAXED);
		if (rx != dp->last_rx_total) {
			dp->last_rx_total = rx;
			dp->last_rx_tsc = now;
		} else if (now - dp->last_rx_tsc > dp->opts.idle_exit_ms * ms) {
			DP_LOG(INFO, "no traffic for %u ms, stopping",
			       dp->opts.idle_exit_ms);
			dpxe_dataplane_stop(dp);
		}
	}
}

int
dpxe_dataplane_run(struct dpxe_dataplane *dp)
{
	unsigned int lc;
	char err[256];

	if (dpxe_control_start(dp, err, sizeof(err)) < 0) {
		DP_LOG(ERR, "%s", err);
		return -1;
	}
	dp->start_tsc = dp->last_rx_tsc = rte_rdtsc();
	for (unsigned int i = 0; i < dp->n_workers; i++) {
		lc = dp->workers[i]->lcore;
		if (lc != rte_get_main_lcore() &&
		    rte_eal_remote_launch(dpxe_worker_main, dp, lc) != 0) {
			DP_LOG(ERR, "cannot launch worker %u on lcore %u", i, lc);
			dpxe_dataplane_stop(dp);
		}
	}
	if (dp->housekeeper != UINT32_MAX) {
		dpxe_worker_main(dp);
	} else {
		/* the main lcore has no queue: it only keeps house */
		while (!dpxe_dp_quitting(dp)) {
			rte_delay_us_sleep(DPXE_HOUSEKEEP_MS * 1000);
			dpxe_dp_housekeeping(dp, rte_rdtsc());
		}
	}
	RTE_LCORE_FOREACH_WORKER(lc)
		rte_eal_wait_lcore(lc);
	/* frames one worker handed to another that stopped first: counted,
	 * so that rx = answered + dropped + these */
	for (unsigned int i = 0; i < dp->n_workers; i++) {
		struct rte_mbuf *m;

		while (rte_ring_dequeue(dp->workers[i]->ring, (void **)&m) == 0) {
			rte_pktmbuf_free(m);
			dp->stats[i].spread_stop_discards++;
		}
	}
	/* after the workers and the control thread: drain and flush the
	 * journal's last records now, so the stats printed next count them */
	dpxe_control_stop(dp);
	if (dp->leases != NULL)
		dpxe_lease_service_poll(dp->leases, dp->gen->cfg,
					dpxe_dp_now_s(dp, rte_rdtsc()), true);
	return 0;
}

void
dpxe_dataplane_request_reload(struct dpxe_dataplane *dp)
{
	__atomic_store_n(&dp->reload_requested, true, __ATOMIC_RELAXED);
}

void
dpxe_dataplane_stop(struct dpxe_dataplane *dp)
{
	__atomic_store_n(&dp->quit, true, __ATOMIC_RELAXED);
}

void
dpxe_dataplane_request_stats(struct dpxe_dataplane *dp)
{
	__atomic_store_n(&dp->stats_requested, true, __ATOMIC_RELAXED);
}

unsigned int
dpxe_dataplane_workers(const struct dpxe_dataplane *dp)
{
	return dp->n_workers;
}

void
dpxe_dataplane_destroy(struct dpxe_dataplane *dp)
{
	struct rte_mbuf *m;

	if (dp == NULL)
		return;
	dpxe_control_stop(dp); /* a run that failed half-way */
	for (unsigned int p = 0; p < dp->n_ports; p++)
		dpxe_port_close(&dp->ports[p]);
	/* the workers are done: drain, flush and close the journal */
	if (dp->leases != NULL)
		dpxe_lease_service_destroy(dp->leases, dp->gen->cfg,
					   dpxe_dp_now_s(dp, rte_rdtsc()));
	/* SHUTDOWN callbacks (reverse order) while the request contexts still
	 * exist: a provider joins its threads there, and those may still be
	 * calling in; then the contexts go, reclaiming what is left */
	if (dp->providers_loaded)
		dpxe_wds_unload();
	for (unsigned int i = 0; i < DPXE_MAX_WORKERS; i++) {
		struct dpxe_worker *w = dp->workers[i];

		if (w == NULL)
			continue;
		dpxe_wds_worker_free(w->wds);
		rte_ring_free(w->foreign);
		if (w->ring) {
			while (rte_ring_dequeue(w->ring, (void **)&m) == 0)
				rte_pktmbuf_free(m);
			rte_ring_free(w->ring);
		}
		for (unsigned int p = 0; p < DPXE_CONFIG_MAX_PORTS; p++)
			rte_free(w->tx[p].txb);
		rte_mempool_free(w->pool);
		rte_free(w);
	}
	dpxe_gen_free(dp->gen);
	dpxe_gen_free(dp->retired);
	rte_free(dp->qsv);
	rte_free(dp);
}
