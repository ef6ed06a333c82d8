# SPDX-License-Identifier: MIT
"""HEATMAP driver: GDAL-level behaviour.

Every expected pixel value here is independent of the code under test:
either hand-placed geometry (tracks through pixel centres, so no pixel
boundary is ambiguous at the chosen zoom) or hmgen.supercover(), a numpy
rasteriser written from the definition "a pixel counts an activity when one
of its segments meets the pixel". Track files are written by the tests
(pymod/hmgen.py); the shared real-data corpus is used only for bad-input
handling and skips without ../shared.

Grid used unless stated: XYZ zoom 14 around Ljubljana (14.5E 46.05N), 2x2
tiles = 512x512 pixels of 9.55 m (6.6 m on the ground), 4 blocks of 256.
"""
import math
import os
import re
import shutil
import subprocess
import threading
import xml.etree.ElementTree as ET
import zipfile

import numpy as np
import pytest
from osgeo import gdal, osr

import hmgen
from hmtest import by_path, info_json

pytestmark = pytest.mark.require_driver("HEATMAP")

BANDS = ["count", "log_count", "pace", "hr", "recency"]
UNITS = {
    "count": "activities",
    "log_count": "ln(1+activities)",
    "pace": "s/km",
    "hr": "bpm",
    "recency": "days since 1970-01-01",
}
T0 = hmgen.unix(2021, 6, 1)
# The reference may be looser or stricter than the driver only where a segment passes
# within this distance (pixels) of a pixel edge or corner; see hmgen.supercover().
EPS = 1e-6


@pytest.fixture
def grid():
    return hmgen.WebGrid.around(14, 14.5, 46.05, 2, 2)


class quiet_errors:
    """gdal.quiet_errors() for GDAL < 3.7: silence expected warnings."""

    def __enter__(self):
        gdal.PushErrorHandler("CPLQuietErrorHandler")

    def __exit__(self, *exc):
        gdal.PopErrorHandler()


def gdal_env():
    env = dict(os.environ)
    env["GDAL_DRIVER_PATH"] = os.environ["GDAL_DRIVER_PATH"]
    return env


def run_tool(args, cwd=None, env_extra=None):
    env = gdal_env()
    env.update(env_extra or {})
    p = subprocess.run(args, capture_output=True, text=True, cwd=cwd, env=env)
    return p.returncode, p.stdout, p.stderr


def write_tracks(folder, tracks, fmt="gpx"):
    folder.mkdir(parents=True, exist_ok=True)
    for i, fixes in enumerate(tracks):
        hmgen.write_track(folder / f"t{i:03d}.{fmt}", fixes, fmt)
    return folder


def read(ds, band=1):
    return ds.GetRasterBand(band).ReadAsArray()


def assert_between_reference(got, grid, tracks, level=0):
    """strict reference <= got <= loose reference, and the two differ almost nowhere."""
    strict = hmgen.counts(grid, tracks, level, -EPS)
    loose = hmgen.counts(grid, tracks, level, +EPS)
    assert got.shape == strict.shape
    assert np.all(got >= strict), np.argwhere(got < strict)[:10]
    assert np.all(got <= loose), np.argwhere(got > loose)[:10]
    # Generic random geometry never touches a corner within EPS: ambiguity is (almost) nil.
    assert np.count_nonzero(strict != loose) <= 2
    return strict


# ---------------------------------------------------------------- driver


def test_heatmap_driver_metadata():
    drv = gdal.GetDriverByName("HEATMAP")
    md = drv.GetMetadata()
    assert md["DMD_CONNECTION_PREFIX"] == "HEATMAP:"
    assert md["DCAP_RASTER"] == "YES"
    assert md["DCAP_VIRTUALIO"] == "YES"
    assert md["DMD_EXTENSION"] == "heatmap"
    assert md["DMD_LONGNAME"] and md["DMD_HELPTOPIC"]
    root = ET.fromstring(md["DMD_OPENOPTIONLIST"])
    names = [o.get("name") for o in root.findall("Option")]
    assert names == [
        "ZOOM", "BOUNDS", "SRS", "RESOLUTION", "BANDS", "DATE_FROM",
        "DATE_TO", "SPORT", "WHERE", "DEDUPE", "INCLUDE_VIRTUAL", "MAX_GAP",
        "PRIVACY_ZONES", "TRIM_ENDS", "ACTIVITIES_CSV", "THREADS", "STORE",
        "RENDER", "RENDER_MODE", "PALETTE", "NORMALIZE", "CLIP", "GLOW",
    ]  # fmt: skip
    opts = {o.get("name"): o for o in root.findall("Option")}
    assert all(o.get("description") for o in opts.values())
    assert opts["ZOOM"].get("type") == "int"
    assert opts["RESOLUTION"].get("type") == "float"
    assert opts["INCLUDE_VIRTUAL"].get("type") == "boolean"
    assert opts["INCLUDE_VIRTUAL"].get("default") == "NO"
    assert opts["MAX_GAP"].get("default") == "1000"
    assert opts["BANDS"].get("default") == "count,log_count,pace,hr,recency"
    # Enumerations and bounds as GDAL validates them and QGIS offers them.
    assert opts["RENDER"].get("type") == "string-select"
    assert [v.text for v in opts["RENDER"].findall("Value")] == ["count", "log_count", "pace", "hr", "recency"]
    assert [v.text for v in opts["NORMALIZE"].findall("Value")] == ["linear", "log", "equalize"]
    assert [v.text for v in opts["RENDER_MODE"].findall("Value")] == ["RGBA", "PALETTE"]
    assert (opts["ZOOM"].get("min"), opts["ZOOM"].get("max")) == ("0", "22")
    assert (opts["GLOW"].get("min"), opts["GLOW"].get("max")) == ("0", "32")


def test_heatmap_plugin_exports_only_register():
    nm = shutil.which("nm")
    if nm is None:
        pytest.skip("nm not available")
    so = os.path.join(os.environ["GDAL_DRIVER_PATH"], "gdal_HEATMAP.so")
    out = subprocess.run([nm, "-D", "--defined-only", so], capture_output=True, text=True, check=True)
    symbols = [line.split()[-1] for line in out.stdout.splitlines() if line.split()[1] in "TtWwDdBbVviu"]
    symbols = [s for s in symbols if s not in ("__bss_start", "_edata", "_end", "_init", "_fini")]
    assert symbols == ["GDALRegister_HEATMAP"]


# ---------------------------------------------------------------- open and describe


