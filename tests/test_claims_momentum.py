"""Claims the momentum and Nesterov pages and their gallery examples state, held by tests.

The notebook's four final losses themselves are checked in test_fitting.py.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pytest

import descend
from descend.datasets import textbook_gabor
from descend.landscapes import DataLoss, Quadratic
from descend.models import Gabor

Array = np.ndarray
Lookahead = Literal["momentum", "slide"]

# Notebook 6.4's settings, as in the momentum gallery examples.
ALPHA, BETA, STEPS, BATCH = 0.6, 0.6, 81, 5
START = [-1.5, 6.5]


def gabor_problem() -> DataLoss:
    x, y = textbook_gabor()
    return DataLoss(Gabor(32.0), x, y)


def notebook_run(optimizer: descend.Optimizer, seed: int) -> descend.Trajectory:
    return descend.fit(
        optimizer, gabor_problem(), START, steps=STEPS, batch_size=BATCH,
        rng=np.random.RandomState(seed), sampling="per_step",
    )  # fmt: skip


class Recording:
    """A DataLoss whose batches record every point their gradient is taken at."""

    def __init__(self, problem: DataLoss) -> None:
        self.problem = problem
        self.points: list[Array] = []

    def __len__(self) -> int:
        return len(self.problem)

    def loss(self, phi: Array) -> float:
        return self.problem.loss(phi)

    def grad(self, phi: Array) -> Array:
        return self.problem.grad(phi)

    def subset(self, indices: Array) -> RecordingBatch:
        return RecordingBatch(self.problem.subset(indices), self.points)


class RecordingBatch:
    def __init__(self, batch: DataLoss, points: list[Array]) -> None:
        self.batch, self.points = batch, points

    def loss(self, phi: Array) -> float:
        return self.batch.loss(phi)

    def grad(self, phi: Array) -> Array:
        self.points.append(np.array(phi, dtype=float))
        return self.batch.grad(phi)


# --- nesterov.md: the two look-aheads ---------------------------------------------------


@pytest.mark.parametrize("beta", [0.3, 0.6, 0.9])
def test_for_the_same_momentum_the_slides_look_ahead_is_one_over_beta_times_as_far(
    beta: float,
) -> None:
    phi, m = np.array([0.4, 13.0]), np.array([0.25, -0.7])
    distances = {}
    lookaheads: tuple[Lookahead, ...] = ("momentum", "slide")
    for lookahead in lookaheads:
        opt = descend.NesterovMomentum(ALPHA, beta, lookahead=lookahead)
        state = opt.init(phi)
        state["m"][...] = m
        seen: list[Array] = []

        def grad(p: Array, seen: list[Array] = seen) -> Array:
            seen.append(p.copy())
            return 2 * p

        opt.step(phi, grad, state)
        distances[lookahead] = np.linalg.norm(seen[0] - phi)
    assert distances["slide"] / distances["momentum"] == pytest.approx(1 / beta, rel=1e-12)


@pytest.mark.parametrize(("lookahead", "reach"), [("slide", 1.0), ("momentum", BETA)])
def test_the_look_ahead_points_can_be_read_off_the_path(lookahead: Lookahead, reach: float) -> None:
    # plot_nesterov_lookahead.py draws psi_t = phi_t + reach * (phi_t - phi_{t-1}), psi_0 = phi_0.
    problem = Recording(gabor_problem())
    opt = descend.NesterovMomentum(ALPHA, BETA, lookahead=lookahead)
    run = descend.fit(
        opt, problem, START, steps=STEPS, batch_size=BATCH,
        rng=np.random.RandomState(1), sampling="per_step",
    )  # fmt: skip
    phi = run.phi
    expected = phi[:-1].copy()
    expected[1:] += reach * (phi[1:-1] - phi[:-2])
    np.testing.assert_allclose(np.stack(problem.points), expected, rtol=1e-12, atol=1e-12)


def test_the_default_look_ahead_is_the_better_guess_of_the_next_iterate_on_the_notebook_run() -> (
    None
):
    # nesterov.md: on seed 1 the default's points lie closer to phi_{t+1} on average.
    mean_miss = {}
    forms: tuple[tuple[Lookahead, float], ...] = (("slide", 1.0), ("momentum", BETA))
    for lookahead, reach in forms:
        phi = notebook_run(descend.NesterovMomentum(ALPHA, BETA, lookahead=lookahead), 1).phi
        psi = phi[1:-1] + reach * (phi[1:-1] - phi[:-2])  # psi_1 .. psi_{T-1}
        mean_miss[lookahead] = np.linalg.norm(psi - phi[2:], axis=1).mean()
    assert mean_miss["momentum"] < mean_miss["slide"]


def test_torch_nesterov_visits_the_default_look_ahead_points_but_not_the_slides() -> None:
    problem = gabor_problem()
    alpha, beta, steps = 0.2, 0.9, 80
    torch_path = descend.fit(
        descend.SGD(lr=alpha * (1 - beta), momentum=beta, nesterov=True), problem, START,
        steps=steps,
    ).phi  # fmt: skip
    forms: tuple[tuple[Lookahead, float, bool], ...] = (
        ("momentum", beta, True),
        ("slide", 1.0, False),
    )
    for lookahead, reach, same in forms:
        opt = descend.NesterovMomentum(alpha, beta, lookahead=lookahead)
        phi = descend.fit(opt, problem, START, steps=steps).phi
        psi = phi.copy()
        psi[1:] += reach * (phi[1:] - phi[:-1])
        assert np.allclose(psi, torch_path, rtol=0, atol=1e-12) is same


def test_nesterov_is_sutskevers_accelerated_gradient_with_step_alpha_one_minus_beta() -> None:
    # nesterov.md (nag-substitution): v_t = -alpha m_t, mu = beta, nu = alpha (1 - beta).
    problem = Quadratic(a=1.0, b=20.0, angle=0.4)
    alpha, beta, steps = 0.05, 0.8, 60
    ours = descend.fit(descend.NesterovMomentum(alpha, beta), problem, [2.0, 1.0], steps=steps)
    mu, nu = beta, alpha * (1 - beta)
    phi, v = np.array([2.0, 1.0]), np.zeros(2)
    path = [phi]
    for _ in range(steps):
        v = mu * v - nu * problem.grad(phi + mu * v)
        phi = phi + v
        path.append(phi)
    np.testing.assert_allclose(ours.phi, np.stack(path), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("curvature", [0.5, 10.0, 40.0])
def test_on_a_quadratic_the_look_ahead_acts_as_momentum_mu_times_one_minus_nu_lambda(
    curvature: float,
) -> None:
    # nesterov.md (nag-quadratic): v_{t+1} = mu (1 - nu lambda) v_t - nu lambda phi_t.
    alpha, beta = 0.1, 0.9
    mu, nu = beta, alpha * (1 - beta)
    opt = descend.NesterovMomentum(alpha, beta)
    phi, state = np.array([1.0]), opt.init(np.array([1.0]))
    for _ in range(20):
        v = -alpha * state["m"].copy()
        new_phi, state = opt.step(phi, lambda p: curvature * p, state)
        v_next = -alpha * state["m"]
        np.testing.assert_allclose(
            v_next, mu * (1 - nu * curvature) * v - nu * curvature * phi, rtol=1e-12, atol=1e-15
        )
        phi = new_phi


# --- momentum.md: what momentum does to the step ------------------------------------------


@pytest.mark.parametrize("beta", [0.6, 0.9])
def test_an_alternating_gradient_leaves_momentum_of_one_minus_beta_over_one_plus_beta(
    beta: float,
) -> None:
    opt = descend.Momentum(0.1, beta)
    phi: Array = np.zeros(2)
    state, g = opt.init(phi), np.array([1.0, -2.0])
    for t in range(400):
        phi, state = opt.step(phi, (-1) ** t * g, state)
    # After step t = 399 (odd), m_400 = (-1)^399 c with c = (1 - beta) / (1 + beta) g.
    np.testing.assert_allclose(state["m"], -(1 - beta) / (1 + beta) * g, rtol=1e-10)


@pytest.mark.parametrize("beta", [0.6, 0.9])
def test_momentum_shrinks_independent_noise_variance_by_one_minus_beta_over_one_plus_beta(
    beta: float,
) -> None:
    # momentum.md (mom-noise): Var(m) = (1 - beta) / (1 + beta) sigma^2 in the stationary state.
    sigma, chains, burn_in = 2.0, 20000, 200
    noise = np.random.default_rng(0).normal(0.0, sigma, size=(burn_in, chains))
    opt = descend.Momentum(0.1, beta)
    phi: Array = np.zeros(chains)
    state = opt.init(phi)
    for g in noise:
        phi, state = opt.step(phi, g, state)
    ratio = state["m"].var() / sigma**2
    assert ratio == pytest.approx((1 - beta) / (1 + beta), rel=0.03)


def test_on_a_steady_slope_momentum_steps_alpha_g_and_torch_sgd_alpha_g_over_one_minus_beta() -> (
    None
):
    alpha, beta, g = 0.2, 0.9, np.array([0.6, 0.8])
    steps = {}
    for name, opt in (
        ("lecture", descend.Momentum(alpha, beta)),
        ("torch", descend.SGD(lr=alpha, momentum=beta)),
    ):
        phi: Array = np.zeros(2)
        state = opt.init(phi)
        for _ in range(400):
            new_phi, state = opt.step(phi, g, state)
            step, phi = new_phi - phi, new_phi
        steps[name] = step
    np.testing.assert_allclose(steps["lecture"], -alpha * g, rtol=1e-12)
    np.testing.assert_allclose(steps["torch"], -alpha * g / (1 - beta), rtol=1e-12)


def test_momentum_is_the_heavy_ball_with_gradient_step_alpha_one_minus_beta() -> None:
    # momentum.md (mom-heavy-ball):
    # phi_{t+1} = phi_t - alpha (1 - beta) g_t + beta (phi_t - phi_{t-1}).
    problem = Quadratic(a=1.0, b=20.0, angle=0.4)
    alpha, beta = 0.05, 0.8
    phi = descend.fit(descend.Momentum(alpha, beta), problem, [2.0, 1.0], steps=50).phi
    grads = np.stack([problem.grad(p) for p in phi[1:-1]])
    heavy_ball = phi[1:-1] - alpha * (1 - beta) * grads + beta * (phi[1:-1] - phi[:-2])
    np.testing.assert_allclose(phi[2:], heavy_ball, rtol=1e-12, atol=1e-14)


def momentum_matrix(opt: descend.Momentum, curvature: float) -> Array:
    """One step of ``opt`` on L = curvature/2 phi^2 as a linear map of (phi, m)."""
    columns = []
    for phi0, m0 in ((1.0, 0.0), (0.0, 1.0)):
        state = opt.init(np.array([phi0]))
        state["m"][...] = m0
        phi, state = opt.step(np.array([phi0]), lambda p: curvature * p, state)
        columns.append([phi[0], state["m"][0]])
    return np.array(columns).T


def test_polyaks_momentum_shrinks_the_error_by_3_5_per_step_on_the_fixed_step_landscape() -> None:
    # momentum.md: Hessian diag(1/4, 4), kappa = 16: 15/17 for the best gradient step, 3/5
    # for the heavy ball with alpha (1 - beta) = 4 / (sqrt(l_max) + sqrt(l_min))^2 and
    # beta = ((sqrt(kappa) - 1) / (sqrt(kappa) + 1))^2.
    l_min, l_max = 0.25, 4.0
    kappa = l_max / l_min
    beta = ((np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)) ** 2
    alpha = 4 / (np.sqrt(l_max) + np.sqrt(l_min)) ** 2 / (1 - beta)
    rates = [
        max(abs(np.linalg.eigvals(momentum_matrix(descend.Momentum(alpha, beta), lam))))
        for lam in (l_min, l_max)
    ]
    assert max(rates) == pytest.approx(3 / 5, rel=1e-6)
    gd = descend.Momentum(2 / (l_min + l_max), 0.0)
    gd_rates = [max(abs(np.linalg.eigvals(momentum_matrix(gd, lam)))) for lam in (l_min, l_max)]
    assert max(gd_rates) == pytest.approx(15 / 17, rel=1e-12)


# --- plot_pytorch_forms.py: "what to try" -------------------------------------------------


def test_momentum_and_torch_sgd_agree_on_the_same_minibatches() -> None:
    problem = gabor_problem()
    alpha, beta = 0.2, 0.9
    lecture, torch_form = (
        descend.fit(opt, problem, START, steps=80, batch_size=5, rng=0)
        for opt in (
            descend.Momentum(alpha, beta),
            descend.SGD(lr=alpha * (1 - beta), momentum=beta),
        )
    )
    np.testing.assert_allclose(lecture.phi, torch_form.phi, rtol=1e-12, atol=1e-12)


# --- momentum.md: the lecture's comparison, rerun ----------------------------------------


def test_the_notebooks_seed_is_the_best_of_30_batch_draws_for_both_momentum_rules() -> None:
    for opt in (
        descend.Momentum(ALPHA, BETA),
        descend.NesterovMomentum(ALPHA, BETA, lookahead="slide"),
    ):
        finals = [notebook_run(opt, seed).final_loss for seed in range(30)]
        assert int(np.argmin(finals)) == 1


@pytest.mark.parametrize("alpha", [0.05, 0.2, 0.5, 2.0, 5.0])
def test_for_a_given_step_the_fastest_beta_is_where_the_two_eigenvalues_meet(
    alpha: float,
) -> None:
    # momentum.md: below the critical-damping curve the eigenvalues are real, above it
    # complex with modulus sqrt(beta); the rate is smallest where they meet.
    betas = np.linspace(0.0, 0.99, 1000)
    eigenvalues = [
        np.linalg.eigvals(momentum_matrix(descend.Momentum(alpha, b), 1.0)) for b in betas
    ]
    rates = np.array([max(abs(e)) for e in eigenvalues])
    complex_pair = np.array([bool(np.any(e.imag != 0)) for e in eigenvalues])
    first_complex = int(np.argmax(complex_pair))
    assert complex_pair[first_complex:].all()
    for b, e in zip(betas[complex_pair], np.array(eigenvalues)[complex_pair], strict=True):
        np.testing.assert_allclose(abs(e), np.sqrt(b), rtol=1e-9)
    assert abs(int(rates.argmin()) - first_complex) <= 1
