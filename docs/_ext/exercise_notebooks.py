"""The student notebooks of the programming exercises, made at build time (a Sphinx extension).

Each programming exercise is one solved script, ``exercises/ex_<N>_<name>.py``,
which sphinx-gallery executes on the public site. Its solution sits between
marker lines, indented like the code around it::

    def momentum_step(phi, m, g, alpha, beta):
        # BEGIN SOLUTION (TODO: average g into m, then step phi along m)
        m = beta * m + (1 - beta) * g
        return phi - alpha * m, m
        # END SOLUTION

When the builder starts (in every build, the student build included) this
extension writes the student version of every exercise into ``docs/_student_notebooks``
(generated, never edited by hand): :func:`strip_solutions` replaces each block
by ``# TODO: <text>`` and ``raise NotImplementedError`` at the marker's
indentation, the result is saved as ``<name>_exercise.py`` and turned into
``<name>_exercise.ipynb`` by sphinx-gallery's own notebook writer (same cells,
same reST-to-Markdown conversion, same first cell as the gallery's notebooks).
The Exercises page offers both with the ``{download}`` role. A malformed marker
(a block never closed, nested or without its TODO text) fails the build with
the file and line.

Two more hooks:

- the solved exercise pages (``auto_exercises/``) show their code without the
  marker lines;
- a cross-reference inside an ``{only}`` block that this build leaves out (the
  links to the solved exercises, ``{only} not student``) is not reported as
  missing (``missing-reference`` gives back its text): the student build does
  not have those pages, and drops the block anyway.

The marker functions need only the standard library, so the unit tests import
this module without Sphinx.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["MarkerError", "strip_solutions", "student_stem", "write_student_files"]

_BEGIN = re.compile(r"^(?P<indent>[ \t]*)#\s*BEGIN\s+SOLUTION\b(?P<rest>.*?)\s*$")
_END = re.compile(r"^(?P<indent>[ \t]*)#\s*END\s+SOLUTION\b(?P<rest>.*?)\s*$")
_TODO = re.compile(r"^\(\s*TODO:\s*(?P<text>\S.*?)\s*\)$")
_STEM = re.compile(r"^ex_\d+_(?P<name>[A-Za-z0-9_]+)$")
# A marker line anywhere in a generated reST page (the code blocks are indented).
_MARKER_LINE = re.compile(r"^[ \t]*#\s*(BEGIN|END)\s+SOLUTION\b.*\n", re.MULTILINE)

EXAMPLE = "# BEGIN SOLUTION (TODO: what the student should write)"


class MarkerError(ValueError):
    """A solution marker is malformed; the message names the file and line."""


@dataclass(frozen=True)
class _Block:
    line: int  # 1-based line of its BEGIN marker
    indent: str
    todo: str


def strip_solutions(source: str, filename: str) -> str:
    r"""The student version of an exercise script: every solution block replaced by a TODO stub.

    Every block from a line ``# BEGIN SOLUTION (TODO: text)`` to the next line
    ``# END SOLUTION`` (both included) becomes the two lines ``# TODO: text``
    and ``raise NotImplementedError``, indented like the ``BEGIN`` marker;
    every other line is kept as it is.

    Parameters
    ----------
    source
        The solved script.
    filename
        Its name, for the error messages.

    Returns
    -------
    str
        The student version.

    Raises
    ------
    MarkerError
        If a ``BEGIN`` marker has no TODO text, is never closed, or is nested
        in another block; if an ``END`` marker has no ``BEGIN`` or is indented
        differently from it; if there is no block at all; or if the student
        version is not valid Python. The message starts with ``filename:line:``.

    Examples
    --------
    >>> solved = (
    ...     "def double(x):\n"
    ...     "    # BEGIN SOLUTION (TODO: return twice x)\n"
    ...     "    return 2 * x\n"
    ...     "    # END SOLUTION\n"
    ... )
    >>> print(strip_solutions(solved, "ex_0_double.py"))
    def double(x):
        # TODO: return twice x
        raise NotImplementedError
    <BLANKLINE>
    """
    out: list[str] = []
    block: _Block | None = None
    n_blocks = 0
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        text = line.rstrip("\r\n")
        newline = line[len(text) :] or "\n"
        if begin := _BEGIN.match(text):
            if block is not None:
                raise MarkerError(
                    f"{filename}:{number}: '# BEGIN SOLUTION' inside the solution block opened "
                    f"at line {block.line}: blocks cannot be nested (close that one with "
                    "'# END SOLUTION' first)"
                )
            todo = _TODO.match(begin["rest"].strip())
            if todo is None:
                raise MarkerError(
                    f"{filename}:{number}: the marker must say what the student should write, "
                    f"in this form: {EXAMPLE!r}; found {text.strip()!r}"
                )
            block = _Block(number, begin["indent"], todo["text"])
            out += [
                f"{block.indent}# TODO: {block.todo}{newline}",
                f"{block.indent}raise NotImplementedError{newline}",
            ]
            n_blocks += 1
        elif end := _END.match(text):
            if block is None:
                raise MarkerError(
                    f"{filename}:{number}: '# END SOLUTION' without a '# BEGIN SOLUTION' before it"
                )
            if end["rest"]:
                raise MarkerError(
                    f"{filename}:{number}: nothing may follow '# END SOLUTION' on its line; "
                    f"found {text.strip()!r}"
                )
            if end["indent"] != block.indent:
                raise MarkerError(
                    f"{filename}:{number}: '# END SOLUTION' is indented differently from its "
                    f"'# BEGIN SOLUTION' at line {block.line}: indent both like the code they "
                    "enclose"
                )
            block = None
        elif block is None:
            out.append(line)
    if block is not None:
        raise MarkerError(
            f"{filename}:{block.line}: '# BEGIN SOLUTION' is never closed by a "
            "'# END SOLUTION' line"
        )
    if n_blocks == 0:
        raise MarkerError(
            f"{filename}:1: no solution block: mark the solution with {EXAMPLE!r} ... "
            "'# END SOLUTION' so that the student version does not give it away"
        )
    student = "".join(out)
    try:
        ast.parse(student, filename=filename)
    except SyntaxError as err:
        raise MarkerError(
            f"{filename}: the student version (solutions replaced by TODO stubs) is not valid "
            f"Python: {err.msg} at its line {err.lineno}; put each marker pair around whole "
            "statements"
        ) from None
    return student


def student_stem(script: Path) -> str:
    """The student files' name: ``ex_5_momentum.py`` -> ``momentum_exercise``.

    Raises
    ------
    MarkerError
        If the name is not ``ex_<number>_<name>.py``.
    """
    match = _STEM.match(script.stem)
    if match is None or script.suffix != ".py":
        raise MarkerError(
            f"{script}: an exercise script is named ex_<number>_<name>.py (e.g. ex_5_momentum.py)"
        )
    return f"{match['name']}_exercise"


def _write_if_changed(path: Path, text: str) -> None:
    # Sphinx re-reads a page when a file it offers for download changes (by mtime).
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def _notebook_json(script: Path, gallery_conf: Mapping[str, Any], out_dir: Path) -> str:
    """The notebook sphinx-gallery would make of ``script``, as the text it saves."""
    from sphinx_gallery import py_source_parser
    from sphinx_gallery.notebook import jupyter_notebook, save_notebook

    _, blocks = py_source_parser.split_code_and_text_blocks(str(script))
    # What sphinx-gallery does before writing its notebooks (gen_rst._clean_script_blocks).
    blocks = [
        py_source_parser.Block(label, py_source_parser.remove_ignore_blocks(content), line)
        for label, content, line in blocks
    ]
    if gallery_conf.get("remove_config_comments"):
        blocks = [
            py_source_parser.Block(label, py_source_parser.remove_config_comments(content), line)
            for label, content, line in blocks
        ]
    if blocks and blocks[-1].content.isspace():
        blocks = blocks[:-1]
    notebook = jupyter_notebook(blocks, gallery_conf, out_dir)
    scratch = out_dir / f".{script.stem}.ipynb.new"
    save_notebook(notebook, scratch)
    text = scratch.read_text(encoding="utf-8")
    scratch.unlink()
    return text


def write_student_files(
    source_dir: Path, out_dir: Path, gallery_conf: Mapping[str, Any]
) -> list[Path]:
    """Write ``<name>_exercise.py`` and ``.ipynb`` for every ``source_dir/ex_*.py``.

    Files are only rewritten when their content changes, and student files of
    exercises that no longer exist are removed.

    Parameters
    ----------
    source_dir
        The folder of the solved exercise scripts.
    out_dir
        Where the student files go (created if needed).
    gallery_conf
        sphinx-gallery's configuration, completed with its defaults (the
        notebooks are made the way the gallery makes its own).

    Returns
    -------
    list of Path
        The files written or kept, in exercise order.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for script in sorted(source_dir.glob("ex_*.py")):
        stem = student_stem(script)
        student = strip_solutions(script.read_text(encoding="utf-8"), str(script))
        py = out_dir / f"{stem}.py"
        _write_if_changed(py, student)
        ipynb = out_dir / f"{stem}.ipynb"
        _write_if_changed(ipynb, _notebook_json(py, gallery_conf, out_dir))
        written += [py, ipynb]
    for stale in [*out_dir.glob("*_exercise.py"), *out_dir.glob("*_exercise.ipynb")]:
        if stale not in written:
            stale.unlink()
    return written


