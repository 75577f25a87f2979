"""Gradient checkers: right answers pass, usual mistakes get their hint, junk is reported."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from descend.exercises.gradients import check_gabor_gradient, check_linear_gradient

Array = np.ndarray[Any, np.dtype[np.float64]]


# ---------------------------------------------------------------- linear: right answers


def linear_sums(phi: Array, x: Array, y: Array) -> Any:
    r = phi[0] + phi[1] * x - y
    return [np.sum(2 * r), np.sum(2 * x * r)]


def linear_matrix(phi: Array, x: Array, y: Array) -> Any:
    X = np.column_stack([np.ones_like(x), x])
    return 2 * X.T @ (X @ phi - y)


def linear_loop(phi: Array, x: Array, y: Array) -> Any:
    d0 = d1 = 0.0
    for xi, yi in zip(x, y, strict=True):
        d0 += 2 * (phi[0] + phi[1] * xi - yi)
        d1 += 2 * xi * (phi[0] + phi[1] * xi - yi)
    return (d0, d1)


@pytest.mark.parametrize("student", [linear_sums, linear_matrix, linear_loop])
def test_a_correct_linear_gradient_passes_however_it_is_written(
    student: Callable[..., Any],
) -> None:
    result = check_linear_gradient(student, verbose=False)
    assert result.passed, result.message
    assert result.message == (
        "linear_gradient: correct on all 5 checks. Gradient descent can use it now."
    )


# ---------------------------------------------------------------- linear: usual mistakes


def linear_no_2(phi: Array, x: Array, y: Array) -> Any:
    r = phi[0] + phi[1] * x - y
    return [np.sum(r), np.sum(x * r)]


def linear_no_x(phi: Array, x: Array, y: Array) -> Any:
    r = phi[0] + phi[1] * x - y
    return np.array([2 * r.sum(), 2 * r.sum()])


def linear_no_2_no_x(phi: Array, x: Array, y: Array) -> Any:
    r = phi[0] + phi[1] * x - y
    return [r.sum(), r.sum()]


def linear_sign(phi: Array, x: Array, y: Array) -> Any:
    r = y - phi[0] - phi[1] * x
    return [np.sum(2 * r), np.sum(2 * x * r)]


def linear_mean(phi: Array, x: Array, y: Array) -> Any:
    r = phi[0] + phi[1] * x - y
    return [np.mean(2 * r), np.mean(2 * x * r)]


def linear_swapped(phi: Array, x: Array, y: Array) -> Any:
    r = phi[0] + phi[1] * x - y
    return [np.sum(2 * x * r), np.sum(2 * r)]


def linear_per_example(phi: Array, x: Array, y: Array) -> Any:
    r = phi[0] + phi[1] * x - y
    return np.array([2 * r, 2 * x * r])


def linear_loss(phi: Array, x: Array, y: Array) -> Any:
    return np.sum((phi[0] + phi[1] * x - y) ** 2)


CHECK_POINT = "on the textbook's linear data at phi = (0.6, -0.2)."


@pytest.mark.parametrize(
    ("student", "mistake", "hint"),
    [
        (linear_no_2, "missing_factor_2", "half the right value"),
        (linear_no_x, "missing_x", "dL/dphi1 is missing the x_i"),
        (linear_no_2_no_x, "missing_factor_2_and_x", "the factor 2"),
        (linear_sign, "residual_sign", "the wrong sign"),
        (linear_mean, "mean_not_sum", "not the mean"),
        (linear_swapped, "swapped", "the two components are swapped"),
        (linear_per_example, "no_sum", "the gradients of the single examples"),
        (linear_loss, "loss_not_gradient", "this is the loss L itself"),
    ],
)
def test_each_usual_linear_mistake_fails_with_its_hint_at_the_check_point(
    student: Callable[..., Any], mistake: str, hint: str
) -> None:
    result = check_linear_gradient(student, verbose=False)
    assert not result.passed
    assert result.mistake == mistake, result.message
    first_line, hint_line = result.message.split("\nHint: ")
    assert first_line.endswith(CHECK_POINT)
    assert hint in hint_line


def test_the_message_says_which_component_differs_and_what_was_expected() -> None:
    result = check_linear_gradient(linear_no_x, verbose=False)
    assert result.message.startswith("linear_gradient is wrong: the gradient[1] is ")
    assert ", expected " in result.message


def test_a_gradient_that_only_fails_for_negative_inputs_is_caught() -> None:
    def abs_x(phi: Array, x: Array, y: Array) -> Any:
        r = phi[0] + phi[1] * x - y
        return [np.sum(2 * r), np.sum(2 * np.abs(x) * r)]

    result = check_linear_gradient(abs_x, verbose=False)
    assert not result.passed
    assert "(negative and zero inputs)" in result.message


# ---------------------------------------------------------------- Gabor: right answers


def gabor_sums(phi: Array, x: Array, y: Array) -> Any:
    z = phi[0] + 0.06 * phi[1] * x
    envelope = np.exp(-(z**2) / 32)
    r = np.sin(z) * envelope - y
    df_dz = envelope * (np.cos(z) - 2 * z * np.sin(z) / 32)
    return [np.sum(2 * r * df_dz), np.sum(2 * r * df_dz * 0.06 * x)]


def gabor_jacobian(phi: Array, x: Array, y: Array) -> Any:
    z = phi[0] + 0.06 * phi[1] * x
    f = np.sin(z) * np.exp(-z * z / 32.0)
    df_dz = np.cos(z) * np.exp(-z * z / 32.0) + np.sin(z) * np.exp(-z * z / 32.0) * (-z / 16.0)
    J = np.column_stack([df_dz, df_dz * 0.06 * x])  # df_i / dphi_j
    return 2 * (f - y) @ J


@pytest.mark.parametrize("student", [gabor_sums, gabor_jacobian])
def test_a_correct_gabor_gradient_passes_however_it_is_written(
    student: Callable[..., Any],
) -> None:
    result = check_gabor_gradient(student, verbose=False)
    assert result.passed, result.message
    assert result.message == (
        "gabor_gradient: correct on all 6 checks. Gradient descent can use it now."
    )


# ---------------------------------------------------------------- Gabor: usual mistakes


def gabor(
    *,
    e: float = 32.0,
    e_derivative: float | None = None,
    chain: float = 0.06,
    use_x: bool = True,
    of_model: bool = False,
    factor: float = 2.0,
    envelope_term: float | None = 2.0,
    mean: bool = False,
    swap: bool = False,
) -> Callable[..., Any]:
    """A student's Gabor gradient, with one thing changed."""

    def student(phi: Array, x: Array, y: Array) -> Any:
        z = phi[0] + 0.06 * phi[1] * x
        f = np.sin(z) * np.exp(-(z**2) / e)
        e_d = e if e_derivative is None else e_derivative
        df_dz = np.exp(-(z**2) / e_d) * np.cos(z)
        if envelope_term is not None:
            df_dz -= np.exp(-(z**2) / e_d) * envelope_term * z * np.sin(z) / e_d
        outer = np.ones_like(z) if of_model else factor * (f - y)
        dz_dphi1 = chain * x if use_x else chain * np.ones_like(x)
        reduce = np.mean if mean else np.sum
        g = [reduce(outer * df_dz), reduce(outer * df_dz * dz_dphi1)]
        return g[::-1] if swap else g

    return student


