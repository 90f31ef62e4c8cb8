#!/bin/bash
# 1 vs 2 workers: dpxe's reply rate with one queue and one worker against two
# queues and two workers (CPUs 0 and 1), in proxy mode and in full DHCP mode,
# without a load generator (the machine has two CPUs: a generator would take
# one of them). Input: net_pcap with infinite_rx=1, one rx_pcap file per
# queue (DISCOVERs of distinct clients from bench/make-discovers.py), TX to
# the pcap PMD's drop function, as bench/pcap-rate.sh. A benchmark, not a
# test: medians of alternated runs and same-run ratios, never pass/fail.
# See bench/README.md.
#
#   bench/workers.sh [--runs N] [--seconds S] [--packets P] [--out DIR]
#                    [--build DIR] [--modes "proxy dhcp"]
#
# Defaults: 5 runs of 5 s per mode and worker count (the 1- and 2-worker
# runs alternate, and so does which goes first), P = 1024 clients per queue
# (the 1-worker run replays both queues' files as one), results in
# bench/results/workers.{json,md}. Bounded: refuses settings that could take
# more than ~4 minutes; every process runs under timeout.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=5
SECS=5
PKTS=1024
OUT=$ROOT/bench/results
BUILD=$ROOT/build-bench
MODES="proxy dhcp"

while [ $# -gt 0 ]; do
	case "$1" in
	--runs) RUNS=$2; shift 2 ;;
	--seconds) SECS=$2; shift 2 ;;
	--packets) PKTS=$2; shift 2 ;;
	--out) OUT=$2; shift 2 ;;
	--build) BUILD=$(realpath -m "$2"); shift 2 ;;
	--modes) MODES=$2; shift 2 ;;
	-h|--help) sed -n 2,18p "$0"; exit 0 ;;
	*) echo "workers: unknown argument $1 (see --help)" >&2; exit 2 ;;
	esac
done
for v in "$RUNS" "$SECS" "$PKTS"; do
	[[ "$v" =~ ^[1-9][0-9]*$ ]] || { echo "workers: $v is not a positive integer" >&2; exit 2; }
done
for m in $MODES; do
	[[ "$m" = proxy || "$m" = dhcp ]] || { echo "workers: mode $m is not proxy or dhcp" >&2; exit 2; }
done
NMODES=$(wc -w <<<"$MODES")
# each dpxe run costs SECS plus ~3 s of EAL start-up, pcap load and exit
if [ $((NMODES * RUNS * 2 * (SECS + 3))) -gt 240 ]; then
	echo "workers: $NMODES mode(s) x $RUNS runs x 2 x $SECS s would exceed the 4-minute budget" >&2
	exit 2
fi
[[ $(id -u) -eq 0 ]] || { echo "workers: needs root (DPDK)" >&2; exit 1; }

# --- dependencies and build -------------------------------------------------
"$ROOT/tests/install-deps.sh"
/usr/bin/python3 -c 'import scapy' 2>/dev/null || "$ROOT/tests/install-deps.sh" --tests
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" "$ROOT" -Dbuildtype=release >/dev/null
timeout 300 ninja -C "$BUILD" app/dpxe >/dev/null
DPXE=$BUILD/app/dpxe
# the tree the binary was built from (the results name its commit)
SRC=$(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["directories"]["source"])' \
	"$BUILD/meson-info/meson-info.json" 2>/dev/null || echo "$ROOT")

TMP=$(mktemp -d /tmp/dpxe-workers.XXXXXX)
PREFIX=dpxew$$
cleanup() {
	rm -rf "$TMP"
	rm -rf /var/run/dpdk/"$PREFIX"-* 2>/dev/null || true
}
trap cleanup EXIT

# 2 x PKTS distinct clients: all.pcap for one queue, q0/q1 (halves) for two
/usr/bin/python3 "$ROOT/bench/make-discovers.py" "$TMP/all.pcap" $((2 * PKTS))
/usr/bin/python3 - "$TMP" "$PKTS" <<'EOF'
import sys
from scapy.all import rdpcap, wrpcap
tmp, n = sys.argv[1], int(sys.argv[2])
p = rdpcap(f"{tmp}/all.pcap")
wrpcap(f"{tmp}/q0.pcap", p[:n])
wrpcap(f"{tmp}/q1.pcap", p[n:])
EOF
EAL=(--no-huge -m 1024 --no-pci)

# run MODE WORKERS RUN: one dpxe run, stats in $TMP/MODE-Ww-RUN.json
run() {
	local mode=$1 nw=$2 i=$3 tag="$1-$2w-$3" vdev lcores wl spread
	if [ "$nw" = 1 ]; then
		vdev="net_pcap0,rx_pcap=$TMP/all.pcap,infinite_rx=1"
		lcores=1; wl=1; spread=software   # worker on the main lcore, CPU 1; 1 queue: no spreading
	else
		vdev="net_pcap0,rx_pcap=$TMP/q0.pcap,rx_pcap=$TMP/q1.pcap,infinite_rx=1"
		lcores=0,1; wl="0, 1"; spread=software
	fi
	sed -e "s/@QUEUES@/$nw/" -e "s/@WORKERS@/$wl/" -e "s/@SPREADING@/$spread/" \
		"$ROOT/bench/workers-$mode.yaml" >"$TMP/$tag.yaml"
	# taskset: dpxe's control thread shares the workers' CPUs in both
	# cases (EAL would give the 1-worker run a CPU of its own for it)
	timeout $((SECS + 30)) taskset -c "$lcores" "$DPXE" "${EAL[@]}" -l $lcores \
		--file-prefix "$PREFIX-$tag" --vdev="$vdev" -- \
		-c "$TMP/$tag.yaml" --duration $((SECS * 1000)) \
		--stats-json "$TMP/$tag.json" >"$TMP/$tag.log" 2>&1 ||
		{ echo "workers: $tag failed:" >&2; cat "$TMP/$tag.log" >&2; exit 1; }
}

