/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The semantic pass run on what libcyaml loaded: fill defaults, turn
 * address text into integers, read providers[].settings from the libyaml
 * tree, and check what a schema can't say (addresses, cross-field and
 * cross-section rules). Each error names the field path; the node index
 * turns it into a line and column.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"

#define PATH(buf, ...) snprintf(buf, sizeof(buf), __VA_ARGS__)

struct resolve {
	struct dpxe_config_ctx *ctx;
	struct dpxe_config *cfg;
	char path[DPXE_CONFIG_PATH_MAX];
};

/* ---- leaf helpers: parse one field, or report it ---- */

static int
ipv4_field(struct resolve *r, const char *text, uint32_t *out)
{
	if (dpxe_config_ipv4_parse(text, out) != 0)
		return dpxe_config_fail_at(r->ctx, r->path, "expected an IPv4 "
				"address (a.b.c.d), got \"%.40s\"", text);
	if (*out == 0 || *out == UINT32_MAX || (*out >> 28) == 0xe)
		return dpxe_config_fail_at(r->ctx, r->path, "expected a "
				"unicast IPv4 address, got %s", text);
	return 0;
}

static int
net_field(struct resolve *r, const char *text, struct dpxe_config_ipv4_net *n)
{
	bool host_bits;
	char fixed[16];

	if (dpxe_config_net_parse(text, n, &host_bits) != 0)
		return dpxe_config_fail_at(r->ctx, r->path, "expected an IPv4 "
				"subnet (a.b.c.d/len), got \"%.40s\"", text);
	if (host_bits) {
		dpxe_config_ipv4_format(n->addr, fixed);
		return dpxe_config_fail_at(r->ctx, r->path, "%s has host bits "
				"set (did you mean %s/%u?)", text, fixed,
				n->prefix);
	}
	return 0;
}

static bool
in_net(uint32_t addr, uint32_t net, uint32_t mask)
{
	return (addr & mask) == (net & mask);
}

/* Is addr (host order) inside one of the (resolved) subnets? */
static bool
in_any_subnet(const struct dpxe_config *cfg, uint32_t addr)
{
	for (uint32_t j = 0; j < cfg->subnets_count; j++)
		if (in_net(addr, cfg->subnets[j].net.addr,
			   cfg->subnets[j].net.mask))
			return true;
	return false;
}

/* An exact match, or a prefix written with one trailing '*'. */
static int
pattern_field(struct resolve *r, const char *text,
		struct dpxe_config_pattern *p)
{
	size_t n = strlen(text);
	const char *star = strchr(text, '*');

	if (star != NULL && star != text + n - 1)
		return dpxe_config_fail_at(r->ctx, r->path, "'*' is only "
				"allowed at the end (a prefix match), got "
				"\"%.40s\"", text);
	p->text = text;
	p->prefix = star != NULL;
	p->len = (uint16_t)(star != NULL ? n - 1 : n);
	return 0;
}

/* Host and domain names: letters, digits, '-' and '.' */
static int
name_field(struct resolve *r, const char *text, const char *what)
{
	for (const char *c = text; *c != '\0'; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '-' || *c == '.'))
			return dpxe_config_fail_at(r->ctx, r->path, "expected "
					"%s (letters, digits, '-' and '.'), "
					"got \"%.40s\"", what, text);
	return 0;
}

/*
 * The first entry (in file order) whose 64-bit key repeats an earlier one;
 * sorting keeps this linear-ish for thousands of hosts.
 */
struct keyed {
	uint64_t key;
	uint32_t index;
};

static int
keyed_cmp(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->index < y->index ? -1 : (x->index > y->index);
}

/* Returns 0 (none), -ENOMEM, or 1 with *first / *again set. */
static int
find_duplicate(struct keyed *k, uint32_t n, uint32_t *first, uint32_t *again)
{
	bool found = false;

	qsort(k, n, sizeof(*k), keyed_cmp);
	for (uint32_t i = 1; i < n; i++) {
		/* k[i - 1] is the earliest entry with this key only if it
		 * starts a run; walk back to the run's start. */
		if (k[i].key != k[i - 1].key)
			continue;
		if (!found || k[i].index < *again) {
			uint32_t s = i - 1;

			while (s > 0 && k[s - 1].key == k[i].key)
				s--;
			*first = k[s].index;
			*again = k[i].index;
			found = true;
		}
	}
	return found;
}

