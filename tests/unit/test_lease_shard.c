/* SPDX-License-Identifier: BSD-3-Clause */
/* cmocka suite for the per-worker lease shard: slices, allocation across
 * shards, reservations, offer/bind/release/decline rules, expiry, a full
 * table, and the hash table under churn. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dhcp/client_hash.h"
#include "lease_shard.h"

#define MAX_SHARDS 8
#define IP(a, b, c, d) htonl((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))
#define HIP(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

/* ---- a configuration built by hand (host order, as config.h has it) ---- */

static struct dpxe_config cfg;
static struct dpxe_config_subnet subnets[4];
static struct dpxe_config_pool pools[4][4];
static struct dpxe_config_host hosts[4];

static void
cfg_reset(void)
{
	memset(&cfg, 0, sizeof(cfg));
	memset(subnets, 0, sizeof(subnets));
	memset(pools, 0, sizeof(pools));
	memset(hosts, 0, sizeof(hosts));
	cfg.subnets = subnets;
	cfg.hosts = hosts;
}

static void
add_subnet(uint32_t addr, uint8_t prefix)
{
	struct dpxe_config_subnet *s = &subnets[cfg.subnets_count];

	s->net.addr = addr;
	s->net.prefix = prefix;
	s->net.mask = prefix ? ~0u << (32 - prefix) : 0;
	s->pools = pools[cfg.subnets_count];
	s->lease_time = 3600;
	cfg.subnets_count++;
}

static void
add_pool(uint32_t start, uint32_t end)
{
	struct dpxe_config_subnet *s = &subnets[cfg.subnets_count - 1];

	s->pools[s->pools_count].start = start;
	s->pools[s->pools_count].end = end;
	s->pools_count++;
}

static void
add_host(const uint8_t mac[6], uint32_t ip)
{
	memcpy(hosts[cfg.hosts_count].mac, mac, 6);
	hosts[cfg.hosts_count].ip = ip;
	cfg.hosts_count++;
}

static struct dpxe_lease_shard *sh[MAX_SHARDS];
static unsigned int nsh;

static void
shards_make(unsigned int n, const struct dpxe_lease_shard_params *p)
{
	nsh = n;
	for (unsigned int i = 0; i < n; i++)
		assert_int_equal(dpxe_lease_shard_create(&cfg, i, n, p, &sh[i]),
				 0);
}

static int
teardown(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < MAX_SHARDS; i++) {
		dpxe_lease_shard_destroy(sh[i]);
		sh[i] = NULL;
	}
	nsh = 0;
	return 0;
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

/* The i-th MAC (from `from`) that shard s owns among n. */
static uint32_t
mac_for_shard(unsigned int s, unsigned int n, uint32_t from, uint8_t mac[6])
{
	for (uint32_t i = from;; i++) {
		mac_of(i, mac);
		if (dpxe_client_owner(mac, n) == s)
			return i;
	}
}

static struct dpxe_lease_shard *
owner(const uint8_t mac[6])
{
	return sh[dpxe_client_owner(mac, nsh)];
}

/* ---- slices ---- */

/* Every address of every pool is in exactly one slice, and allocating a
 * slice dry yields exactly its addresses. */
