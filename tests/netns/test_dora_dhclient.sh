#!/bin/bash
# netns test, full DHCP mode: ISC dhclient gets an address from dpxe
# (tests/data/netns-dhcp/dhcp.yaml), gets it again after a restart of the
# client (INIT-REBOOT) and releases it.
#   usage: test_dora_dhclient.sh DPXE_BINARY
# Asserts:
#   DORA         `dhclient -1` reaches BOUND: new_ip_address in the pool
#                10.79.0.100-149, mask, routers, domain-name-servers,
#                domain-name, lease time 600, T1 300, T2 525 and server id as
#                configured; the lease file records that address;
#   INIT-REBOOT  dhclient is killed (no release) and `dhclient -1` runs again
#                on the same lease file: it REQUESTs that address (option 50,
#                no option 54, ciaddr 0) and dpxe ACKs it: reason REBOOT,
#                same address;
#   release      `dhclient -r` sends a RELEASE of the address to dpxe;
#   dpxe         exits 0 on SIGTERM; its stats count 1 OFFER, 2 ACKs, no NAK,
#                the RELEASE, no drop; its lease journal ends, for this
#                client, with the release of that address.
source "$(dirname "$0")/lib.sh"
netns_require "${1:-}" dhclient tcpdump tshark ethtool
netns_setup
dhcp_config 1
start_dpxe 0
PCAP=$TMP/dora.pcap
start_capture "$PCAP"

cat >"$TMP/dhclient.conf" <<'EOF'
timeout 20;
retry 1;
initial-interval 1;
request subnet-mask, broadcast-address, routers, domain-name,
	domain-name-servers, dhcp-lease-time, dhcp-renewal-time,
	dhcp-rebinding-time;
EOF
# dhclient's script: record each event and configure the address (the
# release is unicast to dpxe through the kernel, from that address).
cat >"$TMP/dhclient-script" <<EOF
#!/bin/sh
env >"$TMP/dhclient.\$reason.env"
case \$reason in
BOUND|RENEW|REBIND|REBOOT)
	ip addr replace "\$new_ip_address/\$new_subnet_mask" dev "\$interface" ;;
RELEASE|EXPIRE|STOP)
	ip -4 addr flush dev "\$interface" ;;
esac
echo "\$reason" >>"$TMP/events"
exit 0
EOF
chmod +x "$TMP/dhclient-script"
LEASES=$TMP/dhclient.leases

# run_dhclient NAME REASON: dhclient -1 in the foreground (-d) until the
# script has seen REASON (at most 30 s); then SIGKILL it, so that it sends
# nothing more (no release) and its lease file stays as written.
run_dhclient() {
	local name=$1 reason=$2 pid end
	rm -f "$TMP/dhclient.$reason.env"
	ip netns exec "$NS_C" timeout -k 5 60 dhclient -d -4 -1 -v \
		-cf "$TMP/dhclient.conf" -pf "$TMP/dhclient.pid" -lf "$LEASES" \
		-sf "$TMP/dhclient-script" "$IF_C" >"$TMP/dhclient-$name.log" 2>&1 &
	pid=$!; PIDS+=("$pid")
	end=$((SECONDS + 30))
	until [[ -e $TMP/dhclient.$reason.env ]] && grep -qx "$reason" "$TMP/events"; do
		if ((SECONDS >= end)) || ! kill -0 "$pid" 2>/dev/null; then
			cat "$TMP/dhclient-$name.log" >&2
			fail "$name: dhclient did not reach $reason within 30 s (events: $(tr '\n' ' ' <"$TMP/events" 2>/dev/null))"
		fi
		sleep 0.2
	done
	# timeout(1) runs dhclient as its child: kill that one first
	local c
	for c in $(cat "/proc/$pid/task/$pid/children" 2>/dev/null); do
		kill -KILL "$c" 2>/dev/null || true
	done
	kill_pid "$pid" 2>/dev/null   # no "Killed" job notice
	log "$name: dhclient reached $reason ($(grep -E 'DHCP(ACK|NAK|OFFER)' "$TMP/dhclient-$name.log" | tr '\n' ';'))"
}
envv() { sed -n "s/^$2=//p" "$TMP/dhclient.$1.env" | tr -d "'"; }

