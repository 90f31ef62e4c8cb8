#!/usr/bin/env bash
# ipxe-boot.sh [--dhcp] DPXE [BOOTFILE_PROVIDER_SO] - real firmware boots
# from dpxe (meson suite "qemu").
#
# QEMU (TCG) runs the iPXE NIC ROM that Debian's ipxe-qemu ships, under
# SeaBIOS (legacy BIOS, arch 0) and, when OVMF is installed, under OVMF
# (UEFI x64, arch 7). Its DHCP is answered by two servers on one L2 segment:
# dnsmasq hands out the address (and serves TFTP, nothing else), dpxe in
# proxy mode (tests/data/qemu/proxy.yaml) answers with the boot file, here
# a tftp:// URL to an iPXE script. The script prints a per-run marker on the
# serial console and powers the VM off. The test passes when
#   * the marker appears on the serial console: the firmware fetched and
#     ran the script dpxe pointed it to (and iPXE's ${filename} is that URL);
#   * dpxe's --stats-json counts proxy OFFERs (replies.OFFER >= 1) after a
#     clean SIGTERM stop (exit 0);
#   * the capture on the bridge holds dpxe's OFFER to that client, with
#     option 60 "PXEClient", a correct UDP checksum and, in the file field,
#     the URL of the config rule for that client (the UEFI client gets the
#     UEFI rule's script, the BIOS client the BIOS rule's).
# With --dhcp, dpxe runs in full DHCP mode (tests/data/qemu/dhcp.yaml) and
# is the only DHCP server on the segment (dnsmasq serves TFTP only). Then
# also: iPXE's ${ip} is in dpxe's pool and its ${dhcp-server} is dpxe; the
# capture holds dpxe's OFFER and ACK of that address to the client (option
# 51 as configured) and no DHCP reply from anyone else; dpxe's stats count
# an ACK per booted client. (Without --dhcp, ${ip} is in dnsmasq's range and
# ${dhcp-server} is dnsmasq.)
# The BIOS case is mandatory. The UEFI case is skipped (with a message, not
# a failure) when OVMF is missing or does not reach the script in its time
# budget; anything dpxe got wrong in it still fails the test.
#
# Exit 0 pass, 1 fail, 77 skip (not root; qemu, the ipxe-qemu ROMs, dnsmasq,
# tcpdump or ip missing). Everything happens inside three network namespaces
# created here with unique names (lan: bridge + tap + veth peers; dp: the
# veth dpxe drives; srv: dnsmasq), and everything is removed on exit.
#
# Environment:
#   DPXE_QEMU_KEEP=1          keep the temp dir (logs, pcap, serial output)
#   DPXE_QEMU_BIOS_TIMEOUT    seconds for the BIOS boot (default 120)
#   DPXE_QEMU_UEFI_TIMEOUT    seconds for the UEFI boot (default 90)
#   DPXE_QEMU_NO_UEFI=1       skip the UEFI case

set -Eeuo pipefail

MODE=proxy
if [[ ${1:-} == --dhcp ]]; then MODE=dhcp; shift; fi
TAG=ipxe-boot
[[ $MODE == proxy ]] || TAG=ipxe-boot-$MODE
log()  { printf '[%s] %s\n' "$TAG" "$*" >&2; }
skip() { echo "SKIP: $*"; exit 77; }
fail() { log "FAIL: $*"; FAILED=1; }
die()  { log "ERROR: $*"; exit 1; }

