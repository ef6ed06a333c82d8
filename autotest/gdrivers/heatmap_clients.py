# SPDX-License-Identifier: MIT
"""The HEATMAP driver in styled mode seen by real clients: gdal2tiles, QGIS, MapServer.

Each client runs as its own process, as a user would run it, against two
hand-placed tracks on the XYZ zoom-14 grid around Ljubljana: a horizontal
line along pixel row 100 (columns 20-480) and a vertical one along column
300 (rows 50-450), both through pixel centres so no pixel is ambiguous. The
expected picture is therefore known without the engine: colour (alpha > 0)
exactly on those pixels, transparency everywhere else. Where a client shows
the raster 1:1, its colours must also equal the driver's own styled read.

Each test skips, naming what is missing, only when its client is not
installed; scripts/install-deps.sh installs all three.
"""
import os
import re
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from osgeo import gdal

import hmgen
import hmxyz

pytestmark = pytest.mark.require_driver("HEATMAP")

T0 = hmgen.unix(2021, 6, 1)
ZOOM = 14
H_ROW, H_COLS = 100, (20, 480)
V_COL, V_ROWS = 300, (50, 450)


@pytest.fixture(scope="module")
def grid():
    # Tiles aligned on multiples of 4, so zooms 12 and 13 hold the grid in one tile.
    g = hmgen.WebGrid.around(ZOOM, 14.5, 46.05, 2, 2)
    return hmgen.WebGrid(ZOOM, g.tx - g.tx % 4, g.ty - g.ty % 4, 2, 2)


@pytest.fixture(scope="module")
def scene(tmp_path_factory, grid):
    """Folder with the two tracks, and the expected mask of the 512 x 512 grid."""
    root = tmp_path_factory.mktemp("clients")
    folder = root / "tracks"
    folder.mkdir()
    horizontal = [(H_COLS[0] + 0.5, H_ROW + 0.5), (H_COLS[1] + 0.5, H_ROW + 0.5)]
    vertical = [(V_COL + 0.5, V_ROWS[0] + 0.5), (V_COL + 0.5, V_ROWS[1] + 0.5)]
    hmgen.write_gpx(folder / "h.gpx", hmgen.polyline(grid, horizontal, T0))
    hmgen.write_gpx(folder / "v.gpx", hmgen.polyline(grid, vertical, T0 + 3600))
    mask = np.zeros((512, 512), dtype=bool)
    mask[H_ROW, H_COLS[0] : H_COLS[1] + 1] = True
    mask[V_ROWS[0] : V_ROWS[1] + 1, V_COL] = True
    return root, folder, mask


def env():
    e = dict(os.environ)
    e["GDAL_DRIVER_PATH"] = os.environ["GDAL_DRIVER_PATH"]
    return e


def driver_rgba(folder, grid):
    ds = gdal.OpenEx(f"HEATMAP:{folder}", gdal.OF_RASTER,
                     open_options=[f"ZOOM={ZOOM}", f"BOUNDS={grid.bounds()}", "RENDER=count"])  # fmt: skip
    return ds.ReadAsArray()


def make_descriptor(heatmap_bin, scene, grid, name="city.heatmap"):
    root, folder, _ = scene
    desc = root / name
    p = subprocess.run([heatmap_bin, "descriptor", str(folder), "-o", str(desc), "--band", "count",
                        "--zoom", str(ZOOM), "--bounds", grid.bounds()],
                       capture_output=True, text=True)  # fmt: skip
    assert p.returncode == 0, p.stderr
    return desc


def assert_picture(rgba, mask, what):
    """Colour on the tracks, transparent elsewhere."""
    alpha = rgba[3]
    assert np.all(alpha[mask] > 0), (what, np.argwhere(mask & (alpha == 0))[:10])
    assert np.all(rgba[:3, mask].max(axis=0) > 0), what
    assert not np.any(alpha[~mask]), (what, np.argwhere(~mask & (alpha > 0))[:10])


# ---------------------------------------------------------------- gdal2tiles


def gdal2tiles_command():
    exe = shutil.which("gdal2tiles.py") or shutil.which("gdal2tiles")
    if exe:
        return [exe]
    try:
        import osgeo_utils.gdal2tiles  # noqa: F401
    except ImportError:
        pytest.skip("gdal2tiles not installed (Debian: gdal-bin / python3-gdal)")
    return [sys.executable, "-m", "osgeo_utils.gdal2tiles"]


def run_gdal2tiles(cmd, desc, out, zooms, resampling):
    p = subprocess.run([*cmd, "-q", "--xyz", "-z", zooms, "-r", resampling, "--processes=1", "-w", "none",
                        str(desc), str(out)], capture_output=True, text=True, env=env())  # fmt: skip
    assert p.returncode == 0, p.stderr


