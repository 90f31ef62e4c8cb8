/* SPDX-License-Identifier: BSD-3-Clause */
/* First-match boot rule selection over the parsed client request. */
#include <arpa/inet.h>
#include <string.h>

#include "boot_select.h"

static bool
arch_matches(const struct dpxe_config_match *r, const struct dpxe_dhcp_msg *m)
{
	/* option 93 may list several codes (firmware that can boot more than
	 * one way); any of them listed by the rule is enough */
	for (unsigned int i = 0; i < m->arch_count; i++)
		for (uint32_t j = 0; j < r->arch_count; j++)
			if (m->arch[i] == r->arch[j])
				return true;
	return false;
}

static bool
pattern_matches(const struct dpxe_config_pattern *p, const uint8_t *v,
		size_t len)
{
	if (p->prefix ? len < p->len : len != p->len)
		return false;
	return p->len == 0 || memcmp(v, p->text, p->len) == 0;
}

/* Option 60 is free text: compare the raw value. */
static bool
option_matches(const struct dpxe_config_pattern *p,
	       const struct dpxe_dhcp_msg *m, uint8_t code)
{
	uint16_t len;
	const uint8_t *v = dpxe_dhcp_get(m, code, &len);

	return v && pattern_matches(p, v, len);
}

/*
 * Option 77 is a list of length-prefixed instances by RFC 3004, but iPXE and
 * many ROMs send bare text: try the raw value, then each instance when the
 * whole value is a well-formed list.
 */
static bool
user_class_matches(const struct dpxe_config_pattern *p,
		   const struct dpxe_dhcp_msg *m)
{
	uint16_t len;
	const uint8_t *v = dpxe_dhcp_get(m, DPXE_OPT_USER_CLASS, &len);
	size_t i = 0;

	if (!v)
		return false;
	if (pattern_matches(p, v, len))
		return true;
	while (i < len) {
		size_t n = v[i];

		if (n == 0 || len - i - 1 < n)
			return false;
		i += 1 + n;
	}
	for (i = 0; i < len; i += 1 + (size_t)v[i])
		if (pattern_matches(p, v + i + 1, v[i]))
			return true;
	return false;
}

static bool
mac_matches(const struct dpxe_config_mac_match *mac,
	    const struct dpxe_dhcp_msg *m)
{
	return m->hlen >= mac->len && mac->len <= DPXE_BOOTP_CHADDR_LEN &&
	       memcmp(m->chaddr, mac->addr, mac->len) == 0;
}

/* A relay key means "came through a relay there": a direct client (giaddr
 * 0) never matches it, not even 0.0.0.0/0. */
static bool
relay_matches(const struct dpxe_config_ipv4_net *net,
	      const struct dpxe_dhcp_msg *m)
{
	return m->giaddr != 0 && (ntohl(m->giaddr) & net->mask) == net->addr;
}

bool
dpxe_boot_rule_matches(const struct dpxe_config_match *r,
		       const struct dpxe_dhcp_msg *m)
{
	if ((r->given & DPXE_CONFIG_MATCH_ARCH) && !arch_matches(r, m))
		return false;
	if ((r->given & DPXE_CONFIG_MATCH_VENDOR_CLASS) &&
	    !option_matches(&r->vendor_class, m, DPXE_OPT_VENDOR_CLASS))
		return false;
	if ((r->given & DPXE_CONFIG_MATCH_USER_CLASS) &&
	    !user_class_matches(&r->user_class, m))
		return false;
	if ((r->given & DPXE_CONFIG_MATCH_IPXE) && m->is_ipxe != r->ipxe)
		return false;
	if ((r->given & DPXE_CONFIG_MATCH_MAC) && !mac_matches(&r->mac, m))
		return false;
	if ((r->given & DPXE_CONFIG_MATCH_RELAY) &&
	    !relay_matches(&r->relay, m))
		return false;
	return true;
}

const struct dpxe_config_host *
dpxe_boot_host_find(const struct dpxe_config *cfg,
		    const struct dpxe_dhcp_msg *m)
{
	/* hosts[] holds Ethernet MACs; another hardware type never matches */
	if (m->htype != DPXE_HTYPE_ETHER || m->hlen != 6)
		return NULL;
	for (uint32_t i = 0; i < cfg->hosts_count; i++)
		if (memcmp(cfg->hosts[i].mac, m->chaddr, 6) == 0)
			return &cfg->hosts[i];
	return NULL;
}

/*
 * iPXE loaded from our boot_file would be handed the same file again and
 * chain-load itself forever; it and UEFI HTTP boot take the URL instead.
 * A host's boot_file pins what the plain ROM loads, so it does not override
 * the URL.
 */
static const char *
pick_file(const struct dpxe_config_boot_rule *rule,
	  const struct dpxe_config_host *host, const struct dpxe_dhcp_msg *m)
{
	if (rule->url && (m->is_ipxe || m->vendor_class.http_client))
		return rule->url;
	/* UEFI HTTP boot fetches the file field as a URL: a TFTP path is
	 * no answer for it (the caller counts no_boot_rule) */
	if (m->vendor_class.http_client)
		return NULL;
	if (host && host->boot_file)
		return host->boot_file;
	if (rule->boot_file)
		return rule->boot_file;
	return rule->url;
}

enum dpxe_drop_reason
dpxe_boot_select(const struct dpxe_config *cfg, const struct dpxe_dhcp_msg *m,
		 struct dpxe_boot_choice *c)
{
	const struct dpxe_config_boot_rule *rule = NULL;

	for (uint32_t i = 0; i < cfg->boot.rules_count; i++)
		if (dpxe_boot_rule_matches(&cfg->boot.rules[i].match, m)) {
			rule = &cfg->boot.rules[i];
			break;
		}
	if (!rule) {
		memset(c, 0, sizeof(*c));
		return DPXE_DROP_NO_BOOT_RULE;
	}
	c->rule = rule;
	c->host = dpxe_boot_host_find(cfg, m);
	c->file = pick_file(rule, c->host, m);
	/* the resolver copies boot.tftp_server into each rule; the fallback
	 * covers configurations built in code */
	c->next_server = rule->tftp_server ? rule->tftp_server :
					     cfg->boot.tftp_server;
	c->boot_server = rule->boot_server;
	return DPXE_DROP_OK;
}
