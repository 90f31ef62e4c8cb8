/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * End-to-end suite of DHCPv6 to providers: the dpxe binary on net_pcap,
 * with UDP/IPv6 frames built here byte by byte and replies decoded by this
 * file's own reader (never lib/net's, so a bug there cannot hide itself).
 *
 * - answered: a chain of v6echo (tests/data/wdspxe/v6echo.c: answers a
 *   PXE SOLICIT with an ADVERTISE naming a Boot File URL). UEFI SOLICITs
 *   (option 61 arch 7, option 16 "PXEClient") to ff02::1:2, tagged,
 *   QinQ, to ff05::1:3, unicast to the port's link-local address, padded,
 *   and one relayed in a RELAY-FORW are answered; each reply is checked
 *   field by field (Ethernet to the client, the request's tags, IPv6 from
 *   the port's fe80::EUI-64 to the request's source, UDP 547 to the
 *   request's port with a valid checksum, ADVERTISE with the xid, the
 *   client's DUID, the server's DUID and the URL). Truncated and broken
 *   frames, a bad and a zero UDP checksum, port 546, ICMPv6, other
 *   destinations are dropped, each counted under its reason exactly.
 * - vlan_without_ipv6_provider: a port on VLAN 100 and a chain with no
 *   IPv6-capable provider: dhcpv6_no_provider on the VLAN, not_for_us off.
 * - no_providers: the built-in proxy, no chain: dhcpv6_no_provider.
 *
 * Usage: test_e2e_dhcpv6 DPXE V6ECHO_SO FILTER_SO (from the source root).
 * DPXE_E2E_KEEP=1 keeps the temporary directories.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "e2e.h"

#define MAX_CASES 32
#define RUN_TIMEOUT_S 60
#define URL "tftp://[fe80::dc:ff:fe00:1]/efi/bootx64.efi"

static const char *dpxe_bin, *v6echo_so, *filter_so;

static const uint8_t srv_mac[6] = { 0x02, 0xdc, 0x00, 0x00, 0x00, 0x01 };
/* fe80::EUI-64 of srv_mac: the universal/local bit of 02 inverted */
static const uint8_t srv_ll[16] = { 0xfe, 0x80, [8] = 0x00, 0xdc, 0x00, 0xff, 0xfe,
				    0x00, 0x00, 0x01 };
static const uint8_t all_dhcp_agents[16] = { 0xff, 0x02, [13] = 1, [15] = 2 };
static const uint8_t all_dhcp_servers[16] = { 0xff, 0x05, [13] = 1, [15] = 3 };
static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
static const uint8_t relay_addr[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 1 };
static const uint8_t relay_mac[6] = { 0x02, 0x77, 0, 0, 0, 0x01 };
static const char pxe_class[] = "PXEClient:Arch:00007:UNDI:003016";

/* ---- frames --------------------------------------------------------- */

/** Layers 2-4 of a UDP/IPv6 frame; zero means right and UDP. */
struct v6net {
	uint8_t dst_mac[6], src_mac[6];
	uint8_t nvlan;
	uint16_t tpid[2], tci[2];
	uint8_t version;    /* 0: 6 */
	uint8_t next;       /* 0: UDP */
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	int plen_delta;     /* added to the right IPv6 payload length */
	enum e2e_udp_csum csum;
	uint16_t trailer;   /* Ethernet padding after the datagram */
	size_t cut;         /* nonzero: the frame ends after this many bytes */
};

/* RFC 8200 section 8.1: the pseudo-header, then the datagram; complemented,
 * so 0 when a datagram with its checksum in place verifies. */
static uint16_t
udp6_csum(const uint8_t *src, const uint8_t *dst, const uint8_t *udp, size_t len)
{
	uint32_t sum = (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff) + 17;

	for (int i = 0; i < 16; i += 2)
		sum += (uint32_t)(src[i] << 8 | src[i + 1]) +
		       (uint32_t)(dst[i] << 8 | dst[i + 1]);
	return e2e_csum(sum, udp, len);
}

