#!/usr/bin/env python3
"""Writes a copy of a GTKWave save file whose vector names carry the bit
ranges of the waveform at hand (they depend on the configuration, e.g. P).

    gtkw_for.py <waves.fst> <template.gtkw> <out.gtkw>

Signal lines of the template name a signal with or without a range
(`tensor.loom_tensor_top.mv_addr[143:0]`); each is rewritten with the range
found in the waveform's header (read with fst2vcd, part of gtkwave)."""
import re
import subprocess
import sys


def signal_ranges(fst):
    proc = subprocess.Popen(["fst2vcd", fst], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    ranges, scope = {}, []
    for line in proc.stdout:
        t = line.split()
        if not t:
            continue
        if t[0] == "$scope":
            scope.append(t[2])
        elif t[0] == "$upscope":
            scope.pop()
        elif t[0] == "$var":
            name = ".".join(scope + [t[4]])
            ranges[name] = t[5] if len(t) > 6 and t[5].startswith("[") else ""
        elif t[0] == "$enddefinitions":
            break
    proc.kill()
    return ranges


def main():
    fst, template, out = sys.argv[1:4]
    ranges = signal_ranges(fst)
    lines = []
    for line in open(template):
        s = line.rstrip("\n")
        m = re.match(r"^([A-Za-z_][\w.\[\]]*?)(\[\d+:\d+\])?$", s)
        if m and not s.startswith(("[", "@", "-", "*")) and m.group(1) in ranges:
            s = m.group(1) + ranges[m.group(1)]
        lines.append(s)
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
