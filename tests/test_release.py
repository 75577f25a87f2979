"""What a release needs: one version, the licenses, a valid CITATION.cff, the changelog.

The version lives in one place, ``__version__`` in ``src/descend/__init__.py``;
the package metadata (hatchling's dynamic version), ``CITATION.cff`` and the
top released section of ``CHANGELOG.md`` must agree with it. ``CITATION.cff`` is
checked against the rules of the Citation File Format 1.2.0 (required keys, the
keys the schema allows, the types and formats of the fields used here);
``nox -s build`` also validates it against the schema itself with cffconvert.
``CONTRIBUTING.md`` must name every nox session that ``noxfile.py`` defines.
"""

from __future__ import annotations

import ast
import datetime
import importlib
import importlib.metadata
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

import descend

ROOT = Path(__file__).resolve().parents[1]
yaml = importlib.import_module("yaml")  # pyyaml: in the test extra

# Citation File Format 1.2.0 (schema.json of citation-file-format/citation-file-format).
CFF_REQUIRED = {"cff-version", "message", "title", "authors"}
CFF_KEYS = CFF_REQUIRED | {
    "abstract", "commit", "contact", "date-released", "doi", "identifiers", "keywords",
    "license", "license-url", "preferred-citation", "references", "repository",
    "repository-artifact", "repository-code", "type", "url", "version",
}  # fmt: skip
CFF_PERSON_KEYS = {
    "address", "affiliation", "alias", "city", "country", "email", "family-names", "fax",
    "given-names", "name-particle", "name-suffix", "orcid", "post-code", "region", "tel",
    "website",
}  # fmt: skip
CFF_ENTITY_KEYS = {
    "address", "alias", "city", "country", "date-end", "date-start", "email", "fax",
    "location", "name", "orcid", "post-code", "region", "tel", "website",
}  # fmt: skip
SPDX_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.+-]*$")
KEEP_A_CHANGELOG_TYPES = {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}
RELEASE_HEADING = re.compile(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$")


def read(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def cff() -> dict[str, Any]:
    data = yaml.safe_load(read("CITATION.cff"))
    assert isinstance(data, dict), "CITATION.cff must be a YAML mapping"
    return data


@pytest.fixture(scope="module")
def pyproject() -> dict[str, Any]:
    return tomllib.loads(read("pyproject.toml"))


def changelog_releases() -> list[tuple[str, str]]:
    """``(version, date)`` of every released section of CHANGELOG.md, top first."""
    return [
        (m.group(1), m.group(2))
        for line in read("CHANGELOG.md").splitlines()
        if (m := RELEASE_HEADING.match(line))
    ]


def as_date(value: object) -> datetime.date:
    """A CFF date: YAML gives a ``date`` for an unquoted one, a string for a quoted one."""
    if isinstance(value, datetime.date):
        return value
    assert isinstance(value, str), f"a date must be YYYY-MM-DD, got {value!r}"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), f"a date must be YYYY-MM-DD, got {value!r}"
    return datetime.date.fromisoformat(value)


# --- CITATION.cff ---------------------------------------------------------------------------


def test_citation_cff_has_the_required_keys_of_cff_1_2_0(cff: dict[str, Any]) -> None:
    assert CFF_REQUIRED - cff.keys() == set()
    assert cff["cff-version"] == "1.2.0"
    for key in ("message", "title"):
        assert isinstance(cff[key], str), key
        assert cff[key].strip(), key


def test_citation_cff_uses_only_keys_the_schema_allows(cff: dict[str, Any]) -> None:
    assert set(cff) - CFF_KEYS == set()


def test_citation_cff_authors_are_persons_or_entities(cff: dict[str, Any]) -> None:
    authors = cff["authors"]
    assert isinstance(authors, list)
    assert authors, "CFF 1.2.0 needs at least one author"
    for author in authors:
        assert isinstance(author, dict)
        if "name" in author:  # an entity, such as "The descend developers"
            assert set(author) <= CFF_ENTITY_KEYS, author
            assert isinstance(author["name"], str)
            assert author["name"].strip()
        else:  # a person needs at least one of their names
            assert set(author) <= CFF_PERSON_KEYS, author
            assert {"family-names", "given-names"} & set(author), author


def test_citation_cff_fields_have_the_schema_types(cff: dict[str, Any]) -> None:
    assert isinstance(cff["version"], str)  # quoted: "1.10" must not become 1.1
    assert cff.get("type", "software") in {"software", "dataset"}
    licenses = cff["license"] if isinstance(cff["license"], list) else [cff["license"]]
    assert licenses
    assert all(isinstance(x, str) and SPDX_ID.match(x) for x in licenses), licenses
    assert len(set(licenses)) == len(licenses)
    keywords = cff.get("keywords", [])
    assert isinstance(keywords, list)
    assert all(isinstance(k, str) and k for k in keywords)
    as_date(cff["date-released"])


def test_citation_cff_names_the_code_and_the_text_licenses(cff: dict[str, Any]) -> None:
    assert cff["license"] == ["MIT", "CC-BY-4.0"]


def test_citation_cff_version_and_date_are_the_latest_changelog_release(
    cff: dict[str, Any],
) -> None:
    releases = changelog_releases()
    assert releases, "CHANGELOG.md has no released section"
    assert (cff["version"], as_date(cff["date-released"])) == (
        releases[0][0],
        datetime.date.fromisoformat(releases[0][1]),
    )


# --- one version number ---------------------------------------------------------------------


def test_the_version_is_written_once_in_the_package(pyproject: dict[str, Any]) -> None:
    project = pyproject["project"]
    assert "version" not in project, "pyproject.toml must not repeat the version"
    assert "version" in project["dynamic"]
    assert pyproject["tool"]["hatch"]["version"]["path"] == "src/descend/__init__.py"
    init = read("src/descend/__init__.py")
    assert re.findall(r'^__version__ = "([^"]+)"$', init, re.MULTILINE) == [descend.__version__]


def test_citation_version_is_the_package_version(cff: dict[str, Any]) -> None:
    assert cff["version"] == descend.__version__


def test_installed_metadata_has_the_package_version() -> None:
    installed = importlib.metadata.version("descend")
    assert installed == descend.__version__, (
        f"the installed metadata say {installed}, src/descend says {descend.__version__}: "
        'reinstall (pip install -e ".[test]")'
    )


def test_the_version_is_semantic_and_released_in_the_changelog() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", descend.__version__)
    assert descend.__version__ in [version for version, _ in changelog_releases()]


# --- licenses -------------------------------------------------------------------------------


def test_license_file_is_the_mit_license() -> None:
    text = read("LICENSE")
    assert text.startswith("MIT License\n")
    assert re.search(r"^Copyright \(c\) \d{4} the descend developers$", text, re.MULTILINE)
    assert "Permission is hereby granted, free of charge, to any person obtaining a copy" in text
    assert 'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND' in text


def test_pyproject_declares_mit_and_ships_the_license_file(pyproject: dict[str, Any]) -> None:
    project = pyproject["project"]
    assert project["license"] == "MIT"
    assert project["license-files"] == ["LICENSE"]
    assert not any(c.startswith("License ::") for c in project["classifiers"]), (
        "PEP 639: a license expression replaces the license classifiers"
    )


def test_installed_metadata_carry_the_license_expression() -> None:
    assert importlib.metadata.metadata("descend")["License-Expression"] == "MIT"


def test_readme_states_the_code_and_the_text_licenses() -> None:
    readme = read("README.md")
    assert "MIT License" in readme
    assert "(LICENSE)" in readme
    assert "CC BY 4.0" in readme
    assert "https://creativecommons.org/licenses/by/4.0/" in readme
    assert "(CITATION.cff)" in readme


# --- CHANGELOG.md ---------------------------------------------------------------------------


def test_changelog_follows_keep_a_changelog() -> None:
    text = read("CHANGELOG.md")
    lines = text.splitlines()
    assert lines[0] == "# Changelog"
    assert "https://keepachangelog.com/en/1.1.0/" in text
    versions = [line for line in lines if line.startswith("## ")]
    assert versions[0] == "## [Unreleased]"
    for heading in versions[1:]:
        assert RELEASE_HEADING.match(heading), f"not '## [X.Y.Z] - YYYY-MM-DD': {heading}"
    kinds = {line[4:] for line in lines if line.startswith("### ")}
    assert kinds <= KEEP_A_CHANGELOG_TYPES, kinds - KEEP_A_CHANGELOG_TYPES


def test_changelog_has_unreleased_and_0_1_0_sections_and_releases_have_entries() -> None:
    sections = re.split(r"^## ", read("CHANGELOG.md"), flags=re.MULTILINE)[1:]
    titles = [s.splitlines()[0] for s in sections]
    assert titles[0] == "[Unreleased]"
    assert "[0.1.0] - 2026-11-29" in titles
    for section in sections[1:]:  # [Unreleased] may be empty right after a release
        assert re.search(r"^### \w+\n\n- ", section, re.MULTILINE), section.splitlines()[0]


def test_changelog_releases_are_newest_first() -> None:
    releases = changelog_releases()
    keys = [tuple(int(n) for n in v.split(".")) for v, _ in releases]
    assert keys == sorted(keys, reverse=True)
    dates = [d for _, d in releases]
    assert dates == sorted(dates, reverse=True)
    assert len(set(keys)) == len(keys)


# --- CONTRIBUTING.md ------------------------------------------------------------------------


def nox_sessions() -> list[str]:
    """The name of every ``@nox.session`` in noxfile.py (its ``name=`` or the function's)."""
    names = []
    for node in ast.parse(read("noxfile.py")).body:
        if not isinstance(node, ast.FunctionDef):
            continue
        for deco in node.decorator_list:
            call = deco if isinstance(deco, ast.Call) else None
            target = call.func if call else deco
            if ast.unparse(target) not in {"nox.session", "session"}:
                continue
            name = node.name
            for kw in call.keywords if call else []:
                if kw.arg == "name" and isinstance(kw.value, ast.Constant):
                    name = str(kw.value.value)
            names.append(name)
    return names


def test_noxfile_sessions_are_found() -> None:
    sessions = nox_sessions()
    assert {"tests", "lint", "typecheck", "docs", "docs-student", "site", "build"} <= set(sessions)
    assert "docs_student" not in sessions  # named by name=, not by the function


def test_contributing_names_every_nox_session() -> None:
    text = read("CONTRIBUTING.md")
    missing = [name for name in nox_sessions() if f"`{name}`" not in text]
    assert missing == [], f"CONTRIBUTING.md does not describe the nox sessions {missing}"


def test_contributing_covers_what_a_contributor_needs() -> None:
    text = read("CONTRIBUTING.md")
    for heading in [
        "## Set-up",
        "## The nox sessions",
        "## Golden data",
        "## Code style",
        "## Docs style",
        "## Adding a gallery example",
        "## Adding an exercise",
        "## Adding a widget",
        "## Making a release",
    ]:
        assert f"\n{heading}\n" in text, heading
