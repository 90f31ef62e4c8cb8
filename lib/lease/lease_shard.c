/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One worker's leases: a MAC-keyed open-addressing table, the bitmaps of the
 * shard's slice of every pool, the decline quarantine and the outbox of
 * foreign addresses. See lease_shard.h for the rules.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp/client_hash.h"
#include "lease_internal.h"
#include "lease_shard.h"

/* The shard's slice of one pool: slot k is pool index shard + k * n. */
struct lease_pool {
	uint32_t start, end; /* host order, inclusive */
	uint64_t slots;      /* addresses in this slice */
	uint64_t words;
	uint64_t *used;      /* bit set: taken, reserved, quarantined or past
	                        the end of the slice */
	uint64_t free;
	uint64_t cursor;     /* next-fit: the slot the next search starts at */
};

struct lease_subnet {
	uint32_t addr, mask; /* host order */
	uint8_t prefix;
	uint32_t pool0, npools;
};

struct lease_host {
	uint8_t mac[6];
	bool in_use;
	uint32_t ip; /* network order */
};

struct lease_quar {
	uint32_t ip;
	int64_t until;
};

struct dpxe_lease_shard {
	unsigned int shard, n;
	struct dpxe_lease_shard_params p;

	struct lease_subnet *subnets;
	uint32_t n_subnets;
	struct lease_pool *pools;
	uint32_t n_pools;

	struct lease_host *hosts;
	uint32_t hosts_mask; /* table size - 1; hosts NULL when none */

	struct dpxe_lease *slot;
	uint32_t mask;
	uint32_t count;
	uint32_t sweep; /* expire() resumes here */
	uint32_t evict; /* eviction search resumes here */

	struct lease_quar *q; /* ring, in expiry order */
	uint32_t q_head, q_len;

	uint32_t *outbox; /* ring of foreign addresses to hand back */
	uint32_t ob_head, ob_len;
};

#define EVICT_SCAN 64 /* slots looked at for a forgettable entry */

const char *
dpxe_lease_status_name(int status)
{
	switch (status) {
	case DPXE_LEASE_OK: return "ok";
	case DPXE_LEASE_POOL_EXHAUSTED: return "pool-exhausted";
	case DPXE_LEASE_TABLE_FULL: return "table-full";
	case DPXE_LEASE_NO_LEASE: return "no-lease";
	case DPXE_LEASE_WRONG_IP: return "wrong-ip";
	case DPXE_LEASE_ADDR_TAKEN: return "address-taken";
	case DPXE_LEASE_NOT_IN_POOL: return "not-in-pool";
	case DPXE_LEASE_OTHER_SLICE: return "other-slice";
	case DPXE_LEASE_BAD_SUBNET: return "bad-subnet";
	case DPXE_LEASE_NOT_OWNER: return "not-owner";
	}
	return "unknown";
}

static uint32_t
pow2_at_least(uint64_t x)
{
	uint32_t v = 1;

	while (v < x && v < (1u << 31))
		v <<= 1;
	return v;
}

static bool
mac_eq(const uint8_t *a, const uint8_t *b)
{
	return memcmp(a, b, 6) == 0;
}

/* ---- address bitmaps ---- */

/* The pool holding h (host order), and its subnet; NULL when none. */
static struct lease_pool *
pool_find(const struct dpxe_lease_shard *s, uint32_t h, int *subnet)
{
	for (uint32_t i = 0; i < s->n_subnets; i++) {
		const struct lease_subnet *sn = &s->subnets[i];

		if ((h & sn->mask) != sn->addr)
			continue;
		for (uint32_t j = 0; j < sn->npools; j++) {
			struct lease_pool *p = &s->pools[sn->pool0 + j];

			if (h >= p->start && h <= p->end) {
				if (subnet)
					*subnet = (int)i;
				return p;
			}
		}
		return NULL; /* subnets do not overlap */
	}
	return NULL;
}

