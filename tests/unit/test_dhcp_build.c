/* SPDX-License-Identifier: BSD-3-Clause */
/* cmocka suite for the DHCP reply builder and PXE option 43 build/parse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "dhcp_build.h"
#include "test_packets.h"

static struct dpxe_dhcp_msg req, back;
static struct tpkt pkt;
static uint8_t out[4096];

static void
parse_request(void)
{
	assert_int_equal(dpxe_dhcp_parse(pkt.buf, pkt.len, &req), DPXE_DROP_OK);
}

/* Parse a reply with the request parser by flipping op back. */
static void
parse_reply(size_t len)
{
	out[DPXE_BOOTP_OP] = DPXE_BOOTP_REQUEST;
	assert_int_equal(dpxe_dhcp_parse(out, len, &back), DPXE_DROP_OK);
	out[DPXE_BOOTP_OP] = DPXE_BOOTP_REPLY;
}

static void
test_reply_skeleton(void **state)
{
	struct dpxe_dhcp_builder b;
	size_t len;

	(void)state;
	tpkt_pxe_discover(&pkt, 0);
	dpxe_store_be16(pkt.buf + DPXE_BOOTP_FLAGS, DPXE_BOOTP_FLAG_BROADCAST);
	dpxe_store_be32(pkt.buf + DPXE_BOOTP_GIADDR, 0x0a010001);
	dpxe_store_be32(pkt.buf + DPXE_BOOTP_CIADDR, 0x01020304);
	pkt.buf[DPXE_BOOTP_HOPS] = 3;
	dpxe_store_be16(pkt.buf + DPXE_BOOTP_SECS, 9);
	parse_request();

	memset(out, 0xa5, sizeof(out));
	assert_int_equal(dpxe_dhcp_reply_init(&b, out, sizeof(out), &req,
					      DPXE_DHCPOFFER), 0);
	len = dpxe_dhcp_reply_finish(&b);
	assert_int_equal(len, DPXE_BOOTP_MIN_LEN);
	assert_int_equal(out[DPXE_BOOTP_OP], DPXE_BOOTP_REPLY);
	assert_int_equal(out[DPXE_BOOTP_HTYPE], 1);
	assert_int_equal(out[DPXE_BOOTP_HLEN], 6);
	assert_int_equal(out[DPXE_BOOTP_HOPS], 0);
	assert_memory_equal(out + DPXE_BOOTP_XID, pkt.buf + DPXE_BOOTP_XID, 4);
	assert_int_equal(dpxe_load_be16(out + DPXE_BOOTP_SECS), 0);
	assert_int_equal(dpxe_load_be16(out + DPXE_BOOTP_FLAGS),
			 DPXE_BOOTP_FLAG_BROADCAST);
	assert_int_equal(dpxe_load_be32(out + DPXE_BOOTP_CIADDR), 0);
	assert_int_equal(dpxe_load_be32(out + DPXE_BOOTP_YIADDR), 0);
	assert_int_equal(dpxe_load_be32(out + DPXE_BOOTP_GIADDR), 0x0a010001);
	assert_memory_equal(out + DPXE_BOOTP_CHADDR,
			    pkt.buf + DPXE_BOOTP_CHADDR, 16);
	assert_int_equal(dpxe_load_be32(out + DPXE_BOOTP_COOKIE),
			 DPXE_DHCP_MAGIC_COOKIE);
	/* option 53, END, then zero padding up to 300 and nothing beyond */
	assert_memory_equal(out + 240, "\x35\x01\x02\xff", 4);
	for (size_t i = 244; i < DPXE_BOOTP_MIN_LEN; i++)
		assert_int_equal(out[i], 0);
	assert_int_equal(out[DPXE_BOOTP_MIN_LEN], 0xa5);
	for (size_t i = DPXE_BOOTP_SNAME; i < DPXE_BOOTP_COOKIE; i++)
		assert_int_equal(out[i], 0);

	parse_reply(len);
	assert_int_equal(back.msg_type, DPXE_DHCPOFFER);

	/* an ACK keeps the client's ciaddr */
	assert_int_equal(dpxe_dhcp_reply_init(&b, out, sizeof(out), &req,
					      DPXE_DHCPACK), 0);
	assert_int_equal(dpxe_load_be32(out + DPXE_BOOTP_CIADDR), 0x01020304);
	assert_int_equal(dpxe_dhcp_reply_init(&b, out, sizeof(out), &req,
					      DPXE_DHCPNAK), 0);
	assert_int_equal(dpxe_load_be32(out + DPXE_BOOTP_CIADDR), 0);
}

