"""The Playground page (docs/playground.md, docs/_playground/src/playground.js) in Chromium.

The page mounts (its fallback text is replaced), the controls change the runs (a slider moved
with the keyboard, a click on the landscape), the URL hash holds the whole setup both ways, bad
text in a field is refused beside the field without changing the figure, a diverging run says
where it stopped, Play/Pause/Step/Reset work, and the page works at 375 px, in the dark theme,
without console errors, without requests to other hosts, and opened from ``file://``. The
console example printed on the page is run as written and compared with descend.

The app's handle ``document.getElementById("descend-playground").playground`` gives the
state and the paths (``paths()`` the whole runs, ``shownPaths()`` what is drawn now).
"""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import numpy as np
import pytest

if TYPE_CHECKING:
    from selenium.webdriver import Chrome

pytestmark = pytest.mark.site

PAGE = "playground.html"
#: The setup of the issue's example (Adam with AMSGrad and momentum on a tilted bowl).
QUADRATIC = (
    "land=Quadratic&a=1&b=12&angle=0.4&start=2,1.5&steps=100"
    "&opt=Adam:lr=0.05,amsgrad=1;Momentum:lr=0.1,beta=0.9"
)
#: The same runs, as specs for window.descendPlayground (written out, not derived from the page).
QUADRATIC_SPECS = [
    {
        "landscape": {"name": "Quadratic", "a": 1, "b": 12, "angle": 0.4},
        "optimizer": "Adam",
        "options": {"lr": 0.05, "amsgrad": True},
        "start": [2, 1.5],
        "steps": 100,
    },
    {
        "landscape": {"name": "Quadratic", "a": 1, "b": 12, "angle": 0.4},
        "optimizer": "Momentum",
        "options": {"lr": 0.1, "beta": 0.9},
        "start": [2, 1.5],
        "steps": 100,
    },
]
APP = "document.getElementById('descend-playground')"
READY = f"const e = {APP}; return !!e && e.dataset.ready === 'true';"
PATHS = f"return {APP}.playground.paths();"
SHOWN = f"return {APP}.playground.shownPaths();"
STATE = f"return {APP}.playground.state;"
RUNS = f"return {APP}.playground.runs;"
TRAJECTORIES = "return arguments[0].map((spec) => window.descendPlayground.trajectory(spec));"


def _wait(browser: Chrome, script: str, timeout: float = 10.0, *args: Any) -> Any:
    """Poll `script` until it returns something truthy; fail after `timeout` seconds."""
    end = time.monotonic() + timeout
    while True:
        value = browser.execute_script(script, *args)
        if value:
            return value
        if time.monotonic() > end:
            pytest.fail(f"timed out waiting for: {script}")
        time.sleep(0.05)


def _severe(browser: Chrome) -> list[str]:
    logs = browser.get_log("browser")  # type: ignore[no-untyped-call]
    return [str(e["message"]) for e in logs if e["level"] == "SEVERE"]


def _open(browser: Chrome, url: str) -> None:
    """A fresh load of `url` (also when only its hash differs from the page shown)."""
    browser.get("about:blank")
    _severe(browser)  # drop the messages of earlier pages
    browser.get(url)
    _wait(browser, READY, 20)


def _hash(browser: Chrome) -> str:
    return str(browser.execute_script("return location.hash;"))


def _field(browser: Chrome, element_id: str) -> Any:
    from selenium.webdriver.common.by import By

    return browser.find_element(By.ID, element_id)


def _type(browser: Chrome, element_id: str, text: str) -> None:
    field = _field(browser, element_id)
    field.clear()
    field.send_keys(text)


def _image(browser: Chrome) -> str:
    return str(
        browser.execute_script("return document.getElementById('dp-landscape').toDataURL();")
    )


