"""The fitting loop records exactly the run a hand-written loop would make."""

from __future__ import annotations

import numpy as np
import pytest

import descend
from descend.datasets import textbook_gabor
from descend.landscapes import DataLoss, Quadratic, Rosenbrock
from descend.minibatches import minibatches
from descend.models import Gabor, Linear
from descend.schedules import ReduceLROnPlateau, StepLR


def _line_data() -> DataLoss:
    x = np.linspace(-1.0, 1.0, 30)
    return DataLoss(Linear(), x, 0.5 + 2.0 * x)


def test_full_batch_fit_matches_a_hand_written_loop() -> None:
    problem, opt = Rosenbrock(), descend.Adam(lr=0.05)
    run = descend.fit(opt, problem, [-1.0, 1.5], steps=40)
    phi = np.array([-1.0, 1.5])
    state = opt.init(phi)
    for t in range(40):
        phi, state = opt.step(phi, problem.grad(phi), state)
        np.testing.assert_array_equal(run.phi[t + 1], phi)
    assert run.steps == 40
    assert run.final_loss == problem.loss(phi)
    assert run.state == state
    np.testing.assert_array_equal(run.batch_loss, run.loss[:-1])


def test_minibatch_fit_uses_the_batches_minibatches_draws() -> None:
    data, opt = _line_data(), descend.SGD(lr=0.01)
    run = descend.fit(opt, data, [0.0, 0.0], batch_size=5, epochs=2, rng=np.random.RandomState(42),
                      reshuffle=False)  # fmt: skip
    phi: np.ndarray = np.zeros(2)
    state = opt.init(phi)
    for b in minibatches(30, 5, epochs=2, rng=np.random.RandomState(42), reshuffle=False):
        phi, state = opt.step(phi, data.subset(b.indices).grad(phi), state)
    np.testing.assert_array_equal(run.final_phi, phi)
    assert run.steps == 12
    assert list(run.epoch) == [0] * 6 + [1] * 6
    assert list(run.epoch_ends) == [6, 12]


def test_steps_caps_a_minibatch_run() -> None:
    run = descend.fit(descend.SGD(lr=0.01), _line_data(), [0.0, 0.0], batch_size=5, epochs=3,
                      steps=8, rng=0)  # fmt: skip
    assert run.steps == 8


def test_the_learning_rate_of_each_step_is_recorded() -> None:
    opt = descend.GradientDescent(lr=StepLR(0.1, step_size=2, gamma=0.5))
    run = descend.fit(opt, Quadratic(), [1.0, 1.0], steps=6)
    np.testing.assert_allclose(run.lr, [0.1, 0.1, 0.05, 0.05, 0.025, 0.025])


def test_reduce_on_plateau_is_fed_the_epoch_losses() -> None:
    # A learning rate far too small: the loss barely moves, the schedule cuts it.
    plateau = ReduceLROnPlateau(1e-5, patience=1, threshold=0.5)
    opt = descend.SGD(lr=plateau)
    run = descend.fit(opt, _line_data(), [0.0, 0.0], batch_size=10, epochs=5, rng=0)
    assert run.lr[0] == 1e-5
    assert run.lr[-1] < 1e-5


def test_continuing_from_the_returned_state_equals_one_long_run() -> None:
    problem, opt = Gabor(), descend.Adam(lr=0.1)
    x = np.linspace(-15, 15, 20)
    data = DataLoss(problem, x, np.sin(0.3 * x))
    whole = descend.fit(opt, data, [0.5, 1.0], steps=30)
    first = descend.fit(opt, data, [0.5, 1.0], steps=12)
    rest = descend.fit(opt, data, first.final_phi, steps=18, state=first.state)
    np.testing.assert_array_equal(whole.final_phi, rest.final_phi)


def test_phi0_is_not_modified() -> None:
    phi0 = np.array([1.0, 1.0])
    descend.fit(descend.GradientDescent(lr=0.1), Quadratic(), phi0, steps=3)
    np.testing.assert_array_equal(phi0, [1.0, 1.0])


def test_bad_arguments_get_clear_errors() -> None:
    opt = descend.GradientDescent(lr=0.1)
    with pytest.raises(ValueError, match="steps is required"):
        descend.fit(opt, Quadratic(), [1.0, 1.0])
    with pytest.raises(TypeError, match="batch_size needs a problem over examples"):
        descend.fit(opt, Quadratic(), [1.0, 1.0], batch_size=2)
    with pytest.raises(ValueError, match="steps must be an integer >= 0"):
        descend.fit(opt, Quadratic(), [1.0, 1.0], steps=-1)


def test_steps_alone_run_that_many_minibatch_steps_across_epochs() -> None:
    x, y = textbook_gabor()
    problem = DataLoss(Gabor(), x, y)
    run = descend.fit(descend.GradientDescent(0.1), problem, [0.0, 10.0], steps=81, batch_size=5)
    assert run.steps == 81
    assert run.epoch.tolist() == [t // 6 for t in range(81)]


@pytest.mark.parametrize(
    ("name", "expected"),
    [("sgd", 0.936), ("momentum", 0.746), ("nesterov_slide", 0.803), ("nesterov", 0.801)],
)
def test_the_textbook_momentum_notebooks_final_losses_are_reproduced(
    name: str, expected: float
) -> None:
    # Notebook 6.4's settings: start (-1.5, 6.5), 81 steps, np.random.seed(1) and a
    # fresh batch np.random.permutation(30)[0:5] per step, alpha = beta = 0.6.
    optimizer = {
        "sgd": descend.GradientDescent(0.6),
        "momentum": descend.Momentum(0.6, beta=0.6),
        "nesterov_slide": descend.NesterovMomentum(0.6, beta=0.6, lookahead="slide"),
        "nesterov": descend.NesterovMomentum(0.6, beta=0.6),
    }[name]
    x, y = textbook_gabor()
    run = descend.fit(
        optimizer, DataLoss(Gabor(), x, y), [-1.5, 6.5], steps=81, batch_size=5,
        rng=np.random.RandomState(1), sampling="per_step",
    )  # fmt: skip
    assert round(run.final_loss, 3) == expected
