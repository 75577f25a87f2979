"""
Why Adam helps: gradients of very different sizes
=================================================

In a network the gradient with respect to the first layer's weights can be
orders of magnitude smaller (or larger) than with respect to the last
layer's: backpropagation multiplies by one factor per layer. Gradient
descent moves each parameter by :math:`\\alpha` times its gradient, so one
learning rate is too small for some layers and too large for others. Adam
divides each coordinate by a running estimate of its own gradient size, so
every parameter moves at a rate set by :math:`\\alpha`, not by the size of
its gradient. This example builds a small
NumPy network with a hand-written (and checked) backward pass, trains it with
SGD and with Adam, and measures the steps each layer takes.
"""

# %%
# A small network, all parameters in one array
# --------------------------------------------
# The optimizers of ``descend`` update one flat array :math:`\phi`, so the
# network keeps all its weights and biases in one vector and reads them
# through named views (reshaped slices that share its memory), which is what
# :class:`descend.FlatParams` provides: one optimizer step then updates every
# layer at once. Three hidden
# layers of 8 logistic sigmoid units, one input and one output: with the
# weight matrix :math:`W_k` and the bias vector :math:`\mathrm{bias}_k` of
# layer :math:`k`, its pre-activation :math:`z_k` is
#
# .. math::
#
#    z_1 = W_1 x + \mathrm{bias}_1, \qquad
#    z_k = W_k \operatorname{sig}[z_{k-1}] + \mathrm{bias}_k \ (k = 2, 3, 4), \qquad
#    f[x, \phi] = z_4,
#
# fitted to the textbook's 30 Gabor points
# (:func:`descend.datasets.textbook_gabor`, the data of the lecture's Gabor
# figures; the network replaces the two-parameter Gabor model, and its inputs
# are rescaled from :math:`[-15, 15]` to :math:`[-1, 1]`) by the mean squared
# error :math:`L[\phi] = \frac{1}{I} \sum_i (f[x_i, \phi] - y_i)^2`.
import matplotlib.pyplot as plt
import numpy as np

import descend
from descend.datasets import textbook_gabor
from descend.models import sigmoid
from descend.plotting import color_of

widths = [1, 8, 8, 8, 1]
act = sigmoid  # the hidden units' nonlinearity, sig(z)


def act_grad(h):
    """The derivative sig'(z), written with the activation h = sig(z)."""
    return h * (1 - h)


n_layers = len(widths) - 1
shapes = {}
for k in range(1, n_layers + 1):
    shapes[f"W{k}"] = (widths[k], widths[k - 1])
    shapes[f"b{k}"] = (widths[k],)
layout = descend.FlatParams(shapes)  # zeros, in one flat buffer
views = layout.views  # views(phi)["W1"] is W1 inside any flat array like phi


x_raw, y = textbook_gabor()
x = x_raw / 15
rng = np.random.default_rng(0)
phi0 = layout.flat
for k, (n_out, n_in) in enumerate(zip(widths[1:], widths[:-1], strict=True), start=1):
    views(phi0)[f"W{k}"][...] = rng.standard_normal((n_out, n_in)) / np.sqrt(n_in)
print(f"{len(phi0)} parameters:", {name: shape for name, shape in shapes.items()})

# %%
# Forward and backward
# --------------------
# The backward pass is the chain rule run from the output back to the input.
# With the derivatives :math:`\partial L / \partial z_k` with respect to the
# pre-activations of one example,
#
# .. math::
#
#    \frac{\partial L}{\partial W_k}
#    = \sum_i \frac{\partial L}{\partial z_k} \operatorname{sig}[z_{k-1}]^\top, \qquad
#    \frac{\partial L}{\partial\, \mathrm{bias}_k} = \sum_i \frac{\partial L}{\partial z_k}, \qquad
#    \frac{\partial L}{\partial z_{k-1}}
#    = \operatorname{sig}'[z_{k-1}] \odot W_k^\top \frac{\partial L}{\partial z_k},
#
# with :math:`x` in place of :math:`\operatorname{sig}[z_0]` for the first
# layer, starting from
# :math:`\partial L / \partial z_4 = 2 (f[x_i, \phi] - y_i) / I`. The last
# formula is why gradients change size with depth: every layer multiplies
# by :math:`W_k^\top` and by
# :math:`\operatorname{sig}'[z] = \operatorname{sig}[z](1 - \operatorname{sig}[z])`,
# which is never more than :math:`1/4`.


def forward(phi, x):
    """Activations h[0] = x, h[1], ..., h[n_layers] = f[x, phi], one row per example."""
    p = views(phi)
    h = [x[:, None]]
    for k in range(1, n_layers + 1):
        z = h[-1] @ p[f"W{k}"].T + p[f"b{k}"]
        h.append(act(z) if k < n_layers else z)
    return h


