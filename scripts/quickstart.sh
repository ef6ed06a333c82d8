#!/usr/bin/env bash
# The main job on generated sample data: install what is missing, build,
# generate deterministic sample tracks in sample/, and read them.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" >/dev/null

rm -rf sample
./build/heatmap generate sample --seed 1 --activities 60
./build/heatmap info sample
