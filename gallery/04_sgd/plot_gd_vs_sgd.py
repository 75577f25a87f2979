r"""
Full-batch gradient descent vs stochastic gradient descent
==========================================================

Gradient descent on a non-convex loss goes to the bottom of whichever valley
it starts in. Stochastic gradient descent (SGD) follows the gradient of a
small random batch instead, so its steps are noisy, and near the ridge
between two valleys that noise can carry it over into a better one. This
example fits the Gabor model to the textbook's 30 points from one start with
both methods, the same learning rate and the lecture's batch size of 5, shows
both paths on the loss surface and SGD's noisy loss curve, and then counts
how often SGD escapes over 20 different batch orders: escaping is luck, not a
guarantee.
"""

# %%
# The problem
# -----------
# The Gabor model :math:`f[x, \phi] = \sin(z) \exp(-z^2 / 32)` with
# :math:`z = \phi_0 + 0.06 \phi_1 x` (:class:`descend.models.Gabor`), fitted
# by least squares to the 30 points of the textbook's notebook 6.3
# (:func:`descend.datasets.textbook_gabor`, Prince, *Understanding Deep
# Learning*, 2023). :class:`descend.landscapes.DataLoss` turns model and data
# into a loss :math:`L[\phi]` we can descend and draw.
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import patheffects

import descend
from descend.datasets import textbook_gabor
from descend.landscapes import DataLoss
from descend.models import Gabor
from descend.plotting import color_of, contour, mark_epochs, path

x, y = textbook_gabor()
problem = DataLoss(Gabor(), x, y)
n, B = len(problem), 5  # I = n examples in the math
print(f"{n} examples, batch size {B}: {n // B} steps per epoch")

# %%
# Sum or mean over the batch?
# ---------------------------
# We use the lecture's loss, a **sum** over examples,
# :math:`L[\phi] = \sum_{i=1}^{I} \ell_i[\phi]`, and its SGD step
#
# .. math::
#
#     \phi_{t+1} = \phi_t - \alpha \sum_{i \in \mathcal{B}_t}
#     \frac{\partial \ell_i[\phi_t]}{\partial \phi}.
#
# A batch of :math:`B` examples drawn without replacement holds each example
# with probability :math:`B / I`, so the batch gradient is on average
# :math:`B / I` times the full gradient: with the same :math:`\alpha`, one SGD
# step moves on average a sixth as far as one full-batch step here, and one
# epoch of :math:`I / B = 6` SGD steps moves about as far as one full-batch
# step. Likewise the batch loss (a sum of 5 terms) is on average :math:`B / I`
# times the full loss, so to draw both on one axis we plot the batch loss
# times :math:`I / B`, an unbiased estimate of the full loss.
#
# With ``Gabor(reduction="mean")`` both losses would be averages and the batch
# gradient an unbiased estimate of the full one; the paths would be the same
# as here with :math:`\alpha` multiplied by :math:`I` for gradient descent and
# by :math:`B` for SGD. The choice only rescales :math:`\alpha`; what matters is
# to know which one your framework uses (PyTorch's losses default to the mean).
#
# The runs
# --------
# Both methods use :math:`\alpha = 0.15` and take the same number of steps,
# 50 epochs of SGD, so gradient descent does six times as much gradient work.
# The start :math:`\phi = (-2.5, 11.5)` was found by scanning a grid of starts:
# it lies near the low end of the ridge between the valley of the best fit
# (near :math:`\phi_0 = 0`) and a valley to its left. SGD's batch order comes
# from a seeded generator. We first run 20 seeds for 20 epochs each (a census,
# shown at the end). After 20 epochs a run is still creeping along the floor
# of the valley it reached, so its loss alone does not say which valley that
# is; we let gradient descent finish each run (500 full-batch steps from its
# end point) and call the run *escaped* if that ends below half of gradient
# descent's loss. We follow the first seed that escapes for the full 50 epochs.
alpha, epochs, census_epochs = 0.15, 50, 20
phi0 = np.array([-2.5, 11.5])
steps = epochs * n // B

gd = descend.fit(descend.GradientDescent(alpha), problem, phi0, steps=steps)
census = [
    descend.fit(descend.GradientDescent(alpha), problem, phi0,
                epochs=census_epochs, batch_size=B, rng=seed)
    for seed in range(20)
]  # fmt: skip
census_loss = np.array([run.final_loss for run in census])
finished = np.array(
    [
        descend.fit(descend.GradientDescent(alpha), problem, run.final_phi, steps=500).final_loss
        for run in census
    ]
)
escaped = finished < gd.final_loss / 2
seed = int(np.argmax(escaped))
sgd = descend.fit(
    descend.GradientDescent(alpha), problem, phi0, epochs=epochs, batch_size=B, rng=seed
)

print(f"gradient descent: final loss {gd.final_loss:.3f} at phi = {np.round(gd.final_phi, 2)}")
print(f"                  |gradient| there = {np.linalg.norm(problem.grad(gd.final_phi)):.1e}")
print(
    f"SGD (seed {seed}):     final loss {sgd.final_loss:.3f} at phi = {np.round(sgd.final_phi, 2)}"
)

