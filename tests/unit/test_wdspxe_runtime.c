/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The provider runtime (lib/wdspxe: registry, loader, trace, requests)
 * against real shared-object providers (tests/data/wdspxe), with EAL up
 * (no hugepages, no PCI, no port): a worker context with a mempool and a
 * TX callback that captures frames stands in for the dataplane.
 *
 * The test program exports wds_test_event / wds_test_hold (export_dynamic)
 * for the test providers to report to.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_log.h>
#include <rte_mbuf.h>

#include "test_packets.h"
#include "wds_runtime.h"
#include "wdspxe.h"

/* ---- what the providers report ---- */

static char events[4096];
static pthread_mutex_t ev_lock = PTHREAD_MUTEX_INITIALIZER;

void wds_test_event(const char *who, const char *what);
void wds_test_hold(HANDLE hProvider, HANDLE hReq, PVOID pPacket, ULONG uLen);

void
wds_test_event(const char *who, const char *what)
{
	pthread_mutex_lock(&ev_lock);
	snprintf(events + strlen(events), sizeof(events) - strlen(events), "%s:%s;", who, what);
	pthread_mutex_unlock(&ev_lock);
}

static HANDLE held_prov, held_req;
static PVOID held_pkt;

void
wds_test_hold(HANDLE hProvider, HANDLE hReq, PVOID pPacket, ULONG uLen)
{
	(void)uLen;
	held_prov = hProvider;
	held_req = hReq;
	held_pkt = pPacket;
}

static bool
has_event(const char *e)
{
	bool r;

	pthread_mutex_lock(&ev_lock);
	r = strstr(events, e) != NULL;
	pthread_mutex_unlock(&ev_lock);
	return r;
}

/* ---- a stand-in worker ---- */

static struct rte_mempool *pool;
static struct dpxe_wds_counters ctr;
static struct rte_mbuf *sent[256];
static unsigned int n_sent;
static struct dpxe_wds_worker *ww;
static struct dpxe_config *cfg;
static const uint8_t srv_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
#define SRV_IP 0x0100000au /* 10.0.0.1, network order on little endian */

static void
tx_capture(void *ctx, struct rte_mbuf *m)
{
	(void)ctx;
	if (n_sent < 256)
		sent[n_sent++] = m;
	else
		rte_pktmbuf_free(m);
}

static void
sent_clear(void)
{
	for (unsigned int i = 0; i < n_sent; i++)
		rte_pktmbuf_free(sent[i]);
	n_sent = 0;
}

#define BASE_YAML \
	"server:\n  ports:\n    - ip: 10.0.0.1\n      prefix: 24\n" \
	"dataplane:\n  ports:\n    - name: p\n      devargs: net_null0\n" \
	"providers:\n"

static char *
prov_yaml(const char *name, const char *module, bool critical, const char *settings)
{
	static char buf[8][512];
	static unsigned int k;
	char *b = buf[k++ % 8];

	snprintf(b, 512, "  - name: %s\n    module: %s\n    critical: %s\n"
		 "    settings:\n      name: %s\n%s",
		 name, module, critical ? "true" : "false", name, settings ? settings : "");
	return b;
}

/* Load a chain; returns dpxe_wds_load's result, err filled. */
static int
load_chain(char *err, size_t len, ...)
{
	char yaml[8192] = BASE_YAML;
	const char *p;
	va_list ap;
	int rc;

	va_start(ap, len);
	while ((p = va_arg(ap, const char *)) != NULL)
		strcat(yaml, p);
	va_end(ap);
	dpxe_wds_unload();
	dpxe_config_free(cfg);
	cfg = NULL;
	assert_int_equal(dpxe_config_parse("test.yaml", yaml, strlen(yaml), &cfg, NULL), 0);
	err[0] = '\0';
	rc = dpxe_wds_load(cfg, "/etc/dpxe/test.yaml", srv_mac, err, len);
	return rc;
}

static void
worker_up(uint32_t timeout_ms)
{
	struct dpxe_wds_worker_conf c = {
		.index = 0, .socket = 0, .pool = pool, .src_mac = srv_mac,
		.src_ip = SRV_IP, .tx = tx_capture, .counters = &ctr,
		.timeout_ms = timeout_ms,
	};

	memset(&ctr, 0, sizeof(ctr));
	ww = dpxe_wds_worker_create(&c);
	assert_non_null(ww);
}

