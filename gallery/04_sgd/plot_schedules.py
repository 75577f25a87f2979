r"""
Learning-rate schedules
=======================

With a fixed learning rate, stochastic gradient descent never settles: every
batch pulls the parameters a little off the minimum, and the steps stay as
large as at the start. A *schedule* shrinks the learning rate
:math:`\alpha_t` as training goes on. This example draws the schedules of
:mod:`descend.schedules` side by side, then uses each one for SGD on the
textbook's line-fitting problem and compares the final losses over eight batch orders,
and finally lets :class:`~descend.schedules.ReduceLROnPlateau` decide the
learning rate from the loss itself.
"""

# %%
# Why decrease the learning rate?
# -------------------------------
# Near a minimum :math:`\phi^*` of a one-dimensional loss with curvature
# :math:`\lambda`, a minibatch gradient is :math:`\lambda (\phi_t - \phi^*)`
# plus noise :math:`\xi_t` of variance :math:`\sigma^2` (each batch disagrees
# a little with the full data). The error :math:`\phi_t - \phi^*` then
# follows
#
# .. math::
#
#     \phi_{t+1} - \phi^* = (1 - \alpha\lambda)\, (\phi_t - \phi^*) - \alpha\, \xi_t .
#
# With a fixed :math:`\alpha` the first term shrinks the error but the second
# keeps adding to it. Taking the variance of both sides, the variance
# :math:`V` of the iterate levels off where the two balance,
# :math:`V = (1 - \alpha\lambda)^2 V + \alpha^2 \sigma^2`, that is
#
# .. math::
#
#     V = \frac{\alpha \sigma^2}{\lambda (2 - \alpha\lambda)}
#     \approx \frac{\alpha \sigma^2}{2 \lambda},
#
# a noise floor proportional to :math:`\alpha`. To reach the minimum itself
# the learning rate has to go to zero, but not too fast, or the iterates stop
# before they get there. Robbins and Monro (1951) made this precise: the steps
# should satisfy
#
# .. math::
#
#     \sum_{t=0}^{\infty} \alpha_t = \infty
#     \quad\text{and}\quad
#     \sum_{t=0}^{\infty} \alpha_t^2 < \infty,
#
# for example :math:`\alpha_t = \alpha_0 / (1 + a t)` with a rate
# :math:`a > 0`. The first sum lets the iterates travel any distance, the
# second lets the noise average out.
# With a finite budget of :math:`T` steps, practice uses the schedules below:
# start large, end small.
import matplotlib.pyplot as plt
import numpy as np

import descend
from descend import schedules
from descend.datasets import textbook_linear
from descend.landscapes import DataLoss
from descend.models import Linear

alpha0, epochs, B = 0.05, 32, 4
x, y = textbook_linear()
problem = DataLoss(Linear(), x, y)
T = epochs * len(problem) // B  # total number of SGD steps
warm = T // 10