static size_t
v6_frame(uint8_t *out, size_t cap, const struct v6net *n, const uint8_t *pl, size_t plen)
{
	size_t l2 = 14 + 4 * (size_t)n->nvlan, udp_len = 8 + plen, len;
	uint8_t *p = out, *ip, *udp;

	if (l2 + 40 + udp_len + n->trailer > cap)
		return 0;
	memcpy(p, n->dst_mac, 6);
	memcpy(p + 6, n->src_mac, 6);
	p += 12;
	for (unsigned int i = 0; i < n->nvlan; i++, p += 4) {
		e2e_put16(p, n->tpid[i]);
		e2e_put16(p + 2, n->tci[i]);
	}
	e2e_put16(p, 0x86dd);
	ip = p + 2;
	e2e_put32(ip, (uint32_t)(n->version ? n->version : 6) << 28);
	e2e_put16(ip + 4, (uint16_t)((int)udp_len + n->plen_delta));
	ip[6] = n->next ? n->next : 17;
	ip[7] = 1;
	memcpy(ip + 8, n->src, 16);
	memcpy(ip + 24, n->dst, 16);
	udp = ip + 40;
	e2e_udp_put(udp, n->sport, n->dport, (uint16_t)udp_len, pl, plen);
	if (n->csum != E2E_UDP_CSUM_ZERO)
		e2e_udp_put_csum(udp, udp6_csum(n->src, n->dst, udp, udp_len), n->csum);
	memset(udp + udp_len, 0, n->trailer);
	len = l2 + 40 + udp_len + n->trailer;
	return n->cut && n->cut < len ? n->cut : len;
}

/* fe80::EUI-64 of mac */
static void
link_local(const uint8_t mac[6], uint8_t a[16])
{
	memset(a, 0, 16);
	a[0] = 0xfe;
	a[1] = 0x80;
	a[8] = mac[0] ^ 0x02;
	a[9] = mac[1];
	a[10] = mac[2];
	a[11] = 0xff;
	a[12] = 0xfe;
	a[13] = mac[3];
	a[14] = mac[4];
	a[15] = mac[5];
}

/* ---- DHCPv6 messages ------------------------------------------------ */

struct v6msg {
	uint8_t b[600];
	size_t len;
};

static void
opt(struct v6msg *m, uint16_t code, const void *val, size_t len)
{
	e2e_put16(m->b + m->len, code);
	e2e_put16(m->b + m->len + 2, (uint16_t)len);
	memcpy(m->b + m->len + 4, val, len);
	m->len += 4 + len;
}

/* The client's DUID-LL (RFC 8415 section 11.4) */
static void
duid_ll(const uint8_t mac[6], uint8_t d[10])
{
	static const uint8_t head[4] = { 0, 3, 0, 1 };

	memcpy(d, head, 4);
	memcpy(d + 4, mac, 6);
}

/* What a UEFI x64 PXE client sends (EDK2's PxeBcDhcp6Discover): the
 * option set of a SOLICIT, with or without the PXEClient vendor class. */
static void
client_msg(struct v6msg *m, uint8_t type, uint32_t xid, const uint8_t mac[6], bool pxe)
{
	static const uint8_t oro[] = { 0, 59, 0, 60, 0, 23, 0, 24 };
	static const uint8_t ia_na[12] = { 0, 0, 0, 1 };
	static const uint8_t elapsed[2] = { 0, 0 }, arch[2] = { 0, 7 };
	static const uint8_t nii[3] = { 1, 3, 16 };
	uint8_t duid[10], vc[4 + 2 + sizeof(pxe_class) - 1];

	m->len = 4;
	m->b[0] = type;
	m->b[1] = (uint8_t)(xid >> 16);
	m->b[2] = (uint8_t)(xid >> 8);
	m->b[3] = (uint8_t)xid;
	duid_ll(mac, duid);
	opt(m, 1, duid, sizeof(duid));
	opt(m, 6, oro, sizeof(oro));
	opt(m, 8, elapsed, sizeof(elapsed));
	if (type == 1)
		opt(m, 3, ia_na, sizeof(ia_na));
	opt(m, 61, arch, sizeof(arch));
	opt(m, 62, nii, sizeof(nii));
	if (pxe) {
		e2e_put32(vc, 343); /* Intel, as EDK2 sends it */
		e2e_put16(vc + 4, (uint16_t)(sizeof(pxe_class) - 1));
		memcpy(vc + 6, pxe_class, sizeof(pxe_class) - 1);
		opt(m, 16, vc, sizeof(vc));
	}
}

/* A RELAY-FORW (RFC 8415 section 9) of the relay at relay_addr, carrying
 * inner from the client at peer, with an Interface-ID to be echoed. */
static void
relay_forw(struct v6msg *m, const struct v6msg *inner, const uint8_t peer[16])
{
	m->b[0] = 12;
	m->b[1] = 0; /* hop count */
	memcpy(m->b + 2, relay_addr, 16);
	memcpy(m->b + 18, peer, 16);
	m->len = 34;
	opt(m, 18, "ge-0/0/7", 8);
	opt(m, 9, inner->b, inner->len);
}

