r"""
The adaptive family: Adagrad, RMSprop, Adam and AdamW
=====================================================

Adagrad, RMSprop, Adam and AdamW all give every parameter its own step size:
they divide the gradient, coordinate by coordinate, by a running measure of
its size. They differ in what that measure remembers. This example writes
the four rules side by side, races them against gradient descent on a badly
scaled quadratic bowl, reads each rule's effective learning rate off the
optimizer state on a steady gradient (Adagrad's decays like
:math:`1/\sqrt{t}`, the others' settle), and fits the textbook's line with
Adam's L2 weight decay and with AdamW's decoupled one, which end in
different places.
"""

# %%
# Four rules, one pattern
# -----------------------
# Write :math:`g_t = \partial L[\phi_t] / \partial \phi` for the gradient at
# step :math:`t = 0, 1, 2, \dots`; squares, roots and divisions are taken
# coordinate by coordinate. Every rule below moves each coordinate by a
# learning rate of its own times :math:`g_t` (or its average), and the rules
# differ in how that per-coordinate step size is made.
#
# **Adagrad** (:class:`descend.Adagrad`) sums all squared gradients so far,
# from :math:`G_0 = 0`:
#
# .. math::
#
#    G_{t+1} = G_t + g_t^2, \qquad
#    \phi_{t+1} = \phi_t - \frac{\alpha}{\sqrt{G_{t+1}} + \epsilon}\, g_t .
#
# The sum only grows. For a steady gradient :math:`g`,
# :math:`G_{t+1} = (t + 1)\, g^2` and the step size is
# :math:`\alpha / (\sqrt{t + 1}\,\lvert g \rvert)`: the effective step
# :math:`\alpha / \sqrt{t + 1}` shrinks like :math:`1/\sqrt{t}` whatever the
# loss does.
#
# **RMSprop** (:class:`descend.RMSprop`) replaces the sum by an exponential
# average with smoothing constant :math:`\beta_2` (PyTorch's keyword ``alpha``,
# default 0.99; the learning rate is ``lr``), from :math:`v_0 = 0`:
#
# .. math::
#
#    v_{t+1} = \beta_2\, v_t + (1 - \beta_2)\, g_t^2, \qquad
#    \phi_{t+1} = \phi_t - \frac{\alpha}{\sqrt{v_{t+1}} + \epsilon}\, g_t .
#
# Old gradients are forgotten, so for a steady gradient
# :math:`v_{t+1} = (1 - \beta_2^{t+1})\, g^2 \to g^2` and the effective step
# settles at :math:`\alpha`. There is no bias correction: the first step is
# :math:`\alpha / \sqrt{1 - \beta_2}`, ten times :math:`\alpha` for
# :math:`\beta_2 = 0.99`.
#
# **Adam** (:class:`descend.Adam`) is RMSprop (the same :math:`\beta_2`),
# plus momentum in the numerator and the bias correction of both averages,
# from :math:`m_0 = v_0 = 0`:
#
# .. math::
#
#    m_{t+1} &= \beta_1 m_t + (1 - \beta_1)\, g_t, \qquad
#    v_{t+1} = \beta_2 v_t + (1 - \beta_2)\, g_t^2, \\
#    \hat m_{t+1} &= \frac{m_{t+1}}{1 - \beta_1^{t+1}}, \qquad
#    \hat v_{t+1} = \frac{v_{t+1}}{1 - \beta_2^{t+1}}, \qquad
#    \phi_{t+1} = \phi_t - \frac{\alpha}{\sqrt{\hat v_{t+1}} + \epsilon}\, \hat m_{t+1} .
#
# For a steady gradient :math:`\hat m_{t+1} = g` and :math:`\hat v_{t+1} = g^2`
# from the first step on: the effective step is :math:`\alpha` throughout.
#
# **Weight decay** :math:`\omega` enters Adam in two ways. ``Adam(weight_decay=ω)``
# adds the gradient of the L2 penalty :math:`\tfrac{\omega}{2}\lVert\phi\rVert^2`
# to the gradient, :math:`g_t \leftarrow g_t + \omega \phi_t`, before the
# averages, so the decay is divided by :math:`\sqrt{\hat v_{t+1}}` like the
# rest. **AdamW** (:class:`descend.AdamW`) decouples it: :math:`m` and
# :math:`v` see the loss gradient only, and the weights shrink by a fixed
# factor,
#
# .. math::
#
#    \phi_{t+1} = (1 - \alpha\omega)\, \phi_t
#    - \frac{\alpha}{\sqrt{\hat v_{t+1}} + \epsilon}\, \hat m_{t+1} .
#
# All four take PyTorch's keyword names and defaults:
# ``Adagrad(lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
# eps=1e-10)``, ``RMSprop(lr=1e-2, alpha=0.99, eps=1e-8, ...)``,
# ``Adam(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)`` and
# ``AdamW(...)``, which is the same with ``weight_decay=1e-2``.
#
# A badly scaled bowl
# -------------------
# :class:`descend.landscapes.Quadratic` with curvatures 1 along
# :math:`\phi_0` and 100 along :math:`\phi_1`. Gradient descent is stable
# only for :math:`\alpha < 2/100`; we give it 0.018. The three adaptive rules
# get the same :math:`\alpha = 0.05`, so each starts by moving every
# coordinate by about the same distance. (AdamW comes in the last part: the
# minimum of this bowl is :math:`\phi = 0`, the point weight decay pulls
# towards, so decay could not show its effect here.)
import matplotlib.pyplot as plt
import numpy as np