static void
test_slices_cover_pools(void **state)
{
	static const struct {
		uint32_t start, end;
		unsigned int n;
	} cases[] = {
		{ HIP(10, 0, 0, 10), HIP(10, 0, 0, 200), 1 },
		{ HIP(10, 0, 0, 10), HIP(10, 0, 0, 200), 4 },
		{ HIP(10, 0, 0, 10), HIP(10, 0, 0, 12), 4 },  /* fewer than n */
		{ HIP(10, 0, 0, 5), HIP(10, 0, 0, 5), 3 },    /* one address */
		{ HIP(10, 0, 0, 1), HIP(10, 0, 3, 254), 7 },
		{ HIP(10, 0, 0, 1), HIP(10, 0, 0, 129), 8 },
	};

	(void)state;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		uint32_t size = cases[c].end - cases[c].start + 1;
		uint8_t *seen = calloc(size, 1);
		uint64_t total = 0;

		cfg_reset();
		add_subnet(HIP(10, 0, 0, 0), 22);
		add_pool(cases[c].start, cases[c].end);
		shards_make(cases[c].n, NULL);
		for (unsigned int s = 0; s < nsh; s++) {
			uint64_t want = dpxe_lease_shard_free_count(sh[s], 0);
			uint64_t got = 0;
			uint32_t i = 0, ip;
			uint8_t mac[6];

			total += want;
			for (;;) {
				i = mac_for_shard(s, nsh, i, mac) + 1;
				if (dpxe_lease_shard_offer(sh[s], mac, 0, 0, 0,
							   &ip) != 0)
					break;
				uint32_t k = ntohl(ip) - cases[c].start;

				assert_true(k < size);
				assert_int_equal(seen[k], 0);
				seen[k] = 1;
				assert_int_equal(k % nsh, s); /* the slice rule */
				assert_int_equal(
					dpxe_lease_shard_slice_of(sh[s], ip),
					(int)s);
				got++;
			}
			assert_int_equal(got, want);
			assert_int_equal(dpxe_lease_shard_free_count(sh[s], 0), 0);
		}
		assert_int_equal(total, size);
		for (uint32_t k = 0; k < size; k++)
			assert_int_equal(seen[k], 1);
		free(seen);
		teardown(NULL);
	}
}

/* Thousands of clients over 4 shards, 3 pools in 2 subnets: no address
 * is ever given twice, and the pools run dry at exactly their size. */
static void
test_global_uniqueness(void **state)
{
	const uint32_t clients = 6000;
	uint8_t *owner_of = calloc(1u << 16, 1); /* by the low 16 bits */
	uint64_t pool_size = 0, bound = 0;
	uint32_t ip;

	(void)state;
	cfg_reset();
	add_subnet(HIP(10, 1, 0, 0), 16);
	add_pool(HIP(10, 1, 0, 10), HIP(10, 1, 4, 9));  /* 1024 */
	add_pool(HIP(10, 1, 8, 1), HIP(10, 1, 8, 100)); /* 100 */
	add_subnet(HIP(10, 2, 0, 0), 16);
	add_pool(HIP(10, 2, 1, 0), HIP(10, 2, 8, 255)); /* 2048 */
	shards_make(4, NULL);
	for (unsigned int sn = 0; sn < 2; sn++)
		for (unsigned int s = 0; s < nsh; s++)
			pool_size += dpxe_lease_shard_free_count(sh[s], sn);
	assert_int_equal(pool_size, 1024 + 100 + 2048);

	for (uint32_t i = 0; i < clients; i++) {
		uint8_t mac[6];
		unsigned int sn = i % 2;
		int rc;

		mac_of(i, mac);
		rc = dpxe_lease_shard_offer(owner(mac), mac, 0, sn, 100, &ip);
		if (rc == DPXE_LEASE_POOL_EXHAUSTED)
			continue;
		assert_int_equal(rc, 0);
		assert_int_equal(dpxe_lease_shard_subnet_of(owner(mac), ip),
				 (int)sn);
		assert_int_equal(dpxe_lease_shard_bind(owner(mac), mac, ip,
						       3600, 100), 0);
		/* low 16 bits are unique across both /16s only with the
		 * subnet folded in */
		uint32_t key = (ntohl(ip) & 0xffff) ^ (sn << 15);

		assert_int_equal(owner_of[key], 0);
		owner_of[key] = 1;
		bound++;
	}
	/* every shard was over-subscribed, so every slice is dry */
	assert_int_equal(bound, pool_size);
	for (unsigned int s = 0; s < nsh; s++)
		for (unsigned int sn = 0; sn < 2; sn++)
			assert_int_equal(dpxe_lease_shard_free_count(sh[s], sn),
					 0);
	free(owner_of);
}

/* ---- reservations ---- */

