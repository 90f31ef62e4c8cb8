/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cmocka suite for full DHCP mode (lib/boot/dhcp_server.c): requests are
 * built as bytes and parsed with dpxe_dhcp_parse, answered by two lease
 * shards (each client by the shard dpxe_client_owner() names, as the
 * dataplane spreads them), and every reply is parsed back (op flipped to
 * 1) and checked field by field; the caller's buffer carries canary bytes
 * past what the reply used.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "dhcp/client_hash.h"
#include "dhcp_build.h"
#include "dhcp_server.h"
#include "test_boot_config.h"
#include "test_packets.h"

#define NS 2                 /* shards */
#define SRV_IP 0xc0000201u   /* 192.0.2.1, the answering port */
#define OTHER_IP 0xc0000202u /* another DHCP server */
#define TFTP_IP 0xc000020au  /* 192.0.2.10, the x64 rule's tftp_server */
#define NET_A 0xc0000200u    /* 192.0.2.0/24: the port's own network */
#define POOL_A_LO 0xc0000264u /* .100 */
#define POOL_A_HI 0xc00002c7u /* .199 */
#define HOST_IP 0xc0000232u  /* .50, hosts[0]'s reservation */
#define RELAY_B 0x0a010001u  /* 10.1.0.1, relay and router of 10.1.0.0/24 */
#define POOL_B_LO 0x0a01000au
#define POOL_B_HI 0x0a010014u
#define RELAY_C 0x0a090001u  /* 10.9.0.1, relay of the tiny 10.9.0.0/29 */
#define POOL_C_LO 0x0a090002u
#define POOL_C_HI 0x0a090005u /* 4 addresses, 2 per shard */
#define HOST_MAC 500u        /* client number of hosts[0] */
#define WALL 1700000000      /* wall-clock minus monotonic seconds */
#define CANARY 64
#define CAP 4096

/* ---- the configuration ---- */

struct scfg {
	struct tcfg t;
	struct dpxe_config_subnet subnets[3];
	struct dpxe_config_pool pools[3];
};

static struct scfg sc;
static struct dpxe_lease_shard *shards[NS];
static struct dpxe_server_id srv;
static int64_t now;

static struct tpkt pkt;
static struct dpxe_dhcp_msg req, back;
static struct dpxe_pxe_vendor pxe;
static uint8_t out[CAP + CANARY];
static struct dpxe_dhcp_server_result res;

static uint8_t host_mac[6];

/* Client n's MAC: 52:54:00:aa:hi:lo. */
static void
mac_of(unsigned int n, uint8_t mac[6])
{
	static const uint8_t base[4] = { 0x52, 0x54, 0x00, 0xaa };

	memcpy(mac, base, 4);
	mac[4] = (uint8_t)(n >> 8);
	mac[5] = (uint8_t)n;
}

static unsigned int
owner_of(unsigned int n)
{
	uint8_t mac[6];

	mac_of(n, mac);
	return dpxe_client_owner(mac, NS);
}

/* The first client number >= from whose owner is shard. */
static unsigned int
client_on(unsigned int shard, unsigned int from)
{
	for (unsigned int n = from; n < from + 1000; n++)
		if (owner_of(n) == shard)
			return n;
	fail_msg("no client for shard %u", shard);
	return 0;
}

static void
subnet(struct dpxe_config_subnet *s, struct dpxe_config_pool *p,
       uint32_t addr, uint8_t prefix, uint32_t lo, uint32_t hi)
{
	s->net.prefix = prefix;
	s->net.mask = ~0u << (32 - prefix);
	s->net.addr = addr & s->net.mask;
	p->start = lo;
	p->end = hi;
	s->pools = p;
	s->pools_count = 1;
}

static int
setup(void **state)
{
	struct dpxe_config_boot_rule *r;
	struct dpxe_config_host *h;
	struct dpxe_lease_shard_params params = { .capacity = 64 };

	(void)state;
	memset(&sc, 0, sizeof(sc));
	tcfg_init(&sc.t);
	srv.ip = htonl_test(SRV_IP);
	srv.name = "dpxe-test";
	now = 1000;

	r = tcfg_rule(&sc.t, "bios", "undionly.kpxe");
	r->url = "http://192.0.2.1/boot.ipxe";
	tcfg_arch(&sc.t, 1, 0);
	r = tcfg_rule(&sc.t, "x64", "ipxe.efi");
	r->url = "http://192.0.2.1/x64.ipxe";
	r->tftp_server = TFTP_IP;
	tcfg_arch(&sc.t, 1, 7);
	tcfg_rule(&sc.t, "arm64-bs", "arm64.efi")->boot_server = true;
	tcfg_arch(&sc.t, 1, 11);
	tcfg_rule(&sc.t, "http", NULL)->url = "http://192.0.2.1/shim.efi";
	tcfg_arch(&sc.t, 1, 16);
	/* iPXE that says nothing of its architecture */
	tcfg_rule(&sc.t, "ipxe-any", NULL)->url = "http://192.0.2.1/any.ipxe";
	tcfg_ipxe(&sc.t, true);

	mac_of(HOST_MAC, host_mac);
	h = tcfg_host(&sc.t, host_mac, "special.kpxe");
	h->ip = HOST_IP;
	h->hostname = "node01";

	subnet(&sc.subnets[0], &sc.pools[0], NET_A, 24, POOL_A_LO, POOL_A_HI);
	sc.subnets[0].router = 0xc00002feu;
	sc.subnets[0].dns[0] = 0xc0000235u;
	sc.subnets[0].dns[1] = 0xc0000236u;
	sc.subnets[0].dns_count = 2;
	sc.subnets[0].domain = "lab.example";
	sc.subnets[0].lease_time = 3600;
	sc.subnets[0].renew_time = 1800;
	sc.subnets[0].rebind_time = 3150;
	subnet(&sc.subnets[1], &sc.pools[1], RELAY_B, 24, POOL_B_LO, POOL_B_HI);
	sc.subnets[1].router = RELAY_B;
	sc.subnets[1].lease_time = 600;
	sc.subnets[1].renew_time = 300;
	sc.subnets[1].rebind_time = 525;
	subnet(&sc.subnets[2], &sc.pools[2], RELAY_C, 29, POOL_C_LO, POOL_C_HI);
	sc.subnets[2].lease_time = 120;
	sc.subnets[2].renew_time = 60;
	sc.subnets[2].rebind_time = 100;
	sc.t.cfg.subnets = sc.subnets;
	sc.t.cfg.subnets_count = 3;
	sc.t.cfg.server.mode = DPXE_CONFIG_MODE_DHCP;

	for (unsigned int i = 0; i < NS; i++)
		assert_int_equal(dpxe_lease_shard_create(&sc.t.cfg, i, NS,
							 &params, &shards[i]),
				 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < NS; i++) {
		dpxe_lease_shard_destroy(shards[i]);
		shards[i] = NULL;
	}
	return 0;
}

/* ---- requests ---- */

/* One request as a client would send it; zero members are left out. */
struct rq {
	uint8_t type;           /* option 53; 0: plain BOOTP */
	unsigned int client;    /* MAC number (mac_of) */
	uint32_t ciaddr, giaddr; /* host order */
	uint32_t want;          /* option 50, host order */
	uint32_t server;        /* option 54, host order */
	const char *vc;         /* "PXEClient", "HTTPClient": option 60 */
	uint16_t arch;          /* option 93 and in option 60 */
	bool ipxe;              /* option 77 "iPXE" */
	uint16_t maxsz;         /* option 57 */
	bool broadcast;
	const uint8_t *prl;     /* option 55 */
	uint8_t prl_len;
	const uint8_t *o82;     /* option 82 */
	uint8_t o82_len;
};

