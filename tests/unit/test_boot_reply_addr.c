/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cmocka suite for lib/boot reply addressing (RFC 2131 §4.1 and the PXE
 * boot server on port 4011), over real frames built and parsed with lib/net.
 * The frame's source MAC differs from chaddr throughout, so each case shows
 * which of the two a reply is sent to.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "reply_addr.h"
#include "test_packets.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

enum mac_want { TO_FRAME_SRC, TO_CHADDR, TO_BROADCAST };

struct addr_case {
	const char *desc;
	/* the request; addresses host order */
	uint16_t dport;
	uint32_t ip_src;
	uint16_t sport;
	uint32_t giaddr;
	uint32_t ciaddr;
	bool bcast_flag;
	uint8_t vlans;
	/* the reply */
	uint8_t type;
	uint32_t yiaddr;
	/* expected */
	uint32_t ip;
	uint16_t port;
	enum mac_want mac;
};

static const uint8_t frame_src_mac[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };

static struct tpkt pkt;
static struct dpxe_dhcp_msg msg;
static uint8_t frame[2048];

static void
run_case(const struct addr_case *k)
{
	struct dpxe_frame f;
	struct dpxe_reply_dest d;
	size_t flen;
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	tpkt_pxe_discover(&pkt, 0);
	dpxe_store_be32(pkt.buf + DPXE_BOOTP_GIADDR, k->giaddr);
	dpxe_store_be32(pkt.buf + DPXE_BOOTP_CIADDR, k->ciaddr);
	if (k->bcast_flag)
		dpxe_store_be16(pkt.buf + DPXE_BOOTP_FLAGS,
				DPXE_BOOTP_FLAG_BROADCAST);
	flen = tpkt_frame(frame, sizeof(frame), pkt.buf, pkt.len,
			  htonl_test(k->ip_src), htonl_test(0xffffffff),
			  k->sport, k->dport, k->vlans);
	assert_true(flen > 0);
	/* a relay, or a client whose NIC MAC is not its chaddr */
	memcpy(frame + DPXE_ETHER_ADDR_LEN, frame_src_mac, 6);
	assert_int_equal(dpxe_frame_parse(frame, (uint32_t)flen, 0, &f),
			 DPXE_DROP_OK);
	assert_int_equal(dpxe_dhcp_parse(dpxe_frame_payload(&f),
					 f.payload_len, &msg), DPXE_DROP_OK);

	memset(&d, 0x5a, sizeof(d));
	dpxe_reply_dest_pick(&f, &msg, k->type, htonl_test(k->yiaddr), &d);
	if (d.ip != htonl_test(k->ip) || d.port != k->port)
		fail_msg("%s: expected %08x:%u, got %08x:%u", k->desc, k->ip,
			 k->port, dpxe_load_be32((uint8_t *)&d.ip), d.port);
	switch (k->mac) {
	case TO_BROADCAST:
		if (!d.l2_broadcast || memcmp(d.mac, bcast, 6))
			fail_msg("%s: expected an L2 broadcast", k->desc);
		break;
	case TO_FRAME_SRC:
		if (d.l2_broadcast || memcmp(d.mac, frame_src_mac, 6))
			fail_msg("%s: expected the frame's source MAC",
				 k->desc);
		break;
	case TO_CHADDR:
		if (d.l2_broadcast || memcmp(d.mac, tpkt_client_mac, 6))
			fail_msg("%s: expected chaddr", k->desc);
		break;
	}
}

#define CLIENT 0xc0000242u /* 192.0.2.66 */
#define RELAY 0x0a010001u  /* 10.1.0.1 */
#define OFFERED 0xc0000264u
#define BCAST 0xffffffffu

/* the boot server answers the asker */
static void
test_boot_server_port(void **state)
{
	static const struct addr_case cases[] = {
		{ "4011: source ip and port", 4011, CLIENT, 68, 0, CLIENT, false, 0,
		  DPXE_DHCPACK, 0, CLIENT, 68, TO_FRAME_SRC },
		{ "4011: a client asking from port 4011", 4011, CLIENT, 4011, 0, 0,
		  false, 0, DPXE_DHCPACK, 0, CLIENT, 4011, TO_FRAME_SRC },
		{ "4011: broadcast flag does not matter", 4011, CLIENT, 68, 0, 0,
		  true, 0, DPXE_DHCPACK, 0, CLIENT, 68, TO_FRAME_SRC },
		{ "4011: before giaddr", 4011, CLIENT, 68, RELAY, 0, false, 0,
		  DPXE_DHCPACK, 0, CLIENT, 68, TO_FRAME_SRC },
		{ "4011: no source address, broadcast to its port", 4011, 0, 68, 0,
		  0, false, 0, DPXE_DHCPACK, 0, BCAST, 68, TO_BROADCAST },
		{ "4011: tagged frame", 4011, CLIENT, 68, 0, 0, false, 2,
		  DPXE_DHCPACK, 0, CLIENT, 68, TO_FRAME_SRC },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++)
		run_case(&cases[i]);
}