static void
test_reservations(void **state)
{
	static const uint8_t rmac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	static const uint8_t omac[6] = { 0x02, 0, 0, 0, 0, 0x02 };
	const struct dpxe_lease *l;
	uint32_t ip;
	int got_reserved = 0;

	(void)state;
	cfg_reset();
	add_subnet(HIP(192, 168, 1, 0), 24);
	add_pool(HIP(192, 168, 1, 10), HIP(192, 168, 1, 29)); /* 20 */
	add_subnet(HIP(192, 168, 2, 0), 24);
	add_pool(HIP(192, 168, 2, 10), HIP(192, 168, 2, 19));
	add_host(rmac, HIP(192, 168, 1, 15));  /* inside the pool */
	add_host(omac, HIP(192, 168, 1, 200)); /* outside any pool */
	shards_make(3, NULL);

	/* the in-pool reservation is out of the dynamic count */
	assert_int_equal(dpxe_lease_shard_free_count(sh[0], 0) +
			 dpxe_lease_shard_free_count(sh[1], 0) +
			 dpxe_lease_shard_free_count(sh[2], 0), 19);

	/* the reserved clients get their addresses, in any slice */
	assert_int_equal(dpxe_lease_shard_offer(owner(rmac), rmac, 0, 0, 0,
						&ip), 0);
	assert_int_equal(ip, IP(192, 168, 1, 15));
	assert_int_equal(dpxe_lease_shard_offer(owner(rmac), rmac,
						IP(192, 168, 1, 20), 0, 0,
						&ip), 0);
	assert_int_equal(ip, IP(192, 168, 1, 15)); /* not the requested one */
	assert_int_equal(dpxe_lease_shard_offer(owner(omac), omac, 0, 0, 0,
						&ip), 0);
	assert_int_equal(ip, IP(192, 168, 1, 200));
	assert_int_equal(dpxe_lease_shard_bind(owner(omac), omac,
					       IP(192, 168, 1, 201), 60, 0),
			 DPXE_LEASE_WRONG_IP);
	assert_int_equal(dpxe_lease_shard_bind(owner(omac), omac,
					       IP(192, 168, 1, 200), 60, 0), 0);
	l = dpxe_lease_shard_lookup(owner(omac), omac);
	assert_non_null(l);
	assert_int_equal(l->state, DPXE_LEASE_BOUND);
	assert_int_equal(l->flags, DPXE_LEASE_F_RESERVED);

	/* a reservation elsewhere does not apply on another subnet */
	assert_int_equal(dpxe_lease_shard_offer(owner(rmac), rmac, 0, 1, 0,
						&ip), 0);
	assert_int_equal(dpxe_lease_shard_subnet_of(owner(rmac), ip), 1);

	/* others drain the pool and never see .15, even when asking */
	for (uint32_t i = 100; i < 400; i++) {
		uint8_t mac[6];

		mac_of(i, mac);
		if (dpxe_lease_shard_offer(owner(mac), mac, IP(192, 168, 1, 15),
					   0, 0, &ip) == 0)
			assert_int_not_equal(ip, IP(192, 168, 1, 15));
	}
	/* back on its subnet it gets it again; a release keeps it reserved */
	assert_int_equal(dpxe_lease_shard_offer(owner(rmac), rmac, 0, 0, 5,
						&ip), 0);
	assert_int_equal(ip, IP(192, 168, 1, 15));
	assert_int_equal(dpxe_lease_shard_bind(owner(rmac), rmac, ip, 60, 5), 0);
	assert_int_equal(dpxe_lease_shard_release(owner(rmac), rmac, ip, 6), 0);
	for (unsigned int s = 0; s < nsh; s++) {
		if (dpxe_lease_shard_slice_of(sh[s], ip) == (int)s)
			assert_true(dpxe_lease_shard_ip_used(sh[s], ip));
		got_reserved += (int)dpxe_lease_shard_free_count(sh[s], 0);
	}
	assert_int_equal(got_reserved, 0);
}

/* ---- offer rules ---- */

