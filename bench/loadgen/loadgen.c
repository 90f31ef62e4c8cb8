/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpxe-loadgen: a DPDK DHCP/PXE load generator for bench/.
 *
 *   dpxe-loadgen [EAL] -- [--mode discover|request|dora] [--rate LIST]
 *       [--step-ms MS] [--gap-ms MS] [--stop-loss PCT] [--clients N]
 *       [--vlan LIST] [--relay-pct P] [--giaddr IP] [--server-ip IP]
 *       [--client-ip IP] [--src-ip IP] [--server-mac MAC] [--burst N]
 *       [--no-udp-csum] [--json FILE] [--quiet] [--port N] [--echo]
 *       [--half-ms MS] [--linger-ms MS] [--broadcast-flag]
 *
 * One lcore (the main one) sends and receives on one port, queue 0.
 *   discover  proxyDHCP / DHCP DISCOVER (broadcast, or relayed: giaddr set,
 *             unicast to the server's port 67); a reply is any OFFER
 *   request   PXE boot server REQUEST, unicast to server:4011 from a client
 *             address (ciaddr set); a reply is the ACK
 *   dora      DISCOVER, on the OFFER a REQUEST (options 50 + 54 from the
 *             OFFER), a reply is the ACK; latency is DISCOVER to ACK
 * Clients: --clients distinct MACs (02:4c:47:xx:xx:xx), each a fixed profile
 * (BIOS PXE arch 0, UEFI x64 arch 7 and 9, ARM64 UEFI arch 11, iPXE), VLAN
 * (--vlan list, round-robin) and relay (--relay-pct of them, giaddr
 * --giaddr + 0..3). Each client's frame is built once at start-up with the
 * pure dpxe libraries (lib/net, lib/dhcp); a send copies it into an mbuf and
 * patches the xid and the UDP checksum (RFC 1624), nothing else.
 *
 * Rate: --rate is a list of steps (packets/s, 0 = as fast as the port takes
 * them), each --step-ms long, with --gap-ms of receive-only drain after each.
 * Sends are paced by the TSC (the number due since the step began, at most
 * one burst at a time). Matching: the xid carries the client index (low 20
 * bits) and a generation; the per-client table keeps the outstanding xid,
 * its send TSC, step and second. A reply counts for the step and second its
 * request was sent in; a request is lost when its reply never comes (or
 * comes after the client was reused: "stale"). Latency: TSC at send (before
 * tx_burst) to TSC after the rx_burst that returned the reply, in a log
 * histogram (6 % buckets) per step and per second: p50/p99/p99.9.
 *
 * No allocation after start-up: the client table, templates, histograms and
 * per-second records are sized at start (or static).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "byteorder.h"
#include "dhcp.h"
#include "net.h"
#include "hist.h"

#define MAX_STEPS 64
#define MAX_SECS 1200
#define MAX_VLANS 16
#define MAX_CLIENTS (1u << 20)
#define XID_IDX_MASK (MAX_CLIENTS - 1)
#define TMPL_CAP 512
#define MAX_BURST 256
#define NB_MBUF 16383
#define RING 1024

enum mode { MODE_DISCOVER, MODE_REQUEST, MODE_DORA };
static const char *const mode_name[] = { "discover", "request", "dora" };

struct opts {
	enum mode mode;
	uint64_t rates[MAX_STEPS];
	unsigned int n_rates;
	uint32_t step_ms, gap_ms;
	double stop_loss; /* < 0: never stop early */
	uint32_t clients;
	uint16_t vlans[MAX_VLANS];
	unsigned int n_vlans;
	uint32_t relay_pct;
	uint32_t giaddr, server_ip, client_ip, src_ip; /* host order */
	bool have_server_mac;
	uint8_t server_mac[6];
	uint16_t burst;
	bool udp_csum;
	bool bcast_flag; /* set the BOOTP broadcast flag (as UEFI PXE does) */
	const char *json;
	bool quiet;
	bool echo;  /* count our own requests coming back (testpmd floor) */
	uint32_t half_ms;   /* extra step at half the best rate (< 1 % loss) */
	uint32_t linger_ms; /* keep the port open after the JSON is written */
	uint16_t port;
};

static struct opts o = {
	.mode = MODE_DISCOVER,
	.rates = { 100000 },
	.n_rates = 1,
	.step_ms = 5000,
	.gap_ms = 200,
	.stop_loss = -1,
	.clients = 65536,
	.giaddr = 0x0a4d6401,    /* 10.77.100.1 */
	.server_ip = 0x0a4d0001, /* 10.77.0.1 */
	.client_ip = 0x0a4d0100, /* 10.77.1.0: request-mode clients from .1 */
	.src_ip = 0x0a4d00fe,    /* 10.77.0.254: our ARP sender address */
	.burst = 32,
	.udp_csum = true,
};

/* One client: its frames (built once) and its outstanding request. */
struct client {
	uint32_t off, req_off;  /* into tmpl[]: first frame, dora REQUEST */
	uint16_t len, req_len;
	uint16_t csum_off, xid_off; /* in the first frame; csum 0: none */
	uint16_t req_csum_off, req_xid_off, req_o50, req_o54;
	uint16_t csum0, req_csum0;  /* UDP checksum with xid (and 50/54) 0 */
	uint8_t mac[6];
	uint16_t dport;         /* UDP destination port of the first frame */
	uint8_t state;          /* 0 idle, 1 first frame sent, 2 dora REQUEST sent */
	uint8_t step;
	uint16_t sec;
	uint32_t xid;
	uint64_t tsc;
};

struct counters {
	uint64_t sent, matched, tx_short, naks;
	struct hist h;
};

static struct client *clients;
static uint8_t *tmpl;
static struct counters step_c[MAX_STEPS];
static struct counters sec_c[MAX_SECS];
static uint8_t sec_step[MAX_SECS];
static double sec_len[MAX_SECS]; /* seconds of sending in that record */
static double step_secs[MAX_STEPS];
static uint64_t rx_total, rx_stale, rx_other, arp_answered, rx_replies_dup;
static uint64_t tx_nombuf; /* a send postponed: the mbuf pool was empty */
static struct rte_mempool *pool;
static uint64_t hz;
static double ns_per_tsc;
static uint8_t our_mac[6];
static volatile sig_atomic_t stop;

static void
on_signal(int s)
{
	(void)s;
	stop = 1;
}

/* ------------------------------------------------------------ checksums */

static uint16_t
csum_fold_add(uint16_t csum_field, const uint16_t *words, unsigned int n)
{
	/* RFC 1624: new checksum after the covered words changed from 0 */
	uint32_t s = (uint16_t)~csum_field;

	for (unsigned int i = 0; i < n; i++)
		s += words[i];
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	s = (uint16_t)~s;
	return s == 0 ? 0xffff : (uint16_t)s;
}

/* ------------------------------------------------------------ frames */

struct profile {
	uint16_t arch;
	const char *vc;
	bool ipxe;
};

static const struct profile profiles[] = {
	{ 0, "PXEClient:Arch:00000:UNDI:002001", false },
	{ 7, "PXEClient:Arch:00007:UNDI:003016", false },
	{ 9, "PXEClient:Arch:00009:UNDI:003016", false },
	{ 11, "PXEClient:Arch:00011:UNDI:003000", false },
	{ 0, "PXEClient:Arch:00000:UNDI:002001", true },
};
#define N_PROFILES (sizeof(profiles) / sizeof(profiles[0]))

struct pbuf {
	uint8_t *b;
	size_t len;
};

static void
opt(struct pbuf *p, uint8_t code, const void *v, uint8_t len)
{
	p->b[p->len++] = code;
	p->b[p->len++] = len;
	memcpy(p->b + p->len, v, len);
	p->len += len;
}

/* Pad (option 0) until the value of the next option starts even. */
static void
align_value(struct pbuf *p)
{
	if ((p->len + 2) % 2)
		p->b[p->len++] = DPXE_OPT_PAD;
}

static bool
is_relayed(uint32_t idx)
{
	return (uint32_t)((idx * 2654435761u) >> 16) % 100 < o.relay_pct;
}

/*
 * Build client idx's DHCP message of type t into payload; returns its
 * length. o50, o54: payload offsets of those option values (dora REQUEST).
 */
static size_t
build_dhcp(uint8_t *payload, uint32_t idx, const struct client *c,
	   uint8_t t, bool to_4011, size_t *o50, size_t *o54)
{
	const struct profile *pr = &profiles[idx % N_PROFILES];
	struct pbuf p = { payload, 0 };
	uint8_t a[2], nii[3] = { 1, 3, 16 }, uuid[17] = { 0 }, cid[7];
	uint8_t maxsz[2] = { 0x05, 0xc0 }; /* 1472 */
	uint8_t prl[] = { 1, 3, 6, 43, 60, 66, 67, 128, 129, 130, 131, 132 };
	uint8_t ipxe175[] = { 0xb1, 1, 1, 0x19, 1, 1 }; /* bus id, http */
	uint8_t item[] = { 71, 4, 0x80, 0x00, 0x00, 0x00, 255 };
	uint32_t cip = o.client_ip + idx + 1;

	memset(payload, 0, TMPL_CAP);
	payload[DPXE_BOOTP_OP] = DPXE_BOOTP_REQUEST;
	payload[DPXE_BOOTP_HTYPE] = DPXE_HTYPE_ETHER;
	payload[DPXE_BOOTP_HLEN] = 6;
	if (is_relayed(idx) && !to_4011) {
		payload[DPXE_BOOTP_HOPS] = 1;
		dpxe_store_be32(payload + DPXE_BOOTP_GIADDR, o.giaddr + idx % 4);
	}
	if (to_4011)
		dpxe_store_be32(payload + DPXE_BOOTP_CIADDR, cip);
	else if (o.bcast_flag)
		dpxe_store_be16(payload + DPXE_BOOTP_FLAGS,
				DPXE_BOOTP_FLAG_BROADCAST);
	memcpy(payload + DPXE_BOOTP_CHADDR, c->mac, 6);
	dpxe_store_be32(payload + DPXE_BOOTP_COOKIE, DPXE_DHCP_MAGIC_COOKIE);
	p.len = DPXE_DHCP_OPTIONS_OFF;
	opt(&p, DPXE_OPT_MSG_TYPE, &t, 1);
	opt(&p, DPXE_OPT_MAX_MSG_SIZE, maxsz, 2);
	opt(&p, DPXE_OPT_PARAM_REQUEST, prl, sizeof(prl));
	dpxe_store_be16(a, pr->arch);
	opt(&p, DPXE_OPT_CLIENT_ARCH, a, 2);
	opt(&p, DPXE_OPT_CLIENT_NDI, nii, 3);
	memcpy(uuid + 1, c->mac, 6);
	uuid[7] = (uint8_t)idx;
	opt(&p, DPXE_OPT_CLIENT_UUID, uuid, 17);
	cid[0] = 1;
	memcpy(cid + 1, c->mac, 6);
	opt(&p, DPXE_OPT_CLIENT_ID, cid, 7);
	opt(&p, DPXE_OPT_VENDOR_CLASS, pr->vc, (uint8_t)strlen(pr->vc));
	if (pr->ipxe) {
		opt(&p, DPXE_OPT_USER_CLASS, "\004iPXE", 5);
		opt(&p, DPXE_OPT_IPXE, ipxe175, sizeof(ipxe175));
	}
	if (to_4011)
		opt(&p, DPXE_OPT_VENDOR, item, sizeof(item));
	if (o50 != NULL) {
		uint8_t z[4] = { 0 };

		align_value(&p);
		*o50 = p.len + 2;
		opt(&p, DPXE_OPT_REQUESTED_IP, z, 4);
		align_value(&p);
		*o54 = p.len + 2;
		opt(&p, DPXE_OPT_SERVER_ID, z, 4);
	}
	payload[p.len++] = DPXE_OPT_END;
	if (p.len < DPXE_BOOTP_MIN_LEN)
		p.len = DPXE_BOOTP_MIN_LEN;
	return p.len;
}

/* Build one whole frame at tmpl + off; returns its length (0: failed). */
static size_t
build_frame(uint32_t idx, struct client *c, uint32_t off, uint8_t t,
	    size_t *o50, size_t *o54, uint16_t *csum_off, uint16_t *xid_off,
	    uint16_t *csum0)
{
	bool to_4011 = o.mode == MODE_REQUEST;
	bool relayed = is_relayed(idx) && !to_4011;
	struct dpxe_udp4_spec s = { .ttl = 64, .udp_csum = o.udp_csum };
	uint8_t *f = tmpl + off;
	size_t hl, plen, len;

	if (o.n_vlans) {
		s.vlan_count = 1;
		s.vlan_tpid[0] = DPXE_ETHERTYPE_VLAN;
		s.vlan_tci[0] = o.vlans[idx % o.n_vlans];
	}
	if (relayed || to_4011) {
		memcpy(s.dst_mac, o.server_mac, 6);
		s.ip_dst = htonl(o.server_ip);
	} else {
		memset(s.dst_mac, 0xff, 6);
		s.ip_dst = 0xffffffffu;
	}
	if (relayed) {
		memcpy(s.src_mac, our_mac, 6);
		s.ip_src = htonl(o.giaddr + idx % 4);
		s.src_port = DPXE_DHCP_SERVER_PORT;
		s.dst_port = DPXE_DHCP_SERVER_PORT;
	} else {
		memcpy(s.src_mac, c->mac, 6);
		s.ip_src = to_4011 ? htonl(o.client_ip + idx + 1) : 0;
		s.src_port = DPXE_DHCP_CLIENT_PORT;
		s.dst_port = to_4011 ? DPXE_PXE_BOOT_SERVER_PORT :
				       DPXE_DHCP_SERVER_PORT;
	}
	hl = dpxe_udp4_header_len(&s);
	plen = build_dhcp(f + hl, idx, c, t, to_4011, o50, o54);
	len = dpxe_udp4_write(f, TMPL_CAP, &s, plen);
	if (len == 0)
		return 0;
	if (len < 60)
		len = 60;
	*xid_off = (uint16_t)(hl + DPXE_BOOTP_XID);
	c->dport = s.dst_port;
	*csum_off = o.udp_csum ? (uint16_t)(hl - 2) : 0;
	*csum0 = o.udp_csum ? dpxe_load_be16(f + hl - 2) : 0;
	if (o50 != NULL) {
		*o50 += hl;
		*o54 += hl;
	}
	return len;
}

static int
build_clients(void)
{
	size_t per = o.mode == MODE_DORA ? 2 * TMPL_CAP : TMPL_CAP;

	clients = rte_zmalloc("clients", sizeof(*clients) * o.clients, 64);
	tmpl = rte_zmalloc("tmpl", per * o.clients, 64);
	if (clients == NULL || tmpl == NULL)
		return -1;
	for (uint32_t i = 0; i < o.clients; i++) {
		struct client *c = &clients[i];
		size_t l, o50, o54;

		c->mac[0] = 0x02;
		c->mac[1] = 0x4c;
		c->mac[2] = 0x47;
		c->mac[3] = (uint8_t)(i >> 16);
		c->mac[4] = (uint8_t)(i >> 8);
		c->mac[5] = (uint8_t)i;
		c->off = (uint32_t)(i * per);
		l = build_frame(i, c, c->off,
				o.mode == MODE_REQUEST ? DPXE_DHCPREQUEST :
							 DPXE_DHCPDISCOVER,
				NULL, NULL, &c->csum_off, &c->xid_off, &c->csum0);
		if (l == 0)
			return -1;
		c->len = (uint16_t)l;
		if (o.mode == MODE_DORA) {
			c->req_off = c->off + TMPL_CAP;
			l = build_frame(i, c, c->req_off, DPXE_DHCPREQUEST,
					&o50, &o54, &c->req_csum_off,
					&c->req_xid_off, &c->req_csum0);
			if (l == 0)
				return -1;
			c->req_len = (uint16_t)l;
			c->req_o50 = (uint16_t)o50;
			c->req_o54 = (uint16_t)o54;
		}
	}
	return 0;
}

/* Copy a template into a fresh mbuf, patching xid (and dora's 50/54). */
static struct rte_mbuf *
make_mbuf(const struct client *c, bool req, uint32_t xid, const uint8_t *o50,
	  const uint8_t *o54)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint16_t len = req ? c->req_len : c->len;
	uint16_t coff = req ? c->req_csum_off : c->csum_off;
	uint16_t xoff = req ? c->req_xid_off : c->xid_off;
	uint16_t w[6];
	unsigned int nw = 2;
	uint8_t *d;

	if (m == NULL)
		return NULL;
	d = rte_pktmbuf_mtod(m, uint8_t *);
	memcpy(d, tmpl + (req ? c->req_off : c->off), len);
	m->data_len = m->pkt_len = len;
	dpxe_store_be32(d + xoff, xid);
	w[0] = (uint16_t)(xid >> 16);
	w[1] = (uint16_t)xid;
	if (req) {
		memcpy(d + c->req_o50, o50, 4);
		memcpy(d + c->req_o54, o54, 4);
		w[2] = dpxe_load_be16(o50);
		w[3] = dpxe_load_be16(o50 + 2);
		w[4] = dpxe_load_be16(o54);
		w[5] = dpxe_load_be16(o54 + 2);
		nw = 6;
	}
	if (coff)
		dpxe_store_be16(d + coff, csum_fold_add(req ? c->req_csum0 :
							c->csum0, w, nw));
	return m;
}

