/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Full DHCP mode under the fuzzer: a configuration built in code (the
 * seed captures' network, a small relayed one, a reservation, boot rules of
 * every kind) and a lease shard of 2 made afresh for each input, so an
 * input's outcome does not depend on the inputs before it (a fuzzer's
 * reproducer must reproduce). Each request is answered as it came,
 * then again after the client's DISCOVER held an address, so the
 * REQUEST / DECLINE / RELEASE paths meet a lease and not only an empty
 * store; and once on the boot server port.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp/client_hash.h"
#include "dhcp_build.h"
#include "dhcp_server.h"
#include "fuzz_server.h"

#define N_SHARDS 2

static struct dpxe_config cfg;
static struct dpxe_config_boot_rule rules[5];
static uint16_t arch_bios[] = { 0 }, arch_x64[] = { 7 }, arch_arm[] = { 11 },
		arch_http[] = { 16 };
static struct dpxe_config_menu_item menu[] = {
	{ 0x8000, "Install" }, { 0, "Local disk" },
};
static struct dpxe_config_host hosts[1];
static struct dpxe_config_subnet subnets[2];
static struct dpxe_config_pool pools[2];
static struct dpxe_lease_shard_params params = {
	.capacity = 8, .quarantine_cap = 4, .outbox_cap = 4,
};
static struct dpxe_server_id srv = { .name = "dpxe-fuzz" };
static bool ready;

static struct dpxe_dhcp_msg back, as_discover;
static uint8_t reply[1600];

static void
rule(unsigned int i, const char *name, uint16_t *arch, const char *file,
     const char *url)
{
	rules[i].name = (char *)name;
	rules[i].boot_file = (char *)file;
	rules[i].url = (char *)url;
	rules[i].menu_timeout = 10;
	if (arch) {
		rules[i].match.arch = arch;
		rules[i].match.arch_count = 1;
		rules[i].match.given |= DPXE_CONFIG_MATCH_ARCH;
	}
}

static void
subnet(unsigned int i, uint32_t net, uint8_t prefix, uint32_t lo,
       uint32_t hi)
{
	subnets[i].net.prefix = prefix;
	subnets[i].net.mask = ~0u << (32 - prefix);
	subnets[i].net.addr = net;
	subnets[i].pools = &pools[i];
	subnets[i].pools_count = 1;
	pools[i].start = lo;
	pools[i].end = hi;
	subnets[i].lease_time = 600;
	subnets[i].renew_time = 300;
	subnets[i].rebind_time = 525;
}

static void
config_init(void)
{
	/* the qemu client of tests/data/clients */
	static const uint8_t host_mac[6] = { 0x52, 0x54, 0x00, 0xdc, 0x00,
					     0x10 };

	rule(0, "bios", arch_bios, "undionly.kpxe",
	     "http://192.0.2.1/boot.ipxe");
	rule(1, "x64", arch_x64, "ipxe.efi", NULL);
	rules[1].tftp_server = 0xc000020a;
	rule(2, "arm64-menu", arch_arm, "arm64.efi", NULL);
	rules[2].boot_server = true;
	rules[2].menu = menu;
	rules[2].menu_count = 2;
	rules[2].menu_prompt = "Press F8";
	rule(3, "http", arch_http, NULL, "http://192.0.2.1/shim.efi");
	rule(4, "ipxe", NULL, NULL, "http://192.0.2.1/any.ipxe");
	rules[4].match.ipxe = true;
	rules[4].match.given |= DPXE_CONFIG_MATCH_IPXE;
	cfg.boot.rules = rules;
	cfg.boot.rules_count = 5;

	memcpy(hosts[0].mac, host_mac, 6);
	hosts[0].ip = 0x0ad52f32;
	hosts[0].hostname = "node01";
	hosts[0].boot_file = "special.kpxe";
	cfg.hosts = hosts;
	cfg.hosts_count = 1;

	/* the network and range of the captures' server, so their REQUESTs,
	 * RELEASEs and DECLINEs name our addresses */
	subnet(0, 0x0ad52f00, 24, 0x0ad52f64, 0x0ad52fc7);
	subnets[0].router = 0x0ad52f01;
	subnets[0].dns[0] = 0x0ad52f35;
	subnets[0].dns_count = 1;
	subnets[0].domain = "lab.example";
	subnet(1, 0x0a010000, 24, 0x0a01000a, 0x0a01000c); /* 3, relayed */
	cfg.subnets = subnets;
	cfg.subnets_count = 2;
	cfg.server.mode = DPXE_CONFIG_MODE_DHCP;
	srv.ip = htonl(0x0ad52f01); /* 10.213.47.1, as captured */
	ready = true;
}

