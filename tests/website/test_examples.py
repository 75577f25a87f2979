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


def _run(script: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    # A random hash seed on purpose: output must not depend on set or dict order.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONHASHSEED"}
    env["MPLBACKEND"] = "Agg"
    return subprocess.run(
        [sys.executable, "-W", "error", str(script)],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.name for s in SCRIPTS])
def test_example_runs_as_a_plain_script_without_warnings_and_reproducibly(
    script: Path, tmp_path: Path
) -> None:
    first, second = _run(script, tmp_path), _run(script, tmp_path)
    assert first.returncode == 0, first.stderr[-3000:]
    assert first.stdout == second.stdout, "two runs printed different numbers"


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


def test_the_lecture_batch_table_is_printed_exactly(tmp_path: Path) -> None:
    out = _run(GALLERY / "04_sgd" / "plot_batches_and_epochs.py", tmp_path).stdout
    assert "Step 0, Batch # 0, Batch Range [0 1 2 3 4], Batch index: [27 15 23 17 8]" in out
    assert "Step 6, Batch # 0, Batch Range [0 1 2 3 4], Batch index: [27 15 23 17 8]" in out


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.name for s in SCRIPTS])
def test_notebook_text_has_math_jupyter_can_render(script: Path) -> None:
    nbformat = pytest.importorskip("nbformat")
    notebook = BUILT_EXAMPLES / script.relative_to(GALLERY).with_suffix(".ipynb")
    nb = nbformat.read(notebook, as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    # reST math must have become $...$ / $$...$$, which Jupyter's MathJax renders.
    assert ":math:" not in text
    assert ".. math::" not in text
    source = script.read_text(encoding="utf-8")
    if ":math:" in source or ".. math::" in source:
        assert "$" in text
    assert ROOT.exists()
