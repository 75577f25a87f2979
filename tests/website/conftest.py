"""Fixtures for the tests of the built sites (``nox -s docs docs-student``, then ``nox -s site``).

Two sites are built from the same sources: the public one (docs/_build/html)
and the students' edition without solutions (docs/_build/student). The
``site`` fixture gives each in turn, so that every test using it checks both;
``public_site`` and ``student_site`` give one.

The browser is Debian's headless Chromium driven by its ChromeDriver. Where
they are not installed the browser tests are skipped, unless
``DESCEND_REQUIRE_BROWSER=1`` (set by ``.ci/run``) makes that a failure.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import socketserver
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from docs_extensions import load_extension

if TYPE_CHECKING:
    from selenium.webdriver import Chrome

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "docs" / "_build" / "html"
STUDENT_SITE = ROOT / "docs" / "_build" / "student"
GALLERY = ROOT / "gallery"
BUILT_EXAMPLES = ROOT / "docs" / "auto_examples"
EXERCISES = ROOT / "exercises"
EXERCISE_SCRIPTS = sorted(EXERCISES.glob("ex_*.py"))
CHAPTERS = [
    "training-goes-wrong",
    "gradients",
    "gradient-descent",
    "nonconvex",
    "sgd",
    "momentum",
    "nesterov",
    "normalized-gradients",
    "adam",
    "choosing",
]


def html_pages(site: Path = SITE) -> list[Path]:
    """Every page of a built site (not the highlighted sources of _modules)."""
    return sorted(
        p for p in site.rglob("*.html") if not {"_static", "_sources", "_modules"} & set(p.parts)
    )


def _built(site: Path, command: str) -> Path:
    if not (site / "index.html").exists():
        pytest.fail(f"no built site in {site}: run `{command}` first")
    return site


@pytest.fixture(scope="session", params=["public", "student"])
def site(request: pytest.FixtureRequest) -> Path:
    """Each built site in turn: the public one, then the students' edition."""
    if request.param == "student":
        return _built(STUDENT_SITE, "nox -s docs-student")
    return _built(SITE, "nox -s docs")


@pytest.fixture(scope="session")
def public_site() -> Path:
    return _built(SITE, "nox -s docs")


@pytest.fixture(scope="session")
def student_site() -> Path:
    return _built(STUDENT_SITE, "nox -s docs-student")


_EXT = load_extension("exercise_notebooks")
#: The student version of an exercise script (the build's own function).
strip_solutions: Callable[[str, str], str] = _EXT.strip_solutions
#: ``exercises/ex_5_momentum.py`` -> ``momentum_exercise``.
student_stem: Callable[[Path], str] = _EXT.student_stem


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(socketserver.ThreadingTCPServer):
    # Chromium keeps connections alive: closing the server must not wait for their
    # threads (the public site's server closes while the browser still runs).
    daemon_threads = True
    block_on_close = False


@pytest.fixture(scope="session")
def base_url(site: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(site))
    with _Server(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{server.server_address[1]}/"
        server.shutdown()


def _missing_browser(reason: str) -> None:
    if os.environ.get("DESCEND_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (DESCEND_REQUIRE_BROWSER=1)")
    pytest.skip(f"{reason}: install Debian's chromium and chromium-driver")


@pytest.fixture(scope="session")
def browser() -> Iterator[Chrome]:
    webdriver = pytest.importorskip("selenium.webdriver")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    chromedriver = shutil.which("chromedriver")
    if chromium is None or chromedriver is None:
        _missing_browser("headless Chromium or ChromeDriver is not installed")
    options = webdriver.ChromeOptions()
    options.binary_location = str(chromium)
    profile = tempfile.mkdtemp(prefix="descend-chromium-")
    for flag in [
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--window-size=1280,900",
        f"--user-data-dir={profile}",
    ]:  # fmt: skip
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = webdriver.ChromeService(executable_path=str(chromedriver))
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
