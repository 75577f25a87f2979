"""What a first visit to a page downloads: less, with nothing visible lost.

Runs when the HTML build has finished, over every page it wrote (the changes
are idempotent, so pages an incremental build did not rewrite stay right):

- **No icon-swapping script.** pydata-sphinx-theme loads ``fontawesome.js``
  (1.5 MB) on every page to replace each ``<i class="fa-...">`` with an SVG at
  run time, while its stylesheet already holds Font Awesome's webfont CSS
  (the ``@font-face`` rules and one ``--fa`` code point per icon class). The
  script is dropped and the same icons are drawn by the webfont.
- **The icon font cut to the icons the site uses.** The theme's solid icon
  font (``fa-solid-900.woff2``, 112 KB for some 2,000 icons) is replaced, in
  the theme's stylesheet, by a font made at build time from the same icons'
  outlines (the SVG paths in ``fontawesome.js``, which the script drew
  before) holding only the code points the site can show: the icon classes
  found in its pages and scripts and the icons its stylesheets put in
  ``content``. The icon classes nobody uses leave the stylesheet too.
- **No search index outside the search page.** The theme loads Sphinx's
  search tools and the whole index (``searchindex.js``) on every page for its
  search-as-you-type option; with that option off (the default, and ours) only
  ``search.html`` uses them: the search dialog submits there.
- **Figures below the first screen load lazily.** Each ``<img>`` whose page
  text before it is longer than :data:`FIRST_SCREEN_TEXT` characters (about a
  first screen on a laptop, a generous guess) gets ``loading="lazy"``; every
  image of the site's own gets its intrinsic ``width`` and ``height``
  (``custom.css`` keeps ``height: auto``), so the layout does not jump when it
  arrives.

``tests/website/test_page_weight.py`` measures the result in Chromium.
"""

from __future__ import annotations

import html
import io
import re
import struct
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

#: Characters of page text before an image beyond which it is lazy-loaded.
FIRST_SCREEN_TEXT = 1000

_FONTAWESOME_JS = re.compile(
    r'[ \t]*<script\b[^>]*\bsrc="[^"]*_static/scripts/fontawesome\.js(?:\?[^"]*)?"[^>]*>'
    r"\s*</script>[ \t]*\n?"
)
_SEARCH_SCRIPTS = re.compile(
    r'[ \t]*<script\b[^>]*\bsrc="(?:[^"]*/)?(?:_static/searchtools\.js|_static/language_data\.js'
    r'|searchindex\.js)(?:\?[^"]*)?"[^>]*>\s*</script>[ \t]*\n?'
)
_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r'([\w:-]+)\s*=\s*("[^"]*"|\'[^\']*\')')
_SKIPPED_TEXT = re.compile(r"<(script|style|template)\b.*?</\1>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_NOT_PAGES = {"_static", "_sources", "_downloads", "_images"}
#: Where a page's text starts counting: its article, else its main part, else its body.
_CONTENT_START = [re.compile(rf"<{tag}\b", re.IGNORECASE) for tag in ("article", "main", "body")]


def _text_length(fragment: str) -> int:
    """Characters of visible text in an HTML fragment (whitespace runs count as one)."""
    text = _TAG.sub(" ", _SKIPPED_TEXT.sub(" ", fragment))
    return len(" ".join(html.unescape(text).split()))


def image_size(path: Path) -> tuple[int, int] | None:
    """(width, height) in pixels of a PNG, GIF or JPEG file, or None."""
    try:
        with path.open("rb") as f:
            head = f.read(26)
            if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR":
                width, height = struct.unpack(">II", head[16:24])
                return int(width), int(height)
            if head[:6] in (b"GIF87a", b"GIF89a"):
                width, height = struct.unpack("<HH", head[6:10])
                return int(width), int(height)
            if head.startswith(b"\xff\xd8"):
                return _jpeg_size(f)
    except OSError:
        return None
    return None


def _jpeg_size(f: Any) -> tuple[int, int] | None:
    f.seek(2)
    while True:
        marker = f.read(2)
        if len(marker) < 2 or marker[0] != 0xFF:
            return None
        if marker[1] in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE):
            f.read(3)
            height, width = struct.unpack(">HH", f.read(4))
            return int(width), int(height)
        (length,) = struct.unpack(">H", f.read(2))
        f.seek(length - 2, 1)


