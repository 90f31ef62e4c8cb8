/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bootfile: dpxe's config-driven proxyDHCP boot policy as a WDS provider.
 *
 * It answers exactly what dpxe's built-in path answers (lib/boot's
 * dpxe_proxy_reply_cached over the same config), but through the provider
 * API only: the reply is built in a PxePacketAllocate buffer, sent with
 * PxeSendReply under PXE_ADDR_USE_DHCP_RULES and freed. A request it does
 * not answer (not PXE/HTTP boot, no matching rule, a REQUEST for another
 * server) is PXE_BA_REJECTED so a later provider may take it.
 *
 * On dpxe it registers dpxe's own request callback besides RECV_REQUEST
 * (DpxeRegisterRecvRequestEx, wdspxe.h): the request comes with dpxe's
 * parse of it, its worker's index and a reply buffer, and the reply left
 * there is sent when the callback returns. That skips a second parse, a
 * __tls_get_addr call, the buffer ownership tracking and every server call
 * per request. With the setting wds_calls_only, or on a server without it
 * (the symbols are weak), RECV_REQUEST does the same through the WDS calls
 * (plus DpxeRequestDhcpMsg and DpxeSendReplySummed where they exist).
 *
 * Per-packet state (reply-template cache, warning rate limit) is per
 * worker: workers call the provider concurrently. On dpxe it is indexed by
 * the worker (allocated at initialize); elsewhere it lives in thread-local
 * storage, keyed by the provider instance that filled it. The instance
 * itself (config, settings) is read-only after initialize.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "boot/proxy_cache.h"
#include "boot/proxy_reply.h"
#include "config/config.h"
#include "dhcp.h"
#include "dpxe_provider_ext.h"
#include "net.h"
#include "provider_settings.h"

#define EXPORT __attribute__((visibility("default")))

/*
 * Reply buffer size: a full Ethernet payload (MTU 1500 less IPv4 and UDP
 * headers). dpxe_proxy_reply bounds the reply by this and by the client's
 * maximum message size; every proxy reply dpxe builds fits well inside.
 */
#define BOOTFILE_REPLY_CAP 1472
/* Distinct local addresses a thread remembers before starting over. */
#define BOOTFILE_MAX_SERVER_IDS DPXE_CONFIG_MAX_PORTS
/* Instances whose caches a thread keeps at once (a chain rarely has two). */
#define BOOTFILE_THREAD_SLOTS 2
/* At most one warning trace per thread per this many nanoseconds. */
#define BOOTFILE_WARN_INTERVAL_NS 1000000000ull

/* One instance's state on one worker (or thread). */
struct bootfile_slot {
	uint64_t owner;            /* bootfile.id; 0: empty */
	uint32_t nsrv;
	uint32_t warn_suppressed;
	uint64_t last_warn_ns;
	/* the cache keys templates by server id pointer: an entry never
	 * changes while the cache may hold templates made with it */
	struct dpxe_server_id srv[BOOTFILE_MAX_SERVER_IDS];
	struct dpxe_proxy_cache cache;
};

struct bootfile {
	HANDLE provider;
	uint64_t id;               /* unique for the process's lifetime */
	struct dpxe_config *cfg;   /* read-only after initialize */
	bool trace_requests;
	bool wds_only;             /* setting wds_calls_only: no Dpxe* calls */
	bool reply_ext;            /* dpxe's own callback, reply sent on return */
	/* [DPXE_MAX_WORKERS], indexed by DpxeRequestWorker; NULL: the
	 * thread's slots (tls) */
	struct bootfile_slot *worker;
};

struct bootfile_thread {
	struct dpxe_dhcp_msg msg;  /* parse scratch when the server has none */
	unsigned int victim;
	struct bootfile_slot slot[BOOTFILE_THREAD_SLOTS];
};

static _Thread_local struct bootfile_thread tls;
static atomic_uint_fast64_t next_id = 1;

