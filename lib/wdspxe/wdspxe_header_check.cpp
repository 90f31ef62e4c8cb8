// SPDX-License-Identifier: BSD-3-Clause
// Build-time check that wdspxe.h compiles as C++, the language of the
// Microsoft sample providers: layout asserts, extern "C", the typed
// PxeRegisterCallback overloads. Nothing here is linked into dpxe.
#include "wdspxe.h"

static DWORD PXEAPI
check_recv(HANDLE, PVOID, ULONG, PXE_ADDRESS *, PXE_ADDRESS *, PXE_BOOT_ACTION *pAction, PVOID)
{
	*pAction = PXE_BA_REJECTED;
	return ERROR_SUCCESS;
}

static DWORD PXEAPI
check_shutdown(PVOID)
{
	return ERROR_SUCCESS;
}

// Never called: it only has to compile, as a sample provider's would.
DWORD
dpxe_wdspxe_header_check(HANDLE hProvider, PVOID pPacket, ULONG uLen)
{
	ULONG filter = PXE_PROV_FILTER_PXE_ONLY;
	BYTE len = 0;
	PVOID val = nullptr;
	DWORD err = PxeRegisterCallback(hProvider, PXE_CALLBACK_SHUTDOWN, check_shutdown, nullptr);

	if (err == ERROR_SUCCESS)
		err = PxeRegisterCallback(hProvider, PXE_CALLBACK_RECV_REQUEST, check_recv, nullptr);
	if (err == ERROR_SUCCESS)
		err = PxeProviderSetAttribute(hProvider, PXE_PROV_ATTR_FILTER, &filter, sizeof(filter));
	if (err == ERROR_SUCCESS)
		err = PxeDhcpGetOptionValue(pPacket, uLen, 1, 53, &len, &val);
	if (err == ERROR_SUCCESS)
		err = PxeDhcpAppendOption(pPacket, uLen, &uLen, 60, 9, "PXEClient");
	PxeTrace(hProvider, PXE_TRACE_INFO, L"boot program %S", "boot\\x64\\wdsnbp.com");
	return err;
}
