/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A provider written the way WDS providers are (the SDK SampleProvider's
 * shape: L"..." traces with %S, PXE_DHCP_MESSAGE field access, the
 * callback typedefs, *pAction), compiled against wdspxe.h alone, then run
 * against a fake server: the runtime functions (PxeRegisterCallback,
 * PxePacketAllocate, PxeSendReply, PxeTrace, ...) are stubbed below, the
 * packet helpers are the real ones.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

/* ==== The provider: only wdspxe.h and the C library ==================== */

#include "wdspxe.h"

#define DHCP_OPTION_MESSAGE_TYPE 53
#define DHCP_OPTION_SERVER_IDENTIFIER 54
#define DHCP_OPTION_PXE_CLIENT 60
#define DHCP_OPTION_END 255
#define DHCP_OPTION_VALUE_MESSAGE_TYPE_DISCOVER 1
#define DHCP_OPTION_VALUE_MESSAGE_TYPE_OFFER 2
#define DHCP_OPTION_VALUE_MESSAGE_TYPE_REQUEST 3
#define DHCP_OPTION_VALUE_MESSAGE_TYPE_ACK 5
#define DHCP_OPTION_VALUE_PXE_CLIENT "PXEClient"
#define DHCP_REPLY_PACKET_SIZE 300
#define MAX_MAC_ADDR_STRING_LEN (PXE_DHCP_HWAADR_SIZE * 2 + 1)
#define NUMELEM(p) (sizeof(p) / sizeof((p)[0]))
#define W32_CLEANUP_ON_FAILURE(_Condition, _Label) \
	do {                                        \
		if ((_Condition) != (ERROR_SUCCESS)) \
			goto _Label;                \
	} while (0)

DWORD PXEAPI PxeProviderInitialize(HANDLE hProvider, HKEY hProviderKey);
static DWORD PXEAPI PxeProviderRecvRequest(HANDLE hClientRequest, PVOID pPacket,
					   ULONG uPacketLen, PXE_ADDRESS *pLocalAddress,
					   PXE_ADDRESS *pRemoteAddress,
					   PXE_BOOT_ACTION *pAction, PVOID pContext);
static DWORD PXEAPI PxeProviderShutdown(PVOID pContext);

static HANDLE g_hSampleProvider = NULL;
static char g_szDefaultBootProgram[PXE_DHCP_FILE_SIZE] = "boot\\x64\\wdsnbp.com";
static char g_szServerName[PXE_DHCP_SERVER_SIZE] = "wds.example.org";
static WCHAR g_wszLastMac[MAX_MAC_ADDR_STRING_LEN];

/* The sample's MAC-to-string, in wide characters. */
static DWORD
GetClientMacAddress(PVOID pPacket, LPWSTR pwszMacAddress)
{
	PXE_DHCP_MESSAGE *pDhcpMessage = (PXE_DHCP_MESSAGE *)pPacket;
	BYTE bMacAddress[PXE_DHCP_HWAADR_SIZE] = { 0 };
	LPWSTR pwszPtr = pwszMacAddress;
	BYTE bValue = 0;

	memmove(bMacAddress + PXE_DHCP_HWAADR_SIZE - pDhcpMessage->HardwareAddressLength,
		pDhcpMessage->HardwareAddress, pDhcpMessage->HardwareAddressLength);
	for (ULONG i = 0; i < PXE_DHCP_HWAADR_SIZE; i++) {
		bValue = bMacAddress[i] >> 4;
		*pwszPtr++ = (bValue < 10) ? (bValue + L'0') : ((bValue - 10) + L'A');
		bValue = bMacAddress[i] & 0x0F;
		*pwszPtr++ = (bValue < 10) ? (bValue + L'0') : ((bValue - 10) + L'A');
	}
	*pwszPtr = L'\0';
	return ERROR_SUCCESS;
}

