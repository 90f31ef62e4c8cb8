/* SPDX-License-Identifier: BSD-3-Clause */
/* cmocka suite for lib/dhcp parsing: every option dpxe reads, every malformed shape. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "dhcp.h"
#include "test_packets.h"

static struct dpxe_dhcp_msg msg; /* large: keep it off the stack */
static struct tpkt pkt;

static enum dpxe_drop_reason
parse(void)
{
	return dpxe_dhcp_parse(pkt.buf, pkt.len, &msg);
}

static void
test_pxe_discover_fields(void **state)
{
	(void)state;
	tpkt_pxe_discover(&pkt, 7);
	dpxe_store_be16(pkt.buf + DPXE_BOOTP_FLAGS, DPXE_BOOTP_FLAG_BROADCAST);
	dpxe_store_be16(pkt.buf + DPXE_BOOTP_SECS, 4);
	pkt.buf[DPXE_BOOTP_HOPS] = 1;
	dpxe_store_be32(pkt.buf + DPXE_BOOTP_GIADDR, 0x0a000001);

	assert_int_equal(parse(), DPXE_DROP_OK);
	assert_int_equal(msg.msg_type, DPXE_DHCPDISCOVER);
	assert_int_equal(msg.op, DPXE_BOOTP_REQUEST);
	assert_int_equal(msg.hops, 1);
	assert_int_equal(msg.secs, 4);
	assert_int_equal(msg.flags, DPXE_BOOTP_FLAG_BROADCAST);
	assert_int_equal(dpxe_load_be32((uint8_t *)&msg.xid), 0xdeadbeef);
	assert_int_equal(msg.giaddr, htonl_test(0x0a000001));
	assert_memory_equal(msg.chaddr, tpkt_client_mac, 6);
	assert_non_null(msg.file);
	assert_non_null(msg.sname);
	assert_int_equal(msg.max_msg_size, 1260);
	assert_true(msg.vendor_class.pxe_client);
	assert_false(msg.vendor_class.http_client);
	assert_true(msg.vendor_class.has_arch);
	assert_int_equal(msg.vendor_class.arch, 7);
	assert_true(msg.vendor_class.has_undi);
	assert_int_equal(msg.vendor_class.undi_major, 2);
	assert_int_equal(msg.vendor_class.undi_minor, 1);
	assert_int_equal(msg.arch_count, 1);
	assert_int_equal(msg.arch[0], 7);
	assert_true(msg.has_nii);
	assert_int_equal(msg.nii_type, 1);
	assert_int_equal(msg.nii_major, 2);
	assert_int_equal(msg.nii_minor, 1);
	assert_non_null(msg.uuid);
	assert_int_equal(msg.uuid[0], 1);
	assert_false(msg.is_ipxe);
	assert_true(dpxe_dhcp_requested(&msg, 66));
	assert_true(dpxe_dhcp_requested(&msg, 43));
	assert_false(dpxe_dhcp_requested(&msg, 12));
	assert_string_equal(dpxe_dhcp_msg_type_name(msg.msg_type), "DISCOVER");
}

/* Message types: every legal one, and out-of-range values. */
static void
test_message_types(void **state)
{
	(void)state;
	for (uint8_t t = 1; t <= DPXE_DHCP_MSG_TYPE_MAX; t++) {
		tpkt_dhcp_init(&pkt, t);
		tpkt_end(&pkt);
		assert_int_equal(parse(), DPXE_DROP_OK);
		assert_int_equal(msg.msg_type, t);
	}
	const uint8_t bad[] = { 0, 9, 200, 255 };
	for (size_t i = 0; i < sizeof(bad); i++) {
		tpkt_dhcp_init(&pkt, 0);
		tpkt_opt(&pkt, DPXE_OPT_MSG_TYPE, &bad[i], 1);
		tpkt_end(&pkt);
		assert_int_equal(parse(), DPXE_DROP_DHCP_BAD_MESSAGE_TYPE);
	}
	/* no option 53 at all: plain BOOTP */
	tpkt_dhcp_init(&pkt, 0);
	tpkt_end(&pkt);
	assert_int_equal(parse(), DPXE_DROP_OK);
	assert_int_equal(msg.msg_type, DPXE_DHCP_BOOTP);
	assert_string_equal(dpxe_dhcp_msg_type_name(0), "BOOTP");
	assert_string_equal(dpxe_dhcp_msg_type_name(77), "UNKNOWN");
}

