r"""Adaptive rules: Adagrad, RMSprop, Adam and AdamW, exactly as ``torch.optim``.

Each divides the gradient, coordinate by coordinate, by a running measure of
its size, so every parameter moves on its own scale. The keyword names,
defaults and the order of operations (where :math:`\epsilon` goes, how weight
decay enters) are PyTorch's, so trajectories agree with ``torch.optim`` to
float64 round-off. Symbols (see the site's notation page): :math:`\phi` parameters,
:math:`g_t` the gradient at step :math:`t = 0, 1, \dots`, :math:`\alpha` learning
rate, :math:`m` first moment, :math:`v` second moment, :math:`\omega` weight decay,
:math:`\epsilon` the small constant added to the root. Step :math:`t` computes
:math:`\phi_{t+1}` from :math:`\phi_t`.
"""

from __future__ import annotations

import math
from dataclasses import KW_ONLY, dataclass, field
from typing import ClassVar

import numpy as np

from descend import _validate as check
from descend._base import LearningRate, Optimizer
from descend._validate import FloatArray

__all__ = ["Adagrad", "Adam", "AdamW", "RMSprop"]


@dataclass(frozen=True)
class Adagrad(Optimizer):
    r"""Adagrad (Duchi et al., 2011), as ``torch.optim.Adagrad``.

    The squared gradients are summed forever, so steps shrink as a
    coordinate keeps receiving large gradients:

    .. math::

        g_t &\leftarrow g_t + \omega \phi_t \\
        G_{t+1} &= G_t + g_t^2, \qquad G_0 = \texttt{initial\_accumulator\_value} \\
        \phi_{t+1} &= \phi_t - \frac{\alpha_t}{1 + t \cdot \texttt{lr\_decay}} \,
            \frac{g_t}{\sqrt{G_{t+1}} + \epsilon}

    where :math:`t = 0, 1, \dots` counts the steps taken before this one,
    :math:`\alpha_t` is the learning rate of step :math:`t` and :math:`G_t` is
    the buffer ``s``.

    Parameters
    ----------
    lr
        Learning rate :math:`\alpha` (number or schedule), default ``1e-2``.
    lr_decay
        ``lr_decay`` :math:`\ge 0`, a built-in :math:`1/t`-like decay of ``lr``.
    weight_decay
        L2 penalty :math:`\omega \ge 0`, added to the gradient.
    initial_accumulator_value
        Starting value :math:`G_0 \ge 0` of the sum of squares.
    eps
        :math:`\epsilon > 0`, added to :math:`\sqrt{G_{t+1}}`.
    maximize
        Ascend instead of descend.

    Examples
    --------
    >>> import numpy as np
    >>> opt = Adagrad(lr=0.5)
    >>> phi = np.array([1.0, -3.0])
    >>> opt.step(phi, 2 * phi, opt.init(phi))[0]  # first step: lr * sign(g)
    array([ 0.5, -2.5])
    """

    lr: LearningRate = 1e-2
    lr_decay: float = 0.0
    weight_decay: float = 0.0
    initial_accumulator_value: float = 0.0
    eps: float = 1e-10
    _: KW_ONLY
    maximize: bool = False

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "lr_decay", check.at_least("lr_decay", self.lr_decay, 0.0))
        wd = check.at_least("weight_decay", self.weight_decay, 0.0)
        object.__setattr__(self, "weight_decay", wd)
        s0 = check.at_least("initial_accumulator_value", self.initial_accumulator_value, 0.0)
        object.__setattr__(self, "initial_accumulator_value", s0)
        object.__setattr__(self, "eps", check.positive("eps", self.eps))
        check.flag("maximize", self.maximize)

    slots: ClassVar[tuple[str, ...]] = ("s",)

    @property
    def buffer_names(self) -> tuple[str, ...]:
        return ("s",)

    def initial_buffers(self, phi: FloatArray) -> dict[str, FloatArray]:
        return {"s": np.full(phi.shape, self.initial_accumulator_value, dtype=phi.dtype)}

    def scalars(self, alpha: float, t: int) -> dict[str, float | bool]:
        return {
            # t is 1-based here (the site's step t passes t + 1): alpha / (1 + t_site lr_decay)
            "alpha_t": alpha / (1 + (t - 1) * self.lr_decay),
            "lam": self.weight_decay,
            "eps": self.eps,
            "maximize": self.maximize,
        }

    @staticmethod
    def update(
        phi: FloatArray,
        g: FloatArray,
        s: FloatArray,
        alpha_t: float,
        lam: float,
        eps: float,
        maximize: bool,
    ) -> tuple[FloatArray, FloatArray]:
        if maximize:
            g = -g
        if lam != 0:
            g = g + lam * phi
        s = s + g * g
        return phi - alpha_t * g / (np.sqrt(s) + eps), s