static void
test_options_and_fields(void **state)
{
	struct dpxe_dhcp_builder b;
	uint16_t olen;
	const uint8_t *v;
	size_t len;
	char longname[200];

	(void)state;
	tpkt_pxe_discover(&pkt, 7);
	parse_request();
	assert_int_equal(dpxe_dhcp_reply_init(&b, out, sizeof(out), &req,
					      DPXE_DHCPACK), 0);
	assert_int_equal(dpxe_dhcp_add_ip(&b, DPXE_OPT_SERVER_ID,
					  htonl_test(0xc0000201)), 0);
	assert_int_equal(dpxe_dhcp_add_u32(&b, DPXE_OPT_LEASE_TIME, 3600), 0);
	assert_int_equal(dpxe_dhcp_add_string(&b, DPXE_OPT_VENDOR_CLASS,
					      "PXEClient"), 0);
	assert_int_equal(dpxe_dhcp_add_option(&b, 224, NULL, 0), 0);
	dpxe_dhcp_set_yiaddr(&b, htonl_test(0xc0000264));
	dpxe_dhcp_set_siaddr(&b, htonl_test(0xc0000201));
	assert_int_equal(dpxe_dhcp_set_file(&b, "ipxe.efi"), 0);
	assert_int_equal(dpxe_dhcp_set_sname(&b, "dpxe"), 0);
	len = dpxe_dhcp_reply_finish(&b);
	assert_true(len >= DPXE_BOOTP_MIN_LEN);

	parse_reply(len);
	assert_int_equal(back.server_id, htonl_test(0xc0000201));
	v = dpxe_dhcp_get(&back, DPXE_OPT_LEASE_TIME, &olen);
	assert_int_equal(olen, 4);
	assert_int_equal(dpxe_load_be32(v), 3600);
	assert_true(back.vendor_class.pxe_client);
	assert_non_null(dpxe_dhcp_get(&back, 224, &olen));
	assert_int_equal(olen, 0);
	assert_int_equal(back.yiaddr, htonl_test(0xc0000264));
	assert_int_equal(back.siaddr, htonl_test(0xc0000201));
	assert_string_equal((const char *)back.file, "ipxe.efi");
	assert_string_equal((const char *)back.sname, "dpxe");

	/* fields take strings up to their size less the NUL */
	memset(longname, 'f', sizeof(longname));
	longname[DPXE_BOOTP_FILE_LEN - 1] = 0;
	assert_int_equal(dpxe_dhcp_set_file(&b, longname), 0);
	longname[DPXE_BOOTP_FILE_LEN - 1] = 'f';
	longname[DPXE_BOOTP_FILE_LEN] = 0;
	assert_int_equal(dpxe_dhcp_set_file(&b, longname), -1);
	longname[DPXE_BOOTP_SNAME_LEN] = 0;
	assert_int_equal(dpxe_dhcp_set_sname(&b, longname), -1);
	longname[DPXE_BOOTP_SNAME_LEN - 1] = 0;
	assert_int_equal(dpxe_dhcp_set_sname(&b, longname), 0);
}

/* Long values are split into 255-byte instances that join back. */
static void
test_long_option_split(void **state)
{
	struct dpxe_dhcp_builder b;
	uint8_t val[700];
	uint16_t olen;
	const uint8_t *v;
	size_t len;

	(void)state;
	for (size_t i = 0; i < sizeof(val); i++)
		val[i] = (uint8_t)(i * 13);
	tpkt_pxe_discover(&pkt, 0); /* max message size 1260 */
	parse_request();
	assert_int_equal(dpxe_dhcp_reply_init(&b, out, sizeof(out), &req,
					      DPXE_DHCPOFFER), 0);
	assert_int_equal(dpxe_dhcp_add_option(&b, 224, val, sizeof(val)), 0);
	len = dpxe_dhcp_reply_finish(&b);
	assert_int_equal(len, 240 + 3 + (2 + 255) * 2 + (2 + 190) + 1);
	assert_int_equal(out[243], 224);
	assert_int_equal(out[244], 255);
	assert_int_equal(out[243 + 257], 224);
	assert_int_equal(out[243 + 514], 224);
	assert_int_equal(out[243 + 515], 190);
	parse_reply(len);
	v = dpxe_dhcp_get(&back, 224, &olen);
	assert_int_equal(olen, sizeof(val));
	assert_memory_equal(v, val, sizeof(val));
}

/*
 * The client's max message size caps the reply; the builder never writes
 * past min(buffer, limit), and an append that does not fit writes nothing.
 */
