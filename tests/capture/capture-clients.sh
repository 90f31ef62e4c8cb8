#!/usr/bin/env bash
# capture-clients.sh - capture the DHCP packets that real DHCP/PXE clients send,
# as test vectors for dpxe's DHCP parser and later end-to-end tests.
#
# Run as root on Debian (12):   sudo tests/capture/capture-clients.sh [SCENARIO...]
#
# What it does:
#   * installs what it needs with apt-get if missing (tcpdump, tshark,
#     isc-dhcp-client, udhcpc, dnsmasq-base, qemu-system-x86, ipxe-qemu, ovmf);
#   * creates two network namespaces, dpxecap-srv and dpxecap-cli, joined by a
#     veth pair (dcap-s0 <-> dcap-c0) on a private /24 that exists only there;
#   * in dpxecap-srv runs dnsmasq as a real DHCP server (no DNS, no TFTP) and
#     tcpdump capturing only DHCP (udp 67/68/4011) to a classic pcap file;
#   * in dpxecap-cli runs a real client: dhclient, udhcpc, or iPXE firmware in
#     qemu (TCG) on a tap bridged to the veth end;
#   * writes tests/data/clients/<scenario>.pcap and regenerates
#     tests/data/clients/README.md (versions, exact commands, packet summary);
#   * always removes its namespaces, links and processes (trap EXIT).
#
# Scenarios (default: all): dhclient-pxe dhclient-plain udhcpc-pxe udhcpc-plain
#   ipxe-bios ipxe-uefi edk2-uefi ipxe-proxydhcp
# Environment:
#   OUT_DIR        output directory (default: <repo>/tests/data/clients)
#   QEMU_TIMEOUT   seconds a qemu run may take (default 90; TCG is slow)
#   TOTAL_TIMEOUT  seconds the captures may take, after any install (default 420;
#                  a full run takes about 3 minutes)
#   NO_INSTALL=1   never call apt-get
#   KEEP_TMP=1     keep the temp dir (logs) for debugging
#   CAPTURE_FILTER tcpdump filter (default: udp port 67 or udp port 68 or
#                  udp port 4011); change only for debugging
#
# No traffic leaves the two namespaces: the only links are the veth pair, a
# bridge and a tap, all inside them, and nothing is routed.

set -Eeuo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$SCRIPT_DIR/../.." && pwd)
OUT_DIR=${OUT_DIR:-$REPO_DIR/tests/data/clients}
QEMU_TIMEOUT=${QEMU_TIMEOUT:-90}
TOTAL_TIMEOUT=${TOTAL_TIMEOUT:-420}
CAPTURE_FILTER=${CAPTURE_FILTER:-udp port 67 or udp port 68 or udp port 4011}

log()  { printf '[capture] %s\n' "$*" >&2; }
die()  { log "ERROR: $*"; exit 1; }
IPXE_DIR=/usr/lib/ipxe/qemu

[[ $(id -u) -eq 0 ]] || die "run as root"