static const uint8_t uuid[17] = { 0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66,
				  0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd,
				  0xee, 0xff, 0x01 };
/* option 82: circuit id "eth0/1", remote id 01:02:03 */
static const uint8_t opt82[] = { 1, 6, 'e', 't', 'h', '0', '/', '1',
				 2, 3, 1, 2, 3 };

static void
put_ip(uint8_t code, uint32_t host_order)
{
	uint8_t v[4];

	dpxe_store_be32(v, host_order);
	tpkt_opt(&pkt, code, v, 4);
}

static void
make(const struct rq *q)
{
	uint8_t v[2];
	char vc[48];

	tpkt_dhcp_init(&pkt, q->type);
	dpxe_store_be32(pkt.buf + DPXE_BOOTP_XID, 0x1234abcd + q->client);
	mac_of(q->client, pkt.buf + DPXE_BOOTP_CHADDR);
	dpxe_store_be16(pkt.buf + DPXE_BOOTP_SECS, 3);
	if (q->broadcast)
		dpxe_store_be16(pkt.buf + DPXE_BOOTP_FLAGS,
				DPXE_BOOTP_FLAG_BROADCAST);
	dpxe_store_be32(pkt.buf + DPXE_BOOTP_CIADDR, q->ciaddr);
	dpxe_store_be32(pkt.buf + DPXE_BOOTP_GIADDR, q->giaddr);
	if (q->giaddr)
		pkt.buf[DPXE_BOOTP_HOPS] = 1;
	if (q->maxsz) {
		dpxe_store_be16(v, q->maxsz);
		tpkt_opt(&pkt, DPXE_OPT_MAX_MSG_SIZE, v, 2);
	}
	if (q->want)
		put_ip(DPXE_OPT_REQUESTED_IP, q->want);
	if (q->server)
		put_ip(DPXE_OPT_SERVER_ID, q->server);
	if (q->prl)
		tpkt_opt(&pkt, DPXE_OPT_PARAM_REQUEST, q->prl, q->prl_len);
	if (q->vc) {
		dpxe_store_be16(v, q->arch);
		tpkt_opt(&pkt, DPXE_OPT_CLIENT_ARCH, v, 2);
		tpkt_opt(&pkt, DPXE_OPT_CLIENT_UUID, uuid, sizeof(uuid));
		snprintf(vc, sizeof(vc), "%s:Arch:%05u:UNDI:003016", q->vc,
			 q->arch);
		tpkt_opt_str(&pkt, DPXE_OPT_VENDOR_CLASS, vc);
	}
	if (q->ipxe)
		tpkt_opt_str(&pkt, DPXE_OPT_USER_CLASS, "iPXE");
	if (q->o82)
		tpkt_opt(&pkt, DPXE_OPT_RELAY_AGENT_INFO, q->o82, q->o82_len);
	tpkt_end(&pkt);
	assert_int_equal(dpxe_dhcp_parse(pkt.buf, pkt.len, &req), DPXE_DROP_OK);
}

/* Answer req on the given shard; check the canary and parse the reply
 * back. Nothing past cap is ever written; nothing past what the reply used
 * (everything, for no reply) either, except by a NAK (the ACK refused by
 * the lease store was built first) or a failed call. */
static enum dpxe_drop_reason
answer_on(unsigned int shard, uint16_t port, size_t cap)
{
	enum dpxe_drop_reason r;
	size_t used;

	memset(out, 0xa5, sizeof(out));
	memset(&res, 0x5a, sizeof(res));
	r = dpxe_dhcp_server_reply(&sc.t.cfg, shards[shard], &srv, &req, port,
				   now, WALL, out, cap, &res);
	used = r == DPXE_DROP_OK && res.reply_type != DPXE_DHCPNAK ? res.len :
								     cap;
	for (size_t i = used; i < sizeof(out); i++)
		if (out[i] != 0xa5)
			fail_msg("byte %zu written (cap %zu, reply %zu)", i,
				 cap, res.len);
	if (r != DPXE_DROP_OK) {
		assert_int_equal(res.reply_type, 0);
		assert_false(res.journal);
		return r;
	}
	assert_true(res.len <= cap);
	assert_true(res.reply_type != 0 || res.journal);
	if (res.reply_type == 0) {
		assert_int_equal(res.len, 0);
		return r;
	}
	assert_true(res.len >= DPXE_BOOTP_MIN_LEN);
	assert_true(res.len <= dpxe_dhcp_reply_limit(&req));
	out[DPXE_BOOTP_OP] = DPXE_BOOTP_REQUEST;
	assert_int_equal(dpxe_dhcp_parse(out, res.len, &back), DPXE_DROP_OK);
	out[DPXE_BOOTP_OP] = DPXE_BOOTP_REPLY;
	assert_int_equal(back.msg_type, res.reply_type);
	assert_int_equal(back.yiaddr, res.yiaddr);
	return r;
}

/* Build q and answer it as the dataplane would: on the client's shard. */
static enum dpxe_drop_reason
ask_cap(const struct rq *q, uint16_t port, size_t cap)
{
	make(q);
	return answer_on(owner_of(q->client), port, cap);
}

static enum dpxe_drop_reason
ask(const struct rq *q)
{
	return ask_cap(q, DPXE_DHCP_SERVER_PORT, CAP);
}

/* ---- checking replies ---- */

static uint32_t
opt_u32(uint8_t code)
{
	uint16_t l;
	const uint8_t *v = dpxe_dhcp_get(&back, code, &l);

	assert_non_null(v);
	assert_int_equal(l, 4);
	return dpxe_load_be32(v);
}

static void
assert_opt_str(uint8_t code, const char *want)
{
	uint16_t l;
	const uint8_t *v = dpxe_dhcp_get(&back, code, &l);

	if (!want) {
		assert_null(v);
		return;
	}
	assert_non_null(v);
	assert_int_equal(l, strlen(want));
	assert_memory_equal(v, want, l);
}

static void
assert_field(size_t off, size_t flen, const char *want)
{
	uint8_t f[DPXE_BOOTP_FILE_LEN] = { 0 };

	if (want)
		memcpy(f, want, strlen(want));
	assert_memory_equal(out + off, f, flen);
}

/* Codes of the reply's options in order, END excluded. */
static size_t
option_codes(uint8_t *codes, size_t max)
{
	size_t i = DPXE_DHCP_OPTIONS_OFF, n = 0;

	while (i < res.len && out[i] != DPXE_OPT_END) {
		assert_true(n < max);
		codes[n++] = out[i];
		i += 2 + (size_t)out[i + 1];
	}
	assert_true(i < res.len); /* END present */
	for (i++; i < res.len; i++)
		assert_int_equal(out[i], 0); /* padding */
	return n;
}

/* What every reply copies from the request (RFC 2131 Table 3). */
static void
assert_copied(uint32_t ciaddr)
{
	assert_int_equal(out[DPXE_BOOTP_OP], DPXE_BOOTP_REPLY);
	assert_int_equal(out[DPXE_BOOTP_HTYPE], DPXE_HTYPE_ETHER);
	assert_int_equal(out[DPXE_BOOTP_HLEN], 6);
	assert_int_equal(out[DPXE_BOOTP_HOPS], 0);
	assert_memory_equal(out + DPXE_BOOTP_XID, pkt.buf + DPXE_BOOTP_XID, 4);
	assert_int_equal(dpxe_load_be16(out + DPXE_BOOTP_SECS), 0);
	assert_memory_equal(out + DPXE_BOOTP_GIADDR,
			    pkt.buf + DPXE_BOOTP_GIADDR, 4);
	assert_memory_equal(out + DPXE_BOOTP_CHADDR,
			    pkt.buf + DPXE_BOOTP_CHADDR, DPXE_BOOTP_CHADDR_LEN);
	assert_int_equal(dpxe_load_be32(out + DPXE_BOOTP_CIADDR), ciaddr);
	assert_int_equal(dpxe_load_be32(out + DPXE_BOOTP_COOKIE),
			 DPXE_DHCP_MAGIC_COOKIE);
	assert_int_equal(back.server_id, srv.ip);
	assert_int_equal(back.opt_len[DPXE_OPT_SERVER_ID], 4);
}

