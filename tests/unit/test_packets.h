/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hand-built DHCP messages and frames for the unit suites: a valid request is
 * built up option by option, then broken in exactly the way a case needs.
 */
#ifndef DPXE_TEST_PACKETS_H
#define DPXE_TEST_PACKETS_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "byteorder.h"
#include "dhcp.h"
#include "net.h"

struct tpkt {
	uint8_t buf[10000];
	size_t len;
};

/* A host-order constant as a network-order address, for comparisons. */
static inline uint32_t
htonl_test(uint32_t x)
{
	uint8_t b[4];
	uint32_t v;

	dpxe_store_be32(b, x);
	memcpy(&v, b, 4);
	return v;
}

static const uint8_t tpkt_client_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

/* A BOOTREQUEST header with the cookie; msg_type 0 means no option 53. */
static inline void
tpkt_dhcp_init(struct tpkt *p, uint8_t msg_type)
{
	memset(p->buf, 0, sizeof(p->buf));
	p->buf[DPXE_BOOTP_OP] = DPXE_BOOTP_REQUEST;
	p->buf[DPXE_BOOTP_HTYPE] = DPXE_HTYPE_ETHER;
	p->buf[DPXE_BOOTP_HLEN] = 6;
	dpxe_store_be32(p->buf + DPXE_BOOTP_XID, 0xdeadbeef);
	memcpy(p->buf + DPXE_BOOTP_CHADDR, tpkt_client_mac, 6);
	dpxe_store_be32(p->buf + DPXE_BOOTP_COOKIE, DPXE_DHCP_MAGIC_COOKIE);
	p->len = DPXE_DHCP_OPTIONS_OFF;
	if (msg_type) {
		p->buf[p->len++] = DPXE_OPT_MSG_TYPE;
		p->buf[p->len++] = 1;
		p->buf[p->len++] = msg_type;
	}
}

static inline void
tpkt_opt(struct tpkt *p, uint8_t code, const void *val, uint8_t len)
{
	p->buf[p->len++] = code;
	p->buf[p->len++] = len;
	memcpy(p->buf + p->len, val, len);
	p->len += len;
}

static inline void
tpkt_opt_str(struct tpkt *p, uint8_t code, const char *s)
{
	tpkt_opt(p, code, s, (uint8_t)strlen(s));
}

static inline void
tpkt_byte(struct tpkt *p, uint8_t b)
{
	p->buf[p->len++] = b;
}

/* END, then pad to the BOOTP minimum like real clients do. */
static inline void
tpkt_end(struct tpkt *p)
{
	p->buf[p->len++] = DPXE_OPT_END;
	if (p->len < DPXE_BOOTP_MIN_LEN)
		p->len = DPXE_BOOTP_MIN_LEN;
}

/* A typical BIOS PXE DISCOVER. */
static inline void
tpkt_pxe_discover(struct tpkt *p, uint16_t arch)
{
	uint8_t a[2], prl[] = { 1, 3, 43, 60, 66, 67, 128, 129 };
	uint8_t nii[3] = { 1, 2, 1 }, uuid[17] = { 0, 1, 2, 3 };
	uint8_t maxsz[2] = { 0x04, 0xec }; /* 1260 */
	char vc[40];

	snprintf(vc, sizeof(vc), "PXEClient:Arch:%05u:UNDI:002001", arch);
	dpxe_store_be16(a, arch);
	tpkt_dhcp_init(p, DPXE_DHCPDISCOVER);
	tpkt_opt(p, DPXE_OPT_MAX_MSG_SIZE, maxsz, 2);
	tpkt_opt(p, DPXE_OPT_PARAM_REQUEST, prl, sizeof(prl));
	tpkt_opt(p, DPXE_OPT_CLIENT_ARCH, a, 2);
	tpkt_opt(p, DPXE_OPT_CLIENT_NDI, nii, 3);
	tpkt_opt(p, DPXE_OPT_CLIENT_UUID, uuid, 17);
	tpkt_opt_str(p, DPXE_OPT_VENDOR_CLASS, vc);
	tpkt_end(p);
}

/* Wrap a payload in Ethernet/IPv4/UDP; returns the frame length. */
static inline size_t
tpkt_frame(uint8_t *frame, size_t cap, const uint8_t *payload, size_t len,
	   uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
	   uint8_t vlans)
{
	struct dpxe_udp4_spec s = {
		.dst_mac = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
		.ip_src = src,
		.ip_dst = dst,
		.src_port = sport,
		.dst_port = dport,
		.ttl = 64,
		.udp_csum = true,
		.vlan_count = vlans,
		.vlan_tpid = { DPXE_ETHERTYPE_QINQ, DPXE_ETHERTYPE_VLAN },
		.vlan_tci = { 100, 200 },
	};

	if (vlans == 1)
		s.vlan_tpid[0] = DPXE_ETHERTYPE_VLAN;
	memcpy(s.src_mac, tpkt_client_mac, 6);
	memcpy(frame + dpxe_udp4_header_len(&s), payload, len);
	return dpxe_udp4_write(frame, cap, &s, len);
}

#endif /* DPXE_TEST_PACKETS_H */
