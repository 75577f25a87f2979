"""The exercises on both sites: solutions only on the public one, notebooks that run as downloaded.

Every chapter ends with its exercises. The public site shows each one's worked
solution collapsed, and the solved programming exercises; the students'
edition has no solution anywhere (no solution element, no solution label, no
solved exercise page, not one line of a solution in a page or a download). The
eight student notebooks are downloadable from both sites, run top to bottom as
downloaded with every check saying "not done yet", and the solved scripts pass
every check.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .conftest import (
    CHAPTERS,
    EXERCISE_SCRIPTS,
    GALLERY,
    ROOT,
    html_pages,
    strip_solutions,
    student_stem,
)

if TYPE_CHECKING:
    from selenium.webdriver import Chrome
    from selenium.webdriver.remote.webelement import WebElement

pytestmark = pytest.mark.site

IDS = [s.stem for s in EXERCISE_SCRIPTS]
CHECK_CALL = re.compile(r"\bcheck_(\w+)\(")
DIV = re.compile(r'<div class="([^"]*)" id="([^"]*)"')
H2 = re.compile(r"<h2>(.*?)<a class=\"headerlink\"", re.DOTALL)
BLOCK = re.compile(
    r"^[ \t]*#\s*BEGIN\s+SOLUTION\b.*?\n(.*?)^[ \t]*#\s*END\s+SOLUTION\b", re.DOTALL | re.M
)
CHAPTER_SOLUTION = re.compile(r"^(:{3,})\{solution\}.*?^\1$", re.DOTALL | re.M)


def _checked_functions(script: Path) -> list[str]:
    """The functions a script checks: ``check_momentum_step(...)`` -> ``momentum_step``."""
    return sorted(set(CHECK_CALL.findall(script.read_text(encoding="utf-8"))))


def _normal(text: str) -> str:
    return " ".join(text.split())


def solution_lines(script: Path) -> list[str]:
    """The lines only a solution has: inside a solution block, and not in the student version.

    Short lines (``return m``) and comments could be anywhere, so they are left out.
    """
    source = script.read_text(encoding="utf-8")
    student = {_normal(line) for line in strip_solutions(source, str(script)).splitlines()}
    lines = {_normal(line) for block in BLOCK.findall(source) for line in block.splitlines()}
    return sorted(
        line
        for line in lines
        if len(line) >= 12 and not line.startswith("#") and line not in student
    )


def _page_text(page: Path) -> str:
    """What a page shows, tags removed (highlighted code becomes its plain lines)."""
    text = page.read_text(encoding="utf-8")
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.DOTALL)
    return _normal(html.unescape(re.sub(r"<[^>]+>", "", text)))


def _download_texts(site: Path) -> dict[str, str]:
    """Every downloadable file's text: scripts, notebooks (cell sources), zip members."""
    texts: dict[str, str] = {}
    for path in sorted((site / "_downloads").rglob("*")):
        name = path.relative_to(site).as_posix()
        if path.suffix == ".ipynb":
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            texts[name] = "\n".join("".join(c["source"]) for c in cells)
        elif path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    texts[f"{name}:{member}"] = archive.read(member).decode("utf-8", "replace")
        elif path.is_file():
            texts[name] = path.read_text(encoding="utf-8", errors="replace")
    return {k: "\n".join(_normal(line) for line in v.splitlines()) for k, v in texts.items()}


def _shown_anyway() -> set[str]:
    """Lines the site shows anyway: gallery scripts, pages (less their solutions), the library.

    The course teaches every rule in code, so a line of a solution may also be a line of,
    say, the Adam example; such a line gives nothing away.
    """
    texts = [p.read_text(encoding="utf-8") for p in GALLERY.rglob("*.py")]
    texts += [p.read_text(encoding="utf-8") for p in (ROOT / "src" / "descend").glob("*.py")]
    texts += [
        CHAPTER_SOLUTION.sub("", p.read_text(encoding="utf-8"))
        for p in (ROOT / "docs").glob("*.md")
    ]
    return {_normal(line) for text in texts for line in text.splitlines()}


def _leaks(site: Path) -> dict[str, list[str]]:
    """Where solution lines of the programming exercises appear on a site: place -> lines."""
    wanted = sorted({line for script in EXERCISE_SCRIPTS for line in solution_lines(script)})
    places = {p.relative_to(site).as_posix(): _page_text(p) for p in html_pages(site)}
    places |= _download_texts(site)
    found = {place: [line for line in wanted if line in text] for place, text in places.items()}
    return {place: lines for place, lines in found.items() if lines}


