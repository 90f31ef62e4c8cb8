/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The provider runtime as the dataplane sees it: load the provider chain,
 * give each worker a request context, hand it requests, poll it for async
 * completions and timeouts. Provider-facing functions are in wdspxe.h.
 *
 * Lives in lib/wdspxe so that the dataplane holds no provider policy; the
 * dataplane only tells the runtime how to send a frame (a callback) and
 * what its ports look like.
 */
#ifndef DPXE_WDS_RUNTIME_H
#define DPXE_WDS_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "config/config.h"
#include "net.h"
#include "wds_counters.h"

/** Request slots per worker (power of two; limits requests in flight). */
#define DPXE_WDS_SLOTS 512u
/** Buffers a request may hold from PxePacketAllocate at once. */
#define DPXE_WDS_PKTS_PER_REQ 16u
/** PxeSendReply calls allowed per request; more are refused, counted. */
#define DPXE_WDS_MAX_SENDS 8u
/** Largest PxePacketAllocate: a UDP payload in a 1500-byte IPv4 packet. */
#define DPXE_WDS_MAX_PAYLOAD 1472u
/** Providers in the chain. */
#define DPXE_WDS_MAX_PROVIDERS 16u
/** Workers (matches DPXE_MAX_WORKERS; 5 bits of hClientRequest). */
#define DPXE_WDS_MAX_WORKERS 32u
/** Default for dataplane.provider_timeout_ms. */
#define DPXE_WDS_DEFAULT_TIMEOUT_MS 5000u

struct dpxe_wds_worker;

/** Sends a finished frame on the worker (runs on the worker lcore). */
typedef void (*dpxe_wds_tx_fn)(void *ctx, struct rte_mbuf *m);

/** What the runtime needs to know about a worker. */
struct dpxe_wds_worker_conf {
	unsigned int index;        /* < DPXE_WDS_MAX_WORKERS, unique */
	int socket;
	struct rte_mempool *pool;  /* the worker's own: replies come from it */
	const uint8_t *src_mac;    /* the port's MAC (6 bytes, stays valid) */
	uint32_t src_ip;           /* network order */
	bool tx_ip_csum;           /* leave the IPv4 checksum to the NIC */
	dpxe_wds_tx_fn tx;
	void *tx_ctx;
	struct dpxe_wds_counters *counters;
	uint32_t timeout_ms;       /* pending request timeout */
};

/**
 * Load the chain cfg->providers: dlopen each module, call its
 * PxeProviderInitialize, check the mandatory callbacks. A failing
 * non-critical provider is skipped with a log line; a failing critical one
 * fails the load, with a message naming the provider, module and cause in
 * err. config_path (may be NULL) answers DpxeProviderGetSetting
 * "dpxe.config" and is the file PxeProviderRegister edits. server_mac is
 * the first port's MAC (for the DUID); NULL = none.
 * @return the number of providers running (0 when the list is empty), or
 *   -1 with err filled.
 */
int dpxe_wds_load(const struct dpxe_config *cfg, const char *config_path,
		  const uint8_t *server_mac, char *err, size_t err_len);

/** Providers running (after dpxe_wds_load). */
unsigned int dpxe_wds_active(void);

/**
 * Call every SHUTDOWN callback in reverse order, dlclose the modules and
 * forget the chain. Workers must have been drained (dpxe_wds_worker_drain)
 * or be gone. Safe to call when nothing is loaded.
 */
void dpxe_wds_unload(void);

/** Create a worker's request context (rte_zmalloc on conf->socket). */
struct dpxe_wds_worker *dpxe_wds_worker_create(const struct dpxe_wds_worker_conf *conf);
/** End every request (leaks reclaimed) and free the context. NULL is ok. */
void dpxe_wds_worker_free(struct dpxe_wds_worker *ww);

/**
 * Offer one request to the chain. Takes m (the received frame; pPacket
 * points into it until the request ends). f is the parsed frame (kind
 * UDP4, pointing into m). Runs the synchronous part at once.
 */
void dpxe_wds_dispatch(struct dpxe_wds_worker *ww, struct rte_mbuf *m,
		       const struct dpxe_frame *f);

/**
 * Worker loop hook: take async completions and cross-thread replies from
 * the worker's ring, and time out pending requests. Cheap when idle (one
 * ring check and one compare). now is the TSC.
 * @return requests still pending.
 */
unsigned int dpxe_wds_poll(struct dpxe_wds_worker *ww, uint64_t now);

/**
 * At stop: keep polling until no request is pending or max_ms passed, then
 * end what is left (counted as timeouts). Runs on the worker lcore.
 */
void dpxe_wds_worker_drain(struct dpxe_wds_worker *ww, uint32_t max_ms);

#endif /* DPXE_WDS_RUNTIME_H */