/* ---- cases ---------------------------------------------------------- */

struct v6case {
	char name[96];
	uint8_t frame[E2E_FRAME_MAX];
	size_t len;
	const char *drop;   /* counted under this reason; NULL: not a drop */
	bool answered;      /* expects one reply */
	bool relayed;
	uint32_t xid;
	uint8_t client_mac[6];
	struct v6net net;   /* as sent */
	uint8_t duid[10];   /* the client's */
	/* out */
	unsigned int replies;
};

struct caseset {
	struct v6case v[MAX_CASES];
	unsigned int n;
	long long rejected; /* requests every provider passed on */
};

static uint32_t next_xid = 0x6e2e01;

/* A client frame from mac with the usual multicast addressing; the caller
 * changes n before v6_case_build() for the odd ones. */
static struct v6case *
case_new(struct caseset *s, const char *name, uint8_t mac_last)
{
	struct v6case *c = &s->v[s->n++];
	static const uint8_t mac_head[5] = { 0x02, 0xe6, 0x00, 0x00, 0x00 };

	assert_true(s->n <= MAX_CASES);
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	memcpy(c->client_mac, mac_head, 5);
	c->client_mac[5] = mac_last;
	c->xid = next_xid++;
	memcpy(c->net.src_mac, c->client_mac, 6);
	/* 33:33 + the low 32 bits of ff02::1:2 (RFC 2464 section 7) */
	memcpy(c->net.dst_mac, (const uint8_t[]){ 0x33, 0x33, 0, 1, 0, 2 }, 6);
	link_local(c->client_mac, c->net.src);
	memcpy(c->net.dst, all_dhcp_agents, 16);
	c->net.sport = 546;
	c->net.dport = 547;
	duid_ll(c->client_mac, c->duid);
	return c;
}

static void
case_build(struct v6case *c, const struct v6msg *m)
{
	c->len = v6_frame(c->frame, sizeof(c->frame), &c->net, m->b, m->len);
	assert_true(c->len > 0);
}

/* the usual UEFI SOLICIT */
static void
case_solicit(struct v6case *c, bool pxe)
{
	struct v6msg m;

	client_msg(&m, 1, c->xid, c->client_mac, pxe);
	case_build(c, &m);
}

static void
vlan(struct v6case *c, uint16_t tpid0, uint16_t tci0, uint16_t tpid1, uint16_t tci1)
{
	c->net.nvlan = tpid1 ? 2 : 1;
	c->net.tpid[0] = tpid0;
	c->net.tci[0] = tci0;
	c->net.tpid[1] = tpid1;
	c->net.tci[1] = tci1;
}

/* ---- checking replies ----------------------------------------------- */

static unsigned int bad_checks;

static void __attribute__((format(printf, 2, 3)))
fail_case(const struct v6case *c, const char *fmt, ...)
{
	va_list ap;

	print_error("  %s:", c->name);
	va_start(ap, fmt);
	vprint_error(fmt, ap);
	va_end(ap);
	print_error("\n");
	bad_checks++;
}

#define CHECK(c, cond, ...)                                                    \
	do {                                                                   \
		if (!(cond))                                                   \
			fail_case(c, __VA_ARGS__);                             \
	} while (0)

/* Options of a DHCPv6 message from off: code -> value; false unless they
 * tile the message exactly. */
struct v6opts {
	const uint8_t *val[256];
	uint16_t len[256];
	unsigned int count[256], n;
};

static bool
v6opts_walk(const uint8_t *p, size_t len, size_t off, struct v6opts *o)
{
	memset(o, 0, sizeof(*o));
	while (off < len) {
		uint16_t code, olen;

		if (len - off < 4)
			return false;
		code = e2e_be16(p + off);
		olen = e2e_be16(p + off + 2);
		if (len - off - 4 < olen || code > 255)
			return false;
		o->val[code] = p + off + 4;
		o->len[code] = olen;
		o->count[code]++;
		o->n++;
		off += 4 + (size_t)olen;
	}
	return true;
}

