"""What a first visit to each kind of page downloads, measured in headless Chromium.

The browser opens one page of each type (home, chapter, gallery example, API
page, playground) and every chapter, and lists with the Performance API the page
itself (``navigation``) and every resource it loaded (``resource``), once
MathJax has typeset and the fonts are in. Each file is counted at its size on
disk and at its gzip size (level 9, as a static host such as GitHub Pages
serves it). The page's own figures (the images in ``_images/``) are the
content and are counted apart; those below the first screen load lazily
(docs/_ext/page_weight.py, which these tests also check without a build).

The table is printed and written next to the site
(``docs/_build/page-weight-<html|student>.txt``, with every file of every
visit); the chapter pages must stay within the budget of issue 13.
"""

from __future__ import annotations

import gzip
import re
import struct
import time
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

import pytest
from docs_extensions import load_extension

from .conftest import CHAPTERS, html_pages

if TYPE_CHECKING:
    from selenium.webdriver import Chrome


PW = load_extension("page_weight")

#: A first visit to a chapter page, figures excluded (issue 13), in bytes.
CHAPTER_BUDGET_GZIP = 700_000
CHAPTER_BUDGET_DISK = 2_300_000

#: One page of each type; the chapter is the one the issue measured.
PAGE_TYPES = {
    "home": "index.html",
    "chapter": "momentum.html",
    "gallery example": "auto_examples/05_momentum/plot_momentum_nesterov.html",
    "API page": "generated/descend.Adam.html",
    "playground": "playground.html",
}

#: Everything the page asked for, once MathJax is done and the fonts are in;
#: then wait until no new resource has arrived for half a second.
LOADED = """
const done = arguments[arguments.length - 1];
const math = (window.MathJax && MathJax.startup && MathJax.startup.promise)
    ? MathJax.startup.promise : Promise.resolve();
const entries = () => [
    ...performance.getEntriesByType("navigation"),
    ...performance.getEntriesByType("resource"),
].map((e) => [e.name, e.initiatorType]);
math.then(() => document.fonts.ready).then(() => {
    let last = -1, stable = 0;
    const poll = () => {
        const n = performance.getEntriesByType("resource").length;
        stable = n === last ? stable + 1 : 0;
        last = n;
        if (stable >= 5) done(entries()); else setTimeout(poll, 100);
    };
    poll();
}, (e) => done("failed: " + e));
"""


@dataclass(frozen=True)
class Resource:
    path: str  # relative to the site
    kind: str  # the Performance API's initiatorType ("navigation", "script", "css", ...)
    disk: int
    gzipped: int

    @property
    def figure(self) -> bool:
        """The page's own content images (Sphinx copies them into _images/)."""
        return self.path.startswith("_images/")


@dataclass(frozen=True)
class Visit:
    page: str
    resources: tuple[Resource, ...]

    def total(self, *, figures: bool) -> tuple[int, int, int]:
        """(files, bytes on disk, bytes gzipped) of the figures or of everything else."""
        chosen = [r for r in self.resources if r.figure == figures]
        return len(chosen), sum(r.disk for r in chosen), sum(r.gzipped for r in chosen)

    def loaded(self, name: str) -> bool:
        return any(r.path.endswith(name) for r in self.resources)


