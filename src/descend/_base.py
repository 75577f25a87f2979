"""The contract every update rule follows.

An optimizer is a small immutable object holding hyperparameters. It never
holds parameters or history: those travel in a :class:`State`, so one
optimizer can drive many runs and a run can be saved and resumed::

    state = opt.init(phi)
    phi, state = opt.step(phi, grad, state)

``grad`` is either the gradient at ``phi`` (an array of the same shape) or a
callable ``phi -> gradient``, which rules that look elsewhere (Nesterov's
look-ahead) need.
"""

from __future__ import annotations

import dataclasses
import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import numpy as np

from descend import _validate as check
from descend._validate import FloatArray
from descend.schedules import Schedule

#: A gradient: the array itself, or a function that evaluates it at any ``phi``.
Gradient = FloatArray | Callable[[FloatArray], FloatArray]

#: A learning rate: a fixed number or a schedule ``t -> alpha_t``.
LearningRate = float | Schedule


@dataclass(frozen=True)
class State:
    """What an optimizer carries from one step to the next.

    Parameters
    ----------
    optimizer
        The optimizer that made this state (its class and hyperparameters
        travel with the state into checkpoints); ``step`` refuses a state
        made by another class.
    t
        Number of steps taken so far (the first step sees ``t = 0`` and
        leaves ``t = 1``).
    buffers
        Named arrays with the shape of ``phi``: ``m`` (first moment or
        momentum), ``v`` (second moment), and so on.
    """

    optimizer: Optimizer
    t: int
    buffers: Mapping[str, FloatArray]

    def __getitem__(self, name: str) -> FloatArray:
        return self.buffers[name]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, State):
            return NotImplemented
        return (
            self.optimizer == other.optimizer
            and self.t == other.t
            and self.buffers.keys() == other.buffers.keys()
            and all(np.array_equal(self.buffers[k], other.buffers[k]) for k in self.buffers)
        )

    __hash__ = None  # type: ignore[assignment]


class NonFiniteError(FloatingPointError):
    """A step met NaN or inf in the gradient, the parameters or the state."""


class NonFiniteWarning(RuntimeWarning):
    """A step was skipped because of NaN or inf (``nonfinite="skip"``)."""


class _NonFiniteGradientError(Exception):
    """Raised inside ``update`` by :meth:`Optimizer.gradient`, handled by ``step``."""


def _nonfinite(name: str, a: FloatArray) -> str | None:
    """Describe the NaN and inf entries of ``a``, or None if it is all finite."""
    if np.isfinite(a).all():
        return None
    n_bad = int(np.count_nonzero(~np.isfinite(a)))
    n_nan = int(np.count_nonzero(np.isnan(a)))
    return (
        f"{name} has {n_bad} non-finite entr{'y' if n_bad == 1 else 'ies'} "
        f"({n_nan} NaN, {n_bad - n_nan} inf) out of {a.size}"
    )


def learning_rate(name: str, lr: object) -> LearningRate:
    """Validate a learning rate: a finite number ``>= 0`` or a schedule."""
    if isinstance(lr, Schedule) and not isinstance(lr, int | float):
        return lr
    return check.at_least(name, lr, 0.0)


