/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cmocka suite for wdspxe.h's layout and the DHCPv4 helpers (PxeDhcp*),
 * GetLastError/SetLastError, and every DHCP packet of the real client
 * captures in tests/data/clients run through PxeDhcpIsValid.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>

#include "net.h"
#include "test_packets.h"
#include "wdspxe.h"

static struct tpkt pkt;
static uint8_t out[1024];

/* ---- layout ------------------------------------------------------------ */

static void
test_layout(void **state)
{
	static const struct {
		const char *name;
		size_t got, want;
	} t[] = {
		{ "sizeof PXE_DHCP_OPTION", sizeof(PXE_DHCP_OPTION), 3 },
		{ "sizeof PXE_DHCP_MESSAGE", sizeof(PXE_DHCP_MESSAGE), 243 },
		{ "sizeof PXE_DHCPV6_OPTION", sizeof(PXE_DHCPV6_OPTION), 5 },
		{ "sizeof PXE_DHCPV6_MESSAGE_HEADER", sizeof(PXE_DHCPV6_MESSAGE_HEADER), 2 },
		{ "sizeof PXE_DHCPV6_MESSAGE", sizeof(PXE_DHCPV6_MESSAGE), 9 },
		{ "sizeof PXE_DHCPV6_RELAY_MESSAGE", sizeof(PXE_DHCPV6_RELAY_MESSAGE), 39 },
		{ "sizeof PXE_PROVIDER", sizeof(PXE_PROVIDER), 32 },
		{ "sizeof PXE_ADDRESS", sizeof(PXE_ADDRESS), 28 },
		{ "sizeof PXE_DHCPV6_NESTED_RELAY_MESSAGE",
		  sizeof(PXE_DHCPV6_NESTED_RELAY_MESSAGE), 32 },
		{ "op", offsetof(PXE_DHCP_MESSAGE, Operation), 0 },
		{ "htype", offsetof(PXE_DHCP_MESSAGE, HardwareAddressType), 1 },
		{ "hlen", offsetof(PXE_DHCP_MESSAGE, HardwareAddressLength), 2 },
		{ "hops", offsetof(PXE_DHCP_MESSAGE, HopCount), 3 },
		{ "xid", offsetof(PXE_DHCP_MESSAGE, TransactionID), 4 },
		{ "secs", offsetof(PXE_DHCP_MESSAGE, SecondsSinceBoot), 8 },
		{ "flags", offsetof(PXE_DHCP_MESSAGE, Reserved), 10 },
		{ "ciaddr", offsetof(PXE_DHCP_MESSAGE, ClientIpAddress), 12 },
		{ "yiaddr", offsetof(PXE_DHCP_MESSAGE, YourIpAddress), 16 },
		{ "siaddr", offsetof(PXE_DHCP_MESSAGE, BootstrapServerAddress), 20 },
		{ "giaddr", offsetof(PXE_DHCP_MESSAGE, RelayAgentIpAddress), 24 },
		{ "chaddr", offsetof(PXE_DHCP_MESSAGE, HardwareAddress), 28 },
		{ "sname", offsetof(PXE_DHCP_MESSAGE, HostName), 44 },
		{ "file", offsetof(PXE_DHCP_MESSAGE, BootFileName), 108 },
		{ "bMagicCookie", offsetof(PXE_DHCP_MESSAGE, bMagicCookie), 236 },
		{ "uMagicCookie", offsetof(PXE_DHCP_MESSAGE, uMagicCookie), 236 },
		{ "Option", offsetof(PXE_DHCP_MESSAGE, Option), 240 },
		{ "v6 DataLength", offsetof(PXE_DHCPV6_OPTION, DataLength), 2 },
		{ "v6 Data", offsetof(PXE_DHCPV6_OPTION, Data), 4 },
		{ "v6 Options", offsetof(PXE_DHCPV6_MESSAGE, Options), 4 },
		{ "relay HopCount", offsetof(PXE_DHCPV6_RELAY_MESSAGE, HopCount), 1 },
		{ "relay LinkAddress", offsetof(PXE_DHCPV6_RELAY_MESSAGE, LinkAddress), 2 },
		{ "relay PeerAddress", offsetof(PXE_DHCPV6_RELAY_MESSAGE, PeerAddress), 18 },
		{ "relay Options", offsetof(PXE_DHCPV6_RELAY_MESSAGE, Options), 34 },
		{ "pwszName", offsetof(PXE_PROVIDER, pwszName), 8 },
		{ "pwszFilePath", offsetof(PXE_PROVIDER, pwszFilePath), 16 },
		{ "bIsCritical", offsetof(PXE_PROVIDER, bIsCritical), 24 },
		{ "uIndex", offsetof(PXE_PROVIDER, uIndex), 28 },
		{ "bAddress", offsetof(PXE_ADDRESS, bAddress), 4 },
		{ "uIpAddress", offsetof(PXE_ADDRESS, uIpAddress), 4 },
		{ "uAddrLen", offsetof(PXE_ADDRESS, uAddrLen), 20 },
		{ "uPort", offsetof(PXE_ADDRESS, uPort), 24 },
		{ "cbRelayMessage", offsetof(PXE_DHCPV6_NESTED_RELAY_MESSAGE, cbRelayMessage), 8 },
		{ "pInterfaceIdOption",
		  offsetof(PXE_DHCPV6_NESTED_RELAY_MESSAGE, pInterfaceIdOption), 16 },
		{ "cbInterfaceIdOption",
		  offsetof(PXE_DHCPV6_NESTED_RELAY_MESSAGE, cbInterfaceIdOption), 24 },
		{ "sizeof DWORD", sizeof(DWORD), 4 },
		{ "sizeof ULONG", sizeof(ULONG), 4 },
		{ "sizeof BOOL", sizeof(BOOL), 4 },
		{ "sizeof WORD", sizeof(WORD), 2 },
		{ "sizeof WCHAR", sizeof(WCHAR), sizeof(wchar_t) },
	};
	uint8_t cookie[4] = { 99, 130, 83, 99 };
	ULONG u;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (t[i].got != t[i].want)
			fail_msg("%s: %zu, want %zu", t[i].name, t[i].got, t[i].want);
	}
	/* PXEDHCP_MAGIC_COOKIE is the wire cookie read as a little-endian ULONG */
	memcpy(&u, cookie, 4);
	assert_int_equal(u, PXEDHCP_MAGIC_COOKIE);
	assert_int_equal(PXE_DHCP_MAGIC_COOKIE_SIZE, 4);
	assert_int_equal(PXE_REG_INDEX_BOTTOM, 0xFFFFFFFFu);
	assert_int_equal(PXE_TRACE_FATAL, 0x00100000);
	assert_int_equal(PXE_DHCPV6_RELAY_HOP_COUNT_LIMIT, 32);
}

