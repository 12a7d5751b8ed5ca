#!/usr/bin/env python3
"""Turns the JMH JSON of benchmarks/run.sh into BENCHMARKS.md and hand-written SVG plots.

Standard library only. Inputs, all in --results: jmh-MODE.json (JMH -rf json, with -prof gc),
inspect-MODE.json (io.adjoint.benchmarks.Inspect: cross-check and tape sizes), machine-MODE.txt,
stack-MODE.txt (optional, JMH -prof stack output) and, optional, benchmarks/where-the-time-goes.md
(hand-written analysis, included verbatim).
"""
import argparse
import json
import math
import os
import re
from collections import OrderedDict, defaultdict

# class -> (workload key, title, param name of the config, how to show the config)
WORKLOADS = OrderedDict([
    ("lecture", ("Lecture notes: sin(t)/t and max(0, t²)", "fn")),
    ("rosenbrock", ("Extended Rosenbrock", "n")),
    ("gmm", ("ADBench GMM (n = 1000 points)", "d×k")),
    ("mlp", ("Two-layer perceptron, softmax cross-entropy", "size")),
    ("blackScholes", ("Black-Scholes call and its five Greeks", "")),
    ("lennardJones", ("Lennard-Jones over Vec3 objects", "atoms")),
    ("matVec", ("Matrix-vector product, then Σ yᵢ² (64 × 64)", "form")),
])
CLASSES = {
    "LectureBench": "lecture",
    "RosenbrockBench": "rosenbrock", "RosenbrockDenseBench": "rosenbrock",
    "GmmBench": "gmm", "GmmDenseBench": "gmm",
    "MlpBench": "mlp", "MlpDenseBench": "mlp",
    "BlackScholesBench": "blackScholes",
    "LennardJonesBench": "lennardJones", "LennardJonesAfterGradientsBench": "lennardJones",
    "MatVecBench": "matVec",
}
PARAM_ALIASES = {"nDense": "n", "dkDense": "dk", "sizeDense": "size"}
METHODS = OrderedDict([
    ("primal", "primal (no derivative)"),
    ("primalAfterGradients", "primal, in a JVM that ran 3,000 gradients first"),
    ("adjointReverse", "**Adjoint reverse**"),
    ("adjointReverseInto", "Adjoint reverse, gradient into the caller's array (`valueAndGradientInto`)"),
    ("adjointForward", "Adjoint forward"),
    ("handWritten", "hand-written gradient"),
    ("hipparchusGradient", "Hipparchus `Gradient` (forward)"),
    ("hipparchusDS", "Hipparchus `DerivativeStructure`"),
    ("finiteDifferences", "central differences (2n calls)"),
])
COLORS = {
    "primal": "#555555", "primalAfterGradients": "#999999", "adjointReverse": "#d62728", "adjointForward": "#ff7f0e",
    "adjointReverseInto": "#e377c2", "handWritten": "#2ca02c", "hipparchusGradient": "#1f77b4", "hipparchusDS": "#9467bd",
    "finiteDifferences": "#8c564b",
}
SHORT = {
    "primal": "primal", "primalAfterGradients": "primal after gradients", "adjointReverse": "Adjoint reverse", "adjointForward": "Adjoint forward",
    "adjointReverseInto": "Adjoint reverse into", "handWritten": "hand-written", "hipparchusGradient": "Hipparchus Gradient",
    "hipparchusDS": "Hipparchus DS", "finiteDifferences": "central FD",
}


def config_key(workload, params):
    """A sortable key and a label for one parameter set."""
    p = {PARAM_ALIASES.get(k, k): v for k, v in params.items()}
    if workload == "rosenbrock":
        n = int(p["n"])
        return (n,), f"n = {fmt_int(n)}"
    if workload == "gmm":
        d, k = (int(v) for v in p["dk"].split("x"))
        return (d, k), f"d = {d}, k = {k}"
    if workload == "mlp":
        order = {"small": 0, "medium": 1}
        return (order.get(p["size"], 9),), {"small": "small (8-16-3, batch 16, 195 params)",
                                           "medium": "medium (64-128-10, batch 32, 9,610 params)"}.get(
            p["size"], p["size"])
    if workload == "lecture":
        return (p["fn"],), {"sinOverT": "sin(t)/t", "maxZeroTSquared": "max(0, t²)"}.get(p["fn"], p["fn"])
    if workload == "lennardJones":
        return (int(p["atoms"]),), f"{p['atoms']} atoms"
    if workload == "matVec":
        order = {"localSum": 0, "elementSum": 1, "rows": 2}
        return (order.get(p["form"], 9),), {"localSum": "s += A[i n + k] x[k]", "elementSum": "y[i] += A[i n + k] x[k]",
                                           "rows": "y[i] += A[i][k] x[k]"}.get(p["form"], p["form"])
    return (), "S, K, r, σ, T"


SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def fmt_int(n):
    if n >= 1000 and n == 10 ** round(math.log10(n)):
        return "10" + str(round(math.log10(n))).translate(SUPERSCRIPT)
    return f"{n:,}"


SHORT_WORKLOAD = {"lecture": "Lecture", "rosenbrock": "Rosenbrock", "gmm": "GMM", "mlp": "MLP",
                  "blackScholes": "Black-Scholes", "lennardJones": "Lennard-Jones", "matVec": "MatVec"}


def short_label(workload, key, label):
    if workload == "gmm":
        return f"GMM d={key[0]}, k={key[1]}"
    if workload == "mlp":
        return f"MLP {key and label.split(' ')[0]}"
    if workload == "blackScholes":
        return "Black-Scholes"
    return f"{SHORT_WORKLOAD[workload]} {label}"


def fmt_time(ns):
    if ns is None:
        return "–"
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


def fmt_bytes(b):
    if b is None:
        return "–"
    if b < 0.5:
        return "0"
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if b >= scale:
            return f"{b / scale:.3g} {unit}"
    return f"{b:.0f} B"


def fmt_ratio(r):
    if r is None:
        return "–"
    return f"{r:.3g}×" if r < 1000 else f"{r:,.0f}×"


HVP_CLASSES = {"HessianVectorBench", "RosenbrockHvpHandBench"}
HVP_METHODS = OrderedDict([
    ("primal", "primal (no derivative)"),
    ("adjointGradient", "Adjoint reverse gradient (for scale)"),
    ("adjointHvp", "**Adjoint H v** (`Gradients.hvp`)"),
    ("adjointHvpRecorded", "**Adjoint H v, one more at the same point** (`hessianAt(f, x).times(v)`)"),
    ("handWritten", "hand-written H v"),
    ("gradientDifferences", "central differences of two Adjoint gradients"),
])
HVP_TITLES = {"rosenbrock-100": "Extended Rosenbrock, n = 100", "rosenbrock-10000": "Extended Rosenbrock, n = 10⁴",
              "gmm-2x5": "ADBench GMM, d = 2, k = 5", "mlp-small": "Two-layer perceptron, small",
              "lennardJones-64": "Lennard-Jones, 64 atoms"}
SHORT.update({"adjointHvp": "Adjoint H v", "adjointHvpRecorded": "Adjoint H v, recording kept", "adjointHessianTimesV": "Adjoint Hessian × v",
              "gradientDifferences": "differences of 2 gradients"})


def load_hvp(data):
    """HessianVectorBench and RosenbrockHvpHandBench: problem -> method -> record."""
    out = OrderedDict((p, {}) for p in HVP_TITLES)
    for r in data:
        parts = r["benchmark"].split(".")
        if parts[-2] not in HVP_CLASSES:
            continue
        problem = r.get("params", {}).get("problem")
        pm = r["primaryMetric"]
        scale = {"ns/op": 1, "us/op": 1e3, "ms/op": 1e6, "s/op": 1e9}[pm["scoreUnit"]]
        err = pm.get("scoreError")
        raw_ns = [x * scale for fork in pm.get("rawData", []) for x in fork]
        out.setdefault(problem, {})[parts[-1]] = {
            "best": min(raw_ns) if raw_ns else pm["score"] * scale,
            "mean": pm["score"] * scale,
            "err": err * scale if isinstance(err, (int, float)) and not math.isnan(err) else None,
            "alloc": r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score"),
            "raw": raw_ns,
        }
    return OrderedDict((p, m) for p, m in out.items() if m)


