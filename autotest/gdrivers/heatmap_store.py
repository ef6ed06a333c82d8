# SPDX-License-Identifier: MIT
"""HEATMAP driver: the track store.

A source's tracks are read once into a store file; every later open, in any
process, maps it. These tests check what a user relies on:

- the store never changes a value: every band of every level, plain,
  filtered and styled, reads the same from a store another process built,
  from a store updated file by file, and with STORE=NO (kept in memory);
- it stays current: added, changed (same size with a new time, or a new
  size) and removed files are seen, and only those are read again;
- damage is never a wrong answer: a truncated store, a flipped byte in any
  section (located through the documented header and section table,
  src/store/format_int.h), another format version or byte order, a
  damaged statistics file: a warning, a rebuild, correct values;
- concurrency: processes building one new store at once, a reader keeping
  its mapping while the store is replaced;
- location: nothing beside the data, nothing in the working directory,
  nothing anywhere with STORE=NO; HEATMAP_STORE_DIR, STORE=<file>,
  $XDG_CACHE_HOME and $HOME/.cache honoured; a store folder the reader
  may not write is used while current, and a stale one is worked around.

The reference for "correct" is always a build made another way (in
memory, or fresh), compared array for array: the store must be invisible.
"""
import math
import os
import pathlib
import re
import shutil
import struct
import subprocess
import tempfile
import time

import numpy as np
import pytest
from osgeo import gdal

from hmtest import as_other_user

pytestmark = pytest.mark.require_driver("HEATMAP")

HEADER = struct.Struct("<8sIIIIQQQq16s32sQ")  # hm_store_header
SECTION = struct.Struct("<IIQQQ")  # hm_store_section


# ---------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def generated(generate_bin, tmp_path_factory):
    """40 generated activities (GPX, TCX, FIT), written once for the module."""
    folder = tmp_path_factory.mktemp("gen") / "tracks"
    subprocess.run([generate_bin, str(folder), "--seed", "7", "--activities", "40"],
                   check=True, capture_output=True)
    (folder / "MANIFEST.csv").unlink()
    return folder


def copy_tracks(src, dst):
    shutil.copytree(src, dst)
    return dst


@pytest.fixture
def store_dir(tmp_path, monkeypatch):
    """A store folder of the test's own, for this process and the processes it starts."""
    d = tmp_path / "stores"
    d.mkdir()
    monkeypatch.setenv("HEATMAP_STORE_DIR", str(d))
    gdal.SetConfigOption("HEATMAP_STORE_DIR", None)
    return d


def index(heatmap_bin, folder, *args, env=None):
    """`heatmap index`: its printed report as a dict of the 'files:' line, and stdout."""
    p = subprocess.run([heatmap_bin, "index", str(folder), *args], capture_output=True, text=True,
                       env=env)
    assert p.returncode == 0, p.stderr
    files = {}
    for line in p.stdout.splitlines():
        if line.startswith("files:"):
            for part in line[len("files:"):].split(","):
                n, what = part.split()
                files[what] = int(n)
    return files, p.stdout, p.stderr


def levels(ds):
    """Every band of every level as arrays: {(band, level): array}."""
    out = {}
    for b in range(1, ds.RasterCount + 1):
        band = ds.GetRasterBand(b)
        out[(b, 0)] = band.ReadAsArray()
        for k in range(band.GetOverviewCount()):
            out[(b, k + 1)] = band.GetOverview(k).ReadAsArray()
    return out


def assert_same(a, b):
    """Identical arrays, NaN equal to NaN, byte for byte."""
    assert a.keys() == b.keys()
    for k in a:
        assert a[k].dtype == b[k].dtype and a[k].shape == b[k].shape, k
        assert a[k].tobytes() == b[k].tobytes(), (k, np.argwhere(a[k] != b[k])[:5])


def read_all(name, options=()):
    ds = gdal.OpenEx(name, gdal.OF_RASTER, open_options=list(options))
    return levels(ds), ds.GetMetadata("HEATMAP_STORE")


def store_files(d):
    return sorted(p for p in d.iterdir() if p.name.endswith(".hmstore"))


def sections(path):
    """[(id, offset, size)] from the store's header and section table (format_int.h)."""
    data = path.read_bytes()
    head = HEADER.unpack_from(data, 0)
    magic, version, endian, header_size, nsections, file_size, table_offset = head[:7]
    assert magic == b"HMSTORE\0" and version == 2 and endian == 0x01020304
    assert file_size == len(data) and header_size == HEADER.size
    out = []
    for i in range(nsections):
        sid, flags, offset, size, _ = SECTION.unpack_from(data, table_offset + i * SECTION.size)
        out.append((sid, offset, size))
    return out