/* ---- PxeDhcpInitialize ------------------------------------------------- */

/* A request with every header field non-zero, to see what is copied. */
static void
full_request(void)
{
	tpkt_pxe_discover(&pkt, 7);
	pkt.buf[DPXE_BOOTP_HOPS] = 3;
	dpxe_store_be16(pkt.buf + DPXE_BOOTP_SECS, 0x1234);
	dpxe_store_be16(pkt.buf + DPXE_BOOTP_FLAGS, DPXE_BOOTP_FLAG_BROADCAST);
	dpxe_store_be32(pkt.buf + DPXE_BOOTP_CIADDR, 0x0a000001);
	dpxe_store_be32(pkt.buf + DPXE_BOOTP_YIADDR, 0x0a000002);
	dpxe_store_be32(pkt.buf + DPXE_BOOTP_SIADDR, 0x0a000003);
	dpxe_store_be32(pkt.buf + DPXE_BOOTP_GIADDR, 0x0a000004);
	memset(pkt.buf + DPXE_BOOTP_CHADDR + 6, 0x77, 10);
	memcpy(pkt.buf + DPXE_BOOTP_SNAME, "server", 7);
	memcpy(pkt.buf + DPXE_BOOTP_FILE, "file", 5);
}

static void
check_skeleton(const uint8_t *r, const uint8_t *req, size_t cap)
{
	const PXE_DHCP_MESSAGE *m = (const PXE_DHCP_MESSAGE *)r;

	assert_int_equal(m->Operation, 2);
	assert_int_equal(m->HardwareAddressType, req[DPXE_BOOTP_HTYPE]);
	assert_int_equal(m->HardwareAddressLength, req[DPXE_BOOTP_HLEN]);
	assert_int_equal(m->HopCount, 0);
	assert_memory_equal(r + DPXE_BOOTP_XID, req + DPXE_BOOTP_XID, 4);
	assert_memory_equal(r + DPXE_BOOTP_SECS, req + DPXE_BOOTP_SECS, 2);
	assert_int_equal(m->Reserved, 0); /* flags: broadcast bit not copied */
	assert_memory_equal(r + DPXE_BOOTP_CIADDR, req + DPXE_BOOTP_CIADDR, 16);
	assert_memory_equal(m->HardwareAddress, req + DPXE_BOOTP_CHADDR, 16);
	for (size_t i = DPXE_BOOTP_SNAME; i < DPXE_BOOTP_COOKIE; i++)
		assert_int_equal(r[i], 0);
	assert_memory_equal(m->bMagicCookie, "\x63\x82\x53\x63", 4);
	assert_int_equal(m->uMagicCookie, PXEDHCP_MAGIC_COOKIE);
	for (size_t i = DPXE_DHCP_OPTIONS_OFF; i < cap; i++)
		assert_int_equal(r[i], 0);
}

static void
test_initialize(void **state)
{
	uint8_t req[DPXE_BOOTP_MIN_LEN];
	ULONG len = 0xdead;

	(void)state;
	full_request();
	memset(out, 0xa5, sizeof(out));
	assert_int_equal(PxeDhcpInitialize(pkt.buf, (ULONG)pkt.len, out, 300, &len),
			 ERROR_SUCCESS);
	assert_int_equal(len, 240);
	check_skeleton(out, pkt.buf, 300);
	assert_int_equal(out[300], 0xa5); /* nothing past the given length */

	/* exactly 240 bytes in and out */
	memset(out, 0xa5, sizeof(out));
	assert_int_equal(PxeDhcpInitialize(pkt.buf, 240, out, 240, &len), ERROR_SUCCESS);
	check_skeleton(out, pkt.buf, 240);
	assert_int_equal(out[240], 0xa5);

	/* in place: the request becomes the reply */
	memcpy(req, pkt.buf, sizeof(req));
	assert_int_equal(PxeDhcpInitialize(pkt.buf, sizeof(req), pkt.buf, sizeof(req), &len),
			 ERROR_SUCCESS);
	check_skeleton(pkt.buf, req, sizeof(req));
}

static void
test_initialize_errors(void **state)
{
	static const struct {
		const char *name;
		bool null_req, null_reply, null_len;
		ULONG req_len, cap;
		DWORD want;
	} t[] = {
		{ "NULL request", true, false, false, 300, 300, ERROR_INVALID_PARAMETER },
		{ "NULL reply", false, true, false, 300, 300, ERROR_INVALID_PARAMETER },
		{ "NULL length", false, false, true, 300, 300, ERROR_INVALID_PARAMETER },
		{ "request 239 bytes", false, false, false, 239, 300, ERROR_INVALID_DATA },
		{ "request empty", false, false, false, 0, 300, ERROR_INVALID_DATA },
		{ "reply 239 bytes", false, false, false, 300, 239, ERROR_INSUFFICIENT_BUFFER },
		{ "reply empty", false, false, false, 300, 0, ERROR_INSUFFICIENT_BUFFER },
	};

	(void)state;
	full_request();
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ULONG len = 77;
		DWORD err;

		memset(out, 0xa5, sizeof(out));
		err = PxeDhcpInitialize(t[i].null_req ? NULL : pkt.buf, t[i].req_len,
					t[i].null_reply ? NULL : out, t[i].cap,
					t[i].null_len ? NULL : &len);
		if (err != t[i].want)
			fail_msg("%s: %u, want %u", t[i].name, err, t[i].want);
		assert_int_equal(len, 77);
		assert_int_equal(out[0], 0xa5); /* untouched on error */
	}
}

/* ---- PxeDhcpAppendOption / Raw ---------------------------------------- */

