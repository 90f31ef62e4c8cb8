/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Why a frame was not answered.
 *
 * Every parser in lib/net and lib/dhcp returns one of these reasons instead of
 * a bare error, so the dataplane can count each drop under its own name and an
 * operator can read from the stats why a client was not served.
 */
#ifndef DPXE_DROP_REASON_H
#define DPXE_DROP_REASON_H

/* X(enum suffix, "name shown in stats") */
#define DPXE_DROP_REASONS(X)                                                   \
	X(OK, "ok")                                                            \
	/* Ethernet / VLAN */                                                  \
	X(RX_SEGMENTED, "rx_segmented")                                        \
	X(ETH_TRUNCATED, "eth_truncated")                                      \
	X(VLAN_TRUNCATED, "vlan_truncated")                                    \
	X(VLAN_TOO_DEEP, "vlan_too_deep")                                      \
	X(ETHERTYPE_UNSUPPORTED, "ethertype_unsupported")                      \
	/* ARP */                                                              \
	X(ARP_TRUNCATED, "arp_truncated")                                      \
	X(ARP_NOT_ETH_IPV4, "arp_not_eth_ipv4")                                \
	X(ARP_NOT_REQUEST, "arp_not_request")                                  \
	X(ARP_NOT_FOR_US, "arp_not_for_us")                                    \
	/* IPv4 */                                                             \
	X(IP_TRUNCATED, "ip_truncated")                                        \
	X(IP_BAD_VERSION, "ip_bad_version")                                    \
	X(IP_BAD_IHL, "ip_bad_ihl")                                            \
	X(IP_BAD_TOTAL_LENGTH, "ip_bad_total_length")                          \
	X(IP_BAD_CHECKSUM, "ip_bad_checksum")                                  \
	X(IP_FRAGMENT, "ip_fragment")                                          \
	X(IP_NOT_UDP, "ip_not_udp")                                            \
	/* UDP */                                                              \
	X(UDP_TRUNCATED, "udp_truncated")                                      \
	X(UDP_BAD_LENGTH, "udp_bad_length")                                    \
	X(UDP_BAD_CHECKSUM, "udp_bad_checksum")                                \
	X(UDP_PORT_UNSUPPORTED, "udp_port_unsupported")                        \
	/* DHCP / BOOTP */                                                     \
	X(DHCP_TRUNCATED, "dhcp_truncated")                                    \
	X(DHCP_NOT_REQUEST, "dhcp_not_bootrequest")                            \
	X(DHCP_BAD_HTYPE, "dhcp_bad_htype")                                    \
	X(DHCP_BAD_HLEN, "dhcp_bad_hlen")                                      \
	X(DHCP_BAD_COOKIE, "dhcp_bad_cookie")                                  \
	X(DHCP_OPTION_TRUNCATED, "dhcp_option_truncated")                      \
	X(DHCP_TOO_LONG, "dhcp_too_long")                      \
	X(DHCP_BAD_OVERLOAD, "dhcp_bad_overload")                              \
	X(DHCP_BAD_OPTION_LENGTH, "dhcp_bad_option_length")                    \
	X(DHCP_BAD_MESSAGE_TYPE, "dhcp_bad_message_type")                      \
	X(DHCP_BAD_VENDOR_OPTIONS, "dhcp_bad_vendor_options")                  \
	/* policy (filled in by later layers) */                               \
	X(NOT_PXE_CLIENT, "not_pxe_client")                                    \
	X(NO_BOOT_RULE, "no_boot_rule")                                        \
	X(MESSAGE_TYPE_IGNORED, "message_type_ignored")                        \
	X(NOT_FOR_US, "not_for_us")                                            \
	X(REPLY_TOO_BIG, "reply_too_big")                                      \
	/* full DHCP mode: address assignment (lib/boot/dhcp_server.c) */      \
	X(NO_SUBNET, "no_subnet")                                              \
	X(POOL_EXHAUSTED, "pool_exhausted")                                    \
	X(LEASE_TABLE_FULL, "lease_table_full")                                \
	X(LEASE_OTHER_SLICE, "lease_other_slice")                              \
	X(LEASE_NOT_OWNER, "lease_not_owner")                                  \
	X(LEASE_UNKNOWN, "lease_unknown")                                      \
	X(REQUEST_NO_ADDRESS, "request_no_address")                            \
	X(DHCPV6_NO_PROVIDER, "dhcpv6_no_provider")

enum dpxe_drop_reason {
#define DPXE_REASON_ENUM(name, str) DPXE_DROP_##name,
	DPXE_DROP_REASONS(DPXE_REASON_ENUM)
#undef DPXE_REASON_ENUM
	DPXE_DROP_MAX
};

/** Name of a reason as shown in stats; "unknown" for an out-of-range value. */
const char *dpxe_drop_reason_name(enum dpxe_drop_reason reason);

#endif /* DPXE_DROP_REASON_H */
