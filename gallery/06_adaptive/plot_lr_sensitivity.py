"""
Learning-rate sensitivity
=========================

The lecture claims Adam "is less sensitive to the initial learning rate".
This example measures it: it runs gradient descent, momentum and Adam for
the same number of steps on the Rosenbrock function, once for each of 16
learning rates spread over five decades, and plots the final loss against
the learning rate. Gradient descent and momentum work in a narrow band that
ends at a cliff where they diverge; Adam has a wide band, and no cliff.
"""

# %%
# One run per learning rate
# -------------------------
# :class:`descend.landscapes.Rosenbrock` is a long, curved valley whose
# floor descends gently to the minimum at :math:`(1, 1)`; its walls are
# steep (curvature about 1000 across the valley at the minimum), which caps
# the stable step of gradient descent near :math:`2/1000`. We start at the
# classic :math:`(-1.2, 1)` and only need each run's final loss, so a bare
# loop of :meth:`~descend.Optimizer.step` is enough (this is what
# :func:`descend.fit` does, minus the bookkeeping). A run that overflows is
# recorded as diverged: the first step that meets an inf or NaN raises
# :class:`descend.NonFiniteError`, saying which step it was, so a diverging
# run stops instead of spreading NaN. (The gradient is evaluated here, outside
# the optimizer, so its overflow is silenced with ``np.errstate``.)
import matplotlib.pyplot as plt
import numpy as np

import descend
from descend.landscapes import Rosenbrock
from descend.plotting import CMAP, color_of, grid, path

problem = Rosenbrock()
start = np.array([-1.2, 1.0])
steps = 1000
lrs = np.logspace(-4, 1, 16)
optimizers = {
    "gradient descent": descend.GradientDescent,
    "momentum (β = 0.9)": lambda lr: descend.Momentum(lr, beta=0.9),
    "Adam": descend.Adam,
}


def final_loss(opt):
    """Loss after ``steps`` steps of ``opt`` from ``start`` (NaN if it diverged)."""
    phi, state = start.copy(), opt.init(start)
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            for _ in range(steps):
                phi, state = opt.step(phi, problem.grad(phi), state)
            loss = problem.loss(phi)
    except descend.NonFiniteError:
        return np.nan
    return loss if np.isfinite(loss) else np.nan


results = {
    name: np.array([final_loss(make(lr)) for lr in lrs]) for name, make in optimizers.items()
}
print(f"L at the start: {problem.loss(start):.1f}")
for name, losses in results.items():
    print(f"{name:>18}: " + " ".join(f"{v:7.1e}" for v in losses))

# %%
# The picture
# -----------
# Diverged runs (NaN or infinite loss) are drawn as crosses above the top
# line, one row per optimizer. The dotted line is the starting loss: above
# it, a run made things worse.
fig, ax = plt.subplots(figsize=(8, 4.8))
top = 10 ** np.ceil(np.log10(np.nanmax([np.nanmax(v) for v in results.values()])) + 1)
for row, (name, losses) in enumerate(results.items()):
    color = color_of(optimizers[name](1.0))
    ax.loglog(lrs, losses, "o-", color=color, markersize=4, label=name)
    bad = np.isnan(losses)
    ax.plot(lrs[bad], np.full(bad.sum(), top * 4**row), "x", color=color, markersize=7,
            markeredgewidth=2)  # fmt: skip
ax.axhline(top / 2, color="grey", linewidth=0.8)
ax.annotate("diverged (NaN / inf)", (lrs[0], top), color="grey", va="center")
ax.axhline(problem.loss(start), color="grey", linestyle=":", label=r"$L[\phi_0]$ (no progress)")
ax.set(xlabel=r"learning rate $\alpha$", ylabel=rf"loss after {steps} steps",
       title="Learning-rate sensitivity on the Rosenbrock function, from $(-1.2, 1)$")  # fmt: skip
ax.set_ylim(top=top * 4 ** len(results))
ax.legend(loc="lower left")
plt.show()

