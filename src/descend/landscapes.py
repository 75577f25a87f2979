r"""Loss landscapes :math:`L[\phi]` over two parameters, for the gallery.

Every landscape has ``loss(phi)`` and ``grad(phi)`` for
:math:`\phi = (\phi_0, \phi_1)`, so it satisfies the :class:`Landscape`
protocol that the optimizers need, and ``loss_grid(phi0_grid, phi1_grid)``
for contour plots. The analytic test functions also carry a ``name``, their
``minimum`` and a suggested plotting box ``bounds``; :class:`DataLoss` turns a
model from :mod:`descend.models` (or a network from :mod:`descend.networks`,
with many parameters) and a data set into a landscape.

Examples
--------
>>> phi0, phi1 = np.meshgrid(np.linspace(-1, 1, 5), np.linspace(-1, 1, 3))
>>> FixedStep().loss_grid(phi0, phi1).shape
(3, 5)
>>> isinstance(Rosenbrock(), Landscape)
True
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from descend._validate import FloatArray, float_array, positive, real
from descend.models import Model, _overflow_ok, check_phi
from descend.networks import Network

__all__ = ["Bounds", "DataLoss", "FixedStep", "Landscape", "Quadratic", "Rosenbrock", "hessian"]

Bounds = tuple[tuple[float, float], tuple[float, float]]
"""A plotting box ``((phi0_min, phi0_max), (phi1_min, phi1_max))``."""


@runtime_checkable
class Landscape(Protocol):
    r"""Anything with a loss :math:`L[\phi]` and its gradient, for ``phi`` of shape ``(2,)``."""

    def loss(self, phi: FloatArray) -> float:
        r"""Return :math:`L[\phi]`."""
        ...

    def grad(self, phi: FloatArray) -> FloatArray:
        r"""Return :math:`\partial L / \partial \phi`, shape ``(2,)``."""
        ...


class _Formula(ABC):
    """A landscape given by formulas for :math:`L` and its partial derivatives.

    Subclasses write :meth:`_L` and :meth:`_dL` on broadcasting arrays
    ``phi0``, ``phi1``; this class checks ``phi`` and evaluates them without
    floating-point warnings: far from the minimum, e.g. in a diverging run, a
    value too large for a float is honestly ``inf`` (or ``NaN`` for
    ``inf - inf``), and the optimizers report it.
    """

    @abstractmethod
    def _L(self, phi0: FloatArray, phi1: FloatArray) -> FloatArray:
        """Loss :math:`L`."""

    @abstractmethod
    def _dL(self, phi0: FloatArray, phi1: FloatArray) -> tuple[FloatArray, FloatArray]:
        r"""Partial derivatives :math:`\partial L / \partial \phi_j`, j = 0, 1."""

    def loss(self, phi: FloatArray) -> float:
        r"""Return :math:`L[\phi]` for ``phi`` of shape ``(2,)``."""
        phi = check_phi(phi)
        with _overflow_ok():
            return float(self._L(phi[0], phi[1]))

    def grad(self, phi: FloatArray) -> FloatArray:
        r"""Return :math:`\partial L / \partial \phi`, shape ``(2,)``."""
        phi = check_phi(phi)
        with _overflow_ok():
            return np.stack(self._dL(phi[0], phi[1]))

    def loss_grid(self, phi0_grid: FloatArray, phi1_grid: FloatArray) -> FloatArray:
        """Return :math:`L` on a grid, e.g. the two arrays from :func:`numpy.meshgrid`."""
        phi0 = float_array("phi0_grid", phi0_grid)
        phi1 = float_array("phi1_grid", phi1_grid)
        with _overflow_ok():
            return self._L(phi0, phi1)


@dataclass(frozen=True)
class Quadratic(_Formula):
    r"""Ill-conditioned quadratic bowl, optionally rotated.

    .. math::

        L[\phi] = \tfrac12 \left(\lambda_0 \psi_0^2 + \lambda_1 \psi_1^2\right), \qquad
        \begin{bmatrix} \psi_0 \\ \psi_1 \end{bmatrix} =
        \begin{bmatrix} \cos(\texttt{angle}) & \sin(\texttt{angle}) \\
                        -\sin(\texttt{angle}) & \cos(\texttt{angle}) \end{bmatrix}
        \begin{bmatrix} \phi_0 \\ \phi_1 \end{bmatrix}

    The curvatures (the Hessian's eigenvalues) are :math:`\lambda_0` = ``a`` and
    :math:`\lambda_1` = ``b``, along the axes of the coordinates :math:`\psi`,
    which are turned by ``angle`` (in radians) from the :math:`\phi_0`,
    :math:`\phi_1` axes. The condition number is
    :math:`\kappa = \max(\lambda_0, \lambda_1) / \min(\lambda_0, \lambda_1)`;
    gradient descent with step :math:`\alpha` is stable only for
    :math:`\alpha < 2 / \max(\lambda_0, \lambda_1)`. Minimum :math:`\phi = 0`.

    Examples
    --------
    >>> Quadratic().grad(np.array([1.0, 1.0]))
    array([ 1., 10.])
    >>> Quadratic(angle=np.pi / 2).grad(np.array([1.0, 1.0]))
    array([10.,  1.])
    """

    a: float = 1.0
    b: float = 10.0
    angle: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "a", positive("a", self.a))
        object.__setattr__(self, "b", positive("b", self.b))
        object.__setattr__(self, "angle", real("angle", self.angle))

    def _uv(self, phi0: FloatArray, phi1: FloatArray) -> tuple[FloatArray, FloatArray]:
        c, s = math.cos(self.angle), math.sin(self.angle)
        return c * phi0 + s * phi1, -s * phi0 + c * phi1

    def _L(self, phi0: FloatArray, phi1: FloatArray) -> FloatArray:
        u, v = self._uv(phi0, phi1)
        return 0.5 * (self.a * u**2 + self.b * v**2)

    def _dL(self, phi0: FloatArray, phi1: FloatArray) -> tuple[FloatArray, FloatArray]:
        u, v = self._uv(phi0, phi1)
        c, s = math.cos(self.angle), math.sin(self.angle)
        # c * u before a * (...): a product with |c|, |s| <= 1 cannot overflow, so a huge u
        # times s = 0 (angle 0) is 0, not inf * 0 = NaN.
        return self.a * (c * u) - self.b * (s * v), self.a * (s * u) + self.b * (c * v)

    @property
    def name(self) -> str:
        """Short title for plots."""
        return f"Quadratic (a={self.a:g}, b={self.b:g}, angle={self.angle:g})"

    @property
    def minimum(self) -> FloatArray:
        r"""The minimiser :math:`\phi = (0, 0)`."""
        return np.zeros(2)

    @property
    def bounds(self) -> Bounds:
        """Suggested plotting box."""
        return ((-2.0, 2.0), (-2.0, 2.0))


@dataclass(frozen=True)
class Rosenbrock(_Formula):
    r"""Rosenbrock's banana-shaped valley.

    .. math::

        L[\phi] = (\texttt{a} - \phi_0)^2 + \texttt{b} (\phi_1 - \phi_0^2)^2, \qquad
        \frac{\partial L}{\partial \phi} =
        \begin{bmatrix} -2(\texttt{a} - \phi_0) - 4 \texttt{b} \phi_0 (\phi_1 - \phi_0^2) \\
                        2 \texttt{b} (\phi_1 - \phi_0^2) \end{bmatrix}

    Minimum :math:`\phi = (\texttt{a}, \texttt{a}^2)` with :math:`L = 0`, at the end of
    a long, curved, nearly flat valley floor.

    Examples
    --------
    >>> r = Rosenbrock()
    >>> r.minimum, r.loss(r.minimum)
    (array([1., 1.]), 0.0)
    """

    a: float = 1.0
    b: float = 100.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "a", real("a", self.a))
        object.__setattr__(self, "b", positive("b", self.b))

    def _L(self, phi0: FloatArray, phi1: FloatArray) -> FloatArray:
        return (self.a - phi0) ** 2 + self.b * (phi1 - phi0**2) ** 2

    def _dL(self, phi0: FloatArray, phi1: FloatArray) -> tuple[FloatArray, FloatArray]:
        valley = phi1 - phi0**2
        return -2 * (self.a - phi0) - 4 * self.b * phi0 * valley, 2 * self.b * valley

    @property
    def name(self) -> str:
        """Short title for plots."""
        return f"Rosenbrock (a={self.a:g}, b={self.b:g})"

    @property
    def minimum(self) -> FloatArray:
        r"""The minimiser :math:`\phi = (a, a^2)`."""
        return np.array([self.a, self.a * self.a])  # a**2 would raise OverflowError for huge a

    @property
    def bounds(self) -> Bounds:
        """Suggested plotting box, containing the minimum (``((-2, 2), (-1, 3))`` for a = 1)."""
        m = max(abs(self.a), 1.0)
        return ((-2 * m, 2 * m), (-m, m * m + 2 * m))


@dataclass(frozen=True)
class FixedStep(_Formula):
    r"""The textbook's landscape where no fixed step size works well.

    .. math::

        L[\phi] = 1 - \exp\!\left(-2 \phi_1^2\right)
                      \exp\!\left(-\frac{(\phi_0 - 0.7)^2}{8}\right), \qquad
        \frac{\partial L}{\partial \phi} = (1 - L[\phi])
        \begin{bmatrix} (\phi_0 - 0.7) / 4 \\ 4 \phi_1 \end{bmatrix} .

    It is the function of the Understanding Deep
    Learning notebooks on momentum and Adam (there differentiated
    numerically). Near the minimum :math:`\phi = (0.7, 0)` the Hessian is
    :math:`\operatorname{diag}(1/4, 4)`: a wide, flat valley along
    :math:`\phi_0` and a steep one across :math:`\phi_1`, condition number 16.
    Gradient descent with a fixed step :math:`\alpha` oscillates across
    :math:`\phi_1` for :math:`\alpha > 2/4 = 0.5` (the loss is bounded, so it
    does not diverge: just above 0.5 it settles into a two-cycle, for larger
    :math:`\alpha` it keeps bouncing irregularly) and creeps along
    :math:`\phi_0` by a factor :math:`1 - \alpha/4 \ge 7/8` per step for
    smaller :math:`\alpha`.

    Examples
    --------
    >>> f = FixedStep()
    >>> f.loss(f.minimum), f.grad(f.minimum)
    (0.0, array([0., 0.]))
    """

    def _L(self, phi0: FloatArray, phi1: FloatArray) -> FloatArray:
        return 1 - self._h(phi0, phi1)

    def _h(self, phi0: FloatArray, phi1: FloatArray) -> FloatArray:
        h: FloatArray = np.exp(-2 * phi1**2) * np.exp(-((phi0 - 0.7) ** 2) / 8)
        return h

    def _dL(self, phi0: FloatArray, phi1: FloatArray) -> tuple[FloatArray, FloatArray]:
        h = self._h(phi0, phi1)
        return h * (phi0 - 0.7) / 4, h * 4 * phi1

    @property
    def name(self) -> str:
        """Short title for plots."""
        return "Fixed step size landscape"

    @property
    def minimum(self) -> FloatArray:
        r"""The minimiser :math:`\phi = (0.7, 0)`."""
        return np.array([0.7, 0.0])

    @property
    def bounds(self) -> Bounds:
        """The textbook's plotting box :math:`[-1, 1]^2`."""
        return ((-1.0, 1.0), (-1.0, 1.0))


@dataclass(frozen=True, eq=False)
class DataLoss:
    r"""The loss :math:`L[\phi] = \sum_i \ell_i[\phi]` of a model on a data set, as a landscape.

    Parameters
    ----------
    model : Model or Network
        A model from :mod:`descend.models`, or a network from
        :mod:`descend.networks` (then ``phi`` is its flat parameter vector);
        its ``reduction`` decides between the sum and the mean over the examples.
    x, y : numpy.ndarray
        The data, as the model takes it: for a model 1-D float arrays of the
        same length, for a network one row of ``x`` per example and its labels
        (checked by the model).

    Examples
    --------
    >>> from descend.models import Linear
    >>> data = DataLoss(Linear(), np.array([0.0, 1.0, 2.0]), np.array([1.0, 3.0, 5.0]))
    >>> data.loss(np.array([1.0, 2.0])), data.grad(np.array([0.0, 2.0]))
    (0.0, array([-6., -6.]))
    >>> data.subset(np.array([2])).grad(np.array([0.0, 2.0]))
    array([-2., -4.])
    """

    model: Model | Network
    x: FloatArray
    y: NDArray[Any]

    def __post_init__(self) -> None:
        if not isinstance(self.model, Model | Network):
            raise TypeError(
                "model must be a descend.models.Model (Linear(), Gabor(), Logistic(), ...) or a "
                f"descend.networks.Network, got {self.model!r} of type {type(self.model).__name__}"
            )
        x, y = self.model.check_data(self.x, self.y)
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)

    def __len__(self) -> int:
        return len(self.x)

    @property
    def name(self) -> str:
        """Short title for plots."""
        return f"{type(self.model).__name__} on {len(self)} examples"

    def _phi(self, phi: FloatArray) -> FloatArray:
        return self.model.check_phi(phi) if isinstance(self.model, Network) else check_phi(phi)

    def loss(self, phi: FloatArray) -> float:
        r"""Return :math:`L[\phi]` on this data."""
        return self.model._checked_loss(self._phi(phi), self.x, self.y)

    def grad(self, phi: FloatArray) -> FloatArray:
        r"""Return :math:`\partial L / \partial \phi` on this data."""
        return self.model._checked_grad(self._phi(phi), self.x, self.y)

    def loss_grid(self, phi0_grid: FloatArray, phi1_grid: FloatArray) -> FloatArray:
        """Return :math:`L` on a grid, e.g. the two arrays from :func:`numpy.meshgrid`."""
        if isinstance(self.model, Network):
            raise TypeError(
                f"loss_grid needs a two-parameter model, got {type(self.model).__name__} "
                f"with {self.model.size} parameters"
            )
        return self.model.loss_grid(phi0_grid, phi1_grid, self.x, self.y)

    def subset(self, indices: ArrayLike) -> DataLoss:
        r"""Return the loss on the examples ``indices`` only, e.g. a minibatch.

        With ``reduction="sum"`` this is :math:`\sum_{i \in \mathcal{B}} \ell_i`,
        with ``"mean"`` it is divided by the batch size :math:`|\mathcal{B}|`.
        """
        idx = np.asarray(indices)
        if idx.dtype == np.bool_ or not np.issubdtype(idx.dtype, np.integer):
            raise TypeError(f"indices must be integers, got {indices!r} of dtype {idx.dtype}")
        if idx.ndim != 1 or idx.size == 0:
            raise ValueError(f"indices must be a non-empty 1-D array, got shape {idx.shape}")
        if idx.min() < 0 or idx.max() >= len(self):
            raise ValueError(f"indices must lie in [0, {len(self)}), got {indices!r}")
        return DataLoss(self.model, self.x[idx], self.y[idx])


def hessian(problem: Landscape, phi: FloatArray, h: float = 1e-5) -> FloatArray:
    r"""The Hessian :math:`\partial^2 L / \partial \phi^2` at ``phi``, by central differences.

    Column :math:`j` is :math:`(\nabla L[\phi + h e_j] - \nabla L[\phi - h e_j]) / 2h`,
    and the result is symmetrized. Its eigenvalues are the curvatures that
    decide the largest stable step of gradient descent, :math:`2/\lambda_{\max}`.

    Examples
    --------
    >>> hessian(Quadratic(a=1.0, b=10.0), np.array([0.3, -0.2])).round(6)
    array([[ 1.,  0.],
           [ 0., 10.]])
    """
    phi = float_array("phi", phi)
    h = positive("h", h)
    d = phi.size
    H = np.empty((d, d))
    for j in range(d):
        e = np.zeros(d)
        e[j] = h
        H[:, j] = (problem.grad(phi + e) - problem.grad(phi - e)) / (2 * h)
    symmetric: FloatArray = (H + H.T) / 2
    return symmetric
