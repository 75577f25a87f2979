"""The claims of gallery/06_adaptive/plot_adaptive_family.py, checked on the library.

Each test states one thing the example's text says about Adagrad, RMSprop,
Adam and AdamW and checks it against descend's optimizers, with the expected
values derived from the formulas (or from linear algebra), not copied from the
example's printout.
"""

from __future__ import annotations

import numpy as np
import pytest

import descend
from descend import Adagrad, Adam, AdamW, RMSprop
from descend.datasets import textbook_linear
from descend.landscapes import DataLoss
from descend.models import Linear, Reduction

Array = np.ndarray

ALPHA = 0.05
STEADY_G = np.array([1.0, 100.0, 1e-3, -7.0])  # gradient sizes over five decades, both signs


def effective_lr(opt: descend.Optimizer, state: descend.State) -> Array:
    """alpha / (sqrt(second moment) + eps) after a step, as the example reads it off the state."""
    if isinstance(opt, Adagrad):
        second = state["s"]
        lr, eps = opt.lr, opt.eps
    elif isinstance(opt, Adam):
        second = state["v"] / (1 - opt.betas[1] ** state.t)
        lr, eps = opt.lr, opt.eps
    else:
        assert isinstance(opt, RMSprop)
        second = state["v"]
        lr, eps = opt.lr, opt.eps
    assert isinstance(lr, float)
    out: Array = lr / (np.sqrt(second) + eps)
    return out


def steady_run(opt: descend.Optimizer, steps: int) -> tuple[Array, Array]:
    """Step lengths |phi_{t+1} - phi_t| and effective learning rates on the gradient STEADY_G."""
    phi, state = np.zeros_like(STEADY_G), opt.init(np.zeros_like(STEADY_G))
    lengths, lrs = [], []
    for _ in range(steps):
        new, state = opt.step(phi, STEADY_G, state)
        lengths.append(np.abs(new - phi))
        lrs.append(effective_lr(opt, state))
        phi = new
    return np.array(lengths), np.array(lrs)


# --- per-coordinate step sizes on a steady gradient -----------------------------------------


def test_adagrad_effective_step_on_a_constant_gradient_is_alpha_over_sqrt_t_plus_1() -> None:
    opt = Adagrad(lr=ALPHA)
    steps = 200
    lengths, lrs = steady_run(opt, steps)
    t_plus_1 = np.arange(1, steps + 1)[:, None]
    g = np.abs(STEADY_G)
    # The learning rate is alpha / (sqrt(t + 1) |g_i| + eps) ...
    np.testing.assert_allclose(lrs, ALPHA / (np.sqrt(t_plus_1) * g + opt.eps), rtol=1e-12)
    np.testing.assert_allclose(lengths, lrs * g, rtol=1e-12)
    # ... so every coordinate, whatever its gradient size, moves by alpha / sqrt(t + 1) up to eps.
    expected = np.broadcast_to(ALPHA / np.sqrt(t_plus_1), lengths.shape)
    np.testing.assert_allclose(lengths, expected, rtol=10 * opt.eps / g.min())


def test_adagrad_sum_of_squares_after_step_t_plus_1_is_t_plus_1_times_g_squared() -> None:
    opt = Adagrad(lr=ALPHA)
    phi, state = np.zeros_like(STEADY_G), opt.init(np.zeros_like(STEADY_G))
    for t in range(25):
        phi, state = opt.step(phi, STEADY_G, state)
        assert state.t == t + 1
        np.testing.assert_allclose(state["s"], (t + 1) * STEADY_G**2, rtol=1e-14)


def test_rmsprop_first_step_is_alpha_over_sqrt_one_minus_rho_then_settles_at_alpha() -> None:
    rho = 0.99
    opt = RMSprop(lr=ALPHA, alpha=rho)
    lengths, lrs = steady_run(opt, 1000)
    g = np.abs(STEADY_G)
    k = np.arange(1, 1001)[:, None]
    # v_{t+1} = (1 - rho^{t+1}) g^2: the learning rate alpha / (sqrt(v_{t+1}) + eps).
    np.testing.assert_allclose(lrs, ALPHA / (np.sqrt(1 - rho**k) * g + opt.eps), rtol=1e-12)
    np.testing.assert_allclose(lengths, lrs * g, rtol=1e-12)
    # The first step is ten times alpha (up to eps), in every coordinate.
    np.testing.assert_allclose(lengths[0], ALPHA / np.sqrt(1 - rho), rtol=10 * opt.eps / g.min())
    # Settled: within 0.01 % of alpha / |g| after 1000 steps, and decreasing all the way.
    np.testing.assert_allclose(lrs[-1], ALPHA / g, rtol=1e-4)
    assert np.all(np.diff(lrs, axis=0) < 0)


