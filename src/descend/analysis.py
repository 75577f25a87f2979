r"""How fast momentum converges on a quadratic: the rate from a 2-by-2 matrix.

On a quadratic with minimum :math:`\phi^*` whose Hessian has the orthonormal
eigenvectors :math:`\mathbf{q}_j` and the eigenvalues :math:`\lambda_j`,

.. math::

    L[\phi] = L[\phi^*]
    + \tfrac12 \sum_j \lambda_j \bigl(\mathbf{q}_j^\top (\phi - \phi^*)\bigr)^2,

the lecture's momentum (:class:`descend.Momentum`),

.. math::

    m_{t+1} = \beta m_t + (1-\beta) g_t, \qquad
    \phi_{t+1} = \phi_t - \alpha m_{t+1}, \qquad m_0 = 0,

moves each eigen-direction on its own. Since
:math:`\mathbf{q}_j^\top g_t = \lambda_j\, \mathbf{q}_j^\top (\phi_t - \phi^*)`,
the coordinates along :math:`\mathbf{q}_j` of the error and of the momentum
follow

.. math::

    \begin{bmatrix} \mathbf{q}_j^\top (\phi_{t+1} - \phi^*) \\
        \mathbf{q}_j^\top m_{t+1} \end{bmatrix}
    = \underbrace{\begin{bmatrix} 1 - \alpha(1-\beta)\lambda_j & -\alpha\beta \\
        (1-\beta)\lambda_j & \beta \end{bmatrix}}_{M(\alpha, \beta, \lambda_j)}
    \begin{bmatrix} \mathbf{q}_j^\top (\phi_t - \phi^*) \\
        \mathbf{q}_j^\top m_t \end{bmatrix},

so the error along :math:`\mathbf{q}_j` shrinks like :math:`\rho(M)^t`, the
spectral radius to the power of the step count (Goh, 2017, "Why Momentum
Really Works", Distill). Plain gradient descent is :math:`\beta = 0`.

Examples
--------
>>> momentum_rate(0.1, 0.0, 5.0)  # gradient descent: |1 - alpha lambda|
0.5
>>> opt = optimal_momentum(1.0, 100.0)
>>> opt.alpha, opt.beta, opt.rate
(0.1, 0.669, 0.818)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from descend import _validate as check
from descend._validate import FloatArray

__all__ = ["OptimalMomentum", "momentum_matrix", "momentum_rate", "optimal_momentum"]


def _check(alpha: object, beta: object, lam: object) -> tuple[float, float, float]:
    """Validate the arguments shared by :func:`momentum_matrix` and :func:`momentum_rate`."""
    return (
        check.at_least("alpha", alpha, 0.0),
        check.in_range("beta", beta, 0.0, 1.0),
        check.real("lam", lam),
    )


def momentum_matrix(alpha: float, beta: float, lam: float) -> FloatArray:
    r"""The matrix that advances (error, momentum) by one step of momentum.

    .. math::

        M(\alpha, \beta, \lambda) =
        \begin{bmatrix} 1 - \alpha(1-\beta)\lambda & -\alpha\beta \\
            (1-\beta)\lambda & \beta \end{bmatrix},
        \qquad
        \begin{bmatrix} \phi_{t+1} - \phi^* \\ m_{t+1} \end{bmatrix}
        = M \begin{bmatrix} \phi_t - \phi^* \\ m_t \end{bmatrix}

    on a one-parameter quadratic
    :math:`L[\phi] = \tfrac{\lambda}{2} (\phi - \phi^*)^2` (or along one
    eigenvector of a larger quadratic's Hessian), from
    :math:`m_{t+1} = \beta m_t + (1-\beta)\lambda (\phi_t - \phi^*)` and
    :math:`\phi_{t+1} - \phi^* = \phi_t - \phi^* - \alpha m_{t+1}`. Its trace is
    :math:`1 + \beta - \alpha(1-\beta)\lambda` and its determinant
    :math:`\beta`.

    Parameters
    ----------
    alpha
        Learning rate :math:`\alpha \ge 0` of :class:`descend.Momentum`.
    beta
        Momentum coefficient :math:`\beta \in [0, 1)`.
    lam
        The curvature :math:`\lambda` along one eigenvector of the Hessian
        (any real number; :math:`\lambda \le 0` is a flat or downhill
        direction).

    Returns
    -------
    numpy.ndarray
        :math:`M`, shape ``(2, 2)``.

    Raises
    ------
    TypeError
        If a parameter is not a real number (the message names it).
    ValueError
        If a parameter is NaN, infinite or out of its range (the message
        names it).

    Examples
    --------
    >>> momentum_matrix(0.5, 0.5, 2.0)
    array([[ 0.5 , -0.25],
           [ 1.  ,  0.5 ]])
    """
    a, b, lam_ = _check(alpha, beta, lam)
    return np.array([[1 - a * (1 - b) * lam_, -a * b], [(1 - b) * lam_, b]])


def momentum_rate(alpha: float, beta: float, lam: float) -> float:
    r"""Per-step convergence rate of momentum along a direction of curvature :math:`\lambda`.

    The spectral radius :math:`\rho` of :func:`momentum_matrix`: the error
    along that direction shrinks like :math:`\rho^t` (times :math:`t` when
    the two eigenvalues coincide), and grows if :math:`\rho > 1`. The
    eigenvalues :math:`\Lambda` of :math:`M` solve
    :math:`\Lambda^2 - (\operatorname{tr} M)\, \Lambda + \beta = 0`, with the
    trace :math:`\operatorname{tr} M = 1 + \beta - \nu\lambda` and
    :math:`\nu = \alpha(1-\beta)` (Sutskever's step size), whose
    discriminant is

    .. math::

        (\operatorname{tr} M)^2 - 4\beta
        = \bigl((1-\sqrt\beta)^2 - \nu\lambda\bigr)
          \bigl((1+\sqrt\beta)^2 - \nu\lambda\bigr),

    so

    .. math::

        \rho(\alpha, \beta, \lambda) = \begin{cases}
            \sqrt\beta & (1-\sqrt\beta)^2 < \nu\lambda < (1+\sqrt\beta)^2
                \quad \text{(complex pair: underdamped)}, \\
            \tfrac12 \bigl(|\operatorname{tr} M| + \sqrt{(\operatorname{tr} M)^2 - 4\beta}\bigr)
                & \text{otherwise (real: overdamped)},
        \end{cases}

    and :math:`\rho < 1` exactly when :math:`0 < \nu\lambda < 2(1+\beta)`.
    With :math:`\beta = 0` this is gradient descent's
    :math:`|1 - \alpha\lambda|`. Where the discriminant vanishes (critical
    damping) :math:`\rho` has infinite slope, so rounding of the inputs at
    the :math:`10^{-16}` level can move the result by about :math:`10^{-8}`.

    Parameters
    ----------
    alpha
        Learning rate :math:`\alpha \ge 0` of :class:`descend.Momentum`.
    beta
        Momentum coefficient :math:`\beta \in [0, 1)`.
    lam
        The curvature :math:`\lambda` (a Hessian eigenvalue; any real number).

    Returns
    -------
    float
        :math:`\rho \ge 0`.

    Raises
    ------
    TypeError
        If a parameter is not a real number (the message names it).
    ValueError
        If a parameter is NaN, infinite or out of its range (the message
        names it).

    Examples
    --------
    >>> momentum_rate(0.1, 0.9, 1.0)  # underdamped: sqrt(beta)
    0.949
    >>> momentum_rate(0.1, 0.0, 1.0)  # gradient descent
    0.9
    >>> momentum_rate(1.0, 0.5, 10.0) > 1  # nu lambda = 5 > 2 (1 + beta) = 3
    True
    >>> momentum_rate(0.1, 1.0, 1.0)
    Traceback (most recent call last):
    ...
    ValueError: beta must be in [0.0, 1.0), got 1.0
    """
    a, b, lam_ = _check(alpha, beta, lam)
    x = a * (1 - b) * lam_  # nu lambda, with nu = alpha (1 - beta)
    r = math.sqrt(b)  # the rate of a complex pair, sqrt(beta)
    disc = ((1 - r) ** 2 - x) * ((1 + r) ** 2 - x)
    if disc < 0:
        return r
    s = 1 + b - x  # the trace of M
    return 0.5 * (abs(s) + math.sqrt(disc))


@dataclass(frozen=True)
class OptimalMomentum:
    r"""The best fixed :math:`(\alpha, \beta)` and its rate (see :func:`optimal_momentum`).

    Attributes
    ----------
    alpha
        Learning rate :math:`\alpha^*` of :class:`descend.Momentum`.
    beta
        Momentum coefficient :math:`\beta^*`.
    rate
        Per-step rate :math:`\rho^* = \sqrt{\beta^*}` that
        :math:`(\alpha^*, \beta^*)` reaches.
    """

    alpha: float
    beta: float
    rate: float


def optimal_momentum(lam_min: float, lam_max: float) -> OptimalMomentum:
    r"""The fastest momentum for curvatures in :math:`[\lambda_{\min}, \lambda_{\max}]`.

    With :math:`\kappa = \lambda_{\max} / \lambda_{\min}`, Polyak's heavy ball
    :math:`\phi_{t+1} = \phi_t - \nu g_t + \beta(\phi_t - \phi_{t-1})`
    converges fastest, in the worst case over the curvatures, with
    (Polyak, 1964)

    .. math::

        \beta^* = \left(\frac{\sqrt\kappa - 1}{\sqrt\kappa + 1}\right)^2, \qquad
        \nu^* = \left(\frac{2}{\sqrt{\lambda_{\max}} + \sqrt{\lambda_{\min}}}\right)^2,
        \qquad \rho^* = \sqrt{\beta^*} = \frac{\sqrt\kappa - 1}{\sqrt\kappa + 1},

    where gradient descent's best is :math:`(\kappa - 1)/(\kappa + 1)`.
    :class:`descend.Momentum` is the heavy ball with
    :math:`\nu = \alpha(1-\beta)` (Sutskever's step size), so its best
    learning rate is

    .. math::

        \alpha^* = \frac{\nu^*}{1 - \beta^*}
                 = \frac{1}{\sqrt{\lambda_{\min}\lambda_{\max}}} .

    Parameters
    ----------
    lam_min, lam_max
        The smallest and largest Hessian eigenvalue,
        :math:`0 < \lambda_{\min} \le \lambda_{\max}`.

    Returns
    -------
    OptimalMomentum
        ``(alpha, beta, rate)``.

    Raises
    ------
    TypeError
        If ``lam_min`` or ``lam_max`` is not a real number.
    ValueError
        If ``lam_min`` or ``lam_max`` is not finite and ``> 0``, or
        ``lam_min > lam_max``.

    Examples
    --------
    >>> optimal_momentum(1.0, 1.0)  # kappa = 1: one step of alpha = 1/lambda
    OptimalMomentum(alpha=1.0, beta=0.0, rate=0.0)
    >>> optimal_momentum(1.0, 16.0).rate  # (4 - 1) / (4 + 1)
    0.6
    >>> optimal_momentum(2.0, 1.0)
    Traceback (most recent call last):
    ...
    ValueError: lam_min must be <= lam_max, got lam_min=2.0, lam_max=1.0
    """
    lo = check.positive("lam_min", lam_min)
    hi = check.positive("lam_max", lam_max)
    if lo > hi:
        raise ValueError(
            f"lam_min must be <= lam_max, got lam_min={lam_min!r}, lam_max={lam_max!r}"
        )
    root_kappa = math.sqrt(hi / lo)
    rate = (root_kappa - 1) / (root_kappa + 1)
    return OptimalMomentum(alpha=1 / math.sqrt(lo * hi), beta=rate**2, rate=rate)
