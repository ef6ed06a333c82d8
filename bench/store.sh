#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Track store benchmark: what the persistent store (one file per source in
# HEATMAP_STORE_DIR, built or updated by `heatmap index`) costs and buys,
# each process started fresh as a user or a web server starts it.
#
# For each corpus size in ACTIVITIES (GPX files from `heatmap-generate`):
#   - cold build: `heatmap index DATA` into an empty store folder (RUNS runs),
#     wall time and peak RSS; and one cold `gdalinfo HEATMAP:DATA` (what a
#     user meets on the first open);
#   - warm open: `gdalinfo HEATMAP:DATA` on a current store against
#     `gdalinfo` of a GeoTIFF of the same grid, alternated A B A B ...
#     (WARM_RUNS pairs), wall time and peak RSS;
#   - WMS GetMap through the MapServer CGI (a new process per request), one
#     256x256 PNG over the centre of the data, a quarter of its width across:
#     layer HEATMAP:DATA:RENDER=count against a styled GeoTIFF of the same
#     grid, after one untimed warm-up each (the first HEATMAP request computes
#     and stores the style statistics; the GeoTIFF has no overviews, so
#     MapServer decimates its full-resolution tiles); in the same rounds, the same request
#     with a filter never seen before (SPORT=running and a new DATE_FROM each
#     round), so its statistics are computed every time;
#   - update: one GPX file added to DATA, then `heatmap index DATA` (RUNS
#     runs; the file is removed and the store updated again after each);
#   - the store's size against the input's.
# Every figure is a median; a ratio is the median of the per-pair (per-round)
# ratios, both sides measured next to each other, since the machine may be
# shared. Wall times come from bash's EPOCHREALTIME around the process (no
# fork inside the measured interval), peak RSS from /usr/bin/time -f %M.
# The input files stay in the page cache: "cold" means an empty store, not
# an empty cache.
#
# Settings (environment):
#   ACTIVITIES  corpus sizes to run, space-separated (default "1000 5000":
#               about 1.2 GB and 6 GB of GPX; "200" for a quick run)
#   RUNS        runs of the cold build and of the one-file update (default 3)
#   WARM_RUNS   pairs of warm gdalinfo, and rounds of WMS requests (default 9)
#   SEED        generator seed (default 1)
#   BUILD       build folder (default <repo>/build-bench, configured Release)
#   DATA        corpus folder prefix: N activities go to DATA-N (default
#               ${TMPDIR:-/tmp}/heatmap-bench-store); kept and reused while
#               the settings stay the same
#   MAPSERV     MapServer CGI (default /usr/lib/cgi-bin/mapserv; the WMS
#               figures are skipped with a note when it is absent)
# Store folders, GeoTIFFs and mapfiles go to a temporary folder that is
# removed on exit; nothing is written in the source tree but the build.
set -euo pipefail
export LC_ALL=C # '.' as the decimal point in EPOCHREALTIME, awk and sort

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ACTIVITIES=${ACTIVITIES:-"1000 5000"}
RUNS=${RUNS:-3}
WARM_RUNS=${WARM_RUNS:-9}
SEED=${SEED:-1}
BUILD=${BUILD:-$ROOT/build-bench}
DATA=${DATA:-${TMPDIR:-/tmp}/heatmap-bench-store}
MAPSERV=${MAPSERV:-/usr/lib/cgi-bin/mapserv}

