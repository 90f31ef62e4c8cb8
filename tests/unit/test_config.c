/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cmocka suite for lib/config. Table-driven: each bad document (inline, or
 * a file in tests/data/config/) must fail with exactly one error at the
 * expected line:column and field path, with the expected words in its
 * message; the example files in config/ must load with the values they
 * spell out, and print back to YAML that loads to the same thing.
 * Runs from the source root (tests/meson.build sets workdir).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/config.h"

#define IP(a, b, c, d) \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

/* Valid sections to build cases from; each is exactly three lines. */
#define S "server:\n  ports:\n    - {ip: 192.0.2.1, prefix: 24}\n"
#define D "dataplane:\n  ports:\n    - {name: p0, devargs: net_null0}\n"
#define R "boot:\n  rules:\n    - {name: r, boot_file: a.efi}\n"
/* A dhcp-mode base: lines 1-3 server, 4-6 dataplane, 7-9 subnets. */
#define SD "server:\n  mode: dhcp\n  ports: [{ip: 192.0.2.1, prefix: 24}]\n"
#define SUB "subnets:\n  - subnet: 192.0.2.0/24\n" \
	"    pools: [{start: 192.0.2.100, end: 192.0.2.199}]\n"

#define X10 "xxxxxxxxxx"
#define X100 X10 X10 X10 X10 X10 X10 X10 X10 X10 X10

struct bad_case {
	const char *name;
	const char *yaml;    /* inline document, or NULL when file is set */
	const char *file;    /* a file under tests/data/config/ */
	unsigned line, col;  /* 0, 0: no position (whole-file errors) */
	const char *path;
	const char *words[3]; /* all must appear in the message */
};

