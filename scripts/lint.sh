#!/usr/bin/env bash
# Verilator -Wall lint of the Loom RTL (rtl/files.f + rtl/loom.vlt, tops
# loom_tensor_top and dma_engine) at the named configurations of
# cmake/LoomConfigs.cmake. Fails on any warning or error.
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
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) configs+=("$arg") ;;
  esac
done
[[ ${#configs[@]} -eq 0 ]] && configs=(tiny small medium)

# Source list in compile order, without comments.
mapfile -t sources < <(grep -E '^[^#[:space:]].*\.sv$' rtl/files.f)

status=0
for name in "${configs[@]}"; do
  # set(LOOM_CONFIG_<name> P SbufBytes SbufWordBytes PsumBanks PsumEntries CmdDepth)
  line=$(grep -E "^set\(LOOM_CONFIG_${name}[[:space:]]" cmake/LoomConfigs.cmake || true)
  if [[ -z "$line" ]]; then
    echo "lint: unknown configuration '$name'" >&2
    exit 2
  fi
  read -r p sb wb banks entries depth < <(echo "$line" | sed -E 's/^set\(LOOM_CONFIG_[a-z0-9_]+[[:space:]]+//; s/\).*//')
  params=(-GP="$p" -GSbufBytes="$sb" -GSbufWordBytes="$wb" -GPsumBanks="$banks"
          -GPsumEntries="$entries" -GCmdDepth="$depth")
  log=$(mktemp)
  if verilator --lint-only -Wall --top-module loom_tensor_top "${params[@]}" \
       "${sources[@]}" rtl/loom.vlt >"$log" 2>&1 && [[ ! -s "$log" ]]; then
    echo "lint: $name (P=$p) clean"
  else
    echo "lint: $name (P=$p) FAILED" >&2
    cat "$log" >&2
    status=1
  fi
  rm -f "$log"
  # The DMA engine, not yet inside loom_tensor_top: its own top. loom_pkg's
  # tensor-subsystem parameters are unused there (UNUSEDPARAM, only for this
  # top; goes away when the DMA is integrated).
  log=$(mktemp)
  if verilator --lint-only -Wall -Wno-UNUSEDPARAM --top-module dma_engine \
       -GP="$p" -GSbufBytes="$sb" -GSbufWordBytes="$wb" \
       "${sources[@]}" rtl/loom.vlt >"$log" 2>&1 && [[ ! -s "$log" ]]; then
    echo "lint: $name (P=$p) dma_engine clean"
  else
    echo "lint: $name (P=$p) dma_engine FAILED" >&2
    cat "$log" >&2
    status=1
  fi
  rm -f "$log"
done
exit $status