DWORD PXEAPI
PxeProviderInitialize(HANDLE hProvider, HKEY hProviderKey)
{
	DWORD dwError = ERROR_SUCCESS;
	ULONG uFilter = PXE_PROV_FILTER_PXE_ONLY;
	/* the typedefs match the provider's own declarations */
	PFN_PXE_PROVIDER_RECV_REQUEST pfnRecv = PxeProviderRecvRequest;

	(void)hProviderKey;
	/* both samples trace before they store the handle */
	PxeTrace(g_hSampleProvider, PXE_TRACE_INFO, L"Default Boot Program: %S",
		 g_szDefaultBootProgram);

	/* as in the sample: the function itself for a PVOID (C allows it) */
	dwError = PxeRegisterCallback(hProvider, PXE_CALLBACK_SHUTDOWN, PxeProviderShutdown, NULL);
	W32_CLEANUP_ON_FAILURE(dwError, Cleanup);
	dwError = PxeRegisterCallback(hProvider, PXE_CALLBACK_RECV_REQUEST, (PVOID)pfnRecv, NULL);
	W32_CLEANUP_ON_FAILURE(dwError, Cleanup);
	dwError = PxeProviderSetAttribute(hProvider, PXE_PROV_ATTR_FILTER, &uFilter,
					  sizeof(uFilter));
	W32_CLEANUP_ON_FAILURE(dwError, Cleanup);
	g_hSampleProvider = hProvider;
Cleanup:
	return dwError;
}

static DWORD PXEAPI
PxeProviderShutdown(PVOID pContext)
{
	(void)pContext;
	PxeTrace(g_hSampleProvider, PXE_TRACE_VERBOSE, L"%ws shutting down", L"SampProv");
	return ERROR_SUCCESS;
}

static DWORD PXEAPI
PxeProviderRecvRequest(HANDLE hClientRequest, PVOID pPacket, ULONG uPacketLen,
		       PXE_ADDRESS *pLocalAddress, PXE_ADDRESS *pRemoteAddress,
		       PXE_BOOT_ACTION *pAction, PVOID pContext)
{
	DWORD dwError = ERROR_SUCCESS;
	PVOID pReplyPacket = NULL;
	PPXE_DHCP_MESSAGE pReplyMessage = NULL;
	ULONG uReplyPacketLen = 0;
	PVOID pOption = NULL;
	BYTE bRequestMessageType = 0;
	BYTE bResponseMessageType = 0;
	BYTE bOptionLen = 0;
	PXE_ADDRESS DestinationAddr = { 0 };
	static const BYTE bVendor[] = { 43, 3, 6, 1, 8 };

	(void)pRemoteAddress;
	(void)pContext;
	*pAction = PXE_BA_REJECTED;

	dwError = PxeDhcpGetOptionValue(pPacket, uPacketLen, 1, DHCP_OPTION_MESSAGE_TYPE,
					&bOptionLen, &pOption);
	W32_CLEANUP_ON_FAILURE(dwError, Cleanup);
	if (bOptionLen != 1) {
		dwError = ERROR_INVALID_DATA;
		W32_CLEANUP_ON_FAILURE(dwError, Cleanup);
	}
	bRequestMessageType = *(PBYTE)pOption;
	switch (bRequestMessageType) {
	case DHCP_OPTION_VALUE_MESSAGE_TYPE_DISCOVER:
		bResponseMessageType = DHCP_OPTION_VALUE_MESSAGE_TYPE_OFFER;
		break;
	case DHCP_OPTION_VALUE_MESSAGE_TYPE_REQUEST:
		bResponseMessageType = DHCP_OPTION_VALUE_MESSAGE_TYPE_ACK;
		break;
	default:
		goto Cleanup;
	}
	*pAction = PXE_BA_IGNORE;

	GetClientMacAddress(pPacket, g_wszLastMac);
	PxeTrace(g_hSampleProvider, PXE_TRACE_VERBOSE, L"client %s type %u len %lu",
		 g_wszLastMac, bRequestMessageType, uPacketLen);

	pReplyPacket = PxePacketAllocate(g_hSampleProvider, hClientRequest,
					 DHCP_REPLY_PACKET_SIZE);
	if (pReplyPacket == NULL) {
		dwError = GetLastError();
		goto Cleanup;
	}
	dwError = PxeDhcpInitialize(pPacket, uPacketLen, pReplyPacket, DHCP_REPLY_PACKET_SIZE,
				    &uReplyPacketLen);
	W32_CLEANUP_ON_FAILURE(dwError, Cleanup);

	pReplyMessage = (PPXE_DHCP_MESSAGE)pReplyPacket;
	memmove(&pReplyMessage->BootstrapServerAddress, pLocalAddress->bAddress,
		pLocalAddress->uAddrLen);
	/* StringCchCopyA in the sample */
	if (snprintf((char *)pReplyMessage->BootFileName, PXE_DHCP_FILE_SIZE, "%s",
		     g_szDefaultBootProgram) >= PXE_DHCP_FILE_SIZE ||
	    snprintf((char *)pReplyMessage->HostName, PXE_DHCP_SERVER_SIZE, "%s",
		     g_szServerName) >= PXE_DHCP_SERVER_SIZE) {
		dwError = ERROR_BUFFER_OVERFLOW;
		goto Cleanup;
	}

	dwError = PxeDhcpAppendOption(pReplyPacket, DHCP_REPLY_PACKET_SIZE, &uReplyPacketLen,
				      DHCP_OPTION_MESSAGE_TYPE, 1, &bResponseMessageType);
	W32_CLEANUP_ON_FAILURE(dwError, Cleanup);
	dwError = PxeDhcpAppendOption(pReplyPacket, DHCP_REPLY_PACKET_SIZE, &uReplyPacketLen,
				      DHCP_OPTION_PXE_CLIENT,
				      NUMELEM(DHCP_OPTION_VALUE_PXE_CLIENT) - 1,
				      DHCP_OPTION_VALUE_PXE_CLIENT);
	W32_CLEANUP_ON_FAILURE(dwError, Cleanup);
	dwError = PxeDhcpAppendOption(pReplyPacket, DHCP_REPLY_PACKET_SIZE, &uReplyPacketLen,
				      DHCP_OPTION_SERVER_IDENTIFIER,
				      (BYTE)pLocalAddress->uAddrLen, pLocalAddress->bAddress);
	W32_CLEANUP_ON_FAILURE(dwError, Cleanup);
	dwError = PxeDhcpAppendOptionRaw(pReplyPacket, DHCP_REPLY_PACKET_SIZE, &uReplyPacketLen,
					 (BYTE)sizeof(bVendor), (PVOID)bVendor);
	W32_CLEANUP_ON_FAILURE(dwError, Cleanup);
	dwError = PxeDhcpAppendOption(pReplyPacket, DHCP_REPLY_PACKET_SIZE, &uReplyPacketLen,
				      DHCP_OPTION_END, 0, NULL);
	W32_CLEANUP_ON_FAILURE(dwError, Cleanup);

	DestinationAddr.uFlags = PXE_ADDR_USE_DHCP_RULES;
	dwError = PxeSendReply(hClientRequest, pReplyPacket, uReplyPacketLen, &DestinationAddr);
	W32_CLEANUP_ON_FAILURE(dwError, Cleanup);
	*pAction = PXE_BA_NBP;

Cleanup:
	if (pReplyPacket != NULL)
		PxePacketFree(g_hSampleProvider, hClientRequest, pReplyPacket);
	return dwError;
}

