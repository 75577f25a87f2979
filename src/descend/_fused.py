"""The optional compiled path (``fused=True``): a rule's own ``update``, in one loop.

Every optimizer writes its rule once, as an elementwise function ``update``
(see :meth:`descend.Optimizer.update`). The NumPy path applies it to blocks
of the arrays; this module compiles the *same function* with numba for
scalars and calls it inside a loop over the elements, so a step reads and
writes each array exactly once, like ``torch.optim``'s fused kernels. The
loop is generated here from the rule's buffer layout (a few lines of source,
compiled once per rule, layout and dtype); there is no second copy of any
rule. No ``fastmath``: the compiled rule rounds like NumPy, operation for
operation, so both paths agree to the last bit, in float32 and float64
(tests/test_fused.py).

The loop for :class:`descend.Momentum` (one buffer ``m``, two numbers
``alpha`` and ``1 - beta``), in place, in float64:

>>> print(_source(present=(True,), flags=(None, None), dtype="float64", in_place=True))
def loop(phi, g, b0, s0, s1):
    k0 = np.float64(s0)
    k1 = np.float64(s1)
    bad = False
    for i in range(phi.size):
        p, r0, = kernel(phi[i], g[i], b0[i], k0, k1)
        bad |= ((p - p) + (r0 - r0)) != 0
        phi[i] = p
        b0[i] = r0
    return bad
<BLANKLINE>

numba is an optional dependency: ``pip install numba`` (in a clone of descend,
``pip install ".[fused]"`` installs the pinned range).
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from descend._validate import FloatArray

#: The dtypes the compiled loop handles (numba has no float16 arithmetic).
DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def available() -> bool:
    """True if numba can be imported, so that ``fused=True`` works."""
    return importlib.util.find_spec("numba") is not None


@functools.cache
def _kernel(update: Callable[..., Any]) -> Any:
    import numba

    # error_model="numpy": a division by zero gives inf or NaN, as in NumPy,
    # instead of a check and an exception that would stop vectorization.
    return numba.njit(error_model="numpy")(update)


def _source(
    present: tuple[bool, ...], flags: tuple[bool | None, ...], dtype: str, in_place: bool
) -> str:
    """The loop for one layout of a rule's arguments.

    ``present[j]`` says buffer j is an array; absent buffers (a configuration
    that does not keep them) are a zero and their results are dropped.
    ``flags[j]`` is None if scalar j is a number, passed in and cast to the
    arrays' ``dtype`` before the loop (so float32 arithmetic stays float32,
    as in NumPy), or the value of a bool flag, written into the loop as a
    constant so that the compiler drops the branches not taken. The loop also
    returns whether any result is NaN or inf: ``x - x`` is 0 for finite ``x``
    and NaN otherwise.
    """
    bufs = [f"b{j}" for j in range(len(present))]
    kept = [b for b, p in zip(bufs, present, strict=True) if p]
    numbers = [f"s{j}" for j, f in enumerate(flags) if f is None]
    args = ["phi", "g", *kept, *numbers] + ([] if in_place else ["out"])
    given = [f"{b}[i]" if p else b for b, p in zip(bufs, present, strict=True)]
    given += [f"k{j}" if f is None else str(f) for j, f in enumerate(flags)]
    results = "".join(f"r{j}, " for j in range(len(present)))
    finite = " + ".join(f"({x} - {x})" for x in ["p", *(f"r{b[1:]}" for b in kept)])
    lines = [
        f"def loop({', '.join(args)}):",
        *(f"    {b} = np.{dtype}(0)" for b, p in zip(bufs, present, strict=True) if not p),
        *(f"    k{j} = np.{dtype}(s{j})" for j, f in enumerate(flags) if f is None),
        "    bad = False",
        "    for i in range(phi.size):",
        f"        p, {results}= kernel(phi[i], g[i], {', '.join(given)})",
        f"        bad |= ({finite}) != 0",
        f"        {'phi' if in_place else 'out'}[i] = p",
        *(f"        {b}[i] = r{b[1:]}" for b in kept),
        "    return bad",
    ]
    return "\n".join(lines) + "\n"


@functools.cache
def _loop(
    update: Callable[..., Any],
    present: tuple[bool, ...],
    flags: tuple[bool | None, ...],
    dtype: np.dtype[Any],
    in_place: bool,
) -> Any:
    import numba

    namespace: dict[str, Any] = {"kernel": _kernel(update), "np": np}
    source = _source(present, flags, dtype.name, in_place)
    exec(source, namespace)  # our own source, generated above
    return numba.njit(error_model="numpy", nogil=True)(namespace["loop"])


def apply(
    update: Callable[..., Any],
    phi: FloatArray,
    g: FloatArray,
    buffers: Sequence[FloatArray | None],
    scalars: tuple[float | bool, ...],
    out: FloatArray | None,
) -> bool:
    """Run ``update`` over flat C-contiguous arrays; return True if a result is not finite.

    ``buffers`` has one entry per buffer slot of the rule, None for the slots
    this configuration does not keep; they are updated in place, and so is
    ``phi`` if ``out`` is None (otherwise the new parameters go to ``out``).
    """
    present = tuple(b is not None for b in buffers)
    flags = tuple(x if isinstance(x, bool) else None for x in scalars)
    # in place: its own loop, so that no array argument aliases another
    loop = _loop(update, present, flags, phi.dtype, out is None)
    numbers = [x for x in scalars if not isinstance(x, bool)]
    arrays = [b for b in buffers if b is not None]
    if out is None:
        return bool(loop(phi, g, *arrays, *numbers))
    return bool(loop(phi, g, *arrays, *numbers, out))


def unsupported_dtype(phi: FloatArray, g: FloatArray) -> str | None:
    """Why the compiled loop cannot take these arrays, or None if it can."""
    for name, a in (("phi", phi), ("grad", g)):
        if a.dtype not in DTYPES:
            return f"{name} is {a.dtype}"
    if g.dtype != phi.dtype:
        return f"grad is {g.dtype} but phi is {phi.dtype}"
    return None


def require() -> None:
    """Raise a clear error if numba is missing."""
    if not available():
        raise ModuleNotFoundError(
            "fused=True compiles the update rule with numba, which is not installed: "
            "pip install numba (in a clone of descend: pip install '.[fused]'), or use fused=False"
        )


__all__ = ["DTYPES", "apply", "available", "require", "unsupported_dtype"]
