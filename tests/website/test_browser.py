"""Every page of the built site, opened in headless Chromium.

On every page: no console errors, every image loads, every internal link and
anchor resolves, and MathJax has typeset the math (no raw TeX left).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

import pytest

from .conftest import html_pages

if TYPE_CHECKING:
    from selenium.webdriver import Chrome

pytestmark = pytest.mark.site

WAIT_FOR_MATH = """
const done = arguments[arguments.length - 1];
const ready = (window.MathJax && MathJax.startup && MathJax.startup.promise)
    ? MathJax.startup.promise : Promise.resolve();
ready.then(() => done(true), (e) => done("MathJax failed: " + e));
"""

BROKEN_IMAGES = """
const done = arguments[arguments.length - 1];
const imgs = Array.from(document.images);
Promise.all(imgs.map((img) => {
    img.loading = "eager";
    return img.decode().then(() => img.naturalWidth > 0 ? null : img.src, () => img.src);
})).then((bad) => done(bad.filter((x) => x !== null)));
"""

RAW_TEX = r"""
const skip = new Set(["PRE", "CODE", "SCRIPT", "STYLE", "TEXTAREA", "MJX-CONTAINER"]);
const found = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
const tex = /\\\(|\\\[|\$\$|\\begin\{|\\frac|\\phi|\\alpha|\\beta/;
while (walker.nextNode()) {
    let node = walker.currentNode, el = node.parentElement, skipped = false;
    while (el) {
        if (skip.has(el.tagName) || el.classList.contains("highlight")) { skipped = true; break; }
        el = el.parentElement;
    }
    if (!skipped && tex.test(node.textContent)) found.push(node.textContent.trim().slice(0, 80));
}
const math = document.querySelectorAll("span.math, div.math");
const typeset = document.querySelectorAll("mjx-container").length;
return {raw: found, math: math.length, typeset: typeset};
"""

LINKS = "return Array.from(document.querySelectorAll('a[href]')).map((a) => a.href);"


@cache
def _ids(page: Path) -> frozenset[str]:
    text = page.read_text(encoding="utf-8")
    return frozenset(re.findall(r'\bid="([^"]+)"', text))


def _check_link(href: str, base_url: str, site: Path) -> str | None:
    if not href.startswith(base_url):
        return None  # other hosts (e.g. the course page) are not fetched: the site is offline
    parts = urlsplit(href)
    target = site / unquote(parts.path).lstrip("/")
    if target.is_dir():
        target = target / "index.html"
    if not target.exists():
        return f"{href}: no such file"
    if target.name == "playground.html" and "=" in parts.fragment:
        return None  # a Playground setup (#land=...), read by its script: test_playground_page
    if parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in _ids(target):
        return f"{href}: no anchor #{parts.fragment}"
    return None


def _problems_on(browser: Chrome, url: str, base_url: str, site: Path) -> list[str]:
    browser.get(url)
    problems: list[str] = []
    math_status: Any = browser.execute_async_script(WAIT_FOR_MATH)
    if math_status is not True:
        problems.append(str(math_status))
    for entry in browser.get_log("browser"):  # type: ignore[no-untyped-call]
        if entry["level"] == "SEVERE":
            problems.append(f"console: {entry['message']}")
    problems += [f"image not loaded: {src}" for src in browser.execute_async_script(BROKEN_IMAGES)]
    tex = browser.execute_script(RAW_TEX)
    problems += [f"raw TeX: {t!r}" for t in tex["raw"]]
    if tex["math"] and tex["typeset"] < tex["math"]:
        problems.append(f"{tex['math']} math elements but only {tex['typeset']} typeset")
    hrefs = set(browser.execute_script(LINKS))
    problems += [p for h in sorted(hrefs) if (p := _check_link(h, base_url, site))]
    return problems


def test_every_page_loads_cleanly_in_chromium(browser: Chrome, base_url: str, site: Path) -> None:
    pages = html_pages(site)
    assert len(pages) > 20, "the site looks incomplete"
    failures: dict[str, list[str]] = {}
    for page in pages:
        rel = page.relative_to(site).as_posix()
        problems = _problems_on(browser, base_url + rel, base_url, site)
        if problems:
            failures[rel] = problems
    assert failures == {}


def test_the_checks_catch_a_broken_page(browser: Chrome, base_url: str, site: Path) -> None:
    # The same checks on a deliberately broken page must report every kind of problem.
    broken = site / "_broken_check.html"
    broken.write_text(
        '<html><body><p>raw \\(\\alpha\\) here</p><img src="missing.png">'
        '<a href="index.html#no-such-anchor">x</a><a href="nope.html">y</a>'
        "<script>console.error('boom')</script></body></html>",
        encoding="utf-8",
    )
    try:
        problems = _problems_on(browser, base_url + broken.name, base_url, site)
    finally:
        broken.unlink()
    text = "\n".join(problems)
    assert "raw TeX" in text
    assert "image not loaded" in text
    assert "no anchor #no-such-anchor" in text
    assert "nope.html: no such file" in text
    assert "boom" in text


def test_home_page_reaches_every_topic_in_two_clicks(browser: Chrome, base_url: str) -> None:
    browser.get(base_url + "index.html")
    first = {h.split("#")[0] for h in browser.execute_script(LINKS) if h.startswith(base_url)}
    second = set(first)
    for url in sorted(first):
        if url.endswith(".html"):
            browser.get(url)
            second |= {h.split("#")[0] for h in browser.execute_script(LINKS)}
    topics = ["training-goes-wrong", "gradients", "gradient-descent", "nonconvex", "sgd",
              "momentum", "nesterov", "normalized-gradients", "adam", "choosing", "library",
              "exercises", "api", "performance", "references", "auto_examples/index"]  # fmt: skip
    assert [t for t in topics if base_url + t + ".html" not in first] == []
    examples = sorted(p for p in second if "/auto_examples/" in p and "/plot_" in p)
    assert len(examples) >= 17, examples
