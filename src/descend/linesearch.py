r"""Line search: choose the step size :math:`\alpha_t` anew at every step.

Gradient descent moves from :math:`\phi_t` along the negative gradient
:math:`g_t = \partial L / \partial \phi \,|_{\phi_t}`,

.. math::

    \phi_{t+1} = \phi_t - \alpha_t g_t .

Instead of a fixed learning rate, a *line search* looks along that ray and
picks :math:`\alpha_t` from the one-dimensional slice
:math:`\alpha \mapsto L[\phi_t - \alpha g_t]`. This module has the three
pieces the gallery example on line search uses:

- :func:`exact_step`: the minimizer of the slice in closed form, for a
  quadratic loss with Hessian :math:`H`;
- :func:`bracket_search`: a numerical minimizer of any one-dimensional
  function that has a single minimum in an interval (the four-point
  bracketing search of notebook 6.1 of *Understanding Deep Learning*,
  Prince 2023);
- :func:`backtracking`: the Armijo backtracking rule, which does not
  minimize the slice but accepts the first step that lowers the loss enough.

Examples
--------
On :math:`L[\phi] = \phi_0^2 + 10 \phi_1^2` (Hessian
:math:`\operatorname{diag}(2, 20)`) from :math:`\phi = (1, 1)`, where
:math:`g = (2, 20)`:

>>> import numpy as np
>>> H = np.diag([2.0, 20.0])
>>> phi = np.array([1.0, 1.0])
>>> g = H @ phi
>>> print(f"{exact_step(g, H):.6f}")
0.050450
>>> slice_ = lambda a: 0.5 * (phi - a * g) @ H @ (phi - a * g)
>>> print(f"{bracket_search(slice_, 0.0, 1.0):.6f}")
0.050450
>>> print(backtracking(lambda p: 0.5 * p @ H @ p, phi, g).step)
0.0625
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from descend._validate import FloatArray, float_array, integer, positive, real

__all__ = ["BacktrackingResult", "backtracking", "bracket_search", "exact_step"]


def _open_unit(name: str, value: object) -> float:
    """Return ``value`` as a float strictly between 0 and 1."""
    x = real(name, value)
    if not 0 < x < 1:
        raise ValueError(f"{name} must be in the open interval (0, 1), got {value!r}")
    return x


def exact_step(g: FloatArray, H: FloatArray) -> float:
    r"""The exact line-search step for a quadratic loss.

    If :math:`L` is quadratic with Hessian :math:`H`, its slice along the
    negative gradient is the parabola

    .. math::

        L[\phi - \alpha g] = L[\phi] - \alpha\, g^\top g
                             + \tfrac12 \alpha^2\, g^\top H g ,

    whose derivative with respect to :math:`\alpha` vanishes at

    .. math::

        \alpha^* = \frac{g^\top g}{g^\top H g} .

    Parameters
    ----------
    g : numpy.ndarray
        The gradient :math:`g` at the current point, shape ``(n,)``.
    H : numpy.ndarray
        The Hessian :math:`H`, shape ``(n, n)``.

    Returns
    -------
    float
        :math:`\alpha^*`.

    Raises
    ------
    ValueError
        If the shapes do not fit, or if :math:`g^\top H g \le 0` (then the
        slice has no minimum, e.g. because :math:`g = 0`, where every step is
        exact, or :math:`H` is not positive definite).

    Examples
    --------
    >>> exact_step(np.array([2.0, 20.0]), np.diag([2.0, 20.0]))
    0.0504496
    >>> exact_step(np.zeros(2), np.eye(2))
    Traceback (most recent call last):
    ...
    ValueError: g^T H g must be > 0 for the slice to have a minimum, got 0.0 (is g zero?)
    """
    g = float_array("g", g)
    H = float_array("H", H)
    if g.ndim != 1:
        raise ValueError(f"g must be a 1-D gradient, got shape {g.shape}")
    if H.shape != (g.size, g.size):
        raise ValueError(f"H must have shape {(g.size, g.size)} to match g, got shape {H.shape}")
    curvature = float(g @ H @ g)
    if not curvature > 0:  # also refuses NaN
        hint = " (is g zero?)" if not np.any(g) else " (is H positive definite?)"
        raise ValueError(
            f"g^T H g must be > 0 for the slice to have a minimum, got {curvature!r}{hint}"
        )
    return float(g @ g) / curvature


def bracket_search(
    f: Callable[[float], float],
    low: float,
    high: float,
    *,
    tol: float = 1e-10,
    max_iter: int = 200,
) -> float:
    r"""Minimize a one-dimensional function by shrinking a bracket (notebook 6.1's search).

    Four points :math:`s_1 < s_2 < s_3 < s_4` (the code's ``a, b, c, d``), with
    :math:`s_2` and :math:`s_3` at one and two thirds of
    :math:`[s_1, s_4] = [\text{low}, \text{high}]`, bracket the minimum. Each
    iteration evaluates ``f`` at the four points and shrinks the bracket by one
    of three rules:

    1. if ``f`` is lower at :math:`s_1` than at :math:`s_2`, :math:`s_3` and
       :math:`s_4`, the minimum lies in :math:`[s_1, s_2]`: halve the bracket,
       :math:`s_4 \leftarrow (s_1 + s_4) / 2`;
    2. else if ``f`` at :math:`s_2` is at most ``f`` at :math:`s_3`, it lies in
       :math:`[s_1, s_3]`: :math:`s_4 \leftarrow s_3`;
    3. else it lies in :math:`[s_2, s_4]`: :math:`s_1 \leftarrow s_2`;

    and places :math:`s_2` and :math:`s_3` at the thirds of the new bracket.
    This is right whenever ``f`` has a single minimum in
    :math:`[\text{low}, \text{high}]` (is unimodal there). The search stops
    when :math:`s_3 - s_2 \le \text{tol}` or after ``max_iter`` iterations and
    returns :math:`(s_2 + s_3) / 2`.

    Parameters
    ----------
    f : callable
        ``f(alpha) -> float``, e.g. the slice
        :math:`\alpha \mapsto L[\phi - \alpha g]`.
    low, high : float
        The bracket to search, ``low < high``.
    tol : float, default 1e-10
        Stop when the two inner points are this close.
    max_iter : int, default 200
        At most this many iterations (each shrinks the bracket to at most
        two thirds, so 200 are plenty for any ``tol`` above rounding).

    Returns
    -------
    float
        The estimate :math:`(s_2 + s_3) / 2` of the minimizer.

    Raises
    ------
    ValueError
        For a bad argument, or if ``f`` returns NaN.

    Examples
    --------
    >>> round(bracket_search(lambda a: (a - 0.3) ** 2, 0.0, 1.0), 8)
    0.3
    >>> bracket_search(lambda a: a, 1.0, 0.0)
    Traceback (most recent call last):
    ...
    ValueError: low must be < high, got low=1.0, high=0.0
    """
    if not callable(f):
        raise TypeError(f"f must be a callable f(alpha) -> float, got {f!r}")
    a, d = real("low", low), real("high", high)
    if not a < d:
        raise ValueError(f"low must be < high, got low={low!r}, high={high!r}")
    tol = positive("tol", tol)
    max_iter = integer("max_iter", max_iter, low=1)

    def value(alpha: float) -> float:
        v = float(f(alpha))
        if math.isnan(v):
            raise ValueError(f"f returned NaN at alpha={alpha!r}")
        return v

    b, c = a + (d - a) / 3, a + 2 * (d - a) / 3
    for _ in range(max_iter):
        if c - b <= tol:
            break
        fa, fb, fc, fd = value(a), value(b), value(c), value(d)
        if fa < fb and fa < fc and fa < fd:  # rule 1
            d = a + (d - a) / 2
        elif fb <= fc:  # rule 2
            d = c
        else:  # rule 3
            a = b
        b, c = a + (d - a) / 3, a + 2 * (d - a) / 3
    return (b + c) / 2


@dataclass(frozen=True)
class BacktrackingResult:
    r"""What :func:`backtracking` tried and what it accepted.

    Attributes
    ----------
    step : float
        The accepted step :math:`\alpha`, the last entry of ``trials``.
    trials : numpy.ndarray
        Every step tried, :math:`\alpha_{\text{init}}, \tau\,\alpha_{\text{init}},
        \tau^2 \alpha_{\text{init}}, \ldots` with :math:`\tau` = ``rho``, shape ``(k,)``.
    losses : numpy.ndarray
        :math:`L[\phi - \alpha g]` for each trial, shape ``(k,)``.
    loss0 : float
        :math:`L[\phi]`, the loss at the starting point.
    """

    step: float
    trials: FloatArray
    losses: FloatArray
    loss0: float


def backtracking(
    loss: Callable[[FloatArray], float],
    phi: FloatArray,
    g: FloatArray,
    *,
    alpha_init: float = 1.0,
    rho: float = 0.5,
    c: float = 1e-4,
    max_trials: int = 100,
) -> BacktrackingResult:
    r"""Backtracking (Armijo) line search along the negative gradient.

    Try :math:`\alpha = \alpha_{\text{init}}` and multiply it by :math:`\tau` = ``rho``
    until the loss falls by at least a fraction :math:`c` of what the
    gradient promises (the Armijo or sufficient-decrease condition):

    .. math::

        L[\phi - \alpha g] \le L[\phi] - c\, \alpha\, g^\top g .

    For :math:`g \ne 0` and :math:`0 < c < 1` small enough steps always pass,
    because :math:`L[\phi - \alpha g] = L[\phi] - \alpha g^\top g + O(\alpha^2)`.

    Parameters
    ----------
    loss : callable
        ``loss(phi) -> float``, :math:`L`.
    phi : numpy.ndarray
        The current point :math:`\phi`.
    g : numpy.ndarray
        The gradient :math:`g = \partial L / \partial \phi` at ``phi``, same shape.
    alpha_init : float, default 1.0
        The first step to try, :math:`\alpha_{\text{init}} > 0`.
    rho : float, default 0.5
        The factor :math:`\tau \in (0, 1)` that shrinks a rejected step (the site
        writes :math:`\tau`; the name ``rho`` follows Nocedal and Wright).
    c : float, default 1e-4
        The fraction :math:`c \in (0, 1)` of the predicted decrease required.
    max_trials : int, default 100
        Give up after this many rejected steps.

    Returns
    -------
    BacktrackingResult
        The accepted step, every step tried and their losses.

    Raises
    ------
    ValueError
        For a bad argument, or if ``loss(phi)`` is not finite.
    RuntimeError
        If no step passes within ``max_trials`` trials (then ``g`` is probably
        not the gradient of ``loss`` at ``phi``).

    Examples
    --------
    On :math:`L[\phi] = \phi^\top \phi` from :math:`\phi = (1, 0)` the exact
    step is :math:`1/2`; :math:`\alpha = 1` only reaches the other side of the
    bowl, where the loss is as high as before, and is rejected:

    >>> phi = np.array([1.0, 0.0])
    >>> result = backtracking(lambda p: float(p @ p), phi, 2 * phi)
    >>> result.trials, result.losses, result.step
    (array([1. , 0.5]), array([1., 0.]), 0.5)
    >>> backtracking(lambda p: float(p @ p), phi, 2 * phi, rho=1.0)
    Traceback (most recent call last):
    ...
    ValueError: rho must be in the open interval (0, 1), got 1.0
    """
    if not callable(loss):
        raise TypeError(f"loss must be a callable loss(phi) -> float, got {loss!r}")
    phi = float_array("phi", phi)
    g = float_array("g", g)
    if g.shape != phi.shape:
        raise ValueError(f"g has shape {g.shape} but phi has shape {phi.shape}; they must match")
    alpha = positive("alpha_init", alpha_init)
    rho = _open_unit("rho", rho)
    c = _open_unit("c", c)
    max_trials = integer("max_trials", max_trials, low=1)

    loss0 = float(loss(phi))
    if not math.isfinite(loss0):
        raise ValueError(f"loss(phi) must be finite to search from phi, got {loss0!r}")
    slope = float(np.sum(g * g))  # g^T g, the decrease per unit step the gradient promises
    trials: list[float] = []
    losses: list[float] = []
    for _ in range(max_trials):
        trial = float(loss(phi - alpha * g))
        trials.append(alpha)
        losses.append(trial)
        if trial <= loss0 - c * alpha * slope:  # NaN fails this test: shrink
            return BacktrackingResult(alpha, np.array(trials), np.array(losses), loss0)
        alpha *= rho
    raise RuntimeError(
        f"no step passed the Armijo condition in max_trials={max_trials} trials, down to "
        f"alpha={trials[-1]!r}; is g the gradient of loss at phi?"
    )
