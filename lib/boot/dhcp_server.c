/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Full DHCP mode, one request at a time: RFC 2131 §4.3 on top of the
 * worker's lease shard, with the boot part of the reply from boot_reply.c
 * (the same words proxy mode uses). See dhcp_server.h for the contract.
 */
#include <arpa/inet.h>
#include <string.h>

#include "boot_reply.h"
#include "boot_select.h"
#include "byteorder.h"
#include "dhcp_build.h"
#include "dhcp_server.h"

/* What a reply carrying configuration (OFFER, ACK) is made of. */
struct reply_plan {
	const struct dpxe_config *cfg;
	const struct dpxe_server_id *srv;
	const struct dpxe_dhcp_msg *req;
	const struct dpxe_config_subnet *subnet;
	uint8_t type;    /* DPXE_DHCPOFFER or DPXE_DHCPACK */
	uint32_t yiaddr; /* network order; 0 for an INFORM's ACK */
	bool lease;      /* options 51, 58, 59: not in an INFORM's ACK */
};

/* Address options, in the order sent for what option 55 does not order. */
static const uint8_t param_order[] = {
	DPXE_OPT_SUBNET_MASK, DPXE_OPT_ROUTER, DPXE_OPT_DNS,
	DPXE_OPT_DOMAIN_NAME, DPXE_OPT_HOSTNAME, DPXE_OPT_BROADCAST,
};
#define N_PARAMS (sizeof(param_order) / sizeof(param_order[0]))

/* One address option if there is something to say; 0 when not. */
static int
add_param(struct dpxe_dhcp_builder *b, const struct reply_plan *p,
	  uint8_t code)
{
	const struct dpxe_config_subnet *sn = p->subnet;
	const struct dpxe_config_host *host;
	uint8_t dns[DPXE_CONFIG_MAX_DNS * 4];
	uint32_t n;

	switch (code) {
	case DPXE_OPT_SUBNET_MASK:
		return dpxe_dhcp_add_u32(b, code, sn->net.mask);
	case DPXE_OPT_ROUTER:
		return sn->router ? dpxe_dhcp_add_u32(b, code, sn->router) : 0;
	case DPXE_OPT_DNS:
		n = sn->dns_count < DPXE_CONFIG_MAX_DNS ? sn->dns_count :
							   DPXE_CONFIG_MAX_DNS;
		for (uint32_t i = 0; i < n; i++)
			dpxe_store_be32(dns + 4 * i, sn->dns[i]);
		return n ? dpxe_dhcp_add_option(b, code, dns, 4 * n) : 0;
	case DPXE_OPT_DOMAIN_NAME:
		return sn->domain && sn->domain[0] ?
			       dpxe_dhcp_add_string(b, code, sn->domain) : 0;
	case DPXE_OPT_HOSTNAME:
		host = dpxe_boot_host_find(p->cfg, p->req);
		return host && host->hostname && host->hostname[0] ?
			       dpxe_dhcp_add_string(b, code, host->hostname) :
			       0;
	case DPXE_OPT_BROADCAST:
		/* rarely wanted and derivable: only when asked for */
		return dpxe_dhcp_requested(p->req, code) ?
			       dpxe_dhcp_add_u32(b, code,
						 sn->net.addr | ~sn->net.mask) :
			       0;
	}
	return 0;
}

/* The address options, those in option 55 first and in its order (RFC
 * 2131 §4.3.1 lets the client rank them; some truncate the rest). */
static void
add_params(struct dpxe_dhcp_builder *b, const struct reply_plan *p)
{
	uint16_t prl_len = 0;
	const uint8_t *prl =
		dpxe_dhcp_get(p->req, DPXE_OPT_PARAM_REQUEST, &prl_len);
	bool sent[N_PARAMS] = { false };

	for (uint16_t i = 0; prl && i < prl_len; i++)
		for (unsigned int k = 0; k < N_PARAMS; k++)
			if (prl[i] == param_order[k] && !sent[k]) {
				sent[k] = true;
				add_param(b, p, param_order[k]);
			}
	for (unsigned int k = 0; k < N_PARAMS; k++)
		if (!sent[k])
			add_param(b, p, param_order[k]);
}

