r"""
Naive vs stable sigmoid and cross-entropy
=========================================

Logistic regression computes a probability :math:`p = \operatorname{sig}[z]`
from a logit :math:`z = \phi_0 + \phi_1 x` and scores it with the binary
cross-entropy. Typed in literally, both formulas are exact in theory and
break in floating point: :math:`p` rounds to exactly 0 or 1, the logarithm
of 0 is :math:`-\infty`, and :math:`0 \cdot \infty` is ``NaN``. This example
finds where float64 (and float32) breaks, shows that a badly scaled input
makes the very first loss ``NaN``, and trains a model whose stable loss keeps
falling while the naive formula, evaluated along the same path, turns
``NaN``.

The naive functions :func:`descend.models.naive_sigmoid` and
:func:`descend.models.naive_bce` are wrong on purpose. Every call to them
below sits inside ``np.errstate(...)``, which silences the overflow,
divide-by-zero and invalid-operation warnings they raise: the point here is
to *look at* the ``inf`` and ``NaN`` they return.
"""

# %%
# Where floating point breaks
# ---------------------------
# Two thresholds decide everything. A float64 has a 53-bit significand
# (machine epsilon :math:`\varepsilon_{\text{mach}} = 2^{-52}`), so
# :math:`1 + e^{-z}` rounds to exactly 1 once
# :math:`e^{-z} \le \varepsilon_{\text{mach}} / 2`: beyond
# :math:`z = -\ln(\varepsilon_{\text{mach}} / 2) = 53 \ln 2 \approx 36.74` the
# naive :math:`p` is exactly 1 and :math:`1 - p` is exactly 0. In the other
# direction :math:`e^{-z}` overflows to ``inf`` once :math:`-z` exceeds
# :math:`\ln(\text{largest float}) \approx 1024 \ln 2 \approx 709.78`, and
# then :math:`p = 1 / \infty = 0`. A third threshold matters only for the
# stable formulas below: :math:`e^{-z}` *underflows* to exactly 0 once it is
# below half the smallest positive (subnormal) float, :math:`2^{-1074} / 2`,
# that is for :math:`z` above about :math:`1075 \ln 2 \approx 745.13`. The
# code takes the three numbers from :func:`numpy.finfo`, for float64 and
# float32, and then finds by bisection the first float at which the naive
# sigmoid and :func:`numpy.exp` actually return 1, 0, ``inf`` or 0.
import matplotlib.pyplot as plt
import numpy as np

import descend
from descend.landscapes import DataLoss
from descend.models import (
    Logistic,
    bce_with_logits,
    log_sigmoid,
    naive_bce,
    naive_sigmoid,
    sigmoid,
)
from descend.plotting import COLORS

NAIVE, STABLE = "tab:red", "black"
quiet = {"over": "ignore", "divide": "ignore", "invalid": "ignore"}


def thresholds(dtype):
    """Predicted logits: 1 - p rounds to 0, exp(-z) overflows, exp(-z) underflows to 0."""
    info = np.finfo(dtype)
    half_tiny = np.log(2) - np.log(float(info.smallest_subnormal))  # -ln(smallest / 2)
    return float(-np.log(info.eps / 2)), float(np.log(info.max)), float(half_tiny)


def first_true(pred, dtype, lo=0.0, hi=1000.0):
    """Smallest float s of ``dtype`` in (lo, hi] with pred(s), for pred monotone in s."""
    lo, hi = dtype(lo), dtype(hi)
    while (mid := dtype((lo + hi) / 2)) not in (lo, hi):
        lo, hi = (lo, mid) if pred(mid) else (mid, hi)
    return float(hi)


print(
    f"{'dtype':8} {'eps_mach':>9} {'1 - p == 0 for z >':>19} {'exp(-z) = inf for z <':>22} "
    f"{'exp(-z) == 0 for z >':>21}"
)
for dtype in (np.float64, np.float32):
    z_round, z_over, z_under = thresholds(dtype)
    print(
        f"{np.dtype(dtype).name:8} {np.finfo(dtype).eps:9.3g} {z_round:19.4f} {-z_over:22.4f} "
        f"{z_under:21.4f}"
    )

# Check against the functions themselves: the first float where each happens.
for dtype in (np.float64, np.float32):

    def at(s, dtype=dtype):
        return np.array([s], dtype=dtype)

    with np.errstate(**quiet):
        p_one = first_true(lambda s: naive_sigmoid(at(s))[0] == 1, dtype)
        p_zero = first_true(lambda s: naive_sigmoid(-at(s))[0] == 0, dtype)
    exp_zero = first_true(lambda s: np.exp(-at(s))[0] == 0, dtype)
    print(
        f"{np.dtype(dtype).name}: naive p == 1 for z >= {p_one:.6f}, "
        f"p == 0 for z <= {-p_zero:.6f}; exp(-z) == 0 for z >= {exp_zero:.6f}"
    )

