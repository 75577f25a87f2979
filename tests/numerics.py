"""Helpers shared by the tests: numerical derivatives to check analytic gradients against."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from descend._validate import FloatArray


def central_difference(L: Callable[[FloatArray], float], phi: FloatArray, h: float) -> FloatArray:
    """The gradient of ``L`` at a flat ``phi`` (any size) by central differences of step ``h``."""
    g = np.zeros(phi.size)
    for j in range(phi.size):
        e = np.zeros(phi.size)
        e[j] = h
        g[j] = (L(phi + e) - L(phi - e)) / (2 * h)
    return g