def test_heatmap_clients_gdal2tiles(heatmap_bin, scene, grid, tmp_path):
    cmd = gdal2tiles_command()
    root, folder, mask = scene
    desc = make_descriptor(heatmap_bin, scene, grid)
    # Zoom 14 is the raster's own grid: the four tiles are its four blocks, pixel for pixel.
    out = tmp_path / "native"
    run_gdal2tiles(cmd, desc, out, str(ZOOM), "near")
    full = np.zeros((4, 512, 512), dtype=np.uint8)
    for dx in (0, 1):
        for dy in (0, 1):
            path = out / str(ZOOM) / str(grid.tx + dx) / f"{grid.ty + dy}.png"
            assert path.exists(), path
            full[:, dy * 256 : (dy + 1) * 256, dx * 256 : (dx + 1) * 256] = hmxyz.png_rgba(path)
    assert_picture(full, mask, "gdal2tiles zoom 14")
    np.testing.assert_array_equal(full, driver_rgba(folder, grid))
    # Zooms 12-13, which gdal2tiles downsamples itself (average keeps 1-pixel lines visible):
    # colour where the tile formulas put the lines, give or take the pixel downsampling blurs.
    out = tmp_path / "overviews"
    run_gdal2tiles(cmd, desc, out, f"{ZOOM - 2}-{ZOOM - 1}", "average")
    for z in (ZOOM - 2, ZOOM - 1):
        f = 2 ** (ZOOM - z)
        tx, ty = grid.tx // f, grid.ty // f
        img = hmxyz.png_rgba(out / str(z) / str(tx) / f"{ty}.png")
        ox, oy = (grid.tx - f * tx) * 256 // f, (grid.ty - f * ty) * 256 // f  # grid origin, tile pixels
        n = 512 // f
        near = np.zeros((256, 256), dtype=bool)
        near[oy : oy + n, ox : ox + n] = mask.reshape(n, f, n, f).any(axis=(1, 3))
        grown = near.copy()
        for d in (-1, 1):
            grown |= np.roll(near, d, axis=0) | np.roll(near, d, axis=1)
        assert np.count_nonzero(img[3][near]) >= 0.9 * np.count_nonzero(near), z
        assert not np.any(img[3][~grown]), (z, np.argwhere(~grown & (img[3] > 0))[:10])


# ---------------------------------------------------------------- QGIS

QGIS_SCRIPT = textwrap.dedent(
    """
    import sys
    from qgis.core import (QgsApplication, QgsCoordinateReferenceSystem, QgsMapRendererSequentialJob,
                           QgsMapSettings, QgsRasterLayer, QgsRectangle)
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor, QImage

    uri, out = sys.argv[1], sys.argv[2]
    xmin, ymin, xmax, ymax = map(float, sys.argv[3:7])
    app = QgsApplication([], False)
    app.initQgis()
    layer = QgsRasterLayer(uri, "heat", "gdal")
    if not layer.isValid():
        sys.exit("invalid layer: " + layer.error().summary())
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:3857"))
    settings.setExtent(QgsRectangle(xmin, ymin, xmax, ymax))
    settings.setOutputSize(QSize(512, 512))
    settings.setBackgroundColor(QColor(0, 0, 0, 0))
    settings.setOutputImageFormat(QImage.Format_ARGB32)
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    if not job.renderedImage().save(out, "PNG"):
        sys.exit("cannot save " + out)
    print(layer.bandCount(), layer.renderer().type(), layer.crs().authid())
    # Layers must go before the providers do, or Python's final clean-up crashes QGIS.
    del job, settings, layer
    app.exitQgis()
    """
)


def qgis_render(uri, grid, tmp_path):
    p = subprocess.run([sys.executable, "-c", "import qgis.core"], capture_output=True, text=True)
    if p.returncode != 0:
        pytest.skip("QGIS Python bindings not installed (Debian: python3-qgis)")
    script = tmp_path / "render_qgis.py"
    script.write_text(QGIS_SCRIPT)
    gt = grid.geotransform()
    extent = [gt[0], gt[3] - 512 * grid.res, gt[0] + 512 * grid.res, gt[3]]
    out = tmp_path / "qgis.png"
    e = env()
    e["QT_QPA_PLATFORM"] = "offscreen"
    e["XDG_RUNTIME_DIR"] = str(tmp_path)
    e["HOME"] = str(tmp_path)  # QGIS writes its profile under $HOME
    p = subprocess.run([sys.executable, str(script), uri, str(out), *map(repr, extent)],
                       capture_output=True, text=True, env=e, timeout=300)  # fmt: skip
    assert p.returncode == 0, p.stdout + p.stderr
    return hmxyz.png_rgba(out), p.stdout.split()


def test_heatmap_clients_qgis_open_options(heatmap_bin, scene, grid, tmp_path):
    root, folder, mask = scene
    # QGIS passes GDAL open options in the layer source: "path|option:KEY=VALUE|...".
    uri = f"HEATMAP:{folder}|option:RENDER=count|option:ZOOM={ZOOM}|option:BOUNDS={grid.bounds()}"
    img, info = qgis_render(uri, grid, tmp_path)
    assert info == ["4", "multibandcolor", "EPSG:3857"]
    assert_picture(img, mask, "QGIS")
    want = driver_rgba(folder, grid)
    opaque = mask & (want[3] == 255)
    assert opaque.any()
    # QGIS composes in premultiplied ARGB: opaque pixels keep their colour exactly.
    np.testing.assert_array_equal(img[:, opaque], want[:, opaque])