Z_ROUND, Z_OVER, Z_UNDER = thresholds(np.float64)

# %%
# The float32 thresholds are far closer to zero: a float32 network hits
# them with logits that are not unusual at all.
#
# The sigmoid itself
# ------------------
# Left: the probability of the *other* class, :math:`1 - p`. The naive
# :math:`1 - \operatorname{sig}[z]` subtracts two nearly equal numbers, so
# it walks down a staircase of rounding errors and is exactly 0 beyond
# :math:`z \approx 36.7`. The stable :math:`\operatorname{sig}[-z]` is the
# same quantity, computed without the subtraction. Right: :math:`\log p`
# for negative logits. The naive :math:`\log(\operatorname{sig}[z])` is
# :math:`-\infty` once :math:`e^{-z}` overflows, while
# :func:`~descend.models.log_sigmoid` is the straight line
# :math:`\log p \approx z` it should be.
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
z = np.linspace(0, 45, 2001)
with np.errstate(**quiet):
    naive_complement = 1 - naive_sigmoid(z)
ax1.semilogy(z, sigmoid(-z), color=STABLE, label=r"stable $\mathrm{sig}[-z]$")
ax1.semilogy(
    z,
    np.where(naive_complement > 0, naive_complement, np.nan),
    "--",
    color=NAIVE,
    label=r"naive $1 - \mathrm{sig}[z]$",
)
ax1.axvline(Z_ROUND, color="grey", linestyle=":")
ax1.text(Z_ROUND, 1e-3, f"$z = {Z_ROUND:.1f}$:  \nnaive $1 - p = 0$  ", color=NAIVE, ha="right")
ax1.set(xlabel="logit $z$", ylabel="$1 - p$ (log scale)", title="Probability of the other class")
ax1.legend(loc="lower left")

z = np.linspace(-800, 0, 4001)
with np.errstate(**quiet):
    naive_log_p = np.log(naive_sigmoid(z))
ax2.plot(z, log_sigmoid(z), color=STABLE, label=r"stable log_sigmoid$(z)$")
ax2.plot(
    z,
    np.where(np.isfinite(naive_log_p), naive_log_p, np.nan),
    "--",
    color=NAIVE,
    label=r"naive $\log(\mathrm{sig}[z])$",
)
ax2.axvspan(-800, -Z_OVER, color=NAIVE, alpha=0.12, label=r"naive $\log p = -\infty$")
ax2.axvline(-Z_OVER, color="grey", linestyle=":")
ax2.text(-Z_OVER, -400, f"  $z = {-Z_OVER:.1f}$:\n  $e^{{-z}}$ overflows", color=NAIVE)
ax2.set(xlabel="logit $z$", ylabel=r"$\log p$", title="Log-probability for negative logits")
ax2.legend(loc="upper left")
fig.suptitle("Naive vs stable sigmoid in float64")
plt.show()

# %%
# The loss of one example
# -----------------------
# The stable cross-entropy rewrites the loss so that nothing rounds away:
#
# .. math::
#
#     \ell = -\bigl(y \log p + (1 - y) \log(1 - p)\bigr)
#       = \log(1 + e^{z}) - y z
#       = \max(z, 0) - y z + \log(1 + e^{-|z|}),
#
# where only :math:`e^{-|z|} \le 1` is ever computed. We draw both forms for
# a positive example (:math:`y = 1`) and a negative one (:math:`y = 0`) over
# :math:`|z| \le 800`, and shade where the naive form returns ``inf`` or
# ``NaN``, read off its actual output. A *correct, confident* prediction
# (:math:`y = 1`, large :math:`z`) gives ``NaN``: the term
# :math:`(1 - y) \log(1 - p)` is :math:`0 \cdot (-\infty)`.
model = Logistic()
z = np.linspace(-800, 800, 16001)
fig, axes = plt.subplots(1, 2, figsize=(10, 4.2), sharey=True)
for ax, label in zip(axes, (1.0, 0.0), strict=True):
    y = np.full_like(z, label)
    stable = model.losses(np.array([0.0, 1.0]), z, y)  # phi = (0, 1), so the logit is x = z
    with np.errstate(**quiet):
        naive = naive_bce(naive_sigmoid(z), y)
    ax.semilogy(z, np.where(stable > 0, stable, np.nan), color=STABLE, label="stable")
    ax.semilogy(
        z,
        np.where(np.isfinite(naive) & (naive > 0), naive, np.nan),
        "--",
        color=NAIVE,
        label="naive",
    )
    for bad, shade, text in (
        (np.isposinf(naive), 0.12, "naive = inf"),
        (np.isnan(naive), 0.3, "naive = NaN"),
    ):
        if bad.any():
            ax.fill_between(
                z, 1e-20, 1e4, where=bad, color=NAIVE, alpha=shade, linewidth=0, label=text
            )
    for edge in (-Z_OVER, -Z_ROUND, Z_ROUND, Z_OVER):
        ax.axvline(edge, color="grey", linestyle=":", linewidth=1)
    ax.set(xlabel="logit $z$", ylim=(1e-20, 1e4), title=f"label $y = {label:g}$")
    ax.legend(loc="lower left" if label == 1 else "lower right")
