#!/usr/bin/python3
"""bench/report.py: turn bench/run.sh's raw files ($TMP) into
$OUT/$DATE.json, $OUT/$DATE.md and $OUT/$DATE.png. Called by run.sh.

Every figure is a median over rounds; every ratio is taken within one round
(both servers measured minutes apart on the same machine), then the median
of those. Nothing passes or fails."""
import glob, json, os, platform, re, statistics, subprocess, time

from results_file import write_json, write_md

TMP, OUT, DATE = os.environ["TMP"], os.environ["OUT"], os.environ["DATE"]
ROOT = os.environ["ROOT"]

MEMIF = ("dpxe", "dpxe-dhcp", "io", "macswap")
VETH = ("dpxe", "dnsmasq-proxy", "dpxe-dhcp", "dnsmasq-full", "kea-full")
NAMES = {"dpxe": ("dpxe, 1 worker", "proxy", "DISCOVER -> OFFER"),
         "dpxe-dhcp": ("dpxe, 1 worker", "full", "DORA"),
         "io": ("testpmd io (floor)", "-", "DISCOVER echoed"),
         "macswap": ("testpmd macswap (floor)", "-", "DISCOVER echoed"),
         "dnsmasq-proxy": ("dnsmasq", "proxy", "DISCOVER -> OFFER"),
         "dnsmasq-full": ("dnsmasq", "full", "DORA"),
         "kea-full": ("Kea DHCPv4", "full", "DORA")}


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def med(v):
    v = [x for x in v if x is not None]
    return statistics.median(v) if v else None