def hvp_section(data):
    hvp = load_hvp(data)
    if not hvp:
        return []
    out = ["## Second order: Hessian-vector products\n",
           "H(x) v for v_i = sin(i + 1), exact, without forming H (`Gradients.hvp`: one second-order recording, "
           "a tangent sweep and one reverse sweep carrying the adjoints and their tangents; with the recording and its "
           "adjoints kept, `Gradients.hessianAt(f, x)`, each further product at the same point is the two sweeps "
           "without the first-order part), beside one gradient "
           "of the same function in the same run, and central differences of two exact gradients (what one writes "
           "without second-order AD: two gradients, and about 6-10 digits). × gradient = best time over the "
           "Adjoint gradient's best. Cross-checked in the table at the end (`hessianVector`).\n",
           "| problem | method | time / call (best) | mean ± 99.9% CI | × primal | × gradient | alloc / call |",
           "|---|---|---:|---:|---:|---:|---:|"]
    for problem, recs in hvp.items():
        p, g = recs.get("primal"), recs.get("adjointGradient")
        for m, name in HVP_METHODS.items():
            if m not in recs:
                continue
            r = recs[m]
            out.append(f"| {HVP_TITLES.get(problem, problem)} | {name} | {fmt_time(r['best'])} | {mean_err(r)} | "
                       f"{fmt_ratio(ratio(r, p))} | {fmt_ratio(ratio(r, g))} | {fmt_bytes(r['alloc'])} |")
    out.append("")
    return out


def load_jmh(path):
    with open(path) as f:
        data = json.load(f)
    results = defaultdict(dict)  # (workload, config key) -> method -> record
    labels = {}
    for r in data:
        parts = r["benchmark"].split(".")
        cls, method = parts[-2], parts[-1]
        workload = CLASSES.get(cls)
        if workload is None:
            continue
        key, label = config_key(workload, r.get("params", {}))
        pm = r["primaryMetric"]
        scale = {"ns/op": 1, "us/op": 1e3, "ms/op": 1e6, "s/op": 1e9}[pm["scoreUnit"]]
        err = pm.get("scoreError")
        alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score")
        raw_ns = [x * scale for fork in pm.get("rawData", []) for x in fork]
        results[(workload, key)][method] = {
            "best": min(raw_ns) if raw_ns else pm["score"] * scale,
            "mean": pm["score"] * scale,
            "err": err * scale if isinstance(err, (int, float)) and not math.isnan(err) else None,
            "alloc": alloc,
            "raw": raw_ns,
        }
        labels[(workload, key)] = label
    return results, labels, data


def machine(path):
    info = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                if "=" in line:
                    k, v = line.rstrip("\n").split("=", 1)
                    info[k] = v
    return info


# ---- SVG ---------------------------------------------------------------------------------------

