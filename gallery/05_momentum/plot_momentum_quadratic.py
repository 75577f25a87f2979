r"""
Why momentum works: the rate on a quadratic
===========================================

On a quadratic loss, momentum is a linear iteration, and how fast it
converges can be computed exactly: each direction along an eigenvector of
the Hessian evolves by a 2-by-2 matrix, and the error shrinks by that
matrix's spectral radius per step. This example follows Gabriel Goh's
analysis ("Why Momentum Really Works", Distill, 2017) for the lecture's form
of momentum, :class:`descend.Momentum`: it maps the rate over all
:math:`(\alpha, \beta)`, derives the best pair, checks the predictions
against simulated runs, and shows why momentum needs :math:`\sqrt\kappa`
steps where gradient descent needs :math:`\kappa`.
"""

# %%
# One direction at a time
# -----------------------
# Take a quadratic with minimum :math:`\phi^*` and a Hessian :math:`H`
# whose orthonormal eigenvectors :math:`\mathbf{q}_j` have the eigenvalues
# (curvatures) :math:`\lambda_j`,
#
# .. math::
#
#     L[\phi] = L[\phi^*]
#     + \tfrac12 \sum_j \lambda_j \bigl(\mathbf{q}_j^\top (\phi - \phi^*)\bigr)^2,
#
# and the lecture's momentum, with :math:`m_0 = 0`:
#
# .. math::
#
#     m_{t+1} = \beta m_t + (1-\beta) g_t, \qquad \phi_{t+1} = \phi_t - \alpha m_{t+1}.
#
# The gradient's coordinate along :math:`\mathbf{q}_j` is
# :math:`\mathbf{q}_j^\top g_t = \lambda_j\, \mathbf{q}_j^\top (\phi_t - \phi^*)`,
# so each eigen-direction runs on its own, as in gradient descent
# (:doc:`/gradient-descent`). Dropping the index :math:`j` (so that
# :math:`\lambda` stands for :math:`\lambda_j`, and :math:`\phi_t - \phi^*`
# and :math:`m_t` for their coordinates along :math:`\mathbf{q}_j`),
#
# .. math::
#
#     m_{t+1} &= \beta m_t + (1-\beta)\lambda\, (\phi_t - \phi^*), \\
#     \phi_{t+1} - \phi^* &= \phi_t - \phi^* - \alpha m_{t+1}
#     = (1 - \alpha(1-\beta)\lambda)\, (\phi_t - \phi^*) - \alpha\beta\, m_t,
#
# that is,
#
# .. math::
#
#     \begin{bmatrix} \phi_{t+1} - \phi^* \\ m_{t+1} \end{bmatrix}
#     = M \begin{bmatrix} \phi_t - \phi^* \\ m_t \end{bmatrix}, \qquad
#     M = \begin{bmatrix} 1 - \alpha(1-\beta)\lambda & -\alpha\beta \\
#         (1-\beta)\lambda & \beta \end{bmatrix}.
#
# After :math:`t` steps the state is :math:`M^t (\phi_0 - \phi^*, 0)`, which shrinks
# like :math:`\rho^t`, where :math:`\rho(\alpha, \beta, \lambda)` is the
# spectral radius of :math:`M` (its largest eigenvalue in modulus);
# :func:`descend.analysis.momentum_rate` computes it and
# :func:`descend.analysis.momentum_matrix` builds :math:`M`. A run with
# several curvatures converges at the slowest of their rates.
#
# We use :class:`descend.landscapes.Quadratic` with curvatures
# :math:`\lambda_{\min} = 1` and :math:`\lambda_{\max} = 100`, so the
# condition number is :math:`\kappa = 100`, turned by 30 degrees so that the
# eigenvectors are not the coordinate axes. Its minimum is :math:`\phi^* = 0`.
# First a check that the matrix is right: a run of :class:`descend.Momentum`,
# rotated into the eigenvectors, against powers of :math:`M`.
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import BoundaryNorm

import descend
from descend.analysis import momentum_matrix, momentum_rate, optimal_momentum
from descend.landscapes import Quadratic

