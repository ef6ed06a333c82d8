# SPDX-License-Identifier: MIT
"""`heatmap-generate` (tools/generate): deterministic sample tracks that other
tools read as we do.

gpsbabel, an independent reader, must find the number of positioned points and
the start times the generator's MANIFEST.csv promises in every file; the FIT
CRCs must check with a CRC written here from its definition (the generator
shares the engine's); our readers must agree with both, and two runs with the
same seed must write identical bytes. `--strava` lays the same tracks out as a
Strava export, with a table the engine joins.
"""
import csv
import datetime
import filecmp
import gzip
import os
import shutil
import struct
import subprocess

import pytest

from hmgen import fit_crc  # bit by bit, from the FIT protocol's definition
from hmtest import info_json, run

GPSBABEL_FORMAT = {"gpx": "gpx", "tcx": "gtrnctr", "fit": "garmin_fit"}


def generate(generate_bin, out, *args):
    run([generate_bin, str(out), *args], check_rc=0)
    with open(out / "MANIFEST.csv", newline="") as f:
        return {row["file"]: row for row in csv.DictReader(f)}


def test_heatmap_generate_usage(heatmap_bin, generate_bin, tmp_path):
    rc, out, err = run([generate_bin])
    assert rc == 2
    rc, out, err = run([generate_bin, str(tmp_path), "--activities", "abc"])
    assert rc == 2 and "heatmap-generate:" in err
    rc, out, err = run([generate_bin, str(tmp_path), "--formats", "kml"])
    assert rc == 2
    rc, out, err = run([generate_bin, str(tmp_path), "--strava=yes"])
    assert rc == 2 and "--strava takes no value" in err
    # A development tool, not a command of the installed `heatmap`.
    rc, out, err = run([heatmap_bin, "generate", str(tmp_path)])
    assert rc == 2 and "unknown command" in err
    assert not os.listdir(tmp_path)


def test_heatmap_generate_is_deterministic(generate_bin, tmp_path):
    a = generate(generate_bin, tmp_path / "a", "--seed", "7", "--activities", "9")
    generate(generate_bin, tmp_path / "b", "--seed", "7", "--activities", "9")
    c = generate(generate_bin, tmp_path / "c", "--seed", "8", "--activities", "9")
    names = sorted(os.listdir(tmp_path / "a"))
    assert names == sorted(os.listdir(tmp_path / "b"))
    match, mismatch, errors = filecmp.cmpfiles(tmp_path / "a", tmp_path / "b", names, shallow=False)
    assert mismatch == [] and errors == []
    assert a != c  # another seed, other tracks
    assert {r["format"] for r in a.values()} == {"gpx", "tcx", "fit"}


def test_heatmap_generate_fit_crcs(generate_bin, tmp_path):
    manifest = generate(generate_bin, tmp_path / "s", "--seed", "4", "--activities", "12",
                        "--formats", "fit")
    for name in manifest:
        data = (tmp_path / "s" / name).read_bytes()
        assert data[0] == 14 and data[8:12] == b".FIT", name
        assert struct.unpack_from("<H", data, 12)[0] == fit_crc(data[:12]), name
        assert len(data) == 14 + struct.unpack_from("<I", data, 4)[0] + 2, name
        assert struct.unpack_from("<H", data, len(data) - 2)[0] == fit_crc(data[:-2]), name


def test_heatmap_generate_read_back_by_our_readers(heatmap_bin, generate_bin, tmp_path):
    manifest = generate(generate_bin, tmp_path / "s", "--seed", "3", "--activities", "24")
    doc = info_json(heatmap_bin, tmp_path / "s")
    assert doc["totals"]["skipped_files"] == 0
    assert doc["totals"]["files_with_warnings"] == 0
    got = {os.path.basename(f["path"]): f for f in doc["files"]}
    assert sorted(got) == sorted(manifest)
    for name, row in manifest.items():
        f = got[name]
        assert f["format"] == row["format"]
        assert f["points"] == int(row["points_with_pos"]), name
        assert f["records"] == int(row["points"]), name
        assert f["distance_m"] == pytest.approx(float(row["distance_m"]), abs=0.006), name
        assert f["start"] == row["start_time"], name
        assert f["has_time"] and f["has_hr"]