def _descend_adam_quadratic(steps: int) -> np.ndarray:
    from descend import Adam
    from descend.landscapes import Quadratic

    opt, land = Adam(lr=0.05, amsgrad=True), Quadratic(a=1, b=12, angle=0.4)
    phi = np.array([2.0, 1.5])
    state = opt.init(phi)
    path = [phi]
    for _ in range(steps):
        phi, state = opt.step(phi, land.grad(phi), state)
        path.append(phi)
    return np.array(path)


def test_the_page_mounts_the_playground_in_place_of_its_fallback(
    browser: Chrome, base_url: str
) -> None:
    _open(browser, base_url + PAGE)
    from selenium.webdriver.common.by import By

    assert "needs JavaScript" not in _field(browser, "descend-playground").text, (
        "the fallback is gone"
    )
    assert browser.find_elements(By.CSS_SELECTOR, ".descend-mount-error") == []
    for element_id in [
        "dp-landscape",
        "dp-loss",
        "dp-play",
        "dp-step",
        "dp-reset",
        "dp-results",
        "dp-status",
    ]:
        assert _field(browser, element_id).is_displayed(), element_id
    rows = browser.find_elements(By.CSS_SELECTOR, "#dp-results tbody tr")
    paths = browser.execute_script(PATHS)
    assert len(rows) == len(paths) >= 1
    assert all(len(p) == 101 for p in paths), "the default setup runs 100 steps"
    # every control has a label: its own <label for>, or an aria-label
    unlabelled = browser.execute_script(
        f"""return Array.from({APP}.querySelectorAll('input, select')).filter((el) =>
            !el.getAttribute('aria-label') && !document.querySelector(`label[for="${{el.id}}"]`))
            .map((el) => el.id);"""
    )
    assert unlabelled == []
    assert _severe(browser) == []


def test_moving_a_learning_rate_slider_with_the_keyboard_changes_that_path(
    browser: Chrome, base_url: str
) -> None:
    from selenium.webdriver.common.keys import Keys

    _open(browser, base_url + PAGE + "#" + QUADRATIC)
    before = browser.execute_script(PATHS)
    slider = _field(browser, "dp-opt0-lr-slider")
    browser.execute_script("arguments[0].focus();", slider)
    slider.send_keys(Keys.ARROW_LEFT)
    # lr = 0.05: the slider sits at log10 = -1.30, a key moves it by 0.05: 10^-1.35 = 0.0447
    assert _field(browser, "dp-opt0-lr").get_attribute("value") == "0.0447"
    after = browser.execute_script(PATHS)
    assert after[0] != before[0]
    assert after[1] == before[1], "the other optimizer's path stays"
    spec = dict(QUADRATIC_SPECS[0], options={"lr": 0.0447, "amsgrad": True})
    assert after[0] == browser.execute_script(TRAJECTORIES, [spec])[0]
    assert "opt=Adam:lr=0.0447,amsgrad=1;" in _hash(browser)


