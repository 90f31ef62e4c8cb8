/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cmocka suite for the proxyDHCP answer: every reply is parsed back with the
 * lib/dhcp request parser (op flipped to 1) and every field checked; the
 * caller's buffer carries canary bytes past the capacity it is given.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "proxy_reply.h"
#include "test_boot_config.h"
#include "test_packets.h"

#define SRV_IP 0xc0000201u   /* 192.0.2.1, the answering port */
#define TFTP_IP 0xc000020au  /* 192.0.2.10, a rule's tftp_server */
#define OTHER_IP 0xc0000202u /* another DHCP server */
#define RELAY_IP 0x0a010001u
#define CANARY 64
#define CAP 4096

static struct tcfg tc;
static struct tpkt pkt;
static struct dpxe_dhcp_msg req, back;
static struct dpxe_pxe_vendor pxe;
static uint8_t out[CAP + CANARY];
static struct dpxe_server_id srv;
static size_t out_len;
static uint8_t out_type;

/* option 82: circuit id "eth0/1", remote id 01:02:03 */
static const uint8_t opt82[] = { 1, 6, 'e', 't', 'h', '0', '/', '1',
				 2, 3, 1, 2, 3 };

/* ---- the configuration every case shares ---- */

static int
setup(void **state)
{
	struct dpxe_config_boot_rule *r;

	(void)state;
	srv.ip = htonl_test(SRV_IP);
	srv.name = "dpxe-test";
	tcfg_init(&tc);
	tcfg_rule(&tc, "bios", "undionly.kpxe");
	tcfg_arch(&tc, 1, 0);
	r = tcfg_rule(&tc, "x64", "ipxe.efi");
	r->url = "http://192.0.2.1/boot.ipxe";
	r->tftp_server = TFTP_IP;
	tcfg_arch(&tc, 1, 7);
	tcfg_rule(&tc, "arm64-bs", "arm64.efi")->boot_server = true;
	tcfg_arch(&tc, 1, 11);
	r = tcfg_rule(&tc, "ia32-menu", "ia32.efi");
	r->boot_server = true;
	r->menu_prompt = "Press F8";
	r->menu_timeout = 5;
	tcfg_arch(&tc, 1, 6);
	tcfg_menu(&tc, 0x8000, "Install");
	tcfg_menu(&tc, 0x8001, "Rescue");
	tcfg_menu(&tc, 0, "Local disk");
	tcfg_rule(&tc, "riscv-direct-menu", "riscv.efi");
	tcfg_arch(&tc, 1, 27);
	tcfg_menu(&tc, 0x8000, "RISC-V");
	tcfg_rule(&tc, "http", NULL)->url = "http://192.0.2.1/shim.efi";
	tcfg_arch(&tc, 1, 16);
	tcfg_rule(&tc, "arm32-menu-only", NULL);
	tcfg_arch(&tc, 1, 10);
	tcfg_menu(&tc, 0, "Local disk");
	return 0;
}

/* ---- requests ---- */

/* A PXE ROM's message up to (not including) END. */
static void
begin(uint8_t type, uint16_t arch, const char *vc_prefix)
{
	uint8_t a[2], maxsz[2] = { 0x04, 0xec }; /* 1260 */
	uint8_t uuid[17] = { 0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
			     0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x01 };
	char vc[48];

	tpkt_dhcp_init(&pkt, type);
	dpxe_store_be16(pkt.buf + DPXE_BOOTP_FLAGS, DPXE_BOOTP_FLAG_BROADCAST);
	dpxe_store_be16(pkt.buf + DPXE_BOOTP_SECS, 4);
	dpxe_store_be16(a, arch);
	tpkt_opt(&pkt, DPXE_OPT_MAX_MSG_SIZE, maxsz, 2);
	tpkt_opt(&pkt, DPXE_OPT_CLIENT_ARCH, a, 2);
	tpkt_opt(&pkt, DPXE_OPT_CLIENT_UUID, uuid, 17);
	if (vc_prefix) {
		snprintf(vc, sizeof(vc), "%s:Arch:%05u:UNDI:003016", vc_prefix,
			 arch);
		tpkt_opt_str(&pkt, DPXE_OPT_VENDOR_CLASS, vc);
	}
}

static void
finish(void)
{
	tpkt_end(&pkt);
	assert_int_equal(dpxe_dhcp_parse(pkt.buf, pkt.len, &req), DPXE_DROP_OK);
}

static void
pxe_discover(uint16_t arch)
{
	begin(DPXE_DHCPDISCOVER, arch, "PXEClient");
	finish();
}

/* The boot server request: option 43 asks for an item type at a layer. */
static void
pxe_boot_request(uint16_t arch, bool with_item, uint16_t type, uint16_t layer)
{
	uint8_t v43[] = { DPXE_PXE_BOOT_ITEM, 4, (uint8_t)(type >> 8),
			  (uint8_t)type, (uint8_t)(layer >> 8), (uint8_t)layer,
			  DPXE_OPT_END };

	begin(DPXE_DHCPREQUEST, arch, "PXEClient");
	dpxe_store_be32(pkt.buf + DPXE_BOOTP_CIADDR, 0xc0000242);
	dpxe_store_be16(pkt.buf + DPXE_BOOTP_FLAGS, 0);
	if (with_item)
		tpkt_opt(&pkt, DPXE_OPT_VENDOR, v43, sizeof(v43));
	finish();
}

/* ---- the reply ---- */

/* Build into out with cap bytes; everything past what the reply used,
 * and always past cap, must still be canary. */
