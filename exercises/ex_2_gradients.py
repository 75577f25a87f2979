r"""
Gradients: the derivatives of the line's loss
=============================================

Gradient descent needs the derivatives of the loss with respect to every
parameter. For the line :math:`f[x, \phi] = \phi_0 + \phi_1 x` and the sum
of squared residuals, they follow from the chain rule in two lines. In this
notebook you write ``linear_gradient(phi, x, y)``, check it, compare it with
finite differences of the loss, and then run gradient descent with your
gradient on the textbook's twelve points, drawing its path over the loss
contours.
"""

# %%
# The data and the loss
# ---------------------
# The twelve points of the textbook's linear-regression notebook (Prince,
# *Understanding Deep Learning*, 2023, notebook 6.2), from
# :func:`descend.datasets.textbook_linear`, and the loss
#
# .. math::
#
#     L[\phi] = \sum_{i=1}^{I} (\phi_0 + \phi_1 x_i - y_i)^2 .
#
# At :math:`\phi = (0.6, -0.2)` the notebook prints the loss 12.367 as a
# check; the cell prints the same.
import matplotlib.pyplot as plt
import numpy as np

from descend.datasets import textbook_linear
from descend.exercises import check_linear_gradient
from descend.landscapes import DataLoss
from descend.models import Linear
from descend.plotting import contour, path

x, y = textbook_linear()


def loss(phi, x, y):
    """Return the sum of squared residuals of the line phi[0] + phi[1] x."""
    return np.sum((phi[0] + phi[1] * x - y) ** 2)


print(f"{len(x)} points, x from {x.min()} to {x.max()}")
print(f"L[(0.6, -0.2)] = {loss(np.array([0.6, -0.2]), x, y):.3f}")

# %%
# The gradient
# ------------
# Each term :math:`\ell_i = r_i^2` depends on the parameters through the
# residual :math:`r_i = \phi_0 + \phi_1 x_i - y_i`, and
# :math:`\partial r_i / \partial \phi_0 = 1`,
# :math:`\partial r_i / \partial \phi_1 = x_i`. By the chain rule
# :math:`\partial \ell_i / \partial \phi_j = 2 r_i \, \partial r_i / \partial \phi_j`,
# and the gradient of the sum is the sum of the gradients:
#
# .. math::
#
#     \frac{\partial L}{\partial \phi} =
#     \begin{bmatrix} \dfrac{\partial L}{\partial \phi_0} \\[1.5ex]
#                     \dfrac{\partial L}{\partial \phi_1} \end{bmatrix}
#     = \begin{bmatrix} \sum_i 2 (\phi_0 + \phi_1 x_i - y_i) \\
#                       \sum_i 2 x_i (\phi_0 + \phi_1 x_i - y_i) \end{bmatrix}.
#
# Write ``linear_gradient(phi, x, y)``: it returns the two numbers
# :math:`[\partial L / \partial \phi_0, \partial L / \partial \phi_1]` (a
# list or an array).


def linear_gradient(phi, x, y):
    """Return [dL/dphi0, dL/dphi1] for L = sum_i (phi[0] + phi[1] x_i - y_i)^2."""
    # BEGIN SOLUTION (TODO: residuals r = phi0 + phi1 x - y; return [sum 2 r, sum 2 x r])
    r = phi[0] + phi[1] * x - y
    return np.array([np.sum(2 * r), np.sum(2 * x * r)])
    # END SOLUTION


# %%
# Check it on the textbook's data at three values of :math:`\phi`, then on
# a few hand-made points:
result = check_linear_gradient(linear_gradient)

# %%
# Finite differences
# ------------------
# A way to test any gradient without a checker: move one parameter a little
# up and down and watch the loss,
#
# .. math::
#
#     \frac{\partial L}{\partial \phi_j} \approx
#     \frac{L[\phi + h e_j] - L[\phi - h e_j]}{2 h},
#
# with :math:`e_j` the unit vector along :math:`\phi_j`. The error of this
# central difference shrinks like :math:`h^2` (for a quadratic loss like
# this one it vanishes up to rounding), so with :math:`h = 10^{-5}` the two
# columns should agree to many digits.


