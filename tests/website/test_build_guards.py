"""The docs build refuses a broken example: one that raises or only warns fails the build."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.site

CONF = """
import sys
sys.path.insert(0, {ext!r})
from gallery_hooks import reset_example
extensions = ["gallery_hooks", "sphinx_gallery.gen_gallery"]
exclude_patterns = ["gallery"]
suppress_warnings = ["config.cache"]
sphinx_gallery_conf = {{
    "examples_dirs": "gallery", "gallery_dirs": "auto_examples", "filename_pattern": "/plot_",
    "reset_modules": ("matplotlib", reset_example), "reset_modules_order": "both",
    "abort_on_example_error": True, "write_computation_times": False, "parallel": {parallel},
}}
"""

EXAMPLES = {
    "clean": "print('fine')",
    "warns": "import numpy as np\nprint(np.log(np.zeros(1)))",
    "user_warning": "import warnings\nwarnings.warn('deprecated thing')",
    "raises": "raise RuntimeError('broken example')",
}


def _build(tmp_path: Path, body: str, parallel: int = 1) -> subprocess.CompletedProcess[str]:
    conf = CONF.format(ext=str(ROOT / "docs" / "_ext"), parallel=parallel)
    (tmp_path / "conf.py").write_text(conf)
    (tmp_path / "index.rst").write_text("Test\n====\n\n.. toctree::\n\n   auto_examples/index\n")
    gallery = tmp_path / "gallery"
    gallery.mkdir()
    (gallery / "GALLERY_HEADER.rst").write_text("Gallery\n=======\n")
    (gallery / "plot_example.py").write_text(f'"""\nExample\n=======\n\nText.\n"""\n\n{body}\n')
    # A second, clean example, so that parallel execution has two to share out.
    clean = f'"""\nClean\n=====\n\nText.\n"""\n\n{EXAMPLES["clean"]}\n'
    (gallery / "plot_other.py").write_text(clean)
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", str(tmp_path),
         str(tmp_path / "_build")],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.mark.parametrize("parallel", [1, 2], ids=["serial", "parallel"])
@pytest.mark.parametrize("kind", ["warns", "user_warning", "raises"])
def test_an_example_that_warns_or_raises_fails_the_build(
    kind: str, parallel: int, tmp_path: Path
) -> None:
    # The site runs its examples in two processes (sphinx_gallery_conf["parallel"]): the
    # warnings-as-errors hook must hold in the worker processes too.
    result = _build(tmp_path, EXAMPLES[kind], parallel)
    assert result.returncode != 0
    assert "failed to execute" in result.stderr


def test_a_clean_example_builds(tmp_path: Path) -> None:
    result = _build(tmp_path, EXAMPLES["clean"])
    assert result.returncode == 0, result.stderr[-2000:]


def test_a_chapter_figure_whose_image_is_not_generated_fails_the_build(tmp_path: Path) -> None:
    # Chapters show gallery images with MyST's figure directive: an image that an
    # example stopped making must fail the -W build, never leave a broken picture.
    (tmp_path / "conf.py").write_text('extensions = ["myst_parser"]\n')
    (tmp_path / "index.md").write_text(
        "# Chapter\n\n"
        "```{figure} auto_examples/05_momentum/images/sphx_glr_plot_gone_001.png\n"
        ":name: fig-gone\n\nA figure no example makes any more.\n```\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", str(tmp_path),
         str(tmp_path / "_build")],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode != 0
    assert "image file not readable" in result.stderr
