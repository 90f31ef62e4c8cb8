/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * WDS DHCPv6 packet helpers (the PxeDhcpv6* functions, Windows 8 and later):
 * reply skeletons, option append and lookup, validity, and the relay
 * unwrapping and re-wrapping a server needs to answer through relay agents
 * (RFC 8415 sections 9, 19).
 *
 * Option codes and lengths are host-order numbers at the API and big-endian
 * on the wire. Nothing here reads or writes outside the lengths given.
 */
#include <stdbool.h>
#include <string.h>

#include "wds_internal.h"

/* One option at *pos in [p, p + len): 1 and advanced, 0 at the end, -1 bad. */
static int
v6_next(const uint8_t *p, size_t len, size_t *pos, uint16_t *code,
	uint16_t *olen, const uint8_t **val)
{
	size_t at = *pos;

	if (at >= len)
		return 0;
	if (len - at < WDS_V6_OPT_HDR_LEN)
		return -1;
	*code = dpxe_load_be16(p + at);
	*olen = dpxe_load_be16(p + at + 2);
	if (len - at - WDS_V6_OPT_HDR_LEN < *olen)
		return -1;
	*val = p + at + WDS_V6_OPT_HDR_LEN;
	*pos = at + WDS_V6_OPT_HDR_LEN + *olen;
	return 1;
}

/* Reply type for a request type, 0 when a server does not answer it. */
static uint8_t
v6_reply_type(uint8_t type)
{
	switch (type) {
	case WDS_V6_SOLICIT:
		return WDS_V6_ADVERTISE;
	case WDS_V6_REQUEST:
	case WDS_V6_CONFIRM:
	case WDS_V6_RENEW:
	case WDS_V6_REBIND:
	case WDS_V6_RELEASE:
	case WDS_V6_DECLINE:
	case WDS_V6_INFORMATION_REQUEST:
		return WDS_V6_REPLY;
	case WDS_V6_RELAY_FORW:
		return WDS_V6_RELAY_REPL;
	default:
		return 0;
	}
}

DWORD PXEAPI
PxeDhcpv6Initialize(LPCVOID pRequest, ULONG cbRequest, PVOID pReply,
		    ULONG cbReply, PULONG pcbReplyUsed)
{
	const uint8_t *req = pRequest;
	uint8_t hdr[WDS_V6_RELAY_HDR_LEN];
	uint8_t *out = pReply;
	uint8_t type;
	size_t hlen;

	if (!req || !out || !pcbReplyUsed)
		return ERROR_INVALID_PARAMETER;
	if (cbRequest < 1)
		return ERROR_INVALID_DATA;
	type = v6_reply_type(req[0]);
	hlen = wds_v6_header_len(req[0]);
	if (type == 0 || cbRequest < hlen)
		return ERROR_INVALID_DATA;
	if (cbReply < hlen)
		return ERROR_INSUFFICIENT_BUFFER;

	memcpy(hdr, req, hlen); /* the two buffers may be the same */
	memset(out, 0, cbReply);
	out[0] = type;
	memcpy(out + 1, hdr + 1, hlen - 1); /* xid, or hop count + addresses */
	*pcbReplyUsed = (ULONG)hlen;
	return ERROR_SUCCESS;
}

static DWORD
v6_append_check(const uint8_t *pkt, ULONG cap, const ULONG *used, size_t n,
		const void *val)
{
	if (!pkt || !used || (!val && n > 0))
		return ERROR_INVALID_PARAMETER;
	if (*used > cap || *used < 1 || *used < wds_v6_header_len(pkt[0]))
		return ERROR_INVALID_PARAMETER;
	return ERROR_SUCCESS;
}

