# SPDX-License-Identifier: MIT
"""The examples in README.md run: every ```python block is executed against
generated sample tracks in a `sample/` folder, as the quick start makes them."""
import os
import pathlib
import re

import pytest

from hmtest import run

README = pathlib.Path(__file__).resolve().parents[2] / "README.md"


def python_blocks():
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_readme_has_python_examples():
    assert python_blocks()


@pytest.mark.parametrize("index", range(len(python_blocks())))
def test_readme_python_example_runs(generate_bin, tmp_path, monkeypatch, index):
    run([generate_bin, str(tmp_path / "sample"), "--seed", "1", "--activities", "12"], check_rc=0)
    monkeypatch.chdir(tmp_path)
    code = python_blocks()[index]
    if "import rasterio" in code:
        pytest.importorskip("rasterio")
    exec(compile(code, f"README.md python block {index}", "exec"), {})
    # The examples only read: nothing may appear next to the tracks.
    assert not [n for n in os.listdir(tmp_path / "sample") if n.endswith(".xml")]
