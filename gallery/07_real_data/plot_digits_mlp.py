r"""
A small network on handwritten digits: SGD, momentum and Adam
=============================================================

A network with one hidden layer (the library's, in NumPy, its weights in
one flat parameter vector) learns to read the handwritten digits that ship
with scikit-learn: 1797 images of 8 by 8 pixels, ten classes. Its backward
pass is checked by finite differences; then SGD, momentum and Adam train it
with minibatches, epochs and a cosine learning-rate schedule, each at three
learning rates, while we record the training loss and the accuracy on images
held out from training. Adam wins, narrowly; the learning rate matters more
than the choice of optimizer, and the chapters say why.
"""

# %%
# The data
# --------
# ``sklearn.datasets.load_digits`` gives each image as a row of 64 pixel
# values from 0 to 16 (the count of dark pixels in a 4 by 4 block of a
# 32 by 32 scan) and its label, the digit 0 to 9, as an integer. They are the
# test part of the UCI repository's "Optical Recognition of Handwritten
# Digits" (Alpaydin and Kaynak, 1998), digits written by 13 people. We scale the
# pixels to :math:`[0, 1]`, so every input has the same range (on the raw
# breast-cancer features of
# :ref:`sphx_glr_auto_examples_07_real_data_plot_breast_cancer_logistic.py`
# we saw what unequal ranges do), and set aside a fifth of the images, drawn
# at random, as a *validation* set: the network never trains on them, so its
# accuracy there measures what it has learned about digits rather than about
# these particular images.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits

import descend
from descend.landscapes import DataLoss
from descend.minibatches import batches_per_epoch, minibatches
from descend.networks import MLP
from descend.plotting import color_of
from descend.schedules import CosineAnnealingLR

