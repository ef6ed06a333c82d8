# SPDX-License-Identifier: MIT
"""HEATMAP driver: "which activities are here" (LocationInfo) and the HEATMAP_DUPLICATES domain.

A band's metadata item "Pixel_<x>_<y>" of the "LocationInfo" domain lists,
as the VRT driver lists source files, the activities whose drawn track
passes through that pixel of the band's own level: one <File> per file (what
`gdallocationinfo -lifonly` prints) and one <Activity> per activity.

Expected lists come from the tests' own geometry, never from the driver:
tracks along pixel rows and columns through pixel centres (which pixels they
cross is known by hand, hmgen.polyline draws them exactly), and diagonal
walks checked against hmgen.supercover(), a reference rasteriser written from
the definition, and against the count band (the list must have as many
activities as the pixel's count).

Grid: XYZ zoom 14 around Ljubljana (14.5E 46.05N), 2x2 tiles = 512x512
pixels, one overview of 256x256, as in heatmap.py.
"""
import os
import subprocess
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from osgeo import gdal

import hmgen
from hmtest import by_path

pytestmark = pytest.mark.require_driver("HEATMAP")

T0 = hmgen.unix(2021, 6, 1)
EPS = 1e-6  # see hmgen.supercover()

# Axis-aligned tracks: (file, sport, start, horizontal runs (row, c0, c1), vertical runs (col, r0, r1)).
LINES = [
    ("row20.gpx", "cycling", hmgen.unix(2020, 5, 1, 8), [(20, 10, 300)], []),
    ("col100.gpx", "running", hmgen.unix(2021, 6, 1, 8), [], [(100, 5, 300)]),
    ("row200.gpx", "running", hmgen.unix(2021, 6, 2, 8), [(200, 50, 450)], []),
    ("col400.gpx", "hiking", hmgen.unix(2021, 6, 3, 8), [], [(400, 100, 480)]),
    ("ell.gpx", "cycling", hmgen.unix(2021, 6, 4, 8), [(300, 100, 410)], [(410, 300, 20)]),
]


@pytest.fixture
def grid():
    return hmgen.WebGrid.around(14, 14.5, 46.05, 2, 2)


def line_fixes(grid, rows, cols, t):
    """A track drawing exactly the runs (one run, or an L of a row then a column)."""
    pts = [(c0 + 0.5, r + 0.5) for r, c0, c1 in rows] + [(c1 + 0.5, r + 0.5) for r, c0, c1 in rows]
    if cols:
        c, r0, r1 = cols[0]
        pts = (pts or [(c + 0.5, r0 + 0.5)]) + [(c + 0.5, r1 + 0.5)]
    return hmgen.polyline(grid, pts, t)


@pytest.fixture
def lines(tmp_path, grid):
    """The folder of LINES and, per file, its pixels at level 0."""
    folder = tmp_path / "lines"
    folder.mkdir()
    masks = {}
    for name, sport, t, rows, cols in LINES:
        hmgen.write_gpx(folder / name, line_fixes(grid, rows, cols, t), sport, name.split(".")[0])
        masks[str(folder / name)] = hmgen.line_mask((grid.height, grid.width), rows, cols)
    return folder, masks


