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

#include "checksum.h"
#include "dhcp.h"
#include "ipv6.h"
#include "net.h"
#include "test_packets.h"
#include "wds_runtime.h"
#include "wdspxe.h"

/* ---- what the providers report ---- */

static char events[4096];
static unsigned int reload_events; /* "control-6" reports, under ev_lock */
static pthread_mutex_t ev_lock = PTHREAD_MUTEX_INITIALIZER;

void wds_test_event(const char *who, const char *what);
void wds_test_hold(HANDLE hProvider, HANDLE hReq, PVOID pPacket, ULONG uLen);
unsigned long wds_test_dhcp_msg_size(void);

/* for a test provider registering dpxe's own callback: lib/dhcp's size */
unsigned long
wds_test_dhcp_msg_size(void)
{
	return sizeof(struct dpxe_dhcp_msg);
}

void
wds_test_event(const char *who, const char *what)
{
	pthread_mutex_lock(&ev_lock);
	snprintf(events + strlen(events), sizeof(events) - strlen(events), "%s:%s;", who, what);
	if (strcmp(what, "control-6") == 0)
		reload_events++;
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
static uint64_t by_type[DPXE_DHCP_MSG_TYPE_MAX + 1];
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
		.timeout_ms = timeout_ms, .replies_by_type = by_type,
	};

	memset(&ctr, 0, sizeof(ctr));
	memset(by_type, 0, sizeof(by_type));
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

/*
 * A request frame: PXE DISCOVER, plain DHCP DISCOVER, BOOTP (no 53), and
 * three corners where dpxe_dhcp_parse and PxeDhcpIsValid disagree: a PXE
 * DISCOVER without an End option (DHCP to dpxe, not to IsValid), one with
 * htype 6 (not DHCP to dpxe, DHCP to IsValid), and one whose last option
 * runs past the end (neither).
 */
enum kind { PXE, DHCP, BOOTP, PXE_NO_END, PXE_HTYPE6, TRUNCATED };

static void
make_payload(enum kind k, struct tpkt *p)
{
	switch (k) {
	case PXE:
		tpkt_pxe_discover(p, 0);
		break;
	case PXE_NO_END:
		tpkt_dhcp_init(p, DPXE_DHCPDISCOVER);
		tpkt_opt_str(p, DPXE_OPT_VENDOR_CLASS, "PXEClient:Arch:00000:UNDI:002001");
		break;
	case PXE_HTYPE6:
		tpkt_pxe_discover(p, 0);
		p->buf[DPXE_BOOTP_HTYPE] = 6;
		break;
	case TRUNCATED:
		tpkt_dhcp_init(p, DPXE_DHCPDISCOVER);
		tpkt_byte(p, DPXE_OPT_VENDOR_CLASS);
		tpkt_byte(p, 50);
		tpkt_byte(p, 'P');
		break;
	default:
		tpkt_dhcp_init(p, k == DHCP ? DPXE_DHCPDISCOVER : 0);
		tpkt_end(p);
	}
}

