/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Requests on the workers: the provider chain per request, the reply
 * buffers (PxePacketAllocate / PxePacketFree), PxeSendReply, async
 * completion (PxeAsyncRecvDone) and timeouts.
 *
 * No locks and no malloc. Each worker owns an array of request slots; only
 * that worker starts or ends a request. Provider threads reach a worker
 * through its ring (multi-producer, single-consumer), never by touching its
 * state, except for atomic words: a slot's generation, state, "done
 * posted" flag, send counter and buffer entries, and the per-buffer owner
 * word. (ThreadSanitizer checks this: tests/tsan/run-tsan.sh.)
 *
 * hClientRequest is not a pointer: it is (generation << 14 | slot << 5 |
 * worker). The generation changes whenever a provider's turn with the
 * request ends (its synchronous return, its completion, a timeout), so a
 * handle kept past that point is recognised as stale and refused, and a
 * late PxeAsyncRecvDone can never complete the next provider's turn.
 *
 * The request is parsed once, here, by the parser the built-in path uses
 * (dpxe_dhcp_parse), into a parse kept per request slot: the filters, the
 * RFC 2131 destination of PXE_ADDR_USE_DHCP_RULES and the providers
 * (DpxeRequestDhcpMsg) all read that one parse.
 *
 * A reply buffer is an mbuf from the request's worker's pool (rte_mempool
 * ops without an lcore cache are safe from any thread). The bytes handed to
 * the provider are the mbuf's data room; at the very start of its headroom
 * a tag records who owns it, and the rest of the headroom stays free for
 * the headers PxeSendReply prepends. A pointer maps back to its tag in
 * O(1): check it lies inside the worker's pool memory (so a foreign pointer
 * is never read through), then read the tag a headroom before it.
 * Ownership changes only by a compare-and-swap of the tag's owner word, so
 * a double free, a free racing with the reclaim at request end, or a free
 * naming another request lose the swap and are refused and counted instead
 * of freeing twice.
 *
 * PxeSendReply on the worker sends the provider's own buffer when it can:
 * it takes a second reference on the mbuf (the provider keeps the first and
 * drops it with PxePacketFree; whichever of TX and PxePacketFree comes last
 * returns the mbuf to the pool), prepends the headers in the headroom and
 * hands the mbuf to TX. It copies into a fresh mbuf instead when the buffer
 * is not one of this request's PxePacketAllocate buffers (stack, heap,
 * pPacket), is already in flight (a second send before TX let go of the
 * first), or the send comes from a provider thread (see own_buffer).
 */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "boot/reply_addr.h"
#include "dhcp.h"
#include "net/byteorder.h"
#include "net/ipv6.h"
#include "wds_rt_internal.h"

#define PKT_MAGIC 0x54454b4350585044ull /* "DPXPCKET" */
/* The tag sits at the start of the headroom, the payload right after it:
 * the headers a send prepends end at the payload and never reach the tag. */
#define TAG_BACK RTE_PKTMBUF_HEADROOM
#define MAX_HDR (DPXE_ETHER_HDR_LEN + DPXE_VLAN_MAX_DEPTH * DPXE_VLAN_HDR_LEN + \
		 DPXE_IPV6_HDR_LEN + DPXE_UDP_HDR_LEN) /* IPv6's are the longer */
/* hash.usr of a reply that has no DHCPv4 type to be counted under */
#define NO_TYPE 0xffu

#define RING_SIZE 4096
#define FIFO_SIZE (2 * DPXE_WDS_SLOTS) /* >= live pending entries + stale */
#define POLL_BURST 32

#define H_WORKER_BITS 5
#define H_SLOT_BITS 9
#define H_GEN_BITS 18
_Static_assert((1u << H_SLOT_BITS) == DPXE_WDS_SLOTS, "slot bits");
_Static_assert(DPXE_WDS_PKTS_PER_REQ / 2 <= 8, "the worker's half fits wmask");
_Static_assert((1u << H_WORKER_BITS) == DPXE_WDS_MAX_WORKERS, "worker bits");
_Static_assert(DPXE_MAX_WORKERS == DPXE_WDS_MAX_WORKERS, "wdspxe.h's worker count");

enum req_state { REQ_FREE = 0, REQ_ACTIVE, REQ_PENDING };

/* magic, m and size are written by the allocating thread and read by any
 * (tag_of): relaxed atomics, since a stale pointer may be checked while its
 * mbuf is handed out again. */
struct wds_pkt_tag {
	uint64_t magic;
	struct rte_mbuf *m;
	uint64_t owner; /* (handle << 1) | 1 while owned; 0 once freed */
	uint32_t size;  /* uSize: a send may not go past it */
};
_Static_assert(TAG_BACK >= sizeof(struct wds_pkt_tag) + MAX_HDR,
	       "the headroom holds the tag and the longest headers");
_Static_assert(RTE_PKTMBUF_HEADROOM >= MAX_HDR, "a fresh mbuf's headroom holds the headers");

struct wds_req {
	uint32_t gen;       /* atomic; never 0 */
	uint32_t id;        /* slot << H_WORKER_BITS | worker: a handle's low bits */
	struct dpxe_dhcp_msg *msg; /* this slot's parse, in ww->msgs */
	uint8_t state;      /* enum req_state; worker writes, others read (atomic) */
	uint32_t done_gen;  /* atomic: the turn whose PxeAsyncRecvDone was taken */
	uint16_t prov;      /* index in wds_chain of the provider's turn */
	uint32_t sends;     /* atomic: PxeSendReply calls in this turn */
	bool is_dhcp, is_pxe; /* DHCPv6 only: PxeDhcpv6IsValid's verdict */
	/* atomic: msg when dpxe_dhcp_parse accepted the request, else NULL */
	const struct dpxe_dhcp_msg *parse;
	bool v6;            /* a DHCPv6 request: u6 describes its IPv6/UDP */
	struct dpxe_udp6 u6;
	struct rte_mbuf *m; /* the request frame; pPacket points into it */
	/* DpxeReplyAllocate's buffer of this call, the size asked for and the
	 * descriptor handed out with it; the worker's alone (only its call
	 * may use them). reply and reply_size are the truth, desc the
	 * provider's to write. */
	struct rte_mbuf *reply;
	uint32_t reply_size;
	struct dpxe_reply desc;
	struct dpxe_frame f;
	const uint8_t *payload;
	uint16_t payload_len;
	struct wds_pkt_tag *pkts[DPXE_WDS_PKTS_PER_REQ]; /* atomic */
	/* which entries may be non-empty, so a sweep reads only those: the
	 * worker's half by a bit each (the worker's alone), the other
	 * threads' half by one flag they raise after filling an entry */
	uint8_t wmask;
	uint8_t foreign;  /* atomic */
};

struct fifo_ent {
	uint64_t due;
	uint32_t handle;
};

struct dpxe_wds_worker {
	struct dpxe_wds_worker_conf c;
	struct dpxe_udp4_spec spec4; /* what every IPv4 reply shares */
	uint32_t reply_max;          /* DpxeReplyAllocate's largest: the pool's room */
	struct rte_ring *ring;
	uintptr_t pool_lo, pool_hi;
	uint64_t timeout_tsc;
	unsigned int pending;
	uint32_t fifo_head, fifo_tail;
	struct fifo_ent fifo[FIFO_SIZE];
	uint32_t nfree;
	uint16_t freelist[DPXE_WDS_SLOTS];
	struct wds_req req[DPXE_WDS_SLOTS];
	/* one parse per slot (~12 KB each, apart from the slots so the slot
	 * array stays small): pointers into the request mbuf, valid while the
	 * request lives */
	struct dpxe_dhcp_msg *msgs;
};

static struct dpxe_wds_worker *wds_workers[DPXE_WDS_MAX_WORKERS];

/*
 * This thread's place in the runtime. self: the worker whose loop it runs,
 * if any (a send from it goes straight to TX, from anywhere else through
 * the ring). h, r, p: while that worker is inside a provider's
 * RECV_REQUEST, the call's handle, slot and provider; h is UINTPTR_MAX, no
 * handle's value, at any other time and on every other thread.
 *
 * An API call made from inside that call with that handle is on the
 * worker, on a live turn, by construction: only the worker ends a turn,
 * and only after the call returns. So it needs none of the handle's checks
 * (decode, generation, state; the "still" re-checks), and it finds its
 * buffers in the worker's half of the slot's entries without reading a
 * tag. That is the provider path's common case (every call a synchronous
 * provider makes), so it is the one kept short.
 */
struct wds_thread {
	struct dpxe_wds_worker *self;
	uintptr_t h;
	struct wds_req *r;
	const struct wds_provider *p;
};
static __thread struct wds_thread wds_t = { .h = UINTPTR_MAX };

