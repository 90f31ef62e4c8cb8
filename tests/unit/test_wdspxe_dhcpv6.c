/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cmocka suite for the DHCPv6 helpers (PxeDhcpv6*): reply skeletons, option
 * append and lookup, validity, and relay unwrapping / re-wrapping up to and
 * beyond PXE_DHCPV6_RELAY_HOP_COUNT_LIMIT.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "wdspxe.h"

enum {
	SOLICIT = 1, ADVERTISE, REQUEST, CONFIRM, RENEW, REBIND, REPLY, RELEASE,
	DECLINE, RECONFIGURE, INFO_REQ, RELAY_FORW, RELAY_REPL,
};
enum { CLIENTID = 1, SERVERID = 2, RELAY_MSG = 9, VENDOR_CLASS = 16, VENDOR_OPTS = 17, IFACE_ID = 18 };

struct v6 {
	uint8_t b[8192];
	size_t len;
};

static void
be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
hdr(struct v6 *m, uint8_t type)
{
	memset(m->b, 0, sizeof(m->b));
	m->b[0] = type;
	m->b[1] = 0x12, m->b[2] = 0x34, m->b[3] = 0x56;
	m->len = 4;
}

/* A RELAY-FORW header: hop, link 2001:db8::<hop>, peer fe80::<hop + 1>. */
static void
relay_hdr(struct v6 *m, uint8_t type, uint8_t hop)
{
	memset(m->b, 0, sizeof(m->b));
	m->b[0] = type;
	m->b[1] = hop;
	m->b[2] = 0x20, m->b[3] = 0x01, m->b[4] = 0x0d, m->b[5] = 0xb8, m->b[17] = hop;
	m->b[18] = 0xfe, m->b[19] = 0x80, m->b[33] = (uint8_t)(hop + 1);
	m->len = 34;
}

static void
opt(struct v6 *m, uint16_t code, const void *v, uint16_t n)
{
	be16(m->b + m->len, code);
	be16(m->b + m->len + 2, n);
	if (n)
		memcpy(m->b + m->len + 4, v, n);
	m->len += 4u + n;
}

static const uint8_t duid_c[] = { 0, 3, 0, 1, 0x52, 0x54, 0, 0x12, 0x34, 0x56 };
static const uint8_t duid_s[] = { 0, 3, 0, 1, 0x02, 0xdc, 0, 0, 0, 1 };
/* enterprise 343 (Intel), one entry "PXEClient:Arch:00007:UNDI:003000" */
static const uint8_t vc_pxe[] = "\x00\x00\x01\x57\x00\x20PXEClient:Arch:00007:UNDI:003000";

static void
solicit(struct v6 *m, bool pxe)
{
	hdr(m, SOLICIT);
	opt(m, CLIENTID, duid_c, sizeof(duid_c));
	opt(m, 8, "\x00\x00", 2);
	if (pxe)
		opt(m, VENDOR_CLASS, vc_pxe, sizeof(vc_pxe) - 1);
}

/* Wrap m in n RELAY-FORWs, interface-id "if<k>" on even levels k. */
static void
wrap(struct v6 *m, unsigned int n)
{
	static struct v6 t;

	for (unsigned int i = 0; i < n; i++) {
		uint8_t level = (uint8_t)(n - 1 - i); /* 0 outermost */
		char ifid[16];

		relay_hdr(&t, RELAY_FORW, level);
		if (level % 2 == 0) {
			snprintf(ifid, sizeof(ifid), "if%u", level);
			opt(&t, IFACE_ID, ifid, (uint16_t)strlen(ifid));
		}
		opt(&t, RELAY_MSG, m->b, (uint16_t)m->len);
		memcpy(m, &t, sizeof(t));
	}
}

static struct v6 pkt, rep;

/* ---- PxeDhcpv6Initialize ----------------------------------------------- */

