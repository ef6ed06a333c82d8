#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Raster benchmark: generate a folder of activities with `heatmap-generate`,
# then run hm_bench_raster on it: open time (cold, and a second open in the
# same process, which the cache serves), block render time (median, p99,
# max) at level 0 and at every overview level over random data-covered
# blocks, empty-block query time, and a multi-threaded render throughput.
#
# Settings (environment):
#   ACTIVITIES  activities to generate (default 1000: about 4M points in one town)
#   REGIONS     towns to spread them over (default 1: the dense case)
#   BLOCKS      blocks rendered per level (default 300)
#   THREADS     threads for the throughput figure (default 2)
#   CPU_TIME    1 times blocks in thread CPU time (steadier on a shared machine)
#   OPTIONS     extra open options, space-separated KEY=VALUE (e.g. "ZOOM=17")
#   SEED        generator seed (default 1)
#   BUILD       build folder (default <repo>/build-bench, configured Release)
#   DATA        where the corpus goes (default ${TMPDIR:-/tmp}/heatmap-bench-raster);
#               kept and reused while the settings stay the same
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ACTIVITIES=${ACTIVITIES:-1000}
REGIONS=${REGIONS:-1}
BLOCKS=${BLOCKS:-300}
THREADS=${THREADS:-2}
OPTIONS=${OPTIONS:-}
SEED=${SEED:-1}
BUILD=${BUILD:-$ROOT/build-bench}
DATA=${DATA:-${TMPDIR:-/tmp}/heatmap-bench-raster}

case "$DATA/" in
"$ROOT"/build*/*) ;;
"$ROOT"/*) echo "raster.sh: DATA must not be inside the source tree: $DATA" >&2; exit 2 ;;
esac

[[ -f "$BUILD/CMakeCache.txt" ]] || cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" --target hm_generate hm_bench_raster gdal_HEATMAP -j2 >/dev/null

stamp="seed=$SEED activities=$ACTIVITIES regions=$REGIONS"
if [[ ! -f "$DATA/MANIFEST.csv" || "$(cat "$DATA/.stamp" 2>/dev/null)" != "$stamp" ]]; then
    rm -rf "$DATA"
    echo "generating $ACTIVITIES activities in $DATA"
    "$BUILD/heatmap-generate" "$DATA" --seed "$SEED" --activities "$ACTIVITIES" \
        --regions "$REGIONS" >/dev/null
    echo "$stamp" >"$DATA/.stamp"
fi

opts=()
if [[ "${CPU_TIME:-0}" == 1 ]]; then
    opts+=(--cpu-time)
fi
for kv in $OPTIONS; do
    opts+=(--option "$kv")
done
"$BUILD/hm_bench_raster" "$DATA" --blocks "$BLOCKS" --threads "$THREADS" ${opts[@]+"${opts[@]}"}

# The whole raster through GDAL: every band of every block, written as a tiled GeoTIFF.
if command -v gdal_translate >/dev/null; then
    out=$(mktemp -d)
    oo=()
    for kv in $OPTIONS; do
        oo+=(-oo "$kv")
    done
    for i in 1 2 3; do
        start=$(date +%s.%N)
        GDAL_DRIVER_PATH="$BUILD" gdal_translate -q ${oo[@]+"${oo[@]}"} -co TILED=YES \
            "HEATMAP:$DATA" "$out/heatmap.tif"
        end=$(date +%s.%N)
        echo "gdal_translate whole raster (5 bands, open included), run $i: $(awk "BEGIN{printf \"%.2f\", $end - $start}") s"
    done
    gdalinfo "$out/heatmap.tif" | grep '^Size is'
    rm -rf "$out"
fi
