/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * v6echo: a test provider that answers DHCPv6 and nothing else, built as a
 * shared object against wdspxe.h alone and loaded by the real dpxe binary
 * (tests/e2e/test_e2e_dhcpv6.c).
 *
 * It sets PXE_PROV_ATTR_IPV6_CAPABLE with the IPv6 filter PXE_ONLY (a
 * Vendor Class entry starting "PXEClient"), and answers a SOLICIT with an
 * ADVERTISE built by the PxeDhcpv6* helpers: the client's Client
 * Identifier, the server's DUID (PxeGetServerInfoEx) as Server Identifier,
 * and the Boot File URL (option 59, RFC 5970) of its "url" setting. A
 * SOLICIT relayed in RELAY-FORWs gets the ADVERTISE wrapped in RELAY-REPLs
 * (PxeDhcpv6ParseRelayForw, PxeDhcpv6CreateRelayRepl). Replies go where
 * the DHCP rules say (PXE_ADDR_USE_DHCP_RULES: to the request's source).
 * Any other message, and every DHCPv4 request, is passed on (REJECTED).
 *
 * Settings: url (required): the Boot File URL to hand out.
 */
#include <stdlib.h>
#include <string.h>

#include "wdspxe.h"

#define V6_SOLICIT 1
#define V6_RELAY_FORW 12
#define V6_OPT_CLIENTID 1
#define V6_OPT_SERVERID 2
#define V6_OPT_BOOTFILE_URL 59
#define MAX_RELAYS 4
#define REPLY_CAP 1024

struct v6echo {
	HANDLE provider;
	char url[256];
};

/* The ADVERTISE to the client's SOLICIT at inner, into out (cap bytes). */
static DWORD
advertise(const struct v6echo *e, const BYTE *inner, ULONG inner_len, BYTE *out, ULONG cap,
	  ULONG *len)
{
	BYTE duid[64];
	ULONG duid_len = 0;
	PVOID cid;
	WORD cid_len;
	DWORD err;

	if (inner_len < 1 || inner[0] != V6_SOLICIT)
		return ERROR_INVALID_DATA;
	err = PxeDhcpv6GetOptionValue(inner, inner_len, 1, V6_OPT_CLIENTID, &cid_len, &cid);
	if (err == ERROR_SUCCESS)
		err = PxeGetServerInfoEx(PXE_GSI_SERVER_DUID, duid, sizeof(duid), &duid_len);
	if (err == ERROR_SUCCESS)
		err = PxeDhcpv6Initialize(inner, inner_len, out, cap, len);
	if (err == ERROR_SUCCESS)
		err = PxeDhcpv6AppendOption(out, cap, len, V6_OPT_CLIENTID, cid_len, cid);
	if (err == ERROR_SUCCESS)
		err = PxeDhcpv6AppendOption(out, cap, len, V6_OPT_SERVERID, (WORD)duid_len, duid);
	if (err == ERROR_SUCCESS)
		err = PxeDhcpv6AppendOption(out, cap, len, V6_OPT_BOOTFILE_URL,
					    (WORD)strlen(e->url), e->url);
	return err;
}

static DWORD PXEAPI
v6echo_recv(HANDLE hReq, PVOID pPacket, ULONG uLen, PXE_ADDRESS *pLocal, PXE_ADDRESS *pRemote,
	    PXE_BOOT_ACTION *pAction, PVOID pContext)
{
	struct v6echo *e = pContext;
	PXE_DHCPV6_NESTED_RELAY_MESSAGE relays[MAX_RELAYS];
	PXE_ADDRESS to = { .uFlags = PXE_ADDR_USE_DHCP_RULES };
	BYTE inner_reply[REPLY_CAP], *inner = pPacket;
	ULONG inner_len = uLen, n_relays = 0, len = 0;
	PVOID reply;
	DWORD err;

	(void)pRemote;
	*pAction = PXE_BA_REJECTED;
	if (pLocal->uAddrLen != 16 || uLen < 1)
		return ERROR_SUCCESS; /* DHCPv4: someone else's */
	if (((BYTE *)pPacket)[0] == V6_RELAY_FORW &&
	    PxeDhcpv6ParseRelayForw(pPacket, uLen, relays, MAX_RELAYS, &n_relays, &inner,
				    &inner_len) != ERROR_SUCCESS)
		return ERROR_SUCCESS;
	if (inner_len < 1 || inner[0] != V6_SOLICIT)
		return ERROR_SUCCESS;

	reply = PxePacketAllocate(e->provider, hReq, REPLY_CAP);
	if (reply == NULL)
		return ERROR_NOT_ENOUGH_MEMORY;
	if (n_relays == 0) {
		err = advertise(e, inner, inner_len, reply, REPLY_CAP, &len);
	} else {
		ULONG inner_used = 0;

		err = advertise(e, inner, inner_len, inner_reply, sizeof(inner_reply),
				&inner_used);
		len = REPLY_CAP;
		if (err == ERROR_SUCCESS)
			err = PxeDhcpv6CreateRelayRepl(relays, n_relays, inner_reply, inner_used,
						       reply, REPLY_CAP, &len);
	}
	if (err == ERROR_SUCCESS)
		err = PxeSendReply(hReq, reply, len, &to);
	if (err == ERROR_SUCCESS)
		*pAction = PXE_BA_NBP;
	else
		PxeTrace(e->provider, PXE_TRACE_WARNING, L"no ADVERTISE: error %lu", err);
	PxePacketFree(e->provider, hReq, reply);
	return ERROR_SUCCESS;
}

static DWORD PXEAPI
v6echo_shutdown(PVOID pContext)
{
	free(pContext);
	return ERROR_SUCCESS;
}

__attribute__((visibility("default"))) DWORD PXEAPI
PxeProviderInitialize(HANDLE hProvider, HKEY hProviderKey)
{
	const char *url = DpxeProviderGetSetting(hProviderKey, "url");
	ULONG filter6 = PXE_PROV_FILTER_PXE_ONLY;
	BOOL on = TRUE;
	struct v6echo *e;
	DWORD err;

	if (url == NULL || url[0] == '\0' || strlen(url) >= sizeof(e->url)) {
		PxeTrace(hProvider, PXE_TRACE_ERROR, L"setting url: missing or too long");
		return ERROR_INVALID_PARAMETER;
	}
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return ERROR_NOT_ENOUGH_MEMORY;
	e->provider = hProvider;
	strcpy(e->url, url);
	err = PxeRegisterCallback(hProvider, PXE_CALLBACK_RECV_REQUEST,
				  (PVOID)(PFN_PXE_PROVIDER_RECV_REQUEST)v6echo_recv, e);
	if (err == ERROR_SUCCESS)
		err = PxeRegisterCallback(hProvider, PXE_CALLBACK_SHUTDOWN,
					  (PVOID)(PFN_PXE_PROVIDER_SHUTDOWN)v6echo_shutdown, e);
	if (err == ERROR_SUCCESS)
		err = PxeProviderSetAttribute(hProvider, PXE_PROV_ATTR_IPV6_CAPABLE, &on,
					      sizeof(on));
	if (err == ERROR_SUCCESS)
		err = PxeProviderSetAttribute(hProvider, PXE_PROV_ATTR_FILTER_IPV6, &filter6,
					      sizeof(filter6));
	if (err != ERROR_SUCCESS) {
		free(e); /* no SHUTDOWN after a failed initialize */
		return err;
	}
	return ERROR_SUCCESS;
}
