#!/usr/bin/env bash
# make cov: the regression on the coverage-instrumented cores (loom-regress-cov),
# SEEDS fault-free programs per configuration (CONFIGS) plus ILLEGAL_SEEDS
# programs with an injected error (so the error bins are hit) and
# PROFILE_SEEDS programs per memory extreme (fast, starve, extreme), every run's
# Verilator coverage merged and rendered by lcov / genhtml, the functional
# coverage merged; prints line %, toggle %, functional % and the bins not hit.
# Outputs in BUILD/cov/ (docs/verification.md "Coverage").
# usage: scripts/cov.sh [BUILD]   (env: SEEDS, CONFIGS, ILLEGAL_SEEDS, PROFILE_SEEDS, JOBS)
set -euo pipefail

BUILD=${1:-build}
SEEDS=${SEEDS:-20}
CONFIGS=${CONFIGS:-tiny,small}
ILLEGAL_SEEDS=${ILLEGAL_SEEDS:-22}  # kind = seed % 11: two of each injected error
PROFILE_SEEDS=${PROFILE_SEEDS:-6}  # per memory profile
JOBS=${JOBS:-$(nproc)}
OUT=$BUILD/cov
HERE=$(cd "$(dirname "$0")" && pwd)

cmake --build "$BUILD" -j "$JOBS" --target loom-regress-cov
rm -rf "$OUT"
mkdir -p "$OUT/data"
REGRESS="$BUILD/loom-regress-cov --configs $CONFIGS --jobs $JOBS --cov $OUT/data"

status=0
echo "== $SEEDS fault-free seeds per configuration ($CONFIGS)"
$REGRESS --seeds "$SEEDS" --out "$OUT/regress" --junit "$OUT/junit.xml" >"$OUT/regress.txt" 2>"$OUT/regress.log" || status=1
grep -E '^[0-9]+ runs|^FAIL|^  reproduce' "$OUT/regress.txt" || true
if [ "$ILLEGAL_SEEDS" -gt 0 ]; then
  # Seeds from 1001 so that their files do not overwrite the fault-free runs'.
  echo "== $ILLEGAL_SEEDS seeds with an injected error per configuration"
  $REGRESS --illegal --seeds "$ILLEGAL_SEEDS" --first-seed 1001 --out "$OUT/regress-illegal" \
    --junit "$OUT/junit-illegal.xml" >"$OUT/regress-illegal.txt" 2>"$OUT/regress-illegal.log" || status=1
  grep -E '^[0-9]+ runs|^FAIL|^  reproduce' "$OUT/regress-illegal.txt" || true
fi
# Memory extremes (docs/verification.md "Robustness"), seeds from 2001, 3001,
# 4001: the DRAM bins a seed's own draw rarely reaches (short latency under
# heavy backpressure).
first=2001
for profile in fast starve extreme; do
  [ "$PROFILE_SEEDS" -gt 0 ] || break
  echo "== $PROFILE_SEEDS seeds per configuration with --profile $profile"
  $REGRESS --profile "$profile" --seeds "$PROFILE_SEEDS" --first-seed "$first" --out "$OUT/regress-$profile" \
    --junit "$OUT/junit-$profile.xml" >"$OUT/regress-$profile.txt" 2>"$OUT/regress-$profile.log" || status=1
  grep -E '^[0-9]+ runs|^FAIL|^  reproduce' "$OUT/regress-$profile.txt" || true
  first=$((first + 1000))
done

# Verilator line / toggle coverage: merge, split by type, lcov info, HTML.
verilator_coverage --write "$OUT/merged.dat" "$OUT"/data/*.dat
python3 "$HERE/cov_figures.py" "$OUT/merged.dat" "$OUT" >"$OUT/rtl_figures.txt"
for kind in line toggle; do
  verilator_coverage --write-info "$OUT/$kind.info" "$OUT/$kind.dat"
  genhtml --quiet --output-directory "$OUT/html/$kind" --title "Loom RTL $kind coverage" \
    "$OUT/$kind.info" >/dev/null
done

# Functional coverage: every run's hits merged, the report of bins not hit.
"$BUILD/loom-regress-cov" --cov-merge "$OUT/data" >/dev/null

runs=$(ls "$OUT"/data/*.dat | wc -l)
echo
echo "== coverage over $runs runs ($CONFIGS)"
cat "$OUT/rtl_figures.txt"
sed -n '/^functional coverage/,$p' "$OUT/data/func_coverage.txt"
echo "HTML: $OUT/html/line/index.html, $OUT/html/toggle/index.html;" \
  "functional: $OUT/data/func_coverage.txt"
exit $status
