/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * WDS DHCPv4 packet helpers: PxeDhcpInitialize, PxeDhcpAppendOption[Raw],
 * PxeDhcpIsValid, PxeDhcpGetOptionValue, PxeDhcpGetVendorOptionValue.
 *
 * They work on raw BOOTP bytes at the offsets of PXE_DHCP_MESSAGE, hold no
 * state, and never read or write outside the lengths they are given. lib/dhcp
 * is not reused for the walking itself: its parser joins split options
 * (RFC 3396) into scratch space, while these functions must return the n-th
 * instance as it lies in the caller's packet and apply WDS's own validity
 * rules.
 */
#include <stdbool.h>
#include <string.h>

#include "wds_internal.h"

#define OPT_OFF DPXE_DHCP_OPTIONS_OFF

static bool
cookie_ok(const uint8_t *p)
{
	return dpxe_load_be32(p + DPXE_BOOTP_COOKIE) == DPXE_DHCP_MAGIC_COOKIE;
}

DWORD PXEAPI
PxeDhcpInitialize(LPCVOID pRecvPacket, ULONG uRecvPacketLen, PVOID pReplyPacket,
		  ULONG uMaxReplyPacketLen, PULONG puReplyPacketLen)
{
	uint8_t req[OPT_OFF];
	uint8_t *out = pReplyPacket;

	if (!pRecvPacket || !pReplyPacket || !puReplyPacketLen)
		return ERROR_INVALID_PARAMETER;
	if (uRecvPacketLen < OPT_OFF)
		return ERROR_INVALID_DATA;
	if (uMaxReplyPacketLen < OPT_OFF)
		return ERROR_INSUFFICIENT_BUFFER;

	/* Copy first: the request and the reply may be the same buffer. */
	memcpy(req, pRecvPacket, sizeof(req));
	memset(out, 0, uMaxReplyPacketLen);
	out[DPXE_BOOTP_OP] = DPXE_BOOTP_REPLY;
	out[DPXE_BOOTP_HTYPE] = req[DPXE_BOOTP_HTYPE];
	out[DPXE_BOOTP_HLEN] = req[DPXE_BOOTP_HLEN];
	/* hops and flags stay zero: WDS does not copy them */
	memcpy(out + DPXE_BOOTP_XID, req + DPXE_BOOTP_XID, 4);
	memcpy(out + DPXE_BOOTP_SECS, req + DPXE_BOOTP_SECS, 2);
	/* ciaddr, yiaddr, siaddr, giaddr, chaddr are contiguous */
	memcpy(out + DPXE_BOOTP_CIADDR, req + DPXE_BOOTP_CIADDR,
	       DPXE_BOOTP_SNAME - DPXE_BOOTP_CIADDR);
	memcpy(out + DPXE_BOOTP_COOKIE, req + DPXE_BOOTP_COOKIE,
	       PXE_DHCP_MAGIC_COOKIE_SIZE);
	*puReplyPacketLen = OPT_OFF;
	return ERROR_SUCCESS;
}

/* Shared by both Append functions: may n bytes go at *len? */
static DWORD
append_check(const void *pkt, ULONG cap, const ULONG *len, size_t n,
	     const void *val)
{
	if (!pkt || !len)
		return ERROR_INVALID_PARAMETER;
	if (*len < OPT_OFF || *len > cap)
		return ERROR_INVALID_PARAMETER;
	if (!val && n > 0)
		return ERROR_INVALID_PARAMETER;
	return ERROR_SUCCESS;
}

DWORD PXEAPI
PxeDhcpAppendOption(PVOID pReplyPacket, ULONG uMaxReplyPacketLen,
		    PULONG puReplyPacketLen, BYTE bOption, BYTE bOptionLen,
		    LPCVOID pValue)
{
	uint8_t *out = pReplyPacket;
	bool single = bOption == DPXE_OPT_PAD || bOption == DPXE_OPT_END;
	size_t vlen = single ? 0 : bOptionLen;
	size_t need = single ? 1 : 2 + vlen;
	DWORD err;

	err = append_check(pReplyPacket, uMaxReplyPacketLen, puReplyPacketLen,
			   vlen, pValue);
	if (err != ERROR_SUCCESS)
		return err;
	if (need > uMaxReplyPacketLen - *puReplyPacketLen)
		return ERROR_INSUFFICIENT_BUFFER;

	out += *puReplyPacketLen;
	out[0] = bOption;
	if (!single) {
		out[1] = bOptionLen;
		if (vlen)
			memmove(out + 2, pValue, vlen);
	}
	*puReplyPacketLen += (ULONG)need;
	return ERROR_SUCCESS;
}

DWORD PXEAPI
PxeDhcpAppendOptionRaw(PVOID pReplyPacket, ULONG uMaxReplyPacketLen,
		       PULONG puReplyPacketLen, USHORT uBufferLen, LPCVOID pBuffer)
{
	DWORD err;

	err = append_check(pReplyPacket, uMaxReplyPacketLen, puReplyPacketLen,
			   uBufferLen, pBuffer);
	if (err != ERROR_SUCCESS)
		return err;
	if (uBufferLen > uMaxReplyPacketLen - *puReplyPacketLen)
		return ERROR_INSUFFICIENT_BUFFER;
	if (uBufferLen)
		memmove((uint8_t *)pReplyPacket + *puReplyPacketLen, pBuffer,
			uBufferLen);
	*puReplyPacketLen += uBufferLen;
	return ERROR_SUCCESS;
}