/* ------------------------------------------------------------ receive */

static const uint8_t *
find_opt(const uint8_t *p, uint32_t len, uint8_t code, uint8_t *vlen)
{
	uint32_t i = DPXE_DHCP_OPTIONS_OFF;

	while (i < len) {
		uint8_t c = p[i];

		if (c == DPXE_OPT_PAD) {
			i++;
			continue;
		}
		if (c == DPXE_OPT_END || i + 1 >= len)
			return NULL;
		if (i + 2 + p[i + 1] > len)
			return NULL;
		if (c == code) {
			*vlen = p[i + 1];
			return p + i + 2;
		}
		i += 2u + p[i + 1];
	}
	return NULL;
}

static uint16_t cur_step, cur_sec;

static void
matched(struct client *c, uint64_t now)
{
	uint64_t ns = (uint64_t)((double)(now - c->tsc) * ns_per_tsc);

	step_c[c->step].matched++;
	hist_add(&step_c[c->step].h, ns);
	sec_c[c->sec].matched++;
	hist_add(&sec_c[c->sec].h, ns);
	c->state = 0;
}

/* Answer ARP for our addresses (request-mode clients, relays, src_ip). */
static struct rte_mbuf *
arp_answer(const struct dpxe_frame *f)
{
	uint32_t tpa = ntohl(f->arp_tpa), idx;
	const uint8_t *mac = our_mac;
	struct rte_mbuf *m;
	size_t len;

	if (f->arp_op != DPXE_ARP_OP_REQUEST)
		return NULL;
	if (tpa > o.client_ip && tpa <= o.client_ip + o.clients) {
		idx = tpa - o.client_ip - 1;
		mac = clients[idx].mac;
	} else if (tpa != o.src_ip && (tpa < o.giaddr || tpa >= o.giaddr + 4)) {
		return NULL;
	}
	m = rte_pktmbuf_alloc(pool);
	if (m == NULL)
		return NULL;
	len = dpxe_arp_reply_write(rte_pktmbuf_mtod(m, uint8_t *),
				   rte_pktmbuf_tailroom(m), f, mac, htonl(tpa));
	if (len == 0) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	m->data_len = m->pkt_len = (uint16_t)len;
	arp_answered++;
	return m;
}