static const char *const known_settings[] = { "config", "trace_requests", "wds_calls_only" };

static struct bootfile_slot *
thread_slot(struct bootfile_thread *t, const struct bootfile *bf)
{
	struct bootfile_slot *s;

	for (unsigned int i = 0; i < BOOTFILE_THREAD_SLOTS; i++)
		if (t->slot[i].owner == bf->id)
			return &t->slot[i];
	s = &t->slot[t->victim];
	t->victim = (t->victim + 1) % BOOTFILE_THREAD_SLOTS;
	memset(s, 0, offsetof(struct bootfile_slot, srv));
	s->owner = bf->id;
	dpxe_proxy_cache_init(&s->cache, bf->cfg);
	return s;
}

/* This request's state: its worker's on dpxe, else this thread's. */
static inline struct bootfile_slot *
request_slot(const struct bootfile *bf, HANDLE hClientRequest)
{
	if (bf->worker != NULL) {
		ULONG w = DpxeRequestWorker(hClientRequest);

		if (w < DPXE_MAX_WORKERS)
			return &bf->worker[w];
	}
	return thread_slot(&tls, bf);
}

/* The answering port's identity for local address ip (network order). */
static const struct dpxe_server_id *
server_id(struct bootfile_slot *s, const struct bootfile *bf, uint32_t ip)
{
	for (uint32_t i = 0; i < s->nsrv; i++)
		if (s->srv[i].ip == ip)
			return &s->srv[i];
	if (s->nsrv == BOOTFILE_MAX_SERVER_IDS) {
		/* templates point at the entries about to be reused */
		s->nsrv = 0;
		dpxe_proxy_cache_init(&s->cache, bf->cfg);
	}
	s->srv[s->nsrv].ip = ip;
	s->srv[s->nsrv].name = bf->cfg->server.name;
	return &s->srv[s->nsrv++];
}

/*
 * Our address on the port the request came in on, network order, or 0.
 * The server puts it in pLocalAddress (the SampleProvider copies it into
 * siaddr and option 54 the same way); if all it has is the broadcast
 * address, a config with a single server port says which one it was.
 */
static uint32_t
local_ip(const struct bootfile *bf, const PXE_ADDRESS *local)
{
	const struct dpxe_config_server *s = &bf->cfg->server;

	if (local->uAddrLen != 4)
		return 0;
	if (local->uIpAddress != 0 && local->uIpAddress != 0xffffffffu)
		return local->uIpAddress;
	if (s->ports_count == 1)
		return htonl(s->ports[0].ip);
	return 0;
}

/* Rate-limited warning: the fast path must not flood the trace. */
static void
warn(const struct bootfile *bf, struct bootfile_slot *t, const wchar_t *what,
     const char *detail)
{
	struct timespec ts;
	uint64_t now;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	if (t->last_warn_ns != 0 && now - t->last_warn_ns < BOOTFILE_WARN_INTERVAL_NS) {
		t->warn_suppressed++;
		return;
	}
	PxeTrace(bf->provider, PXE_TRACE_WARNING, L"%ls: %S (%lu similar warnings suppressed)",
		 what, detail, (ULONG)t->warn_suppressed);
	t->last_warn_ns = now;
	t->warn_suppressed = 0;
}

static void
trace_request(const struct bootfile *bf, const struct dpxe_dhcp_msg *m, const char *outcome)
{
	const uint8_t *c = m->chaddr;

	PxeTrace(bf->provider, PXE_TRACE_VERBOSE,
		 L"%02x:%02x:%02x:%02x:%02x:%02x %S xid %08lx: %S", c[0], c[1], c[2], c[3], c[4],
		 c[5], dpxe_dhcp_msg_type_name(m->msg_type),
		 (ULONG)ntohl(m->xid), outcome);
}

/*
 * The request's parse: the server's (dpxe parsed it once already, with the
 * same parser), or our own where the server does not offer it (an older
 * dpxe, or a test server). NULL with *r set when it does not parse.
 */