static void
test_append_option(void **state)
{
	static const uint8_t v[255] = { 0xc0, 0xa8, 0x01, 0x02 };
	static const struct {
		const char *name;
		ULONG start, cap;
		BYTE code, len;
		bool null_value;
		DWORD want;
		ULONG end;
		const char *bytes; /* expected at start, end - start of them */
	} t[] = {
		{ "option 54", 240, 300, 54, 4, false, ERROR_SUCCESS, 246, "\x36\x04\xc0\xa8\x01\x02" },
		{ "PAD is one byte", 240, 300, 0, 4, true, ERROR_SUCCESS, 241, "\x00" },
		{ "END is one byte", 250, 300, 255, 9, true, ERROR_SUCCESS, 251, "\xff" },
		{ "END into the last byte", 299, 300, 255, 0, true, ERROR_SUCCESS, 300, "\xff" },
		{ "zero length, NULL value", 240, 300, 80, 0, true, ERROR_SUCCESS, 242, "\x50\x00" },
		{ "exact fit", 294, 300, 54, 4, false, ERROR_SUCCESS, 300, "\x36\x04\xc0\xa8\x01\x02" },
		{ "one byte short", 295, 300, 54, 4, false, ERROR_INSUFFICIENT_BUFFER, 295, "" },
		{ "END with no room", 300, 300, 255, 0, true, ERROR_INSUFFICIENT_BUFFER, 300, "" },
		{ "code only fits", 299, 300, 3, 0, true, ERROR_INSUFFICIENT_BUFFER, 299, "" },
		{ "255-byte value", 240, 1000, 43, 255, false, ERROR_SUCCESS, 497, "\x2b\xff\xc0\xa8" },
		{ "NULL value, length 4", 240, 300, 54, 4, true, ERROR_INVALID_PARAMETER, 240, "" },
		{ "length inside the header", 239, 300, 54, 4, false, ERROR_INVALID_PARAMETER, 239, "" },
		{ "length past the buffer", 301, 300, 255, 0, true, ERROR_INVALID_PARAMETER, 301, "" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ULONG len = t[i].start;
		DWORD err;

		memset(out, 0xa5, sizeof(out));
		err = PxeDhcpAppendOption(out, t[i].cap, &len, t[i].code, t[i].len,
					  t[i].null_value ? NULL : v);
		if (err != t[i].want || len != t[i].end)
			fail_msg("%s: %u len %u, want %u len %u", t[i].name, err, len,
				 t[i].want, t[i].end);
		if (len > t[i].start) {
			size_t n = strlen(t[i].bytes) ? strlen(t[i].bytes) : 1;

			assert_memory_equal(out + t[i].start, t[i].bytes, n < len - t[i].start ? n : len - t[i].start);
		}
		assert_int_equal(out[t[i].start > 0 ? t[i].start - 1 : 0], 0xa5);
		assert_int_equal(out[len], 0xa5); /* nothing beyond the new end */
	}

	/* NULL packet or length pointer */
	{
		ULONG len = 240;

		assert_int_equal(PxeDhcpAppendOption(NULL, 300, &len, 53, 1, v),
				 ERROR_INVALID_PARAMETER);
		assert_int_equal(PxeDhcpAppendOption(out, 300, NULL, 53, 1, v),
				 ERROR_INVALID_PARAMETER);
	}
}

static void
test_append_raw(void **state)
{
	uint8_t raw[600];
	static const struct {
		const char *name;
		ULONG start, cap;
		USHORT n;
		bool null_buf;
		DWORD want;
		ULONG end;
	} t[] = {
		{ "several options", 240, 300, 9, false, ERROR_SUCCESS, 249 },
		{ "more than 255 bytes", 240, 1000, 600, false, ERROR_SUCCESS, 840 },
		{ "exact fit", 240, 300, 60, false, ERROR_SUCCESS, 300 },
		{ "one byte over", 241, 300, 60, false, ERROR_INSUFFICIENT_BUFFER, 241 },
		{ "empty, NULL buffer", 240, 300, 0, true, ERROR_SUCCESS, 240 },
		{ "NULL buffer", 240, 300, 3, true, ERROR_INVALID_PARAMETER, 240 },
		{ "length inside the header", 100, 300, 3, false, ERROR_INVALID_PARAMETER, 100 },
		{ "length past the buffer", 400, 300, 0, false, ERROR_INVALID_PARAMETER, 400 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(raw); i++)
		raw[i] = (uint8_t)(i * 7 + 1);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ULONG len = t[i].start;
		DWORD err;

		memset(out, 0xa5, sizeof(out));
		err = PxeDhcpAppendOptionRaw(out, t[i].cap, &len, t[i].n,
					     t[i].null_buf ? NULL : raw);
		if (err != t[i].want || len != t[i].end)
			fail_msg("%s: %u len %u, want %u len %u", t[i].name, err, len,
				 t[i].want, t[i].end);
		if (err == ERROR_SUCCESS && t[i].n)
			assert_memory_equal(out + t[i].start, raw, t[i].n);
		assert_int_equal(out[len], 0xa5);
	}
	{
		ULONG len = 240;

		assert_int_equal(PxeDhcpAppendOptionRaw(NULL, 300, &len, 1, raw),
				 ERROR_INVALID_PARAMETER);
		assert_int_equal(PxeDhcpAppendOptionRaw(out, 300, NULL, 1, raw),
				 ERROR_INVALID_PARAMETER);
	}
}

/* ---- PxeDhcpIsValid ---------------------------------------------------- */

/* Options in the file field (overload 1): option 66 then END. */
static void
put_file_options(uint8_t end)
{
	memset(pkt.buf + DPXE_BOOTP_FILE, 0, DPXE_BOOTP_FILE_LEN);
	memcpy(pkt.buf + DPXE_BOOTP_FILE, "\x42\x03tft", 5);
	pkt.buf[DPXE_BOOTP_FILE + 5] = end;
}

/* A DISCOVER whose options field is 53, 52=v, 60, END. */
static void
overloaded(uint8_t v)
{
	tpkt_dhcp_init(&pkt, DPXE_DHCPDISCOVER);
	tpkt_opt(&pkt, DPXE_OPT_OVERLOAD, &v, 1);
	tpkt_opt_str(&pkt, DPXE_OPT_VENDOR_CLASS, "PXEClient");
	tpkt_end(&pkt);
}

enum mut {
	M_NONE, M_AS_REPLY, M_HLEN16, M_HLEN17, M_SNAME_FULL, M_FILE_FULL, M_COOKIE,
	M_CUT_IN_VALUE, M_CUT_AFTER_CODE, M_NO_END, M_OPT_AFTER_END, M_END_END,
	M_PAD_AFTER_END, M_NO_53, M_53_LEN2, M_SHORT, M_VC_EXACT, M_VC_SHORT,
	M_VC_HTTP, M_NO_VC, M_OVL_FILE, M_OVL_FILE_NO_END, M_OVL_4, M_OVL_LEN2,
	M_OVL_53_IN_FILE, M_OVL_BOTH_SNAME_TEXT, M_OVL_BOTH, M_OVL_FILE_SNAME_FULL,
	M_OPTS_END_AT_240,
};

static void
mutate(enum mut m)
{
	tpkt_pxe_discover(&pkt, 0);
	switch (m) {
	case M_NONE:
	case M_AS_REPLY:
		break;
	case M_HLEN16:
		pkt.buf[DPXE_BOOTP_HLEN] = 16;
		break;
	case M_HLEN17:
		pkt.buf[DPXE_BOOTP_HLEN] = 17;
		break;
	case M_SNAME_FULL:
		memset(pkt.buf + DPXE_BOOTP_SNAME, 'a', DPXE_BOOTP_SNAME_LEN);
		break;
	case M_FILE_FULL:
		memset(pkt.buf + DPXE_BOOTP_FILE, 'a', DPXE_BOOTP_FILE_LEN);
		break;
	case M_COOKIE:
		pkt.buf[DPXE_BOOTP_COOKIE + 3] = 0x64;
		break;
	case M_CUT_IN_VALUE: /* the last option's value runs past the end */
		tpkt_dhcp_init(&pkt, DPXE_DHCPDISCOVER);
		tpkt_opt_str(&pkt, DPXE_OPT_VENDOR_CLASS, "PXEClient");
		pkt.len -= 2;
		break;
	case M_CUT_AFTER_CODE: /* a code byte with no length byte */
		tpkt_dhcp_init(&pkt, DPXE_DHCPDISCOVER);
		tpkt_byte(&pkt, DPXE_OPT_VENDOR_CLASS);
		break;
	case M_NO_END:
		tpkt_dhcp_init(&pkt, DPXE_DHCPDISCOVER);
		tpkt_opt_str(&pkt, DPXE_OPT_VENDOR_CLASS, "PXEClient");
		break;
	case M_OPT_AFTER_END:
		tpkt_dhcp_init(&pkt, DPXE_DHCPDISCOVER);
		tpkt_byte(&pkt, DPXE_OPT_END);
		tpkt_opt_str(&pkt, DPXE_OPT_VENDOR_CLASS, "PXEClient");
		tpkt_end(&pkt);
		break;
	case M_END_END:
		tpkt_dhcp_init(&pkt, DPXE_DHCPDISCOVER);
		tpkt_byte(&pkt, DPXE_OPT_END);
		tpkt_byte(&pkt, DPXE_OPT_END);
		break;
	case M_PAD_AFTER_END: /* tpkt_end pads to 300 */
		tpkt_dhcp_init(&pkt, DPXE_DHCPDISCOVER);
		tpkt_byte(&pkt, DPXE_OPT_PAD);
		tpkt_end(&pkt);
		break;
	case M_NO_53:
		tpkt_dhcp_init(&pkt, 0);
		tpkt_opt_str(&pkt, DPXE_OPT_VENDOR_CLASS, "PXEClient");
		tpkt_end(&pkt);
		break;
	case M_53_LEN2:
		tpkt_dhcp_init(&pkt, 0);
		tpkt_opt(&pkt, DPXE_OPT_MSG_TYPE, "\x01\x01", 2);
		tpkt_end(&pkt);
		break;
	case M_SHORT:
		pkt.len = 239;
		break;
	case M_VC_EXACT:
	case M_VC_SHORT:
	case M_VC_HTTP:
	case M_NO_VC:
		tpkt_dhcp_init(&pkt, DPXE_DHCPDISCOVER);
		if (m != M_NO_VC)
			tpkt_opt_str(&pkt, DPXE_OPT_VENDOR_CLASS,
				     m == M_VC_EXACT ? "PXEClient" :
				     m == M_VC_SHORT ? "PXEClien" : "HTTPClient:Arch:00016");
		tpkt_end(&pkt);
		break;
	case M_OVL_FILE:
		overloaded(DPXE_OVERLOAD_FILE);
		put_file_options(DPXE_OPT_END);
		break;
	case M_OVL_FILE_NO_END:
		overloaded(DPXE_OVERLOAD_FILE);
		put_file_options(DPXE_OPT_PAD);
		break;
	case M_OVL_4:
		overloaded(4);
		break;
	case M_OVL_LEN2:
		tpkt_dhcp_init(&pkt, DPXE_DHCPDISCOVER);
		tpkt_opt(&pkt, DPXE_OPT_OVERLOAD, "\x01\x00", 2);
		tpkt_end(&pkt);
		put_file_options(DPXE_OPT_END);
		break;
	case M_OVL_53_IN_FILE: /* option 53 only inside the file field */
		tpkt_dhcp_init(&pkt, 0);
		tpkt_opt(&pkt, DPXE_OPT_OVERLOAD, "\x01", 1);
		tpkt_end(&pkt);
		memcpy(pkt.buf + DPXE_BOOTP_FILE, "\x35\x01\x01\xff", 4);
		break;
	case M_OVL_BOTH_SNAME_TEXT: /* sname overloaded but holds a name */
		overloaded(3);
		put_file_options(DPXE_OPT_END);
		memcpy(pkt.buf + DPXE_BOOTP_SNAME, "server", 7);
		break;
	case M_OVL_BOTH:
		overloaded(3);
		put_file_options(DPXE_OPT_END);
		memcpy(pkt.buf + DPXE_BOOTP_SNAME, "\x03\x04\x0a\x00\x00\x01\xff", 7);
		break;
	case M_OVL_FILE_SNAME_FULL: /* sname not overloaded: must be a string */
		overloaded(DPXE_OVERLOAD_FILE);
		put_file_options(DPXE_OPT_END);
		memset(pkt.buf + DPXE_BOOTP_SNAME, 'a', DPXE_BOOTP_SNAME_LEN);
		break;
	case M_OPTS_END_AT_240: /* options field is just END */
		tpkt_dhcp_init(&pkt, 0);
		tpkt_opt(&pkt, DPXE_OPT_OVERLOAD, "\x01", 1);
		tpkt_end(&pkt);
		memcpy(pkt.buf + DPXE_BOOTP_FILE, "\x35\x01\x03\xff", 4);
		break;
	}
}

static void
test_is_valid(void **state)
{
	static const struct {
		const char *name;
		enum mut m;
		BOOL request;
		DWORD want;
		BOOL pxe;
	} t[] = {
		{ "PXE DISCOVER", M_NONE, TRUE, ERROR_SUCCESS, TRUE },
		{ "op mismatch (request as reply)", M_AS_REPLY, FALSE, ERROR_INVALID_DATA, FALSE },
		{ "hlen 16", M_HLEN16, TRUE, ERROR_SUCCESS, TRUE },
		{ "hlen 17", M_HLEN17, TRUE, ERROR_INVALID_DATA, FALSE },
		{ "sname unterminated", M_SNAME_FULL, TRUE, ERROR_INVALID_DATA, FALSE },
		{ "file unterminated", M_FILE_FULL, TRUE, ERROR_INVALID_DATA, FALSE },
		{ "bad cookie", M_COOKIE, TRUE, ERROR_INVALID_DATA, FALSE },
		{ "option value past end", M_CUT_IN_VALUE, TRUE, ERROR_INVALID_DATA, FALSE },
		{ "option length past end", M_CUT_AFTER_CODE, TRUE, ERROR_INVALID_DATA, FALSE },
		{ "no END", M_NO_END, TRUE, ERROR_INVALID_DATA, FALSE },
		{ "option after END", M_OPT_AFTER_END, TRUE, ERROR_INVALID_DATA, FALSE },
		{ "END after END", M_END_END, TRUE, ERROR_INVALID_DATA, FALSE },
		{ "PAD before and after END", M_PAD_AFTER_END, TRUE, ERROR_SUCCESS, FALSE },
		{ "missing 53", M_NO_53, TRUE, ERROR_INVALID_DATA, FALSE },
		{ "53 of length 2", M_53_LEN2, TRUE, ERROR_INVALID_DATA, FALSE },
		{ "239 bytes", M_SHORT, TRUE, ERROR_INVALID_DATA, FALSE },
		{ "60 = PXEClient", M_VC_EXACT, TRUE, ERROR_SUCCESS, TRUE },
		{ "60 = PXEClien", M_VC_SHORT, TRUE, ERROR_SUCCESS, FALSE },
		{ "60 = HTTPClient", M_VC_HTTP, TRUE, ERROR_SUCCESS, FALSE },
		{ "no 60", M_NO_VC, TRUE, ERROR_SUCCESS, FALSE },
		{ "overload: options in file", M_OVL_FILE, TRUE, ERROR_SUCCESS, TRUE },
		{ "overload: file without END", M_OVL_FILE_NO_END, TRUE, ERROR_INVALID_DATA, FALSE },
		{ "overload value 4", M_OVL_4, TRUE, ERROR_INVALID_DATA, FALSE },
		{ "overload of length 2", M_OVL_LEN2, TRUE, ERROR_INVALID_DATA, FALSE },
		{ "overload: 53 only in file", M_OVL_53_IN_FILE, TRUE, ERROR_SUCCESS, FALSE },
		{ "overload 3: sname not options", M_OVL_BOTH_SNAME_TEXT, TRUE, ERROR_INVALID_DATA, FALSE },
		{ "overload 3: file and sname", M_OVL_BOTH, TRUE, ERROR_SUCCESS, TRUE },
		{ "overload 1: sname unterminated", M_OVL_FILE_SNAME_FULL, TRUE, ERROR_INVALID_DATA, FALSE },
		{ "overload: 53 in file, END at 243", M_OPTS_END_AT_240, TRUE, ERROR_SUCCESS, FALSE },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		BOOL pxe = 42;
		DWORD err;

		mutate(t[i].m);
		err = PxeDhcpIsValid(pkt.buf, (ULONG)pkt.len, t[i].request, &pxe);
		if (err != t[i].want || pxe != t[i].pxe)
			fail_msg("%s: %u pxe %d, want %u pxe %d", t[i].name, err, pxe,
				 t[i].want, t[i].pxe);
		/* the out-parameter is optional */
		assert_int_equal(PxeDhcpIsValid(pkt.buf, (ULONG)pkt.len, t[i].request, NULL),
				 t[i].want);
	}
	assert_int_equal(PxeDhcpIsValid(NULL, 300, TRUE, NULL), ERROR_INVALID_PARAMETER);

	/* a reply checks with bRequestPacket FALSE, and not with TRUE */
	{
		ULONG len;
		BOOL pxe;

		tpkt_pxe_discover(&pkt, 0);
		assert_int_equal(PxeDhcpInitialize(pkt.buf, (ULONG)pkt.len, out, 300, &len), 0);
		assert_int_equal(PxeDhcpAppendOption(out, 300, &len, 53, 1, "\x02"), 0);
		assert_int_equal(PxeDhcpAppendOption(out, 300, &len, 60, 9, "PXEClient"), 0);
		assert_int_equal(PxeDhcpAppendOption(out, 300, &len, 255, 0, NULL), 0);
		assert_int_equal(PxeDhcpIsValid(out, len, FALSE, &pxe), ERROR_SUCCESS);
		assert_int_equal(pxe, TRUE);
		assert_int_equal(PxeDhcpIsValid(out, 300, FALSE, NULL), ERROR_SUCCESS);
		assert_int_equal(PxeDhcpIsValid(out, len, TRUE, NULL), ERROR_INVALID_DATA);
		/* a reply without END is not valid yet */
		assert_int_equal(PxeDhcpIsValid(out, len - 1, FALSE, NULL), ERROR_INVALID_DATA);
	}
}

/* ---- PxeDhcpGetOptionValue --------------------------------------------- */

/* 53, then option 3 three times (values 1, 22, 333-ish), 12 empty, END. */
static void
multi_instance(void)
{
	tpkt_dhcp_init(&pkt, DPXE_DHCPREQUEST);
	tpkt_opt(&pkt, 3, "\x01", 1);
	tpkt_opt_str(&pkt, 60, "PXEClient:Arch:00000");
	tpkt_opt(&pkt, 3, "\x02\x02", 2);
	tpkt_byte(&pkt, DPXE_OPT_PAD);
	tpkt_opt(&pkt, 3, "\x03\x03\x03", 3);
	tpkt_opt(&pkt, 12, "", 0);
	tpkt_end(&pkt);
}

static void
test_get_option(void **state)
{
	static const struct {
		const char *name;
		ULONG instance;
		BYTE code;
		DWORD want;
		BYTE len;
		uint8_t first;
	} t[] = {
		{ "53", 1, 53, ERROR_SUCCESS, 1, 3 },
		{ "3, instance 1", 1, 3, ERROR_SUCCESS, 1, 1 },
		{ "3, instance 2", 2, 3, ERROR_SUCCESS, 2, 2 },
		{ "3, instance 3", 3, 3, ERROR_SUCCESS, 3, 3 },
		{ "3, instance 4", 4, 3, ERROR_FILE_NOT_FOUND, 0, 0 },
		{ "zero-length option", 1, 12, ERROR_SUCCESS, 0, 0 },
		{ "absent", 1, 54, ERROR_FILE_NOT_FOUND, 0, 0 },
		{ "53, instance 2", 2, 53, ERROR_FILE_NOT_FOUND, 0, 0 },
		{ "instance 0", 0, 3, ERROR_INVALID_PARAMETER, 0, 0 },
		{ "PAD", 1, 0, ERROR_INVALID_PARAMETER, 0, 0 },
		{ "END", 1, 255, ERROR_INVALID_PARAMETER, 0, 0 },
	};

	(void)state;
	multi_instance();
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		BYTE len = 0xee;
		PVOID val = NULL;
		DWORD err;

		err = PxeDhcpGetOptionValue(pkt.buf, (ULONG)pkt.len, t[i].instance,
					    t[i].code, &len, &val);
		if (err != t[i].want)
			fail_msg("%s: %u, want %u", t[i].name, err, t[i].want);
		if (err != ERROR_SUCCESS) {
			assert_int_equal(len, 0xee); /* untouched */
			assert_null(val);
			continue;
		}
		assert_int_equal(len, t[i].len);
		/* a pointer into the packet, just after code and length */
		assert_true((uint8_t *)val > pkt.buf + 241 &&
			    (uint8_t *)val <= pkt.buf + pkt.len);
		assert_int_equal(((uint8_t *)val)[-1], t[i].len);
		assert_int_equal(((uint8_t *)val)[-2], t[i].code);
		if (len)
			assert_int_equal(*(uint8_t *)val, t[i].first);
		/* both out-parameters are optional */
		assert_int_equal(PxeDhcpGetOptionValue(pkt.buf, (ULONG)pkt.len,
						       t[i].instance, t[i].code, NULL, NULL),
				 ERROR_SUCCESS);
	}
}