/* Receive what is there (at most 4 bursts); returns frames received. */
static unsigned int
rx_poll(void)
{
	struct rte_mbuf *pk[MAX_BURST], *out[MAX_BURST];
	unsigned int total = 0;

	for (int round = 0; round < 4; round++) {
		uint16_t n = rte_eth_rx_burst(o.port, 0, pk, o.burst);
		unsigned int nout = 0;
		uint64_t now = rte_rdtsc();

		if (n == 0)
			break;
		total += n;
		rx_total += n;
		for (uint16_t i = 0; i < n; i++) {
			struct rte_mbuf *m = pk[i];
			struct dpxe_frame f;
			const uint8_t *p, *v;
			uint8_t vl, type;
			uint32_t xid, idx;
			struct client *c;

			if (!rte_pktmbuf_is_contiguous(m) ||
			    dpxe_frame_parse(rte_pktmbuf_mtod(m, uint8_t *),
					     m->data_len,
					     DPXE_PARSE_IP_CSUM_VERIFIED |
					     DPXE_PARSE_UDP_CSUM_VERIFIED,
					     &f) != DPXE_DROP_OK)
				goto other;
			if (f.kind == DPXE_FRAME_ARP) {
				struct rte_mbuf *a = arp_answer(&f);

				if (a != NULL)
					out[nout++] = a;
				goto other;
			}
			p = dpxe_frame_payload(&f);
			if (o.echo && f.payload_len >= DPXE_DHCP_OPTIONS_OFF &&
			    f.dst_port == clients[0].dport) {
				/* the floor: our own request came back */
				xid = dpxe_load_be32(p + DPXE_BOOTP_XID);
				idx = xid & XID_IDX_MASK;
				if (idx >= o.clients)
					goto other;
				c = &clients[idx];
				if (c->state == 1 && c->xid == xid &&
				    !memcmp(p + DPXE_BOOTP_CHADDR, c->mac, 6))
					matched(c, now);
				else
					rx_stale++;
				goto done;
			}
			if ((f.src_port != DPXE_DHCP_SERVER_PORT &&
			     f.src_port != DPXE_PXE_BOOT_SERVER_PORT) ||
			    f.payload_len < DPXE_DHCP_OPTIONS_OFF ||
			    p[DPXE_BOOTP_OP] != DPXE_BOOTP_REPLY)
				goto other;
			xid = dpxe_load_be32(p + DPXE_BOOTP_XID);
			idx = xid & XID_IDX_MASK;
			if (idx >= o.clients)
				goto other;
			c = &clients[idx];
			if (c->state == 0 || c->xid != xid ||
			    memcmp(p + DPXE_BOOTP_CHADDR, c->mac, 6) != 0) {
				if (rx_stale++ < 8 && getenv("LG_DEBUG"))
					fprintf(stderr, "stale: idx %u xid %08x "
						"cur %08x state %u age %.1f us\n",
						idx, xid, c->xid, c->state,
						(double)(now - c->tsc) *
						ns_per_tsc / 1000);
				goto done;
			}
			v = find_opt(p, f.payload_len, DPXE_OPT_MSG_TYPE, &vl);
			type = (v != NULL && vl == 1) ? v[0] : 0;
			if (o.mode == MODE_DISCOVER) {
				if (type == DPXE_DHCPOFFER)
					matched(c, now);
				else
					rx_other++;
			} else if (o.mode == MODE_REQUEST ||
				   c->state == 2) {
				if (type == DPXE_DHCPACK)
					matched(c, now);
				else if (type == DPXE_DHCPNAK) {
					step_c[c->step].naks++;
					c->state = 0;
				} else
					rx_replies_dup++;
			} else if (type == DPXE_DHCPOFFER) {
				/* dora: answer the first OFFER */
				uint8_t sid[4];
				struct rte_mbuf *r;

				v = find_opt(p, f.payload_len,
					     DPXE_OPT_SERVER_ID, &vl);
				if (v == NULL || vl != 4) {
					rx_replies_dup++;
					goto done;
				}
				memcpy(sid, v, 4);
				r = make_mbuf(c, true, xid,
					      p + DPXE_BOOTP_YIADDR, sid);
				if (r != NULL && nout < MAX_BURST) {
					out[nout++] = r;
					c->state = 2;
				} else if (r != NULL) {
					rte_pktmbuf_free(r);
				}
			} else {
				rx_replies_dup++;
			}
			goto done;
other:
			rx_other++;
done:
			rte_pktmbuf_free(m);
		}
		if (nout) {
			uint16_t s = rte_eth_tx_burst(o.port, 0, out,
						      (uint16_t)nout);

			for (unsigned int i = s; i < nout; i++)
				rte_pktmbuf_free(out[i]);
		}
	}
	return total;
}

