# SPDX-License-Identifier: MIT
"""HEATMAP driver: styled datasets (RENDER=...), at the GDAL level.

A styled dataset is what gdal2tiles, QGIS and MapServer want: 4 Byte bands
R, G, B, alpha (RENDER_MODE=RGBA, the default) or 1 Byte band with a colour
table (RENDER_MODE=PALETTE). The expectations here are about structure and
invariants the engine must keep, checked against the Float32 count band of
the same folder (alpha 0 exactly where count is 0 without glow, the colour
table lookup of PALETTE equal to RGBA, overviews styled at their own level,
block reads equal whatever the order, PNG output); colour arithmetic itself
is tested in the engine (autotest/cunit/style/).

Grid: XYZ zoom 14 around Ljubljana (14.5E 46.05N), 2x2 tiles = 512x512
pixels in 4 blocks, as in heatmap.py.
"""
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from osgeo import gdal

import hmgen

pytestmark = pytest.mark.require_driver("HEATMAP")

T0 = hmgen.unix(2021, 6, 1)


@pytest.fixture
def grid():
    return hmgen.WebGrid.around(14, 14.5, 46.05, 2, 2)


@pytest.fixture
def folder(tmp_path, grid):
    """Random walks over the whole grid plus a street walked five times across block seams."""
    rng = np.random.default_rng(7)
    tracks = [hmgen.random_walk(rng, grid, T0 + 86400 * i, 300, step_px=(2, 8)) for i in range(8)]
    street = [(20.5, 250.5), (490.5, 262.5)]
    tracks += [hmgen.polyline(grid, street, T0 + 86400 * (20 + i), speed=2.0 + i) for i in range(5)]
    d = tmp_path / "gpx"
    d.mkdir()
    for i, fixes in enumerate(tracks):
        hmgen.write_track(d / f"t{i:03d}.gpx", fixes, "gpx")
    return d


def count_band(grid, folder, level=0):
    ds = gdal.Open(grid.name(folder))
    band = ds.GetRasterBand(1)
    if level:
        band = band.GetOverview(level - 1)
    return band.ReadAsArray()


def test_heatmap_style_rgba(grid, folder):
    ds = gdal.Open(grid.name(folder, ":RENDER=count"))
    assert (ds.RasterXSize, ds.RasterYSize, ds.RasterCount) == (512, 512, 4)
    interps = [ds.GetRasterBand(i).GetColorInterpretation() for i in range(1, 5)]
    assert interps == [gdal.GCI_RedBand, gdal.GCI_GreenBand, gdal.GCI_BlueBand, gdal.GCI_AlphaBand]
    for i in range(1, 5):
        band = ds.GetRasterBand(i)
        assert band.DataType == gdal.GDT_Byte
        assert band.GetBlockSize() == [256, 256]
        assert band.GetNoDataValue() is None
        assert band.GetColorTable() is None
    # GDAL takes the alpha band as the mask of every band
    assert ds.GetRasterBand(1).GetMaskFlags() == gdal.GMF_ALPHA | gdal.GMF_PER_DATASET
    assert ds.GetGeoTransform() == pytest.approx(grid.geotransform(), rel=1e-12, abs=1e-6)
    assert ds.GetMetadataItem("HEATMAP_RENDER") == "count"
    assert ds.GetMetadataItem("HEATMAP_ACTIVITIES") == "13"
    rgba = ds.ReadAsArray()
    count = count_band(grid, folder)
    alpha = rgba[3]
    assert np.all((alpha == 0) == (count == 0))
    assert np.count_nonzero(alpha) > 2000
    # equalize over the whole level: the busiest pixels are the palette's top, opaque white
    assert count.max() >= 5
    assert np.all(rgba[:, count == count.max()] == 255)
    # a pixel's colour depends on its count only (one scale for the whole level, no glow)
    for c in np.unique(count[count > 0]):
        px = rgba[:, count == c]
        assert np.all(px == px[:, :1])


