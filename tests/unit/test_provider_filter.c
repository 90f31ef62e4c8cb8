/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * providers/filter against a fake server: the settings grammar (each bad
 * setting refused at initialize with a trace naming it), the decision order
 * (MAC override, deny lists, allow lists, policy) table-driven, real
 * captured clients, and that it never allocates or sends.
 */
#include "test_provider_server.c"

#include "test_packets.h"

#define SERVER_IP 0x0a4d0001u

static struct tpkt pkt;

/* A client: MAC, option 93 codes (or only option 60's), relay, class. */
struct client {
	const char *mac;     /* "52:54:00:12:34:56" */
	int arch93[2];       /* -1: absent */
	int arch60;          /* -1: no Arch in option 60 */
	uint32_t giaddr;     /* host order */
	const char *vc;      /* option 60 override; NULL: PXEClient[:Arch...] */
};

static void
build(const struct client *c)
{
	uint8_t mac[6], a[4];
	unsigned int n = 0;
	char vc[48];

	assert_int_equal(sscanf(c->mac, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1],
				&mac[2], &mac[3], &mac[4], &mac[5]), 6);
	tpkt_dhcp_init(&pkt, DPXE_DHCPDISCOVER);
	memcpy(pkt.buf + DPXE_BOOTP_CHADDR, mac, 6);
	dpxe_store_be32(pkt.buf + DPXE_BOOTP_GIADDR, c->giaddr);
	for (int i = 0; i < 2; i++)
		if (c->arch93[i] >= 0) {
			dpxe_store_be16(a + 2 * n, (uint16_t)c->arch93[i]);
			n++;
		}
	if (n)
		tpkt_opt(&pkt, DPXE_OPT_CLIENT_ARCH, a, (uint8_t)(2 * n));
	if (c->vc)
		snprintf(vc, sizeof(vc), "%s", c->vc);
	else if (c->arch60 >= 0)
		snprintf(vc, sizeof(vc), "PXEClient:Arch:%05d:UNDI:002001", c->arch60);
	else
		snprintf(vc, sizeof(vc), "PXEClient");
	if (*vc)
		tpkt_opt_str(&pkt, DPXE_OPT_VENDOR_CLASS, vc);
	tpkt_end(&pkt);
}

static PXE_BOOT_ACTION
judge(const struct client *c)
{
	struct fake_req req;
	PXE_BOOT_ACTION action;

	build(c);
	assert_int_equal(fake_deliver_on(&req, pkt.buf, pkt.len, SERVER_IP, 67, &action),
			 ERROR_SUCCESS);
	assert_int_equal(req.sent, 0);
	return action;
}

/* Settings as "name=value" strings, NULL-terminated; loads the module. */
static DWORD
load_with(const char *const *settings)
{
	static char buf[16][160];

	fake_clear_settings();
	for (unsigned int i = 0; settings && settings[i]; i++) {
		char *eq;

		snprintf(buf[i], sizeof(buf[i]), "%s", settings[i]);
		eq = strchr(buf[i], '=');
		assert_non_null(eq);
		*eq = '\0';
		fake_set(buf[i], eq + 1);
	}
	return fake_load(DPXE_TEST_FILTER_SO);
}

#define PXE(mac) { mac, { -1, -1 }, -1, 0, NULL }
#define ARCH(mac, a) { mac, { a, -1 }, -1, 0, NULL }
#define ARCH60(mac, a) { mac, { -1, -1 }, a, 0, NULL }
#define RELAY(mac, g) { mac, { -1, -1 }, -1, g, NULL }
#define RELAY_ARCH(mac, g, a) { mac, { a, -1 }, -1, g, NULL }

static void
test_defaults(void **state)
{
	const struct client pxe = PXE("52:54:00:12:34:56");
	DWORD err;

	(void)state;
	err = load_with(NULL);
	assert_int_equal(err, ERROR_SUCCESS);
	assert_true(fake.filter_set);
	assert_int_equal(fake.filter, PXE_PROV_FILTER_ALL);
	assert_trace(PXE_TRACE_INFO, "policy allow; 0+0 MAC, 0+0 arch, 0+0 relay");
	assert_int_equal(judge(&pxe), PXE_BA_REJECTED);
	assert_int_equal(fake_shutdown(), ERROR_SUCCESS);
	assert_trace(PXE_TRACE_INFO, "shutting down");
	assert_int_equal(fake.allocated, 0);
	fake_unload();
}