/* Fixed-length options with a wrong length are refused; the informative
 * ones (94, 97) are ignored instead. */
struct len_case {
	uint8_t code;
	uint8_t len;
	enum dpxe_drop_reason want;
};

static void
test_option_lengths(void **state)
{
	static const struct len_case cases[] = {
		{ DPXE_OPT_MSG_TYPE, 0, DPXE_DROP_DHCP_BAD_OPTION_LENGTH },
		{ DPXE_OPT_MSG_TYPE, 2, DPXE_DROP_DHCP_BAD_OPTION_LENGTH },
		{ DPXE_OPT_MAX_MSG_SIZE, 0, DPXE_DROP_DHCP_BAD_OPTION_LENGTH },
		{ DPXE_OPT_MAX_MSG_SIZE, 1, DPXE_DROP_DHCP_BAD_OPTION_LENGTH },
		{ DPXE_OPT_MAX_MSG_SIZE, 3, DPXE_DROP_DHCP_BAD_OPTION_LENGTH },
		{ DPXE_OPT_REQUESTED_IP, 3, DPXE_DROP_DHCP_BAD_OPTION_LENGTH },
		{ DPXE_OPT_REQUESTED_IP, 5, DPXE_DROP_DHCP_BAD_OPTION_LENGTH },
		{ DPXE_OPT_SERVER_ID, 0, DPXE_DROP_DHCP_BAD_OPTION_LENGTH },
		{ DPXE_OPT_CLIENT_ARCH, 0, DPXE_DROP_DHCP_BAD_OPTION_LENGTH },
		{ DPXE_OPT_CLIENT_ARCH, 1, DPXE_DROP_DHCP_BAD_OPTION_LENGTH },
		{ DPXE_OPT_CLIENT_ARCH, 3, DPXE_DROP_DHCP_BAD_OPTION_LENGTH },
		{ DPXE_OPT_OVERLOAD, 0, DPXE_DROP_DHCP_BAD_OVERLOAD },
		{ DPXE_OPT_OVERLOAD, 2, DPXE_DROP_DHCP_BAD_OVERLOAD },
		{ DPXE_OPT_CLIENT_NDI, 2, DPXE_DROP_OK },
		{ DPXE_OPT_CLIENT_UUID, 16, DPXE_DROP_OK },
		{ DPXE_OPT_CLIENT_UUID, 0, DPXE_DROP_OK },
		/* zero-length options of free-form codes are legal */
		{ DPXE_OPT_VENDOR_CLASS, 0, DPXE_DROP_OK },
		{ DPXE_OPT_USER_CLASS, 0, DPXE_DROP_OK },
		{ DPXE_OPT_PARAM_REQUEST, 0, DPXE_DROP_OK },
		{ DPXE_OPT_RELAY_AGENT_INFO, 0, DPXE_DROP_OK },
		{ 200, 0, DPXE_DROP_OK },
	};
	uint8_t val[32] = { 1 };

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tpkt_dhcp_init(&pkt, cases[i].code == DPXE_OPT_MSG_TYPE ?
					     0 :
					     DPXE_DHCPDISCOVER);
		tpkt_opt(&pkt, cases[i].code, val, cases[i].len);
		tpkt_end(&pkt);
		assert_int_equal(parse(), cases[i].want);
		if (cases[i].want == DPXE_DROP_OK) {
			uint16_t len = 99;

			assert_non_null(dpxe_dhcp_get(&msg, cases[i].code, &len));
			assert_int_equal(len, cases[i].len);
		}
	}
	/* the ignored ones leave nothing decoded */
	tpkt_dhcp_init(&pkt, DPXE_DHCPDISCOVER);
	tpkt_opt(&pkt, DPXE_OPT_CLIENT_UUID, val, 16);
	tpkt_opt(&pkt, DPXE_OPT_CLIENT_NDI, val, 2);
	tpkt_end(&pkt);
	assert_int_equal(parse(), DPXE_DROP_OK);
	assert_null(msg.uuid);
	assert_false(msg.has_nii);
	/* option 97 with a non-zero type byte is not a GUID */
	val[0] = 1;
	tpkt_dhcp_init(&pkt, DPXE_DHCPDISCOVER);
	tpkt_opt(&pkt, DPXE_OPT_CLIENT_UUID, val, 17);
	tpkt_end(&pkt);
	assert_int_equal(parse(), DPXE_DROP_OK);
	assert_null(msg.uuid);
}