# ---- DORA
run_dhclient dora BOUND
IP=$(envv BOUND new_ip_address)
expect_in_pool "$IP" "$DHCP_POOL_START" "$DHCP_POOL_END" "BOUND: new_ip_address"
expect_eq "$(envv BOUND new_subnet_mask)" 255.255.255.0 "BOUND: subnet mask"
expect_eq "$(envv BOUND new_routers)" "$DHCP_ROUTER" "BOUND: routers"
expect_eq "$(envv BOUND new_domain_name_servers)" "$DHCP_DNS" "BOUND: domain-name-servers"
expect_eq "$(envv BOUND new_domain_name)" "$DHCP_DOMAIN" "BOUND: domain-name"
expect_eq "$(envv BOUND new_dhcp_lease_time)" "$DHCP_LEASE_TIME" "BOUND: lease time"
expect_eq "$(envv BOUND new_dhcp_renewal_time)" "$DHCP_RENEW_TIME" "BOUND: T1"
expect_eq "$(envv BOUND new_dhcp_rebinding_time)" "$DHCP_REBIND_TIME" "BOUND: T2"
expect_eq "$(envv BOUND new_dhcp_server_identifier)" "$SRV_IP" "BOUND: server id"
grep -q "fixed-address $IP;" "$LEASES" || fail "the lease file does not hold $IP"

# ---- INIT-REBOOT: a new dhclient on the same lease file
run_dhclient reboot REBOOT
expect_eq "$(envv REBOOT new_ip_address)" "$IP" "REBOOT: same address"
expect_eq "$(envv REBOOT new_dhcp_lease_time)" "$DHCP_LEASE_TIME" "REBOOT: lease time"

# ---- release
rc=0
ip netns exec "$NS_C" timeout -k 5 30 dhclient -4 -r -v \
	-cf "$TMP/dhclient.conf" -pf "$TMP/dhclient-r.pid" -lf "$LEASES" \
	-sf "$TMP/dhclient-script" "$IF_C" >"$TMP/dhclient-release.log" 2>&1 || rc=$?
[[ $rc -eq 0 ]] || { cat "$TMP/dhclient-release.log" >&2; fail "dhclient -r exited $rc"; }
grep -qx RELEASE "$TMP/events" ||
	{ cat "$TMP/dhclient-release.log" >&2; fail "dhclient -r ran no RELEASE event"; }
log "release: $(grep -E 'DHCPRELEASE' "$TMP/dhclient-release.log" | tr '\n' ';')"
sleep 1          # the RELEASE on the wire, the journal flushed (flush_ms)
stop_capture

# ---- the frames as captured on the client's side
M="dhcp.hw.mac_addr == $MAC_C"
expect_pcap "$PCAP" "$M && dhcp.option.dhcp == 2 && dhcp.ip.your == $IP && dhcp.option.dhcp_server_id == $SRV_IP && dhcp.option.ip_address_lease_time == $DHCP_LEASE_TIME" \
	"OFFER of $IP"
expect_pcap "$PCAP" "$M && dhcp.option.dhcp == 3 && dhcp.ip.client == 0.0.0.0 && dhcp.option.requested_ip_address == $IP && !dhcp.option.dhcp_server_id" \
	"INIT-REBOOT REQUEST for $IP (option 50, no option 54, ciaddr 0)"
# two ACKs of the address: the selecting one and the INIT-REBOOT one
n=$(pcap_count "$PCAP" "$M && dhcp.option.dhcp == 5 && dhcp.ip.your == $IP && dhcp.option.router == $DHCP_ROUTER")
expect_eq "$n" 2 "ACKs of $IP captured"
expect_pcap "$PCAP" "$M && dhcp.option.dhcp == 7 && dhcp.ip.client == $IP && ip.dst == $SRV_IP" \
	"RELEASE of $IP to dpxe"
expect_eq "$(pcap_count "$PCAP" "dhcp.option.dhcp == 6")" 0 "NAKs captured"

stop_dpxe
stats_dump
expect_stat 'j["total"]["replies"]["OFFER"]' -eq 1 "one OFFER"
expect_stat 'j["total"]["replies"]["ACK"]' -eq 2 "two ACKs (selecting, init-reboot)"
expect_stat 'j["total"]["replies"].get("NAK", 0)' -eq 0 "no NAK"
expect_stat 'sum(j["total"]["drops"].values())' -eq 0 "nothing dropped"
expect_stat 'j["total"]["lease_binds"]' -eq 2 "leases bound (two ACKs)"
expect_stat 'j["total"]["lease_releases"]' -eq 1 "the RELEASE counted"

expect_journal_bind "$MAC_C" "$IP" 10.79.0.0/24
last=$(awk -v m="$MAC_C" '$3 == m { l = $2 " " $4 } END { print l }' "$TMP/journal.txt")
expect_eq "$last" "release $IP" "the journal's last record for $MAC_C"
pass