# ---------------------------------------------------------------- install
need_pkgs() {
    local want=() c p
    while read -r c p; do
        command -v "$c" >/dev/null 2>&1 || want+=("$p")
    done <<'EOF'
tcpdump tcpdump
tshark tshark
dhclient isc-dhcp-client
udhcpc udhcpc
dnsmasq dnsmasq-base
qemu-system-x86_64 qemu-system-x86
ip iproute2
EOF
    [[ -e $IPXE_DIR/pxe-e1000.rom ]] || want+=(ipxe-qemu)
    [[ -e /usr/share/OVMF/OVMF_CODE_4M.fd ]] || want+=(ovmf)
    [[ -e /usr/share/seabios/bios-256k.bin ]] || want+=(seabios)
    ((${#want[@]})) || return 0
    [[ -z ${NO_INSTALL:-} ]] || die "missing packages: ${want[*]} (NO_INSTALL set)"
    log "installing: ${want[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # tshark asks whether non-root users may capture: answer no.
    echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections
    local alog; alog=$(mktemp /tmp/dpxecap-apt.XXXXXX)
    apt-get install -y -q --no-install-recommends "${want[@]}" >"$alog" 2>&1 ||
        { apt-get update -q >>"$alog" 2>&1 &&
          apt-get install -y -q --no-install-recommends "${want[@]}" >>"$alog" 2>&1; } ||
        { tail -20 "$alog" >&2; rm -f "$alog"; die "apt-get install failed"; }
    rm -f "$alog"
}

# Install first (not bounded: never kill apt/dpkg halfway), then bound the
# capture run itself: re-exec under timeout(1) once.
if [[ -z ${DPXECAP_INNER:-} ]]; then
    need_pkgs
    export DPXECAP_INNER=1
    exec timeout -k 15 "$TOTAL_TIMEOUT" "$0" "$@"
fi

NS_SRV=dpxecap-srv
NS_CLI=dpxecap-cli
VETH_S=dcap-s0
VETH_C=dcap-c0
BR=dcap-br0
TAP=dcap-tap0
NET=10.213.47                 # lives only inside the two namespaces
SRV_IP=$NET.1
MAC_VETH_C=02:dc:00:00:00:02
MAC_VETH_S=02:dc:00:00:00:01
MAC_QEMU=52:54:00:dc:00:10
BOOTFILE=dpxe-capture-missing.0   # deliberately absent: no TFTP server runs

ALL_SCENARIOS=(dhclient-pxe dhclient-plain udhcpc-pxe udhcpc-plain ipxe-bios ipxe-uefi edk2-uefi ipxe-proxydhcp)

# shq ARGS...: the args as one shell-quoted command line (commas left alone)
shq() {
    local a out=""
    for a in "$@"; do
        if [[ $a =~ ^[A-Za-z0-9_./:=,@%+-]+$ ]]; then out+="${out:+ }$a"
        else out+="${out:+ }'${a//\'/\'\\\'\'}'"; fi
    done
    printf '%s' "$out"
}


TMP=$(mktemp -d /tmp/dpxecap.XXXXXX)
PIDS=()            # every background process we start

# ---------------------------------------------------------------- cleanup
source "$REPO_DIR/tests/lib/proc.sh"  # kill_pid

cleanup() {
    local rc=$? p ns
    set +e
    trap - EXIT INT TERM
    for p in "${PIDS[@]}"; do kill_pid "$p"; done
    # Anything still running inside our own namespaces was started by us.
    for ns in $NS_CLI $NS_SRV; do
        if ip netns list | grep -qw "^$ns"; then
            for p in $(ip netns pids "$ns" 2>/dev/null); do kill_pid "$p"; done
            ip -n "$ns" link del "$TAP" 2>/dev/null
            ip -n "$ns" link del "$BR" 2>/dev/null
            ip netns del "$ns" 2>/dev/null
        fi
    done
    ip link del "$VETH_S" 2>/dev/null
    ip link del "$VETH_C" 2>/dev/null
    if [[ -n ${KEEP_TMP:-} ]]; then log "temp dir kept: $TMP"; else rm -rf "$TMP"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- topology
ns_srv() { ip netns exec "$NS_SRV" "$@"; }
ns_cli() { ip netns exec "$NS_CLI" "$@"; }

setup_net() {
    local ns
    # Leftovers from an interrupted earlier run.
    for ns in $NS_CLI $NS_SRV; do
        if ip netns list | grep -qw "^$ns"; then
            log "removing stale namespace $ns"
            for p in $(ip netns pids "$ns" 2>/dev/null); do kill_pid "$p"; done
            ip netns del "$ns"
        fi
    done
    ip netns add "$NS_SRV"
    ip netns add "$NS_CLI"
    for ns in $NS_SRV $NS_CLI; do
        # No IPv6 chatter (RS/MLD/DAD) on the test links.
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
        ip -n "$ns" link set lo up
    done
    ip link add "$VETH_S" netns "$NS_SRV" address $MAC_VETH_S type veth \
        peer name "$VETH_C" netns "$NS_CLI" address $MAC_VETH_C
    ip -n "$NS_SRV" addr add "$SRV_IP/24" dev "$VETH_S"
    ip -n "$NS_SRV" link set "$VETH_S" up
    ip -n "$NS_CLI" link set "$VETH_C" up
}

# qemu needs its tap in its own namespace: bridge tap + veth end in dpxecap-cli.
bridge_up() {
    ip -n "$NS_CLI" addr flush dev "$VETH_C"
    ip -n "$NS_CLI" link add "$BR" type bridge stp_state 0 forward_delay 0
    ip -n "$NS_CLI" tuntap add dev "$TAP" mode tap
    ip -n "$NS_CLI" link set "$VETH_C" master "$BR"
    ip -n "$NS_CLI" link set "$TAP" master "$BR"
    ip -n "$NS_CLI" link set "$TAP" up
    ip -n "$NS_CLI" link set "$BR" up
}
bridge_down() {
    ip -n "$NS_CLI" link del "$TAP" 2>/dev/null || true
    ip -n "$NS_CLI" link del "$BR" 2>/dev/null || true
}

# ---------------------------------------------------------------- server + capture
CAP_PID=
DNSMASQ_PIDS=()
start_capture() {   # start_capture NAME
    local f="$TMP/$1.pcap"
    rm -f "$f"
    # Classic pcap (tcpdump's -w format), Ethernet, DHCP only.
    ip netns exec "$NS_SRV" tcpdump -i "$VETH_S" -nn -U -s 0 -w "$f" \
        "$CAPTURE_FILTER" >"$TMP/$1.tcpdump.log" 2>&1 &
    CAP_PID=$!; PIDS+=("$CAP_PID")
    local i
    for i in $(seq 50); do grep -q 'listening on' "$TMP/$1.tcpdump.log" && return 0; sleep 0.1; done
    die "tcpdump did not start"
}
stop_capture() {    # stop_capture NAME: stop tcpdump, move pcap to OUT_DIR
    sleep 1     # let the last replies arrive
    kill_pid "$CAP_PID"
    mkdir -p "$OUT_DIR"
    cp "$TMP/$1.pcap" "$OUT_DIR/$1.pcap"
    log "$1: $(tcpdump -r "$OUT_DIR/$1.pcap" -nn 2>/dev/null | wc -l) packets -> $OUT_DIR/$1.pcap"
}

# start_dnsmasq TAG ARGS...: a DHCP-only dnsmasq in the server namespace.
start_dnsmasq() {
    local tag=$1; shift
    rm -f "$TMP/$tag.leases"
    local cmd=(dnsmasq --no-daemon --conf-file=/dev/null --port=0
               --interface="$VETH_S" --bind-interfaces --no-ping
               --dhcp-leasefile="$TMP/$tag.leases" --pid-file="$TMP/$tag.dnsmasq.pid"
               --log-dhcp --log-facility="$TMP/$tag.dnsmasq.log" "$@")
    ip netns exec "$NS_SRV" "${cmd[@]}" >"$TMP/$tag.dnsmasq.out" 2>&1 &
    local p=$!; PIDS+=("$p"); DNSMASQ_PIDS+=("$p")
    SRV_CMD+="${SRV_CMD:+; }$(shq "${cmd[@]}")"
    sleep 0.5
    kill -0 "$p" 2>/dev/null || { cat "$TMP/$tag.dnsmasq.out" "$TMP/$tag.dnsmasq.log" >&2 2>/dev/null; die "dnsmasq failed"; }
}
DNSMASQ_STD=(--dhcp-range="$NET.100,$NET.199,255.255.255.0,10m" --dhcp-authoritative
             --dhcp-boot="$BOOTFILE")
stop_dnsmasq() { local p; for p in "${DNSMASQ_PIDS[@]}"; do kill_pid "$p"; done; DNSMASQ_PIDS=(); }

# count_dhcp NAME DISPLAYFILTER: packets in the running capture matching filter
count_dhcp() {
    tshark -r "$TMP/$1.pcap" -Y "$2" 2>/dev/null | wc -l
}
wait_dhcp() {       # wait_dhcp NAME FILTER MIN SECONDS [PID]
    local name=$1 filt=$2 min=$3 secs=$4 pid=${5:-} end=$((SECONDS + $4))
    while ((SECONDS < end)); do
        (($(count_dhcp "$name" "$filt") >= min)) && return 0
        [[ -z $pid ]] || kill -0 "$pid" 2>/dev/null || return 1
        sleep 1
    done
    return 1
}

# ---------------------------------------------------------------- metadata
declare -A DESC CMD CLIENT SRV
SRV_CMD=
record() { DESC[$1]=$2; CLIENT[$1]=$3; CMD[$1]=$4; SRV[$1]=$SRV_CMD; SRV_CMD=; }

# Scripts that clients run instead of their distro scripts: configure the
# leased address on the client interface (so RELEASE can be sent) and never
# touch resolv.conf, routes or anything outside the namespace.
write_client_scripts() {
    cat >"$TMP/dhclient-script" <<'EOF'
#!/bin/sh
case "$reason" in
  BOUND|RENEW|REBIND|REBOOT) ip addr replace "$new_ip_address/$new_subnet_mask" dev "$interface" ;;
  RELEASE|EXPIRE|FAIL|STOP)  [ -n "$old_ip_address" ] && ip addr del "$old_ip_address/$old_subnet_mask" dev "$interface" 2>/dev/null ;;
esac
exit 0
EOF
    cat >"$TMP/udhcpc-script" <<'EOF'
#!/bin/sh
case "$1" in
  bound|renew) ip addr replace "$ip/${mask:-24}" dev "$interface" ;;
  deconfig)    ip addr flush dev "$interface" scope global ;;
esac
exit 0
EOF
    chmod +x "$TMP/dhclient-script" "$TMP/udhcpc-script"
}