static void
test_max_message_size(void **state)
{
	static const struct {
		uint16_t v;
		uint16_t want;
	} cases[] = { { 0, 0 }, { 575, 0 }, { 576, 576 }, { 1500, 1500 },
		      { 65535, 65535 } };
	uint8_t be[2];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tpkt_dhcp_init(&pkt, DPXE_DHCPDISCOVER);
		dpxe_store_be16(be, cases[i].v);
		tpkt_opt(&pkt, DPXE_OPT_MAX_MSG_SIZE, be, 2);
		tpkt_end(&pkt);
		assert_int_equal(parse(), DPXE_DROP_OK);
		assert_int_equal(msg.max_msg_size, cases[i].want);
	}
}

static void
test_addresses(void **state)
{
	uint8_t req[4] = { 10, 0, 0, 7 }, sid[4] = { 10, 0, 0, 1 };

	(void)state;
	tpkt_dhcp_init(&pkt, DPXE_DHCPREQUEST);
	dpxe_store_be32(pkt.buf + DPXE_BOOTP_CIADDR, 0x0a000007);
	tpkt_opt(&pkt, DPXE_OPT_REQUESTED_IP, req, 4);
	tpkt_opt(&pkt, DPXE_OPT_SERVER_ID, sid, 4);
	tpkt_end(&pkt);
	assert_int_equal(parse(), DPXE_DROP_OK);
	assert_memory_equal(&msg.requested_ip, req, 4);
	assert_memory_equal(&msg.server_id, sid, 4);
	assert_int_equal(msg.ciaddr, htonl_test(0x0a000007));
}

/* Option 60 in all the shapes firmware sends it. */
static void
test_vendor_class(void **state)
{
	static const struct {
		const char *s;
		bool pxe, http, has_arch;
		uint16_t arch;
		bool has_undi;
		uint16_t major, minor;
	} cases[] = {
		{ "PXEClient:Arch:00000:UNDI:002001", 1, 0, 1, 0, 1, 2, 1 },
		{ "PXEClient:Arch:00007:UNDI:003016", 1, 0, 1, 7, 1, 3, 16 },
		{ "PXEClient:Arch:00011:UNDI:003000", 1, 0, 1, 11, 1, 3, 0 },
		{ "HTTPClient:Arch:00016:UNDI:003001", 0, 1, 1, 16, 1, 3, 1 },
		{ "HTTPClient:Arch:00019", 0, 1, 1, 19, 0, 0, 0 },
		{ "PXEClient", 1, 0, 0, 0, 0, 0, 0 },
		{ "PXEClient:", 1, 0, 0, 0, 0, 0, 0 },
		{ "PXEClient:Arch:", 1, 0, 0, 0, 0, 0, 0 },
		/* hex is not decimal: never read 0000A as 10 */
		{ "PXEClient:Arch:0000A:UNDI:002001", 1, 0, 0, 0, 1, 2, 1 },
		{ "PXEClient:Arch:7:UNDI:002001", 1, 0, 0, 0, 1, 2, 1 },
		{ "PXEClient:Arch:99999:UNDI:002001", 1, 0, 0, 0, 1, 2, 1 },
		{ "PXEClient:Arch:65535", 1, 0, 1, 65535, 0, 0, 0 },
		{ "PXEClient:Arch:00007:UNDI:3016", 1, 0, 1, 7, 0, 0, 0 },
		{ "PXEClient:UNDI:002001:Arch:00009", 1, 0, 1, 9, 1, 2, 1 },
		{ "PXEClient::::::::::Arch:00007", 1, 0, 0, 0, 0, 0, 0 },
		{ "MSFT 5.0", 0, 0, 0, 0, 0, 0, 0 },
		{ "udhcp 1.35.0", 0, 0, 0, 0, 0, 0, 0 },
		{ "pxeclient:Arch:00000", 0, 0, 0, 0, 0, 0, 0 },
		{ "", 0, 0, 0, 0, 0, 0, 0 },
	};
	struct dpxe_vendor_class vc;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		dpxe_vendor_class_parse((const uint8_t *)cases[i].s,
					strlen(cases[i].s), &vc);
		assert_int_equal(vc.pxe_client, cases[i].pxe);
		assert_int_equal(vc.http_client, cases[i].http);
		assert_int_equal(vc.has_arch, cases[i].has_arch);
		assert_int_equal(vc.arch, cases[i].arch);
		assert_int_equal(vc.has_undi, cases[i].has_undi);
		assert_int_equal(vc.undi_major, cases[i].major);
		assert_int_equal(vc.undi_minor, cases[i].minor);
	}
}