def test_heatmap_style_palette(grid, folder):
    ds = gdal.Open(grid.name(folder, ":RENDER=count:RENDER_MODE=PALETTE"))
    assert ds.RasterCount == 1
    band = ds.GetRasterBand(1)
    assert band.DataType == gdal.GDT_Byte
    assert band.GetColorInterpretation() == gdal.GCI_PaletteIndex
    assert band.GetNoDataValue() == 0
    assert band.GetDescription() == "count"
    ct = band.GetColorTable()
    assert ct is not None and ct.GetCount() == 256
    assert ct.GetColorEntry(0) == (0, 0, 0, 0)
    assert ct.GetColorEntry(255) == (255, 255, 255, 255)  # hot ends in opaque white
    idx = band.ReadAsArray()
    count = count_band(grid, folder)
    assert np.all((idx == 0) == (count == 0))
    # the colour table applied to the indices is the RGBA rendering
    table = np.array([ct.GetColorEntry(i) for i in range(256)], dtype=np.uint8)
    rgba = gdal.Open(grid.name(folder, ":RENDER=count")).ReadAsArray()
    assert np.array_equal(np.moveaxis(table[idx], -1, 0), rgba)


@pytest.mark.parametrize(
    "extra",
    [":RENDER=pace", ":RENDER=hr:PALETTE=greys", ":RENDER=recency:NORMALIZE=equalize",
     ":RENDER=log_count:NORMALIZE=log:CLIP=0,90"],
)  # fmt: skip
def test_heatmap_style_bands(grid, folder, extra):
    rgba = gdal.Open(grid.name(folder, extra)).ReadAsArray()
    count = count_band(grid, folder)
    alpha = rgba[3]
    assert np.all(alpha[count == 0] == 0)
    if "hr" in extra:  # the tracks have no heart rate: nothing to draw
        assert not alpha.any()
    else:
        assert np.count_nonzero(alpha) > 2000


def test_heatmap_style_overviews(grid, folder):
    ds = gdal.Open(grid.name(folder, ":RENDER=count:GLOW=2"))
    band = ds.GetRasterBand(4)
    assert band.GetOverviewCount() == 1
    ovr = band.GetOverview(0)
    assert (ovr.XSize, ovr.YSize) == (256, 256)
    assert ovr.DataType == gdal.GDT_Byte
    assert ovr.GetColorInterpretation() == gdal.GCI_AlphaBand
    alpha = ovr.ReadAsArray()
    count = count_band(grid, folder, level=1)
    # rendered at its own level: every track pixel of the level is visible ...
    assert np.all(alpha[count > 0] > 0)
    # ... and the glow spreads around it, at most ceil(3 * 2) = 6 pixels away
    assert np.count_nonzero(alpha) > np.count_nonzero(count)
    near = np.zeros_like(count, dtype=bool)
    for y, x in np.argwhere(count > 0):
        near[max(0, y - 6) : y + 7, max(0, x - 6) : x + 7] = True
    assert not alpha[~near].any()
    # the overview of the red band is the red band of the overview dataset
    assert ds.GetRasterBand(1).GetOverview(0).ReadAsArray().shape == (256, 256)
    # PALETTE overviews carry the colour table
    pal_ds = gdal.Open(grid.name(folder, ":RENDER=count:RENDER_MODE=PALETTE"))
    assert pal_ds.GetRasterBand(1).GetOverview(0).GetColorTable().GetCount() == 256


def test_heatmap_style_glow_blocks_in_any_order(grid, folder):
    name = grid.name(folder, ":RENDER=count:GLOW=3")
    full = gdal.Open(name).ReadAsArray()
    # block by block, last block first, each on a fresh handle: the same pixels
    for by in (1, 0):
        for bx in (1, 0):
            ds = gdal.Open(name)
            block = ds.ReadAsArray(bx * 256, by * 256, 256, 256)
            assert np.array_equal(block, full[:, by * 256 : (by + 1) * 256, bx * 256 : (bx + 1) * 256])
    # the street crosses the vertical seam glowing on both sides of it
    assert full[3, 240:270, 255].any() and full[3, 240:270, 256].any()
    count = count_band(grid, folder)
    assert np.count_nonzero(full[3]) > np.count_nonzero(count)