static const struct bad_case bad_cases[] = {
	/* ---- document shape and YAML syntax ---- */
	{ "empty", "", NULL, 0, 0, "", { "file is empty" } },
	{ "comments_only", "# nothing\n\n", NULL, 0, 0, "",
	  { "file is empty" } },
	{ "document_marker_only", "---\n", NULL, 0, 0, "",
	  { "file is empty" } },
	{ "top_is_list", "- a\n- b\n", NULL, 1, 1, "",
	  { "expected a mapping of sections", "got a list" } },
	{ "top_is_scalar", "hello\n", NULL, 1, 1, "",
	  { "expected a mapping of sections", "got \"hello\"" } },
	{ "syntax_unclosed_flow", "server: [\n", NULL, 2, 1, "",
	  { "invalid YAML", "flow" } },
	{ "syntax_bad_indent", S D "boot:\n  rules:\n    - name: a\n"
	  "   boot_file: x\n", NULL, 10, 4, "",
	  { "invalid YAML" } },
	{ "syntax_tab", "server:\n\tports: []\n", NULL, 2, 1, "",
	  { "invalid YAML", "cannot start any token" } },
	{ "syntax_unclosed_quote", S D R "log: {file: \"/x}\n", NULL, 11, 1,
	  "", { "invalid YAML", "quoted scalar" } },
	{ "second_document", S D R "---\nlog: {}\n", NULL, 10, 1, "",
	  { "second YAML document" } },

	/* ---- unknown, duplicate and missing keys ---- */
	{ "unknown_section", S D R "x: 1\n", NULL, 10, 1, "x",
	  { "unknown section \"x\"",
	    "expected one of: server, dataplane, boot, hosts, subnets, "
	    "providers, leases, log" } },
	{ "unknown_field", "server:\n  prot: 1\n  ports: []\n" D R, NULL,
	  2, 3, "server.prot",
	  { "unknown field \"prot\" (expected one of: mode, name, ports)" } },
	{ "unknown_field_in_list", S D "boot:\n  rules:\n"
	  "    - {name: a, boot_file: b, match: {archh: [1]}}\n", NULL,
	  9, 39, "boot.rules[0].match.archh",
	  { "unknown field \"archh\"", "arch, vendor_class" } },
	{ "duplicate_field", "server:\n  mode: proxy\n  mode: dhcp\n"
	  "  ports: [{ip: 192.0.2.1, prefix: 24}]\n" D R, NULL, 3, 3,
	  "server.mode", { "duplicate field \"mode\"", "line 2" } },
	{ "missing_section", S R, NULL, 1, 1, "",
	  { "missing required section \"dataplane\"" } },
	{ "missing_field_ip", "server:\n  ports:\n    - prefix: 24\n" D R,
	  NULL, 3, 7, "server.ports[0]",
	  { "missing required field \"ip\"" } },
	{ "missing_field_ports", "server: {mode: proxy}\n" D R, NULL, 1, 9,
	  "server", { "missing required field \"ports\"" } },
	{ "missing_provider_module", S D R
	  "providers:\n  - name: a\n", NULL, 11, 5, "providers[0]",
	  { "missing required field \"module\"" } },

	/* ---- wrong types ---- */
	{ "mapping_for_list", "server:\n  ports: {ip: 192.0.2.1}\n" D R,
	  NULL, 2, 10, "server.ports",
	  { "expected a list", "got a mapping" } },
	{ "list_for_mapping", "server: [1]\n" D R, NULL, 1, 9, "server",
	  { "expected a mapping", "got a list" } },
	{ "scalar_for_list", S "dataplane:\n  ports:\n"
	  "    - {name: p0, devargs: net_null0}\n  workers: 1\n" R, NULL,
	  7, 12, "dataplane.workers", { "expected a list", "got \"1\"" } },
	{ "nothing_for_list", S D R "hosts:\n", NULL, 10, 7, "hosts",
	  { "expected a list, got nothing", "write []" } },
	{ "list_for_string", S "dataplane:\n  ports:\n"
	  "    - {name: [p0], devargs: net_null0}\n" R, NULL, 6, 14,
	  "dataplane.ports[0].name", { "expected a string, got a list" } },
	{ "list_for_int", S D "  burst: [1]\n" R, NULL, 7, 10,
	  "dataplane.burst",
	  { "expected an integer from 1 to 512, got a list" } },
	{ "null_for_string", "server:\n  name: ~\n"
	  "  ports: [{ip: 192.0.2.1, prefix: 24}]\n" D R, NULL, 2, 9,
	  "server.name", { "expected a value, got nothing" } },
	{ "empty_string", "server:\n  name: \"\"\n"
	  "  ports: [{ip: 192.0.2.1, prefix: 24}]\n" D R, NULL, 2, 9,
	  "server.name", { "expected a non-empty string" } },
	{ "string_too_long", S D "boot:\n  rules:\n"
	  "    - name: r\n      boot_file: " X100 "1234567890123456789012345"
	  "678\n", NULL, 10, 18, "boot.rules[0].boot_file",
	  { "expected at most 127 characters, got 128" } },
	{ "too_few_entries", "server:\n  ports: []\n" D R, NULL, 2, 10,
	  "server.ports", { "expected at least 1 entry, got 0" } },
	{ "too_many_entries", SD D SUB
	  "    dns: [1.1.1.1, 1.1.1.2, 1.1.1.3, 1.1.1.4, 1.1.1.5, 1.1.1.6,"
	  " 1.1.1.7, 1.1.1.8, 1.1.1.9]\n", NULL, 10, 10, "subnets[0].dns",
	  { "expected at most 8 entries, got 9" } },

	/* ---- integers ---- */
	{ "int_not_a_number", S D "  burst: abc\n" R, NULL, 7, 10,
	  "dataplane.burst",
	  { "expected an integer from 1 to 512, got \"abc\"" } },
	{ "int_trailing_junk", S D "  burst: 12abc\n" R, NULL, 7, 10,
	  "dataplane.burst", { "from 1 to 512, got \"12abc\"" } },
	{ "int_zero_below_range", S D "  burst: 0\n" R, NULL, 7, 10,
	  "dataplane.burst", { "from 1 to 512, got 0" } },
	{ "int_above_range", S D "  burst: 513\n" R, NULL, 7, 10,
	  "dataplane.burst", { "from 1 to 512, got 513" } },
	{ "provider_timeout_range", S D "  provider_timeout_ms: 600001\n" R,
	  NULL, 7, 24, "dataplane.provider_timeout_ms",
	  { "from 1 to 600000, got 600001" } },
	{ "int_negative", S D "  burst: -4\n" R, NULL, 7, 10,
	  "dataplane.burst", { "got \"-4\"" } },
	{ "int_float", S D "  burst: 3.5\n" R, NULL, 7, 10,
	  "dataplane.burst", { "got \"3.5\"" } },
	{ "int_nothing", S D "  burst:\n" R, NULL, 7, 9, "dataplane.burst",
	  { "from 1 to 512, got nothing" } },
	{ "int_leading_zero", S "dataplane:\n  ports:\n"
	  "    - {name: p0, devargs: net_null0, vlan: 010}\n" R, NULL, 6, 44,
	  "dataplane.ports[0].vlan", { "got \"010\"", "leading zeros" } },
	{ "vlan_range", S "dataplane:\n  ports:\n"
	  "    - {name: p0, devargs: net_null0, vlan: 4095}\n" R, NULL, 6,
	  44, "dataplane.ports[0].vlan",
	  { "expected a VLAN id from 0 to 4094, got 4095" } },
	{ "rx_queues_zero", S "dataplane:\n  ports:\n"
	  "    - {name: p0, devargs: net_null0, rx_queues: 0}\n" R, NULL, 6,
	  49, "dataplane.ports[0].rx_queues",
	  { "queue count from 1 to 1024, got 0" } },
	{ "prefix_range", "server:\n  ports:\n"
	  "    - {ip: 192.0.2.1, prefix: 33}\n" D R, NULL, 3, 31,
	  "server.ports[0].prefix",
	  { "expected a prefix length from 0 to 32, got 33" } },
	{ "arch_range", S D "boot:\n  rules:\n    - name: x\n"
	  "      boot_file: a\n      match: {arch: [0, 7, 70000]}\n", NULL,
	  11, 28, "boot.rules[0].match.arch[2]",
	  { "expected an architecture code from 0 to 65535, got 70000" } },
	{ "menu_type_range", S D "boot:\n  rules:\n    - name: x\n"
	  "      menu: [{type: 0x10000, text: a}]\n", NULL, 10, 21,
	  "boot.rules[0].menu[0].type",
	  { "boot server type from 0 to 65535, got 0x10000" } },
	{ "lease_too_short", SD D SUB "    lease_time: 30\n", NULL, 10, 17,
	  "subnets[0].lease_time",
	  { "lease time in seconds from 60", "got 30" } },
	{ "worker_range", S D "  workers: [1024]\n" R, NULL, 7, 13,
	  "dataplane.workers[0]", { "an lcore id from 0 to 1023" } },

	/* ---- enums and booleans ---- */
	{ "enum_mode", "server:\n  mode: Proxy\n"
	  "  ports: [{ip: 192.0.2.1, prefix: 24}]\n" D R, NULL, 2, 9,
	  "server.mode",
	  { "expected one of proxy | dhcp, got \"Proxy\"" } },
	{ "enum_spreading", S D "  spreading: rss\n" R, NULL, 7, 14,
	  "dataplane.spreading",
	  { "one of auto | flow | software | none", "got \"rss\"" } },
	{ "enum_log_level", S D R "log:\n  level: verbose\n", NULL, 11, 10,
	  "log.level", { "one of emerg | alert", "debug, got \"verbose\"" } },
	{ "bool_word", S D "boot:\n  rules:\n"
	  "    - {name: x, boot_file: a, match: {ipxe: maybe}}\n", NULL,
	  9, 45, "boot.rules[0].match.ipxe",
	  { "expected true or false, got \"maybe\"" } },
	{ "bool_number", S D "boot:\n  rules:\n"
	  "    - {name: x, boot_server: 1}\n", NULL, 9, 30,
	  "boot.rules[0].boot_server", { "expected true or false" } },

	/* ---- addresses ---- */
	{ "ip_octet_range", "server:\n  ports:\n"
	  "    - {ip: 192.0.2.300, prefix: 24}\n" D R, NULL, 3, 12,
	  "server.ports[0].ip",
	  { "expected an IPv4 address (a.b.c.d), got \"192.0.2.300\"" } },
	{ "ip_short", "server:\n  ports:\n    - {ip: 10.1, prefix: 8}\n" D R,
	  NULL, 3, 12, "server.ports[0].ip", { "IPv4 address", "\"10.1\"" } },
	{ "ip_octal", "server:\n  ports:\n"
	  "    - {ip: 010.0.0.1, prefix: 8}\n" D R, NULL, 3, 12,
	  "server.ports[0].ip", { "IPv4 address", "\"010.0.0.1\"" } },
	{ "ip_multicast", "server:\n  ports:\n"
	  "    - {ip: 224.0.0.1, prefix: 8}\n" D R, NULL, 3, 12,
	  "server.ports[0].ip", { "unicast IPv4 address" } },
	{ "ip_network_address", "server:\n  ports:\n"
	  "    - {ip: 192.0.2.0, prefix: 24}\n" D R, NULL, 3, 12,
	  "server.ports[0].ip", { "network address of 192.0.2.0/24" } },
	{ "gateway_outside", "server:\n  ports:\n"
	  "    - {ip: 192.0.2.1, prefix: 24, gateway: 10.0.0.1}\n" D R, NULL,
	  3, 44, "server.ports[0].gateway",
	  { "gateway 10.0.0.1 is not another host of 192.0.2.1/24" } },
	{ "mac_syntax", "server:\n  ports:\n"
	  "    - {ip: 192.0.2.1, prefix: 24, mac: \"52:54:00:12:34\"}\n" D R,
	  NULL, 3, 40, "server.ports[0].mac",
	  { "expected \"auto\" or a MAC address", "\"52:54:00:12:34\"" } },
	{ "mac_multicast", "server:\n  ports:\n"
	  "    - {ip: 192.0.2.1, prefix: 24, mac: \"01:00:5e:00:00:01\"}\n"
	  D R, NULL, 3, 40, "server.ports[0].mac", { "multicast MAC" } },
	{ "mac_prefix_bad", S D "boot:\n  rules:\n"
	  "    - {name: x, boot_file: a, match: {mac: \"52:54:*:00\"}}\n",
	  NULL, 9, 44, "boot.rules[0].match.mac",
	  { "MAC prefix ending in *", "\"52:54:*:00\"" } },
	{ "relay_host_bits", S D "boot:\n  rules:\n"
	  "    - {name: x, boot_file: a, match: {relay: 10.1.2.3/16}}\n",
	  NULL, 9, 46, "boot.rules[0].match.relay",
	  { "host bits set", "did you mean 10.1.0.0/16?" } },
	{ "relay_prefix", S D "boot:\n  rules:\n"
	  "    - {name: x, boot_file: a, match: {relay: 10.1.0.0/33}}\n",
	  NULL, 9, 46, "boot.rules[0].match.relay",
	  { "expected an IPv4 subnet (a.b.c.d/len)" } },
	{ "tftp_server_bad", S D "boot:\n  tftp_server: tftp.lan\n"
	  "  rules: [{name: r, boot_file: a.efi}]\n",
	  NULL, 8, 16, "boot.tftp_server",
	  { "IPv4 address", "\"tftp.lan\"" } },

	/* ---- boot rules ---- */
	{ "vendor_class_star_inside", S D "boot:\n  rules:\n"
	  "    - {name: x, boot_file: a, match: {vendor_class: \"PXE*x\"}}\n",
	  NULL, 9, 53, "boot.rules[0].match.vendor_class",
	  { "'*' is only allowed at the end" } },
	{ "url_syntax", S D "boot:\n  rules:\n"
	  "    - {name: x, url: \"h/x\"}\n", NULL, 9, 22, "boot.rules[0].url",
	  { "expected a URL", "\"h/x\"" } },
	{ "rule_without_target", S D "boot:\n  rules:\n"
	  "    - {name: x, match: {arch: [7]}}\n", NULL, 9, 7,
	  "boot.rules[0]", { "nothing to boot" } },
	{ "rule_duplicate_name", S D "boot:\n  rules:\n"
	  "    - {name: x, boot_file: a}\n    - {name: x, boot_file: b}\n",
	  NULL, 10, 14, "boot.rules[1].name",
	  { "duplicate rule name \"x\"", "boot.rules[0]" } },
	{ "menu_prompt_without_menu", S D "boot:\n  rules:\n"
	  "    - {name: x, boot_file: a, menu_prompt: go}\n", NULL, 9, 44,
	  "boot.rules[0].menu_prompt", { "needs a menu" } },
	{ "menu_duplicate_type", S D "boot:\n  rules:\n    - name: x\n"
	  "      menu: [{type: 1, text: a}, {type: 1, text: b}]\n", NULL, 10,
	  41, "boot.rules[0].menu[1].type",
	  { "type 1 is already used by menu[0]" } },
	{ "menu_too_big", S D "boot:\n  rules:\n    - name: x\n"
	  "      menu:\n        - {type: 1, text: " X100 X10 X10 X10 X10 X10
	  "}\n        - {type: 2, text: " X100 X10 X10 X10 X10 X10 "}\n",
	  NULL, 11, 9, "boot.rules[0].menu",
	  { "the menu takes 306 bytes", "holds 255" } },
	{ "proxy_without_rules", S D, NULL, 1, 1, "boot.rules",
	  { "proxy mode", "at least one boot rule" } },

	/* ---- dataplane ---- */
	{ "port_count_mismatch", "server:\n  ports:\n"
	  "    - {ip: 192.0.2.1, prefix: 24}\n"
	  "    - {ip: 198.51.100.1, prefix: 24}\n" D R, NULL, 7, 5,
	  "dataplane.ports",
	  { "1 port, but server.ports has 2", "same position" } },
	{ "port_duplicate_name", "server:\n  ports:\n"
	  "    - {ip: 192.0.2.1, prefix: 24}\n"
	  "    - {ip: 198.51.100.1, prefix: 24}\n"
	  "dataplane:\n  ports:\n    - {name: p0, devargs: net_null0}\n"
	  "    - {name: p0, devargs: net_null1}\n" R, NULL, 8, 14,
	  "dataplane.ports[1].name",
	  { "duplicate port name \"p0\"", "dataplane.ports[0]" } },
	{ "port_duplicate_devargs", "server:\n  ports:\n"
	  "    - {ip: 192.0.2.1, prefix: 24}\n"
	  "    - {ip: 198.51.100.1, prefix: 24}\n"
	  "dataplane:\n  ports:\n    - {name: p0, devargs: net_null0}\n"
	  "    - {name: p1, devargs: net_null0}\n" R, NULL, 8, 27,
	  "dataplane.ports[1].devargs", { "same device", "ports[0]" } },
	{ "workers_count", S D "  workers: [1, 2]\n" R, NULL, 7, 12,
	  "dataplane.workers", { "2 lcores for 1 rx queue" } },
	{ "workers_duplicate", S "dataplane:\n  ports:\n"
	  "    - {name: p0, devargs: net_null0, rx_queues: 2}\n"
	  "  workers: [3, 3]\n" R, NULL, 7, 16, "dataplane.workers[1]",
	  { "lcore 3 is listed twice" } },
	{ "mbuf_cache_too_big", S D "  mbufs_per_worker: 100\n"
	  "  mbuf_cache: 100\n" R, NULL, 8, 15, "dataplane.mbuf_cache",
	  { "100 is too large for mbufs_per_worker 100" } },

	/* ---- subnets and hosts ---- */
	{ "dhcp_without_subnets", SD D, NULL, 2, 9, "server.mode",
	  { "needs at least one entry in subnets" } },
	{ "proxy_with_subnets", S D R SUB, NULL, 11, 3, "subnets",
	  { "only used with server.mode: dhcp" } },
	{ "subnet_host_bits", SD D "subnets:\n  - subnet: 192.0.2.1/24\n",
	  NULL, 8, 13, "subnets[0].subnet",
	  { "192.0.2.1/24 has host bits set", "192.0.2.0/24" } },
	{ "subnet_overlap", SD D SUB "  - subnet: 192.0.0.0/16\n", NULL, 10,
	  13, "subnets[1].subnet",
	  { "overlaps subnets[0] (192.0.2.0/24)" } },
	{ "pool_outside", SD D "subnets:\n  - subnet: 192.0.2.0/24\n"
	  "    pools: [{start: 192.0.2.10, end: 192.0.3.20}]\n", NULL, 9, 13,
	  "subnets[0].pools[0]",
	  { "pool 192.0.2.10-192.0.3.20 is not inside",
	    "subnet 192.0.2.0/24" } },
	{ "pool_network_address", SD D "subnets:\n  - subnet: 192.0.2.0/24\n"
	  "    pools: [{start: 192.0.2.0, end: 192.0.2.9}]\n", NULL, 9, 13,
	  "subnets[0].pools[0]", { "is not inside the host addresses" } },
	{ "pool_reversed", SD D "subnets:\n  - subnet: 192.0.2.0/24\n"
	  "    pools: [{start: 192.0.2.20, end: 192.0.2.10}]\n", NULL, 9, 38,
	  "subnets[0].pools[0].end",
	  { "end 192.0.2.10 is before start 192.0.2.20" } },
	{ "pool_overlap", SD D "subnets:\n  - subnet: 192.0.2.0/24\n"
	  "    pools:\n      - {start: 192.0.2.100, end: 192.0.2.199}\n"
	  "      - {start: 192.0.2.150, end: 192.0.2.160}\n", NULL, 11, 9,
	  "subnets[0].pools[1]", { "192.0.2.150-192.0.2.160 overlaps pools[0]" } },
	{ "pool_bad_ip", SD D "subnets:\n  - subnet: 192.0.2.0/24\n"
	  "    pools: [{start: 192.0.2.x, end: 192.0.2.10}]\n", NULL, 9, 21,
	  "subnets[0].pools[0].start", { "IPv4 address", "\"192.0.2.x\"" } },
	{ "router_outside", SD D SUB "    router: 10.0.0.1\n", NULL, 10, 13,
	  "subnets[0].router",
	  { "router 10.0.0.1 is not inside subnet 192.0.2.0/24" } },
	{ "dns_bad", SD D SUB "    dns: [192.0.2.53, dns.lan]\n", NULL, 10,
	  23, "subnets[0].dns[1]", { "IPv4 address", "\"dns.lan\"" } },
	{ "domain_bad", SD D SUB "    domain: \"ex ample\"\n", NULL, 10, 13,
	  "subnets[0].domain", { "expected a domain name" } },
	{ "t1_not_below_t2", SD D SUB
	  "    renew_time: 3000\n    rebind_time: 2000\n", NULL, 10, 17,
	  "subnets[0].renew_time",
	  { "renew_time (T1, 3000 s) must be less than rebind_time "
	    "(T2, 2000 s)" } },
	{ "t2_not_below_lease", SD D SUB "    rebind_time: 3600\n", NULL, 10,
	  18, "subnets[0].rebind_time",
	  { "rebind_time (T2, 3600 s) must be less than lease_time "
	    "(3600 s)" } },
	{ "t1_default_above_t2", SD D SUB "    rebind_time: 1000\n", NULL, 10,
	  18, "subnets[0].rebind_time",
	  { "renew_time (T1, 1800 s)", "rebind_time (T2, 1000 s)" } },
	{ "host_mac_bad", S D R "hosts:\n  - mac: \"52:54:00:*\"\n", NULL,
	  11, 10, "hosts[0].mac", { "expected a MAC address" } },
	{ "host_mac_duplicate", S D R "hosts:\n"
	  "  - mac: 52:54:00:00:00:01\n  - mac: 52:54:00:00:00:02\n"
	  "  - mac: 52-54-00-00-00-01\n", NULL, 13, 10, "hosts[2].mac",
	  { "duplicate host MAC 52-54-00-00-00-01 (also hosts[0])" } },
	{ "host_ip_in_proxy_mode", S D R "hosts:\n"
	  "  - {mac: 52:54:00:00:00:01, ip: 192.0.2.9}\n", NULL, 11, 34,
	  "hosts[0].ip", { "needs server.mode: dhcp" } },
	{ "host_ip_outside", SD D SUB "hosts:\n"
	  "  - {mac: 52:54:00:00:00:01, ip: 10.9.9.9}\n", NULL, 11, 34,
	  "hosts[0].ip", { "10.9.9.9 is not inside any of the subnets" } },
	{ "host_ip_duplicate", SD D SUB "hosts:\n"
	  "  - {mac: 52:54:00:00:00:01, ip: 192.0.2.9}\n"
	  "  - {mac: 52:54:00:00:00:02, ip: 192.0.2.9}\n", NULL, 12, 34,
	  "hosts[1].ip",
	  { "duplicate host address 192.0.2.9 (also hosts[0])" } },
	{ "hostname_bad", S D R "hosts:\n"
	  "  - {mac: 52:54:00:00:00:01, hostname: node_1}\n", NULL, 11, 40,
	  "hosts[0].hostname", { "expected a host name", "\"node_1\"" } },

	/* ---- providers ---- */
	{ "provider_duplicate", S D R "providers:\n"
	  "  - {name: a, module: m.so}\n  - {name: a, module: n.so}\n",
	  NULL, 12, 12, "providers[1].name",
	  { "duplicate provider name \"a\" (also providers[0])" } },
	{ "provider_name_bad", S D R "providers:\n"
	  "  - {name: \"a b\", module: m.so}\n", NULL, 11, 12,
	  "providers[0].name", { "letters, digits, '-' and '_'" } },
	{ "settings_list", S D R "providers:\n"
	  "  - {name: a, module: m.so, settings: [x]}\n", NULL, 11, 39,
	  "providers[0].settings",
	  { "expected a mapping of names to values, got a list" } },
	{ "settings_nested", S D R "providers:\n  - name: a\n"
	  "    module: m.so\n    settings:\n      ok: 1\n      bad: {x: 1}\n",
	  NULL, 15, 12, "providers[0].settings.bad",
	  { "expected a single value", "got a mapping" } },
	{ "settings_duplicate", S D R "providers:\n  - name: a\n"
	  "    module: m.so\n    settings: {k: 1, k: 2}\n", NULL, 13, 22,
	  "providers[0].settings", { "duplicate setting \"k\"" } },

	/* ---- leases (lines 10-11 after SD D SUB) ---- */
	{ "leases_flush_zero", SD D SUB "leases:\n  flush_ms: 0\n", NULL, 11,
	  13, "leases.flush_ms",
	  { "expected an interval in ms from 1 to 10000, got 0" } },
	{ "leases_flush_too_long", SD D SUB "leases:\n  flush_ms: 10001\n",
	  NULL, 11, 13, "leases.flush_ms",
	  { "expected an interval in ms from 1 to 10000, got 10001" } },
	{ "leases_capacity_small", SD D SUB "leases:\n  capacity: 8\n", NULL,
	  11, 13, "leases.capacity",
	  { "expected a number of clients from 16 to 16777216, got 8" } },
	{ "leases_offer_text", SD D SUB "leases: {offer_time: soon}\n", NULL,
	  10, 22, "leases.offer_time",
	  { "expected a time in seconds from 1 to 86400", "\"soon\"" } },
	{ "leases_decline_negative", SD D SUB "leases:\n  decline_time: -5\n",
	  NULL, 11, 17, "leases.decline_time",
	  { "expected a time in seconds from 1 to 31536000", "-5" } },
	{ "leases_unknown_key", SD D SUB "leases:\n  flush: 5\n", NULL, 11, 3,
	  "leases.flush",
	  { "unknown field \"flush\" (expected one of: journal, capacity, "
	    "offer_time, decline_time, flush_ms)" } },
	{ "leases_journal_list", SD D SUB "leases:\n  journal: [a]\n", NULL,
	  11, 12, "leases.journal", { "got a list" } },
	{ "leases_in_proxy_mode", S D R "leases:\n  capacity: 100\n", NULL,
	  11, 3, "leases", { "only used with server.mode: dhcp" } },
	{ "dhcp_with_providers", SD D SUB "providers:\n"
	  "  - {name: a, module: m.so}\n", NULL, 11, 3, "providers",
	  { "providers with server.mode dhcp: not supported yet" } },
	{ "dhcp_spreading_flow", SD D "  spreading: flow\n" SUB, NULL, 7, 14,
	  "dataplane.spreading",
	  { "server.mode dhcp needs spreading auto or software", "not flow" } },
	{ "dhcp_port_in_no_subnet", "server:\n  mode: dhcp\n  ports:\n"
	  "    - {ip: 192.0.2.1, prefix: 24}\n"
	  "    - {ip: 198.51.100.1, prefix: 24}\n"
	  "dataplane:\n  ports:\n    - {name: p0, devargs: net_null0}\n"
	  "    - {name: p1, devargs: net_null1}\n" SUB, NULL, 5, 12,
	  "server.ports[1].ip",
	  { "198.51.100.1 is in none of the subnets" } },

	/* ---- files in tests/data/config/ ---- */
	{ "file_bad_burst", NULL, "tests/data/config/bad-burst.yaml", 14,
	  10, "dataplane.burst",
	  { "expected an integer from 1 to 512, got \"abc\"" } },
	{ "file_bad_arch", NULL, "tests/data/config/bad-arch.yaml", 17, 22,
	  "boot.rules[1].match.arch[2]",
	  { "expected an architecture code from 0 to 65535, got 70000" } },
	{ "file_unknown_key", NULL, "tests/data/config/bad-unknown-key.yaml",
	  5, 3, "server.prot",
	  { "unknown field \"prot\" (expected one of: mode, name, ports)" } },
	{ "file_syntax", NULL, "tests/data/config/bad-syntax.yaml", 7, 14, "",
	  { "invalid YAML", "mapping values are not allowed" } },
	{ "file_empty", NULL, "tests/data/config/empty.yaml", 0, 0, "",
	  { "file is empty" } },
	{ "file_wrong_type", NULL, "tests/data/config/bad-type.yaml", 9, 5,
	  "server.ports", { "expected a list, got a mapping" } },
	{ "file_dup_mac", NULL, "tests/data/config/bad-dup-mac.yaml", 22, 10,
	  "hosts[2].mac",
	  { "duplicate host MAC 52:54:00:12:34:56 (also hosts[0])" } },
	{ "file_pool", NULL, "tests/data/config/bad-pool.yaml", 19, 9,
	  "subnets[0].pools[0]", { "is not inside", "192.0.2.0/24" } },
	{ "file_missing", NULL, "tests/data/config/no-such-file.yaml", 0, 0,
	  "", { "cannot open the configuration",
		"No such file or directory" } },
};

