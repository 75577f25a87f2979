r"""Checkers for the gradient exercises: the linear model's and the Gabor model's loss gradient.

Both losses are sums of squared residuals over the examples
:math:`(x_i, y_i)`, so by the chain rule

.. math::

    L[\phi] = \sum_i \bigl(f[x_i, \phi] - y_i\bigr)^2, \qquad
    \frac{\partial L}{\partial \phi_j}
    = \sum_i 2 \bigl(f[x_i, \phi] - y_i\bigr) \frac{\partial f[x_i, \phi]}{\partial \phi_j}.

The references are the library's gradients on the same data,
:meth:`Linear().grad <descend.models.Model.grad>` and
:meth:`Gabor(32.0).grad <descend.models.Model.grad>`; the first cases are the
textbook's data (:mod:`descend.datasets`) at a few :math:`\phi`, starting
with the notebooks' check point :math:`\phi = (0.6, -0.2)`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from descend._validate import FloatArray
from descend.datasets import textbook_gabor, textbook_linear
from descend.exercises._core import Case, CheckResult, Mistake, run_checks
from descend.models import Gabor, Linear

__all__ = ["check_gabor_gradient", "check_linear_gradient"]


#: The envelope :math:`E` of the exercise (the textbook's; the slide prints 8).
ENVELOPE = 32.0
_LINEAR = Linear()
_GABOR = Gabor(ENVELOPE)


# ---------------------------------------------------------------- linear model


def _reference_linear(phi: FloatArray, x: FloatArray, y: FloatArray) -> FloatArray:
    return _LINEAR.grad(phi, x, y)


def _residual(phi: FloatArray, x: FloatArray, y: FloatArray) -> FloatArray:
    r: FloatArray = phi[0] + phi[1] * x - y
    return r


def _linear_no_2(phi: FloatArray, x: FloatArray, y: FloatArray) -> FloatArray:
    r = _residual(phi, x, y)
    return np.array([np.sum(r), np.sum(x * r)])


def _linear_no_x(phi: FloatArray, x: FloatArray, y: FloatArray) -> FloatArray:
    r = _residual(phi, x, y)
    return np.array([np.sum(2 * r), np.sum(2 * r)])


def _linear_no_2_no_x(phi: FloatArray, x: FloatArray, y: FloatArray) -> FloatArray:
    r = _residual(phi, x, y)
    return np.array([np.sum(r), np.sum(r)])


def _linear_per_example(phi: FloatArray, x: FloatArray, y: FloatArray) -> FloatArray:
    r = _residual(phi, x, y)
    return np.array([2 * r, 2 * x * r])


def _linear_per_example_t(phi: FloatArray, x: FloatArray, y: FloatArray) -> FloatArray:
    return _linear_per_example(phi, x, y).T


def _linear_loss(phi: FloatArray, x: FloatArray, y: FloatArray) -> float:
    return _LINEAR.loss(phi, x, y)


_SIGN_HINT = (
    "every component has the wrong sign: with the residual r_i = phi0 + phi1 x_i - y_i, "
    "dL/dphi0 = sum_i 2 r_i. Writing the residual as y_i - f needs the chain rule's -1 "
    "as well. The gradient points uphill; gradient descent subtracts it."
)
_MEAN_HINT = (
    "this is divided by the number of examples: the loss of the exercise is the sum "
    "L = sum_i l_i (as on the slides), not the mean: np.sum, not np.mean, and no division "
    "by len(x)."
)
_SWAPPED_HINT = "the two components are swapped: return [dL/dphi0, dL/dphi1], in that order."
_NO_SUM_HINT = (
    "these are the gradients of the single examples: the loss is their sum, so its "
    "gradient is the sum over the examples, two numbers (np.sum(..., axis=...))."
)

LINEAR_MISTAKES = [
    Mistake(
        "missing_factor_2",
        _linear_no_2,
        "both components are half the right value: the derivative of r_i^2 is 2 r_i times "
        "the derivative of r_i (chain rule), so dL/dphi0 = sum_i 2 r_i and "
        "dL/dphi1 = sum_i 2 x_i r_i, with r_i = phi0 + phi1 x_i - y_i.",
    ),
    Mistake(
        "missing_x",
        _linear_no_x,
        "dL/dphi1 is missing the x_i: the residual r_i = phi0 + phi1 x_i - y_i changes by "
        "x_i per unit of phi1, so dL/dphi1 = sum_i 2 x_i r_i (while dL/dphi0 = sum_i 2 r_i).",
    ),
    Mistake(
        "missing_factor_2_and_x",
        _linear_no_2_no_x,
        "two things are missing: the factor 2 from differentiating the square, and the x_i "
        "in dL/dphi1. With r_i = phi0 + phi1 x_i - y_i: dL/dphi0 = sum_i 2 r_i, "
        "dL/dphi1 = sum_i 2 x_i r_i.",
    ),
    Mistake("residual_sign", lambda phi, x, y: -_reference_linear(phi, x, y), _SIGN_HINT),
    Mistake("mean_not_sum", lambda phi, x, y: _reference_linear(phi, x, y) / len(x), _MEAN_HINT),
    Mistake("swapped", lambda phi, x, y: _reference_linear(phi, x, y)[::-1], _SWAPPED_HINT),
    Mistake("no_sum", _linear_per_example, _NO_SUM_HINT),
    Mistake("no_sum", _linear_per_example_t, _NO_SUM_HINT),
    Mistake(
        "loss_not_gradient",
        _linear_loss,
        "this is the loss L itself, one number; return its gradient "
        "[dL/dphi0, dL/dphi1], two numbers.",
    ),
]


def _linear_cases() -> list[Case]:
    """The textbook's data at three phi (the check point first), then small hand-made data."""
    x, y = textbook_linear()
    cases = [
        Case(f"the textbook's linear data at phi = ({a}, {b})", (np.array([a, b]), x, y))
        for a, b in ((0.6, -0.2), (1.6, -0.5), (0.0, 1.0))
    ]
    return [
        *cases,
        Case(
            "x = [-2, 0, 1.5, 3], y = [1, -1, 0.5, 2] at phi = (0.5, -1.5) "
            "(negative and zero inputs)",
            (
                np.array([0.5, -1.5]),
                np.array([-2.0, 0.0, 1.5, 3.0]),
                np.array([1.0, -1.0, 0.5, 2.0]),
            ),
        ),
        Case(
            "one example, x = [2], y = [1], at phi = (1, 1)",
            (np.array([1.0, 1.0]), np.array([2.0]), np.array([1.0])),
        ),
    ]