def test_heatmap_clients_qgis_descriptor(heatmap_bin, scene, grid, tmp_path):
    root, folder, mask = scene
    desc = make_descriptor(heatmap_bin, scene, grid, "qgis.heatmap")
    img, info = qgis_render(str(desc), grid, tmp_path)
    assert info[0] == "4"
    assert_picture(img, mask, "QGIS descriptor")


# ---------------------------------------------------------------- MapServer

MAPFILE = """MAP
  NAME "heatmap"
  EXTENT {extent}
  SIZE 512 512
  PROJECTION "init=epsg:3857" END
  OUTPUTFORMAT
    NAME "png"
    DRIVER AGG/PNG
    MIMETYPE "image/png"
    IMAGEMODE RGBA
    TRANSPARENT ON
    EXTENSION "png"
  END
  WEB
    METADATA
      "wms_title" "heatmap"
      "wms_onlineresource" "http://localhost/cgi-bin/mapserv?"
      "wms_srs" "EPSG:3857"
      "wms_enable_request" "*"
    END
  END
  LAYER
    NAME "heat"
    TYPE RASTER
    STATUS ON
    {data}
    PROJECTION "init=epsg:3857" END
  END
END
"""


def mapserv_command():
    for exe in ("/usr/lib/cgi-bin/mapserv", shutil.which("mapserv")):
        if exe and os.access(exe, os.X_OK):
            return exe
    pytest.skip("MapServer CGI not installed (Debian: cgi-mapserver)")


def wms_getmap(mapserv, mapfile, grid, tmp_path):
    gt = grid.geotransform()
    bbox = [gt[0], gt[3] - 512 * grid.res, gt[0] + 512 * grid.res, gt[3]]
    conf = tmp_path / "mapserver.conf"
    conf.write_text('CONFIG\n  ENV\n    MS_MAP_PATTERN "\\.map$"\n  END\nEND\n')
    e = env()
    e.update(
        MAPSERVER_CONFIG_FILE=str(conf),
        MS_MAPFILE=str(mapfile),
        REQUEST_METHOD="GET",
        QUERY_STRING="SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=heat&STYLES=&CRS=EPSG:3857"
        f"&BBOX={','.join(repr(v) for v in bbox)}&WIDTH=512&HEIGHT=512&FORMAT=image/png&TRANSPARENT=TRUE",
    )
    p = subprocess.run([mapserv], capture_output=True, env=e, timeout=120)
    head, sep, body = p.stdout.partition(b"\r\n\r\n")
    assert p.returncode == 0 and sep, p.stdout[:2000]
    assert re.search(rb"Content-Type: image/png", head), p.stdout[:2000]
    png = tmp_path / "wms.png"
    png.write_bytes(body)
    return hmxyz.png_rgba(png)


def test_heatmap_clients_mapserver_descriptor(heatmap_bin, scene, grid, tmp_path):
    mapserv = mapserv_command()
    root, folder, mask = scene
    desc = make_descriptor(heatmap_bin, scene, grid, "wms.heatmap")
    gt = grid.geotransform()
    extent = f"{gt[0]!r} {gt[3] - 512 * grid.res!r} {gt[0] + 512 * grid.res!r} {gt[3]!r}"
    mapfile = tmp_path / "heat.map"
    mapfile.write_text(MAPFILE.format(extent=extent, data=f'DATA "{desc}"'))
    img = wms_getmap(mapserv, mapfile, grid, tmp_path)
    assert img.shape == (4, 512, 512)
    assert_picture(img, mask, "MapServer descriptor")
    want = driver_rgba(folder, grid)
    opaque = mask & (want[3] == 255)
    np.testing.assert_array_equal(img[:, opaque], want[:, opaque])


def test_heatmap_clients_mapserver_connection_options(heatmap_bin, scene, grid, tmp_path):
    mapserv = mapserv_command()
    root, folder, mask = scene
    gt = grid.geotransform()
    extent = f"{gt[0]!r} {gt[3] - 512 * grid.res!r} {gt[0] + 512 * grid.res!r} {gt[3]!r}"
    # MapServer passes CONNECTIONOPTIONS to GDAL as open options.
    data = (f'DATA "HEATMAP:{folder}"\n    CONNECTIONOPTIONS\n      "RENDER" "count"\n'
            f'      "ZOOM" "{ZOOM}"\n      "BOUNDS" "{grid.bounds()}"\n    END')  # fmt: skip
    mapfile = tmp_path / "heat.map"
    mapfile.write_text(MAPFILE.format(extent=extent, data=data))
    img = wms_getmap(mapserv, mapfile, grid, tmp_path)
    assert_picture(img, mask, "MapServer CONNECTIONOPTIONS")