# ---------------------------------------------------------------- dhclient
run_dhclient() {    # run_dhclient NAME CONF_EXTRA_LINE
    local name=$1 extra=$2 d="$TMP/$1"
    mkdir -p "$d"
    {
        echo 'timeout 20;'
        echo 'retry 1;'
        echo 'initial-interval 1;'
        echo 'send host-name "dpxe-capture";'
        [[ -z $extra ]] || echo "$extra"
        echo 'request subnet-mask, broadcast-address, time-offset, routers, domain-name, domain-name-servers, host-name, ntp-servers, interface-mtu;'
    } >"$d/dhclient.conf"
    start_dnsmasq "$name" "${DNSMASQ_STD[@]}"
    start_capture "$name"
    local args=(-4 -1 -v -cf "$d/dhclient.conf" -pf "$d/dhclient.pid" -lf "$d/dhclient.leases" -sf "$TMP/dhclient-script")
    # -d: stay in the foreground so we own the process; -1: try once.
    ip netns exec "$NS_CLI" timeout -k 5 60 dhclient -d "${args[@]}" "$VETH_C" >"$d/dhclient.log" 2>&1 &
    local p=$!; PIDS+=("$p")
    wait_dhcp "$name" 'dhcp.option.dhcp == 5' 1 30 "$p" || { cat "$d/dhclient.log" >&2; die "$name: no DHCPACK"; }
    sleep 1
    # -r: signal the running dhclient (pid file) and send DHCPRELEASE.
    ns_cli timeout -k 5 20 dhclient -r "${args[@]}" "$VETH_C" >>"$d/dhclient.log" 2>&1 || log "$name: dhclient -r returned $?"
    kill_pid "$p"
    stop_capture "$name"
    stop_dnsmasq
    record "$name" "$3" "$(dhclient --version 2>&1 | head -1) (Debian isc-dhcp-client $(pkgver isc-dhcp-client))" \
        "dhclient -d ${args[*]} $VETH_C; then dhclient -r ${args[*]} $VETH_C; dhclient.conf: $(tr '\n' ' ' <"$d/dhclient.conf")"
}