/* Option 93 is a list and wins over the arch in option 60. */
static void
test_arch_list(void **state)
{
	uint8_t three[6] = { 0, 7, 0, 9, 0, 16 };
	uint8_t many[2 * (DPXE_DHCP_MAX_ARCH + 4)];

	(void)state;
	tpkt_dhcp_init(&pkt, DPXE_DHCPDISCOVER);
	tpkt_opt_str(&pkt, DPXE_OPT_VENDOR_CLASS, "PXEClient:Arch:00000:UNDI:002001");
	tpkt_opt(&pkt, DPXE_OPT_CLIENT_ARCH, three, 6);
	tpkt_end(&pkt);
	assert_int_equal(parse(), DPXE_DROP_OK);
	assert_int_equal(msg.arch_count, 3);
	assert_int_equal(msg.arch[0], 7);
	assert_int_equal(msg.arch[1], 9);
	assert_int_equal(msg.arch[2], 16);

	/* no option 93: the arch comes from option 60 */
	tpkt_dhcp_init(&pkt, DPXE_DHCPDISCOVER);
	tpkt_opt_str(&pkt, DPXE_OPT_VENDOR_CLASS, "PXEClient:Arch:00011:UNDI:003000");
	tpkt_end(&pkt);
	assert_int_equal(parse(), DPXE_DROP_OK);
	assert_int_equal(msg.arch_count, 1);
	assert_int_equal(msg.arch[0], 11);

	/* neither: no arch at all */
	tpkt_dhcp_init(&pkt, DPXE_DHCPDISCOVER);
	tpkt_end(&pkt);
	assert_int_equal(parse(), DPXE_DROP_OK);
	assert_int_equal(msg.arch_count, 0);

	/* a list longer than we keep is cut, not overrun */
	for (size_t i = 0; i < sizeof(many) / 2; i++)
		dpxe_store_be16(many + 2 * i, (uint16_t)i);
	tpkt_dhcp_init(&pkt, DPXE_DHCPDISCOVER);
	tpkt_opt(&pkt, DPXE_OPT_CLIENT_ARCH, many, sizeof(many));
	tpkt_end(&pkt);
	assert_int_equal(parse(), DPXE_DROP_OK);
	assert_int_equal(msg.arch_count, DPXE_DHCP_MAX_ARCH);
	assert_int_equal(msg.arch[DPXE_DHCP_MAX_ARCH - 1], DPXE_DHCP_MAX_ARCH - 1);
}

