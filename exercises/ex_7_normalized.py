r"""
Normalized gradients
====================

Write one step of the normalized-gradient rule, the first half of Adam: divide
each coordinate of the gradient by its own size, so that every parameter moves
by about :math:`\alpha`, however steep the loss is in its direction. A check
compares your function with :class:`descend.NormalizedGradient`; once it
passes, your function walks a badly scaled quadratic bowl, and the figure
shows the grid its :math:`\pm\alpha` moves confine it to.
"""

# %%
# The rule
# --------
# With :math:`g_t` the gradient at :math:`\phi_t`, a normalized-gradient step
# is
#
# .. math::
#
#    \phi_{t+1} = \phi_t - \alpha\, \frac{g_t}{\sqrt{g_t^2} + \epsilon},
#
# where the square, the square root and the division are taken coordinate by
# coordinate: :math:`\sqrt{g_{t,j}^2} = |g_{t,j}|` is the size of coordinate
# :math:`j` of the gradient, not the length of the whole vector. The small
# :math:`\epsilon > 0` keeps the division finite when a coordinate of the
# gradient is 0; it goes *outside* the square root. When
# :math:`|g_{t,j}| \gg \epsilon`, coordinate :math:`j` moves by almost exactly
# :math:`\alpha` against the sign of its slope.
import matplotlib.pyplot as plt
import numpy as np

import descend
from descend.exercises import check_normalized_step
from descend.landscapes import Quadratic
from descend.plotting import color_of, contour, path

# %%
# Your function
# -------------
# Write ``normalized_step(phi, g, alpha, eps)``: it gets the parameters
# :math:`\phi_t` and the gradient :math:`g_t` (NumPy arrays of the same shape),
# :math:`\alpha` and :math:`\epsilon`, and returns :math:`\phi_{t+1}`. Use
# NumPy's elementwise operations (``np.sqrt``, ``**``, ``/``), so that it works
# for arrays of any shape.


def normalized_step(phi, g, alpha, eps):
    """Return phi after one normalized-gradient step: phi - alpha g / (sqrt(g^2) + eps)."""
    # BEGIN SOLUTION (TODO: divide g by sqrt of g**2 plus eps, elementwise, and step phi)
    return phi - alpha * g / (np.sqrt(g**2) + eps)
    # END SOLUTION


# %%
# Check it
# --------
# The check runs your function on the gradient of the textbook's Gabor model
# (:func:`descend.datasets.textbook_gabor`) and on the cases where the usual
# mistakes show: tiny gradients of :math:`10^{-10}`, where it matters whether
# :math:`\epsilon` is inside or outside the root, and a gradient whose
# coordinates differ in size, where dividing by the length of the whole
# vector is not the same as dividing each coordinate by its own size. It
# prints what it found and, for a usual mistake, a hint.
result = check_normalized_step(normalized_step)

# %%
# Your path on a badly scaled bowl
# --------------------------------
# The bowl :math:`L[\phi] = \tfrac12 (\phi_0^2 + 50\,\phi_1^2)`
# (:class:`descend.landscapes.Quadratic` with ``a=1``, ``b=50``) is 50 times
# more curved across :math:`\phi_1` than along :math:`\phi_0`, so gradient
# descent must keep :math:`\alpha < 2/50` and then crawls along
# :math:`\phi_0`. Your function takes 40 steps of :math:`\alpha = 0.15` from
# :math:`(-1.7, 1.3)`; we print its first twelve moves
# :math:`\phi_{t+1} - \phi_t`, divided by :math:`\alpha`.
problem = Quadratic(a=1.0, b=50.0)
start, alpha, eps, steps = np.array([-1.7, 1.3]), 0.15, 1e-8, 40
if result.passed:
    phi = start.copy()
    phis = [phi]
    for _ in range(steps):
        phi = normalized_step(phi, problem.grad(phi), alpha, eps)
        phis.append(phi)
    phis = np.array(phis)
    moves = np.diff(phis[:13], axis=0) / alpha
    with np.printoptions(precision=4, suppress=True):
        print("moves of phi_0 / alpha:", moves[:, 0])
        print("moves of phi_1 / alpha:", moves[:, 1])
        print("last four iterates:\n", phis[-4:])
