r"""
Without momentum, with momentum, Nesterov momentum
==================================================

The lecture compares three runs of stochastic gradient descent on the Gabor
model, from the same start and with the same learning rate: without
momentum, with momentum, and with Nesterov momentum, each with its final loss
in the title. This example reruns that comparison on the textbook's own 30
data points with the settings of the textbook's momentum notebook (6.4), using
the lecture's update rules (:class:`descend.GradientDescent`,
:class:`descend.Momentum`, :class:`descend.NesterovMomentum`) and the same
minibatches for all three. It then repeats the comparison over 30 batch draws
and 20 starts, because one run of a noisy method is one sample, not a verdict.
"""

# %%
# The three update rules
# ----------------------
# With :math:`g_t[\cdot] = \sum_{i \in \mathcal{B}_t} \partial \ell_i / \partial \phi`
# the gradient of the batch :math:`\mathcal{B}_t` used at step :math:`t`,
#
# .. math::
#
#     \text{without momentum:}\quad & \phi_{t+1} = \phi_t - \alpha\, g_t[\phi_t], \\
#     \text{momentum:}\quad & m_{t+1} = \beta m_t + (1 - \beta)\, g_t[\phi_t],
#         \quad \phi_{t+1} = \phi_t - \alpha\, m_{t+1}, \\
#     \text{Nesterov:}\quad & m_{t+1} = \beta m_t
#         + (1 - \beta)\, g_t[\phi_t - \alpha\, m_t],
#         \quad \phi_{t+1} = \phi_t - \alpha\, m_{t+1},
#
# with :math:`m_0 = 0`. The Nesterov rule is written as on the slide, with
# the gradient taken at :math:`\phi_t - \alpha m_t`
# (``NesterovMomentum(..., lookahead="slide")``). The library's default takes
# it at :math:`\phi_t - \alpha\beta m_t`, where momentum alone would carry the
# parameters next (see the Nesterov chapter); both are run below.
#
# The settings are those of notebook 6.4: start :math:`\phi_0 = (-1.5, 6.5)`,
# 81 steps, :math:`\alpha = 0.6`, :math:`\beta = 0.6`, and at every step a
# fresh batch of 5 of the 30 points, drawn as the notebook draws it
# (``np.random.seed(1)``, then ``np.random.permutation(30)[0:5]`` at each
# step). ``descend.fit(..., rng=np.random.RandomState(1), sampling="per_step")``
# draws exactly these batches; each rule gets its own fresh generator, so all
# of them see the same batches. With :math:`\beta = 0.6` the momentum
# averages over only the last :math:`1/(1-\beta) = 2.5` or so batch gradients.
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import NullFormatter

import descend
from descend.datasets import textbook_gabor
from descend.landscapes import DataLoss
from descend.models import Gabor
from descend.plotting import color_of, contour, path

x, y = textbook_gabor()
problem = DataLoss(Gabor(32.0), x, y)
alpha, beta, B, steps = 0.6, 0.6, 5, 81
optimizers = {
    "Without momentum": descend.GradientDescent(alpha),
    "With momentum": descend.Momentum(alpha, beta),
    "Nesterov momentum": descend.NesterovMomentum(alpha, beta, lookahead="slide"),
}
nesterov_default = descend.NesterovMomentum(alpha, beta)  # look-ahead phi - alpha beta m
colors = {
    "Without momentum": color_of("SGD"),  # gradient descent on minibatches is SGD
    "With momentum": color_of(optimizers["With momentum"]),
    "Nesterov momentum": color_of(optimizers["Nesterov momentum"]),
}


def run(optimizer, phi0, seed):
    """81 steps from ``phi0``, a fresh batch per step drawn as np.random.seed(seed) would."""
    return descend.fit(
        optimizer, problem, phi0, steps=steps, batch_size=B,
        rng=np.random.RandomState(seed), sampling="per_step",
    )  # fmt: skip


def compare(phi0, seed):
    """Run the three rules from ``phi0``, each on the same batches (seed ``seed``)."""
    return {name: run(opt, phi0, seed) for name, opt in optimizers.items()}


# %%
# One run each, as in the lecture
# -------------------------------
# Start :math:`(-1.5, 6.5)`, batches from seed 1, as in the notebook.
phi0, seed = np.array([-1.5, 6.5]), 1
runs = compare(phi0, seed)
for name, r in runs.items():
    print(f"{name:32s} final loss {r.final_loss:.3f} at phi = {np.round(r.final_phi, 3)}")
