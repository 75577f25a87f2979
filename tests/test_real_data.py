"""On real data, descend's optimizers reach scikit-learn's answer (gallery/07_real_data).

scikit-learn is a docs requirement, not a runtime one: these tests are skipped where it is
not installed, unless ``DESCEND_REQUIRE_SKLEARN=1`` (set by CI) makes that a failure.

The objective is the library's (``descend.networks.LogisticRegression(30, l2=1.0)``), the
one the example plot_breast_cancer_logistic.py minimises: scikit-learn's
``LogisticRegression(C=1)`` minimises the same function, so both must find one minimum.
"""

from __future__ import annotations

import functools
import os
from typing import Any

import numpy as np
import pytest

import descend
from descend._validate import FloatArray
from descend.landscapes import DataLoss
from descend.models import naive_bce, naive_sigmoid
from descend.networks import MLP, LogisticRegression

if os.environ.get("DESCEND_REQUIRE_SKLEARN") == "1":
    import sklearn  # noqa: F401  (CI: a missing scikit-learn is a failure, not a skip)
pytest.importorskip("sklearn")

from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.linear_model import LogisticRegression as SklearnLogisticRegression


@functools.cache
def standardized_breast_cancer() -> tuple[FloatArray, Any]:
    X, y = load_breast_cancer(return_X_y=True)
    return (X - X.mean(axis=0)) / X.std(axis=0), y


@functools.cache
def sklearn_optimum(C: float) -> FloatArray:
    """scikit-learn's coefficients and intercept, solved to a tight tolerance, as one phi."""
    X, y = standardized_breast_cancer()
    fitted = SklearnLogisticRegression(C=C, tol=1e-12, max_iter=10_000).fit(X, y)
    return np.concatenate([fitted.coef_[0], fitted.intercept_])


@pytest.mark.parametrize("C", [1.0, 0.1, 10.0])
def test_scikit_learns_optimum_is_a_minimum_of_the_library_objective(C: float) -> None:
    # l2 = 1/C: the gradient of our loss vanishes at scikit-learn's answer (to its tolerance),
    # and it does not if the penalty is off by a factor of 2 (the factor 1/2 in the penalty).
    X, y = standardized_breast_cancer()
    phi = sklearn_optimum(C)
    assert np.abs(DataLoss(LogisticRegression(30, l2=1 / C), X, y).grad(phi)).max() < 1e-4
    off = DataLoss(LogisticRegression(30, l2=2 / C), X, y).grad(phi)
    assert np.abs(off).max() > 1e-2


# The example's settings come from the Hessian at the minimum; these are the same to the
# digits shown (alpha, beta), so the test does not depend on the example's code.
OPTIMIZERS = {
    "GradientDescent": descend.GradientDescent(lr=0.0231),
    "Momentum": descend.Momentum(lr=0.108, beta=0.648),
    "NesterovMomentum": descend.NesterovMomentum(lr=0.06, beta=0.805),
    "Adam": descend.Adam(lr=0.1),
}


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_descend_reaches_scikit_learns_optimum_on_the_breast_cancer_data(name: str) -> None:
    X, y = standardized_breast_cancer()
    problem = DataLoss(LogisticRegression(30, l2=1.0), X, y)
    phi_sk = sklearn_optimum(1.0)
    L_sk = problem.loss(phi_sk)
    assert L_sk == pytest.approx(37.758946, abs=5e-7)  # the number the example prints
    run = descend.fit(OPTIMIZERS[name], problem, np.zeros(31), steps=1000)
    assert run.final_loss == pytest.approx(L_sk, rel=1e-8)
    assert run.final_loss <= L_sk * (1 + 1e-12)  # not above scikit-learn's answer
    np.testing.assert_allclose(run.final_phi, phi_sk, rtol=0, atol=1e-5)


def test_raw_features_break_the_naive_loss_in_one_step_and_not_the_stable_one() -> None:
    X, y = load_breast_cancer(return_X_y=True)
    model = LogisticRegression(30, l2=1.0)
    opt = descend.GradientDescent(lr=1e-2)
    run = descend.fit(opt, DataLoss(model, X, y), np.zeros(31), steps=1)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        naive = naive_bce(naive_sigmoid(model.logits(run.final_phi, X)), y.astype(float))
    assert np.isnan(naive.sum())
    assert np.isfinite(run.final_loss)


def test_an_mlp_learns_the_digits_with_minibatches() -> None:
    pixels, digit = load_digits(return_X_y=True)
    x = pixels / 16.0
    network = MLP(64, 16, 10, reduction="mean")
    train = DataLoss(network, x[:1200], digit[:1200])
    run = descend.fit(descend.Adam(lr=0.03), train, network.init(0), epochs=3, batch_size=64, rng=0)
    assert run.final_loss < 0.5 * run.loss[0]
    accuracy = np.mean(np.argmax(network.logits(run.final_phi, x[1200:]), axis=1) == digit[1200:])
    assert accuracy > 0.85
