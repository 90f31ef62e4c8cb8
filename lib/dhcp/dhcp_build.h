/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Building DHCPv4 replies into a caller's buffer (an mbuf's data room in the
 * dataplane). The builder never writes past the end it was given, which is the
 * smaller of the buffer and what the client said it accepts (option 57).
 */
#ifndef DPXE_DHCP_BUILD_H
#define DPXE_DHCP_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhcp.h"

struct dpxe_dhcp_builder {
	uint8_t *buf;
	size_t cap; /* bytes the reply may use */
	size_t len;
	bool overflow; /* an append did not fit; finish() will fail */
};

/**
 * Largest DHCP message (UDP payload) the client accepts: option 57 less the
 * IP and UDP headers, or 576 less them when the client sent no option 57.
 */
size_t dpxe_dhcp_reply_limit(const struct dpxe_dhcp_msg *req);

/**
 * Start a BOOTREPLY to req: op 2, the request's htype, hlen, xid, flags,
 * giaddr and chaddr (and ciaddr in an ACK, RFC 2131 Table 3), everything
 * else zero, the magic cookie and option 53.
 *
 * @return 0, or -1 when the buffer cannot hold even the minimum BOOTP reply.
 */
int dpxe_dhcp_reply_init(struct dpxe_dhcp_builder *b, uint8_t *buf,
			 size_t buf_cap, const struct dpxe_dhcp_msg *req,
			 uint8_t msg_type);

/**
 * Append an option. Values longer than 255 bytes are split into several
 * instances of the same code (RFC 3396). Nothing is written when it does not
 * fit: the builder is marked overflowed and -1 returned.
 */
int dpxe_dhcp_add_option(struct dpxe_dhcp_builder *b, uint8_t code,
			 const void *val, size_t len);

static inline int
dpxe_dhcp_add_u8(struct dpxe_dhcp_builder *b, uint8_t code, uint8_t v)
{
	return dpxe_dhcp_add_option(b, code, &v, 1);
}

int dpxe_dhcp_add_u32(struct dpxe_dhcp_builder *b, uint8_t code, uint32_t v);

/** Append an IPv4 address option; ip is in network order. */
int dpxe_dhcp_add_ip(struct dpxe_dhcp_builder *b, uint8_t code, uint32_t ip);

/** Append a NUL-terminated string as an option, without the NUL. */
int dpxe_dhcp_add_string(struct dpxe_dhcp_builder *b, uint8_t code,
			 const char *s);

/** Set yiaddr / siaddr / ciaddr (network order). */
void dpxe_dhcp_set_yiaddr(struct dpxe_dhcp_builder *b, uint32_t ip);
void dpxe_dhcp_set_siaddr(struct dpxe_dhcp_builder *b, uint32_t ip);

/**
 * Copy a string into the file (128 bytes) or sname (64 bytes) field, NUL
 * padded. @return 0, or -1 when it does not fit with its terminating NUL.
 */
int dpxe_dhcp_set_file(struct dpxe_dhcp_builder *b, const char *file);
int dpxe_dhcp_set_sname(struct dpxe_dhcp_builder *b, const char *sname);

/**
 * Append END and pad with zeros to the 300-byte BOOTP minimum.
 * @return the message length, or 0 when something did not fit.
 */
size_t dpxe_dhcp_reply_finish(struct dpxe_dhcp_builder *b);

/** A PXE boot server entry (sub-option 8) and menu entry (sub-option 9). */
struct dpxe_pxe_server {
	uint16_t type;
	uint32_t ip; /* network order */
};

struct dpxe_pxe_menu_item {
	uint16_t type;
	const char *text;
};

/** What to put in a server's option 43 (PXE 2.1 §2.4). */
struct dpxe_pxe_vendor_spec {
	bool has_discovery_control;
	uint8_t discovery_control;
	const struct dpxe_pxe_server *servers;
	unsigned int n_servers;
	const struct dpxe_pxe_menu_item *menu;
	unsigned int n_menu;
	const char *prompt; /* sub-option 10, NULL for none */
	uint8_t prompt_timeout;
	bool has_boot_item;
	uint16_t boot_item_type;
	uint16_t boot_item_layer;
};

/**
 * Encode PXE sub-options, ending with END, ready to be the value of option
 * 43. @return bytes written, or 0 when it does not fit in cap or a sub-option
 * would exceed 255 bytes.
 */
size_t dpxe_pxe_vendor_build(uint8_t *buf, size_t cap,
			     const struct dpxe_pxe_vendor_spec *s);

#endif /* DPXE_DHCP_BUILD_H */
