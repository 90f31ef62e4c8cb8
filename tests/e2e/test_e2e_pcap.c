/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * End-to-end suite: the dpxe binary on pcap files (DPDK's net_pcap PMD).
 *
 * One input pcap holds the client frames of the real captures in
 * tests/data/clients/ and a few hundred synthesized frames (every PXE arch
 * code, iPXE, relays, VLAN tags, the port 4011 boot server, ARP and a pile of
 * malformed frames). dpxe answers them with tests/data/e2e/proxy.yaml; the
 * suite then reads what it sent and checks every reply field by field, that
 * no reply is missing or unexpected, and that each dropped frame was counted
 * under its reason in the --stats-json counters. A second run spreads 240
 * DISCOVERs over two workers and checks who answered whom.
 *
 * Every case says what it expects; the reply's addressing (RFC 2131 §4.1,
 * PXE 2.1 for port 4011) is derived from the request frame by this file's
 * own reading of those rules, never by dpxe's code.
 *
 * Usage: test_e2e_pcap PATH_TO_DPXE (or DPXE_BIN=...), from the source root.
 * DPXE_E2E_KEEP=1 keeps the temporary directory with the pcaps and logs;
 * DPXE_E2E_TIMEOUT=S kills a dpxe run after S seconds instead of 60.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "client_hash.h"
#include "dhcp.h"
#include "e2e.h"

#define SRV_IP E2E_IP(10, 213, 47, 1)
#define SNAME "dpxe-e2e"
#define BCAST 0xffffffffu
#define CONFIG "tests/data/e2e/proxy.yaml"
#define CONFIG_2W "tests/data/e2e/two-workers.yaml"
#define CONFIG_VLAN "tests/data/e2e/vlan-port.yaml"
#define CLIENTS "tests/data/clients/"
#define RUN_TIMEOUT_S 60

#define URL_IPXE "http://10.213.47.1/boot.ipxe"
#define URL_HTTP "http://10.213.47.1/efi/bootx64.efi"
#define F_BIOS "bios/undionly.kpxe"
#define F_IA32 "ia32/ipxe.efi"
#define F_X64 "x64/ipxe.efi"
#define F_ARM64 "arm64/ipxe.efi"
#define F_RISCV "riscv64/ipxe.efi"
#define F_OTHER "other/undionly.kpxe"
#define F_BRANCH "branch/undionly.kpxe"
#define F_BOOTSRV "bootsrv/pxelinux.0"
#define F_MENU "menu/pxelinux.0"
#define F_DIRECT "direct/ipxe.efi"
#define F_PINNED "pinned/host.efi"
#define BRANCH_TFTP E2E_IP(10, 99, 0, 5)

static const uint8_t srv_mac[6] = { 0x02, 0xdc, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t bcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const char *dpxe_bin;
/* the filter and bootfile provider modules, for the provider-chain run */
static const char *filter_so, *bootfile_so;

/* ------------------------------------------------------------------ */
/* Cases                                                                */
/* ------------------------------------------------------------------ */

enum group {
	G_CAPTURE,
	G_ARCH,
	G_IPXE,
	G_HTTP,
	G_RELAY,
	G_VLAN,
	G_BOOTSRV,
	G_SERVER_ID,
	G_ADDRESSING,
	G_PARSE,
	G_HOST,
	G_ARP,
	G_MALFORMED,
	G_COUNT,
};

enum outcome { O_REPLY, O_ARP, O_DROP };


/* What option 43 of a reply must hold. */
struct vend_exp {
	bool present;
	bool has_dc;
	uint8_t dc;
	uint8_t servers[255];
	uint8_t servers_len;
	uint8_t menu[255];
	uint8_t menu_len;
	bool has_prompt;
	uint8_t timeout;
	const char *prompt;
	bool has_item;
	uint16_t item_type, item_layer;
};

/* Everything a reply must be. */
struct exp {
	uint8_t type;
	uint8_t eth_dst[6];
	uint8_t nvlan;
	uint16_t tpid[3], tci[3];
	uint32_t ip_dst;
	uint16_t sport, dport;
	uint32_t xid;
	uint8_t chaddr[16];
	uint16_t flags;
	uint32_t giaddr, siaddr;
	uint32_t req_ciaddr; /* the request's, for an ACK */
	const char *file; /* NULL: empty file field */
	const char *vc;   /* option 60 */
	bool has97;
	uint8_t o97[255], len97;
	bool has82; /* echo due: the request had it */
	bool req82; /* the request carried 82 */
	uint8_t o82[255], len82;
	struct vend_exp v;
	size_t max_len; /* the client's limit on the DHCP message */
	uint8_t arp[64];
	size_t arp_len;
};

struct ecase {
	char name[112];
	enum group g;
	uint8_t frame[E2E_FRAME_MAX];
	size_t len;
	unsigned int queue; /* two-worker run: the rx_pcap it goes in */
	enum outcome out;
	const char *drop; /* reason name as in the stats */
	struct exp e;
	/* results */
	bool answered;
	unsigned int answered_on;
	bool charged; /* a reply it should not have had */
	bool failed;
	char msg[3072];
	size_t msg_len;
};

struct caseset {
	struct ecase **v;
	size_t n, cap;
};

static struct ecase *
case_new(struct caseset *s, enum group g, const char *fmt, ...)
{
	struct ecase *c = calloc(1, sizeof(*c));
	va_list ap;

	if (c == NULL)
		abort();
	c->g = g;
	va_start(ap, fmt);
	vsnprintf(c->name, sizeof(c->name), fmt, ap);
	va_end(ap);
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 256;
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
		if (s->v == NULL)
			abort();
	}
	s->v[s->n++] = c;
	return c;
}

static void
caseset_free(struct caseset *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static void __attribute__((format(printf, 2, 3)))
fail_case(struct ecase *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	c->failed = true;
	if (c->msg_len + 4 >= sizeof(c->msg))
		return;
	va_start(ap, fmt);
	n = vsnprintf(c->msg + c->msg_len, sizeof(c->msg) - c->msg_len, fmt,
		      ap);
	va_end(ap);
	if (n > 0)
		c->msg_len += (size_t)n;
	if (c->msg_len + 1 >= sizeof(c->msg)) {
		c->msg_len = sizeof(c->msg) - 1;
		return;
	}
	c->msg[c->msg_len++] = ';';
	c->msg[c->msg_len] = '\0';
}

#define CHK(c, cond, ...)                                                      \
	do {                                                                   \
		if (!(cond))                                                   \
			fail_case(c, " " __VA_ARGS__);                         \
	} while (0)


static const char *
mac_s(const uint8_t *m)
{
	static char buf[8][18];
	static unsigned int i;
	char *b = buf[i++ % 8];

	snprintf(b, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
		 m[3], m[4], m[5]);
	return b;
}

static const char *
ip_s(uint32_t ip)
{
	static char buf[8][16];
	static unsigned int i;
	char *b = buf[i++ % 8];

	snprintf(b, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255,
		 (ip >> 8) & 255, ip & 255);
	return b;
}

/* ------------------------------------------------------------------ */
/* Requests                                                             */
/* ------------------------------------------------------------------ */

struct rq {
	struct e2e_net n;
	struct e2e_msg m;
	bool no_end; /* the case wrote its own end of options */
};

static uint32_t next_xid = 0xe2e00001;

/* Synthesized clients are 02:e2:e0:GG:ii:ii, GG per group of cases (0b,
 * 0c, 0d and 0e are what proxy.yaml's MAC rules and host match). */
static void
mac_of(uint8_t mac[6], uint8_t grp, uint16_t i)
{
	mac[0] = 0x02;
	mac[1] = 0xe2;
	mac[2] = 0xe0;
	mac[3] = grp;
	mac[4] = (uint8_t)(i >> 8);
	mac[5] = (uint8_t)i;
}

static const uint8_t *
mac_tmp(uint8_t grp, uint16_t i)
{
	static uint8_t buf[8][6];
	static unsigned int k;
	uint8_t *m = buf[k++ % 8];

	mac_of(m, grp, i);
	return m;
}

/* A client broadcasting from 0.0.0.0:68 to 255.255.255.255:67. */
static void
rq_init(struct rq *r, uint8_t type, const uint8_t mac[6])
{
	memset(r, 0, sizeof(*r));
	memset(r->n.dst_mac, 0xff, 6);
	memcpy(r->n.src_mac, mac, 6);
	r->n.ip_dst = BCAST;
	r->n.sport = DPXE_DHCP_CLIENT_PORT;
	r->n.dport = DPXE_DHCP_SERVER_PORT;
	e2e_msg_init(&r->m, next_xid++, mac);
	if (type)
		e2e_msg_opt(&r->m, DPXE_OPT_MSG_TYPE, &type, 1);
}

/* What a PXE ROM sends: 57, 55, 93, 94, 97 and 60 "CLS:Arch:AAAAA:UNDI:...".
 * arch < 0: no 93 and no Arch in 60. */
static void
rq_pxe_opts(struct rq *r, const char *cls, int arch, bool with_93)
{
	static const uint8_t prl[] = { 1, 3, 43, 60, 66, 67, 97, 128, 129 };
	uint8_t maxsz[2] = { 0x04, 0xec }; /* 1260 */
	uint8_t nii[3] = { 1, 3, 16 };
	uint8_t uuid[17] = { 0 };
	uint8_t a[2];
	char vc[64];

	memcpy(uuid + 1, r->m.b + DPXE_BOOTP_CHADDR, 6);
	memcpy(uuid + 7, r->m.b + DPXE_BOOTP_XID, 4);
	uuid[16] = 0x97;
	e2e_msg_opt(&r->m, DPXE_OPT_MAX_MSG_SIZE, maxsz, 2);
	e2e_msg_opt(&r->m, DPXE_OPT_PARAM_REQUEST, prl, sizeof(prl));
	if (arch >= 0 && with_93) {
		e2e_put16(a, (uint16_t)arch);
		e2e_msg_opt(&r->m, DPXE_OPT_CLIENT_ARCH, a, 2);
	}
	e2e_msg_opt(&r->m, DPXE_OPT_CLIENT_NDI, nii, 3);
	e2e_msg_opt(&r->m, DPXE_OPT_CLIENT_UUID, uuid, sizeof(uuid));
	if (arch >= 0)
		snprintf(vc, sizeof(vc), "%s:Arch:%05u:UNDI:003016", cls,
			 (unsigned int)arch);
	else
		snprintf(vc, sizeof(vc), "%s", cls);
	e2e_msg_opt_str(&r->m, DPXE_OPT_VENDOR_CLASS, vc);
}

static void
rq_pxe(struct rq *r, uint8_t type, const uint8_t mac[6], int arch)
{
	rq_init(r, type, mac);
	rq_pxe_opts(r, "PXEClient", arch, true);
}

static void
rq_opt_ip(struct rq *r, uint8_t code, uint32_t ip)
{
	uint8_t b[4];

	e2e_put32(b, ip);
	e2e_msg_opt(&r->m, code, b, 4);
}

static void
rq_flags(struct rq *r, uint16_t flags)
{
	e2e_put16(r->m.b + DPXE_BOOTP_FLAGS, flags);
}

/* A client that has an address: unicast from ciaddr to the server. */
static void
rq_unicast(struct rq *r, uint32_t ciaddr)
{
	e2e_put32(r->m.b + DPXE_BOOTP_CIADDR, ciaddr);
	r->n.ip_src = ciaddr;
	r->n.ip_dst = SRV_IP;
	memcpy(r->n.dst_mac, srv_mac, 6);
}

/* A relay agent forwarding the request: giaddr, hops, 67 -> 67 unicast
 * from its own address and MAC. */
static void
rq_relay(struct rq *r, uint32_t giaddr, uint32_t relay_ip,
	 const uint8_t relay_mac[6], uint8_t hops)
{
	e2e_put32(r->m.b + DPXE_BOOTP_GIADDR, giaddr);
	r->m.b[DPXE_BOOTP_HOPS] = hops;
	memcpy(r->n.src_mac, relay_mac, 6);
	memcpy(r->n.dst_mac, srv_mac, 6);
	r->n.ip_src = relay_ip;
	r->n.ip_dst = SRV_IP;
	r->n.sport = DPXE_DHCP_SERVER_PORT;
}

/* Option 82 with a circuit id and a remote id (RFC 3046), plus extra
 * sub-options as given. */
static void
rq_opt82(struct rq *r, const char *circuit, const char *remote,
	 const uint8_t *extra, size_t extra_len)
{
	uint8_t v[255];
	size_t n = 0;

	v[n++] = 1;
	v[n++] = (uint8_t)strlen(circuit);
	memcpy(v + n, circuit, strlen(circuit));
	n += strlen(circuit);
	v[n++] = 2;
	v[n++] = (uint8_t)strlen(remote);
	memcpy(v + n, remote, strlen(remote));
	n += strlen(remote);
	if (extra_len) {
		memcpy(v + n, extra, extra_len);
		n += extra_len;
	}
	e2e_msg_opt(&r->m, DPXE_OPT_RELAY_AGENT_INFO, v, n);
}

/* A PXE boot server REQUEST (PXE 2.1 §2.2.5): unicast from the client's
 * address to port 4011, option 43 sub-option 71 naming the item. */
static void
rq_4011(struct rq *r, const uint8_t mac[6], int arch, uint32_t cip,
	uint16_t sport, int item_type)
{
	rq_pxe(r, DPXE_DHCPREQUEST, mac, arch);
	rq_unicast(r, cip);
	r->n.sport = sport;
	r->n.dport = DPXE_PXE_BOOT_SERVER_PORT;
	if (item_type >= 0) {
		uint8_t v[7] = { 71, 4, 0, 0, 0, 0, 255 };

		e2e_put16(v + 2, (uint16_t)item_type);
		e2e_msg_opt(&r->m, DPXE_OPT_VENDOR, v, sizeof(v));
	}
}

static struct ecase *
rq_case(struct caseset *s, struct rq *r, enum group g, const char *fmt, ...)
{
	struct ecase *c;
	va_list ap;
	char name[112];

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	if (!r->no_end)
		e2e_msg_end(&r->m);
	c = case_new(s, g, "%s", name);
	c->len = e2e_frame_udp(c->frame, sizeof(c->frame), &r->n, r->m.b,
			       r->m.len);
	if (c->len == 0)
		abort();
	return c;
}

/* ------------------------------------------------------------------ */
/* Expectations                                                         */
/* ------------------------------------------------------------------ */

static void
expect_drop(struct ecase *c, const char *reason)
{
	c->out = O_DROP;
	c->drop = reason;
}

/*
 * The parts of a reply that follow from the request alone: who it goes to
 * (RFC 2131 §4.1; PXE 2.1: a port 4011 request is answered to its source),
 * the echoed header fields, options 97 and 82 echoed, option 60, and the
 * client's size limit. Option 43 defaults to "boot file in this offer"
 * (discovery control 0x08), or nothing for an HTTP client.
 */
static void
expect_reply(struct ecase *c, uint8_t type, const char *file)
{
	struct exp *e = &c->e;
	struct e2e_view v;
	struct e2e_opts o;
	const uint8_t *m;
	uint32_t ciaddr;

	c->out = O_REPLY;
	if (!e2e_view_parse(c->frame, c->len, &v) || v.pl_len < 240)
		abort(); /* a case that expects a reply must be readable */
	m = v.pl;
	e->type = type;
	e->file = file;
	e->siaddr = SRV_IP;
	e->nvlan = v.nvlan;
	memcpy(e->tpid, v.tpid, sizeof(e->tpid));
	memcpy(e->tci, v.tci, sizeof(e->tci));
	e->xid = e2e_be32(m + DPXE_BOOTP_XID);
	memcpy(e->chaddr, m + DPXE_BOOTP_CHADDR, 16);
	e->flags = e2e_be16(m + DPXE_BOOTP_FLAGS);
	e->giaddr = e2e_be32(m + DPXE_BOOTP_GIADDR);
	ciaddr = e2e_be32(m + DPXE_BOOTP_CIADDR);
	e->sport = v.dport;
	if (v.dport == DPXE_PXE_BOOT_SERVER_PORT) {
		e->dport = v.sport;
		e->ip_dst = v.ip_src ? v.ip_src : BCAST;
		memcpy(e->eth_dst, v.ip_src ? c->frame + 6 : bcast_mac, 6);
	} else if (e->giaddr) {
		e->dport = DPXE_DHCP_SERVER_PORT;
		e->ip_dst = e->giaddr;
		memcpy(e->eth_dst, c->frame + 6, 6);
	} else if (ciaddr) {
		e->dport = DPXE_DHCP_CLIENT_PORT;
		e->ip_dst = ciaddr;
		memcpy(e->eth_dst, c->frame + 6, 6);
	} else {
		/* broadcast flag or not: a proxy reply has no yiaddr to
		 * unicast to */
		e->dport = DPXE_DHCP_CLIENT_PORT;
		e->ip_dst = BCAST;
		memcpy(e->eth_dst, bcast_mac, 6);
	}

	e2e_opts_parse(m, v.pl_len, &o);
	e->vc = o.has[60] && o.len[60] >= 10 &&
				memcmp(o.val[60], "HTTPClient", 10) == 0 ?
			"HTTPClient" :
			"PXEClient";
	if ((e->has97 = o.has[97])) {
		e->len97 = o.len[97];
		memcpy(e->o97, o.val[97], o.len[97]);
	}
	if ((e->req82 = o.has[82])) {
		e->len82 = o.len[82];
		memcpy(e->o82, o.val[82], o.len[82]);
	}
	e->has82 = e->req82; /* RFC 3046 2.2: relayed or not */
	e->req_ciaddr = type == DPXE_DHCPACK ? ciaddr : 0;
	e->max_len = 576 - 28;
	if (o.has[57] && o.len[57] == 2 && e2e_be16(o.val[57]) >= 576)
		e->max_len = (size_t)e2e_be16(o.val[57]) - 28;

	memset(&e->v, 0, sizeof(e->v));
	if (strcmp(e->vc, "HTTPClient") == 0)
		return;
	if (v.dport == DPXE_PXE_BOOT_SERVER_PORT) {
		/* the ACK names the item asked for in sub-option 71 */
		const uint8_t *s = o.val[43];

		for (size_t i = 0; o.has[43] && i + 1 < o.len[43];) {
			if (s[i] == 0) {
				i++;
				continue;
			}
			if (s[i] == 255)
				break;
			if (s[i] == 71 && s[i + 1] == 4 && i + 6 <= o.len[43]) {
				e->v.present = e->v.has_item = true;
				e->v.item_type = e2e_be16(s + i + 2);
				e->v.item_layer = 0;
			}
			i += 2 + (size_t)s[i + 1];
		}
		return;
	}
	e->v.present = e->v.has_dc = true;
	e->v.dc = DPXE_PXE_DISC_BOOTFILE_DIRECT;
}

struct menu_item {
	uint16_t type;
	const char *text;
};

static void
vend_menu(struct vend_exp *v, const struct menu_item *items, size_t n,
	  const char *prompt, uint8_t timeout)
{
	v->menu_len = 0;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(items[i].text);

		e2e_put16(v->menu + v->menu_len, items[i].type);
		v->menu[v->menu_len + 2] = (uint8_t)l;
		memcpy(v->menu + v->menu_len + 3, items[i].text, l);
		v->menu_len = (uint8_t)(v->menu_len + 3 + l);
	}
	v->has_prompt = prompt != NULL;
	v->prompt = prompt;
	v->timeout = timeout;
}