lam_min, lam_max = 1.0, 100.0
kappa = lam_max / lam_min
angle = np.pi / 6
problem = Quadratic(a=lam_min, b=lam_max, angle=angle)
eigvecs = np.array([[np.cos(angle), np.sin(angle)], [-np.sin(angle), np.cos(angle)]])
phi0 = np.array([1.0, 1.0])

alpha, beta, steps = 0.05, 0.8, 60
run = descend.fit(descend.Momentum(alpha, beta), problem, phi0, steps=steps)
err_run = run.phi @ eigvecs.T  # rows: q_j^T (phi_t - phi*) along lambda_min, lambda_max
err_matrix = np.empty_like(err_run)
for j, lam in enumerate((lam_min, lam_max)):
    state = np.array([err_run[0, j], 0.0])  # (phi_0 - phi*, m_0) along q_j
    M = momentum_matrix(alpha, beta, lam)
    for t in range(steps + 1):
        err_matrix[t, j] = state[0]
        state = M @ state
print(f"Momentum({alpha}, {beta}), {steps} steps: max |run - M^t (phi_0 - phi*, 0)| = "
      f"{np.abs(err_run - err_matrix).max():.1e}")  # fmt: skip

# %%
# The map of rates
# ----------------
# The rate of a run on this quadratic is
# :math:`\max\bigl(\rho(\alpha, \beta, \lambda_{\min}), \rho(\alpha, \beta, \lambda_{\max})\bigr)`,
# here on a grid of learning rates :math:`\alpha` (log scale) and momentum
# coefficients :math:`\beta`. (The run and the powers of :math:`M` above
# agree to rounding error.) The text below the figure derives the curves
# drawn on it, and the four marked points are simulated further down.
opt = optimal_momentum(lam_min, lam_max)
alpha_gd = 2 / (lam_min + lam_max)  # gradient descent's best step (derived below)


def run_rate(a, b):
    """Rate of the run: the slower of the two directions."""
    return max(momentum_rate(a, b, lam_min), momentum_rate(a, b, lam_max))


rates = np.vectorize(run_rate)
alphas = np.geomspace(1e-3, 10, 400)
betas = np.linspace(0, 0.995, 400)
A, B = np.meshgrid(alphas, betas)
R = rates(A, B)

points = {  # the runs simulated further down
    "optimum": (opt.alpha, opt.beta),
    "underdamped": (0.1, 0.9),
    "overdamped": (0.03, 0.3),
    "gradient descent": (alpha_gd, 0.0),
}

# Bands that narrow towards rate 1, so that rates near 1 stay apart.
levels = [0.8, 0.85, 0.9, 0.95, 0.97, 0.98, 0.99, 0.995, 0.998, 1.0]
fig, ax = plt.subplots(figsize=(8, 5.6))
bands = ax.contourf(A, B, np.ma.masked_greater_equal(R, 1.0), levels=levels,
                    norm=BoundaryNorm(levels, 256))  # fmt: skip
ax.contour(A, B, R, levels=levels[:-1], colors="white", linewidths=0.6)
fig.colorbar(
    bands, ax=ax, label=r"rate per step, $\max(\rho(\lambda_{\min}), \rho(\lambda_{\max}))$"
)
ax.set_facecolor("0.85")  # where the rate is >= 1: diverges
ax.contour(A, B, R, levels=[1.0], colors="#D55E00", linewidths=2.2)
root_b = np.sqrt(betas)
for lam, style, name in [(lam_min, "--", r"\min"), (lam_max, ":", r"\max")]:
    for sign in (-1, 1):  # alpha (1 - beta) lambda = (1 -+ sqrt(beta))^2
        curve = (1 + sign * root_b) ** 2 / ((1 - betas) * lam)
        stable = rates(curve, betas) < 1  # drawn only where the run converges
        label = rf"critical damping, $\lambda_{{{name}}}$" if sign < 0 else None
        ax.plot(
            np.where(stable, curve, np.nan), betas, style, color="black", linewidth=1.4, label=label
        )
