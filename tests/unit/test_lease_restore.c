/* SPDX-License-Identifier: BSD-3-Clause */
/* cmocka suite for restoring leases: from the journal into a different
 * number of shards, after a subnet was removed, record-order rules
 * (supersede, release, expiry, reservations), compaction equivalence, and
 * a config reload. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "dhcp/client_hash.h"
#include "lease_journal.h"
#include "lease_restore.h"
#include "lease_shard.h"

#define MAX_SHARDS 8
#define IP(a, b, c, d) htonl((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))
#define HIP(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))
#define WALL 1700000000 /* wall - monotonic in the first run */

/* ---- configurations built by hand (host order, as config.h has it) ---- */

struct tcfg {
	struct dpxe_config cfg;
	struct dpxe_config_subnet subnets[4];
	struct dpxe_config_pool pools[4][4];
	struct dpxe_config_host hosts[4];
};

static void
cfg_reset(struct tcfg *t)
{
	memset(t, 0, sizeof(*t));
	t->cfg.subnets = t->subnets;
	t->cfg.hosts = t->hosts;
}

static void
add_subnet(struct tcfg *t, uint32_t addr, uint8_t prefix)
{
	struct dpxe_config_subnet *s = &t->subnets[t->cfg.subnets_count];

	s->net.addr = addr;
	s->net.prefix = prefix;
	s->net.mask = ~0u << (32 - prefix);
	s->pools = t->pools[t->cfg.subnets_count];
	t->cfg.subnets_count++;
}

static void
add_pool(struct tcfg *t, uint32_t start, uint32_t end)
{
	struct dpxe_config_subnet *s = &t->subnets[t->cfg.subnets_count - 1];

	s->pools[s->pools_count].start = start;
	s->pools[s->pools_count].end = end;
	s->pools_count++;
}

static void
add_host(struct tcfg *t, const uint8_t mac[6], uint32_t ip)
{
	memcpy(t->hosts[t->cfg.hosts_count].mac, mac, 6);
	t->hosts[t->cfg.hosts_count].ip = ip;
	t->cfg.hosts_count++;
}

struct set {
	struct dpxe_lease_shard *s[MAX_SHARDS];
	unsigned int n;
};

static struct set A, B, C;
static struct tcfg ca, cb;
static char dir[64], path[128];

static void
set_make(struct set *x, const struct tcfg *t, unsigned int n)
{
	x->n = n;
	for (unsigned int i = 0; i < n; i++)
		assert_int_equal(dpxe_lease_shard_create(&t->cfg, i, n, NULL,
							 &x->s[i]), 0);
}

static void
set_free(struct set *x)
{
	for (unsigned int i = 0; i < MAX_SHARDS; i++) {
		dpxe_lease_shard_destroy(x->s[i]);
		x->s[i] = NULL;
	}
	x->n = 0;
}

static struct dpxe_lease_shard *
own(const struct set *x, const uint8_t mac[6])
{
	return x->s[dpxe_client_owner(mac, x->n)];
}

static void
mac_of(uint32_t i, uint8_t mac[6])
{
	mac[0] = 0x52;
	mac[1] = 0x54;
	mac[2] = (uint8_t)(i >> 24);
	mac[3] = (uint8_t)(i >> 16);
	mac[4] = (uint8_t)(i >> 8);
	mac[5] = (uint8_t)i;
}

static int
setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/dpxe_restore_XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/leases", dir);
	return 0;
}

static int
teardown(void **state)
{
	char p[160];

	(void)state;
	unlink(path);
	snprintf(p, sizeof(p), "%s.tmp", path);
	unlink(p);
	rmdir(dir);
	return 0;
}

static int
each_teardown(void **state)
{
	(void)state;
	set_free(&A);
	set_free(&B);
	set_free(&C);
	unlink(path);
	return 0;
}

/* ---- a journal fed the way the service thread will be ---- */

static struct dpxe_lease_journal *jr;

static void
journal_event(uint8_t type, const struct dpxe_lease_shard *s,
	      const uint8_t mac[6], int64_t mono_time)
{
	const struct dpxe_lease *l = dpxe_lease_shard_lookup(s, mac);
	struct dpxe_lease_record r;

	assert_non_null(l);
	dpxe_lease_record_make(&r, type, s, l, mono_time, WALL);
	assert_int_equal(dpxe_lease_journal_append_batch(jr, &r, 1), 0);
}