/* The file offered directly, with a menu and prompt shown (PXE 2.1:
 * discovery control 0x08 and sub-options 9 and 10). */
static void
expect_menu_direct(struct ecase *c, uint8_t type, const char *file,
		   const struct menu_item *items, size_t n,
		   const char *prompt, uint8_t timeout)
{
	expect_reply(c, type, file);
	vend_menu(&c->e.v, items, n, prompt, timeout);
}

/* Sent on to the boot server: no file, discovery control 0x07 (no
 * broadcast, no multicast, listed servers only), one server entry per
 * non-zero menu type, the menu and the prompt. */
static void
expect_boot_server(struct ecase *c, uint8_t type,
		   const struct menu_item *items, size_t n, const char *prompt,
		   uint8_t timeout)
{
	struct vend_exp *v = &c->e.v;

	expect_reply(c, type, NULL);
	v->dc = DPXE_PXE_DISC_NO_BROADCAST | DPXE_PXE_DISC_NO_MULTICAST |
		DPXE_PXE_DISC_SERVER_LIST_ONLY;
	vend_menu(v, items, n, prompt, timeout);
	v->servers_len = 0;
	for (size_t i = 0; i < n; i++) {
		if (items[i].type == 0)
			continue;
		e2e_put16(v->servers + v->servers_len, items[i].type);
		v->servers[v->servers_len + 2] = 1;
		e2e_put32(v->servers + v->servers_len + 3, SRV_IP);
		v->servers_len = (uint8_t)(v->servers_len + 7);
	}
}

/* dpxe's ARP answer to an ARP request frame, byte for byte. */
static void
expect_arp(struct ecase *c)
{
	struct exp *e = &c->e;
	size_t l2 = 12, len;
	uint8_t *a;

	c->out = O_ARP;
	memcpy(e->arp, c->frame + 6, 6);
	memcpy(e->arp + 6, srv_mac, 6);
	while (e2e_be16(c->frame + l2) != 0x0806) {
		memcpy(e->arp + l2, c->frame + l2, 4);
		l2 += 4;
	}
	len = l2 + 2 + 28 < 60 ? 60 : l2 + 2 + 28;
	memset(e->arp + l2, 0, len - l2);
	e2e_put16(e->arp + l2, 0x0806);
	a = e->arp + l2 + 2;
	e2e_put16(a, 1);
	e2e_put16(a + 2, 0x0800);
	a[4] = 6;
	a[5] = 4;
	e2e_put16(a + 6, 2);
	memcpy(a + 8, srv_mac, 6);
	e2e_put32(a + 14, SRV_IP);
	memcpy(a + 18, c->frame + l2 + 2 + 8, 10); /* asker's sha and spa */
	e->arp_len = len;
}

/* ------------------------------------------------------------------ */
/* Checking a reply                                                     */
/* ------------------------------------------------------------------ */

static void
check_vendor(struct ecase *c, const uint8_t *val, size_t len)
{
	const struct vend_exp *x = &c->e.v;
	struct dpxe_pxe_vendor p;
	bool seen[256] = { false };

	CHK(c, len > 0 && val[len - 1] == 255,
	    "43: does not end with END (length %zu)", len);
	/* the sub-options present, by the suite's own walk */
	for (size_t i = 0; i < len;) {
		if (val[i] == 0) {
			i++;
			continue;
		}
		if (val[i] == 255)
			break;
		if (i + 2 > len || i + 2 + val[i + 1] > len) {
			CHK(c, false, "43: sub-option %u runs past the end",
			    val[i]);
			return;
		}
		CHK(c, !seen[val[i]], "43: sub-option %u twice", val[i]);
		seen[val[i]] = true;
		i += 2 + (size_t)val[i + 1];
	}
	for (unsigned int k = 1; k < 255; k++) {
		bool want = (k == 6 && x->has_dc) ||
			    (k == 8 && x->servers_len) ||
			    (k == 9 && x->menu_len) ||
			    (k == 10 && x->has_prompt) ||
			    (k == 71 && x->has_item);

		CHK(c, seen[k] == want, "43: sub-option %u %s", k,
		    want ? "missing" : "not expected");
	}
	if (dpxe_pxe_vendor_parse(val, len, &p) != DPXE_DROP_OK) {
		CHK(c, false, "43: dpxe_pxe_vendor_parse rejects it");
		return;
	}
	if (x->has_dc)
		CHK(c, p.discovery_control == x->dc,
		    "43.6 discovery control 0x%02x, expected 0x%02x",
		    p.discovery_control, x->dc);
	if (x->servers_len)
		CHK(c, p.boot_servers_len == x->servers_len &&
			       memcmp(p.boot_servers, x->servers,
				      x->servers_len) == 0,
		    "43.8 boot servers differ (%u bytes, expected %u)",
		    p.boot_servers_len, x->servers_len);
	if (x->menu_len)
		CHK(c, p.boot_menu_len == x->menu_len &&
			       memcmp(p.boot_menu, x->menu, x->menu_len) == 0,
		    "43.9 boot menu differs (%u bytes, expected %u)",
		    p.boot_menu_len, x->menu_len);
	if (x->has_prompt)
		CHK(c, p.menu_timeout == x->timeout &&
			       p.menu_prompt_len == strlen(x->prompt) &&
			       memcmp(p.menu_prompt, x->prompt,
				      p.menu_prompt_len) == 0,
		    "43.10 prompt %u \"%.*s\", expected %u \"%s\"",
		    p.menu_timeout, p.menu_prompt_len,
		    (const char *)p.menu_prompt, x->timeout, x->prompt);
	if (x->has_item)
		CHK(c, p.boot_item_type == x->item_type &&
			       p.boot_item_layer == x->item_layer,
		    "43.71 item %04x/%04x, expected %04x/%04x",
		    p.boot_item_type, p.boot_item_layer, x->item_type,
		    x->item_layer);
}

static bool
field_is(const uint8_t *f, size_t flen, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n >= flen || (n && memcmp(f, s, n) != 0))
		return false;
	for (size_t i = n; i < flen; i++)
		if (f[i])
			return false;
	return true;
}

/* Every field of a DHCP reply frame against the case's expectation. */
static void
check_dhcp(struct ecase *c, const uint8_t *d, size_t len)
{
	const struct exp *e = &c->e;
	struct e2e_view v;
	struct e2e_opts o;
	const uint8_t *m;
	unsigned int want[256] = { 0 };

	CHK(c, memcmp(d, e->eth_dst, 6) == 0, "eth dst %s, expected %s",
	    mac_s(d), mac_s(e->eth_dst));
	CHK(c, memcmp(d + 6, srv_mac, 6) == 0, "eth src %s, expected %s",
	    mac_s(d + 6), mac_s(srv_mac));
	if (!e2e_view_parse(d, len, &v)) {
		CHK(c, false, "reply is not a whole IPv4/UDP frame");
		return;
	}
	CHK(c, v.nvlan == e->nvlan, "%u VLAN tags, expected %u", v.nvlan,
	    e->nvlan);
	for (unsigned int i = 0; i < v.nvlan && i < e->nvlan; i++)
		CHK(c, v.tpid[i] == e->tpid[i] && v.tci[i] == e->tci[i],
		    "tag %u %04x/%04x, expected %04x/%04x", i, v.tpid[i],
		    v.tci[i], e->tpid[i], e->tci[i]);
	CHK(c, v.ihl == 5, "IHL %u", v.ihl);
	CHK(c, v.d[v.l3 + 1] == 0, "IP TOS %u", v.d[v.l3 + 1]);
	CHK(c, v.ip_total == len - v.l3, "IP total %u in a %zu-byte frame",
	    v.ip_total, len - v.l3);
	CHK(c, (v.frag & 0xbfff) == 0, "IP flags/offset 0x%04x", v.frag);
	CHK(c, v.ttl == 64, "TTL %u", v.ttl);
	CHK(c, v.ip_csum_ok, "IP header checksum wrong");
	CHK(c, v.ip_src == SRV_IP, "IP src %s", ip_s(v.ip_src));
	CHK(c, v.ip_dst == e->ip_dst, "IP dst %s, expected %s",
	    ip_s(v.ip_dst), ip_s(e->ip_dst));
	CHK(c, v.sport == e->sport && v.dport == e->dport,
	    "UDP %u -> %u, expected %u -> %u", v.sport, v.dport, e->sport,
	    e->dport);
	CHK(c, v.udp_len == v.ip_total - 20u, "UDP length %zu", v.udp_len);
	CHK(c, v.udp_csum != 0 && v.udp_csum_ok, "UDP checksum 0x%04x %s",
	    v.udp_csum, v.udp_csum ? "wrong" : "missing");

	m = v.pl;
	if (v.pl_len < 300) {
		CHK(c, false, "DHCP message of %zu bytes, below 300",
		    v.pl_len);
		return;
	}
	CHK(c, v.pl_len <= e->max_len,
	    "DHCP message of %zu bytes, the client takes %zu", v.pl_len,
	    e->max_len);
	CHK(c, m[0] == DPXE_BOOTP_REPLY && m[1] == 1 && m[2] == 6 && m[3] == 0,
	    "op/htype/hlen/hops %u/%u/%u/%u", m[0], m[1], m[2], m[3]);
	CHK(c, e2e_be32(m + 4) == e->xid, "xid %08x, expected %08x",
	    e2e_be32(m + 4), e->xid);
	CHK(c, e2e_be16(m + 8) == 0, "secs %u", e2e_be16(m + 8));
	CHK(c, e2e_be16(m + 10) == e->flags, "flags %04x, expected %04x",
	    e2e_be16(m + 10), e->flags);
	if (e->req_ciaddr) {
		uint32_t ci = e2e_be32(m + 12);

		/* RFC 2131 Table 3 */
		CHK(c, ci == e->req_ciaddr,
		    "ciaddr %s in the ACK, the REQUEST's is %s", ip_s(ci),
		    ip_s(e->req_ciaddr));
	} else {
		CHK(c, e2e_be32(m + 12) == 0, "ciaddr %s",
		    ip_s(e2e_be32(m + 12)));
	}
	CHK(c, e2e_be32(m + 16) == 0, "yiaddr %s", ip_s(e2e_be32(m + 16)));
	CHK(c, e2e_be32(m + 20) == e->siaddr, "siaddr %s, expected %s",
	    ip_s(e2e_be32(m + 20)), ip_s(e->siaddr));
	CHK(c, e2e_be32(m + 24) == e->giaddr, "giaddr %s, expected %s",
	    ip_s(e2e_be32(m + 24)), ip_s(e->giaddr));
	CHK(c, memcmp(m + 28, e->chaddr, 16) == 0, "chaddr %s..., expected %s",
	    mac_s(m + 28), mac_s(e->chaddr));
	CHK(c, field_is(m + 44, 64, SNAME), "sname \"%.64s\"",
	    (const char *)m + 44);
	CHK(c, field_is(m + 108, 128, e->file), "file \"%.128s\", expected "
	    "\"%s\"", (const char *)m + 108, e->file ? e->file : "");
	CHK(c, e2e_be32(m + 236) == DPXE_DHCP_MAGIC_COOKIE, "cookie %08x",
	    e2e_be32(m + 236));

	e2e_opts_parse(m, v.pl_len, &o);
	if (!o.ok) {
		CHK(c, false, "options do not end with END");
		return;
	}
	/* END, then zeros up to the 300-byte minimum and no further */
	CHK(c, v.pl_len == (o.end_off + 1 < 300 ? 300 : o.end_off + 1),
	    "DHCP message of %zu bytes with END at %zu", v.pl_len, o.end_off);
	for (size_t i = o.end_off + 1; i < v.pl_len; i++)
		if (m[i]) {
			CHK(c, false, "byte %zu after END is %u", i, m[i]);
			break;
		}
	CHK(c, !o.dup, "an option appears twice");
	CHK(c, o.n > 0 && o.order[0] == 53, "option 53 is not first");
	want[53] = want[54] = want[60] = 1;
	want[97] = e->has97;
	want[43] = e->v.present;
	want[82] = e->has82;
	/* RFC 3046 2.2: echoed in every reply, relayed or not */
	if (e->req82)
		want[82] = 1;
	for (unsigned int k = 1; k < 255; k++)
		CHK(c, o.has[k] == (bool)want[k], "option %u %s", k,
		    want[k] ? "missing" : "not expected");
	if (o.has[53])
		CHK(c, o.len[53] == 1 && o.val[53][0] == e->type,
		    "option 53 is %u, expected %u", o.val[53][0], e->type);
	if (o.has[54])
		CHK(c, o.len[54] == 4 && e2e_be32(o.val[54]) == SRV_IP,
		    "option 54 %s", ip_s(e2e_be32(o.val[54])));
	if (o.has[60])
		CHK(c, o.len[60] == strlen(e->vc) &&
			       memcmp(o.val[60], e->vc, o.len[60]) == 0,
		    "option 60 \"%.*s\", expected \"%s\"", o.len[60],
		    (const char *)o.val[60], e->vc);
	if (o.has[97] && e->has97)
		CHK(c, o.len[97] == e->len97 &&
			       memcmp(o.val[97], e->o97, e->len97) == 0,
		    "option 97 not echoed byte for byte");
	if (o.has[82] && e->req82) {
		CHK(c, o.len[82] == e->len82 &&
			       memcmp(o.val[82], e->o82, e->len82) == 0,
		    "option 82 not echoed byte for byte");
		CHK(c, o.order[o.n - 1] == 82, "option 82 is not the last");
	}
	if (o.has[43] && e->v.present)
		check_vendor(c, o.val[43], o.len[43]);
}

