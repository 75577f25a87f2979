r"""Learning-rate schedules: the step size as a function of time.

An optimizer moves by :math:`\alpha_t` times its direction at step :math:`t`.
A *schedule* is the function :math:`t \mapsto \alpha_t`: any callable
``schedule(t) -> float`` with ``t = 0, 1, 2, ...`` the number of steps taken so
far. Every optimizer accepts one wherever it accepts ``lr``.

Why change the step size at all? For stochastic gradients, Robbins and Monro
(1951) showed that steps with

.. math::

    \sum_{t} \alpha_t = \infty \quad\text{and}\quad \sum_{t} \alpha_t^2 < \infty

(e.g. :math:`\alpha_t \propto 1/t`) reach the minimum: the first sum lets the
iterates travel arbitrarily far, the second makes the gradient noise average
out. The schedules below are the practical versions used with a finite budget:
start large (perhaps after a short warm-up), then shrink.

Each schedule takes the base learning rate first and then the parameters of
its ``torch.optim.lr_scheduler`` namesake, and ``schedule(t)`` equals torch's
learning rate after ``t`` calls of ``scheduler.step()``. They are frozen
dataclasses: pure functions of ``t``, immutable and hashable. The exception is
:class:`ReduceLROnPlateau`, which watches the loss and so has to keep state.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal, Protocol, runtime_checkable

from descend._validate import at_least, in_range, integer, positive, real

__all__ = [
    "ConstantLR",
    "CosineAnnealingLR",
    "ExponentialLR",
    "FixedLR",
    "LinearLR",
    "MultiStepLR",
    "ReduceLROnPlateau",
    "Schedule",
    "SequentialLR",
    "StepLR",
    "as_schedule",
]


@runtime_checkable
class Schedule(Protocol):
    """Anything that maps a step index ``t >= 0`` to a learning rate."""

    def __call__(self, t: int) -> float:
        r"""Return the learning rate :math:`\alpha_t` for step ``t``."""
        ...


def as_schedule(lr: float | Schedule) -> Schedule:
    """Return ``lr`` as a schedule: a number becomes a (validated) :class:`FixedLR`.

    Examples
    --------
    >>> as_schedule(0.1)
    FixedLR(lr=0.1)
    >>> s = StepLR(0.1, step_size=10)
    >>> as_schedule(s) is s
    True
    """
    return lr if isinstance(lr, Schedule) else FixedLR(lr)


# --- argument checks specific to schedules ---------------------------------


def _t(t: int) -> int:
    return integer("t", t, 0)


def _decayed(lr: float, gamma: float, k: int, t: int) -> float:
    r""":math:`\alpha_0 \gamma^k`, with a clear error where a growing schedule overflows.

    For :math:`\gamma \le 1` the power lies in :math:`[0, 1]`, so it cannot
    overflow: a ``k`` too large for a float only means that :math:`\gamma^k`
    has long underflowed to 0 (or stays 1 for :math:`\gamma = 1`).
    """
    try:
        value = lr * gamma**k
    except OverflowError:  # gamma**k beyond the float range, or k itself is
        if gamma < 1 or lr == 0:
            return 0.0
        value = lr if gamma == 1 else math.inf
    if math.isfinite(value):
        return value
    raise ValueError(
        f"the learning rate {lr} * {gamma}**{k} overflows a float at t={t}; "
        "a schedule with gamma > 1 grows without bound"
    )


def _fraction(name: str, value: object, *, one_allowed: bool) -> float:
    """Return ``value`` in ``(0, 1]`` (or ``(0, 1)``)."""
    x = real(name, value)
    if not (0 < x < 1 or (one_allowed and x == 1)):
        raise ValueError(f"{name} must be in (0, 1{']' if one_allowed else ')'}, got {value!r}")
    return x


def _milestones(value: Sequence[int]) -> tuple[int, ...]:
    """Return ``value`` as a tuple of strictly increasing integers ``>= 1``."""
    ms = tuple(integer(f"milestones[{i}]", m, 1) for i, m in enumerate(value))
    if any(a >= b for a, b in pairwise(ms)):
        raise ValueError(f"milestones must be strictly increasing, got {list(ms)}")
    return ms


def _choice(name: str, value: object, options: tuple[str, ...]) -> str:
    if value not in options:
        raise ValueError(f"{name} must be one of {options}, got {value!r}")
    return str(value)


def _set(obj: object, name: str, value: object) -> None:
    # Frozen dataclasses store their validated (normalised) fields this way.
    object.__setattr__(obj, name, value)


# --- pure schedules ----------------------------------------------------------


@dataclass(frozen=True)
class FixedLR:
    r"""A constant learning rate.

    .. math:: \alpha_t = \alpha_0

    Matches torch with no scheduler (or ``LambdaLR(opt, lambda t: 1.0)``).

    Parameters
    ----------
    lr : float
        The learning rate :math:`\alpha_0 \ge 0`.

    Examples
    --------
    >>> FixedLR(0.1)(1000)
    0.1
    """

    lr: float

    def __post_init__(self) -> None:
        _set(self, "lr", at_least("lr", self.lr, 0.0))

    def __call__(self, t: int) -> float:
        _t(t)
        return self.lr


@dataclass(frozen=True)
class StepLR:
    r"""Multiply the learning rate by :math:`\gamma` every ``step_size`` steps.

    .. math:: \alpha_t = \alpha_0 \, \gamma^{\lfloor t / n \rfloor}, \qquad n = \texttt{step\_size}

    Matches ``torch.optim.lr_scheduler.StepLR``.

    Parameters
    ----------
    lr : float
        Base learning rate :math:`\alpha_0 \ge 0`.
    step_size : int
        Period :math:`n \ge 1` of the decay.
    gamma : float
        Decay factor :math:`\gamma > 0`, default 0.1.

    Examples
    --------
    >>> s = StepLR(0.1, step_size=2, gamma=0.5)
    >>> [s(t) for t in range(6)]
    [0.1, 0.1, 0.05, 0.05, 0.025, 0.025]
    """

    lr: float
    step_size: int
    gamma: float = 0.1

    def __post_init__(self) -> None:
        _set(self, "lr", at_least("lr", self.lr, 0.0))
        _set(self, "step_size", integer("step_size", self.step_size, 1))
        _set(self, "gamma", positive("gamma", self.gamma))

    def __call__(self, t: int) -> float:
        return _decayed(self.lr, self.gamma, _t(t) // self.step_size, t)


@dataclass(frozen=True)
class MultiStepLR:
    r"""Multiply the learning rate by :math:`\gamma` at each milestone.

    .. math::

        \alpha_t = \alpha_0 \, \gamma^{k(t)}, \qquad
        k(t) = \text{the number of milestones} \le t

    Matches ``torch.optim.lr_scheduler.MultiStepLR``.

    Parameters
    ----------
    lr : float
        Base learning rate :math:`\alpha_0 \ge 0`.
    milestones : sequence of int
        Strictly increasing steps, each ``>= 1``.
    gamma : float
        Decay factor :math:`\gamma > 0`, default 0.1.

    Examples
    --------
    >>> s = MultiStepLR(1.0, milestones=[2, 3], gamma=0.5)
    >>> [s(t) for t in range(5)]
    [1.0, 1.0, 0.5, 0.25, 0.25]
    """

    lr: float
    milestones: Sequence[int]
    gamma: float = 0.1

    def __post_init__(self) -> None:
        _set(self, "lr", at_least("lr", self.lr, 0.0))
        _set(self, "milestones", _milestones(self.milestones))
        _set(self, "gamma", positive("gamma", self.gamma))

    def __call__(self, t: int) -> float:
        return _decayed(self.lr, self.gamma, bisect_right(self.milestones, _t(t)), t)


@dataclass(frozen=True)
class ExponentialLR:
    r"""Multiply the learning rate by :math:`\gamma` every step.

    .. math:: \alpha_t = \alpha_0 \, \gamma^{t}

    Matches ``torch.optim.lr_scheduler.ExponentialLR`` (which multiplies
    recursively; the two agree to rounding).

    Parameters
    ----------
    lr : float
        Base learning rate :math:`\alpha_0 \ge 0`.
    gamma : float
        Decay factor :math:`\gamma > 0`.

    Examples
    --------
    >>> s = ExponentialLR(1.0, gamma=0.5)
    >>> [s(t) for t in range(4)]
    [1.0, 0.5, 0.25, 0.125]
    """

    lr: float
    gamma: float

    def __post_init__(self) -> None:
        _set(self, "lr", at_least("lr", self.lr, 0.0))
        _set(self, "gamma", positive("gamma", self.gamma))

    def __call__(self, t: int) -> float:
        return _decayed(self.lr, self.gamma, _t(t), t)


@dataclass(frozen=True)
class CosineAnnealingLR:
    r"""Anneal from ``lr`` to ``eta_min`` along half a cosine wave over ``T_max`` steps.

    .. math::

        \alpha_t = \eta_{\min} + \tfrac12 (\alpha_0 - \eta_{\min})
        \left(1 + \cos\frac{\pi t}{T_{\max}}\right)

    Matches ``torch.optim.lr_scheduler.CosineAnnealingLR``. Like torch, it does
    not stop at ``T_max``: the cosine continues, so the rate climbs back to
    ``lr`` at :math:`2 T_{\max}` (period :math:`2 T_{\max}`). Torch updates
    recursively, and its restart step after :math:`T_{\max}` rounds differently
    from the formula: the two agree to about :math:`10^{-12}` (relative).

    Parameters
    ----------
    lr : float
        Base (maximum) learning rate :math:`\alpha_0 \ge 0`.
    T_max : int
        Steps :math:`T_{\max} \ge 1` of the half period.
    eta_min : float
        Minimum learning rate :math:`\eta_{\min} \ge 0`, default 0.

    Examples
    --------
    >>> s = CosineAnnealingLR(1.0, T_max=2)
    >>> [round(s(t), 12) for t in range(5)]
    [1.0, 0.5, 0.0, 0.5, 1.0]
    """

    lr: float
    T_max: int
    eta_min: float = 0.0

    def __post_init__(self) -> None:
        _set(self, "lr", at_least("lr", self.lr, 0.0))
        _set(self, "T_max", integer("T_max", self.T_max, 1))
        _set(self, "eta_min", at_least("eta_min", self.eta_min, 0.0))

    def __call__(self, t: int) -> float:
        # The cosine has period 2 T_max: reduce t first (exactly, in integers),
        # so that any t, however large, works and keeps full accuracy.
        cosine = 1 + math.cos(math.pi * (_t(t) % (2 * self.T_max)) / self.T_max)
        return self.eta_min + (self.lr - self.eta_min) * cosine / 2


@dataclass(frozen=True)
class LinearLR:
    r"""Scale the learning rate by a factor moving linearly, then hold it (warm-up).

    .. math::

        \alpha_t = \alpha_0 \left(a_0 + (a_1 - a_0)\,
        \frac{\min(t, n)}{n}\right), \qquad n = \texttt{total\_iters}

    Matches ``torch.optim.lr_scheduler.LinearLR`` (which updates recursively;
    the two agree to rounding).

    Parameters
    ----------
    lr : float
        Base learning rate :math:`\alpha_0 \ge 0`.
    start_factor : float
        Factor :math:`a_0 \in (0, 1]` at step 0, default 1/3.
    end_factor : float
        Factor :math:`a_1 \in [0, 1]` from step ``total_iters`` on, default 1.
    total_iters : int
        Length :math:`n \ge 1` of the ramp, default 5.

    Examples
    --------
    >>> s = LinearLR(1.0, start_factor=0.25, total_iters=3)
    >>> [s(t) for t in range(5)]
    [0.25, 0.5, 0.75, 1.0, 1.0]
    """

    lr: float
    start_factor: float = 1.0 / 3
    end_factor: float = 1.0
    total_iters: int = 5

    def __post_init__(self) -> None:
        _set(self, "lr", at_least("lr", self.lr, 0.0))
        _set(self, "start_factor", _fraction("start_factor", self.start_factor, one_allowed=True))
        _set(self, "end_factor", in_range("end_factor", self.end_factor, 0, 1, closed_high=True))
        _set(self, "total_iters", integer("total_iters", self.total_iters, 1))

    def __call__(self, t: int) -> float:
        progress = min(_t(t), self.total_iters) / self.total_iters
        return self.lr * (self.start_factor + (self.end_factor - self.start_factor) * progress)


@dataclass(frozen=True)
class ConstantLR:
    r"""Scale the learning rate by a constant factor for the first ``total_iters`` steps.

    .. math::

        \alpha_t = \begin{cases} a\,\alpha_0 & t < n \\ \alpha_0 & t \ge n \end{cases},
        \qquad n = \texttt{total\_iters}

    Matches ``torch.optim.lr_scheduler.ConstantLR``.

    Parameters
    ----------
    lr : float
        Base learning rate :math:`\alpha_0 \ge 0`.
    factor : float
        Factor :math:`a \in (0, 1]`, default 1/3.
    total_iters : int
        Number of reduced steps :math:`n \ge 1`, default 5.

    Examples
    --------
    >>> s = ConstantLR(1.0, factor=0.5, total_iters=2)
    >>> [s(t) for t in range(4)]
    [0.5, 0.5, 1.0, 1.0]
    """

    lr: float
    factor: float = 1.0 / 3
    total_iters: int = 5

    def __post_init__(self) -> None:
        _set(self, "lr", at_least("lr", self.lr, 0.0))
        _set(self, "factor", _fraction("factor", self.factor, one_allowed=True))
        _set(self, "total_iters", integer("total_iters", self.total_iters, 1))

    def __call__(self, t: int) -> float:
        return self.lr * (self.factor if _t(t) < self.total_iters else 1.0)


@dataclass(frozen=True)
class SequentialLR:
    r"""Run schedules one after another, switching at the milestones.

    .. math::

        \alpha_t = \alpha^{(k)}_{t - t_k} \quad\text{for } t_k \le t < t_{k+1},
        \qquad t_0 = 0,

    with :math:`\alpha^{(k)}` the schedule number :math:`k = 0, 1, \dots` and
    :math:`t_1 < t_2 < \dots` the milestones.

    Matches ``torch.optim.lr_scheduler.SequentialLR``: at each milestone the
    next schedule starts from *its own* step 0 (it does not continue from where
    it would have been). In torch every sub-scheduler shares the optimizer's
    learning rate; here each carries its own ``lr`` (give them the same one to
    reproduce torch).

    Parameters
    ----------
    schedules : sequence of Schedule
        At least one schedule (not :class:`ReduceLROnPlateau`).
    milestones : sequence of int
        Strictly increasing switch points :math:`t_1 < t_2 < \dots`, each
        ``>= 1``, one fewer than there are schedules.

    Examples
    --------
    Four steps of linear warm-up, then cosine decay:

    >>> warmup = LinearLR(1.0, start_factor=0.25, total_iters=4)
    >>> cosine = CosineAnnealingLR(1.0, T_max=2)
    >>> s = SequentialLR([warmup, cosine], milestones=[4])
    >>> [round(s(t), 12) for t in range(7)]
    [0.25, 0.4375, 0.625, 0.8125, 1.0, 0.5, 0.0]
    """

    schedules: Sequence[Schedule]
    milestones: Sequence[int]

    def __post_init__(self) -> None:
        schedules = tuple(self.schedules)
        if not schedules:
            raise ValueError("schedules must hold at least one schedule, got none")
        for i, s in enumerate(schedules):
            if not isinstance(s, Schedule) or isinstance(s, ReduceLROnPlateau):
                raise TypeError(
                    f"schedules[{i}] must be a schedule t -> lr (not ReduceLROnPlateau), got {s!r}"
                )
        milestones = _milestones(self.milestones)
        if len(milestones) != len(schedules) - 1:
            raise ValueError(
                f"milestones must have len(schedules) - 1 = {len(schedules) - 1} entries, "
                f"got {list(milestones)}"
            )
        _set(self, "schedules", schedules)
        _set(self, "milestones", milestones)

    def __call__(self, t: int) -> float:
        t = _t(t)
        i = bisect_right(self.milestones, t)
        start = self.milestones[i - 1] if i > 0 else 0
        return self.schedules[i](t - start)


# --- the stateful one --------------------------------------------------------


class ReduceLROnPlateau:
    r"""Cut the learning rate by ``factor`` when the loss stops improving.

    Feed it one loss per epoch with :meth:`step`. A loss :math:`L` *improves* on
    the best so far, :math:`L_{\text{best}}`, if it beats it by more than the
    threshold :math:`\delta` (``threshold``):

    .. math::

        L < L_{\text{best}}(1 - \delta) \ \text{(min, rel)}, \quad
        L < L_{\text{best}} - \delta \ \text{(min, abs)}, \quad
        L > L_{\text{best}}(1 + \delta) \ \text{(max, rel)}, \quad
        L > L_{\text{best}} + \delta \ \text{(max, abs)}.

    After more than ``patience`` epochs in a row without improvement,

    .. math:: \alpha \leftarrow \max(a \alpha, \alpha_{\min})

    (skipped if it would change :math:`\alpha` by no more than ``eps``), and
    the next ``cooldown`` epochs are not counted as bad.

    Matches ``torch.optim.lr_scheduler.ReduceLROnPlateau``. Unlike the other
    schedules it has state; calling it, ``schedule(t)``, returns the current
    learning rate whatever ``t`` is.

    Parameters
    ----------
    lr : float
        Initial learning rate :math:`\alpha_0 \ge 0`.
    mode : {"min", "max"}
        Whether the monitored quantity should go down (a loss) or up (an
        accuracy), default "min".
    factor : float
        Reduction factor :math:`a \in (0, 1)`, default 0.1.
    patience : int
        Bad epochs tolerated before reducing, ``>= 0``, default 10.
    threshold : float
        Improvement threshold :math:`\delta`, in ``[0, 1)`` for "rel" and
        ``>= 0`` for "abs", default 1e-4.
    threshold_mode : {"rel", "abs"}
        Relative or absolute threshold, default "rel".
    cooldown : int
        Epochs to wait after a reduction before counting bad epochs, ``>= 0``,
        default 0.
    min_lr : float
        Lower bound :math:`\alpha_{\min} \ge 0`, default 0.
    eps : float
        Smallest change of the learning rate worth making, ``>= 0``, default 1e-8.

    Attributes
    ----------
    initial_lr : float
        The learning rate at construction (and after :meth:`reset`).
    lr : float
        The current learning rate.
    best : float
        The best loss so far (``inf`` in "min" mode, ``-inf`` in "max" mode,
        before any).
    num_bad_epochs : int
        Epochs in a row without improvement (not counting cooldown).
    cooldown_counter : int
        Epochs of cooldown left.
    last_epoch : int
        Number of losses seen.

    Examples
    --------
    >>> s = ReduceLROnPlateau(1.0, factor=0.5, patience=1)
    >>> [s.step(loss) for loss in [3.0, 2.0, 2.0, 2.0, 1.0]]
    [1.0, 1.0, 1.0, 0.5, 0.5]
    >>> s(0)
    0.5
    """

    def __init__(
        self,
        lr: float,
        mode: Literal["min", "max"] = "min",
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 1e-4,
        threshold_mode: Literal["rel", "abs"] = "rel",
        cooldown: int = 0,
        min_lr: float = 0.0,
        eps: float = 1e-8,
    ) -> None:
        self.initial_lr = at_least("lr", lr, 0.0)
        self.mode = _choice("mode", mode, ("min", "max"))
        self.factor = _fraction("factor", factor, one_allowed=False)
        self.patience = integer("patience", patience, 0)
        self.threshold_mode = _choice("threshold_mode", threshold_mode, ("rel", "abs"))
        if self.threshold_mode == "rel":
            self.threshold = in_range("threshold", threshold, 0, 1)
        else:
            self.threshold = at_least("threshold", threshold, 0.0)
        self.cooldown = integer("cooldown", cooldown, 0)
        self.min_lr = at_least("min_lr", min_lr, 0.0)
        self.eps = at_least("eps", eps, 0.0)
        self.reset()

    def reset(self) -> None:
        """Forget every loss seen: back to the state right after construction."""
        self.lr = self.initial_lr
        self.best = math.inf if self.mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0
        self.last_epoch = 0

    def is_better(self, loss: float) -> bool:
        """Return whether ``loss`` improves on ``best`` by more than the threshold."""
        tau, best = self.threshold, self.best
        if self.mode == "min":
            return loss < (best * (1 - tau) if self.threshold_mode == "rel" else best - tau)
        return loss > (best * (1 + tau) if self.threshold_mode == "rel" else best + tau)

    def step(self, loss: float) -> float:
        """Record one epoch's ``loss`` and return the (possibly reduced) learning rate."""
        loss = real("loss", loss)
        self.last_epoch += 1
        if self.is_better(loss):
            self.best, self.num_bad_epochs = loss, 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            new_lr = max(self.lr * self.factor, self.min_lr)
            if self.lr - new_lr > self.eps:
                self.lr = new_lr
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        return self.lr

    def __call__(self, t: int) -> float:
        _t(t)
        return self.lr

    def __repr__(self) -> str:
        return (
            f"ReduceLROnPlateau(lr={self.lr!r}, mode={self.mode!r}, factor={self.factor!r}, "
            f"patience={self.patience!r}, best={self.best!r}, "
            f"num_bad_epochs={self.num_bad_epochs!r}, cooldown_counter={self.cooldown_counter!r})"
        )
