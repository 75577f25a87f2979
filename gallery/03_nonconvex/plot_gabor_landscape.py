r"""
The Gabor loss landscape
========================

The loss of the Gabor model on the textbook's data is the lecture's picture
of a *non-convex* landscape: one global minimum, several local minima, and
saddle points between them. This example draws it in 2-D and 3-D, finds the
points of zero gradient in the lecture's box numerically, classifies each by
the eigenvalues of its Hessian, and maps the *basins of attraction*: which
minimum gradient descent ends in, for every starting point of a grid.
"""

# %%
# The landscape
# -------------
# The data are the textbook's 30 points (Prince, *Understanding Deep
# Learning*, 2023, notebook 6.3; :func:`descend.datasets.textbook_gabor`),
# drawn in
# :ref:`the previous example <sphx_glr_auto_examples_03_nonconvex_plot_gabor_model.py>`,
# the loss is :math:`L[\phi] = \sum_i (f[x_i, \phi] - y_i)^2` with the
# Gabor model (:math:`E = 32`), and the box is the lecture's,
# :math:`\phi_0 \in [-10, 10]`, :math:`\phi_1 \in [2.5, 22.5]`.
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap

import descend
from descend.datasets import textbook_gabor
from descend.landscapes import DataLoss
from descend.models import Gabor
from descend.plotting import CMAP, COLORS, contour, grid, path

x, y = textbook_gabor()
model = Gabor()
problem = DataLoss(model, x, y)
box = ((-10.0, 10.0), (2.5, 22.5))
print(f"far from the data f -> 0 and L -> sum of y_i^2 = {np.sum(y**2):.3f}")

fig = plt.figure(figsize=(12, 4.8))
ax2d = fig.add_subplot(1, 2, 1)
contour(ax2d, problem, box, levels=30)
ax2d.set_title(r"Contours of $L[\phi]$")
ax3d = fig.add_subplot(1, 2, 2, projection="3d")
P0, P1, L = grid(problem, box, n=81)
ax3d.plot_surface(P0, P1, L, cmap=CMAP, rcount=81, ccount=81, linewidth=0, antialiased=False)
ax3d.set(
    xlabel=r"$\phi_0$", ylabel=r"$\phi_1$", zlabel=r"$L[\phi]$", title="The same loss as a surface"
)
ax3d.set(xticks=[-10, -5, 0, 5, 10], yticks=[5, 10, 15, 20])
ax3d.view_init(elev=40, azim=-60)
fig.suptitle("The Gabor loss landscape on the textbook's data")
plt.show()

# %%
# Points of zero gradient
# -----------------------
# A stationary point solves :math:`\nabla L[\phi] = 0`. Newton's method on
# that equation,
#
# .. math::
#
#     \phi \leftarrow \phi - H[\phi]^{-1} \nabla L[\phi],
#
# converges quickly to whichever solution is near its start, whether it is a
# minimum, a saddle or a maximum, which is exactly what we want here. We
# start it from a 25 by 25 grid of points at once. For that the gradient
# must work on a whole stack of parameter vectors, so we write the model's
# derivative for arrays of :math:`\phi` (the same formula as in
# :class:`~descend.models.Gabor`) and check it against the library; the
# Hessian comes from central differences of this gradient.
E = model.envelope


def grad_many(phi):
    """Gradient of the loss for a stack of parameter vectors phi, shape (..., 2)."""
    z = phi[..., :1] + 0.06 * phi[..., 1:] * x  # pre-activations, shape (..., I)
    env = np.exp(-(z**2) / E)
    sin_z = np.sin(z)
    r = sin_z * env - y  # residuals f[x_i, phi] - y_i
    df_dz = env * (np.cos(z) - 2 * z * sin_z / E)
    return np.stack([np.sum(2 * r * df_dz, axis=-1), np.sum(2 * r * df_dz * 0.06 * x, axis=-1)], -1)