static void
test_initialize(void **state)
{
	static const struct {
		uint8_t type;
		DWORD want;
		uint8_t reply;
	} t[] = {
		{ SOLICIT, ERROR_SUCCESS, ADVERTISE },   { REQUEST, ERROR_SUCCESS, REPLY },
		{ CONFIRM, ERROR_SUCCESS, REPLY },       { RENEW, ERROR_SUCCESS, REPLY },
		{ REBIND, ERROR_SUCCESS, REPLY },        { RELEASE, ERROR_SUCCESS, REPLY },
		{ DECLINE, ERROR_SUCCESS, REPLY },       { INFO_REQ, ERROR_SUCCESS, REPLY },
		{ ADVERTISE, ERROR_INVALID_DATA, 0 },    { REPLY, ERROR_INVALID_DATA, 0 },
		{ RECONFIGURE, ERROR_INVALID_DATA, 0 },  { RELAY_REPL, ERROR_INVALID_DATA, 0 },
		{ 0, ERROR_INVALID_DATA, 0 },            { 99, ERROR_INVALID_DATA, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ULONG used = 0xdead;
		DWORD err;

		solicit(&pkt, true);
		pkt.b[0] = t[i].type;
		memset(rep.b, 0xa5, sizeof(rep.b));
		err = PxeDhcpv6Initialize(pkt.b, (ULONG)pkt.len, rep.b, 100, &used);
		if (err != t[i].want)
			fail_msg("type %u: %u, want %u", t[i].type, err, t[i].want);
		if (err != ERROR_SUCCESS) {
			assert_int_equal(used, 0xdead);
			assert_int_equal(rep.b[0], 0xa5);
			continue;
		}
		assert_int_equal(used, 4);
		assert_int_equal(rep.b[0], t[i].reply);
		assert_memory_equal(rep.b + 1, "\x12\x34\x56", 3);
		for (size_t j = 4; j < 100; j++)
			assert_int_equal(rep.b[j], 0);
		assert_int_equal(rep.b[100], 0xa5);
	}

	/* RELAY-FORW: RELAY-REPL with hop count, link and peer */
	{
		ULONG used;
		const PXE_DHCPV6_RELAY_MESSAGE *r = (const void *)rep.b;

		solicit(&pkt, false);
		wrap(&pkt, 1);
		pkt.b[1] = 7;
		memset(rep.b, 0xa5, sizeof(rep.b));
		assert_int_equal(PxeDhcpv6Initialize(pkt.b, (ULONG)pkt.len, rep.b, 34, &used),
				 ERROR_SUCCESS);
		assert_int_equal(used, 34);
		assert_int_equal(r->MessageType, RELAY_REPL);
		assert_int_equal(r->HopCount, 7);
		assert_memory_equal(r->LinkAddress, pkt.b + 2, 16);
		assert_memory_equal(r->PeerAddress, pkt.b + 18, 16);
		assert_int_equal(rep.b[34], 0xa5);
		/* too short for a relay header; reply too small for one */
		assert_int_equal(PxeDhcpv6Initialize(pkt.b, 33, rep.b, 100, &used),
				 ERROR_INVALID_DATA);
		assert_int_equal(PxeDhcpv6Initialize(pkt.b, (ULONG)pkt.len, rep.b, 33, &used),
				 ERROR_INSUFFICIENT_BUFFER);
	}
	/* in place */
	{
		ULONG used;

		solicit(&pkt, false);
		assert_int_equal(PxeDhcpv6Initialize(pkt.b, (ULONG)pkt.len, pkt.b,
						     (ULONG)pkt.len, &used), ERROR_SUCCESS);
		assert_memory_equal(pkt.b, "\x02\x12\x34\x56\x00", 5);
	}
	/* short, empty, NULL */
	{
		ULONG used;

		solicit(&pkt, false);
		assert_int_equal(PxeDhcpv6Initialize(pkt.b, 3, rep.b, 100, &used), ERROR_INVALID_DATA);
		assert_int_equal(PxeDhcpv6Initialize(pkt.b, 0, rep.b, 100, &used), ERROR_INVALID_DATA);
		assert_int_equal(PxeDhcpv6Initialize(pkt.b, 4, rep.b, 3, &used),
				 ERROR_INSUFFICIENT_BUFFER);
		assert_int_equal(PxeDhcpv6Initialize(NULL, 4, rep.b, 100, &used),
				 ERROR_INVALID_PARAMETER);
		assert_int_equal(PxeDhcpv6Initialize(pkt.b, 4, NULL, 100, &used),
				 ERROR_INVALID_PARAMETER);
		assert_int_equal(PxeDhcpv6Initialize(pkt.b, 4, rep.b, 100, NULL),
				 ERROR_INVALID_PARAMETER);
	}
}

/* ---- Append ------------------------------------------------------------ */

static void
test_append(void **state)
{
	static const uint8_t v[300] = { 0xaa, 0xbb, 0xcc };
	static const struct {
		const char *name;
		uint8_t type;
		ULONG start, cap;
		WORD code, n;
		bool null_value;
		DWORD want;
		ULONG end;
	} t[] = {
		{ "option 2", ADVERTISE, 4, 100, SERVERID, 3, false, ERROR_SUCCESS, 11 },
		{ "empty option", ADVERTISE, 4, 100, 14, 0, true, ERROR_SUCCESS, 8 },
		{ "300-byte option", REPLY, 4, 400, 59, 300, false, ERROR_SUCCESS, 308 },
		{ "exact fit", REPLY, 4, 11, SERVERID, 3, false, ERROR_SUCCESS, 11 },
		{ "one byte short", REPLY, 4, 10, SERVERID, 3, false, ERROR_INSUFFICIENT_BUFFER, 4 },
		{ "relay, after its header", RELAY_REPL, 34, 100, RELAY_MSG, 3, false, ERROR_SUCCESS, 41 },
		{ "relay, inside its header", RELAY_REPL, 4, 100, RELAY_MSG, 3, false, ERROR_INVALID_PARAMETER, 4 },
		{ "inside the header", REPLY, 3, 100, SERVERID, 3, false, ERROR_INVALID_PARAMETER, 3 },
		{ "length past the buffer", REPLY, 101, 100, SERVERID, 0, true, ERROR_INVALID_PARAMETER, 101 },
		{ "NULL value", REPLY, 4, 100, SERVERID, 3, true, ERROR_INVALID_PARAMETER, 4 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ULONG used = t[i].start;
		DWORD err;

		memset(rep.b, 0xa5, sizeof(rep.b));
		rep.b[0] = t[i].type;
		err = PxeDhcpv6AppendOption(rep.b, t[i].cap, &used, t[i].code, t[i].n,
					    t[i].null_value ? NULL : v);
		if (err != t[i].want || used != t[i].end)
			fail_msg("%s: %u used %u, want %u used %u", t[i].name, err, used,
				 t[i].want, t[i].end);
		assert_int_equal(rep.b[used], 0xa5);
		if (err != ERROR_SUCCESS)
			continue;
		assert_int_equal(rep.b[t[i].start] << 8 | rep.b[t[i].start + 1], t[i].code);
		assert_int_equal(rep.b[t[i].start + 2] << 8 | rep.b[t[i].start + 3], t[i].n);
		if (t[i].n)
			assert_memory_equal(rep.b + t[i].start + 4, v, t[i].n);

		/* the same bytes through AppendOptionRaw */
		{
			uint8_t enc[304];
			ULONG used2 = t[i].start;

			memcpy(enc, rep.b + t[i].start, used - t[i].start);
			memset(rep.b + t[i].start, 0xa5, used - t[i].start);
			assert_int_equal(PxeDhcpv6AppendOptionRaw(rep.b, t[i].cap, &used2,
								  (USHORT)(used - t[i].start), enc),
					 ERROR_SUCCESS);
			assert_int_equal(used2, used);
			assert_memory_equal(rep.b + t[i].start, enc, used - t[i].start);
		}
	}
	{
		ULONG used = 4;

		rep.b[0] = REPLY;
		assert_int_equal(PxeDhcpv6AppendOption(NULL, 100, &used, 1, 0, NULL),
				 ERROR_INVALID_PARAMETER);
		assert_int_equal(PxeDhcpv6AppendOption(rep.b, 100, NULL, 1, 0, NULL),
				 ERROR_INVALID_PARAMETER);
		assert_int_equal(PxeDhcpv6AppendOptionRaw(rep.b, 100, &used, 97, v),
				 ERROR_INSUFFICIENT_BUFFER);
		assert_int_equal(PxeDhcpv6AppendOptionRaw(rep.b, 100, &used, 96, v), ERROR_SUCCESS);
		assert_int_equal(used, 100);
		assert_int_equal(PxeDhcpv6AppendOptionRaw(rep.b, 100, &used, 0, NULL), ERROR_SUCCESS);
		assert_int_equal(PxeDhcpv6AppendOptionRaw(rep.b, 100, &used, 1, NULL),
				 ERROR_INVALID_PARAMETER);
		assert_int_equal(PxeDhcpv6AppendOptionRaw(NULL, 100, &used, 0, NULL),
				 ERROR_INVALID_PARAMETER);
	}
}

/* ---- PxeDhcpv6IsValid -------------------------------------------------- */

enum shape {
	S_SOLICIT, S_SOLICIT_PXE, S_SOLICIT_NO_CID, S_SOLICIT_SID, S_REQUEST,
	S_REQUEST_NO_SID, S_INFO_BARE, S_ADVERTISE, S_ADVERTISE_NO_CID, S_REPLY_SID,
	S_REPLY_NO_SID, S_RECONFIGURE, S_TRUNC_OPT, S_TRUNC_HDR, S_TRAILING_BYTE,
	S_SHORT, S_EMPTY, S_UNKNOWN_TYPE, S_RELAY_MSG_IN_CLIENT, S_RELAY1, S_RELAY1_PXE,
	S_RELAY_NO_MSG, S_RELAY_TWO_MSG, S_RELAY_BAD_INNER, S_RELAY_ADVERTISE,
	S_RELAY_SHORT, S_RELAY32, S_RELAY33, S_RELAY_REPL_REPLY, S_VC_SECOND,
	S_VC_HTTP, S_VC_BAD_ENTRY,
};

static void
build(enum shape s)
{
	switch (s) {
	case S_SOLICIT:
		solicit(&pkt, false);
		break;
	case S_SOLICIT_PXE:
		solicit(&pkt, true);
		break;
	case S_SOLICIT_NO_CID:
		hdr(&pkt, SOLICIT);
		opt(&pkt, VENDOR_CLASS, vc_pxe, sizeof(vc_pxe) - 1);
		break;
	case S_SOLICIT_SID:
		solicit(&pkt, false);
		opt(&pkt, SERVERID, duid_s, sizeof(duid_s));
		break;
	case S_REQUEST:
	case S_REQUEST_NO_SID:
		hdr(&pkt, REQUEST);
		opt(&pkt, CLIENTID, duid_c, sizeof(duid_c));
		if (s == S_REQUEST)
			opt(&pkt, SERVERID, duid_s, sizeof(duid_s));
		break;
	case S_INFO_BARE:
		hdr(&pkt, INFO_REQ);
		break;
	case S_ADVERTISE:
	case S_ADVERTISE_NO_CID:
		hdr(&pkt, ADVERTISE);
		opt(&pkt, SERVERID, duid_s, sizeof(duid_s));
		if (s == S_ADVERTISE)
			opt(&pkt, CLIENTID, duid_c, sizeof(duid_c));
		break;
	case S_REPLY_SID:
	case S_REPLY_NO_SID:
		hdr(&pkt, REPLY);
		if (s == S_REPLY_SID)
			opt(&pkt, SERVERID, duid_s, sizeof(duid_s));
		break;
	case S_RECONFIGURE:
		hdr(&pkt, RECONFIGURE);
		opt(&pkt, SERVERID, duid_s, sizeof(duid_s));
		opt(&pkt, CLIENTID, duid_c, sizeof(duid_c));
		break;
	case S_TRUNC_OPT:
		solicit(&pkt, false);
		pkt.len -= 1;
		break;
	case S_TRUNC_HDR: /* three bytes of an option header */
		solicit(&pkt, false);
		pkt.len += 3;
		break;
	case S_TRAILING_BYTE:
		solicit(&pkt, false);
		pkt.len += 1;
		break;
	case S_SHORT:
		hdr(&pkt, INFO_REQ);
		pkt.len = 3;
		break;
	case S_EMPTY:
		pkt.len = 0;
		break;
	case S_UNKNOWN_TYPE:
		solicit(&pkt, false);
		pkt.b[0] = 99;
		break;
	case S_RELAY_MSG_IN_CLIENT:
		solicit(&pkt, false);
		opt(&pkt, RELAY_MSG, "\x01\x00\x00\x00", 4);
		break;
	case S_RELAY1:
		solicit(&pkt, false);
		wrap(&pkt, 1);
		break;
	case S_RELAY1_PXE:
		solicit(&pkt, true);
		wrap(&pkt, 1);
		break;
	case S_RELAY_NO_MSG:
		relay_hdr(&pkt, RELAY_FORW, 0);
		opt(&pkt, IFACE_ID, "eth0", 4);
		break;
	case S_RELAY_TWO_MSG:
		solicit(&pkt, false);
		wrap(&pkt, 1);
		opt(&pkt, RELAY_MSG, pkt.b + 38, (uint16_t)(pkt.len - 38));
		break;
	case S_RELAY_BAD_INNER:
		hdr(&pkt, SOLICIT); /* no Client Identifier */
		wrap(&pkt, 1);
		break;
	case S_RELAY_ADVERTISE:
		build(S_ADVERTISE);
		wrap(&pkt, 1);
		break;
	case S_RELAY_SHORT:
		relay_hdr(&pkt, RELAY_FORW, 0);
		pkt.len = 33;
		break;
	case S_RELAY32:
		solicit(&pkt, true);
		wrap(&pkt, PXE_DHCPV6_RELAY_HOP_COUNT_LIMIT);
		break;
	case S_RELAY33:
		solicit(&pkt, true);
		wrap(&pkt, PXE_DHCPV6_RELAY_HOP_COUNT_LIMIT + 1);
		break;
	case S_RELAY_REPL_REPLY:
		build(S_REPLY_SID);
		wrap(&pkt, 2);
		pkt.b[0] = RELAY_REPL;
		pkt.b[34 + 7 + 4] = RELAY_REPL; /* after level 0's "if0" and Relay Message header */
		break;
	case S_VC_SECOND: /* the second vendor-class entry is PXEClient */
		solicit(&pkt, false);
		opt(&pkt, VENDOR_CLASS, "\x00\x00\x01\x57\x00\x03" "abc" "\x00\x09PXEClient", 20);
		break;
	case S_VC_HTTP:
		solicit(&pkt, false);
		opt(&pkt, VENDOR_CLASS, "\x00\x00\x01\x57\x00\x0aHTTPClient", 16);
		break;
	case S_VC_BAD_ENTRY: /* an entry longer than the option: no match */
		solicit(&pkt, false);
		opt(&pkt, VENDOR_CLASS, "\x00\x00\x01\x57\x00\x20PXEClient", 15);
		break;
	}
}

static void
test_is_valid(void **state)
{
	static const struct {
		const char *name;
		enum shape s;
		BOOL request;
		DWORD want;
		BOOL pxe;
	} t[] = {
		{ "SOLICIT", S_SOLICIT, TRUE, ERROR_SUCCESS, FALSE },
		{ "SOLICIT as a server message", S_SOLICIT, FALSE, ERROR_INVALID_DATA, FALSE },
		{ "PXE SOLICIT", S_SOLICIT_PXE, TRUE, ERROR_SUCCESS, TRUE },
		{ "SOLICIT without Client ID", S_SOLICIT_NO_CID, TRUE, ERROR_INVALID_DATA, FALSE },
		{ "SOLICIT with Server ID", S_SOLICIT_SID, TRUE, ERROR_INVALID_DATA, FALSE },
		{ "REQUEST", S_REQUEST, TRUE, ERROR_SUCCESS, FALSE },
		{ "REQUEST without Server ID", S_REQUEST_NO_SID, TRUE, ERROR_INVALID_DATA, FALSE },
		{ "bare INFORMATION-REQUEST", S_INFO_BARE, TRUE, ERROR_SUCCESS, FALSE },
		{ "ADVERTISE", S_ADVERTISE, FALSE, ERROR_SUCCESS, FALSE },
		{ "ADVERTISE as a request", S_ADVERTISE, TRUE, ERROR_INVALID_DATA, FALSE },
		{ "ADVERTISE without Client ID", S_ADVERTISE_NO_CID, FALSE, ERROR_INVALID_DATA, FALSE },
		{ "REPLY", S_REPLY_SID, FALSE, ERROR_SUCCESS, FALSE },
		{ "REPLY without Server ID", S_REPLY_NO_SID, FALSE, ERROR_INVALID_DATA, FALSE },
		{ "RECONFIGURE", S_RECONFIGURE, FALSE, ERROR_SUCCESS, FALSE },
		{ "option past the end", S_TRUNC_OPT, TRUE, ERROR_INVALID_DATA, FALSE },
		{ "option header past the end", S_TRUNC_HDR, TRUE, ERROR_INVALID_DATA, FALSE },
		{ "a byte after the options", S_TRAILING_BYTE, TRUE, ERROR_INVALID_DATA, FALSE },
		{ "3 bytes", S_SHORT, TRUE, ERROR_INVALID_DATA, FALSE },
		{ "0 bytes", S_EMPTY, TRUE, ERROR_INVALID_DATA, FALSE },
		{ "unknown type", S_UNKNOWN_TYPE, TRUE, ERROR_INVALID_DATA, FALSE },
		{ "Relay Message in a SOLICIT", S_RELAY_MSG_IN_CLIENT, TRUE, ERROR_INVALID_DATA, FALSE },
		{ "RELAY-FORW(SOLICIT)", S_RELAY1, TRUE, ERROR_SUCCESS, FALSE },
		{ "RELAY-FORW(PXE SOLICIT)", S_RELAY1_PXE, TRUE, ERROR_SUCCESS, TRUE },
		{ "RELAY-FORW as a server message", S_RELAY1, FALSE, ERROR_INVALID_DATA, FALSE },
		{ "RELAY-FORW without Relay Message", S_RELAY_NO_MSG, TRUE, ERROR_INVALID_DATA, FALSE },
		{ "RELAY-FORW with two", S_RELAY_TWO_MSG, TRUE, ERROR_INVALID_DATA, FALSE },
		{ "RELAY-FORW(bad SOLICIT)", S_RELAY_BAD_INNER, TRUE, ERROR_INVALID_DATA, FALSE },
		{ "RELAY-FORW(ADVERTISE)", S_RELAY_ADVERTISE, TRUE, ERROR_INVALID_DATA, FALSE },
		{ "RELAY-FORW of 33 bytes", S_RELAY_SHORT, TRUE, ERROR_INVALID_DATA, FALSE },
		{ "32 nested relays", S_RELAY32, TRUE, ERROR_SUCCESS, TRUE },
		{ "33 nested relays", S_RELAY33, TRUE, ERROR_INVALID_DATA, FALSE },
		{ "RELAY-REPL(RELAY-REPL(REPLY))", S_RELAY_REPL_REPLY, FALSE, ERROR_SUCCESS, FALSE },
		{ "PXEClient as second entry", S_VC_SECOND, TRUE, ERROR_SUCCESS, TRUE },
		{ "HTTPClient vendor class", S_VC_HTTP, TRUE, ERROR_SUCCESS, FALSE },
		{ "vendor class entry too long", S_VC_BAD_ENTRY, TRUE, ERROR_SUCCESS, FALSE },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		BOOL pxe = 42;
		DWORD err;

		build(t[i].s);
		err = PxeDhcpv6IsValid(pkt.b, (ULONG)pkt.len, t[i].request, &pxe);
		if (err != t[i].want || pxe != t[i].pxe)
			fail_msg("%s: %u pxe %d, want %u pxe %d", t[i].name, err, pxe,
				 t[i].want, t[i].pxe);
		assert_int_equal(PxeDhcpv6IsValid(pkt.b, (ULONG)pkt.len, t[i].request, NULL),
				 t[i].want);
	}
	assert_int_equal(PxeDhcpv6IsValid(NULL, 10, TRUE, NULL), ERROR_INVALID_PARAMETER);
}

/* ---- Option lookup ----------------------------------------------------- */

static void
test_get_option(void **state)
{
	static const struct {
		const char *name;
		ULONG instance;
		WORD code;
		DWORD want;
		WORD len;
		uint8_t first;
	} t[] = {
		{ "Client ID", 1, CLIENTID, ERROR_SUCCESS, sizeof(duid_c), 3 }, /* 2nd byte */
		{ "ORO #1", 1, 6, ERROR_SUCCESS, 2, 0x3b },
		{ "ORO #2", 2, 6, ERROR_SUCCESS, 4, 0x17 },
		{ "ORO #3", 3, 6, ERROR_FILE_NOT_FOUND, 0, 0 },
		{ "empty option", 1, 14, ERROR_SUCCESS, 0, 0 },
		{ "absent", 1, SERVERID, ERROR_FILE_NOT_FOUND, 0, 0 },
		{ "instance 0", 0, 6, ERROR_INVALID_PARAMETER, 0, 0 },
	};

	(void)state;
	solicit(&pkt, false);
	opt(&pkt, 6, "\x00\x3b", 2);
	opt(&pkt, 14, NULL, 0);
	opt(&pkt, 6, "\x00\x17\x00\x18", 4);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		WORD len = 0xeeee;
		PVOID val = NULL;
		DWORD err;

		err = PxeDhcpv6GetOptionValue(pkt.b, (ULONG)pkt.len, t[i].instance,
					      t[i].code, &len, &val);
		if (err != t[i].want)
			fail_msg("%s: %u, want %u", t[i].name, err, t[i].want);
		if (err != ERROR_SUCCESS) {
			assert_int_equal(len, 0xeeee);
			continue;
		}
		assert_int_equal(len, t[i].len);
		assert_true((uint8_t *)val >= pkt.b + 8 && (uint8_t *)val <= pkt.b + pkt.len);
		if (len)
			assert_int_equal(((uint8_t *)val)[len > 1], t[i].first);
		assert_int_equal(PxeDhcpv6GetOptionValue(pkt.b, (ULONG)pkt.len, t[i].instance,
							 t[i].code, NULL, NULL), ERROR_SUCCESS);
	}
	/* light check, truncation */
	assert_int_equal(PxeDhcpv6GetOptionValue(pkt.b, 3, 1, CLIENTID, NULL, NULL),
			 ERROR_INVALID_DATA);
	assert_int_equal(PxeDhcpv6GetOptionValue(pkt.b, 0, 1, CLIENTID, NULL, NULL),
			 ERROR_INVALID_DATA);
	assert_int_equal(PxeDhcpv6GetOptionValue(pkt.b, 4, 1, CLIENTID, NULL, NULL),
			 ERROR_FILE_NOT_FOUND);
	assert_int_equal(PxeDhcpv6GetOptionValue(pkt.b, (ULONG)pkt.len - 1, 2, 6, NULL, NULL),
			 ERROR_FILE_NOT_FOUND);
	assert_int_equal(PxeDhcpv6GetOptionValue(pkt.b, (ULONG)pkt.len - 1, 1, 14, NULL, NULL),
			 ERROR_SUCCESS);
	assert_int_equal(PxeDhcpv6GetOptionValue(NULL, 100, 1, 1, NULL, NULL),
			 ERROR_INVALID_PARAMETER);

	/* a relay's own options only, not those of the message inside */
	wrap(&pkt, 1);
	assert_int_equal(PxeDhcpv6GetOptionValue(pkt.b, (ULONG)pkt.len, 1, CLIENTID, NULL, NULL),
			 ERROR_FILE_NOT_FOUND);
	assert_int_equal(PxeDhcpv6GetOptionValue(pkt.b, (ULONG)pkt.len, 1, IFACE_ID, NULL, NULL),
			 ERROR_SUCCESS);
	assert_int_equal(PxeDhcpv6GetOptionValue(pkt.b, 33, 1, IFACE_ID, NULL, NULL),
			 ERROR_INVALID_DATA);
}

static void
test_get_vendor_option(void **state)
{
	/* 17 for enterprise 311: 1="a", 2="bb", 1="ccc"; for 343: 1="x" */
	static const uint8_t e311a[] = "\x00\x00\x01\x37" "\x00\x01\x00\x01" "a"
				       "\x00\x02\x00\x02" "bb";
	static const uint8_t e343[] = "\x00\x00\x01\x57" "\x00\x01\x00\x01" "x";
	static const uint8_t e311b[] = "\x00\x00\x01\x37" "\x00\x01\x00\x03" "ccc"
				       "\x00\x05\x00\x09" "z"; /* truncated sub-option */
	static const struct {
		const char *name;
		DWORD ent;
		WORD code;
		ULONG instance;
		DWORD want;
		WORD len;
		char first;
	} t[] = {
		{ "311/1 #1", 311, 1, 1, ERROR_SUCCESS, 1, 'a' },
		{ "311/1 #2 (second 17)", 311, 1, 2, ERROR_SUCCESS, 3, 'c' },
		{ "311/1 #3", 311, 1, 3, ERROR_FILE_NOT_FOUND, 0, 0 },
		{ "311/2", 311, 2, 1, ERROR_SUCCESS, 2, 'b' },
		{ "343/1", 343, 1, 1, ERROR_SUCCESS, 1, 'x' },
		{ "343/2", 343, 2, 1, ERROR_FILE_NOT_FOUND, 0, 0 },
		{ "311/5 truncated", 311, 5, 1, ERROR_FILE_NOT_FOUND, 0, 0 },
		{ "other enterprise", 9, 1, 1, ERROR_FILE_NOT_FOUND, 0, 0 },
		{ "instance 0", 311, 1, 0, ERROR_INVALID_PARAMETER, 0, 0 },
	};

	(void)state;
	hdr(&pkt, REPLY);
	opt(&pkt, VENDOR_OPTS, e311a, sizeof(e311a) - 1);
	opt(&pkt, VENDOR_OPTS, "\x00\x00\x01", 3); /* too short for a number */
	opt(&pkt, VENDOR_OPTS, e343, sizeof(e343) - 1);
	opt(&pkt, VENDOR_OPTS, e311b, sizeof(e311b) - 1);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		WORD len = 0;
		PVOID val = NULL;
		DWORD err;

		err = PxeDhcpv6GetVendorOptionValue(pkt.b, (ULONG)pkt.len, t[i].ent, t[i].code,
						    t[i].instance, &len, &val);
		if (err != t[i].want)
			fail_msg("%s: %u, want %u", t[i].name, err, t[i].want);
		if (err != ERROR_SUCCESS)
			continue;
		assert_int_equal(len, t[i].len);
		assert_int_equal(*(char *)val, t[i].first);
		assert_int_equal(PxeDhcpv6GetVendorOptionValue(pkt.b, (ULONG)pkt.len, t[i].ent,
							       t[i].code, t[i].instance,
							       NULL, NULL), ERROR_SUCCESS);
	}
	assert_int_equal(PxeDhcpv6GetVendorOptionValue(pkt.b, 2, 311, 1, 1, NULL, NULL),
			 ERROR_INVALID_DATA);
	assert_int_equal(PxeDhcpv6GetVendorOptionValue(NULL, 100, 311, 1, 1, NULL, NULL),
			 ERROR_INVALID_PARAMETER);
}

