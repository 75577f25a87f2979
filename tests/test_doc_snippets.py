"""The code on the docs pages and in the README runs as printed.

Each page's ```python blocks are run in order, in one namespace, in a fresh
interpreter (matplotlib without a display), as a reader would paste them.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted([*(ROOT / "docs").glob("*.md"), ROOT / "README.md"])
BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)
WITH_CODE = [p for p in PAGES if BLOCK.search(p.read_text(encoding="utf-8"))]


def test_the_pages_with_code_are_found() -> None:
    names = {p.name for p in WITH_CODE}
    assert {"library.md", "index.md", "README.md"} <= names


@pytest.mark.parametrize("page", WITH_CODE, ids=[p.name for p in WITH_CODE])
def test_python_blocks_on_the_page_run(page: Path, tmp_path: Path) -> None:
    blocks = BLOCK.findall(page.read_text(encoding="utf-8"))
    # Blocks that compare with PyTorch run only where torch is installed (never needed
    # by the library or its tests).
    if importlib.util.find_spec("torch") is None:
        blocks = [b for b in blocks if "import torch" not in b]
    # Likewise the compiled path needs the optional numba.
    if importlib.util.find_spec("numba") is None:
        blocks = [b for b in blocks if "fused=True" not in b]
    code = "\n\n".join(blocks)
    script = tmp_path / f"{page.stem}.py"
    script.write_text(code, encoding="utf-8")
    env = {**os.environ, "MPLBACKEND": "Agg"}
    result = subprocess.run(
        [sys.executable, "-W", "error", str(script)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]


# Pasted at the interactive prompt, line by line: a compound statement needs a blank
# line after it there (a script does not), so a block can run as a script and still fail
# when pasted. The console below records what the prompt would print as an error.
PASTE = """
import code, sys

class Console(code.InteractiveConsole):
    failed = False
    def showsyntaxerror(self, filename=None, **kwargs):
        Console.failed = True
        super().showsyntaxerror(filename)
    def showtraceback(self):
        Console.failed = True
        super().showtraceback()

console = Console()
more = False
for line in sys.stdin.read().splitlines():
    more = console.push(line)
if more:
    console.push("")
sys.exit(1 if Console.failed else 0)
"""


def readme_blocks() -> list[str]:
    return BLOCK.findall((ROOT / "README.md").read_text(encoding="utf-8"))


@pytest.mark.parametrize("block", readme_blocks(), ids=lambda b: b.splitlines()[0][:40])
def test_readme_block_works_pasted_at_the_interactive_prompt(block: str) -> None:
    env = {**os.environ, "MPLBACKEND": "Agg"}
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", PASTE],
        input=block, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]


def test_the_paste_check_catches_a_one_line_for_followed_by_code() -> None:
    bad = "total = 0\nfor i in range(3): total += i\nprint(total)\n"
    result = subprocess.run(
        [sys.executable, "-c", PASTE], input=bad, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert "SyntaxError" in result.stderr