static void
test_get_option_light_check(void **state)
{
	BYTE len;
	PVOID val;

	(void)state;
	multi_instance();
	/* shorter than the header, or a bad cookie */
	assert_int_equal(PxeDhcpGetOptionValue(pkt.buf, 239, 1, 53, &len, &val),
			 ERROR_INVALID_DATA);
	assert_int_equal(PxeDhcpGetOptionValue(pkt.buf, 0, 1, 53, &len, &val),
			 ERROR_INVALID_DATA);
	pkt.buf[DPXE_BOOTP_COOKIE] ^= 1;
	assert_int_equal(PxeDhcpGetOptionValue(pkt.buf, (ULONG)pkt.len, 1, 53, &len, &val),
			 ERROR_INVALID_DATA);
	pkt.buf[DPXE_BOOTP_COOKIE] ^= 1;
	assert_int_equal(PxeDhcpGetOptionValue(NULL, 300, 1, 53, &len, &val),
			 ERROR_INVALID_PARAMETER);

	/* light: a reply, hlen 99 and an unterminated file still answer */
	pkt.buf[DPXE_BOOTP_OP] = DPXE_BOOTP_REPLY;
	pkt.buf[DPXE_BOOTP_HLEN] = 99;
	memset(pkt.buf + DPXE_BOOTP_FILE, 'x', DPXE_BOOTP_FILE_LEN);
	assert_int_equal(PxeDhcpGetOptionValue(pkt.buf, (ULONG)pkt.len, 1, 53, &len, &val),
			 ERROR_SUCCESS);

	/* exactly 240 bytes: no options at all */
	assert_int_equal(PxeDhcpGetOptionValue(pkt.buf, 240, 1, 53, &len, &val),
			 ERROR_FILE_NOT_FOUND);
	/* the packet ends in the middle of the third 3: the first two remain */
	assert_int_equal(PxeDhcpGetOptionValue(pkt.buf, 276, 2, 3, &len, &val),
			 ERROR_SUCCESS);
	assert_int_equal(PxeDhcpGetOptionValue(pkt.buf, 276, 3, 3, &len, &val),
			 ERROR_FILE_NOT_FOUND);
	/* ... and nothing after a truncated option is trusted */
	assert_int_equal(PxeDhcpGetOptionValue(pkt.buf, 276, 1, 12, &len, &val),
			 ERROR_FILE_NOT_FOUND);
	/* a length byte that is itself past the end */
	assert_int_equal(PxeDhcpGetOptionValue(pkt.buf, 241, 1, 53, &len, &val),
			 ERROR_FILE_NOT_FOUND);
}