/* relays get it on port 67, whatever else the request says */
static void
test_relay(void **state)
{
	static const struct addr_case cases[] = {
		{ "giaddr: OFFER to the relay", 67, RELAY, 67, RELAY, 0, false, 0,
		  DPXE_DHCPOFFER, 0, RELAY, 67, TO_FRAME_SRC },
		{ "giaddr: over ciaddr and broadcast flag", 67, RELAY, 67, RELAY,
		  CLIENT, true, 0, DPXE_DHCPACK, 0, RELAY, 67, TO_FRAME_SRC },
		{ "giaddr: a NAK too", 67, RELAY, 67, RELAY, CLIENT, false, 0,
		  DPXE_DHCPNAK, 0, RELAY, 67, TO_FRAME_SRC },
		{ "giaddr: with a yiaddr", 67, RELAY, 67, RELAY, 0, false, 1,
		  DPXE_DHCPOFFER, OFFERED, RELAY, 67, TO_FRAME_SRC },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++)
		run_case(&cases[i]);
}

/* ciaddr, unless NAK */
static void
test_ciaddr(void **state)
{
	static const struct addr_case cases[] = {
		{ "ciaddr: unicast, port 68", 67, CLIENT, 68, 0, CLIENT, false, 0,
		  DPXE_DHCPACK, 0, CLIENT, 68, TO_FRAME_SRC },
		{ "ciaddr: over the broadcast flag", 67, CLIENT, 68, 0, CLIENT, true,
		  0, DPXE_DHCPACK, 0, CLIENT, 68, TO_FRAME_SRC },
		{ "ciaddr: over yiaddr", 67, CLIENT, 68, 0, CLIENT, false, 0,
		  DPXE_DHCPACK, OFFERED, CLIENT, 68, TO_FRAME_SRC },
		{ "ciaddr: a NAK is broadcast", 67, CLIENT, 68, 0, CLIENT, false, 0,
		  DPXE_DHCPNAK, 0, BCAST, 68, TO_BROADCAST },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++)
		run_case(&cases[i]);
}

/* broadcast */
static void
test_broadcast(void **state)
{
	static const struct addr_case cases[] = {
		{ "broadcast flag", 67, 0, 68, 0, 0, true, 0, DPXE_DHCPOFFER,
		  OFFERED, BCAST, 68, TO_BROADCAST },
		{ "NAK without ciaddr", 67, 0, 68, 0, 0, false, 0, DPXE_DHCPNAK,
		  OFFERED, BCAST, 68, TO_BROADCAST },
		{ "proxyDHCP OFFER (yiaddr 0)", 67, 0, 68, 0, 0, false, 0,
		  DPXE_DHCPOFFER, 0, BCAST, 68, TO_BROADCAST },
		{ "proxyDHCP ACK on 67 (yiaddr 0)", 67, 0, 68, 0, 0, false, 1,
		  DPXE_DHCPACK, 0, BCAST, 68, TO_BROADCAST },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++)
		run_case(&cases[i]);
}

/* unicast to an address the client does not hold yet */
static void
test_unicast_chaddr(void **state)
{
	static const struct addr_case cases[] = {
		{ "yiaddr at chaddr, no ARP", 67, 0, 68, 0, 0, false, 0,
		  DPXE_DHCPOFFER, OFFERED, OFFERED, 68, TO_CHADDR },
		{ "yiaddr ACK at chaddr", 67, 0, 68, 0, 0, false, 2, DPXE_DHCPACK,
		  OFFERED, OFFERED, 68, TO_CHADDR },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++)
		run_case(&cases[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boot_server_port),
		cmocka_unit_test(test_relay),
		cmocka_unit_test(test_ciaddr),
		cmocka_unit_test(test_broadcast),
		cmocka_unit_test(test_unicast_chaddr),
	};

	return cmocka_run_group_tests_name("boot_reply_addr", tests, NULL,
					   NULL);
}
