#!/usr/bin/python3
"""bench/report.py: turn bench/run.sh's raw files ($TMP) into
$OUT/$DATE.json, $OUT/$DATE.md and $OUT/$DATE.png. Called by run.sh."""
import glob, json, os, platform, re, statistics, subprocess, time

TMP, OUT, DATE = os.environ["TMP"], os.environ["OUT"], os.environ["DATE"]
ROOT = os.environ["ROOT"]


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def med(v):
    v = [x for x in v if x is not None]
    return statistics.median(v) if v else None


def best_step(sweep):
    ok = [s for s in sweep["steps"] if s["sent"] and s["loss_pct"] < 1.0]
    return max(ok, key=lambda s: s["reply_pps"]) if ok else None


def lscpu(key):
    out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    for line in out.splitlines():
        if line.startswith(key + ":"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def git_rev():
    r = subprocess.run(["git", "-C", ROOT, "describe", "--always", "--dirty"],
                       capture_output=True, text=True)
    return r.stdout.strip() or "unknown"


# ---------------------------------------------------------------- memif
memif = {}
for kind in ("dpxe", "io", "macswap"):
    rounds = []
    for sw in sorted(glob.glob(f"{TMP}/memif-{kind}-*-sweep.json")):
        rid = sw.split(f"memif-{kind}-")[1].split("-sweep")[0]
        j = load(sw)
        if j is None:
            continue
        b = best_step(j)
        flat = [s for s in j["steps"] if s["target_pps"] == 0]
        half = None
        if j.get("half_ms") and len(j["steps"]) > 1:
            half = {"total": j["steps"][-1]}
            j["steps"] = j["steps"][:-1]
        cyc = None
        if kind == "dpxe":
            st = load(f"{TMP}/memif-{kind}-{rid}-stats.json")
            if st and st["total"]["busy_packets"]:
                cyc = st["total"]["busy_cycles"] / st["total"]["busy_packets"]
        else:
            try:
                m = re.findall(r"CPU cycles/packet=([\d.]+)",
                               open(f"{TMP}/memif-{kind}-{rid}-server.log").read())
                cyc = float(m[-1]) if m else None
            except OSError:
                pass
        rounds.append({
            "round": int(rid),
            "max_pps_under_1pct": b["reply_pps"] if b else 0,
            "max_step_target": b["target_pps"] if b else None,
            "flat_out_offered_pps": flat[0]["offered_pps"] if flat else None,
            "flat_out_reply_pps": flat[0]["reply_pps"] if flat else None,
            "flat_out_loss_pct": flat[0]["loss_pct"] if flat else None,
            "half_load_pps": half["total"]["offered_pps"] if half else None,
            "half_p50_us": half["total"]["p50_us"] if half else None,
            "half_p99_us": half["total"]["p99_us"] if half else None,
            "half_p999_us": half["total"]["p999_us"] if half else None,
            "half_loss_pct": half["total"]["loss_pct"] if half else None,
            "cycles_per_packet": cyc,
            "sweep": [{k: s[k] for k in ("target_pps", "offered_pps", "reply_pps",
                                         "loss_pct", "p50_us", "p99_us", "p999_us")}
                      for s in j["steps"]],
        })
    if rounds:
        memif[kind] = {"rounds": rounds, "median": {
            k: med([r[k] for r in rounds]) for k in rounds[0]
            if k not in ("round", "sweep", "max_step_target")}}

ratios = []
if "dpxe" in memif and "io" in memif:
    io = {r["round"]: r for r in memif["io"]["rounds"]}
    for r in memif["dpxe"]["rounds"]:
        t = io.get(r["round"])
        if t and t["max_pps_under_1pct"]:
            ratios.append(r["max_pps_under_1pct"] / t["max_pps_under_1pct"])

# ---------------------------------------------------------------- veth
veth = {}
for kind in ("dpxe", "dnsmasq-proxy", "dnsmasq-full", "kea-full"):
    rounds = []
    for pf in sorted(glob.glob(f"{TMP}/veth-{kind}-*-perf.txt")):
        rid = pf.split(f"veth-{kind}-")[1].split("-perf")[0]
        steps = []
        for line in open(pf):
            f = line.split()
            if len(f) < 3:
                continue
            rate, sent, recv = int(f[0]), int(f[1]), int(f[2])
            steps.append({"target_pps": rate, "offered_pps": sent / 2,
                          "reply_pps": recv / 2,
                          "loss_pct": 100.0 * (sent - recv) / sent if sent else 100.0,
                          "perfdhcp_avg_delay_ms": float(f[3]) if len(f) > 3 else None})
        ok = [s for s in steps if s["loss_pct"] < 1.0]
        half = load(f"{TMP}/veth-{kind}-{rid}-half.json")
        rounds.append({
            "round": int(rid),
            "max_pps_under_1pct": max(s["reply_pps"] for s in ok) if ok else 0,
            "half_load_pps": half["total"]["offered_pps"] if half else None,
            "half_p50_us": half["total"]["p50_us"] if half else None,
            "half_p99_us": half["total"]["p99_us"] if half else None,
            "half_p999_us": half["total"]["p999_us"] if half else None,
            "half_loss_pct": half["total"]["loss_pct"] if half else None,
            "perfdhcp_steps": steps,
        })
    if rounds:
        veth[kind] = {"rounds": rounds, "median": {
            k: med([r[k] for r in rounds]) for k in rounds[0]
            if k not in ("round", "perfdhcp_steps")}}


def vmax(k):
    return veth.get(k, {}).get("median", {}).get("max_pps_under_1pct")


peer_best = max([x for x in (vmax("dnsmasq-proxy"), vmax("dnsmasq-full"),
                             vmax("kea-full")) if x] or [0])
summary = {
    "memif_dpxe_over_testpmd_io_same_round": med(ratios),
    "memif_dpxe_over_testpmd_io_per_round": ratios,
    "veth_dpxe_over_best_peer": (vmax("dpxe") / peer_best) if peer_best and vmax("dpxe") else None,
    "veth_best_peer_pps": peer_best,
    "targets": {
        "veth_dpxe_vs_best_peer": ">= 10x",
        "memif_one_worker_vs_testpmd_io": ">= 0.5",
        "memif_p99_at_half_load_us": "< 50",
    },
}
result = {
    "benchmark": "bench/run.sh",
    "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    "git": git_rev(),
    "machine": {"cpu": lscpu("Model name"), "cpus": os.cpu_count(),
                "hypervisor": lscpu("Hypervisor vendor"),
                "kernel": platform.release(),
                "loadavg_before": os.environ.get("LOAD_BEFORE"),
                "loadavg_after": os.environ.get("LOAD_AFTER")},
    "memif": memif, "veth": veth, "summary": summary,
    "full_mode_dpxe": "n/a until full DHCP mode lands",
}
os.makedirs(OUT, exist_ok=True)
with open(f"{OUT}/{DATE}.json", "w") as f:
    json.dump(result, f, indent=1)
    f.write("\n")


def fmt(v, d=0):
    if v is None:
        return "n/a"
    return f"{v:,.{d}f}"


m = result["machine"]
md = [f"# bench/run.sh {result['date']} (dpxe {result['git']})", "",
      f"{m['cpu']}, {m['cpus']} CPUs ({m['hypervisor']}), kernel {m['kernel']}; "
      f"load average before {m['loadavg_before']}, after {m['loadavg_after']}. "
      "Medians over rounds; ratios are per round (same run), then the median.", "",
      "## memif: DPDK load generator (CPU 0) <-> server (CPU 1), proxy DISCOVER -> OFFER", "",
      "| server | max replies/s (<1 % loss) | flat-out offered/s | flat-out replies/s | "
      "p50 / p99 / p99.9 us at 50 % | cycles/pkt | rounds |",
      "|---|---:|---:|---:|---|---:|---:|"]
names = {"dpxe": "dpxe, 1 worker", "io": "testpmd io (floor)",
         "macswap": "testpmd macswap (floor)"}
for k in ("dpxe", "io", "macswap"):
    if k not in memif:
        continue
    s = memif[k]["median"]
    md.append(f"| {names[k]} | {fmt(s['max_pps_under_1pct'])} | "
              f"{fmt(s['flat_out_offered_pps'])} | {fmt(s['flat_out_reply_pps'])} | "
              f"{fmt(s['half_p50_us'], 1)} / {fmt(s['half_p99_us'], 1)} / "
              f"{fmt(s['half_p999_us'], 1)} | {fmt(s['cycles_per_packet'])} | "
              f"{len(memif[k]['rounds'])} |")
md += ["", f"dpxe / testpmd io, same round: {', '.join(f'{r:.3f}' for r in ratios) or 'n/a'}"
       f" -> median **{fmt(summary['memif_dpxe_over_testpmd_io_same_round'], 3)}** (target >= 0.5)", "",
       "## veth between namespaces (kernel path), perfdhcp -i (DISCOVER/OFFER)", "",
       "| server | mode | max replies/s (<1 % loss) | p50 / p99 / p99.9 us at 50 % (loadgen, af_packet) |",
       "|---|---|---:|---|"]
vn = {"dpxe": ("dpxe (net_af_packet)", "proxy"),
      "dnsmasq-proxy": ("dnsmasq", "proxy"),
      "dnsmasq-full": ("dnsmasq", "full"), "kea-full": ("Kea DHCPv4", "full")}
for k in ("dpxe", "dnsmasq-proxy", "dnsmasq-full", "kea-full"):
    if k not in veth:
        continue
    s = veth[k]["median"]
    md.append(f"| {vn[k][0]} | {vn[k][1]} | {fmt(s['max_pps_under_1pct'])} | "
              f"{fmt(s['half_p50_us'], 1)} / {fmt(s['half_p99_us'], 1)} / "
              f"{fmt(s['half_p999_us'], 1)} |")
md.append("| dpxe | full | n/a until full DHCP mode lands | n/a |")
md += ["", f"dpxe / best peer on the veth: **{fmt(summary['veth_dpxe_over_best_peer'], 1)}x** "
       "(target >= 10x; perfdhcp's own ceiling caps every server at the top step)", ""]
text = "\n".join(md) + "\n"
with open(f"{OUT}/{DATE}.md", "w") as f:
    f.write(text)
print(text, end="")

# ---------------------------------------------------------------- plot
try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(1, 2, figsize=(13, 5))
    for k in ("dpxe", "io", "macswap"):
        if k in memif:
            sw = memif[k]["rounds"][0]["sweep"]
            ax[0].plot([s["offered_pps"] for s in sw], [s["reply_pps"] for s in sw],
                       "o-", label=names[k])
    ax[0].set_title("memif: DPDK load generator")
    for k in ("dpxe", "dnsmasq-proxy", "dnsmasq-full", "kea-full"):
        if k in veth:
            st = veth[k]["rounds"][0]["perfdhcp_steps"]
            ax[1].plot([s["offered_pps"] for s in st], [s["reply_pps"] for s in st],
                       "o-", label=f"{vn[k][0]} ({vn[k][1]})")
    ax[1].set_title("veth: perfdhcp -i (kernel path)")
    for a in ax:
        a.set_xscale("log"); a.set_yscale("log")
        a.set_xlabel("offered requests/s"); a.set_ylabel("replies/s")
        a.grid(True, which="both", alpha=0.3); a.legend()
    fig.suptitle(f"dpxe boot-storm bench {result['date'][:10]} ({m['cpus']} shared vCPUs)")
    fig.tight_layout()
    fig.savefig(f"{OUT}/{DATE}.png", dpi=90)
except Exception as e:  # the figures above stand without the plot
    print(f"report: no plot: {e}")
