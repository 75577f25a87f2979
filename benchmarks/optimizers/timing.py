"""Timing: warm up, calibrate the steps per run, interleave the runs, take the median.

Each time is the median over several timed runs after a warm-up, the number of
steps per run chosen so that one measurement takes a few tenths of a second;
the runs of all the implementations of one case are interleaved, so that a
machine whose speed drifts slows them alike.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


def first_call_s(fn: Callable[[], object]) -> float:
    """Seconds of one call (for the fused path's first step, which compiles)."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


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


def median_s(timing: Timing | None) -> float | None:
    """The median time of ``timing`` (None if it was not measured)."""
    return None if timing is None else timing.median_s