static void
test_requested_ip(void **state)
{
	uint8_t a[6], b[6];
	uint32_t ip, mine = 0, other = 0, taken;

	(void)state;
	cfg_reset();
	add_subnet(HIP(10, 9, 0, 0), 24);
	add_pool(HIP(10, 9, 0, 100), HIP(10, 9, 0, 199));
	add_host((const uint8_t[6]){ 2, 2, 2, 2, 2, 2 }, HIP(10, 9, 0, 150));
	shards_make(2, NULL);
	mac_for_shard(0, 2, 0, a);
	mac_for_shard(0, 2, mac_for_shard(0, 2, 0, a) + 1, b);
	/* pool index even: shard 0; odd: shard 1 */
	mine = IP(10, 9, 0, 120);  /* index 20 */
	other = IP(10, 9, 0, 121); /* index 21 */

	struct {
		const char *what;
		uint32_t req;
		bool honoured;
	} cases[] = {
		{ "free, in the slice", mine, true },
		{ "another shard's slice", other, false },
		{ "outside every pool", IP(10, 9, 0, 50), false },
		{ "another subnet", IP(10, 8, 0, 120), false },
		{ "reserved for another client", IP(10, 9, 0, 150), false },
	};
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		assert_int_equal(dpxe_lease_shard_offer(sh[0], a, cases[c].req,
							0, 0, &ip), 0);
		if (cases[c].honoured)
			assert_int_equal(ip, cases[c].req);
		else
			assert_int_not_equal(ip, cases[c].req);
		assert_int_equal(dpxe_lease_shard_slice_of(sh[0], ip), 0);
		assert_int_equal(dpxe_lease_shard_release(sh[0], a, ip, 0), 0);
	}
	/* taken by another client */
	assert_int_equal(dpxe_lease_shard_offer(sh[0], b, mine, 0, 0, &taken),
			 0);
	assert_int_equal(taken, mine);
	assert_int_equal(dpxe_lease_shard_offer(sh[0], a, mine, 0, 0, &ip), 0);
	assert_int_not_equal(ip, mine);
}

static void
test_renew_and_previous(void **state)
{
	uint8_t m[6];
	const struct dpxe_lease *l;
	uint32_t ip, ip2;

	(void)state;
	cfg_reset();
	add_subnet(HIP(10, 3, 0, 0), 24);
	add_pool(HIP(10, 3, 0, 10), HIP(10, 3, 0, 250));
	shards_make(1, NULL);
	mac_of(7, m);
	assert_int_equal(dpxe_lease_shard_offer(sh[0], m, 0, 0, 10, &ip), 0);
	l = dpxe_lease_shard_lookup(sh[0], m);
	assert_int_equal(l->state, DPXE_LEASE_OFFERED);
	assert_int_equal(l->expiry, 10 + 60);
	assert_int_equal(dpxe_lease_shard_bind(sh[0], m, ip, 3600, 11), 0);
	assert_int_equal(l->state, DPXE_LEASE_BOUND);
	assert_int_equal(l->expiry, 11 + 3600);
	/* T1 renewal and a DISCOVER from a bound client keep the address */
	assert_int_equal(dpxe_lease_shard_bind(sh[0], m, ip, 3600, 1811), 0);
	assert_int_equal(l->expiry, 1811 + 3600);
	assert_int_equal(dpxe_lease_shard_offer(sh[0], m, IP(10, 3, 0, 99), 0,
						1812, &ip2), 0);
	assert_int_equal(ip2, ip);
	assert_int_equal(l->state, DPXE_LEASE_BOUND);
	/* after a release the previous address comes back... */
	assert_int_equal(dpxe_lease_shard_release(sh[0], m, ip, 1900), 0);
	assert_int_equal(l->state, DPXE_LEASE_RELEASED);
	assert_int_equal(dpxe_lease_shard_offer(sh[0], m, 0, 0, 1901, &ip2), 0);
	assert_int_equal(ip2, ip);
	/* ...unless the client asks for another free one */
	assert_int_equal(dpxe_lease_shard_release(sh[0], m, ip, 1902), 0);
	assert_int_equal(dpxe_lease_shard_offer(sh[0], m, IP(10, 3, 0, 99), 0,
						1903, &ip2), 0);
	assert_int_equal(ip2, IP(10, 3, 0, 99));
	/* INIT-REBOOT after the offer ran out: a free address is re-taken */
	assert_int_equal(dpxe_lease_shard_expire(sh[0], 5000, UINT_MAX, NULL, NULL),
			 1);
	assert_int_equal(dpxe_lease_shard_bind(sh[0], m, IP(10, 3, 0, 99), 60,
					       5001), 0);
}

