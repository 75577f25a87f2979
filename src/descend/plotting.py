"""Plotting helpers shared by the gallery: one look for every figure.

Each optimizer has one color everywhere (:data:`COLORS`), loss surfaces use
one colormap (:data:`CMAP`), and :func:`use_style` sets the rest. The gallery
configuration calls :func:`use_style` before every example, and a
downloaded script gets the same look because it draws with these helpers.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import matplotlib.pyplot as plt
>>> from descend.landscapes import Quadratic
>>> fig, ax = plt.subplots()
>>> _ = contour(ax, Quadratic(), ((-2, 2), (-2, 2)))
>>> color_of("Adam") == COLORS["Adam"]
True
>>> plt.close(fig)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib as mpl
import numpy as np
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.contour import QuadContourSet

from descend._validate import FloatArray
from descend.fitting import Trajectory
from descend.landscapes import Bounds, Landscape

__all__ = ["CMAP", "COLORS", "color_of", "contour", "grid", "mark_epochs", "path", "use_style"]

#: The colormap of every loss surface (perceptually uniform, readable in grey).
CMAP = "viridis"

#: One color per update rule, the same in every example (Okabe-Ito palette,
#: distinguishable with the common color-vision deficiencies).
COLORS: dict[str, str] = {
    "GradientDescent": "#000000",
    "SGD": "#E69F00",
    "Momentum": "#56B4E9",
    "NesterovMomentum": "#009E73",
    "NormalizedGradient": "#CC79A7",
    "Adam": "#D55E00",
    "AdamW": "#8B3A00",
    "AMSGrad": "#0072B2",
    "RMSprop": "#7F7F7F",
    "Adagrad": "#B8A000",
}


def color_of(name: str | object) -> str:
    """Color of an optimizer, given its class name or an instance."""
    key = name if isinstance(name, str) else type(name).__name__
    if key == "Adam" and getattr(name, "amsgrad", False):
        key = "AMSGrad"
    return COLORS.get(key, "#444444")


def use_style() -> None:
    """Set the gallery's matplotlib defaults (sizes, grid, colormap, color cycle)."""
    mpl.rcParams.update(
        {
            "figure.figsize": (6.4, 4.4),
            "figure.dpi": 100,
            "figure.constrained_layout.use": True,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.titlesize": "medium",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "image.cmap": CMAP,
            "legend.frameon": False,
            "lines.linewidth": 1.8,
            "axes.prop_cycle": cycler(color=list(COLORS.values())[1:]),
        }
    )


def grid(
    problem: Landscape, bounds: Bounds, n: int = 121
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The loss on an ``n`` by ``n`` grid over ``bounds``: ``(phi0, phi1, L)``."""
    (a0, b0), (a1, b1) = bounds
    phi0, phi1 = np.meshgrid(np.linspace(a0, b0, n), np.linspace(a1, b1, n))
    loss_grid = getattr(problem, "loss_grid", None)
    if loss_grid is not None:
        L = np.asarray(loss_grid(phi0, phi1), dtype=float)
    else:
        L = np.array(
            [problem.loss(np.array(p)) for p in zip(phi0.ravel(), phi1.ravel(), strict=True)]
        )
        L = L.reshape(phi0.shape)
    return phi0, phi1, L


def contour(
    ax: Axes,
    problem: Landscape,
    bounds: Bounds,
    *,
    levels: int | Sequence[float] = 30,
    n: int = 121,
    log: bool = False,
    colorbar: bool = True,
) -> QuadContourSet:
    r"""Filled contours of :math:`L[\phi]` with labelled axes :math:`\phi_0`, :math:`\phi_1`."""
    phi0, phi1, L = grid(problem, bounds, n)
    Z = np.log10(L - L.min() + 1e-12) if log else L
    cs = ax.contourf(phi0, phi1, Z, levels=levels, cmap=CMAP)
    ax.contour(phi0, phi1, Z, levels=cs.levels, colors="white", linewidths=0.3, alpha=0.5)
    ax.set_xlabel(r"$\phi_0$")
    ax.set_ylabel(r"$\phi_1$")
    ax.grid(False)
    if colorbar:
        fig = ax.get_figure()
        if fig is not None:
            label = r"$\log_{10}(L - L_{\min})$" if log else r"loss $L[\phi]$"
            fig.colorbar(cs, ax=ax, label=label)
    return cs


def path(
    ax: Axes,
    run: Trajectory | FloatArray,
    *,
    label: str | None = None,
    color: str | None = None,
    optimizer: str | object | None = None,
    markers: bool = True,
    **kwargs: Any,
) -> None:
    r"""Draw a trajectory through :math:`(\phi_0, \phi_1)`: start ``o``, end ``*``."""
    phi = run.phi if isinstance(run, Trajectory) else np.asarray(run)
    c = color or (color_of(optimizer) if optimizer is not None else None)
    kwargs.setdefault("linestyle", "-")
    (line,) = ax.plot(phi[:, 0], phi[:, 1], color=c, label=label, **kwargs)
    if markers:
        ax.plot(phi[:, 0], phi[:, 1], ".", color=line.get_color(), markersize=3)
    ax.plot(phi[0, 0], phi[0, 1], "o", color=line.get_color(), markeredgecolor="white")
    ax.plot(phi[-1, 0], phi[-1, 1], "*", color=line.get_color(), markersize=12,
            markeredgecolor="white")  # fmt: skip


def mark_epochs(ax: Axes, run: Trajectory) -> None:
    """Dotted vertical lines where each epoch of a minibatch run ends."""
    for end in run.epoch_ends[:-1]:
        ax.axvline(float(end), color="grey", linestyle=":", linewidth=0.8)