def hessian_many(phi, h=1e-5):
    """Hessians by central differences of grad_many, shape (..., 2, 2)."""
    H = np.stack(
        [(grad_many(phi + h * e) - grad_many(phi - h * e)) / (2 * h) for e in np.eye(2)], -1
    )
    return (H + np.swapaxes(H, -1, -2)) / 2


check = np.array([[0.0, 15.0], [-6.0, 12.0], [4.0, 5.0]])
print(
    "grad_many vs Gabor().grad, largest difference:",
    np.abs(grad_many(check) - np.array([problem.grad(p) for p in check])).max(),
)

# %%
# Newton's iteration for all 625 starts at once. Starts that wander out of
# the box (with a small margin) or hit a singular Hessian are dropped; the
# rest are kept if the gradient has vanished to rounding level, and
# duplicates (many starts find the same point) are merged.
(a0, b0), (a1, b1) = box


def in_box(phi, margin=0.0):
    return (
        (phi[..., 0] >= a0 - margin)
        & (phi[..., 0] <= b0 + margin)
        & (phi[..., 1] >= a1 - margin)
        & (phi[..., 1] <= b1 + margin)
    )


G0, G1 = np.meshgrid(np.linspace(a0, b0, 25), np.linspace(a1, b1, 25))
phi = np.column_stack([G0.ravel(), G1.ravel()])
alive = np.ones(len(phi), dtype=bool)
for _ in range(40):
    H, g = hessian_many(phi[alive]), grad_many(phi[alive])
    det = H[:, 0, 0] * H[:, 1, 1] - H[:, 0, 1] ** 2
    ok = np.abs(det) > 1e-12
    step = np.zeros_like(g)  # H^{-1} g for a 2 x 2 matrix, written out
    step[ok, 0] = (H[ok, 1, 1] * g[ok, 0] - H[ok, 0, 1] * g[ok, 1]) / det[ok]
    step[ok, 1] = (H[ok, 0, 0] * g[ok, 1] - H[ok, 0, 1] * g[ok, 0]) / det[ok]
    phi[alive] -= step
    alive[alive] = ok & in_box(phi[alive], margin=0.5)
found = phi[alive & in_box(phi) & (np.linalg.norm(grad_many(phi), axis=1) < 1e-8)]
stationary = []
for p in found:
    if all(np.linalg.norm(p - q) > 1e-4 for q in stationary):
        stationary.append(p)
stationary = np.array(stationary)
print(f"{len(found)} of {len(phi)} starts converged, to {len(stationary)} distinct points")

# %%
# Classifying them
# ----------------
# At a stationary point the Hessian decides the shape: both eigenvalues
# positive is a minimum, both negative a maximum, one of each a saddle.
eig = np.linalg.eigvalsh(hessian_many(stationary))
kind = np.where(eig[:, 0] > 0, "minimum", np.where(eig[:, 1] < 0, "maximum", "saddle"))
losses = np.array([problem.loss(p) for p in stationary])
rank = {"minimum": 0, "saddle": 1, "maximum": 2}
order = np.lexsort((losses, [rank[k] for k in kind]))  # by kind, then by loss
print(f"{'kind':8} {'phi0':>8} {'phi1':>8} {'L[phi]':>8} {'lambda_1':>9} {'lambda_2':>9}")
for i in order:
    print(
        f"{kind[i]:8} {stationary[i, 0]:8.3f} {stationary[i, 1]:8.3f} {losses[i]:8.4f} "
        f"{eig[i, 0]:9.3f} {eig[i, 1]:9.3f}"
    )
for k in ("minimum", "saddle", "maximum"):
    print(f"{k}: {np.sum(kind == k)}")

minima = stationary[kind == "minimum"]
minima = minima[np.argsort(losses[kind == "minimum"])]  # global minimum first
print(f"global minimum: phi = {np.round(minima[0], 4)}, L = {problem.loss(minima[0]):.4f}")

