r"""
Gradient descent on linear regression
=====================================

The lecture's first example of gradient descent: fit a line
:math:`f[x, \phi] = \phi_0 + \phi_1 x` to data by minimising the sum of
squared residuals

.. math::

    L[\phi] = \sum_{i=1}^{I} \ell_i = \sum_{i=1}^{I} (\phi_0 + \phi_1 x_i - y_i)^2 .

Each step does the lecture's two things: **Step 1**, compute the
derivatives of the loss with respect to the parameters; **Step 2**, move
the parameters a little against them. We do step 1 by hand once, check it
against the library, then let :func:`descend.fit` repeat both steps and
watch the path on the loss surface, the line fitting the data, and the loss
falling.
"""

# %%
# The data and the loss surface
# -----------------------------
# The twelve points of the textbook's linear-regression notebook (Prince,
# *Understanding Deep Learning*, 2023, notebook 6.2), loaded with
# :func:`descend.datasets.textbook_linear`; the inputs run from 0.03 to 1.9.
# Wrapping the model and the data in :class:`~descend.landscapes.DataLoss`
# turns them into a landscape :math:`L[\phi]` over the two parameters. At
# :math:`\phi = (0.6, -0.2)` the loss is 12.367, the value the notebook prints
# as a check. The contour plots below show the intercept
# :math:`\phi_0 \in [0, 2]` and the slope :math:`\phi_1 \in [-1, 1]`.
import matplotlib.pyplot as plt
import numpy as np

import descend
from descend.datasets import textbook_linear
from descend.landscapes import DataLoss
from descend.models import Linear
from descend.plotting import COLORS, contour, path

x, y = textbook_linear()
model = Linear()
problem = DataLoss(model, x, y)
bounds = ((0.0, 2.0), (-1.0, 1.0))
phi_start = np.array([1.6, -0.5])

# The exact minimiser, for reference: ordinary least squares.
X = np.column_stack([np.ones_like(x), x])
phi_best = np.linalg.lstsq(X, y, rcond=None)[0]
L_best = problem.loss(phi_best)
print(f"{len(x)} examples, x in [{x.min()}, {x.max()}]")
print(f"check: L[(0.6, -0.2)] = {problem.loss(np.array([0.6, -0.2])):.3f}")
print(f"least-squares solution phi* = {np.round(phi_best, 4)}, L[phi*] = {L_best:.4f}")
print(f"start phi = {phi_start}, L = {problem.loss(phi_start):.4f}")

# %%
# Step 1: compute the derivatives
# -------------------------------
# The loss is a sum, so its gradient is the sum of the per-example gradients,
# and each of those follows from the chain rule:
#
# .. math::
#
#     \frac{\partial L}{\partial \phi} = \sum_{i=1}^{I} \frac{\partial \ell_i}{\partial \phi},
#     \qquad
#     \frac{\partial \ell_i}{\partial \phi}
#     = \begin{bmatrix} 2(\phi_0 + \phi_1 x_i - y_i) \\
#                       2 x_i (\phi_0 + \phi_1 x_i - y_i) \end{bmatrix}.
#
# We evaluate this formula at the starting point, print the first few
# per-example terms, and compare the sum with
# :meth:`Linear().grad <descend.models.Model.grad>`.
residual = phi_start[0] + phi_start[1] * x - y
dl_dphi0 = 2 * residual
dl_dphi1 = 2 * x * residual
print(f"{'i':>3} {'x_i':>7} {'y_i':>7} {'dl_i/dphi0':>11} {'dl_i/dphi1':>11}")
for i in range(5):
    print(f"{i:3d} {x[i]:7.3f} {y[i]:7.3f} {dl_dphi0[i]:11.4f} {dl_dphi1[i]:11.4f}")
print("...")
by_hand = np.array([dl_dphi0.sum(), dl_dphi1.sum()])
library = model.grad(phi_start, x, y)
print(f"sum over all {len(x)} examples (lecture's formula): {np.round(by_hand, 6)}")
print(f"Linear().grad(phi, x, y):                        {np.round(library, 6)}")
print(f"largest difference: {np.max(np.abs(by_hand - library)):.1e}")

# %%
# The gradient points uphill, the direction in which the loss grows
# fastest; step 2 therefore moves the other way.
#
# Step 2: update the parameters
# -----------------------------
# .. math::
#
#     \phi \longleftarrow \phi - \alpha \frac{\partial L}{\partial \phi}.
#
# One update with :math:`\alpha = 0.01` by hand, then the same step by
# :class:`~descend.GradientDescent`. (How to choose :math:`\alpha` is the
# subject of :ref:`the next example
# <sphx_glr_auto_examples_02_gradient_descent_plot_learning_rates.py>`.)
alpha = 0.01
phi_one = phi_start - alpha * by_hand
opt = descend.GradientDescent(lr=alpha)
phi_lib, state = opt.step(phi_start, problem.grad, opt.init(phi_start))
print(f"by hand:         phi_1 = {np.round(phi_one, 6)}, L = {problem.loss(phi_one):.4f}")
print(f"GradientDescent: phi_1 = {np.round(phi_lib, 6)}, L = {problem.loss(phi_lib):.4f}")