/* An address reply (OFFER, ACK) on subnet s: lease times and address
 * options; no boot information. */
static void
assert_address_reply(uint8_t type, uint32_t yiaddr, uint32_t ciaddr,
		     unsigned int s)
{
	const struct dpxe_config_subnet *sn = &sc.subnets[s];
	uint16_t l;
	const uint8_t *v;

	assert_int_equal(res.reply_type, type);
	assert_int_equal(dpxe_load_be32(out + DPXE_BOOTP_YIADDR), yiaddr);
	assert_int_equal(res.yiaddr, htonl_test(yiaddr));
	assert_memory_equal(out + DPXE_BOOTP_FLAGS, pkt.buf + DPXE_BOOTP_FLAGS,
			    2);
	assert_copied(ciaddr);
	assert_int_equal(opt_u32(DPXE_OPT_LEASE_TIME), sn->lease_time);
	assert_int_equal(opt_u32(DPXE_OPT_RENEWAL_TIME), sn->renew_time);
	assert_int_equal(opt_u32(DPXE_OPT_REBINDING_TIME), sn->rebind_time);
	assert_true(sn->renew_time < sn->rebind_time &&
		    sn->rebind_time < sn->lease_time);
	assert_int_equal(opt_u32(DPXE_OPT_SUBNET_MASK), sn->net.mask);
	if (sn->router)
		assert_int_equal(opt_u32(DPXE_OPT_ROUTER), sn->router);
	else
		assert_false(dpxe_dhcp_has(&back, DPXE_OPT_ROUTER));
	v = dpxe_dhcp_get(&back, DPXE_OPT_DNS, &l);
	if (sn->dns_count) {
		assert_non_null(v);
		assert_int_equal(l, 4 * sn->dns_count);
		for (uint32_t i = 0; i < sn->dns_count; i++)
			assert_int_equal(dpxe_load_be32(v + 4 * i),
					 sn->dns[i]);
	} else {
		assert_null(v);
	}
	assert_opt_str(DPXE_OPT_DOMAIN_NAME, sn->domain);
	assert_false(dpxe_dhcp_has(&back, DPXE_OPT_MESSAGE));
}

static void
assert_no_boot_info(void)
{
	assert_int_equal(dpxe_load_be32(out + DPXE_BOOTP_SIADDR), 0);
	assert_field(DPXE_BOOTP_SNAME, DPXE_BOOTP_SNAME_LEN, NULL);
	assert_field(DPXE_BOOTP_FILE, DPXE_BOOTP_FILE_LEN, NULL);
	assert_false(dpxe_dhcp_has(&back, DPXE_OPT_VENDOR_CLASS));
	assert_false(dpxe_dhcp_has(&back, DPXE_OPT_VENDOR));
	assert_false(dpxe_dhcp_has(&back, DPXE_OPT_CLIENT_UUID));
}

/* A NAK: 53, 54, 56 (and 82 through a relay), nothing else. */
static void
assert_nak(void)
{
	uint8_t codes[8];
	size_t n;

	assert_int_equal(res.reply_type, DPXE_DHCPNAK);
	assert_int_equal(res.yiaddr, 0);
	assert_false(res.journal);
	assert_true(res.lease_status < 0);
	assert_copied(0);
	assert_int_equal(dpxe_load_be32(out + DPXE_BOOTP_YIADDR), 0);
	assert_int_equal(dpxe_load_be32(out + DPXE_BOOTP_SIADDR), 0);
	assert_field(DPXE_BOOTP_SNAME, DPXE_BOOTP_SNAME_LEN, NULL);
	assert_field(DPXE_BOOTP_FILE, DPXE_BOOTP_FILE_LEN, NULL);
	/* RFC 2131 §4.1: through a relay, with the broadcast bit */
	assert_int_equal(dpxe_load_be16(out + DPXE_BOOTP_FLAGS),
			 req.giaddr ? DPXE_BOOTP_FLAG_BROADCAST : req.flags);
	n = option_codes(codes, 8);
	assert_true(n == 3 || (n == 4 && req.giaddr));
	assert_int_equal(codes[0], DPXE_OPT_MSG_TYPE);
	assert_int_equal(codes[1], DPXE_OPT_SERVER_ID);
	assert_int_equal(codes[2], DPXE_OPT_MESSAGE);
	assert_true(back.opt_len[DPXE_OPT_MESSAGE] > 0);
	if (n == 4)
		assert_int_equal(codes[3], DPXE_OPT_RELAY_AGENT_INFO);
}

/* The journal record of the last call. */
static void
assert_record(uint8_t type, unsigned int client, uint32_t ip,
	      int64_t mono_expiry, uint32_t net, uint8_t prefix)
{
	uint8_t mac[6];

	mac_of(client, mac);
	assert_true(res.journal);
	assert_int_equal(res.rec.type, type);
	assert_memory_equal(res.rec.mac, mac, 6);
	assert_int_equal(res.rec.ip, htonl_test(ip));
	assert_int_equal(res.rec.subnet, htonl_test(net));
	assert_int_equal(res.rec.prefix, prefix);
	assert_int_equal(res.rec.expiry, mono_expiry + WALL);
}

static const struct dpxe_lease *
lease_of(unsigned int client)
{
	uint8_t mac[6];

	mac_of(client, mac);
	return dpxe_lease_shard_lookup(shards[owner_of(client)], mac);
}

static bool
in_pool_a(uint32_t ip)
{
	return ip >= POOL_A_LO && ip <= POOL_A_HI;
}

/* DISCOVER then REQUEST (selecting) from client on network A; the
 * address it was given. */
static uint32_t
dora(unsigned int client)
{
	struct rq d = { .type = DPXE_DHCPDISCOVER, .client = client };
	struct rq r = { .type = DPXE_DHCPREQUEST, .client = client,
			.server = SRV_IP };
	uint32_t ip;

	assert_int_equal(ask(&d), DPXE_DROP_OK);
	assert_int_equal(res.reply_type, DPXE_DHCPOFFER);
	ip = dpxe_load_be32(out + DPXE_BOOTP_YIADDR);
	r.want = ip;
	assert_int_equal(ask(&r), DPXE_DROP_OK);
	assert_int_equal(res.reply_type, DPXE_DHCPACK);
	assert_int_equal(dpxe_load_be32(out + DPXE_BOOTP_YIADDR), ip);
	return ip;
}

/* ---- DORA ---- */