static void
on_expired(void *arg, const struct dpxe_lease *l)
{
	struct dpxe_lease_record r;
	int64_t now = *(int64_t *)arg;

	/* the shard passed is only used for the subnet: any of the set */
	dpxe_lease_record_make(&r, DPXE_LEASE_REC_EXPIRE, A.s[0], l, now,
			       WALL);
	assert_int_equal(dpxe_lease_journal_append_batch(jr, &r, 1), 0);
}

/* Offer and bind client i on subnet sn; journal the bind. */
static bool
bind_client(struct set *x, uint32_t i, unsigned int sn, uint32_t lease,
	    int64_t now, uint32_t *ipo)
{
	uint8_t m[6];
	uint32_t ip;

	mac_of(i, m);
	if (dpxe_lease_shard_offer(own(x, m), m, 0, sn, now, &ip) != 0)
		return false;
	assert_int_equal(dpxe_lease_shard_bind(own(x, m), m, ip, lease, now),
			 0);
	if (jr != NULL)
		journal_event(DPXE_LEASE_REC_BIND, own(x, m), m,
			      dpxe_lease_shard_lookup(own(x, m), m)->expiry);
	if (ipo)
		*ipo = ip;
	return true;
}

/* ---- n_shards changed between runs ---- */

static void
test_restore_new_shard_count(void **state)
{
	enum { CLIENTS = 1500 };
	static uint32_t ip_of[CLIENTS];
	struct dpxe_lease_restore_stats st;
	struct dpxe_lease_journal_stats jst;
	uint8_t *used = calloc(1 << 16, 1);
	uint64_t pool = 0, fresh = 0, foreign = 0;
	const int64_t mono1 = 100, mono2 = 50, wall2 = WALL + 200;
	uint32_t declined[3];

	(void)state;
	cfg_reset(&ca);
	add_subnet(&ca, HIP(10, 1, 0, 0), 16);
	add_pool(&ca, HIP(10, 1, 0, 10), HIP(10, 1, 7, 255));
	set_make(&A, &ca, 4);
	assert_int_equal(dpxe_lease_journal_open(path, 64, &jr, NULL), 0);
	for (uint32_t i = 0; i < CLIENTS; i++)
		assert_true(bind_client(&A, i, 0, 3600, mono1, &ip_of[i]));
	for (uint32_t i = 0; i < 100; i++) { /* the first 100 leave */
		uint8_t m[6];

		mac_of(i, m);
		assert_int_equal(dpxe_lease_shard_release(own(&A, m), m,
							  ip_of[i], mono1), 0);
		journal_event(DPXE_LEASE_REC_RELEASE, own(&A, m), m, mono1);
	}
	for (uint32_t i = 0; i < 3; i++) { /* three decline */
		uint8_t m[6];

		mac_of(900000 + i, m);
		assert_int_equal(dpxe_lease_shard_offer(own(&A, m), m, 0, 0,
							mono1, &declined[i]), 0);
		assert_int_equal(dpxe_lease_shard_decline(own(&A, m), m,
							  declined[i], mono1),
				 0);
		journal_event(DPXE_LEASE_REC_DECLINE, own(&A, m), m,
			      mono1 + 600);
	}
	assert_int_equal(dpxe_lease_journal_close(jr), 0);
	jr = NULL;

	/* restart with 3 workers, 200 s later by the wall clock */
	set_make(&B, &ca, 3);
	assert_int_equal(dpxe_lease_restore_journal(path, B.s, B.n, wall2,
						    mono2, &st, &jst), 0);
	assert_int_equal(jst.records, CLIENTS + 100 + 3);
	assert_int_equal(st.restored, CLIENTS - 100);
	assert_int_equal(st.quarantined, 3);
	assert_int_equal(st.expired + st.not_in_pool + st.reservation +
			 st.table_full, 0);
	for (uint32_t i = 0; i < CLIENTS; i++) {
		uint8_t m[6];
		const struct dpxe_lease *l;
		int slice;

		mac_of(i, m);
		l = dpxe_lease_shard_lookup(own(&B, m), m);
		if (i < 100) {
			assert_null(l);
			continue;
		}
		assert_non_null(l);
		assert_int_equal(l->state, DPXE_LEASE_BOUND);
		assert_int_equal(l->ip, ip_of[i]);
		/* same wall-clock end, in the new boot's monotonic time */
		assert_int_equal(l->expiry, mono1 + 3600 + WALL - wall2 + mono2);
		slice = dpxe_lease_shard_slice_of(B.s[0], l->ip);
		assert_true(dpxe_lease_shard_ip_used(B.s[slice], l->ip));
		if (B.s[slice] != own(&B, m)) {
			assert_int_equal(l->flags, DPXE_LEASE_F_FOREIGN);
			foreign++;
		}
		used[ntohl(l->ip) & 0xffff] = 1;
	}
	assert_true(foreign > 0);
	assert_int_equal(st.foreign, foreign);
	for (int i = 0; i < 3; i++) {
		int slice = dpxe_lease_shard_slice_of(B.s[0], declined[i]);

		assert_true(dpxe_lease_shard_ip_used(B.s[slice], declined[i]));
		used[ntohl(declined[i]) & 0xffff] = 1;
	}
	/* new clients fill every slice and never get a restored address */
	for (unsigned int s = 0; s < B.n; s++)
		pool += dpxe_lease_shard_free_count(B.s[s], 0);
	assert_int_equal(pool, 2038 - (CLIENTS - 100) - 3);
	for (uint32_t i = 100000; i < 100000 + 3000; i++) {
		uint32_t ip;

		if (!bind_client(&B, i, 0, 3600, mono2, &ip))
			continue;
		assert_int_equal(used[ntohl(ip) & 0xffff], 0);
		used[ntohl(ip) & 0xffff] = 1;
		fresh++;
	}
	assert_int_equal(fresh, pool);

	/* a foreign lease ends: the owner hands the address to the slice
	 * owner, which can give it out again */
	for (uint32_t i = 100; i < CLIENTS; i++) {
		uint8_t m[6], n[6];
		const struct dpxe_lease *l;
		uint32_t ip, got;
		int slice;

		mac_of(i, m);
		l = dpxe_lease_shard_lookup(own(&B, m), m);
		if (!(l->flags & DPXE_LEASE_F_FOREIGN))
			continue;
		ip = l->ip;
		slice = dpxe_lease_shard_slice_of(B.s[0], ip);
		assert_int_equal(dpxe_lease_shard_release(own(&B, m), m, ip,
							  mono2), 0);
		assert_true(dpxe_lease_shard_ip_used(B.s[slice], ip));
		assert_true(dpxe_lease_shard_foreign_pop(own(&B, m), &got));
		assert_int_equal(got, ip);
		assert_false(dpxe_lease_shard_foreign_pop(own(&B, m), &got));
		assert_int_equal(dpxe_lease_shard_free_foreign(own(&B, m), ip),
				 DPXE_LEASE_OTHER_SLICE);
		assert_int_equal(dpxe_lease_shard_free_foreign(B.s[slice], ip),
				 DPXE_LEASE_OK);
		assert_false(dpxe_lease_shard_ip_used(B.s[slice], ip));
		/* a client of that shard asking for it gets it */
		for (uint32_t k = 200000;; k++) {
			mac_of(k, n);
			if (dpxe_client_owner(n, B.n) == (unsigned int)slice)
				break;
		}
		assert_int_equal(dpxe_lease_shard_offer(B.s[slice], n, ip, 0,
							mono2, &got), 0);
		assert_int_equal(got, ip);
		break;
	}
	free(used);
}