def _with_attributes(tag: str, extra: dict[str, str]) -> str:
    end = "/>" if tag.rstrip().endswith("/>") else ">"
    body = tag.rstrip()[: -len(end)].rstrip()
    added = "".join(f' {name}="{value}"' for name, value in extra.items())
    return f"{body}{added} {end}" if end == "/>" else f"{body}{added}>"


def lazy_images(page: str, page_dir: Path) -> str:
    """Lazy-load the images below the first screen; give every local image its size.

    ``page_dir`` is the folder of the page's file: ``src`` attributes are
    relative to it. Images that already say how to load, data URIs and images
    from elsewhere keep their ``loading``; sizes are only added where none is given.
    """
    starts = (m.start() for pattern in _CONTENT_START if (m := pattern.search(page)))
    position = next(starts, 0)
    scripts = [m.span() for m in _SKIPPED_TEXT.finditer(page)]  # "<img" in a script is code
    text_before = 0
    parts: list[str] = [page[:position]]
    for match in _IMG.finditer(page, position):
        if any(start < match.start() < end for start, end in scripts):
            continue
        text_before += _text_length(page[position : match.start()])
        parts.append(page[position : match.start()])
        tag = match.group(0)
        attrs = {name.lower(): value[1:-1] for name, value in _ATTR.findall(tag)}
        src = html.unescape(attrs.get("src", ""))
        extra: dict[str, str] = {}
        local = bool(src) and not urlsplit(src).scheme and not src.startswith("//")
        if local:
            if "loading" not in attrs and text_before > FIRST_SCREEN_TEXT:
                extra["loading"] = "lazy"
            style = attrs.get("style", "")
            if not {"width", "height"} & attrs.keys() and "height" not in style:
                size = image_size(page_dir / unquote(urlsplit(src).path))
                if size is not None:
                    extra["width"], extra["height"] = str(size[0]), str(size[1])
        parts.append(_with_attributes(tag, extra) if extra else tag)
        position = match.end()
    parts.append(page[position:])
    return "".join(parts)


def lighten(page: str, page_dir: Path, *, search_page: bool, search_as_you_type: bool) -> str:
    """One page of the built site, with what a first visit downloads trimmed."""
    page = _FONTAWESOME_JS.sub("", page)
    if not search_page and not search_as_you_type:
        page = _SEARCH_SCRIPTS.sub("", page)
    return lazy_images(page, page_dir)


# -- The icon font, cut to the icons the site uses -----------------------------------------
THEME_CSS = Path("styles") / "pydata-sphinx-theme.css"
ICON_SCRIPT = Path("scripts") / "fontawesome.js"
SOLID_FONT = "../vendor/fontawesome/webfonts/fa-solid-900.woff2"
#: The cut font, next to the theme's (written by this extension; WOFF 1, zlib-compressed).
CUT_FONT = "../vendor/fontawesome/webfonts/fa-solid-900.descend.woff"
#: Font Awesome's em square: the SVG paths are 512 units high with the baseline at 448.
EM, ASCENT = 512, 448
#: Units per em of the cut font: twice the SVG's, so half units of the paths stay exact.
SCALE = 2

_ICON_RULE = re.compile(r'(?<=[}\s])(\.fa-[\w-]+(?:,\.fa-[\w-]+)*)\{--fa:"((?:[^"\\]|\\.)*)"\}')
_CLASS_TOKEN = re.compile(r"(?<![\w-])fa-[a-z0-9]+(?:-[a-z0-9]+)*")
_SOLID_FACE = re.compile(r"@font-face\{[^}]*font-weight:900[^}]*\}")
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})[ \t\n]?|\\(.)", re.DOTALL)
_PACK = re.compile(r'\b([\w$]+)\("fas",([\w$]+)\)')
_ICON = re.compile(
    r'(?:"([^"]+)"|([\w$]+)):\[(\d+),(\d+),\[([^\]]*)\],"([0-9a-f]+)","((?:[^"\\]|\\.)*)"\]'
)


def css_unescape(text: str) -> str:
    r"""Text with CSS escapes (``\f078``, ``\30 ``, ``\+``) replaced by their characters."""
    return _CSS_ESCAPE.sub(lambda m: chr(int(m[1], 16)) if m[1] else m[2], text)