/* The request of the call the worker is in, when h names it; else NULL. */
static inline struct wds_req *
cur_req(HANDLE h)
{
	return likely((uintptr_t)h == wds_t.h) ? wds_t.r : NULL;
}

/* ---- handles ---- */

static inline uint32_t
handle_of(const struct wds_req *r, uint32_t gen)
{
	return gen << (H_SLOT_BITS + H_WORKER_BITS) | r->id;
}

static inline uint32_t
next_gen(uint32_t g)
{
	g = (g + 1) & ((1u << H_GEN_BITS) - 1);
	return g == 0 ? 1 : g;
}

/* The worker a handle names, live request or not (for counting misuse). */
static struct dpxe_wds_worker *
worker_of(HANDLE h)
{
	uintptr_t v = (uintptr_t)h;

	if (v == 0 || v > UINT32_MAX)
		return NULL;
	return __atomic_load_n(&wds_workers[v & (DPXE_WDS_MAX_WORKERS - 1)], __ATOMIC_ACQUIRE);
}

/* The live request a handle names, or NULL (stale, forged, worker gone). */
static struct wds_req *
req_from_handle(HANDLE h, struct dpxe_wds_worker **pww, uint32_t *pgen)
{
	uintptr_t v = (uintptr_t)h;
	struct dpxe_wds_worker *ww;
	struct wds_req *r;
	uint32_t gen;

	if (v == 0 || v > UINT32_MAX)
		return NULL;
	ww = __atomic_load_n(&wds_workers[v & (DPXE_WDS_MAX_WORKERS - 1)], __ATOMIC_ACQUIRE);
	if (ww == NULL)
		return NULL;
	r = &ww->req[(v >> H_WORKER_BITS) & (DPXE_WDS_SLOTS - 1)];
	gen = (uint32_t)(v >> (H_SLOT_BITS + H_WORKER_BITS));
	if (__atomic_load_n(&r->gen, __ATOMIC_ACQUIRE) != gen ||
	    __atomic_load_n(&r->state, __ATOMIC_ACQUIRE) == REQ_FREE)
		return NULL;
	*pww = ww;
	if (pgen != NULL)
		*pgen = gen;
	return r;
}

static inline bool
still(const struct wds_req *r, uint32_t gen)
{
	return __atomic_load_n(&r->gen, __ATOMIC_ACQUIRE) == gen;
}

/* ---- buffers ---- */

static void
pool_range(struct rte_mempool *mp, void *opaque, struct rte_mempool_memhdr *memhdr,
	   unsigned int mem_idx)
{
	struct dpxe_wds_worker *ww = opaque;
	uintptr_t a = (uintptr_t)memhdr->addr;

	(void)mp;
	(void)mem_idx;
	if (ww->pool_lo == 0 || a < ww->pool_lo)
		ww->pool_lo = a;
	if (a + memhdr->len > ww->pool_hi)
		ww->pool_hi = a + memhdr->len;
}

static inline bool
in_pool(const struct dpxe_wds_worker *ww, uintptr_t a, size_t len)
{
	return a >= ww->pool_lo && a + len <= ww->pool_hi && a + len > a;
}

/* The tag of a buffer we handed out, or NULL: never reads outside the pool. */
static struct wds_pkt_tag *
tag_of(const struct dpxe_wds_worker *ww, const void *pkt)
{
	uintptr_t a = (uintptr_t)pkt;
	struct wds_pkt_tag *t;
	struct rte_mbuf *m;

	if (a < TAG_BACK || !in_pool(ww, a - TAG_BACK, sizeof(*t)) ||
	    (a - TAG_BACK) % _Alignof(struct wds_pkt_tag) != 0)
		return NULL;
	t = (struct wds_pkt_tag *)(a - TAG_BACK);
	m = __atomic_load_n(&t->m, __ATOMIC_RELAXED);
	/* buf_addr is fixed for an mbuf's life: the tag is at its start
	 * whatever data_off a send left behind */
	if (__atomic_load_n(&t->magic, __ATOMIC_RELAXED) != PKT_MAGIC ||
	    !in_pool(ww, (uintptr_t)m, sizeof(*m)) || (uintptr_t)m->buf_addr != (uintptr_t)t)
		return NULL;
	return t;
}

/*
 * Drop a tracking entry that still points at t (it may be gone already).
 * The caller owns t (it won the owner swap), so nobody else removes t's
 * entry meanwhile; only turn_end could, and it runs on the worker. So the
 * worker may clear it with a plain store; another thread compares and
 * swaps, since turn_end may empty the entry and a new turn refill it.
 */
