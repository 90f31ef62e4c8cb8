/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * End-to-end suite of full DHCP mode (server.mode: dhcp): the dpxe binary
 * on net_pcap, with frames built here byte by byte and replies decoded by
 * the suite's own parser (e2e.h).
 *
 * - dora: DISCOVER/REQUEST/DECLINE/RELEASE/INFORM, a REQUEST for another
 *   server, INIT-REBOOT for a free and for a foreign address; every reply
 *   checked field by field, and the stats JSON's counters.
 * - restart: run 1 binds leases with a journal and is killed with SIGKILL
 *   once the journal holds them; run 2 on the same journal ACKs the same
 *   clients' INIT-REBOOT REQUESTs and OFFERs them the same addresses.
 * - reload: an endless replay of REQUESTs (net_pcap infinite_rx) while the
 *   file is swapped and SIGHUP sent six times (pools moved, so leases change
 *   worker slice) and once with a broken file; every request is answered
 *   (ACK), the reloads and the one failure are counted.
 * - two_ports: two net_pcap ports (the second VLAN 42 only), two subnets,
 *   one worker each; clients on each port, some owned by the other port's
 *   worker, get their port's subnet, from their port's address and MAC, on
 *   that port (the owner's TX queue there), and ARP is answered where it
 *   came in. two_ports_few_txq: a port with one TX queue for two workers
 *   is refused at start, saying why.
 *
 * Usage: test_e2e_dhcp DPXE_BINARY (run from the source root).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "dhcp/client_hash.h"
#include "e2e.h"

#define SRV_IP E2E_IP(10, 213, 47, 1)
#define POOL_START E2E_IP(10, 213, 47, 100)
#define OTHER_SRV E2E_IP(10, 213, 47, 2)

static const uint8_t srv_mac[6] = { 0x02, 0xdc, 0, 0, 0, 0x01 };
static const char *dpxe;
static char dir[64];

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
path_in(char *out, size_t len, const char *name)
{
	snprintf(out, len, "%s/%s", dir, name);
}

/* ---- configuration ---- */

/* workers 1 or 2; journal NULL: none; pool_first: the pool's start */
static void
write_config(const char *path, unsigned int workers, const char *journal,
	     uint32_t pool_first, uint32_t lease_time)
{
	char tmp[512];
	FILE *f;

	/* written whole, then renamed over: a reload never reads half */
	assert_true((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) <
		    sizeof(tmp));
	f = fopen(tmp, "w");
	assert_non_null(f);
	fprintf(f,
		"server:\n  mode: dhcp\n  name: dpxe-e2e\n  ports:\n"
		"    - {ip: 10.213.47.1, prefix: 24, mac: \"02:dc:00:00:00:01\"}\n"
		"dataplane:\n  ports:\n"
		"    - {name: pcap, devargs: net_pcap0, rx_queues: %u}\n"
		"  spreading: software\n  mbufs_per_worker: 4095\n"
		"  mbuf_cache: 64\n"
		"boot:\n  rules:\n"
		"    - {name: uefi, match: {arch: [7]}, boot_file: x64/ipxe.efi}\n"
		"subnets:\n  - subnet: 10.213.47.0/24\n"
		"    pools: [{start: 10.213.47.%u, end: 10.213.47.199}]\n"
		"    router: 10.213.47.254\n    lease_time: %u\n",
		workers, pool_first & 0xff, lease_time);
	if (journal != NULL)
		fprintf(f, "leases: {journal: \"%s\", flush_ms: 20}\n", journal);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(rename(tmp, path), 0);
}

/* ---- requests ---- */

static void
client_mac(uint8_t mac[6], unsigned int i)
{
	static const uint8_t base[6] = { 0x52, 0x54, 0x00, 0x77, 0, 0 };

	memcpy(mac, base, 6);
	mac[4] = (uint8_t)(i >> 8);
	mac[5] = (uint8_t)i;
}

struct req {
	uint8_t type;       /* option 53 */
	uint32_t server_id; /* option 54, 0: none */
	uint32_t requested; /* option 50, 0: none */
	uint32_t ciaddr;
	uint32_t ip_dst;    /* 0: broadcast */
	bool pxe;           /* option 93 = 7 and a PXEClient vendor class */
};

/* A request on a port whose server has MAC smac, tagged with VID vlan
 * (0: untagged). */
static void
add_req_on(struct e2e_pcap *p, const uint8_t smac[6], uint16_t vlan,
	   const uint8_t mac[6], uint32_t xid, const struct req *r)
{
	uint8_t frame[E2E_FRAME_MAX], v4[4];
	struct e2e_net n = { .sport = 68, .dport = 67 };
	struct e2e_msg m;
	size_t len;

	e2e_msg_init(&m, xid, mac);
	e2e_put32(m.b + 12, r->ciaddr);
	e2e_msg_opt(&m, 53, &r->type, 1);
	if (r->server_id) {
		e2e_put32(v4, r->server_id);
		e2e_msg_opt(&m, 54, v4, 4);
	}
	if (r->requested) {
		e2e_put32(v4, r->requested);
		e2e_msg_opt(&m, 50, v4, 4);
	}
	if (r->pxe) {
		static const uint8_t arch[2] = { 0, 7 };

		e2e_msg_opt(&m, 93, arch, 2);
		e2e_msg_opt_str(&m, 60, "PXEClient:Arch:00007:UNDI:003016");
	}
	e2e_msg_end(&m);
	memset(n.dst_mac, 0xff, 6);
	memcpy(n.src_mac, mac, 6);
	n.ip_src = r->ciaddr;
	n.ip_dst = r->ip_dst ? r->ip_dst : 0xffffffffu;
	if (r->ip_dst)
		memcpy(n.dst_mac, smac, 6);
	if (vlan) {
		n.nvlan = 1;
		n.tpid[0] = 0x8100;
		n.tci[0] = vlan;
	}
	len = e2e_frame_udp(frame, sizeof(frame), &n, m.b, m.len);
	assert_true(len > 0);
	e2e_pcap_add(p, frame, len);
}

static void
add_req(struct e2e_pcap *p, const uint8_t mac[6], uint32_t xid,
	const struct req *r)
{
	add_req_on(p, srv_mac, 0, mac, xid, r);
}

/* The address the k-th client of worker w gets from an empty pool of n
 * workers: the workers own interleaved slices (lease_shard.h), next-fit. */
static uint32_t
slice_addr(uint32_t first, unsigned int w, unsigned int n, unsigned int k)
{
	return first + w + n * k;
}

/* ---- running dpxe ---- */

struct proc {
	pid_t pid;
	char log[256];
};

/* dpxe with EAL --vdev arguments vdevs[0..nv) on lcores (-l) */
static void
spawn_vdevs(struct proc *pr, const char *const *vdevs, unsigned int nv,
	    const char *lcores, const char *config, const char *stats,
	    const char *limit_opt, const char *limit_ms)
{
	char prefix[64];
	char *argv[32];
	int argc = 0, fd;

	snprintf(prefix, sizeof(prefix), "dpxe-e2e-dhcp-%ld", (long)getpid());
	argv[argc++] = (char *)dpxe;
	argv[argc++] = (char *)"--no-huge";
	argv[argc++] = (char *)"-m";
	argv[argc++] = (char *)"512";
	argv[argc++] = (char *)"--no-pci";
	argv[argc++] = (char *)"--no-shconf";
	argv[argc++] = (char *)"--file-prefix";
	argv[argc++] = prefix;
	argv[argc++] = (char *)"-l";
	argv[argc++] = (char *)lcores;
	for (unsigned int i = 0; i < nv && i < 4; i++)
		argv[argc++] = (char *)vdevs[i];
	argv[argc++] = (char *)"--";
	argv[argc++] = (char *)"-c";
	argv[argc++] = (char *)config;
	if (stats != NULL) {
		argv[argc++] = (char *)"--stats-json";
		argv[argc++] = (char *)stats;
	}
	if (limit_opt != NULL) {
		argv[argc++] = (char *)limit_opt;
		argv[argc++] = (char *)limit_ms;
	}
	argv[argc] = NULL;
	fflush(NULL);
	pr->pid = fork();
	assert_true(pr->pid >= 0);
	if (pr->pid == 0) {
		setpgid(0, 0);
		fd = open(pr->log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
			close(fd);
		}
		execv(dpxe, argv);
		_exit(127);
	}
}

/* Build net_pcapN's --vdev argument: nrx rx_pcap files, ntx tx_pcap */
static void
pcap_vdev(char *out, size_t len, unsigned int n, bool infinite,
	  unsigned int nrx, const char *const *rx, unsigned int ntx,
	  const char *const *tx)
{
	size_t off;

	off = (size_t)snprintf(out, len, "--vdev=net_pcap%u%s", n,
			       infinite ? ",infinite_rx=1" : "");
	for (unsigned int i = 0; i < nrx; i++)
		off += (size_t)snprintf(out + off, len - off, ",rx_pcap=%s",
					rx[i]);
	for (unsigned int i = 0; i < ntx; i++)
		off += (size_t)snprintf(out + off, len - off, ",tx_pcap=%s",
					tx[i]);
	assert_true(off < len);
}

static void
spawn(struct proc *pr, unsigned int nq, const char *const *rx,
      const char *const *tx, bool infinite, const char *config,
      const char *stats, const char *limit_opt, const char *limit_ms)
{
	char vdev[2048];
	const char *vdevs[1] = { vdev };

	pcap_vdev(vdev, sizeof(vdev), 0, infinite, nq, rx, nq, tx);
	spawn_vdevs(pr, vdevs, 1, nq == 1 ? "0" : "0,1", config, stats,
		    limit_opt, limit_ms);
}

/* Exit status, or -1 when it had to be killed after timeout_s. */
static int
reap(struct proc *pr, double timeout_s)
{
	double deadline = now_s() + timeout_s;
	int status;
	pid_t w;

	while ((w = waitpid(pr->pid, &status, WNOHANG)) == 0) {
		if (now_s() > deadline) {
			kill(-pr->pid, SIGKILL);
			waitpid(pr->pid, &status, 0);
			return -1;
		}
		usleep(5000);
	}
	if (w < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static bool
log_has(const struct proc *pr, const char *what)
{
	char *text = e2e_read_file(pr->log);
	bool found = text != NULL && strstr(text, what) != NULL;

	free(text);
	return found;
}

/* Wait (bounded) until the log says what; false on timeout or exit. */
static bool
wait_log(const struct proc *pr, const char *what, double timeout_s)
{
	double deadline = now_s() + timeout_s;

	while (now_s() < deadline) {
		if (log_has(pr, what))
			return true;
		if (waitpid(pr->pid, NULL, WNOHANG) != 0)
			return false;
		usleep(10000);
	}
	return false;
}

static struct e2e_json *
read_stats(const char *path)
{
	char *text = e2e_read_file(path);
	struct e2e_json *j;

	assert_non_null(text);
	j = e2e_json_parse(text);
	free(text);
	assert_non_null(j);
	return j;
}

static long long
stat_of(const struct e2e_json *j, const char *path)
{
	long long v = -1;

	if (e2e_json_int(j, path, &v) != 0)
		fail_msg("stats: no integer at %s", path);
	return v;
}

/* Sum of total.drops.* */
static long long
drops_total(const struct e2e_json *j)
{
	int n = e2e_json_count(j, "total.drops");
	long long sum = 0;
	char path[128];

	assert_true(n > 0);
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "total.drops.%s",
			 e2e_json_key(j, "total.drops", (unsigned int)i));
		sum += stat_of(j, path);
	}
	return sum;
}

/* ---- replies ---- */

struct reply {
	struct e2e_view v;
	struct e2e_opts o;
	uint8_t type;
	uint32_t yiaddr, xid;
	const uint8_t *chaddr;
};

/* A reply from the server at sip with MAC smac. */
static void
decode_from(const struct e2e_pkt *pkt, struct reply *r, uint32_t sip,
	    const uint8_t smac[6])
{
	memset(r, 0, sizeof(*r));
	assert_true(e2e_view_parse(pkt->data, pkt->len, &r->v));
	assert_true(r->v.ip_csum_ok);
	assert_true(r->v.udp_csum_ok);
	assert_int_equal(r->v.ip_src, sip);
	assert_memory_equal(pkt->data + 6, smac, 6);
	assert_int_equal(r->v.sport, 67);
	assert_true(r->v.pl_len >= 240);
	assert_int_equal(r->v.pl[0], 2); /* BOOTREPLY */
	r->xid = e2e_be32(r->v.pl + 4);
	r->yiaddr = e2e_be32(r->v.pl + 16);
	r->chaddr = r->v.pl + 28;
	e2e_opts_parse(r->v.pl, r->v.pl_len, &r->o);
	assert_true(r->o.ok);
	assert_false(r->o.dup);
	assert_true(r->o.has[53]);
	r->type = r->o.val[53][0];
	assert_true(r->o.has[54]);
	assert_int_equal(e2e_be32(r->o.val[54]), sip);
}

static void
decode(const struct e2e_pkt *pkt, struct reply *r)
{
	decode_from(pkt, r, SRV_IP, srv_mac);
}

/* An OFFER or ACK of address ip to mac, unicast to it (RFC 2131 §4.1:
 * no broadcast flag, ciaddr 0), with the subnet's options. */
static void
check_lease_reply_via(const struct reply *r, uint8_t type,
		      const uint8_t mac[6], uint32_t ip, uint32_t lease_time,
		      uint32_t router)
{
	assert_int_equal(r->type, type);
	assert_memory_equal(r->chaddr, mac, 6);
	assert_int_equal(r->yiaddr, ip);
	assert_memory_equal(r->v.d, mac, 6);
	assert_int_equal(r->v.ip_dst, ip);
	assert_int_equal(r->v.dport, 68);
	assert_true(r->o.has[51]);
	assert_int_equal(e2e_be32(r->o.val[51]), lease_time);
	assert_true(r->o.has[1]);
	assert_int_equal(e2e_be32(r->o.val[1]), 0xffffff00u);
	assert_true(r->o.has[3]);
	assert_int_equal(e2e_be32(r->o.val[3]), router);
}

static void
check_lease_reply(const struct reply *r, uint8_t type, const uint8_t mac[6],
		  uint32_t ip, uint32_t lease_time)
{
	check_lease_reply_via(r, type, mac, ip, lease_time,
			      E2E_IP(10, 213, 47, 254));
}

static void
read_replies(struct e2e_pcap *out, unsigned int nq, const char *const *tx)
{
	char err[256];

	memset(out, 0, sizeof(*out));
	for (unsigned int i = 0; i < nq; i++) {
		struct e2e_pcap p = { 0 };

		if (e2e_pcap_read(tx[i], &p, err, sizeof(err)) != 0)
			fail_msg("%s", err);
		for (size_t k = 0; k < p.n; k++)
			e2e_pcap_add(out, p.v[k].data, p.v[k].len);
		e2e_pcap_free(&p);
	}
}

static void
write_pcap(const char *path, const struct e2e_pcap *p)
{
	char err[256];

	if (e2e_pcap_write(path, p, err, sizeof(err)) != 0)
		fail_msg("%s", err);
}

/* ---- dora ---- */

static void
test_dora(void **state)
{
	uint8_t c[8][6];
	struct e2e_pcap in = { 0 }, out;
	char cfg[256], rx[256], tx[256], stats[256];
	const char *rxs[1] = { rx }, *txs[1] = { tx };
	struct proc pr;
	struct reply r;
	struct e2e_json *j;
	uint32_t a0 = POOL_START, a1 = POOL_START + 1, a2 = POOL_START + 2;

	(void)state;
	for (unsigned int i = 0; i < 8; i++)
		client_mac(c[i], i);
	path_in(cfg, sizeof(cfg), "dora.yaml");
	path_in(rx, sizeof(rx), "dora-rx.pcap");
	path_in(tx, sizeof(tx), "dora-tx.pcap");
	path_in(stats, sizeof(stats), "dora.json");
	path_in(pr.log, sizeof(pr.log), "dora.log");
	write_config(cfg, 1, NULL, POOL_START, 3600);

	/* one worker: addresses come in order from the pool's start */
	add_req(&in, c[0], 1, &(struct req){ .type = 1, .pxe = true });
	add_req(&in, c[0], 1, &(struct req){ .type = 3, .server_id = SRV_IP,
					     .requested = a0, .pxe = true });
	add_req(&in, c[1], 2, &(struct req){ .type = 1 });
	add_req(&in, c[1], 2, &(struct req){ .type = 3, .server_id = SRV_IP,
					     .requested = a1 });
	/* c1 finds a1 in use: quarantined, no reply */
	add_req(&in, c[1], 3, &(struct req){ .type = 4, .server_id = SRV_IP,
					     .requested = a1 });
	/* c0 gives a0 back: no reply */
	add_req(&in, c[0], 4, &(struct req){ .type = 7, .server_id = SRV_IP,
					     .ciaddr = a0, .ip_dst = SRV_IP });
	/* c2 has an address of its own and asks for the rest */
	add_req(&in, c[2], 5, &(struct req){ .type = 8,
					     .ciaddr = E2E_IP(10, 213, 47, 50),
					     .ip_dst = SRV_IP });
	/* c3 picked another server's offer: silence */
	add_req(&in, c[3], 6, &(struct req){ .type = 3, .server_id = OTHER_SRV,
					     .requested = a2 });
	/* c4 is new: next-fit passes the declined a1 and the released a0 */
	add_req(&in, c[4], 7, &(struct req){ .type = 1 });
	/* c5 reboots with a free address we have no record of (a journal
	 * batch was lost, or another server's): silence (RFC 2131 §4.3.2),
	 * it falls back to DISCOVER */
	add_req(&in, c[5], 8, &(struct req){ .type = 3,
					     .requested = E2E_IP(10, 213, 47, 150) });
	/* c6 reboots on a network it is not on: NAK */
	add_req(&in, c[6], 9, &(struct req){ .type = 3,
					     .requested = E2E_IP(192, 0, 2, 5) });
	write_pcap(rx, &in);
	e2e_pcap_free(&in);

	spawn(&pr, 1, rxs, txs, false, cfg, stats, "--idle-exit", "300");
	assert_int_equal(reap(&pr, 60), 0);
	assert_true(log_has(&pr, "without leases.journal: leases live in "
				 "memory only"));
	read_replies(&out, 1, txs);
	assert_int_equal(out.n, 7);

	decode(&out.v[0], &r);
	check_lease_reply(&r, 2, c[0], a0, 3600);
	assert_int_equal(r.xid, 1);
	assert_true(r.o.has[60]); /* a PXE client: boot information too */
	assert_memory_equal(r.v.pl + 108, "x64/ipxe.efi", 13);
	decode(&out.v[1], &r);
	check_lease_reply(&r, 5, c[0], a0, 3600);
	assert_memory_equal(r.v.pl + 108, "x64/ipxe.efi", 13);
	decode(&out.v[2], &r);
	check_lease_reply(&r, 2, c[1], a1, 3600);
	assert_false(r.o.has[60]); /* not PXE: an address only */
	assert_int_equal(r.v.pl[108], 0);
	decode(&out.v[3], &r);
	check_lease_reply(&r, 5, c[1], a1, 3600);
	/* INFORM: ACK to ciaddr, no address, no lease time */
	decode(&out.v[4], &r);
	assert_int_equal(r.type, 5);
	assert_int_equal(r.yiaddr, 0);
	assert_int_equal(r.v.ip_dst, E2E_IP(10, 213, 47, 50));
	assert_false(r.o.has[51]);
	assert_true(r.o.has[1]);
	decode(&out.v[5], &r);
	check_lease_reply(&r, 2, c[4], a2, 3600);
	/* NAK: broadcast, no address */
	decode(&out.v[6], &r);
	assert_int_equal(r.type, 6);
	assert_int_equal(r.yiaddr, 0);
	assert_int_equal(r.v.ip_dst, 0xffffffffu);
	assert_false(r.o.has[51]);
	e2e_pcap_free(&out);

	j = read_stats(stats);
	assert_int_equal(stat_of(j, "total.rx"), 11);
	assert_int_equal(stat_of(j, "total.tx"), 7);
	assert_int_equal(stat_of(j, "total.replies.OFFER"), 3);
	assert_int_equal(stat_of(j, "total.replies.ACK"), 3);
	assert_int_equal(stat_of(j, "total.replies.NAK"), 1);
	assert_int_equal(stat_of(j, "total.lease_binds"), 2);
	assert_int_equal(stat_of(j, "total.lease_declines"), 1);
	assert_int_equal(stat_of(j, "total.lease_releases"), 1);
	assert_int_equal(stat_of(j, "total.journal_ring_full"), 0);
	assert_int_equal(stat_of(j, "total.journal_records_written"), 0);
	assert_int_equal(stat_of(j, "total.drops.not_for_us"), 1);
	assert_int_equal(stat_of(j, "total.drops.lease_unknown"), 1);
	assert_int_equal(drops_total(j), 2);
	e2e_json_free(j);
}

/* ---- restart ---- */

#define RESTART_CLIENTS 8

static void
test_restart(void **state)
{
	uint8_t c[RESTART_CLIENTS][6];
	uint32_t addr[RESTART_CLIENTS];
	unsigned int k[2] = { 0, 0 };
	struct e2e_pcap in = { 0 }, empty = { 0 }, out;
	char cfg[256], rx0[256], rx1[256], tx0[256], tx1[256], stats[256],
		journal[256];
	const char *rxs[2] = { rx0, rx1 }, *txs[2] = { tx0, tx1 };
	struct proc pr;
	struct stat st;
	struct e2e_json *j;
	double deadline;
	bool flushed = false;

	(void)state;
	path_in(cfg, sizeof(cfg), "restart.yaml");
	path_in(rx0, sizeof(rx0), "restart-rx0.pcap");
	path_in(rx1, sizeof(rx1), "restart-rx1.pcap");
	path_in(tx0, sizeof(tx0), "restart-tx0.pcap");
	path_in(tx1, sizeof(tx1), "restart-tx1.pcap");
	path_in(stats, sizeof(stats), "restart.json");
	path_in(journal, sizeof(journal), "leases.journal");
	unlink(journal);
	write_config(cfg, 2, journal, POOL_START, 3600);

	/* run 1: every client takes an address of its worker's slice */
	for (unsigned int i = 0; i < RESTART_CLIENTS; i++) {
		unsigned int w;

		client_mac(c[i], 100 + i);
		w = dpxe_client_owner(c[i], 2);
		addr[i] = slice_addr(POOL_START, w, 2, k[w]++);
		add_req(&in, c[i], 100 + i,
			&(struct req){ .type = 3, .server_id = SRV_IP,
				       .requested = addr[i] });
	}
	write_pcap(rx0, &in);
	write_pcap(rx1, &empty);
	e2e_pcap_free(&in);
	path_in(pr.log, sizeof(pr.log), "restart-1.log");
	spawn(&pr, 2, rxs, txs, false, cfg, NULL, NULL, NULL);
	/* the binds are durable once the journal holds them: header plus
	 * one 32-byte record each; then no graceful stop */
	deadline = now_s() + 60;
	while (!flushed && now_s() < deadline &&
	       waitpid(pr.pid, NULL, WNOHANG) == 0) {
		flushed = stat(journal, &st) == 0 &&
			  st.st_size >= 32 + 32 * RESTART_CLIENTS;
		usleep(10000);
	}
	kill(-pr.pid, SIGKILL);
	waitpid(pr.pid, NULL, 0);
	if (!flushed)
		fail_msg("run 1: the journal never held %u binds (log %s)",
			 RESTART_CLIENTS, pr.log);

	/* run 2: the same clients reboot (INIT-REBOOT), then rediscover */
	for (unsigned int i = 0; i < RESTART_CLIENTS; i++)
		add_req(&in, c[i], 200 + i,
			&(struct req){ .type = 3, .requested = addr[i] });
	for (unsigned int i = 0; i < RESTART_CLIENTS; i++)
		add_req(&in, c[i], 300 + i, &(struct req){ .type = 1 });
	write_pcap(rx0, &in);
	e2e_pcap_free(&in);
	path_in(pr.log, sizeof(pr.log), "restart-2.log");
	spawn(&pr, 2, rxs, txs, false, cfg, stats, "--idle-exit", "300");
	assert_int_equal(reap(&pr, 60), 0);
	assert_true(log_has(&pr, "8 leases restored"));

	read_replies(&out, 2, txs);
	assert_int_equal(out.n, 2 * RESTART_CLIENTS);
	for (unsigned int i = 0; i < RESTART_CLIENTS; i++) {
		bool acked = false, offered = false;

		for (size_t p = 0; p < out.n; p++) {
			struct reply r;

			decode(&out.v[p], &r);
			if (memcmp(r.chaddr, c[i], 6) != 0)
				continue;
			if (r.xid == 200 + i) {
				check_lease_reply(&r, 5, c[i], addr[i], 3600);
				acked = true;
			} else if (r.xid == 300 + i) {
				check_lease_reply(&r, 2, c[i], addr[i], 3600);
				offered = true;
			}
		}
		if (!acked || !offered)
			fail_msg("client %u: ACK %d OFFER %d of %08x", i, acked,
				 offered, addr[i]);
	}
	e2e_pcap_free(&out);
	j = read_stats(stats);
	assert_int_equal(stat_of(j, "total.replies.ACK"), RESTART_CLIENTS);
	assert_int_equal(stat_of(j, "total.replies.OFFER"), RESTART_CLIENTS);
	assert_int_equal(drops_total(j), 0);
	/* the rebinds, flushed at the graceful stop */
	assert_int_equal(stat_of(j, "total.journal_records_written"),
			 RESTART_CLIENTS);
	e2e_json_free(j);
}

/* ---- reload under load ---- */

#define LOAD_CLIENTS 64

/* Copy a file to stderr: the evidence of a failure about to be reported. */
static void
dump_file(const char *path)
{
	char line[512];
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL)
		fputs(line, stderr);
	fclose(f);
}