static uint64_t
mac_key(const uint8_t mac[6])
{
	uint64_t k = 0;

	for (int i = 0; i < 6; i++)
		k = k << 8 | mac[i];
	return k;
}

/* ---- server ---- */

static int
resolve_server(struct resolve *r)
{
	struct dpxe_config_server *s = &r->cfg->server;
	int rc;

	for (uint32_t i = 0; i < s->ports_count; i++) {
		struct dpxe_config_server_port *p = &s->ports[i];
		char a[16];

		PATH(r->path, "server.ports[%u].ip", i);
		rc = ipv4_field(r, p->ip_text, &p->ip);
		if (rc != 0)
			return rc;
		p->mask = dpxe_config_prefix_mask(p->prefix);
		if (p->prefix <= 30 && ((p->ip & ~p->mask) == 0 ||
				(p->ip | p->mask) == UINT32_MAX)) {
			dpxe_config_ipv4_format(p->ip & p->mask, a);
			return dpxe_config_fail_at(r->ctx, r->path, "%s is the "
					"%s address of %s/%u, not a host "
					"address", p->ip_text,
					(p->ip & ~p->mask) == 0 ?
					"network" : "broadcast", a, p->prefix);
		}

		PATH(r->path, "server.ports[%u].mac", i);
		p->mac_auto = p->mac_text == NULL ||
			strcmp(p->mac_text, "auto") == 0;
		if (!p->mac_auto) {
			if (dpxe_config_mac_parse(p->mac_text, p->mac) != 0)
				return dpxe_config_fail_at(r->ctx, r->path,
						"expected \"auto\" or a MAC "
						"address (52:54:00:12:34:56), "
						"got \"%.40s\"", p->mac_text);
			if (p->mac[0] & 1)
				return dpxe_config_fail_at(r->ctx, r->path,
						"%s is a multicast MAC; the "
						"server needs a unicast one",
						p->mac_text);
		}

		if (p->gateway_text != NULL) {
			PATH(r->path, "server.ports[%u].gateway", i);
			rc = ipv4_field(r, p->gateway_text, &p->gateway);
			if (rc != 0)
				return rc;
			if (!in_net(p->gateway, p->ip, p->mask) ||
			    p->gateway == p->ip)
				return dpxe_config_fail_at(r->ctx, r->path,
						"gateway %s is not another "
						"host of %s/%u", p->gateway_text,
						p->ip_text, p->prefix);
		}
	}
	return 0;
}

/* ---- dataplane ---- */

