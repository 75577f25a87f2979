"""The playground's runs, made by descend: the reference the site's JavaScript must match.

A *spec* is what ``window.descendPlayground.trajectory(spec)`` takes (see
``docs/_playground/src/trajectory.js``)::

    {"landscape": {"name": "Quadratic", "a": 1.0, "b": 8.0, "angle": 0.5},
     "optimizer": "Adam", "options": {"lr": 0.1, "amsgrad": True},
     "start": [-1.5, 1.5], "steps": 50,
     "batches": [[0, 5, 9], [1, 2]]}          # optional, data landscapes only
     # or "batchSize": 5, "seed": 1, "sampling": "per_epoch" | "per_step"

:func:`run_descend` makes the same run with descend: the landscape from
:mod:`descend.landscapes` (the data ones on the textbook's points), the
optimizer class with the same keyword options, ``opt.step(phi, grad, state)``
with the gradient of the step's minibatch (``DataLoss.subset``), the batches of
``batchSize``/``seed`` drawn by :func:`descend.minibatches.minibatches` with
``rng=np.random.RandomState(seed)``. :data:`SPECS` covers every optimizer on
every landscape; :func:`run_node` runs specs with the JavaScript modules under
node, for the tests that compare the two.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import tempfile
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np

import descend
from descend._base import NonFiniteError
from descend._validate import FloatArray
from descend.datasets import textbook_gabor, textbook_linear
from descend.landscapes import DataLoss, Landscape, Quadratic, Rosenbrock
from descend.minibatches import minibatches
from descend.models import Gabor, Linear

Spec = dict[str, Any]

ROOT = Path(__file__).resolve().parents[1]
PLAYGROUND = ROOT / "docs" / "_playground"
RUN_SPECS = PLAYGROUND / "test" / "run_specs.js"

#: The optimizers of the playground, by descend's class names.
OPTIMIZERS = (
    "GradientDescent",
    "Momentum",
    "NesterovMomentum",
    "NormalizedGradient",
    "RMSprop",
    "Adagrad",
    "Adam",
    "AdamW",
)


def landscape(spec: dict[str, Any]) -> Landscape:
    """The descend landscape of a landscape spec, e.g. ``{"name": "Gabor"}``."""
    params = {k: v for k, v in spec.items() if k != "name"}
    name = spec["name"]
    if name == "Quadratic":
        return Quadratic(**params)
    if name == "Rosenbrock":
        return Rosenbrock(**params)
    if name == "Gabor" and not params:
        return DataLoss(Gabor(), *textbook_gabor())
    if name == "Linear" and not params:
        return DataLoss(Linear(), *textbook_linear())
    raise ValueError(f"no landscape {spec!r}")


def optimizer(name: str, options: dict[str, Any]) -> descend.Optimizer:
    """The descend optimizer ``name`` with the spec's keyword options (lists as tuples)."""
    if name not in OPTIMIZERS:
        raise ValueError(f"no optimizer {name!r}")
    kwargs = {k: tuple(v) if isinstance(v, list) else v for k, v in options.items()}
    opt: descend.Optimizer = getattr(descend, name)(**kwargs)
    return opt


def batches_of(spec: Spec, n: int) -> list[list[int]] | None:
    """The spec's minibatches: its own lists, those descend draws, or None (full batch)."""
    if "batches" in spec:
        return [list(b) for b in spec["batches"]]
    if "batchSize" not in spec:
        return None
    size, steps = spec["batchSize"], spec["steps"]
    per_epoch = math.ceil(n / size)
    drawn = minibatches(
        n,
        size,
        epochs=max(1, math.ceil(steps / per_epoch)),
        rng=np.random.RandomState(spec.get("seed", 0)),
        sampling=spec.get("sampling", "per_epoch"),
    )
    return [[int(i) for i in b.indices] for b in islice(drawn, steps)]