axes[0].set_ylabel(r"loss $\ell$ of one example (log scale)")
fig.suptitle(
    f"Cross-entropy of one example; dotted: $|z| = {Z_ROUND:.1f}$ and $|z| = {Z_OVER:.1f}$"
)
plt.show()

# %%
# The naive curve is the stable one up to rounding, until it is ``inf`` (a
# *wrong* confident prediction, whose loss should be about :math:`|z|`) or
# ``NaN`` (a *right* one, whose loss should be about :math:`e^{-|z|}`).
# The stable curve of a right prediction leaves the plot where its value
# drops below :math:`10^{-20}`, but it stays a positive float much longer.
# We bisect for the first :math:`|z|` where it is below :math:`10^{-20}` and
# for the first where it is exactly 0:


def stable_loss_right(s):
    """Stable loss of a right prediction with logit of size s (y = 1, z = s)."""
    return model.losses(np.array([0.0, 1.0]), np.array([s]), np.array([1.0]))[0]


smallest_normal = np.finfo(np.float64).smallest_normal  # 2**-1022
z_small = first_true(lambda s: stable_loss_right(s) < 1e-20, np.float64)
z_subnormal = first_true(lambda s: stable_loss_right(s) < smallest_normal, np.float64)
z_zero = first_true(lambda s: stable_loss_right(s) == 0, np.float64)
print(f"stable loss < 1e-20 for |z| >= {z_small:.4f} (20 ln 10 = {20 * np.log(10):.4f})")
print(f"stable loss subnormal (< 2**-1022) for |z| >= {z_subnormal:.4f}")
z_1074 = 1074 * np.log(2)
l_1074 = stable_loss_right(z_1074)
print(f"at |z| = 1074 ln 2 = {z_1074:.4f}: {l_1074:.3g}, == 2**-1074: {l_1074 == 2.0**-1074}")
print(
    f"stable loss == 0 for |z| >= {z_zero:.4f} (predicted underflow: {Z_UNDER:.4f}); "
    f"just below: {stable_loss_right(np.nextafter(z_zero, 0)):.3g}"
)

# %%
# Beyond :math:`|z| = 20 \ln 10 \approx 46.05` the stable loss
# :math:`\log(1 + e^{-|z|}) \approx e^{-|z|}` is below :math:`10^{-20}`.
# It is a normal float down to :math:`2^{-1022}` (:math:`|z| \approx 708.40`),
# and a subnormal, with fewer significant bits, below that; even at
# :math:`|z| = 1074 \ln 2 \approx 744.44` it is the smallest subnormal
# :math:`2^{-1074} \approx 4.9 \times 10^{-324}`. Only from
# :math:`|z| \approx 745.13`, the float64 underflow threshold of the first
# table, does :math:`e^{-|z|}` round to 0, and the loss with it: an error
# below :math:`2^{-1075}`, harmless, unlike the ``inf`` and ``NaN`` of the
# naive form.
#
# NaN in the initial loss
# -----------------------
# Now a whole data set: 30 inputs of order :math:`10^3` (an unscaled
# feature, say a price), labelled by their sign, so the classes are
# separable. With :math:`\phi = (0, 1)` the logits are the inputs
# themselves, hundreds or thousands, and the naive loss is ``NaN`` before
# training has taken a single step. The table compares a few starting
# points; the stable column is :func:`~descend.models.bce_with_logits`, which
# is also what :class:`~descend.models.Logistic` computes. It is always a
# number, and the right one.
rng = np.random.default_rng(3)
x = rng.normal(0.0, 1000.0, size=30)
y = (x > 0).astype(float)


def naive_losses(z, y):
    """Per-example cross-entropy the naive way (warnings silenced on purpose)."""
    with np.errstate(**quiet):
        return naive_bce(naive_sigmoid(z), y)