def svg_loglog(path, title, series, xlabel, ylabel, note=None):
    """series: list of (method, [(x, y), ...]); log-log axes with decade ticks."""
    W, H, L, R, T, B = 720, 430, 80, 190, 40, 60
    pts = [(x, y) for _, s in series for x, y in s if x > 0 and y and y > 0]
    if not pts:
        return False
    x0, x1 = math.floor(math.log10(min(p[0] for p in pts))), math.ceil(math.log10(max(p[0] for p in pts)))
    y0, y1 = math.floor(math.log10(min(p[1] for p in pts))), math.ceil(math.log10(max(p[1] for p in pts)))
    if x1 == x0:
        x1 += 1
    if y1 == y0:
        y1 += 1

    def sx(x):
        return L + (math.log10(x) - x0) / (x1 - x0) * (W - L - R)

    def sy(y):
        return H - B - (math.log10(y) - y0) / (y1 - y0) * (H - T - B)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" '
           'font-family="sans-serif" font-size="12">',
           f'<rect width="{W}" height="{H}" fill="white"/>',
           f'<text x="{W / 2 - R / 2 + L / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">'
           f'{esc(title)}</text>']
    for e in range(x0, x1 + 1):
        X = sx(10 ** e)
        out.append(f'<line x1="{X:.1f}" y1="{T}" x2="{X:.1f}" y2="{H - B}" stroke="#ddd"/>')
        out.append(f'<text x="{X:.1f}" y="{H - B + 18}" text-anchor="middle">10<tspan dy="-6" font-size="9">{e}'
                   '</tspan></text>')
    for e in range(y0, y1 + 1):
        Y = sy(10 ** e)
        out.append(f'<line x1="{L}" y1="{Y:.1f}" x2="{W - R}" y2="{Y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{L - 8}" y="{Y + 4:.1f}" text-anchor="end">10<tspan dy="-6" font-size="9">{e}'
                   '</tspan></text>')
    out.append(f'<rect x="{L}" y="{T}" width="{W - L - R}" height="{H - T - B}" fill="none" stroke="#333"/>')
    out.append(f'<text x="{(L + W - R) / 2}" y="{H - 18}" text-anchor="middle">{esc(xlabel)}</text>')
    out.append(f'<text x="18" y="{(T + H - B) / 2}" text-anchor="middle" '
               f'transform="rotate(-90 18 {(T + H - B) / 2})">{esc(ylabel)}</text>')
    for i, (method, s) in enumerate(series):
        s = [(x, y) for x, y in s if x > 0 and y and y > 0]
        if not s:
            continue
        c = COLORS.get(method, "#000")
        if len(s) > 1:
            d = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in s)
            out.append(f'<polyline points="{d}" fill="none" stroke="{c}" stroke-width="2"/>')
        for x, y in s:
            out.append(f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="3.5" fill="{c}"/>')
        ly = T + 14 + 20 * i
        out.append(f'<line x1="{W - R + 14}" y1="{ly - 4}" x2="{W - R + 34}" y2="{ly - 4}" stroke="{c}" '
                   'stroke-width="2"/>')
        out.append(f'<text x="{W - R + 40}" y="{ly}">{esc(SHORT.get(method, method))}</text>')
    if note:
        out.append(f'<text x="{W - R + 14}" y="{H - B}" font-size="10" fill="#555">{esc(note)}</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
    return True


def svg_bars(path, title, rows, ylabel):
    """rows: list of (label, method, ratio); log-scale horizontal bars."""
    rows = [r for r in rows if r[2] and r[2] > 0]
    if not rows:
        return False
    W, L, R, T, BAR = 640, 180, 60, 40, 18
    H = T + len(rows) * (BAR + 6) + 40
    hi = math.ceil(math.log10(max(r[2] for r in rows)))
    lo = min(0, math.floor(math.log10(min(r[2] for r in rows))))
    if hi == lo:
        hi += 1

    def sx(v):
        return L + (math.log10(v) - lo) / (hi - lo) * (W - L - R)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" '
           'font-family="sans-serif" font-size="12">',
           f'<rect width="{W}" height="{H}" fill="white"/>',
           f'<text x="{W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">{esc(title)}</text>']
    for e in range(lo, hi + 1):
        X = sx(10 ** e)
        out.append(f'<line x1="{X:.1f}" y1="{T}" x2="{X:.1f}" y2="{H - 30}" stroke="#ddd"/>')
        out.append(f'<text x="{X:.1f}" y="{H - 14}" text-anchor="middle">{10 ** e:g}×</text>')
    for i, (label, method, v) in enumerate(rows):
        y = T + i * (BAR + 6)
        c = COLORS.get(method, "#000")
        out.append(f'<text x="{L - 8}" y="{y + BAR - 5}" text-anchor="end">{esc(label)}</text>')
        out.append(f'<rect x="{sx(10 ** lo):.1f}" y="{y}" width="{max(1.0, sx(v) - sx(10 ** lo)):.1f}" '
                   f'height="{BAR}" fill="{c}"/>')
        out.append(f'<text x="{sx(v) + 4:.1f}" y="{y + BAR - 5}">{fmt_ratio(v)}</text>')
    out.append(f'<text x="{L}" y="{H - 2}" font-size="10" fill="#555">{esc(ylabel)}</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
    return True


def esc(s):
    return str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ---- Markdown ----------------------------------------------------------------------------------

def ratio(rec, primal):
    """Best time over best time: both the least disturbed by whatever else runs on the machine."""
    if rec is None or primal is None or primal["best"] <= 0:
        return None
    return rec["best"] / primal["best"]


def mean_err(rec):
    if rec["err"] is None or rec["mean"] <= 0:
        return fmt_time(rec["mean"])
    return f"{fmt_time(rec['mean'])} ±{100 * rec['err'] / rec['mean']:.0f}%"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", default="quick")
    ap.add_argument("--results", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--svg", required=True)
    a = ap.parse_args()

    results, labels, raw = load_jmh(os.path.join(a.results, f"jmh-{a.mode}.json"))
    info = machine(os.path.join(a.results, f"machine-{a.mode}.txt"))
    inspect_path = os.path.join(a.results, f"inspect-{a.mode}.json")
    inspect = json.load(open(inspect_path)) if os.path.exists(inspect_path) else {"checks": [], "tapes": []}
    os.makedirs(a.svg, exist_ok=True)
    svg_rel = os.path.relpath(a.svg, os.path.dirname(os.path.abspath(a.out)))

    jmh_args = raw[0] if raw else {}
    md = []
    md.append("# Benchmarks\n")
    md.append("Generated by `benchmarks/run.sh " + a.mode + "` (JMH, `-prof gc`) and `benchmarks/report.py`; "
              "do not edit by hand (except `benchmarks/where-the-time-goes.md`, included below).\n")
    md.append("| machine | |\n|---|---|")
    md.append(f"| CPU | {info.get('cpu', '?')} |")
    md.append(f"| cores (nproc) | {info.get('nproc', '?')} |")
    md.append(f"| JDK | {info.get('jdk', jmh_args.get('vmName', '?') + ' ' + jmh_args.get('jdkVersion', ''))} |")
    md.append(f"| date (UTC) | {info.get('date', '?')} |")
    if "load" in info:
        md.append(f"| load average | {info['load']} |")
    md.append(f"| JMH | {jmh_args.get('jmhVersion', '?')}; mode `{a.mode}`: {jmh_args.get('forks', '?')} fork(s), "
              f"{jmh_args.get('warmupIterations', '?')} × {jmh_args.get('warmupTime', '?')} warmup, "
              f"{jmh_args.get('measurementIterations', '?')} × {jmh_args.get('measurementTime', '?')} "
              "measurement, average time per call |")
    md.append("")
    if a.mode == "quick":
        md.append("> **Quick mode.** One fork and short iterations on a 2-core machine shared with other builds: "
                  "treat differences under ~30% as noise (the ± column is JMH's 99.9% interval over 3 "
                  "iterations, hence very wide). `benchmarks/run.sh full` runs 2 forks × 5 × 1 s and every size.\n")

    md.append("Columns: time per call (one gradient, or one evaluation for the primal) as the **best** measured "
              "iteration (the least disturbed by other processes on this shared machine) and as JMH's mean "
              "with its 99.9% confidence interval; × primal = best time divided by the primal's best time for "
              "the same workload and size **in the same run**; allocation "
              "per call from `-prof gc` (`gc.alloc.rate.norm`). Every method returns the value and the full "
              "gradient. Finite differences and Hipparchus cost O(n) evaluations per gradient, so they run "
              "only at the smaller sizes (separate `*DenseBench` classes). Gradients of every column are "
              "cross-checked against each other before the run (table at the end).\n")

    # headline
    md.append("## Summary: cost of one gradient, in primal evaluations\n")
    head_methods = [m for m in METHODS if m != "primal" and any(m in v for v in results.values())]
    md.append("| workload | size | primal | " + " | ".join(SHORT[m] for m in head_methods) + " |")
    md.append("|---|---|---:|" + "---:|" * len(head_methods))
    bar_rows = []
    for w, (title, _) in WORKLOADS.items():
        for key in sorted(k for (ww, k) in results if ww == w):
            recs = results[(w, key)]
            p = recs.get("primal")
            cells = []
            for m in head_methods:
                r = ratio(recs.get(m), p)
                cells.append(fmt_ratio(r) if m in recs else "–")
            md.append(f"| {title.split(':')[0].split(' (')[0]} | {labels[(w, key)]} | {fmt_time(p['best'] if p else None)} | "
                      + " | ".join(cells) + " |")
            r = ratio(recs.get("adjointReverse"), p)
            if r:
                bar_rows.append((short_label(w, key, labels[(w, key)]), "adjointReverse", r))
    md.append("")
    if svg_bars(os.path.join(a.svg, "reverse-over-primal.svg"), "Adjoint reverse gradient / primal time",
                bar_rows, "ratio, log scale; from the same run"):
        md.append(f"![Adjoint reverse / primal per workload]({svg_rel}/reverse-over-primal.svg)\n")

    # per workload
    for w, (title, _) in WORKLOADS.items():
        keys = sorted(k for (ww, k) in results if ww == w)
        if not keys:
            continue
        md.append(f"## {title}\n")
        md.append(WORKLOAD_NOTES.get(w, ""))
        md.append("| size | method | time / call (best) | mean ± 99.9% CI | × primal | alloc / call |")
        md.append("|---|---|---:|---:|---:|---:|")
        for key in keys:
            recs = results[(w, key)]
            p = recs.get("primal")
            for m, name in METHODS.items():
                if m not in recs:
                    continue
                r = recs[m]
                md.append(f"| {labels[(w, key)]} | {name} | {fmt_time(r['best'])} | {mean_err(r)} | "
                          f"{fmt_ratio(ratio(r, p))} | {fmt_bytes(r['alloc'])} |")
        md.append("")
        if w == "rosenbrock":
            md.extend(rosenbrock_growth(results, a.svg, svg_rel))
        if w == "gmm":
            md.extend(gmm_growth(results, inspect))

    md.extend(hvp_section(raw))
    md.extend(tape_section(inspect))
    md.extend(split_section(inspect))
    md.extend(check_section(inspect))

    notes = os.path.join(os.path.dirname(os.path.abspath(__file__)), "where-the-time-goes.md")
    if os.path.exists(notes):
        md.append(open(notes).read().rstrip() + "\n")
    stack = os.path.join(a.results, f"stack-{a.mode}.txt")
    if os.path.exists(stack):
        md.extend(stack_section(stack))

    md.append("## How to run\n")
    md.append("```sh\nbenchmarks/run.sh quick      # ~4 minutes\nbenchmarks/run.sh full       # all sizes, "
              "2 forks (long: Rosenbrock to 10^6, GMM 20x25)\nbenchmarks/run.sh quick Gmm  # extra arguments go "
              "to JMH (here: a benchmark regex)\nbenchmarks/run.sh report     # regenerate this file from "
              "benchmarks/results/\n```\n")
    md.append("Raw results: `benchmarks/results/jmh-MODE.json` (JMH), `inspect-MODE.json` (cross-check, tape), "
              "`stack-MODE.txt` (`-prof stack`).\n")
    with open(a.out, "w") as f:
        f.write("\n".join(md))


WORKLOAD_NOTES = {
    "lecture": "The two examples of the backpropagation lecture notes, at t = 1.3: one input, two operations. "
               "This measures Adjoint's fixed cost per gradient call (tape open/close, input copy, result "
               "arrays), not differentiation.\n",
    "rosenbrock": "f(x) = Σ 100 (x₂ᵢ₊₁ − x₂ᵢ²)² + (1 − x₂ᵢ)², n/2 independent pairs, from (−1.2, 1, …).\n",
    "gmm": "ADBench's `gmm_objective` ported line by line (Q parametrization with log-diagonal, logsumexp, "
           "Wishart prior γ = 1, m = 0), parameters packed in one vector of k + kd + kd(d+1)/2. No "
           "hand-written gradient.\n",
    "mlp": "tanh hidden layer, softmax cross-entropy averaged over the mini-batch; hand-written = textbook "
           "backpropagation.\n",
    "blackScholes": "Normal CDF by Abramowitz & Stegun 26.2.17 (erf-free). The hand-written Greeks use the exact "
                    "density, so they differ from the derivative of the approximated price by ~1e-5 (see the "
                    "cross-check).\n",
    "lennardJones": "64 atoms on a perturbed lattice; the pair loop allocates a `Vec3` per pair from active "
                    "coordinates (`atoms[i].minus(atoms[j]).dot(...)`): Adjoint inlines `minus` and `dot` into the "
                    "loop's twin and replaces the `Vec3` by its fields, so a pair is one tape node. The primal is also "
                    "measured in a JVM that has run 3,000 gradients first: what the application's own evaluations "
                    "cost once it differentiates.\n",
    "matVec": "The same product written three ways (same value bit for bit): a local sum per row; the sum in the "
              "element, `y[i] += ...`, which Adjoint sums in a local of the twin (agent `twin/ElementAccumulators`); "
              "the matrix as a `double[][]` copied from the parameters. The primal of the first two is the same loop "
              "for the JIT; hand-written = 2 y xᵀ and 2 Aᵀ y.\n",
}


def rosenbrock_growth(results, svg_dir, svg_rel):
    ns = sorted(k[0] for (w, k) in results if w == "rosenbrock")
    out = ["### How the cost grows with n\n"]
    methods = [m for m in METHODS if any(m in results[("rosenbrock", (n,))] for n in ns)]
    out.append("| n | " + " | ".join(SHORT[m] for m in methods) + " |")
    out.append("|---:|" + "---:|" * len(methods))
    for n in ns:
        recs = results[("rosenbrock", (n,))]
        out.append(f"| {fmt_int(n)} | " + " | ".join(
            f"{fmt_time(recs[m]['best'])} ({fmt_ratio(ratio(recs[m], recs.get('primal')))})" if m in recs else "–"
            for m in methods) + " |")
    out.append("")
    # growth exponent between the extreme sizes measured for each method
    lines = []
    for m in methods:
        pts = [(n, results[("rosenbrock", (n,))][m]["best"]) for n in ns if m in results[("rosenbrock", (n,))]]
        if len(pts) >= 2:
            (a, ta), (b, tb) = pts[0], pts[-1]
            lines.append(f"{SHORT[m]} {math.log(tb / ta) / math.log(b / a):.2f}")
    if lines:
        out.append("Empirical exponent of time ∝ n^e between the smallest and largest n measured: "
                   + "; ".join(lines) + ". (1 = linear; the dense methods are expected near 2.)\n")
    series = []
    for m in methods:
        if m == "primal":
            continue
        s = []
        for n in ns:
            recs = results[("rosenbrock", (n,))]
            r = ratio(recs.get(m), recs.get("primal"))
            if r:
                s.append((n, r))
        series.append((m, s))
    if svg_loglog(os.path.join(svg_dir, "rosenbrock-ratio.svg"), "Extended Rosenbrock: gradient time / primal time",
                  series, "n (number of variables)", "× primal (same run)"):
        out.append(f"![Rosenbrock: ratio to primal vs n]({svg_rel}/rosenbrock-ratio.svg)\n")
    series = [(m, [(n, results[("rosenbrock", (n,))][m]["best"] / 1e3) for n in ns
                   if m in results[("rosenbrock", (n,))]]) for m in methods]
    if svg_loglog(os.path.join(svg_dir, "rosenbrock-time.svg"), "Extended Rosenbrock: time per call",
                  series, "n (number of variables)", "µs per call"):
        out.append(f"![Rosenbrock: time per call vs n]({svg_rel}/rosenbrock-time.svg)\n")
    return out


def gmm_growth(results, inspect):
    keys = sorted(k for (w, k) in results if w == "gmm")
    tapes = {t["params"]: t for t in inspect.get("tapes", []) if t["workload"] == "gmm"}
    out = ["Per recorded operation (tape sizes from `Inspect`):\n",
           "| d × k | parameters | recorded operations | Adjoint ns / operation | primal ns / operation |",
           "|---|---:|---:|---:|---:|"]
    any_row = False
    for key in keys:
        recs = results[("gmm", key)]
        t = tapes.get(f"dk={key[0]}x{key[1]}")
        if t is None or "adjointReverse" not in recs:
            continue
        ops = t["operations"]
        p = recs.get("primal")
        out.append(f"| {key[0]} × {key[1]} | {t['inputs']:,} | {ops:,} | {recs['adjointReverse']['best'] / ops:.1f} | "
                   f"{(p['best'] / ops if p else float('nan')):.2f} |")
        any_row = True
    out.append("")
    return out if any_row else []


def tape_section(inspect):
    tapes = inspect.get("tapes", [])
    if not tapes:
        return []
    out = ["## Tape size\n",
           "Read from `io.adjoint.internal.Tape`'s arrays by reflection after one recording "
           "(`benchmarks/src/main/java/io/adjoint/benchmarks/Inspect.java`). The tape stores, per node, its "
           "value (8 B) and arity (1 B), and per argument the argument's node (4 B) and the local partial "
           "(8 B): a binary operation costs 33 B, a unary one 21 B. A node is not one source operation: a "
           "preaccumulated block of arithmetic is one node, and a loop-carried sum (`s += ...`) one node of up to "
           "127 arguments for the whole loop, so bytes per node grow as nodes get fewer; bytes per argument "
           "(node overhead included) are the figure that compares across workloads. Inputs are nodes but not "
           "recorded operations: both figures exclude them. Not counted: the shadow `long[]` of every "
           "`double[]` written with active values (8 B per element) and the capacity left by doubling.\n",
           "| workload | size | inputs | nodes | args / node | bytes / node | **bytes / argument** | tape used | tape capacity |",
           "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    total_args = total_bytes = 0
    for t in tapes:
        args = t["operations"] * t["argumentsPerOperation"]
        recorded = t["bytesUsed"] - 9 * t["inputs"]
        per_arg = f"{recorded / args:.1f}" if args else "–"
        out.append(f"| {t['workload']} | {t['params'] or '–'} | {t['inputs']:,} | {t['operations']:,} | "
                   f"{t['argumentsPerOperation']:.2f} | {t['bytesPerOperation']:.1f} | **{per_arg}** | "
                   f"{fmt_bytes(t['bytesUsed'])} | {fmt_bytes(t['bytesCapacity'])} |")
        total_args += args
        total_bytes += recorded
    out.append("")
    if total_args:
        out.append(f"Over all these recordings: **{total_bytes / total_args:.1f} bytes per recorded argument**, "
                   "so a binary operation recorded as a node of its own costs 33 B and one folded into a block or a "
                   "sum 12 to 17 B. Capacity is the thread's pooled tape: it grows to the largest recording and is "
                   "given back after a recording that uses less than an eighth of a large one. Rosenbrock's pair (8 "
                   "double operations in the source) costs 2 arguments of the loop's sum node, about 25 B: 3 B per "
                   "source operation.\n")
    return out


def split_section(inspect):
    splits = inspect.get("splits", [])
    tapes = {(t["workload"], t["params"]): t for t in inspect.get("tapes", [])}
    if not splits:
        return []
    out = ["## Recording vs. reverse sweep\n",
           "Rough split measured by `Inspect` with `System.nanoTime` loops (best of 15 batches after 1 s of "
           "warmup, one JVM for all rows: indicative, not JMH). *Recording* = open the tape, copy and seed the "
           "inputs, run the instrumented twin, close; the rest of a gradient call is the reverse sweep and the "
           "result arrays.\n",
           "| workload | size | gradient call | recording | rest (sweep, results) | recording share | "
           "ns / recorded op (recording) | ns / node (rest) |",
           "|---|---|---:|---:|---:|---:|---:|---:|"]
    for sp in splits:
        g, r = sp["gradientNs"], sp["recordNs"]
        t = tapes.get((sp["workload"], sp["params"]))
        per_op = f"{r / t['operations']:.1f}" if t and t["operations"] else "–"
        per_node = f"{(g - r) / t['nodes']:.1f}" if t and t["nodes"] else "–"
        out.append(f"| {sp['workload']} | {sp['params'] or '–'} | {fmt_time(g)} | {fmt_time(r)} | "
                   f"{fmt_time(max(0.0, g - r))} | {100 * r / g:.0f}% | {per_op} | {per_node} |")
    out.append("")
    return out


def check_section(inspect):
    checks = inspect.get("checks", [])
    if not checks:
        return []
    out = ["## Cross-check of the gradients\n",
           "max over components of |g − g_ref| / max(1, |g_ref|), against the reference column named; "
           "errors are what a column threw.\n",
           "| workload | size | reference | differences | errors |",
           "|---|---|---|---|---|"]
    for c in checks:
        diffs = ", ".join(f"{SHORT.get(k, k)} {('%.1e' % v) if v is not None else 'n/a'}"
                          for k, v in c["maxRelDiff"].items())
        errs = "; ".join(f"**{SHORT.get(k, k)}**: `{v}`" for k, v in c["errors"].items()) or "none"
        out.append(f"| {c['workload']} | {c['params'] or '–'} | {SHORT.get(c['reference'], c['reference'])} | "
                   f"{diffs} | {errs} |")
    out.append("")
    return out


def stack_section(path):
    """JMH's -prof stack output samples every thread of the fork; keep the RUNNABLE samples that have a
    stack outside JMH's own packages (the benchmark thread) and renormalise them."""
    text = open(path).read()
    m = re.search(r"\[Thread state: RUNNABLE\]\.*\n(.*?)\n\.\.\.\.\[", text, re.S)
    if not m:
        return []
    entries = []
    for line in m.group(1).splitlines():
        head = re.match(r"\s*([\d.]+)%\s+([\d.]+)%\s+(.*)", line)
        if head:
            entries.append([float(head.group(1)), [head.group(3).strip()]])
        elif line.strip() and entries:
            entries[-1][1].append(line.strip())
    entries = [e for e in entries if "stack is empty" not in e[1][0] and "<other>" not in e[1][0]]
    total = sum(e[0] for e in entries)
    if total <= 0:
        return []
    bench = re.search(r"Secondary result \"([^\"]+):stack\"", text)
    params = re.search(r"^# Parameters: \((.*)\)$", text, re.M)
    out = [f"### `-prof stack`: {bench.group(1).split('.')[-2] + '.' + bench.group(1).split('.')[-1] if bench else ''}"
           f"{' (' + params.group(1) + ')' if params else ''}\n",
           "JMH's stack sampler (Thread.getStackTrace at safepoints, so biased towards loop back-edges and calls; "
           "inlined callees appear as their own frames). Shares are of the benchmark thread's samples.\n",
           "| share | top frame | called from |", "|---:|---|---|"]
    for pct, frames in entries:
        def clean(f):
            f = re.sub(r"/0x[0-9a-f]+", "", f)
            return f.replace("io.adjoint.benchmarks.workloads.", "").replace("io.adjoint.", "")
        out.append(f"| {100 * pct / total:.0f}% | `{clean(frames[0])}` | "
                   f"{'`' + clean(frames[1]) + '`' if len(frames) > 1 else ''} |")
    out.append("")
    return out


if __name__ == "__main__":
    main()
