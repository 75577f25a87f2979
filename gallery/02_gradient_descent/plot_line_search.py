r"""
Line search: exact and backtracking
===================================

Gradient descent with a fixed learning rate has to guess one step size
:math:`\alpha` for the whole run. A *line search* chooses it anew at every
step: from :math:`\phi_t` it looks along the downhill ray
:math:`\phi_t - \alpha g_t`, with :math:`g_t` the gradient, and picks
:math:`\alpha_t` from the one-dimensional slice
:math:`\alpha \mapsto L[\phi_t - \alpha g_t]`, as in notebook 6.1 of
*Understanding Deep Learning* (Prince, 2023). On the textbook's linear
regression data this example shows *exact* line search, which goes to the
minimum of the slice (in closed form for this quadratic loss, checked
against the notebook's numerical bracketing search) and therefore turns by a
right angle at every step, and *backtracking* line search, which only halves
a first guess until the loss falls enough (the Armijo condition). Both are
compared with fixed-step gradient descent from the same start.
"""

# %%
# The problem
# -----------
# The textbook's 12 points (:func:`descend.datasets.textbook_linear`), the line
# :math:`f[x, \phi] = \phi_0 + \phi_1 x` and the sum of squared residuals
#
# .. math::
#
#     L[\phi] = \sum_{i=1}^{12} (\phi_0 + \phi_1 x_i - y_i)^2
#             = \lVert X \phi - y \rVert^2 ,
#
# where :math:`X` has rows :math:`(1, x_i)`. The loss is quadratic, with the
# constant Hessian :math:`H = 2 X^\top X` and the least-squares minimum
# :math:`\phi^*` that :func:`numpy.linalg.lstsq` computes. We start at
# :math:`\phi_0 = (1.6, -0.5)` (the iterate at :math:`t = 0`, not the
# intercept), across the long diagonal valley of the loss from
# :math:`\phi^*`.
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import patheffects

import descend
from descend.datasets import textbook_linear
from descend.landscapes import DataLoss
from descend.linesearch import backtracking, bracket_search, exact_step
from descend.models import Linear
from descend.plotting import color_of, contour, path

x, y = textbook_linear()
problem = DataLoss(Linear(), x, y)
X = np.column_stack([np.ones_like(x), x])
H = 2 * X.T @ X
phi_best = np.linalg.lstsq(X, y, rcond=None)[0]
L_best = problem.loss(phi_best)
phi_start = np.array([1.6, -0.5])
tol = 1e-6  # "converged": within this of the least-squares loss
lam_min, lam_max = np.linalg.eigvalsh(H)
print(f"least-squares minimum phi* = {np.round(phi_best, 4)}, L[phi*] = {L_best:.4f}")
print(f"start phi_0 = {phi_start}, L[phi_0] = {problem.loss(phi_start):.4f}")
print(f"Hessian eigenvalues {lam_min:.3f} and {lam_max:.3f} (ratio {lam_max / lam_min:.1f})")

# %%
# Exact line search
# -----------------
# Exact line search takes the step that minimizes the loss along the ray,
#
# .. math::
#
#     \alpha_t = \operatorname*{arg\,min}_{\alpha > 0} L[\phi_t - \alpha g_t],
#     \qquad \phi_{t+1} = \phi_t - \alpha_t g_t .
#
# For a quadratic loss the slice is a parabola in :math:`\alpha`: the Taylor
# expansion around :math:`\phi_t` stops at the second order,
#
# .. math::
#
#     L[\phi_t - \alpha g_t] = L[\phi_t] - \alpha\, g_t^\top g_t
#                              + \tfrac12 \alpha^2\, g_t^\top H g_t ,
#
# and setting its derivative :math:`-g_t^\top g_t + \alpha\, g_t^\top H g_t`
# to zero gives the step in closed form
# (:func:`descend.linesearch.exact_step`):
#
# .. math::
#
#     \alpha_t = \frac{g_t^\top g_t}{g_t^\top H g_t} .
#
# As a check that needs no formula, we also minimize the slice numerically
# with the bracketing search of the notebook
# (:func:`descend.linesearch.bracket_search`): four step sizes
# :math:`s_1 < s_2 < s_3 < s_4` bracket the minimum; if :math:`L` is lowest at
# :math:`s_1` the bracket is halved, otherwise the outer third beyond the
# higher of :math:`s_2` and :math:`s_3` is dropped, until :math:`s_2` and
# :math:`s_3` are :math:`10^{-10}` apart. The bracket must contain the
# minimum: we start with :math:`[0, 1]` and double its right end until the
# loss there is no longer below :math:`L[\phi_t]` (the slice falls at
# :math:`\alpha = 0`, so then it has turned upwards inside).