import descend
from descend.datasets import textbook_linear
from descend.landscapes import DataLoss, Quadratic
from descend.models import Linear
from descend.plotting import color_of, contour, path

bowl = Quadratic(a=1.0, b=100.0)
start = np.array([-1.5, 0.8])
steps = 150
alpha = 0.05
rules = {
    "gradient descent": descend.GradientDescent(lr=0.018),
    "Adagrad": descend.Adagrad(lr=alpha),
    "RMSprop": descend.RMSprop(lr=alpha),
    "Adam": descend.Adam(lr=alpha),
}
runs = {name: descend.fit(opt, bowl, start, steps=steps) for name, opt in rules.items()}
print(f"{'':>16}  loss after {steps}   step 1   step 10  step 100")
for name, run in runs.items():
    length = np.linalg.norm(np.diff(run.phi, axis=0), axis=1)
    print(
        f"{name:>16}  {run.final_loss:14.2e}   {length[0]:.3f}   {length[9]:.4f}   {length[99]:.4f}"
    )

# %%
# The paths. Gradient descent's step :math:`\alpha g` is 100 times larger
# across the valley than along it: its first step (length 1.440) throws
# :math:`\phi_1` across the valley, where it bounces and decays, while
# :math:`\phi_0` creeps along the floor. The adaptive rules divide each
# coordinate by its own gradient size, so their first steps are diagonal
# (about :math:`\alpha` in each coordinate, length :math:`\alpha\sqrt{2}
# = 0.071`) instead of along the gradient, and neither coordinate waits for
# the other. RMSprop's first step is ten times longer (0.707): the missing
# bias correction. Adam's momentum carries it past the minimum and back.
# Adagrad heads for the minimum, but its steps shrink (0.0201 long at step
# 10, 0.0040 at step 100) and it is still far from it after 150 steps.
fig, axes = plt.subplots(2, 2, figsize=(10, 8.6), sharex=True, sharey=True)
box = ((-1.7, 0.3), (-0.9, 0.9))
levels = [0.0, *np.geomspace(1e-3, 64.0, 17)]  # log-spaced: the loss spans decades
for ax, (name, run) in zip(axes.flat, runs.items(), strict=True):
    cs = contour(ax, bowl, box, levels=levels, colorbar=False)
    path(ax, run, optimizer=rules[name], label=name)
    ax.plot(*bowl.minimum, "x", color="white", markersize=8)
    ax.set(xlim=box[0], ylim=box[1], aspect="equal")
    ax.set_title(f"{name}, α = {rules[name].lr:g}: {steps} steps")
for ax in axes[0]:
    ax.set_xlabel("")
for ax in axes[:, 1]:
    ax.set_ylabel("")
ticks = [1e-3, 1e-2, 0.1, 1, 10]
fig.colorbar(cs, ax=axes, label=r"loss $L[\phi]$", shrink=0.8, ticks=ticks, format="%g")
fig.suptitle(r"Quadratic bowl with curvatures 1 and 100, from $(-1.5, 0.8)$; $\times$ = minimum")
plt.show()