# ---------------------------------------------------------------- udhcpc
run_udhcpc() {      # run_udhcpc NAME DESC EXTRA_ARGS...
    local name=$1 desc=$2; shift 2
    start_dnsmasq "$name" "${DNSMASQ_STD[@]}"
    start_capture "$name"
    # -f: foreground, -n: exit if no lease, -R: release on exit (SIGTERM once
    # bound; note -q would exit before the BOUND state and send no RELEASE),
    # -t/-T/-A bound the retries; -s: our minimal script.
    local args=(-f -i "$VETH_C" -n -R -t 3 -T 1 -A 1 -s "$TMP/udhcpc-script" "$@")
    ip netns exec "$NS_CLI" timeout -k 5 30 udhcpc "${args[@]}" >"$TMP/$name.udhcpc.log" 2>&1 &
    local p=$!; PIDS+=("$p")
    wait_dhcp "$name" 'dhcp.option.dhcp == 5' 1 20 "$p" || { cat "$TMP/$name.udhcpc.log" >&2; die "$name: no DHCPACK"; }
    sleep 1
    kill_pid "$p"     # SIGTERM -> udhcpc sends DHCPRELEASE (-R)
    stop_capture "$name"
    stop_dnsmasq
    record "$name" "$desc" "udhcpc from $(busybox 2>&1 | head -1 | sed 's/ multi-call binary\.//')" "$(shq udhcpc "${args[@]}"); SIGTERM once bound"
}