/* ---- a subnet removed from the configuration ---- */

static void
test_restore_subnet_removed(void **state)
{
	struct dpxe_lease_restore_stats st;
	unsigned int in1 = 0, in2 = 0;

	(void)state;
	cfg_reset(&ca);
	add_subnet(&ca, HIP(10, 1, 0, 0), 24);
	add_pool(&ca, HIP(10, 1, 0, 10), HIP(10, 1, 0, 250));
	add_subnet(&ca, HIP(10, 2, 0, 0), 24);
	add_pool(&ca, HIP(10, 2, 0, 10), HIP(10, 2, 0, 250));
	set_make(&A, &ca, 2);
	assert_int_equal(dpxe_lease_journal_open(path, 0, &jr, NULL), 0);
	for (uint32_t i = 0; i < 200; i++) {
		assert_true(bind_client(&A, i, i % 2, 3600, 10, NULL));
		in1 += i % 2 == 0;
		in2 += i % 2 == 1;
	}
	assert_int_equal(dpxe_lease_journal_close(jr), 0);
	jr = NULL;

	/* the new file keeps only 10.2.0.0/24, now subnets[0] */
	cfg_reset(&cb);
	add_subnet(&cb, HIP(10, 2, 0, 0), 24);
	add_pool(&cb, HIP(10, 2, 0, 10), HIP(10, 2, 0, 250));
	set_make(&B, &cb, 2);
	assert_int_equal(dpxe_lease_restore_journal(path, B.s, B.n, WALL + 10,
						    10, &st, NULL), 0);
	assert_int_equal(st.restored, in2);
	assert_int_equal(st.not_in_pool, in1);
	for (uint32_t i = 0; i < 200; i++) {
		uint8_t m[6];
		const struct dpxe_lease *l;

		mac_of(i, m);
		l = dpxe_lease_shard_lookup(own(&B, m), m);
		if (i % 2 == 0) {
			assert_null(l);
		} else {
			assert_non_null(l);
			assert_int_equal(l->subnet, 0);
			assert_int_equal(dpxe_lease_shard_subnet_of(own(&B, m),
								    l->ip), 0);
		}
	}
	/* a missing journal is an empty one */
	unlink(path);
	set_free(&B);
	set_make(&B, &cb, 2);
	assert_int_equal(dpxe_lease_restore_journal(path, B.s, B.n, WALL, 0,
						    &st, NULL), 0);
	assert_int_equal(st.records, 0);
}

