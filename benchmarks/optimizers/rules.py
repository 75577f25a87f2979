"""The update rules measured: their hyperparameters, descend's optimizers and naive Adam.

Gradient descent reads phi and g and writes phi (3 array passes), momentum SGD
also reads and writes its buffer b (5), Adam reads phi, g, m, v and writes phi,
m, v (7): ``Rule.passes``, the bytes the rule must move per parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

import descend
from descend import _fused

Array = NDArray[np.floating[Any]]

LR = 1e-3
MOMENTUM = 0.9
BETAS = (0.9, 0.999)
EPS = 1e-8


@dataclass(frozen=True)
class Rule:
    """An update rule and the array passes it must make over memory."""

    key: Literal["gd", "sgd", "adam"]
    label: str
    passes: int  # arrays read + arrays written
    buffers: tuple[str, ...]  # state arrays of the reference kernel


RULES: dict[str, Rule] = {
    "gd": Rule("gd", "GradientDescent", 3, ()),
    "sgd": Rule("sgd", "SGD(momentum=0.9)", 5, ("b",)),
    "adam": Rule("adam", "Adam", 7, ("m", "v")),
}


def make_optimizer(rule: str, fused: bool = False) -> descend.Optimizer:
    """The descend optimizer benchmarked for ``rule`` (NumPy path, or the compiled one)."""
    if rule == "gd":
        return descend.GradientDescent(lr=LR, fused=fused)
    if rule == "sgd":
        return descend.SGD(lr=LR, momentum=MOMENTUM, fused=fused)
    if rule == "adam":
        return descend.Adam(lr=LR, betas=BETAS, eps=EPS, fused=fused)
    raise ValueError(f"unknown rule {rule!r}")


def fused_available() -> bool:
    """True if numba is installed, so that the fused path can be measured."""
    return _fused.available()


class NaiveAdam:
    """Adam written the obvious way: every operator makes a new array.

    The functional NumPy version a reader would write from the equations:
    about ten full-size temporaries per step, each one a pass over memory.
    """

    def __init__(self, phi: Array, g: Array) -> None:
        self.phi, self.g = phi, g
        self.m, self.v = np.zeros_like(phi), np.zeros_like(phi)
        self.t = 0

    def __call__(self) -> None:
        self.t += 1
        self.phi, self.m, self.v = naive_adam(self.phi, self.g, self.m, self.v, self.t)


def naive_adam(
    phi: Array, g: Array, m: Array, v: Array, t: int, lr: float = LR
) -> tuple[Array, Array, Array]:
    """One Adam step, one temporary per operator; returns new (phi, m, v)."""
    beta1, beta2 = BETAS
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g * g
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    phi = phi - lr * m_hat / (np.sqrt(v_hat) + EPS)
    return phi, m, v
