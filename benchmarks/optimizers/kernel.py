"""The reference: one fused C loop per rule, compiled here with gcc and called through ctypes.

It reads and writes each array once and does the rule's arithmetic in
descend's order, on one thread: the bandwidth bound of one core for that rule.
Without gcc, a NumPy estimate (``np.copyto`` bandwidth scaled by the rule's
passes) stands in.
"""

from __future__ import annotations

import ctypes
import math
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from .rules import BETAS, EPS, LR, MOMENTUM, RULES, Array
from .timing import Settings, Timing, measure

C_SOURCE = r"""
/* One fused loop per rule: the arrays it must read and write, one pass each, and
   the rule's own arithmetic in descend's (PyTorch's) order, so that the reference
   is the same computation as the rule, only compiled as tightly as gcc can. */
#include <math.h>
#include <stddef.h>

#define KERNELS(T, S, SQRT)                                                      \
void gd_##S(ptrdiff_t n, T *restrict p, const T *restrict g, double lr) {        \
    const T a = (T)lr;                                                           \
    for (ptrdiff_t i = 0; i < n; i++) p[i] = p[i] - a * g[i];                    \
}                                                                                \
void sgd_##S(ptrdiff_t n, T *restrict p, const T *restrict g, T *restrict b,     \
             double lr, double mu) {                                             \
    const T a = (T)lr, u = (T)mu;                                                \
    for (ptrdiff_t i = 0; i < n; i++) {                                          \
        T bi = u * b[i] + g[i];                                                  \
        b[i] = bi;                                                               \
        p[i] = p[i] - a * bi;                                                    \
    }                                                                            \
}                                                                                \
void adam_##S(ptrdiff_t n, T *restrict p, const T *restrict g, T *restrict m,    \
              T *restrict v, double step, double beta1, double beta2,            \
              double sqrt_c2, double eps) {                                      \
    const T a = (T)step, w1 = (T)(1 - beta1), b2 = (T)beta2;                     \
    const T w2 = (T)(1 - beta2), c = (T)sqrt_c2, e = (T)eps;                     \
    for (ptrdiff_t i = 0; i < n; i++) {                                          \
        T gi = g[i], mi = m[i];                                                  \
        mi = mi + w1 * (gi - mi);                                                \
        T vi = b2 * v[i] + w2 * gi * gi;                                         \
        m[i] = mi;                                                               \
        v[i] = vi;                                                               \
        p[i] = p[i] - a * mi / (SQRT(vi) / c + e);                               \
    }                                                                            \
}

KERNELS(float, f32, sqrtf)
KERNELS(double, f64, sqrt)
"""

# -fno-math-errno lets gcc vectorize sqrt (it only drops errno, not IEEE rounding);
# -ffp-contract=off keeps a * b + c two roundings, as in descend and NumPy, so the
# reference does the rule's arithmetic exactly (the tests compare bit for bit).
C_FLAGS = ("-O3", "-march=native", "-fno-math-errno", "-ffp-contract=off", "-shared", "-fPIC")


def _scalars(rule: str, t: int) -> tuple[float, ...]:
    """The scalar arguments of the reference kernel at step ``t`` (1, 2, ...)."""
    if rule == "gd":
        return (LR,)
    if rule == "sgd":
        return (LR, MOMENTUM)
    beta1, beta2 = BETAS
    return (LR / (1 - beta1**t), beta1, beta2, math.sqrt(1 - beta2**t), EPS)


@dataclass(frozen=True)
class _KernelCall:
    """A C kernel with its arguments, holding on to the arrays it points into."""

    fn: Any
    args: tuple[Any, ...]
    arrays: tuple[Array, ...]  # the raw pointers in ``args`` need these alive

    def __call__(self) -> None:
        self.fn(*self.args)