static enum dpxe_drop_reason
answer_cap(uint16_t port, size_t cap)
{
	enum dpxe_drop_reason r;
	size_t used;

	memset(out, 0xa5, sizeof(out));
	out_len = 0;
	out_type = 0;
	r = dpxe_proxy_reply(&tc.cfg, &srv, &req, port, out, cap, &out_len,
			     &out_type);
	used = r == DPXE_DROP_OK ? out_len : cap;
	if (r == DPXE_DROP_OK)
		assert_true(out_len <= cap);
	for (size_t i = used; i < sizeof(out); i++)
		if (out[i] != 0xa5)
			fail_msg("byte %zu written (cap %zu, reply %zu)", i,
				 cap, out_len);
	return r;
}

static enum dpxe_drop_reason
answer(uint16_t port)
{
	return answer_cap(port, CAP);
}

static void
parse_back(void)
{
	out[DPXE_BOOTP_OP] = DPXE_BOOTP_REQUEST;
	assert_int_equal(dpxe_dhcp_parse(out, out_len, &back), DPXE_DROP_OK);
	out[DPXE_BOOTP_OP] = DPXE_BOOTP_REPLY;
}

static void
assert_field(size_t off, size_t flen, const char *want)
{
	uint8_t f[DPXE_BOOTP_FILE_LEN] = { 0 };

	if (want)
		memcpy(f, want, strlen(want));
	assert_memory_equal(out + off, f, flen);
}

/* Fixed header: what a proxy reply always looks like. */
static void
assert_header(uint32_t siaddr, const char *file)
{
	assert_true(out_len >= DPXE_BOOTP_MIN_LEN);
	assert_int_equal(out[DPXE_BOOTP_OP], DPXE_BOOTP_REPLY);
	assert_int_equal(out[DPXE_BOOTP_HTYPE], DPXE_HTYPE_ETHER);
	assert_int_equal(out[DPXE_BOOTP_HLEN], 6);
	assert_int_equal(out[DPXE_BOOTP_HOPS], 0);
	assert_memory_equal(out + DPXE_BOOTP_XID, pkt.buf + DPXE_BOOTP_XID, 4);
	assert_int_equal(dpxe_load_be16(out + DPXE_BOOTP_SECS), 0);
	assert_memory_equal(out + DPXE_BOOTP_FLAGS, pkt.buf + DPXE_BOOTP_FLAGS,
			    2);
	/* RFC 2131 Table 3: an ACK keeps the REQUEST's ciaddr, an OFFER 0 */
	assert_int_equal(dpxe_load_be32(out + DPXE_BOOTP_CIADDR),
			 out_type == DPXE_DHCPACK ?
				 dpxe_load_be32(pkt.buf + DPXE_BOOTP_CIADDR) :
				 0);
	assert_int_equal(dpxe_load_be32(out + DPXE_BOOTP_YIADDR), 0);
	assert_int_equal(dpxe_load_be32(out + DPXE_BOOTP_SIADDR), siaddr);
	assert_memory_equal(out + DPXE_BOOTP_GIADDR,
			    pkt.buf + DPXE_BOOTP_GIADDR, 4);
	assert_memory_equal(out + DPXE_BOOTP_CHADDR,
			    pkt.buf + DPXE_BOOTP_CHADDR, DPXE_BOOTP_CHADDR_LEN);
	assert_field(DPXE_BOOTP_SNAME, DPXE_BOOTP_SNAME_LEN, srv.name);
	assert_field(DPXE_BOOTP_FILE, DPXE_BOOTP_FILE_LEN, file);
	assert_int_equal(dpxe_load_be32(out + DPXE_BOOTP_COOKIE),
			 DPXE_DHCP_MAGIC_COOKIE);
}

/* Options every answer carries: 53, 54, 60, 97 echoed byte for byte. */
static void
assert_common_options(uint8_t type, const char *vc)
{
	uint16_t l, rl;
	const uint8_t *v, *rv;

	parse_back();
	assert_int_equal(out_type, type);
	assert_int_equal(back.msg_type, type);
	assert_int_equal(back.opt_len[DPXE_OPT_SERVER_ID], 4);
	assert_int_equal(back.server_id, srv.ip);
	v = dpxe_dhcp_get(&back, DPXE_OPT_VENDOR_CLASS, &l);
	assert_non_null(v);
	assert_int_equal(l, strlen(vc));
	assert_memory_equal(v, vc, l);
	rv = dpxe_dhcp_get(&req, DPXE_OPT_CLIENT_UUID, &rl);
	v = dpxe_dhcp_get(&back, DPXE_OPT_CLIENT_UUID, &l);
	if (!rv) {
		assert_null(v);
	} else {
		assert_non_null(v);
		assert_int_equal(l, rl);
		assert_memory_equal(v, rv, l);
	}
	/* nothing a proxy must not say */
	assert_false(dpxe_dhcp_has(&back, DPXE_OPT_LEASE_TIME));
	assert_false(dpxe_dhcp_has(&back, DPXE_OPT_SUBNET_MASK));
	assert_false(dpxe_dhcp_has(&back, DPXE_OPT_OVERLOAD));
}

/* Codes of the reply's options in order, END excluded. */
static size_t
option_codes(uint8_t *codes, size_t max)
{
	size_t i = DPXE_DHCP_OPTIONS_OFF, n = 0;

	while (i < out_len && out[i] != DPXE_OPT_END) {
		assert_true(n < max);
		codes[n++] = out[i];
		i += 2 + (size_t)out[i + 1];
	}
	assert_true(i < out_len); /* END present */
	return n;
}