static void
test_only_boot_clients_judged(void **state)
{
	static const char *const deny_all[] = { "policy=deny", NULL };
	const struct client pxe = PXE("52:54:00:12:34:56");
	const struct client http = { "52:54:00:12:34:56", { 16, -1 }, -1, 0,
				     "HTTPClient:Arch:00016:UNDI:003000" };
	const struct client msft = { "52:54:00:12:34:56", { -1, -1 }, -1, 0, "MSFT 5.0" };
	const struct client none = { "52:54:00:12:34:56", { -1, -1 }, -1, 0, "" };
	struct fake_req req;
	PXE_BOOT_ACTION action;
	DWORD err;

	(void)state;
	err = load_with(deny_all);
	assert_int_equal(err, ERROR_SUCCESS);
	assert_int_equal(judge(&pxe), PXE_BA_IGNORE);
	assert_int_equal(judge(&http), PXE_BA_IGNORE);
	/* everyone else's DHCP is none of the gate's business */
	assert_int_equal(judge(&msft), PXE_BA_REJECTED);
	assert_int_equal(judge(&none), PXE_BA_REJECTED);
	/* nor is something too short to be DHCP */
	assert_int_equal(fake_deliver_on(&req, pkt.buf, 100, SERVER_IP, 67, &action),
			 ERROR_SUCCESS);
	assert_int_equal(action, PXE_BA_REJECTED);
	assert_int_equal(fake.allocated, 0);
	fake_finish(err);
}

struct decision_case {
	const char *settings[6];
	struct client client;
	PXE_BOOT_ACTION action;
	const char *trace; /* the decision as traced with trace_requests */
};

static const struct decision_case decisions[] = {
	/* policy deny with a MAC prefix let through (MS FilterProvider's shape) */
	{ { "policy=deny", "allow_macs=52:54:00:*" }, PXE("52:54:00:12:34:56"), PXE_BA_REJECTED,
	  "52:54:00:12:34:56: allowed by allow_macs entry 1" },
	{ { "policy=deny", "allow_macs=52:54:00:*" }, PXE("00:11:22:33:44:55"), PXE_BA_IGNORE,
	  "00:11:22:33:44:55: denied by policy" },
	/* the longest MAC pattern wins, in either direction */
	{ { "deny_macs=52:54:00:*", "allow_macs=aa:bb:cc:dd:ee:ff 52:54:00:12:34:56" },
	  PXE("52:54:00:12:34:56"), PXE_BA_REJECTED, "allowed by allow_macs entry 2" },
	{ { "deny_macs=52:54:00:*", "allow_macs=52:54:00:12:34:56" }, PXE("52:54:00:12:34:57"),
	  PXE_BA_IGNORE, "denied by deny_macs entry 1" },
	{ { "policy=deny", "allow_macs=52:*", "deny_macs=52-54-*" }, PXE("52:54:00:12:34:57"),
	  PXE_BA_IGNORE, "denied by deny_macs entry 1" },
	/* spellings of one MAC */
	{ { "deny_macs=525400123456" }, PXE("52:54:00:12:34:56"), PXE_BA_IGNORE,
	  "denied by deny_macs" },
	{ { "deny_macs=, 52-54-00-12-34-56 ," }, PXE("52:54:00:12:34:56"), PXE_BA_IGNORE,
	  "denied by deny_macs" },
	{ { "deny_macs=525400*" }, PXE("52:54:00:ab:cd:ef"), PXE_BA_IGNORE,
	  "denied by deny_macs" },
	/* architecture: option 93, any code listed; else option 60's Arch */
	{ { "deny_arch=0, 6" }, ARCH("52:54:00:12:34:56", 6), PXE_BA_IGNORE,
	  "denied by deny_arch entry 2" },
	{ { "deny_arch=0, 6" }, ARCH("52:54:00:12:34:56", 7), PXE_BA_REJECTED,
	  "allowed by policy" },
	{ { "deny_arch=0, 6" }, ARCH60("52:54:00:12:34:56", 0), PXE_BA_IGNORE,
	  "denied by deny_arch entry 1" },
	{ { "deny_arch=0, 6" }, PXE("52:54:00:12:34:56"), PXE_BA_REJECTED, "allowed by policy" },
	{ { "deny_arch=0" }, { "52:54:00:12:34:56", { 7, 0 }, -1, 0, NULL }, PXE_BA_IGNORE,
	  "denied by deny_arch" },
	{ { "policy=deny", "allow_arch=7 9" }, ARCH("52:54:00:12:34:56", 9), PXE_BA_REJECTED,
	  "allowed by allow_arch entry 2" },
	/* relays: giaddr in a subnet, one relay, or not relayed at all */
	{ { "policy=deny", "allow_relays=10.1.0.0/16" }, RELAY("52:54:00:12:34:56", 0x0a010203),
	  PXE_BA_REJECTED, "allowed by allow_relays entry 1" },
	{ { "policy=deny", "allow_relays=10.1.0.0/16" }, RELAY("52:54:00:12:34:56", 0x0a020001),
	  PXE_BA_IGNORE, "denied by policy" },
	{ { "policy=deny", "allow_relays=10.1.0.0/16" }, PXE("52:54:00:12:34:56"), PXE_BA_IGNORE,
	  "denied by policy" },
	{ { "policy=deny", "allow_relays=direct" }, PXE("52:54:00:12:34:56"), PXE_BA_REJECTED,
	  "allowed by allow_relays" },
	{ { "policy=deny", "allow_relays=direct" }, RELAY("52:54:00:12:34:56", 0x0a010203),
	  PXE_BA_IGNORE, "denied by policy" },
	{ { "deny_relays=10.9.0.5" }, RELAY("52:54:00:12:34:56", 0x0a090005), PXE_BA_IGNORE,
	  "denied by deny_relays" },
	{ { "deny_relays=10.9.0.5" }, RELAY("52:54:00:12:34:56", 0x0a090006), PXE_BA_REJECTED,
	  "allowed by policy" },
	{ { "deny_relays=0.0.0.0/0" }, RELAY("52:54:00:12:34:56", 0x0a090006), PXE_BA_IGNORE,
	  "denied by deny_relays" },
	{ { "deny_relays=0.0.0.0/0" }, PXE("52:54:00:12:34:56"), PXE_BA_REJECTED,
	  "allowed by policy" },
	/* deny lists beat allow lists ... */
	{ { "policy=deny", "allow_relays=10.1.0.0/16", "deny_arch=0" },
	  RELAY_ARCH("52:54:00:12:34:56", 0x0a010203, 0), PXE_BA_IGNORE, "denied by deny_arch" },
	{ { "policy=deny", "allow_relays=10.1.0.0/16", "deny_arch=0" },
	  RELAY_ARCH("52:54:00:12:34:56", 0x0a010203, 7), PXE_BA_REJECTED,
	  "allowed by allow_relays" },
	/* ... and a MAC beats them all */
	{ { "deny_arch=0", "allow_macs=52:54:00:12:34:56" }, ARCH("52:54:00:12:34:56", 0),
	  PXE_BA_REJECTED, "allowed by allow_macs" },
	{ { "policy=deny", "allow_relays=10.1.0.0/16", "deny_macs=52:54:00:*" },
	  RELAY("52:54:00:12:34:56", 0x0a010203), PXE_BA_IGNORE, "denied by deny_macs" },
};

