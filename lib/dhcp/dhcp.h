/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DHCPv4/BOOTP messages (RFC 951, 2131, 2132, 3396, 4578) and PXE options:
 * the parsed form of a client's request.
 *
 * Pure C, no DPDK, no allocation: a struct dpxe_dhcp_msg holds everything,
 * including the scratch space that split options (RFC 3396) are joined in,
 * and points into the caller's packet for the rest. The packet must outlive
 * the parsed message.
 */
#ifndef DPXE_DHCP_H
#define DPXE_DHCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drop_reason.h"

#define DPXE_DHCP_SERVER_PORT 67
#define DPXE_DHCP_CLIENT_PORT 68
#define DPXE_PXE_BOOT_SERVER_PORT 4011

#define DPXE_BOOTP_FIXED_LEN 236  /* op .. file */
#define DPXE_DHCP_OPTIONS_OFF 240 /* after the magic cookie */
#define DPXE_BOOTP_MIN_LEN 300    /* RFC 951: replies are padded to this */
#define DPXE_DHCP_MAGIC_COOKIE 0x63825363u
#define DPXE_DHCP_DEFAULT_MAX_MSG 576 /* RFC 2131: IP datagram every host takes */
#define DPXE_DHCP_IP_UDP_OVERHEAD 28
/** Largest message we parse: a jumbo frame's payload. */
#define DPXE_DHCP_MAX_LEN 9000

/* Offsets in the fixed BOOTP header */
#define DPXE_BOOTP_OP 0
#define DPXE_BOOTP_HTYPE 1
#define DPXE_BOOTP_HLEN 2
#define DPXE_BOOTP_HOPS 3
#define DPXE_BOOTP_XID 4
#define DPXE_BOOTP_SECS 8
#define DPXE_BOOTP_FLAGS 10
#define DPXE_BOOTP_CIADDR 12
#define DPXE_BOOTP_YIADDR 16
#define DPXE_BOOTP_SIADDR 20
#define DPXE_BOOTP_GIADDR 24
#define DPXE_BOOTP_CHADDR 28
#define DPXE_BOOTP_SNAME 44
#define DPXE_BOOTP_FILE 108
#define DPXE_BOOTP_COOKIE 236
#define DPXE_BOOTP_CHADDR_LEN 16
#define DPXE_BOOTP_SNAME_LEN 64
#define DPXE_BOOTP_FILE_LEN 128

#define DPXE_BOOTP_REQUEST 1
#define DPXE_BOOTP_REPLY 2
#define DPXE_BOOTP_FLAG_BROADCAST 0x8000
#define DPXE_HTYPE_ETHER 1

/* Option 53 values (RFC 2132 §9.6) */
enum dpxe_dhcp_msg_type {
	DPXE_DHCP_BOOTP = 0, /* no option 53: plain BOOTP */
	DPXE_DHCPDISCOVER = 1,
	DPXE_DHCPOFFER = 2,
	DPXE_DHCPREQUEST = 3,
	DPXE_DHCPDECLINE = 4,
	DPXE_DHCPACK = 5,
	DPXE_DHCPNAK = 6,
	DPXE_DHCPRELEASE = 7,
	DPXE_DHCPINFORM = 8,
	DPXE_DHCP_MSG_TYPE_MAX = 8,
};

/* Option codes used by dpxe */
enum dpxe_dhcp_option {
	DPXE_OPT_PAD = 0,
	DPXE_OPT_SUBNET_MASK = 1,
	DPXE_OPT_ROUTER = 3,
	DPXE_OPT_DNS = 6,
	DPXE_OPT_HOSTNAME = 12,
	DPXE_OPT_DOMAIN_NAME = 15,
	DPXE_OPT_BROADCAST = 28,
	DPXE_OPT_VENDOR = 43,
	DPXE_OPT_REQUESTED_IP = 50,
	DPXE_OPT_LEASE_TIME = 51,
	DPXE_OPT_OVERLOAD = 52,
	DPXE_OPT_MSG_TYPE = 53,
	DPXE_OPT_SERVER_ID = 54,
	DPXE_OPT_PARAM_REQUEST = 55,
	DPXE_OPT_MESSAGE = 56,
	DPXE_OPT_MAX_MSG_SIZE = 57,
	DPXE_OPT_RENEWAL_TIME = 58,
	DPXE_OPT_REBINDING_TIME = 59,
	DPXE_OPT_VENDOR_CLASS = 60,
	DPXE_OPT_CLIENT_ID = 61,
	DPXE_OPT_TFTP_SERVER = 66,
	DPXE_OPT_BOOTFILE = 67,
	DPXE_OPT_USER_CLASS = 77,
	DPXE_OPT_RELAY_AGENT_INFO = 82,
	DPXE_OPT_CLIENT_ARCH = 93,
	DPXE_OPT_CLIENT_NDI = 94,
	DPXE_OPT_CLIENT_UUID = 97,
	DPXE_OPT_IPXE = 175,
	DPXE_OPT_END = 255,
};

/* Option 52 values */
#define DPXE_OVERLOAD_FILE 1
#define DPXE_OVERLOAD_SNAME 2

/* PXE vendor sub-options inside option 43 (PXE 2.1 §2.4) */
enum dpxe_pxe_suboption {
	DPXE_PXE_DISCOVERY_CONTROL = 6,
	DPXE_PXE_BOOT_SERVERS = 8,
	DPXE_PXE_BOOT_MENU = 9,
	DPXE_PXE_MENU_PROMPT = 10,
	DPXE_PXE_BOOT_ITEM = 71,
};