static void
worker_down(void)
{
	dpxe_wds_worker_free(ww);
	ww = NULL;
	sent_clear();
}

static int
setup(void **state)
{
	(void)state;
	events[0] = '\0';
	held_req = held_prov = held_pkt = NULL;
	worker_up(100);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	dpxe_wds_unload();
	worker_down();
	dpxe_config_free(cfg);
	cfg = NULL;
	return 0;
}

/* A request frame: PXE DISCOVER, plain DHCP DISCOVER, or BOOTP (no 53). */
enum kind { PXE, DHCP, BOOTP };

static void
request(enum kind k)
{
	struct tpkt p;
	uint8_t frame[2048];
	struct dpxe_frame f;
	struct rte_mbuf *m;
	size_t len;

	if (k == PXE) {
		tpkt_pxe_discover(&p, 0);
	} else {
		tpkt_dhcp_init(&p, k == DHCP ? DPXE_DHCPDISCOVER : 0);
		tpkt_end(&p);
	}
	len = tpkt_frame(frame, sizeof(frame), p.buf, p.len, 0, 0xffffffffu, 68, 67, 0);
	m = rte_pktmbuf_alloc(pool);
	assert_non_null(m);
	memcpy(rte_pktmbuf_mtod(m, void *), frame, len);
	m->data_len = (uint16_t)len;
	m->pkt_len = (uint32_t)len;
	assert_int_equal(dpxe_frame_parse(rte_pktmbuf_mtod(m, uint8_t *), (uint32_t)len, 0, &f),
			 DPXE_DROP_OK);
	dpxe_wds_dispatch(ww, m, &f);
}

static void
poll_until(bool (*done)(void), unsigned int max_ms)
{
	uint64_t end = rte_rdtsc() + rte_get_tsc_hz() / 1000 * max_ms;

	while (!done() && rte_rdtsc() < end) {
		dpxe_wds_poll(ww, rte_rdtsc());
		usleep(200);
	}
	dpxe_wds_poll(ww, rte_rdtsc());
}

/* ---- registry ---- */

static const char *tmp_yaml = "/tmp/dpxe-test-registry.yaml";