/* Slot of h in the pool, or -1 when h is in another shard's slice. */
static int64_t
pool_slot(const struct dpxe_lease_shard *s, const struct lease_pool *p,
	  uint32_t h)
{
	uint64_t i = h - p->start;

	if (i % s->n != s->shard)
		return -1;
	return (int64_t)(i / s->n);
}

static bool
bit_get(const struct lease_pool *p, uint64_t k)
{
	return (p->used[k >> 6] >> (k & 63)) & 1;
}

static void
bit_set(struct lease_pool *p, uint64_t k)
{
	p->used[k >> 6] |= 1ULL << (k & 63);
	p->free--;
}

static void
bit_clear(struct lease_pool *p, uint64_t k)
{
	p->used[k >> 6] &= ~(1ULL << (k & 63));
	p->free++;
}

static uint32_t
slot_ip(const struct dpxe_lease_shard *s, const struct lease_pool *p,
	uint64_t k)
{
	return htonl(p->start + (uint32_t)(k * s->n + s->shard));
}

/* Mark ip used when it is free in this slice of a pool of `subnet`. */
static bool
try_take(struct dpxe_lease_shard *s, uint32_t ip, int subnet)
{
	int sn = -1;
	struct lease_pool *p = pool_find(s, ntohl(ip), &sn);
	int64_t k;

	if (p == NULL || sn != subnet)
		return false;
	k = pool_slot(s, p, ntohl(ip));
	if (k < 0 || bit_get(p, (uint64_t)k))
		return false;
	bit_set(p, (uint64_t)k);
	return true;
}

/* Take the next free slot at or after the cursor, wrapping: next-fit, so
 * the addresses freed most recently are handed out last. */
static bool
pool_alloc(struct lease_pool *p, uint64_t *slot)
{
	uint64_t w = p->cursor >> 6;
	uint64_t m = ~p->used[w] & (~0ULL << (p->cursor & 63));

	/* words + 1 steps: the last one rereads the first word's low bits */
	for (uint64_t step = 0; step <= p->words; step++) {
		if (m != 0) {
			uint64_t k = w * 64 + (uint64_t)__builtin_ctzll(m);

			bit_set(p, k);
			p->cursor = k + 1 >= p->slots ? 0 : k + 1;
			*slot = k;
			return true;
		}
		w = w + 1 == p->words ? 0 : w + 1;
		m = ~p->used[w];
	}
	return false; /* only if free disagrees with the bits */
}

static bool
alloc_any(struct dpxe_lease_shard *s, unsigned int subnet, uint32_t *ip)
{
	const struct lease_subnet *sn = &s->subnets[subnet];
	uint64_t k;

	for (uint32_t j = 0; j < sn->npools; j++) {
		struct lease_pool *p = &s->pools[sn->pool0 + j];

		if (p->free != 0 && pool_alloc(p, &k)) {
			*ip = slot_ip(s, p, k);
			return true;
		}
	}
	return false;
}

static void
unmark(struct dpxe_lease_shard *s, uint32_t ip)
{
	struct lease_pool *p = pool_find(s, ntohl(ip), NULL);
	int64_t k;

	if (p == NULL)
		return;
	k = pool_slot(s, p, ntohl(ip));
	if (k >= 0 && bit_get(p, (uint64_t)k))
		bit_clear(p, (uint64_t)k);
}

int
dpxe_lease_shard_mark(struct dpxe_lease_shard *s, uint32_t ip)
{
	struct lease_pool *p = pool_find(s, ntohl(ip), NULL);
	int64_t k;

	if (p == NULL)
		return -1;
	k = pool_slot(s, p, ntohl(ip));
	if (k < 0)
		return -1;
	if (bit_get(p, (uint64_t)k))
		return 1;
	bit_set(p, (uint64_t)k);
	return 0;
}

/* ---- reservations ---- */