/* Everything dhcp_server.h promises about one call. */
static void
check(const struct dpxe_dhcp_msg *m, enum dpxe_drop_reason r,
      const struct dpxe_dhcp_server_result *res)
{
	if ((unsigned int)r >= DPXE_DROP_MAX)
		__builtin_trap();
	if (r != DPXE_DROP_OK) {
		if (res->reply_type != 0 || res->journal)
			__builtin_trap();
		return;
	}
	if (res->journal &&
	    (res->rec.type < DPXE_LEASE_REC_BIND ||
	     res->rec.type > DPXE_LEASE_REC_DECLINE ||
	     memcmp(res->rec.mac, m->chaddr, 6) != 0))
		__builtin_trap();
	if (res->reply_type == 0) {
		if (!res->journal || res->len != 0)
			__builtin_trap();
		return;
	}
	if (res->len < DPXE_BOOTP_MIN_LEN || res->len > sizeof(reply) ||
	    res->len > dpxe_dhcp_reply_limit(m))
		__builtin_trap();
	/* our own reply must parse, and say what the result says */
	reply[DPXE_BOOTP_OP] = DPXE_BOOTP_REQUEST;
	if (dpxe_dhcp_parse(reply, res->len, &back) != DPXE_DROP_OK ||
	    back.msg_type != res->reply_type || back.yiaddr != res->yiaddr ||
	    back.xid != m->xid || memcmp(back.chaddr, m->chaddr, 16) != 0)
		__builtin_trap();
	/* a NAK and an INFORM's ACK hand out nothing */
	if (res->reply_type == DPXE_DHCPNAK &&
	    (res->yiaddr != 0 || res->journal))
		__builtin_trap();
	/* an address handed out comes from a pool or the reservation */
	if (res->yiaddr != 0) {
		uint32_t h = ntohl(res->yiaddr);
		bool ok = h == hosts[0].ip;

		for (unsigned int i = 0; i < 2; i++)
			ok |= h >= pools[i].start && h <= pools[i].end;
		if (!ok)
			__builtin_trap();
	}
}

static void
answer(struct dpxe_lease_shard *s, const struct dpxe_dhcp_msg *m,
       uint16_t port, int64_t now)
{
	struct dpxe_dhcp_server_result res;
	enum dpxe_drop_reason r;

	r = dpxe_dhcp_server_reply(&cfg, s, &srv, m, port, now, 1700000000,
				   reply, sizeof(reply), &res);
	check(m, r, &res);
}

void
fuzz_server_answer(const struct dpxe_dhcp_msg *m)
{
	struct dpxe_lease_shard *s;
	unsigned int owner;

	if (!ready)
		config_init();
	owner = dpxe_client_owner(m->chaddr, N_SHARDS);
	if (dpxe_lease_shard_create(&cfg, owner, N_SHARDS, &params, &s) != 0)
		abort(); /* out of memory: not the code under test */
	answer(s, m, DPXE_DHCP_SERVER_PORT, 1000);
	/* the same client after its DISCOVER was answered */
	if (m->msg_type != DPXE_DHCPDISCOVER) {
		as_discover = *m;
		as_discover.msg_type = DPXE_DHCPDISCOVER;
		answer(s, &as_discover, DPXE_DHCP_SERVER_PORT, 1001);
		answer(s, m, DPXE_DHCP_SERVER_PORT, 1002);
	}
	answer(s, m, DPXE_DHCP_SERVER_PORT, 2000); /* the offer ran out */
	answer(s, m, DPXE_PXE_BOOT_SERVER_PORT, 2001);
	/* the wrong shard must refuse, not misbehave */
	dpxe_lease_shard_destroy(s);
	if (dpxe_lease_shard_create(&cfg, (owner + 1) % N_SHARDS, N_SHARDS,
				    &params, &s) != 0)
		abort();
	answer(s, m, DPXE_DHCP_SERVER_PORT, 1000);
	dpxe_lease_shard_destroy(s);
}
