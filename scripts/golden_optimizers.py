"""Regenerate tests/golden/torch_optim.npz by running torch.optim (CPU).

    python -m pip install torch==2.13.0   # the CPU build; never an unpinned torch
    python scripts/golden_optimizers.py

The test suite reads the stored trajectories and needs no torch.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "golden"))
import optim_cases as oc  # noqa: E402


def run(case: dict[str, Any]) -> np.ndarray:
    kwargs = dict(case["kwargs"])
    sign = -1.0 if kwargs.get("maximize") else 1.0
    phi = torch.tensor(oc.PHI0, dtype=torch.float64, requires_grad=True)
    opt = getattr(torch.optim, case["optimizer"])([phi], foreach=False, **kwargs)
    sched = None
    if "schedule" in case:
        cls = getattr(torch.optim.lr_scheduler, case["schedule"])
        sched = cls(opt, **case["schedule_kwargs"])
    scale, target = torch.tensor(oc.SCALE), torch.tensor(oc.TARGET)
    noise = torch.tensor(oc.NOISE)
    path = [phi.detach().numpy().copy()]
    for t in range(oc.STEPS):
        with torch.no_grad():
            phi.grad = oc.grad(phi.detach(), t, sign, scale, target, noise).clone()
        opt.step()
        if sched is not None:
            sched.step()
        path.append(phi.detach().numpy().copy())
    return np.stack(path)[oc.KEPT]


def main() -> None:
    torch.set_default_dtype(torch.float64)
    all_cases = oc.cases() + oc.SCHEDULED
    arrays = {c["name"]: run(c) for c in all_cases}
    out = ROOT / "tests" / "golden"
    np.savez_compressed(out / "torch_optim.npz", **arrays)
    meta = {"torch": torch.__version__, "steps": oc.STEPS, "cases": all_cases}
    (out / "torch_optim.json").write_text(json.dumps(meta, indent=1) + "\n")
    print(f"wrote {len(arrays)} trajectories with torch {torch.__version__}")


if __name__ == "__main__":
    main()
