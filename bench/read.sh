#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Read benchmark: generate one folder per format with `heatmap-generate`
# (the same tracks in each, so the formats compare like for like), then read
# each folder with hm_bench_read on 1 and on 2 threads and print a summary; GPX and TCX
# also by libxml2 alone (hm_bench_read --libxml2), 1 thread, for the scanner's share.
# A mixed folder cannot give per-format rates, hence one folder per format.
#
# Settings (environment):
#   ACTIVITIES  activities per format (default 300: about 1.4M points, roughly
#               0.4 GB of GPX, 0.7 GB of TCX and 40 MB of FIT)
#   REPEAT      reads per measurement, median reported (default 5)
#   FORMATS     formats to run (default "gpx tcx fit")
#   GZIP        1 to benchmark .gz files instead (default 0)
#   SEED        generator seed (default 1)
#   BUILD       build folder (default <repo>/build-bench, configured Release)
#   DATA        where the corpus goes (default ${TMPDIR:-/tmp}/heatmap-bench-read);
#               it is kept and reused while the settings stay the same
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ACTIVITIES=${ACTIVITIES:-300}
REPEAT=${REPEAT:-5}
FORMATS=${FORMATS:-"gpx tcx fit"}
GZIP=${GZIP:-0}
SEED=${SEED:-1}
BUILD=${BUILD:-$ROOT/build-bench}
DATA=${DATA:-${TMPDIR:-/tmp}/heatmap-bench-read}

case "$DATA/" in
"$ROOT"/build*/*) ;;
"$ROOT"/*) echo "read.sh: DATA must not be inside the source tree: $DATA" >&2; exit 2 ;;
esac

if [[ ! -x "$BUILD/heatmap-generate" || ! -x "$BUILD/hm_bench_read" ]]; then
    [[ -f "$BUILD/CMakeCache.txt" ]] || cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$BUILD" --target hm_generate hm_bench_read -j2 >/dev/null

gzip_opt=()
[[ "$GZIP" == 1 ]] && gzip_opt=(--gzip)
results=()
xml_ref=()
for fmt in $FORMATS; do
    dir="$DATA/$fmt"
    stamp="seed=$SEED activities=$ACTIVITIES gzip=$GZIP"
    if [[ ! -f "$dir/MANIFEST.csv" || "$(cat "$dir/.stamp" 2>/dev/null)" != "$stamp" ]]; then
        rm -rf "$dir"
        echo "generating $ACTIVITIES $fmt activities in $dir"
        "$BUILD/heatmap-generate" "$dir" --seed "$SEED" --activities "$ACTIVITIES" \
            --formats "$fmt" ${gzip_opt[@]+"${gzip_opt[@]}"} >/dev/null
        echo "$stamp" >"$dir/.stamp"
    fi
    for threads in 1 2; do
        echo "== $fmt, $threads thread(s)"
        out=$("$BUILD/hm_bench_read" "$dir" --threads "$threads" --repeat "$REPEAT")
        echo "$out" | sed -n '/^format/,/^points\/s/p'
        results+=("$fmt $threads $(echo "$out" | grep '^RESULT ')")
    done
    if [[ "$fmt" == gpx || "$fmt" == tcx ]]; then
        # The same folder by libxml2 alone (without the scanner), right after.
        out=$("$BUILD/hm_bench_read" "$dir" --threads 1 --repeat "$REPEAT" --libxml2)
        xml_ref+=("$fmt $(echo "$out" | grep '^RESULT ')")
    fi
done

echo
echo "summary (median of $REPEAT reads; MB = 10^6 bytes on disk$([[ "$GZIP" == 1 ]] && echo ', gzip'))"
printf '%s\n' "${results[@]}" | awk '
function field(name,   i, kv) {
    for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == name) return kv[2] }
    return ""
}
{
    fmt = $1; th = $2
    sec[fmt, th] = field("seconds_median"); mbs[fmt, th] = field("mb_s"); pps[fmt, th] = field("points_s")
    bytes[fmt] = field("bytes"); pts[fmt] = field("points"); files[fmt] = field("files")
    if (!(fmt in seen)) { seen[fmt] = 1; order[n++] = fmt }
}
END {
    printf "%-6s %6s %9s %10s %12s %15s %12s %8s\n", "format", "files", "MB", "points",
           "MB/s/core", "points/s/core", "MB/s (2 th)", "speedup"
    for (i = 0; i < n; i++) {
        f = order[i]
        printf "%-6s %6d %9.1f %10d %12.1f %15.0f %12.1f %8.2f\n", f, files[f], bytes[f] / 1e6,
               pts[f], mbs[f, 1], pps[f, 1], mbs[f, 2], sec[f, 1] / sec[f, 2]
    }
}'

# The scanner against libxml2 alone, 1 thread each (the time of the whole read, both parsers
# feeding the same readers): how much of the readers' speed is the scanner's.
if ((${#xml_ref[@]})); then
    echo
    echo "GPX/TCX: readers with the scanner (src/io/xml_scan.c) vs libxml2 alone, 1 thread, median"
    for row in "${xml_ref[@]}"; do
        fmt=${row%% *}
        ref=$(echo "$row" | tr ' ' '\n' | awk -F= '$1 == "seconds_median" {print $2}')
        fast=$(printf '%s\n' "${results[@]}" | awk -v f="$fmt" '$1 == f && $2 == 1' | tr ' ' '\n' |
            awk -F= '$1 == "seconds_median" {print $2}')
        awk -v f="$fmt" -v a="$fast" -v b="$ref" \
            'BEGIN { printf "%-6s scanner %.3f s, libxml2 %.3f s: %.2fx faster\n", f, a, b, b / a }'
    done
fi
