from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from descend.minibatches import (
    Batch,
    batch_table,
    batches_per_epoch,
    format_batch,
    minibatches,
)

LECTURE_BATCHES = [
    [27, 15, 23, 17, 8],
    [9, 28, 24, 12, 0],
    [4, 16, 5, 13, 11],
    [22, 1, 2, 25, 3],
    [21, 26, 18, 29, 20],
    [7, 10, 14, 19, 6],
]

sizes = st.integers(1, 60)
seeds = st.integers(0, 2**32 - 1)


def test_lecture_table() -> None:
    batches = list(minibatches(30, 5, epochs=2, rng=np.random.RandomState(42), reshuffle=False))
    assert len(batches) == 12
    for b in batches:
        assert b.step == 6 * b.epoch + b.batch
        assert b.batch_range.tolist() == list(range(5 * b.batch, 5 * b.batch + 5))
        assert b.indices.tolist() == LECTURE_BATCHES[b.batch]


def test_lecture_lines() -> None:
    table = batch_table(30, 5, epochs=2, rng=np.random.RandomState(42), reshuffle=False)
    lines = table.splitlines()
    assert lines[0] == "Epoch # 0-----"
    assert lines[1] == ("Step 0, Batch # 0, Batch Range [0 1 2 3 4], Batch index: [27 15 23 17 8]")
    assert lines[7] == "Epoch # 1-----"
    assert lines[8] == ("Step 6, Batch # 0, Batch Range [0 1 2 3 4], Batch index: [27 15 23 17 8]")
    assert lines[-1] == (
        "Step 11, Batch # 5, Batch Range [25 26 27 28 29], Batch index: [7 10 14 19 6]"
    )
    assert len(lines) == 14


def test_format_batch_ignores_numpy_print_options() -> None:
    b = next(minibatches(1200, 1100, rng=0))
    with np.printoptions(threshold=5, linewidth=20):
        line = format_batch(b)
    assert "..." not in line
    assert "\n" not in line
    assert len(line.split("Batch index: [")[1].split()) == 1100


@given(n=sizes, batch_size=sizes, epochs=st.integers(1, 4), seed=seeds, reshuffle=st.booleans())
def test_each_epoch_is_a_permutation(
    n: int, batch_size: int, epochs: int, seed: int, reshuffle: bool
) -> None:
    batches = list(minibatches(n, batch_size, epochs=epochs, rng=seed, reshuffle=reshuffle))
    assert len(batches) == epochs * batches_per_epoch(n, batch_size)
    for epoch in range(epochs):
        these = [b for b in batches if b.epoch == epoch]
        assert [b.batch for b in these] == list(range(len(these)))
        indices = np.concatenate([b.indices for b in these])
        assert sorted(indices.tolist()) == list(range(n))
        positions = np.concatenate([b.batch_range for b in these])
        assert positions.tolist() == list(range(n))


@given(n=sizes, batch_size=sizes, epochs=st.integers(1, 3), seed=seeds, drop_last=st.booleans())
def test_sizes_and_steps(n: int, batch_size: int, epochs: int, seed: int, drop_last: bool) -> None:
    if drop_last and batch_size > n:
        with pytest.raises(ValueError, match="drop_last"):
            minibatches(n, batch_size, epochs=epochs, rng=seed, drop_last=drop_last)
        return
    batches = list(minibatches(n, batch_size, epochs=epochs, rng=seed, drop_last=drop_last))
    assert [b.step for b in batches] == list(range(len(batches)))
    per_epoch = batches_per_epoch(n, batch_size, drop_last)
    assert len(batches) == epochs * per_epoch
    for b in batches:
        assert isinstance(b, Batch)
        assert len(b) == len(b.batch_range) == len(b.indices)
        assert b.indices.dtype.kind == "i"
        last = b.batch == per_epoch - 1
        if drop_last or not last:
            assert len(b) == batch_size
        else:
            assert len(b) == n - (per_epoch - 1) * batch_size
        assert np.array_equal(
            b.batch_range, np.arange(b.batch * batch_size, b.batch * batch_size + len(b))
        )


@given(n=sizes, batch_size=sizes, seed=seeds, reshuffle=st.booleans())
def test_same_seed_same_batches(n: int, batch_size: int, seed: int, reshuffle: bool) -> None:
    a = list(minibatches(n, batch_size, epochs=3, rng=seed, reshuffle=reshuffle))
    rng = np.random.default_rng(seed)
    b = list(minibatches(n, batch_size, epochs=3, rng=rng, reshuffle=reshuffle))
    assert len(a) == len(b)
    for p, q in zip(a, b, strict=True):
        assert (p.step, p.epoch, p.batch) == (q.step, q.epoch, q.batch)
        assert np.array_equal(p.indices, q.indices)


@given(n=st.integers(20, 200), seed=seeds)
def test_reshuffle_changes_the_order(n: int, seed: int) -> None:
    # Two permutations of n >= 20 items coincide with probability 1/n! < 1e-18.
    epochs = [
        np.concatenate([b.indices for b in minibatches(n, 7, epochs=2, rng=seed) if b.epoch == e])
        for e in (0, 1)
    ]
    assert not np.array_equal(epochs[0], epochs[1])


@given(n=sizes, batch_size=sizes, seed=seeds)
def test_no_reshuffle_repeats_the_order(n: int, batch_size: int, seed: int) -> None:
    batches = list(minibatches(n, batch_size, epochs=3, rng=seed, reshuffle=False))
    per_epoch = batches_per_epoch(n, batch_size)
    for b in batches[per_epoch:]:
        assert np.array_equal(b.indices, batches[b.batch].indices)