def test_adam_effective_step_on_a_constant_gradient_is_alpha_from_the_first_step() -> None:
    opt = Adam(lr=ALPHA)
    lengths, lrs = steady_run(opt, 300)
    g = np.abs(STEADY_G)
    # v_hat = g^2 and m_hat = g from the first step on.
    np.testing.assert_allclose(lrs, np.broadcast_to(ALPHA / (g + opt.eps), lrs.shape), rtol=1e-12)
    np.testing.assert_allclose(lengths, lrs * g, rtol=1e-12)
    np.testing.assert_allclose(lengths, ALPHA, rtol=10 * opt.eps / g.min())


def test_adagrad_learning_rate_decays_while_rmsprop_and_adams_settle() -> None:
    _, adagrad = steady_run(Adagrad(lr=ALPHA), 1000)
    _, rmsprop = steady_run(RMSprop(lr=ALPHA), 1000)
    _, adam = steady_run(Adam(lr=ALPHA), 1000)
    # Over the last 500 steps Adagrad's rate keeps falling by sqrt(2); the others' stay put.
    np.testing.assert_allclose(adagrad[499] / adagrad[999], np.sqrt(1000 / 500), rtol=1e-6)
    for settled in (rmsprop, adam):
        np.testing.assert_allclose(settled[999] / settled[499], 1.0, rtol=1e-2)


@pytest.mark.parametrize("opt", [Adagrad(lr=ALPHA), RMSprop(lr=ALPHA), Adam(lr=ALPHA)],
                         ids=["Adagrad", "RMSprop", "Adam"])  # fmt: skip
def test_effective_learning_rate_read_off_the_state_is_the_step_taken(
    opt: descend.Optimizer,
) -> None:
    rng = np.random.default_rng(0)
    phi: Array = rng.normal(size=5)
    state = opt.init(phi)
    for _ in range(30):
        g = rng.normal(size=5) * np.array([1e-2, 1.0, 10.0, 100.0, 1e3])
        new, state = opt.step(phi, g, state)
        # Adam multiplies the bias-corrected average m_hat, the others the gradient itself.
        m_hat = state["m"] / (1 - opt.betas[0] ** state.t) if isinstance(opt, Adam) else None
        direction = g if m_hat is None else m_hat
        np.testing.assert_allclose(phi - new, effective_lr(opt, state) * direction, rtol=1e-12)
        phi = new


# --- weight decay: L2 in Adam versus AdamW's decoupled decay ---------------------------------


def _warm_state(opt: descend.Optimizer, phi: Array, rng: np.random.Generator) -> descend.State:
    state = opt.init(phi)
    for _ in range(7):
        _, state = opt.step(phi, rng.normal(size=phi.shape), state)
    return state


def test_adamw_step_is_the_adam_step_from_phi_shrunk_by_one_minus_alpha_omega() -> None:
    rng = np.random.default_rng(1)
    phi, g, omega = rng.normal(size=6), rng.normal(size=6), 0.3
    adamw, adam = AdamW(lr=ALPHA, weight_decay=omega), Adam(lr=ALPHA)
    # The same history of loss gradients: AdamW's m and v never see the decay.
    state_w = _warm_state(adamw, phi, np.random.default_rng(2))
    state_a = _warm_state(adam, phi, np.random.default_rng(2))
    for name in ("m", "v"):
        np.testing.assert_array_equal(state_w[name], state_a[name])
    new_w, state_w = adamw.step(phi, g, state_w)
    new_a, state_a = adam.step((1 - ALPHA * omega) * phi, g, state_a)
    np.testing.assert_allclose(new_w, new_a, rtol=1e-14, atol=1e-15)
    for name in ("m", "v"):
        np.testing.assert_array_equal(state_w[name], state_a[name])


def test_adam_weight_decay_adds_omega_phi_to_the_gradient_before_the_averages() -> None:
    rng = np.random.default_rng(3)
    phi: Array = rng.normal(size=6)
    g, omega = rng.normal(size=6), 0.3
    l2, plain = Adam(lr=ALPHA, weight_decay=omega), Adam(lr=ALPHA)
    state_l2, state_plain = l2.init(phi), plain.init(phi)
    for _ in range(5):
        new_l2, state_l2 = l2.step(phi, g, state_l2)
        new_plain, state_plain = plain.step(phi, g + omega * phi, state_plain)
        np.testing.assert_allclose(new_l2, new_plain, rtol=1e-14, atol=1e-15)
        np.testing.assert_allclose(state_l2["v"], state_plain["v"], rtol=1e-14)
        phi = new_l2