/* Option 43 parsed as PXE sub-options; false when absent. */
static bool
vendor(void)
{
	uint16_t l;
	const uint8_t *v = dpxe_dhcp_get(&back, DPXE_OPT_VENDOR, &l);

	memset(&pxe, 0, sizeof(pxe));
	if (!v)
		return false;
	assert_int_equal(dpxe_pxe_vendor_parse(v, l, &pxe), DPXE_DROP_OK);
	return true;
}

static void
assert_direct_vendor(void)
{
	assert_true(vendor());
	assert_true(pxe.has_discovery_control);
	assert_int_equal(pxe.discovery_control, DPXE_PXE_DISC_BOOTFILE_DIRECT);
	assert_null(pxe.boot_servers);
	assert_null(pxe.boot_menu);
	assert_false(pxe.has_menu_prompt);
	assert_false(pxe.has_boot_item);
}

/* ---- OFFERs ---- */

static void
test_offer_direct(void **state)
{
	uint8_t codes[16];
	static const uint8_t want[] = { 53, 54, 60, 97, 43 };

	(void)state;
	pxe_discover(0);
	assert_int_equal(answer(67), DPXE_DROP_OK);
	assert_header(SRV_IP, "undionly.kpxe");
	assert_common_options(DPXE_DHCPOFFER, "PXEClient");
	assert_direct_vendor();
	assert_int_equal(option_codes(codes, 16), sizeof(want));
	assert_memory_equal(codes, want, sizeof(want));
	/* within what the client takes, padded to the BOOTP minimum */
	assert_true(out_len <= 1260 - 28);
	assert_int_equal(out_len, DPXE_BOOTP_MIN_LEN);
}

/* The rule's tftp_server becomes siaddr; 54 still names us. */
static void
test_offer_next_server(void **state)
{
	(void)state;
	pxe_discover(7);
	assert_int_equal(answer(67), DPXE_DROP_OK);
	assert_header(TFTP_IP, "ipxe.efi");
	assert_common_options(DPXE_DHCPOFFER, "PXEClient");
	assert_direct_vendor();

	/* boot.tftp_server for a rule without its own */
	tc.cfg.boot.tftp_server = 0xc0000263;
	pxe_discover(0);
	assert_int_equal(answer(67), DPXE_DROP_OK);
	assert_header(0xc0000263, "undionly.kpxe");
	tc.cfg.boot.tftp_server = 0;
}

/* iPXE (77 or 175) gets the URL: no chain-load loop. */
static void
test_offer_ipxe_url(void **state)
{
	uint8_t ipxe175[] = { 1, 1, 1 };

	(void)state;
	begin(DPXE_DHCPDISCOVER, 7, "PXEClient");
	tpkt_opt_str(&pkt, DPXE_OPT_USER_CLASS, "iPXE");
	finish();
	assert_int_equal(answer(67), DPXE_DROP_OK);
	assert_header(TFTP_IP, "http://192.0.2.1/boot.ipxe");
	assert_common_options(DPXE_DHCPOFFER, "PXEClient");
	assert_direct_vendor();

	begin(DPXE_DHCPDISCOVER, 7, "PXEClient");
	tpkt_opt(&pkt, DPXE_OPT_IPXE, ipxe175, sizeof(ipxe175));
	finish();
	assert_int_equal(answer(67), DPXE_DROP_OK);
	assert_header(TFTP_IP, "http://192.0.2.1/boot.ipxe");
}

/* A rule with boot_server and no menu: dpxe's one-item menu. */
static void
test_offer_boot_server_default(void **state)
{
	uint8_t servers[7] = { 0x80, 0x00, 1 };
	static const uint8_t menu[] = { 0x80, 0x00, 4, 'd', 'p', 'x', 'e' };
	uint8_t codes[16];
	static const uint8_t want[] = { 53, 54, 60, 97, 43 };

	(void)state;
	dpxe_store_be32(servers + 3, SRV_IP);
	pxe_discover(11);
	assert_int_equal(answer(67), DPXE_DROP_OK);
	assert_header(SRV_IP, NULL); /* the file comes from 4011 */
	assert_common_options(DPXE_DHCPOFFER, "PXEClient");
	assert_true(vendor());
	assert_true(pxe.has_discovery_control);
	assert_int_equal(pxe.discovery_control, 0x07);
	assert_int_equal(pxe.boot_servers_len, sizeof(servers));
	assert_memory_equal(pxe.boot_servers, servers, sizeof(servers));
	assert_int_equal(pxe.boot_menu_len, sizeof(menu));
	assert_memory_equal(pxe.boot_menu, menu, sizeof(menu));
	assert_true(pxe.has_menu_prompt);
	assert_int_equal(pxe.menu_timeout, 0);
	assert_int_equal(pxe.menu_prompt_len, 4);
	assert_memory_equal(pxe.menu_prompt, "dpxe", 4);
	assert_false(pxe.has_boot_item);
	assert_int_equal(option_codes(codes, 16), sizeof(want));
	assert_memory_equal(codes, want, sizeof(want));
}

