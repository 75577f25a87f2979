r"""
The challenge with fixed step sizes
===================================

One learning rate for all parameters is a compromise. On the textbook's
"fixed step" landscape (:class:`descend.landscapes.FixedStep`),

.. math::

    L[\phi] = 1 - \exp\!\left(-2 \phi_1^2\right)
                  \exp\!\left(-\frac{(\phi_0 - 0.7)^2}{8}\right),

the valley is wide and flat along :math:`\phi_0` and narrow and steep
across :math:`\phi_1`. A small step creeps along the flat direction; a step
large enough to cross it quickly bounces from wall to wall of the steep one.
This example shows both from the textbook's start :math:`(-0.7, -0.9)`,
measures the curvatures with a numerical Hessian, and counts how many steps
each learning rate needs.
"""

# %%
# Curvature at the minimum
# ------------------------
# The minimum is :math:`\phi^* = (0.7, 0)`. Central finite differences of the
# gradient give the Hessian there; its eigenvalues are the curvatures along
# the two axes. Near :math:`\phi^*` gradient descent behaves as on a
# quadratic with these curvatures, so (as in :ref:`the learning-rate example
# <sphx_glr_auto_examples_02_gradient_descent_plot_learning_rates.py>`) it is
# stable only for :math:`\alpha < 2 / \lambda_{\max}`, while the flat
# direction shrinks by a factor :math:`1 - \alpha \lambda_{\min}` per step.
import matplotlib.pyplot as plt
import numpy as np

import descend
from descend.landscapes import FixedStep, hessian
from descend.plotting import COLORS, contour, path

problem = FixedStep()
phi_star = problem.minimum
phi_start = np.array([-0.7, -0.9])


H = hessian(problem, phi_star, h=1e-5)
lam_min, lam_max = np.linalg.eigvalsh(H)
print("Hessian at the minimum:\n", np.round(H, 6))
print(f"eigenvalues: lambda_min = {lam_min:.4f}, lambda_max = {lam_max:.4f}")
print(f"condition number lambda_max / lambda_min = {lam_max / lam_min:.2f}")
print(f"largest stable step 2 / lambda_max = {2 / lam_max:.4f}")
print(
    f"at that step the flat direction shrinks by 1 - alpha lambda_min = "
    f"{1 - 2 / lam_max * lam_min:.4f} per step"
)

# %%
# A small and a large step
# ------------------------
# Fifty steps of :class:`~descend.GradientDescent` with a small learning
# rate and with one twice the stability limit. The small step heads
# straight into the valley and then crawls along its floor; the large one
# crosses the valley at every step and never settles, even though it
# travels along the flat direction much faster.
small, large = 0.1, 1.0
runs = {
    a: descend.fit(descend.GradientDescent(a), problem, phi_start, steps=50) for a in (small, large)
}

fig, axes = plt.subplots(1, 2, figsize=(10, 4.4), sharey=True)
for ax, (alpha, run) in zip(axes, runs.items(), strict=True):
    cs = contour(ax, problem, problem.bounds, levels=20, colorbar=False)
    path(ax, run, optimizer="GradientDescent", linewidth=1, markers=False)
    ax.plot(*phi_star, "+", color="white", markersize=14, markeredgewidth=1.5)
    ax.set_title(rf"$\alpha = {alpha:g}$: $L = {run.final_loss:.3g}$ after {run.steps} steps")
axes[1].set_ylabel("")
fig.colorbar(cs, ax=axes, label=r"loss $L[\phi]$")
fig.suptitle("Gradient descent with a fixed step: too slow, or oscillating")
plt.show()

# %%
# The two coordinates tell the story separately: :math:`\phi_0` (left) is
# the flat direction, :math:`\phi_1` (right) the steep one.
fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(10, 3.8), sharex=True)
for (alpha, run), style in zip(runs.items(), ("-", "--"), strict=True):
    for ax, j in ((ax0, 0), (ax1, 1)):
        ax.plot(
            run.phi[:, j], style, color=COLORS["GradientDescent"], label=rf"$\alpha = {alpha:g}$"
        )
