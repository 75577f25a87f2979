"""The claims of docs/choosing.md's range test, and of the why-Adam example, hold.

The page's range-test snippet is run as printed; its output must be the one
the page shows, and its suggested learning rate must do as well, in 200
steps, as the best fixed rate of a grid. The raw-loss rule the page rejects
is run too, to check the numbers the page gives for why it fails.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

import descend
from descend.datasets import textbook_linear
from descend.landscapes import DataLoss
from descend.models import Linear
from descend.schedules import ExponentialLR

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "choosing.md"
WHY_ADAM = ROOT / "gallery" / "06_adaptive" / "plot_why_adam.py"
SNIPPET = re.compile(
    r"```python\n(.*?ExponentialLR\(lr_min.*?)```\n\nIt prints\n\n```text\n(.*?)```",
    re.S,
)
MU = 0.9
Floats = npt.NDArray[np.floating[Any]]


def _snippet() -> tuple[str, str]:
    match = SNIPPET.search(PAGE.read_text(encoding="utf-8"))
    assert match is not None, "the range-test snippet and its printed output were not found"
    return match.group(1), match.group(2)


@pytest.fixture(scope="module")
def snippet_run() -> tuple[dict[str, Any], str]:
    """The page's range-test code, run as printed: its namespace and its output."""
    code, _ = _snippet()
    namespace: dict[str, Any] = {"__name__": "range_test"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, str(PAGE), "exec"), namespace)
    return namespace, out.getvalue()


def _line() -> DataLoss:
    x, y = textbook_linear()
    return DataLoss(Linear(reduction="mean"), x, y)


def _loss_after(problem: DataLoss, lr: float, n: int = 200) -> float:
    opt = descend.SGD(lr=lr, momentum=MU)
    phi: Floats = np.zeros(2)
    state = opt.init(phi)
    for _ in range(n):
        phi, state = opt.step(phi, problem.grad(phi), state)
    return problem.loss(phi)


def _raw_ramp(problem: DataLoss) -> tuple[Floats, Floats]:
    """The page's ramp run without stopping until the loss is 1e4 times its start."""
    ramp = ExponentialLR(1e-4, gamma=(10.0 / 1e-4) ** (1 / 100))
    opt = descend.SGD(lr=ramp, momentum=MU)
    phi: Floats = np.zeros(2)
    state = opt.init(phi)
    lrs, losses = [], []
    for t in range(100):
        lrs.append(ramp(t))
        losses.append(problem.loss(phi))
        if losses[-1] > 1e4 * losses[0]:
            break
        phi, state = opt.step(phi, problem.grad(phi), state)
    return np.array(lrs), np.array(losses)


def _stability_limit(problem: DataLoss) -> float:
    x = problem.x
    design = np.column_stack([np.ones_like(x), x])
    lam_max = float(np.linalg.eigvalsh(2 * design.T @ design / len(x)).max())
    return 2 * (1 + MU) / lam_max


def test_range_test_snippet_prints_what_the_page_shows(
    snippet_run: tuple[dict[str, Any], str],
) -> None:
    _, shown = _snippet()
    assert snippet_run[1] == shown


def test_suggested_lr_reaches_within_1_percent_of_the_grids_best_in_200_steps(
    snippet_run: tuple[dict[str, Any], str],
) -> None:
    ns = snippet_run[0]
    grid_losses = np.array(ns["grid_losses"])
    assert len(grid_losses) == 21
    assert np.isfinite(grid_losses.min())
    assert ns["loss_after"](ns["suggested"]) <= 1.01 * grid_losses.min()
    # and independently of the snippet's own helper
    assert _loss_after(_line(), ns["suggested"]) <= 1.01 * grid_losses.min()


def test_raw_loss_rule_stops_at_step_36_and_its_suggestion_ends_44_percent_above_the_best(
    snippet_run: tuple[dict[str, Any], str],
) -> None:
    problem = _line()
    lrs, raw = _raw_ramp(problem)
    stop = int(np.argmax(raw > 4 * np.minimum.accumulate(raw)))
    low = int(np.argmin(raw[: stop + 1]))
    assert (stop, low) == (36, 33)
    suggestion = lrs[low] / 10
    assert f"{suggestion:.3g}" == "0.000447"
    best = min(snippet_run[0]["grid_losses"])
    assert 1.44 <= _loss_after(problem, suggestion) / best < 1.45