static const struct lease_host *
host_find(const struct dpxe_lease_shard *s, const uint8_t mac[6])
{
	uint32_t i;

	if (s->hosts == NULL)
		return NULL;
	for (i = dpxe_client_hash(mac) & s->hosts_mask; s->hosts[i].in_use;
	     i = (i + 1) & s->hosts_mask)
		if (mac_eq(s->hosts[i].mac, mac))
			return &s->hosts[i];
	return NULL;
}

bool
dpxe_lease_shard_reservation(const struct dpxe_lease_shard *s,
			     const uint8_t mac[6], uint32_t *ip)
{
	const struct lease_host *h = host_find(s, mac);

	if (h == NULL)
		return false;
	*ip = h->ip;
	return true;
}

/* ---- the lease table ---- */

static uint32_t
home(const struct dpxe_lease_shard *s, const uint8_t mac[6])
{
	return dpxe_client_hash(mac) & s->mask;
}

static struct dpxe_lease *
find(const struct dpxe_lease_shard *s, const uint8_t mac[6])
{
	for (uint32_t i = home(s, mac); s->slot[i].state != DPXE_LEASE_EMPTY;
	     i = (i + 1) & s->mask)
		if (mac_eq(s->slot[i].mac, mac))
			return &s->slot[i];
	return NULL;
}

/* Backward-shift deletion: later entries of the probe run move up, so a
 * lookup never needs tombstones. */
static void
slot_delete(struct dpxe_lease_shard *s, uint32_t i)
{
	uint32_t j = i;

	for (;;) {
		uint32_t k;

		j = (j + 1) & s->mask;
		if (s->slot[j].state == DPXE_LEASE_EMPTY)
			break;
		k = home(s, s->slot[j].mac);
		/* the entry at j may fill i when i lies in [k, j) */
		if (((j - k) & s->mask) >= ((j - i) & s->mask)) {
			s->slot[i] = s->slot[j];
			i = j;
		}
	}
	memset(&s->slot[i], 0, sizeof(s->slot[i]));
	s->count--;
}

/* Forget one RELEASED or DECLINED entry near the evict cursor. */
static bool
evict_one(struct dpxe_lease_shard *s)
{
	for (uint32_t n = 0; n < EVICT_SCAN; n++) {
		uint32_t i = s->evict;

		s->evict = (s->evict + 1) & s->mask;
		if (s->slot[i].state == DPXE_LEASE_RELEASED ||
		    s->slot[i].state == DPXE_LEASE_DECLINED) {
			slot_delete(s, i);
			return true;
		}
	}
	return false;
}

static bool
room_for_one(struct dpxe_lease_shard *s)
{
	return s->count < s->p.capacity || evict_one(s);
}

/* A new entry for mac; room_for_one() must have said yes. */
static struct dpxe_lease *
insert(struct dpxe_lease_shard *s, const uint8_t mac[6])
{
	uint32_t i = home(s, mac);

	while (s->slot[i].state != DPXE_LEASE_EMPTY)
		i = (i + 1) & s->mask;
	memset(&s->slot[i], 0, sizeof(s->slot[i]));
	memcpy(s->slot[i].mac, mac, 6);
	s->count++;
	return &s->slot[i];
}

int
dpxe_lease_shard_put(struct dpxe_lease_shard *s, const struct dpxe_lease *l)
{
	struct dpxe_lease *e;

	if (s->count >= s->p.capacity)
		return -ENOSPC;
	e = insert(s, l->mac);
	*e = *l;
	return 0;
}

static bool
holds(const struct dpxe_lease *l)
{
	return l != NULL && (l->state == DPXE_LEASE_OFFERED ||
			     l->state == DPXE_LEASE_BOUND);
}

static void
outbox_push(struct dpxe_lease_shard *s, uint32_t ip)
{
	if (s->ob_len == s->p.outbox_cap)
		return; /* stays used until the next restart: a leak, safe */
	s->outbox[(s->ob_head + s->ob_len) % s->p.outbox_cap] = ip;
	s->ob_len++;
}

