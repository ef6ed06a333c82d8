# SPDX-License-Identifier: MIT
"""`heatmap tiles`: an XYZ pyramid of styled PNGs holding only tiles with data.

Tracks are random walks in three towns on three continents, written with
hmgen. Which tiles must exist is computed here from the track coordinates
with the XYZ tile formulas, clipping every segment against the tiles near
it (pymod/hmxyz.py), so a tile that a line crosses between two fixes counts
too. Each tile's pixels are compared with the same window of the heatmap
read through the GDAL driver in styled mode (RENDER=count), the way every
GDAL client sees it.
"""
import os
import pathlib
import pty
import re
import subprocess

import numpy as np
import pytest
from osgeo import gdal

import hmgen
import hmxyz
from hmtest import run

pytestmark = pytest.mark.require_driver("HEATMAP")

T0 = hmgen.unix(2022, 3, 1)
# Tile edges within this many pixels of a segment are ambiguous; see hmxyz.tiles_met().
EPS = 1e-6
TOWNS = [(14.5, 46.05), (139.77, 35.68), (-43.17, -22.91)]  # Ljubljana, Tokyo, Rio


def write_tracks(folder, tracks, fmt="gpx"):
    folder.mkdir(parents=True, exist_ok=True)
    for i, fixes in enumerate(tracks):
        hmgen.write_track(folder / f"t{i:03d}.{fmt}", fixes, fmt)
    return folder


@pytest.fixture(scope="module")
def towns(tmp_path_factory):
    """Random walks in three towns: (folder, tracks)."""
    rng = np.random.default_rng(20220301)
    tracks = []
    for k, (lon, lat) in enumerate(TOWNS):
        grid = hmgen.WebGrid.around(14, lon, lat, 3, 3)  # 768 px of 9.5 m: about 7 km
        for i in range(3):
            tracks.append(hmgen.random_walk(rng, grid, T0 + 86400 * k + 3600 * i, 250, (0.5, 8.0)))
    folder = write_tracks(tmp_path_factory.mktemp("towns") / "gpx", tracks[0::2], "gpx")
    for i, fixes in enumerate(tracks[1::2]):
        hmgen.write_fit(folder / f"f{i:03d}.fit", fixes)
    order = tracks[0::2] + tracks[1::2]
    return folder, order


def written_tiles(outdir):
    """{(z, x, y)} of the PNG files under outdir."""
    out = set()
    for root, _, files in os.walk(outdir):
        for f in files:
            rel = pathlib.Path(root, f).relative_to(outdir).parts
            if f.endswith(".png"):
                assert len(rel) == 3 and re.fullmatch(r"\d+\.png", rel[2]), rel
                out.add((int(rel[0]), int(rel[1]), int(rel[2][:-4])))
    return out


def styled(folder, zoom, extra=()):
    return gdal.OpenEx(f"HEATMAP:{folder}", gdal.OF_RASTER, open_options=[f"ZOOM={zoom}", "RENDER=count", *extra])


def first_tile(ds):
    """XYZ tile (x, y) of block (0, 0) of a styled dataset, from its geotransform."""
    gt = ds.GetGeoTransform()
    tile = 256 * gt[1]
    return round((gt[0] + hmgen.HALF) / tile), round((hmgen.HALF - gt[3]) / tile)