ax.plot([], [], color="#D55E00", linewidth=2.2, label="stability boundary, rate = 1")
markers = {"optimum": "*", "underdamped": "s", "overdamped": "^", "gradient descent": "o"}
for name, (a, b) in points.items():
    ax.plot(a, b, markers.get(name, "D"), color="#CC0000" if name == "optimum" else "white",
            markeredgecolor="black", markersize=15 if name == "optimum" else 8,
            clip_on=False, label=f"{name} ({a:.3g}, {b:.3g})")  # fmt: skip
ax.set_xscale("log")
ax.grid(False)
ax.set_xlim(alphas[0], alphas[-1])
ax.set_ylim(0, 1)
ax.set_xlabel(r"learning rate $\alpha$")
ax.set_ylabel(r"momentum coefficient $\beta$")
ax.set_title(rf"Rate of Momentum($\alpha$, $\beta$) on a quadratic with $\lambda$ = 1 and 100 "
             rf"($\kappa$ = {kappa:g})")  # fmt: skip
ax.legend(loc="lower right", fontsize="small", framealpha=0.9, frameon=True)
plt.show()

# %%
# Where the map comes from
# ------------------------
# Write :math:`\nu = \alpha(1-\beta)`: it is Sutskever's step size
# :math:`\nu` of :doc:`/nesterov`, the step that multiplies the gradient when
# momentum is written with a velocity. The matrix :math:`M` has trace
# :math:`\operatorname{tr} M = 1 + \beta - \nu\lambda` and determinant
# :math:`(1 - \nu\lambda)\beta + \alpha\beta(1-\beta)\lambda = \beta`, so its
# eigenvalues :math:`\Lambda` are the roots of its characteristic polynomial
#
# .. math::
#
#     \chi(\Lambda) = \Lambda^2 - (\operatorname{tr} M)\, \Lambda + \beta, \qquad
#     (\operatorname{tr} M)^2 - 4\beta = \bigl((1-\sqrt\beta)^2 - \nu\lambda\bigr)
#                     \bigl((1+\sqrt\beta)^2 - \nu\lambda\bigr).
#
# **Underdamped** (:math:`(1-\sqrt\beta)^2 < \nu\lambda < (1+\sqrt\beta)^2`):
# the discriminant is negative, the eigenvalues are a complex pair whose
# product is :math:`\beta`, and :math:`\rho = \sqrt\beta` whatever
# :math:`\alpha` is; the error spirals in. **Overdamped** (outside that
# band): two real eigenvalues,
# :math:`\rho = \bigl(|\operatorname{tr} M| + \sqrt{(\operatorname{tr} M)^2 - 4\beta}\bigr)/2`;
# below the band the error creeps in without oscillating, above it it flips
# sign every step. **Critical damping** is the border, where the
# discriminant vanishes: :math:`\alpha(1-\beta)\lambda = (1 \mp \sqrt\beta)^2`,
# the dashed (:math:`\lambda_{\min}`) and dotted (:math:`\lambda_{\max}`)
# curves.
#
# **Stability.** Since the eigenvalues' product is :math:`\beta < 1`, a
# complex pair always converges. A real pair :math:`\Lambda_1 \le \Lambda_2`
# lies in :math:`(-1, 1)` exactly when :math:`\chi(1) > 0` and
# :math:`\chi(-1) > 0`: :math:`\chi(1) > 0` puts 1 outside
# :math:`[\Lambda_1, \Lambda_2]`, and both roots above 1 would make their
# product exceed 1, so both are below 1; likewise for :math:`-1`. With
# :math:`\chi(1) = \nu\lambda` and :math:`\chi(-1) = 2(1+\beta) - \nu\lambda`,
# and since the complex band lies inside this interval
# (:math:`(1+\sqrt\beta)^2 < 2(1+\beta)` for :math:`\beta < 1`),
#
# .. math::
#
#     \rho(\alpha, \beta, \lambda) < 1 \iff 0 < \alpha(1-\beta)\lambda < 2(1+\beta).
#
# With curvatures in between, no direction is worse than the extremes: as a
# function of :math:`\nu\lambda`, :math:`\rho` falls to :math:`\sqrt\beta`
# at the lower edge of the band, stays there across it and rises after it, so
# its maximum over :math:`[\lambda_{\min}, \lambda_{\max}]` is at an end. The
# stability boundary of the run is therefore
# :math:`\alpha(1-\beta)\lambda_{\max} = 2(1+\beta)`, the thick curve.
#
# **The optimum.** Which :math:`(\alpha, \beta)` gives the smallest rate? A
# rate :math:`\rho` is reached when both eigenvalues lie in
# :math:`|\Lambda| \le \rho`, which holds exactly when
# :math:`\beta \le \rho^2` (their product is :math:`\beta`) and
# :math:`|\operatorname{tr} M| \le \rho + \beta/\rho` (for a real pair,
# :math:`\chi(\pm\rho) \ge 0` as above; a complex pair has
# :math:`|\operatorname{tr} M| < 2\sqrt\beta \le \rho + \beta/\rho`). For
# both curvatures that reads
#
# .. math::
#
#     (1-\rho)\Bigl(1 - \frac{\beta}{\rho}\Bigr) \le \nu\lambda_{\min}
#     \quad\text{and}\quad
#     \nu\lambda_{\max} \le (1+\rho)\Bigl(1 + \frac{\beta}{\rho}\Bigr),
#
# and a step :math:`\nu` fitting both exists when :math:`\kappa` is at most
# the ratio of the bounds, which grows with :math:`\beta`. So the best is
# :math:`\beta = \rho^2`, where the condition becomes
# :math:`\kappa \le \bigl((1+\rho)/(1-\rho)\bigr)^2`, that is
# :math:`\rho \ge (\sqrt\kappa-1)/(\sqrt\kappa+1)`. At equality both
# curvatures sit exactly on critical damping,
# :math:`\nu\lambda_{\min} = (1-\rho)^2` and
# :math:`\nu\lambda_{\max} = (1+\rho)^2`; subtracting and adding the square
# roots, :math:`\sqrt\nu(\sqrt{\lambda_{\max}} - \sqrt{\lambda_{\min}}) = 2\rho`
# and :math:`\sqrt\nu(\sqrt{\lambda_{\max}} + \sqrt{\lambda_{\min}}) = 2`.
# This is Polyak's result for the heavy ball
# :math:`\phi_{t+1} = \phi_t - \nu g_t + \beta(\phi_t - \phi_{t-1})`
# (:doc:`/momentum`):
#
# .. math::
#
#     \beta^* = \left(\frac{\sqrt\kappa-1}{\sqrt\kappa+1}\right)^2, \qquad
#     \nu^* = \left(\frac{2}{\sqrt{\lambda_{\max}} + \sqrt{\lambda_{\min}}}\right)^2, \qquad
#     \rho^* = \sqrt{\beta^*} = \frac{\sqrt\kappa-1}{\sqrt\kappa+1}.
#
# Gradient descent is :math:`\beta = 0`, where :math:`\rho = |1 - \alpha\lambda|`;
# the worst of :math:`|1 - \alpha\lambda_{\min}|` and
# :math:`|1 - \alpha\lambda_{\max}|` is smallest when the two are equal, at
# :math:`\alpha = 2/(\lambda_{\min} + \lambda_{\max})`, with rate
# :math:`(\kappa-1)/(\kappa+1)`.
#
# **From the heavy ball to** :class:`descend.Momentum`. The characteristic
# polynomial :math:`\Lambda^2 - (1 + \beta - \alpha(1-\beta)\lambda) \Lambda + \beta` is
# the heavy ball's with :math:`\nu = \alpha(1-\beta)`; directly, from
# :math:`\alpha m_{t+1} = \phi_t - \phi_{t+1}`,
# :math:`\phi_{t+1} = \phi_t - \alpha(\beta m_t + (1-\beta) g_t)
# = \phi_t - \alpha(1-\beta) g_t + \beta(\phi_t - \phi_{t-1})`. With
# :math:`1 - \beta^* = 4\sqrt\kappa/(\sqrt\kappa+1)^2` and
# :math:`\nu^* = 4/\bigl(\lambda_{\min}(\sqrt\kappa+1)^2\bigr)`,
#
# .. math::
#
#     \alpha^* = \frac{\nu^*}{1-\beta^*} = \frac{1}{\lambda_{\min}\sqrt\kappa}
#              = \frac{1}{\sqrt{\lambda_{\min}\lambda_{\max}}} .
#
# The numbers, the heavy ball run next to :class:`descend.Momentum` with
# :math:`\nu = \alpha(1-\beta)`, and the formulas against the grid: the
# grid above, and a finer one around the optimum.
root_kappa = np.sqrt(kappa)
beta_star = ((root_kappa - 1) / (root_kappa + 1)) ** 2
nu_star = (2 / (np.sqrt(lam_max) + np.sqrt(lam_min))) ** 2
alpha_star = nu_star / (1 - beta_star)
rate_gd = (kappa - 1) / (kappa + 1)
print(f"kappa = {kappa:g}")
print(f"heavy ball optimum: nu* = {nu_star:.6f}, beta* = {beta_star:.6f}")
print(f"Momentum optimum:   alpha* = nu*/(1 - beta*) = {alpha_star:.6f} "
      f"(1/sqrt(lam_min lam_max) = {1 / np.sqrt(lam_min * lam_max):.6f})")  # fmt: skip