def numerical_step(phi, g):
    """Minimize the slice alpha -> L[phi - alpha g] by the bracketing search.

    Returns the step and how many evaluations of the loss it took.
    """
    evaluated = []

    def slice_(alpha):
        evaluated.append(alpha)
        return problem.loss(phi - alpha * g)

    high = 1.0
    while slice_(high) < slice_(0.0):
        high *= 2
    return bracket_search(slice_, 0.0, high, tol=1e-10), len(evaluated)


g0 = problem.grad(phi_start)
alpha_closed = exact_step(g0, H)
alpha_bracket, n_evals = numerical_step(phi_start, g0)
print(f"first step: closed form {alpha_closed:.10f}, bracketing search {alpha_bracket:.10f}")
print(f"relative difference {abs(alpha_bracket / alpha_closed - 1):.1e}; the search took")
print(f"{n_evals} evaluations of L")

# %%
# The two agree to the tolerance of the search. The exact line search now
# runs until the loss is within :math:`10^{-6}` of :math:`L[\phi^*]`, taking
# the closed-form step and comparing it with the bracketing search at every
# step.
phis, alphas, rel_diffs, search_evals = [phi_start], [], [], 0
while problem.loss(phis[-1]) - L_best > tol:
    g = problem.grad(phis[-1])
    alpha = exact_step(g, H)
    alpha_search, n_evals = numerical_step(phis[-1], g)
    rel_diffs.append(abs(alpha_search / alpha - 1))
    search_evals += n_evals
    alphas.append(alpha)
    phis.append(phis[-1] - alpha * g)
exact_path = np.array(phis)
exact_loss = np.array([problem.loss(p) for p in exact_path])
print(f"exact line search: {len(alphas)} steps to within {tol:g} of L[phi*]")
print(f"steps alpha_t: {np.round(alphas[:6], 5)} ...")
print(f"relative difference closed form vs bracketing, steps 1-10: <= {max(rel_diffs[:10]):.1e}")
print(f"  ... at the last step, {len(alphas)}: {rel_diffs[-1]:.1e} (largest {max(rel_diffs):.1e})")
decrease = exact_loss[-2] - exact_loss[-1]
resolution = np.sqrt(np.finfo(float).eps * exact_loss[-2] / decrease)
print(f"last step: L = {exact_loss[-2]:.4f}, decrease {decrease:.1e}, "
      f"sqrt(eps_mach L / decrease) = {resolution:.1e}")  # fmt: skip

# %%
# The steps alternate between two values, 0.02272 and 0.09981: in two
# dimensions a path with right-angled turns (shown next) can only alternate
# between two directions, and :math:`\alpha_t` depends only on the direction
# of :math:`g_t`. The bracketing search agrees with the closed form to better
# than :math:`10^{-7}` over the first ten steps, and less well, to
# :math:`7 \times 10^{-6}`, at the last ones. That is rounding, not a flaw of
# either method: near its minimum the slice is
# :math:`L[\phi_{t+1}] + \tfrac12 g_t^\top H g_t\, (\alpha - \alpha_t)^2`,
# and a search that only compares loss values cannot see differences below
# the rounding error :math:`\varepsilon_{\text{mach}} L` of the loss. It
# locates :math:`\alpha_t` to a relative accuracy of about
# :math:`\sqrt{\varepsilon_{\text{mach}} L / \Delta L}`, with
# :math:`\Delta L` the decrease the step achieves: :math:`8.5 \times 10^{-6}`
# at the last step.

