"""Figures where the reader is: inline in every chapter, on the API pages, sharp on projectors."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import descend

from .conftest import CHAPTERS

pytestmark = pytest.mark.site

OPTIMIZERS = [
    name
    for name in descend.__all__
    if isinstance(getattr(descend, name), type)
    and issubclass(getattr(descend, name), descend.Optimizer)
    and getattr(descend, name) is not descend.Optimizer
]


class _Figures(HTMLParser):
    """Collect each <figure>: the images it shows and the links of its caption."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: list[dict[str, list[str]]] = []
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "figure":
            self._depth += 1
            self.figures.append({"img": [], "href": [], "id": [values.get("id") or ""]})
        elif self._depth and tag == "img":
            self.figures[-1]["img"].append(values.get("src") or "")
        elif self._depth and tag == "a":
            self.figures[-1]["href"].append(values.get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "figure":
            self._depth -= 1


def _figures(page: Path) -> list[dict[str, list[str]]]:
    parser = _Figures()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.figures


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_chapter_shows_a_gallery_figure_inline_linked_to_its_example(
    chapter: str, site: Path
) -> None:
    gallery_figures = [
        f
        for f in _figures(site / f"{chapter}.html")
        if any(re.search(r"_images/sphx_glr_plot_\w+_\d{3}\.png$", src) for src in f["img"])
    ]
    assert gallery_figures, f"{chapter}.html shows no gallery figure inline"
    for figure in gallery_figures:
        for src in figure["img"]:
            image = site / src
            assert image.is_file(), f"{chapter}.html shows a missing image {src}"
            assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert any(h.startswith("auto_examples/") for h in figure["href"]), (
            f"the caption of figure {figure['id'][0]!r} on {chapter}.html does not link to "
            "the example that made it"
        )


def test_the_chapter_figures_are_numbered_and_unique(site: Path) -> None:
    ids = [f["id"][0] for chapter in CHAPTERS for f in _figures(site / f"{chapter}.html")]
    assert all(ids), "a chapter figure has no :name:"
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_the_api_page_of_every_optimizer_shows_the_examples_using_it(name: str, site: Path) -> None:
    html = (site / "generated" / f"descend.{name}.html").read_text(encoding="utf-8")
    assert "Examples using <code" in html
    thumbnails = re.findall(r'class="sphx-glr-thumbcontainer".*?href="([^"]+)"', html, re.S)
    assert thumbnails, f"the API page of descend.{name} shows no example"
    assert any("auto_examples/" in href for href in thumbnails)
    # The public site may also list a solved exercise that uses it; the students' edition (with
    # backreferences of its own) never does.
    allowed: tuple[str, ...] = ("../auto_examples/",)
    if site.name != "student":
        allowed += ("../auto_exercises/",)
    assert [href for href in thumbnails if not href.startswith(allowed)] == []


def test_gallery_figures_come_with_a_twice_as_sharp_version(site: Path) -> None:
    page = site / "auto_examples" / "05_momentum" / "plot_momentum_nesterov.html"
    srcsets = re.findall(r'srcset="([^"]+)"', page.read_text(encoding="utf-8"))
    assert srcsets
    for srcset in srcsets:
        sharp = re.search(r"(\S+_2_00x\.png) 2\.00x", srcset)
        assert sharp, srcset
        assert (page.parent / sharp.group(1)).is_file()