DWORD PXEAPI
PxeDhcpv6AppendOption(PVOID pReply, ULONG cbReply, PULONG pcbReplyUsed,
		      WORD wOptionType, WORD cbOption, LPCVOID pOption)
{
	uint8_t *out = pReply;
	DWORD err;

	err = v6_append_check(out, cbReply, pcbReplyUsed, cbOption, pOption);
	if (err != ERROR_SUCCESS)
		return err;
	if ((size_t)WDS_V6_OPT_HDR_LEN + cbOption > cbReply - *pcbReplyUsed)
		return ERROR_INSUFFICIENT_BUFFER;
	out += *pcbReplyUsed;
	dpxe_store_be16(out, wOptionType);
	dpxe_store_be16(out + 2, cbOption);
	if (cbOption)
		memmove(out + WDS_V6_OPT_HDR_LEN, pOption, cbOption);
	*pcbReplyUsed += WDS_V6_OPT_HDR_LEN + (ULONG)cbOption;
	return ERROR_SUCCESS;
}

DWORD PXEAPI
PxeDhcpv6AppendOptionRaw(PVOID pReply, ULONG cbReply, PULONG pcbReplyUsed,
			 USHORT cbBuffer, LPCVOID pBuffer)
{
	DWORD err;

	err = v6_append_check(pReply, cbReply, pcbReplyUsed, cbBuffer, pBuffer);
	if (err != ERROR_SUCCESS)
		return err;
	if (cbBuffer > cbReply - *pcbReplyUsed)
		return ERROR_INSUFFICIENT_BUFFER;
	if (cbBuffer)
		memmove((uint8_t *)pReply + *pcbReplyUsed, pBuffer, cbBuffer);
	*pcbReplyUsed += cbBuffer;
	return ERROR_SUCCESS;
}

/* ---- PxeDhcpv6IsValid ------------------------------------------------- */

static bool
v6_client_type(uint8_t t)
{
	return v6_reply_type(t) != 0; /* everything a server answers */
}

static bool
v6_server_type(uint8_t t)
{
	return t == WDS_V6_ADVERTISE || t == WDS_V6_REPLY ||
	       t == WDS_V6_RECONFIGURE || t == WDS_V6_RELAY_REPL;
}

/* Vendor Class (16): enterprise(4), then (length(2), data) entries. */
static bool
vendor_class_is_pxe(const uint8_t *v, size_t len)
{
	size_t pos = 4;

	if (len < 4)
		return false;
	while (len - pos >= 2) {
		size_t n = dpxe_load_be16(v + pos);

		pos += 2;
		if (n > len - pos)
			return false;
		if (n >= WDS_PXECLIENT_LEN &&
		    memcmp(v + pos, WDS_PXECLIENT, WDS_PXECLIENT_LEN) == 0)
			return true;
		pos += n;
	}
	return false;
}

#define NEED_CID 1 /* Client Identifier required */
#define NEED_SID 2 /* Server Identifier required */
#define DENY_SID 4 /* Server Identifier forbidden */

/* RFC 8415 section 16: which identifiers each message must (not) carry. */
static unsigned int
v6_id_rules(uint8_t type)
{
	switch (type) {
	case WDS_V6_SOLICIT:
	case WDS_V6_CONFIRM:
	case WDS_V6_REBIND:
		return NEED_CID | DENY_SID;
	case WDS_V6_REQUEST:
	case WDS_V6_RENEW:
	case WDS_V6_RELEASE:
	case WDS_V6_DECLINE:
	case WDS_V6_ADVERTISE:
	case WDS_V6_RECONFIGURE:
		return NEED_CID | NEED_SID;
	case WDS_V6_REPLY:
		return NEED_SID;
	default: /* INFORMATION-REQUEST, relays */
		return 0;
	}
}

