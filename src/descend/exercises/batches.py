r"""Checker for the minibatches exercise: cut one epoch's permutation into batches.

An epoch of stochastic gradient descent walks through a permutation
:math:`\operatorname{perm}` of the :math:`I` example indices in consecutive
batches of :math:`B` positions. Batch :math:`k` covers the positions

.. math::

    \mathcal{R}_k = \{kB, kB + 1, \ldots, \min((k + 1)B, I) - 1\},
    \qquad k = 0, 1, \ldots, \lceil I / B \rceil - 1,

and holds the examples :math:`\mathcal{B}_k = \operatorname{perm}(\mathcal{R}_k)`.
The last batch is shorter when :math:`B` does not divide :math:`I`. The
reference is :func:`descend.minibatches.minibatches`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from descend.exercises._core import Answers, Case, CheckResult, JunkError, Mistake, _show, verdict
from descend.minibatches import minibatches

__all__ = ["check_epoch_batches"]

IntArray = NDArray[np.intp]


def _reference(permutation: IntArray, batch_size: int) -> list[IntArray]:
    """The library's batches of one epoch over ``permutation`` (no reshuffle, nothing dropped)."""
    # The positions R_k come from the library; the permutation minibatches draws
    # itself is not used: the batch holds the given permutation[R_k].
    epoch = minibatches(len(permutation), batch_size, rng=0, reshuffle=False)
    return [permutation[b.batch_range] for b in epoch]


# The usual mistakes, each a wrong implementation that makes exactly that mistake.


