/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker loop: rx_burst -> (spread) -> handle -> buffered tx_burst,
 * with a drain timer for partial bursts. One per lcore, run to completion.
 *
 * Software spreading: a NIC hashes IP/UDP for RSS, and every DISCOVER is
 * 0.0.0.0:68 -> 255.255.255.255:67, so they all land on one queue. The worker
 * that receives a DHCP frame looks at chaddr and, when another worker owns
 * that client, hands the mbuf over through the owner's ring; the owner
 * answers it. Rings are lock-free (multi-producer, single-consumer).
 *
 * In dhcp mode the owner is one of all workers, of any port: the frame
 * keeps its receiving port in the mbuf's port field (the PMD sets it), and
 * the owner answers with that port's identity on its own TX queue of that
 * port. ARP never moves: it is answered where it arrived.
 */
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_prefetch.h>
#include <rte_ring.h>

#include "byteorder.h"
#include "client_hash.h"
#include "dp_internal.h"
#include "lease/lease_journal.h"
#include "net.h"

/*
 * Which worker owns the client in this frame, or -1 to keep it here (not a DHCP request we can read a chaddr from: ARP, junk, ...). A
 * cheap peek, not a parse: handle.c does the real checks. IPv4 only:
 * DHCPv6 has no chaddr and is answered where it came in (handle_ipv6).
 */
static int
spread_owner(const struct dpxe_port *port, const struct rte_mbuf *m)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(m);
	uint32_t off = 12;
	uint16_t type;
	uint32_t ihl;

	if (len < DPXE_ETHER_HDR_LEN)
		return -1;
	type = dpxe_load_be16(p + off);
	while ((type == DPXE_ETHERTYPE_VLAN || type == DPXE_ETHERTYPE_QINQ ||
		type == DPXE_ETHERTYPE_QINQ_OLD) &&
	       off + 6 <= len) {
		off += 4;
		type = dpxe_load_be16(p + off);
	}
	off += 2;
	if (type != DPXE_ETHERTYPE_IPV4 || off + DPXE_IPV4_HDR_LEN > len)
		return -1;
	ihl = (uint32_t)(p[off] & 0x0f) * 4;
	if (p[off + 9] != DPXE_IPPROTO_UDP)
		return -1;
	off += ihl + DPXE_UDP_HDR_LEN + DPXE_BOOTP_CHADDR;
	if (off + 6 > len)
		return -1;
	return (int)(port->spread_first +
		     dpxe_client_owner(p + off, port->spread_n));
}

static void
spread_flush(struct dpxe_worker *w)
{
	struct dpxe_dataplane *dp = w->dp;

	for (unsigned int i = w->port->spread_first;
	     i < (unsigned int)w->port->spread_first + w->port->spread_n; i++) {
		unsigned int n = w->stash_count[i], sent;

		if (n == 0)
			continue;
		sent = rte_ring_enqueue_burst(dp->workers[i]->ring,
					      (void **)w->stash[i], n, NULL);
		w->stats->spread_out += sent;
		if (unlikely(sent < n)) {
			w->stats->spread_ring_full += n - sent;
			rte_pktmbuf_free_bulk(&w->stash[i][sent], n - sent);
		}
		w->stash_count[i] = 0;
	}
}

/* The port a frame from the spreading ring came in on (dhcp mode over
 * several ports), or NULL for an mbuf whose port field names none of ours
 * (a PMD that does not set it). */
static inline const struct dpxe_port *
ring_frame_port(const struct dpxe_worker *w, const struct rte_mbuf *m)
{
	if (unlikely(m->port >= RTE_MAX_ETHPORTS))
		return NULL;
	return w->dp->by_port_id[m->port];
}