/* ---- Relays ------------------------------------------------------------ */

static void
check_levels(const PXE_DHCPV6_NESTED_RELAY_MESSAGE *lv, ULONG n, const uint8_t *base,
	     size_t base_len)
{
	for (ULONG i = 0; i < n; i++) {
		const PXE_DHCPV6_RELAY_MESSAGE *r = lv[i].pRelayMessage;
		char want[16];

		assert_true((const uint8_t *)r >= base &&
			    (const uint8_t *)r + lv[i].cbRelayMessage <= base + base_len);
		assert_int_equal(r->MessageType, RELAY_FORW);
		assert_int_equal(r->HopCount, i);
		if (i == 0)
			assert_ptr_equal(r, base); /* index 0 is the packet itself */
		if (i % 2 == 0) {
			snprintf(want, sizeof(want), "if%u", i);
			assert_int_equal(lv[i].cbInterfaceIdOption, strlen(want));
			assert_memory_equal(lv[i].pInterfaceIdOption, want, strlen(want));
		} else {
			assert_null(lv[i].pInterfaceIdOption);
			assert_int_equal(lv[i].cbInterfaceIdOption, 0);
		}
	}
}

static void
test_parse_relay_forw(void **state)
{
	static const struct {
		unsigned int levels;
		DWORD want;
	} t[] = {
		{ 1, ERROR_SUCCESS }, { 2, ERROR_SUCCESS }, { 3, ERROR_SUCCESS },
		{ PXE_DHCPV6_RELAY_HOP_COUNT_LIMIT - 1, ERROR_SUCCESS },
		{ PXE_DHCPV6_RELAY_HOP_COUNT_LIMIT, ERROR_SUCCESS },
		{ PXE_DHCPV6_RELAY_HOP_COUNT_LIMIT + 1, ERROR_INVALID_DATA },
		{ PXE_DHCPV6_RELAY_HOP_COUNT_LIMIT + 5, ERROR_INVALID_DATA },
	};
	PXE_DHCPV6_NESTED_RELAY_MESSAGE lv[PXE_DHCPV6_RELAY_HOP_COUNT_LIMIT + 1];
	struct v6 inner;

	(void)state;
	solicit(&inner, true);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ULONG n = 0xdead, cb = 0;
		PBYTE in = NULL;
		DWORD err;

		memcpy(&pkt, &inner, sizeof(inner));
		wrap(&pkt, t[i].levels);
		err = PxeDhcpv6ParseRelayForw(pkt.b, (ULONG)pkt.len, lv,
					      PXE_DHCPV6_RELAY_HOP_COUNT_LIMIT + 1, &n, &in, &cb);
		if (err != t[i].want)
			fail_msg("%u levels: %u, want %u", t[i].levels, err, t[i].want);
		if (err != ERROR_SUCCESS)
			continue;
		assert_int_equal(n, t[i].levels);
		check_levels(lv, n, pkt.b, pkt.len);
		assert_int_equal(cb, inner.len);
		assert_memory_equal(in, inner.b, inner.len);
		assert_true(in > pkt.b && in + cb <= pkt.b + pkt.len);
	}

	/* array too small: the count needed, the array untouched */
	memcpy(&pkt, &inner, sizeof(inner));
	wrap(&pkt, 3);
	{
		ULONG n = 0;
		PBYTE in = NULL;

		memset(lv, 0xa5, sizeof(lv));
		assert_int_equal(PxeDhcpv6ParseRelayForw(pkt.b, (ULONG)pkt.len, lv, 2, &n, &in,
							 NULL), ERROR_INSUFFICIENT_BUFFER);
		assert_int_equal(n, 3);
		assert_null(in);
		assert_int_equal(((uint8_t *)lv)[0], 0xa5);
		/* a size query */
		n = 0;
		assert_int_equal(PxeDhcpv6ParseRelayForw(pkt.b, (ULONG)pkt.len, NULL, 0, &n, NULL,
							 NULL), ERROR_INSUFFICIENT_BUFFER);
		assert_int_equal(n, 3);
		/* exactly enough, optional out-parameters NULL */
		assert_int_equal(PxeDhcpv6ParseRelayForw(pkt.b, (ULONG)pkt.len, lv, 3, NULL, NULL,
							 NULL), ERROR_SUCCESS);
		check_levels(lv, 3, pkt.b, pkt.len);
		assert_int_equal(PxeDhcpv6ParseRelayForw(pkt.b, (ULONG)pkt.len, NULL, 3, &n, NULL,
							 NULL), ERROR_INVALID_PARAMETER);
		assert_int_equal(PxeDhcpv6ParseRelayForw(NULL, 100, lv, 3, &n, NULL, NULL),
				 ERROR_INVALID_PARAMETER);
	}

	/* malformed shapes */
	{
		static const struct {
			const char *name;
			enum shape s;
		} bad[] = {
			{ "not a relay", S_SOLICIT },
			{ "RELAY-REPL", S_RELAY_REPL_REPLY },
			{ "no Relay Message", S_RELAY_NO_MSG },
			{ "33 bytes", S_RELAY_SHORT },
			{ "empty", S_EMPTY },
		};

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			ULONG n;

			build(bad[i].s);
			if (PxeDhcpv6ParseRelayForw(pkt.b, (ULONG)pkt.len, lv, 33, &n, NULL, NULL) !=
			    ERROR_INVALID_DATA)
				fail_msg("%s: not ERROR_INVALID_DATA", bad[i].name);
		}
	}
	/* inner message too short for a header, or a server's RELAY-REPL */
	{
		ULONG n;

		hdr(&pkt, SOLICIT);
		pkt.len = 3;
		wrap(&pkt, 2);
		assert_int_equal(PxeDhcpv6ParseRelayForw(pkt.b, (ULONG)pkt.len, lv, 33, &n, NULL,
							 NULL), ERROR_INVALID_DATA);
		relay_hdr(&pkt, RELAY_REPL, 0);
		opt(&pkt, RELAY_MSG, "\x07\x00\x00\x01", 4);
		wrap(&pkt, 1);
		assert_int_equal(PxeDhcpv6ParseRelayForw(pkt.b, (ULONG)pkt.len, lv, 33, &n, NULL,
							 NULL), ERROR_INVALID_DATA);
		/* an option of the outer relay runs past its end */
		memcpy(&pkt, &inner, sizeof(inner));
		wrap(&pkt, 1);
		pkt.len--;
		assert_int_equal(PxeDhcpv6ParseRelayForw(pkt.b, (ULONG)pkt.len, lv, 33, &n, NULL,
							 NULL), ERROR_INVALID_DATA);
	}
}

