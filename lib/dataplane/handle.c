/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One received frame, start to finish: classify, answer ARP in place, answer
 * a PXE request in a fresh mbuf from the worker's own pool (or hand it, and
 * a DHCPv6 one, to the providers), or count a drop under its reason. Runs
 * on a worker lcore for every packet.
 */
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "byteorder.h"
#include "dhcp_server.h"
#include "dp_internal.h"
#include "ipv6.h"
#include "net.h"

static inline void
drop(struct dpxe_worker *w, struct rte_mbuf *m, enum dpxe_drop_reason r)
{
	w->stats->drops[r]++;
	rte_pktmbuf_free(m);
}

/* A DHCP reply goes out on port now, or after reply_delay_ms: some
 * firmware misses answers that come too fast. Held, never blocked on: the
 * worker loop sends what is due (dpxe_delay_release). */
static inline void
reply_out(struct dpxe_worker *w, const struct dpxe_port *port,
	  struct rte_mbuf *m)
{
	struct dpxe_delayed *slot;

	if (likely(w->delay_tsc == 0)) {
		dpxe_tx_on(w, port, m);
		return;
	}
	if (unlikely(w->delay_tail - w->delay_head == DPXE_DELAY_SLOTS)) {
		w->stats->delay_queue_full++;
		rte_pktmbuf_free(m);
		return;
	}
	slot = &w->delayq[w->delay_tail++ & (DPXE_DELAY_SLOTS - 1)];
	slot->m = m;
	slot->due = rte_rdtsc() + w->delay_tsc;
	slot->port = port;
}

static __rte_noinline void
reply_out_home(struct dpxe_worker *w, struct rte_mbuf *m)
{
	reply_out(w, w->port, m);
}

/*
 * Providers answer in proxy mode only: on the worker's own port. Called
 * once per provider reply, through the runtime's function pointer: the
 * common case (no reply delay, room in the TX buffer) is the append that
 * rte_eth_tx_buffer starts with, without the register saves its flush
 * would need; the rest goes the usual way.
 */
void
dpxe_handle_reply_out(void *worker, struct rte_mbuf *m)
{
	struct dpxe_worker *w = worker;
	struct rte_eth_dev_tx_buffer *b = w->txb;

	if (likely(w->delay_tsc == 0 && b->length + 1 < b->size)) {
		b->pkts[b->length++] = m;
		return;
	}
	reply_out_home(w, m);
}

/*
 * With providers configured the chain decides, not the built-in policy:
 * every BOOTREQUEST goes to it, valid DHCP or not (a provider with the ALL
 * filter sees plain BOOTP too; the chain applies each one's filter).
 */
static void
handle_provider(struct dpxe_worker *w, struct rte_mbuf *m,
		const struct dpxe_frame *f)
{
	const uint8_t *p = dpxe_frame_payload(f);

	if (f->payload_len < DPXE_BOOTP_COOKIE) {
		drop(w, m, DPXE_DROP_DHCP_TRUNCATED);
		return;
	}
	if (p[DPXE_BOOTP_OP] != DPXE_BOOTP_REQUEST) {
		drop(w, m, DPXE_DROP_DHCP_NOT_REQUEST);
		return;
	}
	dpxe_wds_dispatch(w->wds, m, f);
}

void
dpxe_delay_release(struct dpxe_worker *w, uint64_t now, bool all)
{
	while (w->delay_head != w->delay_tail) {
		struct dpxe_delayed *slot =
			&w->delayq[w->delay_head & (DPXE_DELAY_SLOTS - 1)];

		if (!all && slot->due > now)
			break;
		if (all)
			rte_pktmbuf_free(slot->m);
		else
			dpxe_tx_on(w, slot->port, slot->m);
		w->delay_head++;
	}
}

static unsigned int
parse_flags(const struct dpxe_port *port, const struct rte_mbuf *m)
{
	unsigned int flags = 0;

	/* trust the NIC only for a verdict of "good"; anything else
	 * (unknown, bad, none) is checked in software */
	if (port->rx_ip_csum &&
	    (m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) ==
		    RTE_MBUF_F_RX_IP_CKSUM_GOOD)
		flags |= DPXE_PARSE_IP_CSUM_VERIFIED;
	if (port->rx_udp_csum &&
	    (m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) ==
		    RTE_MBUF_F_RX_L4_CKSUM_GOOD)
		flags |= DPXE_PARSE_UDP_CSUM_VERIFIED;
	return flags;
}

/* dataplane.ports[].vlan: answer only on that VID (the innermost tag);
 * 0 answers on any tag or none. ARP and DHCP alike. */