default_run = run(nesterov_default, phi0, seed)
print(f"{'Nesterov, look-ahead phi-a*b*m':32s} final loss {default_run.final_loss:.3f} "
      f"at phi = {np.round(default_run.final_phi, 3)}")  # fmt: skip
slide_losses = {"Without momentum": 1.31, "With momentum": 0.96, "Nesterov momentum": 0.80}
print("\nThe slide's final losses, for comparison (not reproduced with these settings and data):")
for name, value in slide_losses.items():
    print(f"{name:32s} slide {value:.2f}, here {runs[name].final_loss:.3f}")

fig, axes = plt.subplots(1, 3, figsize=(12, 4.6), sharey=True)
bounds = ((-4.0, 3.0), (5.0, 18.0))
for ax, (name, r) in zip(axes, runs.items(), strict=True):
    contour(ax, problem, bounds, colorbar=ax is axes[-1])
    path(ax, r, color=colors[name], linewidth=1.4)
    ax.set_title(f"{name}, loss = {r.final_loss:.3f}")
for ax in axes[1:]:
    ax.set_ylabel("")
fig.suptitle(
    rf"Textbook Gabor data, start $(-1.5, 6.5)$, {steps} steps, $\alpha = {alpha}$, "
    rf"$\beta = {beta}$, batches of {B} (seed {seed})"
)
plt.show()

# %%
# The slide's numbers could not be reproduced. The slide shows final losses
# of 1.31 without momentum, 0.96 with momentum and 0.80 with Nesterov
# momentum; with the notebook's settings and the textbook's data the three
# runs end at 0.936, 0.746 and 0.803. The Nesterov value rounds to the slide's
# 0.80, the other two are far from theirs, so the order differs as well: on
# the slide Nesterov momentum ends lowest, here plain momentum does. The
# Nesterov rule with the default look-ahead :math:`\phi_t - \alpha\beta m_t`
# ends at 0.801, next to the slide form's 0.803.
#
# Without momentum every batch pulls the path in its own direction, and with
# this large :math:`\alpha` it zig-zags across the valley on its way up to
# the best fit. Both momentum rules average part of the zig-zag away and follow
# the valley more closely. The loss per step shows the same: the run without
# momentum is the noisiest.
fig, ax = plt.subplots(figsize=(7, 4))
for name, r in runs.items():
    ax.plot(r.loss, color=colors[name], label=name)
ax.set_yscale("log")
ax.set_xlabel("step $t$")
ax.set_ylabel(r"full loss $L[\phi_t]$")
ax.set_title(f"Loss per step, same batches (seed {seed})")
ax.legend()
plt.show()

# %%
# Is one run enough?
# ------------------
# No. The same comparison for 30 batch draws (seeds 0 to 29, the notebook's
# seed 1 among them) from the same start, and for 20 starts drawn uniformly
# from the box :math:`[-2.5, 2.5] \times [5, 20]` around the start and the
# valley of the best fit (start :math:`k` with the batches of seed :math:`k`).
# For each rule: the mean, standard deviation, median, minimum and maximum of
# the final loss, how often it had the lowest final loss of the three on the
# same batches, and how many runs ended outside the valley of the best fit
# (final :math:`|\phi_0| > 2`; the best fit has :math:`\phi_0 \approx 0`).
n_seeds, n_starts = 30, 20
starts = np.random.default_rng(2024).uniform([-2.5, 5.0], [2.5, 20.0], size=(n_starts, 2))
experiments = {
    f"{n_seeds} batch draws from (-1.5, 6.5)": [compare(phi0, s) for s in range(n_seeds)],
    f"{n_starts} random starts": [compare(p, s) for s, p in enumerate(starts)],
}

