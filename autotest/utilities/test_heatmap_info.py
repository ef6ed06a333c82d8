# SPDX-License-Identifier: MIT
"""`heatmap info`: the reader pipeline seen from the command line.

Expected point counts come from sources independent of our readers: the
Points column of the corpus MANIFEST.md (counted by the corpus author's own
scanner) and gpsbabel reading the same files.
"""
import json
import os
import shutil
import subprocess
import zipfile

import pytest

from hmtest import info_json, manifest_points, run


def test_heatmap_info_usage_errors(heatmap_bin):
    rc, out, err = run([heatmap_bin, "info"])
    assert rc == 2 and "usage: heatmap info" in err
    rc, out, err = run([heatmap_bin, "info", "--frobnicate", "."])
    assert rc == 2 and "unknown option '--frobnicate'" in err
    rc, out, err = run([heatmap_bin, "info", "--threads", "0", "."])
    assert rc == 2
    rc, out, err = run([heatmap_bin, "nosuchcommand"])
    assert rc == 2 and "unknown command" in err
    rc, out, err = run([heatmap_bin, "info", "--help"])
    assert rc == 0 and "--json" in out


def test_heatmap_info_missing_folder(heatmap_bin, tmp_path):
    missing = tmp_path / "nope"
    rc, out, err = run([heatmap_bin, "info", str(missing)])
    assert rc == 1
    assert err.strip() == f"heatmap: {missing}: no such file or folder"
    assert out == ""


def invalid_gpx_points(path):
    """trkpt elements whose lat/lon are not a WGS84 position, counted with ElementTree."""
    import xml.etree.ElementTree as ET

    bad = 0
    for el in ET.parse(path).iter():
        if el.tag.rsplit("}", 1)[-1] == "trkpt":
            lat, lon = float(el.get("lat")), float(el.get("lon"))
            bad += not (-90 <= lat <= 90 and -180 <= lon <= 180)
    return bad


# MANIFEST counts every trkpt; these files also hold points that are not positions
# (OpenTracks writes pause markers as lat=100/200), which the reader takes as segment
# breaks: not points, and nothing to warn about.
NOT_POSITIONS = ["gpx/opentracks_legacy_gpx_pause_resume.gpx"]


@pytest.mark.parametrize("fmt", ["gpx", "tcx", "fit"])
def test_heatmap_info_corpus_matches_manifest(heatmap_bin, tracks, fmt):
    expected = {k: v for k, v in manifest_points(tracks).items() if k.startswith(fmt + "/")}
    for rel in NOT_POSITIONS:
        if rel in expected:
            dropped = invalid_gpx_points(tracks / rel)
            assert dropped > 0
            expected[rel] -= dropped
    doc = info_json(heatmap_bin, tracks / fmt)
    got = {os.path.relpath(f["path"], tracks): f for f in doc["files"]}
    assert sorted(got) == sorted(expected)
    errors = {k: f["error"] for k, f in got.items() if f["error"]}
    assert errors == {}
    for rel in NOT_POSITIONS:
        if rel in got:
            assert got[rel]["warnings"] == []
    mismatched = {k: (got[k]["points"], n) for k, n in expected.items() if got[k]["points"] != n}
    assert mismatched == {}
    totals = doc["totals"]
    assert totals["files"] == len(expected)
    assert totals["skipped_files"] == 0
    assert totals["points"] == sum(expected.values())


def gpsbabel_count(path):
    """Track points (or route points for a route-only file) with a position, per gpsbabel."""
    fmt = {"gpx": "gpx", "tcx": "gtrnctr", "fit": "garmin_fit"}
    name = path.name.lower().removesuffix(".gz")
    src = str(path)
    tmp = None
    if path.name.lower().endswith(".gz"):
        import gzip
        import tempfile

        tmp = tempfile.NamedTemporaryFile(suffix="." + name.rsplit(".", 1)[1], delete=False)
        tmp.write(gzip.open(path).read())
        tmp.close()
        src = tmp.name
    try:
        counts = {}
        for kind in ("-t", "-r"):
            p = subprocess.run(
                ["gpsbabel", kind, "-i", fmt[name.rsplit(".", 1)[1]], "-f", src, "-o", "unicsv,utc=0", "-F", "-"],
                capture_output=True, text=True,
            )
            if p.returncode != 0:
                return None
            lines = p.stdout.splitlines()
            counts[kind] = max(0, len(lines) - 1)
        return counts["-t"] or counts["-r"]
    finally:
        if tmp:
            os.unlink(tmp.name)


# Files where gpsbabel's reading legitimately differs from ours, with the reason.
GPSBABEL_DIFFERS = {
    # gpsbabel's gtrnctr reader skips Activities nested in <MultiSportSession>.
    "tcx/gc_activity_165850259_multi-session.tcx",
    # gpsbabel keeps OpenTracks' lat=100/200 pause markers as points.
    "gpx/opentracks_legacy_gpx_pause_resume.gpx",
}


