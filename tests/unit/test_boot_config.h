/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Boot configurations built in C for the lib/boot suites: the resolved
 * members a loaded YAML file would have, without going through the loader,
 * so each case states exactly the rule set it tests.
 */
#ifndef DPXE_TEST_BOOT_CONFIG_H
#define DPXE_TEST_BOOT_CONFIG_H

#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "config/config.h"

#define TCFG_MAX_RULES 16
#define TCFG_MAX_ARCH 8
#define TCFG_MAX_MENU 48

struct tcfg {
	struct dpxe_config cfg;
	struct dpxe_config_boot_rule rules[TCFG_MAX_RULES];
	uint16_t arch[TCFG_MAX_RULES][TCFG_MAX_ARCH];
	struct dpxe_config_menu_item menu[TCFG_MAX_RULES][TCFG_MAX_MENU];
	struct dpxe_config_host hosts[4];
};

static inline void
tcfg_init(struct tcfg *t)
{
	memset(t, 0, sizeof(*t));
	t->cfg.boot.rules = t->rules;
	t->cfg.hosts = t->hosts;
}

/* Append a rule with a boot file (or NULL); returns it for more keys. */
static inline struct dpxe_config_boot_rule *
tcfg_rule(struct tcfg *t, const char *name, const char *boot_file)
{
	struct dpxe_config_boot_rule *r = &t->rules[t->cfg.boot.rules_count++];

	r->name = (char *)name;
	r->boot_file = (char *)boot_file;
	r->menu_timeout = 10; /* the resolver's default */
	return r;
}

static inline struct dpxe_config_boot_rule *
tcfg_last(struct tcfg *t)
{
	return &t->rules[t->cfg.boot.rules_count - 1];
}

/* match.arch: n codes */
static inline void
tcfg_arch(struct tcfg *t, unsigned int n, ...)
{
	unsigned int i = t->cfg.boot.rules_count - 1;
	struct dpxe_config_match *m = &t->rules[i].match;
	va_list ap;

	va_start(ap, n);
	for (unsigned int j = 0; j < n; j++)
		t->arch[i][j] = (uint16_t)va_arg(ap, unsigned int);
	va_end(ap);
	m->arch = t->arch[i];
	m->arch_count = n;
	m->given |= DPXE_CONFIG_MATCH_ARCH;
}

/* A pattern as the resolver makes it: a trailing '*' is a prefix match. */
static inline void
tcfg_pattern(struct dpxe_config_pattern *p, const char *text)
{
	size_t n = strlen(text);

	p->text = text;
	p->prefix = n && text[n - 1] == '*';
	p->len = (uint16_t)(p->prefix ? n - 1 : n);
}

static inline void
tcfg_vendor_class(struct tcfg *t, const char *text)
{
	struct dpxe_config_match *m = &tcfg_last(t)->match;

	tcfg_pattern(&m->vendor_class, text);
	m->given |= DPXE_CONFIG_MATCH_VENDOR_CLASS;
}

static inline void
tcfg_user_class(struct tcfg *t, const char *text)
{
	struct dpxe_config_match *m = &tcfg_last(t)->match;

	tcfg_pattern(&m->user_class, text);
	m->given |= DPXE_CONFIG_MATCH_USER_CLASS;
}

static inline void
tcfg_ipxe(struct tcfg *t, bool ipxe)
{
	struct dpxe_config_match *m = &tcfg_last(t)->match;

	m->ipxe = ipxe;
	m->given |= DPXE_CONFIG_MATCH_IPXE;
}

/* match.mac: the first len octets of mac */
static inline void
tcfg_mac(struct tcfg *t, const uint8_t *mac, uint8_t len)
{
	struct dpxe_config_match *m = &tcfg_last(t)->match;

	memcpy(m->mac.addr, mac, len);
	m->mac.len = len;
	m->given |= DPXE_CONFIG_MATCH_MAC;
}

/* match.relay: addr/prefix, host order */
static inline void
tcfg_relay(struct tcfg *t, uint32_t addr, uint8_t prefix)
{
	struct dpxe_config_match *m = &tcfg_last(t)->match;

	m->relay.prefix = prefix;
	m->relay.mask = prefix ? ~0u << (32 - prefix) : 0;
	m->relay.addr = addr & m->relay.mask;
	m->given |= DPXE_CONFIG_MATCH_RELAY;
}

static inline void
tcfg_menu(struct tcfg *t, uint16_t type, const char *text)
{
	unsigned int i = t->cfg.boot.rules_count - 1;
	struct dpxe_config_boot_rule *r = &t->rules[i];

	t->menu[i][r->menu_count].type = type;
	t->menu[i][r->menu_count].text = (char *)text;
	r->menu = t->menu[i];
	r->menu_count++;
}

static inline struct dpxe_config_host *
tcfg_host(struct tcfg *t, const uint8_t mac[6], const char *boot_file)
{
	struct dpxe_config_host *h = &t->hosts[t->cfg.hosts_count++];

	memcpy(h->mac, mac, 6);
	h->boot_file = (char *)boot_file;
	return h;
}

#endif /* DPXE_TEST_BOOT_CONFIG_H */