/* ---- record order, expiry, reservations ---- */

static void
rec(struct dpxe_lease_restore *r, uint8_t type, uint32_t mac_i, uint32_t ip,
    int64_t expiry)
{
	struct dpxe_lease_record x = { .type = type, .prefix = 24,
				       .ip = ip, .subnet = IP(10, 1, 0, 0),
				       .expiry = expiry };

	mac_of(mac_i, x.mac);
	assert_int_equal(dpxe_lease_restore_add(r, &x), 0);
}

static const struct dpxe_lease *
find(const struct set *x, uint32_t mac_i)
{
	uint8_t m[6];

	mac_of(mac_i, m);
	return dpxe_lease_shard_lookup(own(x, m), m);
}

static void
test_restore_rules(void **state)
{
	struct dpxe_lease_restore_stats st;
	struct dpxe_lease_restore *r;
	uint8_t rmac[6];
	const int64_t now = WALL + 1000, later = now + 500;

	(void)state;
	cfg_reset(&ca);
	add_subnet(&ca, HIP(10, 1, 0, 0), 24);
	add_pool(&ca, HIP(10, 1, 0, 10), HIP(10, 1, 0, 100));
	mac_of(77, rmac);
	add_host(&ca, rmac, HIP(10, 1, 0, 50));
	mac_of(78, rmac);
	add_host(&ca, rmac, HIP(10, 1, 0, 60));
	set_make(&A, &ca, 2);
	assert_int_equal(dpxe_lease_restore_begin(&r), 0);
	/* a later bind of the same address wins */
	rec(r, DPXE_LEASE_REC_BIND, 1, IP(10, 1, 0, 10), later);
	rec(r, DPXE_LEASE_REC_BIND, 2, IP(10, 1, 0, 10), later);
	/* released: gone */
	rec(r, DPXE_LEASE_REC_BIND, 3, IP(10, 1, 0, 11), later);
	rec(r, DPXE_LEASE_REC_RELEASE, 3, IP(10, 1, 0, 11), now - 5);
	/* over already */
	rec(r, DPXE_LEASE_REC_BIND, 4, IP(10, 1, 0, 12), now);
	/* a client moves: only its last address */
	rec(r, DPXE_LEASE_REC_BIND, 5, IP(10, 1, 0, 13), later);
	rec(r, DPXE_LEASE_REC_BIND, 5, IP(10, 1, 0, 14), later);
	/* a release by someone who does not hold it changes nothing */
	rec(r, DPXE_LEASE_REC_RELEASE, 6, IP(10, 1, 0, 14), now - 5);
	/* two workers' rings drained out of order: the old holder's
	 * release lands after the new holder's bind */
	rec(r, DPXE_LEASE_REC_BIND, 7, IP(10, 1, 0, 15), later);
	rec(r, DPXE_LEASE_REC_BIND, 8, IP(10, 1, 0, 15), later);
	rec(r, DPXE_LEASE_REC_EXPIRE, 7, IP(10, 1, 0, 15), now - 5);
	/* reservations added since: a lease on an address now reserved for
	 * another client goes, a client whose reservation is another address
	 * loses its old lease, a lease on the reservation stays */
	rec(r, DPXE_LEASE_REC_BIND, 9, IP(10, 1, 0, 50), later);
	rec(r, DPXE_LEASE_REC_BIND, 77, IP(10, 1, 0, 52), later);
	rec(r, DPXE_LEASE_REC_BIND, 78, IP(10, 1, 0, 60), later);
	/* outside every pool now */
	rec(r, DPXE_LEASE_REC_BIND, 10, IP(10, 1, 0, 200), later);
	/* declines: one still in quarantine, one over */
	rec(r, DPXE_LEASE_REC_DECLINE, 11, IP(10, 1, 0, 20), later);
	rec(r, DPXE_LEASE_REC_DECLINE, 12, IP(10, 1, 0, 21), now - 1);
	assert_int_equal(dpxe_lease_restore_finish(r, A.s, A.n, now, 40, &st),
			 0);

	assert_null(find(&A, 1));
	assert_non_null(find(&A, 2));
	assert_non_null(find(&A, 5));
	assert_non_null(find(&A, 8));
	assert_int_equal(find(&A, 2)->ip, IP(10, 1, 0, 10));
	assert_int_equal(find(&A, 2)->expiry, 40 + 500);
	assert_null(find(&A, 3));
	assert_null(find(&A, 4));
	assert_int_equal(find(&A, 5)->ip, IP(10, 1, 0, 14));
	assert_null(find(&A, 7));
	assert_int_equal(find(&A, 8)->ip, IP(10, 1, 0, 15));
	assert_null(find(&A, 9));
	assert_null(find(&A, 77));
	assert_non_null(find(&A, 78));
	assert_int_equal(find(&A, 78)->ip, IP(10, 1, 0, 60));
	assert_int_equal(find(&A, 78)->flags, DPXE_LEASE_F_RESERVED);
	assert_null(find(&A, 10));
	assert_int_equal(st.records, 17);
	assert_int_equal(st.restored, 4); /* 2, 5, 8, 78 */
	assert_int_equal(st.quarantined, 1);
	assert_int_equal(st.superseded, 2); /* .10 by 2, .15 by 8 */
	assert_int_equal(st.expired, 2);
	assert_int_equal(st.not_in_pool, 1);
	assert_int_equal(st.reservation, 2);
	assert_false(dpxe_lease_shard_ip_used(
		A.s[dpxe_lease_shard_slice_of(A.s[0], IP(10, 1, 0, 52))],
		IP(10, 1, 0, 52)));

	for (uint32_t h = 10; h <= 21; h++) {
		uint32_t ip = IP(10, 1, 0, h);
		int slice = dpxe_lease_shard_slice_of(A.s[0], ip);
		bool want = h == 10 || h == 14 || h == 15 || h == 20;

		assert_int_equal(dpxe_lease_shard_ip_used(A.s[slice], ip),
				 want);
	}
	assert_false(dpxe_lease_shard_ip_used(A.s[0], IP(10, 1, 0, 13)) ||
		     dpxe_lease_shard_ip_used(A.s[1], IP(10, 1, 0, 13)));

	/* shards that do not match n are refused */
	assert_int_equal(dpxe_lease_restore_begin(&r), 0);
	assert_int_equal(dpxe_lease_restore_finish(r, A.s, 1, now, 40, &st),
			 -EINVAL);
	dpxe_lease_restore_free(NULL);
}

