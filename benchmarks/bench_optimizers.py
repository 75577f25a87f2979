"""How fast is a descend step, against this machine's memory bandwidth and torch.optim?

Run ``python benchmarks/bench_optimizers.py [--quick] [--json PATH]`` (or
``nox -s bench``, which installs the pinned CPU torch). Every table puts the
ratios first, then the times and bandwidths:

* **ref frac**: descend's effective bandwidth as a fraction of a single-pass
  C kernel with the same access pattern (the arrays the rule must read and
  write, one fused loop, one thread), compiled here at run time with gcc and
  called through ctypes. 1.0 is the best one core does for that rule; without
  gcc a NumPy estimate (``np.copyto`` bandwidth scaled by the number of
  passes) stands in, and the header says so.
* **vs torch**: the time of torch.optim's best configuration (``foreach=True``
  or ``fused=True``, whichever is faster, one thread) divided by descend's:
  above 1x descend is faster.

The effective bandwidth is the bytes the rule must move divided by the time
per step: gradient descent reads phi and g and writes phi (3 array passes),
momentum SGD also reads and writes its buffer b (5), Adam reads phi, g, m, v
and writes phi, m, v (7). descend steps in place (``out=phi``). Each time is
the median over several timed runs after a warm-up, the number of steps per
run chosen so that one measurement takes a few tenths of a second; the runs of
all the implementations of one case (descend's two paths, the reference,
torch) are interleaved, so that a machine whose speed drifts slows them alike.

Speed is measured here, as ratios, and never asserted in the tests.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import dataclasses
import datetime
import gc
import importlib
import io
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal, TextIO

import numpy as np
from numpy.typing import NDArray

import descend
from descend import _base, _fused

Array = NDArray[np.floating[Any]]

LR = 1e-3
MOMENTUM = 0.9
BETAS = (0.9, 0.999)
EPS = 1e-8
DTYPES = ("float32", "float64")
SMALL_COUNT, SMALL_SIZE = 200, 5_000
MEMORY_N = 1_000_000
TORCH_NOT_INSTALLED = "torch not installed"


# --------------------------------------------------------------------------- rules


@dataclass(frozen=True)
class Rule:
    """An update rule and the array passes it must make over memory."""

    key: Literal["gd", "sgd", "adam"]
    label: str
    passes: int  # arrays read + arrays written
    buffers: tuple[str, ...]  # state arrays of the reference kernel


RULES: dict[str, Rule] = {
    "gd": Rule("gd", "GradientDescent", 3, ()),
    "sgd": Rule("sgd", "SGD(momentum=0.9)", 5, ("b",)),
    "adam": Rule("adam", "Adam", 7, ("m", "v")),
}


def make_optimizer(rule: str, fused: bool = False) -> descend.Optimizer:
    """The descend optimizer benchmarked for ``rule`` (NumPy path, or the compiled one)."""
    if rule == "gd":
        return descend.GradientDescent(lr=LR, fused=fused)
    if rule == "sgd":
        return descend.SGD(lr=LR, momentum=MOMENTUM, fused=fused)
    if rule == "adam":
        return descend.Adam(lr=LR, betas=BETAS, eps=EPS, fused=fused)
    raise ValueError(f"unknown rule {rule!r}")


def fused_available() -> bool:
    """True if numba is installed, so that the fused path can be measured."""
    return _fused.available()


def first_call_s(fn: Callable[[], object]) -> float:
    """Seconds of one call (for the fused path's first step, which compiles)."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def random_array(rng: np.random.Generator, n: int, dtype: str) -> Array:
    """Standard normal entries (a gradient or parameters)."""
    a: Array = rng.standard_normal(n).astype(dtype)
    return a


class NaiveAdam:
    """Adam written the obvious way: every operator makes a new array.

    The functional NumPy version a reader would write from the equations:
    about ten full-size temporaries per step, each one a pass over memory.
    """

    def __init__(self, phi: Array, g: Array) -> None:
        self.phi, self.g = phi, g
        self.m, self.v = np.zeros_like(phi), np.zeros_like(phi)
        self.t = 0

    def __call__(self) -> None:
        self.t += 1
        self.phi, self.m, self.v = naive_adam(self.phi, self.g, self.m, self.v, self.t)


def naive_adam(
    phi: Array, g: Array, m: Array, v: Array, t: int, lr: float = LR
) -> tuple[Array, Array, Array]:
    """One Adam step, one temporary per operator; returns new (phi, m, v)."""
    beta1, beta2 = BETAS
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g * g
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    phi = phi - lr * m_hat / (np.sqrt(v_hat) + EPS)
    return phi, m, v


# --------------------------------------------------------------------------- timing


@dataclass(frozen=True)
class Settings:
    """How long and how often to measure."""

    sizes: tuple[int, ...]
    target_s: float  # wall time of one measurement (all its timed runs)
    runs: int  # timed runs per measurement; the time reported is their median
    warmup: int  # untimed calls before calibrating
    two_threads: bool = True  # also time torch's best configuration on 2 threads

    @classmethod
    def full(cls) -> Settings:
        return cls(sizes=(10**4, 10**6, 10**7), target_s=0.5, runs=9, warmup=2)

    @classmethod
    def quick(cls) -> Settings:
        return cls(sizes=(10**4, 10**6), target_s=0.1, runs=3, warmup=1)

    @classmethod
    def tiny(cls) -> Settings:
        """For the smoke test: meaningless numbers, fast."""
        return cls(sizes=(1000,), target_s=0.002, runs=2, warmup=1, two_threads=False)


@dataclass
class Timing:
    """Seconds per step: the median over ``runs`` timed runs of ``steps_per_run`` steps."""

    median_s: float
    min_s: float
    max_s: float
    runs: int
    steps_per_run: int
    run_times_s: list[float]

    def scaled(self, factor: float) -> Timing:
        return Timing(
            self.median_s * factor,
            self.min_s * factor,
            self.max_s * factor,
            self.runs,
            self.steps_per_run,
            [t * factor for t in self.run_times_s],
        )


def _calibrate(fn: Callable[[], object], settings: Settings) -> int:
    """Steps per timed run: double the count until a loop takes a fifth of a run."""
    per_run = settings.target_s / settings.runs
    count = 1
    while True:
        start = time.perf_counter()
        for _ in range(count):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= per_run / 5 or count >= 1 << 20:
            break
        count *= 2
    return max(1, round(per_run * count / max(elapsed, 1e-9)))


#: What a torch configuration may raise when it does not support a case.
STEP_ERRORS = (RuntimeError, ValueError, TypeError, NotImplementedError)


def measure_together(
    fns: dict[str, Callable[[], object]], settings: Settings
) -> tuple[dict[str, Timing], dict[str, str]]:
    """Time several implementations of one step, their timed runs interleaved.

    Each is warmed up and calibrated, then run ``settings.runs`` rounds; in
    every round each implementation makes one timed run, in rotating order.
    A machine whose speed drifts (another process, the clock) then slows all
    of them alike, and their ratios stay fair. Returns the timings and, for an
    implementation that raised during warm-up, its error message.
    """
    steps, errors = {}, {}
    for name, fn in fns.items():
        try:
            for _ in range(settings.warmup):
                fn()
        except STEP_ERRORS as err:
            errors[name] = str(err).splitlines()[0] if str(err) else type(err).__name__
            continue
        steps[name] = _calibrate(fn, settings)
    times: dict[str, list[float]] = {name: [] for name in steps}
    names = list(steps)
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for r in range(settings.runs):
            for name in names[r % len(names) :] + names[: r % len(names)]:
                fn, count = fns[name], steps[name]
                start = time.perf_counter()
                for _ in range(count):
                    fn()
                times[name].append((time.perf_counter() - start) / count)
    finally:
        if gc_was_enabled:
            gc.enable()
    timings = {
        name: Timing(statistics.median(t), min(t), max(t), settings.runs, steps[name], t)
        for name, t in times.items()
    }
    return timings, errors


def measure(fn: Callable[[], object], settings: Settings) -> Timing:
    """Time ``fn`` (one step) alone: warm up, calibrate, then the median of timed runs."""
    timings, errors = measure_together({"fn": fn}, settings)
    if "fn" in errors:
        raise RuntimeError(errors["fn"])
    return timings["fn"]


# --------------------------------------------------------------------------- reference

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


# --------------------------------------------------------------------------- torch


def load_torch() -> Any | None:
    """The torch module, or None if it is not installed."""
    try:
        return importlib.import_module("torch")
    except ImportError:
        return None


def _torch_optimizer(torch: Any, rule: str, params: list[Any], config: str) -> Any:
    kwargs: dict[str, bool] = {config: True}  # foreach=True or fused=True
    if rule == "gd":
        return torch.optim.SGD(params, lr=LR, momentum=0.0, **kwargs)
    if rule == "sgd":
        return torch.optim.SGD(params, lr=LR, momentum=MOMENTUM, **kwargs)
    return torch.optim.Adam(params, lr=LR, betas=BETAS, eps=EPS, **kwargs)


def _torch_params(torch: Any, arrays: Sequence[Array], grads: Sequence[Array]) -> list[Any]:
    params = []
    for a, g in zip(arrays, grads, strict=True):
        p = torch.nn.Parameter(torch.from_numpy(a.copy()))
        p.grad = torch.from_numpy(g.copy())
        params.append(p)
    return params


@dataclass
class TorchTimes:
    """torch.optim on the same arrays: foreach, fused, the best, and 2 threads."""

    foreach: Timing | None = None
    fused: Timing | None = None
    best: str | None = None
    two_threads: Timing | None = None
    note: str = ""

    @property
    def best_s(self) -> float | None:
        timing = {"foreach": self.foreach, "fused": self.fused}.get(self.best or "")
        return _median(timing)


@contextlib.contextmanager
def torch_threads(torch: Any | None, n: int) -> Iterator[None]:
    """Run torch on ``n`` threads inside the block (nothing without torch)."""
    if torch is None:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def torch_steps(
    torch: Any | None, rule: str, arrays: Sequence[Array], grads: Sequence[Array]
) -> tuple[dict[str, Callable[[], object]], list[str]]:
    """torch.optim's foreach and fused steps on copies of the arrays, keyed by configuration."""
    if torch is None:
        return {}, []
    steps, notes = {}, []
    for config in ("foreach", "fused"):
        try:
            opt = _torch_optimizer(torch, rule, _torch_params(torch, arrays, grads), config)
        except STEP_ERRORS as err:
            notes.append(f"{config}: {str(err).splitlines()[0]}")
            continue
        steps[f"torch_{config}"] = opt.step
    return steps, notes


def measure_with_torch(
    ours: dict[str, Callable[[], object]],
    torch: Any | None,
    rule: str,
    arrays: Sequence[Array],
    grads: Sequence[Array],
    settings: Settings,
) -> tuple[dict[str, Timing], TorchTimes]:
    """Time our implementations and torch's (one thread), interleaved; then torch on 2 threads."""
    if torch is None:
        timings, _ = measure_together(ours, settings)
        return timings, TorchTimes(note=TORCH_NOT_INSTALLED)
    theirs, notes = torch_steps(torch, rule, arrays, grads)
    with torch_threads(torch, 1):
        timings, errors = measure_together({**ours, **theirs}, settings)
    notes += [f"{name.removeprefix('torch_')}: {e}" for name, e in errors.items()]
    result = TorchTimes(timings.get("torch_foreach"), timings.get("torch_fused"))
    timed = {c: t for c, t in (("foreach", result.foreach), ("fused", result.fused)) if t}
    if timed:
        result.best = min(timed, key=lambda c: timed[c].median_s)
        if settings.two_threads:
            params = _torch_params(torch, arrays, grads)
            opt = _torch_optimizer(torch, rule, params, result.best)
            # Fewer runs: on a shared machine the second core may be busy,
            # which makes a 2-thread step slow (OpenMP waits for it).
            short = dataclasses.replace(settings, runs=min(settings.runs, 3), warmup=1)
            with torch_threads(torch, 2):
                result.two_threads = measure(opt.step, short)
    result.note = "; ".join(notes)
    return timings, result


# --------------------------------------------------------------------------- one array


def _median(timing: Timing | None) -> float | None:
    return None if timing is None else timing.median_s


def _gbs(nbytes: int, seconds: float | None) -> float | None:
    return None if seconds is None else nbytes / seconds / 1e9


def _ratio(num: float | None, den: float | None) -> float | None:
    return None if num is None or den is None else num / den


@dataclass
class SingleRow:
    """One rule, size and dtype: descend vs the reference kernel and torch.optim."""

    rule: str
    label: str
    dtype: str
    n: int
    passes: int
    bytes_per_step: int
    reference_kind: str
    # ratios: "fused" is descend with fused=True (numba), "numpy" the default path
    fused_ref_frac: float | None  # fused bandwidth / reference bandwidth
    fused_vs_torch: float | None  # torch best time / fused time (> 1: descend faster)
    ref_frac: float  # NumPy-path bandwidth / reference bandwidth
    vs_torch: float | None  # torch best time / NumPy-path time
    vs_torch_2threads: float | None  # torch best on 2 threads / best descend (1 thread)
    naive_ref_frac: float | None  # naive NumPy (Adam only) / reference
    torch_best: str | None
    # times (s per step, medians)
    fused_s: float | None
    fused_first_call_s: float | None  # the first fused step of the run (may compile)
    descend_s: float
    reference_s: float
    naive_s: float | None
    torch_foreach_s: float | None
    torch_fused_s: float | None
    torch_2threads_s: float | None
    torch_note: str
    # effective bandwidth (GB/s)
    fused_gbs: float | None
    descend_gbs: float
    reference_gbs: float
    naive_gbs: float | None
    timings: dict[str, Timing | None]


def prepare_fused(
    rule: str, phi: Array, g: Array
) -> tuple[Callable[[], None] | None, float | None]:
    """descend's fused step on a copy of ``phi``, and the time of its first (compiling) call."""
    if not fused_available():
        return None, None
    opt, p = make_optimizer(rule, fused=True), phi.copy()
    state = opt.init(p)

    def step() -> None:
        opt.step(p, g, state, out=p)

    return step, first_call_s(step)


def measure_case(
    rule: str,
    phi: Array,
    g: Array,
    ours: dict[str, Callable[[], object]],
    arrays: Sequence[Array],
    grads: Sequence[Array],
    settings: Settings,
    reference: Reference,
    torch: Any | None,
) -> tuple[dict[str, Timing], float | None, TorchTimes]:
    """Time ``ours``, descend's fused step and the reference on ``(phi, g)``, and torch on
    ``arrays``, all interleaved; return the timings (the reference's already scaled), the
    first fused call (None without numba) and torch's times."""
    fused_step, fused_first = prepare_fused(rule, phi, g)
    ref_step, ref_factor = reference.prepare(rule, phi, g)
    fns = {**ours, "reference": ref_step}
    if fused_step is not None:
        fns["fused"] = fused_step
    timings, tt = measure_with_torch(fns, torch, rule, arrays, grads, settings)
    timings["reference"] = timings["reference"].scaled(ref_factor)
    return timings, fused_first, tt


def measure_single(
    rule: str,
    n: int,
    dtype: str,
    settings: Settings,
    reference: Reference,
    torch: Any | None,
    seed: int = 0,
) -> SingleRow:
    """Time one in-place step of ``rule`` on ``n`` parameters of ``dtype``, every way."""
    spec = RULES[rule]
    rng = np.random.default_rng(seed)
    phi, g = random_array(rng, n, dtype), random_array(rng, n, dtype)
    nbytes = spec.passes * n * phi.itemsize

    opt = make_optimizer(rule)
    state = opt.init(phi)
    fns: dict[str, Callable[[], object]] = {"numpy": lambda: opt.step(phi, g, state, out=phi)}
    if rule == "adam":
        fns["naive"] = NaiveAdam(phi.copy(), g)
    timings, fused_first, tt = measure_case(
        rule, phi, g, fns, [phi], [g], settings, reference, torch
    )
    ours, ref, fused = timings["numpy"], timings["reference"], timings.get("fused")
    naive_s, fused_s = _median(timings.get("naive")), _median(fused)
    best_s, two_s = tt.best_s, _median(tt.two_threads)
    return SingleRow(
        rule=rule,
        label=spec.label,
        dtype=dtype,
        n=n,
        passes=spec.passes,
        bytes_per_step=nbytes,
        reference_kind=reference.kind,
        fused_ref_frac=_ratio(ref.median_s, fused_s),
        fused_vs_torch=_ratio(best_s, fused_s),
        ref_frac=ref.median_s / ours.median_s,
        vs_torch=_ratio(best_s, ours.median_s),
        vs_torch_2threads=_ratio(two_s, min(ours.median_s, fused_s or math.inf)),
        naive_ref_frac=_ratio(ref.median_s, naive_s),
        torch_best=tt.best,
        fused_s=fused_s,
        fused_first_call_s=fused_first,
        descend_s=ours.median_s,
        reference_s=ref.median_s,
        naive_s=naive_s,
        torch_foreach_s=_median(tt.foreach),
        torch_fused_s=_median(tt.fused),
        torch_2threads_s=two_s,
        torch_note=tt.note,
        fused_gbs=_gbs(nbytes, fused_s),
        descend_gbs=nbytes / ours.median_s / 1e9,
        reference_gbs=nbytes / ref.median_s / 1e9,
        naive_gbs=_gbs(nbytes, naive_s),
        timings={
            "fused": fused,
            "descend": ours,
            "reference": ref,
            "naive": timings.get("naive"),
            "torch_foreach": tt.foreach,
            "torch_fused": tt.fused,
            "torch_2threads": tt.two_threads,
        },
    )


# --------------------------------------------------------------------------- many small arrays


def flat_layout(arrays: Sequence[Array], grads: Sequence[Array]) -> tuple[Array, Array, str]:
    """The arrays and their gradients in one flat buffer each.

    With ``descend.params.FlatParams`` (if it exists): the parameters are
    ``FlatParams.from_arrays(...).flat`` and the gradients are written into
    the named views of ``params.zeros_like()``, as a backward pass would.
    Otherwise both are concatenated. Returns the two buffers and a
    description of how they were made.
    """
    plain = np.concatenate(arrays), np.concatenate(grads)
    try:
        module = importlib.import_module("descend.params")
    except ImportError:
        return *plain, "one flat array (no descend.params)"
    flat_params = getattr(module, "FlatParams", None)
    if flat_params is None:
        return *plain, "one flat array (no descend.params.FlatParams)"
    try:
        names = [f"p{i}" for i in range(len(arrays))]
        params = flat_params.from_arrays(dict(zip(names, arrays, strict=True)))
        g_flat = params.zeros_like()
        for name, view in params.views(g_flat).items():
            view[...] = grads[names.index(name)]
        flat = params.flat
        if not (isinstance(flat, np.ndarray) and np.array_equal(flat, plain[0])):
            raise ValueError("FlatParams.flat is not the arrays end to end")
    except Exception as err:  # an API this benchmark does not know (yet)
        problem = f"{type(err).__name__}: {err}"[:100]
        return *plain, f"one flat array (FlatParams not used: {problem})"
    return flat, g_flat, "descend.params.FlatParams (.flat)"


class Loop:
    """The naive way: one descend step per array, each with its own state."""

    def __init__(self, opt: descend.Optimizer, arrays: list[Array], grads: list[Array]) -> None:
        self.opt, self.arrays, self.grads = opt, arrays, grads
        self.states = [opt.init(a) for a in arrays]

    def __call__(self) -> None:
        for a, g, s in zip(self.arrays, self.grads, self.states, strict=True):
            self.opt.step(a, g, s, out=a)


@dataclass
class SmallRow:
    """Many small arrays: one flat descend step vs torch's parameter list vs a loop."""

    rule: str
    label: str
    dtype: str
    count: int
    size: int
    layout: str
    passes: int
    bytes_per_step: int
    reference_kind: str
    # ratios
    fused_ref_frac: float | None  # flat fused descend bandwidth / reference
    fused_vs_torch: float | None  # torch best / flat fused descend (> 1: descend faster)
    flat_ref_frac: float  # flat descend (NumPy path) bandwidth / reference (one flat array)
    flat_vs_torch: float | None  # torch best / flat descend
    loop_vs_torch: float | None  # torch best / loop of descend steps
    flat_vs_torch_2threads: float | None
    torch_best: str | None
    # times (s per step of all the arrays)
    fused_s: float | None
    flat_s: float
    loop_s: float
    reference_s: float
    torch_foreach_s: float | None
    torch_fused_s: float | None
    torch_2threads_s: float | None
    torch_note: str
    # effective bandwidth (GB/s)
    fused_gbs: float | None
    flat_gbs: float
    loop_gbs: float
    reference_gbs: float
    timings: dict[str, Timing | None]


def measure_small(
    rule: str,
    dtype: str,
    settings: Settings,
    reference: Reference,
    torch: Any | None,
    count: int = SMALL_COUNT,
    size: int = SMALL_SIZE,
    seed: int = 0,
) -> SmallRow:
    """Time a step over ``count`` arrays of ``size`` parameters, every way."""
    spec = RULES[rule]
    rng = np.random.default_rng(seed)
    arrays = [random_array(rng, size, dtype) for _ in range(count)]
    grads = [random_array(rng, size, dtype) for _ in range(count)]
    flat, g_flat, layout = flat_layout(arrays, grads)
    nbytes = spec.passes * flat.size * flat.itemsize

    opt = make_optimizer(rule)
    state = opt.init(flat)
    fns: dict[str, Callable[[], object]] = {
        "flat": lambda: opt.step(flat, g_flat, state, out=flat),
        "loop": Loop(opt, [a.copy() for a in arrays], grads),
    }
    timings, _, tt = measure_case(
        rule, flat, g_flat, fns, arrays, grads, settings, reference, torch
    )
    flat_t, loop_t = timings["flat"], timings["loop"]
    ref, fused = timings["reference"], timings.get("fused")
    fused_s, best_s, two_s = _median(fused), tt.best_s, _median(tt.two_threads)
    return SmallRow(
        rule=rule,
        label=spec.label,
        dtype=dtype,
        count=count,
        size=size,
        layout=layout,
        passes=spec.passes,
        bytes_per_step=nbytes,
        reference_kind=reference.kind,
        fused_ref_frac=_ratio(ref.median_s, fused_s),
        fused_vs_torch=_ratio(best_s, fused_s),
        flat_ref_frac=ref.median_s / flat_t.median_s,
        flat_vs_torch=_ratio(best_s, flat_t.median_s),
        loop_vs_torch=_ratio(best_s, loop_t.median_s),
        flat_vs_torch_2threads=_ratio(two_s, min(flat_t.median_s, fused_s or math.inf)),
        torch_best=tt.best,
        fused_s=fused_s,
        flat_s=flat_t.median_s,
        loop_s=loop_t.median_s,
        reference_s=ref.median_s,
        torch_foreach_s=_median(tt.foreach),
        torch_fused_s=_median(tt.fused),
        torch_2threads_s=two_s,
        torch_note=tt.note,
        fused_gbs=_gbs(nbytes, fused_s),
        flat_gbs=nbytes / flat_t.median_s / 1e9,
        loop_gbs=nbytes / loop_t.median_s / 1e9,
        reference_gbs=nbytes / ref.median_s / 1e9,
        timings={
            "fused": fused,
            "flat": flat_t,
            "loop": loop_t,
            "reference": ref,
            "torch_foreach": tt.foreach,
            "torch_fused": tt.fused,
            "torch_2threads": tt.two_threads,
        },
    )


# --------------------------------------------------------------------------- NumPy bound


@dataclass
class BoundRow:
    """What the NumPy path could reach at best: its rule on one block already in cache."""

    rule: str
    label: str
    dtype: str
    n: int
    block: int  # elements per block
    block_s: float  # one call of update() on one in-cache block
    bound_s: float  # block_s scaled to n elements: no memory traffic, no loop overhead
    reference_s: float | None  # the reference at n, from the one-array table
    bound_ref_frac: float | None  # reference_s / bound_s: the NumPy path's ceiling


def measure_numpy_bound(
    rule: str, n: int, dtype: str, settings: Settings, reference_s: float | None, seed: int = 0
) -> BoundRow:
    """Time ``update`` on one block that stays in cache, as the NumPy path calls it."""
    opt = make_optimizer(rule)
    size = max(1, _base.BLOCK_BYTES // np.dtype(dtype).itemsize)
    rng = np.random.default_rng(seed)
    phi, g = random_array(rng, size, dtype), random_array(rng, size, dtype)
    state = opt.init(phi)
    opt.step(phi, g, state)  # buffers in steady state
    named = opt.scalars(LR, 10)
    k = tuple(named[name] for name in _base._scalar_names(type(opt)))
    bufs = [state.buffers.get(name, 0.0) for name in opt.slots]
    block = measure(lambda: opt.update(phi, g, *bufs, *k), settings)
    bound_s = block.median_s * n / size
    return BoundRow(
        rule, RULES[rule].label, dtype, n, size, block.median_s, bound_s, reference_s,
        _ratio(reference_s, bound_s),
    )  # fmt: skip


def bound_table(rows: Sequence[BoundRow]) -> str:
    headers = ["rule", "dtype", "n", "bound ref frac", "bound", "reference", "one block"]
    body = [
        [r.label, r.dtype, fmt_n(r.n), fmt_frac(r.bound_ref_frac), fmt_time(r.bound_s),
         fmt_time(r.reference_s), f"{fmt_time(r.block_s)} ({r.block:,} elements)"]
        for r in rows
    ]  # fmt: skip
    title = (
        "NumPy path's ceiling: the rule's NumPy operators on one block already in cache, "
        "scaled to n (no memory traffic, no loop)"
    )
    return render(title, headers, body, left=3)


# --------------------------------------------------------------------------- memory


@dataclass
class MemoryRow:
    """Peak memory allocated during one steady-state Adam step (tracemalloc)."""

    impl: str
    dtype: str
    n: int
    array_bytes: int
    fraction_of_array: float
    peak_extra_bytes: int


def peak_extra_bytes(fn: Callable[[], object]) -> int:
    """Peak bytes allocated (and traced by tracemalloc) while ``fn`` runs."""
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        fn()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak - base


def measure_memory(dtype: str, n: int = MEMORY_N, seed: int = 0) -> list[MemoryRow]:
    """descend's in-place Adam step vs the naive one, after two warm-up steps."""
    rng = np.random.default_rng(seed)
    phi, g = random_array(rng, n, dtype), random_array(rng, n, dtype)
    opt = descend.Adam(lr=LR, betas=BETAS, eps=EPS)
    state = opt.init(phi)

    def ours() -> None:
        opt.step(phi, g, state, out=phi)

    naive = NaiveAdam(phi.copy(), g)
    impls: list[tuple[str, Callable[[], object]]] = [("descend (out=phi)", ours)]
    if fused_available():
        fused_opt = descend.Adam(lr=LR, betas=BETAS, eps=EPS, fused=True)
        p = phi.copy()
        fused_state = fused_opt.init(p)
        impls.append(("descend fused (out=phi)", lambda: fused_opt.step(p, g, fused_state, out=p)))
    impls.append(("naive NumPy Adam", naive))
    rows = []
    for impl, fn in impls:
        fn()
        fn()
        extra = peak_extra_bytes(fn)
        rows.append(MemoryRow(impl, dtype, n, phi.nbytes, extra / phi.nbytes, extra))
    return rows


# --------------------------------------------------------------------------- output


def _load_average() -> str:
    """The 1-minute load: above ~1 another process shares the two cores."""
    try:
        one, five, _ = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} CPUs"


def _numba_version() -> str:
    try:
        return str(importlib.import_module("numba").__version__)
    except ImportError:
        return "not installed (no fused path)"


def machine_info(torch: Any | None, reference: Reference) -> dict[str, Any]:
    """CPU, caches, versions and threads: the header of the report."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    caches = []
    for index in sorted(Path("/sys/devices/system/cpu/cpu0/cache").glob("index*")):
        try:
            level, kind, size = ((index / f).read_text().strip() for f in ("level", "type", "size"))
        except OSError:
            continue
        suffix = {"Data": "d", "Instruction": "i"}.get(kind, "")
        caches.append(f"L{level}{suffix} {size}")
    gcc = shutil.which("gcc")
    gcc_version = "not found"
    if gcc:
        out = subprocess.run([gcc, "--version"], capture_output=True, text=True, check=False)
        gcc_version = (out.stdout.splitlines() or ["?"])[0]
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return {
        "date_utc": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "cpu": cpu,
        "caches_per_core": caches,
        "logical_cpus": os.cpu_count(),
        "cpus_available": affinity,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "descend": descend.__version__,
        "descend_block_bytes": _base.BLOCK_BYTES,
        "numba": _numba_version(),
        "torch": TORCH_NOT_INSTALLED if torch is None else str(torch.__version__),
        "torch_default_threads": None if torch is None else int(torch.get_num_threads()),
        "threads": "descend, NumPy and the reference: 1; torch: 1 (and 2 for reference)",
        "load_average_at_start": _load_average(),
        "gcc": gcc_version,
        "reference": f"{reference.kind}: {reference.note}",
    }


def fmt_time(s: float | None) -> str:
    if s is None:
        return "-"
    if s < 1e-3:
        return f"{s * 1e6:.1f} µs"
    if s < 1:
        return f"{s * 1e3:.2f} ms"
    return f"{s:.2f} s"


def two_threads_slower(two: float | None, *one: float | None) -> bool:
    """True if torch on 2 threads was slower than on 1 (the other core was busy)."""
    known = [t for t in one if t is not None]
    return two is not None and bool(known) and two > min(known)


def fmt_two_threads(two: float | None, *one: float | None) -> str:
    return fmt_time(two) + (" *" if two_threads_slower(two, *one) else "")


def fmt_frac(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def fmt_x(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}×"


def fmt_gbs(x: float | None) -> str:
    return "-" if x is None else f"{x:.1f}"


def fmt_n(n: int) -> str:
    k = round(math.log10(n)) if n > 0 else 0
    return f"1e{k}" if 10**k == n else str(n)


def fmt_bytes(b: int) -> str:
    if abs(b) < 1024:
        return f"{b} B"
    if abs(b) < 1024**2:
        return f"{b / 1024:.1f} KiB"
    return f"{b / 1024**2:.2f} MiB"


def render(title: str, headers: Sequence[str], rows: Sequence[Sequence[str]], left: int) -> str:
    """A plain-text table: the first ``left`` columns left-aligned, the rest right."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.ljust(w) if i < left else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([title, "=" * len(title), line(headers), rule, *map(line, rows)])


def _torch_cells(torch_installed: bool, *cells: str) -> list[str]:
    return list(cells) if torch_installed else [TORCH_NOT_INSTALLED] * len(cells)


def single_tables(rows: Sequence[SingleRow], torch_installed: bool) -> str:
    """Two tables: the ratios, then the times and bandwidths they come from."""
    headers = [
        "rule", "dtype", "n",
        "fused ref frac", "fused vs torch", "numpy ref frac", "numpy vs torch", "torch best",
        "naive frac",
    ]  # fmt: skip
    body = []
    for r in rows:
        body.append([
            r.label, r.dtype, fmt_n(r.n),
            fmt_frac(r.fused_ref_frac),
            *_torch_cells(torch_installed, fmt_x(r.fused_vs_torch)),
            fmt_frac(r.ref_frac),
            *_torch_cells(torch_installed, fmt_x(r.vs_torch), r.torch_best or "-"),
            fmt_frac(r.naive_ref_frac),
        ])  # fmt: skip
    title = "One array, in-place step: ratios (fused = fused=True, numpy = the default path)"
    ratios = render(title, headers, body, left=3)

    headers = [
        "rule", "dtype", "n",
        "fused", "numpy", "reference", "naive", "torch foreach", "torch fused", "torch 2thr",
        "fused GB/s", "numpy GB/s", "ref GB/s", "naive GB/s",
    ]  # fmt: skip
    body = []
    for r in rows:
        torch_times = _torch_cells(
            torch_installed,
            fmt_time(r.torch_foreach_s),
            fmt_time(r.torch_fused_s),
            fmt_two_threads(r.torch_2threads_s, r.torch_foreach_s, r.torch_fused_s),
        )
        body.append([
            r.label, r.dtype, fmt_n(r.n),
            fmt_time(r.fused_s), fmt_time(r.descend_s), fmt_time(r.reference_s),
            fmt_time(r.naive_s), *torch_times,
            fmt_gbs(r.fused_gbs), fmt_gbs(r.descend_gbs), fmt_gbs(r.reference_gbs),
            fmt_gbs(r.naive_gbs),
        ])  # fmt: skip
    title = "One array, in-place step: time per step (median) and effective GB/s"
    return ratios + "\n\n" + render(title, headers, body, left=3)


def compile_table(rows: Sequence[SingleRow]) -> str:
    """The first fused step of each rule and dtype: numba compiles the loop then."""
    first: dict[tuple[str, str], SingleRow] = {}
    for r in rows:
        first.setdefault((r.rule, r.dtype), r)
    body = [
        [r.label, r.dtype, fmt_n(r.n), fmt_time(r.fused_first_call_s), fmt_time(r.fused_s)]
        for r in first.values()
    ]
    title = "Fused path: the first step compiles the loop (once per rule, layout and dtype)"
    headers = ["rule", "dtype", "n", "first step", "later steps"]
    return render(title, headers, body, left=3)


def small_tables(rows: Sequence[SmallRow], torch_installed: bool) -> str:
    """Two tables for the many-small-arrays case: ratios, then times and bandwidths."""
    layout = rows[0].layout if rows else "?"
    what = (
        f"{SMALL_COUNT} x {SMALL_SIZE:,} parameters; flat = {layout}, "
        f"loop = {SMALL_COUNT} separate descend steps, torch = {SMALL_COUNT} tensors"
    )
    headers = [
        "rule", "dtype",
        "fused ref frac", "fused vs torch", "flat ref frac", "flat vs torch", "loop vs torch",
        "torch best",
    ]  # fmt: skip
    body = []
    for r in rows:
        body.append([
            r.label, r.dtype, fmt_frac(r.fused_ref_frac),
            *_torch_cells(torch_installed, fmt_x(r.fused_vs_torch)),
            fmt_frac(r.flat_ref_frac),
            *_torch_cells(
                torch_installed, fmt_x(r.flat_vs_torch), fmt_x(r.loop_vs_torch),
                r.torch_best or "-",
            ),
        ])  # fmt: skip
    ratios = render(f"Many small arrays, ratios: {what}", headers, body, left=2)

    headers = [
        "rule", "dtype",
        "fused", "flat", "loop x200", "reference", "torch foreach", "torch fused", "torch 2thr",
        "fused GB/s", "flat GB/s", "loop GB/s", "ref GB/s",
    ]  # fmt: skip
    body = []
    for r in rows:
        torch_times = _torch_cells(
            torch_installed,
            fmt_time(r.torch_foreach_s),
            fmt_time(r.torch_fused_s),
            fmt_two_threads(r.torch_2threads_s, r.torch_foreach_s, r.torch_fused_s),
        )
        body.append([
            r.label, r.dtype,
            fmt_time(r.fused_s), fmt_time(r.flat_s), fmt_time(r.loop_s), fmt_time(r.reference_s),
            *torch_times,
            fmt_gbs(r.fused_gbs), fmt_gbs(r.flat_gbs), fmt_gbs(r.loop_gbs),
            fmt_gbs(r.reference_gbs),
        ])  # fmt: skip
    title = "Many small arrays: time per step of all the arrays (median) and effective GB/s"
    return ratios + "\n\n" + render(title, headers, body, left=2)


def memory_table(rows: Sequence[MemoryRow]) -> str:
    headers = ["implementation", "dtype", "n", "x one array", "peak extra", "one array"]
    body = [
        [r.impl, r.dtype, fmt_n(r.n), f"{r.fraction_of_array:.3f}",
         fmt_bytes(r.peak_extra_bytes), fmt_bytes(r.array_bytes)]
        for r in rows
    ]  # fmt: skip
    title = "Memory: peak extra allocation during one steady-state Adam step (tracemalloc)"
    return render(title, headers, body, left=3)


@dataclass
class Target:
    """A performance goal and whether this run met it (None: not measured)."""

    goal: str
    threshold: float
    values: dict[str, float | None]
    met: bool | None


def evaluate_targets(single: Sequence[SingleRow], small: Sequence[SmallRow]) -> list[Target]:
    def target(goal: str, threshold: float, values: dict[str, float | None]) -> Target:
        known = [v for v in values.values() if v is not None]
        met = None if not known or len(known) < len(values) else min(known) >= threshold
        return Target(goal, threshold, values, met)

    adam = [r for r in single if r.rule == "adam" and r.n == 10**7]
    at_1e4 = [r for r in single if r.n == 10**4]
    return [
        target(
            "Adam n=1e7, NumPy path: ref frac >= 0.35 (single-core reference)",
            0.35,
            {r.dtype: r.ref_frac for r in adam},
        ),
        target(
            "Adam n=1e7, fused: ref frac >= 0.9", 0.9, {r.dtype: r.fused_ref_frac for r in adam}
        ),
        target(
            "Adam n=1e7, fused: at least as fast as torch best (1 thread)",
            1.0,
            {r.dtype: r.fused_vs_torch for r in adam},
        ),
        target(
            "n=1e4, fused: >= 2x faster than torch best (1 thread)",
            2.0,
            {f"{r.rule} {r.dtype}": r.fused_vs_torch for r in at_1e4},
        ),
        target(
            f"{SMALL_COUNT}x{SMALL_SIZE}, flat fused: >= torch best (1 thread)",
            1.0,
            {f"{r.rule} {r.dtype}": r.fused_vs_torch for r in small},
        ),
    ]


def targets_text(targets: Sequence[Target]) -> str:
    lines = ["Targets", "======="]
    for t in targets:
        status = {True: "MET", False: "NOT MET", None: "not measured"}[t.met]
        values = ", ".join(f"{k} {'-' if v is None else f'{v:.3f}'}" for k, v in t.values.items())
        lines.append(f"[{status}] {t.goal}: {values or 'no data'}")
    return "\n".join(lines)


def header_text(info: dict[str, Any], settings: Settings, quick: bool) -> str:
    lines = ["descend optimizer benchmark" + (" (--quick)" if quick else ""), "=" * 27]
    width = max(len(k) for k in info)
    lines += [f"{k.ljust(width)}  {v}" for k, v in info.items()]
    lines.append(
        f"{'timing'.ljust(width)}  median of {settings.runs} runs, ~{settings.target_s} s "
        "per measurement, time.perf_counter, after warm-up, the runs of one case "
        "interleaved; descend steps with out=phi"
    )
    return "\n".join(lines)


# --------------------------------------------------------------------------- main


def _progress(message: str) -> None:
    print(f"  ... {message}", file=sys.stderr, flush=True)


def run(settings: Settings, quick: bool = False) -> dict[str, Any]:
    """Run every section, print the tables, return every number."""
    start = time.perf_counter()
    torch = load_torch()
    reference = build_reference()
    info = machine_info(torch, reference)
    print(header_text(info, settings, quick), flush=True)
    if reference.kind != "c":
        print(f"NOTE: {reference.note}", flush=True)

    single = []
    for n in settings.sizes:
        for dtype in DTYPES:
            for rule in RULES:
                _progress(f"{RULES[rule].label} n={fmt_n(n)} {dtype}")
                single.append(measure_single(rule, n, dtype, settings, reference, torch))
    print("\n" + single_tables(single, torch is not None), flush=True)
    if fused_available():
        print("\n" + compile_table(single), flush=True)
    else:
        print("\nNOTE: numba is not installed, so the fused path was not measured", flush=True)

    largest = max(settings.sizes)
    bounds = []
    for dtype in DTYPES:
        for rule in RULES:
            ref_s = next(
                (r.reference_s for r in single if (r.rule, r.n, r.dtype) == (rule, largest, dtype)),
                None,
            )
            _progress(f"NumPy ceiling {RULES[rule].label} {dtype}")
            bounds.append(measure_numpy_bound(rule, largest, dtype, settings, ref_s))
    print("\n" + bound_table(bounds), flush=True)

    small = []
    for dtype in DTYPES:
        for rule in ("sgd", "adam"):
            _progress(f"{SMALL_COUNT} x {SMALL_SIZE} {RULES[rule].label} {dtype}")
            small.append(measure_small(rule, dtype, settings, reference, torch))
    print("\n" + small_tables(small, torch is not None), flush=True)

    _progress("memory")
    memory = [row for dtype in DTYPES for row in measure_memory(dtype)]
    print("\n" + memory_table(memory), flush=True)

    targets = evaluate_targets(single, small)
    print("\n" + targets_text(targets), flush=True)
    rows2 = [(r.torch_2threads_s, r.torch_foreach_s, r.torch_fused_s) for r in single]
    rows2 += [(r.torch_2threads_s, r.torch_foreach_s, r.torch_fused_s) for r in small]
    if any(two_threads_slower(*times) for times in rows2):
        print(
            "* torch on 2 threads was slower than on 1: the second core was busy with other "
            f"work (load average at start {info['load_average_at_start']}), so these 2-thread "
            "times measure the contention, not torch"
        )
    notes = sorted(
        {r.torch_note for r in single if r.torch_note}
        | {r.torch_note for r in small if r.torch_note}
    )
    for note in notes:
        print(f"torch note: {note}")
    elapsed = time.perf_counter() - start
    print(f"\ntotal time {elapsed:.1f} s", flush=True)
    return {
        "schema": 1,
        "quick": quick,
        "machine": info,
        "settings": asdict(settings),
        "reference": {"kind": reference.kind, "note": reference.note},
        "rules": {k: asdict(v) for k, v in RULES.items()},
        "single": [asdict(r) for r in single],
        "numpy_bound": [asdict(r) for r in bounds],
        "small_arrays": [asdict(r) for r in small],
        "memory": [asdict(r) for r in memory],
        "targets": [asdict(t) for t in targets],
        "elapsed_s": elapsed,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--quick", action="store_true", help="n = 1e4 and 1e6 only, shorter runs (CI smoke)"
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="write every number here")
    args = parser.parse_args(argv)
    settings = Settings.quick() if args.quick else Settings.full()
    report = _Tee(sys.stdout)
    with contextlib.redirect_stdout(report):
        results = run(settings, quick=args.quick)
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1) + "\n")
        # The printed report too: the docs' performance page includes it as it is.
        args.json.with_suffix(".txt").write_text(report.text.getvalue())
        print(f"wrote {args.json} and {args.json.with_suffix('.txt')}")
    return 0


class _Tee(io.TextIOBase):
    """Writes to a stream and keeps a copy of the text."""

    def __init__(self, stream: TextIO) -> None:
        self.stream, self.text = stream, io.StringIO()

    def write(self, s: str) -> int:
        self.text.write(s)
        return self.stream.write(s)

    def flush(self) -> None:
        self.stream.flush()


if __name__ == "__main__":
    sys.exit(main())
