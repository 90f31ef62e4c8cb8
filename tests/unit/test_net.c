/* SPDX-License-Identifier: BSD-3-Clause */
/* cmocka suite for lib/net: Ethernet/VLAN/ARP/IPv4/UDP parse and build, checksums. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "checksum.h"
#include "test_packets.h"

static uint8_t frame[2048];
static struct dpxe_frame f;
static struct tpkt pkt;

#define CLIENT_IP 0 /* 0.0.0.0 */

/* A DISCOVER in a frame with `vlans` tags; returns the frame length. */
static size_t
discover_frame(uint8_t vlans)
{
	tpkt_pxe_discover(&pkt, 0);
	return tpkt_frame(frame, sizeof(frame), pkt.buf, pkt.len, CLIENT_IP,
			  DPXE_IPV4_BROADCAST, 68, 67, vlans);
}

/* Fix the IPv4 header checksum after a test edited the header. */
static void
reseal_ip(size_t off)
{
	size_t ihl = (size_t)(frame[off] & 0x0f) * 4;

	dpxe_store_be16(frame + off + 10, 0);
	dpxe_store_be16(frame + off + 10, dpxe_ipv4_header_csum(frame + off, ihl));
}

static void
test_checksum_vectors(void **state)
{
	/* RFC 1071 §3 example: sum 0xddf2, checksum 0x220d */
	static const uint8_t rfc1071[] = { 0x00, 0x01, 0xf2, 0x03,
					   0xf4, 0xf5, 0xf6, 0xf7 };
	/* a real IPv4 header (Wikipedia's worked example), checksum b861 */
	static const uint8_t iphdr[] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00,
					 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61,
					 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8,
					 0x00, 0xc7 };
	uint8_t copy[sizeof(iphdr)];

	(void)state;
	assert_int_equal(dpxe_csum_add(0, rfc1071, sizeof(rfc1071)), 0xddf2);
	assert_int_equal(dpxe_csum_fold(0xddf2), 0x220d);
	assert_int_equal(dpxe_ipv4_header_csum(iphdr, sizeof(iphdr)), 0);
	memcpy(copy, iphdr, sizeof(copy));
	copy[10] = copy[11] = 0;
	assert_int_equal(dpxe_ipv4_header_csum(copy, sizeof(copy)), 0xb861);
	/* odd length: the last byte is the high half of a word */
	assert_int_equal(dpxe_csum_add(0, (const uint8_t *)"\x01", 1), 0x0100);
}

/* The word-at-a-time sum against the RFC 1071 definition, byte by byte,
 * for every length and alignment a frame can have. */
static uint32_t
reference_sum(uint32_t sum, const uint8_t *p, size_t len)
{
	uint64_t acc = sum;

	for (; len >= 2; p += 2, len -= 2)
		acc += (uint32_t)p[0] << 8 | p[1];
	if (len)
		acc += (uint32_t)p[0] << 8;
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint32_t)acc;
}

static void
test_checksum_differential(void **state)
{
	static uint8_t buf[1600];
	uint32_t seed = 12345;

	(void)state;
	for (size_t i = 0; i < sizeof(buf); i++) {
		seed = seed * 1103515245 + 12345;
		buf[i] = (uint8_t)(seed >> 16);
	}
	for (size_t off = 0; off < 8; off++)
		for (size_t len = 0; len + off <= sizeof(buf); len += 1 + len / 64) {
			uint32_t start = (uint32_t)(len * 7919) & 0xffff;

			assert_int_equal(
				dpxe_csum_fold(dpxe_csum_add(start, buf + off, len)),
				dpxe_csum_fold(reference_sum(start, buf + off, len)));
		}
	/* all-ones data: the carries that the folding must get right */
	memset(buf, 0xff, sizeof(buf));
	assert_int_equal(dpxe_csum_fold(dpxe_csum_add(0xffff, buf, 1501)),
			 dpxe_csum_fold(reference_sum(0xffff, buf, 1501)));
}