else:
    print("Finish normalized_step above to see its path.")

# %%
# Every move is :math:`\pm\alpha` in each coordinate (up to a relative
# :math:`\epsilon / |g_j|`), so every iterate lies on the grid
# :math:`\phi_{\rm start} + \alpha k`, :math:`k \in \mathbb{Z}^2` (the dots
# below). Each coordinate marches straight to its minimum at 0, whatever its
# slope: :math:`\phi_1` passes 0 at the ninth move and from then on flips
# back and forth; :math:`\phi_0`, farther away, passes it at the twelfth.
# Since 0 is not on the grid, the last iterates alternate between two grid
# points around the minimum. On the right, the loss along your path next to
# gradient descent (:class:`descend.GradientDescent`) with
# :math:`\alpha = 0.03`, a step that is stable across the steep direction.
if result.passed:
    gd = descend.fit(descend.GradientDescent(lr=0.03), problem, start, steps=steps)
    losses = [problem.loss(p) for p in phis]
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.6))
    contour(axes[0], problem, problem.bounds, levels=25)
    k = np.arange(-30, 31)
    grid0, grid1 = np.meshgrid(start[0] + alpha * k, start[1] + alpha * k)
    inside = (np.abs(grid0) <= 2) & (np.abs(grid1) <= 2)
    axes[0].plot(grid0[inside], grid1[inside], ".", color="white", markersize=2, alpha=0.6)
    path(axes[0], phis, optimizer="NormalizedGradient", label="your normalized_step")
    path(axes[0], gd, optimizer=descend.GradientDescent(0.03), label="gradient descent")
    axes[0].set(aspect="equal", title=f"{steps} steps from (-1.7, 1.3); dots: the grid")
    axes[0].legend(loc="lower right", frameon=True)
    axes[1].semilogy(losses, color=color_of("NormalizedGradient"), label="your normalized_step")
    axes[1].semilogy(gd.loss, color=color_of("GradientDescent"), label="gradient descent")
    axes[1].set(xlabel="step $t$", ylabel=r"loss $L[\phi_t]$", title="Loss per step")
    axes[1].legend()
    fig.suptitle(r"Normalized gradients, $\alpha$ = 0.15, on $\frac{1}{2}(\phi_0^2 + 50\phi_1^2)$")
    plt.show()
    bounce = max(losses[-2:])
    print(f"your last two losses: {losses[-2]:.4f}, {losses[-1]:.4f}")
    print(f"gradient descent: loss {gd.final_loss:.4f} after {steps} steps, first below "
          f"{bounce:.4f} at step {np.argmax(gd.loss < bounce)}")  # fmt: skip

# %%
# Your path reaches the bottom of the bowl in about ten steps and then stops
# improving: with moves of fixed size it cannot settle closer than the grid
# allows, and its loss alternates between the two values printed above.
# Gradient descent first drops fast across the steep direction, then crawls
# along :math:`\phi_0` with steps that shrink with the gradient; it passes
# the higher of your two losses at step 29 and keeps going down. Adam keeps
# the normalization but averages over steps, which lets its steps shrink
# near the minimum (next exercise).
#
# What to try
# -----------
# - ``alpha = 0.05``: a finer grid and a smaller final bounce, but more steps
#   to get there.
# - ``Quadratic(a=1.0, b=50.0, angle=np.pi / 4)``: the valley no longer lines
#   up with the coordinates. Do the moves still lie on a grid?
# - Replace ``np.sqrt(g**2)`` by the length of the whole vector,
#   ``np.linalg.norm(g)``, and run the check: it names the mistake. That rule
#   is ``descend.NormalizedGradient(lr, norm="global")``, a different method;
#   the gallery's
#   :ref:`sphx_glr_auto_examples_06_adaptive_plot_normalized_gradients.py`
#   runs both.