@cache
def _sizes(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    return len(data), len(gzip.compress(data, compresslevel=9, mtime=0))


def visit(browser: Chrome, base_url: str, site: Path, page: str) -> Visit:
    """Open ``page`` with an empty cache and count what it loaded, file by file."""
    browser.execute_cdp_cmd("Network.clearBrowserCache", {})
    browser.get("about:blank")
    browser.get(base_url + page)
    entries = browser.execute_async_script(LOADED)
    assert isinstance(entries, list), entries
    resources: dict[str, Resource] = {}
    for url, kind in entries:
        if url.startswith(("data:", "blob:")):
            continue
        assert url.startswith(base_url), f"{page} loaded {url} from another host"
        rel = unquote(urlsplit(url).path).lstrip("/") or "index.html"
        file = site / rel
        assert file.is_file(), f"{page} loaded {url}, which is not a file of the site"
        disk, gzipped = _sizes(file)
        resources.setdefault(rel, Resource(rel, kind, disk, gzipped))
    return Visit(page, tuple(resources.values()))


def _kb(n: int) -> str:
    return f"{n / 1000:,.0f}"


def table(visits: dict[str, Visit]) -> str:
    """One row per page: files, kB on disk, kB gzipped, without and with the figures."""
    head = (
        f"{'page':<20} {'file':<54} {'files':>5} {'kB disk':>8} {'kB gzip':>8}"
        f" | {'figures':>7} {'kB disk':>8} {'kB gzip':>8}"
    )
    rows = [head, "-" * len(head)]
    for kind, v in visits.items():
        n, disk, gz = v.total(figures=False)
        fn, fdisk, fgz = v.total(figures=True)
        rows.append(
            f"{kind:<20} {v.page:<54} {n:>5} {_kb(disk):>8} {_kb(gz):>8}"
            f" | {fn:>7} {_kb(fdisk):>8} {_kb(fgz):>8}"
        )
    return "\n".join(rows)


def detail(v: Visit) -> str:
    """Every file of one visit, largest (gzipped) first."""
    rows = [f"{v.page}:"]
    for r in sorted(v.resources, key=lambda r: (-r.gzipped, r.path)):
        mark = " (figure)" if r.figure else ""
        rows.append(f"  {_kb(r.disk):>7} kB {_kb(r.gzipped):>6} kB gz  {r.kind:<10} {r.path}{mark}")
    return "\n".join(rows)


# -- The extension's functions, without a build -------------------------------------------


def _png(path: Path, width: int, height: int) -> None:
    """A valid PNG of one grey channel (only its header matters here)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    pixels = zlib.compress(b"".join(b"\0" + b"\x80" * width for _ in range(height)))
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )


def test_images_after_the_first_screen_of_text_load_lazily_and_all_get_their_size(
    tmp_path: Path,
) -> None:
    (tmp_path / "_images").mkdir()
    _png(tmp_path / "_images" / "top.png", 40, 30)
    _png(tmp_path / "_images" / "low.png", 64, 16)
    long_text = "<p>" + "word " * (PW.FIRST_SCREEN_TEXT // 4) + "</p>"
    script = "<script>const frame = '<img src=\"_images/top.png\">';" + " " * 5000 + "</script>"
    page = (
        "<html><body><nav>" + "menu " * 1000 + "</nav><article><p>Intro</p>"
        '<img alt="" src="_images/top.png" style="width: 100%;" />' + long_text + script
        + '<img src="_images/low.png" class="sphx-glr-single-img"/>'
        '<img src="data:image/png;base64,AAAA"><img src="https://example.org/x.png">'
        '<img src="_images/low.png" loading="eager" width="10" height="5"></article></body></html>'
    )  # fmt: skip
    out = PW.lazy_images(page, tmp_path)
    assert script in out, "an <img> inside a script is code, not an image"
    tags = re.findall(r"<img\b[^>]*>", out.replace(script, ""))
    assert 'loading="lazy"' not in tags[0], "the text before the first image is short"
    assert 'width="40" height="30"' in tags[0]
    assert tags[0].endswith(" />")
    assert 'loading="lazy"' in tags[1]
    assert 'width="64" height="16"' in tags[1]
    assert tags[2:] == re.findall(r"<img\b[^>]*>", page.replace(script, ""))[2:], "untouched"
    assert PW.lazy_images(out, tmp_path) == out, "a second pass changes nothing"


def test_pages_lose_the_icon_script_and_all_but_the_search_page_the_search_index() -> None:
    head = (
        '<script defer src="../_static/scripts/fontawesome.js?digest=abc"></script>\n'
        '<script src="../_static/doctools.js?v=1"></script>\n'
        '<script src="../_static/searchtools.js"></script>\n'
        '<script src="../_static/language_data.js"></script>\n'
        '<script src="../searchindex.js"></script>\n'
    )
    page = f"<html><head>{head}</head><body></body></html>"
    plain = PW.lighten(page, Path(), search_page=False, search_as_you_type=False)
    assert re.findall(r'src="([^"?]+)', plain) == ["../_static/doctools.js"]
    search = PW.lighten(page, Path(), search_page=True, search_as_you_type=False)
    assert "fontawesome" not in search
    assert "searchindex.js" in search
    assert "searchtools.js" in search
    as_you_type = PW.lighten(page, Path(), search_page=False, search_as_you_type=True)
    assert "searchindex.js" in as_you_type


CSS = (
    '.x{color:red}.fa-a,.fa-b{--fa:"\\f078"}.fa-plus{--fa:"\\+"}.fa-0{--fa:"\\30 "}'
    '.fa-c{--fa:"\\f002"}.y:after{content:"\uf0f3";font:var(--fa-font-solid)}'
)


def test_icons_in_use_are_the_used_classes_and_the_stylesheets_own_icons() -> None:
    assert PW.css_unescape("\\f078\\30 \\+A") == "\uf0780+A"
    by_class, by_css = PW.icons_in_use(
        CSS, {"fa-b", "fa-plus", "fa-solid"}, ['.z:before{content:"\\f303"}']
    )
    assert by_class == {0xF078, ord("+")}
    assert by_css == {0xF0F3, 0xF303}
    trimmed = PW.trim_icon_rules(CSS, {"fa-b"})
    assert trimmed == CSS.replace('.fa-plus{--fa:"\\+"}.fa-0{--fa:"\\30 "}.fa-c{--fa:"\\f002"}', "")


SCRIPT = (
    'var b={0:[320,512,[],"30","M0 0L320 0L320 512Z"],"chevron-down":[448,512,[],"f078",'
    '"M0 0L448 0L224 448Z"],"magnifying-glass":[512,512,[128269,"search"],"f002",'
    '"M0 0a256 256 0 1 0 512 0a256 256 0 1 0-512 0z"]};(function(){p("fas",b),p("fa-solid",b)})'
)


def test_solid_icons_are_read_from_the_scripts_fas_pack() -> None:
    icons = PW.solid_icons('var a={"x":[9,512,[],"f111","M0 0Z"]};q("far",a);' + SCRIPT)
    assert sorted(icons) == [0x30, 0xF002, 0xF078, 128269]
    assert icons[0xF078] == (448, "M0 0L448 0L224 448Z")
    assert icons[128269] == icons[0xF002]


def test_the_cut_font_has_one_glyph_per_icon_with_the_themes_metrics() -> None:
    ttlib = pytest.importorskip("fontTools.ttLib")
    import io

    icons = {k: v for k, v in PW.solid_icons(SCRIPT).items() if k != 128269}
    font = ttlib.TTFont(io.BytesIO(PW.icon_font(icons)))
    assert font.flavor == "woff"
    cmap = font.getBestCmap()
    assert sorted(cmap) == [0x30, 0xF002, 0xF078]
    scale = font["head"].unitsPerEm / 512
    assert font["hhea"].ascent == 448 * scale
    assert font["hhea"].descent == -64 * scale
    assert font["hmtx"][cmap[0xF078]][0] == 448 * scale
    glyf = font["glyf"]
    chevron = glyf[cmap[0xF078]]
    chevron.recalcBounds(glyf)
    # The SVG's y runs down from the top of the em; the font's up from the baseline (448).
    assert (chevron.xMin, chevron.yMin, chevron.xMax, chevron.yMax) == (
        0, 0, 448 * scale, 448 * scale,
    )  # fmt: skip


# -- The built site, in the browser ---------------------------------------------------------


@pytest.fixture(scope="module")
def visits(browser: Chrome, base_url: str, site: Path) -> dict[str, Visit]:
    """Every page type, then every chapter, each as a first visit."""
    pages = {**PAGE_TYPES, **{f"chapter {c}": f"{c}.html" for c in CHAPTERS}}
    done: dict[str, Visit] = {}
    for kind, page in pages.items():
        done[kind] = visit(browser, base_url, site, page)
    return done


@pytest.mark.site
def test_page_weight_table_is_reported(
    visits: dict[str, Visit], site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    types = {k: v for k, v in visits.items() if k in PAGE_TYPES}
    chapters = {k.removeprefix("chapter "): v for k, v in visits.items() if k not in PAGE_TYPES}
    report = "\n\n".join(
        [
            f"First visit, per page type ({site.name} site, figures counted apart):",
            table(types),
            "Every chapter:",
            table(chapters),
            *(detail(v) for v in visits.values()),
        ]
    )
    out = site.parent / f"page-weight-{site.name}.txt"
    out.write_text(report + "\n", encoding="utf-8")
    with capsys.disabled():
        print(f"\n\nFirst visit, per page type ({site.name} site; details in {out}):")
        print(table(types))
    assert visits["chapter"].loaded("descend-playground.js"), "the widgets' script is counted"
    for v in visits.values():
        assert v.loaded(v.page), f"{v.page}: the page itself was not counted"
        assert v.total(figures=False)[0] > 10, f"{v.page}: too few files, measuring failed"


@pytest.mark.site
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_first_visit_is_within_budget(visits: dict[str, Visit], chapter: str) -> None:
    v = visits[f"chapter {chapter}"]
    _, disk, gzipped = v.total(figures=False)
    assert gzipped < CHAPTER_BUDGET_GZIP, detail(v)
    assert disk < CHAPTER_BUDGET_DISK, detail(v)


@pytest.mark.site
def test_no_page_loads_the_icon_script_or_the_whole_icon_font(
    visits: dict[str, Visit], site: Path
) -> None:
    for v in visits.values():
        assert not v.loaded("fontawesome.js"), v.page
        assert not v.loaded("fa-solid-900.woff2"), v.page
        assert v.loaded("fa-solid-900.descend.woff"), f"{v.page}: no icon font"
    search = site / "search.html"
    for page in html_pages(site):
        text = page.read_text(encoding="utf-8")
        assert "scripts/fontawesome.js" not in text, page
        assert ("searchindex.js" in text) == (page == search), page


#: Every character a Font Awesome font draws on the page (icons are ::before/::after
#: content), with the family and weight it is drawn in, and the status of the icon fonts.
ICONS = r"""
const drawn = [];
for (const el of document.querySelectorAll("*")) {
    for (const pseudo of ["::before", "::after"]) {
        const style = getComputedStyle(el, pseudo);
        if (!style.fontFamily.includes("Font Awesome")) continue;
        if (style.content === "none" || style.content === "normal") continue;
        drawn.push([style.content, style.fontFamily, style.fontWeight, el.className.toString()]);
    }
}
const faces = [...document.fonts].filter((f) => f.family.includes("Font Awesome"))
    .map((f) => [f.family, f.weight, f.status]);
return {drawn, faces};
"""


def _css_content(value: str) -> str:
    """The characters of a computed ``content`` value (its first string)."""
    match = re.match(r'"((?:[^"\\]|\\.)*)"', value)
    return re.sub(r"\\(.)", r"\1", match[1]) if match else ""


@pytest.mark.site
@pytest.mark.parametrize(
    "page",
    [*PAGE_TYPES.values(), "auto_examples/06_adaptive/plot_optimizer_race.html", "search.html"],
)
def test_every_icon_on_the_page_has_a_glyph_in_the_cut_font(
    browser: Chrome, base_url: str, site: Path, page: str
) -> None:
    ttlib = pytest.importorskip("fontTools.ttLib")
    font = site / "_static" / "vendor" / "fontawesome" / "webfonts" / "fa-solid-900.descend.woff"
    glyphs = set(ttlib.TTFont(font).getBestCmap())
    browser.get(base_url + page)
    browser.execute_async_script(LOADED)
    found = browser.execute_script(ICONS)
    assert [f for f in found["faces"] if f[2] == "error"] == []
    solid = [d for d in found["drawn"] if "Free" in d[1] and d[2] == "900"]
    assert len(solid) >= 5, "the header alone draws more icons: the check found none"
    missing = [d for d in solid if not {ord(c) for c in _css_content(d[0])} <= glyphs]
    assert missing == []


#: Every image of the article: where it is, its box, and how it loads.
IMAGES = """
const out = [];
for (const img of document.querySelectorAll("article img")) {
    const src = img.getAttribute("src") || "";
    if (/^(data|https?):/.test(src)) continue;
    const box = img.getBoundingClientRect();
    out.push({src, top: box.top + scrollY, width: box.width, height: box.height,
              loading: img.getAttribute("loading"), w: img.getAttribute("width"),
              h: img.getAttribute("height"), loaded: img.complete && img.naturalWidth > 0});
}
return {screen: innerHeight, images: out};
"""

#: Load every image and give its natural and displayed sizes.
LOAD_ALL = """
const done = arguments[arguments.length - 1];
const imgs = Array.from(document.querySelectorAll("article img"))
    .filter((img) => !/^(data|https?):/.test(img.getAttribute("src") || ""));
Promise.all(imgs.map((img) => { img.loading = "eager"; return img.decode().catch(() => null); }))
    .then(() => done(imgs.map((img) => {
        const box = img.getBoundingClientRect();
        const src = img.getAttribute("src");
        return [src, img.naturalWidth, img.naturalHeight, box.width, box.height];
    })));
"""


@pytest.mark.site
@pytest.mark.parametrize(
    "page",
    [
        *(f"{c}.html" for c in CHAPTERS),
        "auto_examples/index.html",
        PAGE_TYPES["gallery example"],
        PAGE_TYPES["API page"],
    ],
)
def test_figures_below_the_first_screen_load_lazily_in_a_box_of_their_size(
    browser: Chrome, base_url: str, page: str
) -> None:
    browser.get(base_url + page)
    browser.execute_async_script(LOADED)
    seen = browser.execute_script(IMAGES)
    screen, images = seen["screen"], seen["images"]
    for img in images:
        where = f"{page}: {img['src']} at {img['top']:.0f} px"
        assert img["w"], f"{where} has no width"
        assert img["h"], f"{where} has no height"
        if img["top"] < screen:
            assert img["loading"] != "lazy", f"{where} is in the first screen"
        if img["top"] > 3 * screen or (
            page.removesuffix(".html") in CHAPTERS and img["top"] > screen
        ):
            assert img["loading"] == "lazy", f"{where} is far below the first screen"
        if not img["loaded"]:  # its box already has the figure's proportions
            assert img["height"] == pytest.approx(
                img["width"] * int(img["h"]) / int(img["w"]), abs=2
            ), where
    for src, nw, nh, w, h in browser.execute_async_script(LOAD_ALL):
        assert nw > 0, f"{page}: {src} did not load"
        assert h == pytest.approx(w * nh / nw, abs=2), f"{page}: {src} is drawn out of proportion"


@pytest.mark.site
def test_search_still_finds_pages(browser: Chrome, base_url: str) -> None:
    browser.get(base_url + "search.html?q=momentum")
    deadline = time.monotonic() + 30
    found = 0
    while time.monotonic() < deadline and not found:
        found = browser.execute_script(
            "return document.querySelectorAll('#search-results li').length"
        )
        time.sleep(0.2)
    assert found > 0, "search.html found nothing for 'momentum'"
