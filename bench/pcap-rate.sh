#!/bin/bash
# One-worker throughput benchmark: PXE replies per second from ONE dpxe worker
# fed by net_pcap in infinite_rx mode, next to dpdk-testpmd io-forwarding the
# same pcap through the same vdev (the cost floor of moving a packet through
# this PMD), measured alternately in the same run. A benchmark, not a test:
# it reports medians and same-run ratios and never passes or fails on speed.
# See bench/README.md.
#
#   bench/pcap-rate.sh [--runs N] [--seconds S] [--packets P] [--out DIR]
#                      [--provider] [--build DIR]
#
# Defaults: 5 runs of 10 s per program, 1024 distinct clients, results in
# bench/results/ (pcap-rate.json and pcap-rate.md). Bounded: refuses settings
# that could take more than ~5 minutes; every process runs under timeout.
# --provider: instead of testpmd, the other programs are dpxe answering the
# same pcap through the bootfile WDS provider (same rules), once on dpxe's
# provider extensions and once on the WDS calls alone (wds_calls_only), so
# the same-run ratios are the provider path's cost over the built-in path
# (pcap-rate-provider.{json,md}). --build: the build directory to use
# (default build-bench/, configured as a release build if absent).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=5
SECS=10
PKTS=1024
OUT=$ROOT/bench/results
CPU=1   # the forwarding CPU of both programs
PROVIDER=0
BUILD=$ROOT/build-bench

while [ $# -gt 0 ]; do
	case "$1" in
	--runs) RUNS=$2; shift 2 ;;
	--seconds) SECS=$2; shift 2 ;;
	--packets) PKTS=$2; shift 2 ;;
	--out) OUT=$2; shift 2 ;;
	--provider) PROVIDER=1; shift ;;
	--build) BUILD=$(realpath -m "$2"); shift 2 ;;
	-h|--help) sed -n 2,20p "$0"; exit 0 ;;
	*) echo "pcap-rate: unknown argument $1 (see --help)" >&2; exit 2 ;;
	esac
done
for v in "$RUNS" "$SECS" "$PKTS"; do
	[[ "$v" =~ ^[1-9][0-9]*$ ]] || { echo "pcap-rate: $v is not a positive integer" >&2; exit 2; }
done
# each run costs SECS plus ~3 s of EAL start-up/tear-down (testpmd also
# waits WARM s before its measuring window; with --provider each dpxe run
# has a 1 s twin, ~4 s more)
WARM=2
NPROG=2
[ $PROVIDER = 1 ] && NPROG=3
if [ $((RUNS * NPROG * (SECS + 7))) -gt 300 ]; then
	echo "pcap-rate: $RUNS runs x $NPROG x $SECS s would exceed the 5-minute budget" >&2
	exit 2
fi

# --- dependencies and build (install-deps.sh is the only installer) --------
"$ROOT/tests/install-deps.sh"
if ! /usr/bin/python3 -c 'import scapy' 2>/dev/null; then
	"$ROOT/tests/install-deps.sh" --tests   # python3-scapy lives there
fi
[ $PROVIDER = 1 ] || command -v dpdk-testpmd >/dev/null ||
	{ echo "pcap-rate: dpdk-testpmd not found (package dpdk)" >&2; exit 1; }
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" "$ROOT" -Dbuildtype=release >/dev/null
timeout 300 ninja -C "$BUILD" app/dpxe providers/bootfile/libbootfile.so >/dev/null
DPXE=$BUILD/app/dpxe
CFG=$ROOT/bench/pcap-rate.yaml

TMP=$(mktemp -d /tmp/dpxe-pcap-rate.XXXXXX)
PREFIX=pcaprate$$
cleanup() {
	rm -rf "$TMP"
	rm -rf /var/run/dpdk/"$PREFIX"-* 2>/dev/null || true
}
trap cleanup EXIT

# the provider configurations: the same file plus a chain of one provider,
# bootfile, reading its rules from that same file (dpxe.config); the second
# with wds_calls_only (none of dpxe's provider extensions)
PCFG=$TMP/pcap-rate-provider.yaml
PCFG_WDS=$TMP/pcap-rate-provider-wds.yaml
{
	cat "$CFG"
	printf 'providers:\n  - name: bootfile\n    module: %s\n    critical: true\n' \
		"$BUILD/providers/bootfile/libbootfile.so"
} >"$PCFG"
{
	cat "$PCFG"
	printf '    settings:\n      wds_calls_only: true\n'
} >"$PCFG_WDS"

PCAP=$TMP/discovers.pcap
/usr/bin/python3 "$ROOT/bench/make-discovers.py" "$PCAP" "$PKTS"
# no tx_pcap/tx_iface: net_pcap then transmits with its drop function
# (frees the mbufs, counts them); nothing is written or sent anywhere
VDEV="net_pcap0,rx_pcap=$PCAP,infinite_rx=1"
EAL=(--no-huge -m 1024 --no-pci)