def test_reshuffle_draws_one_permutation_per_epoch() -> None:
    rng = np.random.RandomState(7)
    got = [b.indices for b in minibatches(10, 10, epochs=3, rng=np.random.RandomState(7))]
    expected = [rng.permutation(10) for _ in range(3)]
    for g, e in zip(got, expected, strict=True):
        assert np.array_equal(g, e)


def test_batch_larger_than_n_gives_one_short_batch() -> None:
    batches = list(minibatches(3, 10, epochs=2, rng=1))
    assert [len(b) for b in batches] == [3, 3]
    assert batches_per_epoch(3, 10) == 1
    assert batches_per_epoch(3, 10, drop_last=True) == 0


def test_last_short_batch_kept_or_dropped() -> None:
    assert [len(b) for b in minibatches(12, 5, rng=0)] == [5, 5, 2]
    assert [len(b) for b in minibatches(12, 5, rng=0, drop_last=True)] == [5, 5]


def test_batches_are_read_only_records() -> None:
    b = next(minibatches(10, 3, rng=0))
    with pytest.raises(ValueError, match="read-only"):
        b.indices[0] = 99
    with pytest.raises(AttributeError):
        b.step = 5  # type: ignore[misc]


def test_none_rng_gives_fresh_generator() -> None:
    indices = np.concatenate([b.indices for b in minibatches(10, 4)])
    assert sorted(indices.tolist()) == list(range(10))


def test_generator_is_advanced_not_copied() -> None:
    rng = np.random.default_rng(3)
    first = next(minibatches(50, 50, rng=rng)).indices
    second = next(minibatches(50, 50, rng=rng)).indices
    assert not np.array_equal(first, second)


def test_errors_are_raised_before_iteration() -> None:
    with pytest.raises(ValueError, match="batch_size"):
        minibatches(10, 0)  # no next(): the call itself must fail


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n": 0, "batch_size": 1}, ValueError, r"n must be an integer >= 1, got 0"),
        ({"n": -3, "batch_size": 1}, ValueError, r"n must be an integer >= 1, got -3"),
        ({"n": 10.0, "batch_size": 1}, TypeError, r"n must be an integer, got 10.0"),
        ({"n": 10, "batch_size": 0}, ValueError, r"batch_size must be an integer >= 1, got 0"),
        ({"n": 10, "batch_size": 2.5}, TypeError, r"batch_size must be an integer, got 2.5"),
        ({"n": 10, "batch_size": True}, TypeError, r"batch_size must be an integer, got True"),
        ({"n": 10, "batch_size": 2, "epochs": 0}, ValueError, r"epochs must be an integer >= 1"),
        ({"n": 10, "batch_size": 2, "epochs": "2"}, TypeError, r"epochs must be an integer"),
        ({"n": 10, "batch_size": 2, "rng": 1.5}, TypeError, r"rng must be None, .* got 1.5"),
        ({"n": 10, "batch_size": 2, "rng": "42"}, TypeError, r"rng must be .* got '42'"),
        ({"n": 10, "batch_size": 2, "rng": True}, TypeError, r"rng must be .* got True"),
        ({"n": 10, "batch_size": 2, "rng": -1}, ValueError, r"rng must be an integer >= 0"),
        ({"n": 10, "batch_size": 2, "reshuffle": 1}, TypeError, r"reshuffle must be True or"),
        ({"n": 10, "batch_size": 2, "drop_last": "no"}, TypeError, r"drop_last must be True or"),
        ({"n": 3, "batch_size": 5, "drop_last": True}, ValueError, r"batch_size=5 > n=3"),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        minibatches(**kwargs)  # type: ignore[arg-type]


def test_numpy_integers_are_accepted() -> None:
    batches = list(minibatches(np.int64(6), np.int32(4), epochs=np.int8(2), rng=np.uint8(1)))  # type: ignore[arg-type]
    assert [len(b) for b in batches] == [4, 2, 4, 2]


def test_format_batch_refuses_other_objects() -> None:
    with pytest.raises(TypeError, match="b must be a Batch"):
        format_batch("Step 0")  # type: ignore[arg-type]


def test_per_step_sampling_draws_the_textbook_notebooks_batches() -> None:
    # np.random.seed(1); then np.random.permutation(30)[0:5] at every step.
    legacy = np.random.RandomState(1)  # what np.random.seed(1) seeds
    expected = [legacy.permutation(30)[0:5].tolist() for _ in range(12)]
    batches = list(minibatches(30, 5, epochs=2, rng=np.random.RandomState(1), sampling="per_step"))
    assert [b.indices.tolist() for b in batches] == expected
    assert [(b.step, b.epoch, b.batch) for b in batches[5:8]] == [(5, 0, 5), (6, 1, 0), (7, 1, 1)]
    assert all(b.batch_range.tolist() == [0, 1, 2, 3, 4] for b in batches)


@given(n=sizes, batch_size=sizes, seed=seeds)
def test_per_step_batches_hold_distinct_examples_and_are_never_short(
    n: int, batch_size: int, seed: int
) -> None:
    for b in minibatches(n, batch_size, epochs=2, rng=seed, sampling="per_step"):
        assert len(b) == min(n, batch_size)
        assert len(set(b.indices.tolist())) == len(b)
        assert all(0 <= i < n for i in b.indices)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sampling": "random"}, "sampling must be 'per_epoch' or 'per_step', got 'random'"),
        ({"sampling": "per_step", "reshuffle": False}, "reshuffle=False"),
        ({"sampling": "per_step", "drop_last": True}, "drop_last=True"),
    ],
)
def test_bad_sampling_options_are_refused_naming_them(
    kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        minibatches(30, 5, **kwargs)  # type: ignore[arg-type]
