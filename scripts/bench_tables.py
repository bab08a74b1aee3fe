#!/usr/bin/env python3
"""The tables of docs/performance.md, in Markdown, from loom-bench's JSON:
    python3 scripts/bench_tables.py build/bench/bench.json
"""
import json
import sys


def n(x):
    return format(x, ",")


def rate(x):
    if x >= 1e6:
        return "%.2f M" % (x / 1e6)
    if x >= 1e3:
        return "%.1f k" % (x / 1e3)
    return "%.0f" % x


def speed(j):
    print("| model | P | threads | cycles | RTL c/s | golden model c/s | with txns c/s | SystemC c/s | co-sim c/s | bare array c/s | RTL PE-c/s | bare PE-c/s | co-sim / RTL | RTL / bare | model / RTL |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for s in j.get("speed", []):
        r = s["rtl"]["cycles_per_second"]
        m = s["golden_model"]["cycles_per_second"]
        mt = s["golden_model_with_txns"]["cycles_per_second"]
        sc = s.get("systemc", {}).get("cycles_per_second")
        co = s.get("cosim", {}).get("cycles_per_second")
        b = s.get("bare_array", {}).get("cycles_per_second")
        p2 = s["partitions"] ** 2
        print("| %s | %d | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            s["model"], s["partitions"], s["threads"], n(s["rtl"]["cycles"]), rate(r), rate(m), rate(mt),
            rate(sc) if sc else "-", rate(co) if co else "-", rate(b) if b else "-", rate(r * p2),
            rate(b * p2) if b else "-", "%.2f" % (co / r) if co else "-",
            "%.2f" % (r / b) if b else "-", "%.1fx" % (m / r)))


def util(j):
    print("| config | workload | MACs | RTL cycles | utilization | PE busy | DMA busy | predicted, fixed latency | RTL cycles, backpressure | predicted, same stalls | predicted, other seed |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for u in j.get("util", []):
        b = u.get("backpressure")
        print("| %s (P=%d) | %s %s | %s | %s | %.1f %% | %.0f %% | %.0f %% | %+.2f %% | %s | %s | %s |" % (
            u["config"], u["partitions"], u["kind"], u["shape"], n(u["macs"]), n(u["rtl"]["cycles"]),
            100 * u["utilization"], 100 * u["busy_pe"], 100 * u["busy_dma"],
            u["prediction_error_percent"], n(b["rtl"]["cycles"]) if b else "-",
            "%+.2f %%" % b["error_percent_same_stalls"] if b else "-",
            "%+.2f %%" % b["error_percent_other_seed"] if b else "-"))


def analytic(j):
    print("| config | M x K x N | RTL | PE idle | PE busy - overlapped | SCALE-Sim | RTL / SCALE-Sim | overlapped | RTL / overlapped | DMA busy | Nt | B resident |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for u in j.get("util", []):
        if u["kind"] != "gemm":
            continue
        c = u["rtl"]["cycles"]
        a = u["analytic"]
        idle = round(c * (1 - u["busy_pe"]))
        print("| %s (P=%d) | %s | %s | %s | %s | %s | %.3f | %s | %.3f | %.0f %% | %d | %s |" % (
            u["config"], u["partitions"], u["shape"], n(c), n(idle), n(c - idle - a["overlapped_cycles"]),
            n(a["scalesim_cycles"]), c / a["scalesim_cycles"], n(a["overlapped_cycles"]),
            c / a["overlapped_cycles"], 100 * u["busy_dma"], u["tiling"]["tile_n"],
            "yes" if u["tiling"]["b_resident"] else "no"))


def targets(j):
    print("| target | goal | measured | |")
    print("|---|---|---|---|")
    for t in j.get("targets", []):
        print("| %s | %s | %s | %s |" % (t["name"], t["goal"], t["measured"], "met" if t["met"] else "**not met**"))


def main():
    j = json.load(open(sys.argv[1] if len(sys.argv) > 1 else "build/bench/bench.json"))
    for title, f in (("Speed", speed), ("Utilization and prediction", util),
                     ("GEMM against the analytic estimate", analytic), ("Targets", targets)):
        print("\n### " + title + "\n")
        f(j)


if __name__ == "__main__":
    main()
