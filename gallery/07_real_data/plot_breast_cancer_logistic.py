r"""
Logistic regression on real data, checked against scikit-learn
==============================================================

The other examples fit two parameters (or a small network) to a few dozen
points. Does any of it matter on real data? This one fits logistic regression, the model of the
lecture's Homework 3 post-mortem, to the Wisconsin breast-cancer data (569
tumours, 30 measured features each, shipped with scikit-learn): 31
parameters. On the raw features the naive cross-entropy turns ``NaN`` within
two steps while the stable one stays finite, and the Hessian's condition
number shows why standardizing the features is the real fix. On standardized
features, gradient descent, momentum, Nesterov momentum and Adam all reach the
minimum that scikit-learn's ``LogisticRegression`` finds for the same loss,
to the precision to which scikit-learn solves it.
"""

# %%
# The data and the loss
# ---------------------
# ``sklearn.datasets.load_breast_cancer`` returns the features as a
# :math:`569 \times 30` float array ``X`` and the labels as an ``int64``
# array: 0 for malignant, 1 for benign. The features are the mean, the
# standard error and the "worst" (largest) value of ten measurements of the
# cell nuclei in an image of each tumour, such as their radius, texture and
# area (Street, Wolberg and Mangasarian, 1993; the UCI repository's "Breast
# Cancer Wisconsin (Diagnostic)" data). The labels go into ``descend`` as
# they are: integer (and boolean) arrays of 0s and 1s are taken as exactly
# 0.0 and 1.0. The features have wildly different scales:
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression as SklearnLogisticRegression

import descend
from descend.landscapes import DataLoss, hessian
from descend.models import naive_bce, naive_sigmoid
from descend.networks import LogisticRegression
from descend.plotting import color_of

X, y = load_breast_cancer(return_X_y=True)
print(f"X: {X.shape}, y: {y.dtype}, {np.sum(y == 0)} malignant (y = 0), {np.sum(y == 1)} benign")
spread = X.std(axis=0)
print(f"feature standard deviations from {spread.min():.3g} to {spread.max():.3g}")

# %%
# The model is :class:`descend.networks.LogisticRegression`: for the features
# :math:`x_i` of tumour :math:`i` (a row of ``X``), the weights :math:`W` and
# the bias, the logit is :math:`z_i = W x_i + \mathrm{bias}`, and the loss is the
# binary cross-entropy computed from the logits plus an L2 penalty on the
# weights,
#
# .. math::
#
#     L[\phi] = \sum_{i=1}^{I} \bigl(\operatorname{softplus}[z_i] - y_i z_i\bigr)
#     + \frac{\omega}{2} \lVert W \rVert^2, \qquad \omega = 1 .
#
# This is exactly the objective of scikit-learn's ``LogisticRegression`` with
# its default ``C=1`` (it minimises ``C`` times the sum of the losses plus
# :math:`\tfrac12 \lVert W \rVert^2`, which has the same minimum as
# :math:`L` with :math:`\omega = 1/` ``C``; the bias is not penalised). So
# both libraries minimise the same function, and must find the same minimum.
model = LogisticRegression(30, l2=1.0)
raw = DataLoss(model, X, y)
phi_start = np.zeros(model.size)
print(f"{model.size} parameters; L at phi = 0: {raw.loss(phi_start):.6f} (= 569 log 2)")

# %%
# The Homework 3 post-mortem, on real data
# ----------------------------------------
# Train on the raw features with plain gradient descent, the stable loss
# steering, and evaluate the naive formulas (:func:`~descend.models.naive_sigmoid`
# then :func:`~descend.models.naive_bce`, typed in from the slides) along the
# same path. Every call to them sits inside ``np.errstate``, which silences
# their overflow and ``log(0)`` warnings: here we want to *see* the ``inf``
# and ``NaN`` they return. For three step sizes we print the first step at
# which the naive loss is not a finite number, the largest logit there, and
# the stable loss at that step.


def naive_loss(phi, X, y):
    """The same loss, with the sigmoid and the cross-entropy typed in literally."""
    W = model.views(phi)["W"]
    z = model.logits(phi, X)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        return np.sum(naive_bce(naive_sigmoid(z), y.astype(float))) + 0.5 * np.sum(W**2)