# dpxe: -l $CPU makes CPU $CPU the main lcore, and dpxe runs its only worker
# on it (housekeeping every 10 ms in the same loop)
# In --provider mode each run is timed twice: by dpxe's busy cycles (TSC
# over bursts with work: includes any time the CPU was taken away by other
# work on this shared machine) and by the process's CPU time (perf stat
# task-clock: only the time it really ran), the latter with EAL start-up
# cancelled by a 1 s run of the same program right after.
PERF=()
if [ $PROVIDER = 1 ] && command -v perf >/dev/null &&
	perf stat -x, -e task-clock -o /dev/null true 2>/dev/null; then
	PERF=(perf stat -x, -e task-clock -o)
fi
run_dpxe() { # run-number [config [tag [seconds [short]]]]
	local i=$1 cfg=${2:-$CFG} tag=${3:-dpxe} secs=${4:-$SECS}
	local pre=()
	[ ${#PERF[@]} -gt 0 ] && pre=("${PERF[@]}" "$TMP/$tag-$i.perf" --)
	timeout $((secs + 30)) "${pre[@]}" "$DPXE" "${EAL[@]}" -l $CPU \
		--file-prefix "$PREFIX-$tag$i" --vdev="$VDEV" -- \
		-c "$cfg" --duration $((secs * 1000)) \
		--stats-json "$TMP/$tag-$i.json" >"$TMP/$tag-$i.log" 2>&1 ||
		{ echo "pcap-rate: $tag run $i failed:" >&2; cat "$TMP/$tag-$i.log" >&2; exit 1; }
	if [ ${#PERF[@]} -gt 0 ] && [ "${5:-}" != short ]; then
		run_dpxe "$i-short" "$cfg" "$tag" 1 short
	fi
}
run_provider() { run_dpxe "$1" "$PCFG" prov; }
run_provider_wds() { run_dpxe "$1" "$PCFG_WDS" provwds; }

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

OTHER=testpmd
[ $PROVIDER = 1 ] && OTHER=provider
WHAT=$OTHER
[ $PROVIDER = 1 ] && WHAT="bootfile (dpxe callback) and bootfile (WDS calls only)"
echo "pcap-rate: $RUNS runs x $SECS s each of dpxe and $WHAT, $PKTS clients, CPU $CPU"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)   # other work on the 2 cores = noise
for i in $(seq 1 "$RUNS"); do
	# alternate which goes first so slow drift does not favour one side
	if [ $PROVIDER = 1 ] && [ $((i % 2)) -eq 1 ]; then
		run_dpxe "$i"; run_provider "$i"; run_provider_wds "$i"
	elif [ $PROVIDER = 1 ]; then
		run_provider_wds "$i"; run_provider "$i"; run_dpxe "$i"
	elif [ $((i % 2)) -eq 1 ]; then
		run_dpxe "$i"; run_$OTHER "$i"
	else
		run_$OTHER "$i"; run_dpxe "$i"
	fi
	echo "pcap-rate: run $i/$RUNS done"
done

LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
mkdir -p "$OUT"
DPDK_VERSION=$(dpkg-query -W -f='${Version}' dpdk 2>/dev/null || echo unknown)
export TMP RUNS SECS PKTS OUT CPU DPDK_VERSION ROOT WARM LOAD_BEFORE LOAD_AFTER
if [ $PROVIDER = 1 ]; then
	# built-in vs provider: both must answer every request, nothing else
	exec /usr/bin/python3 - <<'EOF'
import json, os, statistics, sys, time
sys.path.insert(0, os.path.join(os.environ["ROOT"], "bench"))
from results_file import write_json, write_md

tmp, runs, secs = os.environ["TMP"], int(os.environ["RUNS"]), int(os.environ["SECS"])
out = os.environ["OUT"]


def cpu_ms(tag, i):
    try:
        for line in open(f"{tmp}/{tag}-{i}.perf"):
            if "task-clock" in line:
                return float(line.split(",")[0])
    except (OSError, ValueError):
        pass
    return None


def cpu_cycles(tag, i, tsc_hz):
    """CPU-time cycles per reply, start-up cancelled by the 1 s run."""
    long_ms, short_ms = cpu_ms(tag, i), cpu_ms(tag, f"{i}-short")
    if long_ms is None or short_ms is None:
        return None
    n = [json.load(open(f"{tmp}/{tag}-{k}.json"))["total"]["tx"] for k in (i, f"{i}-short")]
    return (long_ms - short_ms) * 1e-3 * tsc_hz / (n[0] - n[1])


def load(tag, i):
    with open(f"{tmp}/{tag}-{i}.json") as f:
        st = json.load(f)
    tot = st["total"]
    by_type = sum(tot["replies"].values())
    # a provider's replies: provider_replies; by DHCP type too, when the
    # dataplane wires the runtime's by-type count (then both must agree)
    replies = tot["provider_replies"] if tag.startswith("prov") else by_type
    drops = sum(tot["drops"].values())
    if replies == 0 or tot["tx"] != replies or drops or tot["tx_full"]:
        raise SystemExit(f"pcap-rate: {tag} run {i}: replies {replies} tx "
                         f"{tot['tx']} drops {drops} tx_full {tot['tx_full']}")
    if tag.startswith("prov") and by_type not in (0, replies):
        raise SystemExit(f"pcap-rate: provider run {i}: replies by type "
                         f"{by_type} != provider_replies {replies}")
    return replies / secs, tot["busy_cycles"] / tot["busy_packets"], st["tsc_hz"]


rows = []
for i in range(1, runs + 1):
    b_rate, b_cyc, hz = load("dpxe", i)
    b_cpu = cpu_cycles("dpxe", i, hz)
    row = {"run": i, "order": "builtin,provider,wds" if i % 2 else "wds,provider,builtin",
           "builtin_replies_per_s": round(b_rate), "builtin_cycles": round(b_cyc, 1),
           "builtin_cpu_cycles": round(b_cpu, 1) if b_cpu else None}
    # provider: bootfile on dpxe's extensions; wds: bootfile on the WDS calls alone
    for tag, key in (("prov", "provider"), ("provwds", "wds")):
        p_rate, p_cyc, _ = load(tag, i)
        p_cpu = cpu_cycles(tag, i, hz)
        row.update({f"{key}_replies_per_s": round(p_rate), f"{key}_cycles": round(p_cyc, 1),
                    f"{key}_cycles_ratio": round(p_cyc / b_cyc, 4),
                    f"{key}_cpu_cycles": round(p_cpu, 1) if p_cpu else None,
                    f"{key}_cpu_cycles_ratio": round(p_cpu / b_cpu, 4) if b_cpu and p_cpu
                    else None})
    rows.append(row)


def med(k):
    v = [r[k] for r in rows if r[k] is not None]
    return statistics.median(v) if v else None


summary = {k: med(k) for k in rows[0] if k not in ("run", "order")}
summary["budget_ratio"] = 1.15
result = {"benchmark": "bench/pcap-rate.sh --provider", "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
          "loadavg_before": os.environ["LOAD_BEFORE"], "loadavg_after": os.environ["LOAD_AFTER"],
          "runs": rows, "median": summary}
os.makedirs(out, exist_ok=True)
write_json(f"{out}/pcap-rate-provider.json", result)
fmt = lambda v, f: "n/a" if v is None else format(v, f)
md = ["| run | order | built-in replies/s | provider replies/s | WDS-only replies/s | "
      "built-in cycles/pkt | provider cycles/pkt | WDS-only cycles/pkt | "
      "provider/built-in | WDS-only/built-in | provider/built-in (CPU) | "
      "WDS-only/built-in (CPU) |",
      "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
for r in rows + [dict(summary, run="**median**", order="")]:
    md.append(f"| {r['run']} | {r['order']} | {fmt(r['builtin_replies_per_s'], ',.0f')} | "
              f"{fmt(r['provider_replies_per_s'], ',.0f')} | "
              f"{fmt(r['wds_replies_per_s'], ',.0f')} | {fmt(r['builtin_cycles'], '.0f')} | "
              f"{fmt(r['provider_cycles'], '.0f')} | {fmt(r['wds_cycles'], '.0f')} | "
              f"{fmt(r['provider_cycles_ratio'], '.3f')} | {fmt(r['wds_cycles_ratio'], '.3f')} | "
              f"{fmt(r['provider_cpu_cycles_ratio'], '.3f')} | "
              f"{fmt(r['wds_cpu_cycles_ratio'], '.3f')} |")
md.append("")
md.append(f"provider: bootfile on dpxe's provider extensions; WDS-only: bootfile with "
          f"wds_calls_only (what a provider ported from WDS pays)")
md.append(f"budget: provider/built-in <= 1.15 (informational); load average before "
          f"{result['loadavg_before']}, after {result['loadavg_after']}")
write_md(f"{out}/pcap-rate-provider.md", md)
EOF
fi
/usr/bin/python3 - <<'EOF'
import json, os, platform, re, statistics, subprocess, sys, time
sys.path.insert(0, os.path.join(os.environ["ROOT"], "bench"))
from results_file import write_json, write_md

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
write_json(f"{out}/pcap-rate.json", result)

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
write_md(f"{out}/pcap-rate.md", md)
EOF