static const char *
arp_field(size_t off, size_t l2)
{
	if (off < 6)
		return "eth dst";
	if (off < 12)
		return "eth src";
	if (off < l2)
		return "VLAN tags";
	if (off < l2 + 2)
		return "ethertype";
	off -= l2 + 2;
	return off < 8 ? "ARP htype/ptype/hlen/plen/op" :
	       off < 14 ? "ARP sha" :
	       off < 18 ? "ARP spa" :
	       off < 24 ? "ARP tha" :
	       off < 28 ? "ARP tpa" : "padding";
}

static void
check_arp(struct ecase *c, const uint8_t *d, size_t len)
{
	size_t l2 = 12;

	while (l2 + 2 <= c->e.arp_len && e2e_be16(c->e.arp + l2) != 0x0806)
		l2 += 4;
	CHK(c, len == c->e.arp_len, "ARP reply of %zu bytes, expected %zu",
	    len, c->e.arp_len);
	for (size_t i = 0; i < len && i < c->e.arp_len; i++)
		if (d[i] != c->e.arp[i]) {
			CHK(c, false, "ARP reply byte %zu (%s) is %02x, "
			    "expected %02x", i, arp_field(i, l2), d[i],
			    c->e.arp[i]);
			break;
		}
}

/* ------------------------------------------------------------------ */
/* Matching replies to cases                                            */
/* ------------------------------------------------------------------ */

enum akind { A_OTHER, A_DHCP, A_ARP };

struct actual {
	const uint8_t *d;
	size_t len;
	unsigned int queue;
	enum akind kind;
	uint32_t xid;
	uint8_t chaddr[6];
	uint8_t type;
	uint32_t arp_tpa;
	uint8_t arp_tha[6];
	bool used;
};

static void
classify(struct actual *a)
{
	struct e2e_view v;
	size_t l2 = 12;

	if (a->len >= 14) {
		while (l2 + 2 <= a->len &&
		       (e2e_be16(a->d + l2) == 0x8100 ||
			e2e_be16(a->d + l2) == 0x88a8 ||
			e2e_be16(a->d + l2) == 0x9100))
			l2 += 4;
		if (l2 + 2 + 28 <= a->len && e2e_be16(a->d + l2) == 0x0806) {
			a->kind = A_ARP;
			a->arp_tpa = e2e_be32(a->d + l2 + 2 + 24);
			memcpy(a->arp_tha, a->d + l2 + 2 + 18, 6);
			return;
		}
	}
	if (e2e_view_parse(a->d, a->len, &v) && v.pl_len >= 240) {
		struct e2e_opts o;

		a->kind = A_DHCP;
		a->xid = e2e_be32(v.pl + 4);
		memcpy(a->chaddr, v.pl + 28, 6);
		e2e_opts_parse(v.pl, v.pl_len, &o);
		a->type = o.has[53] && o.len[53] == 1 ? o.val[53][0] : 0;
	}
}

static bool
key_matches(const struct ecase *c, const struct actual *a)
{
	if (c->out == O_REPLY)
		return a->kind == A_DHCP && a->xid == c->e.xid &&
		       a->type == c->e.type &&
		       memcmp(a->chaddr, c->e.chaddr, 6) == 0;
	if (c->out == O_ARP) {
		size_t l2 = 12;

		while (e2e_be16(c->e.arp + l2) != 0x0806)
			l2 += 4;
		return a->kind == A_ARP &&
		       a->arp_tpa == e2e_be32(c->e.arp + l2 + 2 + 24) &&
		       memcmp(a->arp_tha, c->e.arp + l2 + 2 + 18, 6) == 0;
	}
	return false;
}

static void
check_one(struct ecase *c, const struct actual *a)
{
	if (c->out == O_REPLY)
		check_dhcp(c, a->d, a->len);
	else
		check_arp(c, a->d, a->len);
}

/* Is an unexpected reply the answer to this case's request? Same xid and
 * chaddr, or an ARP reply to the case's ARP request. */
static bool
charged_to(const struct ecase *c, const struct actual *a)
{
	struct e2e_view v;
	size_t l2 = 12;

	if (a->kind == A_DHCP)
		return e2e_view_parse(c->frame, c->len, &v) &&
		       v.pl_len >= 240 && e2e_be32(v.pl + 4) == a->xid &&
		       memcmp(v.pl + 28, a->chaddr, 6) == 0;
	if (a->kind != A_ARP)
		return false;
	while (l2 + 2 <= c->len && (e2e_be16(c->frame + l2) == 0x8100 ||
				    e2e_be16(c->frame + l2) == 0x88a8 ||
				    e2e_be16(c->frame + l2) == 0x9100))
		l2 += 4;
	return l2 + 2 <= c->len && e2e_be16(c->frame + l2) == 0x0806 &&
	       memcmp(a->d, c->frame + 6, 6) == 0;
}

/*
 * Give each case expecting a reply the first unused reply with its key
 * (xid + chaddr + message type, or the ARP target) that passes every check;
 * failing that, the first one with its key, and its differences. Replies
 * left over are unexpected: charged to the case with their xid and chaddr
 * when there is one.
 */
static unsigned int
match_all(struct caseset *s, struct actual *act, size_t nact,
	  char *unexpected, size_t ulen)
{
	unsigned int n_unexpected = 0;
	size_t off = 0;

	for (size_t i = 0; i < s->n; i++) {
		struct ecase *c = s->v[i];
		struct actual *first = NULL, *good = NULL;

		if (c->out == O_DROP)
			continue;
		for (size_t k = 0; k < nact && !good; k++) {
			struct ecase probe;

			if (act[k].used || !key_matches(c, &act[k]))
				continue;
			if (!first)
				first = &act[k];
			memcpy(&probe, c, sizeof(probe));
			probe.failed = false;
			probe.msg_len = 0;
			probe.msg[0] = '\0';
			check_one(&probe, &act[k]);
			if (!probe.failed)
				good = &act[k];
		}
		if (good || first) {
			struct actual *a = good ? good : first;

			a->used = true;
			c->answered = true;
			c->answered_on = a->queue;
			check_one(c, a);
		} else {
			fail_case(c, " no reply (expected %s)",
				  c->out == O_ARP ? "ARP reply" :
				  dpxe_dhcp_msg_type_name(c->e.type));
		}
	}
	for (size_t k = 0; k < nact; k++) {
		struct actual *a = &act[k];
		bool charged = false;

		if (a->used)
			continue;
		n_unexpected++;
		for (size_t i = 0; i < s->n && !charged; i++) {
			struct ecase *c = s->v[i];

			if (!charged_to(c, a))
				continue;
			fail_case(c, " unexpected %s reply",
				  a->kind == A_ARP ? "ARP" :
				  dpxe_dhcp_msg_type_name(a->type));
			c->charged = charged = true;
		}
		if (off + 200 < ulen)
			off += (size_t)snprintf(
				unexpected + off, ulen - off,
				"\n  reply %zu (queue %u, %zu bytes): %s xid %08x "
				"chaddr %s%s",
				k, a->queue, a->len,
				a->kind == A_ARP ? "ARP" :
				a->kind == A_DHCP ? dpxe_dhcp_msg_type_name(a->type) :
						    "not DHCP",
				a->xid, mac_s(a->chaddr),
				charged ? " (charged to its case)" : "");
	}
	return n_unexpected;
}

/* ------------------------------------------------------------------ */
/* The case tables                                                      */
/* ------------------------------------------------------------------ */

/*
 * Real captures: what dpxe must do with each client frame, in order. A
 * frame whose UDP checksum does not verify in the file (a RELEASE sent from
 * a kernel socket on a veth carries the kernel's partial checksum) must be
 * dropped as udp_bad_checksum instead, whatever the table says.
 */
struct capture_row {
	uint8_t type; /* OFFER / ACK, or 0: dropped */
	const char *what; /* file, URL, or the drop reason */
};

static const struct capture_file {
	const char *file;
	unsigned int n;
	struct capture_row rows[8];
} capture_files[] = {
	{ "dhclient-plain.pcap", 3,
	  { { 0, "not_pxe_client" }, { 0, "not_pxe_client" },
	    { 0, "not_pxe_client" } } },
	/* PXEClient with the arch in option 60 only: the bios rule */
	{ "dhclient-pxe.pcap", 3,
	  { { DPXE_DHCPOFFER, F_BIOS }, { DPXE_DHCPACK, F_BIOS },
	    { 0, "message_type_ignored" } } },
	{ "udhcpc-plain.pcap", 3,
	  { { 0, "not_pxe_client" }, { 0, "not_pxe_client" },
	    { 0, "not_pxe_client" } } },
	/* arch 7; its RELEASE carries no option 60 */
	{ "udhcpc-pxe.pcap", 3,
	  { { DPXE_DHCPOFFER, F_X64 }, { DPXE_DHCPACK, F_X64 },
	    { 0, "not_pxe_client" } } },
	{ "ipxe-bios.pcap", 3,
	  { { DPXE_DHCPOFFER, URL_IPXE }, { DPXE_DHCPOFFER, URL_IPXE },
	    { DPXE_DHCPACK, URL_IPXE } } },
	{ "ipxe-uefi.pcap", 3,
	  { { DPXE_DHCPOFFER, URL_IPXE }, { DPXE_DHCPOFFER, URL_IPXE },
	    { DPXE_DHCPACK, URL_IPXE } } },
	/* PXE arch 7, then UEFI HTTP boot arch 16 (HTTPClient) */
	{ "edk2-uefi.pcap", 4,
	  { { DPXE_DHCPOFFER, F_X64 }, { DPXE_DHCPACK, F_X64 },
	    { DPXE_DHCPOFFER, URL_HTTP }, { DPXE_DHCPACK, URL_HTTP } } },
	/* the last is the REQUEST to port 4011 (xid 0, 43.71 0x8000) */
	{ "ipxe-proxydhcp.pcap", 3,
	  { { DPXE_DHCPOFFER, URL_IPXE }, { DPXE_DHCPACK, URL_IPXE },
	    { DPXE_DHCPACK, URL_IPXE } } },
};

static int
add_capture_cases(struct caseset *s, char *err, size_t err_len)
{
	for (size_t f = 0; f < sizeof(capture_files) / sizeof(capture_files[0]);
	     f++) {
		const struct capture_file *cf = &capture_files[f];
		struct e2e_pcap p = { 0 };
		char path[256];
		unsigned int k = 0;

		snprintf(path, sizeof(path), CLIENTS "%s", cf->file);
		if (e2e_pcap_read(path, &p, err, err_len) < 0)
			return -1;
		for (size_t i = 0; i < p.n; i++) {
			struct e2e_view v;
			struct ecase *c;

			/* client -> server frames only: to port 67 or 4011 */
			if (!e2e_view_parse(p.v[i].data, p.v[i].len, &v) ||
			    (v.dport != DPXE_DHCP_SERVER_PORT &&
			     v.dport != DPXE_PXE_BOOT_SERVER_PORT))
				continue;
			if (k == cf->n) {
				snprintf(err, err_len, "%s: more than the %u "
					 "client frames the table knows; was "
					 "it re-captured?", path, cf->n);
				e2e_pcap_free(&p);
				return -1;
			}
			c = case_new(s, G_CAPTURE, "%s frame %zu", cf->file,
				     i + 1);
			memcpy(c->frame, p.v[i].data, p.v[i].len);
			c->len = p.v[i].len;
			if (!v.ip_csum_ok)
				expect_drop(c, "ip_bad_checksum");
			else if (!v.udp_csum_ok)
				expect_drop(c, "udp_bad_checksum");
			else if (cf->rows[k].type == 0)
				expect_drop(c, cf->rows[k].what);
			else
				expect_reply(c, cf->rows[k].type,
					     cf->rows[k].what);
			k++;
		}
		e2e_pcap_free(&p);
		if (k != cf->n) {
			snprintf(err, err_len, "%s: %u client frames, the table "
				 "expects %u; was it re-captured?", path, k,
				 cf->n);
			return -1;
		}
	}
	return 0;
}

/* Option 93 -> file, as proxy.yaml's arch rules say; the rest get the
 * catch-all. 16 has a rule only for HTTPClient, so a PXEClient saying 16
 * is a catch-all too. */
