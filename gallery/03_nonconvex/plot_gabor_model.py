r"""
The Gabor model
===============

The loss of linear regression is a convex bowl. To see what gradient
descent does on a loss that is *not* convex, while still drawing it in two
dimensions, the lecture uses a model with two parameters that enter
non-linearly, the Gabor function

.. math::

    f[x, \phi] = \sin(z) \exp\!\left(-\frac{z^2}{E}\right),
    \qquad z = \phi_0 + 0.06\, \phi_1 x,

a sinusoid under a Gaussian envelope (:class:`descend.models.Gabor`). This
example shows what each parameter does to the curve, compares the slide's
envelope :math:`E = 8` with the :math:`E = 32` of the lecture's plots, and
draws the textbook's data, which the next example fits, with their best fit.
"""

# %%
# What the parameters do
# ----------------------
# Both parameters act only through the pre-activation
# :math:`z = \phi_0 + 0.06 \phi_1 x`, so the whole curve, sinusoid *and*
# envelope, is one fixed shape :math:`F(z) = \sin(z) e^{-z^2/E}` seen through a
# linear change of variable. The centre :math:`z = 0` sits at
# :math:`x_c = -\phi_0 / (0.06 \phi_1)`: for :math:`\phi_1 > 0`, increasing
# :math:`\phi_0` slides the curve to the left. Writing
# :math:`z = 0.06 \phi_1 (x - x_c)`, the envelope is
#
# .. math::
#
#     e^{-z^2/E} = \exp\!\left(-\frac{(x - x_c)^2}{2\, \mathrm{width}^2}\right),
#     \qquad \mathrm{width} = \frac{\sqrt{E/2}}{0.06\, |\phi_1|},
#
# a Gaussian in :math:`x` whose standard deviation is what we call its
# *width*. The width and the period of the sinusoid,
# :math:`2\pi / (0.06 |\phi_1|)`, are both proportional to
# :math:`1 / |\phi_1|`: increasing :math:`|\phi_1|` squeezes the curve
# towards its centre, and a negative :math:`\phi_1` mirrors it. The dashed
# lines are the envelope :math:`\pm e^{-z^2/E}`.
import matplotlib.pyplot as plt
import numpy as np

import descend
from descend.datasets import textbook_gabor
from descend.landscapes import DataLoss
from descend.models import Gabor

model = Gabor()  # E = 32, the envelope of the lecture's plots
E = model.envelope
x = np.linspace(-15, 15, 1001)


def envelope(phi, x, E):
    """The Gaussian envelope exp(-z^2 / E) of the Gabor model."""
    z = phi[0] + 0.06 * phi[1] * x
    return np.exp(-(z**2) / E)


def width(phi, E):
    """Standard deviation in x of the envelope, sqrt(E / 2) / (0.06 |phi_1|)."""
    return np.sqrt(E / 2) / (0.06 * abs(phi[1]))


def draw(ax, phis, label_of):
    """One solid curve and a dashed envelope, in one color, per parameter vector."""
    colors = plt.cm.plasma(np.linspace(0.0, 0.8, len(phis)))
    for phi, c in zip(phis, colors, strict=True):
        phi = np.array(phi, dtype=float)
        ax.plot(x, model.predict(phi, x), color=c, label=label_of(phi))
        env = envelope(phi, x, model.envelope)
        ax.plot(x, env, "--", color=c, linewidth=0.9)
        ax.plot(x, -env, "--", color=c, linewidth=0.9)
    ax.set(xlabel="input $x$", ylabel=r"$f[x, \phi]$", ylim=(-1.1, 1.1))
    ax.legend(loc="lower left", fontsize="small")


fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
draw(ax1, [(-5, 16), (0, 16), (5, 16)], lambda p: rf"$\phi_0 = {p[0]:g}$")
ax1.set_title(r"$\phi_0$ shifts ($\phi_1 = 16$)")
draw(ax2, [(0, 8), (0, 16), (0, 32)], lambda p: rf"$\phi_1 = {p[1]:g}$")
ax2.set_title(r"$\phi_1$ stretches and squeezes ($\phi_0 = 0$)")
ax2.set_ylabel("")
fig.suptitle(rf"The Gabor model $f[x, \phi]$, envelope $E = {E:g}$ (dashed: $\pm e^{{-z^2/E}}$)")
plt.show()
for phi1 in (8, 16, 32):
    print(
        f"phi_1 = {phi1:2d}: envelope width s = {width((0, phi1), E):5.2f}, "
        f"period = {2 * np.pi / (0.06 * phi1):5.2f}"
    )