static void
test_get_option_overload(void **state)
{
	BYTE len;
	PVOID val;

	(void)state;
	/* options field: 53, 52=3, 3(a), END; file: 3(b), 66, END; sname: 3(c) */
	tpkt_dhcp_init(&pkt, DPXE_DHCPDISCOVER);
	tpkt_opt(&pkt, DPXE_OPT_OVERLOAD, "\x03", 1);
	tpkt_opt(&pkt, 3, "a", 1);
	tpkt_end(&pkt);
	memcpy(pkt.buf + DPXE_BOOTP_FILE, "\x03\x01" "b" "\x42\x03tft\xff", 9);
	memcpy(pkt.buf + DPXE_BOOTP_SNAME, "\x03\x01" "c" "\x34\x01\x01\xff", 7);

	/* read as RFC 2131 says: options, then file, then sname */
	for (ULONG i = 1; i <= 3; i++) {
		assert_int_equal(PxeDhcpGetOptionValue(pkt.buf, (ULONG)pkt.len, i, 3,
						       &len, &val), ERROR_SUCCESS);
		assert_int_equal(len, 1);
		assert_int_equal(*(char *)val, "abc"[i - 1]);
	}
	assert_int_equal(PxeDhcpGetOptionValue(pkt.buf, (ULONG)pkt.len, 4, 3, &len, &val),
			 ERROR_FILE_NOT_FOUND);
	assert_int_equal(PxeDhcpGetOptionValue(pkt.buf, (ULONG)pkt.len, 1, 66, &len, &val),
			 ERROR_SUCCESS);
	assert_ptr_equal(val, pkt.buf + DPXE_BOOTP_FILE + 5);
	/* a 52 inside sname is data, not a second overload */
	assert_int_equal(PxeDhcpGetOptionValue(pkt.buf, (ULONG)pkt.len, 2, 52, &len, &val),
			 ERROR_SUCCESS);
	assert_ptr_equal(val, pkt.buf + DPXE_BOOTP_SNAME + 5);
	assert_int_equal(PxeDhcpIsValid(pkt.buf, (ULONG)pkt.len, TRUE, NULL), ERROR_SUCCESS);

	/* overload 1: file only; sname is not searched */
	pkt.buf[DPXE_DHCP_OPTIONS_OFF + 5] = 1;
	assert_int_equal(PxeDhcpGetOptionValue(pkt.buf, (ULONG)pkt.len, 2, 3, &len, &val),
			 ERROR_SUCCESS);
	assert_int_equal(*(char *)val, 'b');
	assert_int_equal(PxeDhcpGetOptionValue(pkt.buf, (ULONG)pkt.len, 3, 3, &len, &val),
			 ERROR_FILE_NOT_FOUND);
	/* overload 2: sname only */
	pkt.buf[DPXE_DHCP_OPTIONS_OFF + 5] = 2;
	assert_int_equal(PxeDhcpGetOptionValue(pkt.buf, (ULONG)pkt.len, 2, 3, &len, &val),
			 ERROR_SUCCESS);
	assert_int_equal(*(char *)val, 'c');
	assert_int_equal(PxeDhcpGetOptionValue(pkt.buf, (ULONG)pkt.len, 1, 66, &len, &val),
			 ERROR_FILE_NOT_FOUND);
	/* an out-of-range overload value is ignored */
	pkt.buf[DPXE_DHCP_OPTIONS_OFF + 5] = 7;
	assert_int_equal(PxeDhcpGetOptionValue(pkt.buf, (ULONG)pkt.len, 2, 3, &len, &val),
			 ERROR_FILE_NOT_FOUND);

	/* without option 52, option-like bytes in file are not options */
	tpkt_dhcp_init(&pkt, DPXE_DHCPDISCOVER);
	tpkt_end(&pkt);
	memcpy(pkt.buf + DPXE_BOOTP_FILE, "\x03\x01" "b\xff", 4);
	assert_int_equal(PxeDhcpGetOptionValue(pkt.buf, (ULONG)pkt.len, 1, 3, &len, &val),
			 ERROR_FILE_NOT_FOUND);

	/* an overloaded file field whose last option runs past it */
	overloaded(DPXE_OVERLOAD_FILE);
	memset(pkt.buf + DPXE_BOOTP_FILE, 0, DPXE_BOOTP_FILE_LEN);
	pkt.buf[DPXE_BOOTP_FILE + 126] = 3;
	pkt.buf[DPXE_BOOTP_FILE + 127] = 5; /* 5 bytes would be in sname */
	assert_int_equal(PxeDhcpGetOptionValue(pkt.buf, (ULONG)pkt.len, 1, 3, &len, &val),
			 ERROR_FILE_NOT_FOUND);
}

