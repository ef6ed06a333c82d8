#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Tile benchmark: `heatmap tiles` against gdal2tiles on the same heatmap, the
# same zooms and the same parallelism, then `heatmap render` of one image.
#
# The fairest gdal2tiles settings we know: it reads a descriptor with
# RENDER=count at ZOOM=<deepest zoom> (so its base tiles are the raster's
# own blocks, read without any resampling), builds the shallower zooms
# itself from its base tiles with its cheapest resampling (-r near), skips
# transparent tiles (-x, like `heatmap tiles`), writes no viewer (-w none),
# and runs PROCS processes. `heatmap tiles` renders every zoom natively from
# the tracks with PROCS threads. Both write the same XYZ PNG pyramid; the
# wall time includes opening (reading the tracks) in both. Each figure is
# the median of RUNS runs.
#
# Settings (environment):
#   ACTIVITIES  activities to generate (default 300, in one town)
#   REGIONS     towns to spread them over (default 1)
#   ZOOMS       zoom range (default 10-16)
#   PROCS       threads / processes for both tools (default 2)
#   RUNS        runs per figure, median reported (default 3)
#   SIZE        `heatmap render` image bound, pixels (default 2048)
#   SEED        generator seed (default 1)
#   BUILD       build folder (default <repo>/build-bench, configured Release)
#   DATA        where the corpus goes (default ${TMPDIR:-/tmp}/heatmap-bench-tiles);
#               kept and reused while the settings stay the same
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ACTIVITIES=${ACTIVITIES:-300}
REGIONS=${REGIONS:-1}
ZOOMS=${ZOOMS:-10-16}
PROCS=${PROCS:-2}
RUNS=${RUNS:-3}
SIZE=${SIZE:-2048}
SEED=${SEED:-1}
BUILD=${BUILD:-$ROOT/build-bench}
DATA=${DATA:-${TMPDIR:-/tmp}/heatmap-bench-tiles}

case "$DATA/" in
"$ROOT"/build*/*) ;;
"$ROOT"/*) echo "tiles.sh: DATA must not be inside the source tree: $DATA" >&2; exit 2 ;;
esac
zmax=${ZOOMS#*-}

[[ -f "$BUILD/CMakeCache.txt" ]] || cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" --target heatmap_cli hm_generate gdal_HEATMAP -j2 >/dev/null
export GDAL_DRIVER_PATH="$BUILD"
heatmap="$BUILD/heatmap"
generate_bin="$BUILD/heatmap-generate"

stamp="seed=$SEED activities=$ACTIVITIES regions=$REGIONS"
if [[ ! -f "$DATA/MANIFEST.csv" || "$(cat "$DATA/.stamp" 2>/dev/null)" != "$stamp" ]]; then
    rm -rf "$DATA"
    echo "generating $ACTIVITIES activities in $DATA"
    "$generate_bin" "$DATA" --seed "$SEED" --activities "$ACTIVITIES" --regions "$REGIONS" >/dev/null
    echo "$stamp" >"$DATA/.stamp"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$heatmap" descriptor "$DATA" -o "$work/bench.heatmap" --band count --zoom "$zmax" >/dev/null

gdal2tiles=()
if command -v gdal2tiles.py >/dev/null; then
    gdal2tiles=(gdal2tiles.py)
elif /usr/bin/python3 -c 'import osgeo_utils.gdal2tiles' 2>/dev/null; then
    gdal2tiles=(/usr/bin/python3 -m osgeo_utils.gdal2tiles)
fi

# median of the arguments
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
# seconds taken by a command (its output discarded)
seconds() {
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null
    end=$(date +%s.%N)
    awk "BEGIN{printf \"%.3f\", $end - $start}"
}
count_tiles() { find "$1" -name '*.png' | wc -l; }

report() { # name, tiles, times...
    local name=$1 tiles=$2 med
    shift 2
    med=$(median "$@")
    printf '%-32s %6d tiles  %8.2f s  %8.1f tiles/s   (runs: %s)\n' "$name" "$tiles" "$med" \
        "$(awk "BEGIN{print $tiles / $med}")" "$*"
    echo "$med" >"$work/last"
}

echo "data: $ACTIVITIES activities, $REGIONS region(s); zooms $ZOOMS; $PROCS threads/processes; median of $RUNS"
times=()
for i in $(seq "$RUNS"); do
    rm -rf "$work/hm"
    times+=("$(seconds "$heatmap" tiles "$DATA" "$work/hm" --zoom "$ZOOMS" --threads "$PROCS")")
done
hm_tiles=$(count_tiles "$work/hm")
report "heatmap tiles" "$hm_tiles" "${times[@]}"
hm_time=$(cat "$work/last")
# Where the time goes, from one more run's own summary (opening = reading + indexing, per zoom).
rm -rf "$work/hm"
split=$("$heatmap" tiles "$DATA" "$work/hm" --zoom "$ZOOMS" --threads "$PROCS")
echo "  ${split#*\(}" | sed 's/)$//'

if [[ ${#gdal2tiles[@]} -gt 0 ]]; then
    times=()
    for i in $(seq "$RUNS"); do
        rm -rf "$work/g2t"
        times+=("$(seconds "${gdal2tiles[@]}" -q --xyz -z "$ZOOMS" -r near -x -w none \
            --processes="$PROCS" "$work/bench.heatmap" "$work/g2t")")
    done
    g2t_tiles=$(count_tiles "$work/g2t")
    report "gdal2tiles -r near -x" "$g2t_tiles" "${times[@]}"
    g2t_time=$(cat "$work/last")
    awk "BEGIN{printf \"speed-up of heatmap tiles over gdal2tiles: %.2fx (wall time, same zooms)\n\", $g2t_time / $hm_time}"
    echo "  (gdal2tiles -x still writes some fully transparent tiles, hence its larger count)"
else
    echo "gdal2tiles not installed: comparison skipped"
fi

times=()
for i in $(seq "$RUNS"); do
    times+=("$(seconds "$heatmap" render "$DATA" -o "$work/render.png" --width "$SIZE" --height "$SIZE" \
        --threads "$PROCS")")
done
summary=$("$heatmap" render "$DATA" -o "$work/render.png" --width "$SIZE" --height "$SIZE" --threads "$PROCS")
printf '%-32s %s; median %s s (runs: %s)\n' "heatmap render (${SIZE} px bound)" "${summary#*: }" \
    "$(median "${times[@]}")" "${times[*]}"