/* Requests that must be refused, and why (the NAK reason). */
static void
test_refusals(void **state)
{
	uint8_t a[6], b[6], c[6], x[6];
	uint32_t ipa, ipb;

	(void)state;
	cfg_reset();
	add_subnet(HIP(10, 4, 0, 0), 24);
	add_pool(HIP(10, 4, 0, 10), HIP(10, 4, 0, 50));
	shards_make(2, NULL);
	mac_for_shard(0, 2, mac_for_shard(0, 2, mac_for_shard(0, 2, 0, a) + 1,
					  b) + 1, c);
	mac_for_shard(1, 2, 0, x);
	assert_int_equal(dpxe_lease_shard_offer(sh[0], a, 0, 0, 0, &ipa), 0);
	assert_int_equal(dpxe_lease_shard_offer(sh[0], b, 0, 0, 0, &ipb), 0);

	struct {
		const char *what;
		const uint8_t *mac;
		uint32_t ip;
		int want;
	} binds[] = {
		{ "offered another", a, ipb, DPXE_LEASE_WRONG_IP },
		{ "no record, taken", c, ipa, DPXE_LEASE_ADDR_TAKEN },
		{ "no record, other slice", c, IP(10, 4, 0, 11),
		  DPXE_LEASE_OTHER_SLICE },
		{ "not in a pool", c, IP(10, 4, 0, 200), DPXE_LEASE_NOT_IN_POOL },
		{ "not this shard's client", x, IP(10, 4, 0, 12),
		  DPXE_LEASE_NOT_OWNER },
		{ "the offered one", a, ipa, DPXE_LEASE_OK },
	};
	for (size_t i = 0; i < sizeof(binds) / sizeof(binds[0]); i++) {
		print_message("bind: %s\n", binds[i].what);
		assert_int_equal(dpxe_lease_shard_bind(sh[0], binds[i].mac,
						       binds[i].ip, 60, 1),
				 binds[i].want);
	}
	assert_int_equal(dpxe_lease_shard_release(sh[0], a, ipb, 2),
			 DPXE_LEASE_WRONG_IP);
	assert_int_equal(dpxe_lease_shard_release(sh[0], c, ipb, 2),
			 DPXE_LEASE_NO_LEASE);
	assert_int_equal(dpxe_lease_shard_decline(sh[0], c, ipb, 2),
			 DPXE_LEASE_NO_LEASE);
	assert_int_equal(dpxe_lease_shard_offer(sh[0], a, 0, 5, 0, &ipa),
			 DPXE_LEASE_BAD_SUBNET);
	assert_int_equal(dpxe_lease_shard_offer(sh[0], x, 0, 0, 0, &ipa),
			 DPXE_LEASE_NOT_OWNER);
	assert_string_equal(dpxe_lease_status_name(DPXE_LEASE_WRONG_IP),
			    "wrong-ip");
	assert_string_equal(dpxe_lease_status_name(
				    DPXE_LEASE_POOL_EXHAUSTED),
			    "pool-exhausted");
	assert_string_equal(dpxe_lease_status_name(42), "unknown");
}

/* ---- expiry ---- */

static unsigned int expired_calls;

static void
on_expired(void *arg, const struct dpxe_lease *l)
{
	assert_ptr_equal(arg, &expired_calls);
	assert_int_equal(l->state, DPXE_LEASE_BOUND);
	expired_calls++;
}

