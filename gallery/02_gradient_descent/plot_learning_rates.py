r"""
Learning rates: too small, good, too large, divergent
=====================================================

Gradient descent has one knob, the learning rate :math:`\alpha`. On the
convex linear-regression loss of the lecture we can say exactly which values
work: the loss is a quadratic, its curvature is a constant Hessian
:math:`H`, and gradient descent converges if and only if
:math:`\alpha < 2 / \lambda_{\max}`, where :math:`\lambda_{\max}` is the
largest eigenvalue of :math:`H`. This example computes that critical value
from the loss, picks four learning rates relative to it, and shows what each
does to the path and to the loss.
"""

# %%
# The problem and its Hessian
# ---------------------------
# The same data, model and start as in :ref:`the previous example
# <sphx_glr_auto_examples_02_gradient_descent_plot_linear_regression.py>`:
# the twelve points of the textbook's notebook 6.2 (Prince, *Understanding
# Deep Learning*, 2023), :func:`descend.datasets.textbook_linear`.
# We do not need a formula for the Hessian: its columns are derivatives of
# the gradient, which central finite differences of
# :meth:`~descend.landscapes.DataLoss.grad` give (exactly, up to rounding,
# because the gradient of a quadratic is linear). The formula
# :math:`H = 2 X^\top X`, with rows :math:`(1, x_i)` in :math:`X`, serves
# as a check.
import matplotlib.pyplot as plt
import numpy as np

import descend
from descend.datasets import textbook_linear
from descend.landscapes import DataLoss, hessian
from descend.models import Linear
from descend.plotting import COLORS, contour, path

x, y = textbook_linear()
problem = DataLoss(Linear(), x, y)
phi_start = np.array([1.6, -0.5])


H = hessian(problem, phi_start, h=1e-4)
X = np.column_stack([np.ones_like(x), x])
print("Hessian by finite differences:\n", np.round(H, 6))
print(f"largest difference from 2 X^T X: {np.max(np.abs(H - 2 * X.T @ X)):.1e}")
lam_min, lam_max = np.linalg.eigvalsh(H)
alpha_crit = 2 / lam_max
print(f"eigenvalues: lambda_min = {lam_min:.4f}, lambda_max = {lam_max:.4f}")
print(f"condition number kappa = lambda_max / lambda_min = {lam_max / lam_min:.2f}")
print(f"critical learning rate 2 / lambda_max = {alpha_crit:.6f}")

# %%
# Why :math:`2 / \lambda_{\max}`
# ------------------------------
# Write :math:`\phi_t - \phi^*` in the eigenvectors of :math:`H`. The
# gradient of the quadratic is :math:`H (\phi_t - \phi^*)`, so one step
# multiplies the component along an eigenvector with eigenvalue
# :math:`\lambda` by :math:`1 - \alpha \lambda`:
#
# .. math::
#
#     \phi_{t+1} - \phi^* = (I - \alpha H)(\phi_t - \phi^*).
#
# Every component shrinks if and only if :math:`|1 - \alpha \lambda| < 1`
# for both eigenvalues, that is :math:`0 < \alpha < 2 / \lambda_{\max}`.
# For :math:`\alpha > 1 / \lambda_{\max}` the factor along the steep
# direction is negative: the iterate jumps across the valley at every step.
# The slowest component decides the speed, and the best fixed step balances
# the two extremes, :math:`1 - \alpha \lambda_{\min} = -(1 - \alpha
# \lambda_{\max})`, giving :math:`\alpha = 2 / (\lambda_{\min} +
# \lambda_{\max})`. We try four values:
alphas = {
    "too small": 0.1 * alpha_crit,
    "good": 2 / (lam_min + lam_max),
    "too large": 1.02 * alpha_crit,
    "divergent": 1.5 * alpha_crit,
}
X_star = np.linalg.lstsq(X, y, rcond=None)[0]
L_star = problem.loss(X_star)
runs = {}
print(f"{'':10} {'alpha':>9} {'alpha / crit':>12} {'factors 1 - alpha lambda':>26} {'final L':>11}")
for name, alpha in alphas.items():
    runs[name] = descend.fit(descend.GradientDescent(alpha), problem, phi_start, steps=30)
    f_min, f_max = 1 - alpha * lam_min, 1 - alpha * lam_max
    print(
        f"{name:10} {alpha:9.6f} {alpha / alpha_crit:12.3f} {f_min:12.3f} {f_max:13.3f} "
        f"{runs[name].final_loss:11.4g}"
    )
