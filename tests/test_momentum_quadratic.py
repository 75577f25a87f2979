"""Momentum on a quadratic: the 2-by-2 matrix, its spectral radius and the optimum.

The analysis of ``gallery/05_momentum/plot_momentum_quadratic.py`` and
:mod:`descend.analysis`, checked against simulated runs of
:class:`descend.Momentum` on :class:`descend.landscapes.Quadratic`.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import descend
from descend._validate import FloatArray
from descend.analysis import OptimalMomentum, momentum_matrix, momentum_rate, optimal_momentum
from descend.landscapes import Quadratic

PHI0 = np.array([1.0, -0.7])

alphas = st.floats(0.0, 5.0)
betas = st.floats(0.0, 0.999)
curvatures = st.floats(0.01, 100.0)


def run_rate(alpha: float, beta: float, lam_min: float, lam_max: float) -> float:
    """Rate of a run on a quadratic with these extreme curvatures: the slower direction."""
    return max(momentum_rate(alpha, beta, lam_min), momentum_rate(alpha, beta, lam_max))


def simulate(alpha: float, beta: float, problem: Quadratic, steps: int) -> FloatArray:
    """The iterates phi_0 .. phi_steps of descend.Momentum: the errors, as the minimum is 0."""
    return descend.fit(descend.Momentum(alpha, beta), problem, PHI0, steps=steps).phi


def steps_for(rate: float, most: int) -> int:
    """Up to ``most`` steps, fewer if rate**steps would leave [1e-150, 1e150]."""
    decades = abs(math.log10(rate))
    return most if decades * most <= 150 else int(150 / decades)


def observed_rate(phi: FloatArray) -> float:
    """Per-step contraction over the second half of a run, from the iterates alone.

    The slope of a least-squares line through the log of |(phi_t, phi_{t+1})|.
    That pair determines the state (phi_t, m_t) by an invertible linear map,
    so, unlike |phi_t|, its norm does not dip to zero when the error spirals
    through the minimum.
    """
    pairs = np.hstack([phi[:-1], phi[1:]])
    log_norms = np.log(np.linalg.norm(pairs, axis=1))
    t = np.arange(len(log_norms))
    half = len(t) // 2
    return math.exp(float(np.polyfit(t[half:], log_norms[half:], 1)[0]))


# -- The matrix is the update rule ------------------------------------------------------------


@settings(max_examples=40)
@given(alphas, betas, curvatures, curvatures, st.floats(-math.pi, math.pi))
def test_momentum_run_follows_powers_of_the_matrix_in_eigen_coordinates(
    alpha: float, beta: float, a: float, b: float, angle: float
) -> None:
    problem = Quadratic(a=a, b=b, angle=angle)
    steps = 25
    phi = simulate(alpha, beta, problem, steps)
    c, s = math.cos(angle), math.sin(angle)
    errors = phi @ np.array([[c, s], [-s, c]]).T  # coordinates along the eigenvectors
    expected = np.empty_like(errors)
    for k, lam in enumerate((a, b)):
        M = momentum_matrix(alpha, beta, lam)
        state = np.array([errors[0, k], 0.0])  # (e_0, m_0 = 0)
        for t in range(steps + 1):
            expected[t, k] = state[0]
            state = M @ state
    # rounding in one direction leaks into the other through the rotation: compare on the
    # scale of the larger one
    scale = max(1.0, float(np.abs(expected).max()))
    np.testing.assert_allclose(errors, expected, rtol=0, atol=1e-12 * scale)


def test_matrix_entries_trace_and_determinant() -> None:
    alpha, beta, lam = 0.3, 0.6, 2.5
    M = momentum_matrix(alpha, beta, lam)
    gamma = alpha * (1 - beta)
    np.testing.assert_allclose(M, [[1 - gamma * lam, -alpha * beta], [(1 - beta) * lam, beta]])
    assert np.trace(M) == pytest.approx(1 + beta - gamma * lam)
    assert np.linalg.det(M) == pytest.approx(beta)


@given(alphas, betas, st.floats(-100.0, 100.0))
def test_rate_is_the_spectral_radius_of_the_matrix(alpha: float, beta: float, lam: float) -> None:
    radius = float(np.abs(np.linalg.eigvals(momentum_matrix(alpha, beta, lam))).max())
    # at critical damping the eigenvalues are a double root, known only to ~sqrt(machine eps)
    assert momentum_rate(alpha, beta, lam) == pytest.approx(radius, rel=1e-6, abs=1e-7)


# -- The rate predicts simulated runs ---------------------------------------------------------

KAPPA_100 = Quadratic(a=1.0, b=100.0, angle=0.4)
CASES = {
    "optimum (both critically damped)": (0.1, ((10 - 1) / (10 + 1)) ** 2),
    "underdamped, large beta": (0.1, 0.9),
    "slow direction overdamped, small beta": (0.03, 0.3),
    "fast direction flips sign": (0.037, 0.3),
    "gradient descent at its best step": (2 / 101, 0.0),
    "unstable: grows": (0.1, 0.6),
}


@pytest.mark.parametrize(("alpha", "beta"), CASES.values(), ids=CASES.keys())
def test_spectral_radius_predicts_the_contraction_of_simulated_runs(
    alpha: float, beta: float
) -> None:
    predicted = run_rate(alpha, beta, 1.0, 100.0)
    steps = steps_for(predicted, 1200)
    observed = observed_rate(simulate(alpha, beta, KAPPA_100, steps))
    assert observed == pytest.approx(predicted, rel=5e-3)


@settings(max_examples=25)
@given(betas, st.floats(0.1, 10.0), st.floats(1.0, 30.0), st.floats(0.01, 1.02))
def test_spectral_radius_predicts_contraction_for_random_runs(
    beta: float, lam_min: float, kappa: float, reach: float
) -> None:
    lam_max = lam_min * kappa
    # alpha as a fraction `reach` of the largest stable one, alpha (1-beta) lam_max = 2 (1+beta)
    alpha = reach * 2 * (1 + beta) / ((1 - beta) * lam_max)
    predicted = run_rate(alpha, beta, lam_min, lam_max)
    assume(predicted > 0.1)  # a rate near 0 leaves too few steps before underflow
    steps = steps_for(predicted, 600)
    problem = Quadratic(a=lam_min, b=lam_max, angle=0.7)
    observed = observed_rate(simulate(alpha, beta, problem, steps))
    assert observed == pytest.approx(predicted, rel=0.01)


# -- Special cases and regions ----------------------------------------------------------------


@given(alphas, st.floats(-100.0, 100.0))
def test_beta_zero_is_gradient_descent(alpha: float, lam: float) -> None:
    assert momentum_rate(alpha, 0.0, lam) == pytest.approx(abs(1 - alpha * lam), rel=1e-14)


@given(alphas, betas, st.floats(-100.0, 100.0))
def test_rate_below_one_iff_inside_the_stability_region(
    alpha: float, beta: float, lam: float
) -> None:
    x = alpha * (1 - beta) * lam  # gamma lambda
    edge = 2 * (1 + beta)
    assume(abs(x) > 1e-6 and abs(x - edge) > 1e-6)  # rounding decides on the boundary itself
    assert (momentum_rate(alpha, beta, lam) < 1) == (0 < x < edge)


@given(st.floats(1e-4, 0.999), st.floats(0.01, 100.0))
def test_rate_is_one_on_the_stability_boundary(beta: float, lam: float) -> None:
    alpha_edge = 2 * (1 + beta) / ((1 - beta) * lam)
    assert momentum_rate(alpha_edge, beta, lam) == pytest.approx(1.0, rel=1e-9)
    assert momentum_rate(0.0, beta, lam) == pytest.approx(1.0, rel=1e-12)


@given(st.floats(1e-3, 0.99), st.floats(0.01, 100.0), st.sampled_from([-1.0, 1.0]))
def test_critical_damping_curve_is_where_the_discriminant_vanishes(
    beta: float, lam: float, sign: float
) -> None:
    root = math.sqrt(beta)
    alpha_c = (1 + sign * root) ** 2 / ((1 - beta) * lam)  # alpha (1-beta) lambda = (1 +- root)^2

    def discriminant(alpha: float) -> float:
        M = momentum_matrix(alpha, beta, lam)
        return float(np.trace(M) ** 2 - 4 * np.linalg.det(M))

    assert discriminant(alpha_c) == pytest.approx(0.0, abs=1e-9)
    # inside the band (1 - root)^2 < gamma lambda < (1 + root)^2: complex pair, outside: real
    inward, outward = (1.0 + 1e-3, 1.0 - 1e-3) if sign < 0 else (1.0 - 1e-3, 1.0 + 1e-3)
    assert discriminant(alpha_c * inward) < 0 < discriminant(alpha_c * outward)
    # the double eigenvalue is +sqrt(beta) (lower curve) or -sqrt(beta) (upper curve)
    assert momentum_rate(alpha_c, beta, lam) == pytest.approx(root, rel=1e-6)
    eigenvalues = np.linalg.eigvals(momentum_matrix(alpha_c, beta, lam))
    np.testing.assert_allclose(eigenvalues, -sign * root, atol=1e-6)


@given(betas, st.floats(0.01, 100.0), st.floats(0.0, 1.0))
def test_underdamped_rate_is_square_root_of_beta(beta: float, lam: float, where: float) -> None:
    root = math.sqrt(beta)
    low, high = (1 - root) ** 2, (1 + root) ** 2
    x = low + (0.01 + 0.98 * where) * (high - low)  # gamma lambda inside the band
    alpha = x / ((1 - beta) * lam)
    assert momentum_rate(alpha, beta, lam) == pytest.approx(root, rel=1e-12)


# -- The optimum ------------------------------------------------------------------------------


@given(st.floats(0.01, 10.0), st.floats(1.0, 1e4))
def test_optimum_matches_polyak_in_the_librarys_form(lam_min: float, kappa: float) -> None:
    lam_max = lam_min * kappa
    opt = optimal_momentum(lam_min, lam_max)
    root_kappa = math.sqrt(kappa)
    beta_star = ((root_kappa - 1) / (root_kappa + 1)) ** 2
    gamma_star = (2 / (math.sqrt(lam_max) + math.sqrt(lam_min))) ** 2
    assert opt.beta == pytest.approx(beta_star, rel=1e-9, abs=1e-15)
    assert opt.alpha * (1 - opt.beta) == pytest.approx(gamma_star, rel=1e-9)  # gamma = alpha(1-b)
    assert opt.rate == pytest.approx(math.sqrt(beta_star), rel=1e-9, abs=1e-15)
    assert run_rate(opt.alpha, opt.beta, lam_min, lam_max) == pytest.approx(opt.rate, abs=1e-6)
    # better than gradient descent's best, (kappa - 1) / (kappa + 1), unless kappa = 1
    assert opt.rate <= (kappa - 1) / (kappa + 1) + 1e-12


@given(st.floats(0.01, 10.0), st.floats(1.0, 1e3), st.floats(0.0, 1.0))
def test_optimum_holds_for_every_curvature_in_between(
    lam_min: float, kappa: float, where: float
) -> None:
    lam_max = lam_min * kappa
    opt = optimal_momentum(lam_min, lam_max)
    lam = lam_min + where * (lam_max - lam_min)
    assert momentum_rate(opt.alpha, opt.beta, lam) <= opt.rate + 1e-6


@given(st.floats(0.01, 10.0), st.floats(1.0, 1e3), st.floats(0.0, 10.0), betas)
def test_no_parameters_beat_the_optimum(
    lam_min: float, kappa: float, alpha_scale: float, beta: float
) -> None:
    lam_max = lam_min * kappa
    opt = optimal_momentum(lam_min, lam_max)
    assert run_rate(alpha_scale * opt.alpha, beta, lam_min, lam_max) >= opt.rate - 1e-6


@pytest.mark.parametrize(("lam_min", "lam_max"), [(1.0, 10.0), (1.0, 100.0), (0.5, 1000.0)])
def test_optimum_is_the_minimum_of_a_fine_grid(lam_min: float, lam_max: float) -> None:
    opt = optimal_momentum(lam_min, lam_max)
    n = 301
    alpha_grid = np.linspace(0.8, 1.2, n) * opt.alpha * 1.0001  # no node exactly on the optimum
    beta_grid = np.linspace(opt.beta - 0.05, min(opt.beta + 0.05, 0.999), n) + 1e-5
    grid = np.array([[run_rate(a, b, lam_min, lam_max) for a in alpha_grid] for b in beta_grid])
    step = max(alpha_grid[1] - alpha_grid[0], beta_grid[1] - beta_grid[0])
    assert grid.min() >= opt.rate - 1e-9
    assert grid.min() - opt.rate <= 5 * step  # to grid resolution
    b, a = np.unravel_index(np.argmin(grid), grid.shape)
    assert abs(alpha_grid[a] - opt.alpha) <= 5 * (alpha_grid[1] - alpha_grid[0])
    assert abs(beta_grid[b] - opt.beta) <= 5 * (beta_grid[1] - beta_grid[0])


def test_kappa_one_reaches_the_minimum_in_one_step() -> None:
    assert optimal_momentum(4.0, 4.0) == OptimalMomentum(alpha=0.25, beta=0.0, rate=0.0)
    phi = simulate(0.25, 0.0, Quadratic(a=4.0, b=4.0, angle=0.3), 1)
    np.testing.assert_allclose(phi[1], 0.0, atol=1e-15)


@pytest.mark.parametrize(("alpha", "beta"), [(0.1, 0.9), (0.02, 0.5), (0.15, 0.0)])
def test_momentum_is_the_heavy_ball_with_step_alpha_one_minus_beta(
    alpha: float, beta: float
) -> None:
    problem = Quadratic(a=1.0, b=10.0, angle=0.2)
    gamma, steps = alpha * (1 - beta), 40
    phi = simulate(alpha, beta, problem, steps)
    heavy = [PHI0, PHI0 - gamma * problem.grad(PHI0)]
    for _ in range(steps - 1):
        heavy.append(heavy[-1] - gamma * problem.grad(heavy[-1]) + beta * (heavy[-1] - heavy[-2]))
    np.testing.assert_allclose(phi, np.array(heavy), rtol=0, atol=1e-14)


# -- Bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        ((-0.1, 0.5, 1.0), ValueError, "alpha must be >= 0"),
        ((0.1, 1.0, 1.0), ValueError, r"beta must be in \[0.0, 1.0\), got 1.0"),
        ((0.1, -0.2, 1.0), ValueError, "beta"),
        ((0.1, 0.5, math.nan), ValueError, "lam must be finite"),
        ((0.1, 0.5, "1"), TypeError, "lam must be a real number"),
        ((True, 0.5, 1.0), TypeError, "alpha"),
    ],
)
def test_bad_parameters_are_named(args: tuple[object, ...], error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        momentum_rate(*args)  # type: ignore[arg-type]
    with pytest.raises(error, match=match):
        momentum_matrix(*args)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("lam_min", "lam_max", "match"),
    [
        (0.0, 1.0, "lam_min must be > 0"),
        (1.0, -1.0, "lam_max must be > 0"),
        (2.0, 1.0, "lam_min must be <= lam_max, got lam_min=2.0, lam_max=1.0"),
        (1.0, math.inf, "lam_max must be finite"),
    ],
)
def test_bad_curvatures_are_named(lam_min: float, lam_max: float, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        optimal_momentum(lam_min, lam_max)