static bool
v6_valid(const uint8_t *p, size_t len, bool request, unsigned int depth,
	 bool *pxe)
{
	const uint8_t *val, *relay = NULL;
	uint16_t code, olen, relay_len = 0;
	bool cid = false, sid = false;
	unsigned int rules;
	size_t pos;
	int r;

	if (len < 1)
		return false;
	if (request ? !v6_client_type(p[0]) : !v6_server_type(p[0]))
		return false;
	pos = wds_v6_header_len(p[0]);
	if (len < pos)
		return false;
	*pxe = false;
	while ((r = v6_next(p, len, &pos, &code, &olen, &val)) > 0) {
		if (code == WDS_V6_OPT_CLIENTID) {
			cid = true;
		} else if (code == WDS_V6_OPT_SERVERID) {
			sid = true;
		} else if (code == WDS_V6_OPT_RELAY_MSG) {
			if (relay)
				return false; /* exactly one per relay message */
			relay = val;
			relay_len = olen;
		} else if (code == WDS_V6_OPT_VENDOR_CLASS && !*pxe) {
			*pxe = vendor_class_is_pxe(val, olen);
		}
	}
	if (r < 0)
		return false;

	if (wds_v6_is_relay(p[0])) {
		if (!relay || depth >= PXE_DHCPV6_RELAY_HOP_COUNT_LIMIT)
			return false;
		/* *pxe describes the innermost message, the client's */
		return v6_valid(relay, relay_len, request, depth + 1, pxe);
	}
	if (relay)
		return false; /* Relay Message only in relay messages */
	rules = v6_id_rules(p[0]);
	if (((rules & NEED_CID) && !cid) || ((rules & NEED_SID) && !sid) ||
	    ((rules & DENY_SID) && sid))
		return false;
	return true;
}

DWORD PXEAPI
PxeDhcpv6IsValid(LPCVOID pPacket, ULONG uPacketLen, BOOL bRequestPacket,
		 PBOOL pbPxeOptionPresent)
{
	bool pxe = false;

	if (pbPxeOptionPresent)
		*pbPxeOptionPresent = FALSE;
	if (!pPacket)
		return ERROR_INVALID_PARAMETER;
	if (!v6_valid(pPacket, uPacketLen, bRequestPacket != FALSE, 0, &pxe))
		return ERROR_INVALID_DATA;
	if (pbPxeOptionPresent && pxe)
		*pbPxeOptionPresent = TRUE;
	return ERROR_SUCCESS;
}

/* ---- Option lookup ---------------------------------------------------- */

static DWORD
v6_lookup_check(const uint8_t *p, ULONG len, ULONG instance)
{
	if (!p || instance == 0)
		return ERROR_INVALID_PARAMETER;
	if (len < 1 || len < wds_v6_header_len(p[0]))
		return ERROR_INVALID_DATA;
	return ERROR_SUCCESS;
}

static DWORD
v6_found(uint16_t len, const uint8_t *val, PWORD pwOptionLen,
	 PVOID *ppOptionValue)
{
	if (pwOptionLen)
		*pwOptionLen = len;
	if (ppOptionValue)
		*ppOptionValue = (PVOID)(uintptr_t)val; /* into the caller's packet */
	return ERROR_SUCCESS;
}

DWORD PXEAPI
PxeDhcpv6GetOptionValue(LPCVOID pPacket, ULONG uPacketLen, ULONG uInstance,
			WORD wOption, PWORD pwOptionLen, PVOID *ppOptionValue)
{
	const uint8_t *p = pPacket, *val;
	uint16_t code, olen;
	size_t pos;
	DWORD err;

	err = v6_lookup_check(p, uPacketLen, uInstance);
	if (err != ERROR_SUCCESS)
		return err;
	pos = wds_v6_header_len(p[0]);
	while (v6_next(p, uPacketLen, &pos, &code, &olen, &val) > 0)
		if (code == wOption && --uInstance == 0)
			return v6_found(olen, val, pwOptionLen, ppOptionValue);
	return ERROR_FILE_NOT_FOUND;
}