def solid_icons(script: str) -> dict[int, tuple[int, str]]:
    """Font Awesome's solid icons in the theme's script: code point -> (width, SVG path).

    Each icon is ``name: [width, height, [aliases and other code points], "hex", "path"]``
    in the object the script registers as the ``fas`` pack.
    """
    pack = _PACK.search(script)
    if pack is None:
        return {}
    start = script.rfind(f"{pack[2]}={{", 0, pack.start())
    icons: dict[int, tuple[int, str]] = {}
    for m in _ICON.finditer(script, start, pack.start()):
        width, height, aliases, code, path = int(m[3]), int(m[4]), m[5], m[6], m[7]
        if height != EM:
            continue
        for point in [int(code, 16), *(int(a) for a in aliases.split(",") if a.isdigit())]:
            icons.setdefault(point, (width, path))
    return icons


def icons_in_use(
    css: str, used_classes: set[str], other_css: list[str]
) -> tuple[set[int], set[int]]:
    """Code points the site can show, as (by its icon classes, by its stylesheets).

    The first are those of the icon classes its pages and scripts use; the
    second those of the icons its stylesheets draw themselves (e.g. admonition
    icons), some of them in other faces (brands).
    """
    by_class: set[int] = set()
    for selectors, value in _ICON_RULE.findall(css):
        if used_classes & {name[1:] for name in selectors.split(",")}:
            by_class.update(ord(c) for c in css_unescape(value))
    by_css: set[int] = set()
    for text in [_ICON_RULE.sub("", css), *other_css]:
        by_css.update(ord(c) for c in css_unescape(text) if 0xE000 <= ord(c) <= 0xF8FF)
    return by_class, by_css


def trim_icon_rules(css: str, used_classes: set[str]) -> str:
    """The stylesheet without the ``--fa`` rules of icon classes no page or script uses."""

    def keep(m: re.Match[str]) -> str:
        classes = {name[1:] for name in m[1].split(",")}
        return m[0] if used_classes & classes else ""

    return _ICON_RULE.sub(keep, css)


def icon_font(icons: dict[int, tuple[int, str]]) -> bytes:
    """A WOFF font with one glyph per code point, drawn from Font Awesome's SVG paths.

    The metrics are the theme's font's (em 512, ascent 448, descent 64, advance =
    the icon's width), scaled by :data:`SCALE`; the outlines are the SVG paths,
    flipped to the font's upward y axis and converted to quadratic curves.
    """
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.boundsPen import ControlBoundsPen
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.transformPen import TransformPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.svgLib.path import parse_path

    flip = (SCALE, 0, 0, -SCALE, 0, ASCENT * SCALE)
    names = {point: f"uni{point:04X}" if point < 0x10000 else f"u{point:X}" for point in icons}
    glyphs: dict[str, Any] = {".notdef": TTGlyphPen(None).glyph()}
    metrics: dict[str, tuple[int, int]] = {".notdef": (EM * SCALE, 0)}
    for point, (width, path) in sorted(icons.items()):
        pen = TTGlyphPen(None)
        parse_path(path, TransformPen(Cu2QuPen(pen, max_err=1.0, reverse_direction=True), flip))
        bounds = ControlBoundsPen(None)
        parse_path(path, TransformPen(bounds, flip))
        glyphs[names[point]] = pen.glyph()
        metrics[names[point]] = (width * SCALE, round(bounds.bounds[0]) if bounds.bounds else 0)
    builder = FontBuilder(EM * SCALE, isTTF=True)
    builder.setupGlyphOrder(list(glyphs))
    builder.setupCharacterMap({point: names[point] for point in icons})
    builder.setupGlyf(glyphs)
    builder.setupHorizontalMetrics(metrics)
    ascent, descent = ASCENT * SCALE, (EM - ASCENT) * SCALE
    builder.setupHorizontalHeader(ascent=ascent, descent=-descent)
    builder.setupNameTable(
        {
            "familyName": "descend icons",
            "styleName": "Solid",
            "copyright": "Icons: Font Awesome Free by @fontawesome, https://fontawesome.com",
            "licenseDescription": "Icons: CC BY 4.0 License (https://fontawesome.com/license/free)",
        }
    )
    builder.setupOS2(
        sTypoAscender=ascent, sTypoDescender=-descent, sTypoLineGap=0,
        usWinAscent=ascent, usWinDescent=descent, usWeightClass=900, fsType=0,
    )  # fmt: skip
    builder.setupPost()
    builder.font.flavor = "woff"
    out = io.BytesIO()
    builder.save(out)
    return out.getvalue()