def test_raw_rule_stops_on_a_momentum_bump_not_on_divergence() -> None:
    problem = _line()
    lrs, raw = _raw_ramp(problem)
    limit = _stability_limit(problem)
    assert f"{limit:.3g}" == "0.911"
    stop = int(np.argmax(raw > 4 * np.minimum.accumulate(raw)))
    # after the stop the loss comes back below the minimum the rule stopped at ...
    below_limit = lrs < limit
    assert raw[stop:][below_limit[stop:]].min() < raw[:stop].min()
    # ... and first exceeds its starting value only past the stability limit
    above_start = int(np.argmax(raw > raw[0]))
    assert above_start == 82
    assert lrs[above_start] > limit
    # the trough-to-trough spacing of the bumps the page quotes
    troughs = [t for t in range(1, len(raw) - 1) if raw[t - 1] > raw[t] < raw[t + 1]]
    assert troughs[0] == 33
    assert max(np.diff(troughs)) == 15


def test_smoothed_loss_falls_at_every_step_until_just_below_the_stability_limit() -> None:
    problem = _line()
    lrs, raw = _raw_ramp(problem)
    weights = 0.98 ** np.arange(len(raw))
    smoothed = np.array(
        [0.02 * np.dot(weights[: t + 1][::-1], raw[: t + 1]) / (1 - 0.98 ** (t + 1))
         for t in range(len(raw))]
    )  # fmt: skip
    low = int(np.argmin(smoothed))
    assert low == 79
    assert np.all(np.diff(smoothed[: low + 1]) < 0)
    assert 0.9 * _stability_limit(problem) < lrs[low] < _stability_limit(problem)


def test_momentum_stability_limit_separates_convergence_from_divergence() -> None:
    problem = _line()
    limit = _stability_limit(problem)
    start = problem.loss(np.zeros(2))
    assert _loss_after(problem, 0.95 * limit, n=2000) < 0.02
    with np.errstate(over="ignore", invalid="ignore"):
        assert _loss_after(problem, 1.05 * limit, n=200) > 1e3 * start


@pytest.fixture(scope="module")
def why_adam_output() -> str:
    env = {**os.environ, "MPLBACKEND": "Agg"}
    result = subprocess.run(
        [sys.executable, "-W", "error", str(WHY_ADAM)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def _ratios(output: str, t: int) -> Floats:
    match = re.search(rf"t = +{t}: Adam's step / SGD's, layers 1 to 4: (.*)", output)
    assert match is not None
    return np.array([float(v) for v in match.group(1).split()])


def test_why_adam_step_ratios_are_the_ones_the_text_states(why_adam_output: str) -> None:
    # "about 250, 35, 12 and 2.8 times SGD's in layers 1 to 4" at t = 100
    at_100 = _ratios(why_adam_output, 100)
    np.testing.assert_allclose(at_100, [250, 35, 12, 2.8], rtol=0.05)
    # "the first layer still moves 37 times more than with SGD", the output layer 0.62 times
    at_1000 = _ratios(why_adam_output, 1000)
    np.testing.assert_allclose(at_1000[[0, 3]], [37, 0.62], rtol=0.05)
    # "SGD's first step moves the output layer 113 times more than the first layer"
    assert "layer 4's step / layer 1's = 113" in why_adam_output


def test_why_adam_sgd_stays_on_the_plateau_and_adam_fits(why_adam_output: str) -> None:
    final = {
        name: float(value)
        for name, value in re.findall(r"(SGD|Adam) *: loss [0-9.]+ -> ([0-9.]+)", why_adam_output)
    }
    variance = float(re.search(r"variance of y: ([0-9.]+)", why_adam_output).group(1))  # type: ignore[union-attr]
    assert abs(final["SGD"] - variance) < 0.05 * variance
    assert final["Adam"] < 0.1 * variance