def test_heatmap_open_bands_and_georeferencing(tmp_path, grid):
    folder = write_tracks(tmp_path / "gpx", [hmgen.polyline(grid, [(10.5, 20.5), (300.5, 20.5)], T0)])
    name = grid.name(folder)
    ds = gdal.Open(name)
    assert ds.GetDriver().ShortName == "HEATMAP"
    assert ds.GetDescription() == name
    assert (ds.RasterXSize, ds.RasterYSize, ds.RasterCount) == (512, 512, 5)
    assert ds.GetGeoTransform() == pytest.approx(grid.geotransform(), rel=1e-12, abs=1e-6)
    srs = ds.GetSpatialRef()
    assert srs.GetAuthorityName(None) == "EPSG" and srs.GetAuthorityCode(None) == "3857"
    for i, b in enumerate(BANDS, start=1):
        band = ds.GetRasterBand(i)
        assert band.DataType == gdal.GDT_Float32
        assert band.GetDescription() == b
        assert band.GetUnitType() == UNITS[b]
        assert band.GetBlockSize() == [256, 256]
        nodata = band.GetNoDataValue()
        if b in ("count", "log_count"):
            assert nodata is None
        else:
            assert math.isnan(nodata)
        assert band.GetOverviewCount() == 1
        assert (band.GetOverview(0).XSize, band.GetOverview(0).YSize) == (256, 256)
    md = ds.GetMetadata()
    assert md["HEATMAP_FILES"] == "1"
    assert md["HEATMAP_ACTIVITIES"] == "1"
    assert md["HEATMAP_SKIPPED_FILES"] == "0"
    assert md["HEATMAP_TIME_MIN"] == "2021-06-01T00:00:00Z"
    assert re.fullmatch(r"2021-06-01T00:\d\d:\d\dZ", md["HEATMAP_TIME_MAX"])
    assert int(md["HEATMAP_POINTS"]) > 2
    assert not ds.GetFileList()


def test_heatmap_update_rejected(tmp_path, grid):
    folder = write_tracks(tmp_path / "gpx", [hmgen.polyline(grid, [(10.5, 20.5), (30.5, 20.5)], T0)])
    with pytest.raises(Exception, match="read-only"):
        gdal.OpenEx(grid.name(folder), gdal.OF_RASTER | gdal.OF_UPDATE)


# ---------------------------------------------------------------- exact geometry


def test_heatmap_identical_tracks_count_n(tmp_path, grid):
    n = 4
    path = [(10.5, 20.5), (300.5, 20.5), (300.5, 400.5)]
    folder = write_tracks(tmp_path / "gpx", [hmgen.polyline(grid, path, T0 + 86400 * i) for i in range(n)])
    ds = gdal.Open(grid.name(folder))
    count, log_count = read(ds, 1), read(ds, 2)
    on = hmgen.line_mask(count.shape, rows=[(20, 10, 300)], cols=[(300, 20, 400)])
    assert np.all(count[on] == n)
    assert np.all(count[~on] == 0)
    assert np.allclose(log_count[on], math.log(1 + n), rtol=1e-6)
    assert np.all(log_count[~on] == 0)


def test_heatmap_out_and_back_counts_once(tmp_path, grid):
    fixes = hmgen.polyline(grid, [(50.5, 60.5), (250.5, 60.5), (250.5, 61.5), (50.5, 61.5)], T0)
    folder = write_tracks(tmp_path / "gpx", [fixes])
    count = read(gdal.Open(grid.name(folder)))
    on = hmgen.line_mask(count.shape, rows=[(60, 50, 250), (61, 50, 250)])
    assert np.all(count[on] == 1)
    assert np.all(count[~on] == 0)
    # The very same line out and back: still one activity.
    back = hmgen.polyline(grid, [(50.5, 60.5), (250.5, 60.5), (50.5, 60.5)], T0)
    folder2 = write_tracks(tmp_path / "gpx2", [back])
    count2 = read(gdal.Open(grid.name(folder2)))
    on2 = hmgen.line_mask(count2.shape, rows=[(60, 50, 250)])
    assert np.all(count2[on2] == 1) and np.all(count2[~on2] == 0)


def test_heatmap_jump_draws_no_line(tmp_path, grid):
    # 2 km east along the row is about 302 pixels of 6.63 m at 46.05N.
    _, lat = grid.lonlat(0, 100.5)
    jump_px = 2000.0 / (grid.res * math.cos(math.radians(lat)))
    assert 290 < jump_px < 310
    c1 = 60.5 + round(jump_px)
    a = hmgen.polyline(grid, [(20.5, 100.5), (60.5, 100.5)], T0)
    b = hmgen.polyline(grid, [(c1, 100.5), (c1 + 40, 100.5)], a[-1].time + 10)
    folder = write_tracks(tmp_path / "gpx", [a + b])
    count = read(gdal.Open(grid.name(folder)))
    c1 = int(c1)
    on = hmgen.line_mask(count.shape, rows=[(100, 20, 60), (100, c1, c1 + 40)])
    assert np.all(count[on] == 1)
    assert np.all(count[~on] == 0)


def test_heatmap_parallel_tracks_stay_apart(tmp_path, grid):
    tracks = [
        hmgen.polyline(grid, [(30.5, 200.5), (480.5, 200.5)], T0),
        hmgen.polyline(grid, [(30.5, 201.5), (480.5, 201.5)], T0 + 3600),
    ]
    count = read(gdal.Open(grid.name(write_tracks(tmp_path / "gpx", tracks))))
    assert np.all(count[200, 30:481] == 1)
    assert np.all(count[201, 30:481] == 1)
    assert count.sum() == 2 * 451
    assert count.max() == 1


def test_heatmap_line_across_block_seams(tmp_path, grid):
    # Crosses x = 256 and y = 256: through blocks (0,0), (1,0) and (1,1).
    tracks = [hmgen.polyline(grid, [(100.3, 150.7), (420.6, 380.2)], T0)]
    name = grid.name(write_tracks(tmp_path / "gpx", tracks))
    full = read(gdal.Open(name))
    ref = assert_between_reference(full, grid, tracks)
    assert full.max() == 1  # no double count at a seam
    assert np.array_equal(full, ref)
    # Connected: every row between the ends has pixels, adjacent rows overlap or touch.
    rows = [np.flatnonzero(full[r]) for r in range(150, 381)]
    assert all(len(r) for r in rows)
    assert all(a[-1] + 1 >= b[0] for a, b in zip(rows, rows[1:]))
    # Block by block, each on a fresh handle: the same pixels.
    tiles = np.zeros_like(full)
    for by in range(2):
        for bx in range(2):
            ds = gdal.Open(name)
            tiles[by * 256 : by * 256 + 256, bx * 256 : bx * 256 + 256] = ds.GetRasterBand(1).ReadAsArray(
                bx * 256, by * 256, 256, 256
            )
    assert np.array_equal(tiles, full)