def overview_mask(mask, level):
    """Pixels of overview `level`: a pixel is the union of its 2^level x 2^level children."""
    k = 1 << level
    h, w = mask.shape
    return mask.reshape(h // k, k, w // k, k).any(axis=(1, 3))


def location_info(band, x, y):
    """(files of the <File> elements, files of the <Activity> elements, the root) at pixel (x, y)."""
    text = band.GetMetadataItem(f"Pixel_{x}_{y}", "LocationInfo")
    assert text is not None
    root = ET.fromstring(text)
    assert root.tag == "LocationInfo"
    files = [e.text for e in root.findall("File")]
    acts = [e.get("file") for e in root.findall("Activity")]
    return files, acts, root


def expected_at(masks, x, y):
    return sorted(f for f, m in masks.items() if m[y, x])


def probe_pixels(masks, rng, n=300):
    """Pixels worth asking about: around the runs' crossings and ends, on the runs, and anywhere."""
    shape = next(iter(masks.values())).shape
    pix = set()
    for cx, cy in [(100, 20), (100, 200), (400, 200), (410, 300), (100, 300), (410, 20), (10, 20), (300, 20)]:
        for y in range(cy - 2, cy + 3):
            for x in range(cx - 2, cx + 3):
                if 0 <= x < shape[1] and 0 <= y < shape[0]:
                    pix.add((x, y))
    for _ in range(n):
        pix.add((int(rng.integers(0, shape[1])), int(rng.integers(0, shape[0]))))
    for m in masks.values():  # and some on every track, with their neighbours across it
        on = np.argwhere(m)
        for y, x in on[rng.choice(len(on), 20, replace=False)]:
            pix.update({(int(x), int(y)), (int(x) + 1, int(y) + 1), (int(x) - 1, int(y) - 1)})
    return sorted(pix)


# ---------------------------------------------------------------- the pixel's activities


def test_heatmap_locationinfo_axis_aligned_tracks(lines, grid):
    folder, masks = lines
    ds = gdal.Open(grid.name(folder))
    band = ds.GetRasterBand(1)
    assert "LocationInfo" in band.GetMetadataDomainList()
    count = band.ReadAsArray()
    rng = np.random.default_rng(1)
    nonempty = 0
    for x, y in probe_pixels(masks, rng):
        want = expected_at(masks, x, y)
        files, acts, _ = location_info(band, x, y)
        assert sorted(files) == want, (x, y)
        assert sorted(acts) == want, (x, y)
        assert count[y, x] == len(want), (x, y)
        nonempty += bool(want)
    assert nonempty > 100
    # Hand-checked corners of the geometry: crossings list both, ends are inclusive.
    assert sorted(location_info(band, 100, 20)[0]) == sorted([str(folder / "row20.gpx"), str(folder / "col100.gpx")])
    assert location_info(band, 300, 20)[0] == [str(folder / "row20.gpx")]
    assert location_info(band, 301, 20)[0] == []
    assert location_info(band, 9, 20)[0] == []
    assert sorted(location_info(band, 410, 300)[0]) == [str(folder / "ell.gpx")]


def test_heatmap_locationinfo_activity_attributes(lines, grid):
    folder, _ = lines
    ds = gdal.Open(grid.name(folder))
    _, _, root = location_info(ds.GetRasterBand(1), 100, 200)
    acts = {os.path.basename(a.get("file")): a for a in root.findall("Activity")}
    assert sorted(acts) == ["col100.gpx", "row200.gpx"]
    row200 = acts["row200.gpx"]
    assert row200.get("name") == "row200"
    assert row200.get("sport") == "running"
    assert row200.get("start") == "2021-06-02T08:00:00Z"
    assert acts["col100.gpx"].get("start") == "2021-06-01T08:00:00Z"
    assert all(a.get("index") is not None for a in acts.values())


def test_heatmap_locationinfo_overview(lines, grid):
    folder, masks = lines
    ds = gdal.Open(grid.name(folder))
    ovr = ds.GetRasterBand(1).GetOverview(0)
    assert (ovr.XSize, ovr.YSize) == (256, 256)
    ovr_masks = {f: overview_mask(m, 1) for f, m in masks.items()}
    count = ovr.ReadAsArray()
    rng = np.random.default_rng(2)
    pixels = sorted({(x // 2, y // 2) for x, y in probe_pixels(masks, rng)})
    for x, y in pixels:
        want = expected_at(ovr_masks, x, y)
        files, acts, _ = location_info(ovr, x, y)
        assert sorted(files) == want, (x, y)
        assert sorted(acts) == want, (x, y)
        assert count[y, x] == len(want), (x, y)
    # The overview answers for its own pixels: (50, 10) holds row 20 (rows 20-21, cols 100-101).
    assert sorted(location_info(ovr, 50, 10)[0]) == sorted([str(folder / "row20.gpx"), str(folder / "col100.gpx")])
    assert ovr.GetMetadataItem("Pixel_256_0", "LocationInfo") is None


@pytest.mark.parametrize("level", [0, 1])
def test_heatmap_locationinfo_diagonal_tracks_match_reference_and_count(tmp_path, grid, level):
    # Steps of at least 2 level-0 pixels: one overview pixel, so no vertex is simplified away.
    tracks = hmgen.random_walks(grid, 11, 6, 300, (2.0, 9.0), T0)
    folder = tmp_path / "walks"
    folder.mkdir()
    names = []
    for i, fixes in enumerate(tracks):
        hmgen.write_gpx(folder / f"w{i}.gpx", fixes)
        names.append(str(folder / f"w{i}.gpx"))
    ds = gdal.Open(grid.name(folder))
    band = ds.GetRasterBand(1) if level == 0 else ds.GetRasterBand(1).GetOverview(level - 1)
    count = band.ReadAsArray()
    w, h = band.XSize, band.YSize
    strict = [hmgen.supercover(hmgen.track_segments(grid, t, level), w, h, -EPS) for t in tracks]
    loose = [hmgen.supercover(hmgen.track_segments(grid, t, level), w, h, +EPS) for t in tracks]
    # A small area where the walks are dense: the window around the busiest pixel.
    ref = sum(m.astype(int) for m in strict)
    cy, cx = np.unravel_index(np.argmax(ref), ref.shape)
    assert ref[cy, cx] >= 2
    y0, x0 = max(0, cy - 12), max(0, cx - 12)
    seen_empty = seen_full = 0
    for y in range(y0, min(h, y0 + 24)):
        for x in range(x0, min(w, x0 + 24)):
            files, acts, _ = location_info(band, x, y)
            assert sorted(files) == sorted(acts)  # one activity per file here
            got = set(acts)
            must = {names[i] for i in range(len(tracks)) if strict[i][y, x]}
            may = {names[i] for i in range(len(tracks)) if loose[i][y, x]}
            assert must <= got <= may, (x, y)
            assert len(got) == count[y, x], (x, y)
            if count[y, x] == 0:
                assert got == set()
                seen_empty += 1
            else:
                seen_full += 1
    assert seen_empty and seen_full


def test_heatmap_locationinfo_geopixel_and_bad_names(lines, grid):
    folder, _ = lines
    ds = gdal.Open(grid.name(folder))
    band = ds.GetRasterBand(1)
    gt = ds.GetGeoTransform()
    gx, gy = gt[0] + 100.5 * gt[1], gt[3] + 20.5 * gt[5]
    assert band.GetMetadataItem(f"GeoPixel_{gx!r}_{gy!r}", "LocationInfo") == band.GetMetadataItem(
        "Pixel_100_20", "LocationInfo"
    )
    for bad in ["Pixel_-1_0", "Pixel_0_-1", "Pixel_512_0", "Pixel_0_512", "Pixel_", "Pixel_3", "Pixel_a_b",
                "Pixel_99999999999999999999_0", "GeoPixel_0", "foo"]:  # fmt: skip
        assert band.GetMetadataItem(bad, "LocationInfo") is None, bad
    # Other domains are untouched.
    assert band.GetMetadataItem("Pixel_100_20") is None


def test_heatmap_locationinfo_styled_bands(lines, grid):
    folder, masks = lines
    ds = gdal.Open(grid.name(folder, ":RENDER=count"))
    assert ds.RasterCount == 4
    want = expected_at(masks, 100, 200)
    for i in range(1, 5):
        assert sorted(location_info(ds.GetRasterBand(i), 100, 200)[0]) == want
    ovr = ds.GetRasterBand(1).GetOverview(0)
    ovr_masks = {f: overview_mask(m, 1) for f, m in masks.items()}
    assert sorted(location_info(ovr, 50, 100)[0]) == expected_at(ovr_masks, 50, 100)


# ---------------------------------------------------------------- filters


@pytest.mark.parametrize(
    "extra,left_out",
    [
        (":SPORT=running,hiking", {"row20.gpx", "ell.gpx"}),
        (":DATE_FROM=2021-01-01", {"row20.gpx"}),
        (":DATE_TO=2021-06-01", {"row200.gpx", "col400.gpx", "ell.gpx"}),
        (":WHERE=sport <> 'running'", {"col100.gpx", "row200.gpx"}),
    ],
)
def test_heatmap_locationinfo_honours_filters(lines, grid, extra, left_out):
    folder, masks = lines
    kept = {f: m for f, m in masks.items() if os.path.basename(f) not in left_out}
    ds = gdal.Open(grid.name(folder, extra))
    band = ds.GetRasterBand(1)
    count = band.ReadAsArray()
    for x, y in [(100, 20), (100, 200), (400, 200), (410, 300), (300, 20), (100, 300), (410, 100)]:
        files, acts, _ = location_info(band, x, y)
        assert sorted(files) == expected_at(kept, x, y), (extra, x, y)
        assert sorted(acts) == expected_at(kept, x, y), (extra, x, y)
        assert count[y, x] == len(acts)


# ---------------------------------------------------------------- gdallocationinfo


def run_locationinfo(*args):
    p = subprocess.run(["gdallocationinfo", *args], capture_output=True, env=dict(os.environ))
    assert p.returncode == 0, p.stderr
    return p.stdout


def test_heatmap_gdallocationinfo_xml_and_lifonly(lines, grid):
    folder, masks = lines
    name = grid.name(folder)
    for x, y in [(100, 20), (100, 200), (250, 250), (400, 200)]:
        want = expected_at(masks, x, y)
        report = ET.fromstring(run_locationinfo("-xml", "-b", "1", name, str(x), str(y)))
        assert (report.get("pixel"), report.get("line")) == (str(x), str(y))
        band = report.find("BandReport")
        assert sorted(e.text for e in band.findall("LocationInfo/File")) == want
        assert sorted(e.get("file") for e in band.findall("LocationInfo/Activity")) == want
        assert float(band.find("Value").text) == len(want)
        out = run_locationinfo("-lifonly", "-b", "1", name, str(x), str(y)).decode()
        assert sorted(out.splitlines()) == want
    # Every band answers: -lifonly prints the files once per band.
    out = run_locationinfo("-lifonly", name, "100", "20").decode()
    assert sorted(out.splitlines()) == sorted(expected_at(masks, 100, 20) * 5)


def test_heatmap_gdallocationinfo_overview(lines, grid):
    folder, masks = lines
    name = grid.name(folder)
    ovr_masks = {f: overview_mask(m, 1) for f, m in masks.items()}
    # -overview 1 takes level-0 coordinates and asks the overview band for pixel
    # int(0.5 + x * 256 / 512): (x / 2, y / 2) for even x and y.
    nonempty = 0
    for x, y in [(100, 20), (200, 400), (410, 300), (200, 40), (800, 400)]:
        want = expected_at(ovr_masks, x // 2, y // 2) if x < 512 else []
        report = ET.fromstring(run_locationinfo("-xml", "-b", "1", "-overview", "1", name, str(x), str(y)))
        band = report.find("BandReport")
        if x >= 512:  # off the raster: no band report at all
            assert band is None
            continue
        assert sorted(e.text for e in band.findall("LocationInfo/File")) == want, (x, y)
        assert float(band.find("Value").text) == len(want)
        nonempty += bool(want)
    assert nonempty >= 2


# ---------------------------------------------------------------- odd names


def test_heatmap_locationinfo_odd_file_names_make_valid_xml(tmp_path, grid):
    folder = tmp_path / "odd"
    folder.mkdir()
    raw = b'q"uo\'te & <amp> caf\xc3\xa9 tab\there ctl\x01 \xe9\xff \xed\xa0\x80.gpx'
    # Valid UTF-8 stays, an invalid byte reads as Latin-1, a control character (and each
    # byte of the encoded surrogate, not valid UTF-8) as what XML can hold.
    want = 'q"uo\'te & <amp> café tab\there ctl\ufffd éÿ \xed\xa0\x80.gpx'
    path = os.path.join(os.fsencode(str(folder)), raw)
    fixes = hmgen.polyline(grid, [(10.5, 20.5), (300.5, 20.5)], T0)
    hmgen.write_gpx(path, fixes, "cycling", "A &amp; B &lt;&quot;ride&quot;&gt; &#233;")
    hmgen.write_gpx(folder / "plain.gpx", hmgen.polyline(grid, [(100.5, 5.5), (100.5, 300.5)], T0 + 3600))
    ds = gdal.Open(grid.name(folder))
    text = ds.GetRasterBand(1).GetMetadataItem("Pixel_100_20", "LocationInfo")
    root = ET.fromstring(text)  # well-formed
    files = [e.text for e in root.findall("File")]
    assert sorted(files) == sorted([str(folder) + "/" + want, str(folder / "plain.gpx")])
    odd = [a for a in root.findall("Activity") if a.get("file") != str(folder / "plain.gpx")]
    assert len(odd) == 1
    assert odd[0].get("file") == str(folder) + "/" + want
    assert odd[0].get("name") == 'A & B <"ride"> é'
    # gdallocationinfo re-parses and prints the document: still well-formed.
    report = ET.fromstring(run_locationinfo("-xml", "-b", "1", grid.name(folder), "100", "20"))
    assert sorted(e.text for e in report.findall("BandReport/LocationInfo/File")) == sorted(files)


# ---------------------------------------------------------------- duplicates


def test_heatmap_duplicates_domain(tmp_path, grid):
    folder = tmp_path / "dups"
    folder.mkdir()
    fixes = hmgen.polyline(grid, [(10.5, 20.5), (300.5, 20.5)], T0)
    hmgen.write_gpx(folder / "a.gpx", fixes)
    hmgen.write_gpx(folder / "b.gpx", fixes)
    hmgen.write_gpx(folder / "other.gpx", hmgen.polyline(grid, [(100.5, 5.5), (100.5, 300.5)], T0 + 3600))
    a, b = str(folder / "a.gpx"), str(folder / "b.gpx")

    ds = gdal.Open(grid.name(folder))
    assert "HEATMAP_DUPLICATES" in ds.GetMetadataDomainList()
    count = ds.GetRasterBand(1).ReadAsArray()
    assert count[20, 50] == 1 and count[20, 100] == 2
    dups = by_path(ds.GetMetadata("HEATMAP_DUPLICATES"), "COUNTED_AS")
    assert len(dups) == 1
    (dup, kept), = dups.items()
    assert {dup, kept} == {a, b}
    assert ds.GetMetadataItem("FILE_1_PATH", "HEATMAP_DUPLICATES") == dup
    assert ds.GetMetadataItem("HEATMAP_ACTIVITIES") == "2"
    # The pixel lists the activity counted, not its duplicate.
    assert location_info(ds.GetRasterBand(1), 50, 20)[0] == [kept]
    assert sorted(location_info(ds.GetRasterBand(1), 100, 20)[0]) == sorted([kept, str(folder / "other.gpx")])
    # gdalinfo shows the domain.
    p = subprocess.run(["gdalinfo", "-mdd", "HEATMAP_DUPLICATES", grid.name(folder)], capture_output=True, text=True)
    assert p.returncode == 0 and f"FILE_1_PATH={dup}" in p.stdout and f"FILE_1_COUNTED_AS={kept}" in p.stdout

    ds = gdal.Open(grid.name(folder, ":DEDUPE=NO"))
    assert ds.GetRasterBand(1).ReadAsArray()[20, 50] == 2
    assert not ds.GetMetadata("HEATMAP_DUPLICATES")
    assert sorted(location_info(ds.GetRasterBand(1), 50, 20)[0]) == [a, b]