static void
test_parse_udp_untagged(void **state)
{
	size_t len;

	(void)state;
	len = discover_frame(0);
	assert_int_equal(len, 14 + 20 + 8 + pkt.len);
	assert_int_equal(dpxe_frame_parse(frame, (uint32_t)len, 0, &f),
			 DPXE_DROP_OK);
	assert_int_equal(f.kind, DPXE_FRAME_UDP4);
	assert_int_equal(f.vlan_count, 0);
	assert_int_equal(f.ethertype, DPXE_ETHERTYPE_IPV4);
	assert_int_equal(f.l3_off, 14);
	assert_int_equal(f.l4_off, 34);
	assert_int_equal(f.payload_off, 42);
	assert_int_equal(f.payload_len, pkt.len);
	assert_int_equal(f.src_port, 68);
	assert_int_equal(f.dst_port, 67);
	assert_int_equal(f.ip_src, 0);
	assert_int_equal(f.ip_dst, DPXE_IPV4_BROADCAST);
	assert_int_equal(f.ip_ttl, 64);
	assert_memory_equal(dpxe_frame_src_mac(&f), tpkt_client_mac, 6);
	assert_memory_equal(dpxe_frame_dst_mac(&f), "\xff\xff\xff\xff\xff\xff", 6);
	assert_memory_equal(dpxe_frame_payload(&f), pkt.buf, pkt.len);

	/* Ethernet padding after the datagram is ignored */
	memset(frame + len, 0, 20);
	assert_int_equal(dpxe_frame_parse(frame, (uint32_t)len + 20, 0, &f),
			 DPXE_DROP_OK);
	assert_int_equal(f.payload_len, pkt.len);
}

static void
test_parse_vlan_and_qinq(void **state)
{
	size_t len;

	(void)state;
	len = discover_frame(1);
	assert_int_equal(dpxe_frame_parse(frame, (uint32_t)len, 0, &f),
			 DPXE_DROP_OK);
	assert_int_equal(f.vlan_count, 1);
	assert_int_equal(f.vlan_tpid[0], DPXE_ETHERTYPE_VLAN);
	assert_int_equal(f.vlan_tci[0], 100);
	assert_int_equal(f.l3_off, 18);
	assert_int_equal(f.dst_port, 67);

	len = discover_frame(2);
	assert_int_equal(dpxe_frame_parse(frame, (uint32_t)len, 0, &f),
			 DPXE_DROP_OK);
	assert_int_equal(f.vlan_count, 2);
	assert_int_equal(f.vlan_tpid[0], DPXE_ETHERTYPE_QINQ);
	assert_int_equal(f.vlan_tpid[1], DPXE_ETHERTYPE_VLAN);
	assert_int_equal(f.vlan_tci[0], 100);
	assert_int_equal(f.vlan_tci[1], 200);
	assert_int_equal(f.l3_off, 22);
	assert_int_equal(f.payload_len, pkt.len);

	/* the pre-standard 0x9100 S-tag is a tag too */
	dpxe_store_be16(frame + 12, DPXE_ETHERTYPE_QINQ_OLD);
	assert_int_equal(dpxe_frame_parse(frame, (uint32_t)len, 0, &f),
			 DPXE_DROP_OK);
	assert_int_equal(f.vlan_tpid[0], DPXE_ETHERTYPE_QINQ_OLD);

	/* a third tag is deeper than we go */
	dpxe_store_be16(frame + 20, DPXE_ETHERTYPE_VLAN);
	assert_int_equal(dpxe_frame_parse(frame, (uint32_t)len, 0, &f),
			 DPXE_DROP_VLAN_TOO_DEEP);
}

/* Every cut of a tagged DISCOVER frame has a reason, and the right one. */
static void
test_truncated_frames(void **state)
{
	size_t len;

	(void)state;
	len = discover_frame(2);
	for (size_t cut = 0; cut < len; cut++) {
		enum dpxe_drop_reason r, want;

		if (cut < 14)
			want = DPXE_DROP_ETH_TRUNCATED;
		else if (cut < 22)
			want = DPXE_DROP_VLAN_TRUNCATED;
		else if (cut < 42)
			want = DPXE_DROP_IP_TRUNCATED;
		else
			want = DPXE_DROP_IP_BAD_TOTAL_LENGTH;
		/* the second tag's TPID/TCI: cut inside tag 2 is still a tag cut */
		r = dpxe_frame_parse(frame, (uint32_t)cut, 0, &f);
		assert_int_equal(r, want);
	}
}

