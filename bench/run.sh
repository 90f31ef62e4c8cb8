#!/bin/bash
# bench/run.sh: the boot-storm comparison in one command (as root).
#
#   bench/run.sh [--reps N] [--veth-reps N] [--skip memif|veth|workers]
#                [--out DIR] [--build DIR]
#
# 1. memif (DPDK's own ceiling): dpxe (one worker, CPU 1) answers the DPDK
#    load generator bench/loadgen (CPU 0) over net_memif, both --no-huge,
#    separate --file-prefixes: proxy mode (DISCOVER -> OFFER) and full DHCP
#    mode (server.mode dhcp, the generator in dora mode: DISCOVER, OFFER,
#    REQUEST, ACK). The floor on the same topology: dpdk-testpmd io and
#    macswap in place of dpxe (the generator counts its own DISCOVERs coming
#    back, --echo). Each server: a rate sweep (stop at 5 % loss), then 2 s at
#    50 % of its max sustained rate (< 1 % loss) for the latency
#    percentiles. --reps rounds, the order rotating each round.
# 2. veth (the kernel path, same for all): two namespaces joined by a veth;
#    on the server end dpxe (net_af_packet) in proxy and in full mode,
#    dnsmasq proxyDHCP, dnsmasq full and Kea DHCPv4 (memfile, persist
#    false), each pinned to CPU 1; the same DPDK load generator drives them
#    all from the client end (net_af_packet, CPU 0): DISCOVERs for the proxy
#    servers, full DORA for the full ones, rate stepped up until loss > 1 %,
#    then 2 s at 50 % of that server's max for the latency percentiles.
# 3. 1 vs 2 workers: bench/workers.sh (net_pcap, no generator), short.
# Writes bench/results/<date>.{json,md,png}. Bounded: every process runs
# under timeout, sections are skipped once the 13-minute budget is spent.
# Everything (namespaces, processes, DPDK runtime dirs, temp dir) is removed
# on exit. A benchmark: figures are medians and same-run ratios, never
# pass/fail on speed.
set -Eeuo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
REPS=3
VREPS=2
SKIP=
OUT=$ROOT/bench/results
BUILD=$ROOT/build-bench
BUDGET=780   # seconds: stop starting new sections (or servers) after this
while [ $# -gt 0 ]; do
	case "$1" in
	--reps) REPS=$2; shift 2 ;;
	--veth-reps) VREPS=$2; shift 2 ;;
	--skip) SKIP="$SKIP $2"; shift 2 ;;
	--out) OUT=$2; shift 2 ;;
	--build) BUILD=$(realpath -m "$2"); shift 2 ;;
	-h|--help) sed -n 2,28p "$0"; exit 0 ;;
	*) echo "run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
	esac
done
[[ $(id -u) -eq 0 ]] || { echo "run.sh: needs root (namespaces, DPDK)" >&2; exit 1; }

log() { printf '[bench %4ds] %s\n' "$SECONDS" "$*" >&2; }