DWORD PXEAPI
PxeDhcpv6GetVendorOptionValue(LPCVOID pPacket, ULONG uPacketLen,
			      DWORD dwEnterpriseNumber, WORD wOption,
			      ULONG uInstance, PWORD pwOptionLen,
			      PVOID *ppOptionValue)
{
	const uint8_t *p = pPacket, *val, *sval;
	uint16_t code, olen, scode, slen;
	size_t pos, spos;
	DWORD err;

	err = v6_lookup_check(p, uPacketLen, uInstance);
	if (err != ERROR_SUCCESS)
		return err;
	pos = wds_v6_header_len(p[0]);
	while (v6_next(p, uPacketLen, &pos, &code, &olen, &val) > 0) {
		/* Vendor-specific Information: enterprise(4), sub-options */
		if (code != WDS_V6_OPT_VENDOR_OPTS || olen < 4 ||
		    dpxe_load_be32(val) != dwEnterpriseNumber)
			continue;
		spos = 4;
		while (v6_next(val, olen, &spos, &scode, &slen, &sval) > 0)
			if (scode == wOption && --uInstance == 0)
				return v6_found(slen, sval, pwOptionLen,
						ppOptionValue);
	}
	return ERROR_FILE_NOT_FOUND;
}

/* ---- Relays ----------------------------------------------------------- */

DWORD PXEAPI
PxeDhcpv6ParseRelayForw(LPCVOID pRelayForwPacket, ULONG uRelayForwPacketLen,
			PPXE_DHCPV6_NESTED_RELAY_MESSAGE pRelayMessages,
			ULONG nRelayMessages, PULONG pnRelayMessages,
			PBYTE *ppInnerPacket, PULONG pcbInnerPacket)
{
	PXE_DHCPV6_NESTED_RELAY_MESSAGE lv[PXE_DHCPV6_RELAY_HOP_COUNT_LIMIT];
	const uint8_t *cur = pRelayForwPacket;
	size_t len = uRelayForwPacketLen;
	ULONG n = 0;

	if (!cur || (!pRelayMessages && nRelayMessages > 0))
		return ERROR_INVALID_PARAMETER;
	if (len < 1 || cur[0] != WDS_V6_RELAY_FORW)
		return ERROR_INVALID_DATA;

	while (len >= 1 && cur[0] == WDS_V6_RELAY_FORW) {
		const uint8_t *val, *inner = NULL, *ifid = NULL;
		uint16_t code, olen, inner_len = 0, ifid_len = 0;
		size_t pos = WDS_V6_RELAY_HDR_LEN;
		int r;

		if (n == PXE_DHCPV6_RELAY_HOP_COUNT_LIMIT || len < pos)
			return ERROR_INVALID_DATA;
		while ((r = v6_next(cur, len, &pos, &code, &olen, &val)) > 0) {
			if (code == WDS_V6_OPT_RELAY_MSG && !inner) {
				inner = val;
				inner_len = olen;
			} else if (code == WDS_V6_OPT_INTERFACE_ID && !ifid) {
				ifid = val;
				ifid_len = olen;
			}
		}
		if (r < 0 || !inner)
			return ERROR_INVALID_DATA;
		lv[n].pRelayMessage = (PPXE_DHCPV6_RELAY_MESSAGE)(uintptr_t)cur;
		lv[n].cbRelayMessage = (ULONG)len;
		lv[n].pInterfaceIdOption = (PVOID)(uintptr_t)ifid;
		lv[n].cbInterfaceIdOption = ifid_len;
		n++;
		cur = inner;
		len = inner_len;
	}
	/* The client's message: a full header, and not a server's relay. */
	if (len < WDS_V6_HDR_LEN || wds_v6_is_relay(cur[0]))
		return ERROR_INVALID_DATA;

	if (pnRelayMessages)
		*pnRelayMessages = n;
	if (n > nRelayMessages)
		return ERROR_INSUFFICIENT_BUFFER;
	memcpy(pRelayMessages, lv, n * sizeof(lv[0]));
	if (ppInnerPacket)
		*ppInnerPacket = (PBYTE)(uintptr_t)cur;
	if (pcbInnerPacket)
		*pcbInnerPacket = (ULONG)len;
	return ERROR_SUCCESS;
}

