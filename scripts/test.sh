#!/usr/bin/env bash
# Build and run the whole test suite: CUnit (engine) and pytest (GDAL level),
# first in a normal build, then again under AddressSanitizer + UBSan; then the
# threaded tests under ThreadSanitizer, and each libFuzzer target for a fixed
# time (FUZZ_SECONDS, default 60) seeded with the real-data corpus.
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

echo "== threads under ThreadSanitizer"
cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHEATMAP_SANITIZE=thread >/dev/null
cmake --build build-tsan --target hm_cunit hm_threads gdal_HEATMAP -j"$(nproc)" >/dev/null
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/autotest/threads/tsan.supp"
for suite in memo pool source raster style spill; do
  build-tsan/hm_cunit "$suite" | tail -n 4
done
GDAL_DRIVER_PATH=$PWD/build-tsan build-tsan/hm_threads
unset TSAN_OPTIONS

echo "== fuzzers (libFuzzer + ASan/UBSan, ${FUZZ_SECONDS:-60} s each)"
CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DHEATMAP_LIBFUZZER=ON -DHEATMAP_SANITIZE=address,undefined >/dev/null
cmake --build build-fuzz --target hm_libfuzz_gpx hm_libfuzz_tcx hm_libfuzz_fit hm_libfuzz_store \
  -j"$(nproc)" >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tracks=../shared/testdata/tracks
for target in gpx tcx fit store; do
  mkdir -p "$work/$target/corpus" "$work/$target/found"
  if [ "$target" = store ]; then
    build-test/hm_fuzz_store --write-seed "$work/store/corpus/seed.hmstore"
  elif [ -d "$tracks" ]; then
    find "$tracks" -type f -size -2M \( -iname "*.$target" -o -path "*/bad/*" \) \
      -exec cp {} "$work/$target/corpus/" \;
  fi
  # A crash, leak, timeout or sanitizer report fails the run; the input is kept in
  # $work/<target>/found (copy it to autotest/fuzz/findings/<target>/: ctest replays those).
  set +e
  build-fuzz/hm_libfuzz_$target -max_total_time="${FUZZ_SECONDS:-60}" -rss_limit_mb=2048 \
    -timeout=20 -max_len=1048576 -print_final_stats=1 -artifact_prefix="$work/$target/found/" \
    "$work/$target/corpus" >"$work/$target/log" 2>&1
  status=$?
  set -e
  grep -E "^stat::number_of_executed_units" "$work/$target/log" | sed "s/^/$target: /"
  if [ "$status" -ne 0 ] || ls "$work/$target/found/"{crash,leak,timeout,oom}-* >/dev/null 2>&1; then
    tail -n 40 "$work/$target/log"
    echo "fuzzer $target failed (status $status):" "$work/$target/found/"*
    exit 1
  fi
done
echo "== all tests passed"