# %%
# The losses on a log scale. RMSprop falls fastest. Its :math:`v` forgets
# over about :math:`1/(1 - \beta_2) = 100` steps, so after the first steps it
# still holds the large gradients of the start while the gradient shrinks
# with :math:`\phi`: RMSprop then acts like gradient descent with a step
# size per coordinate set by that coordinate's early gradients. Those are
# proportional to the coordinate's curvature, so the step sizes are roughly
# inversely proportional to it, what a bowl whose axes are the coordinate
# axes needs, and the loss falls geometrically, to 2.57e-58 after 150
# steps, far below the plot's floor.
# Adam does the same with momentum on top: it still moves almost
# :math:`\alpha` per coordinate at step 10 (a step of 0.0659), overshoots,
# and its loss oscillates on the way down to 3.22e-07. Gradient descent is
# limited by the flat direction, where the step 0.018 that is safe for
# curvature 100 is slow: 4.84e-03. Adagrad ends last, at 3.93e-01, not
# because its direction is bad but because its step size is spent.
fig, ax = plt.subplots(figsize=(7, 4.2))
for name, run in runs.items():
    ax.semilogy(run.loss, color=color_of(rules[name]), label=name)
ax.set_ylim(1e-16, 1e2)
ax.set(xlabel="step $t$", ylabel=r"loss $L[\phi_t]$", title="Loss per step on the quadratic bowl")
ax.legend()
plt.show()

# %%
# The effective learning rate, read off the state
# -----------------------------------------------
# The number each rule multiplies a coordinate's gradient (Adam: its average
# :math:`\hat m`) by is its *effective learning rate*: Adagrad's
# :math:`\alpha / (\sqrt{G_{t+1}} + \epsilon)`, RMSprop's
# :math:`\alpha / (\sqrt{v_{t+1}} + \epsilon)`, Adam's
# :math:`\alpha / (\sqrt{\hat v_{t+1}} + \epsilon)`. All three live in the
# optimizer state after the step: ``state["s"]``, ``state["v"]``, and
# ``state["v"]`` with ``state.t`` :math:`= t + 1` for the bias correction. We
# feed each rule the steady gradient :math:`g = (1, 100)` of the plane
# :math:`L = \phi_0 + 100\,\phi_1` for 1000 steps, again with
# :math:`\alpha = 0.05`.
g = np.array([1.0, 100.0])
horizon = 1000
steady = {
    "Adagrad": descend.Adagrad(lr=alpha),
    "RMSprop": descend.RMSprop(lr=alpha),
    "Adam": descend.Adam(lr=alpha),
}


def effective_lr(opt, state):
    """The per-coordinate step size alpha / (sqrt(second moment) + eps) after a step."""
    if isinstance(opt, descend.Adagrad):
        second = state["s"]
    elif isinstance(opt, descend.Adam):
        second = state["v"] / (1 - opt.betas[1] ** state.t)  # v_hat
    else:
        second = state["v"]
    return opt.lr / (np.sqrt(second) + opt.eps)


lr_history = {}
for name, opt in steady.items():
    phi, state = np.zeros(2), opt.init(np.zeros(2))
    history = []
    for _ in range(horizon):
        phi, state = opt.step(phi, g, state)
        history.append(effective_lr(opt, state))
    lr_history[name] = np.array(history)  # row t: after step t + 1

print("effective learning rate of phi_0 (|g| = 1) and phi_1 (|g| = 100) after step t + 1")
for k in [1, 10, 100, 1000]:
    row = "  ".join(f"{name} {h[k - 1, 0]:.4f} {h[k - 1, 1]:.6f}" for name, h in lr_history.items())
    print(f"t + 1 = {k:4d}:  {row}   alpha/sqrt(t+1) = {alpha / np.sqrt(k):.4f}")

# %%
# Both panels show the same story at two scales: the coordinate with the
# 100 times steeper gradient gets a 100 times smaller learning rate (the
# right panel's axis is 100 times lower). Adagrad's falls on the dotted line
# :math:`\alpha / (\sqrt{t + 1}\,\lvert g_j \rvert)`, from 0.0500 to 0.0016
# for :math:`\phi_0` after 1000 steps. RMSprop's starts ten times too high
# (0.5000) and settles at :math:`\alpha / \lvert g_j \rvert` within a few
# hundred steps (0.0628 at step 100, 0.0500 at step 1000); Adam's is
# :math:`\alpha / \lvert g_j \rvert` from the first step on.
k = np.arange(1, horizon + 1)
fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharex=True)
for i, ax in enumerate(axes):
    for name, h in lr_history.items():
        ax.loglog(k, h[:, i], color=color_of(steady[name]), label=name)
    ax.loglog(k, alpha / (np.sqrt(k) * g[i]), ":", color="grey",
              label=r"$\alpha / (\sqrt{t+1}\,|g_j|)$")  # fmt: skip
    ax.set(xlabel="step $t + 1$", ylabel=rf"effective learning rate of $\phi_{i}$",
           title=rf"Steady gradient $g_{i} = {g[i]:g}$")  # fmt: skip
    ax.legend()