/* ---- compaction ---- */

struct snap {
	uint8_t mac[6];
	uint32_t ip;
	int64_t expiry;
};

static int
snap_cmp(const void *pa, const void *pb)
{
	const struct snap *a = pa, *b = pb;
	int c = memcmp(a->mac, b->mac, 6);

	if (c != 0)
		return c;
	if (a->ip != b->ip)
		return ntohl(a->ip) < ntohl(b->ip) ? -1 : 1;
	return a->expiry < b->expiry ? -1 : a->expiry > b->expiry;
}

/* BOUND leases and quarantined addresses of a set, sorted. */
static size_t
snapshot(const struct set *x, struct snap *out, size_t max)
{
	size_t n = 0;

	for (unsigned int s = 0; s < x->n; s++) {
		struct dpxe_lease l;
		uint32_t cur = 0, ip;
		int64_t until;

		while (dpxe_lease_shard_next(x->s[s], &cur, &l))
			if (l.state == DPXE_LEASE_BOUND) {
				assert_true(n < max);
				memcpy(out[n].mac, l.mac, 6);
				out[n].ip = l.ip;
				out[n++].expiry = l.expiry;
			}
		cur = 0;
		while (dpxe_lease_shard_quarantine_next(x->s[s], &cur, &ip,
							&until)) {
			assert_true(n < max);
			memset(out[n].mac, 0, 6);
			out[n].ip = ip;
			out[n++].expiry = until;
		}
	}
	qsort(out, n, sizeof(*out), snap_cmp);
	return n;
}