static void
test_registry_edit(void **state)
{
	FILE *f = fopen(tmp_yaml, "w");
	HANDLE en, en2;
	PPXE_PROVIDER pi;
	ULONG idx = 99;
	HKEY key = NULL;
	struct dpxe_config *c = NULL;
	char text[8192];
	size_t n;

	(void)state;
	assert_non_null(f);
	fprintf(f, "# top comment kept\n" BASE_YAML
		"  - name: first\n    module: /x/first.so\n    settings:\n      root: /srv\n"
		"# a comment about log, kept\nlog:\n  level: info\n");
	fclose(f);

	assert_int_equal(PxeProviderRegister(L"a", L"/x/a.so", 0, FALSE, NULL), ERROR_NOT_FOUND);
	assert_int_equal(DpxeProviderRegistryOpen("/nonexistent/x.yaml"), ERROR_FILE_NOT_FOUND);
	assert_int_equal(DpxeProviderRegistryOpen(tmp_yaml), ERROR_SUCCESS);
	assert_int_equal(DpxeProviderRegistryOpen(tmp_yaml), ERROR_ALREADY_EXISTS);
	assert_int_equal(PxeProviderQueryIndex(L"first", &idx), ERROR_SUCCESS);
	assert_int_equal(idx, 0);
	assert_int_equal(PxeProviderQueryIndex(L"nope", &idx), ERROR_NOT_FOUND);
	assert_int_equal(PxeProviderQueryIndex(NULL, &idx), ERROR_INVALID_PARAMETER);
	assert_int_equal(PxeProviderRegister(L"top", L"/x/top.so", PXE_REG_INDEX_TOP, TRUE, &key),
			 ERROR_SUCCESS);
	assert_non_null(key);
	assert_null(DpxeProviderGetSetting(key, "root"));
	assert_string_equal(DpxeProviderGetSetting(key, "dpxe.config"), tmp_yaml);
	assert_int_equal(DpxeProviderCloseKey(key), ERROR_SUCCESS);
	assert_null(DpxeProviderGetSetting(NULL, "root"));
	assert_int_equal(PxeProviderRegister(L"top", L"/x/y.so", 0, TRUE, NULL), ERROR_ALREADY_EXISTS);
	assert_int_equal(PxeProviderRegister(L"bad name", L"/x/y.so", 0, TRUE, NULL),
			 ERROR_INVALID_PARAMETER);
	assert_int_equal(PxeProviderRegister(L"last", L"/x/l\u00e9.so", PXE_REG_INDEX_BOTTOM,
					     FALSE, NULL), ERROR_SUCCESS);
	assert_int_equal(PxeProviderQueryIndex(L"first", &idx), ERROR_SUCCESS);
	assert_int_equal(idx, 1);

	assert_int_equal(PxeProviderEnumFirst(&en), ERROR_SUCCESS);
	assert_int_equal(PxeProviderEnumFirst(&en2), ERROR_SUCCESS);
	assert_int_equal(PxeProviderEnumNext(en, &pi), ERROR_SUCCESS);
	assert_int_equal(pi->uSizeOfStruct, sizeof(PXE_PROVIDER));
	assert_true(wcscmp(pi->pwszName, L"top") == 0);
	assert_true(pi->bIsCritical);
	assert_int_equal(pi->uIndex, 0);
	assert_int_equal(PxeProviderFreeInfo(pi), ERROR_SUCCESS);
	assert_int_equal(PxeProviderEnumNext(en, &pi), ERROR_SUCCESS);
	assert_true(wcscmp(pi->pwszFilePath, L"/x/first.so") == 0);
	PxeProviderFreeInfo(pi);
	assert_int_equal(PxeProviderEnumNext(en, &pi), ERROR_SUCCESS);
	assert_true(wcscmp(pi->pwszFilePath, L"/x/l\u00e9.so") == 0);
	assert_false(pi->bIsCritical);
	PxeProviderFreeInfo(pi);
	assert_int_equal(PxeProviderEnumNext(en, &pi), ERROR_NO_MORE_ITEMS);
	assert_null(pi);
	assert_int_equal(PxeProviderEnumClose(en), ERROR_SUCCESS);
	assert_int_equal(PxeProviderEnumClose(en), ERROR_INVALID_HANDLE);
	assert_int_equal(PxeProviderEnumNext(en, &pi), ERROR_INVALID_HANDLE);
	assert_int_equal(PxeProviderEnumClose((HANDLE)0x1234), ERROR_INVALID_HANDLE);
	assert_int_equal(PxeProviderEnumClose(en2), ERROR_SUCCESS);
	assert_int_equal(PxeProviderFreeInfo(NULL), ERROR_INVALID_PARAMETER);

	assert_int_equal(PxeProviderUnRegister(L"nope"), ERROR_NOT_FOUND);
	assert_int_equal(PxeProviderUnRegister(L"top"), ERROR_SUCCESS);
	assert_int_equal(DpxeProviderRegistryClose(), ERROR_SUCCESS);
	assert_int_equal(DpxeProviderRegistryClose(), ERROR_NOT_FOUND);

	/* the file loads, in the new order, settings and comments kept */
	assert_int_equal(dpxe_config_load(tmp_yaml, &c, NULL), 0);
	assert_int_equal(c->providers_count, 2);
	assert_string_equal(c->providers[0].name, "first");
	assert_string_equal(c->providers[0].settings[0].value, "/srv");
	assert_string_equal(c->providers[1].name, "last");
	assert_false(c->providers[1].critical);
	assert_int_equal(c->log.level, DPXE_CONFIG_LOG_INFO);
	dpxe_config_free(c);
	f = fopen(tmp_yaml, "r");
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	assert_non_null(strstr(text, "# top comment kept"));
	assert_non_null(strstr(text, "# a comment about log, kept\nlog:"));
	unlink(tmp_yaml);
}

/* ---- loader ---- */