@pytest.mark.parametrize("fmt", ["gpx", "tcx", "fit"])
def test_heatmap_constant_pace_and_hr(tmp_path, grid, fmt):
    fixes = hmgen.meridian_run(grid, 100.5, 450.5, 50.5, T0, pace_s_per_km=300.0, hr=150)
    if fmt == "fit":
        fixes = hmgen.fit_quantize(fixes)
    folder = write_tracks(tmp_path / fmt, [fixes], fmt)
    ds = gdal.Open(grid.name(folder))
    count, pace, hr = read(ds, 1), read(ds, 3), read(ds, 4)
    on = count > 0
    _, rows = grid.pixel([f.lon for f in fixes], [f.lat for f in fixes])
    assert np.array_equal(on, hmgen.line_mask(count.shape, cols=[(100, int(rows.min()), int(rows.max()))]))
    # 5:00 min/km: 10 s per 33.33 m of great-circle distance on the mean sphere;
    # 0.2 s/km covers rounding of the coordinates in the file (FIT: 1 semicircle = 9 mm).
    assert np.allclose(pace[on], 300.0, atol=0.2)
    assert np.all(hr[on] == 150.0)
    assert np.all(np.isnan(pace[~on])) and np.all(np.isnan(hr[~on]))


def test_heatmap_recency_is_newest_start(tmp_path, grid):
    old = hmgen.polyline(grid, [(20.5, 100.5), (400.5, 100.5)], hmgen.unix(2020, 3, 1))
    new = hmgen.polyline(grid, [(200.5, 20.5), (200.5, 400.5)], hmgen.unix(2021, 6, 1))
    ds = gdal.Open(grid.name(write_tracks(tmp_path / "gpx", [old, new])))
    count, recency = read(ds, 1), read(ds, 5)
    assert count[100, 200] == 2
    assert recency[100, 200] == hmgen.days(2021, 6, 1)
    assert recency[100, 20] == hmgen.days(2020, 3, 1)
    assert recency[300, 200] == hmgen.days(2021, 6, 1)
    assert np.all(np.isnan(recency[count == 0]))


def test_heatmap_max_gap_splits_tracks(tmp_path, grid):
    # Fixes 40 px (265 m) apart every 20 s: a plausible 13 m/s, but farther than MAX_GAP=100.
    fixes = hmgen.polyline(grid, [(20.5, 300.5), (60.5, 300.5), (100.5, 300.5)], T0, speed=13.0, step_s=1000)
    assert len(fixes) == 3
    # and a walk with fixes 33 m apart, which no MAX_GAP below splits
    walk = hmgen.polyline(grid, [(20.5, 400.5), (100.5, 400.5)], T0 + 3600)
    folder = write_tracks(tmp_path / "gpx", [fixes, walk])
    drawn = read(gdal.Open(grid.name(folder)))
    on = hmgen.line_mask(drawn.shape, rows=[(300, 20, 100), (400, 20, 100)])
    assert np.all(drawn[on] == 1) and np.all(drawn[~on] == 0)
    split = read(gdal.Open(grid.name(folder, ":MAX_GAP=100")))
    on = hmgen.line_mask(drawn.shape, rows=[(400, 20, 100)])
    assert np.all(split[on] == 1) and np.all(split[~on] == 0)


# ---------------------------------------------------------------- against the reference


def random_tracks(grid, seed, n, nsteps, step_px):
    return hmgen.random_walks(grid, seed, n, nsteps, step_px, T0)


def test_heatmap_count_matches_reference(tmp_path, grid):
    tracks = random_tracks(grid, 20240601, 12, 400, (0.3, 8.0))
    folder = tmp_path / "walks"
    write_tracks(folder, tracks[:8], "gpx")
    for i, fixes in enumerate(tracks[8:]):
        hmgen.write_tcx(folder / f"w{i}.tcx", fixes)
    count = read(gdal.Open(grid.name(folder)))
    ref = assert_between_reference(count, grid, tracks)
    assert ref.max() >= 2  # the walks do cross


def test_heatmap_overviews_match_reference(tmp_path):
    grid = hmgen.WebGrid.around(14, 14.5, 46.05, 4, 4)  # 1024 px: overviews of 512 and 256
    # Steps of at least 4 level-0 pixels: 1 pixel of overview 2, so no vertex is simplified away.
    tracks = random_tracks(grid, 7, 10, 300, (4.0, 20.0))
    ds = gdal.Open(grid.name(write_tracks(tmp_path / "walks", tracks)))
    band = ds.GetRasterBand(1)
    assert band.GetOverviewCount() == 2
    full = band.ReadAsArray()
    assert_between_reference(full, grid, tracks, 0)
    for k in (1, 2):
        ovr = band.GetOverview(k - 1)
        assert (ovr.XSize, ovr.YSize) == (1024 >> k, 1024 >> k)
        got = ovr.ReadAsArray()
        assert_between_reference(got, grid, tracks, k)
        # Distinct activities in the footprint: between the max and the sum of the children,
        # and not equal to the sum (that would be a resampling of counts).
        children = full.reshape(got.shape[0], 1 << k, got.shape[1], 1 << k)
        assert np.all(got >= children.max(axis=(1, 3)))
        assert np.all(got <= children.sum(axis=(1, 3)))
        assert np.any(got < children.sum(axis=(1, 3)))
    # The other bands of an overview render natively too.
    assert ds.GetRasterBand(5).GetOverview(1).ReadAsArray()[got > 0].min() >= hmgen.days(2021, 6, 1)


def test_heatmap_date_and_sport_filters(tmp_path, grid):
    folder = tmp_path / "gpx"
    folder.mkdir()
    rows = {50: ("running", hmgen.unix(2020, 5, 1, 23, 59, 0)), 60: ("cycling", hmgen.unix(2021, 7, 1, 8)),
            70: ("Running", hmgen.unix(2021, 7, 2, 0, 0, 0))}  # fmt: skip
    for row, (sport, t) in rows.items():
        fixes = hmgen.polyline(grid, [(10.5, row + 0.5), (90.5, row + 0.5)], t)
        hmgen.write_gpx(folder / f"r{row}.gpx", fixes, sport)

    def drawn(extra):
        count = read(gdal.Open(grid.name(folder, extra)))
        return sorted(int(r) for r in np.flatnonzero(count.max(axis=1)))

    assert drawn("") == [50, 60, 70]
    assert drawn(":DATE_FROM=2021-01-01") == [60, 70]
    assert drawn(":DATE_TO=2020-05-01") == [50]  # through the end of that day
    assert drawn(":DATE_FROM=2020-05-02:DATE_TO=2021-07-01") == [60]
    assert drawn(":DATE_FROM=2021-07-02T00:00:00Z") == [70]  # a full time is inclusive
    assert drawn(":DATE_TO=2021-07-02T00:00:00Z") == [50, 60, 70]
    assert drawn(":SPORT=RUNNING") == [50, 70]
    assert drawn(":SPORT=cycling,hiking") == [60]
    with pytest.raises(Exception, match="no usable tracks"):
        gdal.Open(grid.name(folder, ":SPORT=swimming"))


