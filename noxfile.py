"""Developer tasks: ``nox`` runs tests, lint and typecheck; ``nox -s golden`` regenerates data.

Each session builds its own virtualenv under ``.nox/`` with the running
Python, using uv when it is installed (``pip install "nox[uv]"``) and
virtualenv otherwise. Arguments after ``--`` go to the tool, e.g.
``nox -s tests -- -k adam -x``.
"""

from __future__ import annotations

from pathlib import Path

import nox

nox.needs_version = ">=2024.4.15"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["tests", "lint", "typecheck"]

PYPROJECT = nox.project.load_toml("pyproject.toml")
EXTRAS = PYPROJECT["project"]["optional-dependencies"]
LINT_PATHS = ["src", "tests", "scripts", "gallery", "benchmarks", "noxfile.py"]


@nox.session
def tests(session: nox.Session) -> None:
    """Pytest, doctests included (testpaths and --doctest-modules are in pyproject.toml)."""
    # Editable, so that the doctests collected from src/ and `import descend`
    # in tests/ are the same module files.
    session.install("-e", ".[test]")
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


# pip, not uv: pip's config on the dev machines points at the local CPU wheel of
# torch 2.13.0, while uv would download a multi-GB CUDA build from PyPI.
@nox.session(venv_backend="virtualenv")
def golden(session: nox.Session) -> None:
    """Regenerate tests/golden/ by running torch.optim (the pinned CPU torch)."""
    session.install(".[torch]")  # the package plus torch==2.13.0
    session.run("python", "scripts/golden_optimizers.py", *session.posargs)
    session.run("python", "scripts/golden_schedules.py", *session.posargs)
