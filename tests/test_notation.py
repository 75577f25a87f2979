"""The notation page lists each symbol once, and the pages keep to it.

docs/notation.md is one table: a symbol, its one meaning, where it is introduced.
These tests hold the table together (no symbol twice, every equation it links to
exists) and catch the collisions the site had before the table: lambda for the
weight decay, a bare varepsilon for anything but the machine epsilon, Adam's
moments counted from t - 1, rho for RMSprop's smoothing constant, tau for
PyTorch's dampening, pi for a permutation, e_t for an error (e_j is a unit
vector), gamma for Sutskever's step alpha (1 - beta) (gamma is StepLR's factor),
PyTorch's momentum buffer off by one step, and |B| next to B for the batch size.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
NOTATION = DOCS / "notation.md"
PAGES = sorted(p for p in DOCS.glob("*.md") if p != NOTATION)
GALLERY = sorted((ROOT / "gallery").glob("*/plot_*.py"))
SOURCES = sorted((ROOT / "src" / "descend").glob("*.py"))
TEXTS = PAGES + GALLERY + SOURCES

ROW = re.compile(r"^\| (?P<symbols>[^|]+) \| (?P<meaning>[^|]+) \| (?P<where>[^|]+) \|$")
MATH = re.compile(r"\$([^$]+)\$")
EQ_LABEL = re.compile(r"^\s*\$\$ \(([\w-]+)\)\s*$", re.MULTILINE)


def rows() -> list[re.Match[str]]:
    """The table rows of docs/notation.md (header and separator excluded)."""
    lines = NOTATION.read_text(encoding="utf-8").splitlines()
    found = [ROW.match(line) for line in lines if line.startswith("| $")]
    return [m for m in found if m is not None]


def symbols() -> list[str]:
    """Every symbol of the table's first column, as written between dollars."""
    return [s.strip() for m in rows() for s in MATH.findall(m["symbols"])]


def test_the_notation_page_is_one_table_of_many_symbols() -> None:
    text = NOTATION.read_text(encoding="utf-8")
    assert text.count("| Symbol | Meaning | Introduced in |") == 1
    table_lines = [line for line in text.splitlines() if line.startswith("| ")]
    assert len(rows()) == len(table_lines) - 2  # every line below header and rule is a symbol
    assert len(rows()) >= 60
    expected = ["\\phi", "\\alpha", "\\beta_1", "\\epsilon", "\\varepsilon_{\\text{mach}}"]
    expected += ["\\omega", "\\lambda_j", "\\kappa", "K", "\\sigma^2", "\\nu", "\\rho"]
    expected += ["\\mu", "\\tau", "\\gamma", "\\theta_t", "\\delta", "h", "s", "c"]
    assert [name for name in expected if name not in symbols()] == []


def test_every_symbol_of_the_table_appears_once() -> None:
    seen = symbols()
    assert [s for s in set(seen) if seen.count(s) > 1] == []


def test_every_row_says_where_the_symbol_is_introduced() -> None:
    for row in rows():
        assert re.search(r"\{(eq|doc|ref|numref)\}`", row["where"]), row.group(0)


def test_every_equation_the_table_links_to_exists() -> None:
    labels = {label for page in PAGES for label in EQ_LABEL.findall(page.read_text("utf-8"))}
    linked = re.findall(r"\{eq\}`([\w-]+)`", NOTATION.read_text(encoding="utf-8"))
    assert linked
    assert sorted(set(linked) - labels) == []


def test_the_home_page_links_the_notation_page_and_lists_it_in_a_toctree() -> None:
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    assert "Symbols: see {doc}`notation`" in index
    toctree = index.split(":caption: Examples and library")[1].split("```")[0]
    assert "\nnotation\n" in toctree


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_weight_decay_is_never_written_lambda(path: Path) -> None:
    text = " ".join(path.read_text(encoding="utf-8").split())
    after = r"weight[ _]decay\W+(?:\S+\s+){0,6}?\S*\\lambda"
    before = r"\\lambda\S*\s+(?:\S+\s+){0,6}?weight[ _]decay"
    assert re.findall(after, text) + re.findall(before, text) == []


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_varepsilon_only_means_the_machine_epsilon(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert re.findall(r"\\varepsilon(?!_\{\\text\{mach\}\})", text) == []


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_rmsprop_smoothing_is_not_rho_and_dampening_is_not_tau(path: Path) -> None:
    text = " ".join(path.read_text(encoding="utf-8").split())
    assert re.findall(r"smoothing constant\W+(?:\S+\s+){0,3}?\S*\\rho", text) == []
    assert re.findall(r"dampening\S*\s+(?:\S+\s+){0,2}?\S*\\tau", text) == []


def test_adam_page_counts_steps_forward_with_no_t_minus_1_subscripts() -> None:
    text = (DOCS / "adam.md").read_text(encoding="utf-8")
    assert re.findall(r"[_^]\{[^}]*t\s*-\s*1[^}]*\}", text) == []
    assert "m_{t+1} = \\beta_1 m_t + (1 - \\beta_1)\\, g_t" in text
    assert "1 - \\beta_1^{t+1}" in text


def test_adaptive_docstrings_count_steps_forward() -> None:
    tree = ast.parse((ROOT / "src" / "descend" / "adaptive.py").read_text(encoding="utf-8"))
    docs = [ast.get_docstring(node) or "" for node in ast.walk(tree)
            if isinstance(node, ast.ClassDef)]  # fmt: skip
    assert len(docs) == 4
    for doc in docs:
        assert re.findall(r"[_^]\{?[^}\s]*t\s*-\s*1", doc) == [], doc[:60]
        assert "\\lambda" not in doc
    adam = next(doc for doc in docs if doc.startswith("Adam (Kingma"))
    assert "m_{t+1} &= \\beta_1 m_t + (1 - \\beta_1) \\, g_t" in adam


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_pi_is_the_number_and_never_a_permutation(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert re.findall(r"\\pi\s*\(", text) == []  # a permutation applied to an index


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_an_error_is_written_phi_minus_phi_star_not_e_t(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert re.findall(r"(?<![\\\w])e_(?:t\b|\{t[^}]*\}|0\b)", text) == []


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_sutskevers_step_alpha_one_minus_beta_is_nu_not_gamma(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    gamma_as_step = r"\\gamma\s*=\s*\\alpha\s*\(1\s*-\s*\\beta\)|\\gamma\^\*|\\gamma\s*\\lambda"
    assert re.findall(gamma_as_step, text) == []


def test_pytorchs_buffer_holds_the_momentum_of_the_same_step() -> None:
    # momentum.md proves m_{t+1} = (1 - beta) b_t: the buffer after step t is m_{t+1}.
    assert "m_{t+1} = (1-\\beta)\\, b_t" in (DOCS / "momentum.md").read_text(encoding="utf-8")
    library = " ".join((DOCS / "library.md").read_text(encoding="utf-8").split())
    assert "b_t = m_{t+1} / (1-\\beta)" in library
    assert re.findall(r"b_t = m_t\s*/", library) == []


def test_the_sgd_chapter_writes_the_batch_size_b_once_defined_as_the_batch_length() -> None:
    text = (DOCS / "sgd.md").read_text(encoding="utf-8")
    assert text.count("|\\mathcal B") == 1
    assert "$B = |\\mathcal B_t|$" in text
