"""Claims the pages on training failures, normalized gradients and Adam state, held by tests.

Each test checks one sentence of docs/training-goes-wrong.md, docs/normalized-gradients.md
or docs/adam.md (or of their gallery examples) against the library or NumPy itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest

import descend
from descend.landscapes import FixedStep
from descend.models import Logistic, naive_sigmoid

Array = np.ndarray
LN2 = float(np.log(2))
QUIET = {"over": "ignore", "divide": "ignore", "invalid": "ignore"}


def first_true(pred: Callable[[float], bool], lo: float, hi: float) -> float:
    """Smallest float64 s in (lo, hi] with pred(s), for pred monotone, False at lo, True at hi."""
    assert not pred(lo)
    assert pred(hi)
    while (mid := (lo + hi) / 2) not in (lo, hi):
        lo, hi = (lo, mid) if pred(mid) else (mid, hi)
    return hi


def stable_loss_right(z: float) -> float:
    """Per-example stable cross-entropy of a right prediction: label 1, logit z."""
    return float(Logistic().losses(np.array([0.0, 1.0]), np.array([z]), np.array([1.0]))[0])


# ------------------------------------------------------------- training goes wrong


def test_exp_of_minus_1074_ln2_is_the_smallest_subnormal_not_zero() -> None:
    value = np.exp(-1074 * np.log(2))
    assert value == 2.0**-1074 == np.finfo(np.float64).smallest_subnormal
    assert value > 0


def test_exp_underflows_to_zero_just_above_1075_ln2() -> None:
    z0 = first_true(lambda z: bool(np.exp(-z) == 0), 700.0, 800.0)
    assert 745.13 < z0 < 745.14
    assert z0 == pytest.approx(1075 * LN2, rel=1e-15)
    assert np.exp(-np.nextafter(z0, 0.0)) == 2.0**-1074  # the last z before it is not yet 0


def test_stable_loss_of_a_right_prediction_is_below_1e20_from_20_ln_10() -> None:
    z_small = first_true(lambda z: stable_loss_right(z) < 1e-20, 0.0, 1000.0)
    assert z_small == pytest.approx(20 * np.log(10), rel=1e-12)
    assert round(z_small, 2) == 46.05


def test_stable_loss_of_a_right_prediction_turns_subnormal_then_zero_where_exp_does() -> None:
    smallest_normal = np.finfo(np.float64).smallest_normal
    z_sub = first_true(lambda z: bool(stable_loss_right(z) < smallest_normal), 0.0, 1000.0)
    assert round(z_sub, 2) == 708.40
    assert stable_loss_right(1074 * LN2) == 2.0**-1074
    z_zero = first_true(lambda z: stable_loss_right(z) == 0, 0.0, 1000.0)
    assert z_zero == first_true(lambda z: bool(np.exp(-z) == 0), 0.0, 1000.0)
    assert round(z_zero, 2) == 745.13


@pytest.mark.parametrize(
    ("dtype", "rounds_to_one", "overflows", "underflows"),
    [(np.float64, 53 * LN2, 1024 * LN2, 1075 * LN2), (np.float32, 24 * LN2, 128 * LN2, 150 * LN2)],
)
def test_naive_sigmoid_breaks_at_the_thresholds_of_the_table(
    dtype: type[np.floating], rounds_to_one: float, overflows: float, underflows: float
) -> None:
    def at(z: float) -> Array:
        return np.array([z], dtype=dtype)

    below, above = 1 - 1e-4, 1 + 1e-4
    with np.errstate(**QUIET):  # type: ignore[arg-type]
        assert naive_sigmoid(at(rounds_to_one * below))[0] < 1
        assert naive_sigmoid(at(rounds_to_one * above))[0] == 1
        assert naive_sigmoid(at(-overflows * below))[0] > 0
        assert naive_sigmoid(at(-overflows * above))[0] == 0
    assert np.exp(-at(underflows * below))[0] > 0
    assert np.exp(-at(underflows * above))[0] == 0


# ------------------------------------------------------------- normalized gradients


def test_per_coordinate_normalized_gradients_end_in_the_two_cycle_of_the_figure() -> None:
    alpha, start = 0.12, np.array([-0.7, -0.9])
    run = descend.fit(descend.NormalizedGradient(lr=alpha), FixedStep(), start, steps=40)
    k = (run.phi - start) / alpha  # grid coordinates: integers up to the epsilon shortening
    np.testing.assert_allclose(k, np.round(k), atol=1e-5)
    a, b = np.array([0.62, -0.06]), np.array([0.74, 0.06])
    np.testing.assert_allclose(run.phi[-4:], [a, b, a, b], atol=1e-6)
    minimum = np.array(FixedStep().minimum)
    assert np.all((a < minimum) & (minimum < b))  # the two points straddle the minimum


# ------------------------------------------------------------- Adam: the algorithm box


@dataclass
class BoxState:
    m: Array
    v: Array
    v_max: Array


def box_step(
    phi: Array, g: Array, s: BoxState, t: int, alpha: float, *, amsgrad: bool, omega: float,
    decoupled: bool,
) -> tuple[Array, BoxState]:  # fmt: skip
    """Step t = 0, 1, ... of the algorithm box on docs/adam.md, typed in literally."""
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    if decoupled:
        phi = (1 - alpha * omega) * phi
    else:
        g = g + omega * phi
    m = beta1 * s.m + (1 - beta1) * g  # m_{t+1}
    v = beta2 * s.v + (1 - beta2) * g**2  # v_{t+1}
    v_max = np.maximum(s.v_max, v)
    m_hat = m / (1 - beta1 ** (t + 1))
    v_hat = (v_max if amsgrad else v) / (1 - beta2 ** (t + 1))
    return phi - alpha * m_hat / (np.sqrt(v_hat) + eps), BoxState(m, v, v_max)


@pytest.mark.parametrize(
    ("amsgrad", "omega", "decoupled"),
    [(False, 0.0, False), (True, 0.0, False), (False, 0.3, False), (False, 0.3, True)],
)
def test_the_algorithm_box_with_t_from_0_is_what_descend_adam_runs(
    amsgrad: bool, omega: float, decoupled: bool
) -> None:
    rng = np.random.default_rng(0)
    alpha = 0.05
    opt = descend.Adam(
        lr=alpha, weight_decay=omega, amsgrad=amsgrad, decoupled_weight_decay=decoupled
    )
    phi: Array = rng.normal(size=4)
    box_phi = phi.copy()
    state = opt.init(phi)
    box = BoxState(np.zeros(4), np.zeros(4), np.zeros(4))
    for t in range(40):
        g = rng.normal(size=4) * np.array([1e-3, 1.0, 10.0, 1e3]) + np.sin(phi)
        phi, state = opt.step(phi, g, state)
        box_phi, box = box_step(
            box_phi, g, box, t, alpha, amsgrad=amsgrad, omega=omega, decoupled=decoupled
        )
        np.testing.assert_allclose(phi, box_phi, rtol=1e-12, atol=1e-15)
        assert state.t == t + 1  # the power of this step's bias correction
    np.testing.assert_allclose(state["m"], box.m, rtol=1e-12)
    np.testing.assert_allclose(state["v"], box.v, rtol=1e-12)


def test_first_adam_step_is_a_sign_step_with_m1_and_v1_from_g0() -> None:
    opt = descend.Adam(lr=0.1)
    phi0 = np.zeros(3)
    g0 = np.array([3.0, -0.02, 5e3])
    phi1, state = opt.step(phi0, g0, opt.init(phi0))
    np.testing.assert_allclose(phi1, -0.1 * g0 / (np.abs(g0) + 1e-8), rtol=1e-15)
    np.testing.assert_allclose(phi1, -0.1 * np.sign(g0), rtol=1e-6)
    assert state.t == 1
    np.testing.assert_allclose(state["m"], 0.1 * g0, rtol=1e-15)
    np.testing.assert_allclose(state["v"], 0.001 * g0**2, rtol=1e-12)


# ------------------------------------------------------------- Adam: the bias-correction factor


def uncorrected_over_corrected(steps: int) -> Array:
    """r_{t+1} for t = 0 .. steps - 1, read off descend.Adam's state for a constant gradient.

    With a constant gradient the corrected ratio m_hat / sqrt(v_hat) is 1 (up to rounding), so the
    uncorrected ratio m_{t+1} / sqrt(v_{t+1}) is the factor itself.
    """
    opt = descend.Adam(lr=1e-3)
    phi: Array = np.zeros(1)
    g = np.ones(1)
    state = opt.init(phi)
    r = []
    for _ in range(steps):
        phi, state = opt.step(phi, g, state)
        r.append(float(state["m"][0] / np.sqrt(state["v"][0])))
    return np.array(r)


def r_formula(t: Array) -> Array:
    factor: Array = (1 - 0.9 ** (t + 1)) / np.sqrt(1 - 0.999 ** (t + 1))
    return factor


def test_bias_factor_from_adams_state_matches_the_formula() -> None:
    r = uncorrected_over_corrected(300)
    np.testing.assert_allclose(r, r_formula(np.arange(300)), rtol=1e-12)


def test_bias_factor_starts_at_sqrt10_and_sqrt_10t_holds_only_for_two_or_three_steps() -> None:
    r = uncorrected_over_corrected(5)
    assert r[0] == pytest.approx(np.sqrt(10), rel=1e-12)
    too_large = np.sqrt(10 * (np.arange(5) + 1)) / r - 1  # relative error of sqrt(10 (t+1))
    assert [round(e, 2) for e in too_large[:3]] == [0.0, 0.05, 0.11]
    assert np.all(np.diff(too_large) > 0)  # and it only gets worse
    assert [round(x, 2) for x in r[1:3]] == [4.25, 4.95]


def test_bias_factor_peaks_at_6_57_at_t_11() -> None:
    r = uncorrected_over_corrected(300)
    assert int(np.argmax(r)) == 11
    assert round(float(r[11]), 2) == 6.57
    assert np.all(np.diff(r[:12]) > 0)
    assert np.all(np.diff(r[11:]) < 0)


def test_bias_factor_decays_to_one_slowly() -> None:
    t = np.arange(20_000)
    r = r_formula(t)
    assert round(float(r[99]), 2) == 3.24
    assert int(t[r > 2].max()) == 286  # above 2 for the first 287 steps
    assert round(float(r[999]), 2) == 1.26
    assert int(t[r > 1.1].max()) == 1749
    assert np.all(r[12:] > 1)
    assert r[-1] - 1 < 1e-8  # falls towards its limit 1
    late = 1 / np.sqrt(1 - 0.999 ** (t + 1))
    np.testing.assert_allclose(r[49:], late[49:], rtol=0.01)  # m has forgotten its start


def adam_bound(t: int, beta1: float = 0.9, beta2: float = 0.999) -> float:
    """The right-hand side of (adam-bound) on docs/adam.md over alpha, for the step t = 0, 1, ..."""
    j = np.arange(t + 1)
    geometric = float(np.sum((beta1**2 / beta2) ** j))
    return float(
        (1 - beta1)
        / (1 - beta1 ** (t + 1))
        * np.sqrt((1 - beta2 ** (t + 1)) / (1 - beta2) * geometric)
    )


def test_adam_steps_never_exceed_the_cauchy_schwarz_bound() -> None:
    assert adam_bound(0) == pytest.approx(1.0, rel=1e-12)
    rng = np.random.default_rng(1)
    alpha = 0.01
    opt = descend.Adam(lr=alpha, eps=1e-300)
    phi: Array = np.zeros(50)
    state = opt.init(phi)
    for t in range(200):
        g = rng.standard_cauchy(50) * 10.0 ** rng.integers(-6, 6, 50)  # wild gradients
        new_phi, state = opt.step(phi, g, state)
        assert np.max(np.abs(new_phi - phi)) <= alpha * adam_bound(t) * (1 + 1e-12)
        phi = new_phi


def test_adam_bound_is_attained_by_gradients_growing_by_beta2_over_beta1() -> None:
    beta1, beta2, alpha, steps = 0.9, 0.999, 0.01, 30
    opt = descend.Adam(lr=alpha, eps=1e-300)
    phi: Array = np.zeros(1)
    state = opt.init(phi)
    for t in range(steps):
        new_phi, state = opt.step(phi, np.array([(beta2 / beta1) ** t]), state)
        step = float(phi[0] - new_phi[0])
        phi = new_phi
    assert step == pytest.approx(alpha * adam_bound(steps - 1), rel=1e-9)


# ------------------------------------------------------------- Adam: Reddi et al.'s counterexample

C, ALPHA, T = 3.0, 0.5, 5000
BETAS = (0.0, 1 / (1 + C**2))


def reddi_gradient(t: int) -> Array:
    """Gradient of f_t at step t = 0, 1, ...: +C when t mod 3 = 0, else -1."""
    return np.array([C if t % 3 == 0 else -1.0])


def inverse_sqrt(t: int) -> float:
    return ALPHA / float(np.sqrt(t + 1))


def play(opt: descend.Optimizer, steps: int = T) -> tuple[Array, descend.State]:
    x: Array = np.zeros(1)
    state = opt.init(x)
    for t in range(steps):
        x, state = opt.step(x, reddi_gradient(t), state)
        x = np.clip(x, -1.0, 1.0)
    return x, state


def test_with_the_decaying_step_adam_goes_to_plus_one_and_amsgrad_to_minus_one() -> None:
    assert np.sqrt(1 - BETAS[1]) > ALPHA  # Theorem 1's condition on alpha
    adam, _ = play(descend.Adam(lr=inverse_sqrt, betas=BETAS))
    amsgrad, _ = play(descend.Adam(lr=inverse_sqrt, betas=BETAS, amsgrad=True))
    gd, _ = play(descend.GradientDescent(lr=inverse_sqrt))
    assert round(float(adam[0]), 4) == 0.998
    assert round(float(amsgrad[0]), 4) == -0.9975
    assert gd[0] < -0.99  # projected gradient descent with the same steps solves it


@pytest.mark.parametrize(("amsgrad", "net"), [(False, 0.68), (True, -0.35)])
def test_large_gradient_steps_down_small_gradients_step_up(amsgrad: bool, net: float) -> None:
    opt = descend.Adam(lr=inverse_sqrt, betas=BETAS, amsgrad=amsgrad)
    x: Array = np.zeros(1)
    state = opt.init(x)
    for t in range(900):  # warm up the state only, at x = 0 (away from the clipping)
        _, state = opt.step(x, reddi_gradient(t), state)
    steps = []
    for t in range(900, 903):
        new_x, state = opt.step(x, reddi_gradient(t), state)
        steps.append(float(new_x[0] - x[0]) / inverse_sqrt(900))
        x = new_x
    assert reddi_gradient(900)[0] == C > 0  # the gradient +C points up ...
    assert steps[0] < 0  # ... and its step goes down
    assert steps[1] > 0  # the gradients -1 point down, their steps go up
    assert steps[2] > 0
    assert round(steps[0], 2) == -1.05
    assert round(sum(steps), 2) == net