static const char *
file_for_arch(unsigned int arch)
{
	switch (arch) {
	case 0: return F_BIOS;
	case 6: return F_IA32;
	case 7: case 9: return F_X64;
	case 11: return F_ARM64;
	case 27: return F_RISCV;
	default: return F_OTHER;
	}
}

static void
add_arch_cases(struct caseset *s)
{
	static const struct {
		const char *name;
		const char *vc;   /* option 60 as sent */
		uint16_t o93[2];  /* option 93 codes */
		unsigned int n93; /* 0: no option 93 */
		const char *file;
	} odd[] = {
		/* no 93: the arch of option 60, read as decimal */
		{ "arch 11 in option 60 only", "PXEClient:Arch:00011:UNDI:003016",
		  { 0 }, 0, F_ARM64 },
		{ "arch 6 in option 60 only", "PXEClient:Arch:00006:UNDI:002001",
		  { 0 }, 0, F_IA32 },
		/* "0000A" is no decimal arch: no arch at all */
		{ "hex arch in option 60", "PXEClient:Arch:0000A:UNDI:003016",
		  { 0 }, 0, F_OTHER },
		{ "PXEClient without arch", "PXEClient", { 0 }, 0, F_OTHER },
		/* 93 wins over 60 */
		{ "93 says 7, 60 says 0", "PXEClient:Arch:00000:UNDI:002001",
		  { 7 }, 1, F_X64 },
		/* several codes: the first rule listing any of them */
		{ "93 lists 11 and 7", "PXEClient:Arch:00011:UNDI:003016",
		  { 11, 7 }, 2, F_X64 },
		{ "93 lists 27 and 40", "PXEClient:Arch:00027:UNDI:003016",
		  { 27, 40 }, 2, F_RISCV },
	};
	struct rq r;

	/* every code of the IANA registry, 0..41 */
	for (unsigned int a = 0; a <= 41; a++) {
		struct ecase *c;

		rq_pxe(&r, DPXE_DHCPDISCOVER, mac_tmp(0x01, (uint16_t)a),
		       (int)a);
		if (a & 1)
			rq_flags(&r, DPXE_BOOTP_FLAG_BROADCAST);
		c = rq_case(s, &r, G_ARCH, "DISCOVER arch %u", a);
		expect_reply(c, DPXE_DHCPOFFER, file_for_arch(a));
	}
	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		struct ecase *c;
		uint8_t o93[4];

		rq_init(&r, DPXE_DHCPDISCOVER, mac_tmp(0x01, (uint16_t)(0x100 + i)));
		for (unsigned int k = 0; k < odd[i].n93; k++)
			e2e_put16(o93 + 2 * k, odd[i].o93[k]);
		if (odd[i].n93)
			e2e_msg_opt(&r.m, DPXE_OPT_CLIENT_ARCH, o93,
				    2 * odd[i].n93);
		e2e_msg_opt_str(&r.m, DPXE_OPT_VENDOR_CLASS, odd[i].vc);
		c = rq_case(s, &r, G_ARCH, "%s", odd[i].name);
		expect_reply(c, DPXE_DHCPOFFER, odd[i].file);
	}
}

static void
add_ipxe_cases(struct caseset *s)
{
	/* iPXE's option 175: a few of its encapsulated feature options */
	static const uint8_t o175[] = { 0xb1, 0x05, 0x01, 0x80, 0x86, 0x10,
					0x0e, 0x13, 0x01, 0x01, 0x10, 0x01,
					0x02 };
	static const uint8_t uc3004[] = { 4, 'i', 'P', 'X', 'E' };
	static const struct {
		const char *name;
		int arch;
		const char *o77; /* NULL: none */
		bool raw3004;    /* 77 in RFC 3004 list form */
		bool o175;
		uint8_t type;
		uint8_t grp;
		const char *file;
	} t[] = {
		{ "77 \"iPXE\", BIOS", 0, "iPXE", false, false,
		  DPXE_DHCPDISCOVER, 0x02, URL_IPXE },
		{ "175 only (FlexBoot), UEFI", 7, NULL, false, true,
		  DPXE_DHCPDISCOVER, 0x02, URL_IPXE },
		{ "77 as an RFC 3004 list", 0, NULL, true, false,
		  DPXE_DHCPDISCOVER, 0x02, URL_IPXE },
		{ "77 and 175, ARM64", 11, "iPXE", false, true,
		  DPXE_DHCPDISCOVER, 0x02, URL_IPXE },
		{ "REQUEST naming dpxe", 7, "iPXE", false, true,
		  DPXE_DHCPREQUEST, 0x02, URL_IPXE },
		/* not iPXE: the arch rule */
		{ "77 \"iPXEfoo\" is not iPXE", 0, "iPXEfoo", false, false,
		  DPXE_DHCPDISCOVER, 0x02, F_BIOS },
		/* the iPXE rule comes before the MAC rules */
		{ "iPXE on a boot-server MAC", 0, "iPXE", false, false,
		  DPXE_DHCPDISCOVER, 0x0b, URL_IPXE },
	};
	struct rq r;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct ecase *c;

		rq_pxe(&r, t[i].type, mac_tmp(t[i].grp, (uint16_t)(0x200 + i)),
		       t[i].arch);
		if (t[i].o77)
			e2e_msg_opt_str(&r.m, DPXE_OPT_USER_CLASS, t[i].o77);
		if (t[i].raw3004)
			e2e_msg_opt(&r.m, DPXE_OPT_USER_CLASS, uc3004,
				    sizeof(uc3004));
		if (t[i].o175)
			e2e_msg_opt(&r.m, DPXE_OPT_IPXE, o175, sizeof(o175));
		if (t[i].type == DPXE_DHCPREQUEST)
			rq_opt_ip(&r, DPXE_OPT_SERVER_ID, SRV_IP);
		c = rq_case(s, &r, G_IPXE, "iPXE: %s", t[i].name);
		expect_reply(c, t[i].type == DPXE_DHCPDISCOVER ? DPXE_DHCPOFFER :
								 DPXE_DHCPACK,
			     t[i].file);
	}
}

static void
add_http_cases(struct caseset *s)
{
	struct rq r;
	struct ecase *c;

	/* UEFI HTTP boot x64: URL in file, option 60 HTTPClient, no 43 */
	rq_init(&r, DPXE_DHCPDISCOVER, mac_tmp(0x03, 1));
	rq_pxe_opts(&r, "HTTPClient", 16, true);
	c = rq_case(s, &r, G_HTTP, "HTTPClient arch 16 DISCOVER");
	expect_reply(c, DPXE_DHCPOFFER, URL_HTTP);

	rq_init(&r, DPXE_DHCPDISCOVER, mac_tmp(0x03, 2));
	rq_pxe_opts(&r, "HTTPClient", 16, true);
	rq_flags(&r, DPXE_BOOTP_FLAG_BROADCAST);
	c = rq_case(s, &r, G_HTTP, "HTTPClient arch 16 DISCOVER, broadcast");
	expect_reply(c, DPXE_DHCPOFFER, URL_HTTP);

	rq_init(&r, DPXE_DHCPREQUEST, mac_tmp(0x03, 3));
	rq_pxe_opts(&r, "HTTPClient", 16, true);
	rq_opt_ip(&r, DPXE_OPT_SERVER_ID, SRV_IP);
	c = rq_case(s, &r, G_HTTP, "HTTPClient arch 16 REQUEST naming dpxe");
	expect_reply(c, DPXE_DHCPACK, URL_HTTP);

	/* the arch from option 60 when 93 is absent */
	rq_init(&r, DPXE_DHCPDISCOVER, mac_tmp(0x03, 4));
	rq_pxe_opts(&r, "HTTPClient", 16, false);
	c = rq_case(s, &r, G_HTTP, "HTTPClient arch 16, no option 93");
	expect_reply(c, DPXE_DHCPOFFER, URL_HTTP);
}

static void
add_relay_cases(struct caseset *s)
{
	static const uint8_t relay_mac[6] = { 0x02, 0xe2, 0xe0, 0xaa, 0, 1 };
	/* link selection (5) and a vendor sub-option (9): echoed as is */
	static const uint8_t extra[] = { 5, 4, 10, 99, 7, 0, 9, 6,
					 0, 0, 0x0d, 0xe9, 1, 0x42 };
	static const struct {
		const char *name;
		uint8_t type;
		uint32_t giaddr, relay_ip;
		uint8_t hops;
		int arch;
		int o82;        /* 0 none, 1 circuit+remote, 2 + extra */
		uint16_t flags;
		uint8_t nvlan;
		const char *file;
		uint32_t siaddr;
	} t[] = {
		{ "DISCOVER via branch relay", DPXE_DHCPDISCOVER,
		  E2E_IP(10, 99, 1, 1), E2E_IP(10, 99, 1, 1), 1, 7, 1, 0, 0,
		  F_BRANCH, BRANCH_TFTP },
		{ "REQUEST naming dpxe via branch relay", DPXE_DHCPREQUEST,
		  E2E_IP(10, 99, 1, 1), E2E_IP(10, 99, 1, 1), 1, 7, 1, 0, 0,
		  F_BRANCH, BRANCH_TFTP },
		{ "DISCOVER via another relay, 82 with more sub-options",
		  DPXE_DHCPDISCOVER, E2E_IP(172, 16, 5, 1),
		  E2E_IP(172, 16, 5, 1), 1, 0, 2, 0, 0, F_BIOS, SRV_IP },
		{ "DISCOVER via branch relay without 82", DPXE_DHCPDISCOVER,
		  E2E_IP(10, 99, 2, 1), E2E_IP(10, 99, 2, 1), 1, 11, 0, 0, 0,
		  F_BRANCH, BRANCH_TFTP },
		{ "DISCOVER via relay, broadcast flag", DPXE_DHCPDISCOVER,
		  E2E_IP(10, 99, 1, 1), E2E_IP(10, 99, 1, 1), 1, 7, 1,
		  DPXE_BOOTP_FLAG_BROADCAST, 0, F_BRANCH, BRANCH_TFTP },
		{ "DISCOVER via second relay hop, QinQ", DPXE_DHCPDISCOVER,
		  E2E_IP(172, 16, 6, 1), E2E_IP(172, 16, 9, 9), 3, 27, 1, 0, 2,
		  F_RISCV, SRV_IP },
		/* the relay sends from another address than giaddr: the
		 * reply still goes to giaddr, at the sender's MAC */
		{ "relay source address is not giaddr", DPXE_DHCPDISCOVER,
		  E2E_IP(10, 99, 3, 1), E2E_IP(10, 99, 3, 254), 1, 0, 1, 0, 0,
		  F_BRANCH, BRANCH_TFTP },
	};
	struct rq r;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct ecase *c;

		rq_pxe(&r, t[i].type, mac_tmp(0x04, (uint16_t)i), t[i].arch);
		rq_flags(&r, t[i].flags);
		if (t[i].type == DPXE_DHCPREQUEST)
			rq_opt_ip(&r, DPXE_OPT_SERVER_ID, SRV_IP);
		rq_relay(&r, t[i].giaddr, t[i].relay_ip, relay_mac, t[i].hops);
		if (t[i].o82)
			rq_opt82(&r, "Gi1/0/7", "relay-r1", extra,
				 t[i].o82 == 2 ? sizeof(extra) : 0);
		r.n.nvlan = t[i].nvlan;
		r.n.tpid[0] = 0x88a8;
		r.n.tci[0] = 0x0123;
		r.n.tpid[1] = 0x8100;
		r.n.tci[1] = 0x0456;
		c = rq_case(s, &r, G_RELAY, "relay: %s", t[i].name);
		expect_reply(c, t[i].type == DPXE_DHCPDISCOVER ? DPXE_DHCPOFFER :
								 DPXE_DHCPACK,
			     t[i].file);
		c->e.siaddr = t[i].siaddr;
	}

	/* an L2 relay (DHCP snooping switch) adds 82 and leaves giaddr 0:
	 * the reply is broadcast as for a direct client, 82 echoed */
	rq_pxe(&r, DPXE_DHCPDISCOVER, mac_tmp(0x04, 0x81), 7);
	rq_opt82(&r, "Gi1/0/9", "snoop-sw1", NULL, 0);
	expect_reply(rq_case(s, &r, G_RELAY,
			     "relay: option 82 from an L2 relay, giaddr 0"),
		     DPXE_DHCPOFFER, F_X64);

	/* iPXE behind the branch relay: the script rule comes first */
	rq_pxe(&r, DPXE_DHCPDISCOVER, mac_tmp(0x04, 0x80), 7);
	e2e_msg_opt_str(&r.m, DPXE_OPT_USER_CLASS, "iPXE");
	rq_relay(&r, E2E_IP(10, 99, 1, 1), E2E_IP(10, 99, 1, 1), relay_mac, 1);
	rq_opt82(&r, "Gi1/0/8", "relay-r1", NULL, 0);
	expect_reply(rq_case(s, &r, G_RELAY, "relay: iPXE via branch relay"),
		     DPXE_DHCPOFFER, URL_IPXE);
}

static void
add_vlan_cases(struct caseset *s)
{
	static const struct {
		const char *name;
		uint8_t n;
		uint16_t tpid[2], tci[2];
	} t[] = {
		{ "802.1Q VID 100 PCP 3", 1, { 0x8100 }, { 0x6064 } },
		{ "802.1Q priority tag (VID 0, PCP 5)", 1, { 0x8100 },
		  { 0xa000 } },
		{ "802.1Q VID 4094 DEI", 1, { 0x8100 }, { 0x1ffe } },
		{ "QinQ 88a8/8100", 2, { 0x88a8, 0x8100 }, { 0x00c8, 0x012c } },
		{ "QinQ 9100/8100", 2, { 0x9100, 0x8100 }, { 0x0005, 0x2007 } },
		{ "QinQ 8100/8100", 2, { 0x8100, 0x8100 }, { 0x0010, 0x0020 } },
	};
	struct rq r;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		rq_pxe(&r, DPXE_DHCPDISCOVER, mac_tmp(0x05, (uint16_t)i), 7);
		r.n.nvlan = t[i].n;
		memcpy(r.n.tpid, t[i].tpid, sizeof(t[i].tpid));
		memcpy(r.n.tci, t[i].tci, sizeof(t[i].tci));
		expect_reply(rq_case(s, &r, G_VLAN, "VLAN: DISCOVER, %s",
				     t[i].name),
			     DPXE_DHCPOFFER, F_X64);
	}

	/* a unicast REQUEST on a tagged port: unicast back, same tag */
	rq_pxe(&r, DPXE_DHCPREQUEST, mac_tmp(0x05, 0x10), 0);
	rq_opt_ip(&r, DPXE_OPT_SERVER_ID, SRV_IP);
	rq_unicast(&r, E2E_IP(10, 213, 47, 180));
	r.n.nvlan = 1;
	r.n.tpid[0] = 0x8100;
	r.n.tci[0] = 0x0064;
	expect_reply(rq_case(s, &r, G_VLAN, "VLAN: REQUEST with ciaddr"),
		     DPXE_DHCPACK, F_BIOS);

	/* port 4011 on QinQ */
	rq_4011(&r, mac_tmp(0x05, 0x11), 7, E2E_IP(10, 213, 47, 181), 68,
		0x8000);
	r.n.nvlan = 2;
	r.n.tpid[0] = 0x88a8;
	r.n.tci[0] = 0x0200;
	r.n.tpid[1] = 0x8100;
	r.n.tci[1] = 0x0300;
	expect_reply(rq_case(s, &r, G_VLAN, "VLAN: REQUEST to 4011, QinQ"),
		     DPXE_DHCPACK, F_X64);
}

