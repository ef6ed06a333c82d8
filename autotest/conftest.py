# SPDX-License-Identifier: MIT
"""pytest configuration in GDAL's autotest style.

Sets GDAL_DRIVER_PATH to the build folder (HEATMAP_BUILD_DIR, default ../build)
before GDAL loads, turns GDAL exceptions on, and provides the require_driver
marker, a tmp_vsimem fixture, the paths of the `heatmap` tool, of the sample
generator `heatmap-generate` and of the shared real-data corpus, and a chdir
to each test's own folder. Track stores go to a folder of this session
(HEATMAP_STORE_DIR), never to the user's cache; the store tests
(gdrivers/heatmap_store.py) set their own places.
"""
import atexit
import os
import pathlib
import shutil
import sys
import tempfile

import pytest

HERE = pathlib.Path(__file__).resolve().parent
BUILD_DIR = pathlib.Path(os.environ.get("HEATMAP_BUILD_DIR", HERE.parent / "build")).resolve()
os.environ["GDAL_DRIVER_PATH"] = str(BUILD_DIR)
# Never write .aux.xml files anywhere during tests.
os.environ.setdefault("GDAL_PAM_ENABLED", "NO")
# Stores of this session's sources: a folder of its own, removed at the end.
STORE_DIR = tempfile.mkdtemp(prefix="heatmap-test-stores-")
os.environ["HEATMAP_STORE_DIR"] = STORE_DIR
atexit.register(shutil.rmtree, STORE_DIR, True)
sys.path.insert(0, str(HERE / "pymod"))

from osgeo import gdal  # noqa: E402

gdal.UseExceptions()
gdal.AllRegister()

SHARED = (HERE.parent.parent / "shared" / "testdata").resolve()


def pytest_configure(config):
    config.addinivalue_line("markers", "require_driver(name): skip unless the GDAL driver is registered")


def pytest_collection_modifyitems(config, items):
    for item in items:
        for mark in item.iter_markers("require_driver"):
            name = mark.args[0]
            if gdal.GetDriverByName(name) is None:
                item.add_marker(pytest.mark.skip(reason=f"GDAL driver {name} not available"))


@pytest.fixture(autouse=True)
def chdir_to_test_folder(request, monkeypatch):
    monkeypatch.chdir(request.path.parent)


@pytest.fixture
def tmp_vsimem(request):
    path = f"/vsimem/{request.node.name}"
    # GDAL 3.6 removes only folders that exist as such, not implicit /vsimem/ prefixes.
    gdal.Mkdir(path, 0o755)
    yield path
    gdal.RmdirRecursive(path)


def built(name):
    """The path of a program in the build folder; the test fails when it was not built."""
    path = BUILD_DIR / name
    if not path.exists():
        pytest.fail(f"{path} not built")
    return str(path)


@pytest.fixture(scope="session")
def heatmap_bin():
    return built("heatmap")


@pytest.fixture(scope="session")
def generate_bin():
    """The sample generator, a development tool built beside `heatmap` (tools/generate)."""
    return built("heatmap-generate")


@pytest.fixture(scope="session")
def tracks():
    path = SHARED / "tracks"
    if not path.is_dir():
        pytest.skip(f"{path} not found: real-data tests need ../shared beside the repo")
    return path
