#!/usr/bin/env python3
"""Line and toggle figures of a Verilator coverage file (make cov).

usage: cov_figures.py MERGED.dat OUTDIR

Splits MERGED.dat by coverage type into OUTDIR/line.dat (Verilator's line
and branch points: v_line, v_branch) and OUTDIR/toggle.dat (v_toggle), so
lcov / genhtml can show each on its own, and prints covered / total points
of each. Points on assertion-only lines (the `else $error` of an immediate
assertion, never taken in a passing run) are left out of the line figure
and listed, since they would count a bug never seen as a coverage hole.
"""
import re
import sys

KEY = re.compile(r"\x01([^\x02]*)\x02([^\x01']*)")


def parse(path):
    """Yields (raw line, fields, count) of each coverage point."""
    with open(path, encoding="latin-1") as f:
        for raw in f:
            if not raw.startswith("C '"):
                continue
            body, _, count = raw.rstrip("\n").rpartition("' ")
            yield raw, dict(KEY.findall(body)), int(count)


def is_assertion(fields, sources):
    """A point whose source line is an assertion's failure branch."""
    path, line = fields.get("f", ""), int(fields.get("l", "0") or 0)
    lines = sources.get(path)
    if lines is None:
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                lines = f.read().split("\n")
        except OSError:
            lines = []
        sources[path] = lines
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    return bool(re.search(r"\bassert\b|\$error|\$fatal|_A\s*:", text))


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    merged, out = sys.argv[1], sys.argv[2]
    header = "# SystemC::Coverage-3\n"
    groups = {"line": [], "toggle": []}
    figures = {"line": [0, 0], "toggle": [0, 0]}
    asserts = [0, 0]
    sources = {}
    for raw, fields, count in parse(merged):
        page = fields.get("page", "")
        kind = "toggle" if page.startswith("v_toggle") else "line" if page.startswith(("v_line", "v_branch")) else None
        if kind is None:
            continue
        if kind == "line" and is_assertion(fields, sources):
            asserts[0] += count > 0
            asserts[1] += 1
            continue
        groups[kind].append(raw)
        figures[kind][0] += count > 0
        figures[kind][1] += 1
    for kind, lines in groups.items():
        with open(f"{out}/{kind}.dat", "w", encoding="latin-1") as f:
            f.write(header)
            f.writelines(lines)
    for kind, (hit, total) in figures.items():
        pct = 100.0 * hit / total if total else 0.0
        print(f"{kind + ' coverage:':<17} {hit} of {total} points ({pct:.1f} %)")
    print(f"assertion points left out of the line figure: {asserts[1]} ({asserts[0]} hit)")


if __name__ == "__main__":
    main()
