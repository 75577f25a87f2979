r"""
Adam: one step of the rule
==========================

Adam is normalized gradients with momentum: it divides a running average of
the gradient by the square root of a running average of its square,
coordinate by coordinate, after correcting both averages for their start at
zero. In this exercise you write one Adam step, check it against
:class:`descend.Adam`, and then run your function in a loop on the
textbook's Gabor data, next to gradient descent: the paths over the loss
contours and the loss per step.
"""

# %%
# The rule, and how its steps are counted
# ---------------------------------------
# The chapter counts the steps from :math:`t = 0`: step :math:`t` takes the
# gradient :math:`g_t` at :math:`\phi_t`, with :math:`m_0 = v_0 = 0`, and
# computes
#
# .. math::
#
#    m_{t+1} &= \beta_1 m_t + (1 - \beta_1)\, g_t, \qquad
#    v_{t+1} = \beta_2 v_t + (1 - \beta_2)\, g_t^2, \\
#    \hat m_{t+1} &= \frac{m_{t+1}}{1 - \beta_1^{t+1}}, \qquad
#    \hat v_{t+1} = \frac{v_{t+1}}{1 - \beta_2^{t+1}}, \qquad
#    \phi_{t+1} = \phi_t - \alpha\, \frac{\hat m_{t+1}}{\sqrt{\hat v_{t+1}} + \epsilon},
#
# with square, root and division taken coordinate by coordinate and
# :math:`\epsilon` outside the root.
#
# **The function you write counts differently.** Its argument ``t`` is the
# number of steps taken *including this one*, as in Kingma and Ba's paper and
# in PyTorch: ``t = 1`` on the first step, ``t = 2`` on the second, and so on.
# So ``t`` is the chapter's :math:`t + 1`, and the bias corrections in your
# function are :math:`1 - \beta_1^{t}` and :math:`1 - \beta_2^{t}`, with
# ``t`` as given. It is the same rule; only the label of the step differs.
# In the function's terms one step is
#
# .. math::
#
#    m &\leftarrow \beta_1 m + (1 - \beta_1)\, g, \qquad
#    v \leftarrow \beta_2 v + (1 - \beta_2)\, g^2, \\
#    \hat m &= \frac{m}{1 - \beta_1^{t}}, \qquad
#    \hat v = \frac{v}{1 - \beta_2^{t}}, \qquad
#    \phi \leftarrow \phi - \alpha\, \frac{\hat m}{\sqrt{\hat v} + \epsilon}.
import matplotlib.pyplot as plt
import numpy as np

import descend
from descend.datasets import textbook_gabor
from descend.exercises import check_adam_step
from descend.landscapes import DataLoss, hessian
from descend.models import Gabor
from descend.plotting import color_of, contour, path

# %%
# Your function
# -------------
# Write ``adam_step(phi, m, v, g, t, alpha, beta1, beta2, eps)``: it gets the
# parameters, the two moving averages :math:`m` and :math:`v` and the gradient
# :math:`g` (NumPy arrays of the same shape), the step number ``t`` (1 on the
# first step) and the hyperparameters, and returns the triple
# ``(phi, m, v)`` after the step. Return the moving averages :math:`m` and
# :math:`v` themselves, not :math:`\hat m` and :math:`\hat v`: the next step
# averages into them and corrects them afresh.


def adam_step(phi, m, v, g, t, alpha, beta1, beta2, eps):
    """Return (phi, m, v) after Adam's step number t (t = 1 on the first step)."""
    # BEGIN SOLUTION (TODO: update m and v, divide them by 1 - beta**t, then step phi)
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return phi - alpha * m_hat / (np.sqrt(v_hat) + eps), m, v
    # END SOLUTION


# %%
# Check it
# --------
# The check compares your step with one step of :class:`descend.Adam` on the
# textbook's Gabor data (the fifth step of a run), at ``t = 1``, where the bias
# correction matters most, with tiny gradients and second moments
# (:math:`10^{-10}` and :math:`10^{-20}`), where it matters whether
# :math:`\epsilon` is inside the root, at ``t = 1000``, and on coordinates of
# very different sizes with other hyperparameters. For a usual mistake it
# adds a hint.
result = check_adam_step(adam_step)