echo "workers: modes $MODES, $RUNS runs x $SECS s of 1 and 2 workers, $PKTS clients per queue"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)   # other work on the 2 CPUs = noise
for i in $(seq 1 "$RUNS"); do
	for mode in $MODES; do
		# alternate which goes first so slow drift favours neither
		if [ $((i % 2)) -eq 1 ]; then
			run "$mode" 1 "$i"; run "$mode" 2 "$i"
		else
			run "$mode" 2 "$i"; run "$mode" 1 "$i"
		fi
	done
	echo "workers: run $i/$RUNS done"
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

mkdir -p "$OUT"
export TMP RUNS SECS PKTS OUT MODES LOAD_BEFORE LOAD_AFTER ROOT SRC
exec /usr/bin/python3 - <<'EOF'
import json, os, statistics, subprocess, time

tmp, runs, secs = os.environ["TMP"], int(os.environ["RUNS"]), int(os.environ["SECS"])
out, modes = os.environ["OUT"], os.environ["MODES"].split()


def one(mode, nw, i):
    with open(f"{tmp}/{mode}-{nw}w-{i}.json") as f:
        st = json.load(f)
    t = st["total"]
    replies = sum(t["replies"].values())
    drops = sum(t["drops"].values())
    if replies == 0 or t["tx"] != replies:
        raise SystemExit(f"workers: {mode} {nw}w run {i}: replies {replies} tx {t['tx']}")
    per = []
    for w in st["workers"]:
        r = sum(w["replies"].values())
        per.append({"lcore": w["lcore"], "replies_per_s": round(r / secs),
                    "cycles_per_request": round(w["busy_cycles"] / w["busy_packets"], 1)
                    if w["busy_packets"] else None,
                    "spread_out": w["spread_out"], "spread_in": w["rx_spread_in"]})
    return {"replies_per_s": round(replies / secs), "drops": drops,
            "tx_full": t["tx_full"], "spread_ring_full": t["spread_ring_full"],
            "workers": per}


rows, summary = [], {}
for mode in modes:
    for i in range(1, runs + 1):
        a, b = one(mode, 1, i), one(mode, 2, i)
        rows.append({"mode": mode, "run": i, "order": "1,2" if i % 2 else "2,1",
                     "one": a, "two": b,
                     "ratio": round(b["replies_per_s"] / a["replies_per_s"], 4)})
    mr = [r for r in rows if r["mode"] == mode]
    med = statistics.median
    summary[mode] = {
        "one_replies_per_s": med(r["one"]["replies_per_s"] for r in mr),
        "two_replies_per_s": med(r["two"]["replies_per_s"] for r in mr),
        "one_cycles": med(r["one"]["workers"][0]["cycles_per_request"] for r in mr),
        "two_cycles_w0": med(r["two"]["workers"][0]["cycles_per_request"] for r in mr),
        "two_cycles_w1": med(r["two"]["workers"][1]["cycles_per_request"] for r in mr),
        "two_per_worker_replies": [med(r["two"]["workers"][k]["replies_per_s"] for r in mr)
                                   for k in (0, 1)],
        "ratio_same_run": med(r["ratio"] for r in mr),
    }
git = subprocess.run(["git", "-C", os.environ["SRC"], "describe", "--always", "--dirty"],
                     capture_output=True, text=True).stdout.strip()
result = {"benchmark": "bench/workers.sh", "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
          "git": git, "seconds": secs, "clients_per_queue": int(os.environ["PKTS"]),
          "loadavg_before": os.environ["LOAD_BEFORE"], "loadavg_after": os.environ["LOAD_AFTER"],
          "runs": rows, "median": summary}
os.makedirs(out, exist_ok=True)
with open(f"{out}/workers.json", "w") as f:
    json.dump(result, f, indent=1)
    f.write("\n")
md = ["| mode | run | order | 1 worker replies/s | cycles/req | 2 workers replies/s "
      "| worker 0 replies/s, cycles/req | worker 1 replies/s, cycles/req | 2/1 |",
      "|---|---:|---|---:|---:|---:|---|---|---:|"]
for r in rows:
    w = r["two"]["workers"]
    md.append(f"| {r['mode']} | {r['run']} | {r['order']} | {r['one']['replies_per_s']:,} | "
              f"{r['one']['workers'][0]['cycles_per_request']:.0f} | "
              f"{r['two']['replies_per_s']:,} | {w[0]['replies_per_s']:,}, "
              f"{w[0]['cycles_per_request']:.0f} | {w[1]['replies_per_s']:,}, "
              f"{w[1]['cycles_per_request']:.0f} | {r['ratio']:.3f} |")
for mode, s in summary.items():
    md.append(f"| **{mode} median** | | | **{s['one_replies_per_s']:,.0f}** | "
              f"**{s['one_cycles']:.0f}** | **{s['two_replies_per_s']:,.0f}** | "
              f"{s['two_per_worker_replies'][0]:,.0f}, {s['two_cycles_w0']:.0f} | "
              f"{s['two_per_worker_replies'][1]:,.0f}, {s['two_cycles_w1']:.0f} | "
              f"**{s['ratio_same_run']:.3f}** |")
md.append("")
md.append(f"{runs} runs x {secs} s, {result['clients_per_queue']} clients per queue; "
          f"load average before {result['loadavg_before']}, after {result['loadavg_after']}; "
          f"dpxe {git}")
text = "\n".join(md) + "\n"
with open(f"{out}/workers.md", "w") as f:
    f.write(text)
print(text, end="")
EOF