print(f"optimal rate sqrt(beta*) = {np.sqrt(beta_star):.6f}, "
      f"max_j rho(alpha*, beta*, lam_j) = {run_rate(alpha_star, beta_star):.6f}")  # fmt: skip
print(f"gradient descent: best alpha = {alpha_gd:.6f}, rate (kappa-1)/(kappa+1) = {rate_gd:.6f}, "
      f"|1 - alpha lam_max| = {momentum_rate(alpha_gd, 0.0, lam_max):.6f}")  # fmt: skip
print(f"library: optimal_momentum(1, 100) = {opt}")

phi_prev, phi = phi0, phi0 - nu_star * problem.grad(phi0)  # heavy ball: no momentum yet
heavy_ball = [phi0, phi]
for _ in range(steps - 1):
    phi_prev, phi = phi, phi - nu_star * problem.grad(phi) + beta_star * (phi - phi_prev)
    heavy_ball.append(phi)
run_opt = descend.fit(descend.Momentum(alpha_star, beta_star), problem, phi0, steps=steps)
print(f"heavy ball(nu*, beta*) vs Momentum(alpha*, beta*), {steps} steps: "
      f"max |difference| = {np.abs(np.array(heavy_ball) - run_opt.phi).max():.1e}")  # fmt: skip

i = np.unravel_index(np.argmin(R), R.shape)
print(f"coarse grid ({R.size} points): min rate {R[i]:.6f} at alpha = {A[i]:.4f}, "
      f"beta = {B[i]:.4f}")  # fmt: skip