static void
test_release_and_expiry(void **state)
{
	struct dpxe_lease_shard_params p = { .capacity = 16, .offer_time = 30,
					     .remember_time = 1000 };
	uint8_t m[6], o[6];
	uint32_t ip, ip2;
	uint64_t free0;

	(void)state;
	cfg_reset();
	add_subnet(HIP(10, 5, 0, 0), 24);
	add_pool(HIP(10, 5, 0, 10), HIP(10, 5, 0, 19));
	shards_make(1, &p);
	free0 = dpxe_lease_shard_free_count(sh[0], 0);
	mac_of(1, m);
	mac_of(2, o);
	assert_int_equal(dpxe_lease_shard_offer(sh[0], m, 0, 0, 0, &ip), 0);
	assert_int_equal(dpxe_lease_shard_bind(sh[0], m, ip, 100, 0), 0);
	assert_int_equal(dpxe_lease_shard_offer(sh[0], o, 0, 0, 0, &ip2), 0);
	assert_int_equal(dpxe_lease_shard_free_count(sh[0], 0), free0 - 2);

	/* nothing is due yet */
	assert_int_equal(dpxe_lease_shard_expire(sh[0], 29, UINT_MAX, on_expired,
						 &expired_calls), 0);
	/* the unanswered offer runs out at 30, the lease at 100 */
	assert_int_equal(dpxe_lease_shard_expire(sh[0], 30, UINT_MAX, on_expired,
						 &expired_calls), 1);
	assert_int_equal(expired_calls, 0);
	assert_int_equal(dpxe_lease_shard_lookup(sh[0], o)->state,
			 DPXE_LEASE_RELEASED);
	assert_int_equal(dpxe_lease_shard_free_count(sh[0], 0), free0 - 1);
	assert_int_equal(dpxe_lease_shard_expire(sh[0], 100, UINT_MAX, on_expired,
						 &expired_calls), 1);
	assert_int_equal(expired_calls, 1);
	assert_int_equal(dpxe_lease_shard_free_count(sh[0], 0), free0);
	assert_int_equal(dpxe_lease_shard_lookup(sh[0], m)->state,
			 DPXE_LEASE_RELEASED);
	/* a renewal after expiry takes the free address back */
	assert_int_equal(dpxe_lease_shard_bind(sh[0], m, ip, 100, 101), 0);
	assert_int_equal(dpxe_lease_shard_release(sh[0], m, ip, 102), 0);
	assert_int_equal(dpxe_lease_shard_free_count(sh[0], 0), free0);

	/* remembered entries are forgotten after remember_time; a small
	 * budget needs several calls */
	assert_int_equal(dpxe_lease_shard_count(sh[0]), 2);
	unsigned int done = 0;

	for (int i = 0; i < 64 && done < 2; i++)
		done += dpxe_lease_shard_expire(sh[0], 2000, 3, NULL, NULL);
	assert_int_equal(done, 2);
	assert_int_equal(dpxe_lease_shard_count(sh[0]), 0);
	assert_null(dpxe_lease_shard_lookup(sh[0], m));
}

static void
test_decline_quarantine(void **state)
{
	struct dpxe_lease_shard_params p = { .decline_time = 600,
					     .quarantine_cap = 2 };
	uint8_t m[6], o[6];
	uint32_t ip, bad, got;
	uint32_t cur = 0;
	int64_t until;

	(void)state;
	cfg_reset();
	add_subnet(HIP(10, 6, 0, 0), 24);
	add_pool(HIP(10, 6, 0, 10), HIP(10, 6, 0, 13)); /* 4 addresses */
	shards_make(1, &p);
	mac_of(1, m);
	mac_of(2, o);
	assert_int_equal(dpxe_lease_shard_offer(sh[0], m, 0, 0, 0, &bad), 0);
	assert_int_equal(dpxe_lease_shard_decline(sh[0], m, bad, 10), 0);
	assert_int_equal(dpxe_lease_shard_lookup(sh[0], m)->state,
			 DPXE_LEASE_DECLINED);
	assert_true(dpxe_lease_shard_quarantine_next(sh[0], &cur, &ip, &until));
	assert_int_equal(ip, bad);
	assert_int_equal(until, 610);
	/* nobody gets it while quarantined, even when asking for it */
	for (int i = 0; i < 3; i++) {
		uint8_t x[6];

		mac_of(10 + (uint32_t)i, x);
		assert_int_equal(dpxe_lease_shard_offer(sh[0], x, bad, 0, 20,
							&got), 0);
		assert_int_not_equal(got, bad);
	}
	assert_int_equal(dpxe_lease_shard_offer(sh[0], m, bad, 0, 20, &got),
			 DPXE_LEASE_POOL_EXHAUSTED);
	/* quarantine over: back in the pool */
	assert_int_equal(dpxe_lease_shard_expire(sh[0], 610, 1, NULL, NULL), 1);
	assert_int_equal(dpxe_lease_shard_offer(sh[0], m, 0, 0, 611, &got), 0);
	assert_int_equal(got, bad);

	/* a full quarantine lets its oldest address go early */
	assert_int_equal(dpxe_lease_shard_expire(sh[0], 100000, UINT_MAX, NULL,
						 NULL), 4);
	uint32_t d[3];

	for (int i = 0; i < 3; i++) {
		uint8_t x[6];

		mac_of(20 + (uint32_t)i, x);
		assert_int_equal(dpxe_lease_shard_offer(sh[0], x, 0, 0, 100000,
							&d[i]), 0);
		assert_int_equal(dpxe_lease_shard_decline(sh[0], x, d[i],
							  100000 + i), 0);
	}
	assert_false(dpxe_lease_shard_ip_used(sh[0], d[0]));
	assert_true(dpxe_lease_shard_ip_used(sh[0], d[1]));
	assert_true(dpxe_lease_shard_ip_used(sh[0], d[2]));
}