def _theme_file(app: Any, relative: Path) -> Path | None:
    for theme_dir in app.builder.theme.get_theme_dirs():
        if (path := Path(theme_dir) / "static" / relative).is_file():
            return path
    return None


def _cut_icon_font(app: Any, pages: list[Path]) -> None:
    from sphinx.util import logging  # here, so that the tests of the functions need no Sphinx

    logger = logging.getLogger(__name__)
    static = Path(app.outdir) / "_static"
    script_path = static / ICON_SCRIPT
    if not script_path.is_file():
        return  # a theme without Font Awesome: nothing to cut
    css_source = _theme_file(app, THEME_CSS)
    if css_source is None:
        logger.warning("page_weight: the theme's %s not found: icon font not cut", THEME_CSS)
        return
    css = css_source.read_text(encoding="utf-8")
    face = _SOLID_FACE.search(css)
    if face is None or SOLID_FONT not in face[0]:
        logger.warning("page_weight: the theme's solid icon font (%s) not found", SOLID_FONT)
        return
    used: set[str] = set()
    for path in pages:
        used.update(_CLASS_TOKEN.findall(path.read_text(encoding="utf-8")))
    others: list[str] = []
    for path in sorted(static.rglob("*")):
        if path == script_path or "mathjax" in path.relative_to(static).parts:
            continue
        if path.suffix == ".js":
            used.update(_CLASS_TOKEN.findall(path.read_text(encoding="utf-8", errors="replace")))
        elif path.suffix == ".css" and path.name != THEME_CSS.name:
            others.append(path.read_text(encoding="utf-8", errors="replace"))
    icons = solid_icons(script_path.read_text(encoding="utf-8"))
    by_class, by_css = icons_in_use(css, used, others)
    if lost := sorted(by_class - icons.keys()):
        # An icon class the pages use whose glyph the script does not hold: keep the whole font.
        logger.warning(
            "page_weight: no solid icon for %s in %s: icon font not cut",
            ", ".join(f"U+{p:04X}" for p in lost), ICON_SCRIPT,
        )  # fmt: skip
        return
    wanted = by_class | (by_css & icons.keys())
    font = icon_font({point: icons[point] for point in wanted})
    (static / THEME_CSS).parent.joinpath(CUT_FONT).resolve().write_bytes(font)
    new_face = face[0].replace(f"url({SOLID_FONT})", f'url({CUT_FONT}) format("woff")')
    css = trim_icon_rules(css.replace(face[0], new_face), used)
    (static / THEME_CSS).write_text(css, encoding="utf-8")
    others_drawn = ", ".join(f"U+{p:04X}" for p in sorted(by_css - icons.keys()))
    logger.info(
        "page_weight: icon font cut to %d glyphs (%d bytes); drawn by other faces: %s",
        len(wanted), len(font), others_drawn or "none",
    )  # fmt: skip


def _search_as_you_type(app: Any) -> bool:
    # pydata-sphinx-theme's own reading of the option (its layout.html loads the tools anyway).
    return str(app.builder.globalcontext.get("theme_search_as_you_type", False)).lower() == "true"


def _lighten_site(app: Any, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    search = Path(app.builder.get_outfilename("search"))
    as_you_type = _search_as_you_type(app)
    pages = [
        path
        for path in sorted(outdir.rglob("*.html"))
        if not _NOT_PAGES & set(path.relative_to(outdir).parts)
    ]
    for path in pages:
        text = path.read_text(encoding="utf-8")
        new = lighten(text, path.parent, search_page=path == search, search_as_you_type=as_you_type)
        if new != text:
            path.write_text(new, encoding="utf-8")
    _cut_icon_font(app, pages)


def setup(app: Any) -> dict[str, Any]:
    """Register the pass over the written pages."""
    app.connect("build-finished", _lighten_site)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