/* The rule's menu and prompt; a server entry per type but local boot. */
static void
test_offer_boot_server_menu(void **state)
{
	uint8_t servers[14] = { 0x80, 0x00, 1, 0, 0, 0, 0, 0x80, 0x01, 1 };
	static const uint8_t menu[] = {
		0x80, 0x00, 7, 'I', 'n', 's', 't', 'a', 'l', 'l',
		0x80, 0x01, 6, 'R', 'e', 's', 'c', 'u', 'e',
		0x00, 0x00, 10, 'L', 'o', 'c', 'a', 'l', ' ', 'd', 'i', 's', 'k',
	};

	(void)state;
	dpxe_store_be32(servers + 3, SRV_IP);
	dpxe_store_be32(servers + 10, SRV_IP);
	pxe_discover(6);
	assert_int_equal(answer(67), DPXE_DROP_OK);
	assert_header(SRV_IP, NULL);
	assert_common_options(DPXE_DHCPOFFER, "PXEClient");
	assert_true(vendor());
	assert_int_equal(pxe.discovery_control, 0x07);
	assert_int_equal(pxe.boot_servers_len, sizeof(servers));
	assert_memory_equal(pxe.boot_servers, servers, sizeof(servers));
	assert_int_equal(pxe.boot_menu_len, sizeof(menu));
	assert_memory_equal(pxe.boot_menu, menu, sizeof(menu));
	assert_true(pxe.has_menu_prompt);
	assert_int_equal(pxe.menu_timeout, 5);
	assert_int_equal(pxe.menu_prompt_len, 8);
	assert_memory_equal(pxe.menu_prompt, "Press F8", 8);
}

/* A direct rule keeps its configured menu; no prompt when none given. */
static void
test_offer_direct_with_menu(void **state)
{
	static const uint8_t menu[] = { 0x80, 0x00, 6, 'R', 'I', 'S', 'C',
					'-', 'V' };

	(void)state;
	pxe_discover(27);
	assert_int_equal(answer(67), DPXE_DROP_OK);
	assert_header(SRV_IP, "riscv.efi");
	assert_common_options(DPXE_DHCPOFFER, "PXEClient");
	assert_true(vendor());
	assert_int_equal(pxe.discovery_control, DPXE_PXE_DISC_BOOTFILE_DIRECT);
	assert_null(pxe.boot_servers);
	assert_int_equal(pxe.boot_menu_len, sizeof(menu));
	assert_memory_equal(pxe.boot_menu, menu, sizeof(menu));
	assert_false(pxe.has_menu_prompt);
}

/* Nothing to download: the menu (local boot) via discovery. */
static void
test_offer_menu_only(void **state)
{
	(void)state;
	pxe_discover(10);
	assert_int_equal(answer(67), DPXE_DROP_OK);
	assert_header(SRV_IP, NULL);
	assert_common_options(DPXE_DHCPOFFER, "PXEClient");
	assert_true(vendor());
	assert_int_equal(pxe.discovery_control, 0x07);
	assert_null(pxe.boot_servers); /* type 0 is never asked for */
	assert_int_equal(pxe.boot_menu_len, 13);
	assert_true(pxe.has_menu_prompt);
}

/* UEFI HTTP boot: 60 "HTTPClient", the URL as file, no option 43. */
static void
test_offer_http_client(void **state)
{
	uint8_t codes[16];
	static const uint8_t want[] = { 53, 54, 60, 97 };

	(void)state;
	begin(DPXE_DHCPDISCOVER, 16, "HTTPClient");
	finish();
	assert_int_equal(answer(67), DPXE_DROP_OK);
	assert_header(SRV_IP, "http://192.0.2.1/shim.efi");
	assert_common_options(DPXE_DHCPOFFER, "HTTPClient");
	assert_false(vendor());
	assert_int_equal(option_codes(codes, 16), sizeof(want));
	assert_memory_equal(codes, want, sizeof(want));

	/* a rule giving it no URL: nothing to offer */
	begin(DPXE_DHCPDISCOVER, 10, "HTTPClient");
	finish();
	assert_int_equal(answer(67), DPXE_DROP_NO_BOOT_RULE);
}

/* Without option 97 in the request there is none in the reply. */
static void
test_offer_without_uuid(void **state)
{
	uint8_t a[2] = { 0, 0 };

	(void)state;
	tpkt_dhcp_init(&pkt, DPXE_DHCPDISCOVER);
	tpkt_opt(&pkt, DPXE_OPT_CLIENT_ARCH, a, 2);
	tpkt_opt_str(&pkt, DPXE_OPT_VENDOR_CLASS, "PXEClient");
	finish();
	assert_int_equal(answer(67), DPXE_DROP_OK);
	assert_header(SRV_IP, "undionly.kpxe");
	assert_common_options(DPXE_DHCPOFFER, "PXEClient");
	assert_false(dpxe_dhcp_has(&back, DPXE_OPT_CLIENT_UUID));

	/* and no sname when the server has no name */
	srv.name = NULL;
	assert_int_equal(answer(67), DPXE_DROP_OK);
	assert_header(SRV_IP, "undionly.kpxe");
	srv.name = "dpxe-test";
}

