/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target over the whole receive path of lib/net and lib/dhcp:
 * the input is a frame; when it parses down to a UDP payload that payload
 * goes to the DHCP parser, and a parsed request gets a reply built for it
 * (which is parsed back) and is answered in full DHCP mode (fuzz_server.c).
 * The bytes after Ethernet and the tags also go to dpxe_udp6_parse, and a
 * reply to what parses is written and parsed back. The same bytes are also fed to the DHCP and PXE
 * sub-option parsers directly, so the fuzzer need not forge checksums to
 * reach them.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dhcp.h"
#include "dhcp_build.h"
#include "fuzz_server.h"
#include "ipv6.h"
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

/*
 * IPv6/UDP as the dataplane parses it after dpxe_frame_parse stopped at
 * the ethertype: trusted and checked checksums alike (the first lets
 * mutations through to the rest); a parse must describe bytes inside the
 * frame, and a reply's headers written around its payload must parse back
 * to the addresses and ports they were written with.
 */
static void
udp6_path(const struct dpxe_frame *f, size_t size)
{
	struct dpxe_udp6_spec s = { 0 };
	struct dpxe_udp6 u, back6;
	struct dpxe_frame rf;
	enum dpxe_drop_reason r;
	size_t hdr, len;

	r = dpxe_udp6_parse(f, DPXE_PARSE_UDP_CSUM_VERIFIED, &u);
	if (dpxe_drop_reason_name(r) == NULL)
		__builtin_trap();
	(void)dpxe_udp6_parse(f, 0, &back6);
	if (r != DPXE_DROP_OK)
		return;
	if ((size_t)u.payload_off + u.payload_len > size ||
	    u.payload_off != u.l4_off + DPXE_UDP_HDR_LEN ||
	    u.l4_off != f->l3_off + DPXE_IPV6_HDR_LEN)
		__builtin_trap();

	/* the reply a provider's PxeSendReply would build: the request's
	 * tags, back to its source, from the link-local of our MAC */
	s.vlan_count = f->vlan_count;
	for (uint8_t i = 0; i < f->vlan_count; i++) {
		s.vlan_tpid[i] = f->vlan_tpid[i];
		s.vlan_tci[i] = f->vlan_tci[i];
	}
	memcpy(s.dst_mac, dpxe_frame_src_mac(f), DPXE_ETHER_ADDR_LEN);
	memcpy(s.src_mac, "\x02\0\0\0\0\1", DPXE_ETHER_ADDR_LEN);
	dpxe_ipv6_link_local(s.src_mac, s.src);
	memcpy(s.dst, u.src, DPXE_IPV6_ADDR_LEN);
	s.src_port = u.dst_port;
	s.dst_port = u.src_port;
	hdr = dpxe_udp6_header_len(&s);
	if (u.payload_len > sizeof(reply) - hdr)
		return;
	memcpy(reply + hdr, f->data + u.payload_off, u.payload_len);
	len = dpxe_udp6_write(reply, sizeof(reply), &s, u.payload_len,
			      DPXE_NO_SUM);
	if (len != hdr + u.payload_len)
		__builtin_trap();
	/* what we write must parse, checksum checked */
	if (dpxe_frame_parse(reply, (uint32_t)len, 0, &rf) !=
		    DPXE_DROP_ETHERTYPE_UNSUPPORTED ||
	    dpxe_udp6_parse(&rf, 0, &back6) != DPXE_DROP_OK ||
	    back6.payload_len != u.payload_len ||
	    back6.src_port != s.src_port || back6.dst_port != s.dst_port ||
	    memcmp(back6.src, s.src, DPXE_IPV6_ADDR_LEN) != 0 ||
	    memcmp(back6.dst, s.dst, DPXE_IPV6_ADDR_LEN) != 0)
		__builtin_trap();
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
	memset(&f, 0, sizeof(f)); /* l3_off stays 0 unless Ethernet parsed */
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
	/* IPv6 on the same input: what follows Ethernet and the tags is read
	 * as IPv6 whatever the ethertype says (for an IPv6 frame, the very
	 * path handle.c takes), so the IPv4 seeds reach the IPv6 parser too
	 * (from them alone the fuzzer found no IPv6 ethertype in 30 s) */
	if (f.l3_off != 0) {
		f.ethertype = DPXE_ETHERTYPE_IPV6;
		udp6_path(&f, size);
	}
	/* and the checked path, as the dataplane runs it without offloads */
	(void)dpxe_frame_parse(data, (uint32_t)size, 0, &f);

	dhcp_path(data, size);
	(void)dpxe_pxe_vendor_parse(data, size, &pxe);
	dpxe_vendor_class_parse(data, size, &vc);
	return 0;
}