static uint64_t
free_total(const struct set *x)
{
	uint64_t n = 0;

	for (unsigned int s = 0; s < x->n; s++)
		n += dpxe_lease_shard_free_count(x->s[s], 0);
	return n;
}

static void
test_compaction_equivalence(void **state)
{
	enum { MAXS = 4096 };
	static struct snap live[MAXS], fromj[MAXS], fromc[MAXS];
	struct dpxe_lease_restore_stats st;
	struct dpxe_lease_snapshot it;
	struct stat before, after;
	size_t nl, nj, nc;
	uint32_t seed = 99, offered = 0;
	int64_t now = 1000;

	(void)state;
	cfg_reset(&ca);
	add_subnet(&ca, HIP(10, 3, 0, 0), 20);
	add_pool(&ca, HIP(10, 3, 0, 10), HIP(10, 3, 7, 250));
	set_make(&A, &ca, 4);
	assert_int_equal(dpxe_lease_journal_open(path, 32, &jr, NULL), 0);
	/* a random workload, every event journaled */
	for (int step = 0; step < 6000; step++) {
		uint8_t m[6];
		uint32_t i, ip;
		struct dpxe_lease_shard *s;
		const struct dpxe_lease *l;

		seed = seed * 1103515245u + 12345u;
		i = (seed >> 8) % 1500;
		mac_of(i, m);
		s = own(&A, m);
		l = dpxe_lease_shard_lookup(s, m);
		switch ((seed >> 4) % 4) {
		case 0:
		case 1:
			if (dpxe_lease_shard_offer(s, m, 0, 0, now, &ip) != 0)
				break;
			if (dpxe_lease_shard_bind(s, m, ip,
						  60 + (seed >> 20) % 3000,
						  now) == 0)
				journal_event(DPXE_LEASE_REC_BIND, s, m,
					dpxe_lease_shard_lookup(s, m)->expiry);
			break;
		case 2:
			if (l && l->state == DPXE_LEASE_BOUND) {
				ip = l->ip;
				assert_int_equal(dpxe_lease_shard_release(s, m,
							ip, now), 0);
				journal_event(DPXE_LEASE_REC_RELEASE, s, m, now);
			}
			break;
		default:
			if (l && l->state == DPXE_LEASE_BOUND &&
			    (seed >> 12) % 8 == 0) {
				ip = l->ip;
				assert_int_equal(dpxe_lease_shard_decline(s, m,
							ip, now), 0);
				journal_event(DPXE_LEASE_REC_DECLINE, s, m,
					      now + 600);
			}
		}
		if (step % 10 == 0) {
			now++;
			for (unsigned int k = 0; k < A.n; k++)
				dpxe_lease_shard_expire(A.s[k], now, 16,
							on_expired, &now);
		}
	}
	/* bring the live state up to date with the clock */
	for (unsigned int k = 0; k < A.n; k++)
		dpxe_lease_shard_expire(A.s[k], now, UINT_MAX, on_expired,
					&now);
	/* a few unanswered offers: live only, never journaled */
	for (uint32_t i = 5000; i < 5010; i++) {
		uint8_t m[6];
		uint32_t ip;

		mac_of(i, m);
		offered += dpxe_lease_shard_offer(own(&A, m), m, 0, 0, now,
						  &ip) == 0;
	}
	assert_int_equal(dpxe_lease_journal_flush(jr), 0);
	nl = snapshot(&A, live, MAXS);
	assert_true(nl > 100);

	/* restore from the full journal */
	set_make(&B, &ca, 4);
	assert_int_equal(dpxe_lease_restore_journal(path, B.s, B.n, WALL + now,
						    now, &st, NULL), 0);
	nj = snapshot(&B, fromj, MAXS);
	assert_int_equal(nj, nl);
	assert_memory_equal(fromj, live, nl * sizeof(*live));
	assert_int_equal(free_total(&B), free_total(&A) + offered);

	/* compact from the live shards, restore again: the same state */
	assert_int_equal(stat(path, &before), 0);
	dpxe_lease_snapshot_init(&it, A.s, A.n, WALL);
	assert_int_equal(dpxe_lease_journal_compact(jr, dpxe_lease_snapshot_next,
						    &it), 0);
	assert_int_equal(dpxe_lease_journal_records(jr), nl);
	assert_int_equal(dpxe_lease_journal_close(jr), 0);
	jr = NULL;
	assert_int_equal(stat(path, &after), 0);
	assert_true(after.st_size < before.st_size);
	set_make(&C, &ca, 4);
	assert_int_equal(dpxe_lease_restore_journal(path, C.s, C.n, WALL + now,
						    now, &st, NULL), 0);
	nc = snapshot(&C, fromc, MAXS);
	assert_int_equal(nc, nl);
	assert_memory_equal(fromc, live, nl * sizeof(*live));
	assert_int_equal(free_total(&C), free_total(&B));
}

