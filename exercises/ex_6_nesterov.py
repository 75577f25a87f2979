r"""
Nesterov momentum: look ahead, then step
========================================

Nesterov momentum takes the gradient not where the parameters are, but where
the momentum is about to carry them. In this exercise you write one Nesterov
step, check it, and then run it against your momentum step from the
momentum exercise on the same minibatches of the textbook's Gabor data, with
the settings of the textbook's momentum notebook (6.4).
"""

# %%
# The rule
# --------
# Momentum's next step is
# :math:`\phi_{t+1} = \phi_t - \alpha \beta m_t - \alpha (1 - \beta) g_t`:
# its first part, :math:`-\alpha\beta m_t`, is known before any gradient is
# computed. Nesterov momentum therefore takes the gradient at the point that
# part leads to, the *look-ahead* :math:`\phi_t - \alpha\beta m_t`:
#
# .. math::
#
#     m_{t+1} = \beta\, m_t + (1 - \beta)\, g[\phi_t - \alpha\beta\, m_t], \qquad
#     \phi_{t+1} = \phi_t - \alpha\, m_{t+1}, \qquad m_0 = 0,
#
# where :math:`g[p]` is the gradient of the step's batch at the point
# :math:`p`. If the momentum is about to overshoot a valley, the gradient
# there already points back, and the step is corrected one step early.
#
# The lecture's slide writes the look-ahead as :math:`\phi_t - \alpha m_t`,
# without the :math:`\beta`: a point :math:`1/\beta` times as far from
# :math:`\phi_t`, past where the momentum leads. This exercise uses
# :math:`\phi_t - \alpha\beta m_t`, the point of the derivation and of
# PyTorch's ``nesterov=True``, like :class:`descend.NesterovMomentum`
# (``lookahead="slide"`` runs the slide's formula instead).
import matplotlib.pyplot as plt
import numpy as np

import descend
from descend.datasets import textbook_gabor
from descend.exercises import check_momentum_step, check_nesterov_step
from descend.landscapes import DataLoss
from descend.models import Gabor
from descend.plotting import color_of, contour, path

# %%
# Your momentum step
# ------------------
# The comparison needs your ``momentum_step`` from the momentum exercise:
# paste it here (it is checked again).


def momentum_step(phi, m, g, alpha, beta):
    """Return (phi, m) after one momentum step: m <- beta m + (1 - beta) g; phi <- phi - alpha m."""
    # BEGIN SOLUTION (TODO: paste your momentum_step from the momentum exercise)
    m = beta * m + (1 - beta) * g
    return phi - alpha * m, m
    # END SOLUTION


momentum_result = check_momentum_step(momentum_step)

# %%
# Your function
# -------------
# Write ``nesterov_step(phi, m, grad_fn, alpha, beta)``: it gets
# :math:`\phi_t` and :math:`m_t` (NumPy arrays), a function ``grad_fn`` that
# returns the gradient at any point you pass it, :math:`\alpha` and
# :math:`\beta`, and returns the pair :math:`(\phi_{t+1}, m_{t+1})`. Note
# where the step starts: at :math:`\phi_t`, not at the look-ahead point.


def nesterov_step(phi, m, grad_fn, alpha, beta):
    """Return (phi, m) after one Nesterov step, the gradient taken at phi - alpha beta m."""
    # BEGIN SOLUTION (TODO: take the gradient at the look-ahead point, average it into m, step phi)
    g = grad_fn(phi - alpha * beta * m)
    m = beta * m + (1 - beta) * g
    return phi - alpha * m, m
    # END SOLUTION


# %%
# Check it
# --------
# The check compares your step with one step of
# :class:`descend.NesterovMomentum` on the textbook's Gabor data (from
# :math:`m = 0`, where the look-ahead is :math:`\phi_t` itself, and from
# :math:`m \ne 0`), on a bowl whose coordinates have very different sizes,
# and with :math:`\beta = 0`.
result = check_nesterov_step(nesterov_step)