static const struct menu_item default_menu[] = { { 0x8000, "dpxe" } };
static const struct menu_item lab_menu[] = {
	{ 0x8000, "Install Linux" },
	{ 0x8001, "Rescue shell" },
	{ 0x0000, "Boot from local disk" },
};
static const struct menu_item direct_menu[] = { { 0x8010, "Network boot" } };

static void
add_boot_server_cases(struct caseset *s)
{
	struct rq r;
	struct ecase *c;
	const uint8_t *bs = mac_tmp(0x0b, 1), *mn = mac_tmp(0x0c, 1),
		      *dm = mac_tmp(0x0d, 1);

	/* boot_server: true, no menu: the default one-item menu, prompt
	 * "dpxe" with timeout 0 (picks the item without showing it) */
	rq_pxe(&r, DPXE_DHCPDISCOVER, bs, 0);
	c = rq_case(s, &r, G_BOOTSRV, "boot-server: DISCOVER");
	expect_boot_server(c, DPXE_DHCPOFFER, default_menu, 1, "dpxe", 0);

	rq_pxe(&r, DPXE_DHCPREQUEST, bs, 0);
	rq_opt_ip(&r, DPXE_OPT_SERVER_ID, SRV_IP);
	c = rq_case(s, &r, G_BOOTSRV, "boot-server: REQUEST naming dpxe");
	expect_boot_server(c, DPXE_DHCPACK, default_menu, 1, "dpxe", 0);

	/* then port 4011: the file, and 71 echoing the item */
	rq_4011(&r, bs, 0, E2E_IP(10, 213, 47, 160), 68, 0x8000);
	c = rq_case(s, &r, G_BOOTSRV, "boot-server: REQUEST to 4011");
	expect_reply(c, DPXE_DHCPACK, F_BOOTSRV);

	/* with a menu and a prompt; the local-disk item has no server */
	rq_pxe(&r, DPXE_DHCPDISCOVER, mn, 0);
	c = rq_case(s, &r, G_BOOTSRV, "boot-server-menu: DISCOVER");
	expect_boot_server(c, DPXE_DHCPOFFER, lab_menu, 3,
			   "Press F8 for the boot menu", 5);

	/* item 0x8001 asked from port 4011 (some ROMs send from 4011) */
	rq_4011(&r, mn, 0, E2E_IP(10, 213, 47, 161), 4011, 0x8001);
	c = rq_case(s, &r, G_BOOTSRV,
		    "boot-server-menu: REQUEST to 4011 from 4011, item 8001");
	expect_reply(c, DPXE_DHCPACK, F_MENU);

	/* file offered directly with a menu and prompt (timeout default) */
	rq_pxe(&r, DPXE_DHCPDISCOVER, dm, 7);
	c = rq_case(s, &r, G_BOOTSRV, "menu-direct: DISCOVER");
	expect_menu_direct(c, DPXE_DHCPOFFER, F_DIRECT, direct_menu, 1,
			   "Choose", 10);

	rq_pxe(&r, DPXE_DHCPREQUEST, dm, 7);
	rq_opt_ip(&r, DPXE_OPT_SERVER_ID, SRV_IP);
	c = rq_case(s, &r, G_BOOTSRV, "menu-direct: REQUEST naming dpxe");
	expect_menu_direct(c, DPXE_DHCPACK, F_DIRECT, direct_menu, 1,
			   "Choose", 10);

	/* a plain client at 4011 without option 43: the ACK has no 43 */
	rq_4011(&r, mac_tmp(0x07, 0x40), 7, E2E_IP(10, 213, 47, 162), 68, -1);
	c = rq_case(s, &r, G_BOOTSRV, "REQUEST to 4011 without option 43");
	expect_reply(c, DPXE_DHCPACK, F_X64);

	/* a client without an address yet: broadcast back to its port */
	rq_4011(&r, mac_tmp(0x07, 0x41), 0, 0, 68, 0x8000);
	r.n.ip_dst = BCAST;
	memset(r.n.dst_mac, 0xff, 6);
	c = rq_case(s, &r, G_BOOTSRV, "REQUEST to 4011 from 0.0.0.0");
	expect_reply(c, DPXE_DHCPACK, F_BIOS);

	/* only a REQUEST is answered at 4011 */
	rq_pxe(&r, DPXE_DHCPDISCOVER, mac_tmp(0x07, 0x42), 0);
	r.n.dport = DPXE_PXE_BOOT_SERVER_PORT;
	expect_drop(rq_case(s, &r, G_BOOTSRV, "DISCOVER to 4011"),
		    "message_type_ignored");
	rq_pxe(&r, DPXE_DHCPINFORM, mac_tmp(0x07, 0x43), 0);
	rq_unicast(&r, E2E_IP(10, 213, 47, 163));
	r.n.dport = DPXE_PXE_BOOT_SERVER_PORT;
	expect_drop(rq_case(s, &r, G_BOOTSRV, "INFORM to 4011"),
		    "message_type_ignored");
}

static void
add_server_id_cases(struct caseset *s)
{
	struct rq r;

	rq_pxe(&r, DPXE_DHCPREQUEST, mac_tmp(0x06, 1), 0);
	rq_opt_ip(&r, DPXE_OPT_SERVER_ID, SRV_IP);
	expect_reply(rq_case(s, &r, G_SERVER_ID, "REQUEST naming dpxe"),
		     DPXE_DHCPACK, F_BIOS);

	/* as after an address OFFER: requested IP (50) and 54 = dpxe */
	rq_pxe(&r, DPXE_DHCPREQUEST, mac_tmp(0x06, 2), 11);
	rq_opt_ip(&r, DPXE_OPT_REQUESTED_IP, E2E_IP(10, 213, 47, 150));
	rq_opt_ip(&r, DPXE_OPT_SERVER_ID, SRV_IP);
	expect_reply(rq_case(s, &r, G_SERVER_ID,
			     "REQUEST naming dpxe with option 50"),
		     DPXE_DHCPACK, F_ARM64);

	/* selecting another server's offer: not ours to answer */
	rq_pxe(&r, DPXE_DHCPREQUEST, mac_tmp(0x06, 3), 0);
	rq_opt_ip(&r, DPXE_OPT_SERVER_ID, E2E_IP(10, 213, 47, 2));
	expect_drop(rq_case(s, &r, G_SERVER_ID, "REQUEST naming another server"),
		    "not_for_us");

	rq_pxe(&r, DPXE_DHCPREQUEST, mac_tmp(0x06, 4), 0);
	expect_drop(rq_case(s, &r, G_SERVER_ID, "REQUEST without option 54"),
		    "not_for_us");

	/* unicast to another host's address */
	rq_pxe(&r, DPXE_DHCPDISCOVER, mac_tmp(0x06, 5), 0);
	r.n.ip_dst = E2E_IP(10, 213, 47, 9);
	expect_drop(rq_case(s, &r, G_SERVER_ID, "DISCOVER to another IP"),
		    "not_for_us");
}

static void
add_addressing_cases(struct caseset *s)
{
	struct rq r;

	rq_pxe(&r, DPXE_DHCPDISCOVER, mac_tmp(0x07, 1), 0);
	expect_reply(rq_case(s, &r, G_ADDRESSING,
			     "DISCOVER, broadcast flag clear"),
		     DPXE_DHCPOFFER, F_BIOS);

	rq_pxe(&r, DPXE_DHCPDISCOVER, mac_tmp(0x07, 2), 0);
	rq_flags(&r, DPXE_BOOTP_FLAG_BROADCAST);
	expect_reply(rq_case(s, &r, G_ADDRESSING, "DISCOVER, broadcast flag set"),
		     DPXE_DHCPOFFER, F_BIOS);

	rq_pxe(&r, DPXE_DHCPREQUEST, mac_tmp(0x07, 3), 7);
	rq_opt_ip(&r, DPXE_OPT_SERVER_ID, SRV_IP);
	rq_unicast(&r, E2E_IP(10, 213, 47, 170));
	expect_reply(rq_case(s, &r, G_ADDRESSING, "REQUEST with ciaddr"),
		     DPXE_DHCPACK, F_X64);

	/* ciaddr comes before the broadcast flag */
	rq_pxe(&r, DPXE_DHCPREQUEST, mac_tmp(0x07, 4), 7);
	rq_opt_ip(&r, DPXE_OPT_SERVER_ID, SRV_IP);
	rq_unicast(&r, E2E_IP(10, 213, 47, 171));
	rq_flags(&r, DPXE_BOOTP_FLAG_BROADCAST);
	expect_reply(rq_case(s, &r, G_ADDRESSING,
			     "REQUEST with ciaddr and broadcast flag"),
		     DPXE_DHCPACK, F_X64);

	/* ciaddr on a DISCOVER, broadcast at IP level */
	rq_pxe(&r, DPXE_DHCPDISCOVER, mac_tmp(0x07, 5), 6);
	e2e_put32(r.m.b + DPXE_BOOTP_CIADDR, E2E_IP(10, 213, 47, 172));
	r.n.ip_src = E2E_IP(10, 213, 47, 172);
	expect_reply(rq_case(s, &r, G_ADDRESSING, "DISCOVER with ciaddr"),
		     DPXE_DHCPOFFER, F_IA32);

	/* the frame's source MAC, not chaddr, gets a ciaddr unicast */
	rq_pxe(&r, DPXE_DHCPREQUEST, mac_tmp(0x07, 6), 7);
	rq_opt_ip(&r, DPXE_OPT_SERVER_ID, SRV_IP);
	rq_unicast(&r, E2E_IP(10, 213, 47, 173));
	memcpy(r.n.src_mac, mac_tmp(0x07, 0x99), 6);
	expect_reply(rq_case(s, &r, G_ADDRESSING,
			     "REQUEST with ciaddr, source MAC != chaddr"),
		     DPXE_DHCPACK, F_X64);

	/* chaddr is 16 bytes and echoed whole, padding and all; clients
	 * of this kind were answered before (dpxe's reply templates) */
	for (uint16_t i = 0; i < 2; i++) {
		rq_pxe(&r, DPXE_DHCPDISCOVER, mac_tmp(0x07, (uint16_t)(7 + i)), 7);
		memset(r.m.b + DPXE_BOOTP_CHADDR + 6, 0xa5 + i, 10);
		expect_reply(rq_case(s, &r, G_ADDRESSING,
				     "DISCOVER, chaddr padding not zero (%u)",
				     i),
			     DPXE_DHCPOFFER, F_X64);
	}
}

static void
add_parse_cases(struct caseset *s)
{
	static const uint8_t relay_mac[6] = { 0x02, 0xe2, 0xe0, 0xaa, 0, 2 };
	struct rq r;
	struct ecase *c;
	uint8_t big[255];

	rq_pxe(&r, DPXE_DHCPDISCOVER, mac_tmp(0x08, 1), 7);
	r.n.ihl = 7; /* 8 bytes of IP options */
	expect_reply(rq_case(s, &r, G_PARSE, "IP header with options"),
		     DPXE_DHCPOFFER, F_X64);

	rq_pxe(&r, DPXE_DHCPDISCOVER, mac_tmp(0x08, 2), 7);
	r.n.trailer = 22;
	expect_reply(rq_case(s, &r, G_PARSE, "Ethernet trailer after the IP "
			     "datagram"),
		     DPXE_DHCPOFFER, F_X64);

	rq_pxe(&r, DPXE_DHCPDISCOVER, mac_tmp(0x08, 3), 7);
	r.n.udp_csum = E2E_UDP_CSUM_ZERO;
	expect_reply(rq_case(s, &r, G_PARSE, "UDP checksum 0 (none)"),
		     DPXE_DHCPOFFER, F_X64);

	/* RFC 3396: option 60 split in two, arch only there */
	rq_init(&r, DPXE_DHCPDISCOVER, mac_tmp(0x08, 4));
	e2e_msg_opt_str(&r.m, DPXE_OPT_VENDOR_CLASS, "PXEClient:Ar");
	e2e_msg_opt_str(&r.m, DPXE_OPT_HOSTNAME, "split");
	e2e_msg_opt_str(&r.m, DPXE_OPT_VENDOR_CLASS, "ch:00011:UNDI:003016");
	expect_reply(rq_case(s, &r, G_PARSE, "option 60 split (RFC 3396)"),
		     DPXE_DHCPOFFER, F_ARM64);

	/* option overload: 60 and 93 in the file field */
	rq_init(&r, DPXE_DHCPDISCOVER, mac_tmp(0x08, 5));
	{
		uint8_t ov = DPXE_OVERLOAD_FILE, *f = r.m.b + DPXE_BOOTP_FILE;
		const char *vc = "PXEClient:Arch:00027:UNDI:003016";

		e2e_msg_opt(&r.m, DPXE_OPT_OVERLOAD, &ov, 1);
		f[0] = DPXE_OPT_CLIENT_ARCH;
		f[1] = 2;
		f[2] = 0;
		f[3] = 27;
		f[4] = DPXE_OPT_VENDOR_CLASS;
		f[5] = (uint8_t)strlen(vc);
		memcpy(f + 6, vc, strlen(vc));
		f[6 + strlen(vc)] = DPXE_OPT_END;
	}
	expect_reply(rq_case(s, &r, G_PARSE, "options in the file field (52)"),
		     DPXE_DHCPOFFER, F_RISCV);

	/* no END: the options fill the message exactly */
	rq_pxe(&r, DPXE_DHCPDISCOVER, mac_tmp(0x08, 6), 0);
	r.no_end = true;
	expect_reply(rq_case(s, &r, G_PARSE, "no END option, no padding"),
		     DPXE_DHCPOFFER, F_BIOS);

	/* PAD between options, 53 last */
	rq_init(&r, 0, mac_tmp(0x08, 7));
	e2e_msg_byte(&r.m, 0);
	e2e_msg_opt_str(&r.m, DPXE_OPT_VENDOR_CLASS,
			"PXEClient:Arch:00009:UNDI:003016");
	e2e_msg_byte(&r.m, 0);
	e2e_msg_byte(&r.m, 0);
	e2e_msg_opt(&r.m, DPXE_OPT_MSG_TYPE, (uint8_t[]){ 1 }, 1);
	expect_reply(rq_case(s, &r, G_PARSE, "PAD options, 53 last"),
		     DPXE_DHCPOFFER, F_X64);

	/* option 57 below 576 is ignored: the 576 default holds */
	rq_init(&r, DPXE_DHCPDISCOVER, mac_tmp(0x08, 8));
	e2e_msg_opt(&r.m, DPXE_OPT_MAX_MSG_SIZE, (uint8_t[]){ 0x01, 0x2c }, 2);
	e2e_msg_opt_str(&r.m, DPXE_OPT_VENDOR_CLASS,
			"PXEClient:Arch:00000:UNDI:002001");
	expect_reply(rq_case(s, &r, G_PARSE, "option 57 = 300 ignored"),
		     DPXE_DHCPOFFER, F_BIOS);

	/* a 255-byte 97 and 82 echoed: fits in 1500, not in 576 */
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7 + 1);
	big[0] = 0;
	for (int with57 = 1; with57 >= 0; with57--) {
		rq_init(&r, DPXE_DHCPDISCOVER, mac_tmp(0x08, (uint16_t)(9 + with57)));
		if (with57)
			e2e_msg_opt(&r.m, DPXE_OPT_MAX_MSG_SIZE,
				    (uint8_t[]){ 0x05, 0xdc }, 2);
		e2e_msg_opt(&r.m, DPXE_OPT_CLIENT_UUID, big, sizeof(big));
		e2e_msg_opt_str(&r.m, DPXE_OPT_VENDOR_CLASS,
				"PXEClient:Arch:00007:UNDI:003016");
		rq_relay(&r, E2E_IP(10, 98, 0, 1), E2E_IP(10, 98, 0, 1),
			 relay_mac, 1);
		big[0] = 1;
		e2e_msg_opt(&r.m, DPXE_OPT_RELAY_AGENT_INFO, big, sizeof(big));
		big[0] = 0;
		c = rq_case(s, &r, G_PARSE, "255-byte 97 and 82, %s",
			    with57 ? "option 57 = 1500" : "no option 57");
		if (with57)
			expect_reply(c, DPXE_DHCPOFFER, F_X64);
		else
			expect_drop(c, "reply_too_big");
	}
}