def test_heatmap_tiles_usage_errors(heatmap_bin, tmp_path, towns):
    folder, _ = towns
    out = str(tmp_path / "t")
    rc, _, err = run([heatmap_bin, "tiles"])
    assert rc == 2 and "usage: heatmap tiles" in err
    rc, stdout, _ = run([heatmap_bin, "tiles", "--help"])
    assert rc == 0 and "--zoom MIN-MAX" in stdout and "--threads" in stdout
    cases = [
        ([str(folder), out], "heatmap: tiles: --zoom MIN-MAX is missing"),
        ([str(folder), out, "--zoom", "9-7"], "heatmap: tiles: --zoom 9-7: expected MIN-MAX"),
        ([str(folder), out, "--zoom", "3-23"], "heatmap: tiles: --zoom 3-23: expected MIN-MAX"),
        ([str(folder), out, "--zoom", "5", "--threads", "0"], "heatmap: tiles: --threads takes a number"),
        ([str(folder), out, "--zoom", "5", "--palette", "nope"], "heatmap: tiles: PALETTE=nope: "),
        ([str(folder), out, "--zoom", "5", "--frob"], "heatmap: tiles: unknown option '--frob'"),
        ([str(folder), out, "x", "--zoom", "5"], "heatmap: tiles: unexpected argument 'x'"),
        ([str(folder), out, "--zoom", "5", "--option", "SRS=EPSG:32633"],
         "heatmap: tiles: tiles need the EPSG:3857 tile grid"),
    ]  # fmt: skip
    for args, message in cases:
        rc, _, err = run([heatmap_bin, "tiles", *args])
        assert rc == 2, (args, err)
        assert err.startswith(message), (args, err)
    assert written_tiles(tmp_path) == set()
    rc, _, err = run([heatmap_bin, "tiles", str(tmp_path / "nope"), out, "--zoom", "5"])
    assert rc == 1 and err.strip() == f"heatmap: tiles: {tmp_path / 'nope'}: no such file or folder"


def test_heatmap_tiles_only_occupied_tiles(heatmap_bin, tmp_path, towns):
    folder, tracks = towns
    out = tmp_path / "pyramid"
    zmin, zmax = 9, 15
    rc, stdout, err = run([heatmap_bin, "tiles", str(folder), str(out), "--zoom", f"{zmin}-{zmax}", "--threads", "2"])
    assert rc == 0, err
    assert err == ""  # not a terminal: no progress bar
    got = written_tiles(out)
    assert stdout.startswith(f"{out}: {len(got)} tiles, zoom {zmin}-{zmax}, ")
    for z in range(zmin, zmax + 1):
        strict = hmxyz.tiles_met(tracks, z, -EPS)
        loose = hmxyz.tiles_met(tracks, z, +EPS)
        at_z = {t for t in got if t[0] == z}
        assert strict <= at_z, sorted(strict - at_z)[:10]
        assert at_z <= loose, sorted(at_z - loose)[:10]
        assert len(loose - strict) <= 2  # random geometry is (almost) never ambiguous
    # Three continents: at zoom 15 the occupied tiles are a speck of the bounding box.
    xs = [x for z, x, y in got if z == zmax]
    ys = [y for z, x, y in got if z == zmax]
    assert (max(xs) - min(xs) + 1) * (max(ys) - min(ys) + 1) > 1000 * len(xs)
    for t in sorted(got):
        img = hmxyz.png_rgba(out / str(t[0]) / str(t[1]) / f"{t[2]}.png")
        assert img.shape == (4, 256, 256)
        assert img[3].max() > 0, t


@pytest.mark.parametrize("mode", ["rgba", "palette"])
def test_heatmap_tiles_equal_driver_blocks(heatmap_bin, tmp_path, towns, mode):
    folder, tracks = towns
    out = tmp_path / "pyramid"
    extra = ["--mode", mode, "--palette", "viridis"]
    opts = ["RENDER_MODE=" + mode.upper(), "PALETTE=viridis"]
    rc, _, err = run([heatmap_bin, "tiles", str(folder), str(out), "--zoom", "12-14", *extra])
    assert rc == 0, err
    got = written_tiles(out)
    for z in (12, 14):
        ds = styled(folder, z, opts)
        assert ds.RasterCount == (4 if mode == "rgba" else 1)
        x0, y0 = first_tile(ds)
        for _, x, y in sorted(t for t in got if t[0] == z):
            path = out / str(z) / str(x) / f"{y}.png"
            png = gdal.Open(str(path))
            want = ds.ReadAsArray((x - x0) * 256, (y - y0) * 256, 256, 256)
            np.testing.assert_array_equal(png.ReadAsArray(), want, err_msg=str(path))
            if mode == "palette":
                ct = png.GetRasterBand(1).GetColorTable()
                assert ct.GetColorEntry(0)[3] == 0
                assert ct.GetColorEntry(255) == ds.GetRasterBand(1).GetColorTable().GetColorEntry(255)
        # And no tile is missing: every block the driver gives colour to was written.
        listed = {(x, y) for zz, x, y in got if zz == z}
        for x, y in hmxyz_blocks_with_colour(ds, x0, y0, tracks, z):
            assert (x, y) in listed, (z, x, y)


