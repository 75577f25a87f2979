r"""Checkers for the momentum and Nesterov exercises: one step of each rule.

Momentum (the lecture's rule, :class:`descend.Momentum`) averages the
gradients into :math:`m` and steps along the average:

.. math::

    m_{t+1} = \beta\, m_t + (1 - \beta)\, g_t, \qquad
    \phi_{t+1} = \phi_t - \alpha\, m_{t+1}.

Nesterov momentum (:class:`descend.NesterovMomentum`) takes the gradient
where momentum alone would carry the parameters next, at the look-ahead
point :math:`\phi_t - \alpha\beta\, m_t`:

.. math::

    m_{t+1} = \beta\, m_t + (1 - \beta)\, g[\phi_t - \alpha\beta\, m_t], \qquad
    \phi_{t+1} = \phi_t - \alpha\, m_{t+1}.

The references are the library's optimizers run for one step through their
public ``init``/``step`` API, from a state whose momentum is the given
:math:`m_t`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from descend._validate import FloatArray
from descend.datasets import textbook_gabor
from descend.exercises._core import Case, CheckResult, Mistake, run_checks
from descend.landscapes import DataLoss, Quadratic
from descend.models import Gabor
from descend.optimizers import Momentum, NesterovMomentum

__all__ = ["check_momentum_step", "check_nesterov_step"]

GradFn = Callable[[FloatArray], FloatArray]
Step = tuple[FloatArray, FloatArray]


def _momentum_reference(
    phi: FloatArray, m: FloatArray, g: FloatArray, alpha: float, beta: float
) -> Step:
    """One step of :class:`descend.Momentum` from momentum ``m``."""
    opt = Momentum(lr=alpha, beta=beta)
    state = opt.init(phi)
    state["m"][...] = m
    new_phi, state = opt.step(phi, g, state)
    return new_phi, state["m"]


def _nesterov_reference(
    phi: FloatArray, m: FloatArray, grad_fn: GradFn, alpha: float, beta: float
) -> Step:
    """One step of :class:`descend.NesterovMomentum` (look-ahead ``phi - alpha beta m``)."""
    opt = NesterovMomentum(lr=alpha, beta=beta)
    state = opt.init(phi)
    state["m"][...] = m
    new_phi, state = opt.step(phi, grad_fn, state)
    return new_phi, state["m"]


# ---------------------------------------------------------------------------
# Cases


def _textbook() -> tuple[GradFn, FloatArray]:
    """The gradient of the Gabor loss on the textbook's 30 points, and notebook 6.4's start."""
    x, y = textbook_gabor()
    return DataLoss(Gabor(), x, y).grad, np.array([-1.5, 6.5])


def _bowl_grad(phi: FloatArray) -> FloatArray:
    r"""Gradient of :math:`L = (100 \phi_0^2 + \phi_1^2 + 0.01 \phi_2^2) / 2`."""
    return np.array([100.0, 1.0, 0.01]) * phi


_TEXTBOOK = "the textbook's Gabor data (gradient of the loss on its 30 points)"


def _momentum_cases() -> list[Case]:
    grad, phi0 = _textbook()
    alpha = beta = 0.6
    m0 = np.zeros(2)
    phi1, m1 = _momentum_reference(phi0, m0, grad(phi0), alpha, beta)
    return [
        Case(
            f"{_TEXTBOOK}: phi = (-1.5, 6.5), m = 0, g = the gradient there, alpha = beta = 0.6",
            (phi0, m0, grad(phi0), alpha, beta),
        ),
        Case(
            f"{_TEXTBOOK}: the second step, from the phi and m != 0 of the first, "
            "alpha = beta = 0.6",
            (phi1, m1, grad(phi1), alpha, beta),
        ),
        Case(
            "coordinates of very different sizes: phi = [1e3, -2e-3, 0.5], "
            "m = [100, -1e-4, 0], g = [-5e4, 3e-3, 2], alpha = 1e-3, beta = 0.9",
            (
                np.array([1e3, -2e-3, 0.5]),
                np.array([100.0, -1e-4, 0.0]),
                np.array([-5e4, 3e-3, 2.0]),
                1e-3,
                0.9,
            ),
        ),
        Case(
            "beta = 0 (no memory: a plain gradient step), m = [0.3, -0.7], alpha = 0.1",
            (np.array([1.0, -2.0]), np.array([0.3, -0.7]), np.array([2.0, 1.0]), 0.1, 0.0),
        ),
        Case(
            "g = 0 (the momentum alone carries phi on), m = [1, 2], alpha = 0.2, beta = 0.8",
            (np.array([0.5, -0.5]), np.array([1.0, 2.0]), np.zeros(2), 0.2, 0.8),
        ),
    ]


def _nesterov_cases() -> list[Case]:
    grad, phi0 = _textbook()
    alpha = beta = 0.6
    m0 = np.zeros(2)
    phi1, m1 = _nesterov_reference(phi0, m0, grad, alpha, beta)
    quadratic = Quadratic(a=1.0, b=10.0, angle=0.3)
    return [
        Case(
            f"{_TEXTBOOK}: phi = (-1.5, 6.5), m = 0, alpha = beta = 0.6",
            (phi0, m0, grad, alpha, beta),
        ),
        # beta != alpha here: with alpha = beta the slide's look-ahead phi - alpha m and
        # the mistake phi - beta m would be the same point.
        Case(
            f"{_TEXTBOOK}: from the phi and m != 0 after that first step, alpha = 0.6, beta = 0.9",
            (phi1, m1, grad, alpha, 0.9),
        ),
        Case(
            "coordinates of very different sizes: L = (100 phi_0^2 + phi_1^2 + 0.01 phi_2^2) / 2, "
            "phi = [0.3, -2, 50], m = [5, -0.5, 20], alpha = 0.01, beta = 0.9",
            (
                np.array([0.3, -2.0, 50.0]),
                np.array([5.0, -0.5, 20.0]),
                _bowl_grad,
                0.01,
                0.9,
            ),
        ),
        Case(
            "beta = 0 (no memory: a plain gradient step at phi), "
            "descend.landscapes.Quadratic(angle=0.3), m = [0.5, 0.2], alpha = 0.05",
            (np.array([1.0, -1.0]), np.array([0.5, 0.2]), quadratic.grad, 0.05, 0.0),
        ),
    ]


# ---------------------------------------------------------------------------
# Usual mistakes of momentum_step


def _m_no_one_minus_beta(
    phi: FloatArray, m: FloatArray, g: FloatArray, alpha: float, beta: float
) -> Step:
    m = beta * m + g
    return phi - alpha * m, m


def _m_old_momentum(
    phi: FloatArray, m: FloatArray, g: FloatArray, alpha: float, beta: float
) -> Step:
    return phi - alpha * m, beta * m + (1 - beta) * g


def _m_beta_swapped(
    phi: FloatArray, m: FloatArray, g: FloatArray, alpha: float, beta: float
) -> Step:
    m = (1 - beta) * m + beta * g
    return phi - alpha * m, m


def _m_sign(phi: FloatArray, m: FloatArray, g: FloatArray, alpha: float, beta: float) -> Step:
    m = beta * m + (1 - beta) * g
    return phi + alpha * m, m


def _m_old_m_returned(
    phi: FloatArray, m: FloatArray, g: FloatArray, alpha: float, beta: float
) -> Step:
    return phi - alpha * (beta * m + (1 - beta) * g), m


def _m_along_g(phi: FloatArray, m: FloatArray, g: FloatArray, alpha: float, beta: float) -> Step:
    return phi - alpha * g, beta * m + (1 - beta) * g


def _m_swapped_outputs(
    phi: FloatArray, m: FloatArray, g: FloatArray, alpha: float, beta: float
) -> Step:
    m = beta * m + (1 - beta) * g
    return m, phi - alpha * m


_NO_ONE_MINUS_BETA = (
    "m was updated as beta m + g, without the factor (1 - beta) on g. That is PyTorch's "
    "form (SGD(momentum=beta)), whose m is 1 / (1 - beta) times larger; the lecture's "
    "momentum is an average of the gradients: m <- beta m + (1 - beta) g."
)
_OLD_MOMENTUM = (
    "phi was moved with the old momentum m_t. Update m first, then step with the new one: "
    "phi <- phi - alpha m_{t+1}."
)
_BETA_SWAPPED = (
    "beta and 1 - beta are swapped: beta weighs the old momentum and 1 - beta the new "
    "gradient, m <- beta m + (1 - beta) g."
)
_SIGN = "phi moved uphill: subtract the step, phi <- phi - alpha m."
_OLD_M_RETURNED = (
    "phi is right, but the m returned is the old one: return the updated momentum, which "
    "the next step needs."
)
_SWAPPED_OUTPUTS = "the results come in the wrong order: return (phi, m), phi first."

MOMENTUM_MISTAKES = [
    Mistake("no_one_minus_beta", _m_no_one_minus_beta, _NO_ONE_MINUS_BETA),
    Mistake("old_momentum", _m_old_momentum, _OLD_MOMENTUM),
    Mistake("beta_swapped", _m_beta_swapped, _BETA_SWAPPED),
    Mistake("sign_error", _m_sign, _SIGN),
    Mistake("old_m_returned", _m_old_m_returned, _OLD_M_RETURNED),
    Mistake(
        "step_along_g",
        _m_along_g,
        "phi was moved along the gradient g, as plain gradient descent does; momentum "
        "moves it along the updated momentum: phi <- phi - alpha m_{t+1}.",
    ),
    Mistake("outputs_swapped", _m_swapped_outputs, _SWAPPED_OUTPUTS),
]


# ---------------------------------------------------------------------------
# Usual mistakes of nesterov_step


def _n_at_phi(phi: FloatArray, m: FloatArray, grad_fn: GradFn, alpha: float, beta: float) -> Step:
    m = beta * m + (1 - beta) * grad_fn(phi)
    return phi - alpha * m, m


def _n_slide(phi: FloatArray, m: FloatArray, grad_fn: GradFn, alpha: float, beta: float) -> Step:
    m = beta * m + (1 - beta) * grad_fn(phi - alpha * m)
    return phi - alpha * m, m


def _n_ahead_sign(
    phi: FloatArray, m: FloatArray, grad_fn: GradFn, alpha: float, beta: float
) -> Step:
    m = beta * m + (1 - beta) * grad_fn(phi + alpha * beta * m)
    return phi - alpha * m, m


def _n_ahead_no_alpha(
    phi: FloatArray, m: FloatArray, grad_fn: GradFn, alpha: float, beta: float
) -> Step:
    m = beta * m + (1 - beta) * grad_fn(phi - beta * m)
    return phi - alpha * m, m


def _n_from_ahead(
    phi: FloatArray, m: FloatArray, grad_fn: GradFn, alpha: float, beta: float
) -> Step:
    ahead = phi - alpha * beta * m
    m = beta * m + (1 - beta) * grad_fn(ahead)
    return ahead - alpha * m, m


def _n_no_one_minus_beta(
    phi: FloatArray, m: FloatArray, grad_fn: GradFn, alpha: float, beta: float
) -> Step:
    m = beta * m + grad_fn(phi - alpha * beta * m)
    return phi - alpha * m, m


def _n_old_momentum(
    phi: FloatArray, m: FloatArray, grad_fn: GradFn, alpha: float, beta: float
) -> Step:
    return phi - alpha * m, beta * m + (1 - beta) * grad_fn(phi - alpha * beta * m)


def _n_beta_swapped(
    phi: FloatArray, m: FloatArray, grad_fn: GradFn, alpha: float, beta: float
) -> Step:
    m = (1 - beta) * m + beta * grad_fn(phi - alpha * beta * m)
    return phi - alpha * m, m


def _n_sign(phi: FloatArray, m: FloatArray, grad_fn: GradFn, alpha: float, beta: float) -> Step:
    m = beta * m + (1 - beta) * grad_fn(phi - alpha * beta * m)
    return phi + alpha * m, m


def _n_old_m_returned(
    phi: FloatArray, m: FloatArray, grad_fn: GradFn, alpha: float, beta: float
) -> Step:
    return phi - alpha * (beta * m + (1 - beta) * grad_fn(phi - alpha * beta * m)), m


def _n_swapped_outputs(
    phi: FloatArray, m: FloatArray, grad_fn: GradFn, alpha: float, beta: float
) -> Step:
    m = beta * m + (1 - beta) * grad_fn(phi - alpha * beta * m)
    return m, phi - alpha * m


NESTEROV_MISTAKES = [
    Mistake(
        "gradient_at_phi",
        _n_at_phi,
        "the gradient was taken at phi: that is plain momentum. Nesterov takes it at the "
        "look-ahead point phi - alpha beta m, where the momentum alone would carry phi "
        "next: g = grad_fn(phi - alpha * beta * m).",
    ),
    Mistake(
        "slide_lookahead",
        _n_slide,
        "the gradient was taken at phi - alpha m, the lecture slide's look-ahead. This "
        "site looks ahead to phi - alpha beta m: the next step is phi - alpha (beta m + "
        "(1 - beta) g), and its momentum part alone, -alpha beta m, leads there (PyTorch's "
        "nesterov=True uses the same point). The slide's point lies 1 / beta times as far "
        "from phi, past where momentum leads; the two agree only when m = 0. "
        'descend.NesterovMomentum(lookahead="slide") runs the slide\'s rule, to compare.',
    ),
    Mistake(
        "lookahead_sign",
        _n_ahead_sign,
        "the gradient was taken at phi + alpha beta m, behind phi: the look-ahead is where "
        "the step goes, phi - alpha beta m.",
    ),
    Mistake(
        "lookahead_without_alpha",
        _n_ahead_no_alpha,
        "the gradient was taken at phi - beta m, without the learning rate: momentum "
        "carries phi by alpha beta m, so look ahead to phi - alpha beta m.",
    ),
    Mistake(
        "step_from_lookahead",
        _n_from_ahead,
        "phi was stepped from the look-ahead point. The look-ahead is only where the "
        "gradient is evaluated; the step starts at phi: phi <- phi - alpha m_{t+1}.",
    ),
    Mistake("no_one_minus_beta", _n_no_one_minus_beta, _NO_ONE_MINUS_BETA),
    Mistake("old_momentum", _n_old_momentum, _OLD_MOMENTUM),
    Mistake("beta_swapped", _n_beta_swapped, _BETA_SWAPPED),
    Mistake("sign_error", _n_sign, _SIGN),
    Mistake("old_m_returned", _n_old_m_returned, _OLD_M_RETURNED),
    Mistake("outputs_swapped", _n_swapped_outputs, _SWAPPED_OUTPUTS),
]


# ---------------------------------------------------------------------------
# The checkers


def check_momentum_step(student: object, *, verbose: bool = True) -> CheckResult:
    r"""Check ``momentum_step(phi, m, g, alpha, beta) -> (phi, m)``: one momentum step.

    .. math::

        m_{t+1} = \beta\, m_t + (1 - \beta)\, g_t, \qquad
        \phi_{t+1} = \phi_t - \alpha\, m_{t+1}

    The reference is one step of :class:`descend.Momentum` (``lr=alpha``,
    ``beta=beta``) from a state whose momentum is ``m``. It is run on the
    textbook's Gabor data (the gradient of the loss on its 30 points at
    notebook 6.4's start :math:`(-1.5, 6.5)` with :math:`m = 0`, and the
    step after it, with :math:`m \ne 0`, both with
    :math:`\alpha = \beta = 0.6`), then on coordinates of very different
    sizes, :math:`\beta = 0` and :math:`g = 0`. Answers within a relative
    ``1e-9`` of the library's pass. The usual mistakes are named with a hint:
    no :math:`(1 - \beta)` on :math:`g`, stepping with the old momentum,
    :math:`\beta` and :math:`1 - \beta` swapped, a sign error, returning the
    old :math:`m`, stepping along :math:`g`, and ``(m, phi)`` returned in
    the wrong order.

    Parameters
    ----------
    student
        The student's ``momentum_step(phi, m, g, alpha, beta)``.
    verbose
        Print the message (as a notebook wants); the result holds it either way.

    Returns
    -------
    CheckResult
        ``passed``, the ``message`` (what differs first, and a hint) and the
        name of the matched ``mistake``, if any. Nothing the function does
        (raise, warn, return junk) escapes the checker.

    Examples
    --------
    >>> def momentum_step(phi, m, g, alpha, beta):
    ...     m = beta * m + (1 - beta) * g
    ...     return phi - alpha * m, m
    >>> check_momentum_step(momentum_step).passed
    momentum_step: correct on all 5 checks. Step after step from m = 0, it traces the
    lecture's momentum path.
    True

    Stepping with the old momentum:

    >>> def momentum_step(phi, m, g, alpha, beta):
    ...     return phi - alpha * m, beta * m + (1 - beta) * g
    >>> result = check_momentum_step(momentum_step, verbose=False)
    >>> result.passed, result.mistake
    (False, 'old_momentum')
    >>> print(result.message.splitlines()[-1])
    Hint: phi was moved with the old momentum m_t. Update m first, then step with the new
    one: phi <- phi - alpha m_{t+1}.
    """
    return run_checks(
        "momentum_step",
        student,
        _momentum_reference,
        _momentum_cases(),
        MOMENTUM_MISTAKES,
        outputs=("phi", "m"),
        success="Step after step from m = 0, it traces the lecture's momentum path.",
        verbose=verbose,
    )


def check_nesterov_step(student: object, *, verbose: bool = True) -> CheckResult:
    r"""Check ``nesterov_step(phi, m, grad_fn, alpha, beta) -> (phi, m)``: one Nesterov step.

    .. math::

        m_{t+1} = \beta\, m_t + (1 - \beta)\, g[\phi_t - \alpha\beta\, m_t], \qquad
        \phi_{t+1} = \phi_t - \alpha\, m_{t+1},

    where ``grad_fn(p)`` returns the gradient :math:`g[p]` at any point
    ``p``. The reference is one step of :class:`descend.NesterovMomentum`
    (``lr=alpha``, ``beta=beta``, the default look-ahead
    :math:`\phi_t - \alpha\beta\, m_t`) from a state whose momentum is ``m``.
    It is run on the textbook's Gabor data (``grad_fn`` the gradient of the
    loss on its 30 points; notebook 6.4's start :math:`(-1.5, 6.5)` with
    :math:`m = 0` and :math:`\alpha = \beta = 0.6`, then from the
    :math:`\phi` and :math:`m \ne 0` after that step with :math:`\beta = 0.9`),
    then on a bowl whose coordinates have very different sizes and with
    :math:`\beta = 0`. The usual mistakes are named with a hint: the
    gradient at :math:`\phi_t` (plain momentum), at the slide's
    :math:`\phi_t - \alpha m_t`, at :math:`\phi_t + \alpha\beta m_t` or
    :math:`\phi_t - \beta m_t`, stepping from the look-ahead point, and
    the momentum step's own mistakes (no :math:`(1 - \beta)`, the old
    momentum, :math:`\beta` swapped, sign, old :math:`m`, output order).

    Parameters
    ----------
    student
        The student's ``nesterov_step(phi, m, grad_fn, alpha, beta)``.
    verbose
        Print the message (as a notebook wants); the result holds it either way.

    Returns
    -------
    CheckResult
        ``passed``, the ``message`` (what differs first, and a hint) and the
        name of the matched ``mistake``, if any. Nothing the function does
        (raise, warn, return junk) escapes the checker.

    Examples
    --------
    >>> def nesterov_step(phi, m, grad_fn, alpha, beta):
    ...     m = beta * m + (1 - beta) * grad_fn(phi - alpha * beta * m)
    ...     return phi - alpha * m, m
    >>> check_nesterov_step(nesterov_step).passed
    nesterov_step: correct on all 4 checks. The gradient is taken where momentum leads,
    phi - alpha beta m.
    True

    The gradient at ``phi`` is plain momentum:

    >>> def nesterov_step(phi, m, grad_fn, alpha, beta):
    ...     m = beta * m + (1 - beta) * grad_fn(phi)
    ...     return phi - alpha * m, m
    >>> result = check_nesterov_step(nesterov_step, verbose=False)
    >>> result.passed, result.mistake
    (False, 'gradient_at_phi')
    """
    return run_checks(
        "nesterov_step",
        student,
        _nesterov_reference,
        _nesterov_cases(),
        NESTEROV_MISTAKES,
        outputs=("phi", "m"),
        success="The gradient is taken where momentum leads, phi - alpha beta m.",
        verbose=verbose,
    )