static void
test_decisions(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(decisions) / sizeof(decisions[0]); i++) {
		const struct decision_case *d = &decisions[i];
		const char *settings[8] = { "trace_requests=true" };
		DWORD err;

		for (unsigned int j = 0; j < 6 && d->settings[j]; j++)
			settings[j + 1] = d->settings[j];
		err = load_with(settings);
		if (err != ERROR_SUCCESS) {
			fake_dump_traces();
			fail_msg("case %zu: initialize failed: %u", i, err);
		}
		if (judge(&d->client) != d->action) {
			fake_dump_traces();
			fail_msg("case %zu: action %u, want %u", i, judge(&d->client), d->action);
		}
		assert_trace(PXE_TRACE_VERBOSE, d->trace);
		fake_finish(err);
	}
}

struct settings_error {
	const char *settings[3];
	const char *trace;
};

static const struct settings_error settings_errors[] = {
	{ { "policy=maybe" }, "setting policy: \"maybe\" is neither allow nor deny" },
	{ { "policy=Deny" }, "setting policy: \"Deny\" is neither allow nor deny" },
	{ { "allow_macs=52:54:zz:*" },
	  "setting allow_macs: \"52:54:zz:*\" is not a MAC address or prefix" },
	{ { "deny_macs=52:54:00" }, "setting deny_macs: \"52:54:00\" is not a MAC" },
	{ { "deny_macs=52:54:00:12:34:56:78" }, "setting deny_macs: \"52:54:00:12:34:56:78\"" },
	{ { "deny_macs=*" }, "setting deny_macs: \"*\" is not a MAC" },
	{ { "deny_macs=52:5*" }, "setting deny_macs: \"52:5*\" is not a MAC" },
	{ { "deny_macs=52:54:*:00" }, "setting deny_macs: \"52:54:*:00\" is not a MAC" },
	{ { "deny_arch=x64" }, "setting deny_arch: \"x64\" is not an architecture code" },
	{ { "allow_arch=7,70000" }, "setting allow_arch: \"70000\" is not an architecture code" },
	{ { "deny_arch=-1" }, "setting deny_arch: \"-1\"" },
	{ { "allow_relays=10.1.0.1/16" }, "setting allow_relays: \"10.1.0.1/16\" is not a relay" },
	{ { "allow_relays=10.1.0.0/33" }, "setting allow_relays: \"10.1.0.0/33\"" },
	{ { "deny_relays=10.1.0.0/" }, "setting deny_relays: \"10.1.0.0/\"" },
	{ { "deny_relays=relay1" }, "setting deny_relays: \"relay1\"" },
	{ { "deny_arch=0 7", "allow_arch=9 7" }, "setting deny_arch: entry 2 is also in allow_arch" },
	{ { "deny_macs=52:54:00:*", "allow_macs=52-54-00-*" },
	  "setting deny_macs: entry 1 is also in allow_macs" },
	{ { "deny_relays=direct", "allow_relays=direct" },
	  "setting deny_relays: entry 1 is also in allow_relays" },
	{ { "deny_mac=52:54:00:*" }, "setting deny_mac: unknown setting name" },
	{ { "trace_requests=2" }, "setting trace_requests: \"2\" is not a boolean" },
};