# %%
# How wide is the good band?
# --------------------------
# "Within a factor of the best loss" is of little use here. A run that
# converges drives the loss towards zero, so for momentum and Adam the best
# run's loss is tiny and no other learning rate comes within a modest factor
# of it; gradient descent converges nowhere in this budget, so its "near the
# best" includes runs that barely moved (the script prints both counts). A
# target is more telling: which learning rates bring the loss
# below :math:`10^{-2}`, a reduction by more than a factor 2000 from the
# start, within the step budget? With three learning rates per decade, each
# one that qualifies stands for a third of a decade.
target = 1e-2
for name, losses in results.items():
    finite = np.where(np.isnan(losses), np.inf, losses)
    best = np.argmin(finite)
    near_best = finite <= 100 * finite[best]
    good = finite < target
    print(f"{name}: best lr {lrs[best]:.2g} (loss {finite[best]:.1e}); "
          f"{near_best.sum()} of {len(lrs)} within 100x of it")  # fmt: skip
    listed = ", ".join(f"{lr:.2g}" for lr in lrs[good]) or "none"
    print(f"    {good.sum()} of {len(lrs)} reach L < {target:g}: {listed}")

# %%
# Gradient descent's good learning rates end at a cliff: a little above its
# best one, the run blows up. Momentum gets much further in the same number
# of steps but has the same kind of cliff. Adam cannot blow up: its step per
# coordinate is bounded by a small multiple of :math:`\alpha` whatever the
# gradient (Kingma and Ba, 2015, Section 2.1), so a too-large learning rate makes
# it bounce around the valley instead of escaping to infinity, and its final
# loss depends on where the bouncing happens to end. A too-small one just
# makes it slow. (In PyTorch's form, ``descend.SGD(lr, momentum=0.9)``, the
# momentum curve is the same, shifted left by the factor
# :math:`1/(1 - \beta) = 10`.)
#
# Where each optimizer's best run went
# ------------------------------------
fig, ax = plt.subplots(figsize=(7, 5))
phi0_grid, phi1_grid, L = grid(problem, problem.bounds)
log_loss = np.log10(np.maximum(L, 1e-12))  # the floor only guards log10(0) at the minimum
levels = np.linspace(-2, 3.5, 23)  # below 1e-2 (the valley floor): the darkest color
cs = ax.contourf(phi0_grid, phi1_grid, log_loss, levels=levels, cmap=CMAP, extend="min")
ax.contour(phi0_grid, phi1_grid, log_loss, levels=levels, colors="white", linewidths=0.3, alpha=0.5)
fig.colorbar(cs, ax=ax, label=r"$\log_{10} L[\phi]$")
ax.set(xlabel=r"$\phi_0$", ylabel=r"$\phi_1$")
ax.grid(False)
for name, losses in results.items():
    best_lr = lrs[np.argmin(np.where(np.isnan(losses), np.inf, losses))]
    opt = optimizers[name](best_lr)
    run = descend.fit(opt, problem, start, steps=steps)
    path(ax, run, optimizer=opt, label=f"{name}, $\\alpha$ = {best_lr:.2g}", markers=False)
ax.plot(*problem.minimum, "x", color="white", markersize=9)
ax.set_title(f"Best learning rate of each, {steps} steps (x: the minimum)")
ax.legend(loc="lower right", frameon=True)
plt.show()

# %%
# What to try
# -----------
# - ``steps = 5000``: small learning rates now have time to get somewhere,
#   so the curves drop on the left, but the cliffs stay where they are.
# - ``descend.NesterovMomentum`` as a fourth optimizer (add
#   ``"Nesterov": descend.NesterovMomentum`` to ``optimizers``): does the
#   look-ahead move the cliff?
# - ``descend.landscapes.Quadratic(a=1, b=100)``: theory puts the cliff of
#   gradient descent at :math:`\alpha = 2/100`; find it between two grid
#   points.
