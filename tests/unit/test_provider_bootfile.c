/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * providers/bootfile against a fake server: the built module is dlopen()ed
 * and driven with generated and captured requests. Its reply must be byte
 * for byte what dpxe's built-in path (dpxe_proxy_reply) builds for the same
 * request and config, sent with PXE_ADDR_USE_DHCP_RULES; every buffer it
 * allocates must be freed, on every path, on any number of threads.
 */
#include "test_provider_server.c"

#include <stdatomic.h>
#include <unistd.h>

#include "boot/proxy_reply.h"
#include "config/config.h"
#include "test_requests.h"

#define SERVER_IP 0x0a4d0001u /* 10.77.0.1, the config's one server port */
#define OTHER_IP 0x0a4e0001u  /* 10.78.0.1, a second local address */


static const char other_yaml[] =
	"server: {ports: [{ip: 10.77.0.1, prefix: 24}]}\n"
	"dataplane: {ports: [{name: p, devargs: net_null0}]}\n"
	"boot: {rules: [{name: all, boot_file: other.kpxe}]}\n";

static const char no_rules_yaml[] =
	"server: {ports: [{ip: 10.77.0.1, prefix: 24}]}\n"
	"dataplane: {ports: [{name: p, devargs: net_null0}]}\n"
	"providers: [{name: b, module: x.so}]\n";

static char cfg_path[64], other_path[64], no_rules_path[64];
static struct dpxe_config *cfg; /* the reference's copy of cfg_path */
static struct tpkt pkt;


