"""Numbers the pages state about the real-data examples, held against the examples' output.

The texts of gallery/07_real_data/*.py, docs/adam.md and docs/training-goes-wrong.md
quote what these scripts print (scikit-learn's optimum, the steps each optimizer needs,
the measured rates, the digits table). Each script is run once here, as the docs build
runs it, and every quoted number must appear in its output, so a change that moves a
number fails here instead of leaving the prose behind.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import re
import runpy
from pathlib import Path

import pytest

if os.environ.get("DESCEND_REQUIRE_SKLEARN") == "1":
    import sklearn  # noqa: F401  (CI: a missing scikit-learn is a failure, not a skip)
pytest.importorskip("sklearn")

GALLERY = Path(__file__).resolve().parents[1] / "gallery" / "07_real_data"


@functools.cache
def output_of(script: str) -> str:
    """What the example prints, run in this process with matplotlib's agg backend."""
    import matplotlib

    matplotlib.use("agg")
    import matplotlib.pyplot as plt

    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), matplotlib.rc_context():
            runpy.run_path(str(GALLERY / script), run_name="__main__")
    finally:
        plt.close("all")  # and the example's style leaves with the rc_context
    return out.getvalue()


def row(text: str, first: str) -> list[str]:
    """The words of the output line that starts with ``first``."""
    lines = [line.split() for line in text.splitlines() if line.split()[:1] == [first]]
    assert lines, f"no line starting with {first!r} in:\n{text}"
    return lines[-1]  # the last table's row (the digits example prints two tables)


def test_breast_cancer_scikit_learn_optimum_and_conditioning() -> None:
    text = output_of("plot_breast_cancer_logistic.py")
    assert "scikit-learn: L = 37.758946" in text  # training-goes-wrong.md
    assert re.search(r"raw: .*kappa = 5\.54e\+08", text)
    assert re.search(r"standardized: .*lambda_max = 1890, kappa = 1\.86e\+03", text)
    assert "max |z| there" in text
    assert re.search(r"1e-02\s+1\s+2\.71e\+06\s+nan", text)  # "2.71 million"
    assert re.search(r"1e-06\s+2\s+1\.01e\+03\s+nan", text)  # "about a thousand"


@pytest.mark.parametrize(
    ("name", "steps", "rho", "predicted"),
    [
        ("GradientDescent", "176", "0.970", "0.977"),
        ("Momentum", "79", "0.862", "0.805"),
        ("NesterovMomentum", "80", "0.894", "0.892"),
        ("Adam", "474", "0.985", None),  # adam.md: "needs the most steps (474)"
    ],
)
def test_breast_cancer_steps_and_rates_quoted_in_the_text(
    name: str, steps: str, rho: str, predicted: str | None
) -> None:
    words = row(output_of("plot_breast_cancer_logistic.py"), name)
    assert "37.758946" in words
    assert "-2.5e-13" in words  # "below scikit-learn's loss, by a relative 2.5e-13"
    tail = [steps, rho] + ([predicted] if predicted else [])
    assert words[-len(tail) :] == tail


@pytest.mark.parametrize(
    ("name", "alpha", "train_loss", "val_acc"),
    [("SGD", "1.00", "0.0596", "0.9749"), ("Momentum", "3.00", "0.0185", "0.9777"),
     ("Adam", "0.10", "0.0128", "0.9833")],
)  # fmt: skip
def test_digits_final_table_quoted_in_adam_chapter(
    name: str, alpha: str, train_loss: str, val_acc: str
) -> None:
    words = row(output_of("plot_digits_mlp.py"), name)
    assert words[1:3] == [alpha, train_loss]
    assert words[4] == val_acc


def test_digits_backward_pass_matches_finite_differences() -> None:
    text = output_of("plot_digits_mlp.py")
    match = re.search(r"max \|backprop - finite differences\| = (\S+)", text)
    assert match is not None
    assert float(match[1]) < 1e-8
