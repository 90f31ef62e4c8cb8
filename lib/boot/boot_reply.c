/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The boot part of OFFERs and ACKs (PXE 2.1 §2.2-2.4, UEFI §24.7), shared
 * by proxyDHCP and full DHCP mode. Option 43 is built on the caller's stack
 * and copied into the reply through the bounded lib/dhcp builder.
 */
#include <arpa/inet.h>
#include <string.h>

#include "boot_reply.h"

/* Sub-option 8 holds 255 bytes, 7 per one-address entry. */
#define MAX_SERVERS (255 / 7)
/* Sub-option 9 holds 255 bytes, at least 3 per item. */
#define MAX_MENU (255 / 3)
/* Option 43 value: four sub-options of at most 257 bytes, 71 and END. */
#define VENDOR_MAX (3 + 3 * 257 + 6 + 1)

/* Discovery control telling a client to ask the listed servers only, by
 * unicast to port 4011 (no broadcast or multicast discovery). */
#define DISC_BOOT_SERVER                                                       \
	(DPXE_PXE_DISC_NO_BROADCAST | DPXE_PXE_DISC_NO_MULTICAST |             \
	 DPXE_PXE_DISC_SERVER_LIST_ONLY)

static const struct dpxe_pxe_menu_item default_menu = {
	DPXE_PXE_SERVER_TYPE, "dpxe"
};

/* Scratch for one option 43; lives on the caller's stack. */
struct vendor_scratch {
	struct dpxe_pxe_server servers[MAX_SERVERS];
	struct dpxe_pxe_menu_item menu[MAX_MENU];
	uint8_t val[VENDOR_MAX];
};

/* The rule's menu in the builder's form. */
static bool
copy_menu(const struct dpxe_config_boot_rule *rule, struct vendor_scratch *s,
	  struct dpxe_pxe_vendor_spec *spec)
{
	if (rule->menu_count > MAX_MENU)
		return false;
	for (uint32_t i = 0; i < rule->menu_count; i++) {
		s->menu[i].type = rule->menu[i].type;
		s->menu[i].text = rule->menu[i].text;
	}
	spec->menu = s->menu;
	spec->n_menu = rule->menu_count;
	if (rule->menu_prompt) {
		spec->prompt = rule->menu_prompt;
		spec->prompt_timeout = rule->menu_timeout;
	}
	return true;
}

/*
 * Send the client to port 4011. With SERVER_LIST_ONLY a client only asks a
 * listed server for the item type it picked, so every menu type needs an
 * entry; type 0 is "boot from local disk" and is never asked for. ROMs that
 * do discovery expect a menu and a prompt: a one-item menu with a zero
 * timeout picks the item without showing anything.
 */
static bool
spec_boot_server(const struct dpxe_config_boot_rule *rule, uint32_t ip,
		 struct vendor_scratch *s, struct dpxe_pxe_vendor_spec *spec)
{
	unsigned int n = 0;

	spec->discovery_control = DISC_BOOT_SERVER;
	if (!copy_menu(rule, s, spec))
		return false;
	if (spec->n_menu == 0) {
		spec->menu = &default_menu;
		spec->n_menu = 1;
	}
	if (!spec->prompt) {
		spec->prompt = "dpxe";
		spec->prompt_timeout = 0;
	}
	for (unsigned int i = 0; i < spec->n_menu; i++) {
		if (spec->menu[i].type == 0)
			continue;
		if (n == MAX_SERVERS)
			return false;
		s->servers[n].type = spec->menu[i].type;
		s->servers[n].ip = ip;
		n++;
	}
	spec->servers = s->servers;
	spec->n_servers = n;
	return true;
}

/* Option 43 of an OFFER (or the ACK to a REQUEST to port 67). */
static size_t
vendor_offer(const struct dpxe_boot_choice *c, uint32_t ip,
	     struct vendor_scratch *s)
{
	struct dpxe_pxe_vendor_spec spec = { .has_discovery_control = true };
	bool ok;

	/* a rule with nothing to download (menu only) needs the menu */
	if (!c->boot_server && c->file) {
		spec.discovery_control = DPXE_PXE_DISC_BOOTFILE_DIRECT;
		ok = copy_menu(c->rule, s, &spec);
	} else {
		ok = spec_boot_server(c->rule, ip, s, &spec);
	}
	return ok ? dpxe_pxe_vendor_build(s->val, sizeof(s->val), &spec) : 0;
}

/* Option 43 of the boot server's ACK: the item the client asked for. */
static size_t
vendor_boot_item(const struct dpxe_dhcp_msg *req, struct vendor_scratch *s)
{
	struct dpxe_pxe_vendor_spec spec = {
		.has_boot_item = true,
		.boot_item_type = req->pxe.boot_item_type,
		.boot_item_layer = 0,
	};

	return dpxe_pxe_vendor_build(s->val, sizeof(s->val), &spec);
}

int
dpxe_boot_reply_echo(struct dpxe_dhcp_builder *b,
		     const struct dpxe_dhcp_msg *req, uint8_t code)
{
	uint16_t olen;
	const uint8_t *v = dpxe_dhcp_get(req, code, &olen);

	return v ? dpxe_dhcp_add_option(b, code, v, olen) : 0;
}

int
dpxe_boot_reply_fields(struct dpxe_dhcp_builder *b,
		       const struct dpxe_server_id *srv,
		       const struct dpxe_boot_choice *c, bool with_file)
{
	uint32_t next = c->next_server ? htonl(c->next_server) : srv->ip;

	dpxe_dhcp_set_siaddr(b, next);
	if (srv->name && dpxe_dhcp_set_sname(b, srv->name) < 0)
		return -1;
	if (with_file && c->file && dpxe_dhcp_set_file(b, c->file) < 0)
		return -1;
	return 0;
}

enum dpxe_drop_reason
dpxe_boot_reply_options(struct dpxe_dhcp_builder *b,
			const struct dpxe_server_id *srv,
			const struct dpxe_dhcp_msg *req,
			const struct dpxe_boot_choice *c, bool boot_server_ack)
{
	struct vendor_scratch s;
	bool http = req->vendor_class.http_client;
	size_t vlen = 0;

	/* HTTP boot (UEFI §24.7) reads the URL from the file field and
	 * ignores PXE sub-options */
	if (!http) {
		if (boot_server_ack)
			vlen = req->has_pxe_vendor && req->pxe.has_boot_item ?
				       vendor_boot_item(req, &s) : 0;
		else if (!(vlen = vendor_offer(c, srv->ip, &s)))
			return DPXE_DROP_REPLY_TOO_BIG;
	}
	dpxe_dhcp_add_string(b, DPXE_OPT_VENDOR_CLASS,
			     http ? "HTTPClient" : "PXEClient");
	dpxe_boot_reply_echo(b, req, DPXE_OPT_CLIENT_UUID);
	if (vlen)
		dpxe_dhcp_add_option(b, DPXE_OPT_VENDOR, s.val, vlen);
	return DPXE_DROP_OK;
}