static void
test_reload(void **state)
{
	struct e2e_pcap in = { 0 }, empty = { 0 };
	char cfg[256], bad[256], rx0[256], rx1[256], stats[256];
	const char *rxs[2] = { rx0, rx1 }, *txs[2] = { "/dev/null",
						       "/dev/null" };
	unsigned int k[2] = { 0, 0 };
	struct proc pr;
	struct e2e_json *j;
	long long rx, ack, lost, stop, nombuf;
	FILE *f;

	(void)state;
	path_in(cfg, sizeof(cfg), "reload.yaml");
	path_in(bad, sizeof(bad), "reload-bad.yaml");
	path_in(rx0, sizeof(rx0), "reload-rx0.pcap");
	path_in(rx1, sizeof(rx1), "reload-rx1.pcap");
	path_in(stats, sizeof(stats), "reload.json");
	path_in(pr.log, sizeof(pr.log), "reload.log");
	/* the pool starts one address earlier in the odd versions: every
	 * lease's address changes worker slice at each reload */
	write_config(cfg, 2, NULL, POOL_START, 3600);
	for (unsigned int i = 0; i < LOAD_CLIENTS; i++) {
		uint8_t mac[6];
		unsigned int w;

		client_mac(mac, 1000 + i);
		w = dpxe_client_owner(mac, 2);
		add_req(&in, mac, 1000 + i,
			&(struct req){ .type = 3, .server_id = SRV_IP,
				       .requested = slice_addr(POOL_START, w, 2,
							       k[w]++) });
	}
	write_pcap(rx0, &in);
	write_pcap(rx1, &in); /* both queues busy: frames cross both ways */
	(void)empty;
	e2e_pcap_free(&in);

	spawn(&pr, 2, rxs, txs, true, cfg, stats, "--duration", "6000");
	if (!wait_log(&pr, "serving", 60))
		fail_msg("dpxe did not start (log %s)", pr.log);
	usleep(300000);
	for (unsigned int i = 0; i < 7; i++) {
		if (i == 3) {
			/* a broken file: refused, the running one serves on */
			f = fopen(bad, "w");
			assert_non_null(f);
			fputs("server:\n  mode: dhcp\n  ports: [\n", f);
			fclose(f);
			assert_int_equal(rename(bad, cfg), 0);
		} else {
			write_config(cfg, 2, NULL,
				     i % 2 ? POOL_START - 1 : POOL_START,
				     i % 2 ? 7200 : 3600);
		}
		kill(pr.pid, SIGHUP);
		usleep(400000);
	}
	assert_int_equal(reap(&pr, 120), 0);
	assert_true(log_has(&pr, "reload failed: "));
	assert_true(log_has(&pr, ":4:1: invalid YAML"));
	assert_true(log_has(&pr, "leases kept"));

	j = read_stats(stats);
	assert_int_equal(stat_of(j, "total.reloads"), 6);
	assert_int_equal(stat_of(j, "total.reload_failures"), 1);
	rx = stat_of(j, "total.rx");
	ack = stat_of(j, "total.replies.ACK");
	lost = stat_of(j, "total.spread_ring_full");
	stop = stat_of(j, "total.spread_stop_discards");
	nombuf = stat_of(j, "total.mbuf_alloc_fail");
	print_message("reload under load: rx %lld ACK %lld; overload losses, "
		      "counted: %lld full spreading ring, %lld empty mempool "
		      "(net_pcap's infinite_rx draws on it too), %lld in a "
		      "ring at stop\n", rx, ack, lost, nombuf, stop);
	assert_true(rx > 10000);
	if (drops_total(j) != 0)
		dump_file(stats); /* which reason, for the failure below */
	/* every request answered, across seven reloads: none refused
	 * (a lease lost in a move would be NAKed or met with silence, a
	 * counted drop), the only losses the overload ones above */
	assert_int_equal(drops_total(j), 0);
	assert_int_equal(stat_of(j, "total.replies.NAK"), 0);
	assert_int_equal(ack + lost + stop + nombuf, rx);
	assert_true(nombuf + lost < rx / 100);
	assert_int_equal(stat_of(j, "total.tx"), ack);
	assert_int_equal(stat_of(j, "total.journal_ring_full"), 0);
	e2e_json_free(j);
}