/* iPXE shows itself by option 77 (raw or RFC 3004) or option 175. */
static void
test_ipxe_detection(void **state)
{
	static const struct {
		const char *uc;
		uint8_t uc_len;
		bool opt175;
		bool want;
	} cases[] = {
		{ "iPXE", 4, false, true },
		{ "\x04iPXE", 5, false, true },
		{ "\x03" "abc\x04iPXE", 9, false, true },
		{ "gPXE", 4, false, false },
		{ "iPXE2", 5, false, false },
		{ "\x05iPXE", 5, false, false },   /* list entry overruns */
		{ "\x00\x04iPXE", 6, false, false }, /* zero-length entry */
		{ NULL, 0, true, true },           /* FlexBoot: 175 only */
		{ NULL, 0, false, false },
	};
	uint8_t enc[3] = { 1, 1, 1 }; /* 175: encapsulated "priority" */

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tpkt_dhcp_init(&pkt, DPXE_DHCPDISCOVER);
		if (cases[i].uc)
			tpkt_opt(&pkt, DPXE_OPT_USER_CLASS, cases[i].uc,
				 cases[i].uc_len);
		if (cases[i].opt175)
			tpkt_opt(&pkt, DPXE_OPT_IPXE, enc, sizeof(enc));
		tpkt_end(&pkt);
		assert_int_equal(parse(), DPXE_DROP_OK);
		assert_int_equal(msg.is_ipxe, cases[i].want);
	}
}

/* Option 82 is kept byte for byte so it can be echoed. */
static void
test_relay_agent_info(void **state)
{
	uint8_t o82[] = { 1, 4, 'e', 't', 'h', '0', 2, 3, 0xaa, 0xbb, 0xcc };
	uint16_t len;
	const uint8_t *v;

	(void)state;
	tpkt_pxe_discover(&pkt, 0);
	pkt.len = DPXE_DHCP_OPTIONS_OFF + 3; /* keep only option 53 */
	tpkt_opt(&pkt, DPXE_OPT_RELAY_AGENT_INFO, o82, sizeof(o82));
	tpkt_end(&pkt);
	assert_int_equal(parse(), DPXE_DROP_OK);
	v = dpxe_dhcp_get(&msg, DPXE_OPT_RELAY_AGENT_INFO, &len);
	assert_non_null(v);
	assert_int_equal(len, sizeof(o82));
	assert_memory_equal(v, o82, sizeof(o82));
}

/* RFC 3396: instances of one code are joined in order, interleaved with
 * other options, up to 255 pieces. */
static void
test_split_options(void **state)
{
	uint8_t piece[255], want[255 * 2];
	uint16_t len;
	const uint8_t *v;

	(void)state;
	/* 255 one-byte pieces of option 77 with option 12 between them */
	tpkt_dhcp_init(&pkt, DPXE_DHCPDISCOVER);
	for (int i = 0; i < 255; i++) {
		uint8_t b = (uint8_t)i;

		tpkt_opt(&pkt, DPXE_OPT_USER_CLASS, &b, 1);
		if (i % 50 == 0)
			tpkt_opt_str(&pkt, DPXE_OPT_HOSTNAME, "h");
		want[i] = b;
	}
	tpkt_end(&pkt);
	assert_int_equal(parse(), DPXE_DROP_OK);
	v = dpxe_dhcp_get(&msg, DPXE_OPT_USER_CLASS, &len);
	assert_int_equal(len, 255);
	assert_memory_equal(v, want, 255);
	v = dpxe_dhcp_get(&msg, DPXE_OPT_HOSTNAME, &len);
	assert_int_equal(len, 6);
	assert_memory_equal(v, "hhhhhh", 6);

	/* two full 255-byte pieces make a 510-byte option */
	for (int i = 0; i < 255; i++)
		piece[i] = (uint8_t)(i * 7);
	memcpy(want, piece, 255);
	memcpy(want + 255, piece, 255);
	tpkt_dhcp_init(&pkt, DPXE_DHCPDISCOVER);
	tpkt_opt(&pkt, 224, piece, 255);
	tpkt_opt(&pkt, 225, "x", 1);
	tpkt_opt(&pkt, 224, piece, 255);
	tpkt_end(&pkt);
	assert_int_equal(parse(), DPXE_DROP_OK);
	v = dpxe_dhcp_get(&msg, 224, &len);
	assert_int_equal(len, 510);
	assert_memory_equal(v, want, 510);

	/* a split fixed-length option is judged on its joined length */
	tpkt_dhcp_init(&pkt, 0);
	tpkt_opt(&pkt, DPXE_OPT_MSG_TYPE, "\x01", 1);
	tpkt_opt(&pkt, DPXE_OPT_MSG_TYPE, "\x01", 1);
	tpkt_end(&pkt);
	assert_int_equal(parse(), DPXE_DROP_DHCP_BAD_OPTION_LENGTH);

	/* a split option 60 still parses as one string */
	tpkt_dhcp_init(&pkt, DPXE_DHCPDISCOVER);
	tpkt_opt_str(&pkt, DPXE_OPT_VENDOR_CLASS, "PXEClient:Arch:0");
	tpkt_opt_str(&pkt, DPXE_OPT_VENDOR_CLASS, "0007:UNDI:003016");
	tpkt_end(&pkt);
	assert_int_equal(parse(), DPXE_DROP_OK);
	assert_true(msg.vendor_class.has_arch);
	assert_int_equal(msg.vendor_class.arch, 7);
}

