"""Sphinx configuration of the descend site (MyST pages, gallery, API, bibliography).

Built offline: MathJax comes from a local copy (fetched from npm by
``nox -s docs`` into ``_static/mathjax``), there is no intersphinx, and every
warning is an error (``sphinx-build -W -n``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from sphinx_gallery.sorting import ExplicitOrder, FileNameSortKey

import descend

HERE = Path(__file__).parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE / "_ext"))
from gallery_hooks import reset_example  # noqa: E402

project = "descend"
author = "the descend developers"
copyright = "2026, the descend developers"
release = descend.__version__
version = release

extensions = [
    "gallery_hooks",  # docs/_ext: warnings fail examples, no CDN links in animations
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
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "**.ipynb_checkpoints", "auto_examples/**/*.ipynb",
                    "auto_examples/**/*.py", "auto_examples/**/*.zip", "auto_examples/**/*.json",
                    "auto_examples/**/*.md5"]  # fmt: skip
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

# -- Gallery -------------------------------------------------------------------------------
GALLERY_SECTIONS = [
    "../gallery/01_training_goes_wrong",
    "../gallery/02_gradient_descent",
    "../gallery/03_nonconvex",
    "../gallery/04_sgd",
    "../gallery/05_momentum",
    "../gallery/06_adaptive",
]


sphinx_gallery_conf = {
    "examples_dirs": "../gallery",
    "gallery_dirs": "auto_examples",
    "subsection_order": ExplicitOrder(GALLERY_SECTIONS),
    "within_subsection_order": FileNameSortKey,
    "filename_pattern": r"/plot_",
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
    "backreferences_dir": "gen_modules/backreferences",
    "inspect_global_variables": False,
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
}
# Light/dark follows the reader's system until they pick one (the switcher is in the header).
html_context = {"default_mode": "auto"}
html_last_updated_fmt = None
html_show_sourcelink = False
copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True
