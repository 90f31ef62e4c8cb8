/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A hostile provider: everything wdspxe.h says not to do, chosen by the
 * setting "mode":
 *   leak        allocates three buffers, frees none, returns NBP
 *   never       returns ERROR_IO_PENDING and never completes
 *   bad_action  returns *pAction = 77
 *   flood       calls PxeSendReply 50 times, frees, returns CUSTOM
 *   double_free frees its buffer twice, and frees a stack pointer
 *   after_end   keeps each request's handle and buffer and uses them on the
 *               next request (send, free, complete), returns REJECTED
 * dpxe must count each misdeed and carry on.
 */
#include <string.h>

#include "wdspxe.h"

void wds_test_event(const char *who, const char *what);

static HANDLE prov;
static char mode[32];
static HANDLE old_req;
static PVOID old_pkt;
static BYTE junk[300];

static DWORD PXEAPI
recv_request(HANDLE hReq, PVOID pPacket, ULONG uLen, PXE_ADDRESS *pLocal, PXE_ADDRESS *pRemote,
	     PXE_BOOT_ACTION *pAction, PVOID pContext)
{
	PVOID p;
	ULONG len = 0;
	BYTE stack_buf[64];

	(void)pLocal;
	(void)pRemote;
	(void)pContext;
	*pAction = PXE_BA_REJECTED;
	if (strcmp(mode, "leak") == 0) {
		for (int i = 0; i < 3; i++)
			PxePacketAllocate(prov, hReq, 400);
		*pAction = PXE_BA_NBP;
	} else if (strcmp(mode, "never") == 0) {
		return ERROR_IO_PENDING;
	} else if (strcmp(mode, "bad_action") == 0) {
		*pAction = 77;
	} else if (strcmp(mode, "flood") == 0) {
		p = PxePacketAllocate(prov, hReq, 300);
		if (p != NULL && PxeDhcpInitialize(pPacket, uLen, p, 300, &len) == 0)
			for (int i = 0; i < 50; i++)
				PxeSendReply(hReq, p, len, NULL);
		PxePacketFree(prov, hReq, p);
		*pAction = PXE_BA_CUSTOM;
	} else if (strcmp(mode, "double_free") == 0) {
		p = PxePacketAllocate(prov, hReq, 300);
		if (PxePacketFree(prov, hReq, p) == ERROR_SUCCESS)
			wds_test_event("hostile", "freed");
		if (PxePacketFree(prov, hReq, p) != ERROR_SUCCESS)
			wds_test_event("hostile", "double-refused");
		if (PxePacketFree(prov, hReq, stack_buf) != ERROR_SUCCESS)
			wds_test_event("hostile", "foreign-refused");
		*pAction = PXE_BA_IGNORE;
	} else if (strcmp(mode, "after_end") == 0) {
		if (old_req != NULL) {
			if (PxeSendReply(old_req, junk, sizeof(junk), NULL) == ERROR_INVALID_HANDLE)
				wds_test_event("hostile", "send-refused");
			if (PxePacketFree(prov, old_req, old_pkt) != ERROR_SUCCESS)
				wds_test_event("hostile", "free-refused");
			if (PxeAsyncRecvDone(old_req, PXE_BA_NBP) == ERROR_INVALID_HANDLE)
				wds_test_event("hostile", "done-refused");
			if (PxePacketAllocate(prov, old_req, 10) == NULL &&
			    GetLastError() == ERROR_INVALID_HANDLE)
				wds_test_event("hostile", "alloc-refused");
		}
		old_req = hReq;
		old_pkt = PxePacketAllocate(prov, hReq, 100); /* leaked: reclaimed */
	}
	return ERROR_SUCCESS;
}

static DWORD PXEAPI
shutdown_cb(PVOID pContext)
{
	(void)pContext;
	wds_test_event("hostile", "shutdown");
	old_req = NULL;
	old_pkt = NULL;
	return ERROR_SUCCESS;
}

DWORD PXEAPI
PxeProviderInitialize(HANDLE hProvider, HKEY hProviderKey)
{
	const char *m = DpxeProviderGetSetting(hProviderKey, "mode");

	prov = hProvider;
	strncpy(mode, m ? m : "leak", sizeof(mode) - 1);
	PxeRegisterCallback(hProvider, PXE_CALLBACK_RECV_REQUEST, (PVOID)recv_request, NULL);
	PxeRegisterCallback(hProvider, PXE_CALLBACK_SHUTDOWN, (PVOID)shutdown_cb, NULL);
	return ERROR_SUCCESS;
}