fine_a, fine_b = np.meshgrid(  # 400 nodes: none lands exactly on the optimum
    np.linspace(0.8, 1.2, 400) * alpha_star, np.linspace(beta_star - 0.02, beta_star + 0.02, 400)
)
fine = rates(fine_a, fine_b)
j = np.unravel_index(np.argmin(fine), fine.shape)
print(f"fine grid ({fine.size} points): min rate {fine[j]:.6f} at alpha = {fine_a[j]:.4f}, "
      f"beta = {fine_b[j]:.4f}")  # fmt: skip

# %%
# The formulas agree with each other and with the library's
# :func:`descend.analysis.optimal_momentum`: :math:`\alpha^* = 0.1`,
# :math:`\beta^* = (9/11)^2 = 0.669421` and a rate of :math:`9/11 = 0.818182`
# per step, against :math:`99/101 = 0.980198` for the best gradient descent,
# :math:`\alpha = 2/101 = 0.019802`. The heavy ball with
# :math:`\nu^* = 0.033058` traces the same points as
# ``Momentum(alpha*, beta*)`` to rounding error. No grid point beats the
# formula: the best of the map's grid is 0.8206, at
# :math:`(\alpha, \beta) = (0.0989, 0.6733)` just above the star, and a grid
# with spacing :math:`10^{-4}` around the star gets to 0.818274, within
# :math:`10^{-4}` of 0.818182.
#
# The star is where the two critical-damping curves cross. Above it, between
# the dashed and the dotted curve, both directions are underdamped and the
# rate is :math:`\sqrt\beta` whatever :math:`\alpha` is, which is why the
# bands there are horizontal; left of the dashed curve, and everywhere below
# the star, the slow direction (:math:`\lambda_{\min}`) is overdamped and
# creeps; right of the dotted
# curve the fast direction flips sign every step, up to the stability
# boundary, which the dotted curve approaches as :math:`\beta \to 1`.
#
# Simulated runs
# --------------
# The four marked points, run with :class:`descend.Momentum` from
# :math:`\phi_0 = (1, 1)`: the error :math:`|\phi_t - \phi^*|` on a log
# scale, with lines of slope :math:`\rho^t` from the matrix (their height is
# fitted). The fitted rate is :math:`e^{\text{slope}}` of a least-squares line
# through :math:`\ln|\phi_t - \phi^*|` over the second half of the run, the
# shaded steps.
n_steps = 200
fit_from = n_steps // 2
styles = {"optimum": "#CC0000", "underdamped": "#56B4E9", "overdamped": "#009E73",
          "gradient descent": "#000000"}  # fmt: skip