static void
check_bad(void **state)
{
	const struct bad_case *c = *state;
	const char *name = c->file != NULL ? c->file : "inline.yaml";
	struct dpxe_config_error e;
	struct dpxe_config *cfg = (void *)1;
	char where[300];
	int rc;

	if (c->file != NULL)
		rc = dpxe_config_load(c->file, &cfg, &e);
	else
		rc = dpxe_config_parse(name, c->yaml, strlen(c->yaml), &cfg,
				&e);
	print_message("%s: %s\n", c->name, e.text);

	assert_null(cfg);
	assert_int_equal(rc, c->file != NULL &&
			strstr(c->file, "no-such") != NULL ? -ENOENT : -EINVAL);
	assert_string_equal(e.file, name);
	if (e.line != c->line || e.col != c->col)
		fail_msg("%s: at %u:%u, expected %u:%u", c->name, e.line,
				e.col, c->line, c->col);
	assert_string_equal(e.path, c->path);
	for (int i = 0; i < 3 && c->words[i] != NULL; i++)
		if (strstr(e.message, c->words[i]) == NULL)
			fail_msg("%s: message \"%s\" lacks \"%s\"", c->name,
					e.message, c->words[i]);

	/* The one-line form: "file:line:col: path: message". */
	if (c->line > 0)
		snprintf(where, sizeof(where), "%s:%u:%u: %s%s", name, c->line,
				c->col, c->path, c->path[0] ? ": " : "");
	else
		snprintf(where, sizeof(where), "%s: ", name);
	assert_true(strncmp(e.text, where, strlen(where)) == 0);
	assert_non_null(strstr(e.text, e.message));
	assert_null(strchr(e.text, '\n'));
}