static void
test_dora(void **state)
{
	static const uint8_t prl[] = { 1, 3, 6, 15, 51, 54 };
	struct rq d = { .type = DPXE_DHCPDISCOVER, .client = 1,
			.broadcast = true, .prl = prl, .prl_len = sizeof(prl) };
	struct rq r = d;
	const struct dpxe_lease *l;
	uint8_t codes[16];
	static const uint8_t want[] = { 53, 54, 51, 58, 59, 1, 3, 6, 15 };
	uint32_t ip;

	(void)state;
	assert_int_equal(ask(&d), DPXE_DROP_OK);
	ip = dpxe_load_be32(out + DPXE_BOOTP_YIADDR);
	assert_true(in_pool_a(ip));
	/* the address lies in the answering shard's slice */
	assert_int_equal((ip - POOL_A_LO) % NS, owner_of(1));
	assert_address_reply(DPXE_DHCPOFFER, ip, 0, 0);
	assert_no_boot_info();
	assert_false(dpxe_dhcp_has(&back, DPXE_OPT_HOSTNAME));
	assert_false(dpxe_dhcp_has(&back, DPXE_OPT_RELAY_AGENT_INFO));
	assert_int_equal(option_codes(codes, 16), sizeof(want));
	assert_memory_equal(codes, want, sizeof(want));
	assert_false(res.journal); /* an offer is not journaled */
	assert_int_equal(res.lease_status, 0);
	l = lease_of(1);
	assert_non_null(l);
	assert_int_equal(l->state, DPXE_LEASE_OFFERED);

	r.type = DPXE_DHCPREQUEST;
	r.server = SRV_IP;
	r.want = ip;
	now += 2;
	assert_int_equal(ask(&r), DPXE_DROP_OK);
	assert_address_reply(DPXE_DHCPACK, ip, 0, 0);
	assert_no_boot_info();
	assert_record(DPXE_LEASE_REC_BIND, 1, ip, now + 3600, NET_A, 24);
	l = lease_of(1);
	assert_int_equal(l->state, DPXE_LEASE_BOUND);
	assert_int_equal(l->expiry, now + 3600);

	/* a ROM that names its address in ciaddr instead of option 50 */
	r.want = 0;
	r.ciaddr = ip;
	assert_int_equal(ask(&r), DPXE_DROP_OK);
	assert_address_reply(DPXE_DHCPACK, ip, ip, 0);
	assert_record(DPXE_LEASE_REC_BIND, 1, ip, now + 3600, NET_A, 24);

	/* a DISCOVER from a bound client offers its binding again */
	assert_int_equal(ask(&d), DPXE_DROP_OK);
	assert_address_reply(DPXE_DHCPOFFER, ip, 0, 0);
	assert_int_equal(lease_of(1)->state, DPXE_LEASE_BOUND);
}

/* Option 55 ranks the address options; the rest follow in our order. */
static void
test_prl_order(void **state)
{
	static const uint8_t prl[] = { 15, 6, 28, 3, 1 };
	struct rq d = { .type = DPXE_DHCPDISCOVER, .client = 2,
			.prl = prl, .prl_len = sizeof(prl) };
	uint8_t codes[16];
	static const uint8_t want[] = { 53, 54, 51, 58, 59, 15, 6, 28, 3, 1 };

	(void)state;
	assert_int_equal(ask(&d), DPXE_DROP_OK);
	assert_int_equal(option_codes(codes, 16), sizeof(want));
	assert_memory_equal(codes, want, sizeof(want));
	/* 28 only when asked for: the subnet's broadcast address */
	assert_int_equal(opt_u32(DPXE_OPT_BROADCAST), NET_A | 0xff);
}

/* The option 50 a DISCOVER asks for, when it is free and in the slice. */
static void
test_discover_requested_ip(void **state)
{
	unsigned int c = 3;
	uint32_t want = POOL_A_LO + 40 + owner_of(c); /* in c's slice */
	struct rq d = { .type = DPXE_DHCPDISCOVER, .client = c, .want = want };

	(void)state;
	assert_int_equal((want - POOL_A_LO) % NS, owner_of(c));
	assert_int_equal(ask(&d), DPXE_DROP_OK);
	assert_address_reply(DPXE_DHCPOFFER, want, 0, 0);
}

/* ---- the four REQUEST states ---- */

static void
test_request_states(void **state)
{
	unsigned int c = 4;
	struct rq r = { .type = DPXE_DHCPREQUEST, .client = c };
	uint32_t ip;

	(void)state;
	ip = dora(c); /* SELECTING */
	assert_record(DPXE_LEASE_REC_BIND, c, ip, now + 3600, NET_A, 24);

	/* INIT-REBOOT: option 50, no 54, ciaddr 0 */
	now += 100;
	r.want = ip;
	r.broadcast = true;
	assert_int_equal(ask(&r), DPXE_DROP_OK);
	assert_address_reply(DPXE_DHCPACK, ip, 0, 0);
	assert_record(DPXE_LEASE_REC_BIND, c, ip, now + 3600, NET_A, 24);

	/* RENEWING: unicast, ciaddr, no 50 or 54; the ACK keeps ciaddr */
	now += 1800;
	r.want = 0;
	r.broadcast = false;
	r.ciaddr = ip;
	assert_int_equal(ask(&r), DPXE_DROP_OK);
	assert_address_reply(DPXE_DHCPACK, ip, ip, 0);
	assert_record(DPXE_LEASE_REC_BIND, c, ip, now + 3600, NET_A, 24);
	assert_int_equal(lease_of(c)->expiry, now + 3600);

	/* REBINDING: the same, broadcast */
	now += 1400;
	r.broadcast = true;
	assert_int_equal(ask(&r), DPXE_DROP_OK);
	assert_address_reply(DPXE_DHCPACK, ip, ip, 0);
	assert_record(DPXE_LEASE_REC_BIND, c, ip, now + 3600, NET_A, 24);
}

/* A renewal unicast from a relayed network arrives without giaddr: the
 * client's address says which network it is on. */
static void
test_renew_from_relayed_network(void **state)
{
	unsigned int c = 5;
	struct rq d = { .type = DPXE_DHCPDISCOVER, .client = c,
			.giaddr = RELAY_B };
	struct rq r = { .type = DPXE_DHCPREQUEST, .client = c,
			.giaddr = RELAY_B, .server = SRV_IP };
	uint32_t ip;

	(void)state;
	assert_int_equal(ask(&d), DPXE_DROP_OK);
	ip = dpxe_load_be32(out + DPXE_BOOTP_YIADDR);
	assert_true(ip >= POOL_B_LO && ip <= POOL_B_HI);
	r.want = ip;
	assert_int_equal(ask(&r), DPXE_DROP_OK);
	assert_address_reply(DPXE_DHCPACK, ip, 0, 1);
	assert_record(DPXE_LEASE_REC_BIND, c, ip, now + 600,
		      RELAY_B & 0xffffff00, 24);

	r.giaddr = 0;
	r.server = 0;
	r.want = 0;
	r.ciaddr = ip;
	now += 300;
	assert_int_equal(ask(&r), DPXE_DROP_OK);
	assert_address_reply(DPXE_DHCPACK, ip, ip, 1);
	assert_record(DPXE_LEASE_REC_BIND, c, ip, now + 600,
		      RELAY_B & 0xffffff00, 24);
}

/* ---- NAKs ---- */

struct nak_case {
	const char *name;
	int status; /* res.lease_status */
};

