"""The cases behind ``torch_optim.npz``: shared by the generator and the tests.

The gradient is a polynomial written with operators only, so the very same
code runs on NumPy arrays (in the tests) and on torch tensors (in
``scripts/golden_optimizers.py``) and gives identical float64 results.
"""

from __future__ import annotations

from typing import Any

import numpy as np

STEPS = 100
#: The iterates stored and compared (all runs take STEPS steps): enough to
#: catch a wrong first step, a wrong bias correction and drift, in a small file.
KEPT = [0, 1, 2, 3, 4, 5, 10, 20, 35, 50, 75, 100]
SHAPE = (3, 4)
PHI0 = np.linspace(-1.5, 2.0, 12).reshape(SHAPE)
# Curvatures spanning three decades: an ill-conditioned problem, so the
# adaptive rules differ visibly from plain gradient descent.
SCALE = np.logspace(-1.5, 1.5, 12).reshape(SHAPE)
TARGET = np.linspace(0.5, -0.5, 12).reshape(SHAPE)


#: Fixed "minibatch noise" added to the gradient at each step. Without it the
#: gradient near the minimum is constant, centered RMSprop divides by
#: sqrt(v - g_bar^2) -> sqrt(0) + eps, and the run becomes so sensitive that
#: one rounding difference (torch fuses a multiply-add) grows to 1e-3. Real
#: training always has this noise.
NOISE = 0.3 * np.random.default_rng(542).standard_normal((STEPS, *SHAPE))


def grad(
    phi: Any,
    t: int,
    sign: float = 1.0,
    scale: Any = SCALE,
    target: Any = TARGET,
    noise: Any = NOISE,
) -> Any:
    """Gradient of sum(scale/2 (phi - target)^2 + 0.05 phi^4 / 4) plus noise[t], times ``sign``.

    The generator passes ``scale``, ``target`` and ``noise`` as torch tensors.
    """
    return sign * (scale * (phi - target) + 0.05 * phi * phi * phi + noise[t])


def _grid(name: str, base: dict[str, Any], **options: list[Any]) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = [{"optimizer": name, "kwargs": dict(base)}]
    for key, values in options.items():
        cases = [
            {"optimizer": name, "kwargs": {**c["kwargs"], key: v}} for c in cases for v in values
        ]
    return cases


def cases() -> list[dict[str, Any]]:
    """Every combination of options tried against torch.optim."""
    all_cases: list[dict[str, Any]] = []
    for c in _grid(
        "SGD",
        {"lr": 0.02},
        momentum=[0.0, 0.9],
        dampening=[0.0, 0.3],
        weight_decay=[0.0, 0.1],
        nesterov=[False, True],
        maximize=[False, True],
    ):
        kw = c["kwargs"]
        if kw["nesterov"] and (kw["momentum"] == 0 or kw["dampening"] != 0):
            continue
        all_cases.append(c)
    all_cases += _grid(
        "Adam",
        {"lr": 0.05},
        betas=[(0.9, 0.999), (0.5, 0.9)],
        weight_decay=[0.0, 0.1],
        amsgrad=[False, True],
        maximize=[False, True],
        decoupled_weight_decay=[False, True],
    )
    all_cases += _grid(
        "AdamW",
        {"lr": 0.05},
        weight_decay=[0.0, 0.01, 0.3],
        amsgrad=[False, True],
        maximize=[False, True],
    )
    all_cases += _grid(
        "RMSprop",
        {"lr": 0.01},
        alpha=[0.99, 0.8],
        weight_decay=[0.0, 0.1],
        momentum=[0.0, 0.5],
        centered=[False, True],
        maximize=[False, True],
    )
    all_cases += _grid(
        "Adagrad",
        {"lr": 0.2},
        lr_decay=[0.0, 0.05],
        weight_decay=[0.0, 0.1],
        initial_accumulator_value=[0.0, 0.5],
        eps=[1e-10, 1e-3],
        maximize=[False, True],
    )
    # Defaults exactly as torch's (only the lr given where torch has one).
    all_cases += [
        {"optimizer": n, "kwargs": {}} for n in ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"]
    ]
    for i, c in enumerate(all_cases):
        c["name"] = f"{i:03d}_{c['optimizer']}"
    return all_cases


# A learning-rate schedule driven alongside some optimizers: torch's
# scheduler.step() after every optimizer step, ours as lr=schedule.
SCHEDULED = [
    {
        "optimizer": "SGD",
        "kwargs": {"lr": 0.05, "momentum": 0.9},
        "schedule": "StepLR",
        "schedule_kwargs": {"step_size": 10, "gamma": 0.5},
    },
    {
        "optimizer": "Adam",
        "kwargs": {"lr": 0.1},
        "schedule": "CosineAnnealingLR",
        "schedule_kwargs": {"T_max": 60, "eta_min": 0.001},
    },
    {
        "optimizer": "Adagrad",
        "kwargs": {"lr": 0.3, "lr_decay": 0.01},
        "schedule": "ExponentialLR",
        "schedule_kwargs": {"gamma": 0.97},
    },
    {
        "optimizer": "RMSprop",
        "kwargs": {"lr": 0.01, "momentum": 0.5},
        "schedule": "LinearLR",
        "schedule_kwargs": {"start_factor": 0.1, "total_iters": 20},
    },
    {
        "optimizer": "AdamW",
        "kwargs": {"lr": 0.05, "weight_decay": 0.1},
        "schedule": "MultiStepLR",
        "schedule_kwargs": {"milestones": [20, 50, 70], "gamma": 0.3},
    },
]
for _i, _c in enumerate(SCHEDULED):
    _c["name"] = f"sched{_i}_{_c['optimizer']}_{_c['schedule']}"