def test_a_click_on_the_landscape_sets_the_start(browser: Chrome, base_url: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    _open(browser, base_url + PAGE + "#" + QUADRATIC)
    canvas = _field(browser, "dp-landscape")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", canvas)
    clicked = []
    for dx in (-60, 60):
        browser.execute_script(
            "arguments[0].addEventListener('click', "
            "(e) => { window.__click = [e.clientX, e.clientY]; }, {once: true});",
            canvas,
        )
        ActionChains(browser).move_to_element_with_offset(canvas, dx, -40).click().perform()
        x, y = browser.execute_script("return window.__click;")
        expected = browser.execute_script(
            f"return {APP}.playground.toData(arguments[0], arguments[1]);", x, y
        )
        paths = browser.execute_script(PATHS)
        for path in paths:
            # rounded to a thousandth of the 4-wide box
            assert path[0] == pytest.approx(expected, abs=0.004)
        assert -2 < paths[0][0][0] < 2
        assert -2 < paths[0][0][1] < 2
        assert _field(browser, "dp-start0").get_attribute("value") == repr(
            paths[0][0][0]
        ).removesuffix(".0")
        assert f"start={_field(browser, 'dp-start0').get_attribute('value')}," in _hash(browser)
        clicked.append(paths[0][0])
    assert clicked[1][0] > clicked[0][0], "further right on the canvas is a larger phi0"
    assert clicked[1][1] == pytest.approx(clicked[0][1], abs=0.004)


def test_a_hash_loads_its_setup_and_every_change_writes_one_back(
    browser: Chrome, base_url: str
) -> None:
    _open(browser, base_url + PAGE + "#" + QUADRATIC)
    values = {
        "dp-land": "Quadratic", "dp-land-a": "1", "dp-land-b": "12", "dp-land-angle": "0.4",
        "dp-start0": "2", "dp-start1": "1.5", "dp-steps": "100",
        "dp-opt0": "Adam", "dp-opt0-lr": "0.05",
        "dp-opt1": "Momentum", "dp-opt1-lr": "0.1", "dp-opt1-beta": "0.9",
    }  # fmt: skip
    assert {k: _field(browser, k).get_attribute("value") for k in values} == values
    assert _field(browser, "dp-opt0-amsgrad").is_selected()
    assert browser.execute_script(PATHS) == browser.execute_script(TRAJECTORIES, QUADRATIC_SPECS)
    assert not _field(browser, "dp-hash-errors").is_displayed()

    history = browser.execute_script("return history.length;")
    _type(browser, "dp-opt1-beta", "0.5")
    _type(browser, "dp-land-b", "4")
    changed = _hash(browser)
    assert "b=4&" in changed
    assert "Momentum:lr=0.1,beta=0.5" in changed
    assert browser.execute_script("return history.length;") == history, (
        "replaceState: no history entries"
    )
    paths = browser.execute_script(PATHS)
    state = browser.execute_script(STATE)

    _open(browser, base_url + PAGE + changed)
    assert browser.execute_script(PATHS) == paths
    assert browser.execute_script(STATE) == state
    assert _hash(browser) == changed


def test_bad_text_in_a_field_is_refused_beside_it_and_the_figure_stays(
    browser: Chrome, base_url: str
) -> None:
    _open(browser, base_url + PAGE + "#" + QUADRATIC)
    paths, image, hash_ = browser.execute_script(PATHS), _image(browser), _hash(browser)
    for field, text, message in [
        ("dp-opt0-lr", "abc", 'lr: "abc" is not a number'),
        ("dp-opt0-lr", "-1", "lr must be a number > 0, got -1"),
        ("dp-opt1-beta", "1", "beta must be a number in [0, 1), got 1"),
    ]:
        _type(browser, field, text)
        note = _field(browser, field + "-msg")
        assert note.text == message
        assert note.is_displayed()
        element = _field(browser, field)
        assert element.get_attribute("aria-describedby") == field + "-msg"
        assert element.get_attribute("aria-invalid") == "true"
        assert note.get_attribute("aria-live") == "polite"
        assert browser.execute_script(PATHS) == paths, f"{field} = {text!r} changed the runs"
        assert _image(browser) == image, f"{field} = {text!r} changed the drawing"
        assert _hash(browser) == hash_
    _type(browser, "dp-opt1-beta", "0.8")
    assert _field(browser, "dp-opt1-beta-msg").text == ""
    assert browser.execute_script(PATHS)[1] != paths[1], "a valid value runs again"


def _first_nonfinite_step(lr: float, start: tuple[float, float], steps: int) -> int:
    """descend's gradient descent on Rosenbrock: the step whose new point has no finite loss."""
    from descend.landscapes import Rosenbrock

    land, phi = Rosenbrock(), np.array(start)
    with np.errstate(all="ignore"):
        for t in range(steps):
            phi = phi - lr * land.grad(phi)
            if not (np.all(np.isfinite(phi)) and math.isfinite(land.loss(phi))):
                return t
    pytest.fail("the reference run did not diverge")


def test_a_diverging_run_stops_at_its_last_finite_point_and_says_where(
    browser: Chrome, base_url: str
) -> None:
    from selenium.webdriver.common.by import By

    _open(
        browser,
        base_url
        + PAGE
        + "#land=Rosenbrock&start=-1.2,1&steps=100"
        + "&opt=GradientDescent:lr=0.005;GradientDescent:lr=0.008",
    )
    step = _first_nonfinite_step(0.008, (-1.2, 1.0), 100)
    runs = browser.execute_script(RUNS)
    assert runs[0]["diverged"] is None
    assert len(runs[0]["path"]) == 101
    assert runs[1]["diverged"]["step"] == step
    assert len(runs[1]["path"]) == step + 1, "phi_0 ... phi_step: the last finite point"
    drawn = browser.execute_script(SHOWN)[1]
    assert all(math.isfinite(v) for point in drawn for v in point)
    row = browser.find_elements(By.CSS_SELECTOR, "#dp-results tbody tr")[1]
    assert row.find_element(By.CSS_SELECTOR, "[data-col=note]").text == f"diverged at step {step}"
    assert row.find_element(By.CSS_SELECTOR, "[data-col=steps]").text == str(step)
    assert f"GradientDescent (2) diverged at step {step}" in _field(browser, "dp-status").text


def test_play_animates_the_paths_and_pause_step_reset_work(browser: Chrome, base_url: str) -> None:
    _open(browser, base_url + PAGE + "#" + QUADRATIC.replace("steps=100", "steps=2000"))
    app = _field(browser, "descend-playground")
    play = _field(browser, "dp-play")
    play.click()
    assert play.text == "Pause"
    assert play.get_attribute("aria-pressed") == "true"
    first = int(
        _wait(browser, f"const s = {APP}.dataset.shown; return s !== 'all' && Number(s) > 0 && s;")
    )
    _wait(browser, f"return Number({APP}.dataset.shown) > {first + 10};")
    shown, lengths = browser.execute_script(
        f"return [{APP}.dataset.shown, {APP}.playground.shownPaths().map((p) => p.length)];"
    )
    assert lengths == [int(shown) + 1] * 2, "the drawn paths end at the shown step"
    play.click()
    assert play.text == "Play"
    assert app.get_attribute("data-playing") == "false"
    paused = int(app.get_attribute("data-shown"))
    time.sleep(0.3)
    assert int(app.get_attribute("data-shown")) == paused, "pause stops the animation"
    assert 0 < paused < 2000
    _field(browser, "dp-step").click()
    assert int(app.get_attribute("data-shown")) == paused + 1
    _field(browser, "dp-reset").click()
    assert app.get_attribute("data-shown") == "0"
    assert [len(p) for p in browser.execute_script(SHOWN)] == [1, 1]
    assert browser.execute_script(PATHS) == browser.execute_script(
        TRAJECTORIES, [dict(s, steps=2000) for s in QUADRATIC_SPECS]
    ), "the animation shows the same runs"


def test_at_375_px_nothing_overflows_and_the_controls_come_after_the_figure(
    browser: Chrome, base_url: str
) -> None:
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 375, "height": 800, "deviceScaleFactor": 2, "mobile": True},
    )
    try:
        _open(browser, base_url + PAGE + "#" + QUADRATIC)
        widths = browser.execute_script(
            f"""const e = {APP}; return {{doc: document.documentElement.scrollWidth,
                 view: window.innerWidth, app: e.scrollWidth, appClient: e.clientWidth,
                 canvas: document.getElementById('dp-landscape').getBoundingClientRect().right}};"""
        )
        assert widths["view"] == 375
        assert widths["doc"] <= 375, widths
        assert widths["app"] <= widths["appClient"], widths
        assert widths["canvas"] <= 375, widths
        order = browser.execute_script(
            "return [document.querySelector('.dp-figures').getBoundingClientRect().bottom,"
            " document.querySelector('.dp-controls').getBoundingClientRect().top];"
        )
        assert order[1] >= order[0], "the controls stack under the figures"
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


