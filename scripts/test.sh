#!/usr/bin/env bash
# Build and run the whole test suite: CUnit (engine) and pytest (GDAL level),
# first in a normal build, then again under AddressSanitizer + UBSan.
# The real-data tests read ../shared/testdata and skip when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

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
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
./build-asan/hm_cunit
# Python is not built with ASan: preload the runtimes, use malloc, and do not
# count the interpreter's own leaks. One pytest process per module, as GDAL does.
asan_rt="$(gcc -print-file-name=libasan.so)"
ubsan_rt="$(gcc -print-file-name=libubsan.so)"
for mod in $(cd autotest && find . -name 'test_*.py' -o -name 'heatmap*.py' | grep -v conftest | sort); do
  (cd autotest && HEATMAP_BUILD_DIR="$PWD/../build-asan" \
     LD_PRELOAD="$asan_rt $ubsan_rt" PYTHONMALLOC=malloc ASAN_OPTIONS=detect_leaks=0:halt_on_error=1 \
     /usr/bin/python3 -m pytest -q -p no:cacheprovider "$mod")
done
echo "== all tests passed"