static inline bool
on_our_vlan(const struct dpxe_port *port, const struct dpxe_frame *f)
{
	return port->vlan == 0 ||
	       (f->vlan_count &&
		(f->vlan_tci[f->vlan_count - 1] & 0x0fff) == port->vlan);
}

/* ARP requests for our address are answered by rewriting the request, on
 * the worker that received it (ARP is never spread). */
static void
handle_arp(struct dpxe_worker *w, const struct dpxe_port *port,
	   struct rte_mbuf *m, const struct dpxe_frame *f)
{
	size_t len;

	if (f->arp_op != DPXE_ARP_OP_REQUEST) {
		drop(w, m, DPXE_DROP_ARP_NOT_REQUEST);
		return;
	}
	if (f->arp_tpa != port->ip || !on_our_vlan(port, f)) {
		drop(w, m, DPXE_DROP_ARP_NOT_FOR_US);
		return;
	}
	len = dpxe_arp_reply_write(rte_pktmbuf_mtod(m, uint8_t *),
				   rte_pktmbuf_data_len(m) +
					   rte_pktmbuf_tailroom(m),
				   f, port->mac.addr_bytes, port->ip);
	if (unlikely(len == 0)) {
		drop(w, m, DPXE_DROP_REPLY_TOO_BIG);
		return;
	}
	m->ol_flags = 0;
	m->data_len = (uint16_t)len;
	m->pkt_len = (uint32_t)len;
	w->stats->arp_replies++;
	dpxe_tx_on(w, port, m);
}

static void
fill_spec(struct dpxe_udp4_spec *s, const struct dpxe_port *port,
	  const struct dpxe_frame *f, uint16_t src_port)
{
	s->vlan_count = dpxe_frame_copy_tags(f, s->vlan_tpid, s->vlan_tci);
	rte_ether_addr_copy(&port->mac, (struct rte_ether_addr *)s->src_mac);
	s->ip_src = port->ip;
	s->src_port = src_port;
	s->ttl = 64;
	s->tos = 0;
	s->ip_csum_offload = port->tx_ip_csum;
	s->udp_csum = true;
}

/* Put the reply's headers around the payload at frame + hdr_len and send
 * it on port; consumes out. The request mbuf m is freed either way. */
static __rte_always_inline void
send_reply(struct dpxe_worker *w, const struct dpxe_port *port,
	   struct rte_mbuf *m, struct rte_mbuf *out,
	   const struct dpxe_frame *f, struct dpxe_udp4_spec *spec,
	   uint8_t reply_type, uint32_t yiaddr, size_t plen, uint32_t psum)
{
	uint8_t *frame = rte_pktmbuf_mtod(out, uint8_t *);
	size_t hdr_len = dpxe_udp4_header_len(spec), len;
	struct dpxe_reply_dest dest;

	dpxe_reply_dest_pick(f, &w->msg, reply_type, yiaddr, &dest);
	if (dest.l2_broadcast)
		memset(spec->dst_mac, 0xff, sizeof(spec->dst_mac));
	else
		memcpy(spec->dst_mac, dest.mac, sizeof(spec->dst_mac));
	spec->ip_dst = dest.ip;
	spec->dst_port = dest.port;
	len = dpxe_udp4_write_summed(frame, rte_pktmbuf_tailroom(out), spec,
				     plen, psum);
	rte_pktmbuf_free(m); /* the request is no longer needed */
	if (unlikely(len == 0)) {
		rte_pktmbuf_free(out);
		w->stats->drops[DPXE_DROP_REPLY_TOO_BIG]++;
		return;
	}
	out->data_len = (uint16_t)len;
	out->pkt_len = (uint32_t)len;
	if (port->tx_ip_csum) {
		out->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
		out->l2_len = (uint16_t)(hdr_len - DPXE_IPV4_HDR_LEN -
					 DPXE_UDP_HDR_LEN);
		out->l3_len = DPXE_IPV4_HDR_LEN;
	}
	w->stats->replies[reply_type]++;
	reply_out(w, port, out);
}

/* A lease event leaves for the journal through the worker's ring. */
static inline void
journal_event(struct dpxe_worker *w, const struct dpxe_lease_record *rec)
{
	switch (rec->type) {
	case DPXE_LEASE_REC_BIND:
		w->stats->lease_binds++;
		break;
	case DPXE_LEASE_REC_RELEASE:
		w->stats->lease_releases++;
		break;
	case DPXE_LEASE_REC_DECLINE:
		w->stats->lease_declines++;
		break;
	}
	if (unlikely(!dpxe_lease_service_push(w->journal, rec)))
		w->stats->journal_ring_full++;
}

