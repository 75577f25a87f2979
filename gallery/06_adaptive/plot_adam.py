"""
Adam
====

Adam (adaptive moment estimation) is normalized gradients with momentum:
it divides a running average of the gradient by a running average of its
square, coordinate by coordinate, so every parameter moves at a rate set by
the learning rate, not by how steep the loss happens to be in its
direction. This example races it against gradient descent and plain
normalized gradients on the textbook's fixed-step landscape, then takes
its bias correction apart: without it, the first steps with the default
:math:`\\beta_2 = 0.999` are several times too large.
"""

# %%
# Three rules on one landscape
# ----------------------------
# The fixed-step landscape (:class:`descend.landscapes.FixedStep`) is a valley
# 16 times steeper across :math:`\phi_1` than along :math:`\phi_0`. Adam
# (:class:`descend.Adam`, the defaults of PyTorch) keeps, per coordinate,
#
# .. math::
#
#    m_{t+1} &= \beta_1 m_t + (1 - \beta_1)\, g_t, \qquad
#    v_{t+1} = \beta_2 v_t + (1 - \beta_2)\, g_t^2, \\
#    \hat m_{t+1} &= \frac{m_{t+1}}{1 - \beta_1^{t+1}}, \qquad
#    \hat v_{t+1} = \frac{v_{t+1}}{1 - \beta_2^{t+1}}, \qquad
#    \phi_{t+1} = \phi_t - \alpha \frac{\hat m_{t+1}}{\sqrt{\hat v_{t+1}} + \epsilon},
#
# where :math:`g_t = \partial L[\phi_t] / \partial \phi` is the gradient at
# step :math:`t`, :math:`t = 0` is the first step and :math:`m_0 = v_0 = 0`.
# With :math:`\beta_1 = \beta_2 = 0` it is the
# per-coordinate normalized gradient of
# :ref:`sphx_glr_auto_examples_06_adaptive_plot_normalized_gradients.py`. We
# run each rule for the same number of steps from the textbook's start
# :math:`(-0.7, -0.9)`; gradient descent gets a small and a large step.
import matplotlib.pyplot as plt
import numpy as np

import descend
from descend.landscapes import FixedStep
from descend.plotting import color_of, contour, path

problem = FixedStep()
start = np.array([-0.7, -0.9])
steps = 100
runs = {  # label: (optimizer, dash pattern; (None, None) is a solid line)
    "GD, α = 0.1": (descend.GradientDescent(lr=0.1), (None, None)),
    "GD, α = 0.6": (descend.GradientDescent(lr=0.6), (4, 2)),
    "normalized, α = 0.1": (descend.NormalizedGradient(lr=0.1), (None, None)),
    "Adam, α = 0.1": (descend.Adam(lr=0.1), (None, None)),
}
results = {label: descend.fit(opt, problem, start, steps=steps) for label, (opt, _) in runs.items()}
for label, run in results.items():
    print(f"{label:<20} final loss {run.final_loss:.2e}")

# %%
# Gradient descent's step is :math:`\alpha g`: with the small step it
# creeps along the flat floor of the valley. The large one is above
# :math:`2/4`, the stability limit of the steep direction (curvature 4 at
# the minimum): :math:`\phi_0` converges but :math:`\phi_1` bounces across
# the valley in a two-cycle (the loss is bounded, so it does not diverge).
# Normalized gradients get close fast and then bounce on their
# grid. Adam starts like normalized gradients, overshoots (its momentum
# carries it past the minimum) and then settles: near the minimum the
# gradients change sign, their average :math:`m` shrinks while :math:`v`
# does not, and the steps become small.
fig, axes = plt.subplots(1, 3, figsize=(12, 4.2), sharey=True)
panels = [
    ["GD, α = 0.1", "GD, α = 0.6"],
    ["normalized, α = 0.1"],
    ["Adam, α = 0.1"],
]
titles = ["Gradient descent", "Normalized gradients", "Adam"]
box = ((-1.0, 1.1), (-1.0, 1.0))  # the textbook's box, a little wider: Adam overshoots
for ax, labels, title in zip(axes, panels, titles, strict=True):
    cs = contour(ax, problem, box, levels=20, colorbar=False)
    for label in labels:
        opt, style = runs[label]
        path(ax, results[label], optimizer=opt, label=label, dashes=style, markers=False)
    ax.plot(*problem.minimum, "x", color="white", markersize=8)
    ax.set_title(f"{title}: {steps} steps")
    ax.set(xlim=box[0], ylim=box[1], aspect="equal")
    ax.legend(loc="upper left", frameon=True)
for ax in axes[1:]:
    ax.set_ylabel("")
fig.colorbar(cs, ax=axes, label=r"loss $L[\phi]$", shrink=0.85)
fig.suptitle(r"Fixed-step landscape from $(-0.7, -0.9)$; $\times$ marks the minimum")
plt.show()