/* Option 52: options continue in file, then sname; order of joining is
 * options, file, sname. */
static void
test_overload(void **state)
{
	uint8_t *file = pkt.buf + DPXE_BOOTP_FILE;
	uint8_t *sname = pkt.buf + DPXE_BOOTP_SNAME;
	uint16_t len;
	const uint8_t *v;
	uint8_t ov;

	(void)state;
	for (ov = 1; ov <= 3; ov++) {
		tpkt_dhcp_init(&pkt, DPXE_DHCPDISCOVER);
		tpkt_opt(&pkt, DPXE_OPT_OVERLOAD, &ov, 1);
		tpkt_opt_str(&pkt, DPXE_OPT_HOSTNAME, "opt");
		tpkt_end(&pkt);
		/* file: hostname piece, vendor class; no END, field full of PAD */
		memcpy(file, "\x0c\x04" "file" "\x3c\x09PXEClient", 17);
		memcpy(sname, "\x0c\x05" "sname\xff", 8);
		assert_int_equal(parse(), DPXE_DROP_OK);
		assert_int_equal(msg.overload, ov);
		assert_int_equal(msg.file == NULL, (ov & 1) != 0);
		assert_int_equal(msg.sname == NULL, (ov & 2) != 0);
		v = dpxe_dhcp_get(&msg, DPXE_OPT_HOSTNAME, &len);
		switch (ov) {
		case 1:
			assert_int_equal(len, 7);
			assert_memory_equal(v, "optfile", 7);
			assert_true(msg.vendor_class.pxe_client);
			break;
		case 2:
			assert_int_equal(len, 8);
			assert_memory_equal(v, "optsname", 8);
			assert_false(msg.vendor_class.pxe_client);
			break;
		case 3:
			assert_int_equal(len, 12);
			assert_memory_equal(v, "optfilesname", 12);
			assert_true(msg.vendor_class.pxe_client);
			break;
		}
	}

	/* without option 52 the file field is a file name, not options */
	tpkt_dhcp_init(&pkt, DPXE_DHCPDISCOVER);
	tpkt_end(&pkt);
	memcpy(file, "\x0c\x04" "file", 6);
	assert_int_equal(parse(), DPXE_DROP_OK);
	assert_false(dpxe_dhcp_has(&msg, DPXE_OPT_HOSTNAME));
	assert_non_null(msg.file);

	/* loops and lies: 52 inside file or sname, bad values, overruns */
	static const struct {
		uint8_t ov;
		const char *file;
		size_t file_len;
		const char *sname;
		size_t sname_len;
	} bad[] = {
		{ 1, "\x34\x01\x01", 3, NULL, 0 },  /* file points at itself */
		{ 3, "\xff", 1, "\x34\x01\x02", 3 }, /* sname points at itself */
		{ 3, "\x34\x01\x03", 3, "\xff", 1 },
		{ 0, NULL, 0, NULL, 0 },            /* value 0 */
		{ 4, NULL, 0, NULL, 0 },            /* value 4 */
		{ 255, NULL, 0, NULL, 0 },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		tpkt_dhcp_init(&pkt, DPXE_DHCPDISCOVER);
		tpkt_opt(&pkt, DPXE_OPT_OVERLOAD, &bad[i].ov, 1);
		tpkt_end(&pkt);
		if (bad[i].file)
			memcpy(file, bad[i].file, bad[i].file_len);
		if (bad[i].sname)
			memcpy(sname, bad[i].sname, bad[i].sname_len);
		assert_int_equal(parse(), DPXE_DROP_DHCP_BAD_OVERLOAD);
	}

	/* an option running off the end of the file field */
	ov = 1;
	tpkt_dhcp_init(&pkt, DPXE_DHCPDISCOVER);
	tpkt_opt(&pkt, DPXE_OPT_OVERLOAD, &ov, 1);
	tpkt_end(&pkt);
	file[DPXE_BOOTP_FILE_LEN - 3] = DPXE_OPT_HOSTNAME;
	file[DPXE_BOOTP_FILE_LEN - 2] = 5; /* 5 bytes, 1 left in the field */
	assert_int_equal(parse(), DPXE_DROP_DHCP_OPTION_TRUNCATED);
	file[DPXE_BOOTP_FILE_LEN - 3] = 0;
	file[DPXE_BOOTP_FILE_LEN - 2] = 0;
	file[DPXE_BOOTP_FILE_LEN - 1] = DPXE_OPT_HOSTNAME; /* no length byte */
	assert_int_equal(parse(), DPXE_DROP_DHCP_OPTION_TRUNCATED);
}