# %%
# Your Adam on the textbook's Gabor data
# --------------------------------------
# The Gabor model :math:`f[x, \phi] = \sin(\phi_0 + 0.06 \phi_1 x)
# \exp(-(\phi_0 + 0.06 \phi_1 x)^2 / 32)`, fitted to the textbook's 30 points
# (:func:`descend.datasets.textbook_gabor`) by the sum of squares, from the
# start :math:`(-1.5, 6.5)` of the textbook's momentum notebook. Every step
# uses the gradient on all 30 points. Your function runs 100 steps with
# :math:`\alpha = 0.2`, :math:`\beta_1 = 0.9`, :math:`\beta_2 = 0.999`,
# :math:`\epsilon = 10^{-8}`, called with ``t = 1, 2, ..., 100``. Gradient
# descent, :math:`\phi_{t+1} = \phi_t - \alpha g_t`, takes 100 steps of
# :math:`\alpha = 0.15` (:class:`descend.GradientDescent`), close to the
# largest step that can settle at the best fit, :math:`2/\lambda_{\max}`
# with :math:`\lambda_{\max}` the largest curvature there (printed below).
x, y = textbook_gabor()
problem = DataLoss(Gabor(32.0), x, y)
start, steps = np.array([-1.5, 6.5]), 100
alpha, beta1, beta2, eps = 0.2, 0.9, 0.999, 1e-8

if result.passed:
    phi, m, v = start.copy(), np.zeros(2), np.zeros(2)
    phis = [phi]
    for t in range(1, steps + 1):  # t = 1 on the first step
        phi, m, v = adam_step(phi, m, v, problem.grad(phi), t, alpha, beta1, beta2, eps)
        phis.append(phi)
    phis = np.array(phis)
    adam_loss = np.array([problem.loss(p) for p in phis])
    library = descend.fit(descend.Adam(lr=alpha), problem, start, steps=steps)
    print("Same path as descend.Adam:", np.allclose(phis, library.phi))

    gd = descend.fit(descend.GradientDescent(lr=0.15), problem, start, steps=steps)
    lam_max = np.linalg.eigvalsh(hessian(problem, phis[-1])).max()
    print(f"largest curvature at your final phi: {lam_max:.2f}, 2 / it = {2 / lam_max:.3f}")
    for name, losses in [("your Adam", adam_loss), ("gradient descent", gd.loss)]:
        below = np.flatnonzero(losses < 1.0)
        when = f"first below 1 at step {below[0]}" if below.size else "never below 1"
        print(f"{name:16s}: loss {losses[10]:.2f} at step 10, {losses[-1]:.4f} at step "
              f"{steps}, {when}")  # fmt: skip
else:
    print("Finish adam_step above to see its path.")

# %%
# Within a few steps both paths fall from the start into a long valley, at
# a loss of about 10, whose floor slopes only gently along :math:`\phi_1`
# towards the best fit. There the gradient is small, so gradient descent's
# steps are small too: it crawls along the valley for almost all of its 100
# steps and ends at a loss of 5.85, never below 1. Adam divides each
# coordinate by the size of its own recent gradients, so :math:`\phi_1`
# moves by about :math:`\alpha` per step however flat the floor is: your
# path is below a loss of 1 at step 43 and ends at 0.647, at the bottom of
# the best fit's valley (the star). Near the minimum the gradients change
# sign, their average :math:`m` shrinks while :math:`v` does not, and Adam's
# steps shrink.
if result.passed:
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.6))
    contour(axes[0], problem, ((-2.5, 1.5), (4.0, 19.0)), levels=30)
    path(axes[0], phis, optimizer="Adam", label=f"your Adam, $\\alpha$ = {alpha}")
    path(axes[0], gd, optimizer="GradientDescent", color="white",
         label="gradient descent, $\\alpha$ = 0.15")  # fmt: skip
    axes[0].legend(loc="lower left", frameon=True, facecolor="0.2", labelcolor="white")
    axes[0].set_title(f"{steps} steps from $(-1.5, 6.5)$")
    axes[1].semilogy(adam_loss, color=color_of("Adam"), label="your Adam")
    axes[1].semilogy(gd.loss, color=color_of("GradientDescent"), label="gradient descent")
    axes[1].set(xlabel="step $t$", ylabel=r"loss $L[\phi_t]$", title="Loss per step")
    axes[1].legend()
    fig.suptitle("Adam and gradient descent on the textbook's Gabor data (sum of squares)")
    plt.show()

# %%
# What to try
# -----------
# - Call your function with ``t`` counted from 0 (``range(steps)``): the
#   first step divides by :math:`1 - \beta^0 = 0`. With ``t + 1`` in the
#   corrections instead, the check names the mistake.
# - Leave out the bias correction (:math:`\hat m = m`, :math:`\hat v = v`)
#   and rerun the path: with :math:`\beta_1 = 0.9` and :math:`\beta_2 = 0.999`
#   the first step is :math:`(1 - \beta_1) / \sqrt{1 - \beta_2} = \sqrt{10}
#   \approx 3.2` times as long as with the correction, and the next ones
#   longer still (the gallery's
#   :ref:`sphx_glr_auto_examples_06_adaptive_plot_adam.py` takes the
#   correction apart).
# - :math:`\beta_1 = 0`: no momentum, only the averaged :math:`v`. And
#   :math:`\beta_1 = \beta_2 = 0`: the normalized gradients of the previous
#   exercise.