@pytest.mark.skipif(shutil.which("gpsbabel") is None, reason="gpsbabel not installed")
def test_heatmap_generate_read_back_by_gpsbabel(generate_bin, tmp_path):
    manifest = generate(generate_bin, tmp_path / "s", "--seed", "5", "--activities", "12")
    for name, row in manifest.items():
        p = subprocess.run(
            ["gpsbabel", "-t", "-i", GPSBABEL_FORMAT[row["format"]], "-f", str(tmp_path / "s" / name),
             "-o", "unicsv,utc=0", "-F", "-"],
            capture_output=True, text=True, check=True,
        )
        points = list(csv.DictReader(p.stdout.splitlines()))
        assert len(points) == int(row["points_with_pos"]), name
        # The first positioned point: the start itself in GPX (no point lacks a position),
        # within the activity in TCX and FIT (a GPS dropout may come first).
        first = datetime.datetime.strptime(f"{points[0]['Date']} {points[0]['Time']}",
                                           "%Y/%m/%d %H:%M:%S")
        start = datetime.datetime.strptime(row["start_time"], "%Y-%m-%dT%H:%M:%SZ")
        offset = (first - start).total_seconds()
        assert offset == 0 if row["format"] == "gpx" else 0 <= offset <= int(row["elapsed_s"]), name


STRAVA_SPORTS = {"Run": "running", "Ride": "cycling", "Virtual Ride": "cycling",
                 "Walk": "walking", "Hike": "hiking"}


def test_heatmap_generate_strava(heatmap_bin, generate_bin, tmp_path):
    """--strava: activities.csv and activities/<id>.<fmt>.gz, the tracks of --gzip."""
    args = ("--seed", "2", "--activities", "40")
    plain = generate(generate_bin, tmp_path / "gz", *args, "--gzip")
    manifest = generate(generate_bin, tmp_path / "export", *args, "--strava")
    assert sorted(os.listdir(tmp_path / "export")) == ["MANIFEST.csv", "activities", "activities.csv"]
    # The same tracks, in the same order, under other names.
    assert len(plain) == len(manifest) == 40
    for (a, ra), (b, rb) in zip(plain.items(), manifest.items()):
        assert filecmp.cmp(tmp_path / "gz" / a, tmp_path / "export" / b, shallow=False)
        assert {**ra, "file": b} == rb
    with open(tmp_path / "export" / "activities.csv", newline="") as f:
        table = list(csv.reader(f))
    header = table[0]
    rows = [dict(reversed(list(zip(header, r)))) for r in table[1:]]  # a repeated header: its first
    assert header[:18] == [
        "Activity ID", "Activity Date", "Activity Name", "Activity Type", "Activity Description",
        "Elapsed Time", "Distance", "Max Heart Rate", "Relative Effort", "Commute",
        "Activity Private Note", "Activity Gear", "Filename", "Athlete Weight", "Bike Weight",
        "Elapsed Time", "Moving Time", "Distance"]
    assert all(len(r) == len(header) for r in table)
    ids = [int(r["Activity ID"]) for r in rows]
    assert ids == sorted(set(ids))  # distinct, growing with time
    files = [r for r in rows if r["Filename"]]
    assert sorted(r["Filename"] for r in files) == sorted(manifest)
    for r in files:
        assert r["Filename"] == f"activities/{r['Activity ID']}.{manifest[r['Filename']]['format']}.gz"
        assert r["Activity Type"] in STRAVA_SPORTS
        with gzip.open(tmp_path / "export" / r["Filename"]) as g:
            g.read()
    assert 1 <= len(rows) - len(files) <= 2  # manual activities: rows without a file
    assert any(r["Commute"] == "true" for r in files)
    assert any("," in r["Activity Name"] for r in rows)  # quoted cells read back
    assert any("," in r["Activity Gear"] for r in rows)
    assert {r["Activity Date"][:3] for r in rows} <= {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
    # The engine joins the table: its names and types win over the files' own.
    doc = info_json(heatmap_bin, tmp_path / "export")
    assert doc["totals"]["files"] == 40 and doc["totals"]["skipped_files"] == 0
    got = {os.path.basename(f["path"]): f for f in doc["files"]}
    for r in files:
        f = got[os.path.basename(r["Filename"])]
        assert (f["name"], f["sport"]) == (r["Activity Name"], STRAVA_SPORTS[r["Activity Type"]])