def test_there_are_eight_programming_exercises_each_with_a_solution() -> None:
    assert [s.name.split("_")[1] for s in EXERCISE_SCRIPTS] == [str(n) for n in range(1, 9)]
    for script in EXERCISE_SCRIPTS:
        assert solution_lines(script), f"{script.name}: no solution line to look for"
        assert _checked_functions(script), f"{script.name} checks nothing"


# -- The students' edition: no solution anywhere ----------------------------------------------


def test_the_student_site_has_no_chapter_solution(student_site: Path) -> None:
    offenders = {}
    for page in html_pages(student_site):
        text = page.read_text(encoding="utf-8")
        bad = [f"solution element #{i}" for c, i in DIV.findall(text) if "solution" in c.split()]
        bad += re.findall(r'(?:id="|href="[^"]*#)sol-[^"]*"', text)
        if bad:
            offenders[page.relative_to(student_site).as_posix()] = bad
    assert offenders == {}


def _sources_with_solutions(site: Path) -> list[str]:
    return [
        p.relative_to(site).as_posix()
        for p in site.rglob("*")
        if p.is_file()
        and p.suffix in {".txt", ".md"}
        and "{solution}" in p.read_text(encoding="utf-8", errors="replace")
    ]


def test_the_student_site_has_no_page_source_with_solutions(
    student_site: Path, public_site: Path
) -> None:
    # The pages' MyST sources hold the solutions: the public site publishes them (_sources/),
    # the students' edition must not.
    assert _sources_with_solutions(public_site) != []
    assert _sources_with_solutions(student_site) == []


def test_the_student_site_has_no_solved_exercise(student_site: Path) -> None:
    assert not (student_site / "auto_exercises").exists()
    solved = [p.name for p in student_site.rglob("ex_*") if p.suffix in {".py", ".ipynb", ".html"}]
    assert solved == []
    links = [p.name for p in html_pages(student_site) if "auto_exercises" in p.read_text("utf-8")]
    assert links == []


def test_no_line_of_a_solution_is_on_the_student_site(student_site: Path) -> None:
    shown = _shown_anyway()
    leaks = {
        place: [line for line in lines if line not in shown]
        for place, lines in _leaks(student_site).items()
    }
    assert {place: lines for place, lines in leaks.items() if lines} == {}


def test_the_solution_search_finds_the_solutions_on_the_public_site(public_site: Path) -> None:
    # The search above must be able to fail: on the public site it finds every solution line
    # in the solved exercise pages.
    leaks = _leaks(public_site)
    for script in EXERCISE_SCRIPTS:
        page = f"auto_exercises/{script.stem}.html"
        assert set(solution_lines(script)) <= set(leaks.get(page, [])), page


# -- The public site: every solution, collapsed -----------------------------------------------


def _exercise_section(page: Path) -> str:
    """The page's HTML from its last second-level heading to the end of the article."""
    text = page.read_text(encoding="utf-8")
    text = text[: text.index("</article>")]
    headings = list(H2.finditer(text))
    assert headings, f"{page.name} has no sections"
    last = headings[-1]
    assert _normal(re.sub(r"<[^>]+>", "", last.group(1))) == "Exercises", (
        f"{page.name}: the last section is {last.group(1)!r}, not Exercises"
    )
    return text[last.start() :]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_chapter_ends_with_three_to_six_exercises(chapter: str, site: Path) -> None:
    section = _exercise_section(site / f"{chapter}.html")
    exercises = [i for c, i in DIV.findall(section) if "exercise" in c.split()]
    assert 3 <= len(exercises) <= 6, exercises
    assert all(i.startswith(f"ex-{chapter}-") for i in exercises), exercises


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_the_public_site_has_every_chapter_solution_collapsed(
    chapter: str, public_site: Path
) -> None:
    section = _exercise_section(public_site / f"{chapter}.html")
    divs = DIV.findall(section)
    exercises = [i for c, i in divs if "exercise" in c.split()]
    solutions = {i: c.split() for c, i in divs if "solution" in c.split()}
    assert sorted(solutions) == sorted("sol-" + e.removeprefix("ex-") for e in exercises)
    assert [i for i, c in solutions.items() if "dropdown" not in c] == []
    # Each solution's title links to its own exercise.
    for solution in solutions:
        exercise = "ex-" + solution.removeprefix("sol-")
        start = section.index(f'id="{solution}"')
        assert f'href="#{exercise}"' in section[start : start + 1500], solution