static void
test_loader_errors(void **state)
{
	char err[1024];

	(void)state;
	assert_int_equal(load_chain(err, sizeof(err), prov_yaml("gone", "/nonexistent/p.so", true, NULL),
				    NULL), -1);
	assert_non_null(strstr(err, "gone (module /nonexistent/p.so)"));
	assert_non_null(strstr(err, "event 259"));
	assert_non_null(strstr(err, "No such file"));

	assert_int_equal(load_chain(err, sizeof(err), prov_yaml("noexp", NOEXPORT_SO, true, NULL), NULL), -1);
	assert_non_null(strstr(err, "PxeProviderInitialize (event 260)"));

	assert_int_equal(load_chain(err, sizeof(err),
				    prov_yaml("failer", TESTPROV_SO, true, "      mode: fail_init\n"),
				    NULL), -1);
	assert_non_null(strstr(err, "failed with error 13 (event 261)"));

	assert_int_equal(load_chain(err, sizeof(err),
				    prov_yaml("halfway", TESTPROV_SO, true, "      mode: no_shutdown\n"),
				    NULL), -1);
	assert_non_null(strstr(err, "SHUTDOWN callback (event 263)"));

	/* non-critical failures are skipped; the good one runs */
	events[0] = '\0';
	assert_int_equal(load_chain(err, sizeof(err),
				    prov_yaml("gone", "/nonexistent/p.so", false, NULL),
				    prov_yaml("noexp", NOEXPORT_SO, false, NULL),
				    prov_yaml("good", TESTPROV_SO, true, NULL), NULL), 1);
	assert_int_equal(dpxe_wds_active(), 1);
	dpxe_wds_unload();
	assert_int_equal(dpxe_wds_active(), 0);
	assert_true(has_event("init:good;good:shutdown;"));

	/* DpxeProviderEnumSetting: every setting, in file order, then the end */
	events[0] = '\0';
	assert_int_equal(load_chain(err, sizeof(err),
				    prov_yaml("lister", TESTPROV_SO, true,
					      "      enum: yes\n      root: /srv\n"),
				    NULL), 1);
	dpxe_wds_unload();
	assert_true(has_event("settings:name=lister,enum=yes,root=/srv,;"));
	{
		LPCSTR k, v;

		assert_int_equal(DpxeProviderEnumSetting(NULL, 0, &k, &v),
				 ERROR_INVALID_PARAMETER);
	}

	/* nothing left: event 268 */
	assert_int_equal(load_chain(err, sizeof(err),
				    prov_yaml("gone", "/nonexistent/p.so", false, NULL), NULL), -1);
	assert_non_null(strstr(err, "event 268"));
}

/* ---- chain ---- */

static bool sent1(void) { return n_sent >= 1; }

static void
test_chain_order(void **state)
{
	char err[1024];
	struct dpxe_frame f;

	(void)state;
	assert_int_equal(load_chain(err, sizeof(err),
				    prov_yaml("A", TESTPROV_SO, true, "      mode: reject\n"),
				    prov_yaml("B", TESTPROV_SO, true, "      mode: error\n"),
				    prov_yaml("C", TESTPROV_SO, true, "      mode: nbp\n      filter: pxe\n"),
				    prov_yaml("D", TESTPROV_SO, true, "      mode: ignore\n"),
				    NULL), 4);
	events[0] = '\0';
	request(PXE);
	assert_string_equal(events, "A:recv;B:recv;C:recv;C:sent;");
	assert_int_equal(n_sent, 1);
	assert_int_equal(ctr.replies, 1);
	/* proxyDHCP reply to a broadcast DISCOVER: broadcast to :68 */
	assert_int_equal(dpxe_frame_parse(rte_pktmbuf_mtod(sent[0], uint8_t *),
					  rte_pktmbuf_data_len(sent[0]), 0, &f), DPXE_DROP_OK);
	assert_int_equal(f.ip_dst, 0xffffffffu);
	assert_int_equal(f.dst_port, 68);
	assert_int_equal(f.src_port, 67);
	assert_int_equal(f.ip_src, SRV_IP);
	assert_memory_equal(f.data + 6, srv_mac, 6);
	sent_clear();

	/* not PXE: C's filter skips it, D ignores it */
	events[0] = '\0';
	request(DHCP);
	assert_string_equal(events, "A:recv;B:recv;D:recv;");
	assert_int_equal(ctr.ignored, 1);
	assert_int_equal(n_sent, 0);
	(void)sent1;
}