/* port: where the frames came in, NULL: each frame's own (ring_frame_port) */
static unsigned int
process_burst(struct dpxe_worker *w, struct rte_mbuf **pkts, unsigned int n,
	      bool may_spread, const struct dpxe_port *port)
{
	unsigned int handled = 0;

	for (unsigned int i = 0; i < n && i < DPXE_PREFETCH_AHEAD; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (unsigned int i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		if (i + DPXE_PREFETCH_AHEAD < n)
			rte_prefetch0(rte_pktmbuf_mtod(
				pkts[i + DPXE_PREFETCH_AHEAD], void *));
		if (may_spread) {
			int owner = spread_owner(w->port, m);

			if (owner >= 0 && (unsigned int)owner != w->index) {
				w->stash[owner][w->stash_count[owner]++] = m;
				continue;
			}
		}
		if (port != NULL) {
			dpxe_handle_frame(w, port, m);
		} else {
			const struct dpxe_port *in = ring_frame_port(w, m);

			if (unlikely(in == NULL)) {
				w->stats->spread_no_port++;
				rte_pktmbuf_free(m);
				continue;
			}
			dpxe_handle_frame(w, in, m);
		}
		handled++;
	}
	if (may_spread)
		spread_flush(w);
	return handled;
}

/* A BOUND lease ran out: journal it (restore must not bring it back). */
static void
lease_expired(void *arg, const struct dpxe_lease *l)
{
	struct dpxe_worker *w = arg;
	struct dpxe_lease_record rec;

	w->stats->lease_expired++;
	dpxe_lease_record_make(&rec, DPXE_LEASE_REC_EXPIRE, w->shard, l,
			       w->now_s, w->dp->wall_offset);
	if (unlikely(!dpxe_lease_service_push(w->journal, &rec)))
		w->stats->journal_ring_full++;
}

/*
 * The shard's slow-path chores, a little each loop: expiry with a small
 * budget, addresses this shard must give back to their slice owner (only
 * after the worker count changed between runs), and those given back to
 * it.
 */
static void
lease_chores(struct dpxe_worker *w)
{
	struct dpxe_dataplane *dp = w->dp;
	uint32_t ip;

	dpxe_lease_shard_expire(w->shard, w->now_s, DPXE_LEASE_EXPIRE_BUDGET,
				lease_expired, w);
	while (dpxe_lease_shard_foreign_pop(w->shard, &ip)) {
		int owner = dpxe_lease_shard_slice_of(w->shard, ip);

		if (owner < 0 || (unsigned int)owner >= dp->n_workers ||
		    rte_ring_mp_enqueue_elem(dp->workers[owner]->foreign, &ip,
					     sizeof(ip)) != 0)
			w->stats->foreign_ring_full++;
	}
	while (rte_ring_sc_dequeue_elem(w->foreign, &ip, sizeof(ip)) == 0)
		dpxe_lease_shard_free_foreign(w->shard, ip);
}

static void
tx_drop_cb(struct rte_mbuf **unsent, uint16_t count, void *userdata)
{
	struct dpxe_worker *w = userdata;

	w->stats->tx_full += count;
	rte_pktmbuf_free_bulk(unsent, count);
}

int
dpxe_worker_main(void *arg)
{
	struct dpxe_dataplane *dp = arg;
	struct dpxe_worker *w = NULL;
	struct rte_mbuf *pkts[DPXE_MAX_BURST];
	uint64_t drain_tsc, housekeep_tsc, prev_drain, prev_house;
	const struct dpxe_port *ring_port;
	bool spread;

	for (unsigned int i = 0; i < dp->n_workers; i++)
		if (dp->workers[i]->lcore == rte_lcore_id())
			w = dp->workers[i];
	if (w == NULL)
		return 0; /* an lcore we were not given work for */

	for (unsigned int p = 0; p < dp->n_ports; p++)
		if (w->tx[p].txb != NULL)
			rte_eth_tx_buffer_set_err_callback(w->tx[p].txb,
							   tx_drop_cb, w);
	rte_rcu_qsbr_thread_register(dp->qsv, w->index);
	rte_rcu_qsbr_thread_online(dp->qsv, w->index);
	spread = w->port->spread_sw;
	ring_port = w->cross_ports ? NULL : w->port;
	drain_tsc = dp->tsc_hz / 1000000 * DPXE_DRAIN_US;
	housekeep_tsc = dp->tsc_hz / 1000 * DPXE_HOUSEKEEP_MS;
	prev_drain = prev_house = rte_rdtsc();
	DP_LOG(INFO, "worker %u on lcore %u: port %s queue %u%s%s", w->index,
	       w->lcore, w->port->name, w->queue,
	       spread ? ", software spreading" : "",
	       w->cross_ports ? ", TX on every port" : "");

	while (!dpxe_dp_quitting(dp)) {
		uint64_t t0 = rte_rdtsc(), now;
		uint16_t n;
		unsigned int work = 0;
		struct dpxe_gen *g;

		/* the quiescent point: nothing of the last iteration is held
		 * (reload.c explains the order of these two steps) */
		g = __atomic_load_n(&dp->gen, __ATOMIC_ACQUIRE);
		if (unlikely(g != w->gen))
			dpxe_worker_switch(w, g);
		rte_rcu_qsbr_quiescent(dp->qsv, w->index);
		if (w->shard != NULL) {
			w->now_s = dpxe_dp_now_s(dp, t0);
			lease_chores(w);
		}

		n = rte_eth_rx_burst(w->port->port_id, w->queue, pkts, w->burst);
		if (n) {
			w->stats->rx += n;
			work += process_burst(w, pkts, n, spread, w->port);
		}
		if (spread) {
			unsigned int k = rte_ring_dequeue_burst(
				w->ring, (void **)pkts, w->burst, NULL);

			/* from other ports too in dhcp mode: each frame's
			 * own port then (NULL) */
			if (k) {
				w->stats->rx_spread_in += k;
				work += process_burst(w, pkts, k, false, ring_port);
			}
		}
		now = rte_rdtsc();
		if (w->wds != NULL)
			dpxe_wds_poll(w->wds, now);
		if (w->delay_head != w->delay_tail)
			dpxe_delay_release(w, now, false);
		if (work) {
			w->stats->busy_cycles += now - t0;
			w->stats->busy_packets += work;
		}
		if (n == 0 || now - prev_drain > drain_tsc) {
			dpxe_tx_flush_all(w);
			prev_drain = now;
		}
		if (w->index == dp->housekeeper && now - prev_house > housekeep_tsc) {
			dpxe_dp_housekeeping(dp, now);
			prev_house = now;
		}
	}
	/* requests still with a provider get a bounded grace to finish (their
	 * replies still go out), then are ended; SHUTDOWN callbacks come
	 * after every worker is done (dpxe_dataplane_destroy) */
	if (w->wds != NULL)
		dpxe_wds_worker_drain(w->wds, RTE_MIN(w->cfg->dataplane.provider_timeout_ms,
						      DPXE_WDS_DRAIN_MAX_MS));
	dpxe_tx_flush_all(w);
	dpxe_delay_release(w, 0, true); /* stopping: held replies are dropped */
	rte_rcu_qsbr_thread_offline(dp->qsv, w->index);
	rte_rcu_qsbr_thread_unregister(dp->qsv, w->index);
	return 0;
}