fig, ax = plt.subplots(figsize=(7.5, 4.8))
t = np.arange(n_steps + 1)
for name, (a, b) in points.items():
    traj = descend.fit(descend.Momentum(a, b), problem, phi0, steps=n_steps)
    err = np.linalg.norm(traj.phi - problem.minimum, axis=1)
    predicted = run_rate(a, b)
    log_err = np.log(err)
    slope = np.polyfit(t[fit_from:], log_err[fit_from:], 1)[0]
    height = np.mean(log_err[fit_from:] - t[fit_from:] * np.log(predicted))
    print(f"{name:17s} alpha = {a:.4f}, beta = {b:.4f}: predicted rate {predicted:.4f}, "
          f"fitted {np.exp(slope):.4f}")  # fmt: skip
    color = styles.get(name, "#CC79A7")
    ax.plot(t, err, color=color, label=f"{name}, rate {predicted:.3f}")
    ax.plot(t, np.exp(height) * predicted**t, "--", color=color, linewidth=1)
ax.axvspan(fit_from, n_steps, color="0.9", zorder=0, label="steps used for the fit")
ax.set_yscale("log")
ax.set_xlabel("step $t$")
ax.set_ylabel(r"error $|\phi_t - \phi^*|$")
ax.set_title(rf"Momentum on the quadratic ($\kappa$ = {kappa:g}): runs and predicted slopes "
             r"$\rho^t$ (dashed)")  # fmt: skip
ax.legend(fontsize="small")
plt.show()

# %%
# The slopes agree: the overdamped run and gradient descent to four digits.
# The underdamped run (:math:`\beta = 0.9`) wiggles as both directions spiral
# in at :math:`\sqrt{0.9}`, which moves its fit a little (0.9472 against
# 0.9487). The fit at the optimum is high (0.8237 against 0.8182) for a reason
# the matrix explains: at :math:`(\alpha^*, \beta^*)` both directions are
# critically damped, each :math:`M` has a double eigenvalue and no second
# eigenvector, and :math:`M^t` shrinks like :math:`t\rho^t`, not
# :math:`\rho^t`. Over steps 100 to 200 the factor :math:`t` adds about
# :math:`1/150` to the slope of :math:`\ln|\phi_t - \phi^*|`, and
# :math:`0.8182\, e^{1/150} = 0.8237`. The rate still wins by far: gradient
# descent at its best step needs ten times as many steps per tenfold error
# reduction (115.1 against 11.5, printed below).
#
# Square root of kappa against kappa
# ----------------------------------
# How the optimum moves with the condition number, and what it buys: the
# number of steps that shrink the error tenfold, :math:`\ln 10 / (-\ln\rho)`,
# is about :math:`\tfrac{\ln 10}{2}\sqrt\kappa` for momentum and
# :math:`\tfrac{\ln 10}{2}\kappa` for gradient descent when :math:`\kappa` is
# large, since :math:`-\ln\frac{x-1}{x+1} \approx 2/x`.
kappas = np.geomspace(1, 1e4, 200)
best = [optimal_momentum(1.0, k) for k in kappas]
beta_opt = np.array([b.beta for b in best])
rate_mom = np.array([b.rate for b in best])
rate_gd_k = (kappas - 1) / (kappas + 1)