def test_heatmap_other_srs_and_resolution(tmp_path, grid):
    tracks = random_tracks(grid, 43, 3, 200, (2.0, 8.0))
    folder = write_tracks(tmp_path / "walks", tracks)
    ds = gdal.Open(f"HEATMAP:{folder}:SRS=EPSG:32633:RESOLUTION=10")
    gt = ds.GetGeoTransform()
    assert (gt[1], gt[2], gt[4], gt[5]) == (10.0, 0.0, 0.0, -10.0)
    assert gt[0] % 2560 == 0 and gt[3] % 2560 == 0  # origin on a multiple of 256 pixels
    assert ds.GetSpatialRef().GetAuthorityCode(None) == "32633"
    assert ds.GetRasterBand(1).GetBlockSize() == [256, 256]
    # Reference: the fixes projected by OSR, joined by straight lines in the UTM plane.
    wgs84, utm = osr.SpatialReference(), osr.SpatialReference()
    wgs84.ImportFromEPSG(4326)
    utm.ImportFromEPSG(32633)
    wgs84.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    utm.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    ct = osr.CoordinateTransformation(wgs84, utm)
    w, h = ds.RasterXSize, ds.RasterYSize
    strict = np.zeros((h, w), dtype=np.int32)
    loose = np.zeros((h, w), dtype=np.int32)
    for fixes in tracks:
        xy = np.array(ct.TransformPoints([(f.lon, f.lat) for f in fixes]))[:, :2]
        cols, rows = (xy[:, 0] - gt[0]) / 10.0, (gt[3] - xy[:, 1]) / 10.0
        segs = list(zip(cols[:-1], rows[:-1], cols[1:], rows[1:]))
        # PROJ versions may differ in the last bits: allow 1e-4 px around edges here.
        strict += hmgen.supercover(segs, w, h, -1e-4)
        loose += hmgen.supercover(segs, w, h, 1e-4)
    count = read(ds)
    assert np.all(count >= strict) and np.all(count <= loose)
    assert count.max() >= 1


# ---------------------------------------------------------------- reads


def test_heatmap_windows_equal_full_read(tmp_path, grid):
    tracks = random_tracks(grid, 11, 6, 300, (0.5, 6.0))
    name = grid.name(write_tracks(tmp_path / "walks", tracks))
    full = [read(gdal.Open(name), b) for b in range(1, 6)]
    rng = np.random.default_rng(3)
    windows = [(0, 0, 512, 512), (250, 250, 12, 12), (0, 500, 512, 12), (511, 0, 1, 512)]
    windows += [(int(x), int(y), int(rng.integers(1, 513 - x)), int(rng.integers(1, 513 - y)))
                for x, y in rng.integers(0, 512, size=(12, 2))]  # fmt: skip
    for x, y, w, h in windows:
        ds = gdal.Open(name)
        for b in range(1, 6):
            got = ds.GetRasterBand(b).ReadAsArray(x, y, w, h)
            np.testing.assert_array_equal(got, full[b - 1][y : y + h, x : x + w])


def test_heatmap_multiband_read_renders_each_block_once(tmp_path, grid):
    tracks = random_tracks(grid, 5, 4, 200, (0.5, 6.0))
    name = grid.name(write_tracks(tmp_path / "walks", tracks))
    ds = gdal.Open(name)
    all_bands = ds.ReadAsArray()
    assert all_bands.shape == (5, 512, 512)
    for b in range(5):
        np.testing.assert_array_equal(all_bands[b], read(gdal.Open(name), b + 1))
    # Reading band 1 then band 3 of a fresh handle gives the same as band 3 alone.
    ds = gdal.Open(name)
    read(ds, 1)
    np.testing.assert_array_equal(read(ds, 3), all_bands[2])


class DebugMessages:
    """Collect CPLDebug messages of the HEATMAP category while active."""

    def __init__(self):
        self.messages = []

    def handler(self, level, no, msg):
        if level == gdal.CE_Debug and msg.startswith("HEATMAP:"):
            self.messages.append(msg)

    def __enter__(self):
        self.old = gdal.GetConfigOption("CPL_DEBUG")
        gdal.SetConfigOption("CPL_DEBUG", "HEATMAP")
        gdal.PushErrorHandler(self.handler)
        return self

    def __exit__(self, *exc):
        gdal.PopErrorHandler()
        gdal.SetConfigOption("CPL_DEBUG", self.old)


def test_heatmap_sibling_bands_served_from_block_cache(tmp_path, grid):
    tracks = random_tracks(grid, 5, 4, 200, (0.5, 6.0))
    name = grid.name(write_tracks(tmp_path / "walks", tracks))
    ds = gdal.Open(name)
    with DebugMessages() as dbg:
        for b in range(1, 6):
            read(ds, b)
        ds.ReadAsArray()
    renders = [m for m in dbg.messages if "render level 0" in m]
    assert len(renders) == 4, renders  # one per block, whatever the band order
    assert all("and 4 sibling(s)" in m for m in renders)
    with DebugMessages() as dbg:
        ds.GetRasterBand(2).GetOverview(0).ReadAsArray()
        ds.GetRasterBand(4).GetOverview(0).ReadAsArray()
    assert len([m for m in dbg.messages if "render level 1 block (0, 0)" in m]) == 1


def test_heatmap_data_coverage_status(tmp_path, grid):
    folder = write_tracks(tmp_path / "gpx", [hmgen.polyline(grid, [(10.5, 20.5), (100.5, 80.5)], T0)])
    ds = gdal.Open(grid.name(folder))
    band = ds.GetRasterBand(1)
    flags, pct = band.GetDataCoverageStatus(256, 256, 256, 256)
    assert flags == gdal.GDAL_DATA_COVERAGE_STATUS_EMPTY and pct == 0.0
    flags, pct = band.GetDataCoverageStatus(0, 0, 256, 256)
    assert flags == gdal.GDAL_DATA_COVERAGE_STATUS_DATA and pct == 100.0
    flags, pct = band.GetDataCoverageStatus(0, 0, 512, 512)
    assert flags == gdal.GDAL_DATA_COVERAGE_STATUS_DATA | gdal.GDAL_DATA_COVERAGE_STATUS_EMPTY
    assert pct == pytest.approx(25.0)
    flags, pct = band.GetDataCoverageStatus(200, 200, 100, 100)  # four blocks, one with data
    assert flags == gdal.GDAL_DATA_COVERAGE_STATUS_DATA | gdal.GDAL_DATA_COVERAGE_STATUS_EMPTY
    assert pct == pytest.approx(56 * 56 / 100.0)


def test_heatmap_rasterio_windowed_read(tmp_path, grid):
    rasterio = pytest.importorskip("rasterio")
    from rasterio.windows import Window

    tracks = random_tracks(grid, 13, 5, 300, (0.5, 6.0))
    folder = write_tracks(tmp_path / "walks", tracks)
    name = grid.name(folder)
    full = read(gdal.Open(name), 1)
    with rasterio.open(name) as src:
        assert src.driver == "HEATMAP"
        assert src.count == 5 and src.descriptions == tuple(BANDS)
        assert src.dtypes[0] == "float32"
        assert src.block_shapes[0] == (256, 256)
        assert src.overviews(1) == [2]
        for x, y, w, h in [(0, 0, 512, 512), (240, 250, 30, 20), (500, 3, 12, 200)]:
            np.testing.assert_array_equal(src.read(1, window=Window(x, y, w, h)), full[y : y + h, x : x + w])
    # Open options as keyword arguments.
    with rasterio.open(f"HEATMAP:{folder}", ZOOM=14, BOUNDS=grid.bounds(), BANDS="count") as src:
        assert src.count == 1
        np.testing.assert_array_equal(src.read(1), full)