def test_heatmap_style_coverage_sees_the_glow(tmp_path, grid):
    # A street ending 3 pixels before the second block column: that block is empty, but
    # glows with GLOW=2 (reach 6 pixels).
    d = tmp_path / "gpx"
    d.mkdir()
    hmgen.write_track(d / "a.gpx", hmgen.polyline(grid, [(100.5, 60.5), (252.5, 60.5)], T0), "gpx")
    plain = gdal.Open(grid.name(d, ":RENDER=count"))
    flags, pct = plain.GetRasterBand(1).GetDataCoverageStatus(256, 0, 256, 256)
    assert flags == gdal.GDAL_DATA_COVERAGE_STATUS_EMPTY and pct == 0
    ds = gdal.Open(grid.name(d, ":RENDER=count:GLOW=2"))
    flags, pct = ds.GetRasterBand(1).GetDataCoverageStatus(256, 0, 256, 256)
    assert flags == gdal.GDAL_DATA_COVERAGE_STATUS_DATA and pct == 100
    assert ds.GetRasterBand(4).ReadAsArray(256, 0, 256, 256).any()
    flags, _ = ds.GetRasterBand(1).GetDataCoverageStatus(256, 256, 256, 256)
    assert flags == gdal.GDAL_DATA_COVERAGE_STATUS_EMPTY


def test_heatmap_style_translate_png(grid, folder, tmp_vsimem, tmp_path):
    name = grid.name(folder, ":RENDER=count:GLOW=1.5")
    src = gdal.Open(name).ReadAsArray()
    out = f"{tmp_vsimem}/map.png"
    gdal.Translate(out, name, format="PNG")
    png = gdal.Open(out)
    assert png.RasterCount == 4
    assert np.array_equal(png.ReadAsArray(), src)
    # paletted: a paletted PNG with the same colours
    pal_name = grid.name(folder, ":RENDER=count:RENDER_MODE=PALETTE")
    gdal.Translate(f"{tmp_vsimem}/pal.png", pal_name, format="PNG")
    pal = gdal.Open(f"{tmp_vsimem}/pal.png")
    assert pal.RasterCount == 1
    assert pal.GetRasterBand(1).GetColorTable().GetCount() == 256
    assert np.array_equal(pal.ReadAsArray(), gdal.Open(pal_name).ReadAsArray())
    # the command-line tool, on a descriptor file
    desc = tmp_path / "map.heatmap"
    desc.write_text(
        f"<HeatmapDataset><Source>{folder}</Source>"
        f'<Option name="ZOOM">{grid.zoom}</Option><Option name="BOUNDS">{grid.bounds()}</Option>'
        '<Option name="RENDER">count</Option><Option name="GLOW">1.5</Option></HeatmapDataset>'
    )
    p = subprocess.run(
        ["gdal_translate", "-q", "-of", "PNG", str(desc), str(tmp_path / "map.png")],
        capture_output=True,
        text=True,
        env=dict(os.environ),
    )
    assert p.returncode == 0, p.stderr
    assert np.array_equal(gdal.Open(str(tmp_path / "map.png")).ReadAsArray(), src)


