#!/bin/bash
# Instructions per reply of dpxe's built-in path and of its provider path,
# counted by valgrind (callgrind) over one worker's loop: a figure that does
# not move with the load of a shared machine, next to pcap-rate.sh
# --provider's cycles, which do. A benchmark, not a test: it never passes or
# fails on the numbers. See bench/README.md.
#
#   bench/provider-cost.sh [--seconds S] [--packets P] [--out DIR] [--build DIR]
#
# Three runs of dpxe on the same pcap of DISCOVERs (net_pcap, infinite_rx):
# the built-in path; the bootfile provider on dpxe's extensions (its
# default); bootfile with wds_calls_only (the WDS calls alone). Each is
# counted from the worker loop's entry (EAL and port set-up excluded) for S
# seconds of dpxe time (default 3; valgrind runs it ~50x slower, so each
# run takes ~S x 3 s and answers ~100-200 k requests). Results in
# bench/results/provider-cost.{json,md}. Every process runs under timeout.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SECS=3
PKTS=1024
OUT=$ROOT/bench/results
BUILD=$ROOT/build-bench

while [ $# -gt 0 ]; do
	case "$1" in
	--seconds) SECS=$2; shift 2 ;;
	--packets) PKTS=$2; shift 2 ;;
	--out) OUT=$2; shift 2 ;;
	--build) BUILD=$(realpath -m "$2"); shift 2 ;;
	-h|--help) sed -n 2,17p "$0"; exit 0 ;;
	*) echo "provider-cost: unknown argument $1 (see --help)" >&2; exit 2 ;;
	esac
done
for v in "$SECS" "$PKTS"; do
	[[ "$v" =~ ^[1-9][0-9]*$ ]] || { echo "provider-cost: $v is not a positive integer" >&2; exit 2; }
done
[ "$SECS" -le 20 ] || { echo "provider-cost: at most 20 s per run" >&2; exit 2; }

"$ROOT/tests/install-deps.sh" --bench
if ! /usr/bin/python3 -c 'import scapy' 2>/dev/null; then
	"$ROOT/tests/install-deps.sh" --tests   # python3-scapy lives there
fi
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" "$ROOT" -Dbuildtype=release >/dev/null
timeout 300 ninja -C "$BUILD" app/dpxe providers/bootfile/libbootfile.so >/dev/null

TMP=$(mktemp -d /tmp/dpxe-provider-cost.XXXXXX)
PREFIX=provcost$$
cleanup() {
	rm -rf "$TMP"
	rm -rf /var/run/dpdk/"$PREFIX"-* 2>/dev/null || true
}
trap cleanup EXIT

# the configurations of pcap-rate.sh --provider
CFG=$ROOT/bench/pcap-rate.yaml
{
	cat "$CFG"
	printf 'providers:\n  - name: bootfile\n    module: %s\n    critical: true\n' \
		"$BUILD/providers/bootfile/libbootfile.so"
} >"$TMP/provider.yaml"
{
	cat "$TMP/provider.yaml"
	printf '    settings:\n      wds_calls_only: true\n'
} >"$TMP/wds.yaml"
/usr/bin/python3 "$ROOT/bench/make-discovers.py" "$TMP/discovers.pcap" "$PKTS"

count() { # tag config
	local tag=$1 cfg=$2
	timeout $((SECS * 60 + 120)) valgrind --tool=callgrind --collect-atstart=no \
		--toggle-collect=dpxe_worker_main --callgrind-out-file="$TMP/$tag.out" \
		"$BUILD/app/dpxe" --no-huge -m 512 --no-pci -l 0 \
		--file-prefix "$PREFIX-$tag" \
		--vdev="net_pcap0,rx_pcap=$TMP/discovers.pcap,infinite_rx=1" -- \
		-c "$cfg" --duration $((SECS * 1000)) --stats-json "$TMP/$tag.json" \
		>"$TMP/$tag.log" 2>&1 ||
		{ echo "provider-cost: $tag run failed:" >&2; tail -20 "$TMP/$tag.log" >&2; exit 1; }
	echo "provider-cost: $tag done"
}
echo "provider-cost: 3 runs of $SECS s of dpxe time under callgrind, $PKTS clients"
count builtin "$CFG"
count provider "$TMP/provider.yaml"
count wds "$TMP/wds.yaml"

mkdir -p "$OUT"
DPXE_COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
VALGRIND=$(valgrind --version)
export TMP OUT SECS PKTS DPXE_COMMIT VALGRIND ROOT
exec /usr/bin/python3 - <<'EOF'
import json, os, sys, time
sys.path.insert(0, os.path.join(os.environ["ROOT"], "bench"))
from results_file import write_json, write_md

tmp, out = os.environ["TMP"], os.environ["OUT"]


def run(tag):
    with open(f"{tmp}/{tag}.json") as f:
        tot = json.load(f)["total"]
    replies = tot["provider_replies"] if tag != "builtin" else sum(tot["replies"].values())
    drops = sum(tot["drops"].values())
    if replies == 0 or tot["tx"] != replies or drops:
        raise SystemExit(f"provider-cost: {tag}: replies {replies} tx {tot['tx']} drops {drops}")
    instr = None
    with open(f"{tmp}/{tag}.out") as f:
        for line in f:
            if line.startswith("totals:") or line.startswith("summary:"):
                instr = int(line.split()[1])
    if instr is None:
        raise SystemExit(f"provider-cost: {tag}: no totals in the callgrind output")
    return {"replies": replies, "instructions": instr, "per_reply": round(instr / replies, 1)}


rows = {tag: run(tag) for tag in ("builtin", "provider", "wds")}
base = rows["builtin"]["per_reply"]
for r in rows.values():
    r["ratio"] = round(r["per_reply"] / base, 4)
result = {"benchmark": "bench/provider-cost.sh", "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
          "dpxe": os.environ["DPXE_COMMIT"], "valgrind": os.environ["VALGRIND"],
          "seconds": int(os.environ["SECS"]), "clients": int(os.environ["PKTS"]),
          "runs": rows, "budget_ratio": 1.15}
write_json(f"{out}/provider-cost.json", result)
names = {"builtin": "built-in path", "provider": "bootfile, dpxe's request callback (default)",
         "wds": "bootfile, wds_calls_only (WDS calls alone)"}
md = ["| path | replies counted | instructions / reply | / built-in |", "|---|---:|---:|---:|"]
for tag, r in rows.items():
    md.append(f"| {names[tag]} | {r['replies']:,} | {r['per_reply']:,.1f} | {r['ratio']:.3f} |")
md.append("")
md.append(f"callgrind ({result['valgrind']}) over dpxe_worker_main, dpxe {result['dpxe']}, "
          f"{result['clients']} clients; budget: provider/built-in <= 1.15 (informational)")
write_md(f"{out}/provider-cost.md", md)
EOF