def finite_differences(phi, x, y, h=1e-5):
    """Central differences of the loss along phi0 and phi1."""
    gradient = np.zeros(2)
    for j in range(2):
        e_j = np.zeros(2)
        e_j[j] = 1.0
        gradient[j] = (loss(phi + h * e_j, x, y) - loss(phi - h * e_j, x, y)) / (2 * h)
    return gradient


for phi in (np.array([0.6, -0.2]), np.array([1.6, -0.5]), np.array([0.0, 1.0])):
    numeric = finite_differences(phi, x, y)
    line = f"phi = {phi}: finite differences {np.round(numeric, 5)}"
    if result.passed:
        yours = np.asarray(linear_gradient(phi, x, y), dtype=float)
        line += f", yours {np.round(yours, 5)}, largest gap {np.max(np.abs(yours - numeric)):.1e}"
    print(line)

# %%
# Gradient descent with your gradient
# -----------------------------------
# Now the gradient does its job: starting from
# :math:`\phi_0 = (1.6, -0.5)`, repeat
#
# .. math::
#
#     \phi_{t+1} = \phi_t - \alpha \frac{\partial L}{\partial \phi}[\phi_t]
#
# with :math:`\alpha = 0.01`, for 100 steps. The left panel draws the path
# over the contours of the loss (drawn by :mod:`descend.plotting` from the
# library's :class:`~descend.models.Linear`), the right one the line at the
# start and at the end. The white cross is the least-squares solution.
if result.passed:
    alpha, steps = 0.01, 100
    phis = [np.array([1.6, -0.5])]
    for _ in range(steps):
        phis.append(phis[-1] - alpha * np.asarray(linear_gradient(phis[-1], x, y), dtype=float))
    phis = np.array(phis)
    X = np.column_stack([np.ones_like(x), x])
    best = np.linalg.lstsq(X, y, rcond=None)[0]
    print(f"after {steps} steps: phi = {np.round(phis[-1], 4)}, L = {loss(phis[-1], x, y):.4f}")
    print(f"least squares:     phi = {np.round(best, 4)}, L = {loss(best, x, y):.4f}")

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.4))
    bounds = ((0.0, 2.0), (-1.0, 1.0))
    contour(ax1, DataLoss(Linear(), x, y), bounds, levels=np.linspace(-2, 2.5, 19), log=True)
    path(ax1, phis, label="gradient descent with your gradient", color="black")
    ax1.plot(*best, "+", color="white", markersize=14, markeredgewidth=1.5)
    ax1.set_title(r"The path of $\phi_t$ over $L[\phi]$")
    ax1.set_aspect("equal")
    ax1.legend(loc="lower left")
    x_line = np.array([0.0, 2.0])
    ax2.plot(x, y, "o", color="grey", label="data")
    ax2.plot(x_line, phis[0, 0] + phis[0, 1] * x_line, "--", color="black", label="start")
    ax2.plot(x_line, phis[-1, 0] + phis[-1, 1] * x_line, color="black", label=f"step {steps}")
    ax2.set(xlabel="input $x$", ylabel="output $y$", title="The line at the start and the end")
    ax2.legend()
    fig.suptitle(rf"Gradient descent with your linear_gradient, $\alpha = {alpha}$")
    plt.show()
else:
    print("Finish linear_gradient above to run gradient descent with it.")

# %%
# What to try
# -----------
# - Make :math:`h` smaller, ``h=1e-9`` or ``h=1e-12``: the finite
#   differences get *worse*. Why? (Compare the change of the loss with its
#   size and with machine epsilon.)
# - Try :math:`\alpha = 0.05` in gradient descent: what happens to the path?
#   The largest step size that still converges here is
#   :math:`2 / \lambda_{\max}` of the Hessian :math:`2 X^\top X`.
