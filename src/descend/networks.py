r"""Models with many parameters: logistic regression on many features, and a small network.

The models of :mod:`descend.models` have two parameters, so that their loss
can be drawn. Real data has many input features, and a network many weights;
here each weight matrix :math:`W_k` and bias vector :math:`\mathrm{bias}_k` is
a named view into one flat parameter vector :math:`\phi` (laid out by
:class:`~descend.FlatParams`), so every optimizer takes one step on all of
them, and :class:`~descend.landscapes.DataLoss` and :func:`descend.fit` train
these models as they train the two-parameter ones, with minibatches if asked.

* :class:`LogisticRegression`: one linear layer and the binary cross-entropy,
  the model of scikit-learn's ``LogisticRegression``.
* :class:`MLP`: one hidden layer and the softmax cross-entropy, for many classes.

Each example's input :math:`x_i` is a row of the 2-D array ``x``. Both models
can add an L2 penalty :math:`\tfrac{\omega}{2} \sum_k \lVert W_k \rVert^2` on
the weights (not the biases) to the loss: with ``reduction="sum"`` and
:math:`\omega = 1/c` that is exactly the objective scikit-learn's
``LogisticRegression(C=c)`` minimises. On a minibatch
(:meth:`~descend.landscapes.DataLoss.subset`) the penalty is added in full,
as PyTorch's ``weight_decay`` adds :math:`\omega \phi` to every step's gradient.

Examples
--------
>>> from descend.landscapes import DataLoss
>>> x = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]])
>>> model = MLP(2, 4, 3)
>>> phi = model.init(0)
>>> model.views(phi)["W1"].shape, model.size
((4, 2), 27)
>>> data = DataLoss(model, x, np.array([0, 2, 1]))
>>> data.grad(phi).shape
(27,)
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from descend._validate import FloatArray, at_least, choice, float_array, integer
from descend.models import (
    _bce,
    _binary_labels,
    _check_finite,
    _check_labels,
    _class_labels,
    _overflow_ok,
    _reduction,
    _softmax_cross_entropy,
    _softmax_cross_entropy_grad,
    sigmoid,
    softmax,
)
from descend.params import FlatParams

__all__ = ["MLP", "Activation", "LogisticRegression", "Network"]

Activation = Literal["tanh", "relu"]


@dataclass(frozen=True)
class Network(ABC):
    r"""A model whose parameters are named arrays in one flat vector :math:`\phi`.

    Subclasses give the arrays' shapes (:attr:`shapes`), check the labels and
    write the data loss and its gradient; this class checks the arguments, adds
    the L2 penalty and reduces. Loss and gradient come without floating-point
    warnings; parameters so large that the logits overflow give ``inf`` or
    ``NaN``, which the optimizers report (:class:`~descend.NonFiniteError`).

    Parameters
    ----------
    n_in : int
        The number of input features, the columns of ``x``.
    reduction : {"sum", "mean"}, default "sum"
        Keyword only: the loss is the sum of the examples' losses (the
        slides, and scikit-learn) or their mean.
    l2 : float, default 0.0
        Keyword only: :math:`\omega \ge 0`; the loss gets
        :math:`\tfrac{\omega}{2} \sum_k \lVert W_k \rVert^2` added, over the
        weights (the arrays whose names start with ``W``), not the biases.
    """

    n_in: int
    reduction: Literal["sum", "mean"] = field(default="sum", kw_only=True)
    l2: float = field(default=0.0, kw_only=True)
    _layout: FlatParams = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "n_in", integer("n_in", self.n_in, low=1))
        _reduction(self.reduction)
        object.__setattr__(self, "l2", at_least("l2", self.l2, 0.0))
        object.__setattr__(self, "_layout", FlatParams(self.shapes))

    @property
    @abstractmethod
    def shapes(self) -> dict[str, tuple[int, ...]]:
        """The parameter arrays' names and shapes, in the order they are laid out in phi."""

    @abstractmethod
    def _labels(self, y: object, n: int) -> np.ndarray[Any, Any]:
        """Return the labels ``y`` of ``n`` examples, checked."""

    @abstractmethod
    def _forward(self, p: dict[str, FloatArray], x: FloatArray) -> tuple[FloatArray, Any]:
        """The output logits, and what the backward pass needs of the forward pass."""

    @abstractmethod
    def _losses(self, logits: FloatArray, y: np.ndarray[Any, Any]) -> FloatArray:
        """Per-example losses."""

    @abstractmethod
    def _dlogits(self, logits: FloatArray, y: np.ndarray[Any, Any]) -> FloatArray:
        """Derivatives of the per-example losses with respect to the logits."""

    @abstractmethod
    def _backward(
        self,
        p: dict[str, FloatArray],
        g: dict[str, FloatArray],
        x: FloatArray,
        cache: Any,
        dz: FloatArray,
    ) -> None:
        """Write the gradient of ``sum(dz * logits)`` into the views ``g``."""

    @property
    def size(self) -> int:
        r"""The number of parameters, the length of :math:`\phi`."""
        return self._layout.size

    def views(self, phi: FloatArray) -> dict[str, FloatArray]:
        """Cut a flat float64 parameter vector (or a gradient) into the named arrays.

        The arrays are views: writing into them writes into ``phi``.

        Examples
        --------
        >>> LogisticRegression(3).views(np.arange(4.0))
        {'W': array([[0., 1., 2.]]), 'b': array([3.])}
        """
        arr = float_array("phi", phi)
        self._check_shape(arr)
        if arr.dtype != np.float64 or not arr.flags.c_contiguous:
            kind = f"{'' if arr.flags.c_contiguous else 'non-contiguous '}{arr.dtype}"
            raise TypeError(
                f"phi must be a contiguous float64 array to cut into views, got a {kind} "
                "array; check_phi(phi) returns one"
            )
        return self._layout.views(arr)

    def check_phi(self, phi: object) -> FloatArray:
        """Return ``phi`` as a contiguous float64 array of shape ``(size,)``."""
        arr = float_array("phi", phi)
        self._check_shape(arr)
        return np.ascontiguousarray(arr, dtype=np.float64)

    def _check_shape(self, phi: FloatArray) -> None:
        if phi.shape != (self.size,):
            names = ", ".join(self.shapes)
            raise ValueError(
                f"phi must have shape ({self.size},) for the parameters {names} of "
                f"{type(self).__name__}, got shape {phi.shape}"
            )

    def _check_x(self, x: object) -> FloatArray:
        arr = float_array("x", x)
        if arr.ndim != 2 or arr.shape[1] != self.n_in or arr.shape[0] == 0:
            raise ValueError(
                f"x must have shape (examples, {self.n_in}), one row per example with "
                f"{self.n_in} features and at least one row, got shape {arr.shape}"
            )
        _check_finite("x", arr)
        return arr

    def check_data(self, x: object, y: object) -> tuple[FloatArray, np.ndarray[Any, Any]]:
        """Return ``(x, y)`` checked: ``x`` finite of shape ``(examples, n_in)``, ``y`` labels."""
        arr = self._check_x(x)
        return arr, self._labels(y, len(arr))

    def logits(self, phi: FloatArray, x: FloatArray) -> FloatArray:
        """Return the output logits, one per example (one row per example for many classes)."""
        p = self._layout.views(self.check_phi(phi))
        with _overflow_ok():
            logits: FloatArray = self._forward(p, self._check_x(x))[0]
        return logits

    def loss(self, phi: FloatArray, x: FloatArray, y: object) -> float:
        r"""Return the loss :math:`L[\phi]`, penalty included."""
        x, labels = self.check_data(x, y)
        return self._checked_loss(self.check_phi(phi), x, labels)

    def grad(self, phi: FloatArray, x: FloatArray, y: object) -> FloatArray:
        r"""Return the gradient :math:`\partial L / \partial \phi`, a flat array like ``phi``."""
        x, labels = self.check_data(x, y)
        return self._checked_grad(self.check_phi(phi), x, labels)

    # The two below take arguments already checked (DataLoss checks its data once).

    def _checked_loss(self, phi: FloatArray, x: FloatArray, y: np.ndarray[Any, Any]) -> float:
        p = self._layout.views(phi)
        with _overflow_ok():
            l_i = self._losses(self._forward(p, x)[0], y)
            L = float(np.sum(l_i)) if self.reduction == "sum" else float(np.mean(l_i))
            if self.l2:
                L += 0.5 * self.l2 * sum(float(np.sum(p[k] ** 2)) for k in self._weights)
        return L

    def _checked_grad(self, phi: FloatArray, x: FloatArray, y: np.ndarray[Any, Any]) -> FloatArray:
        p = self._layout.views(phi)
        grad = self._layout.zeros_like()
        g = self._layout.views(grad)
        with _overflow_ok():
            logits, cache = self._forward(p, x)
            dz = self._dlogits(logits, y)
            if self.reduction == "mean":
                dz /= len(x)
            self._backward(p, g, x, cache, dz)
            for k in self._weights:
                g[k] += self.l2 * p[k]
        return grad

    @property
    def _weights(self) -> list[str]:
        return [name for name in self.shapes if name.startswith("W")]