/* ---- config reload ---- */

static void
test_reload(void **state)
{
	enum { CLIENTS = 300 };
	static uint32_t ip_of[CLIENTS];
	struct dpxe_lease_restore_stats st;
	uint8_t m0[6];
	unsigned int kept = 0, gone = 0;

	(void)state;
	cfg_reset(&ca);
	add_subnet(&ca, HIP(10, 4, 0, 0), 22);
	add_pool(&ca, HIP(10, 4, 0, 10), HIP(10, 4, 1, 250));
	set_make(&A, &ca, 2);
	for (uint32_t i = 0; i < CLIENTS; i++)
		assert_true(bind_client(&A, i, 0, 1000, 500, &ip_of[i]));
	/* the new file: the pool shrinks, the subnet widens and moves down
	 * the list, client 0 gets a reservation elsewhere */
	cfg_reset(&cb);
	add_subnet(&cb, HIP(10, 9, 0, 0), 24);
	add_pool(&cb, HIP(10, 9, 0, 10), HIP(10, 9, 0, 20));
	add_subnet(&cb, HIP(10, 4, 0, 0), 21);
	add_pool(&cb, HIP(10, 4, 0, 10), HIP(10, 4, 0, 250));
	mac_of(0, m0);
	add_host(&cb, m0, HIP(10, 4, 2, 1));
	set_make(&B, &cb, 3);
	assert_int_equal(dpxe_lease_reload(A.s, A.n, B.s, B.n, 600, &st), 0);
	for (uint32_t i = 0; i < CLIENTS; i++) {
		const struct dpxe_lease *l = find(&B, i);
		bool in = ntohl(ip_of[i]) <= HIP(10, 4, 0, 250) && i != 0;

		if (!in) {
			assert_null(l);
			gone++;
			continue;
		}
		assert_non_null(l);
		assert_int_equal(l->ip, ip_of[i]);
		assert_int_equal(l->subnet, 1);
		assert_int_equal(l->expiry, 1500); /* monotonic, unchanged */
		kept++;
	}
	assert_int_equal(st.restored, kept);
	assert_int_equal(st.not_in_pool + st.reservation, gone);
	assert_int_equal(st.reservation, 1);
	assert_true(kept > 0 && gone > 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_restore_new_shard_count,
					  each_teardown),
		cmocka_unit_test_teardown(test_restore_subnet_removed,
					  each_teardown),
		cmocka_unit_test_teardown(test_restore_rules, each_teardown),
		cmocka_unit_test_teardown(test_compaction_equivalence,
					  each_teardown),
		cmocka_unit_test_teardown(test_reload, each_teardown),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