/*
 * Answer a relayed SOLICIT: parse, build the inner ADVERTISE, wrap it, then
 * check the result layer by layer and parse it back.
 */
static void
round_trip(unsigned int levels)
{
	PXE_DHCPV6_NESTED_RELAY_MESSAGE lv[PXE_DHCPV6_RELAY_HOP_COUNT_LIMIT], back[PXE_DHCPV6_RELAY_HOP_COUNT_LIMIT];
	static struct v6 inner, flipped;
	static uint8_t out[8192];
	ULONG n, cb, used, outlen, need, n2, cb2;
	PBYTE in, in2;
	const uint8_t *cur;
	ULONG curlen;

	solicit(&pkt, true);
	wrap(&pkt, levels);
	assert_int_equal(PxeDhcpv6ParseRelayForw(pkt.b, (ULONG)pkt.len, lv, levels, &n, &in, &cb),
			 ERROR_SUCCESS);
	assert_int_equal(PxeDhcpv6Initialize(in, cb, inner.b, sizeof(inner.b), &used), ERROR_SUCCESS);
	assert_int_equal(inner.b[0], ADVERTISE);
	assert_int_equal(PxeDhcpv6AppendOption(inner.b, sizeof(inner.b), &used, SERVERID,
					       sizeof(duid_s), duid_s), ERROR_SUCCESS);
	assert_int_equal(PxeDhcpv6AppendOption(inner.b, sizeof(inner.b), &used, CLIENTID,
					       sizeof(duid_c), duid_c), ERROR_SUCCESS);
	assert_int_equal(PxeDhcpv6AppendOption(inner.b, sizeof(inner.b), &used, 59, 23,
					       "tftp://[2001:db8::1]/x"), ERROR_SUCCESS);
	inner.len = used;

	/* size query, then the real thing */
	need = 0;
	assert_int_equal(PxeDhcpv6CreateRelayRepl(lv, n, inner.b, used, NULL, 0, &need),
			 ERROR_INSUFFICIENT_BUFFER);
	memset(out, 0xa5, sizeof(out));
	assert_int_equal(PxeDhcpv6CreateRelayRepl(lv, n, inner.b, used, out, need - 1, &outlen),
			 ERROR_INSUFFICIENT_BUFFER);
	assert_int_equal(out[0], 0xa5);
	assert_int_equal(PxeDhcpv6CreateRelayRepl(lv, n, inner.b, used, out, need, &outlen),
			 ERROR_SUCCESS);
	assert_int_equal(outlen, need);
	assert_int_equal(out[need], 0xa5);
	assert_int_equal(PxeDhcpv6IsValid(out, outlen, FALSE, NULL), ERROR_SUCCESS);

	/* layer by layer: header from the RELAY-FORW, interface-id echoed */
	cur = out;
	curlen = outlen;
	for (ULONG i = 0; i < n; i++) {
		const PXE_DHCPV6_RELAY_MESSAGE *fw = lv[i].pRelayMessage;
		WORD len;
		PVOID val;

		assert_int_equal(cur[0], RELAY_REPL);
		assert_memory_equal(cur + 1, &fw->HopCount, 33);
		if (lv[i].pInterfaceIdOption) {
			assert_int_equal(PxeDhcpv6GetOptionValue(cur, curlen, 1, IFACE_ID, &len, &val),
					 ERROR_SUCCESS);
			assert_int_equal(len, lv[i].cbInterfaceIdOption);
			assert_memory_equal(val, lv[i].pInterfaceIdOption, len);
		} else {
			assert_int_equal(PxeDhcpv6GetOptionValue(cur, curlen, 1, IFACE_ID, &len, &val),
					 ERROR_FILE_NOT_FOUND);
		}
		assert_int_equal(PxeDhcpv6GetOptionValue(cur, curlen, 1, RELAY_MSG, &len, &val),
				 ERROR_SUCCESS);
		assert_ptr_equal((const uint8_t *)val + len, cur + curlen); /* nothing after */
		cur = val;
		curlen = len;
	}
	assert_int_equal(curlen, inner.len);
	assert_memory_equal(cur, inner.b, inner.len);

	/* parsed back (as RELAY-FORWs), it describes the same relays */
	memcpy(flipped.b, out, outlen);
	cur = flipped.b;
	for (ULONG i = 0; i < n; i++) {
		WORD len;
		PVOID val;

		flipped.b[cur - flipped.b] = RELAY_FORW;
		assert_int_equal(PxeDhcpv6GetOptionValue(cur, (ULONG)(outlen - (cur - flipped.b)), 1,
							 RELAY_MSG, &len, &val), ERROR_SUCCESS);
		cur = val;
	}
	assert_int_equal(PxeDhcpv6ParseRelayForw(flipped.b, outlen, back, levels, &n2, &in2, &cb2),
			 ERROR_SUCCESS);
	assert_int_equal(n2, n);
	for (ULONG i = 0; i < n; i++) {
		assert_memory_equal((uint8_t *)back[i].pRelayMessage + 1,
				    (uint8_t *)lv[i].pRelayMessage + 1, 33);
		assert_int_equal(back[i].cbInterfaceIdOption, lv[i].cbInterfaceIdOption);
		if (lv[i].pInterfaceIdOption)
			assert_memory_equal(back[i].pInterfaceIdOption, lv[i].pInterfaceIdOption,
					    lv[i].cbInterfaceIdOption);
		else
			assert_null(back[i].pInterfaceIdOption);
	}
	assert_int_equal(cb2, inner.len);
	assert_memory_equal(in2, inner.b, inner.len);

	/* in place: the inner reply already at the start of the output buffer */
	memcpy(out, inner.b, inner.len);
	assert_int_equal(PxeDhcpv6CreateRelayRepl(lv, n, out, (ULONG)inner.len, out, sizeof(out),
						  &used), ERROR_SUCCESS);
	assert_int_equal(used, outlen);
	assert_int_equal(PxeDhcpv6IsValid(out, used, FALSE, NULL), ERROR_SUCCESS);
	assert_memory_equal(out + used - inner.len, inner.b, inner.len);
}

