#!/bin/bash
# netns test, full DHCP mode: SIGHUP reloads the configuration; a bad file
# is refused, leases survive, and reloads under load lose no request.
# dpxe with two workers; 20 scripted clients (tests/netns/dhcp_client.py).
#   usage: test_reload.sh DPXE_BINARY [ROUNDS]
# Asserts:
#   bad file   a SIGHUP with a broken file is refused ("reload failed", the
#              stats count one reload_failure) and the old configuration
#              keeps serving: every client's INIT-REBOOT is ACKed with its
#              address and the old lease time (600 s);
#   new file   a SIGHUP with lease_time 1200 is applied ("20 leases kept"):
#              every client's INIT-REBOOT is ACKed with the same address and
#              the new lease time;
#   under load six SIGHUPs (alternating the two lease times) while ROUNDS
#              (default 60) rounds of 20 DISCOVERs run, --strict: every
#              DISCOVER of every round is OFFERed its client's address the
#              first time (no retry);
#   dpxe       exits 0 on SIGTERM; stats: 7 reloads, 1 reload failure, OFFERs
#              and ACKs exactly as many as asked, no NAK, no drop.
source "$(dirname "$0")/lib.sh"
netns_require "${1:-}" scapy
ROUNDS=${2:-60}
COUNT=20
netns_setup
dhcp_config 2
start_dpxe 0,1

client() { dhcp_client 120 "$@"; }  # client MODE [ARGS]

# hup PATTERN: SIGHUP to dpxe itself (timeout(1) would also arm its -k
# timer), then wait (10 s at most) for one more log line matching PATTERN
hup() {
	local n end p
	n=$(grep -cE "$1" "$TMP/dpxe.log" || true)
	p=$(dpxe_real_pid) || fail "no dpxe process to signal"
	kill -HUP "$p"
	end=$((SECONDS + 10))
	until (($(grep -cE "$1" "$TMP/dpxe.log" || true) > n)); do
		((SECONDS < end)) || { tail -5 "$TMP/dpxe.log" >&2; fail "no '$1' in dpxe's log within 10 s of SIGHUP"; }
		sleep 0.05
	done
	grep -E "$1" "$TMP/dpxe.log" | tail -1 | sed 's/^/    dpxe: /' >&2
}

client dora --count "$COUNT" --pool-start "$DHCP_POOL_START" \
	--pool-end "$DHCP_POOL_END" --lease-time "$DHCP_LEASE_TIME"

# the two good files: as started (600 s), and with lease_time 1200
cp "$TMP/dpxe.yaml" "$TMP/lease600.yaml"
sed -e 's/^\(    lease_time:\) 600$/\1 1200/' -e 's/^\(    renew_time:\) 300$/\1 600/' \
	-e 's/^\(    rebind_time:\) 525$/\1 1050/' "$TMP/lease600.yaml" >"$TMP/lease1200.yaml"
grep -q 'lease_time: 1200' "$TMP/lease1200.yaml" || fail "could not derive the lease_time 1200 file"
"$DPXE" --check-config "$TMP/lease1200.yaml" >/dev/null || fail "dpxe rejects $TMP/lease1200.yaml"

# ---- a bad file: refused, the old configuration serves on
printf 'subnets: [\n' >>"$TMP/dpxe.yaml"
hup 'reload failed'
client reboot --strict --lease-time "$DHCP_LEASE_TIME"
log "ok: after the refused reload every client is ACKed as before (lease $DHCP_LEASE_TIME s)"

# ---- a new file: applied, leases kept
cp "$TMP/lease1200.yaml" "$TMP/dpxe.yaml"
hup "reloaded .*: 2 subnets, $COUNT leases kept"
client reboot --strict --lease-time 1200
log "ok: after the reload every client keeps its address, with the new lease time"

# ---- reloads under load
ns_c timeout -k 5 120 "$PY" "$NETNS_DIR/dhcp_client.py" discover --iface "$IF_C" \
	--server "$SRV_IP" --state "$TMP/leases.json" --rounds "$ROUNDS" --strict \
	>"$TMP/client-load.log" 2>&1 &
LOAD_PID=$!; PIDS+=("$LOAD_PID")
sleep 0.5
for i in 1 2 3 4 5 6; do
	if ((i % 2)); then cp "$TMP/lease600.yaml" "$TMP/dpxe.yaml"
	else cp "$TMP/lease1200.yaml" "$TMP/dpxe.yaml"; fi
	hup "reloaded .*: 2 subnets, $COUNT leases kept"
	kill -0 "$LOAD_PID" 2>/dev/null ||
		log "note: the load ended before reload $i (raise ROUNDS on a fast machine)"
	sleep 0.2
done
rc=0; wait "$LOAD_PID" || rc=$?
grep -v '^discover: 20 of 20' "$TMP/client-load.log" | sed 's/^/    /' | tail -20 >&2
[[ $rc -eq 0 ]] || fail "DISCOVERs went unanswered or wrong during the reloads (exit $rc)"
n=$(grep -c "^discover: $COUNT of $COUNT" "$TMP/client-load.log" || true)
expect_eq "$n" "$ROUNDS" "rounds of $COUNT DISCOVERs all OFFERed their address during 6 reloads"

stop_dpxe
stats_dump
expect_stat 'j["total"]["reloads"]' -eq 7 "reloads"
expect_stat 'j["total"]["reload_failures"]' -eq 1 "reload failures (the bad file)"
expect_stat 'j["total"]["replies"]["OFFER"]' -eq $((COUNT + ROUNDS * COUNT)) "OFFERs (dora + rounds)"
expect_stat 'j["total"]["replies"]["ACK"]' -eq $((3 * COUNT)) "ACKs (dora + two INIT-REBOOTs)"
expect_stat 'j["total"]["replies"].get("NAK", 0)' -eq 0 "no NAK"
expect_stat 'sum(j["total"]["drops"].values())' -eq 0 "nothing dropped"
pass
