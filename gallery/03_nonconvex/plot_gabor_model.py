r"""
The Gabor model
===============

The loss of linear regression is a convex bowl. To see what gradient
descent does on a loss that is *not* convex, while still drawing it in two
dimensions, the lecture uses a model with two parameters that enter
non-linearly, the Gabor function

.. math::

    f[x, \phi] = \sin(a) \exp\!\left(-\frac{a^2}{E}\right),
    \qquad a = \phi_0 + 0.06\, \phi_1 x,

a sinusoid under a Gaussian envelope (:class:`descend.models.Gabor`). This
example shows what each parameter does to the curve, compares the slide's
envelope :math:`E = 8` with the :math:`E = 32` of the lecture's plots, and
draws the toy data set the next example fits.
"""

# %%
# What the parameters do
# ----------------------
# Both parameters act only through :math:`a = \phi_0 + 0.06 \phi_1 x`, so
# the whole curve, sinusoid *and* envelope, is one fixed shape
# :math:`g(a) = \sin(a) e^{-a^2/E}` seen through a linear change of
# variable. The centre :math:`a = 0` sits at
# :math:`x = -\phi_0 / (0.06 \phi_1)`: increasing :math:`\phi_0` slides the
# curve to the left. The period of the sinusoid,
# :math:`2\pi / (0.06 \phi_1)`, and the width of the envelope,
# :math:`\sqrt{E} / (0.06 \phi_1)`, are both proportional to
# :math:`1 / \phi_1`: increasing :math:`\phi_1` squeezes the curve towards
# its centre, and a negative :math:`\phi_1` mirrors it. The dashed lines are
# the envelope :math:`\pm e^{-a^2/E}`.
import matplotlib.pyplot as plt
import numpy as np

from descend.models import Gabor, gabor_data

model = Gabor()  # E = 32, the envelope of the lecture's plots
E = model.envelope
x = np.linspace(-15, 15, 1001)


def envelope(phi, x, E):
    """The Gaussian envelope exp(-a^2 / E) of the Gabor model."""
    a = phi[0] + 0.06 * phi[1] * x
    return np.exp(-(a**2) / E)


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
draw(ax1, [(-5, 15), (0, 15), (5, 15)], lambda p: rf"$\phi_0 = {p[0]:g}$")
ax1.set_title(r"$\phi_0$ shifts ($\phi_1 = 15$)")
draw(ax2, [(0, 7.5), (0, 15), (0, 30)], lambda p: rf"$\phi_1 = {p[1]:g}$")
ax2.set_title(r"$\phi_1$ stretches and squeezes ($\phi_0 = 0$)")
ax2.set_ylabel("")
fig.suptitle(rf"The Gabor model $f[x, \phi]$, envelope $E = {E:g}$ (dashed: $\pm e^{{-a^2/E}}$)")
plt.show()

# %%
# The slide's envelope and the plots' envelope
# --------------------------------------------
# The slide prints the formula with :math:`E = 8.0`, but the lecture's plots
# (and the Understanding Deep Learning notebooks that draw them) use
# :math:`E = 32`; :class:`~descend.models.Gabor` defaults to 32 and
# ``Gabor(8.0)`` gives the slide's version. A smaller :math:`E` narrows the
# envelope by a factor :math:`\sqrt{32 / 8} = 2`: with :math:`E = 8` few
# oscillations survive, with :math:`E = 32` several do, and each of them
# can be matched to the wrong bump of the data, which is what makes the loss
# landscape of the next example so bumpy.
fig, axes = plt.subplots(1, 2, figsize=(11, 3.8), sharey=True)
phi = np.array([0.0, 15.0])
for ax, E_ in zip(axes, (8.0, 32.0), strict=True):
    ax.plot(x, Gabor(E_).predict(phi, x), color="black", label=r"$f[x, \phi]$")
    env = envelope(phi, x, E_)
    ax.fill_between(x, -env, env, color="tab:purple", alpha=0.15, label=r"$\pm e^{-a^2/E}$")
    ax.set(xlabel="input $x$", title=rf"$E = {E_:g}$" + (" (slide)" if E_ == 8 else " (plots)"))
    ax.legend(loc="lower left", fontsize="small")
axes[0].set_ylabel(r"$f[x, \phi]$")
fig.suptitle(r"Two envelopes, same parameters $\phi = (0, 15)$")
plt.show()

# %%
# The toy data set
# ----------------
# Thirty points :math:`x_i \sim \mathcal{U}(-15, 15)` with
# :math:`y_i = f[x_i, \phi_{\text{true}}] + \sigma \epsilon_i`, drawn by
# :func:`descend.models.gabor_data` from a seeded generator, with
# :math:`\phi_{\text{true}} = (0, 15)`, :math:`\sigma = 0.1` and
# :math:`E = 32`. At the true parameters the residuals are pure noise, so the
# loss there is close to its expected value :math:`I \sigma^2 = 0.3`; the
# minimum of the loss is slightly lower, because the fit also absorbs some of
# the noise.
phi_true, sigma = np.array([0.0, 15.0]), 0.1
x_data, y_data = gabor_data(n=30, seed=0, phi=tuple(phi_true), noise=sigma)
print(f"{len(x_data)} examples, x in [{x_data.min():.2f}, {x_data.max():.2f}]")
print(f"loss at the true parameters L[phi_true] = {model.loss(phi_true, x_data, y_data):.4f}")
print(f"expected value I sigma^2 = {len(x_data) * sigma**2:.4f}")

fig, ax = plt.subplots(figsize=(8, 4))
ax.plot(x, model.predict(phi_true, x), color="black", label=r"true curve $\phi = (0, 15)$")
ax.plot(x_data, y_data, "o", color="lightgrey", markeredgecolor="black", label="data $(x_i, y_i)$")
ax.set(xlabel="input $x$", ylabel="output $y$", title="The toy data set (30 points, seed 0)")
ax.legend(loc="lower left")
plt.show()

# %%
# What to try
# -----------
# - Draw ``phi = (0, -15)`` next to ``(0, 15)``: because :math:`g(a)` is
#   odd, negating both parameters negates the curve,
#   :math:`f[x, -\phi] = -f[x, \phi]`. What does that mean for the fit of
#   the data, and for the loss landscape?
# - Redraw the data with ``gabor_data(noise=0.0)`` and check that the loss
#   at ``phi_true`` is exactly zero.
# - Fit the data with ``Gabor(8.0)`` instead of ``Gabor()``: is
#   :math:`\phi_{\text{true}}` still a good fit?
