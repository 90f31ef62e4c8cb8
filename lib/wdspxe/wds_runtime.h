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
	/* Optional (NULL: not counted): the worker's replies-by-DHCP-type
	 * array (DPXE_DHCP_MSG_TYPE_MAX + 1 entries, index 0 = BOOTP, i.e. a
	 * reply without option 53), bumped with a plain increment on the
	 * worker lcore as each provider reply goes to tx, like the built-in
	 * path's replies[]. counters->replies counts them all as well. */
	uint64_t *replies_by_type;
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

/** Create a worker's request context (rte_zmalloc on conf->socket; with
 *  the kept parses, DPXE_WDS_SLOTS x sizeof(struct dpxe_dhcp_msg), about
 *  6 MB). */
struct dpxe_wds_worker *dpxe_wds_worker_create(const struct dpxe_wds_worker_conf *conf);
/** End every request (leaks reclaimed) and free the context. NULL is ok. */
void dpxe_wds_worker_free(struct dpxe_wds_worker *ww);

/**
 * Offer one request to the chain. Takes m (the received frame; pPacket
 * points into it until the request ends). f is the parsed frame (kind
 * UDP4, pointing into m). Runs the synchronous part at once.
 *
 * The payload is parsed once, here, with dpxe_dhcp_parse (the built-in
 * path's parser), and the parse is kept with the request: providers get it
 * through DpxeRequestDhcpMsg and PXE_ADDR_USE_DHCP_RULES reads it. The
 * provider filters read it too: a request is "DHCP" (PXE_PROV_FILTER_
 * DHCP_ONLY) when dpxe_dhcp_parse accepts it and it has option 53, and
 * "PXE" (PXE_ONLY) when it is DHCP and its option 60 starts with
 * "PXEClient". That differs from PxeDhcpIsValid, which WDS's filters are
 * described by, in a few corners: a message without an End option, or
 * with bytes other than Pad after End, or a sname/file field without a
 * NUL, is DHCP here (dpxe_dhcp_parse stops at End or at the end of the
 * data, as clients and the built-in path do) but not to PxeDhcpIsValid;
 * a message with htype other than Ethernet, hlen other than 6, a wrong
 * length for options 53/57/61/93/94/97, or a broken option 43 of a
 * PXEClient is not DHCP here (dpxe would never answer it) but may be to
 * PxeDhcpIsValid. Requests that fail to parse still reach providers with
 * the ALL filter, as before.
 */
void dpxe_wds_dispatch(struct dpxe_wds_worker *ww, struct rte_mbuf *m,
		       const struct dpxe_frame *f);

struct dpxe_udp6;

/**
 * Offer one DHCPv6 request (UDP/IPv6, lib/net/ipv6.h) to the providers that
 * set PXE_PROV_ATTR_IPV6_CAPABLE, through their IPv6 filters (DHCP_ONLY:
 * PxeDhcpv6IsValid; PXE_ONLY: that, with a "PXEClient" vendor class). f is
 * dpxe_frame_parse's description (Ethernet/VLAN, data pointing into m) and
 * u dpxe_udp6_parse's. pLocalAddress and pRemoteAddress are 16-byte
 * addresses; PxeSendReply then builds IPv6/UDP (checksum included): by
 * default, and with PXE_ADDR_USE_DHCP_RULES, to the request's source
 * address and port; from the address the request was sent to when it was
 * unicast, else from the port's link-local address (fe80::EUI-64 of
 * src_mac). No DHCPv4 parse: DpxeRequestDhcpMsg gives NULL. Takes m.
 */
void dpxe_wds_dispatch6(struct dpxe_wds_worker *ww, struct rte_mbuf *m,
			const struct dpxe_frame *f, const struct dpxe_udp6 *u);

/** Is any loaded provider IPv6-capable? (The dataplane drops DHCPv6 as
 *  dhcpv6_no_provider when not.) Cheap: a look at each provider. */
bool dpxe_wds_ipv6_active(void);

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

/*
 * Service control (PXE_CALLBACK_SERVICE_CONTROL, the optional callback of
 * wdspxe-api.md section 2.4). WDS does not document which codes it
 * forwards; dpxe delivers exactly these:
 *   - SERVICE_CONTROL_PARAMCHANGE (6): dpxe_wds_notify_reload, called by
 *     dpxe's control thread when it reloads its configuration (SIGHUP).
 *     Workers keep calling RECV_REQUEST meanwhile, on their own lcores.
 *   - SERVICE_CONTROL_STOP (1): by dpxe_wds_unload, to every provider that
 *     registered the callback, before any SHUTDOWN callback runs. By then
 *     the workers are stopped and drained: no request arrives after STOP.
 *     (SHUTDOWN (5) means a system shutdown to a Windows service; dpxe
 *     cannot tell one from a plain stop, so it sends STOP only.)
 *   - anything else only when someone calls dpxe_wds_service_control.
 * PAUSE/CONTINUE/INTERROGATE and the NETBIND and device codes are never
 * sent: dpxe has no such states or events.
 */

/**
 * Call every registered SERVICE_CONTROL callback, in chain order, with
 * code. From one thread at a time (dpxe: its control thread), between
 * dpxe_wds_load and dpxe_wds_unload (never concurrently with either). A
 * callback's error is logged and does not stop the others.
 * @return the number of providers called (0 when none registered).
 */
unsigned int dpxe_wds_service_control(uint32_t code);

/** dpxe_wds_service_control(SERVICE_CONTROL_PARAMCHANGE): the config was
 *  reloaded (SIGHUP). */
void dpxe_wds_notify_reload(void);

#endif /* DPXE_WDS_RUNTIME_H */
