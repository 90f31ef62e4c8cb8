/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cmocka suite for lib/boot rule selection: every match key, exact and
 * prefix, first-match order, host overrides, iPXE and HTTP boot URLs.
 * Table-driven: each case is a client and the rule and file it must get.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "boot_select.h"
#include "test_boot_config.h"
#include "test_packets.h"

/* option 93 codes of a client */
#define A(...)                                                                 \
	.n_arch = sizeof((uint16_t[]){ __VA_ARGS__ }) / sizeof(uint16_t),      \
	.arch = { __VA_ARGS__ }
#define N(a) (sizeof(a) / sizeof((a)[0]))

/* A client as the cases describe it. */
struct client {
	uint8_t n_arch;      /* option 93 codes; 0: no option 93 */
	uint16_t arch[3];
	const char *vc;      /* option 60; NULL: PXEClient with arch[0] */
	const char *uc;      /* option 77 value as sent; NULL: none */
	uint8_t uc_len;      /* bytes of uc (it may hold NULs); 0: strlen */
	bool opt175;         /* iPXE's encapsulated options */
	const uint8_t *mac;  /* NULL: tpkt_client_mac */
	uint32_t giaddr;     /* host order */
};

struct select_case {
	const char *desc;
	struct client cl;
	const char *rule; /* expected rule name; NULL: NO_BOOT_RULE */
	const char *file; /* expected file; NULL: none */
};

static struct tpkt pkt;
static struct dpxe_dhcp_msg msg;
static struct tcfg tc;

