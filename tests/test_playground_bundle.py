"""The bundler that joins the playground's ES modules into one classic script.

``docs/_ext/playground.py`` reads a small subset of module syntax; these tests
hold what it accepts, what it refuses (naming the file and line), and that a
bundle runs as a classic script with the imports wired up.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from docs_extensions import load_extension

ROOT = Path(__file__).resolve().parents[1]


ext = load_extension("playground")


def _write(directory: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory


def test_parse_splits_imports_exports_and_keeps_line_numbers() -> None:
    module = ext.parse(
        "a.js",
        'import { f, g as h } from "./b.js";\n'
        "export function one() { return 1; }\n"
        "export const TWO = 2;\n"
        "export class Three {}\n"
        "export async function four() {}\n"
        "const hidden = 5;\n",
    )
    assert module.imports == [("b.js", [("f", "f"), ("g", "h")])]
    assert module.exports == ["one", "TWO", "Three", "four"]
    assert module.body.splitlines()[0] == ""  # the import line, kept blank
    assert module.body.splitlines()[1] == "function one() { return 1; }"


@pytest.mark.parametrize(
    ("source", "complaint"),
    [
        ("export default 3;\n", "export only"),
        ("const a = 1;\nexport { a };\n", "export only"),
        ("export let a = 1;\n", "export only"),
        ('export * from "./b.js";\n', "export only"),
        ('import b from "./b.js";\n', "write imports as"),
        ('import * as b from "./b.js";\n', "write imports as"),
        ('import { a } from "https://cdn.example/b.js";\n', "write imports as"),
        ('const m = await import("./b.js");\n', "dynamic import"),
    ],
)
def test_parse_refuses_other_syntax_naming_file_and_line(source: str, complaint: str) -> None:
    line = source.count("\n")
    with pytest.raises(ext.BundleError, match=rf"^x\.js:{line}: .*{complaint}"):
        ext.parse("x.js", source)


def test_parse_allows_jsdoc_type_imports_in_comments() -> None:
    source = '/** @param {import("./b.js").Spec} spec */\nexport function f(spec) {}\n'
    assert ext.parse("a.js", source).exports == ["f"]


def test_bundle_refuses_a_missing_module_and_a_missing_export(tmp_path: Path) -> None:
    _write(tmp_path, {"main.js": 'import { nope } from "./lib.js";\n'})
    with pytest.raises(ext.BundleError, match=r"main\.js imports \./lib\.js, which is not in"):
        ext.bundle(tmp_path)
    _write(tmp_path, {"lib.js": "export const yes = 1;\n"})
    with pytest.raises(
        ext.BundleError, match=r"imports 'nope' from \./lib\.js, which does not export it"
    ):
        ext.bundle(tmp_path)


def test_bundle_refuses_circular_imports(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "main.js": 'import { b } from "./b.js";\n',
            "b.js": 'import { c } from "./c.js";\nexport const b = 1;\n',
            "c.js": 'import { b } from "./b.js";\nexport const c = 1;\n',
        },
    )
    with pytest.raises(
        ext.BundleError, match=r"circular imports: main\.js -> b\.js -> c\.js -> b\.js"
    ):
        ext.bundle(tmp_path)


def test_data_module_holds_the_textbook_data_and_the_gallery_colours() -> None:
    from descend.datasets import textbook_gabor, textbook_linear
    from descend.plotting import COLORS

    module = ext.parse("data.js", ext.data_module())
    assert module.exports == ["DATA", "COLORS"]
    lines = module.body.splitlines()
    data = json.loads(next(x for x in lines if x.startswith("const DATA = "))[13:-1])
    colors = json.loads(next(x for x in lines if x.startswith("const COLORS = "))[15:-1])
    assert data["gabor"]["x"] == textbook_gabor()[0].tolist()
    assert data["linear"]["y"] == textbook_linear()[1].tolist()
    assert colors == COLORS


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_bundle_runs_as_a_classic_script_with_imports_wired(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "main.js": (
                'import { double as twice } from "./math.js";\n'
                'import { DATA } from "./data.js";\n'
                "export const result = twice(DATA.linear.x.length);\n"
                "globalThis.result = result;\n"
            ),
            "math.js": "const helper = 2;\nexport function double(x) { return helper * x; }\n",
        },
    )
    script = tmp_path / "bundle.js"
    script.write_text(ext.bundle(tmp_path) + "console.log(globalThis.result);\n", encoding="utf-8")
    # A .cjs file: node runs it as a classic script, as a browser runs <script src>.
    classic = script.with_suffix(".cjs")
    script.rename(classic)
    out = subprocess.run(["node", str(classic)], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "24"  # 12 textbook points, doubled


def test_write_assets_writes_the_bundle_and_the_stylesheets(tmp_path: Path) -> None:
    if not (ext.SOURCES / "src" / ext.ENTRY).is_file():
        pytest.fail("docs/_playground/src/main.js is missing")
    written = ext.write_assets(tmp_path)
    assert written[0].name == ext.BUNDLE
    assert written[0].read_text(encoding="utf-8").startswith("/* descend playground: generated")
    assert {p.name for p in written[1:]} <= set(ext.STYLESHEETS)
