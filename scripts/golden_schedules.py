"""Regenerate the golden learning-rate sequences in tests/golden/schedules.{npz,json}.

Drives each ``torch.optim.lr_scheduler`` class with a dummy SGD over one
float64 parameter and records ``param_groups[0]["lr"]`` after 0, 1, ..., 300
calls of ``scheduler.step()``. The tests compare ``descend.schedules`` against
these numbers without needing torch.

    /work/venv/bin/python -W error scripts/golden_schedules.py

Output: ``schedules.npz`` holds one array per case (301 learning rates) plus
``loss__<name>`` arrays (the losses fed to ReduceLROnPlateau);
``schedules.json`` maps each case to its class and keyword arguments.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

N_STEPS = 300
OUT = Path(__file__).resolve().parent.parent / "tests" / "golden"

_t = np.arange(N_STEPS)
#: Losses fed to ReduceLROnPlateau (formula kept in the JSON for reference).
LOSS_FORMULAS = {
    # stairs of 40 epochs with a small wiggle: only the drops count in "abs" mode
    "stairs": "1 / (1 + t // 40) + 1e-3 * sin(0.7 t)",
    # the same, shifted below zero (torch's "rel" threshold then accepts slightly worse values)
    "negative_stairs": "1 / (1 + t // 40) + 1e-3 * sin(0.7 t) - 2",
    # a rising accuracy rounded to 2 decimals: long runs of exact ties
    "rising": "round(1 - 0.9 exp(-t / 60), 2)",
}
LOSSES = {
    "stairs": 1.0 / (1 + _t // 40) + 1e-3 * np.sin(0.7 * _t),
    "negative_stairs": 1.0 / (1 + _t // 40) + 1e-3 * np.sin(0.7 * _t) - 2,
    "rising": np.round(1 - 0.9 * np.exp(-_t / 60), 2),
}


def spec(cls: str, **kwargs: Any) -> dict[str, Any]:
    return {"class": cls, "kwargs": kwargs}


def plateau(losses: str, **kwargs: Any) -> dict[str, Any]:
    return {"class": "ReduceLROnPlateau", "kwargs": kwargs, "losses": losses}


CASES: dict[str, dict[str, Any]] = {
    "fixed": spec("FixedLR", lr=0.1),
    "fixed_zero": spec("FixedLR", lr=0.0),
    "step_default_gamma": spec("StepLR", lr=0.1, step_size=30),
    "step_half_every_7": spec("StepLR", lr=0.5, step_size=7, gamma=0.5),
    "step_every_step": spec("StepLR", lr=1.0, step_size=1, gamma=0.97),
    "step_growing": spec("StepLR", lr=0.01, step_size=50, gamma=2.0),
    "multistep_two": spec("MultiStepLR", lr=0.1, milestones=[30, 80]),
    "multistep_many": spec("MultiStepLR", lr=1.0, milestones=[1, 2, 3, 100, 250], gamma=0.5),
    "multistep_none": spec("MultiStepLR", lr=0.3, milestones=[]),
    "exponential_slow": spec("ExponentialLR", lr=0.1, gamma=0.99),
    "exponential_fast": spec("ExponentialLR", lr=1.0, gamma=0.9),
    "exponential_growing": spec("ExponentialLR", lr=0.01, gamma=1.01),
    "cosine_100": spec("CosineAnnealingLR", lr=0.1, T_max=100),
    "cosine_50_eta_min": spec("CosineAnnealingLR", lr=0.1, T_max=50, eta_min=0.001),
    "cosine_7_eta_min": spec("CosineAnnealingLR", lr=1.0, T_max=7, eta_min=0.1),
    "cosine_1": spec("CosineAnnealingLR", lr=0.1, T_max=1),
    "cosine_long": spec("CosineAnnealingLR", lr=0.05, T_max=1000),
    "cosine_eta_min_above_lr": spec("CosineAnnealingLR", lr=0.01, T_max=40, eta_min=0.1),
    "linear_default": spec("LinearLR", lr=0.1),
    "linear_warmup_100": spec("LinearLR", lr=0.1, start_factor=0.01, total_iters=100),
    "linear_decay": spec("LinearLR", lr=0.5, start_factor=1.0, end_factor=0.1, total_iters=30),
    "linear_to_zero": spec("LinearLR", lr=0.1, start_factor=0.5, end_factor=0.0, total_iters=10),
    "linear_one_step": spec("LinearLR", lr=0.2, start_factor=0.1, total_iters=1),
    "constant_default": spec("ConstantLR", lr=0.1),
    "constant_half_50": spec("ConstantLR", lr=0.2, factor=0.5, total_iters=50),
    "constant_factor_one": spec("ConstantLR", lr=0.3, factor=1.0, total_iters=3),
    "sequential_warmup_cosine": spec(
        "SequentialLR",
        schedules=[
            spec("LinearLR", lr=0.1, start_factor=0.01, total_iters=10),
            spec("CosineAnnealingLR", lr=0.1, T_max=90),
        ],
        milestones=[10],
    ),
    "sequential_cut_warmup_short_cosine": spec(
        "SequentialLR",
        schedules=[
            spec("LinearLR", lr=0.1, start_factor=0.1, total_iters=20),
            spec("CosineAnnealingLR", lr=0.1, T_max=50, eta_min=0.001),
        ],
        milestones=[5],
    ),
    "sequential_three_phases": spec(
        "SequentialLR",
        schedules=[
            spec("ConstantLR", lr=0.1, factor=0.1, total_iters=5),
            spec("ExponentialLR", lr=0.1, gamma=0.95),
            spec("StepLR", lr=0.1, step_size=20, gamma=0.5),
        ],
        milestones=[10, 100],
    ),
    "sequential_multistep_then_constant": spec(
        "SequentialLR",
        schedules=[
            spec("MultiStepLR", lr=0.2, milestones=[3, 6], gamma=0.5),
            spec("ConstantLR", lr=0.2, factor=0.25, total_iters=4),
        ],
        milestones=[8],
    ),
    "sequential_single": spec(
        "SequentialLR", schedules=[spec("ExponentialLR", lr=0.1, gamma=0.98)], milestones=[]
    ),
    "plateau_defaults": plateau("stairs", lr=0.1),
    "plateau_min_rel": plateau("stairs", lr=0.1, factor=0.5, patience=5),
    "plateau_min_abs_cooldown_min_lr": plateau(
        "stairs",
        lr=0.1,
        factor=0.5,
        patience=3,
        threshold=0.01,
        threshold_mode="abs",
        cooldown=4,
        min_lr=0.005,
    ),
    "plateau_min_rel_negative_losses": plateau(
        "negative_stairs", lr=0.1, factor=0.5, patience=2, threshold=0.01
    ),
    "plateau_max_rel_cooldown_min_lr": plateau(
        "rising",
        lr=1.0,
        mode="max",
        factor=0.3,
        patience=2,
        threshold=0.01,
        cooldown=2,
        min_lr=0.01,
    ),
    "plateau_max_abs": plateau(
        "rising",
        lr=0.5,
        mode="max",
        factor=0.1,
        patience=4,
        threshold=0.005,
        threshold_mode="abs",
        cooldown=1,
        min_lr=1e-4,
    ),
    "plateau_eps_blocks_small_cuts": plateau("stairs", lr=1e-3, factor=0.5, patience=0, eps=1e-4),
}


def torch_scheduler(opt: Any, case: dict[str, Any]) -> Any:
    import torch.optim.lr_scheduler as sched

    cls, kwargs = case["class"], dict(case["kwargs"])
    if cls == "FixedLR":
        return sched.LambdaLR(opt, lambda t: 1.0)
    if cls == "SequentialLR":
        subs = [torch_scheduler(opt, sub) for sub in kwargs["schedules"]]
        return sched.SequentialLR(opt, subs, milestones=kwargs["milestones"])
    kwargs.pop("lr")  # torch reads it from the optimizer
    return getattr(sched, cls)(opt, **kwargs)


def torch_lrs(case: dict[str, Any]) -> np.ndarray:
    import torch

    param = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    lr = (
        case["kwargs"]["lr"]
        if "lr" in case["kwargs"]
        else case["kwargs"]["schedules"][0]["kwargs"]["lr"]
    )
    opt = torch.optim.SGD([param], lr=lr)
    scheduler = torch_scheduler(opt, case)
    lrs = [opt.param_groups[0]["lr"]]
    for k in range(N_STEPS):
        opt.step()  # no gradient, so a no-op; keeps torch's "step order" check quiet
        if case["class"] == "ReduceLROnPlateau":
            scheduler.step(float(LOSSES[case["losses"]][k]))
        else:
            scheduler.step()
        lrs.append(opt.param_groups[0]["lr"])
    return np.array(lrs, dtype=np.float64)


def main() -> None:
    import torch

    OUT.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, Any] = {name: torch_lrs(case) for name, case in CASES.items()}
    arrays |= {f"loss__{name}": values for name, values in LOSSES.items()}
    np.savez_compressed(OUT / "schedules.npz", **arrays)
    meta = {
        "generated_by": "scripts/golden_schedules.py",
        "torch_version": torch.__version__,
        "n_steps": N_STEPS,
        "note": "each npz array holds the lr after t = 0..n_steps scheduler steps; "
        "plateau cases are fed npz['loss__<losses>'][t] at step t",
        "losses": LOSS_FORMULAS,
        "cases": CASES,
    }
    (OUT / "schedules.json").write_text(json.dumps(meta, indent=1) + "\n")
    print(f"wrote {len(CASES)} cases to {OUT}")


if __name__ == "__main__":
    main()
