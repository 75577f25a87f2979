"""Test-wide settings.

Hypothesis's per-example deadline (200 ms) is meant to catch slow code, but
on a busy 2-core CI machine it only makes tests flaky: speed is measured by
the benchmarks (``nox -s bench``), never asserted in tests.
"""

import importlib.util

if importlib.util.find_spec("hypothesis") is not None:  # not in the site tests' env
    from hypothesis import HealthCheck, settings

    settings.register_profile(
        "descend", deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    settings.load_profile("descend")