@dataclass(frozen=True)
class RMSprop(Optimizer):
    r"""RMSprop (Tieleman & Hinton, 2012), as ``torch.optim.RMSprop``.

    A leaky average :math:`v` of squared gradients replaces Adagrad's sum.
    PyTorch calls its smoothing constant ``alpha``; here it is written
    :math:`\beta_2`, the coefficient of Adam's second moment, to keep
    :math:`\alpha` for the learning rate:

    .. math::

        g_t &\leftarrow g_t + \omega \phi_t \\
        v_{t+1} &= \beta_2 \, v_t + (1 - \beta_2) \, g_t^2 \\
        \bar g_{t+1} &= \beta_2 \, \bar g_t + (1 - \beta_2) \, g_t
            \quad\text{(centered only)} \\
        \operatorname{den}_{t+1} &= \sqrt{v_{t+1} - \bar g_{t+1}^2} + \epsilon
            \ \text{(centered)}
            \quad\text{or}\quad \sqrt{v_{t+1}} + \epsilon \\
        b_{t+1} &= \mu \, b_t + g_t / \operatorname{den}_{t+1}
            \quad\text{(if } \mu > 0\text{)} \\
        \phi_{t+1} &= \phi_t - \alpha \, b_{t+1}
            \quad\text{or}\quad \phi_t - \alpha \, g_t / \operatorname{den}_{t+1}

    for :math:`t = 0, 1, \dots`, with :math:`v_0 = \bar g_0 = b_0 = 0`.

    Parameters
    ----------
    lr
        Learning rate :math:`\alpha` (number or schedule), default ``1e-2``.
    alpha
        Smoothing constant :math:`\beta_2 \in [0, 1)` (PyTorch's name ``alpha``).
    eps
        :math:`\epsilon > 0`, added to the root.
    weight_decay
        L2 penalty :math:`\omega \ge 0`, added to the gradient.
    momentum
        Momentum :math:`\mu \ge 0` applied to the normalized step.
    centered
        Divide by an estimate of the standard deviation instead of the RMS.
    maximize
        Ascend instead of descend.

    Examples
    --------
    >>> import numpy as np
    >>> opt = RMSprop(lr=0.01, alpha=0.99)
    >>> phi = np.array([1.0])
    >>> np.round(opt.step(phi, np.array([2.0]), opt.init(phi))[0], 4)  # 1 - 0.01 / sqrt(0.01)
    array([0.9])
    """

    lr: LearningRate = 1e-2
    alpha: float = 0.99
    eps: float = 1e-8
    weight_decay: float = 0.0
    momentum: float = 0.0
    centered: bool = False
    _: KW_ONLY
    maximize: bool = False

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "alpha", check.in_range("alpha", self.alpha, 0.0, 1.0))
        object.__setattr__(self, "eps", check.positive("eps", self.eps))
        wd = check.at_least("weight_decay", self.weight_decay, 0.0)
        object.__setattr__(self, "weight_decay", wd)
        object.__setattr__(self, "momentum", check.at_least("momentum", self.momentum, 0.0))
        check.flag("centered", self.centered)
        check.flag("maximize", self.maximize)

    slots: ClassVar[tuple[str, ...]] = ("v", "g_bar", "b")

    @property
    def buffer_names(self) -> tuple[str, ...]:
        return ("v",) + (("g_bar",) if self.centered else ()) + (("b",) if self.momentum else ())

    def scalars(self, alpha: float, t: int) -> dict[str, float | bool]:
        return {
            "alpha": alpha,
            "rho": self.alpha,
            "one_minus_rho": 1 - self.alpha,
            "mu": self.momentum,
            "lam": self.weight_decay,
            "eps": self.eps,
            "centered": self.centered,
            "maximize": self.maximize,
        }

    @staticmethod
    def update(
        phi: FloatArray,
        g: FloatArray,
        v: FloatArray,
        g_bar: FloatArray,
        b: FloatArray,
        alpha: float,
        rho: float,
        one_minus_rho: float,
        mu: float,
        lam: float,
        eps: float,
        centered: bool,
        maximize: bool,
    ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        if maximize:
            g = -g
        if lam != 0:
            g = g + lam * phi
        v = rho * v + one_minus_rho * g * g
        if centered:
            g_bar = rho * g_bar + one_minus_rho * g
            d = np.sqrt(v - g_bar * g_bar) + eps
        else:
            d = np.sqrt(v) + eps
        if mu > 0:
            b = mu * b + g / d
            return phi - alpha * b, v, g_bar, b
        return phi - alpha * g / d, v, g_bar, b


@dataclass(frozen=True)
class Adam(Optimizer):
    r"""Adam (Kingma & Ba, 2015), as ``torch.optim.Adam``.

    Momentum on the gradient and on its square, bias-corrected because both
    start at zero, then a normalized step:

    .. math::

        g_t &\leftarrow g_t + \omega \phi_t
            \quad\text{(or } \phi_t \leftarrow (1 - \alpha\omega)\phi_t
            \text{ if decoupled)} \\
        m_{t+1} &= \beta_1 m_t + (1 - \beta_1) \, g_t \\
        v_{t+1} &= \beta_2 v_t + (1 - \beta_2) \, g_t^2 \\
        \hat m_{t+1} &= \frac{m_{t+1}}{1 - \beta_1^{t+1}}, \qquad
        \hat v_{t+1} = \frac{v_{t+1}}{1 - \beta_2^{t+1}} \\
        \phi_{t+1} &= \phi_t - \alpha \, \frac{\hat m_{t+1}}{\sqrt{\hat v_{t+1}} + \epsilon}

    for the steps :math:`t = 0, 1, \dots`, with :math:`m_0 = v_0 = 0` (after step
    :math:`t` the state's counter ``t`` is :math:`t + 1`, the power in the bias
    corrections). With ``amsgrad=True`` (Reddi et al., 2018) :math:`\hat v_{t+1}`
    uses the running maximum :math:`v^{\max}_{t+1} = \max(v^{\max}_t, v_{t+1})`,
    :math:`v^{\max}_0 = 0`, instead of :math:`v_{t+1}`.

    Parameters
    ----------
    lr
        Learning rate :math:`\alpha` (number or schedule), default ``1e-3``.
    betas
        :math:`(\beta_1, \beta_2)`, each in :math:`[0, 1)`.
    eps
        :math:`\epsilon > 0`, added to :math:`\sqrt{\hat v_{t+1}}` (outside the root).
    weight_decay
        :math:`\omega \ge 0`: an L2 penalty added to the gradient, or, with
        ``decoupled_weight_decay=True``, a shrinkage of :math:`\phi` (AdamW).
    amsgrad
        Use the running maximum of :math:`v` (AMSGrad).
    maximize
        Ascend instead of descend.
    decoupled_weight_decay
        Decay the weights directly (Loshchilov & Hutter, 2019).

    Examples
    --------
    The first step moves every coordinate by about ``lr`` against the sign
    of its gradient, whatever the gradient's size:

    >>> import numpy as np
    >>> opt = Adam(lr=0.1)
    >>> phi = np.zeros(3)
    >>> np.round(opt.step(phi, np.array([3.0, -0.02, 5e3]), opt.init(phi))[0], 6)
    array([-0.1,  0.1, -0.1])
    """

    lr: LearningRate = 1e-3
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 0.0
    amsgrad: bool = False
    _: KW_ONLY
    maximize: bool = False
    decoupled_weight_decay: bool = False

    def __post_init__(self) -> None:
        super().__post_init__()
        if not isinstance(self.betas, tuple | list) or len(self.betas) != 2:
            raise TypeError(f"betas must be a pair (beta1, beta2), got {self.betas!r}")
        beta1 = check.in_range("betas[0]", self.betas[0], 0.0, 1.0)
        beta2 = check.in_range("betas[1]", self.betas[1], 0.0, 1.0)
        object.__setattr__(self, "betas", (beta1, beta2))
        object.__setattr__(self, "eps", check.positive("eps", self.eps))
        wd = check.at_least("weight_decay", self.weight_decay, 0.0)
        object.__setattr__(self, "weight_decay", wd)
        check.flag("amsgrad", self.amsgrad)
        check.flag("maximize", self.maximize)
        check.flag("decoupled_weight_decay", self.decoupled_weight_decay)

    slots: ClassVar[tuple[str, ...]] = ("m", "v", "v_max")

    @property
    def buffer_names(self) -> tuple[str, ...]:
        return ("m", "v", "v_max") if self.amsgrad else ("m", "v")

    def scalars(self, alpha: float, t: int) -> dict[str, float | bool]:
        (beta1, beta2), lam = self.betas, self.weight_decay
        return {
            # alpha m_hat / (sqrt(v_hat) + eps) with m_hat = m / (1 - beta1^t) and
            # v_hat = v / (1 - beta2^t), t the 1-based step count (the site's t + 1):
            # the corrections are scalars, applied once.
            "step_size": alpha / (1 - beta1**t),
            "sqrt_c2": math.sqrt(1 - beta2**t),
            "one_minus_beta1": 1 - beta1,
            "beta2": beta2,
            "one_minus_beta2": 1 - beta2,
            "eps": self.eps,
            "lam": lam,
            "shrink": 1 - alpha * lam,  # decoupled weight decay (AdamW)
            "decoupled": self.decoupled_weight_decay and lam != 0,
            "amsgrad": self.amsgrad,
            "maximize": self.maximize,
        }

    @staticmethod
    def update(
        phi: FloatArray,
        g: FloatArray,
        m: FloatArray,
        v: FloatArray,
        v_max: FloatArray,
        step_size: float,
        sqrt_c2: float,
        one_minus_beta1: float,
        beta2: float,
        one_minus_beta2: float,
        eps: float,
        lam: float,
        shrink: float,
        decoupled: bool,
        amsgrad: bool,
        maximize: bool,
    ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        if maximize:
            g = -g
        if decoupled:
            phi = shrink * phi  # (1 - alpha omega) phi
        elif lam != 0:
            g = g + lam * phi
        m = m + one_minus_beta1 * (g - m)  # = beta1 m + (1 - beta1) g
        v = beta2 * v + one_minus_beta2 * g * g
        if amsgrad:
            v_max = np.maximum(v_max, v)
        denom = np.sqrt(v_max if amsgrad else v) / sqrt_c2 + eps
        return phi - step_size * m / denom, m, v, v_max


@dataclass(frozen=True)
class AdamW(Adam):
    r"""AdamW (Loshchilov & Hutter, 2019), as ``torch.optim.AdamW``.

    :class:`Adam` with decoupled weight decay: before the Adam step the
    weights shrink, :math:`\phi_t \leftarrow (1 - \alpha\omega)\,\phi_t`,
    instead of :math:`\omega\phi_t` being added to the gradient, where
    the adaptive division would weaken it for coordinates with large
    gradients. Default ``weight_decay=1e-2``.

    Examples
    --------
    With a zero gradient only the decay acts:

    >>> import numpy as np
    >>> opt = AdamW(lr=0.1, weight_decay=0.5)
    >>> opt.step(np.array([2.0]), np.array([0.0]), opt.init(np.array([2.0])))[0]
    array([1.9])
    """

    weight_decay: float = 1e-2
    decoupled_weight_decay: bool = field(default=True, init=False)
