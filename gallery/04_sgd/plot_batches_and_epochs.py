"""
Batches and epochs
==================

Stochastic gradient descent does not look at all the data at every step. It
usually walks through a random permutation of the examples, a *minibatch* at
a time, sampling without replacement; one pass through all the examples is
an *epoch*. This example reproduces the lecture's table for 30 examples and
a batch size of 5 exactly, shows how PyTorch's ``DataLoader`` differs (it
reshuffles every epoch), and draws which example each step uses. It then
draws batches the way the textbook's notebooks do, a fresh random batch at
every step, and counts how often each example is used in one epoch's worth
of steps under each kind of sampling.
"""

# %%
# The lecture's table
# -------------------
# The lecture drew one permutation with NumPy's legacy generator seeded with
# 42 and reused it in every epoch. :func:`descend.minibatches.minibatches`
# with ``rng=np.random.RandomState(42)`` and ``reshuffle=False`` does the
# same. With :math:`I = 30` examples (``n`` in the code) and a batch size
# :math:`B = 5` an epoch has :math:`I / B = 6` steps.
import matplotlib.pyplot as plt
import numpy as np

from descend.minibatches import batch_table, minibatches

n, B = 30, 5
print(batch_table(n, B, epochs=2, rng=np.random.RandomState(42), reshuffle=False))

# %%
# Reshuffling every epoch
# -----------------------
# Reusing one permutation means the same five examples always share a
# batch. PyTorch's ``DataLoader(shuffle=True)`` draws a fresh permutation at
# the start of every epoch instead, which is what ``reshuffle=True`` (the
# default) does. Each epoch still uses every example exactly once.
print(batch_table(n, B, epochs=2, rng=np.random.default_rng(42), reshuffle=True))

# %%
# Which example does each step use?
# ---------------------------------
# A picture of both schemes: one row per example, one column per step, a
# filled cell where the step's batch contains the example. Every column has
# :math:`B = 5` cells and, within one epoch, every row has exactly one.
fig, axes = plt.subplots(1, 2, figsize=(9, 4.5), sharey=True)
for ax, reshuffle, rng in [
    (axes[0], False, np.random.RandomState(42)),
    (axes[1], True, np.random.default_rng(42)),
]:
    batches = list(minibatches(n, B, epochs=3, rng=rng, reshuffle=reshuffle))
    used = np.zeros((n, len(batches)))
    for b in batches:
        used[b.indices, b.step] = 1 + b.epoch % 2
    ax.imshow(used, aspect="auto", cmap="Greys", vmin=0, vmax=2.5, interpolation="nearest")
    for end in range(6, len(batches), 6):
        ax.axvline(end - 0.5, color="tab:red", linewidth=1)
    ax.set_xlabel("step")
    ax.set_title("one permutation reused" if not reshuffle else "reshuffled every epoch")
    ax.grid(False)
axes[0].set_ylabel("example index $i$")
fig.suptitle("Minibatches of 5 from 30 examples, 3 epochs (red: epoch boundaries)")
plt.show()

# %%
# A fresh batch at every step
# ---------------------------
# The textbook's notebooks (Prince, *Understanding Deep Learning*, 2023:
# notebook 6.3 asks the reader to write it, 6.4 uses it) sample differently:
# every step draws its own batch, ``np.random.permutation(30)[0:5]``, the
# first five entries of a new permutation, independently of the steps before
# (notebook 6.3 itself notes that sampling without replacement across steps
# would be more proper). ``sampling="per_step"``
# does this; with ``rng=np.random.RandomState(1)`` it gives the very batches
# of a notebook that calls ``np.random.seed(1)`` first. A batch still holds
# five different examples, but nothing stops the next step from drawing some
# of them again, and an "epoch" is now only a count of :math:`I / B = 6`
# steps.
per_step = list(minibatches(n, B, epochs=1, rng=np.random.RandomState(1), sampling="per_step"))
for b in per_step:
    print(f"Step {b.step}, Batch index: {b.indices}")