class warnings_caught:
    """Collect CE_Warning messages."""

    def __enter__(self):
        self.messages = []

        def handler(cls, num, msg):
            if cls == gdal.CE_Warning:
                self.messages.append(msg)

        self._h = handler
        gdal.PushErrorHandler(handler)
        return self

    def __exit__(self, *exc):
        gdal.PopErrorHandler()


VARIANTS = [
    ("plain", ""),
    ("filtered", ":SPORT=running,biking:DATE_FROM=2023-09-01"),
    ("styled", ":RENDER=count:GLOW=1.5"),
    ("styled-palette", ":RENDER=pace:RENDER_MODE=PALETTE:SPORT=cycling"),
    ("zoom-bounds", ":ZOOM=13:BOUNDS=14.45,46.0,14.55,46.08"),
    ("utm", ":SRS=EPSG:32633:RESOLUTION=20"),
]


# ---------------------------------------------------------------- the store changes nothing


@pytest.mark.parametrize("variant,extra", VARIANTS, ids=[v for v, _ in VARIANTS])
def test_heatmap_store_identical_to_memory(heatmap_bin, generated, store_dir, variant, extra):
    # Built by another process; read here from the mapped file.
    files, out, _ = index(heatmap_bin, generated)
    assert files["read"] == len(list(generated.iterdir()))
    stored, md = read_all(f"HEATMAP:{generated}{extra}")
    assert md["STORE_STATE"] == "current" and md["FILES_READ"] == "0"
    memory, md = read_all(f"HEATMAP:{generated}{extra}:STORE=NO")
    assert md["STORE_STATE"] == "memory" and md["STORE_FILE"] == ""
    assert_same(stored, memory)
    if variant == "plain":
        assert stored[(1, 0)].max() >= 3 and (1, 3) in stored  # data, and overviews


def test_heatmap_store_cold_build_waits_on_disk(heatmap_bin, generated, store_dir):
    """A cold build moves what it has read to an unlinked file beside the store, not memory;
    the store it writes is the one built in memory, and nothing else stays in the folder."""
    env = dict(os.environ, HEATMAP_DEBUG="1")
    files, _, err = index(heatmap_bin, generated, env=env)
    n = len(list(generated.iterdir()))
    assert files["read"] == n
    m = re.search(r"tracks of (\d+) files read: ([0-9.]+) MB waited on disk", err)
    assert m and int(m.group(1)) == n and float(m.group(2)) > 0.1, err
    left = sorted(p.name for p in store_dir.iterdir() if not p.name.endswith(".lock"))
    assert left[0].endswith(".hmstore"), left
    # and its pyramids: the default view, and one per sport that is not all of it
    assert left[1] == left[0] + ".pyramid", left
    assert all(p.startswith(left[0] + ".pyramid.") for p in left[2:]), left
    stored, _ = read_all(f"HEATMAP:{generated}")
    assert_same(stored, reference(generated))


def test_heatmap_store_identical_on_the_corpus(tracks, store_dir, tmp_path):
    src = tracks / "gpx"
    stored, md = read_all(f"HEATMAP:{src}")
    assert md["STORE_STATE"] == "written"
    again, md = read_all(f"HEATMAP:{src}")  # this process shares the store it wrote
    assert md["STORE_STATE"] == "current"
    memory, _ = read_all(f"HEATMAP:{src}:STORE=NO")
    assert_same(stored, memory)
    assert_same(again, memory)
    styled, _ = read_all(f"HEATMAP:{tracks}:RENDER=count")
    styled_mem, _ = read_all(f"HEATMAP:{tracks}:RENDER=count:STORE=NO")
    assert_same(styled, styled_mem)
    filtered, _ = read_all(f"HEATMAP:{tracks}:SPORT=running,cycling:DATE_FROM=2019-01-01")
    filtered_mem, _ = read_all(f"HEATMAP:{tracks}:SPORT=running,cycling:DATE_FROM=2019-01-01"
                               ":STORE=NO")
    assert_same(filtered, filtered_mem)


# ---------------------------------------------------------------- the pyramid

PYRAMID_HEADER = struct.Struct("<8sII16sIi23iiQQQQQ")  # hm_pyramid_header
PYRAMID_TILE = struct.Struct("<IIIIQQ")  # hm_pyramid_tile


def store_md(name):
    return gdal.OpenEx(name, gdal.OF_RASTER).GetMetadata("HEATMAP_STORE")


def pyramid_levels(md):
    return [int(k) for k in md["PYRAMID_LEVELS"].split(",") if k]