/* ==== The fake server ==================================================== */

#include "test_packets.h"
#include "wds_format.h"

static struct {
	PVOID cb[PXE_CALLBACK_MAX];
	ULONG filter;
	int allocated, freed, sent, traces;
	uint8_t reply[1500];
	ULONG reply_len;
	ULONG reply_flags;
	char trace[512];
	HANDLE trace_handle;
	PXE_SEVERITY trace_severity;
	BOOL fail_alloc;
} srv;

#define FAKE_PROVIDER ((HANDLE)0x1000)
#define FAKE_REQUEST ((HANDLE)0x2000)

DWORD PXEAPI
PxeRegisterCallback(HANDLE hProvider, PXE_CALLBACK_TYPE CallbackType, PVOID pCallbackFunction,
		    PVOID pContext)
{
	(void)pContext;
	if (hProvider != FAKE_PROVIDER || CallbackType >= PXE_CALLBACK_MAX)
		return ERROR_INVALID_PARAMETER;
	srv.cb[CallbackType] = pCallbackFunction;
	return ERROR_SUCCESS;
}

DWORD PXEAPI
PxeProviderSetAttribute(HANDLE hProvider, PXE_PROVIDER_ATTRIBUTE Attribute,
			LPCVOID pParameterBuffer, ULONG uParamLen)
{
	if (hProvider != FAKE_PROVIDER || Attribute != PXE_PROV_ATTR_FILTER ||
	    uParamLen != sizeof(ULONG))
		return ERROR_INVALID_PARAMETER;
	memcpy(&srv.filter, pParameterBuffer, sizeof(ULONG));
	return ERROR_SUCCESS;
}

PVOID PXEAPI
PxePacketAllocate(HANDLE hProvider, HANDLE hClientRequest, ULONG uSize)
{
	uint8_t *p;

	if (hProvider != FAKE_PROVIDER || hClientRequest != FAKE_REQUEST || srv.fail_alloc) {
		SetLastError(ERROR_NOT_ENOUGH_MEMORY);
		return NULL;
	}
	p = malloc(uSize);
	assert_non_null(p);
	memset(p, 0xcc, uSize); /* not zeroed: PxeDhcpInitialize must do it */
	srv.allocated++;
	return p;
}