counts = np.bincount(np.concatenate([b.indices for b in per_step]), minlength=n)
print(
    f"in these {len(per_step)} steps: {np.sum(counts == 0)} examples unused, "
    f"{np.sum(counts == 1)} used once, {np.sum(counts >= 2)} used twice or more"
)

# %%
# How often is each example used in an epoch?
# -------------------------------------------
# Under per-epoch sampling every example is used exactly once per epoch.
# Under per-step sampling each of the 6 steps picks a given example with
# probability :math:`B / I = 1/6`, independently, so the number of times it
# is used in one epoch's worth of steps is binomial: on average once, as
# before, but it is left out altogether with probability
# :math:`(1 - B/I)^{I/B} = (5/6)^6`. Both samplings therefore give the same
# expected gradient per step (every example is in the batch with probability
# :math:`B / I`); per-step sampling only spreads the uses unevenly over an
# epoch. We count the uses in 10,000 epochs' worth of steps of each.
epochs = 10_000
uses = {}
for sampling in ("per_epoch", "per_step"):
    c = np.zeros((epochs, n), dtype=int)
    for b in minibatches(n, B, epochs=epochs, rng=np.random.default_rng(0), sampling=sampling):
        c[b.epoch, b.indices] += 1
    uses[sampling] = c
    share = np.bincount(c.ravel(), minlength=4)[:4] / c.size
    print(
        f"{sampling:9s}: uses per example and epoch: mean {c.mean():.3f}; "
        f"share used 0, 1, 2, 3 times: {np.round(share, 3)}"
    )
print(f"(1 - B/I)^(I/B) = {(1 - B / n) ** (n // B):.3f}")

fig, (ax, ax2) = plt.subplots(1, 2, figsize=(10, 4.2), width_ratios=[1.6, 1])
ax.bar(np.arange(n), counts, color="tab:orange", label="per step (notebooks' seed 1)")
ax.axhline(1, color="black", linewidth=1.5, label="per epoch (every example once)")
ax.set_xlabel("example index $i$")
ax.set_ylabel("times used in steps 0 to 5")
ax.set_yticks(range(int(counts.max()) + 2))
ax.set_title("One epoch's worth of steps")
ax.legend(loc="upper right")
k = np.arange(5)
width = 0.4
for offset, (sampling, color) in zip(
    (-width / 2, width / 2), [("per_epoch", "black"), ("per_step", "tab:orange")], strict=True
):
    share = np.bincount(uses[sampling].ravel(), minlength=len(k))[: len(k)] / uses[sampling].size
    ax2.bar(k + offset, share, width, color=color, label=sampling.replace("_", " "))
ax2.set_xticks(k)
ax2.set_xlabel("times an example is used in one epoch")
ax2.set_ylabel("share of examples")
ax2.set_title(f"Over {epochs:,} epochs")
ax2.legend()
fig.suptitle("Per-epoch vs per-step sampling, 30 examples, batches of 5")
plt.show()

# %%
# With per-step sampling a third of the examples (the printed share, close to
# :math:`(5/6)^6`) are not used at all in a given epoch and others are used
# two or three times, yet the mean number of uses is 1, as with per-epoch
# sampling: the expected gradient of a step is the same, only its noise
# differs. Within one epoch of per-epoch sampling every example enters
# exactly once, so the epoch's batch gradients add up to the full gradient,
# apart from the iterate moving between the steps; per-step sampling gives no
# such guarantee.
#
# What to try
# -----------
# - A batch size that does not divide :math:`I`, e.g. ``batch_size=7``: the
#   last batch of each epoch is short, unless ``drop_last=True``.
# - ``rng=np.random.default_rng(42)`` with ``reshuffle=False``: the table
#   changes, because the new generator draws different permutations from the
#   same seed than the legacy ``RandomState``.
# - ``B = 1`` with per-step sampling: each example's uses per epoch become
#   nearly Poisson, and the share left out, :math:`(29/30)^{30}`, is close
#   to :math:`1/e`.
