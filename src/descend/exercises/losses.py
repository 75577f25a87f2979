r"""Checkers for the stable-losses exercise: a sigmoid and a cross-entropy that never overflow.

Typed in literally, :math:`\operatorname{sig}[z] = 1 / (1 + e^{-z})` computes
:math:`e^{1000} = \infty` at :math:`z = -1000`, and the cross-entropy through
:math:`\log \operatorname{sig}[z]` takes the logarithm of a probability that
has rounded to exactly 0 or 1. The stable forms only ever compute
:math:`e^{-|z|} \in (0, 1]`:

.. math::

    \operatorname{sig}[z] = \begin{cases} 1 / (1 + e^{-|z|}) & z \ge 0 \\
                                         e^{-|z|} / (1 + e^{-|z|}) & z < 0 \end{cases},
    \qquad
    \ell = \max(z, 0) - y z + \log(1 + e^{-|z|}).

The references are :func:`descend.models.sigmoid` and
:func:`descend.models.bce_with_logits` (``reduction="sum"``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from descend._validate import FloatArray
from descend.exercises._core import Case, CheckResult, Mistake, run_checks
from descend.models import bce_with_logits, sigmoid

__all__ = ["check_bce_with_logits", "check_sigmoid"]


def _quiet() -> np.errstate:
    """Silence NumPy's floating-point warnings, as a student's ``np.errstate`` would."""
    return np.errstate(over="ignore", divide="ignore", invalid="ignore")


# ---------------------------------------------------------------- sigmoid


def _reference_sigmoid(z: FloatArray) -> FloatArray:
    return sigmoid(z)


def _naive_sigmoid(z: FloatArray) -> FloatArray:
    result: FloatArray = 1 / (1 + np.exp(-z))
    return result


def _mirror_sigmoid(z: FloatArray) -> FloatArray:
    e = np.exp(z)
    result: FloatArray = e / (1 + e)
    return result


def _where_both_sigmoid(z: FloatArray) -> FloatArray:
    return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))


def _flipped_sigmoid(z: FloatArray) -> FloatArray:
    return sigmoid(-z)


SIGMOID_MISTAKES = [
    Mistake(
        "sigmoid_overflow",
        _naive_sigmoid,
        "1 / (1 + np.exp(-z)) computes np.exp(1000) = inf at z = -1000. The answer 0 comes "
        "out right, but NumPy warns about the overflow (in float32 it happens from z = -89 "
        "on). Compute e = np.exp(-np.abs(z)) instead, which lies in (0, 1] and never "
        "overflows, and return 1 / (1 + e) where z >= 0 and e / (1 + e) where z < 0.",
    ),
    Mistake(
        "where_computes_both_branches",
        _where_both_sigmoid,
        "np.where(condition, a, b) picks the right value, but NumPy computes both a and b for "
        "every entry before it picks, so np.exp(-z) and np.exp(z) still overflow for large "
        "|z|. Compute e = np.exp(-np.abs(z)) once, then np.where(z >= 0, 1 / (1 + e), "
        "e / (1 + e)): both branches are built from e, which never overflows.",
    ),
    Mistake(
        "exp_z_over_one_plus_exp_z",
        _mirror_sigmoid,
        "np.exp(z) / (1 + np.exp(z)) overflows for z > 709.78: inf / inf is NaN. Compute "
        "e = np.exp(-np.abs(z)), which never overflows, and return 1 / (1 + e) where z >= 0 "
        "and e / (1 + e) where z < 0.",
    ),
    Mistake(
        "sigmoid_of_minus_z",
        _flipped_sigmoid,
        "this is sig[-z] = 1 / (1 + exp(z)): the sigmoid rises from 0 (z very negative) to 1 "
        "(z very positive). Check the sign in the exponent, and that 1 / (1 + e) goes with "
        "z >= 0 and e / (1 + e) with z < 0 (for e = exp(-|z|)).",
    ),
]


def _sigmoid_cases() -> list[Case]:
    """Ordinary logits first, then large positive ones, then large negative ones."""
    return [
        Case("z = [-3, -1, 0, 0.5, 2, 5]", (np.array([-3.0, -1.0, 0.0, 0.5, 2.0, 5.0]),)),
        Case("z = [40, 1000] (large positive logits)", (np.array([40.0, 1000.0]),)),
        Case("z = [-40, -1000] (large negative logits)", (np.array([-40.0, -1000.0]),)),
        Case("z = [-800, -40, 0, 40, 800]", (np.array([-800.0, -40.0, 0.0, 40.0, 800.0]),)),
    ]


def check_sigmoid(student: object, *, verbose: bool = True) -> CheckResult:
    r"""Check ``sigmoid(z)``: the logistic sigmoid, without overflow for any finite ``z``.

    The function should return, entry by entry,

    .. math::

        \operatorname{sig}[z] = \frac{1}{1 + e^{-z}}
        = \begin{cases} 1 / (1 + e^{-|z|}) & z \ge 0 \\
                         e^{-|z|} / (1 + e^{-|z|}) & z < 0 \end{cases}

    as an array of the shape of ``z``, without a floating-point warning.
    The reference is :func:`descend.models.sigmoid`.

    It is run on ordinary logits, then on :math:`z = 40, 1000`, then on
    :math:`z = -40, -1000`, then on a mix. The usual mistakes are named with
    a hint: :math:`1 / (1 + e^{-z})`, which overflows (and warns) at
    :math:`z = -1000`; ``np.where`` over two branches that each overflow
    somewhere (NumPy computes both); :math:`e^{z} / (1 + e^{z})`, which is
    ``NaN`` at :math:`z = 1000`; and the sign of :math:`z` flipped.

    Parameters
    ----------
    student
        The student's ``sigmoid(z)``.
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
    >>> def sigmoid(z):
    ...     e = np.exp(-np.abs(z))
    ...     return np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    >>> check_sigmoid(sigmoid).passed
    sigmoid: correct on all 4 checks. No overflow, even at z = -1000 and z = 1000.
    True

    The formula typed in literally gives the right numbers, but overflows:

    >>> def sigmoid(z):
    ...     return 1 / (1 + np.exp(-z))
    >>> result = check_sigmoid(sigmoid, verbose=False)
    >>> result.passed, result.mistake
    (False, 'sigmoid_overflow')
    >>> print(result.message.splitlines()[0])
    sigmoid gives the right numbers but warns (RuntimeWarning: overflow encountered in exp),
    on z = [-40, -1000] (large negative logits).
    """
    return run_checks(
        "sigmoid",
        student,
        _reference_sigmoid,
        _sigmoid_cases(),
        SIGMOID_MISTAKES,
        outputs=("sigmoid(z)",),
        success="No overflow, even at z = -1000 and z = 1000.",
        verbose=verbose,
    )


# ---------------------------------------------------------------- cross-entropy


def _reference_bce(z: FloatArray, y: FloatArray) -> float:
    return bce_with_logits(z, y)


def _per_entry(z: FloatArray, y: FloatArray) -> FloatArray:
    """The stable per-entry loss max(z, 0) - y z + log(1 + exp(-|z|))."""
    result: FloatArray = np.maximum(z, 0) - y * z + np.log1p(np.exp(-np.abs(z)))
    return result


def _log_of_sigmoid(z: FloatArray, y: FloatArray) -> float:
    p = sigmoid(z)
    return float(-np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))


def _log_of_sigmoid_quiet(z: FloatArray, y: FloatArray) -> float:
    with _quiet():
        return _log_of_sigmoid(z, y)


def _softplus_overflow(z: FloatArray, y: FloatArray) -> float:
    return float(np.sum(np.log(1 + np.exp(z)) - y * z))


def _softplus_overflow_quiet(z: FloatArray, y: FloatArray) -> float:
    with _quiet():
        return _softplus_overflow(z, y)


def _where_both_bce(z: FloatArray, y: FloatArray) -> float:
    softplus = np.where(z >= 0, z + np.log1p(np.exp(-z)), np.log1p(np.exp(z)))
    return float(np.sum(softplus - y * z))


def _mean(z: FloatArray, y: FloatArray) -> float:
    return float(np.mean(_per_entry(z, y)))


def _labels_swapped(z: FloatArray, y: FloatArray) -> float:
    return float(np.sum(_per_entry(z, 1 - y)))


def _negated(z: FloatArray, y: FloatArray) -> float:
    return -float(np.sum(_per_entry(z, y)))


def _clipped(eps: float, *, add: bool, naive: bool) -> Any:
    """The cross-entropy through log(p) with p clipped to [eps, 1 - eps], or eps added.

    ``naive`` computes ``p`` as ``1 / (1 + exp(-z))``, which warns at ``z = -1000``.
    """

    def wrong(z: FloatArray, y: FloatArray) -> float:
        p = _naive_sigmoid(z) if naive else sigmoid(z)
        if add:
            return float(-np.sum(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps)))
        p = np.clip(p, eps, 1 - eps)
        return float(-np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))

    return wrong


_STABLE_FORM = (
    "max(z, 0) - y z + log(1 + exp(-|z|)), in NumPy "
    "np.maximum(z, 0) - y * z + np.log1p(np.exp(-np.abs(z)))"
)
_LOG_OF_SIGMOID_HINT = (
    "-(y log(sig[z]) + (1 - y) log(1 - sig[z])) is right on paper, but sig[z] rounds to "
    "exactly 1 for z > 36.7 and to exactly 0 for z < -745 (even when the sigmoid itself is "
    "computed stably), so log(0) = -inf gives inf, and 0 * (-inf) gives NaN. Never take the "
    f"log of the sigmoid: sum the per-entry loss {_STABLE_FORM}."
)
_SOFTPLUS_HINT = (
    "log(1 + exp(z)) - y z is the right formula, but exp(z) overflows for z > 709.78 and "
    "the loss becomes inf. Write log(1 + e^z) = max(z, 0) + log(1 + e^(-|z|)), which only "
    f"computes e^(-|z|) <= 1: sum {_STABLE_FORM}."
)
_WHERE_HINT = (
    "np.where(condition, a, b) picks the right value, but NumPy computes both a and b for "
    "every entry before it picks, so the branch with np.exp(z) or np.exp(-z) still "
    "overflows for large |z|. Use a single formula that only computes exp(-|z|): "
    f"{_STABLE_FORM}."
)
_CLIP_HINT = (
    "clipping the probability (np.clip(p, eps, 1 - eps), or log(p + eps)) avoids inf but "
    "changes the loss: a confident wrong prediction, z = -1000 with y = 1, costs 1000, not "
    f"-log(eps). The stable form needs no clipping: {_STABLE_FORM}."
)

BCE_MISTAKES = [
    # Before log_of_sigmoid: at z = 1000 with y = 0 both give inf (and warn), and an
    # answer that was right at z = -1000 with y = 1 (where log_of_sigmoid is inf) is this one.
    Mistake("softplus_overflow", _softplus_overflow, _SOFTPLUS_HINT),
    Mistake("softplus_overflow", _softplus_overflow_quiet, _SOFTPLUS_HINT),
    Mistake("log_of_sigmoid", _log_of_sigmoid, _LOG_OF_SIGMOID_HINT),
    Mistake("log_of_sigmoid", _log_of_sigmoid_quiet, _LOG_OF_SIGMOID_HINT),
    Mistake("where_computes_both_branches", _where_both_bce, _WHERE_HINT),
    Mistake(
        "mean_not_sum",
        _mean,
        "this is the mean over the entries; the exercise asks for the sum "
        "L = sum_i l_i, as on the slides (np.sum, not np.mean; PyTorch's "
        "binary_cross_entropy_with_logits takes the mean by default).",
    ),
    Mistake(
        "labels_swapped",
        _labels_swapped,
        "this is the loss with the labels swapped (y and 1 - y exchanged): the term y log p "
        "belongs to p = sig[z], the probability of the label y = 1, so a large positive z "
        f"should cost little when y = 1. Per entry: {_STABLE_FORM}.",
    ),
    Mistake(
        "sign",
        _negated,
        "the loss has the wrong sign: l = -(y log p + (1 - y) log(1 - p)) has a minus in "
        "front, and a cross-entropy is never negative.",
    ),
    Mistake(
        "no_sum",
        _per_entry,
        "this is the loss of every entry; the exercise asks for their sum, one number "
        "(np.sum(...)).",
    ),
    *[
        Mistake("clipped_probabilities", _clipped(eps, add=add, naive=naive), _CLIP_HINT)
        for naive in (False, True)
        for add in (False, True)
        for eps in (1e-7, 1e-8, 1e-10, 1e-12, 1e-15, 1e-16)
    ],
]


def _bce_cases() -> list[Case]:
    """Ordinary logits first, then confident wrong predictions, then confident right ones."""

    def case(label: str, z: list[float], y: list[float]) -> Case:
        return Case(label, (np.array(z), np.array(y)))

    return [
        case(
            "z = [-3, -1, 0, 0.5, 2, 4] with y = [0, 1, 1, 0, 1, 0]",
            [-3.0, -1.0, 0.0, 0.5, 2.0, 4.0],
            [0.0, 1.0, 1.0, 0.0, 1.0, 0.0],
        ),
        case("z = [-1000] with y = [1] (confidently wrong)", [-1000.0], [1.0]),
        case("z = [1000] with y = [0] (confidently wrong)", [1000.0], [0.0]),
        case("z = [40, -40] with y = [1, 0] (confidently right)", [40.0, -40.0], [1.0, 0.0]),
        case(
            "z = [1000, -1000] with y = [1, 0] (confidently right)",
            [1000.0, -1000.0],
            [1.0, 0.0],
        ),
        case(
            "z = [-800, -40, 0, 40, 800] with y = [0, 1, 1, 0, 1]",
            [-800.0, -40.0, 0.0, 40.0, 800.0],
            [0.0, 1.0, 1.0, 0.0, 1.0],
        ),
    ]


def check_bce_with_logits(student: object, *, verbose: bool = True) -> CheckResult:
    r"""Check ``bce_with_logits(z, y)``: the summed binary cross-entropy, computed from logits.

    The function should return one number, the sum over the entries of

    .. math::

        \ell = -\bigl(y \log p + (1 - y) \log(1 - p)\bigr),
        \quad p = \operatorname{sig}[z],
        \qquad \text{computed as} \qquad
        \ell = \max(z, 0) - y z + \log(1 + e^{-|z|}),

    finite and without a floating-point warning for every finite ``z``.
    The reference is :func:`descend.models.bce_with_logits` (its default
    ``reduction="sum"``).

    It is run on ordinary logits with labels 0 and 1, then on confident
    wrong predictions (:math:`z = -1000` with :math:`y = 1`, :math:`z = 1000`
    with :math:`y = 0`), confident right ones (:math:`|z| = 40, 1000`) and a
    mix. The usual mistakes are named with a hint: the loss through
    :math:`\log \operatorname{sig}[z]` (``inf`` or ``NaN`` at large
    :math:`|z|`), :math:`\log(1 + e^{z})` (overflows), ``np.where`` over
    two branches that each overflow somewhere, clipped probabilities, the
    mean instead of the sum, the labels swapped, the sign flipped and the
    per-entry losses without the sum.

    Parameters
    ----------
    student
        The student's ``bce_with_logits(z, y)``.
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
    >>> def bce_with_logits(z, y):
    ...     return np.sum(np.maximum(z, 0) - y * z + np.log1p(np.exp(-np.abs(z))))
    >>> check_bce_with_logits(bce_with_logits).passed
    bce_with_logits: correct on all 6 checks. Finite and silent, even at z = -1000 and z = 1000.
    True

    Through the logarithm of the sigmoid, a confident wrong prediction costs ``inf``:

    >>> def bce_with_logits(z, y):
    ...     p = 1 / (1 + np.exp(-z))
    ...     return -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))
    >>> result = check_bce_with_logits(bce_with_logits, verbose=False)
    >>> result.passed, result.mistake
    (False, 'log_of_sigmoid')
    >>> print(result.message.splitlines()[0])
    bce_with_logits returns inf or NaN: the loss is inf, expected 1000.0,
    on z = [-1000] with y = [1] (confidently wrong).
    """
    return run_checks(
        "bce_with_logits",
        student,
        _reference_bce,
        _bce_cases(),
        BCE_MISTAKES,
        outputs=("the loss",),
        success="Finite and silent, even at z = -1000 and z = 1000.",
        verbose=verbose,
    )
