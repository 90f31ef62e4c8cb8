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
#                    [--build DIR] [--modes "proxy dhcp dora"]
#
# Modes: proxy (DISCOVER -> PXE OFFER), dhcp (full DHCP mode, DISCOVER ->
# OFFER only) and dora (full DHCP mode with the lease journal: each client
# sends a DISCOVER asking for an address of its owner's slice and then the
# SELECTING REQUEST for it, so every replay round is DISCOVER -> OFFER,
# REQUEST -> ACK, a bind journaled by the control thread; the file is built
# for the run's worker count, and a short run with tx_pcap first checks
# that every OFFER and ACK carries the address asked for).
#
# Defaults: 5 runs of 5 s per mode and worker count (the 1- and 2-worker
# runs alternate, and so does which goes first), P = 1024 clients per queue
# (the 1-worker run replays both queues' clients as one file), results in
# bench/results/workers.{json,md}. Bounded: refuses settings that could take
# more than ~5 minutes; every process runs under timeout.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=5
SECS=5
PKTS=1024
OUT=$ROOT/bench/results
BUILD=$ROOT/build-bench
MODES="proxy dhcp dora"

while [ $# -gt 0 ]; do
	case "$1" in
	--runs) RUNS=$2; shift 2 ;;
	--seconds) SECS=$2; shift 2 ;;
	--packets) PKTS=$2; shift 2 ;;
	--out) OUT=$2; shift 2 ;;
	--build) BUILD=$(realpath -m "$2"); shift 2 ;;
	--modes) MODES=$2; shift 2 ;;
	-h|--help) sed -n 2,25p "$0"; exit 0 ;;
	*) echo "workers: unknown argument $1 (see --help)" >&2; exit 2 ;;
	esac
done
for v in "$RUNS" "$SECS" "$PKTS"; do
	[[ "$v" =~ ^[1-9][0-9]*$ ]] || { echo "workers: $v is not a positive integer" >&2; exit 2; }
done
for m in $MODES; do
	[[ "$m" = proxy || "$m" = dhcp || "$m" = dora ]] ||
		{ echo "workers: mode $m is not proxy, dhcp or dora" >&2; exit 2; }
done
NMODES=$(wc -w <<<"$MODES")
DORA=0; [[ " $MODES " = *" dora "* ]] && DORA=1
# each dpxe run costs SECS plus ~3 s of EAL start-up, pcap load and exit;
# the dora check two runs of ~4 s
if [ $((NMODES * RUNS * 2 * (SECS + 3) + DORA * 10)) -gt 300 ]; then
	echo "workers: $NMODES mode(s) x $RUNS runs x 2 x $SECS s would exceed the 5-minute budget" >&2
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
	[ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"   # KEEP_TMP=1: keep the logs, pcaps and stats
	rm -rf /var/run/dpdk/"$PREFIX"-* 2>/dev/null || true
}
trap cleanup EXIT

# split IN N OUT0 OUT1: the first N packets of IN, and the rest
split() {
	/usr/bin/python3 - "$@" <<'EOF'
import sys
from scapy.all import rdpcap, wrpcap
src, n, out0, out1 = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
p = rdpcap(src)
wrpcap(out0, p[:n])
wrpcap(out1, p[n:])
EOF
}

# 2 x PKTS distinct clients: all.pcap for one queue, q0/q1 (halves) for two
/usr/bin/python3 "$ROOT/bench/make-discovers.py" "$TMP/all.pcap" $((2 * PKTS))
split "$TMP/all.pcap" "$PKTS" "$TMP/q0.pcap" "$TMP/q1.pcap"
# dora: the same clients, DISCOVER + REQUEST each, with the addresses of the
# owners' slices for 1 worker (dora1-all) and for 2 (dora2-q0, dora2-q1)
if [ "$DORA" = 1 ]; then
	/usr/bin/python3 "$ROOT/bench/make-discovers.py" "$TMP/dora1-all.pcap" $((2 * PKTS)) --dora 1
	/usr/bin/python3 "$ROOT/bench/make-discovers.py" "$TMP/dora2.pcap" $((2 * PKTS)) --dora 2
	split "$TMP/dora2.pcap" $((2 * PKTS)) "$TMP/dora2-q0.pcap" "$TMP/dora2-q1.pcap"
fi
EAL=(--no-huge -m 1024 --no-pci)

# rx_vdev MODE WORKERS: the net_pcap devargs of the input, without TX
rx_vdev() {
	local in=q
	[ "$1" = dora ] && in=dora$2-q
	if [ "$2" = 1 ]; then
		[ "$1" = dora ] && echo "net_pcap0,rx_pcap=$TMP/dora1-all.pcap" ||
			echo "net_pcap0,rx_pcap=$TMP/all.pcap"
	else
		echo "net_pcap0,rx_pcap=$TMP/${in}0.pcap,rx_pcap=$TMP/${in}1.pcap"
	fi
}