/* ---- good files ---- */

static struct dpxe_config *
load_ok(const char *path)
{
	struct dpxe_config_error e;
	struct dpxe_config *cfg;
	int rc = dpxe_config_load(path, &cfg, &e);

	if (rc != 0)
		fail_msg("%s: %s", path, e.text);
	assert_non_null(cfg);
	return cfg;
}

static void
test_default_yaml(void **state)
{
	struct dpxe_config *cfg = load_ok("config/default.yaml");
	const struct dpxe_config_boot_rule *r;

	(void)state;
	assert_int_equal(cfg->server.mode, DPXE_CONFIG_MODE_PROXY);
	assert_null(cfg->server.name);
	assert_int_equal(cfg->server.ports_count, 1);
	assert_int_equal(cfg->server.ports[0].ip, IP(10, 77, 0, 1));
	assert_int_equal(cfg->server.ports[0].prefix, 24);
	assert_int_equal(cfg->server.ports[0].mask, 0xffffff00);
	assert_true(cfg->server.ports[0].mac_auto);
	assert_int_equal(cfg->server.ports[0].gateway, 0);

	assert_int_equal(cfg->dataplane.ports_count, 1);
	assert_string_equal(cfg->dataplane.ports[0].name, "veth");
	assert_string_equal(cfg->dataplane.ports[0].devargs,
			"net_af_packet0,iface=dpxe0");
	/* Defaults. */
	assert_int_equal(cfg->dataplane.ports[0].rx_queues, 1);
	assert_int_equal(cfg->dataplane.ports[0].vlan, 0);
	assert_int_equal(cfg->dataplane.workers_count, 0);
	assert_int_equal(cfg->dataplane.mbufs_per_worker, 8191);
	assert_int_equal(cfg->dataplane.mbuf_cache, 256);
	assert_int_equal(cfg->dataplane.burst, 32);
	assert_int_equal(cfg->dataplane.spreading,
			DPXE_CONFIG_SPREADING_AUTO);
	assert_int_equal(cfg->dataplane.reply_delay_ms, 0);
	assert_int_equal(cfg->dataplane.provider_timeout_ms, 5000);
	assert_int_equal(cfg->log.level, DPXE_CONFIG_LOG_INFO);
	assert_null(cfg->log.file);
	assert_int_equal(cfg->hosts_count + cfg->subnets_count +
			cfg->providers_count, 0);

	assert_int_equal(cfg->boot.tftp_server, 0);
	assert_int_equal(cfg->boot.rules_count, 3);
	r = &cfg->boot.rules[0];
	assert_string_equal(r->name, "ipxe-script");
	assert_int_equal(r->match.given, DPXE_CONFIG_MATCH_IPXE);
	assert_true(r->match.ipxe);
	assert_string_equal(r->url, "http://10.77.0.1/boot.ipxe");
	r = &cfg->boot.rules[1];
	assert_int_equal(r->match.given, DPXE_CONFIG_MATCH_ARCH);
	assert_int_equal(r->match.arch_count, 2);
	assert_int_equal(r->match.arch[0], 7);
	assert_int_equal(r->match.arch[1], 9);
	assert_string_equal(r->boot_file, "ipxe.efi");
	r = &cfg->boot.rules[2];
	assert_int_equal(r->match.given, 0);
	assert_string_equal(r->boot_file, "undionly.kpxe");
	assert_false(r->boot_server);
	assert_int_equal(r->tftp_server, 0);
	dpxe_config_free(cfg);
}

