#!/usr/bin/env bash
# Installs the Debian packages Loom needs, only when something is missing.
# Idempotent: a second run with everything present does nothing and needs no network.
set -euo pipefail

packages=(
  verilator libsystemc-dev libgtest-dev libfmt-dev cmake g++ make pkg-config
  yosys lcov libcli11-dev nlohmann-json3-dev python3 gnuplot-nox
)
# gtkwave is optional at run time (make waves opens it when a display exists).
optional=(gtkwave)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [[ "${LOOM_WITH_GTKWAVE:-0}" == "1" ]]; then
  for p in "${optional[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
fi

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo_cmd=(sudo)
  else
    echo "install-deps: missing packages (${missing[*]}) and not root, and no sudo" >&2
    exit 1
  fi
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
