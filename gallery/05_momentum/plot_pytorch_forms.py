r"""
The lecture's momentum and PyTorch's
====================================

The lecture writes momentum as an average of gradients,
:math:`m_{t+1} = \beta m_t + (1-\beta) g_t`. PyTorch's ``torch.optim.SGD``
writes it as a sum, :math:`b_t = \beta b_{t-1} + g_t`, with no
:math:`(1-\beta)`, and its Nesterov option does not evaluate the gradient at
a look-ahead point at all. This example shows, on the textbook's Gabor
data and with the library's :class:`descend.SGD` (which follows
``torch.optim.SGD`` step for step, so no PyTorch is needed), that the two
forms trace the same path once the learning rate is rescaled, and what the
unscaled form does to the step size.
"""

# %%
# The two forms of momentum
# -------------------------
# The lecture (:class:`descend.Momentum`), with :math:`m_0 = 0`:
#
# .. math::
#
#     m_{t+1} = \beta m_t + (1-\beta) g_t, \qquad \phi_{t+1} = \phi_t - \alpha m_{t+1}.
#
# PyTorch (:class:`descend.SGD` with ``momentum=beta``), whose buffer starts
# at the first gradient, :math:`b_0 = g_0`:
#
# .. math::
#
#     b_t = \beta b_{t-1} + g_t, \qquad \phi_{t+1} = \phi_t - \text{lr}\, b_t .
#
# By induction :math:`m_{t+1} = (1-\beta) b_t`: it holds at :math:`t = 0`,
# since :math:`m_1 = (1-\beta) g_0 = (1-\beta) b_0`, and if it holds for
# :math:`m_t` then
# :math:`m_{t+1} = \beta (1-\beta) b_{t-1} + (1-\beta) g_t = (1-\beta) b_t`.
# So the lecture's step :math:`\alpha m_{t+1}` equals PyTorch's
# :math:`\text{lr}\, b_t` exactly when :math:`\text{lr} = \alpha (1-\beta)`: same
# gradients, same points, every step. We check it on the Gabor model fitted
# to the textbook's 30 data points (full batch), from the textbook
# notebook's start :math:`(-1.5, 6.5)`.
import matplotlib.pyplot as plt
import numpy as np

import descend
from descend.datasets import textbook_gabor
from descend.landscapes import DataLoss
from descend.models import Gabor
from descend.plotting import color_of, contour, path

x, y = textbook_gabor()
problem = DataLoss(Gabor(32.0), x, y)
alpha, beta, steps = 0.2, 0.9, 80
phi0 = np.array([-1.5, 6.5])

lecture = descend.Momentum(alpha, beta)
torch_form = descend.SGD(lr=alpha * (1 - beta), momentum=beta)
run_lecture = descend.fit(lecture, problem, phi0, steps=steps)
run_torch = descend.fit(torch_form, problem, phi0, steps=steps)
print(f"Momentum(lr={alpha}, beta={beta}) vs SGD(lr={torch_form.lr:g}, momentum={beta}):")
print(f"  max |difference| over {steps} steps: {np.abs(run_lecture.phi - run_torch.phi).max():.1e}")

# %%
# The difference is rounding error: the two formulas do the same
# arithmetic in a different order.
#
# Nesterov momentum
# -----------------
# The lecture's Nesterov rule (:class:`descend.NesterovMomentum`) takes the
# gradient at the look-ahead point :math:`\tilde\phi_t = \phi_t - \alpha\beta m_t`:
#
# .. math::
#
#     m_{t+1} = \beta m_t + (1-\beta)\, g[\tilde\phi_t], \qquad
#     \phi_{t+1} = \phi_t - \alpha m_{t+1}.
#
# PyTorch's ``SGD(nesterov=True)`` evaluates the gradient at its own iterate
# :math:`\theta_t` and steps along :math:`g_t + \beta b_t`:
#
# .. math::
#
#     b_t = \beta b_{t-1} + g[\theta_t], \qquad
#     \theta_{t+1} = \theta_t - \text{lr}\,(g[\theta_t] + \beta b_t).
#
# With :math:`\text{lr} = \alpha(1-\beta)` PyTorch's iterates are the lecture's
# look-ahead points, :math:`\theta_t = \tilde\phi_t`. Both start at
# :math:`\phi_0` (:math:`m_0 = 0`), and if :math:`\theta_t = \tilde\phi_t`
# both take the same gradient :math:`g_t`; then, using :math:`m_{t+1} = (1-\beta) b_t`
# again (with :math:`b_{-1} = 0`),
#
# .. math::
#
#     \tilde\phi_{t+1} = \phi_{t+1} - \alpha\beta m_{t+1}
#     = \tilde\phi_t + \alpha\beta m_t - \alpha(1+\beta) m_{t+1}
#     = \tilde\phi_t - \alpha(1-\beta) \bigl((1+\beta) g_t + \beta^2 b_{t-1}\bigr),
#
# which is PyTorch's step, since
# :math:`g_t + \beta b_t = (1+\beta) g_t + \beta^2 b_{t-1}`. The look-ahead
# points need :math:`m_t`, which the path itself gives:
# :math:`m_t = (\phi_{t-1} - \phi_t) / \alpha`, so
# :math:`\tilde\phi_t = \phi_t + \beta (\phi_t - \phi_{t-1})`, the classic
# "extrapolate, then take the gradient" form of Nesterov's method.
lecture_nag = descend.NesterovMomentum(alpha, beta)
torch_nag = descend.SGD(lr=alpha * (1 - beta), momentum=beta, nesterov=True)
run_lecture_nag = descend.fit(lecture_nag, problem, phi0, steps=steps)
run_torch_nag = descend.fit(torch_nag, problem, phi0, steps=steps)