struct ip_case {
	const char *name;
	size_t off; /* byte in the IPv4 header to set */
	uint8_t val;
	bool reseal;
	enum dpxe_drop_reason want;
};

static void
test_ipv4_checks(void **state)
{
	static const struct ip_case cases[] = {
		{ "version 6", 0, 0x65, true, DPXE_DROP_IP_BAD_VERSION },
		{ "ihl 4", 0, 0x44, true, DPXE_DROP_IP_BAD_IHL },
		{ "ihl 0", 0, 0x40, true, DPXE_DROP_IP_BAD_IHL },
		{ "ihl 15: udp header lands in payload", 0, 0x4f, true, DPXE_DROP_UDP_BAD_LENGTH },
		{ "total above frame", 2, 0x40, true, DPXE_DROP_IP_BAD_TOTAL_LENGTH },
		{ "bad checksum", 11, 0x00, false, DPXE_DROP_IP_BAD_CHECKSUM },
		{ "more fragments", 6, 0x20, true, DPXE_DROP_IP_FRAGMENT },
		{ "fragment offset", 7, 0x01, true, DPXE_DROP_IP_FRAGMENT },
		{ "tcp", 9, 6, true, DPXE_DROP_IP_NOT_UDP },
		{ "icmp", 9, 1, true, DPXE_DROP_IP_NOT_UDP },
		{ "DF is fine", 6, 0x40, true, DPXE_DROP_OK },
		{ "tos is fine", 1, 0x10, true, DPXE_DROP_OK },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = discover_frame(0);

		frame[14 + cases[i].off] = cases[i].val;
		if (cases[i].reseal)
			reseal_ip(14);
		else
			frame[14 + 10] ^= 0xff;
		print_message("ipv4 case: %s\n", cases[i].name);
		assert_int_equal(dpxe_frame_parse(frame, (uint32_t)len, 0, &f),
				 cases[i].want);
	}

	/* total length below the header length */
	size_t len = discover_frame(0);
	dpxe_store_be16(frame + 16, 19);
	reseal_ip(14);
	assert_int_equal(dpxe_frame_parse(frame, (uint32_t)len, 0, &f),
			 DPXE_DROP_IP_BAD_TOTAL_LENGTH);

	/* a checksum the NIC verified is not checked again */
	len = discover_frame(0);
	frame[14 + 10] ^= 0xff;
	assert_int_equal(dpxe_frame_parse(frame, (uint32_t)len,
					  DPXE_PARSE_IP_CSUM_VERIFIED, &f),
			 DPXE_DROP_OK);
}

/* IPv4 options (IHL > 5) move the UDP header. */
static void
test_ipv4_options(void **state)
{
	uint8_t moved[2048];
	size_t len = discover_frame(0);

	(void)state;
	/* insert 4 bytes of options (NOP NOP NOP EOL) after the base header */
	memcpy(moved, frame, 34);
	memcpy(moved + 34, "\x01\x01\x01\x00", 4);
	memcpy(moved + 38, frame + 34, len - 34);
	memcpy(frame, moved, len + 4);
	frame[14] = 0x46;
	dpxe_store_be16(frame + 16, (uint16_t)(dpxe_load_be16(frame + 16) + 4));
	reseal_ip(14);
	assert_int_equal(dpxe_frame_parse(frame, (uint32_t)len + 4, 0, &f),
			 DPXE_DROP_OK);
	assert_int_equal(f.l4_off, 38);
	assert_int_equal(f.payload_off, 46);
	assert_int_equal(f.payload_len, pkt.len);
	assert_memory_equal(dpxe_frame_payload(&f), pkt.buf, pkt.len);
}