static void
test_subnet_move(void **state)
{
	uint8_t m[6];
	uint32_t a, b;

	(void)state;
	cfg_reset();
	add_subnet(HIP(10, 7, 0, 0), 24);
	add_pool(HIP(10, 7, 0, 10), HIP(10, 7, 0, 19));
	add_subnet(HIP(10, 8, 0, 0), 24);
	add_pool(HIP(10, 8, 0, 10), HIP(10, 8, 0, 19));
	shards_make(1, NULL);
	mac_of(3, m);
	assert_int_equal(dpxe_lease_shard_offer(sh[0], m, 0, 0, 0, &a), 0);
	assert_int_equal(dpxe_lease_shard_bind(sh[0], m, a, 60, 0), 0);
	assert_int_equal(dpxe_lease_shard_offer(sh[0], m, 0, 1, 1, &b), 0);
	assert_int_equal(dpxe_lease_shard_subnet_of(sh[0], b), 1);
	assert_false(dpxe_lease_shard_ip_used(sh[0], a));
	assert_int_equal(dpxe_lease_shard_free_count(sh[0], 0), 10);
	assert_int_equal(dpxe_lease_shard_lookup(sh[0], m)->subnet, 1);
}

/* ---- the table ---- */

static void
test_full_table(void **state)
{
	struct dpxe_lease_shard_params p = { .capacity = 8 };
	uint8_t m[6];
	uint32_t ip, first;

	(void)state;
	cfg_reset();
	add_subnet(HIP(10, 10, 0, 0), 16);
	add_pool(HIP(10, 10, 0, 1), HIP(10, 10, 3, 254));
	shards_make(1, &p);
	assert_int_equal(dpxe_lease_shard_capacity(sh[0]), 8);
	for (uint32_t i = 0; i < 8; i++) {
		mac_of(i, m);
		assert_int_equal(dpxe_lease_shard_offer(sh[0], m, 0, 0, 0, &ip),
				 0);
		if (i == 0)
			first = ip;
	}
	mac_of(8, m);
	assert_int_equal(dpxe_lease_shard_offer(sh[0], m, 0, 0, 0, &ip),
			 DPXE_LEASE_TABLE_FULL);
	assert_int_equal(dpxe_lease_shard_bind(sh[0], m, IP(10, 10, 2, 2), 60,
					       0), DPXE_LEASE_TABLE_FULL);
	/* existing clients still work */
	mac_of(0, m);
	assert_int_equal(dpxe_lease_shard_bind(sh[0], m, first, 60, 0), 0);
	/* a released entry makes room (it is forgotten first) */
	assert_int_equal(dpxe_lease_shard_release(sh[0], m, first, 1), 0);
	mac_of(8, m);
	assert_int_equal(dpxe_lease_shard_offer(sh[0], m, 0, 0, 2, &ip), 0);
	mac_of(0, m);
	assert_null(dpxe_lease_shard_lookup(sh[0], m));
	assert_int_equal(dpxe_lease_shard_count(sh[0]), 8);
}

/* Random offers, binds, releases and expiry against a plain array model:
 * lookups stay right through backward-shift deletions. */