phi = run_lecture_nag.phi
look_ahead = phi.copy()  # phi~_0 = phi_0
look_ahead[1:] = phi[1:] + beta * (phi[1:] - phi[:-1])
print(f"NesterovMomentum(lr={alpha}, beta={beta}) vs SGD(lr={torch_nag.lr:g}, momentum={beta}, "
      "nesterov=True):")  # fmt: skip
ahead_diff = np.abs(run_torch_nag.phi - look_ahead).max()
iterate_diff = np.abs(run_torch_nag.phi - phi).max()
print(f"  max |torch iterate - lecture look-ahead point|: {ahead_diff:.1e}")
print(f"  max |torch iterate - lecture iterate|:          {iterate_diff:.1e}")

# %%
# PyTorch's Nesterov iterates are the lecture's look-ahead points to rounding
# error, not the lecture's iterates, which lie a momentum step behind them.
# Both sequences converge to the same minimum, since the look-ahead shrinks
# with :math:`m_t`.
#
# Both pairs on the loss surface: the lecture's form as a line, PyTorch's as
# markers on top of it (for Nesterov, the line joins the look-ahead points).
bounds = ((-2.5, 2.0), (5.5, 18.0))
fig, axes = plt.subplots(1, 2, figsize=(11, 4.6), sharey=True)
ax = axes[0]
contour(ax, problem, bounds, colorbar=False)
path(ax, run_lecture, optimizer=lecture, markers=False, label=f"Momentum(lr={alpha}, beta={beta})")
ax.plot(*run_torch.phi.T, "o", color=color_of(torch_form), markersize=4, markerfacecolor="none",
        label=f"SGD(lr={torch_form.lr:g}, momentum={beta})")  # fmt: skip
ax.set_title("Momentum: the same path")
ax = axes[1]
contour(ax, problem, bounds)
path(ax, look_ahead, optimizer=lecture_nag, markers=False,
     label=r"NesterovMomentum look-ahead $\phi_t - \alpha\beta m_t$")  # fmt: skip
ax.plot(*run_torch_nag.phi.T, "o", color=color_of(torch_nag), markersize=4, markerfacecolor="none",
        label=f"SGD(lr={torch_nag.lr:g}, momentum={beta}, nesterov=True)")  # fmt: skip
ax.set_title("Nesterov: PyTorch visits the look-ahead points")
ax.set_ylabel("")
for ax in axes:
    ax.legend(loc="upper right", fontsize="small", labelcolor="white")
fig.suptitle(f"Textbook Gabor data, full batch, {steps} steps from the same start")
plt.show()

# %%
# At this scale the lecture's Nesterov iterates :math:`\phi_t` would hide
# under the markers too; the distances per step tell them apart. Exact
# agreement (a difference of 0) is drawn at :math:`10^{-17}`, below the
# rounding error of numbers of this size (about :math:`10^{-15}`).
t = np.arange(steps + 1)
fig, ax = plt.subplots(figsize=(7, 4.2))
pairs = [
    ("Momentum vs SGD(momentum)", run_lecture.phi, run_torch.phi, color_of(torch_form), "-"),
    (
        "Nesterov look-ahead vs SGD(nesterov)",
        look_ahead,
        run_torch_nag.phi,
        color_of(lecture_nag),
        "-",
    ),
    ("Nesterov iterate vs SGD(nesterov)", phi, run_torch_nag.phi, color_of(lecture_nag), ":"),
]
for label, a_path, b_path, color, style in pairs:
    d = np.linalg.norm(a_path - b_path, axis=1)
    ax.plot(t, np.maximum(d, 1e-17), style, color=color, label=label)
