/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpxe extensions to the WDS provider API that dpxe's own providers use but
 * lib/wdspxe/wdspxe.h does not (yet) declare. One place, so that moving a
 * declaration into wdspxe.h is a one-line change here.
 *
 * DpxeProviderGetSetting and DPXE_SETTING_CONFIG_PATH are in wdspxe.h.
 */
#ifndef DPXE_PROVIDER_EXT_H
#define DPXE_PROVIDER_EXT_H

#include "wdspxe.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * DpxeProviderEnumSetting is declared in wdspxe.h; it is redeclared weak
 * here so that our providers still load on a server that does not export
 * it (its address is then NULL and the unknown-name check is skipped).
 */
#ifndef DPXE_HAVE_PROVIDER_ENUM_SETTING
DWORD DpxeProviderEnumSetting(HKEY hProviderKey, ULONG uIndex, LPCSTR *ppszName,
			      LPCSTR *ppszValue) __attribute__((weak));
#endif

/**
 * DpxeRequestDhcpMsg (wdspxe.h), weak for the same reason: on a server
 * without it its address is NULL and the provider parses the request
 * itself.
 */
const struct dpxe_dhcp_msg *DpxeRequestDhcpMsg(HANDLE hClientRequest, ULONG uAbiVersion,
					       ULONG uSize) __attribute__((weak));
/** DpxeSendReplySummed (wdspxe.h), weak: PxeSendReply when it is NULL. */
DWORD DpxeSendReplySummed(HANDLE hClientRequest, LPCVOID pPacket, ULONG uPacketLen,
			  PXE_ADDRESS *pAddress, DWORD dwPayloadSum) __attribute__((weak));
/** DpxeRequestWorker (wdspxe.h), weak: thread-local state when it is NULL. */
ULONG DpxeRequestWorker(HANDLE hClientRequest) __attribute__((weak));
/** DpxeReplyAllocate (wdspxe.h), weak: PxePacketAllocate, PxeSendReply and
 * PxePacketFree when it is NULL. */
struct dpxe_reply *DpxeReplyAllocate(HANDLE hClientRequest, ULONG uSize) __attribute__((weak));
/** DpxeRegisterRecvRequestEx (wdspxe.h), weak: RECV_REQUEST alone. */
DWORD DpxeRegisterRecvRequestEx(HANDLE hProvider, PFN_DPXE_PROVIDER_RECV_REQUEST_EX pfnRecv,
				PVOID pContext, ULONG uDhcpMsgAbi, ULONG uDhcpMsgSize)
	__attribute__((weak));

#ifdef __cplusplus
}
#endif

#endif /* DPXE_PROVIDER_EXT_H */
