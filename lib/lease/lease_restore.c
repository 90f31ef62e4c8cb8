/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Restoring leases into shards from the journal or from old shards: a
 * staging view (two growable hash maps), then one global pass over the
 * shards. Rules in lease_restore.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp/client_hash.h"
#include "lease_internal.h"
#include "lease_restore.h"

/* ---- a growable map from a 64-bit key to two 64-bit values ---- */

struct map_ent {
	uint64_t key;
	uint64_t a, b;
	bool used;
};

struct map {
	struct map_ent *e;
	uint64_t mask, count;
};

static uint64_t
map_hash(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

static struct map_ent *
map_find(const struct map *m, uint64_t key)
{
	if (m->e == NULL)
		return NULL;
	for (uint64_t i = map_hash(key) & m->mask; m->e[i].used;
	     i = (i + 1) & m->mask)
		if (m->e[i].key == key)
			return &m->e[i];
	return NULL;
}

static int map_put(struct map *m, uint64_t key, uint64_t a, uint64_t b);

static int
map_grow(struct map *m)
{
	struct map old = *m;
	uint64_t size = old.e ? (old.mask + 1) * 2 : 1024;

	m->e = calloc(size, sizeof(*m->e));
	if (m->e == NULL) {
		*m = old;
		return -ENOMEM;
	}
	m->mask = size - 1;
	m->count = 0;
	for (uint64_t i = 0; old.e && i <= old.mask; i++)
		if (old.e[i].used)
			map_put(m, old.e[i].key, old.e[i].a, old.e[i].b);
	free(old.e);
	return 0;
}

static int
map_put(struct map *m, uint64_t key, uint64_t a, uint64_t b)
{
	struct map_ent *e = map_find(m, key);
	uint64_t i;

	if (e == NULL) {
		if (m->e == NULL || (m->count + 1) * 2 > m->mask + 1) {
			int rc = map_grow(m);

			if (rc != 0)
				return rc;
		}
		for (i = map_hash(key) & m->mask; m->e[i].used;
		     i = (i + 1) & m->mask)
			;
		e = &m->e[i];
		e->used = true;
		e->key = key;
		m->count++;
	}
	e->a = a;
	e->b = b;
	return 0;
}

static void
map_del(struct map *m, struct map_ent *e)
{
	uint64_t i = (uint64_t)(e - m->e), j = i;

	for (;;) {
		uint64_t k;

		j = (j + 1) & m->mask;
		if (!m->e[j].used)
			break;
		k = map_hash(m->e[j].key) & m->mask;
		if (((j - k) & m->mask) >= ((j - i) & m->mask)) {
			m->e[i] = m->e[j];
			i = j;
		}
	}
	memset(&m->e[i], 0, sizeof(m->e[i]));
	m->count--;
}

/* ---- the staging view ---- */

/* by_ip: ip -> a = mac48 | type << 48, b = expiry (wall)
 * by_mac: mac48 -> a = the ip the client holds by a bind */
struct dpxe_lease_restore {
	struct map by_ip, by_mac;
	uint64_t records, superseded;
};

static uint64_t
mac48(const uint8_t mac[6])
{
	uint64_t v = 0;

	for (int i = 0; i < 6; i++)
		v = v << 8 | mac[i];
	return v;
}

static void
mac_bytes(uint64_t v, uint8_t mac[6])
{
	for (int i = 5; i >= 0; i--, v >>= 8)
		mac[i] = (uint8_t)v;
}

#define CLAIM_MAC(a) ((a) & 0xffffffffffffULL)
#define CLAIM_TYPE(a) ((uint8_t)((a) >> 48))

int
dpxe_lease_restore_begin(struct dpxe_lease_restore **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

void
dpxe_lease_restore_free(struct dpxe_lease_restore *r)
{
	if (r == NULL)
		return;
	free(r->by_ip.e);
	free(r->by_mac.e);
	free(r);
}

/* The client stops holding ip (when it does). */
static void
unhold(struct dpxe_lease_restore *r, uint64_t mac, uint32_t ip)
{
	struct map_ent *e = map_find(&r->by_mac, mac);

	if (e != NULL && e->a == ip)
		map_del(&r->by_mac, e);
}

/* A new claim on ip by mac replaces whatever claimed it before. */
static int
claim(struct dpxe_lease_restore *r, uint64_t mac, uint32_t ip, uint8_t type,
      int64_t expiry)
{
	struct map_ent *e = map_find(&r->by_ip, ip);

	if (e != NULL && CLAIM_MAC(e->a) != mac) {
		r->superseded++;
		if (CLAIM_TYPE(e->a) == DPXE_LEASE_REC_BIND)
			unhold(r, CLAIM_MAC(e->a), ip);
	}
	return map_put(&r->by_ip, ip, mac | (uint64_t)type << 48,
		       (uint64_t)expiry);
}

int
dpxe_lease_restore_add(struct dpxe_lease_restore *r,
		       const struct dpxe_lease_record *rec)
{
	uint64_t mac = mac48(rec->mac);
	struct map_ent *e;
	int rc;

	r->records++;
	switch (rec->type) {
	case DPXE_LEASE_REC_BIND:
		e = map_find(&r->by_mac, mac);
		if (e != NULL && e->a != rec->ip) {
			struct map_ent *old = map_find(&r->by_ip, e->a);

			if (old != NULL && CLAIM_MAC(old->a) == mac &&
			    CLAIM_TYPE(old->a) == DPXE_LEASE_REC_BIND)
				map_del(&r->by_ip, old);
		}
		rc = claim(r, mac, rec->ip, DPXE_LEASE_REC_BIND, rec->expiry);
		if (rc == 0)
			rc = map_put(&r->by_mac, mac, rec->ip, 0);
		return rc;
	case DPXE_LEASE_REC_DECLINE:
		unhold(r, mac, rec->ip);
		return claim(r, mac, rec->ip, DPXE_LEASE_REC_DECLINE,
			     rec->expiry);
	case DPXE_LEASE_REC_RELEASE:
	case DPXE_LEASE_REC_EXPIRE:
		e = map_find(&r->by_ip, rec->ip);
		if (e != NULL && CLAIM_MAC(e->a) == mac &&
		    CLAIM_TYPE(e->a) == DPXE_LEASE_REC_BIND)
			map_del(&r->by_ip, e);
		unhold(r, mac, rec->ip);
		return 0;
	}
	return 0; /* replay never passes other types */
}

struct claim_item {
	uint32_t ip;
	uint8_t type;
	uint8_t mac[6];
	int64_t expiry;
};

/* binds first (any order), then declines by expiry: the quarantine is a
 * FIFO that must come out in expiry order */
static int
claim_cmp(const void *pa, const void *pb)
{
	const struct claim_item *a = pa, *b = pb;

	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	if (a->expiry != b->expiry)
		return a->expiry < b->expiry ? -1 : 1;
	return a->ip < b->ip ? -1 : a->ip > b->ip;
}

static void
restore_bind(struct dpxe_lease_shard *const *shards, unsigned int n,
	     const struct claim_item *c, int64_t mono,
	     struct dpxe_lease_restore_stats *st)
{
	unsigned int owner = dpxe_client_owner(c->mac, n);
	struct dpxe_lease_shard *o = shards[owner];
	struct dpxe_lease l = { .state = DPXE_LEASE_BOUND, .ip = c->ip,
				.expiry = mono };
	uint32_t rip;
	int sn, slice = -1;

	memcpy(l.mac, c->mac, 6);
	if (dpxe_lease_shard_reservation(o, c->mac, &rip)) {
		if (rip != c->ip) {
			st->reservation++;
			return;
		}
		sn = dpxe_lease_shard_subnet_of(o, c->ip);
		if (sn < 0) {
			st->not_in_pool++;
			return;
		}
		l.flags = DPXE_LEASE_F_RESERVED;
	} else {
		sn = dpxe_lease_shard_pool_subnet(o, c->ip);
		if (sn < 0) {
			st->not_in_pool++;
			return;
		}
		slice = dpxe_lease_shard_slice_of(o, c->ip);
		if (dpxe_lease_shard_mark(shards[slice], c->ip) != 0) {
			/* claims are one per ip, so only a reservation of
			 * another client has marked it */
			st->reservation++;
			return;
		}
		if ((unsigned int)slice != owner)
			l.flags = DPXE_LEASE_F_FOREIGN;
	}
	l.subnet = (uint16_t)sn;
	if (dpxe_lease_shard_put(o, &l) != 0) {
		st->table_full++;
		if (slice >= 0)
			dpxe_lease_shard_free_foreign(shards[slice], c->ip);
		return;
	}
	st->restored++;
	st->foreign += (l.flags & DPXE_LEASE_F_FOREIGN) != 0;
}

static void
restore_decline(struct dpxe_lease_shard *const *shards,
		const struct claim_item *c, int64_t mono,
		struct dpxe_lease_restore_stats *st)
{
	int slice = dpxe_lease_shard_slice_of(shards[0], c->ip);

	if (slice < 0) {
		st->not_in_pool++;
		return;
	}
	if (dpxe_lease_shard_mark(shards[slice], c->ip) != 0) {
		st->reservation++; /* reserved: never handed out anyway */
		return;
	}
	dpxe_lease_shard_quarantine(shards[slice], c->ip, mono);
	st->quarantined++;
}

int
dpxe_lease_restore_finish(struct dpxe_lease_restore *r,
			  struct dpxe_lease_shard *const *shards,
			  unsigned int n, int64_t wall_now, int64_t mono_now,
			  struct dpxe_lease_restore_stats *st)
{
	struct dpxe_lease_restore_stats local;
	struct claim_item *items;
	uint64_t k = 0;

	if (st == NULL)
		st = &local;
	memset(st, 0, sizeof(*st));
	for (unsigned int i = 0; i < n; i++)
		if (shards[i] == NULL || dpxe_lease_shard_n(shards[i]) != n ||
		    dpxe_lease_shard_index(shards[i]) != i) {
			dpxe_lease_restore_free(r);
			return -EINVAL;
		}
	st->records = r->records;
	st->superseded = r->superseded;
	items = calloc(r->by_ip.count ? r->by_ip.count : 1, sizeof(*items));
	if (items == NULL) {
		dpxe_lease_restore_free(r);
		return -ENOMEM;
	}
	for (uint64_t i = 0; r->by_ip.e && i <= r->by_ip.mask; i++) {
		const struct map_ent *e = &r->by_ip.e[i];

		if (!e->used)
			continue;
		if ((int64_t)e->b <= wall_now) {
			st->expired++;
			continue;
		}
		items[k].ip = (uint32_t)e->key;
		items[k].type = CLAIM_TYPE(e->a);
		mac_bytes(CLAIM_MAC(e->a), items[k].mac);
		items[k].expiry = (int64_t)e->b;
		k++;
	}
	dpxe_lease_restore_free(r);
	qsort(items, k, sizeof(*items), claim_cmp);
	for (uint64_t i = 0; i < k && n > 0; i++) {
		int64_t mono = items[i].expiry - wall_now + mono_now;

		if (items[i].type == DPXE_LEASE_REC_BIND)
			restore_bind(shards, n, &items[i], mono, st);
		else
			restore_decline(shards, &items[i], mono, st);
	}
	free(items);
	return 0;
}

static int
add_cb(void *arg, const struct dpxe_lease_record *rec)
{
	return dpxe_lease_restore_add(arg, rec);
}

int
dpxe_lease_restore_journal(const char *path,
			   struct dpxe_lease_shard *const *shards,
			   unsigned int n, int64_t wall_now, int64_t mono_now,
			   struct dpxe_lease_restore_stats *st,
			   struct dpxe_lease_journal_stats *jst)
{
	struct dpxe_lease_restore *r;
	int rc = dpxe_lease_restore_begin(&r);

	if (rc != 0)
		return rc;
	rc = dpxe_lease_journal_replay(path, add_cb, r, jst);
	if (rc == -ENOENT) {
		rc = 0;
		if (jst != NULL)
			memset(jst, 0, sizeof(*jst));
	}
	if (rc != 0) {
		dpxe_lease_restore_free(r);
		return rc;
	}
	return dpxe_lease_restore_finish(r, shards, n, wall_now, mono_now, st);
}

/* ---- snapshots ---- */

void
dpxe_lease_snapshot_init(struct dpxe_lease_snapshot *it,
			 struct dpxe_lease_shard *const *shards,
			 unsigned int n, int64_t wall_offset)
{
	memset(it, 0, sizeof(*it));
	it->shards = shards;
	it->n = n;
	it->wall_offset = wall_offset;
}

int
dpxe_lease_snapshot_next(void *arg, struct dpxe_lease_record *r)
{
	struct dpxe_lease_snapshot *it = arg;

	while (it->shard < it->n) {
		const struct dpxe_lease_shard *s = it->shards[it->shard];
		struct dpxe_lease l;
		int64_t until;
		int sn;

		if (it->phase == 0) {
			while (dpxe_lease_shard_next(s, &it->cursor, &l))
				if (l.state == DPXE_LEASE_BOUND) {
					dpxe_lease_record_make(r,
						DPXE_LEASE_REC_BIND, s, &l,
						l.expiry, it->wall_offset);
					return 1;
				}
			it->phase = 1;
			it->cursor = 0;
		}
		memset(&l, 0, sizeof(l));
		if (dpxe_lease_shard_quarantine_next(s, &it->cursor, &l.ip,
						     &until)) {
			/* the decliner is not kept: a zero MAC */
			sn = dpxe_lease_shard_subnet_of(s, l.ip);
			l.subnet = (uint16_t)(sn < 0 ? 0xffff : sn);
			dpxe_lease_record_make(r, DPXE_LEASE_REC_DECLINE, s,
					       &l, until, it->wall_offset);
			return 1;
		}
		it->shard++;
		it->phase = 0;
		it->cursor = 0;
	}
	return 0;
}

int
dpxe_lease_reload(struct dpxe_lease_shard *const *old_shards,
		  unsigned int n_old,
		  struct dpxe_lease_shard *const *new_shards,
		  unsigned int n_new, int64_t mono_now,
		  struct dpxe_lease_restore_stats *st)
{
	struct dpxe_lease_snapshot it;
	struct dpxe_lease_record rec;
	struct dpxe_lease_restore *r;
	int rc = dpxe_lease_restore_begin(&r);

	if (rc != 0)
		return rc;
	/* everything stays in monotonic time: offset 0, wall_now = mono_now */
	dpxe_lease_snapshot_init(&it, old_shards, n_old, 0);
	while (dpxe_lease_snapshot_next(&it, &rec) == 1) {
		rc = dpxe_lease_restore_add(r, &rec);
		if (rc != 0) {
			dpxe_lease_restore_free(r);
			return rc;
		}
	}
	return dpxe_lease_restore_finish(r, new_shards, n_new, mono_now,
					 mono_now, st);
}

/* ---- reload one shard at a time ---- */

/* Is ip (network order) some other client's reservation in cfg? */
static bool
reserved_for_other(const struct dpxe_config *cfg, uint32_t ip,
		   const uint8_t mac[6])
{
	uint32_t h = ntohl(ip);

	for (uint32_t i = 0; i < cfg->hosts_count; i++)
		if (cfg->hosts[i].ip == h &&
		    memcmp(cfg->hosts[i].mac, mac, 6) != 0)
			return true;
	return false;
}

static void
reload_bind(struct dpxe_lease_shard *const *ns, unsigned int i,
	    const struct dpxe_config *cfg, const struct dpxe_lease *old,
	    dpxe_lease_handoff_fn handoff, void *arg,
	    struct dpxe_lease_restore_stats *st)
{
	struct dpxe_lease_shard *o = ns[i];
	struct dpxe_lease l = *old;
	uint32_t rip;
	int sn, slice;

	l.flags = 0;
	if (dpxe_lease_shard_count(o) >= dpxe_lease_shard_capacity(o)) {
		st->table_full++;
		return;
	}
	if (dpxe_lease_shard_reservation(o, l.mac, &rip)) {
		if (rip != l.ip) {
			st->reservation++;
			return;
		}
		sn = dpxe_lease_shard_subnet_of(o, l.ip);
		if (sn < 0) {
			st->not_in_pool++;
			return;
		}
		l.flags = DPXE_LEASE_F_RESERVED;
	} else {
		sn = dpxe_lease_shard_pool_subnet(o, l.ip);
		if (sn < 0) {
			st->not_in_pool++;
			return;
		}
		slice = dpxe_lease_shard_slice_of(o, l.ip);
		if ((unsigned int)slice == i) {
			if (dpxe_lease_shard_mark(o, l.ip) != 0) {
				st->reservation++; /* another's reservation */
				return;
			}
		} else {
			if (reserved_for_other(cfg, l.ip, l.mac)) {
				st->reservation++;
				return;
			}
			if (handoff(arg, (unsigned int)slice, l.ip, 0) != 0) {
				st->table_full++;
				return;
			}
			l.flags = DPXE_LEASE_F_FOREIGN;
			st->foreign++;
		}
	}
	l.subnet = (uint16_t)sn;
	/* the count was checked above: this cannot fail */
	if (dpxe_lease_shard_put(o, &l) != 0) {
		st->table_full++;
		return;
	}
	st->restored++;
}

int
dpxe_lease_reload_shard(const struct dpxe_lease_shard *old,
			struct dpxe_lease_shard *const *new_shards,
			unsigned int n, const struct dpxe_config *cfg,
			int64_t mono_now, dpxe_lease_handoff_fn handoff,
			void *arg, struct dpxe_lease_restore_stats *st)
{
	struct dpxe_lease_restore_stats local;
	unsigned int i = dpxe_lease_shard_index(old);
	struct dpxe_lease l;
	uint32_t cursor = 0, ip;
	int64_t until;

	if (st == NULL)
		st = &local;
	memset(st, 0, sizeof(*st));
	if (dpxe_lease_shard_n(old) != n || new_shards[i] == NULL ||
	    dpxe_lease_shard_n(new_shards[i]) != n ||
	    dpxe_lease_shard_index(new_shards[i]) != i)
		return -EINVAL;
	while (dpxe_lease_shard_next(old, &cursor, &l)) {
		if (l.state != DPXE_LEASE_BOUND)
			continue;
		st->records++;
		if (l.expiry <= mono_now) {
			st->expired++;
			continue;
		}
		reload_bind(new_shards, i, cfg, &l, handoff, arg, st);
	}
	/* the quarantine comes out in expiry order, as it must go in */
	cursor = 0;
	while (dpxe_lease_shard_quarantine_next(old, &cursor, &ip, &until)) {
		int slice = dpxe_lease_shard_slice_of(new_shards[i], ip);

		st->records++;
		if (until <= mono_now) {
			st->expired++;
		} else if (slice < 0) {
			st->not_in_pool++;
		} else if ((unsigned int)slice != i) {
			if (handoff(arg, (unsigned int)slice, ip, until) == 0)
				st->quarantined++;
		} else if (dpxe_lease_shard_mark(new_shards[i], ip) != 0) {
			st->reservation++;
		} else {
			dpxe_lease_shard_quarantine(new_shards[i], ip, until);
			st->quarantined++;
		}
	}
	return 0;
}

int
dpxe_lease_shard_adopt(struct dpxe_lease_shard *s, uint32_t ip, int64_t until)
{
	int rc = dpxe_lease_shard_mark(s, ip);

	if (rc < 0)
		return -EINVAL;
	if (rc > 0)
		return -EEXIST;
	if (until > 0)
		dpxe_lease_shard_quarantine(s, ip, until);
	return 0;
}
