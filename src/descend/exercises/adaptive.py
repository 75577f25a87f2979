r"""Checkers for the adaptive rules: normalized gradients and Adam.

The exercises ask for one step of each rule, with fixed signatures:

- ``normalized_step(phi, g, alpha, eps)`` returns the new parameters
  :math:`\phi - \alpha\, g / (\sqrt{g^2} + \epsilon)`, square, root and
  division taken coordinate by coordinate (:class:`descend.NormalizedGradient`);
- ``adam_step(phi, m, v, g, t, alpha, beta1, beta2, eps)`` returns
  ``(phi, m, v)`` after one Adam step with bias correction
  (:class:`descend.Adam`), where ``t`` counts the steps taken *including this
  one*: ``t = 1`` on the first step.

Each checker compares the student's function with the library's rule, run
one step through its public ``init``/``step`` API, on the textbook's Gabor
data (:func:`descend.datasets.textbook_gabor`) and on the edge cases where
the usual mistakes show: tiny gradients and second moments (where the place
of :math:`\epsilon` matters), the first step ``t = 1`` (where the bias
correction matters most), a step far into a run, and vectors whose
coordinates differ in size (where the length of the whole vector is not the
size of each coordinate).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from descend._validate import FloatArray
from descend.adaptive import Adam
from descend.datasets import textbook_gabor
from descend.exercises._core import Case, CheckResult, Mistake, run_checks
from descend.models import Gabor
from descend.optimizers import NormalizedGradient

__all__ = ["check_adam_step", "check_normalized_step"]

#: The start of the textbook's momentum notebook (6.4) on the Gabor data.
_START = (-1.5, 6.5)


def _gabor_gradient(phi: FloatArray) -> FloatArray:
    """The gradient of the textbook's Gabor loss (envelope 32, sum of squares) at ``phi``."""
    x, y = textbook_gabor()
    return Gabor(32.0).grad(phi, x, y)


# --- normalized gradients ------------------------------------------------------------------


def _normalized_reference(phi: FloatArray, g: FloatArray, alpha: float, eps: float) -> FloatArray:
    """One step of :class:`descend.NormalizedGradient` from ``phi`` with gradient ``g``."""
    opt = NormalizedGradient(lr=alpha, eps=eps)
    new_phi, _ = opt.step(phi, g, opt.init(phi))
    return new_phi


def _normalized_cases() -> list[Case]:
    start = np.array(_START)
    return [
        Case(
            "the textbook's Gabor data (g = the gradient at phi = (-1.5, 6.5), "
            "alpha = 0.2, eps = 1e-8)",
            (start, _gabor_gradient(start), 0.2, 1e-8),
        ),
        Case(
            "tiny gradients g = (1e-10, -3e-10, 2e-9) with eps = 1e-8, where the place of "
            "eps matters (phi = (0.5, -1, 2), alpha = 0.1)",
            (np.array([0.5, -1.0, 2.0]), np.array([1e-10, -3e-10, 2e-9]), 0.1, 1e-8),
        ),
        Case(
            "a gradient whose coordinates differ in size, g = (1000, -0.002, 0.5, -40) "
            "(phi = (1, 2, -3, 0.25), alpha = 0.05, eps = 1e-8)",
            (
                np.array([1.0, 2.0, -3.0, 0.25]),
                np.array([1000.0, -0.002, 0.5, -40.0]),
                0.05,
                1e-8,
            ),
        ),
        Case(
            "the lecture's g = (3, -2, 5) with a large eps = 0.5 (phi = 0, alpha = 1)",
            (np.zeros(3), np.array([3.0, -2.0, 5.0]), 1.0, 0.5),
        ),
        Case(
            "a gradient with a zero coordinate, g = (0, 2, -1) (phi = (1, 1, 1), "
            "alpha = 0.1, eps = 1e-8)",
            (np.ones(3), np.array([0.0, 2.0, -1.0]), 0.1, 1e-8),
        ),
        Case(
            "a 2 x 2 matrix of parameters, g = [[4, -0.01], [0, 250]] "
            "(phi = [[1, 2], [3, 4]], alpha = 0.3, eps = 1e-8)",
            (
                np.array([[1.0, 2.0], [3.0, 4.0]]),
                np.array([[4.0, -0.01], [0.0, 250.0]]),
                0.3,
                1e-8,
            ),
        ),
    ]