/* The address of a lease that ends goes back to whoever owns its bit. */
static void
give_back(struct dpxe_lease_shard *s, struct dpxe_lease *l)
{
	if (l->flags & DPXE_LEASE_F_RESERVED)
		; /* reserved for good */
	else if (l->flags & DPXE_LEASE_F_FOREIGN)
		outbox_push(s, l->ip);
	else
		unmark(s, l->ip);
	l->flags = 0;
}

void
dpxe_lease_shard_quarantine(struct dpxe_lease_shard *s, uint32_t ip,
			    int64_t until)
{
	if (s->q_len == s->p.quarantine_cap) {
		unmark(s, s->q[s->q_head].ip);
		s->q_head = (s->q_head + 1) % s->p.quarantine_cap;
		s->q_len--;
	}
	s->q[(s->q_head + s->q_len) % s->p.quarantine_cap] =
		(struct lease_quar){ .ip = ip, .until = until };
	s->q_len++;
}

/* ---- create / destroy ---- */

void
dpxe_lease_shard_destroy(struct dpxe_lease_shard *s)
{
	if (s == NULL)
		return;
	for (uint32_t i = 0; i < s->n_pools; i++)
		free(s->pools[i].used);
	free(s->pools);
	free(s->subnets);
	free(s->hosts);
	free(s->slot);
	free(s->q);
	free(s->outbox);
	free(s);
}

static void
default_params(struct dpxe_lease_shard_params *p)
{
	if (p->capacity == 0)
		p->capacity = 65536;
	if (p->offer_time == 0)
		p->offer_time = 60;
	if (p->decline_time == 0)
		p->decline_time = 600;
	if (p->remember_time == 0)
		p->remember_time = 86400;
	if (p->quarantine_cap == 0)
		p->quarantine_cap = 256;
	if (p->outbox_cap == 0)
		p->outbox_cap = 64;
}

static int
create_pools(struct dpxe_lease_shard *s, const struct dpxe_config *cfg)
{
	uint32_t np = 0;

	for (uint32_t i = 0; i < cfg->subnets_count; i++)
		np += cfg->subnets[i].pools_count;
	s->subnets = calloc(cfg->subnets_count ? cfg->subnets_count : 1,
			    sizeof(*s->subnets));
	s->pools = calloc(np ? np : 1, sizeof(*s->pools));
	if (s->subnets == NULL || s->pools == NULL)
		return -ENOMEM;
	s->n_subnets = cfg->subnets_count;
	for (uint32_t i = 0; i < cfg->subnets_count; i++) {
		const struct dpxe_config_subnet *c = &cfg->subnets[i];
		struct lease_subnet *sn = &s->subnets[i];

		sn->addr = c->net.addr;
		sn->mask = c->net.mask;
		sn->prefix = c->net.prefix;
		sn->pool0 = s->n_pools;
		sn->npools = c->pools_count;
		for (uint32_t j = 0; j < c->pools_count; j++) {
			struct lease_pool *p = &s->pools[s->n_pools++];
			uint64_t size = (uint64_t)c->pools[j].end -
					c->pools[j].start + 1;

			p->start = c->pools[j].start;
			p->end = c->pools[j].end;
			p->slots = size > s->shard ?
				(size - 1 - s->shard) / s->n + 1 : 0;
			p->words = p->slots ? (p->slots + 63) / 64 : 1;
			p->used = calloc(p->words, sizeof(uint64_t));
			if (p->used == NULL)
				return -ENOMEM;
			p->free = p->slots;
			/* bits past the slice's end read as used */
			for (uint64_t k = p->slots; k < p->words * 64; k++)
				p->used[k >> 6] |= 1ULL << (k & 63);
		}
	}
	return 0;
}