# ------------------------------------------------------------ dependencies
need=()
command -v dpdk-testpmd >/dev/null || need+=(dpdk)
pkg-config --exists libdpdk 2>/dev/null || need+=(dpdk-dev)
command -v dnsmasq >/dev/null || need+=(dnsmasq)
command -v kea-dhcp4 >/dev/null || need+=(kea-dhcp4-server)
command -v perfdhcp >/dev/null || need+=(kea-admin)
command -v ethtool >/dev/null || need+=(ethtool)
/usr/bin/python3 -c 'import matplotlib' 2>/dev/null || need+=(python3-matplotlib)
if [ ${#need[@]} -gt 0 ]; then
	log "installing ${need[*]}"
	# no service may start during the install (policy-rc.d 101: forbidden)
	made_policy=
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod +x /usr/sbin/policy-rc.d; made_policy=1
	fi
	DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y \
		--no-install-recommends "${need[@]}" >/dev/null
	[ -n "$made_policy" ] && rm -f /usr/sbin/policy-rc.d
	# belt and braces: a package-started daemon has the package's pid file
	for pf in /run/kea/kea-dhcp4.kea-dhcp4.pid /run/dnsmasq/dnsmasq.pid; do
		[ -s "$pf" ] && kill "$(cat "$pf")" 2>/dev/null || true
	done
fi
command -v meson >/dev/null && command -v ninja >/dev/null ||
	"$ROOT/tests/install-deps.sh"

[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" "$ROOT" -Dbuildtype=release >/dev/null
timeout 300 ninja -C "$BUILD" app/dpxe bench/loadgen/dpxe-loadgen >/dev/null
DPXE=$BUILD/app/dpxe
LG=$BUILD/bench/loadgen/dpxe-loadgen
# the tree the binaries were built from (the report names its commit)
SRC=$(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["directories"]["source"])' \
	"$BUILD/meson-info/meson-info.json" 2>/dev/null || echo "$ROOT")

# ------------------------------------------------------------ cleanup
source "$ROOT/tests/lib/proc.sh"   # kill_pid
TMP=$(mktemp -d /tmp/dpxe-bench.XXXXXX)
TAG=db$$
NS_S=$TAG-s; NS_C=$TAG-c; IF_S=${TAG}s; IF_C=${TAG}c
PIDS=()
cleanup() {
	local rc=$? p ns
	set +e
	trap - EXIT INT TERM
	exec 7>&- 2>/dev/null
	for p in "${PIDS[@]}"; do kill_pid "$p"; done
	for ns in "$NS_C" "$NS_S"; do
		if ip netns list 2>/dev/null | grep -qw "^$ns"; then
			for p in $(ip netns pids "$ns" 2>/dev/null); do kill_pid "$p"; done
			ip netns del "$ns" 2>/dev/null
		fi
	done
	rm -rf /var/run/dpdk/"$TAG"-* 2>/dev/null
	if [ -n "${KEEP_TMP:-}" ]; then log "temp dir kept: $TMP"; else rm -rf "$TMP"; fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

EAL=(--no-huge -m 1024 --no-pci)
over_budget() { [ "$SECONDS" -gt "$BUDGET" ]; }
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# best NAME-JSON: the max reply rate of a sweep over steps with < 1 % loss
best() {
	/usr/bin/python3 - "$1" <<'EOF'
import json, sys
try:
    j = json.load(open(sys.argv[1]))
except (OSError, ValueError):
    j = {"steps": []}
ok = [s["reply_pps"] for s in j["steps"] if s["loss_pct"] < 1.0 and s["sent"] > 0]
print(int(max(ok)) if ok else 0)
EOF
}

# ------------------------------------------------------------ memif
# proxy (DISCOVERs, replies = OFFERs) and the floors: steps of 1 s
MEMIF_RATES=250000,500000,1000000,1500000,2000000,3000000,4000000,0
# full mode (DORA/s, two requests and two replies each; replies = ACKs)
MEMIF_DORA_RATES=125000,250000,500000,750000,1000000,1500000,2000000,0
MEMIF_CLIENTS=60000   # fits bench/memif-dhcp.yaml's pool of 64,000
SOCK=$TMP/memif.sock
LG_MEMIF=(--vdev="net_memif0,role=client,socket=$SOCK,socket-abstract=no")
SRV_PID=

memif_server_start() { # KIND RUN-ID
	local kind=$1 id=$2 cfg
	rm -f "$SOCK"
	case $kind in
	dpxe|dpxe-dhcp)
		cfg=$ROOT/bench/memif.yaml
		[ "$kind" = dpxe-dhcp ] && cfg=$ROOT/bench/memif-dhcp.yaml
		sed "s|@SOCK@|$SOCK|" "$cfg" >"$TMP/memif-$id.yaml"
		# taskset: dpxe's control thread (dpxe-ctl, a 1 ms tick) stays
		# on CPU 1 too; EAL would put it on the CPUs not given to lcores,
		# i.e. the generator's, which it would preempt 1000 times a second
		timeout -k 5 120 taskset -c 1 "$DPXE" "${EAL[@]}" -l 1 --file-prefix "$TAG-s$id" -- \
			-c "$TMP/memif-$id.yaml" --duration 90000 \
			--stats-json "$TMP/memif-$id-stats.json" >"$TMP/memif-$id-server.log" 2>&1 &
		SRV_PID=$!
		;;
	io|macswap)
		rm -f "$TMP/fifo"; mkfifo "$TMP/fifo"
		timeout -k 5 120 dpdk-testpmd "${EAL[@]}" -l 0,1 --main-lcore 0 \
			--file-prefix "$TAG-s$id" \
			--vdev="net_memif0,role=server,socket=$SOCK,socket-abstract=no" -- \
			-i --auto-start --nb-cores=1 --forward-mode="$kind" --burst=32 \
			--record-core-cycles <"$TMP/fifo" >"$TMP/memif-$id-server.log" 2>&1 &
		SRV_PID=$!
		exec 7>"$TMP/fifo"
		;;
	esac
	PIDS+=("$SRV_PID")
	# ready = its port started (dpxe says it serves, testpmd checks its
	# links): a memif client that connects before may never see the link
	# come up (the loadgen's "link down after 30 s")
	for _ in $(seq 200); do
		[ -S "$SOCK" ] && grep -qE "^dpxe: serving|Checking link statuses" \
			"$TMP/memif-$id-server.log" && return 0
		kill -0 "$SRV_PID" 2>/dev/null || break
		sleep 0.1
	done
	log "memif: $kind did not start"; tail -5 "$TMP/memif-$id-server.log" >&2
	return 1
}

memif_server_stop() { # KIND
	if [[ "$1" = dpxe* ]]; then
		kill -TERM "$SRV_PID" 2>/dev/null || true
	else
		echo "show port stats 0" >&7; echo stop >&7; echo quit >&7
		exec 7>&-
	fi
	for _ in $(seq 150); do kill -0 "$SRV_PID" 2>/dev/null || break; sleep 0.1; done
	kill_pid "$SRV_PID"
}

memif_one() { # KIND ROUND
	local kind=$1 r=$2 id="$1-$2" args=() lg
	case $kind in
	dpxe) args=(--mode discover --rate $MEMIF_RATES) ;;
	dpxe-dhcp) args=(--mode dora --rate $MEMIF_DORA_RATES) ;;
	*) args=(--mode discover --rate $MEMIF_RATES --echo) ;;
	esac
	memif_server_start "$kind" "$id" || { memif_server_stop "$kind"; return 0; }
	sleep 0.5
	# sweep, then 2 s at half the best rate; the server is stopped while
	# the load generator lingers (dpxe must write its stats before the
	# memif peer goes away)
	timeout -k 5 90 taskset -c 0 "$LG" "${EAL[@]}" -l 0 --file-prefix "$TAG-l$id" "${LG_MEMIF[@]}" -- \
		"${args[@]}" --step-ms 1000 --gap-ms 100 --stop-loss 5 \
		--half-ms 2000 --linger-ms 5000 --clients $MEMIF_CLIENTS --quiet \
		--json "$TMP/memif-$id-sweep.json" >"$TMP/memif-$id-sweep.log" 2>&1 &
	lg=$!; PIDS+=("$lg")
	for _ in $(seq 600); do
		grep -q "loadgen: done" "$TMP/memif-$id-sweep.log" && break
		kill -0 "$lg" 2>/dev/null || break
		sleep 0.1
	done
	memif_server_stop "$kind"
	wait "$lg" || log "memif: $kind load generator failed: $(tail -2 "$TMP/memif-$id-sweep.log")"
	log "memif round $r $kind: max $(best "$TMP/memif-$id-sweep.json") replies/s (< 1 % loss)"
}

