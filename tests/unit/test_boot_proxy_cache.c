/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The reply cache must be invisible: for every request, the cached path
 * returns exactly what the full path returns (code, type, length, bytes).
 * Checked differentially over many generated requests of every kind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "checksum.h"
#include "proxy_cache.h"
#include "test_requests.h"


static struct dpxe_config *cfg;
static struct dpxe_proxy_cache cache;
static struct dpxe_dhcp_msg req;
static struct tpkt pkt;
static uint8_t full[2048], fast[2048];


static int
setup(void **state)
{
	struct dpxe_config_error err;

	(void)state;
	if (dpxe_config_parse("cache-test.yaml", treq_yaml,
			      sizeof(treq_yaml) - 1, &cfg,
			      &err) != 0) {
		fprintf(stderr, "%s\n", err.text);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	dpxe_config_free(cfg);
	return 0;
}


static void
test_cache_is_invisible(void **state)
{
	struct dpxe_server_id srv = { .ip = htonl_test(0x0a4d0001),
				      .name = "dpxe-test" };
	unsigned int answered = 0, sums = 0;

	(void)state;
	dpxe_proxy_cache_init(&cache, cfg);
	for (int i = 0; i < 20000; i++) {
		uint16_t port = treq_make(&pkt, srv.ip);
		size_t cap = treq_rnd(8) ? sizeof(full) : 300 + treq_rnd(300);
		size_t len_full = 0, len_fast = 0;
		uint8_t type_full = 0, type_fast = 0;
		uint32_t sum = 0;
		enum dpxe_drop_reason r_full, r_fast;

		assert_int_equal(dpxe_dhcp_parse(pkt.buf, pkt.len, &req),
				 DPXE_DROP_OK);
		r_full = dpxe_proxy_reply(cfg, &srv, &req, port, full, cap,
					  &len_full, &type_full);
		r_fast = dpxe_proxy_reply_cached(&cache, cfg, &srv, &req, port,
						 fast, cap, &len_fast,
						 &type_fast, &sum);
		assert_int_equal(r_fast, r_full);
		if (r_full != DPXE_DROP_OK)
			continue;
		answered++;
		assert_int_equal(type_fast, type_full);
		assert_int_equal(len_fast, len_full);
		assert_memory_equal(fast, full, len_full);
		/* a sum, when given, is the reply's sum */
		if (sum != DPXE_NO_SUM) {
			assert_int_equal(dpxe_csum_fold(sum),
					 dpxe_csum_fold(dpxe_csum_add(0, fast,
								      len_fast)));
			sums++;
		}
	}
	assert_true(sums > 1000);
	/* the cache did work, and the test covered both paths */
	assert_true(cache.hits > 1000);
	assert_true(cache.misses > 0);
	assert_true(answered > 5000);
}

/* A different config empties the cache: no template outlives its rules. */
static void
test_cache_follows_config(void **state)
{
	struct dpxe_server_id srv = { .ip = htonl_test(0x0a4d0001) };
	struct dpxe_config *other;
	struct dpxe_config_error err;
	size_t len;
	uint8_t type;

	(void)state;
	dpxe_proxy_cache_init(&cache, cfg);
	tpkt_pxe_discover(&pkt, 0);
	assert_int_equal(dpxe_dhcp_parse(pkt.buf, pkt.len, &req), DPXE_DROP_OK);
	assert_int_equal(dpxe_proxy_reply_cached(&cache, cfg, &srv, &req, 67,
						 fast, sizeof(fast), &len, &type,
						 NULL),
			 DPXE_DROP_OK);
	assert_string_equal((char *)fast + DPXE_BOOTP_FILE, "undionly.kpxe");
	assert_int_equal(cache.misses, 1);

	static const char other_yaml[] =
		"server: {ports: [{ip: 10.77.0.1, prefix: 24}]}\n"
		"dataplane: {ports: [{name: p, devargs: net_null0}]}\n"
		"boot: {rules: [{name: all, boot_file: other.kpxe}]}\n";
	assert_int_equal(dpxe_config_parse("other.yaml", other_yaml,
					   sizeof(other_yaml) - 1, &other, &err),
			 0);
	assert_int_equal(dpxe_proxy_reply_cached(&cache, other, &srv, &req, 67,
						 fast, sizeof(fast), &len, &type,
						 NULL),
			 DPXE_DROP_OK);
	assert_string_equal((char *)fast + DPXE_BOOTP_FILE, "other.kpxe");
	assert_ptr_equal(cache.cfg, other);
	assert_int_equal(cache.hits, 0);
	dpxe_config_free(other);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cache_is_invisible),
		cmocka_unit_test(test_cache_follows_config),
	};

	return cmocka_run_group_tests_name("boot_proxy_cache", tests, setup,
					   teardown);
}