static void
test_nak_wrong_ip(void **state)
{
	unsigned int c = 6;
	struct rq r = { .type = DPXE_DHCPREQUEST, .client = c };
	uint32_t ip, other;

	(void)state;
	ip = dora(c);
	other = ip + NS; /* free, and in the same slice */
	assert_true(in_pool_a(other));

	/* INIT-REBOOT with an address that is not the client's lease */
	r.want = other;
	assert_int_equal(ask(&r), DPXE_DROP_OK);
	assert_nak();
	assert_int_equal(res.lease_status, DPXE_LEASE_WRONG_IP);
	assert_int_equal(lease_of(c)->ip, htonl_test(ip)); /* unchanged */

	/* SELECTING an address other than the one offered */
	r.server = SRV_IP;
	assert_int_equal(ask(&r), DPXE_DROP_OK);
	assert_nak();
	assert_int_equal(res.lease_status, DPXE_LEASE_WRONG_IP);

	/* RENEWING an address that is not its lease */
	r.server = 0;
	r.want = 0;
	r.ciaddr = other;
	assert_int_equal(ask(&r), DPXE_DROP_OK);
	assert_nak();
	assert_int_equal(dpxe_load_be32(out + DPXE_BOOTP_CIADDR), 0);
}

/* A client that moved: its address is on another network than the one it
 * asks from. */
static void
test_nak_other_subnet(void **state)
{
	unsigned int c = 7;
	struct rq r = { .type = DPXE_DHCPREQUEST, .client = c,
			.want = POOL_B_LO + owner_of(7) };

	(void)state;
	/* direct: the port's network is A */
	assert_int_equal(ask(&r), DPXE_DROP_OK);
	assert_nak();
	assert_int_equal(res.lease_status, DPXE_LEASE_BAD_SUBNET);
	/* through relay B with an address of A: NAK to the relay, with the
	 * broadcast bit and option 82 */
	r.want = POOL_A_LO + owner_of(7);
	r.giaddr = RELAY_B;
	r.o82 = opt82;
	r.o82_len = sizeof(opt82);
	assert_int_equal(ask(&r), DPXE_DROP_OK);
	assert_nak();
	assert_int_equal(back.opt_len[DPXE_OPT_RELAY_AGENT_INFO],
			 sizeof(opt82));
	/* nothing was bound */
	assert_null(lease_of(c));
}

/* An address bound to another client of the same shard. */
static void
test_nak_address_taken(void **state)
{
	unsigned int a = client_on(0, 10), b = client_on(0, a + 1);
	struct rq r = { .type = DPXE_DHCPREQUEST, .client = b };
	uint32_t ip;

	(void)state;
	ip = dora(a);
	r.want = ip;
	assert_int_equal(ask(&r), DPXE_DROP_OK);
	assert_nak();
	assert_int_equal(res.lease_status, DPXE_LEASE_ADDR_TAKEN);
	/* an address of the network outside every pool */
	r.want = NET_A | 0x20;
	assert_int_equal(ask(&r), DPXE_DROP_OK);
	assert_nak();
	assert_int_equal(res.lease_status, DPXE_LEASE_NOT_IN_POOL);
	assert_int_equal(lease_of(a)->state, DPXE_LEASE_BOUND);
}

/* ---- silence ---- */

static void
test_selecting_other_server(void **state)
{
	unsigned int c = 11;
	struct rq d = { .type = DPXE_DHCPDISCOVER, .client = c };
	struct rq r = { .type = DPXE_DHCPREQUEST, .client = c,
			.server = OTHER_IP };
	uint32_t ip;
	uint64_t free_before;

	(void)state;
	free_before = dpxe_lease_shard_free_count(shards[owner_of(c)], 0);
	assert_int_equal(ask(&d), DPXE_DROP_OK);
	ip = dpxe_load_be32(out + DPXE_BOOTP_YIADDR);
	assert_int_equal(dpxe_lease_shard_free_count(shards[owner_of(c)], 0),
			 free_before - 1);
	r.want = ip;
	assert_int_equal(ask(&r), DPXE_DROP_NOT_FOR_US);
	/* the offer is given back, and nothing is journaled */
	assert_int_equal(lease_of(c)->state, DPXE_LEASE_RELEASED);
	assert_false(dpxe_lease_shard_ip_used(shards[owner_of(c)],
					      htonl_test(ip)));
	assert_int_equal(dpxe_lease_shard_free_count(shards[owner_of(c)], 0),
			 free_before);
}

/* Requests that get no answer, and why (table-driven). */
static void
test_silence(void **state)
{
	unsigned int c = 12;
	/* an address of A's pool in the other shard's slice */
	uint32_t foreign = POOL_A_LO + 20 + (owner_of(c) + 1) % NS;
	uint32_t own = POOL_A_LO + 20 + owner_of(c);
	const struct {
		const char *name;
		struct rq q;
		enum dpxe_drop_reason want;
		int status;
	} cases[] = {
		/* RFC 2131 §4.3.2: no record of the client, silence,
		 * whichever shard's slice the address is in */
		{ "init-reboot, no record, another shard's address",
		  { .type = DPXE_DHCPREQUEST, .client = c, .want = foreign },
		  DPXE_DROP_LEASE_UNKNOWN, DPXE_LEASE_NO_LEASE },
		{ "init-reboot, no record, a free address of its own slice",
		  { .type = DPXE_DHCPREQUEST, .client = c, .want = own },
		  DPXE_DROP_LEASE_UNKNOWN, DPXE_LEASE_NO_LEASE },
		{ "renewing, no record, another shard's address",
		  { .type = DPXE_DHCPREQUEST, .client = c, .ciaddr = foreign },
		  DPXE_DROP_LEASE_UNKNOWN, DPXE_LEASE_NO_LEASE },
		{ "rebinding, no record, a free address of its own slice",
		  { .type = DPXE_DHCPREQUEST, .client = c, .ciaddr = own,
		    .broadcast = true },
		  DPXE_DROP_LEASE_UNKNOWN, DPXE_LEASE_NO_LEASE },
		{ "plain BOOTP", { .type = 0, .client = c },
		  DPXE_DROP_MESSAGE_TYPE_IGNORED, 0 },
		{ "an OFFER is not a request",
		  { .type = DPXE_DHCPOFFER, .client = c },
		  DPXE_DROP_MESSAGE_TYPE_IGNORED, 0 },
		{ "relay on no configured network",
		  { .type = DPXE_DHCPDISCOVER, .client = c,
		    .giaddr = 0xc6336401 },
		  DPXE_DROP_NO_SUBNET, 0 },
		{ "renewing an address of no network",
		  { .type = DPXE_DHCPREQUEST, .client = c,
		    .ciaddr = 0xc6336405 },
		  DPXE_DROP_NO_SUBNET, 0 },
		{ "REQUEST naming no address",
		  { .type = DPXE_DHCPREQUEST, .client = c },
		  DPXE_DROP_REQUEST_NO_ADDRESS, 0 },
		{ "selecting without option 50",
		  { .type = DPXE_DHCPREQUEST, .client = c, .server = SRV_IP },
		  DPXE_DROP_REQUEST_NO_ADDRESS, 0 },
		{ "DECLINE for another server",
		  { .type = DPXE_DHCPDECLINE, .client = c,
		    .want = POOL_A_LO, .server = OTHER_IP },
		  DPXE_DROP_NOT_FOR_US, 0 },
		{ "DECLINE naming no server",
		  { .type = DPXE_DHCPDECLINE, .client = c,
		    .want = POOL_A_LO },
		  DPXE_DROP_NOT_FOR_US, 0 },
		{ "RELEASE for another server",
		  { .type = DPXE_DHCPRELEASE, .client = c,
		    .ciaddr = POOL_A_LO, .server = OTHER_IP },
		  DPXE_DROP_NOT_FOR_US, 0 },
		{ "RELEASE of no lease",
		  { .type = DPXE_DHCPRELEASE, .client = c,
		    .ciaddr = POOL_A_LO, .server = SRV_IP },
		  DPXE_DROP_LEASE_UNKNOWN, DPXE_LEASE_NO_LEASE },
		{ "DECLINE of no lease",
		  { .type = DPXE_DHCPDECLINE, .client = c,
		    .want = POOL_A_LO, .server = SRV_IP },
		  DPXE_DROP_LEASE_UNKNOWN, DPXE_LEASE_NO_LEASE },
		{ "RELEASE without ciaddr",
		  { .type = DPXE_DHCPRELEASE, .client = c },
		  DPXE_DROP_REQUEST_NO_ADDRESS, 0 },
	};

	(void)state;
	assert_int_equal(dpxe_lease_shard_slice_of(shards[0],
						   htonl_test(foreign)),
			 (int)((owner_of(c) + 1) % NS));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum dpxe_drop_reason r = ask(&cases[i].q);

		if (r != cases[i].want || res.lease_status != cases[i].status)
			fail_msg("%s: %s (lease %d), want %s (lease %d)",
				 cases[i].name, dpxe_drop_reason_name(r),
				 res.lease_status,
				 dpxe_drop_reason_name(cases[i].want),
				 cases[i].status);
	}
	/* none of them left a lease behind */
	assert_null(lease_of(c));
}