static void
test_size_limits(void **state)
{
	static const struct {
		uint16_t max; /* option 57, 0 = absent */
		size_t want_cap;
	} cases[] = { { 0, 548 }, { 576, 548 }, { 1000, 972 }, { 1500, 1472 } };
	struct dpxe_dhcp_builder b;
	uint8_t be[2], val[100] = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len, before;
		int n = 0;

		tpkt_dhcp_init(&pkt, DPXE_DHCPDISCOVER);
		if (cases[i].max) {
			dpxe_store_be16(be, cases[i].max);
			tpkt_opt(&pkt, DPXE_OPT_MAX_MSG_SIZE, be, 2);
		}
		tpkt_end(&pkt);
		parse_request();
		assert_int_equal(dpxe_dhcp_reply_limit(&req), cases[i].want_cap);

		memset(out, 0xa5, sizeof(out));
		assert_int_equal(dpxe_dhcp_reply_init(&b, out, sizeof(out),
						      &req, DPXE_DHCPOFFER), 0);
		while (dpxe_dhcp_add_option(&b, 224, val, sizeof(val)) == 0)
			n++;
		assert_true(n > 0);
		assert_true(b.overflow);
		before = b.len;
		/* even a tiny option is refused once overflowed */
		assert_int_equal(dpxe_dhcp_add_u8(&b, 225, 1), -1);
		assert_int_equal(b.len, before);
		assert_int_equal(dpxe_dhcp_reply_finish(&b), 0);
		for (size_t k = cases[i].want_cap; k < sizeof(out); k++)
			assert_int_equal(out[k], 0xa5);

		/* filling exactly to the limit still leaves room for END */
		assert_int_equal(dpxe_dhcp_reply_init(&b, out, sizeof(out),
						      &req, DPXE_DHCPOFFER), 0);
		/* options of up to 255 bytes, sized so no single byte is left */
		size_t room = cases[i].want_cap - b.len - 1;
		while (room > 0) {
			size_t n = room - 2 > 255 ? 255 : room - 2;

			if (room - (n + 2) == 1)
				n--;
			assert_int_equal(dpxe_dhcp_add_option(&b, 224,
							      out + 2048, n), 0);
			room -= n + 2;
		}
		assert_int_equal(b.len, cases[i].want_cap - 1);
		len = dpxe_dhcp_reply_finish(&b);
		assert_int_equal(len, cases[i].want_cap);
	}

	/* a buffer smaller than the client's limit is the cap */
	tpkt_pxe_discover(&pkt, 0);
	parse_request();
	memset(out, 0xa5, sizeof(out));
	assert_int_equal(dpxe_dhcp_reply_init(&b, out, 320, &req,
					      DPXE_DHCPOFFER), 0);
	assert_int_equal(b.cap, 320);
	assert_int_equal(dpxe_dhcp_add_option(&b, 224, val, 80), -1);
	assert_int_equal(dpxe_dhcp_reply_finish(&b), 0);
	for (size_t k = 320; k < sizeof(out); k++)
		assert_int_equal(out[k], 0xa5);
	/* and one below the BOOTP minimum is refused outright */
	assert_int_equal(dpxe_dhcp_reply_init(&b, out, 299, &req,
					      DPXE_DHCPOFFER), -1);
}

static void
test_pxe_vendor_roundtrip(void **state)
{
	static const struct dpxe_pxe_server servers[] = {
		{ 0x8000, 0x0100000a }, { 0x8001, 0x0200000a } };
	static const struct dpxe_pxe_menu_item menu[] = {
		{ 0x8000, "Install Linux" }, { 0, "Local boot" } };
	struct dpxe_pxe_vendor_spec spec = {
		.has_discovery_control = true,
		.discovery_control = DPXE_PXE_DISC_NO_MULTICAST |
				     DPXE_PXE_DISC_BOOTFILE_DIRECT,
		.servers = servers,
		.n_servers = 2,
		.menu = menu,
		.n_menu = 2,
		.prompt = "Press F8",
		.prompt_timeout = 10,
		.has_boot_item = true,
		.boot_item_type = 0x8000,
		.boot_item_layer = 0,
	};
	struct dpxe_pxe_vendor pxe;
	uint8_t buf[300];
	size_t len;

	(void)state;
	len = dpxe_pxe_vendor_build(buf, sizeof(buf), &spec);
	assert_true(len > 0);
	assert_int_equal(buf[len - 1], DPXE_OPT_END);
	assert_memory_equal(buf, "\x06\x01\x0a", 3);
	assert_int_equal(dpxe_pxe_vendor_parse(buf, len, &pxe), DPXE_DROP_OK);
	assert_true(pxe.has_discovery_control);
	assert_int_equal(pxe.discovery_control, 0x0a);
	assert_int_equal(pxe.boot_servers_len, 14);
	assert_memory_equal(pxe.boot_servers, "\x80\x00\x01\x0a\x00\x00\x01", 7);
	assert_int_equal(pxe.boot_menu_len, 3 + 13 + 3 + 10);
	assert_memory_equal(pxe.boot_menu, "\x80\x00\x0dInstall Linux", 16);
	assert_true(pxe.has_menu_prompt);
	assert_int_equal(pxe.menu_timeout, 10);
	assert_int_equal(pxe.menu_prompt_len, 8);
	assert_memory_equal(pxe.menu_prompt, "Press F8", 8);
	assert_true(pxe.has_boot_item);
	assert_int_equal(pxe.boot_item_type, 0x8000);
	assert_int_equal(pxe.boot_item_layer, 0);

	/* every cap short of the full length fails cleanly */
	for (size_t cap = 0; cap < len; cap++)
		assert_int_equal(dpxe_pxe_vendor_build(buf, cap, &spec), 0);

	/* an empty spec is just END */
	struct dpxe_pxe_vendor_spec empty = { 0 };
	assert_int_equal(dpxe_pxe_vendor_build(buf, sizeof(buf), &empty), 1);

	/* a sub-option over 255 bytes is refused */
	char big[300];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	struct dpxe_pxe_vendor_spec toolong = { .prompt = big };
	assert_int_equal(dpxe_pxe_vendor_build(buf, sizeof(buf), &toolong), 0);
}

