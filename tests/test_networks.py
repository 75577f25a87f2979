"""The many-parameter models (descend.networks), the softmax cross-entropy, and labels as data
sets give them (integer and boolean 0/1 arrays, integer class labels)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numerics import central_difference

import descend
from descend._validate import FloatArray
from descend.landscapes import DataLoss, hessian
from descend.models import (
    Logistic,
    bce_with_logits,
    softmax,
    softmax_cross_entropy,
    softmax_cross_entropy_grad,
)
from descend.networks import MLP, LogisticRegression, Network

RNG = np.random.default_rng(20)


def finite(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


@st.composite
def logits_and_labels(
    draw: st.DrawFn, bound: float = 30.0
) -> tuple[FloatArray, np.ndarray[Any, np.dtype[np.int64]]]:
    n, k = draw(st.integers(1, 6)), draw(st.integers(1, 5))
    z = draw(arrays(np.float64, (n, k), elements=finite(-bound, bound)))
    y = draw(arrays(np.int64, n, elements=st.integers(0, k - 1)))
    return z, y


def check_gradient(network: Network, phi: FloatArray, x: FloatArray, y: Any) -> None:
    """Every partial derivative of the backward pass against central differences."""
    expected = central_difference(lambda p: network.loss(p, x, y), phi, h=1e-6)
    scale = 1 + abs(network.loss(phi, x, y)) + np.abs(expected).max()
    np.testing.assert_allclose(network.grad(phi, x, y), expected, rtol=1e-6, atol=1e-7 * scale)


# ---------------------------------------------------------------- the softmax cross-entropy


def naive_softmax_cross_entropy(z: FloatArray, y: np.ndarray[Any, Any]) -> float:
    """-log of the softmax typed in literally (fine for moderate logits only)."""
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    return float(-np.log(p[np.arange(len(z)), y]).sum())


@given(logits_and_labels(), finite(-1e3, 1e3))
def test_softmax_cross_entropy_ignores_a_constant_added_to_the_logits_of_an_example(
    zy: tuple[FloatArray, np.ndarray[Any, Any]], shift: float
) -> None:
    z, y = zy
    shifted = z + shift * np.arange(1, len(z) + 1)[:, None]  # a different constant per row
    scale = 1 + softmax_cross_entropy(z, y) + np.abs(shifted).max() * 1e-13
    assert softmax_cross_entropy(shifted, y) == pytest.approx(
        softmax_cross_entropy(z, y), abs=1e-9 * scale
    )


@given(logits_and_labels(bound=1e300))
def test_the_gradient_rows_sum_to_zero_and_hold_probabilities_minus_one_hot(
    zy: tuple[FloatArray, np.ndarray[Any, Any]],
) -> None:
    z, y = zy
    g = softmax_cross_entropy_grad(z, y)
    np.testing.assert_allclose(g.sum(axis=1), 0.0, atol=1e-12)
    onehot = np.eye(z.shape[1])[y]
    np.testing.assert_allclose(g + onehot, softmax(z), atol=1e-15)
    assert np.all(g + onehot >= 0)


@given(logits_and_labels(bound=30.0))
def test_softmax_cross_entropy_agrees_with_the_naive_formula_on_moderate_logits(
    zy: tuple[FloatArray, np.ndarray[Any, Any]],
) -> None:
    z, y = zy
    assert softmax_cross_entropy(z, y) == pytest.approx(
        naive_softmax_cross_entropy(z, y), rel=1e-10, abs=1e-10
    )


@given(logits_and_labels(bound=1e300))
def test_softmax_cross_entropy_is_finite_and_non_negative_for_huge_logits(
    zy: tuple[FloatArray, np.ndarray[Any, Any]],
) -> None:
    z, y = zy
    loss = softmax_cross_entropy(z, y)
    assert np.isfinite(loss)
    assert loss >= 0
    assert np.all(np.isfinite(softmax_cross_entropy_grad(z, y)))


def test_huge_logits_give_the_exact_loss_where_the_naive_form_overflows() -> None:
    z = np.array([[1000.0, 0.0, -1000.0], [1000.0, 999.0, 0.0]])
    with np.errstate(over="ignore", invalid="ignore"):
        assert np.isnan(naive_softmax_cross_entropy(z, np.array([0, 0])))
    assert softmax_cross_entropy(z, np.array([2, 0])) == pytest.approx(2000 + np.log1p(np.exp(-1)))


@given(logits_and_labels(bound=10.0), st.sampled_from(["sum", "mean"]))
def test_softmax_cross_entropy_grad_is_the_derivative_of_the_loss(
    zy: tuple[FloatArray, np.ndarray[Any, Any]], reduction: Any
) -> None:
    z, y = zy
    expected = central_difference(
        lambda flat: softmax_cross_entropy(flat.reshape(z.shape), y, reduction), z.ravel(), 1e-6
    ).reshape(z.shape)
    got = softmax_cross_entropy_grad(z, y, reduction)
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-8)


@given(
    arrays(np.float64, 7, elements=finite(-40, 40)), arrays(np.int64, 7, elements=st.integers(0, 1))
)
def test_two_classes_are_the_binary_cross_entropy_of_the_logit_difference(
    d: FloatArray, y: np.ndarray[Any, Any]
) -> None:
    z = np.stack([np.zeros(7), d], axis=1)
    assert softmax_cross_entropy(z, y) == pytest.approx(bce_with_logits(d, y), rel=1e-12, abs=1e-12)


def test_the_mean_is_the_sum_over_the_number_of_examples() -> None:
    z, y = RNG.normal(size=(5, 4)), np.array([0, 3, 1, 1, 2])
    assert softmax_cross_entropy(z, y, "mean") == pytest.approx(softmax_cross_entropy(z, y) / 5)
    np.testing.assert_allclose(
        softmax_cross_entropy_grad(z, y, "mean"), softmax_cross_entropy_grad(z, y) / 5
    )


def test_class_labels_may_be_whole_floats_or_lists() -> None:
    z = RNG.normal(size=(3, 4))
    expected = softmax_cross_entropy(z, np.array([0, 3, 2]))
    assert softmax_cross_entropy(z, np.array([0.0, 3.0, 2.0])) == expected
    assert softmax_cross_entropy(z, [0, 3, 2]) == expected
    assert softmax_cross_entropy(z, np.array([0, 3, 2], dtype=np.uint8)) == expected


# ---------------------------------------------------------------- binary labels


@pytest.mark.parametrize("dtype", [np.int64, np.int8, np.uint8, np.bool_])
def test_binary_losses_take_integer_and_boolean_labels_exactly_as_floats(dtype: Any) -> None:
    z = np.array([-3.0, 0.5, 40.0, -800.0])
    labels = np.array([0, 1, 1, 0]).astype(dtype)
    as_float = np.array([0.0, 1.0, 1.0, 0.0])
    assert bce_with_logits(z, labels) == bce_with_logits(z, as_float)
    x, phi = np.array([0.0, 1.0, 2.0, 3.0]), np.array([0.3, -0.7])
    assert Logistic().loss(phi, x, labels) == Logistic().loss(phi, x, as_float)
    grad = Logistic().grad(phi, x, labels)
    np.testing.assert_array_equal(grad, Logistic().grad(phi, x, as_float))
    data = DataLoss(Logistic(), x, labels)
    assert data.y.dtype == np.float64
    np.testing.assert_array_equal(data.y, as_float)
    features = x[:, None]
    network = LogisticRegression(1)
    assert network.loss(np.array([-0.7, 0.3]), features, labels) == Logistic().loss(
        phi, x, as_float
    )


@pytest.mark.parametrize("bad", [np.array([0, 2, 1, 0]), np.array([0, 1, -1, 0])])
def test_other_integer_labels_are_refused_naming_the_first(bad: np.ndarray[Any, Any]) -> None:
    first = int(np.flatnonzero((bad < 0) | (bad > 1))[0])
    message = rf"y must lie in \[0, 1\] .*got y\[{first}\] = {bad[first]}$"
    with pytest.raises(ValueError, match=message):
        bce_with_logits(np.zeros(4), bad)
    with pytest.raises(ValueError, match=message):
        Logistic().loss(np.zeros(2), np.zeros(4), bad)
    with pytest.raises(ValueError, match=message):
        LogisticRegression(2).loss(np.zeros(3), np.zeros((4, 2)), bad)


# ---------------------------------------------------------------- the networks


@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("reduction", ["sum", "mean"])
@pytest.mark.parametrize("l2", [0.0, 0.3])
def test_mlp_backward_pass_agrees_with_finite_differences(
    activation: Any, reduction: Any, l2: float
) -> None:
    network = MLP(4, 6, 3, activation=activation, reduction=reduction, l2=l2)
    rng = np.random.default_rng(1)
    phi = network.init(rng) + 0.1 * rng.normal(size=network.size)  # biases not all zero
    x, y = rng.normal(size=(9, 4)), rng.integers(0, 3, size=9)
    check_gradient(network, phi, x, y)


@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_logistic_regression_gradient_agrees_with_finite_differences(reduction: Any) -> None:
    network = LogisticRegression(5, reduction=reduction, l2=2.0)
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(11, 5)), rng.integers(0, 2, size=11)
    check_gradient(network, rng.normal(size=network.size), x, y)


def test_logistic_regression_on_one_feature_is_the_logistic_model() -> None:
    x, y = RNG.normal(size=8), (RNG.random(8) > 0.5).astype(float)
    phi = np.array([0.4, -1.3])  # Logistic: (intercept, slope); the network: (W, b)
    swapped, features = phi[::-1].copy(), x[:, None]
    network, model = LogisticRegression(1), Logistic()
    assert network.loss(swapped, features, y) == pytest.approx(model.loss(phi, x, y))
    np.testing.assert_allclose(network.grad(swapped, features, y), model.grad(phi, x, y)[::-1])
    np.testing.assert_allclose(network.predict(swapped, features), model.predict(phi, x))


def test_the_penalty_is_half_l2_times_the_squared_weights_and_leaves_the_biases_alone() -> None:
    network, plain = MLP(3, 4, 2, l2=0.5), MLP(3, 4, 2)
    phi = network.init(3) + 1.0
    x, y = RNG.normal(size=(5, 3)), np.array([0, 1, 1, 0, 1])
    p = network.views(phi)
    squares = np.sum(p["W1"] ** 2) + np.sum(p["W2"] ** 2)
    assert network.loss(phi, x, y) == pytest.approx(plain.loss(phi, x, y) + 0.25 * squares)
    difference = network.views(network.grad(phi, x, y) - plain.grad(phi, x, y))
    np.testing.assert_allclose(difference["W1"], 0.5 * p["W1"])
    np.testing.assert_array_equal(difference["b1"], 0.0)
    np.testing.assert_array_equal(difference["b2"], 0.0)


def test_views_are_views_into_phi_in_the_documented_order() -> None:
    network = MLP(2, 3, 4)
    phi = np.arange(network.size, dtype=float)
    p = network.views(phi)
    assert list(p) == ["W1", "b1", "W2", "b2"]
    assert [v.shape for v in p.values()] == [(3, 2), (3,), (4, 3), (4,)]
    assert all(np.shares_memory(v, phi) for v in p.values())
    assert network.size == 6 + 3 + 12 + 4


def test_init_scales_the_weights_by_the_fan_in_and_zeros_the_biases() -> None:
    for activation, gain in (("tanh", 1.0), ("relu", 2.0)):
        network = MLP(400, 300, 10, activation=activation)  # type: ignore[arg-type]
        p = network.views(network.init(0))
        assert np.std(p["W1"]) == pytest.approx(np.sqrt(gain / 400), rel=0.01)
        assert np.std(p["W2"]) == pytest.approx(np.sqrt(gain / 300), rel=0.05)
        assert not p["b1"].any()
        assert not p["b2"].any()
    np.testing.assert_array_equal(MLP(3, 4, 2).init(7), MLP(3, 4, 2).init(np.random.default_rng(7)))


def test_an_mlp_trains_with_fit_and_minibatches_through_data_loss() -> None:
    rng = np.random.default_rng(4)
    centres = rng.normal(size=(3, 2)) * 3
    y = rng.integers(0, 3, size=60)
    x = centres[y] + rng.normal(size=(60, 2))
    network = MLP(2, 8, 3, reduction="mean")
    problem = DataLoss(network, x, y)
    opt = descend.Adam(lr=0.05)
    run = descend.fit(opt, problem, network.init(0), epochs=20, batch_size=10, rng=0)
    assert run.phi.shape == (20 * 6 + 1, network.size)
    assert run.final_loss < run.loss[0] / 4
    accuracy = np.mean(np.argmax(network.logits(run.final_phi, x), axis=1) == y)
    assert accuracy > 0.9


def test_the_hessian_of_logistic_regression_is_x_diag_p_one_minus_p_x_plus_the_penalty() -> None:
    x, y = RNG.normal(size=(20, 3)), RNG.integers(0, 2, size=20)
    network = LogisticRegression(3, l2=1.5)
    phi = RNG.normal(size=4)
    A = np.c_[x, np.ones(20)]
    p = network.predict(phi, x)
    expected = A.T @ (A * (p * (1 - p))[:, None]) + np.diag([1.5, 1.5, 1.5, 0.0])
    np.testing.assert_allclose(hessian(DataLoss(network, x, y), phi), expected, atol=1e-7)


def test_a_network_has_no_two_parameter_loss_grid() -> None:
    data = DataLoss(MLP(2, 3, 2), np.zeros((4, 2)), np.array([0, 1, 1, 0]))
    with pytest.raises(TypeError, match=r"loss_grid needs a two-parameter model, got MLP with 17"):
        data.loss_grid(np.zeros(3), np.zeros(3))


@settings(deadline=None, max_examples=30)
@given(arrays(np.float64, 4 * 3 + 3 + 2 * 3 + 2, elements=finite(-1e200, 1e200)))
def test_huge_parameters_never_raise_a_floating_point_warning(phi: FloatArray) -> None:
    # Warnings are errors in this test suite: a loss that overflows is inf or NaN, quietly,
    # for the optimizers to report.
    network = MLP(4, 3, 2, activation="relu")
    x, y = np.ones((3, 4)), np.array([0, 1, 1])
    assert isinstance(network.loss(phi, x, y), float)
    assert network.grad(phi, x, y).shape == phi.shape
    assert network.predict(phi, x).shape == (3, 2)


def test_moderate_parameters_give_a_finite_loss_and_gradient() -> None:
    network = MLP(4, 3, 2, activation="relu")
    phi = np.full(network.size, 1e3)
    x, y = np.ones((3, 4)), np.array([0, 1, 1])
    assert np.isfinite(network.loss(phi, x, y))
    assert np.all(np.isfinite(network.grad(phi, x, y)))
