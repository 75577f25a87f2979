"""Fixtures for the tests of the built site (``nox -s docs`` first, then ``nox -s site``).

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
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from selenium.webdriver import Chrome

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "docs" / "_build" / "html"
GALLERY = ROOT / "gallery"
BUILT_EXAMPLES = ROOT / "docs" / "auto_examples"


def html_pages() -> list[Path]:
    """Every page of the built site (not the highlighted sources of _modules)."""
    return sorted(
        p for p in SITE.rglob("*.html") if not {"_static", "_sources", "_modules"} & set(p.parts)
    )


@pytest.fixture(scope="session")
def site() -> Path:
    if not (SITE / "index.html").exists():
        pytest.fail(f"no built site in {SITE}: run `nox -s docs` first")
    return SITE


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def base_url(site: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(site))
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler) as server:
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
