#!/usr/bin/env python3
"""Line and toggle figures of a Verilator coverage file (make cov).

usage: cov_figures.py MERGED.dat OUTDIR

Splits MERGED.dat by coverage type into OUTDIR/line.dat (Verilator's line
and branch points: v_line, v_branch) and OUTDIR/toggle.dat (v_toggle), so
lcov / genhtml can show each on its own, and prints covered / total points
of each. (Verilator 5.006 makes no line points for assertions, so there is
nothing of theirs to leave out.)
"""
import re
import sys

KEY = re.compile(r"\x01([^\x02]*)\x02([^\x01']*)")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    merged, out = sys.argv[1], sys.argv[2]
    points = {"line": [], "toggle": []}
    hit = {"line": 0, "toggle": 0}
    with open(merged, encoding="latin-1") as f:
        for raw in f:
            if not raw.startswith("C '"):
                continue
            body, _, count = raw.rstrip("\n").rpartition("' ")
            page = dict(KEY.findall(body)).get("page", "")
            kind = "toggle" if page.startswith("v_toggle") else "line" if page.startswith(("v_line", "v_branch")) else None
            if kind is None:
                continue
            points[kind].append(raw)
            hit[kind] += int(count) > 0
    for kind, lines in points.items():
        with open(f"{out}/{kind}.dat", "w", encoding="latin-1") as f:
            f.write("# SystemC::Coverage-3\n")
            f.writelines(lines)
        total = len(lines)
        pct = 100.0 * hit[kind] / total if total else 0.0
        print(f"{kind + ' coverage:':<17} {hit[kind]} of {total} points ({pct:.1f} %)")


if __name__ == "__main__":
    main()
