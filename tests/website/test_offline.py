"""The built site works offline: no script, stylesheet or font from another host."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from .conftest import html_pages

pytestmark = pytest.mark.site


class _Assets(HTMLParser):
    """Collects the URLs a page loads by itself (scripts, stylesheets, icons, preloads)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.urls.append(str(a["src"]))
        if tag == "link" and a.get("href") and a.get("rel") != "canonical":
            self.urls.append(str(a["href"]))


EXTERNAL = re.compile(r"^(https?:)?//", re.IGNORECASE)


def test_no_page_loads_a_script_or_stylesheet_from_another_host(site: Path) -> None:
    pages = html_pages(site)
    assert len(pages) > 20
    offenders = {}
    for page in pages:
        parser = _Assets()
        parser.feed(page.read_text(encoding="utf-8"))
        external = [u for u in parser.urls if EXTERNAL.match(u)]
        if external:
            offenders[str(page.relative_to(site))] = external
    assert offenders == {}


def test_no_stylesheet_imports_anything_from_another_host(site: Path) -> None:
    pattern = re.compile(r"""(@import\s+(url\()?|url\()\s*["']?(https?:)?//""", re.IGNORECASE)
    offenders = [
        str(css.relative_to(site))
        for css in (site / "_static").rglob("*.css")
        if pattern.search(css.read_text(encoding="utf-8", errors="replace"))
    ]
    assert offenders == []


def test_math_is_rendered_by_the_local_mathjax_copy(site: Path) -> None:
    page = (site / "gradient-descent.html").read_text(encoding="utf-8")
    assert re.search(r'<script[^>]+src="_static/mathjax/tex-chtml\.js', page)
    assert (site / "_static" / "mathjax" / "tex-chtml.js").stat().st_size > 100_000
    assert (site / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2").is_dir()