def loss_and_grad(phi, x, y):
    """Mean squared error of the network and its gradient (a flat array like ``phi``)."""
    p, h = views(phi), forward(phi, x)
    residual = h[-1][:, 0] - y
    grad = np.zeros_like(phi)
    g = views(grad)
    delta = (2 * residual / len(y))[:, None]
    for k in range(n_layers, 0, -1):
        g[f"W{k}"][...] = delta.T @ h[k - 1]
        g[f"b{k}"][...] = delta.sum(axis=0)
        if k > 1:
            delta = (delta @ p[f"W{k}"]) * act_grad(h[k - 1])
    return float(np.mean(residual**2)), grad


# %%
# A hand-written backward pass must be checked. Central differences,
# :math:`(L[\phi + h e_j] - L[\phi - h e_j]) / 2h` with the step
# :math:`h = 10^{-6}` and :math:`e_j` the :math:`j`-th unit vector, approximate
# each partial derivative with an error of order :math:`h^2` (plus rounding):
h_fd = 1e-6
_, grad = loss_and_grad(phi0, x, y)
numeric = np.empty_like(phi0)
for j in range(len(phi0)):
    e = np.zeros_like(phi0)
    e[j] = h_fd
    numeric[j] = (loss_and_grad(phi0 + e, x, y)[0] - loss_and_grad(phi0 - e, x, y)[0]) / (2 * h_fd)
print(f"max |backprop - finite differences| = {np.abs(grad - numeric).max():.1e}")
print(f"largest partial derivative           = {np.abs(grad).max():.1e}")

# %%
# Already at the start, the gradient's size per parameter (its root mean
# square over each layer) falls steeply from the output layer back to the
# first:


def layer_rms(vector):
    """Root mean square of ``vector`` over each layer's weights and bias."""
    v = views(vector)
    return np.array(
        [np.sqrt(np.mean(np.concatenate([v[f"W{k}"].ravel(), v[f"b{k}"]]) ** 2))
         for k in range(1, n_layers + 1)]
    )  # fmt: skip


for k, r in enumerate(layer_rms(grad), start=1):
    print(f"layer {k}: RMS gradient {r:.1e}")

# %%
# SGD and Adam
# ------------
# Both take the same 2000 full-batch steps from the same start (so SGD here
# is plain gradient descent: :class:`descend.SGD` without momentum). Neither
# learning rate is tuned finely. SGD's ``lr=0.3`` is already on the large
# side (try ``lr=1``: the loss grows instead of falling) and smaller values
# are only slower;
# ``lr=0.03`` is a common choice for Adam on small problems. At every step we
# record the loss and, for each layer, the RMS gradient and the RMS step
# :math:`\lVert \Delta\phi_{\text{layer}} \rVert / \sqrt{\text{size}}`.
steps = 2000


def train(opt):
    """Run ``opt``: losses, per-layer RMS gradients and steps, final parameters."""
    phi, state = phi0.copy(), opt.init(phi0)
    losses, layer_grads, layer_steps = [], [], []
    for _ in range(steps):
        loss, grad = loss_and_grad(phi, x, y)
        new_phi, state = opt.step(phi, grad, state)
        losses.append(loss)
        layer_grads.append(layer_rms(grad))
        layer_steps.append(layer_rms(new_phi - phi))
        phi = new_phi
    losses.append(loss_and_grad(phi, x, y)[0])
    return np.array(losses), np.array(layer_grads), np.array(layer_steps), phi


sgd, adam = descend.SGD(lr=0.3), descend.Adam(lr=0.03)
runs = {"SGD": (sgd, *train(sgd)), "Adam": (adam, *train(adam))}
for name, (_, losses, _, _, _) in runs.items():
    print(f"{name:4}: loss {losses[0]:.3f} -> {losses[-1]:.4f} after {steps} steps "
          f"(highest {losses.max():.3f}, after {losses.argmax()} steps)")  # fmt: skip
print(f"variance of y: {np.var(y):.3f}")

# %%
# SGD's loss first goes *up* (0.3 is already too large a step for the
# output layer), then both runs sit on a plateau where the network predicts
# little more than the mean of :math:`y` (a loss near the variance of
# :math:`y`, printed above). Adam walks off it and fits the data; SGD does
# not. (The spikes late in Adam's run are typical of a constant learning
# rate: a step overshoots, the loss jumps, and :math:`v` grows and damps the
# next steps.)
# The middle and right panels show why Adam gets off the plateau (both axes
# logarithmic).
fig, axes = plt.subplots(1, 3, figsize=(13, 4.2))
t = np.arange(1, steps + 1)
for name, (opt, losses, _, _, _) in runs.items():
    axes[0].loglog(t, losses[1:], color=color_of(opt), label=f"{name} (lr = {opt.lr:g})")
axes[0].axhline(np.var(y), color="grey", linestyle=":", label=r"variance of $y$")
axes[0].set(xlabel="step $t$", ylabel=r"loss $L[\phi_t]$ (MSE)", title="Loss")
axes[0].legend()