def test_heatmap_store_pyramid_serves_the_default_view(heatmap_bin, generated, store_dir):
    """The store's writer draws the default view (no filter options) and each sport's
    (SPORT=<sport>) once, as XYZ tiles beside the store; every web raster with one of
    those selections copies its levels from that view, at any BOUNDS and at zooms up to
    the one it was drawn at and down to its own grid's coarsest, with the values the renderer
    gives (the reference: STORE=NO, which has no pyramid). A filter that draws another
    selection renders from the tracks."""
    _, out, _ = index(heatmap_bin, generated)
    size = float(re.search(r"pyramid size: ([0-9.]+) MB", out).group(1))
    assert size > 0.0
    ds = gdal.Open(f"HEATMAP:{generated}")
    md = ds.GetMetadata("HEATMAP_STORE")
    nlevels = ds.GetRasterBand(1).GetOverviewCount() + 1
    assert pyramid_levels(md) == list(range(nlevels)), md
    assert md["PYRAMID_VIEW"] == "default"
    store = store_files(store_dir)[0]
    views = {p.name[len(store.name) + len(".pyramid."):]: p
             for p in store_dir.glob(store.name + ".pyramid.*")}
    assert {"running", "cycling"} <= set(views), views  # the generator writes both
    assert int(md["PYRAMID_BYTES"]) == sum(p.stat().st_size for p in store_dir.glob(
        store.name + ".pyramid*"))
    zoom = round(math.log2(2 * 20037508.342789244 / (256 * ds.GetGeoTransform()[1])))
    for extra, want, view in [
        ("", "all", "default"),
        (":DATE_FROM=1970-01-01", "all", "default"),  # the same selection, in other words
        (":SPORT=running", "all", "running"),
        (":SPORT=run", "all", "running"),  # an alias: the same selection
        (":SPORT=running,cycling", "none", ""),  # no view draws these together
        (":SPORT=cycling:DATE_FROM=2023-09-01", "none", ""),
        (f":ZOOM={zoom + 2}", "from 2", "default"),  # finer than the view's zooms: rendered
        # Coarser than the view's own grid goes (where it fits in about a tile): rendered.
        (f":ZOOM={zoom - 6}", "none", ""),
        (":BOUNDS=14.45,46.0,14.55,46.08:ZOOM=13", "all", "default"),  # another corner
        (":SRS=EPSG:32633:RESOLUTION=20", "none", ""),
    ]:
        name = f"HEATMAP:{generated}{extra}"
        d = gdal.Open(name)
        md = d.GetMetadata("HEATMAP_STORE")
        got = pyramid_levels(md)
        n = d.GetRasterBand(1).GetOverviewCount() + 1
        expect = {"all": list(range(n)), "none": [], "from 2": list(range(2, n))}[want]
        assert got == expect and md["PYRAMID_VIEW"] == view, (extra, got, md["PYRAMID_VIEW"])
        stored, _ = read_all(name)
        assert_same(stored, read_all(name + ":STORE=NO")[0])

    # ZOOM=22: levels 22 - zoom on hold the pyramid's zooms, and from level 9 on a level's
    # pixel is a global one only when the grid's corner tile is a multiple of 2^(level - 8)
    # tiles (the others are rendered). Its coarse levels, read whole, are the renderer's.
    name = f"HEATMAP:{generated}:ZOOM=22"
    d = gdal.Open(name)
    gt = d.GetGeoTransform()
    tx0 = round((gt[0] + 20037508.342789244) / (256 * gt[1]))
    ty0 = round((20037508.342789244 - gt[3]) / (256 * gt[1]))
    n = d.GetRasterBand(1).GetOverviewCount() + 1
    expect = [k for k in range(22 - zoom, n)
              if k <= 8 or (tx0 * 256 % 2**k == 0 and ty0 * 256 % 2**k == 0)]
    assert n > 9 and pyramid_levels(d.GetMetadata("HEATMAP_STORE")) == expect
    ref = gdal.Open(name + ":STORE=NO")
    for k in range(22 - zoom, n):
        for b in range(1, 6):
            got = d.GetRasterBand(b).GetOverview(k - 1).ReadAsArray()
            want = ref.GetRasterBand(b).GetOverview(k - 1).ReadAsArray()
            assert got.tobytes() == want.tobytes(), (k, b)


