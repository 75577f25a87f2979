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
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

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
        Name of the optimizer class that made this state; ``step`` refuses a
        state made by another class.
    t
        Number of steps taken so far (the first step sees ``t = 0`` and
        leaves ``t = 1``).
    buffers
        Named arrays with the shape of ``phi``: ``m`` (first moment or
        momentum), ``v`` (second moment), and so on.
    """

    optimizer: str
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
        return State(type(self).__name__, 0, self.initial_buffers(phi))

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
        new_phi, buffers = self.update(phi, grad, state, self.lr_at(state.t))
        return new_phi, State(state.optimizer, state.t + 1, buffers)

    def gradient(self, grad: Gradient, phi: FloatArray) -> FloatArray:
        """The gradient at ``phi``: ``grad`` itself, or ``grad(phi)`` if callable."""
        g = grad(phi) if callable(grad) else grad
        g = check.float_array("grad", g)
        check.same_shape("grad", g, "phi", phi)
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
        if state.optimizer != type(self).__name__:
            raise ValueError(
                f"state was made by {state.optimizer}, not {type(self).__name__}; "
                f"call {type(self).__name__}.init(phi) for a fresh state"
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