static void
test_chain_filters_and_rejected_all(void **state)
{
	char err[1024];

	(void)state;
	assert_int_equal(load_chain(err, sizeof(err),
				    prov_yaml("dhcponly", TESTPROV_SO, true,
					      "      mode: reject\n      filter: dhcp\n"),
				    prov_yaml("all", TESTPROV_SO, true, "      mode: reject\n"), NULL), 2);
	events[0] = '\0';
	request(BOOTP); /* no option 53: only the ALL provider sees it */
	assert_string_equal(events, "all:recv;");
	assert_int_equal(ctr.rejected_all, 1);
	events[0] = '\0';
	request(DHCP);
	assert_string_equal(events, "dhcponly:recv;all:recv;");
	assert_int_equal(ctr.rejected_all, 2);
	assert_int_equal(ctr.requests, 2);
}

/* ---- async from a provider thread ---- */

static bool async_done(void) { return has_event("async-done") && n_sent >= 1; }

static void
test_async_thread(void **state)
{
	char err[1024];

	(void)state;
	assert_int_equal(load_chain(err, sizeof(err),
				    prov_yaml("slow", TESTPROV_SO, true,
					      "      mode: async\n      action: 4\n"),
				    prov_yaml("next", TESTPROV_SO, true, "      mode: ignore\n"), NULL), 2);
	events[0] = '\0';
	request(PXE);
	assert_int_equal(strncmp(events, "slow:recv;", 10), 0); /* the thread may be quick */
	assert_false(has_event("next:recv;"));
	poll_until(async_done, 2000);
	/* the reply came through the ring, then REJECTED moved on to "next" */
	assert_true(has_event("slow:async-sent;"));
	assert_int_equal(n_sent, 1);
	assert_true(has_event("next:recv;"));
	assert_int_equal(ctr.ignored, 1);
	assert_int_equal(ctr.timeouts, 0);
}

/* ---- ownership, by hand on a held request ---- */

static void
hold_one(void)
{
	char err[1024];

	assert_int_equal(load_chain(err, sizeof(err),
				    prov_yaml("holder", TESTPROV_SO, true, "      mode: hold\n"), NULL), 1);
	request(PXE);
	assert_non_null(held_req);
}

