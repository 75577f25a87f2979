"""The machinery every checker shares: call the student's function safely, compare, explain.

A checker runs the student's function on a list of :class:`Case` s, compares
each answer with the library's, and stops at the first case that differs.
When the answer matches one of the usual :class:`Mistake` s (a known wrong
implementation run on the same case), the message names it. Nothing the
student's function does (raise, warn, return junk) escapes the checker: the
outcome is always a :class:`CheckResult`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["Case", "CheckResult", "Mistake", "run_checks"]

#: Answers within this relative tolerance of the library's count as equal
#: (float64 round-off from another order of operations is fine).
RTOL = 1e-9
#: ... and within this absolute tolerance, relative to the largest expected entry.
ATOL = 1e-12


@dataclass(frozen=True)
class CheckResult:
    """What a checker found: ``passed`` and a ``message`` a student can act on.

    ``bool(result)`` is ``result.passed``, so ``if check_sigmoid(sigmoid):``
    reads naturally in a notebook.
    """

    passed: bool
    message: str
    #: The name of the usual mistake the answer matched, if any (for autograders).
    mistake: str | None = None

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Case:
    """One input to try: a label saying what it is, and the arguments."""

    label: str
    args: tuple[Any, ...]
    #: Keyword arguments, if the exercise's signature has any.
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Mistake:
    """A usual mistake: its name, a wrong implementation that makes it, and a hint."""

    name: str
    wrong: Callable[..., Any]
    hint: str


@dataclass(frozen=True)
class Answers:
    """How a checker reads, compares and describes one kind of answer.

    ``read`` turns a returned value into something comparable or raises
    :class:`JunkError` saying what is wrong; ``same`` and ``difference``
    compare two read answers; ``kind`` names them in messages ("numbers").
    """

    read: Callable[[Any], Any]
    same: Callable[[Any, Any], bool]
    difference: Callable[[Any, Any], str]
    kind: str


class JunkError(Exception):
    """The student's answer cannot be compared (wrong type, shape, NaN...)."""


def _call(function: Callable[..., Any], case: Case) -> tuple[Any, list[str]]:
    """Call ``function`` on copies of the case's arguments; return the answer and any warnings."""
    args = tuple(a.copy() if isinstance(a, np.ndarray) else a for a in case.args)
    with (
        warnings.catch_warnings(record=True) as caught,
        np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"),
    ):
        warnings.simplefilter("always")
        answer = function(*args, **case.kwargs)
    return answer, [f"{w.category.__name__}: {w.message}" for w in caught]


def _as_arrays(answer: Any, n_outputs: int) -> list[np.ndarray]:
    """The answer as ``n_outputs`` float arrays, or :class:`JunkError` saying what is wrong."""
    parts = answer if n_outputs > 1 else (answer,)
    if n_outputs > 1 and (not isinstance(parts, tuple | list) or len(parts) != n_outputs):
        raise JunkError(
            f"should return a tuple of {n_outputs} values, but returned {_show(answer)}"
        )
    arrays = []
    for part in parts:
        if part is None:
            raise JunkError("returned None: is a `return` statement missing?")
        if isinstance(part, str | bytes):
            raise JunkError(f"returned the string {part!r}, not numbers")
        try:
            arrays.append(np.asarray(part, dtype=np.float64))
        except (TypeError, ValueError):
            raise JunkError(f"returned {_show(part)}, which is not numbers") from None
    return arrays


def _show(value: Any) -> str:
    """A short printable form of any value."""
    if isinstance(value, np.ndarray):
        with np.printoptions(precision=6, threshold=8, edgeitems=3):
            return np.array2string(value, separator=", ")
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _scale(e: np.ndarray) -> float:
    """The largest finite ``|e|``, at least 1: an ``inf`` entry must not make ``atol`` infinite."""
    e = np.asarray(e)
    return max(1.0, float(np.max(np.abs(e[np.isfinite(e)]), initial=0)))


def _same(expected: list[np.ndarray], got: list[np.ndarray]) -> bool:
    """Same shapes, ``inf``/``NaN`` in the same places, and the finite entries close."""
    return all(
        e.shape == g.shape
        and bool(np.all(np.isfinite(g) == np.isfinite(e)))
        and np.allclose(g, e, rtol=RTOL, atol=ATOL * _scale(e), equal_nan=True)
        for e, g in zip(expected, got, strict=True)
    )


