/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target over the whole receive path of lib/net and lib/dhcp:
 * the input is a frame; when it parses down to a UDP payload that payload
 * goes to the DHCP parser, and a parsed request gets a reply built for it
 * (which is parsed back) and is answered in full DHCP mode (fuzz_server.c). The same bytes are also fed to the DHCP and PXE
 * sub-option parsers directly, so the fuzzer need not forge checksums to
 * reach them.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dhcp.h"
#include "dhcp_build.h"
#include "fuzz_server.h"
#include "net.h"

static struct dpxe_dhcp_msg msg, back;
static uint8_t reply[2048];

static void
build_reply(const struct dpxe_dhcp_msg *m)
{
	static const struct dpxe_pxe_menu_item menu[] = { { 0x8000, "Boot" } };
	struct dpxe_pxe_vendor_spec spec = {
		.has_discovery_control = true,
		.discovery_control = DPXE_PXE_DISC_BOOTFILE_DIRECT,
		.menu = menu,
		.n_menu = 1,
		.prompt = "Press F8",
	};
	struct dpxe_dhcp_builder b;
	uint8_t vendor[255];
	size_t vlen, len;
	uint16_t o82_len;
	const uint8_t *o82;

	if (dpxe_dhcp_reply_init(&b, reply, sizeof(reply), m, DPXE_DHCPOFFER))
		return;
	dpxe_dhcp_add_string(&b, DPXE_OPT_VENDOR_CLASS, "PXEClient");
	dpxe_dhcp_add_ip(&b, DPXE_OPT_SERVER_ID, 0x0100000a);
	vlen = dpxe_pxe_vendor_build(vendor, sizeof(vendor), &spec);
	if (vlen)
		dpxe_dhcp_add_option(&b, DPXE_OPT_VENDOR, vendor, vlen);
	o82 = dpxe_dhcp_get(m, DPXE_OPT_RELAY_AGENT_INFO, &o82_len);
	if (o82)
		dpxe_dhcp_add_option(&b, DPXE_OPT_RELAY_AGENT_INFO, o82, o82_len);
	dpxe_dhcp_set_file(&b, "undionly.kpxe");
	len = dpxe_dhcp_reply_finish(&b);
	if (len) {
		if (len > dpxe_dhcp_reply_limit(m) || len > sizeof(reply))
			__builtin_trap();
		reply[DPXE_BOOTP_OP] = DPXE_BOOTP_REQUEST;
		/* our own reply must always parse */
		if (dpxe_dhcp_parse(reply, len, &back) != DPXE_DROP_OK)
			__builtin_trap();
	}
}

static void
dhcp_path(const uint8_t *data, size_t size)
{
	if (dpxe_dhcp_parse(data, size, &msg) == DPXE_DROP_OK) {
		build_reply(&msg);
		fuzz_server_answer(&msg);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dpxe_frame f;
	struct dpxe_pxe_vendor pxe;
	struct dpxe_vendor_class vc;
	enum dpxe_drop_reason r;

	if (size > UINT16_MAX)
		return 0;
	/* checksums verified "by the NIC" so mutations reach the payload */
	r = dpxe_frame_parse(data, (uint32_t)size,
			     DPXE_PARSE_IP_CSUM_VERIFIED |
				     DPXE_PARSE_UDP_CSUM_VERIFIED,
			     &f);
	if (dpxe_drop_reason_name(r) == NULL)
		__builtin_trap();
	if (r == DPXE_DROP_OK && f.kind == DPXE_FRAME_UDP4) {
		if ((size_t)f.payload_off + f.payload_len > size)
			__builtin_trap();
		dhcp_path(dpxe_frame_payload(&f), f.payload_len);
	} else if (r == DPXE_DROP_OK && f.kind == DPXE_FRAME_ARP) {
		dpxe_arp_reply_write(reply, sizeof(reply), &f,
				     (const uint8_t *)"\x02\0\0\0\0\1", 1);
	}
	/* and the checked path, as the dataplane runs it without offloads */
	(void)dpxe_frame_parse(data, (uint32_t)size, 0, &f);

	dhcp_path(data, size);
	(void)dpxe_pxe_vendor_parse(data, size, &pxe);
	dpxe_vendor_class_parse(data, size, &vc);
	return 0;
}
