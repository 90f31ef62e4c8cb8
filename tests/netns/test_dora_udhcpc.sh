#!/bin/bash
# netns test, full DHCP mode: BusyBox udhcpc gets an address from dpxe
# (tests/data/netns-dhcp/dhcp.yaml), renews it and releases it.
#   usage: test_dora_udhcpc.sh DPXE_BINARY
# Asserts:
#   DORA     udhcpc reaches "bound"; its script sees an ip in the pool
#            10.79.0.100-149, subnet 255.255.255.0, router, dns, domain,
#            lease 600 and serverid as configured; the captured OFFER and
#            ACK carry the same, with T1 300 and T2 525 (options 58, 59);
#   renew    on SIGUSR1 udhcpc unicasts a REQUEST (ciaddr = its address,
#            to dpxe's IP, through the kernel: dpxe's ARP answers first);
#            dpxe ACKs it unicast with the same address; the script sees
#            "renew" with the same ip;
#   release  on SIGUSR2 udhcpc unicasts a RELEASE; dpxe sends nothing back;
#   dpxe     exits 0 on SIGTERM; its stats count 1 OFFER, 2 ACKs, no NAK,
#            the RELEASE, no drop; its lease journal (read by
#            lease_journal.py, not by dpxe) holds a bind of the address to
#            the client's MAC and, last for that MAC, its release.
source "$(dirname "$0")/lib.sh"
netns_require "${1:-}" udhcpc tcpdump tshark ethtool
netns_setup
dhcp_config 1
start_dpxe 0
PCAP=$TMP/dora.pcap
start_capture "$PCAP"

# udhcpc's script: record each event (numbered, in order) and configure the
# address: the renew and release are unicast from it through the kernel.
cat >"$TMP/udhcpc-script" <<EOF
#!/bin/sh
n=\$(( \$(wc -l <"$TMP/events" 2>/dev/null || echo 0) + 1 ))
env >"$TMP/udhcpc.\$n.\$1.env"
case \$1 in
deconfig) ip -4 addr flush dev "\$interface" ;;
bound|renew) ip addr replace "\$ip/\$subnet" dev "\$interface" ;;
esac
echo "\$n \$1" >>"$TMP/events"
exit 0
EOF
chmod +x "$TMP/udhcpc-script"

# wait_event EVENT AFTER SECS: the first EVENT numbered above AFTER, within
# SECS seconds; prints its number
wait_event() {
	local end=$((SECONDS + $3)) n
	while ((SECONDS < end)); do
		n=$(awk -v e="$1" -v a="$2" '$2 == e && $1 > a { print $1; exit }' \
			"$TMP/events" 2>/dev/null)
		[[ -n $n ]] && { echo "$n"; return 0; }
		kill -0 "$UDHCPC_PID" 2>/dev/null || break
		sleep 0.2
	done
	cat "$TMP/udhcpc.log" >&2
	fail "udhcpc: no \"$1\" event within $3 s (events: $(tr '\n' ' ' <"$TMP/events" 2>/dev/null))"
}
# envv N EVENT VAR: a variable of event N's environment
envv() { sed -n "s/^$3=//p" "$TMP/udhcpc.$1.$2.env"; }

# -f: stay in the foreground (we signal it); -n: exit if no lease;
# -t/-T/-A bound the retries; -O 58 -O 59: ask for T1 and T2 too.
ip netns exec "$NS_C" timeout -k 5 90 udhcpc -f -n -i "$IF_C" -t 3 -T 1 -A 1 \
	-p "$TMP/udhcpc.pid" -s "$TMP/udhcpc-script" -O 58 -O 59 \
	>"$TMP/udhcpc.log" 2>&1 &
UDHCPC_PID=$!; PIDS+=("$UDHCPC_PID")

# ---- DORA
N=$(wait_event bound 0 20)
IP=$(envv "$N" bound ip)
expect_in_pool "$IP" "$DHCP_POOL_START" "$DHCP_POOL_END" "bound: ip"
expect_eq "$(envv "$N" bound subnet)" 255.255.255.0 "bound: subnet (option 1)"
expect_eq "$(envv "$N" bound router)" "$DHCP_ROUTER" "bound: router (option 3)"
expect_eq "$(envv "$N" bound dns | xargs)" "$DHCP_DNS" "bound: dns (option 6)"
expect_eq "$(envv "$N" bound domain)" "$DHCP_DOMAIN" "bound: domain (option 15)"
expect_eq "$(envv "$N" bound lease)" "$DHCP_LEASE_TIME" "bound: lease (option 51)"
expect_eq "$(envv "$N" bound serverid)" "$SRV_IP" "bound: serverid (option 54)"
grep -q "obtained from $SRV_IP" "$TMP/udhcpc.log" ||
	{ cat "$TMP/udhcpc.log" >&2; fail "udhcpc did not log its lease from $SRV_IP"; }
ip -n "$NS_C" -4 addr show dev "$IF_C" | grep -q "inet $IP/24" ||
	fail "the client interface does not hold $IP/24 after bound"

