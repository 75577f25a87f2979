from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numerics import central_difference

from descend._validate import FloatArray
from descend.models import (
    Gabor,
    Linear,
    Logistic,
    Model,
    bce_with_logits,
    gabor_data,
    linear_data,
    log_sigmoid,
    naive_bce,
    naive_sigmoid,
    sigmoid,
)

# ---------------------------------------------------------------- helpers


def floats(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


@st.composite
def data(draw: st.DrawFn, x_max: float, y_lo: float, y_hi: float) -> tuple[FloatArray, FloatArray]:
    n = draw(st.integers(1, 12))
    x = draw(arrays(np.float64, n, elements=floats(-x_max, x_max)))
    y = draw(arrays(np.float64, n, elements=floats(y_lo, y_hi)))
    return x, y


def phis(lo0: float, hi0: float, lo1: float, hi1: float) -> st.SearchStrategy[FloatArray]:
    return st.tuples(floats(lo0, hi0), floats(lo1, hi1)).map(np.array)


reductions = st.sampled_from(["sum", "mean"])


def check_gradient(model: Model, phi: FloatArray, x: FloatArray, y: FloatArray) -> None:
    L = model.loss(phi, x, y)
    expected = central_difference(lambda p: model.loss(p, x, y), phi, h=1e-6)
    scale = 1 + abs(L) + np.abs(expected).max()
    np.testing.assert_allclose(model.grad(phi, x, y), expected, rtol=1e-5, atol=1e-6 * scale)


# ---------------------------------------------------------------- gradients


@given(phi=phis(-5, 5, -5, 5), xy=data(5, -5, 5), reduction=reductions)
def test_linear_gradient(
    phi: FloatArray, xy: tuple[FloatArray, FloatArray], reduction: str
) -> None:
    check_gradient(Linear(reduction=reduction), phi, *xy)  # type: ignore[arg-type]


@given(
    phi=phis(-10, 10, -25, 25),
    xy=data(15, -1, 1),
    reduction=reductions,
    envelope=st.sampled_from([8.0, 32.0]),
)
def test_gabor_gradient(
    phi: FloatArray, xy: tuple[FloatArray, FloatArray], reduction: str, envelope: float
) -> None:
    check_gradient(Gabor(envelope, reduction=reduction), phi, *xy)  # type: ignore[arg-type]


@given(phi=phis(-10, 10, -10, 10), xy=data(5, 0, 1), reduction=reductions)
def test_logistic_gradient(
    phi: FloatArray, xy: tuple[FloatArray, FloatArray], reduction: str
) -> None:
    check_gradient(Logistic(reduction=reduction), phi, *xy)  # type: ignore[arg-type]


@given(phi=phis(-5, 5, -5, 5), xy=data(5, -5, 5))
def test_linear_per_example_formula(phi: FloatArray, xy: tuple[FloatArray, FloatArray]) -> None:
    # dl_i/dphi = [2(phi0 + phi1 x_i - y_i), 2 x_i (phi0 + phi1 x_i - y_i)], L = sum_i l_i
    x, y = xy
    total = np.zeros(2)
    for x_i, y_i in zip(x, y, strict=True):
        r = phi[0] + phi[1] * x_i - y_i
        dl_i = Linear().grad(phi, np.array([x_i]), np.array([y_i]))
        np.testing.assert_allclose(dl_i, [2 * r, 2 * x_i * r], rtol=1e-12, atol=1e-12)
        total += dl_i
    np.testing.assert_allclose(Linear().grad(phi, x, y), total, rtol=1e-10, atol=1e-10)


MODELS: list[tuple[Callable[..., Model], float]] = [(Linear, 5.0), (Gabor, 1.0), (Logistic, 1.0)]


@pytest.mark.parametrize(("make", "y_max"), MODELS)
@given(phi=phis(-5, 5, -5, 5), seed=st.integers(0, 1000), n=st.integers(1, 20))
def test_mean_is_sum_over_n(
    make: Callable[..., Model], y_max: float, phi: FloatArray, seed: int, n: int
) -> None:
    rng = np.random.default_rng(seed)
    x = rng.uniform(-5, 5, n)
    y = rng.uniform(0, y_max, n)
    total, mean = make(reduction="sum"), make(reduction="mean")
    assert mean.loss(phi, x, y) == pytest.approx(total.loss(phi, x, y) / n, rel=1e-12)
    np.testing.assert_allclose(mean.grad(phi, x, y), total.grad(phi, x, y) / n, rtol=1e-12)
    assert total.loss(phi, x, y) == pytest.approx(total.losses(phi, x, y).sum(), rel=1e-12)


@pytest.mark.parametrize("model", [Linear(), Gabor(), Gabor(8.0), Logistic(reduction="mean")])
def test_loss_grid_matches_loss(model: Model) -> None:
    x, y = np.array([-3.0, 0.5, 2.0]), np.array([0.0, 1.0, 0.5])
    phi0, phi1 = np.meshgrid(np.linspace(-2, 2, 4), np.linspace(-3, 3, 5))
    grid = model.loss_grid(phi0, phi1, x, y)
    assert grid.shape == (5, 4)
    for i, j in np.ndindex(grid.shape):
        phi = np.array([phi0[i, j], phi1[i, j]])
        assert grid[i, j] == pytest.approx(model.loss(phi, x, y), rel=1e-12, abs=1e-14)


def test_float32_stays_float32() -> None:
    x, y = np.array([0.0, 1.0], np.float32), np.array([1.0, 0.0], np.float32)
    phi = np.array([0.5, -0.5], np.float32)
    for model in (Linear(), Gabor(), Logistic(reduction="mean")):
        assert model.grad(phi, x, y).dtype == np.float32
        assert model.predict(phi, x).dtype == np.float32


# ---------------------------------------------------------------- Gabor


def test_gabor_envelope_matters() -> None:
    phi, x = np.array([0.0, 15.0]), np.array([3.0])  # a = 2.7
    a = 0.06 * 15.0 * 3.0
    assert Gabor().predict(phi, x)[0] == pytest.approx(np.sin(a) * np.exp(-(a**2) / 32))
    assert Gabor(8.0).predict(phi, x)[0] == pytest.approx(np.sin(a) * np.exp(-(a**2) / 8))
    assert Gabor(envelope=8).envelope == 8.0


def test_gabor_data_is_deterministic_and_fits_its_phi() -> None:
    x, y = gabor_data()
    x2, y2 = gabor_data()
    assert np.array_equal(x, x2)
    assert np.array_equal(y, y2)
    assert x.shape == y.shape == (30,)
    assert np.all((x >= -15) & (x <= 15))
    assert not np.array_equal(gabor_data(seed=1)[0], x)
    x, y = gabor_data(n=40, seed=3, phi=(0.5, 12.0), noise=0.0)
    assert Gabor().loss(np.array([0.5, 12.0]), x, y) == 0.0
    assert np.allclose(Gabor().grad(np.array([0.5, 12.0]), x, y), 0.0)


def test_linear_data() -> None:
    x, y = linear_data(noise=0.0, phi=(1.0, -2.0))
    assert x.shape == (30,)
    np.testing.assert_allclose(y, 1.0 - 2.0 * x)
    assert np.array_equal(linear_data()[1], linear_data()[1])


# ---------------------------------------------------------------- logistic stability

BIG = np.array([-1e4, -1e3, -745.0, -40.0, -1.0, 0.0, 1.0, 40.0, 745.0, 1e3, 1e4])


def test_stable_functions_never_overflow() -> None:
    with np.errstate(all="raise", under="ignore"):
        s = sigmoid(BIG)
        ls = log_sigmoid(BIG)
        for y in (0.0, 0.3, 1.0):
            value = bce_with_logits(BIG, np.full_like(BIG, y))
            assert np.isfinite(value)
    assert np.all((s >= 0) & (s <= 1))
    assert np.all(np.isfinite(ls))
    assert ls[0] == -1e4
    assert ls[-1] == 0.0
    np.testing.assert_allclose(s[5:8], [0.5, 1 / (1 + np.exp(-1.0)), 1.0])


@given(z=floats(-30, 30), y=floats(0, 1))
def test_stable_functions_agree_with_formulas(z: float, y: float) -> None:
    p = 1 / (1 + np.exp(-z))
    assert sigmoid(np.array([z]))[0] == pytest.approx(p, rel=1e-12)
    assert log_sigmoid(np.array([z]))[0] == pytest.approx(np.log(p), rel=1e-10, abs=1e-14)
    # -(y log p + (1 - y) log(1 - p)) with log p = -log(1 + e^-z), log(1 - p) = -log(1 + e^z)
    exact = y * np.log1p(np.exp(-z)) + (1 - y) * np.log1p(np.exp(z))
    assert bce_with_logits(np.array([z]), np.array([y])) == pytest.approx(exact, rel=1e-12)


def test_bce_keeps_tiny_losses() -> None:
    # log(1 + e^-40) = 4.25e-18: the (max(z,0) - y z) part cancels exactly.
    assert bce_with_logits(np.array([40.0]), np.array([1.0])) == pytest.approx(np.exp(-40.0))
    assert bce_with_logits(np.array([-40.0]), np.array([0.0])) == pytest.approx(np.exp(-40.0))


@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_logistic_separable_data_stays_finite(reduction: str) -> None:
    x = np.array([-3.0, -2.0, -1.0, 1.0, 2.0, 3.0])
    y = np.array([0.0, 0.0, 0.0, 1.0, 1.0, 1.0])
    model = Logistic(reduction=reduction)  # type: ignore[arg-type]
    with np.errstate(all="raise", under="ignore"):
        for phi in ([0.0, 1e4], [0.0, -1e4], [1e4, 1e4], [-1e4, 5e3], [3e3, 0.0]):
            p = np.array(phi, dtype=np.float64)
            assert np.isfinite(model.loss(p, x, y))
            assert np.all(np.isfinite(model.grad(p, x, y)))
        theta = np.zeros(2)
        losses = []
        for _ in range(3000):  # gradient descent runs off to infinity on separable data
            theta = theta - 50.0 * model.grad(theta, x, y)
            losses.append(model.loss(theta, x, y))
    assert np.all(np.isfinite(losses))
    assert losses[-1] < 1e-6
    assert theta[1] > 10


def test_naive_versions_break() -> None:
    z = np.array([-1e4, 1e4])
    y = np.array([0.0, 1.0])  # both predictions are right
    with np.errstate(over="raise"), pytest.raises(FloatingPointError):
        naive_sigmoid(z)
    with np.errstate(all="ignore"):
        p = naive_sigmoid(z)
        assert np.array_equal(p, [0.0, 1.0])
        l_i = naive_bce(p, y)
        assert np.all(np.isnan(l_i))  # 0 * log(0) = 0 * -inf = NaN
        assert np.all(np.isinf(naive_bce(p, 1 - y)))  # log(0) = -inf for wrong labels
    assert bce_with_logits(z, y) == 0.0
    assert bce_with_logits(z, 1 - y) == 2e4
    with np.errstate(all="raise", under="ignore"):
        assert np.all(np.isfinite(Logistic().grad(np.array([0.0, 1e4]), np.array([-1.0, 1.0]), y)))


# ---------------------------------------------------------------- validation

PHI = np.array([0.0, 1.0])
X = np.array([0.0, 1.0, 2.0])
Y = np.array([0.0, 1.0, 1.0])


BAD = np.array([0.0, 2.0, 1.0])


@pytest.mark.parametrize(
    ("call", "args", "error", "match"),
    [
        (Linear().loss, (np.zeros(3), X, Y), ValueError, r"phi must have shape \(2,\).*\(3,\)"),
        (Linear().grad, (np.zeros((2, 1)), X, Y), ValueError, r"got shape \(2, 1\)"),
        (Linear().loss, (np.array([0, 1]), X, Y), TypeError, r"phi must have a real floating"),
        (Linear().loss, (PHI, X, Y[:2]), ValueError, r"len\(x\)=3 and len\(y\)=2"),
        (Linear().grad, (PHI, X[:1], Y), ValueError, r"len\(x\)=1 and len\(y\)=3"),
        (Linear().loss, (PHI, X.reshape(3, 1), Y), ValueError, r"x must be 1-D.*\(3, 1\)"),
        (Linear().loss, (PHI, np.array([]), np.array([])), ValueError, r"at least one"),
        (Linear().loss, (PHI, np.array([0, 1, 2]), Y), TypeError, r"x must have a real"),
        (Linear().loss, (PHI, X, "abc"), TypeError, r"y must be a NumPy array"),
        (Linear().loss, (PHI, X + np.nan, Y), ValueError, r"x must contain only finite"),
        (Linear().loss, (PHI, X, Y + np.inf), ValueError, r"y must contain only finite"),
        (Logistic().loss, (PHI, X, BAD), ValueError, r"y must lie in \[0, 1\]"),
        (Logistic().grad, (PHI, X, -BAD), ValueError, r"y must lie in \[0, 1\]"),
        (Linear, ("mean",), TypeError, r"positional"),
        (Gabor, (0.0,), ValueError, r"envelope must be > 0, got 0.0"),
        (Gabor, (-8.0,), ValueError, r"envelope must be > 0, got -8.0"),
        (Gabor, (float("nan"),), ValueError, r"envelope must be finite"),
        (Gabor, ("8",), TypeError, r"envelope must be a real number, got '8'"),
        (bce_with_logits, (X, Y[:2]), ValueError, r"y has shape \(2,\) but z has shape \(3,\)"),
        (bce_with_logits, (X, Y, "none"), ValueError, r"reduction must be 'sum' or 'mean'"),
        (bce_with_logits, (X, Y + 1.0), ValueError, r"y must lie in \[0, 1\] .* y\[1\] = 2.0"),
        (
            bce_with_logits,
            (X - np.inf, Y),
            ValueError,
            r"z must contain only finite .* z\[0\] = -inf",
        ),
        (bce_with_logits, (np.array([]), np.array([])), ValueError, r"at least one example"),
        (sigmoid, (np.array([1, 2]),), TypeError, r"z must have a real floating dtype"),
        (gabor_data, (0,), ValueError, r"n must be an integer >= 1, got 0"),
        (linear_data, (2.0,), TypeError, r"n must be an integer, got 2.0"),
    ],
)
def test_bad_arguments(
    call: Callable[..., object], args: tuple[object, ...], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        call(*args)


@pytest.mark.parametrize(
    ("call", "kwargs", "error", "match"),
    [
        (Linear, {"reduction": "avg"}, ValueError, r"reduction must be 'sum' or 'mean', got 'avg'"),
        (Gabor, {"reduction": None}, ValueError, r"reduction must be 'sum' or 'mean', got None"),
        (gabor_data, {"seed": -1}, ValueError, r"seed must be an integer >= 0, got -1"),
        (gabor_data, {"seed": 1.5}, TypeError, r"seed must be an integer, got 1.5"),
        (gabor_data, {"noise": -0.1}, ValueError, r"noise must be >= 0.0, got -0.1"),
        (gabor_data, {"phi": (1.0,)}, ValueError, r"phi must have shape \(2,\)"),
        (linear_data, {"phi": (1.0, np.nan)}, ValueError, r"phi must contain only finite"),
    ],
)
def test_bad_keyword_arguments(
    call: Callable[..., object], kwargs: dict[str, object], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        call(**kwargs)


def test_models_are_frozen() -> None:
    model = Gabor()
    with pytest.raises(AttributeError):
        model.envelope = 8.0  # type: ignore[misc]
    assert Gabor() == Gabor(32)
    assert repr(Linear(reduction="mean")) == "Linear(reduction='mean')"
