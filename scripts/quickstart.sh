#!/usr/bin/env bash
# The main job on generated sample data: install what is missing, build,
# generate deterministic sample tracks in sample/ (with build/heatmap-generate,
# a development tool), read them once into their track store (heatmap index),
# then read the store through the HEATMAP GDAL driver into a GeoTIFF (all
# bands) and draw a PNG picture, in out/.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DHEATMAP_WERROR=OFF >/dev/null
cmake --build build -j"$(nproc)" --target heatmap_cli hm_generate gdal_HEATMAP >/dev/null

rm -rf sample out
mkdir -p out
./build/heatmap-generate sample --seed 1 --activities 60
./build/heatmap index sample
./build/heatmap info sample | tail -n 1

export GDAL_DRIVER_PATH="$PWD/build"
gdal_translate -q -co TILED=YES -co COMPRESS=DEFLATE HEATMAP:sample out/heatmap.tif
gdalinfo out/heatmap.tif | grep -E '^Size is|^Band|Description|Unit Type' | head -n 16
./build/heatmap render sample -o out/heatmap.png --width 1024 --height 1024 --glow 1
echo "wrote out/heatmap.tif (5 Float32 bands) and out/heatmap.png (styled picture)"
