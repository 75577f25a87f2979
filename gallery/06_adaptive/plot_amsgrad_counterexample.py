"""
Counterexamples exist: Adam versus AMSGrad
==========================================

The lecture's verdict on Adam is "counterexamples exist, but generally good
enough in practice". Here is the best-known counterexample, from Reddi, Kale
and Kumar (2018, Section 3): a one-dimensional convex problem on which Adam,
with a decaying learning rate, converges to the *worst* point, and the fix
they proposed, AMSGrad, which converges to the best one.
"""

# %%
# The problem
# -----------
# An online problem: at every step :math:`t = 0, 1, 2, \dots` the optimizer
# plays a point :math:`\phi_t \in [-1, 1]` and is then charged a linear loss
#
# .. math::
#
#    L_t(\phi) = \begin{cases} C \phi & t \bmod 3 = 0, \\ -\phi & \text{otherwise,} \end{cases}
#    \qquad C > 2.
#
# Over each period of three steps the total loss is :math:`(C - 2) \phi`, so the
# best fixed point is :math:`\phi = -1`. The gradient is :math:`+C` once per
# period and :math:`-1` twice. The rare large gradient points uphill, towards
# :math:`+1`, so its step :math:`-\alpha_t C / \ldots` moves :math:`\phi` down
# towards the best point :math:`-1`; the two frequent small gradients point
# towards :math:`-1`, so their steps move :math:`\phi` up, the wrong way. After
# every step the iterate is projected back onto :math:`[-1, 1]` (clipped).
# Following Theorem 1 of the paper we take :math:`C = 3`, no momentum
# (:math:`\beta_1 = 0`), :math:`\beta_2 = 1 / (1 + C^2)` and the decaying
# learning rate :math:`\alpha_t = \alpha / \sqrt{t + 1}` with
# :math:`\alpha < \sqrt{1 - \beta_2}`. (The paper counts steps from
# :math:`t = 1`, so its :math:`L_t` has :math:`C \phi` for :math:`t \bmod 3 = 1`
# and its step size is :math:`\alpha / \sqrt{t}`: the same sequences.)
import dataclasses

import matplotlib.pyplot as plt
import numpy as np

import descend
from descend.plotting import color_of

C = 3.0
betas = (0.0, 1 / (1 + C**2))
alpha, T = 0.5, 5000


def gradient(t):
    """The gradient of L_t at step t = 0, 1, ...; it does not depend on phi."""
    return np.array([C if t % 3 == 0 else -1.0])


# %%
# No schedule in :mod:`descend.schedules` decays like :math:`1/\sqrt{t + 1}`,
# but any callable ``t -> lr`` is a schedule; the library calls it with the
# step :math:`t = 0, 1, \dots`:


@dataclasses.dataclass(frozen=True)
class InverseSqrtLR:
    """The learning rate lr / sqrt(t + 1) at step t = 0, 1, ..."""

    lr: float

    def __call__(self, t):
        return self.lr / np.sqrt(t + 1)


def play(opt, x0=0.0):
    """Run ``opt`` on the online problem with projection; return x_0, ..., x_T."""
    x = np.array([x0])
    state = opt.init(x)
    xs = [x0]
    for t in range(T):
        x, state = opt.step(x, gradient(t), state)
        x = np.clip(x, -1.0, 1.0)  # projection onto the feasible set [-1, 1]
        xs.append(float(x[0]))
    return np.array(xs)


adam = descend.Adam(lr=InverseSqrtLR(alpha), betas=betas)
amsgrad = descend.Adam(lr=InverseSqrtLR(alpha), betas=betas, amsgrad=True)
runs = {"Adam": (adam, play(adam)), "AMSGrad": (amsgrad, play(amsgrad))}
for name, (_, xs) in runs.items():
    print(f"{name:>7}: x after {T} steps = {xs[-1]:+.4f}")

# %%
# Regret
# ------
# Online learning measures the *regret*: the loss the player collected minus
# the loss of the best fixed point in hindsight,
#
# .. math::
#
#    R_T = \sum_{t=0}^{T-1} L_t(\phi_t) - \min_{\phi \in [-1, 1]} \sum_{t=0}^{T-1} L_t(\phi).
#
# An algorithm that learns has :math:`R_T / T \to 0`. Sitting at
# :math:`\phi = +1` instead of :math:`-1` costs :math:`2(C - 2)` per period of
# three steps, so :math:`R_T / T \to 2(C - 2)/3`.
t = np.arange(T)
g = np.array([gradient(k)[0] for k in t])


