"""The optimizer contract, the identities the lecture implies, and laws for all inputs."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

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
    RMSprop,
)

Array = np.ndarray
GradFn = Callable[[Array], Array]

# An anisotropic, non-quadratic bowl: curvature 1 and 20 plus a quartic term.
SCALE = np.array([1.0, 20.0])


def bowl_grad(phi: Array) -> Array:
    g: Array = SCALE * phi + 0.1 * phi**3
    return g


def run(opt: descend.Optimizer, phi0: Array, grad: GradFn, steps: int) -> Array:
    phi, state = phi0.copy(), opt.init(phi0)
    path = [phi]
    for _ in range(steps):
        phi, state = opt.step(phi, grad, state)
        path.append(phi)
    return np.stack(path)


ALL_OPTIMIZERS: list[descend.Optimizer] = [
    GradientDescent(lr=0.01),
    SGD(lr=0.01),
    SGD(lr=0.01, momentum=0.9, nesterov=True, weight_decay=0.01),
    Momentum(lr=0.01),
    NesterovMomentum(lr=0.01),
    NormalizedGradient(lr=0.01),
    NormalizedGradient(lr=0.01, norm="global"),
    RMSprop(lr=0.01, centered=True, momentum=0.5),
    Adagrad(lr=0.1),
    Adam(lr=0.01, amsgrad=True),
    AdamW(lr=0.01),
]
IDS = [repr(o) for o in ALL_OPTIMIZERS]


# --- identities -------------------------------------------------------------------------


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9, 0.99])
def test_momentum_is_torch_sgd_with_lr_scaled_by_one_minus_beta(beta: float) -> None:
    alpha = 0.02
    ours = run(Momentum(lr=alpha, beta=beta), np.array([2.0, 1.0]), bowl_grad, 200)
    torch_form = run(
        SGD(lr=alpha * (1 - beta), momentum=beta), np.array([2.0, 1.0]), bowl_grad, 200
    )
    np.testing.assert_allclose(ours, torch_form, rtol=1e-12, atol=1e-14)


def test_sgd_without_momentum_is_gradient_descent() -> None:
    phi0 = np.array([2.0, 1.0])
    np.testing.assert_array_equal(
        run(SGD(lr=0.03), phi0, bowl_grad, 100), run(GradientDescent(lr=0.03), phi0, bowl_grad, 100)
    )


@pytest.mark.parametrize("beta", [0.5, 0.9])
def test_torch_nesterov_iterates_are_the_look_ahead_points_of_sutskevers_form(beta: float) -> None:
    alpha, phi0, steps = 0.02, np.array([2.0, 1.0]), 150
    lecture = NesterovMomentum(lr=alpha, beta=beta)
    phi, state = phi0.copy(), lecture.init(phi0)
    look_ahead = [phi0.copy()]
    for _ in range(steps):
        phi, state = lecture.step(phi, bowl_grad, state)
        look_ahead.append(phi - alpha * beta * state["m"])
    torch_form = run(
        SGD(lr=alpha * (1 - beta), momentum=beta, nesterov=True), phi0, bowl_grad, steps
    )
    np.testing.assert_allclose(np.stack(look_ahead), torch_form, rtol=1e-11, atol=1e-13)


def test_nesterov_differs_from_plain_momentum() -> None:
    phi0 = np.array([2.0, 1.0])
    a = run(Momentum(lr=0.02, beta=0.9), phi0, bowl_grad, 30)
    b = run(NesterovMomentum(lr=0.02, beta=0.9), phi0, bowl_grad, 30)
    assert not np.allclose(a, b)


@given(
    g=hnp.arrays(
        np.float64,
        st.integers(1, 6),
        elements=st.floats(1e-3, 1e3) | st.floats(-1e3, -1e-3),
    ),
    lr=st.floats(1e-4, 1.0),
)
def test_adam_first_step_moves_each_coordinate_by_about_lr_against_the_gradient_sign(
    g: Array, lr: float
) -> None:
    opt = Adam(lr=lr)
    phi = np.zeros_like(g)
    new_phi, _ = opt.step(phi, g, opt.init(phi))
    np.testing.assert_allclose(new_phi, -lr * np.sign(g), rtol=1e-4)


def test_normalized_gradient_reproduces_the_lectures_example() -> None:
    g = np.array([3.0, -2.0, 5.0])
    phi = np.zeros(3)
    per_coordinate = NormalizedGradient(lr=1.0)
    global_norm = NormalizedGradient(lr=1.0, norm="global")
    step_coord = phi - per_coordinate.step(phi, g, per_coordinate.init(phi))[0]
    step_global = phi - global_norm.step(phi, g, global_norm.init(phi))[0]
    np.testing.assert_allclose(step_coord, [1.0, -1.0, 1.0], rtol=1e-8)
    np.testing.assert_allclose(step_global, g / np.sqrt(38.0), rtol=1e-8)
    np.testing.assert_allclose(np.round(step_global, 2), [0.49, -0.32, 0.81])


def test_per_coordinate_normalized_gradient_moves_on_a_grid() -> None:
    alpha, phi0 = 0.1, np.array([1.03, -0.57])
    path = run(NormalizedGradient(lr=alpha, eps=1e-12), phi0, bowl_grad, 60)
    steps = (path - phi0) / alpha
    np.testing.assert_allclose(steps, np.round(steps), atol=1e-9)
    # It never settles: the last iterates bounce between two grid points.
    assert not np.allclose(path[-1], path[-2])
    np.testing.assert_allclose(path[-1], path[-3], atol=1e-12)


def test_adamw_is_adam_with_decoupled_weight_decay() -> None:
    phi0 = np.array([2.0, 1.0])
    a = run(AdamW(lr=0.01, weight_decay=0.1), phi0, bowl_grad, 50)
    b = run(Adam(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True), phi0, bowl_grad, 50)
    np.testing.assert_array_equal(a, b)
    assert AdamW().weight_decay == 0.01


def test_adam_amsgrad_keeps_the_running_maximum_of_v() -> None:
    opt = Adam(lr=0.1, amsgrad=True)
    phi = np.array([1.0])
    state = opt.init(phi)
    for g in [10.0, 0.1, 0.1]:
        phi, state = opt.step(phi, np.array([g]), state)
    assert state["v_max"][0] > state["v"][0]
    assert state["v_max"][0] == pytest.approx((1 - 0.999) * 100.0)


# --- the contract ------------------------------------------------------------------------


@pytest.mark.parametrize("opt", ALL_OPTIMIZERS, ids=IDS)
def test_step_never_modifies_the_callers_phi_and_updates_the_state_in_place(
    opt: descend.Optimizer,
) -> None:
    phi = np.array([[1.0, -2.0], [0.5, 3.0]])
    before = phi.copy()
    state = opt.init(phi)
    snapshot = state.copy()
    for _ in range(2):
        new_phi, new_state = opt.step(phi, lambda p: 2 * p, state)
    np.testing.assert_array_equal(phi, before)
    assert new_state is state
    assert state.t == 2
    assert snapshot.t == 0
    assert all(not np.any(b) for b in snapshot.buffers.values()) or isinstance(opt, Adagrad)
    assert new_phi is not phi


@pytest.mark.parametrize("opt", ALL_OPTIMIZERS, ids=IDS)
def test_out_equal_phi_updates_in_place_and_gives_the_same_step(opt: descend.Optimizer) -> None:
    phi = np.linspace(-1.0, 1.0, 10).reshape(2, 5)
    a_state, b_state = opt.init(phi), opt.init(phi)
    expected: Array = phi.copy()
    in_place = phi.copy()
    for _ in range(5):
        expected, _ = opt.step(expected, bowl_grad_any, a_state)
        result, _ = opt.step(in_place, bowl_grad_any, b_state, out=in_place)
        assert result is in_place
    np.testing.assert_array_equal(in_place, expected)


def bowl_grad_any(phi: Array) -> Array:
    g: Array = 2.0 * phi + 0.1 * phi**3
    return g


@pytest.mark.parametrize("size", [1, 7, 8191, 8192, 8193, 50_000])
def test_blockwise_application_agrees_with_one_block(size: int) -> None:
    from descend import _base

    rng = np.random.default_rng(size)
    phi0 = rng.standard_normal(size)
    grads = [rng.standard_normal(size) for _ in range(4)]
    results = []
    for block_bytes in [_base.BLOCK_BYTES, 8 * size + 8]:
        old, _base.BLOCK_BYTES = _base.BLOCK_BYTES, block_bytes
        try:
            opt = Adam(lr=0.01, amsgrad=True)
            phi: Array = phi0.copy()
            state = opt.init(phi0)
            for g in grads:
                phi, state = opt.step(phi, g, state)
            results.append(phi)
        finally:
            _base.BLOCK_BYTES = old
    np.testing.assert_array_equal(results[0], results[1])


def test_a_non_contiguous_phi_is_handled() -> None:
    base = np.arange(24, dtype=float).reshape(4, 6)
    phi = base[:, ::2]  # a strided view
    opt = Momentum(lr=0.1)
    state = opt.init(phi)
    new, state = opt.step(phi, 2 * phi, state)
    np.testing.assert_allclose(new, phi - 0.1 * 0.1 * 2 * phi)
    np.testing.assert_array_equal(base[:, ::2], phi)


@pytest.mark.parametrize("opt", ALL_OPTIMIZERS, ids=IDS)
def test_every_optimizer_descends_a_bowl_of_any_shape(opt: descend.Optimizer) -> None:
    phi0 = np.full((2, 3, 2), 0.8)
    path = run(opt, phi0, lambda p: 2 * p, 300)
    assert np.sum(path[-1] ** 2) < np.sum(phi0**2)


@pytest.mark.parametrize("opt", ALL_OPTIMIZERS, ids=IDS)
def test_float32_parameters_stay_float32(opt: descend.Optimizer) -> None:
    phi = np.ones(4, dtype=np.float32)
    new_phi, state = opt.step(phi, lambda p: 2 * p, opt.init(phi))
    assert new_phi.dtype == np.float32
    assert all(b.dtype == np.float32 for b in state.buffers.values())


@pytest.mark.parametrize("opt", ALL_OPTIMIZERS, ids=IDS)
def test_array_and_callable_gradients_give_the_same_step(opt: descend.Optimizer) -> None:
    if opt.needs_callable:
        pytest.skip("this rule evaluates the gradient at a look-ahead point")
    phi = np.array([0.3, -0.7])
    state = opt.init(phi)
    a = opt.step(phi, bowl_grad(phi), state.copy())
    b = opt.step(phi, bowl_grad, state.copy())
    np.testing.assert_array_equal(a[0], b[0])
    assert a[1] == b[1]


def test_lookahead_rule_refuses_an_array_gradient() -> None:
    opt = NesterovMomentum(lr=0.1)
    phi = np.zeros(2)
    with pytest.raises(TypeError, match="callable phi -> gradient"):
        opt.step(phi, np.ones(2), opt.init(phi))


def test_a_schedule_is_accepted_wherever_lr_is() -> None:
    from descend.schedules import StepLR

    opt = GradientDescent(lr=StepLR(1.0, step_size=1, gamma=0.5))
    phi = np.array([1.0])
    state = opt.init(phi)
    moves = []
    for _ in range(3):
        new, state = opt.step(phi, np.array([1.0]), state)
        moves.append(float(phi[0] - new[0]))
        phi = new
    assert moves == [1.0, 0.5, 0.25]


def test_optimizers_are_immutable_and_report_their_hyperparameters() -> None:
    opt = Adam(lr=0.01, betas=(0.8, 0.99))
    with pytest.raises(AttributeError):
        opt.lr = 0.1  # type: ignore[misc]
    assert opt.hyperparameters()["betas"] == (0.8, 0.99)
    assert Adam(lr=0.01) == Adam(lr=0.01)


@pytest.mark.parametrize(
    ("factory", "message"),
    [
        (lambda: GradientDescent(lr=-0.1), "lr must be >= 0"),
        (lambda: GradientDescent(lr=float("nan")), "lr must be finite"),
        (lambda: SGD(momentum=-1.0), "momentum must be >= 0"),
        (lambda: SGD(lr=0.1, nesterov=True), "nesterov=True requires momentum > 0"),
        (lambda: SGD(lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), "dampening == 0"),
        (lambda: Momentum(lr=0.1, beta=1.0), r"beta must be in \[0.0, 1.0\)"),
        (lambda: Adam(betas=(0.9, 1.5)), r"betas\[1\] must be in"),
        (lambda: Adam(eps=0.0), "eps must be > 0"),
        (lambda: RMSprop(alpha=-0.1), "alpha must be in"),
        (lambda: Adagrad(lr_decay=-1.0), "lr_decay must be >= 0"),
        (lambda: NormalizedGradient(lr=0.1, norm="l1"), "norm must be"),  # type: ignore[arg-type]
    ],
)
def test_bad_hyperparameters_are_refused_with_a_message_naming_them(
    factory: Callable[[], object], message: str
) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        factory()


@pytest.mark.parametrize(
    ("phi", "grad", "message"),
    [
        (np.zeros(3), np.zeros(4), r"grad has shape \(4,\) but phi has shape \(3,\)"),
        (np.zeros(3, dtype=int), np.zeros(3), "phi must have a real floating dtype"),
        (np.zeros(3), np.zeros(3, dtype=complex), "grad must have a real floating dtype"),
        (np.zeros(3), lambda p: np.zeros(2), r"grad has shape \(2,\)"),
    ],
)
def test_step_refuses_mismatched_or_non_float_arrays(
    phi: Array, grad: object, message: str
) -> None:
    opt = Adam()
    with pytest.raises((ValueError, TypeError), match=message):
        opt.step(phi, grad, opt.init(np.zeros(3)))  # type: ignore[arg-type]


def test_step_refuses_a_state_from_another_optimizer_or_shape() -> None:
    phi = np.zeros(3)
    with pytest.raises(ValueError, match="state was made by SGD, not Adam"):
        Adam().step(phi, phi, SGD(momentum=0.9).init(phi))
    with pytest.raises(ValueError, match=r"buffer 'm' has shape \(2,\)"):
        Adam().step(phi, phi, Adam().init(np.zeros(2)))
    with pytest.raises(ValueError, match="keeps"):
        Adam(amsgrad=True).step(phi, phi, Adam().init(phi))


# --- laws for all inputs -----------------------------------------------------------------

finite = st.floats(-1e3, 1e3, allow_nan=False)
vectors = hnp.arrays(np.float64, st.integers(1, 5), elements=finite)


@given(phi=vectors, lr=st.floats(0, 10))
def test_gradient_descent_is_a_fixed_point_where_the_gradient_vanishes(
    phi: Array, lr: float
) -> None:
    for opt in [GradientDescent(lr=lr), Momentum(lr=lr), Adam(lr=lr), SGD(lr=lr, momentum=0.5)]:
        new, _ = opt.step(phi, np.zeros_like(phi), opt.init(phi))
        np.testing.assert_array_equal(new, phi)


@given(phi=vectors, g=st.data(), lr=st.floats(1e-3, 1.0))
@settings(max_examples=50)
def test_normalized_step_has_length_lr(phi: Array, g: st.DataObject, lr: float) -> None:
    grad = g.draw(hnp.arrays(np.float64, phi.shape, elements=st.floats(0.1, 100)))
    opt = NormalizedGradient(lr=lr, norm="global", eps=1e-12)
    new, _ = opt.step(phi, grad, opt.init(phi))
    assert np.linalg.norm(new - phi) == pytest.approx(lr, rel=1e-6)


@given(phi=vectors, c=st.floats(1e-3, 1e3))
@settings(max_examples=50)
def test_adam_steps_are_invariant_to_rescaling_the_gradient(phi: Array, c: float) -> None:
    # m -> c m and sqrt(v) -> c sqrt(v): the ratio is unchanged (up to eps).
    rng = np.random.default_rng(0)
    grads = [rng.standard_normal(phi.shape) for _ in range(5)]
    opt = Adam(lr=0.1, eps=1e-300)
    a, sa, b, sb = phi, opt.init(phi), phi, opt.init(phi)
    for g in grads:
        a, sa = opt.step(a, g, sa)
        b, sb = opt.step(b, c * g, sb)
    np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


@given(phi=vectors, lr=st.floats(1e-3, 1.0), sign=st.sampled_from([-1.0, 1.0]))
def test_maximize_is_minimizing_the_negated_loss(phi: Array, lr: float, sign: float) -> None:
    g = sign * np.linspace(0.5, 2.0, phi.size)
    for cls in [SGD, Adam, RMSprop, Adagrad]:
        up = cls(lr=lr, maximize=True)
        down = cls(lr=lr)
        np.testing.assert_array_equal(
            up.step(phi, g, up.init(phi))[0], down.step(phi, -g, down.init(phi))[0]
        )


def test_nesterov_slide_lookahead_takes_the_gradient_at_phi_minus_alpha_m() -> None:
    alpha, beta = 0.1, 0.8
    seen: list[np.ndarray] = []

    def grad(p: np.ndarray) -> np.ndarray:
        seen.append(p.copy())
        return 2 * p

    for opt, ahead in (
        (descend.NesterovMomentum(lr=alpha, beta=beta, lookahead="momentum"), alpha * beta),
        (descend.NesterovMomentum(lr=alpha, beta=beta, lookahead="slide"), alpha),
    ):
        phi = np.array([1.0, -2.0])
        state = opt.init(phi)
        for _ in range(3):
            m = state["m"].copy()
            seen.clear()
            new_phi, state = opt.step(phi, grad, state)
            np.testing.assert_array_equal(seen[-1], phi - ahead * m)
            np.testing.assert_allclose(state["m"], beta * m + (1 - beta) * 2 * seen[-1])
            phi = new_phi


def test_nesterov_refuses_an_unknown_lookahead_naming_it() -> None:
    with pytest.raises(ValueError, match="lookahead must be 'momentum' or 'slide', got 'far'"):
        descend.NesterovMomentum(lr=0.1, lookahead="far")  # type: ignore[arg-type]
