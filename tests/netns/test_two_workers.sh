#!/bin/bash
# netns test: dpxe with two workers (af_packet qpairs=2, rx_queues 2,
# -l 0,1) answers a burst of DISCOVERs from many distinct MACs.
#   usage: test_two_workers.sh DPXE_BINARY [COUNT]
# Asserts: pxe_client.py flood sees exactly one correct OFFER (xid, chaddr,
# file and siaddr of its arch, server id) for each of COUNT (default 200)
# DISCOVERs, half BIOS and half UEFI x64, sent back to back; dpxe exits 0 on
# SIGTERM; its stats show 2 workers, each with tx > 0, OFFER = COUNT, tx =
# COUNT, the software spreading moved frames between workers (spread_out =
# rx_spread_in > 0), and nothing dropped.
source "$(dirname "$0")/lib.sh"
netns_require "${1:-}" scapy
COUNT=${2:-200}
netns_setup
netns_config 2
start_dpxe 0,1

rc=0
ns_c timeout -k 5 60 "$PY" "$NETNS_DIR/pxe_client.py" flood --iface "$IF_C" \
	--server "$SRV_IP" --count "$COUNT" \
	--bios-file "$EXP_BIOS_FILE" --bios-siaddr "$EXP_BIOS_SIADDR" \
	--uefi-file "$EXP_UEFI_FILE" --uefi-siaddr "$EXP_UEFI_SIADDR" \
	>"$TMP/pxe_client.log" 2>&1 || rc=$?
sed 's/^/    /' "$TMP/pxe_client.log" >&2
[[ $rc -eq 0 ]] || fail "pxe_client.py flood failed (exit $rc)"

stop_dpxe
grep '^  worker' "$TMP/dpxe.log" >&2 || true
expect_stat 'len(j["workers"])' -eq 2 "workers in the stats"
expect_stat 'j["workers"][0]["tx"]' -gt 0 "worker 0 answered"
expect_stat 'j["workers"][1]["tx"]' -gt 0 "worker 1 answered"
expect_stat 'j["workers"][0]["lcore"] != j["workers"][1]["lcore"]' = True \
	"workers on distinct lcores"
expect_stat 'j["total"]["replies"]["OFFER"]' -eq "$COUNT" "OFFERs"
expect_stat 'j["total"]["tx"]' -eq "$COUNT" "frames sent"
expect_stat 'sum(w["tx"] for w in j["workers"])' -eq "$COUNT" "workers' tx add up"
expect_stat 'sum(w["spread_out"] for w in j["workers"])' -gt 0 "frames spread between workers"
expect_stat 'sum(w["spread_out"] for w in j["workers"]) == sum(w["rx_spread_in"] for w in j["workers"])' \
	= True "every spread frame arrived at its worker"
expect_stat 'sum(j["total"]["drops"].values()) + j["total"]["spread_ring_full"] + j["total"]["tx_full"] + j["total"]["mbuf_alloc_fail"]' \
	-eq 0 "nothing dropped or lost"
pass
