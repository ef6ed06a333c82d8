# SPDX-License-Identifier: MIT
"""`heatmap descriptor`: a file that names a folder and options, openable by file name.

The descriptor is read back two independent ways: as XML (ElementTree: the
<Source> and <Option> elements must say what was asked) and through GDAL
from another working directory (the relative source must resolve against
the descriptor's own folder), where it must read exactly like the
equivalent HEATMAP: connection string with open options.
"""
import os
import xml.etree.ElementTree as ET
import zipfile

import numpy as np
import pytest
from osgeo import gdal

import hmgen
from hmtest import run

pytestmark = pytest.mark.require_driver("HEATMAP")

T0 = hmgen.unix(2021, 6, 1)


@pytest.fixture
def grid():
    return hmgen.WebGrid.around(14, 14.5, 46.05, 2, 2)


@pytest.fixture
def folder(tmp_path, grid):
    rng = np.random.default_rng(5)
    f = tmp_path / "data" / "activities"
    f.mkdir(parents=True)
    for i in range(3):
        hmgen.write_gpx(f / f"a{i}.gpx", hmgen.random_walk(rng, grid, T0 + 3600 * i, 200), "running")
    return f


def parse(path):
    root = ET.parse(path).getroot()
    assert root.tag == "HeatmapDataset"
    sources = root.findall("Source")
    assert len(sources) == 1
    return sources[0].text.strip(), {o.get("name"): o.text.strip() for o in root.findall("Option")}


def test_heatmap_descriptor_usage_errors(heatmap_bin, tmp_path, folder):
    rc, _, err = run([heatmap_bin, "descriptor"])
    assert rc == 2 and "usage: heatmap descriptor" in err
    rc, stdout, _ = run([heatmap_bin, "descriptor", "--help"])
    assert rc == 0 and "-o, --output FILE" in stdout
    out = str(tmp_path / "x.heatmap")
    cases = [
        ([str(folder)], "heatmap: descriptor: -o FILE is missing"),
        ([str(folder), "-o", out, "--zoom", "x"], "heatmap: descriptor: --zoom x: expected an integer"),
        ([str(folder), "-o", out, "--sport", "a,,b"], "heatmap: descriptor: SPORT=a,,b: expected"),
        ([str(folder), "-o", out, "--band", "speed"], "heatmap: descriptor: RENDER=speed: "),
        ([str(folder), "-o", out, "--option", "NOPE=1"], "heatmap: descriptor: NOPE: unknown option"),
        ([str(folder), "-o", out, "--bogus"], "heatmap: descriptor: unknown option '--bogus'"),
    ]
    for args, message in cases:
        rc, _, err = run([heatmap_bin, "descriptor", *args])
        assert rc == 2, (args, err)
        assert err.startswith(message), (args, err)
    assert not os.path.exists(out)
    rc, _, err = run([heatmap_bin, "descriptor", str(tmp_path / "nope"), "-o", out])
    assert rc == 1 and err.strip() == f"heatmap: descriptor: {tmp_path / 'nope'}: no such file or folder"
    rc, _, err = run([heatmap_bin, "descriptor", str(folder), "-o", str(tmp_path / "no" / "dir" / "x.heatmap")])
    assert rc == 1 and "no such folder" in err


