"""Developer tasks: ``nox`` runs tests, lint, typecheck, builds the site and tests it.

``nox -s docs`` builds the site, ``nox -s docs-student`` the students' edition
(no solutions), ``nox -s docs-live`` serves the site with live reload,
``nox -s golden`` regenerates the torch reference data, ``nox -s js`` tests
the playground's JavaScript with Node.js.

Each session builds its own virtualenv under ``.nox/`` with the running
Python, using uv when it is installed (``pip install "nox[uv]"``) and
virtualenv otherwise. Arguments after ``--`` go to the tool, e.g.
``nox -s tests -- -k adam -x``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nox

# Byte-compile what uv installs: uv does not by default, and where
# PYTHONDONTWRITEBYTECODE is set (as on our CI machines) every run would then
# compile matplotlib, Sphinx and the rest from source again, seconds per
# import (a docs rebuild with nothing changed took 10 s instead of 5).
os.environ.setdefault("UV_COMPILE_BYTECODE", "1")

nox.needs_version = ">=2024.4.15"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["tests", "js", "lint", "typecheck", "docs", "docs-student", "site"]

DOCS_GENERATED = [
    "docs/_build",
    "docs/auto_examples",
    "docs/auto_exercises",
    "docs/generated",
    "docs/gen_modules",
    "docs/gen_modules_student",
    "docs/_student_notebooks",
]

PYPROJECT = nox.project.load_toml("pyproject.toml")
EXTRAS = PYPROJECT["project"]["optional-dependencies"]
LINT_PATHS = [
    "src",
    "tests",
    "scripts",
    "gallery",
    "exercises",
    "benchmarks",
    "docs/conf.py",
    "docs/_ext",
    "noxfile.py",
]


@nox.session
def tests(session: nox.Session) -> None:
    """Pytest, doctests included (testpaths and --doctest-modules are in pyproject.toml)."""
    # Editable, so that the doctests collected from src/ and `import descend`
    # in tests/ are the same module files.
    # fused: numba, to test the compiled path too; scikit-learn (a docs requirement, for
    # the real-data examples) to test that descend reaches scikit-learn's optimum.
    sklearn = [r for r in EXTRAS["docs"] if r.startswith("scikit-learn")]
    session.install("-e", ".[test,fused]", *sklearn)
    session.run("pytest", *session.posargs)


@nox.session(python=False)
def js(session: nox.Session) -> None:
    """The playground's JavaScript modules: ``node --test`` (Node.js >= 20, no npm packages)."""
    if shutil.which("node") is None:
        session.error("Node.js is not installed (Debian: apt-get install nodejs)")
    session.chdir("docs/_playground")
    session.run("node", "--test", "test/", *session.posargs, external=True)


@nox.session
def lint(session: nox.Session) -> None:
    """Ruff: lint rules and formatting (a check only: run `ruff format` to fix)."""
    session.install(*EXTRAS["lint"])  # ruff alone: no need to install the package
    paths = [p for p in LINT_PATHS if Path(p).exists()]
    session.run("ruff", "check", *session.posargs, *paths)
    session.run("ruff", "format", "--check", *paths)


@nox.session
def typecheck(session: nox.Session) -> None:
    """Mypy --strict on the files listed in pyproject.toml (src and tests)."""
    session.install("-e", ".[typecheck]")
    session.run("mypy", "--strict", *session.posargs)


def _build_site(session: nox.Session, args: list[str], *, student: bool) -> None:
    session.install("-e", ".[docs]")
    if "clean" in args:
        args.remove("clean")
        for path in DOCS_GENERATED:
            shutil.rmtree(path, ignore_errors=True)
    session.run("python", "scripts/fetch_mathjax.py")
    # The student edition has its own doctrees: its configuration differs (no solutions).
    name, tag = ("student", ["-t", "student"]) if student else ("html", [])
    doctrees = "docs/_build/student-doctrees" if student else "docs/_build/doctrees"
    if student:  # it has no module sources (they show the checkers' solved examples):
        shutil.rmtree("docs/_build/student/_modules", ignore_errors=True)  # none left over
    session.run(
        "sphinx-build", "-W", "--keep-going", "-n", *tag, "-b", "html",
        "-d", doctrees, "docs", f"docs/_build/{name}", *args,
    )  # fmt: skip
    index = Path(f"docs/_build/{name}/index.html").resolve()
    session.log(
        f"The {'student edition of the ' if student else ''}site is built: open {index.as_uri()}"
    )


