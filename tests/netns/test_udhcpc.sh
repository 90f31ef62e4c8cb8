#!/bin/bash
# netns test: BusyBox udhcpc, posing as a BIOS and as a UEFI x64 PXE client,
# gets dpxe's proxyDHCP OFFER and ACK over a veth pair.
#   usage: test_udhcpc.sh DPXE_BINARY
# Asserts, for each arch: udhcpc reaches "bound" (OFFER with yiaddr 0, then
# REQUEST naming dpxe's server id, then ACK); its script sees boot_file and
# siaddr equal to what tests/data/netns/proxy.yaml gives that arch, serverid =
# dpxe's IP, option 60 "PXEClient"; dpxe exits 0 on SIGTERM and its stats
# count exactly those 2 OFFERs and 2 ACKs and no drop.
source "$(dirname "$0")/lib.sh"
netns_require "${1:-}" udhcpc
netns_setup
netns_config 1
start_dpxe 0

# udhcpc's script: record each event's environment, touch nothing.
cat >"$TMP/udhcpc-script" <<EOF
#!/bin/sh
env > "$TMP/udhcpc.\$1.env"
exit 0
EOF
chmod +x "$TMP/udhcpc-script"

# run_udhcpc NAME FILE SIADDR ARGS...
run_udhcpc() {
	local name=$1 file=$2 siaddr=$3 rc=0; shift 3
	rm -f "$TMP"/udhcpc.*.env
	# -q: exit once bound; -n: exit if no lease; -t/-T/-A bound the retries
	ns_c timeout -k 5 30 udhcpc -f -q -n -i "$IF_C" -t 3 -T 1 -A 1 \
		-s "$TMP/udhcpc-script" -O 66 -O 67 "$@" \
		>"$TMP/udhcpc-$name.log" 2>&1 || rc=$?
	[[ $rc -eq 0 && -e $TMP/udhcpc.bound.env ]] ||
		{ cat "$TMP/udhcpc-$name.log" >&2; fail "$name: udhcpc got no lease (exit $rc)"; }
	grep -q "obtained from $SRV_IP" "$TMP/udhcpc-$name.log" ||
		{ cat "$TMP/udhcpc-$name.log" >&2; fail "$name: lease not from $SRV_IP"; }
	local env=$TMP/udhcpc.bound.env
	get() { sed -n "s/^$1=//p" "$env"; }
	expect_eq "$(get boot_file)" "$file" "$name: boot_file"
	expect_eq "$(get siaddr)" "$siaddr" "$name: siaddr (next server)"
	expect_eq "$(get serverid)" "$SRV_IP" "$name: server id (option 54)"
	expect_eq "$(get vendor)" "PXEClient" "$name: option 60"
	expect_eq "$(get ip)" "0.0.0.0" "$name: yiaddr (proxy mode hands out no address)"
	cp "$env" "$TMP/udhcpc-$name.bound.env"
}

run_udhcpc bios "$EXP_BIOS_FILE" "$EXP_BIOS_SIADDR" \
	-V PXEClient:Arch:00000:UNDI:002001
run_udhcpc uefi-x64 "$EXP_UEFI_FILE" "$EXP_UEFI_SIADDR" \
	-V PXEClient:Arch:00007:UNDI:003016 -x 0x5d:0007

stop_dpxe
expect_stat 'j["total"]["replies"]["OFFER"]' -eq 2 "one OFFER per udhcpc run"
expect_stat 'j["total"]["replies"]["ACK"]' -eq 2 "one ACK per udhcpc run"
expect_stat 'j["total"]["tx"]' -eq 4 "frames sent"
expect_stat 'sum(j["total"]["drops"].values())' -eq 0 "nothing dropped"
pass