static const struct dpxe_dhcp_msg *
request_msg(const struct bootfile *bf, HANDLE hClientRequest, PVOID pPacket, ULONG uPacketLen,
	    enum dpxe_drop_reason *r)
{
	const struct dpxe_dhcp_msg *m = NULL;

	if (!bf->wds_only && DpxeRequestDhcpMsg != NULL)
		m = DpxeRequestDhcpMsg(hClientRequest, DPXE_DHCP_MSG_ABI_VERSION,
				       sizeof(struct dpxe_dhcp_msg));
	if (m != NULL)
		return m;
	/* also when the server refused it (ERROR_INVALID_DATA): rare, and
	 * our parse names the reason for the trace */
	*r = dpxe_dhcp_parse(pPacket, uPacketLen, &tls.msg);
	return *r == DPXE_DROP_OK ? &tls.msg : NULL;
}

/*
 * The reply through the WDS calls: a PxePacketAllocate buffer, sent with
 * DpxeSendReplySummed (PxeSendReply without it, or with wds_calls_only)
 * and freed. *pAction as bootfile_recv's.
 */
static void
reply_wds(const struct bootfile *bf, HANDLE hClientRequest, struct bootfile_slot *slot,
	  const struct dpxe_server_id *srv, const struct dpxe_dhcp_msg *msg, uint16_t dst_port,
	  PXE_BOOT_ACTION *pAction)
{
	PXE_ADDRESS dest = { .uFlags = PXE_ADDR_USE_DHCP_RULES };
	enum dpxe_drop_reason r;
	uint8_t *buf, reply_type;
	uint32_t sum;
	size_t len;
	DWORD err;

	buf = PxePacketAllocate(bf->provider, hClientRequest, BOOTFILE_REPLY_CAP);
	if (buf == NULL) {
		/* as the built-in path on mbuf exhaustion: drop, counted by
		 * the server; a later provider could not allocate either */
		*pAction = PXE_BA_IGNORE;
		warn(bf, slot, L"request dropped", "PxePacketAllocate failed");
		return;
	}
	r = dpxe_proxy_reply_cached(&slot->cache, bf->cfg, srv, msg, dst_port, buf,
				    BOOTFILE_REPLY_CAP, &len, &reply_type, &sum);
	if (r != DPXE_DROP_OK) {
		PxePacketFree(bf->provider, hClientRequest, buf);
		if (bf->trace_requests)
			trace_request(bf, msg, dpxe_drop_reason_name(r));
		return;
	}
	/* the template knows the payload's checksum sum: pass it on (the
	 * call takes DPXE_NO_SUM as PxeSendReply does) */
	if (!bf->wds_only && DpxeSendReplySummed != NULL)
		err = DpxeSendReplySummed(hClientRequest, buf, (ULONG)len, &dest, sum);
	else
		err = PxeSendReply(hClientRequest, buf, (ULONG)len, &dest);
	PxePacketFree(bf->provider, hClientRequest, buf);
	if (err != ERROR_SUCCESS) {
		*pAction = PXE_BA_IGNORE;
		warn(bf, slot, L"reply not sent", "PxeSendReply failed");
		return;
	}
	*pAction = PXE_BA_NBP;
	if (bf->trace_requests)
		trace_request(bf, msg, dpxe_dhcp_msg_type_name(reply_type));
}

/*
 * What every request goes through first: is it a boot client we can answer
 * from a local IPv4 address? Sets *ip and *dst_port; false (the request
 * passed on, traced when asked) otherwise.
 */