# ---------------------------------------------------------------- GDAL tools


def make_corpus_with_errors(tmp_path, grid):
    # Two activities on one route, an hour apart (not duplicates).
    folder = write_tracks(
        tmp_path / "gpx", [hmgen.polyline(grid, [(10.5, 20.5), (300.5, 20.5)], T0 + 3600 * i) for i in range(2)]
    )
    # Broken on line 3 before any point: skipped, with its line.
    (folder / "broken.gpx").write_text('<?xml version="1.0"?>\n<gpx version="1.1">\n<trk><trkpt lat="4')
    (folder / "empty.fit").write_bytes(b"")
    return folder


def test_heatmap_gdalinfo(tmp_path, grid):
    import json

    folder = make_corpus_with_errors(tmp_path, grid)
    rc, out, err = run_tool(["gdalinfo", "-json", "-mdd", "all", grid.name(folder)])
    assert rc == 0, err
    info = json.loads(out)
    assert info["driverShortName"] == "HEATMAP"
    assert info["size"] == [512, 512]
    assert [b["description"] for b in info["bands"]] == BANDS
    assert [b.get("unit") for b in info["bands"]] == [UNITS[b] for b in BANDS]
    assert [b["type"] for b in info["bands"]] == ["Float32"] * 5
    assert "noDataValue" not in info["bands"][0] and "noDataValue" not in info["bands"][1]
    assert all(b["noDataValue"] == "NaN" for b in info["bands"][2:])
    assert all(b["overviews"] == [{"size": [256, 256]}] for b in info["bands"])
    md = info["metadata"][""]
    assert md["HEATMAP_FILES"] == "4" and md["HEATMAP_SKIPPED_FILES"] == "2"
    assert md["HEATMAP_ACTIVITIES"] == "2"
    errors = by_path(info["metadata"]["HEATMAP_ERRORS"], "ERROR")
    assert sorted(os.path.basename(k) for k in errors) == ["broken.gpx", "empty.fit"]
    assert re.match(r"line 3: ", errors[str(folder / "broken.gpx")])
    # The text output names the domain when asked.
    rc, out, err = run_tool(["gdalinfo", "-listmdd", grid.name(folder)])
    assert rc == 0 and "HEATMAP_ERRORS" in out


def test_heatmap_metadata_errors_domain(tmp_path, grid):
    folder = make_corpus_with_errors(tmp_path, grid)
    ds = gdal.Open(grid.name(folder))
    assert "HEATMAP_ERRORS" in ds.GetMetadataDomainList()
    errors = by_path(ds.GetMetadata("HEATMAP_ERRORS"), "ERROR")
    assert set(errors) == {str(folder / "broken.gpx"), str(folder / "empty.fit")}
    broken = errors[str(folder / "broken.gpx")]
    assert re.match(r"line 3: [^\d]", broken) and "line 3" not in broken[8:]
    assert re.match(r"byte 0: \S", errors[str(folder / "empty.fit")])
    # In path order, numbered from 1.
    assert ds.GetMetadataItem("FILE_1_PATH", "HEATMAP_ERRORS") == str(folder / "broken.gpx")
    assert ds.GetMetadataItem("FILE_2_ERROR", "HEATMAP_ERRORS") == errors[str(folder / "empty.fit")]
    assert int(ds.GetMetadataItem("HEATMAP_SKIPPED_FILES")) == len(errors)


def test_heatmap_gdal_translate_to_gtiff(tmp_path, grid):
    tracks = random_tracks(grid, 17, 5, 300, (0.5, 6.0))
    name = grid.name(write_tracks(tmp_path / "walks", tracks))
    src = gdal.Open(name)
    out = str(tmp_path / "out.tif")
    gdal.Translate(out, src, options="-co TILED=YES")
    dst = gdal.Open(out)
    assert dst.RasterCount == 5
    assert dst.GetGeoTransform() == pytest.approx(src.GetGeoTransform())
    for b in range(1, 6):
        np.testing.assert_array_equal(read(dst, b), read(src, b))
        assert dst.GetRasterBand(b).GetDescription() == BANDS[b - 1]
    # The command-line tool, with an open option.
    out2 = str(tmp_path / "count.tif")
    rc, _, err = run_tool(["gdal_translate", "-q", "-oo", "BANDS=count", name, out2])
    assert rc == 0, err
    np.testing.assert_array_equal(read(gdal.Open(out2)), read(src, 1))


def test_heatmap_translate_outsize_uses_overview(tmp_path):
    grid = hmgen.WebGrid.around(14, 14.5, 46.05, 4, 4)
    tracks = random_tracks(grid, 23, 6, 300, (4.0, 20.0))
    src = gdal.Open(grid.name(write_tracks(tmp_path / "walks", tracks)))
    out = gdal.Translate(str(tmp_path / "half.tif"), src, width=512, height=512, resampleAlg="nearest")
    np.testing.assert_array_equal(read(out), src.GetRasterBand(1).GetOverview(0).ReadAsArray())


def test_heatmap_gdalwarp_to_4326(tmp_path, grid):
    n = 3
    _, lat_top = grid.lonlat(0, 100.0)
    _, lat_bottom = grid.lonlat(0, 101.0)
    tracks = [hmgen.polyline(grid, [(20.5, 100.5), (480.5, 100.5)], T0 + 3600 * i) for i in range(n)]
    name = grid.name(write_tracks(tmp_path / "gpx", tracks), ":BANDS=count")
    # "max": the line is one source pixel high, so nearest neighbour could step over it.
    out = gdal.Warp(str(tmp_path / "w.tif"), name, dstSRS="EPSG:4326", resampleAlg="max")
    srs = out.GetSpatialRef()
    assert srs.GetAuthorityCode(None) == "4326"
    count = read(out)
    assert count.max() == n
    gt = out.GetGeoTransform()
    rows = np.flatnonzero(count.max(axis=1) > 0)
    lats = gt[3] + (rows + 0.5) * gt[5]
    # Every warped pixel with data lies on the track's row of the source, within one output pixel.
    assert np.all(lats <= lat_top + abs(gt[5])) and np.all(lats >= lat_bottom - abs(gt[5]))
    w2 = str(tmp_path / "w2.tif")
    rc, _, err = run_tool(["gdalwarp", "-q", "-r", "max", "-t_srs", "EPSG:4326", name, w2])
    assert rc == 0, err
    np.testing.assert_array_equal(read(gdal.Open(w2)), count)


# ---------------------------------------------------------------- names


