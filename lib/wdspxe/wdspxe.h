/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wdspxe.h: the Windows Deployment Services PXE provider API, re-implemented
 * by dpxe so that a boot-policy provider written for WDS ports by recompiling.
 *
 * Names, values, struct layouts and prototypes follow the current Windows SDK
 * wdspxe.h (see the project reference wdspxe-api.md). Providers include
 * only this header and are built as shared objects; dpxe dlopen()s them and
 * looks up the export PxeProviderInitialize, as WDS does with a DLL.
 *
 * Platform mapping (Linux, LP64)
 *   - Win32 integer types map to fixed-width types: DWORD/ULONG/UINT are
 *     uint32_t (never unsigned long, which is 64 bits here), BOOL is int32_t.
 *   - PXEAPI is empty: there is one calling convention (SysV).
 *   - WCHAR is wchar_t, so L"..." literals and wide arrays in provider source
 *     compile unchanged. On Linux that is UTF-32 (4 bytes), not UTF-16: an
 *     LPWSTR is not binary-compatible with Windows, which no provider can
 *     observe because every wide string crosses this API as a pointer. The
 *     alternatives were char16_t (binary UTF-16, but L"..." becomes a type
 *     error and every literal must be rewritten as u"...") and -fshort-wchar
 *     (breaks glibc's wide functions, and the flag must match everywhere).
 *   - HKEY is an opaque handle: there is no registry. hProviderKey is a
 *     handle to the provider's configuration in dpxe's config.
 *   - GetLastError()/SetLastError() are provided and are per thread.
 *   - Input-only buffers are `const void *` (LPCVOID) where the SDK says
 *     PVOID. That is ABI-identical and only widens what callers may pass: the
 *     SampleProvider passes a string literal, which C++ refuses to turn into
 *     a void *.
 *   - In C++, PxeRegisterCallback has overloads taking the typed callback
 *     pointers, because C++ has no implicit function-to-void* conversion and
 *     the samples pass the function names directly (MSVC allows it).
 *
 * Errata settled here (numbers as in wdspxe-api.md section 5)
 *   1. PxeProviderRecvRequest's pAction is a PXE_BOOT_ACTION *, as in both
 *      Microsoft samples (the doc page prints it by value).
 *   2. PxeSendReply accepts a NULL pAddress: reply to the request's source.
 *   3. PxeProviderEnumNext allocates the PXE_PROVIDER it returns; free it
 *      with PxeProviderFreeInfo.
 *  11. pbOptionLen / ppOptionValue of the Get*OptionValue functions may be
 *      NULL (the current header's _Out_opt_).
 *
 * Ownership: who frees what
 *   - hProvider: the server's; valid until the SHUTDOWN callback returns.
 *   - hClientRequest, and pPacket / pLocalAddress / pRemoteAddress handed to
 *     RECV_REQUEST: the server's. They stay valid until the request's final
 *     action is known: the callback's return, or PxeAsyncRecvDone after
 *     ERROR_IO_PENDING. Copy anything needed after that.
 *   - A buffer from PxePacketAllocate: the provider's until it calls
 *     PxePacketFree, on every path. PxeSendReply does not take the buffer
 *     over, so free it right after sending (dpxe may send the buffer
 *     itself, without a copy: see "PxeSendReply without a copy" below).
 *   - Pointers returned by Pxe*GetOptionValue, PxeDhcpv6GetVendorOptionValue
 *     and PxeDhcpv6ParseRelayForw point into the packet passed in: no copy,
 *     nothing to free, valid as long as that packet.
 *   - A PXE_PROVIDER from PxeProviderEnumNext: the caller's; free it with
 *     PxeProviderFreeInfo. An enumeration handle: close with
 *     PxeProviderEnumClose. A key from PxeProviderRegister: the caller's.
 *
 * Threading
 *   - Providers are called on dpxe's poll-mode worker lcores, possibly on
 *     several at once: PxeProviderRecvRequest must be reentrant, and must
 *     not block (no file, DNS or directory lookups, no sleeping, no waiting
 *     on a lock held for long). A stalled worker stops answering every
 *     client queued behind it.
 *   - A provider that needs to block hands the request to its own thread,
 *     returns ERROR_IO_PENDING, and later calls PxeAsyncRecvDone exactly
 *     once with the final action. Return ERROR_IO_PENDING if and only if
 *     PxeAsyncRecvDone will follow.
 *   - PxeSendReply, PxePacketAllocate/Free, PxeAsyncRecvDone and PxeTrace
 *     may be called from any thread, including the provider's own.
 *   - PxeProviderInitialize and the SHUTDOWN callback of one provider are
 *     never called concurrently.
 *   - The packet helpers (PxeDhcp*, PxeDhcpv6*) hold no state and are safe
 *     from any thread.
 *
 * PxeTrace formats are wide and use Microsoft's printf rules: in a wide
 * format %s / %ls / %ws / %c take wide arguments and %S / %hs / %C take
 * narrow ones; %lu / %ld / %lx are 32 bits (a ULONG/DWORD), as on Windows;
 * %I64d / %lld / %llu are 64 bits; %p prints all the digits of a pointer in
 * upper case. Output is UTF-8. PxeTrace accepts a NULL hProvider.
 */
#ifndef DPXE_WDSPXE_H
#define DPXE_WDSPXE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#ifdef __cplusplus
extern "C" {
#define DPXE_WDS_STATIC_ASSERT(e, m) static_assert(e, m)
#else
#define DPXE_WDS_STATIC_ASSERT(e, m) _Static_assert(e, m)
#endif

/* ---- Win32 base types ------------------------------------------------ */

#ifndef DPXE_WIN32_TYPES_DEFINED
#define DPXE_WIN32_TYPES_DEFINED
typedef uint8_t BYTE, UCHAR, *PBYTE, *LPBYTE, *PUCHAR;
typedef char CHAR, *PCHAR, *LPSTR, *PSTR;
typedef const char *LPCSTR, *PCSTR;
typedef uint16_t WORD, USHORT, *PWORD, *PUSHORT;
typedef uint32_t DWORD, ULONG, UINT, *PDWORD, *LPDWORD, *PULONG, *PUINT;
typedef int32_t LONG, *PLONG;
typedef int32_t BOOL, *PBOOL, *LPBOOL;
typedef uint64_t ULONGLONG, DWORD64;
typedef int64_t LONGLONG;
typedef wchar_t WCHAR, *PWCHAR, *LPWSTR, *PWSTR;
typedef const wchar_t *LPCWSTR, *PCWSTR;
typedef void *PVOID, *LPVOID, *HANDLE, **PHANDLE;
typedef const void *LPCVOID;
/* No registry on Linux: an opaque handle to the provider's configuration. */
typedef struct dpxe_wds_hkey *HKEY, **PHKEY;
#ifndef VOID
#define VOID void
#endif
#endif /* DPXE_WIN32_TYPES_DEFINED */

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

/* ---- Win32 error codes the API returns (winerror.h values) ----------- */

#ifndef ERROR_SUCCESS
#define ERROR_SUCCESS 0L
#endif
#ifndef ERROR_FILE_NOT_FOUND
#define ERROR_FILE_NOT_FOUND 2L       /* option absent */
#endif
#ifndef ERROR_INVALID_HANDLE
#define ERROR_INVALID_HANDLE 6L
#endif
#ifndef ERROR_NOT_ENOUGH_MEMORY
#define ERROR_NOT_ENOUGH_MEMORY 8L
#endif
#ifndef ERROR_INVALID_DATA
#define ERROR_INVALID_DATA 13L        /* malformed packet */
#endif
#ifndef ERROR_NOT_SUPPORTED
#define ERROR_NOT_SUPPORTED 50L
#endif
#ifndef ERROR_INVALID_PARAMETER
#define ERROR_INVALID_PARAMETER 87L   /* NULL where required, bad value */
#endif
#ifndef ERROR_BUFFER_OVERFLOW
#define ERROR_BUFFER_OVERFLOW 111L
#endif
#ifndef ERROR_INSUFFICIENT_BUFFER
#define ERROR_INSUFFICIENT_BUFFER 122L /* output does not fit */
#endif
#ifndef ERROR_BUSY
#define ERROR_BUSY 170L               /* DpxeReplyAllocate: one per call */
#endif
#ifndef ERROR_ALREADY_EXISTS
#define ERROR_ALREADY_EXISTS 183L
#endif
#ifndef ERROR_MORE_DATA
#define ERROR_MORE_DATA 234L
#endif
#ifndef ERROR_NO_MORE_ITEMS
#define ERROR_NO_MORE_ITEMS 259L
#endif
#ifndef ERROR_IO_PENDING
#define ERROR_IO_PENDING 997L         /* RecvRequest: PxeAsyncRecvDone follows */
#endif
#ifndef ERROR_NOT_FOUND
#define ERROR_NOT_FOUND 1168L
#endif

/** The calling thread's last error (per thread, as on Windows). */
DWORD GetLastError(void);
void SetLastError(DWORD dwErrCode);

/* ---- wdspxe.h proper ------------------------------------------------- */

#define PXEAPI

typedef ULONG PXE_REG_INDEX;
typedef ULONG PXE_CALLBACK_TYPE;
typedef ULONG PXE_GSI_TYPE;
typedef ULONG PXE_BOOT_ACTION;
typedef ULONG PXE_SEVERITY;
typedef ULONG PXE_PROVIDER_ATTRIBUTE;

#define PXE_DHCP_SERVER_PORT 67
#define PXE_DHCP_CLIENT_PORT 68
#define PXE_SERVER_PORT 4011
#define PXE_DHCPV6_SERVER_PORT 547
#define PXE_DHCPV6_CLIENT_PORT 546

#define PXE_DHCP_FILE_SIZE 128
#define PXE_DHCP_SERVER_SIZE 64
#define PXE_DHCP_HWAADR_SIZE 16
#define PXE_DHCP_MAGIC_COOKIE_SIZE 4
/* The cookie 99.130.83.99 read as a little-endian ULONG (uMagicCookie). */
#define PXEDHCP_MAGIC_COOKIE ((ULONG)0x63538263)

#define PXE_REG_INDEX_TOP ((PXE_REG_INDEX)0)
#define PXE_REG_INDEX_BOTTOM ((PXE_REG_INDEX)0xFFFFFFFF)

#define PXE_CALLBACK_RECV_REQUEST 0
#define PXE_CALLBACK_SHUTDOWN 1
#define PXE_CALLBACK_SERVICE_CONTROL 2
#define PXE_CALLBACK_MAX 3

#define PXE_GSI_TRACE_ENABLED 1
#define PXE_GSI_SERVER_DUID 2

#define PXE_MAX_ADDRESS 16

#define PXE_ADDR_BROADCAST 0x0001
#define PXE_ADDR_USE_PORT 0x0002
#define PXE_ADDR_USE_ADDR 0x0004
#define PXE_ADDR_USE_DHCP_RULES 0x0008

#define PXE_DHCPV6_RELAY_HOP_COUNT_LIMIT 32

#define PXE_BA_NBP 1      /* replied with a DHCP answer naming an NBP */
#define PXE_BA_CUSTOM 2   /* replied with a custom answer */
#define PXE_BA_IGNORE 3   /* drop; do not offer to the next provider */
#define PXE_BA_REJECTED 4 /* not mine; offer to the next provider */

#define PXE_TRACE_VERBOSE 0x00010000
#define PXE_TRACE_INFO 0x00020000
#define PXE_TRACE_WARNING 0x00040000
#define PXE_TRACE_ERROR 0x00080000
#define PXE_TRACE_FATAL 0x00100000

#define PXE_PROV_ATTR_FILTER 0
#define PXE_PROV_ATTR_FILTER_IPV6 1
#define PXE_PROV_ATTR_IPV6_CAPABLE 2
/* dpxe's own attributes (not in the SDK) start here; see the extensions */
#define DPXE_PROV_ATTR_NO_ZERO_FILL 0x10000

#define PXE_PROV_FILTER_ALL 0x0000
#define PXE_PROV_FILTER_DHCP_ONLY 0x0001
#define PXE_PROV_FILTER_PXE_ONLY 0x0002

/*
 * On-wire structures: overlays of packet bytes, packed, multi-byte fields
 * in network byte order. Variable-length tails are declared [1].
 */
#pragma pack(push, 1)

typedef struct tagPXE_DHCP_OPTION {
	BYTE OptionType;
	BYTE OptionLength;
	BYTE OptionValue[1];
} PXE_DHCP_OPTION, *PPXE_DHCP_OPTION;

typedef struct tagPXE_DHCP_MESSAGE {
	BYTE Operation;              /* op */
	BYTE HardwareAddressType;    /* htype */
	BYTE HardwareAddressLength;  /* hlen */
	BYTE HopCount;               /* hops */
	DWORD TransactionID;         /* xid */
	WORD SecondsSinceBoot;       /* secs */
	WORD Reserved;               /* RFC 2131 flags */
	ULONG ClientIpAddress;       /* ciaddr */
	ULONG YourIpAddress;         /* yiaddr */
	ULONG BootstrapServerAddress; /* siaddr */
	ULONG RelayAgentIpAddress;   /* giaddr */
	BYTE HardwareAddress[PXE_DHCP_HWAADR_SIZE]; /* chaddr */
	BYTE HostName[PXE_DHCP_SERVER_SIZE];        /* sname */
	BYTE BootFileName[PXE_DHCP_FILE_SIZE];      /* file */
	union {
		BYTE bMagicCookie[PXE_DHCP_MAGIC_COOKIE_SIZE];
		ULONG uMagicCookie;
	};
	PXE_DHCP_OPTION Option;      /* first option; use offsetof, not sizeof */
} PXE_DHCP_MESSAGE, *PPXE_DHCP_MESSAGE;

typedef struct tagPXE_DHCPV6_OPTION {
	WORD OptionCode;
	WORD DataLength;
	BYTE Data[1];
} PXE_DHCPV6_OPTION, *PPXE_DHCPV6_OPTION;

typedef struct tagPXE_DHCPV6_MESSAGE_HEADER {
	BYTE MessageType;
	BYTE Message[1];
} PXE_DHCPV6_MESSAGE_HEADER, *PPXE_DHCPV6_MESSAGE_HEADER;

typedef struct tagPXE_DHCPV6_MESSAGE {
	BYTE MessageType;
	BYTE TransactionIDByte1;
	BYTE TransactionIDByte2;
	BYTE TransactionIDByte3;
	PXE_DHCPV6_OPTION Options[1];
} PXE_DHCPV6_MESSAGE, *PPXE_DHCPV6_MESSAGE;

typedef struct tagPXE_DHCPV6_RELAY_MESSAGE {
	BYTE MessageType;
	BYTE HopCount;
	BYTE LinkAddress[16];
	BYTE PeerAddress[16];
	PXE_DHCPV6_OPTION Options[1];
} PXE_DHCPV6_RELAY_MESSAGE, *PPXE_DHCPV6_RELAY_MESSAGE;

#pragma pack(pop)

/* API structures: natural alignment. */

typedef struct tagPXE_PROVIDER {
	ULONG uSizeOfStruct;
	LPWSTR pwszName;
	LPWSTR pwszFilePath;
	BOOL bIsCritical;
	ULONG uIndex;
} PXE_PROVIDER, *PPXE_PROVIDER;

typedef struct tagPXE_ADDRESS {
	ULONG uFlags;                      /* PXE_ADDR_* */
	union {
		BYTE bAddress[PXE_MAX_ADDRESS]; /* network order; IPv4 in the first 4 */
		ULONG uIpAddress;               /* IPv4, network order */
	};
	ULONG uAddrLen;                    /* 4 or 16 */
	USHORT uPort;                      /* HOST byte order */
} PXE_ADDRESS, *PPXE_ADDRESS;

typedef struct tagPXE_DHCPV6_NESTED_RELAY_MESSAGE {
	PPXE_DHCPV6_RELAY_MESSAGE pRelayMessage; /* into the packet */
	ULONG cbRelayMessage;
	PVOID pInterfaceIdOption;                /* option 18's value, or NULL */
	WORD cbInterfaceIdOption;
} PXE_DHCPV6_NESTED_RELAY_MESSAGE, *PPXE_DHCPV6_NESTED_RELAY_MESSAGE;

/* Layout checks (wdspxe-api.md sections 3.2-3.3 and 7). */
DPXE_WDS_STATIC_ASSERT(sizeof(PXE_DHCP_OPTION) == 3, "PXE_DHCP_OPTION");
DPXE_WDS_STATIC_ASSERT(sizeof(PXE_DHCP_MESSAGE) == 243, "PXE_DHCP_MESSAGE");
DPXE_WDS_STATIC_ASSERT(offsetof(PXE_DHCP_MESSAGE, TransactionID) == 4, "xid");
DPXE_WDS_STATIC_ASSERT(offsetof(PXE_DHCP_MESSAGE, Reserved) == 10, "flags");
DPXE_WDS_STATIC_ASSERT(offsetof(PXE_DHCP_MESSAGE, ClientIpAddress) == 12, "ciaddr");
DPXE_WDS_STATIC_ASSERT(offsetof(PXE_DHCP_MESSAGE, RelayAgentIpAddress) == 24, "giaddr");
DPXE_WDS_STATIC_ASSERT(offsetof(PXE_DHCP_MESSAGE, HardwareAddress) == 28, "chaddr");
DPXE_WDS_STATIC_ASSERT(offsetof(PXE_DHCP_MESSAGE, HostName) == 44, "sname");
DPXE_WDS_STATIC_ASSERT(offsetof(PXE_DHCP_MESSAGE, BootFileName) == 108, "file");
DPXE_WDS_STATIC_ASSERT(offsetof(PXE_DHCP_MESSAGE, bMagicCookie) == 236, "cookie");
DPXE_WDS_STATIC_ASSERT(offsetof(PXE_DHCP_MESSAGE, Option) == 240, "options");
DPXE_WDS_STATIC_ASSERT(sizeof(PXE_DHCPV6_OPTION) == 5, "PXE_DHCPV6_OPTION");
DPXE_WDS_STATIC_ASSERT(offsetof(PXE_DHCPV6_OPTION, Data) == 4, "v6 option data");
DPXE_WDS_STATIC_ASSERT(sizeof(PXE_DHCPV6_MESSAGE_HEADER) == 2, "PXE_DHCPV6_MESSAGE_HEADER");
DPXE_WDS_STATIC_ASSERT(sizeof(PXE_DHCPV6_MESSAGE) == 9, "PXE_DHCPV6_MESSAGE");
DPXE_WDS_STATIC_ASSERT(offsetof(PXE_DHCPV6_MESSAGE, Options) == 4, "v6 options");
DPXE_WDS_STATIC_ASSERT(sizeof(PXE_DHCPV6_RELAY_MESSAGE) == 39, "PXE_DHCPV6_RELAY_MESSAGE");
DPXE_WDS_STATIC_ASSERT(offsetof(PXE_DHCPV6_RELAY_MESSAGE, PeerAddress) == 18, "peer");
DPXE_WDS_STATIC_ASSERT(offsetof(PXE_DHCPV6_RELAY_MESSAGE, Options) == 34, "relay options");
DPXE_WDS_STATIC_ASSERT(sizeof(PXE_PROVIDER) == (sizeof(void *) == 8 ? 32 : 20), "PXE_PROVIDER");
DPXE_WDS_STATIC_ASSERT(offsetof(PXE_PROVIDER, uIndex) == (sizeof(void *) == 8 ? 28 : 16), "uIndex");
DPXE_WDS_STATIC_ASSERT(sizeof(PXE_ADDRESS) == 28, "PXE_ADDRESS");
DPXE_WDS_STATIC_ASSERT(offsetof(PXE_ADDRESS, bAddress) == 4, "bAddress");
DPXE_WDS_STATIC_ASSERT(offsetof(PXE_ADDRESS, uAddrLen) == 20, "uAddrLen");
DPXE_WDS_STATIC_ASSERT(offsetof(PXE_ADDRESS, uPort) == 24, "uPort");
DPXE_WDS_STATIC_ASSERT(sizeof(PXE_DHCPV6_NESTED_RELAY_MESSAGE) == (sizeof(void *) == 8 ? 32 : 16),
		       "PXE_DHCPV6_NESTED_RELAY_MESSAGE");
DPXE_WDS_STATIC_ASSERT(offsetof(PXE_DHCPV6_NESTED_RELAY_MESSAGE, cbInterfaceIdOption) ==
		       (sizeof(void *) == 8 ? 24 : 12), "cbInterfaceIdOption");

/* ---- Provider side: what a provider implements (not in the SDK) ------- */

/* The one required export, looked up with dlsym() by this name. */
typedef DWORD(PXEAPI *PFN_PXE_PROVIDER_INITIALIZE)(HANDLE hProvider, HKEY hProviderKey);
/* PXE_CALLBACK_RECV_REQUEST; pAction is a pointer (erratum 1). */
typedef DWORD(PXEAPI *PFN_PXE_PROVIDER_RECV_REQUEST)(HANDLE hClientRequest, PVOID pPacket,
						     ULONG uPacketLen, PXE_ADDRESS *pLocalAddress,
						     PXE_ADDRESS *pRemoteAddress,
						     PXE_BOOT_ACTION *pAction, PVOID pContext);
/* PXE_CALLBACK_SHUTDOWN */
typedef DWORD(PXEAPI *PFN_PXE_PROVIDER_SHUTDOWN)(PVOID pContext);
/* PXE_CALLBACK_SERVICE_CONTROL */
typedef DWORD(PXEAPI *PFN_PXE_PROVIDER_SERVICE_CONTROL)(PVOID pContext, DWORD dwControl);

/*
 * dwControl values (winsvc.h's HandlerEx codes, for source compatibility).
 * dpxe delivers SERVICE_CONTROL_PARAMCHANGE when it reloads its
 * configuration (SIGHUP) and SERVICE_CONTROL_STOP once at stop, after the
 * last request and before the SHUTDOWN callback; never the others. The
 * callback runs on a dpxe control thread (never a worker) while workers
 * may be calling RECV_REQUEST: it must be thread-safe with it, and must
 * not block long.
 */
#ifndef SERVICE_CONTROL_STOP
#define SERVICE_CONTROL_STOP 0x00000001
#define SERVICE_CONTROL_PAUSE 0x00000002
#define SERVICE_CONTROL_CONTINUE 0x00000003
#define SERVICE_CONTROL_INTERROGATE 0x00000004
#define SERVICE_CONTROL_SHUTDOWN 0x00000005
#define SERVICE_CONTROL_PARAMCHANGE 0x00000006
#define SERVICE_CONTROL_NETBINDADD 0x00000007
#define SERVICE_CONTROL_NETBINDREMOVE 0x00000008
#define SERVICE_CONTROL_NETBINDENABLE 0x00000009
#define SERVICE_CONTROL_NETBINDDISABLE 0x0000000A
#define SERVICE_CONTROL_DEVICEEVENT 0x0000000B
#define SERVICE_CONTROL_HARDWAREPROFILECHANGE 0x0000000C
#define SERVICE_CONTROL_POWEREVENT 0x0000000D
#define SERVICE_CONTROL_SESSIONCHANGE 0x0000000E
#define SERVICE_CONTROL_PRESHUTDOWN 0x0000000F
#define SERVICE_CONTROL_TIMECHANGE 0x00000010
#define SERVICE_CONTROL_TRIGGEREVENT 0x00000020
#endif

/* ---- Registration (installers and tools) ----------------------------- */

DWORD PXEAPI PxeProviderRegister(LPCWSTR pszProviderName, LPCWSTR pszModulePath,
				 PXE_REG_INDEX Index, BOOL bIsCritical, PHKEY phProviderKey);
DWORD PXEAPI PxeProviderUnRegister(LPCWSTR pszProviderName);
DWORD PXEAPI PxeProviderQueryIndex(LPCWSTR pszProviderName, PULONG puIndex);
DWORD PXEAPI PxeProviderEnumFirst(HANDLE *phEnum);
/** @return ERROR_NO_MORE_ITEMS after the last provider. */
DWORD PXEAPI PxeProviderEnumNext(HANDLE hEnum, PPXE_PROVIDER *ppProvider);
DWORD PXEAPI PxeProviderEnumClose(HANDLE hEnum);
DWORD PxeProviderFreeInfo(PPXE_PROVIDER pProvider); /* no PXEAPI in the SDK either */

/* ---- Runtime (called by a loaded provider) --------------------------- */

DWORD PXEAPI PxeRegisterCallback(HANDLE hProvider, PXE_CALLBACK_TYPE CallbackType,
				 PVOID pCallbackFunction, PVOID pContext);
DWORD PXEAPI PxeSendReply(HANDLE hClientRequest, LPCVOID pPacket, ULONG uPacketLen,
			  PXE_ADDRESS *pAddress);
DWORD PXEAPI PxeAsyncRecvDone(HANDLE hClientRequest, PXE_BOOT_ACTION Action);
DWORD PXEAPI PxeTrace(HANDLE hProvider, PXE_SEVERITY Severity, LPCWSTR pszFormat, ...);
DWORD PXEAPI PxeTraceV(HANDLE hProvider, PXE_SEVERITY Severity, LPCWSTR pszFormat,
		       va_list Params);
/** @return the buffer, or NULL with the reason in GetLastError(). */
PVOID PXEAPI PxePacketAllocate(HANDLE hProvider, HANDLE hClientRequest, ULONG uSize);
DWORD PXEAPI PxePacketFree(HANDLE hProvider, HANDLE hClientRequest, PVOID pPacket);
DWORD PXEAPI PxeProviderSetAttribute(HANDLE hProvider, PXE_PROVIDER_ATTRIBUTE Attribute,
				     LPCVOID pParameterBuffer, ULONG uParamLen);
DWORD PXEAPI PxeGetServerInfo(PXE_GSI_TYPE uInfoType, PVOID pBuffer, ULONG uBufferLen);
DWORD PXEAPI PxeGetServerInfoEx(PXE_GSI_TYPE uInfoType, PVOID pBuffer, ULONG uBufferLen,
				PULONG puBufferUsed);

/* ---- DHCPv4 packet helpers (no state; any thread) -------------------- */

/**
 * Start a BOOTREPLY to pRecvPacket in pReplyPacket: op 2; htype, hlen, xid,
 * secs, ciaddr, yiaddr, siaddr, giaddr, chaddr and the cookie copied; every
 * other byte of the uMaxReplyPacketLen-byte buffer zeroed, including hops
 * and flags (so the broadcast bit is NOT copied). No options, not even 53.
 * *puReplyPacketLen becomes 240. The two buffers may be the same.
 * @return ERROR_SUCCESS; ERROR_INVALID_PARAMETER (NULL pointer);
 *   ERROR_INVALID_DATA (request shorter than 240 bytes);
 *   ERROR_INSUFFICIENT_BUFFER (reply buffer shorter than 240 bytes).
 */
DWORD PXEAPI PxeDhcpInitialize(LPCVOID pRecvPacket, ULONG uRecvPacketLen, PVOID pReplyPacket,
			       ULONG uMaxReplyPacketLen, PULONG puReplyPacketLen);

/**
 * Append code, length, value at *puReplyPacketLen and advance it. Pad (0)
 * and End (255) are one byte; bOptionLen and pValue are then ignored.
 * Nothing is written when it does not fit.
 * @return ERROR_SUCCESS; ERROR_INVALID_PARAMETER (NULL packet or length
 *   pointer, NULL pValue with a non-zero length, *puReplyPacketLen below 240
 *   or above uMaxReplyPacketLen); ERROR_INSUFFICIENT_BUFFER.
 */
DWORD PXEAPI PxeDhcpAppendOption(PVOID pReplyPacket, ULONG uMaxReplyPacketLen,
				 PULONG puReplyPacketLen, BYTE bOption, BYTE bOptionLen,
				 LPCVOID pValue);

/** Append uBufferLen caller-encoded bytes verbatim. Errors as above. */
DWORD PXEAPI PxeDhcpAppendOptionRaw(PVOID pReplyPacket, ULONG uMaxReplyPacketLen,
				    PULONG puReplyPacketLen, USHORT uBufferLen,
				    LPCVOID pBuffer);

/**
 * Is this a well-formed DHCP message? op matches bRequestPacket (1 request,
 * 2 reply); hlen <= 16; sname and file NUL-terminated, unless option 52
 * overloads them, in which case they must hold well-formed options ending in
 * End; cookie 99.130.83.99; every option inside the packet; the options
 * field ends with End followed by nothing but Pad; option 53 present with
 * length 1; option 52, when present, of length 1 and value 1..3.
 * *pbPxeOptionPresent (optional) is TRUE when the message is valid and
 * option 60 starts with "PXEClient" (clients send "PXEClient:Arch:...").
 * @return ERROR_SUCCESS; ERROR_INVALID_DATA; ERROR_INVALID_PARAMETER (NULL).
 */
DWORD PXEAPI PxeDhcpIsValid(LPCVOID pPacket, ULONG uPacketLen, BOOL bRequestPacket,
			    PBOOL pbPxeOptionPresent);

/**
 * The uInstance-th (1-based) occurrence of option bOption. Options are
 * searched as a client reads them (RFC 2131 section 4.1): the options
 * field, then, when option 52 in the options field says so, the file field
 * and then the sname field; instances are counted across the three. The
 * walk stops at End, at the end of a field, or at an option that would run
 * past it: nothing after a truncated option is found.
 * *pbOptionLen and *ppOptionValue (both optional) receive the length and a
 * pointer into pPacket.
 * @return ERROR_SUCCESS; ERROR_FILE_NOT_FOUND (absent);
 *   ERROR_INVALID_DATA (shorter than 240 bytes or bad cookie);
 *   ERROR_INVALID_PARAMETER (NULL packet, uInstance 0, bOption Pad or End).
 */
DWORD PXEAPI PxeDhcpGetOptionValue(LPCVOID pPacket, ULONG uPacketLen, ULONG uInstance,
				   BYTE bOption, PBYTE pbOptionLen, PVOID *ppOptionValue);

/**
 * Like PxeDhcpGetOptionValue for sub-option bOption inside option 43 (note
 * the swapped bOption/uInstance order). Each instance of option 43 is
 * walked on its own and sub-option instances are counted across them; a
 * sub-option split between two instances of 43 is not found.
 */
DWORD PXEAPI PxeDhcpGetVendorOptionValue(LPCVOID pPacket, ULONG uPacketLen, BYTE bOption,
					 ULONG uInstance, PBYTE pbOptionLen,
					 PVOID *ppOptionValue);

/* ---- DHCPv6 packet helpers (no state; any thread) -------------------- */

/**
 * Start a reply to pRequest: a RELAY-FORW gets a RELAY-REPL with its hop
 * count, link and peer addresses (34 bytes); SOLICIT gets ADVERTISE; REQUEST,
 * CONFIRM, RENEW, REBIND, RELEASE, DECLINE and INFORMATION-REQUEST get REPLY
 * with the transaction id (4 bytes). The rest of the buffer is zeroed. A
 * provider answering a Rapid Commit SOLICIT sets MessageType to REPLY.
 * @return ERROR_SUCCESS; ERROR_INVALID_DATA (too short, or a message a
 *   server does not answer); ERROR_INSUFFICIENT_BUFFER;
 *   ERROR_INVALID_PARAMETER.
 */
DWORD PXEAPI PxeDhcpv6Initialize(LPCVOID pRequest, ULONG cbRequest, PVOID pReply,
				 ULONG cbReply, PULONG pcbReplyUsed);

/**
 * Append code(2) length(2) value, big-endian, at *pcbReplyUsed.
 * @return as PxeDhcpAppendOption; *pcbReplyUsed must be at least the
 *   message header (4, or 34 for a relay message).
 */
DWORD PXEAPI PxeDhcpv6AppendOption(PVOID pReply, ULONG cbReply, PULONG pcbReplyUsed,
				   WORD wOptionType, WORD cbOption, LPCVOID pOption);
DWORD PXEAPI PxeDhcpv6AppendOptionRaw(PVOID pReply, ULONG cbReply, PULONG pcbReplyUsed,
				      USHORT cbBuffer, LPCVOID pBuffer);

/**
 * Is this a well-formed DHCPv6 message (RFC 8415)? The type must be one a
 * client (bRequestPacket TRUE) or a server (FALSE) sends; options must
 * tile the rest of the message exactly; Client/Server Identifier must be
 * present as RFC 8415 section 16 requires for that type; a relay message
 * must carry a Relay Message option whose content is itself valid, nesting
 * at most PXE_DHCPV6_RELAY_HOP_COUNT_LIMIT relays.
 * *pbPxeOptionPresent (optional) is TRUE when the message is valid and the
 * innermost message has a Vendor Class option with an entry starting with
 * "PXEClient".
 */
DWORD PXEAPI PxeDhcpv6IsValid(LPCVOID pPacket, ULONG uPacketLen, BOOL bRequestPacket,
			      PBOOL pbPxeOptionPresent);

/**
 * The uInstance-th (1-based) top-level option wOption of this message (not
 * of messages nested in a Relay Message option). Out-parameters optional;
 * the value pointer points into pPacket.
 * @return ERROR_SUCCESS; ERROR_FILE_NOT_FOUND; ERROR_INVALID_DATA (shorter
 *   than its header); ERROR_INVALID_PARAMETER.
 */
DWORD PXEAPI PxeDhcpv6GetOptionValue(LPCVOID pPacket, ULONG uPacketLen, ULONG uInstance,
				     WORD wOption, PWORD pwOptionLen, PVOID *ppOptionValue);

/**
 * Sub-option wOption, occurrence uInstance, inside the Vendor-specific
 * Information options (17) whose enterprise number is dwEnterpriseNumber
 * (host order). Same return codes as PxeDhcpv6GetOptionValue.
 */
DWORD PXEAPI PxeDhcpv6GetVendorOptionValue(LPCVOID pPacket, ULONG uPacketLen,
					   DWORD dwEnterpriseNumber, WORD wOption,
					   ULONG uInstance, PWORD pwOptionLen,
					   PVOID *ppOptionValue);

/**
 * Walk a RELAY-FORW and the RELAY-FORWs nested in its Relay Message options.
 * pRelayMessages[0] describes the packet passed in, then one entry per
 * nested relay, each with its Interface-ID value (or NULL, 0). The innermost
 * non-relay message (the client's) is returned in *ppInnerPacket. All
 * pointers point into the packet. Out-parameters other than the array are
 * optional; the array may be NULL when nRelayMessages is 0.
 * @return ERROR_SUCCESS; ERROR_INSUFFICIENT_BUFFER with the needed count in
 *   *pnRelayMessages and the array untouched; ERROR_INVALID_DATA (not a
 *   RELAY-FORW, malformed, no Relay Message option, or more than
 *   PXE_DHCPV6_RELAY_HOP_COUNT_LIMIT relays); ERROR_INVALID_PARAMETER.
 */
DWORD PXEAPI PxeDhcpv6ParseRelayForw(LPCVOID pRelayForwPacket, ULONG uRelayForwPacketLen,
				     PPXE_DHCPV6_NESTED_RELAY_MESSAGE pRelayMessages,
				     ULONG nRelayMessages, PULONG pnRelayMessages,
				     PBYTE *ppInnerPacket, PULONG pcbInnerPacket);

/**
 * Wrap pInnerPacket in one RELAY-REPL per entry of pRelayMessages (as
 * filled by PxeDhcpv6ParseRelayForw, outermost first): each copies the
 * RELAY-FORW's hop count, link and peer addresses, echoes its Interface-ID
 * when present (RFC 8415 section 19.3), and carries the next layer in a
 * Relay Message option. With nRelayMessages 0 the inner packet is copied
 * as is. pInnerPacket may lie inside pReplyBuffer (it is moved first).
 * @return ERROR_SUCCESS; ERROR_INSUFFICIENT_BUFFER with the needed size in
 *   *pcbReplyBuffer; ERROR_INVALID_PARAMETER (NULL pointers, an entry that
 *   is not a RELAY-FORW of at least 34 bytes, more than the hop limit, or a
 *   layer longer than 65535 bytes).
 */
DWORD PXEAPI PxeDhcpv6CreateRelayRepl(PPXE_DHCPV6_NESTED_RELAY_MESSAGE pRelayMessages,
				      ULONG nRelayMessages, const BYTE *pInnerPacket,
				      ULONG cbInnerPacket, PVOID pReplyBuffer,
				      ULONG cbReplyBuffer, PULONG pcbReplyBuffer);

/* ---- dpxe extensions (not in the SDK; Dpxe prefix) ------------------- */

/*
 * dpxe's limits and choices where WDS documents none (counted per worker in
 * the stats as provider_*; nothing a provider does crashes dpxe):
 *   - PxePacketAllocate: at most 1472 bytes (a UDP payload in a 1500-byte
 *     packet), zero-filled unless the provider set
 *     DPXE_PROV_ATTR_NO_ZERO_FILL, at most 16 held per request at once; NULL with
 *     ERROR_NOT_ENOUGH_MEMORY otherwise. Buffers still held when the
 *     provider's turn with the request ends (its return, PxeAsyncRecvDone,
 *     a timeout) are reclaimed (provider_leaks_reclaimed).
 *   - PxePacketFree of a buffer already freed or reclaimed, of another
 *     request's, or of a pointer dpxe never handed out:
 *     ERROR_INVALID_PARAMETER (provider_double_free).
 *   - PxeSendReply: at most 8 per request turn (then ERROR_NOT_ENOUGH_MEMORY,
 *     provider_send_flood); any buffer may be sent. A PxePacketAllocate
 *     buffer may not be sent longer than it was allocated
 *     (ERROR_INVALID_PARAMETER, provider_send_fail). With
 *     PXE_ADDR_USE_ADDR the frame goes to the MAC the request came from
 *     (dpxe keeps no ARP cache). A 16-byte address for an IPv4 request:
 *     ERROR_NOT_SUPPORTED; for a DHCPv6 request the reply is IPv6/UDP, a
 *     4-byte address is ERROR_INVALID_PARAMETER, BROADCAST is ff02::1.
 *   - A handle used after its turn ended: ERROR_INVALID_HANDLE
 *     (provider_send_after_end; for PxeAsyncRecvDone provider_late_done).
 *   - An action other than NBP/CUSTOM/IGNORE/REJECTED: treated as IGNORE
 *     (provider_bad_action). A RECV_REQUEST error return: as REJECTED.
 *   - ERROR_IO_PENDING: the request is dropped after
 *     dataplane.provider_timeout_ms (default 5000; provider_timeouts).
 *   - Default filter: PXE_PROV_FILTER_ALL. DHCPv6 requests (UDP/IPv6 to
 *     port 547) go only to providers that set IPV6_CAPABLE, through
 *     PXE_PROV_ATTR_FILTER_IPV6; their addresses are 16 bytes.
 *   - pLocalAddress holds dpxe's own address even for a broadcast request
 *     (PXE_ADDR_BROADCAST then set): the SampleProvider copies it into
 *     siaddr and option 54.
 *   - PxeRegisterCallback only inside PxeProviderInitialize (afterwards
 *     ERROR_NOT_SUPPORTED); PxeProviderSetAttribute at any time.
 *   - PxeTrace goes to rte_log type "dpxe.provider.<name>" ("dpxe.provider"
 *     for a NULL handle); PXE_GSI_SERVER_DUID is a DUID-LL of the first
 *     port's MAC (10 bytes).
 *   - Registration errors: ERROR_ALREADY_EXISTS (name taken),
 *     ERROR_NOT_FOUND (unknown name, or no registry open),
 *     ERROR_INVALID_PARAMETER (name not [A-Za-z0-9_-]{1,63}),
 *     ERROR_NO_MORE_ITEMS (end of enumeration), ERROR_INVALID_HANDLE
 *     (closed or unknown enumeration handle).
 */

/*
 * PxeSendReply without a copy. When RECV_REQUEST (on dpxe's worker) sends
 * a PxePacketAllocate buffer of the same request turn and no earlier send
 * of it is still in flight, dpxe prepends the headers in the buffer's
 * headroom and queues the buffer itself for transmission, holding a
 * reference of its own: PxePacketFree (or the reclaim at the end of the
 * turn) and the transmission may then come in either order. Any other
 * buffer (stack, heap, pPacket, another request's, one already in flight)
 * and any send from a provider's own thread is copied, as WDS does. The
 * rules this adds: after PxeSendReply, do not write the buffer again (a
 * frame not yet on the wire would change; to send something else, allocate
 * another buffer), and do not free a buffer on one thread while sending it
 * on another. Both Microsoft samples, and every provider in dpxe, free
 * right after sending, on the same thread.
 *
 * DPXE_PROV_ATTR_NO_ZERO_FILL (PxeProviderSetAttribute, a BOOL): TRUE
 * promises that the provider writes every byte it sends, so
 * PxePacketAllocate need not zero the buffer (a 1472-byte memset per
 * reply). Without it the buffer is zeroed, so that a provider that sends
 * bytes it never wrote sends zeros, not an earlier frame (another client's
 * request) left in the mbuf. A server without the attribute (WDS) answers
 * ERROR_INVALID_PARAMETER, which a provider may ignore.
 */

/*
 * The host's parse of the current request, for providers built in the dpxe
 * tree (lib/dhcp's struct dpxe_dhcp_msg, from "dhcp.h"): dpxe parses every
 * request once, before the chain, with the parser of its built-in path, so
 * a provider that would parse it again can take that parse instead.
 *
 *   const struct dpxe_dhcp_msg *m =
 *       DpxeRequestDhcpMsg(hClientRequest, DPXE_DHCP_MSG_ABI_VERSION,
 *                          sizeof(struct dpxe_dhcp_msg));
 *   if (m == NULL) ... parse pPacket itself (dpxe_dhcp_parse) ...
 *
 * uAbiVersion and uSize guard against a provider built against another
 * lib/dhcp: either differing gives NULL (ERROR_NOT_SUPPORTED), never a
 * misread struct. DPXE_DHCP_MSG_ABI_VERSION changes when a field of struct
 * dpxe_dhcp_msg changes meaning without changing its size.
 *
 * The parse is read-only and points into pPacket; it is valid for the
 * provider's turn with the request (as pPacket: until its RECV_REQUEST
 * returns, or until its PxeAsyncRecvDone), from any thread.
 * @return the parse; NULL with ERROR_INVALID_DATA (dpxe_dhcp_parse refused
 *   the request: it is no DHCP/BOOTP request dpxe could answer),
 *   ERROR_INVALID_HANDLE (not a live request), ERROR_NOT_SUPPORTED.
 *   Declare it weak (providers/common/dpxe_provider_ext.h does) to load on
 *   a server without it, and parse when its address is NULL.
 */
#define DPXE_DHCP_MSG_ABI_VERSION 1
struct dpxe_dhcp_msg;
const struct dpxe_dhcp_msg *DpxeRequestDhcpMsg(HANDLE hClientRequest, ULONG uAbiVersion,
					       ULONG uSize);

/*
 * PxeSendReply for a provider that already knows the 16-bit one's
 * complement sum of its payload (lib/net's dpxe_csum_add(0, pPacket,
 * uPacketLen), unfolded; dpxe's reply templates keep it, and
 * dpxe_proxy_reply_cached returns it): the UDP checksum then costs the
 * headers only, not a second pass over the payload. DPXE_NO_SUM
 * (0xffffffff) means "not known": exactly PxeSendReply. A wrong sum gives
 * a wrong UDP checksum, so the client drops that reply; nothing else.
 * Same returns as PxeSendReply. Declare it weak as DpxeRequestDhcpMsg.
 */
#ifndef DPXE_NO_SUM
#define DPXE_NO_SUM UINT32_MAX /* the same spelling as lib/net's net.h */
#endif
DWORD DpxeSendReplySummed(HANDLE hClientRequest, LPCVOID pPacket, ULONG uPacketLen,
			  PXE_ADDRESS *pAddress, DWORD dwPayloadSum);

/*
 * The worker running hClientRequest: an index below DPXE_MAX_WORKERS, the
 * same for every request that worker handles; DPXE_NO_WORKER with
 * ERROR_INVALID_HANDLE for a handle that names no live request.
 *
 * For per-worker state without locks and without thread-local storage
 * (which a dlopen()ed module reaches through a __tls_get_addr call per
 * access): RECV_REQUEST runs on its request's worker, one call at a time,
 * so state indexed by this is that call's alone. That holds only inside
 * RECV_REQUEST: a provider thread completing a request later is not that
 * worker, and must not touch the worker's state. (The DPDK equivalent is
 * rte_lcore_id(), which a provider cannot call: it sees wdspxe.h only.)
 */
#define DPXE_MAX_WORKERS 32u
#define DPXE_NO_WORKER 0xffffffffu
ULONG DpxeRequestWorker(HANDLE hClientRequest);

/*
 * dpxe's reply on return: the cheapest way to answer, for a provider that
 * answers on the worker, inside RECV_REQUEST. Where PxePacketAllocate hands
 * the provider a buffer it owns (tagged, tracked, freed by PxePacketFree,
 * sendable from any thread) and PxeSendReply sends it at once, this buffer
 * belongs to the request, and the provider's return sends it:
 *
 *   struct dpxe_reply *r = DpxeReplyAllocate(hClientRequest, uSize);
 *   ... write the reply, every byte of it, into r->pBuffer ...
 *   r->uLength = len;                              (0: send nothing)
 *   r->Address.uFlags = PXE_ADDR_USE_DHCP_RULES;   (as PxeSendReply's)
 *   r->dwPayloadSum = sum;        (optional, as DpxeSendReplySummed's)
 *   *pAction = PXE_BA_NBP; return ERROR_SUCCESS;
 *
 * When RECV_REQUEST returns ERROR_SUCCESS with PXE_BA_NBP or PXE_BA_CUSTOM
 * and uLength is 1..uSize, dpxe sends uLength bytes of the buffer as
 * PxeSendReply would (the same PXE_ADDRESS rules, counters and per-turn
 * cap; headers in the buffer's headroom, no copy). On any other return
 * (REJECTED, IGNORE, ERROR_IO_PENDING, an error) or a length of 0 it frees
 * the buffer unsent; a bad length or address is counted (provider_send_
 * fail) and nothing is sent. Either way the action is applied as usual.
 * The provider never frees the buffer, and touches neither it nor the
 * descriptor after returning.
 *
 * DpxeReplyAllocate returns the descriptor: pBuffer (uSize bytes, zero-
 * filled unless the provider set DPXE_PROV_ATTR_NO_ZERO_FILL), uWorker (as
 * DpxeRequestWorker: per-worker state without another call), uLength 0,
 * dwPayloadSum DPXE_NO_SUM, Address all zero (the request's source, as a
 * NULL pAddress). One per call. NULL with: ERROR_NOT_SUPPORTED for a live
 * request outside the worker's call (a provider thread: use
 * PxePacketAllocate there), ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER
 * (uSize 0), ERROR_BUSY (one was allocated in this call already),
 * ERROR_NOT_ENOUGH_MEMORY (over the worker's maximum, 1472 bytes with
 * dpxe's mbufs, less from a pool of smaller ones; or the pool is empty).
 * Declare it weak (as DpxeRequestDhcpMsg) and fall back to
 * PxePacketAllocate when it is absent or says ERROR_NOT_SUPPORTED.
 */
struct dpxe_reply {
	PVOID pBuffer;        /* the reply's bytes */
	ULONG uSize;          /* how many: the uSize asked for */
	ULONG uWorker;        /* the worker's index, < DPXE_MAX_WORKERS */
	ULONG uLength;        /* set by the provider: bytes to send */
	DWORD dwPayloadSum;   /* set by the provider, or DPXE_NO_SUM */
	PXE_ADDRESS Address;  /* set by the provider: where to */
};
struct dpxe_reply *DpxeReplyAllocate(HANDLE hClientRequest, ULONG uSize);

/*
 * dpxe's own request callback, for providers written for dpxe: the whole
 * request in one struct, and its reply buffer already allocated, so that
 * answering takes no server call at all.
 *
 *   DWORD recv_ex(const struct dpxe_request *pRequest,
 *                 PXE_BOOT_ACTION *pAction, PVOID pContext);
 *
 * It is RECV_REQUEST with everything a provider would otherwise ask for:
 * pMsg is DpxeRequestDhcpMsg's answer (NULL: a DHCPv6 request, or one
 * dpxe_dhcp_parse refused), pReply is DpxeReplyAllocate's for a buffer of
 * the largest size (1472 with dpxe's mbufs: read pReply->uSize; NULL when
 * the worker's pool is empty: answer PXE_BA_IGNORE, or PxePacketAllocate),
 * with its uWorker. It is this call's one: DpxeReplyAllocate answers
 * ERROR_BUSY in it (unless pReply is NULL). The buffer is allocated for
 * every request the callback gets, and zeroed unless the provider set
 * DPXE_PROV_ATTR_NO_ZERO_FILL; a provider that rejects most requests pays
 * for that. A reply left in
 * pReply is sent on return exactly as DpxeReplyAllocate describes; with
 * REJECTED, IGNORE or a length of 0 it is freed. Every other call
 * (PxeSendReply, PxePacketAllocate, PxeAsyncRecvDone with
 * ERROR_IO_PENDING, ...) works as in RECV_REQUEST. The struct, its
 * addresses and pReply are valid until the callback returns.
 *
 * DpxeRegisterRecvRequestEx registers it, inside PxeProviderInitialize,
 * besides RECV_REQUEST (still mandatory, for servers without this): dpxe
 * then calls it instead of RECV_REQUEST, through the same chain and
 * filters. uDhcpMsgAbi and uDhcpMsgSize (DPXE_DHCP_MSG_ABI_VERSION,
 * sizeof(struct dpxe_dhcp_msg)) guard pMsg as DpxeRequestDhcpMsg's
 * arguments do. @return ERROR_SUCCESS; ERROR_NOT_SUPPORTED (another
 * lib/dhcp, or outside PxeProviderInitialize: keep RECV_REQUEST);
 * ERROR_INVALID_HANDLE; ERROR_INVALID_PARAMETER (no function).
 * Declare it weak (as DpxeRequestDhcpMsg).
 */
struct dpxe_request {
	HANDLE hClientRequest;
	PVOID pPacket;
	ULONG uPacketLen;
	PXE_ADDRESS *pLocalAddress;
	PXE_ADDRESS *pRemoteAddress;
	const struct dpxe_dhcp_msg *pMsg;
	struct dpxe_reply *pReply;
};
typedef DWORD(PXEAPI *PFN_DPXE_PROVIDER_RECV_REQUEST_EX)(const struct dpxe_request *pRequest,
							 PXE_BOOT_ACTION *pAction,
							 PVOID pContext);
DWORD DpxeRegisterRecvRequestEx(HANDLE hProvider, PFN_DPXE_PROVIDER_RECV_REQUEST_EX pfnRecv,
				PVOID pContext, ULONG uDhcpMsgAbi, ULONG uDhcpMsgSize);

/*
 * Provider settings. Linux has no registry: a provider's configuration is
 * the `settings` mapping of its entry in dpxe's YAML file (providers[]),
 * and hProviderKey is an opaque handle to it.
 *
 * DpxeProviderGetSetting returns the value of setting pszName as a UTF-8
 * string, or NULL when it is absent (or hProviderKey / pszName is NULL or
 * not a key). The pointer stays valid as long as the key: for the key
 * passed to PxeProviderInitialize, until the SHUTDOWN callback returns.
 * The reserved name "dpxe.config" always answers the path of the running
 * configuration file (NULL if dpxe was not started from a file), so a
 * provider can read other sections of it (e.g. boot.rules).
 */
#define DPXE_SETTING_CONFIG_PATH "dpxe.config"
LPCSTR DpxeProviderGetSetting(HKEY hProviderKey, LPCSTR pszName);

/**
 * The uIndex-th (0-based, in file order) setting of a key, so a provider
 * can refuse names it does not know (a typo would otherwise be ignored).
 * The reserved "dpxe.config" is not listed. Names and values stay valid as
 * long as DpxeProviderGetSetting's do.
 * @return ERROR_SUCCESS with *ppszName / *ppszValue set;
 *   ERROR_NO_MORE_ITEMS past the last setting; ERROR_INVALID_PARAMETER.
 */
DWORD DpxeProviderEnumSetting(HKEY hProviderKey, ULONG uIndex,
			      LPCSTR *ppszName, LPCSTR *ppszValue);

/** Close a key returned by PxeProviderRegister (RegCloseKey's role). The
 *  key given to PxeProviderInitialize is dpxe's: do not close it.
 *  @return ERROR_SUCCESS; ERROR_INVALID_HANDLE. */
DWORD DpxeProviderCloseKey(HKEY hProviderKey);

/*
 * The registration functions (PxeProviderRegister, UnRegister, QueryIndex,
 * Enum*) work on "the registry": the providers list of one dpxe YAML file.
 * Inside a running dpxe that is the file it was started with. An installer
 * (outside dpxe) opens a file first:
 *
 *   DpxeProviderRegistryOpen("/etc/dpxe/dpxe.yaml");
 *   PxeProviderRegister(L"audit", L"/usr/lib/dpxe/libaudit.so",
 *                       PXE_REG_INDEX_BOTTOM, FALSE, NULL);
 *   DpxeProviderRegistryClose();
 *
 * Register and UnRegister write the file back at once (to a temporary file,
 * checked by loading it, then renamed over the original). Only the
 * top-level `providers:` block is rewritten: the rest of the file, comments
 * included, is kept byte for byte; comments inside the providers block are
 * lost. As in WDS, changes take effect when dpxe restarts.
 * @return ERROR_SUCCESS; ERROR_FILE_NOT_FOUND (cannot read); ERROR_INVALID_DATA
 *   (not a valid dpxe configuration); ERROR_ALREADY_EXISTS (one is open).
 */
DWORD DpxeProviderRegistryOpen(LPCSTR pszConfigPath);
/** @return ERROR_SUCCESS; ERROR_NOT_FOUND when none is open. */
DWORD DpxeProviderRegistryClose(void);

/*
 * Not declared: WdsProviderInitialize, WdsPxe.dll's 32nd export. It is the
 * entry point through which the WDSServer service loads WdsPxe.dll itself,
 * not something a PXE provider calls; its signature is undocumented, and in
 * dpxe the daemon plays that role directly.
 */

#ifdef __cplusplus
} /* extern "C" */

/* C++ has no implicit function-pointer-to-void* conversion; MSVC does. */
inline DWORD
PxeRegisterCallback(HANDLE h, PXE_CALLBACK_TYPE t, PFN_PXE_PROVIDER_RECV_REQUEST f, PVOID ctx)
{
	return PxeRegisterCallback(h, t, reinterpret_cast<PVOID>(f), ctx);
}
inline DWORD
PxeRegisterCallback(HANDLE h, PXE_CALLBACK_TYPE t, PFN_PXE_PROVIDER_SHUTDOWN f, PVOID ctx)
{
	return PxeRegisterCallback(h, t, reinterpret_cast<PVOID>(f), ctx);
}
inline DWORD
PxeRegisterCallback(HANDLE h, PXE_CALLBACK_TYPE t, PFN_PXE_PROVIDER_SERVICE_CONTROL f,
		    PVOID ctx)
{
	return PxeRegisterCallback(h, t, reinterpret_cast<PVOID>(f), ctx);
}
#endif

#endif /* DPXE_WDSPXE_H */