/* RFC 3046: a relay's option 82 comes back unchanged, last. */
static void
test_relay_agent_info_echoed_last(void **state)
{
	uint8_t codes[16];
	static const uint8_t want[] = { 53, 54, 60, 97, 43, 82 };
	uint16_t l;
	const uint8_t *v;

	(void)state;
	begin(DPXE_DHCPDISCOVER, 0, "PXEClient");
	dpxe_store_be32(pkt.buf + DPXE_BOOTP_GIADDR, RELAY_IP);
	pkt.buf[DPXE_BOOTP_HOPS] = 1;
	tpkt_opt(&pkt, DPXE_OPT_RELAY_AGENT_INFO, opt82, sizeof(opt82));
	finish();
	assert_int_equal(answer(67), DPXE_DROP_OK);
	assert_header(SRV_IP, "undionly.kpxe");
	assert_int_equal(dpxe_load_be32(out + DPXE_BOOTP_GIADDR), RELAY_IP);
	assert_common_options(DPXE_DHCPOFFER, "PXEClient");
	assert_direct_vendor();
	v = dpxe_dhcp_get(&back, DPXE_OPT_RELAY_AGENT_INFO, &l);
	assert_non_null(v);
	assert_int_equal(l, sizeof(opt82));
	assert_memory_equal(v, opt82, sizeof(opt82));
	assert_int_equal(option_codes(codes, 16), sizeof(want));
	assert_memory_equal(codes, want, sizeof(want));

	/* relayed without 82: nothing to echo */
	begin(DPXE_DHCPDISCOVER, 0, "PXEClient");
	dpxe_store_be32(pkt.buf + DPXE_BOOTP_GIADDR, RELAY_IP);
	finish();
	assert_int_equal(answer(67), DPXE_DROP_OK);
	parse_back();
	assert_false(dpxe_dhcp_has(&back, DPXE_OPT_RELAY_AGENT_INFO));

	/* 82 added by an L2 snooping switch (giaddr 0): echoed all the same */
	begin(DPXE_DHCPDISCOVER, 0, "PXEClient");
	tpkt_opt(&pkt, DPXE_OPT_RELAY_AGENT_INFO, opt82, sizeof(opt82));
	finish();
	assert_int_equal(answer(67), DPXE_DROP_OK);
	parse_back();
	v = dpxe_dhcp_get(&back, DPXE_OPT_RELAY_AGENT_INFO, &l);
	assert_non_null(v);
	assert_int_equal(l, sizeof(opt82));
	assert_memory_equal(v, opt82, sizeof(opt82));
}

/* ---- ACKs ---- */

/* Port 4011: the file, and sub-option 71 with the type asked, layer 0. */
static void
test_ack_boot_server(void **state)
{
	uint8_t codes[16];
	static const uint8_t want[] = { 53, 54, 60, 97, 43 };

	(void)state;
	pxe_boot_request(6, true, 0x8001, 3);
	assert_int_equal(answer(4011), DPXE_DROP_OK);
	assert_header(SRV_IP, "ia32.efi");
	assert_common_options(DPXE_DHCPACK, "PXEClient");
	assert_true(vendor());
	assert_true(pxe.has_boot_item);
	assert_int_equal(pxe.boot_item_type, 0x8001);
	assert_int_equal(pxe.boot_item_layer, 0);
	assert_false(pxe.has_discovery_control);
	assert_null(pxe.boot_servers);
	assert_null(pxe.boot_menu);
	assert_false(pxe.has_menu_prompt);
	assert_int_equal(option_codes(codes, 16), sizeof(want));
	assert_memory_equal(codes, want, sizeof(want));

	/* a direct rule's client that does the 4011 step anyway */
	pxe_boot_request(7, true, 0x8000, 0);
	assert_int_equal(answer(4011), DPXE_DROP_OK);
	assert_header(TFTP_IP, "ipxe.efi");
	assert_common_options(DPXE_DHCPACK, "PXEClient");
	assert_true(vendor());
	assert_int_equal(pxe.boot_item_type, 0x8000);

	/* no item asked for: nothing to echo, no option 43 */
	pxe_boot_request(11, false, 0, 0);
	assert_int_equal(answer(4011), DPXE_DROP_OK);
	assert_header(SRV_IP, "arm64.efi");
	assert_common_options(DPXE_DHCPACK, "PXEClient");
	assert_false(vendor());
}

/* 4011 behind a relay: 82 still comes back last. */
static void
test_ack_boot_server_relayed(void **state)
{
	uint8_t codes[16];
	static const uint8_t want[] = { 53, 54, 60, 97, 43, 82 };
	uint8_t v43[] = { 71, 4, 0x80, 0, 0, 0, 255 };

	(void)state;
	begin(DPXE_DHCPREQUEST, 11, "PXEClient");
	dpxe_store_be32(pkt.buf + DPXE_BOOTP_GIADDR, RELAY_IP);
	tpkt_opt(&pkt, DPXE_OPT_VENDOR, v43, sizeof(v43));
	tpkt_opt(&pkt, DPXE_OPT_RELAY_AGENT_INFO, opt82, sizeof(opt82));
	finish();
	assert_int_equal(answer(4011), DPXE_DROP_OK);
	assert_header(SRV_IP, "arm64.efi");
	assert_common_options(DPXE_DHCPACK, "PXEClient");
	assert_int_equal(option_codes(codes, 16), sizeof(want));
	assert_memory_equal(codes, want, sizeof(want));
}

/* REQUEST to 67 naming us: the OFFER's contents as an ACK. */
static void
test_ack_request_for_us(void **state)
{
	uint32_t us = htonl_test(SRV_IP);

	(void)state;
	begin(DPXE_DHCPREQUEST, 0, "PXEClient");
	tpkt_opt(&pkt, DPXE_OPT_SERVER_ID, &us, 4);
	finish();
	assert_int_equal(answer(67), DPXE_DROP_OK);
	assert_header(SRV_IP, "undionly.kpxe");
	assert_common_options(DPXE_DHCPACK, "PXEClient");
	assert_direct_vendor();

	/* and the boot-server form for a boot_server rule */
	begin(DPXE_DHCPREQUEST, 11, "PXEClient");
	tpkt_opt(&pkt, DPXE_OPT_SERVER_ID, &us, 4);
	finish();
	assert_int_equal(answer(67), DPXE_DROP_OK);
	assert_header(SRV_IP, NULL);
	assert_common_options(DPXE_DHCPACK, "PXEClient");
	assert_true(vendor());
	assert_int_equal(pxe.discovery_control, 0x07);
}

/* ---- no reply ---- */