def _norm_eps_inside(phi: Any, g: Any, alpha: Any, eps: Any) -> Any:
    return phi - alpha * g / np.sqrt(g**2 + eps)


def _norm_eps_squared_inside(phi: Any, g: Any, alpha: Any, eps: Any) -> Any:
    return phi - alpha * g / np.sqrt(g**2 + eps**2)


def _norm_whole_vector(phi: Any, g: Any, alpha: Any, eps: Any) -> Any:
    return phi - alpha * g / (np.sqrt(np.sum(g**2)) + eps)


def _norm_whole_vector_no_eps(phi: Any, g: Any, alpha: Any, eps: Any) -> Any:
    return phi - alpha * g / np.sqrt(np.sum(g**2))


def _norm_whole_vector_eps_inside(phi: Any, g: Any, alpha: Any, eps: Any) -> Any:
    return phi - alpha * g / np.sqrt(np.sum(g**2) + eps)


def _norm_sign(phi: Any, g: Any, alpha: Any, eps: Any) -> Any:
    return phi - alpha * np.sign(g)


def _norm_no_sqrt(phi: Any, g: Any, alpha: Any, eps: Any) -> Any:
    return phi - alpha * g / (g**2 + eps)


def _norm_ascent(phi: Any, g: Any, alpha: Any, eps: Any) -> Any:
    return phi + alpha * g / (np.sqrt(g**2) + eps)


def _norm_step_only(phi: Any, g: Any, alpha: Any, eps: Any) -> Any:
    return alpha * g / (np.sqrt(g**2) + eps)


def _norm_minus_step_only(phi: Any, g: Any, alpha: Any, eps: Any) -> Any:
    return -alpha * g / (np.sqrt(g**2) + eps)


_EPS_INSIDE = (
    "eps belongs outside the square root: divide by sqrt(g**2) + eps, not by "
    "sqrt(g**2 + eps). Inside the root it puts a floor of about sqrt(eps) = 1e-4 (for "
    "eps = 1e-8) under the denominator, which shrinks the steps of every coordinate whose "
    "|g| is not much larger than that."
)
_WHOLE_VECTOR = (
    "You divided by the length of the whole gradient vector, np.sqrt(np.sum(g**2)). "
    "The rule divides each coordinate by its own size: sqrt(g**2) elementwise, so "
    "every coordinate moves by about alpha (the vector version gives a step of length "
    "alpha instead; descend.NormalizedGradient(norm='global') is that one)."
)
_NORMALIZED_MISTAKES = [
    Mistake("eps inside the root", _norm_eps_inside, _EPS_INSIDE),
    Mistake("eps inside the root", _norm_eps_squared_inside, _EPS_INSIDE),
    Mistake("whole-vector norm", _norm_whole_vector, _WHOLE_VECTOR),
    Mistake("whole-vector norm", _norm_whole_vector_no_eps, _WHOLE_VECTOR),
    Mistake("whole-vector norm", _norm_whole_vector_eps_inside, _WHOLE_VECTOR),
    Mistake(
        "eps missing",
        _norm_sign,
        "Your step is exactly alpha * sign(g): eps is missing from the denominator "
        "(or you used np.sign). With eps a coordinate moves by alpha |g| / (|g| + eps), "
        "much less than alpha when |g| is as small as eps, and not at all when g = 0.",
    ),
    Mistake(
        "square root missing",
        _norm_no_sqrt,
        "You divided by g**2 + eps: the square root is missing. The rule divides by "
        "sqrt(g**2) + eps, the size |g| of each coordinate.",
    ),
    Mistake(
        "wrong sign",
        _norm_ascent,
        "Your step goes uphill: subtract alpha g / (sqrt(g**2) + eps) from phi, don't add it.",
    ),
    Mistake(
        "returned the step",
        _norm_step_only,
        "You returned the step alpha g / (sqrt(g**2) + eps); return the new parameters, "
        "phi minus that step.",
    ),
    Mistake(
        "returned the step",
        _norm_minus_step_only,
        "You returned minus the step; return the new parameters, phi - alpha g / "
        "(sqrt(g**2) + eps).",
    ),
]


