"""The built site's playground computes descend's numbers, in the browser.

On playground.html, ``window.descendPlayground`` (the bundled script) runs
every spec of :data:`playground_reference.SPECS` (every optimizer on every
landscape, with and without minibatches, with non-default options); each
trajectory must agree with descend's to 1e-10 relative over its 50 steps. A
diverging spec makes ``trajectory()`` throw a message naming the step while
``run()`` returns the finite part of the path, which is descend's. The loss
grids behind the contours are descend's losses on the same points.

The same comparison without a browser, on the JavaScript sources under node,
is tests/test_playground_agrees_with_descend.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest
from playground_reference import (
    DIVERGING,
    SPECS,
    Spec,
    descend_prefix,
    landscape,
    losses_descend,
    run_descend,
    spec_id,
)

if TYPE_CHECKING:
    from selenium.webdriver import Chrome

pytestmark = pytest.mark.site

RTOL, ATOL = 1e-10, 1e-12
PAGE = "playground.html"

#: Run specs in the page; results go through JSON.stringify, so that every double comes back
#: as JavaScript's shortest round-trip decimal (exact), whatever WebDriver does with numbers.
RUN_ALL = """
const [specs, how] = arguments;
const api = window.descendPlayground;
return JSON.stringify(specs.map((spec) => {
  try {
    return how === "trajectory" ? {path: api.trajectory(spec)} : api.run(spec);
  } catch (error) {
    return {error: String(error && error.message)};
  }
}));
"""

GRIDS = """
const [requests] = arguments;
const api = window.descendPlayground;
return JSON.stringify(requests.map(([spec, nx, ny]) => {
  const grid = api.lossGrid(spec, nx, ny);
  return {xs: Array.from(grid.xs), ys: Array.from(grid.ys), values: Array.from(grid.values)};
}));
"""


def open_playground(browser: Chrome, base_url: str) -> None:
    """Load playground.html and wait until the bundle has set window.descendPlayground."""
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(base_url + PAGE)
    WebDriverWait(browser, 30).until(
        lambda d: d.execute_script("return typeof window.descendPlayground === 'object'")
    )


def in_page(browser: Chrome, script: str, *args: Any) -> list[dict[str, Any]]:
    """Run ``script`` (which returns a JSON string) with ``args``; return the parsed result."""
    text = browser.execute_script(script, *args)
    assert isinstance(text, str), text
    result: list[dict[str, Any]] = json.loads(text)
    return result


@pytest.fixture(scope="module")
def page_runs(browser: Chrome, base_url: str, site: Path) -> dict[str, Any]:
    """Every spec's trajectory and every diverging spec's run and trajectory, from the page."""
    if not (site / PAGE).exists():
        pytest.fail(f"{site / PAGE} is missing: the playground page was not built")
    open_playground(browser, base_url)
    return {
        "trajectories": in_page(browser, RUN_ALL, SPECS, "trajectory"),
        "diverging_runs": in_page(browser, RUN_ALL, DIVERGING, "run"),
        "diverging_trajectories": in_page(browser, RUN_ALL, DIVERGING, "trajectory"),
    }


@pytest.mark.parametrize(("index", "spec"), list(enumerate(SPECS)), ids=[spec_id(s) for s in SPECS])
def test_trajectory_in_the_browser_agrees_with_descend(
    page_runs: dict[str, Any], index: int, spec: Spec
) -> None:
    result = page_runs["trajectories"][index]
    assert "error" not in result, result.get("error")
    path = np.array(result["path"], dtype=np.float64)
    assert path.shape == (spec["steps"] + 1, 2)
    np.testing.assert_allclose(path, run_descend(spec), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize(
    ("index", "spec"), list(enumerate(DIVERGING)), ids=[spec_id(s) for s in DIVERGING]
)
def test_a_diverging_run_throws_naming_the_step_and_keeps_the_finite_path(
    page_runs: dict[str, Any], index: int, spec: Spec
) -> None:
    thrown = page_runs["diverging_trajectories"][index]
    run = page_runs["diverging_runs"][index]
    assert "error" not in run, run.get("error")
    assert run["diverged"] is not None
    step = run["diverged"]["step"]
    assert "error" in thrown, "trajectory() must throw on a diverging run"
    assert re.match(rf"step {step} of {spec['optimizer']}: ", thrown["error"]), thrown["error"]
    assert thrown["error"] == run["diverged"]["message"]
    expected, error = descend_prefix(spec)
    assert error is not None
    descend_step = int(re.match(r"step (\d+) of", error).group(1))  # type: ignore[union-attr]
    assert step <= descend_step
    path = np.array(run["path"], dtype=np.float64)
    assert len(path) == step + 1
    assert np.isfinite(path).all()
    np.testing.assert_allclose(path, expected[: len(path)], rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(run["losses"], losses_descend(spec, path), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize(
    ("spec", "nx", "ny"),
    [
        ({"name": "Quadratic", "a": 1.0, "b": 8.0, "angle": 0.5}, 13, 11),
        ({"name": "Rosenbrock"}, 17, 9),
        ({"name": "Gabor"}, 21, 19),
        ({"name": "Linear"}, 12, 15),
    ],
    ids=["Quadratic", "Rosenbrock", "Gabor", "Linear"],
)
def test_loss_grid_in_the_browser_is_descends(
    browser: Chrome,
    base_url: str,
    page_runs: dict[str, Any],
    spec: dict[str, Any],
    nx: int,
    ny: int,
) -> None:
    (grid,) = in_page(browser, GRIDS, [[spec, nx, ny]])
    bounds = browser.execute_script(
        "return window.descendPlayground.landscapes[arguments[0]].bounds;", spec["name"]
    )
    xs = np.array(grid["xs"], dtype=np.float64)
    ys = np.array(grid["ys"], dtype=np.float64)
    (x0, x1), (y0, y1) = ([float(v) for v in bounds[axis]] for axis in ("x", "y"))
    np.testing.assert_array_equal(xs, np.linspace(x0, x1, nx))
    np.testing.assert_array_equal(ys, np.linspace(y0, y1, ny))
    values = np.array(grid["values"], dtype=np.float64).reshape(ny, nx)
    phi0, phi1 = np.meshgrid(xs, ys)
    expected = landscape(spec).loss_grid(phi0, phi1)  # type: ignore[attr-defined]
    np.testing.assert_allclose(values, expected, rtol=RTOL, atol=ATOL)