def test_heatmap_descriptor_relative_source(tmp_path, grid, monkeypatch):
    tracks = random_tracks(grid, 29, 4, 200, (0.5, 6.0))
    data = tmp_path / "data"
    write_tracks(data / "tracks", tracks)
    desc = data / "city.heatmap"
    desc.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<HeatmapDataset>\n  <Source>tracks/</Source>\n'
        f'  <Option name="ZOOM">{grid.zoom}</Option>\n  <Option name="BOUNDS">{grid.bounds()}</Option>\n'
        '  <Option name="BANDS">count,hr</Option>\n</HeatmapDataset>\n'
    )
    expected = read(gdal.Open(grid.name(data / "tracks")))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert gdal.IdentifyDriver(str(desc)).ShortName == "HEATMAP"
    ds = gdal.Open(str(desc))
    assert ds.GetDriver().ShortName == "HEATMAP"
    assert [ds.GetRasterBand(i).GetDescription() for i in (1, 2)] == ["count", "hr"]
    np.testing.assert_array_equal(read(ds), expected)
    monkeypatch.chdir(data)
    np.testing.assert_array_equal(read(gdal.Open("city.heatmap")), expected)
    rc, out, err = run_tool(["gdalinfo", "city.heatmap"], cwd=str(data))
    assert rc == 0 and "Driver: HEATMAP" in out, err
    # A bad option inside the descriptor points at its line.
    bad = data / "bad.heatmap"
    bad.write_text(
        '<HeatmapDataset>\n<Source>tracks/</Source>\n<Option name="ZOOM">abc</Option>\n</HeatmapDataset>\n'
    )
    with pytest.raises(Exception, match=r"bad\.heatmap:3: ZOOM=abc: expected an integer from 0 to 22"):
        gdal.Open(str(bad))
    # Hardened: a DOCTYPE (and so any entity) is refused.
    evil = data / "evil.heatmap"
    evil.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE HeatmapDataset [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        "<HeatmapDataset><Source>&x;</Source></HeatmapDataset>\n"
    )
    with pytest.raises(Exception, match=r"evil\.heatmap:2: DOCTYPE is not allowed"):
        gdal.Open(str(evil))


def test_heatmap_descriptor_through_gdal2tiles(tmp_path, grid):
    gdal2tiles = shutil.which("gdal2tiles.py") or shutil.which("gdal2tiles")
    if gdal2tiles is None:
        pytest.skip("gdal2tiles not installed")
    n = 3
    tracks = [hmgen.polyline(grid, [(20.5, 100.5), (480.5, 100.5)], T0 + 3600 * i) for i in range(n)]
    write_tracks(tmp_path / "tracks", tracks)
    (tmp_path / "city.heatmap").write_text(
        f'<HeatmapDataset><Source>tracks</Source><Option name="ZOOM">{grid.zoom}</Option>'
        f'<Option name="BOUNDS">{grid.bounds()}</Option><Option name="BANDS">count</Option>'
        "</HeatmapDataset>"
    )
    # gdal2tiles wants Byte: a VRT that names the descriptor by its file name scales counts 0..3.
    steps = [
        ["gdal_translate", "-q", "-of", "VRT", "-ot", "Byte", "-scale", "0", str(n), "0", "255",
         "city.heatmap", "byte.vrt"],
        [gdal2tiles, "-q", "--xyz", "-z", str(grid.zoom), "-r", "near", "--processes=1", "byte.vrt", "tiles"],
    ]  # fmt: skip
    for args in steps:
        rc, _, err = run_tool(args, cwd=str(tmp_path))
        assert rc == 0, err
    # Block (0, 0) of level 0 is exactly XYZ tile (tx, ty): the line is on its row 100.
    tile = gdal.Open(str(tmp_path / "tiles" / str(grid.zoom) / str(grid.tx) / f"{grid.ty}.png"))
    gray = read(tile)
    on = hmgen.line_mask(gray.shape, rows=[(100, 20, 255)])
    assert np.all(gray[on] == 255) and np.all(gray[~on] == 0)


def test_heatmap_vsizip(tmp_path, grid):
    tracks = random_tracks(grid, 31, 4, 200, (0.5, 6.0))
    folder = write_tracks(tmp_path / "gpx", tracks)
    zpath = tmp_path / "export.zip"
    with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted(folder.iterdir()):
            z.write(p, f"export/activities/{p.name}")
        z.writestr("export/city.heatmap", f"<HeatmapDataset><Source>activities</Source>"
                   f'<Option name="ZOOM">14</Option><Option name="BOUNDS">{grid.bounds()}</Option>'
                   "</HeatmapDataset>")  # fmt: skip
    expected = read(gdal.Open(grid.name(folder)))
    ds = gdal.Open(grid.name(f"/vsizip/{zpath}/export/activities"))
    np.testing.assert_array_equal(read(ds), expected)
    assert ds.GetMetadataItem("HEATMAP_FILES") == "4"
    np.testing.assert_array_equal(read(gdal.Open(f"/vsizip/{zpath}/export/city.heatmap")), expected)


def test_heatmap_connection_string_overrides_open_options(tmp_path, grid):
    folder = write_tracks(tmp_path / "gpx", [hmgen.polyline(grid, [(10.5, 20.5), (300.5, 20.5)], T0)])
    res = {z: 2 * hmgen.HALF / (256 * 2**z) for z in (12, 13, 14)}
    # Open options alone.
    ds = gdal.OpenEx(f"HEATMAP:{folder}", gdal.OF_RASTER, open_options=["ZOOM=12", f"BOUNDS={grid.bounds()}"])
    assert ds.GetGeoTransform()[1] == pytest.approx(res[12])
    # The string wins for ZOOM; BANDS from the open options still applies.
    ds = gdal.OpenEx(
        f"HEATMAP:{folder}:ZOOM=13:BOUNDS={grid.bounds()}",
        gdal.OF_RASTER,
        open_options=["ZOOM=12", "BANDS=hr,count"],
    )
    assert ds.GetGeoTransform()[1] == pytest.approx(res[13])
    assert [ds.GetRasterBand(i).GetDescription() for i in (1, 2)] == ["hr", "count"]
    # Every option can ride in the string; values may hold ',' and ':'.
    name = (
        f"HEATMAP:{folder}:ZOOM=14:SPORT=running,cycling,unknown:SRS=EPSG:32633:RESOLUTION=10:"
        f"BOUNDS={grid.bounds()}:DATE_FROM=2021-06-01:DATE_TO=2021-06-01:INCLUDE_VIRTUAL=NO:"
        "MAX_GAP=500:THREADS=2:BANDS=count"
    )
    hmgen.write_gpx(folder / "run.gpx", hmgen.polyline(grid, [(10.5, 30.5), (300.5, 30.5)], T0), "Running")
    ds = gdal.Open(name)
    assert ds.GetDescription() == name
    assert ds.GetGeoTransform()[1] == 10.0
    assert ds.GetSpatialRef().GetAuthorityCode(None) == "32633"
    assert ds.RasterCount == 1 and ds.GetMetadataItem("HEATMAP_ACTIVITIES") == "1"
    # A quoted path may contain ':KEY=' sequences.
    odd = tmp_path / "odd:ZOOM=3"
    shutil.copytree(folder, odd)
    ds = gdal.Open(f'HEATMAP:"{odd}":ZOOM=14:BOUNDS={grid.bounds()}')
    np.testing.assert_array_equal(read(ds), read(gdal.Open(grid.name(folder))))


