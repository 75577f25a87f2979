"""check_momentum_step and check_nesterov_step: right steps pass, usual mistakes get their hint."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import descend
from descend.exercises import CheckResult
from descend.exercises.momentum import check_momentum_step, check_nesterov_step
from descend.landscapes import Quadratic

Array = np.ndarray
GradFn = Callable[[Array], Array]


def momentum(student: object) -> CheckResult:
    return check_momentum_step(student, verbose=False)


def nesterov(student: object) -> CheckResult:
    return check_nesterov_step(student, verbose=False)


# ---------------------------------------------------------------------------
# momentum_step: right answers, written in different ways


def momentum_textbook(phi: Array, m: Array, g: Array, alpha: float, beta: float) -> Any:
    m = beta * m + (1 - beta) * g
    return phi - alpha * m, m


def momentum_in_place(phi: Array, m: Array, g: Array, alpha: float, beta: float) -> Any:
    m *= beta
    m += (1 - beta) * g
    phi -= alpha * m
    return phi, m


def momentum_difference_form(phi: Array, m: Array, g: Array, alpha: float, beta: float) -> Any:
    m_new = m + (1 - beta) * (g - m)
    return [phi - alpha * m_new, m_new]


def momentum_expanded(phi: Array, m: Array, g: Array, alpha: float, beta: float) -> Any:
    return phi - alpha * beta * m - alpha * (1 - beta) * g, beta * m + g - beta * g


@pytest.mark.parametrize(
    "student", [momentum_textbook, momentum_in_place, momentum_difference_form, momentum_expanded]
)
def test_a_correct_momentum_step_passes_however_it_is_written(student: Any) -> None:
    result = momentum(student)
    assert result.passed, result.message
    assert result.message.startswith("momentum_step: correct on all 5 checks.")


def test_the_momentum_reference_is_descends_momentum_path() -> None:
    problem = Quadratic()
    run = descend.fit(descend.Momentum(0.1, 0.9), problem, [1.0, 1.0], steps=3)
    phi, m = np.array([1.0, 1.0]), np.zeros(2)
    for t in range(3):
        phi, m = momentum_textbook(phi, m, problem.grad(phi), 0.1, 0.9)
        np.testing.assert_allclose(phi, run.phi[t + 1], rtol=1e-12)


# momentum_step: the usual mistakes, written as a student would


def no_one_minus_beta(phi: Array, m: Array, g: Array, alpha: float, beta: float) -> Any:
    m = beta * m + g
    return phi - alpha * m, m


def old_momentum(phi: Array, m: Array, g: Array, alpha: float, beta: float) -> Any:
    phi = phi - alpha * m
    m = beta * m + (1 - beta) * g
    return phi, m


def beta_swapped(phi: Array, m: Array, g: Array, alpha: float, beta: float) -> Any:
    m = (1 - beta) * m + beta * g
    return phi - alpha * m, m


def plus_sign(phi: Array, m: Array, g: Array, alpha: float, beta: float) -> Any:
    m = beta * m + (1 - beta) * g
    return phi + alpha * m, m


def old_m_returned(phi: Array, m: Array, g: Array, alpha: float, beta: float) -> Any:
    new_m = beta * m + (1 - beta) * g
    return phi - alpha * new_m, m


def along_g(phi: Array, m: Array, g: Array, alpha: float, beta: float) -> Any:
    m = beta * m + (1 - beta) * g
    return phi - alpha * g, m


def swapped_outputs(phi: Array, m: Array, g: Array, alpha: float, beta: float) -> Any:
    m = beta * m + (1 - beta) * g
    return m, phi - alpha * m


@pytest.mark.parametrize(
    ("student", "mistake", "hint"),
    [
        (no_one_minus_beta, "no_one_minus_beta", "without the factor (1 - beta) on g"),
        (old_momentum, "old_momentum", "phi was moved with the old momentum m_t"),
        (beta_swapped, "beta_swapped", "beta and 1 - beta are swapped"),
        (plus_sign, "sign_error", "phi moved uphill"),
        (old_m_returned, "old_m_returned", "the m returned is the old one"),
        (along_g, "step_along_g", "phi was moved along the gradient g"),
        (swapped_outputs, "outputs_swapped", "return (phi, m), phi first"),
    ],
)
def test_each_usual_momentum_mistake_fails_with_its_hint(
    student: Any, mistake: str, hint: str
) -> None:
    result = momentum(student)
    assert not result.passed
    assert result.mistake == mistake
    assert "\nHint: " in result.message
    assert hint in result.message


def test_pytorchs_momentum_is_recognised_as_the_missing_one_minus_beta() -> None:
    def pytorch_form(phi: Array, m: Array, g: Array, alpha: float, beta: float) -> Any:
        opt = descend.SGD(lr=alpha, momentum=beta)
        state = descend.State(opt, 1, {"b": m.copy()})  # past the first step: b <- beta b + g
        phi, state = opt.step(phi, g, state)
        return phi, state["b"]

    result = momentum(pytorch_form)
    assert result.mistake == "no_one_minus_beta"
    assert "PyTorch's form" in result.message


def test_the_momentum_message_names_the_first_difference_and_the_case() -> None:
    result = momentum(old_momentum)
    assert result.message.startswith(
        "momentum_step is wrong: phi[0] is -1.5, expected -0.51271651343"
    )
    assert "on the textbook's Gabor data" in result.message


# ---------------------------------------------------------------------------
# nesterov_step: right answers, written in different ways


def nesterov_textbook(phi: Array, m: Array, grad_fn: GradFn, alpha: float, beta: float) -> Any:
    g = grad_fn(phi - alpha * beta * m)
    m = beta * m + (1 - beta) * g
    return phi - alpha * m, m


def nesterov_with_momentum_step(
    phi: Array, m: Array, grad_fn: GradFn, alpha: float, beta: float
) -> Any:
    ahead = phi.copy()
    ahead -= alpha * beta * m
    return momentum_in_place(phi, m, grad_fn(ahead), alpha, beta)


def nesterov_by_the_library(
    phi: Array, m: Array, grad_fn: GradFn, alpha: float, beta: float
) -> Any:
    opt = descend.NesterovMomentum(lr=alpha, beta=beta)
    state = descend.State(opt, 0, {"m": m.copy()})
    phi, state = opt.step(phi, grad_fn, state)
    return phi, state["m"]


@pytest.mark.parametrize(
    "student", [nesterov_textbook, nesterov_with_momentum_step, nesterov_by_the_library]
)
def test_a_correct_nesterov_step_passes_however_it_is_written(student: Any) -> None:
    result = nesterov(student)
    assert result.passed, result.message
    assert result.message.startswith("nesterov_step: correct on all 4 checks.")


# nesterov_step: the usual mistakes


def at_phi(phi: Array, m: Array, grad_fn: GradFn, alpha: float, beta: float) -> Any:
    return momentum_textbook(phi, m, grad_fn(phi), alpha, beta)


def slide(phi: Array, m: Array, grad_fn: GradFn, alpha: float, beta: float) -> Any:
    return momentum_textbook(phi, m, grad_fn(phi - alpha * m), alpha, beta)


def slide_by_the_library(phi: Array, m: Array, grad_fn: GradFn, alpha: float, beta: float) -> Any:
    opt = descend.NesterovMomentum(lr=alpha, beta=beta, lookahead="slide")
    state = opt.init(phi)
    state["m"][...] = m
    phi, state = opt.step(phi, grad_fn, state)
    return phi, state["m"]


def ahead_plus(phi: Array, m: Array, grad_fn: GradFn, alpha: float, beta: float) -> Any:
    return momentum_textbook(phi, m, grad_fn(phi + alpha * beta * m), alpha, beta)


def ahead_without_alpha(phi: Array, m: Array, grad_fn: GradFn, alpha: float, beta: float) -> Any:
    return momentum_textbook(phi, m, grad_fn(phi - beta * m), alpha, beta)


def from_ahead(phi: Array, m: Array, grad_fn: GradFn, alpha: float, beta: float) -> Any:
    phi = phi - alpha * beta * m
    m = beta * m + (1 - beta) * grad_fn(phi)
    return phi - alpha * m, m


def n_no_one_minus_beta(phi: Array, m: Array, grad_fn: GradFn, alpha: float, beta: float) -> Any:
    return no_one_minus_beta(phi, m, grad_fn(phi - alpha * beta * m), alpha, beta)


def n_old_momentum(phi: Array, m: Array, grad_fn: GradFn, alpha: float, beta: float) -> Any:
    return old_momentum(phi, m, grad_fn(phi - alpha * beta * m), alpha, beta)


def n_beta_swapped(phi: Array, m: Array, grad_fn: GradFn, alpha: float, beta: float) -> Any:
    return beta_swapped(phi, m, grad_fn(phi - alpha * beta * m), alpha, beta)


def n_plus_sign(phi: Array, m: Array, grad_fn: GradFn, alpha: float, beta: float) -> Any:
    return plus_sign(phi, m, grad_fn(phi - alpha * beta * m), alpha, beta)


def n_old_m_returned(phi: Array, m: Array, grad_fn: GradFn, alpha: float, beta: float) -> Any:
    return old_m_returned(phi, m, grad_fn(phi - alpha * beta * m), alpha, beta)


def n_swapped_outputs(phi: Array, m: Array, grad_fn: GradFn, alpha: float, beta: float) -> Any:
    return swapped_outputs(phi, m, grad_fn(phi - alpha * beta * m), alpha, beta)


@pytest.mark.parametrize(
    ("student", "mistake", "hint"),
    [
        (at_phi, "gradient_at_phi", "the gradient was taken at phi: that is plain momentum"),
        (slide, "slide_lookahead", "the lecture slide's look-ahead"),
        (slide_by_the_library, "slide_lookahead", 'NesterovMomentum(lookahead="slide")'),
        (ahead_plus, "lookahead_sign", "taken at phi + alpha beta m, behind phi"),
        (ahead_without_alpha, "lookahead_without_alpha", "without the learning rate"),
        (from_ahead, "step_from_lookahead", "phi was stepped from the look-ahead point"),
        (n_no_one_minus_beta, "no_one_minus_beta", "without the factor (1 - beta) on g"),
        (n_old_momentum, "old_momentum", "phi was moved with the old momentum m_t"),
        (n_beta_swapped, "beta_swapped", "beta and 1 - beta are swapped"),
        (n_plus_sign, "sign_error", "phi moved uphill"),
        (n_old_m_returned, "old_m_returned", "the m returned is the old one"),
        (n_swapped_outputs, "outputs_swapped", "return (phi, m), phi first"),
    ],
)
def test_each_usual_nesterov_mistake_fails_with_its_hint(
    student: Any, mistake: str, hint: str
) -> None:
    result = nesterov(student)
    assert not result.passed
    assert result.mistake == mistake
    assert "\nHint: " in result.message
    assert hint in result.message


def test_the_slide_hint_says_how_the_two_look_aheads_differ() -> None:
    message = nesterov(slide).message
    assert "This site looks ahead to phi - alpha beta m" in message
    assert "1 / beta times as far" in message
    assert "the two agree only when m = 0" in message


def test_the_look_ahead_mistakes_only_show_once_m_is_not_zero() -> None:
    # From m = 0 every look-ahead is phi itself: the first case passes, the second fails.
    for student in (at_phi, slide, ahead_plus, ahead_without_alpha, from_ahead):
        message = nesterov(student).message
        assert "from the phi and m != 0 after that first step, alpha = 0.6, beta = 0.9." in message


# ---------------------------------------------------------------------------
# Both: unfinished, junk, warnings, printing


def todo(*args: Any) -> Any:
    raise NotImplementedError


@pytest.mark.parametrize("check", [momentum, nesterov])
def test_an_unfinished_function_is_not_done_yet(check: Callable[[object], CheckResult]) -> None:
    result = check(todo)
    assert not result.passed
    assert "not done yet (it still raises NotImplementedError)" in result.message


@pytest.mark.parametrize("check", [momentum, nesterov])
@pytest.mark.parametrize(
    ("student", "message"),
    [
        (None, "expected a function, got None"),
        ("momentum", "expected a function, got 'momentum'"),
        (lambda *a: None, "should return a tuple of 2 values, but returned None"),
        (lambda *a: a[0], "should return a tuple of 2 values"),
        (lambda *a: (a[0],), "should return a tuple of 2 values"),
        (lambda *a: (a[0], None), "returned None: is a `return` statement missing?"),
        (lambda *a: ("phi", "m"), "returned the string 'phi', not numbers"),
        (lambda *a: (np.zeros(3), np.zeros(3)), "phi has shape (3,), expected shape (2,)"),
        (lambda *a: (np.full(2, np.nan), np.zeros(2)), "returns inf or NaN"),
        (lambda *a: 1 / 0, "raised ZeroDivisionError: division by zero"),
        (lambda *a: ([object()], a[1]), "which is not numbers"),
    ],
)
def test_junk_is_reported_never_raised(
    check: Callable[[object], CheckResult], student: Any, message: str
) -> None:
    result = check(student)
    assert not result.passed
    assert message in result.message


def test_a_grad_fn_called_on_a_wrong_point_is_reported() -> None:
    def wrong_point(phi: Array, m: Array, grad_fn: GradFn, alpha: float, beta: float) -> Any:
        return momentum_textbook(phi, m, grad_fn(phi[:1]), alpha, beta)

    result = nesterov(wrong_point)
    assert not result.passed
    assert result.message.startswith("nesterov_step raised ValueError")


def test_a_warning_fails_and_does_not_leak() -> None:
    def warns(phi: Array, m: Array, g: Array, alpha: float, beta: float) -> Any:
        warnings.warn("careful", RuntimeWarning, stacklevel=1)
        return momentum_textbook(phi, m, g, alpha, beta)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = momentum(warns)
    assert not result.passed
    assert "gives the right numbers but warns (RuntimeWarning: careful)" in result.message


@pytest.mark.parametrize(
    ("checker", "students"),
    [
        (check_momentum_step, [momentum_textbook, old_momentum, None]),
        (check_nesterov_step, [nesterov_textbook, slide, todo]),
    ],
)
def test_the_printed_message_is_the_results_message(
    capsys: pytest.CaptureFixture[str], checker: Callable[..., CheckResult], students: list[Any]
) -> None:
    for student in students:
        result = checker(student)
        assert capsys.readouterr().out == result.message + "\n"