schedule_list = {
    "FixedLR": schedules.FixedLR(alpha0),
    "StepLR (halve every T/4)": schedules.StepLR(alpha0, step_size=T // 4, gamma=0.5),
    "MultiStepLR (÷10 at T/2, 3T/4)": schedules.MultiStepLR(
        alpha0, milestones=[T // 2, 3 * T // 4], gamma=0.1
    ),
    "ExponentialLR (γ = 0.96)": schedules.ExponentialLR(alpha0, gamma=0.96),
    "CosineAnnealingLR": schedules.CosineAnnealingLR(alpha0, T_max=T),
    "warm-up + cosine": schedules.SequentialLR(
        [
            schedules.LinearLR(alpha0, start_factor=0.1, total_iters=warm),
            schedules.CosineAnnealingLR(alpha0, T_max=T - warm),
        ],
        milestones=[warm],
    ),
    "Robbins–Monro 1/t": lambda t: alpha0 / (1 + t / warm),  # a = 1 / warm, about 10 / T
}
colors = dict(zip(schedule_list, plt.get_cmap("tab10").colors, strict=False))
steps_per_epoch = -(-len(problem) // B)
print(f"{len(problem)} examples, batch size {B}: {steps_per_epoch} steps per epoch")
print(f"{epochs} epochs = {T} steps")

# %%
# The schedules side by side
# --------------------------
# Every schedule is a function :math:`t \mapsto \alpha_t`; calling it gives
# the learning rate of step :math:`t`. All start from (or warm up to)
# :math:`\alpha_0 = 0.05`. The last one is not in PyTorch: it is the textbook
# Robbins–Monro schedule, written as a plain function, which any optimizer
# accepts as ``lr``. The bottom right panel overlays all of them on a log
# scale, where exponential decay is a straight line.
t = np.arange(T)
fig, axes = plt.subplots(2, 4, figsize=(11, 5.2), sharex=True)
for ax, (name, schedule) in zip(axes.flat, schedule_list.items(), strict=False):
    ax.plot(t, [schedule(k) for k in t], color=colors[name])
    ax.set_title(name, fontsize="small")
    ax.set_ylim(0, 1.1 * alpha0)
last = axes.flat[-1]
for name, schedule in schedule_list.items():
    last.plot(t, [schedule(k) for k in t], color=colors[name], linewidth=1.2)
last.set_yscale("log")
last.set_title("all (log scale)", fontsize="small")
for ax in axes[1]:
    ax.set_xlabel("step $t$")
for ax in axes[:, 0]:
    ax.set_ylabel(r"learning rate $\alpha_t$")
fig.suptitle(f"Learning-rate schedules over T = {T} steps")
plt.show()

# %%
# SGD on the textbook's linear regression
# ---------------------------------------
# The straight line :math:`f[x, \phi] = \phi_0 + \phi_1 x` fitted to the 12
# noisy points of the textbook's notebook 6.2
# (:func:`descend.datasets.textbook_linear`) by SGD with the lecture's summed
# squared error and each schedule as ``lr``. The batches hold 4 examples, not
# the lecture's 5, so that every epoch is 3 equal batches (12 is not a
# multiple of 5). The loss is convex, so there is no wrong valley to end in:
# what keeps SGD from the minimum is only its noise and the distance still to
# go. Least squares gives the minimum :math:`L^*` exactly, and we plot the
# excess loss :math:`L[\phi_t] - L^*`. Eight seeds (eight different batch
# orders) per schedule.
A = np.stack([np.ones_like(x), x], axis=1)
L_star = problem.loss(np.linalg.lstsq(A, y, rcond=None)[0])
phi0 = np.zeros(2)
seeds = range(8)

runs = {
    name: [
        descend.fit(descend.SGD(lr=schedule), problem, phi0, epochs=epochs, batch_size=B, rng=s)
        for s in seeds
    ]
    for name, schedule in schedule_list.items()
}

# %%
# :class:`~descend.schedules.ReduceLROnPlateau` is the odd one out: it is not
# a function of :math:`t` but watches the loss. :func:`descend.fit` feeds it
# the mean batch loss of every epoch; after more than ``patience`` epochs
# without improvement it multiplies the learning rate by ``factor``. It keeps
# state, so each run needs a fresh one.
plateau_name = "ReduceLROnPlateau"
colors[plateau_name] = plt.get_cmap("tab10").colors[9]
plateaus = [schedules.ReduceLROnPlateau(alpha0, factor=0.5, patience=1) for _ in seeds]
runs[plateau_name] = [
    descend.fit(descend.SGD(lr=p), problem, phi0, epochs=epochs, batch_size=B, rng=s)
    for p, s in zip(plateaus, seeds, strict=True)
]

# %%
# Final loss per schedule
# -----------------------
# For each schedule: the final excess loss over the eight seeds (mean ± standard
# deviation, and median), best first, next to two numbers from Robbins and
# Monro's conditions, taken over the :math:`T` steps actually run: the total
# :math:`\sum_t \alpha_t` (how far the iterates can travel) and the last
# :math:`\alpha_t` (how much noise each step still adds); for
# ReduceLROnPlateau, whose rates differ from seed to seed, those of seed 0.
final = {name: np.array([r.final_loss for r in rs]) - L_star for name, rs in runs.items()}
print(f"minimum loss L* = {L_star:.4f}")
head = f"{'final L - L*: mean ± std':>25s} {'median':>9s} {'sum a_t':>8s} {'last a_t':>9s}"
print(f"{'schedule':31s} {head}")
for name in sorted(final, key=lambda n: final[n].mean()):
    L, lr = final[name], runs[name][0].lr
    print(
        f"{name:31s} {L.mean():14.2e} ± {L.std():.1e} {np.median(L):9.2e}"
        f" {lr.sum():8.2f} {lr[-1]:9.1e}"
    )

# %%
# With a fixed rate the loss stops improving after a few epochs and hovers at
# the noise floor, despite the largest :math:`\sum_t \alpha_t`. Every decaying
# schedule gets below it, but not equally:
#
# - The cosine, step and multistep schedules keep a large rate for a long
#   stretch (the next largest :math:`\sum_t \alpha_t`, 2.25 to 2.53 against
#   FixedLR's 4.80) and then end with a small one: they end lowest, with
#   ReduceLROnPlateau (1.88 for seed 0) close behind.
# - Exponential decay and the Robbins–Monro schedule shrink the rate early:
#   their :math:`\sum_t \alpha_t` are the smallest, so they stall before the
#   slow direction of the valley is done, and their curves flatten out above
#   the others. Run forever, exponential decay would stall for good, since
#   :math:`\sum_t \alpha_0 \gamma^t = \alpha_0 / (1 - \gamma)` is finite: it
#   breaks Robbins and Monro's first condition. The :math:`1/t` schedule meets
#   both conditions, but its sum grows only like :math:`\log t`: it gets there
#   in the end, slowly.
#
# The order among the schedules that do well depends on their parameters and
# on the seeds, so read the table as "decay beats no decay, and the decay
# should come late", not as a ranking.

# %%
# And as pictures: the excess loss per step, the median over the eight seeds
# (left; a mean would be dominated by the one worst run at each step), and the
# final excess loss of every seed (right, one dot per run). All schedules see
# the same eight batch orders, so runs whose rates agree up to some step are
# identical up to it and share their bumps: FixedLR, StepLR and MultiStepLR
# coincide for the first quarter.
fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4.6), width_ratios=[1.6, 1])
for name, rs in runs.items():
    ax.plot(np.median([r.loss for r in rs], axis=0) - L_star, color=colors[name], label=name)
ax.set_yscale("log")
ax.set_xlabel("step $t$")
ax.set_ylabel(r"excess loss $L[\phi_t] - L^*$ (median of 8 seeds)")
ax.set_title("SGD with each schedule")
order = sorted(final, key=lambda n: final[n].mean())
for i, name in enumerate(order):
    ax2.plot(final[name], np.full(len(seeds), i), "o", color=colors[name], alpha=0.7)
ax2.set_yticks(range(len(order)), order, fontsize="small")
ax2.invert_yaxis()
ax2.set_xscale("log")
ax2.set_xlabel(r"final $L - L^*$ (one dot per seed)")
ax2.set_title("Final excess loss, best at the top")
fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncol=4,
           fontsize="small")  # fmt: skip