/*
 * Boot information for this client, by the rules proxy mode uses: PXE and
 * HTTP boot clients by option 60, iPXE by options 77 / 175. false: the
 * client gets an address only (no rule matches, or an HTTP boot client
 * would get no URL).
 */
static bool
boot_choose(const struct dpxe_config *cfg, const struct dpxe_dhcp_msg *req,
	    struct dpxe_boot_choice *c)
{
	if (!req->vendor_class.pxe_client && !req->vendor_class.http_client &&
	    !req->is_ipxe)
		return false;
	if (dpxe_boot_select(cfg, req, c) != DPXE_DROP_OK)
		return false;
	return !(req->vendor_class.http_client && !c->file);
}

/* OFFER or ACK: 53, 54, lease times, address options, boot part, 82. */
static enum dpxe_drop_reason
build_reply(const struct reply_plan *p, uint8_t *buf, size_t cap,
	    size_t *len)
{
	const struct dpxe_dhcp_msg *req = p->req;
	struct dpxe_dhcp_builder b;
	struct dpxe_boot_choice c;
	bool boot = boot_choose(p->cfg, req, &c);
	/* iPXE without option 60 knows nothing of option 43: the file
	 * field is all it reads */
	bool pxe = boot && (req->vendor_class.pxe_client ||
			    req->vendor_class.http_client);
	enum dpxe_drop_reason r;

	*len = 0;
	if (dpxe_dhcp_reply_init(&b, buf, cap, req, p->type) < 0)
		return DPXE_DROP_REPLY_TOO_BIG;
	dpxe_dhcp_set_yiaddr(&b, p->yiaddr);
	if (boot &&
	    dpxe_boot_reply_fields(&b, p->srv, &c,
				   !pxe || dpxe_boot_reply_names_file(
						   req, &c, false)) < 0)
		return DPXE_DROP_REPLY_TOO_BIG;
	dpxe_dhcp_add_ip(&b, DPXE_OPT_SERVER_ID, p->srv->ip);
	if (p->lease) {
		/* the resolver filled in T1 and T2 (RFC 2131 §4.4.5) and
		 * checked T1 < T2 < lease */
		dpxe_dhcp_add_u32(&b, DPXE_OPT_LEASE_TIME, p->subnet->lease_time);
		dpxe_dhcp_add_u32(&b, DPXE_OPT_RENEWAL_TIME, p->subnet->renew_time);
		dpxe_dhcp_add_u32(&b, DPXE_OPT_REBINDING_TIME, p->subnet->rebind_time);
	}
	add_params(&b, p);
	if (pxe) {
		r = dpxe_boot_reply_options(&b, p->srv, req, &c, false);
		if (r != DPXE_DROP_OK)
			return r;
	}
	/* RFC 3046 §2.2: back to the relay that added it, last */
	if (req->giaddr)
		dpxe_boot_reply_echo(&b, req, DPXE_OPT_RELAY_AGENT_INFO);
	/* the builder remembers any append that did not fit */
	*len = dpxe_dhcp_reply_finish(&b);
	return *len ? DPXE_DROP_OK : DPXE_DROP_REPLY_TOO_BIG;
}

/* Why a NAK, in option 56 (RFC 2131 §4.3.2 lets the server say). */
static const char *
nak_message(int status)
{
	switch (status) {
	case DPXE_LEASE_WRONG_IP:
		return "address is not this client's lease";
	case DPXE_LEASE_ADDR_TAKEN:
		return "address in use";
	case DPXE_LEASE_NOT_IN_POOL:
		return "address not available";
	}
	return "address not on this network";
}