static void
request(enum kind k)
{
	struct tpkt p;
	uint8_t frame[2048];
	struct dpxe_frame f;
	struct rte_mbuf *m;
	size_t len;

	make_payload(k, &p);
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

/* A DHCPv6 request as a client sends it: from its link-local address to
 * ff02::1:2, 546 -> 547. valid: a SOLICIT with a Client Identifier and a
 * PXEClient vendor class; else one without the Client Identifier RFC 8415
 * requires (PxeDhcpv6IsValid refuses it). */
static const uint8_t client_ll[16] = { 0xfe, 0x80, [8] = 0x50, 0x54, 0x00, 0xff, 0xfe,
				       0x12, 0x34, 0x56 };

static void
request6(bool valid)
{
	static const uint8_t ok[] = {
		1, 0xab, 0xcd, 0xef,
		0, 1, 0, 10, 0, 3, 0, 1, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
		0, 16, 0, 19, 0, 0, 0x01, 0x37, 0, 13, 'P', 'X', 'E', 'C', 'l', 'i', 'e', 'n',
		't', ':', 'A', 'r', 'c',
	};
	static const uint8_t no_duid[] = { 1, 0xab, 0xcd, 0xef, 0, 8, 0, 2, 0, 0 };
	struct dpxe_udp6_spec s = {
		.dst_mac = { 0x33, 0x33, 0x00, 0x01, 0x00, 0x02 },
		.src_port = 546, .dst_port = 547, .hop_limit = 1,
	};
	const uint8_t *pl = valid ? ok : no_duid;
	size_t pl_len = valid ? sizeof(ok) : sizeof(no_duid), len;
	struct dpxe_frame f;
	struct dpxe_udp6 u;
	struct rte_mbuf *m;
	uint8_t *frame;

	memcpy(s.src_mac, tpkt_client_mac, 6);
	memcpy(s.src, client_ll, 16);
	memcpy(s.dst, dpxe_ipv6_all_dhcp_agents, 16);
	m = rte_pktmbuf_alloc(pool);
	assert_non_null(m);
	frame = rte_pktmbuf_mtod(m, uint8_t *);
	memcpy(frame + dpxe_udp6_header_len(&s), pl, pl_len);
	len = dpxe_udp6_write(frame, rte_pktmbuf_tailroom(m), &s, pl_len, DPXE_NO_SUM);
	assert_true(len > 0);
	m->data_len = (uint16_t)len;
	m->pkt_len = (uint32_t)len;
	assert_int_equal(dpxe_frame_parse(frame, (uint32_t)len, 0, &f),
			 DPXE_DROP_ETHERTYPE_UNSUPPORTED);
	assert_int_equal(dpxe_udp6_parse(&f, 0, &u), DPXE_DROP_OK);
	dpxe_wds_dispatch6(ww, m, &f, &u);
}

/* A captured reply as IPv6/UDP, checksum verified. */
static void
sent6(unsigned int i, struct dpxe_frame *f, struct dpxe_udp6 *u)
{
	assert_int_equal(dpxe_frame_parse(rte_pktmbuf_mtod(sent[i], uint8_t *),
					  rte_pktmbuf_data_len(sent[i]), 0, f),
			 DPXE_DROP_ETHERTYPE_UNSUPPORTED);
	assert_int_equal(dpxe_udp6_parse(f, 0, u), DPXE_DROP_OK);
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
	/* counted by DHCP type, as the built-in path counts its replies */
	assert_int_equal(by_type[DPXE_DHCPOFFER], 1);
	assert_int_equal(by_type[DPXE_DHCP_BOOTP], 0);
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

/* The filters read the worker's one parse (dpxe_dhcp_parse), not
 * PxeDhcpIsValid: the documented differences, both ways. */
static void
test_chain_filters_follow_dpxe_parse(void **state)
{
	char err[1024];
	struct tpkt p;
	BOOL pxe;

	(void)state;
	assert_int_equal(load_chain(err, sizeof(err),
				    prov_yaml("dhcponly", TESTPROV_SO, true,
					      "      mode: reject\n      filter: dhcp\n"),
				    prov_yaml("pxeonly", TESTPROV_SO, true,
					      "      mode: reject\n      filter: pxe\n"),
				    prov_yaml("all", TESTPROV_SO, true, "      mode: reject\n"), NULL), 3);

	make_payload(PXE_NO_END, &p);
	assert_int_equal(PxeDhcpIsValid(p.buf, (ULONG)p.len, TRUE, &pxe), ERROR_INVALID_DATA);
	events[0] = '\0';
	request(PXE_NO_END); /* no End: a PXE DHCP request to dpxe */
	assert_string_equal(events, "dhcponly:recv;pxeonly:recv;all:recv;");

	make_payload(PXE_HTYPE6, &p);
	assert_int_equal(PxeDhcpIsValid(p.buf, (ULONG)p.len, TRUE, &pxe), ERROR_SUCCESS);
	assert_true(pxe);
	events[0] = '\0';
	request(PXE_HTYPE6); /* not Ethernet: dpxe would never answer it */
	assert_string_equal(events, "all:recv;");

	events[0] = '\0';
	request(TRUNCATED);
	assert_string_equal(events, "all:recv;");

	events[0] = '\0';
	request(PXE);
	assert_string_equal(events, "dhcponly:recv;pxeonly:recv;all:recv;");
	assert_int_equal(ctr.rejected_all, 4);
}

/* ---- the host's parse, given to providers ---- */

static void
hold_kind(enum kind k)
{
	char err[1024];

	assert_int_equal(load_chain(err, sizeof(err),
				    prov_yaml("holder", TESTPROV_SO, true, "      mode: hold\n"), NULL), 1);
	request(k);
	assert_non_null(held_req);
}

static void
test_request_dhcp_msg(void **state)
{
	const struct dpxe_dhcp_msg *m;
	HANDLE req;

	(void)state;
	hold_kind(PXE);
	m = DpxeRequestDhcpMsg(held_req, DPXE_DHCP_MSG_ABI_VERSION, sizeof(struct dpxe_dhcp_msg));
	assert_non_null(m);
	assert_int_equal(m->msg_type, DPXE_DHCPDISCOVER);
	assert_true(m->vendor_class.pxe_client);
	assert_ptr_equal(m->raw, held_pkt); /* it is pPacket's parse, not a copy's */
	assert_memory_equal(m->chaddr, tpkt_client_mac, 6);
	/* a provider built against another lib/dhcp gets nothing */
	assert_null(DpxeRequestDhcpMsg(held_req, DPXE_DHCP_MSG_ABI_VERSION + 1,
				       sizeof(struct dpxe_dhcp_msg)));
	assert_int_equal(GetLastError(), ERROR_NOT_SUPPORTED);
	assert_null(DpxeRequestDhcpMsg(held_req, DPXE_DHCP_MSG_ABI_VERSION,
				       sizeof(struct dpxe_dhcp_msg) - 8));
	assert_int_equal(GetLastError(), ERROR_NOT_SUPPORTED);
	assert_null(DpxeRequestDhcpMsg(NULL, DPXE_DHCP_MSG_ABI_VERSION,
				       sizeof(struct dpxe_dhcp_msg)));
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
	/* after the turn: stale */
	req = held_req;
	assert_int_equal(PxeAsyncRecvDone(req, PXE_BA_IGNORE), ERROR_SUCCESS);
	dpxe_wds_poll(ww, rte_rdtsc());
	assert_null(DpxeRequestDhcpMsg(req, DPXE_DHCP_MSG_ABI_VERSION,
				       sizeof(struct dpxe_dhcp_msg)));
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);

	/* a request dpxe_dhcp_parse refuses: no parse, and the reason */
	held_req = NULL;
	request(TRUNCATED);
	assert_non_null(held_req);
	assert_null(DpxeRequestDhcpMsg(held_req, DPXE_DHCP_MSG_ABI_VERSION,
				       sizeof(struct dpxe_dhcp_msg)));
	assert_int_equal(GetLastError(), ERROR_INVALID_DATA);
	assert_int_equal(PxeAsyncRecvDone(held_req, PXE_BA_IGNORE), ERROR_SUCCESS);
	dpxe_wds_poll(ww, rte_rdtsc());
}

/* ---- sending the provider's own buffer ---- */

/* A frame sent without a copy has its headers in the provider buffer's
 * headroom; a copy starts at the headroom's end, like any fresh mbuf. */
#define ZERO_COPY_OFF (RTE_PKTMBUF_HEADROOM - 42) /* Ethernet + IPv4 + UDP */

/* The one frame sent: its headers in the sender's buffer's headroom (no
 * copy), TX its only holder, a whole BOOTREPLY frame; parsed into f. */
static void
one_zero_copy_reply(struct dpxe_frame *f)
{
	assert_int_equal(n_sent, 1);
	assert_int_equal(sent[0]->data_off, ZERO_COPY_OFF);
	assert_int_equal(rte_mbuf_refcnt_read(sent[0]), 1);
	assert_int_equal(dpxe_frame_parse(rte_pktmbuf_mtod(sent[0], uint8_t *),
					  rte_pktmbuf_data_len(sent[0]), 0, f), DPXE_DROP_OK);
	assert_int_equal(dpxe_frame_payload(f)[0], DPXE_BOOTP_REPLY);
}

static void
test_send_zero_copy(void **state)
{
	char err[1024];
	struct dpxe_frame f, g;

	(void)state;
	/* the SampleProvider's pattern on the worker: sent as is, then the
	 * provider's free leaves TX the only holder */
	assert_int_equal(load_chain(err, sizeof(err),
				    prov_yaml("A", TESTPROV_SO, true, "      mode: nbp\n"), NULL), 1);
	request(PXE);
	/* the headers did not reach the ownership tag, the frame is whole */
	one_zero_copy_reply(&f);
	sent_clear();

	/* the same buffer twice: the second send finds the first in flight
	 * (TX has not run) and copies; both frames carry the same bytes */
	assert_int_equal(load_chain(err, sizeof(err),
				    prov_yaml("B", TESTPROV_SO, true, "      mode: twice\n"), NULL), 1);
	events[0] = '\0';
	request(PXE);
	assert_string_equal(events, "B:recv;B:sent;B:sent2;");
	assert_int_equal(n_sent, 2);
	assert_int_equal(sent[0]->data_off, ZERO_COPY_OFF);
	assert_int_equal(sent[1]->data_off, RTE_PKTMBUF_HEADROOM);
	assert_int_equal(dpxe_frame_parse(rte_pktmbuf_mtod(sent[0], uint8_t *),
					  rte_pktmbuf_data_len(sent[0]), 0, &f), DPXE_DROP_OK);
	assert_int_equal(dpxe_frame_parse(rte_pktmbuf_mtod(sent[1], uint8_t *),
					  rte_pktmbuf_data_len(sent[1]), 0, &g), DPXE_DROP_OK);
	assert_int_equal(f.payload_len, g.payload_len);
	assert_memory_equal(dpxe_frame_payload(&f), dpxe_frame_payload(&g), f.payload_len);
	assert_int_equal(ctr.replies, 3);
	sent_clear();
	assert_int_equal(rte_mempool_in_use_count(pool), 0);
}

/* From a provider's own thread (here the test's), a send is a copy. */
static void
test_send_from_thread_copies(void **state)
{
	PXE_ADDRESS to = { .uFlags = PXE_ADDR_USE_ADDR | PXE_ADDR_USE_PORT, .uAddrLen = 4,
			   .uPort = 4011, .bAddress = { 10, 0, 0, 99 } };
	struct dpxe_frame f;
	uint8_t *a, *small;

	(void)state;
	hold_kind(PXE);
	a = PxePacketAllocate(held_prov, held_req, 300);
	small = PxePacketAllocate(held_prov, held_req, 100);
	assert_non_null(a);
	assert_non_null(small);
	memset(a, 0x11, 300);
	assert_int_equal(PxeSendReply(held_req, a, 300, &to), ERROR_SUCCESS);
	dpxe_wds_poll(ww, rte_rdtsc()); /* through the ring */
	assert_int_equal(n_sent, 1);
	assert_int_equal(sent[0]->data_off, RTE_PKTMBUF_HEADROOM);
	assert_int_equal(dpxe_frame_parse(rte_pktmbuf_mtod(sent[0], uint8_t *),
					  rte_pktmbuf_data_len(sent[0]), 0, &f), DPXE_DROP_OK);
	assert_ptr_not_equal(dpxe_frame_payload(&f), a);
	assert_int_equal(dpxe_frame_payload(&f)[299], 0x11);
	assert_int_equal(f.ip_dst, 0x6300000au);
	assert_int_equal(f.dst_port, 4011);
	assert_int_equal(PxePacketFree(held_prov, held_req, a), ERROR_SUCCESS);
	/* longer than allocated: refused, not a look past its end */
	assert_int_equal(PxeSendReply(held_req, small, 200, NULL), ERROR_INVALID_PARAMETER);
	assert_int_equal(ctr.send_fail, 1);
	/* a buffer that is not ours (the request itself) is copied too */
	assert_int_equal(PxeSendReply(held_req, held_pkt, 240, NULL), ERROR_SUCCESS);
	dpxe_wds_poll(ww, rte_rdtsc());
	assert_int_equal(n_sent, 2);
	/* small is still held: reclaimed at the end of the turn */
	assert_int_equal(PxeAsyncRecvDone(held_req, PXE_BA_CUSTOM), ERROR_SUCCESS);
	dpxe_wds_poll(ww, rte_rdtsc());
	assert_int_equal(ctr.leaks_reclaimed, 1);
	assert_int_equal(ctr.replies, 2);
	sent_clear();
	assert_int_equal(rte_mempool_in_use_count(pool), 0);
}

/* A sent buffer the provider never frees: the reclaim at the end of the
 * turn drops its reference, TX keeps the frame. */
static void
test_send_then_reclaim(void **state)
{
	char err[1024];

	(void)state;
	assert_int_equal(load_chain(err, sizeof(err),
				    prov_yaml("L", TESTPROV_SO, true, "      mode: send_leak\n"),
				    NULL), 1);
	request(PXE);
	assert_int_equal(n_sent, 1);
	assert_int_equal(sent[0]->data_off, ZERO_COPY_OFF);
	assert_int_equal(ctr.leaks_reclaimed, 1);
	assert_int_equal(rte_mbuf_refcnt_read(sent[0]), 1);
	sent_clear();
	assert_int_equal(rte_mempool_in_use_count(pool), 0);
}

/* Zero-filled buffers, unless the provider promised to write all it sends. */
static void
test_zero_fill(void **state)
{
	static struct rte_mbuf *all[1024];
	unsigned int n = 0;
	BOOL yes = TRUE;
	uint8_t *a, zero[DPXE_WDS_MAX_PAYLOAD] = { 0 };

	(void)state;
	hold_kind(PXE);
	/* every free mbuf of the pool gets garbage in its data room */
	while (n < 1024 && (all[n] = rte_pktmbuf_alloc(pool)) != NULL) {
		memset(rte_pktmbuf_mtod(all[n], void *), 0xa5, rte_pktmbuf_tailroom(all[n]));
		n++;
	}
	assert_true(n > 16);
	for (unsigned int i = 0; i < n; i++)
		rte_pktmbuf_free(all[i]);
	a = PxePacketAllocate(held_prov, held_req, DPXE_WDS_MAX_PAYLOAD);
	assert_non_null(a);
	assert_memory_equal(a, zero, DPXE_WDS_MAX_PAYLOAD);
	assert_int_equal(PxePacketFree(held_prov, held_req, a), ERROR_SUCCESS);

	assert_int_equal(PxeProviderSetAttribute(held_prov, DPXE_PROV_ATTR_NO_ZERO_FILL, &yes,
						 sizeof(yes)), ERROR_SUCCESS);
	assert_int_equal(PxeProviderSetAttribute(held_prov, DPXE_PROV_ATTR_NO_ZERO_FILL, &yes, 2),
			 ERROR_INVALID_PARAMETER);
	a = PxePacketAllocate(held_prov, held_req, 64);
	assert_non_null(a);
	assert_int_equal(a[0], 0xa5); /* not touched */
	assert_int_equal(PxePacketFree(held_prov, held_req, a), ERROR_SUCCESS);
	assert_int_equal(PxeAsyncRecvDone(held_req, PXE_BA_IGNORE), ERROR_SUCCESS);
	dpxe_wds_poll(ww, rte_rdtsc());
}

/* DpxeSendReplySummed: the given sum makes the UDP checksum. */
static void
test_send_summed(void **state)
{
	uint8_t *a;
	ULONG len = 0;
	uint32_t sum;
	struct dpxe_frame f;

	(void)state;
	hold_kind(PXE);
	a = PxePacketAllocate(held_prov, held_req, 300);
	assert_non_null(a);
	assert_int_equal(PxeDhcpInitialize(held_pkt, 300, a, 300, &len), ERROR_SUCCESS);
	assert_int_equal(PxeDhcpAppendOption(a, 300, &len, 255, 0, NULL), ERROR_SUCCESS);
	sum = dpxe_csum_add(0, a, len);
	assert_int_equal(DpxeSendReplySummed(held_req, a, len, NULL, sum), ERROR_SUCCESS);
	assert_int_equal(DpxeSendReplySummed(held_req, a, len, NULL, DPXE_NO_SUM), ERROR_SUCCESS);
	assert_int_equal(DpxeSendReplySummed(held_req, a, len, NULL, sum + 1), ERROR_SUCCESS);
	dpxe_wds_poll(ww, rte_rdtsc());
	assert_int_equal(n_sent, 3);
	for (unsigned int i = 0; i < 3; i++)
		assert_int_equal(dpxe_frame_parse(rte_pktmbuf_mtod(sent[i], uint8_t *),
						  rte_pktmbuf_data_len(sent[i]), 0, &f),
				 i < 2 ? DPXE_DROP_OK : DPXE_DROP_UDP_BAD_CHECKSUM);
	assert_int_equal(PxePacketFree(held_prov, held_req, a), ERROR_SUCCESS);
	assert_int_equal(PxeAsyncRecvDone(held_req, PXE_BA_NBP), ERROR_SUCCESS);
	dpxe_wds_poll(ww, rte_rdtsc());
}

/* ---- dpxe's reply on return (DpxeReplyAllocate) ---- */

/* Load one testprov entry in mode mode, send it one PXE request. */
static void
reply_mode(const char *name, const char *mode)
{
	char err[1024], set[64];

	snprintf(set, sizeof(set), "      mode: %s\n", mode);
	assert_int_equal(load_chain(err, sizeof(err), prov_yaml(name, TESTPROV_SO, true, set),
				    NULL), 1);
	events[0] = '\0';
	memset(&ctr, 0, sizeof(ctr));
	memset(by_type, 0, sizeof(by_type));
	request(PXE);
}

static void
test_reply_on_return(void **state)
{
	struct dpxe_frame f;
	PVOID a;

	(void)state;
	/* sent when the call returns NBP: headers in its headroom, TX the
	 * only holder, counted as a PxeSendReply */
	reply_mode("R", "reply");
	assert_string_equal(events, "R:recv;R:worker-0;");
	one_zero_copy_reply(&f);
	assert_int_equal(dpxe_frame_payload(&f)[DPXE_DHCP_OPTIONS_OFF + 2], DPXE_DHCPOFFER);
	assert_int_equal(f.dst_port, 68);
	assert_int_equal(ctr.replies, 1);
	assert_int_equal(by_type[DPXE_DHCPOFFER], 1);
	assert_int_equal(ctr.send_fail, 0);
	sent_clear();
	assert_int_equal(rte_mempool_in_use_count(pool), 0);

	/* every misuse refused, with its error; a length past the buffer
	 * sends nothing (counted), and the buffer goes back to the pool */
	reply_mode("M", "reply_misuse");
	assert_string_equal(events, "M:recv;M:worker-0;M:zero-87;M:big-8;M:stale-6;"
				    "M:second-170;M:desc-1;M:free-87;");
	assert_int_equal(n_sent, 0);
	assert_int_equal(ctr.send_fail, 1);      /* uLength 301 of 300 */
	assert_int_equal(ctr.double_free, 1);    /* not a PxePacketAllocate buffer */
	assert_int_equal(ctr.leaks_reclaimed, 0); /* the server's buffer, no leak */
	assert_int_equal(rte_mempool_in_use_count(pool), 0);

	/* a filled reply and REJECTED: not sent, freed; the chain goes on */
	reply_mode("K", "reply_keep");
	assert_int_equal(n_sent, 0);
	assert_int_equal(ctr.rejected_all, 1);
	assert_int_equal(rte_mempool_in_use_count(pool), 0);

	/* NBP with an address PxeSendReply refuses: counted, not sent */
	reply_mode("F", "reply_flags");
	assert_int_equal(n_sent, 0);
	assert_int_equal(ctr.send_fail, 1);
	assert_int_equal(rte_mempool_in_use_count(pool), 0);

	/* outside the worker's call (a provider thread: here the test's own)
	 * there is no such buffer; the worker index is given */
	hold_kind(PXE);
	assert_null(DpxeReplyAllocate(held_req, 300));
	assert_int_equal(GetLastError(), ERROR_NOT_SUPPORTED);
	assert_int_equal(DpxeRequestWorker(held_req), 0);
	a = PxePacketAllocate(held_prov, held_req, 300);
	assert_non_null(a);
	assert_int_equal(PxePacketFree(held_prov, held_req, a), ERROR_SUCCESS);
	assert_int_equal(PxeAsyncRecvDone(held_req, PXE_BA_IGNORE), ERROR_SUCCESS);
	dpxe_wds_poll(ww, rte_rdtsc());
	/* and after the turn, nothing */
	assert_int_equal(DpxeRequestWorker(held_req), DPXE_NO_WORKER);
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
	assert_null(DpxeReplyAllocate(held_req, 300));
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
	assert_null(DpxeReplyAllocate(NULL, 300));
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
	assert_int_equal(rte_mempool_in_use_count(pool), 0);
}

/* ---- dpxe's own request callback (DpxeRegisterRecvRequestEx) ---- */

static DWORD PXEAPI
never_called(const struct dpxe_request *q, PXE_BOOT_ACTION *pAction, PVOID pContext)
{
	(void)q;
	(void)pContext;
	*pAction = PXE_BA_IGNORE;
	fail_msg("a callback registered outside initialize was called");
	return ERROR_SUCCESS;
}

static void
test_recv_ex(void **state)
{
	char err[1024];
	struct dpxe_frame f;

	(void)state;
	/* registered: the chain calls it instead of RECV_REQUEST, with the
	 * parse and a 1472-byte reply buffer; the reply is sent on return */
	reply_mode("E", "nbp\n      ex: yes");
	assert_string_equal(events, "E:ex-1-1472-0;");
	one_zero_copy_reply(&f);
	assert_int_equal(dpxe_frame_payload(&f)[DPXE_DHCP_OPTIONS_OFF + 2], DPXE_DHCPOFFER);
	assert_int_equal(by_type[DPXE_DHCPOFFER], 1);
	sent_clear();
	/* a request dpxe's parser refuses: no parse, still a buffer (this
	 * provider answers from the fixed header alone) */
	events[0] = '\0';
	request(TRUNCATED);
	assert_string_equal(events, "E:ex-0-1472-0;");
	assert_int_equal(n_sent, 1);
	sent_clear();
	assert_int_equal(rte_mempool_in_use_count(pool), 0);

	/* DHCPv6: no DHCPv4 parse; the reply on return goes out as IPv6/UDP
	 * to the client's link-local address and port */
	reply_mode("E6", "nbp\n      ipv6: yes\n      ex: yes");
	sent_clear(); /* the IPv4 request of reply_mode */
	events[0] = '\0';
	memset(&ctr, 0, sizeof(ctr));
	request6(true);
	assert_string_equal(events, "E6:ex-0-1472-0;");
	assert_int_equal(n_sent, 1);
	{
		struct dpxe_udp6 u;

		sent6(0, &f, &u);
		assert_memory_equal(u.dst, client_ll, 16);
		assert_int_equal(u.dst_port, 546);
		assert_int_equal(u.src_port, 547);
		assert_int_equal(rte_pktmbuf_mtod(sent[0], uint8_t *)[u.payload_off], 2);
	}
	assert_int_equal(ctr.replies, 1);
	assert_int_equal(ctr.send_fail, 0);
	sent_clear();
	assert_int_equal(rte_mempool_in_use_count(pool), 0);

	/* a filled reply and REJECTED: freed, and the next provider runs */
	assert_int_equal(load_chain(err, sizeof(err),
				    prov_yaml("X", TESTPROV_SO, true, "      mode: reject\n      ex: yes\n"),
				    prov_yaml("Y", TESTPROV_SO, true, "      mode: ignore\n"), NULL), 2);
	events[0] = '\0';
	memset(&ctr, 0, sizeof(ctr));
	request(PXE);
	assert_string_equal(events, "X:ex-1-1472-0;Y:recv;");
	assert_int_equal(n_sent, 0);
	assert_int_equal(ctr.ignored, 1);
	assert_int_equal(rte_mempool_in_use_count(pool), 0);

	/* a provider built against another lib/dhcp is refused, and keeps
	 * RECV_REQUEST */
	events[0] = '\0';
	assert_int_equal(load_chain(err, sizeof(err),
				    prov_yaml("B", TESTPROV_SO, true, "      ex: badabi\n"), NULL), 1);
	assert_true(has_event("B:exreg-50;"));
	request(PXE);
	assert_true(has_event("B:recv;"));
	assert_true(has_event("B:sent;"));
	assert_int_equal(n_sent, 1);
	sent_clear();
	/* after initialize, or with no function or no provider: refused */
	hold_kind(PXE);
	assert_int_equal(DpxeRegisterRecvRequestEx(held_prov, never_called, NULL,
						   DPXE_DHCP_MSG_ABI_VERSION,
						   sizeof(struct dpxe_dhcp_msg)),
			 ERROR_NOT_SUPPORTED);
	assert_int_equal(DpxeRegisterRecvRequestEx(held_prov, NULL, NULL,
						   DPXE_DHCP_MSG_ABI_VERSION,
						   sizeof(struct dpxe_dhcp_msg)),
			 ERROR_INVALID_PARAMETER);
	assert_int_equal(DpxeRegisterRecvRequestEx(NULL, never_called, NULL,
						   DPXE_DHCP_MSG_ABI_VERSION,
						   sizeof(struct dpxe_dhcp_msg)),
			 ERROR_INVALID_HANDLE);
	assert_int_equal(PxeAsyncRecvDone(held_req, PXE_BA_IGNORE), ERROR_SUCCESS);
	dpxe_wds_poll(ww, rte_rdtsc());
	assert_int_equal(rte_mempool_in_use_count(pool), 0);
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
	/* a reply from another thread is counted when the worker sends it;
	 * this one has no option 53: a BOOTP reply */
	assert_int_equal(ctr.replies, 1);
	assert_int_equal(by_type[DPXE_DHCP_BOOTP], 1);
}

/* ---- ownership, by hand on a held request ---- */

static void
test_ownership(void **state)
{
	PVOID a, b, c;
	uint8_t stack_buf[64];
	void *heap = malloc(300);
	PXE_ADDRESS addr = { .uFlags = PXE_ADDR_USE_ADDR | PXE_ADDR_USE_PORT,
			     .uAddrLen = 4, .uPort = 4011 };

	(void)state;
	hold_kind(PXE);
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
	hold_kind(PXE);
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

/* ---- DHCPv6 ---- */

static void
test_dhcpv6_chain(void **state)
{
	static const uint8_t srv_ll[16] = { 0xfe, 0x80, [11] = 0xff, 0xfe, 0, 0, 1 };
	char err[1024];
	struct dpxe_frame f;
	struct dpxe_udp6 u;
	const uint8_t *p;

	(void)state;
	assert_int_equal(load_chain(err, sizeof(err),
				    prov_yaml("v4only", TESTPROV_SO, true, "      mode: reject\n"),
				    prov_yaml("strict6", TESTPROV_SO, true,
					      "      mode: reject\n      ipv6: yes\n"
					      "      filter6: dhcp\n"),
				    prov_yaml("v6", TESTPROV_SO, true, "      mode: nbp\n      ipv6: yes\n"),
				    NULL), 3);
	assert_true(dpxe_wds_ipv6_active());
	/* only the IPv6-capable providers see it, through their v6 filter */
	events[0] = '\0';
	request6(true);
	assert_string_equal(events, "strict6:recv;v6:recv;v6:sent6;");
	assert_int_equal(n_sent, 1);
	sent6(0, &f, &u);
	/* back to the client's link-local address and port, from ours */
	assert_memory_equal(u.dst, client_ll, 16);
	assert_memory_equal(u.src, srv_ll, 16);
	assert_int_equal(u.dst_port, 546);
	assert_int_equal(u.src_port, 547);
	assert_memory_equal(dpxe_frame_dst_mac(&f), tpkt_client_mac, 6);
	assert_memory_equal(dpxe_frame_src_mac(&f), srv_mac, 6);
	p = rte_pktmbuf_mtod(sent[0], uint8_t *) + u.payload_off;
	assert_int_equal(p[0], 2); /* ADVERTISE */
	assert_memory_equal(p + 1, "\xab\xcd\xef", 3);
	assert_int_equal(ctr.replies, 1);
	for (unsigned int t = 0; t <= DPXE_DHCP_MSG_TYPE_MAX; t++)
		assert_int_equal(by_type[t], 0); /* DHCPv4 types only */
	sent_clear();
	/* invalid DHCPv6: the DHCP-only filter skips it, ALL still sees it */
	events[0] = '\0';
	request6(false);
	assert_string_equal(events, "v6:recv;v6:sent6;");
	sent_clear();

	/* no IPv6-capable provider: nobody sees it */
	assert_int_equal(load_chain(err, sizeof(err),
				    prov_yaml("v4only", TESTPROV_SO, true, "      mode: nbp\n"), NULL), 1);
	assert_false(dpxe_wds_ipv6_active());
	events[0] = '\0';
	request6(true);
	assert_string_equal(events, "");
	assert_int_equal(ctr.rejected_all, 1);
	assert_int_equal(rte_mempool_in_use_count(pool), 0);
}

static void
test_dhcpv6_addresses(void **state)
{
	char err[1024];
	PXE_ADDRESS a = { 0 };
	struct dpxe_frame f;
	struct dpxe_udp6 u;
	uint8_t *buf;
	static const uint8_t there[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 7 };

	(void)state;
	assert_int_equal(load_chain(err, sizeof(err),
				    prov_yaml("holder", TESTPROV_SO, true,
					      "      mode: hold\n      ipv6: yes\n"), NULL), 1);
	request6(true);
	assert_non_null(held_req);
	assert_null(DpxeRequestDhcpMsg(held_req, DPXE_DHCP_MSG_ABI_VERSION,
				       sizeof(struct dpxe_dhcp_msg)));
	assert_int_equal(GetLastError(), ERROR_INVALID_DATA);
	buf = PxePacketAllocate(held_prov, held_req, 64);
	assert_non_null(buf);
	memset(buf, 7, 64);
	/* an IPv4 address for a DHCPv6 request; broadcast and an address */
	a.uFlags = PXE_ADDR_USE_ADDR;
	a.uAddrLen = 4;
	assert_int_equal(PxeSendReply(held_req, buf, 64, &a), ERROR_INVALID_PARAMETER);
	a.uFlags = PXE_ADDR_USE_ADDR | PXE_ADDR_BROADCAST;
	assert_int_equal(PxeSendReply(held_req, buf, 64, &a), ERROR_INVALID_PARAMETER);
	a.uFlags = PXE_ADDR_BROADCAST | PXE_ADDR_USE_PORT;
	a.uPort = 547;
	assert_int_equal(PxeSendReply(held_req, buf, 64, &a), ERROR_SUCCESS);
	a.uFlags = PXE_ADDR_USE_ADDR;
	a.uAddrLen = 16;
	memcpy(a.bAddress, there, 16);
	assert_int_equal(PxeSendReply(held_req, buf, 64, &a), ERROR_SUCCESS);
	dpxe_wds_poll(ww, rte_rdtsc());
	assert_int_equal(n_sent, 2);
	sent6(0, &f, &u); /* all nodes, at its multicast MAC, to port 547 */
	assert_int_equal(u.dst[0], 0xff);
	assert_int_equal(u.dst[1], 0x02);
	assert_int_equal(u.dst[15], 1);
	assert_int_equal(u.dst_port, 547);
	assert_memory_equal(dpxe_frame_dst_mac(&f), "\x33\x33\x00\x00\x00\x01", 6);
	assert_int_equal(u.payload_len, 64);
	sent6(1, &f, &u); /* a unicast address, through the request's MAC */
	assert_memory_equal(u.dst, there, 16);
	assert_int_equal(u.dst_port, 546);
	assert_memory_equal(dpxe_frame_dst_mac(&f), tpkt_client_mac, 6);
	assert_int_equal(PxePacketFree(held_prov, held_req, buf), ERROR_SUCCESS);
	assert_int_equal(PxeAsyncRecvDone(held_req, PXE_BA_CUSTOM), ERROR_SUCCESS);
	dpxe_wds_poll(ww, rte_rdtsc());
	sent_clear();
	assert_int_equal(rte_mempool_in_use_count(pool), 0);
}

/* ---- service control ---- */

static bool reload_done; /* atomic */

static void *
reload_loop(void *arg)
{
	(void)arg;
	for (int i = 0; i < 20; i++) {
		dpxe_wds_notify_reload();
		usleep(100);
	}
	__atomic_store_n(&reload_done, true, __ATOMIC_RELEASE);
	return NULL;
}

static unsigned int
count_event(const char *e)
{
	unsigned int n = 0;

	pthread_mutex_lock(&ev_lock);
	for (const char *p = events; (p = strstr(p, e)) != NULL; p++)
		n++;
	pthread_mutex_unlock(&ev_lock);
	return n;
}

static void
test_service_control(void **state)
{
	char err[1024];
	pthread_t t;

	(void)state;
	assert_int_equal(load_chain(err, sizeof(err),
				    prov_yaml("A", TESTPROV_SO, true,
					      "      mode: nbp\n      control: yes\n"),
				    prov_yaml("B", TESTPROV_SO, true, "      mode: reject\n"),
				    prov_yaml("C", TESTPROV_SO, true,
					      "      mode: reject\n      control: error\n"),
				    NULL), 3);
	/* any code reaches those that registered, in chain order; an error
	 * (C's) is logged and stops nobody */
	events[0] = '\0';
	reload_events = 0;
	assert_int_equal(dpxe_wds_service_control(SERVICE_CONTROL_INTERROGATE), 2);
	assert_string_equal(events, "A:control-4;C:control-4;");
	events[0] = '\0';
	dpxe_wds_notify_reload();
	assert_string_equal(events, "A:control-6;C:control-6;");

	/* a reload from the main thread while the worker answers requests */
	events[0] = '\0';
	__atomic_store_n(&reload_done, false, __ATOMIC_RELAXED);
	assert_int_equal(pthread_create(&t, NULL, reload_loop, NULL), 0);
	for (int i = 0; i < 20000 && !__atomic_load_n(&reload_done, __ATOMIC_ACQUIRE); i++) {
		request(PXE);
		sent_clear();
		if (i % 64 == 63) { /* the event log is bounded */
			pthread_mutex_lock(&ev_lock);
			events[0] = '\0';
			pthread_mutex_unlock(&ev_lock);
		}
	}
	pthread_join(t, NULL);
	pthread_mutex_lock(&ev_lock);
	assert_int_equal(reload_events, 2 + 2 * 20); /* A and C, each time */
	pthread_mutex_unlock(&ev_lock);
	assert_int_equal(ctr.replies, ctr.requests);
	assert_true(ctr.requests >= 1);
	assert_int_equal(ctr.rejected_all, 0);

	/* stop: STOP to every registered provider first, then SHUTDOWN in
	 * reverse order */
	events[0] = '\0';
	dpxe_wds_unload();
	assert_string_equal(events, "A:control-1;C:control-1;C:shutdown;B:shutdown;A:shutdown;");
	assert_int_equal(dpxe_wds_service_control(SERVICE_CONTROL_PARAMCHANGE), 0);
}

/* ---- drain at stop ---- */

static uint64_t
ms_since(uint64_t t0)
{
	return (rte_rdtsc() - t0) * 1000 / rte_get_tsc_hz();
}

static void
test_drain_completes(void **state)
{
	char err[1024];
	uint64_t t0;

	(void)state;
	worker_down();
	worker_up(5000);
	assert_int_equal(load_chain(err, sizeof(err),
				    prov_yaml("slow", TESTPROV_SO, true,
					      "      mode: async\n      delay_ms: 300\n"), NULL), 1);
	events[0] = '\0';
	for (int i = 0; i < 3; i++)
		request(PXE);
	assert_int_equal(dpxe_wds_poll(ww, rte_rdtsc()), 3);
	/* stopping: the pending requests finish within the grace, their
	 * replies go out, nothing is counted as a timeout */
	t0 = rte_rdtsc();
	dpxe_wds_worker_drain(ww, 2000);
	assert_true(ms_since(t0) < 1500);
	assert_int_equal(dpxe_wds_poll(ww, rte_rdtsc()), 0);
	assert_int_equal(count_event("slow:async-done;"), 3);
	assert_int_equal(ctr.timeouts, 0);
	assert_int_equal(ctr.replies, 3);
	assert_int_equal(n_sent, 3);
	sent_clear();
	assert_int_equal(rte_mempool_in_use_count(pool), 0);
}

static void
test_drain_times_out(void **state)
{
	char err[1024];
	uint64_t t0;

	(void)state;
	worker_down();
	worker_up(5000);
	assert_int_equal(load_chain(err, sizeof(err),
				    prov_yaml("hostile", HOSTILE_SO, true, "      mode: never\n"),
				    NULL), 1);
	for (int i = 0; i < 3; i++)
		request(PXE);
	assert_int_equal(dpxe_wds_poll(ww, rte_rdtsc()), 3);
	/* they never complete: the drain waits its grace (not the 5 s
	 * timeout), then ends them, counted as timeouts */
	t0 = rte_rdtsc();
	dpxe_wds_worker_drain(ww, 50);
	assert_true(ms_since(t0) >= 50);
	assert_true(ms_since(t0) < 1000);
	assert_int_equal(ctr.timeouts, 3);
	assert_int_equal(dpxe_wds_poll(ww, rte_rdtsc()), 0);
	assert_int_equal(rte_mempool_in_use_count(pool), 0);
	/* a drain with nothing pending returns at once */
	t0 = rte_rdtsc();
	dpxe_wds_worker_drain(ww, 2000);
	assert_true(ms_since(t0) < 100);
	dpxe_wds_worker_drain(NULL, 10);
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

/* The worker (inside the call, its short path) and a provider thread free
 * the same buffer at once, 200 times: one wins each time, the other is
 * counted, nothing is freed twice (ASan and the TSan pass check). */
static void
test_double_free_race(void **state)
{
	char err[1024];
	char want[64 * 200 + 1] = "";

	(void)state;
	assert_int_equal(load_chain(err, sizeof(err),
				    prov_yaml("R", TESTPROV_SO, true, "      mode: race_free\n"), NULL),
			 1);
	events[0] = '\0';
	memset(&ctr, 0, sizeof(ctr));
	for (unsigned int i = 0; i < 200; i++) {
		request(PXE);
		strcat(want, "R:recv;R:race-1;");
		if (strlen(events) > sizeof(events) - 64) { /* keep the log short */
			assert_string_equal(events, want);
			events[0] = '\0';
			want[0] = '\0';
		}
	}
	assert_string_equal(events, want);
	assert_int_equal(ctr.double_free, 200);
	assert_int_equal(ctr.leaks_reclaimed, 0);
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
		cmocka_unit_test_setup_teardown(test_chain_filters_follow_dpxe_parse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_request_dhcp_msg, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_zero_copy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_from_thread_copies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_then_reclaim, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zero_fill, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_summed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_on_return, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recv_ex, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dhcpv6_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dhcpv6_addresses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_service_control, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drain_completes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drain_times_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_async_thread, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ownership, setup, teardown),
		cmocka_unit_test_setup_teardown(test_api_misc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_leak, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_never, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_bad_action, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_flood, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_double_free, setup, teardown),
		cmocka_unit_test_setup_teardown(test_double_free_race, setup, teardown),
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
