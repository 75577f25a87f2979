"""
Learning-rate sensitivity
=========================

The lecture claims Adam "is less sensitive to the initial learning rate".
This example measures it: it runs gradient descent, momentum and Adam for
the same number of steps on the Rosenbrock function, once for each of 16
learning rates spread over five decades, and plots the final loss against
the learning rate. Gradient descent and momentum do best in a narrow band
that ends at a cliff where they diverge; Adam has a wide band, and no cliff.
It ends with a learning-rate range test, which estimates the good rates from
a single run, and shows why its stopping rule must watch a smoothed loss
when the optimizer has momentum.
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
# best" includes runs that got little further than the valley floor near the
# start (loss 3.8 at the smallest rate, from 24.2; the script prints both
# counts). A
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
# A learning-rate range test
# --------------------------
# The sweep above costs sixteen runs. A range test (Smith, 2017; see
# :doc:`/choosing`) estimates the good learning rates from a single run whose
# learning rate grows by the same factor at every step, read as the loss
# against the learning rate. This is the test of :doc:`/choosing`, on the
# textbook's 12 linear points (:func:`descend.datasets.textbook_linear`, mean
# squared error) with PyTorch's momentum, ``descend.SGD(lr, momentum=0.9)``,
# and a ramp from :math:`10^{-4}` to 10 in 100 steps. Besides the loss before
# each step it records a smoothed loss: an exponential moving average with
# :math:`\beta = 0.98`, divided by :math:`1 - \beta^{t+1}` as Adam's averages
# are (fastai's ``lr_find`` does the same). Both stopping rules below are
# applied to the same recorded curves, so the ramp runs on until the loss is
# :math:`10^4` times its starting value, after both rules have stopped.
from descend.datasets import textbook_linear
from descend.landscapes import DataLoss
from descend.models import Linear
from descend.schedules import ExponentialLR

x, y = textbook_linear()
line = DataLoss(Linear(reduction="mean"), x, y)
phi0, mu = np.zeros(2), 0.9
lr_min, lr_max, ramp_steps = 1e-4, 10.0, 100
ramp = ExponentialLR(lr_min, gamma=(lr_max / lr_min) ** (1 / ramp_steps))
opt = descend.SGD(lr=ramp, momentum=mu)
phi, state = phi0.copy(), opt.init(phi0)
ramp_lrs, raw, smoothed, average = [], [], [], 0.0
for t in range(ramp_steps):
    loss = line.loss(phi)
    average = 0.98 * average + 0.02 * loss
    ramp_lrs.append(ramp(t))
    raw.append(loss)
    smoothed.append(average / (1 - 0.98 ** (t + 1)))
    if loss > 1e4 * raw[0]:
        break
    phi, state = opt.step(phi, line.grad(phi), state)
ramp_lrs, raw, smoothed = np.array(ramp_lrs), np.array(raw), np.array(smoothed)


def stop_and_suggest(curve):
    """Stop when ``curve`` exceeds 4x its minimum so far: (stop step, lowest step)."""
    stop = int(np.argmax(curve > 4 * np.minimum.accumulate(curve)))
    return stop, int(np.argmin(curve[: stop + 1]))


raw_stop, raw_low = stop_and_suggest(raw)
smooth_stop, smooth_low = stop_and_suggest(smoothed)
raw_lr, smooth_lr = ramp_lrs[raw_low] / 10, ramp_lrs[smooth_low] / 10
for name, curve, stop, low in [("raw loss", raw, raw_stop, raw_low),
                               ("smoothed", smoothed, smooth_stop, smooth_low)]:  # fmt: skip
    print(f"{name}: lowest {curve[low]:.3g} at step {low} (lr {ramp_lrs[low]:.3g}); stops at "
          f"step {stop} (lr {ramp_lrs[stop]:.3g}, {curve[stop]:.3g} > 4 x {curve[low]:.3g}); "
          f"suggests lr {ramp_lrs[low] / 10:.3g}")  # fmt: skip

# %%
# Why the raw rule stops early
# ----------------------------
# The loss is a quadratic with Hessian :math:`H = \frac{2}{I} X^\top X` (the
# rows of :math:`X` are :math:`(1, x_i)`). On a quadratic, PyTorch's momentum
# is stable for :math:`0 < \text{lr}\,\lambda < 2(1 + \mu)` in every
# eigendirection, and it oscillates (underdamped) once
# :math:`\text{lr}\,\lambda > (1 - \sqrt{\mu})^2`, with an amplitude that
# shrinks only by :math:`\sqrt{\mu} \approx 0.95` per step (the two
# eigenvalues :math:`\Lambda` of the iteration, the roots of
# :math:`\Lambda^2 - (1 + \mu - \text{lr}\,\lambda) \Lambda + \mu`, then have
# modulus :math:`\sqrt{\mu}`).
X = np.column_stack([np.ones_like(x), x])
lam_max = np.linalg.eigvalsh(2 * X.T @ X / len(x)).max()
limit = 2 * (1 + mu) / lam_max
print(f"lambda_max = {lam_max:.3g}: stable for lr < {limit:.3g}, "
      f"oscillating for lr > {(1 - np.sqrt(mu)) ** 2 / lam_max:.2g}")  # fmt: skip
settle = 1 / np.log(1 / np.sqrt(mu))  # steps for the oscillation to shrink by a factor e
print(f"the ramp multiplies lr by {ramp.gamma:.3g} per step, so by {ramp.gamma**settle:.2g} "
      f"in the {settle:.0f} steps the oscillation needs to shrink by a factor e")  # fmt: skip
peak = raw_stop + int(np.argmax(raw[raw_stop : raw_stop + 20]))
trough = peak + int(np.argmax(np.diff(raw[peak:]) > 0))  # where it turns up again
above_start = int(np.argmax(raw > raw[0]))
print(
    f"first bump: peak {raw[peak]:.3g} at step {peak} (lr {ramp_lrs[peak]:.3g}), "
    f"then down to {raw[trough]:.3g} at step {trough} (lr {ramp_lrs[trough]:.3g})"
)
bouncing = raw[trough:][ramp_lrs[trough:] < limit]
troughs = [t for t in range(1, len(raw) - 1) if raw[t - 1] > raw[t] < raw[t + 1]]
print("troughs of the loss at steps", *troughs)
print(
    f"from step {trough} to the stability limit the loss stays between "
    f"{bouncing.min():.3g} and {bouncing.max():.3g}"
)
print(f"the loss first exceeds its start, {raw[0]:.3g}, at step {above_start} "
      f"(lr {ramp_lrs[above_start]:.3g})")  # fmt: skip

# %%
# Here :math:`\lambda_{\max} = 4.17`, so momentum is stable up to
# :math:`\text{lr} = 2(1 + \mu)/\lambda_{\max} = 0.911`, but from
# :math:`\text{lr} = 0.00063` on it oscillates in the steep direction. On the
# ramp it never settles: the learning rate grows by a factor 1.12 per step,
# 8.9 in the 19 steps the oscillation needs to shrink by a factor
# :math:`e`. The loss falls to 0.027 at step 33 (lr 0.00447), momentum
# carries the parameters past the valley's floor, and at step 36 the loss,
# 0.133, is more than 4 times that minimum: the raw rule stops and suggests
# 0.000447. That was a bump, not divergence. The loss peaks at 0.478 at step
# 41 (lr 0.0112) and falls to 0.024 at step 48 (lr 0.0251), lower than the
# minimum the raw rule stopped at; up to the stability limit it keeps
# bouncing between 0.0172 and 0.301, and only at step 82 (lr 1.26), past the
# limit, does it exceed its starting value, 1.86.
#
# The smoothed loss averages over about :math:`1/(1 - \beta) = 50` steps. The
# bumps (the troughs of the loss are at most 15 steps apart) only slow its
# descent (it falls at every step up to step 79), while the geometric growth
# past the stability limit overwhelms it within a few steps. Its minimum,
# 0.373, is at lr 0.891, just below the limit (the bouncing loss keeps
# pulling the lagging average down until then); at step 84 (lr 1.58) it
# exceeds 4 times that minimum and the test stops. One tenth of the rate at
# its minimum is the suggestion, 0.0891: a factor of ten inside the
# stability limit.
#
# Does the suggestion work?
# -------------------------
# Each learning rate of a grid of 21 over the ramp's range (four per decade),
# fixed, for 200 steps from the same start, against the two suggestions:


def loss_after(lr, n=200):
    """Loss after ``n`` steps at the fixed rate ``lr`` (inf if the run diverged)."""
    opt = descend.SGD(lr=lr, momentum=mu)
    phi, state = phi0.copy(), opt.init(phi0)
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            for _ in range(n):
                phi, state = opt.step(phi, line.grad(phi), state)
            loss = line.loss(phi)
    except descend.NonFiniteError:
        return np.inf
    return loss if np.isfinite(loss) else np.inf


grid_lrs = np.logspace(-4, 1, 21)
grid_losses = np.array([loss_after(lr) for lr in grid_lrs])
best = int(np.argmin(grid_losses))
near = grid_lrs[grid_losses <= 1.01 * grid_losses[best]]
print(f"best of the grid: lr {grid_lrs[best]:.3g}, loss {grid_losses[best]:.5f}; "
      f"within 1% of it: lr {near.min():.3g} to {near.max():.3g}")  # fmt: skip
print(f"least-squares minimum: {line.loss(np.linalg.lstsq(X, y, rcond=None)[0]):.5f}")
for name, lr in [("smoothed", smooth_lr), ("raw", raw_lr)]:
    loss = loss_after(lr)
    print(f"{name} rule's lr {lr:.3g}: loss {loss:.5f}, {loss / grid_losses[best]:.4f} x the best")

# %%
# Every rate of the grid from 0.00316 to 0.562 ends within 1% of the best
# loss, 0.01666, which is the least-squares minimum (no line fits these points
# better). The smoothed rule's 0.0891 lies in that range and reaches the same
# 0.01666; the raw rule's 0.000447 lies below it and ends at 0.02406, 1.44
# times the best. The figure shows the range test on the left (dots: where
# each rule stops; dashed lines: what it suggests) and the check on the
# right.
fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 4.5))
ax.loglog(ramp_lrs, raw, color="grey", linewidth=1, label="loss")
ax.loglog(ramp_lrs, smoothed, color="black", label=r"smoothed loss ($\beta$ = 0.98)")
for stop, lr, color, name in [(raw_stop, raw_lr, "tab:red", "raw"),
                              (smooth_stop, smooth_lr, "tab:blue", "smoothed")]:  # fmt: skip
    ax.plot(ramp_lrs[stop], raw[stop] if name == "raw" else smoothed[stop], "o", color=color,
            label=f"{name} rule stops (lr {ramp_lrs[stop]:.2g})")  # fmt: skip
    ax.axvline(lr, color=color, linestyle="--", label=f"{name} rule suggests {lr:.2g}")
ax.axvline(limit, color="grey", linestyle=":", label=f"stability limit {limit:.2g}")
ax.set_ylim(top=300 * raw[0])
ax.set(xlabel="learning rate on the ramp", ylabel="mean squared error",
       title="Range test: SGD, momentum 0.9, textbook linear data")  # fmt: skip
ax.legend(fontsize="small", loc="upper left", ncols=2, frameon=True)

shown = grid_losses < 10 * raw[0]  # the others diverged
ax2.loglog(grid_lrs[shown], grid_losses[shown], "o-", color="black", markersize=4,
           label="fixed lr, 200 steps (diverged runs left out)")  # fmt: skip
for lr, color, name in [(raw_lr, "tab:red", "raw"), (smooth_lr, "tab:blue", "smoothed")]:
    ax2.plot(lr, loss_after(lr), "s", color=color, markersize=8, label=f"{name} rule's lr")
ax2.axvline(limit, color="grey", linestyle=":", label=f"stability limit {limit:.2g}")
ax2.set(xlabel="learning rate (fixed)", ylabel="mean squared error after 200 steps",
        title="The suggestions, against a grid of fixed rates")  # fmt: skip
ax2.legend(fontsize="small")
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