plt.show()

# %%
# With a fixed rate the loss stops improving after a few epochs and hovers at
# the noise floor. Every decaying schedule gets below it; the two cosines,
# which end smallest after a long stretch of large steps, end lowest.
# The order among the decaying schedules depends on their parameters (and
# here on the seed), so read the table as "decay beats no decay", not as a
# ranking of the schedules.
#
# ReduceLROnPlateau at work
# -------------------------
# The loss it is fed (the mean batch loss of each epoch, seed 0) and the
# learning rate it chose. Because batch losses are noisy, "no improvement" can
# be a fluke: the rate may be cut before the loss has really flattened.
run, p = runs[plateau_name][0], plateaus[0]
epoch_loss = [run.batch_loss[run.epoch == e].mean() for e in range(epochs)]
fig, (ax, ax2) = plt.subplots(2, 1, figsize=(7, 5.2), sharex=True)
ax.plot(run.epoch_ends, np.array(epoch_loss) * len(problem) / B, "o-",
        color=colors[plateau_name], label=r"mean batch loss $\times I/B$ (fed to it)")  # fmt: skip
ax.plot(np.arange(T + 1), run.loss, color="0.5", linewidth=1, label="full loss")
ax.axhline(L_star, color="black", linestyle="--", linewidth=1, label=r"minimum $L^*$")
ax.set_ylim(0.9 * L_star, 2 * epoch_loss[1] * len(problem) / B)
ax.set_ylabel(r"loss $L$ (first epoch off the top)")
ax.set_title(f"ReduceLROnPlateau(factor={p.factor}, patience={p.patience}), seed 0")
ax.legend()
ax2.step(np.arange(T), run.lr, where="post", color=colors[plateau_name])
for end in run.epoch_ends[:-1]:
    ax2.axvline(end, color="grey", linestyle=":", linewidth=0.8)
ax2.set_yscale("log")
ax2.set_xlabel("step $t$ (dotted: epoch ends)")
ax2.set_ylabel(r"learning rate $\alpha_t$")
plt.show()
print(f"learning rate at the end: {run.lr[-1]:.2e} (cut {int(np.log2(alpha0 / run.lr[-1]))} times)")

# %%
# The mean batch loss is a sum over 4 examples, so it is scaled by
# :math:`I / B = 3` to compare with the full loss (see
# :ref:`sphx_glr_auto_examples_04_sgd_plot_gd_vs_sgd.py` on sum vs mean).
#
# What to try
# -----------
# - Double ``alpha0``: the fixed rate's noise floor rises, in proportion to
#   :math:`\alpha` while :math:`\alpha\lambda` is small and faster as it
#   nears 2, while the cosine schedules end at least as low as before.
# - The textbook's points cannot be made noisier, but synthetic ones can:
#   ``x, y = descend.models.linear_data(12, noise=0.5)`` draws 12 points
#   around a line with noise of standard deviation 0.5, far more than the
#   textbook's points scatter. Watch the gap between the fixed
#   rate and the decaying ones widen.
# - Give the cosine ``eta_min=alpha0 / 10`` (the default is 0): the rate
#   no longer decays to zero, so in a long enough run SGD stays in the noise
#   ball of that final rate.
# - Give ReduceLROnPlateau ``patience=3`` or a ``threshold`` so that it reacts
#   less to noise.