fig.suptitle(
    rf"Per-coordinate step sizes on the plane $L = \phi_0 + 100\,\phi_1$, $\alpha$ = {alpha}"
)
plt.show()

# %%
# L2 weight decay in Adam versus AdamW
# ------------------------------------
# Now the textbook's 12 points (:func:`descend.datasets.textbook_linear`),
# fitted with the line :math:`\phi_0 + \phi_1 x` (:class:`descend.models.Linear`,
# sum of squared residuals), from the start :math:`(1.6, -0.5)` used for this
# data elsewhere on the site. Both rules get :math:`\alpha = 0.05` and the same
# weight decay :math:`\omega = 2`, and 2000 steps.
x, y = textbook_linear()
data = DataLoss(Linear(), x, y)
start_line = np.array([1.6, -0.5])
omega = 2.0
decayed = {
    "Adam, L2": descend.Adam(lr=alpha, weight_decay=omega),
    "AdamW": descend.AdamW(lr=alpha, weight_decay=omega),
}
fits = {name: descend.fit(opt, data, start_line, steps=2000) for name, opt in decayed.items()}

X = np.stack([np.ones_like(x), x], axis=1)
least_squares = np.linalg.solve(2 * X.T @ X, 2 * X.T @ y)
ridge = np.linalg.solve(2 * X.T @ X + omega * np.eye(2), 2 * X.T @ y)
print(f"least squares (no decay):    phi = {np.round(least_squares, 4)}")
print(f"minimum of L + omega/2 |phi|^2: phi = {np.round(ridge, 4)}")
for name, run in fits.items():
    print(f"{name:>8} ends at phi = {np.round(run.final_phi, 4)}, L = {run.final_loss:.4f}")
print(
    f"Adam, L2: |end - penalized minimum| = {np.abs(fits['Adam, L2'].final_phi - ridge).max():.1e}"
)
side = 1 / omega
phi1_given = x @ (y - side) / (x @ x)  # the best slope with the intercept held at 1/omega
print(f"best phi_1 with phi_0 held at 1/omega = {side:g}: {phi1_given:.4f}")

# %%
# Adam with L2 ends at the minimum of the penalized loss
# :math:`L + \tfrac{\omega}{2}\lVert\phi\rVert^2`, (0.7328, 0.556), to
# round-off. AdamW ends somewhere else, at (0.4995, 0.4974), with a data loss
# of 1.6727 against 0.2494. The reason is where :math:`\sqrt{\hat v}`
# divides.
#
# In Adam with L2 the decay is inside :math:`g`, so the step is
# :math:`\alpha\,\widehat{(g + \omega\phi)} / \sqrt{\hat v}`: the division
# rescales how fast each coordinate moves, but the run can only stop where
# the averaged gradient vanishes, :math:`g + \omega\phi = 0`, the penalized
# minimum. In AdamW only the loss gradient is divided. The run stops where
# the decay and the normalized gradient cancel,
#
# .. math::
#
#    \omega\, \phi_j = -\frac{\hat m_j}{\sqrt{\hat v_j} + \epsilon} ,
#
# and the right-hand side is a gradient divided by its own typical size: on
# a steady gradient it is about :math:`\pm 1`, however large the gradient.
# So the loss can hold a coordinate at most about :math:`1/\omega = 0.5` from
# zero; inside that box, AdamW stops where the gradient itself is about 0.
# Here the least-squares :math:`\phi_0` is 0.826, outside the box, and with
# :math:`\phi_0` held at 0.5 the best :math:`\phi_1` is 0.7700, outside too:
# AdamW ends near the corner. Both sides of the balance, read off AdamW's
# final state, are close to 1 (AdamW is still creeping towards the corner):
adamw, state = decayed["AdamW"], fits["AdamW"].state
beta1, beta2 = adamw.betas
m_hat = state["m"] / (1 - beta1**state.t)
v_hat = state["v"] / (1 - beta2**state.t)
print(f"omega * phi              = {np.round(omega * fits['AdamW'].final_phi, 4)}")
print(f"-m_hat / (sqrt(v_hat)+eps) = {np.round(-m_hat / (np.sqrt(v_hat) + adamw.eps), 4)}")