static void
test_settings_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(settings_errors) / sizeof(settings_errors[0]); i++) {
		const struct settings_error *e = &settings_errors[i];
		DWORD err = load_with(e->settings);

		if (err != ERROR_INVALID_PARAMETER)
			fail_msg("case %zu (%s): initialize returned %u", i, e->settings[0], err);
		assert_trace(PXE_TRACE_ERROR, e->trace);
		fake_finish(err);
	}
}

static void
test_settings_warning(void **state)
{
	static const char *const s[] = { "allow_arch=7", NULL };
	DWORD err;

	(void)state;
	err = load_with(s);
	assert_int_equal(err, ERROR_SUCCESS);
	assert_trace(PXE_TRACE_WARNING, "setting allow_arch: has no effect with policy allow");
	fake_finish(err);
}

/* Real clients: the qemu ones (52:54:00:dc:00:10) through, the rest of the
 * PXE ones dropped, the plain DHCP ones passed on untouched. */
static void
test_captured(void **state)
{
	static const char *const s[] = { "policy=deny", "allow_macs=52:54:00:dc:*", NULL };
	static struct fake_pcap_pkt p[FAKE_PCAP_MAX];
	unsigned int allowed = 0, denied = 0, untouched = 0;
	DWORD err;

	(void)state;
	err = load_with(s);
	assert_int_equal(err, ERROR_SUCCESS);
	for (size_t f = 0; f < sizeof(fake_pcaps) / sizeof(fake_pcaps[0]); f++) {
		unsigned int n = fake_read_pcap(fake_pcaps[f], p, FAKE_PCAP_MAX);

		for (unsigned int i = 0; i < n; i++) {
			struct fake_req req;
			PXE_BOOT_ACTION action;
			BYTE len = 0;
			PVOID vc = NULL;
			bool boot, qemu;

			boot = PxeDhcpGetOptionValue(p[i].data, (ULONG)p[i].len, 1, 60, &len,
						     &vc) == ERROR_SUCCESS &&
			       ((len >= 9 && memcmp(vc, "PXEClient", 9) == 0) ||
				(len >= 10 && memcmp(vc, "HTTPClient", 10) == 0));
			qemu = memcmp(p[i].data + DPXE_BOOTP_CHADDR, "\x52\x54\x00\xdc", 4) == 0;
			assert_int_equal(fake_deliver_on(&req, p[i].data, p[i].len, SERVER_IP,
							 p[i].dst_port, &action),
					 ERROR_SUCCESS);
			if (!boot) {
				assert_int_equal(action, PXE_BA_REJECTED);
				untouched++;
			} else if (qemu) {
				assert_int_equal(action, PXE_BA_REJECTED);
				allowed++;
			} else {
				assert_int_equal(action, PXE_BA_IGNORE);
				denied++;
			}
		}
	}
	assert_true(allowed > 0 && denied > 0 && untouched > 0);
	assert_int_equal(fake.allocated, 0);
	fake_finish(err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_only_boot_clients_judged),
		cmocka_unit_test(test_decisions),
		cmocka_unit_test(test_settings_errors),
		cmocka_unit_test(test_settings_warning),
		cmocka_unit_test(test_captured),
	};

	return cmocka_run_group_tests_name("provider_filter", tests, NULL, NULL);
}
