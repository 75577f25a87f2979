"""Checkers of the normalized-gradient and Adam exercises: pass, name the mistake, survive junk."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from descend.exercises.adaptive import check_adam_step, check_normalized_step

Array = np.ndarray[Any, np.dtype[np.float64]]

# --- normalized gradients ------------------------------------------------------------------


def normalized_step(phi: Array, g: Array, alpha: float, eps: float) -> Array:
    new: Array = phi - alpha * g / (np.sqrt(g**2) + eps)
    return new


def normalized_loop(phi: Array, g: Array, alpha: float, eps: float) -> Array:
    """Written differently: a loop over the coordinates, |g| for sqrt(g^2)."""
    new = phi.copy()
    for j in np.ndindex(phi.shape):
        new[j] = phi[j] - alpha / (abs(g[j]) + eps) * g[j]
    return new


NORMALIZED_MISTAKES: dict[str, Callable[..., Any]] = {
    "eps inside the root": lambda phi, g, alpha, eps: phi - alpha * g / np.sqrt(g * g + eps),
    "whole-vector norm": lambda phi, g, alpha, eps: phi - alpha * g / (np.linalg.norm(g) + eps),
    "eps missing": lambda phi, g, alpha, eps: phi - alpha * g / np.abs(g),
    "square root missing": lambda phi, g, alpha, eps: phi - alpha * g / (g**2 + eps),
    "wrong sign": lambda phi, g, alpha, eps: phi + alpha * g / (np.abs(g) + eps),
    "returned the step": lambda phi, g, alpha, eps: alpha * g / (np.abs(g) + eps),
}


@pytest.mark.parametrize("student", [normalized_step, normalized_loop])
def test_a_correct_normalized_step_passes(student: Callable[..., Any]) -> None:
    result = check_normalized_step(student, verbose=False)
    assert result.passed, result.message
    assert result.message.startswith("normalized_step: correct on all 6 checks.")


@pytest.mark.parametrize("name", NORMALIZED_MISTAKES)
def test_each_usual_normalized_mistake_fails_with_its_hint(name: str) -> None:
    result = check_normalized_step(NORMALIZED_MISTAKES[name], verbose=False)
    assert not result.passed
    assert result.mistake == name, result.message
    assert "\nHint: " in result.message


def test_eps_inside_the_root_is_caught_on_tiny_gradients() -> None:
    result = check_normalized_step(NORMALIZED_MISTAKES["eps inside the root"], verbose=False)
    assert "on tiny gradients g = (1e-10, -3e-10, 2e-9)" in result.message
    assert "eps belongs outside the square root" in result.message


def test_the_whole_vector_norm_hint_names_the_global_version() -> None:
    result = check_normalized_step(NORMALIZED_MISTAKES["whole-vector norm"], verbose=False)
    assert "on the textbook's Gabor data" in result.message
    assert "NormalizedGradient(norm='global')" in result.message


def test_the_global_norm_is_recognised_where_only_coordinates_of_different_sizes_show_it() -> None:
    """Right everywhere but on the case g = (1000, -0.002, 0.5, -40): that case names it."""

    def sneaky(phi: Array, g: Array, alpha: float, eps: float) -> Array:
        if g.size == 4:
            new: Array = phi - alpha * g / (np.sqrt(np.sum(g**2)) + eps)
            return new
        return normalized_step(phi, g, alpha, eps)

    result = check_normalized_step(sneaky, verbose=False)
    assert result.mistake == "whole-vector norm"
    assert "coordinates differ in size" in result.message


def test_a_normalized_step_with_g_over_abs_g_reports_the_nan_at_a_zero_gradient() -> None:
    def no_eps_but_guarded(phi: Array, g: Array, alpha: float, eps: float) -> Array:
        if np.all(np.abs(g) > 1e-6):
            return normalized_step(phi, g, alpha, eps)
        with np.errstate(invalid="ignore"):
            return phi - alpha * g / np.abs(g)

    result = check_normalized_step(no_eps_but_guarded, verbose=False)
    assert not result.passed
    assert "on tiny gradients" in result.message
    assert result.mistake == "eps missing"


def test_an_answer_that_ignores_eps_fails_on_the_large_eps_case() -> None:
    result = check_normalized_step(lambda p, g, a, e: normalized_step(p, g, a, 1e-8), verbose=False)
    assert not result.passed
    assert "with a large eps = 0.5" in result.message


# --- Adam ----------------------------------------------------------------------------------


def adam_step(
    phi: Array,
    m: Array,
    v: Array,
    g: Array,
    t: int,
    alpha: float,
    beta1: float,
    beta2: float,
    eps: float,
) -> tuple[Array, Array, Array]:
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return phi - alpha * m_hat / (np.sqrt(v_hat) + eps), m, v


def adam_folded(
    phi: Array,
    m: Array,
    v: Array,
    g: Array,
    t: int,
    alpha: float,
    beta1: float,
    beta2: float,
    eps: float,
) -> tuple[Array, Array, Array]:
    """Written differently: corrections folded into the step size, eps rescaled to match."""
    m = m + (1 - beta1) * (g - m)
    v = beta2 * v + (1 - beta2) * g * g
    c2 = np.sqrt(1 - beta2**t)
    step = alpha * c2 / (1 - beta1**t)
    return phi - step * m / (np.sqrt(v) + eps * c2), m, v


def _adam(**changes: Any) -> Callable[..., Any]:
    """An adam_step a student might write, with one thing changed."""

    def step(
        phi: Any, m: Any, v: Any, g: Any, t: Any, alpha: Any, beta1: Any, beta2: Any, eps: Any
    ) -> Any:
        b1, b2 = (1 - beta1, 1 - beta2) if changes.get("swap") else (beta1, beta2)
        m_new = b1 * m + (1 - b1) * g
        v_new = b2 * v + (1 - b2) * (g if changes.get("v_from_g") else g * g)
        if changes.get("old"):
            m_use, v_use = m, v
        else:
            m_use, v_use = m_new, v_new
        n = t + 1 if changes.get("from_zero") else t
        m_hat = m_use if changes.get("no_m_hat") else m_use / (1 - beta1**n)
        v_hat = v_use if changes.get("no_v_hat") else v_use / (1 - beta2**n)
        if changes.get("eps_inside"):
            denom = np.sqrt(v_hat + eps)
        elif changes.get("no_root"):
            denom = v_hat + eps
        else:
            denom = np.sqrt(v_hat) + eps
        if changes.get("folded"):
            step_size = alpha * np.sqrt(1 - beta2**t) / (1 - beta1**t)
            return phi - step_size * m_new / (np.sqrt(v_new) + eps), m_new, v_new
        sign = 1 if changes.get("uphill") else -1
        new_phi = phi + sign * alpha * m_hat / denom
        if changes.get("hat_state"):
            return new_phi, m_hat, v_hat
        return new_phi, m_new, v_new

    return step


ADAM_MISTAKES: dict[str, Callable[..., Any]] = {
    "no bias correction": _adam(no_m_hat=True, no_v_hat=True),
    "t counted from 0": _adam(from_zero=True),
    "eps inside the root": _adam(eps_inside=True),
    "only m bias-corrected": _adam(no_v_hat=True),
    "only v bias-corrected": _adam(no_m_hat=True),
    "corrected moments returned as state": _adam(hat_state=True),
    "g instead of g**2 in v": _adam(v_from_g=True),
    "beta and 1 - beta swapped": _adam(swap=True),
    "old moments used for the step": _adam(old=True),
    "eps not rescaled in the folded form": _adam(folded=True),
    "square root missing": _adam(no_root=True),
    "wrong sign": _adam(uphill=True),
}


@pytest.mark.parametrize("student", [adam_step, adam_folded, _adam()])
def test_a_correct_adam_step_passes(student: Callable[..., Any]) -> None:
    result = check_adam_step(student, verbose=False)
    assert result.passed, result.message
    assert result.message.startswith("adam_step: correct on all 6 checks.")


@pytest.mark.parametrize("name", ADAM_MISTAKES)
def test_each_usual_adam_mistake_fails_with_its_hint(name: str) -> None:
    result = check_adam_step(ADAM_MISTAKES[name], verbose=False)
    assert not result.passed
    assert result.mistake == name, result.message
    assert "\nHint: " in result.message


def test_t_counted_from_0_is_explained_against_the_sites_convention() -> None:
    result = check_adam_step(ADAM_MISTAKES["t counted from 0"], verbose=False)
    assert "1 - beta**(t + 1), the site's formula" in result.message
    assert "t = 1 on the first step" in result.message


def test_eps_inside_the_root_is_caught_on_tiny_second_moments() -> None:
    """Inside the root eps is invisible at textbook scale, so the tiny case must catch it."""

    def eps_inside_where_it_shows(*args: Any) -> Any:
        v = args[2]
        if np.max(np.abs(v)) < 1e-10:
            return _adam(eps_inside=True)(*args)
        return adam_step(*args)

    result = check_adam_step(eps_inside_where_it_shows, verbose=False)
    assert result.mistake == "eps inside the root"
    assert "tiny gradients and second moments" in result.message


def test_bias_correction_is_caught_at_the_first_step() -> None:
    def uncorrected_at_first(*args: Any) -> Any:
        return ADAM_MISTAKES["no bias correction"](*args) if args[4] == 1 else adam_step(*args)

    result = check_adam_step(uncorrected_at_first, verbose=False)
    assert result.mistake == "no bias correction"
    assert "the first step, t = 1" in result.message


def test_hard_coded_hyperparameters_fail() -> None:
    def defaults_only(phi: Any, m: Any, v: Any, g: Any, t: Any, alpha: Any, *rest: Any) -> Any:
        return adam_step(phi, m, v, g, t, alpha, 0.9, 0.999, 1e-8)

    result = check_adam_step(defaults_only, verbose=False)
    assert not result.passed
    assert "with other hyperparameters" in result.message


def test_the_adam_checker_docstring_states_the_step_convention() -> None:
    doc = check_adam_step.__doc__ or ""
    assert "``t = 1`` on the first step" in doc
    assert "the exercise's ``t`` is the site's :math:`t + 1`" in doc


# --- junk, both checkers -------------------------------------------------------------------

CHECKERS = {"normalized_step": check_normalized_step, "adam_step": check_adam_step}


def _raises_not_implemented(*args: Any) -> Any:
    raise NotImplementedError


@pytest.mark.parametrize("name", CHECKERS)
@pytest.mark.parametrize(
    ("student", "message"),
    [
        (None, "expected a function, got None"),
        (lambda *a: None, "returned None: is a `return` statement missing?"),
        (lambda *a: "oops", "returned the string 'oops', not numbers"),
        (lambda *a: 1 / 0, "raised ZeroDivisionError: division by zero"),
        (_raises_not_implemented, "not done yet"),
    ],
)
def test_junk_is_reported_never_raised(name: str, student: Any, message: str) -> None:
    if name == "adam_step" and student is not None:
        one = student  # adam_step returns three values: put the junk in the middle one

        def student(phi: Any, m: Any, *rest: Any) -> Any:
            return phi, one(), m

    result = CHECKERS[name](student, verbose=False)
    assert not result.passed
    assert result.message.startswith(name)
    assert message in result.message
    assert result.mistake is None


def test_normalized_step_of_the_wrong_shape_or_nan_is_reported() -> None:
    shape = check_normalized_step(lambda phi, g, a, e: phi[:1], verbose=False)
    assert "phi has shape (1,), expected shape (2,)" in shape.message
    nan = check_normalized_step(lambda phi, g, a, e: phi * np.nan, verbose=False)
    assert "returns inf or NaN" in nan.message


def test_adam_step_returning_one_value_or_nan_is_reported() -> None:
    one = check_adam_step(lambda phi, *rest: phi, verbose=False)
    assert "should return a tuple of 3 values" in one.message

    def nan_m(*args: Any) -> Any:
        phi, m, v = adam_step(*args)
        return phi, m * np.nan, v

    nan = check_adam_step(nan_m, verbose=False)
    assert "returns inf or NaN" in nan.message
    assert "m[0] is nan" in nan.message


@pytest.mark.parametrize("name", CHECKERS)
def test_the_printed_message_is_the_results_message(name: str) -> None:
    for student in (normalized_step if name == "normalized_step" else adam_step, None):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            result = CHECKERS[name](student)
        assert out.getvalue() == result.message + "\n"
