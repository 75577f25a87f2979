"""The chapter widgets (docs/_playground/src/widgets.js) in headless Chromium, on both sites.

Each widget replaces its fallback paragraph with a figure, a live caption and labelled
controls. The tests read what the widget records on its element: ``descendRun`` (the main
run, as ``run()`` returns it), ``descendDrawn`` (the points drawn per path) and the
``data-*`` attributes documented at the top of widgets.js.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from selenium.webdriver import Chrome
    from selenium.webdriver.remote.webelement import WebElement

pytestmark = pytest.mark.site

#: widget kind -> the chapter that shows it
WIDGETS = {
    "gd-learning-rate": "gradient-descent",
    "momentum-beta": "momentum",
    "nesterov-lookahead": "nesterov",
    "normalized-grid": "normalized-gradients",
    "adam-vs-gd": "adam",
}

MAIN_PATH = "return arguments[0].descendRun ? arguments[0].descendRun.path : null;"
ALL_PATHS = """
const runs = arguments[0].descendRuns || {};
return Object.fromEntries(Object.entries(runs).map(([label, run]) => [label, run.path]));
"""
CAPTION = "return arguments[0].querySelector('.descend-widget-caption').textContent;"

LABELS = """
const widget = arguments[0];
return Array.from(widget.querySelectorAll('input, select, textarea')).map((input) => {
    const label = input.id ? widget.querySelector(`label[for="${input.id}"]`) : null;
    const text = (label ? label.textContent : '') || input.getAttribute('aria-label') || '';
    const group = input.closest('fieldset');
    const legend = group && group.querySelector('legend')
        ? group.querySelector('legend').textContent : '';
    return {type: input.type, label: text.trim(), legend: legend.trim()};
});
"""

FITS = """
const widget = arguments[0];
const box = widget.getBoundingClientRect();
const inner = Array.from(widget.querySelectorAll('*'))
    .map((el) => el.getBoundingClientRect().right);