static void
untrack(const struct dpxe_wds_worker *ww, struct wds_req *r, struct wds_pkt_tag *t)
{
	for (unsigned int k = 0; k < DPXE_WDS_PKTS_PER_REQ; k++) {
		struct wds_pkt_tag *exp = t;

		if (__atomic_load_n(&r->pkts[k], __ATOMIC_RELAXED) != t)
			continue; /* a plain look before the locked exchange */
		if (wds_t.self == ww) {
			__atomic_store_n(&r->pkts[k], NULL, __ATOMIC_RELAXED);
			r->wmask &= (uint8_t)~(1u << k); /* 0 for the other half */
			return;
		}
		if (__atomic_compare_exchange_n(&r->pkts[k], &exp, NULL, false,
						__ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			return;
	}
}

/* Take a buffer back from its owner; false if someone else already did. */
static bool
tag_release(struct wds_pkt_tag *t, uint32_t handle)
{
	uint64_t exp = (uint64_t)handle << 1 | 1;

	return __atomic_compare_exchange_n(&t->owner, &exp, 0, false,
					   __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
}

/* A provider that set DPXE_PROV_ATTR_NO_ZERO_FILL writes every byte it
 * sends; any other gets its buffer zeroed, so that no byte of an earlier
 * frame (another client's request) can reach the wire through a buffer it
 * did not fill. */
static inline bool
wants_zero_fill(const struct wds_provider *p)
{
	return !__atomic_load_n(&p->no_zero_fill, __ATOMIC_RELAXED);
}

/* hProvider -> provider; the provider of the call the worker is in needs
 * no look at the chain. */
static inline struct wds_provider *
provider_of(HANDLE hProvider)
{
	if (likely(hProvider == wds_t.p && hProvider != NULL))
		return hProvider;
	return wds_provider_from_handle(hProvider);
}

/* The worker-half tracking entry of slot r holding buffer pPacket, or -1.
 * Compares pointers only: pPacket is never read through. The entry may be
 * emptied right after by a provider thread freeing the same buffer: take
 * the tag from pPacket (buffer_tag), never from a second read of it. */
static inline int
tracked_entry(const struct wds_req *r, const void *pPacket)
{
	uintptr_t t = (uintptr_t)pPacket - TAG_BACK;

	for (unsigned int m = r->wmask; m != 0; m &= m - 1) {
		unsigned int k = (unsigned int)__builtin_ctz(m);

		if ((uintptr_t)__atomic_load_n(&r->pkts[k], __ATOMIC_RELAXED) == t)
			return (int)k;
	}
	return -1;
}

/* The tag in front of one of our buffers (tracked_entry found it). */
static inline struct wds_pkt_tag *
buffer_tag(const void *pPacket)
{
	return (struct wds_pkt_tag *)((uintptr_t)pPacket - TAG_BACK);
}

PVOID PXEAPI
PxePacketAllocate(HANDLE hProvider, HANDLE hClientRequest, ULONG uSize)
{
	struct dpxe_wds_worker *ww;
	struct wds_provider *prov;
	struct wds_req *r;
	struct wds_pkt_tag *t;
	struct rte_mbuf *m;
	uint32_t gen, h;
	void *p;

	if ((prov = provider_of(hProvider)) == NULL) {
		SetLastError(ERROR_INVALID_HANDLE);
		return NULL;
	}
	if ((r = cur_req(hClientRequest)) != NULL) {
		ww = wds_t.self;
		gen = (uint32_t)(wds_t.h >> (H_SLOT_BITS + H_WORKER_BITS));
	} else if ((r = req_from_handle(hClientRequest, &ww, &gen)) == NULL) {
		if ((ww = worker_of(hClientRequest)) != NULL)
			DPXE_WDS_COUNT(ww->c.counters, send_after_end);
		SetLastError(ERROR_INVALID_HANDLE);
		return NULL;
	}
	if (uSize == 0) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	if (uSize > DPXE_WDS_MAX_PAYLOAD ||
	    (m = rte_pktmbuf_alloc(ww->c.pool)) == NULL) {
		SetLastError(ERROR_NOT_ENOUGH_MEMORY);
		return NULL;
	}
	if (rte_pktmbuf_tailroom(m) < uSize || rte_pktmbuf_headroom(m) != TAG_BACK) {
		rte_pktmbuf_free(m);
		SetLastError(ERROR_NOT_ENOUGH_MEMORY);
		return NULL;
	}
	p = rte_pktmbuf_mtod(m, void *);
	h = handle_of(r, gen);
	t = m->buf_addr;
	__atomic_store_n(&t->magic, PKT_MAGIC, __ATOMIC_RELAXED);
	__atomic_store_n(&t->m, m, __ATOMIC_RELAXED);
	__atomic_store_n(&t->size, uSize, __ATOMIC_RELAXED);
	__atomic_store_n(&t->owner, (uint64_t)h << 1 | 1, __ATOMIC_RELEASE);
	if (wds_t.self == ww) {
		/* the worker, inside the provider's call: its half of the
		 * entries takes no locked exchange. Only the worker fills
		 * them; another thread only empties one (untrack), so an
		 * empty entry stays empty until the store below. turn_end
		 * runs on this thread, so no fence is needed either. */
		for (unsigned int k = 0; k < DPXE_WDS_PKTS_PER_REQ / 2; k++)
			if (__atomic_load_n(&r->pkts[k], __ATOMIC_RELAXED) == NULL) {
				__atomic_store_n(&r->pkts[k], t, __ATOMIC_RELAXED);
				r->wmask |= (uint8_t)(1u << k);
				if (wants_zero_fill(prov))
					memset(p, 0, uSize);
				return p;
			}
	}
	for (unsigned int k = DPXE_WDS_PKTS_PER_REQ / 2; k < DPXE_WDS_PKTS_PER_REQ; k++) {
		struct wds_pkt_tag *exp = NULL;

		if (__atomic_load_n(&r->pkts[k], __ATOMIC_RELAXED) != NULL)
			continue;
		if (__atomic_compare_exchange_n(&r->pkts[k], &exp, t, false,
						__ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
			__atomic_store_n(&r->foreign, 1, __ATOMIC_RELEASE);
			/* The turn may have ended while we tracked it: then
			 * the sweep may have missed the entry. Whoever wins
			 * the owner swap frees it (see turn_end). */
			if (!still(r, gen)) {
				untrack(ww, r, t);
				if (tag_release(t, h))
					rte_pktmbuf_free(m);
				DPXE_WDS_COUNT(ww->c.counters, send_after_end);
				SetLastError(ERROR_INVALID_HANDLE);
				return NULL;
			}
			if (wants_zero_fill(prov))
				memset(p, 0, uSize);
			return p;
		}
	}
	/* too many buffers held by one request: a leak in the making */
	__atomic_store_n(&t->owner, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&t->magic, 0, __ATOMIC_RELAXED);
	rte_pktmbuf_free(m);
	SetLastError(ERROR_NOT_ENOUGH_MEMORY);
	return NULL;
}

DWORD PXEAPI
PxePacketFree(HANDLE hProvider, HANDLE hClientRequest, PVOID pPacket)
{
	uintptr_t v = (uintptr_t)hClientRequest;
	struct dpxe_wds_worker *ww;
	struct wds_pkt_tag *t;
	struct rte_mbuf *m;
	struct wds_req *r;
	int k;

	if (provider_of(hProvider) == NULL)
		return ERROR_INVALID_HANDLE;
	if ((r = cur_req(hClientRequest)) != NULL && (k = tracked_entry(r, pPacket)) >= 0) {
		/* the worker, freeing a buffer it allocated in this call: the
		 * entry proves it is one of ours, no tag check needed. The
		 * owner swap stays: a provider thread may free it too. */
		ww = wds_t.self;
		t = buffer_tag(pPacket);
		if (!tag_release(t, (uint32_t)v)) {
			DPXE_WDS_COUNT(ww->c.counters, double_free);
			return ERROR_INVALID_PARAMETER;
		}
		__atomic_store_n(&r->pkts[k], NULL, __ATOMIC_RELAXED);
		r->wmask &= (uint8_t)~(1u << k);
	} else {
		if ((ww = worker_of(hClientRequest)) == NULL)
			return ERROR_INVALID_HANDLE;
		if (pPacket == NULL)
			return ERROR_INVALID_PARAMETER;
		t = tag_of(ww, pPacket);
		/* a freed, reclaimed, foreign or other request's buffer */
		if (t == NULL || !tag_release(t, (uint32_t)v)) {
			DPXE_WDS_COUNT(ww->c.counters, double_free);
			return ERROR_INVALID_PARAMETER;
		}
		untrack(ww, &ww->req[(v >> H_WORKER_BITS) & (DPXE_WDS_SLOTS - 1)], t);
	}
	m = t->m;
	/* the provider's reference; a send in flight holds its own. On the
	 * worker that other holder is its own TX, which cannot run meanwhile
	 * (see own_buffer): dropping ours needs no locked decrement */
	if (wds_t.self == ww && rte_mbuf_refcnt_read(m) == 2)
		rte_mbuf_refcnt_set(m, 1);
	else
		rte_pktmbuf_free(m);
	return ERROR_SUCCESS;
}

/* ---- the request's parse ---- */

static inline const struct dpxe_dhcp_msg *
req_msg(const struct wds_req *r)
{
	return __atomic_load_n(&r->parse, __ATOMIC_RELAXED);
}

const struct dpxe_dhcp_msg *
DpxeRequestDhcpMsg(HANDLE hClientRequest, ULONG uAbiVersion, ULONG uSize)
{
	const struct dpxe_dhcp_msg *msg;
	struct dpxe_wds_worker *ww;
	struct wds_req *r;
	uint32_t gen;

	if (!wds_dhcp_msg_abi_ok(uAbiVersion, uSize)) {
		SetLastError(ERROR_NOT_SUPPORTED); /* built against another lib/dhcp */
		return NULL;
	}
	if ((r = cur_req(hClientRequest)) != NULL) {
		msg = req_msg(r);
		goto out;
	}
	r = req_from_handle(hClientRequest, &ww, &gen);
	if (r == NULL) {
		SetLastError(ERROR_INVALID_HANDLE);
		return NULL;
	}
	msg = req_msg(r);
	if (!still(r, gen)) {
		SetLastError(ERROR_INVALID_HANDLE);
		return NULL;
	}
out:
	if (msg == NULL)
		SetLastError(ERROR_INVALID_DATA); /* dpxe_dhcp_parse refused it */
	return msg;
}

/* ---- sending ---- */

/* The DHCP message type of a reply (option 53), 0 (BOOTP) when it has none;
 * the replies are counted by it. dpxe's replies and PxeDhcpInitialize +
 * PxeDhcpAppendOption put 53 first, so this is a short look. */
static __rte_always_inline uint8_t
reply_type(LPCVOID pkt, ULONG len)
{
	const uint8_t *b = pkt;
	PVOID v = NULL;
	BYTE l = 0;

	/* the usual layout: 53 right after the cookie */
	if (len > DPXE_DHCP_OPTIONS_OFF + 2 && b[DPXE_DHCP_OPTIONS_OFF] == DPXE_OPT_MSG_TYPE &&
	    b[DPXE_DHCP_OPTIONS_OFF + 1] == 1 &&
	    dpxe_load_be32(b + DPXE_BOOTP_COOKIE) == DPXE_DHCP_MAGIC_COOKIE)
		return b[DPXE_DHCP_OPTIONS_OFF + 2] <= DPXE_DHCP_MSG_TYPE_MAX
			       ? b[DPXE_DHCP_OPTIONS_OFF + 2]
			       : DPXE_DHCP_BOOTP;
	if (PxeDhcpGetOptionValue(pkt, len, 1, DPXE_OPT_MSG_TYPE, &l, &v) != ERROR_SUCCESS ||
	    l != 1 || *(const uint8_t *)v > DPXE_DHCP_MSG_TYPE_MAX)
		return DPXE_DHCP_BOOTP;
	return *(const uint8_t *)v;
}

/* The PXE_ADDRESS flags both families read alike: BROADCAST and USE_ADDR
 * exclude each other, USE_PORT names a port (set into *port). */
static inline bool
addr_flags_ok(const PXE_ADDRESS *a, ULONG flags, uint16_t *port)
{
	if ((flags & PXE_ADDR_BROADCAST) && (flags & PXE_ADDR_USE_ADDR))
		return false;
	if (flags & PXE_ADDR_USE_PORT) {
		if (a->uPort == 0)
			return false;
		*port = a->uPort;
	}
	return true;
}

static __rte_always_inline DWORD
pick_dest(const struct dpxe_dhcp_msg *msg, const struct dpxe_frame *f, LPCVOID pkt,
	  ULONG len, uint8_t type, const PXE_ADDRESS *a, struct dpxe_udp4_spec *s)
{
	const uint8_t *src_mac = dpxe_frame_src_mac(f);
	ULONG flags = a != NULL ? a->uFlags : 0;

	/* a non-DHCP BOOTP request has no DHCP rules: source it is */
	if ((flags & PXE_ADDR_USE_DHCP_RULES) && msg != NULL &&
	    msg->msg_type != DPXE_DHCP_BOOTP) {
		struct dpxe_reply_dest d;
		uint32_t yiaddr = 0;

		if (len >= 20)
			memcpy(&yiaddr, (const uint8_t *)pkt + 16, 4);
		dpxe_reply_dest_pick(f, msg, type, yiaddr, &d);
		memcpy(s->dst_mac, d.mac, 6);
		if (d.l2_broadcast)
			memset(s->dst_mac, 0xff, 6);
		s->ip_dst = d.ip;
		s->dst_port = d.port;
		return ERROR_SUCCESS;
	}
	/* default: the request's source (a client without an address gets a
	 * broadcast to its port, as reply_addr does for port 4011) */
	memcpy(s->dst_mac, src_mac, 6);
	s->ip_dst = f->ip_src;
	s->dst_port = f->src_port;
	if (f->ip_src == 0) {
		memset(s->dst_mac, 0xff, 6);
		s->ip_dst = DPXE_IPV4_BROADCAST;
	}
	if (flags & PXE_ADDR_USE_DHCP_RULES)
		return ERROR_SUCCESS;
	if (!addr_flags_ok(a, flags, &s->dst_port))
		return ERROR_INVALID_PARAMETER;
	if (flags & PXE_ADDR_BROADCAST) {
		memset(s->dst_mac, 0xff, 6);
		s->ip_dst = DPXE_IPV4_BROADCAST;
	} else if (flags & PXE_ADDR_USE_ADDR) {
		if (a->uAddrLen == 16)
			return ERROR_NOT_SUPPORTED; /* an IPv6 address for an IPv4 request */
		if (a->uAddrLen != 4)
			return ERROR_INVALID_PARAMETER;
		/* no ARP cache: unicast goes to the MAC the request came from
		 * (the client, or the relay/router in front of it);
		 * 255.255.255.255 is a broadcast */
		memcpy(&s->ip_dst, a->bAddress, 4);
		memcpy(s->dst_mac, src_mac, 6);
		if (s->ip_dst == DPXE_IPV4_BROADCAST)
			memset(s->dst_mac, 0xff, 6);
	}
	return ERROR_SUCCESS;
}

/*
 * Where a reply to a DHCPv6 request goes. By default, and under
 * PXE_ADDR_USE_DHCP_RULES (RFC 8415 section 18.3: to the source address
 * and port, the client's link-local or the relay's), to the request's
 * source; from the address the request was sent to when that was one of
 * ours alone (unicast), else from our link-local address. BROADCAST is
 * all-nodes (ff02::1); USE_ADDR takes a 16-byte address.
 */
static DWORD
pick_dest6(const struct dpxe_wds_worker *ww, const struct dpxe_frame *f,
	   const struct dpxe_udp6 *u, const PXE_ADDRESS *a, struct dpxe_udp6_spec *s)
{
	static const uint8_t all_nodes[DPXE_IPV6_ADDR_LEN] = { 0xff, 0x02, [15] = 1 };
	ULONG flags = a != NULL ? a->uFlags : 0;

	memcpy(s->dst_mac, dpxe_frame_src_mac(f), DPXE_ETHER_ADDR_LEN);
	memcpy(s->dst, u->src, DPXE_IPV6_ADDR_LEN);
	s->dst_port = u->src_port;
	if (dpxe_ipv6_is_multicast(u->dst))
		dpxe_ipv6_link_local(ww->c.src_mac, s->src);
	else
		memcpy(s->src, u->dst, DPXE_IPV6_ADDR_LEN);
	s->src_port = u->dst_port;
	if (flags & PXE_ADDR_USE_DHCP_RULES)
		return ERROR_SUCCESS;
	if (!addr_flags_ok(a, flags, &s->dst_port))
		return ERROR_INVALID_PARAMETER;
	if (flags & PXE_ADDR_BROADCAST) {
		memcpy(s->dst, all_nodes, DPXE_IPV6_ADDR_LEN);
	} else if (flags & PXE_ADDR_USE_ADDR) {
		if (a->uAddrLen != DPXE_IPV6_ADDR_LEN)
			return ERROR_INVALID_PARAMETER; /* an IPv4 reply to a v6 request */
		memcpy(s->dst, a->bAddress, DPXE_IPV6_ADDR_LEN);
	}
	/* a multicast destination has its own MAC; a unicast one is reached
	 * through the MAC the request came from (no neighbour cache) */
	if (dpxe_ipv6_is_multicast(s->dst))
		dpxe_ipv6_multicast_mac(s->dst, s->dst_mac);
	return ERROR_SUCCESS;
}

/*
 * The provider's own mbuf, with a reference of ours, when the worker sends
 * a buffer of this request's turn that is not in flight; NULL means copy.
 * ERROR_INVALID_PARAMETER in *rc: a send longer than the buffer (from any
 * thread).
 *
 * Only the worker sends without a copy; a provider thread's send copies.
 * So every change of such an mbuf's reference count happens on the worker
 * (this send, TX, the sweep, PxePacketFree there), except a provider
 * thread's PxePacketFree, which can only come after it won the owner swap:
 * concurrent with this send only if the provider frees a buffer while it
 * sends it, the use after free wdspxe.h rules out. So a plain read and
 * store take the reference (no other send, and no TX, holds it when it is
 * 1): no locked instruction, which here had to wait for the whole reply
 * just written to drain from the store buffer.
 */
static struct rte_mbuf *
own_buffer(struct dpxe_wds_worker *ww, const struct wds_req *r, bool cur, uint32_t h,
	   LPCVOID pPacket, ULONG len, DWORD *rc)
{
	struct wds_pkt_tag *t;
	struct rte_mbuf *m;

	/* in the worker's call, a buffer it allocated there is found by its
	 * entry, without the tag check */
	if (cur && tracked_entry(r, pPacket) >= 0)
		t = buffer_tag(pPacket);
	else
		t = tag_of(ww, pPacket);
	if (t == NULL || __atomic_load_n(&t->owner, __ATOMIC_ACQUIRE) != ((uint64_t)h << 1 | 1))
		return NULL;
	if (len > __atomic_load_n(&t->size, __ATOMIC_RELAXED)) {
		*rc = ERROR_INVALID_PARAMETER; /* would send bytes it never had */
		return NULL;
	}
	m = t->m;
	if (wds_t.self != ww || rte_mbuf_refcnt_read(m) != 1)
		return NULL; /* a provider thread's send, or in flight: copy */
	rte_mbuf_refcnt_set(m, 2);
	return m;
}

/* Hand a finished reply to the worker's TX, counted by DHCP type. Runs on
 * the worker. The type travels in the mbuf (hash.usr: unused on TX). */
static inline void
tx_reply(struct dpxe_wds_worker *ww, struct rte_mbuf *m)
{
	if (ww->c.replies_by_type != NULL && m->hash.usr <= DPXE_DHCP_MSG_TYPE_MAX)
		ww->c.replies_by_type[m->hash.usr]++;
	DPXE_WDS_COUNT_LOCAL(ww->c.counters, replies);
	ww->c.tx(ww->c.tx_ctx, m);
}

/*
 * Build and send a reply to request r (turn gen) whose send was counted:
 * pPacket's uPacketLen bytes with the payload's one's complement sum psum
 * (DPXE_NO_SUM: sum it here), to pAddress. worker: on ww's own thread
 * (wds_t.self == ww). cur: on the worker, on a turn that cannot end
 * meanwhile. given: the request's own reply buffer (the
 * DpxeReplyAllocate one), which holds pPacket; it is taken (*given = NULL)
 * once the frame is to be written into it, and freed on a later error.
 * Inlined into each caller: each gets the code of its own case only.
 */
static __rte_always_inline DWORD
emit(struct dpxe_wds_worker *ww, struct wds_req *r, uint32_t gen, bool worker, bool cur,
     LPCVOID pPacket, ULONG uPacketLen, PXE_ADDRESS *pAddress, uint32_t psum,
     struct rte_mbuf **given)
{
	const struct dpxe_frame *fp;
	const struct dpxe_udp6 *up;
	struct dpxe_udp4_spec s;
	struct dpxe_udp6_spec s6;
	struct dpxe_frame f;
	struct dpxe_udp6 u6;
	bool v6;
	struct rte_mbuf *out;
	size_t hdr, len, room;
	uint8_t *frame, type;
	DWORD rc = ERROR_SUCCESS;

	/* another thread reads seqlock-style: copy what we need, then check
	 * the turn did not end meanwhile (the slot could be reused and
	 * rewritten); the worker itself is the only writer, so it reads in
	 * place */
	if (worker) {
		fp = &r->f;
		up = &r->u6;
		v6 = r->v6;
	} else {
		f = r->f;
		u6 = r->u6;
		v6 = __atomic_load_n(&r->v6, __ATOMIC_RELAXED);
		fp = &f;
		up = &u6;
	}
	if (v6) {
		memset(&s6, 0, sizeof(s6));
		type = NO_TYPE;
		rc = pick_dest6(ww, fp, up, pAddress, &s6);
	} else {
		s = ww->spec4;
		type = reply_type(pPacket, uPacketLen);
		rc = pick_dest(req_msg(r), fp, pPacket, uPacketLen, type, pAddress, &s);
	}
	if (!cur && !still(r, gen)) {
		DPXE_WDS_COUNT(ww->c.counters, send_after_end);
		return ERROR_INVALID_HANDLE;
	}
	if (rc != ERROR_SUCCESS) {
		DPXE_WDS_COUNT(ww->c.counters, send_fail);
		return rc;
	}
	if (v6) {
		s6.vlan_count = dpxe_frame_copy_tags(fp, s6.vlan_tpid, s6.vlan_tci);
		memcpy(s6.src_mac, ww->c.src_mac, 6);
		hdr = dpxe_udp6_header_len(&s6);
	} else {
		s.vlan_count = dpxe_frame_copy_tags(fp, s.vlan_tpid, s.vlan_tci);
		s.src_port = fp->dst_port;
		hdr = dpxe_udp4_header_len(&s);
	}
	if (given != NULL) {
		/* the headroom takes the headers (DpxeReplyAllocate checked) */
		out = *given;
		*given = NULL;
		out->data_off = (uint16_t)(out->data_off - hdr);
		frame = rte_pktmbuf_mtod(out, uint8_t *);
		room = (size_t)out->buf_len - out->data_off;
	} else if ((out = own_buffer(ww, r, cur, handle_of(r, gen), pPacket, uPacketLen, &rc)) !=
		   NULL) {
		/* headers go in the headroom, right before the payload */
		out->data_off = (uint16_t)(TAG_BACK - hdr);
		frame = rte_pktmbuf_mtod(out, uint8_t *);
		room = (size_t)out->buf_len - out->data_off;
	} else {
		if (rc != ERROR_SUCCESS) {
			DPXE_WDS_COUNT(ww->c.counters, send_fail);
			return rc;
		}
		out = rte_pktmbuf_alloc(ww->c.pool);
		if (out == NULL) {
			DPXE_WDS_COUNT(ww->c.counters, send_fail);
			return ERROR_NOT_ENOUGH_MEMORY;
		}
		frame = rte_pktmbuf_mtod(out, uint8_t *);
		room = rte_pktmbuf_tailroom(out);
		if (hdr + uPacketLen > room) {
			rte_pktmbuf_free(out);
			DPXE_WDS_COUNT(ww->c.counters, send_fail);
			return ERROR_INVALID_PARAMETER;
		}
		memcpy(frame + hdr, pPacket, uPacketLen);
	}
	len = v6 ? dpxe_udp6_write(frame, room, &s6, uPacketLen, psum)
		 : dpxe_udp4_write_summed(frame, room, &s, uPacketLen, psum);
	if (len == 0 || (!cur && !still(r, gen))) {
		rte_pktmbuf_free(out);
		if (len == 0) {
			DPXE_WDS_COUNT(ww->c.counters, send_fail);
			return ERROR_INVALID_PARAMETER;
		}
		DPXE_WDS_COUNT(ww->c.counters, send_after_end);
		return ERROR_INVALID_HANDLE;
	}
	out->data_len = (uint16_t)len;
	out->pkt_len = (uint32_t)len;
	out->ol_flags = 0;
	out->hash.usr = type;
	if (!v6 && s.ip_csum_offload) {
		out->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
		out->l2_len = (uint16_t)(hdr - DPXE_IPV4_HDR_LEN - DPXE_UDP_HDR_LEN);
		out->l3_len = DPXE_IPV4_HDR_LEN;
	}
	if (worker) {
		tx_reply(ww, out);
	} else if (rte_ring_mp_enqueue(ww->ring, out) != 0) {
		rte_pktmbuf_free(out);
		DPXE_WDS_COUNT(ww->c.counters, send_fail);
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	return ERROR_SUCCESS;
}

/* PxeSendReply, with the payload's sum when the caller knows it. Inlined
 * into PxeSendReply and DpxeSendReplySummed. */
static __rte_always_inline DWORD
send_reply(HANDLE hClientRequest, LPCVOID pPacket, ULONG uPacketLen, PXE_ADDRESS *pAddress,
	   uint32_t psum)
{
	struct dpxe_wds_worker *ww;
	struct wds_req *r;
	uint32_t gen, sends;
	bool cur;

	/* cur: the worker, in this request's call; the turn cannot end
	 * before we return, so none of the "still" checks apply */
	if ((r = cur_req(hClientRequest)) != NULL) {
		cur = true;
		ww = wds_t.self;
		gen = (uint32_t)(wds_t.h >> (H_SLOT_BITS + H_WORKER_BITS));
	} else if ((r = req_from_handle(hClientRequest, &ww, &gen)) != NULL) {
		cur = false;
	} else {
		if ((ww = worker_of(hClientRequest)) != NULL)
			DPXE_WDS_COUNT(ww->c.counters, send_after_end);
		return ERROR_INVALID_HANDLE;
	}
	if (pPacket == NULL || uPacketLen == 0 || uPacketLen > DPXE_WDS_MAX_PAYLOAD)
		return ERROR_INVALID_PARAMETER;
	/* the worker counts without a locked add (a provider thread sending
	 * at the same moment may make the cap one send looser) */
	if (wds_t.self == ww) {
		sends = __atomic_load_n(&r->sends, __ATOMIC_RELAXED);
		__atomic_store_n(&r->sends, sends + 1, __ATOMIC_RELAXED);
	} else {
		sends = __atomic_fetch_add(&r->sends, 1, __ATOMIC_RELAXED);
	}
	if (sends >= DPXE_WDS_MAX_SENDS) {
		DPXE_WDS_COUNT(ww->c.counters, send_flood);
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	return emit(ww, r, gen, wds_t.self == ww, cur, pPacket, uPacketLen, pAddress, psum, NULL);
}

DWORD PXEAPI
PxeSendReply(HANDLE hClientRequest, LPCVOID pPacket, ULONG uPacketLen, PXE_ADDRESS *pAddress)
{
	return send_reply(hClientRequest, pPacket, uPacketLen, pAddress, DPXE_NO_SUM);
}

DWORD
DpxeSendReplySummed(HANDLE hClientRequest, LPCVOID pPacket, ULONG uPacketLen,
		    PXE_ADDRESS *pAddress, DWORD dwPayloadSum)
{
	/* DPXE_NO_SUM is no sum at all: a folded one's complement sum of a
	 * payload never reaches it, so it cannot be confused with one */
	return send_reply(hClientRequest, pPacket, uPacketLen, pAddress, dwPayloadSum);
}

/* ---- the request's own reply buffer, and its worker ---- */

/* Why a handle is no call of ours to serve: a live request of a provider
 * thread (or of the worker outside the call) is NOT_SUPPORTED, anything
 * else no request at all. */
static DWORD
not_in_call(HANDLE hClientRequest)
{
	struct dpxe_wds_worker *ww;

	return req_from_handle(hClientRequest, &ww, NULL) != NULL ? ERROR_NOT_SUPPORTED
								 : ERROR_INVALID_HANDLE;
}

/* The request's own reply buffer of uSize (<= reply_max) bytes for
 * provider p, and its descriptor; NULL when the pool is empty. */
static __rte_always_inline struct dpxe_reply *
reply_prepare(struct dpxe_wds_worker *ww, struct wds_req *r, const struct wds_provider *p,
	      uint32_t uSize)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(ww->c.pool);

	/* a fresh mbuf has RTE_PKTMBUF_HEADROOM (>= MAX_HDR) before its data
	 * and room for reply_max bytes after: dpxe_wds_worker_create saw to
	 * both, so no per-buffer check */
	if (m == NULL)
		return NULL;
	r->reply = m;
	r->reply_size = uSize;
	r->desc = (struct dpxe_reply){
		.pBuffer = rte_pktmbuf_mtod(m, void *),
		.uSize = uSize,
		.uWorker = ww->c.index,
		.dwPayloadSum = DPXE_NO_SUM,
	};
	if (wants_zero_fill(p))
		memset(r->desc.pBuffer, 0, uSize);
	return &r->desc;
}

struct dpxe_reply *
DpxeReplyAllocate(HANDLE hClientRequest, ULONG uSize)
{
	struct wds_req *r = cur_req(hClientRequest);
	struct dpxe_wds_worker *ww = wds_t.self;

	if (r == NULL) {
		SetLastError(not_in_call(hClientRequest));
		return NULL;
	}
	if (uSize == 0) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	if (r->reply != NULL) {
		SetLastError(ERROR_BUSY);
		return NULL;
	}
	if (uSize > ww->reply_max || reply_prepare(ww, r, wds_t.p, uSize) == NULL) {
		SetLastError(ERROR_NOT_ENOUGH_MEMORY);
		return NULL;
	}
	return &r->desc;
}

/*
 * After the provider's call: send the reply it left in the request's own
 * buffer when it answered NBP or CUSTOM with a length, else free the
 * buffer unsent. Counted as a PxeSendReply (the same cap and counters).
 */
static __rte_always_inline void
reply_on_return(struct dpxe_wds_worker *ww, struct wds_req *r, PXE_BOOT_ACTION action)
{
	struct rte_mbuf *m = r->reply;
	ULONG len = r->desc.uLength;

	r->reply = NULL;
	if ((action == PXE_BA_NBP || action == PXE_BA_CUSTOM) && len != 0) {
		/* provider threads count these too: a locked add */
		if (len > r->reply_size)
			DPXE_WDS_COUNT(ww->c.counters, send_fail);
		else if (__atomic_load_n(&r->sends, __ATOMIC_RELAXED) >= DPXE_WDS_MAX_SENDS)
			DPXE_WDS_COUNT(ww->c.counters, send_flood);
		else
			(void)emit(ww, r, r->gen, true, true, rte_pktmbuf_mtod(m, void *), len,
				   &r->desc.Address, r->desc.dwPayloadSum, &m);
	}
	if (m != NULL)
		rte_pktmbuf_free(m); /* not sent */
}

ULONG
DpxeRequestWorker(HANDLE hClientRequest)
{
	struct dpxe_wds_worker *ww;

	if (cur_req(hClientRequest) != NULL)
		return wds_t.self->c.index;
	if (req_from_handle(hClientRequest, &ww, NULL) == NULL) {
		SetLastError(ERROR_INVALID_HANDLE);
		return DPXE_NO_WORKER;
	}
	return ww->c.index;
}

/* ---- async completion ---- */

/* Ring messages: an mbuf pointer (a reply to send; even), or a completion
 * (handle << 32 | action << 1 | 1). Actions above 0xffff are invalid
 * anyway and are folded to 0xffff, which still counts as bad. */
DWORD PXEAPI
PxeAsyncRecvDone(HANDLE hClientRequest, PXE_BOOT_ACTION Action)
{
	struct dpxe_wds_worker *ww;
	struct wds_req *r;
	uint32_t gen, exp;
	uint64_t msg;

	r = req_from_handle(hClientRequest, &ww, &gen);
	if (r == NULL) {
		if ((ww = worker_of(hClientRequest)) != NULL)
			DPXE_WDS_COUNT(ww->c.counters, late_done);
		return ERROR_INVALID_HANDLE;
	}
	/* done_gen holds the generation of the turn that completed: a stale
	 * caller writes an old one, which never blocks the current turn */
	exp = __atomic_load_n(&r->done_gen, __ATOMIC_ACQUIRE);
	if (exp == gen || !__atomic_compare_exchange_n(&r->done_gen, &exp, gen, false,
						       __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
		DPXE_WDS_COUNT(ww->c.counters, late_done);
		return ERROR_INVALID_HANDLE; /* a second completion */
	}
	msg = (uint64_t)(uintptr_t)hClientRequest << 32 |
	      (uint64_t)(Action > 0xffff ? 0xffff : Action) << 1 | 1;
	if (rte_ring_mp_enqueue(ww->ring, (void *)(uintptr_t)msg) != 0) {
		exp = gen;
		__atomic_compare_exchange_n(&r->done_gen, &exp, 0, false, __ATOMIC_ACQ_REL,
					    __ATOMIC_RELAXED);
		return ERROR_NOT_ENOUGH_MEMORY; /* ring full: try again */
	}
	return ERROR_SUCCESS;
}

/* ---- the chain, on the worker ---- */

/*
 * Take back a tracked buffer still owned under any handle of slot r: when
 * the worker sweeps a slot, every such handle is stale (the next turn's has
 * not been handed out yet).
 */
static bool
reclaim(const struct wds_req *r, struct wds_pkt_tag *t)
{
	const uint32_t id_mask = (1u << (H_SLOT_BITS + H_WORKER_BITS)) - 1;
	uint32_t id = r->id;
	uint64_t v = __atomic_load_n(&t->owner, __ATOMIC_ACQUIRE);

	while (v != 0 && ((uint32_t)(v >> 1) & id_mask) == id)
		if (__atomic_compare_exchange_n(&t->owner, &v, 0, false, __ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE))
			return true;
	return false;
}

static void
sweep_entry(struct dpxe_wds_worker *ww, struct wds_req *r, unsigned int k)
{
	struct wds_pkt_tag *t;

	/* most entries are empty: a plain load first, the locked exchange
	 * only for one that holds something */
	if (__atomic_load_n(&r->pkts[k], __ATOMIC_ACQUIRE) == NULL)
		return;
	t = __atomic_exchange_n(&r->pkts[k], NULL, __ATOMIC_ACQ_REL);
	if (t != NULL && reclaim(r, t)) {
		rte_pktmbuf_free(t->m);
		DPXE_WDS_COUNT_LOCAL(ww->c.counters, leaks_reclaimed);
	}
}

/*
 * Free the buffers still tracked on slot r (leaks). Runs on the worker.
 * The other threads' half is read only when one raised the flag: it is
 * lowered before the look, so an entry filled after the look raises it
 * again for the next sweep; one filled before it is seen (the flag was
 * read with acquire after the entry was filled).
 */
static void
sweep_slow(struct dpxe_wds_worker *ww, struct wds_req *r)
{
	for (unsigned int m = r->wmask; m != 0; m &= m - 1)
		sweep_entry(ww, r, (unsigned int)__builtin_ctz(m));
	r->wmask = 0;
	if (__atomic_load_n(&r->foreign, __ATOMIC_ACQUIRE) == 0)
		return;
	__atomic_store_n(&r->foreign, 0, __ATOMIC_SEQ_CST);
	for (unsigned int k = DPXE_WDS_PKTS_PER_REQ / 2; k < DPXE_WDS_PKTS_PER_REQ; k++)
		sweep_entry(ww, r, k);
}

/* Most turns end with nothing left to sweep: say so without a call. */
static inline void
sweep(struct dpxe_wds_worker *ww, struct wds_req *r)
{
	if (likely(r->wmask == 0 && __atomic_load_n(&r->foreign, __ATOMIC_ACQUIRE) == 0))
		return;
	sweep_slow(ww, r);
}

/*
 * End a provider's turn: its handle goes stale, its leftovers come back.
 *
 * No fence between the generation store and the sweep (a locked exchange
 * there was 5 % of the provider path). The price: a provider thread that
 * tracks a buffer in the same instant may see the old generation while
 * the sweep still sees the entry empty, and keep a buffer of a finished
 * turn. That buffer is not lost: its entry stays, and the next sweep of
 * this slot (the next turn's end, or dpxe_wds_worker_free) reclaims it,
 * since its owner is then a stale handle of the slot; a send with it is
 * refused (stale handle), a PxePacketFree frees it.
 */
static inline void
turn_end(struct dpxe_wds_worker *ww, struct wds_req *r)
{
	__atomic_store_n(&r->gen, next_gen(r->gen), __ATOMIC_RELEASE);
	sweep(ww, r);
	/* a reply buffer lives only inside the provider's call: run_chain
	 * sends or frees it right after (reply_on_return) */
	RTE_ASSERT(r->reply == NULL);
}

static inline void
req_end(struct dpxe_wds_worker *ww, struct wds_req *r)
{
	turn_end(ww, r);
	if (r->state == REQ_PENDING)
		ww->pending--;
	__atomic_store_n(&r->state, REQ_FREE, __ATOMIC_RELEASE);
	rte_pktmbuf_free(r->m);
	r->m = NULL;
	ww->freelist[ww->nfree++] = (uint16_t)(r->id >> H_WORKER_BITS);
}

/* DHCP / PXE by the worker's parse (dispatch), not by PxeDhcpIsValid; see
 * dpxe_wds_dispatch in wds_runtime.h for how the two differ. Worked out
 * only for a provider whose filter asks. */
static inline bool
req_is_dhcp(const struct wds_req *r)
{
	const struct dpxe_dhcp_msg *msg = req_msg(r);

	return r->v6 ? r->is_dhcp : msg != NULL && msg->msg_type != DPXE_DHCP_BOOTP;
}

static inline bool
req_is_pxe(const struct wds_req *r)
{
	return r->v6 ? r->is_pxe : req_is_dhcp(r) && req_msg(r)->vendor_class.pxe_client;
}

static bool
filter_ok(const struct wds_provider *p, const struct wds_req *r)
{
	ULONG filter;

	/* a DHCPv6 request goes only to providers that said IPV6_CAPABLE,
	 * through their IPv6 filter (is_dhcp / is_pxe: PxeDhcpv6IsValid) */
	if (r->v6) {
		if (!__atomic_load_n(&p->ipv6, __ATOMIC_RELAXED))
			return false;
		filter = __atomic_load_n(&p->filter_v6, __ATOMIC_RELAXED);
	} else {
		filter = __atomic_load_n(&p->filter, __ATOMIC_RELAXED);
	}
	switch (filter) {
	case PXE_PROV_FILTER_DHCP_ONLY:
		return req_is_dhcp(r);
	case PXE_PROV_FILTER_PXE_ONLY:
		return req_is_pxe(r);
	default:
		return true;
	}
}

static void fifo_push(struct dpxe_wds_worker *ww, uint32_t handle);

/* Apply a final action. @return true when the chain goes on. */
static inline bool
apply(struct dpxe_wds_worker *ww, struct wds_req *r, PXE_BOOT_ACTION action)
{
	switch (action) {
	case PXE_BA_NBP:
	case PXE_BA_CUSTOM:
		req_end(ww, r);
		return false;
	case PXE_BA_IGNORE:
		DPXE_WDS_COUNT_LOCAL(ww->c.counters, ignored);
		req_end(ww, r);
		return false;
	case PXE_BA_REJECTED:
		turn_end(ww, r);
		return true;
	default:
		/* a wrong value must not be guessed at: drop, as IGNORE */
		DPXE_WDS_COUNT_LOCAL(ww->c.counters, bad_action);
		req_end(ww, r);
		return false;
	}
}

/* The addresses handed to RECV_REQUEST. local is our address (the
 * SampleProvider copies it into siaddr and option 54, so it is ours even
 * for a broadcast request; the flag says that it was one). */
static inline void
addresses(const struct dpxe_wds_worker *ww, const struct wds_req *r, PXE_ADDRESS *local,
	  PXE_ADDRESS *remote)
{
	if (unlikely(r->v6)) {
		/* local: the address it was sent to when that is ours alone,
		 * else our link-local one, with BROADCAST saying it was
		 * multicast (as for IPv4) */
		memset(local, 0, sizeof(*local));
		local->uFlags = PXE_ADDR_USE_ADDR | (dpxe_ipv6_is_multicast(r->u6.dst)
							     ? PXE_ADDR_BROADCAST
							     : PXE_ADDR_USE_PORT);
		if (dpxe_ipv6_is_multicast(r->u6.dst))
			dpxe_ipv6_link_local(ww->c.src_mac, local->bAddress);
		else
			memcpy(local->bAddress, r->u6.dst, DPXE_IPV6_ADDR_LEN);
		local->uAddrLen = DPXE_IPV6_ADDR_LEN;
		local->uPort = r->u6.dst_port;
		memset(remote, 0, sizeof(*remote));
		remote->uFlags = PXE_ADDR_USE_ADDR | PXE_ADDR_USE_PORT;
		memcpy(remote->bAddress, r->u6.src, DPXE_IPV6_ADDR_LEN);
		remote->uAddrLen = DPXE_IPV6_ADDR_LEN;
		remote->uPort = r->u6.src_port;
		return;
	}
	*local = (PXE_ADDRESS){
		.uFlags = PXE_ADDR_USE_ADDR | (r->f.ip_dst == DPXE_IPV4_BROADCAST
						       ? PXE_ADDR_BROADCAST
						       : PXE_ADDR_USE_PORT),
		.uIpAddress = ww->c.src_ip,
		.uAddrLen = 4,
		.uPort = r->f.dst_port,
	};
	*remote = (PXE_ADDRESS){
		.uFlags = PXE_ADDR_USE_ADDR | PXE_ADDR_USE_PORT,
		.uIpAddress = r->f.ip_src,
		.uAddrLen = 4,
		.uPort = r->f.src_port,
	};
}

/* Offer r to providers from index i on, until one keeps it. */
static __rte_always_inline void
run_chain(struct dpxe_wds_worker *ww, struct wds_req *r, unsigned int i)
{
	for (; i < wds_chain_len; i++) {
		struct wds_provider *p = &wds_chain[i];
		PXE_BOOT_ACTION action = PXE_BA_REJECTED;
		PXE_ADDRESS local, remote;
		DWORD rc;

		if (!filter_ok(p, r))
			continue; /* filtered out: as REJECTED */
		r->prov = (uint16_t)i;
		__atomic_store_n(&r->sends, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&r->state, REQ_ACTIVE, __ATOMIC_RELAXED);
		addresses(ww, r, &local, &remote); /* fresh: a provider may scribble */
		wds_t.h = handle_of(r, r->gen);
		wds_t.r = r;
		wds_t.p = p;
		if (p->recv_ex != NULL) {
			/* dpxe's own callback: the parse and a reply buffer
			 * come with the request */
			const struct dpxe_request q = {
				.hClientRequest = (HANDLE)wds_t.h,
				.pPacket = (PVOID)r->payload,
				.uPacketLen = r->payload_len,
				.pLocalAddress = &local,
				.pRemoteAddress = &remote,
				.pMsg = req_msg(r),
				.pReply = reply_prepare(ww, r, p, ww->reply_max),
			};

			rc = p->recv_ex(&q, &action, p->recv_ex_ctx);
		} else {
			rc = p->recv((HANDLE)wds_t.h, (PVOID)r->payload, r->payload_len, &local,
				     &remote, &action, p->recv_ctx);
		}
		wds_t.h = UINTPTR_MAX;
		wds_t.p = NULL;
		if (r->reply != NULL) /* DpxeReplyAllocate: sent now, or freed */
			reply_on_return(ww, r, rc == ERROR_SUCCESS ? action : PXE_BA_REJECTED);
		if (rc == ERROR_IO_PENDING) {
			__atomic_store_n(&r->state, REQ_PENDING, __ATOMIC_RELAXED);
			ww->pending++;
			fifo_push(ww, handle_of(r, r->gen));
			return;
		}
		if (rc != ERROR_SUCCESS)
			action = PXE_BA_REJECTED;
		if (!apply(ww, r, action))
			return;
	}
	DPXE_WDS_COUNT_LOCAL(ww->c.counters, rejected_all);
	req_end(ww, r);
}

/* A free request slot for frame m, this worker now the sending one; NULL
 * (counted, m freed) when every slot is taken. */
static inline struct wds_req *
req_take(struct dpxe_wds_worker *ww, struct rte_mbuf *m)
{
	struct wds_req *r;

	if (unlikely(ww->nfree == 0)) {
		DPXE_WDS_COUNT_LOCAL(ww->c.counters, no_slot);
		rte_pktmbuf_free(m);
		return NULL;
	}
	wds_t.self = ww;
	r = &ww->req[ww->freelist[--ww->nfree]];
	r->m = m;
	return r;
}

/* Offer a filled-in request to the chain from its first provider. */
static __rte_always_inline void
req_run(struct dpxe_wds_worker *ww, struct wds_req *r)
{
	DPXE_WDS_COUNT_LOCAL(ww->c.counters, requests);
	run_chain(ww, r, 0);
	wds_t.self = NULL;
}

void
dpxe_wds_dispatch(struct dpxe_wds_worker *ww, struct rte_mbuf *m, const struct dpxe_frame *f)
{
	struct dpxe_dhcp_msg *msg;
	struct wds_req *r;

	if (unlikely((r = req_take(ww, m)) == NULL))
		return;
	msg = r->msg;
	__atomic_store_n(&r->v6, false, __ATOMIC_RELAXED);
	r->payload = dpxe_frame_payload(f);
	r->payload_len = f->payload_len;
	/* the one parse of this request (the built-in path's parser) */
	__atomic_store_n(&r->parse,
			 dpxe_dhcp_parse(r->payload, r->payload_len, msg) == DPXE_DROP_OK ? msg : NULL,
			 __ATOMIC_RELAXED);
	/* after the parse, not before: f was just written field by field, and
	 * copying it in wide loads at once stalls on store forwarding (that
	 * was a tenth of this function) */
	r->f = *f;
	req_run(ww, r);
}

void
dpxe_wds_dispatch6(struct dpxe_wds_worker *ww, struct rte_mbuf *m, const struct dpxe_frame *f,
		   const struct dpxe_udp6 *u)
{
	struct wds_req *r;
	BOOL pxe = FALSE;

	if (unlikely((r = req_take(ww, m)) == NULL))
		return;
	r->f = *f;
	r->u6 = *u;
	__atomic_store_n(&r->v6, true, __ATOMIC_RELAXED);
	__atomic_store_n(&r->parse, NULL, __ATOMIC_RELAXED); /* no DHCPv4 parse */
	r->payload = f->data + u->payload_off;
	r->payload_len = u->payload_len;
	r->is_dhcp = PxeDhcpv6IsValid(r->payload, r->payload_len, TRUE, &pxe) == ERROR_SUCCESS;
	r->is_pxe = r->is_dhcp && pxe;
	req_run(ww, r);
}

bool
dpxe_wds_ipv6_active(void)
{
	for (unsigned int i = 0; i < wds_chain_len; i++)
		if (__atomic_load_n(&wds_chain[i].ipv6, __ATOMIC_RELAXED))
			return true;
	return false;
}

/* ---- timeouts: a FIFO, since every request waits the same time ---- */

static void
fifo_push(struct dpxe_wds_worker *ww, uint32_t handle)
{
	if (ww->fifo_tail - ww->fifo_head == FIFO_SIZE) {
		/* full of stale entries (turns that completed): squeeze them
		 * out; live ones are at most DPXE_WDS_SLOTS */
		uint32_t o = ww->fifo_head;

		for (uint32_t i = ww->fifo_head; i != ww->fifo_tail; i++) {
			struct fifo_ent e = ww->fifo[i % FIFO_SIZE];
			struct dpxe_wds_worker *x;

			if (req_from_handle((HANDLE)(uintptr_t)e.handle, &x, NULL) != NULL)
				ww->fifo[o++ % FIFO_SIZE] = e;
		}
		ww->fifo_tail = o;
	}
	ww->fifo[ww->fifo_tail % FIFO_SIZE] =
		(struct fifo_ent){ rte_rdtsc() + ww->timeout_tsc, handle };
	ww->fifo_tail++;
}

static void
complete(struct dpxe_wds_worker *ww, uint64_t msg)
{
	uint32_t h = (uint32_t)(msg >> 32);
	PXE_BOOT_ACTION action = (PXE_BOOT_ACTION)((msg >> 1) & 0xffff);
	struct dpxe_wds_worker *x;
	struct wds_req *r = req_from_handle((HANDLE)(uintptr_t)h, &x, NULL);

	if (r == NULL || x != ww || r->state != REQ_PENDING) {
		DPXE_WDS_COUNT(ww->c.counters, late_done);
		return;
	}
	__atomic_store_n(&r->state, REQ_ACTIVE, __ATOMIC_RELAXED);
	ww->pending--;
	if (apply(ww, r, action))
		run_chain(ww, r, r->prov + 1u);
}

unsigned int
dpxe_wds_poll(struct dpxe_wds_worker *ww, uint64_t now)
{
	void *msgs[POLL_BURST];
	unsigned int n;

	n = rte_ring_sc_dequeue_burst(ww->ring, msgs, POLL_BURST, NULL);
	if (n == 0 && ww->pending == 0)
		return 0;
	wds_t.self = ww;
	for (unsigned int i = 0; i < n; i++) {
		uintptr_t v = (uintptr_t)msgs[i];

		if (v & 1)
			complete(ww, v);
		else
			tx_reply(ww, msgs[i]);
	}
	while (ww->fifo_head != ww->fifo_tail) {
		struct fifo_ent *e = &ww->fifo[ww->fifo_head % FIFO_SIZE];
		struct dpxe_wds_worker *x;
		struct wds_req *r;

		if (e->due > now)
			break;
		ww->fifo_head++;
		r = req_from_handle((HANDLE)(uintptr_t)e->handle, &x, NULL);
		if (r != NULL && r->state == REQ_PENDING) {
			DPXE_WDS_COUNT_LOCAL(ww->c.counters, timeouts);
			req_end(ww, r);
		}
	}
	wds_t.self = NULL;
	return ww->pending;
}

void
dpxe_wds_worker_drain(struct dpxe_wds_worker *ww, uint32_t max_ms)
{
	uint64_t end = rte_rdtsc() + (uint64_t)max_ms * (rte_get_tsc_hz() / 1000);
	struct timespec ts = { 0, 200000 };

	if (ww == NULL)
		return;
	while (dpxe_wds_poll(ww, rte_rdtsc()) > 0 && rte_rdtsc() < end)
		nanosleep(&ts, NULL);
	for (unsigned int i = 0; i < DPXE_WDS_SLOTS; i++)
		if (ww->req[i].state == REQ_PENDING) {
			DPXE_WDS_COUNT_LOCAL(ww->c.counters, timeouts);
			req_end(ww, &ww->req[i]);
		}
}

/* ---- life cycle ---- */

struct dpxe_wds_worker *
dpxe_wds_worker_create(const struct dpxe_wds_worker_conf *conf)
{
	struct dpxe_wds_worker *ww;
	char name[RTE_RING_NAMESIZE];
	uint32_t room;

	if (conf->index >= DPXE_WDS_MAX_WORKERS || wds_workers[conf->index] != NULL)
		return NULL;
	ww = rte_zmalloc_socket("dpxe_wds_worker", sizeof(*ww), RTE_CACHE_LINE_SIZE,
				conf->socket);
	if (ww == NULL)
		return NULL;
	ww->c = *conf;
	snprintf(name, sizeof(name), "dpxe_wds_%u", conf->index);
	ww->ring = rte_ring_create(name, RING_SIZE, conf->socket, RING_F_SC_DEQ);
	ww->msgs = rte_malloc_socket("dpxe_wds_msgs", sizeof(*ww->msgs) * DPXE_WDS_SLOTS,
				     RTE_CACHE_LINE_SIZE, conf->socket);
	if (ww->ring == NULL || ww->msgs == NULL) {
		rte_ring_free(ww->ring);
		rte_free(ww->msgs);
		rte_free(ww);
		return NULL;
	}
	rte_mempool_mem_iter(conf->pool, pool_range, ww);
	room = rte_pktmbuf_data_room_size(conf->pool);
	room = room > RTE_PKTMBUF_HEADROOM ? room - RTE_PKTMBUF_HEADROOM : 0;
	ww->reply_max = RTE_MIN((uint32_t)DPXE_WDS_MAX_PAYLOAD, room);
	memcpy(ww->spec4.src_mac, conf->src_mac, DPXE_ETHER_ADDR_LEN);
	ww->spec4.ip_src = conf->src_ip;
	ww->spec4.ttl = 64;
	ww->spec4.ip_csum_offload = conf->tx_ip_csum;
	ww->spec4.udp_csum = true;
	ww->timeout_tsc = (uint64_t)(conf->timeout_ms ? conf->timeout_ms
						      : DPXE_WDS_DEFAULT_TIMEOUT_MS) *
			  (rte_get_tsc_hz() / 1000);
	for (unsigned int i = 0; i < DPXE_WDS_SLOTS; i++) {
		ww->req[i].gen = 1;
		ww->req[i].id = i << H_WORKER_BITS | conf->index;
		ww->req[i].msg = &ww->msgs[i];
		ww->freelist[i] = (uint16_t)(DPXE_WDS_SLOTS - 1 - i);
	}
	ww->nfree = DPXE_WDS_SLOTS;
	__atomic_store_n(&wds_workers[conf->index], ww, __ATOMIC_RELEASE);
	return ww;
}

void
dpxe_wds_worker_free(struct dpxe_wds_worker *ww)
{
	void *msg;

	if (ww == NULL)
		return;
	if (wds_workers[ww->c.index] == ww)
		__atomic_store_n(&wds_workers[ww->c.index], NULL, __ATOMIC_RELEASE);
	for (unsigned int i = 0; i < DPXE_WDS_SLOTS; i++) {
		if (ww->req[i].state != REQ_FREE)
			req_end(ww, &ww->req[i]);
		sweep(ww, &ww->req[i]); /* what a late tracking left behind */
	}
	while (rte_ring_dequeue(ww->ring, &msg) == 0)
		if (((uintptr_t)msg & 1) == 0)
			rte_pktmbuf_free(msg); /* a reply never sent */
	rte_ring_free(ww->ring);
	rte_free(ww->msgs);
	rte_free(ww);
}