# -- Sphinx hooks ---------------------------------------------------------------------------


def _make_student_files(app: Any) -> None:
    from sphinx.errors import ExtensionError
    from sphinx.util import logging

    source = (Path(app.confdir) / app.config.exercise_notebooks_source).resolve()
    out = Path(app.srcdir) / app.config.exercise_notebooks_dir
    if not source.is_dir():
        raise ExtensionError(f"exercise_notebooks_source: no folder {source}", modname=__name__)
    try:
        written = write_student_files(source, out, app.config.sphinx_gallery_conf)
    except MarkerError as err:
        raise ExtensionError(str(err), modname=__name__) from None
    logging.getLogger(__name__).info(
        f"[exercise_notebooks] {len(written) // 2} student notebooks in {out}"
    )


def _drop_marker_lines(app: Any, docname: str, source: list[str]) -> None:
    """The solved exercise pages show the solution without its marker lines."""
    if docname.startswith(app.config.exercise_notebooks_gallery_dir + "/"):
        source[0] = _MARKER_LINE.sub("", source[0])


def _inside_left_out_only(app: Any, node: Any) -> bool:
    from sphinx import addnodes

    parent = node.parent
    while parent is not None:
        if isinstance(parent, addnodes.only):
            try:
                if not app.tags.eval_condition(parent["expr"]):
                    return True
            except Exception:  # Sphinx itself reports a bad expression
                return False
        parent = parent.parent
    return False


def _keep_text_in_left_out_only(app: Any, env: Any, node: Any, contnode: Any) -> Any:
    """A reference in an ``{only}`` block this build drops: its text, and no warning."""
    return contnode if _inside_left_out_only(app, node) else None


def setup(app: Any) -> dict[str, Any]:
    """Register the config values and hooks (``exercise_notebooks_*`` in conf.py)."""
    app.setup_extension("sphinx_gallery.gen_gallery")
    app.add_config_value("exercise_notebooks_source", "../exercises", "env", str)
    app.add_config_value("exercise_notebooks_dir", "_student_notebooks", "env", str)
    app.add_config_value("exercise_notebooks_gallery_dir", "auto_exercises", "env", str)
    # Before sphinx-gallery runs the examples (priority 500): a bad marker fails the build at once.
    app.connect("builder-inited", _make_student_files, priority=400)
    app.connect("source-read", _drop_marker_lines)
    app.connect("missing-reference", _keep_text_in_left_out_only)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
