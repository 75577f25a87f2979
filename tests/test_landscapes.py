from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numerics import central_difference

from descend._validate import FloatArray
from descend.landscapes import DataLoss, FixedStep, Landscape, Quadratic, Rosenbrock
from descend.minibatches import minibatches
from descend.models import Gabor, Linear, Logistic, gabor_data, linear_data

X, Y = gabor_data()
ANALYTIC = [
    Quadratic(),
    Quadratic(2.0, 0.5, angle=0.6),
    Rosenbrock(),
    Rosenbrock(a=-1.5, b=10.0),
    FixedStep(),
]
ALL = [
    *ANALYTIC,
    DataLoss(Gabor(), X, Y),
    DataLoss(Linear(reduction="mean"), *linear_data()),
    DataLoss(Logistic(), np.array([-1.0, 0.5, 2.0]), np.array([0.0, 1.0, 1.0])),
]
ids = [type(s).__name__ for s in ALL]


def points_in(
    bounds: tuple[tuple[float, float], tuple[float, float]],
) -> st.SearchStrategy[FloatArray]:
    (lo0, hi0), (lo1, hi1) = bounds
    return st.tuples(st.floats(lo0, hi0), st.floats(lo1, hi1)).map(np.array)


@pytest.mark.parametrize("landscape", ALL, ids=ids)
def test_satisfies_protocol(landscape: Landscape) -> None:
    assert isinstance(landscape, Landscape)
    assert isinstance(landscape.loss(np.array([0.1, 0.2])), float)
    g = landscape.grad(np.array([0.1, 0.2]))
    assert g.shape == (2,)


@pytest.mark.parametrize("landscape", ANALYTIC, ids=[type(s).__name__ for s in ANALYTIC])
def test_float32_stays_float32(landscape: Landscape) -> None:
    assert landscape.grad(np.array([0.3, -0.2], dtype=np.float32)).dtype == np.float32


@pytest.mark.parametrize("landscape", ALL, ids=ids)
@given(data=st.data())
def test_gradient_matches_finite_differences(landscape: Landscape, data: st.DataObject) -> None:
    box = getattr(landscape, "bounds", ((-10.0, 10.0), (2.5, 22.5)))
    phi = data.draw(points_in(box))
    expected = central_difference(landscape.loss, phi, h=1e-6)
    scale = 1 + abs(landscape.loss(phi)) + np.abs(expected).max()
    np.testing.assert_allclose(landscape.grad(phi), expected, rtol=1e-5, atol=1e-6 * scale)


@pytest.mark.parametrize("landscape", ANALYTIC, ids=[type(s).__name__ for s in ANALYTIC])
def test_minimum(landscape: Quadratic | Rosenbrock | FixedStep) -> None:
    m = landscape.minimum
    assert m.shape == (2,)
    assert landscape.loss(m) == pytest.approx(0.0, abs=1e-15)
    np.testing.assert_allclose(landscape.grad(m), 0.0, atol=1e-14)
    (lo0, hi0), (lo1, hi1) = landscape.bounds
    assert lo0 < m[0] < hi0
    assert lo1 < m[1] < hi1
    assert isinstance(landscape.name, str)
    # it is a minimum: every nearby point is higher
    rng = np.random.default_rng(0)
    for d in rng.normal(size=(20, 2)) * 1e-3:
        assert landscape.loss(m + d) > landscape.loss(m)


@pytest.mark.parametrize("landscape", ALL, ids=ids)
def test_loss_grid_matches_loss(landscape: Quadratic | Rosenbrock | FixedStep | DataLoss) -> None:
    (lo0, hi0), (lo1, hi1) = getattr(landscape, "bounds", ((-10.0, 10.0), (2.5, 22.5)))
    phi0, phi1 = np.meshgrid(np.linspace(lo0, hi0, 7), np.linspace(lo1, hi1, 5))
    grid = landscape.loss_grid(phi0, phi1)
    assert grid.shape == (5, 7)
    for i, j in np.ndindex(grid.shape):
        expected = landscape.loss(np.array([phi0[i, j], phi1[i, j]]))
        assert grid[i, j] == pytest.approx(expected, rel=1e-12, abs=1e-14)


def test_loss_grid_broadcasts() -> None:
    phi0 = np.linspace(-1, 1, 4)
    phi1 = np.linspace(-1, 1, 3)[:, np.newaxis]
    assert FixedStep().loss_grid(phi0, phi1).shape == (3, 4)
    assert DataLoss(Gabor(), X, Y).loss_grid(phi0, phi1).shape == (3, 4)