static inline __attribute__((always_inline)) bool
boot_client(const struct bootfile *bf, HANDLE hClientRequest, const struct dpxe_dhcp_msg *msg,
	    const PXE_ADDRESS *local, uint32_t *ip, uint16_t *dst_port)
{
	/* the cheap refusal before allocating anything */
	if (!msg->vendor_class.pxe_client && !msg->vendor_class.http_client) {
		if (bf->trace_requests)
			trace_request(bf, msg, dpxe_drop_reason_name(DPXE_DROP_NOT_PXE_CLIENT));
		return false;
	}
	*ip = local_ip(bf, local);
	if (*ip == 0) {
		warn(bf, request_slot(bf, hClientRequest), L"request passed on",
		     "no local IPv4 address to answer from");
		return false;
	}
	*dst_port = local->uPort ? local->uPort : DPXE_DHCP_SERVER_PORT;
	return true;
}

/*
 * Answer: in rep, dpxe's reply buffer, sent when the call returns; without
 * one (a server without it, wds_calls_only, no mbuf left) through the WDS
 * calls.
 */
static inline __attribute__((always_inline)) void
answer(const struct bootfile *bf, HANDLE hClientRequest, const struct dpxe_dhcp_msg *msg,
       struct dpxe_reply *rep, uint32_t ip, uint16_t dst_port, PXE_BOOT_ACTION *pAction)
{
	const struct dpxe_server_id *srv;
	struct bootfile_slot *slot;
	enum dpxe_drop_reason r;
	uint8_t reply_type;
	size_t len;

	if (rep == NULL) {
		slot = request_slot(bf, hClientRequest);
		reply_wds(bf, hClientRequest, slot, server_id(slot, bf, ip), msg, dst_port,
			  pAction);
		return;
	}
	slot = &bf->worker[rep->uWorker % DPXE_MAX_WORKERS];
	srv = server_id(slot, bf, ip);
	r = dpxe_proxy_reply_cached(&slot->cache, bf->cfg, srv, msg, dst_port, rep->pBuffer,
				    BOOTFILE_REPLY_CAP, &len, &reply_type, &rep->dwPayloadSum);
	if (r != DPXE_DROP_OK) {
		/* REJECTED: dpxe takes its buffer back */
		if (bf->trace_requests)
			trace_request(bf, msg, dpxe_drop_reason_name(r));
		return;
	}
	rep->uLength = (ULONG)len;
	rep->Address.uFlags = PXE_ADDR_USE_DHCP_RULES;
	*pAction = PXE_BA_NBP;
	if (bf->trace_requests)
		trace_request(bf, msg, dpxe_dhcp_msg_type_name(reply_type));
}

/* RECV_REQUEST: the WDS callback, answered through the WDS calls (on dpxe
 * only with wds_calls_only, or for a request dpxe could not parse). */
static DWORD PXEAPI
bootfile_recv(HANDLE hClientRequest, PVOID pPacket, ULONG uPacketLen,
	      PXE_ADDRESS *pLocalAddress, PXE_ADDRESS *pRemoteAddress,
	      PXE_BOOT_ACTION *pAction, PVOID pContext)
{
	const struct bootfile *bf = pContext;
	const struct dpxe_dhcp_msg *msg;
	enum dpxe_drop_reason r = DPXE_DROP_OK;
	uint16_t dst_port;
	uint32_t ip;

	(void)pRemoteAddress;
	*pAction = PXE_BA_REJECTED;
	if (pLocalAddress == NULL || pLocalAddress->uAddrLen != 4)
		return ERROR_SUCCESS; /* DHCPv6: not ours */
	msg = request_msg(bf, hClientRequest, pPacket, uPacketLen, &r);
	if (msg == NULL) {
		if (bf->trace_requests)
			PxeTrace(bf->provider, PXE_TRACE_VERBOSE, L"not parsed: %S",
				 dpxe_drop_reason_name(r));
		return ERROR_SUCCESS;
	}
	if (boot_client(bf, hClientRequest, msg, pLocalAddress, &ip, &dst_port))
		answer(bf, hClientRequest, msg, NULL, ip, dst_port, pAction);
	return ERROR_SUCCESS;
}

