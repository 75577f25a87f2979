"""
Normalized gradients on a grid
==============================

Dividing the gradient by its own size throws away its magnitude and keeps
only its direction. Done coordinate by coordinate (the lecture's rule, the
first half of Adam), every parameter moves by exactly :math:`\\pm\\alpha` at
every step, so the iterates walk on a grid and end up bouncing between two
grid points around the minimum. Done with the length of the whole vector
(the "global" version), every step has length :math:`\\alpha` and points
straight downhill. This example runs both on the textbook's fixed-step
landscape and works through the lecture's example gradient :math:`(3, -2, 5)`
both ways.
"""

# %%
# The lecture's example, both ways
# --------------------------------
# With :math:`m = g` and :math:`v = g^2` the normalized step is
#
# .. math::
#
#    \phi_{t+1} = \phi_t - \alpha \frac{m}{\sqrt{v} + \epsilon}.
#
# If square, root and division are taken *per coordinate*,
# :math:`m_j / \sqrt{v_j} = g_j / |g_j| = \operatorname{sign}(g_j)`, so
# :math:`g = (3, -2, 5)` becomes :math:`(1, -1, 1)`. If instead :math:`v` is
# the squared length :math:`3^2 + (-2)^2 + 5^2 = 38` of the whole vector, the
# step is the unit vector :math:`g / \sqrt{38}`. (The lecture's slides show
# both calculations.) We let :class:`descend.NormalizedGradient` take one step
# from :math:`\phi = 0` with :math:`\alpha = 1` and read off the step it took,
# :math:`(\phi - \phi_{\rm new}) / \alpha`:
import matplotlib.pyplot as plt
import numpy as np

import descend
from descend.landscapes import FixedStep
from descend.plotting import color_of, contour, path

g = np.array([3.0, -2.0, 5.0])
phi = np.zeros(3)
for norm in ["coordinate", "global"]:
    opt = descend.NormalizedGradient(lr=1.0, norm=norm)
    new_phi, _ = opt.step(phi, g, opt.init(phi))
    print(f"{norm:>10}: m / (sqrt(v) + eps) = {np.round(phi - new_phi, 4)}")
print(f"check: g / |g| = {np.round(g / np.linalg.norm(g), 4)}, |g| = sqrt({g @ g:g})")

# %%
# The per-coordinate step keeps only the signs: :math:`-2` moves as far as
# :math:`5`. Its length is :math:`\sqrt{3} \approx 1.73`, not 1: per
# coordinate normalization gives a step of length :math:`\alpha\sqrt{N}` for
# :math:`N` parameters, pointing along a diagonal of the unit cube rather
# than downhill. The global version keeps the direction and fixes the length.
#
# Walking on a grid
# -----------------
# On the fixed-step landscape (:class:`descend.landscapes.FixedStep`, a
# valley 16 times steeper across :math:`\phi_1` than along :math:`\phi_0`)
# plain gradient descent needs a small step for :math:`\phi_1` and a large one
# for :math:`\phi_0`. Per-coordinate normalization moves both coordinates by
# :math:`\alpha` whatever their slopes, so from the start
# :math:`\phi_{\rm start}` every iterate lies on the grid
#
# .. math::
#
#    \phi_{\rm start} + \alpha\, k, \qquad k \in \mathbb{Z}^2
#
# (drawn faintly below). Each coordinate marches towards its minimum, and once
# it is within :math:`\alpha` of it, it overshoots and comes back forever.
problem = FixedStep()
bounds = problem.bounds
start = np.array([-0.7, -0.9])
alpha, steps = 0.12, 40
coord = descend.NormalizedGradient(lr=alpha, norm="coordinate")
glob = descend.NormalizedGradient(lr=alpha, norm="global")
run_coord = descend.fit(coord, problem, start, steps=steps)
run_glob = descend.fit(glob, problem, start, steps=steps)

with np.printoptions(precision=4, suppress=True):
    print("last four iterates, per coordinate:\n", run_coord.phi[-4:])
    print("last four iterates, global norm:\n", run_glob.phi[-4:])

# %%
# The per-coordinate iterates end in a two-cycle: two grid points that
# straddle the minimum :math:`(0.7, 0)`, visited alternately. The
# global-norm iterates zig-zag across the valley with steps of length
# :math:`\alpha`, creeping along its floor.
fig, axes = plt.subplots(1, 2, figsize=(10, 4.4), sharey=True)
i = np.arange(-20, 21)
grid0, grid1 = np.meshgrid(start[0] + alpha * i, start[1] + alpha * i)
inside = (np.abs(grid0) <= 1) & (np.abs(grid1) <= 1)
for ax, run, opt, title in [
    (axes[0], run_coord, coord, 'per coordinate (norm="coordinate")'),
    (axes[1], run_glob, glob, 'global norm (norm="global")'),
]:
    contour(ax, problem, bounds, levels=20, colorbar=ax is axes[1])
    ax.plot(grid0[inside], grid1[inside], ".", color="white", markersize=2, alpha=0.6)
    path(ax, run, optimizer=opt, label=f"{steps} steps, $\\alpha$ = {alpha}")
    ax.plot(*problem.minimum, "x", color="white", markersize=8, label="minimum")
    ax.set_title(title)
    ax.set_aspect("equal")
    ax.legend(loc="upper left", frameon=True, facecolor="0.2", labelcolor="white")
