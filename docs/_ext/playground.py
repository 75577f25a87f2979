"""The playground and the chapter widgets: one classic script made from ES modules.

The sources are ES modules in ``docs/_playground/src`` (one concern each,
tested with ``node --test``). Browsers refuse module scripts opened from
``file://``, and the site must work from a folder on disk, so the build joins
the modules into one classic script, ``_static/playground/descend-playground.js``:
each module becomes a function scope that returns its exports, and its imports
become reads of the modules it names. This is not a general bundler; the
sources keep to a small subset of module syntax, and anything else stops the
build with the file and line:

- imports: ``import { a, b as c } from "./other.js";``, one per line;
- exports: ``export function``, ``export async function``, ``export const``,
  ``export class`` (no ``export default``, no export lists, no ``import()``).

``./data.js`` is made here from the library: the textbook's data
(:mod:`descend.datasets`) and the gallery's colours
(:data:`descend.plotting.COLORS`), so the page and the library cannot drift.

The script and the two stylesheets are added only to the pages that hold a
playground (``id="descend-playground"``) or a widget
(``data-descend-widget``). Run as a script, ``python docs/_ext/playground.py
DIR`` writes the three files into ``DIR`` (a harness for development).
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SOURCES = Path(__file__).resolve().parents[1] / "_playground"
ENTRY = "main.js"
BUNDLE = "descend-playground.js"
STYLESHEETS = ("playground.css", "widgets.css")
STATIC_DIR = "playground"
MARKERS = ('id="descend-playground"', "data-descend-widget")

_IMPORT = re.compile(r'import\s*\{([^}]*)\}\s*from\s*"\./([\w.-]+\.js)"\s*;?\s*$')
_EXPORT = re.compile(r"export\s+(?:(?:async\s+)?function\s*\*?|const|class)\s+([A-Za-z_$][\w$]*)")
_NAME = re.compile(r"[A-Za-z_$][\w$]*$")


class BundleError(Exception):
    """A source uses module syntax the bundler does not handle."""


@dataclass
class Module:
    """One ES module, split into what it imports, what it exports, and its code."""

    name: str
    imports: list[tuple[str, list[tuple[str, str]]]]  # (module, [(exported, local)])
    exports: list[str]
    body: str


def parse(name: str, text: str) -> Module:
    """Split a module into imports, exports and body, refusing other module syntax."""
    imports: list[tuple[str, list[tuple[str, str]]]] = []
    exports: list[str] = []
    body: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        where = f"{name}:{number}"
        stripped = line.strip()
        if re.match(r"import\b", stripped) and not stripped.startswith("import("):
            match = _IMPORT.match(stripped)
            if match is None:
                raise BundleError(f'{where}: write imports as `import {{ a, b }} from "./x.js";`')
            imports.append((match[2], [_binding(spec, where) for spec in match[1].split(",")]))
            body.append("")  # keep the line numbers of the source
            continue
        comment = stripped.startswith(("//", "/*", "*"))  # JSDoc may say import("./x.js").T
        if not comment and re.search(r"(?<![\w$.])import\s*\(", line):
            raise BundleError(f"{where}: dynamic import() is not bundled")
        if line.startswith("export"):
            match = _EXPORT.match(line)
            if match is None:
                raise BundleError(
                    f"{where}: export only `function`, `async function`, `const` or `class` "
                    "declarations (no default, lists or re-exports)"
                )
            exports.append(match[1])
            line = line[len("export") :].lstrip()
        body.append(line)
    return Module(name, imports, exports, "\n".join(body))


def _binding(spec: str, where: str) -> tuple[str, str]:
    parts = spec.split()
    if len(parts) == 1 and _NAME.match(parts[0]):
        return parts[0], parts[0]
    if len(parts) == 3 and parts[1] == "as" and _NAME.match(parts[0]) and _NAME.match(parts[2]):
        return parts[0], parts[2]
    raise BundleError(f"{where}: cannot read the import {spec.strip()!r}")


def data_module() -> str:
    """The virtual module ``./data.js``: the textbook data and the gallery's colours."""
    from descend.datasets import textbook_gabor, textbook_linear
    from descend.plotting import COLORS

    data = {
        name: {"x": x.tolist(), "y": y.tolist()}
        for name, (x, y) in (("linear", textbook_linear()), ("gabor", textbook_gabor()))
    }
    return (
        "/** The textbook's data (descend.datasets), written by the build. */\n"
        f"export const DATA = {json.dumps(data)};\n"
        "/** One colour per optimizer (descend.plotting.COLORS). */\n"
        f"export const COLORS = {json.dumps(COLORS)};\n"
    )