static void
test_ownership(void **state)
{
	PVOID a, b, c;
	uint8_t stack_buf[64];
	void *heap = malloc(300);
	PXE_ADDRESS addr = { .uFlags = PXE_ADDR_USE_ADDR | PXE_ADDR_USE_PORT,
			     .uAddrLen = 4, .uPort = 4011 };

	(void)state;
	hold_one();
	a = PxePacketAllocate(held_prov, held_req, 300);
	b = PxePacketAllocate(held_prov, held_req, 300);
	c = PxePacketAllocate(held_prov, held_req, 300);
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	memset(a, 0x5a, 300);
	/* send then free */
	memcpy(addr.bAddress, "\x0a\x00\x00\x63", 4);
	assert_int_equal(PxeSendReply(held_req, a, 300, &addr), ERROR_SUCCESS);
	assert_int_equal(PxePacketFree(held_prov, held_req, a), ERROR_SUCCESS);
	/* free then the (queued) send still goes out intact */
	memset(b, 0x6b, 300);
	assert_int_equal(PxeSendReply(held_req, b, 300, NULL), ERROR_SUCCESS);
	assert_int_equal(PxePacketFree(held_prov, held_req, b), ERROR_SUCCESS);
	/* double free, foreign pointers, NULL: refused and counted */
	assert_int_equal(PxePacketFree(held_prov, held_req, a), ERROR_INVALID_PARAMETER);
	assert_int_equal(PxePacketFree(held_prov, held_req, stack_buf), ERROR_INVALID_PARAMETER);
	assert_int_equal(PxePacketFree(held_prov, held_req, heap), ERROR_INVALID_PARAMETER);
	assert_int_equal(PxePacketFree(held_prov, held_req, (uint8_t *)c + 1), ERROR_INVALID_PARAMETER);
	assert_int_equal(PxePacketFree(held_prov, held_req, NULL), ERROR_INVALID_PARAMETER);
	assert_int_equal(PxePacketFree(NULL, held_req, c), ERROR_INVALID_HANDLE);
	assert_int_equal(ctr.double_free, 4);
	/* bad sends */
	addr.uFlags = PXE_ADDR_BROADCAST | PXE_ADDR_USE_ADDR;
	assert_int_equal(PxeSendReply(held_req, c, 300, &addr), ERROR_INVALID_PARAMETER);
	addr.uFlags = PXE_ADDR_USE_ADDR;
	addr.uAddrLen = 16;
	assert_int_equal(PxeSendReply(held_req, c, 300, &addr), ERROR_NOT_SUPPORTED);
	assert_int_equal(PxeSendReply(held_req, NULL, 300, NULL), ERROR_INVALID_PARAMETER);
	assert_int_equal(PxeSendReply(held_req, c, 0, NULL), ERROR_INVALID_PARAMETER);
	assert_int_equal(PxeSendReply(held_req, c, 5000, NULL), ERROR_INVALID_PARAMETER);
	/* allocation limits */
	assert_null(PxePacketAllocate(held_prov, held_req, DPXE_WDS_MAX_PAYLOAD + 1));
	assert_int_equal(GetLastError(), ERROR_NOT_ENOUGH_MEMORY);
	assert_null(PxePacketAllocate(held_prov, held_req, 0));
	assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
	assert_null(PxePacketAllocate((HANDLE)heap, held_req, 10));
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);

	/* the two sends arrive through the ring on the next poll */
	dpxe_wds_poll(ww, rte_rdtsc());
	assert_int_equal(n_sent, 2);
	{
		struct dpxe_frame f;

		dpxe_frame_parse(rte_pktmbuf_mtod(sent[0], uint8_t *),
				 rte_pktmbuf_data_len(sent[0]), 0, &f);
		assert_int_equal(f.ip_dst, 0x6300000au);
		assert_int_equal(f.dst_port, 4011);
		assert_int_equal(f.payload_len, 300);
		assert_int_equal(dpxe_frame_payload(&f)[299], 0x5a);
		dpxe_frame_parse(rte_pktmbuf_mtod(sent[1], uint8_t *),
				 rte_pktmbuf_data_len(sent[1]), 0, &f);
		assert_int_equal(f.ip_dst, 0xffffffffu); /* source 0.0.0.0: broadcast */
		assert_int_equal(f.dst_port, 68);
		assert_int_equal(dpxe_frame_payload(&f)[0], 0x6b);
	}
	/* complete; c is leaked and reclaimed at the end of the turn */
	assert_int_equal(PxeAsyncRecvDone(held_req, PXE_BA_CUSTOM), ERROR_SUCCESS);
	assert_int_equal(PxeAsyncRecvDone(held_req, PXE_BA_CUSTOM), ERROR_INVALID_HANDLE);
	dpxe_wds_poll(ww, rte_rdtsc());
	assert_int_equal(ctr.leaks_reclaimed, 1);
	assert_int_equal(ctr.late_done, 1);
	/* everything about the finished request is refused */
	assert_int_equal(PxePacketFree(held_prov, held_req, c), ERROR_INVALID_PARAMETER);
	assert_int_equal(PxeSendReply(held_req, heap, 10, NULL), ERROR_INVALID_HANDLE);
	assert_null(PxePacketAllocate(held_prov, held_req, 10));
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
	assert_int_equal(PxeAsyncRecvDone(held_req, PXE_BA_NBP), ERROR_INVALID_HANDLE);
	assert_int_equal(ctr.send_after_end, 2);
	assert_int_equal(ctr.late_done, 2);
	free(heap);
	/* every mbuf is back: the pool is full again (captured ones aside) */
	sent_clear();
	assert_int_equal(rte_mempool_in_use_count(pool), 0);
}