def hmxyz_blocks_with_colour(ds, x0, y0, tracks, z):
    """Tiles met by the tracks (reference) whose driver window has colour."""
    for _, x, y in sorted(hmxyz.tiles_met(tracks, z, -EPS)):
        win = ds.ReadAsArray((x - x0) * 256, (y - y0) * 256, 256, 256)
        alpha = win[3] if win.ndim == 3 else win
        if alpha.max() > 0:
            yield x, y


def test_heatmap_tiles_glow_spills_into_neighbours(heatmap_bin, tmp_path):
    grid = hmgen.WebGrid.around(14, 14.5, 46.05, 3, 3)
    # A line along row 250 of the first tile row: 6 px from the tiles below it.
    folder = write_tracks(tmp_path / "gpx", [hmgen.polyline(grid, [(300.5, 250.5), (460.5, 250.5)], T0)])
    out = tmp_path / "glow"
    rc, _, err = run([heatmap_bin, "tiles", str(folder), str(out), "--zoom", "14", "--glow", "4",
                      "--option", f"BOUNDS={grid.bounds()}"])  # fmt: skip
    assert rc == 0, err
    got = written_tiles(out)
    on_line = {(14, grid.tx + 1, grid.ty)}
    below = {(14, grid.tx + 1, grid.ty + 1)}
    assert on_line | below == got
    ds = styled(folder, 14, ["GLOW=4", f"BOUNDS={grid.bounds()}"])
    for z, x, y in got:
        np.testing.assert_array_equal(
            gdal.Open(str(out / str(z) / str(x) / f"{y}.png")).ReadAsArray(),
            ds.ReadAsArray((x - grid.tx) * 256, (y - grid.ty) * 256, 256, 256),
        )


