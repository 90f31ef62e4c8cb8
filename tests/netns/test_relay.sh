#!/bin/bash
# netns test, full DHCP mode behind a relay: udhcpc in the client namespace,
# ISC dhcrelay (-a: option 82 with the circuit id) in a third namespace,
# dpxe (two workers) in the server namespace (tests/data/netns-dhcp/dhcp.yaml):
#
#   client $IF_C ---- $IF_RC relay $IF_RS ---- $IF_S dpxe
#                10.80.0.1/24      10.79.0.2/24     10.79.0.1 (dpxe)
#
#   usage: test_relay.sh DPXE_BINARY
# Asserts:
#   client  udhcpc is bound to an address of the RELAY's subnet (pool
#           10.80.0.100-149, router 10.80.0.1, lease 900), not of dpxe's own
#           link: dpxe chose the subnet by giaddr;
#   relay   (captured in the relay namespace, between relay and dpxe) the
#           relayed DISCOVER and REQUEST carry giaddr 10.80.0.1 and option 82
#           with circuit id = the relay's client-side interface; dpxe's OFFER
#           and ACK go to the relay (10.80.0.1:67, giaddr kept) and carry
#           option 82 byte for byte as the relay sent it;
#   dpxe    exits 0 on SIGTERM; stats: 1 OFFER, 1 ACK, no NAK, no drop; the
#           lease journal binds the address to the client in 10.80.0.0/24.
source "$(dirname "$0")/lib.sh"
netns_require "${1:-}" dhcrelay udhcpc tcpdump tshark ethtool
netns_setup relay
# two workers: every relayed frame comes from the relay's MAC and IP, so
# only the spreading by chaddr takes a client to the worker owning its lease
dhcp_config 2
start_dpxe 0,1
PCAP=$TMP/relay-upstream.pcap
start_capture "$PCAP" "$NS_R" "$IF_RS"

# -d: foreground (we own it); -a: add option 82 (circuit id: the interface
# the request came in on) and strip it from replies; -id/-iu: which side
# the clients and the server are on.
ip netns exec "$NS_R" timeout -k 5 90 dhcrelay -d -4 -a -pf "$TMP/dhcrelay.pid" \
	-id "$IF_RC" -iu "$IF_RS" "$SRV_IP" >"$TMP/dhcrelay.log" 2>&1 &
RELAY_PID=$!; PIDS+=("$RELAY_PID")
for i in $(seq 100); do
	grep -q '^Sending on' "$TMP/dhcrelay.log" && break
	kill -0 "$RELAY_PID" 2>/dev/null || { cat "$TMP/dhcrelay.log" >&2; fail "dhcrelay exited"; }
	((i < 100)) || { cat "$TMP/dhcrelay.log" >&2; fail "dhcrelay not ready within 10 s"; }
	sleep 0.1
done
log "dhcrelay relaying $IF_RC -> $SRV_IP (option 82 circuit id \"$IF_RC\")"

cat >"$TMP/udhcpc-script" <<EOF
#!/bin/sh
env >"$TMP/udhcpc.\$1.env"
exit 0
EOF
chmod +x "$TMP/udhcpc-script"
rc=0
ns_c timeout -k 5 40 udhcpc -f -q -n -i "$IF_C" -t 5 -T 2 -A 1 \
	-s "$TMP/udhcpc-script" >"$TMP/udhcpc.log" 2>&1 || rc=$?
[[ $rc -eq 0 && -e $TMP/udhcpc.bound.env ]] ||
	{ cat "$TMP/udhcpc.log" "$TMP/dhcrelay.log" >&2; fail "udhcpc got no lease through the relay (exit $rc)"; }
sleep 1          # last frames on the wire; the journal flushed (flush_ms)
stop_capture
kill_pid "$RELAY_PID"
sed 's/^/    dhcrelay: /' "$TMP/dhcrelay.log" >&2