# ---------------------------------------------------------------- iPXE in qemu
run_qemu() {        # run_qemu NAME DONE_FILTER DONE_COUNT QEMU_ARGS...
    local name=$1 filt=$2 cnt=$3; shift 3
    local qargs=(-accel tcg -m 256 -nodefaults -display none -vga none -no-reboot
                 -serial "file:$TMP/$name.serial.log" -monitor none
                 -chardev "file,id=dbg,path=$TMP/$name.fw.log" -device isa-debugcon,iobase=0x402,chardev=dbg
                 -netdev "tap,id=n0,ifname=$TAP,script=no,downscript=no" "$@")
    ip netns exec "$NS_CLI" timeout -k 5 "$QEMU_TIMEOUT" qemu-system-x86_64 "${qargs[@]}" >"$TMP/$name.qemu.log" 2>&1 &
    local p=$!; PIDS+=("$p")
    local t0=$SECONDS ok=0
    if wait_dhcp "$name" "$filt" "$cnt" "$QEMU_TIMEOUT" "$p"; then
        ok=1; sleep 3      # a few more seconds for anything that follows
    fi
    kill_pid "$p"
    log "$name: qemu ran $((SECONDS - t0)) s, done=$ok"
    QEMU_CMD=$(shq qemu-system-x86_64 "${qargs[@]}")
    QEMU_CMD=${QEMU_CMD//$TMP\//\$TMP/}
    return $((!ok))
}

qemu_client_desc() {
    echo "iPXE from Debian ipxe-qemu $(pkgver ipxe-qemu), $1, in qemu-system-x86 $(pkgver qemu-system-x86) (TCG)"
}

run_ipxe_bios() {
    local name=ipxe-bios
    start_dnsmasq "$name" "${DNSMASQ_STD[@]}"
    start_capture "$name"
    local rc=0
    run_qemu "$name" 'dhcp.option.dhcp == 5' 1 -boot n \
        -device "e1000,netdev=n0,mac=$MAC_QEMU,romfile=$IPXE_DIR/pxe-e1000.rom" || rc=$?
    stop_capture "$name"; stop_dnsmasq
    record "$name" "legacy BIOS PXE boot via iPXE; dnsmasq gives address + boot file $BOOTFILE (absent, no TFTP)" \
        "$(qemu_client_desc "pxe-e1000.rom under SeaBIOS $(pkgver seabios)")" "$QEMU_CMD"
    return $rc
}

run_ipxe_uefi() {
    local name=ipxe-uefi
    cp /usr/share/OVMF/OVMF_VARS_4M.fd "$TMP/OVMF_VARS_4M.fd"
    start_dnsmasq "$name" "${DNSMASQ_STD[@]}"
    start_capture "$name"
    local rc=0
    run_qemu "$name" 'dhcp.option.dhcp == 5' 1 -machine q35 -boot n \
        -drive "if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd" \
        -drive "if=pflash,format=raw,unit=1,file=$TMP/OVMF_VARS_4M.fd" \
        -device "e1000,netdev=n0,mac=$MAC_QEMU,romfile=$IPXE_DIR/efi-e1000.rom" || rc=$?
    stop_capture "$name"; stop_dnsmasq
    record "$name" "UEFI x64 network boot (OVMF + iPXE EFI driver from efi-e1000.rom); dnsmasq gives address + boot file $BOOTFILE (absent)" \
        "$(qemu_client_desc "efi-e1000.rom under OVMF $(pkgver ovmf)")" "$QEMU_CMD"
    return $rc
}

run_edk2_uefi() {
    local name=edk2-uefi
    cp /usr/share/OVMF/OVMF_VARS_4M.fd "$TMP/OVMF_VARS_4M.fd"
    # PXE clients get a TFTP boot file name; UEFI HTTP boot clients (option 93
    # = 16, option 60 HTTPClient:...) need option 60 "HTTPClient" and a URL in
    # the reply or they ignore the offer. Neither file exists (no TFTP, no HTTP).
    start_dnsmasq "$name" --dhcp-range="$NET.100,$NET.199,255.255.255.0,10m" --dhcp-authoritative \
        --dhcp-match=set:efihttp,option:client-arch,16 \
        --dhcp-boot=tag:!efihttp,"$BOOTFILE" \
        --dhcp-boot=tag:efihttp,"http://$SRV_IP/dpxe-capture-missing.efi" \
        --dhcp-option-force=tag:efihttp,60,HTTPClient
    start_capture "$name"
    local rc=0
    # virtio-net with no option ROM: OVMF's own VirtioNetDxe/SnpDxe/PxeBcDxe
    # and HttpBootDxe (EDK2, as in most real UEFI firmware) do the DHCP. Its
    # boot order: PXEv4, PXEv6 (DHCPv6, not captured, times out), HTTPv4.
    # Done when both the PXE and the HTTP boot DORA have their ACK.
    run_qemu "$name" 'dhcp.option.dhcp == 5' 2 -machine q35 -boot n \
        -drive "if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd" \
        -drive "if=pflash,format=raw,unit=1,file=$TMP/OVMF_VARS_4M.fd" \
        -device "virtio-net-pci,netdev=n0,mac=$MAC_QEMU,romfile=" || rc=$?
    stop_capture "$name"; stop_dnsmasq
    record "$name" "UEFI x64 network boot by OVMF's own EDK2 network stack (virtio-net, no iPXE ROM): PXEv4 DORA (arch 7, TFTP boot file $BOOTFILE absent), then, after PXEv6 times out, UEFI HTTP boot over IPv4 DORA (arch 16, HTTPClient; dnsmasq answers with option 60 HTTPClient and URL http://$SRV_IP/dpxe-capture-missing.efi, absent)" \
        "EDK2 PxeBcDxe/HttpBootDxe in Debian ovmf $(pkgver ovmf) (OVMF_CODE_4M.fd), in qemu-system-x86 $(pkgver qemu-system-x86) (TCG)" "$QEMU_CMD"
    return $rc
}

run_ipxe_proxy() {
    local name=ipxe-proxydhcp
    # One dnsmasq hands out addresses only; a second one, in proxy mode, gives
    # the PXE boot information (both bind udp/67 with SO_REUSEPORT under
    # --bind-interfaces, so both see the broadcasts; only the proxy has 4011).
    start_dnsmasq "$name-addr" --dhcp-range="$NET.100,$NET.199,255.255.255.0,10m" --dhcp-authoritative
    start_dnsmasq "$name-proxy" --dhcp-range="$NET.0,proxy" \
        --pxe-service=x86PC,"dpxe capture",dpxe-capture-missing \
        --pxe-service=x86-64_EFI,"dpxe capture",dpxe-capture-missing.efi
    start_capture "$name"
    local rc=0
    run_qemu "$name" 'udp.srcport == 4011' 1 -boot n \
        -device "e1000,netdev=n0,mac=$MAC_QEMU,romfile=$IPXE_DIR/pxe-e1000.rom" || rc=$?
    stop_capture "$name"; stop_dnsmasq
    record "$name" "legacy BIOS PXE boot via iPXE against an address-only DHCP server plus a proxyDHCP server (second dnsmasq, --dhcp-range=$NET.0,proxy --pxe-service=...): DISCOVER, address OFFER + proxy OFFER (option 60 PXEClient, option 43 PXE menu/boot servers), REQUEST/ACK, then (about 15 s later) iPXE's PXE Boot Server Discovery REQUEST unicast to udp/4011 (xid 0, option 43 suboption 71 boot item 0x8000 layer 0) and its ACK from udp/4011" \
        "$(qemu_client_desc "pxe-e1000.rom under SeaBIOS $(pkgver seabios)")" "$QEMU_CMD"
    return $rc
}

# ---------------------------------------------------------------- README
pkgver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo '?'; }