@dataclass(frozen=True)
class LogisticRegression(Network):
    r"""Logistic regression on many features, with the binary cross-entropy.

    For the input row :math:`x_i` (``n_in`` features), the weights
    :math:`W` (shape ``(1, n_in)``) and the bias :math:`\mathrm{bias}`,

    .. math::

        z_i = W x_i + \mathrm{bias}, \qquad
        \ell_i = \operatorname{softplus}[z_i] - y_i z_i, \qquad
        L[\phi] = \sum_i \ell_i + \frac{\omega}{2} \lVert W \rVert^2,

    .. math::

        \frac{\partial L}{\partial W} = \sum_i (\operatorname{sig}[z_i] - y_i)\, x_i^\top
        + \omega W, \qquad
        \frac{\partial L}{\partial\, \mathrm{bias}} = \sum_i (\operatorname{sig}[z_i] - y_i).

    :math:`\phi` holds :math:`W`, then :math:`\mathrm{bias}` (named ``"W"`` and
    ``"b"`` in :meth:`~Network.views`). This is the
    :class:`~descend.models.Logistic` model with a vector input, and with
    ``l2=1/c`` it is scikit-learn's ``LogisticRegression(C=c)``: the same
    loss, so the same minimum (scikit-learn's ``coef_`` is :math:`W`, its
    ``intercept_`` the bias). Labels lie in [0, 1]: floats, or integer or
    boolean arrays of 0s and 1s.

    Parameters
    ----------
    n_in : int
        The number of input features.
    reduction, l2
        Keyword only, see :class:`Network`.

    Examples
    --------
    >>> x, y = np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([1, 0])
    >>> model = LogisticRegression(2, l2=1.0)
    >>> phi = np.zeros(model.size)
    >>> model.loss(phi, x, y)  # 2 log 2
    1.3862943611198906
    >>> model.grad(phi, x, y)
    array([-0.5,  0.5,  0. ])
    """

    @property
    def shapes(self) -> dict[str, tuple[int, ...]]:
        """``{"W": (1, n_in), "b": (1,)}``."""
        return {"W": (1, self.n_in), "b": (1,)}

    def _labels(self, y: object, n: int) -> FloatArray:
        labels = _binary_labels(y)
        if labels.shape != (n,):
            raise ValueError(
                f"y must have shape ({n},), one label per row of x, got shape {labels.shape}"
            )
        _check_finite("y", labels)
        _check_labels(labels)
        return labels

    def _z(self, p: dict[str, FloatArray], x: FloatArray) -> FloatArray:
        z: FloatArray = x @ p["W"][0] + p["b"][0]
        return z

    def predict(self, phi: FloatArray, x: FloatArray) -> FloatArray:
        r"""Return the probabilities :math:`p_i = \operatorname{sig}[z_i]` of the label 1."""
        return sigmoid(self.logits(phi, x))

    def _forward(self, p: dict[str, FloatArray], x: FloatArray) -> tuple[FloatArray, None]:
        return self._z(p, x), None

    def _losses(self, logits: FloatArray, y: np.ndarray[Any, Any]) -> FloatArray:
        return _bce(logits, y)

    def _dlogits(self, logits: FloatArray, y: np.ndarray[Any, Any]) -> FloatArray:
        dz: FloatArray = sigmoid(logits) - y
        return dz

    def _backward(
        self,
        p: dict[str, FloatArray],
        g: dict[str, FloatArray],
        x: FloatArray,
        cache: None,
        dz: FloatArray,
    ) -> None:
        g["W"][0] = dz @ x
        g["b"][0] = dz.sum()


