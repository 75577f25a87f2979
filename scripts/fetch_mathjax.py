"""Put a local copy of MathJax 3 into docs/_static/mathjax (never committed).

The site must render math offline, so the docs build takes MathJax from the
npm registry (``npm pack`` checks the package's integrity hash) instead of a
CDN at page-view time. Run by ``nox -s docs``; a no-op when already present.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VERSION = "3.2.2"
DROP = [
    "mml-*.js",
    "tex-mml-*.js",
    "tex-svg*.js",
    "tex-chtml-full*.js",
    "latest.js",
    "node-main.js",
    "svg",
    "*.d.ts",
]
TARGET = Path(__file__).resolve().parents[1] / "docs" / "_static" / "mathjax"


def main() -> int:
    marker = TARGET / f".version-{VERSION}"
    if marker.exists():
        print(f"MathJax {VERSION} already in {TARGET}")
        return 0
    npm = shutil.which("npm")
    if npm is None:
        print("npm is needed to fetch MathJax (install Node.js, e.g. apt-get install npm)")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([npm, "pack", f"mathjax@{VERSION}", "--silent"], cwd=tmp, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        with tarfile.open(Path(tmp) / f"mathjax-{VERSION}.tgz") as tar:
            members = [m for m in tar.getmembers() if m.name.startswith("package/es5/")]
            tar.extractall(tmp, members=members, filter="data")
        shutil.rmtree(TARGET, ignore_errors=True)
        # tex-chtml.js and the folders it loads from (fonts, TeX extensions,
        # accessibility); the other combined bundles are never used.
        es5 = Path(tmp) / "package" / "es5"
        shutil.copytree(es5, TARGET, ignore=shutil.ignore_patterns(*DROP))
    marker.touch()
    print(f"MathJax {VERSION} copied to {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