# %%
# Consecutive steps are orthogonal
# --------------------------------
# At the exact step the slice is flat, and its derivative is the component of
# the new gradient along the ray:
#
# .. math::
#
#     0 = \frac{d}{d\alpha} L[\phi_t - \alpha g_t] \Big|_{\alpha_t}
#       = -g_t^\top \, \nabla L[\phi_t - \alpha_t g_t] = -g_t^\top g_{t+1} .
#
# So each step is at right angles to the one before: the path zig-zags across
# the valley in right-angled turns. The dot products and the cosines of the
# angles between consecutive gradients:
grads = np.array([problem.grad(p) for p in exact_path])
dots = np.sum(grads[1:] * grads[:-1], axis=1)
cosines = dots / (np.linalg.norm(grads[1:], axis=1) * np.linalg.norm(grads[:-1], axis=1))
for t in range(4):
    print(f"g_{t + 1} . g_{t} = {dots[t]: .1e}   (|g_{t}|^2 = {grads[t] @ grads[t]:.2e})")
print(f"largest |cos(angle)| over all {len(dots)} pairs: {np.max(np.abs(cosines)):.1e}")

# %%
# Zero up to rounding: the dot products are about :math:`10^{-14}`, against
# squared gradient lengths between 7 and 192, and no cosine exceeds
# :math:`10^{-12}`.

# %%
# Backtracking (Armijo) line search
# ---------------------------------
# The exact step needs the Hessian, or many evaluations of the loss along the
# ray. Backtracking (:func:`descend.linesearch.backtracking`) settles for a
# step that is good enough: try :math:`\alpha = \alpha_{\text{init}}`, and
# multiply it by a factor :math:`\tau` (the argument ``rho``) until the loss
# falls by at least a fraction
# :math:`c` of what the gradient promises,
#
# .. math::
#
#     L[\phi_t - \alpha g_t] \le L[\phi_t] - c\, \alpha\, g_t^\top g_t .
#
# We use :math:`\alpha_{\text{init}} = 1`, :math:`\tau = 1/2` and
# :math:`c = 10^{-4}`, common defaults. With a small :math:`c` the condition
# asks for little more than a lower loss. The trials at the first iterate:
alpha_init, rho, c = 1.0, 0.5, 1e-4
first = backtracking(problem.loss, phi_start, g0, alpha_init=alpha_init, rho=rho, c=c)
print(f"L[phi_0] = {first.loss0:.4f}, |g_0|^2 = {g0 @ g0:.2f}")
print(f"{'alpha':>9} {'L[phi_0 - alpha g_0]':>21} {'bound':>9}  accepted?")
for a, loss_a in zip(first.trials, first.losses, strict=True):
    bound = first.loss0 - c * a * (g0 @ g0)
    print(f"{a:9.5f} {loss_a:21.4f} {bound:9.4f}  {'yes' if loss_a <= bound else 'no'}")

# %%
# Five halvings: :math:`\alpha = 1/32 = 0.03125` is the first trial below
# the bound, a little beyond the exact step 0.0227 but with a loss (3.1429)
# well below :math:`L[\phi_0]`. The run starts every search afresh from
# :math:`\alpha_{\text{init}}`:
phis, bt_alphas, bt_evals = [phi_start], [], 0
while problem.loss(phis[-1]) - L_best > tol:
    g = problem.grad(phis[-1])
    result = backtracking(problem.loss, phis[-1], g, alpha_init=alpha_init, rho=rho, c=c)
    bt_alphas.append(result.step)
    bt_evals += len(result.trials)
    phis.append(phis[-1] - result.step * g)
bt_path = np.array(phis)
bt_loss = np.array([problem.loss(p) for p in bt_path])
print(f"backtracking: {len(bt_alphas)} steps to within {tol:g} of L[phi*]")
print(f"accepted steps alpha_t: {bt_alphas[:8]} ...")
print(f"evaluations of L by the searches: {bt_evals} ({bt_evals / len(bt_alphas):.1f} per step)")