DWORD PXEAPI
PxeDhcpv6CreateRelayRepl(PPXE_DHCPV6_NESTED_RELAY_MESSAGE pRelayMessages,
			 ULONG nRelayMessages, const BYTE *pInnerPacket,
			 ULONG cbInnerPacket, PVOID pReplyBuffer,
			 ULONG cbReplyBuffer, PULONG pcbReplyBuffer)
{
	/* size[i]: bytes of layer i and everything inside it */
	size_t size[PXE_DHCPV6_RELAY_HOP_COUNT_LIMIT + 1];
	uint8_t *out = pReplyBuffer;
	size_t pos = 0;
	ULONG i;

	if (!pcbReplyBuffer || (!pRelayMessages && nRelayMessages > 0) ||
	    (!pInnerPacket && cbInnerPacket > 0) ||
	    (!out && cbReplyBuffer > 0) ||
	    nRelayMessages > PXE_DHCPV6_RELAY_HOP_COUNT_LIMIT)
		return ERROR_INVALID_PARAMETER;

	size[nRelayMessages] = cbInnerPacket;
	for (i = nRelayMessages; i-- > 0;) {
		const PXE_DHCPV6_NESTED_RELAY_MESSAGE *m = &pRelayMessages[i];

		if (!m->pRelayMessage || m->cbRelayMessage < WDS_V6_RELAY_HDR_LEN ||
		    m->pRelayMessage->MessageType != WDS_V6_RELAY_FORW ||
		    (!m->pInterfaceIdOption && m->cbInterfaceIdOption > 0) ||
		    size[i + 1] > UINT16_MAX)
			return ERROR_INVALID_PARAMETER;
		size[i] = WDS_V6_RELAY_HDR_LEN + WDS_V6_OPT_HDR_LEN + size[i + 1];
		if (m->pInterfaceIdOption)
			size[i] += WDS_V6_OPT_HDR_LEN + m->cbInterfaceIdOption;
	}
	if (size[0] > cbReplyBuffer) {
		*pcbReplyBuffer = (ULONG)size[0];
		return ERROR_INSUFFICIENT_BUFFER;
	}

	/* Inner message first: it may sit where the headers go. */
	if (cbInnerPacket)
		memmove(out + size[0] - cbInnerPacket, pInnerPacket, cbInnerPacket);
	for (i = 0; i < nRelayMessages; i++) {
		const PXE_DHCPV6_NESTED_RELAY_MESSAGE *m = &pRelayMessages[i];

		/* RFC 8415 19.3: hop count, link and peer from the RELAY-FORW */
		out[pos] = WDS_V6_RELAY_REPL;
		memcpy(out + pos + 1, (const uint8_t *)m->pRelayMessage + 1,
		       WDS_V6_RELAY_HDR_LEN - 1);
		pos += WDS_V6_RELAY_HDR_LEN;
		if (m->pInterfaceIdOption) {
			dpxe_store_be16(out + pos, WDS_V6_OPT_INTERFACE_ID);
			dpxe_store_be16(out + pos + 2, m->cbInterfaceIdOption);
			memcpy(out + pos + 4, m->pInterfaceIdOption,
			       m->cbInterfaceIdOption);
			pos += WDS_V6_OPT_HDR_LEN + m->cbInterfaceIdOption;
		}
		dpxe_store_be16(out + pos, WDS_V6_OPT_RELAY_MSG);
		dpxe_store_be16(out + pos + 2, (uint16_t)size[i + 1]);
		pos += WDS_V6_OPT_HDR_LEN;
	}
	*pcbReplyBuffer = (ULONG)size[0];
	return ERROR_SUCCESS;
}
