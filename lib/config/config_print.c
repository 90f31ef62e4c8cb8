/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpxe_config_print(): the effective configuration, defaults filled in, as
 * YAML that loads back to the same values. Written by hand rather than with
 * cyaml_save so that resolved values (not the text as typed) and the
 * free-form provider settings come out, in the documented key order.
 */
#include <inttypes.h>
#include <stdio.h>

#include "config_internal.h"

static const char *
strval_name(const cyaml_strval_t *t, unsigned n, int64_t v)
{
	/* First match: the tables list canonical names before aliases. */
	for (unsigned i = 0; i < n; i++)
		if (t[i].val == v)
			return t[i].str;
	return "?";
}

const char *
dpxe_config_mode_name(enum dpxe_config_mode mode)
{
	return strval_name(dpxe_config_mode_strings,
			dpxe_config_mode_strings_count, mode);
}

const char *
dpxe_config_spreading_name(enum dpxe_config_spreading s)
{
	return strval_name(dpxe_config_spreading_strings,
			dpxe_config_spreading_strings_count, s);
}

const char *
dpxe_config_log_level_name(enum dpxe_config_log_level level)
{
	return strval_name(dpxe_config_log_level_strings,
			dpxe_config_log_level_strings_count, level);
}

/* Strings always double-quoted: no YAML type guessing on the way back. */
void
dpxe_config_print_quoted(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void
put_key_str(FILE *f, const char *indent, const char *key, const char *s)
{
	if (s == NULL)
		return;
	fprintf(f, "%s%s: ", indent, key);
	dpxe_config_print_quoted(f, s);
	fputc('\n', f);
}

static void
put_ipv4(FILE *f, const char *indent, const char *key, uint32_t a)
{
	char buf[16];

	dpxe_config_ipv4_format(a, buf);
	fprintf(f, "%s%s: %s\n", indent, key, buf);
}

static void
put_mac(FILE *f, const uint8_t *m, unsigned len)
{
	for (unsigned i = 0; i < len; i++)
		fprintf(f, "%s%02x", i > 0 ? ":" : "", m[i]);
}

static void
put_net(FILE *f, const char *indent, const char *key,
		const struct dpxe_config_ipv4_net *n)
{
	char buf[16];

	dpxe_config_ipv4_format(n->addr, buf);
	fprintf(f, "%s%s: %s/%u\n", indent, key, buf, n->prefix);
}

static void
print_server(FILE *f, const struct dpxe_config_server *s)
{
	fprintf(f, "server:\n  mode: %s\n", dpxe_config_mode_name(s->mode));
	put_key_str(f, "  ", "name", s->name);
	fprintf(f, "  ports:\n");
	for (uint32_t i = 0; i < s->ports_count; i++) {
		const struct dpxe_config_server_port *p = &s->ports[i];

		put_ipv4(f, "    - ", "ip", p->ip);
		fprintf(f, "      prefix: %u\n      mac: ", p->prefix);
		if (p->mac_auto) {
			fprintf(f, "auto\n");
		} else {
			fputc('"', f);
			put_mac(f, p->mac, 6);
			fprintf(f, "\"\n");
		}
		if (p->gateway != 0)
			put_ipv4(f, "      ", "gateway", p->gateway);
	}
}

static void
print_dataplane(FILE *f, const struct dpxe_config_dataplane *d)
{
	fprintf(f, "dataplane:\n  ports:\n");
	for (uint32_t i = 0; i < d->ports_count; i++) {
		const struct dpxe_config_dp_port *p = &d->ports[i];

		put_key_str(f, "    - ", "name", p->name);
		put_key_str(f, "      ", "devargs", p->devargs);
		fprintf(f, "      rx_queues: %u\n      vlan: %u\n",
				p->rx_queues, p->vlan);
	}
	if (d->workers_count > 0) {
		fprintf(f, "  workers: [");
		for (uint32_t i = 0; i < d->workers_count; i++)
			fprintf(f, "%s%u", i > 0 ? ", " : "", d->workers[i]);
		fprintf(f, "]\n");
	} else {
		fprintf(f, "  # workers: not set, lcores picked at start-up\n");
	}
	fprintf(f, "  mbufs_per_worker: %u\n  mbuf_cache: %u\n  burst: %u\n"
			"  spreading: %s\n  reply_delay_ms: %u\n"
			"  provider_timeout_ms: %u\n",
			d->mbufs_per_worker, d->mbuf_cache, d->burst,
			dpxe_config_spreading_name(d->spreading),
			d->reply_delay_ms, d->provider_timeout_ms);
}

static void
print_match(FILE *f, const struct dpxe_config_match *m)
{
	const char *in = "        ";

	if (m->given == 0) {
		fprintf(f, "      match: {}  # any client\n");
		return;
	}
	fprintf(f, "      match:\n");
	if (m->given & DPXE_CONFIG_MATCH_ARCH) {
		fprintf(f, "%sarch: [", in);
		for (uint32_t i = 0; i < m->arch_count; i++)
			fprintf(f, "%s%u", i > 0 ? ", " : "", m->arch[i]);
		fprintf(f, "]\n");
	}
	if (m->given & DPXE_CONFIG_MATCH_VENDOR_CLASS)
		put_key_str(f, in, "vendor_class", m->vendor_class_text);
	if (m->given & DPXE_CONFIG_MATCH_USER_CLASS)
		put_key_str(f, in, "user_class", m->user_class_text);
	if (m->given & DPXE_CONFIG_MATCH_IPXE)
		fprintf(f, "%sipxe: %s\n", in, m->ipxe ? "true" : "false");
	if (m->given & DPXE_CONFIG_MATCH_MAC) {
		fprintf(f, "%smac: \"", in);
		put_mac(f, m->mac.addr, m->mac.len);
		fprintf(f, "%s\"\n", m->mac.len == 6 ? "" :
				m->mac.len == 0 ? "*" : ":*");
	}
	if (m->given & DPXE_CONFIG_MATCH_RELAY)
		put_net(f, in, "relay", &m->relay);
}

static void
print_boot(FILE *f, const struct dpxe_config_boot *b)
{
	fprintf(f, "boot:\n");
	if (b->tftp_server != 0)
		put_ipv4(f, "  ", "tftp_server", b->tftp_server);
	else
		fprintf(f, "  # tftp_server: not set, the answering port's "
				"ip\n");
	fprintf(f, "  rules:%s\n", b->rules_count == 0 ? " []" : "");
	for (uint32_t i = 0; i < b->rules_count; i++) {
		const struct dpxe_config_boot_rule *r = &b->rules[i];

		put_key_str(f, "    - ", "name", r->name);
		print_match(f, &r->match);
		put_key_str(f, "      ", "boot_file", r->boot_file);
		put_key_str(f, "      ", "url", r->url);
		if (r->tftp_server != 0)
			put_ipv4(f, "      ", "tftp_server", r->tftp_server);
		fprintf(f, "      boot_server: %s\n",
				r->boot_server ? "true" : "false");
		put_key_str(f, "      ", "menu_prompt", r->menu_prompt);
		if (r->menu_count == 0)
			continue;
		fprintf(f, "      menu_timeout: %u\n      menu:\n",
				r->menu_timeout);
		for (uint32_t j = 0; j < r->menu_count; j++) {
			fprintf(f, "        - type: 0x%04x\n", r->menu[j].type);
			put_key_str(f, "          ", "text", r->menu[j].text);
		}
	}
}

static void
print_hosts(FILE *f, const struct dpxe_config *cfg)
{
	fprintf(f, "hosts:%s\n", cfg->hosts_count == 0 ? " []" : "");
	for (uint32_t i = 0; i < cfg->hosts_count; i++) {
		const struct dpxe_config_host *h = &cfg->hosts[i];

		fprintf(f, "  - mac: \"");
		put_mac(f, h->mac, 6);
		fprintf(f, "\"\n");
		if (h->ip != 0)
			put_ipv4(f, "    ", "ip", h->ip);
		put_key_str(f, "    ", "hostname", h->hostname);
		put_key_str(f, "    ", "boot_file", h->boot_file);
	}
}

static void
print_subnets(FILE *f, const struct dpxe_config *cfg)
{
	char a[16], b[16];

	fprintf(f, "subnets:%s\n", cfg->subnets_count == 0 ? " []" : "");
	for (uint32_t i = 0; i < cfg->subnets_count; i++) {
		const struct dpxe_config_subnet *s = &cfg->subnets[i];

		put_net(f, "  - ", "subnet", &s->net);
		fprintf(f, "    pools:%s\n", s->pools_count == 0 ? " []" : "");
		for (uint32_t j = 0; j < s->pools_count; j++) {
			dpxe_config_ipv4_format(s->pools[j].start, a);
			dpxe_config_ipv4_format(s->pools[j].end, b);
			fprintf(f, "      - {start: %s, end: %s}\n", a, b);
		}
		if (s->router != 0)
			put_ipv4(f, "    ", "router", s->router);
		if (s->dns_count > 0) {
			fprintf(f, "    dns: [");
			for (uint32_t j = 0; j < s->dns_count; j++) {
				dpxe_config_ipv4_format(s->dns[j], a);
				fprintf(f, "%s%s", j > 0 ? ", " : "", a);
			}
			fprintf(f, "]\n");
		}
		put_key_str(f, "    ", "domain", s->domain);
		fprintf(f, "    lease_time: %u\n    renew_time: %u\n"
				"    rebind_time: %u\n", s->lease_time,
				s->renew_time, s->rebind_time);
	}
}

static void
print_providers(FILE *f, const struct dpxe_config *cfg)
{
	fprintf(f, "providers:%s\n", cfg->providers_count == 0 ? " []" : "");
	for (uint32_t i = 0; i < cfg->providers_count; i++) {
		const struct dpxe_config_provider *p = &cfg->providers[i];

		put_key_str(f, "  - ", "name", p->name);
		put_key_str(f, "    ", "module", p->module);
		fprintf(f, "    critical: %s\n", p->critical ? "true" : "false");
		fprintf(f, "    settings:%s\n",
				p->settings_count == 0 ? " {}" : "");
		for (uint32_t j = 0; j < p->settings_count; j++) {
			fprintf(f, "      ");
			dpxe_config_print_quoted(f, p->settings[j].key);
			fprintf(f, ": ");
			dpxe_config_print_quoted(f, p->settings[j].value);
			fputc('\n', f);
		}
	}
}

/* Only in dhcp mode: proxy mode refuses the section. */
static void
print_leases(FILE *f, const struct dpxe_config *cfg)
{
	const struct dpxe_config_leases *l = &cfg->leases;

	if (cfg->server.mode != DPXE_CONFIG_MODE_DHCP)
		return;
	fprintf(f, "leases:\n");
	if (l->journal != NULL)
		put_key_str(f, "  ", "journal", l->journal);
	else
		fprintf(f, "  # journal: not set, leases live in memory only\n");
	fprintf(f, "  capacity: %u\n  offer_time: %u\n  decline_time: %u\n"
			"  flush_ms: %u\n", l->capacity, l->offer_time,
			l->decline_time, l->flush_ms);
}

void
dpxe_config_print(FILE *f, const struct dpxe_config *cfg)
{
	fprintf(f, "# dpxe effective configuration (defaults filled in)\n");
	print_server(f, &cfg->server);
	print_dataplane(f, &cfg->dataplane);
	print_boot(f, &cfg->boot);
	print_hosts(f, cfg);
	print_subnets(f, cfg);
	print_providers(f, cfg);
	print_leases(f, cfg);
	fprintf(f, "log:\n  level: %s\n",
			dpxe_config_log_level_name(cfg->log.level));
	put_key_str(f, "  ", "file", cfg->log.file);
}
