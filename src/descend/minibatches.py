r"""Minibatches: which examples each step of stochastic gradient descent sees.

An epoch is one pass through a random permutation :math:`\operatorname{perm}`
of the :math:`I` example indices (the argument ``n``), cut into consecutive
batches of :math:`B` = ``batch_size`` positions. Batch number :math:`k` of the
epoch (``batch``) covers the positions

.. math::

    \mathcal{R}_k = \{kB, kB + 1, \ldots, \min((k + 1)B, I) - 1\}

of the permuted order (``batch_range``) and so the examples
:math:`\mathcal{B}_t = \operatorname{perm}(\mathcal{R}_k)` (``indices``), and
step :math:`t` uses the loss :math:`\sum_{i \in \mathcal{B}_t} \ell_i` of
those examples only. With ``reshuffle=True`` every epoch draws a new permutation
(as PyTorch's ``DataLoader(shuffle=True)`` does); with ``reshuffle=False`` one
permutation is drawn once and reused, which is what the lecture's table shows.

The textbook's notebooks sample differently: every step draws a fresh batch
of :math:`B` distinct examples, the first :math:`B` entries of a new
permutation, independently of the steps before (``sampling="per_step"``).
Then one example may be seen twice before another is seen at all; "epoch"
only counts groups of :math:`\lceil I / B \rceil` steps.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from descend._validate import choice, flag, integer

__all__ = [
    "Batch",
    "RandomSource",
    "Sampling",
    "batch_table",
    "batches_per_epoch",
    "format_batch",
    "minibatches",
]

IntArray = NDArray[np.intp]
RandomSource = int | np.random.Generator | np.random.RandomState | None
"""What ``rng`` accepts: ``None``, an integer seed, a Generator or a legacy RandomState."""
Sampling = Literal["per_epoch", "per_step"]
"""How ``minibatches`` draws batches, ``"per_epoch"`` (the default) or ``"per_step"``."""
SAMPLINGS: tuple[Sampling, ...] = ("per_epoch", "per_step")

# Largest n that minibatches accepts: a permutation of 2**40 indices already
# takes 8 TiB, and anything larger could never be allocated.
_MAX_N = 2**40


@dataclass(frozen=True, eq=False)
class Batch:
    r"""One minibatch of one epoch.

    Attributes
    ----------
    step : int
        Global step counter, starting at 0 and running on across epochs.
    epoch : int
        Epoch number, starting at 0.
    batch : int
        Batch number within the epoch, starting at 0.
    batch_range : numpy.ndarray of int
        Positions :math:`\mathcal{R}_k` in the epoch's permuted order
        (read-only), e.g. ``[5 6 7 8 9]`` for the second batch of size 5.
    indices : numpy.ndarray of int
        The data indices :math:`\operatorname{perm}(\mathcal{R}_k)` of the examples in the
        batch (read-only): use them as ``x[b.indices]``.

    Notes
    -----
    Records compare by identity (``eq=False``) because they hold arrays;
    compare the fields with :func:`numpy.array_equal` instead.
    """

    step: int
    epoch: int
    batch: int
    batch_range: IntArray
    indices: IntArray

    def __len__(self) -> int:
        return len(self.indices)


def _generator(rng: object) -> np.random.Generator | np.random.RandomState:
    """Turn ``rng`` into something with a ``permutation`` method."""
    if rng is None:
        return np.random.default_rng()
    if isinstance(rng, np.random.Generator | np.random.RandomState):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        return np.random.default_rng(integer("rng", rng, low=0))
    raise TypeError(
        "rng must be None, a non-negative integer seed, a numpy.random.Generator or a "
        f"numpy.random.RandomState, got {rng!r} of type {type(rng).__name__}"
    )


def batches_per_epoch(n: int, batch_size: int, drop_last: bool = False) -> int:
    r"""Return the number of batches in one epoch.

    .. math::

        \left\lceil I / B \right\rceil \text{ batches, or }
        \left\lfloor I / B \right\rfloor \text{ with ``drop_last``.}

    Parameters
    ----------
    n : int
        Number of examples :math:`I`, at least 1.
    batch_size : int
        Batch size :math:`B`, at least 1.
    drop_last : bool, default False
        Drop the last batch if it is shorter than ``batch_size``.

    Returns
    -------
    int
        Number of batches (0 if ``drop_last`` and ``batch_size > n``).

    Examples
    --------
    >>> batches_per_epoch(30, 4), batches_per_epoch(30, 4, drop_last=True)
    (8, 7)
    """
    n = integer("n", n, low=1)
    batch_size = integer("batch_size", batch_size, low=1)
    # -(-n // B) is the ceiling in exact integers (n / B would overflow a float for huge n).
    return n // batch_size if flag("drop_last", drop_last) else -(-n // batch_size)


def minibatches(
    n: int,
    batch_size: int,
    *,
    epochs: int = 1,
    rng: RandomSource = None,
    reshuffle: bool = True,
    drop_last: bool = False,
    sampling: Sampling = "per_epoch",
) -> Iterator[Batch]:
    r"""Yield the minibatches of ``epochs`` passes through ``n`` examples.

    Parameters
    ----------
    n : int
        Number of examples :math:`I`, at least 1.
    batch_size : int
        Examples per batch, at least 1. A ``batch_size`` larger than ``n``
        gives one short batch per epoch, as in PyTorch.
    epochs : int, default 1
        Number of passes through the data, at least 1.
    rng : None, int, numpy.random.Generator or numpy.random.RandomState
        Source of the permutations, drawn with ``rng.permutation(n)``.
        ``None`` uses a fresh :func:`numpy.random.default_rng`, an integer is
        a seed for it; a Generator or RandomState is used (and advanced) as is.
    reshuffle : bool, default True
        Draw a new permutation every epoch. If False, one permutation is drawn
        before the first epoch and reused in every epoch.
    drop_last : bool, default False
        Skip the last batch of an epoch if it is shorter than ``batch_size``.
    sampling : {"per_epoch", "per_step"}, default "per_epoch"
        ``"per_epoch"``: each epoch is a permutation cut into consecutive
        batches, so every example is used once per epoch (PyTorch's
        ``DataLoader``). ``"per_step"``: every step draws its own batch,
        ``rng.permutation(n)[:batch_size]``, independently of the others (the
        textbook notebooks' ``np.random.permutation(n)[0:B]``); an "epoch" is
        then just :math:`\lceil I / B \rceil` steps, ``batch_range`` is
        ``0, ..., B - 1`` (positions in that step's permutation), and
        ``reshuffle=False`` and ``drop_last=True`` are refused because they
        have no meaning here.

    Yields
    ------
    Batch
        ``Batch(step, epoch, batch, batch_range, indices)``.

    Raises
    ------
    TypeError
        If a size is not an integer, a flag not a bool, or ``rng`` of another type.
    ValueError
        If a size is below 1, ``n`` above :math:`2^{40}` (too many to
        permute), or ``drop_last`` would leave no batch at all.

    Examples
    --------
    The lecture's table: one permutation (seed 42), reused in every epoch.

    >>> rng = np.random.RandomState(42)
    >>> for b in minibatches(30, 5, epochs=2, rng=rng, reshuffle=False):
    ...     if b.batch < 2:
    ...         print(b.epoch, b.step, b.batch_range, b.indices)
    0 0 [0 1 2 3 4] [27 15 23 17  8]
    0 1 [5 6 7 8 9] [ 9 28 24 12  0]
    1 6 [0 1 2 3 4] [27 15 23 17  8]
    1 7 [5 6 7 8 9] [ 9 28 24 12  0]

    The textbook notebooks' sampling: a fresh batch at every step, the same
    batches as ``np.random.seed(1)`` and then ``np.random.permutation(30)[0:5]``
    at every step (example 14 is drawn twice before 0 is drawn at all).

    >>> rng = np.random.RandomState(1)
    >>> for b in minibatches(30, 5, rng=rng, sampling="per_step"):
    ...     if b.step < 3:
    ...         print(b.step, b.indices)
    0 [17 21 10 19 14]
    1 [18  2 16 29 14]
    2 [25 24  1 27 29]
    """
    n = integer("n", n, low=1)
    if n > _MAX_N:
        raise ValueError(
            f"n = {n} is too large to permute: minibatches draws a permutation of all "
            f"n indices, so n must be at most 2**40 = {_MAX_N}"
        )
    batch_size = integer("batch_size", batch_size, low=1)
    epochs = integer("epochs", epochs, low=1)
    reshuffle = flag("reshuffle", reshuffle)
    drop_last = flag("drop_last", drop_last)
    sampling = choice("sampling", sampling, SAMPLINGS)  # type: ignore[assignment]
    if sampling == "per_step" and not reshuffle:
        raise ValueError(
            "reshuffle=False reuses one permutation in every epoch, but sampling='per_step' "
            "draws a new batch at every step: use one or the other"
        )
    if sampling == "per_step" and drop_last:
        raise ValueError(
            "drop_last=True drops the short last batch of an epoch, but with "
            "sampling='per_step' every batch has min(batch_size, n) examples: use drop_last=False"
        )
    generator = _generator(rng)
    n_batches = batches_per_epoch(n, batch_size, drop_last)
    if n_batches == 0:
        raise ValueError(
            f"drop_last=True with batch_size={batch_size} > n={n} leaves no batch at all; "
            "use drop_last=False or a batch_size <= n"
        )
    if sampling == "per_step":
        return _fresh_batches(n, batch_size, epochs * n_batches, n_batches, generator)
    return _batches(n, batch_size, epochs, generator, reshuffle, n_batches)


def _batches(
    n: int,
    batch_size: int,
    epochs: int,
    rng: np.random.Generator | np.random.RandomState,
    reshuffle: bool,
    n_batches: int,
) -> Iterator[Batch]:
    """Generate the batches (arguments already checked)."""
    step = 0
    permutation = np.asarray(rng.permutation(n), dtype=np.intp)
    for epoch in range(epochs):
        if reshuffle and epoch > 0:
            permutation = np.asarray(rng.permutation(n), dtype=np.intp)
        for batch in range(n_batches):
            batch_range = np.arange(batch * batch_size, min((batch + 1) * batch_size, n))
            indices = permutation[batch_range]
            batch_range.flags.writeable = False
            indices.flags.writeable = False
            yield Batch(step, epoch, batch, batch_range, indices)
            step += 1


def _fresh_batches(
    n: int,
    batch_size: int,
    steps: int,
    n_batches: int,
    rng: np.random.Generator | np.random.RandomState,
) -> Iterator[Batch]:
    """Generate ``steps`` independent batches, each the head of a new permutation."""
    batch_range = np.arange(min(batch_size, n))
    batch_range.flags.writeable = False
    for step in range(steps):
        indices = np.asarray(rng.permutation(n), dtype=np.intp)[:batch_size].copy()
        indices.flags.writeable = False
        yield Batch(step, step // n_batches, step % n_batches, batch_range, indices)


def _ints(a: IntArray) -> str:
    """Print an integer array as ``[27 15 8]``, independent of NumPy's print options."""
    return "[" + " ".join(str(int(i)) for i in a) + "]"


def format_batch(b: Batch) -> str:
    """Return the lecture's one-line description of a batch.

    Examples
    --------
    >>> b = next(minibatches(30, 5, rng=np.random.RandomState(42)))
    >>> format_batch(b)
    'Step 0, Batch # 0, Batch Range [0 1 2 3 4], Batch index: [27 15 23 17 8]'
    """
    if not isinstance(b, Batch):
        raise TypeError(f"b must be a Batch, got {b!r} of type {type(b).__name__}")
    return (
        f"Step {b.step}, Batch # {b.batch}, Batch Range {_ints(b.batch_range)}, "
        f"Batch index: {_ints(b.indices)}"
    )


def batch_table(
    n: int,
    batch_size: int,
    *,
    epochs: int = 1,
    rng: RandomSource = None,
    reshuffle: bool = True,
    drop_last: bool = False,
    sampling: Sampling = "per_epoch",
) -> str:
    r"""Return the lecture's table of batches, one line per step.

    Every epoch starts with an ``Epoch # e-----`` line, followed by one
    :func:`format_batch` line per batch. The arguments are those of
    :func:`minibatches`; with ``sampling="per_step"`` an "epoch" is
    :math:`\lceil I / B \rceil` steps of fresh batches.

    Examples
    --------
    >>> rng = np.random.RandomState(42)
    >>> print(batch_table(30, 5, epochs=2, rng=rng, reshuffle=False))
    Epoch # 0-----
    Step 0, Batch # 0, Batch Range [0 1 2 3 4], Batch index: [27 15 23 17 8]
    Step 1, Batch # 1, Batch Range [5 6 7 8 9], Batch index: [9 28 24 12 0]
    Step 2, Batch # 2, Batch Range [10 11 12 13 14], Batch index: [4 16 5 13 11]
    Step 3, Batch # 3, Batch Range [15 16 17 18 19], Batch index: [22 1 2 25 3]
    Step 4, Batch # 4, Batch Range [20 21 22 23 24], Batch index: [21 26 18 29 20]
    Step 5, Batch # 5, Batch Range [25 26 27 28 29], Batch index: [7 10 14 19 6]
    Epoch # 1-----
    Step 6, Batch # 0, Batch Range [0 1 2 3 4], Batch index: [27 15 23 17 8]
    Step 7, Batch # 1, Batch Range [5 6 7 8 9], Batch index: [9 28 24 12 0]
    Step 8, Batch # 2, Batch Range [10 11 12 13 14], Batch index: [4 16 5 13 11]
    Step 9, Batch # 3, Batch Range [15 16 17 18 19], Batch index: [22 1 2 25 3]
    Step 10, Batch # 4, Batch Range [20 21 22 23 24], Batch index: [21 26 18 29 20]
    Step 11, Batch # 5, Batch Range [25 26 27 28 29], Batch index: [7 10 14 19 6]

    The textbook notebooks' fresh batch per step:

    >>> print(batch_table(30, 5, rng=np.random.RandomState(1), sampling="per_step"))
    Epoch # 0-----
    Step 0, Batch # 0, Batch Range [0 1 2 3 4], Batch index: [17 21 10 19 14]
    Step 1, Batch # 1, Batch Range [0 1 2 3 4], Batch index: [18 2 16 29 14]
    Step 2, Batch # 2, Batch Range [0 1 2 3 4], Batch index: [25 24 1 27 29]
    Step 3, Batch # 3, Batch Range [0 1 2 3 4], Batch index: [18 28 11 9 25]
    Step 4, Batch # 4, Batch Range [0 1 2 3 4], Batch index: [14 3 24 5 17]
    Step 5, Batch # 5, Batch Range [0 1 2 3 4], Batch index: [13 3 8 15 17]
    """
    lines: list[str] = []
    for b in minibatches(
        n,
        batch_size,
        epochs=epochs,
        rng=rng,
        reshuffle=reshuffle,
        drop_last=drop_last,
        sampling=sampling,
    ):
        if b.batch == 0:
            lines.append(f"Epoch # {b.epoch}-----")
        lines.append(format_batch(b))
    return "\n".join(lines)