/* A port whose own address lies in no configured subnet answers only
 * relayed requests. */
static void
test_no_subnet_for_port(void **state)
{
	struct rq d = { .type = DPXE_DHCPDISCOVER, .client = 13 };

	(void)state;
	srv.ip = htonl_test(0xc6336401);
	assert_int_equal(ask(&d), DPXE_DROP_NO_SUBNET);
	d.giaddr = RELAY_B;
	assert_int_equal(ask(&d), DPXE_DROP_OK);
	assert_int_equal(res.reply_type, DPXE_DHCPOFFER);
	assert_int_equal(back.server_id, htonl_test(0xc6336401));
	srv.ip = htonl_test(SRV_IP);
}

/* A client answered by a shard that does not own it (no spreading). */
static void
test_not_owner(void **state)
{
	unsigned int c = 14;
	struct rq d = { .type = DPXE_DHCPDISCOVER, .client = c };

	(void)state;
	make(&d);
	assert_int_equal(answer_on((owner_of(c) + 1) % NS,
				   DPXE_DHCP_SERVER_PORT, CAP),
			 DPXE_DROP_LEASE_NOT_OWNER);
	assert_int_equal(res.lease_status, DPXE_LEASE_NOT_OWNER);
}

/* ---- DECLINE, RELEASE ---- */

static void
test_decline(void **state)
{
	unsigned int c = client_on(1, 20);
	struct rq dec = { .type = DPXE_DHCPDECLINE, .client = c,
			  .server = SRV_IP };
	struct rq d = { .type = DPXE_DHCPDISCOVER, .client = c };
	uint32_t ip;

	(void)state;
	ip = dora(c);
	dec.want = ip;
	now += 5;
	assert_int_equal(ask(&dec), DPXE_DROP_OK);
	assert_int_equal(res.reply_type, 0);
	assert_int_equal(res.len, 0);
	assert_record(DPXE_LEASE_REC_DECLINE, c, ip,
		      now + dpxe_lease_shard_params(shards[1])->decline_time,
		      NET_A, 24);
	assert_int_equal(lease_of(c)->state, DPXE_LEASE_DECLINED);
	/* quarantined: not offered again, not even when asked for */
	assert_true(dpxe_lease_shard_ip_used(shards[1], htonl_test(ip)));
	d.want = ip;
	assert_int_equal(ask(&d), DPXE_DROP_OK);
	assert_int_equal(res.reply_type, DPXE_DHCPOFFER);
	assert_true(in_pool_a(dpxe_load_be32(out + DPXE_BOOTP_YIADDR)));
	assert_int_not_equal(dpxe_load_be32(out + DPXE_BOOTP_YIADDR), ip);
	/* nor to another client of the shard */
	d.client = client_on(1, c + 1);
	d.want = ip;
	assert_int_equal(ask(&d), DPXE_DROP_OK);
	assert_int_not_equal(dpxe_load_be32(out + DPXE_BOOTP_YIADDR), ip);
}

static void
test_release_then_reuse(void **state)
{
	unsigned int c = client_on(0, 30);
	struct rq rel = { .type = DPXE_DHCPRELEASE, .client = c,
			  .server = SRV_IP };
	struct rq d = { .type = DPXE_DHCPDISCOVER, .client = c };
	uint32_t ip, ip2;

	(void)state;
	ip = dora(c);
	rel.ciaddr = ip;
	now += 7;
	assert_int_equal(ask(&rel), DPXE_DROP_OK);
	assert_int_equal(res.reply_type, 0);
	assert_record(DPXE_LEASE_REC_RELEASE, c, ip, now, NET_A, 24);
	assert_int_equal(lease_of(c)->state, DPXE_LEASE_RELEASED);
	assert_false(dpxe_lease_shard_ip_used(shards[0], htonl_test(ip)));
	/* the same client gets its old address back */
	assert_int_equal(ask(&d), DPXE_DROP_OK);
	assert_address_reply(DPXE_DHCPOFFER, ip, 0, 0);

	/* a RELEASE without option 54 is accepted too */
	ip2 = dora(c);
	assert_int_equal(ip2, ip);
	rel.server = 0;
	assert_int_equal(ask(&rel), DPXE_DROP_OK);
	assert_record(DPXE_LEASE_REC_RELEASE, c, ip, now, NET_A, 24);
	/* releasing again: no lease any more */
	assert_int_equal(ask(&rel), DPXE_DROP_LEASE_UNKNOWN);
	assert_int_equal(res.lease_status, DPXE_LEASE_NO_LEASE);
}

/* ---- INFORM ---- */

static void
test_inform(void **state)
{
	struct rq q = { .type = DPXE_DHCPINFORM, .client = 40,
			.ciaddr = NET_A | 0x21 };
	uint8_t codes[16];
	static const uint8_t want[] = { 53, 54, 1, 3, 6, 15 };

	(void)state;
	assert_int_equal(ask(&q), DPXE_DROP_OK);
	assert_int_equal(res.reply_type, DPXE_DHCPACK);
	assert_int_equal(res.yiaddr, 0);
	assert_false(res.journal);
	assert_copied(NET_A | 0x21);
	assert_int_equal(dpxe_load_be32(out + DPXE_BOOTP_YIADDR), 0);
	assert_no_boot_info();
	assert_int_equal(option_codes(codes, 16), sizeof(want));
	assert_memory_equal(codes, want, sizeof(want));
	assert_int_equal(opt_u32(DPXE_OPT_SUBNET_MASK), 0xffffff00);
	assert_null(lease_of(40));

	/* the client's own network, unicast from behind a router */
	q.ciaddr = RELAY_B + 50;
	assert_int_equal(ask(&q), DPXE_DROP_OK);
	assert_int_equal(opt_u32(DPXE_OPT_ROUTER), RELAY_B);
	assert_false(dpxe_dhcp_has(&back, DPXE_OPT_LEASE_TIME));

	/* a PXE client's INFORM gets its boot information */
	q.ciaddr = NET_A | 0x21;
	q.vc = "PXEClient";
	q.arch = 0;
	assert_int_equal(ask(&q), DPXE_DROP_OK);
	assert_field(DPXE_BOOTP_FILE, DPXE_BOOTP_FILE_LEN, "undionly.kpxe");
	assert_opt_str(DPXE_OPT_VENDOR_CLASS, "PXEClient");
	assert_false(dpxe_dhcp_has(&back, DPXE_OPT_RENEWAL_TIME));
}

/* ---- relays ---- */

