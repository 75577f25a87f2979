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
import functools
import inspect
import math
import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import numpy as np

from descend import _fused
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


def _flat(a: FloatArray) -> FloatArray:
    """A 1-D view of ``a`` (a copy only if ``a`` is not C-contiguous)."""
    if a.ndim == 1 and a.flags.c_contiguous:
        return a
    return a.reshape(-1) if a.flags.c_contiguous else np.ascontiguousarray(a).reshape(-1)


def _first_problem(checks: list[tuple[str, FloatArray]]) -> str | None:
    """Say where the NaN or inf is: phi, the gradient, the new phi or a buffer."""
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
    validated in ``__post_init__``. Each writes its rule once, as two parts:
    :meth:`scalars`, the numbers a step needs (the learning rate, bias
    corrections, flags), and :meth:`update`, the rule itself, elementwise and
    written with the symbols of the docs. The base class runs ``update`` over
    the arrays block by block with NumPy, or, with ``fused=True``, compiles
    the same function with numba into a single pass (see :meth:`step`).
    """

    #: True for rules that must evaluate the gradient away from ``phi``.
    needs_callable: ClassVar[bool] = False
    #: The state buffers :meth:`update` takes, in order; a configuration keeps
    #: some of them (:attr:`buffer_names`) and the others are passed as 0.
    slots: ClassVar[tuple[str, ...]] = ()

    lr: LearningRate
    #: What a step does when the gradient, the parameters or a buffer hold NaN
    #: or inf: ``"raise"`` a :class:`NonFiniteError` naming the step and the
    #: entries (default), or ``"skip"`` the step (parameters and state stay as
    #: they were, and a :class:`NonFiniteWarning` says so).
    nonfinite: Literal["raise", "skip"] = field(default="raise", kw_only=True)
    #: ``True``: run the rule as one compiled loop over the arrays (numba,
    #: ``pip install numba``; float32 and float64), as fast as one
    #: core moves the memory. ``None`` (default) or ``False``: NumPy, block by
    #: block. Both give the same numbers; ``torch.optim`` uses the same name.
    fused: bool | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", learning_rate("lr", self.lr))
        check.choice("nonfinite", self.nonfinite, ("raise", "skip"))
        if self.fused is not None:
            object.__setattr__(self, "fused", check.flag("fused", self.fused))
        if self.fused:
            _fused.require()

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
        """Run :meth:`update` over the arrays, writing to ``out`` and the buffers.

        NumPy path: block by block, each block small enough that the rule's
        intermediate arrays stay in the CPU cache, so a step costs about one
        pass over memory per array it reads or writes, whatever the number of
        operators in the rule. Fused path: the compiled loop. Returns a
        description of the first NaN or inf met, or None.
        """
        named = self.scalars(alpha, t)
        k = tuple(named[name] for name in _scalar_names(type(self)))
        phi_flat, g_flat, out_flat = _flat(phi), _flat(g), _flat(out)
        bufs = [_flat(buffers[n]) if n in buffers else None for n in self.slots]
        # The buffers this configuration keeps: (name, position in update's results, array).
        kept = [(n, j, b) for j, n in enumerate(self.slots) if (b := bufs[j]) is not None]
        if self.fused:
            out_or_none = None if out is phi else out_flat
            return self._apply_fused(phi_flat, g_flat, bufs, kept, k, out_or_none)
        size = max(1, BLOCK_BYTES // phi.itemsize)
        for i in range(0, phi_flat.size, size):
            block = slice(i, i + size)
            old = [0.0 if b is None else b[block] for b in bufs]
            new_phi, *new = self.update(phi_flat[block], g_flat[block], *old, *k)
            # One sum per array: NaN and inf propagate through it, and it runs in
            # cache. Checked before anything of this block is written.
            if not all(math.isfinite(a.sum()) for a in [new_phi, *(new[j] for _, j, _ in kept)]):
                checks = [("phi", phi_flat[block]), ("the gradient", g_flat[block])]
                checks += [("the new phi", new_phi)]
                checks += [(f"state buffer {n!r}", new[j]) for n, j, _ in kept]
                if (problem := _first_problem(checks)) is not None:
                    return problem
            out_flat[block] = new_phi
            for _, j, b in kept:
                b[block] = new[j]
        return None

    def _apply_fused(
        self,
        phi: FloatArray,
        g: FloatArray,
        bufs: list[FloatArray | None],
        kept: list[tuple[str, int, FloatArray]],
        k: tuple[float | bool, ...],
        out: FloatArray | None,
    ) -> str | None:
        """The compiled single pass over flat arrays (``out=None``: in place).

        See :mod:`descend._fused`.
        """
        if (why := _fused.unsupported_dtype(phi, g)) is not None:
            raise TypeError(
                f"fused=True runs float32 and float64 arrays of one dtype, but {why}; "
                "use fused=False (the NumPy path takes any float dtype)"
            )
        if not _fused.apply(type(self).update, phi, g, bufs, k, out):
            return None
        # Rare: find the culprit (in place, the old phi is gone; the rest is intact).
        checks = [] if out is None else [("phi", phi)]
        checks += [("the gradient", g), ("the new phi", phi if out is None else out)]
        checks += [(f"state buffer {n!r}", b) for n, _, b in kept]
        return _first_problem(checks)

    def direction(self, phi: FloatArray, grad: Gradient, state: State, alpha: float) -> FloatArray:
        """The gradient the rule uses: by default the gradient at ``phi``.

        Rules that look elsewhere (Nesterov) or rescale it as a whole (the
        global norm) override this; everything elementwise is in :meth:`update`.
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
    def scalars(self, alpha: float, t: int) -> dict[str, float | bool]:
        r"""The numbers a step needs, by the names :meth:`update` gives them.

        ``t = 1, 2, ...`` is the step's 1-based number: the step the site calls
        :math:`t = 0, 1, \dots` is passed ``t + 1``, the power in Adam's bias
        corrections.

        Everything that is the same for every coordinate is computed here,
        once per step, in Python floats: ``alpha`` (this step's learning
        rate), bias corrections, hyperparameters and flags.
        """

    @staticmethod
    @abstractmethod
    def update(phi: FloatArray, g: FloatArray, *args: Any) -> tuple[FloatArray, ...]:
        """The update rule, elementwise: return the new ``phi`` and the new buffers.

        Called as ``update(phi, g, *buffers, *scalars)`` with a buffer for
        each name in :attr:`slots` and the values of :meth:`scalars` in the
        order of ``update``'s parameters. It must be a pure function of
        numbers, valid for NumPy arrays (the NumPy path passes blocks) and for
        scalars (the fused path compiles it with numba): arithmetic, ``if``
        on the scalars, ``np.sqrt`` and ``np.maximum``; no literal numbers in
        arithmetic, since those would round differently in float32.
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
        return {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)
            if f.name != "fused"  # how the rule runs, not what it computes
        }

    def _check_state(self, phi: FloatArray, state: State) -> None:
        if (  # the common case, checked quickly: a state this optimizer made for phi
            type(state) is State
            and type(state.optimizer) is type(self)
            and type(state.t) is int
            and state.t >= 0
            and type(state.buffers) is dict
            and tuple(state.buffers) == self.buffer_names
            and all(
                type(b) is np.ndarray
                and b.dtype.kind == "f"
                and b.shape == phi.shape
                and b.flags.c_contiguous
                and b.flags.writeable
                for b in state.buffers.values()
            )
        ):
            return
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


@functools.cache
def _scalar_names(cls: type[Optimizer]) -> tuple[str, ...]:
    """The scalar parameters of ``cls.update``: those after ``phi``, ``g`` and the buffers."""
    return tuple(inspect.signature(cls.update).parameters)[2 + len(cls.slots) :]
