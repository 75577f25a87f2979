"""How fast does the playground recompute, in the browser, against descend in Python?

The playground redraws four optimizers' paths whenever a slider moves, so one
*recompute* is ``window.descendPlayground.run(spec)`` for four optimizers
(gradient descent, momentum, Nesterov momentum, Adam), 1000 steps each, on
the textbook's Gabor data: 4000 gradients of the 30-example loss, and the loss
at every point. The goal is that a recompute fits in one frame (16.7 ms at
60 Hz), so that dragging a slider stays smooth.

Run ``python -m benchmarks.bench_playground [--site docs/_build/html]
[--output PATH]`` after building the site (``nox -s docs``). The times of the
JavaScript are measured inside the page (headless Chromium driven by
selenium, with the flags of tests/website/conftest.py) with
``performance.now()``: the median over many recomputes after a warm-up. In the
same process the same four runs are made with descend
(``descend.fit``, which also records the loss at every point) as the
reference, timed with ``time.perf_counter``. The report gives the ratios
first: the share of a frame a recompute takes, and JS time / Python time; then
the times. ``--output PATH`` writes the report (as JSON if PATH ends in
``.json``, else as text); by default it is only printed.

Speed is measured here, as ratios, and never asserted in the tests.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

import descend
from benchmarks.optimizers.report import cpu_name, load_average, render
from descend.datasets import textbook_gabor
from descend.landscapes import DataLoss
from descend.models import Gabor

ROOT = Path(__file__).resolve().parents[1]
FRAME_MS = 1000 / 60
STEPS = 1000
START = [-2.5, 11.5]
#: The four runs of one recompute: descend's class names and options.
RUNS: list[tuple[str, dict[str, Any]]] = [
    ("GradientDescent", {"lr": 0.05}),
    ("Momentum", {"lr": 0.05, "beta": 0.9}),
    ("NesterovMomentum", {"lr": 0.05, "beta": 0.9}),
    ("Adam", {"lr": 0.1}),
]
#: Headless Chromium as the site tests start it (tests/website/conftest.py, fixture browser).
CHROMIUM_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--window-size=1280,900",
]  # fmt: skip

#: Time recomputes inside the page: `warmup` untimed, then `repeats` timed ones, all four runs
#: together and each run alone. Returns JSON text (and the final points, to check them).
MEASURE = """
const [specs, warmup, repeats] = arguments;
const api = window.descendPlayground;
function once(list) {
  const t0 = performance.now();
  for (const spec of list) {
    const result = api.run(spec);
    if (result.diverged !== null) throw new Error(result.diverged.message);
  }
  return performance.now() - t0;
}
for (let k = 0; k < warmup; k++) once(specs);
const all = [];
for (let k = 0; k < repeats; k++) all.push(once(specs));
const each = specs.map((spec) => {
  const times = [];
  for (let k = 0; k < repeats; k++) times.push(once([spec]));
  return times;
});
// The timer's resolution: the smallest step performance.now() makes.
let resolution = Infinity;
for (let k = 0, last = performance.now(); k < 2000; k++) {
  const now = performance.now();
  if (now > last) resolution = Math.min(resolution, now - last);
  last = now;
}
const paths = specs.map((spec) => api.run(spec).path);
return JSON.stringify({all, each, resolution, paths, userAgent: navigator.userAgent});
"""


def specs() -> list[dict[str, Any]]:
    """The four specs of one recompute."""
    return [
        {
            "landscape": {"name": "Gabor"},
            "optimizer": name,
            "options": options,
            "start": START,
            "steps": STEPS,
        }
        for name, options in RUNS
    ]


@contextmanager
def chromium() -> Iterator[Any]:
    """Headless Chromium under ChromeDriver (Debian's chromium and chromium-driver)."""
    try:
        from selenium import webdriver
    except ImportError:
        sys.exit("selenium is not installed: pip install selenium")
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if binary is None or driver_path is None:
        sys.exit(
            "headless Chromium or ChromeDriver is not installed (Debian: chromium, chromium-driver)"
        )
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    profile = tempfile.mkdtemp(prefix="descend-bench-chromium-")
    for flag in [*CHROMIUM_FLAGS, f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(driver_path))
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(600)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def measure_browser(page: Path, warmup: int, repeats: int) -> dict[str, Any]:
    """The recompute times in the page, in ms, and the browser's version."""
    from selenium.webdriver.support.ui import WebDriverWait

    with chromium() as driver:
        driver.get(page.resolve().as_uri())
        WebDriverWait(driver, 30).until(
            lambda d: d.execute_script("return typeof window.descendPlayground === 'object'")
        )
        text = driver.execute_script(MEASURE, specs(), warmup, repeats)
        result: dict[str, Any] = json.loads(text)
        result["browser"] = f"Chromium {driver.capabilities.get('browserVersion', '?')}"
    return result


def measure_python(repeats: int) -> dict[str, Any]:
    """The same four runs with descend.fit, in ms (median of ``repeats``), and their paths."""
    problem = DataLoss(Gabor(), *textbook_gabor())
    opts = [getattr(descend, name)(**options) for name, options in RUNS]

    def once(which: Sequence[descend.Optimizer]) -> tuple[float, list[Any]]:
        t0 = time.perf_counter()
        runs = [descend.fit(opt, problem, np.array(START), steps=STEPS) for opt in which]
        return (time.perf_counter() - t0) * 1e3, [r.phi for r in runs]

    once(opts)  # warm-up
    all_ms = [once(opts)[0] for _ in range(repeats)]
    each_ms = [[once([opt])[0] for _ in range(repeats)] for opt in opts]
    return {"all": all_ms, "each": each_ms, "paths": once(opts)[1]}


def report(js: dict[str, Any], py: dict[str, Any], info: dict[str, Any]) -> str:
    """The header, the table of ratios and times, and the agreement of the paths."""
    width = max(len(k) for k in info)
    lines = ["descend playground benchmark", "=" * 28]
    lines += [f"{k.ljust(width)}  {v}" for k, v in info.items()]
    rows = []
    labels = ["all four (one recompute)", *(f"  {name} alone" for name, _ in RUNS)]
    for label, js_ms, py_ms in zip(
        labels, [js["all"], *js["each"]], [py["all"], *py["each"]], strict=True
    ):
        js_median, py_median = statistics.median(js_ms), statistics.median(py_ms)
        rows.append(
            [
                label,
                f"{js_median / FRAME_MS:.2f}",
                f"{js_median / py_median:.4f}",
                f"{js_median:.2f}",
                f"{min(js_ms):.2f}",
                f"{py_median:.1f}",
            ]
        )
    headers = ["recompute", "frame frac", "JS/Python", "JS ms", "JS min ms", "Python ms"]
    title = f"{len(RUNS)} optimizers x {STEPS} steps on the textbook's Gabor data (30 points)"
    lines += ["", render(title, headers, rows, left=1)]
    worst = max(
        float(np.max(np.abs(np.array(a) - b) / np.maximum(np.abs(b), 1e-300)))
        for a, b in zip(js["paths"], py["paths"], strict=True)
    )
    lines += [
        "",
        f"frame frac: JS median / {FRAME_MS:.1f} ms (one frame at 60 Hz); below 1 fits a frame",
        "JS/Python: JS median / descend median (descend.fit, which also records the losses)",
        f"largest relative difference between the JS and descend paths over {STEPS} steps: "
        f"{worst:.1e}",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--site",
        type=Path,
        default=ROOT / "docs" / "_build" / "html",
        help="the built site holding playground.html (default: docs/_build/html)",
    )
    parser.add_argument("--output", type=Path, metavar="PATH", help="write the report here")
    parser.add_argument("--repeats", type=int, default=200, help="timed recomputes in the page")
    parser.add_argument("--python-repeats", type=int, default=7, help="timed runs of descend")
    args = parser.parse_args(argv)
    page = args.site / "playground.html"
    if not page.exists():
        parser.error(f"{page} does not exist: build the site first (nox -s docs)")
    committed = {ROOT / "benchmarks" / "results.json", ROOT / "benchmarks" / "results.txt"}
    if args.output is not None and args.output.resolve() in committed:
        parser.error(f"{args.output} holds the optimizer benchmark's results: choose another path")

    load = load_average()
    js = measure_browser(page, warmup=max(10, args.repeats // 10), repeats=args.repeats)
    py = measure_python(args.python_repeats)
    info = {
        "date_utc": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "cpu": cpu_name() or platform.processor() or "unknown",
        "logical_cpus": os.cpu_count(),
        "platform": platform.platform(),
        "browser": js["browser"],
        "python": platform.python_version(),
        "numpy": np.__version__,
        "descend": descend.__version__,
        "page": str(page),
        "load_average_at_start": load,
        "timing": (
            f"JS: median of {args.repeats} recomputes in the page (performance.now(), resolution "
            f"{js['resolution'] * 1e3:.0f} us) after a warm-up; Python: median of "
            f"{args.python_repeats} runs, time.perf_counter"
        ),
    }
    text = report(js, py, info)
    print(text)
    if args.output is not None:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        if args.output.suffix == ".json":
            numbers = {
                "machine": info,
                "runs": [{"optimizer": n, "options": o} for n, o in RUNS],
                "steps": STEPS,
                "frame_ms": FRAME_MS,
                "js_ms": {"all": js["all"], "each": js["each"]},
                "python_ms": {"all": py["all"], "each": py["each"]},
                "report": text,
            }
            args.output.write_text(json.dumps(numbers, indent=1) + "\n")
        else:
            args.output.write_text(text + "\n")
        print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