def test_heatmap_descriptor_relative_source_opens_anywhere(heatmap_bin, tmp_path, folder, grid, monkeypatch):
    sub = tmp_path / "maps" / "city"
    sub.mkdir(parents=True)
    desc = sub / "city.heatmap"
    rc, stdout, err = run([heatmap_bin, "descriptor", str(folder), "-o", str(desc), "--band", "count",
                           "--zoom", "14", "--bounds", grid.bounds(), "--palette", "blue",
                           "--sport", "running", "--option", "MAX_GAP=500"])  # fmt: skip
    assert rc == 0, err
    source, options = parse(desc)
    assert source == "../../data/activities"
    assert options["ZOOM"] == "14"
    assert options["RENDER"] == "count"
    assert options["PALETTE"] == "blue"
    assert options["SPORT"] == "running"
    assert options["MAX_GAP"] == "500"
    bounds = [float(v) for v in grid.bounds().split(",")]
    assert [float(v) for v in options["BOUNDS"].split(",")] == pytest.approx(bounds)
    opts = ["ZOOM=14", f"BOUNDS={grid.bounds()}", "RENDER=count", "PALETTE=blue", "SPORT=running", "MAX_GAP=500"]
    want = gdal.OpenEx(f"HEATMAP:{folder}", gdal.OF_RASTER, open_options=opts).ReadAsArray()
    assert want.shape == (4, 512, 512) and want[3].max() > 0
    for cwd in (tmp_path, sub, folder):
        monkeypatch.chdir(cwd)
        ds = gdal.Open(os.path.relpath(desc, cwd))
        assert ds.GetDriver().ShortName == "HEATMAP"
        np.testing.assert_array_equal(ds.ReadAsArray(), want)
    # Moving the folder and its data together keeps it working.
    moved = tmp_path / "moved"
    moved.mkdir()
    (tmp_path / "maps").rename(moved / "maps")
    (tmp_path / "data").rename(moved / "data")
    np.testing.assert_array_equal(gdal.Open(str(moved / "maps" / "city" / "city.heatmap")).ReadAsArray(), want)


def test_heatmap_descriptor_same_folder_and_relative_arguments(heatmap_bin, tmp_path, folder, monkeypatch):
    monkeypatch.chdir(tmp_path / "data")
    rc, _, err = run([heatmap_bin, "descriptor", "activities", "-o", "all.heatmap"], cwd=tmp_path / "data")
    assert rc == 0, err
    source, options = parse(tmp_path / "data" / "all.heatmap")
    assert source == "activities" and options == {}
    ds = gdal.Open(str(tmp_path / "data" / "all.heatmap"))
    assert ds.RasterCount == 5 and ds.GetRasterBand(1).DataType == gdal.GDT_Float32  # raw bands
    rc, _, err = run([heatmap_bin, "descriptor", "activities/", "-o", "activities/here.heatmap"],
                     cwd=tmp_path / "data")
    assert rc == 0, err
    assert parse(folder / "here.heatmap")[0] == "."
    assert gdal.Open(str(folder / "here.heatmap")).RasterCount == 5


def test_heatmap_descriptor_from_descriptor_and_name(heatmap_bin, tmp_path, folder, grid):
    first = tmp_path / "data" / "first.heatmap"
    rc, _, err = run([heatmap_bin, "descriptor", str(folder), "-o", str(first), "--zoom", "13", "--band", "hr"])
    assert rc == 0, err
    second = tmp_path / "second.heatmap"
    rc, _, err = run([heatmap_bin, "descriptor", str(first), "-o", str(second), "--zoom", "14"])
    assert rc == 0, err
    source, options = parse(second)
    assert source == "data/activities"
    assert options["ZOOM"] == "14" and options["RENDER"] == "hr"
    third = tmp_path / "third.heatmap"
    rc, _, err = run([heatmap_bin, "descriptor", f"HEATMAP:{folder}:ZOOM=12:RENDER=count", "-o", str(third)])
    assert rc == 0, err
    assert parse(third) == ("data/activities", {"ZOOM": "12", "RENDER": "count"})
    # To standard output, the source is absolute.
    rc, stdout, err = run([heatmap_bin, "descriptor", str(folder), "-o", "-", "--zoom", "12"])
    assert rc == 0, err
    root = ET.fromstring(stdout)
    assert root.find("Source").text.strip() == str(folder.resolve())


def test_heatmap_descriptor_virtual_path_kept(heatmap_bin, tmp_path, folder, grid):
    zpath = tmp_path / "export.zip"
    with zipfile.ZipFile(zpath, "w") as z:
        for p in sorted(folder.iterdir()):
            z.write(p, f"export/{p.name}")
    src = f"/vsizip/{zpath}/export"
    desc = tmp_path / "elsewhere" / "zip.heatmap"
    desc.parent.mkdir()
    rc, _, err = run([heatmap_bin, "descriptor", src, "-o", str(desc), "--zoom", "14", "--bounds", grid.bounds()])
    assert rc == 0, err
    assert parse(desc)[0] == src
    want = gdal.OpenEx(f"HEATMAP:{folder}", open_options=["ZOOM=14", f"BOUNDS={grid.bounds()}"]).ReadAsArray()
    np.testing.assert_array_equal(gdal.Open(str(desc)).ReadAsArray(), want)