@pytest.mark.skipif(shutil.which("gpsbabel") is None, reason="gpsbabel not installed")
@pytest.mark.parametrize("fmt", ["gpx", "tcx", "fit"])
def test_heatmap_info_corpus_matches_gpsbabel(heatmap_bin, tracks, fmt):
    doc = info_json(heatmap_bin, tracks / fmt)
    mismatched = {}
    for f in doc["files"]:
        rel = os.path.relpath(f["path"], tracks)
        if rel in GPSBABEL_DIFFERS:
            continue
        n = gpsbabel_count(tracks / rel)
        if n is not None and n != f["points"]:
            mismatched[rel] = (f["points"], n)
    assert mismatched == {}


def test_heatmap_info_text_one_line_per_file(heatmap_bin, tracks):
    rc, out, err = run([heatmap_bin, "info", str(tracks / "tcx")], check_rc=0)
    lines = out.splitlines()
    assert len(lines) == 21 + 1
    line = next(x for x in lines if "tcxparser_test.tcx" in x)
    # path, format, sport, start UTC, points with a position, T/H/C/P flags, km, duration
    assert " tcx  running  " in line
    assert " 383 pts  TH--  " in line
    assert lines[-1].startswith("total: 21 files (21 read, 0 skipped")


def test_heatmap_info_vsizip_writes_nothing(heatmap_bin, tracks, tmp_path):
    names = ["gpx/gpsbabel_garminconnect.gpx", "tcx/trackeR_2013-06-19-183041.TCX.gz",
             "fit/fitparse_garmin-fenix-5-walk.fit"]
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for n in names:
            z.write(tracks / n, "activities/" + os.path.basename(n))
    before = sorted(os.listdir(tmp_path))
    doc = info_json(heatmap_bin, f"/vsizip/{archive}/activities")
    points = {os.path.basename(f["path"]): f["points"] for f in doc["files"]}
    expected = manifest_points(tracks)
    assert points == {os.path.basename(n): expected[n] for n in names}
    # Nothing written next to the archive (no /vsigzip/ .properties sidecars).
    assert sorted(os.listdir(tmp_path)) == before


# File names with every kind of byte that is awkward in JSON: escapes, control characters,
# DEL, bytes that are not UTF-8 (lone, stray, truncated, overlong, an encoded surrogate, a
# code point above U+10FFFF) and valid non-ASCII text.
AWKWARD_NAMES = [
    b'quote"x',
    b"back\\slash",
    b"new\nline",
    b"tab\tx",
    b"cr\rx",
    b"bs\x08x",
    b"ff\x0cx",
    b"ctl\x01x",
    b"ctl\x1fx",
    b"del\x7fx",
    b"byte\xffx",
    b"cont\x80x",
    b"trunc\xe2\x82",
    b"trunc4\xf0\x9f\x98",
    b"overlong\xc0\xaf",
    b"overlong3\xe0\x80\xaf",
    b"surrogate\xed\xa0\x80",
    b"above\xf4\x90\x80\x80",
    b"resync\xff\xc3\xa9",
    "é".encode(),
    "漢字".encode(),
    "run 😀".encode(),
]


def test_heatmap_info_json_any_file_name(heatmap_bin, tmp_path):
    import hmgen

    folder = os.fsencode(tmp_path / "names")
    os.mkdir(folder)
    fixes = [hmgen.Fix(46.05, 14.50, 1.6e9), hmgen.Fix(46.0505, 14.5005, 1.6e9 + 60)]
    created = set()
    for name in AWKWARD_NAMES:
        path = os.path.join(folder, name + b".gpx")
        hmgen.write_gpx(path, fixes)
        created.add(path)
    env = dict(os.environ, HEATMAP_STORE_DIR=str(tmp_path / "stores"))

    p = subprocess.run([heatmap_bin, "info", "--json", folder], capture_output=True, env=env)
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout.decode("utf-8"))  # strict: the document itself is UTF-8
    reported = [os.fsencode(f["path"]) for f in doc["files"]]
    assert sorted(reported) == sorted(created)
    assert all(f["error"] is None and f["points"] == 2 for f in doc["files"])
    assert doc["totals"]["files"] == len(AWKWARD_NAMES)
    # Every file is the same recording: one is counted, the others are listed as its duplicates.
    dups = doc["duplicates"]
    assert len(dups) == len(AWKWARD_NAMES) - 1 == doc["totals"]["duplicates"]
    counted = {os.fsencode(d["counted_as"]) for d in dups}
    assert len(counted) == 1 and counted <= created
    assert {os.fsencode(d["path"]) for d in dups} == created - counted

    # The text form prints the names as they are; it only has to get through them.
    p = subprocess.run([heatmap_bin, "info", folder], capture_output=True, env=env)
    assert p.returncode == 0, p.stderr
    assert p.stdout.endswith(b"total: %d files (%d read, 0 skipped, 0 with warnings), "
                             b"%d activities, %d points with a position, %d duplicates\n"
                             % ((len(AWKWARD_NAMES),) * 3 + (2 * len(AWKWARD_NAMES), len(AWKWARD_NAMES) - 1)))