def check_linear_gradient(student: object, *, verbose: bool = True) -> CheckResult:
    r"""Check ``linear_gradient(phi, x, y)``: the gradient of the line's sum of squares.

    The function should return the two partial derivatives of
    :math:`L[\phi] = \sum_i (\phi_0 + \phi_1 x_i - y_i)^2`,

    .. math::

        \frac{\partial L}{\partial \phi} =
        \begin{bmatrix} \sum_i 2(\phi_0 + \phi_1 x_i - y_i) \\
                         \sum_i 2 x_i (\phi_0 + \phi_1 x_i - y_i) \end{bmatrix},

    as a list or an array of shape ``(2,)``. The reference is
    :meth:`Linear().grad <descend.models.Model.grad>`.

    It is run on the textbook's 12 points
    (:func:`descend.datasets.textbook_linear`) at
    :math:`\phi = (0.6, -0.2)`, :math:`(1.6, -0.5)` and :math:`(0, 1)`, then
    on four points with negative and zero inputs, then on a single example.
    The usual mistakes are named with a hint: a missing factor 2, a missing
    :math:`x_i` in :math:`\partial L / \partial \phi_1` (or both), the
    residual's sign flipped, the mean instead of the sum, the components
    swapped, the per-example gradients without the sum, and the loss
    instead of its gradient.

    Parameters
    ----------
    student
        The student's ``linear_gradient(phi, x, y)``.
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
    >>> import numpy as np
    >>> def linear_gradient(phi, x, y):
    ...     r = phi[0] + phi[1] * x - y
    ...     return [np.sum(2 * r), np.sum(2 * x * r)]
    >>> check_linear_gradient(linear_gradient).passed
    linear_gradient: correct on all 5 checks. Gradient descent can use it now.
    True

    Forgetting the factor 2 from the square:

    >>> def linear_gradient(phi, x, y):
    ...     r = phi[0] + phi[1] * x - y
    ...     return [np.sum(r), np.sum(x * r)]
    >>> result = check_linear_gradient(linear_gradient, verbose=False)
    >>> result.passed, result.mistake
    (False, 'missing_factor_2')
    """
    return run_checks(
        "linear_gradient",
        student,
        _reference_linear,
        _linear_cases(),
        LINEAR_MISTAKES,
        outputs=("the gradient",),
        success="Gradient descent can use it now.",
        verbose=verbose,
    )


# ---------------------------------------------------------------- Gabor model


def _reference_gabor(phi: FloatArray, x: FloatArray, y: FloatArray) -> FloatArray:
    return _GABOR.grad(phi, x, y)


