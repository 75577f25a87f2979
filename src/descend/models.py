r"""Two-parameter models :math:`f[x, \phi]` and their losses, with analytic gradients.

Every model has parameters :math:`\phi = (\phi_0, \phi_1)` and is fitted to
examples :math:`(x_i, y_i)`, :math:`i = 1, \ldots, I`, by minimising

.. math::

    L[\phi] = \sum_{i=1}^{I} \ell_i[\phi]
    \qquad \text{or, with ``reduction="mean"``,} \qquad
    L[\phi] = \frac{1}{I} \sum_{i=1}^{I} \ell_i[\phi].

The regression models use the squared residual
:math:`\ell_i = (f[x_i, \phi] - y_i)^2` as on the slides;
:class:`Logistic` uses the binary cross-entropy. Binary labels may be given as
floats, or as integer or boolean arrays of 0s and 1s (as data sets store them),
which become float64 exactly. :func:`softmax_cross_entropy` is the loss of a
classifier with many classes, given integer class labels; the networks of
:mod:`descend.networks` use it.

The functions :func:`naive_sigmoid` and :func:`naive_bce` are wrong on
purpose: they show what goes wrong (overflow, ``inf``, ``NaN``) when the
textbook formulas are typed in literally. Nothing in the library uses them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from descend._validate import FloatArray, at_least, float_array, integer, positive, same_shape

__all__ = [
    "Gabor",
    "Linear",
    "Logistic",
    "Model",
    "Reduction",
    "bce_with_logits",
    "check_phi",
    "gabor_data",
    "linear_data",
    "log_sigmoid",
    "naive_bce",
    "naive_sigmoid",
    "sigmoid",
    "softmax",
    "softmax_cross_entropy",
    "softmax_cross_entropy_grad",
]

Reduction = Literal["sum", "mean"]


def _reduction(value: object) -> Reduction:
    if value == "sum":
        return "sum"
    if value == "mean":
        return "mean"
    raise ValueError(f"reduction must be 'sum' or 'mean', got {value!r}")


def _reduce(l_i: FloatArray, reduction: Reduction) -> FloatArray:
    """Add up the per-example values along the last axis (and divide by I for the mean)."""
    L: FloatArray = np.sum(l_i, axis=-1)
    return L if reduction == "sum" else L / l_i.shape[-1]


def check_phi(phi: object) -> FloatArray:
    """Return ``phi`` as a float array of shape ``(2,)``, or raise an error naming its shape.

    Examples
    --------
    >>> check_phi([0.5, -1.0])
    array([ 0.5, -1. ])
    >>> check_phi(np.zeros(3))
    Traceback (most recent call last):
    ...
    ValueError: phi must have shape (2,) for (phi0, phi1), got shape (3,)
    """
    phi = float_array("phi", phi)
    if phi.shape != (2,):
        raise ValueError(f"phi must have shape (2,) for (phi0, phi1), got shape {phi.shape}")
    return phi


def _first_bad(
    name: str, a: np.ndarray[Any, Any], bad: np.ndarray[Any, np.dtype[np.bool_]]
) -> str | None:
    """Describe the first entry where ``bad`` holds, e.g. ``'y[3] = 2.0'``."""
    where = np.argwhere(bad)
    if len(where) == 0:
        return None
    i = tuple(int(k) for k in where[0])
    return f"{name}[{', '.join(map(str, i))}] = {a[i]}"


def _check_finite(name: str, a: FloatArray) -> None:
    if (first := _first_bad(name, a, ~np.isfinite(a))) is not None:
        raise ValueError(f"{name} must contain only finite values, got {first}")


def _overflow_ok() -> np.errstate:
    """Silence overflow (and the ``inf - inf`` it can lead to) inside the formulas.

    Finite but huge input, e.g. ``phi`` of a diverging run, can make a loss
    overflow; ``inf`` (or ``NaN`` for ``inf - inf``) is then the honest result,
    and the optimizers report it, so NumPy should not warn on top.
    """
    return np.errstate(over="ignore", invalid="ignore")


def _times(w: FloatArray, v: FloatArray) -> FloatArray:
    """Return ``w * v`` with ``0 * inf = 0``: a zero weight wins over an overflowed value."""
    return np.where(w == 0, 0.0, w * v)


# ---------------------------------------------------------------- sigmoid & BCE


def sigmoid(z: FloatArray) -> FloatArray:
    r"""Logistic sigmoid, computed without overflow.

    .. math::

        \operatorname{sig}[z] = \frac{1}{1 + e^{-z}}
        = \begin{cases} 1 / (1 + e^{-|z|}) & z \ge 0 \\
                         e^{-|z|} / (1 + e^{-|z|}) & z < 0 \end{cases}

    Only :math:`e^{-|z|} \in (0, 1]` is ever computed, so no finite ``z``
    overflows.

    Examples
    --------
    >>> sigmoid(np.array([-1e4, 0.0, 1e4]))
    array([0. , 0.5, 1. ])
    """
    z = float_array("z", z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def log_sigmoid(z: FloatArray) -> FloatArray:
    r"""Logarithm of the sigmoid, accurate for all finite ``z``.

    .. math::

        \log \operatorname{sig}[z] = -\operatorname{softplus}[-z]
        = \min(z, 0) - \log(1 + e^{-|z|})

    Examples
    --------
    >>> log_sigmoid(np.array([-1e4, 0.0, 1e4]))
    array([-1.00000000e+04, -6.93147181e-01,  0.00000000e+00])
    """
    z = float_array("z", z)
    return np.minimum(z, 0) - np.log1p(np.exp(-np.abs(z)))


def _bce(z: FloatArray, y: FloatArray) -> FloatArray:
    """Per-example binary cross-entropy from logits (no checks).

    ``softplus(z) - y z`` with ``softplus(z) = max(z, 0) + log(1 + exp(-|z|))``,
    written as ``(1 - y) max(z, 0) + y max(-z, 0) + log(1 + exp(-|z|))``: the
    first two terms are exactly 0 for confident correct predictions, so the tiny
    remainder ``log(1 + exp(-|z|))`` survives, and they never overflow for
    finite ``z``. A logit that overflowed to ``z = +-inf`` gives the limit:
    ``inf`` for a wrong label, 0 for a right one.
    """
    with _overflow_ok():
        wrong_side = _times(1 - y, np.maximum(z, 0)) + _times(y, np.maximum(-z, 0))
        return wrong_side + np.log1p(np.exp(-np.abs(z)))


def _check_labels(y: np.ndarray[Any, Any]) -> None:
    if (first := _first_bad("y", y, (y < 0) | (y > 1))) is not None:
        raise ValueError(f"y must lie in [0, 1] (labels 0 and 1, or probabilities), got {first}")


def _binary_labels(y: object) -> FloatArray:
    """Return binary labels ``y`` as a float array, converting integer and boolean arrays.

    Data sets store labels as integers (scikit-learn's ``load_breast_cancer``
    gives int64) or booleans (``y > 0``); arrays of these holding only 0 and 1
    become float64, exactly. Any other integer is refused, naming the first
    one; anything else goes through the usual float check, and is checked for
    the range [0, 1] (labels or probabilities) with the rest of the data.

    Examples
    --------
    >>> _binary_labels(np.array([0, 1, 1]))
    array([0., 1., 1.])
    >>> _binary_labels(np.array([True, False]))
    array([1., 0.])
    >>> _binary_labels(np.array([0, 2]))
    Traceback (most recent call last):
    ...
    ValueError: y must lie in [0, 1] (labels 0 and 1, or probabilities), got y[1] = 2
    """
    if isinstance(y, np.ndarray) and y.dtype.kind in "biu":  # bool, int, unsigned int
        _check_labels(y)
        return y.astype(np.float64)
    return float_array("y", y)


def bce_with_logits(z: FloatArray, y: FloatArray, reduction: Reduction = "sum") -> float:
    r"""Binary cross-entropy of labels ``y`` given logits ``z``, computed stably.

    With :math:`p = \operatorname{sig}[z]`,

    .. math::

        \ell = -\bigl(y \log p + (1 - y) \log(1 - p)\bigr)
          = \operatorname{softplus}[z] - y z
          = \log(1 + e^{z}) - y z,

    which stays finite, without floating-point warnings, for every finite
    ``z`` (only the sum of many losses near the float limit can overflow, to
    ``inf``, still without a warning). The default ``reduction="sum"`` matches the slides; PyTorch's
    ``binary_cross_entropy_with_logits`` defaults to the mean. The labels ``y``
    lie in [0, 1]: floats, or integer or boolean arrays of 0s and 1s.

    Examples
    --------
    >>> bce_with_logits(np.array([1e4, -1e4]), np.array([0.0, 0.0]))
    10000.0
    >>> bce_with_logits(np.array([0.0, 0.0]), np.array([1.0, 0.0]), "mean")
    0.6931471805599453
    """
    z = float_array("z", z)
    y = _binary_labels(y)
    same_shape("y", y, "z", z)
    _check_finite("z", z)
    _check_finite("y", y)
    if z.size == 0:
        raise ValueError("z and y must contain at least one example, got empty arrays")
    _check_labels(y)
    reduction = _reduction(reduction)
    with _overflow_ok():
        return float(_reduce(_bce(z, y).reshape(-1), reduction))


def naive_sigmoid(z: FloatArray) -> FloatArray:
    r"""Sigmoid typed in literally, :math:`1 / (1 + e^{-z})`: WRONG ON PURPOSE.

    For the gallery of numerical mistakes only. :math:`e^{-z}` overflows for
    :math:`z \lesssim -710` (float64) or :math:`z \lesssim -89` (float32),
    raising a floating-point overflow warning. Use :func:`sigmoid` instead.

    Examples
    --------
    >>> with np.errstate(over="ignore"):
    ...     naive_sigmoid(np.array([-1e4, 0.0]))
    array([0. , 0.5])
    """
    z = float_array("z", z)
    return 1 / (1 + np.exp(-z))


def naive_bce(p: FloatArray, y: FloatArray) -> FloatArray:
    r"""Per-example cross-entropy from probabilities: WRONG ON PURPOSE.

    .. math::

        \ell = -\bigl(y \log p + (1 - y) \log(1 - p)\bigr)

    For the gallery only. Once :math:`p` rounds to exactly 0 or 1 (already for
    :math:`|z| > 37` in float64), :math:`\log 0 = -\infty` gives ``inf``, and
    :math:`0 \cdot (-\infty)` gives ``NaN`` even for a correct prediction.
    Use :func:`bce_with_logits` instead.

    Examples
    --------
    >>> with np.errstate(divide="ignore", invalid="ignore"):
    ...     naive_bce(np.array([1.0, 1.0]), np.array([0.0, 1.0]))
    array([inf, nan])
    """
    p = float_array("p", p)
    y = float_array("y", y)
    return -(y * np.log(p) + (1 - y) * np.log(1 - p))


# ---------------------------------------------------------------- softmax & cross-entropy


def softmax(z: FloatArray) -> FloatArray:
    r"""Softmax along the last axis, computed without overflow.

    .. math::

        \operatorname{softmax}[z]_k = \frac{e^{z_k}}{\sum_n e^{z_n}}
        = \frac{e^{z_k - z_{\max}}}{\sum_n e^{z_n - z_{\max}}},
        \qquad z_{\max} = \max_n z_n .

    Subtracting the largest logit changes nothing in exact arithmetic, and
    makes every exponent :math:`\le 0`, so nothing overflows.

    Examples
    --------
    >>> softmax(np.array([[0.0, 0.0], [1e4, 0.0]]))
    array([[0.5, 0.5],
           [1. , 0. ]])
    """
    z = float_array("z", z)
    if z.ndim == 0 or z.shape[-1] == 0:
        raise ValueError(f"z must have a last axis of at least one class, got shape {z.shape}")
    with _overflow_ok():
        e = np.exp(z - np.max(z, axis=-1, keepdims=True))
        p: FloatArray = e / np.sum(e, axis=-1, keepdims=True)
        return p


def _class_labels(
    y: object, n: int, n_classes: int, rows: str = "z"
) -> np.ndarray[Any, np.dtype[np.intp]]:
    """Return class labels ``y`` as integers in ``[0, n_classes)``, one per row of ``rows``."""
    if isinstance(y, list | tuple):
        try:
            y = np.asarray(y)
        except (TypeError, ValueError, OverflowError) as err:
            raise TypeError(f"y must be an array of integer class labels, got {y!r}") from err
    if not isinstance(y, np.ndarray) or y.dtype.kind not in "iuf":
        kind = f"dtype {y.dtype}" if isinstance(y, np.ndarray) else f"type {type(y).__name__}"
        raise TypeError(f"y must be an array of integer class labels, got {kind}")
    if y.shape != (n,):
        raise ValueError(
            f"y must have shape ({n},), one class label per row of {rows}, got shape {y.shape}"
        )
    if y.dtype.kind == "f":
        with np.errstate(invalid="ignore"):
            not_whole = ~np.isfinite(y) | (y != np.round(y))
        if (first := _first_bad("y", y, not_whole)) is not None:
            raise ValueError(f"y must hold whole numbers (class labels), got {first}")
    if (first := _first_bad("y", y, (y < 0) | (y >= n_classes))) is not None:
        raise ValueError(f"y must lie in [0, {n_classes}) ({n_classes} classes), got {first}")
    return y.astype(np.intp)


def _check_logits(z: object) -> FloatArray:
    """Return ``z`` as a finite float array of shape (examples, classes), both at least 1."""
    z = float_array("z", z)
    if z.ndim != 2 or 0 in z.shape:
        raise ValueError(
            "z must be 2-D with at least one row (an example) and one column (a class), "
            f"got shape {z.shape}"
        )
    _check_finite("z", z)
    return z


def _softmax_cross_entropy(z: FloatArray, y: np.ndarray[Any, Any]) -> FloatArray:
    """Per-example losses ``LSE(z_i) - z_{i, y_i}`` (no checks, no warnings)."""
    rows = np.arange(len(z))
    with _overflow_ok():
        z_max = np.max(z, axis=1)
        lse = np.log(np.sum(np.exp(z - z_max[:, np.newaxis]), axis=1))
        l_i: FloatArray = (z_max - z[rows, y]) + lse
        return l_i


def _softmax_cross_entropy_grad(z: FloatArray, y: np.ndarray[Any, Any]) -> FloatArray:
    """Per-example gradients ``softmax(z_i) - onehot(y_i)`` (no checks, no warnings)."""
    with _overflow_ok():
        e = np.exp(z - np.max(z, axis=1, keepdims=True))
        g: FloatArray = e / np.sum(e, axis=1, keepdims=True)
    g[np.arange(len(z)), y] -= 1
    return g


def softmax_cross_entropy(z: FloatArray, y: object, reduction: Reduction = "sum") -> float:
    r"""Cross-entropy of integer class labels ``y`` given the logits ``z``, computed stably.

    Row :math:`i` of ``z`` holds the logits :math:`z_{i,k}` of example
    :math:`i` for the classes :math:`k = 0, 1, \ldots`; its label
    :math:`y_i` is a class. With the log-sum-exp
    :math:`\operatorname{LSE}[z_i] = \log \sum_k e^{z_{i,k}}`,

    .. math::

        \ell_i = -\log \operatorname{softmax}[z_i]_{y_i}
        = \operatorname{LSE}[z_i] - z_{i, y_i}
        = (z_{\max} - z_{i, y_i}) + \log \sum_k e^{z_{i,k} - z_{\max}},

    with :math:`z_{\max} = \max_k z_{i,k}`: the exponents are :math:`\le 0`
    and the sum is at least 1, so the loss is finite, without floating-point
    warnings, for every finite ``z``. With two classes it is
    :func:`bce_with_logits` of the logit difference :math:`z_{i,1} - z_{i,0}`.
    PyTorch's ``cross_entropy`` is the same loss, with the mean as default.

    Parameters
    ----------
    z : numpy.ndarray
        Finite logits, shape ``(examples, classes)``.
    y : numpy.ndarray
        One class label per row of ``z``: integers in ``[0, classes)``, or
        floats that are such whole numbers.
    reduction : {"sum", "mean"}, default "sum"
        Sum (as the slides) or mean over the examples.

    Examples
    --------
    >>> z = np.array([[0.0, 0.0, 0.0], [1e4, 0.0, -1e4]])
    >>> softmax_cross_entropy(z, np.array([2, 1]))
    10001.09861228867
    >>> softmax_cross_entropy(z[:1], np.array([0]), "mean")  # log 3
    1.0986122886681098
    """
    z = _check_logits(z)
    labels = _class_labels(y, z.shape[0], z.shape[1])
    return float(_reduce(_softmax_cross_entropy(z, labels), _reduction(reduction)))


def softmax_cross_entropy_grad(
    z: FloatArray, y: object, reduction: Reduction = "sum"
) -> FloatArray:
    r"""Gradient of :func:`softmax_cross_entropy` with respect to the logits ``z``.

    .. math::

        \frac{\partial \ell_i}{\partial z_{i,k}}
        = \operatorname{softmax}[z_i]_k - [k = y_i],

    the predicted probabilities minus the one-hot label (and divided by the
    number of examples for ``reduction="mean"``). Each row sums to 0: adding a
    constant to every logit of an example changes nothing.

    Examples
    --------
    >>> softmax_cross_entropy_grad(np.array([[0.0, 0.0], [1e4, 0.0]]), np.array([1, 0]))
    array([[ 0.5, -0.5],
           [ 0. ,  0. ]])
    """
    z = _check_logits(z)
    labels = _class_labels(y, z.shape[0], z.shape[1])
    g = _softmax_cross_entropy_grad(z, labels)
    return g if _reduction(reduction) == "sum" else g / len(z)


# ---------------------------------------------------------------- models


@dataclass(frozen=True)
class Model(ABC):
    r"""A model :math:`f[x, \phi]` with a loss :math:`L[\phi] = \sum_i \ell_i` on data.

    Subclasses write the formulas ``_f``, ``_l`` and ``_dl`` on
    broadcasting arrays; the public methods check the arguments, evaluate the
    formulas without floating-point warnings (a loss too large for a float is
    ``inf``) and reduce.

    Parameters
    ----------
    reduction : {"sum", "mean"}, default "sum"
        Keyword only. ``"sum"`` gives :math:`L = \sum_i \ell_i` (the slides),
        ``"mean"`` divides that by the number of examples :math:`I`.
    """

    reduction: Reduction = field(default="sum", kw_only=True)

    def __post_init__(self) -> None:
        _reduction(self.reduction)

    @abstractmethod
    def _f(self, phi0: FloatArray, phi1: FloatArray, x: FloatArray) -> FloatArray:
        r"""Model output :math:`f[x, \phi]`."""

    @abstractmethod
    def _l(self, phi0: FloatArray, phi1: FloatArray, x: FloatArray, y: FloatArray) -> FloatArray:
        r"""Per-example loss :math:`\ell_i`."""

    @abstractmethod
    def _dl(
        self, phi0: FloatArray, phi1: FloatArray, x: FloatArray, y: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        r"""Per-example derivatives :math:`\partial \ell_i / \partial \phi_j`, j = 0, 1."""

    def check_data(self, x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Return ``(x, y)`` as finite 1-D float arrays of the same, non-zero length."""
        x = float_array("x", x)
        y = float_array("y", y)
        for name, a in (("x", x), ("y", y)):
            if a.ndim != 1:
                raise ValueError(f"{name} must be 1-D (one value per example), got shape {a.shape}")
            _check_finite(name, a)
        if len(x) != len(y):
            raise ValueError(
                f"x and y must have the same length, got len(x)={len(x)} and len(y)={len(y)}"
            )
        if len(x) == 0:
            raise ValueError("x and y must contain at least one example, got empty arrays")
        return x, y

    def predict(self, phi: FloatArray, x: FloatArray) -> FloatArray:
        r"""Return the model output :math:`f[x_i, \phi]` for every :math:`x_i`."""
        phi = check_phi(phi)
        x = float_array("x", x)
        _check_finite("x", x)
        with _overflow_ok():
            return self._f(phi[0], phi[1], x)

    def losses(self, phi: FloatArray, x: FloatArray, y: FloatArray) -> FloatArray:
        r"""Return the per-example losses :math:`\ell_i[\phi]`."""
        phi = check_phi(phi)
        x, y = self.check_data(x, y)
        with _overflow_ok():
            return self._l(phi[0], phi[1], x, y)

    def loss(self, phi: FloatArray, x: FloatArray, y: FloatArray) -> float:
        r"""Return the loss :math:`L[\phi]` (sum or mean of the :math:`\ell_i`)."""
        x, y = self.check_data(x, y)
        return self._checked_loss(check_phi(phi), x, y)

    def grad(self, phi: FloatArray, x: FloatArray, y: FloatArray) -> FloatArray:
        r"""Return the gradient :math:`\partial L / \partial \phi`, shape ``(2,)``."""
        x, y = self.check_data(x, y)
        return self._checked_grad(check_phi(phi), x, y)

    # The two below take arguments already checked (DataLoss checks its data once,
    # at construction, instead of at every loss and gradient of a fit).

    def _checked_loss(self, phi: FloatArray, x: FloatArray, y: FloatArray) -> float:
        with _overflow_ok():
            return float(_reduce(self._l(phi[0], phi[1], x, y), self.reduction))

    def _checked_grad(self, phi: FloatArray, x: FloatArray, y: FloatArray) -> FloatArray:
        with _overflow_ok():
            dl0, dl1 = self._dl(phi[0], phi[1], x, y)
            return np.stack([_reduce(dl0, self.reduction), _reduce(dl1, self.reduction)])

    def loss_grid(
        self, phi0_grid: FloatArray, phi1_grid: FloatArray, x: FloatArray, y: FloatArray
    ) -> FloatArray:
        r"""Return :math:`L` at every point of a (mesh)grid of :math:`(\phi_0, \phi_1)`.

        ``phi0_grid`` and ``phi1_grid`` must broadcast together, e.g. the two
        arrays from :func:`numpy.meshgrid`; the result has their broadcast shape.
        """
        phi0 = float_array("phi0_grid", phi0_grid)[..., np.newaxis]
        phi1 = float_array("phi1_grid", phi1_grid)[..., np.newaxis]
        x, y = self.check_data(x, y)
        with _overflow_ok():
            return _reduce(self._l(phi0, phi1, x, y), self.reduction)


