#!/usr/bin/env bash
# make waves TEST=<Suite.Test>: runs one test with the whole run traced, then
# opens GTKWave with waves/loom.gtkw when a display is present, else prints
# where the waveform and the save file are.
set -euo pipefail
build=$1
test=${2:-}
if [[ -z "$test" ]]; then
  echo "usage: make waves TEST=<Suite.Test>   (ctest -N in $build lists the tests)" >&2
  exit 2
fi
out="$build/out"
mkdir -p "$out"
(cd "$build" && LOOM_WAVES=1 LOOM_OUT_DIR="$PWD/out" ctest --output-on-failure -R "^${test}\$") || true
fst="$out/${test//\//_}.fst"
if [[ ! -f "$fst" ]]; then
  echo "waves: no waveform $fst (is '$test' a co-simulation test? 'ctest -N' lists them)" >&2
  exit 1
fi
# The save file names vectors with their ranges, which depend on P: adapt it
# to this waveform when fst2vcd (part of gtkwave) is there.
save="waves/loom.gtkw"
if command -v fst2vcd >/dev/null 2>&1; then
  python3 scripts/gtkw_for.py "$fst" waves/loom.gtkw "${fst%.fst}.gtkw"
  save="${fst%.fst}.gtkw"
fi
if [[ -n "${DISPLAY:-}" ]] && command -v gtkwave >/dev/null 2>&1; then
  exec gtkwave "$fst" "$save"
fi
echo "waveform:  $fst"
echo "save file: $save"
echo "open with: gtkwave $fst $save"