/* NAK (RFC 2131 Table 3): 53, 54, 56 and 82; no address, no file. */
static enum dpxe_drop_reason
build_nak(const struct dpxe_server_id *srv, const struct dpxe_dhcp_msg *req,
	  int status, uint8_t *buf, size_t cap, size_t *len)
{
	struct dpxe_dhcp_builder b;

	*len = 0;
	if (dpxe_dhcp_reply_init(&b, buf, cap, req, DPXE_DHCPNAK) < 0)
		return DPXE_DROP_REPLY_TOO_BIG;
	/* §4.1: a relay must broadcast a NAK on the client's segment */
	if (req->giaddr)
		dpxe_store_be16(buf + DPXE_BOOTP_FLAGS,
				req->flags | DPXE_BOOTP_FLAG_BROADCAST);
	dpxe_dhcp_add_ip(&b, DPXE_OPT_SERVER_ID, srv->ip);
	dpxe_dhcp_add_string(&b, DPXE_OPT_MESSAGE, nak_message(status));
	if (req->giaddr)
		dpxe_boot_reply_echo(&b, req, DPXE_OPT_RELAY_AGENT_INFO);
	*len = dpxe_dhcp_reply_finish(&b);
	return *len ? DPXE_DROP_OK : DPXE_DROP_REPLY_TOO_BIG;
}

/* The subnet index of a network address, or -1. */
static int
subnet_of(const struct dpxe_config *cfg,
	  const struct dpxe_lease_shard *shard, uint32_t ip)
{
	int sn = ip ? dpxe_lease_shard_subnet_of(shard, ip) : -1;

	/* the shard was made from cfg: same subnets, same indexes */
	return sn >= 0 && (uint32_t)sn < cfg->subnets_count ? sn : -1;
}

/* The client's network (RFC 2131 §4.3.1): the relay's, else ours. */
static int
client_subnet(const struct dpxe_config *cfg,
	      const struct dpxe_lease_shard *shard,
	      const struct dpxe_server_id *srv, const struct dpxe_dhcp_msg *req)
{
	return subnet_of(cfg, shard, req->giaddr ? req->giaddr : srv->ip);
}

static enum dpxe_drop_reason
lease_drop(int status)
{
	switch (status) {
	case DPXE_LEASE_POOL_EXHAUSTED:
		return DPXE_DROP_POOL_EXHAUSTED;
	case DPXE_LEASE_TABLE_FULL:
		return DPXE_DROP_LEASE_TABLE_FULL;
	case DPXE_LEASE_OTHER_SLICE:
		return DPXE_DROP_LEASE_OTHER_SLICE;
	case DPXE_LEASE_NOT_OWNER:
		return DPXE_DROP_LEASE_NOT_OWNER;
	case DPXE_LEASE_BAD_SUBNET:
		return DPXE_DROP_NO_SUBNET;
	}
	return DPXE_DROP_LEASE_UNKNOWN;
}

/* Bad news for a REQUEST that names an address we must not confirm. */
static bool
lease_status_naks(int status)
{
	return status == DPXE_LEASE_WRONG_IP ||
	       status == DPXE_LEASE_ADDR_TAKEN ||
	       status == DPXE_LEASE_NOT_IN_POOL;
}

/* Everything one call needs, so the handlers take one argument. */
struct server_call {
	const struct dpxe_config *cfg;
	struct dpxe_lease_shard *shard;
	const struct dpxe_server_id *srv;
	const struct dpxe_dhcp_msg *req;
	int64_t now;
	int64_t wall_offset;
	uint8_t *buf;
	size_t cap;
	struct dpxe_dhcp_server_result *res;
};

static enum dpxe_drop_reason
nak(struct server_call *x, int status)
{
	enum dpxe_drop_reason r;

	x->res->lease_status = status;
	r = build_nak(x->srv, x->req, status, x->buf, x->cap, &x->res->len);
	if (r == DPXE_DROP_OK)
		x->res->reply_type = DPXE_DHCPNAK;
	return r;
}

