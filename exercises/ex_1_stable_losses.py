r"""
Stable losses: a sigmoid and a cross-entropy that never overflow
================================================================

Logistic regression turns a logit :math:`z` into a probability
:math:`p = \operatorname{sig}[z]` and scores it with the binary cross-entropy.
Typed in literally, both formulas break for large :math:`|z|`: the
exponential overflows, or a probability rounds to exactly 0 or 1 and its
logarithm is :math:`-\infty`. In this notebook you write both functions the
stable way, ``sigmoid(z)`` and ``bce_with_logits(z, y)``, check them, and
then plot your cross-entropy over :math:`z \in [-800, 800]` next to the
literal formula, which returns ``inf`` and ``NaN`` over most of that range.
"""

# %%
# Where float64 breaks
# --------------------
# :math:`e^{t}` overflows to ``inf`` once :math:`t` is above the logarithm of
# the largest float, about :math:`1.8 \times 10^{308}` for float64 (far
# less for float32). And with machine epsilon
# :math:`\varepsilon_{\text{mach}} = 2^{-52}`, :math:`1 + e^{-z}` rounds to
# exactly 1 once :math:`e^{-z} \le \varepsilon_{\text{mach}} / 2`: beyond
# :math:`z = -\ln(\varepsilon_{\text{mach}} / 2)` the literal sigmoid is
# exactly 1. The cell prints both thresholds, and what ``np.exp(1000.0)``
# does when NumPy is told to raise instead of warn.
import matplotlib.pyplot as plt
import numpy as np

from descend.exercises import check_bce_with_logits, check_sigmoid

largest = np.finfo(np.float64).max
z_overflow = np.log(largest)
z_round = -np.log(np.finfo(np.float64).eps / 2)
print(f"largest float64: {largest:.4g}; exp(t) overflows for t > {z_overflow:.2f}")
print(f"largest float32: exp(t) overflows for t > {np.log(np.finfo(np.float32).max):.2f}")
print(f"1 / (1 + exp(-z)) is exactly 1 for z > {z_round:.2f}")
with np.errstate(over="raise"):
    try:
        np.exp(1000.0)
    except FloatingPointError as err:
        print(f"np.exp(1000.0): FloatingPointError: {err}")

# %%
# The sigmoid
# -----------
# .. math::
#
#     \operatorname{sig}[z] = \frac{1}{1 + e^{-z}}.
#
# At :math:`z = -1000` the literal formula computes :math:`e^{1000}`, which
# overflows: the result :math:`1 / \infty = 0` happens to be right, but NumPy
# warns, and the mirror form :math:`e^{z} / (1 + e^{z})` gives
# :math:`\infty / \infty = \text{NaN}` at :math:`z = 1000`. The way out is to
# compute only :math:`e = e^{-|z|}`, which lies in :math:`(0, 1]` and never
# overflows:
#
# .. math::
#
#     \operatorname{sig}[z] = \begin{cases}
#         \dfrac{1}{1 + e} & z \ge 0, \\[1ex]
#         \dfrac{e}{1 + e} & z < 0,
#     \end{cases}
#     \qquad e = e^{-|z|}.
#
# (For :math:`z < 0`, :math:`e = e^{z}`, and :math:`e^{z} / (1 + e^{z})` is
# the sigmoid multiplied by :math:`e^{z} / e^{z}`.) One trap:
# ``np.where(condition, a, b)`` computes *both* ``a`` and ``b`` for every
# entry before it picks, so build both branches from :math:`e`.
#
# Write ``sigmoid(z)`` for an array ``z``.


def sigmoid(z):
    """Return sig[z] = 1 / (1 + exp(-z)) for every entry of the array z, without overflow."""
    # BEGIN SOLUTION (TODO: e = exp(-|z|); then 1 / (1 + e) where z >= 0, e / (1 + e) elsewhere)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    # END SOLUTION


# %%
# Check it: the checker compares your function with the library's on
# ordinary logits and on :math:`z = \pm 40, \pm 1000`, and counts a warning
# as a mistake.
result_sigmoid = check_sigmoid(sigmoid)

# %%
# Your sigmoid on a log scale
# ---------------------------
# The probability of the *other* class is :math:`1 - p`. Computed as
# ``1 - sigmoid(z)`` it subtracts two nearly equal numbers and is exactly 0
# beyond :math:`z \approx 36.74` (the second threshold above); computed as
# ``sigmoid(-z)``, the same quantity without the subtraction, it keeps
# falling as :math:`e^{-z}`. This is why the cross-entropy below must never
# take :math:`\log(1 - p)` of a computed :math:`p`.
if result_sigmoid.passed:
    z = np.linspace(-60, 60, 1201)
    complement = 1 - sigmoid(z)
    fig, ax = plt.subplots()
    ax.semilogy(z, sigmoid(z), color="black", label=r"your sigmoid$(z) = p$")
    ax.semilogy(z, sigmoid(-z), color="tab:blue", label=r"your sigmoid$(-z) = 1 - p$")
    ax.semilogy(
        z,
        np.where(complement > 0, complement, np.nan),
        "--",
        color="tab:red",
        label=r"1 - sigmoid$(z)$ (ends where it is 0)",
    )
    ax.axvline(z_round, color="grey", linestyle=":", label=f"$z = {z_round:.2f}$")
    ax.set(xlabel="logit $z$", ylabel="probability (log scale)", ylim=(1e-27, 3))
    ax.set_title(r"The sigmoid and its complement")
    ax.legend(loc="lower center")
    plt.show()
    print(f"1 - sigmoid(40) = {1 - sigmoid(np.array([40.0]))[0]}")
    print(f"sigmoid(-40)    = {sigmoid(np.array([-40.0]))[0]:.6g}")
