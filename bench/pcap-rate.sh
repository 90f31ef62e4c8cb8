#!/bin/bash
# One-worker throughput benchmark: PXE replies per second from ONE dpxe worker
# fed by net_pcap in infinite_rx mode, next to dpdk-testpmd io-forwarding the
# same pcap through the same vdev (the cost floor of moving a packet through
# this PMD), measured alternately in the same run. A benchmark, not a test:
# it reports medians and same-run ratios and never passes or fails on speed.
# See bench/README.md.
#
#   bench/pcap-rate.sh [--runs N] [--seconds S] [--packets P] [--out DIR]
#
# Defaults: 5 runs of 10 s per program, 1024 distinct clients, results in
# bench/results/ (pcap-rate.json and pcap-rate.md). Bounded: refuses settings
# that could take more than ~4.5 minutes; every process runs under timeout.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=5
SECS=10
PKTS=1024
OUT=$ROOT/bench/results
CPU=1   # the forwarding CPU of both programs

while [ $# -gt 0 ]; do
	case "$1" in
	--runs) RUNS=$2; shift 2 ;;
	--seconds) SECS=$2; shift 2 ;;
	--packets) PKTS=$2; shift 2 ;;
	--out) OUT=$2; shift 2 ;;
	-h|--help) sed -n 2,14p "$0"; exit 0 ;;
	*) echo "pcap-rate: unknown argument $1 (see --help)" >&2; exit 2 ;;
	esac
done
for v in "$RUNS" "$SECS" "$PKTS"; do
	[[ "$v" =~ ^[1-9][0-9]*$ ]] || { echo "pcap-rate: $v is not a positive integer" >&2; exit 2; }
done
# each run costs SECS plus ~3 s of EAL start-up/tear-down (testpmd also
# waits WARM s before its measuring window)
WARM=2
if [ $((RUNS * (2 * SECS + WARM + 8))) -gt 240 ]; then
	echo "pcap-rate: $RUNS runs x 2 x $SECS s would exceed the 4-minute budget" >&2
	exit 2
fi

# --- dependencies and build (install-deps.sh is the only installer) --------
"$ROOT/tests/install-deps.sh"
if ! /usr/bin/python3 -c 'import scapy' 2>/dev/null; then
	"$ROOT/tests/install-deps.sh" --tests   # python3-scapy lives there
fi
command -v dpdk-testpmd >/dev/null || { echo "pcap-rate: dpdk-testpmd not found (package dpdk)" >&2; exit 1; }
BUILD=$ROOT/build-bench
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" "$ROOT" -Dbuildtype=release >/dev/null
timeout 120 ninja -C "$BUILD" app/dpxe >/dev/null
DPXE=$BUILD/app/dpxe
CFG=$ROOT/bench/pcap-rate.yaml

TMP=$(mktemp -d /tmp/dpxe-pcap-rate.XXXXXX)
PREFIX=pcaprate$$
cleanup() {
	rm -rf "$TMP"
	rm -rf /var/run/dpdk/"$PREFIX"-* 2>/dev/null || true
}
trap cleanup EXIT

PCAP=$TMP/discovers.pcap
/usr/bin/python3 "$ROOT/bench/make-discovers.py" "$PCAP" "$PKTS"
# no tx_pcap/tx_iface: net_pcap then transmits with its drop function
# (frees the mbufs, counts them); nothing is written or sent anywhere
VDEV="net_pcap0,rx_pcap=$PCAP,infinite_rx=1"
EAL=(--no-huge -m 1024 --no-pci)

# dpxe: -l $CPU makes CPU $CPU the main lcore, and dpxe runs its only worker
# on it (housekeeping every 10 ms in the same loop)
run_dpxe() { # run-number
	local i=$1
	timeout $((SECS + 30)) "$DPXE" "${EAL[@]}" -l $CPU \
		--file-prefix "$PREFIX-d$i" --vdev="$VDEV" -- \
		-c "$CFG" --duration $((SECS * 1000)) \
		--stats-json "$TMP/dpxe-$i.json" >"$TMP/dpxe-$i.log" 2>&1 ||
		{ echo "pcap-rate: dpxe run $i failed:" >&2; cat "$TMP/dpxe-$i.log" >&2; exit 1; }
}

