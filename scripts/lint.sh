#!/usr/bin/env bash
# Verilator -Wall lint of the Loom RTL (rtl/files.f + rtl/loom.vlt, top
# loom_core, which holds every block: CSRs, sequencer, tensor subsystem with
# ACT and DMA) at the named configurations of cmake/LoomConfigs.cmake; at
# tiny also with each fault injection define of tb/CMakeLists.txt (the fault
# models are built at tiny). Fails on any warning or error.
#
#   scripts/lint.sh            tiny, small, medium (P = 4, 8, 16)
#   scripts/lint.sh --all      also trn (P = 128, takes a few minutes)
#   scripts/lint.sh small      just the named configurations
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

configs=()
for arg in "$@"; do
  case "$arg" in
    --all) configs+=(tiny small medium trn) ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) configs+=("$arg") ;;
  esac
done
[[ ${#configs[@]} -eq 0 ]] && configs=(tiny small medium)

# Source list in compile order, without comments.
mapfile -t sources < <(grep -E '^[^#[:space:]].*\.sv$' rtl/files.f)

status=0
for name in "${configs[@]}"; do
  # set(LOOM_CONFIG_<name> P SbufBytes SbufWordBytes PsumBanks PsumEntries CmdDepth AxiBytes)
  line=$(grep -E "^set\(LOOM_CONFIG_${name}[[:space:]]" cmake/LoomConfigs.cmake || true)
  if [[ -z "$line" ]]; then
    echo "lint: unknown configuration '$name'" >&2
    exit 2
  fi
  read -r p sb wb banks entries depth axib < <(echo "$line" | sed -E 's/^set\(LOOM_CONFIG_[a-z0-9_]+[[:space:]]+//; s/\).*//')
  params=(-GP="$p" -GSbufBytes="$sb" -GSbufWordBytes="$wb" -GPsumBanks="$banks"
          -GPsumEntries="$entries" -GCmdDepth="$depth" -GAxiDataW=$((8 * axib)))
  # The plain build; at tiny also each fault-injection define (they select
  # other generate branches), as tb/CMakeLists.txt names them.
  defs=("")
  [[ $name == tiny ]] && mapfile -t -O 1 defs < <(grep -oE 'LOOM_FAULT_[A-Z0-9_]+' tb/CMakeLists.txt | sort -u)
  for def in "${defs[@]}"; do
    what="$name (P=$p, AXI $((8 * axib)) bit)${def:+ +$def}"
    log=$(mktemp)
    if verilator --lint-only -Wall --top-module loom_core "${params[@]}" \
         ${def:++define+$def} "${sources[@]}" rtl/loom.vlt >"$log" 2>&1 && [[ ! -s "$log" ]]; then
      echo "lint: $what clean"
    else
      echo "lint: $what FAILED" >&2
      cat "$log" >&2
      status=1
    fi
    rm -f "$log"
  done
done

exit $status