def bundle(sources: Path = SOURCES / "src", entry: str = ENTRY) -> str:
    """Join ``entry`` and every module it imports into one classic script."""
    modules: dict[str, Module] = {}
    order: list[str] = []

    def visit(name: str, chain: tuple[str, ...]) -> None:
        if name in chain:
            raise BundleError("circular imports: " + " -> ".join((*chain, name)))
        if name in modules:
            return
        if name == "data.js":
            text = data_module()
        else:
            path = sources / name
            if not path.is_file():
                importer = chain[-1] if chain else "the bundle"
                raise BundleError(f"{importer} imports ./{name}, which is not in {sources}")
            text = path.read_text(encoding="utf-8")
        module = parse(name, text)
        for dependency, _ in module.imports:
            visit(dependency, (*chain, name))
        modules[name] = module
        order.append(name)

    visit(entry, ())
    parts = [
        f"/* descend playground: generated by docs/_ext/playground.py from {len(order)} ES modules",
        " * in docs/_playground/src (edit those, not this file). */",
        "(() => {",
        '"use strict";',
    ]
    for name in order:
        module = modules[name]
        parts.append(f"// ---- {name} ----")
        parts.append(f"const {_variable(name)} = (() => {{")
        for dependency, bindings in module.imports:
            exported = set(modules[dependency].exports)
            for imported, _ in bindings:
                if imported not in exported:
                    raise BundleError(
                        f"{name} imports {imported!r} from ./{dependency}, which does not export it"
                    )
            names = ", ".join(a if a == b else f"{a}: {b}" for a, b in bindings)
            parts.append(f"const {{ {names} }} = {_variable(dependency)};")
        parts.append(module.body)
        parts.append(f"return {{ {', '.join(module.exports)} }};")
        parts.append("})();")
    parts.append("})();")
    return "\n".join(parts) + "\n"


def _variable(name: str) -> str:
    return "module_" + re.sub(r"\W", "_", name.removesuffix(".js"))


def write_assets(directory: Path) -> list[Path]:
    """Write the bundle and the stylesheets into ``directory``; return their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    written = [directory / BUNDLE]
    written[0].write_text(bundle(), encoding="utf-8")
    for name in STYLESHEETS:
        source = SOURCES / name
        if source.is_file():
            (directory / name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
            written.append(directory / name)
    return written


# -- Sphinx ------------------------------------------------------------------------------


def _write(app: Any) -> None:
    # Before any page is read: a source the bundler cannot join stops the build at
    # once, and the files exist when the pages' tags take their checksums.
    if app.builder.format == "html":
        write_assets(Path(app.outdir) / "_static" / STATIC_DIR)


def _page_assets(
    app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    body = context.get("body", "")
    if not any(marker in body for marker in MARKERS):
        return
    for name in STYLESHEETS:
        if (SOURCES / name).is_file():
            app.add_css_file(f"{STATIC_DIR}/{name}")
    app.add_js_file(f"{STATIC_DIR}/{BUNDLE}", defer="defer")


def setup(app: Any) -> dict[str, Any]:
    """Register the hooks: assets written when the build starts, added where used."""
    app.connect("builder-inited", _write)
    app.connect("html-page-context", _page_assets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python docs/_ext/playground.py OUTPUT_DIR")
    for path in write_assets(Path(sys.argv[1])):
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
