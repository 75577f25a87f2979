r"""
Minibatches: cut an epoch into batches
======================================

Stochastic gradient descent does not use all the data at every step: it walks
through a random permutation of the examples, one minibatch at a time. In this
exercise you write the function that cuts one epoch's permutation into its
batches, check it, print the lecture's batch table with it, and then run
stochastic gradient descent on the textbook's Gabor data with your batches.
"""

# %%
# One epoch, cut into batches
# ---------------------------
# An epoch is one pass through a random permutation :math:`\operatorname{perm}`
# of the :math:`I` example indices, cut into consecutive batches of :math:`B`
# positions. Batch :math:`k` covers the positions
#
# .. math::
#
#     \mathcal{R}_k = \{kB,\ kB + 1,\ \ldots,\ \min((k + 1)B, I) - 1\},
#     \qquad k = 0, 1, \ldots, \lceil I / B \rceil - 1,
#
# of the permuted order, and holds the examples at those positions,
# :math:`\mathcal{B}_k = \operatorname{perm}(\mathcal{R}_k)`. When :math:`B`
# does not divide :math:`I`, the last batch is shorter: it holds the examples
# left over, so that every example is used exactly once per epoch.
#
# For example, with :math:`I = 7`, :math:`B = 3` and the permutation
# ``[4, 0, 6, 2, 5, 1, 3]``, the positions are :math:`\{0, 1, 2\}`,
# :math:`\{3, 4, 5\}` and :math:`\{6\}`, and the batches are ``[4, 0, 6]``,
# ``[2, 5, 1]`` and ``[3]``.
import matplotlib.pyplot as plt
import numpy as np

import descend
from descend.datasets import textbook_gabor
from descend.exercises import check_epoch_batches
from descend.landscapes import DataLoss
from descend.minibatches import batch_table
from descend.models import Gabor
from descend.plotting import color_of, contour, path

# %%
# Your function
# -------------
# Write ``epoch_batches(permutation, batch_size)``: it gets the epoch's
# permutation (a NumPy array of the indices :math:`0, \ldots, I - 1` in random
# order) and :math:`B`, and returns the list of the epoch's batches, each an
# array of example indices, in order. Mind the last, shorter batch, and
# return the *indices* :math:`\operatorname{perm}(\mathcal{R}_k)`, not the
# positions :math:`\mathcal{R}_k`.


def epoch_batches(permutation, batch_size):
    """Return the list of one epoch's batches: the permutation cut into pieces of batch_size."""
    # BEGIN SOLUTION (TODO: cut the permutation into consecutive batches; keep the short last one)
    n = len(permutation)
    return [permutation[start : start + batch_size] for start in range(0, n, batch_size)]
    # END SOLUTION


# %%
# Check it
# --------
# The check runs your function on the lecture's table, on permutations whose
# length is not a multiple of the batch size, and with batch sizes of 1 and
# of more than the number of examples. If it finds a mistake it says where
# your batches first differ from the right ones, with a hint when the mistake
# is a usual one.
result = check_epoch_batches(epoch_batches)

# %%
# The lecture's table
# -------------------
# The lecture drew one permutation of :math:`I = 30` examples with NumPy's
# legacy generator seeded with 42 and cut it into batches of :math:`B = 5`.
# Here is that table made with your function, and a comparison with the
# library's :func:`descend.minibatches.batch_table`.
n, B = 30, 5


def as_text(indices):
    """Print an index array as ``[27 15 23 17 8]``."""
    return "[" + " ".join(str(int(i)) for i in indices) + "]"


if result.passed:
    permutation = np.random.RandomState(42).permutation(n)
    lines = []
    for k, batch in enumerate(epoch_batches(permutation, B)):
        positions = np.arange(k * B, k * B + len(batch))
        lines.append(
            f"Step {k}, Batch # {k}, Batch Range {as_text(positions)}, "
            f"Batch index: {as_text(batch)}"
        )
    print("\n".join(lines))
    lecture = batch_table(n, B, rng=np.random.RandomState(42), reshuffle=False)
    print("Same as the lecture's table:", lines == lecture.splitlines()[1:])
else:
    print("Finish epoch_batches above to see the lecture's table.")

# %%
# Stochastic gradient descent with your batches
# ---------------------------------------------
# Now the batches drive stochastic gradient descent on the Gabor model
# :math:`f[x, \phi] = \sin(\phi_0 + 0.06 \phi_1 x)
# \exp(-(\phi_0 + 0.06 \phi_1 x)^2 / 32)` fitted to the textbook's 30 points
# (:func:`descend.datasets.textbook_gabor`) by the sum of squares. Every
# epoch draws a new permutation (as PyTorch's ``DataLoader(shuffle=True)``
# does), and every step uses the gradient of the loss of its batch only,
#
# .. math::
#
#     \phi_{t+1} = \phi_t - \alpha \sum_{i \in \mathcal{B}_t}
#     \frac{\partial \ell_i[\phi_t]}{\partial \phi},
#
# with :math:`\alpha = 0.5`, from :math:`\phi_0 = (-1.5, 8.5)`, for 20 epochs
# of 6 steps. ``problem.subset(batch)`` is the loss on the examples
# ``batch`` only. The same run with the library's batches,
# :func:`descend.fit` with the same generator, must visit the same points.
x, y = textbook_gabor()
problem = DataLoss(Gabor(), x, y)
phi0, alpha, epochs = np.array([-1.5, 8.5]), 0.5, 20

if result.passed:
    rng = np.random.RandomState(42)
    phis = [phi0]
    for _ in range(epochs):
        for batch in epoch_batches(rng.permutation(len(x)), B):
            phi = phis[-1]
            phis.append(phi - alpha * problem.subset(batch).grad(phi))
    phis = np.array(phis)
    losses = np.array([problem.loss(phi) for phi in phis])
    library = descend.fit(
        descend.GradientDescent(alpha), problem, phi0,
        epochs=epochs, batch_size=B, rng=np.random.RandomState(42),
    )  # fmt: skip
    print(f"{len(phis) - 1} steps: loss {losses[0]:.3f} -> {losses[-1]:.3f}")
    print("Same path as descend.fit with the library's batches:", np.allclose(phis, library.phi))

    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4.4), width_ratios=[1.2, 1])
    contour(ax, problem, ((-4.0, 3.0), (5.0, 18.0)))
    path(ax, phis, color=color_of("SGD"), linewidth=1.2)
    ax.set_title(f"SGD with your batches, final loss {losses[-1]:.3f}")
    ax2.plot(losses, color=color_of("SGD"))
    for end in range(n // B, len(losses) - 1, n // B):
        ax2.axvline(end, color="grey", linestyle=":", linewidth=0.8)
    ax2.set_yscale("log")
    ax2.set_xlabel("step $t$ (dotted: end of an epoch)")
    ax2.set_ylabel(r"full loss $L[\phi_t]$")
    ax2.set_title("Loss on all 30 points, per step")
    fig.suptitle(rf"Textbook Gabor data, batches of {B}, $\alpha = {alpha}$, {epochs} epochs")
    plt.show()
else:
    print("Finish epoch_batches above to see its SGD path.")

# %%
# Each step sees only 5 of the 30 points, so the path zig-zags, and the full
# loss does not fall at every step. Try a batch size of 30 (one batch per
# epoch: gradient descent) and of 1, and compare the paths.
