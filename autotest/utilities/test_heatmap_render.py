# SPDX-License-Identifier: MIT
"""`heatmap render`: one styled PNG of a heatmap.

Expected values do not come from the code under test: where the image has
colour is checked against hmgen.supercover(), the numpy reference
rasteriser (a pixel is drawn when a segment meets it), and the image size
and automatic zoom against the XYZ tile formulas (pymod/hmxyz.py). The
colours themselves are compared with the same window read through the GDAL
driver in styled mode, which is how every other client sees them.
"""
import math

import numpy as np
import pytest
from osgeo import gdal

import hmgen
import hmxyz
from hmtest import run

pytestmark = pytest.mark.require_driver("HEATMAP")

T0 = hmgen.unix(2021, 6, 1)
EPS = 1e-6


@pytest.fixture
def grid():
    return hmgen.WebGrid.around(14, 14.5, 46.05, 2, 2)


def random_tracks(grid, seed, n, nsteps=300, step_px=(0.5, 6.0)):
    rng = np.random.default_rng(seed)
    return [hmgen.random_walk(rng, grid, T0 + 3600 * i, nsteps, step_px) for i in range(n)]


def write_tracks(folder, tracks, fmt="gpx"):
    folder.mkdir(parents=True, exist_ok=True)
    for i, fixes in enumerate(tracks):
        hmgen.write_track(folder / f"t{i:03d}.{fmt}", fixes, fmt)
    return folder


def driver_rgba(name, options, xoff=0, yoff=0, xsize=None, ysize=None):
    ds = gdal.OpenEx(name, gdal.OF_RASTER, open_options=options)
    return ds.ReadAsArray(xoff, yoff, xsize, ysize)


def test_heatmap_render_usage_errors(heatmap_bin, tmp_path, grid):
    folder = write_tracks(tmp_path / "gpx", random_tracks(grid, 1, 1, 50))
    out = str(tmp_path / "o.png")
    rc, _, err = run([heatmap_bin, "render"])
    assert rc == 2 and "usage: heatmap render" in err
    rc, stdout, _ = run([heatmap_bin, "render", "--help"])
    assert rc == 0 and "--zoom Z|auto" in stdout and "--palette" in stdout
    cases = [
        (["--frobnicate"], "heatmap: render: unknown option '--frobnicate'"),
        ([], "heatmap: render: -o OUT.png is missing"),
        (["-o", out, "--zoom", "23"], "heatmap: render: --zoom 23: expected an integer from 0 to 22 or auto"),
        (["-o", out, "--width", "abc"], "heatmap: render: --width abc: expected a number of pixels"),
        (["-o", out, "--mode", "cmyk"], "heatmap: render: --mode cmyk: expected rgba or palette"),
        (["-o", out, "--option", "ZOOM"], "heatmap: render: --option ZOOM: expected KEY=VALUE"),
        (["-o", out, "--palette", "no-such-palette"], "heatmap: render: PALETTE=no-such-palette: "),
        (["-o", out, "--band", "speed"], "heatmap: render: RENDER=speed: "),
        (["-o", out, "--normalize", "cubic"], "heatmap: render: NORMALIZE=cubic: "),
        (["-o", out, "--glow", "-3"], "heatmap: render: GLOW=-3: "),
        (["-o", out, "--from", "2021-02-30"], "heatmap: render: DATE_FROM=2021-02-30: expected YYYY-MM-DD"),
        (["-o", out, "--bounds", "1,2,3"], "heatmap: render: BOUNDS=1,2,3: expected minlon,minlat,maxlon,maxlat"),
        (["-o", out, "--option", "COLOUR=red"], "heatmap: render: COLOUR: unknown option"),
    ]
    for args, message in cases:
        rc, stdout, err = run([heatmap_bin, "render", str(folder), *args])
        assert rc == 2, (args, err)
        assert err.startswith(message), (args, err)
        assert len(err.strip().splitlines()) <= 2, err  # the message, then at most a usage line
    assert not (tmp_path / "o.png").exists()


