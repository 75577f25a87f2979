"""Developer tasks: ``nox`` runs tests, lint, typecheck, builds the site and tests it.

``nox -s docs`` builds the site, ``nox -s docs-student`` the students' edition
(no solutions), ``nox -s docs-live`` serves the site with live reload,
``nox -s golden`` regenerates the torch reference data, ``nox -s js`` tests
the playground's JavaScript with Node.js, ``nox -s bench`` measures the
optimizers' speed (``nox -s bench -- --save`` updates the committed results).

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
from nox.command import CommandFailed

# Byte-compile what uv installs: uv does not by default, and where
# PYTHONDONTWRITEBYTECODE is set (as on our CI machines) every run would then
# compile matplotlib, Sphinx and the rest from source again, seconds per
# import (a docs rebuild with nothing changed took 10 s instead of 5).
os.environ.setdefault("UV_COMPILE_BYTECODE", "1")

nox.needs_version = ">=2024.4.15"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["tests", "js", "lint", "typecheck", "build", "docs", "docs-student", "site"]

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
    session.log("installing the package, pytest, numba and scikit-learn (about 30 s)")
    session.install("-e", ".[test,fused]", *sklearn)
    session.log("running the tests (about 80 s; the site tests are left to `nox -s site`)")
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
    """Mypy --strict on the files listed in pyproject.toml (src, tests and benchmarks)."""
    session.log("installing the package, mypy and the libraries the tests import (about 20 s)")
    session.install("-e", ".[typecheck]")
    session.run("mypy", "--strict", *session.posargs)


def _build_site(session: nox.Session, args: list[str], *, student: bool) -> None:
    session.log("installing the package, Sphinx and its extensions, scikit-learn (about 30 s)")
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
    session.log(
        "building the site: Sphinx runs every gallery example and exercise that changed "
        "(about 40 s from a clean tree, a few seconds when nothing changed)"
    )
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
    session.log("installing the package, Sphinx, Selenium and Jupyter's kernel (about 30 s)")
    session.install("-e", ".[docs,site]")
    session.log(
        "running the site tests: several minutes (examples and notebooks are executed, every "
        "page opened in Chromium); each test is named as it starts, the slowest listed at the end"
    )
    # -v: one line per test, printed when it starts; --durations: where the time went.
    session.run("pytest", "-m", "site", "-v", "--durations=10", "tests/website", *session.posargs)


TORCH = EXTRAS["torch"][0]  # "torch==2.13.0", the pinned version
#: PyTorch's index of CPU-only wheels: on PyPI, torch for Linux is the CUDA build (GBs).
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
TORCH_VERSION = TORCH.partition("==")[2]
#: Prints the installed torch's version (e.g. 2.13.0+cpu), or "none".
TORCH_INSTALLED = (
    "from importlib.metadata import distributions as d; "
    'print(*[x.version for x in d(name="torch")] or ["none"])'
)


def _install_cpu_torch(session: nox.Session) -> None:
    """Install the CPU build of the pinned torch alone (its dependencies come after it).

    First from a local wheel, where pip is configured to find one (find-links,
    e.g. ``PIP_FIND_LINKS=/opt/wheels``): ``--no-index`` asks no index, so this
    fails within seconds elsewhere. Then from PyTorch's CPU index (a 192 MB
    wheel), failing fast (``--retries 1 --timeout 15``) where it is unreachable.
    """
    session.log(f"installing {TORCH}, CPU build (a 192 MB wheel; about 30 s from a local wheel)")
    session.install("--no-index", "--no-deps", TORCH, success_codes=[0, 1])  # 1: no local wheel
    installed = session.run_install("python", "-c", TORCH_INSTALLED, silent=True)
    if installed is None:
        return  # the environment is reused as it is (nox --no-install)
    if str(installed).strip().partition("+")[0] == TORCH_VERSION:
        session.log(f"torch {str(installed).strip()} is installed (no download)")
        return
    session.log(f"no local wheel of {TORCH}: downloading it from {TORCH_CPU_INDEX}")
    try:
        session.install(
            "--no-deps", "--index-url", TORCH_CPU_INDEX, "--retries", "1", "--timeout", "15", TORCH,
        )  # fmt: skip
    except CommandFailed:
        session.error(
            f"could not install {TORCH}: pip found no local wheel and could not reach "
            f"{TORCH_CPU_INDEX} (offline? a proxy?). Download the CPU wheel and point pip "
            f"at its folder: PIP_FIND_LINKS=/that/folder nox -s {session.name}"
        )


# pip, not uv: `_install_cpu_torch` relies on pip's find-links and --no-index,
# and uv, given `torch==2.13.0` alone, would download the CUDA build from PyPI.
@nox.session(venv_backend="virtualenv")
def golden(session: nox.Session) -> None:
    """Regenerate tests/golden/ by running torch.optim (the pinned CPU torch)."""
    _install_cpu_torch(session)
    session.log("installing the package and torch's dependencies (about 25 s)")
    session.install(".[torch]")  # torch is there already: only its dependencies are fetched
    session.run("python", "scripts/golden_optimizers.py", *session.posargs)
    session.run("python", "scripts/golden_schedules.py", *session.posargs)


# pip, not uv, like `golden`: `_install_cpu_torch` needs pip.
@nox.session(venv_backend="virtualenv")
def bench(session: nox.Session) -> None:
    """Benchmarks: descend vs a C bandwidth reference and torch.optim (`-- --save` to keep).

    Prints the report and writes the numbers to build/bench/results.json and
    .txt (ignored by git): the committed benchmarks/results.json and .txt,
    which the performance page shows, change only with ``nox -s bench -- --save``
    (a full run, about three minutes). ``nox -s bench -- --quick`` runs the
    short version (n = 1e4 and 1e6, about a minute), never saved.
    """
    _install_cpu_torch(session)
    session.log("installing the package, numba and torch's dependencies (about 30 s)")
    session.install("-e", ".[fused]", TORCH)  # torch is there already: only its dependencies
    session.log("running the benchmark: every case prints a progress line as it starts")
    session.run("python", "-m", "benchmarks.optimizers", *session.posargs)


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
    session.run("python", "-m", "benchmarks.bench_playground", *session.posargs)


# What the wheel must hold for `python -m descend` and for typed use (the license: PEP 639).
WHEEL_MUST_HOLD = ["descend/py.typed", "descend/data/udl_ch6.json", "dist-info/licenses/LICENSE"]


def _check_dists(session: nox.Session, outdir: Path) -> Path:
    """The version in both file names is ``__version__``; the wheel holds WHEEL_MUST_HOLD."""
    import re
    import tarfile
    import zipfile

    init = Path("src/descend/__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__ = "([^"]+)"$', init, re.MULTILINE)
    if found is None:
        session.error('src/descend/__init__.py has no line __version__ = "X.Y.Z"')
    version = found.group(1)
    wheel = outdir / f"descend-{version}-py3-none-any.whl"
    sdist = outdir / f"descend-{version}.tar.gz"
    made = sorted(p.name for p in outdir.iterdir())
    if made != sorted([wheel.name, sdist.name]):
        session.error(f"expected {sdist.name} and {wheel.name} (version {version}), got {made}")
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
    missing = [want for want in WHEEL_MUST_HOLD if not any(n.endswith(want) for n in names)]
    if missing:
        session.error(f"{wheel.name} lacks {missing}; it holds {names}")
    with tarfile.open(sdist) as tf:
        if f"descend-{version}/LICENSE" not in tf.getnames():
            session.error(f"{sdist.name} lacks LICENSE")
    session.log(f"{wheel.name} holds {len(names)} files, among them {', '.join(WHEEL_MUST_HOLD)}")
    return wheel


@nox.session
def build(session: nox.Session) -> None:
    """Package: sdist and wheel, twine check --strict, CITATION.cff, then the wheel in a fresh venv.

    Builds with ``python -m build`` into ``.nox/build/tmp/dist`` (emptied first),
    checks both files with ``twine check --strict`` and the citation file with
    ``cffconvert --validate``, checks that the wheel holds ``py.typed``, the
    textbook data and the license, then installs the wheel (not the source tree)
    into a new virtual environment and runs ``python -m descend`` there.
    """
    session.log("installing build, twine and cffconvert...")
    session.install("build>=1.2", "twine>=6.1", "cffconvert>=2.0")
    tmp = Path(session.create_tmp()).resolve()
    outdir, fresh = tmp / "dist", tmp / "fresh-venv"
    for path in (outdir, fresh):
        shutil.rmtree(path, ignore_errors=True)
    session.log("building the sdist, then the wheel from it (python -m build, about 10 s)...")
    session.run("python", "-m", "build", "--outdir", str(outdir))
    session.run("twine", "check", "--strict", *sorted(str(p) for p in outdir.iterdir()))
    session.run("cffconvert", "--validate", "-i", "CITATION.cff")
    wheel = _check_dists(session, outdir)
    python = fresh / ("Scripts" if os.name == "nt" else "bin") / "python"
    session.log(f"installing {wheel.name} and its dependencies into a fresh venv, {fresh}...")
    if session.venv_backend == "uv":
        interpreter = str(Path(session.bin) / "python")  # the session's Python
        session.run("uv", "venv", "--quiet", "--python", interpreter, str(fresh))
        session.run("uv", "pip", "install", "--quiet", "--python", str(python), str(wheel))
    else:
        session.run("python", "-m", "venv", str(fresh))
        session.run(str(python), "-m", "pip", "install", "--quiet", str(wheel), external=True)
    # -I: the installed package only (no current directory, no PYTHONPATH, no user site).
    where = session.run(
        str(python), "-I", "-c", "import descend; print(descend.__file__)",
        external=True, silent=True,
    )  # fmt: skip
    if not str(where).strip().startswith(str(fresh)):
        session.error(f"the fresh venv imported descend from {str(where).strip()}, not the wheel")
    session.run(str(python), "-I", "-m", "descend", external=True)
    session.log(f"The sdist and the wheel are in {outdir}")