static void
test_relay(void **state)
{
	struct rq d = { .type = DPXE_DHCPDISCOVER, .client = 41,
			.giaddr = RELAY_B, .o82 = opt82,
			.o82_len = sizeof(opt82) };
	uint8_t codes[16];
	size_t n;
	uint32_t ip;

	(void)state;
	assert_int_equal(ask(&d), DPXE_DROP_OK);
	ip = dpxe_load_be32(out + DPXE_BOOTP_YIADDR);
	assert_true(ip >= POOL_B_LO && ip <= POOL_B_HI);
	assert_address_reply(DPXE_DHCPOFFER, ip, 0, 1);
	assert_int_equal(dpxe_load_be32(out + DPXE_BOOTP_GIADDR), RELAY_B);
	/* 82 unchanged, last */
	n = option_codes(codes, 16);
	assert_int_equal(codes[n - 1], DPXE_OPT_RELAY_AGENT_INFO);
	assert_int_equal(back.opt_len[DPXE_OPT_RELAY_AGENT_INFO],
			 sizeof(opt82));
	assert_memory_equal(back.opt_val[DPXE_OPT_RELAY_AGENT_INFO], opt82,
			    sizeof(opt82));

	/* option 82 without giaddr (a snooping switch): not echoed */
	d.client = 42;
	d.giaddr = 0;
	assert_int_equal(ask(&d), DPXE_DROP_OK);
	assert_true(in_pool_a(dpxe_load_be32(out + DPXE_BOOTP_YIADDR)));
	assert_false(dpxe_dhcp_has(&back, DPXE_OPT_RELAY_AGENT_INFO));
}

/* ---- reservations ---- */

static void
test_reservation(void **state)
{
	struct rq d = { .type = DPXE_DHCPDISCOVER, .client = HOST_MAC,
			.want = POOL_A_LO };
	struct rq r = { .type = DPXE_DHCPREQUEST, .client = HOST_MAC,
			.server = SRV_IP, .want = HOST_IP };

	(void)state;
	assert_int_equal(ask(&d), DPXE_DROP_OK);
	assert_address_reply(DPXE_DHCPOFFER, HOST_IP, 0, 0);
	assert_opt_str(DPXE_OPT_HOSTNAME, "node01");
	assert_no_boot_info();
	assert_int_equal(ask(&r), DPXE_DROP_OK);
	assert_address_reply(DPXE_DHCPACK, HOST_IP, 0, 0);
	assert_opt_str(DPXE_OPT_HOSTNAME, "node01");
	assert_record(DPXE_LEASE_REC_BIND, HOST_MAC, HOST_IP, now + 3600,
		      NET_A, 24);
	/* a PXE ROM on the host gets the host's boot_file */
	d.vc = "PXEClient";
	d.arch = 0;
	assert_int_equal(ask(&d), DPXE_DROP_OK);
	assert_address_reply(DPXE_DHCPOFFER, HOST_IP, 0, 0);
	assert_field(DPXE_BOOTP_FILE, DPXE_BOOTP_FILE_LEN, "special.kpxe");
	/* no one else is offered the reserved address */
	d.client = 43;
	d.vc = NULL;
	d.want = HOST_IP;
	assert_int_equal(ask(&d), DPXE_DROP_OK);
	assert_int_not_equal(dpxe_load_be32(out + DPXE_BOOTP_YIADDR), HOST_IP);
}

/* ---- exhaustion across shards ---- */

static void
test_exhaustion(void **state)
{
	unsigned int clients[2 * NS + 2];
	uint32_t got[4];
	unsigned int n_got = 0, exhausted = 0, k = 0;

	(void)state;
	/* three clients per shard for a pool of two per shard */
	for (unsigned int s = 0; s < NS; s++) {
		unsigned int from = 100;

		for (unsigned int j = 0; j < 3; j++) {
			clients[k] = client_on(s, from);
			from = clients[k++] + 1;
		}
	}
	for (unsigned int i = 0; i < k; i++) {
		struct rq d = { .type = DPXE_DHCPDISCOVER, .client = clients[i],
				.giaddr = RELAY_C };
		struct rq r = { .type = DPXE_DHCPREQUEST, .client = clients[i],
				.giaddr = RELAY_C, .server = SRV_IP };
		enum dpxe_drop_reason rc = ask(&d);

		if (rc == DPXE_DROP_POOL_EXHAUSTED) {
			assert_int_equal(res.lease_status,
					 DPXE_LEASE_POOL_EXHAUSTED);
			exhausted++;
			continue;
		}
		assert_int_equal(rc, DPXE_DROP_OK);
		r.want = dpxe_load_be32(out + DPXE_BOOTP_YIADDR);
		assert_true(r.want >= POOL_C_LO && r.want <= POOL_C_HI);
		for (unsigned int j = 0; j < n_got; j++)
			assert_int_not_equal(got[j], r.want);
		assert_true(n_got < 4);
		got[n_got++] = r.want;
		assert_int_equal(ask(&r), DPXE_DROP_OK);
		assert_address_reply(DPXE_DHCPACK, r.want, 0, 2);
		assert_record(DPXE_LEASE_REC_BIND, clients[i], r.want,
			      now + 120, RELAY_C & 0xfffffff8, 29);
	}
	/* the whole pool, each address once; the third client of each
	 * shard is refused */
	assert_int_equal(n_got, 4);
	assert_int_equal(exhausted, NS);
	for (unsigned int s = 0; s < NS; s++)
		assert_int_equal(dpxe_lease_shard_free_count(shards[s], 2), 0);
}

/* ---- boot information ---- */

enum vendor43 { V_NONE, V_DIRECT, V_BOOT_SERVER };