static int
create_hosts(struct dpxe_lease_shard *s, const struct dpxe_config *cfg)
{
	uint32_t n = 0, size;

	for (uint32_t i = 0; i < cfg->hosts_count; i++)
		n += cfg->hosts[i].ip != 0;
	if (n == 0)
		return 0;
	size = pow2_at_least((uint64_t)n * 2);
	s->hosts = calloc(size, sizeof(*s->hosts));
	if (s->hosts == NULL)
		return -ENOMEM;
	s->hosts_mask = size - 1;
	for (uint32_t i = 0; i < cfg->hosts_count; i++) {
		const struct dpxe_config_host *h = &cfg->hosts[i];
		uint32_t k;

		if (h->ip == 0)
			continue;
		for (k = dpxe_client_hash(h->mac) & s->hosts_mask;
		     s->hosts[k].in_use; k = (k + 1) & s->hosts_mask)
			;
		memcpy(s->hosts[k].mac, h->mac, 6);
		s->hosts[k].in_use = true;
		s->hosts[k].ip = htonl(h->ip);
		/* never dynamic: marked in the slice owner, i.e. maybe here */
		dpxe_lease_shard_mark(s, htonl(h->ip));
	}
	return 0;
}

int
dpxe_lease_shard_create(const struct dpxe_config *cfg, unsigned int shard,
			unsigned int n_shards,
			const struct dpxe_lease_shard_params *p,
			struct dpxe_lease_shard **out)
{
	struct dpxe_lease_shard *s;
	uint32_t size;
	int rc;

	*out = NULL;
	if (n_shards == 0 || shard >= n_shards || cfg->subnets_count > 65535)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return -ENOMEM;
	s->shard = shard;
	s->n = n_shards;
	if (p != NULL)
		s->p = *p;
	default_params(&s->p);
	if (s->p.capacity > (1u << 30)) {
		free(s);
		return -EINVAL;
	}
	/* at most 3/4 full keeps linear probing short */
	size = pow2_at_least((uint64_t)s->p.capacity * 4 / 3 + 1);
	s->mask = size - 1;
	s->slot = calloc(size, sizeof(*s->slot));
	s->q = calloc(s->p.quarantine_cap, sizeof(*s->q));
	s->outbox = calloc(s->p.outbox_cap, sizeof(*s->outbox));
	rc = (s->slot && s->q && s->outbox) ? 0 : -ENOMEM;
	if (rc == 0)
		rc = create_pools(s, cfg);
	if (rc == 0)
		rc = create_hosts(s, cfg);
	if (rc != 0) {
		dpxe_lease_shard_destroy(s);
		return rc;
	}
	*out = s;
	return 0;
}

/* ---- per-packet calls ---- */

const struct dpxe_lease *
dpxe_lease_shard_lookup(const struct dpxe_lease_shard *s, const uint8_t mac[6])
{
	return find(s, mac);
}

int
dpxe_lease_shard_subnet_of(const struct dpxe_lease_shard *s, uint32_t ip)
{
	uint32_t h = ntohl(ip);

	for (uint32_t i = 0; i < s->n_subnets; i++)
		if ((h & s->subnets[i].mask) == s->subnets[i].addr)
			return (int)i;
	return -1;
}

int
dpxe_lease_shard_pool_subnet(const struct dpxe_lease_shard *s, uint32_t ip)
{
	int sn = -1;

	return pool_find(s, ntohl(ip), &sn) ? sn : -1;
}

static void
set_offer(struct dpxe_lease_shard *s, struct dpxe_lease *l, uint32_t ip,
	  unsigned int subnet, uint8_t flags, int64_t now)
{
	l->ip = ip;
	l->subnet = (uint16_t)subnet;
	l->flags = flags;
	l->state = DPXE_LEASE_OFFERED;
	l->expiry = now + s->p.offer_time;
}