def descend_prefix(spec: Spec) -> tuple[FloatArray, str | None]:
    """The iterates descend computes for ``spec``, up to a NonFiniteError and its message."""
    problem = landscape(spec["landscape"])
    opt = optimizer(spec["optimizer"], spec.get("options", {}))
    batches = batches_of(spec, len(problem) if isinstance(problem, DataLoss) else 0)
    phi: FloatArray = np.array(spec["start"], dtype=np.float64)
    state = opt.init(phi)
    path = [phi.copy()]
    for t in range(spec["steps"]):
        if batches is None:
            grad = problem.grad
        else:
            assert isinstance(problem, DataLoss)
            grad = problem.subset(np.array(batches[t % len(batches)])).grad
        try:
            phi, state = opt.step(phi, grad, state)
        except NonFiniteError as err:
            return np.array(path), str(err)
        path.append(phi.copy())
    return np.array(path), None


def run_descend(spec: Spec) -> FloatArray:
    """The iterates ``phi_0, ..., phi_steps`` of ``spec`` in descend, shape ``(steps + 1, 2)``.

    Raises descend's NonFiniteError if a step meets NaN or inf.
    """
    path, error = descend_prefix(spec)
    if error is not None:
        raise NonFiniteError(error)
    return path


def losses_descend(spec: Spec, path: FloatArray) -> FloatArray:
    """The full loss of the spec's landscape at every point of ``path``."""
    problem = landscape(spec["landscape"])
    return np.array([problem.loss(phi) for phi in path])


# ------------------------------------------------------------------ the specs

#: Landscapes and starts: a rotated ill-conditioned bowl, the banana, the textbook's data.
LANDSCAPES: dict[str, tuple[dict[str, Any], list[float]]] = {
    "Quadratic": ({"name": "Quadratic", "a": 1.0, "b": 8.0, "angle": 0.5}, [-1.5, 1.5]),
    "Rosenbrock": ({"name": "Rosenbrock"}, [-1.2, 1.0]),
    "Gabor": ({"name": "Gabor"}, [-2.5, 11.5]),
    "Linear": ({"name": "Linear"}, [1.6, -0.5]),
}
#: Learning rates that move noticeably and stay finite over 50 steps: for gradient steps
#: (in units of 1 / curvature) and for the normalized rules (in units of phi).
GRADIENT_LR = {"Quadratic": 0.05, "Rosenbrock": 1e-3, "Gabor": 0.05, "Linear": 0.01}
UNIT_LR = {"Quadratic": 0.1, "Rosenbrock": 0.05, "Gabor": 0.2, "Linear": 0.05}
#: Each optimizer's configurations (besides lr): descend's defaults first, then others.
CONFIGS: dict[str, list[dict[str, Any]]] = {
    "GradientDescent": [{}],
    "Momentum": [{}, {"beta": 0.5}],
    "NesterovMomentum": [{}, {"beta": 0.8, "lookahead": "slide"}],
    "NormalizedGradient": [{}, {"norm": "global", "eps": 1e-6}],
    "RMSprop": [
        {},
        {"centered": True, "momentum": 0.5, "alpha": 0.9},
        {"weight_decay": 0.1, "eps": 1e-6, "maximize": True},
    ],
    "Adagrad": [
        {},
        {"lr_decay": 0.05, "initial_accumulator_value": 0.1, "weight_decay": 0.05, "eps": 1e-8},
        {"maximize": True},
    ],
    "Adam": [
        {},
        {"amsgrad": True, "betas": [0.8, 0.99]},
        {"weight_decay": 0.1, "eps": 1e-6},
        {"weight_decay": 0.1, "decoupled_weight_decay": True, "maximize": True},
    ],
    "AdamW": [
        {},
        {"weight_decay": 0.3, "amsgrad": True, "eps": 1e-6},
        {"betas": [0.85, 0.995], "maximize": True},
    ],
}
#: Minibatch variants on the data landscapes.
BATCHES: dict[str, list[dict[str, Any]]] = {
    "Gabor": [
        {"batches": [[0, 5, 9, 13, 20], [1, 2, 3], [29, 4, 17, 11, 8, 6, 22]]},
        {"batchSize": 5, "seed": 1},
        {"batchSize": 4, "seed": 2, "sampling": "per_step"},
    ],
    "Linear": [
        {"batches": [[0, 3, 7], [11, 1], [5, 6, 8, 9]]},
        {"batchSize": 5, "seed": 3},
        {"batchSize": 3, "seed": 4, "sampling": "per_step"},
    ],
}
STEPS = 50


