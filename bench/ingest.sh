#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Ingest benchmark (issue #10): how far a cold store build is from the XML
# parsing it cannot avoid, what it costs in memory, and how fast blocks
# render from what it built.
#
# On a folder of ACTIVITIES generated GPX files (GPX 1.1 as Strava and
# Garmin export it, TrackPointExtension heart rate and cadence, from
# `heatmap-generate --formats gpx`; with STRAVA=1 laid out as a Strava bulk
# export: activities.csv and activities/<id>.gpx.gz), after one untimed
# read of every file (the page cache is warm: the comparison is CPU, not
# disk), REPEAT rounds, each running one after the other:
#   (a) sax_empty: libxml2's SAX2 push parser with empty callbacks over the
#       same files (bench/sax_empty.c: the parser set up and fed as
#       src/io/xml_util.c does, 256 KiB chunks), THREADS threads;
#       with PULL=1 also sax_empty --pull: libxml2's pull parser, same files
#       and callbacks (what replacing the push parser would give);
#   (b) cold build: `heatmap index DATA --store <new file> --threads THREADS`
#       in a new, empty HEATMAP_STORE_DIR (the store and its pyramid);
#   (c) cold open: `gdalinfo -oo ZOOM=z HEATMAP:DATA` for each z in ZOOMS,
#       each in a new, empty HEATMAP_STORE_DIR (so the open builds the store
#       in the gdalinfo process, as a user's first open does).
# Wall time from bash's EPOCHREALTIME around each process; peak RSS and CPU
# time (user + system) from /usr/bin/time. Reported: medians, and the
# build/sax ratio both as the median of the per-round ratios (each pair ran
# next to each other: the machine may be shared) and as the ratio of the
# medians. CPU/wall says how many cores a step kept busy.
# Then (RASTER=1) hm_bench_raster on the same folder, opened on the store
# built in (b): block render time median/p99/max per level (BLOCKS random
# data-covered blocks per level), as bench/raster.sh prints it. raster.sh
# itself is not called: its corpus has another stamp (all three formats) and
# it would replace this one. Which blocks are slow and why: bench/blocks.sh.
#
# Settings (environment):
#   ACTIVITIES  generated activities (default 1000: about 1.2 GB of GPX, 4.2M
#               points; 5000: about 6 GB)
#   REPEAT      rounds of (a) (b) (c) (default 3)
#   THREADS     threads of sax_empty, heatmap index and the driver (default 2)
#   ZOOMS       zooms of the cold gdalinfo opens (default "14 22"; "" skips (c))
#   PULL        1 to time the pull parser too (default 0)
#   RASTER      1 to time blocks per level afterwards (default 1)
#   BLOCKS      blocks rendered per level (default 300)
#   CPU_TIME    1 times blocks in thread CPU time (steadier on a shared machine)
#   OPTIONS     extra open options for the block timing, space-separated KEY=VALUE
#   STRAVA      1 for the Strava export layout (gzip files; corpus DATA-N-strava)
#   SEED        generator seed (default 1)
#   BUILD       build folder (default <repo>/build-bench, configured Release)
#   DATA        corpus folder prefix: N activities go to DATA-N (default
#               ${TMPDIR:-/tmp}/heatmap-bench-store, the same corpus as
#               bench/store.sh and bench/blocks.sh); kept and reused while the
#               settings stay the same
# Stores and the sax_empty binary go to a temporary folder removed on exit;
# nothing is written in the source tree but the build.
#
# Example: ACTIVITIES=5000 bash bench/ingest.sh
set -euo pipefail
export LC_ALL=C # '.' as the decimal point in EPOCHREALTIME, awk and sort

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ACTIVITIES=${ACTIVITIES:-1000}
REPEAT=${REPEAT:-3}
THREADS=${THREADS:-2}
ZOOMS=${ZOOMS-"14 22"}
PULL=${PULL:-0}
RASTER=${RASTER:-1}
BLOCKS=${BLOCKS:-300}
CPU_TIME=${CPU_TIME:-0}
OPTIONS=${OPTIONS:-}
STRAVA=${STRAVA:-0}
SEED=${SEED:-1}
BUILD=${BUILD:-$ROOT/build-bench}
DATA=${DATA:-${TMPDIR:-/tmp}/heatmap-bench-store}
dir="$DATA-$ACTIVITIES"
[[ "$STRAVA" == 1 ]] && dir+="-strava"

