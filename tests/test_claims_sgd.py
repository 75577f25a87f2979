"""The claims of the SGD chapter (docs/sgd.md and gallery/04_sgd) hold on the textbook's data."""

from __future__ import annotations

from itertools import combinations
from typing import Literal

import numpy as np
import pytest

import descend
from descend.datasets import textbook_gabor
from descend.landscapes import DataLoss
from descend.minibatches import Sampling, minibatches
from descend.models import Gabor

ALPHA = 0.15  # the learning rate of gallery/04_sgd/plot_gd_vs_sgd.py
PHI = np.array([-2.5, 11.5])  # its start


def gabor(reduction: Literal["sum", "mean"] = "sum") -> DataLoss:
    x, y = textbook_gabor()
    return DataLoss(Gabor(reduction=reduction), x, y)


def per_example_gradients(problem: DataLoss, phi: np.ndarray) -> np.ndarray:
    return np.stack([problem.subset(np.array([i])).grad(phi) for i in range(len(problem))])


@pytest.mark.parametrize("optimizer", [descend.GradientDescent(ALPHA), descend.SGD(lr=ALPHA)])
def test_a_batch_of_all_30_points_is_gradient_descent_with_the_same_step(
    optimizer: descend.Optimizer,
) -> None:
    # With a sum loss the batch gradient of all 30 points is the full gradient: SGD with
    # B = 30 for k epochs is k steps of gradient descent with the same alpha (the batch
    # only sums the examples in another order, so the two agree to round-off).
    problem, k = gabor(), 50
    sgd = descend.fit(optimizer, problem, PHI, epochs=k, batch_size=30, rng=0)
    gd = descend.fit(optimizer, problem, PHI, steps=k)
    assert sgd.steps == gd.steps == k
    np.testing.assert_allclose(sgd.phi, gd.phi, rtol=1e-12, atol=1e-12)


def test_batches_of_5_take_6_steps_per_epoch_and_batches_of_30_one() -> None:
    problem = gabor()
    for batch_size, per_epoch in [(5, 6), (30, 1)]:
        run = descend.fit(
            descend.GradientDescent(ALPHA), problem, PHI, epochs=3, batch_size=batch_size, rng=0
        )
        assert run.steps == 3 * per_epoch


def test_the_batch_gradients_of_one_epoch_add_up_to_the_full_gradient() -> None:
    problem = gabor()
    batches = minibatches(len(problem), 5, rng=np.random.default_rng(3))
    total = sum(problem.subset(b.indices).grad(PHI) for b in batches)
    np.testing.assert_allclose(total, problem.grad(PHI), rtol=1e-12)


def test_the_batch_sum_is_on_average_B_over_I_times_the_full_gradient() -> None:
    # Exactly, averaged over all C(30, 2) batches of 2 (sgd-unbiased).
    problem, size = gabor(), 2
    g = per_example_gradients(problem, PHI)
    sums = np.array([g[list(c)].sum(axis=0) for c in combinations(range(len(g)), size)])
    np.testing.assert_allclose(sums.mean(axis=0), size / len(g) * problem.grad(PHI), rtol=1e-12)


@pytest.mark.parametrize("size", [1, 2, 3, 30])
def test_the_variance_of_the_batch_mean_gradient_is_the_pages_formula(size: int) -> None:
    # sgd-variance: E|batch mean - mean|^2 = sigma_1^2 / B * (I - B) / (I - 1), by enumeration.
    g = per_example_gradients(gabor(), PHI)
    n = len(g)
    g_bar = g.mean(axis=0)
    sigma2 = np.mean(np.sum((g - g_bar) ** 2, axis=1))
    dev = [np.sum((g[list(c)].mean(axis=0) - g_bar) ** 2) for c in combinations(range(n), size)]
    assert np.mean(dev) == pytest.approx(sigma2 / size * (n - size) / (n - 1), rel=1e-10, abs=1e-20)


def test_a_mean_loss_gives_the_same_sgd_path_with_alpha_times_B() -> None:
    x_sum, x_mean, B = gabor("sum"), gabor("mean"), 5
    a = descend.fit(descend.SGD(lr=ALPHA), x_sum, PHI, epochs=4, batch_size=B, rng=1)
    b = descend.fit(descend.SGD(lr=ALPHA * B), x_mean, PHI, epochs=4, batch_size=B, rng=1)
    np.testing.assert_allclose(a.phi, b.phi, rtol=1e-10)
    c = descend.fit(descend.GradientDescent(ALPHA * 30), x_mean, PHI, steps=20)
    d = descend.fit(descend.GradientDescent(ALPHA), x_sum, PHI, steps=20)
    np.testing.assert_allclose(c.phi, d.phi, rtol=1e-10)


def test_per_step_sampling_leaves_about_a_third_of_the_examples_out_of_an_epoch() -> None:
    # Each of the 6 steps holds a given example with probability 1/6, independently:
    # its uses per epoch are Binomial(6, 1/6), mean 1, P(0) = (5/6)^6 = 0.335.
    n, B, epochs = 30, 5, 4000
    uses = {}
    samplings: tuple[Sampling, ...] = ("per_epoch", "per_step")
    for sampling in samplings:
        counts = np.zeros((epochs, n), dtype=int)
        rng = np.random.default_rng(0)
        for b in minibatches(n, B, epochs=epochs, rng=rng, sampling=sampling):
            counts[b.epoch, b.indices] += 1
        uses[sampling] = counts
    assert np.all(uses["per_epoch"] == 1)
    assert uses["per_step"].mean() == 1.0  # 5 uses per step, 6 steps, 30 examples
    assert np.mean(uses["per_step"] == 0) == pytest.approx((5 / 6) ** 6, abs=0.01)
    assert uses["per_step"].max() >= 3


def test_gradient_descent_from_the_gallery_start_stops_in_the_left_valley() -> None:
    problem = gabor()
    gd = descend.fit(descend.GradientDescent(ALPHA), problem, PHI, steps=300)
    np.testing.assert_allclose(gd.final_phi, [-5.82, 13.82], atol=0.01)
    assert round(gd.final_loss, 3) == 3.356
    assert np.linalg.norm(problem.grad(gd.final_phi)) < 1e-6
    assert np.all(np.diff(gd.loss) <= 1e-12)  # downhill at every step


def test_from_deep_inside_the_left_valley_no_seed_escapes() -> None:
    problem = gabor()
    for seed in range(20):
        run = descend.fit(
            descend.GradientDescent(ALPHA), problem, [-6.0, 15.0], epochs=20, batch_size=5, rng=seed
        )
        assert run.final_phi[0] < -5.0, seed


def test_the_noise_ball_recursion_converges_to_the_pages_fixed_point() -> None:
    # sgd-second-moment and sgd-noise-ball: V_{t+1} = (1 - a l)^2 V_t + a^2 sigma^2.
    alpha, lam, sigma2 = 0.1, 3.0, 0.7
    v = 5.0
    for _ in range(2000):
        v = (1 - alpha * lam) ** 2 * v + alpha**2 * sigma2
    assert v == pytest.approx(alpha * sigma2 / (lam * (2 - alpha * lam)), rel=1e-12)