@pytest.mark.parametrize("width", [800, 1100, 1280, 1600])
def test_no_horizontal_overflow_on_wider_windows(
    browser: Chrome, base_url: str, width: int
) -> None:
    # (sphinx-book-theme's "full-width" is 136 % of the text column, too wide from 992 to 1199 px
    # where the theme has no margin column: playground.css keeps it inside the window there.)
    browser.set_window_size(width, 900)
    try:
        _open(browser, base_url + PAGE)
        sizes = browser.execute_script(
            "return [window.innerWidth, document.documentElement.scrollWidth,"
            f" {APP}.getBoundingClientRect().right];"
        )
        assert sizes[1] <= sizes[0], sizes
        assert sizes[2] <= sizes[0], sizes
    finally:
        browser.set_window_size(1280, 900)


def _luminance(css: str) -> float:
    r, g, b = (int(v) for v in css[css.index("(") + 1 : css.index(")")].split(",")[:3])
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


def test_the_dark_theme_recolours_the_figures_and_the_controls(
    browser: Chrome, base_url: str
) -> None:
    _open(
        browser,
        base_url
        + PAGE
        + "#"
        + QUADRATIC.replace("Adam:", "GradientDescent:").replace(",amsgrad=1", ""),
    )
    light = _image(browser)
    browser.execute_script("document.documentElement.dataset.theme = 'dark';")
    try:
        _wait(browser, "return document.getElementById('dp-landscape').dataset.theme === 'dark';")
        _wait(browser, "return document.getElementById('dp-loss').dataset.theme === 'dark';")
        assert _image(browser) != light
        field = _field(browser, "dp-opt0-lr")
        assert _luminance(field.value_of_css_property("background-color")) < 0.3
        assert _luminance(field.value_of_css_property("color")) > 0.6
        swatch = browser.execute_script(
            "return getComputedStyle(document.querySelector('#dp-results tbody .dp-swatch'))"
            ".backgroundColor;"
        )
        assert _luminance(swatch) > 0.6, "gradient descent's black is drawn light on the dark page"
    finally:
        browser.execute_script("document.documentElement.dataset.theme = 'light';")
    assert _severe(browser) == []


