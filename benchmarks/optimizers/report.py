"""The report: the machine's header, the tables (ratios first), the targets."""

from __future__ import annotations

import datetime
import importlib
import math
import os
import platform
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

import descend
from descend import _base

from .cases import SMALL_COUNT, SMALL_SIZE, BoundRow, MemoryRow, SingleRow, SmallRow
from .kernel import Reference
from .timing import Settings
from .torch_optim import TORCH_NOT_INSTALLED


def load_average() -> str:
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


def cpu_name() -> str | None:
    """The CPU's model name from /proc/cpuinfo (None where there is none)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def machine_info(torch: Any | None, reference: Reference) -> dict[str, Any]:
    """CPU, caches, versions and threads: the header of the report."""
    cpu = cpu_name() or "unknown"
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
        "load_average_at_start": load_average(),
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