# ---- renew: SIGUSR1, unicast REQUEST, ACK, same address
UPID=$(cat "$TMP/udhcpc.pid") || fail "udhcpc wrote no pid file"
log "renew: SIGUSR1 to udhcpc ($UPID)"
kill -USR1 "$UPID"
N2=$(wait_event renew "$N" 20)
expect_eq "$(envv "$N2" renew ip)" "$IP" "renew: same ip"
expect_eq "$(envv "$N2" renew lease)" "$DHCP_LEASE_TIME" "renew: lease (option 51)"
expect_eq "$(envv "$N2" renew serverid)" "$SRV_IP" "renew: serverid (option 54)"

# ---- release: SIGUSR2, unicast RELEASE
log "release: SIGUSR2 to udhcpc ($UPID)"
kill -USR2 "$UPID"
N3=$(wait_event deconfig "$N2" 10)
grep -q "release of $IP" "$TMP/udhcpc.log" ||
	{ cat "$TMP/udhcpc.log" >&2; fail "udhcpc did not send a release of $IP"; }
log "ok: udhcpc released $IP (event $N3)"
# let the journal's service thread flush the release (flush_ms)
sleep 1
kill_pid "$UDHCPC_PID"
stop_capture

# ---- the frames as captured on the client's side of the veth
M="dhcp.hw.mac_addr == $MAC_C"
OPTS="dhcp.option.subnet_mask == 255.255.255.0 && dhcp.option.router == $DHCP_ROUTER
	&& dhcp.option.domain_name_server == ${DHCP_DNS% *}
	&& dhcp.option.domain_name_server == ${DHCP_DNS#* }
	&& dhcp.option.domain_name == \"$DHCP_DOMAIN\"
	&& dhcp.option.ip_address_lease_time == $DHCP_LEASE_TIME
	&& dhcp.option.renewal_time_value == $DHCP_RENEW_TIME
	&& dhcp.option.rebinding_time_value == $DHCP_REBIND_TIME
	&& dhcp.option.dhcp_server_id == $SRV_IP && ip.src == $SRV_IP && udp.srcport == 67"
OPTS=$(tr '\n\t' '  ' <<<"$OPTS")
expect_pcap "$PCAP" "$M && dhcp.option.dhcp == 2 && dhcp.ip.your == $IP && $OPTS" \
	"OFFER of $IP with mask, router, dns, domain, lease, T1, T2, server id"
expect_pcap "$PCAP" "$M && dhcp.option.dhcp == 3 && dhcp.option.requested_ip_address == $IP && dhcp.option.dhcp_server_id == $SRV_IP" \
	"REQUEST (selecting) for $IP naming dpxe"
expect_pcap "$PCAP" "$M && dhcp.option.dhcp == 5 && dhcp.ip.your == $IP && ip.dst == $IP && $OPTS" \
	"ACK of $IP with the same options"
expect_pcap "$PCAP" "$M && dhcp.option.dhcp == 3 && dhcp.ip.client == $IP && ip.src == $IP && ip.dst == $SRV_IP && eth.dst != ff:ff:ff:ff:ff:ff" \
	"renew REQUEST unicast from $IP to dpxe"
expect_pcap "$PCAP" "$M && dhcp.option.dhcp == 5 && dhcp.ip.client == $IP && dhcp.ip.your == $IP && ip.dst == $IP && eth.dst == $MAC_C && dhcp.option.ip_address_lease_time == $DHCP_LEASE_TIME" \
	"renew ACK unicast to $IP"
expect_pcap "$PCAP" "$M && dhcp.option.dhcp == 7 && dhcp.ip.client == $IP && ip.dst == $SRV_IP && dhcp.option.dhcp_server_id == $SRV_IP" \
	"RELEASE of $IP to dpxe"
expect_eq "$(pcap_count "$PCAP" "dhcp.option.dhcp == 6")" 0 "NAKs captured"
expect_eq "$(pcap_count "$PCAP" "udp.srcport == 67 && frame.number > $(
	tshark -r "$PCAP" -Y 'dhcp.option.dhcp == 7' -T fields -e frame.number 2>/dev/null | head -1)")" \
	0 "replies to the RELEASE"

stop_dpxe
stats_dump
expect_stat 'j["total"]["replies"]["OFFER"]' -eq 1 "one OFFER"
expect_stat 'j["total"]["replies"]["ACK"]' -eq 2 "two ACKs (selecting, renew)"
expect_stat 'j["total"]["replies"].get("NAK", 0)' -eq 0 "no NAK"
expect_stat 'sum(j["total"]["drops"].values())' -eq 0 "nothing dropped"
expect_stat 'j["total"]["lease_binds"]' -eq 2 "leases bound (two ACKs)"
expect_stat 'j["total"]["lease_releases"]' -eq 1 "the RELEASE counted"

# ---- the lease journal
expect_journal_bind "$MAC_C" "$IP" 10.79.0.0/24
last=$(awk -v m="$MAC_C" '$3 == m { l = $2 " " $4 } END { print l }' "$TMP/journal.txt")
expect_eq "$last" "release $IP" "the journal's last record for $MAC_C"
pass
