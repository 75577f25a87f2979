"""
Batches and epochs
==================

Stochastic gradient descent does not look at all the data at every step. It
walks through a random permutation of the examples, a *minibatch* at a time,
sampling without replacement; one pass through all the examples is an
*epoch*. This example reproduces the lecture's table for 30 examples and a
batch size of 5 exactly, then shows how PyTorch's ``DataLoader`` differs (it
reshuffles every epoch), and draws which example each step uses.
"""

# %%
# The lecture's table
# -------------------
# The lecture drew one permutation with NumPy's legacy generator seeded with
# 42 and reused it in every epoch. :func:`descend.minibatches.minibatches`
# with ``rng=np.random.RandomState(42)`` and ``reshuffle=False`` does the
# same. With :math:`n = 30` examples and a batch size :math:`B = 5` an epoch
# has :math:`n / B = 6` steps.
import matplotlib.pyplot as plt
import numpy as np

from descend.minibatches import batch_table, minibatches

print(batch_table(30, 5, epochs=2, rng=np.random.RandomState(42), reshuffle=False))

# %%
# Reshuffling every epoch
# -----------------------
# Reusing one permutation means the same five examples always share a
# batch. PyTorch's ``DataLoader(shuffle=True)`` draws a fresh permutation at
# the start of every epoch instead, which is what ``reshuffle=True`` (the
# default) does. Each epoch still uses every example exactly once.
print(batch_table(30, 5, epochs=2, rng=np.random.default_rng(42), reshuffle=True))

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
    batches = list(minibatches(30, 5, epochs=3, rng=rng, reshuffle=reshuffle))
    used = np.zeros((30, len(batches)))
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
# What to try
# -----------
# - A batch size that does not divide :math:`n`, e.g. ``batch_size=7``: the
#   last batch of each epoch is short, unless ``drop_last=True``.
# - ``rng=np.random.default_rng(42)`` with ``reshuffle=False``: the table
#   changes, because the new generator draws different permutations from the
#   same seed than the legacy ``RandomState``.