@given(phi=points_in(((-3.0, 3.0), (-3.0, 3.0))), angle=st.floats(-4, 4))
def test_rotated_quadratic_keeps_curvatures(phi: FloatArray, angle: float) -> None:
    q = Quadratic(1.0, 10.0, angle=angle)
    c, s = np.cos(angle), np.sin(angle)
    R = np.array([[c, -s], [s, c]])
    H = R @ np.diag([1.0, 10.0]) @ R.T
    assert q.loss(phi) == pytest.approx(0.5 * phi @ H @ phi, rel=1e-9, abs=1e-12)
    np.testing.assert_allclose(q.grad(phi), H @ phi, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(np.linalg.eigvalsh(H), [1.0, 10.0])


def test_fixed_step_shape() -> None:
    f = FixedStep()
    # Hessian at the minimum is diag(1/4, 4) (finite differences of the gradient)
    m, h = f.minimum, 1e-5
    H = np.array([(f.grad(m + h * e) - f.grad(m - h * e)) / (2 * h) for e in np.eye(2)])
    np.testing.assert_allclose(H, np.diag([0.25, 4.0]), atol=1e-8)
    # from the textbook's start the gradient points mostly across the valley
    g = f.grad(np.array([-0.7, -0.9]))
    assert abs(g[1]) > 10 * abs(g[0])


def gradient_descent(f: FixedStep, alpha: float, steps: int) -> FloatArray:
    phi = np.array([-0.7, -0.9])
    for _ in range(steps):
        phi = phi - alpha * f.grad(phi)
    return phi


def test_fixed_step_has_no_good_step_size() -> None:
    f = FixedStep()
    slow = gradient_descent(f, 0.1, 40)  # creeps along phi0
    assert abs(slow[1]) < 1e-3
    assert slow[0] < 0.2
    bouncing = gradient_descent(f, 0.6, 2000)  # two-cycle across phi1
    assert abs(bouncing[1]) > 0.25
    assert abs(gradient_descent(f, 0.6, 2001)[1] + bouncing[1]) < 1e-6
    good = gradient_descent(f, 0.45, 60)
    np.testing.assert_allclose(good, f.minimum, atol=1e-2)


def test_data_loss_subset_for_minibatches() -> None:
    full = DataLoss(Gabor(), X, Y)
    phi = np.array([-1.5, 12.0])
    total = np.zeros(2)
    for b in minibatches(len(full), 7, rng=0):
        part = full.subset(b.indices)
        assert len(part) == len(b.indices)
        assert part.loss(phi) == pytest.approx(Gabor().loss(phi, X[b.indices], Y[b.indices]))
        total += part.grad(phi)
    np.testing.assert_allclose(total, full.grad(phi), rtol=1e-12)
    mean = DataLoss(Gabor(reduction="mean"), X, Y).subset([0, 1, 2])
    assert mean.loss(phi) == pytest.approx(Gabor().loss(phi, X[:3], Y[:3]) / 3)


def test_data_loss_of_gabor_data_is_small_at_true_phi() -> None:
    x, y = gabor_data(noise=0.0)
    np.testing.assert_allclose(DataLoss(Gabor(), x, y).grad(np.array([0.0, 15.0])), 0.0, atol=1e-12)


def test_frozen() -> None:
    with pytest.raises(AttributeError):
        Quadratic().a = 3.0  # type: ignore[misc]
    with pytest.raises(AttributeError):
        DataLoss(Linear(), X, Y).x = X  # type: ignore[misc]
    assert Rosenbrock() == Rosenbrock(1, 100)


@pytest.mark.parametrize(
    ("call", "args", "error", "match"),
    [
        (Quadratic, (0.0,), ValueError, r"a must be > 0, got 0.0"),
        (Quadratic, (1.0, -1.0), ValueError, r"b must be > 0, got -1.0"),
        (Quadratic, (1.0, 10.0, "45"), TypeError, r"angle must be a real number, got '45'"),
        (Rosenbrock, (np.inf,), ValueError, r"a must be finite"),
        (Rosenbrock, (1.0, 0.0), ValueError, r"b must be > 0, got 0.0"),
        (FixedStep().loss, (np.zeros(3),), ValueError, r"phi must have shape \(2,\)"),
        (FixedStep().grad, (np.array([1, 2]),), TypeError, r"phi must have a real floating"),
        (FixedStep().loss_grid, (np.zeros(2), np.arange(2)), TypeError, r"phi1_grid must have"),
        (DataLoss, ("Gabor", X, Y), TypeError, r"model must be a descend.models.Model"),
        (DataLoss, (Gabor(), X, Y[:3]), ValueError, r"len\(x\)=30 and len\(y\)=3"),
        (DataLoss, (Logistic(), X, Y), ValueError, r"y must lie in \[0, 1\]"),
        (DataLoss(Gabor(), X, Y).subset, ([0.5],), TypeError, r"indices must be integers"),
        (DataLoss(Gabor(), X, Y).subset, ([True],), TypeError, r"indices must be integers"),
        (DataLoss(Gabor(), X, Y).subset, ([],), TypeError, r"indices must be integers"),
        (DataLoss(Gabor(), X, Y).subset, ([[1, 2]],), ValueError, r"non-empty 1-D"),
        (DataLoss(Gabor(), X, Y).subset, (np.array([], int),), ValueError, r"non-empty 1-D"),
        (DataLoss(Gabor(), X, Y).subset, ([0, 30],), ValueError, r"indices must lie in \[0, 30\)"),
        (DataLoss(Gabor(), X, Y).subset, ([-1],), ValueError, r"indices must lie in \[0, 30\)"),
    ],
)
def test_bad_arguments(
    call: Callable[..., object], args: tuple[object, ...], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        call(*args)


def test_numerical_hessian_matches_the_analytic_one() -> None:
    from descend.landscapes import hessian

    # Rosenbrock (a=1, b=100) at its minimum (1, 1): [[2 + 800, -400], [-400, 200]].
    np.testing.assert_allclose(
        hessian(Rosenbrock(), np.array([1.0, 1.0])), [[802.0, -400.0], [-400.0, 200.0]], rtol=1e-6
    )
    H = hessian(Quadratic(a=2.0, b=8.0, angle=0.3), np.array([0.5, -1.0]))
    np.testing.assert_allclose(np.linalg.eigvalsh(H), [2.0, 8.0], rtol=1e-8)
    np.testing.assert_allclose(H, H.T)
