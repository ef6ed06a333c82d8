#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Slow blocks: which blocks of each level are slow and what they hold, and
# (PROFILE=level) where their time goes. Runs bench/slow_blocks.c on the
# corpus bench/ingest.sh and bench/store.sh use: every data-covered block of
# every level rendered twice (first: the store's pages cold; again: the
# steady cost), median/p99/max of both, and the TOP slowest blocks with
# their pixels, count sum (activity-pixels folded) and largest count.
#
# The default view's blocks are copies from the store's pyramid (the levels
# copied are printed); a filter that selects other activities renders them
# from the tracks, e.g. OPTIONS="DATE_FROM=2023-02-01" on the generated corpus
# (4,791 of 5,000 activities).
#
# With PROFILE=L, the TOP slowest blocks of level L are then rendered REPEAT
# times under `perf record -g`, and the hottest functions and source lines
# are printed. Line-level figures need debug information: the profile uses
# its own build folder PROF_BUILD (Release flags plus -g
# -fno-omit-frame-pointer), configured on first use.
#
# Settings (environment):
#   ACTIVITIES  generated activities (default 1000)
#   TOP         slowest blocks listed per level, and profiled (default 5)
#   MAX_BLOCKS  covered blocks rendered per level, a fixed sample beyond (default 3000)
#   CPU_TIME    1 (default) times blocks in thread CPU time, 0 in wall time
#   OPTIONS     extra open options, space-separated KEY=VALUE (e.g. "ZOOM=17")
#   PROFILE     level to profile (default: none)
#   REPEAT      renders of each profiled block (default 100)
#   SEED        generator seed (default 1)
#   BUILD       build folder (default <repo>/build-bench, configured Release)
#   PROF_BUILD  build folder of the profile (default ${TMPDIR:-/tmp}/heatmap-bench-build-prof)
#   DATA        corpus folder prefix: N activities in DATA-N (default
#               ${TMPDIR:-/tmp}/heatmap-bench-store, as bench/ingest.sh); its
#               store is kept in DATA-N-store and brought up to date first
#
# Example: ACTIVITIES=5000 PROFILE=0 TOP=3 bash bench/blocks.sh
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ACTIVITIES=${ACTIVITIES:-1000}
TOP=${TOP:-5}
MAX_BLOCKS=${MAX_BLOCKS:-3000}
CPU_TIME=${CPU_TIME:-1}
OPTIONS=${OPTIONS:-}
PROFILE=${PROFILE:-}
REPEAT=${REPEAT:-100}
SEED=${SEED:-1}
BUILD=${BUILD:-$ROOT/build-bench}
PROF_BUILD=${PROF_BUILD:-${TMPDIR:-/tmp}/heatmap-bench-build-prof}
DATA=${DATA:-${TMPDIR:-/tmp}/heatmap-bench-store}
dir="$DATA-$ACTIVITIES"

case "$dir/" in
"$ROOT"/build*/*) ;;
"$ROOT"/*) echo "blocks.sh: DATA must not be inside the source tree: $dir" >&2; exit 2 ;;
esac
if [[ -n "$PROFILE" ]]; then
    [[ "$PROFILE" =~ ^[0-9]+$ ]] || { echo "blocks.sh: PROFILE must be a level number" >&2; exit 2; }
    command -v perf >/dev/null || { echo "blocks.sh: PROFILE needs perf (Debian: linux-perf)" >&2; exit 2; }
fi

if [[ -f "$BUILD/CMakeCache.txt" ]]; then
    cmake -S "$ROOT" -B "$BUILD" >/dev/null # picks up targets added since the last run
else
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$BUILD" --target heatmap_cli hm_generate heatmap -j2 >/dev/null
lib="$BUILD/libheatmap.a"
if [[ -n "$PROFILE" ]]; then
    cmake -S "$ROOT" -B "$PROF_BUILD" -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_C_FLAGS="-g -fno-omit-frame-pointer" >/dev/null
    cmake --build "$PROF_BUILD" --target heatmap -j2 >/dev/null
    lib="$PROF_BUILD/libheatmap.a"
fi
heatmap="$BUILD/heatmap"
generate_bin="$BUILD/heatmap-generate"

work=$(mktemp -d "${TMPDIR:-/tmp}/heatmap-bench-blocks.XXXXXX")
trap 'rm -rf "$work"' EXIT
cc -O2 -g -std=c99 -Wall -Wextra -I"$ROOT/include" "$ROOT/bench/slow_blocks.c" "$lib" \
    $(pkg-config --libs gdal libxml-2.0 proj libpng zlib sqlite3) -lpthread -lm -o "$work/slow_blocks"

stamp="seed=$SEED activities=$ACTIVITIES formats=gpx" # bench/store.sh's and ingest.sh's stamp
if [[ ! -f "$dir/MANIFEST.csv" || "$(cat "$dir/.stamp" 2>/dev/null)" != "$stamp" ]]; then
    rm -rf "$dir" "$dir-store"
    echo "generating $ACTIVITIES activities in $dir"
    "$generate_bin" "$dir" --seed "$SEED" --activities "$ACTIVITIES" --formats gpx >/dev/null
    echo "$stamp" >"$dir/.stamp"
fi
mkdir -p "$dir-store"
export HEATMAP_STORE_DIR="$dir-store"
"$heatmap" index "$dir" | sed -n '1,2p'

args=("$dir" --top "$TOP" --max-blocks "$MAX_BLOCKS")
[[ "$CPU_TIME" == 1 ]] && args+=(--cpu-time)
for kv in $OPTIONS; do
    args+=(--option "$kv")
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
if [[ -z "$PROFILE" ]]; then
    "$work/slow_blocks" "${args[@]}"
    exit 0
fi
perf record -q -F 999 -g -o "$work/perf.data" -- \
    "$work/slow_blocks" "${args[@]}" --profile "$PROFILE" --repeat "$REPEAT"
echo
echo "== profile (whole run; the repeated blocks dominate it): functions, self time"
perf report -i "$work/perf.data" --stdio --no-children --sort sym -g none --percent-limit 0.5 \
    2>/dev/null | grep -v '^#' | grep -v '^$' | head -n 20
echo
echo "== source lines, self time"
perf report -i "$work/perf.data" --stdio --no-children --sort srcline -g none --percent-limit 0.8 \
    2>/dev/null | grep -v '^#' | grep -v '^$' | head -n 30