/* ---- two ports ---- */

#define TP_CLIENTS 8 /* per port: half owned by each worker */

/* Port p of the two-port setup: its address, MAC, VLAN, subnet. */
struct tp_port {
	uint32_t ip, pool, router, lease_time;
	uint8_t mac[6];
	uint16_t vlan;
};

static const struct tp_port tp[2] = {
	{ .ip = E2E_IP(10, 213, 47, 1), .pool = E2E_IP(10, 213, 47, 100),
	  .router = E2E_IP(10, 213, 47, 254), .lease_time = 3600,
	  .mac = { 0x02, 0xdc, 0, 0, 0, 0x01 }, .vlan = 0 },
	{ .ip = E2E_IP(10, 213, 48, 1), .pool = E2E_IP(10, 213, 48, 100),
	  .router = E2E_IP(10, 213, 48, 254), .lease_time = 1800,
	  .mac = { 0x02, 0xdc, 0, 0, 0, 0x02 }, .vlan = 42 },
};

static void
write_two_port_config(const char *path)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs("server:\n  mode: dhcp\n  name: dpxe-e2e\n  ports:\n"
	      "    - {ip: 10.213.47.1, prefix: 24, mac: \"02:dc:00:00:00:01\"}\n"
	      "    - {ip: 10.213.48.1, prefix: 24, mac: \"02:dc:00:00:00:02\"}\n"
	      "dataplane:\n  ports:\n"
	      "    - {name: pa, devargs: net_pcap0, rx_queues: 1}\n"
	      "    - {name: pb, devargs: net_pcap1, rx_queues: 1, vlan: 42}\n"
	      "  spreading: software\n  mbufs_per_worker: 4095\n"
	      "  mbuf_cache: 64\n"
	      "boot:\n  rules:\n"
	      "    - {name: uefi, match: {arch: [7]}, boot_file: x64/ipxe.efi}\n"
	      "subnets:\n"
	      "  - subnet: 10.213.47.0/24\n"
	      "    pools: [{start: 10.213.47.100, end: 10.213.47.199}]\n"
	      "    router: 10.213.47.254\n    lease_time: 3600\n"
	      "  - subnet: 10.213.48.0/24\n"
	      "    pools: [{start: 10.213.48.100, end: 10.213.48.199}]\n"
	      "    router: 10.213.48.254\n    lease_time: 1800\n",
	      f);
	assert_int_equal(fclose(f), 0);
}