def test_heatmap_tiles_viewer_is_self_contained(heatmap_bin, tmp_path, towns):
    folder, tracks = towns
    out = tmp_path / "v"
    rc, _, err = run([heatmap_bin, "tiles", str(folder), str(out), "--zoom", "10-11"])
    assert rc == 0, err
    html = (out / "index.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "minZoom: 10, maxZoom: 11" in html
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", html, re.I)  # no network at all
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", html, re.I)
    assert '+ ".png"' in html
    # The view is centred on the data: the bbox is that of the deepest zoom's tiles.
    m = re.search(r"bbox: \[([^\]]+)\]", html)
    bbox = [float(v) for v in m.group(1).split(",")]
    tiles = {t for t in written_tiles(out) if t[0] == 11}
    n = 2**11
    assert bbox == pytest.approx([min(t[1] for t in tiles) / n, min(t[2] for t in tiles) / n,
                                  (max(t[1] for t in tiles) + 1) / n, (max(t[2] for t in tiles) + 1) / n])  # fmt: skip


def test_heatmap_tiles_progress_on_a_terminal(heatmap_bin, tmp_path, towns):
    folder, _ = towns
    master, slave = pty.openpty()
    p = subprocess.run([heatmap_bin, "tiles", str(folder), str(tmp_path / "p"), "--zoom", "8-9"],
                       stdout=subprocess.PIPE, stderr=slave, text=True)  # fmt: skip
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    err = b"".join(chunks).decode()
    assert p.returncode == 0
    assert re.search(r"zoom  9 \[#+\] \d+/\d+ 100%", err), err
    assert "\r" in err


def test_heatmap_tiles_filters_and_descriptor_source(heatmap_bin, tmp_path):
    grid = hmgen.WebGrid.around(13, 14.5, 46.05, 2, 2)
    folder = tmp_path / "gpx"
    folder.mkdir()
    run_ = hmgen.polyline(grid, [(20.5, 40.5), (480.5, 40.5)], T0)
    ride = hmgen.polyline(grid, [(20.5, 400.5), (480.5, 400.5)], T0 + 86400)
    hmgen.write_gpx(folder / "run.gpx", run_, "running")
    hmgen.write_gpx(folder / "ride.gpx", ride, "cycling")
    desc = tmp_path / "runs.heatmap"
    desc.write_text('<HeatmapDataset><Source>gpx</Source><Option name="SPORT">running</Option></HeatmapDataset>')
    for src, extra in [(str(folder), ["--sport", "running"]), (str(desc), [])]:
        out = tmp_path / ("o" + str(len(extra)))
        rc, _, err = run([heatmap_bin, "tiles", src, str(out), "--zoom", "13", *extra])
        assert rc == 0, err
        assert written_tiles(out) == hmxyz.tiles_met([run_], 13)
    # --from after the run: only the ride is left.
    out = tmp_path / "late"
    rc, _, err = run([heatmap_bin, "tiles", str(folder), str(out), "--zoom", "13", "--from", "2022-03-02"])
    assert rc == 0, err
    assert written_tiles(out) == hmxyz.tiles_met([ride], 13)


def test_heatmap_tiles_generated_regions(heatmap_bin, generate_bin, tmp_path):
    """`heatmap-generate --regions 3`: every zoom has tiles near each town and nothing else."""
    data = tmp_path / "gen"
    run([generate_bin, str(data), "--regions", "3", "--activities", "30"], check_rc=0)
    out = tmp_path / "t"
    rc, _, err = run([heatmap_bin, "tiles", str(data), str(out), "--zoom", "6-13"])
    assert rc == 0, err
    got = written_tiles(out)
    # The first three towns of `heatmap-generate --regions` (tools/generate/generate.c).
    towns = [(14.5, 46.05), (-105.2705, 40.015), (18.4241, -33.9249)]
    for z in range(6, 14):
        at_z = [(x, y) for zz, x, y in got if zz == z]
        assert at_z, z
        near = set()
        for lon, lat in towns:
            x, y = hmxyz.world([lon], [lat], z)
            # Activities stay within ~40 km of their town.
            r = 40000 / (2 * hmgen.HALF / 2**z) + 1
            near |= {(tx, ty) for tx, ty in at_z if abs(tx + 0.5 - x[0]) <= r and abs(ty + 0.5 - y[0]) <= r}
            assert any(abs(tx + 0.5 - x[0]) <= r and abs(ty + 0.5 - y[0]) <= r for tx, ty in at_z), (z, lon, lat)
        assert near == set(at_z), z


WEBKIT_SCRIPT = """
import sys
from PyQt5.QtCore import QEvent, QPoint, QPointF, Qt, QTimer, QUrl
from PyQt5.QtGui import QImage, QMouseEvent, QPainter
from PyQt5.QtTest import QTest
from PyQt5.QtWidgets import QApplication
from PyQt5.QtWebKitWidgets import QWebView

app = QApplication(sys.argv)
view = QWebView()
view.resize(1024, 768)
frame = view.page().mainFrame()
js = frame.evaluateJavaScript
out = []


def shot(path):
    img = QImage(view.size(), QImage.Format_ARGB32)
    p = QPainter(img)
    frame.render(p)
    p.end()
    img.save(path)


def step3():
    out.append(js("document.getElementById('info').textContent"))
    print("\\n".join(out))
    app.quit()


def step2():
    out.append(js("document.getElementById('info').textContent"))
    shot(sys.argv[3])
    # Drag the map 200 pixels to the left: the view moves east.
    QTest.mousePress(view, Qt.LeftButton, Qt.NoModifier, QPoint(600, 400))
    for x in (500, 400):  # QTest.mouseMove cannot move without a real cursor: send the events
        app.sendEvent(view, QMouseEvent(QEvent.MouseMove, QPointF(x, 400), Qt.LeftButton, Qt.LeftButton,
                                        Qt.NoModifier))  # fmt: skip
    QTest.mouseRelease(view, Qt.LeftButton, Qt.NoModifier, QPoint(400, 400))
    QTimer.singleShot(500, step3)


def step1(ok):
    out.append(str(ok))
    out.append(js("document.getElementById('info').textContent"))
    out.append(str(int(js("document.querySelectorAll('#map img').length"))))
    shot(sys.argv[2])
    # A real mouse click on the + button.
    r = js("var r = document.getElementById('zin').getBoundingClientRect(); [r.left, r.top, r.width, r.height]")
    QTest.mouseClick(view, Qt.LeftButton, Qt.NoModifier, QPoint(int(r[0] + r[2] / 2), int(r[1] + r[3] / 2)))
    QTimer.singleShot(1500, step2)


view.loadFinished.connect(lambda ok: QTimer.singleShot(1500, lambda: step1(ok)))
view.load(QUrl.fromLocalFile(sys.argv[1]))
view.show()
app.exec_()
"""


def test_heatmap_tiles_viewer_shows_the_tiles(heatmap_bin, tmp_path, towns):
    """The viewer page, run by a real (headless) browser engine: QtWebKit."""
    import sys

    p = subprocess.run([sys.executable, "-c", "import PyQt5.QtWebKitWidgets"], capture_output=True)
    if p.returncode != 0:
        pytest.skip("QtWebKit for Python not installed (Debian: python3-pyqt5.qtwebkit)")
    grid = hmgen.WebGrid.around(13, 14.5, 46.05, 2, 2)
    rng = np.random.default_rng(3)
    folder = write_tracks(tmp_path / "gpx", [hmgen.random_walk(rng, grid, T0 + 3600 * i, 300) for i in range(4)])
    out = tmp_path / "v"
    rc, _, err = run([heatmap_bin, "tiles", str(folder), str(out), "--zoom", "9-15"])
    assert rc == 0, err
    # The view that shows all the data in 1024 x 768: the deepest zoom where the data's tiles fit.
    tiles = {t for t in written_tiles(out) if t[0] == 15}
    w = (max(t[1] for t in tiles) + 1 - min(t[1] for t in tiles)) / 2**15
    h = (max(t[2] for t in tiles) + 1 - min(t[2] for t in tiles)) / 2**15
    zoom = max([z for z in range(9, 16) if w * 256 * 2**z <= 1024 and h * 256 * 2**z <= 768] or [9])
    script = tmp_path / "webkit.py"
    script.write_text(WEBKIT_SCRIPT)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_RUNTIME_DIR=str(tmp_path))
    p = subprocess.run([sys.executable, str(script), str(out / "index.html"), str(tmp_path / "a.png"),
                        str(tmp_path / "b.png")], capture_output=True, text=True, env=env, timeout=120)  # fmt: skip
    assert p.returncode == 0, p.stderr
    ok, info, nimg, info2, info3 = p.stdout.split("\n")[:5]
    assert ok == "True"
    assert info.startswith(f"zoom {zoom} ") and int(nimg) > 0
    assert info2.startswith(f"zoom {zoom + 1} ")  # the + button zooms in
    lat2, lon2 = (float(v) for v in info2.split(None, 2)[2].split(","))
    lat3, lon3 = (float(v) for v in info3.split(None, 2)[2].split(","))
    assert lat3 == pytest.approx(lat2, abs=1e-5)
    assert lon3 - lon2 == pytest.approx(200 * 360 / (256 * 2 ** (zoom + 1)), abs=2e-5)
    for shot in ("a.png", "b.png"):
        img = hmxyz.png_rgba(tmp_path / shot)
        background = img[:3, -1, -1]  # a corner: no data there
        coloured = np.any(np.abs(img[:3].astype(int) - background[:, None, None]) > 60, axis=0)
        coloured[:40, :400] = False  # the buttons and the info text
        assert coloured.sum() > 500, shot
