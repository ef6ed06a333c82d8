# SPDX-License-Identifier: MIT
"""Helpers shared by the pytest modules: running the CLI, reading MANIFEST.md."""
import atexit
import json
import os
import pathlib
import re
import shutil
import subprocess
import tempfile

import pytest


def run(cmd, check_rc=None, **kw):
    """Run a command; returns (returncode, stdout, stderr)."""
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if check_rc is not None:
        assert p.returncode == check_rc, f"{cmd}: rc={p.returncode}\n{p.stdout}\n{p.stderr}"
    return p.returncode, p.stdout, p.stderr


def info_json(heatmap_bin, path, *args):
    rc, out, err = run([heatmap_bin, "info", "--json", str(path), *args], check_rc=0)
    return json.loads(out)


def manifest_points(tracks):
    """{relative path: Points column} from MANIFEST.md (rows with a numeric Points)."""
    points = {}
    for line in (tracks / "MANIFEST.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) < 10 or not cells[1].startswith("`"):
            continue
        rel = cells[1].strip("`")
        if re.fullmatch(r"\d+", cells[8]):
            points[rel] = int(cells[8])
    return points


def by_path(md, field):
    """{FILE_<n>_PATH: FILE_<n>_<field>} of a HEATMAP_ERRORS (ERROR) or HEATMAP_DUPLICATES
    (COUNTED_AS) metadata dict: file names are values there, never keys."""
    out = {}
    for key, path in md.items():
        m = re.fullmatch(r"FILE_(\d+)_PATH", key)
        if m:
            out[path] = md[f"FILE_{m.group(1)}_{field}"]
    assert len(md) == 2 * len(out), md
    return out


_readable_build = None


def as_other_user(build):
    """How to run the build's tools as an unprivileged user (root reads and writes anywhere):
    (command prefix, folder holding `heatmap` and the GDAL plugin for that user). When this
    process is not root: ([], build). As root: setpriv to nobody, and a world-readable copy of
    the tool and the plugin, since the build folder may sit in a private folder (a clone
    under `mktemp -d`, say) that nobody cannot enter."""
    global _readable_build
    if os.geteuid() != 0:
        return [], pathlib.Path(build)
    setpriv = shutil.which("setpriv")
    if not setpriv:
        pytest.skip("running as root without setpriv (util-linux): permissions cannot be tested")
    if _readable_build is None:
        copy = pathlib.Path(tempfile.mkdtemp(prefix="heatmap-build-copy-"))
        copy.chmod(0o755)
        for name in ("heatmap", "gdal_HEATMAP.so"):
            shutil.copy2(pathlib.Path(build) / name, copy / name)
            (copy / name).chmod(0o755)
        atexit.register(shutil.rmtree, str(copy), True)
        _readable_build = copy
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"], _readable_build