def check_normalized_step(student: object, *, verbose: bool = True) -> CheckResult:
    r"""Check ``normalized_step(phi, g, alpha, eps)``, one normalized-gradient step.

    The rule (:class:`descend.NormalizedGradient`, the lecture's "per
    coordinate" version), with square, root and division taken elementwise:

    .. math::

        \phi_{\text{new}} = \phi - \alpha \, \frac{g}{\sqrt{g^2} + \epsilon}.

    The student's function is compared with one step of
    ``descend.NormalizedGradient(lr=alpha, eps=eps)`` on the textbook's Gabor
    gradient, tiny gradients (``1e-10``, where the place of :math:`\epsilon`
    matters), a gradient whose coordinates differ in size (where dividing by
    the length of the whole vector differs from dividing each coordinate by
    its own size), a large :math:`\epsilon`, a zero gradient coordinate and a
    matrix of parameters. Recognised mistakes: :math:`\epsilon` inside the
    root, the whole-vector norm, :math:`\epsilon` missing (``np.sign``), the
    square root missing, the wrong sign, and returning the step instead of the
    new parameters.

    Parameters
    ----------
    student
        The function ``normalized_step(phi, g, alpha, eps) -> phi``.
    verbose
        Print the verdict (the result holds it either way).

    Returns
    -------
    CheckResult
        ``.passed``, ``.message`` and, for a usual mistake, ``.mistake``.

    Examples
    --------
    >>> import numpy as np
    >>> def normalized_step(phi, g, alpha, eps):
    ...     return phi - alpha * g / (np.sqrt(g**2) + eps)
    >>> check_normalized_step(normalized_step).passed
    normalized_step: correct on all 6 checks. Every coordinate moves by about alpha.
    True
    >>> def by_vector_length(phi, g, alpha, eps):
    ...     return phi - alpha * g / (np.linalg.norm(g) + eps)
    >>> result = check_normalized_step(by_vector_length, verbose=False)
    >>> result.passed, result.mistake
    (False, 'whole-vector norm')
    """
    return run_checks(
        "normalized_step",
        student,
        _normalized_reference,
        _normalized_cases(),
        _NORMALIZED_MISTAKES,
        outputs=("phi",),
        success="Every coordinate moves by about alpha.",
        verbose=verbose,
    )


# --- Adam ----------------------------------------------------------------------------------