def _gabor_gradient(
    phi: FloatArray,
    x: FloatArray,
    y: FloatArray,
    *,
    envelope: float = ENVELOPE,
    envelope_in_derivative: float | None = None,
    chain: float = 0.06,
    use_x: bool = True,
    of_model: bool = False,
    factor: float = 2.0,
    product_rule: float | None = 2.0,
) -> FloatArray:
    r"""The Gabor loss gradient, with switches that make one of the usual mistakes.

    ``envelope_in_derivative`` is :math:`E` in :math:`\partial f / \partial z`
    (default: ``envelope``); ``product_rule`` is the factor :math:`c` of
    :math:`-c z \sin(z) / E` in :math:`\partial f / \partial z` (``None``: the
    envelope's derivative is left out); ``of_model`` differentiates
    :math:`\sum_i f` instead of the loss.
    """
    z = phi[0] + 0.06 * phi[1] * x
    g = np.exp(-(z**2) / envelope)
    f = np.sin(z) * g
    e_prime = envelope if envelope_in_derivative is None else envelope_in_derivative
    g_prime = np.exp(-(z**2) / e_prime)
    df_dz = g_prime * np.cos(z)
    if product_rule is not None:
        df_dz = df_dz - g_prime * product_rule * z * np.sin(z) / e_prime
    outer = np.ones_like(z) if of_model else factor * (f - y)
    dz_dphi1 = chain * (x if use_x else np.ones_like(x))
    return np.array([np.sum(outer * df_dz), np.sum(outer * df_dz * dz_dphi1)])


def _gabor(**switches: Any) -> Any:
    """A wrong Gabor gradient making the mistake that ``switches`` describe."""

    def wrong(phi: FloatArray, x: FloatArray, y: FloatArray) -> FloatArray:
        return _gabor_gradient(phi, x, y, **switches)

    return wrong


_ENVELOPE_8_HINT = (
    "this is the gradient for the slide's envelope exp(-z^2 / 8). The exercise, like the "
    "textbook's notebooks and the lecture's plots, uses exp(-z^2 / 32): E = 32 in the model "
    "f = sin(z) exp(-z^2 / 32) and in its derivative "
    "df/dz = exp(-z^2 / 32) (cos z - 2 z sin(z) / 32)."
)

GABOR_MISTAKES = [
    Mistake("slide_envelope_8", _gabor(envelope=8.0), _ENVELOPE_8_HINT),
    Mistake("slide_envelope_8", _gabor(envelope_in_derivative=8.0), _ENVELOPE_8_HINT),
    Mistake(
        "slide_envelope_8", _gabor(envelope=8.0, envelope_in_derivative=32.0), _ENVELOPE_8_HINT
    ),
    Mistake(
        "missing_chain_factor_0.06",
        _gabor(chain=1.0),
        "dL/dphi1 is missing the factor 0.06: z_i = phi0 + 0.06 phi1 x_i, so by the chain "
        "rule dz_i/dphi1 = 0.06 x_i and dL/dphi1 = sum_i 2 (f_i - y_i) (df/dz)_i 0.06 x_i.",
    ),
    Mistake(
        "missing_x",
        _gabor(use_x=False),
        "dL/dphi1 is missing the x_i: z_i = phi0 + 0.06 phi1 x_i changes by 0.06 x_i per "
        "unit of phi1, so dL/dphi1 = sum_i 2 (f_i - y_i) (df/dz)_i 0.06 x_i.",
    ),
    Mistake(
        "gradient_of_model",
        _gabor(of_model=True),
        "this is the derivative of the model, sum_i df_i/dphi, not of the loss: "
        "l_i = (f_i - y_i)^2, so dl_i/dphi = 2 (f_i - y_i) df_i/dphi (chain rule).",
    ),
    Mistake(
        "missing_factor_2",
        _gabor(factor=1.0),
        "both components are half the right value: the derivative of (f_i - y_i)^2 is "
        "2 (f_i - y_i) df_i/dphi; the factor 2 is missing.",
    ),
    Mistake(
        "residual_sign",
        _gabor(factor=-2.0),
        "every component has the wrong sign: l_i = (f_i - y_i)^2 gives "
        "dl_i/dphi = 2 (f_i - y_i) df_i/dphi. Writing y_i - f_i needs the chain rule's -1 "
        "as well.",
    ),
    Mistake(
        "product_rule",
        _gabor(product_rule=None),
        "df/dz is missing the derivative of the envelope: f = sin(z) exp(-z^2 / 32) is a "
        "product, so df/dz = exp(-z^2 / 32) (cos z - 2 z sin(z) / 32) (product rule), "
        "not exp(-z^2 / 32) cos z.",
    ),
    *[
        Mistake(
            "envelope_derivative",
            _gabor(product_rule=c),
            "the envelope's derivative is off: d/dz exp(-z^2 / 32) = -(2 z / 32) "
            "exp(-z^2 / 32), so df/dz = exp(-z^2 / 32) (cos z - 2 z sin(z) / 32).",
        )
        for c in (-2.0, 1.0, -1.0)
    ],
    Mistake(
        "mean_not_sum",
        lambda phi, x, y: _reference_gabor(phi, x, y) / len(x),
        _MEAN_HINT,
    ),
    Mistake("swapped", lambda phi, x, y: _reference_gabor(phi, x, y)[::-1], _SWAPPED_HINT),
]