# %%
# Gradient descent has come to rest: its gradient is practically zero, so more
# steps would not move it. It is stuck in a local minimum, the left valley's.
#
# Two paths on the loss surface
# -----------------------------
# Gradient descent rolls smoothly downhill into the left valley. SGD's first
# steps zig-zag, because each batch sees a different slope, and its noise
# tips it over the ridge into the valley of the best fit, whose floor it then
# creeps up, jittering: with a fixed :math:`\alpha` it never settles.
bounds = ((-10.0, 10.0), (2.5, 22.5))
gd_opt = descend.GradientDescent(alpha)
halo = [patheffects.withStroke(linewidth=3.5, foreground="white")]  # black on dark contours
fig, ax = plt.subplots(figsize=(7, 5.2))
contour(ax, problem, bounds)
path(
    ax,
    gd,
    optimizer=gd_opt,
    label=f"gradient descent, loss = {gd.final_loss:.2f}",
    path_effects=halo,
)
path(ax, sgd, color=color_of("SGD"), linewidth=1.2,
     label=f"SGD (batch {B}, seed {seed}), loss = {sgd.final_loss:.2f}")  # fmt: skip
ax.set_title(rf"Gabor model, same start and $\alpha = {alpha}$, {steps} steps each")
ax.legend(loc="upper right", labelcolor="white")
plt.show()

# %%
# The loss SGD sees
# -----------------
# SGD never computes the full loss; it only sees the loss of its current batch
# (grey, scaled by :math:`I / B`), which jumps from step to step because
# different batches fit differently well. The full loss of SGD's iterates
# (orange, computed here only for the plot) is smoother but still not
# monotone. Dotted lines mark the end of each epoch. Gradient descent's full
# loss (black) decreases at every step, to the wrong valley's floor.
t = np.arange(steps + 1)
fig, ax = plt.subplots(figsize=(8, 4.4))
ax.plot(t[:-1], sgd.batch_loss * n / B, color="0.6", linewidth=0.8,
        label=r"SGD batch loss $\times I/B$")  # fmt: skip
ax.plot(t, sgd.loss, color=color_of("SGD"), label="SGD full loss")
ax.plot(t, gd.loss, color=color_of(gd_opt), label="gradient descent full loss")
mark_epochs(ax, sgd)
ax.set_yscale("log")
ax.set_xlim(0, 120)
ax.set_xlabel("step $t$ (dotted: end of an SGD epoch)")
ax.set_ylabel(r"loss $L[\phi_t]$ (sum of squares)")
ax.set_title("Loss per step: the first 20 epochs")
ax.legend(loc="upper right")
plt.show()

# %%
# Only the first 20 epochs are drawn so that the epochs stay readable. In the
# remaining 30, SGD keeps creeping up the floor of its valley towards the
# best fit, noisily, and gradient descent stays where it is.
#
# How often does SGD escape?
# --------------------------
# The run above is the first seed that escaped, which says nothing about how
# often that happens. Here are all 20 batch orders of the census, each run
# for 20 epochs from the same start, against gradient descent.
print(
    f"gradient descent after {census_epochs * n // B} steps: {gd.loss[census_epochs * n // B]:.3f}"
)
print(f"SGD, 20 seeds: escaped to the better valley in {escaped.sum()} of 20 runs")
for name, runs in [("escaped", escaped), ("stuck", ~escaped)]:
    L = census_loss[runs]
    if len(L) == 0:  # e.g. with B = 30 (gradient descent) no run escapes
        print(f"  {name:8s} none")
        continue
    spread = f"{L.mean():.3f} ± {L.std():.3f} (min {L.min():.3f}, max {L.max():.3f})"
    print(f"  {name:8s} loss after {census_epochs} epochs {spread}")
print(f"  gradient descent finishing the runs ends at {np.unique(finished.round(3))}")

fig, ax = plt.subplots(figsize=(7, 5.2))
contour(ax, problem, ((-8.0, 2.0), (9.0, 19.0)))
for run in census:
    path(ax, run, color=color_of("SGD"), markers=False, linewidth=0.8, alpha=0.8)
path(ax, gd.phi[: census_epochs * n // B + 1], optimizer=gd_opt, markers=False, path_effects=halo)
ax.plot([], [], color=color_of("SGD"), label="SGD, 20 seeds")
ax.plot([], [], color=color_of(gd_opt), label="gradient descent")
ax.set_title(f"20 SGD runs from the same start, {census_epochs} epochs each")
ax.legend(loc="upper right", labelcolor="white")
plt.show()

# %%
# Starting this close to a ridge, the noise of the first few steps decides
# which valley SGD ends in; the paths fan out right at the start. From deep
# inside a valley, batches of 5 at this :math:`\alpha` are not noisy enough to
# climb out. After 20 epochs every SGD run is still creeping along the floor
# of its valley (on average an SGD step is a sixth of a gradient-descent
# step), so these losses lie above the floors that gradient descent reaches
# when it finishes the runs.
#
# What to try
# -----------
# - Change ``phi0`` to a start deep inside the left valley, e.g. ``(-6, 15)``:
#   no seed escapes any more.
# - Use ``B = 1`` or ``B = 2`` (more noise) and count the escapes.
# - Use ``B = 30``: every batch is the whole data set, so SGD *is* gradient
#   descent with the same :math:`\alpha` (the sum over a batch of all 30
#   points is the full gradient); only the number of steps per epoch drops,
#   from 6 to 1, so 50 epochs are now 50 steps.
# - Give SGD a decaying learning rate from :mod:`descend.schedules` so that it
#   settles in the valley it reached instead of jittering
#   (see :ref:`sphx_glr_auto_examples_04_sgd_plot_schedules.py`).