/* The ADVERTISE to c's SOLICIT: xid, the client's DUID, ours, the URL. */
static void
check_advertise(const struct v6case *c, const uint8_t *p, size_t len)
{
	uint8_t our_duid[10];
	struct v6opts o;

	duid_ll(srv_mac, our_duid);
	CHECK(c, len >= 4 && p[0] == 2, " not an ADVERTISE (type %u)", len ? p[0] : 0);
	if (len < 4)
		return;
	CHECK(c, ((uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]) == c->xid,
	      " xid %02x%02x%02x, sent %06x", p[1], p[2], p[3], c->xid);
	CHECK(c, v6opts_walk(p, len, 4, &o), " options do not tile the message");
	CHECK(c, o.n == 3, " %u options, expected Client ID, Server ID, URL", o.n);
	CHECK(c, o.count[1] == 1 && o.len[1] == 10 && memcmp(o.val[1], c->duid, 10) == 0,
	      " Client Identifier is not the client's DUID");
	CHECK(c, o.count[2] == 1 && o.len[2] == 10 && memcmp(o.val[2], our_duid, 10) == 0,
	      " Server Identifier is not the DUID-LL of the port's MAC");
	CHECK(c, o.count[59] == 1 && o.len[59] == strlen(URL) &&
		      memcmp(o.val[59], URL, strlen(URL)) == 0,
	      " Boot File URL (59) missing or not " URL);
}

/* The RELAY-REPL: the RELAY-FORW's hop count, link and peer, its
 * Interface-ID echoed, and the ADVERTISE in a Relay Message option. */
static void
check_relay_repl(const struct v6case *c, const uint8_t *p, size_t len)
{
	uint8_t peer[16];
	struct v6opts o;

	link_local(c->client_mac, peer);
	CHECK(c, len >= 34 && p[0] == 13, " not a RELAY-REPL (type %u)", len ? p[0] : 0);
	if (len < 34)
		return;
	CHECK(c, p[1] == 0 && memcmp(p + 2, relay_addr, 16) == 0 && memcmp(p + 18, peer, 16) == 0,
	      " hop count, link or peer address not the RELAY-FORW's");
	if (!v6opts_walk(p, len, 34, &o)) {
		fail_case(c, " relay options do not tile the message");
		return;
	}
	CHECK(c, o.n == 2 && o.count[18] == 1 && o.len[18] == 8 &&
		      memcmp(o.val[18], "ge-0/0/7", 8) == 0,
	      " Interface-ID not echoed (or other options)");
	if (o.count[9] != 1) {
		fail_case(c, " no Relay Message option");
		return;
	}
	check_advertise(c, o.val[9], o.len[9]);
}