# %%
# Fixed-step gradient descent
# ---------------------------
# For comparison, :class:`descend.GradientDescent` with the best fixed
# learning rate for this quadratic, :math:`\alpha = 2 / (\lambda_{\min} +
# \lambda_{\max})`, which balances the slowest and the fastest direction (see
# :ref:`the learning-rate example
# <sphx_glr_auto_examples_02_gradient_descent_plot_learning_rates.py>`). A
# line search finds its steps without knowing the eigenvalues.
alpha_fixed = 2 / (lam_min + lam_max)
gd = descend.GradientDescent(lr=alpha_fixed)
gd_run = descend.fit(gd, problem, phi_start, steps=200)
gd_steps = int(np.argmax(gd_run.loss - L_best <= tol))
print(f"fixed step alpha = {alpha_fixed:.5f}: {gd_steps} steps to within {tol:g} of L[phi*]")

# %%
# The paths
# ---------
# With equal scales on both axes the right angles of exact line search are
# visible: each step ends where its line touches a contour (the lowest point
# along the line), and the next gradient is perpendicular to that contour.
# Backtracking, whose steps are powers of :math:`1/2`, and fixed-step
# gradient descent take more steps down the valley. (The line searches are
# not update rules of the library, so they get colors of their own.)
EXACT, BACKTRACK = "#C0392B", "#7B3294"
outline = [patheffects.withStroke(linewidth=3.5, foreground="white")]
bounds = ((0.5, 1.9), (-0.6, 0.8))
fig, ax = plt.subplots(figsize=(7, 6))
contour(ax, problem, bounds, levels=np.linspace(-4, 2.5, 27), log=True)
path(ax, gd_run.phi[: gd_steps + 1], label=f"fixed step ({gd_steps} steps)", optimizer=gd,
     markers=False, path_effects=outline)  # fmt: skip
path(ax, bt_path, label=f"backtracking ({len(bt_alphas)} steps)", color=BACKTRACK,
     path_effects=outline)  # fmt: skip
path(ax, exact_path, label=f"exact line search ({len(alphas)} steps)", color=EXACT,
     path_effects=outline)  # fmt: skip
ax.plot(*phi_best, "+", color="white", markersize=14, markeredgewidth=2, label=r"$\phi^*$")
ax.set_aspect("equal")
ax.set_title("Line search on the textbook's linear regression loss")
ax.legend(loc="upper right", fontsize="small")
plt.show()

# %%
# The first step up close
# -----------------------
# The slice :math:`L[\phi_0 - \alpha g_0]` at the start: a parabola, whose
# minimum is the exact step (the bracketing search lands on the same
# :math:`\alpha`). Backtracking's trials are the points
# :math:`\alpha = 1, 1/2, 1/4, \ldots`: every trial above the dashed Armijo
# line is rejected, the first one below it is accepted. The right panel shows
# all trials on logarithmic axes; the left one zooms in on the minimum.
alphas_fine = np.linspace(0, 2.6 * alpha_closed, 400)
alphas_log = np.geomspace(1e-3, 1.5 * alpha_init, 400)
slice0 = np.vectorize(lambda a: problem.loss(phi_start - a * g0))


def armijo(a):
    """The right-hand side of the Armijo condition at the first iterate."""
    return first.loss0 - c * a * (g0 @ g0)


accepted, rejected = first.trials[-1], first.trials[:-1]

fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
for ax, grid in zip(axes, (alphas_fine, alphas_log), strict=True):
    ax.plot(grid, slice0(grid), color="black", label=r"$L[\phi_0 - \alpha g_0]$")
    ax.plot(grid, armijo(grid), "--", color="grey", label=r"Armijo bound, $c = 10^{-4}$")
    ax.plot(rejected, slice0(rejected), "x", color=BACKTRACK, markersize=9, markeredgewidth=2,
            label="rejected trials")  # fmt: skip
    ax.plot(accepted, slice0(accepted), "o", color=BACKTRACK, markersize=9,
            label=f"accepted, $\\alpha = {accepted:g}$")  # fmt: skip
    ax.axvline(alpha_closed, color=EXACT, linestyle=":",
               label=f"exact step $\\alpha^* = {alpha_closed:.4f}$")  # fmt: skip
    ax.plot(alpha_bracket, slice0(alpha_bracket), "*", color=EXACT, markersize=13,
            markeredgecolor="white", label="bracketing search")  # fmt: skip
    ax.set_xlabel(r"step size $\alpha$")
    ax.set_ylabel(r"loss $L[\phi_0 - \alpha g_0]$")