ax.set_yscale("log")
ax.set_xlabel("step $t$")
ax.set_ylabel("distance between the two points")
ax.set_title("Same path up to rounding, or a different one")
ax.legend(fontsize="small")
plt.show()

# %%
# The effective step size
# -----------------------
# Without the :math:`(1-\beta)`, PyTorch's buffer is a sum, not an average.
# On a steady slope, a constant gradient :math:`g`,
#
# .. math::
#
#     b_t = g\,(1 + \beta + \dots + \beta^t) = g\, \frac{1-\beta^{t+1}}{1-\beta}
#     \;\longrightarrow\; \frac{g}{1-\beta},
#
# so ``SGD(lr=alpha, momentum=beta)`` ends up taking steps of
# :math:`\alpha g / (1-\beta)`, ten times :math:`\alpha g` for
# :math:`\beta = 0.9`, while the lecture's ``Momentum(alpha, beta)`` creeps up
# to :math:`\alpha g` (its :math:`m_t = g (1 - \beta^t)` starts at zero). This
# is why a learning rate that works for plain SGD is usually too large once
# PyTorch's momentum is switched on. The Gabor loss has no steady slope, so
# this part leaves the textbook's data for a made-up loss, the linear
# :math:`L[\phi] = g \cdot \phi`, whose gradient is :math:`g` everywhere;
# anything with ``loss`` and ``grad`` methods can be handed to
# :func:`descend.fit`:


class Slope:
    """The linear loss L = g . phi: the same gradient g everywhere."""

    def __init__(self, g):
        self.g = np.asarray(g, dtype=float)

    def loss(self, phi):
        return float(self.g @ phi)

    def grad(self, phi):
        return self.g


slope = Slope([0.6, 0.8])  # |g| = 1
g_norm = np.linalg.norm(slope.g)
forms = {
    f"SGD(lr={alpha}, momentum={beta})": descend.SGD(lr=alpha, momentum=beta),
    f"Momentum(lr={alpha}, beta={beta})": descend.Momentum(alpha, beta),
    f"GradientDescent(lr={alpha})": descend.GradientDescent(alpha),
}
fig, ax = plt.subplots(figsize=(7, 4.4))
for name, opt in forms.items():
    run = descend.fit(opt, slope, np.zeros(2), steps=60)
    step = np.linalg.norm(np.diff(run.phi, axis=0), axis=1)
    ax.plot(step, "o-", color=color_of(opt), markersize=3, label=name)
    print(f"{name:28s} last step {step[-1]:.4f}")
ax.axhline(alpha * g_norm / (1 - beta), color="0.3", linestyle="--", linewidth=1,
           label=r"$\alpha |g| / (1-\beta)$")  # fmt: skip
ax.axhline(alpha * g_norm, color="0.3", linestyle=":", linewidth=1, label=r"$\alpha |g|$")
ax.set_xlabel("step $t$")
ax.set_ylabel(r"step length $|\phi_{t+1} - \phi_t|$")
ax.set_title(rf"Steps on a steady slope, $\alpha = {alpha}$, $\beta = {beta}$, $|g| = 1$")
ax.legend(fontsize="small")
plt.show()

# %%
# Both momentum forms approach their limits with the gap shrinking like
# :math:`\beta^t`: after :math:`1/(1-\beta) = 10` steps about a third of it
# is left (:math:`0.9^{10} \approx e^{-1}`), after 50 steps half a percent.
#
# What to try
# -----------
# - Rerun the comparisons with minibatches, ``batch_size=5, rng=0`` in both
#   calls of :func:`descend.fit`: with the same batches the paths still agree
#   to rounding error.
# - Set ``dampening=beta`` in ``SGD(lr=alpha, momentum=beta)``: the buffer
#   becomes an average again, but it starts at :math:`g_0` rather than at
#   zero, so the first steps differ from :class:`descend.Momentum`.
# - Try :math:`\beta = 0.99`: the limit is a hundred times :math:`\alpha g`,
#   and the approach is ten times slower (time constant
#   :math:`1/(1-\beta) = 100` steps).