def _linear_problem(reduction: Reduction = "sum") -> tuple[DataLoss, Array, Array]:
    x, y = textbook_linear()
    return DataLoss(Linear(reduction=reduction), x, y), x, y


def _penalized_minimum(x: Array, y: Array, omega: float, scale: float = 1.0) -> Array:
    """argmin of scale * sum_i (phi_0 + phi_1 x_i - y_i)^2 + omega/2 |phi|^2 (normal equations)."""
    X = np.stack([np.ones_like(x), x], axis=1)
    out: Array = np.linalg.solve(2 * scale * X.T @ X + omega * np.eye(2), 2 * scale * X.T @ y)
    return out


def _box_least_squares(problem: DataLoss, bound: float) -> Array:
    """argmin of the loss over the box |phi_i| <= bound, by projected gradient descent."""
    phi = np.zeros(2)
    for _ in range(5000):
        phi = np.clip(phi - problem.grad(phi) / 60.0, -bound, bound)  # 60 > largest curvature 50
    return phi


START = np.array([1.6, -0.5])


def test_adam_with_l2_ends_at_the_penalized_minimum_and_adamw_elsewhere() -> None:
    problem, x, y = _linear_problem()
    omega = 2.0
    l2 = descend.fit(Adam(lr=ALPHA, weight_decay=omega), problem, START, steps=2000)
    w = descend.fit(AdamW(lr=ALPHA, weight_decay=omega), problem, START, steps=2000)
    ridge = _penalized_minimum(x, y, omega)
    np.testing.assert_allclose(l2.final_phi, ridge, atol=1e-10)
    assert np.abs(w.final_phi - ridge).max() > 0.1
    # AdamW is held near the box |phi_i| <= 1/omega: at the box's best point.
    box = _box_least_squares(problem, 1 / omega)
    np.testing.assert_allclose(box, [0.5, 0.5], atol=1e-12)  # both coordinates at the bound
    np.testing.assert_allclose(w.final_phi, box, atol=0.01)


def test_adamw_ends_where_omega_phi_balances_the_normalized_gradient() -> None:
    problem, _, _ = _linear_problem()
    omega = 2.0
    opt = AdamW(lr=ALPHA, weight_decay=omega)
    run = descend.fit(opt, problem, START, steps=2000)
    beta1, beta2 = opt.betas
    m_hat = run.state["m"] / (1 - beta1**run.state.t)
    v_hat = run.state["v"] / (1 - beta2**run.state.t)
    normalized = m_hat / (np.sqrt(v_hat) + opt.eps)
    np.testing.assert_allclose(omega * run.final_phi, -normalized, atol=1e-3)
    assert np.all(np.abs(normalized) <= 1.0)


def test_adamw_end_point_ignores_the_loss_scale_and_adam_l2_does_not() -> None:
    omega = 2.0
    summed, x, y = _linear_problem("sum")
    mean, _, _ = _linear_problem("mean")
    ends = {}
    for name, problem in (("sum", summed), ("mean", mean)):
        for opt in (Adam(lr=ALPHA, weight_decay=omega), AdamW(lr=ALPHA, weight_decay=omega)):
            ends[name, type(opt).__name__] = descend.fit(opt, problem, START, steps=2000).final_phi
    np.testing.assert_allclose(ends["sum", "AdamW"], ends["mean", "AdamW"], atol=1e-6)
    np.testing.assert_allclose(ends["mean", "Adam"], _penalized_minimum(x, y, omega, 1 / len(x)),
                               atol=1e-8)  # fmt: skip
    assert np.abs(ends["sum", "Adam"] - ends["mean", "Adam"]).max() > 0.1


def test_with_a_small_omega_adamw_ends_near_least_squares_and_adam_l2_at_its_minimum() -> None:
    problem, x, y = _linear_problem()
    omega = 0.5  # the box |phi_i| <= 2 holds the least-squares fit
    l2 = descend.fit(Adam(lr=ALPHA, weight_decay=omega), problem, START, steps=2000)
    w = descend.fit(AdamW(lr=ALPHA, weight_decay=omega), problem, START, steps=2000)
    least_squares = _penalized_minimum(x, y, 0.0)
    assert np.abs(least_squares).max() < 1 / omega
    np.testing.assert_allclose(l2.final_phi, _penalized_minimum(x, y, omega), atol=1e-8)
    np.testing.assert_allclose(w.final_phi, least_squares, atol=0.01)
    assert np.abs(l2.final_phi - least_squares).max() > 0.02