/*
 * Full DHCP mode (server.mode: dhcp, no providers): the worker owns the
 * client (spreading by chaddr) and so its lease in w->shard; it answers as
 * the port the request came in on (address, MAC, server id, subnet).
 */
/*
 * The first half of every built-in answer: parse the request into w->msg,
 * take the reply mbuf and write the header spec. @return the mbuf, with
 * *hdr_len and *room (payload room after the headers); NULL when the request
 * was dropped (counted, m freed).
 */
static __rte_always_inline struct rte_mbuf *
reply_begin(struct dpxe_worker *w, const struct dpxe_port *port,
	    struct rte_mbuf *m, const struct dpxe_frame *f,
	    struct dpxe_udp4_spec *spec, size_t *hdr_len, size_t *room)
{
	enum dpxe_drop_reason r;
	struct rte_mbuf *out;

	r = dpxe_dhcp_parse(dpxe_frame_payload(f), f->payload_len, &w->msg);
	if (r != DPXE_DROP_OK) {
		drop(w, m, r);
		return NULL;
	}
	out = rte_pktmbuf_alloc(w->pool);
	if (unlikely(out == NULL)) {
		w->stats->mbuf_alloc_fail++;
		rte_pktmbuf_free(m);
		return NULL;
	}
	fill_spec(spec, port, f, f->dst_port);
	*hdr_len = dpxe_udp4_header_len(spec);
	*room = rte_pktmbuf_tailroom(out);
	if (unlikely(*room <= *hdr_len)) {
		rte_pktmbuf_free(out);
		drop(w, m, DPXE_DROP_REPLY_TOO_BIG);
		return NULL;
	}
	return out;
}

static void
handle_dhcp_server(struct dpxe_worker *w, const struct dpxe_port *port,
		   struct rte_mbuf *m, const struct dpxe_frame *f)
{
	struct dpxe_dhcp_server_result res;
	struct dpxe_udp4_spec spec;
	enum dpxe_drop_reason r;
	struct rte_mbuf *out;
	size_t hdr_len, room;

	out = reply_begin(w, port, m, f, &spec, &hdr_len, &room);
	if (out == NULL)
		return;
	r = dpxe_dhcp_server_reply(w->cfg, w->shard, &port->srv, &w->msg,
				   f->dst_port, w->now_s, w->dp->wall_offset,
				   rte_pktmbuf_mtod(out, uint8_t *) + hdr_len,
				   room - hdr_len, &res);
	if (r != DPXE_DROP_OK) {
		rte_pktmbuf_free(out);
		drop(w, m, r);
		return;
	}
	if (res.journal)
		journal_event(w, &res.rec);
	if (res.reply_type == 0) {
		/* RELEASE, DECLINE: done, nothing to send */
		rte_pktmbuf_free(out);
		rte_pktmbuf_free(m);
		return;
	}
	send_reply(w, port, m, out, f, &spec, res.reply_type, res.yiaddr,
		   res.len, DPXE_NO_SUM);
}

static void
handle_dhcp(struct dpxe_worker *w, const struct dpxe_port *port,
	    struct rte_mbuf *m, const struct dpxe_frame *f)
{
	struct dpxe_udp4_spec spec;
	enum dpxe_drop_reason r;
	struct rte_mbuf *out;
	uint8_t *frame, reply_type;
	uint32_t psum;
	size_t hdr_len, room, plen;

	if (f->dst_port != DPXE_DHCP_SERVER_PORT &&
	    f->dst_port != DPXE_PXE_BOOT_SERVER_PORT) {
		drop(w, m, DPXE_DROP_UDP_PORT_UNSUPPORTED);
		return;
	}
	if (f->ip_dst != port->ip && f->ip_dst != DPXE_IPV4_BROADCAST) {
		drop(w, m, DPXE_DROP_NOT_FOR_US);
		return;
	}
	if (!on_our_vlan(port, f)) {
		drop(w, m, DPXE_DROP_NOT_FOR_US);
		return;
	}
	if (w->wds != NULL) {
		handle_provider(w, m, f);
		return;
	}
	if (w->shard != NULL) {
		handle_dhcp_server(w, port, m, f);
		return;
	}
	out = reply_begin(w, port, m, f, &spec, &hdr_len, &room);
	if (out == NULL)
		return;
	frame = rte_pktmbuf_mtod(out, uint8_t *);
	r = dpxe_proxy_reply_cached(&w->cache, w->cfg, &port->srv, &w->msg,
				    f->dst_port, frame + hdr_len, room - hdr_len,
				    &plen, &reply_type, &psum);
	if (r != DPXE_DROP_OK) {
		rte_pktmbuf_free(out);
		drop(w, m, r);
		return;
	}

