r"""
The slide's look-ahead and the derivation's
===========================================

Nesterov momentum takes the gradient at a point ahead of the current one.
The lecture's slide puts that point at :math:`\phi_t - \alpha m_t`; the
derivation (and PyTorch) put it at :math:`\phi_t - \alpha\beta m_t`, where
momentum alone carries the parameters next. This example runs both forms of
:class:`descend.NesterovMomentum` (``lookahead="slide"`` and the default) on
the textbook's Gabor data with the settings of the textbook's momentum
notebook, draws the points where each one takes its gradients, and compares
the final losses over many batch draws.
"""

# %%
# Two look-ahead points
# ---------------------
# Both forms update :math:`m_{t+1} = \beta m_t + (1-\beta)\, g_t[\tilde\phi_t]` and
# :math:`\phi_{t+1} = \phi_t - \alpha m_{t+1}` from :math:`m_0 = 0`, with the
# batch gradient :math:`g_t` taken at the look-ahead point
#
# .. math::
#
#     \tilde\phi_t^{\text{slide}} = \phi_t - \alpha\, m_t
#     \qquad\text{or}\qquad
#     \tilde\phi_t = \phi_t - \alpha\beta\, m_t .
#
# For the same :math:`m_t` the slide's point is :math:`1/\beta` times as far
# from :math:`\phi_t`: it repeats the whole previous step
# (:math:`\alpha m_t = \phi_{t-1} - \phi_t`), while momentum decays by
# :math:`\beta` before the next step. Since :math:`m_t` is the previous step
# divided by :math:`\alpha`, both points can be read off the path:
# :math:`\tilde\phi_t^{\text{slide}} = \phi_t + (\phi_t - \phi_{t-1})` and
# :math:`\tilde\phi_t = \phi_t + \beta(\phi_t - \phi_{t-1})`, and
# :math:`\tilde\phi_0 = \phi_0`.
#
# The settings are notebook 6.4's: start :math:`(-1.5, 6.5)`, 81 steps,
# :math:`\alpha = \beta = 0.6`, a fresh batch of 5 of the 30 points at every
# step drawn as ``np.random.seed(1)``, ``np.random.permutation(30)[0:5]``
# would draw it; each form gets its own fresh generator, so both see the
# same batches.
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import patheffects
from matplotlib.ticker import NullFormatter

import descend
from descend.datasets import textbook_gabor
from descend.landscapes import DataLoss
from descend.models import Gabor
from descend.plotting import contour, path

x, y = textbook_gabor()
problem = DataLoss(Gabor(32.0), x, y)
alpha, beta, B, steps = 0.6, 0.6, 5, 81
phi0, seed = np.array([-1.5, 6.5]), 1
forms = {
    r"slide, $\phi_t - \alpha m_t$": descend.NesterovMomentum(alpha, beta, lookahead="slide"),
    r"default, $\phi_t - \alpha\beta m_t$": descend.NesterovMomentum(alpha, beta),
}
reach = dict(zip(forms, [1.0, beta], strict=True))  # phi~_t = phi_t + reach * (phi_t - phi_{t-1})


def run(optimizer, seed):
    """81 steps from phi0, a fresh batch per step drawn as np.random.seed(seed) would."""
    return descend.fit(
        optimizer, problem, phi0, steps=steps, batch_size=B,
        rng=np.random.RandomState(seed), sampling="per_step",
    )  # fmt: skip


def look_ahead(phi, reach):
    """The look-ahead points phi~_0, ..., phi~_{T-1} where the gradients were taken."""
    psi = phi[:-1].copy()  # phi~_0 = phi_0, since m_0 = 0
    psi[1:] += reach * (phi[1:-1] - phi[:-2])
    return psi


runs = {name: run(opt, seed) for name, opt in forms.items()}
aheads = {name: look_ahead(r.phi, reach[name]) for name, r in runs.items()}
for name, r in runs.items():
    gap = np.linalg.norm(aheads[name] - r.phi[:-1], axis=1)[1:]
    miss = np.linalg.norm(aheads[name] - r.phi[1:], axis=1)[1:]
    print(f"{forms[name].lookahead:8s} final loss {r.final_loss:.3f} at phi = "
          f"{np.round(r.final_phi, 3)}; mean |phi~_t - phi_t| {gap.mean():.3f}, "
          f"mean |phi~_t - phi_(t+1)| {miss.mean():.3f}")  # fmt: skip
apart = np.linalg.norm(runs[next(iter(forms))].phi - runs[list(forms)[1]].phi, axis=1)
print(f"largest distance between the two paths: {apart.max():.3f} (at step {apart.argmax()})")