@pytest.mark.parametrize(
    ("student", "mistake", "hint"),
    [
        (gabor(e=8.0), "slide_envelope_8", "the slide's envelope exp(-z^2 / 8)"),
        (gabor(e_derivative=8.0), "slide_envelope_8", "E = 32 in the model"),
        (gabor(e=8.0, e_derivative=32.0), "slide_envelope_8", "E = 32 in the model"),
        (gabor(chain=1.0), "missing_chain_factor_0.06", "missing the factor 0.06"),
        (gabor(use_x=False), "missing_x", "dL/dphi1 is missing the x_i"),
        (gabor(of_model=True), "gradient_of_model", "the derivative of the model"),
        (gabor(factor=1.0), "missing_factor_2", "half the right value"),
        (gabor(factor=-2.0), "residual_sign", "the wrong sign"),
        (gabor(envelope_term=None), "product_rule", "(product rule)"),
        (gabor(envelope_term=-2.0), "envelope_derivative", "-(2 z / 32)"),
        (gabor(envelope_term=1.0), "envelope_derivative", "-(2 z / 32)"),
        (gabor(mean=True), "mean_not_sum", "not the mean"),
        (gabor(swap=True), "swapped", "the two components are swapped"),
    ],
)
def test_each_usual_gabor_mistake_fails_with_its_hint_at_the_check_point(
    student: Callable[..., Any], mistake: str, hint: str
) -> None:
    result = check_gabor_gradient(student, verbose=False)
    assert not result.passed
    assert result.mistake == mistake, result.message
    first_line, hint_line = result.message.split("\nHint: ")
    assert first_line.endswith("on the textbook's Gabor data at phi = (0.6, -0.2).")
    assert hint in hint_line


