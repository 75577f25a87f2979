"""The checkers' core: never raises, says where an answer differs, names a matching mistake."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

from descend.exercises import Case, CheckResult, Mistake, run_checks
from descend.models import sigmoid


def naive(z: np.ndarray) -> np.ndarray:
    p: np.ndarray = 1 / (1 + np.exp(-z))
    return p


CASES = [
    Case("z = [-2, 0, 3]", (np.array([-2.0, 0.0, 3.0]),)),
    Case("z = -1000", (np.array([-1000.0]),)),
]
MISTAKES = [Mistake("overflow", naive, "exp(-z) overflows: use exp(-|z|)")]


def check(student: object) -> CheckResult:
    return run_checks("sigmoid", student, sigmoid, CASES, MISTAKES, verbose=False)


def test_a_correct_function_passes_even_if_written_differently() -> None:
    def tanh_form(z: np.ndarray) -> np.ndarray:
        return 0.5 * (1 + np.tanh(z / 2))

    result = check(tanh_form)
    assert result.passed
    assert bool(result)
    assert result.message == "sigmoid: correct on all 2 checks."


def test_a_usual_mistake_is_named_with_its_hint() -> None:
    result = check(naive)
    assert not result.passed
    assert result.mistake == "overflow"
    assert "warns (RuntimeWarning: overflow encountered in exp), on z = -1000." in result.message
    assert "Hint: exp(-z) overflows: use exp(-|z|)" in result.message


def test_a_wrong_answer_says_where_it_first_differs() -> None:
    result = check(lambda z: np.where(z > 2, 0.0, sigmoid(z)))
    assert not result.passed
    assert result.mistake is None
    assert "the result[2] is 0.0, expected 0.952574" in result.message
    assert "Hint" not in result.message


@pytest.mark.parametrize(
    ("student", "message"),
    [
        (None, "sigmoid: expected a function, got None"),
        (lambda z: None, "returned None: is a `return` statement missing?"),
        (lambda z: "0.5", "returned the string '0.5', not numbers"),
        (lambda z: np.zeros(2), "the result has shape (2,), expected shape (3,)"),
        (lambda z: np.full(3, np.nan), "returns inf or NaN"),
        (lambda z: 1 / 0, "sigmoid raised ZeroDivisionError: division by zero"),
        (lambda z: [object()], "which is not numbers"),
    ],
)
def test_junk_is_reported_never_raised(student: Any, message: str) -> None:
    result = check(student)
    assert not result.passed
    assert message in result.message


def test_an_unfinished_function_is_not_done_yet() -> None:
    def sigmoid_todo(z: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    result = check(sigmoid_todo)
    assert not result.passed
    assert result.message.startswith("sigmoid: not done yet")


def test_the_students_arguments_are_copies() -> None:
    def in_place(z: np.ndarray) -> np.ndarray:
        z[:] = sigmoid(z)
        return z

    assert check(in_place).passed
    assert CASES[0].args[0].tolist() == [-2.0, 0.0, 3.0]


def test_the_message_is_printed_and_no_warning_escapes(capsys: pytest.CaptureFixture[str]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = run_checks("sigmoid", naive, sigmoid, CASES, MISTAKES)
    assert capsys.readouterr().out == result.message + "\n"