/* dpxe's own callback: the parse and the reply buffer come with it. */
static DWORD PXEAPI
bootfile_recv_ex(const struct dpxe_request *q, PXE_BOOT_ACTION *pAction, PVOID pContext)
{
	const struct bootfile *bf = pContext;
	uint16_t dst_port;
	uint32_t ip;

	*pAction = PXE_BA_REJECTED;
	if (q->pLocalAddress->uAddrLen != 4)
		return ERROR_SUCCESS; /* DHCPv6: not ours */
	if (q->pMsg == NULL) {
		/* dpxe's parser refused it; ours would say why */
		return bootfile_recv(q->hClientRequest, q->pPacket, q->uPacketLen,
				     q->pLocalAddress, q->pRemoteAddress, pAction, pContext);
	}
	if (boot_client(bf, q->hClientRequest, q->pMsg, q->pLocalAddress, &ip, &dst_port))
		answer(bf, q->hClientRequest, q->pMsg,
		       q->pReply != NULL && q->pReply->uSize >= BOOTFILE_REPLY_CAP ? q->pReply
										   : NULL,
		       ip, dst_port, pAction);
	return ERROR_SUCCESS;
}

static void
bootfile_free(struct bootfile *bf)
{
	free(bf->worker);
	dpxe_config_free(bf->cfg);
	free(bf);
}

/* On dpxe, one state per worker, made here rather than on a worker's first
 * request (DPXE_MAX_WORKERS x ~20 KB). */