# One line per packet: "DISCOVER c>s 68>67 opts=53,... 60=... 77=... 93=... 175=..."
summarize() {
    local f=$1
    tshark -r "$f" -T fields -E separator=$'\t' -E aggregator=, -E occurrence=a \
        -e eth.src -e udp.srcport -e udp.dstport -e dhcp.option.dhcp \
        -e dhcp.option.type -e dhcp.option.value -e dhcp.hw.mac_addr 2>/dev/null |
    awk -F'\t' '
    BEGIN { split("DISCOVER OFFER REQUEST DECLINE ACK NAK RELEASE INFORM", N, " ") }
    function hexbyte(x) { return (index("0123456789abcdef", substr(x, 1, 1)) - 1) * 16 + index("0123456789abcdef", substr(x, 2, 1)) - 1 }
    function str(h,   s, i, c) {         # hex -> printable string (or 0xhex)
        s = ""
        h = tolower(h)
        for (i = 1; i < length(h); i += 2) {
            c = hexbyte(substr(h, i, 2))
            if (c < 32 || c > 126) return "0x" h
            s = s sprintf("%c", c)
        }
        return "\"" s "\""
    }
    {
        dir = ($2 == 68) ? "client" : "server"
        if ($2 == 4011 || $3 == 4011) port = " (udp " $2 "->" $3 ")"; else port = ""
        nt = split($5, T, ","); split($6, V, ",")
        extra = ""
        for (i = 1; i <= nt; i++) {
            if (T[i] == 55) {
                l = ""
                for (j = 1; j < length(V[i]); j += 2) l = l (l == "" ? "" : ",") hexbyte(substr(tolower(V[i]), j, 2))
                extra = extra " opt55=[" l "]"
            }
            else if (T[i] == 60 || T[i] == 77) extra = extra sprintf(" opt%d=%s", T[i], str(V[i]))
            else if (T[i] == 93 || T[i] == 94 || T[i] == 97 || T[i] == 175 || T[i] == 61 || T[i] == 43) extra = extra sprintf(" opt%d=0x%s", T[i], V[i])
            else if (T[i] == 67 && dir == "server") {
                v = V[i]; nul = ""
                if (substr(v, length(v) - 1) == "00") { v = substr(v, 1, length(v) - 2); nul = " (NUL-terminated)" }
                extra = extra sprintf(" opt67=%s%s", str(v), nul)
            }
        }
        opts = ""
        for (i = 1; i <= nt; i++) if (T[i] != 0 && T[i] != 255) opts = opts (opts == "" ? "" : ",") T[i]
        printf "%s from %s%s: options %s%s\n", N[$4], dir, port, opts, (extra == "" ? "" : ";" extra)
    }'
}

