# SPDX-License-Identifier: MIT
"""The commands of README.md's "From a Strava export" run as written, on a made-up
export (`heatmap-generate --strava`) both extracted (export_12345/) and zipped
(export_12345.zip), and `heatmap info` reports the table's names and sports."""
import csv
import json
import os
import pathlib
import re
import shlex
import zipfile

import pytest
from osgeo import gdal

from hmtest import run

pytestmark = pytest.mark.require_driver("HEATMAP")

README = pathlib.Path(__file__).resolve().parents[2] / "README.md"
SPORTS = {"Run": "running", "Ride": "cycling", "Virtual Ride": "cycling", "Walk": "walking",
          "Hike": "hiking"}


def strava_commands():
    """The indented block after the section's first paragraph, one command per entry
    (continuation lines joined), each split as a shell would (comments dropped)."""
    text = README.read_text(encoding="utf-8")
    section = re.search(r"^## From a Strava export\n(.*?)^#", text, re.S | re.M).group(1)
    block = re.search(r"\n\n((?: {4}.*\n)+)", section).group(1)
    return [shlex.split(c, comments=True) for c in block.replace("\\\n", " ").splitlines()]


@pytest.fixture(scope="module")
def export(generate_bin, tmp_path_factory):
    """tmp/export_12345/ and tmp/export_12345.zip (the same content) and its table's rows."""
    tmp = tmp_path_factory.mktemp("strava")
    folder = tmp / "export_12345"
    run([generate_bin, str(folder), "--strava", "--seed", "1", "--activities", "40"], check_rc=0)
    (folder / "MANIFEST.csv").unlink()  # the generator's own; not in a Strava export
    with zipfile.ZipFile(tmp / "export_12345.zip", "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(folder.rglob("*")):
            z.write(path, path.relative_to(folder).as_posix())
    with open(folder / "activities.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    return tmp, rows


def test_readme_strava_has_commands():
    commands = strava_commands()
    assert [c[0] for c in commands] == ["heatmap", "gdal_translate", "gdal_translate",
                                        "gdal_translate"], commands


@pytest.mark.parametrize("index", range(len(strava_commands())))
def test_readme_strava_command_runs(heatmap_bin, export, index):
    tmp, _ = export
    cmd = strava_commands()[index]
    if cmd[0] == "heatmap":
        cmd[0] = heatmap_bin
    env = dict(os.environ, HEATMAP_STORE_DIR=str(tmp / f"stores-{index}"), GDAL_PAM_ENABLED="NO")
    rc, out, err = run(cmd, cwd=tmp, env=env)
    assert rc == 0, f"{shlex.join(cmd)}\n{out}\n{err}"
    if cmd[0] == heatmap_bin:
        assert "total: 40 files (40 read, 0 skipped" in out, out
        return
    output = tmp / cmd[-1]
    assert output.stat().st_size > 0
    ds = gdal.Open(str(output))
    assert ds.RasterCount == 5  # count, log_count, pace, hr, recency
    assert ds.GetRasterBand(1).GetDescription() == "count"
    assert ds.GetRasterBand(1).ComputeRasterMinMax(False)[1] >= 1, "no activity selected"


def test_readme_strava_info_names_and_sports(heatmap_bin, export):
    tmp, rows = export
    rc, out, err = run([heatmap_bin, "info", "--json", "/vsizip/export_12345.zip"], check_rc=0,
                       cwd=tmp)
    doc = json.loads(out)
    got = {os.path.basename(f["path"]): f for f in doc["files"]}
    tracks = [r for r in rows if r["Filename"]]
    assert len(tracks) == len(got) == 40 and len(rows) > len(tracks)  # and manual activities
    for r in tracks:
        f = got[os.path.basename(r["Filename"])]
        assert f["name"] == r["Activity Name"], r["Filename"]
        assert f["sport"] == SPORTS[r["Activity Type"]], r["Filename"]
