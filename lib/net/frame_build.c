/* SPDX-License-Identifier: BSD-3-Clause */
/* Reply-frame writing: Ethernet/VLAN + IPv4 or IPv6 + UDP headers, and ARP
 * replies. */
#include <string.h>

#include "byteorder.h"
#include "checksum.h"
#include "ipv6.h"
#include "net.h"

#define ETHER_MIN_LEN_NO_FCS 60

static uint8_t *
write_l2(uint8_t *p, const uint8_t *dst, const uint8_t *src,
	 uint8_t vlan_count, const uint16_t *tpid, const uint16_t *tci,
	 uint16_t ethertype)
{
	memcpy(p, dst, DPXE_ETHER_ADDR_LEN);
	memcpy(p + DPXE_ETHER_ADDR_LEN, src, DPXE_ETHER_ADDR_LEN);
	p += 2 * DPXE_ETHER_ADDR_LEN;
	for (uint8_t i = 0; i < vlan_count; i++) {
		dpxe_store_be16(p, tpid[i]);
		dpxe_store_be16(p + 2, tci[i]);
		p += DPXE_VLAN_HDR_LEN;
	}
	dpxe_store_be16(p, ethertype);
	return p + 2;
}

/* A network-order address as a host-order number. */
static inline uint32_t
host32(uint32_t be)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return __builtin_bswap32(be);
#else
	return be;
#endif
}

static inline uint32_t
addr_words(uint32_t be)
{
	uint32_t h = host32(be);

	return (h >> 16) + (h & 0xffff);
}