static void
test_create_relay_repl(void **state)
{
	(void)state;
	round_trip(1);
	round_trip(2);
	round_trip(5);
	round_trip(PXE_DHCPV6_RELAY_HOP_COUNT_LIMIT);
}

static void
test_create_relay_repl_errors(void **state)
{
	PXE_DHCPV6_NESTED_RELAY_MESSAGE lv[PXE_DHCPV6_RELAY_HOP_COUNT_LIMIT + 1];
	static uint8_t out[70000], big[65600];
	ULONG n, cb, len;
	PBYTE in;

	(void)state;
	solicit(&pkt, false);
	wrap(&pkt, 2);
	assert_int_equal(PxeDhcpv6ParseRelayForw(pkt.b, (ULONG)pkt.len, lv, 2, &n, &in, &cb),
			 ERROR_SUCCESS);

	/* no relays: the inner message as is */
	assert_int_equal(PxeDhcpv6CreateRelayRepl(NULL, 0, in, cb, out, sizeof(out), &len),
			 ERROR_SUCCESS);
	assert_int_equal(len, cb);
	assert_memory_equal(out, in, cb);

	/* a 65535-byte inner fits one layer; 65536 does not */
	memset(big, 0, sizeof(big));
	big[0] = REPLY;
	assert_int_equal(PxeDhcpv6CreateRelayRepl(lv, 1, big, 65535, out, sizeof(out), &len),
			 ERROR_SUCCESS);
	assert_int_equal(len, 65535 + 34 + 4 + 4 + 3); /* level 0 has "if0" */
	assert_int_equal(PxeDhcpv6CreateRelayRepl(lv, 1, big, 65536, out, sizeof(out), &len),
			 ERROR_INVALID_PARAMETER);
	/* ... nor does a middle layer over 65535 */
	assert_int_equal(PxeDhcpv6CreateRelayRepl(lv, 2, big, 65535 - 30, out, sizeof(out), &len),
			 ERROR_INVALID_PARAMETER);

	assert_int_equal(PxeDhcpv6CreateRelayRepl(lv, 2, in, cb, out, sizeof(out), NULL),
			 ERROR_INVALID_PARAMETER);
	assert_int_equal(PxeDhcpv6CreateRelayRepl(NULL, 2, in, cb, out, sizeof(out), &len),
			 ERROR_INVALID_PARAMETER);
	assert_int_equal(PxeDhcpv6CreateRelayRepl(lv, 2, NULL, cb, out, sizeof(out), &len),
			 ERROR_INVALID_PARAMETER);
	assert_int_equal(PxeDhcpv6CreateRelayRepl(lv, 2, in, cb, NULL, sizeof(out), &len),
			 ERROR_INVALID_PARAMETER);
	for (int i = 2; i <= PXE_DHCPV6_RELAY_HOP_COUNT_LIMIT; i++)
		lv[i] = lv[1];
	assert_int_equal(PxeDhcpv6CreateRelayRepl(lv, PXE_DHCPV6_RELAY_HOP_COUNT_LIMIT + 1, in, cb,
						  out, sizeof(out), &len), ERROR_INVALID_PARAMETER);

	/* entries that are not a RELAY-FORW's */
	{
		PXE_DHCPV6_NESTED_RELAY_MESSAGE bad = lv[1];
		static uint8_t repl[40];

		bad.pRelayMessage = NULL;
		assert_int_equal(PxeDhcpv6CreateRelayRepl(&bad, 1, in, cb, out, sizeof(out), &len),
				 ERROR_INVALID_PARAMETER);
		bad = lv[1];
		bad.cbRelayMessage = 33;
		assert_int_equal(PxeDhcpv6CreateRelayRepl(&bad, 1, in, cb, out, sizeof(out), &len),
				 ERROR_INVALID_PARAMETER);
		bad = lv[1];
		repl[0] = RELAY_REPL;
		bad.pRelayMessage = (PPXE_DHCPV6_RELAY_MESSAGE)repl;
		assert_int_equal(PxeDhcpv6CreateRelayRepl(&bad, 1, in, cb, out, sizeof(out), &len),
				 ERROR_INVALID_PARAMETER);
		bad = lv[1];
		bad.cbInterfaceIdOption = 4;
		assert_int_equal(PxeDhcpv6CreateRelayRepl(&bad, 1, in, cb, out, sizeof(out), &len),
				 ERROR_INVALID_PARAMETER);
		/* a present but empty interface-id is echoed empty */
		bad = lv[1];
		bad.pInterfaceIdOption = repl;
		assert_int_equal(PxeDhcpv6CreateRelayRepl(&bad, 1, in, cb, out, sizeof(out), &len),
				 ERROR_SUCCESS);
		assert_int_equal(len, 34 + 4 + 4 + cb);
		assert_memory_equal(out + 34, "\x00\x12\x00\x00\x00\x09", 6);
	}
}