@pytest.mark.slow
def test_heatmap_style_gdal2tiles(grid, folder, tmp_path):
    exe = shutil.which("gdal2tiles.py") or shutil.which("gdal2tiles")
    if exe is None:
        pytest.skip("gdal2tiles not available")
    desc = tmp_path / "map.heatmap"
    desc.write_text(
        f"<HeatmapDataset><Source>{folder}</Source>"
        f'<Option name="ZOOM">{grid.zoom}</Option><Option name="BOUNDS">{grid.bounds()}</Option>'
        '<Option name="RENDER">count</Option></HeatmapDataset>'
    )
    out = tmp_path / "tiles"
    p = subprocess.run(
        [exe, "--xyz", "-q", "-w", "none", "-z", f"{grid.zoom}", "-r", "near", str(desc), str(out)],
        capture_output=True,
        text=True,
        env=dict(os.environ),
    )
    assert p.returncode == 0, p.stderr
    # one XYZ tile per block, equal to the block (the grid is the XYZ grid)
    full = gdal.Open(str(desc)).ReadAsArray()
    for by in range(2):
        for bx in range(2):
            tile = out / str(grid.zoom) / str(grid.tx + bx) / f"{grid.ty + by}.png"
            got = gdal.Open(str(tile)).ReadAsArray()
            want = full[:, by * 256 : (by + 1) * 256, bx * 256 : (bx + 1) * 256]
            assert np.array_equal(got, want), tile


def test_heatmap_style_open_options(grid, folder):
    # open options are defaults, the connection string overrides them
    ds = gdal.OpenEx(grid.name(folder, ":RENDER_MODE=PALETTE"), open_options=["RENDER=count", "GLOW=1"])
    assert ds.RasterCount == 1
    # style keys without RENDER change nothing: the Float32 bands
    ds = gdal.OpenEx(grid.name(folder), open_options=["PALETTE=greys"])
    assert ds.RasterCount == 5 and ds.GetRasterBand(1).DataType == gdal.GDT_Float32


def test_heatmap_style_option_list():
    root = ET.fromstring(gdal.GetDriverByName("HEATMAP").GetMetadataItem("DMD_OPENOPTIONLIST"))
    opts = {o.get("name"): o for o in root.findall("Option")}
    assert "equalize" in opts["RENDER"].get("description")
    assert "CLIP=2,98" in opts["RENDER"].get("description")
    assert opts["RENDER_MODE"].get("default") == "RGBA"
    assert opts["GLOW"].get("default") == "0"
    assert opts["GLOW"].get("type") == "float"
    assert "0:000000;0.5:ff0000;1:ffffff" in opts["PALETTE"].get("description")
    assert "1024" in opts["NORMALIZE"].get("description")


@pytest.mark.parametrize(
    "extra,message",
    [
        (":RENDER=heat", r"HEATMAP: RENDER=heat: expected count, log_count, pace, hr or recency"),
        (":RENDER=count:RENDER_MODE=RGB", r"RENDER_MODE=RGB: expected RGBA or PALETTE"),
        (":RENDER=count:PALETTE=magma", r"PALETTE=magma: unknown palette 'magma' \(expected hot"),
        (
            ":RENDER=count:PALETTE=0:000000;0.5:ff0000;0.2:ffffff",
            r"stop 3 '0.2:ffffff': position 0.2 is not greater than the previous one \(0.5\)",
        ),
        (":RENDER=count:PALETTE=0:00000g", r"colour '00000g' is not hex RGB, RRGGBB or RRGGBBAA"),
        (":RENDER=count:NORMALIZE=sqrt", r"NORMALIZE=sqrt: expected linear, log or equalize"),
        (":RENDER=pace:CLIP=98,2", r"CLIP=98,2: expected low,high percentiles"),
        (":RENDER=count:GLOW=99", r"GLOW=99: expected a sigma in pixels from 0 to 32"),
    ],
)  # fmt: skip
def test_heatmap_style_bad_values(grid, folder, extra, message):
    with pytest.raises(Exception, match=message):
        gdal.Open(grid.name(folder, extra))


def test_heatmap_style_bad_value_in_descriptor(grid, folder, tmp_path):
    desc = tmp_path / "bad.heatmap"
    desc.write_text(
        f"<HeatmapDataset>\n<Source>{folder}</Source>\n"
        '<Option name="RENDER">count</Option>\n<Option name="PALETTE">hot;</Option>\n'
        "</HeatmapDataset>\n"
    )
    with pytest.raises(Exception, match=r"bad\.heatmap:4: PALETTE=hot;: unknown palette 'hot;'"):
        gdal.Open(str(desc))