def _lr(name: str, where: str) -> float:
    gradient_steps = {"GradientDescent", "Momentum", "NesterovMomentum"}
    return GRADIENT_LR[where] if name in gradient_steps else UNIT_LR[where]


def _specs() -> list[Spec]:
    specs: list[Spec] = []
    for where, (land, start) in LANDSCAPES.items():
        for name, configs in CONFIGS.items():
            for config in configs:
                options = {"lr": _lr(name, where), **config}
                specs.append(
                    {
                        "landscape": land,
                        "optimizer": name,
                        "options": options,
                        "start": start,
                        "steps": STEPS,
                    }
                )
            for batching in BATCHES.get(where, []):
                options = {"lr": _lr(name, where), **configs[-1]}
                specs.append(
                    {
                        "landscape": land,
                        "optimizer": name,
                        "options": options,
                        "start": start,
                        "steps": STEPS,
                        **batching,
                    }
                )
    return specs


#: Every optimizer on every landscape, with descend's defaults and with other options, and on
#: the data landscapes also with given and with drawn minibatches; 50 steps each.
SPECS: list[Spec] = _specs()

#: Runs that meet inf or NaN: in descend a NonFiniteError at some step, in the playground a run
#: that stops there (or, if a loss overflows first, a step or two earlier).
DIVERGING: list[Spec] = [
    {
        "landscape": {"name": "Quadratic", "a": 1e160, "b": 1e160},
        "optimizer": "Adam",
        "options": {"lr": 0.1},
        "start": [1e-5, 1e-5],
        "steps": 10,
    },
    {
        "landscape": {"name": "Quadratic"},
        "optimizer": "GradientDescent",
        "options": {"lr": 1e300},
        "start": [1.0, 1.0],
        "steps": 10,
    },
    {
        "landscape": {"name": "Linear"},
        "optimizer": "Momentum",
        "options": {"lr": 0.5, "beta": 0.5},
        "start": [1.6, -0.5],
        "steps": 500,
    },
]


def spec_id(spec: Spec) -> str:
    """A short readable name for a spec (for test ids)."""
    options = ",".join(f"{k}={v}" for k, v in spec.get("options", {}).items())
    batching = ",".join(f"{k}" for k in ("batches", "batchSize", "sampling") if k in spec)
    name = f"{spec['landscape']['name']}-{spec['optimizer']}({options})"
    return f"{name}-{batching}" if batching else name


# ------------------------------------------------------------------ node


def node() -> str | None:
    """The node executable, or None if it is not installed."""
    return shutil.which("node")


def run_node(
    specs: list[Spec], grids: list[dict[str, Any]] | None = None, *, timeout: float = 60.0
) -> dict[str, Any]:
    """Run specs (and loss grids) with the playground's JavaScript under node.

    Returns ``{"runs": [...], "grids": [...], "optimizers": {...}}`` as
    docs/_playground/test/run_specs.js prints it: each run is ``run(spec)``
    (``{"path", "losses", "diverged", "batches"}``) or ``{"error": message}``.
    """
    executable = node()
    if executable is None:
        raise FileNotFoundError("node is not on PATH")
    with tempfile.TemporaryDirectory(prefix="descend-playground-") as tmp:
        request = Path(tmp) / "request.json"
        request.write_text(json.dumps({"specs": specs, "grids": grids or []}), encoding="utf-8")
        done = subprocess.run(
            [executable, str(RUN_SPECS), str(request)],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"node {RUN_SPECS.name} failed ({done.returncode}):\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result