# %%
# Repeat
# ------
# :func:`descend.fit` repeats steps 1 and 2 and records every iterate
# :math:`\phi_t` and its loss.
run = descend.fit(opt, problem, phi_start, steps=100)
print(f"after {run.steps} steps: phi = {np.round(run.final_phi, 4)}, L = {run.final_loss:.4f}")
print(f"distance to phi*: {np.linalg.norm(run.final_phi - phi_best):.2e}")

# %%
# The path on the loss surface, and the line at the same steps. Each
# marker on the left is one line on the right. The first few steps cross
# the long, slanted valley of the loss, mostly tilting the line; the later
# ones creep along the valley floor, where a higher intercept with a smaller
# slope fits almost as well as a lower intercept with a larger one. Both
# axes of the left panel have the same scale, so the right angle at which
# each step leaves its contour line (the gradient is perpendicular to it)
# is drawn as a right angle.
shown = [0, 1, 2, 4, 8, 16, run.steps]
colors = plt.cm.plasma(np.linspace(0.1, 0.85, len(shown)))
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.4))
contour(ax1, problem, bounds, levels=np.linspace(-2, 2.5, 19), log=True)
path(ax1, run, label="gradient descent", optimizer=opt)
ax1.plot(*phi_best, "+", color="white", markersize=14, markeredgewidth=1.5, label=r"$\phi^*$")
for t, c in zip(shown, colors, strict=True):
    ax1.plot(*run.phi[t], "o", color=c, markeredgecolor="white", markersize=7, zorder=5)
ax1.set_title(r"Loss $L[\phi]$ and the path of $\phi_t$")
ax1.set_aspect("equal")
ax1.legend(loc="upper right", labelcolor="white")

x_line = np.linspace(0, 2, 2)
ax2.plot(x, y, "o", color="grey", markersize=5, label="data")
for t, c in zip(shown, colors, strict=True):
    ax2.plot(x_line, model.predict(run.phi[t], x_line), color=c, label=f"step {t}")
ax2.set(xlabel="input $x$", ylabel="output $y$", xlim=(0, 2), title="The fitted line at each step")
ax2.legend(loc="center left", bbox_to_anchor=(1, 0.5))
fig.suptitle(rf"Gradient descent on linear regression, $\alpha = {alpha}$")
plt.show()

# %%
# The loss per step
# -----------------
# On a log scale the gap :math:`L[\phi_t] - L[\phi^*]` falls along a straight
# line: gradient descent on a quadratic converges *linearly*. The slope is
# set by the Hessian :math:`H = 2 X^\top X` (with rows :math:`(1, x_i)` in
# :math:`X`): along its eigenvector with the smallest eigenvalue
# :math:`\lambda_{\min}` the error shrinks by a factor
# :math:`|1 - \alpha \lambda_{\min}|` per step, so the loss gap, which is
# quadratic in the error, by :math:`(1 - \alpha \lambda_{\min})^2`. The
# dashed line is that prediction.
H = 2 * X.T @ X
lam_min, lam_max = np.linalg.eigvalsh(H)
rate = (1 - alpha * lam_min) ** 2
print(f"Hessian eigenvalues: {lam_min:.3f}, {lam_max:.3f}")
print(f"predicted loss-gap factor per step (1 - alpha lam_min)^2 = {rate:.4f}")
observed = (run.loss[-1] - L_best) / (run.loss[-11] - L_best)
print(f"over the last 10 steps the gap shrank by {observed:.4f}; predicted {rate**10:.4f}")

steps = np.arange(run.steps + 1)
gap = run.loss - L_best
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.8))
ax1.plot(steps, run.loss, color=COLORS["GradientDescent"], label="gradient descent")
ax1.axhline(L_best, color="grey", linestyle=":", label=r"$L[\phi^*]$")
ax1.set(xlabel="step $t$", ylabel=r"loss $L[\phi_t]$", title="Loss")
ax1.legend()
ax2.semilogy(steps, gap, color=COLORS["GradientDescent"], label="gradient descent")
ax2.semilogy(
    steps,
    gap[-1] * rate ** (steps - run.steps),
    "--",
    color="grey",
    label=r"slope $(1 - \alpha\lambda_{\min})^{2t}$",
)
ax2.set(
    xlabel="step $t$",
    ylabel=r"$L[\phi_t] - L[\phi^*]$ (log scale)",
    title="Distance to the minimum",
)
ax2.legend()
fig.suptitle("The loss per step")
plt.show()

# %%
# What to try
# -----------
# - Start somewhere else, e.g. ``phi_start = np.array([0.2, 0.9])``: the
#   path still ends at :math:`\phi^*`, because the loss is convex and has a
#   single minimum.
# - Use ``Linear(reduction="mean")``: the gradient is divided by
#   :math:`I = 12`, so the same path needs a learning rate 12 times larger.
# - Move the inputs away from zero, ``x + 5``: the two parameters become
#   strongly coupled, the valley narrower and longer, and the convergence
#   much slower at the largest stable :math:`\alpha`.