/* Discovery control bits (sub-option 6) */
#define DPXE_PXE_DISC_NO_BROADCAST 0x01
#define DPXE_PXE_DISC_NO_MULTICAST 0x02
#define DPXE_PXE_DISC_SERVER_LIST_ONLY 0x04
#define DPXE_PXE_DISC_BOOTFILE_DIRECT 0x08 /* use the file in this offer */

#define DPXE_DHCP_MAX_ARCH 16

/** Option 43 of a PXE client or server, as sub-options. */
struct dpxe_pxe_vendor {
	bool has_discovery_control;
	uint8_t discovery_control;
	const uint8_t *boot_servers; /* sub-option 8, raw */
	uint8_t boot_servers_len;
	const uint8_t *boot_menu;    /* sub-option 9, raw */
	uint8_t boot_menu_len;
	bool has_menu_prompt;
	uint8_t menu_timeout;
	const uint8_t *menu_prompt; /* text after the timeout byte */
	uint8_t menu_prompt_len;
	bool has_boot_item;
	uint16_t boot_item_type;
	uint16_t boot_item_layer;
};

/** Option 60 split into what a PXE or HTTP boot client says about itself. */
struct dpxe_vendor_class {
	bool pxe_client;  /* starts with "PXEClient" */
	bool http_client; /* starts with "HTTPClient" */
	bool has_arch;
	uint16_t arch;    /* "Arch:AAAAA", decimal */
	bool has_undi;
	uint16_t undi_major; /* "UNDI:MMMmmm" */
	uint16_t undi_minor;
};

/** A parsed client message. Addresses are network order; the rest host order. */
struct dpxe_dhcp_msg {
	const uint8_t *raw;
	uint16_t len;

	uint8_t op;
	uint8_t htype;
	uint8_t hlen;
	uint8_t hops;
	uint32_t xid; /* as on the wire, echoed unchanged */
	uint16_t secs;
	uint16_t flags;
	uint32_t ciaddr;
	uint32_t yiaddr;
	uint32_t siaddr;
	uint32_t giaddr;
	const uint8_t *chaddr; /* DPXE_BOOTP_CHADDR_LEN bytes */
	/* NULL when overloaded with options (option 52) */
	const uint8_t *sname;
	const uint8_t *file;
	uint8_t overload;

	uint8_t msg_type; /* enum dpxe_dhcp_msg_type */

	/*
	 * Every option present, joined across instances (RFC 3396). opt_val
	 * and opt_len are meaningful only where the bit in present[] is set;
	 * they are not cleared between messages, so this stays cheap.
	 */
	uint32_t present[8];
	const uint8_t *opt_val[256];
	uint16_t opt_len[256];

	/* Decoded from the options above */
	uint16_t max_msg_size; /* option 57, 0 when absent or below 576 */
	uint32_t requested_ip; /* option 50, 0 when absent */
	uint32_t server_id;    /* option 54, 0 when absent */
	struct dpxe_vendor_class vendor_class;
	uint8_t arch_count; /* option 93, else the arch of option 60 */
	uint16_t arch[DPXE_DHCP_MAX_ARCH];
	bool has_nii; /* option 94 */
	uint8_t nii_type;
	uint8_t nii_major;
	uint8_t nii_minor;
	const uint8_t *uuid; /* option 97, the 16 bytes after the type byte */
	bool is_ipxe;        /* option 77 says "iPXE" or option 175 present */
	bool has_pxe_vendor; /* option 43 of a PXEClient, parsed */
	struct dpxe_pxe_vendor pxe;

	/* split options are joined here; sized so any message fits */
	uint8_t scratch[DPXE_DHCP_MAX_LEN];
};

static inline bool
dpxe_dhcp_has(const struct dpxe_dhcp_msg *m, uint8_t code)
{
	return (m->present[code >> 5] >> (code & 31)) & 1;
}

/** Value of an option, or NULL when absent; *len set when not NULL. */
static inline const uint8_t *
dpxe_dhcp_get(const struct dpxe_dhcp_msg *m, uint8_t code, uint16_t *len)
{
	if (!dpxe_dhcp_has(m, code))
		return NULL;
	if (len)
		*len = m->opt_len[code];
	return m->opt_val[code];
}

/**
 * Parse a BOOTREQUEST: fixed header, magic cookie, the options field and,
 * when option 52 says so, the file and sname fields. Split options are
 * joined; known options are checked for their lengths and decoded.
 *
 * A message without option 53 is plain BOOTP (msg_type DPXE_DHCP_BOOTP).
 * A missing END is accepted when the options end exactly at the end of their
 * field; an option running past it is not.
 *
 * @return DPXE_DROP_OK with m filled in, or why the message is rejected.
 */
enum dpxe_drop_reason dpxe_dhcp_parse(const uint8_t *data, size_t len,
				      struct dpxe_dhcp_msg *m);

/** Parse option 60's text. Unknown shapes yield all-false, never an error. */
void dpxe_vendor_class_parse(const uint8_t *val, size_t len,
			     struct dpxe_vendor_class *vc);

/**
 * Parse PXE sub-options (the value of option 43 from a PXEClient).
 * @return DPXE_DROP_OK or DPXE_DROP_DHCP_BAD_VENDOR_OPTIONS.
 */
enum dpxe_drop_reason dpxe_pxe_vendor_parse(const uint8_t *val, size_t len,
					    struct dpxe_pxe_vendor *pxe);

/** Did the client list code in its parameter request list (option 55)? */
bool dpxe_dhcp_requested(const struct dpxe_dhcp_msg *m, uint8_t code);

/** Name of a DHCP message type ("DISCOVER", ...), "BOOTP" for 0. */
const char *dpxe_dhcp_msg_type_name(uint8_t type);

#endif /* DPXE_DHCP_H */