/* ---- Bounds: exact-size heap copies (ASan catches any overread) -------- */

static void
poke_all(const uint8_t *src, size_t len)
{
	PXE_DHCPV6_NESTED_RELAY_MESSAGE lv[PXE_DHCPV6_RELAY_HOP_COUNT_LIMIT];
	static uint8_t reply[70000];
	uint8_t *p = malloc(len ? len : 1);
	ULONG n, cb, used;
	PBYTE in;
	WORD l;
	PVOID v;
	BOOL pxe;

	assert_non_null(p);
	memcpy(p, src, len);
	(void)PxeDhcpv6IsValid(p, (ULONG)len, TRUE, &pxe);
	(void)PxeDhcpv6IsValid(p, (ULONG)len, FALSE, NULL);
	for (WORD code = 0; code < 20; code++) {
		for (ULONG inst = 1; inst <= 3; inst++) {
			if (PxeDhcpv6GetOptionValue(p, (ULONG)len, inst, code, &l, &v) == 0)
				assert_true((uint8_t *)v + l <= p + len);
			if (PxeDhcpv6GetVendorOptionValue(p, (ULONG)len, 311, code, inst, &l, &v) == 0)
				assert_true((uint8_t *)v + l <= p + len);
		}
	}
	(void)PxeDhcpv6Initialize(p, (ULONG)len, reply, sizeof(reply), &used);
	if (PxeDhcpv6ParseRelayForw(p, (ULONG)len, lv, PXE_DHCPV6_RELAY_HOP_COUNT_LIMIT, &n, &in,
				    &cb) == 0) {
		assert_true(in + cb <= p + len);
		for (ULONG i = 0; i < n; i++)
			assert_true((uint8_t *)lv[i].pRelayMessage + lv[i].cbRelayMessage <= p + len);
		assert_int_equal(PxeDhcpv6CreateRelayRepl(lv, n, in, cb, reply, sizeof(reply), &used),
				 ERROR_SUCCESS);
	}
	free(p);
}