def test_no_console_errors_and_no_request_to_another_host(browser: Chrome, base_url: str) -> None:
    from selenium.webdriver.common.keys import Keys

    _open(browser, base_url + PAGE + "#" + QUADRATIC)
    slider = _field(browser, "dp-opt1-beta-slider")
    browser.execute_script("arguments[0].focus();", slider)
    slider.send_keys(Keys.ARROW_LEFT, Keys.ARROW_LEFT)
    _field(browser, "dp-land").send_keys("R")  # Rosenbrock
    _wait(browser, "return document.getElementById('dp-land-b')?.value === '100';")
    assert browser.execute_script("return document.activeElement.id;") == "dp-land", (
        "the focus stays"
    )
    _field(browser, "dp-play").click()
    time.sleep(0.3)
    _field(browser, "dp-play").click()
    _field(browser, "dp-add").click()
    assert len(browser.execute_script(PATHS)) == 3
    assert browser.execute_script("return document.activeElement.id;") == "dp-opt2", (
        "focus on the new optimizer"
    )
    assert _severe(browser) == []
    requested = browser.execute_script(
        "return performance.getEntriesByType('resource').map((e) => e.name)"
        ".concat(performance.getEntriesByType('navigation').map((e) => e.name));"
    )
    host = urlsplit(base_url).netloc
    outside = [
        u
        for u in requested
        if urlsplit(u).scheme in ("http", "https") and urlsplit(u).netloc != host
    ]
    assert outside == []
    assert any(urlsplit(u).path.endswith("/descend-playground.js") for u in requested)


def test_the_page_works_opened_from_a_file(browser: Chrome, site: Path) -> None:
    from selenium.webdriver.common.keys import Keys

    _open(browser, (site / PAGE).resolve().as_uri() + "#" + QUADRATIC)
    assert browser.execute_script(PATHS) == browser.execute_script(TRAJECTORIES, QUADRATIC_SPECS)
    slider = _field(browser, "dp-opt0-lr-slider")
    browser.execute_script("arguments[0].focus();", slider)
    slider.send_keys(Keys.ARROW_RIGHT)
    assert "Adam:lr=0.0562," in _hash(browser), "the hash follows the controls on file:// too"
    assert _severe(browser) == []