print(f"minimum loss L[phi*] = {L_star:.4f}")

# %%
# The paths
# ---------
# Each panel shows 30 steps from the same start on the contours of the
# loss. Too small creeps straight downhill and is far from the minimum when
# the steps run out. The good rate already zigzags (its steep-direction
# factor is negative) and still converges fastest. Just above the critical
# value the zigzag grows a little at every step; well above it the iterate
# is thrown out of the picture within a few steps (paths are drawn until
# they leave the box).
bounds = ((-0.5, 2.5), (-1.25, 1.75))
fig, axes = plt.subplots(2, 2, figsize=(9, 8), sharex=True, sharey=True)
for ax, (name, run) in zip(axes.flat, runs.items(), strict=True):
    cs = contour(ax, problem, bounds, levels=np.linspace(-2, 2.5, 19), log=True, colorbar=False)
    (a0, b0), (a1, b1) = bounds
    inside = (
        (run.phi[:, 0] > a0) & (run.phi[:, 0] < b0) & (run.phi[:, 1] > a1) & (run.phi[:, 1] < b1)
    )
    shown = run.phi[: np.argmin(inside) + 1] if not inside.all() else run.phi  # stop once it leaves
    path(ax, shown, optimizer="GradientDescent", linewidth=1.2)
    ax.plot(*X_star, "+", color="white", markersize=14, markeredgewidth=1.5)
    ax.set(xlim=bounds[0], ylim=bounds[1])
    ax.set_title(
        rf"{name}: $\alpha = {alphas[name] / alpha_crit:.3g} \times 2/\lambda_{{\max}}$", loc="left"
    )
for ax in axes[0]:
    ax.set_xlabel("")
for ax in axes[:, 1]:
    ax.set_ylabel("")
fig.colorbar(cs, ax=axes, label=r"$\log_{10}(L - L_{\min})$", shrink=0.8)
fig.suptitle(
    f"Gradient descent on linear regression, 30 steps ($2/\\lambda_{{\\max}}$ = {alpha_crit:.4f})"
)
plt.show()

# %%
# The loss curves
# ---------------
# The gap :math:`L[\phi_t] - L[\phi^*]` on a log scale. The good rate falls
# in a straight line (linear convergence); too small falls along a much
# shallower one; just above the critical rate the loss first *decreases*,
# because the flat direction still improves, and then turns round and
# climbs: the classic "loss going up" of a learning rate that is slightly
# too large. Far above it the loss explodes geometrically and leaves the
# plot within a few steps (the table above prints where it ends).
styles = {"too small": ":", "good": "-", "too large": "--", "divergent": "-."}
fig, ax = plt.subplots(figsize=(7, 4.4))
for name, run in runs.items():
    ax.semilogy(
        run.loss - L_star,
        styles[name],
        color=COLORS["GradientDescent"],
        label=rf"{name}: $\alpha = {alphas[name] / alpha_crit:.3g} \times 2/\lambda_{{\max}}$",
    )
ax.set(
    xlabel="step $t$",
    ylabel=r"$L[\phi_t] - L[\phi^*]$ (log scale)",
    ylim=(1e-4, 1e4),
    title="The loss gap for four learning rates",
)
ax.legend()
plt.show()

# %%
# What to try
# -----------
# - Set ``alpha = 0.99 * alpha_crit``: the path zigzags for a long time but
#   converges. How many steps does it need to match the good rate?
# - Try ``alpha = 1 / lam_max``: the steep-direction factor is exactly 0, so
#   that direction is solved in a single step.
# - Replace :class:`~descend.models.Linear` by ``Linear(reduction="mean")``:
#   the Hessian and hence :math:`\lambda_{\max}` shrink by the number of
#   examples, and the critical learning rate grows by the same factor.