static void
test_udp_checks(void **state)
{
	size_t len;
	uint8_t *udp;

	(void)state;
	len = discover_frame(0);
	udp = frame + 34;

	/* a zero checksum means "none" on IPv4 */
	dpxe_store_be16(udp + 6, 0);
	assert_int_equal(dpxe_frame_parse(frame, (uint32_t)len, 0, &f),
			 DPXE_DROP_OK);

	len = discover_frame(0);
	frame[len - 1] ^= 0x55; /* payload corrupted */
	assert_int_equal(dpxe_frame_parse(frame, (uint32_t)len, 0, &f),
			 DPXE_DROP_UDP_BAD_CHECKSUM);
	assert_int_equal(dpxe_frame_parse(frame, (uint32_t)len,
					  DPXE_PARSE_UDP_CSUM_VERIFIED, &f),
			 DPXE_DROP_OK);

	len = discover_frame(0);
	dpxe_store_be16(udp + 4, 7);
	assert_int_equal(dpxe_frame_parse(frame, (uint32_t)len, 0, &f),
			 DPXE_DROP_UDP_BAD_LENGTH);
	dpxe_store_be16(udp + 4, (uint16_t)(len - 34 + 1));
	assert_int_equal(dpxe_frame_parse(frame, (uint32_t)len, 0, &f),
			 DPXE_DROP_UDP_BAD_LENGTH);

	/* IPv4 total length leaves less than a UDP header */
	len = discover_frame(0);
	dpxe_store_be16(frame + 16, 20 + 7);
	reseal_ip(14);
	assert_int_equal(dpxe_frame_parse(frame, (uint32_t)len, 0, &f),
			 DPXE_DROP_UDP_TRUNCATED);

	/* a UDP length shorter than the IP datagram: trailing bytes ignored */
	len = discover_frame(0);
	dpxe_store_be16(udp + 4, (uint16_t)(8 + 240));
	dpxe_store_be16(udp + 6, 0);
	assert_int_equal(dpxe_frame_parse(frame, (uint32_t)len, 0, &f),
			 DPXE_DROP_OK);
	assert_int_equal(f.payload_len, 240);
}

static void
test_other_ethertypes(void **state)
{
	static const uint16_t types[] = { 0x86dd, 0x88cc, 0x0842, 0x8847, 0 };
	size_t len;

	(void)state;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		len = discover_frame(0);
		dpxe_store_be16(frame + 12, types[i]);
		assert_int_equal(dpxe_frame_parse(frame, (uint32_t)len, 0, &f),
				 DPXE_DROP_ETHERTYPE_UNSUPPORTED);
	}
	/* inside a VLAN too */
	len = discover_frame(1);
	dpxe_store_be16(frame + 16, 0x86dd);
	assert_int_equal(dpxe_frame_parse(frame, (uint32_t)len, 0, &f),
			 DPXE_DROP_ETHERTYPE_UNSUPPORTED);
}

static size_t
arp_request(uint8_t *buf, uint8_t vlans, uint32_t target)
{
	static const uint8_t zero[6];
	size_t off = 12;

	memset(buf, 0xff, 6);
	memcpy(buf + 6, tpkt_client_mac, 6);
	for (uint8_t i = 0; i < vlans; i++) {
		dpxe_store_be16(buf + off, DPXE_ETHERTYPE_VLAN);
		dpxe_store_be16(buf + off + 2, 42);
		off += 4;
	}
	dpxe_store_be16(buf + off, DPXE_ETHERTYPE_ARP);
	off += 2;
	memcpy(buf + off, "\x00\x01\x08\x00\x06\x04\x00\x01", 8);
	memcpy(buf + off + 8, tpkt_client_mac, 6);
	dpxe_store_be32(buf + off + 14, 0x0a4d0064); /* 10.77.0.100 */
	memcpy(buf + off + 18, zero, 6);
	dpxe_store_ip(buf + off + 24, target);
	memset(buf + off + 28, 0, 18);
	return off + 28 + 18; /* padded to 60 like on the wire */
}