def test_heatmap_render_errors(heatmap_bin, tmp_path):
    missing = tmp_path / "nope"
    rc, _, err = run([heatmap_bin, "render", str(missing), "-o", str(tmp_path / "o.png")])
    assert rc == 1
    assert err.strip() == f"heatmap: render: {missing}: no such file or folder"
    empty = tmp_path / "empty"
    empty.mkdir()
    rc, _, err = run([heatmap_bin, "render", str(empty), "-o", str(tmp_path / "o.png")])
    assert rc == 1 and "no usable tracks" in err
    assert not (tmp_path / "o.png").exists()


def test_heatmap_render_matches_reference(heatmap_bin, tmp_path, grid):
    tracks = random_tracks(grid, 20240611, 6)
    folder = write_tracks(tmp_path / "gpx", tracks)
    out = tmp_path / "heat.png"
    rc, stdout, err = run(
        [heatmap_bin, "render", str(folder), "-o", str(out), "--zoom", "14", "--bounds", grid.bounds()]
    )
    assert rc == 0, err
    assert stdout.startswith(f"{out}: 512 x 512 px, zoom 14")
    ds = gdal.Open(str(out))
    assert ds.GetDriver().ShortName == "PNG"
    assert (ds.RasterXSize, ds.RasterYSize, ds.RasterCount) == (512, 512, 4)
    assert ds.GetRasterBand(4).GetColorInterpretation() == gdal.GCI_AlphaBand
    img = ds.ReadAsArray()
    drawn = img[3] > 0
    strict = hmgen.counts(grid, tracks, 0, -EPS) > 0
    loose = hmgen.counts(grid, tracks, 0, +EPS) > 0
    assert np.all(drawn[strict]), np.argwhere(strict & ~drawn)[:10]
    assert not np.any(drawn[~loose]), np.argwhere(drawn & ~loose)[:10]
    assert np.all(img[:, ~drawn] == 0)  # transparent is transparent black
    # Colour where the tracks are, and the same pixels a GDAL client gets.
    assert np.all(img[:3, drawn].max(axis=0) > 0)
    ref = driver_rgba(f"HEATMAP:{folder}", ["ZOOM=14", f"BOUNDS={grid.bounds()}", "RENDER=count"])
    np.testing.assert_array_equal(img, ref)


def test_heatmap_render_style_options_reach_the_engine(heatmap_bin, tmp_path, grid):
    tracks = random_tracks(grid, 7, 5)
    folder = write_tracks(tmp_path / "gpx", tracks)
    style = ["--band", "log_count", "--palette", "0:0000ff;1:ff0000", "--normalize", "linear",
             "--clip", "0,100"]  # fmt: skip
    opts = ["RENDER=log_count", "PALETTE=0:0000ff;1:ff0000", "NORMALIZE=linear", "CLIP=0,100"]
    out = tmp_path / "s.png"
    rc, _, err = run([heatmap_bin, "render", str(folder), "-o", str(out), "--zoom", "14",
                      "--bounds", grid.bounds(), *style])  # fmt: skip
    assert rc == 0, err
    img = gdal.Open(str(out)).ReadAsArray()
    np.testing.assert_array_equal(img, driver_rgba(f"HEATMAP:{folder}", ["ZOOM=14", f"BOUNDS={grid.bounds()}", *opts]))
    # A two-stop gradient from blue to red: no green anywhere, blue and red at the ends.
    drawn = img[3] > 0
    assert drawn.any() and np.all(img[1, drawn] == 0)
    # The same through --option and in the connection string.
    for args in (["--option", f"RENDER=log_count", "--option", "PALETTE=0:0000ff;1:ff0000",
                  "--option", "NORMALIZE=linear", "--option", "CLIP=0,100"],):  # fmt: skip
        out2 = tmp_path / "o2.png"
        rc, _, err = run([heatmap_bin, "render", str(folder), "-o", str(out2), "--zoom", "14",
                          "--bounds", grid.bounds(), *args])  # fmt: skip
        assert rc == 0, err
        np.testing.assert_array_equal(gdal.Open(str(out2)).ReadAsArray(), img)