DWORD PXEAPI
PxePacketFree(HANDLE hProvider, HANDLE hClientRequest, PVOID pPacket)
{
	assert_ptr_equal(hProvider, FAKE_PROVIDER);
	assert_ptr_equal(hClientRequest, FAKE_REQUEST);
	free(pPacket);
	srv.freed++;
	return ERROR_SUCCESS;
}

DWORD PXEAPI
PxeSendReply(HANDLE hClientRequest, LPCVOID pPacket, ULONG uPacketLen, PXE_ADDRESS *pAddress)
{
	assert_ptr_equal(hClientRequest, FAKE_REQUEST);
	assert_true(uPacketLen <= sizeof(srv.reply));
	memcpy(srv.reply, pPacket, uPacketLen);
	srv.reply_len = uPacketLen;
	srv.reply_flags = pAddress ? pAddress->uFlags : 0;
	srv.sent++;
	return ERROR_SUCCESS;
}

DWORD PXEAPI
PxeTraceV(HANDLE hProvider, PXE_SEVERITY Severity, LPCWSTR pszFormat, va_list Params)
{
	srv.trace_handle = hProvider;
	srv.trace_severity = Severity;
	dpxe_wds_format(srv.trace, sizeof(srv.trace), pszFormat, Params);
	srv.traces++;
	return ERROR_SUCCESS;
}

DWORD PXEAPI
PxeTrace(HANDLE hProvider, PXE_SEVERITY Severity, LPCWSTR pszFormat, ...)
{
	va_list ap;
	DWORD err;

	va_start(ap, pszFormat);
	err = PxeTraceV(hProvider, Severity, pszFormat, ap);
	va_end(ap);
	return err;
}

/* ==== Tests ================================================================ */

static struct tpkt pkt;

static void
load(void)
{
	PFN_PXE_PROVIDER_INITIALIZE init = PxeProviderInitialize; /* what dlsym finds */

	memset(&srv, 0, sizeof(srv));
	g_hSampleProvider = NULL;
	assert_int_equal(init(FAKE_PROVIDER, NULL), ERROR_SUCCESS);
}

static DWORD
deliver(PXE_BOOT_ACTION *action)
{
	PFN_PXE_PROVIDER_RECV_REQUEST recv = (PFN_PXE_PROVIDER_RECV_REQUEST)srv.cb[PXE_CALLBACK_RECV_REQUEST];
	PXE_ADDRESS local = { .uFlags = PXE_ADDR_BROADCAST | PXE_ADDR_USE_ADDR,
			      .bAddress = { 10, 213, 47, 1 }, .uAddrLen = 4, .uPort = 67 };
	PXE_ADDRESS remote = { .uFlags = PXE_ADDR_USE_ADDR, .uAddrLen = 4, .uPort = 68 };

	*action = 0;
	return recv(FAKE_REQUEST, pkt.buf, (ULONG)pkt.len, &local, &remote, action, NULL);
}

static void
test_initialize_registers(void **state)
{
	(void)state;
	load();
	assert_non_null(srv.cb[PXE_CALLBACK_RECV_REQUEST]);
	assert_non_null(srv.cb[PXE_CALLBACK_SHUTDOWN]);
	assert_null(srv.cb[PXE_CALLBACK_SERVICE_CONTROL]);
	assert_int_equal(srv.filter, PXE_PROV_FILTER_PXE_ONLY);
	/* L"%S" with a char *, traced with a NULL provider handle */
	assert_string_equal(srv.trace, "Default Boot Program: boot\\x64\\wdsnbp.com");
	assert_null(srv.trace_handle);
	assert_int_equal(srv.trace_severity, PXE_TRACE_INFO);
	assert_ptr_equal(g_hSampleProvider, FAKE_PROVIDER);
}