static void
test_request_for_another_server(void **state)
{
	uint32_t other = htonl_test(OTHER_IP);

	(void)state;
	begin(DPXE_DHCPREQUEST, 0, "PXEClient");
	tpkt_opt(&pkt, DPXE_OPT_SERVER_ID, &other, 4);
	finish();
	assert_int_equal(answer(67), DPXE_DROP_NOT_FOR_US);

	/* INIT-REBOOT / renewing: no 54 at all, the DHCP server's business */
	begin(DPXE_DHCPREQUEST, 0, "PXEClient");
	finish();
	assert_int_equal(answer(67), DPXE_DROP_NOT_FOR_US);
}

static void
test_not_pxe_client(void **state)
{
	static const char *const vcs[] = { "MSFT 5.0", "PXEClien",
					   "pxeclient:Arch:00000", "HTTPClien",
					   "udhcp 1.36.1" };

	(void)state;
	for (size_t i = 0; i < sizeof(vcs) / sizeof(vcs[0]); i++) {
		begin(DPXE_DHCPDISCOVER, 0, NULL);
		tpkt_opt_str(&pkt, DPXE_OPT_VENDOR_CLASS, vcs[i]);
		finish();
		assert_int_equal(answer(67), DPXE_DROP_NOT_PXE_CLIENT);
	}
	/* no option 60 at all */
	begin(DPXE_DHCPDISCOVER, 0, NULL);
	finish();
	assert_int_equal(answer(67), DPXE_DROP_NOT_PXE_CLIENT);
	assert_int_equal(answer(4011), DPXE_DROP_NOT_PXE_CLIENT);
}

static void
test_ignored_message_types(void **state)
{
	static const uint8_t types[] = { DPXE_DHCP_BOOTP, DPXE_DHCPDECLINE,
					 DPXE_DHCPRELEASE, DPXE_DHCPINFORM };

	(void)state;
	for (size_t i = 0; i < sizeof(types); i++) {
		begin(types[i], 0, "PXEClient");
		finish();
		assert_int_equal(answer(67), DPXE_DROP_MESSAGE_TYPE_IGNORED);
		assert_int_equal(answer(4011), DPXE_DROP_MESSAGE_TYPE_IGNORED);
	}
	/* a DISCOVER belongs on 67, not the boot server */
	pxe_discover(0);
	assert_int_equal(answer(4011), DPXE_DROP_MESSAGE_TYPE_IGNORED);
	/* nor on any other port */
	assert_int_equal(answer(68), DPXE_DROP_MESSAGE_TYPE_IGNORED);
}

static void
test_no_boot_rule(void **state)
{
	(void)state;
	pxe_discover(2); /* Itanium: no rule */
	assert_int_equal(answer(67), DPXE_DROP_NO_BOOT_RULE);
	pxe_boot_request(2, true, 0x8000, 0);
	assert_int_equal(answer(4011), DPXE_DROP_NO_BOOT_RULE);
}

/* ---- sizes ---- */

/* A rule whose option 43 is about as large as the config allows. */
static void
add_big_rule(void)
{
	static char texts[16][16], prompt[255];
	struct dpxe_config_boot_rule *r;

	r = tcfg_rule(&tc, "big", "big.efi");
	r->boot_server = true;
	tcfg_arch(&tc, 1, 41);
	/* 14 items of 3 + 15 bytes: 252 of sub-option 9's 255 */
	for (unsigned int i = 0; i < 14; i++) {
		snprintf(texts[i], sizeof(texts[i]), "entry number %02u", i);
		tcfg_menu(&tc, (uint16_t)(0x8000 + i), texts[i]);
	}
	memset(prompt, 'p', 254);
	prompt[254] = '\0';
	r->menu_prompt = prompt;
}

/* The client's maximum message size bounds the reply. */
static void
test_client_max_message_size(void **state)
{
	static const uint8_t max576[2] = { 0x02, 0x40 };
	static const uint8_t tiny[2] = { 0x01, 0x00 }; /* 256: read as 576 */
	static const uint8_t max1500[2] = { 0x05, 0xdc };
	uint16_t l;

	(void)state;
	add_big_rule();

	/* begin() already sent 57 = 1260; a second 57 is joined, so build
	 * these without it */
	tpkt_dhcp_init(&pkt, DPXE_DHCPDISCOVER);
	tpkt_opt(&pkt, DPXE_OPT_CLIENT_ARCH, "\x00\x29", 2);
	tpkt_opt_str(&pkt, DPXE_OPT_VENDOR_CLASS, "PXEClient:Arch:00041");
	tpkt_opt(&pkt, DPXE_OPT_MAX_MSG_SIZE, max576, 2);
	finish();
	assert_int_equal(answer(67), DPXE_DROP_REPLY_TOO_BIG);

	tpkt_dhcp_init(&pkt, DPXE_DHCPDISCOVER);
	tpkt_opt(&pkt, DPXE_OPT_CLIENT_ARCH, "\x00\x29", 2);
	tpkt_opt_str(&pkt, DPXE_OPT_VENDOR_CLASS, "PXEClient:Arch:00041");
	tpkt_opt(&pkt, DPXE_OPT_MAX_MSG_SIZE, tiny, 2);
	finish();
	assert_int_equal(answer(67), DPXE_DROP_REPLY_TOO_BIG);

	tpkt_dhcp_init(&pkt, DPXE_DHCPDISCOVER);
	tpkt_opt(&pkt, DPXE_OPT_CLIENT_ARCH, "\x00\x29", 2);
	tpkt_opt_str(&pkt, DPXE_OPT_VENDOR_CLASS, "PXEClient:Arch:00041");
	finish(); /* no 57: 576 */
	assert_int_equal(answer(67), DPXE_DROP_REPLY_TOO_BIG);

	tpkt_dhcp_init(&pkt, DPXE_DHCPDISCOVER);
	tpkt_opt(&pkt, DPXE_OPT_CLIENT_ARCH, "\x00\x29", 2);
	tpkt_opt_str(&pkt, DPXE_OPT_VENDOR_CLASS, "PXEClient:Arch:00041");
	tpkt_opt(&pkt, DPXE_OPT_MAX_MSG_SIZE, max1500, 2);
	finish();
	assert_int_equal(answer(67), DPXE_DROP_OK);
	assert_true(out_len > 576 - 28 && out_len <= 1500 - 28);
	assert_common_options(DPXE_DHCPOFFER, "PXEClient");
	/* option 43 over 255 bytes went out split (RFC 3396) and joins */
	assert_true(dpxe_dhcp_get(&back, DPXE_OPT_VENDOR, &l) != NULL);
	assert_true(l > 255);
	assert_true(vendor());
	assert_int_equal(pxe.boot_servers_len, 14 * 7);
	assert_int_equal(pxe.boot_menu_len, 14 * 18);
	assert_int_equal(pxe.menu_prompt_len, 254);
}

