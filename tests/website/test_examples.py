"""Every gallery example runs standalone: as a script, and as the notebook users download."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import BUILT_EXAMPLES, GALLERY, ROOT

pytestmark = pytest.mark.site

SCRIPTS = sorted(GALLERY.rglob("plot_*.py"))


def test_the_gallery_has_an_example_for_every_topic() -> None:
    assert len(SCRIPTS) >= 17


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.name for s in SCRIPTS])
def test_example_runs_as_a_plain_script_without_warnings(script: Path, tmp_path: Path) -> None:
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0"}
    result = subprocess.run(
        [sys.executable, "-W", "error", str(script)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.name for s in SCRIPTS])
def test_downloaded_notebook_runs_top_to_bottom(script: Path, tmp_path: Path) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = BUILT_EXAMPLES / script.relative_to(GALLERY).with_suffix(".ipynb")
    assert notebook.exists(), f"{notebook} was not generated: run `nox -s docs`"
    nb = nbformat.read(notebook, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    errors = [
        out
        for cell in nb.cells if cell.cell_type == "code"
        for out in cell.get("outputs", []) if out.get("output_type") == "error"
    ]  # fmt: skip
    assert errors == []


def test_examples_are_reproducible(tmp_path: Path) -> None:
    # Two runs of a seeded stochastic example print exactly the same thing.
    script = GALLERY / "04_sgd" / "plot_batches_and_epochs.py"
    env = {**os.environ, "MPLBACKEND": "Agg"}
    runs = [
        subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env,
                       capture_output=True, text=True, check=True).stdout
        for _ in range(2)
    ]  # fmt: skip
    assert runs[0] == runs[1]
    assert "Batch index: [27 15 23 17 8]" in runs[0]
    assert ROOT.exists()