[[ $# -eq 1 || $# -eq 2 ]] || die "usage: $0 [--dhcp] PATH/TO/dpxe [PATH/TO/libbootfile.so]"
DPXE=$(readlink -f "$1")
# With a bootfile provider module, the same boot runs through the WDS
# provider chain: the rules answer from the provider, not the built-in path.
PROVIDER_SO=${2:+$(readlink -f "$2")}
[[ -z $PROVIDER_SO || -r $PROVIDER_SO ]] || die "not readable: $2"
[[ -z $PROVIDER_SO || $MODE == proxy ]] ||
    die "providers answer in proxy mode only (config: dhcp mode refuses them)"
[[ -x $DPXE ]] || die "not executable: $1"
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CONFIG=$SRC/tests/data/qemu/$MODE.yaml
[[ -r $CONFIG ]] || die "missing $CONFIG"

IPXE_DIR=/usr/lib/ipxe/qemu
OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.fd
OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.fd
BIOS_TIMEOUT=${DPXE_QEMU_BIOS_TIMEOUT:-120}
UEFI_TIMEOUT=${DPXE_QEMU_UEFI_TIMEOUT:-90}
# Seconds the whole run may take before the checks (meson's timeout is 300).
BUDGET=240

[[ $(id -u) -eq 0 ]] || skip "needs root (network namespaces, bridge, tap)"
for c in qemu-system-x86_64 dnsmasq tcpdump ip; do
    command -v "$c" >/dev/null 2>&1 ||
        skip "$c not found (apt-get install qemu-system-x86 dnsmasq tcpdump iproute2)"
done
[[ -r $IPXE_DIR/pxe-e1000.rom ]] ||
    skip "$IPXE_DIR/pxe-e1000.rom not found (apt-get install ipxe-qemu)"
ip netns list >/dev/null 2>&1 || skip "no network namespace support"

# ---------------------------------------------------------------- fixed plan
# Must agree with tests/data/qemu/proxy.yaml.
NET=10.213.48
DPXE_IP=$NET.1
SRV_IP=$NET.2
URL_BIOS=tftp://$SRV_IP/bios.ipxe
URL_UEFI=tftp://$SRV_IP/uefi.ipxe
DPXE_MAC=02:dd:48:00:00:01
SRV_MAC=02:dd:48:00:00:02
MAC_BIOS=52:54:00:dd:48:10
MAC_UEFI=52:54:00:dd:48:11
# Where the clients' addresses come from: dnsmasq's range (proxy mode) or
# dpxe's pool (dhcp.yaml), the same span either way.
POOL_START=$NET.100
POOL_END=$NET.199
DHCP_SERVER=$SRV_IP
[[ $MODE == proxy ]] || DHCP_SERVER=$DPXE_IP
if ! { grep -q "iface=dpxe0\"" "$CONFIG" && grep -q "ip: $DPXE_IP\$" "$CONFIG" &&
        grep -q "url: $URL_BIOS\$" "$CONFIG" && grep -q "url: $URL_UEFI\$" "$CONFIG"; }; then
    die "$CONFIG does not match the addresses this script uses"
fi

# Unique per run: namespaces hold fixed link names, so runs never collide.
ID=dpxeq$$${MODE:0:1}
NS_LAN=$ID-lan
NS_DP=$ID-dp
NS_SRV=$ID-srv
TMP=$(mktemp -d "/tmp/$ID.XXXXXX")
if [[ -n $PROVIDER_SO ]]; then
    { cat "$CONFIG"; printf '\nproviders:\n  - name: bootfile\n    module: %s\n' "$PROVIDER_SO"; } \
        >"$TMP/provider.yaml"
    CONFIG=$TMP/provider.yaml
fi
RAND=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
PIDS=()
FAILED=0
T0=$SECONDS

# ---------------------------------------------------------------- cleanup
source "$(dirname "${BASH_SOURCE[0]}")/../lib/proc.sh"  # kill_pid

cleanup() {
    local rc=$? p ns
    set +e
    trap - EXIT INT TERM
    for p in "${PIDS[@]}"; do kill_pid "$p"; done
    # Whatever still runs inside our own namespaces was started by us.
    for ns in "$NS_LAN" "$NS_DP" "$NS_SRV"; do
        ip netns list | grep -q "^$ns\b" || continue
        for p in $(ip netns pids "$ns" 2>/dev/null); do kill_pid "$p"; done
        ip netns del "$ns"
    done
    # DPDK's runtime dir for our unique --file-prefix.
    rm -rf "/var/run/dpdk/$ID"
    if ((rc != 0 && rc != 77)); then
        for f in "$TMP"/*.log; do
            [[ -s $f ]] || continue
            log "---- ${f##*/} (last 30 lines)"
            tail -n 30 "$f" | tr -d '\r' | sed 's/\x1b\[[0-9;]*m//g' >&2
        done
    fi
    if [[ -n ${DPXE_QEMU_KEEP:-} ]]; then log "kept $TMP"; else rm -rf "$TMP"; fi
    log "total $((SECONDS - T0)) s, exit $rc"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# wait_for SECONDS PID DESC CMD...: poll CMD every 0.2 s; fail if PID dies.
wait_for() {
    local secs=$1 pid=$2 desc=$3 end; shift 3
    end=$((SECONDS + secs))
    while ((SECONDS < end)); do
        "$@" && return 0
        kill -0 "$pid" 2>/dev/null || { log "$desc: process $pid exited"; return 1; }
        sleep 0.2
    done
    log "$desc: not within $secs s"
    return 1
}

# wait_gone SECONDS PID: wait for PID to exit; 1 if it is still there.
wait_gone() {
    local end=$((SECONDS + $1))
    while kill -0 "$2" 2>/dev/null; do
        ((SECONDS < end)) || return 1
        sleep 0.2
    done
}

# ---------------------------------------------------------------- topology
# lan: br0 with ports tap0 (qemu), v-dp (peer of dpxe0 in dp), v-srv (peer
# of srv0 in srv). Only the bridge joins them; nothing is routed anywhere.
setup_net() {
    local ns
    for ns in "$NS_LAN" "$NS_DP" "$NS_SRV"; do
        ip netns add "$ns"
        # No IPv6 chatter (RS, MLD, DAD) on the test links.
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
            net.ipv6.conf.default.disable_ipv6=1
        ip -n "$ns" link set lo up
    done
    ip -n "$NS_LAN" link add br0 type bridge stp_state 0 forward_delay 0
    ip -n "$NS_LAN" link add v-dp type veth peer name dpxe0 netns "$NS_DP"
    ip -n "$NS_LAN" link add v-srv type veth peer name srv0 netns "$NS_SRV"
    ip -n "$NS_LAN" tuntap add dev tap0 mode tap
    for l in v-dp v-srv tap0; do
        ip -n "$NS_LAN" link set "$l" master br0
        ip -n "$NS_LAN" link set "$l" up
    done
    ip -n "$NS_LAN" link set br0 up
    ip -n "$NS_DP" link set dpxe0 address $DPXE_MAC
    ip -n "$NS_DP" link set dpxe0 up
    ip -n "$NS_SRV" link set srv0 address $SRV_MAC
    ip -n "$NS_SRV" addr add "$SRV_IP/24" dev srv0
    ip -n "$NS_SRV" link set srv0 up
    # veth offloads UDP checksums: the kernel would send dnsmasq's packets
    # with a partial checksum, which dpxe (verifying checksums) rejects.
    # Nothing here needs dnsmasq's packets to reach dpxe, but keep the wire
    # honest when ethtool is there.
    if command -v ethtool >/dev/null 2>&1; then
        ip netns exec "$NS_SRV" ethtool -K srv0 tx off >/dev/null 2>&1 ||
            log "ethtool -K srv0 tx off failed (ignored)"
    fi
}

# ---------------------------------------------------------------- servers
start_tcpdump() {
    # ARP, DHCP, the boot server port and TFTP requests; -U: packet-buffered.
    ip netns exec "$NS_LAN" timeout -k 5 290 tcpdump -i br0 -nn -U -w "$TMP/lan.pcap" \
        'arp or udp port 67 or udp port 68 or udp port 4011 or udp port 69' \
        >"$TMP/tcpdump.log" 2>&1 &
    TCPDUMP_PID=$!; PIDS+=("$TCPDUMP_PID")
    wait_for 10 "$TCPDUMP_PID" tcpdump grep -qs 'listening on' "$TMP/tcpdump.log"
}

start_dnsmasq() {
    # proxy mode: address server only, a range and no boot options at all;
    # dhcp mode: no range, so no DHCP at all (dpxe is the DHCP server).
    local range=()
    [[ $MODE == dhcp ]] || range=(--dhcp-range="$POOL_START,$POOL_END,255.255.255.0,10m")
    ip netns exec "$NS_SRV" timeout -k 5 290 dnsmasq --no-daemon --conf-file=/dev/null \
        --port=0 --interface=srv0 --bind-interfaces --no-ping \
        "${range[@]}" \
        --dhcp-leasefile="$TMP/dnsmasq.leases" --pid-file="$TMP/dnsmasq.pid" \
        --enable-tftp --tftp-root="$TMP/tftp" \
        --log-dhcp --log-facility="$TMP/dnsmasq.log" >"$TMP/dnsmasq.stderr" 2>&1 &
    DNSMASQ_PID=$!; PIDS+=("$DNSMASQ_PID")
    wait_for 10 "$DNSMASQ_PID" dnsmasq grep -qs 'TFTP root' "$TMP/dnsmasq.log"
}

start_dpxe() {
    # --stats-json is written when dpxe stops (SIGTERM, below). timeout(1)
    # starts its -k timer when it forwards that SIGTERM: longer than the
    # 15 s the script gives dpxe to stop, so that bound is the one that rules.
    ip netns exec "$NS_DP" timeout -k 20 290 "$DPXE" --no-huge -m 512 --no-pci -l 0 \
        --file-prefix "$ID" -- -c "$CONFIG" --stats-json "$TMP/stats.json" \
        >"$TMP/dpxe.log" 2>&1 &
    DPXE_PID=$!; PIDS+=("$DPXE_PID")
    wait_for 30 "$DPXE_PID" dpxe grep -qs 'dpxe: serving' "$TMP/dpxe.log"
}

# The scripts dpxe's URLs point at. The marker text is assembled by iPXE
# (${m}), so it only shows on the console if the script really ran.
write_script() {  # write_script FILE TAG
    cat >"$TMP/tftp/$1" <<EOF
#!ipxe
set m OK-$RAND-$2
echo DPXE-BOOT-\${m}
echo DPXE-FILENAME \${filename}
echo DPXE-IP \${ip}
echo DPXE-DHCPSERVER \${dhcp-server}
echo DPXE-PLATFORM \${platform}
poweroff || shell
EOF
}

# ---------------------------------------------------------------- qemu
# SeaBIOS mirrors the BIOS console (and so iPXE's) to the serial port only
# with -vga none and -machine graphics=off (what -nographic sets); OVMF
# uses the serial port as its console when there is no display.
run_qemu() {      # run_qemu NAME TIMEOUT MARKER QEMU_ARGS...
    local name=$1 secs=$2 marker=$3 t0=$SECONDS rc=0 p; shift 3
    ip netns exec "$NS_LAN" timeout -k 5 $((secs + 10)) qemu-system-x86_64 \
        -accel tcg -m 256 -nodefaults -display none -vga none \
        -machine graphics=off -no-reboot -monitor none \
        -serial "file:$TMP/$name.serial.log" \
        -netdev tap,id=n0,ifname=tap0,script=no,downscript=no \
        "$@" >"$TMP/$name.qemu.log" 2>&1 &
    p=$!; PIDS+=("$p")
    wait_for "$secs" "$p" "$name: marker on the serial console" \
        grep -qas "DPXE-BOOT-$marker" "$TMP/$name.serial.log" || rc=1
    # The rest of the script's output (the last line names the platform);
    # this iPXE build has no poweroff, so qemu is killed either way.
    ((rc)) || wait_for 5 "$p" "$name: script output" \
        grep -qas "DPXE-PLATFORM" "$TMP/$name.serial.log" || true
    kill_pid "$p"
    log "$name: $((SECONDS - t0)) s, marker $([[ $rc == 0 ]] && echo seen || echo NOT seen)"
    return $rc
}

run_bios() {
    run_qemu bios "$BIOS_TIMEOUT" "OK-$RAND-bios" -boot n \
        -device "e1000,netdev=n0,mac=$MAC_BIOS,romfile=$IPXE_DIR/pxe-e1000.rom"
}

run_uefi() {
    cp "$OVMF_VARS" "$TMP/OVMF_VARS.fd"
    run_qemu uefi "$UEFI_TIMEOUT" "OK-$RAND-uefi" -machine q35 -boot n \
        -drive "if=pflash,format=raw,unit=0,readonly=on,file=$OVMF_CODE" \
        -drive "if=pflash,format=raw,unit=1,file=$TMP/OVMF_VARS.fd" \
        -device "e1000,netdev=n0,mac=$MAC_UEFI,romfile=$IPXE_DIR/efi-e1000.rom"
}

# ---------------------------------------------------------------- checks
# The console lines "DPXE-FILENAME <url>" and "DPXE-PLATFORM <p>": iPXE's
# ${filename} and ${platform} settings while it ran the script.
console_value() { # console_value NAME KEY
    tr -d '\r' <"$TMP/$1.serial.log" | sed 's/\x1b\[[0-9;]*[A-Za-z]//g' |
        sed -n "s/.*$2 \([^ ]*\).*/\1/p" | head -1
}
check_console() { # check_console NAME URL PLATFORM
    local file platform
    file=$(console_value "$1" DPXE-FILENAME)
    platform=$(console_value "$1" DPXE-PLATFORM)
    if [[ $file == "$2" ]]; then
        log "$1: iPXE ran the script from \${filename} $file"
    else
        fail "$1: iPXE's \${filename} is '$file', expected '$2'"
    fi
    [[ $platform == "$3" ]] ||
        fail "$1: iPXE's \${platform} is '$platform', expected '$3'"
    local ip server
    ip=$(console_value "$1" DPXE-IP)
    server=$(console_value "$1" DPXE-DHCPSERVER)
    if in_pool "$ip"; then
        log "$1: iPXE's \${ip} $ip is in $POOL_START-$POOL_END"
    else
        fail "$1: iPXE's \${ip} is '$ip', expected an address in $POOL_START-$POOL_END"
    fi
    [[ $server == "$DHCP_SERVER" ]] ||
        fail "$1: iPXE's \${dhcp-server} is '$server', expected $DHCP_SERVER ($MODE mode)"
}

# in_pool IP: IP is in POOL_START..POOL_END (same /24)
in_pool() {
    local h=${1##*.} lo=${POOL_START##*.} hi=${POOL_END##*.}
    [[ ${1%.*} == "$NET" && $h =~ ^[0-9]+$ ]] && ((lo <= h && h <= hi))
}

# tcpdump -vvv of the capture, one packet per line (continuation lines
# joined with " | ").
decode_pcap() {
    tcpdump -r "$TMP/lan.pcap" -nn -e -vvv 2>/dev/null |
        awk '/^[^ \t]/ { if (p != "") print p; p = $0; next }
             { sub(/^[ \t]+/, ""); p = p " | " $0 } END { if (p != "") print p }' \
        >"$TMP/decoded.txt"
}

# dpxe's OFFERs to one client: from dpxe's MAC, port 67, DHCP Offer, for
# client MAC; then check option 60, file field and checksum.
check_offer() {   # check_offer NAME CLIENT_MAC URL ARCH
    local name=$1 mac=$2 url=$3 arch=$4 offers n
    offers=$(grep -F "$DPXE_MAC > " "$TMP/decoded.txt" |
             grep -F "$DPXE_IP.67 > " | grep -F 'DHCP-Message (53), length 1: Offer' |
             grep -F "Client-Ethernet-Address $mac" || true)
    n=$(printf '%s' "$offers" | grep -c . || true)
    if ((n == 0)); then
        fail "$name: no proxy OFFER from dpxe ($DPXE_MAC, $DPXE_IP) to $mac in the capture"
        return
    fi
    log "$name: $n $MODE-mode OFFER(s) from dpxe in the capture"
    printf '%s\n' "$offers" | grep -qF 'Vendor-Class (60), length 9: "PXEClient"' ||
        fail "$name: dpxe's OFFER has no option 60 \"PXEClient\""
    printf '%s\n' "$offers" | grep -qF "file \"$url\"" ||
        fail "$name: dpxe's OFFER file field is not \"$url\": $(printf '%s\n' "$offers" |
             grep -o 'file "[^"]*"' | sort -u | tr '\n' ' ')"
    printf '%s\n' "$offers" | grep -q 'udp sum ok' ||
        fail "$name: dpxe's OFFER UDP checksum is not ok"
    printf '%s\n' "$offers" | grep -qF "Server-ID (54), length 4: $DPXE_IP" ||
        fail "$name: dpxe's OFFER has no option 54 $DPXE_IP"
    printf '%s\n' "$offers" | grep -qF 'Vendor-Option (43)' ||
        fail "$name: dpxe's OFFER has no option 43"
    # The client is the one the case is about: option 93 of its DISCOVER.
    grep -F "$mac > ff:ff:ff:ff:ff:ff" "$TMP/decoded.txt" |
        grep -F 'DHCP-Message (53), length 1: Discover' | head -1 |
        grep -qF "ARCH (93), length 2: $arch |" ||
        fail "$name: the client's DISCOVER does not carry option 93 = $arch"
    [[ $MODE == dhcp ]] || return 0
    # Full DHCP mode: the OFFER hands out a pool address and a lease time,
    # and dpxe ACKs that address to the client.
    local yi acks
    yi=$(printf '%s\n' "$offers" | grep -o 'Your-IP [0-9.]*' | head -1 | cut -d' ' -f2)
    if ! in_pool "$yi"; then
        fail "$name: dpxe's OFFER has yiaddr '$yi', expected an address in $POOL_START-$POOL_END"
        return
    fi
    # tcpdump 4.99 prints 600 s as "10m", older ones as "600"
    printf '%s\n' "$offers" | grep -qE 'Lease-Time \(51\), length 4: (600|10m)( |$)' ||
        fail "$name: dpxe's OFFER has no option 51 = 600"
    acks=$(grep -F "$DPXE_MAC > " "$TMP/decoded.txt" |
           grep -F 'DHCP-Message (53), length 1: ACK' |
           grep -F "Client-Ethernet-Address $mac" | grep -F "Your-IP $yi " || true)
    if [[ -z $acks ]]; then
        fail "$name: no ACK of $yi from dpxe to $mac in the capture"
    else
        log "$name: dpxe OFFERed and ACKed $yi"
        printf '%s\n' "$acks" | grep -qF "file \"$url\"" ||
            fail "$name: dpxe's ACK file field is not \"$url\""
    fi
}

# replies.TYPE (OFFER, ACK) inside "total" of dpxe's --stats-json.
stats_replies() {
    sed -n "s/.*\"total\": {[^}]*\"replies\": {[^}]*\"$1\": \([0-9]*\).*/\1/p" "$TMP/stats.json"
}

# ---------------------------------------------------------------- main
log "temp dir $TMP, namespaces $NS_LAN $NS_DP $NS_SRV"
mkdir -p "$TMP/tftp"
setup_net
write_script bios.ipxe bios
write_script uefi.ipxe uefi
start_tcpdump || die "tcpdump did not start"
start_dnsmasq || die "dnsmasq did not start"
start_dpxe || die "dpxe did not start"

BIOS_OK=0
run_bios && BIOS_OK=1

UEFI_RUN=0 UEFI_OK=0
if [[ -n ${DPXE_QEMU_NO_UEFI:-} ]]; then
    log "uefi: SKIPPED (DPXE_QEMU_NO_UEFI set)"
elif [[ ! -r $OVMF_CODE || ! -r $OVMF_VARS || ! -r $IPXE_DIR/efi-e1000.rom ]]; then
    log "uefi: SKIPPED ($OVMF_CODE or $IPXE_DIR/efi-e1000.rom missing; apt-get install ovmf)"
else
    # What is left of the budget, if the BIOS case was slow.
    left=$((BUDGET - (SECONDS - T0)))
    ((UEFI_TIMEOUT <= left)) || UEFI_TIMEOUT=$left
    if ((UEFI_TIMEOUT < 20)); then
        log "uefi: SKIPPED (only $left s of the ${BUDGET} s budget left)"
    else
        UEFI_RUN=1
        run_uefi && UEFI_OK=1
    fi
fi

# Stop dpxe cleanly: SIGTERM, exit 0, stats written.
kill -TERM "$DPXE_PID"
DPXE_RC=0 t_term=${EPOCHREALTIME/./}
if ! wait_gone 15 "$DPXE_PID"; then
    fail "dpxe did not stop within 15 s of SIGTERM"
    kill_pid "$DPXE_PID"
else
    wait "$DPXE_PID" || DPXE_RC=$?
    log "dpxe stopped $(((${EPOCHREALTIME/./} - t_term) / 1000)) ms after SIGTERM"
    ((DPXE_RC == 0)) || fail "dpxe exited $DPXE_RC after SIGTERM"
fi
sed -n '/dpxe stats/,$p' "$TMP/dpxe.log" | sed "s/^/[$TAG] dpxe: /" >&2
# An ASan/UBSan build reports on stderr (UBSan without changing the status).
if grep -qE 'runtime error:|ERROR: [A-Za-z]+Sanitizer|SUMMARY: [A-Za-z]+Sanitizer' "$TMP/dpxe.log"; then
    grep -E -A5 'runtime error:|Sanitizer' "$TMP/dpxe.log" | head -40 >&2
    fail "dpxe reported sanitizer errors"
fi
kill_pid "$TCPDUMP_PID"
kill_pid "$DNSMASQ_PID"

# ---- assertions
offers=
[[ ! -s $TMP/stats.json ]] || offers=$(stats_replies OFFER)
if [[ -n $PROVIDER_SO ]]; then
    # every reply must have come from the provider chain
    # "total" comes first in the JSON, so the first match is the total
    preplies=$(grep -o '"provider_replies": [0-9]*' "$TMP/stats.json" | head -1 | grep -o '[0-9]*$')
    if [[ -z $preplies || $preplies -lt 1 ]]; then
        fail "no provider_replies in dpxe's --stats-json: the bootfile provider did not answer"
    else
        log "dpxe stats: provider_replies = $preplies (bootfile provider)"
    fi
    # replies.* counts the built-in path's replies; the chain's are these
    offers=$preplies
fi
if [[ -z $offers ]]; then
    fail "no replies.OFFER in dpxe's --stats-json ($TMP/stats.json)"
elif ((offers < 1 || offers < BIOS_OK + UEFI_OK)); then
    fail "dpxe's stats count $offers OFFERs for $((BIOS_OK + UEFI_OK)) booted client(s)"
else
    log "dpxe stats: replies.OFFER = $offers"
fi
if [[ $MODE == dhcp ]]; then
    acks=$(stats_replies ACK)
    if [[ -z $acks ]] || ((acks < 1 || acks < BIOS_OK + UEFI_OK)); then
        fail "dpxe's stats count '${acks}' ACKs for $((BIOS_OK + UEFI_OK)) booted client(s)"
    else
        log "dpxe stats: replies.ACK = $acks"
    fi
fi

[[ -s $TMP/lan.pcap ]] || fail "empty capture"
decode_pcap
if [[ $MODE == dhcp ]]; then
    # dpxe is the only DHCP server: nobody else answers
    others=$(grep -F 'DHCP-Message (53)' "$TMP/decoded.txt" | grep -F '.67 > ' |
             grep -vF "$DPXE_IP.67 > " || true)
    [[ -z $others ]] || fail "DHCP replies from another server in dhcp mode: $(head -c 300 <<<"$others")"
fi

if ((BIOS_OK)); then
    log "bios: PASS marker DPXE-BOOT-OK-$RAND-bios on the serial console"
    check_console bios "$URL_BIOS" pcbios
else
    fail "bios: the firmware did not run the script within ${BIOS_TIMEOUT} s"
fi
check_offer bios "$MAC_BIOS" "$URL_BIOS" 0

if ((UEFI_RUN)); then
    if ((UEFI_OK)); then
        log "uefi: PASS marker DPXE-BOOT-OK-$RAND-uefi on the serial console"
        check_console uefi "$URL_UEFI" efi
        check_offer uefi "$MAC_UEFI" "$URL_UEFI" 7
    elif grep -qF "$DPXE_MAC > " "$TMP/decoded.txt" &&
         grep -F "Client-Ethernet-Address $MAC_UEFI" "$TMP/decoded.txt" | grep -qF "$DPXE_MAC > "; then
        # dpxe answered it: what it answered must still be right.
        log "uefi: SKIPPED: no marker within ${UEFI_TIMEOUT} s (slow TCG?); checking dpxe's OFFER anyway"
        check_offer uefi "$MAC_UEFI" "$URL_UEFI" 7
    else
        log "uefi: SKIPPED: OVMF did not reach network boot within ${UEFI_TIMEOUT} s under TCG"
    fi
fi

((FAILED == 0)) || exit 1
log "PASS"
