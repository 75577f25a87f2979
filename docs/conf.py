"""Sphinx configuration of the descend site (MyST pages, gallery, API, bibliography).

Built offline: MathJax comes from a local copy (fetched from npm by
``nox -s docs`` into ``_static/mathjax``), there is no intersphinx, and every
warning is an error (``sphinx-build -W -n``).

Two sites are built from these sources: the public one (``nox -s docs``), with
the worked solutions of the chapter exercises (collapsed) and the solved
programming exercises, and the student one (``nox -s docs-student``, i.e.
``sphinx-build -t student``), with neither.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from sphinx_gallery.sorting import ExplicitOrder, FileNameSortKey

import descend

HERE = Path(__file__).parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE / "_ext"))
from gallery_hooks import reset_example  # noqa: E402

# The student build (`sphinx-build -t student`, `nox -s docs-student`): no solutions at all.
STUDENT = tags.has("student")  # noqa: F821 (`tags` is given to conf.py by Sphinx)

project = "descend"
author = "the descend developers"
copyright = "2026, the descend developers"
release = descend.__version__
version = release

extensions = [
    "gallery_hooks",  # docs/_ext: warnings fail examples, no CDN links in animations
    "exercise_notebooks",  # docs/_ext: the student notebooks, made from exercises/ex_*.py
    "playground",  # docs/_ext: the playground's ES modules joined into one script for file://
    "page_weight",  # docs/_ext: what a first visit downloads (icons, lazy images)
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "sphinx_gallery.gen_gallery",
    "sphinxcontrib.bibtex",
    "sphinx_copybutton",
    "sphinx_design",
    "sphinx_exercise",
    "sphinx_togglebutton",  # collapses the `:class: dropdown` solutions (click to open)
    "sphinxext.opengraph",  # og: meta tags: link previews in forums and LMSs (see below)
    "link_previews",  # docs/_ext: an API page's og:description is its docstring's summary
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "_playground", "**.ipynb_checkpoints"] + [
    f"{gallery}/**/*.{ext}"
    for gallery in ("auto_examples", "auto_exercises")
    for ext in ("ipynb", "py", "zip", "json", "md5")
]
if STUDENT:
    # The solved programming exercises stay out of the student site, also when a public
    # build left them in docs/auto_exercises.
    exclude_patterns.append("auto_exercises/**")
    # The checkers' docstrings show passing functions, that is, solutions: the students'
    # edition leaves out their examples (see _drop_checker_examples) and the highlighted
    # module sources (viewcode), which would show the same docstrings.
    extensions.remove("sphinx.ext.viewcode")
nitpicky = True
# Types from libraries we do not cross-link (no intersphinx: the build is offline).
nitpick_ignore_regex = [
    ("py:class", r"(numpy|np|numpy\.typing|npt|matplotlib|collections\.abc|typing|os)\..*"),
    ("py:class", r"(NDArray|ArrayLike|FloatArray|IntArray|Axes|QuadContourSet|Any|Callable)"),
    ("py:class", r"(optional|array-like|array_like|callable|default.*)"),
    ("py:class", r"descend\.(\w+\.)?_\w+"),
    ("py:obj", r"descend\.(\w+\.)?_\w+"),
    # numpy-style type descriptions ({"sum", "mean"}, "tuple of two floats", defaults)
    ("py:class", r'.*["{}].*'),
    ("py:class", r"[-\d(].*|.*\d\)|two floats|.* of .*|.* to .*|Shapes"),
    ("py:class", r"(Path|Figure|Iterator|Sequence|Mapping|Literal|Protocol|ABC|abc\.ABC)"),
    ("py:class", r"(sequence|\.\.\]|\.\.\.)"),
    ("py:(func|meth|obj|data)", r"(numpy|np|matplotlib)\..*"),
    ("py:obj", r"(True|False|None)"),
    # The LearningRate alias, expanded by autodoc in attribute types.
    ("py:class", r"float \| descend\.schedules\.Schedule"),
]
suppress_warnings = ["config.cache"]  # the gallery config holds functions; fine to rebuild
if STUDENT:
    # exercises.md lists the solved exercises (auto_exercises/index) in a toctree inside
    # `{only} not student`; the student build excludes those pages, and Sphinx warns about a
    # toctree entry before it drops the `only` block. The public build keeps this warning.
    suppress_warnings.append("toc.excluded")

# -- MyST ----------------------------------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist", "attrs_inline",
                          "substitution"]  # fmt: skip
myst_heading_anchors = 3
myst_dmath_double_inline = True
math_numfig = True
numfig = True
math_eqref_format = "({number})"

# -- Math: a local MathJax 3, never a CDN ------------------------------------------------
MATHJAX = HERE / "_static" / "mathjax" / "tex-chtml.js"
if not MATHJAX.exists():
    raise RuntimeError(
        f"{MATHJAX} is missing: the site renders math from a local MathJax copy. "
        "Build with `nox -s docs`, which fetches it from npm (scripts/fetch_mathjax.py)."
    )
mathjax_path = "mathjax/tex-chtml.js"
mathjax3_config = {"tex": {"tags": "ams", "macros": {"R": r"\mathbb{R}"}}}

# -- API reference -------------------------------------------------------------------------
templates_path = ["_templates"]
autosummary_generate = True
autodoc_typehints = "description"
autodoc_typehints_format = "short"
autodoc_member_order = "bysource"
autodoc_default_options = {"members": True, "show-inheritance": False}
autodoc_preserve_defaults = True
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
napoleon_preprocess_types = False
napoleon_use_ivar = True  # "Attributes" sections as fields: no duplicates of documented properties

# -- Bibliography --------------------------------------------------------------------------
bibtex_bibfiles = ["references.bib"]
bibtex_default_style = "alpha"
bibtex_reference_style = "author_year"

# -- Exercises -----------------------------------------------------------------------------
# Chapter exercises: sphinx-exercise. Their solutions are collapsed (`:class: dropdown`) on the
# public site and left out of the student site.
hide_solutions = STUDENT
# Programming exercises: exercises/ex_<N>_<name>.py, solved, run by sphinx-gallery into
# auto_exercises (public site only). docs/_ext/exercise_notebooks.py writes the student versions
# (solutions replaced by TODO stubs) into _student_notebooks/ in both builds: exercises.md
# offers them for download.
exercise_notebooks_source = "../exercises"
exercise_notebooks_dir = "_student_notebooks"
exercise_notebooks_gallery_dir = "auto_exercises"

# -- Gallery -------------------------------------------------------------------------------
GALLERY_SECTIONS = [
    "../gallery/01_training_goes_wrong",
    "../gallery/02_gradient_descent",
    "../gallery/03_nonconvex",
    "../gallery/04_sgd",
    "../gallery/05_momentum",
    "../gallery/06_adaptive",
    "../gallery/07_real_data",
]


sphinx_gallery_conf = {
    # The solved programming exercises only on the public site.
    "examples_dirs": ["../gallery"] if STUDENT else ["../gallery", "../exercises"],
    "gallery_dirs": ["auto_examples"] if STUDENT else ["auto_examples", "auto_exercises"],
    # Sections of the gallery in course order; the exercises (no sections) by file name, ex_1...
    "subsection_order": ExplicitOrder(GALLERY_SECTIONS),
    "within_subsection_order": FileNameSortKey,
    "filename_pattern": r"/(plot|ex)_",
    "reset_modules": ("matplotlib", reset_example),
    "reset_modules_order": "both",
    "only_warn_on_example_error": False,
    "abort_on_example_error": True,
    "remove_config_comments": True,
    "matplotlib_animations": (True, "jshtml"),
    "image_scrapers": ("matplotlib",),
    # Every figure also at twice the resolution, for projectors and high-DPI screens.
    "image_srcset": ["2x"],
    "download_all_examples": True,
    "show_memory": False,
    # The execution-times pages load DataTables from a CDN: the site must be offline.
    "write_computation_times": False,
    "min_reported_time": 1,
    "capture_repr": ("_repr_html_", "__repr__"),
    "first_notebook_cell": "%matplotlib inline",
    "promote_jupyter_magic": True,
    "doc_module": ("descend",),
    # The API pages' "Examples using ..." lists. The student build keeps its own: sphinx-gallery
    # rewrites these files from the examples it sees (recovering skipped ones from their caches),
    # so stale entries of solved exercises could otherwise reach the student site.
    "backreferences_dir": (
        "gen_modules_student/backreferences" if STUDENT else "gen_modules/backreferences"
    ),
    "inspect_global_variables": False,
    # The examples run in two processes (joblib). Measured on this 2-core machine (under a
    # load of about 3.5): a cold build 187 s serial, 161 s parallel; an unchanged rebuild runs
    # no example (7-9 s either way). Every output was byte-identical apart from the reported
    # run times and the random id of the animation player; the warnings-as-errors hook holds
    # in the worker processes (tests/website/test_build_guards.py).
    "parallel": 2,
}


# -- HTML ----------------------------------------------------------------------------------
# sphinx-book-theme: made for textbook-like sites (Jupyter Book uses it): a left table of
# contents of the whole course, a right one of the page, wide figures, MathJax-friendly
# typography, search and a light/dark switcher; it is built on the well-maintained
# pydata-sphinx-theme and bundles its assets (nothing from a CDN).
html_theme = "sphinx_book_theme"
html_title = "descend: how models are fitted"
html_static_path = ["_static"]
html_favicon = "_static/favicon.svg"
html_css_files = ["custom.css"]
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "navigation_with_keys": False,
    "home_page_in_toc": True,
    # The license of the text and figures, on every page (the code's is MIT: LICENSE).
    "extra_footer": (
        '<p class="descend-license">Text and figures: <a rel="license" '
        'href="https://creativecommons.org/licenses/by/4.0/">Creative Commons Attribution 4.0 '
        "International (CC BY 4.0)</a>: reuse them, in your slides for instance, with "
        "attribution to &ldquo;descend, the descend developers&rdquo;. Code: MIT License.</p>"
    ),
}
# Light/dark follows the reader's system until they pick one (the switcher is in the header).
html_context = {"default_mode": "auto"}
html_last_updated_fmt = None
html_show_sourcelink = False
# The page sources hold the solutions: the student site has no copy of them (_sources/).
html_copy_source = not STUDENT
copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True


# -- Link previews (sphinxext-opengraph) ---------------------------------------------------
# Every page gets og:title, og:description, og:url and og:image meta tags: the card a course
# forum, a chat or an LMS shows when a page's address is shared. Nothing is fetched at build
# time: the image is _static/social-card.png, drawn by running the code when the build
# starts (docs/_ext/social_card.py), and the extension's per-page social cards are off.
def _site_url() -> str:
    """The site's public address, ending in ``/``, which og:url and og:image start with.

    ``DESCEND_SITE_URL`` if set (a build for another host); else, in GitHub Actions, the
    GitHub Pages address of the repository being built (``GITHUB_REPOSITORY``, as the Pages
    workflow publishes it); else the address of a local preview,
    ``python3 -m http.server -d docs/_build/html``.
    """
    url = os.environ.get("DESCEND_SITE_URL", "").strip()
    if not url and os.environ.get("GITHUB_ACTIONS") == "true" and "GITHUB_REPOSITORY" in os.environ:
        owner, _, name = os.environ["GITHUB_REPOSITORY"].lower().partition("/")
        url = f"https://{owner}.github.io/" + ("" if name == f"{owner}.github.io" else f"{name}/")
    url = url or "http://localhost:8000/"
    if not url.startswith(("https://", "http://")):
        raise RuntimeError(f"DESCEND_SITE_URL must start with https:// or http://, got {url!r}")
    return url if url.endswith("/") else url + "/"


ogp_site_url = _site_url()
ogp_site_name = html_title
ogp_image = "_static/social-card.png"
ogp_image_alt = (
    "descend: how models are fitted. Minibatch SGD with and without momentum on the "
    "textbook's Gabor loss."
)
ogp_social_cards = {"enable": False}


def _drop_checker_examples(
    app: object, what: str, name: str, obj: object, options: object, lines: list[str]
) -> None:
    """In the students' edition, cut the Examples section of the exercise checkers' docs."""
    if not name.startswith("descend.exercises"):
        return
    for i, line in enumerate(lines):
        if line.strip() in {".. rubric:: Examples", "Examples", ":Examples:"}:
            del lines[i:]
            return


def setup(app: Any) -> None:
    """Register this configuration's own hooks."""
    if STUDENT:
        app.connect("autodoc-process-docstring", _drop_checker_examples, priority=600)