int
dpxe_lease_shard_offer(struct dpxe_lease_shard *s, const uint8_t mac[6],
		       uint32_t requested_ip, unsigned int subnet,
		       int64_t now, uint32_t *ip)
{
	struct dpxe_lease *l;
	uint32_t rip, hint, got = 0;

	if (subnet >= s->n_subnets)
		return DPXE_LEASE_BAD_SUBNET;
	if (dpxe_client_owner(mac, s->n) != s->shard)
		return DPXE_LEASE_NOT_OWNER;
	l = find(s, mac);

	/* a reservation on this subnet wins over everything */
	if (dpxe_lease_shard_reservation(s, mac, &rip) &&
	    dpxe_lease_shard_subnet_of(s, rip) == (int)subnet) {
		if (holds(l) && l->ip == rip) {
			if (l->state == DPXE_LEASE_OFFERED)
				l->expiry = now + s->p.offer_time;
			*ip = rip;
			return DPXE_LEASE_OK;
		}
		if (l == NULL) {
			if (!room_for_one(s))
				return DPXE_LEASE_TABLE_FULL;
			l = insert(s, mac);
		} else if (holds(l)) {
			give_back(s, l);
		}
		set_offer(s, l, rip, subnet, DPXE_LEASE_F_RESERVED, now);
		*ip = rip;
		return DPXE_LEASE_OK;
	}

	/* the current binding on this subnet stays */
	if (holds(l) && l->subnet == subnet &&
	    !(l->flags & DPXE_LEASE_F_RESERVED)) {
		if (l->state == DPXE_LEASE_OFFERED)
			l->expiry = now + s->p.offer_time;
		*ip = l->ip;
		return DPXE_LEASE_OK;
	}

	if (l == NULL && !room_for_one(s))
		return DPXE_LEASE_TABLE_FULL;
	l = find(s, mac); /* eviction may have moved entries */

	hint = l != NULL && l->state == DPXE_LEASE_RELEASED &&
	       l->subnet == subnet ? l->ip : 0;
	if (requested_ip != 0 && try_take(s, requested_ip, (int)subnet))
		got = requested_ip;
	else if (hint != 0 && try_take(s, hint, (int)subnet))
		got = hint;
	else if (!alloc_any(s, subnet, &got))
		return DPXE_LEASE_POOL_EXHAUSTED;

	if (l == NULL)
		l = insert(s, mac);
	else if (holds(l))
		give_back(s, l); /* moved here from another subnet */
	set_offer(s, l, got, subnet, 0, now);
	*ip = got;
	return DPXE_LEASE_OK;
}

int
dpxe_lease_shard_bind(struct dpxe_lease_shard *s, const uint8_t mac[6],
		      uint32_t ip, uint32_t lease_time, int64_t now)
{
	struct dpxe_lease *l = find(s, mac);
	struct lease_pool *p;
	uint32_t rip;
	int sn = -1;
	int64_t k;

	if (holds(l)) {
		if (l->ip != ip)
			return DPXE_LEASE_WRONG_IP;
		l->state = DPXE_LEASE_BOUND;
		l->expiry = now + lease_time;
		return DPXE_LEASE_OK;
	}
	if (dpxe_client_owner(mac, s->n) != s->shard)
		return DPXE_LEASE_NOT_OWNER;
	if (dpxe_lease_shard_reservation(s, mac, &rip)) {
		if (ip != rip)
			return DPXE_LEASE_WRONG_IP;
		sn = dpxe_lease_shard_subnet_of(s, rip);
		if (sn < 0)
			return DPXE_LEASE_NOT_IN_POOL;
		if (l == NULL) {
			if (!room_for_one(s))
				return DPXE_LEASE_TABLE_FULL;
			l = insert(s, mac);
		}
		l->flags = DPXE_LEASE_F_RESERVED;
		goto bound;
	}

	/* no lease here: take ip if it is free and ours to give */
	if (l != NULL && l->ip != ip)
		return DPXE_LEASE_WRONG_IP;
	p = pool_find(s, ntohl(ip), &sn);
	if (p == NULL)
		return DPXE_LEASE_NOT_IN_POOL;
	k = pool_slot(s, p, ntohl(ip));
	if (k < 0)
		return DPXE_LEASE_OTHER_SLICE;
	if (bit_get(p, (uint64_t)k))
		return DPXE_LEASE_ADDR_TAKEN;
	if (l == NULL) {
		if (!room_for_one(s))
			return DPXE_LEASE_TABLE_FULL;
		l = insert(s, mac);
	}
	bit_set(p, (uint64_t)k);
	l->flags = 0;
bound:
	l->ip = ip;
	l->subnet = (uint16_t)sn;
	l->state = DPXE_LEASE_BOUND;
	l->expiry = now + lease_time;
	return DPXE_LEASE_OK;
}