print(f"{'alpha':>7} {'first bad step':>14} {'max |z| there':>14} {'naive L':>8} {'stable L':>10}")
for alpha in (1e-2, 1e-4, 1e-6):
    run = descend.fit(descend.GradientDescent(lr=alpha), raw, phi_start, steps=10)
    naive = np.array([naive_loss(phi, X, y) for phi in run.phi])
    t = int(np.argmax(~np.isfinite(naive)))
    z_max = np.abs(model.logits(run.phi[t], X)).max()
    print(f"{alpha:7.0e} {t:14d} {z_max:14.3g} {naive[t]:8} {run.loss[t]:10.4g}")

# %%
# With features whose spread ranges from 0.0026 to 569, the first step moves
# the weights so far that the largest logit is 2.71 million for
# :math:`\alpha = 10^{-2}`, and still about a thousand for
# :math:`\alpha = 10^{-6}`: far beyond :math:`z \approx 36.7`, where
# :math:`\operatorname{sig}[z]` rounds to exactly 1
# (:doc:`/training-goes-wrong`). The naive loss is ``NaN`` at step 1 or 2.
# The stable loss is a huge but honest number, so the run reports what is
# happening instead of dying, but it is not learning either: from
# :math:`569 \log 2 \approx 394` at the start it has jumped to between
# :math:`7.7 \times 10^{4}` and :math:`1.4 \times 10^{8}`. The stable loss
# cures the symptom; the cause is the conditioning.
#
# The cause: conditioning
# -----------------------
# The step size that gradient descent tolerates is :math:`2 / \lambda_{\max}`,
# and the number of steps it needs grows with the condition number
# :math:`\kappa = \lambda_{\max} / \lambda_{\min}` of the Hessian
# (:doc:`/gradient-descent`). :func:`descend.landscapes.hessian` computes the
# Hessian by central differences of the gradient. At the start
# :math:`\phi = 0`, before and after standardizing each feature (subtract its
# mean, divide by its standard deviation):
X_std = (X - X.mean(axis=0)) / X.std(axis=0)
problem = DataLoss(model, X_std, y)
curvatures = {}
for name, data in (("raw", raw), ("standardized", problem)):
    curvatures[name] = np.linalg.eigvalsh(hessian(data, phi_start))
    lam = curvatures[name]
    print(
        f"{name:>12}: lambda_min = {lam[0]:.3g}, lambda_max = {lam[-1]:.4g}, "
        f"kappa = {lam[-1] / lam[0]:.3g}, largest stable step 2/lambda_max = {2 / lam[-1]:.2g}"
    )

fig, ax = plt.subplots(figsize=(7, 4))
for name, marker in (("raw", "o"), ("standardized", "s")):
    ax.semilogy(np.arange(1, model.size + 1), curvatures[name], marker, label=f"{name} features")
ax.set(
    xlabel="eigenvalue number $j$ (ascending)",
    ylabel=r"curvature $\lambda_j$ (log scale)",
    title=r"Hessian eigenvalues at $\phi = 0$, breast-cancer data",
)
ax.legend()
plt.show()

# %%
# On the raw features the curvatures span more than eight orders of
# magnitude: a step small enough for the steepest direction
# (:math:`2/\lambda_{\max}`, about :math:`10^{-8}`) would barely move along
# the flattest one, for hundreds of millions of steps. Standardizing squeezes
# the spread to about three orders of magnitude. From here on every run uses
# the standardized features.
#
# scikit-learn's answer
# ---------------------
# scikit-learn's default solver (L-BFGS, a quasi-Newton method) is run to a
# tight tolerance. We evaluate *our* loss at its coefficients, and the
# gradient there, which should be nearly zero:
sk = SklearnLogisticRegression(C=1.0, tol=1e-12, max_iter=10_000).fit(X_std, y)
phi_sk = np.concatenate([sk.coef_[0], sk.intercept_])
L_sk = problem.loss(phi_sk)
grad_sk = problem.grad(phi_sk)
print(f"scikit-learn: L = {L_sk:.6f}, largest |gradient| there = {np.abs(grad_sk).max():.1e}")

