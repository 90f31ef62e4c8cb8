/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/net IPv6/UDP (ipv6.h): a DHCPv6 SOLICIT as a client sends it (from
 * its link-local address to ff02::1:2, port 546 -> 547), built with
 * dpxe_udp6_write and read back through dpxe_frame_parse + dpxe_udp6_parse;
 * every truncation, each header field broken in turn, VLAN tags, and the
 * checksum against an independent computation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "byteorder.h"
#include "checksum.h"
#include "ipv6.h"
#include "net.h"

static const uint8_t client_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t server_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
/* fe80::5054:ff:fe12:3456, the client's link-local address from its MAC */
static const uint8_t client_ll[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0,
				       0x50, 0x54, 0x00, 0xff, 0xfe, 0x12, 0x34, 0x56 };
/* SOLICIT, xid 0x123456, Client Identifier (DUID-LL), Elapsed Time */
static const uint8_t solicit[] = {
	1, 0x12, 0x34, 0x56,
	0, 1, 0, 10, 0, 3, 0, 1, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
	0, 8, 0, 2, 0, 0,
};

/* The client's frame; returns its length. vlans: 0, 1 or 2 tags. */
static size_t
solicit_frame(uint8_t *frame, size_t cap, uint8_t vlans)
{
	struct dpxe_udp6_spec s = {
		.dst_mac = { 0x33, 0x33, 0x00, 0x01, 0x00, 0x02 },
		.src_port = DPXE_DHCPV6_CLIENT_PORT,
		.dst_port = DPXE_DHCPV6_SERVER_PORT,
		.hop_limit = 1,
		.vlan_count = vlans,
		.vlan_tpid = { DPXE_ETHERTYPE_QINQ, DPXE_ETHERTYPE_VLAN },
		.vlan_tci = { 100, 200 },
	};

	if (vlans == 1)
		s.vlan_tpid[0] = DPXE_ETHERTYPE_VLAN;
	memcpy(s.src_mac, client_mac, 6);
	memcpy(s.src, client_ll, 16);
	memcpy(s.dst, dpxe_ipv6_all_dhcp_agents, 16);
	memcpy(frame + dpxe_udp6_header_len(&s), solicit, sizeof(solicit));
	return dpxe_udp6_write(frame, cap, &s, sizeof(solicit), DPXE_NO_SUM);
}

static enum dpxe_drop_reason
parse6(const uint8_t *frame, uint32_t len, unsigned int flags, struct dpxe_frame *f,
       struct dpxe_udp6 *u)
{
	enum dpxe_drop_reason r = dpxe_frame_parse(frame, len, flags, f);

	/* Ethernet/VLAN are dpxe_frame_parse's; it stops at IPv6 */
	if (r != DPXE_DROP_ETHERTYPE_UNSUPPORTED)
		return r;
	return dpxe_udp6_parse(f, flags, u);
}

/* An independent UDP/IPv6 checksum: the pseudo-header spelled out byte by
 * byte, then a plain RFC 1071 loop. */