for ax, j in ((ax0, 0), (ax1, 1)):
    ax.axhline(phi_star[j], color="grey", linestyle=":")
    ax.set(xlabel="step $t$", ylabel=rf"$\phi_{j}$")
ax1.plot([], [], ":", color="grey", label=r"minimum $\phi^*$")
fig.legend(*ax1.get_legend_handles_labels(), loc="outside lower center", ncol=3)
ax0.set_title("Flat direction: the small step creeps")
ax1.set_title("Steep direction: the large step oscillates")
plt.show()

# %%
# How many steps does each learning rate need?
# --------------------------------------------
# We run each learning rate for up to 1000 steps and count the steps until
# the iterate is within 0.01 of :math:`\phi^*` *and stays there* (a step
# that lands near the minimum by luck and is thrown out again does not
# count). Below the stability limit the count falls like :math:`1 / \alpha`,
# because the flat direction improves by :math:`\alpha \lambda_{\min}` per
# step. At the limit the count shoots up, and beyond it the answer is
# "never": the steep direction no longer settles. The best fixed step is
# therefore just below the stability limit, and it is still slow: the steep
# direction sets it, and the flat direction pays for it.
tolerance, horizon = 0.01, 1000
alphas = np.array(
    [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.48, 0.5, 0.52, 0.6, 0.8, 1.0, 1.5]
)
needed = []
print(f"{'alpha':>6} {'alpha / (2/lambda_max)':>22} {'steps to stay within 0.01':>26}")
for alpha in alphas:
    run = descend.fit(descend.GradientDescent(alpha), problem, phi_start, steps=horizon)
    outside = np.linalg.norm(run.phi - phi_star, axis=1) >= tolerance
    steps = None if outside[-1] else int(np.flatnonzero(outside)[-1] + 1)
    needed.append(steps)
    print(f"{alpha:6.2f} {alpha / (2 / lam_max):22.2f} {'never' if steps is None else steps:>26}")

# %%
# The same numbers as a picture; "never" is drawn at the top.
fig, ax = plt.subplots(figsize=(7, 4))
ok = np.array([s is not None for s in needed])
counts = np.array([s if s is not None else np.nan for s in needed], dtype=float)
ax.plot(alphas[ok], counts[ok], "o-", color=COLORS["GradientDescent"], label="converges")
ax.plot(
    alphas[~ok],
    np.full((~ok).sum(), horizon),
    "x",
    color="tab:red",
    markersize=9,
    markeredgewidth=2,
    label=f"never (within {horizon} steps)",
)
ax.axvline(2 / lam_max, color="grey", linestyle=":", label=r"$2 / \lambda_{\max}$")
ax.set(
    xscale="log",
    yscale="log",
    xlabel=r"learning rate $\alpha$",
    ylabel=f"steps to stay within {tolerance} of $\\phi^*$",
    title="No fixed step is fast in both directions",
)
ax.legend(loc="lower left")
plt.show()

# %%
# The cure is to give each direction its own step: momentum averages the
# oscillation away, and normalized gradients and Adam rescale every
# coordinate by the size of its own gradient. The examples
# :ref:`sphx_glr_auto_examples_06_adaptive_plot_normalized_gradients.py` and
# :ref:`sphx_glr_auto_examples_06_adaptive_plot_adam.py` run the last two on
# this same landscape; the second suggestion below tries momentum.
#
# What to try
# -----------
# - Start at ``phi_start = np.array([-0.7, 0.0])``, on the valley floor: only
#   the flat direction is left, and a step well above :math:`2/\lambda_{\max}`
#   converges without oscillating.
# - Use ``descend.Momentum(lr=0.1, beta=0.9)`` instead of gradient descent
#   and compare the step counts.
# - Tighten the tolerance to ``1e-4``: how do the counts change below the
#   stability limit?