# config MODE WORKERS TAG: the dpxe configuration for a run, in $TMP/TAG.yaml
# (dora: with a fresh lease journal in $TMP/TAG.d)
config() {
	local wl=1
	[ "$2" = 2 ] && wl="0, 1"
	mkdir -p "$TMP/$3.d"
	sed -e "s/@QUEUES@/$2/" -e "s/@WORKERS@/$wl/" -e "s/@SPREADING@/software/" \
		-e "s|@JOURNAL@|$TMP/$3.d/leases.journal|" \
		"$ROOT/bench/workers-$1.yaml" >"$TMP/$3.yaml"
}

# run MODE WORKERS RUN: one dpxe run, stats in $TMP/MODE-Ww-RUN.json
run() {
	local mode=$1 nw=$2 i=$3 tag="$1-$2w-$3" vdev lcores
	# 1 worker: on the main lcore, CPU 1 (1 queue: nothing to spread)
	lcores=1
	[ "$nw" = 2 ] && lcores=0,1
	vdev="$(rx_vdev "$mode" "$nw"),infinite_rx=1"
	config "$mode" "$nw" "$tag"
	# taskset: dpxe's control thread shares the workers' CPUs in both
	# cases (EAL would give the 1-worker run a CPU of its own for it)
	timeout $((SECS + 30)) taskset -c "$lcores" "$DPXE" "${EAL[@]}" -l $lcores \
		--file-prefix "$PREFIX-$tag" --vdev="$vdev" -- \
		-c "$TMP/$tag.yaml" --duration $((SECS * 1000)) \
		--stats-json "$TMP/$tag.json" >"$TMP/$tag.log" 2>&1 ||
		{ echo "workers: $tag failed:" >&2; cat "$TMP/$tag.log" >&2; exit 1; }
	# the journal stays small (compaction), but only the figures matter
	stat -c %s "$TMP/$tag.d/leases.journal" >"$TMP/$tag.journal-bytes" 2>/dev/null || true
	rm -rf "$TMP/$tag.d"
}

# dora_check WORKERS: one pass over the dora input (no infinite_rx), replies
# captured; every OFFER and ACK must carry the address its client asked for
# (make-discovers.py's port of the client hash and of the slices agrees with
# dpxe), and no NAK. A REQUEST whose DISCOVER was lost to a full spread ring
# may still be ACKed: only the addresses and NAK are strict.
dora_check() {
	local nw=$1 tag="check-$1w" lcores=1 tx
	[ "$nw" = 2 ] && lcores=0,1
	tx=",tx_pcap=$TMP/$tag-tx0.pcap"
	[ "$nw" = 2 ] && tx="$tx,tx_pcap=$TMP/$tag-tx1.pcap"
	config dora "$nw" "$tag"
	timeout 60 taskset -c "$lcores" "$DPXE" "${EAL[@]}" -l $lcores \
		--file-prefix "$PREFIX-$tag" --vdev="$(rx_vdev dora "$nw")$tx" -- \
		-c "$TMP/$tag.yaml" --duration 3000 \
		--stats-json "$TMP/$tag.json" >"$TMP/$tag.log" 2>&1 ||
		{ echo "workers: $tag failed:" >&2; cat "$TMP/$tag.log" >&2; exit 1; }
	/usr/bin/python3 - "$TMP" "$nw" <<'EOF'
import json, sys
from scapy.all import BOOTP, DHCP, rdpcap
tmp, nw = sys.argv[1], int(sys.argv[2])
asked = {}
for p in rdpcap(f"{tmp}/dora{nw}.pcap" if nw == 2 else f"{tmp}/dora1-all.pcap"):
    o = dict(x for x in p[DHCP].options if isinstance(x, tuple))
    asked[bytes(p[BOOTP].chaddr[:6])] = o["requested_addr"]
seen, bad = {2: 0, 5: 0, 6: 0}, 0
for q in range(nw):
    for p in rdpcap(f"{tmp}/check-{nw}w-tx{q}.pcap"):
        if DHCP not in p:
            continue
        t = dict(x for x in p[DHCP].options if isinstance(x, tuple))["message-type"]
        seen[t] = seen.get(t, 0) + 1
        if t in (2, 5) and p[BOOTP].yiaddr != asked.get(bytes(p[BOOTP].chaddr[:6])):
            bad += 1
st = json.load(open(f"{tmp}/check-{nw}w.json"))["total"]
msg = (f"workers: dora check, {nw} worker(s): {len(asked)} clients, OFFER {seen[2]} "
       f"ACK {seen[5]} NAK {seen[6]}, {bad} with another address than asked; "
       f"spread_ring_full {st['spread_ring_full']}")
print(msg)
if bad or seen[6] or seen[5] < 0.9 * len(asked):
    raise SystemExit(msg + ": the client hash or the slices disagree with dpxe")
EOF
	rm -rf "$TMP/$tag.d"
}

echo "workers: modes $MODES, $RUNS runs x $SECS s of 1 and 2 workers, $PKTS clients per queue"
if [ "$DORA" = 1 ]; then
	dora_check 1
	dora_check 2