@nox.session
def docs(session: nox.Session) -> None:
    """Build the site (gallery executed), nitpicky, every warning an error.

    ``nox -s docs -- clean`` first removes everything the build generated,
    for a build from a clean tree; ``nox -s docs -- student`` builds the
    students' edition instead (as ``nox -s docs-student``); other arguments go
    to sphinx-build.
    """
    args = list(session.posargs)
    student = "student" in args
    if student:
        args.remove("student")
    _build_site(session, args, student=student)


@nox.session(name="docs-student")
def docs_student(session: nox.Session) -> None:
    """Build the students' edition in docs/_build/student: the site without any solution.

    No worked solutions under the chapter exercises, no solved programming
    exercises; the student notebooks are there to download. Same arguments as
    ``nox -s docs``.
    """
    _build_site(session, list(session.posargs), student=True)


@nox.session(name="docs-live")
def docs_live(session: nox.Session) -> None:
    """Serve the site with live reload (rebuilds on changes to docs, src and gallery)."""
    session.install("-e", ".[docs,docs-live]")
    session.run("python", "scripts/fetch_mathjax.py")
    ignores = [f"--ignore={p}" for p in DOCS_GENERATED[1:]]
    session.run(
        "sphinx-autobuild", "docs", "docs/_build/html", "-d", "docs/_build/doctrees",
        "--watch", "src", "--watch", "gallery", "--watch", "exercises", *ignores,
        "--ignore=docs/_static/mathjax", "--ignore=docs/sg_execution_times.rst",
        *session.posargs,
    )  # fmt: skip


@nox.session
def site(session: nox.Session) -> None:
    """Test both built sites: browser checks, offline assets, examples, exercises, no solutions.

    Every example runs as a script and as a notebook; the student notebooks
    run as downloaded and the solved exercises pass their checks; the student
    edition has no solution anywhere.
    """
    for name, build in [("html", "nox -s docs"), ("student", "nox -s docs-student")]:
        if not Path(f"docs/_build/{name}/index.html").exists():
            session.error(f"Build the site first: {build}")
    session.install("-e", ".[docs,site]")
    session.run("pytest", "-m", "site", "tests/website", *session.posargs)


# pip, not uv: pip's config on the dev machines points at the local CPU wheel of
# torch 2.13.0, while uv would download a multi-GB CUDA build from PyPI.
@nox.session(venv_backend="virtualenv")
def golden(session: nox.Session) -> None:
    """Regenerate tests/golden/ by running torch.optim (the pinned CPU torch)."""
    session.install(".[torch]")  # the package plus torch==2.13.0
    session.run("python", "scripts/golden_optimizers.py", *session.posargs)
    session.run("python", "scripts/golden_schedules.py", *session.posargs)


# pip, not uv, like `golden`: pip takes the local CPU wheel of torch 2.13.0.
@nox.session(venv_backend="virtualenv")
def bench(session: nox.Session) -> None:
    """Benchmarks: descend vs a C bandwidth reference and torch.optim (benchmarks/results.json).

    ``nox -s bench -- --quick`` runs the short version (n = 1e4 and 1e6).
    """
    session.install("-e", ".[fused]", "torch==2.13.0")
    session.run(
        "python", "benchmarks/bench_optimizers.py", "--json", "benchmarks/results.json",
        *session.posargs,
    )  # fmt: skip


@nox.session(name="bench-playground")
def bench_playground(session: nox.Session) -> None:
    """The playground's speed in headless Chromium against descend (after ``nox -s docs``).

    Prints the time to recompute four optimizers x 1000 steps on the Gabor data (the
    playground's work on every slider move) as a share of a 60 Hz frame and against
    the same steps run by descend in Python; ``-- --output FILE`` also saves it.
    """
    if not Path("docs/_build/html/playground.html").exists():
        session.error("Build the site first: nox -s docs")
    session.install("-e", ".[site]")
    session.run("python", "benchmarks/bench_playground.py", *session.posargs)