# %%
# Nesterov against momentum, on the same batches
# ----------------------------------------------
# The Gabor model fitted to the textbook's 30 points
# (:func:`descend.datasets.textbook_gabor`) by the sum of squares, from
# :math:`\phi_0 = (-1.5, 6.5)` with :math:`\alpha = \beta = 0.6` for 81 steps,
# each with a fresh batch of 5 of the 30 points drawn as notebook 6.4 draws
# them (``np.random.RandomState(1)``, the first 5 entries of a new permutation
# at every step). Both rules see the same batches; ``problem.subset(batch)``
# is the loss of one batch, and its ``grad`` is the ``grad_fn`` of that step.
x, y = textbook_gabor()
problem = DataLoss(Gabor(), x, y)
phi0, alpha, beta, steps, B = np.array([-1.5, 6.5]), 0.6, 0.6, 81, 5
rng = np.random.RandomState(1)
batches = [rng.permutation(len(x))[:B] for _ in range(steps)]

if result.passed and momentum_result.passed:
    momentum, nesterov = [phi0], [phi0]
    m_momentum, m_nesterov = np.zeros(2), np.zeros(2)
    for batch in batches:
        grad_fn = problem.subset(batch).grad  # the gradient of this batch's loss, anywhere
        phi, m_momentum = momentum_step(
            momentum[-1], m_momentum, grad_fn(momentum[-1]), alpha, beta
        )
        momentum.append(phi)
        phi, m_nesterov = nesterov_step(nesterov[-1], m_nesterov, grad_fn, alpha, beta)
        nesterov.append(phi)
    runs = {"Your momentum": np.array(momentum), "Your Nesterov momentum": np.array(nesterov)}
    losses = {name: np.array([problem.loss(p) for p in phis]) for name, phis in runs.items()}
    for name, loss in losses.items():
        print(f"{name:24s} final loss {loss[-1]:.3f}")
    library = descend.fit(
        descend.NesterovMomentum(alpha, beta), problem, phi0, steps=steps, batch_size=B,
        rng=np.random.RandomState(1), sampling="per_step",
    )  # fmt: skip
    same = np.allclose(runs["Your Nesterov momentum"], library.phi)
    print("Same path as descend.NesterovMomentum:", same)

    colors = {
        "Your momentum": color_of("Momentum"),
        "Your Nesterov momentum": color_of("NesterovMomentum"),
    }
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.6), sharey=True)
    for ax, (name, phis) in zip(axes, runs.items(), strict=True):
        contour(ax, problem, ((-4.0, 3.0), (5.0, 18.0)), colorbar=ax is axes[-1])
        path(ax, phis, color=colors[name], linewidth=1.4)
        ax.set_title(f"{name}, final loss {losses[name][-1]:.3f}")
    axes[1].set_ylabel("")
    fig.suptitle(
        rf"Textbook Gabor data, start $(-1.5, 6.5)$, {steps} steps, $\alpha = {alpha}$, "
        rf"$\beta = {beta}$, the same batches of {B}"
    )
    plt.show()

    fig, ax = plt.subplots(figsize=(7, 4))
    for name, loss in losses.items():
        ax.plot(loss, color=colors[name], label=name)
    ax.set_yscale("log")
    ax.set_xlabel("step $t$")
    ax.set_ylabel(r"full loss $L[\phi_t]$")
    ax.set_title("Loss on all 30 points, per step, same batches")
    ax.legend()
    plt.show()
else:
    print("Finish momentum_step and nesterov_step above to see their paths.")

# %%
# The two rules differ only in where the gradient is taken, so on the same
# batches their paths start alike and drift apart. Which one ends lower
# depends on the batches: try other seeds of the generator, the slide's
# look-ahead :math:`\phi_t - \alpha m_t`, and :math:`\beta = 0.9`.
