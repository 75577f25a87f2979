r"""
Momentum: one step of the rule
==============================

Momentum replaces the gradient of each step by a running average of the
gradients, so that the noise of the minibatches partly cancels and the path
keeps its direction along a valley. In this exercise you write one momentum
step, check it, and then draw the path your function takes over the Gabor
loss on the textbook's data, next to stochastic gradient descent on the same
batches, with the settings of the textbook's momentum notebook (6.4).
"""

# %%
# The rule
# --------
# With :math:`g_t` the gradient of the batch that step :math:`t` uses,
# momentum keeps an exponential moving average :math:`m` of the gradients and
# steps along it:
#
# .. math::
#
#     m_{t+1} = \beta\, m_t + (1 - \beta)\, g_t, \qquad
#     \phi_{t+1} = \phi_t - \alpha\, m_{t+1}, \qquad m_0 = 0.
#
# :math:`\beta \in [0, 1)` says how much of the past is kept: :math:`\beta = 0`
# is plain stochastic gradient descent, and a :math:`\beta` close to 1
# averages over about :math:`1 / (1 - \beta)` recent gradients. The step
# uses the *new* momentum :math:`m_{t+1}`, which already contains
# :math:`g_t`. (PyTorch's ``SGD(momentum=beta)`` leaves out the factor
# :math:`1 - \beta`; here, as in the lecture, :math:`m` is an average.)
import matplotlib.pyplot as plt
import numpy as np

import descend
from descend.datasets import textbook_gabor
from descend.exercises import check_momentum_step
from descend.landscapes import DataLoss
from descend.models import Gabor
from descend.plotting import color_of, contour, path

# %%
# Your function
# -------------
# Write ``momentum_step(phi, m, g, alpha, beta)``: it gets the parameters
# :math:`\phi_t`, the momentum :math:`m_t` and the gradient :math:`g_t` (NumPy
# arrays of the same shape), :math:`\alpha` and :math:`\beta`, and returns the
# pair :math:`(\phi_{t+1}, m_{t+1})`.


def momentum_step(phi, m, g, alpha, beta):
    """Return (phi, m) after one momentum step: m <- beta m + (1 - beta) g; phi <- phi - alpha m."""
    # BEGIN SOLUTION (TODO: average g into m, then step phi along m)
    m = beta * m + (1 - beta) * g
    return phi - alpha * m, m
    # END SOLUTION


# %%
# Check it
# --------
# The check compares your step with one step of :class:`descend.Momentum` on
# the textbook's Gabor data (from :math:`m = 0` and from :math:`m \ne 0`),
# on coordinates of very different sizes, with :math:`\beta = 0` and with a
# zero gradient.
result = check_momentum_step(momentum_step)

# %%
# Your momentum path over the Gabor landscape
# -------------------------------------------
# The textbook's notebook 6.4 fits the Gabor model
# :math:`f[x, \phi] = \sin(\phi_0 + 0.06 \phi_1 x)
# \exp(-(\phi_0 + 0.06 \phi_1 x)^2 / 32)` to its 30 points
# (:func:`descend.datasets.textbook_gabor`) by the sum of squares, from
# :math:`\phi_0 = (-1.5, 6.5)` with :math:`\alpha = \beta = 0.6` for 81 steps.
# Every step draws a fresh batch of 5 of the 30 points, as the notebook does:
# the first 5 entries of a new permutation, from ``np.random.RandomState(1)``
# (``np.random.seed(1)`` in the notebook; ``sampling="per_step"`` in
# :func:`descend.fit`). Stochastic gradient descent,
# :math:`\phi_{t+1} = \phi_t - \alpha g_t`, takes the same batches.
x, y = textbook_gabor()
problem = DataLoss(Gabor(), x, y)
phi0, alpha, beta, steps, B = np.array([-1.5, 6.5]), 0.6, 0.6, 81, 5
rng = np.random.RandomState(1)
batches = [rng.permutation(len(x))[:B] for _ in range(steps)]

if result.passed:
    sgd, momentum, m = [phi0], [phi0], np.zeros(2)
    for batch in batches:
        grad = problem.subset(batch).grad  # the gradient of this batch's loss
        sgd.append(sgd[-1] - alpha * grad(sgd[-1]))
        phi, m = momentum_step(momentum[-1], m, grad(momentum[-1]), alpha, beta)
        momentum.append(phi)
    runs = {"Stochastic gradient descent": np.array(sgd), "Your momentum": np.array(momentum)}
    final = {name: problem.loss(phis[-1]) for name, phis in runs.items()}
    for name, loss in final.items():
        print(f"{name:28s} final loss {loss:.3f}")
    library = descend.fit(
        descend.Momentum(alpha, beta), problem, phi0, steps=steps, batch_size=B,
        rng=np.random.RandomState(1), sampling="per_step",
    )  # fmt: skip
    print("Same path as descend.Momentum:", np.allclose(runs["Your momentum"], library.phi))

    colors = [color_of("SGD"), color_of("Momentum")]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.6), sharey=True)
    for ax, color, (name, phis) in zip(axes, colors, runs.items(), strict=True):
        contour(ax, problem, ((-4.0, 3.0), (5.0, 18.0)), colorbar=ax is axes[-1])
        path(ax, phis, color=color, linewidth=1.4)
        ax.set_title(f"{name}, final loss {final[name]:.3f}")
    axes[1].set_ylabel("")
    fig.suptitle(
        rf"Textbook Gabor data, start $(-1.5, 6.5)$, {steps} steps, $\alpha = {alpha}$, "
        rf"$\beta = {beta}$, a fresh batch of {B} per step"
    )
    plt.show()
else:
    print("Finish momentum_step above to see its path.")

# %%
# Without momentum every batch pulls the path its own way; the momentum
# average smooths part of the zig-zag away. Try :math:`\beta = 0` (the two
# paths should then be the same) and :math:`\beta = 0.9`, and compare the
# final losses; one run on one draw of batches is one sample, not a verdict.