if [[ " $SKIP " != *" memif "* ]]; then
	KINDS=(dpxe dpxe-dhcp io macswap)
	for r in $(seq 1 "$REPS"); do
		over_budget && { log "budget spent: memif stops after $((r - 1)) round(s)"; break; }
		for k in 0 1 2 3; do   # rotate the order each round
			memif_one "${KINDS[$(((k + r - 1) % 4))]}" "$r"
		done
	done
fi

# ------------------------------------------------------------ veth
# steps of 1 s (requests/s: DISCOVERs, or DORAs for the full servers)
VETH_RATES=1000,2000,5000,10000,15000,20000,30000,50000,75000,100000,150000,200000,300000,0
VETH_CLIENTS=16384
# perfdhcp, once per server in round 1, at one rate well under every
# server's max: an independent client confirming the answers (it is not the
# driver: it tops out at ~8 k/s here, below the servers it would measure)
PERF_RATE=2000
HEX60=$(printf 'PXEClient:Arch:00000:UNDI:002001' | od -An -tx1 | tr -d ' \n')
# perfdhcp sends as a relay (giaddr = its address) with the PXE options
# every firmware sends (dnsmasq's proxy mode ignores a DISCOVER without 93/97)
PERF_OPTS=(-4 -l "$IF_C" -R "$VETH_CLIENTS" -o "60,$HEX60" -o 93,0000
	   -o 97,00000102030405060708090a0b0c0d0e0f)