static enum dpxe_drop_reason
on_discover(struct server_call *x)
{
	const struct dpxe_dhcp_msg *req = x->req;
	int sn = client_subnet(x->cfg, x->shard, x->srv, req);
	struct reply_plan p = {
		.cfg = x->cfg, .srv = x->srv, .req = req,
		.type = DPXE_DHCPOFFER, .lease = true,
	};
	enum dpxe_drop_reason r;
	uint32_t ip;
	int rc;

	if (sn < 0)
		return DPXE_DROP_NO_SUBNET;
	rc = dpxe_lease_shard_offer(x->shard, req->chaddr, req->requested_ip,
				    (unsigned int)sn, x->now, &ip);
	if (rc != DPXE_LEASE_OK) {
		x->res->lease_status = rc;
		return lease_drop(rc);
	}
	p.subnet = &x->cfg->subnets[sn];
	p.yiaddr = ip;
	/* an OFFER that does not fit stays held until offer_time: the
	 * client's next DISCOVER gets the same address */
	r = build_reply(&p, x->buf, x->cap, &x->res->len);
	if (r != DPXE_DROP_OK)
		return r;
	x->res->reply_type = DPXE_DHCPOFFER;
	x->res->yiaddr = ip;
	return DPXE_DROP_OK;
}

/*
 * A REQUEST that names an address on network sn: build the ACK first (a
 * lease we bound but could not confirm would be neither answered nor
 * journaled), then bind; a refused bind turns the answer into a NAK or
 * silence.
 */
/*
 * Does the server hold a record of this client (RFC 2131 §4.3.2: an
 * INIT-REBOOT, RENEWING or REBINDING client we know nothing of gets
 * silence, not an ACK, so that another server that does know it answers)?
 * A record is a live offer or binding, whatever its address (a wrong one
 * is then NAKed), or a reservation of exactly ip.
 */
static bool
knows_client(const struct server_call *x, uint32_t ip)
{
	const struct dpxe_lease *l = dpxe_lease_shard_lookup(x->shard,
							     x->req->chaddr);
	const struct dpxe_config_host *h;

	if (l != NULL && (l->state == DPXE_LEASE_OFFERED ||
			  l->state == DPXE_LEASE_BOUND))
		return true;
	h = dpxe_boot_host_find(x->cfg, x->req);
	return h != NULL && h->ip != 0 && htonl(h->ip) == ip;
}

static enum dpxe_drop_reason
ack_request(struct server_call *x, uint32_t ip, int sn, bool silent_if_unknown)
{
	const struct dpxe_dhcp_msg *req = x->req;
	struct reply_plan p = {
		.cfg = x->cfg, .srv = x->srv, .req = req,
		.subnet = &x->cfg->subnets[sn], .type = DPXE_DHCPACK,
		.yiaddr = ip, .lease = true,
	};
	const struct dpxe_lease *l;
	enum dpxe_drop_reason r;
	size_t len;
	int rc;

	/* the client moved to another network (or names a foreign one) */
	if (subnet_of(x->cfg, x->shard, ip) != sn)
		return nak(x, DPXE_LEASE_BAD_SUBNET);
	if (silent_if_unknown && !knows_client(x, ip)) {
		/* an address we know is wrong for anyone but its holder is
		 * NAKed (RFC 2131 §4.3.2's "incorrect"); one that could be
		 * the client's from a server or a journal batch we do not
		 * have gets silence */
		int slice = dpxe_lease_shard_slice_of(x->shard, ip);

		if (slice < 0)
			return nak(x, DPXE_LEASE_NOT_IN_POOL);
		if (dpxe_lease_shard_ip_used(x->shard, ip)) /* own slice only */
			return nak(x, DPXE_LEASE_ADDR_TAKEN);
		x->res->lease_status = DPXE_LEASE_NO_LEASE;
		return DPXE_DROP_LEASE_UNKNOWN;
	}
	r = build_reply(&p, x->buf, x->cap, &len);
	if (r != DPXE_DROP_OK)
		return r;
	rc = dpxe_lease_shard_bind(x->shard, req->chaddr, ip,
				   p.subnet->lease_time, x->now);
	if (rc == DPXE_LEASE_OTHER_SLICE && silent_if_unknown) {
		x->res->lease_status = rc;
		return DPXE_DROP_LEASE_OTHER_SLICE;
	}
	if (lease_status_naks(rc) || rc == DPXE_LEASE_OTHER_SLICE)
		return nak(x, rc);
	if (rc != DPXE_LEASE_OK) {
		x->res->lease_status = rc;
		return lease_drop(rc);
	}
	l = dpxe_lease_shard_lookup(x->shard, req->chaddr);
	if (l == NULL) /* bind said OK: cannot happen */
		return DPXE_DROP_LEASE_UNKNOWN;
	x->res->len = len;
	x->res->reply_type = DPXE_DHCPACK;
	x->res->yiaddr = ip;
	x->res->journal = true;
	dpxe_lease_record_make(&x->res->rec, DPXE_LEASE_REC_BIND, x->shard, l,
			       l->expiry, x->wall_offset);
	return DPXE_DROP_OK;
}

