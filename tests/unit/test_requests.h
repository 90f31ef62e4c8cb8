/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Generated requests of every kind for the differential suites: a boot rule
 * set that covers every reply shape, and a reproducible random request
 * (arch, vendor class, iPXE, option 97 of every length, relay + option 82,
 * server id, port 4011 with a boot item, max message size).
 */
#ifndef DPXE_TEST_REQUESTS_H
#define DPXE_TEST_REQUESTS_H

#include <stdint.h>
#include <stdio.h>

#include "test_packets.h"

static const char treq_yaml[] =
	"server:\n"
	"  name: dpxe-test\n"
	"  ports: [{ip: 10.77.0.1, prefix: 24}]\n"
	"dataplane:\n"
	"  ports: [{name: p, devargs: net_null0}]\n"
	"boot:\n"
	"  tftp_server: 10.77.0.2\n"
	"  rules:\n"
	"    - name: ipxe\n"
	"      match: {ipxe: true}\n"
	"      url: http://10.77.0.1/boot.ipxe\n"
	"    - name: http\n"
	"      match: {arch: [16, 19]}\n"
	"      url: http://10.77.0.1/shimx64.efi\n"
	"    - name: arm\n"
	"      match: {arch: [11]}\n"
	"      boot_server: true\n"
	"      menu_prompt: Pick\n"
	"      menu: [{type: 0x8001, text: Install}, {type: 0, text: Local}]\n"
	"    - name: uefi\n"
	"      match: {arch: [7, 9]}\n"
	"      boot_file: ipxe.efi\n"
	"      tftp_server: 10.77.0.9\n"
	"    - name: relay\n"
	"      match: {relay: 10.9.0.0/16}\n"
	"      boot_file: relayed.kpxe\n"
	"    - name: bios\n"
	"      match: {arch: [0]}\n"
	"      boot_file: undionly.kpxe\n"
	"hosts:\n"
	"  - {mac: \"52:54:00:00:00:07\", boot_file: special.kpxe}\n";

static uint32_t treq_rng = 2463534242u;

/* xorshift32: the same sequence on every run */
static inline uint32_t
treq_rnd(uint32_t n)
{
	treq_rng ^= treq_rng << 13;
	treq_rng ^= treq_rng >> 17;
	treq_rng ^= treq_rng << 5;
	return treq_rng % n;
}

/* One generated request of a random kind into p; server_ip (network
 * order) is the id a REQUEST to 67 names most of the time. Returns the
 * port it goes to. */
static inline uint16_t
treq_make(struct tpkt *p, uint32_t server_ip)
{
	static const uint16_t arches[] = { 0, 6, 7, 9, 11, 16, 19, 27 };
	static const uint8_t types[] = { DPXE_DHCPDISCOVER, DPXE_DHCPDISCOVER,
					 DPXE_DHCPDISCOVER, DPXE_DHCPREQUEST,
					 DPXE_DHCPINFORM };
	uint16_t arch = arches[treq_rnd(8)], port = treq_rnd(6) ? 67 : 4011;
	uint8_t type = types[treq_rnd(5)], a[2], uuid[17] = { 0 },
		mac[6] = { 0x52, 0x54, 0, 0, 0 };
	char vc[48];

	tpkt_dhcp_init(p, type);
	mac[5] = (uint8_t)treq_rnd(12); /* sometimes the host 52:54:00:00:00:07 */
	memcpy(p->buf + DPXE_BOOTP_CHADDR, mac, 6);
	dpxe_store_be32(p->buf + DPXE_BOOTP_XID, treq_rnd(0xffffffff));
	dpxe_store_be16(p->buf + DPXE_BOOTP_FLAGS,
			treq_rnd(2) ? DPXE_BOOTP_FLAG_BROADCAST : 0);
	if (treq_rnd(5) == 0) {
		dpxe_store_be32(p->buf + DPXE_BOOTP_GIADDR, 0x0a090001);
		tpkt_opt(p, DPXE_OPT_RELAY_AGENT_INFO, "\x01\x03" "abc", 5);
	}
	switch (treq_rnd(4)) {
	case 0:
		snprintf(vc, sizeof(vc), "PXEClient:Arch:%05u:UNDI:003016", arch);
		break;
	case 1:
		snprintf(vc, sizeof(vc), "HTTPClient:Arch:%05u:UNDI:003000", arch);
		break;
	case 2:
		snprintf(vc, sizeof(vc), "PXEClient");
		break;
	default:
		snprintf(vc, sizeof(vc), treq_rnd(4) ? "PXEClient:Arch:%05u" : "MSFT 5.0",
			 arch);
	}
	tpkt_opt_str(p, DPXE_OPT_VENDOR_CLASS, vc);
	if (treq_rnd(3)) {
		dpxe_store_be16(a, arch);
		tpkt_opt(p, DPXE_OPT_CLIENT_ARCH, a, 2);
	}
	if (treq_rnd(3) == 0)
		tpkt_opt_str(p, DPXE_OPT_USER_CLASS, "iPXE");
	switch (treq_rnd(4)) {
	case 0:
		break;
	case 3:
		tpkt_opt(p, DPXE_OPT_CLIENT_UUID, uuid, 16); /* odd length */
		break;
	default:
		for (int i = 0; i < 17; i++)
			uuid[i] = (uint8_t)(i ? treq_rnd(256) : 0);
		tpkt_opt(p, DPXE_OPT_CLIENT_UUID, uuid, 17);
	}
	if (type == DPXE_DHCPREQUEST && port == 67) {
		uint32_t sid = treq_rnd(4) ? server_ip : 0x0200000a;

		tpkt_opt(p, DPXE_OPT_SERVER_ID, &sid, 4);
	}
	if (port == 4011 && treq_rnd(2))
		tpkt_opt(p, DPXE_OPT_VENDOR, "\x47\x04\x80\x01\x00\x00\xff", 7);
	if (treq_rnd(4) == 0) {
		uint8_t m[2];

		dpxe_store_be16(m, treq_rnd(2) ? 576 : 1500);
		tpkt_opt(p, DPXE_OPT_MAX_MSG_SIZE, m, 2);
	}
	tpkt_end(p);
	return port;
}

#endif /* DPXE_TEST_REQUESTS_H */
