"""Developer tasks: ``nox`` runs tests, lint, typecheck, builds the site and tests it.

``nox -s docs`` builds the site, ``nox -s docs-live`` serves it with live
reload, ``nox -s golden`` regenerates the torch reference data.

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
nox.options.sessions = ["tests", "lint", "typecheck", "docs", "site"]

DOCS_GENERATED = ["docs/_build", "docs/auto_examples", "docs/generated", "docs/gen_modules"]

PYPROJECT = nox.project.load_toml("pyproject.toml")
EXTRAS = PYPROJECT["project"]["optional-dependencies"]
LINT_PATHS = [
    "src",
    "tests",
    "scripts",
    "gallery",
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
    session.install("-e", ".[test,fused]")  # fused: numba, to test the compiled path too
    session.run("pytest", *session.posargs)


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


@nox.session
def docs(session: nox.Session) -> None:
    """Build the site (gallery executed), nitpicky, every warning an error.

    ``nox -s docs -- clean`` first removes everything the build generated,
    for a build from a clean tree; other arguments go to sphinx-build.
    """
    session.install("-e", ".[docs]")
    args = list(session.posargs)
    if "clean" in args:
        args.remove("clean")
        for path in DOCS_GENERATED:
            shutil.rmtree(path, ignore_errors=True)
    session.run("python", "scripts/fetch_mathjax.py")
    session.run(
        "sphinx-build", "-W", "--keep-going", "-n", "-b", "html",
        "-d", "docs/_build/doctrees", "docs", "docs/_build/html", *args,
    )  # fmt: skip
    index = Path("docs/_build/html/index.html").resolve()
    session.log(f"The site is built: open {index.as_uri()}")


@nox.session(name="docs-live")
def docs_live(session: nox.Session) -> None:
    """Serve the site with live reload (rebuilds on changes to docs, src and gallery)."""
    session.install("-e", ".[docs,docs-live]")
    session.run("python", "scripts/fetch_mathjax.py")
    ignores = [f"--ignore={p}" for p in DOCS_GENERATED[1:]]
    session.run(
        "sphinx-autobuild", "docs", "docs/_build/html", "-d", "docs/_build/doctrees",
        "--watch", "src", "--watch", "gallery", *ignores,
        "--ignore=docs/_static/mathjax", "--ignore=docs/sg_execution_times.rst",
        *session.posargs,
    )  # fmt: skip


@nox.session
def site(session: nox.Session) -> None:
    """Test the built site: browser checks, offline assets, every example as script and notebook."""
    if not Path("docs/_build/html/index.html").exists():
        session.error("Build the site first: nox -s docs")
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