/* An ARP request for port p's address, from mac. */
static void
add_arp_on(struct e2e_pcap *pc, unsigned int p, const uint8_t mac[6])
{
	static const uint8_t zero[6];
	struct e2e_net n = { 0 };
	uint8_t frame[E2E_FRAME_MAX];
	size_t len;

	memset(n.dst_mac, 0xff, 6);
	memcpy(n.src_mac, mac, 6);
	if (tp[p].vlan) {
		n.nvlan = 1;
		n.tpid[0] = 0x8100;
		n.tci[0] = tp[p].vlan;
	}
	len = e2e_frame_arp(frame, sizeof(frame), &n, 1, 1, mac,
			    E2E_IP(10, 213, 47 + p, 9), zero, tp[p].ip);
	assert_true(len > 0);
	e2e_pcap_add(pc, frame, len);
}

/* Is this frame port p's ARP reply (is-at its MAC, to mac)? */
static bool
is_arp_reply_of(const struct e2e_pkt *pkt, unsigned int p,
		const uint8_t mac[6])
{
	const uint8_t *d = pkt->data;
	size_t l2 = 12;

	if (pkt->len >= 16 && e2e_be16(d + 12) == 0x8100) {
		if ((e2e_be16(d + 14) & 0x0fff) != tp[p].vlan)
			return false;
		l2 = 16;
	}
	if (pkt->len < l2 + 2 + 28 || e2e_be16(d + l2) != 0x0806)
		return false;
	d += l2 + 2;
	return e2e_be16(d + 6) == 2 && memcmp(d + 8, tp[p].mac, 6) == 0 &&
	       e2e_be32(d + 14) == tp[p].ip && memcmp(d + 18, mac, 6) == 0 &&
	       memcmp(pkt->data, mac, 6) == 0 &&
	       memcmp(pkt->data + 6, tp[p].mac, 6) == 0;
}