static uint16_t
ref_csum(const uint8_t *src, const uint8_t *dst, const uint8_t *udp, size_t len)
{
	uint8_t buf[2048];
	size_t n = 0;
	uint32_t sum = 0;

	memcpy(buf, src, 16);
	memcpy(buf + 16, dst, 16);
	n = 32;
	buf[n++] = 0;
	buf[n++] = 0;
	buf[n++] = (uint8_t)(len >> 8);
	buf[n++] = (uint8_t)len;
	buf[n++] = 0;
	buf[n++] = 0;
	buf[n++] = 0;
	buf[n++] = 17;
	memcpy(buf + n, udp, len);
	buf[n + 6] = buf[n + 7] = 0;
	n += len;
	if (n & 1)
		buf[n++] = 0;
	for (size_t i = 0; i < n; i += 2)
		sum += (uint32_t)buf[i] << 8 | buf[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	return sum == 0 ? 0xffff : (uint16_t)sum;
}

static void
test_roundtrip(void **state)
{
	uint8_t frame[256];
	struct dpxe_frame f;
	struct dpxe_udp6 u;

	(void)state;
	for (uint8_t vlans = 0; vlans <= 2; vlans++) {
		size_t len = solicit_frame(frame, sizeof(frame), vlans);
		size_t l3 = 14 + 4u * vlans;

		assert_int_equal(len, l3 + 40 + 8 + sizeof(solicit));
		assert_int_equal(parse6(frame, (uint32_t)len, 0, &f, &u), DPXE_DROP_OK);
		assert_int_equal(f.vlan_count, vlans);
		assert_int_equal(f.ethertype, DPXE_ETHERTYPE_IPV6);
		assert_memory_equal(u.src, client_ll, 16);
		assert_memory_equal(u.dst, dpxe_ipv6_all_dhcp_agents, 16);
		assert_int_equal(u.hop_limit, 1);
		assert_int_equal(u.src_port, 546);
		assert_int_equal(u.dst_port, 547);
		assert_int_equal(u.l4_off, l3 + 40);
		assert_int_equal(u.payload_off, l3 + 48);
		assert_int_equal(u.payload_len, sizeof(solicit));
		assert_memory_equal(frame + u.payload_off, solicit, sizeof(solicit));
		/* the header as RFC 8200 lays it out */
		assert_int_equal(frame[l3] >> 4, 6);
		assert_int_equal(dpxe_load_be16(frame + l3 + 4), 8 + sizeof(solicit));
		assert_int_equal(frame[l3 + 6], 17);
		assert_int_equal(dpxe_load_be16(frame + l3 + 46),
				 ref_csum(client_ll, dpxe_ipv6_all_dhcp_agents, frame + l3 + 40,
					  8 + sizeof(solicit)));
		/* Ethernet padding after the datagram is ignored */
		memset(frame + len, 0, 20);
		assert_int_equal(parse6(frame, (uint32_t)len + 20, 0, &f, &u), DPXE_DROP_OK);
		assert_int_equal(u.payload_len, sizeof(solicit));
	}
}

static void
test_truncated_everywhere(void **state)
{
	uint8_t frame[256];
	size_t len = solicit_frame(frame, sizeof(frame), 1);
	struct dpxe_frame f;
	struct dpxe_udp6 u;

	(void)state;
	/* every shorter frame is refused, none is read past its end (ASan) */
	for (size_t n = 0; n < len; n++) {
		uint8_t copy[256];
		enum dpxe_drop_reason r;

		memcpy(copy, frame, n);
		r = parse6(copy, (uint32_t)n, 0, &f, &u);
		assert_int_not_equal(r, DPXE_DROP_OK);
		if (n >= 18 + 40 && n < 18 + 48)
			assert_int_equal(r, DPXE_DROP_IP_BAD_TOTAL_LENGTH);
		else if (n >= 18 && n < 18 + 40)
			assert_int_equal(r, DPXE_DROP_IP_TRUNCATED);
	}
}

static void
test_bad_headers(void **state)
{
	uint8_t frame[256], bad[256];
	size_t len = solicit_frame(frame, sizeof(frame), 0);
	struct dpxe_frame f;
	struct dpxe_udp6 u;
	const size_t ip = 14, udp = 14 + 40;

	(void)state;
	/* version 4 in an IPv6 ethertype */
	memcpy(bad, frame, len);
	bad[ip] = 0x45;
	assert_int_equal(parse6(bad, (uint32_t)len, 0, &f, &u), DPXE_DROP_IP_BAD_VERSION);
	/* payload length past the frame */
	memcpy(bad, frame, len);
	dpxe_store_be16(bad + ip + 4, (uint16_t)(len - ip - 40 + 1));
	assert_int_equal(parse6(bad, (uint32_t)len, 0, &f, &u), DPXE_DROP_IP_BAD_TOTAL_LENGTH);
	/* an extension header (hop-by-hop) or another protocol: not UDP */
	memcpy(bad, frame, len);
	bad[ip + 6] = 0;
	assert_int_equal(parse6(bad, (uint32_t)len, 0, &f, &u), DPXE_DROP_IP_NOT_UDP);
	bad[ip + 6] = 6;
	assert_int_equal(parse6(bad, (uint32_t)len, 0, &f, &u), DPXE_DROP_IP_NOT_UDP);
	/* payload length below a UDP header */
	memcpy(bad, frame, len);
	dpxe_store_be16(bad + ip + 4, 7);
	assert_int_equal(parse6(bad, (uint32_t)len, 0, &f, &u), DPXE_DROP_UDP_TRUNCATED);
	/* UDP length past the IPv6 payload, or below its own header */
	memcpy(bad, frame, len);
	dpxe_store_be16(bad + udp + 4, (uint16_t)(len - udp + 1));
	assert_int_equal(parse6(bad, (uint32_t)len, 0, &f, &u), DPXE_DROP_UDP_BAD_LENGTH);
	dpxe_store_be16(bad + udp + 4, 7);
	assert_int_equal(parse6(bad, (uint32_t)len, 0, &f, &u), DPXE_DROP_UDP_BAD_LENGTH);
	/* a flipped payload bit; then the same trusted to a NIC's verdict */
	memcpy(bad, frame, len);
	bad[len - 1] ^= 1;
	assert_int_equal(parse6(bad, (uint32_t)len, 0, &f, &u), DPXE_DROP_UDP_BAD_CHECKSUM);
	assert_int_equal(parse6(bad, (uint32_t)len, DPXE_PARSE_UDP_CSUM_VERIFIED, &f, &u),
			 DPXE_DROP_OK);
	/* a zero checksum is "none", which IPv6 does not allow */
	memcpy(bad, frame, len);
	dpxe_store_be16(bad + udp + 6, 0);
	assert_int_equal(parse6(bad, (uint32_t)len, DPXE_PARSE_UDP_CSUM_VERIFIED, &f, &u),
			 DPXE_DROP_UDP_BAD_CHECKSUM);
	/* not an IPv6 frame at all */
	f.ethertype = DPXE_ETHERTYPE_IPV4;
	assert_int_equal(dpxe_udp6_parse(&f, 0, &u), DPXE_DROP_ETHERTYPE_UNSUPPORTED);
}

static void
test_write_limits_and_sum(void **state)
{
	uint8_t frame[256], again[256];
	struct dpxe_udp6_spec s = { .src_port = 547, .dst_port = 546 };
	size_t len;

	(void)state;
	memcpy(s.src_mac, server_mac, 6);
	memcpy(s.dst_mac, client_mac, 6);
	dpxe_ipv6_link_local(server_mac, s.src);
	memcpy(s.dst, client_ll, 16);
	memcpy(frame + dpxe_udp6_header_len(&s), solicit, sizeof(solicit));
	memcpy(again + dpxe_udp6_header_len(&s), solicit, sizeof(solicit));
	/* cap one byte short, too many tags: nothing */
	assert_int_equal(dpxe_udp6_write(frame, dpxe_udp6_header_len(&s) + sizeof(solicit) - 1,
					 &s, sizeof(solicit), DPXE_NO_SUM), 0);
	s.vlan_count = 3;
	assert_int_equal(dpxe_udp6_write(frame, sizeof(frame), &s, sizeof(solicit), DPXE_NO_SUM), 0);
	s.vlan_count = 0;
	assert_int_equal(dpxe_udp6_write(frame, SIZE_MAX, &s, 65536, DPXE_NO_SUM), 0);
	/* a known payload sum gives the same bytes as summing here */
	len = dpxe_udp6_write(frame, sizeof(frame), &s, sizeof(solicit), DPXE_NO_SUM);
	assert_int_equal(dpxe_udp6_write(again, sizeof(again), &s, sizeof(solicit),
					 dpxe_csum_add(0, solicit, sizeof(solicit))), len);
	assert_memory_equal(frame, again, len);
	assert_int_equal(frame[14 + 7], 64); /* default hop limit */
}

static void
test_addresses(void **state)
{
	uint8_t a[16], mac[6];
	static const uint8_t want[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0,
					  0x00, 0x00, 0x00, 0xff, 0xfe, 0x00, 0x00, 0x01 };

	(void)state;
	/* RFC 4291 appendix A: 02:00:00:00:00:01 -> fe80::ff:fe00:1 (the
	 * universal/local bit flipped) */
	dpxe_ipv6_link_local(server_mac, a);
	assert_memory_equal(a, want, 16);
	dpxe_ipv6_link_local(client_mac, a);
	assert_memory_equal(a, client_ll, 16);
	/* RFC 2464 section 7: 33:33 and the last four bytes */
	dpxe_ipv6_multicast_mac(dpxe_ipv6_all_dhcp_agents, mac);
	assert_memory_equal(mac, "\x33\x33\x00\x01\x00\x02", 6);
	assert_true(dpxe_ipv6_is_multicast(dpxe_ipv6_all_dhcp_servers));
	assert_false(dpxe_ipv6_is_multicast(client_ll));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_bad_headers),
		cmocka_unit_test(test_write_limits_and_sum),
		cmocka_unit_test(test_addresses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