static void
write_temp(char *path, size_t cap, const char *text)
{
	int fd;

	snprintf(path, cap, "/tmp/dpxe-bootfile-XXXXXX.yaml");
	fd = mkstemps(path, 5);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static int
setup(void **state)
{
	struct dpxe_config_error err;

	(void)state;
	write_temp(cfg_path, sizeof(cfg_path), treq_yaml);
	write_temp(other_path, sizeof(other_path), other_yaml);
	write_temp(no_rules_path, sizeof(no_rules_path), no_rules_yaml);
	if (dpxe_config_load(cfg_path, &cfg, &err) != 0) {
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
	unlink(cfg_path);
	unlink(other_path);
	unlink(no_rules_path);
	return 0;
}

/* What dpxe's built-in path answers: DPXE_DROP_OK and the bytes, or why not. */
static enum dpxe_drop_reason
reference(const uint8_t *req, size_t len, uint32_t local_ip, uint16_t port, uint8_t *out,
	  size_t *out_len)
{
	static struct dpxe_dhcp_msg msg;
	struct dpxe_server_id srv = { .ip = htonl_test(local_ip), .name = cfg->server.name };
	enum dpxe_drop_reason r;
	uint8_t type;

	r = dpxe_dhcp_parse(req, len, &msg);
	if (r != DPXE_DROP_OK)
		return r;
	/* the provider's buffer: a full Ethernet payload */
	return dpxe_proxy_reply(cfg, &srv, &msg, port, out, 1472, out_len, &type);
}

/* Deliver and compare with the reference; returns 1 when answered. */
static int
check_one(const uint8_t *req_pkt, size_t len, uint32_t local_ip, uint16_t port)
{
	uint8_t want[1472];
	size_t want_len = 0;
	enum dpxe_drop_reason r = reference(req_pkt, len, local_ip, port, want, &want_len);
	struct fake_req req;
	PXE_BOOT_ACTION action;

	assert_int_equal(fake_deliver_on(&req, req_pkt, len, local_ip, port, &action),
			 ERROR_SUCCESS);
	if (r != DPXE_DROP_OK) {
		if (action != PXE_BA_REJECTED)
			fail_msg("built-in path: %s, provider action %u", dpxe_drop_reason_name(r),
				 action);
		assert_int_equal(req.sent, 0);
		return 0;
	}
	assert_int_equal(action, PXE_BA_NBP);
	assert_int_equal(req.sent, 1);
	assert_true(req.has_addr);
	assert_int_equal(req.addr.uFlags, PXE_ADDR_USE_DHCP_RULES);
	assert_int_equal(req.reply_len, want_len);
	assert_memory_equal(req.reply, want, want_len);
	return 1;
}


static DWORD
load_with(const char *config_setting, const char *dpxe_config)
{
	fake_clear_settings();
	if (dpxe_config)
		fake_set("dpxe.config", dpxe_config);
	if (config_setting)
		fake_set("config", config_setting);
	return fake_load(DPXE_TEST_BOOTFILE_SO);
}

/* ---- initialize ---------------------------------------------------------- */

static void
test_initialize(void **state)
{
	char want[128];
	DWORD err;

	(void)state;
	err = load_with(NULL, cfg_path);
	assert_int_equal(err, ERROR_SUCCESS);
	/* ALL: it answers what dpxe_dhcp_parse accepts, HTTPClient included */
	assert_true(fake.filter_set);
	assert_int_equal(fake.filter, PXE_PROV_FILTER_ALL);
	snprintf(want, sizeof(want), "6 boot rules from %s", cfg_path);
	assert_trace(PXE_TRACE_INFO, want);
	assert_ptr_equal(fake_trace_find(want)->provider, FAKE_PROVIDER);
	/* the shutdown trace, then nothing left allocated */
	assert_int_equal(fake_shutdown(), ERROR_SUCCESS);
	assert_trace(PXE_TRACE_INFO, "shutting down");
	assert_int_equal(fake.outstanding, 0);
	fake_unload();

	/* its own config setting wins over the server's file */
	err = load_with(other_path, cfg_path);
	assert_int_equal(err, ERROR_SUCCESS);
	snprintf(want, sizeof(want), "1 boot rules from %s", other_path);
	assert_trace(PXE_TRACE_INFO, want);
	fake_finish(err);
}

static void
test_initialize_errors(void **state)
{
	DWORD err;

	(void)state;
	/* a bad file: the loader's file:line:col message, and a failure */
	err = load_with(NULL, "tests/data/config/bad-arch.yaml");
	assert_int_equal(err, ERROR_INVALID_DATA);
	assert_trace(PXE_TRACE_ERROR, "cannot load boot rules: tests/data/config/bad-arch.yaml:");
	assert_null(fake.cb[PXE_CALLBACK_RECV_REQUEST]);
	fake_finish(err);

	err = load_with("tests/data/config/bad-syntax.yaml", NULL);
	assert_int_equal(err, ERROR_INVALID_DATA);
	assert_trace(PXE_TRACE_ERROR, "bad-syntax.yaml:");
	fake_finish(err);

	err = load_with("/nonexistent/dpxe.yaml", NULL);
	assert_int_equal(err, ERROR_FILE_NOT_FOUND);
	assert_trace(PXE_TRACE_ERROR, "/nonexistent/dpxe.yaml");
	fake_finish(err);

	/* neither setting */
	err = load_with(NULL, NULL);
	assert_int_equal(err, ERROR_FILE_NOT_FOUND);
	assert_trace(PXE_TRACE_ERROR, "setting config: no config file");
	fake_finish(err);

	/* a valid config without rules would answer nobody */
	err = load_with(no_rules_path, NULL);
	assert_int_equal(err, ERROR_INVALID_DATA);
	assert_trace(PXE_TRACE_ERROR, "boot.rules is empty");
	fake_finish(err);

	/* settings it does not know, or cannot read */
	fake_clear_settings();
	fake_set("config", cfg_path);
	fake_set("trace_request", "true");
	err = fake_load(DPXE_TEST_BOOTFILE_SO);
	assert_int_equal(err, ERROR_INVALID_PARAMETER);
	assert_trace(PXE_TRACE_ERROR, "setting trace_request: unknown setting name");
	fake_finish(err);
	/* ... unless the server cannot list them */
	fake.key.no_enum = TRUE;
	err = fake_load(DPXE_TEST_BOOTFILE_SO);
	assert_int_equal(err, ERROR_SUCCESS);
	fake_finish(err);

	fake_clear_settings();
	fake_set("config", cfg_path);
	fake_set("trace_requests", "sometimes");
	err = fake_load(DPXE_TEST_BOOTFILE_SO);
	assert_int_equal(err, ERROR_INVALID_PARAMETER);
	assert_trace(PXE_TRACE_ERROR, "setting trace_requests: \"sometimes\" is not a boolean");
	fake_finish(err);
}

/* ---- the reply is the built-in path's ------------------------------------ */

static void
test_same_bytes_generated(void **state)
{
	unsigned int answered = 0, total = 0;
	DWORD err;

	(void)state;
	err = load_with(NULL, cfg_path);
	assert_int_equal(err, ERROR_SUCCESS);
	/* twice over the same stream: the second pass runs on cached templates */
	for (int pass = 0; pass < 2; pass++) {
		treq_rng = 2463534242u;
		for (int i = 0; i < 5000; i++) {
			uint32_t ip = treq_rnd(4) ? SERVER_IP : OTHER_IP;
			uint16_t port = treq_make(&pkt, htonl_test(ip));

			answered += (unsigned int)check_one(pkt.buf, pkt.len, ip, port);
			total++;
		}
	}
	assert_true(answered > total / 4);
	assert_true(answered < total);
	assert_int_equal(fake.allocated, fake.freed);
	assert_int_equal(fake.last_alloc_size, 1472);
	fake_finish(err);
}

static void
test_same_bytes_captured(void **state)
{
	static struct fake_pcap_pkt p[FAKE_PCAP_MAX];
	unsigned int answered = 0, total = 0;
	DWORD err;

	(void)state;
	err = load_with(NULL, cfg_path);
	assert_int_equal(err, ERROR_SUCCESS);
	for (size_t f = 0; f < sizeof(fake_pcaps) / sizeof(fake_pcaps[0]); f++) {
		unsigned int n = fake_read_pcap(fake_pcaps[f], p, FAKE_PCAP_MAX);

		assert_true(n > 0);
		for (unsigned int i = 0; i < n; i++) {
			answered += (unsigned int)check_one(p[i].data, p[i].len, SERVER_IP,
							    p[i].dst_port);
			total++;
		}
	}
	/* the real PXE, iPXE and UEFI clients are answered, the plain ones not */
	assert_true(answered >= 4);
	assert_true(answered < total);
	fake_finish(err);
}

static void
test_not_answered(void **state)
{
	struct fake_req req;
	PXE_BOOT_ACTION action;
	PXE_ADDRESS local;
	DWORD err;

	(void)state;
	err = load_with(NULL, cfg_path);
	assert_int_equal(err, ERROR_SUCCESS);

	/* not a boot client: passed on, nothing allocated */
	tpkt_dhcp_init(&pkt, DPXE_DHCPDISCOVER);
	tpkt_opt_str(&pkt, DPXE_OPT_VENDOR_CLASS, "MSFT 5.0");
	tpkt_end(&pkt);
	assert_int_equal(fake_deliver_on(&req, pkt.buf, pkt.len, SERVER_IP, 67, &action),
			 ERROR_SUCCESS);
	assert_int_equal(action, PXE_BA_REJECTED);
	assert_int_equal(fake.allocated, 0);

	/* unparsable */
	assert_int_equal(fake_deliver_on(&req, pkt.buf, 100, SERVER_IP, 67, &action),
			 ERROR_SUCCESS);
	assert_int_equal(action, PXE_BA_REJECTED);

	/* no rule for arch 27: passed on so a later provider may answer */
	tpkt_pxe_discover(&pkt, 27);
	assert_int_equal(fake_deliver_on(&req, pkt.buf, pkt.len, SERVER_IP, 67, &action),
			 ERROR_SUCCESS);
	assert_int_equal(action, PXE_BA_REJECTED);
	assert_int_equal(req.sent, 0);
	assert_int_equal(fake.allocated, 1);
	assert_int_equal(fake.outstanding, 0);

	/* an IPv6 local address: not ours */
	tpkt_pxe_discover(&pkt, 0);
	fake_local(&local, SERVER_IP, 67);
	local.uAddrLen = 16;
	assert_int_equal(fake_deliver_addr(&req, pkt.buf, pkt.len, &local, &action),
			 ERROR_SUCCESS);
	assert_int_equal(action, PXE_BA_REJECTED);

	/* only the broadcast address: the config's single port answers */
	fake_local(&local, 0xffffffffu, 67);
	assert_int_equal(fake_deliver_addr(&req, pkt.buf, pkt.len, &local, &action),
			 ERROR_SUCCESS);
	assert_int_equal(action, PXE_BA_NBP);
	{
		uint8_t want[1472];
		size_t want_len;

		assert_int_equal(reference(pkt.buf, pkt.len, SERVER_IP, 67, want, &want_len),
				 DPXE_DROP_OK);
		assert_int_equal(req.reply_len, want_len);
		assert_memory_equal(req.reply, want, want_len);
	}
	fake_finish(err);
}

/* Failures after deciding to answer: dropped, buffer freed, warned once. */
static void *
send_fails_on_new_thread(void *arg)
{
	struct fake_req req;
	PXE_BOOT_ACTION action = 0;
	PFN_PXE_PROVIDER_RECV_REQUEST recv;
	PXE_ADDRESS local;

	(void)arg;
	fake_local(&local, SERVER_IP, 67);
	*(void **)&recv = fake.cb[PXE_CALLBACK_RECV_REQUEST];
	memset(&req, 0, sizeof(req));
	if (recv(&req, pkt.buf, (ULONG)pkt.len, &local, &local, &action,
		 fake.ctx[PXE_CALLBACK_RECV_REQUEST]) != ERROR_SUCCESS)
		return (void *)1;
	return action == PXE_BA_IGNORE && req.sent == 0 ? NULL : (void *)2;
}

static void
test_failures(void **state)
{
	struct fake_req req;
	PXE_BOOT_ACTION action;
	unsigned int traces;
	pthread_t th;
	void *res;
	DWORD err;

	(void)state;
	err = load_with(NULL, cfg_path);
	assert_int_equal(err, ERROR_SUCCESS);
	tpkt_pxe_discover(&pkt, 0);

	fake.fail_alloc = TRUE;
	assert_int_equal(fake_deliver_on(&req, pkt.buf, pkt.len, SERVER_IP, 67, &action),
			 ERROR_SUCCESS);
	assert_int_equal(action, PXE_BA_IGNORE);
	assert_int_equal(req.sent, 0);
	assert_trace(PXE_TRACE_WARNING, "request dropped: PxePacketAllocate failed");
	fake.fail_alloc = FALSE;

	/* the same thread within a second: counted, not traced */
	fake.fail_send = TRUE;
	traces = fake.ntraces;
	assert_int_equal(fake_deliver_on(&req, pkt.buf, pkt.len, SERVER_IP, 67, &action),
			 ERROR_SUCCESS);
	assert_int_equal(action, PXE_BA_IGNORE);
	assert_int_equal(fake.ntraces, traces);
	assert_int_equal(fake.outstanding, 0);

	/* rate limits are per thread: another one warns at once */
	assert_int_equal(pthread_create(&th, NULL, send_fails_on_new_thread, NULL), 0);
	assert_int_equal(pthread_join(th, &res), 0);
	assert_null(res);
	assert_trace(PXE_TRACE_WARNING, "reply not sent: PxeSendReply failed");
	assert_int_equal(fake.outstanding, 0);
	fake.fail_send = FALSE;

	/* and then it answers again */
	assert_int_equal(check_one(pkt.buf, pkt.len, SERVER_IP, 67), 1);
	fake_finish(err);
}

static void
test_trace_requests(void **state)
{
	struct fake_req req;
	PXE_BOOT_ACTION action;
	DWORD err;

	(void)state;
	fake_clear_settings();
	fake_set("dpxe.config", cfg_path);
	fake_set("trace_requests", "yes");
	err = fake_load(DPXE_TEST_BOOTFILE_SO);
	assert_int_equal(err, ERROR_SUCCESS);
	tpkt_pxe_discover(&pkt, 0);
	assert_int_equal(fake_deliver_on(&req, pkt.buf, pkt.len, SERVER_IP, 67, &action),
			 ERROR_SUCCESS);
	assert_trace(PXE_TRACE_VERBOSE, "52:54:00:12:34:56 DISCOVER xid deadbeef: OFFER");
	tpkt_pxe_discover(&pkt, 27);
	assert_int_equal(fake_deliver_on(&req, pkt.buf, pkt.len, SERVER_IP, 67, &action),
			 ERROR_SUCCESS);
	assert_trace(PXE_TRACE_VERBOSE, "DISCOVER xid deadbeef: no_boot_rule");
	fake_finish(err);
}

/* A new instance after shutdown, in the same module and thread: the thread's
 * cached templates of the old one must not be used (nor its config, freed). */
static void
test_reinitialize(void **state)
{
	struct fake_req req;
	PXE_BOOT_ACTION action;
	DWORD err;

	(void)state;
	tpkt_pxe_discover(&pkt, 0);
	err = load_with(NULL, cfg_path);
	assert_int_equal(err, ERROR_SUCCESS);
	assert_int_equal(check_one(pkt.buf, pkt.len, SERVER_IP, 67), 1);
	assert_int_equal(fake_shutdown(), ERROR_SUCCESS);
	/* initialize again without dlclose: the thread-local state survives */
	fake_clear_settings();
	fake_set("config", other_path);
	{
		PFN_PXE_PROVIDER_INITIALIZE init;

		fake_reset();
		*(void **)&init = dlsym(fake.module, "PxeProviderInitialize");
		assert_int_equal(init(FAKE_PROVIDER, &fake.key), ERROR_SUCCESS);
	}
	assert_int_equal(fake_deliver_on(&req, pkt.buf, pkt.len, SERVER_IP, 67, &action),
			 ERROR_SUCCESS);
	assert_int_equal(action, PXE_BA_NBP);
	assert_string_equal((const char *)req.reply + DPXE_BOOTP_FILE, "other.kpxe");
	fake_finish(ERROR_SUCCESS);
}

/* ---- several workers at once --------------------------------------------- */

#define THREADS 4
#define THREAD_REQUESTS 64

static struct {
	uint8_t req[THREAD_REQUESTS][600];
	size_t len[THREAD_REQUESTS];
	uint16_t port[THREAD_REQUESTS];
	uint32_t ip[THREAD_REQUESTS];
	uint8_t want[THREAD_REQUESTS][1472];
	size_t want_len[THREAD_REQUESTS];
	bool answered[THREAD_REQUESTS];
} work;
static atomic_int mismatches;

static void *
worker(void *arg)
{
	PFN_PXE_PROVIDER_RECV_REQUEST recv;
	unsigned int seed = (unsigned int)(uintptr_t)arg;

	*(void **)&recv = fake.cb[PXE_CALLBACK_RECV_REQUEST];
	for (int i = 0; i < 3000; i++) {
		unsigned int k = (seed = seed * 1103515245u + 12345u) >> 16 & (THREAD_REQUESTS - 1);
		struct fake_req req;
		PXE_BOOT_ACTION action = 0;
		PXE_ADDRESS local;

		fake_local(&local, work.ip[k], work.port[k]);
		memset(&req, 0, sizeof(req));
		if (recv(&req, work.req[k], (ULONG)work.len[k], &local, &local, &action,
			 fake.ctx[PXE_CALLBACK_RECV_REQUEST]) != ERROR_SUCCESS ||
		    (work.answered[k]
			     ? action != PXE_BA_NBP || req.reply_len != work.want_len[k] ||
				       memcmp(req.reply, work.want[k], work.want_len[k]) != 0
			     : action != PXE_BA_REJECTED || req.sent != 0))
			atomic_fetch_add(&mismatches, 1);
	}
	return NULL;
}

static void
test_threads(void **state)
{
	pthread_t th[THREADS];
	unsigned int answered = 0;
	DWORD err;

	(void)state;
	treq_rng = 88172645u;
	for (int k = 0; k < THREAD_REQUESTS; k++) {
		work.ip[k] = treq_rnd(2) ? SERVER_IP : OTHER_IP;
		work.port[k] = treq_make(&pkt, htonl_test(work.ip[k]));
		assert_true(pkt.len <= sizeof(work.req[k]));
		memcpy(work.req[k], pkt.buf, pkt.len);
		work.len[k] = pkt.len;
		work.answered[k] = reference(pkt.buf, pkt.len, work.ip[k], work.port[k],
					     work.want[k], &work.want_len[k]) == DPXE_DROP_OK;
		answered += work.answered[k];
	}
	assert_true(answered > 8);
	err = load_with(NULL, cfg_path);
	assert_int_equal(err, ERROR_SUCCESS);
	for (uintptr_t t = 0; t < THREADS; t++)
		assert_int_equal(pthread_create(&th[t], NULL, worker, (void *)(t + 1)), 0);
	for (int t = 0; t < THREADS; t++)
		assert_int_equal(pthread_join(th[t], NULL), 0);
	assert_int_equal(atomic_load(&mismatches), 0);
	assert_int_equal(fake.allocated, fake.freed);
	fake_finish(err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_initialize),
		cmocka_unit_test(test_initialize_errors),
		cmocka_unit_test(test_same_bytes_generated),
		cmocka_unit_test(test_same_bytes_captured),
		cmocka_unit_test(test_not_answered),
		cmocka_unit_test(test_failures),
		cmocka_unit_test(test_trace_requests),
		cmocka_unit_test(test_reinitialize),
		cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests_name("provider_bootfile", tests, setup, teardown);
}
