"""The cases: one array, many small arrays, the NumPy path's ceiling, memory; one row each."""

from __future__ import annotations

import gc
import importlib
import math
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

import descend
from descend import _base

from .kernel import Reference
from .rules import BETAS, EPS, LR, RULES, Array, NaiveAdam, fused_available, make_optimizer
from .timing import Settings, Timing, first_call_s, measure, median_s
from .torch_optim import TorchTimes, measure_with_torch

DTYPES = ("float32", "float64")
SMALL_COUNT, SMALL_SIZE = 200, 5_000
MEMORY_N = 1_000_000


def random_array(rng: np.random.Generator, n: int, dtype: str) -> Array:
    """Standard normal entries (a gradient or parameters)."""
    a: Array = rng.standard_normal(n).astype(dtype)
    return a


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
    naive_s, fused_s = median_s(timings.get("naive")), median_s(fused)
    best_s, two_s = tt.best_s, median_s(tt.two_threads)
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
        torch_foreach_s=median_s(tt.foreach),
        torch_fused_s=median_s(tt.fused),
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
    fused_s, best_s, two_s = median_s(fused), tt.best_s, median_s(tt.two_threads)
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
        torch_foreach_s=median_s(tt.foreach),
        torch_fused_s=median_s(tt.fused),
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
