#!/bin/bash
# netns test: ISC dhclient, sending vendor-class-identifier
# PXEClient:Arch:00000:UNDI:002001 and requesting bootfile-name and
# tftp-server-name, gets dpxe's proxyDHCP OFFER.
#   usage: test_dhclient.sh DPXE_BINARY
# dhclient may refuse a lease of 0.0.0.0, so the assertions are on the frames
# captured (tcpdump) in the client namespace: an OFFER answering dhclient's
# DISCOVER (same xid, chaddr), from dpxe's MAC and IP, yiaddr 0, file =
# the BIOS boot file, siaddr = the BIOS next server, option 60 "PXEClient",
# option 54 = dpxe's IP, option 43 present. dpxe exits 0 on SIGTERM and its
# stats count the OFFER(s).
source "$(dirname "$0")/lib.sh"
netns_require "${1:-}" dhclient tcpdump tshark
netns_setup
netns_config 1
start_dpxe 0

cat >"$TMP/dhclient.conf" <<'EOF'
timeout 20;
retry 1;
initial-interval 1;
send vendor-class-identifier "PXEClient:Arch:00000:UNDI:002001";
request subnet-mask, bootfile-name, tftp-server-name;
EOF
# dhclient's script: record the events, touch nothing.
cat >"$TMP/dhclient-script" <<EOF
#!/bin/sh
env > "$TMP/dhclient.\$reason.env"
exit 0
EOF
chmod +x "$TMP/dhclient-script"

PCAP=$TMP/dhclient.pcap
start_capture "$PCAP"
# -d: foreground (we own it), -1: one attempt; bounded by timeout(1).
ip netns exec "$NS_C" timeout -k 5 40 dhclient -d -4 -1 -v \
	-cf "$TMP/dhclient.conf" -pf "$TMP/dhclient.pid" -lf "$TMP/dhclient.leases" \
	-sf "$TMP/dhclient-script" "$IF_C" >"$TMP/dhclient.log" 2>&1 &
DHC_PID=$!; PIDS+=("$DHC_PID")

offers() { tshark -r "$PCAP" -Y 'dhcp.option.dhcp == 2' 2>/dev/null | wc -l; }
end=$((SECONDS + 30))
while (($(offers) < 1)); do
	((SECONDS < end)) || { cat "$TMP/dhclient.log" >&2; fail "no OFFER captured within 30 s"; }
	kill -0 "$DHC_PID" 2>/dev/null || { cat "$TMP/dhclient.log" >&2; fail "dhclient exited without an OFFER"; }
	sleep 0.5
done
sleep 1          # let dhclient's REQUEST and dpxe's ACK (if any) pass
kill_pid "$DHC_PID"
# dpxe first, the capture then: every OFFER dpxe counts has left it before
# tcpdump stops, so the two counts below can be compared exactly
stop_dpxe
stop_capture
log "dhclient: $(grep -E 'DHCP(OFFER|ACK|NAK)' "$TMP/dhclient.log" | tr '\n' ';')"

# One tshark pass per message type: the FIELDS of its first packet.
FIELDS=(dhcp.id dhcp.hw.mac_addr eth.src ip.src udp.srcport udp.dstport
	dhcp.ip.your dhcp.file dhcp.ip.server dhcp.option.vendor_class_id
	dhcp.option.dhcp_server_id dhcp.option.type)
declare -A F
load() {         # load FILTER: fill F[field] from the first matching packet
	local line i vals e=()
	for i in "${FIELDS[@]}"; do e+=(-e "$i"); done
	line=$(tshark -r "$PCAP" -Y "$1" -T fields -E separator='|' \
		-E aggregator=, -E occurrence=a "${e[@]}" 2>/dev/null | head -1)
	[[ -n $line ]] || fail "no packet matches '$1' in the capture"
	IFS='|' read -r -a vals <<<"$line"
	F=()
	for i in "${!FIELDS[@]}"; do F[${FIELDS[$i]}]=${vals[$i]:-}; done
}
SRV_MAC=$(ip -n "$NS_S" -br link show "$IF_S" | awk '{ print $3 }')

load 'dhcp.option.dhcp == 1'
DISC_XID=${F[dhcp.id]}
expect_eq "${F[dhcp.option.vendor_class_id]}" "PXEClient:Arch:00000:UNDI:002001" \
	"dhclient DISCOVER option 60"

# check_reply NAME: the loaded reply answers the DISCOVER's xid as the config says
check_reply() {
	expect_eq "${F[dhcp.id]}" "$DISC_XID" "$1 xid"
	expect_eq "${F[dhcp.hw.mac_addr]}" "$MAC_C" "$1 chaddr"
	expect_eq "${F[eth.src]}" "$SRV_MAC" "$1 source MAC (dpxe's port)"
	expect_eq "${F[ip.src]}" "$SRV_IP" "$1 source IP"
	expect_eq "${F[udp.srcport]},${F[udp.dstport]}" "67,68" "$1 UDP ports"
	expect_eq "${F[dhcp.ip.your]}" "0.0.0.0" "$1 yiaddr (proxy: none)"
	expect_eq "${F[dhcp.file]}" "$EXP_BIOS_FILE" "$1 file"
	expect_eq "${F[dhcp.ip.server]}" "$EXP_BIOS_SIADDR" "$1 siaddr"
	expect_eq "${F[dhcp.option.vendor_class_id]}" "PXEClient" "$1 option 60"
	expect_eq "${F[dhcp.option.dhcp_server_id]}" "$SRV_IP" "$1 option 54"
	[[ ,${F[dhcp.option.type]}, == *,43,* ]] ||
		fail "$1 has no option 43 (options ${F[dhcp.option.type]})"
	log "ok: $1 has option 43 (options ${F[dhcp.option.type]})"
}
load "dhcp.option.dhcp == 2 && dhcp.id == $DISC_XID"
check_reply OFFER
# dhclient then REQUESTs 0.0.0.0 from dpxe (server id 10.79.0.1): dpxe ACKs
if grep -q "DHCPREQUEST" "$TMP/dhclient.log"; then
	load "dhcp.option.dhcp == 5 && dhcp.id == $DISC_XID"
	check_reply ACK
fi

expect_stat 'j["total"]["replies"]["OFFER"]' -ge 1 "OFFER counted"
expect_stat "j['total']['replies']['OFFER']" -eq "$(offers)" "OFFERs counted = OFFERs captured"
expect_stat 'sum(j["total"]["drops"].values())' -eq 0 "nothing dropped"
pass
