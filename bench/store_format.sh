#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Why the store is a flat mapped file and not SQLite, by measurement: the same
# store content (a store `heatmap index` wrote for generated activities)
# copied into SQLite (bench/store_format/to_sqlite.py: catalog rows, pieces
# as blobs, an R*Tree per level), then, each in a fresh process, RUNS times:
# open + catalog, and fetching one zoom-15 block's points at the centre of
# the data. Prints medians and the file sizes.
#
# Settings (environment):
#   ACTIVITIES  generated activities (default 1000)
#   RUNS        fresh processes per format (default 7)
#   BUILD       build folder (default <repo>/build-bench, configured Release)
#   DATA        corpus folder (default ${TMPDIR:-/tmp}/heatmap-bench-store-format)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ACTIVITIES=${ACTIVITIES:-1000}
RUNS=${RUNS:-7}
BUILD=${BUILD:-$ROOT/build-bench}
DATA=${DATA:-${TMPDIR:-/tmp}/heatmap-bench-store-format}
case "$DATA/" in
"$ROOT"/build*/*) ;;
"$ROOT"/*) echo "store_format.sh: DATA must not be inside the source tree: $DATA" >&2; exit 2 ;;
esac

[[ -f "$BUILD/CMakeCache.txt" ]] || cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" --target heatmap_cli hm_generate heatmap -j2 >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [[ "$(cat "$DATA/.stamp" 2>/dev/null)" != "$ACTIVITIES" ]]; then
    rm -rf "$DATA"
    "$BUILD/heatmap-generate" "$DATA/tracks" --seed 1 --activities "$ACTIVITIES" --formats gpx >/dev/null
    echo "$ACTIVITIES" >"$DATA/.stamp"
fi
HEATMAP_STORE_DIR="$work" "$BUILD/heatmap" index "$DATA/tracks" >/dev/null
store=$(ls "$work"/*.hmstore)
read -r X Y < <(/usr/bin/python3 "$ROOT/bench/store_format/to_sqlite.py" "$store" "$work/store.sqlite")
cc -O2 -D_GNU_SOURCE -I"$ROOT/include" -I"$ROOT/src" "$ROOT/bench/store_format/flat_block.c" \
    "$BUILD/libheatmap.a" $(pkg-config --libs gdal libxml-2.0 proj libpng zlib) -lpthread -lm \
    -o "$work/flat_block"

median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
for i in $(seq "$RUNS"); do
    "$work/flat_block" "$store" "$X" "$Y" >>"$work/flat.txt"
    /usr/bin/python3 "$ROOT/bench/store_format/sqlite_block.py" "$work/store.sqlite" "$X" "$Y" >>"$work/sqlite.txt"
done
printf '%-8s %10s %14s %18s %8s\n' format "size MB" "open+catalog ms" "one block's data ms" pieces
for f in flat sqlite; do
    file=$store
    [[ $f == sqlite ]] && file=$work/store.sqlite
    printf '%-8s %10.1f %14.3f %18.3f %8s\n' "$f" "$(stat -c %s "$file" | awk '{print $1 / 1e6}')" \
        "$(cut -d' ' -f1 "$work/$f.txt" | median)" "$(cut -d' ' -f2 "$work/$f.txt" | median)" \
        "$(cut -d' ' -f3 "$work/$f.txt" | head -1)"
done