ns_s() { ip netns exec "$NS_S" "$@"; }
ns_c() { ip netns exec "$NS_C" "$@"; }

veth_setup() {
	ip netns add "$NS_S"; ip netns add "$NS_C"
	for ns in "$NS_S" "$NS_C"; do
		ip netns exec "$ns" sh -c 'for f in all default; do
			echo 1 >/proc/sys/net/ipv6/conf/$f/disable_ipv6; done' 2>/dev/null || true
		ip -n "$ns" link set lo up
	done
	ip link add "$IF_S" netns "$NS_S" type veth peer name "$IF_C" netns "$NS_C"
	ip -n "$NS_S" link set "$IF_S" up
	ip -n "$NS_C" link set "$IF_C" up
	ip -n "$NS_C" addr add 10.77.0.2/16 dev "$IF_C"
	# kernel UDP on a veth leaves checksums partial; dpxe verifies them
	ns_c ethtool -K "$IF_C" tx off >/dev/null
}

veth_server_start() { # KIND ID
	local kind=$1 id=$2 cfg
	ip -n "$NS_S" addr flush dev "$IF_S"
	[[ "$kind" = dpxe* ]] || ip -n "$NS_S" addr add 10.77.0.1/16 dev "$IF_S"
	case $kind in
	dpxe|dpxe-dhcp)
		cfg=$ROOT/bench/veth.yaml
		[ "$kind" = dpxe-dhcp ] && cfg=$ROOT/bench/veth-dhcp.yaml
		sed "s|@IFACE@|$IF_S|" "$cfg" >"$TMP/veth-$id.yaml"
		# all of dpxe on CPU 1, as dnsmasq and Kea (control thread too)
		ip netns exec "$NS_S" timeout -k 5 200 taskset -c 1 "$DPXE" "${EAL[@]}" -l 1 \
			--file-prefix "$TAG-v$id" -- \
			-c "$TMP/veth-$id.yaml" --duration 180000 \
			--stats-json "$TMP/veth-$id-stats.json" >"$TMP/veth-$id-server.log" 2>&1 &
		;;
	dnsmasq-proxy|dnsmasq-full)
		{
			echo "port=0"; echo "interface=$IF_S"; echo "bind-interfaces"
			echo "leasefile-ro"; echo "quiet-dhcp"; echo "log-facility=$TMP/dnsmasq.log"
			if [ "$kind" = dnsmasq-proxy ]; then
				echo "dhcp-range=10.77.0.0,proxy,255.255.0.0"
				echo 'pxe-service=x86PC,"BIOS",undionly'
				echo 'pxe-service=X86-64_EFI,"UEFI",ipxe'
				echo 'pxe-service=BC_EFI,"UEFI",ipxe'
			else
				echo "dhcp-range=10.77.1.0,10.77.250.255,255.255.0.0,1h"
				echo "no-ping"; echo "dhcp-authoritative"
				echo "dhcp-lease-max=1000000"
			fi
		} >"$TMP/dnsmasq.conf"
		ip netns exec "$NS_S" timeout -k 5 200 taskset -c 1 dnsmasq -k -C "$TMP/dnsmasq.conf" \
			--pid-file="$TMP/dnsmasq.pid" >"$TMP/veth-$id-server.log" 2>&1 &
		;;
	kea-full)
		cat >"$TMP/kea.json" <<EOF
{ "Dhcp4": {
  "interfaces-config": { "interfaces": [ "$IF_S" ], "dhcp-socket-type": "raw" },
  "lease-database": { "type": "memfile", "persist": false, "lfc-interval": 0 },
  "multi-threading": { "enable-multi-threading": true, "thread-pool-size": 2,
                       "packet-queue-size": 256 },
  "valid-lifetime": 3600,
  "subnet4": [ { "id": 1, "subnet": "10.77.0.0/16",
                 "pools": [ { "pool": "10.77.1.0 - 10.77.250.255" } ] } ],
  "loggers": [ { "name": "kea-dhcp4", "severity": "ERROR",
                 "output_options": [ { "output": "stdout" } ] } ]
} }
EOF
		KEA_LOCKFILE_DIR=none KEA_PIDFILE_DIR=$TMP ip netns exec "$NS_S" timeout -k 5 200 \
			taskset -c 1 kea-dhcp4 -c "$TMP/kea.json" >"$TMP/veth-$id-server.log" 2>&1 &
		;;
	esac
	SRV_PID=$!; PIDS+=("$SRV_PID")
	sleep 2
	if [[ "$kind" = dpxe* ]]; then   # EAL start-up may take longer under load
		for _ in $(seq 150); do
			grep -q "^dpxe: serving" "$TMP/veth-$id-server.log" && break
			kill -0 "$SRV_PID" 2>/dev/null || break
			sleep 0.1
		done
	fi
	kill -0 "$SRV_PID" 2>/dev/null || { log "veth: $kind died"; cat "$TMP/veth-$id-server.log" >&2; return 1; }
}