@dataclass
class Reference:
    """A single-pass kernel per rule: the bandwidth bound of one core.

    ``kind`` is ``"c"`` (gcc, ctypes) or ``"numpy-estimate"`` (``np.copyto``
    bandwidth scaled by the rule's passes, when gcc is missing or fails).
    """

    kind: Literal["c", "numpy-estimate"]
    note: str
    lib: ctypes.CDLL | None = field(default=None, repr=False)

    def kernel(
        self, rule: str, phi: Array, g: Array, buffers: Sequence[Array], t: int = 1
    ) -> Callable[[], None]:
        """A call of the C kernel that updates ``phi`` and ``buffers`` in place."""
        if self.lib is None:
            raise RuntimeError(f"no C reference: {self.note}")
        arrays = (phi, g, *buffers)
        for a in arrays:
            if a.dtype != phi.dtype or a.shape != phi.shape or not a.flags.c_contiguous:
                raise ValueError("the reference needs C-contiguous arrays of one dtype and shape")
        suffix = {np.dtype(np.float32): "f32", np.dtype(np.float64): "f64"}[phi.dtype]
        fn = getattr(self.lib, f"{rule}_{suffix}")
        args = (
            ctypes.c_ssize_t(phi.size),
            *(ctypes.c_void_p(a.ctypes.data) for a in arrays),
            *(ctypes.c_double(x) for x in _scalars(rule, t)),
        )

        return _KernelCall(fn, args, arrays)

    def prepare(self, rule: str, phi: Array, g: Array) -> tuple[Callable[[], None], float]:
        """One step of ``rule`` on copies of ``phi`` and ``g``, and the factor its time needs.

        The factor is 1 for the C kernel; for the NumPy estimate the call is
        a copy (2 passes), scaled to the rule's passes.
        """
        if self.lib is None:
            src, dst = phi.copy(), np.empty_like(phi)
            return lambda: np.copyto(dst, src), RULES[rule].passes / 2
        p, grad = phi.copy(), g.copy()
        buffers = [np.zeros_like(phi) for _ in RULES[rule].buffers]
        # t = 10: the bias corrections of a step in steady state.
        return self.kernel(rule, p, grad, buffers, t=10), 1.0

    def measure(self, rule: str, phi: Array, g: Array, settings: Settings) -> Timing:
        """Time one step of ``rule`` on copies of ``phi`` and ``g``, alone."""
        fn, factor = self.prepare(rule, phi, g)
        return measure(fn, settings).scaled(factor)


def build_reference(gcc: str | None = None) -> Reference:
    """Compile the reference kernels with gcc into a temp dir and load them."""
    gcc = gcc or shutil.which("gcc")
    estimate = "the reference is a NumPy estimate (np.copyto bandwidth x passes / 2)"
    if gcc is None:
        return Reference("numpy-estimate", f"gcc not found: {estimate}")
    with tempfile.TemporaryDirectory(prefix="descend-bench-") as tmp:
        src, lib = Path(tmp) / "ref.c", Path(tmp) / "ref.so"
        src.write_text(C_SOURCE)
        proc = subprocess.run(
            [gcc, *C_FLAGS, "-o", str(lib), str(src), "-lm"],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            first = (proc.stderr.strip().splitlines() or ["?"])[0]
            return Reference("numpy-estimate", f"gcc failed ({first}): {estimate}")
        cdll = ctypes.CDLL(str(lib))  # stays mapped after the file is removed
    ptr, size, dbl = ctypes.c_void_p, ctypes.c_ssize_t, ctypes.c_double
    for suffix in ("f32", "f64"):
        getattr(cdll, f"gd_{suffix}").argtypes = [size, ptr, ptr, dbl]
        getattr(cdll, f"sgd_{suffix}").argtypes = [size, ptr, ptr, ptr, dbl, dbl]
        getattr(cdll, f"adam_{suffix}").argtypes = [size, *[ptr] * 4, *[dbl] * 5]
        for rule in RULES:
            getattr(cdll, f"{rule}_{suffix}").restype = None
    return Reference("c", f"{' '.join([Path(gcc).name, *C_FLAGS])}, one thread", cdll)