def test_heatmap_store_pyramid_many_sports(heatmap_bin, generated, store_dir, tmp_path):
    """Views are drawn together, at most 8 to a pass over the tracks: with 11 sports (12
    views, two passes), every view holds what its own selection renders (STORE=NO), and a
    sport whose activities are all in one place has its own zooms."""
    sports = ["running", "cycling", "walking", "hiking", "swimming", "rowing", "kayaking",
              "canoeing", "snowshoeing", "inline_skating", "ice_skating"]
    gpx = sorted(p for p in generated.iterdir() if p.suffix == ".gpx")
    folder = tmp_path / "sports"
    folder.mkdir()
    for i, src in enumerate(gpx):
        sport = sports[i % len(sports)]
        text = re.sub(r"<type>[^<]*</type>", f"<type>{sport}</type>", src.read_text())
        assert f"<type>{sport}</type>" in text
        (folder / src.name).write_text(text)
    # One more file of the last sport alone: a copy of one track moved far away, so that
    # its view's automatic grid is finer than the default view's.
    far = re.sub(r'lat="(-?[0-9.]+)"', lambda m: f'lat="{float(m.group(1)) - 20:.7f}"',
                 (folder / gpx[0].name).read_text()).replace(
        f"<type>{sports[0]}</type>", "<type>golf</type>")
    (folder / "zz-far.gpx").write_text(far)
    assert len(gpx) > len(sports)
    _, _, err = index(heatmap_bin, folder, env=dict(os.environ, HEATMAP_DEBUG="1"))
    drawn = dict(re.findall(r"view '(\w*)': zooms (\d+-\d+)", err))
    assert set(drawn) == {""} | set(sports) | {"golf"}, err
    assert drawn["golf"] != drawn[""], drawn
    for sport in [""] + sports + ["golf"]:
        name = f"HEATMAP:{folder}" + (f":SPORT={sport}" if sport else "")
        d = gdal.Open(name)
        md = d.GetMetadata("HEATMAP_STORE")
        n = d.GetRasterBand(1).GetOverviewCount() + 1
        assert pyramid_levels(md) == list(range(n)), (sport, md)
        assert md["PYRAMID_VIEW"] == (sport or "default")
        assert_same(read_all(name)[0], read_all(name + ":STORE=NO")[0])


