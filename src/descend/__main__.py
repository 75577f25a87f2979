r"""Self-check: ``python -m descend`` fits a small problem with every optimizer.

The problem is an ill-conditioned quadratic in two parameters,

.. math::

    L[\phi] = \tfrac12 \sum_j \lambda_j (\phi_j - \phi^*_j)^2, \qquad \lambda = (1, 10),

started at :math:`\phi_0 = (-2, 2)`. Each optimizer takes the same number of
steps; it passes if the final loss is below ``TOLERANCE``. Where numba is
installed, each also runs with ``fused=True`` and passes only if the compiled
path ends at the same bits. It also checks that the textbook's data ship with
the package (:mod:`descend.datasets`): their losses at :math:`\phi = (0.6, -0.2)`
must be the notebooks' check values. The command prints a table and exits with
status 0 if all pass, 1 otherwise.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable

import numpy as np

import descend
from descend import (
    SGD,
    Adagrad,
    Adam,
    AdamW,
    GradientDescent,
    Momentum,
    NesterovMomentum,
    NormalizedGradient,
    Optimizer,
    RMSprop,
    _fused,
)
from descend._validate import FloatArray
from descend.datasets import textbook_gabor, textbook_linear
from descend.models import Gabor, Linear
from descend.schedules import ExponentialLR

H = np.array([1.0, 10.0])
PHI_STAR = np.array([1.0, -0.5])
PHI_0 = np.array([-2.0, 2.0])
STEPS = 500
TOLERANCE = 1e-6

#: One configuration per optimizer. The normalized and adaptive rules take
#: steps of size about ``lr`` however small the gradient, so they get a
#: decaying learning rate to settle into the minimum.
OPTIMIZERS: list[Optimizer] = [
    GradientDescent(lr=0.1),
    SGD(lr=0.05, momentum=0.5),
    Momentum(lr=0.1, beta=0.5),
    NesterovMomentum(lr=0.1, beta=0.5),
    NormalizedGradient(lr=ExponentialLR(0.5, gamma=0.97)),
    RMSprop(lr=ExponentialLR(0.1, gamma=0.97)),
    Adagrad(lr=1.0),
    Adam(lr=ExponentialLR(0.1, gamma=0.99)),
    AdamW(lr=ExponentialLR(0.1, gamma=0.99), weight_decay=0.0),  # decay would move the minimum
]


def loss(phi: FloatArray) -> float:
    r"""The quadratic loss :math:`L[\phi]`."""
    return float(0.5 * np.sum(H * (phi - PHI_STAR) ** 2))


def gradient(phi: FloatArray) -> FloatArray:
    r"""Its gradient :math:`\lambda \odot (\phi - \phi^*)`, with the curvatures ``H``."""
    g: FloatArray = H * (phi - PHI_STAR)
    return g


def fit(opt: Optimizer, grad: Callable[[FloatArray], FloatArray] = gradient) -> FloatArray:
    """Run ``opt`` for ``STEPS`` steps from ``PHI_0``; return the final parameters."""
    phi = PHI_0.copy()
    state = opt.init(phi)
    for _ in range(STEPS):
        phi, state = opt.step(phi, grad, state)
    return phi


def check(opt: Optimizer, fused: bool) -> tuple[float, str]:
    """The final loss of ``opt`` and ``"ok"`` or why it fails."""
    phi = fit(opt)
    final = loss(phi)
    if not (np.isfinite(final) and final < TOLERANCE):
        return final, "FAIL"
    if fused and not np.array_equal(fit(dataclasses.replace(opt, fused=True)), phi):
        return final, "FAIL (fused=True ends elsewhere)"
    return final, "ok"


def check_data() -> str:
    """``"ok"`` if the textbook's data give the notebooks' check losses, else what is wrong."""
    phi = np.array([0.6, -0.2])
    found = (
        round(Linear().loss(phi, *textbook_linear()), 3),
        round(Gabor(32.0).loss(phi, *textbook_gabor()), 3),
    )
    return "ok" if found == (12.367, 16.419) else f"FAIL (losses {found}, not (12.367, 16.419))"


def main() -> int:
    """Fit the problem with each optimizer, print a table, return the exit status."""
    print(f"descend {descend.__version__} self-check (numpy {np.__version__})")
    print(f"L = 0.5 * sum(h * (phi - phi*)^2), h = {H}, {STEPS} steps from phi0 = {PHI_0}")
    print(f"initial loss {loss(PHI_0):.3g}; pass if final loss < {TOLERANCE:g}")
    fused = _fused.available()
    print(
        "numba is installed: fused=True must end at the same bits\n"
        if fused
        else "numba is not installed: fused=True not checked\n"
    )
    print(f"{'optimizer':<20} {'final loss':>12}  result")
    failed = 0
    for opt in OPTIMIZERS:
        try:
            final, result = check(opt, fused)
        except Exception as exc:  # report every optimizer, even a broken one
            print(f"{type(opt).__name__:<20} {'error':>12}  FAIL ({type(exc).__name__}: {exc})")
            failed += 1
            continue
        failed += result != "ok"
        print(f"{type(opt).__name__:<20} {final:>12.3e}  {result}")
    try:
        data = check_data()
    except Exception as exc:  # e.g. the data file missing from a broken install
        data = f"FAIL ({type(exc).__name__}: {exc})"
    print(f"\ntextbook data (losses 12.367 and 16.419 at phi = (0.6, -0.2)): {data}")
    failed += data != "ok"
    print(f"\n{len(OPTIMIZERS) + 1 - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