/* ------------------------------------------------------------ send */

static uint32_t cursor, generation = 1;

/*
 * Send up to n new requests, the next clients in turn. Only what the port
 * took moves the cursor and touches a client: a refused frame (TX ring
 * full) leaves its client as it was, outstanding request included, and
 * that client goes first next time. (Moving on regardless would give the
 * refused clients new xids while their earlier requests are still in
 * flight, and count those requests' replies as stale.)
 */
static unsigned int
tx_some(unsigned int n, uint64_t now)
{
	struct rte_mbuf *pk[MAX_BURST];
	uint32_t idx[MAX_BURST], xids[MAX_BURST];
	uint32_t k = cursor, gen = generation;
	unsigned int built = 0;
	uint16_t sent;

	for (unsigned int i = 0; i < n; i++) {
		uint32_t xid = (gen << 20) | k;

		pk[built] = make_mbuf(&clients[k], false, xid, NULL, NULL);
		if (pk[built] == NULL) {
			tx_nombuf++; /* this client goes next time */
			break;
		}
		idx[built] = k;
		xids[built++] = xid;
		if (++k >= o.clients) {
			k = 0;
			gen = (gen + 1) & 0xfff;
			if (gen == 0)
				gen = 1;
		}
	}
	sent = built ? rte_eth_tx_burst(o.port, 0, pk, (uint16_t)built) : 0;
	for (unsigned int i = 0; i < built; i++) {
		struct client *c = &clients[idx[i]];

		if (i >= sent) {
			rte_pktmbuf_free(pk[i]);
			continue;
		}
		c->xid = xids[i];
		c->state = 1;
		c->tsc = now;
		c->step = (uint8_t)cur_step;
		c->sec = cur_sec;
	}
	if (sent == built) {
		cursor = k;
		generation = gen;
	} else {
		cursor = idx[sent];
		generation = xids[sent] >> 20;
	}
	step_c[cur_step].sent += sent;
	sec_c[cur_sec].sent += sent;
	if (sent < n) {
		step_c[cur_step].tx_short += n - sent;
		sec_c[cur_sec].tx_short += n - sent;
	}
	return sent;
}

