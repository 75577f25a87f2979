"""Stable-losses checkers: right answers pass, usual mistakes get their hint, junk is reported."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from descend.exercises.losses import check_bce_with_logits, check_sigmoid

Array = np.ndarray[Any, np.dtype[np.float64]]


# ---------------------------------------------------------------- sigmoid: right answers


def stable_sigmoid(z: Array) -> Any:
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def tanh_sigmoid(z: Array) -> Any:
    return 0.5 * (1 + np.tanh(z / 2))


def masked_sigmoid(z: Array) -> Any:
    out = np.empty_like(z)
    positive = z >= 0
    out[positive] = 1 / (1 + np.exp(-z[positive]))
    e = np.exp(z[~positive])
    out[~positive] = e / (1 + e)
    return out


@pytest.mark.parametrize("student", [stable_sigmoid, tanh_sigmoid, masked_sigmoid])
def test_a_correct_sigmoid_passes_however_it_is_written(student: Callable[..., Any]) -> None:
    result = check_sigmoid(student, verbose=False)
    assert result.passed, result.message
    assert result.mistake is None
    assert result.message.startswith("sigmoid: correct on all 4 checks.")


# ---------------------------------------------------------------- sigmoid: usual mistakes


def naive_sigmoid(z: Array) -> Any:
    return 1 / (1 + np.exp(-z))


def where_both_sigmoid(z: Array) -> Any:
    return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))


def mirror_sigmoid(z: Array) -> Any:
    return np.exp(z) / (1 + np.exp(z))


def minus_z_sigmoid(z: Array) -> Any:
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, e / (1 + e), 1 / (1 + e))


@pytest.mark.parametrize(
    ("student", "mistake", "where", "hint"),
    [
        (
            naive_sigmoid,
            "sigmoid_overflow",
            "gives the right numbers but warns (RuntimeWarning: overflow encountered in exp), "
            "on z = [-40, -1000]",
            "Compute e = np.exp(-np.abs(z)) instead",
        ),
        (
            where_both_sigmoid,
            "where_computes_both_branches",
            "gives the right numbers but warns",
            "NumPy computes both a and b for every entry",
        ),
        (
            mirror_sigmoid,
            "exp_z_over_one_plus_exp_z",
            "returns inf or NaN: sigmoid(z)[1] is nan, expected 1.0",
            "inf / inf is NaN",
        ),
        (
            minus_z_sigmoid,
            "sigmoid_of_minus_z",
            "is wrong: sigmoid(z)[0] is 0.952574",
            "this is sig[-z]",
        ),
    ],
)
def test_each_usual_sigmoid_mistake_fails_with_its_hint(
    student: Callable[..., Any], mistake: str, where: str, hint: str
) -> None:
    result = check_sigmoid(student, verbose=False)
    assert not result.passed
    assert result.mistake == mistake, result.message
    assert where in result.message
    assert hint in result.message.split("\nHint: ")[1]


def test_the_overflowing_sigmoid_is_caught_at_z_minus_1000_not_before() -> None:
    result = check_sigmoid(naive_sigmoid, verbose=False)
    first_line = result.message.splitlines()[0]
    assert first_line.endswith("on z = [-40, -1000] (large negative logits).")


# ---------------------------------------------------------------- cross-entropy: right answers


def stable_bce(z: Array, y: Array) -> float:
    return float(np.sum(np.maximum(z, 0) - y * z + np.log1p(np.exp(-np.abs(z)))))


def logaddexp_bce(z: Array, y: Array) -> Any:
    return np.sum(np.logaddexp(0, z) - y * z)


def two_sided_bce(z: Array, y: Array) -> float:
    # -(y log sig(z) + (1 - y) log sig(-z)), with log sig(z) = min(z, 0) - log(1 + exp(-|z|))
    softplus_tail = np.log1p(np.exp(-np.abs(z)))
    log_p = np.minimum(z, 0) - softplus_tail
    log_1_minus_p = np.minimum(-z, 0) - softplus_tail
    return float(-(y @ log_p + (1 - y) @ log_1_minus_p))


@pytest.mark.parametrize("student", [stable_bce, logaddexp_bce, two_sided_bce])
def test_a_correct_bce_passes_however_it_is_written(student: Callable[..., Any]) -> None:
    result = check_bce_with_logits(student, verbose=False)
    assert result.passed, result.message
    assert result.message.startswith("bce_with_logits: correct on all 6 checks.")


# ---------------------------------------------------------------- cross-entropy: usual mistakes


def bce_log_naive_sigmoid(z: Array, y: Array) -> Any:
    p = 1 / (1 + np.exp(-z))
    return -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))


def bce_log_stable_sigmoid(z: Array, y: Array) -> Any:
    p = stable_sigmoid(z)
    return -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))


def bce_log_sigmoid_silenced(z: Array, y: Array) -> Any:
    with np.errstate(all="ignore"):
        return bce_log_naive_sigmoid(z, y)


def bce_log_sigmoid_where(z: Array, y: Array) -> Any:
    p = stable_sigmoid(z)
    with np.errstate(divide="ignore"):
        return np.sum(np.where(y == 1, -np.log(p), -np.log(1 - p)))


def bce_softplus_overflow(z: Array, y: Array) -> Any:
    return np.sum(np.log(1 + np.exp(z)) - y * z)


def bce_where_both(z: Array, y: Array) -> Any:
    softplus = np.where(z > 0, z + np.log1p(np.exp(-z)), np.log1p(np.exp(z)))
    return np.sum(softplus - y * z)


def bce_mean(z: Array, y: Array) -> Any:
    return np.mean(np.logaddexp(0, z) - y * z)


def bce_labels_swapped(z: Array, y: Array) -> Any:
    return np.sum(np.logaddexp(0, z) - (1 - y) * z)


def bce_sign(z: Array, y: Array) -> Any:
    return np.sum(y * z - np.logaddexp(0, z))


def bce_per_entry(z: Array, y: Array) -> Any:
    return np.maximum(z, 0) - y * z + np.log1p(np.exp(-np.abs(z)))


def bce_clipped(z: Array, y: Array) -> Any:
    p = np.clip(1 / (1 + np.exp(-z)), 1e-7, 1 - 1e-7)
    return -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))


def bce_eps_added(z: Array, y: Array) -> Any:
    p = stable_sigmoid(z)
    return -np.sum(y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12))


LOG_HINT = "Never take the log of the sigmoid"


@pytest.mark.parametrize(
    ("student", "mistake", "where", "hint"),
    [
        (
            bce_log_naive_sigmoid,
            "log_of_sigmoid",
            "returns inf or NaN: the loss is inf, expected 1000.0, on z = [-1000] with y = [1]",
            LOG_HINT,
        ),
        (bce_log_stable_sigmoid, "log_of_sigmoid", "the loss is inf", LOG_HINT),
        (bce_log_sigmoid_silenced, "log_of_sigmoid", "the loss is inf", LOG_HINT),
        (bce_log_sigmoid_where, "log_of_sigmoid", "the loss is inf", LOG_HINT),
        (
            bce_softplus_overflow,
            "softplus_overflow",
            "the loss is inf, expected 1000.0, on z = [1000] with y = [0]",
            "exp(z) overflows for z > 709.78",
        ),
        (
            bce_where_both,
            "where_computes_both_branches",
            "gives the right numbers but warns",
            "NumPy computes both a and b",
        ),
        (
            bce_mean,
            "mean_not_sum",
            "the loss is 1.195691857132133, expected 7.174151142792798",
            "np.sum, not np.mean",
        ),
        (bce_labels_swapped, "labels_swapped", "is wrong", "the labels swapped"),
        (bce_sign, "sign", "the loss is -7.17415114279", "has a minus in"),
        (bce_per_entry, "no_sum", "the loss has shape (6,), expected shape ()", "their sum"),
        (bce_clipped, "clipped_probabilities", "expected 1000.0", "costs 1000, not"),
        (bce_eps_added, "clipped_probabilities", "expected 1000.0", "costs 1000, not"),
    ],
)
def test_each_usual_bce_mistake_fails_with_its_hint(
    student: Callable[..., Any], mistake: str, where: str, hint: str
) -> None:
    result = check_bce_with_logits(student, verbose=False)
    assert not result.passed
    assert result.mistake == mistake, result.message
    assert where in result.message
    assert hint in result.message.split("\nHint: ")[1]


# ---------------------------------------------------------------- junk, unfinished, printing


def not_done(*args: Any) -> Any:
    raise NotImplementedError


def raises(*args: Any) -> Any:
    return args[0][10]  # IndexError


CHECKERS = [(check_sigmoid, "sigmoid"), (check_bce_with_logits, "bce_with_logits")]


@pytest.mark.parametrize(("check", "name"), CHECKERS)
def test_an_unfinished_function_is_not_done_yet(check: Callable[..., Any], name: str) -> None:
    result = check(not_done, verbose=False)
    assert not result.passed
    assert result.message.startswith(f"{name}: not done yet")


@pytest.mark.parametrize(("check", "name"), CHECKERS)
@pytest.mark.parametrize(
    ("student", "says"),
    [
        (None, "expected a function, got None"),
        (lambda *a: None, "returned None: is a `return` statement missing?"),
        (lambda *a: "0.5", "returned the string '0.5', not numbers"),
        (lambda *a: np.zeros((2, 2)), "has shape (2, 2), expected shape"),
        (lambda *a: np.full_like(a[0], np.nan), "returns inf or NaN"),
        (raises, "raised IndexError"),
        (lambda *a: {"z": 1}, "which is not numbers"),
    ],
)
def test_junk_is_reported_never_raised(
    check: Callable[..., Any], name: str, student: Any, says: str
) -> None:
    result = check(student, verbose=False)
    assert not result.passed
    assert says in result.message


def test_a_nan_loss_is_reported() -> None:
    result = check_bce_with_logits(lambda z, y: np.nan, verbose=False)
    assert not result.passed
    assert "returns inf or NaN: the loss is nan, expected 7.17415114279" in result.message


@pytest.mark.parametrize(
    ("check", "student"),
    [
        (check_sigmoid, stable_sigmoid),
        (check_sigmoid, naive_sigmoid),
        (check_bce_with_logits, stable_bce),
        (check_bce_with_logits, bce_log_naive_sigmoid),
        (check_bce_with_logits, not_done),
    ],
)
def test_the_printed_message_is_the_results_message(
    check: Callable[..., Any], student: Callable[..., Any], capsys: pytest.CaptureFixture[str]
) -> None:
    result = check(student)
    assert capsys.readouterr().out == result.message + "\n"
    check(student, verbose=False)
    assert capsys.readouterr().out == ""
