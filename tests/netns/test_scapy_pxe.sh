#!/bin/bash
# netns test: a scripted PXE client (tests/netns/pxe_client.py, scapy) against
# dpxe: PXE DISCOVER -> OFFER; REQUEST to port 4011 through the kernel (which
# must first ARP for dpxe's IP: dpxe's ARP responder) -> unicast ACK with
# boot item 43/71 echoed; iPXE DISCOVER -> the script URL.
#   usage: test_scapy_pxe.sh DPXE_BINARY
# Asserts every field check in pxe_client.py passes, dpxe exits 0 on SIGTERM
# and its stats count 2 OFFERs, 1 ACK, at least 1 ARP reply and no drop.
source "$(dirname "$0")/lib.sh"
netns_require "${1:-}" scapy ethtool
netns_setup
netns_config 1
start_dpxe 0

# the client needs an address for its kernel UDP socket to port 4011
ip -n "$NS_C" addr add "$CLI_IP/24" dev "$IF_C"
SRV_MAC=$(ip -n "$NS_S" -br link show "$IF_S" | awk '{ print $3 }')

rc=0
ns_c timeout -k 5 60 "$PY" "$NETNS_DIR/pxe_client.py" pxe --iface "$IF_C" \
	--mac "$MAC_C" --server "$SRV_IP" --server-mac "$SRV_MAC" \
	--client-ip "$CLI_IP" --bios-file "$EXP_BIOS_FILE" \
	--bios-siaddr "$EXP_BIOS_SIADDR" --ipxe-url "$EXP_IPXE_URL" \
	>"$TMP/pxe_client.log" 2>&1 || rc=$?
sed 's/^/    /' "$TMP/pxe_client.log" >&2
[[ $rc -eq 0 ]] || fail "pxe_client.py pxe failed (exit $rc)"

stop_dpxe
expect_stat 'j["total"]["replies"]["OFFER"]' -eq 2 "OFFERs (PXE + iPXE DISCOVER)"
expect_stat 'j["total"]["replies"]["ACK"]' -eq 1 "ACK (port 4011)"
expect_stat 'j["total"]["arp_replies"]' -ge 1 "ARP replies"
expect_stat 'sum(j["total"]["drops"].values())' -eq 0 "nothing dropped"
pass