static void
test_proxy_yaml(void **state)
{
	struct dpxe_config *cfg = load_ok("config/proxy.yaml");
	const struct dpxe_config_dataplane *d = &cfg->dataplane;
	const struct dpxe_config_boot_rule *r;
	static const uint8_t lab[3] = { 0x52, 0x54, 0x00 };

	(void)state;
	assert_int_equal(cfg->server.mode, DPXE_CONFIG_MODE_PROXY);
	assert_string_equal(cfg->server.name, "dpxe");
	assert_int_equal(cfg->server.ports[0].ip, IP(192, 0, 2, 1));
	assert_true(cfg->server.ports[0].mac_auto);
	assert_int_equal(cfg->server.ports[0].gateway, IP(192, 0, 2, 254));

	assert_string_equal(d->ports[0].name, "lan");
	assert_string_equal(d->ports[0].devargs, "net_af_packet0,iface=eth1");
	assert_int_equal(d->ports[0].rx_queues, 2);
	assert_int_equal(d->workers_count, 2);
	assert_int_equal(d->workers[0], 1);
	assert_int_equal(d->workers[1], 2);
	assert_int_equal(d->mbufs_per_worker, 8191);
	assert_int_equal(d->mbuf_cache, 256);
	assert_int_equal(d->burst, 32);
	assert_int_equal(d->spreading, DPXE_CONFIG_SPREADING_AUTO);

	assert_int_equal(cfg->boot.tftp_server, IP(192, 0, 2, 1));
	assert_int_equal(cfg->boot.rules_count, 4);
	r = &cfg->boot.rules[1];
	assert_string_equal(r->name, "lab-uefi");
	assert_int_equal(r->match.given, DPXE_CONFIG_MATCH_ARCH |
			DPXE_CONFIG_MATCH_VENDOR_CLASS | DPXE_CONFIG_MATCH_MAC |
			DPXE_CONFIG_MATCH_RELAY);
	assert_true(r->match.vendor_class.prefix);
	assert_int_equal(r->match.vendor_class.len, 9);
	assert_memory_equal(r->match.vendor_class.text, "PXEClient", 9);
	assert_int_equal(r->match.mac.len, 3);
	assert_memory_equal(r->match.mac.addr, lab, 3);
	assert_int_equal(r->match.relay.addr, IP(10, 1, 0, 0));
	assert_int_equal(r->match.relay.mask, 0xffff0000);
	assert_int_equal(r->match.relay.prefix, 16);
	assert_int_equal(r->tftp_server, IP(192, 0, 2, 10));
	r = &cfg->boot.rules[2];
	assert_int_equal(r->match.given, DPXE_CONFIG_MATCH_USER_CLASS);
	assert_false(r->match.user_class.prefix);
	assert_int_equal(r->match.user_class.len, 6);
	/* Inherited from boot.tftp_server. */
	assert_int_equal(r->tftp_server, IP(192, 0, 2, 1));
	r = &cfg->boot.rules[3];
	assert_int_equal(r->match.given, DPXE_CONFIG_MATCH_ARCH |
			DPXE_CONFIG_MATCH_IPXE);
	assert_false(r->match.ipxe);

	assert_int_equal(cfg->log.level, DPXE_CONFIG_LOG_INFO);
	assert_string_equal(cfg->log.file, "/var/log/dpxe.log");
	dpxe_config_free(cfg);
}

