#!/usr/bin/env bash
# Install the Debian 12 packages gdal-heatmap needs: to build and run it, and
# with --test also what the test suite uses. Idempotent: does nothing when
# everything is already there. Run as root (or with sudo).
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libgdal-dev gdal-bin python3-gdal libproj-dev
  libxml2-dev zlib1g-dev libpng-dev libcunit1-dev libsqlite3-dev
)
if [ "${1:-}" = "--test" ]; then
  packages+=(
    python3-pytest python3-numpy python3-rasterio gpsbabel
    # Real clients of the driver (autotest/gdrivers/heatmap_clients.py) and a browser
    # engine for the `heatmap tiles` viewer page (test_heatmap_tiles.py). Qt runs
    # headless with QT_QPA_PLATFORM=offscreen, so no X server is needed.
    python3-qgis cgi-mapserver mapserver-bin python3-pyqt5.qtwebkit
    # libFuzzer (clang's runtime) for the fuzzers scripts/test.sh runs.
    clang
  )
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