/* Fixed header checks. */
static void
test_header_checks(void **state)
{
	(void)state;
	tpkt_pxe_discover(&pkt, 0);
	pkt.buf[DPXE_BOOTP_OP] = DPXE_BOOTP_REPLY;
	assert_int_equal(parse(), DPXE_DROP_DHCP_NOT_REQUEST);
	pkt.buf[DPXE_BOOTP_OP] = 0;
	assert_int_equal(parse(), DPXE_DROP_DHCP_NOT_REQUEST);

	tpkt_pxe_discover(&pkt, 0);
	pkt.buf[DPXE_BOOTP_HTYPE] = 6; /* IEEE 802 */
	assert_int_equal(parse(), DPXE_DROP_DHCP_BAD_HTYPE);

	tpkt_pxe_discover(&pkt, 0);
	pkt.buf[DPXE_BOOTP_HLEN] = 16;
	assert_int_equal(parse(), DPXE_DROP_DHCP_BAD_HLEN);
	pkt.buf[DPXE_BOOTP_HLEN] = 0;
	assert_int_equal(parse(), DPXE_DROP_DHCP_BAD_HLEN);

	for (int byte = 0; byte < 4; byte++) {
		tpkt_pxe_discover(&pkt, 0);
		pkt.buf[DPXE_BOOTP_COOKIE + byte] ^= 0x01;
		assert_int_equal(parse(), DPXE_DROP_DHCP_BAD_COOKIE);
	}

	tpkt_pxe_discover(&pkt, 0);
	assert_int_equal(dpxe_dhcp_parse(pkt.buf, DPXE_DHCP_MAX_LEN, &msg),
			 DPXE_DROP_OK);
	assert_int_equal(dpxe_dhcp_parse(pkt.buf, DPXE_DHCP_MAX_LEN + 1, &msg),
			 DPXE_DROP_DHCP_TOO_LONG);
}

/*
 * Cut a valid message at every length: inside the fixed header it is
 * truncated; inside the options it is truncated unless the cut falls exactly
 * between two options (a missing END is tolerated).
 */
static void
test_truncated_everywhere(void **state)
{
	bool boundary[1024] = { false };
	size_t end_off, i;
	struct tpkt full;

	(void)state;
	tpkt_pxe_discover(&full, 0);
	/* record option boundaries */
	i = DPXE_DHCP_OPTIONS_OFF;
	while (full.buf[i] != DPXE_OPT_END) {
		boundary[i] = true;
		i += 2 + full.buf[i + 1];
	}
	end_off = i;
	boundary[end_off] = true;

	for (size_t cut = 0; cut < end_off; cut++) {
		enum dpxe_drop_reason r = dpxe_dhcp_parse(full.buf, cut, &msg);

		if (cut < DPXE_DHCP_OPTIONS_OFF)
			assert_int_equal(r, DPXE_DROP_DHCP_TRUNCATED);
		else if (boundary[cut])
			assert_int_equal(r, DPXE_DROP_OK);
		else
			assert_int_equal(r, DPXE_DROP_DHCP_OPTION_TRUNCATED);
	}
}