static void
test_bounds(void **state)
{
	static struct v6 shapes[3];
	uint32_t rng = 777;

	(void)state;
	solicit(&shapes[0], true);
	opt(&shapes[0], VENDOR_OPTS, "\x00\x00\x01\x37\x00\x01\x00\x01" "a", 9);
	solicit(&shapes[1], true);
	wrap(&shapes[1], 3);
	build(S_RELAY_REPL_REPLY);
	shapes[2] = pkt;

	for (size_t s = 0; s < 3; s++)
		for (size_t len = 0; len <= shapes[s].len; len++)
			poke_all(shapes[s].b, len);
	for (int i = 0; i < 3000; i++) {
		pkt = shapes[i % 3];
		for (int k = 0; k < 3; k++) {
			rng = rng * 1103515245u + 12345u;
			pkt.b[(rng >> 8) % pkt.len] = (uint8_t)(rng >> 20);
		}
		poke_all(pkt.b, pkt.len);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_initialize),
		cmocka_unit_test(test_append),
		cmocka_unit_test(test_is_valid),
		cmocka_unit_test(test_get_option),
		cmocka_unit_test(test_get_vendor_option),
		cmocka_unit_test(test_parse_relay_forw),
		cmocka_unit_test(test_create_relay_repl),
		cmocka_unit_test(test_create_relay_repl_errors),
		cmocka_unit_test(test_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