def test_heatmap_render_palette_mode(heatmap_bin, tmp_path, grid):
    tracks = random_tracks(grid, 8, 4)
    folder = write_tracks(tmp_path / "gpx", tracks)
    out = tmp_path / "p.png"
    rc, _, err = run([heatmap_bin, "render", str(folder), "-o", str(out), "--zoom", "14",
                      "--bounds", grid.bounds(), "--mode", "palette"])  # fmt: skip
    assert rc == 0, err
    ds = gdal.Open(str(out))
    assert ds.RasterCount == 1 and (ds.RasterXSize, ds.RasterYSize) == (512, 512)
    band = ds.GetRasterBand(1)
    ct = band.GetColorTable()
    assert ct is not None and ct.GetColorEntry(0)[3] == 0
    idx = band.ReadAsArray()
    strict = hmgen.counts(grid, tracks, 0, -EPS) > 0
    loose = hmgen.counts(grid, tracks, 0, +EPS) > 0
    assert np.all(idx[strict] > 0) and np.all(idx[~loose] == 0)
    ref = gdal.OpenEx(f"HEATMAP:{folder}", open_options=["ZOOM=14", f"BOUNDS={grid.bounds()}", "RENDER=count",
                                                         "RENDER_MODE=PALETTE"])  # fmt: skip
    np.testing.assert_array_equal(idx, ref.ReadAsArray())
    rct = ref.GetRasterBand(1).GetColorTable()
    for i in range(1, 256):
        assert ct.GetColorEntry(i) == rct.GetColorEntry(i), i


def test_heatmap_render_auto_zoom_fits_the_data(heatmap_bin, tmp_path, grid):
    tracks = random_tracks(grid, 9, 4)
    folder = write_tracks(tmp_path / "gpx", tracks)
    lons = [f.lon for t in tracks for f in t]
    lats = [f.lat for t in tracks for f in t]
    extent = (min(lons), min(lats), max(lons), max(lats))
    for width, height in [(2048, 2048), (700, 300), (256, 256), (100, 100)]:
        z = hmxyz.auto_zoom(*extent, width, height, exact=False)
        w, h = hmxyz.grid_size(*extent, z, exact=False)
        out = tmp_path / f"auto{width}x{height}.png"
        rc, stdout, err = run([heatmap_bin, "render", str(folder), "-o", str(out),
                               "--width", str(width), "--height", str(height)])  # fmt: skip
        assert rc == 0, err
        assert stdout.startswith(f"{out}: {w} x {h} px, zoom {z},"), (width, height, stdout)
        ds = gdal.Open(str(out))
        assert (ds.RasterXSize, ds.RasterYSize) == (w, h)
        assert ds.GetRasterBand(4).ReadAsArray().max() > 0
    # The default bound is 2048 x 2048, and "auto" may be said.
    rc, stdout, _ = run([heatmap_bin, "render", str(folder), "-o", str(tmp_path / "d.png"), "--zoom", "auto"])
    z = hmxyz.auto_zoom(*extent, 2048, 2048, exact=False)
    assert rc == 0 and f" px, zoom {z}," in stdout


def test_heatmap_render_auto_zoom_with_bounds(heatmap_bin, tmp_path, grid):
    tracks = random_tracks(grid, 10, 3)
    folder = write_tracks(tmp_path / "gpx", tracks)
    bounds = (14.31, 45.97, 14.72, 46.13)  # wider than the tracks; no edge near a tile line
    z = hmxyz.auto_zoom(*bounds, 1000, 800, exact=True)
    w, h = hmxyz.grid_size(*bounds, z, exact=True)
    assert w <= 1000 and h <= 800
    out = tmp_path / "b.png"
    rc, stdout, err = run([heatmap_bin, "render", str(folder), "-o", str(out), "--width", "1000",
                           "--height", "800", "--bounds", ",".join(map(str, bounds))])  # fmt: skip
    assert rc == 0, err
    ds = gdal.Open(str(out))
    assert (ds.RasterXSize, ds.RasterYSize) == (w, h), stdout
    # The tracks are drawn where the tile formulas put them.
    img = ds.ReadAsArray()
    x, y = hmxyz.world([f.lon for t in tracks for f in t], [f.lat for t in tracks for f in t], z)
    (x0,), (y0,) = hmxyz.world([bounds[0]], [bounds[3]], z)
    cols = ((x - math.floor(x0)) * 256).astype(int)
    rows = ((y - math.floor(y0)) * 256).astype(int)
    assert np.all(img[3, rows, cols] > 0)
    far = np.ones(img[3].shape, bool)
    far[max(rows.min() - 2, 0) : rows.max() + 3, max(cols.min() - 2, 0) : cols.max() + 3] = False
    assert not np.any(img[3][far] > 0)