def lscpu(key):
    out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    for line in out.splitlines():
        if line.startswith(key + ":"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def git_rev():
    """The commit of the tree the binaries were built from (run.sh's SRC)."""
    src = os.environ.get("SRC") or ROOT
    r = subprocess.run(["git", "-C", src, "describe", "--always", "--dirty"],
                       capture_output=True, text=True)
    return r.stdout.strip() or "unknown"


STEP_KEYS = ("target_pps", "offered_pps", "reply_pps", "loss_pct", "p50_us",
             "p99_us", "p999_us")


def sweep_round(j):
    """One load generator run: its sweep (steps that ran), the max reply
    rate with < 1 % loss, the flat-out step and the half-load step."""
    steps = [dict(s) for s in j["steps"]]
    hs = j.get("half_step", 0)
    half = steps[hs - 1] if hs else None
    sweep = [s for i, s in enumerate(steps) if s["sent"] and i != hs - 1]
    ok = [s for s in sweep if s["loss_pct"] < 1.0]
    best = max(ok, key=lambda s: s["reply_pps"]) if ok else None
    flat = [s for s in sweep if s["target_pps"] == 0]
    return {
        "max_pps_under_1pct": best["reply_pps"] if best else 0,
        "max_step_target": best["target_pps"] if best else None,
        "flat_out_offered_pps": flat[0]["offered_pps"] if flat else None,
        "flat_out_reply_pps": flat[0]["reply_pps"] if flat else None,
        "flat_out_loss_pct": flat[0]["loss_pct"] if flat else None,
        "half_load_pps": half["offered_pps"] if half else None,
        "half_p50_us": half["p50_us"] if half else None,
        "half_p99_us": half["p99_us"] if half else None,
        "half_p999_us": half["p999_us"] if half else None,
        "half_loss_pct": half["loss_pct"] if half else None,
        "stale": j.get("stale"),
        "sweep": [{k: s[k] for k in STEP_KEYS} for s in sweep],
    }


def summarise(rounds, skip=("round", "sweep", "max_step_target", "perfdhcp")):
    return {k: med([r.get(k) for r in rounds]) for k in rounds[0] if k not in skip}


def dpxe_cycles(path):
    st = load(path)
    if st and st["total"]["busy_packets"]:
        return st["total"]["busy_cycles"] / st["total"]["busy_packets"]
    return None


# ---------------------------------------------------------------- memif
memif = {}
for kind in MEMIF:
    rounds = []
    for sw in sorted(glob.glob(f"{TMP}/memif-{kind}-[0-9]*-sweep.json")):
        rid = sw[len(f"{TMP}/memif-{kind}-"):].split("-sweep")[0]
        j = load(sw)
        if j is None:
            continue
        r = {"round": int(rid), **sweep_round(j)}
        if kind.startswith("dpxe"):
            r["cycles_per_packet"] = dpxe_cycles(f"{TMP}/memif-{kind}-{rid}-stats.json")
        else:
            try:
                m = re.findall(r"CPU cycles/packet=([\d.]+)",
                               open(f"{TMP}/memif-{kind}-{rid}-server.log").read())
                r["cycles_per_packet"] = float(m[-1]) if m else None
            except OSError:
                r["cycles_per_packet"] = None
        rounds.append(r)
    if rounds:
        memif[kind] = {"rounds": rounds, "median": summarise(rounds)}


def same_round(sect, a, b, key="max_pps_under_1pct"):
    """Per-round a/b of key, for rounds where both ran."""
    if a not in sect or b not in sect:
        return []
    other = {r["round"]: r for r in sect[b]["rounds"]}
    out = []
    for r in sect[a]["rounds"]:
        t = other.get(r["round"])
        if t and t[key] and r[key]:
            out.append(r[key] / t[key])
    return out


# ---------------------------------------------------------------- veth
def perfdhcp(path):
    """perfdhcp's sent/received per exchange (DISCOVER-OFFER, REQUEST-ACK)."""
    try:
        text = open(path).read()
    except OSError:
        return None
    out = {}
    for name, body in re.findall(r"Statistics for: ([A-Z-]+)\*+\n(.*?)(?=\*\*\*|\Z)",
                                 text, re.S):
        s = re.search(r"sent packets: (\d+)", body)
        r = re.search(r"received packets: (\d+)", body)
        if s and r:
            out[name] = {"sent": int(s.group(1)), "received": int(r.group(1))}
    return out or None


veth = {}
for kind in VETH:
    rounds = []
    for sw in sorted(glob.glob(f"{TMP}/veth-{kind}-[0-9]*-sweep.json")):
        rid = sw[len(f"{TMP}/veth-{kind}-"):].split("-sweep")[0]
        j = load(sw)
        if j is None:
            continue
        r = {"round": int(rid), **sweep_round(j)}
        if kind.startswith("dpxe"):
            r["cycles_per_packet"] = dpxe_cycles(f"{TMP}/veth-{kind}-{rid}-stats.json")
        r["perfdhcp"] = perfdhcp(f"{TMP}/veth-{kind}-{rid}-perfdhcp.txt")
        rounds.append(r)
    if rounds:
        veth[kind] = {"rounds": rounds, "median": summarise(rounds)}

workers = load(f"{TMP}/workers/workers.json")


def ratio(sect, a, b):
    v = same_round(sect, a, b)
    return {"per_round": [round(x, 4) for x in v], "median": med(v)}


summary = {
    "memif_dpxe_over_testpmd_io": ratio(memif, "dpxe", "io"),
    "memif_dpxe_over_testpmd_macswap": ratio(memif, "dpxe", "macswap"),
    "memif_full_dora_over_proxy_offer": ratio(memif, "dpxe-dhcp", "dpxe"),
    "veth_dpxe_over_dnsmasq_proxy": ratio(veth, "dpxe", "dnsmasq-proxy"),
    "veth_dpxe_full_over_dnsmasq_full": ratio(veth, "dpxe-dhcp", "dnsmasq-full"),
    "veth_dpxe_full_over_kea": ratio(veth, "dpxe-dhcp", "kea-full"),
    "workers_2_over_1": {m: s["ratio_same_run"]
                         for m, s in (workers or {}).get("median", {}).items()},
    "targets": {
        "veth_dpxe_vs_dnsmasq_and_kea": ">= 10x",
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
    "memif": memif, "veth": veth, "workers": workers, "summary": summary,
}
os.makedirs(OUT, exist_ok=True)
write_json(f"{OUT}/{DATE}.json", result)


def fmt(v, d=0):
    if v is None:
        return "n/a"
    return f"{v:,.{d}f}"


def fr(r, d=3):
    per = ", ".join(f"{x:.{d}f}" for x in r["per_round"]) or "n/a"
    return f"{per} -> median **{fmt(r['median'], d)}**"


def lat(s):
    return (f"{fmt(s['half_p50_us'], 1)} / {fmt(s['half_p99_us'], 1)} / "
            f"{fmt(s['half_p999_us'], 1)}")


m = result["machine"]
md = [f"# bench/run.sh {result['date']} (dpxe {result['git']})", "",
      f"{m['cpu']}, {m['cpus']} CPUs ({m['hypervisor']}), kernel {m['kernel']}; "
      f"load average before {m['loadavg_before']}, after {m['loadavg_after']}. "
      "Medians over rounds; ratios are per round (same run), then the median. "
      "Full mode rates are DORA/s (two requests and two replies each: "
      "replies/s counts the ACKs).", "",
      "## memif: DPDK load generator (CPU 0) <-> server (CPU 1)", "",
      "| server | mode | load | max replies/s (<1 % loss) | flat-out offered/s | "
      "flat-out replies/s | p50 / p99 / p99.9 us at 50 % | cycles/pkt | rounds |",
      "|---|---|---|---:|---:|---:|---|---:|---:|"]
for k in MEMIF:
    if k not in memif:
        continue
    s = memif[k]["median"]
    n = NAMES[k]
    md.append(f"| {n[0]} | {n[1]} | {n[2]} | {fmt(s['max_pps_under_1pct'])} | "
              f"{fmt(s['flat_out_offered_pps'])} | {fmt(s['flat_out_reply_pps'])} | "
              f"{lat(s)} | {fmt(s['cycles_per_packet'])} | {len(memif[k]['rounds'])} |")
md += ["",
       f"- dpxe proxy / testpmd io, same round: {fr(summary['memif_dpxe_over_testpmd_io'])} "
       "(target >= 0.5; the load generator's own ceiling caps the floor)",
       f"- dpxe proxy / testpmd macswap, same round: "
       f"{fr(summary['memif_dpxe_over_testpmd_macswap'])}",
       f"- dpxe full (DORA/s) / dpxe proxy (OFFER/s), same round: "
       f"{fr(summary['memif_full_dora_over_proxy_offer'])}", "",
       "## veth between namespaces (kernel path), the same load generator on "
       "net_af_packet for every server", "",
       "| server | mode | load | max replies/s (<1 % loss) | p50 / p99 / p99.9 us at 50 % "
       "| perfdhcp check (sent/received) | rounds |",
       "|---|---|---|---:|---|---|---:|"]
for k in VETH:
    if k not in veth:
        continue
    s = veth[k]["median"]
    n = NAMES[k]
    pd = next((r["perfdhcp"] for r in veth[k]["rounds"] if r.get("perfdhcp")), None)
    pds = "; ".join(f"{x}: {v['sent']}/{v['received']}" for x, v in pd.items()) if pd else "n/a"
    md.append(f"| {n[0]} | {n[1]} | {n[2]} | {fmt(s['max_pps_under_1pct'])} | {lat(s)} | "
              f"{pds} | {len(veth[k]['rounds'])} |")
md += ["",
       f"- dpxe / dnsmasq, proxy: {fr(summary['veth_dpxe_over_dnsmasq_proxy'], 1)}x",
       f"- dpxe / dnsmasq, full (DORA): {fr(summary['veth_dpxe_full_over_dnsmasq_full'], 1)}x",
       f"- dpxe / Kea, full (DORA): {fr(summary['veth_dpxe_full_over_kea'], 1)}x",
       "- target >= 10x on the same veth path", ""]
if workers:
    md += ["## 1 vs 2 workers (bench/workers.sh: net_pcap infinite_rx, no generator)", "",
           "| mode | 1 worker replies/s | cycles/req | 2 workers replies/s | "
           "per worker cycles/req | 2/1 same run |", "|---|---:|---:|---:|---|---:|"]
    for mode, s in workers["median"].items():
        md.append(f"| {mode} | {fmt(s['one_replies_per_s'])} | {fmt(s['one_cycles'])} | "
                  f"{fmt(s['two_replies_per_s'])} | {fmt(s['two_cycles_w0'])}, "
                  f"{fmt(s['two_cycles_w1'])} | {fmt(s['ratio_same_run'], 3)} |")
    md += ["", f"{len(workers['runs']) // max(1, len(workers['median']))} runs x "
           f"{workers['seconds']} s each; load average before {workers['loadavg_before']}, "
           f"after {workers['loadavg_after']}", ""]
write_md(f"{OUT}/{DATE}.md", md)


# ---------------------------------------------------------------- plot
def median_round(sect, k):
    """The round whose max is the median's (or nearest): its sweep is drawn."""
    rs = sect[k]["rounds"]
    mm = sect[k]["median"]["max_pps_under_1pct"] or 0
    return min(rs, key=lambda r: abs(r["max_pps_under_1pct"] - mm))


try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(1, 2, figsize=(14, 5.5))
    style = {"dpxe": "o-", "dpxe-dhcp": "s-", "io": "^--", "macswap": "v--",
             "dnsmasq-proxy": "o:", "dnsmasq-full": "s:", "kea-full": "D:"}
    for a, sect, kinds, title in ((ax[0], memif, MEMIF, "memif: DPDK load generator <-> server"),
                                  (ax[1], veth, VETH, "veth (kernel path): load generator on af_packet")):
        pts = []
        for k in kinds:
            if k not in sect:
                continue
            sw = median_round(sect, k)["sweep"]
            n = NAMES[k]
            xs = [s["offered_pps"] for s in sw]
            ys = [s["reply_pps"] for s in sw]
            pts += [v for v in xs + ys if v > 0]
            lab = f"{n[0]} ({n[2]})" if n[1] == "-" else f"{n[0]}, {n[1]} ({n[2]})"
            a.plot(xs, ys, style[k], label=lab)
        if pts:  # replies = requests: the line every server follows until it saturates
            a.plot([min(pts), max(pts)], [min(pts), max(pts)], color="grey", lw=0.6,
                   alpha=0.6, label="replies = offered")
        a.set_title(title)
        a.set_xscale("log"); a.set_yscale("log")
        a.set_xlabel("offered requests/s (DISCOVERs, or DORAs in full mode)")
        a.set_ylabel("replies/s (OFFERs, or ACKs in full mode)")
        a.grid(True, which="both", alpha=0.3)
        if a.get_legend_handles_labels()[0]:
            a.legend(fontsize=8)
    fig.suptitle(f"dpxe boot-storm bench {result['date'][:10]} ({m['cpus']} shared vCPUs, "
                 f"load {m['loadavg_before'].split()[0] if m['loadavg_before'] else '?'}); "
                 "each line: one round's sweep (the median round)")
    fig.tight_layout()
    fig.savefig(f"{OUT}/{DATE}.png", dpi=90)
except Exception as e:  # the figures above stand without the plot
    print(f"report: no plot: {e}")