static void
test_arp(void **state)
{
	static const uint8_t our_mac[6] = { 0x02, 0, 0, 0, 0, 1 };
	uint32_t our_ip = htonl_test(0x0a4d0001);
	uint8_t reply[128];
	struct dpxe_frame rf;
	size_t len, rlen;

	(void)state;
	for (uint8_t vlans = 0; vlans <= 1; vlans++) {
		len = arp_request(frame, vlans, our_ip);
		assert_int_equal(dpxe_frame_parse(frame, (uint32_t)len, 0, &f),
				 DPXE_DROP_OK);
		assert_int_equal(f.kind, DPXE_FRAME_ARP);
		assert_int_equal(f.arp_op, DPXE_ARP_OP_REQUEST);
		assert_int_equal(f.arp_tpa, our_ip);
		assert_int_equal(f.arp_spa, htonl_test(0x0a4d0064));

		rlen = dpxe_arp_reply_write(reply, sizeof(reply), &f, our_mac,
					    our_ip);
		assert_int_equal(rlen, 60); /* Ethernet minimum, tags included */
		assert_int_equal(dpxe_frame_parse(reply, (uint32_t)rlen, 0, &rf),
				 DPXE_DROP_OK);
		assert_int_equal(rf.kind, DPXE_FRAME_ARP);
		assert_int_equal(rf.vlan_count, vlans);
		if (vlans)
			assert_int_equal(rf.vlan_tci[0], 42);
		assert_int_equal(rf.arp_op, DPXE_ARP_OP_REPLY);
		assert_int_equal(rf.arp_spa, our_ip);
		assert_int_equal(rf.arp_tpa, htonl_test(0x0a4d0064));
		assert_memory_equal(dpxe_frame_dst_mac(&rf), tpkt_client_mac, 6);
		assert_memory_equal(dpxe_frame_src_mac(&rf), our_mac, 6);
		assert_memory_equal(reply + rf.l3_off + 8, our_mac, 6);
		assert_memory_equal(reply + rf.l3_off + 18, tpkt_client_mac, 6);

		/* in place gives the same bytes */
		assert_int_equal(dpxe_arp_reply_write(frame, sizeof(frame), &f,
						      our_mac, our_ip), rlen);
		assert_memory_equal(frame, reply, rlen);

		/* too small a buffer */
		len = arp_request(frame, vlans, our_ip);
		assert_int_equal(dpxe_frame_parse(frame, (uint32_t)len, 0, &f),
				 DPXE_DROP_OK);
		assert_int_equal(dpxe_arp_reply_write(reply, rlen - 1, &f,
						      our_mac, our_ip), 0);
	}

	len = arp_request(frame, 0, our_ip);
	assert_int_equal(dpxe_frame_parse(frame, 14 + 27, 0, &f),
			 DPXE_DROP_ARP_TRUNCATED);
	frame[14 + 1] = 6; /* htype 6 */
	assert_int_equal(dpxe_frame_parse(frame, (uint32_t)len, 0, &f),
			 DPXE_DROP_ARP_NOT_ETH_IPV4);
	len = arp_request(frame, 0, our_ip);
	frame[14 + 5] = 16; /* plen 16 */
	assert_int_equal(dpxe_frame_parse(frame, (uint32_t)len, 0, &f),
			 DPXE_DROP_ARP_NOT_ETH_IPV4);
	/* a UDP frame is not an ARP request to answer */
	len = discover_frame(0);
	assert_int_equal(dpxe_frame_parse(frame, (uint32_t)len, 0, &f),
			 DPXE_DROP_OK);
	assert_int_equal(dpxe_arp_reply_write(reply, sizeof(reply), &f, our_mac,
					      our_ip), 0);
}