def _adam_reference(
    phi: FloatArray,
    m: FloatArray,
    v: FloatArray,
    g: FloatArray,
    t: int,
    alpha: float,
    beta1: float,
    beta2: float,
    eps: float,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Step ``t`` (1-based) of :class:`descend.Adam` from ``(m, v)`` after ``t - 1`` steps."""
    opt = Adam(lr=alpha, betas=(beta1, beta2), eps=eps)
    state = opt.init(phi)
    state.buffers["m"][...] = m
    state.buffers["v"][...] = v
    state.t = t - 1  # the library's counter: the number of steps taken before this one
    new_phi, state = opt.step(phi, g, state)
    return new_phi, state["m"], state["v"]


def _textbook_adam_case() -> Case:
    """The fifth step of ``Adam(lr=0.2)`` on the textbook's Gabor data, from (-1.5, 6.5)."""
    opt = Adam(lr=0.2)
    phi = np.array(_START)
    state = opt.init(phi)
    for _ in range(4):
        phi, state = opt.step(phi, _gabor_gradient(phi), state)
    m, v = state["m"].copy(), state["v"].copy()
    return Case(
        "the textbook's Gabor data: step t = 5 of Adam from phi = (-1.5, 6.5), with phi, m "
        "and v after four steps (alpha = 0.2, beta1 = 0.9, beta2 = 0.999, eps = 1e-8)",
        (phi, m, v, _gabor_gradient(phi), 5, 0.2, 0.9, 0.999, 1e-8),
    )


def _adam_cases() -> list[Case]:
    start = np.array(_START)
    return [
        _textbook_adam_case(),
        Case(
            "the first step, t = 1, where the bias correction matters most (m = v = 0, "
            "g = the textbook's Gabor gradient at phi = (-1.5, 6.5), alpha = 0.2, "
            "beta1 = 0.9, beta2 = 0.999, eps = 1e-8)",
            (start, np.zeros(2), np.zeros(2), _gabor_gradient(start), 1, 0.2, 0.9, 0.999, 1e-8),
        ),
        Case(
            "tiny gradients and second moments, where the place of eps matters "
            "(g = (1e-10, -2e-10), m = (5e-11, -1e-10), v = (1e-20, 3e-20), t = 3, "
            "alpha = 0.1, beta1 = 0.9, beta2 = 0.999, eps = 1e-8)",
            (
                np.array([0.5, -1.0]),
                np.array([5e-11, -1e-10]),
                np.array([1e-20, 3e-20]),
                np.array([1e-10, -2e-10]),
                3,
                0.1,
                0.9,
                0.999,
                1e-8,
            ),
        ),
        Case(
            "far into a run, t = 1000, where 1 - beta2^t = 0.63 still matters "
            "(alpha = 0.01, beta1 = 0.9, beta2 = 0.999, eps = 1e-8)",
            (
                np.array([0.3, -0.7]),
                np.array([0.02, -0.5]),
                np.array([0.004, 0.3]),
                np.array([0.1, -0.4]),
                1000,
                0.01,
                0.9,
                0.999,
                1e-8,
            ),
        ),
        Case(
            "a gradient whose coordinates differ in size, g = (1000, -0.002, 0.5, -40), "
            "with other hyperparameters (t = 7, alpha = 0.01, beta1 = 0.8, beta2 = 0.99, "
            "eps = 1e-6)",
            (
                np.array([1.0, 2.0, -3.0, 0.25]),
                np.array([600.0, -0.001, 0.2, -30.0]),
                np.array([5e4, 2e-6, 0.1, 900.0]),
                np.array([1000.0, -0.002, 0.5, -40.0]),
                7,
                0.01,
                0.8,
                0.99,
                1e-6,
            ),
        ),
        Case(
            "a 2 x 2 matrix of parameters (t = 2, alpha = 0.05, beta1 = 0.9, beta2 = 0.999, "
            "eps = 1e-8)",
            (
                np.array([[1.0, 2.0], [3.0, 4.0]]),
                np.array([[0.4, -0.1], [0.0, 2.0]]),
                np.array([[0.016, 0.001], [0.0, 0.5]]),
                np.array([[3.0, -0.5], [0.0, 10.0]]),
                2,
                0.05,
                0.9,
                0.999,
                1e-8,
            ),
        ),
    ]


def _adam_wrong(
    *,
    correct_m: bool = True,
    correct_v: bool = True,
    power_shift: int = 0,
    eps_inside: int = 0,
    root: bool = True,
    sign: float = -1.0,
    swap_betas: bool = False,
    v_from_g: bool = False,
    hat_state: bool = False,
    old_moments: bool = False,
    folded: bool = False,
) -> Any:
    """An ``adam_step`` that makes the mistakes switched on (each default is correct)."""

    def adam_step(
        phi: Any, m: Any, v: Any, g: Any, t: Any, alpha: Any, beta1: Any, beta2: Any, eps: Any
    ) -> Any:
        b1, b2 = (1 - beta1, 1 - beta2) if swap_betas else (beta1, beta2)
        m_new = b1 * m + (1 - b1) * g
        v_new = b2 * v + (1 - b2) * (g if v_from_g else g**2)
        m_used, v_used = (m, v) if old_moments else (m_new, v_new)
        c1 = 1 - beta1 ** (t + power_shift)
        c2 = 1 - beta2 ** (t + power_shift)
        if folded:  # Kingma & Ba's "efficient" form with eps not rescaled
            step = alpha * np.sqrt(c2) / c1 * m_used / (np.sqrt(v_used) + eps)
            return phi - step, m_new, v_new
        m_hat = m_used / c1 if correct_m else m_used
        v_hat = v_used / c2 if correct_v else v_used
        if eps_inside:  # eps (1) or eps**2 (2) added under the root
            denom = np.sqrt(v_hat + eps**eps_inside)
        elif root:
            denom = np.sqrt(v_hat) + eps
        else:
            denom = v_hat + eps
        new_phi = phi + sign * alpha * m_hat / denom
        if hat_state:
            return new_phi, m_new / c1, v_new / c2
        return new_phi, m_new, v_new

    return adam_step


_ADAM_EPS_INSIDE = (
    "eps belongs outside the square root: divide by sqrt(v_hat) + eps, not by "
    "sqrt(v_hat + eps). Inside the root it puts a floor of about sqrt(eps) = 1e-4 (for "
    "eps = 1e-8) under the denominator, which shrinks the steps of every coordinate whose "
    "gradients are not much larger than that."
)
_ADAM_MISTAKES = [
    Mistake(
        "no bias correction",
        _adam_wrong(correct_m=False, correct_v=False),
        "You stepped with m / (sqrt(v) + eps): the bias correction is missing. m and v "
        "start at 0, so divide them by 1 - beta1**t and 1 - beta2**t (m_hat, v_hat) "
        "before the step; at t = 1 that makes the step about alpha per coordinate.",
    ),
    Mistake(
        "t counted from 0",
        _adam_wrong(power_shift=1),
        "Your bias correction divides by 1 - beta**(t + 1), the site's formula, where steps "
        "are counted from t = 0. Here t counts the steps taken including this one (t = 1 on "
        "the first step), so divide by 1 - beta1**t and 1 - beta2**t.",
    ),
    Mistake("eps inside the root", _adam_wrong(eps_inside=1), _ADAM_EPS_INSIDE),
    Mistake(
        "eps inside the root",
        _adam_wrong(eps_inside=2),  # eps**2 inside the root
        _ADAM_EPS_INSIDE,
    ),
    Mistake(
        "only m bias-corrected",
        _adam_wrong(correct_v=False),
        "You bias-corrected m but not v: divide v by 1 - beta2**t too (v_hat) before "
        "taking its square root.",
    ),
    Mistake(
        "only v bias-corrected",
        _adam_wrong(correct_m=False),
        "You bias-corrected v but not m: divide m by 1 - beta1**t too (m_hat).",
    ),
    Mistake(
        "corrected moments returned as state",
        _adam_wrong(hat_state=True),
        "The new phi is right, but you returned the bias-corrected m_hat and v_hat as the "
        "new state. Return the moving averages m and v themselves: the correction is "
        "applied afresh at every step, to the uncorrected averages.",
    ),
    Mistake(
        "g instead of g**2 in v",
        _adam_wrong(v_from_g=True),
        "v is the moving average of the squared gradient: "
        "v <- beta2 v + (1 - beta2) g**2, not (1 - beta2) g.",
    ),
    Mistake(
        "beta and 1 - beta swapped",
        _adam_wrong(swap_betas=True),
        "beta and 1 - beta are swapped: the old average keeps the weight beta, "
        "m <- beta1 m + (1 - beta1) g and v <- beta2 v + (1 - beta2) g**2.",
    ),
    Mistake(
        "old moments used for the step",
        _adam_wrong(old_moments=True),
        "You stepped with the moments from before this step: first update m and v "
        "with the new gradient g, then bias-correct them and step.",
    ),
    Mistake(
        "eps not rescaled in the folded form",
        _adam_wrong(folded=True),
        "You folded the bias corrections into the step size, alpha sqrt(1 - beta2**t) / "
        "(1 - beta1**t), as Kingma & Ba's 'efficient' form does. That is the same rule only "
        "if eps is rescaled too: divide by sqrt(v) + eps sqrt(1 - beta2**t), or write "
        "m_hat / (sqrt(v_hat) + eps) as the rule says.",
    ),
    Mistake(
        "square root missing",
        _adam_wrong(root=False),
        "You divided by v_hat + eps: the square root is missing. Divide by sqrt(v_hat) + eps.",
    ),
    Mistake(
        "wrong sign",
        _adam_wrong(sign=1.0),
        "Your step goes uphill: subtract alpha m_hat / (sqrt(v_hat) + eps) from phi.",
    ),
]


def check_adam_step(student: object, *, verbose: bool = True) -> CheckResult:
    r"""Check ``adam_step(phi, m, v, g, t, alpha, beta1, beta2, eps)``, one Adam step.

    The rule (:class:`descend.Adam`), elementwise, with ``t`` the number of
    steps taken *including this one* (``t = 1`` on the first step, where
    ``m = v = 0``):

    .. math::

        m_{\text{new}} &= \beta_1 m + (1 - \beta_1)\, g, \qquad
        v_{\text{new}} = \beta_2 v + (1 - \beta_2)\, g^2, \\
        \hat m &= \frac{m_{\text{new}}}{1 - \beta_1^{t}}, \qquad
        \hat v = \frac{v_{\text{new}}}{1 - \beta_2^{t}}, \qquad
        \phi_{\text{new}} = \phi - \alpha\, \frac{\hat m}{\sqrt{\hat v} + \epsilon},

    returning ``(phi_new, m_new, v_new)``: the uncorrected averages are the
    state. The site's pages count steps from 0 instead (step :math:`t = 0, 1,
    \dots` makes :math:`m_{t+1}` and divides by :math:`1 - \beta_1^{t+1}`), so
    the exercise's ``t`` is the site's :math:`t + 1`: the same rule, and the
    bias correction here is :math:`1 - \beta^{t}`.

    The student's function is compared with ``descend.Adam(lr=alpha,
    betas=(beta1, beta2), eps=eps)`` stepped once from the state holding ``m``,
    ``v`` and ``t - 1`` steps taken: on the textbook's Gabor data (the fifth
    step of a run), the first step ``t = 1``, tiny gradients and second
    moments (where the place of :math:`\epsilon` matters), ``t = 1000``, a
    gradient whose coordinates differ in size (with other hyperparameters) and
    a matrix of parameters. Recognised mistakes: no bias correction, ``t``
    counted from 0 (:math:`1 - \beta^{t+1}`), :math:`\epsilon` inside the root,
    only one of the moments corrected, the corrected moments returned as the
    state, :math:`g` instead of :math:`g^2` in :math:`v`, :math:`\beta` and
    :math:`1 - \beta` swapped, stepping with the old moments, the corrections
    folded into the step size without rescaling :math:`\epsilon`, the square
    root missing and the wrong sign.

    Parameters
    ----------
    student
        The function ``adam_step(phi, m, v, g, t, alpha, beta1, beta2, eps) -> (phi, m, v)``.
    verbose
        Print the verdict (the result holds it either way).

    Returns
    -------
    CheckResult
        ``.passed``, ``.message`` and, for a usual mistake, ``.mistake``.

    Examples
    --------
    >>> import numpy as np
    >>> def adam_step(phi, m, v, g, t, alpha, beta1, beta2, eps):
    ...     m = beta1 * m + (1 - beta1) * g
    ...     v = beta2 * v + (1 - beta2) * g**2
    ...     m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    ...     return phi - alpha * m_hat / (np.sqrt(v_hat) + eps), m, v
    >>> check_adam_step(adam_step).passed
    adam_step: correct on all 6 checks. Bias-corrected, with eps outside the root.
    True
    >>> def from_zero(phi, m, v, g, t, alpha, beta1, beta2, eps):
    ...     return adam_step(phi, m, v, g, t + 1, alpha, beta1, beta2, eps)
    >>> result = check_adam_step(from_zero, verbose=False)
    >>> result.passed, result.mistake
    (False, 't counted from 0')
    """
    return run_checks(
        "adam_step",
        student,
        _adam_reference,
        _adam_cases(),
        _ADAM_MISTAKES,
        outputs=("phi", "m", "v"),
        success="Bias-corrected, with eps outside the root.",
        verbose=verbose,
    )