def test_the_console_example_on_the_page_runs_as_written_and_matches_descend(
    browser: Chrome, base_url: str
) -> None:
    from selenium.webdriver.common.by import By

    _open(browser, base_url + PAGE)
    blocks = [b.text for b in browser.find_elements(By.CSS_SELECTOR, "div.highlight pre")]
    examples = [b for b in blocks if "window.descendPlayground.trajectory(" in b]
    assert len(examples) == 1
    path = browser.execute_script("return eval(arguments[0]);", examples[0])
    reference = _descend_adam_quadratic(50)
    assert len(path) == 51
    np.testing.assert_allclose(np.array(path), reference, rtol=1e-10, atol=1e-300)


def test_a_bad_hash_is_reported_and_its_bad_parts_take_their_defaults(
    browser: Chrome, base_url: str
) -> None:
    _open(browser, base_url + PAGE + "#land=Banana&steps=50&opt=Adam:lr=-1,amsgrad=1")
    box = _field(browser, "dp-hash-errors")
    assert box.is_displayed()
    text = box.text
    assert 'unknown landscape "Banana"' in text
    assert "Adam lr must be a number > 0, got -1" in text
    state = browser.execute_script(STATE)
    assert state["landscape"]["name"] == "Gabor"
    assert state["steps"] == 50
    assert state["optimizers"][0]["options"]["amsgrad"] is True
    assert all(len(p) == 51 for p in browser.execute_script(PATHS))
    _field(browser, "dp-hash-errors-close").click()
    assert not box.is_displayed()


def test_the_experiments_linked_on_the_page_show_what_the_text_says(
    browser: Chrome, base_url: str
) -> None:
    from selenium.webdriver.common.by import By

    _open(browser, base_url + PAGE)
    experiments = "article a[href*='#land=']:not(#descend-playground a)"
    links = browser.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0])).map((a) => a.hash);",
        experiments,
    )
    assert len(links) == 4
    runs = []
    for k, link in enumerate(links):
        # a click on the page loads the setup (hashchange), as a fresh load of the link does
        browser.find_elements(By.CSS_SELECTOR, experiments)[k].click()
        _wait(
            browser,
            f"return location.hash.startsWith('#land=')"
            f" && {APP}.dataset.hash === location.hash.slice(1);",
        )
        state = browser.execute_script(STATE)
        assert not _field(browser, "dp-hash-errors").is_displayed(), link
        runs.append(browser.execute_script(RUNS))
        _open(browser, base_url + PAGE + link)
        assert browser.execute_script(STATE) == state, link
    # Momentum overshoots: it passes phi0 = 0, where the minimum is; gradient descent does not.
    gd, momentum = runs[0]
    assert min(p[0] for p in gd["path"]) > 0
    assert min(p[0] for p in momentum["path"]) < -0.1
    # The step-size limit 2/b: alpha = 0.16 lowers the loss, 0.17 raises it.
    small, large = runs[1]
    assert small["losses"][-1] < small["losses"][0]
    assert large["losses"][-1] > large["losses"][0]
    # A run that diverges: only the second.
    assert runs[2][0]["diverged"] is None
    assert runs[2][1]["diverged"] is not None
    # Minibatches: seed 1 sends gradient descent left, momentum to the central valley; seed 2 swaps.
    gd, momentum = runs[3]
    assert gd["path"][-1][0] < -3
    assert abs(momentum["path"][-1][0]) < 1
    _field(browser, "dp-new-seed").click()
    assert "seed=2" in _hash(browser)
    gd, momentum = browser.execute_script(RUNS)
    assert abs(gd["path"][-1][0]) < 1
    assert momentum["path"][-1][0] < -3