/* ---- PxeDhcpIsValid --------------------------------------------------- */

/* First instances of the options validity depends on. */
struct v4_seen {
	const uint8_t *v53, *v52, *v60;
	uint8_t l53, l52, l60;
};

static void
seen_note(struct v4_seen *s, uint8_t code, uint8_t len, const uint8_t *val,
	  bool options_field)
{
	if (code == DPXE_OPT_MSG_TYPE && !s->v53) {
		s->v53 = val;
		s->l53 = len;
	} else if (code == DPXE_OPT_OVERLOAD && options_field && !s->v52) {
		/* RFC 2131: option 52 only counts in the options field */
		s->v52 = val;
		s->l52 = len;
	} else if (code == DPXE_OPT_VENDOR_CLASS && !s->v60) {
		s->v60 = val;
		s->l60 = len;
	}
}

/*
 * Walk an option area strictly: every option inside it, an End, then only
 * Pad. @return true when well-formed.
 */
static bool
strict_walk(const uint8_t *p, size_t len, struct v4_seen *s, bool options_field)
{
	size_t pos = 0;

	while (pos < len) {
		uint8_t code = p[pos];

		if (code == DPXE_OPT_PAD) {
			pos++;
			continue;
		}
		if (code == DPXE_OPT_END) {
			for (pos++; pos < len; pos++)
				if (p[pos] != DPXE_OPT_PAD)
					return false; /* an option after End */
			return true;
		}
		if (len - pos < 2 || len - pos - 2 < p[pos + 1])
			return false; /* runs past the end */
		seen_note(s, code, p[pos + 1], p + pos + 2, options_field);
		pos += 2 + (size_t)p[pos + 1];
	}
	return false; /* no End */
}

static bool
nul_terminated(const uint8_t *p, size_t len)
{
	return memchr(p, 0, len) != NULL;
}

DWORD PXEAPI
PxeDhcpIsValid(LPCVOID pPacket, ULONG uPacketLen, BOOL bRequestPacket,
	       PBOOL pbPxeOptionPresent)
{
	const uint8_t *p = pPacket;
	struct v4_seen s = { 0 };
	uint8_t overload = 0;

	if (pbPxeOptionPresent)
		*pbPxeOptionPresent = FALSE;
	if (!p)
		return ERROR_INVALID_PARAMETER;
	if (uPacketLen < OPT_OFF)
		return ERROR_INVALID_DATA;
	if (p[DPXE_BOOTP_OP] != (bRequestPacket ? DPXE_BOOTP_REQUEST : DPXE_BOOTP_REPLY))
		return ERROR_INVALID_DATA;
	if (p[DPXE_BOOTP_HLEN] > PXE_DHCP_HWAADR_SIZE)
		return ERROR_INVALID_DATA;
	if (!cookie_ok(p))
		return ERROR_INVALID_DATA;
	if (!strict_walk(p + OPT_OFF, uPacketLen - OPT_OFF, &s, true))
		return ERROR_INVALID_DATA;

	if (s.v52) {
		if (s.l52 != 1 || s.v52[0] < 1 || s.v52[0] > 3)
			return ERROR_INVALID_DATA;
		overload = s.v52[0];
	}
	/* An overloaded field holds options, otherwise a string. */
	if (overload & DPXE_OVERLOAD_FILE) {
		if (!strict_walk(p + DPXE_BOOTP_FILE, DPXE_BOOTP_FILE_LEN, &s, false))
			return ERROR_INVALID_DATA;
	} else if (!nul_terminated(p + DPXE_BOOTP_FILE, DPXE_BOOTP_FILE_LEN)) {
		return ERROR_INVALID_DATA;
	}
	if (overload & DPXE_OVERLOAD_SNAME) {
		if (!strict_walk(p + DPXE_BOOTP_SNAME, DPXE_BOOTP_SNAME_LEN, &s, false))
			return ERROR_INVALID_DATA;
	} else if (!nul_terminated(p + DPXE_BOOTP_SNAME, DPXE_BOOTP_SNAME_LEN)) {
		return ERROR_INVALID_DATA;
	}

	if (!s.v53 || s.l53 != 1)
		return ERROR_INVALID_DATA;
	if (pbPxeOptionPresent && s.v60 && s.l60 >= WDS_PXECLIENT_LEN &&
	    memcmp(s.v60, WDS_PXECLIENT, WDS_PXECLIENT_LEN) == 0)
		*pbPxeOptionPresent = TRUE;
	return ERROR_SUCCESS;
}

/* ---- Option lookup ---------------------------------------------------- */

/*
 * Iterates over options in the order a client reads them: the options
 * field, then file and sname when option 52 (seen in the options field)
 * says so. Stops for good at a truncated option.
 */