static void
add_host_cases(struct caseset *s)
{
	static const uint8_t pinned[6] = { 0x02, 0xe2, 0xe0, 0x0e, 0x00, 0x01 };
	struct rq r;

	rq_pxe(&r, DPXE_DHCPDISCOVER, pinned, 7);
	expect_reply(rq_case(s, &r, G_HOST, "host boot_file overrides the rule"),
		     DPXE_DHCPOFFER, F_PINNED);

	rq_pxe(&r, DPXE_DHCPDISCOVER, pinned, 7);
	e2e_msg_opt_str(&r.m, DPXE_OPT_USER_CLASS, "iPXE");
	expect_reply(rq_case(s, &r, G_HOST, "host's iPXE still gets the URL"),
		     DPXE_DHCPOFFER, URL_IPXE);
}

static void
add_arp_cases(struct caseset *s)
{
	static const struct {
		const char *name;
		uint16_t op, htype;
		uint32_t tpa;
		uint8_t nvlan;
		size_t cut; /* frame cut to this length, 0: whole */
		const char *drop;
	} t[] = {
		{ "who-has dpxe", 1, 1, SRV_IP, 0, 0, NULL },
		{ "who-has dpxe, 802.1Q", 1, 1, SRV_IP, 1, 0, NULL },
		{ "who-has dpxe, QinQ", 1, 1, SRV_IP, 2, 0, NULL },
		{ "who-has another host", 1, 1, E2E_IP(10, 213, 47, 9), 0, 0,
		  "arp_not_for_us" },
		{ "ARP reply", 2, 1, SRV_IP, 0, 0, "arp_not_request" },
		{ "ARP over IEEE 802 (htype 6)", 1, 6, SRV_IP, 0, 0,
		  "arp_not_eth_ipv4" },
		{ "ARP cut to 20 bytes", 1, 1, SRV_IP, 0, 14 + 20,
		  "arp_truncated" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct e2e_net n = { .nvlan = t[i].nvlan,
				     .tpid = { 0x88a8, 0x8100 },
				     .tci = { 0x0064, 0x00c8 } };
		uint8_t sha[6], zero[6] = { 0 };
		struct ecase *c = case_new(s, G_ARP, "ARP: %s", t[i].name);

		if (t[i].nvlan == 1)
			n.tpid[0] = 0x8100;
		mac_of(sha, 0x0a, (uint16_t)i);
		memset(n.dst_mac, 0xff, 6);
		memcpy(n.src_mac, sha, 6);
		c->len = e2e_frame_arp(c->frame, sizeof(c->frame), &n, t[i].op,
				       t[i].htype, sha,
				       E2E_IP(10, 213, 47, 70 + i), zero,
				       t[i].tpa);
		if (t[i].cut)
			c->len = t[i].cut;
		if (t[i].drop)
			expect_drop(c, t[i].drop);
		else
			expect_arp(c);
	}
}

/* Malformed frames: a valid PXE DISCOVER broken in one way each. */
enum mut {
	M_RUNT, M_ETH_ONLY_IPV4, M_VLAN_TRUNC, M_VLAN_3, M_IPV6, M_LLDP,
	M_IP_TRUNC, M_IP_VERSION, M_IHL_4, M_IP_TOTAL_BIG, M_IP_TOTAL_SMALL,
	M_IP_CSUM, M_FRAG_MF, M_FRAG_OFF, M_TCP, M_UDP_TRUNC, M_UDP_LEN_BIG,
	M_UDP_LEN_SMALL, M_UDP_CSUM, M_PORT_53, M_PORT_68, M_DHCP_SHORT,
	M_BOOTREPLY, M_HTYPE, M_HLEN, M_COOKIE, M_OPT_PAST_END, M_OPT_NO_LEN,
	M_OVERLOAD_SELF, M_OVERLOAD_VALUE, M_OVERLOAD_LEN, M_53_LEN,
	M_53_VALUE_9, M_53_VALUE_0, M_57_LEN, M_54_LEN, M_50_LEN, M_93_ODD,
	M_43_BAD_DC, M_43_PAST_END, M_43_BAD_71, M_NOT_PXE, M_NOT_PXE_MSFT,
	M_INFORM, M_DECLINE, M_RELEASE, M_BOOTP,
};

static const struct {
	enum mut m;
	const char *name;
	const char *reason;
} malformed[] = {
	{ M_RUNT, "runt, 10 bytes", "eth_truncated" },
	{ M_ETH_ONLY_IPV4, "Ethernet header only, type IPv4", "ip_truncated" },
	{ M_VLAN_TRUNC, "VLAN tag cut short", "vlan_truncated" },
	{ M_VLAN_3, "three VLAN tags", "vlan_too_deep" },
	/* an IPv4 datagram under the IPv6 ethertype, read as IPv6 (DHCPv6
	 * goes to providers): its "payload length", the IPv4 ID 0x1234,
	 * runs past the frame */
	{ M_IPV6, "IPv6 ethertype", "ip_bad_total_length" },
	{ M_LLDP, "LLDP ethertype", "ethertype_unsupported" },
	{ M_IP_TRUNC, "IPv4 header cut to 12 bytes", "ip_truncated" },
	{ M_IP_VERSION, "IP version 6 in an IPv4 frame", "ip_bad_version" },
	{ M_IHL_4, "IHL 4", "ip_bad_ihl" },
	{ M_IP_TOTAL_BIG, "IP total length past the frame",
	  "ip_bad_total_length" },
	{ M_IP_TOTAL_SMALL, "IP total length below the header",
	  "ip_bad_total_length" },
	{ M_IP_CSUM, "bad IP header checksum", "ip_bad_checksum" },
	{ M_FRAG_MF, "first fragment (MF)", "ip_fragment" },
	{ M_FRAG_OFF, "later fragment (offset 128)", "ip_fragment" },
	{ M_TCP, "TCP", "ip_not_udp" },
	{ M_UDP_TRUNC, "IP datagram too short for UDP", "udp_truncated" },
	{ M_UDP_LEN_BIG, "UDP length past the datagram", "udp_bad_length" },
	{ M_UDP_LEN_SMALL, "UDP length 4", "udp_bad_length" },
	{ M_UDP_CSUM, "bad UDP checksum", "udp_bad_checksum" },
	{ M_PORT_53, "UDP to port 53", "udp_port_unsupported" },
	{ M_PORT_68, "UDP to port 68", "udp_port_unsupported" },
	{ M_DHCP_SHORT, "DHCP message of 200 bytes", "dhcp_truncated" },
	{ M_BOOTREPLY, "BOOTREPLY (op 2)", "dhcp_not_bootrequest" },
	{ M_HTYPE, "htype 6", "dhcp_bad_htype" },
	{ M_HLEN, "hlen 16", "dhcp_bad_hlen" },
	{ M_COOKIE, "bad magic cookie", "dhcp_bad_cookie" },
	{ M_OPT_PAST_END, "option 60 runs past the end", "dhcp_option_truncated" },
	{ M_OPT_NO_LEN, "option code as the last byte", "dhcp_option_truncated" },
	{ M_OVERLOAD_SELF, "option 52 inside the file field it overloads",
	  "dhcp_bad_overload" },
	{ M_OVERLOAD_VALUE, "option 52 value 4", "dhcp_bad_overload" },
	{ M_OVERLOAD_LEN, "option 52 of 2 bytes", "dhcp_bad_overload" },
	{ M_53_LEN, "option 53 of 2 bytes", "dhcp_bad_option_length" },
	{ M_53_VALUE_9, "option 53 value 9", "dhcp_bad_message_type" },
	{ M_53_VALUE_0, "option 53 value 0", "dhcp_bad_message_type" },
	{ M_57_LEN, "option 57 of 3 bytes", "dhcp_bad_option_length" },
	{ M_54_LEN, "option 54 of 5 bytes", "dhcp_bad_option_length" },
	{ M_50_LEN, "option 50 of 3 bytes", "dhcp_bad_option_length" },
	{ M_93_ODD, "option 93 of 3 bytes", "dhcp_bad_option_length" },
	{ M_43_BAD_DC, "PXEClient 43: discovery control of 2 bytes",
	  "dhcp_bad_vendor_options" },
	{ M_43_PAST_END, "PXEClient 43: sub-option past its end",
	  "dhcp_bad_vendor_options" },
	{ M_43_BAD_71, "PXEClient 43: boot item of 3 bytes",
	  "dhcp_bad_vendor_options" },
	{ M_NOT_PXE, "DISCOVER without option 60", "not_pxe_client" },
	{ M_NOT_PXE_MSFT, "DISCOVER from \"MSFT 5.0\"", "not_pxe_client" },
	{ M_INFORM, "INFORM from a PXEClient", "message_type_ignored" },
	{ M_DECLINE, "DECLINE from a PXEClient", "message_type_ignored" },
	{ M_RELEASE, "RELEASE from a PXEClient", "message_type_ignored" },
	{ M_BOOTP, "BOOTP (no option 53) from a PXEClient",
	  "message_type_ignored" },
};

static void
add_malformed_cases(struct caseset *s)
{
	for (size_t i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
		enum mut m = malformed[i].m;
		uint8_t type = DPXE_DHCPDISCOVER;
		struct ecase *c;
		struct rq r;

		switch (m) {
		case M_53_VALUE_9: type = 9; break;
		case M_53_VALUE_0: type = 0xff; break; /* written below */
		case M_INFORM: type = DPXE_DHCPINFORM; break;
		case M_DECLINE: type = DPXE_DHCPDECLINE; break;
		case M_RELEASE: type = DPXE_DHCPRELEASE; break;
		case M_BOOTP: case M_53_LEN: type = 0; break;
		default: break;
		}
		rq_init(&r, type == 0xff ? 0 : type, mac_tmp(0x09, (uint16_t)i));
		if (m == M_53_VALUE_0)
			e2e_msg_opt(&r.m, DPXE_OPT_MSG_TYPE, (uint8_t[]){ 0 }, 1);
		if (m == M_53_LEN)
			e2e_msg_opt(&r.m, DPXE_OPT_MSG_TYPE,
				    (uint8_t[]){ 1, 1 }, 2);
		if (m == M_RELEASE || m == M_INFORM)
			rq_unicast(&r, E2E_IP(10, 213, 47, 190));
		if (m != M_NOT_PXE && m != M_NOT_PXE_MSFT && m != M_OPT_PAST_END)
			rq_pxe_opts(&r, "PXEClient", 7, m != M_93_ODD);
		switch (m) {
		case M_VLAN_3:
			r.n.nvlan = 3;
			r.n.tpid[0] = 0x88a8;
			r.n.tpid[1] = r.n.tpid[2] = 0x8100;
			r.n.tci[0] = 1;
			r.n.tci[1] = 2;
			r.n.tci[2] = 3;
			break;
		case M_IP_VERSION: r.n.ip_version = 6; break;
		case M_IHL_4: r.n.ihl = 4; break;
		case M_IP_TOTAL_BIG: r.n.ip_total_delta = 100; break;
		case M_IP_CSUM: r.n.ip_csum_bad = true; break;
		case M_FRAG_MF: r.n.frag = 0x2000; break;
		case M_FRAG_OFF: r.n.frag = 0x0010; break;
		case M_TCP: r.n.proto = 6; break;
		case M_UDP_LEN_SMALL: r.n.udp_len_set = true; r.n.udp_len = 4;
			break;
		case M_UDP_CSUM: r.n.udp_csum = E2E_UDP_CSUM_BAD; break;
		case M_PORT_53: r.n.dport = 53; break;
		case M_PORT_68: r.n.dport = 68; r.n.sport = 67; break;
		case M_BOOTREPLY: r.m.b[DPXE_BOOTP_OP] = 2; break;
		case M_HTYPE: r.m.b[DPXE_BOOTP_HTYPE] = 6; break;
		case M_HLEN: r.m.b[DPXE_BOOTP_HLEN] = 16; break;
		case M_COOKIE: r.m.b[DPXE_BOOTP_COOKIE + 3] ^= 1; break;
		case M_OPT_PAST_END:
			/* 60 says 200 bytes, 20 follow: the message ends */
			e2e_msg_opt_str(&r.m, DPXE_OPT_VENDOR_CLASS,
					"PXEClient:Arch:00007");
			r.m.b[r.m.len - 21] = 200;
			r.no_end = true;
			break;
		case M_OPT_NO_LEN:
			e2e_msg_byte(&r.m, DPXE_OPT_HOSTNAME);
			r.no_end = true;
			break;
		case M_OVERLOAD_SELF:
			e2e_msg_opt(&r.m, DPXE_OPT_OVERLOAD,
				    (uint8_t[]){ DPXE_OVERLOAD_FILE }, 1);
			memcpy(r.m.b + DPXE_BOOTP_FILE,
			       (uint8_t[]){ 52, 1, 1, 255 }, 4);
			break;
		case M_OVERLOAD_VALUE:
			e2e_msg_opt(&r.m, DPXE_OPT_OVERLOAD, (uint8_t[]){ 4 }, 1);
			break;
		case M_OVERLOAD_LEN:
			e2e_msg_opt(&r.m, DPXE_OPT_OVERLOAD,
				    (uint8_t[]){ 1, 1 }, 2);
			break;
		case M_57_LEN:
			/* the second 57 is joined to the first: 3 bytes */
			e2e_msg_opt(&r.m, DPXE_OPT_MAX_MSG_SIZE,
				    (uint8_t[]){ 5 }, 1);
			break;
		case M_54_LEN:
			e2e_msg_opt(&r.m, DPXE_OPT_SERVER_ID,
				    (uint8_t[]){ 10, 213, 47, 1, 0 }, 5);
			break;
		case M_50_LEN:
			e2e_msg_opt(&r.m, DPXE_OPT_REQUESTED_IP,
				    (uint8_t[]){ 10, 213, 47 }, 3);
			break;
		case M_93_ODD:
			e2e_msg_opt(&r.m, DPXE_OPT_CLIENT_ARCH,
				    (uint8_t[]){ 0, 7, 0 }, 3);
			break;
		case M_43_BAD_DC:
			e2e_msg_opt(&r.m, DPXE_OPT_VENDOR,
				    (uint8_t[]){ 6, 2, 8, 0, 255 }, 5);
			break;
		case M_43_PAST_END:
			e2e_msg_opt(&r.m, DPXE_OPT_VENDOR,
				    (uint8_t[]){ 71, 4, 0x80, 0 }, 4);
			break;
		case M_43_BAD_71:
			e2e_msg_opt(&r.m, DPXE_OPT_VENDOR,
				    (uint8_t[]){ 71, 3, 0x80, 0, 0, 255 }, 6);
			break;
		case M_NOT_PXE_MSFT:
			e2e_msg_opt_str(&r.m, DPXE_OPT_VENDOR_CLASS, "MSFT 5.0");
			break;
		case M_RELEASE:
			rq_opt_ip(&r, DPXE_OPT_SERVER_ID, SRV_IP);
			break;
		default:
			break;
		}
		if (m == M_DHCP_SHORT)
			r.no_end = true, r.m.len = 200;
		c = rq_case(s, &r, G_MALFORMED, "malformed: %s",
			    malformed[i].name);
		/* cuts and rewrites below the DHCP message */
		switch (m) {
		case M_RUNT:
			c->len = 10;
			break;
		case M_ETH_ONLY_IPV4:
			c->len = 14;
			break;
		case M_VLAN_TRUNC:
			/* 8100 and half a tag */
			e2e_put16(c->frame + 12, 0x8100);
			c->len = 16;
			break;
		case M_IPV6:
			e2e_put16(c->frame + 12, 0x86dd);
			c->frame[14] = 0x60;
			break;
		case M_LLDP:
			e2e_put16(c->frame + 12, 0x88cc);
			break;
		case M_IP_TRUNC:
			c->len = 14 + 12;
			break;
		case M_IP_TOTAL_SMALL:
			/* total 16 < IHL 20, checksum fixed up */
			e2e_put16(c->frame + 16, 16);
			e2e_put16(c->frame + 24, 0);
			e2e_put16(c->frame + 24, e2e_csum(0, c->frame + 14, 20));
			break;
		case M_UDP_TRUNC:
			/* total 24: 4 bytes of UDP header */
			e2e_put16(c->frame + 16, 24);
			e2e_put16(c->frame + 24, 0);
			e2e_put16(c->frame + 24, e2e_csum(0, c->frame + 14, 20));
			break;
		case M_UDP_LEN_BIG: {
			/* UDP length 50 past the datagram, checksum over what
			 * is there so only the length is wrong */
			uint8_t *udp = c->frame + 34;

			e2e_put16(udp + 4, (uint16_t)(e2e_be16(udp + 4) + 50));
			break;
		}
		default:
			break;
		}
		expect_drop(c, malformed[i].reason);
	}
}

static int
build_cases(struct caseset *s, char *err, size_t err_len)
{
	/* the same frames every time: the provider-chain run compares its
	 * output with the built-in run's byte for byte */
	next_xid = 0xe2e00001;
	if (add_capture_cases(s, err, err_len) < 0)
		return -1;
	add_arch_cases(s);
	add_ipxe_cases(s);
	add_http_cases(s);
	add_relay_cases(s);
	add_vlan_cases(s);
	add_boot_server_cases(s);
	add_server_id_cases(s);
	add_addressing_cases(s);
	add_parse_cases(s);
	add_host_cases(s);
	add_arp_cases(s);
	add_malformed_cases(s);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Running                                                              */
/* ------------------------------------------------------------------ */

struct world {
	char dir[256];
	struct caseset cases;
	struct e2e_pcap out[2];
	struct actual *act;
	size_t nact;
	unsigned int n_unexpected;
	char unexpected[8192];
	struct e2e_json *stats;
	double seconds;
	bool failed_any;
};

static struct world main_run;

static const char *
tmpdir_base(void)
{
	const char *t = getenv("TMPDIR");

	return t && *t ? t : "/tmp";
}

static void
remove_tree(const char *dir)
{
	static const char *const names[] = { "in0.pcap", "in1.pcap",
					     "out0.pcap", "out1.pcap",
					     "stats.json", "dpxe.log" };
	char p[512];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		unlink(p);
	}
	rmdir(dir);
}

static void
world_free(struct world *w)
{
	const char *keep = getenv("DPXE_E2E_KEEP");

	if (w->dir[0]) {
		if (w->failed_any || (keep && *keep && strcmp(keep, "0")))
			print_message("e2e: files kept in %s\n", w->dir);
		else
			remove_tree(w->dir);
	}
	caseset_free(&w->cases);
	e2e_pcap_free(&w->out[0]);
	e2e_pcap_free(&w->out[1]);
	free(w->act);
	e2e_json_free(w->stats);
	memset(w, 0, sizeof(*w));
}

/* Write the cases into nq input pcaps (by their queue), run dpxe, read its
 * output pcaps and stats, and match the replies to the cases. */
static int
world_run(struct world *w, const char *config, const char *lcores,
	  unsigned int nq, char *err, size_t err_len)
{
	char in[2][320], out[2][320], stats[320], log[320];
	const char *inp[2] = { in[0], in[1] }, *outp[2] = { out[0], out[1] };
	struct e2e_pcap inpc[2] = { { 0 }, { 0 } };
	struct e2e_run run = { 0 };
	char *text;
	int rc;

	snprintf(w->dir, sizeof(w->dir), "%s/dpxe-e2e-XXXXXX", tmpdir_base());
	if (mkdtemp(w->dir) == NULL) {
		snprintf(err, err_len, "mkdtemp %s failed", w->dir);
		w->dir[0] = '\0';
		return -1;
	}
	for (unsigned int q = 0; q < nq; q++) {
		snprintf(in[q], sizeof(in[q]), "%s/in%u.pcap", w->dir, q);
		snprintf(out[q], sizeof(out[q]), "%s/out%u.pcap", w->dir, q);
	}
	snprintf(stats, sizeof(stats), "%s/stats.json", w->dir);
	snprintf(log, sizeof(log), "%s/dpxe.log", w->dir);
	for (size_t i = 0; i < w->cases.n; i++)
		e2e_pcap_add(&inpc[w->cases.v[i]->queue], w->cases.v[i]->frame,
			     w->cases.v[i]->len);
	for (unsigned int q = 0; q < nq; q++)
		if (e2e_pcap_write(in[q], &inpc[q], err, err_len) < 0) {
			e2e_pcap_free(&inpc[0]);
			e2e_pcap_free(&inpc[1]);
			return -1;
		}
	e2e_pcap_free(&inpc[0]);
	e2e_pcap_free(&inpc[1]);

	run.dpxe = dpxe_bin;
	run.lcores = lcores;
	run.config = config;
	run.rx = inp;
	run.tx = outp;
	run.nq = nq;
	run.stats_json = stats;
	run.log = log;
	run.timeout_s = RUN_TIMEOUT_S;
	if (getenv("DPXE_E2E_TIMEOUT"))
		run.timeout_s = (unsigned int)atoi(getenv("DPXE_E2E_TIMEOUT"));
	rc = e2e_run_dpxe(&run, err, err_len);
	w->seconds = run.seconds;
	if (rc != 0) {
		if (rc > 0)
			snprintf(err, err_len, "dpxe exited with %d (log: %s)",
				 rc, log);
		return -1;
	}
	text = e2e_read_file(stats);
	w->stats = text ? e2e_json_parse(text) : NULL;
	free(text);
	if (w->stats == NULL) {
		snprintf(err, err_len, "%s: missing or not JSON", stats);
		return -1;
	}
	for (unsigned int q = 0; q < nq; q++)
		if (e2e_pcap_read(out[q], &w->out[q], err, err_len) < 0)
			return -1;
	w->nact = w->out[0].n + w->out[1].n;
	w->act = calloc(w->nact ? w->nact : 1, sizeof(*w->act));
	if (w->act == NULL)
		abort();
	for (unsigned int q = 0, k = 0; q < nq; q++)
		for (size_t i = 0; i < w->out[q].n; i++, k++) {
			w->act[k].d = w->out[q].v[i].data;
			w->act[k].len = w->out[q].v[i].len;
			w->act[k].queue = q;
			classify(&w->act[k]);
		}
	w->n_unexpected = match_all(&w->cases, w->act, w->nact, w->unexpected,
				    sizeof(w->unexpected));
	return 0;
}

static int
setup_main(void **state)
{
	char err[1024];
	size_t drops = 0, replies = 0;

	(void)state;
	if (build_cases(&main_run.cases, err, sizeof(err)) < 0 ||
	    world_run(&main_run, CONFIG, "0", 1, err, sizeof(err)) < 0) {
		print_error("e2e setup: %s\n", err);
		main_run.failed_any = true;
		return -1;
	}
	for (size_t i = 0; i < main_run.cases.n; i++) {
		if (main_run.cases.v[i]->out == O_DROP)
			drops++;
		else
			replies++;
	}
	print_message("e2e: %zu frames (%zu answered, %zu dropped), dpxe ran "
		      "%.2f s, %zu frames out\n",
		      main_run.cases.n, replies, drops, main_run.seconds,
		      main_run.nact);
	return 0;
}

static int
teardown_main(void **state)
{
	(void)state;
	world_free(&main_run);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Tests                                                                */
/* ------------------------------------------------------------------ */

/*
 * Report the cases of group g (every group: G_COUNT). Returns the number of
 * cases that failed; *n is set to the number of cases.
 */
static unsigned int
report_cases(const struct caseset *s, enum group g, unsigned int *n)
{
	unsigned int bad = 0;

	*n = 0;
	for (size_t i = 0; i < s->n; i++) {
		const struct ecase *c = s->v[i];

		if (g != G_COUNT && c->g != g)
			continue;
		(*n)++;
		if (c->failed) {
			bad++;
			print_error("  FAIL %s:%s\n", c->name, c->msg);
		}
	}
	return bad;
}

static void
check_group(enum group g)
{
	unsigned int n, bad = report_cases(&main_run.cases, g, &n);

	if (bad)
		main_run.failed_any = true;
	assert_true(n > 0);
	if (bad)
		fail_msg("%u of %u cases failed", bad, n);
}

static void test_captured_clients(void **s) { (void)s; check_group(G_CAPTURE); }
static void test_every_arch(void **s) { (void)s; check_group(G_ARCH); }
static void test_ipxe(void **s) { (void)s; check_group(G_IPXE); }
static void test_http_boot(void **s) { (void)s; check_group(G_HTTP); }
static void test_relay(void **s) { (void)s; check_group(G_RELAY); }
static void test_vlan(void **s) { (void)s; check_group(G_VLAN); }
static void test_boot_server(void **s) { (void)s; check_group(G_BOOTSRV); }
static void test_server_id(void **s) { (void)s; check_group(G_SERVER_ID); }
static void test_addressing(void **s) { (void)s; check_group(G_ADDRESSING); }
static void test_parse_shapes(void **s) { (void)s; check_group(G_PARSE); }
static void test_hosts(void **s) { (void)s; check_group(G_HOST); }
static void test_arp(void **s) { (void)s; check_group(G_ARP); }
static void test_malformed(void **s) { (void)s; check_group(G_MALFORMED); }

static void
test_no_unexpected_reply(void **state)
{
	(void)state;
	if (main_run.n_unexpected) {
		main_run.failed_any = true;
		fail_msg("%u replies no case expects:%s", main_run.n_unexpected,
			 main_run.unexpected);
	}
}


/*
 * Counters of one run: rx against the frames sent, tx and the replies by
 * type against the frames that came out, and every drop reason against the
 * cases expecting it (0 for reasons nobody sent). A case that got a reply
 * instead of its drop has failed already; it is left out of the drop count
 * so that the counters are checked against what was seen.
 */
static unsigned int
check_totals(const struct world *w, const struct e2e_json *j)
{
	long long offers = 0, acks = 0, arps = 0;
	unsigned int bad = 0;
	int n;

#define TOTAL_IS(name, want)                                                   \
	do {                                                                   \
		long long got_ = e2e_json_stat(j, "total.%s", name);           \
		if (got_ != (long long)(want)) {                               \
			print_error("  total.%s = %lld, expected %lld\n", name, \
				    got_, (long long)(want));                  \
			bad++;                                                 \
		}                                                              \
	} while (0)

	for (size_t k = 0; k < w->nact; k++) {
		offers += w->act[k].kind == A_DHCP &&
			  w->act[k].type == DPXE_DHCPOFFER;
		acks += w->act[k].kind == A_DHCP &&
			w->act[k].type == DPXE_DHCPACK;
		arps += w->act[k].kind == A_ARP;
	}
	TOTAL_IS("rx", w->cases.n);
	TOTAL_IS("tx", w->nact);
	TOTAL_IS("arp_replies", arps);
	TOTAL_IS("replies.OFFER", offers);
	TOTAL_IS("replies.ACK", acks);
	TOTAL_IS("tx_full", 0);
	TOTAL_IS("mbuf_alloc_fail", 0);
	TOTAL_IS("spread_ring_full", 0);
	for (const char *const *t = (const char *const[]){ "DISCOVER", "REQUEST",
		"DECLINE", "NAK", "RELEASE", "INFORM", NULL }; *t; t++) {
		char p[64];

		snprintf(p, sizeof(p), "replies.%s", *t);
		TOTAL_IS(p, 0);
	}

	/* every reason the cases name must be one dpxe reports */
	for (size_t i = 0; i < w->cases.n; i++) {
		const struct ecase *c = w->cases.v[i];
		long long v;
		char p[128];

		if (c->out != O_DROP)
			continue;
		snprintf(p, sizeof(p), "total.drops.%s", c->drop);
		if (e2e_json_int(j, p, &v) < 0) {
			print_error("  %s: no drop reason \"%s\" in the stats\n",
				    c->name, c->drop);
			bad++;
		}
	}
	n = e2e_json_count(j, "total.drops");
	if (n <= 0) {
		print_error("  total.drops missing\n");
		return bad + 1;
	}
	for (int k = 0; k < n; k++) {
		const char *reason = e2e_json_key(j, "total.drops", (unsigned)k);
		long long want = 0, got = e2e_json_stat(j, "total.drops.%s", reason);

		for (size_t i = 0; i < w->cases.n; i++)
			want += w->cases.v[i]->out == O_DROP &&
				!w->cases.v[i]->charged &&
				strcmp(w->cases.v[i]->drop, reason) == 0;
		if (got == want)
			continue;
		bad++;
		print_error("  drops.%s = %lld, expected %lld; the cases:\n",
			    reason, got, want);
		for (size_t i = 0; i < w->cases.n; i++)
			if (w->cases.v[i]->out == O_DROP &&
			    strcmp(w->cases.v[i]->drop, reason) == 0)
				print_error("    %s\n", w->cases.v[i]->name);
	}
#undef TOTAL_IS
	return bad;
}

static void
test_stats(void **state)
{
	unsigned int bad;

	(void)state;
	bad = check_totals(&main_run, main_run.stats);
	if (e2e_json_stat(main_run.stats, "workers.0.rx") !=
	    e2e_json_stat(main_run.stats, "total.rx") ||
	    e2e_json_count(main_run.stats, "workers") != 1) {
		print_error("  one worker expected, with every frame\n");
		bad++;
	}
	if (bad) {
		main_run.failed_any = true;
		fail_msg("%u counters wrong", bad);
	}
}

/*
 * Two workers: 200 DISCOVERs on queue 0 and 40 on queue 1, plus an ARP
 * request on each. Every client must be answered once, by the worker
 * dpxe_client_owner() names, so its reply leaves by that worker's TX queue;
 * ARP stays where it came in.
 */
static void
test_two_workers(void **state)
{
	struct world w = { 0 };
	char err[1024];
	long long moved[2] = { 0, 0 }, rx[2] = { 0, 0 }, out_n[2];
	unsigned int bad = 0, n;

	(void)state;
	for (unsigned int i = 0; i < 240; i++) {
		unsigned int q = i < 200 ? 0 : 1;
		const uint8_t *mac = mac_tmp((uint8_t)(0x20 + q), (uint16_t)i);
		unsigned int owner = dpxe_client_owner(mac, 2);
		struct ecase *c;
		struct rq r;

		rq_pxe(&r, DPXE_DHCPDISCOVER, mac, i % 3 ? 7 : 0);
		c = rq_case(&w.cases, &r, G_COUNT, "queue %u DISCOVER %u "
			    "(owner %u)", q, i, owner);
		c->queue = q;
		expect_reply(c, DPXE_DHCPOFFER, i % 3 ? F_X64 : F_OTHER);
		rx[q]++;
		moved[q] += owner != q;
	}
	for (unsigned int q = 0; q < 2; q++) {
		struct e2e_net n = { 0 };
		uint8_t sha[6], zero[6] = { 0 };
		struct ecase *c = case_new(&w.cases, G_COUNT, "queue %u ARP", q);

		mac_of(sha, 0x22, (uint16_t)q);
		memset(n.dst_mac, 0xff, 6);
		memcpy(n.src_mac, sha, 6);
		c->len = e2e_frame_arp(c->frame, sizeof(c->frame), &n, 1, 1,
				       sha, E2E_IP(10, 213, 47, 200 + q), zero,
				       SRV_IP);
		c->queue = q;
		expect_arp(c);
		rx[q]++;
	}

	if (world_run(&w, CONFIG_2W, "0,1", 2, err, sizeof(err)) < 0) {
		w.failed_any = true;
		world_free(&w);
		fail_msg("%s", err);
	}
	print_message("e2e: two workers, %zu frames, dpxe ran %.2f s\n",
		      w.cases.n, w.seconds);

	for (size_t i = 0; i < w.cases.n; i++) {
		struct ecase *c = w.cases.v[i];
		unsigned int want = c->queue;

		if (c->out == O_REPLY)
			want = dpxe_client_owner(c->e.chaddr, 2);
		if (c->answered && c->answered_on != want)
			fail_case(c, " answered on TX queue %u, its owner is "
				  "worker %u", c->answered_on, want);
	}
	bad += report_cases(&w.cases, G_COUNT, &n);
	if (w.n_unexpected) {
		bad++;
		print_error("  %u unexpected replies:%s\n", w.n_unexpected,
			    w.unexpected);
	}
	bad += check_totals(&w, w.stats);

	out_n[0] = (long long)w.out[0].n;
	out_n[1] = (long long)w.out[1].n;
	for (unsigned int q = 0; q < 2; q++) {
		struct { const char *name; long long want; } t[] = {
			{ "rx", rx[q] },
			{ "spread_out", moved[q] },
			{ "rx_spread_in", moved[1 - q] },
			{ "tx", out_n[q] },
		};

		for (size_t k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
			long long got = e2e_json_stat(w.stats, "workers.%u.%s", q,
							t[k].name);

			if (got != t[k].want) {
				print_error("  workers[%u].%s = %lld, expected "
					    "%lld\n", q, t[k].name, got,
					    t[k].want);
				bad++;
			}
		}
		if (out_n[q] == 0) {
			print_error("  worker %u sent nothing\n", q);
			bad++;
		}
	}
	if (moved[0] == 0 || moved[1] == 0) {
		print_error("  the MACs do not exercise spreading both ways\n");
		bad++;
	}
	w.failed_any = bad > 0;
	world_free(&w);
	if (bad)
		fail_msg("%u checks failed", bad);
}

/*
 * A port restricted to VLAN 100 (dataplane.ports[].vlan): DHCP and ARP are
 * answered there only (the innermost tag counts), anything else is not for
 * us.
 */
static void
test_vlan_port(void **state)
{
	static const struct {
		const char *name;
		bool arp;
		uint8_t n;
		uint16_t tpid[2], tci[2];
		const char *drop; /* NULL: answered */
	} t[] = {
		{ "DISCOVER on VID 100", false, 1, { 0x8100 }, { 0x0064 }, NULL },
		{ "DISCOVER on VID 100, PCP 6", false, 1, { 0x8100 }, { 0xc064 },
		  NULL },
		{ "DISCOVER on QinQ 7/100", false, 2, { 0x88a8, 0x8100 },
		  { 0x0007, 0x0064 }, NULL },
		{ "DISCOVER on VID 100, BIOS: no rule", false, 1, { 0x8100 },
		  { 0x0064 }, "no_boot_rule" },
		{ "DISCOVER on VID 200", false, 1, { 0x8100 }, { 0x00c8 },
		  "not_for_us" },
		{ "DISCOVER untagged", false, 0, { 0 }, { 0 }, "not_for_us" },
		{ "DISCOVER on QinQ 100/200", false, 2, { 0x88a8, 0x8100 },
		  { 0x0064, 0x00c8 }, "not_for_us" },
		{ "ARP on VID 100", true, 1, { 0x8100 }, { 0x0064 }, NULL },
		{ "ARP on VID 200", true, 1, { 0x8100 }, { 0x00c8 },
		  "arp_not_for_us" },
		{ "ARP untagged", true, 0, { 0 }, { 0 }, "arp_not_for_us" },
	};
	struct world w = { 0 };
	char err[1024];
	unsigned int bad = 0, n;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const uint8_t *mac = mac_tmp(0x10, (uint16_t)i);
		struct ecase *c;

		if (t[i].arp) {
			struct e2e_net net = { .nvlan = t[i].n };
			uint8_t zero[6] = { 0 };

			memcpy(net.tpid, t[i].tpid, sizeof(t[i].tpid));
			memcpy(net.tci, t[i].tci, sizeof(t[i].tci));
			memset(net.dst_mac, 0xff, 6);
			memcpy(net.src_mac, mac, 6);
			c = case_new(&w.cases, G_COUNT, "vlan port: %s",
				     t[i].name);
			c->len = e2e_frame_arp(c->frame, sizeof(c->frame), &net,
					       1, 1, mac,
					       E2E_IP(10, 213, 47, 100 + i),
					       zero, SRV_IP);
			if (!t[i].drop)
				expect_arp(c);
		} else {
			struct rq r;

			/* x64 has the port's one rule; BIOS has none */
			rq_pxe(&r, DPXE_DHCPDISCOVER, mac,
			       strstr(t[i].name, "BIOS") ? 0 : 7);
			r.n.nvlan = t[i].n;
			memcpy(r.n.tpid, t[i].tpid, sizeof(t[i].tpid));
			memcpy(r.n.tci, t[i].tci, sizeof(t[i].tci));
			c = rq_case(&w.cases, &r, G_COUNT, "vlan port: %s",
				    t[i].name);
			if (!t[i].drop)
				expect_reply(c, DPXE_DHCPOFFER, F_X64);
		}
		if (t[i].drop)
			expect_drop(c, t[i].drop);
	}
	if (world_run(&w, CONFIG_VLAN, "0", 1, err, sizeof(err)) < 0) {
		w.failed_any = true;
		world_free(&w);
		fail_msg("%s", err);
	}
	print_message("e2e: VLAN-restricted port, %zu frames, dpxe ran %.2f s\n",
		      w.cases.n, w.seconds);
	bad += report_cases(&w.cases, G_COUNT, &n);
	bad += check_totals(&w, w.stats);
	if (w.n_unexpected)
		print_message("  %u replies not expected:%s\n",
			      w.n_unexpected, w.unexpected);
	w.failed_any = bad > 0;
	world_free(&w);
	if (bad)
		fail_msg("%u checks failed", bad);
}

/*
 * The same frames through the WDS provider chain: a filter that lets every
 * client through, then the bootfile provider holding the same boot rules.
 * Boot policy moved out of the dataplane must not change a single byte on
 * the wire: every frame out equals the built-in run's, in the same order.
 * Twice: bootfile on dpxe's extensions (the host's parse, per-worker state,
 * the request's own reply buffer), and on the WDS calls alone
 * (wds_calls_only: its own parse, thread-local state, PxePacketAllocate).
 */
static void
provider_chain_same_bytes(const char *bootfile_settings)
{
	struct world w = { 0 };
	char err[1024], cfg[512];
	char *base;
	FILE *f;
	long long replies = -1, tx = -1, arp = -1, rejected = -1;

	if (filter_so == NULL || bootfile_so == NULL)
		skip();
	base = e2e_read_file(CONFIG);
	assert_non_null(base);
	snprintf(cfg, sizeof(cfg), "%s/dpxe-e2e-providers-%d.yaml",
		 tmpdir_base(), (int)getpid());
	f = fopen(cfg, "w");
	assert_non_null(f);
	fprintf(f, "%s\nproviders:\n"
		"  - name: gate\n    module: %s\n    settings:\n"
		"      policy: allow\n"
		"  - name: bootfile\n    module: %s\n%s",
		base, filter_so, bootfile_so, bootfile_settings);
	fclose(f);
	free(base);

	if (build_cases(&w.cases, err, sizeof(err)) < 0 ||
	    world_run(&w, cfg, "0", 1, err, sizeof(err)) < 0) {
		w.failed_any = true;
		world_free(&w);
		unlink(cfg);
		fail_msg("%s", err);
	}
	unlink(cfg);
	print_message("e2e: provider chain%s, %zu frames in, %zu out (built-in: "
		      "%zu), dpxe ran %.2f s\n", *bootfile_settings ? " (WDS calls only)" : "",
		      w.cases.n, w.nact, main_run.nact, w.seconds);
	if (w.out[0].n != main_run.out[0].n)
		w.failed_any = true;
	assert_int_equal(w.out[0].n, main_run.out[0].n);
	for (size_t i = 0; i < w.out[0].n; i++) {
		const struct e2e_pkt *a = &w.out[0].v[i], *b = &main_run.out[0].v[i];

		if (a->len != b->len || memcmp(a->data, b->data, a->len) != 0) {
			uint32_t k = 0;

			while (k < a->len && k < b->len && a->data[k] == b->data[k])
				k++;
			w.failed_any = true;
			fail_msg("frame %zu out differs from the built-in path's "
				 "(%u vs %u bytes), first at byte %u: %02x vs %02x",
				 i, (unsigned int)a->len, (unsigned int)b->len,
				 (unsigned int)k, k < a->len ? a->data[k] : 0,
				 k < b->len ? b->data[k] : 0);
		}
	}
	/* the replies came from the chain, not from the built-in policy */
	assert_int_equal(e2e_json_int(w.stats, "total.tx", &tx), 0);
	assert_int_equal(e2e_json_int(w.stats, "total.arp_replies", &arp), 0);
	assert_int_equal(e2e_json_int(w.stats, "total.provider_replies",
				      &replies), 0);
	assert_int_equal(e2e_json_int(w.stats, "total.provider_rejected_all",
				      &rejected), 0);
	assert_int_equal(replies, tx - arp);
	assert_true(rejected > 0); /* non-PXE clients: nobody answered */
	/* and they are counted by DHCP type as the built-in run counts them */
	for (const char *const *t = (const char *const[]){ "OFFER", "ACK",
		NULL }; *t; t++) {
		long long got = e2e_json_stat(w.stats, "total.replies.%s", *t),
			  want = e2e_json_stat(main_run.stats, "total.replies.%s", *t);

		if (got != want)
			w.failed_any = true;
		assert_int_equal(got, want);
		assert_true(got > 0);
	}
	assert_int_equal(e2e_json_stat(w.stats, "total.replies.OFFER") +
				 e2e_json_stat(w.stats, "total.replies.ACK"),
			 replies);
	world_free(&w);
}

static void
test_provider_chain_same_bytes(void **state)
{
	(void)state;
	provider_chain_same_bytes("");
}

static void
test_provider_chain_wds_calls_only(void **state)
{
	(void)state;
	provider_chain_same_bytes("    settings:\n      wds_calls_only: true\n");
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_captured_clients),
		cmocka_unit_test(test_every_arch),
		cmocka_unit_test(test_ipxe),
		cmocka_unit_test(test_http_boot),
		cmocka_unit_test(test_relay),
		cmocka_unit_test(test_vlan),
		cmocka_unit_test(test_boot_server),
		cmocka_unit_test(test_server_id),
		cmocka_unit_test(test_addressing),
		cmocka_unit_test(test_parse_shapes),
		cmocka_unit_test(test_hosts),
		cmocka_unit_test(test_arp),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_no_unexpected_reply),
		cmocka_unit_test(test_stats),
		cmocka_unit_test(test_provider_chain_same_bytes),
		cmocka_unit_test(test_provider_chain_wds_calls_only),
	};
	const struct CMUnitTest more[] = {
		cmocka_unit_test(test_vlan_port),
		cmocka_unit_test(test_two_workers),
	};
	int rc;

	dpxe_bin = argc > 1 ? argv[1] : getenv("DPXE_BIN");
	filter_so = argc > 3 ? argv[2] : getenv("DPXE_FILTER_SO");
	bootfile_so = argc > 3 ? argv[3] : getenv("DPXE_BOOTFILE_SO");
	if (dpxe_bin == NULL || access(dpxe_bin, X_OK) != 0) {
		fprintf(stderr, "usage: %s PATH_TO_DPXE (or DPXE_BIN=...), run "
			"from the source root\n", argv[0]);
		return 1;
	}
	rc = cmocka_run_group_tests_name("e2e_pcap", tests, setup_main,
					 teardown_main);
	rc += cmocka_run_group_tests_name("e2e_pcap_more_runs", more, NULL,
					  NULL);
	return rc;
}
