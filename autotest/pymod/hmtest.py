# SPDX-License-Identifier: MIT
"""Helpers shared by the pytest modules: running the CLI, reading MANIFEST.md."""
import json
import os
import re
import shutil
import subprocess

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


def as_other_user():
    """A command prefix running as an unprivileged user (root reads and writes anywhere), or
    [] when this process is not root (then permissions hold for it)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if not setpriv:
        pytest.skip("running as root without setpriv (util-linux): permissions cannot be tested")
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