fi
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
import json, os, statistics, subprocess, sys, time
sys.path.insert(0, os.path.join(os.environ["ROOT"], "bench"))
from results_file import write_json, write_md

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
    r = {"replies_per_s": round(replies / secs), "drops": drops,
         "tx_full": t["tx_full"], "spread_ring_full": t["spread_ring_full"],
         "mbuf_alloc_fail": t["mbuf_alloc_fail"], "workers": per}
    if mode == "dora":
        rp = t["replies"]
        # DORA/s = ACKs/s; the overload counters are dpxe's own: a frame
        # a full spread ring refused gets no reply, a bind a full journal
        # ring refused is ACKed but not journaled
        r.update({"dora_per_s": round(rp["ACK"] / secs), "offer": rp["OFFER"],
                  "ack": rp["ACK"], "nak": rp["NAK"],
                  "lease_binds": t["lease_binds"],
                  "journal_ring_full": t["journal_ring_full"],
                  "journal_records_written": t["journal_records_written"],
                  "journal_compactions": t["journal_compactions"],
                  "journal_bytes_at_exit": jbytes(mode, nw, i)})
        if rp["NAK"] or drops:
            raise SystemExit(f"workers: dora {nw}w run {i}: NAK {rp['NAK']}, drops "
                             f"{ {k: v for k, v in t['drops'].items() if v} }")
        if abs(rp["ACK"] - rp["OFFER"]) > 0.01 * rp["OFFER"]:
            print(f"workers: dora {nw}w run {i}: ACK {rp['ACK']} vs OFFER {rp['OFFER']} "
                  f"(spread_ring_full {t['spread_ring_full']})")
    return r


def jbytes(mode, nw, i):
    try:
        with open(f"{tmp}/{mode}-{nw}w-{i}.journal-bytes") as f:
            return int(f.read())
    except (OSError, ValueError):
        return None


rows, summary = [], {}
for mode in modes:
    for i in range(1, runs + 1):
        a, b = one(mode, 1, i), one(mode, 2, i)
        key = "dora_per_s" if mode == "dora" else "replies_per_s"
        rows.append({"mode": mode, "run": i, "order": "1,2" if i % 2 else "2,1",
                     "one": a, "two": b,
                     "ratio": round(b[key] / a[key], 4)})
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
    if mode == "dora":
        for side in ("one", "two"):
            summary[mode][f"{side}_dora_per_s"] = med(r[side]["dora_per_s"] for r in mr)
            for k in ("spread_ring_full", "journal_ring_full", "mbuf_alloc_fail"):
                summary[mode][f"{side}_{k}_per_s"] = med(round(r[side][k] / secs)
                                                        for r in mr)
git = subprocess.run(["git", "-C", os.environ["SRC"], "describe", "--always", "--dirty"],
                     capture_output=True, text=True).stdout.strip()
result = {"benchmark": "bench/workers.sh", "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
          "git": git, "seconds": secs, "clients_per_queue": int(os.environ["PKTS"]),
          "loadavg_before": os.environ["LOAD_BEFORE"], "loadavg_after": os.environ["LOAD_AFTER"],
          "runs": rows, "median": summary}
os.makedirs(out, exist_ok=True)
write_json(f"{out}/workers.json", result)
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
dora = [r for r in rows if r["mode"] == "dora"]
if dora:
    md += ["", "dora (DISCOVER -> OFFER, REQUEST -> ACK; journal on): DORA/s = ACKs/s; "
           "the overload counters per run (spread_ring_full: frames refused by a full "
           "spread ring, no reply; journal_ring_full: binds ACKed but not journaled)", "",
           "| run | workers | DORA/s | OFFER | ACK | NAK | spread_ring_full | "
           "journal_ring_full | journal records written | mbuf_alloc_fail | 2/1 |",
           "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in dora:
        for nw, x in ((1, r["one"]), (2, r["two"])):
            md.append(f"| {r['run']} | {nw} | {x['dora_per_s']:,} | {x['offer']:,} | "
                      f"{x['ack']:,} | {x['nak']} | {x['spread_ring_full']:,} | "
                      f"{x['journal_ring_full']:,} | {x['journal_records_written']:,} | "
                      f"{x['mbuf_alloc_fail']:,} | {r['ratio']:.3f} |" if nw == 2 else
                      f"| {r['run']} | {nw} | {x['dora_per_s']:,} | {x['offer']:,} | "
                      f"{x['ack']:,} | {x['nak']} | {x['spread_ring_full']:,} | "
                      f"{x['journal_ring_full']:,} | {x['journal_records_written']:,} | "
                      f"{x['mbuf_alloc_fail']:,} | |")
    s = summary["dora"]
    md.append(f"| **median** | 1 | **{s['one_dora_per_s']:,.0f}** | | | | | | | | |")
    md.append(f"| **median** | 2 | **{s['two_dora_per_s']:,.0f}** | | | | | | | | "
              f"**{s['ratio_same_run']:.3f}** |")
md.append("")
md.append(f"{runs} runs x {secs} s, {result['clients_per_queue']} clients per queue; "
          f"load average before {result['loadavg_before']}, after {result['loadavg_after']}; "
          f"dpxe {git}")
write_md(f"{out}/workers.md", md)
EOF