static void
test_udp4_write(void **state)
{
	struct dpxe_udp4_spec s = {
		.dst_mac = { 1, 2, 3, 4, 5, 6 },
		.src_mac = { 2, 0, 0, 0, 0, 1 },
		.vlan_count = 1,
		.vlan_tpid = { DPXE_ETHERTYPE_VLAN },
		.vlan_tci = { 7 },
		.ip_src = htonl_test(0x0a4d0001),
		.ip_dst = htonl_test(0x0a4d0064),
		.src_port = 67,
		.dst_port = 68,
		.udp_csum = true,
	};
	uint8_t payload[300];
	size_t hl = dpxe_udp4_header_len(&s), len;

	(void)state;
	assert_int_equal(hl, 14 + 4 + 20 + 8);
	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)i;
	memcpy(frame + hl, payload, sizeof(payload));
	len = dpxe_udp4_write(frame, sizeof(frame), &s, sizeof(payload));
	assert_int_equal(len, hl + sizeof(payload));
	assert_int_equal(dpxe_frame_parse(frame, (uint32_t)len, 0, &f),
			 DPXE_DROP_OK);
	assert_int_equal(f.vlan_count, 1);
	assert_int_equal(f.vlan_tci[0], 7);
	assert_int_equal(f.ip_src, s.ip_src);
	assert_int_equal(f.ip_dst, s.ip_dst);
	assert_int_equal(f.ip_ttl, 64);
	assert_int_equal(f.src_port, 67);
	assert_int_equal(f.dst_port, 68);
	assert_int_equal(f.payload_len, sizeof(payload));
	assert_memory_equal(dpxe_frame_payload(&f), payload, sizeof(payload));
	assert_true(dpxe_load_be16(frame + f.l4_off + 6) != 0);
	assert_int_equal(dpxe_load_be16(frame + f.l3_off + 6), 0x4000);

	/* no UDP checksum, checksum left to the NIC */
	s.udp_csum = false;
	s.ip_csum_offload = true;
	len = dpxe_udp4_write(frame, sizeof(frame), &s, sizeof(payload));
	assert_int_equal(dpxe_load_be16(frame + f.l4_off + 6), 0);
	assert_int_equal(dpxe_load_be16(frame + f.l3_off + 10), 0);
	assert_int_equal(dpxe_frame_parse(frame, (uint32_t)len,
					  DPXE_PARSE_IP_CSUM_VERIFIED, &f),
			 DPXE_DROP_OK);

	/* a precomputed payload sum gives the same frame, bit for bit */
	{
		static uint8_t again[2048];
		uint32_t psum = dpxe_csum_add(0, payload, sizeof(payload));

		s.udp_csum = true;
		s.ip_csum_offload = false;
		len = dpxe_udp4_write(frame, sizeof(frame), &s, sizeof(payload));
		memcpy(again + hl, payload, sizeof(payload));
		assert_int_equal(dpxe_udp4_write_summed(again, sizeof(again), &s,
							sizeof(payload), psum),
				 len);
		assert_memory_equal(again, frame, len);
		/* odd payload length too */
		len = dpxe_udp4_write(frame, sizeof(frame), &s, 299);
		psum = dpxe_csum_add(0, payload, 299);
		assert_int_equal(dpxe_udp4_write_summed(again, sizeof(again), &s,
							299, psum),
				 len);
		assert_memory_equal(again, frame, len);
		assert_int_equal(dpxe_frame_parse(again, (uint32_t)len, 0, &f),
				 DPXE_DROP_OK);
	}

	/* limits */
	assert_int_equal(dpxe_udp4_write(frame, hl + sizeof(payload) - 1, &s,
					 sizeof(payload)), 0);
	assert_int_equal(dpxe_udp4_write(frame, SIZE_MAX, &s, 65536), 0);
	s.vlan_count = 3;
	assert_int_equal(dpxe_udp4_write(frame, sizeof(frame), &s, 10), 0);
}

static void
test_reason_names(void **state)
{
	(void)state;
	for (int i = 0; i < DPXE_DROP_MAX; i++) {
		const char *n = dpxe_drop_reason_name((enum dpxe_drop_reason)i);

		assert_non_null(n);
		assert_true(strlen(n) > 0);
		assert_string_not_equal(n, "unknown");
		for (int j = 0; j < i; j++)
			assert_string_not_equal(
				n, dpxe_drop_reason_name((enum dpxe_drop_reason)j));
	}
	assert_string_equal(dpxe_drop_reason_name(DPXE_DROP_OK), "ok");
	assert_string_equal(dpxe_drop_reason_name(DPXE_DROP_MAX), "unknown");
	assert_string_equal(dpxe_drop_reason_name((enum dpxe_drop_reason)-1),
			    "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checksum_vectors),
		cmocka_unit_test(test_checksum_differential),
		cmocka_unit_test(test_parse_udp_untagged),
		cmocka_unit_test(test_parse_vlan_and_qinq),
		cmocka_unit_test(test_truncated_frames),
		cmocka_unit_test(test_ipv4_checks),
		cmocka_unit_test(test_ipv4_options),
		cmocka_unit_test(test_udp_checks),
		cmocka_unit_test(test_other_ethertypes),
		cmocka_unit_test(test_arp),
		cmocka_unit_test(test_udp4_write),
		cmocka_unit_test(test_reason_names),
	};

	return cmocka_run_group_tests_name("net", tests, NULL, NULL);
}