/* Every capacity from 0 up: fails cleanly below the reply's size, never
 * writes past the capacity, and succeeds from exactly that size. */
static void
test_every_capacity(void **state)
{
	static const uint8_t max1500[2] = { 0x05, 0xdc };
	size_t need;

	(void)state;
	add_big_rule();
	tpkt_dhcp_init(&pkt, DPXE_DHCPDISCOVER);
	tpkt_opt(&pkt, DPXE_OPT_CLIENT_ARCH, "\x00\x29", 2);
	tpkt_opt_str(&pkt, DPXE_OPT_VENDOR_CLASS, "PXEClient:Arch:00041");
	tpkt_opt(&pkt, DPXE_OPT_MAX_MSG_SIZE, max1500, 2);
	dpxe_store_be32(pkt.buf + DPXE_BOOTP_GIADDR, RELAY_IP);
	tpkt_opt(&pkt, DPXE_OPT_RELAY_AGENT_INFO, opt82, sizeof(opt82));
	finish();
	assert_int_equal(answer(67), DPXE_DROP_OK);
	need = out_len;
	assert_true(need > DPXE_BOOTP_MIN_LEN);
	for (size_t cap = 0; cap < need; cap++)
		assert_int_equal(answer_cap(67, cap), DPXE_DROP_REPLY_TOO_BIG);
	assert_int_equal(answer_cap(67, need), DPXE_DROP_OK);
	assert_int_equal(out_len, need);

	/* a small reply: the 300-byte BOOTP minimum is the limit */
	pxe_discover(0);
	for (size_t cap = 0; cap < DPXE_BOOTP_MIN_LEN; cap++)
		assert_int_equal(answer_cap(67, cap), DPXE_DROP_REPLY_TOO_BIG);
	assert_int_equal(answer_cap(67, DPXE_BOOTP_MIN_LEN), DPXE_DROP_OK);
}

/* Sub-option 8 holds 36 server entries: a 37th menu type cannot be
 * listed, and a reply that cannot list it is not sent. */
static void
test_menu_too_many_types(void **state)
{
	static const char *const text = "x";
	struct dpxe_config_boot_rule *r;

	(void)state;
	r = tcfg_rule(&tc, "wide", "wide.efi");
	r->boot_server = true;
	tcfg_arch(&tc, 1, 41);
	tcfg_menu(&tc, 0, text); /* local boot needs no server entry */
	for (unsigned int i = 0; i < 36; i++)
		tcfg_menu(&tc, (uint16_t)(0x8000 + i), text);
	begin(DPXE_DHCPDISCOVER, 41, "PXEClient");
	finish();
	assert_int_equal(answer(67), DPXE_DROP_OK);
	parse_back();
	assert_true(vendor());
	assert_int_equal(pxe.boot_servers_len, 36 * 7);
	assert_int_equal(pxe.boot_menu_len, 37 * 4);

	tcfg_menu(&tc, 0x9000, text);
	assert_int_equal(answer(67), DPXE_DROP_REPLY_TOO_BIG);
}

/* A name that does not fit sname is refused, not truncated. */
static void
test_sname_too_long(void **state)
{
	char name[65];

	(void)state;
	memset(name, 'n', 64);
	name[64] = '\0';
	srv.name = name;
	pxe_discover(0);
	assert_int_equal(answer(67), DPXE_DROP_REPLY_TOO_BIG);
	name[63] = '\0';
	assert_int_equal(answer(67), DPXE_DROP_OK);
	assert_header(SRV_IP, "undionly.kpxe");
	srv.name = "dpxe-test";
}

/* ---- a configuration loaded from YAML ---- */

static const char yaml[] =
	"server:\n"
	"  name: dpxe\n"
	"  ports:\n"
	"    - {ip: 192.0.2.1, prefix: 24}\n"
	"dataplane:\n"
	"  ports:\n"
	"    - {name: lan, devargs: net_null0}\n"
	"boot:\n"
	"  tftp_server: 192.0.2.10\n"
	"  rules:\n"
	"    - name: ipxe\n"
	"      match: {ipxe: true}\n"
	"      url: http://192.0.2.1/boot.ipxe\n"
	"    - name: bios-menu\n"
	"      match: {arch: [0], vendor_class: \"PXEClient*\"}\n"
	"      boot_server: true\n"
	"      boot_file: undionly.kpxe\n"
	"      menu_prompt: Press F8\n"
	"      menu_timeout: 5\n"
	"      menu:\n"
	"        - {type: 0x8000, text: Install}\n"
	"        - {type: 0, text: Local}\n"
	"    - name: uefi\n"
	"      match: {arch: [7, 9], relay: 10.1.0.0/16}\n"
	"      boot_file: ipxe.efi\n"
	"      tftp_server: 192.0.2.20\n"
	"hosts:\n"
	"  - {mac: \"52:54:00:12:34:56\", boot_file: special.efi}\n";