/* The xid of a reply frame's (innermost) DHCPv6 message, or 0. */
static uint32_t
reply_xid(const uint8_t *d, size_t len)
{
	size_t off = 12;
	struct v6opts o;
	const uint8_t *p;
	size_t plen;

	while (off + 2 <= len && (e2e_be16(d + off) == 0x8100 || e2e_be16(d + off) == 0x88a8))
		off += 4;
	off += 2;
	if (off + 48 > len || e2e_be16(d + off - 2) != 0x86dd)
		return 0;
	p = d + off + 48;
	plen = len - off - 48;
	if (plen >= 34 && p[0] == 13 && v6opts_walk(p, plen, 34, &o) && o.count[9] == 1) {
		p = o.val[9];
		plen = o.len[9];
	}
	if (plen < 4)
		return 0;
	return (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The whole reply frame to case c, field by field. */
static void
check_reply(const struct v6case *c, const uint8_t *d, size_t len)
{
	const uint8_t *ip, *udp;
	size_t l2 = 14 + 4 * (size_t)c->net.nvlan, plen;

	CHECK(c, memcmp(d, c->net.src_mac, 6) == 0, " Ethernet destination is not the sender's MAC");
	CHECK(c, memcmp(d + 6, srv_mac, 6) == 0, " Ethernet source is not the port's MAC");
	for (unsigned int i = 0; i < c->net.nvlan; i++)
		CHECK(c, e2e_be16(d + 12 + 4 * i) == c->net.tpid[i] &&
			      e2e_be16(d + 14 + 4 * i) == c->net.tci[i],
		      " tag %u is not the request's %04x/%04x", i, c->net.tpid[i], c->net.tci[i]);
	if (len < l2 + 48) {
		fail_case(c, " reply of %zu bytes: too short for IPv6/UDP", len);
		return;
	}
	CHECK(c, e2e_be16(d + l2 - 2) == 0x86dd, " ethertype %04x", e2e_be16(d + l2 - 2));
	ip = d + l2;
	udp = ip + 40;
	plen = e2e_be16(ip + 4);
	CHECK(c, e2e_be32(ip) == 6u << 28, " version/class/flow %08x", e2e_be32(ip));
	CHECK(c, plen == len - l2 - 40, " IPv6 payload length %zu, frame holds %zu", plen,
	      len - l2 - 40);
	CHECK(c, ip[6] == 17 && ip[7] == 64, " next header %u, hop limit %u", ip[6], ip[7]);
	CHECK(c, memcmp(ip + 8, srv_ll, 16) == 0, " source is not the port's link-local address");
	CHECK(c, memcmp(ip + 24, c->net.src, 16) == 0, " destination is not the request's source");
	CHECK(c, e2e_be16(udp) == 547 && e2e_be16(udp + 2) == c->net.sport,
	      " UDP %u -> %u, expected 547 -> %u", e2e_be16(udp), e2e_be16(udp + 2), c->net.sport);
	if (plen != len - l2 - 40 || plen < 8)
		return;
	CHECK(c, e2e_be16(udp + 4) == plen, " UDP length %u, IPv6 payload %zu", e2e_be16(udp + 4),
	      plen);
	CHECK(c, e2e_be16(udp + 6) != 0 && udp6_csum(ip + 8, ip + 24, udp, plen) == 0,
	      " UDP checksum %04x does not verify", e2e_be16(udp + 6));
	if (c->relayed)
		check_relay_repl(c, udp + 8, plen - 8);
	else
		check_advertise(c, udp + 8, plen - 8);
}

/* ---- running dpxe --------------------------------------------------- */

static const char *
tmpdir_base(void)
{
	const char *t = getenv("TMPDIR");

	return t && *t ? t : "/tmp";
}

struct world {
	char dir[256];
	char path[6][320]; /* in, out, config, stats, log */
	struct e2e_pcap out;
	struct e2e_json *stats;
};

enum { P_IN, P_OUT, P_CFG, P_STATS, P_LOG, P_N };

static void
world_free(struct world *w, bool keep)
{
	const char *k = getenv("DPXE_E2E_KEEP");

	if (w->dir[0]) {
		if (keep || (k && *k && strcmp(k, "0"))) {
			print_message("e2e: files kept in %s\n", w->dir);
		} else {
			for (int i = 0; i < P_N; i++)
				unlink(w->path[i]);
			rmdir(w->dir);
		}
	}
	e2e_pcap_free(&w->out);
	e2e_json_free(w->stats);
	memset(w, 0, sizeof(*w));
}

/* The config: the e2e suite's port and server, port_vlan on the port, and
 * providers_yaml (a "providers:" section, or "") after it. */
static int
write_config(const char *path, unsigned int port_vlan, const char *providers_yaml)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return -1;
	fprintf(f, "server:\n  mode: proxy\n  name: dpxe-e2e\n  ports:\n"
		   "    - ip: 10.213.47.1\n      prefix: 24\n"
		   "      mac: \"02:dc:00:00:00:01\"\n"
		   "dataplane:\n  ports:\n    - name: pcap\n      devargs: \"net_pcap0\"\n"
		   "      vlan: %u\n  mbufs_per_worker: 2047\n  mbuf_cache: 64\n"
		   "boot:\n  rules:\n    - name: uefi-x64\n      match:\n        arch: [7]\n"
		   "      boot_file: x64/ipxe.efi\n%s",
		port_vlan, providers_yaml);
	return fclose(f) == 0 ? 0 : -1;
}

/* Write the cases, run dpxe with the config, read what it sent and its
 * stats, and count the replies each case got (matched by xid). */
static void
world_run(struct world *w, struct caseset *s, unsigned int port_vlan, const char *providers_yaml)
{
	static const char *const names[P_N] = { "in.pcap", "out.pcap", "dpxe.yaml", "stats.json",
						"dpxe.log" };
	const char *rx[1], *tx[1];
	struct e2e_pcap in = { 0 };
	struct e2e_run run = { 0 };
	char err[1024], *text;
	int rc;

	snprintf(w->dir, sizeof(w->dir), "%s/dpxe-e2e6-XXXXXX", tmpdir_base());
	assert_non_null(mkdtemp(w->dir));
	for (int i = 0; i < P_N; i++)
		snprintf(w->path[i], sizeof(w->path[i]), "%s/%s", w->dir, names[i]);
	assert_int_equal(write_config(w->path[P_CFG], port_vlan, providers_yaml), 0);
	for (unsigned int i = 0; i < s->n; i++)
		e2e_pcap_add(&in, s->v[i].frame, s->v[i].len);
	rc = e2e_pcap_write(w->path[P_IN], &in, err, sizeof(err));
	e2e_pcap_free(&in);
	if (rc < 0)
		fail_msg("%s", err);

	rx[0] = w->path[P_IN];
	tx[0] = w->path[P_OUT];
	run.dpxe = dpxe_bin;
	run.lcores = "0";
	run.config = w->path[P_CFG];
	run.rx = rx;
	run.tx = tx;
	run.nq = 1;
	run.stats_json = w->path[P_STATS];
	run.log = w->path[P_LOG];
	run.timeout_s = RUN_TIMEOUT_S;
	rc = e2e_run_dpxe(&run, err, sizeof(err));
	if (rc != 0) {
		if (rc > 0)
			snprintf(err, sizeof(err), "dpxe exited with %d (log: %s)", rc,
				 w->path[P_LOG]);
		world_free(w, true);
		fail_msg("%s", err);
	}
	text = e2e_read_file(w->path[P_STATS]);
	w->stats = text ? e2e_json_parse(text) : NULL;
	free(text);
	if (w->stats == NULL || e2e_pcap_read(w->path[P_OUT], &w->out, err, sizeof(err)) < 0) {
		world_free(w, true);
		fail_msg("no stats or no output pcap");
	}
	print_message("e2e dhcpv6: %u frames in, %zu out, dpxe ran %.2f s\n", s->n, w->out.n,
		      run.seconds);
}


#define STAT_IS(j, want, ...)                                                  \
	do {                                                                   \
		long long got_ = e2e_json_stat(j, __VA_ARGS__);                      \
		if (got_ != (long long)(want)) {                               \
			print_error("  " __VA_ARGS__);                         \
			print_error(" = %lld, expected %lld\n", got_,          \
				    (long long)(want));                        \
			bad_checks++;                                          \
		}                                                              \
	} while (0)

/*
 * Every reply against its case, no reply without one, and the counters:
 * rx, tx, each drop reason exactly (0 for those no case names), no DHCPv4
 * reply type counted, and the provider runtime's requests and replies.
 */
static void
check_world(struct world *w, struct caseset *s)
{
	long long answered = 0, requests = 0;
	int n;

	for (size_t k = 0; k < w->out.n; k++) {
		uint32_t xid = reply_xid(w->out.v[k].data, w->out.v[k].len);
		struct v6case *c = NULL;

		for (unsigned int i = 0; i < s->n; i++)
			if (s->v[i].xid == xid)
				c = &s->v[i];
		if (c == NULL || !c->answered) {
			print_error("  reply %zu (xid %06x): %s\n", k, xid,
				    c ? "to a case expecting none" : "to no case");
			bad_checks++;
			if (c)
				c->replies++;
			continue;
		}
		c->replies++;
		check_reply(c, w->out.v[k].data, w->out.v[k].len);
	}
	for (unsigned int i = 0; i < s->n; i++) {
		const struct v6case *c = &s->v[i];

		CHECK(c, c->replies == (c->answered ? 1u : 0u), " %u replies, expected %u",
		      c->replies, c->answered ? 1u : 0u);
		answered += c->answered;
		requests += c->drop == NULL;
	}

	STAT_IS(w->stats, s->n, "total.rx");
	STAT_IS(w->stats, answered, "total.tx");
	n = e2e_json_count(w->stats, "total.drops");
	if (n <= 0) {
		print_error("  total.drops missing\n");
		bad_checks++;
	}
	for (int k = 0; k < n; k++) {
		const char *reason = e2e_json_key(w->stats, "total.drops", (unsigned int)k);
		long long want = 0;

		for (unsigned int i = 0; i < s->n; i++)
			want += s->v[i].drop != NULL && strcmp(s->v[i].drop, reason) == 0;
		STAT_IS(w->stats, want, "total.drops.%s", reason);
	}
	for (unsigned int i = 0; i < s->n; i++) {
		long long v;
		char p[128];

		if (s->v[i].drop == NULL)
			continue;
		snprintf(p, sizeof(p), "total.drops.%s", s->v[i].drop);
		CHECK(&s->v[i], e2e_json_int(w->stats, p, &v) == 0, " no drop reason %s",
		      s->v[i].drop);
	}
	/* DHCPv6 replies have no DHCPv4 type to be counted under */
	n = e2e_json_count(w->stats, "total.replies");
	for (int k = 0; k < n; k++)
		STAT_IS(w->stats, 0, "total.replies.%s",
			e2e_json_key(w->stats, "total.replies", (unsigned int)k));
	STAT_IS(w->stats, requests, "total.provider_requests");
	STAT_IS(w->stats, answered, "total.provider_replies");
	STAT_IS(w->stats, s->rejected, "total.provider_rejected_all");
}

static void
finish(struct world *w, struct caseset *s)
{
	unsigned int bad;

	check_world(w, s);
	bad = bad_checks;
	bad_checks = 0;
	world_free(w, bad > 0);
	if (bad)
		fail_msg("%u checks failed", bad);
}

/* ---- tests ---------------------------------------------------------- */

static void
test_answered(void **state)
{
	static struct caseset s;
	struct world w = { 0 };
	struct v6case *c;
	struct v6msg m, inner;
	char providers[768];

	(void)state;
	if (v6echo_so == NULL)
		skip();
	memset(&s, 0, sizeof(s));

	c = case_new(&s, "SOLICIT to ff02::1:2", 0x01);
	c->answered = true;
	case_solicit(c, true);

	c = case_new(&s, "SOLICIT on VLAN 100, PCP 5", 0x02);
	c->answered = true;
	vlan(c, 0x8100, 0xa064, 0, 0);
	case_solicit(c, true);

	c = case_new(&s, "SOLICIT on QinQ 7/100", 0x03);
	c->answered = true;
	vlan(c, 0x88a8, 0x0007, 0x8100, 0x0064);
	case_solicit(c, true);

	c = case_new(&s, "SOLICIT to ff05::1:3", 0x04);
	c->answered = true;
	memcpy(c->net.dst, all_dhcp_servers, 16);
	memcpy(c->net.dst_mac, (const uint8_t[]){ 0x33, 0x33, 0, 1, 0, 3 }, 6);
	case_solicit(c, true);

	c = case_new(&s, "SOLICIT unicast to the port's link-local", 0x05);
	c->answered = true;
	memcpy(c->net.dst, srv_ll, 16);
	memcpy(c->net.dst_mac, srv_mac, 6);
	case_solicit(c, true);

	c = case_new(&s, "SOLICIT with 18 bytes of Ethernet padding", 0x06);
	c->answered = true;
	c->net.trailer = 18;
	case_solicit(c, true);

	c = case_new(&s, "SOLICIT relayed: RELAY-FORW to ff05::1:3", 0x07);
	c->answered = true;
	c->relayed = true;
	client_msg(&inner, 1, c->xid, c->client_mac, true);
	relay_forw(&m, &inner, c->net.src);
	memcpy(c->net.src_mac, relay_mac, 6);
	memcpy(c->net.src, relay_addr, 16);
	memcpy(c->net.dst, all_dhcp_servers, 16);
	memcpy(c->net.dst_mac, (const uint8_t[]){ 0x33, 0x33, 0, 1, 0, 3 }, 6);
	c->net.sport = 547;
	case_build(c, &m);

	/* reach the provider, which passes them on: nobody answers */
	c = case_new(&s, "SOLICIT without a PXEClient vendor class", 0x08);
	case_solicit(c, false);
	s.rejected++;
	c = case_new(&s, "INFORMATION-REQUEST from a PXE client", 0x09);
	client_msg(&m, 11, c->xid, c->client_mac, true);
	case_build(c, &m);
	s.rejected++;

	/* dropped before any provider sees them */
	c = case_new(&s, "IPv6 header cut at 30 bytes", 0x10);
	c->drop = "ip_truncated";
	c->net.cut = 14 + 30;
	case_solicit(c, true);

	c = case_new(&s, "payload length past the frame", 0x11);
	c->drop = "ip_bad_total_length";
	c->net.plen_delta = 1;
	case_solicit(c, true);

	c = case_new(&s, "IP version 4 under the IPv6 ethertype", 0x12);
	c->drop = "ip_bad_version";
	c->net.version = 4;
	case_solicit(c, true);

	c = case_new(&s, "ICMPv6 (next header 58)", 0x13);
	c->drop = "ip_not_udp";
	c->net.next = 58;
	case_solicit(c, true);

	c = case_new(&s, "UDP checksum wrong", 0x14);
	c->drop = "udp_bad_checksum";
	c->net.csum = E2E_UDP_CSUM_BAD;
	case_solicit(c, true);

	c = case_new(&s, "UDP checksum zero (mandatory over IPv6)", 0x15);
	c->drop = "udp_bad_checksum";
	c->net.csum = E2E_UDP_CSUM_ZERO;
	case_solicit(c, true);

	c = case_new(&s, "SOLICIT to port 546", 0x16);
	c->drop = "udp_port_unsupported";
	c->net.dport = 546;
	case_solicit(c, true);

	c = case_new(&s, "SOLICIT to ff02::1 (all nodes)", 0x17);
	c->drop = "not_for_us";
	memcpy(c->net.dst, all_nodes, 16);
	memcpy(c->net.dst_mac, (const uint8_t[]){ 0x33, 0x33, 0, 0, 0, 1 }, 6);
	case_solicit(c, true);

	c = case_new(&s, "SOLICIT unicast to another host's address", 0x18);
	c->drop = "not_for_us";
	memcpy(c->net.dst, relay_addr, 16);
	case_solicit(c, true);

	snprintf(providers, sizeof(providers),
		 "providers:\n  - name: v6echo\n    module: %s\n    settings:\n"
		 "      url: \"%s\"\n",
		 v6echo_so, URL);
	world_run(&w, &s, 0, providers);
	finish(&w, &s);
}

/*
 * A port on VLAN 100 whose chain has no IPv6-capable provider (the filter
 * provider is IPv4 only): on the VLAN, DHCPv6 is dhcpv6_no_provider;
 * off it, not_for_us, which is checked first; a wrong port before that.
 */
static void
test_vlan_without_ipv6_provider(void **state)
{
	static struct caseset s;
	struct world w = { 0 };
	struct v6case *c;
	char providers[768];

	(void)state;
	if (filter_so == NULL)
		skip();
	memset(&s, 0, sizeof(s));

	c = case_new(&s, "SOLICIT on VLAN 100", 0x21);
	c->drop = "dhcpv6_no_provider";
	vlan(c, 0x8100, 0x0064, 0, 0);
	case_solicit(c, true);

	c = case_new(&s, "SOLICIT on QinQ 7/100", 0x22);
	c->drop = "dhcpv6_no_provider";
	vlan(c, 0x88a8, 0x0007, 0x8100, 0x0064);
	case_solicit(c, true);

	c = case_new(&s, "SOLICIT on VLAN 200", 0x23);
	c->drop = "not_for_us";
	vlan(c, 0x8100, 0x00c8, 0, 0);
	case_solicit(c, true);

	c = case_new(&s, "SOLICIT untagged", 0x24);
	c->drop = "not_for_us";
	case_solicit(c, true);

	c = case_new(&s, "SOLICIT on VLAN 100 to port 546", 0x25);
	c->drop = "udp_port_unsupported";
	vlan(c, 0x8100, 0x0064, 0, 0);
	c->net.dport = 546;
	case_solicit(c, true);

	snprintf(providers, sizeof(providers),
		 "providers:\n  - name: gate\n    module: %s\n    settings:\n"
		 "      policy: allow\n",
		 filter_so);
	world_run(&w, &s, 100, providers);
	finish(&w, &s);
}

/* The built-in proxy, no provider chain at all. */
static void
test_no_providers(void **state)
{
	static struct caseset s;
	struct world w = { 0 };
	struct v6case *c;
	struct v6msg m, inner;

	(void)state;
	memset(&s, 0, sizeof(s));

	c = case_new(&s, "SOLICIT to ff02::1:2", 0x31);
	c->drop = "dhcpv6_no_provider";
	case_solicit(c, true);

	c = case_new(&s, "RELAY-FORW to ff05::1:3", 0x32);
	c->drop = "dhcpv6_no_provider";
	client_msg(&inner, 1, c->xid, c->client_mac, true);
	relay_forw(&m, &inner, c->net.src);
	memcpy(c->net.src_mac, relay_mac, 6);
	memcpy(c->net.src, relay_addr, 16);
	memcpy(c->net.dst, all_dhcp_servers, 16);
	memcpy(c->net.dst_mac, (const uint8_t[]){ 0x33, 0x33, 0, 1, 0, 3 }, 6);
	c->net.sport = 547;
	case_build(c, &m);

	c = case_new(&s, "UDP checksum wrong", 0x33);
	c->drop = "udp_bad_checksum";
	c->net.csum = E2E_UDP_CSUM_BAD;
	case_solicit(c, true);

	world_run(&w, &s, 0, "");
	finish(&w, &s);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answered),
		cmocka_unit_test(test_vlan_without_ipv6_provider),
		cmocka_unit_test(test_no_providers),
	};

	dpxe_bin = argc > 1 ? argv[1] : getenv("DPXE_BIN");
	v6echo_so = argc > 2 ? argv[2] : getenv("DPXE_V6ECHO_SO");
	filter_so = argc > 3 ? argv[3] : getenv("DPXE_FILTER_SO");
	if (dpxe_bin == NULL || access(dpxe_bin, X_OK) != 0) {
		fprintf(stderr, "usage: %s DPXE V6ECHO_SO FILTER_SO (or DPXE_BIN=...), "
			"from the source root\n", argv[0]);
		return 1;
	}
	return cmocka_run_group_tests_name("e2e_dhcpv6", tests, NULL, NULL);
}