static int
held_as(struct dpxe_lease_shard *s, const uint8_t mac[6], uint32_t ip,
	struct dpxe_lease **out)
{
	struct dpxe_lease *l = find(s, mac);

	if (!holds(l))
		return DPXE_LEASE_NO_LEASE;
	if (l->ip != ip)
		return DPXE_LEASE_WRONG_IP;
	*out = l;
	return DPXE_LEASE_OK;
}

int
dpxe_lease_shard_release(struct dpxe_lease_shard *s, const uint8_t mac[6],
			 uint32_t ip, int64_t now)
{
	struct dpxe_lease *l;
	int rc = held_as(s, mac, ip, &l);

	if (rc != DPXE_LEASE_OK)
		return rc;
	give_back(s, l);
	l->state = DPXE_LEASE_RELEASED;
	l->expiry = now + s->p.remember_time;
	return DPXE_LEASE_OK;
}

int
dpxe_lease_shard_decline(struct dpxe_lease_shard *s, const uint8_t mac[6],
			 uint32_t ip, int64_t now)
{
	struct dpxe_lease *l;
	int rc = held_as(s, mac, ip, &l);

	if (rc != DPXE_LEASE_OK)
		return rc;
	if (!(l->flags & (DPXE_LEASE_F_RESERVED | DPXE_LEASE_F_FOREIGN)))
		dpxe_lease_shard_quarantine(s, ip, now + s->p.decline_time);
	l->flags = 0;
	l->state = DPXE_LEASE_DECLINED;
	l->expiry = now + s->p.remember_time;
	return DPXE_LEASE_OK;
}

unsigned int
dpxe_lease_shard_expire(struct dpxe_lease_shard *s, int64_t now,
			unsigned int budget, dpxe_lease_expired_fn cb,
			void *arg)
{
	unsigned int looked = 0, done = 0;

	/* never more than one sweep: a large budget means "all that is due" */
	if (budget > s->mask + 1 + s->q_len)
		budget = s->mask + 1 + s->q_len;

	while (looked < budget && s->q_len != 0 &&
	       s->q[s->q_head].until <= now) {
		unmark(s, s->q[s->q_head].ip);
		s->q_head = (s->q_head + 1) % s->p.quarantine_cap;
		s->q_len--;
		looked++;
		done++;
	}
	while (looked < budget) {
		struct dpxe_lease *l = &s->slot[s->sweep];

		looked++;
		if (l->state != DPXE_LEASE_EMPTY && l->expiry <= now) {
			done++;
			if (!holds(l)) {
				/* forget it; look at whatever moved in */
				slot_delete(s, s->sweep);
				continue;
			}
			if (l->state == DPXE_LEASE_BOUND && cb != NULL)
				cb(arg, l);
			give_back(s, l);
			l->state = DPXE_LEASE_RELEASED;
			l->expiry = now + s->p.remember_time;
		}
		s->sweep = (s->sweep + 1) & s->mask;
	}
	return done;
}

