"""descend.linesearch: exact_step, bracket_search and backtracking, and their errors."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from descend._validate import FloatArray
from descend.linesearch import BacktrackingResult, backtracking, bracket_search, exact_step


def bad(value: object) -> Any:
    """Pass ``value`` where the signature wants something else (for the type checker)."""
    return value


def bowl(phi: FloatArray) -> float:
    """L = phi_0^2 + 10 phi_1^2, Hessian diag(2, 20)."""
    return float(phi[0] ** 2 + 10 * phi[1] ** 2)


H_BOWL = np.diag([2.0, 20.0])


# --- exact_step -------------------------------------------------------------------------


@given(
    st.floats(-3, 3).filter(lambda v: abs(v) > 1e-3),
    st.floats(-3, 3),
    st.floats(0.1, 10),
    st.floats(-0.9, 0.9),
)
def test_exact_step_minimizes_the_slice_of_any_positive_definite_quadratic(
    g0: float, g1: float, scale: float, off: float
) -> None:
    H = scale * np.array([[1.0, off], [off, 1.0 + off**2 + 0.5]])  # positive definite
    g = np.array([g0, g1])
    alpha = exact_step(g, H)

    def f(a: float) -> float:  # the slice of L = 1/2 phi^T H phi from phi with gradient g
        phi = np.linalg.solve(H, g)
        p = phi - a * g
        return float(0.5 * p @ H @ p)

    grid = np.linspace(0, 3 * alpha, 301)
    assert f(alpha) <= min(f(a) for a in grid) + 1e-12 * f(0.0)


def test_exact_step_of_the_docstring_example() -> None:
    assert exact_step(np.array([2.0, 20.0]), H_BOWL) == pytest.approx(404 / 8008)


@pytest.mark.parametrize(
    ("g", "H", "message"),
    [
        (np.zeros(2), np.eye(2), r"g^T H g must be > 0 .* \(is g zero\?\)"),
        (np.ones(2), -np.eye(2), r"got -2.0 \(is H positive definite\?\)"),
        (np.ones(2), np.full((2, 2), np.nan), "g^T H g must be > 0"),
        (np.ones(2), np.eye(3), r"H must have shape \(2, 2\) to match g, got shape \(3, 3\)"),
        (np.ones((2, 2)), np.eye(2), r"g must be a 1-D gradient, got shape \(2, 2\)"),
    ],
)
def test_exact_step_refuses_a_slice_without_a_minimum_or_bad_shapes(
    g: FloatArray, H: FloatArray, message: str
) -> None:
    with pytest.raises(ValueError, match=message.replace("^", r"\^")):
        exact_step(g, H)


def test_exact_step_refuses_integer_arrays_naming_the_parameter() -> None:
    with pytest.raises(TypeError, match="g must have a real floating dtype"):
        exact_step(bad(np.array([1, 2])), H_BOWL)
    with pytest.raises(TypeError, match="H must be a NumPy array"):
        exact_step(np.ones(2), bad("eye"))


# --- bracket_search ---------------------------------------------------------------------


@given(st.floats(0.0, 1.0))
def test_bracket_search_finds_the_minimum_of_a_parabola_anywhere_in_the_bracket(
    m: float,
) -> None:
    assert bracket_search(lambda a: (a - m) ** 2, 0.0, 1.0) == pytest.approx(m, abs=1e-9)


@pytest.mark.parametrize("m", [0.0, 1e-6, 0.999999, 1.0])
def test_bracket_search_handles_a_minimum_at_or_near_an_end(m: float) -> None:
    # at the left end rule 1 (halve the bracket) does the work
    assert bracket_search(lambda a: abs(a - m), 0.0, 1.0, tol=1e-12) == pytest.approx(m, abs=1e-9)


def test_bracket_search_keeps_its_promise_about_rule_one() -> None:
    # rule 1 halves: after one iteration from [0, 1] with f lowest at 0 only [0, 1/2] is left
    calls: list[float] = []

    def f(a: float) -> float:
        calls.append(a)
        return a

    bracket_search(f, 0.0, 1.0, max_iter=2)
    assert calls[4:8] == pytest.approx([0.0, 1 / 6, 1 / 3, 0.5])


def test_bracket_search_stops_at_max_iter_and_at_tol() -> None:
    calls: list[float] = []

    def f(a: float) -> float:
        calls.append(a)
        return (a - 0.4) ** 2

    bracket_search(f, 0.0, 1.0, max_iter=3)
    assert len(calls) == 12  # four evaluations per iteration
    calls.clear()
    bracket_search(f, 0.0, 1.0, tol=0.5)  # c - b = 1/3 <= tol: no iteration at all
    assert calls == []


def test_bracket_search_finds_a_local_minimum_of_a_non_unimodal_function() -> None:
    # the notebook's function: two dips, the search finds one of them (documented caveat)
    def f(p: float) -> float:
        return float(
            1 - 0.5 * np.exp(-((p - 0.65) ** 2) / 0.1) - 0.45 * np.exp(-((p - 0.35) ** 2) / 0.02)
        )

    found = bracket_search(f, 0.0, 1.0)
    grid = np.linspace(0, 1, 10001)
    values = np.array([f(p) for p in grid])
    local_minima = grid[1:-1][(values[1:-1] < values[:-2]) & (values[1:-1] < values[2:])]
    assert min(abs(found - local_minima)) < 1e-3


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"low": 1.0, "high": 0.0}, ValueError, "low must be < high, got low=1.0, high=0.0"),
        ({"low": 0.0, "high": math.inf}, ValueError, "high must be finite"),
        ({"low": bad("0"), "high": 1.0}, TypeError, "low must be a real number"),
        ({"tol": 0.0}, ValueError, "tol must be > 0"),
        ({"max_iter": 0}, ValueError, "max_iter must be an integer >= 1"),
        ({"max_iter": 2.5}, TypeError, "max_iter must be an integer"),
    ],
)
def test_bracket_search_names_the_bad_parameter(
    kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    args: dict[str, Any] = {"low": 0.0, "high": 1.0, **kwargs}
    with pytest.raises(error, match=message):
        bracket_search(lambda a: a**2, **args)


def test_bracket_search_refuses_nan_and_non_callables() -> None:
    with pytest.raises(ValueError, match="f returned NaN at alpha="):
        bracket_search(lambda a: math.nan, 0.0, 1.0)
    with pytest.raises(TypeError, match="f must be a callable"):
        bracket_search(bad(3.0), 0.0, 1.0)


# --- backtracking -----------------------------------------------------------------------


def test_backtracking_returns_every_trial_and_the_first_that_passes() -> None:
    phi = np.array([1.0, 1.0])
    result = backtracking(bowl, phi, H_BOWL @ phi)
    assert isinstance(result, BacktrackingResult)
    np.testing.assert_allclose(result.trials, [1.0, 0.5, 0.25, 0.125, 0.0625])
    assert result.step == 0.0625
    assert result.loss0 == 11.0
    assert result.losses[-1] <= 11.0 - 1e-4 * 0.0625 * (4 + 400)
    assert result.losses[-2] > 11.0 - 1e-4 * 0.125 * (4 + 400)


def test_backtracking_accepts_the_first_trial_when_it_is_good_enough() -> None:
    phi = np.array([1.0, 0.0])
    result = backtracking(bowl, phi, 2 * phi, alpha_init=0.25)
    assert result.trials.tolist() == [0.25]
    assert result.step == 0.25


def test_backtracking_with_c_one_half_never_overshoots_the_exact_step_of_a_quadratic() -> None:
    # Armijo on a quadratic accepts alpha <= 2 (1 - c) alpha*: for c = 1/2 exactly alpha <= alpha*.
    rng = np.random.default_rng(0)
    for _ in range(50):
        phi = rng.normal(size=2)
        g = H_BOWL @ phi
        result = backtracking(bowl, phi, g, alpha_init=float(rng.uniform(0.01, 2)), c=0.5)
        assert result.step <= exact_step(g, H_BOWL) * (1 + 1e-12)


def test_backtracking_at_a_stationary_point_accepts_the_first_trial() -> None:
    result = backtracking(bowl, np.zeros(2), np.zeros(2))
    assert result.step == 1.0


def test_backtracking_gives_up_when_g_points_uphill() -> None:
    phi = np.array([1.0, 1.0])
    with pytest.raises(RuntimeError, match=r"max_trials=10 .* is g the gradient of loss"):
        backtracking(bowl, phi, -(H_BOWL @ phi), max_trials=10)


def test_backtracking_shrinks_past_nan_losses() -> None:
    def loss(p: FloatArray) -> float:
        return math.nan if abs(p[0]) > 2 else float(p @ p)

    result = backtracking(loss, np.array([1.0, 0.0]), np.array([4.0, 0.0]), alpha_init=4.0)
    assert math.isnan(result.losses[0])
    assert result.step < 4.0


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"alpha_init": 0.0}, ValueError, "alpha_init must be > 0, got 0.0"),
        ({"alpha_init": -1.0}, ValueError, "alpha_init must be > 0"),
        ({"rho": 1.0}, ValueError, r"rho must be in the open interval \(0, 1\), got 1.0"),
        ({"rho": 0.0}, ValueError, r"rho must be in the open interval \(0, 1\), got 0.0"),
        ({"c": 0.0}, ValueError, r"c must be in the open interval \(0, 1\), got 0.0"),
        ({"c": 1.5}, ValueError, r"c must be in the open interval \(0, 1\), got 1.5"),
        ({"rho": math.nan}, ValueError, "rho must be finite"),
        ({"c": bad(True)}, TypeError, "c must be a real number"),
        ({"max_trials": 0}, ValueError, "max_trials must be an integer >= 1"),
        ({"g": np.ones(3)}, ValueError, r"g has shape \(3,\) but phi has shape \(2,\)"),
        ({"phi": bad([1, "a"])}, TypeError, "phi must hold real numbers only"),
        ({"loss": bad(None)}, TypeError, "loss must be a callable"),
        ({"phi": np.array([5.0, np.nan])}, ValueError, "loss\\(phi\\) must be finite"),
    ],
)
def test_backtracking_names_the_bad_parameter(
    kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    args: dict[str, Any] = {"loss": bowl, "phi": np.ones(2), "g": np.ones(2), **kwargs}
    with pytest.raises(error, match=message):
        backtracking(**args)
