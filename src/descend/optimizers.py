r"""Gradient descent, SGD and momentum: the update rules before Adam.

Each class is a frozen dataclass of hyperparameters; its ``update`` is the
rule, elementwise, written with the symbols of the docs (and its ``scalars``
the per-step numbers the rule uses): :math:`\phi` (``phi``) the
parameters, :math:`g` (``g``) the gradient, :math:`\alpha` (``alpha``) the
learning rate, :math:`\beta` (``beta``) the momentum coefficient and
:math:`m` (``m``) the momentum.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

import numpy as np

from descend import _validate as check
from descend._base import Gradient, LearningRate, Optimizer, State
from descend._validate import FloatArray

__all__ = ["SGD", "GradientDescent", "Momentum", "NesterovMomentum", "NormalizedGradient"]


@dataclass(frozen=True)
class GradientDescent(Optimizer):
    r"""Plain gradient descent.

    .. math::

        \phi_{t+1} = \phi_t - \alpha \, \frac{\partial L[\phi_t]}{\partial \phi}

    Parameters
    ----------
    lr
        The learning rate :math:`\alpha` (a number ``>= 0`` or a schedule).

    Examples
    --------
    >>> import numpy as np
    >>> opt = GradientDescent(lr=0.1)
    >>> phi = np.array([1.0, -2.0])
    >>> phi, state = opt.step(phi, 2 * phi, opt.init(phi))  # L = |phi|^2
    >>> phi
    array([ 0.8, -1.6])
    """

    lr: LearningRate

    def __post_init__(self) -> None:
        super().__post_init__()

    def scalars(self, alpha: float, t: int) -> dict[str, float | bool]:
        return {"alpha": alpha}

    @staticmethod
    def update(phi: FloatArray, g: FloatArray, alpha: float) -> tuple[FloatArray]:
        return (phi - alpha * g,)


@dataclass(frozen=True)
class SGD(Optimizer):
    r"""Stochastic gradient descent with momentum, exactly as ``torch.optim.SGD``.

    With the learning rate :math:`\text{lr}`, weight decay :math:`\omega`,
    momentum :math:`\mu` and ``dampening``, PyTorch's rule (Sutskever et al.,
    2013, reformulated) is, for the steps :math:`t = 0, 1, \dots`,

    .. math::

        g_t &\leftarrow g_t + \omega \phi_t \\
        b_t &= \begin{cases} g_t & t = 0 \\
                \mu b_{t-1} + (1 - \texttt{dampening})\, g_t & t > 0 \end{cases} \\
        \phi_{t+1} &= \phi_t - \text{lr} \,(g_t + \mu b_t) \quad\text{(Nesterov)}
            \quad\text{or}\quad \phi_t - \text{lr} \, b_t .

    The momentum buffer starts as the first gradient, not zero. With
    ``momentum=0`` this is :class:`GradientDescent`; with ``momentum=beta``
    and ``lr=alpha * (1 - beta)`` it traces the same path as
    :class:`Momentum` ``(alpha, beta)``, step for step from the first
    (:math:`m_{t+1} = (1-\beta) b_t`).

    Parameters
    ----------
    lr
        Learning rate :math:`\text{lr}` (number or schedule), default ``1e-3``.
    momentum
        Momentum factor :math:`\mu \ge 0`.
    dampening
        ``dampening`` :math:`\ge 0`, the share of the new gradient left out of
        the buffer.
    weight_decay
        L2 penalty :math:`\omega \ge 0`, added to the gradient.
    nesterov
        Use Nesterov momentum (needs ``momentum > 0`` and ``dampening == 0``).
    maximize
        Ascend instead of descend.

    Examples
    --------
    >>> import numpy as np
    >>> opt = SGD(lr=0.1, momentum=0.9)
    >>> phi = np.array([1.0])
    >>> state = opt.init(phi)
    >>> for _ in range(2):
    ...     phi, state = opt.step(phi, 2 * phi, state)
    >>> phi
    array([0.46])
    """

    lr: LearningRate = 1e-3
    momentum: float = 0.0
    dampening: float = 0.0
    weight_decay: float = 0.0
    nesterov: bool = False
    maximize: bool = False

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "momentum", check.at_least("momentum", self.momentum, 0.0))
        object.__setattr__(self, "dampening", check.at_least("dampening", self.dampening, 0.0))
        wd = check.at_least("weight_decay", self.weight_decay, 0.0)
        object.__setattr__(self, "weight_decay", wd)
        check.flag("nesterov", self.nesterov)
        check.flag("maximize", self.maximize)
        if self.nesterov and (self.momentum <= 0 or self.dampening != 0):
            raise ValueError(
                "nesterov=True requires momentum > 0 and dampening == 0 (as torch.optim.SGD), "
                f"got momentum={self.momentum!r}, dampening={self.dampening!r}"
            )

    slots: ClassVar[tuple[str, ...]] = ("b",)

    @property
    def buffer_names(self) -> tuple[str, ...]:
        return ("b",) if self.momentum != 0 else ()

    def scalars(self, alpha: float, t: int) -> dict[str, float | bool]:
        return {
            "alpha": alpha,
            "mu": self.momentum,
            "one_minus_tau": 1 - self.dampening,
            "lam": self.weight_decay,
            "first": t == 1,
            "maximize": self.maximize,
            "nesterov": self.nesterov,
        }

    @staticmethod
    def update(
        phi: FloatArray,
        g: FloatArray,
        b: FloatArray,
        alpha: float,
        mu: float,
        one_minus_tau: float,
        lam: float,
        first: bool,
        maximize: bool,
        nesterov: bool,
    ) -> tuple[FloatArray, FloatArray]:
        if maximize:
            g = -g
        if lam != 0:
            g = g + lam * phi
        if mu == 0:
            return phi - alpha * g, b
        b = g if first else mu * b + one_minus_tau * g  # the buffer starts as the first g
        direction = g + mu * b if nesterov else b
        return phi - alpha * direction, b


@dataclass(frozen=True)
class Momentum(Optimizer):
    r"""Momentum as in the lecture: an exponential moving average of gradients.

    .. math::

        m_{t+1} &= \beta \, m_t + (1 - \beta) \, g_t \\
        \phi_{t+1} &= \phi_t - \alpha \, m_{t+1}, \qquad m_0 = 0

    (Polyak, 1964; Prince, 2023, eq. 6.11). In a steady slope the step tends
    to :math:`\alpha g`; PyTorch's :class:`SGD` writes the same rule without
    the :math:`(1-\beta)`, which is the same path with ``lr`` scaled by
    :math:`1-\beta`.

    Parameters
    ----------
    lr
        Learning rate :math:`\alpha` (number or schedule).
    beta
        Momentum coefficient :math:`\beta \in [0, 1)`.

    Examples
    --------
    >>> import numpy as np
    >>> opt = Momentum(lr=0.1, beta=0.9)
    >>> phi = np.array([1.0])
    >>> phi, state = opt.step(phi, 2 * phi, opt.init(phi))
    >>> phi, state["m"]
    (array([0.98]), array([0.2]))
    """

    lr: LearningRate
    beta: float = 0.9

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "beta", check.in_range("beta", self.beta, 0.0, 1.0))

    slots: ClassVar[tuple[str, ...]] = ("m",)

    @property
    def buffer_names(self) -> tuple[str, ...]:
        return ("m",)

    def scalars(self, alpha: float, t: int) -> dict[str, float | bool]:
        return {"alpha": alpha, "one_minus_beta": 1 - self.beta}

    @staticmethod
    def update(
        phi: FloatArray, g: FloatArray, m: FloatArray, alpha: float, one_minus_beta: float
    ) -> tuple[FloatArray, FloatArray]:
        m = m + one_minus_beta * (g - m)  # = beta m + (1 - beta) g
        return phi - alpha * m, m


@dataclass(frozen=True)
class NesterovMomentum(Optimizer):
    r"""Nesterov momentum in the lecture's look-ahead form.

    The gradient is taken where momentum alone would carry us next,
    :math:`\phi_t - \alpha\beta m_t`, instead of at :math:`\phi_t`:

    .. math::

        m_{t+1} &= \beta \, m_t + (1 - \beta) \, g(\phi_t - \alpha \beta \, m_t) \\
        \phi_{t+1} &= \phi_t - \alpha \, m_{t+1}, \qquad m_0 = 0

    (Nesterov, 1983; Sutskever et al., 2013; Prince, 2023, eq. 6.12). ``grad``
    must be a callable, since the gradient is needed away from ``phi``. This is
    Sutskever's form with velocity :math:`u_t = -\alpha m_t` and step size
    :math:`\nu = \alpha(1-\beta)`, so ``SGD(lr=alpha * (1 - beta), momentum=beta,
    nesterov=True)`` visits exactly the look-ahead points
    :math:`\phi_t - \alpha\beta m_t` of this sequence.

    The lecture's slide writes the look-ahead as :math:`\phi_t - \alpha m_t`.
    Without the :math:`\beta` it looks past the point momentum leads to, and
    the equivalence with PyTorch no longer holds; ``lookahead="slide"`` runs
    the slide's formula, so that the two can be compared.

    Parameters
    ----------
    lr
        Learning rate :math:`\alpha` (number or schedule).
    beta
        Momentum coefficient :math:`\beta \in [0, 1)`.
    lookahead : {"momentum", "slide"}, default "momentum"
        Where the gradient is taken: ``"momentum"`` at
        :math:`\phi_t - \alpha\beta m_t`, where the momentum step alone
        leads (the derivation's and PyTorch's point); ``"slide"`` at
        :math:`\phi_t - \alpha m_t`, the lecture slide's formula.

    Examples
    --------
    >>> import numpy as np
    >>> opt = NesterovMomentum(lr=0.1, beta=0.9)
    >>> phi = np.array([1.0])
    >>> phi, state = opt.step(phi, lambda p: 2 * p, opt.init(phi))
    >>> phi
    array([0.98])

    The two look-aheads differ from the second step on:

    >>> for lookahead in ("momentum", "slide"):
    ...     opt = NesterovMomentum(lr=0.1, beta=0.9, lookahead=lookahead)
    ...     phi = np.array([1.0]); state = opt.init(phi)
    ...     for _ in range(2):
    ...         phi, state = opt.step(phi, lambda p: 2 * p, state)
    ...     print(lookahead, phi)
    momentum [0.94276]
    slide [0.9428]
    """

    needs_callable: ClassVar[bool] = True

    lr: LearningRate
    beta: float = 0.9
    lookahead: Literal["momentum", "slide"] = "momentum"

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "beta", check.in_range("beta", self.beta, 0.0, 1.0))
        check.choice("lookahead", self.lookahead, ("momentum", "slide"))

    slots: ClassVar[tuple[str, ...]] = ("m",)

    @property
    def buffer_names(self) -> tuple[str, ...]:
        return ("m",)

    def direction(self, phi: FloatArray, grad: Gradient, state: State, alpha: float) -> FloatArray:
        # The gradient at the look-ahead point: where momentum alone leads, or the slide's.
        ahead = alpha * self.beta if self.lookahead == "momentum" else alpha
        return self.gradient(grad, phi - ahead * state["m"])

    def scalars(self, alpha: float, t: int) -> dict[str, float | bool]:
        return {"alpha": alpha, "one_minus_beta": 1 - self.beta}

    @staticmethod
    def update(
        phi: FloatArray, g_ahead: FloatArray, m: FloatArray, alpha: float, one_minus_beta: float
    ) -> tuple[FloatArray, FloatArray]:
        m = m + one_minus_beta * (g_ahead - m)  # = beta m + (1 - beta) g(look-ahead)
        return phi - alpha * m, m


@dataclass(frozen=True)
class NormalizedGradient(Optimizer):
    r"""Normalized ("unit vector") gradients, the first half of Adam.

    Per coordinate (the lecture's rule, ``norm="coordinate"``):

    .. math::

        m_{t+1} = g_t, \quad v_{t+1} = g_t^2, \quad
        \phi_{t+1} = \phi_t - \alpha \, \frac{m_{t+1}}{\sqrt{v_{t+1}} + \epsilon}

    with square, root and division taken elementwise, so each coordinate
    moves by almost exactly :math:`\pm\alpha`: the iterates live on a grid
    and do not converge unless they land on the minimum. With
    ``norm="global"`` the whole gradient is divided by its Euclidean norm
    :math:`\lVert g_t \rVert + \epsilon` instead, a step of length
    :math:`\alpha` in the direction of steepest descent.

    Parameters
    ----------
    lr
        Learning rate :math:`\alpha` (number or schedule).
    eps
        :math:`\epsilon > 0`, guards the division when a gradient is zero.
    norm
        ``"coordinate"`` (elementwise, the lecture's) or ``"global"``.

    Examples
    --------
    The lecture's example, :math:`g = (3, -2, 5)`:

    >>> import numpy as np
    >>> g = np.array([3.0, -2.0, 5.0])
    >>> phi = np.zeros(3)
    >>> NormalizedGradient(lr=1.0).step(phi, g, NormalizedGradient(lr=1.0).init(phi))[0]
    array([-1.,  1., -1.])
    >>> opt = NormalizedGradient(lr=1.0, norm="global")
    >>> np.round(-opt.step(phi, g, opt.init(phi))[0], 2)
    array([ 0.49, -0.32,  0.81])
    """

    lr: LearningRate
    eps: float = 1e-8
    norm: Literal["coordinate", "global"] = "coordinate"

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "eps", check.positive("eps", self.eps))
        check.choice("norm", self.norm, ("coordinate", "global"))

    def direction(self, phi: FloatArray, grad: Gradient, state: State, alpha: float) -> FloatArray:
        g = self.gradient(grad, phi)
        if self.norm == "global":  # a whole-vector norm: done here, before the blocks
            unit: FloatArray = g / (np.sqrt(np.sum(g * g)) + self.eps)
            return unit
        return g

    def scalars(self, alpha: float, t: int) -> dict[str, float | bool]:
        return {"alpha": alpha, "eps": self.eps, "unit": self.norm == "global"}

    @staticmethod
    def update(
        phi: FloatArray, g: FloatArray, alpha: float, eps: float, unit: bool
    ) -> tuple[FloatArray]:
        if unit:  # norm="global": direction() already divided g by |g| + eps
            return (phi - alpha * g,)
        m, v = g, g * g
        return (phi - alpha * m / (np.sqrt(v) + eps),)
