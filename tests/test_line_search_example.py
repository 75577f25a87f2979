"""The line-search example: its three claims, on the textbook's linear data, and its prose."""

from __future__ import annotations

import itertools
import runpy
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pytest

from descend._validate import FloatArray
from descend.datasets import textbook_linear
from descend.landscapes import DataLoss
from descend.linesearch import backtracking, bracket_search, exact_step
from descend.models import Linear

SCRIPT = Path(__file__).parents[1] / "gallery" / "02_gradient_descent" / "plot_line_search.py"

X_DATA, Y_DATA = textbook_linear()
PROBLEM = DataLoss(Linear(), X_DATA, Y_DATA)
DESIGN = np.column_stack([np.ones_like(X_DATA), X_DATA])
HESSIAN = 2 * DESIGN.T @ DESIGN
PHI_BEST = np.linalg.lstsq(DESIGN, Y_DATA, rcond=None)[0]
# The example's start, and points all around the minimum (1 to 2 units away).
STARTS = [
    np.array([1.6, -0.5]),
    *(PHI_BEST + r * np.array([np.cos(t), np.sin(t)]) for r, t in
      zip([1.0, 1.5, 2.0, 1.2, 1.8], [0.3, 1.5, 2.8, 3.6, 5.5], strict=True)),
]  # fmt: skip
ids = [f"phi=({p[0]:.2f},{p[1]:.2f})" for p in STARTS]


def slice_along(phi: FloatArray, g: FloatArray) -> Any:
    return lambda alpha: PROBLEM.loss(phi - alpha * g)


def test_the_hessian_formula_is_the_hessian_of_the_loss() -> None:
    # L is quadratic, so grad L[phi + d] - grad L[phi] = H d exactly (up to rounding).
    phi, d = np.array([1.6, -0.5]), np.array([0.3, -0.7])
    change = PROBLEM.grad(phi + d) - PROBLEM.grad(phi)
    np.testing.assert_allclose(change, HESSIAN @ d, rtol=1e-12)


@pytest.mark.parametrize("phi", STARTS, ids=ids)
def test_closed_form_exact_step_equals_the_numerical_minimizer_of_the_slice(
    phi: FloatArray,
) -> None:
    g = PROBLEM.grad(phi)
    closed = exact_step(g, HESSIAN)
    numeric = bracket_search(slice_along(phi, g), 0.0, 1.0, tol=1e-12)
    # Comparing loss values locates a minimum only to about sqrt(machine epsilon) = 1.5e-8.
    assert numeric == pytest.approx(closed, rel=1e-7)
    # and it is a minimum of the slice: both neighbours are higher
    f = slice_along(phi, g)
    assert f(closed) < f(0.99 * closed)
    assert f(closed) < f(1.01 * closed)


def exact_line_search(phi: FloatArray, steps: int) -> FloatArray:
    """Up to ``steps`` exact steps, stopping once the gradient is below 1e-3 of the first.

    Beyond that the rounding error of the gradient (about machine epsilon times
    the size of the terms it sums) is no longer small against the gradient itself.
    """
    path = [phi]
    g0 = np.linalg.norm(PROBLEM.grad(phi))
    for _ in range(steps):
        g = PROBLEM.grad(path[-1])
        if np.linalg.norm(g) < 1e-3 * g0:
            break
        path.append(path[-1] - exact_step(g, HESSIAN) * g)
    return np.array(path)


@pytest.mark.parametrize("phi", STARTS, ids=ids)
def test_consecutive_exact_line_search_gradients_are_orthogonal(phi: FloatArray) -> None:
    path = exact_line_search(phi, steps=8)
    assert len(path) >= 3  # at least two pairs of consecutive gradients
    grads = np.array([PROBLEM.grad(p) for p in path])
    for g_t, g_next in itertools.pairwise(grads):
        cosine = (g_t @ g_next) / (np.linalg.norm(g_t) * np.linalg.norm(g_next))
        assert abs(cosine) < 1e-10
    # a step of half the exact size does not have this property: the test can tell
    g0 = grads[0]
    g_half = PROBLEM.grad(phi - 0.5 * exact_step(g0, HESSIAN) * g0)
    assert abs(g0 @ g_half) / (np.linalg.norm(g0) * np.linalg.norm(g_half)) > 0.1


@pytest.mark.parametrize("phi", STARTS, ids=ids)
@pytest.mark.parametrize(
    ("alpha_init", "rho", "c"), [(1.0, 0.5, 1e-4), (0.1, 0.5, 1e-4), (1.0, 0.3, 0.5)]
)
def test_backtracking_accepts_the_first_trial_that_meets_the_armijo_condition(
    phi: FloatArray, alpha_init: float, rho: float, c: float
) -> None:
    g = PROBLEM.grad(phi)
    result = backtracking(PROBLEM.loss, phi, g, alpha_init=alpha_init, rho=rho, c=c)
    slope = g @ g
    L0 = PROBLEM.loss(phi)
    assert result.loss0 == L0

    def armijo(alpha: float) -> bool:
        return bool(PROBLEM.loss(phi - alpha * g) <= L0 - c * alpha * slope)

    assert result.step == result.trials[-1]
    assert armijo(result.step)
    if len(result.trials) > 1:
        assert not armijo(result.trials[-2])
        assert result.trials[-2] * rho == pytest.approx(result.step, rel=1e-15)
    assert not any(armijo(a) for a in result.trials[:-1])
    np.testing.assert_allclose(result.trials, alpha_init * rho ** np.arange(len(result.trials)))
    np.testing.assert_allclose(result.losses, [PROBLEM.loss(phi - a * g) for a in result.trials])


def test_at_the_example_start_backtracking_rejects_five_trials() -> None:
    phi = np.array([1.6, -0.5])
    result = backtracking(PROBLEM.loss, phi, PROBLEM.grad(phi))
    assert len(result.trials) == 6
    assert result.step == 1 / 32


@pytest.fixture(scope="module")
def example() -> dict[str, Any]:
    """Run the gallery script once (non-interactive backend) and keep its globals."""
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    show = plt.show
    plt.show = lambda *args, **kwargs: plt.close("all")
    try:
        return runpy.run_path(str(SCRIPT), run_name="__main__")
    finally:
        plt.show = show
        plt.close("all")


def test_example_states_the_numbers_it_computes(example: dict[str, Any]) -> None:
    # The prose quotes these; if one changes, the text of the example must change too.
    assert len(example["alphas"]) == 26
    assert len(example["bt_alphas"]) == 43
    assert example["gd_steps"] == 49
    assert example["search_evals"] == 5532
    assert example["bt_evals"] == 246
    np.testing.assert_allclose(example["alphas"][:2], [0.02272, 0.09981], atol=5e-6)
    assert max(example["rel_diffs"][:10]) < 1e-7
    assert example["first"].step == 1 / 32


def test_example_exact_path_turns_at_right_angles_and_reaches_the_minimum(
    example: dict[str, Any],
) -> None:
    assert np.max(np.abs(example["cosines"])) < 1e-12
    for name in ("exact_loss", "bt_loss"):
        assert example[name][-1] - example["L_best"] <= 1e-6
        assert example[name][-2] - example["L_best"] > 1e-6