pixels, digit = load_digits(return_X_y=True)
x = pixels / 16.0
order = np.random.default_rng(0).permutation(len(digit))
val, train = order[: len(digit) // 5], order[len(digit) // 5 :]
print(f"{len(digit)} images of {x.shape[1]} pixels, labels {digit.dtype} from 0 to 9")
print(f"training set {len(train)} images, validation set {len(val)} images")
print("images per digit in the training set:", np.bincount(digit[train]))

# %%
# The network
# -----------
# :class:`descend.networks.MLP` with 64 inputs, 32 hidden units and 10
# outputs. For an image :math:`x_i` (a row of 64 pixels) it computes
#
# .. math::
#
#     z_{1,i} = W_1 x_i + \mathrm{bias}_1, \qquad
#     z_{2,i} = W_2 \tanh(z_{1,i}) + \mathrm{bias}_2,
#
# ten logits :math:`z_{2,i}`, one per digit, and scores them with the softmax
# cross-entropy :func:`descend.models.softmax_cross_entropy`,
# :math:`\ell_i = \operatorname{LSE}[z_{2,i}] - z_{2,i,y_i}`, computed with
# the log-sum-exp trick of :doc:`/training-goes-wrong` so that no logit can
# overflow it. Its labels are the integer digits as the data set gives them.
# The loss is the *mean* over the examples (``reduction="mean"``), so that a
# learning rate means the same for a batch of 32 as for the whole training
# set (:doc:`/sgd`). The weights and biases are named views into one flat
# vector :math:`\phi`, which is what every optimizer of ``descend`` updates;
# :class:`~descend.landscapes.DataLoss` makes network and data a loss whose
# :meth:`~descend.landscapes.DataLoss.subset` is the loss of a minibatch.
model = MLP(64, 32, 10, activation="tanh", reduction="mean")
phi_start = model.init(np.random.default_rng(0))
problem = DataLoss(model, x[train], digit[train])
print(f"{model.size} parameters:", model.shapes)
print(f"loss at the start: {problem.loss(phi_start):.4f} (log 10 = {np.log(10):.4f})")

# %%
# Checking the backward pass
# --------------------------
# The gradient comes from a hand-written backward pass (the chain rule from
# the loss back to :math:`W_1`, in the docstring of
# :class:`~descend.networks.MLP`). A mistake there would not crash anything;
# training would just go wrong. So we compare every one of its partial
# derivatives, on the first 50 training images, with central differences
# :math:`(L[\phi + h e_j] - L[\phi - h e_j]) / 2h`, whose error is of order
# :math:`h^2` plus rounding:
check = problem.subset(np.arange(50))
backprop = check.grad(phi_start)
h = 1e-6
numeric = np.empty_like(phi_start)
for j in range(model.size):
    e = np.zeros(model.size)
    e[j] = h
    numeric[j] = (check.loss(phi_start + e) - check.loss(phi_start - e)) / (2 * h)
print(f"max |backprop - finite differences| = {np.abs(backprop - numeric).max():.1e}")
print(f"largest partial derivative           = {np.abs(backprop).max():.1e}")

# %%
# The two agree to about eight digits of the largest partial derivative,
# which is what central differences can deliver: the backward pass is right.
#
# Training
# --------
# Each optimizer takes 10 epochs of minibatches of 32 images (45 steps per
# epoch, 450 in all), in the same random order for all of them, with a
# learning rate that follows half a cosine from :math:`\alpha_0` down to 0
# over the run (:class:`~descend.schedules.CosineAnnealingLR`, :doc:`/sgd`):
# large steps early, small ones at the end, where the gradient noise of a
# batch would otherwise keep the parameters from settling. Plain SGD,
# momentum with :math:`\beta = 0.9` in the lecture's averaging form
# (:class:`~descend.Momentum`), and :class:`~descend.Adam` with its default
# :math:`\beta_1, \beta_2`. Nobody knows the best :math:`\alpha_0` in advance,
# so each runs at three, a factor of about 3 apart, around the usual scale of
# its steps (Adam's step is about :math:`\alpha` per coordinate, the others'
# :math:`\alpha` times the gradient).
#
# The loop is the one :func:`descend.fit` runs, written out:
# :func:`~descend.minibatches.minibatches` deals the batches, one optimizer
# step per batch. Written out, it can stop at the end of each epoch to
# measure the loss on the whole training set and the accuracy on the
# validation set (``fit`` would measure the full loss after every step,
# which costs more than the training itself here).
epochs, batch_size = 10, 32
n_steps = epochs * -(-len(train) // batch_size)
rates = {
    "SGD": [0.3, 1.0, 3.0],
    "Momentum": [1.0, 3.0, 10.0],
    "Adam": [0.01, 0.03, 0.1],
}
make = {
    "SGD": lambda lr: descend.SGD(lr=lr),
    "Momentum": lambda lr: descend.Momentum(lr=lr, beta=0.9),
    "Adam": lambda lr: descend.Adam(lr=lr),
}


def accuracy(phi, rows):
    """The share of the images ``rows`` whose largest logit is at their digit."""
    return np.mean(np.argmax(model.logits(phi, x[rows]), axis=1) == digit[rows])


def train_network(opt):
    """Train from phi_start; return the final phi and, per epoch, the loss and val accuracy."""
    phi, state = phi_start, opt.init(phi_start)
    per_epoch = batches_per_epoch(len(train), batch_size)
    loss, val_acc = [], []
    for batch in minibatches(len(train), batch_size, epochs=epochs, rng=1):
        phi, state = opt.step(phi, problem.subset(batch.indices).grad, state)
        if batch.batch == per_epoch - 1:  # the end of an epoch
            loss.append(problem.loss(phi))
            val_acc.append(accuracy(phi, val))
    return phi, np.array(loss), np.array(val_acc)


runs = {}
print(f"{'':9} {'alpha_0':>7} {'train loss':>10} {'train acc':>9} {'val acc':>7}")
for name, lrs in rates.items():
    for lr in lrs:
        phi, loss, val_acc = train_network(make[name](CosineAnnealingLR(lr, T_max=n_steps)))
        runs[name, lr] = phi, loss, val_acc
        print(f"{name:9} {lr:7.2f} {loss[-1]:10.4f} {accuracy(phi, train):9.4f} {val_acc[-1]:7.4f}")

# %%
# An optimizer's job is the training loss, so for each optimizer we keep the
# learning rate that ends lowest on it, and follow those three runs epoch by
# epoch: the training loss (on all training images, after each epoch) and
# the validation accuracy.
best = {}
for name, lrs in rates.items():
    best[name] = min(lrs, key=lambda lr, name=name: runs[name, lr][1][-1])
fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 4))
print(f"{'':9} {'alpha_0':>7} {'train loss':>10} {'train acc':>9} {'val acc':>7} {'errors':>6}")
for name, lr in best.items():
    phi, loss, val_acc = runs[name, lr]
    label = rf"{name}, $\alpha_0 = {lr:g}$"
    epoch = np.arange(1, epochs + 1)
    ax_loss.semilogy(epoch, loss, "o-", color=color_of(name), label=label)
    ax_acc.plot(epoch, val_acc, "o-", color=color_of(name), label=label)
    print(
        f"{name:9} {lr:7.2f} {loss[-1]:10.4f} {accuracy(phi, train):9.4f} {val_acc[-1]:7.4f} "
        f"{round((1 - val_acc[-1]) * len(val)):6d}"
    )