# %%
# The slide's look-ahead points lie farther out, on average 0.210 from
# :math:`\phi_t` against the default's 0.126 (for the same :math:`m_t` the
# ratio would be exactly :math:`1/\beta \approx 1.67`). They are also the
# worse guess of where the path goes: the default's point
# :math:`\phi_t - \alpha\beta m_t` is on average 0.176 from the next iterate
# :math:`\phi_{t+1}`, the slide's 0.210.
#
# Both paths with their look-ahead points
# ---------------------------------------
# Each iterate :math:`\phi_t` (line) is joined by a thin segment to the point
# :math:`\tilde\phi_t` (open circle) where its gradient was taken. The slide's
# segments are the longer ones, and at the bends of the path its circles lie
# beyond the turn.
fig, axes = plt.subplots(1, 2, figsize=(11, 5.2), sharey=True)
bounds = ((-2.5, 2.0), (5.5, 16.5))
for ax, (name, r) in zip(axes, runs.items(), strict=True):
    contour(ax, problem, bounds, colorbar=ax is axes[-1])
    phi, psi = r.phi[:-1], aheads[name]
    ax.plot(np.stack([phi[:, 0], psi[:, 0]]), np.stack([phi[:, 1], psi[:, 1]]),
            color="white", linewidth=0.8, zorder=3)  # fmt: skip
    ax.plot(psi[:, 0], psi[:, 1], "o", markersize=4, markerfacecolor="none", zorder=3,
            markeredgecolor="white", markeredgewidth=0.8,
            label=r"look-ahead $\tilde\phi_t$")  # fmt: skip
    outline = [patheffects.Stroke(linewidth=3.2, foreground="black"), patheffects.Normal()]
    path(ax, r, optimizer=forms[name], linewidth=1.6, label=r"iterates $\phi_t$",
         path_effects=outline)  # fmt: skip
    ax.set_title(f"{name}: loss = {r.final_loss:.3f}")
    ax.legend(loc="lower right", labelcolor="white")
axes[1].set_ylabel("")
fig.suptitle(
    rf"NesterovMomentum on the textbook Gabor data, $\alpha = {alpha}$, $\beta = {beta}$, "
    f"the same batches (seed {seed})"
)
plt.show()

# %%
# On these batches the two paths part by at most 0.685 (at step 18) and end
# almost together, at 0.803 (slide) and 0.801 (default): with
# :math:`\beta = 0.6` the momentum is short-lived, and taking each gradient a
# little farther ahead changes each step only a little.
#
# Over many batch draws
# ---------------------
# One draw says little (see
# :ref:`sphx_glr_auto_examples_05_momentum_plot_momentum_nesterov.py`).
# The same comparison for seeds 0 to 29, both forms on the same batches:
n_seeds = 30
trials = [[run(opt, s) for opt in forms.values()] for s in range(n_seeds)]
finals = np.array([[r.final_loss for r in trial] for trial in trials])
away = np.array([[abs(r.final_phi[0]) > 2 for r in trial] for trial in trials])
slide, default = finals.T
diff = np.abs(slide - default)
print(f"slide ends lower in {(slide < default).sum()} of {n_seeds} draws, "
      f"default in {(default < slide).sum()}")  # fmt: skip
print(f"mean final loss: slide {slide.mean():.3f}, default {default.mean():.3f}")
close = diff < 0.01
print(f"|difference| < 0.01 in {close.sum()} of {n_seeds} draws; largest {diff.max():.3f}")
split = away[:, 0] != away[:, 1]
print(f"one form ends outside the best fit's valley (|phi_0| > 2), the other inside, in "
      f"{split.sum()} draws")  # fmt: skip
if split.any() and (~split).any():  # both groups exist for beta = 0.6, not for every beta
    print(f"their |difference| is at least {diff[split].min():.2f}, "
          f"the others' at most {diff[~split].max():.2f}")  # fmt: skip

fig, ax = plt.subplots(figsize=(5.6, 5.2))
lim = (0.8 * finals.min(), 1.25 * finals.max())
ax.plot(lim, lim, color="0.5", linewidth=1, linestyle="--", label="equal final loss")
ax.plot(default, slide, "o", color="#444444", alpha=0.7, label="one batch draw")
ax.plot(default[seed], slide[seed], "o", markersize=13, markerfacecolor="none",
        markeredgecolor="black", label=f"seed {seed}, shown above")  # fmt: skip
ticks = [t for t in (0.7, 1, 2, 5, 10) if lim[0] < t < lim[1]]
ax.set_xscale("log")
ax.set_yscale("log")
for axis in (ax.xaxis, ax.yaxis):
    axis.set_ticks(ticks, [f"{t:g}" for t in ticks])
    axis.set_minor_formatter(NullFormatter())
ax.set_xlim(lim)
ax.set_ylim(lim)
ax.set_xlabel(r"final loss, default look-ahead $\phi_t - \alpha\beta m_t$")
ax.set_ylabel(r"final loss, slide's look-ahead $\phi_t - \alpha m_t$")
ax.set_title(f"The two look-aheads on the same batches, {n_seeds} draws")
ax.legend(loc="upper left")
plt.show()

# %%
# Neither form wins consistently: the slide's look-ahead ends lower in 13 of
# the 30 draws, the default in 17, with mean final losses of 2.776 and 2.839.
# Points near the diagonal are draws where both forms end in the same valley;
# the draws far off it (6 of them, differences of 2.13 or more, against at
# most 0.61 for all others) are those where one form ends outside the best
# fit's valley and the other inside. The batch draw decides more than the
# choice of look-ahead.
#
# What to try
# -----------
# - Raise ``beta`` to 0.9: the slide's look-ahead then reaches only
#   :math:`1/0.9 \approx 1.1` times as far as the default's, but momentum
#   lives longer; do the two forms end closer together or farther apart?
# - Check the equivalence with PyTorch: ``descend.SGD(lr=alpha * (1 - beta),
#   momentum=beta, nesterov=True)`` visits the default form's look-ahead
#   points :math:`\tilde\phi_t` (see
#   :ref:`sphx_glr_auto_examples_05_momentum_plot_pytorch_forms.py`), but not
#   the slide's.