/* ------------------------------------------------------------ report */

static double
us(uint64_t ns)
{
	return (double)ns / 1000.0;
}

static double
loss_pct(const struct counters *c)
{
	return c->sent ? 100.0 * (double)(c->sent - c->matched) /
				 (double)c->sent : 0.0;
}

static void
row(FILE *f, const char *label, double target, double secs,
    const struct counters *c)
{
	fprintf(f, "%-8s %12.0f %12.0f %12.0f %7.2f %9.1f %9.1f %9.1f %9.1f\n",
		label, target, secs > 0 ? (double)c->sent / secs : 0,
		secs > 0 ? (double)c->matched / secs : 0, loss_pct(c),
		us(hist_quantile(&c->h, 0.5)), us(hist_quantile(&c->h, 0.99)),
		us(hist_quantile(&c->h, 0.999)), us(c->h.max_ns));
}

static void
json_counters(FILE *f, double target, double secs, const struct counters *c)
{
	fprintf(f, "\"target_pps\": %.0f, \"seconds\": %.3f, \"sent\": %" PRIu64
		", \"replies\": %" PRIu64 ", \"tx_short\": %" PRIu64
		", \"naks\": %" PRIu64 ", \"offered_pps\": %.1f, "
		"\"reply_pps\": %.1f, \"loss_pct\": %.4f, \"p50_us\": %.2f, "
		"\"p90_us\": %.2f, \"p99_us\": %.2f, \"p999_us\": %.2f, "
		"\"mean_us\": %.2f, \"max_us\": %.2f",
		target, secs, c->sent, c->matched, c->tx_short, c->naks,
		secs > 0 ? (double)c->sent / secs : 0,
		secs > 0 ? (double)c->matched / secs : 0, loss_pct(c),
		us(hist_quantile(&c->h, 0.5)), us(hist_quantile(&c->h, 0.9)),
		us(hist_quantile(&c->h, 0.99)),
		us(hist_quantile(&c->h, 0.999)),
		c->h.count ? us(c->h.sum_ns / c->h.count) : 0, us(c->h.max_ns));
}

