"""Helpers shared by the tests: numerical derivatives to check analytic gradients against."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from descend._validate import FloatArray


def central_difference(L: Callable[[FloatArray], float], phi: FloatArray, h: float) -> FloatArray:
    """The gradient of ``L`` at a two-parameter ``phi`` by central differences of step ``h``."""
    g = np.zeros(2)
    for j in range(2):
        e = np.zeros(2)
        e[j] = h
        g[j] = (L(phi + e) - L(phi - e)) / (2 * h)
    return g