write_readme() {
    local r="$OUT_DIR/README.md" name f
    {
        cat <<EOF
# Real DHCP client captures

Produced by \`tests/capture/capture-clients.sh\` (run as root; it installs what
it needs, builds two network namespaces joined by a veth pair, runs dnsmasq
$(pkgver dnsmasq-base) as the DHCP server in one and a real client in the other,
and captures DHCP (udp 67/68/4011) with tcpdump $(pkgver tcpdump) in the server namespace).
Re-running it regenerates the pcaps and this file. Files are classic pcap
(not pcapng), link type Ethernet (EN10MB), DHCP packets only.
Addresses are on the private $NET.0/24 that only exists inside those namespaces;
the server is $SRV_IP ($MAC_VETH_S). Client MACs: $MAC_VETH_C (dhclient, udhcpc), $MAC_QEMU (qemu).
Generated on Debian $(cat /etc/debian_version), $(date -u +%Y-%m-%d).
\`\$TMP/\` in commands below stands for the script's temp dir; the dhclient/udhcpc
scripts there only add/remove the leased address on the client interface.

Per file: client and version, the command, then one line per packet
(message type, sender, option codes in order, the parameter request list 55, values of options 43/60/61/77/93/94/97/175 (hex unless printable),
and the boot file name option 67 in server replies).

EOF
        for name in "${ALL_SCENARIOS[@]}"; do
            f="$OUT_DIR/$name.pcap"
            [[ -e $f ]] || continue
            if [[ -z ${CMD[$name]:-} ]]; then
                # Not run this time: keep its section from the previous README.
                [[ -e $r ]] && awk -v h="## $name.pcap" '
                    $0 == h { on = 1 } on && /^## / && $0 != h { exit } on' "$r"
                continue
            fi
            echo "## $name.pcap"
            echo
            echo "- What: ${DESC[$name]}"
            echo "- Client: ${CLIENT[$name]}"
            echo "- Command: \`${CMD[$name]//$TMP\//\$TMP/}\`"
            echo "- Server: \`${SRV[$name]//$TMP\//\$TMP/}\`"
            echo "- Packets ($(tcpdump -r "$f" -nn 2>/dev/null | wc -l)):"
            summarize "$f" | sed 's/^/  - /'
            echo
        done
        if [[ -n ${FAILED:-} ]]; then
            echo "## Not captured in the last run"
            echo
            echo "$FAILED"
        fi
    } >"$r.new"
    mv "$r.new" "$r"
    log "wrote $r"
}

# ---------------------------------------------------------------- main
scenarios=("$@")
((${#scenarios[@]})) || scenarios=("${ALL_SCENARIOS[@]}")
setup_net
write_client_scripts
mkdir -p "$OUT_DIR"
FAILED=
for s in "${scenarios[@]}"; do
    log "=== $s"
    case $s in
        dhclient-pxe)
            run_dhclient "$s" 'send vendor-class-identifier "PXEClient:Arch:00000:UNDI:002001";' \
                "dhclient with vendor-class-identifier PXEClient:Arch:00000:UNDI:002001: DORA then RELEASE (dhclient -r)" ;;
        dhclient-plain)
            run_dhclient "$s" '' "dhclient, plain config: DORA then RELEASE (dhclient -r)" ;;
        udhcpc-pxe)
            run_udhcpc "$s" "udhcpc posing as a UEFI x64 PXE client (options 60, 93, 94, 97; requests 66/67): DORA then RELEASE (-R, on SIGTERM)" \
                -V PXEClient:Arch:00007:UNDI:003016 -x 0x5d:0007 -x 0x5e:010310 \
                -x 0x61:00dc0000000000400080000000000000dc -O 66 -O 67 -O 43 ;;
        udhcpc-plain)
            run_udhcpc "$s" "udhcpc with default options: DORA then RELEASE (-R, on SIGTERM)" ;;
        ipxe-bios)
            bridge_up; run_ipxe_bios || FAILED+="- ipxe-bios: no DHCPACK within ${QEMU_TIMEOUT}s"$'\n'; bridge_down ;;
        ipxe-uefi)
            bridge_up; run_ipxe_uefi || FAILED+="- ipxe-uefi: no DHCPACK within ${QEMU_TIMEOUT}s"$'\n'; bridge_down ;;
        edk2-uefi)
            bridge_up; run_edk2_uefi || FAILED+="- edk2-uefi: fewer than 2 DHCPACKs (PXE + HTTP boot) within ${QEMU_TIMEOUT}s"$'\n'; bridge_down ;;
        ipxe-proxydhcp)
            bridge_up; run_ipxe_proxy || FAILED+="- ipxe-proxydhcp: no reply from udp/4011 within ${QEMU_TIMEOUT}s"$'\n'; bridge_down ;;
        *) die "unknown scenario $s (known: ${ALL_SCENARIOS[*]})" ;;
    esac
done
write_readme
[[ -z $FAILED ]] || { log "some captures incomplete:"; printf '%s' "$FAILED" >&2; }
log "done"