@dataclass(frozen=True)
class Linear(Model):
    r"""Straight line :math:`f[x, \phi] = \phi_0 + \phi_1 x` with squared residuals.

    .. math::

        \ell_i = (\phi_0 + \phi_1 x_i - y_i)^2, \qquad
        \frac{\partial \ell_i}{\partial \phi} =
        \begin{bmatrix} 2(\phi_0 + \phi_1 x_i - y_i) \\
                         2 x_i (\phi_0 + \phi_1 x_i - y_i) \end{bmatrix}

    Examples
    --------
    >>> x, y = np.array([0.0, 1.0, 2.0]), np.array([1.0, 3.0, 5.0])
    >>> model = Linear()
    >>> model.loss(np.array([1.0, 2.0]), x, y)
    0.0
    >>> model.grad(np.array([0.0, 2.0]), x, y)
    array([-6., -6.])
    >>> Linear(reduction="mean").grad(np.array([0.0, 2.0]), x, y)
    array([-2., -2.])
    """

    def _f(self, phi0: FloatArray, phi1: FloatArray, x: FloatArray) -> FloatArray:
        return phi0 + phi1 * x

    def _l(self, phi0: FloatArray, phi1: FloatArray, x: FloatArray, y: FloatArray) -> FloatArray:
        return (phi0 + phi1 * x - y) ** 2

    def _dl(
        self, phi0: FloatArray, phi1: FloatArray, x: FloatArray, y: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        dl0 = 2 * (phi0 + phi1 * x - y)
        return dl0, _times(x, dl0)


@dataclass(frozen=True)
class Gabor(Model):
    r"""Gabor model of the lecture, fitted with squared residuals.

    .. math::

        z_i = \phi_0 + 0.06 \, \phi_1 x_i, \qquad
        f[x_i, \phi] = \sin(z_i) \exp\!\left(-\frac{z_i^2}{E}\right), \qquad
        \ell_i = (f[x_i, \phi] - y_i)^2

    with envelope :math:`E` and pre-activations :math:`z_i` (the code's ``a``).
    The derivative is
    :math:`\partial f / \partial z = e^{-z^2/E} (\cos z - 2 z \sin(z) / E)`
    times :math:`\partial z_i / \partial \phi = (1, 0.06 x_i)`.

    Parameters
    ----------
    envelope : float, default 32.0
        :math:`E > 0`. The lecture's slide prints :math:`E = 8`, but its plots
        (and the Understanding Deep Learning notebooks that draw them) use
        :math:`E = 32`, so 32 is the default; pass ``Gabor(8.0)`` for the
        slide's formula.
    reduction : {"sum", "mean"}, default "sum"
        Keyword only, see :class:`Model`.

    Examples
    --------
    >>> Gabor().predict(np.array([np.pi / 2, 0.0]), np.array([0.0]))
    array([0.926])
    >>> Gabor(8.0).envelope
    8.0
    """

    envelope: float = 32.0

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "envelope", positive("envelope", self.envelope))

    def _a(self, phi0: FloatArray, phi1: FloatArray, x: FloatArray) -> FloatArray:
        return phi0 + 0.06 * phi1 * x

    def _g(self, a: FloatArray) -> FloatArray:
        r"""The envelope :math:`e^{-z^2/E}` (``a`` is :math:`z`), 0 once :math:`z^2/E` is large."""
        g: FloatArray = np.exp(-(a**2) / self.envelope)
        return g

    def _f(self, phi0: FloatArray, phi1: FloatArray, x: FloatArray) -> FloatArray:
        a = self._a(phi0, phi1, x)
        # Where the envelope is 0, so is f: also for an overflowed a = inf, where sin(a) is NaN.
        return _times(self._g(a), np.sin(a))

    def _l(self, phi0: FloatArray, phi1: FloatArray, x: FloatArray, y: FloatArray) -> FloatArray:
        return (self._f(phi0, phi1, x) - y) ** 2

    def _dl(
        self, phi0: FloatArray, phi1: FloatArray, x: FloatArray, y: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        a = self._a(phi0, phi1, x)
        g = self._g(a)
        r = _times(g, np.sin(a)) - y
        df_da = _times(g, np.cos(a) - 2 * a * np.sin(a) / self.envelope)
        dl0 = 2 * (r * df_da)
        return dl0, _times(x, 0.06 * dl0)


@dataclass(frozen=True)
class Logistic(Model):
    r"""Logistic regression with the binary cross-entropy, computed from the logits.

    .. math::

        z_i = \phi_0 + \phi_1 x_i, \qquad p_i = \operatorname{sig}[z_i], \qquad
        \ell_i = -\bigl(y_i \log p_i + (1 - y_i) \log(1 - p_i)\bigr)
            = \operatorname{softplus}[z_i] - y_i z_i,

    .. math::

        \frac{\partial \ell_i}{\partial \phi} =
        (\operatorname{sig}[z_i] - y_i) \begin{bmatrix} 1 \\ x_i \end{bmatrix}.

    Labels :math:`y_i` lie in :math:`[0, 1]` (floats, or integer or boolean
    arrays of 0s and 1s). Loss and gradient come without
    floating-point warnings for every finite input, even for separable data
    where :math:`|z_i|` grows without bound. They are finite unless a logit
    :math:`z_i` or the sum over the examples overflows; a logit that overflows to
    :math:`\pm\infty` gives :math:`\ell_i = \infty` for a wrong label (and 0 for
    a right one), the limit of the formula.

    Examples
    --------
    >>> x, y = np.array([-1.0, 1.0]), np.array([0.0, 1.0])
    >>> Logistic().loss(np.array([0.0, 0.0]), x, y)
    1.3862943611198906
    >>> Logistic().grad(np.array([0.0, 1e4]), x, y)
    array([0., 0.])
    >>> Logistic().predict(np.array([0.0, 1.0]), x)
    array([0.26894142, 0.73105858])
    """

    def check_data(self, x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Return ``(x, y)`` checked as in :class:`Model`, with labels ``y`` in [0, 1]."""
        x, y = super().check_data(x, _binary_labels(y))
        _check_labels(y)
        return x, y

    def _z(self, phi0: FloatArray, phi1: FloatArray, x: FloatArray) -> FloatArray:
        return phi0 + phi1 * x

    def _f(self, phi0: FloatArray, phi1: FloatArray, x: FloatArray) -> FloatArray:
        return sigmoid(self._z(phi0, phi1, x))

    def _l(self, phi0: FloatArray, phi1: FloatArray, x: FloatArray, y: FloatArray) -> FloatArray:
        return _bce(self._z(phi0, phi1, x), y)

    def _dl(
        self, phi0: FloatArray, phi1: FloatArray, x: FloatArray, y: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        dl_dz = sigmoid(self._z(phi0, phi1, x)) - y
        return dl_dz, dl_dz * x


# ---------------------------------------------------------------- toy data


def _toy(
    model: Model, n: object, seed: object, phi: object, noise: object, low: float, high: float
) -> tuple[FloatArray, FloatArray]:
    """Draw ``x ~ U(low, high)`` and ``y = f[x, phi] + noise * N(0, 1)``."""
    n = integer("n", n, low=1)
    rng = np.random.default_rng(integer("seed", seed, low=0))
    phi_true = check_phi(phi)
    _check_finite("phi", phi_true)
    sigma = at_least("noise", noise, 0.0)
    x = rng.uniform(low, high, size=n)
    y = model._f(phi_true[0], phi_true[1], x) + sigma * rng.standard_normal(n)
    return x, y


def gabor_data(
    n: int = 30,
    *,
    seed: int = 0,
    phi: tuple[float, float] = (0.0, 15.0),
    noise: float = 0.1,
    envelope: float = 32.0,
) -> tuple[FloatArray, FloatArray]:
    r"""Synthetic data in the style of the lecture's Gabor example.

    For the textbook's own 30 points, which the lecture's figures use, see
    :func:`descend.datasets.textbook_gabor`; this function is for experiments
    that need other data (more points, other noise, known true parameters).

    .. math::

        x_i \sim \mathcal{U}(-15, 15), \qquad
        y_i = f[x_i, \phi_{\text{true}}] + \xi_i, \quad
        \xi_i \sim \mathcal{N}(0, \sigma^2),

    with the :class:`Gabor` model. Deterministic for a given ``seed``.

    Parameters
    ----------
    n : int, default 30
        Number of examples.
    seed : int, default 0
        Seed for :func:`numpy.random.default_rng`.
    phi : tuple of two floats, default (0.0, 15.0)
        True parameters :math:`\phi_{\text{true}}`.
    noise : float, default 0.1
        Standard deviation :math:`\sigma \ge 0` of the noise.
    envelope : float, default 32.0
        Envelope :math:`E` of the :class:`Gabor` model.

    Returns
    -------
    x, y : numpy.ndarray
        Float64 arrays of shape ``(n,)``, ``x`` in random order.

    Examples
    --------
    >>> x, y = gabor_data()
    >>> x.shape, bool(np.all(np.abs(x) <= 15))
    ((30,), True)
    """
    return _toy(Gabor(envelope), n, seed, phi, noise, -15.0, 15.0)


def linear_data(
    n: int = 30,
    *,
    seed: int = 0,
    phi: tuple[float, float] = (0.7, 0.5),
    noise: float = 0.1,
) -> tuple[FloatArray, FloatArray]:
    r"""Synthetic data for the :class:`Linear` model.

    For the textbook's own 12 points see :func:`descend.datasets.textbook_linear`.

    .. math::

        x_i \sim \mathcal{U}(0, 2), \qquad
        y_i = \phi_0 + \phi_1 x_i + \xi_i, \quad
        \xi_i \sim \mathcal{N}(0, \sigma^2).

    Parameters are as in :func:`gabor_data` (without ``envelope``).

    Examples
    --------
    >>> x, y = linear_data(5, noise=0.0)
    >>> bool(np.allclose(y, 0.7 + 0.5 * x))
    True
    """
    return _toy(Linear(), n, seed, phi, noise, 0.0, 2.0)