def test_the_unchanged_gabor_helper_is_correct() -> None:
    """The mistakes above are one change away from a right answer."""
    assert check_gabor_gradient(gabor(), verbose=False).passed


# ---------------------------------------------------------------- junk, unfinished, printing


def not_done(phi: Array, x: Array, y: Array) -> Any:
    raise NotImplementedError


CHECKERS = [
    (check_linear_gradient, "linear_gradient"),
    (check_gabor_gradient, "gabor_gradient"),
]


@pytest.mark.parametrize(("check", "name"), CHECKERS)
def test_an_unfinished_function_is_not_done_yet(check: Callable[..., Any], name: str) -> None:
    result = check(not_done, verbose=False)
    assert not result.passed
    assert result.message.startswith(f"{name}: not done yet")


@pytest.mark.parametrize(("check", "name"), CHECKERS)
@pytest.mark.parametrize(
    ("student", "says"),
    [
        (42, "expected a function, got 42"),
        (lambda phi, x, y: None, "returned None: is a `return` statement missing?"),
        (lambda phi, x, y: "[1, 2]", "returned the string '[1, 2]', not numbers"),
        (lambda phi, x, y: np.zeros(3), "the gradient has shape (3,), expected shape (2,)"),
        (lambda phi, x, y: 1.5, "the gradient has shape (), expected shape (2,)"),
        (lambda phi, x, y: [np.nan, 0.0], "returns inf or NaN: the gradient[0] is nan"),
        (lambda phi, x, y: phi[2], "raised IndexError"),
        (lambda phi: phi, "raised TypeError"),
        (lambda phi, x, y: [[1.0], 2.0], "which is not numbers"),
    ],
)
def test_junk_is_reported_never_raised(
    check: Callable[..., Any], name: str, student: Any, says: str
) -> None:
    result = check(student, verbose=False)
    assert not result.passed
    assert says in result.message


@pytest.mark.parametrize(
    ("check", "student"),
    [
        (check_linear_gradient, linear_sums),
        (check_linear_gradient, linear_no_2),
        (check_gabor_gradient, gabor_sums),
        (check_gabor_gradient, gabor(e=8.0)),
        (check_gabor_gradient, not_done),
    ],
)
def test_the_printed_message_is_the_results_message(
    check: Callable[..., Any], student: Callable[..., Any], capsys: pytest.CaptureFixture[str]
) -> None:
    result = check(student)
    assert capsys.readouterr().out == result.message + "\n"
    check(student, verbose=False)
    assert capsys.readouterr().out == ""


def test_the_students_arguments_are_copies() -> None:
    def modifies(phi: Array, x: Array, y: Array) -> Any:
        grad = linear_sums(phi, x, y)
        x[:] = 0.0
        phi[:] = 0.0
        return grad

    assert check_linear_gradient(modifies, verbose=False).passed