case "$dir/" in
"$ROOT"/build*/*) ;;
"$ROOT"/*) echo "ingest.sh: DATA must not be inside the source tree: $dir" >&2; exit 2 ;;
esac
[[ "$ACTIVITIES" =~ ^[1-9][0-9]*$ && "$REPEAT" =~ ^[1-9][0-9]*$ && "$THREADS" =~ ^[1-9][0-9]*$ ]] ||
    { echo "ingest.sh: ACTIVITIES, REPEAT and THREADS must be positive integers" >&2; exit 2; }

# Configured every time (cheap): picks up targets and sources added since the last run.
if [[ -f "$BUILD/CMakeCache.txt" ]]; then
    cmake -S "$ROOT" -B "$BUILD" >/dev/null
else
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$BUILD" --target heatmap_cli hm_generate gdal_HEATMAP hm_bench_raster -j2 >/dev/null
export GDAL_DRIVER_PATH="$BUILD" GDAL_PAM_ENABLED=NO
unset HEATMAP_STORE_DIR
heatmap="$BUILD/heatmap"

work=$(mktemp -d "${TMPDIR:-/tmp}/heatmap-bench-ingest.XXXXXX")
trap 'rm -rf "$work"' EXIT
# -O2 as a Release build; libxml2 and zlib are the system's on both sides.
cc -O2 -std=c99 -Wall -Wextra "$ROOT/bench/sax_empty.c" \
    $(pkg-config --cflags --libs libxml-2.0 zlib) -lpthread -o "$work/sax_empty"

# ---------------------------------------------------------------- helpers

die() {
    echo "ingest.sh: $*" >&2
    exit 1
}
# median of the arguments (mean of the two middle ones for an even count)
median() {
    printf '%s\n' "$@" | sort -g |
        awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'
}
# median of the per-pair ratios a[i]/b[i] of two equally long lists "a1 a2 ..." "b1 b2 ..."
pair_ratio() {
    local r
    read -ra r < <(awk -v a="$1" -v b="$2" 'BEGIN {n = split(a, x, " "); split(b, y, " ")
        for (i = 1; i <= n; i++) printf "%.4f ", x[i] / y[i]; print ""}')
    median "${r[@]}"
}
div() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
secs() { awk -v s="$1" 'BEGIN {printf (s >= 10 ? "%.1f s" : s >= 1 ? "%.2f s" : "%.3f s"), s}'; }
mb() { awk -v k="$1" 'BEGIN {printf "%.0f MB", k / 1024}'; }

# time_cmd OUT CMD...: run CMD, stdout to OUT, stderr to $work/stderr; sets SECS (wall),
# RSS_KB (peak resident set) and CPU (user + system seconds). Fails loudly.
SECS=0
RSS_KB=0
CPU=0
time_cmd() {
    local out=$1 start end
    shift
    start=$EPOCHREALTIME
    if ! /usr/bin/time -f '%M %U %S' -o "$work/time" "$@" >"$out" 2>"$work/stderr"; then
        echo "ingest.sh: failed: $*" >&2
        head -n 20 "$work/stderr" >&2
        exit 1
    fi
    end=$EPOCHREALTIME
    SECS=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.4f", b - a}')
    read -r RSS_KB u s < <(tail -n 1 "$work/time")
    CPU=$(awk -v u="$u" -v s="$s" 'BEGIN {printf "%.2f", u + s}')
}

# ---------------------------------------------------------------- corpus

stamp="seed=$SEED activities=$ACTIVITIES formats=gpx" # bench/store.sh's stamp
gen_opts=(--seed "$SEED" --activities "$ACTIVITIES" --formats gpx)
if [[ "$STRAVA" == 1 ]]; then
    stamp+=" strava"
    gen_opts+=(--strava)
fi
if [[ ! -f "$dir/MANIFEST.csv" || "$(cat "$dir/.stamp" 2>/dev/null)" != "$stamp" ]]; then
    rm -rf "$dir"
    echo "generating $ACTIVITIES activities in $dir"
    start=$EPOCHREALTIME
    "$BUILD/heatmap-generate" "$dir" "${gen_opts[@]}" >/dev/null
    echo "$stamp" >"$dir/.stamp"
    echo "  generated in $(secs "$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN {print b - a}')")"
fi
tracks=(-type f \( -name '*.gpx' -o -name '*.gpx.gz' -o -name '*.tcx' -o -name '*.tcx.gz' \))
files=$(find "$dir" "${tracks[@]}" | wc -l)
input=$(find "$dir" "${tracks[@]}" -printf '%s\n' | awk '{s += $1} END {print s + 0}')
fit=$(find "$dir" -type f \( -name '*.fit' -o -name '*.fit.gz' \) | wc -l)
((fit == 0)) || echo "note: $fit FIT files in $dir: read by the build, left out by sax_empty"

echo "ingest benchmark: $ACTIVITIES activities, $files files, $(awk -v b="$input" 'BEGIN {printf "%.0f", b / 1e6}') MB" \
    "in $dir; $REPEAT rounds; $THREADS threads; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg);" \
    "libxml2 $(pkg-config --modversion libxml-2.0); $(gdalinfo --version | cut -d, -f1)"
echo "warming the page cache (one untimed read of every file)"
find "$dir" -type f -print0 | xargs -0 cat >/dev/null

# ---------------------------------------------------------------- rounds

sax=() sax_cpu=() sax_rss=() pull=() pull_cpu=()
build=() build_cpu=() build_rss=() build_self=()
declare -A open_s open_rss open_cpu
for z in $ZOOMS; do
    open_s[$z]="" open_rss[$z]="" open_cpu[$z]=""
done
store=""
for i in $(seq "$REPEAT"); do
    # (a) the parse floor
    time_cmd "$work/sax.txt" "$work/sax_empty" "$dir" --threads "$THREADS"
    sax+=("$SECS") sax_cpu+=("$CPU") sax_rss+=("$RSS_KB")
    grep -q ' errors=0 ' "$work/sax.txt" || die "sax_empty: $(cat "$work/sax.txt")"
    line="round $i: sax $(secs "$SECS") (cores $(div "$CPU" "$SECS"))"
    if [[ "$PULL" == 1 ]]; then
        time_cmd "$work/sax.txt" "$work/sax_empty" "$dir" --threads "$THREADS" --pull
        grep -q ' errors=0 ' "$work/sax.txt" || die "sax_empty --pull: $(cat "$work/sax.txt")"
        pull+=("$SECS") pull_cpu+=("$CPU")
        line+=", pull $(secs "$SECS")"
    fi

    # (b) cold build into a new store folder and file
    rm -rf "$work/store"
    mkdir "$work/store"
    store="$work/store/bench.hmstore"
    time_cmd "$work/index.txt" env HEATMAP_STORE_DIR="$work/store" \
        "$heatmap" index "$dir" --store "$store" --threads "$THREADS"
    grep -q '(written)' "$work/index.txt" || die "cold heatmap index wrote no store: $(cat "$work/index.txt")"
    grep -q " $files read, 0 skipped" "$work/index.txt" || die "heatmap index: $(cat "$work/index.txt")"
    build+=("$SECS") build_cpu+=("$CPU") build_rss+=("$RSS_KB")
    build_self+=("$(awk '/^time:/ {print $2}' "$work/index.txt")")
    line+=", build $(secs "$SECS") (cores $(div "$CPU" "$SECS"), $(mb "$RSS_KB")), ratio $(div "$SECS" "${sax[-1]}")"

    # (c) cold opens through GDAL
    for z in $ZOOMS; do
        rm -rf "$work/open"
        mkdir "$work/open"
        time_cmd "$work/gdalinfo.txt" env HEATMAP_STORE_DIR="$work/open" \
            gdalinfo -oo "ZOOM=$z" -oo "THREADS=$THREADS" "HEATMAP:$dir"
        grep -q '^Size is' "$work/gdalinfo.txt" || die "gdalinfo ZOOM=$z: $(head -n 5 "$work/gdalinfo.txt")"
        [[ -n "$(find "$work/open" -name '*.hmstore')" ]] || die "gdalinfo ZOOM=$z wrote no store"
        open_s[$z]+="$SECS " open_rss[$z]+="$RSS_KB " open_cpu[$z]+="$CPU "
        line+=", gdalinfo z$z $(secs "$SECS") $(mb "$RSS_KB")"
    done
    echo "$line"
done
rm -rf "$work/open"
store_bytes=$(stat -c %s "$store")

sax_med=$(median "${sax[@]}")
build_med=$(median "${build[@]}")
echo
echo "== summary: $ACTIVITIES activities, $files files, $(awk -v b="$input" 'BEGIN {printf "%.0f", b / 1e6}') MB;" \
    "medians of $REPEAT rounds; $THREADS threads"
printf '  %-40s %8s   cores busy %s   peak RSS %s\n' "libxml2 SAX2, empty callbacks" \
    "$(secs "$sax_med")" "$(div "$(median "${sax_cpu[@]}")" "$sax_med")" "$(mb "$(median "${sax_rss[@]}")")"
if [[ "$PULL" == 1 ]]; then
    printf '  %-40s %8s   cores busy %s   (CPU %s s; build / pull: wall %s, CPU %s)\n' \
        "libxml2 pull parser, empty callbacks" "$(secs "$(median "${pull[@]}")")" \
        "$(div "$(median "${pull_cpu[@]}")" "$(median "${pull[@]}")")" "$(median "${pull_cpu[@]}")" \
        "$(div "$(pair_ratio "${build[*]}" "${pull[*]}")" 1)" \
        "$(div "$(pair_ratio "${build_cpu[*]}" "${pull_cpu[*]}")" 1)"
fi
printf '  %-40s %8s   cores busy %s   peak RSS %s (max %s)   store %s MB\n' \
    "cold build (heatmap index)" "$(secs "$build_med")" \
    "$(div "$(median "${build_cpu[@]}")" "$build_med")" "$(mb "$(median "${build_rss[@]}")")" \
    "$(mb "$(printf '%s\n' "${build_rss[@]}" | sort -n | tail -n 1)")" \
    "$(awk -v b="$store_bytes" 'BEGIN {printf "%.1f", b / 1e6}')"
printf '  %-40s %s (median of per-round ratios; ratio of medians %s)   aim <= 1.25\n' \
    "build / sax, wall time" "$(div "$(pair_ratio "${build[*]}" "${sax[*]}")" 1)" "$(div "$build_med" "$sax_med")"
printf '  %-40s %s (CPU s: build %s, sax %s; steadier than wall time when the machine is shared)\n' \
    "build / sax, CPU time (user + system)" "$(div "$(pair_ratio "${build_cpu[*]}" "${sax_cpu[*]}")" 1)" \
    "$(median "${build_cpu[@]}")" "$(median "${sax_cpu[@]}")"
for z in $ZOOMS; do
    read -ra s <<<"${open_s[$z]}"
    read -ra r <<<"${open_rss[$z]}"
    read -ra c <<<"${open_cpu[$z]}"
    printf '  %-40s %8s   cores busy %s   peak RSS %s (max %s)\n' "cold gdalinfo -oo ZOOM=$z" \
        "$(secs "$(median "${s[@]}")")" "$(div "$(median "${c[@]}")" "$(median "${s[@]}")")" \
        "$(mb "$(median "${r[@]}")")" "$(mb "$(printf '%s\n' "${r[@]}" | sort -n | tail -n 1)")"
done
echo "  per round (s): sax ${sax[*]}; build ${build[*]} (heatmap's own: ${build_self[*]})"
echo "  aim: build within 1.25x of sax; peak RSS < 600 MB, independent of ZOOM"
echo "  load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"

# ---------------------------------------------------------------- blocks per level

if [[ "$RASTER" == 1 ]]; then
    opts=(--option "STORE=$store" --option "THREADS=$THREADS")
    [[ "$CPU_TIME" == 1 ]] && opts+=(--cpu-time)
    for kv in $OPTIONS; do
        opts+=(--option "$kv")
    done
    echo
    echo "== blocks per level (hm_bench_raster, $BLOCKS data-covered blocks per level; the store of (b))"
    HEATMAP_STORE_DIR="$work/store" "$BUILD/hm_bench_raster" "$dir" --blocks "$BLOCKS" \
        --threads "$THREADS" "${opts[@]}"
fi
