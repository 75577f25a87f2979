"""One loop that runs any optimizer on any problem and keeps the whole trajectory.

>>> import numpy as np
>>> import descend
>>> from descend.landscapes import Quadratic
>>> run = descend.fit(descend.GradientDescent(lr=0.1), Quadratic(), [1.0, 1.0], steps=50)
>>> run.phi.shape, run.loss.shape
((51, 2), (51,))
>>> bool(run.final_loss < 1e-2)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from descend import _validate as check
from descend._base import Optimizer, State
from descend._validate import FloatArray
from descend.landscapes import Landscape
from descend.minibatches import Sampling, batches_per_epoch, minibatches
from descend.schedules import ReduceLROnPlateau

IntArray = NDArray[np.int64]


@runtime_checkable
class Dataset(Landscape, Protocol):
    """A loss over examples that can be restricted to a minibatch (e.g. ``DataLoss``)."""

    def __len__(self) -> int: ...

    def subset(self, indices: Any) -> Dataset: ...


@dataclass(frozen=True)
class Trajectory:
    r"""Everything a run visited, one row per iterate.

    Attributes
    ----------
    phi
        Iterates :math:`\phi_0, \dots, \phi_T`, shape ``(T + 1, *phi0.shape)``.
    loss
        The full loss :math:`L[\phi_t]` at every iterate, shape ``(T + 1,)``
        (on all the data, even when the steps used minibatches).
    batch_loss
        The loss of the batch step ``t`` used, evaluated at :math:`\phi_t`,
        shape ``(T,)``: the noisy curve SGD sees.
    lr
        The learning rate :math:`\alpha_t` each step used, shape ``(T,)``.
    epoch
        The epoch of each step, shape ``(T,)`` (step ``t`` for full batch).
    state
        The optimizer state after the last step, to continue the run.
    """

    phi: FloatArray
    loss: FloatArray
    batch_loss: FloatArray
    lr: FloatArray
    epoch: IntArray
    state: State

    @property
    def steps(self) -> int:
        """Number of steps taken."""
        return len(self.lr)

    @property
    def final_phi(self) -> FloatArray:
        """The last iterate."""
        last: FloatArray = self.phi[-1]
        return last

    @property
    def final_loss(self) -> float:
        """The full loss at the last iterate."""
        return float(self.loss[-1])

    @property
    def epoch_ends(self) -> IntArray:
        """Iterate indices at which an epoch ended (for marking plots)."""
        ends: IntArray = np.flatnonzero(np.diff(self.epoch, append=self.epoch[-1] + 1)) + 1
        return ends


def fit(
    optimizer: Optimizer,
    problem: Landscape,
    phi0: FloatArray | Sequence[float],
    *,
    steps: int | None = None,
    epochs: int | None = None,
    batch_size: int | None = None,
    rng: int | np.random.Generator | np.random.RandomState | None = None,
    reshuffle: bool = True,
    drop_last: bool = False,
    sampling: Sampling = "per_epoch",
    state: State | None = None,
) -> Trajectory:
    r"""Run ``optimizer`` on ``problem`` from ``phi0`` and return the trajectory.

    Full batch (``batch_size=None``): ``steps`` steps of

    .. math:: \phi_{t+1} = \text{rule}(\phi_t, \nabla L[\phi_t]).

    Minibatches (``batch_size=B``, ``problem`` a ``Dataset`` (``len`` and ``subset``) such as
    :class:`~descend.landscapes.DataLoss`): ``epochs`` passes over the data,
    each step using the gradient of the loss on one batch
    :math:`\mathcal B_t` drawn by :func:`~descend.minibatches.minibatches`,

    .. math:: \phi_{t+1} = \text{rule}\Big(\phi_t,
        \sum_{i \in \mathcal B_t} \frac{\partial \ell_i[\phi_t]}{\partial \phi}\Big),

    stopping after ``steps`` steps if given (``steps`` alone runs as many
    epochs as it takes). With ``sampling="per_step"`` each step draws a fresh
    batch instead, as the textbook's notebooks do. A
    :class:`~descend.schedules.ReduceLROnPlateau` learning rate is fed the
    mean batch loss of each epoch (each step, for full batch).

    Parameters
    ----------
    optimizer
        Any optimizer of this package.
    problem
        Anything with ``loss(phi)`` and ``grad(phi)``; with ``batch_size``,
        also ``len(problem)`` and ``problem.subset(indices)``.
    phi0
        Starting parameters (copied, never modified).
    steps, epochs
        How long to run. Full batch needs ``steps``. With minibatches,
        ``epochs`` passes (default one), cut short after ``steps`` steps if
        both are given; ``steps`` alone runs exactly ``steps`` steps.
    batch_size, rng, reshuffle, drop_last, sampling
        Passed to :func:`~descend.minibatches.minibatches`.
    state
        Optimizer state to continue from (default: ``optimizer.init(phi0)``).
    """
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"optimizer must be a descend optimizer such as descend.Adam(lr=0.1), got "
            f"{optimizer!r} of type {type(optimizer).__name__}"
        )
    if not (callable(getattr(problem, "loss", None)) and callable(getattr(problem, "grad", None))):
        raise TypeError(
            f"problem must have loss(phi) and grad(phi) methods (a landscape or a DataLoss), "
            f"got {problem!r} of type {type(problem).__name__}"
        )
    if state is not None and not isinstance(state, State):
        raise TypeError(f"state must be a descend.State or None, got {type(state).__name__}")
    phi = check.float_array("phi0", phi0).copy()
    state = optimizer.init(phi) if state is None else state
    plateau = optimizer.lr if isinstance(optimizer.lr, ReduceLROnPlateau) else None

    if batch_size is None:
        if steps is None:
            raise ValueError("steps is required for full-batch fitting (batch_size=None)")
        n_steps = check.integer("steps", steps, 0)
        plan: list[tuple[int, Landscape]] = [(t, problem) for t in range(n_steps)]
    else:
        if not isinstance(problem, Dataset):
            raise TypeError(
                f"batch_size needs a problem over examples (with len() and subset()), "
                f"such as descend.landscapes.DataLoss; got {type(problem).__name__}"
            )
        limit = None if steps is None else check.integer("steps", steps, 0)
        if epochs is None and limit is not None:  # as many epochs as `steps` needs
            per_epoch = batches_per_epoch(len(problem), batch_size, drop_last)
            epochs = max(1, -(-limit // per_epoch)) if per_epoch else 1
        batches = minibatches(
            len(problem), batch_size, epochs=1 if epochs is None else epochs,
            rng=rng, reshuffle=reshuffle, drop_last=drop_last, sampling=sampling,
        )  # fmt: skip
        plan = [
            (b.epoch, problem.subset(b.indices)) for b in batches if limit is None or b.step < limit
        ]

    full_batch = batch_size is None
    path, lrs, batch_losses, epoch_of = [phi], [], [], []
    for epoch, batch in plan:
        lrs.append(optimizer.lr_at(state.t))
        if not full_batch or plateau is not None:  # full batch: it is loss[t], computed below
            batch_losses.append(batch.loss(phi))
        epoch_of.append(epoch)
        phi, state = optimizer.step(phi, batch.grad, state)
        path.append(phi)
        ends_epoch = full_batch or len(epoch_of) == len(plan) or plan[len(epoch_of)][0] != epoch
        if plateau is not None and ends_epoch:
            this_epoch = [b for b, e in zip(batch_losses, epoch_of, strict=True) if e == epoch]
            plateau.step(float(np.mean(this_epoch)))

    loss = np.array([problem.loss(p) for p in path])
    return Trajectory(
        phi=np.stack(path),
        loss=loss,
        batch_loss=loss[:-1].copy() if full_batch else np.array(batch_losses, dtype=float),
        lr=np.array(lrs, dtype=float),
        epoch=np.array(epoch_of, dtype=np.int64),
        state=state,
    )