axes[1].set_ylabel("")
fig.suptitle("Normalized gradients on the fixed-step landscape (dots: the grid)")
plt.show()

# %%
# Neither version converges
# -------------------------
# The loss drops quickly (both coordinates make progress at the same rate,
# whatever their slope) and then stalls: with steps of fixed size the
# iterates cannot settle closer to the minimum than about half a step. The
# right panel shows the step lengths :math:`\lVert\phi_{t+1} - \phi_t\rVert`:
# :math:`\alpha\sqrt{2}` for the per-coordinate rule (both coordinates move
# by :math:`\alpha`), :math:`\alpha` for the global one.
fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
for run, opt, style, label in [
    (run_coord, coord, "-", "per coordinate"),
    (run_glob, glob, "--", "global norm"),
]:
    t = np.arange(len(run.loss))
    axes[0].semilogy(t, run.loss, style, color=color_of(opt), label=label)
    step_len = np.linalg.norm(np.diff(run.phi, axis=0), axis=1)
    axes[1].plot(t[:-1], step_len, style, color=color_of(opt), label=label)
for level, text in [(alpha * np.sqrt(2), r"$\alpha\sqrt{2}$"), (alpha, r"$\alpha$")]:
    axes[1].axhline(level, color="grey", linewidth=0.8, linestyle=":")
    axes[1].annotate(text, (steps, level), xytext=(3, 0), textcoords="offset points",
                     va="center")  # fmt: skip
axes[0].set(xlabel="step $t$", ylabel=r"loss $L[\phi_t]$", title="Loss: fast, then stuck")
axes[1].set(xlabel="step $t$", ylabel=r"$\|\phi_{t+1} - \phi_t\|$",
            title="Step length never shrinks", ylim=(0, 0.2))  # fmt: skip
for ax in axes:
    ax.legend()
plt.show()
print(f"final loss: per coordinate {run_coord.final_loss:.4f}, global {run_glob.final_loss:.4f}")

# %%
# Landing on the minimum is not quite enough
# ------------------------------------------
# The lecture says the per-coordinate rule does not converge "unless it
# happens to land exactly at the minimum". With :math:`\alpha = 0.1` the
# minimum :math:`(0.7, 0)` *is* on the grid through :math:`(-0.7, -0.9)`. But
# the :math:`\epsilon` in the denominator shortens every step a little, to
# :math:`\alpha |g_j| / (|g_j| + \epsilon)`, so :math:`\phi_1` arrives a
# hair away from 0, where the slope is still several times
# :math:`\epsilon`; the next step is then most of an :math:`\alpha` again:
run = descend.fit(descend.NormalizedGradient(lr=0.1), problem, start, steps=12)
for t in range(8, 12):
    print(
        f"t = {t:2d}: phi_1 = {run.phi[t, 1]: .2e}, dL/dphi_1 = {problem.grad(run.phi[t])[1]: .2e}"
    )

# %%
# Only where :math:`|g_j| \ll \epsilon` do the steps become small, which in
# floating point means within about :math:`\epsilon` of the minimum. Adam
# largely fixes this by averaging :math:`m` and :math:`v` over time (see
# :ref:`sphx_glr_auto_examples_06_adaptive_plot_adam.py`): near the minimum
# the gradients change sign, their average :math:`m` shrinks while
# :math:`v` does not, and so do the steps.
#
# What to try
# -----------
# - ``alpha = 0.05``: a finer grid, a smaller final two-cycle, but twice the
#   steps to get there.
# - A schedule, ``lr=descend.schedules.ExponentialLR(0.12, gamma=0.95)`` and
#   ``steps=100``: the grid shrinks as it goes and the per-coordinate iterates
#   do converge. With ``gamma=0.9`` they stop short: each coordinate can
#   travel at most :math:`\alpha / (1 - \gamma) = 1.2` in total, less than the
#   distance 1.4 from :math:`\phi_0 = -0.7` to 0.7.
# - ``descend.landscapes.Quadratic(a=1, b=100)`` with ``bounds = ((-2, 2),
#   (-2, 2))``: gradient descent needs :math:`\alpha < 2/100` there. How do
#   the two normalized rules fare with ``alpha = 0.12``? And with
#   ``angle=np.pi / 4``, where the valley no longer lines up with the
#   coordinates?
