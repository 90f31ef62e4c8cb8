/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The suite's own frame writer and reader. Deliberately independent of
 * lib/net: requests must be exactly what a case says (including the broken
 * ones), and replies are judged by code that did not produce them.
 */
#include <string.h>

#include "e2e.h"

uint16_t
e2e_csum(uint32_t sum, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t
e2e_udp_csum(uint32_t src, uint32_t dst, const uint8_t *udp, size_t udp_len)
{
	uint32_t sum = (src >> 16) + (src & 0xffff) + (dst >> 16) +
		       (dst & 0xffff) + 17 + (uint32_t)udp_len;

	return e2e_csum(sum, udp, udp_len);
}

static uint8_t *
write_l2(uint8_t *p, const struct e2e_net *n, uint16_t ethertype)
{
	memcpy(p, n->dst_mac, 6);
	memcpy(p + 6, n->src_mac, 6);
	p += 12;
	for (unsigned int i = 0; i < n->nvlan; i++) {
		e2e_put16(p, n->tpid[i]);
		e2e_put16(p + 2, n->tci[i]);
		p += 4;
	}
	e2e_put16(p, n->ethertype ? n->ethertype : ethertype);
	return p + 2;
}

size_t
e2e_frame_udp(uint8_t *out, size_t cap, const struct e2e_net *n,
	      const uint8_t *payload, size_t plen)
{
	size_t l2 = 14 + 4 * (size_t)n->nvlan;
	size_t ihl = 4 * (size_t)(n->ihl ? n->ihl : 5);
	size_t hdr = ihl < 20 ? 20 : ihl; /* IHL < 5 still takes 20 bytes */
	size_t udp_len = 8 + plen, total = hdr + udp_len;
	uint8_t *ip, *udp;

	if (l2 + total + n->trailer > cap || n->nvlan > 3)
		return 0;
	ip = write_l2(out, n, 0x0800);
	memset(ip, 0, hdr);
	ip[0] = (uint8_t)((n->ip_version ? n->ip_version : 4) << 4 |
			  (ihl / 4));
	e2e_put16(ip + 2, (uint16_t)((int)total + n->ip_total_delta));
	e2e_put16(ip + 4, 0x1234);
	e2e_put16(ip + 6, n->frag);
	ip[8] = n->ttl ? n->ttl : 64;
	ip[9] = n->proto ? n->proto : 17;
	e2e_put32(ip + 12, n->ip_src);
	e2e_put32(ip + 16, n->ip_dst);
	for (size_t i = 20; i < hdr; i++)
		ip[i] = 1; /* NOP options */
	e2e_put16(ip + 10, e2e_csum(0, ip, hdr));
	if (n->ip_csum_bad)
		ip[11] ^= 0x5a;

	udp = ip + hdr;
	e2e_udp_put(udp, n->sport, n->dport, n->udp_len_set ? n->udp_len : (uint16_t)udp_len,
		    payload, plen);
	if (n->udp_csum != E2E_UDP_CSUM_ZERO)
		e2e_udp_put_csum(udp, e2e_udp_csum(n->ip_src, n->ip_dst, udp, udp_len),
				 n->udp_csum);
	memset(udp + udp_len, 0xee, n->trailer);
	return l2 + total + n->trailer;
}

void
e2e_udp_put(uint8_t *udp, uint16_t sport, uint16_t dport, uint16_t len_field,
	    const void *payload, size_t plen)
{
	e2e_put16(udp, sport);
	e2e_put16(udp + 2, dport);
	e2e_put16(udp + 4, len_field);
	e2e_put16(udp + 6, 0);
	memcpy(udp + 8, payload, plen);
}

void
e2e_udp_put_csum(uint8_t *udp, uint16_t c, enum e2e_udp_csum mode)
{
	if (mode == E2E_UDP_CSUM_ZERO)
		return;
	if (c == 0)
		c = 0xffff; /* RFC 768: 0 would mean "none" */
	if (mode == E2E_UDP_CSUM_BAD)
		c = (uint16_t)(c ^ 0x0f0f);
	e2e_put16(udp + 6, c);
}

size_t
e2e_frame_arp(uint8_t *out, size_t cap, const struct e2e_net *n, uint16_t op,
	      uint16_t htype, const uint8_t sha[6], uint32_t spa,
	      const uint8_t tha[6], uint32_t tpa)
{
	size_t len = 14 + 4 * (size_t)n->nvlan + 28;
	uint8_t *a;

	if (len < 60)
		len = 60;
	if (len > cap)
		return 0;
	memset(out, 0, len);
	a = write_l2(out, n, 0x0806);
	e2e_put16(a, htype);
	e2e_put16(a + 2, 0x0800);
	a[4] = 6;
	a[5] = 4;
	e2e_put16(a + 6, op);
	memcpy(a + 8, sha, 6);
	e2e_put32(a + 14, spa);
	memcpy(a + 18, tha, 6);
	e2e_put32(a + 24, tpa);
	return len;
}

void
e2e_msg_init(struct e2e_msg *m, uint32_t xid, const uint8_t mac[6])
{
	memset(m->b, 0, sizeof(m->b));
	m->b[0] = 1; /* BOOTREQUEST */
	m->b[1] = 1; /* Ethernet */
	m->b[2] = 6;
	e2e_put32(m->b + 4, xid);
	memcpy(m->b + 28, mac, 6);
	e2e_put32(m->b + 236, 0x63825363);
	m->len = 240;
}

void
e2e_msg_opt(struct e2e_msg *m, uint8_t code, const void *val, size_t len)
{
	m->b[m->len++] = code;
	m->b[m->len++] = (uint8_t)len;
	memcpy(m->b + m->len, val, len);
	m->len += len;
}

void
e2e_msg_opt_str(struct e2e_msg *m, uint8_t code, const char *s)
{
	e2e_msg_opt(m, code, s, strlen(s));
}

void
e2e_msg_byte(struct e2e_msg *m, uint8_t b)
{
	m->b[m->len++] = b;
}

void
e2e_msg_end(struct e2e_msg *m)
{
	m->b[m->len++] = 255;
	if (m->len < 300)
		m->len = 300;
}

static bool
is_tpid(uint16_t t)
{
	return t == 0x8100 || t == 0x88a8 || t == 0x9100;
}

bool
e2e_view_parse(const uint8_t *d, size_t len, struct e2e_view *v)
{
	size_t off = 12;
	const uint8_t *ip, *udp;

	memset(v, 0, sizeof(*v));
	v->d = d;
	v->len = len;
	if (len < 14)
		return false;
	v->ethertype = e2e_be16(d + off);
	off += 2;
	while (is_tpid(v->ethertype) && v->nvlan < 3 && off + 4 <= len) {
		v->tpid[v->nvlan] = v->ethertype;
		v->tci[v->nvlan] = e2e_be16(d + off);
		v->nvlan++;
		v->ethertype = e2e_be16(d + off + 2);
		off += 4;
	}
	v->l3 = off;
	if (v->ethertype != 0x0800 || len - off < 20)
		return false;
	ip = d + off;
	v->ihl = (uint8_t)(ip[0] & 0x0f);
	if ((ip[0] >> 4) != 4 || v->ihl < 5 || len - off < 4u * v->ihl)
		return false;
	v->ip_total = e2e_be16(ip + 2);
	v->frag = e2e_be16(ip + 6);
	v->ttl = ip[8];
	v->ip_src = e2e_be32(ip + 12);
	v->ip_dst = e2e_be32(ip + 16);
	v->ip_csum_ok = e2e_csum(0, ip, 4u * v->ihl) == 0;
	if (ip[9] != 17 || (v->frag & 0x3fff) || v->ip_total > len - off ||
	    v->ip_total < 4u * v->ihl + 8)
		return false;
	udp = ip + 4u * v->ihl;
	v->udp_len = e2e_be16(udp + 4);
	if (v->udp_len < 8 || v->udp_len > v->ip_total - 4u * v->ihl)
		return false;
	v->sport = e2e_be16(udp);
	v->dport = e2e_be16(udp + 2);
	v->udp_csum = e2e_be16(udp + 6);
	v->udp_csum_ok = v->udp_csum == 0 ||
			 e2e_udp_csum(v->ip_src, v->ip_dst, udp, v->udp_len) ==
				 0;
	v->pl = udp + 8;
	v->pl_len = v->udp_len - 8;
	v->ipv4_udp = true;
	return true;
}

void
e2e_opts_parse(const uint8_t *msg, size_t len, struct e2e_opts *o)
{
	size_t i = 240;

	memset(o, 0, sizeof(*o));
	while (i < len) {
		uint8_t code = msg[i];

		if (code == 0) {
			i++;
			continue;
		}
		if (code == 255) {
			o->ok = true;
			o->end_off = i;
			return;
		}
		if (i + 2 > len || i + 2 + msg[i + 1] > len)
			return;
		if (o->has[code])
			o->dup = true;
		o->has[code] = true;
		o->val[code] = msg + i + 2;
		o->len[code] = msg[i + 1];
		if (o->n < sizeof(o->order))
			o->order[o->n++] = code;
		i += 2 + (size_t)msg[i + 1];
	}
}
