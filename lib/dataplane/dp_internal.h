/* SPDX-License-Identifier: BSD-3-Clause */
/* Dataplane internals shared by its files: ports, workers, the dataplane. */
#ifndef DPXE_DP_INTERNAL_H
#define DPXE_DP_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_ethdev.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "proxy_cache.h"
#include "proxy_reply.h"
#include "reply_addr.h"
#include "config/config.h"
#include "dataplane.h"
#include "dhcp.h"
#include "dp_stats.h"
#include "lease/lease_restore.h"
#include "lease/lease_shard.h"
#include "lease_service.h"
#include "wdspxe/wds_runtime.h"

#define DPXE_MAX_WORKERS 32u
#define DPXE_MAX_BURST 512u
#define DPXE_PREFETCH_AHEAD 4u
#define DPXE_SPREAD_RING_SIZE 4096
#define DPXE_DRAIN_US 100      /* flush partial TX bursts this often */
#define DPXE_HOUSEKEEP_MS 10   /* signals, stats, idle checks */
#define DPXE_DELAY_SLOTS 8192u
#define DPXE_WDS_DRAIN_MAX_MS 2000u /* at stop, wait this long at most for
				     * requests pending with a provider */ /* replies held for reply_delay_ms; 2^n */

extern int dpxe_logtype_dp;
#define DP_LOG(level, fmt, ...)                                                \
	rte_log(RTE_LOG_##level, dpxe_logtype_dp, "dpxe: " fmt "\n",           \
		##__VA_ARGS__)

struct dpxe_port {
	uint16_t port_id;
	uint16_t nb_queues;
	uint16_t first_worker;    /* workers [first, first + nb_queues) */
	uint16_t index;           /* in dp->ports[] and a worker's tx[] */
	/* software spreading hands a frame to worker spread_first +
	 * dpxe_client_owner(chaddr, spread_n): the port's own workers in
	 * proxy mode, every worker of every port in dhcp mode (the lease
	 * shards span all workers) */
	uint16_t spread_first;
	uint16_t spread_n;
	uint16_t nb_txq;          /* TX queues configured on the device */
	uint16_t vlan;            /* answer only this VID; 0 = any */
	uint32_t ip;              /* network order */
	struct rte_ether_addr mac;
	bool rx_ip_csum;          /* the NIC verifies IPv4 checksums */
	bool rx_udp_csum;         /* ... and UDP ones */
	bool tx_ip_csum;          /* the NIC fills the IPv4 checksum */
	bool spread_sw;           /* software spreading by chaddr */
	bool attached_here;       /* we hot-plugged it: detach on exit */
	struct rte_flow *spread_flow;
	struct dpxe_server_id srv;
	char name[RTE_ETH_NAME_MAX_LEN];
};

/* A reply held back by dataplane.reply_delay_ms. The delay is the same for
 * every reply, so a FIFO is already in due order: no timer wheel needed. */
struct dpxe_delayed {
	struct rte_mbuf *m;
	uint64_t due; /* TSC */
	const struct dpxe_port *port; /* where it leaves */
};

#define DPXE_LEASE_EXPIRE_BUDGET 16u /* table slots looked at per loop */
#define DPXE_FOREIGN_RING_SIZE 1024  /* addresses handed to a slice owner */
#define DPXE_RELOAD_WAIT_MS 5000u    /* bound on waiting for the workers */

/*
 * What the workers serve: a configuration and, in dhcp mode, its lease
 * shards (shards[i] is worker i's). A reload builds a new generation off
 * the workers and publishes it; each worker switches at its quiescent
 * point (worker.c); the old one is freed once every worker has moved on
 * (reload.c).
 */
struct dpxe_gen {
	uint64_t id;
	const struct dpxe_config *cfg;
	struct dpxe_config *owned;  /* cfg when the dataplane loaded it */
	unsigned int n;             /* shards: workers in dhcp mode, else 0 */
	struct dpxe_lease_shard *shards[DPXE_MAX_WORKERS];
	/* a reload's hand-off: addresses of leases moved by worker k that lie
	 * in worker i's slice of the new pools, applied by i (MP/SC) */
	struct rte_ring *handoff[DPXE_MAX_WORKERS];
	unsigned int migrated;      /* workers done moving leases (atomic) */
	uint64_t handoff_full;      /* leases dropped: hand-off ring full */
	struct dpxe_lease_restore_stats kept[DPXE_MAX_WORKERS];
};

/* One hand-off (dpxe_lease_handoff_fn) on a gen's ring. */
struct dpxe_handoff {
	uint32_t ip;
	uint32_t pad;
	int64_t until;
};

/* Where a worker transmits on one port: its own TX queue there, and a
 * buffer of its own (no sharing, no lock). */
struct dpxe_tx_path {
	uint16_t queue;
	struct rte_eth_dev_tx_buffer *txb; /* NULL: no queue on that port */
};

struct dpxe_worker {
	struct dpxe_dataplane *dp;
	const struct dpxe_config *cfg;
	struct dpxe_port *port;   /* the port it receives on (its home) */
	struct dpxe_worker_stats *stats;
	unsigned int index;
	unsigned int lcore;
	uint16_t queue;           /* its RX queue on the home port */
	uint16_t txq;             /* its TX queue on the home port */
	uint16_t burst;
	bool cross_ports;         /* frames from other ports reach it (dhcp
				   * mode, several ports): answer on theirs */
	struct rte_mempool *pool;
	struct rte_ring *ring;    /* frames other workers spread to us */
	struct rte_eth_dev_tx_buffer *txb; /* = tx[port->index].txb */
	/* by dp->ports[] index: the home port only in proxy mode, every
	 * port in dhcp mode with several (the layout of DPDK's l3fwd) */
	struct dpxe_tx_path tx[DPXE_CONFIG_MAX_PORTS];
	uint64_t delay_tsc;       /* 0: replies go out at once */
	uint32_t delay_head;      /* next to send */
	uint32_t delay_tail;      /* next free slot */
	struct dpxe_delayed delayq[DPXE_DELAY_SLOTS];
	unsigned int stash_count[DPXE_MAX_WORKERS];
	struct rte_mbuf *stash[DPXE_MAX_WORKERS][DPXE_MAX_BURST];
	struct dpxe_dhcp_msg msg; /* parse state, reused for every request */
	struct dpxe_proxy_cache cache; /* reply templates, this worker's own */
	struct dpxe_gen *gen;     /* the generation cfg and shard come from */
	uint64_t gen_ack;         /* gen->id once switched (atomic: reload.c) */
	/* dhcp mode: NULL in proxy mode */
	struct dpxe_lease_shard *shard;
	struct rte_ring *journal; /* lease records to the service (SP/SC) */
	struct rte_ring *foreign; /* addresses other workers give back (MP/SC) */
	int64_t now_s;            /* monotonic seconds, once per loop */
	/* the provider chain's request context; NULL: no providers, the
	 * built-in proxy path answers */
	struct dpxe_wds_worker *wds;
} __rte_cache_aligned;

struct dpxe_dataplane {
	const struct dpxe_config *cfg;
	struct dpxe_dataplane_opts opts;
	unsigned int n_ports;
	struct dpxe_port ports[DPXE_CONFIG_MAX_PORTS];
	/* a spread frame's receiving port, from the mbuf's port field (set
	 * by the PMD on RX) */
	struct dpxe_port *by_port_id[RTE_MAX_ETHPORTS];
	bool cross_ports;          /* dhcp mode over several ports */
	unsigned int n_workers;
	struct dpxe_worker *workers[DPXE_MAX_WORKERS];
	unsigned int housekeeper;  /* worker index that watches signals */
	bool quit;                 /* read and written with __atomic */
	bool stats_requested;      /* ditto */
	bool providers_loaded;     /* dpxe_wds_load succeeded */
	bool reload_requested;     /* SIGHUP; __atomic */
	struct dpxe_gen *gen;      /* published generation; __atomic */
	struct dpxe_gen *retired;  /* one a stop cut short; freed at exit */
	struct rte_rcu_qsbr *qsv;  /* workers report quiescence once a loop */
	struct dpxe_lease_service *leases; /* dhcp mode */
	int64_t mono_base;         /* dpxe_lease_mono_now() at tsc_base */
	uint64_t tsc_base;
	int64_t wall_offset;
	pthread_t ctl;             /* the control thread (control.c) */
	bool ctl_started;
	bool ctl_stop;             /* __atomic */
	uint64_t reloads;          /* written by the control thread */
	uint64_t reload_failures;
	uint64_t tsc_hz;
	uint64_t start_tsc;        /* housekeeping state */
	uint64_t last_rx_tsc;
	uint64_t last_rx_total;
	struct dpxe_worker_stats stats[DPXE_MAX_WORKERS];
};

/* Monotonic seconds from the TSC: no system call on a worker. */
static inline int64_t
dpxe_dp_now_s(const struct dpxe_dataplane *dp, uint64_t tsc)
{
	return dp->mono_base + (int64_t)((tsc - dp->tsc_base) / dp->tsc_hz);
}

/* port.c */
int dpxe_port_setup(struct dpxe_dataplane *dp, unsigned int index,
		    char *err, size_t err_len);
void dpxe_port_close(struct dpxe_port *port);

/* worker.c */
int dpxe_worker_main(void *arg);

/* reload.c: generations, SIGHUP reload, the worker's side of a switch */
struct dpxe_gen *dpxe_gen_create(struct dpxe_dataplane *dp,
				 const struct dpxe_config *cfg,
				 struct dpxe_config *owned, char *err,
				 size_t err_len);
void dpxe_gen_free(struct dpxe_gen *g);
void dpxe_worker_switch(struct dpxe_worker *w, struct dpxe_gen *g);
void dpxe_reload_poll(struct dpxe_dataplane *dp);

/* control.c: the control thread (lease journal, reloads) */
int dpxe_control_start(struct dpxe_dataplane *dp, char *err, size_t err_len);
void dpxe_control_stop(struct dpxe_dataplane *dp);

/* dataplane.c: signals, stats on request, idle and duration limits */
void dpxe_dp_housekeeping(struct dpxe_dataplane *dp, uint64_t now);

/* handle.c: one frame received on port (the worker's own, or in dhcp
 * mode another's whose client this worker owns); consumes m */
void dpxe_handle_frame(struct dpxe_worker *w, const struct dpxe_port *port,
		       struct rte_mbuf *m);
/* handle.c: a provider's reply leaves like ours (reply_delay_ms too);
 * the TX callback of the worker's provider context */
void dpxe_handle_reply_out(void *worker, struct rte_mbuf *m);
/* handle.c: send delayed replies that are due (all: free every one) */
void dpxe_delay_release(struct dpxe_worker *w, uint64_t now, bool all);

/* Queue a frame on the worker's buffered TX path of its home port. */
static inline void
dpxe_tx(struct dpxe_worker *w, struct rte_mbuf *m)
{
	w->stats->tx += rte_eth_tx_buffer(w->port->port_id, w->txq, w->txb, m);
}

/* ... of the port it must leave from: the home port but in dhcp mode over
 * several ports, where a worker answers another port's clients too. */
static inline void
dpxe_tx_on(struct dpxe_worker *w, const struct dpxe_port *port,
	   struct rte_mbuf *m)
{
	const struct dpxe_tx_path *t;

	if (likely(port == w->port)) {
		dpxe_tx(w, m);
		return;
	}
	t = &w->tx[port->index];
	w->stats->tx += rte_eth_tx_buffer(port->port_id, t->queue, t->txb, m);
}

/* Send every partial burst the worker holds, on every port. */
static inline void
dpxe_tx_flush_all(struct dpxe_worker *w)
{
	const struct dpxe_dataplane *dp = w->dp;

	for (unsigned int p = 0; p < dp->n_ports; p++)
		if (w->tx[p].txb != NULL)
			w->stats->tx += rte_eth_tx_buffer_flush(
				dp->ports[p].port_id, w->tx[p].queue,
				w->tx[p].txb);
}

static inline bool
dpxe_dp_quitting(const struct dpxe_dataplane *dp)
{
	return __atomic_load_n(&dp->quit, __ATOMIC_RELAXED);
}

#endif /* DPXE_DP_INTERNAL_H */