def average_regret(xs):
    """R_T / T for T = 1, ..., len(xs) - 1 (the losses are linear: L_t(phi) = g_t phi)."""
    played = np.cumsum(g * xs[:-1])
    best_fixed = -np.abs(np.cumsum(g))  # min over x in [-1, 1] of x * sum(g)
    return (played - best_fixed) / (t + 1)


fig, axes = plt.subplots(1, 2, figsize=(11, 4))
for name, (opt, xs) in runs.items():
    axes[0].semilogx(np.arange(1, T + 2), xs, color=color_of(opt), label=name)
    axes[1].semilogx(t + 1, average_regret(xs), color=color_of(opt), label=name)
axes[0].axhline(-1, color="grey", linestyle=":", label=r"best point $\phi = -1$")
axes[0].set(xlabel="$t + 1$", ylabel=r"$\phi_t$", title="The iterate", ylim=(-1.1, 1.1))
axes[1].axhline(2 * (C - 2) / 3, color="grey", linestyle="--", label=r"always playing $\phi = +1$")
axes[1].set(xlabel="$T$", ylabel="$R_T / T$", title="Average regret")
for ax in axes:
    ax.legend()
fig.suptitle(rf"$L_t(\phi) = C\phi$ or $-\phi$, $C$ = {C:g}, $\beta_1$ = 0, "
             rf"$\beta_2$ = 1/(1 + $C^2$), $\alpha_t = {alpha:g}/\sqrt{{t + 1}}$")  # fmt: skip
plt.show()
for name, (_, xs) in runs.items():
    print(f"{name:>7}: R_T / T at T = {T}: {average_regret(xs)[-1]:.3f}")
print(f"limit for x = +1: 2(C - 2)/3 = {2 * (C - 2) / 3:.3f}")

# %%
# Why Adam gets it wrong
# ----------------------
# Look at one period late in the run. With :math:`\beta_1 = 0` the step is
# :math:`-\alpha_t g_t / \sqrt{\hat v_{t+1}}`, and :math:`\beta_2` is small,
# so :math:`v` forgets the large gradient within a step or two. Adam's step on
# the large gradient :math:`C` is about :math:`\alpha_t` downwards, but the
# two small gradients :math:`-1` are divided by a :math:`\sqrt{v}` that has
# already shrunk, so each of them also moves almost :math:`\alpha_t`, upwards:
# net drift towards :math:`+1`. AMSGrad divides by the *largest* :math:`v` so
# far, which remembers the size of :math:`C`: the two small gradients now
# make small steps, and the drift is towards :math:`-1`. We replay a period
# from a point inside the interval, so the clipping does not hide the steps.
start = 3 * 300  # t = 900, 901, 902: gradients C, -1, -1
for name, (opt, _) in runs.items():
    x = np.array([0.0])
    state = opt.init(x)
    for k in range(start):
        _, state = opt.step(x, gradient(k), state)  # warm up the state only
    steps = []
    for k in range(start, start + 3):
        new_x, state = opt.step(x, gradient(k), state)
        steps.append(float(new_x[0] - x[0]))
        x = new_x
    lr = opt.lr_at(start)
    print(f"{name:>7}: steps / alpha_t for gradients C, -1, -1: "
          f"{', '.join(f'{s / lr:+.2f}' for s in steps)}; net {sum(steps) / lr:+.2f}")  # fmt: skip

# %%
# AMSGrad's fix costs one more buffer (``state["v_max"]``) and makes the
# effective learning rate :math:`\alpha_t / \sqrt{\hat v_{t+1}}` non-increasing
# (exactly so in the paper's form, which has no bias correction), which is
# what the convergence proof needs. A failing problem has to be built for the
# given :math:`\beta_1, \beta_2`, though, and Adam with the defaults works
# well on most deep-learning problems, which is the lecture's point:
# counterexamples exist, but it is generally good enough.
#
# What to try
# -----------
# - PyTorch's defaults, ``betas=(0.9, 0.999)`` (or ``(0.9, 0.99)``): with
#   :math:`C = 3` Adam now finds :math:`-1` too, as :math:`v` remembers the
#   large gradient for long enough. Theorem 2 of the paper builds a failing
#   problem for any :math:`\beta_1 < \sqrt{\beta_2}`, with a rarer, larger
#   gradient.
# - ``descend.GradientDescent(lr=InverseSqrtLR(alpha))``: plain projected
#   gradient descent sums the gradients as they are and converges to
#   :math:`-1`.
# - ``C = 2.5``: the right answer is still :math:`-1`, but barely; how do the
#   two optimizers fare?