@dataclass(frozen=True)
class MLP(Network):
    r"""A network with one hidden layer and the softmax cross-entropy, for many classes.

    For the input row :math:`x_i`, with the activation
    :math:`\operatorname{act}` (:math:`\tanh` or :math:`\max(z, 0)`, applied
    elementwise),

    .. math::

        z_{1,i} = W_1 x_i + \mathrm{bias}_1, \qquad
        z_{2,i} = W_2 \operatorname{act}[z_{1,i}] + \mathrm{bias}_2, \qquad
        \ell_i = \operatorname{LSE}[z_{2,i}] - z_{2,i,y_i},

    the logits :math:`z_{2,i}` scored by
    :func:`~descend.models.softmax_cross_entropy` against the class label
    :math:`y_i`. The backward pass is the chain rule, from the output back:
    with the derivatives with respect to the pre-activations of example :math:`i`,

    .. math::

        \frac{\partial \ell_i}{\partial z_{2,i}}
        = \operatorname{softmax}[z_{2,i}] - \text{one-hot}[y_i], \qquad
        \frac{\partial \ell_i}{\partial z_{1,i}}
        = \operatorname{act}'[z_{1,i}] \odot W_2^\top \frac{\partial \ell_i}{\partial z_{2,i}},

    the gradient is

    .. math::

        \frac{\partial L}{\partial W_2}
        = \sum_i \frac{\partial \ell_i}{\partial z_{2,i}} \operatorname{act}[z_{1,i}]^\top,
        \quad
        \frac{\partial L}{\partial\, \mathrm{bias}_2}
        = \sum_i \frac{\partial \ell_i}{\partial z_{2,i}},
        \quad
        \frac{\partial L}{\partial W_1}
        = \sum_i \frac{\partial \ell_i}{\partial z_{1,i}}\, x_i^\top,
        \quad
        \frac{\partial L}{\partial\, \mathrm{bias}_1}
        = \sum_i \frac{\partial \ell_i}{\partial z_{1,i}},

    plus :math:`\omega W_k` for the penalty. :math:`\phi` holds
    :math:`W_1, \mathrm{bias}_1, W_2, \mathrm{bias}_2` (named ``"W1"``,
    ``"b1"``, ``"W2"``, ``"b2"`` in :meth:`~Network.views`), :math:`W_k` of shape
    (outputs, inputs).

    Parameters
    ----------
    n_in, n_hidden, n_out : int
        The number of input features, of hidden units and of classes.
    activation : {"tanh", "relu"}, default "tanh"
        The hidden units' nonlinearity.
    reduction, l2
        Keyword only, see :class:`Network`.

    Examples
    --------
    >>> model = MLP(3, 5, 4, reduction="mean")
    >>> phi = model.init(np.random.default_rng(1))
    >>> x, y = np.ones((2, 3)), np.array([0, 3])
    >>> round(model.loss(np.zeros(model.size), x, y), 6)  # log 4: every class 1/4
    1.386294
    >>> model.predict(phi, x).sum(axis=1)
    array([1., 1.])
    """

    n_hidden: int
    n_out: int
    activation: Activation = "tanh"

    def __post_init__(self) -> None:
        for name in ("n_hidden", "n_out"):
            object.__setattr__(self, name, integer(name, getattr(self, name), low=1))
        choice("activation", self.activation, ("tanh", "relu"))
        super().__post_init__()

    @property
    def shapes(self) -> dict[str, tuple[int, ...]]:
        """The shapes ``W1`` (n_hidden, n_in), ``b1``, ``W2`` (n_out, n_hidden) and ``b2``."""
        return {
            "W1": (self.n_hidden, self.n_in),
            "b1": (self.n_hidden,),
            "W2": (self.n_out, self.n_hidden),
            "b2": (self.n_out,),
        }

    def init(self, rng: int | np.random.Generator) -> FloatArray:
        r"""Random starting parameters: normal weights, zero biases.

        The entries of :math:`W_k` are drawn from
        :math:`\mathcal N(0, \text{gain} / \text{inputs of layer } k)`, with the
        gain 1 for ``tanh`` (LeCun's initialisation) and 2 for ``relu``
        (He's), so that the pre-activations start with a variance of order 1
        whatever the layer widths. ``rng`` is a seed or a
        :class:`numpy.random.Generator`.
        """
        if not isinstance(rng, np.random.Generator):
            if isinstance(rng, bool) or not isinstance(rng, int | np.integer):
                raise TypeError(
                    "rng must be a seed (an integer >= 0) or a numpy.random.Generator, "
                    f"got {rng!r} of type {type(rng).__name__}"
                )
            rng = np.random.default_rng(integer("rng", rng, low=0))
        phi = self._layout.zeros_like()
        p = self._layout.views(phi)
        gain = 1.0 if self.activation == "tanh" else 2.0
        for k in self._weights:
            n_out, n_in = p[k].shape
            p[k][...] = rng.standard_normal((n_out, n_in)) * np.sqrt(gain / n_in)
        return phi

    def _labels(self, y: object, n: int) -> np.ndarray[Any, Any]:
        return _class_labels(y, n, self.n_out, rows="x")

    def _hidden(self, p: dict[str, FloatArray], x: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Pre-activations ``z1`` and activations ``act(z1)`` of the hidden layer."""
        z1: FloatArray = x @ p["W1"].T + p["b1"]
        return z1, np.tanh(z1) if self.activation == "tanh" else np.maximum(z1, 0.0)

    def predict(self, phi: FloatArray, x: FloatArray) -> FloatArray:
        r"""Return the class probabilities :math:`\operatorname{softmax}[z_{2,i}]`, one row each."""
        return softmax(self.logits(phi, x))

    def _forward(
        self, p: dict[str, FloatArray], x: FloatArray
    ) -> tuple[FloatArray, tuple[FloatArray, FloatArray]]:
        z1, a1 = self._hidden(p, x)
        z2: FloatArray = a1 @ p["W2"].T + p["b2"]
        return z2, (z1, a1)

    def _losses(self, logits: FloatArray, y: np.ndarray[Any, Any]) -> FloatArray:
        return _softmax_cross_entropy(logits, y)

    def _dlogits(self, logits: FloatArray, y: np.ndarray[Any, Any]) -> FloatArray:
        return _softmax_cross_entropy_grad(logits, y)

    def _backward(
        self,
        p: dict[str, FloatArray],
        g: dict[str, FloatArray],
        x: FloatArray,
        cache: tuple[FloatArray, FloatArray],
        dz: FloatArray,
    ) -> None:
        z1, a1 = cache
        g["W2"][...] = dz.T @ a1
        g["b2"][...] = dz.sum(axis=0)
        d_act = 1 - a1**2 if self.activation == "tanh" else (z1 > 0).astype(np.float64)
        dz1 = (dz @ p["W2"]) * d_act
        g["W1"][...] = dz1.T @ x
        g["b1"][...] = dz1.sum(axis=0)
