"""The playground's own files on the built sites: small, classic, loaded only where used."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import html_pages

pytestmark = pytest.mark.site

ASSETS = ["descend-playground.js", "playground.css", "widgets.css"]
#: The pages that hold the playground or a chapter widget.
USERS = {
    "playground",
    "gradient-descent",
    "momentum",
    "nesterov",
    "normalized-gradients",
    "adam",
}
BUDGET = 300 * 1024  # the limit for the playground's scripts, styles and data


def test_the_playground_assets_stay_under_300_kb(site: Path) -> None:
    sizes = {name: (site / "_static" / "playground" / name).stat().st_size for name in ASSETS}
    assert sum(sizes.values()) < BUDGET, sizes


def test_the_script_is_one_classic_script_that_requests_nothing(site: Path) -> None:
    script = (site / "_static" / "playground" / "descend-playground.js").read_text("utf-8")
    # Module syntax would fail in a classic <script> (and module scripts fail from file://).
    assert not re.search(r"^\s*(import|export)\s", script, re.MULTILINE)
    # The playground computes everything in the page: no request of any kind.
    for call in ("fetch(", "XMLHttpRequest", "WebSocket", "import(", "sendBeacon"):
        assert call not in script, call


def _loads_the_bundle(page: Path) -> bool:
    return "_static/playground/descend-playground.js" in page.read_text("utf-8")


def test_only_the_pages_with_a_widget_load_the_script(site: Path) -> None:
    loading = {p.stem for p in html_pages(site) if _loads_the_bundle(p)}
    assert loading == USERS


@pytest.mark.parametrize("page", sorted(USERS))
def test_each_widget_page_has_its_mount_point_and_stylesheets(site: Path, page: str) -> None:
    html = (site / f"{page}.html").read_text("utf-8")
    assert 'id="descend-playground"' in html or "data-descend-widget=" in html
    for sheet in ("playground.css", "widgets.css"):
        assert f"_static/playground/{sheet}" in html
    assert re.search(r'<script defer="defer" src="_static/playground/descend-playground\.js', html)