/* Malformed option 43 from a PXE client gets its own reason. */
static void
test_pxe_vendor_malformed(void **state)
{
	static const struct {
		const char *v;
		size_t len;
		enum dpxe_drop_reason want;
	} cases[] = {
		{ "\x47\x04\x80\x00\x00\x00\xff", 7, DPXE_DROP_OK },
		{ "\x47\x03\x80\x00\x00", 5, DPXE_DROP_DHCP_BAD_VENDOR_OPTIONS },
		{ "\x47\x05\x80\x00\x00\x00\x00", 7, DPXE_DROP_DHCP_BAD_VENDOR_OPTIONS },
		{ "\x06\x02\x08\x00", 4, DPXE_DROP_DHCP_BAD_VENDOR_OPTIONS },
		{ "\x06\x01", 2, DPXE_DROP_DHCP_BAD_VENDOR_OPTIONS },
		{ "\x06", 1, DPXE_DROP_DHCP_BAD_VENDOR_OPTIONS },
		{ "\x0a\x00", 2, DPXE_DROP_DHCP_BAD_VENDOR_OPTIONS },
		{ "\x00\x00\x06\x01\x08", 5, DPXE_DROP_OK },
		{ "\x01\x04\xe0\x00\x01\x01", 6, DPXE_DROP_OK }, /* unused sub-opt */
		{ "", 0, DPXE_DROP_OK },
	};
	struct dpxe_pxe_vendor pxe;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(dpxe_pxe_vendor_parse((const uint8_t *)cases[i].v,
						       cases[i].len, &pxe),
				 cases[i].want);

	/* through the message parser: only a PXEClient's 43 is read */
	tpkt_dhcp_init(&pkt, DPXE_DHCPREQUEST);
	tpkt_opt_str(&pkt, DPXE_OPT_VENDOR_CLASS, "PXEClient:Arch:00000:UNDI:002001");
	tpkt_opt(&pkt, DPXE_OPT_VENDOR, "\x47\x04\x80\x01\x00\x00\xff", 7);
	tpkt_end(&pkt);
	assert_int_equal(dpxe_dhcp_parse(pkt.buf, pkt.len, &req), DPXE_DROP_OK);
	assert_true(req.has_pxe_vendor);
	assert_true(req.pxe.has_boot_item);
	assert_int_equal(req.pxe.boot_item_type, 0x8001);

	tpkt_dhcp_init(&pkt, DPXE_DHCPREQUEST);
	tpkt_opt_str(&pkt, DPXE_OPT_VENDOR_CLASS, "PXEClient:Arch:00000:UNDI:002001");
	tpkt_opt(&pkt, DPXE_OPT_VENDOR, "\x47\x09", 2);
	tpkt_end(&pkt);
	assert_int_equal(dpxe_dhcp_parse(pkt.buf, pkt.len, &req),
			 DPXE_DROP_DHCP_BAD_VENDOR_OPTIONS);

	tpkt_dhcp_init(&pkt, DPXE_DHCPREQUEST);
	tpkt_opt_str(&pkt, DPXE_OPT_VENDOR_CLASS, "MSFT 5.0");
	tpkt_opt(&pkt, DPXE_OPT_VENDOR, "\x47\x09", 2);
	tpkt_end(&pkt);
	assert_int_equal(dpxe_dhcp_parse(pkt.buf, pkt.len, &req), DPXE_DROP_OK);
	assert_false(req.has_pxe_vendor);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reply_skeleton),
		cmocka_unit_test(test_options_and_fields),
		cmocka_unit_test(test_long_option_split),
		cmocka_unit_test(test_size_limits),
		cmocka_unit_test(test_pxe_vendor_roundtrip),
		cmocka_unit_test(test_pxe_vendor_malformed),
	};

	return cmocka_run_group_tests_name("dhcp_build", tests, NULL, NULL);
}