static void
report(unsigned int n_steps, unsigned int n_secs, unsigned int half_step)
{
	static struct counters tot;
	double tot_secs = 0;
	FILE *f;

	for (unsigned int s = 0; s < n_steps; s++) {
		tot.sent += step_c[s].sent;
		tot.matched += step_c[s].matched;
		tot.tx_short += step_c[s].tx_short;
		tot.naks += step_c[s].naks;
		hist_merge(&tot.h, &step_c[s].h);
		tot_secs += step_secs[s];
	}
	printf("\n%-8s %12s %12s %12s %7s %9s %9s %9s %9s\n", "step",
	       "target/s", "offered/s", "replies/s", "loss%", "p50 us",
	       "p99 us", "p99.9 us", "max us");
	for (unsigned int s = 0; s < n_steps; s++) {
		char l[16];

		snprintf(l, sizeof(l), "%u", s + 1);
		row(stdout, l, (double)o.rates[s], step_secs[s], &step_c[s]);
	}
	row(stdout, "total", 0, tot_secs, &tot);
	printf("rx %" PRIu64 " stale %" PRIu64 " other %" PRIu64
	       " dup %" PRIu64 " arp-answered %" PRIu64 " tx-nombuf %" PRIu64
	       "\n", rx_total, rx_stale, rx_other, rx_replies_dup,
	       arp_answered, tx_nombuf);
	if (o.json == NULL)
		return;
	f = fopen(o.json, "w");
	if (f == NULL) {
		perror(o.json);
		return;
	}
	fprintf(f, "{\n \"tool\": \"dpxe-loadgen\", \"mode\": \"%s\", "
		"\"clients\": %u, \"burst\": %u, \"relay_pct\": %u, "
		"\"vlans\": %u, \"udp_csum\": %s, \"echo\": %s, "
		"\"half_ms\": %u, \"half_step\": %u, "
		"\"tsc_hz\": %" PRIu64
		", \"step_ms\": %u, \"gap_ms\": %u,\n \"rx\": %" PRIu64
		", \"stale\": %" PRIu64 ", \"other\": %" PRIu64
		", \"dup\": %" PRIu64 ", \"tx_nombuf\": %" PRIu64
		",\n \"steps\": [\n",
		mode_name[o.mode], o.clients, o.burst, o.relay_pct, o.n_vlans,
		o.udp_csum ? "true" : "false", o.echo ? "true" : "false",
		o.half_ms, half_step, hz, o.step_ms, o.gap_ms,
		rx_total, rx_stale, rx_other, rx_replies_dup, tx_nombuf);
	for (unsigned int s = 0; s < n_steps; s++) {
		fprintf(f, "  {\"step\": %u, ", s + 1);
		json_counters(f, (double)o.rates[s], step_secs[s], &step_c[s]);
		fprintf(f, "}%s\n", s + 1 < n_steps ? "," : "");
	}
	fprintf(f, " ],\n \"per_second\": [\n");
	for (unsigned int s = 0; s < n_secs; s++) {
		fprintf(f, "  {\"second\": %u, \"step\": %u, ", s,
			sec_step[s] + 1);
		json_counters(f, (double)o.rates[sec_step[s]], sec_len[s],
			      &sec_c[s]);
		fprintf(f, "}%s\n", s + 1 < n_secs ? "," : "");
	}
	fprintf(f, " ],\n \"total\": {");
	json_counters(f, 0, tot_secs, &tot);
	fprintf(f, "}\n}\n");
	fclose(f);
}

/* ------------------------------------------------------------ set-up */

static int
parse_ip(const char *s, uint32_t *out)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return -1;
	*out = ntohl(a.s_addr);
	return 0;
}

static int
parse_u64_list(const char *s, uint64_t *out, unsigned int max,
	       unsigned int *n)
{
	char *end;

	*n = 0;
	while (*s) {
		if (*n >= max)
			return -1;
		errno = 0;
		out[(*n)++] = strtoull(s, &end, 10);
		if (errno || end == s || (*end && *end != ','))
			return -1;
		s = *end ? end + 1 : end;
	}
	return *n ? 0 : -1;
}

static void
usage(void)
{
	fprintf(stderr,
		"usage: dpxe-loadgen [EAL] -- [--mode discover|request|dora]\n"
		"  [--rate PPS[,PPS...]] (0 = flat out) [--step-ms MS] [--gap-ms MS]\n"
		"  [--stop-loss PCT] [--clients N] [--vlan VID[,VID...]]\n"
		"  [--relay-pct P] [--giaddr IP] [--server-ip IP] [--client-ip IP]\n"
		"  [--src-ip IP] [--server-mac MAC] [--burst N] [--no-udp-csum]\n"
		"  [--json FILE] [--quiet] [--port N] [--echo] [--half-ms MS]\n"
		"  [--linger-ms MS] [--broadcast-flag]\n"
		"  --half-ms: after the steps, one more step of MS at half the\n"
		"  best reply rate seen with < 1 %% loss (latency at half load)\n"
		"  --linger-ms: after writing the JSON, keep the port open (and\n"
		"  draining) for MS, so the server can be stopped first\n"
		"  --echo: a reply is the request itself coming back (a\n"
		"  forwarder such as testpmd io/macswap in place of the server)\n"
		"  --broadcast-flag: DISCOVERs and dora REQUESTs ask for broadcast\n"
		"  replies (BOOTP flags 0x8000, as UEFI PXE firmware sends them)\n");
}