static void
test_boot_info(void **state)
{
	const struct {
		const char *name;
		const char *vc;
		uint16_t arch;
		bool ipxe;
		const char *file;  /* file field; NULL: empty */
		uint32_t siaddr;   /* host order */
		const char *vc_echo; /* option 60 of the reply; NULL: none */
		enum vendor43 v43;
	} cases[] = {
		{ "BIOS PXE", "PXEClient", 0, false, "undionly.kpxe", SRV_IP,
		  "PXEClient", V_DIRECT },
		{ "UEFI x64", "PXEClient", 7, false, "ipxe.efi", TFTP_IP,
		  "PXEClient", V_DIRECT },
		{ "UEFI HTTP boot", "HTTPClient", 16, false,
		  "http://192.0.2.1/shim.efi", SRV_IP, "HTTPClient", V_NONE },
		{ "iPXE on BIOS", "PXEClient", 0, true,
		  "http://192.0.2.1/boot.ipxe", SRV_IP, "PXEClient", V_DIRECT },
		{ "iPXE on x64", "PXEClient", 7, true,
		  "http://192.0.2.1/x64.ipxe", TFTP_IP, "PXEClient", V_DIRECT },
		{ "iPXE without options 60 and 93", NULL, 0, true,
		  "http://192.0.2.1/any.ipxe", SRV_IP, NULL, V_NONE },
		{ "ARM64 via the boot server", "PXEClient", 11, false, NULL,
		  SRV_IP, "PXEClient", V_BOOT_SERVER },
		{ "PXE client no rule matches", "PXEClient", 9, false, NULL, 0,
		  NULL, V_NONE },
		{ "HTTP client without a URL", "HTTPClient", 11, false, NULL, 0,
		  NULL, V_NONE },
		{ "not a boot client", NULL, 0, false, NULL, 0, NULL, V_NONE },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t offered = 0;

		for (int step = 0; step < 2; step++) {
			struct rq q = { .type = DPXE_DHCPDISCOVER,
					.client = 200 + (unsigned int)i,
					.vc = cases[i].vc,
					.arch = cases[i].arch,
					.ipxe = cases[i].ipxe,
					.maxsz = 1260 };
			uint32_t ip;
			bool v;

			print_message("%s, %s\n", cases[i].name,
				      step ? "ACK" : "OFFER");
			if (step) {
				q.type = DPXE_DHCPREQUEST;
				q.server = SRV_IP;
				q.want = offered;
			}
			assert_int_equal(ask(&q), DPXE_DROP_OK);
			ip = dpxe_load_be32(out + DPXE_BOOTP_YIADDR);
			assert_true(in_pool_a(ip));
			if (step)
				assert_int_equal(ip, offered);
			offered = ip;
			assert_address_reply(step ? DPXE_DHCPACK :
						    DPXE_DHCPOFFER,
					     ip, 0, 0);
			assert_field(DPXE_BOOTP_FILE, DPXE_BOOTP_FILE_LEN,
				     cases[i].file);
			assert_int_equal(
				dpxe_load_be32(out + DPXE_BOOTP_SIADDR),
				cases[i].siaddr);
			assert_field(DPXE_BOOTP_SNAME, DPXE_BOOTP_SNAME_LEN,
				     cases[i].siaddr ? srv.name : NULL);
			assert_opt_str(DPXE_OPT_VENDOR_CLASS, cases[i].vc_echo);
			if (cases[i].vc_echo) {
				assert_int_equal(
					back.opt_len[DPXE_OPT_CLIENT_UUID], 17);
				assert_memory_equal(
					back.opt_val[DPXE_OPT_CLIENT_UUID],
					uuid, 17);
			} else {
				assert_false(dpxe_dhcp_has(
					&back, DPXE_OPT_CLIENT_UUID));
			}
			v = dpxe_dhcp_has(&back, DPXE_OPT_VENDOR);
			assert_int_equal(v, cases[i].v43 != V_NONE);
			if (!v)
				continue;
			assert_int_equal(
				dpxe_pxe_vendor_parse(
					back.opt_val[DPXE_OPT_VENDOR],
					back.opt_len[DPXE_OPT_VENDOR], &pxe),
				DPXE_DROP_OK);
			assert_true(pxe.has_discovery_control);
			assert_int_equal(pxe.discovery_control,
					 cases[i].v43 == V_DIRECT ?
						 DPXE_PXE_DISC_BOOTFILE_DIRECT :
						 0x07);
			if (cases[i].v43 == V_BOOT_SERVER) {
				assert_int_equal(pxe.boot_servers_len, 7);
				assert_int_equal(
					dpxe_load_be32(pxe.boot_servers + 3),
					SRV_IP);
			}
		}
	}
}

/* The boot server step (UDP 4011) is proxy mode's, and holds no lease. */
static void
test_port_4011(void **state)
{
	static const uint8_t v43[] = { DPXE_PXE_BOOT_ITEM, 4, 0x80, 0, 0, 0,
				       DPXE_OPT_END };
	struct rq q = { .type = DPXE_DHCPREQUEST, .client = 60,
			.ciaddr = NET_A | 0x70, .vc = "PXEClient",
			.arch = 11 };
	uint8_t proxy[CAP];
	size_t plen = 0;
	uint8_t ptype = 0;

	(void)state;
	make(&q);
	/* add the boot item the ROM asks for */
	pkt.len = DPXE_DHCP_OPTIONS_OFF;
	while (pkt.buf[pkt.len] != DPXE_OPT_END)
		pkt.len += 2 + (size_t)pkt.buf[pkt.len + 1];
	tpkt_opt(&pkt, DPXE_OPT_VENDOR, v43, sizeof(v43));
	tpkt_end(&pkt);
	assert_int_equal(dpxe_dhcp_parse(pkt.buf, pkt.len, &req), DPXE_DROP_OK);
	assert_int_equal(dpxe_proxy_reply(&sc.t.cfg, &srv, &req,
					  DPXE_PXE_BOOT_SERVER_PORT, proxy,
					  sizeof(proxy), &plen, &ptype),
			 DPXE_DROP_OK);
	assert_int_equal(answer_on(owner_of(60), DPXE_PXE_BOOT_SERVER_PORT,
				   CAP),
			 DPXE_DROP_OK);
	assert_int_equal(res.reply_type, DPXE_DHCPACK);
	assert_int_equal(res.len, plen);
	assert_memory_equal(out, proxy, plen);
	assert_false(res.journal);
	assert_int_equal(res.yiaddr, 0);
	assert_field(DPXE_BOOTP_FILE, DPXE_BOOTP_FILE_LEN, "arm64.efi");
	assert_null(lease_of(60));
	/* a DISCOVER there is not for the boot server */
	q.type = DPXE_DHCPDISCOVER;
	assert_int_equal(ask_cap(&q, DPXE_PXE_BOOT_SERVER_PORT, CAP),
			 DPXE_DROP_MESSAGE_TYPE_IGNORED);
	assert_int_equal(ask_cap(&q, 69, CAP), DPXE_DROP_MESSAGE_TYPE_IGNORED);
}

/* ---- size limits ---- */

static void
test_size_limits(void **state)
{
	uint8_t big82[250];
	struct rq q = { .type = DPXE_DHCPDISCOVER, .client = 70,
			.vc = "PXEClient", .arch = 11, .maxsz = 576 };

	(void)state;
	/* a boot-server OFFER fits the 576-byte minimum */
	assert_int_equal(ask(&q), DPXE_DROP_OK);
	assert_true(res.len <= 576 - 28);
	/* with a big relay option it cannot: dropped, never cut short */
	for (size_t i = 0; i < sizeof(big82); i += 2) {
		big82[i] = 1 + (uint8_t)(i % 2);
		big82[i + 1] = 0;
	}
	q.giaddr = RELAY_B;
	q.o82 = big82;
	q.o82_len = sizeof(big82);
	assert_int_equal(ask(&q), DPXE_DROP_REPLY_TOO_BIG);
	/* the client that takes more gets it all */
	q.maxsz = 1500;
	assert_int_equal(ask(&q), DPXE_DROP_OK);
	assert_true(res.len > 576 - 28);
	assert_true(res.len <= 1500 - 28);
	assert_int_equal(back.opt_len[DPXE_OPT_RELAY_AGENT_INFO],
			 sizeof(big82));
	/* the caller's buffer bounds it as well */
	assert_int_equal(ask_cap(&q, DPXE_DHCP_SERVER_PORT, 400),
			 DPXE_DROP_REPLY_TOO_BIG);
	assert_int_equal(ask_cap(&q, DPXE_DHCP_SERVER_PORT, 299),
			 DPXE_DROP_REPLY_TOO_BIG);
	/* a NAK is bounded too */
	q.type = DPXE_DHCPREQUEST;
	q.want = POOL_A_LO;
	assert_int_equal(ask_cap(&q, DPXE_DHCP_SERVER_PORT, 299),
			 DPXE_DROP_REPLY_TOO_BIG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_dora),
		T(test_prl_order),
		T(test_discover_requested_ip),
		T(test_request_states),
		T(test_renew_from_relayed_network),
		T(test_nak_wrong_ip),
		T(test_nak_other_subnet),
		T(test_nak_address_taken),
		T(test_selecting_other_server),
		T(test_silence),
		T(test_no_subnet_for_port),
		T(test_not_owner),
		T(test_decline),
		T(test_release_then_reuse),
		T(test_inform),
		T(test_relay),
		T(test_reservation),
		T(test_exhaustion),
		T(test_boot_info),
		T(test_port_4011),
		T(test_size_limits),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
