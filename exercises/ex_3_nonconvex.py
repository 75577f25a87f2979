r"""
Non-convex: the gradient of the Gabor model's loss
==================================================

The Gabor model of the lecture, a sine wave under a Gaussian envelope, has
a loss with several valleys: where gradient descent ends depends on where it
starts. In this notebook you write the gradient of its loss,
``gabor_gradient(phi, x, y)``, with the chain rule, check it, and then run
gradient descent with your gradient from two starting points on the
textbook's thirty points, which end in two different valleys.
"""

# %%
# The model, the data and the loss
# --------------------------------
# With the pre-activation :math:`z_i = \phi_0 + 0.06 \, \phi_1 x_i`, the
# model and the loss are
#
# .. math::
#
#     f[x_i, \phi] = \sin(z_i) \exp\!\left(-\frac{z_i^2}{32}\right), \qquad
#     L[\phi] = \sum_{i=1}^{I} \bigl(f[x_i, \phi] - y_i\bigr)^2 .
#
# The slide prints the envelope as :math:`\exp(-z^2 / 8)`, but its plots,
# like the textbook's notebooks (Prince, *Understanding Deep Learning*, 2023,
# notebook 6.3) whose thirty points
# :func:`descend.datasets.textbook_gabor` returns, use
# :math:`\exp(-z^2 / 32)`; so does this notebook. At
# :math:`\phi = (0.6, -0.2)` the notebook prints the loss 16.419 as a check.
import matplotlib.pyplot as plt
import numpy as np

from descend.datasets import textbook_gabor
from descend.exercises import check_gabor_gradient
from descend.landscapes import DataLoss
from descend.models import Gabor
from descend.plotting import contour, path

x, y = textbook_gabor()


def model(phi, x):
    """Return the Gabor model sin(z) exp(-z^2 / 32), z = phi[0] + 0.06 phi[1] x."""
    z = phi[0] + 0.06 * phi[1] * x
    return np.sin(z) * np.exp(-(z**2) / 32)


def loss(phi, x, y):
    """Return the sum of squared residuals of the Gabor model."""
    return np.sum((model(phi, x) - y) ** 2)


print(f"{len(x)} points, x from {x.min()} to {x.max()}")
print(f"L[(0.6, -0.2)] = {loss(np.array([0.6, -0.2]), x, y):.3f}")

# %%
# The gradient
# ------------
# Three links of the chain rule. The loss depends on :math:`\phi` through
# :math:`f_i`: :math:`\partial \ell_i / \partial f_i = 2 (f_i - y_i)`. The
# model is a product of :math:`\sin z` and the envelope, so by the product
# rule
#
# .. math::
#
#     \frac{\partial f}{\partial z}
#     = e^{-z^2 / 32} \left(\cos z - \frac{2 z \sin z}{32}\right).
#
# And :math:`z_i = \phi_0 + 0.06 \, \phi_1 x_i` gives
# :math:`\partial z_i / \partial \phi_0 = 1` and
# :math:`\partial z_i / \partial \phi_1 = 0.06 \, x_i`. Altogether
#
# .. math::
#
#     \frac{\partial L}{\partial \phi} = \sum_{i=1}^{I}
#     2 \bigl(f_i - y_i\bigr) \frac{\partial f}{\partial z}[z_i]
#     \begin{bmatrix} 1 \\ 0.06 \, x_i \end{bmatrix}.
#
# Write ``gabor_gradient(phi, x, y)``: it returns
# :math:`[\partial L / \partial \phi_0, \partial L / \partial \phi_1]`.


def gabor_gradient(phi, x, y):
    """Return [dL/dphi0, dL/dphi1] for the Gabor model's sum of squared residuals."""
    # BEGIN SOLUTION (TODO: z, f and df/dz for every example; then the two sums above)
    z = phi[0] + 0.06 * phi[1] * x
    envelope = np.exp(-(z**2) / 32)
    f = np.sin(z) * envelope
    df_dz = envelope * (np.cos(z) - 2 * z * np.sin(z) / 32)
    dl_dz = 2 * (f - y) * df_dz
    return np.array([np.sum(dl_dz), np.sum(dl_dz * 0.06 * x)])
    # END SOLUTION


# %%
# Check it on the textbook's data at five values of :math:`\phi` and on three
# hand-made points:
result = check_gabor_gradient(gabor_gradient)

# %%
# Two starts, two valleys
# -----------------------
# Gradient descent with your gradient,
# :math:`\phi_{t+1} = \phi_t - \alpha \, \partial L / \partial \phi[\phi_t]`
# with :math:`\alpha = 0.1` for 300 steps, from :math:`(-1.5, 8.5)` and from
# :math:`(-4, 16)`. The contours (drawn by :mod:`descend.plotting` from the
# library's :class:`~descend.models.Gabor`) show the valleys; the right
# panel shows the two fitted curves.
if result.passed:
    alpha, steps = 0.1, 300
    starts = {"start A": np.array([-1.5, 8.5]), "start B": np.array([-4.0, 16.0])}
    runs = {}
    for name, start in starts.items():
        phis = [start]
        for _ in range(steps):
            g = np.asarray(gabor_gradient(phis[-1], x, y), dtype=float)
            phis.append(phis[-1] - alpha * g)
        runs[name] = np.array(phis)
        end = runs[name][-1]
        print(
            f"{name}: ({start[0]:g}, {start[1]:g}) -> phi = ({end[0]:.3f}, {end[1]:.3f}), "
            f"L = {loss(end, x, y):.4f}"
        )

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.4))
    contour(ax1, DataLoss(Gabor(32.0), x, y), ((-10.0, 10.0), (2.5, 22.5)))
    colors = {"start A": "tab:orange", "start B": "tab:cyan"}
    for name, phis in runs.items():
        path(ax1, phis, label=name, color=colors[name], markers=False)
    ax1.set_title(r"Two paths over the Gabor loss $L[\phi]$")
    ax1.legend(loc="lower left", labelcolor="white")
    x_curve = np.linspace(-15, 15, 400)
    ax2.plot(x, y, "o", color="grey", label="data")
    for name, phis in runs.items():
        end = phis[-1]
        label = f"{name}: $L = {loss(end, x, y):.3f}$"
        ax2.plot(x_curve, model(end, x_curve), color=colors[name], label=label)
    ax2.set(xlabel="input $x$", ylabel="output $y$", title="The two fitted models")
    ax2.legend()
    fig.suptitle(rf"Gradient descent with your gabor_gradient, $\alpha = {alpha}$, {steps} steps")
    plt.show()
else:
    print("Finish gabor_gradient above to run gradient descent with it.")

# %%
# Both runs stop where the gradient vanishes, but only start A reaches the
# lowest loss, :math:`L = 0.646` near :math:`\phi = (0.004, 16.02)`. Start B
# settles in another valley, at :math:`L = 3.356`, about five times higher:
# its model lines up its bumps with the wrong bumps of the data. Gradient
# descent only ever goes downhill from where it starts.
#
# What to try
# -----------
# - Start from :math:`(1, 4)`: which valley does that run end in, and how
#   good is the fit?
# - Use the slide's envelope, 8 instead of 32, in ``model`` and in your
#   gradient: how does the loss landscape change? (The contours come from
#   ``Gabor(8.0)`` then.)
# - Add a finite-difference check, as in the gradients notebook, at a
#   point of your choice.