/* ---- PxeDhcpGetVendorOptionValue --------------------------------------- */

static void
test_get_vendor_option(void **state)
{
	/* 43 #1: 6=08, PAD, 71=(4 bytes), 6=01, END, junk after END */
	static const uint8_t v1[] = { 6, 1, 8, 0, 71, 4, 0x80, 0, 0, 0, 6, 1, 1, 255, 6, 1, 9 };
	/* 43 #2: 6=02, then a sub-option whose length runs past, then 9 */
	static const uint8_t v2[] = { 6, 1, 2, 9, 40, 1 };
	static const struct {
		const char *name;
		BYTE code;
		ULONG instance;
		DWORD want;
		BYTE len;
		uint8_t first;
	} t[] = {
		{ "6 #1", 6, 1, ERROR_SUCCESS, 1, 8 },
		{ "6 #2", 6, 2, ERROR_SUCCESS, 1, 1 },
		{ "6 #3 (second 43)", 6, 3, ERROR_SUCCESS, 1, 2 },
		{ "6 #4 (after END: not one)", 6, 4, ERROR_FILE_NOT_FOUND, 0, 0 },
		{ "71", 71, 1, ERROR_SUCCESS, 4, 0x80 },
		{ "9 (truncated)", 9, 1, ERROR_FILE_NOT_FOUND, 0, 0 },
		{ "absent", 8, 1, ERROR_FILE_NOT_FOUND, 0, 0 },
		{ "instance 0", 6, 0, ERROR_INVALID_PARAMETER, 0, 0 },
	};

	(void)state;
	tpkt_dhcp_init(&pkt, DPXE_DHCPOFFER);
	tpkt_opt(&pkt, DPXE_OPT_VENDOR, v1, sizeof(v1));
	tpkt_opt(&pkt, 6, "\x06\x01\x07", 3); /* option 6 is not 43: not searched */
	tpkt_opt(&pkt, DPXE_OPT_VENDOR, v2, sizeof(v2));
	tpkt_end(&pkt);

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		BYTE len = 0xee;
		PVOID val = NULL;
		DWORD err;

		/* bOption before uInstance: the Vendor variant's order */
		err = PxeDhcpGetVendorOptionValue(pkt.buf, (ULONG)pkt.len, t[i].code,
						  t[i].instance, &len, &val);
		if (err != t[i].want)
			fail_msg("%s: %u, want %u", t[i].name, err, t[i].want);
		if (err != ERROR_SUCCESS)
			continue;
		assert_int_equal(len, t[i].len);
		assert_int_equal(*(uint8_t *)val, t[i].first);
		assert_true((uint8_t *)val > pkt.buf && (uint8_t *)val < pkt.buf + pkt.len);
		assert_int_equal(PxeDhcpGetVendorOptionValue(pkt.buf, (ULONG)pkt.len,
							     t[i].code, t[i].instance,
							     NULL, NULL), ERROR_SUCCESS);
	}

	assert_int_equal(PxeDhcpGetVendorOptionValue(pkt.buf, 200, 6, 1, NULL, NULL),
			 ERROR_INVALID_DATA);
	assert_int_equal(PxeDhcpGetVendorOptionValue(NULL, 300, 6, 1, NULL, NULL),
			 ERROR_INVALID_PARAMETER);
	/* no option 43 at all */
	tpkt_pxe_discover(&pkt, 0);
	assert_int_equal(PxeDhcpGetVendorOptionValue(pkt.buf, (ULONG)pkt.len, 6, 1, NULL, NULL),
			 ERROR_FILE_NOT_FOUND);
	/* a 43 that is cut by the end of the packet is not walked */
	tpkt_dhcp_init(&pkt, DPXE_DHCPOFFER);
	tpkt_opt(&pkt, DPXE_OPT_VENDOR, v1, sizeof(v1));
	assert_int_equal(PxeDhcpGetVendorOptionValue(pkt.buf, (ULONG)pkt.len - 1, 6, 1,
						     NULL, NULL), ERROR_FILE_NOT_FOUND);
}