/*
 * RFC 2131 §4.3.2: the REQUEST's state is told by option 54, option 50
 * and ciaddr.
 */
static enum dpxe_drop_reason
on_request(struct server_call *x)
{
	const struct dpxe_dhcp_msg *req = x->req;
	const struct dpxe_lease *l;
	uint32_t ip;
	int sn;

	if (dpxe_dhcp_has(req, DPXE_OPT_SERVER_ID)) {
		/* SELECTING: the client picked an OFFER */
		if (req->server_id != x->srv->ip) {
			/* not ours: the address we held goes back */
			l = dpxe_lease_shard_lookup(x->shard, req->chaddr);
			if (l && l->state == DPXE_LEASE_OFFERED)
				dpxe_lease_shard_release(x->shard, req->chaddr,
							 l->ip, x->now);
			return DPXE_DROP_NOT_FOR_US;
		}
		sn = client_subnet(x->cfg, x->shard, x->srv, req);
		if (sn < 0)
			return DPXE_DROP_NO_SUBNET;
		/* option 50 by the RFC; some ROMs put it in ciaddr */
		ip = req->requested_ip ? req->requested_ip : req->ciaddr;
		if (ip == 0)
			return DPXE_DROP_REQUEST_NO_ADDRESS;
		return ack_request(x, ip, sn, false);
	}
	if (req->requested_ip) {
		/* INIT-REBOOT: a known address, after a restart; a server
		 * with no record of the client stays silent */
		sn = client_subnet(x->cfg, x->shard, x->srv, req);
		if (sn < 0)
			return DPXE_DROP_NO_SUBNET;
		return ack_request(x, req->requested_ip, sn, true);
	}
	if (req->ciaddr) {
		/*
		 * RENEWING (unicast, maybe from behind a router, so giaddr 0
		 * says nothing about where the client is) or REBINDING: the
		 * client's network is its address's, or the relay's.
		 */
		sn = subnet_of(x->cfg, x->shard,
			       req->giaddr ? req->giaddr : req->ciaddr);
		if (sn < 0)
			return DPXE_DROP_NO_SUBNET;
		return ack_request(x, req->ciaddr, sn, true);
	}
	return DPXE_DROP_REQUEST_NO_ADDRESS;
}