def _gabor_cases() -> list[Case]:
    """The textbook's data at three phi (the check point first), then edge cases."""
    x, y = textbook_gabor()
    cases = [
        Case(f"the textbook's Gabor data at phi = ({a}, {b})", (np.array([a, b]), x, y))
        for a, b in ((0.6, -0.2), (-2.0, 12.0), (0.0, 16.0))
    ]
    return [
        *cases,
        Case("the textbook's Gabor data at phi = (0, 0) (z = 0 everywhere)", (np.zeros(2), x, y)),
        Case(
            "x = [-10, 0, 7], y = [0.3, -0.2, 0.5] at phi = (0.5, 10) (a zero input)",
            (np.array([0.5, 10.0]), np.array([-10.0, 0.0, 7.0]), np.array([0.3, -0.2, 0.5])),
        ),
        Case(
            "the textbook's Gabor data at phi = (8, 10) (large z, where the envelope is small)",
            (np.array([8.0, 10.0]), x, y),
        ),
    ]


def check_gabor_gradient(student: object, *, verbose: bool = True) -> CheckResult:
    r"""Check ``gabor_gradient(phi, x, y)``: the gradient of the Gabor model's sum of squares.

    With :math:`z_i = \phi_0 + 0.06 \phi_1 x_i`, the model
    :math:`f_i = \sin(z_i) \exp(-z_i^2 / 32)` and the loss
    :math:`L[\phi] = \sum_i (f_i - y_i)^2`, the function should return

    .. math::

        \frac{\partial L}{\partial \phi} =
        \sum_i 2 (f_i - y_i)\, e^{-z_i^2 / 32}
        \left(\cos z_i - \frac{2 z_i \sin z_i}{32}\right)
        \begin{bmatrix} 1 \\ 0.06\, x_i \end{bmatrix}

    as a list or an array of shape ``(2,)``. The envelope is the textbook's
    :math:`E = 32` (the slide prints 8). The reference is
    :meth:`Gabor(32.0).grad <descend.models.Model.grad>`.

    It is run on the textbook's 30 points
    (:func:`descend.datasets.textbook_gabor`) at :math:`\phi = (0.6, -0.2)`,
    :math:`(-2, 12)`, :math:`(0, 16)` and :math:`(0, 0)`, then on three
    points with a zero input, then where :math:`|z|` is large. The usual
    mistakes are named with a hint: the slide's envelope 8 instead of 32
    (in the model, its derivative or both), a missing chain factor 0.06 or
    :math:`x_i`, the gradient of the model instead of the loss, a missing
    factor 2, the residual's sign flipped, the envelope's derivative left out
    (product rule) or wrong, the mean instead of the sum, and the components
    swapped.

    Parameters
    ----------
    student
        The student's ``gabor_gradient(phi, x, y)``.
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
    >>> import numpy as np
    >>> def gabor_gradient(phi, x, y):
    ...     z = phi[0] + 0.06 * phi[1] * x
    ...     envelope = np.exp(-z**2 / 32)
    ...     r = np.sin(z) * envelope - y
    ...     df_dz = envelope * (np.cos(z) - 2 * z * np.sin(z) / 32)
    ...     return [np.sum(2 * r * df_dz), np.sum(2 * r * df_dz * 0.06 * x)]
    >>> check_gabor_gradient(gabor_gradient).passed
    gabor_gradient: correct on all 6 checks. Gradient descent can use it now.
    True

    The slide's envelope 8:

    >>> def gabor_gradient(phi, x, y):
    ...     z = phi[0] + 0.06 * phi[1] * x
    ...     envelope = np.exp(-z**2 / 8)
    ...     r = np.sin(z) * envelope - y
    ...     df_dz = envelope * (np.cos(z) - 2 * z * np.sin(z) / 8)
    ...     return [np.sum(2 * r * df_dz), np.sum(2 * r * df_dz * 0.06 * x)]
    >>> result = check_gabor_gradient(gabor_gradient, verbose=False)
    >>> result.passed, result.mistake
    (False, 'slide_envelope_8')
    """
    return run_checks(
        "gabor_gradient",
        student,
        _reference_gabor,
        _gabor_cases(),
        GABOR_MISTAKES,
        outputs=("the gradient",),
        success="Gradient descent can use it now.",
        verbose=verbose,
    )