struct tp_client {
	uint8_t mac[6];
	unsigned int owner;
	uint32_t addr;
	bool offered, acked;
};

static void
test_two_ports(void **state)
{
	static const uint8_t arp_mac[6] = { 0x52, 0x54, 0x00, 0x99, 0, 1 };
	struct tp_client c[2][TP_CLIENTS];
	struct e2e_pcap in[2] = { { 0 } }, out;
	char cfg[256], stats[256], rx[2][256], tx[2][2][256], vdev[2][1024];
	const char *rxs[2][1], *txs[2][2], *vdevs[2] = { vdev[0], vdev[1] };
	unsigned int k[2][2] = { { 0 } }, ext = 0;
	uint8_t stray[6];
	struct proc pr;
	struct e2e_json *j;

	(void)state;
	path_in(cfg, sizeof(cfg), "two-ports.yaml");
	path_in(stats, sizeof(stats), "two-ports.json");
	path_in(pr.log, sizeof(pr.log), "two-ports.log");
	write_two_port_config(cfg);
	for (unsigned int p = 0; p < 2; p++) {
		char name[64];

		snprintf(name, sizeof(name), "two-ports-rx%u.pcap", p);
		path_in(rx[p], sizeof(rx[p]), name);
		rxs[p][0] = rx[p];
		for (unsigned int q = 0; q < 2; q++) {
			snprintf(name, sizeof(name), "two-ports-tx%u-q%u.pcap",
				 p, q);
			path_in(tx[p][q], sizeof(tx[p][q]), name);
			txs[p][q] = tx[p][q];
		}
	}

	/* per port, half the clients hash to worker 0 (port 0's), half to
	 * worker 1 (port 1's): every port has clients of the other's worker */
	for (unsigned int p = 0; p < 2; p++) {
		unsigned int n[2] = { 0, 0 }, found = 0;

		for (unsigned int i = 0; found < TP_CLIENTS && i < 1000; i++) {
			uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x88,
					   (uint8_t)p, (uint8_t)i };
			unsigned int o = dpxe_client_owner(mac, 2);
			struct tp_client *cl;

			if (n[o] == TP_CLIENTS / 2)
				continue;
			n[o]++;
			cl = &c[p][found];
			memset(cl, 0, sizeof(*cl));
			memcpy(cl->mac, mac, 6);
			cl->owner = o;
			/* each worker hands out its slice of each pool */
			cl->addr = slice_addr(tp[p].pool, o, 2, k[p][o]++);
			add_req_on(&in[p], tp[p].mac, tp[p].vlan, mac,
				   (p + 1) * 1000 + found * 2,
				   &(struct req){ .type = 1,
						  .pxe = found % 2 == 0 });
			add_req_on(&in[p], tp[p].mac, tp[p].vlan, mac,
				   (p + 1) * 1000 + found * 2 + 1,
				   &(struct req){ .type = 3,
						  .server_id = tp[p].ip,
						  .requested = cl->addr });
			found++;
		}
		assert_int_equal(found, TP_CLIENTS);
		add_arp_on(&in[p], p, arp_mac);
	}
	/* an untagged DISCOVER on the VLAN 42 port from a client of worker
	 * 0: that worker must judge it by port 1's VLAN and drop it */
	for (unsigned int i = 0;; i++) {
		assert_true(i < 1000);
		memcpy(stray, (uint8_t[6]){ 0x52, 0x54, 0x00, 0x89, 0,
					    (uint8_t)i }, 6);
		if (dpxe_client_owner(stray, 2) == 0)
			break;
	}
	add_req_on(&in[1], tp[1].mac, 0, stray, 9999,
		   &(struct req){ .type = 1 });
	for (unsigned int p = 0; p < 2; p++) {
		write_pcap(rx[p], &in[p]);
		e2e_pcap_free(&in[p]);
		pcap_vdev(vdev[p], sizeof(vdev[p]), p, false, 1, rxs[p], 2,
			  txs[p]);
	}

	spawn_vdevs(&pr, vdevs, 2, "0,1", cfg, stats, "--idle-exit", "300");
	assert_int_equal(reap(&pr, 60), 0);

	/* what left port p on TX queue q (worker q's) */
	for (unsigned int p = 0; p < 2; p++) {
		for (unsigned int q = 0; q < 2; q++) {
			bool arp = false;
			size_t want = TP_CLIENTS;

			read_replies(&out, 1, &txs[p][q]);
			for (size_t f = 0; f < out.n; f++) {
				struct tp_client *cl = NULL;
				struct reply r;
				unsigned int idx;

				if (is_arp_reply_of(&out.v[f], p, arp_mac)) {
					/* ARP stays on its receiving
					 * worker: port p's own, worker p */
					assert_int_equal(q, p);
					assert_false(arp);
					arp = true;
					continue;
				}
				decode_from(&out.v[f], &r, tp[p].ip,
					    tp[p].mac);
				assert_int_equal(r.v.nvlan, tp[p].vlan ? 1 : 0);
				if (tp[p].vlan)
					assert_int_equal(r.v.tci[0] & 0x0fff,
							 tp[p].vlan);
				assert_true(r.xid >= (p + 1) * 1000);
				idx = (r.xid - (p + 1) * 1000) / 2;
				assert_true(idx < TP_CLIENTS);
				cl = &c[p][idx];
				/* answered by the owner, on its queue here */
				assert_int_equal(cl->owner, q);
				check_lease_reply_via(&r, r.xid % 2 ? 5 : 2,
						      cl->mac, cl->addr,
						      tp[p].lease_time,
						      tp[p].router);
				if (r.xid % 2)
					cl->acked = true;
				else
					cl->offered = true;
			}
			if (p == q)
				want++;
			if (out.n != want)
				fail_msg("port %u queue %u: %zu frames, "
					 "expected %zu", p, q, out.n, want);
			assert_true(p != q || arp);
			e2e_pcap_free(&out);
		}
		for (unsigned int i = 0; i < TP_CLIENTS; i++) {
			if (!c[p][i].offered || !c[p][i].acked)
				fail_msg("port %u client %u: OFFER %d ACK %d",
					 p, i, c[p][i].offered,
					 c[p][i].acked);
			ext += c[p][i].owner != p;
		}
	}
	assert_int_equal(ext, TP_CLIENTS); /* half of each port's */

	j = read_stats(stats);
	assert_int_equal(stat_of(j, "total.rx"), 2 * (2 * TP_CLIENTS + 1) + 1);
	assert_int_equal(stat_of(j, "total.replies.OFFER"), 2 * TP_CLIENTS);
	assert_int_equal(stat_of(j, "total.replies.ACK"), 2 * TP_CLIENTS);
	assert_int_equal(stat_of(j, "total.arp_replies"), 2);
	/* the other worker's clients' frames, and the stray */
	assert_int_equal(stat_of(j, "total.spread_out"), 2 * TP_CLIENTS + 1);
	assert_int_equal(stat_of(j, "total.rx_spread_in"), 2 * TP_CLIENTS + 1);
	assert_int_equal(stat_of(j, "total.spread_no_port"), 0);
	assert_int_equal(stat_of(j, "total.tx"), 4 * TP_CLIENTS + 2);
	/* each worker sent its own clients' replies, on both ports */
	assert_int_equal(stat_of(j, "workers.0.tx"), 2 * TP_CLIENTS + 1);
	assert_int_equal(stat_of(j, "workers.1.tx"), 2 * TP_CLIENTS + 1);
	assert_int_equal(stat_of(j, "workers.0.drops.not_for_us"), 1);
	assert_int_equal(drops_total(j), 1);
	e2e_json_free(j);
}