BAD_VALUES = [
    ("ZOOM", "abc", "ZOOM=abc: expected an integer from 0 to 22"),
    ("ZOOM", "23", "ZOOM=23: expected an integer from 0 to 22"),
    ("BOUNDS", "1,2,3", "BOUNDS=1,2,3: expected minlon,minlat,maxlon,maxlat in degrees"),
    ("BOUNDS", "14,47,15,46", "BOUNDS=14,47,15,46: expected -85.0511 <= minlat < maxlat <= 85.0511"),
    ("BOUNDS", "14,-89,15,46", "BOUNDS=14,-89,15,46: expected -85.0511 <= minlat < maxlat <= 85.0511"),
    ("BOUNDS", "15,46,14,47", "BOUNDS=15,46,14,47: expected -180 <= minlon < maxlon <= 180"),
    ("SRS", "EPSG:999999", "SRS=EPSG:999999: expected a CRS that PROJ knows"),
    ("RESOLUTION", "-1", "RESOLUTION=-1: expected a number > 0"),
    ("BANDS", "count,speed", "BANDS=count,speed: unknown band 'speed'"),
    ("BANDS", "hr,hr", "BANDS=hr,hr: band 'hr' is listed twice"),
    ("DATE_FROM", "2021-02-30", "DATE_FROM=2021-02-30: expected YYYY-MM-DD, an ISO 8601 time or -N followed by d, w, m or y"),
    ("DATE_TO", "tomorrow", "DATE_TO=tomorrow: expected YYYY-MM-DD, an ISO 8601 time or -N followed by d, w, m or y"),
    ("SPORT", "running,,cycling", "SPORT=running,,cycling: expected a comma-separated list"),
    ("WHERE", "sport = ", "WHERE=sport =: incomplete input"),
    ("DEDUPE", "sometimes", "DEDUPE=sometimes: expected YES, NO, TRUE, FALSE, ON, OFF, 1 or 0"),
    ("INCLUDE_VIRTUAL", "perhaps", "INCLUDE_VIRTUAL=perhaps: expected YES, NO, TRUE, FALSE, ON, OFF, 1 or 0"),
    ("MAX_GAP", "0", "MAX_GAP=0: expected a distance in metres > 0"),
    ("PRIVACY_ZONES", "14.5,46", "PRIVACY_ZONES=14.5,46: zone '14.5,46': expected lon,lat,radius_m"),
    ("TRIM_ENDS", "-5", "TRIM_ENDS=-5: expected a distance in metres >= 0"),
    ("ACTIVITIES_CSV", "/nonexistent/activities.csv", "ACTIVITIES_CSV=/nonexistent/activities.csv: no such file"),
    ("THREADS", "65", "THREADS=65: expected an integer from 0 to 64"),
    ("STORE", "", "STORE=: expected a file path or NO"),
    ("RENDER", "heat", "RENDER=heat: expected count, log_count, pace, hr or recency"),
    ("RENDER_MODE", "RGB", "RENDER_MODE=RGB: expected RGBA or PALETTE"),
    ("PALETTE", "0:000000;2:ffffff", "PALETTE=0:000000;2:ffffff: stop 2 '2:ffffff': position 2 is not between 0 and 1"),
    ("NORMALIZE", "sqrt", "NORMALIZE=sqrt: expected linear, log or equalize"),
    ("CLIP", "98,2", "CLIP=98,2: expected low,high percentiles with 0 <= low < high <= 100"),
    ("GLOW", "-1", "GLOW=-1: expected a sigma in pixels from 0 to 32"),
]


@pytest.mark.parametrize("key,value,message", BAD_VALUES, ids=[f"{k}={v}" for k, v, _ in BAD_VALUES])
def test_heatmap_bad_option_value(tmp_path, grid, key, value, message):
    folder = write_tracks(tmp_path / "gpx", [hmgen.polyline(grid, [(10.5, 20.5), (30.5, 20.5)], T0)])
    expected = "HEATMAP: " + re.escape(message)
    with pytest.raises(Exception, match=expected):
        gdal.OpenEx(f"HEATMAP:{folder}", gdal.OF_RASTER, open_options=[f"{key}={value}"])
    assert gdal.GetLastErrorNo() == gdal.CPLE_IllegalArg
    with pytest.raises(Exception, match=expected):
        gdal.Open(f'HEATMAP:{folder}:{key}="{value}"')


def test_heatmap_every_option_is_tested_with_a_bad_value():
    root = ET.fromstring(gdal.GetDriverByName("HEATMAP").GetMetadataItem("DMD_OPENOPTIONLIST"))
    assert {o.get("name") for o in root.findall("Option")} == {k for k, _, _ in BAD_VALUES}


def test_heatmap_unknown_option_and_malformed_name(tmp_path, grid):
    folder = write_tracks(tmp_path / "gpx", [hmgen.polyline(grid, [(10.5, 20.5), (30.5, 20.5)], T0)])
    with pytest.raises(Exception, match=r"HEATMAP: COLOUR: unknown option \(known: ZOOM, BOUNDS"):
        gdal.Open(f"HEATMAP:{folder}:COLOUR=red")
    with pytest.raises(Exception, match="unterminated quote"):
        gdal.Open(f'HEATMAP:"{folder}')
    with pytest.raises(Exception, match=r"expected HEATMAP:<path>"):
        gdal.Open("HEATMAP:")


def test_heatmap_missing_folder(tmp_path):
    missing = tmp_path / "nope"
    with pytest.raises(Exception, match=rf"HEATMAP: {re.escape(str(missing))}: no such file or folder"):
        gdal.Open(f"HEATMAP:{missing}")
    assert gdal.GetLastErrorNo() == gdal.CPLE_OpenFailed