# %%
# On the contours: the lecture's "points of zero gradient". The global
# minimum, :math:`\phi \approx (0.004, 16.03)` with :math:`L \approx 0.646`,
# lies at the bottom of the long central valley; every other dip is a place
# where the Gabor curve lines up some of its bumps with the wrong bumps of
# the data.
marker = {
    "minimum": ("o", "white", "black"),
    "saddle": ("X", "tab:red", "white"),
    "maximum": ("^", "black", "white"),
}
fig, ax = plt.subplots(figsize=(7.5, 6))
contour(ax, problem, box, levels=30)
for k, (m, face, edge) in marker.items():
    pts = stationary[kind == k]
    ax.plot(
        pts[:, 0],
        pts[:, 1],
        m,
        color=face,
        markeredgecolor=edge,
        markersize=8,
        linestyle="none",
        label=f"{k} ({len(pts)})",
    )
ax.plot(
    *minima[0], "*", color="white", markeredgecolor="black", markersize=18, label="global minimum"
)
ax.set_title("Points of zero gradient, classified by the Hessian")
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=4)
plt.show()

# %%
# Basins of attraction
# --------------------
# Where gradient descent ends depends on where it starts. We run
# :class:`~descend.GradientDescent` from every point of a 25 by 25 grid at
# once: the optimizer does not care about the shape of :math:`\phi`, so a
# ``(625, 2)`` array is 625 independent runs, with ``grad_many`` as the
# gradient. The learning rate must be stable at every minimum, so it stays
# below the smallest :math:`2 / \lambda_{\max}` among them. Each run is then
# labelled by the minimum it ends within 0.3 of; runs that end elsewhere (at
# a minimum outside the box, or not yet settled) are left white.
lam_max = np.linalg.eigvalsh(hessian_many(minima))[:, 1]
lr = 0.1
print(f"smallest 2 / lambda_max over the minima: {np.min(2 / lam_max):.4f}; we use lr = {lr}")
opt = descend.GradientDescent(lr)
phi = np.column_stack([G0.ravel(), G1.ravel()])
state = opt.init(phi)
for _ in range(500):
    phi, state = opt.step(phi, grad_many, state)
dist = np.linalg.norm(phi[:, None, :] - minima[None, :, :], axis=-1)
basin = np.where(dist.min(axis=1) < 0.3, dist.argmin(axis=1), -1).reshape(G0.shape)
print(f"{'minimum':>18} {'L':>8} {'share of starts':>16}")
for i, m in enumerate(minima):
    print(f"({m[0]:7.3f}, {m[1]:6.3f}) {problem.loss(m):8.4f} {np.mean(basin == i):16.1%}")
outside = ~in_box(phi).reshape(G0.shape)
print(f"{f'the other {len(minima) - 2}':>18} {'':8} {np.mean(basin >= 2):16.1%}")
print(f"{'elsewhere':>18} {'':8} {np.mean(basin == -1):16.1%}")
print(f"   of which outside the box: {np.mean((basin == -1) & outside):.1%}")

# %%
# Each colour is one basin, each white marker the minimum it drains into,
# and the white lines are contours of the loss. The basin of the global
# minimum (the large star) holds only about a fifth of the starts (the table
# above): started anywhere else, gradient descent settles for a local
# minimum or leaves the box.
colors = plt.get_cmap("tab10" if len(minima) <= 10 else "tab20").colors[: len(minima)]
cmap = ListedColormap(["white", *colors])
fig, ax = plt.subplots(figsize=(7.5, 6))
step0, step1 = G0[0, 1] - G0[0, 0], G1[1, 0] - G1[0, 0]
ax.imshow(
    basin + 1,
    origin="lower",
    cmap=cmap,
    vmin=-0.5,
    vmax=len(minima) + 0.5,
    extent=(a0 - step0 / 2, b0 + step0 / 2, a1 - step1 / 2, b1 + step1 / 2),
    aspect="auto",
    interpolation="nearest",
)
P0, P1, L = grid(problem, box, n=121)
ax.contour(P0, P1, L, levels=20, colors="white", linewidths=0.6, alpha=0.8)
ax.plot(
    minima[1:, 0],
    minima[1:, 1],
    "o",
    color="white",
    markeredgecolor="black",
    markersize=9,
    linestyle="none",
)
ax.plot(*minima[0], "*", color="white", markeredgecolor="black", markersize=18)
ax.set(
    xlabel=r"$\phi_0$",
    ylabel=r"$\phi_1$",
    xlim=box[0],
    ylim=box[1],
    title=f"Basins of attraction of gradient descent ($\\alpha = {lr}$, 500 steps)",
)
ax.grid(False)
plt.show()

