#!/bin/bash
# netns test, full DHCP mode: leases survive a crash. dpxe with two workers
# (leases sharded by client) and a lease journal; 20 scripted clients
# (tests/netns/dhcp_client.py) complete DORA; after more than flush_ms dpxe
# is killed with SIGKILL and started again on the same journal.
#   usage: test_restart.sh DPXE_BINARY [COUNT]
# Asserts:
#   before  every client is bound, to distinct pool addresses; the journal
#           (read by lease_journal.py, not by dpxe: header, CRCs, sequence)
#           holds a bind of each client's address to its MAC;
#   after   each client's DISCOVER (sent in the reverse order) is OFFERed
#           its address, and its INIT-REBOOT REQUEST for it (ciaddr 0,
#           option 50, no option 54) is ACKed with it; the restarted dpxe says
#           it restored the leases, exits 0 on SIGTERM, and its stats count
#           COUNT ACKs, COUNT OFFERs, no NAK and no drop.
source "$(dirname "$0")/lib.sh"
netns_require "${1:-}" scapy
COUNT=${2:-20}
netns_setup
dhcp_config 2
start_dpxe 0,1

client() { dhcp_client 60 "$@"; }  # client MODE [ARGS]

# ---- before: DORA, journal flushed, crash
client dora --count "$COUNT" --pool-start "$DHCP_POOL_START" \
	--pool-end "$DHCP_POOL_END" --lease-time "$DHCP_LEASE_TIME"
# more than flush_ms: every bind is durable from here on
sleep "$(awk -v ms="$DHCP_FLUSH_MS" 'BEGIN { s = 5 * ms / 1000; print (s < 1 ? 1 : s) }')"
journal_records >"$TMP/journal-1.txt"
$PY - "$TMP/leases.json" "$TMP/journal-1.txt" <<'PYEOF' || fail "the journal does not hold every lease (see above)"
import json, sys
leases = json.load(open(sys.argv[1]))
binds = {}
for line in open(sys.argv[2]):
    seq, typ, mac, ip, net, exp = line.split()
    if typ == "bind":
        binds[mac] = ip
missing = {m: ip for m, ip in leases.items() if binds.get(m) != ip}
print(f"    journal: {len(binds)} clients bound, {len(missing)} of the {len(leases)} leases missing")
for m, ip in sorted(missing.items()):
    print(f"    journal: no bind of {ip} to {m} (last bind: {binds.get(m)})")
sys.exit(1 if missing else 0)
PYEOF
log "ok: the journal holds the $COUNT binds ($(wc -l <"$TMP/journal-1.txt") records)"
grep -E 'worker [0-9]+' "$TMP/dpxe.log" >&2 || true
kill9_dpxe
mv "$TMP/dpxe.log" "$TMP/dpxe-1.log"

# ---- after: same journal, fresh process
start_dpxe 0,1
grep -iE 'lease|journal|restor' "$TMP/dpxe.log" | sed 's/^/    dpxe: /' >&2 || true
# dpxe's own account of the replay, when it gives one ("N leases restored")
restored=$(grep -oE '[0-9]+ leases restored' "$TMP/dpxe.log" | head -1 | cut -d' ' -f1 || true)
if [[ -n $restored ]]; then
	expect_eq "$restored" "$COUNT" "leases dpxe says it restored from the journal"
else
	log "note: the restarted dpxe did not say how many leases it restored"
fi
client discover
client reboot

stop_dpxe
stats_dump
expect_stat 'j["total"]["replies"]["ACK"]' -eq "$COUNT" "ACKs after the restart (INIT-REBOOT)"
expect_stat 'j["total"]["replies"]["OFFER"]' -eq "$COUNT" "OFFERs after the restart"
expect_stat 'j["total"]["replies"].get("NAK", 0)' -eq 0 "no NAK"
expect_stat 'len(j["workers"])' -eq 2 "workers"
expect_stat 'min(w["tx"] for w in j["workers"])' -gt 0 \
	"both workers answered (both lease shards were restored)"
expect_stat 'sum(j["total"]["drops"].values())' -eq 0 "nothing dropped"
pass