static void
test_api_misc(void **state)
{
	BOOL on = FALSE;
	BYTE duid[16];
	ULONG used = 0, f = PXE_PROV_FILTER_PXE_ONLY;

	(void)state;
	hold_one();
	assert_int_equal(PxeTrace(NULL, PXE_TRACE_ERROR, L"null handle %s %S %lu", L"wide",
				  "narrow", 7u), ERROR_SUCCESS);
	assert_int_equal(PxeTrace(held_prov, PXE_TRACE_VERBOSE, L"verbose, off"), ERROR_SUCCESS);
	assert_int_equal(PxeTrace(held_prov, PXE_TRACE_INFO, NULL), ERROR_INVALID_PARAMETER);
	assert_int_equal(PxeGetServerInfo(PXE_GSI_TRACE_ENABLED, &on, sizeof(on)), ERROR_SUCCESS);
	assert_true(on);
	assert_int_equal(PxeGetServerInfo(PXE_GSI_SERVER_DUID, duid, sizeof(duid)),
			 ERROR_INVALID_PARAMETER);
	assert_int_equal(PxeGetServerInfo(PXE_GSI_TRACE_ENABLED, &on, 2), ERROR_INSUFFICIENT_BUFFER);
	assert_int_equal(PxeGetServerInfoEx(PXE_GSI_SERVER_DUID, duid, 4, &used),
			 ERROR_INSUFFICIENT_BUFFER);
	assert_int_equal(used, 10);
	assert_int_equal(PxeGetServerInfoEx(PXE_GSI_SERVER_DUID, duid, sizeof(duid), &used),
			 ERROR_SUCCESS);
	assert_int_equal(used, 10);
	assert_memory_equal(duid, "\x00\x03\x00\x01\x02\x00\x00\x00\x00\x01", 10);
	assert_int_equal(PxeGetServerInfoEx(99, duid, sizeof(duid), &used), ERROR_INVALID_PARAMETER);
	assert_int_equal(PxeGetServerInfoEx(PXE_GSI_TRACE_ENABLED, duid, sizeof(duid), NULL),
			 ERROR_INVALID_PARAMETER);

	assert_int_equal(PxeRegisterCallback(NULL, 0, (PVOID)test_api_misc, NULL), ERROR_INVALID_HANDLE);
	assert_int_equal(PxeRegisterCallback(held_prov, PXE_CALLBACK_MAX, (PVOID)test_api_misc, NULL),
			 ERROR_INVALID_PARAMETER);
	assert_int_equal(PxeRegisterCallback(held_prov, 0, (PVOID)test_api_misc, NULL),
			 ERROR_NOT_SUPPORTED); /* only inside PxeProviderInitialize */
	assert_int_equal(PxeProviderSetAttribute(held_prov, PXE_PROV_ATTR_FILTER, &f, sizeof(f)),
			 ERROR_SUCCESS);
	f = 9;
	assert_int_equal(PxeProviderSetAttribute(held_prov, PXE_PROV_ATTR_FILTER, &f, sizeof(f)),
			 ERROR_INVALID_PARAMETER);
	assert_int_equal(PxeProviderSetAttribute(held_prov, 7, &f, sizeof(f)), ERROR_INVALID_PARAMETER);
	assert_int_equal(PxeProviderSetAttribute(held_prov, PXE_PROV_ATTR_FILTER, &f, 2),
			 ERROR_INVALID_PARAMETER);
	assert_int_equal(PxeProviderSetAttribute((HANDLE)&f, PXE_PROV_ATTR_IPV6_CAPABLE, &on,
						 sizeof(on)), ERROR_INVALID_HANDLE);
	assert_int_equal(PxeProviderSetAttribute(held_prov, PXE_PROV_ATTR_IPV6_CAPABLE, &on,
						 sizeof(on)), ERROR_SUCCESS);
	assert_int_equal(PxeAsyncRecvDone(NULL, PXE_BA_NBP), ERROR_INVALID_HANDLE);
	assert_int_equal(PxeAsyncRecvDone((HANDLE)(uintptr_t)0xdeadbeef00ull, PXE_BA_NBP),
			 ERROR_INVALID_HANDLE);
	assert_int_equal(PxeSendReply(NULL, duid, 10, NULL), ERROR_INVALID_HANDLE);
	/* a bad action through the async path: counted, dropped */
	assert_int_equal(PxeAsyncRecvDone(held_req, 12345), ERROR_SUCCESS);
	dpxe_wds_poll(ww, rte_rdtsc());
	assert_int_equal(ctr.bad_action, 1);
}