def _dropped_last(permutation: IntArray, batch_size: int) -> list[IntArray]:
    n = len(permutation)
    return [permutation[k * batch_size : (k + 1) * batch_size] for k in range(n // batch_size)]


def _positions(permutation: IntArray, batch_size: int) -> list[IntArray]:
    n = len(permutation)
    return [np.arange(s, min(s + batch_size, n)) for s in range(0, n, batch_size)]


def _empty_last(permutation: IntArray, batch_size: int) -> list[IntArray]:
    n = len(permutation)
    return [permutation[k * batch_size : (k + 1) * batch_size] for k in range(n // batch_size + 1)]


def _even_split(permutation: IntArray, batch_size: int) -> list[IntArray]:
    return list(np.array_split(permutation, -(-len(permutation) // batch_size)))


def _split_floor(permutation: IntArray, batch_size: int) -> list[IntArray]:
    return list(np.array_split(permutation, max(1, len(permutation) // batch_size)))


def _overlapping(permutation: IntArray, batch_size: int) -> list[IntArray]:
    return [permutation[s : s + batch_size] for s in range(len(permutation))]


def _sorted(permutation: IntArray, batch_size: int) -> list[IntArray]:
    n = len(permutation)
    return [np.sort(permutation[s : s + batch_size]) for s in range(0, n, batch_size)]


def _wrapped(permutation: IntArray, batch_size: int) -> list[IntArray]:
    n = len(permutation)
    k = -(-n // batch_size)
    return list(np.resize(permutation, k * batch_size).reshape(k, batch_size))


_SPLIT_HINT = (
    "np.array_split(permutation, k) spreads the examples evenly over k batches, but every "
    "batch except the last must hold exactly batch_size examples (the last one holds the "
    "rest): take permutation[start:start + batch_size] for start = 0, batch_size, "
    "2 * batch_size, ... (range(0, len(permutation), batch_size))."
)

MISTAKES = [
    Mistake(
        "positions_not_indices",
        _positions,
        "these are positions in the permutation (the batch ranges 0, 1, 2, ...), not the "
        "examples' indices: the batch holds the examples at those positions, "
        "permutation[start:start + batch_size].",
    ),
    Mistake(
        "dropped_last_batch",
        _dropped_last,
        "the last, shorter batch is missing. When batch_size does not divide "
        "len(permutation), an epoch has ceil(n / batch_size) batches and the last one "
        "holds the examples left over; n // batch_size batches leave them out (and none "
        "at all when batch_size > n). Loop over the starts range(0, n, batch_size).",
    ),
    Mistake(
        "empty_last_batch",
        _empty_last,
        "there is an extra, empty batch at the end: when batch_size divides n there is no "
        "short batch, so an epoch has ceil(n / batch_size) = -(-n // batch_size) batches, "
        "not n // batch_size + 1.",
    ),
    Mistake("even_split", _even_split, _SPLIT_HINT),
    Mistake("even_split", _split_floor, _SPLIT_HINT),
    Mistake(
        "overlapping_batches",
        _overlapping,
        "consecutive batches overlap: the next batch starts batch_size positions further "
        "on, not one (range(0, n, batch_size)), so that every example is in exactly one "
        "batch of the epoch.",
    ),
    Mistake(
        "sorted_batches",
        _sorted,
        "each batch holds the right examples, but sorted: keep them in the permutation's "
        "order (no np.sort or sorted), so that the batches read like the lecture's table.",
    ),
    Mistake(
        "padded_last_batch",
        _wrapped,
        "the last batch was filled up to batch_size with examples from the start of the "
        "permutation; it should be shorter instead and hold only the examples left over, "
        "so that every example is used exactly once per epoch.",
    ),
]


def _cases() -> list[Case]:
    """The lecture's table first, then the edge cases where the usual mistakes show."""
    return [
        Case(
            "the lecture's table: np.random.RandomState(42).permutation(30), batch_size = 5",
            (np.random.RandomState(42).permutation(30), 5),
        ),
        Case(
            "a permutation of 23 examples, batch_size = 5 (the last batch holds 3)",
            (np.random.RandomState(0).permutation(23), 5),
        ),
        Case(
            "a permutation of 7 examples, batch_size = 1",
            (np.random.RandomState(1).permutation(7), 1),
        ),
        Case(
            "a permutation of 7 examples, batch_size = 12 (larger than the 7 examples)",
            (np.random.RandomState(2).permutation(7), 12),
        ),
        Case(
            "a permutation of 6 examples, batch_size = 6 (one full batch)",
            (np.random.RandomState(3).permutation(6), 6),
        ),
        Case(
            "a permutation of 10 examples, batch_size = 4 (the last batch holds 2)",
            (np.random.RandomState(4).permutation(10), 4),
        ),
    ]


def _as_batches(answer: Any) -> list[NDArray[Any]]:
    """The answer as a list of 1-D integer arrays, or :class:`JunkError` saying what is wrong."""
    if answer is None:
        raise JunkError("returned None: is a `return` statement missing?")
    if isinstance(answer, str | bytes):
        raise JunkError(f"returned the string {answer!r}, not a list of index arrays")
    if isinstance(answer, np.ndarray):
        raise JunkError(
            f"returned one array of shape {answer.shape}, not a list of index arrays: the "
            "last batch may be shorter than the others, so return a list, one array per batch"
        )
    if not isinstance(answer, list | tuple):
        raise JunkError(
            f"returned {_show(answer)} of type {type(answer).__name__}, not a list of "
            "index arrays" + (": wrap it in list(...)" if hasattr(answer, "__iter__") else "")
        )
    batches = []
    for k, item in enumerate(answer):
        if item is None or isinstance(item, str | bytes):
            raise JunkError(f"returned {_show(item)} as batch {k}, not an array of indices")
        try:
            batch = np.asarray(item)
        except (TypeError, ValueError):
            raise JunkError(
                f"returned {_show(item)} as batch {k}, not an array of indices"
            ) from None
        if batch.ndim != 1:
            raise JunkError(
                f"returned {_show(item)} as batch {k}: each batch should be a 1-D array of "
                f"indices, this one has shape {batch.shape}"
            )
        if batch.size and batch.dtype == np.bool_:
            raise JunkError(
                f"returned a boolean mask as batch {k}: return the indices of the examples "
                "(an integer array), not a mask"
            )
        if batch.size and not np.issubdtype(batch.dtype, np.integer):
            raise JunkError(
                f"returned batch {k} as {_show(batch)} of dtype {batch.dtype}: indices must be "
                "integers, so that x[batch] works"
            )
        batches.append(batch)
    return batches


def _same(expected: Sequence[NDArray[Any]], got: Sequence[NDArray[Any]]) -> bool:
    return len(expected) == len(got) and all(
        e.shape == g.shape and np.array_equal(e, g) for e, g in zip(expected, got, strict=True)
    )


def _ints(a: NDArray[Any]) -> str:
    """An index array as ``[27 15 8]``, independent of NumPy's print options."""
    return "[" + " ".join(str(int(i)) for i in a) + "]"


def _first_difference(expected: Sequence[NDArray[Any]], got: Sequence[NDArray[Any]]) -> str:
    """Say where the batches first differ: their number, a batch's size or its indices."""
    if len(got) != len(expected):
        sizes = [len(g) for g in got]
        expected_sizes = [len(e) for e in expected]
        return (
            f"it returned {len(got)} batches of sizes {sizes}, expected {len(expected)} "
            f"batches of sizes {expected_sizes}"
        )
    for k, (e, g) in enumerate(zip(expected, got, strict=True)):
        if not np.array_equal(e, g):
            size = "" if len(e) == len(g) else f" ({len(g)} indices, expected {len(e)})"
            return f"batch {k} is {_ints(g)}, expected {_ints(e)}{size}"
    return "the batches differ"


def check_epoch_batches(student: object, *, verbose: bool = True) -> CheckResult:
    r"""Check ``epoch_batches(permutation, batch_size)``: one epoch's minibatches.

    The function should return the list of the epoch's batches, batch
    :math:`k` being the examples at the positions
    :math:`\mathcal{R}_k = \{kB, \ldots, \min((k + 1)B, I) - 1\}` of the
    permutation,

    .. math::

        \mathcal{B}_k = \operatorname{perm}(\mathcal{R}_k),
        \qquad k = 0, 1, \ldots, \lceil I / B \rceil - 1,

    as 1-D integer arrays (or lists), the last one shorter when :math:`B`
    does not divide :math:`I`. The reference is
    :func:`descend.minibatches.minibatches` (its ``batch_range``).

    It is run on the lecture's table (``np.random.RandomState(42)``
    permutation of 30, :math:`B = 5`), then on permutations whose length is
    not a multiple of the batch size, a batch size of 1, one larger than the
    number of examples, and one equal to it. The usual mistakes are named
    with a hint: dropping the last short batch, returning positions (the
    ranges) instead of the permutation's indices, an extra empty batch,
    ``np.array_split`` (even sizes), overlapping batches, sorted batches and
    a last batch padded from the start.

    Parameters
    ----------
    student
        The student's ``epoch_batches(permutation, batch_size)``.
    verbose
        Print the message (as a notebook wants); the result holds it either way.

    Returns
    -------
    CheckResult
        ``passed``, the ``message`` (what differs first, and a hint) and the
        name of the matched ``mistake``, if any. Nothing the function does
        (raise, return junk) escapes the checker.

    Examples
    --------
    >>> def epoch_batches(permutation, batch_size):
    ...     n = len(permutation)
    ...     return [permutation[s : s + batch_size] for s in range(0, n, batch_size)]
    >>> check_epoch_batches(epoch_batches).passed
    epoch_batches: correct on all 6 checks. Every example is in exactly one batch of
    the epoch, in the permutation's order.
    True

    Dropping the short last batch:

    >>> def epoch_batches(permutation, batch_size):
    ...     n = len(permutation) // batch_size
    ...     return [permutation[k * batch_size : (k + 1) * batch_size] for k in range(n)]
    >>> result = check_epoch_batches(epoch_batches, verbose=False)
    >>> result.passed, result.mistake
    (False, 'dropped_last_batch')
    >>> print(result.message.splitlines()[0])
    epoch_batches is wrong: it returned 4 batches of sizes [5, 5, 5, 5], expected 5
    batches of sizes [5, 5, 5, 5, 3], on a permutation of 23 examples, batch_size = 5
    (the last batch holds 3).
    """
    result = verdict(
        "epoch_batches", student, _reference, _cases(), MISTAKES,
        Answers(read=_as_batches, same=_same, difference=_first_difference, kind="batches"),
        "Every example is in exactly one batch of the epoch, in the permutation's order.",
    )  # fmt: skip
    if verbose:
        print(result.message)
    return result
