"""The comparison: torch.optim's foreach and fused steps on the same arrays (if torch is there)."""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from .rules import BETAS, EPS, LR, MOMENTUM, Array
from .timing import STEP_ERRORS, Settings, Timing, measure, measure_together, median_s

TORCH_NOT_INSTALLED = "torch not installed"


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
        return median_s(timing)


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