static int
parse_args(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "mode", 1, NULL, 'm' }, { "rate", 1, NULL, 'r' },
		{ "step-ms", 1, NULL, 's' }, { "gap-ms", 1, NULL, 'g' },
		{ "stop-loss", 1, NULL, 'L' }, { "clients", 1, NULL, 'n' },
		{ "vlan", 1, NULL, 'v' }, { "relay-pct", 1, NULL, 'R' },
		{ "giaddr", 1, NULL, 'G' }, { "server-ip", 1, NULL, 'S' },
		{ "client-ip", 1, NULL, 'C' }, { "src-ip", 1, NULL, 'I' },
		{ "server-mac", 1, NULL, 'M' }, { "burst", 1, NULL, 'b' },
		{ "no-udp-csum", 0, NULL, 'u' }, { "json", 1, NULL, 'j' },
		{ "quiet", 0, NULL, 'q' }, { "port", 1, NULL, 'p' },
		{ "echo", 0, NULL, 'e' }, { "half-ms", 1, NULL, 'H' },
		{ "linger-ms", 1, NULL, 'W' }, { "broadcast-flag", 0, NULL, 'B' },
		{ "help", 0, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	uint64_t tmp[MAX_VLANS];
	unsigned int n;
	int c;

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (!strcmp(optarg, "discover"))
				o.mode = MODE_DISCOVER;
			else if (!strcmp(optarg, "request"))
				o.mode = MODE_REQUEST;
			else if (!strcmp(optarg, "dora"))
				o.mode = MODE_DORA;
			else
				return -1;
			break;
		case 'r':
			if (parse_u64_list(optarg, o.rates, MAX_STEPS,
					   &o.n_rates))
				return -1;
			break;
		case 's': o.step_ms = (uint32_t)atoi(optarg); break;
		case 'g': o.gap_ms = (uint32_t)atoi(optarg); break;
		case 'L': o.stop_loss = atof(optarg); break;
		case 'n': o.clients = (uint32_t)atoi(optarg); break;
		case 'v':
			if (parse_u64_list(optarg, tmp, MAX_VLANS, &n))
				return -1;
			for (unsigned int i = 0; i < n; i++)
				o.vlans[i] = (uint16_t)(tmp[i] & 0xfff);
			o.n_vlans = n;
			break;
		case 'R': o.relay_pct = (uint32_t)atoi(optarg); break;
		case 'G': if (parse_ip(optarg, &o.giaddr)) return -1; break;
		case 'S': if (parse_ip(optarg, &o.server_ip)) return -1; break;
		case 'C': if (parse_ip(optarg, &o.client_ip)) return -1; break;
		case 'I': if (parse_ip(optarg, &o.src_ip)) return -1; break;
		case 'M': {
			unsigned int b[6];

			if (sscanf(optarg, "%x:%x:%x:%x:%x:%x", &b[0], &b[1],
				   &b[2], &b[3], &b[4], &b[5]) != 6)
				return -1;
			for (int i = 0; i < 6; i++)
				o.server_mac[i] = (uint8_t)b[i];
			o.have_server_mac = true;
			break;
		}
		case 'b': o.burst = (uint16_t)atoi(optarg); break;
		case 'u': o.udp_csum = false; break;
		case 'j': o.json = optarg; break;
		case 'q': o.quiet = true; break;
		case 'e': o.echo = true; break;
		case 'H': o.half_ms = (uint32_t)atoi(optarg); break;
		case 'W': o.linger_ms = (uint32_t)atoi(optarg); break;
		case 'B': o.bcast_flag = true; break;
		case 'p': o.port = (uint16_t)atoi(optarg); break;
		default: return -1;
		}
	}
	if (o.clients == 0 || o.clients > MAX_CLIENTS || o.burst == 0 ||
	    o.burst > MAX_BURST || o.step_ms == 0 || o.relay_pct > 100 ||
	    (uint64_t)o.n_rates * (o.step_ms + o.gap_ms) / 1000 >= MAX_SECS) {
		fprintf(stderr, "loadgen: a value is out of range\n");
		return -1;
	}
	return 0;
}

static int
port_init(void)
{
	struct rte_eth_conf conf = { 0 };
	struct rte_eth_link link;
	int rc;

	if (!rte_eth_dev_is_valid_port(o.port)) {
		fprintf(stderr, "loadgen: no port %u (give a --vdev)\n", o.port);
		return -1;
	}
	pool = rte_pktmbuf_pool_create("lg", NB_MBUF, 256, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE,
				       rte_socket_id());
	if (pool == NULL)
		return -1;
	rc = rte_eth_dev_configure(o.port, 1, 1, &conf);
	if (rc == 0)
		rc = rte_eth_rx_queue_setup(o.port, 0, RING,
					    rte_eth_dev_socket_id(o.port), NULL,
					    pool);
	if (rc == 0)
		rc = rte_eth_tx_queue_setup(o.port, 0, RING,
					    rte_eth_dev_socket_id(o.port), NULL);
	if (rc == 0)
		rc = rte_eth_dev_start(o.port);
	if (rc != 0) {
		fprintf(stderr, "loadgen: port %u set-up failed: %d\n", o.port,
			rc);
		return -1;
	}
	rte_eth_promiscuous_enable(o.port);
	rte_eth_macaddr_get(o.port, (struct rte_ether_addr *)our_mac);
	for (int i = 0; i < 300 && !stop; i++) { /* 30 s: memif peer start-up */
		memset(&link, 0, sizeof(link));
		rte_eth_link_get_nowait(o.port, &link);
		if (link.link_status == RTE_ETH_LINK_UP)
			return 0;
		rte_delay_ms(100);
	}
	fprintf(stderr, "loadgen: port %u link down after 30 s\n", o.port);
	return -1;
}

/* Learn the server's MAC by ARP (relay and request frames are unicast). */
static int
resolve_server(void)
{
	uint8_t req[60] = { 0 };

	for (int tries = 0; tries < 20 && !stop; tries++) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(pool), *pk[32];
		uint64_t end;

		if (m == NULL)
			return -1;
		memset(req, 0xff, 6);
		memcpy(req + 6, our_mac, 6);
		dpxe_store_be16(req + 12, DPXE_ETHERTYPE_ARP);
		dpxe_store_be16(req + 14, 1);
		dpxe_store_be16(req + 16, DPXE_ETHERTYPE_IPV4);
		req[18] = 6;
		req[19] = 4;
		dpxe_store_be16(req + 20, DPXE_ARP_OP_REQUEST);
		memcpy(req + 22, our_mac, 6);
		dpxe_store_be32(req + 28, o.src_ip);
		dpxe_store_be32(req + 38, o.server_ip);
		memcpy(rte_pktmbuf_mtod(m, uint8_t *), req, 60);
		m->data_len = m->pkt_len = 60;
		if (rte_eth_tx_burst(o.port, 0, &m, 1) != 1)
			rte_pktmbuf_free(m);
		end = rte_rdtsc() + hz / 4;
		while (rte_rdtsc() < end) {
			uint16_t n = rte_eth_rx_burst(o.port, 0, pk, 32);

			for (uint16_t i = 0; i < n; i++) {
				struct dpxe_frame f;
				uint8_t *d = rte_pktmbuf_mtod(pk[i], uint8_t *);

				if (dpxe_frame_parse(d, pk[i]->data_len, 0, &f) ==
					    DPXE_DROP_OK &&
				    f.kind == DPXE_FRAME_ARP &&
				    f.arp_op == DPXE_ARP_OP_REPLY &&
				    ntohl(f.arp_spa) == o.server_ip) {
					memcpy(o.server_mac, d + f.l3_off + 8, 6);
					o.have_server_mac = true;
				}
				rte_pktmbuf_free(pk[i]);
			}
			if (o.have_server_mac)
				return 0;
		}
	}
	return -1;
}