/* ---- Bounds: exact-size heap copies (ASan catches any overread) -------- */

static void
poke_all(const uint8_t *src, size_t len)
{
	uint8_t *p = malloc(len ? len : 1);
	static uint8_t reply[300];
	BYTE l;
	PVOID v;
	ULONG rl;
	BOOL pxe;

	assert_non_null(p);
	memcpy(p, src, len);
	(void)PxeDhcpIsValid(p, (ULONG)len, TRUE, &pxe);
	(void)PxeDhcpIsValid(p, (ULONG)len, FALSE, NULL);
	for (BYTE code = 1; code < 255; code++) {
		for (ULONG inst = 1; inst <= 3; inst++) {
			if (PxeDhcpGetOptionValue(p, (ULONG)len, inst, code, &l, &v) == 0)
				assert_true((uint8_t *)v + l <= p + len);
			if (PxeDhcpGetVendorOptionValue(p, (ULONG)len, code, inst, &l, &v) == 0)
				assert_true((uint8_t *)v + l <= p + len);
		}
	}
	(void)PxeDhcpInitialize(p, (ULONG)len, reply, sizeof(reply), &rl);
	free(p);
}

static void
test_bounds(void **state)
{
	static struct tpkt shapes[4];
	uint32_t rng = 12345;

	(void)state;
	multi_instance();
	shapes[0] = pkt;
	mutate(M_OVL_BOTH);
	shapes[1] = pkt;
	tpkt_dhcp_init(&pkt, DPXE_DHCPOFFER);
	tpkt_opt(&pkt, DPXE_OPT_VENDOR, "\x06\x01\x08\x47\x04\x80\x00\x00\x00\xff", 10);
	tpkt_opt(&pkt, DPXE_OPT_OVERLOAD, "\x01", 1);
	tpkt_end(&pkt);
	memcpy(pkt.buf + DPXE_BOOTP_FILE, "\x2b\x03\x06\x01\x09\xff", 6);
	shapes[2] = pkt;
	tpkt_pxe_discover(&pkt, 7);
	shapes[3] = pkt;

	/* every truncation of every shape */
	for (size_t s = 0; s < 4; s++)
		for (size_t len = 0; len <= shapes[s].len; len++)
			poke_all(shapes[s].buf, len);
	/* random byte flips in the options and the overloadable fields */
	for (int i = 0; i < 3000; i++) {
		struct tpkt *sh = &shapes[i % 4];
		size_t at;

		pkt = *sh;
		for (int k = 0; k < 4; k++) {
			rng = rng * 1103515245u + 12345u;
			at = DPXE_BOOTP_SNAME + (rng >> 8) % (pkt.len - DPXE_BOOTP_SNAME);
			pkt.buf[at] = (uint8_t)(rng >> 20);
		}
		poke_all(pkt.buf, pkt.len);
	}
}