else:
    print("Finish sigmoid above to see it on a log scale.")

# %%
# The cross-entropy from logits
# -----------------------------
# For a label :math:`y \in \{0, 1\}` and :math:`p = \operatorname{sig}[z]`,
# the binary cross-entropy of one example is
#
# .. math::
#
#     \ell = -\bigl(y \log p + (1 - y) \log(1 - p)\bigr)
#          = \log(1 + e^{z}) - y z,
#
# because :math:`\log p = -\log(1 + e^{-z})` and
# :math:`\log(1 - p) = -z - \log(1 + e^{-z})`. The first form takes the
# logarithm of a :math:`p` that may have rounded to 0 or 1; the second
# overflows for :math:`z > 709.78`. Taking :math:`\max(z, 0)` out of the
# logarithm leaves only :math:`e^{-|z|} \le 1`:
#
# .. math::
#
#     \ell = \max(z, 0) - y z + \log\bigl(1 + e^{-|z|}\bigr).
#
# Write ``bce_with_logits(z, y)``: the **sum** of :math:`\ell` over the
# entries of ``z`` and ``y``, one number (the slides'
# :math:`L = \sum_i \ell_i`; PyTorch's ``binary_cross_entropy_with_logits`` takes the mean by
# default). ``np.log1p(t)`` computes :math:`\log(1 + t)` accurately for tiny
# :math:`t`.


def bce_with_logits(z, y):
    """Return the sum over the entries of max(z, 0) - y z + log(1 + exp(-|z|))."""
    # BEGIN SOLUTION (TODO: sum max(z, 0) - y z + log(1 + exp(-|z|)) over the entries)
    return np.sum(np.maximum(z, 0) - y * z + np.log1p(np.exp(-np.abs(z))))
    # END SOLUTION


# %%
# Check it on ordinary logits, then on confident wrong predictions
# (:math:`z = -1000` with :math:`y = 1`), confident right ones and a mix:
result_bce = check_bce_with_logits(bce_with_logits)

# %%
# Your cross-entropy next to the literal formula
# ----------------------------------------------
# Each point is one example: ``bce_with_logits(np.array([z]), np.array([y]))``
# with your function, and the literal formula
# :math:`-(y \log p + (1 - y) \log(1 - p))` with :math:`p` from *your*
# stable sigmoid (its warnings silenced on purpose). The shading marks where
# the literal formula returns ``inf`` (a confident wrong prediction, whose
# loss should be about :math:`|z|`) or ``NaN`` (a confident right one, whose
# loss should be about 0: the term :math:`0 \cdot \log 0`). Even a stable
# sigmoid does not rescue the literal cross-entropy.
if result_sigmoid.passed and result_bce.passed:
    z = np.linspace(-800, 800, 1601)
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
    for ax, label in zip(axes, (1.0, 0.0), strict=True):
        yours = np.array([bce_with_logits(np.array([t]), np.array([label])) for t in z])
        p = sigmoid(z)
        with np.errstate(divide="ignore", invalid="ignore"):
            literal = -(label * np.log(p) + (1 - label) * np.log(1 - p))
        ax.plot(z, yours, color="black", label="your bce_with_logits")
        finite = np.where(np.isfinite(literal), literal, np.nan)
        ax.plot(z, finite, "--", color="tab:red", label="literal formula")
        for bad, shade, text in (
            (np.isposinf(literal), 0.12, "literal = inf"),
            (np.isnan(literal), 0.35, "literal = NaN"),
        ):
            ax.fill_between(z, 0, 850, where=bad, color="tab:red", alpha=shade, lw=0, label=text)
        ax.set(xlabel="logit $z$", ylim=(-20, 850), title=f"one example with label $y = {label:g}$")
        ax.legend(loc="upper center")
    axes[0].set_ylabel(r"loss $\ell$")
    fig.suptitle("Binary cross-entropy: your stable form and the literal formula")
    plt.show()

    print(f"{'z':>7} {'y':>3} {'yours':>12} {'literal':>10}")
    for t, label in ((-1000.0, 1.0), (-40.0, 1.0), (0.0, 1.0), (40.0, 1.0), (1000.0, 0.0)):
        p = sigmoid(np.array([t]))[0]
        with np.errstate(divide="ignore", invalid="ignore"):
            literal = -(label * np.log(p) + (1 - label) * np.log(1 - p))
        yours = bce_with_logits(np.array([t]), np.array([label]))
        print(f"{t:7g} {label:3g} {yours:12.6g} {literal:10.6g}")
else:
    print("Finish sigmoid and bce_with_logits above to see your loss next to the literal one.")

# %%
# What to try
# -----------
# - Write the sigmoid as ``np.where`` over the two literal forms,
#   :math:`1 / (1 + e^{-z})` for :math:`z \ge 0` and
#   :math:`e^{z} / (1 + e^{z})` elsewhere, and run the check: what does it
#   say, and why?
# - Compute your sigmoid in float32, ``sigmoid(np.float32([-100.0, 100.0]))``:
#   does it still avoid the overflow, which float32 reaches from
#   :math:`|z| \approx 88.72` (the first cell)?
# - Replace ``np.log1p(t)`` by ``np.log(1 + t)`` and print the loss of a
#   confident right prediction, ``bce_with_logits(np.array([40.0]),
#   np.array([1.0]))``, both ways: which one is right, and by how much do
#   they differ?