axes[0].set(xlim=(0, alphas_fine[-1]), ylim=(0, 1.3 * first.loss0), title="Near the minimum")
axes[1].set(xscale="log", yscale="log", title="All backtracking trials (log scales)")
axes[0].legend(loc="lower left", fontsize="small")
fig.suptitle("The loss along the first search direction")
plt.show()

# %%
# The loss per step
# -----------------
# The gap :math:`L[\phi_t] - L[\phi^*]` on a log scale. All three methods
# converge linearly (straight lines), exact line search the fastest. Steps are
# not the whole cost, though; the table below counts what choosing them
# took.
fig, ax = plt.subplots()
ax.semilogy(exact_loss - L_best, ".-", color=EXACT, label="exact line search")
ax.semilogy(bt_loss - L_best, ".-", color=BACKTRACK, label="backtracking")
ax.semilogy(gd_run.loss[: gd_steps + 1] - L_best, color=color_of(gd),
            label=rf"fixed step $\alpha = {alpha_fixed:.4f}$")  # fmt: skip
ax.axhline(tol, color="grey", linestyle=":", label=f"{tol:g}")
ax.set(xlabel="step $t$", ylabel=r"$L[\phi_t] - L[\phi^*]$ (log scale)",
       title="Distance to the minimum per step")  # fmt: skip
ax.legend()
plt.show()

print(f"{'method':<24} {'steps':>5} {'evaluations of L to choose the steps':>37}")
print(f"{'exact, closed form':<24} {len(alphas):5d} {'0 (uses the Hessian)':>37}")
per_step = f"{search_evals} ({search_evals / len(alphas):.0f} per step)"
print(f"{'exact, bracketing search':<24} {len(alphas):5d} {per_step:>37}")
per_step = f"{bt_evals} ({bt_evals / len(bt_alphas):.1f} per step)"
print(f"{'backtracking':<24} {len(bt_alphas):5d} {per_step:>37}")
print(f"{'fixed step':<24} {gd_steps:5d} {'0 (uses the eigenvalues)':>37}")

# %%
# Exact line search needs 26 steps, backtracking 43 and the best fixed step
# 49. But the closed-form exact step needs the Hessian, which only a
# quadratic loss hands us, and the best fixed step needs its eigenvalues;
# found numerically, the exact steps cost 5532 evaluations of the loss (213
# per step), while backtracking gets by with 246 (5.7 per step). That is why
# practical line searches settle for a good-enough step, as backtracking
# does, rather than the best one.

# %%
# What to try
# -----------
# - Start backtracking from ``alpha_init = 0.1``: fewer halvings per step
#   and, here, fewer steps too.
# - Set ``c = 0.5``. On a quadratic the Armijo condition
#   :math:`-\alpha g^\top g + \tfrac12 \alpha^2 g^\top H g \le -c\,\alpha g^\top g`
#   accepts the steps :math:`\alpha \le 2(1 - c)\,\alpha^*`, with
#   :math:`\alpha^*` the exact step: for :math:`c = 1/2` exactly the steps
#   that do not overshoot the minimum of the slice.
# - Start from :math:`\phi_0 = (0, 0)` and count the exact line-search steps.
#   Why so few? Compare the direction of :math:`\phi_0 - \phi^*` with the
#   eigenvectors of :math:`H`.
# - Try the slice on the Gabor model (:class:`descend.models.Gabor`): it is no
#   longer a parabola, :func:`~descend.linesearch.exact_step` no longer
#   applies, and the bracketing search may find a local minimum of the slice.