def test_heatmap_empty_folder(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("not a track\n")
    with pytest.raises(Exception, match=r"HEATMAP: .*no usable tracks"):
        gdal.Open(f"HEATMAP:{empty}")


def test_heatmap_gpx_driver_keeps_plain_gpx(tmp_path, grid):
    fixes = hmgen.polyline(grid, [(10.5, 20.5), (30.5, 20.5)], T0)
    gpx = tmp_path / "plain.gpx"
    hmgen.write_gpx(gpx, fixes)
    fit = tmp_path / "plain.fit"
    hmgen.write_fit(fit, hmgen.fit_quantize(fixes))
    drv = gdal.IdentifyDriverEx(str(gpx))
    assert drv is not None and drv.ShortName == "GPX"
    ds = gdal.OpenEx(str(gpx), gdal.OF_VECTOR)
    assert ds.GetDriver().ShortName == "GPX"
    assert ds.GetLayerByName("track_points").GetFeatureCount() == len(fixes)
    for p in (gpx, fit):
        assert gdal.IdentifyDriverEx(str(p), allowed_drivers=["HEATMAP"]) is None
        with pytest.raises(Exception):
            gdal.OpenEx(str(p), gdal.OF_RASTER, allowed_drivers=["HEATMAP"])


# ---------------------------------------------------------------- bad input


def test_heatmap_bad_input_corpus(tmp_path, tracks, heatmap_bin):
    mixed = tmp_path / "mixed"
    good = tmp_path / "good"
    bad_names = sorted(p.name for p in (tracks / "bad").iterdir())
    for sub in ("gpx", "fit"):
        shutil.copytree(tracks / sub, good / sub)
        shutil.copytree(tracks / sub, mixed / sub)
    shutil.copytree(tracks / "bad", mixed / "bad")
    world = ":ZOOM=2:BOUNDS=-180,-85,180,85:BANDS=count"
    with quiet_errors():
        ds_mixed = gdal.Open(f"HEATMAP:{mixed}{world}")
    ds_good = gdal.Open(f"HEATMAP:{good}{world}")
    errors = by_path(ds_mixed.GetMetadata("HEATMAP_ERRORS"), "ERROR")
    md, md_good = ds_mixed.GetMetadata(), ds_good.GetMetadata()
    assert int(md["HEATMAP_FILES"]) == int(md_good["HEATMAP_FILES"]) + len(bad_names)
    assert int(md["HEATMAP_SKIPPED_FILES"]) == len(errors) > 0
    assert md_good["HEATMAP_SKIPPED_FILES"] == "0" and not ds_good.GetMetadata("HEATMAP_ERRORS")
    # Only bad files are skipped, each with a located reason; the zero-byte FIT is certainly one.
    assert all(os.path.dirname(k) == str(mixed / "bad") for k in errors), errors
    assert all(re.match(r"(line|byte) \d+: \S", v) for v in errors.values()), errors
    assert not any(re.match(r"(line|byte) \d+: (line|byte) \d+:", v) for v in errors.values()), errors
    assert str(mixed / "bad" / "sportslib_empty-sessions.fit") in errors
    # The same files the reader reports as unreadable, file for file.
    doc = info_json(heatmap_bin, mixed / "bad")
    assert set(errors) == {f["path"] for f in doc["files"] if f["error"]}
    # Good files render as they do alone; readable parts of bad files only add.
    assert int(md["HEATMAP_ACTIVITIES"]) >= int(md_good["HEATMAP_ACTIVITIES"]) > 0
    a_mixed, a_good = read(ds_mixed), read(ds_good)
    assert a_good.sum() > 0 and np.all(a_mixed >= a_good)


# ---------------------------------------------------------------- threads


def block_list(ds, seed):
    rng = np.random.default_rng(seed)
    nbx, nby = -(-ds.RasterXSize // 256), -(-ds.RasterYSize // 256)
    blocks = [(b, x, y) for b in range(1, ds.RasterCount + 1) for x in range(nbx) for y in range(nby)]
    rng.shuffle(blocks)
    return blocks


def read_blocks(ds, blocks):
    out = {}
    for b, x, y in blocks:
        w = min(256, ds.RasterXSize - 256 * x)
        h = min(256, ds.RasterYSize - 256 * y)
        out[(b, x, y)] = ds.GetRasterBand(b).ReadRaster(256 * x, 256 * y, w, h)
    return out


@pytest.fixture
def thread_name(tmp_path):
    grid = hmgen.WebGrid.around(14, 14.5, 46.05, 4, 3)
    tracks = random_tracks(grid, 37, 16, 500, (0.5, 8.0))
    return grid.name(write_tracks(tmp_path / "walks", tracks))


def test_heatmap_threads_several_handles(thread_name):
    reference = read_blocks(gdal.Open(thread_name), block_list(gdal.Open(thread_name), 0))
    assert any(v.strip(b"\0") for v in reference.values())
    nthreads = 6
    barrier = threading.Barrier(nthreads)
    results, failures = [None] * nthreads, []

    def work(i):
        try:
            ds = gdal.Open(thread_name)
            blocks = block_list(ds, i + 1)
            barrier.wait()
            results[i] = read_blocks(ds, blocks)
        except Exception as e:  # pragma: no cover - reported below
            failures.append(repr(e))
            barrier.abort()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(nthreads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures
    for r in results:
        assert r == reference


def test_heatmap_one_handle_successive_threads(thread_name):
    reference = read_blocks(gdal.Open(thread_name), block_list(gdal.Open(thread_name), 0))
    ds = gdal.Open(thread_name)
    blocks = block_list(ds, 99)
    got = {}
    for part in range(4):
        t = threading.Thread(target=lambda p=part: got.update(read_blocks(ds, blocks[p::4])))
        t.start()
        t.join()
    assert got == reference


# ---------------------------------------------------------------- good citizen


def listing(*folders):
    out = {}
    for folder in folders:
        for root, dirs, files in os.walk(folder):
            for f in files + dirs:
                p = os.path.join(root, f)
                st = os.stat(p)
                out[p] = (st.st_size, st.st_mtime_ns)
    return out


def test_heatmap_writes_no_file(tmp_path, grid, monkeypatch):
    data = tmp_path / "data"
    write_tracks(data / "tracks", random_tracks(grid, 41, 3, 200, (0.5, 6.0)))
    (data / "city.heatmap").write_text(
        f'<HeatmapDataset><Source>tracks</Source><Option name="ZOOM">14</Option>'
        f'<Option name="BOUNDS">{grid.bounds()}</Option></HeatmapDataset>'
    )
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    before = listing(data, cwd)
    out = tmp_path / "out"
    out.mkdir()
    names = [grid.name(data / "tracks"), str(data / "city.heatmap")]
    for name in names:
        ds = gdal.Open(name)
        for b in range(1, 6):
            band = ds.GetRasterBand(b)
            band.ReadAsArray()
            band.GetOverview(0).ReadAsArray()
            band.SetDescription("changed")  # in memory only
        ds.GetRasterBand(1).ComputeStatistics(False)
        ds.GetRasterBand(1).SetMetadataItem("X", "Y")
        ds.GetMetadata("HEATMAP_ERRORS")
        ds.FlushCache()
        ds = None
        # With PAM switched on, as a user's GDAL has it.
        pam = {"GDAL_PAM_ENABLED": "YES"}
        tools = [
            ["gdalinfo", "-stats", "-hist", "-mdd", "all", name],
            ["gdal_translate", "-q", name, str(out / "t.tif")],
            ["gdalwarp", "-q", "-overwrite", "-t_srs", "EPSG:4326", name, str(out / "w.tif")],
        ]
        for args in tools:
            for where in (cwd, data):
                rc, _, err = run_tool(args, cwd=str(where), env_extra=pam)
                assert rc == 0, err
    assert listing(data, cwd) == before