get() { sed -n "s/^$1=//p" "$TMP/udhcpc.bound.env"; }
IP=$(get ip)
expect_in_pool "$IP" "$RELAY_POOL_START" "$RELAY_POOL_END" "client: ip from the relay's subnet"
expect_eq "$(get router)" "$RELAY_IP" "client: router (the relay subnet's)"
expect_eq "$(get subnet)" 255.255.255.0 "client: subnet mask"
expect_eq "$(get lease)" "$RELAY_LEASE_TIME" "client: lease (the relay subnet's)"
expect_eq "$(get serverid)" "$SRV_IP" "client: server id"

# ---- between relay and dpxe
M="dhcp.hw.mac_addr == $MAC_C"
CID=$(printf '%s' "$IF_RC" | od -An -tx1 | tr -d ' \n')
for t in 1:DISCOVER 3:REQUEST; do
	expect_pcap "$PCAP" "$M && dhcp.option.dhcp == ${t%%:*} && ip.dst == $SRV_IP && dhcp.ip.relay == $RELAY_IP && dhcp.option.agent_information_option.agent_circuit_id == $CID" \
		"relayed ${t#*:}: giaddr $RELAY_IP, option 82 circuit id \"$IF_RC\""
done
for t in 2:OFFER 5:ACK; do
	expect_pcap "$PCAP" "$M && dhcp.option.dhcp == ${t%%:*} && ip.src == $SRV_IP && ip.dst == $RELAY_IP && udp.dstport == 67 && dhcp.ip.relay == $RELAY_IP && dhcp.ip.your == $IP && dhcp.option.router == $RELAY_IP" \
		"dpxe's ${t#*:} of $IP to the relay"
done
# option 82, as raw bytes: what the relay sent = what dpxe sent back
opt82() {  # opt82 TYPE: the option 82 bytes (hex) of the first such message
	$PY - "$PCAP" "$1" "$MAC_C" <<'PYEOF'
import sys
from scapy.all import rdpcap, BOOTP, DHCP
for p in rdpcap(sys.argv[1]):
    if BOOTP not in p or DHCP not in p:
        continue
    o = dict(x for x in p[DHCP].options if isinstance(x, tuple) and len(x) == 2)
    if o.get("message-type") != int(sys.argv[2]):
        continue
    if p[BOOTP].chaddr[:6].hex(":") != sys.argv[3]:
        continue
    b = bytes(p[BOOTP])[240:]
    i = 0
    while i + 1 < len(b) and b[i] != 255:
        if b[i] == 0:
            i += 1
            continue
        if b[i] == 82:
            print(b[i + 2:i + 2 + b[i + 1]].hex())
            sys.exit(0)
        i += 2 + b[i + 1]
    print("none")
    sys.exit(0)
print("no-message")
PYEOF
}
SENT=$(opt82 1)
[[ $SENT == 01* ]] || fail "the relayed DISCOVER's option 82 is '$SENT', expected a circuit id"
log "relay's option 82: $SENT"
expect_eq "$(opt82 2)" "$SENT" "option 82 of dpxe's OFFER (intact)"
expect_eq "$(opt82 3)" "$SENT" "option 82 of the relayed REQUEST"
expect_eq "$(opt82 5)" "$SENT" "option 82 of dpxe's ACK (intact)"
expect_eq "$(pcap_count "$PCAP" "dhcp.option.dhcp == 6")" 0 "NAKs"

stop_dpxe
stats_dump
expect_stat 'j["total"]["replies"]["OFFER"]' -eq 1 "one OFFER"
expect_stat 'j["total"]["replies"]["ACK"]' -eq 1 "one ACK"
expect_stat 'j["total"]["replies"].get("NAK", 0)' -eq 0 "no NAK"
expect_stat 'sum(j["total"]["drops"].values())' -eq 0 "nothing dropped"
expect_stat 'j["total"]["lease_binds"]' -eq 1 "one lease bound"
expect_journal_bind "$MAC_C" "$IP" 10.80.0.0/24
log "ok: the journal binds $IP to $MAC_C in 10.80.0.0/24"
pass