veth_one() { # KIND ROUND
	local kind=$1 r=$2 id="$1-$2" mode=dora perf=()
	case $kind in dpxe|dnsmasq-proxy) mode=discover; perf=(-i) ;; esac
	veth_server_start "$kind" "$id" || return 0
	if [ "$r" = 1 ]; then
		ns_c timeout -k 5 20 taskset -c 0 perfdhcp "${PERF_OPTS[@]}" "${perf[@]}" \
			-r "$PERF_RATE" -p 2 >"$TMP/veth-$id-perfdhcp.txt" 2>&1 || true
	fi
	# the same generator as on memif, on the client end of the veth:
	# direct (not relayed) clients asking for broadcast replies, as UEFI
	# PXE firmware does (unicast would make dnsmasq inject an ARP entry
	# per client, which fails once the kernel's neighbour table is full:
	# gc_thresh3 = 1024); 2 s at half the best rate after the sweep
	ns_c timeout -k 5 60 taskset -c 0 "$LG" "${EAL[@]}" -l 0 --file-prefix "$TAG-a$id" \
		--vdev="net_af_packet0,iface=$IF_C,framecnt=4096" -- --mode "$mode" \
		--rate $VETH_RATES --step-ms 1000 --gap-ms 200 --stop-loss 1 \
		--half-ms 2000 --clients $VETH_CLIENTS --quiet --src-ip 10.77.0.3 \
		--broadcast-flag \
		--json "$TMP/veth-$id-sweep.json" >"$TMP/veth-$id-sweep.log" 2>&1 ||
		log "veth: $kind load generator failed: $(tail -2 "$TMP/veth-$id-sweep.log")"
	if [[ "$kind" = dpxe* ]]; then kill -TERM "$SRV_PID" 2>/dev/null || true
		for _ in $(seq 100); do kill -0 "$SRV_PID" 2>/dev/null || break; sleep 0.1; done
	fi
	kill_pid "$SRV_PID"
	# nothing of this server may answer the next one's clients
	for p in $(ip netns pids "$NS_S" 2>/dev/null); do kill_pid "$p"; done
	log "veth round $r $kind: max $(best "$TMP/veth-$id-sweep.json") replies/s (< 1 % loss)"
}

if [[ " $SKIP " != *" veth "* ]]; then
	veth_setup
	VKINDS=(dpxe dnsmasq-proxy dpxe-dhcp dnsmasq-full kea-full)
	for r in $(seq 1 "$VREPS"); do
		for k in 0 1 2 3 4; do
			over_budget && { log "budget spent: veth stops"; break 2; }
			veth_one "${VKINDS[$(((k + r - 1) % 5))]}" "$r"
		done
	done
fi

# ------------------------------------------------------------ 1 vs 2 workers
if [[ " $SKIP " != *" workers "* ]] && ! over_budget; then
	"$ROOT/bench/workers.sh" --runs 3 --seconds 4 --build "$BUILD" \
		--out "$TMP/workers" >"$TMP/workers.log" 2>&1 ||
		log "workers.sh failed: $(tail -3 "$TMP/workers.log")"
	log "1 vs 2 workers done"
fi

# ------------------------------------------------------------ report
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
DATE=$(date +%Y-%m-%d)
mkdir -p "$OUT"
export TMP OUT DATE ROOT SRC LOAD_BEFORE LOAD_AFTER REPS VREPS
/usr/bin/python3 "$ROOT/bench/report.py"
log "done in $SECONDS s: $OUT/$DATE.{json,md,png}"
