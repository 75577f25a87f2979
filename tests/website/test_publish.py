"""Both built sites are ready to share, reuse and cite.

Every page carries the Open Graph meta tags of sphinxext-opengraph (title, type,
address, site name, description, preview image), so that a page's address pasted
into a course forum, a chat or an LMS shows a preview; every page's footer states
the license of the text and figures (CC BY 4.0, linked to the license deed); the
home page says how to cite the project, with the version and title of
``CITATION.cff``. No browser needed: the tests read the HTML files.
"""

from __future__ import annotations

import importlib
import struct
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

import descend

from .conftest import ROOT, html_pages

pytestmark = pytest.mark.site

#: Pages Sphinx writes without a document (so sphinxext-opengraph gives them no tags).
NO_DOCUMENT = {"genindex.html", "search.html", "py-modindex.html"}
OG_TAGS = ["og:title", "og:type", "og:url", "og:site_name", "og:description", "og:image"]
CC_BY_DEED = "https://creativecommons.org/licenses/by/4.0/"
SOCIAL_CARD = "_static/social-card.png"


class _Page(HTMLParser):
    """The meta tags of a page, the text and links of its license footer, its cite section."""

    def __init__(self) -> None:
        super().__init__()
        self.og: dict[str, list[str]] = {}
        self.meta_description: str | None = None
        self.footer_text = ""
        self.footer_links: list[dict[str, str | None]] = []
        self.cite_text = ""
        self._footer_depth = 0
        self._cite_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "meta" and (a.get("property") or "").startswith("og:"):
            self.og.setdefault(str(a["property"]), []).append(str(a.get("content")))
        if tag == "meta" and a.get("name") == "description":
            self.meta_description = a.get("content")
        if tag == "div":
            if self._footer_depth:
                self._footer_depth += 1
            elif "extra_footer" in (a.get("class") or "").split():
                self._footer_depth = 1
        if tag == "section":
            if self._cite_depth:
                self._cite_depth += 1
            elif a.get("id") == "how-to-cite":
                self._cite_depth = 1
        if tag == "a" and self._footer_depth:
            self.footer_links.append(a)

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self._footer_depth:
            self._footer_depth -= 1
        if tag == "section" and self._cite_depth:
            self._cite_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._footer_depth:
            self.footer_text += data
        if self._cite_depth:
            self.cite_text += data


def parse(page: Path) -> _Page:
    parser = _Page()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def relative(page: Path, site: Path) -> str:
    return page.relative_to(site).as_posix()


def site_url(site: Path) -> str:
    """The address the build gave the site: the home page's og:url without index.html."""
    url = parse(site / "index.html").og["og:url"][0]
    assert url.endswith("/index.html"), url
    return url.removesuffix("index.html")


def test_every_page_has_one_of_each_open_graph_tag(site: Path) -> None:
    pages = [p for p in html_pages(site) if relative(p, site) not in NO_DOCUMENT]
    assert len(pages) > 20
    missing = {}
    for page in pages:
        og = parse(page).og
        wrong = [tag for tag in OG_TAGS if len(og.get(tag, [])) != 1]
        if wrong:
            missing[relative(page, site)] = wrong
    assert missing == {}


def test_open_graph_addresses_are_the_pages_under_one_absolute_site_url(site: Path) -> None:
    base = site_url(site)
    assert base.startswith(("https://", "http://"))
    assert base.endswith("/")
    wrong = {}
    for page in html_pages(site):
        name = relative(page, site)
        if name in NO_DOCUMENT:
            continue
        og = parse(page).og
        expected = {"og:url": base + name, "og:image": base + SOCIAL_CARD}
        found = {tag: og[tag][0] for tag in expected}
        if found != expected:
            wrong[name] = found
    assert wrong == {}


def test_open_graph_titles_and_descriptions_say_what_the_page_is(site: Path) -> None:
    momentum = parse(site / "momentum.html")
    assert momentum.og["og:title"] == ["6. Momentum"]
    assert momentum.og["og:description"][0].startswith("Gradient descent forgets")
    assert momentum.meta_description == momentum.og["og:description"][0]
    assert parse(site / "index.html").og["og:site_name"] == ["descend: how models are fitted"]
    # An API page is described by its docstring (docs/_ext/link_previews.py), not by its
    # list of examples.
    adam = parse(site / "generated" / "descend.Adam.html").og["og:description"][0]
    summary = " ".join(str(descend.Adam.__doc__).split("\n\n")[0].split()).replace("``", "")
    assert adam == summary
    assert not adam.startswith("Examples using")
    for page in html_pages(site):
        if relative(page, site) not in NO_DOCUMENT:
            description = parse(page).og["og:description"][0]
            assert 20 <= len(description) <= 200, (relative(page, site), description)


def test_the_preview_image_is_a_local_1200_by_630_png(site: Path) -> None:
    data = (site / SOCIAL_CARD).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1200, 630)
    alt = parse(site / "index.html").og
    assert "og:image:alt" in alt


def test_every_footer_states_the_cc_by_license_with_a_link_to_the_deed(site: Path) -> None:
    pages = html_pages(site)
    wrong = []
    for page in pages:
        parsed = parse(page)
        text = " ".join(parsed.footer_text.split())
        deed = [a for a in parsed.footer_links if a.get("href") == CC_BY_DEED]
        if not ("Text and figures" in text and "CC BY 4.0" in text and "MIT" in text and deed):
            wrong.append(relative(page, site))
    assert len(pages) > 20
    assert wrong == []


def test_the_home_page_says_how_to_cite_with_the_citation_file(site: Path) -> None:
    cff: dict[str, Any] = importlib.import_module("yaml").safe_load(
        (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    )
    text = " ".join(parse(site / "index.html").cite_text.split())
    assert text, "index.html has no section with id how-to-cite"
    year = str(cff["date-released"])[:4]
    author = cff["authors"][0]["name"]
    assert f"{author} ({year}). {cff['title']}, version {descend.__version__}." in text
    assert "@software{descend," in text
    assert f'version = "{descend.__version__}"' in text
    assert f"title = {{{cff['title']}}}" in text
    assert f"year = {{{year}}}" in text
    assert "CITATION.cff" in text
    assert "CC BY 4.0" in text
