/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to lib/wdspxe: protocol numbers the helpers need that wdspxe.h
 * (which mirrors the SDK) does not define, and small byte helpers. The
 * DHCPv4 numbers come from lib/dhcp so the two implementations cannot drift.
 */
#ifndef DPXE_WDS_INTERNAL_H
#define DPXE_WDS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "dhcp/dhcp.h"
#include "net/byteorder.h"
#include "wdspxe.h"

/* wdspxe.h's overlay and lib/dhcp's offsets describe the same bytes. */
_Static_assert(offsetof(PXE_DHCP_MESSAGE, HardwareAddress) == DPXE_BOOTP_CHADDR, "chaddr");
_Static_assert(offsetof(PXE_DHCP_MESSAGE, HostName) == DPXE_BOOTP_SNAME, "sname");
_Static_assert(offsetof(PXE_DHCP_MESSAGE, BootFileName) == DPXE_BOOTP_FILE, "file");
_Static_assert(offsetof(PXE_DHCP_MESSAGE, bMagicCookie) == DPXE_BOOTP_COOKIE, "cookie");
_Static_assert(offsetof(PXE_DHCP_MESSAGE, Option) == DPXE_DHCP_OPTIONS_OFF, "options");
_Static_assert(PXE_DHCP_FILE_SIZE == DPXE_BOOTP_FILE_LEN, "file size");
_Static_assert(PXE_DHCP_SERVER_SIZE == DPXE_BOOTP_SNAME_LEN, "sname size");
_Static_assert(PXE_DHCP_HWAADR_SIZE == DPXE_BOOTP_CHADDR_LEN, "chaddr size");

/* "PXEClient", the vendor class prefix of a PXE client (PXE 2.1). */
#define WDS_PXECLIENT "PXEClient"
#define WDS_PXECLIENT_LEN 9

/* DHCPv6 (RFC 8415) */
enum wds_v6_msg {
	WDS_V6_SOLICIT = 1,
	WDS_V6_ADVERTISE = 2,
	WDS_V6_REQUEST = 3,
	WDS_V6_CONFIRM = 4,
	WDS_V6_RENEW = 5,
	WDS_V6_REBIND = 6,
	WDS_V6_REPLY = 7,
	WDS_V6_RELEASE = 8,
	WDS_V6_DECLINE = 9,
	WDS_V6_RECONFIGURE = 10,
	WDS_V6_INFORMATION_REQUEST = 11,
	WDS_V6_RELAY_FORW = 12,
	WDS_V6_RELAY_REPL = 13,
};

enum wds_v6_option {
	WDS_V6_OPT_CLIENTID = 1,
	WDS_V6_OPT_SERVERID = 2,
	WDS_V6_OPT_RELAY_MSG = 9,
	WDS_V6_OPT_VENDOR_CLASS = 16,
	WDS_V6_OPT_VENDOR_OPTS = 17,
	WDS_V6_OPT_INTERFACE_ID = 18,
};

#define WDS_V6_HDR_LEN 4        /* msg-type, transaction-id */
#define WDS_V6_RELAY_HDR_LEN 34 /* msg-type, hop-count, link, peer */
#define WDS_V6_OPT_HDR_LEN 4    /* code, length */

static inline int
wds_v6_is_relay(uint8_t type)
{
	return type == WDS_V6_RELAY_FORW || type == WDS_V6_RELAY_REPL;
}

/* Bytes before the first option of a message of this type. */
static inline size_t
wds_v6_header_len(uint8_t type)
{
	return wds_v6_is_relay(type) ? WDS_V6_RELAY_HDR_LEN : WDS_V6_HDR_LEN;
}

#endif /* DPXE_WDS_INTERNAL_H */