static int
resolve_dataplane(struct resolve *r)
{
	struct dpxe_config_dataplane *d = &r->cfg->dataplane;
	uint32_t queues = 0;

	if (d->ports_count != r->cfg->server.ports_count)
		return dpxe_config_fail_at(r->ctx, "dataplane.ports", "%u "
				"port%s, but server.ports has %u: each "
				"dataplane port needs a server identity at the "
				"same position", d->ports_count,
				d->ports_count == 1 ? "" : "s",
				r->cfg->server.ports_count);

	for (uint32_t i = 0; i < d->ports_count; i++) {
		struct dpxe_config_dp_port *p = &d->ports[i];

		if (p->rx_queues == 0)
			p->rx_queues = 1;
		queues += p->rx_queues;
		for (uint32_t j = 0; j < i; j++) {
			if (strcmp(d->ports[j].name, p->name) == 0) {
				PATH(r->path, "dataplane.ports[%u].name", i);
				return dpxe_config_fail_at(r->ctx, r->path,
						"duplicate port name \"%s\" "
						"(also dataplane.ports[%u])",
						p->name, j);
			}
			if (strcmp(d->ports[j].devargs, p->devargs) == 0) {
				PATH(r->path, "dataplane.ports[%u].devargs",
						i);
				return dpxe_config_fail_at(r->ctx, r->path,
						"the same device as "
						"dataplane.ports[%u]", j);
			}
		}
	}

	if (d->workers_count > 0 && d->workers_count != queues)
		return dpxe_config_fail_at(r->ctx, "dataplane.workers", "%u "
				"lcore%s for %u rx queue%s: give one lcore per "
				"queue (or leave workers out)",
				d->workers_count,
				d->workers_count == 1 ? "" : "s", queues,
				queues == 1 ? "" : "s");
	for (uint32_t i = 0; i < d->workers_count; i++)
		for (uint32_t j = 0; j < i; j++)
			if (d->workers[i] == d->workers[j]) {
				PATH(r->path, "dataplane.workers[%u]", i);
				return dpxe_config_fail_at(r->ctx, r->path,
						"lcore %u is listed twice",
						d->workers[i]);
			}

	if (d->mbufs_per_worker == 0)
		d->mbufs_per_worker = 8191;
	if (!dpxe_config_has(r->ctx, "dataplane.mbuf_cache"))
		d->mbuf_cache = 256;
	if (d->burst == 0)
		d->burst = 32;
	if (d->provider_timeout_ms == 0)
		d->provider_timeout_ms = 5000;
	/* rte_mempool_create() refuses a cache above n / 1.5. */
	if ((uint64_t)d->mbuf_cache * 3 > (uint64_t)d->mbufs_per_worker * 2)
		return dpxe_config_fail_at(r->ctx, "dataplane.mbuf_cache",
				"%u is too large for mbufs_per_worker %u (DPDK "
				"needs mbuf_cache <= mbufs_per_worker / 1.5)",
				d->mbuf_cache, d->mbufs_per_worker);
	return 0;
}

/* ---- boot ---- */

static int
resolve_match(struct resolve *r, uint32_t i, struct dpxe_config_match *m)
{
	int rc;

	m->given = 0;
	if (m->arch_count > 0)
		m->given |= DPXE_CONFIG_MATCH_ARCH;
	if (m->vendor_class_text != NULL) {
		PATH(r->path, "boot.rules[%u].match.vendor_class", i);
		rc = pattern_field(r, m->vendor_class_text, &m->vendor_class);
		if (rc != 0)
			return rc;
		m->given |= DPXE_CONFIG_MATCH_VENDOR_CLASS;
	}
	if (m->user_class_text != NULL) {
		PATH(r->path, "boot.rules[%u].match.user_class", i);
		rc = pattern_field(r, m->user_class_text, &m->user_class);
		if (rc != 0)
			return rc;
		m->given |= DPXE_CONFIG_MATCH_USER_CLASS;
	}
	if (dpxe_config_has(r->ctx, "boot.rules[%u].match.ipxe", i))
		m->given |= DPXE_CONFIG_MATCH_IPXE;
	if (m->mac_text != NULL) {
		PATH(r->path, "boot.rules[%u].match.mac", i);
		if (dpxe_config_mac_match_parse(m->mac_text, &m->mac) != 0)
			return dpxe_config_fail_at(r->ctx, r->path, "expected "
					"a MAC address, or a MAC prefix ending "
					"in * (\"52:54:00:*\"), got \"%.40s\"",
					m->mac_text);
		m->given |= DPXE_CONFIG_MATCH_MAC;
	}
	if (m->relay_text != NULL) {
		PATH(r->path, "boot.rules[%u].match.relay", i);
		rc = net_field(r, m->relay_text, &m->relay);
		if (rc != 0)
			return rc;
		m->given |= DPXE_CONFIG_MATCH_RELAY;
	}
	return 0;
}