for n in $ACTIVITIES; do
    case "$DATA-$n/" in
    "$ROOT"/build*/*) ;;
    "$ROOT"/*) echo "store.sh: DATA must not be inside the source tree: $DATA-$n" >&2; exit 2 ;;
    esac
done

[[ -f "$BUILD/CMakeCache.txt" ]] || cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" --target heatmap_cli hm_generate gdal_HEATMAP -j2 >/dev/null
export GDAL_DRIVER_PATH="$BUILD" GDAL_PAM_ENABLED=NO
heatmap="$BUILD/heatmap"
generate_bin="$BUILD/heatmap-generate"

work=$(mktemp -d "${TMPDIR:-/tmp}/heatmap-bench-store.XXXXXX")
extra="" # the file step "update" adds to DATA, removed again on any exit
cleanup() {
    [[ -n "$extra" ]] && rm -f "$extra"
    rm -rf "$work"
}
trap cleanup EXIT

# ---------------------------------------------------------------- helpers

die() {
    echo "store.sh: $*" >&2
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
# a number of seconds, with the decimals its size deserves
secs() { awk -v s="$1" 'BEGIN {printf (s >= 10 ? "%.1f s" : s >= 1 ? "%.2f s" : "%.3f s"), s}'; }
# kilobytes as megabytes
mb() { awk -v k="$1" 'BEGIN {printf "%.0f MB", k / 1024}'; }
# bytes as megabytes (10^6), one decimal below 100
mbytes() { awk -v b="$1" 'BEGIN {m = b / 1e6; printf (m >= 100 ? "%.0f MB" : "%.1f MB"), m}'; }
ratio() { awk -v r="$1" 'BEGIN {printf "%.2f", r}'; }

# time_cmd OUT CMD...: run CMD with its stdout in OUT (stderr in $work/stderr);
# sets SECS (wall seconds) and RSS_KB (peak resident set, KB). Fails loudly.
SECS=0
RSS_KB=0
time_cmd() {
    local out=$1 start end
    shift
    start=$EPOCHREALTIME
    if ! /usr/bin/time -f %M -o "$work/rss" "$@" >"$out" 2>"$work/stderr"; then
        echo "store.sh: failed: $*" >&2
        head -n 20 "$work/stderr" >&2
        exit 1
    fi
    end=$EPOCHREALTIME
    SECS=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.4f", b - a}')
    RSS_KB=$(tail -n 1 "$work/rss")
}

# generate N DIR: the corpus, unless DIR already holds it
generate() {
    local n=$1 dir=$2 stamp="seed=$SEED activities=$1 formats=gpx"
    if [[ ! -f "$dir/MANIFEST.csv" || "$(cat "$dir/.stamp" 2>/dev/null)" != "$stamp" ]]; then
        rm -rf "$dir"
        echo "generating $n activities in $dir"
        "$generate_bin" "$dir" --seed "$SEED" --activities "$n" --formats gpx >/dev/null
        echo "$stamp" >"$dir/.stamp"
    fi
}

# write_mapfile FILE DATA: a WMS mapfile with one raster layer "heat" reading DATA
write_mapfile() {
    cat >"$1" <<EOF
MAP
  NAME "heatmap"
  EXTENT $extent
  SIZE 256 256
  PROJECTION "init=epsg:3857" END
  OUTPUTFORMAT
    NAME "png"
    DRIVER AGG/PNG
    MIMETYPE "image/png"
    IMAGEMODE RGBA
    TRANSPARENT ON
    EXTENSION "png"
  END
  WEB
    METADATA
      "wms_title" "heatmap"
      "wms_onlineresource" "http://localhost/cgi-bin/mapserv?"
      "wms_srs" "EPSG:3857"
      "wms_enable_request" "*"
    END
  END
  LAYER
    NAME "heat"
    TYPE RASTER
    STATUS ON
    DATA "$2"
    PROJECTION "init=epsg:3857" END
  END
END
EOF
}

# getmap MAPFILE: one GetMap through the CGI, timed (SECS, RSS_KB); the
# response must be a PNG, else its first lines are shown and the run stops.
getmap() {
    local query="SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=heat&STYLES=&CRS=EPSG:3857"
    query+="&BBOX=$bbox&WIDTH=256&HEIGHT=256&FORMAT=image/png&TRANSPARENT=TRUE"
    time_cmd "$work/response" env MAPSERVER_CONFIG_FILE="$work/mapserver.conf" MS_MAPFILE="$1" \
        REQUEST_METHOD=GET QUERY_STRING="$query" "$MAPSERV"
    if [[ "$(head -n 1 "$work/response" | tr -d '\r')" != "Content-Type: image/png" ]]; then
        echo "store.sh: GetMap on $1 did not return a PNG; the response begins:" >&2
        head -c 2000 "$work/response" | head -n 20 >&2
        exit 1
    fi
    PNG_BYTES=$(($(stat -c %s "$work/response") - $(grep -a -b -m 1 -x $'\r' "$work/response" | cut -d: -f1) - 2))
}

# run_index: `heatmap index DATA`, timed, its report in $work/index.txt
run_index() { time_cmd "$work/index.txt" "$heatmap" index "$dir"; }

# ---------------------------------------------------------------- benchmark

echo "store benchmark: activities $ACTIVITIES; $RUNS cold/update runs, $WARM_RUNS warm pairs;" \
    "$(nproc) cores; $(gdalinfo --version | cut -d, -f1)"
printf 'CONFIG\n  ENV\n    MS_MAP_PATTERN "\\.map$"\n  END\nEND\n' >"$work/mapserver.conf"
summary=()

for n in $ACTIVITIES; do
    dir="$DATA-$n"
    generate "$n" "$dir"
    store="$work/store-$n"
    mkdir -p "$store"
    export HEATMAP_STORE_DIR="$store"
    files=$(find "$dir" -type f -name '*.gpx' | wc -l)
    input=$(find "$dir" -type f -name '*.gpx' -printf '%s\n' | awk '{s += $1} END {print s + 0}')
    echo "== $n activities: $files files, $(mbytes "$input") of GPX in $dir"

    # Cold build: an empty store folder each run.
    cold=()
    cold_rss=()
    for i in $(seq "$RUNS"); do
        rm -rf "${store:?}"/*
        run_index
        grep -q '(written)' "$work/index.txt" || die "cold heatmap index wrote no store: $(cat "$work/index.txt")"
        cold+=("$SECS")
        cold_rss+=("$RSS_KB")
        echo "cold heatmap index, run $i: $(secs "$SECS"), peak RSS $(mb "$RSS_KB")"
    done
    sed -n 's/^store size: /  store size: /p' "$work/index.txt"
    cold_med=$(median "${cold[@]}")

    # The cold open a user meets: gdalinfo with an empty store (the driver writes the store).
    rm -rf "${store:?}"/*
    time_cmd /dev/null gdalinfo "HEATMAP:$dir"
    cold_gdalinfo=$SECS
    cold_gdalinfo_rss=$RSS_KB
    echo "cold gdalinfo HEATMAP: $(secs "$SECS"), peak RSS $(mb "$RSS_KB")"
    run_index
    grep -q '(current, nothing read)' "$work/index.txt" ||
        die "the store is not current after gdalinfo: $(cat "$work/index.txt")"
    hmstore=$(find "$store" -name '*.hmstore')
    store_bytes=$(stat -c %s "$hmstore")

    # Warm open against a GeoTIFF of the same grid, A B A B ...
    echo "writing the GeoTIFFs of the grid (5 bands, and styled count)"
    gdal_translate -q -co TILED=YES -co COMPRESS=DEFLATE "HEATMAP:$dir" "$work/grid.tif"
    gdal_translate -q -co TILED=YES "HEATMAP:$dir:RENDER=count" "$work/styled.tif"
    time_cmd /dev/null gdalinfo "HEATMAP:$dir" # warm-up of both, untimed
    time_cmd /dev/null gdalinfo "$work/grid.tif"
    warm=()
    warm_rss=()
    tif=()
    tif_rss=()
    for i in $(seq "$WARM_RUNS"); do
        time_cmd /dev/null gdalinfo "HEATMAP:$dir"
        warm+=("$SECS")
        warm_rss+=("$RSS_KB")
        time_cmd /dev/null gdalinfo "$work/grid.tif"
        tif+=("$SECS")
        tif_rss+=("$RSS_KB")
    done
    warm_med=$(median "${warm[@]}")
    tif_med=$(median "${tif[@]}")
    warm_ratio=$(pair_ratio "${warm[*]}" "${tif[*]}")
    echo "warm gdalinfo HEATMAP (s): ${warm[*]}"
    echo "warm gdalinfo GeoTIFF (s): ${tif[*]}"

    # WMS GetMap over the centre of the grid, a quarter of its width across.
    read -r width height x0 y0 px py < <(gdalinfo "$work/grid.tif" | awk -F'[(), ]+' '
        /^Size is/ {w = $3; h = $4} /^Origin =/ {x = $3; y = $4} /^Pixel Size =/ {px = $4; py = $5}
        END {print w, h, x, y, px, py}')
    extent=$(awk -v w="$width" -v h="$height" -v x="$x0" -v y="$y0" -v px="$px" -v py="$py" \
        'BEGIN {printf "%.3f %.3f %.3f %.3f", x, y + h * py, x + w * px, y}')
    bbox=$(awk -v w="$width" -v h="$height" -v x="$x0" -v y="$y0" -v px="$px" -v py="$py" \
        'BEGIN {cx = x + w * px / 2; cy = y + h * py / 2; r = w * px / 8
                printf "%.3f,%.3f,%.3f,%.3f", cx - r, cy - r, cx + r, cy + r}')
    wms_line=""
    filter_line=""
    if [[ -x "$MAPSERV" ]]; then
        echo "GetMap 256x256, BBOX=$bbox (grid ${width}x${height} px)"
        write_mapfile "$work/a.map" "HEATMAP:$dir:RENDER=count"
        write_mapfile "$work/b.map" "$work/styled.tif"
        getmap "$work/a.map" # warm-up: computes and stores the style statistics
        echo "  first HEATMAP request (statistics computed): $(secs "$SECS"), PNG $PNG_BYTES bytes"
        getmap "$work/b.map"
        echo "  first GeoTIFF request: $(secs "$SECS"), PNG $PNG_BYTES bytes"
        wa=()
        wa_rss=()
        wb=()
        wb_rss=()
        wf=()
        wf_png=()
        computed=0 # filtered requests that appended statistics (all of them, if never seen)
        for i in $(seq "$WARM_RUNS"); do
            getmap "$work/a.map"
            wa+=("$SECS")
            wa_rss+=("$RSS_KB")
            getmap "$work/b.map"
            wb+=("$SECS")
            wb_rss+=("$RSS_KB")
            day=$(date -u -d "2024-01-01 + $i days" +%F) # never asked before: statistics computed
            write_mapfile "$work/f.map" "HEATMAP:$dir:RENDER=count:SPORT=running:DATE_FROM=$day"
            before=$(stat -c %s "$hmstore.stats" 2>/dev/null || echo 0)
            getmap "$work/f.map"
            wf+=("$SECS")
            wf_png+=("$PNG_BYTES")
            (($(stat -c %s "$hmstore.stats" 2>/dev/null || echo 0) > before)) && computed=$((computed + 1))
        done
        echo "  HEATMAP (s):          ${wa[*]}"
        echo "  GeoTIFF (s):          ${wb[*]}"
        echo "  HEATMAP, new filter:  ${wf[*]}"
        echo "  PNG bytes, new filter: ${wf_png[*]}"
        echo "  style statistics file: $(stat -c %s "$hmstore.stats" 2>/dev/null || echo 0) bytes"
        wms_line=$(printf '  %-36s median %s   GeoTIFF %s   ratio %s   (peak RSS %s / %s)' \
            "WMS GetMap 256x256 (mapserv CGI)" "$(secs "$(median "${wa[@]}")")" \
            "$(secs "$(median "${wb[@]}")")" "$(ratio "$(pair_ratio "${wa[*]}" "${wb[*]}")")" \
            "$(mb "$(median "${wa_rss[@]}")")" "$(mb "$(median "${wb_rss[@]}")")")
        filter_line=$(printf '  %-36s median %s   ratio to GeoTIFF %s   (statistics computed %s/%s)' \
            "WMS GetMap, filter never seen" "$(secs "$(median "${wf[@]}")")" \
            "$(ratio "$(pair_ratio "${wf[*]}" "${wb[*]}")")" "$computed" "$WARM_RUNS")
    else
        wms_line="  WMS GetMap: skipped, no MapServer CGI at $MAPSERV (Debian: cgi-mapserver)"
    fi

    # Update: one new file in DATA (another seed's only activity), indexed, removed again.
    "$generate_bin" "$work/extra" --seed $((SEED + 1)) --activities 1 --formats gpx >/dev/null
    add=()
    del=()
    for i in $(seq "$RUNS"); do
        extra="$dir/zz-bench-store-extra.gpx"
        cp "$(find "$work/extra" -name '*.gpx' | head -n 1)" "$extra"
        run_index
        grep -q ' 1 added, 0 changed, 0 removed, 1 read' "$work/index.txt" ||
            die "adding one file: $(cat "$work/index.txt")"
        add+=("$SECS")
        rm -f "$extra"
        extra=""
        run_index
        grep -q ' 0 added, 0 changed, 1 removed, 0 read' "$work/index.txt" ||
            die "removing the file again: $(cat "$work/index.txt")"
        del+=("$SECS")
        echo "update, run $i: one file added $(secs "${add[-1]}"), removed again $(secs "$SECS")"
    done
    add_med=$(median "${add[@]}")

    summary+=("$(printf 'activities %s: input %s in %s files, store %s (%.1f %%)' "$n" \
        "$(mbytes "$input")" "$files" "$(mbytes "$store_bytes")" \
        "$(awk -v s="$store_bytes" -v i="$input" 'BEGIN {print 100 * s / i}')")")
    summary+=("$(printf '  %-36s median %s, peak RSS %s   (%s runs)' "cold build (heatmap index)" \
        "$(secs "$cold_med")" "$(mb "$(median "${cold_rss[@]}")")" "$RUNS")")
    summary+=("$(printf '  %-36s %s, peak RSS %s   (1 run)' "cold gdalinfo HEATMAP, empty store" \
        "$(secs "$cold_gdalinfo")" "$(mb "$cold_gdalinfo_rss")")")
    summary+=("$(printf '  %-36s median %s   GeoTIFF %s   ratio %s   (%s pairs)' "warm gdalinfo HEATMAP" \
        "$(secs "$warm_med")" "$(secs "$tif_med")" "$(ratio "$warm_ratio")" "$WARM_RUNS")")
    summary+=("$(printf '  %-36s HEATMAP %s   GeoTIFF %s' "warm gdalinfo peak RSS (median)" \
        "$(mb "$(median "${warm_rss[@]}")")" "$(mb "$(median "${tif_rss[@]}")")")")
    summary+=("$wms_line")
    [[ -n "$filter_line" ]] && summary+=("$filter_line")
    summary+=("$(printf '  %-36s median %s   ratio to cold build %s   (removed again: %s)' \
        "one file added (heatmap index)" "$(secs "$add_med")" \
        "$(ratio "$(awk -v a="$add_med" -v c="$cold_med" 'BEGIN {print a / c}')")" \
        "$(secs "$(median "${del[@]}")")")")

    rm -rf "$store" "$work/extra" "$work"/*.tif "$work"/*.map
done

echo
printf '%s\n' "${summary[@]}"