def test_heatmap_store_pyramid_damaged(heatmap_bin, generated, store_dir):
    """A damaged pyramid is never drawn: flipped pixel bytes fail their tile's checksum (the
    block is rendered instead); a damaged directory is not used, and the next process that
    holds the store's lock draws the pyramid again."""
    index(heatmap_bin, generated)
    want = reference(generated)
    pyr = store_files(store_dir)[0].with_suffix(".hmstore.pyramid")
    good = pyr.read_bytes()
    head = PYRAMID_HEADER.unpack_from(good)
    nacts, ntiles, npixels = head[4], head[30], head[31]
    assert head[0] == b"HMPYRMD\0" and ntiles > 0 and npixels > 0
    # Header, selection, pixel records, the directory (8-byte aligned): format_int.h.
    pixels_at = PYRAMID_HEADER.size + (nacts // 64 + 1) * 8
    directory_at = (pixels_at + npixels * 20 + 7) // 8 * 8
    assert directory_at + ntiles * PYRAMID_TILE.size == len(good) == head[32]
    # The count of every 97th pixel record changed: values a reader would otherwise copy.
    data = bytearray(good)
    for at in range(pixels_at + 4, pixels_at + npixels * 20, 20 * 97):
        data[at] ^= 0x01
    pyr.write_bytes(bytes(data))
    got, md = read_all(f"HEATMAP:{generated}")
    assert pyramid_levels(md)  # attached (its directory holds), its damaged tiles refused
    assert_same(got, want)
    # A flipped byte in the directory: not used, and drawn again by this open.
    data = bytearray(good)
    data[directory_at + 3] ^= 0x10
    pyr.write_bytes(bytes(data))
    got, md = read_all(f"HEATMAP:{generated}")
    assert_same(got, want)
    assert pyr.read_bytes() != bytes(data)
    assert PYRAMID_HEADER.unpack_from(pyr.read_bytes())[30] == ntiles
    assert pyramid_levels(md)


def test_heatmap_store_pyramid_after_update(heatmap_bin, generate_bin, generated, store_dir,
                                            tmp_path):
    """After an update the pyramid's tiles away from what changed are kept and the others
    drawn again; either way every value is the renderer's (STORE=NO). Covers a file added,
    one removed, one changed, and a copy of a drawn file (DEDUPE now leaves one of the two
    out: an old activity's selection changes without its file changing)."""
    folder = copy_tracks(generated, tmp_path / "tracks")
    more = tmp_path / "more"
    subprocess.run([generate_bin, str(more), "--seed", "99", "--activities", "3"], check=True,
                   capture_output=True)
    env = dict(os.environ, HEATMAP_DEBUG="1")
    names = sorted(p.name for p in folder.iterdir())

    def update():
        _, _, err = index(heatmap_bin, folder, env=env)
        m = re.search(r"zooms \d+-\d+, (\d+) tiles \((\d+) kept from the old one\)", err)
        assert m, err
        assert_same(read_all(f"HEATMAP:{folder}")[0], reference(folder))
        return int(m.group(1)), int(m.group(2))

    tiles, kept = update()
    assert tiles > 0 and kept == 0
    new = sorted(p for p in more.iterdir() if p.suffix == ".gpx")[0]
    shutil.copy(new, folder / ("zz-" + new.name))
    tiles, kept = update()
    assert 0 < kept < tiles
    (folder / names[3]).unlink()
    tiles, kept = update()
    assert 0 < kept < tiles
    changed = folder / names[5]
    changed.write_bytes(changed.read_bytes())
    os.utime(changed, ns=(time.time_ns() - 10**10, time.time_ns() - 10**10))
    tiles, kept = update()
    assert 0 < kept < tiles
    # Listed before its original, the copy is the one drawn now: the original (an old
    # activity of an unchanged file) is left out, and the tiles under it are drawn again.
    shutil.copy(folder / names[7], folder / ("0-copy-" + names[7]))
    tiles, kept = update()
    assert kept < tiles
    dups = gdal.Open(f"HEATMAP:{folder}").GetMetadata("HEATMAP_DUPLICATES")
    assert os.path.basename(dups["FILE_1_PATH"]) == names[7]
    assert os.path.basename(dups["FILE_1_COUNTED_AS"]) == "0-copy-" + names[7]


# ---------------------------------------------------------------- incremental


def test_heatmap_store_incremental(heatmap_bin, generate_bin, generated, store_dir, tmp_path):
    folder = copy_tracks(generated, tmp_path / "tracks")
    names = sorted(p.name for p in folder.iterdir())
    extra = tmp_path / "more"
    subprocess.run([generate_bin, str(extra), "--seed", "99", "--activities", "2", "--formats", "gpx"],
                   check=True, capture_output=True)
    new = sorted(extra.glob("*.gpx"))
    files, _, _ = index(heatmap_bin, folder)
    assert (files["added"], files["read"]) == (40, 40)
    files, _, _ = index(heatmap_bin, folder)
    assert (files["added"], files["changed"], files["removed"], files["read"]) == (0, 0, 0, 0)

    def fresh():
        return read_all(f"HEATMAP:{folder}:STORE=NO")[0]

    # Added.
    shutil.copy(new[0], folder / "zz-added.gpx")
    files, _, _ = index(heatmap_bin, folder)
    assert (files["added"], files["read"], files["listed"]) == (1, 1, 41)
    assert_same(read_all(f"HEATMAP:{folder}")[0], fresh())

    # Changed, same size, another time: a fix moves one digit, the length stays.
    gpx = folder / names[0] if names[0].endswith(".gpx") else next(folder.glob("*.gpx"))
    text = gpx.read_text()
    i = text.index('lat="') + len('lat="') + 6
    changed = text[:i] + ("1" if text[i] != "1" else "2") + text[i + 1:]
    assert len(changed) == len(text)
    st = gpx.stat()
    gpx.write_text(changed)
    os.utime(gpx, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert gpx.stat().st_size == st.st_size
    files, _, _ = index(heatmap_bin, folder)
    assert (files["changed"], files["read"], files["added"]) == (1, 1, 0)
    assert_same(read_all(f"HEATMAP:{folder}")[0], fresh())

    # Changed, another size.
    shutil.copy(new[1], folder / "zz-added.gpx")
    files, _, _ = index(heatmap_bin, folder)
    assert (files["changed"], files["read"]) == (1, 1)
    assert_same(read_all(f"HEATMAP:{folder}")[0], fresh())

    # Removed.
    (folder / names[5]).unlink()
    files, _, _ = index(heatmap_bin, folder)
    assert (files["removed"], files["read"], files["listed"]) == (1, 0, 40)
    got, md = read_all(f"HEATMAP:{folder}")
    assert md["STORE_STATE"] == "current" and md["FILES_READ"] == "0"
    assert_same(got, fresh())

    # The driver updates the same store by itself, and says so.
    (folder / names[6]).unlink()
    got, md = read_all(f"HEATMAP:{folder}")
    assert (md["STORE_STATE"], md["FILES_REMOVED"], md["FILES_READ"]) == ("written", "1", "0")
    assert_same(got, fresh())
    assert len(store_files(store_dir)) == 1


def test_heatmap_store_max_gap_is_another_store(heatmap_bin, generated, store_dir):
    index(heatmap_bin, generated)
    a, _ = read_all(f"HEATMAP:{generated}")
    b, md = read_all(f"HEATMAP:{generated}:MAX_GAP=5")
    assert md["STORE_STATE"] == "written"  # other cleaning: another store, not a wrong one
    assert len(store_files(store_dir)) == 2
    assert not np.array_equal(a[(1, 0)], b[(1, 0)])
    # Zoom and filters share the one store.
    read_all(f"HEATMAP:{generated}:ZOOM=12:SPORT=walking")
    assert len(store_files(store_dir)) == 2


# ---------------------------------------------------------------- damage


def reference(folder):
    return read_all(f"HEATMAP:{folder}:STORE=NO")[0]


def open_after_damage(folder, expect_warning):
    with warnings_caught() as w:
        got, md = read_all(f"HEATMAP:{folder}")
    if expect_warning:
        assert any("not usable" in m and "rebuilding" in m for m in w.messages), w.messages
    return got, md


def test_heatmap_store_truncated(heatmap_bin, generated, store_dir):
    index(heatmap_bin, generated)
    path = store_files(store_dir)[0]
    good = path.read_bytes()
    want = reference(generated)
    size = len(good)
    offsets = sorted({0, 1, 8, 50, HEADER.size - 1, HEADER.size, HEADER.size + 1, 4096, size - 1,
                      size - 8, size - 100} | {size * k // 23 for k in range(1, 23)})
    for cut in offsets:
        path.write_bytes(good[:cut])
        got, md = open_after_damage(generated, expect_warning=True)
        assert md["STORE_STATE"] == "written"
        assert_same(got, want)
        # The rebuilt store is whole again (and another generation).
        assert path.stat().st_size == size
        path.write_bytes(good)


def test_heatmap_store_flipped_bytes_in_every_section(heatmap_bin, generated, store_dir):
    index(heatmap_bin, generated)
    path = store_files(store_dir)[0]
    good = path.read_bytes()
    want = reference(generated)
    secs = sections(path)
    assert len(secs) >= 6 + 5 * 2
    spots = [("header", 20), ("table", len(good) - 5)]
    spots += [(f"section {sid}", off + size // 2) for sid, off, size in secs if size > 0]
    for what, at in spots:
        bad = bytearray(good)
        bad[at] ^= 0x10
        path.write_bytes(bytes(bad))
        got, md = open_after_damage(generated, expect_warning=True)
        assert md["STORE_STATE"] == "written", what
        assert_same(got, want)
    # A damaged catalog is found even when the file keeps the writer's mtime stamp.
    index(heatmap_bin, generated)
    st = path.stat()
    files = next(off for sid, off, size in sections(path) if sid == 2)  # FILES
    bad = bytearray(path.read_bytes())
    bad[files + 3] ^= 0x01
    path.write_bytes(bytes(bad))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    got, md = open_after_damage(generated, expect_warning=True)
    assert_same(got, want)


@pytest.mark.parametrize("field,value,why", [
    ("version", 99, "format version 99"),
    ("endian", 0x04030201, "other byte order"),
    ("magic", b"NOTSTORE", "not a store file"),
])  # fmt: skip
def test_heatmap_store_foreign(heatmap_bin, generated, store_dir, field, value, why):
    index(heatmap_bin, generated)
    path = store_files(store_dir)[0]
    data = bytearray(path.read_bytes())
    if field == "version":
        struct.pack_into("<I", data, 8, value)
    elif field == "endian":
        struct.pack_into("<I", data, 12, value)
    else:
        data[0:8] = value
    path.write_bytes(bytes(data))
    with warnings_caught() as w:
        got, md = read_all(f"HEATMAP:{generated}")
    assert any(why in m for m in w.messages), w.messages
    assert md["STORE_STATE"] == "written"
    assert_same(got, reference(generated))


def test_heatmap_store_other_file_at_the_store_path(heatmap_bin, generated, store_dir, tmp_path):
    """STORE= naming a file that is not a store (or another source's store) is never used."""
    target = tmp_path / "mine.hmstore"
    target.write_text("hello")
    with warnings_caught() as w:
        got, md = read_all(f"HEATMAP:{generated}:STORE={target}")
    assert any("not usable" in m for m in w.messages)
    assert md["STORE_FILE"] == str(target) and md["STORE_STATE"] == "written"
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(next(generated.glob("*.fit")), other / "one.fit")
    with warnings_caught() as w:
        got2, md = read_all(f"HEATMAP:{other}:STORE={target}")
    assert any("was built for" in m for m in w.messages), w.messages
    assert_same(got2, reference(other))


def test_heatmap_store_damaged_statistics(heatmap_bin, generated, store_dir):
    name = f"HEATMAP:{generated}:RENDER=count"
    first, _ = read_all(name)  # computes the level statistics and keeps them
    stats = store_files(store_dir)[0].with_name(store_files(store_dir)[0].name + ".stats")
    assert stats.exists() and stats.stat().st_size > 0
    # A new process reads them back and draws the same.
    p = subprocess.run(["gdal_translate", "-q", "-outsize", "25%", "25%", name,
                        str(store_dir / "a.tif")], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    data = bytearray(stats.read_bytes())
    for at in range(0, len(data), max(1, len(data) // 40)):
        data[at] ^= 0xFF
    stats.write_bytes(bytes(data))
    p = subprocess.run(["gdal_translate", "-q", "-outsize", "25%", "25%", name,
                        str(store_dir / "b.tif")], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    a = gdal.Open(str(store_dir / "a.tif")).ReadAsArray()
    b = gdal.Open(str(store_dir / "b.tif")).ReadAsArray()
    assert np.array_equal(a, b)
    assert_same(read_all(name + ":STORE=NO")[0], first)


def test_heatmap_store_statistics_named_by_the_grid_as_built(generated, store_dir):
    """An automatic ZOOM and the zoom it chose are one grid: the level statistics computed for
    one are the other's (the stats file does not grow)."""
    auto = gdal.Open(f"HEATMAP:{generated}:RENDER=count")
    z = round(math.log2(2 * 20037508.342789244 / (256 * auto.GetGeoTransform()[1])))
    a = auto.GetRasterBand(4).ReadAsArray()
    stats = store_files(store_dir)[0].with_name(store_files(store_dir)[0].name + ".stats")
    size = stats.stat().st_size
    assert size > 0
    explicit = gdal.Open(f"HEATMAP:{generated}:RENDER=count:ZOOM={z}")
    assert explicit.RasterXSize == auto.RasterXSize
    assert np.array_equal(explicit.GetRasterBand(4).ReadAsArray(), a)
    assert stats.stat().st_size == size
    other = gdal.Open(f"HEATMAP:{generated}:RENDER=count:ZOOM={z - 1}")
    other.GetRasterBand(4).ReadAsArray()
    assert stats.stat().st_size > size  # another grid: its own statistics


# ---------------------------------------------------------------- concurrency


def test_heatmap_store_built_by_two_processes_at_once(generated, store_dir, tmp_path):
    folder = copy_tracks(generated, tmp_path / "tracks")
    outs = [tmp_path / f"o{i}.tif" for i in range(3)]
    procs = [subprocess.Popen(["gdal_translate", "-q", f"HEATMAP:{folder}", str(o)],
                              stderr=subprocess.PIPE, text=True) for o in outs]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    want = gdal.Open(f"HEATMAP:{folder}:STORE=NO").ReadAsArray()
    for o in outs:
        assert np.array_equal(gdal.Open(str(o)).ReadAsArray(), want, equal_nan=True)
    assert len(store_files(store_dir)) == 1
    md = gdal.Open(f"HEATMAP:{folder}").GetMetadata("HEATMAP_STORE")
    assert md["STORE_STATE"] == "current"
    assert not [p for p in store_dir.iterdir() if ".tmp." in p.name]  # no temporary left


def test_heatmap_store_reader_keeps_old_store(heatmap_bin, generated, store_dir, tmp_path):
    folder = copy_tracks(generated, tmp_path / "tracks")
    index(heatmap_bin, folder)
    ds = gdal.Open(f"HEATMAP:{folder}")
    before = levels(ds)
    # Another process replaces the store (a new file, renamed over the old one).
    victim = sorted(folder.iterdir())[3]
    victim.unlink()
    files, _, _ = index(heatmap_bin, folder)
    assert files["removed"] == 1
    gdal.SetCacheMax(0)  # nothing from GDAL's block cache: every block is rendered again
    try:
        ds.FlushCache()
        assert_same(levels(ds), before)
    finally:
        gdal.SetCacheMax(64 << 20)
    ds = None
    after, _ = read_all(f"HEATMAP:{folder}")
    assert_same(after, reference(folder))


# ---------------------------------------------------------------- location


def snapshot(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def run_gdalinfo(name, env, cwd):
    p = subprocess.run(["gdalinfo", "-mdd", "HEATMAP_STORE", name], capture_output=True,
                       text=True, env=env, cwd=cwd)
    assert p.returncode == 0, p.stderr
    return p.stdout, p.stderr


def clean_env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items()
           if k not in ("HEATMAP_STORE_DIR", "XDG_CACHE_HOME", "HOME")}
    env.update(extra)
    return env


def test_heatmap_store_location(generated, tmp_path):
    data = snapshot(generated)
    cwd = tmp_path / "cwd"
    home = tmp_path / "home"
    xdg = tmp_path / "xdg"
    stores = tmp_path / "stores"
    for d in (cwd, home, xdg, stores):
        d.mkdir()
    name = f"HEATMAP:{generated}"

    # STORE=NO: nothing written anywhere.
    run_gdalinfo(name + ":STORE=NO", clean_env(tmp_path, HOME=str(home), XDG_CACHE_HOME=str(xdg),
                                               HEATMAP_STORE_DIR=str(stores)), cwd)
    assert snapshot(home) == snapshot(xdg) == snapshot(stores) == snapshot(cwd) == []

    # HEATMAP_STORE_DIR wins, as an environment variable or a GDAL config option.
    out, _ = run_gdalinfo(name, clean_env(tmp_path, HOME=str(home), XDG_CACHE_HOME=str(xdg),
                                          HEATMAP_STORE_DIR=str(stores)), cwd)
    assert f"STORE_FILE={stores}/" in out and len(store_files(stores)) == 1
    assert snapshot(home) == snapshot(xdg) == []
    stores2 = tmp_path / "stores2"
    p = subprocess.run(["gdalinfo", "--config", "HEATMAP_STORE_DIR", str(stores2), "-mdd",
                        "HEATMAP_STORE", name], capture_output=True, text=True,
                       env=clean_env(tmp_path, HOME=str(home), XDG_CACHE_HOME=str(xdg)), cwd=cwd)
    assert p.returncode == 0 and f"STORE_FILE={stores2}/" in p.stdout, p.stderr
    # Without it: $XDG_CACHE_HOME/gdal-heatmap, else $HOME/.cache/gdal-heatmap.
    out, _ = run_gdalinfo(name, clean_env(tmp_path, HOME=str(home), XDG_CACHE_HOME=str(xdg)), cwd)
    assert f"STORE_FILE={xdg}/gdal-heatmap/" in out
    out, _ = run_gdalinfo(name, clean_env(tmp_path, HOME=str(home)), cwd)
    assert f"STORE_FILE={home}/.cache/gdal-heatmap/" in out
    # STORE=<file> names the file.
    mine = tmp_path / "elsewhere" / "my.hmstore"
    mine.parent.mkdir()
    out, _ = run_gdalinfo(name + f":STORE={mine}", clean_env(tmp_path, HOME=str(home)), cwd)
    assert f"STORE_FILE={mine}" in out and mine.exists()
    # A relative source, or a trailing slash, is the same source: the same store.
    out, _ = run_gdalinfo(f"HEATMAP:{os.path.relpath(generated, cwd)}/",
                          clean_env(tmp_path, HEATMAP_STORE_DIR=str(stores)), cwd)
    assert "STORE_STATE=current" in out and len(store_files(stores)) == 1

    # Never beside the data, never in the working directory.
    assert snapshot(generated) == data
    assert snapshot(cwd) == []


def test_heatmap_store_read_only_folder(heatmap_bin, generated):
    """A store built by `heatmap index` in a folder the server may not write (MapServer runs
    as another user): used while current; once stale, a warning and the tracks from memory."""
    prefix, build = as_other_user(pathlib.Path(heatmap_bin).parent)
    base = pathlib.Path(tempfile.mkdtemp(prefix="heatmap-ro-"))
    try:
        base.chmod(0o755)
        folder = copy_tracks(generated, base / "tracks")
        stores = base / "stores"
        out = base / "out"
        stores.mkdir()
        out.mkdir()
        out.chmod(0o777)
        for p in [folder, *folder.iterdir()]:
            p.chmod(0o755 if p.is_dir() else 0o644)
        env = clean_env(base, HEATMAP_STORE_DIR=str(stores), HOME="/nonexistent",
                        GDAL_DRIVER_PATH=str(build))
        index(heatmap_bin, folder, env=env)
        stores.chmod(0o555)
        store = store_files(stores)[0]
        mtime = store.stat().st_mtime_ns
        p = subprocess.run(prefix + ["gdalinfo", "-mdd", "HEATMAP_STORE", f"HEATMAP:{folder}"],
                           capture_output=True, text=True, env=env)
        assert p.returncode == 0, p.stderr
        assert "STORE_STATE=current" in p.stdout and "Warning" not in p.stderr, p.stderr
        # Stale now (a file gone) and not writable by the reader: it opens, correctly.
        sorted(folder.iterdir())[0].unlink()
        p = subprocess.run(prefix + ["gdal_translate", "-q", "-b", "1", f"HEATMAP:{folder}",
                                     str(out / "count.tif")], capture_output=True, text=True,
                           env=env)
        assert p.returncode == 0, p.stderr
        assert "keeping the tracks" in p.stderr, p.stderr
        assert store.stat().st_mtime_ns == mtime  # untouched
        ds = gdal.Open(f"HEATMAP:{folder}:STORE=NO")
        want = ds.GetRasterBand(1).ReadAsArray()
        assert np.array_equal(gdal.Open(str(out / "count.tif")).ReadAsArray(), want)
    finally:
        for p in base.rglob("*"):
            if p.is_dir():
                p.chmod(0o755)
        shutil.rmtree(base)


def test_heatmap_store_vsimem_stays_in_memory(tmp_vsimem, generated, store_dir):
    for f in sorted(generated.iterdir())[:5]:
        gdal.FileFromMemBuffer(f"{tmp_vsimem}/{f.name}", f.read_bytes())
    ds = gdal.Open(f"HEATMAP:{tmp_vsimem}")
    md = ds.GetMetadata("HEATMAP_STORE")
    assert md["STORE_STATE"] == "memory" and md["STORE_FILE"] == ""
    assert store_files(store_dir) == []


def test_heatmap_store_fifo_is_skipped(generated, store_dir, tmp_path):
    folder = copy_tracks(generated, tmp_path / "tracks")
    os.mkfifo(folder / "pipe.gpx")
    start = time.monotonic()
    ds = gdal.Open(f"HEATMAP:{folder}")
    assert time.monotonic() - start < 60
    errors = ds.GetMetadata("HEATMAP_ERRORS")
    assert any("not a regular file" in v for v in errors.values()), errors
    assert ds.GetMetadataItem("HEATMAP_SKIPPED_FILES") == "1"
