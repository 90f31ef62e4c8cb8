/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * proxyDHCP OFFER and ACK, and the boot server's ACK on port 4011
 * (PXE 2.1 §2.2-2.4): which answer a request gets here; the boot part
 * itself comes from boot_reply.c, shared with full DHCP mode.
 */
#include "boot_reply.h"
#include "boot_select.h"
#include "dhcp_build.h"
#include "proxy_internal.h"
#include "proxy_reply.h"

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

enum dpxe_drop_reason
dpxe_proxy_build(const struct dpxe_server_id *srv,
		 const struct dpxe_dhcp_msg *req,
		 const struct dpxe_boot_choice *c, uint8_t type,
		 bool boot_server_ack, uint8_t *buf, size_t cap, size_t *len)
{
	struct dpxe_dhcp_builder b;
	enum dpxe_drop_reason r;
	bool with_file = dpxe_boot_reply_names_file(req, c, boot_server_ack);

	if (dpxe_dhcp_reply_init(&b, buf, cap, req, type) < 0 ||
	    dpxe_boot_reply_fields(&b, srv, c, with_file) < 0)
		return DPXE_DROP_REPLY_TOO_BIG;
	dpxe_dhcp_add_ip(&b, DPXE_OPT_SERVER_ID, srv->ip);
	r = dpxe_boot_reply_options(&b, srv, req, c, boot_server_ack);
	if (r != DPXE_DROP_OK)
		return r;
	/* RFC 3046 §2.2: echoed unchanged in every reply, last so relays
	 * find it; an L2 snooping switch adds it with giaddr 0 */
	dpxe_boot_reply_echo(&b, req, DPXE_OPT_RELAY_AGENT_INFO);
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