/* ---- Real client captures ---------------------------------------------- */

static const char *const captures[] = {
	"tests/data/clients/dhclient-plain.pcap", "tests/data/clients/dhclient-pxe.pcap",
	"tests/data/clients/edk2-uefi.pcap",      "tests/data/clients/ipxe-bios.pcap",
	"tests/data/clients/ipxe-proxydhcp.pcap", "tests/data/clients/ipxe-uefi.pcap",
	"tests/data/clients/udhcpc-plain.pcap",   "tests/data/clients/udhcpc-pxe.pcap",
};

/* Each UDP payload of a classic little-endian Ethernet pcap. */
static size_t
for_each_dhcp(const char *path, void (*fn)(const uint8_t *, size_t))
{
	static uint8_t file[1 << 20];
	size_t n, off = 24, count = 0;
	FILE *f = fopen(path, "rb");

	if (!f)
		fail_msg("%s: cannot open (tests run from the source root)", path);
	n = fread(file, 1, sizeof(file), f);
	fclose(f);
	assert_true(n >= 24 && n < sizeof(file));
	assert_int_equal(dpxe_load_be32(file), 0xd4c3b2a1); /* LE, microseconds */
	while (off + 16 <= n) {
		uint32_t incl = (uint32_t)file[off + 8] | (uint32_t)file[off + 9] << 8 |
				(uint32_t)file[off + 10] << 16 | (uint32_t)file[off + 11] << 24;
		struct dpxe_frame fr;

		off += 16;
		assert_true(incl <= n - off);
		if (dpxe_frame_parse(file + off, incl, 0, &fr) == DPXE_DROP_OK &&
		    fr.kind == DPXE_FRAME_UDP4) {
			fn(dpxe_frame_payload(&fr), fr.payload_len);
			count++;
		}
		off += incl;
	}
	return count;
}

static void
check_captured(const uint8_t *p, size_t n)
{
	bool request = p[DPXE_BOOTP_OP] == DPXE_BOOTP_REQUEST;
	BYTE len;
	PVOID val;
	BOOL pxe, want_pxe = FALSE;
	ULONG rlen;

	assert_int_equal(PxeDhcpIsValid(p, (ULONG)n, request, &pxe), ERROR_SUCCESS);
	assert_int_equal(PxeDhcpIsValid(p, (ULONG)n, !request, NULL), ERROR_INVALID_DATA);
	if (PxeDhcpGetOptionValue(p, (ULONG)n, 1, 60, &len, &val) == ERROR_SUCCESS)
		want_pxe = len >= 9 && memcmp(val, "PXEClient", 9) == 0;
	assert_int_equal(pxe, want_pxe);
	assert_int_equal(PxeDhcpGetOptionValue(p, (ULONG)n, 1, 53, &len, &val), ERROR_SUCCESS);
	assert_int_equal(len, 1);
	if (!request)
		return;
	/* answer it the SampleProvider way; the answer is a valid reply */
	assert_int_equal(PxeDhcpInitialize(p, (ULONG)n, out, 300, &rlen), ERROR_SUCCESS);
	assert_int_equal(PxeDhcpAppendOption(out, 300, &rlen, 53, 1, "\x02"), ERROR_SUCCESS);
	assert_int_equal(PxeDhcpAppendOption(out, 300, &rlen, 255, 0, NULL), ERROR_SUCCESS);
	assert_int_equal(PxeDhcpIsValid(out, rlen, FALSE, NULL), ERROR_SUCCESS);
	assert_memory_equal(out + DPXE_BOOTP_XID, p + DPXE_BOOTP_XID, 4);
}

static void
test_real_captures(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(captures) / sizeof(captures[0]); i++)
		assert_true(for_each_dhcp(captures[i], check_captured) > 0);
}

/* ---- GetLastError / SetLastError --------------------------------------- */

static void *
other_thread(void *arg)
{
	DWORD *seen = arg;

	seen[0] = GetLastError();
	SetLastError(ERROR_NOT_FOUND);
	seen[1] = GetLastError();
	return NULL;
}

static void
test_last_error(void **state)
{
	DWORD seen[2] = { 99, 99 };
	pthread_t th;

	(void)state;
	SetLastError(ERROR_NOT_ENOUGH_MEMORY);
	assert_int_equal(GetLastError(), ERROR_NOT_ENOUGH_MEMORY);
	assert_int_equal(pthread_create(&th, NULL, other_thread, seen), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(seen[0], ERROR_SUCCESS); /* a new thread starts clean */
	assert_int_equal(seen[1], ERROR_NOT_FOUND);
	assert_int_equal(GetLastError(), ERROR_NOT_ENOUGH_MEMORY); /* per thread */
	SetLastError(ERROR_SUCCESS);
	assert_int_equal(GetLastError(), ERROR_SUCCESS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_initialize),
		cmocka_unit_test(test_initialize_errors),
		cmocka_unit_test(test_append_option),
		cmocka_unit_test(test_append_raw),
		cmocka_unit_test(test_is_valid),
		cmocka_unit_test(test_get_option),
		cmocka_unit_test(test_get_option_light_check),
		cmocka_unit_test(test_get_option_overload),
		cmocka_unit_test(test_get_vendor_option),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_real_captures),
		cmocka_unit_test(test_last_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
