# SPDX-License-Identifier: MIT
"""What a hostile tester tried: FIFOs, unreadable files and folders, descriptors that name
themselves, a CRS that is not a plane, style options that do nothing. Each gets a clear
message naming the cause, and nothing hangs."""
import os
import pathlib
import re
import shutil
import subprocess
import tempfile

import pytest
from osgeo import gdal

import hmgen
from hmtest import as_other_user, by_path

pytestmark = pytest.mark.require_driver("HEATMAP")

GRID = hmgen.WebGrid.around(14, 14.5, 46.05, 1, 1)


def one_track(path):
    hmgen.write_gpx(path, hmgen.polyline(GRID, [(10.5, 10.5), (200.5, 10.5)], hmgen.unix(2021, 5, 1)))


def open_error(name, **kw):
    with pytest.raises(RuntimeError) as e:
        gdal.OpenEx(name, gdal.OF_RASTER, **kw)
    return str(e.value)


def test_fifos_named_like_tracks_are_skipped_not_opened(tmp_path, heatmap_bin):
    folder = tmp_path / "f"
    folder.mkdir()
    one_track(folder / "ok.gpx")
    os.mkfifo(folder / "x.gpx")
    os.mkfifo(folder / "y.fit.gz")
    # A hang would end in the timeout and fail the test.
    p = subprocess.run([heatmap_bin, "info", str(folder)], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert p.stdout.count("not a regular file") == 2
    ds = gdal.Open(f"HEATMAP:{folder}")
    errors = by_path(ds.GetMetadata("HEATMAP_ERRORS"), "ERROR")
    assert len(errors) == 2 and all("not a regular file" in v for v in errors.values())


@pytest.fixture
def open_tmp():
    """A temporary folder other users can enter (pytest's own are private to their owner)."""
    path = pathlib.Path(tempfile.mkdtemp(prefix="heatmap-hostile-"))
    path.chmod(0o755)
    yield path
    for p in path.rglob("*"):
        if p.is_dir():
            p.chmod(0o755)
    shutil.rmtree(path)


def test_unreadable_files_and_folders_are_named_with_the_reason(open_tmp, heatmap_bin):
    tmp_path = open_tmp
    folder = tmp_path / "f"
    folder.mkdir()
    one_track(folder / "ok.gpx")
    one_track(folder / "secret.gpx")
    (folder / "secret.gpx").chmod(0o000)
    (folder / "locked").mkdir()
    one_track(folder / "locked" / "a.gpx")
    (folder / "locked").chmod(0o000)
    stores = tmp_path / "stores"
    stores.mkdir()
    stores.chmod(0o777)
    env = dict(os.environ, HEATMAP_STORE_DIR=str(stores))
    prefix, build = as_other_user(pathlib.Path(heatmap_bin).parent)
    try:
        p = subprocess.run(prefix + [str(build / "heatmap"), "info", str(folder)], capture_output=True,
                           text=True, env=env, timeout=60)  # fmt: skip
    finally:
        (folder / "locked").chmod(0o755)
        (folder / "secret.gpx").chmod(0o644)
    assert p.returncode == 0, p.stderr
    lines = {line.split()[0]: line for line in p.stdout.splitlines() if line.startswith(str(folder))}
    assert "cannot open file: Permission denied" in lines[f"{folder}/secret.gpx"]
    assert "cannot list folder (permission denied)" in lines[f"{folder}/locked/"]
    assert "1 read, 2 skipped" in p.stdout
    # The top folder itself unreadable: an error that says why.
    folder.chmod(0o000)
    try:
        p = subprocess.run(prefix + [str(build / "heatmap"), "info", str(folder)], capture_output=True,
                           text=True, env=env, timeout=60)  # fmt: skip
    finally:
        folder.chmod(0o755)
    assert p.returncode == 1 and "cannot list folder: permission denied" in p.stderr


def test_a_single_file_that_fails_says_why(tmp_path):
    bad = tmp_path / "bad.gpx"
    bad.write_text('<?xml version="1.0"?>\n<gpx version="1.1">\n<trk><trkseg><trkpt lat="1" lon="2">\n')
    msg = open_error(f"HEATMAP:{bad}")
    assert re.search(r"no usable tracks in .*bad\.gpx: line \d+: XML not well-formed", msg), msg
    # A folder whose files all fail names the first one's reason.
    folder = tmp_path / "f"
    folder.mkdir()
    shutil.copy(bad, folder / "a.gpx")
    (folder / "b.fit").write_bytes(b"")
    msg = open_error(f"HEATMAP:{folder}")
    assert re.search(r"\(2 files, all skipped; the first, a\.gpx: line \d+: XML not well-formed", msg), msg


@pytest.mark.parametrize("source,why", [
    ("self.heatmap", r"<Source> self\.heatmap is a descriptor file \(this one\)"),
    ("b.heatmap", r"<Source> b\.heatmap is a descriptor file"),
    ("HEATMAP:tracks", r"<Source> is a HEATMAP: name; it must be a path"),
])  # fmt: skip
def test_descriptor_sources_that_are_not_tracks(tmp_path, source, why):
    (tmp_path / "tracks").mkdir()
    one_track(tmp_path / "tracks" / "a.gpx")
    (tmp_path / "self.heatmap").write_text(f"<HeatmapDataset><Source>{source}</Source></HeatmapDataset>")
    (tmp_path / "b.heatmap").write_text("<HeatmapDataset><Source>self.heatmap</Source></HeatmapDataset>")
    assert re.search(why, open_error(str(tmp_path / "self.heatmap")))


def test_crs_that_is_not_a_plane(tmp_path):
    one_track(tmp_path / "a.gpx")
    msg = open_error(f"HEATMAP:{tmp_path}:SRS=EPSG:4978")
    assert "SRS=EPSG:4978: not a planar CRS (geocentric)" in msg
    msg = open_error(f"HEATMAP:{tmp_path}:SRS=EPSG:4979")
    assert "not a planar CRS (3D geographic)" in msg
    # A plane with a vertical part is fine: the grid is its horizontal CRS.
    assert gdal.Open(f"HEATMAP:{tmp_path}:SRS=EPSG:32633+5773:RESOLUTION=20") is not None


def test_tiny_resolution_is_a_short_error(tmp_path):
    one_track(tmp_path / "a.gpx")
    msg = open_error(f"HEATMAP:{tmp_path}:SRS=EPSG:32633:RESOLUTION=1e-300")
    assert "RESOLUTION too small" in msg and len(msg) < 200 and not re.search(r"\d{20}", msg)


def test_style_options_without_render_warn(tmp_path):
    one_track(tmp_path / "a.gpx")
    messages = []

    def handler(cls, no, msg):
        messages.append(msg)

    gdal.PushErrorHandler(handler)
    try:
        ds = gdal.Open(f"HEATMAP:{tmp_path}:GLOW=3:RENDER_MODE=PALETTE")
    finally:
        gdal.PopErrorHandler()
    assert ds.RasterCount == 5 and ds.GetRasterBand(1).DataType == gdal.GDT_Float32
    assert any("RENDER_MODE, GLOW without RENDER: no effect" in m for m in messages), messages
    messages.clear()
    gdal.PushErrorHandler(handler)
    try:
        gdal.Open(f"HEATMAP:{tmp_path}:GLOW=3:RENDER=count")
    finally:
        gdal.PopErrorHandler()
    assert not any("without RENDER" in m for m in messages)


def test_error_metadata_survives_any_file_name(tmp_path):
    """File names are values, never keys: '=', ':' and line breaks come back whole."""
    folder = tmp_path / "f"
    folder.mkdir()
    one_track(folder / "ok.gpx")
    names = ["a=b.gpx", "key=value=x.fit", "two\nlines.gpx", "c:d.tcx"]
    for name in names:
        (folder / name).write_bytes(b"not a track")
    ds = gdal.Open(f"HEATMAP:{folder}")
    errors = by_path(ds.GetMetadata("HEATMAP_ERRORS"), "ERROR")
    assert set(errors) == {str(folder / n) for n in names}
    assert all(v for v in errors.values())