/* Option 43 sub-option 9: per item 2 bytes type, 1 length, the text. */
static int
resolve_menu(struct resolve *r, uint32_t i, struct dpxe_config_boot_rule *b)
{
	size_t bytes = 0;

	for (uint32_t j = 0; j < b->menu_count; j++) {
		bytes += 3 + strlen(b->menu[j].text);
		for (uint32_t k = 0; k < j; k++)
			if (b->menu[k].type == b->menu[j].type) {
				PATH(r->path, "boot.rules[%u].menu[%u].type",
						i, j);
				return dpxe_config_fail_at(r->ctx, r->path,
						"type %u is already used by "
						"menu[%u]", b->menu[j].type,
						k);
			}
	}
	PATH(r->path, "boot.rules[%u].menu", i);
	if (bytes > 255)
		return dpxe_config_fail_at(r->ctx, r->path, "the menu takes "
				"%zu bytes; PXE option 43 sub-option 9 holds "
				"255 (shorten the texts or drop entries)",
				bytes);
	if (b->menu_prompt != NULL && b->menu_count == 0) {
		PATH(r->path, "boot.rules[%u].menu_prompt", i);
		return dpxe_config_fail_at(r->ctx, r->path, "a prompt needs a "
				"menu to choose from");
	}
	if (!dpxe_config_has(r->ctx, "boot.rules[%u].menu_timeout", i))
		b->menu_timeout = 10;
	return 0;
}

static int
resolve_rule(struct resolve *r, uint32_t i)
{
	struct dpxe_config_boot *boot = &r->cfg->boot;
	struct dpxe_config_boot_rule *b = &boot->rules[i];
	int rc;

	for (uint32_t j = 0; j < i; j++)
		if (strcmp(boot->rules[j].name, b->name) == 0) {
			PATH(r->path, "boot.rules[%u].name", i);
			return dpxe_config_fail_at(r->ctx, r->path, "duplicate "
					"rule name \"%s\" (also boot.rules[%u])",
					b->name, j);
		}

	rc = resolve_match(r, i, &b->match);
	if (rc != 0)
		return rc;

	/* boot_file and url together are one machine's two stages: the
	 * plain PXE ROM gets boot_file (iPXE, say), and the same client,
	 * now running iPXE or UEFI HTTP boot, gets the url (lib/boot). */
	if (b->url != NULL) {
		const char *sep = strstr(b->url, "://");
		const char *c = b->url;

		while (c < sep && ((*c >= 'a' && *c <= 'z') || *c == '+'))
			c++;
		if (sep == NULL || sep == b->url || c != sep || sep[3] == '\0') {
			PATH(r->path, "boot.rules[%u].url", i);
			return dpxe_config_fail_at(r->ctx, r->path, "expected "
					"a URL (http://server/path), got "
					"\"%.40s\"", b->url);
		}
	}
	if (b->boot_file == NULL && b->url == NULL && !b->boot_server &&
	    b->menu_count == 0) {
		PATH(r->path, "boot.rules[%u]", i);
		return dpxe_config_fail_at(r->ctx, r->path, "the rule gives "
				"the client nothing to boot: set boot_file, "
				"url, a menu, or boot_server: true");
	}

	b->tftp_server = boot->tftp_server;
	if (b->tftp_server_text != NULL) {
		PATH(r->path, "boot.rules[%u].tftp_server", i);
		rc = ipv4_field(r, b->tftp_server_text, &b->tftp_server);
		if (rc != 0)
			return rc;
	}
	return resolve_menu(r, i, b);
}

static int
resolve_boot(struct resolve *r)
{
	struct dpxe_config_boot *boot = &r->cfg->boot;
	int rc;

	if (boot->tftp_server_text != NULL) {
		PATH(r->path, "boot.tftp_server");
		rc = ipv4_field(r, boot->tftp_server_text, &boot->tftp_server);
		if (rc != 0)
			return rc;
	}
	for (uint32_t i = 0; i < boot->rules_count; i++) {
		rc = resolve_rule(r, i);
		if (rc != 0)
			return rc;
	}
	if (r->cfg->server.mode == DPXE_CONFIG_MODE_PROXY &&
	    boot->rules_count == 0 && r->cfg->providers_count == 0)
		return dpxe_config_fail_at(r->ctx, "boot.rules", "proxy mode "
				"only answers with boot information: give at "
				"least one boot rule (or a provider)");
	return 0;
}

/* ---- subnets ---- */