static void
test_dhcp_yaml(void **state)
{
	struct dpxe_config *cfg = load_ok("config/dhcp.yaml");
	const struct dpxe_config_subnet *s;
	const struct dpxe_config_boot_rule *r;
	static const uint8_t mac0[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	static const uint8_t host0[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 };

	(void)state;
	assert_int_equal(cfg->server.mode, DPXE_CONFIG_MODE_DHCP);
	assert_int_equal(cfg->server.ports_count, 2);
	assert_false(cfg->server.ports[0].mac_auto);
	assert_memory_equal(cfg->server.ports[0].mac, mac0, 6);
	assert_true(cfg->server.ports[1].mac_auto);
	assert_int_equal(cfg->dataplane.ports[1].vlan, 42);
	assert_int_equal(cfg->dataplane.workers_count, 3);
	assert_int_equal(cfg->dataplane.spreading, DPXE_CONFIG_SPREADING_AUTO);

	assert_int_equal(cfg->boot.rules_count, 5);
	r = &cfg->boot.rules[3];
	assert_string_equal(r->name, "bios-menu");
	assert_true(r->boot_server);
	assert_string_equal(r->menu_prompt, "Press F8 for the boot menu");
	assert_int_equal(r->menu_timeout, 5);
	assert_int_equal(r->menu_count, 3);
	assert_int_equal(r->menu[0].type, 0x8000);
	assert_string_equal(r->menu[0].text, "Install Linux");
	assert_int_equal(r->menu[2].type, 0);
	assert_int_equal(cfg->boot.rules[4].tftp_server, IP(10, 1, 0, 5));

	assert_int_equal(cfg->hosts_count, 2);
	assert_memory_equal(cfg->hosts[0].mac, host0, 6);
	assert_int_equal(cfg->hosts[0].ip, IP(192, 0, 2, 50));
	assert_string_equal(cfg->hosts[0].hostname, "node1");
	assert_string_equal(cfg->hosts[0].boot_file, "special.efi");
	assert_int_equal(cfg->hosts[1].ip, 0);

	assert_int_equal(cfg->subnets_count, 3);
	s = &cfg->subnets[0];
	assert_int_equal(s->net.addr, IP(192, 0, 2, 0));
	assert_int_equal(s->net.prefix, 24);
	assert_int_equal(s->pools_count, 2);
	assert_int_equal(s->pools[0].start, IP(192, 0, 2, 100));
	assert_int_equal(s->pools[0].end, IP(192, 0, 2, 199));
	assert_int_equal(s->router, IP(192, 0, 2, 254));
	assert_int_equal(s->dns_count, 2);
	assert_int_equal(s->dns[1], IP(192, 0, 2, 54));
	assert_string_equal(s->domain, "example.net");
	assert_int_equal(s->lease_time, 3600);
	assert_int_equal(s->renew_time, 1800);
	assert_int_equal(s->rebind_time, 3150);
	/* T1 and T2 from the lease time when not given. */
	s = &cfg->subnets[2];
	assert_int_equal(s->lease_time, 86400);
	assert_int_equal(s->renew_time, 43200);
	assert_int_equal(s->rebind_time, 75600);

	/* the provider chain is shown commented out: proxy mode only */
	assert_int_equal(cfg->providers_count, 0);
	assert_string_equal(cfg->leases.journal,
			    "/var/lib/dpxe/leases.journal");
	assert_int_equal(cfg->leases.capacity, 65536);
	assert_int_equal(cfg->leases.offer_time, 60);
	assert_int_equal(cfg->leases.decline_time, 600);
	assert_int_equal(cfg->leases.flush_ms, 50);
	assert_int_equal(cfg->log.level, DPXE_CONFIG_LOG_NOTICE);
	dpxe_config_free(cfg);
}

/* The provider chain as config/dhcp.yaml shows it (commented out there,
 * since dhcp mode refuses providers), loaded in proxy mode. */
static void
test_provider_chain(void **state)
{
	static const char yaml[] = S D R
		"providers:\n"
		"  - name: gate\n"
		"    module: build/providers/filter/libfilter.so\n"
		"    critical: true\n"
		"    settings:\n"
		"      policy: allow\n"
		"      deny_macs: \"52:54:00:de:ad:*\"\n"
		"  - name: bootfile\n"
		"    module: build/providers/bootfile/libbootfile.so\n";
	const struct dpxe_config_provider *p;
	struct dpxe_config_error e;
	struct dpxe_config *cfg;

	(void)state;
	if (dpxe_config_parse("chain.yaml", yaml, strlen(yaml), &cfg, &e) != 0)
		fail_msg("%s", e.text);
	assert_int_equal(cfg->providers_count, 2);
	p = &cfg->providers[0];
	assert_string_equal(p->name, "gate");
	assert_string_equal(p->module, "build/providers/filter/libfilter.so");
	assert_true(p->critical);
	assert_int_equal(p->settings_count, 2);
	assert_string_equal(p->settings[0].key, "policy");
	assert_string_equal(p->settings[0].value, "allow");
	assert_string_equal(p->settings[1].key, "deny_macs");
	assert_string_equal(p->settings[1].value, "52:54:00:de:ad:*");
	assert_string_equal(cfg->providers[1].module,
			    "build/providers/bootfile/libbootfile.so");
	assert_true(cfg->providers[1].critical);
	assert_int_equal(cfg->providers[1].settings_count, 0);
	dpxe_config_free(cfg);
}

/* leases: every key has a default, and no journal means memory only. */
static void
test_leases_defaults(void **state)
{
	static const char yaml[] = SD D SUB;
	static const char given[] = SD D SUB "leases:\n"
		"  journal: /tmp/x.journal\n  capacity: 16\n"
		"  offer_time: 1\n  decline_time: 31536000\n"
		"  flush_ms: 10000\n";
	struct dpxe_config_error e;
	struct dpxe_config *cfg;

	(void)state;
	if (dpxe_config_parse("leases.yaml", yaml, strlen(yaml), &cfg, &e) != 0)
		fail_msg("%s", e.text);
	assert_null(cfg->leases.journal);
	assert_int_equal(cfg->leases.capacity, 65536);
	assert_int_equal(cfg->leases.offer_time, 60);
	assert_int_equal(cfg->leases.decline_time, 600);
	assert_int_equal(cfg->leases.flush_ms, 50);
	dpxe_config_free(cfg);
	if (dpxe_config_parse("given.yaml", given, strlen(given), &cfg,
			&e) != 0)
		fail_msg("%s", e.text);
	assert_string_equal(cfg->leases.journal, "/tmp/x.journal");
	assert_int_equal(cfg->leases.capacity, 16);
	assert_int_equal(cfg->leases.offer_time, 1);
	assert_int_equal(cfg->leases.decline_time, 31536000);
	assert_int_equal(cfg->leases.flush_ms, 10000);
	dpxe_config_free(cfg);
}

/* Defaults that depend on "was the key given", not on a zero value. */
static void
test_defaults_and_zeroes(void **state)
{
	static const char yaml[] = S D
		"  mbuf_cache: 0\n"
		"boot:\n  rules:\n"
		"    - {name: a, menu: [{type: 1, text: x}]}\n"
		"    - {name: b, menu: [{type: 1, text: x}], menu_timeout: 0}\n"
		"providers:\n  - {name: p, module: p.so}\n"
		"log: {level: warn}\n";
	struct dpxe_config_error e;
	struct dpxe_config *cfg;

	(void)state;
	if (dpxe_config_parse("defaults.yaml", yaml, strlen(yaml), &cfg,
			&e) != 0)
		fail_msg("%s", e.text);
	assert_int_equal(cfg->dataplane.mbuf_cache, 0);
	assert_int_equal(cfg->boot.rules[0].menu_timeout, 10);
	assert_int_equal(cfg->boot.rules[1].menu_timeout, 0);
	assert_true(cfg->providers[0].critical);
	assert_null(cfg->providers[0].settings);
	assert_int_equal(cfg->log.level, DPXE_CONFIG_LOG_WARNING);
	assert_string_equal(dpxe_config_log_level_name(cfg->log.level),
			"warning");
	dpxe_config_free(cfg);
}

/* One rule for both stages of a chain load: file for the ROM, url for iPXE. */
static void
test_url_and_boot_file(void **state)
{
	static const char yaml[] = S D
		"boot:\n  rules:\n"
		"    - {name: x, boot_file: undionly.kpxe, url: \"http://h/x\"}\n";
	struct dpxe_config_error e;
	struct dpxe_config *cfg;

	(void)state;
	if (dpxe_config_parse("both.yaml", yaml, strlen(yaml), &cfg, &e) != 0)
		fail_msg("%s", e.text);
	assert_string_equal(cfg->boot.rules[0].boot_file, "undionly.kpxe");
	assert_string_equal(cfg->boot.rules[0].url, "http://h/x");
	dpxe_config_free(cfg);
}

/* YAML anchors and aliases reach libcyaml intact. */
static void
test_aliases(void **state)
{
	static const char yaml[] = S D
		"boot:\n  rules:\n"
		"    - {name: a, boot_file: a, match: &m {arch: [7, 9]}}\n"
		"    - {name: b, boot_file: b, match: *m}\n";
	struct dpxe_config_error e;
	struct dpxe_config *cfg;

	(void)state;
	if (dpxe_config_parse("alias.yaml", yaml, strlen(yaml), &cfg, &e) != 0)
		fail_msg("%s", e.text);
	assert_int_equal(cfg->boot.rules[1].match.arch_count, 2);
	assert_int_equal(cfg->boot.rules[1].match.arch[1], 9);
	dpxe_config_free(cfg);
}

/* dpxe_config_print's text of c (free it), its length in *len. */
static char *
printed(const struct dpxe_config *c, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	assert_non_null(f);
	dpxe_config_print(f, c);
	fclose(f);
	return text;
}

/* What dpxe_config_print() writes of a (named name in a failure) loads
 * back, contains want (unless NULL), and prints the same: the config it
 * loaded back, to free. */
static struct dpxe_config *
print_round_trip(const struct dpxe_config *a, const char *name, const char *want)
{
	struct dpxe_config_error e;
	struct dpxe_config *b;
	size_t len1, len2;
	char *text1 = printed(a, &len1), *text2;

	if (want != NULL)
		assert_non_null(strstr(text1, want));
	if (dpxe_config_parse("printed.yaml", text1, len1, &b, &e) != 0)
		fail_msg("%s printed: %s\n%s", name, e.text, text1);
	text2 = printed(b, &len2);
	assert_string_equal(text1, text2);
	free(text1);
	free(text2);
	return b;
}

/* What dpxe_config_print() writes loads back and prints the same. */
static void
test_print_round_trip(void **state)
{
	static const char *const files[] = {
		"config/default.yaml", "config/proxy.yaml", "config/dhcp.yaml",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct dpxe_config *a = load_ok(files[i]);

		dpxe_config_free(print_round_trip(a, files[i], NULL));
		dpxe_config_free(a);
	}
}

/* The leases section prints back, with and without a journal. */
static void
test_print_round_trip_leases(void **state)
{
	static const char *const docs[] = {
		SD D SUB,
		SD D SUB "leases: {journal: \"/var/lib/a b.journal\", "
		"capacity: 1000, offer_time: 30, decline_time: 60, "
		"flush_ms: 7}\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		struct dpxe_config *a, *b;
		struct dpxe_config_error e;

		if (dpxe_config_parse("doc.yaml", docs[i], strlen(docs[i]), &a,
				&e) != 0)
			fail_msg("%s", e.text);
		b = print_round_trip(a, "doc.yaml", "leases:\n");
		assert_int_equal(a->leases.capacity, b->leases.capacity);
		assert_int_equal(a->leases.offer_time, b->leases.offer_time);
		assert_int_equal(a->leases.decline_time,
				 b->leases.decline_time);
		assert_int_equal(a->leases.flush_ms, b->leases.flush_ms);
		if (a->leases.journal == NULL)
			assert_null(b->leases.journal);
		else
			assert_string_equal(a->leases.journal,
					    b->leases.journal);
		dpxe_config_free(a);
		dpxe_config_free(b);
	}
}

static void
test_null_error_and_free(void **state)
{
	struct dpxe_config *cfg = (void *)1;

	(void)state;
	assert_int_equal(dpxe_config_parse("x.yaml", "x: [", 4, &cfg, NULL),
			-EINVAL);
	assert_null(cfg);
	assert_int_equal(dpxe_config_load("tests/data/config/no-such.yaml",
			&cfg, NULL), -ENOENT);
	dpxe_config_free(NULL);
}

int
main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_default_yaml),
		cmocka_unit_test(test_proxy_yaml),
		cmocka_unit_test(test_dhcp_yaml),
		cmocka_unit_test(test_provider_chain),
		cmocka_unit_test(test_leases_defaults),
		cmocka_unit_test(test_defaults_and_zeroes),
		cmocka_unit_test(test_url_and_boot_file),
		cmocka_unit_test(test_aliases),
		cmocka_unit_test(test_print_round_trip),
		cmocka_unit_test(test_print_round_trip_leases),
		cmocka_unit_test(test_null_error_and_free),
	};
	size_t n_bad = sizeof(bad_cases) / sizeof(bad_cases[0]);
	size_t n_fixed = sizeof(fixed) / sizeof(fixed[0]);
	struct CMUnitTest *tests = calloc(n_bad + n_fixed, sizeof(*tests));
	int rc;

	if (tests == NULL)
		return 1;
	memcpy(tests, fixed, sizeof(fixed));
	/* One named test per table row, so a failure says which. */
	for (size_t i = 0; i < n_bad; i++) {
		tests[n_fixed + i].name = bad_cases[i].name;
		tests[n_fixed + i].test_func = check_bad;
		tests[n_fixed + i].initial_state = (void *)&bad_cases[i];
	}
	rc = _cmocka_run_group_tests("config", tests, n_bad + n_fixed, NULL,
			NULL);
	free(tests);
	return rc;
}