	send_reply(w, port, m, out, f, &spec, reply_type,
		   dpxe_load_ip(frame + hdr_len + DPXE_BOOTP_YIADDR), plen,
		   psum);
}

/*
 * A DHCPv6 request is ours when it is sent to All_DHCP_Relay_Agents_and_
 * Servers (ff02::1:2, what clients send to) or All_DHCP_Servers
 * (ff05::1:3, what a relay may forward to), or unicast to the port's one
 * IPv6 address. dpxe has no IPv6 address configuration: that address is
 * the link-local one of the port's MAC (fe80::EUI-64, RFC 4291 appendix
 * A), the source the provider runtime gives replies to multicast requests
 * too. A unicast to any other address (a global one: a relay configured
 * with our address) is for another host.
 */
static bool
ipv6_dst_is_ours(const struct dpxe_port *port, const struct dpxe_udp6 *u)
{
	uint8_t ll[DPXE_IPV6_ADDR_LEN];

	if (dpxe_ipv6_is_multicast(u->dst))
		return memcmp(u->dst, dpxe_ipv6_all_dhcp_agents,
			      DPXE_IPV6_ADDR_LEN) == 0 ||
		       memcmp(u->dst, dpxe_ipv6_all_dhcp_servers,
			      DPXE_IPV6_ADDR_LEN) == 0;
	dpxe_ipv6_link_local(port->mac.addr_bytes, ll);
	return memcmp(u->dst, ll, DPXE_IPV6_ADDR_LEN) == 0;
}

/*
 * An IPv6 frame (dpxe_frame_parse stopped at its ethertype, having read
 * the Ethernet header and tags): DHCPv6 goes to the providers that take
 * IPv6, through dpxe_wds_dispatch6; anything else is a counted drop. Off
 * the IPv4 fast path: only a frame that already failed to parse gets here.
 *
 * It is answered by the worker that received it. The software spreading
 * (worker.c) hashes the chaddr of IPv4 DHCP only; it keeps every other
 * frame, IPv6 included, where it came in. A provider request needs no
 * owner (no lease in a shard), and DHCPv6 has no chaddr to hash anyway:
 * the client's DUID need not hold a MAC, and a relayed request's source
 * MAC is the relay's.
 */
static __rte_noinline __rte_cold void
handle_ipv6(struct dpxe_worker *w, const struct dpxe_port *port,
	    struct rte_mbuf *m, const struct dpxe_frame *f)
{
	struct dpxe_udp6 u;
	enum dpxe_drop_reason r;

	r = dpxe_udp6_parse(f, parse_flags(port, m), &u);
	if (r != DPXE_DROP_OK) {
		drop(w, m, r);
		return;
	}
	if (u.dst_port != DPXE_DHCPV6_SERVER_PORT) {
		drop(w, m, DPXE_DROP_UDP_PORT_UNSUPPORTED);
		return;
	}
	if (!on_our_vlan(port, f) || !ipv6_dst_is_ours(port, &u)) {
		drop(w, m, DPXE_DROP_NOT_FOR_US);
		return;
	}
	if (w->wds == NULL || !dpxe_wds_ipv6_active()) {
		drop(w, m, DPXE_DROP_DHCPV6_NO_PROVIDER);
		return;
	}
	dpxe_wds_dispatch6(w->wds, m, f, &u);
}

void
dpxe_handle_frame(struct dpxe_worker *w, const struct dpxe_port *port,
		  struct rte_mbuf *m)
{
	struct dpxe_frame f;
	enum dpxe_drop_reason r;

	/* a frame bigger than one mbuf segment (scattered RX of a jumbo
	 * frame) is no DHCP message we answer; say so rather than let the
	 * first segment's cut lengths name a wrong reason */
	if (unlikely(m->nb_segs != 1)) {
		drop(w, m, DPXE_DROP_RX_SEGMENTED);
		return;
	}
	r = dpxe_frame_parse(rte_pktmbuf_mtod(m, const uint8_t *),
			     rte_pktmbuf_data_len(m), parse_flags(port, m),
			     &f);
	if (r != DPXE_DROP_OK) {
		if (r == DPXE_DROP_ETHERTYPE_UNSUPPORTED &&
		    f.ethertype == DPXE_ETHERTYPE_IPV6)
			handle_ipv6(w, port, m, &f);
		else
			drop(w, m, r);
		return;
	}
	if (f.kind == DPXE_FRAME_ARP)
		handle_arp(w, port, m, &f);
	else
		handle_dhcp(w, port, m, &f);
}