/* ---- the hostile provider ---- */

static void
hostile(const char *mode, unsigned int requests)
{
	char err[1024], s[64];

	snprintf(s, sizeof(s), "      mode: %s\n", mode);
	assert_int_equal(load_chain(err, sizeof(err), prov_yaml("hostile", HOSTILE_SO, true, s),
				    NULL), 1);
	events[0] = '\0';
	for (unsigned int i = 0; i < requests; i++)
		request(PXE);
	dpxe_wds_poll(ww, rte_rdtsc());
}

static void
test_hostile_leak(void **state)
{
	(void)state;
	hostile("leak", 2);
	assert_int_equal(ctr.leaks_reclaimed, 6);
	assert_int_equal(rte_mempool_in_use_count(pool), 0);
}

static void
test_hostile_never(void **state)
{
	(void)state;
	hostile("never", 3);
	assert_int_equal(dpxe_wds_poll(ww, rte_rdtsc()), 3);
	/* 100 ms later (the worker's timeout) they are gone */
	dpxe_wds_poll(ww, rte_rdtsc() + rte_get_tsc_hz() / 5);
	assert_int_equal(ctr.timeouts, 3);
	assert_int_equal(dpxe_wds_poll(ww, rte_rdtsc()), 0);
	assert_int_equal(rte_mempool_in_use_count(pool), 0);
}

static void
test_hostile_bad_action(void **state)
{
	(void)state;
	hostile("bad_action", 2);
	assert_int_equal(ctr.bad_action, 2);
	assert_int_equal(ctr.rejected_all, 0);
}

static void
test_hostile_flood(void **state)
{
	(void)state;
	hostile("flood", 1);
	assert_int_equal(ctr.replies, DPXE_WDS_MAX_SENDS);
	assert_int_equal(n_sent, DPXE_WDS_MAX_SENDS);
	assert_int_equal(ctr.send_flood, 50 - DPXE_WDS_MAX_SENDS);
	sent_clear();
	assert_int_equal(rte_mempool_in_use_count(pool), 0);
}

static void
test_hostile_double_free(void **state)
{
	(void)state;
	hostile("double_free", 1);
	assert_true(has_event("hostile:freed;hostile:double-refused;hostile:foreign-refused;"));
	assert_int_equal(ctr.double_free, 2);
}

static void
test_hostile_after_end(void **state)
{
	(void)state;
	hostile("after_end", 3);
	assert_true(has_event("send-refused;hostile:free-refused;hostile:done-refused;"
			      "hostile:alloc-refused;"));
	assert_int_equal(ctr.send_after_end, 4);  /* 2 sends, 2 allocs */
	assert_int_equal(ctr.double_free, 2);
	assert_int_equal(ctr.late_done, 2);
	assert_int_equal(ctr.leaks_reclaimed, 3);
	assert_int_equal(rte_mempool_in_use_count(pool), 0);
}

int
main(void)
{
	char *eal[] = { "test", "--no-huge", "-m", "256", "--no-pci", "--file-prefix",
			"dpxe_test_wds_rt", "-l", "0", "--log-level", "lib.*:error", NULL };
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry_edit),
		cmocka_unit_test_setup_teardown(test_loader_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chain_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chain_filters_and_rejected_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_async_thread, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ownership, setup, teardown),
		cmocka_unit_test_setup_teardown(test_api_misc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_leak, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_never, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_bad_action, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_flood, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_double_free, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_after_end, setup, teardown),
	};
	int rc;

	if (rte_eal_init((int)(sizeof(eal) / sizeof(eal[0]) - 1), eal) < 0) {
		fprintf(stderr, "EAL init failed\n");
		return 1;
	}
	rte_log_set_level_pattern("dpxe.*", RTE_LOG_INFO);
	pool = rte_pktmbuf_pool_create("t_pool", 1023, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	if (pool == NULL)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	rte_mempool_free(pool);
	rte_eal_cleanup();
	return rc;
}