finals = {}
for title, trials in experiments.items():
    L = np.array([[trial[name].final_loss for name in optimizers] for trial in trials])
    away = np.array(
        [[abs(trial[name].final_phi[0]) > 2 for name in optimizers] for trial in trials]
    )
    finals[title] = L
    wins = np.bincount(L.argmin(axis=1), minlength=len(optimizers))
    print(f"\n{title}")
    print(f"{'':18s} {'mean':>6s} {'std':>6s} {'median':>6s} {'min':>6s} {'max':>6s}"
          "    best   other valley")  # fmt: skip
    for k, name in enumerate(optimizers):
        col = L[:, k]
        print(
            f"{name:18s} {col.mean():6.3f} {col.std():6.3f} {np.median(col):6.3f}"
            f" {col.min():6.3f} {col.max():6.3f}"
            f"  {wins[k]:2d} of {len(L)}  {away[:, k].sum():2d} of {len(L)}"
        )
    no_mom, mom, nag = L.T
    print(f"slide's order (Nesterov < momentum < without): {((nag < mom) & (mom < no_mom)).sum()}"
          f" of {len(L)}; seed 1's order (momentum < Nesterov < without):"
          f" {((mom < nag) & (nag < no_mom)).sum()} of {len(L)}")  # fmt: skip

L = finals[f"{n_seeds} batch draws from (-1.5, 6.5)"]
print(f"\nseed {seed} among the {n_seeds} batch draws:")
for k, name in enumerate(optimizers):
    rank = int((L[:, k] < L[seed, k]).sum()) + 1
    print(f"{name:18s} rank {rank:2d} of {n_seeds}, mean / seed-{seed} loss "
          f"{L[:, k].mean() / L[seed, k]:.1f}")  # fmt: skip

# %%
# The notebook's seed is a lucky draw. Among the 30 batch draws from its start,
# seed 1 gives the lowest final loss of all for momentum and for Nesterov
# momentum (and the fourth lowest without momentum); the mean final loss is
# 3.1 to 3.5 times the seed-1 value. The standard deviation within one rule,
# 2.0 to 2.4, is larger than the gaps between the rules' means (2.902, 2.431,
# 2.776), because many runs are thrown into a neighbouring valley of the Gabor
# loss and end there: 12 of the 30 runs without momentum, 6 with momentum and
# 13 with Nesterov momentum. Momentum ends lowest most often (16 of 30), but
# the order changes with the draw: the seed-1 order (momentum, then Nesterov,
# then no momentum) comes up in 10 of the 30 draws, the slide's order
# (Nesterov, then momentum, then no momentum) in 5. From random starts the
# wins are split (7, 6 and 7 of 20), and where a run starts matters more than
# which rule it uses. The lecture's three numbers are one draw each. Plotting
# every trial makes this visible; the run shown above is circled.
fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
ticks = [0.7, 1, 2, 5, 10]
rng = np.random.default_rng(0)  # only for spreading the dots sideways
for ax, (title, L) in zip(axes, finals.items(), strict=True):
    xs = np.arange(len(optimizers)) + rng.uniform(-0.2, 0.2, size=(len(L), 1))
    ax.plot(xs.T, L.T, color="0.7", linewidth=0.5, zorder=0)
    for k, name in enumerate(optimizers):
        ax.plot(xs[:, k], L[:, k], "o", color=colors[name], alpha=0.7)
    ax.set_xticks(range(len(optimizers)), list(optimizers))
    ax.set_yscale("log")
    top = (2.5 if ax is axes[0] else 1.3) * L.max()  # room for the legend on the left
    shown = [t for t in ticks if t < top]
    ax.set_yticks(shown, [f"{t:g}" for t in shown])
    ax.set_ylim(0.8 * L.min(), top)
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_ylabel("final loss (log scale)")
    ax.set_title(title)
    if ax is axes[0]:
        ax.plot(xs[seed], L[seed], "o", markersize=13, markerfacecolor="none",
                markeredgecolor="black", label=f"seed {seed}, shown above")  # fmt: skip
        ax.legend(loc="upper right")
fig.suptitle("Final loss of every trial (grey lines join the three runs of one trial)")
plt.show()

# %%
# What to try
# -----------
# - Change ``alpha`` to 0.3 or 0.9 and rerun the table: does the order of the
#   rules change, and does the seed-1 run stay a lucky draw?
# - Give the momentum rules a larger ``alpha`` than plain SGD. On a quadratic,
#   momentum in this form stays stable for steps up to
#   :math:`(1+\beta)/(1-\beta)` times larger than gradient descent does (4
#   for :math:`\beta = 0.6`); how far can you push it on this loss, and does
#   Nesterov's rule go further?
# - Compare ``NesterovMomentum(alpha, beta, lookahead="slide")`` with the
#   default ``NesterovMomentum(alpha, beta)`` over the 30 batch draws: how
#   often does the slide's look-ahead end lower, and by how much?
