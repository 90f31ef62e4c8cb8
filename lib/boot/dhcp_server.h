/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Full DHCP mode (server.mode: dhcp): RFC 2131 address assignment plus the
 * boot policy of lib/boot, for one request, on the worker that owns the
 * client (dpxe_client_owner(chaddr)) and therefore its lease shard.
 *
 * Pure C, no DPDK, no allocation, no system call: the caller passes the
 * parsed request, its shard and the time, and gets the reply bytes and at
 * most one lease event to journal. The caller addresses the reply with
 * dpxe_reply_dest_pick(frame, req, reply_type, yiaddr) and queues the
 * journal record for the service thread (lease_journal.h: never written on
 * a worker).
 *
 * What is answered (RFC 2131 §4.3, Table 3):
 *   DISCOVER          -> OFFER (address held for offer_time), or silence
 *                        when the slice of the pool is exhausted
 *   REQUEST selecting -> ACK / NAK; silence if option 54 names another
 *                        server (the offer is given back)
 *   REQUEST init-reboot, renewing, rebinding -> ACK / NAK / silence as the
 *                        RFC says: a client we hold no offer, binding or
 *                        reservation for gets silence (§4.3.2), unless its
 *                        address is certainly wrong (another network, no
 *                        pool, bound to someone else: NAK); the ACK carries
 *                        the lease, a BIND record journals it
 *   DECLINE, RELEASE  -> no reply; the lease changes and is journaled
 *   INFORM            -> ACK without yiaddr or lease times
 *   plain BOOTP       -> ignored (DPXE_DROP_MESSAGE_TYPE_IGNORED)
 *
 * The subnet is the one holding giaddr for a relayed request, else the one
 * holding the answering port's address; a RENEWING client (unicast, maybe
 * from behind a router without a relay) and an INFORM are placed by their
 * ciaddr when giaddr is 0. Boot information (file, next server, option 60
 * PXEClient / HTTPClient, option 43, hosts[].boot_file) is added to OFFER
 * and ACK (and an INFORM's ACK) for PXE, HTTP boot and iPXE clients by the
 * same rules as proxy mode (boot_select.h, boot_reply.h); other clients
 * get an address only.
 * Option 82 is echoed when giaddr is set (RFC 3046). Address options
 * (1, 3, 6, 15, 12 from hosts[].hostname, 28 when asked) follow option
 * 55's order. A reply that does not fit option 57 or cap is not sent
 * (DPXE_DROP_REPLY_TOO_BIG), never cut short.
 */
#ifndef DPXE_DHCP_SERVER_H
#define DPXE_DHCP_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "dhcp.h"
#include "lease/lease_journal.h"
#include "lease/lease_shard.h"
#include "proxy_reply.h"

/** What one request produced besides the reply bytes. */
struct dpxe_dhcp_server_result {
	/** Option 53 of the reply (DPXE_DHCPOFFER, DPXE_DHCPACK,
	 *  DPXE_DHCPNAK); 0 when nothing is sent (DECLINE, RELEASE, or a
	 *  silent case: the return value then says why). */
	uint8_t reply_type;
	uint32_t yiaddr;   /**< the reply's yiaddr, network order; 0: none */
	size_t len;        /**< reply bytes written to buf */
	/** A lease event to journal (bind, release, decline). */
	bool journal;
	struct dpxe_lease_record rec;
	/** The lease call's status when the request was refused or NAKed
	 *  (enum dpxe_lease_status), for counters and traces; 0 otherwise. */
	int lease_status;
};

/**
 * Answer one request in full DHCP mode.
 *
 * @param cfg          the configuration the shard was made from
 * @param shard        this worker's lease shard
 * @param srv          the answering port: its address (option 54, siaddr
 *                     default, subnet choice for unrelayed requests)
 * @param req          the parsed request (dpxe_dhcp_parse)
 * @param dst_port     the UDP port it was sent to (67, or 4011: a port
 *                     4011 request is answered as in proxy mode)
 * @param now          monotonic seconds (dpxe_lease_mono_now())
 * @param wall_offset  wall-clock minus monotonic seconds, for the record
 * @param buf, cap     where the reply's UDP payload goes; never written
 *                     past cap, nor past res->len except for a NAK (the
 *                     ACK it replaces was built first) or a failure
 * @param res          filled in; res->journal may be true even when
 *                     nothing is sent (RELEASE, DECLINE)
 * @return DPXE_DROP_OK when res says what to do (a reply, a journal record
 *         or both); otherwise the reason nothing at all is done, for the
 *         drop counters: DPXE_DROP_NO_SUBNET (no configured subnet holds
 *         giaddr / the port / a renewing client's ciaddr),
 *         DPXE_DROP_POOL_EXHAUSTED, DPXE_DROP_LEASE_TABLE_FULL,
 *         DPXE_DROP_NOT_FOR_US (option 54 names another server; a DECLINE
 *         must name us, a RELEASE may name no one),
 *         DPXE_DROP_LEASE_OTHER_SLICE (a bind the shard refused because
 *         the address is another shard's), DPXE_DROP_LEASE_NOT_OWNER
 *         (chaddr belongs to another shard: the caller did not spread),
 *         DPXE_DROP_LEASE_UNKNOWN (RELEASE / DECLINE of no lease of ours;
 *         INIT-REBOOT / RENEWING / REBINDING of a client we have no record
 *         of),
 *         DPXE_DROP_REQUEST_NO_ADDRESS (names no address to act on),
 *         DPXE_DROP_MESSAGE_TYPE_IGNORED (plain BOOTP, a server's message,
 *         another port), DPXE_DROP_REPLY_TOO_BIG; on port 4011 those of
 *         dpxe_proxy_reply().
 */
enum dpxe_drop_reason
dpxe_dhcp_server_reply(const struct dpxe_config *cfg,
		       struct dpxe_lease_shard *shard,
		       const struct dpxe_server_id *srv,
		       const struct dpxe_dhcp_msg *req, uint16_t dst_port,
		       int64_t now, int64_t wall_offset, uint8_t *buf,
		       size_t cap, struct dpxe_dhcp_server_result *res);

#endif /* DPXE_DHCP_SERVER_H */
