# SPDX-License-Identifier: MIT
"""`heatmap generate`: deterministic sample tracks that other tools read as we do.

gpsbabel, an independent reader, must find the number of positioned points the
generator's MANIFEST.csv promises in every file; our readers must agree with
both, and two runs with the same seed must write identical bytes.
"""
import csv
import filecmp
import os
import shutil
import subprocess

import pytest

from hmtest import info_json, run

GPSBABEL_FORMAT = {"gpx": "gpx", "tcx": "gtrnctr", "fit": "garmin_fit"}


def generate(heatmap_bin, out, *args):
    run([heatmap_bin, "generate", str(out), *args], check_rc=0)
    with open(out / "MANIFEST.csv", newline="") as f:
        return {row["file"]: row for row in csv.DictReader(f)}


def test_heatmap_generate_usage(heatmap_bin, tmp_path):
    rc, out, err = run([heatmap_bin, "generate"])
    assert rc == 2
    rc, out, err = run([heatmap_bin, "generate", str(tmp_path), "--activities", "abc"])
    assert rc == 2 and "heatmap:" in err
    rc, out, err = run([heatmap_bin, "generate", str(tmp_path), "--formats", "kml"])
    assert rc == 2


def test_heatmap_generate_is_deterministic(heatmap_bin, tmp_path):
    a = generate(heatmap_bin, tmp_path / "a", "--seed", "7", "--activities", "9")
    generate(heatmap_bin, tmp_path / "b", "--seed", "7", "--activities", "9")
    c = generate(heatmap_bin, tmp_path / "c", "--seed", "8", "--activities", "9")
    names = sorted(os.listdir(tmp_path / "a"))
    assert names == sorted(os.listdir(tmp_path / "b"))
    match, mismatch, errors = filecmp.cmpfiles(tmp_path / "a", tmp_path / "b", names, shallow=False)
    assert mismatch == [] and errors == []
    assert a != c  # another seed, other tracks
    assert {r["format"] for r in a.values()} == {"gpx", "tcx", "fit"}


def test_heatmap_generate_read_back_by_our_readers(heatmap_bin, tmp_path):
    manifest = generate(heatmap_bin, tmp_path / "s", "--seed", "3", "--activities", "24")
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
def test_heatmap_generate_read_back_by_gpsbabel(heatmap_bin, tmp_path):
    manifest = generate(heatmap_bin, tmp_path / "s", "--seed", "5", "--activities", "12")
    for name, row in manifest.items():
        p = subprocess.run(
            ["gpsbabel", "-t", "-i", GPSBABEL_FORMAT[row["format"]], "-f", str(tmp_path / "s" / name),
             "-o", "unicsv,utc=0", "-F", "-"],
            capture_output=True, text=True, check=True,
        )
        assert len(p.stdout.splitlines()) - 1 == int(row["points_with_pos"]), name