# %%
# The Hessian at this minimum decides how fast the chapters' methods
# converge, and which constant steps are best:
lam = np.linalg.eigvalsh(hessian(problem, phi_sk))
lam_min, lam_max = lam[0], lam[-1]
kappa = lam_max / lam_min
print(f"minimum: lambda_min = {lam_min:.4f}, lambda_max = {lam_max:.2f}, kappa = {kappa:.1f}")

# %%
# Four optimizers, one minimum
# ----------------------------
# Each optimizer gets the constants its chapter recommends for a loss whose
# curvatures lie between :math:`\lambda_{\min}` and :math:`\lambda_{\max}`:
#
# - gradient descent the best fixed step
#   :math:`\alpha^* = 2 / (\lambda_{\max} + \lambda_{\min})`, which shrinks
#   the error by :math:`(\kappa - 1)/(\kappa + 1)` per step
#   (:doc:`/gradient-descent`);
# - momentum Polyak's constants,
#   :math:`\alpha(1 - \beta) = 4 / (\sqrt{\lambda_{\max}} + \sqrt{\lambda_{\min}})^2`
#   and :math:`\beta = \bigl((\sqrt\kappa - 1)/(\sqrt\kappa + 1)\bigr)^2`,
#   which shrink it by :math:`(\sqrt\kappa - 1)/(\sqrt\kappa + 1)`
#   (:doc:`/momentum`);
# - Nesterov momentum the constants of Nesterov's method for a strongly
#   convex loss, the step :math:`\nu = \alpha(1 - \beta) = 1/\lambda_{\max}`
#   and :math:`\beta = (\sqrt\kappa - 1)/(\sqrt\kappa + 1)` (:doc:`/nesterov`);
# - Adam no formula: :math:`\alpha = 0.1`, a hundred times its default,
#   because its steps are about :math:`\alpha` per coordinate
#   (:doc:`/adam`) and the weights here are of order 1.
#
# All start from :math:`\phi = 0` and take 1000 full-batch steps. We count the
# steps each needs to come, and stay, within :math:`10^{-6}` (relative) of
# scikit-learn's loss, and measure the factor :math:`\rho` by which the
# error :math:`\lVert \phi_t - \phi^* \rVert` shrinks per step once the run
# is close: the loss gap shrinks by :math:`\rho^2` per step, so :math:`\rho`
# is read off where the gap falls from :math:`10^{-3}` to :math:`10^{-9}`
# (relative), beside the factor the chapter predicts.
beta_polyak = ((np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)) ** 2
beta_nesterov = (np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)
rho_gd = (kappa - 1) / (kappa + 1)
predicted = {
    "GradientDescent": rho_gd,
    "Momentum": (np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1),
    "NesterovMomentum": 1 - 1 / np.sqrt(kappa),
}
optimizers = {
    "GradientDescent": descend.GradientDescent(lr=2 / (lam_max + lam_min)),
    "Momentum": descend.Momentum(
        lr=4 / (np.sqrt(lam_max) + np.sqrt(lam_min)) ** 2 / (1 - beta_polyak), beta=beta_polyak
    ),
    "NesterovMomentum": descend.NesterovMomentum(
        lr=1 / lam_max / (1 - beta_nesterov), beta=beta_nesterov
    ),
    "Adam": descend.Adam(lr=0.1),
}
steps = 1000
runs = {name: descend.fit(opt, problem, phi_start, steps=steps) for name, opt in optimizers.items()}


def gap(run):
    """The relative distance of every iterate's loss to scikit-learn's."""
    return np.abs(run.loss - L_sk) / L_sk


def steps_to(run, rel=1e-6):
    """The first step from which the loss stays within ``rel`` (relative) of scikit-learn's."""
    outside = np.flatnonzero(gap(run) > rel)
    return 0 if len(outside) == 0 else int(outside[-1]) + 1


def measured_rate(run):
    """The error's factor per step, from the steps where the gap falls from 1e-3 to 1e-9."""
    a, b = steps_to(run, 1e-3), steps_to(run, 1e-9)
    return (gap(run)[b] / gap(run)[a]) ** (1 / (2 * (b - a)))