layer_colors = plt.cm.cividis(np.linspace(0.0, 0.85, n_layers))
for ax, name in zip(axes[1:], runs, strict=True):
    opt, _, _, layer_steps, _ = runs[name]
    for k in range(n_layers):
        ax.loglog(t, layer_steps[:, k], color=layer_colors[k], label=f"layer {k + 1}")
    ax.axhline(opt.lr, color=color_of(opt), linestyle="--", linewidth=1,
               label=rf"$\alpha$ = {opt.lr:g}")  # fmt: skip
    ax.set(xlabel="step $t$", title=f"{name}: RMS step per parameter, by layer")
    if name == "SGD":
        ax.legend(loc="upper right", bbox_to_anchor=(1.0, 0.92))
    else:
        ax.legend(ncols=2, loc="lower left")
axes[1].set_ylabel(r"RMS of $\Delta\phi$ over the layer")
axes[2].sharey(axes[1])
plt.show()

# %%
# With SGD the step of each layer is :math:`\alpha` times its gradient, so
# the middle panel is the gradients' sizes, rescaled: in the first steps the
# last layer moves about a hundred times more than the first (the printout
# below has the numbers), and once the output layer has fitted the mean every
# gradient is tiny, and so is every step. Adam's first step moves *every*
# parameter by exactly :math:`\alpha`, since
# :math:`\hat m_1 / \sqrt{\hat v_1} = g / |g| = \pm 1`. After that,
# multiplying all of a parameter's gradients by a constant :math:`a > 0`
# multiplies :math:`\hat m` by :math:`a` and :math:`\sqrt{\hat v}` by
# :math:`a`: the scale cancels. What is left is how the current gradient
# compares with that parameter's own recent ones (remembered over about
# :math:`1/(1 - \beta_2) = 1000` steps). The printout gives the numbers
# behind the panels, and the ratio of Adam's step to SGD's, layer by layer:
fmt = {"float_kind": lambda v: f"{v:.0e}"}
for name, (_, _, layer_grads, layer_steps, _) in runs.items():
    print(f"{name}: RMS per parameter, layers 1 to {n_layers}")
    for k in [1, 10, 100, 1000, steps]:
        g = np.array2string(layer_grads[k - 1], formatter=fmt)
        d = np.array2string(layer_steps[k - 1], formatter=fmt)
        print(f"  t = {k:4d}: gradient {g}  step {d}")
sgd_steps, adam_steps = runs["SGD"][3], runs["Adam"][3]
print(f"SGD, t = 1: layer {n_layers}'s step / layer 1's = {sgd_steps[0, -1] / sgd_steps[0, 0]:.0f}")
for k in [100, 1000, steps]:
    ratio = adam_steps[k - 1] / sgd_steps[k - 1]
    print(f"t = {k:4d}: Adam's step / SGD's, layers 1 to {n_layers}: "
          + "  ".join(f"{r:.3g}" for r in ratio))  # fmt: skip

# %%
# SGD's first step moves the output layer 113 times more than the first
# layer. At :math:`t = 100`, with both runs on the plateau, Adam's steps are
# about 250, 35, 12 and 2.8 times SGD's in layers 1 to 4: Adam helps every
# layer, and most of all the first, whose gradient started out smallest. By
# :math:`t = 1000` Adam has left the plateau, and its layers' steps are far
# from equal: the output layer's gradient has fallen furthest below its early
# values (from about :math:`5 \times 10^{-1}` to :math:`6 \times 10^{-5}`),
# so it takes the smallest steps, now smaller than SGD's (a ratio of 0.62),
# while the first layer still moves 37 times more than with SGD. No layer is
# starved.

# %%
# The fits
# --------
# The network's function after training, with the data:
fig, ax = plt.subplots(figsize=(7, 4))
ax.plot(x_raw, y, "o", color="grey", markersize=4, label="data")
x_plot = np.linspace(-1, 1, 300)
for name, (opt, _, _, _, phi) in runs.items():
    ax.plot(
        15 * x_plot,
        forward(phi, x_plot)[-1][:, 0],
        color=color_of(opt),
        label=f"{name} after {steps} steps",
    )
ax.set(xlabel="$x$", ylabel="$y$", title="Network fits to the textbook's Gabor data")
ax.legend()
plt.show()

# %%
# Gradient sizes differ across the layers of most networks, though good
# initializations, normalization layers and residual connections
# (and ReLU or tanh units instead of the sigmoid) keep them much closer than
# here. Adam makes training insensitive to what remains: the learning rate
# sets the step of every parameter.
#
# What to try
# -----------
# - ``act = np.tanh`` and ``act_grad`` returning ``1 - h**2`` (the
#   derivative of tanh, at most 1): the layers' gradients become comparable
#   and SGD gets off the plateau.
# - A deeper network, ``widths = [1, 8, 8, 8, 8, 8, 1]``: the first layer's
#   gradient shrinks by another factor per layer.
# - ``descend.SGD(lr=0.03, momentum=0.9)``, or ``descend.RMSprop(lr=0.01)``
#   (roughly Adam with :math:`\beta_1 = 0` and no bias correction).