/* Length bytes that run past the end of the message. */
static void
test_length_past_end(void **state)
{
	(void)state;
	for (unsigned int extra = 1; extra <= 255; extra++) {
		tpkt_dhcp_init(&pkt, DPXE_DHCPDISCOVER);
		tpkt_byte(&pkt, DPXE_OPT_HOSTNAME);
		tpkt_byte(&pkt, (uint8_t)extra);
		memset(pkt.buf + pkt.len, 'a', extra - 1);
		pkt.len += extra - 1; /* one byte short */
		assert_int_equal(parse(), DPXE_DROP_DHCP_OPTION_TRUNCATED);
	}
	/* a lone option code as the last byte */
	tpkt_dhcp_init(&pkt, DPXE_DHCPDISCOVER);
	tpkt_byte(&pkt, DPXE_OPT_HOSTNAME);
	assert_int_equal(parse(), DPXE_DROP_DHCP_OPTION_TRUNCATED);
}

/* PAD and END: PADs anywhere, bytes after END ignored, END-only message. */
static void
test_pad_and_end(void **state)
{
	(void)state;
	tpkt_dhcp_init(&pkt, 0);
	for (int i = 0; i < 40; i++)
		tpkt_byte(&pkt, DPXE_OPT_PAD);
	tpkt_opt(&pkt, DPXE_OPT_MSG_TYPE, "\x03", 1);
	tpkt_byte(&pkt, DPXE_OPT_PAD);
	tpkt_byte(&pkt, DPXE_OPT_END);
	/* garbage after END must not be read as options */
	tpkt_byte(&pkt, DPXE_OPT_HOSTNAME);
	tpkt_byte(&pkt, 200);
	assert_int_equal(parse(), DPXE_DROP_OK);
	assert_int_equal(msg.msg_type, DPXE_DHCPREQUEST);
	assert_false(dpxe_dhcp_has(&msg, DPXE_OPT_HOSTNAME));

	/* options field that is only END, and one that is empty */
	tpkt_dhcp_init(&pkt, 0);
	tpkt_byte(&pkt, DPXE_OPT_END);
	assert_int_equal(parse(), DPXE_DROP_OK);
	tpkt_dhcp_init(&pkt, 0);
	assert_int_equal(parse(), DPXE_DROP_OK);
	assert_int_equal(msg.msg_type, DPXE_DHCP_BOOTP);
}

/* Nothing from the previous message leaks into the next one. */
static void
test_no_state_between_messages(void **state)
{
	(void)state;
	tpkt_pxe_discover(&pkt, 7);
	tpkt_opt_str(&pkt, DPXE_OPT_USER_CLASS, "iPXE");
	assert_int_equal(parse(), DPXE_DROP_OK);
	tpkt_dhcp_init(&pkt, DPXE_DHCPREQUEST);
	tpkt_end(&pkt);
	assert_int_equal(parse(), DPXE_DROP_OK);
	assert_false(msg.vendor_class.pxe_client);
	assert_int_equal(msg.arch_count, 0);
	assert_false(msg.is_ipxe);
	assert_null(msg.uuid);
	assert_false(msg.has_nii);
	assert_int_equal(msg.max_msg_size, 0);
	assert_false(dpxe_dhcp_has(&msg, DPXE_OPT_VENDOR_CLASS));
	assert_false(dpxe_dhcp_has(&msg, DPXE_OPT_PARAM_REQUEST));
	assert_false(dpxe_dhcp_requested(&msg, 43));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pxe_discover_fields),
		cmocka_unit_test(test_message_types),
		cmocka_unit_test(test_option_lengths),
		cmocka_unit_test(test_max_message_size),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_vendor_class),
		cmocka_unit_test(test_arch_list),
		cmocka_unit_test(test_ipxe_detection),
		cmocka_unit_test(test_relay_agent_info),
		cmocka_unit_test(test_split_options),
		cmocka_unit_test(test_overload),
		cmocka_unit_test(test_header_checks),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_length_past_end),
		cmocka_unit_test(test_pad_and_end),
		cmocka_unit_test(test_no_state_between_messages),
	};

	return cmocka_run_group_tests_name("dhcp_parse", tests, NULL, NULL);
}