x_std = (x - x.mean()) / x.std()
print(
    f"{'inputs':12} {'phi':>12} {'max |z|':>9} {'naive L':>10} {'stable L':>10} "
    f"{'# inf':>6} {'# NaN':>6}"
)
for inputs, xs, phi in [
    ("raw x", x, (0.0, 0.0)),
    ("raw x", x, (0.0, 0.01)),
    ("raw x", x, (0.0, 1.0)),
    ("raw x", x, (0.0, -1.0)),
    ("standardised", x_std, (0.0, 1.0)),
]:
    z = phi[0] + phi[1] * xs
    l_naive = naive_losses(z, y)
    print(
        f"{inputs:12} {phi!s:>12} {np.abs(z).max():9.1f} {l_naive.sum():10.4g} "
        f"{bce_with_logits(z, y):10.4g} {np.isposinf(l_naive).sum():6d} "
        f"{np.isnan(l_naive).sum():6d}"
    )

# %%
# With :math:`\phi = (0, -1)` every prediction is confidently wrong: the
# naive loss is ``inf`` where the true loss is large but finite. Standardising
# the input (subtract the mean, divide by the standard deviation) brings the
# logits back to order 1, where both forms agree; it is the first thing to do
# with a feature like this, but it only postpones the problem, as the next
# section shows.
#
# NaN during training
# -------------------
# On separable data the loss keeps falling as :math:`|\phi|` grows, so
# gradient descent never stops growing the logits. We run
# :class:`~descend.GradientDescent` on :class:`~descend.models.Logistic`
# from :math:`\phi = (0, 0)` (where both forms give :math:`30 \log 2`); the
# step size is tiny because the inputs are large. Along the same trajectory
# we also evaluate the naive loss. It agrees with the stable loss to rounding
# error (the largest difference is printed) until the largest logit of a
# positive example passes
# :math:`z \approx 36.7`, and from then on it is ``NaN``, although the model
# is fine and still improving.
run = descend.fit(descend.GradientDescent(lr=2e-7), DataLoss(model, x, y), [0.0, 0.0], steps=200)
naive_curve = np.array([naive_losses(phi[0] + phi[1] * x, y).sum() for phi in run.phi])
z_pos = run.phi[:, :1] + run.phi[:, 1:] * x[y == 1]  # logits of the positive examples
first_nan = int(np.argmax(np.isnan(naive_curve)))
print(
    f"naive loss is first NaN at step {first_nan}, where the stable loss is "
    f"{run.loss[first_nan]:.4f} and the largest logit is {z_pos[first_nan].max():.2f}"
)
print(
    f"largest |naive - stable| before that: "
    f"{np.max(np.abs(naive_curve[:first_nan] - run.loss[:first_nan])):.2g}"
)
print(f"stable loss after {run.steps} steps: {run.final_loss:.4f}")

steps = np.arange(run.steps + 1)
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
ax1.semilogy(steps, run.loss, color=COLORS["GradientDescent"], label="stable (Logistic().loss)")
ax1.semilogy(steps, naive_curve, "--", color=NAIVE, label="naive, same trajectory")
ax1.axvspan(first_nan, run.steps, color=NAIVE, alpha=0.12, label="naive loss = NaN")
ax1.set(xlabel="step $t$", ylabel=r"loss $L[\phi_t]$ (log scale)", title="Loss during training")
ax1.legend()
ax2.plot(
    steps, z_pos.max(axis=1), color=COLORS["GradientDescent"], label=r"largest $z_i$ with $y_i = 1$"
)
ax2.axhline(Z_ROUND, color=NAIVE, linestyle=":", label=f"$z = {Z_ROUND:.1f}$: $p$ rounds to 1")
ax2.axvline(first_nan, color="grey", linestyle=":")
ax2.set(
    xlabel="step $t$",
    ylabel="largest logit of a positive example",
    title="Why: the logits keep growing",
)
ax2.legend(loc="lower right")
fig.suptitle(r"Gradient descent on separable data, $\alpha = 2 \times 10^{-7}$")
plt.show()

# %%
# In a framework with automatic differentiation the damage is worse than a
# ``NaN`` in the log: the derivative of :math:`\log(1 - p)` at :math:`p = 1`
# is infinite, the ``NaN`` flows into the gradient, and one update turns
# every parameter into ``NaN``. PyTorch's ``BCEWithLogitsLoss`` (and
# :func:`~descend.models.bce_with_logits` here) take the logits instead of
# the probabilities for exactly this reason.
#
# What to try
# -----------
# - Repeat the threshold check with ``np.float16``: how large may a logit
#   be before :math:`1 - p` vanishes?
# - Train on the standardised inputs ``x_std`` with ``lr=0.1`` for 1000
#   steps: how large does the largest logit get, and does the naive loss
#   survive?
# - Flip one label so the data are no longer separable: do the logits still
#   grow without bound?