# testpmd: main lcore on the other CPU (it only blocks on the command line),
# one forwarding lcore on CPU $CPU; io forwarding from port 0 back to port 0.
# The rate is testpmd's own "Tx-pps (since last show)" over the SECS window
# between two "show port stats", taken WARM s after forwarding started.
run_testpmd() { # run-number
	local i=$1
	{
		sleep $WARM; echo "show port stats 0"
		sleep "$SECS"; echo "show port stats 0"
		echo stop; echo quit
	} | timeout $((SECS + 30)) dpdk-testpmd "${EAL[@]}" -l $((1 - CPU)),$CPU \
		--main-lcore $((1 - CPU)) --file-prefix "$PREFIX-t$i" \
		--vdev="$VDEV" -- -i --auto-start --nb-cores=1 \
		--forward-mode=io --port-topology=loop --burst=32 \
		--record-core-cycles >"$TMP/testpmd-$i.log" 2>&1 ||
		{ echo "pcap-rate: testpmd run $i failed:" >&2; cat "$TMP/testpmd-$i.log" >&2; exit 1; }
}

echo "pcap-rate: $RUNS runs x $SECS s each of dpxe and testpmd, $PKTS clients, CPU $CPU"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)   # other work on the 2 cores = noise
for i in $(seq 1 "$RUNS"); do
	# alternate which goes first so slow drift does not favour one side
	if [ $((i % 2)) -eq 1 ]; then
		run_dpxe "$i"; run_testpmd "$i"
	else
		run_testpmd "$i"; run_dpxe "$i"
	fi
	echo "pcap-rate: run $i/$RUNS done"
done

LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
mkdir -p "$OUT"
DPDK_VERSION=$(dpkg-query -W -f='${Version}' dpdk 2>/dev/null || echo unknown)
export TMP RUNS SECS PKTS OUT CPU DPDK_VERSION ROOT WARM LOAD_BEFORE LOAD_AFTER
/usr/bin/python3 - <<'EOF'
import json, os, platform, re, statistics, subprocess, time

tmp, runs, secs = os.environ["TMP"], int(os.environ["RUNS"]), int(os.environ["SECS"])
out = os.environ["OUT"]