static DWORD
per_worker_state(struct bootfile *bf)
{
	if (bf->wds_only || DpxeRequestWorker == NULL)
		return ERROR_SUCCESS; /* thread-local slots */
	bf->worker = calloc(DPXE_MAX_WORKERS, sizeof(*bf->worker));
	if (bf->worker == NULL) {
		PxeTrace(bf->provider, PXE_TRACE_ERROR, L"out of memory");
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	for (unsigned int i = 0; i < DPXE_MAX_WORKERS; i++) {
		bf->worker[i].owner = bf->id;
		dpxe_proxy_cache_init(&bf->worker[i].cache, bf->cfg);
	}
	return ERROR_SUCCESS;
}

static DWORD PXEAPI
bootfile_shutdown(PVOID pContext)
{
	struct bootfile *bf = pContext;

	PxeTrace(bf->provider, PXE_TRACE_INFO, L"shutting down");
	/* other threads' caches name this instance's id, never reused, so
	 * they can never be mistaken for a later instance's */
	bootfile_free(bf);
	return ERROR_SUCCESS;
}

static DWORD
load_config(struct bootfile *bf, const char *path)
{
	struct dpxe_config_error err;
	int rc;

	rc = dpxe_config_load(path, &bf->cfg, &err);
	if (rc != 0) {
		PxeTrace(bf->provider, PXE_TRACE_ERROR, L"cannot load boot rules: %S", err.text);
		return rc == -ENOENT ? ERROR_FILE_NOT_FOUND
		       : rc == -ENOMEM ? ERROR_NOT_ENOUGH_MEMORY
				       : ERROR_INVALID_DATA;
	}
	if (bf->cfg->boot.rules_count == 0) {
		PxeTrace(bf->provider, PXE_TRACE_ERROR,
			 L"%S: boot.rules is empty: bootfile would answer no client", path);
		return ERROR_INVALID_DATA;
	}
	return ERROR_SUCCESS;
}

EXPORT DWORD PXEAPI
PxeProviderInitialize(HANDLE hProvider, HKEY hProviderKey)
{
	ULONG filter = PXE_PROV_FILTER_ALL;
	BOOL no_zero_fill = TRUE;
	struct bootfile *bf;
	const char *path;
	DWORD err;

	bf = calloc(1, sizeof(*bf));
	if (bf == NULL) {
		PxeTrace(hProvider, PXE_TRACE_ERROR, L"out of memory");
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	bf->provider = hProvider;
	bf->id = atomic_fetch_add(&next_id, 1);

	err = dpxe_ps_check_names(hProvider, hProviderKey, known_settings,
				  sizeof(known_settings) / sizeof(known_settings[0]));
	if (err == ERROR_SUCCESS)
		err = dpxe_ps_get_bool(hProvider, hProviderKey, "trace_requests",
				       &bf->trace_requests);
	if (err == ERROR_SUCCESS)
		err = dpxe_ps_get_bool(hProvider, hProviderKey, "wds_calls_only",
				       &bf->wds_only);
	if (err != ERROR_SUCCESS)
		goto fail;
	bf->reply_ext = !bf->wds_only && DpxeRegisterRecvRequestEx != NULL &&
			DpxeRequestWorker != NULL;
	path = DpxeProviderGetSetting(hProviderKey, "config");
	if (path == NULL)
		path = DpxeProviderGetSetting(hProviderKey, DPXE_SETTING_CONFIG_PATH);
	if (path == NULL || *path == '\0') {
		PxeTrace(hProvider, PXE_TRACE_ERROR,
			 L"setting config: no config file to read boot rules from (and the "
			 L"server gave no dpxe.config)");
		err = ERROR_FILE_NOT_FOUND;
		goto fail;
	}
	err = load_config(bf, path);
	if (err == ERROR_SUCCESS)
		err = per_worker_state(bf);
	if (err != ERROR_SUCCESS)
		goto fail;

	/* ALL, not PXE_ONLY: dpxe's own parser decides what is answered, so
	 * the provider answers exactly what the built-in path does. PXE_ONLY
	 * would hide UEFI HTTP boot clients ("HTTPClient"), and DHCP_ONLY
	 * adds nothing on dpxe (it follows dpxe_dhcp_parse there) while a
	 * server that checks it with PxeDhcpIsValid is stricter (it wants an
	 * END option). Non-boot clients are refused right after parsing,
	 * before anything is allocated. */
	err = PxeProviderSetAttribute(hProvider, PXE_PROV_ATTR_FILTER, &filter, sizeof(filter));
	/* every byte we send, dpxe_proxy_reply wrote: no zero-fill needed.
	 * A server without the attribute refuses it; that changes nothing. */
	(void)PxeProviderSetAttribute(hProvider, DPXE_PROV_ATTR_NO_ZERO_FILL, &no_zero_fill,
				      sizeof(no_zero_fill));
	if (err == ERROR_SUCCESS)
		err = PxeRegisterCallback(hProvider, PXE_CALLBACK_RECV_REQUEST,
					  (PVOID)(PFN_PXE_PROVIDER_RECV_REQUEST)bootfile_recv, bf);
	if (err == ERROR_SUCCESS)
		err = PxeRegisterCallback(hProvider, PXE_CALLBACK_SHUTDOWN,
					  (PVOID)(PFN_PXE_PROVIDER_SHUTDOWN)bootfile_shutdown, bf);
	/* on dpxe, its own callback instead (refused: RECV_REQUEST it is) */
	if (err == ERROR_SUCCESS && bf->reply_ext)
		(void)DpxeRegisterRecvRequestEx(hProvider, bootfile_recv_ex, bf,
						DPXE_DHCP_MSG_ABI_VERSION,
						sizeof(struct dpxe_dhcp_msg));
	if (err != ERROR_SUCCESS) {
		PxeTrace(hProvider, PXE_TRACE_ERROR, L"registering with the server failed: %lu",
			 err);
		goto fail;
	}
	PxeTrace(hProvider, PXE_TRACE_INFO, L"%lu boot rules from %S",
		 (ULONG)bf->cfg->boot.rules_count, path);
	return ERROR_SUCCESS;

fail:
	/* the server calls no SHUTDOWN after a failed initialize */
	bootfile_free(bf);
	return err;
}
