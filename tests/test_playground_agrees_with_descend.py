"""The playground's JavaScript computes descend's numbers: runs, losses, batches, defaults, grids.

The pure modules of docs/_playground/src run under node (through
docs/_playground/test/run_specs.js) on every spec of
:data:`playground_reference.SPECS`, and each trajectory must agree with
descend's to 1e-10 relative over its 50 steps. Skipped where node is not
installed, unless ``DESCEND_REQUIRE_NODE=1`` makes that a failure. The same
comparison in the browser, on the built site's bundle, is
tests/website/test_playground_numbers.py.
"""

from __future__ import annotations

import dataclasses
import os
import re
from typing import Any

import numpy as np
import pytest
from playground_reference import (
    DIVERGING,
    OPTIMIZERS,
    SPECS,
    Spec,
    batches_of,
    descend_prefix,
    landscape,
    losses_descend,
    node,
    run_descend,
    run_node,
    spec_id,
)

import descend
from descend.landscapes import DataLoss

RTOL, ATOL = 1e-10, 1e-12

#: Loss grids to compare: (landscape spec, bounds, nx, ny).
GRIDS: list[dict[str, Any]] = [
    {"landscape": {"name": "Quadratic", "a": 1.0, "b": 8.0, "angle": 0.5}, "nx": 13, "ny": 11},
    {"landscape": {"name": "Rosenbrock", "a": -0.5, "b": 20.0}, "nx": 17, "ny": 9},
    {"landscape": {"name": "Gabor"}, "nx": 21, "ny": 19},
    {
        "landscape": {"name": "Linear"},
        "bounds": {"x": [-1.0, 3.0], "y": [-2.0, 2.0]},
        "nx": 12,
        "ny": 15,
    },
]
BOUNDS = {"Quadratic": ((-2.0, 2.0), (-2.0, 2.0)), "Gabor": ((-10.0, 10.0), (2.5, 22.5))}


@pytest.fixture(scope="module")
def results() -> dict[str, Any]:
    """Every spec of SPECS and DIVERGING, and the grids, computed once by node."""
    if node() is None:
        if os.environ.get("DESCEND_REQUIRE_NODE") == "1":
            pytest.fail("node is not on PATH (DESCEND_REQUIRE_NODE=1)")
        pytest.skip("node is not on PATH: the playground's JavaScript cannot run here")
    return run_node(SPECS + DIVERGING, GRIDS)


def js_run(results: dict[str, Any], index: int) -> dict[str, Any]:
    run: dict[str, Any] = results["runs"][index]
    assert "error" not in run, run.get("error")
    return run


def test_the_specs_cover_every_optimizer_on_every_landscape_with_and_without_batches() -> None:
    combos = {
        (s["landscape"]["name"], s["optimizer"], "batches" in s or "batchSize" in s) for s in SPECS
    }
    for where in ("Quadratic", "Rosenbrock", "Gabor", "Linear"):
        for name in OPTIMIZERS:
            assert (where, name, False) in combos
            if where in ("Gabor", "Linear"):
                assert (where, name, True) in combos
    # every keyword option of every optimizer is set to a non-default value somewhere
    for name in OPTIMIZERS:
        cls = getattr(descend, name)
        defaults = {f.name: f.default for f in dataclasses.fields(cls) if f.init}
        changed = {
            k
            for s in SPECS
            if s["optimizer"] == name
            for k, v in s["options"].items()
            if k in defaults and defaults[k] != (tuple(v) if isinstance(v, list) else v)
        }
        assert changed >= set(defaults) - {"nonfinite", "fused"}, name