struct opt_iter {
	const uint8_t *pkt;
	size_t pos, end;
	int area; /* 0 options, 1 file, 2 sname, 3 done */
	uint8_t overload;
};

static void
iter_init(struct opt_iter *it, const uint8_t *pkt, size_t len)
{
	it->pkt = pkt;
	it->pos = OPT_OFF;
	it->end = len;
	it->area = 0;
	it->overload = 0;
}

/* Move to the next overloaded area; false when there is none. */
static bool
iter_next_area(struct opt_iter *it)
{
	while (++it->area < 3) {
		if (it->area == 1 && (it->overload & DPXE_OVERLOAD_FILE)) {
			it->pos = DPXE_BOOTP_FILE;
			it->end = DPXE_BOOTP_FILE + DPXE_BOOTP_FILE_LEN;
			return true;
		}
		if (it->area == 2 && (it->overload & DPXE_OVERLOAD_SNAME)) {
			it->pos = DPXE_BOOTP_SNAME;
			it->end = DPXE_BOOTP_SNAME + DPXE_BOOTP_SNAME_LEN;
			return true;
		}
	}
	return false;
}

static bool
iter_next(struct opt_iter *it, uint8_t *code, uint8_t *len, const uint8_t **val)
{
	const uint8_t *p = it->pkt;

	while (it->area < 3) {
		if (it->pos >= it->end || p[it->pos] == DPXE_OPT_END) {
			if (!iter_next_area(it))
				break;
			continue;
		}
		if (p[it->pos] == DPXE_OPT_PAD) {
			it->pos++;
			continue;
		}
		if (it->end - it->pos < 2 || it->end - it->pos - 2 < p[it->pos + 1])
			break; /* truncated: trust nothing after it */
		*code = p[it->pos];
		*len = p[it->pos + 1];
		*val = p + it->pos + 2;
		it->pos += 2 + (size_t)*len;
		if (it->area == 0 && *code == DPXE_OPT_OVERLOAD && *len == 1 &&
		    it->overload == 0 && (*val)[0] >= 1 && (*val)[0] <= 3)
			it->overload = (*val)[0];
		return true;
	}
	it->area = 3;
	return false;
}

static DWORD
lookup_check(const uint8_t *p, ULONG len, ULONG instance, BYTE code)
{
	if (!p || instance == 0 || code == DPXE_OPT_PAD || code == DPXE_OPT_END)
		return ERROR_INVALID_PARAMETER;
	if (len < OPT_OFF || !cookie_ok(p))
		return ERROR_INVALID_DATA;
	return ERROR_SUCCESS;
}

static DWORD
found(uint8_t len, const uint8_t *val, PBYTE pbOptionLen, PVOID *ppOptionValue)
{
	if (pbOptionLen)
		*pbOptionLen = len;
	if (ppOptionValue)
		*ppOptionValue = (PVOID)(uintptr_t)val; /* into the caller's packet */
	return ERROR_SUCCESS;
}

DWORD PXEAPI
PxeDhcpGetOptionValue(LPCVOID pPacket, ULONG uPacketLen, ULONG uInstance,
		      BYTE bOption, PBYTE pbOptionLen, PVOID *ppOptionValue)
{
	struct opt_iter it;
	const uint8_t *val;
	uint8_t code, len;
	DWORD err;

	err = lookup_check(pPacket, uPacketLen, uInstance, bOption);
	if (err != ERROR_SUCCESS)
		return err;
	iter_init(&it, pPacket, uPacketLen);
	while (iter_next(&it, &code, &len, &val))
		if (code == bOption && --uInstance == 0)
			return found(len, val, pbOptionLen, ppOptionValue);
	return ERROR_FILE_NOT_FOUND;
}

DWORD PXEAPI
PxeDhcpGetVendorOptionValue(LPCVOID pPacket, ULONG uPacketLen, BYTE bOption,
			    ULONG uInstance, PBYTE pbOptionLen,
			    PVOID *ppOptionValue)
{
	struct opt_iter it;
	const uint8_t *val;
	uint8_t code, len;
	DWORD err;

	err = lookup_check(pPacket, uPacketLen, uInstance, bOption);
	if (err != ERROR_SUCCESS)
		return err;
	iter_init(&it, pPacket, uPacketLen);
	while (iter_next(&it, &code, &len, &val)) {
		size_t pos = 0;

		if (code != DPXE_OPT_VENDOR)
			continue;
		/* Sub-options use the same code/length/End encoding. */
		while (pos < len && val[pos] != DPXE_OPT_END) {
			uint8_t sub = val[pos];
			uint8_t slen;

			if (sub == DPXE_OPT_PAD) {
				pos++;
				continue;
			}
			if (len - pos < 2 || len - pos - 2u < val[pos + 1])
				break; /* truncated: the rest of this 43 is unusable */
			slen = val[pos + 1];
			if (sub == bOption && --uInstance == 0)
				return found(slen, val + pos + 2, pbOptionLen,
					     ppOptionValue);
			pos += 2 + (size_t)slen;
		}
	}
	return ERROR_FILE_NOT_FOUND;
}