static void
test_offer_and_ack(void **state)
{
	static const struct {
		uint8_t req, reply;
	} t[] = { { DPXE_DHCPDISCOVER, DPXE_DHCPOFFER }, { DPXE_DHCPREQUEST, DPXE_DHCPACK } };

	(void)state;
	load();
	for (size_t i = 0; i < 2; i++) {
		PXE_BOOT_ACTION action;
		const PXE_DHCP_MESSAGE *m = (const PXE_DHCP_MESSAGE *)srv.reply;
		BYTE len;
		PVOID val;
		BOOL pxe;
		char want[80];

		tpkt_pxe_discover(&pkt, 7);
		pkt.buf[DPXE_DHCP_OPTIONS_OFF + 2] = t[i].req;
		assert_int_equal(deliver(&action), ERROR_SUCCESS);
		assert_int_equal(action, PXE_BA_NBP);
		assert_int_equal(srv.sent, (int)i + 1);
		assert_int_equal(srv.reply_flags, PXE_ADDR_USE_DHCP_RULES);

		/* the reply the provider built through the helpers */
		assert_int_equal(PxeDhcpIsValid(srv.reply, srv.reply_len, FALSE, &pxe),
				 ERROR_SUCCESS);
		assert_int_equal(pxe, TRUE);
		assert_int_equal(PxeDhcpGetOptionValue(srv.reply, srv.reply_len, 1, 53, &len, &val),
				 ERROR_SUCCESS);
		assert_int_equal(*(uint8_t *)val, t[i].reply);
		assert_int_equal(PxeDhcpGetOptionValue(srv.reply, srv.reply_len, 1, 54, &len, &val),
				 ERROR_SUCCESS);
		assert_memory_equal(val, "\x0a\xd5\x2f\x01", 4);
		assert_int_equal(PxeDhcpGetVendorOptionValue(srv.reply, srv.reply_len, 6, 1, &len,
							     &val), ERROR_SUCCESS);
		assert_int_equal(*(uint8_t *)val, 8);
		assert_memory_equal(&m->BootstrapServerAddress, "\x0a\xd5\x2f\x01", 4);
		assert_string_equal((const char *)m->BootFileName, "boot\\x64\\wdsnbp.com");
		assert_string_equal((const char *)m->HostName, "wds.example.org");
		assert_memory_equal(&m->TransactionID, pkt.buf + DPXE_BOOTP_XID, 4);
		assert_memory_equal(m->HardwareAddress, tpkt_client_mac, 6);
		assert_int_equal(m->uMagicCookie, PXEDHCP_MAGIC_COOKIE);
		/* the provider's wide trace, %s with a WCHAR * and %lu with a ULONG */
		snprintf(want, sizeof(want),
			 "client 00000000000000000000525400123456 type %u len %zu", t[i].req,
			 pkt.len);
		assert_string_equal(srv.trace, want);
	}
	assert_int_equal(srv.allocated, 2);
	assert_int_equal(srv.freed, 2);
}

static void
test_reject_ignore(void **state)
{
	PXE_BOOT_ACTION action;

	(void)state;
	load();
	/* RELEASE: not ours, offered to the next provider; nothing allocated */
	tpkt_pxe_discover(&pkt, 0);
	pkt.buf[DPXE_DHCP_OPTIONS_OFF + 2] = DPXE_DHCPRELEASE;
	assert_int_equal(deliver(&action), ERROR_SUCCESS);
	assert_int_equal(action, PXE_BA_REJECTED);
	/* no option 53: an error, which the server treats as REJECTED */
	tpkt_dhcp_init(&pkt, 0);
	tpkt_end(&pkt);
	assert_int_equal(deliver(&action), ERROR_FILE_NOT_FOUND);
	assert_int_equal(action, PXE_BA_REJECTED);
	/* allocation failure after deciding: IGNORE, GetLastError's reason */
	tpkt_pxe_discover(&pkt, 0);
	srv.fail_alloc = TRUE;
	assert_int_equal(deliver(&action), ERROR_NOT_ENOUGH_MEMORY);
	assert_int_equal(action, PXE_BA_IGNORE);
	assert_int_equal(srv.sent, 0);
	assert_int_equal(srv.allocated, srv.freed);
}

static void
test_shutdown(void **state)
{
	PFN_PXE_PROVIDER_SHUTDOWN shutdown;

	(void)state;
	load();
	shutdown = (PFN_PXE_PROVIDER_SHUTDOWN)srv.cb[PXE_CALLBACK_SHUTDOWN];
	assert_int_equal(shutdown(NULL), ERROR_SUCCESS);
	assert_string_equal(srv.trace, "SampProv shutting down");
	assert_ptr_equal(srv.trace_handle, FAKE_PROVIDER);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_initialize_registers),
		cmocka_unit_test(test_offer_and_ack),
		cmocka_unit_test(test_reject_ignore),
		cmocka_unit_test(test_shutdown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