def test_the_public_site_has_the_solved_programming_exercises(public_site: Path) -> None:
    page = (public_site / "exercises.html").read_text(encoding="utf-8")
    for script in EXERCISE_SCRIPTS:
        assert (public_site / "auto_exercises" / f"{script.stem}.html").exists()
        assert f'href="auto_exercises/{script.stem}.html' in page


def _shown(element: WebElement) -> Callable[[object], bool]:
    return lambda _: bool(element.is_displayed())


def test_the_solutions_open_on_a_click(browser: Chrome, base_url: str, site: Path) -> None:
    # On the public site each solution is folded away until its button is clicked; the
    # students' edition has none.
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.wait import WebDriverWait

    for chapter in CHAPTERS:
        browser.get(base_url + f"{chapter}.html")
        solutions = browser.find_elements(By.CSS_SELECTOR, "div.solution")
        if site.name == "student":
            assert solutions == [], chapter
            continue
        assert len(solutions) >= 3, chapter
        for solution in solutions:
            content = solution.find_element(By.CSS_SELECTOR, "section")
            assert not content.is_displayed(), solution.get_attribute("id")
            button = solution.find_element(By.CSS_SELECTOR, "button.toggle-button")
            browser.execute_script("arguments[0].click();", button)
            WebDriverWait(browser, 5).until(_shown(content))


# -- The student notebooks ----------------------------------------------------------------------


def _downloads(site: Path, script: Path) -> dict[str, Path]:
    """The student files of an exercise the Exercises page links to, by suffix."""
    page = (site / "exercises.html").read_text(encoding="utf-8")
    stem = student_stem(script)
    found = {}
    for suffix in (".ipynb", ".py"):
        hrefs = re.findall(rf'href="(_downloads/[0-9a-f]+/{stem}\{suffix})"', page)
        assert hrefs, f"exercises.html does not offer {stem}{suffix}"
        found[suffix] = site / hrefs[0]
    return found


@pytest.mark.parametrize("script", EXERCISE_SCRIPTS, ids=IDS)
def test_the_student_notebook_is_downloadable_and_current(script: Path, site: Path) -> None:
    files = _downloads(site, script)
    student = strip_solutions(script.read_text(encoding="utf-8"), str(script))
    assert files[".py"].read_text(encoding="utf-8") == student
    notebook = json.loads(files[".ipynb"].read_text(encoding="utf-8"))
    code = "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code")
    assert code.startswith("%matplotlib inline")
    assert "raise NotImplementedError" in code


def _run(script: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONHASHSEED"}
    env["MPLBACKEND"] = "Agg"
    return subprocess.run(
        [sys.executable, "-W", "error", str(script)],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.mark.parametrize("script", EXERCISE_SCRIPTS, ids=IDS)
def test_the_student_notebook_runs_as_downloaded_and_says_not_done_yet(
    script: Path, student_site: Path, tmp_path: Path
) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(_downloads(student_site, script)[".ipynb"], as_version=4)
    resources = {"metadata": {"path": str(tmp_path)}}
    client = nbclient.NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources=resources
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    outputs = [out for cell in cells for out in cell.get("outputs", [])]
    assert [o for o in outputs if o.get("output_type") == "error"] == []
    printed = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    for name in _checked_functions(script):
        assert f"{name}: not done yet" in printed, printed
    assert "correct on all" not in printed


@pytest.mark.parametrize("script", EXERCISE_SCRIPTS, ids=IDS)
def test_the_student_script_runs_as_downloaded_and_says_not_done_yet(
    script: Path, student_site: Path, tmp_path: Path
) -> None:
    result = _run(_downloads(student_site, script)[".py"], tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    for name in _checked_functions(script):
        assert f"{name}: not done yet" in result.stdout, result.stdout
    assert "correct on all" not in result.stdout


@pytest.mark.parametrize("script", EXERCISE_SCRIPTS, ids=IDS)
def test_the_solved_exercise_passes_every_check(script: Path, tmp_path: Path) -> None:
    result = _run(script, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    for name in _checked_functions(script):
        # A checker's verdict starts with the function's name: "momentum_step: correct on all
        # 5 checks.", "momentum_step is wrong: ...", "momentum_step raised ...", ...
        verdict = re.compile(rf"^{name}(: | (is|raised|returns?|returned|gives|should)\b)")
        verdicts = [line for line in lines if verdict.match(line)]
        assert verdicts, f"no verdict of check_{name} in: {result.stdout}"
        assert all(line.startswith(f"{name}: correct on all") for line in verdicts), verdicts
    assert "not done yet" not in result.stdout