ax_loss.set(
    xlabel="epoch",
    ylabel="training loss (mean cross-entropy, log scale)",
    title="Training loss after each epoch",
)
ax_acc.set(
    xlabel="epoch", ylabel="validation accuracy", title="Accuracy on held-out images", ylim=(0.8, 1)
)
ax_loss.legend()
ax_acc.legend(loc="lower right")
fig.suptitle("A 64-32-10 network on scikit-learn's digits, best learning rate of each")
plt.show()

# %%
# The learning rates, side by side: the final training loss and validation
# accuracy of all nine runs.
fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 4))
for name, lrs in rates.items():
    final_loss = [runs[name, lr][1][-1] for lr in lrs]
    final_acc = [runs[name, lr][2][-1] for lr in lrs]
    ax_loss.loglog(lrs, final_loss, "o-", color=color_of(name), label=name)
    ax_acc.semilogx(lrs, final_acc, "o-", color=color_of(name), label=name)
ax_loss.set(
    xlabel=r"base learning rate $\alpha_0$ (log scale)",
    ylabel="final training loss (log scale)",
    title=f"Training loss after {epochs} epochs",
)
ax_acc.set(
    xlabel=r"base learning rate $\alpha_0$ (log scale)",
    ylabel="validation accuracy",
    title=f"Validation accuracy after {epochs} epochs",
)
ax_loss.legend()
ax_acc.legend(loc="lower left")
plt.show()

# %%
# Who wins?
# ---------
# Adam, narrowly, on both counts. *On the training loss*, the optimizer's own
# objective, Adam and momentum end three to five times lower than SGD. The
# difference is the step size each one tolerates. SGD's best rate is the
# middle of its grid: at :math:`\alpha_0 = 3` it ends with a loss twenty times
# higher and half the images wrong, because a step beyond
# :math:`2/\lambda_{\max}` is unstable (:doc:`/gradient-descent`). Its steps
# are capped by the steepest direction of the loss while the flat directions
# crawl. Momentum in the lecture's averaging form tolerates a larger
# :math:`\alpha` (:doc:`/momentum`: the stable steps grow with :math:`\beta`,
# and the averaging also smooths the batches' noisy gradients): it works at
# :math:`\alpha_0 = 3`, where SGD fails, and only breaks at 10. Adam divides
# each coordinate's step by the size of its own recent gradients
# (:doc:`/adam`), so no parameter moves by much more than :math:`\alpha` per
# step however steep the loss: its largest rate does not blow up, and all
# three of its rates end with the same validation accuracy.
#
# *On the validation accuracy*, what we actually want, the three best runs
# are within 3 of the 359 held-out images of each other, between 97.5 and
# 98.3 percent. A lower training loss mostly buys more confident predictions
# on images the network has already seen. Which optimizer to use mattered
# less here than giving it a learning rate that suits it: the worst rate in
# the grids of SGD and momentum loses far more than the gap between the
# winners.
#
# What to try
# -----------
# - Replace the cosine schedule by a constant :math:`\alpha_0`: how much does
#   the final training loss of each optimizer change?
# - Use ``activation="relu"`` (and its initialisation, which
#   :meth:`~descend.networks.MLP.init` picks): does the ranking change?
# - Train for 50 epochs: does the validation accuracy keep up with the
#   training loss?