static const uint8_t mac_other[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t mac_exact[6] = { 0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc };
static const uint8_t mac_near[6] = { 0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcd };
static const uint8_t mac_oui2[6] = { 0x00, 0x1b, 0x21, 0x01, 0x02, 0x03 };

static void
build_client(const struct client *cl)
{
	char vc[48];
	uint8_t a[6], ipxe[] = { 1, 1, 1 }; /* 175: priority 1 */

	tpkt_dhcp_init(&pkt, DPXE_DHCPDISCOVER);
	memcpy(pkt.buf + DPXE_BOOTP_CHADDR, cl->mac ? cl->mac : tpkt_client_mac,
	       6);
	dpxe_store_be32(pkt.buf + DPXE_BOOTP_GIADDR, cl->giaddr);
	for (unsigned int i = 0; i < cl->n_arch; i++)
		dpxe_store_be16(a + 2 * i, cl->arch[i]);
	if (cl->n_arch)
		tpkt_opt(&pkt, DPXE_OPT_CLIENT_ARCH, a, (uint8_t)(2 * cl->n_arch));
	if (cl->vc) {
		tpkt_opt_str(&pkt, DPXE_OPT_VENDOR_CLASS, cl->vc);
	} else {
		snprintf(vc, sizeof(vc), "PXEClient:Arch:%05u:UNDI:002001",
			 cl->arch[0]);
		tpkt_opt_str(&pkt, DPXE_OPT_VENDOR_CLASS, vc);
	}
	if (cl->uc)
		tpkt_opt(&pkt, DPXE_OPT_USER_CLASS, cl->uc,
			 cl->uc_len ? cl->uc_len : (uint8_t)strlen(cl->uc));
	if (cl->opt175)
		tpkt_opt(&pkt, DPXE_OPT_IPXE, ipxe, sizeof(ipxe));
	tpkt_end(&pkt);
	assert_int_equal(dpxe_dhcp_parse(pkt.buf, pkt.len, &msg), DPXE_DROP_OK);
}

static bool
str_eq(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static void
run_cases(const struct select_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct select_case *k = &cases[i];
		struct dpxe_boot_choice c;
		enum dpxe_drop_reason r;

		build_client(&k->cl);
		memset(&c, 0x5a, sizeof(c));
		r = dpxe_boot_select(&tc.cfg, &msg, &c);
		if (!k->rule) {
			if (r != DPXE_DROP_NO_BOOT_RULE || c.rule || c.file)
				fail_msg("%s: expected no rule, got %s (%s)",
					 k->desc, dpxe_drop_reason_name(r),
					 r == DPXE_DROP_OK ? c.rule->name : "-");
			continue;
		}
		if (r != DPXE_DROP_OK)
			fail_msg("%s: expected rule %s, got %s", k->desc,
				 k->rule, dpxe_drop_reason_name(r));
		if (!str_eq(c.rule->name, k->rule) || !str_eq(c.file, k->file))
			fail_msg("%s: expected %s/%s, got %s/%s", k->desc,
				 k->rule, k->file ? k->file : "(null)",
				 c.rule->name, c.file ? c.file : "(null)");
	}
}

/* ---- arch: every class of client picks its rule ---- */

static void
test_arch_classes(void **state)
{
	static const struct select_case cases[] = {
		{ "x86 BIOS 0", { A(0) }, "bios", "undionly.kpxe" },
		{ "IA32 UEFI 6", { A(6) }, "uefi-ia32", "ia32.efi" },
		{ "x64 UEFI 7", { A(7) }, "uefi-x64", "x64.efi" },
		{ "x64 firmware sending 9", { A(9) }, "uefi-x64", "x64.efi" },
		{ "ARM32 UEFI 10", { A(10) }, "arm32", "arm32.efi" },
		{ "ARM64 UEFI 11", { A(11) }, "arm64", "arm64.efi" },
		{ "x64 HTTP 16 (not ARM64)",
		  { A(16), .vc = "HTTPClient:Arch:00016:UNDI:003000" },
		  "http", "http://192.0.2.1/x64.efi" },
		{ "ARM64 HTTP 19", { A(19), .vc = "HTTPClient:Arch:00019" },
		  "http", "http://192.0.2.1/x64.efi" },
		{ "RISC-V 64 UEFI 27", { A(27) }, "riscv64", "riscv64.efi" },
		{ "LoongArch64 39", { A(39) }, "loong64", "loong64.efi" },
		{ "Itanium 2: no rule", { A(2) }, NULL, NULL },
		{ "rpiboot 41: no rule", { A(41) }, NULL, NULL },
		{ "several codes, second listed", { A(2, 11) }, "arm64",
		  "arm64.efi" },
		{ "several codes, first rule of any", { A(27, 41, 6) },
		  "uefi-ia32", "ia32.efi" },
		{ "no option 93: arch from option 60",
		  { .vc = "PXEClient:Arch:00011:UNDI:003016" },
		  "arm64", "arm64.efi" },
		{ "no 93, no arch anywhere", { .vc = "PXEClient" }, NULL,
		  NULL },
		{ "0x0a is 10, not 16", { A(0x0a) }, "arm32", "arm32.efi" },
	};

	(void)state;
	tcfg_init(&tc);
	tcfg_rule(&tc, "bios", "undionly.kpxe");
	tcfg_arch(&tc, 1, 0);
	tcfg_rule(&tc, "uefi-ia32", "ia32.efi");
	tcfg_arch(&tc, 1, 6);
	tcfg_rule(&tc, "uefi-x64", "x64.efi");
	tcfg_arch(&tc, 2, 7, 9);
	tcfg_rule(&tc, "arm32", "arm32.efi");
	tcfg_arch(&tc, 1, 10);
	tcfg_rule(&tc, "arm64", "arm64.efi");
	tcfg_arch(&tc, 1, 11);
	tcfg_rule(&tc, "http", NULL)->url = "http://192.0.2.1/x64.efi";
	tcfg_arch(&tc, 2, 16, 19);
	tcfg_rule(&tc, "riscv64", "riscv64.efi");
	tcfg_arch(&tc, 1, 27);
	tcfg_rule(&tc, "loong64", "loong64.efi");
	tcfg_arch(&tc, 1, 39);
	run_cases(cases, N(cases));
}

/* ---- vendor class (60) and user class (77), exact and prefix ---- */

static void
test_class_patterns(void **state)
{
	static const struct select_case cases[] = {
		{ "vendor class exact",
		  { A(0), .vc = "PXEClient:Arch:00000:UNDI:002001" },
		  "vc-exact", "exact.0" },
		{ "vendor class exact, one byte longer",
		  { A(0), .vc = "PXEClient:Arch:00000:UNDI:0020012" },
		  NULL, NULL },
		{ "vendor class exact, one byte shorter",
		  { A(0), .vc = "PXEClient:Arch:00000:UNDI:00200" }, NULL, NULL },
		{ "vendor class prefix",
		  { A(7), .vc = "PXEClient:Arch:00007:UNDI:003016" },
		  "vc-prefix", "prefix.efi" },
		{ "vendor class prefix, value is the prefix",
		  { A(7), .vc = "PXEClient:Arch:00007" }, "vc-prefix",
		  "prefix.efi" },
		{ "vendor class prefix, shorter than it",
		  { A(7), .vc = "PXEClient:Arch:0000" }, NULL, NULL },
		{ "user class exact, bare text", { A(6), .uc = "lab-fw" },
		  "uc-exact", "lab.efi" },
		{ "user class exact, RFC 3004 instance",
		  { A(6), .uc = "\x06lab-fw" }, "uc-exact", "lab.efi" },
		{ "user class exact, second RFC 3004 instance",
		  { A(6), .uc = "\x03" "abc\x06lab-fw" }, "uc-exact",
		  "lab.efi" },
		{ "user class exact, longer", { A(6), .uc = "lab-fw2" },
		  NULL, NULL },
		{ "user class prefix", { A(6), .uc = "corporate" },
		  "uc-prefix", "corp.efi" },
		{ "user class prefix in an RFC 3004 instance",
		  { A(6), .uc = "\x02xy\x06" "corp-1" }, "uc-prefix",
		  "corp.efi" },
		{ "user class malformed RFC 3004: raw only",
		  { A(6), .uc = "\x06lab-fw\x09" }, NULL, NULL },
		{ "no user class", { A(6) }, NULL, NULL },
	};

	(void)state;
	tcfg_init(&tc);
	tcfg_rule(&tc, "vc-exact", "exact.0");
	tcfg_vendor_class(&tc, "PXEClient:Arch:00000:UNDI:002001");
	tcfg_rule(&tc, "vc-prefix", "prefix.efi");
	tcfg_vendor_class(&tc, "PXEClient:Arch:00007*");
	tcfg_rule(&tc, "uc-exact", "lab.efi");
	tcfg_user_class(&tc, "lab-fw");
	tcfg_rule(&tc, "uc-prefix", "corp.efi");
	tcfg_user_class(&tc, "corp*");
	run_cases(cases, N(cases));
}

/* ---- iPXE (77 or 175) and HTTP boot get the URL: no chain-load loop ---- */

static void
test_ipxe_and_http_urls(void **state)
{
	static const struct select_case cases[] = {
		{ "x64 ROM: the binary", { A(7) }, "uefi-x64", "ipxe.efi" },
		{ "x64 iPXE by 77", { A(7), .uc = "iPXE" }, "ipxe-x64",
		  "http://192.0.2.1/x64.ipxe" },
		{ "x64 iPXE by 175 only (FlexBoot)",
		  { A(7), .opt175 = true },
		  "ipxe-x64", "http://192.0.2.1/x64.ipxe" },
		{ "arch 9 iPXE, rule with file and url: the url",
		  { A(9), .uc = "iPXE" }, "uefi-x64",
		  "http://192.0.2.1/boot.ipxe" },
		{ "arch 9 iPXE by 175, rule with file and url: the url",
		  { A(9), .opt175 = true }, "uefi-x64",
		  "http://192.0.2.1/boot.ipxe" },
		{ "BIOS ROM", { A(0) }, "bios-rom", "undionly.kpxe" },
		{ "BIOS iPXE by 77", { A(0), .uc = "iPXE" }, "bios-ipxe",
		  "http://192.0.2.1/bios.ipxe" },
		{ "BIOS iPXE by 77 as RFC 3004", { A(0), .uc = "\x04iPXE" },
		  "bios-ipxe", "http://192.0.2.1/bios.ipxe" },
		{ "BIOS iPXE by 175", { A(0), .opt175 = true },
		  "bios-ipxe", "http://192.0.2.1/bios.ipxe" },
		{ "HTTPClient: the url",
		  { A(16), .vc = "HTTPClient:Arch:00016:UNDI:003000" }, "http",
		  "http://192.0.2.1/shim.efi" },
		{ "PXEClient on an HTTP arch: the file", { A(16) }, "http",
		  "shim-tftp.efi" },
	};

	(void)state;
	tcfg_init(&tc);
	tcfg_rule(&tc, "ipxe-x64", NULL)->url = "http://192.0.2.1/x64.ipxe";
	tcfg_arch(&tc, 1, 7);
	tcfg_ipxe(&tc, true);
	tcfg_rule(&tc, "uefi-x64", "ipxe.efi")->url =
		"http://192.0.2.1/boot.ipxe";
	tcfg_arch(&tc, 2, 7, 9);
	tcfg_rule(&tc, "bios-rom", "undionly.kpxe");
	tcfg_arch(&tc, 1, 0);
	tcfg_ipxe(&tc, false);
	tcfg_rule(&tc, "bios-ipxe", NULL)->url = "http://192.0.2.1/bios.ipxe";
	tcfg_arch(&tc, 1, 0);
	tcfg_rule(&tc, "http", "shim-tftp.efi")->url =
		"http://192.0.2.1/shim.efi";
	tcfg_arch(&tc, 1, 16);
	run_cases(cases, N(cases));
}

/* ---- MAC exact and prefix, relay subnet ---- */

static void
test_mac_and_relay(void **state)
{
	static const struct select_case cases[] = {
		{ "MAC exact", { A(7), .mac = mac_exact }, "mac-exact",
		  "exact.efi" },
		{ "MAC differing in the last octet: the prefix rule",
		  { A(7), .mac = mac_near }, "mac-prefix", "prefix.efi" },
		{ "MAC prefix of 3 octets", { A(7) }, "mac-prefix",
		  "prefix.efi" },
		{ "MAC prefix of 2 octets", { A(7), .mac = mac_oui2 },
		  "mac-oui2", "oui2.efi" },
		{ "relay inside 10.1.0.0/16",
		  { A(7), .mac = mac_other, .giaddr = 0x0a01fffe },
		  "relay", "relay.kpxe" },
		{ "relay at the subnet's first address",
		  { A(7), .mac = mac_other, .giaddr = 0x0a010000 },
		  "relay", "relay.kpxe" },
		{ "relay just outside: any relay",
		  { A(7), .mac = mac_other, .giaddr = 0x0a020001 },
		  "any-relay", "any.kpxe" },
		{ "direct client never matches a relay key, not even /0",
		  { A(7), .mac = mac_other }, NULL, NULL },
	};

	(void)state;
	tcfg_init(&tc);
	tcfg_rule(&tc, "mac-exact", "exact.efi");
	tcfg_mac(&tc, mac_exact, 6);
	tcfg_rule(&tc, "mac-prefix", "prefix.efi");
	tcfg_mac(&tc, mac_exact, 3);
	tcfg_rule(&tc, "mac-oui2", "oui2.efi");
	tcfg_mac(&tc, mac_oui2, 2);
	tcfg_rule(&tc, "relay", "relay.kpxe");
	tcfg_relay(&tc, 0x0a010000, 16);
	tcfg_rule(&tc, "any-relay", "any.kpxe");
	tcfg_relay(&tc, 0, 0);
	run_cases(cases, N(cases));
}

/* ---- order: first match wins; every key of a rule must match ---- */

static void
test_first_match_and_all_keys(void **state)
{
	static const struct select_case cases[] = {
		{ "two rules match: the first",
		  { A(7), .mac = mac_other }, "first", "first.efi" },
		{ "arch fits, vendor class does not: next rule",
		  { A(11), .vc = "PXEClient:Arch:00011" }, "catch-all",
		  "default.kpxe" },
		/* an HTTP boot client gets no TFTP path: no file at all */
		{ "arch and vendor class fit, MAC does not",
		  { A(11), .vc = "HTTPClient:Arch:00011", .mac = mac_other },
		  "catch-all", NULL },
		{ "all three keys fit",
		  { A(11), .vc = "HTTPClient:Arch:00011", .mac = mac_exact },
		  "all-keys", "http://192.0.2.1/all.efi" },
		{ "no keys: every client", { A(2) }, "catch-all",
		  "default.kpxe" },
	};

	(void)state;
	tcfg_init(&tc);
	tcfg_rule(&tc, "first", "first.efi");
	tcfg_arch(&tc, 1, 7);
	tcfg_rule(&tc, "second", "second.efi");
	tcfg_arch(&tc, 1, 7);
	tcfg_rule(&tc, "all-keys", NULL)->url = "http://192.0.2.1/all.efi";
	tcfg_arch(&tc, 1, 11);
	tcfg_vendor_class(&tc, "HTTPClient*");
	tcfg_mac(&tc, mac_exact, 6);
	tcfg_rule(&tc, "catch-all", "default.kpxe");
	run_cases(cases, N(cases));
}

static void
test_no_rules(void **state)
{
	static const struct select_case cases[] = {
		{ "empty rule list", { A(0) }, NULL, NULL },
	};

	(void)state;
	tcfg_init(&tc);
	run_cases(cases, N(cases));
}

/* ---- hosts[] override the boot file, not the iPXE URL ---- */

static void
test_host_override(void **state)
{
	struct dpxe_boot_choice c;
	struct client cl = { A(7), .mac = mac_exact };

	(void)state;
	tcfg_init(&tc);
	tcfg_rule(&tc, "x64", "ipxe.efi")->url = "http://192.0.2.1/boot.ipxe";
	tcfg_arch(&tc, 1, 7);
	tcfg_host(&tc, mac_other, NULL);
	tcfg_host(&tc, mac_exact, "special.efi");

	build_client(&cl);
	assert_int_equal(dpxe_boot_select(&tc.cfg, &msg, &c), DPXE_DROP_OK);
	assert_ptr_equal(c.host, &tc.hosts[1]);
	assert_string_equal(c.file, "special.efi");

	/* the same machine running iPXE must not get the ROM file again */
	cl.uc = "iPXE";
	build_client(&cl);
	assert_int_equal(dpxe_boot_select(&tc.cfg, &msg, &c), DPXE_DROP_OK);
	assert_ptr_equal(c.host, &tc.hosts[1]);
	assert_string_equal(c.file, "http://192.0.2.1/boot.ipxe");

	/* a host entry without boot_file leaves the rule's */
	cl.uc = NULL;
	cl.mac = mac_other;
	build_client(&cl);
	assert_int_equal(dpxe_boot_select(&tc.cfg, &msg, &c), DPXE_DROP_OK);
	assert_ptr_equal(c.host, &tc.hosts[0]);
	assert_string_equal(c.file, "ipxe.efi");

	/* not listed */
	cl.mac = mac_near;
	build_client(&cl);
	assert_int_equal(dpxe_boot_select(&tc.cfg, &msg, &c), DPXE_DROP_OK);
	assert_null(c.host);
	assert_string_equal(c.file, "ipxe.efi");
	assert_ptr_equal(dpxe_boot_host_find(&tc.cfg, &msg), NULL);

	/* a host override needs a rule: hosts alone boot nobody */
	cl.arch[0] = 0;
	cl.mac = mac_exact;
	build_client(&cl);
	assert_int_equal(dpxe_boot_select(&tc.cfg, &msg, &c),
			 DPXE_DROP_NO_BOOT_RULE);
	assert_null(c.rule);
}

/* hosts[] are Ethernet MACs: a chaddr of another type never matches. */
static void
test_host_needs_ethernet(void **state)
{
	struct client cl = { A(7) };

	(void)state;
	tcfg_init(&tc);
	tcfg_rule(&tc, "x64", "ipxe.efi");
	tcfg_host(&tc, tpkt_client_mac, "special.efi");
	build_client(&cl);
	assert_non_null(dpxe_boot_host_find(&tc.cfg, &msg));
	msg.htype = 6; /* IEEE 802 */
	assert_null(dpxe_boot_host_find(&tc.cfg, &msg));
	msg.htype = DPXE_HTYPE_ETHER;
	msg.hlen = 8;
	assert_null(dpxe_boot_host_find(&tc.cfg, &msg));
}

/* A MAC key longer than the client's hardware address cannot match. */
static void
test_mac_longer_than_hlen(void **state)
{
	struct client cl = { A(7) };

	(void)state;
	tcfg_init(&tc);
	tcfg_rule(&tc, "mac", "m.efi");
	tcfg_mac(&tc, tpkt_client_mac, 6);
	build_client(&cl);
	assert_true(dpxe_boot_rule_matches(&tc.rules[0].match, &msg));
	msg.hlen = 4;
	assert_false(dpxe_boot_rule_matches(&tc.rules[0].match, &msg));
}

/* ---- next-server and the boot-server flag ---- */

static void
test_next_server_and_boot_server(void **state)
{
	struct dpxe_boot_choice c;
	struct client cl = { A(0) };

	(void)state;
	tcfg_init(&tc);
	tcfg_rule(&tc, "r", "undionly.kpxe");
	build_client(&cl);

	/* neither given: 0, the answering port's ip */
	assert_int_equal(dpxe_boot_select(&tc.cfg, &msg, &c), DPXE_DROP_OK);
	assert_int_equal(c.next_server, 0);
	assert_false(c.boot_server);

	/* boot.tftp_server for rules without their own */
	tc.cfg.boot.tftp_server = 0xc0000205;
	assert_int_equal(dpxe_boot_select(&tc.cfg, &msg, &c), DPXE_DROP_OK);
	assert_int_equal(c.next_server, 0xc0000205);

	/* the rule's own wins */
	tc.rules[0].tftp_server = 0x0a010005;
	tc.rules[0].boot_server = true;
	assert_int_equal(dpxe_boot_select(&tc.cfg, &msg, &c), DPXE_DROP_OK);
	assert_int_equal(c.next_server, 0x0a010005);
	assert_true(c.boot_server);
	assert_ptr_equal(c.rule, &tc.rules[0]);
	assert_null(c.host);
}

/* A rule offering only a menu hands out no file. */
static void
test_menu_only_rule_has_no_file(void **state)
{
	struct dpxe_boot_choice c;
	struct client cl = { A(0) };

	(void)state;
	tcfg_init(&tc);
	tcfg_rule(&tc, "menu", NULL);
	tcfg_menu(&tc, 0, "Boot from local disk");
	build_client(&cl);
	assert_int_equal(dpxe_boot_select(&tc.cfg, &msg, &c), DPXE_DROP_OK);
	assert_null(c.file);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arch_classes),
		cmocka_unit_test(test_class_patterns),
		cmocka_unit_test(test_ipxe_and_http_urls),
		cmocka_unit_test(test_mac_and_relay),
		cmocka_unit_test(test_first_match_and_all_keys),
		cmocka_unit_test(test_no_rules),
		cmocka_unit_test(test_host_override),
		cmocka_unit_test(test_host_needs_ethernet),
		cmocka_unit_test(test_mac_longer_than_hlen),
		cmocka_unit_test(test_next_server_and_boot_server),
		cmocka_unit_test(test_menu_only_rule_has_no_file),
	};

	return cmocka_run_group_tests_name("boot_select", tests, NULL, NULL);
}