static int
resolve_pools(struct resolve *r, uint32_t i, struct dpxe_config_subnet *s)
{
	const struct dpxe_config_ipv4_net *n = &s->net;
	int rc;

	for (uint32_t j = 0; j < s->pools_count; j++) {
		struct dpxe_config_pool *p = &s->pools[j];
		uint32_t first = n->addr, last = n->addr | ~n->mask;

		PATH(r->path, "subnets[%u].pools[%u].start", i, j);
		rc = ipv4_field(r, p->start_text, &p->start);
		if (rc != 0)
			return rc;
		PATH(r->path, "subnets[%u].pools[%u].end", i, j);
		rc = ipv4_field(r, p->end_text, &p->end);
		if (rc != 0)
			return rc;
		if (p->start > p->end)
			return dpxe_config_fail_at(r->ctx, r->path, "end %s is "
					"before start %s", p->end_text,
					p->start_text);
		/* The network and broadcast addresses are not for hosts. */
		if (n->prefix <= 30) {
			first++;
			last--;
		}
		if (p->start < first || p->end > last) {
			PATH(r->path, "subnets[%u].pools[%u]", i, j);
			return dpxe_config_fail_at(r->ctx, r->path, "pool "
					"%s-%s is not inside the host "
					"addresses of subnet %s",
					p->start_text, p->end_text,
					s->subnet_text);
		}
		for (uint32_t k = 0; k < j; k++)
			if (p->start <= s->pools[k].end &&
			    s->pools[k].start <= p->end) {
				PATH(r->path, "subnets[%u].pools[%u]", i, j);
				return dpxe_config_fail_at(r->ctx, r->path,
						"pool %s-%s overlaps pools[%u]",
						p->start_text, p->end_text, k);
			}
	}
	return 0;
}

static int
resolve_times(struct resolve *r, uint32_t i, struct dpxe_config_subnet *s)
{
	bool t1 = s->renew_time != 0, t2 = s->rebind_time != 0;

	if (s->lease_time == 0)
		s->lease_time = 3600;
	if (!t1)
		s->renew_time = s->lease_time / 2;
	if (!t2)
		s->rebind_time = (uint32_t)((uint64_t)s->lease_time * 7 / 8);

	if (s->renew_time >= s->rebind_time) {
		PATH(r->path, t1 ? "subnets[%u].renew_time" :
				"subnets[%u].rebind_time", i);
		return dpxe_config_fail_at(r->ctx, r->path, "renew_time (T1, "
				"%u s) must be less than rebind_time (T2, "
				"%u s)", s->renew_time, s->rebind_time);
	}
	if (s->rebind_time >= s->lease_time) {
		PATH(r->path, t2 ? "subnets[%u].rebind_time" :
				"subnets[%u].lease_time", i);
		return dpxe_config_fail_at(r->ctx, r->path, "rebind_time (T2, "
				"%u s) must be less than lease_time (%u s)",
				s->rebind_time, s->lease_time);
	}
	return 0;
}

static int
resolve_subnet(struct resolve *r, uint32_t i)
{
	struct dpxe_config_subnet *s = &r->cfg->subnets[i];
	int rc;

	PATH(r->path, "subnets[%u].subnet", i);
	rc = net_field(r, s->subnet_text, &s->net);
	if (rc != 0)
		return rc;
	for (uint32_t j = 0; j < i; j++) {
		const struct dpxe_config_ipv4_net *o = &r->cfg->subnets[j].net;
		uint32_t mask = s->net.mask & o->mask; /* the wider one */

		if (in_net(s->net.addr, o->addr, mask))
			return dpxe_config_fail_at(r->ctx, r->path, "%s "
					"overlaps subnets[%u] (%s)",
					s->subnet_text, j,
					r->cfg->subnets[j].subnet_text);
	}

	rc = resolve_pools(r, i, s);
	if (rc != 0)
		return rc;

	if (s->router_text != NULL) {
		PATH(r->path, "subnets[%u].router", i);
		rc = ipv4_field(r, s->router_text, &s->router);
		if (rc != 0)
			return rc;
		if (!in_net(s->router, s->net.addr, s->net.mask))
			return dpxe_config_fail_at(r->ctx, r->path, "router "
					"%s is not inside subnet %s",
					s->router_text, s->subnet_text);
	}
	for (uint32_t j = 0; j < s->dns_count; j++) {
		PATH(r->path, "subnets[%u].dns[%u]", i, j);
		rc = ipv4_field(r, s->dns_text[j], &s->dns[j]);
		if (rc != 0)
			return rc;
	}
	if (s->domain != NULL) {
		PATH(r->path, "subnets[%u].domain", i);
		rc = name_field(r, s->domain, "a domain name");
		if (rc != 0)
			return rc;
	}
	return resolve_times(r, i, s);
}

