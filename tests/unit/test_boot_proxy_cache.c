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
#include "test_packets.h"

static const char yaml[] =
	"server:\n"
	"  name: dpxe-test\n"
	"  ports: [{ip: 10.77.0.1, prefix: 24}]\n"
	"dataplane:\n"
	"  ports: [{name: p, devargs: net_null0}]\n"
	"boot:\n"
	"  tftp_server: 10.77.0.2\n"
	"  rules:\n"
	"    - name: ipxe\n"
	"      match: {ipxe: true}\n"
	"      url: http://10.77.0.1/boot.ipxe\n"
	"    - name: http\n"
	"      match: {arch: [16, 19]}\n"
	"      url: http://10.77.0.1/shimx64.efi\n"
	"    - name: arm\n"
	"      match: {arch: [11]}\n"
	"      boot_server: true\n"
	"      menu_prompt: Pick\n"
	"      menu: [{type: 0x8001, text: Install}, {type: 0, text: Local}]\n"
	"    - name: uefi\n"
	"      match: {arch: [7, 9]}\n"
	"      boot_file: ipxe.efi\n"
	"      tftp_server: 10.77.0.9\n"
	"    - name: relay\n"
	"      match: {relay: 10.9.0.0/16}\n"
	"      boot_file: relayed.kpxe\n"
	"    - name: bios\n"
	"      match: {arch: [0]}\n"
	"      boot_file: undionly.kpxe\n"
	"hosts:\n"
	"  - {mac: \"52:54:00:00:00:07\", boot_file: special.kpxe}\n";

static struct dpxe_config *cfg;
static struct dpxe_proxy_cache cache;
static struct dpxe_dhcp_msg req;
static struct tpkt pkt;
static uint8_t full[2048], fast[2048];

static uint32_t rng = 2463534242u;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng % n;
}

static int
setup(void **state)
{
	struct dpxe_config_error err;

	(void)state;
	if (dpxe_config_parse("cache-test.yaml", yaml, sizeof(yaml) - 1, &cfg,
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

/* One generated request of a random kind; returns the port it goes to. */
static uint16_t
make_request(uint32_t server_ip)
{
	static const uint16_t arches[] = { 0, 6, 7, 9, 11, 16, 19, 27 };
	static const uint8_t types[] = { DPXE_DHCPDISCOVER, DPXE_DHCPDISCOVER,
					 DPXE_DHCPDISCOVER, DPXE_DHCPREQUEST,
					 DPXE_DHCPINFORM };
	uint16_t arch = arches[rnd(8)], port = rnd(6) ? 67 : 4011;
	uint8_t type = types[rnd(5)], a[2], uuid[17] = { 0 },
		mac[6] = { 0x52, 0x54, 0, 0, 0 };
	char vc[48];

	tpkt_dhcp_init(&pkt, type);
	mac[5] = (uint8_t)rnd(12); /* sometimes the host 52:54:00:00:00:07 */
	memcpy(pkt.buf + DPXE_BOOTP_CHADDR, mac, 6);
	dpxe_store_be32(pkt.buf + DPXE_BOOTP_XID, rnd(0xffffffff));
	dpxe_store_be16(pkt.buf + DPXE_BOOTP_FLAGS,
			rnd(2) ? DPXE_BOOTP_FLAG_BROADCAST : 0);
	if (rnd(5) == 0) {
		dpxe_store_be32(pkt.buf + DPXE_BOOTP_GIADDR, 0x0a090001);
		tpkt_opt(&pkt, DPXE_OPT_RELAY_AGENT_INFO, "\x01\x03" "abc", 5);
	}
	switch (rnd(4)) {
	case 0:
		snprintf(vc, sizeof(vc), "PXEClient:Arch:%05u:UNDI:003016", arch);
		break;
	case 1:
		snprintf(vc, sizeof(vc), "HTTPClient:Arch:%05u:UNDI:003000", arch);
		break;
	case 2:
		snprintf(vc, sizeof(vc), "PXEClient");
		break;
	default:
		snprintf(vc, sizeof(vc), rnd(4) ? "PXEClient:Arch:%05u" : "MSFT 5.0",
			 arch);
	}
	tpkt_opt_str(&pkt, DPXE_OPT_VENDOR_CLASS, vc);
	if (rnd(3)) {
		dpxe_store_be16(a, arch);
		tpkt_opt(&pkt, DPXE_OPT_CLIENT_ARCH, a, 2);
	}
	if (rnd(3) == 0)
		tpkt_opt_str(&pkt, DPXE_OPT_USER_CLASS, "iPXE");
	switch (rnd(4)) {
	case 0:
		break;
	case 3:
		tpkt_opt(&pkt, DPXE_OPT_CLIENT_UUID, uuid, 16); /* odd length */
		break;
	default:
		for (int i = 0; i < 17; i++)
			uuid[i] = (uint8_t)(i ? rnd(256) : 0);
		tpkt_opt(&pkt, DPXE_OPT_CLIENT_UUID, uuid, 17);
	}
	if (type == DPXE_DHCPREQUEST && port == 67) {
		uint32_t sid = rnd(4) ? server_ip : 0x0200000a;

		tpkt_opt(&pkt, DPXE_OPT_SERVER_ID, &sid, 4);
	}
	if (port == 4011 && rnd(2))
		tpkt_opt(&pkt, DPXE_OPT_VENDOR, "\x47\x04\x80\x01\x00\x00\xff", 7);
	if (rnd(4) == 0) {
		uint8_t m[2];

		dpxe_store_be16(m, rnd(2) ? 576 : 1500);
		tpkt_opt(&pkt, DPXE_OPT_MAX_MSG_SIZE, m, 2);
	}
	tpkt_end(&pkt);
	return port;
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
		uint16_t port = make_request(srv.ip);
		size_t cap = rnd(8) ? sizeof(full) : 300 + rnd(300);
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
