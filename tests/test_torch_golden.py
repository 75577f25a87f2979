"""Trajectories agree with torch.optim (2.13.0, CPU) to float64 round-off.

The reference trajectories were made by scripts/golden_optimizers.py and
stored in tests/golden; torch is not needed to run these tests.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import descend
from descend import _fused, schedules

GOLDEN = Path(__file__).parent / "golden"
sys.path.insert(0, str(GOLDEN))
import optim_cases as oc  # noqa: E402

META = json.loads((GOLDEN / "torch_optim.json").read_text())
REFERENCE = dict(np.load(GOLDEN / "torch_optim.npz", allow_pickle=False))


def _optimizer(case: dict[str, Any], fused: bool = False) -> descend.Optimizer:
    kwargs = dict(case["kwargs"], fused=fused)
    if "betas" in kwargs:
        kwargs["betas"] = tuple(kwargs["betas"])
    if "schedule" in case:
        schedule_cls = getattr(schedules, case["schedule"])
        kwargs["lr"] = schedule_cls(kwargs["lr"], **case["schedule_kwargs"])
    cls: type[descend.Optimizer] = getattr(descend, case["optimizer"])
    return cls(**kwargs)


def _our_path(case: dict[str, Any], fused: bool = False) -> np.ndarray:
    opt = _optimizer(case, fused)
    sign = -1.0 if case["kwargs"].get("maximize") else 1.0
    phi: np.ndarray = oc.PHI0.copy()
    state = opt.init(phi)
    path = [phi]
    for t in range(oc.STEPS):
        phi, state = opt.step(phi, oc.grad(phi, t, sign), state)
        path.append(phi)
    kept: np.ndarray = np.stack(path)[oc.KEPT]
    return kept


@pytest.mark.parametrize("case", META["cases"], ids=[c["name"] for c in META["cases"]])
def test_trajectory_matches_torch_optim_to_round_off(case: dict[str, Any]) -> None:
    ours = _our_path(case)
    theirs = REFERENCE[case["name"]]
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


@pytest.mark.skipif(not _fused.available(), reason="numba is not installed")
@pytest.mark.parametrize("case", META["cases"], ids=[c["name"] for c in META["cases"]])
def test_fused_trajectory_is_bit_for_bit_the_numpy_one(case: dict[str, Any]) -> None:
    # The compiled loop runs the same update function, rounding operation for
    # operation like NumPy: so it agrees with torch exactly as well as NumPy does.
    np.testing.assert_array_equal(_our_path(case, fused=True), _our_path(case))


def test_golden_file_covers_every_torch_optimizer_and_option() -> None:
    names = {c["optimizer"] for c in META["cases"]}
    assert names == {"SGD", "Adam", "AdamW", "RMSprop", "Adagrad"}
    options = {k for c in META["cases"] for k in c["kwargs"]}
    assert {
        "momentum",
        "dampening",
        "nesterov",
        "amsgrad",
        "centered",
        "lr_decay",
        "initial_accumulator_value",
        "decoupled_weight_decay",
        "maximize",
    } <= options
    assert len(META["cases"]) >= 100
    assert META["torch"].startswith("2.")


def test_golden_trajectories_actually_move() -> None:
    # Guard against a vacuous comparison: every reference run changes phi.
    for name, path in REFERENCE.items():
        assert not np.allclose(path[-1], path[0]), name