static int
resolve_subnets(struct resolve *r)
{
	struct dpxe_config *cfg = r->cfg;
	int rc;

	if (cfg->server.mode == DPXE_CONFIG_MODE_DHCP &&
	    cfg->subnets_count == 0)
		return dpxe_config_fail_at(r->ctx, "server.mode", "dhcp mode "
				"hands out addresses: it needs at least one "
				"entry in subnets");
	if (cfg->server.mode != DPXE_CONFIG_MODE_DHCP &&
	    cfg->subnets_count > 0)
		return dpxe_config_fail_at(r->ctx, "subnets", "subnets are "
				"only used with server.mode: dhcp (set it, or "
				"remove them)");
	for (uint32_t i = 0; i < cfg->subnets_count; i++) {
		rc = resolve_subnet(r, i);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* ---- hosts ---- */

static int
host_duplicates(struct resolve *r, bool by_ip)
{
	struct dpxe_config *cfg = r->cfg;
	struct keyed *k;
	uint32_t n = 0, first = 0, again = 0;
	int found;

	if (cfg->hosts_count < 2)
		return 0;
	k = calloc(cfg->hosts_count, sizeof(*k));
	if (k == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i < cfg->hosts_count; i++) {
		if (by_ip && cfg->hosts[i].ip_text == NULL)
			continue;
		k[n].key = by_ip ? cfg->hosts[i].ip :
			mac_key(cfg->hosts[i].mac);
		k[n++].index = i;
	}
	found = find_duplicate(k, n, &first, &again);
	free(k);
	if (!found)
		return 0;
	PATH(r->path, "hosts[%u].%s", again, by_ip ? "ip" : "mac");
	return dpxe_config_fail_at(r->ctx, r->path, "duplicate host %s %s "
			"(also hosts[%u])", by_ip ? "address" : "MAC",
			by_ip ? cfg->hosts[again].ip_text :
			cfg->hosts[again].mac_text, first);
}

static int
resolve_hosts(struct resolve *r)
{
	struct dpxe_config *cfg = r->cfg;
	int rc;

	for (uint32_t i = 0; i < cfg->hosts_count; i++) {
		struct dpxe_config_host *h = &cfg->hosts[i];

		PATH(r->path, "hosts[%u].mac", i);
		if (dpxe_config_mac_parse(h->mac_text, h->mac) != 0)
			return dpxe_config_fail_at(r->ctx, r->path, "expected "
					"a MAC address (52:54:00:12:34:56), "
					"got \"%.40s\"", h->mac_text);
		if (h->hostname != NULL) {
			PATH(r->path, "hosts[%u].hostname", i);
			rc = name_field(r, h->hostname, "a host name");
			if (rc != 0)
				return rc;
		}
		if (h->ip_text == NULL)
			continue;
		PATH(r->path, "hosts[%u].ip", i);
		rc = ipv4_field(r, h->ip_text, &h->ip);
		if (rc != 0)
			return rc;
		if (cfg->server.mode != DPXE_CONFIG_MODE_DHCP)
			return dpxe_config_fail_at(r->ctx, r->path, "a fixed "
					"address needs server.mode: dhcp "
					"(proxy mode hands out none)");
		if (!in_any_subnet(cfg, h->ip))
			return dpxe_config_fail_at(r->ctx, r->path, "%s is not "
					"inside any of the subnets", h->ip_text);
	}
	rc = host_duplicates(r, false);
	if (rc == 0)
		rc = host_duplicates(r, true);
	return rc;
}

/* ---- providers ---- */

static int
resolve_settings(struct resolve *r, uint32_t i, struct dpxe_config_provider *p)
{
	const struct dpxe_config_loc *loc;
	yaml_document_t *doc = &r->ctx->doc;
	yaml_node_pair_t *pair, *start;
	yaml_node_t *node;
	size_t n;

	PATH(r->path, "providers[%u].settings", i);
	loc = dpxe_config_find(r->ctx, r->path);
	if (loc == NULL)
		return 0;
	node = loc->node;
	if (node->type != YAML_MAPPING_NODE) {
		char got[96];

		dpxe_config_describe(got, sizeof(got), node);
		return dpxe_config_fail_at(r->ctx, r->path, "expected a "
				"mapping of names to values, got %s", got);
	}

	start = node->data.mapping.pairs.start;
	n = (size_t)(node->data.mapping.pairs.top - start);
	p->settings = calloc(n > 0 ? n : 1, sizeof(*p->settings));
	if (p->settings == NULL)
		return -ENOMEM;
	for (pair = start; pair < node->data.mapping.pairs.top; pair++) {
		yaml_node_t *key = yaml_document_get_node(doc, pair->key);
		yaml_node_t *value = yaml_document_get_node(doc, pair->value);
		struct dpxe_config_setting *s;
		const char *name;

		if (key->type != YAML_SCALAR_NODE ||
		    key->data.scalar.length == 0)
			return dpxe_config_fail_mark(r->ctx, r->path,
					&key->start_mark, "expected a "
					"setting name");
		name = (const char *)key->data.scalar.value;
		for (uint32_t j = 0; j < p->settings_count; j++)
			if (strcmp(p->settings[j].key, name) == 0)
				return dpxe_config_fail_mark(r->ctx, r->path,
						&key->start_mark, "duplicate "
						"setting \"%.64s\"", name);
		if (value->type != YAML_SCALAR_NODE) {
			char got[96];

			dpxe_config_describe(got, sizeof(got), value);
			PATH(r->path, "providers[%u].settings.%.64s", i, name);
			return dpxe_config_fail_mark(r->ctx, r->path,
					&value->start_mark, "expected a "
					"single value (string, number or "
					"true/false), got %s", got);
		}
		s = &p->settings[p->settings_count];
		s->key = strdup(name);
		s->value = strdup((const char *)value->data.scalar.value);
		if (s->key == NULL || s->value == NULL) {
			free(s->key);
			free(s->value);
			return -ENOMEM;
		}
		p->settings_count++;
	}
	return 0;
}

static int
resolve_providers(struct resolve *r)
{
	struct dpxe_config *cfg = r->cfg;
	int rc;

	for (uint32_t i = 0; i < cfg->providers_count; i++) {
		struct dpxe_config_provider *p = &cfg->providers[i];

		PATH(r->path, "providers[%u].name", i);
		for (const char *c = p->name; *c != '\0'; c++)
			if (!((*c >= 'a' && *c <= 'z') ||
			      (*c >= 'A' && *c <= 'Z') ||
			      (*c >= '0' && *c <= '9') || *c == '-' ||
			      *c == '_'))
				return dpxe_config_fail_at(r->ctx, r->path,
						"expected a name of letters, "
						"digits, '-' and '_', got "
						"\"%.40s\"", p->name);
		for (uint32_t j = 0; j < i; j++)
			if (strcmp(cfg->providers[j].name, p->name) == 0)
				return dpxe_config_fail_at(r->ctx, r->path,
						"duplicate provider name "
						"\"%s\" (also providers[%u])",
						p->name, j);
		if (!dpxe_config_has(r->ctx, "providers[%u].critical", i))
			p->critical = true;
		rc = resolve_settings(r, i, p);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* ---- full DHCP mode as a whole ---- */

/*
 * A client on a port's own link asks from giaddr 0 and gets an address from
 * the subnet holding the port's ip; a port none of the subnets holds can
 * only serve relayed clients, which is fine when some subnet is there for
 * them (one holding no port's address), and a mistake otherwise.
 */
static int
resolve_dhcp_ports(struct resolve *r)
{
	struct dpxe_config *cfg = r->cfg;
	bool relayed = false;

	for (uint32_t j = 0; j < cfg->subnets_count; j++) {
		bool attached = false;

		for (uint32_t i = 0; i < cfg->server.ports_count; i++)
			attached |= in_net(cfg->server.ports[i].ip,
					cfg->subnets[j].net.addr,
					cfg->subnets[j].net.mask);
		relayed |= !attached;
	}
	if (relayed)
		return 0;
	for (uint32_t i = 0; i < cfg->server.ports_count; i++) {
		const struct dpxe_config_server_port *p = &cfg->server.ports[i];

		if (in_any_subnet(cfg, p->ip))
			continue;
		PATH(r->path, "server.ports[%u].ip", i);
		return dpxe_config_fail_at(r->ctx, r->path, "%s is in none of "
				"the subnets: clients on this port would get no "
				"address (add a subnet holding it, or subnets "
				"for the relays that send to it)", p->ip_text);
	}
	return 0;
}

static int
resolve_leases(struct resolve *r)
{
	struct dpxe_config *cfg = r->cfg;
	struct dpxe_config_leases *l = &cfg->leases;

	if (cfg->server.mode != DPXE_CONFIG_MODE_DHCP &&
	    dpxe_config_has(r->ctx, "leases"))
		return dpxe_config_fail_at(r->ctx, "leases", "leases are only "
				"used with server.mode: dhcp (set it, or remove "
				"this section)");
	if (l->capacity == 0)
		l->capacity = 65536;
	if (l->offer_time == 0)
		l->offer_time = 60;
	if (l->decline_time == 0)
		l->decline_time = 600;
	if (l->flush_ms == 0)
		l->flush_ms = 50;
	if (cfg->server.mode != DPXE_CONFIG_MODE_DHCP)
		return 0;
	/* The provider chain answers in proxy mode only so far: a provider
	 * has no say over addresses, and the built-in DHCP server does not
	 * hand requests to it. Refused here rather than ignored at run time. */
	if (cfg->providers_count > 0)
		return dpxe_config_fail_at(r->ctx, "providers", "providers "
				"with server.mode dhcp: not supported yet (remove "
				"them: boot.rules give the boot information in "
				"dhcp mode)");
	/* A client's lease lives on one worker; only software spreading by
	 * chaddr brings all its frames there (lib/dataplane/port.c turns it
	 * on whenever there are two workers or more). */
	if (cfg->dataplane.spreading == DPXE_CONFIG_SPREADING_FLOW ||
	    cfg->dataplane.spreading == DPXE_CONFIG_SPREADING_NONE)
		return dpxe_config_fail_at(r->ctx, "dataplane.spreading",
				"server.mode dhcp needs spreading auto or "
				"software (every frame of a client must reach "
				"the worker holding its lease), not %s",
				dpxe_config_spreading_name(cfg->dataplane.spreading));
	return resolve_dhcp_ports(r);
}

int
dpxe_config_resolve(struct dpxe_config_ctx *ctx, struct dpxe_config *cfg)
{
	struct resolve r = { .ctx = ctx, .cfg = cfg };
	int rc;

	/* Sections in file-reading order; subnets before hosts, which
	 * must fall inside them. */
	rc = resolve_server(&r);
	if (rc == 0)
		rc = resolve_dataplane(&r);
	if (rc == 0)
		rc = resolve_boot(&r);
	if (rc == 0)
		rc = resolve_subnets(&r);
	if (rc == 0)
		rc = resolve_hosts(&r);
	if (rc == 0)
		rc = resolve_providers(&r);
	if (rc == 0)
		rc = resolve_leases(&r);
	if (rc == 0 && cfg->log.level == 0)
		cfg->log.level = DPXE_CONFIG_LOG_INFO;
	return rc;
}

void
dpxe_config_resolve_free(struct dpxe_config *cfg)
{
	for (uint32_t i = 0; i < cfg->providers_count; i++) {
		struct dpxe_config_provider *p = &cfg->providers[i];

		for (uint32_t j = 0; j < p->settings_count; j++) {
			free(p->settings[j].key);
			free(p->settings[j].value);
		}
		free(p->settings);
		p->settings = NULL;
		p->settings_count = 0;
	}
}