fig, axes = plt.subplots(1, 2, figsize=(11, 4.4))
ax = axes[0]
ax.plot(kappas, beta_opt, color="#56B4E9", label=r"optimal $\beta^*$")
ax.plot(kappas, rate_mom, color="#CC0000", label=r"momentum's rate $\sqrt{\beta^*}$")
ax.plot(kappas, rate_gd_k, color="black", label=r"gradient descent's rate")
ax.set_xscale("log")
ax.set_xlabel(r"condition number $\kappa = \lambda_{\max} / \lambda_{\min}$")
ax.set_ylabel(r"$\beta^*$ and rate per step")
ax.set_title("Optimal momentum and the best rates")
ax.legend(fontsize="small")
ax = axes[1]
k = kappas[kappas > 1.5]  # kappa = 1: one step reaches the minimum (rate 0)
for rate, color, name, power in [
    ((np.sqrt(k) - 1) / (np.sqrt(k) + 1), "#CC0000", "momentum", 0.5),
    ((k - 1) / (k + 1), "black", "gradient descent", 1.0),
]:
    ax.plot(k, np.log(10) / -np.log(rate), color=color, label=name)
    asymptote = r"\sqrt{\kappa}" if power == 0.5 else r"\kappa"
    ax.plot(k, np.log(10) / 2 * k**power, ":", color=color, linewidth=1,
            label=rf"$\frac{{\ln 10}}{{2}}\,{asymptote}$")  # fmt: skip
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel(r"condition number $\kappa$")
ax.set_ylabel("steps per tenfold error reduction")
ax.set_title(r"Momentum needs $\sqrt{\kappa}$ steps, gradient descent $\kappa$")
ax.legend(fontsize="small")
plt.show()

for kap in (10.0, 100.0, 1e4):
    o = optimal_momentum(1.0, kap)
    gd = (kap - 1) / (kap + 1)
    print(f"kappa = {kap:7g}: beta* = {o.beta:.4f}, momentum rate {o.rate:.4f} "
          f"({np.log(10) / -np.log(o.rate):6.1f} steps per tenfold), gradient descent "
          f"{gd:.4f} ({np.log(10) / -np.log(gd):7.1f} steps)")  # fmt: skip

# %%
# At :math:`\kappa = 10^4` the best momentum needs about 115 steps per
# tenfold reduction and gradient descent about 11500, a hundredfold
# difference, :math:`\sqrt\kappa`. The optimal :math:`\beta^*` approaches 1
# as :math:`\kappa` grows (0.96 at :math:`\kappa = 10^4`), one reason why
# values like 0.9 and 0.99 are common.
#
# These are statements about exact gradients on a quadratic, so they hold
# near a minimum, where the loss is close to its quadratic approximation; with
# minibatch noise the best
# :math:`\beta` also trades speed against averaging (:doc:`/momentum`).
#
# What to try
# -----------
# - Set ``lam_max = 10.0``: the band of fast rates widens, the optimum moves
#   to :math:`\beta^* = 0.27`, and the gain over gradient descent shrinks to
#   about :math:`\sqrt{10}` (3.5 against 11.5 steps per tenfold reduction).
# - Add a point just right of the thick curve, e.g. ``(0.082, 0.6)``, to
#   ``points``: its rate is above 1, and the error grows by that factor
#   per step.
# - Replace the quadratic by :class:`descend.landscapes.Rosenbrock`, take the
#   eigenvalues of the Hessian at its minimum
#   (:func:`descend.landscapes.hessian`) as :math:`\lambda_{\min}` and
#   :math:`\lambda_{\max}`, and compare the predicted rate with the last
#   steps of a run that has reached the minimum.
