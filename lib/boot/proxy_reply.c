/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * proxyDHCP OFFER and ACK, and the boot server's ACK on port 4011
 * (PXE 2.1 §2.2-2.4). Everything is built on the stack and copied into the
 * caller's buffer through the bounded lib/dhcp builder.
 */
#include <arpa/inet.h>
#include <string.h>

#include "boot_select.h"
#include "dhcp_build.h"
#include "proxy_internal.h"
#include "proxy_reply.h"

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

/* Which reply a request gets, or why none. */
static enum dpxe_drop_reason
classify(const struct dpxe_server_id *srv, const struct dpxe_dhcp_msg *req,
	 uint16_t dst_port, uint8_t *type, bool *boot_server_ack)
{
	*boot_server_ack = false;
	if (dst_port == DPXE_PXE_BOOT_SERVER_PORT) {
		if (req->msg_type != DPXE_DHCPREQUEST)
			return DPXE_DROP_MESSAGE_TYPE_IGNORED;
		*type = DPXE_DHCPACK;
		*boot_server_ack = true;
		return DPXE_DROP_OK;
	}
	if (dst_port != DPXE_DHCP_SERVER_PORT)
		return DPXE_DROP_MESSAGE_TYPE_IGNORED;
	if (req->msg_type == DPXE_DHCPDISCOVER) {
		*type = DPXE_DHCPOFFER;
		return DPXE_DROP_OK;
	}
	if (req->msg_type == DPXE_DHCPREQUEST) {
		/* a REQUEST naming another server selects that server's
		 * offer; only one naming us asks the proxy */
		if (req->server_id != srv->ip)
			return DPXE_DROP_NOT_FOR_US;
		*type = DPXE_DHCPACK;
		return DPXE_DROP_OK;
	}
	return DPXE_DROP_MESSAGE_TYPE_IGNORED;
}

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

/* Echo an option of the request byte for byte, when it sent one. */
static int
echo_option(struct dpxe_dhcp_builder *b, const struct dpxe_dhcp_msg *req,
	    uint8_t code)
{
	uint16_t olen;
	const uint8_t *v = dpxe_dhcp_get(req, code, &olen);

	return v ? dpxe_dhcp_add_option(b, code, v, olen) : 0;
}

/* The fixed header: siaddr, sname, file. */
static int
set_fields(struct dpxe_dhcp_builder *b, const struct dpxe_server_id *srv,
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
dpxe_proxy_build(const struct dpxe_server_id *srv,
		 const struct dpxe_dhcp_msg *req,
		 const struct dpxe_boot_choice *c, uint8_t type,
		 bool boot_server_ack, uint8_t *buf, size_t cap, size_t *len)
{
	struct dpxe_dhcp_builder b;
	struct vendor_scratch s;
	bool http = req->vendor_class.http_client;
	/* an OFFER that sends the client to 4011 names the file there */
	bool with_file = boot_server_ack || http ||
			 (!c->boot_server && c->file);
	size_t vlen = 0;

	if (dpxe_dhcp_reply_init(&b, buf, cap, req, type) < 0 ||
	    set_fields(&b, srv, c, with_file) < 0)
		return DPXE_DROP_REPLY_TOO_BIG;
	/* HTTP boot (UEFI §24.7) reads the URL from the file field and
	 * ignores PXE sub-options */
	if (!http) {
		if (boot_server_ack)
			vlen = req->has_pxe_vendor && req->pxe.has_boot_item ?
				       vendor_boot_item(req, &s) : 0;
		else if (!(vlen = vendor_offer(c, srv->ip, &s)))
			return DPXE_DROP_REPLY_TOO_BIG;
	}
	dpxe_dhcp_add_ip(&b, DPXE_OPT_SERVER_ID, srv->ip);
	dpxe_dhcp_add_string(&b, DPXE_OPT_VENDOR_CLASS,
			     http ? "HTTPClient" : "PXEClient");
	echo_option(&b, req, DPXE_OPT_CLIENT_UUID);
	if (vlen)
		dpxe_dhcp_add_option(&b, DPXE_OPT_VENDOR, s.val, vlen);
	/* RFC 3046 §2.2: echoed unchanged in every reply, last so relays
	 * find it; an L2 snooping switch adds it with giaddr 0 */
	echo_option(&b, req, DPXE_OPT_RELAY_AGENT_INFO);
	/* the builder remembers any append that did not fit */
	*len = dpxe_dhcp_reply_finish(&b);
	return *len ? DPXE_DROP_OK : DPXE_DROP_REPLY_TOO_BIG;
}

enum dpxe_drop_reason
dpxe_proxy_decide(const struct dpxe_config *cfg,
		  const struct dpxe_server_id *srv,
		  const struct dpxe_dhcp_msg *req, uint16_t dst_port,
		  struct dpxe_boot_choice *c, uint8_t *type,
		  bool *boot_server_ack)
{
	enum dpxe_drop_reason r;

	if (!req->vendor_class.pxe_client && !req->vendor_class.http_client)
		return DPXE_DROP_NOT_PXE_CLIENT;
	r = classify(srv, req, dst_port, type, boot_server_ack);
	if (r != DPXE_DROP_OK)
		return r;
	r = dpxe_boot_select(cfg, req, c);
	if (r != DPXE_DROP_OK)
		return r;
	/* HTTP boot has no later step to learn the URL in */
	if (req->vendor_class.http_client && !c->file)
		return DPXE_DROP_NO_BOOT_RULE;
	return DPXE_DROP_OK;
}

enum dpxe_drop_reason
dpxe_proxy_reply(const struct dpxe_config *cfg,
		 const struct dpxe_server_id *srv,
		 const struct dpxe_dhcp_msg *req, uint16_t dst_port,
		 uint8_t *buf, size_t cap, size_t *len, uint8_t *reply_type)
{
	struct dpxe_boot_choice c;
	enum dpxe_drop_reason r;
	uint8_t type;
	bool boot_server_ack;

	r = dpxe_proxy_decide(cfg, srv, req, dst_port, &c, &type,
			      &boot_server_ack);
	if (r != DPXE_DROP_OK)
		return r;
	r = dpxe_proxy_build(srv, req, &c, type, boot_server_ack, buf, cap,
			     len);
	if (r == DPXE_DROP_OK)
		*reply_type = type;
	return r;
}