/* A port with fewer TX queues than workers cannot carry every worker's
 * replies: refused at start, with the reason. */
static void
test_two_ports_few_txq(void **state)
{
	struct e2e_pcap empty = { 0 };
	char cfg[256], rx[256], tx[3][256], vdev[2][1024];
	const char *rxs[1] = { rx }, *vdevs[2] = { vdev[0], vdev[1] };
	const char *tx0[1] = { tx[0] }, *tx1[2] = { tx[1], tx[2] };
	struct proc pr;

	(void)state;
	path_in(cfg, sizeof(cfg), "few-txq.yaml");
	path_in(rx, sizeof(rx), "few-txq-rx.pcap");
	for (unsigned int i = 0; i < 3; i++) {
		char name[32];

		snprintf(name, sizeof(name), "few-txq-tx%u.pcap", i);
		path_in(tx[i], sizeof(tx[i]), name);
	}
	path_in(pr.log, sizeof(pr.log), "few-txq.log");
	write_two_port_config(cfg);
	write_pcap(rx, &empty);
	pcap_vdev(vdev[0], sizeof(vdev[0]), 0, false, 1, rxs, 1, tx0);
	pcap_vdev(vdev[1], sizeof(vdev[1]), 1, false, 1, rxs, 2, tx1);
	spawn_vdevs(&pr, vdevs, 2, "0,1", cfg, NULL, "--idle-exit", "300");
	assert_true(reap(&pr, 60) > 0);
	if (!log_has(&pr, "port net_pcap0: server.mode dhcp over 2 ports "
			  "needs a TX queue per worker on every port (2), "
			  "the device has 1"))
		fail_msg("no refusal in %s", pr.log);
}

static int
rm_dir(void **state)
{
	char cmd[128];

	(void)state;
	if (getenv("DPXE_E2E_KEEP") == NULL) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dora),
		cmocka_unit_test(test_restart),
		cmocka_unit_test(test_reload),
		cmocka_unit_test(test_two_ports),
		cmocka_unit_test(test_two_ports_few_txq),
	};

	if (argc < 2) {
		fprintf(stderr, "usage: %s DPXE_BINARY\n", argv[0]);
		return 2;
	}
	dpxe = argv[1];
	snprintf(dir, sizeof(dir), "/tmp/dpxe-e2e-dhcp-XXXXXX");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, rm_dir);
}
