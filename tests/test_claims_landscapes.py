"""The claims the chapters on gradients, gradient descent and non-convex landscapes make.

Each test holds one statement of docs/gradients.md, docs/gradient-descent.md or
docs/nonconvex.md (and of the gallery examples they show) against the library: the
width of the Gabor envelope, and the numbers the pages quote for the textbook's
linear and Gabor data.
"""

from __future__ import annotations

import numpy as np
import pytest

import descend
from descend._validate import FloatArray
from descend.datasets import textbook_gabor, textbook_linear
from descend.landscapes import DataLoss, hessian
from descend.models import Gabor, Linear

ENVELOPE_CASES = [
    (np.array([0.0, 16.0]), 32.0),
    (np.array([2.5, 8.0]), 32.0),
    (np.array([-1.0, -12.0]), 32.0),  # negative phi_1: the width uses |phi_1|
    (np.array([0.7, 20.0]), 8.0),
]


def width(phi: FloatArray, E: float) -> float:
    """The width the pages define: the standard deviation in x of exp(-a^2 / E)."""
    return float(np.sqrt(E / 2) / (0.06 * abs(phi[1])))


def centre(phi: FloatArray) -> float:
    """Where a = phi_0 + 0.06 phi_1 x is zero."""
    return float(-phi[0] / (0.06 * phi[1]))


@pytest.mark.parametrize(("phi", "E"), ENVELOPE_CASES)
def test_the_gabor_envelope_is_a_gaussian_in_x_with_standard_deviation_s(
    phi: FloatArray, E: float
) -> None:
    # The model's own output divided by its sinusoid is its envelope; it must be the
    # Gaussian exp(-(x - x_c)^2 / (2 s^2)) with s = sqrt(E / 2) / (0.06 |phi_1|).
    x = np.linspace(-15.0, 15.0, 3001)
    a = phi[0] + 0.06 * phi[1] * x
    away_from_zeros = np.abs(np.sin(a)) > 0.1
    envelope = Gabor(E).predict(phi, x)[away_from_zeros] / np.sin(a[away_from_zeros])
    s = width(phi, E)
    gaussian = np.exp(-((x[away_from_zeros] - centre(phi)) ** 2) / (2 * s**2))
    np.testing.assert_allclose(envelope, gaussian, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(("phi", "E"), ENVELOPE_CASES)
def test_the_standard_deviation_of_the_envelope_measured_numerically_is_s(
    phi: FloatArray, E: float
) -> None:
    # Treat exp(-a^2 / E) as a density in x on a grid wide enough to hold it all.
    s = width(phi, E)
    x = np.linspace(centre(phi) - 12 * s, centre(phi) + 12 * s, 200_001)
    density = np.exp(-((phi[0] + 0.06 * phi[1] * x) ** 2) / E)
    mean = np.sum(x * density) / np.sum(density)
    measured = np.sqrt(np.sum((x - mean) ** 2 * density) / np.sum(density))
    assert measured == pytest.approx(s, rel=1e-6)
    # The other candidate, sqrt(E) / (0.06 |phi_1|), is sqrt(2) times too large:
    # it is where the envelope has fallen to 1/e.
    half_width = np.sqrt(E) / (0.06 * abs(phi[1]))
    assert measured != pytest.approx(half_width, rel=0.1)
    assert half_width == pytest.approx(np.sqrt(2) * s)
    a_there = phi[0] + 0.06 * phi[1] * (centre(phi) + half_width)
    assert np.exp(-(a_there**2) / E) == pytest.approx(np.exp(-1.0))


def newton(problem: DataLoss, start: list[float]) -> FloatArray:
    """A stationary point of the loss near start, by Newton's method on the gradient."""
    phi = np.array(start, dtype=float)
    for _ in range(50):
        phi = phi - np.linalg.solve(hessian(problem, phi, h=1e-5), problem.grad(phi))
    assert np.linalg.norm(problem.grad(phi)) < 1e-8
    return phi


@pytest.fixture(scope="module")
def gabor() -> DataLoss:
    return DataLoss(Gabor(), *textbook_gabor())


@pytest.fixture(scope="module")
def linear() -> DataLoss:
    return DataLoss(Linear(), *textbook_linear())


def test_linear_least_squares_fit_and_curvatures_are_the_ones_the_pages_quote(
    linear: DataLoss,
) -> None:
    x, y = textbook_linear()
    A = np.column_stack([np.ones_like(x), x])
    phi_star = np.linalg.lstsq(A, y, rcond=None)[0]
    np.testing.assert_allclose(phi_star, [0.826, 0.522], atol=5e-4)
    assert linear.loss(phi_star) == pytest.approx(0.200, abs=5e-4)
    lam_min, lam_max = np.linalg.eigvalsh(2 * A.T @ A)
    assert (lam_min, lam_max) == pytest.approx((3.994, 50.03), abs=5e-3)
    assert 2 / lam_max == pytest.approx(0.0400, abs=5e-5)
    kappa = lam_max / lam_min
    assert kappa == pytest.approx(12.53, abs=5e-3)
    assert (kappa - 1) / (kappa + 1) == pytest.approx(0.852, abs=5e-4)
    assert (1 - 0.01 * lam_min) ** 2 == pytest.approx(0.922, abs=5e-4)


def test_gabor_best_fit_is_a_strict_minimum_lower_than_the_other_minima_quoted(
    gabor: DataLoss,
) -> None:
    best = newton(gabor, [0.0, 16.0])
    np.testing.assert_allclose(best, [0.004, 16.03], atol=5e-3)
    assert gabor.loss(best) == pytest.approx(0.646, abs=5e-4)
    eig = np.linalg.eigvalsh(hessian(gabor, best, h=1e-5))
    assert eig == pytest.approx([0.214, 11.33], abs=5e-3)
    for start, loss in (([-5.82, 13.83], 3.36), ([-0.17, 4.88], 10.18)):
        other = newton(gabor, start)
        assert np.all(np.linalg.eigvalsh(hessian(gabor, other, h=1e-5)) > 0)
        assert gabor.loss(other) == pytest.approx(loss, abs=5e-3)
        assert gabor.loss(other) > gabor.loss(best)


def test_far_from_the_data_the_gabor_loss_is_the_plateau_sum_of_y_squared(
    gabor: DataLoss,
) -> None:
    _, y = textbook_gabor()
    assert np.sum(y**2) == pytest.approx(5.43, abs=5e-3)
    for phi0 in (-200.0, 200.0):
        assert gabor.loss(np.array([phi0, 10.0])) == pytest.approx(np.sum(y**2), rel=1e-6)


def test_gradient_descent_beside_the_saddle_lingers_then_reaches_the_global_minimum(
    gabor: DataLoss,
) -> None:
    saddle = newton(gabor, [-0.37, 5.83])
    eig = np.linalg.eigvalsh(hessian(gabor, saddle, h=1e-5))
    assert eig == pytest.approx([-0.649, 8.95], abs=5e-3)
    assert gabor.loss(saddle) == pytest.approx(10.365, abs=5e-4)
    run = descend.fit(
        descend.GradientDescent(0.1), gabor, saddle + np.array([0.0, 0.01]), steps=400
    )
    assert run.loss[200] == pytest.approx(10.239, abs=5e-4)
    assert run.loss[300] == pytest.approx(1.14, abs=5e-3)
    assert run.loss[400] == pytest.approx(0.651, abs=5e-4)
    assert int(np.argmax(run.loss < run.loss[0] - 1.0)) == 255