bool
dpxe_lease_shard_next(const struct dpxe_lease_shard *s, uint32_t *cursor,
		      struct dpxe_lease *out)
{
	for (uint32_t i = *cursor; i <= s->mask; i++)
		if (s->slot[i].state != DPXE_LEASE_EMPTY) {
			*out = s->slot[i];
			*cursor = i + 1;
			return true;
		}
	*cursor = s->mask + 1;
	return false;
}

bool
dpxe_lease_shard_quarantine_next(const struct dpxe_lease_shard *s,
				 uint32_t *cursor, uint32_t *ip,
				 int64_t *until)
{
	const struct lease_quar *q;

	if (*cursor >= s->q_len)
		return false;
	q = &s->q[(s->q_head + *cursor) % s->p.quarantine_cap];
	*ip = q->ip;
	*until = q->until;
	(*cursor)++;
	return true;
}

bool
dpxe_lease_shard_foreign_pop(struct dpxe_lease_shard *s, uint32_t *ip)
{
	if (s->ob_len == 0)
		return false;
	*ip = s->outbox[s->ob_head];
	s->ob_head = (s->ob_head + 1) % s->p.outbox_cap;
	s->ob_len--;
	return true;
}

int
dpxe_lease_shard_free_foreign(struct dpxe_lease_shard *s, uint32_t ip)
{
	struct lease_pool *p = pool_find(s, ntohl(ip), NULL);
	int64_t k;

	if (p == NULL)
		return DPXE_LEASE_NOT_IN_POOL;
	k = pool_slot(s, p, ntohl(ip));
	if (k < 0)
		return DPXE_LEASE_OTHER_SLICE;
	if (bit_get(p, (uint64_t)k))
		bit_clear(p, (uint64_t)k);
	return DPXE_LEASE_OK;
}

int
dpxe_lease_shard_slice_of(const struct dpxe_lease_shard *s, uint32_t ip)
{
	struct lease_pool *p = pool_find(s, ntohl(ip), NULL);

	if (p == NULL)
		return -1;
	return (int)((uint64_t)(ntohl(ip) - p->start) % s->n);
}

bool
dpxe_lease_shard_ip_used(const struct dpxe_lease_shard *s, uint32_t ip)
{
	struct lease_pool *p = pool_find(s, ntohl(ip), NULL);
	int64_t k;

	if (p == NULL)
		return false;
	k = pool_slot(s, p, ntohl(ip));
	return k >= 0 && bit_get(p, (uint64_t)k);
}

uint64_t
dpxe_lease_shard_free_count(const struct dpxe_lease_shard *s,
			    unsigned int subnet)
{
	uint64_t n = 0;

	if (subnet >= s->n_subnets)
		return 0;
	for (uint32_t j = 0; j < s->subnets[subnet].npools; j++)
		n += s->pools[s->subnets[subnet].pool0 + j].free;
	return n;
}

const struct dpxe_lease_shard_params *
dpxe_lease_shard_params(const struct dpxe_lease_shard *s)
{
	return &s->p;
}

uint32_t
dpxe_lease_shard_count(const struct dpxe_lease_shard *s)
{
	return s->count;
}

uint32_t
dpxe_lease_shard_capacity(const struct dpxe_lease_shard *s)
{
	return s->p.capacity;
}

unsigned int
dpxe_lease_shard_index(const struct dpxe_lease_shard *s)
{
	return s->shard;
}

unsigned int
dpxe_lease_shard_n(const struct dpxe_lease_shard *s)
{
	return s->n;
}

int
dpxe_lease_shard_subnet_net(const struct dpxe_lease_shard *s,
			    unsigned int subnet, uint32_t *net,
			    uint8_t *prefix)
{
	if (subnet >= s->n_subnets)
		return -EINVAL;
	*net = htonl(s->subnets[subnet].addr);
	*prefix = s->subnets[subnet].prefix;
	return 0;
}