# %%
# The loss curves on a log scale: gradient descent with the small step
# improves slowly and steadily; with the large step the loss first drops,
# then rises as the bounce across the valley grows into its two-cycle.
# Normalized gradients plateau within a dozen steps, oscillating between the
# two grid points. Adam's loss oscillates as it spirals in, but its envelope
# keeps falling, and it ends lowest.
fig, ax = plt.subplots(figsize=(7, 4))
for label, run in results.items():
    opt, style = runs[label]
    ax.semilogy(run.loss, dashes=style, color=color_of(opt), label=label)
ax.set(
    xlabel="step $t$", ylabel=r"loss $L[\phi_t]$", title="Loss per step on the fixed-step landscape"
)
ax.legend()
plt.show()

# %%
# Bias correction
# ---------------
# The moving averages start at zero, so early on they are too small. If the
# gradient is a constant :math:`g`, unrolling the recursions gives
#
# .. math::
#
#    m_{t+1} = (1 - \beta_1^{t+1})\, g, \qquad v_{t+1} = (1 - \beta_2^{t+1})\, g^2,
#
# which is why Adam divides by :math:`1 - \beta_1^{t+1}` and
# :math:`1 - \beta_2^{t+1}`: then :math:`\hat m_{t+1} = g`,
# :math:`\hat v_{t+1} = g^2`, and every step has size :math:`\alpha`. Without
# the correction the step is
#
# .. math::
#
#    \alpha \frac{m_{t+1}}{\sqrt{v_{t+1}}} = \alpha\, \zeta_{t+1} \operatorname{sign}(g),
#    \qquad \zeta_{t+1} = \frac{1 - \beta_1^{t+1}}{\sqrt{1 - \beta_2^{t+1}}},
#
# and for any gradients, constant or not, the uncorrected ratio
# :math:`m_{t+1} / \sqrt{v_{t+1}}` is :math:`\zeta_{t+1}` times the corrected one.
# The lecture describes the correction as a boost for the momentum, and
# :math:`1/(1 - \beta_1^{t+1})` alone is one. But :math:`v` sits under a
# square root in the denominator, so its correction *shrinks* the step, and
# with :math:`\beta_2` close to 1 it wins: at the first step, :math:`t = 0`,
# the factor is :math:`\zeta_1 = (1 - \beta_1) / \sqrt{1 - \beta_2}`, which
# exceeds 1 exactly when :math:`\beta_2 > 1 - (1 - \beta_1)^2`, i.e.
# :math:`\beta_2 > 0.99` for :math:`\beta_1 = 0.9`. With PyTorch's default
# :math:`\beta_2 = 0.999` we tabulate :math:`\zeta_{t+1}` next to two
# approximations: :math:`\sqrt{10(t+1)}`, from
# :math:`1 - \beta^{t+1} \approx (t+1)(1 - \beta)` for both betas, and
# :math:`1/\sqrt{1 - \beta_2^{t+1}}`, from :math:`\beta_1^{t+1} \approx 0`:
beta1, beta2 = 0.9, 0.999
t = np.arange(20_000)  # steps t = 0, 1, ...; the step t averages t + 1 gradients
factor = (1 - beta1 ** (t + 1)) / np.sqrt(1 - beta2 ** (t + 1))
early = np.sqrt((t + 1) * (1 - beta1) ** 2 / (1 - beta2))  # sqrt(10 (t + 1))
late = 1 / np.sqrt(1 - beta2 ** (t + 1))
print(f"{'t':>5} {'zeta_(t+1)':>10} {'sqrt(10(t+1))':>14} {'1/sqrt(1-b2^(t+1))':>19}")
for k in [0, 1, 2, 4, 9, 11, 19, 49, 99, 199, 999, 9999]:
    print(f"{k:5d} {factor[k]:10.2f} {early[k]:14.2f} {late[k]:19.2f}")
peak = int(factor.argmax())
print(f"largest: zeta = {factor[peak]:.2f} at t = {peak}, after {peak + 1} gradients")
print(f"zeta > 2 for t <= {t[factor > 2].max()}; zeta > 1.1 for t <= {t[factor > 1.1].max()}")
errors = early[:4] / factor[:4] - 1
print(f"sqrt(10(t+1)) too large by, t = 0..3: {', '.join(f'{e:.0%}' for e in errors)}")

# %%
# So the factor is :math:`\sqrt{10} \approx 3.16` at the first step and
# starts out like :math:`\sqrt{10(t+1)}`, but that approximation holds only
# while :math:`(t+1)(1 - \beta_1) \ll 1`: it is 5% too large at :math:`t = 1`
# and 11% at :math:`t = 2`. After a few tens of steps :math:`m` has forgotten
# its zero start and the factor is :math:`1/\sqrt{1 - \beta_2^{t+1}}`, which
# falls. In between the factor peaks, at 6.57 at :math:`t = 11` (the twelfth
# step). It is above 2 for the first 287 steps, still 1.26 at
# :math:`t = 999`, and approaches its limit 1 only as
# :math:`\beta_2^{t+1} \to 0`: it is above 1.1 until :math:`t = 1749`.
fig, ax = plt.subplots(figsize=(7, 4))
ax.semilogx(t + 1, factor, color="black", label=r"$\zeta_{t+1}$")
ax.semilogx(t + 1, early, "--", color="tab:blue", label=r"$\sqrt{10\,(t+1)}$")
ax.semilogx(t + 1, late, ":", color="tab:red", label=r"$1/\sqrt{1 - \beta_2^{t+1}}$")
ax.axhline(1, color="grey", linewidth=0.8)
ax.plot(peak + 1, factor[peak], "o", color="black")
ax.annotate(f"peak {factor[peak]:.2f} at $t = {peak}$", (peak + 1, factor[peak]),
            xytext=(8, 6), textcoords="offset points")  # fmt: skip