return {
    viewport: document.documentElement.clientWidth,
    left: box.left, right: box.right,
    rightmost: Math.max(box.right, ...inner),
    overflow: widget.scrollWidth - widget.clientWidth,
    canvases: Array.from(widget.querySelectorAll('canvas')).map((c) => [c.clientWidth, c.width]),
};
"""


def _severe(browser: Chrome) -> list[str]:
    entries = browser.get_log("browser")  # type: ignore[no-untyped-call]
    return [e["message"] for e in entries if e["level"] == "SEVERE"]


def _open(browser: Chrome, base_url: str, kind: str) -> WebElement:
    """Open the chapter of `kind` and return its widget once it has mounted."""
    from selenium.webdriver.support.ui import WebDriverWait

    _severe(browser)  # forget the log of earlier pages
    browser.get(f"{base_url}{WIDGETS[kind]}.html")
    selector = f'[data-descend-widget="{kind}"]'
    widgets = browser.find_elements("css selector", selector)
    assert len(widgets) == 1, f"{WIDGETS[kind]}.html should hold one {kind} widget"
    widget = widgets[0]

    def mounted(_: Any) -> bool:
        return widget.get_attribute("data-mounted") == "true" or bool(
            widget.find_elements("css selector", ".descend-mount-error")
        )

    WebDriverWait(browser, 20).until(mounted)
    errors = widget.find_elements("css selector", ".descend-mount-error")
    assert not errors, errors[0].text if errors else ""
    return widget


def _path(browser: Chrome, widget: WebElement) -> list[list[float]]:
    path = browser.execute_script(MAIN_PATH, widget)
    assert path, "the widget records no run"
    return [[float(v) for v in p] for p in path]


@pytest.mark.parametrize("kind", sorted(WIDGETS))
def test_widget_mounts_on_its_chapter_with_figure_caption_and_no_fallback(
    browser: Chrome, base_url: str, kind: str
) -> None:
    widget = _open(browser, base_url, kind)
    assert widget.find_elements("css selector", ".descend-widget-fallback") == []
    canvases = widget.find_elements("css selector", "canvas")
    assert canvases, "no canvas"
    for canvas in canvases:
        assert canvas.get_attribute("role") == "img"
        assert len(canvas.get_attribute("aria-label") or "") > 20
        assert int(canvas.get_attribute("width") or 0) > 100
        assert int(canvas.get_attribute("data-renders") or 0) >= 1
    caption = browser.execute_script(CAPTION, widget)
    assert len(caption) > 40, caption
    path = _path(browser, widget)
    assert len(path) >= 2
    assert int(widget.get_attribute("data-path-length") or 0) >= 2
    assert _severe(browser) == []


@pytest.mark.parametrize("kind", sorted(WIDGETS))
def test_every_control_has_a_label(browser: Chrome, base_url: str, kind: str) -> None:
    widget = _open(browser, base_url, kind)
    controls = browser.execute_script(LABELS, widget)
    assert controls, "no controls"
    assert any(c["type"] == "range" for c in controls)
    for control in controls:
        assert control["label"], control
        if control["type"] == "radio":
            assert control["legend"], control  # the group says what the choice is about


@pytest.mark.parametrize("kind", sorted(WIDGETS))
def test_keyboard_moves_each_control_and_a_path_changes(
    browser: Chrome, base_url: str, kind: str
) -> None:
    from selenium.webdriver.common.keys import Keys

    widget = _open(browser, base_url, kind)
    for slider in widget.find_elements("css selector", "input[type=range]"):
        before_value = slider.get_attribute("value")
        before_paths = browser.execute_script(ALL_PATHS, widget)
        at_max = before_value == slider.get_attribute("max")
        slider.send_keys(Keys.ARROW_LEFT if at_max else Keys.ARROW_RIGHT)
        assert slider.get_attribute("value") != before_value, slider.get_attribute("data-param")
        assert browser.execute_script(ALL_PATHS, widget) != before_paths, slider.get_attribute(
            "data-param"
        )
        readout = slider.find_element("xpath", "following-sibling::output")
        assert readout.text in (slider.get_attribute("aria-valuetext") or "")
    radios = widget.find_elements("css selector", "input[type=radio]")
    if radios:
        checked = [r for r in radios if r.is_selected()]
        assert len(checked) == 1
        before_paths = browser.execute_script(ALL_PATHS, widget)
        checked[0].send_keys(Keys.ARROW_DOWN)
        assert not checked[0].is_selected()
        assert browser.execute_script(ALL_PATHS, widget) != before_paths
    assert _severe(browser) == []


def test_gd_caption_switches_to_diverging_past_two_over_lambda_max(
    browser: Chrome, base_url: str
) -> None:
    from selenium.webdriver.common.keys import Keys

    widget = _open(browser, base_url, "gd-learning-rate")
    slider = widget.find_element("css selector", "input[type=range][data-param=lr]")
    limit = float(widget.get_attribute("data-limit") or "nan")
    assert 0.03 < limit < 0.05  # 2/lambda_max of the textbook's line fit, about 0.0400
    lr = float(widget.get_attribute("data-lr") or "nan")
    assert lr < limit
    caption = browser.execute_script(CAPTION, widget)
    assert "below" in caption
    assert "converges" in caption
    assert "diverge" not in caption
    for _ in range(60):
        slider.send_keys(Keys.ARROW_RIGHT)
        lr = float(widget.get_attribute("data-lr") or "nan")
        if lr > limit:
            break
    assert lr > limit, "the slider never crossed 2/lambda_max"
    caption = browser.execute_script(CAPTION, widget)
    assert "above" in caption, caption
    assert "diverges" in caption, caption
    assert widget.get_attribute("data-status") == "diverges"

    # Far above the limit: the run is drawn only up to where it leaves for good.
    slider.send_keys(Keys.END)
    assert "diverges" in browser.execute_script(CAPTION, widget)
    path = _path(browser, widget)
    drawn = browser.execute_script("return arguments[0].descendDrawn.GradientDescent;", widget)
    assert widget.get_attribute("data-diverged") == "true"
    assert int(widget.get_attribute("data-path-length") or 0) == len(drawn) < len(path)
    assert all(math.isfinite(v) for p in drawn for v in p)
    assert drawn == path[: len(drawn)]  # a prefix of the run, cut where it left the plot
    # the first point more than 10^6 box sizes outside the Linear landscape's plotting box
    (x0, x1), (y0, y1) = (-0.5, 2.5), (-1.25, 1.75)
    dx, dy = 1e6 * (x1 - x0), 1e6 * (y1 - y0)
    far = [not (x0 - dx <= p[0] <= x1 + dx and y0 - dy <= p[1] <= y1 + dy) for p in path]
    assert far.index(True) == len(drawn) - 1


def test_gd_run_stops_at_its_first_nonfinite_point(browser: Chrome, base_url: str) -> None:
    # The widget draws run() of trajectory.js: with a learning rate so large that the
    # iterates overflow, the path ends at its last finite point and says where it diverged.
    _open(browser, base_url, "gd-learning-rate")
    result = browser.execute_script(
        "return window.descendPlayground.run({landscape: {name: 'Linear'},"
        " optimizer: 'GradientDescent', options: {lr: 10}, start: [1.6, -0.5], steps: 400});"
    )
    path = result["path"]
    assert result["diverged"] is not None
    assert 2 < len(path) < 401
    assert all(math.isfinite(v) for p in path for v in p)
    assert len(result["losses"]) == len(path)


@pytest.mark.parametrize("kind", sorted(WIDGETS))
def test_widget_fits_a_375_pixel_wide_screen(browser: Chrome, base_url: str, kind: str) -> None:
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 375, "height": 800, "deviceScaleFactor": 2, "mobile": True},
    )
    try:
        widget = _open(browser, base_url, kind)
        browser.execute_script("arguments[0].scrollIntoView();", widget)
        fit = browser.execute_script(FITS, widget)
        assert fit["viewport"] <= 375
        assert fit["left"] >= 0, fit
        assert fit["right"] <= fit["viewport"] + 0.5, fit
        assert fit["rightmost"] <= fit["right"] + 0.5, fit
        assert fit["overflow"] <= 0, fit
        for css_width, pixels in fit["canvases"]:
            assert 200 <= css_width <= fit["right"] - fit["left"]
            assert pixels == 2 * css_width  # drawn at the device's pixel ratio
        assert _severe(browser) == []
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


@pytest.mark.parametrize("kind", sorted(WIDGETS))
def test_widget_redraws_in_the_dark_theme(browser: Chrome, base_url: str, kind: str) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    widget = _open(browser, base_url, kind)
    canvases = widget.find_elements("css selector", "canvas")
    before = [int(c.get_attribute("data-renders") or 0) for c in canvases]
    browser.execute_script("document.documentElement.dataset.theme = 'dark';")
    try:
        WebDriverWait(browser, 10).until(
            lambda _: all(c.get_attribute("data-theme") == "dark" for c in canvases)
        )
        after = [int(c.get_attribute("data-renders") or 0) for c in canvases]
        assert all(a > b for a, b in zip(after, before, strict=True))
        assert _severe(browser) == []
    finally:
        browser.execute_script("document.documentElement.dataset.theme = 'light';")
