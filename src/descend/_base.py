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
import math
import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
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


@dataclass(eq=False)
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
    buffers: dict[str, FloatArray]

    def __getitem__(self, name: str) -> FloatArray:
        return self.buffers[name]

    def copy(self) -> State:
        """A snapshot: the same step count with copies of the buffers."""
        return State(self.optimizer, self.t, {k: v.copy() for k, v in self.buffers.items()})

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


#: Bytes per array in one block of :meth:`Optimizer._apply`: a block of every
#: array a rule touches, and the rule's temporaries, fit in a core's L2 cache.
BLOCK_BYTES = 1 << 17


class _Views(Mapping[str, FloatArray]):
    """The blocks ``[block]`` of named flat buffers, as the mapping a rule sees."""

    __slots__ = ("_block", "_bufs")

    def __init__(self, bufs: dict[str, FloatArray], block: slice) -> None:
        self._bufs, self._block = bufs, block

    def __getitem__(self, name: str) -> FloatArray:
        return self._bufs[name][self._block]

    def __iter__(self) -> Iterator[str]:
        return iter(self._bufs)

    def __len__(self) -> int:
        return len(self._bufs)


def _flat(a: FloatArray) -> FloatArray:
    """A 1-D view of ``a`` (a copy only if ``a`` is not C-contiguous)."""
    return a.reshape(-1) if a.flags.c_contiguous else np.ascontiguousarray(a).reshape(-1)


def _first_problem(
    phi: FloatArray,
    g: FloatArray,
    new: FloatArray,
    bufs: dict[str, FloatArray],
    block: slice,
) -> str | None:
    """Say where the NaN or inf is: phi, the gradient, the new phi or a buffer."""
    checks = [("phi", phi), ("the gradient", g), ("the new phi", new)]
    checks += [(f"state buffer {k!r}", b[block]) for k, b in bufs.items()]
    for name, a in checks:
        if (problem := _nonfinite(name, a)) is not None:
            return problem
    return None  # a finite sum overflowed: a false alarm


class NonFiniteError(FloatingPointError):
    """A step met NaN or inf in the gradient, the parameters or the state."""


class NonFiniteWarning(RuntimeWarning):
    """A step was skipped because of NaN or inf (``nonfinite="skip"``)."""