def lscpu(key):
    for line in subprocess.run(["lscpu"], capture_output=True,
                               text=True).stdout.splitlines():
        if line.startswith(key + ":"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def git_rev():
    # --dirty: the build includes whatever the work tree held
    r = subprocess.run(["git", "-C", os.environ["ROOT"], "describe", "--always",
                        "--dirty"], capture_output=True, text=True)
    return r.stdout.strip() or "unknown"


rows = []
for i in range(1, runs + 1):
    with open(f"{tmp}/dpxe-{i}.json") as f:
        st = json.load(f)
    tot, tsc_hz = st["total"], st["tsc_hz"]
    replies = sum(tot["replies"].values())
    drops = sum(tot["drops"].values())
    if replies == 0 or tot["tx"] != replies or drops or tot["tx_full"]:
        raise SystemExit(f"pcap-rate: dpxe run {i}: replies {replies} tx "
                         f"{tot['tx']} drops {drops} tx_full {tot['tx_full']}")
    log = open(f"{tmp}/testpmd-{i}.log").read()
    pps = re.findall(r"Tx-pps:\s+(\d+)", log)
    cyc = re.search(r"CPU cycles/packet=([\d.]+)", log)
    if len(pps) < 2 or int(pps[-1]) == 0:
        raise SystemExit(f"pcap-rate: testpmd run {i}: no rate in its output")
    d_rate = replies / secs
    t_rate = int(pps[-1])
    rows.append({
        "run": i,
        "order": "dpxe,testpmd" if i % 2 else "testpmd,dpxe",
        "dpxe_replies_per_s": round(d_rate),
        "dpxe_rx": tot["rx"],
        "dpxe_replies": replies,
        "dpxe_cycles_per_packet": round(tot["busy_cycles"] / tot["busy_packets"], 1),
        "testpmd_tx_pps": t_rate,
        "testpmd_cycles_per_packet": float(cyc.group(1)) if cyc else None,
        "ratio": round(d_rate / t_rate, 4),
    })


def med(k):
    v = [r[k] for r in rows if r[k] is not None]
    return statistics.median(v) if v else None


summary = {
    "dpxe_replies_per_s": med("dpxe_replies_per_s"),
    "testpmd_tx_pps": med("testpmd_tx_pps"),
    "ratio_same_run": med("ratio"),
    "ratio_of_medians": round(med("dpxe_replies_per_s") / med("testpmd_tx_pps"), 4),
    "dpxe_cycles_per_packet": med("dpxe_cycles_per_packet"),
    "testpmd_cycles_per_packet": med("testpmd_cycles_per_packet"),
    "target_ratio": 0.5,
}
result = {
    "benchmark": "bench/pcap-rate.sh",
    "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    "git": git_rev(),
    "machine": {
        "cpu": lscpu("Model name"),
        "cpus": os.cpu_count(),
        "hypervisor": lscpu("Hypervisor vendor"),
        "kernel": platform.release(),
        "dpdk": os.environ["DPDK_VERSION"],
        "tsc_hz": tsc_hz,
        "loadavg_before": os.environ["LOAD_BEFORE"],
        "loadavg_after": os.environ["LOAD_AFTER"],
    },
    "setup": {
        "runs": runs, "seconds": secs, "clients": int(os.environ["PKTS"]),
        "vdev": "net_pcap0,rx_pcap=DISCOVERS.pcap,infinite_rx=1 (TX: PMD drop)",
        "forwarding_cpu": int(os.environ["CPU"]), "burst": 32,
        "testpmd_warmup_s": int(os.environ["WARM"]),
    },
    "median": summary,
    "runs": rows,
}
os.makedirs(out, exist_ok=True)
with open(f"{out}/pcap-rate.json", "w") as f:
    json.dump(result, f, indent=1)
    f.write("\n")

m = result["machine"]
md = [
    f"pcap-rate: {runs} x {secs} s, {result['setup']['clients']} clients, "
    f"{m['cpu']} ({m['cpus']} CPUs, {m['hypervisor']}), kernel {m['kernel']}, "
    f"DPDK {m['dpdk']}, dpxe {result['git']}, {result['date']}",
    "",
    "| run | order | dpxe replies/s | testpmd io pps | dpxe/testpmd | dpxe cycles/pkt | testpmd cycles/pkt |",
    "|---:|---|---:|---:|---:|---:|---:|",
]
for r in rows:
    md.append(f"| {r['run']} | {r['order']} | {r['dpxe_replies_per_s']:,} | "
              f"{r['testpmd_tx_pps']:,} | {r['ratio']:.3f} | "
              f"{r['dpxe_cycles_per_packet']:.0f} | "
              f"{r['testpmd_cycles_per_packet'] or float('nan'):.0f} |")
s = summary
md.append(f"| **median** | | **{s['dpxe_replies_per_s']:,.0f}** | "
          f"**{s['testpmd_tx_pps']:,.0f}** | **{s['ratio_same_run']:.3f}** | "
          f"**{s['dpxe_cycles_per_packet']:.0f}** | "
          f"**{s['testpmd_cycles_per_packet']:.0f}** |")
md.append("")
md.append(f"ratio of medians {s['ratio_of_medians']:.3f}; target >= 0.5 "
          f"(informational, not a pass/fail); load average before "
          f"{m['loadavg_before']}, after {m['loadavg_after']}")
text = "\n".join(md) + "\n"
with open(f"{out}/pcap-rate.md", "w") as f:
    f.write(text)
print(text, end="")
EOF
