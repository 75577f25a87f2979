"""check_epoch_batches: right batches pass, the usual mistakes get their hint, junk is reported."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from descend.exercises import CheckResult
from descend.exercises.batches import _reference, check_epoch_batches
from descend.minibatches import minibatches

Batches = Callable[[np.ndarray, int], Any]


def check(student: object) -> CheckResult:
    return check_epoch_batches(student, verbose=False)


# Right answers, written in different ways.


def by_slices(permutation: np.ndarray, batch_size: int) -> list[np.ndarray]:
    n = len(permutation)
    return [permutation[s : s + batch_size] for s in range(0, n, batch_size)]


def by_np_split(permutation: np.ndarray, batch_size: int) -> list[np.ndarray]:
    return np.split(permutation, range(batch_size, len(permutation), batch_size))


def by_lists(permutation: np.ndarray, batch_size: int) -> tuple[list[int], ...]:
    batches: list[list[int]] = [[]]
    for i in permutation.tolist():
        if len(batches[-1]) == batch_size:
            batches.append([])
        batches[-1].append(i)
    return tuple(batches)


def by_ceil_count(permutation: np.ndarray, batch_size: int) -> list[np.ndarray]:
    k = int(np.ceil(len(permutation) / batch_size))
    return [permutation[j * batch_size : (j + 1) * batch_size] for j in range(k)]


@pytest.mark.parametrize("student", [by_slices, by_np_split, by_lists, by_ceil_count])
def test_a_correct_function_passes_however_it_is_written(student: Batches) -> None:
    result = check(student)
    assert result.passed, result.message
    assert result.mistake is None
    assert result.message.startswith("epoch_batches: correct on all 6 checks.")


def test_the_reference_is_the_librarys_table() -> None:
    batches = _reference(np.random.RandomState(42).permutation(30), 5)
    library = minibatches(30, 5, rng=np.random.RandomState(42), reshuffle=False)
    assert [b.tolist() for b in batches] == [b.indices.tolist() for b in library]
    assert batches[0].tolist() == [27, 15, 23, 17, 8]


def test_a_short_last_batch_is_kept_by_the_reference() -> None:
    batches = _reference(np.arange(23), 5)
    assert [len(b) for b in batches] == [5, 5, 5, 5, 3]
    assert [len(b) for b in _reference(np.arange(7), 12)] == [7]


# The usual mistakes, written as a student would.


def drops_last(permutation: np.ndarray, batch_size: int) -> list[np.ndarray]:
    return [
        permutation[k * batch_size : (k + 1) * batch_size]
        for k in range(len(permutation) // batch_size)
    ]


def positions(permutation: np.ndarray, batch_size: int) -> list[np.ndarray]:
    n = len(permutation)
    return [np.arange(s, min(s + batch_size, n)) for s in range(0, n, batch_size)]


def positions_as_ranges(permutation: np.ndarray, batch_size: int) -> list[list[int]]:
    n = len(permutation)
    return [list(range(s, min(s + batch_size, n))) for s in range(0, n, batch_size)]


def empty_last(permutation: np.ndarray, batch_size: int) -> list[np.ndarray]:
    n_batches = len(permutation) // batch_size + 1
    return [permutation[k * batch_size : (k + 1) * batch_size] for k in range(n_batches)]


def array_split_ceil(permutation: np.ndarray, batch_size: int) -> list[np.ndarray]:
    return np.array_split(permutation, int(np.ceil(len(permutation) / batch_size)))


def array_split_floor(permutation: np.ndarray, batch_size: int) -> list[np.ndarray]:
    return np.array_split(permutation, max(1, len(permutation) // batch_size))


def sliding(permutation: np.ndarray, batch_size: int) -> list[np.ndarray]:
    return [permutation[i : i + batch_size] for i in range(len(permutation))]


def sorts(permutation: np.ndarray, batch_size: int) -> list[list[int]]:
    n = len(permutation)
    return [sorted(permutation[s : s + batch_size].tolist()) for s in range(0, n, batch_size)]


def pads(permutation: np.ndarray, batch_size: int) -> list[np.ndarray]:
    n = len(permutation)
    batches = []
    for s in range(0, n, batch_size):
        batch = permutation[s : s + batch_size]
        if len(batch) < batch_size:
            batch = np.concatenate([batch, permutation[: batch_size - len(batch)]])
        batches.append(batch)
    return batches


@pytest.mark.parametrize(
    ("student", "mistake", "hint"),
    [
        (drops_last, "dropped_last_batch", "the last, shorter batch is missing"),
        (positions, "positions_not_indices", "these are positions in the permutation"),
        (positions_as_ranges, "positions_not_indices", "permutation[start:start + batch_size]"),
        (empty_last, "empty_last_batch", "there is an extra, empty batch at the end"),
        (array_split_ceil, "even_split", "np.array_split(permutation, k) spreads"),
        (array_split_floor, "even_split", "np.array_split(permutation, k) spreads"),
        (sliding, "overlapping_batches", "consecutive batches overlap"),
        (sorts, "sorted_batches", "keep them in the permutation's order"),
        (pads, "padded_last_batch", "filled up to batch_size"),
    ],
)
def test_each_usual_mistake_fails_with_its_hint(student: Batches, mistake: str, hint: str) -> None:
    result = check(student)
    assert not result.passed
    assert result.mistake == mistake
    assert "\nHint: " in result.message
    assert hint in result.message


def test_the_message_says_where_the_batches_first_differ() -> None:
    result = check(drops_last)
    assert (
        "it returned 4 batches of sizes [5, 5, 5, 5], expected 5 batches of sizes "
        "[5, 5, 5, 5, 3], on a permutation of 23 examples" in result.message
    )
    result = check(positions)
    assert "batch 0 is [0 1 2 3 4], expected [27 15 23 17 8], on the lecture's table" in (
        result.message
    )


def test_an_unknown_mistake_says_where_but_gives_no_hint() -> None:
    def reversed_batches(permutation: np.ndarray, batch_size: int) -> list[np.ndarray]:
        return by_slices(permutation, batch_size)[::-1]

    result = check(reversed_batches)
    assert not result.passed
    assert result.mistake is None
    assert "Hint" not in result.message
    assert "batch 0 is [7 10 14 19 6], expected [27 15 23 17 8]" in result.message


def test_an_unfinished_function_is_not_done_yet() -> None:
    def epoch_batches(permutation: np.ndarray, batch_size: int) -> list[np.ndarray]:
        raise NotImplementedError

    result = check(epoch_batches)
    assert not result.passed
    assert result.message.startswith("epoch_batches: not done yet")


def returns_generator(permutation: np.ndarray, batch_size: int) -> Any:
    return (permutation[s : s + batch_size] for s in range(0, len(permutation), batch_size))


@pytest.mark.parametrize(
    ("student", "message"),
    [
        (None, "epoch_batches: expected a function, got None"),
        (lambda p, b: None, "returned None: is a `return` statement missing?"),
        (lambda p, b: "batches", "returned the string 'batches'"),
        (lambda p, b: 5, "returned 5 of type int, not a list of index arrays"),
        (returns_generator, "of type generator, not a list"),
        (lambda p, b: p.reshape(-1, b), "returned one array of shape (6, 5)"),
        (lambda p, b: [p.reshape(-1, b)], "this one has shape (6, 5)"),
        (lambda p, b: list(p), "as batch 0: each batch should be a 1-D array"),
        (lambda p, b: [None], "returned None as batch 0"),
        (lambda p, b: [[object()]], "of dtype object: indices must be integers"),
        (lambda p, b: [[1, [2]]], "as batch 0, not an array of indices"),
        (lambda p, b: [p[:b].astype(float)], "of dtype float64: indices must be integers"),
        (lambda p, b: [np.full(b, np.nan)], "indices must be integers"),
        (lambda p, b: [p < b], "returned a boolean mask as batch 0"),
        (lambda p, b: p[100], "epoch_batches raised IndexError"),
    ],
)
def test_junk_is_reported_never_raised(student: Any, message: str) -> None:
    result = check(student)
    assert not result.passed
    assert message in result.message
    assert result.mistake is None


def test_a_generator_gets_told_to_wrap_it_in_list() -> None:
    assert "wrap it in list(...)" in check(returns_generator).message


def test_a_warning_fails_and_does_not_leak() -> None:
    def warns(permutation: np.ndarray, batch_size: int) -> list[np.ndarray]:
        warnings.warn("careful", RuntimeWarning, stacklevel=1)
        return by_slices(permutation, batch_size)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = check(warns)
    assert not result.passed
    assert "gives the right batches but warns (RuntimeWarning: careful)" in result.message


def test_the_students_permutation_is_a_copy() -> None:
    def shuffles_in_place(permutation: np.ndarray, batch_size: int) -> list[np.ndarray]:
        batches = [b.copy() for b in by_slices(permutation, batch_size)]
        permutation.sort()
        return batches

    assert check(shuffles_in_place).passed


def test_the_printed_message_is_the_results_message(capsys: pytest.CaptureFixture[str]) -> None:
    for student in (by_slices, drops_last, None):
        result = check_epoch_batches(student)
        assert capsys.readouterr().out == result.message + "\n"