def _nonfinite(name: str, a: FloatArray) -> str | None:
    """Describe the NaN and inf entries of ``a``, or None if it is all finite."""
    n_bad = int(np.count_nonzero(~np.isfinite(a)))
    if n_bad == 0:
        return None
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
    validated in ``__post_init__``, and implement :meth:`rule`, the update
    rule itself, elementwise and written with the symbols of the docs; the
    base class applies it block by block, in place (see :meth:`step`).
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
        check.choice("nonfinite", self.nonfinite, ("raise", "skip"))

    @property
    def buffer_names(self) -> tuple[str, ...]:
        """Names of the state buffers this configuration keeps."""
        return ()

    def initial_buffers(self, phi: FloatArray) -> dict[str, FloatArray]:
        """Buffers before the first step (zeros unless a rule says otherwise)."""
        return {name: np.zeros(phi.shape, dtype=phi.dtype) for name in self.buffer_names}

    def init(self, phi: FloatArray) -> State:
        """Return the state before the first step for parameters like ``phi``."""
        phi = check.float_array("phi", phi)
        return State(self, 0, self.initial_buffers(phi))

    def lr_at(self, t: int) -> float:
        r"""The learning rate :math:`\alpha_t` used by step ``t`` (0-based)."""
        lr = self.lr
        if isinstance(lr, int | float):
            return float(lr)
        value = lr(t)
        try:
            return check.at_least(f"the learning rate lr({t})", value, 0.0)
        except TypeError as err:
            raise TypeError(f"the schedule {lr!r} returned {value!r} at t={t}: {err}") from None

    def step(
        self, phi: FloatArray, grad: Gradient, state: State, *, out: FloatArray | None = None
    ) -> tuple[FloatArray, State]:
        """Take one step: return the new parameters and ``state``, updated in place.

        ``phi`` is not modified: the new parameters go to a new array, or to
        ``out`` if given (``out=phi`` updates the parameters in place, so a
        step allocates no array at all). The state's buffers and step count
        are updated in place, like PyTorch's optimizer state; use
        :meth:`State.copy` to keep a snapshot.
        """
        phi = check.float_array("phi", phi)
        self._check_state(phi, state)
        target = self._check_out(out, phi)
        if self.needs_callable and not callable(grad):
            raise TypeError(
                f"{type(self).__name__} evaluates the gradient at a look-ahead point, so grad "
                f"must be a callable phi -> gradient, got an array of type {type(grad).__name__}"
            )
        alpha = self.lr_at(state.t)
        work = state.copy() if self.nonfinite == "skip" else state
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            g = self.direction(phi, grad, state, alpha)
            new_phi = target if self.nonfinite == "raise" else np.empty_like(target)
            problem = self._apply(phi, g, work.buffers, alpha, state.t + 1, new_phi)
        if problem is None:
            if work is not state:
                for name, buf in work.buffers.items():
                    state.buffers[name][...] = buf
                target[...] = new_phi
            state.t += 1
            return target, state
        where = f"step {state.t} of {type(self).__name__}: {problem}"
        if self.nonfinite == "raise":
            raise NonFiniteError(
                f"{where}. A learning rate too large, or a loss that overflows, makes "
                "this; pass nonfinite='skip' to skip such steps instead (after this "
                "error the state is part-updated: restart from a checkpoint)"
            )
        warnings.warn(f"{where}; step skipped", NonFiniteWarning, stacklevel=2)
        if target is not phi:
            target[...] = phi
        return target, state

    def _apply(
        self,
        phi: FloatArray,
        g: FloatArray,
        buffers: dict[str, FloatArray],
        alpha: float,
        t: int,
        out: FloatArray,
    ) -> str | None:
        """Run :meth:`rule` block by block, writing to ``out`` and the buffers.

        Each block is small enough that the rule's intermediate arrays stay in
        the CPU cache, so a step costs about one pass over memory per array it
        reads or writes, whatever the number of operators in the rule. Returns
        a description of the first NaN or inf met, or None.
        """
        phi_flat, g_flat, out_flat = _flat(phi), _flat(g), out.reshape(-1)
        bufs = {name: buf.reshape(-1) for name, buf in buffers.items()}
        size = max(1, BLOCK_BYTES // phi.itemsize)
        for i in range(0, phi_flat.size, size):
            block = slice(i, i + size)
            new = self.rule(phi_flat[block], g_flat[block], _Views(bufs, block), alpha, t)
            # One sum per array: NaN and inf propagate through it, and it runs in cache.
            # Checked before ``new`` is written, so that with ``out=phi`` the diagnosis
            # still sees this block of the old phi.
            suspect = not math.isfinite(new.sum()) or not all(
                math.isfinite(b[block].sum()) for b in bufs.values()
            )
            if suspect and (problem := _first_problem(phi, g, new, bufs, block)) is not None:
                return problem
            out_flat[block] = new
        return None

    def direction(self, phi: FloatArray, grad: Gradient, state: State, alpha: float) -> FloatArray:
        """The gradient the rule uses: by default the gradient at ``phi``.

        Rules that look elsewhere (Nesterov) or rescale it as a whole (the
        global norm) override this; everything elementwise is in :meth:`rule`.
        """
        return self.gradient(grad, phi)

    def gradient(self, grad: Gradient, phi: FloatArray) -> FloatArray:
        """The gradient at ``phi``: ``grad`` itself, or ``grad(phi)`` if callable.

        Checked: a float array of ``phi``'s shape.
        """
        g = grad(phi) if callable(grad) else grad
        g = check.float_array("grad", g)
        check.same_shape("grad", g, "phi", phi)
        return g

    @abstractmethod
    def rule(
        self, phi: FloatArray, g: FloatArray, s: Mapping[str, FloatArray], alpha: float, t: int
    ) -> FloatArray:
        """The update rule, elementwise: return the new ``phi``, update ``s`` in place.

        ``phi``, ``g`` and the buffers ``s`` are matching blocks of the
        arrays, ``alpha`` is this step's learning rate and ``t = 1, 2, ...``
        the number of this step.
        """

    def _check_out(self, out: FloatArray | None, phi: FloatArray) -> FloatArray:
        if out is None:
            return np.empty(phi.shape, dtype=phi.dtype)
        if not isinstance(out, np.ndarray):
            raise TypeError(f"out must be a NumPy array, got {type(out).__name__}")
        if out.shape != phi.shape or out.dtype != phi.dtype:
            raise ValueError(
                f"out is {out.dtype}{list(out.shape)} but phi is {phi.dtype}{list(phi.shape)}; "
                "they must match"
            )
        if not out.flags.c_contiguous or not out.flags.writeable:
            raise ValueError("out must be a writeable C-contiguous array")
        return out

    def hyperparameters(self) -> dict[str, Any]:
        """The hyperparameters as a plain dict (for display and checkpoints)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    def _check_state(self, phi: FloatArray, state: State) -> None:
        if not isinstance(state, State):
            raise TypeError(
                f"state must be a State made by {type(self).__name__}.init, "
                f"got {type(state).__name__}"
            )
        check.integer("state.t", state.t, 0)
        if not isinstance(state.buffers, dict) or not all(
            isinstance(b, np.ndarray) for b in state.buffers.values()
        ):
            raise TypeError(f"state.buffers must be a dict of NumPy arrays, got {state.buffers!r}")
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
        for name, buf in list(state.buffers.items()):
            check.float_array(f"state buffer {name!r}", buf)
            if not buf.flags.c_contiguous or not buf.flags.writeable:
                state.buffers[name] = buf = np.ascontiguousarray(buf).copy()
            if buf.shape != phi.shape:
                raise ValueError(
                    f"state buffer {name!r} has shape {buf.shape} but phi has shape "
                    f"{phi.shape}; was the state made for other parameters?"
                )