static void
test_table_churn(void **state)
{
	enum { N = 3000 };
	struct dpxe_lease_shard_params p = { .capacity = 160,
					     .remember_time = 500 };
	static uint32_t model_ip[N];
	static uint8_t model_st[N];
	uint32_t seed = 12345;
	unsigned int full = 0, reclaimed = 0, most = 0;
	int64_t now = 0;

	(void)state;
	cfg_reset();
	add_subnet(HIP(10, 20, 0, 0), 16);
	add_pool(HIP(10, 20, 0, 1), HIP(10, 20, 255, 254));
	shards_make(1, &p);
	memset(model_ip, 0, sizeof(model_ip));
	memset(model_st, 0, sizeof(model_st));
	for (int step = 0; step < 40000; step++) {
		uint32_t i, ip;
		uint8_t m[6];
		const struct dpxe_lease *l;
		int rc;

		seed = seed * 1103515245u + 12345u;
		i = (seed >> 8) % N;
		mac_of(i, m);
		l = dpxe_lease_shard_lookup(sh[0], m);
		/* offers (60 s) run out on their own */
		if (model_st[i] == DPXE_LEASE_OFFERED &&
		    (l == NULL || l->state == DPXE_LEASE_RELEASED))
			model_st[i] = 0;
		if (model_st[i] == 0)
			assert_true(l == NULL ||
				    l->state == DPXE_LEASE_RELEASED);
		else
			assert_true(l != NULL && l->state == model_st[i] &&
				    l->ip == model_ip[i]);
		switch ((seed >> 4) % 3) {
		case 0:
			rc = dpxe_lease_shard_offer(sh[0], m, 0, 0, now, &ip);
			if (rc == DPXE_LEASE_TABLE_FULL) {
				full++;
				break;
			}
			assert_int_equal(rc, 0);
			if (model_st[i] == 0) {
				model_st[i] = DPXE_LEASE_OFFERED;
				model_ip[i] = ip;
			}
			assert_int_equal(ip, model_ip[i]);
			break;
		case 1:
			if (model_st[i] == 0)
				break;
			assert_int_equal(dpxe_lease_shard_bind(sh[0], m,
					model_ip[i], 1000000, now), 0);
			model_st[i] = DPXE_LEASE_BOUND;
			break;
		default:
			if (model_st[i] == 0)
				break;
			assert_int_equal(dpxe_lease_shard_release(sh[0], m,
					model_ip[i], now), 0);
			model_st[i] = 0;
		}
		now++;
		reclaimed += dpxe_lease_shard_expire(sh[0], now, 8, NULL, NULL);
		if (dpxe_lease_shard_count(sh[0]) > most)
			most = dpxe_lease_shard_count(sh[0]);
	}
	/* the run filled the table (evicting, or refusing: full) and
	 * deleted many entries */
	assert_int_equal(most, 160);
	assert_true(reclaimed > 1000);
	assert_true(dpxe_lease_shard_count(sh[0]) <= 160);
}

static void
test_create_errors(void **state)
{
	struct dpxe_lease_shard *s;

	(void)state;
	cfg_reset();
	add_subnet(HIP(10, 0, 0, 0), 24);
	add_pool(HIP(10, 0, 0, 1), HIP(10, 0, 0, 9));
	assert_int_equal(dpxe_lease_shard_create(&cfg, 2, 2, NULL, &s),
			 -EINVAL);
	assert_null(s);
	assert_int_equal(dpxe_lease_shard_create(&cfg, 0, 0, NULL, &s),
			 -EINVAL);
	dpxe_lease_shard_destroy(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_slices_cover_pools, teardown),
		cmocka_unit_test_teardown(test_global_uniqueness, teardown),
		cmocka_unit_test_teardown(test_reservations, teardown),
		cmocka_unit_test_teardown(test_requested_ip, teardown),
		cmocka_unit_test_teardown(test_renew_and_previous, teardown),
		cmocka_unit_test_teardown(test_refusals, teardown),
		cmocka_unit_test_teardown(test_release_and_expiry, teardown),
		cmocka_unit_test_teardown(test_decline_quarantine, teardown),
		cmocka_unit_test_teardown(test_subnet_move, teardown),
		cmocka_unit_test_teardown(test_full_table, teardown),
		cmocka_unit_test_teardown(test_table_churn, teardown),
		cmocka_unit_test(test_create_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
