"""Test-wide settings.

Hypothesis's per-example deadline (200 ms) is meant to catch slow code, but
on a busy 2-core CI machine it only makes tests flaky: speed is measured by
the benchmarks (``nox -s bench``), never asserted in tests.

The tests of the built sites (marker ``site``) are deselected by default
(pyproject's addopts); the summary says how many and how to run them.
"""

import importlib.util
from collections.abc import Sequence

import pytest

if importlib.util.find_spec("hypothesis") is not None:  # not in the site tests' env
    from hypothesis import HealthCheck, settings

    settings.register_profile(
        "descend", deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    settings.load_profile("descend")


#: How many tests of the built sites ``-m "not site"`` (pyproject's addopts) left out.
SITE_DESELECTED = pytest.StashKey[int]()


def pytest_deselected(items: Sequence[pytest.Item]) -> None:
    site = [item for item in items if item.get_closest_marker("site") is not None]
    if site and "not site" in site[0].config.option.markexpr:
        stash = site[0].config.stash
        stash[SITE_DESELECTED] = stash.get(SITE_DESELECTED, 0) + len(site)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    count = terminalreporter.config.stash.get(SITE_DESELECTED, 0)
    if count:
        terminalreporter.write_line(
            f"{count} site tests deselected: they test the built sites; run them with "
            "`nox -s site` (after `nox -s docs docs-student`)"
        )