@pytest.mark.parametrize(("index", "spec"), list(enumerate(SPECS)), ids=[spec_id(s) for s in SPECS])
def test_trajectory_agrees_with_descend(results: dict[str, Any], index: int, spec: Spec) -> None:
    run = js_run(results, index)
    assert run["diverged"] is None
    expected = run_descend(spec)
    path = np.array(run["path"], dtype=np.float64)
    assert path.shape == (spec["steps"] + 1, 2)
    np.testing.assert_allclose(path, expected, rtol=RTOL, atol=ATOL)
    # and the run moves: the comparison is not of two standing points
    assert np.linalg.norm(expected[-1] - expected[0]) > 0.05
    np.testing.assert_allclose(run["losses"], losses_descend(spec, path), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize(
    ("index", "spec"),
    [(i, s) for i, s in enumerate(SPECS) if "batchSize" in s],
    ids=[spec_id(s) for s in SPECS if "batchSize" in s],
)
def test_drawn_batches_are_descends_minibatches(
    results: dict[str, Any], index: int, spec: Spec
) -> None:
    problem = landscape(spec["landscape"])
    assert isinstance(problem, DataLoss)
    assert js_run(results, index)["batches"] == batches_of(spec, len(problem))


@pytest.mark.parametrize(
    ("index", "spec"),
    [(len(SPECS) + i, s) for i, s in enumerate(DIVERGING)],
    ids=[spec_id(s) for s in DIVERGING],
)
def test_a_diverging_run_stops_where_descend_raises_or_before(
    results: dict[str, Any], index: int, spec: Spec
) -> None:
    run = js_run(results, index)
    expected, error = descend_prefix(spec)
    assert error is not None, "descend must raise on this spec"
    assert run["diverged"] is not None
    step, message = run["diverged"]["step"], run["diverged"]["message"]
    descend_step = int(re.match(r"step (\d+) of", error).group(1))  # type: ignore[union-attr]
    path = np.array(run["path"], dtype=np.float64)
    assert len(path) == step + 1
    np.testing.assert_allclose(path, expected[: len(path)], rtol=RTOL, atol=ATOL)
    assert np.isfinite(run["losses"]).all()
    if "the loss at" in message:  # a loss overflowed first: the playground stops earlier
        assert step <= descend_step
        assert message.startswith(f"step {step} of {spec['optimizer']}: the loss at the new phi")
    else:  # the same step and the same words as descend's NonFiniteError
        assert step == descend_step
        assert message.split(". ")[0] == error.split(". ")[0]


def test_defaults_are_the_dataclass_defaults(results: dict[str, Any]) -> None:
    assert set(results["optimizers"]) == set(OPTIMIZERS)
    for name in OPTIMIZERS:
        js = results["optimizers"][name]
        fields = [
            f
            for f in dataclasses.fields(getattr(descend, name))
            if f.init and f.name not in ("nonfinite", "fused")
        ]
        assert js["params"] == [f.name for f in fields], name
        assert set(js["defaults"]) == {f.name for f in fields}, name
        for f in fields:
            value = js["defaults"][f.name]
            if f.default is dataclasses.MISSING:  # descend has no default: only lr
                assert f.name == "lr"
                assert js["lrRequired"] is True
                assert isinstance(value, float)
                assert value > 0
                continue
            expected = list(f.default) if isinstance(f.default, tuple) else f.default
            assert value == expected, f"{name}.{f.name}: {value!r} != {expected!r}"
            assert type(value) is type(expected) or isinstance(expected, float), f"{name}.{f.name}"
        if "lr" in js["defaults"] and not js["lrRequired"]:
            assert getattr(descend, name)().lr == js["defaults"]["lr"]


@pytest.mark.parametrize("index", range(len(GRIDS)), ids=[g["landscape"]["name"] for g in GRIDS])
def test_loss_grid_is_descends_loss_grid(results: dict[str, Any], index: int) -> None:
    request, grid = GRIDS[index], results["grids"][index]
    problem = landscape(request["landscape"])
    xs, ys = np.array(grid["xs"], dtype=np.float64), np.array(grid["ys"], dtype=np.float64)
    if "bounds" in request:
        (x0, x1), (y0, y1) = request["bounds"]["x"], request["bounds"]["y"]
    else:
        bounds = getattr(problem, "bounds", None) or BOUNDS[request["landscape"]["name"]]
        (x0, x1), (y0, y1) = bounds
    np.testing.assert_array_equal(xs, np.linspace(x0, x1, request["nx"]))
    np.testing.assert_array_equal(ys, np.linspace(y0, y1, request["ny"]))
    phi0, phi1 = np.meshgrid(xs, ys)
    values = np.array([float(v) for v in grid["values"]]).reshape(request["ny"], request["nx"])
    expected = problem.loss_grid(phi0, phi1)  # type: ignore[attr-defined]
    np.testing.assert_allclose(values, expected, rtol=RTOL, atol=ATOL)
    one = (request["ny"] // 2, request["nx"] // 3)
    assert values[one] == pytest.approx(problem.loss(np.array([xs[one[1]], ys[one[0]]])), rel=RTOL)