# %%
# Three runs
# ----------
# The lecture's three outcomes, from three starting points: one in the
# global minimum's basin, one in a neighbouring basin, and one placed 0.01
# above the saddle point near :math:`(-0.37, 5.83)`, the pass between the
# global minimum's valley and the poor local minimum near
# :math:`(-0.17, 4.88)`. There the gradient is almost zero. The third run
# needs many steps to leave the saddle, and on the way out it crosses a
# nearly flat shelf: for 200 steps its loss falls only from 10.365 to
# 10.239, about sixteen times the minimum's 0.646. Then it drops into the
# global minimum's valley, to 1.14 by step 300 and 0.651 by step 400. A flat
# loss curve is not always a minimum.
saddles = stationary[kind == "saddle"]
saddle = saddles[np.argmin(np.linalg.norm(saddles - [-0.4, 5.8], axis=1))]
print(f"the saddle: phi = {np.round(saddle, 3)}, L = {problem.loss(saddle):.4f}")
starts = {
    "to the global minimum": np.array([-2.0, 12.0]),
    "to a local minimum": np.array([-4.0, 16.0]),
    "from beside a saddle": saddle + np.array([0.0, 0.01]),
}
runs = {k: descend.fit(opt, problem, s, steps=400) for k, s in starts.items()}
for k, run in runs.items():
    print(
        f"{k:21}: {np.round(starts[k], 3)} -> {np.round(run.final_phi, 3)}, "
        f"L = {run.final_loss:.4f}"
    )
slow = runs["from beside a saddle"]
print("beside the saddle, L at steps 0, 100, 200, 300, 400:", np.round(slow.loss[::100], 3))
print(f"it first falls 1 below its start at step {np.argmax(slow.loss < slow.loss[0] - 1)}")

styles = dict(zip(runs, ("-", "--", ":"), strict=True))
dashes = dict(zip(runs, ((), (5, 2), (1, 1.5)), strict=True))
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.6))
contour(ax1, problem, box, levels=30)
for k, run in runs.items():
    path(ax1, run, optimizer=opt, markers=False, dashes=dashes[k], label=k)
ax1.plot(
    saddles[:, 0],
    saddles[:, 1],
    "X",
    color="tab:red",
    markeredgecolor="white",
    linestyle="none",
    label="saddles",
)
ax1.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2)
ax1.set_title("Three gradient-descent runs")
for k, run in runs.items():
    ax2.plot(run.loss, styles[k], color=COLORS["GradientDescent"], label=k)
ax2.set(xlabel="step $t$", ylabel=r"loss $L[\phi_t]$", title="Their losses")
ax2.legend()
plt.show()

# %%
# What to try
# -----------
# - Start Newton's method from a finer grid, 80 by 80: does it find any
#   stationary points that the 25 by 25 grid missed?
# - Redraw the basins with a larger learning rate, ``lr = 0.15``, just above
#   :math:`2 / \lambda_{\max}` of the minimum near :math:`(-0.17, 4.88)`:
#   runs that reach it no longer settle but bounce between two points on
#   either side of it. Or use ``descend.Momentum``: momentum carries runs
#   over small ridges, and the basins change shape.
# - Use the slide's envelope, ``model = Gabor(8.0)`` (``grad_many`` reads
#   :math:`E` from the model): how many stationary points does the box hold
#   then?
# - Replace Newton's method by gradient descent on :math:`|\nabla L|^2`.
#   Why does it find maxima and saddles too?