def _first_difference(
    names: Sequence[str], expected: list[np.ndarray], got: list[np.ndarray]
) -> str:
    """Say where the answer first differs from the expected one."""
    for name, e, g in zip(names, expected, got, strict=True):
        if e.shape != g.shape:
            return f"{name} has shape {g.shape}, expected shape {e.shape}"
        if e.ndim == 0:
            if not _same([e], [g]):
                return f"{name} is {_show(g.item())}, expected {_show(e.item())}"
            continue
        for index in np.ndindex(e.shape):
            if not _same([e[index]], [g[index]]):
                where = index[0] if len(index) == 1 else index
                return (
                    f"{name}[{where}] is {_show(g[index].item())}, expected "
                    f"{_show(e[index].item())} (all of {name}: {_show(g)}, expected {_show(e)})"
                )
    return "the answers differ"


def _matching_mistake(
    mistakes: Sequence[Mistake], case: Case, got: Any, warned: bool, answers: Answers
) -> Mistake | None:
    """The first usual mistake whose wrong answer (and warnings) the student's answer matches."""
    for mistake in mistakes:
        try:
            answer, warns = _call(mistake.wrong, case)
            wrong = answers.read(answer)
        except Exception:  # a mistake that cannot run on this case cannot match it
            continue
        if bool(warns) == warned and answers.same(wrong, got):
            return mistake
    return None


def run_checks(
    name: str,
    student: object,
    reference: Callable[..., Any],
    cases: Sequence[Case],
    mistakes: Sequence[Mistake] = (),
    *,
    outputs: Sequence[str] = ("the result",),
    success: str = "",
    verbose: bool = True,
) -> CheckResult:
    """Compare ``student`` with ``reference`` on every case; print and return the verdict.

    Parameters
    ----------
    name
        The function's name as the student wrote it, e.g. ``"momentum_step"``.
    student
        The student's function.
    reference
        The correct implementation (the library's rule), same signature.
    cases
        Inputs to try, in order: the textbook's data first, then the edge cases
        where the usual mistakes show.
    mistakes
        Known wrong implementations with their hints, tried in order on the
        first failing case.
    outputs
        Names of the returned values, e.g. ``("phi", "m")``; one name means
        one returned value.
    success
        A sentence added to the message when every case passes.
    verbose
        Print the message (as a notebook wants); the result holds it either way.
    """
    n = len(outputs)
    answers = Answers(
        read=lambda answer: _as_arrays(answer, n),
        same=_same,
        difference=lambda expected, got: _first_difference(outputs, expected, got),
        kind="numbers",
    )
    result = verdict(name, student, reference, cases, mistakes, answers, success)
    if verbose:
        print(result.message)
    return result


def verdict(
    name: str,
    student: object,
    reference: Callable[..., Any],
    cases: Sequence[Case],
    mistakes: Sequence[Mistake],
    answers: Answers,
    success: str,
) -> CheckResult:
    """Compare ``student`` with ``reference`` on every case (as :func:`run_checks`, silent)."""
    if not callable(student):
        return CheckResult(False, f"{name}: expected a function, got {_show(student)}")
    for case in cases:
        expected = answers.read(_call(reference, case)[0])
        try:
            answer, warns = _call(student, case)
        except NotImplementedError:
            return CheckResult(
                False, f"{name}: not done yet (it still raises NotImplementedError): "
                "write its body, then run this check again."
            )  # fmt: skip
        except Exception as err:  # the student's code failed: report, never raise
            return CheckResult(
                False, f"{name} raised {type(err).__name__}: {err} (on {case.label})"
            )
        try:
            got = answers.read(answer)
        except JunkError as junk:
            return CheckResult(False, f"{name} {junk} (on {case.label})")
        if answers.same(expected, got) and not warns:
            continue
        mistake = _matching_mistake(mistakes, case, got, bool(warns), answers)
        if answers.same(expected, got):
            kind = answers.kind
            problem = f"gives the right {kind} but warns ({'; '.join(sorted(set(warns)))})"
        elif not all(np.all(np.isfinite(g)) for g in got) and all(
            np.all(np.isfinite(e)) for e in expected
        ):
            problem = f"returns inf or NaN: {answers.difference(expected, got)}"
        else:
            problem = f"is wrong: {answers.difference(expected, got)}"
        message = f"{name} {problem}, on {case.label}."
        if mistake is not None:
            message += f"\nHint: {mistake.hint}"
        return CheckResult(False, message, None if mistake is None else mistake.name)
    tail = f" {success}" if success else ""
    return CheckResult(True, f"{name}: correct on all {len(cases)} checks.{tail}")