# %%
# The slide's envelope and the plots' envelope
# --------------------------------------------
# The slide prints the formula with :math:`E = 8.0`, but the lecture's plots
# (and the Understanding Deep Learning notebooks that draw them) use
# :math:`E = 32`; :class:`~descend.models.Gabor` defaults to 32 and
# ``Gabor(8.0)`` gives the slide's version. A smaller :math:`E` narrows the
# envelope by a factor :math:`\sqrt{32 / 8} = 2` (at :math:`\phi_1 = 16`
# its width is 4.17 with :math:`E = 32` and 2.08 with
# :math:`E = 8`): with :math:`E = 8` few
# oscillations survive, with :math:`E = 32` several do, and each of them
# can be matched to the wrong bump of the data, which is what makes the loss
# landscape of the next example so bumpy.
fig, axes = plt.subplots(1, 2, figsize=(11, 3.8), sharey=True)
phi = np.array([0.0, 16.0])
for ax, E_ in zip(axes, (8.0, 32.0), strict=True):
    ax.plot(x, Gabor(E_).predict(phi, x), color="black", label=r"$f[x, \phi]$")
    env = envelope(phi, x, E_)
    ax.fill_between(x, -env, env, color="tab:purple", alpha=0.15, label=r"$\pm e^{-z^2/E}$")
    ax.set(xlabel="input $x$", title=rf"$E = {E_:g}$" + (" (slide)" if E_ == 8 else " (plots)"))
    ax.legend(loc="lower left", fontsize="small")
axes[0].set_ylabel(r"$f[x, \phi]$")
fig.suptitle(r"Two envelopes, same parameters $\phi = (0, 16)$")
plt.show()
for E_ in (8.0, 32.0):
    print(f"E = {E_:g}: envelope width s = {width(phi, E_):.2f} at phi_1 = {phi[1]:g}")

# %%
# The textbook's data
# -------------------
# The lecture's Gabor plots fit thirty points :math:`(x_i, y_i)` from the
# notebooks of *Understanding Deep Learning* (Prince, 2023, notebooks 6.3
# and 6.4), which :func:`descend.datasets.textbook_gabor` returns. The loss
# is the sum of squared residuals, :math:`L[\phi] = \sum_i (f[x_i, \phi] -
# y_i)^2`; at :math:`\phi = (0.6, -0.2)` it is 16.419, the value the notebook
# prints as a check. The best fit, which the next example finds as the
# lowest of several minima, is :math:`\phi \approx (0.004, 16.03)`: a
# curve centred near :math:`x = 0`, with a period of about 6.5 and an
# envelope of width about 4.2, close to the :math:`\phi = (0, 16)` drawn
# above; its residuals have a root-mean-square size of about 0.15. Here
# gradient descent (:math:`\alpha = 0.1`, 1000 steps), started at
# :math:`(-2, 12)` in the valley of the best fit, finds it.
x_data, y_data = textbook_gabor()
problem = DataLoss(model, x_data, y_data)
print(f"{len(x_data)} examples, x in [{x_data.min():.2f}, {x_data.max():.2f}]")
print(f"check: L[(0.6, -0.2)] = {problem.loss(np.array([0.6, -0.2])):.3f}")
phi_best = descend.fit(descend.GradientDescent(0.1), problem, [-2.0, 12.0], steps=1000).final_phi
L_best = problem.loss(phi_best)
print(f"best fit phi = ({phi_best[0]:.4f}, {phi_best[1]:.3f}), L = {L_best:.4f}")
print(
    f"period 2 pi / (0.06 phi_1) = {2 * np.pi / (0.06 * phi_best[1]):.2f}, "
    f"envelope width s = {width(phi_best, E):.2f}"
)
print(f"root-mean-square residual sqrt(L / I) = {np.sqrt(L_best / len(x_data)):.3f}")

fig, ax = plt.subplots(figsize=(8, 4))
ax.plot(
    x,
    model.predict(phi_best, x),
    color="black",
    label=rf"best fit $\phi = ({phi_best[0]:.3f}, {phi_best[1]:.2f})$",
)
ax.plot(x_data, y_data, "o", color="lightgrey", markeredgecolor="black", label="data $(x_i, y_i)$")
ax.set(
    xlabel="input $x$",
    ylabel="output $y$",
    title=f"The textbook's data (30 points) and the best fit, $L = {L_best:.3f}$",
)
ax.legend(loc="lower left")
plt.show()

# %%
# What to try
# -----------
# - Draw ``phi = (0, -16)`` next to ``(0, 16)``: because :math:`F(z)` is
#   odd, negating both parameters negates the curve,
#   :math:`f[x, -\phi] = -f[x, \phi]`. What does that mean for the fit of
#   the data, and for the loss landscape?
# - Fit the data with ``Gabor(8.0)`` instead of ``Gabor()``, starting from
#   the best fit above: how far does the fit move, and how much worse is it?
# - The textbook's points come without the parameters that generated them.
#   To see a fit recover known parameters you need data whose generator you
#   know: :func:`descend.models.gabor_data` draws synthetic points around
#   ``phi = (0, 15)``; with ``noise=0.0`` the loss there is exactly zero.