def test_heatmap_render_outside_data_is_transparent(heatmap_bin, tmp_path, grid):
    folder = write_tracks(tmp_path / "gpx", random_tracks(grid, 11, 2))
    out = tmp_path / "e.png"
    rc, stdout, err = run([heatmap_bin, "render", str(folder), "-o", str(out), "--zoom", "12",
                           "--bounds", "10.0,40.0,10.2,40.1"])  # fmt: skip
    assert rc == 0, err
    img = gdal.Open(str(out)).ReadAsArray()
    assert img.shape[0] == 4 and not img.any()
    assert "0 blocks drawn" in stdout


def test_heatmap_render_from_descriptor_and_connection_string(heatmap_bin, tmp_path, grid):
    tracks = random_tracks(grid, 12, 3)
    folder = write_tracks(tmp_path / "data" / "gpx", tracks)
    desc = tmp_path / "data" / "city.heatmap"
    desc.write_text(
        "<HeatmapDataset><Source>gpx</Source>"
        f'<Option name="BOUNDS">{grid.bounds()}</Option><Option name="RENDER">count</Option>'
        '<Option name="PALETTE">blue</Option></HeatmapDataset>'
    )
    outs = {}
    for key, src in [("folder", str(folder)), ("desc", str(desc)),
                     ("name", f"HEATMAP:{folder}:BOUNDS={grid.bounds()}:PALETTE=blue")]:  # fmt: skip
        extra = ["--bounds", grid.bounds(), "--palette", "blue"] if key == "folder" else []
        outs[key] = tmp_path / f"{key}.png"
        rc, _, err = run([heatmap_bin, "render", src, "-o", str(outs[key]), "--zoom", "14", *extra])
        assert rc == 0, (key, err)
    imgs = {k: gdal.Open(str(p)).ReadAsArray() for k, p in outs.items()}
    np.testing.assert_array_equal(imgs["desc"], imgs["folder"])
    np.testing.assert_array_equal(imgs["name"], imgs["folder"])
    # Options on the command line override the descriptor's.
    rc, _, err = run([heatmap_bin, "render", str(desc), "-o", str(tmp_path / "hot.png"), "--zoom", "14",
                      "--palette", "hot"])  # fmt: skip
    assert rc == 0, err
    assert not np.array_equal(gdal.Open(str(tmp_path / "hot.png")).ReadAsArray(), imgs["desc"])


def test_heatmap_render_threads_give_the_same_image(heatmap_bin, tmp_path):
    grid = hmgen.WebGrid.around(15, 14.5, 46.05, 4, 4)
    folder = write_tracks(tmp_path / "gpx", random_tracks(grid, 13, 6, 600))
    imgs = []
    for threads in ("1", "2", "5"):
        out = tmp_path / f"t{threads}.png"
        rc, _, err = run([heatmap_bin, "render", str(folder), "-o", str(out), "--zoom", "15",
                          "--bounds", grid.bounds(), "--threads", threads, "--glow", "2"])  # fmt: skip
        assert rc == 0, err
        imgs.append(gdal.Open(str(out)).ReadAsArray())
    assert imgs[0].shape == (4, 1024, 1024)
    np.testing.assert_array_equal(imgs[0], imgs[1])
    np.testing.assert_array_equal(imgs[0], imgs[2])