# %%
# The paths over the data loss. The dashed square is the box
# :math:`\lvert\phi_j\rvert \le 1/\omega`; ``+`` marks the least-squares fit
# and ``x`` the penalized minimum, where Adam with L2 ends. AdamW is held at
# the corner of the box. The right panel shows the coordinates over the
# steps: Adam with L2 settles within a few hundred steps, AdamW approaches
# its corner more slowly, as :math:`\hat v` forgets the large gradients of
# the start (:math:`\beta_2 = 0.999` remembers about 1000 steps).
fig, axes = plt.subplots(1, 2, figsize=(12, 4.6))
frame = ((-0.6, 1.8), (-0.6, 1.0))
cs = contour(
    axes[0], data, frame, levels=[0, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64, 128], colorbar=False
)
fig.colorbar(cs, ax=axes[0], label=r"loss $L[\phi]$", format="%g")
for name, run in fits.items():
    path(axes[0], run, optimizer=decayed[name], label=name, markers=False)
axes[0].plot([-side, side, side, -side, -side], [-side, -side, side, side, -side], "--",
             color="white", linewidth=1, label=r"$|\phi_j| = 1/\omega$")  # fmt: skip
axes[0].plot(*least_squares, "+", color="white", markersize=12, label="least squares")
axes[0].plot(*ridge, "x", color="white", markersize=9, label="penalized minimum")
axes[0].set(xlim=frame[0], ylim=frame[1], aspect="equal")
axes[0].legend(
    loc="upper left", frameon=True, facecolor="0.2", labelcolor="white", fontsize="small"
)
axes[0].set_title(rf"Textbook line from $(1.6, -0.5)$, $\omega$ = {omega:g}, $\alpha$ = {alpha}")

for name, run in fits.items():
    for i, style in enumerate(["-", "--"]):
        axes[1].semilogx(np.arange(1, run.steps + 1), run.phi[1:, i], style,
                         color=color_of(decayed[name]), label=rf"{name}: $\phi_{i}$")  # fmt: skip
axes[1].axhline(side, color="grey", linestyle=":", label=r"$1/\omega$")
axes[1].set(xlabel="step $t$", ylabel=r"parameter $\phi_{t,j}$",
            title="Where the two weight decays end")  # fmt: skip
axes[1].legend(ncols=2, loc="lower right")
plt.show()

# %%
# The same :math:`\omega` is a different regularizer in the two rules. With
# L2 its strength is measured against the loss's curvature, so it changes if
# the loss is rescaled (a mean instead of a sum). With AdamW it is measured
# against the normalized gradient, so it does not, and in a full-batch run
# like this one it acts as a bound :math:`\lvert\phi_j\rvert \lesssim
# 1/\omega` rather than a pull towards zero. With minibatches the gradient
# noise enters :math:`\hat v` but partly averages out of :math:`\hat m`, so
# :math:`\lvert\hat m\rvert / \sqrt{\hat v}` stays below 1 and the decay
# pulls towards zero well inside the bound; PyTorch's default :math:`\omega`
# is 0.01.
#
# What to try
# -----------
# - ``Quadratic(a=1.0, b=100.0, angle=np.pi / 6)``: the valley no longer
#   lies along the axes, and per-coordinate step sizes can no longer undo
#   its scaling. Which adaptive rule suffers most?
# - ``descend.Adagrad(lr=0.5)`` on the bowl: a larger :math:`\alpha` buys
#   Adagrad more distance before its steps run out.
# - ``descend.RMSprop(lr=alpha, centered=True)`` or ``momentum=0.9``, and
#   ``descend.Adam(lr=alpha, betas=(0.0, 0.99))``, which is RMSprop with
#   :math:`\beta_2 = 0.99` plus the bias correction.
# - ``Linear(reduction="mean")`` in the last part: the L2 end point moves
#   (the penalty now weighs 12 times more against the loss), AdamW's stays.
# - ``omega = 0.5``: the box :math:`\lvert\phi_j\rvert \le 2` now holds the
#   least-squares fit, so AdamW ends close to it, while Adam with L2 still
#   ends at its own penalized minimum.