static inline uint16_t
fold_complement(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/*
 * Header checksums from the field values, not by reading back the bytes
 * just written: re-reading fresh narrow stores with wide loads stalls on
 * store forwarding, and the values are in registers anyway.
 */
static inline uint16_t
ipv4_header_csum_of(const struct dpxe_udp4_spec *s, uint8_t ttl,
		    uint16_t ip_len)
{
	return fold_complement((0x4500u | s->tos) + ip_len + 0x4000u +
			       ((uint32_t)ttl << 8 | DPXE_IPPROTO_UDP) +
			       addr_words(s->ip_src) + addr_words(s->ip_dst));
}

static inline uint16_t
udp4_csum_of(const struct dpxe_udp4_spec *s, uint16_t udp_len,
	     uint32_t payload_sum)
{
	uint16_t c = fold_complement(addr_words(s->ip_src) +
				     addr_words(s->ip_dst) + DPXE_IPPROTO_UDP +
				     udp_len + s->src_port + s->dst_port +
				     udp_len + payload_sum);

	return c == 0 ? 0xffff : c; /* RFC 768: 0 means "no checksum" */
}

size_t
dpxe_udp4_write(uint8_t *frame, size_t cap, const struct dpxe_udp4_spec *s,
		size_t payload_len)
{
	return dpxe_udp4_write_summed(frame, cap, s, payload_len, DPXE_NO_SUM);
}

size_t
dpxe_udp4_write_summed(uint8_t *frame, size_t cap,
		       const struct dpxe_udp4_spec *s, size_t payload_len,
		       uint32_t payload_sum)
{
	size_t hdr_len, udp_len, ip_len;
	uint8_t *ip, *udp, ttl = s->ttl ? s->ttl : 64;

	if (s->vlan_count > DPXE_VLAN_MAX_DEPTH)
		return 0;
	hdr_len = dpxe_udp4_header_len(s);
	udp_len = DPXE_UDP_HDR_LEN + payload_len;
	ip_len = DPXE_IPV4_HDR_LEN + udp_len;
	if (ip_len > UINT16_MAX || hdr_len + payload_len > cap)
		return 0;

	ip = write_l2(frame, s->dst_mac, s->src_mac, s->vlan_count,
		      s->vlan_tpid, s->vlan_tci, DPXE_ETHERTYPE_IPV4);
	ip[0] = 0x45;
	ip[1] = s->tos;
	dpxe_store_be16(ip + 2, (uint16_t)ip_len);
	dpxe_store_be16(ip + 4, 0); /* id: unfragmented datagram, RFC 6864 */
	dpxe_store_be16(ip + 6, 0x4000); /* DF */
	ip[8] = ttl;
	ip[9] = DPXE_IPPROTO_UDP;
	dpxe_store_be16(ip + 10, s->ip_csum_offload ? 0 :
			ipv4_header_csum_of(s, ttl, (uint16_t)ip_len));
	dpxe_store_ip(ip + 12, s->ip_src);
	dpxe_store_ip(ip + 16, s->ip_dst);

	udp = ip + DPXE_IPV4_HDR_LEN;
	dpxe_store_be16(udp, s->src_port);
	dpxe_store_be16(udp + 2, s->dst_port);
	dpxe_store_be16(udp + 4, (uint16_t)udp_len);
	dpxe_store_be16(udp + 6, 0);
	if (s->udp_csum) {
		if (payload_sum == DPXE_NO_SUM)
			payload_sum = dpxe_csum_add(0, udp + DPXE_UDP_HDR_LEN,
						    payload_len);
		dpxe_store_be16(udp + 6, udp4_csum_of(s, (uint16_t)udp_len,
						      payload_sum));
	}
	return hdr_len + payload_len;
}

size_t
dpxe_arp_reply_write(uint8_t *frame, size_t cap, const struct dpxe_frame *req,
		     const uint8_t our_mac[DPXE_ETHER_ADDR_LEN], uint32_t our_ip)
{
	uint8_t asker_mac[DPXE_ETHER_ADDR_LEN], asker_l2[DPXE_ETHER_ADDR_LEN];
	size_t len = DPXE_ETHER_HDR_LEN +
		     (size_t)req->vlan_count * DPXE_VLAN_HDR_LEN + DPXE_ARP_LEN;
	uint8_t *a;

	if (len < ETHER_MIN_LEN_NO_FCS)
		len = ETHER_MIN_LEN_NO_FCS;
	if (req->kind != DPXE_FRAME_ARP || cap < len)
		return 0;

	/* copies first: frame may be the request's own buffer (in-place reply) */
	memcpy(asker_mac, req->data + req->l3_off + 8, DPXE_ETHER_ADDR_LEN);
	memcpy(asker_l2, dpxe_frame_src_mac(req), DPXE_ETHER_ADDR_LEN);
	a = write_l2(frame, asker_l2, our_mac, req->vlan_count,
		     req->vlan_tpid, req->vlan_tci, DPXE_ETHERTYPE_ARP);
	dpxe_store_be16(a, 1);
	dpxe_store_be16(a + 2, DPXE_ETHERTYPE_IPV4);
	a[4] = DPXE_ETHER_ADDR_LEN;
	a[5] = 4;
	dpxe_store_be16(a + 6, DPXE_ARP_OP_REPLY);
	memcpy(a + 8, our_mac, DPXE_ETHER_ADDR_LEN);
	dpxe_store_ip(a + 14, our_ip);
	/* the asker's own sender fields become the target */
	memcpy(a + 18, asker_mac, DPXE_ETHER_ADDR_LEN);
	dpxe_store_ip(a + 24, req->arp_spa);
	memset(a + DPXE_ARP_LEN, 0, len - (size_t)(a + DPXE_ARP_LEN - frame));
	return len;
}

size_t
dpxe_udp6_write(uint8_t *frame, size_t cap, const struct dpxe_udp6_spec *s,
		size_t payload_len, uint32_t payload_sum)
{
	uint8_t *ip, *udp;
	size_t hdr_len, udp_len;
	uint16_t c;

	if (s->vlan_count > DPXE_VLAN_MAX_DEPTH)
		return 0;
	hdr_len = dpxe_udp6_header_len(s);
	udp_len = DPXE_UDP_HDR_LEN + payload_len;
	if (udp_len > UINT16_MAX || hdr_len + payload_len > cap)
		return 0;

	ip = write_l2(frame, s->dst_mac, s->src_mac, s->vlan_count,
		      s->vlan_tpid, s->vlan_tci, DPXE_ETHERTYPE_IPV6);
	dpxe_store_be32(ip, 6u << 28); /* version 6, traffic class 0, no flow label */
	dpxe_store_be16(ip + 4, (uint16_t)udp_len);
	ip[6] = DPXE_IPPROTO_UDP;
	ip[7] = s->hop_limit ? s->hop_limit : 64;
	memcpy(ip + 8, s->src, DPXE_IPV6_ADDR_LEN);
	memcpy(ip + 24, s->dst, DPXE_IPV6_ADDR_LEN);

	udp = ip + DPXE_IPV6_HDR_LEN;
	dpxe_store_be16(udp, s->src_port);
	dpxe_store_be16(udp + 2, s->dst_port);
	dpxe_store_be16(udp + 4, (uint16_t)udp_len);
	/* mandatory over IPv6; the header's part from the field values, as
	 * udp4_csum_of does, not by reading back what was just written */
	if (payload_sum == DPXE_NO_SUM)
		payload_sum = dpxe_csum_add(0, udp + DPXE_UDP_HDR_LEN, payload_len);
	c = fold_complement(dpxe_udp6_pseudo_sum(s->src, s->dst, (uint32_t)udp_len) +
			    s->src_port + s->dst_port + (uint32_t)udp_len +
			    payload_sum);
	dpxe_store_be16(udp + 6, c == 0 ? 0xffff : c);
	return hdr_len + payload_len;
}