print(f"{'':16} {'alpha':>6} {'beta':>5} {'final L':>9} {'(L-L_sk)/L_sk':>13} "
      f"{'max|coef diff|':>14} {'steps to 1e-6':>13} {'rho':>5} {'predicted':>9}")  # fmt: skip
print(f"{'scikit-learn':16} {'':>6} {'':>5} {L_sk:9.6f}")
for name, run in runs.items():
    opt = optimizers[name]
    beta = f"{opt.beta:5.3f}" if hasattr(opt, "beta") else f"{'':5}"
    rho = f"{predicted[name]:9.3f}" if name in predicted else f"{'':9}"
    print(
        f"{name:16} {opt.lr:6.4f} {beta} {run.final_loss:9.6f} "
        f"{(run.final_loss - L_sk) / L_sk:13.1e} {np.abs(run.final_phi - phi_sk).max():14.1e} "
        f"{steps_to(run):13d} {measured_rate(run):5.3f} {rho}"
    )

# %%
# All four agree with scikit-learn to every printed digit of the loss. The
# last digits say who is more exact: our runs end slightly *below*
# scikit-learn's loss, by a relative :math:`2.5 \times 10^{-13}`, because
# L-BFGS stops at its tolerance with a gradient of order :math:`10^{-6}` left,
# while a thousand steps of a first-order method drive the gradient to
# rounding level. The coefficients agree to about :math:`10^{-6}`, the size of
# scikit-learn's remaining error.
#
# Close to the minimum each method shrinks the error by about the factor
# that theory predicts from :math:`\kappa` alone (a statement about a
# quadratic; the logistic loss is close to one only near its minimum): 0.970
# per step for gradient descent (predicted 0.977), 0.894 for Nesterov
# momentum (predicted 0.892) and 0.862 for momentum (predicted 0.805). Yet
# momentum and Nesterov momentum need less than half the steps of gradient
# descent, not the ninth that the predicted factors suggest
# (:math:`\ln 0.977 / \ln 0.805 \approx 1/9`), because much of each run is
# spent far from the minimum. Adam, tuned by no formula, needs the most.
fig, ax = plt.subplots(figsize=(7, 4.4))
for name, run in runs.items():
    ax.semilogy(np.arange(steps + 1), gap(run), color=color_of(name), label=name)
ax.axhline(1e-6, color="grey", linestyle=":", label="$10^{-6}$")
ax.set(
    xlabel="step $t$",
    ylabel=r"$|L[\phi_t] - L_{\mathrm{sklearn}}| \,/\, L_{\mathrm{sklearn}}$ (log scale)",
    title="Standardized breast-cancer data: distance to scikit-learn's minimum",
)
ax.legend()
plt.show()

# %%
# The curves of gradient descent and of the two momentum methods start by
# going *up*: their constants are set for the curvature at the minimum, and
# near :math:`\phi = 0` the curvature is up to
# :math:`\lambda_{\max} \approx 1890` (the second table above), so the first
# steps overshoot. The logistic loss grows only linearly far from its
# minimum, and its curvature shrinks where the sigmoid saturates, so the
# overshoot does not run away. Each curve then falls on a straight line (a
# constant factor per step), dips where the run's loss passes
# scikit-learn's, and settles on the floor at :math:`2.5 \times 10^{-13}`,
# where our loss sits below scikit-learn's.
#
# What to try
# -----------
# - Run :class:`~descend.GradientDescent` with :math:`\alpha = 1/\lambda_{\max}`
#   of the Hessian at :math:`\phi = 0` instead: no overshoot, but how many
#   more steps?
# - Give Nesterov momentum Polyak's constants. Does it still converge? (On a
#   quadratic the look-ahead tolerates smaller steps than the heavy ball.)
# - Run Adam for 5000 steps and watch its curve after it reaches the floor:
#   once the gradients are far below :math:`\epsilon = 10^{-8}`, what does
#   :math:`\hat m / (\sqrt{\hat v} + \epsilon)` do?
# - Fit scikit-learn with ``C=0.01`` and ``LogisticRegression(30, l2=100.0)``:
#   does the agreement hold, and what happens to :math:`\kappa`?