ax.set(
    xlabel="number of gradients averaged, $t + 1$ (log scale)",
    ylabel="uncorrected step / corrected step",
    title=r"Bias-correction factor, $\beta_1 = 0.9$, $\beta_2 = 0.999$",
    ylim=(0, 8),
)
ax.legend()
plt.show()

# %%
# The uncorrected rule is a few lines (the corrected one is the same loop with
# the two divisions; we check it against :class:`descend.Adam`):
alpha, eps = 0.1, 1e-8


def adam_by_hand(correct, steps):
    """Adam's loop written out, with or without the bias correction."""
    phi, m, v = start.copy(), np.zeros(2), np.zeros(2)
    phis = [phi]
    for t in range(steps):  # t = 0 is the first step
        g = problem.grad(phi)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        if correct:
            m_hat, v_hat = m / (1 - beta1 ** (t + 1)), v / (1 - beta2 ** (t + 1))
            phi = phi - alpha * m_hat / (np.sqrt(v_hat) + eps)
        else:
            phi = phi - alpha * m / (np.sqrt(v) + eps)
        phis.append(phi)
    return np.array(phis)


with_bc, without_bc = adam_by_hand(True, 30), adam_by_hand(False, 30)
library = descend.fit(descend.Adam(lr=alpha, betas=(beta1, beta2)), problem, start, steps=30)
print(f"hand-written vs descend.Adam: max |difference| = {np.abs(with_bc - library.phi).max():.1e}")

# %%
# With the correction, the first steps move both coordinates by almost
# exactly :math:`\alpha`, a step of length :math:`\alpha\sqrt{2}`. Without
# it, the first steps follow the prediction for a constant gradient (dotted:
# the factor times :math:`\alpha\sqrt{2}`) and are several times longer, until
# the run has overshot the minimum, the gradient has changed sign and the
# average :math:`m` collapses. The uncorrected run is thrown far past the
# minimum, out of the textbook's box, and circles back.
fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
wide = ((-1.0, 1.8), (-1.0, 1.0))
contour(axes[0], problem, wide, levels=20, colorbar=False)
adam = descend.Adam(lr=alpha)
path(axes[0], with_bc, optimizer=adam, label="with bias correction")
path(axes[0], without_bc, color="white", label="without", dashes=(4, 2))
axes[0].plot(*problem.minimum, "x", color="white", markersize=8)
axes[0].set(xlim=wide[0], ylim=wide[1], aspect="equal")
axes[0].legend(loc="upper left", frameon=True, facecolor="0.2", labelcolor="white")
axes[0].set_title(r"First 30 steps of Adam, $\alpha$ = 0.1, $\beta_2$ = 0.999")

first = 20
k = np.arange(first)
for phis, style, label in [(with_bc, "o-", "with bias correction"), (without_bc, "s--", "without")]:
    step_len = np.linalg.norm(np.diff(phis[: first + 1], axis=0), axis=1)
    axes[1].plot(k, step_len, style, color=color_of(adam), label=label, markersize=4,
                 markerfacecolor="white" if label == "without" else None)  # fmt: skip
axes[1].plot(k, alpha * np.sqrt(2) * factor[:first], ":", color="grey",
             label=r"$\alpha\sqrt{2}\,\zeta_{t+1}$")  # fmt: skip
axes[1].set(xlabel="step $t$", ylabel=r"step length $\|\phi_{t+1} - \phi_t\|$",
            title="Step sizes of the first steps", xticks=[0, 5, 10, 15, 19])  # fmt: skip
axes[1].legend()
plt.show()

# %%
# Uncorrected early steps this large are exactly what Kingma and Ba (2015,
# Section 3) warn about: with :math:`\beta_2` near 1 (needed when gradients
# are sparse or noisy) they can throw the parameters far from a good start
# or diverge. The correction costs two divisions and makes the learning rate
# mean "about :math:`\alpha` per coordinate per step" from the first step on.
#
# What to try
# -----------
# - ``beta2 = 0.9`` before ``adam_by_hand`` is called: now :math:`\beta_2 < 0.99`, so
#   the uncorrected first steps are *smaller* than :math:`\alpha`; the factor
#   is :math:`\zeta_{t+1} = \sqrt{1 - 0.9^{t+1}}`.
# - ``descend.GradientDescent(lr=0.45)``: just under the stability limit
#   :math:`2/4` of the steep direction, it suits both directions of this
#   mildly conditioned valley (condition number 16). Then try
#   ``Quadratic(a=1, b=1000)`` where no single step does.
# - ``descend.Adam(lr=0.1, betas=(0.0, 0.999))``: no momentum, but still
#   averaged :math:`v`. How does it end compared with normalized gradients?