/* DECLINE and RELEASE: the lease changes and is journaled; no reply. */
static enum dpxe_drop_reason
on_decline_release(struct server_call *x)
{
	const struct dpxe_dhcp_msg *req = x->req;
	bool decline = req->msg_type == DPXE_DHCPDECLINE;
	const struct dpxe_lease *l;
	int64_t when;
	uint32_t ip;
	int rc;

	/* RFC 2131 §4.4.4, §4.4.6: a DECLINE names its server; some
	 * clients send a RELEASE without */
	if (req->server_id != x->srv->ip &&
	    (decline || dpxe_dhcp_has(req, DPXE_OPT_SERVER_ID)))
		return DPXE_DROP_NOT_FOR_US;
	/* the declined address is option 50; the released one ciaddr */
	ip = decline ? req->requested_ip : req->ciaddr;
	if (ip == 0)
		return DPXE_DROP_REQUEST_NO_ADDRESS;
	if (decline) {
		rc = dpxe_lease_shard_decline(x->shard, req->chaddr, ip,
					      x->now);
		/* the record's time is the quarantine's end */
		when = x->now +
		       dpxe_lease_shard_params(x->shard)->decline_time;
	} else {
		rc = dpxe_lease_shard_release(x->shard, req->chaddr, ip,
					      x->now);
		when = x->now;
	}
	if (rc != DPXE_LEASE_OK) {
		x->res->lease_status = rc;
		return DPXE_DROP_LEASE_UNKNOWN;
	}
	l = dpxe_lease_shard_lookup(x->shard, req->chaddr);
	if (l == NULL) /* the call said OK: cannot happen */
		return DPXE_DROP_LEASE_UNKNOWN;
	x->res->journal = true;
	dpxe_lease_record_make(&x->res->rec,
			       decline ? DPXE_LEASE_REC_DECLINE :
					 DPXE_LEASE_REC_RELEASE,
			       x->shard, l, when, x->wall_offset);
	return DPXE_DROP_OK;
}

/* INFORM (RFC 2131 §4.3.5): configuration for an address the client has
 * already, without touching leases. */
static enum dpxe_drop_reason
on_inform(struct server_call *x)
{
	const struct dpxe_dhcp_msg *req = x->req;
	int sn = req->giaddr ? -1 : subnet_of(x->cfg, x->shard, req->ciaddr);
	struct reply_plan p = {
		.cfg = x->cfg, .srv = x->srv, .req = req,
		.type = DPXE_DHCPACK, .lease = false,
	};
	enum dpxe_drop_reason r;

	if (sn < 0)
		sn = client_subnet(x->cfg, x->shard, x->srv, req);
	if (sn < 0)
		return DPXE_DROP_NO_SUBNET;
	p.subnet = &x->cfg->subnets[sn];
	r = build_reply(&p, x->buf, x->cap, &x->res->len);
	if (r == DPXE_DROP_OK)
		x->res->reply_type = DPXE_DHCPACK;
	return r;
}

enum dpxe_drop_reason
dpxe_dhcp_server_reply(const struct dpxe_config *cfg,
		       struct dpxe_lease_shard *shard,
		       const struct dpxe_server_id *srv,
		       const struct dpxe_dhcp_msg *req, uint16_t dst_port,
		       int64_t now, int64_t wall_offset, uint8_t *buf,
		       size_t cap, struct dpxe_dhcp_server_result *res)
{
	struct server_call x = {
		.cfg = cfg, .shard = shard, .srv = srv, .req = req,
		.now = now, .wall_offset = wall_offset,
		.buf = buf, .cap = cap, .res = res,
	};

	memset(res, 0, sizeof(*res));
	/* the boot server step holds no address: proxy mode's answer */
	if (dst_port == DPXE_PXE_BOOT_SERVER_PORT)
		return dpxe_proxy_reply(cfg, srv, req, dst_port, buf, cap,
					&res->len, &res->reply_type);
	if (dst_port != DPXE_DHCP_SERVER_PORT)
		return DPXE_DROP_MESSAGE_TYPE_IGNORED;
	switch (req->msg_type) {
	case DPXE_DHCPDISCOVER:
		return on_discover(&x);
	case DPXE_DHCPREQUEST:
		return on_request(&x);
	case DPXE_DHCPDECLINE:
	case DPXE_DHCPRELEASE:
		return on_decline_release(&x);
	case DPXE_DHCPINFORM:
		return on_inform(&x);
	}
	/* plain BOOTP (no dynamic addresses for it), and server messages */
	return DPXE_DROP_MESSAGE_TYPE_IGNORED;
}