int
main(int argc, char **argv)
{
	unsigned int n_steps = 0, n_secs = 0, half_step = 0;
	bool half_pending = false;
	int ret;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "loadgen: EAL init failed\n");
		return 1;
	}
	argc -= ret;
	argv += ret;
	if (parse_args(argc, argv) < 0) {
		usage();
		rte_eal_cleanup();
		return 2;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	hz = rte_get_tsc_hz();
	ns_per_tsc = 1e9 / (double)hz;
	if (port_init() < 0)
		goto fail;
	if ((o.mode == MODE_REQUEST || o.relay_pct > 0) &&
	    !o.have_server_mac && resolve_server() < 0) {
		fprintf(stderr, "loadgen: no ARP reply from the server; give "
				"--server-mac\n");
		goto fail;
	}
	if (build_clients() < 0) {
		fprintf(stderr, "loadgen: cannot build the client frames\n");
		goto fail;
	}
	printf("loadgen: %s, %u clients, %u step(s) of %u ms, burst %u, "
	       "relay %u%%, %u VLAN(s), TSC %.3f GHz\n", mode_name[o.mode],
	       o.clients, o.n_rates, o.step_ms, o.burst, o.relay_pct,
	       o.n_vlans, (double)hz / 1e9);
	if (!o.quiet)
		printf("%-8s %12s %12s %12s %7s %9s %9s %9s %9s\n", "second",
		       "target/s", "offered/s", "replies/s", "loss%", "p50 us",
		       "p99 us", "p99.9 us", "max us");

	for (unsigned int s = 0; s < o.n_rates && !stop; s++) {
		uint64_t rate, start = rte_rdtsc(), now = start;
		uint64_t end = start + hz * o.step_ms / 1000, sent = 0;
		uint64_t sec_start = start, gap_end;
		unsigned int first_sec = n_secs;

		rate = o.rates[s];

		cur_step = (uint16_t)s;
		n_steps = s + 1;
		while (now < end && !stop) {
			unsigned int n = o.burst;

			if (rate) {
				uint64_t due = (uint64_t)((double)(now - start) *
							  (double)rate /
							  (double)hz);

				n = due > sent ? (unsigned int)RTE_MIN(
					due - sent, (uint64_t)o.burst) : 0;
				if (due > sent + 4u * o.burst)
					sent = due - o.burst; /* can't keep up */
			}
			if (n)
				sent += tx_some(n, now);
			rx_poll();
			now = rte_rdtsc();
			if (now - sec_start >= hz || now >= end) {
				sec_step[cur_sec] = (uint8_t)s;
				sec_len[cur_sec] = (double)(now - sec_start) /
						   (double)hz;
				n_secs = cur_sec + 1;
				if (cur_sec + 1 < MAX_SECS)
					cur_sec++;
				sec_start = now;
			}
		}
		step_secs[s] = (double)(now - start) / (double)hz;
		/* receive-only drain: late replies still count */
		gap_end = now + hz * RTE_MAX(o.gap_ms, 1u) / 1000;
		while (rte_rdtsc() < gap_end && !stop)
			rx_poll();
		/* this step's seconds, now that their replies are in */
		for (unsigned int k = first_sec; k < n_secs && !o.quiet; k++) {
			char l[16];

			snprintf(l, sizeof(l), "%u", k);
			row(stdout, l, (double)o.rates[sec_step[k]], sec_len[k],
			    &sec_c[k]);
		}
		fflush(stdout);
		if (s + 1 == o.n_rates && half_pending) {
			half_pending = false;
			break;
		}
		if (o.stop_loss >= 0 && loss_pct(&step_c[s]) > o.stop_loss) {
			printf("loadgen: step %u lost %.2f %% > %.2f %%: "
			       "stopping\n", s + 1, loss_pct(&step_c[s]),
			       o.stop_loss);
			if (!o.half_ms)
				break;
			s = o.n_rates - 1; /* on to the half-load step */
		}
		if (s + 1 == o.n_rates && o.half_ms && !half_pending &&
		    o.n_rates < MAX_STEPS) {
			double best = 0;

			for (unsigned int k = 0; k < n_steps; k++)
				if (step_c[k].sent && loss_pct(&step_c[k]) < 1.0 &&
				    (double)step_c[k].matched / step_secs[k] > best)
					best = (double)step_c[k].matched /
					       step_secs[k];
			if (best > 0) {
				o.rates[o.n_rates++] = (uint64_t)(best / 2);
				o.step_ms = o.half_ms;
				half_pending = true;
				half_step = o.n_rates; /* 1-based */
			}
		}
	}
	report(n_steps, n_secs, half_step);
	printf("loadgen: done\n");
	fflush(stdout);
	if (o.linger_ms) {
		uint64_t end = rte_rdtsc() + hz * o.linger_ms / 1000;

		while (rte_rdtsc() < end && !stop) {
			struct rte_mbuf *pk[64];
			uint16_t n = rte_eth_rx_burst(o.port, 0, pk, 64);

			rte_pktmbuf_free_bulk(pk, n);
			if (n == 0)
				rte_delay_us_sleep(1000);
		}
	}
	rte_eth_dev_stop(o.port);
	rte_eth_dev_close(o.port);
	rte_eal_cleanup();
	return 0;
fail:
	rte_eal_cleanup();
	return 1;
}
