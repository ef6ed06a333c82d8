#!/usr/bin/env bash
# Build and run the whole test suite: CUnit (engine) and pytest (GDAL level),
# first in a normal build, then again under AddressSanitizer + UBSan.
# The real-data tests read ../shared/testdata and skip when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh --test

echo "== build (warnings are errors)"
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHEATMAP_WERROR=ON >/dev/null
cmake --build build-test -j"$(nproc)" >/dev/null
echo "== tests"
(cd build-test && ctest --output-on-failure)

echo "== build with AddressSanitizer + UBSan"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DHEATMAP_WERROR=ON \
  -DHEATMAP_SANITIZE=address,undefined >/dev/null
cmake --build build-asan -j"$(nproc)" >/dev/null
echo "== tests under sanitizers"
# CUnit with leak checking; pytest modules run with the sanitizer runtimes preloaded
# (see CMakeLists.txt).
(cd build-asan && ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 \
   UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure)