@dataclass(frozen=True)
class Optimizer(ABC):
    """Base class of the update rules.

    Subclasses are frozen dataclasses whose fields are the hyperparameters,
    validated in ``__post_init__``, and implement :meth:`update`, the rule
    itself, written with the symbols of the docs.
    """

    #: True for rules that must evaluate the gradient away from ``phi``.
    needs_callable: ClassVar[bool] = False

    lr: LearningRate
    #: What a step does when the gradient, the parameters or a buffer hold NaN
    #: or inf: ``"raise"`` a :class:`NonFiniteError` naming the step and the
    #: entries (default), or ``"skip"`` the step (parameters and state stay as
    #: they were, and a :class:`NonFiniteWarning` says so).
    nonfinite: Literal["raise", "skip"] = field(default="raise", kw_only=True)

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", learning_rate("lr", self.lr))
        if self.nonfinite not in ("raise", "skip"):
            raise ValueError(f"nonfinite must be 'raise' or 'skip', got {self.nonfinite!r}")

    @property
    def buffer_names(self) -> tuple[str, ...]:
        """Names of the state buffers this configuration keeps."""
        return ()

    def initial_buffers(self, phi: FloatArray) -> dict[str, FloatArray]:
        """Buffers before the first step (zeros unless a rule says otherwise)."""
        return {name: np.zeros_like(phi) for name in self.buffer_names}

    def init(self, phi: FloatArray) -> State:
        """Return the state before the first step for parameters like ``phi``."""
        phi = check.float_array("phi", phi)
        return State(self, 0, self.initial_buffers(phi))

    def lr_at(self, t: int) -> float:
        r"""The learning rate :math:`\alpha_t` used by step ``t`` (0-based)."""
        lr = self.lr
        return float(lr) if isinstance(lr, int | float) else float(lr(t))

    def step(self, phi: FloatArray, grad: Gradient, state: State) -> tuple[FloatArray, State]:
        """Take one step: return the new parameters and the new state.

        ``phi`` is not modified; the returned array is new.
        """
        phi = check.float_array("phi", phi)
        self._check_state(phi, state)
        if self.needs_callable and not callable(grad):
            raise TypeError(
                f"{type(self).__name__} evaluates the gradient at a look-ahead point, so grad "
                f"must be a callable phi -> gradient, got an array of type {type(grad).__name__}"
            )
        if (problem := _nonfinite("phi", phi)) is not None:
            raise NonFiniteError(f"step {state.t} of {type(self).__name__}: {problem}")
        try:
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                new_phi, buffers = self.update(phi, grad, state, self.lr_at(state.t))
            problem = _nonfinite("the new phi", new_phi) or next(
                (p for k, b in buffers.items() if (p := _nonfinite(f"state buffer {k!r}", b))),
                None,
            )
        except _NonFiniteGradientError as err:
            problem = str(err)
        if problem is None:
            return new_phi, State(self, state.t + 1, buffers)
        where = f"step {state.t} of {type(self).__name__}: {problem}"
        if self.nonfinite == "raise":
            raise NonFiniteError(
                f"{where}. A learning rate too large, or a loss that overflows, makes "
                "this; pass nonfinite='skip' to skip such steps instead"
            )
        warnings.warn(f"{where}; step skipped", NonFiniteWarning, stacklevel=2)
        return phi.copy(), state

    def gradient(self, grad: Gradient, phi: FloatArray) -> FloatArray:
        """The gradient at ``phi``: ``grad`` itself, or ``grad(phi)`` if callable.

        Checked: a float array of ``phi``'s shape with finite entries.
        """
        g = grad(phi) if callable(grad) else grad
        g = check.float_array("grad", g)
        check.same_shape("grad", g, "phi", phi)
        if (problem := _nonfinite("the gradient", g)) is not None:
            raise _NonFiniteGradientError(problem)
        return g

    @abstractmethod
    def update(
        self, phi: FloatArray, grad: Gradient, state: State, alpha: float
    ) -> tuple[FloatArray, dict[str, FloatArray]]:
        """The update rule: new ``phi`` and new buffers from the old ones."""

    def hyperparameters(self) -> dict[str, Any]:
        """The hyperparameters as a plain dict (for display and checkpoints)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    def _check_state(self, phi: FloatArray, state: State) -> None:
        if not isinstance(state, State):
            raise TypeError(
                f"state must be a State made by {type(self).__name__}.init, "
                f"got {type(state).__name__}"
            )
        if type(state.optimizer) is not type(self):
            raise ValueError(
                f"state was made by {type(state.optimizer).__name__}, not "
                f"{type(self).__name__}; call {type(self).__name__}.init(phi) for a fresh state"
            )
        if tuple(state.buffers) != self.buffer_names:
            raise ValueError(
                f"state has buffers {tuple(state.buffers)} but this {type(self).__name__} "
                f"configuration keeps {self.buffer_names}"
            )
        for name, buf in state.buffers.items():
            if buf.shape != phi.shape:
                raise ValueError(
                    f"state buffer {name!r} has shape {buf.shape} but phi has shape "
                    f"{phi.shape}; was the state made for other parameters?"
                )