static void
test_yaml_config(void **state)
{
	struct dpxe_config *cfg;
	struct dpxe_config_error err;
	struct dpxe_server_id s;
	enum dpxe_drop_reason r;

	(void)state;
	if (dpxe_config_parse("test.yaml", yaml, sizeof(yaml) - 1, &cfg,
			      &err) != 0)
		fail_msg("%s", err.text);
	s.ip = htonl_test(SRV_IP);
	s.name = cfg->server.name;

	/* relayed x64 ROM: the host's file from the rule's tftp_server */
	begin(DPXE_DHCPDISCOVER, 7, "PXEClient");
	dpxe_store_be32(pkt.buf + DPXE_BOOTP_GIADDR, RELAY_IP);
	finish();
	memset(out, 0xa5, sizeof(out));
	r = dpxe_proxy_reply(cfg, &s, &req, 67, out, CAP, &out_len, &out_type);
	assert_int_equal(r, DPXE_DROP_OK);
	assert_int_equal(dpxe_load_be32(out + DPXE_BOOTP_SIADDR), 0xc0000214);
	assert_string_equal((char *)out + DPXE_BOOTP_FILE, "special.efi");
	assert_string_equal((char *)out + DPXE_BOOTP_SNAME, "dpxe");

	/* the same ROM direct (no relay): no rule */
	begin(DPXE_DHCPDISCOVER, 7, "PXEClient");
	finish();
	r = dpxe_proxy_reply(cfg, &s, &req, 67, out, CAP, &out_len, &out_type);
	assert_int_equal(r, DPXE_DROP_NO_BOOT_RULE);

	/* iPXE on it: the script URL, siaddr from boot.tftp_server */
	begin(DPXE_DHCPDISCOVER, 7, "PXEClient");
	tpkt_opt_str(&pkt, DPXE_OPT_USER_CLASS, "iPXE");
	finish();
	r = dpxe_proxy_reply(cfg, &s, &req, 67, out, CAP, &out_len, &out_type);
	assert_int_equal(r, DPXE_DROP_OK);
	assert_int_equal(dpxe_load_be32(out + DPXE_BOOTP_SIADDR), 0xc000020a);
	assert_string_equal((char *)out + DPXE_BOOTP_FILE,
			    "http://192.0.2.1/boot.ipxe");

	/* BIOS: to the boot server with the menu, then the file on 4011 */
	pxe_discover(0);
	r = dpxe_proxy_reply(cfg, &s, &req, 67, out, CAP, &out_len, &out_type);
	assert_int_equal(r, DPXE_DROP_OK);
	assert_int_equal(out[DPXE_BOOTP_FILE], 0);
	parse_back();
	assert_true(vendor());
	assert_int_equal(pxe.discovery_control, 0x07);
	assert_int_equal(pxe.boot_servers_len, 7);
	assert_int_equal(pxe.menu_timeout, 5);
	pxe_boot_request(0, true, 0x8000, 0);
	r = dpxe_proxy_reply(cfg, &s, &req, 4011, out, CAP, &out_len,
			     &out_type);
	assert_int_equal(r, DPXE_DROP_OK);
	assert_int_equal(out_type, DPXE_DHCPACK);
	assert_string_equal((char *)out + DPXE_BOOTP_FILE, "special.efi");

	dpxe_config_free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_offer_direct, setup),
		cmocka_unit_test_setup(test_offer_next_server, setup),
		cmocka_unit_test_setup(test_offer_ipxe_url, setup),
		cmocka_unit_test_setup(test_offer_boot_server_default, setup),
		cmocka_unit_test_setup(test_offer_boot_server_menu, setup),
		cmocka_unit_test_setup(test_offer_direct_with_menu, setup),
		cmocka_unit_test_setup(test_offer_menu_only, setup),
		cmocka_unit_test_setup(test_offer_http_client, setup),
		cmocka_unit_test_setup(test_offer_without_uuid, setup),
		cmocka_unit_test_setup(test_relay_agent_info_echoed_last,
				       setup),
		cmocka_unit_test_setup(test_ack_boot_server, setup),
		cmocka_unit_test_setup(test_ack_boot_server_relayed, setup),
		cmocka_unit_test_setup(test_ack_request_for_us, setup),
		cmocka_unit_test_setup(test_request_for_another_server, setup),
		cmocka_unit_test_setup(test_not_pxe_client, setup),
		cmocka_unit_test_setup(test_ignored_message_types, setup),
		cmocka_unit_test_setup(test_no_boot_rule, setup),
		cmocka_unit_test_setup(test_client_max_message_size, setup),
		cmocka_unit_test_setup(test_every_capacity, setup),
		cmocka_unit_test_setup(test_menu_too_many_types, setup),
		cmocka_unit_test_setup(test_sname_too_long, setup),
		cmocka_unit_test_setup(test_yaml_config, setup),
	};

	return cmocka_run_group_tests_name("boot_proxy_reply", tests, NULL,
					   NULL);
}
