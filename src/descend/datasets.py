r"""The textbook's data: the points the lecture's figures and notebooks fit.

The lecture draws its figures with the data of *Understanding Deep Learning*
(Prince, 2023), chapter 6, whose notebooks define two small data sets and
print a loss as a check that the reader's model is right:

- :func:`textbook_linear`: 12 points for the line
  :math:`f[x, \phi] = \phi_0 + \phi_1 x` (notebook 6.2),
- :func:`textbook_gabor`: 30 points for the Gabor model
  :math:`f[x, \phi] = \sin(\phi_0 + 0.06 \phi_1 x)\,
  \exp(-(\phi_0 + 0.06 \phi_1 x)^2 / 32)` (notebook 6.3, and 6.4 for momentum).

The numbers ship inside the package (``descend/data/udl_ch6.json``), so
nothing is downloaded. Source: S. J. D. Prince, *Understanding Deep Learning*
(MIT Press, 2023), and its notebooks at https://github.com/udlbook/udlbook
(chapter 6, "Fitting models"). Each call returns fresh float64 arrays, which the
caller may modify.

>>> from descend.datasets import textbook_gabor
>>> x, y = textbook_gabor()
>>> x.shape, y.shape, x.dtype
((30,), (30,), dtype('float64'))
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from descend._validate import FloatArray

__all__ = ["textbook_gabor", "textbook_linear"]


@cache
def _reference() -> dict[str, Any]:
    """The shipped file, read once."""
    text = resources.files("descend").joinpath("data", "udl_ch6.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _points(name: str) -> tuple[FloatArray, FloatArray]:
    entry = _reference()[name]
    return np.array(entry["x"], dtype=np.float64), np.array(entry["y"], dtype=np.float64)


def textbook_linear() -> tuple[FloatArray, FloatArray]:
    r"""The textbook's 12 points for linear regression (Prince, 2023, notebook 6.2).

    Fitted with :class:`~descend.models.Linear`,
    :math:`f[x, \phi] = \phi_0 + \phi_1 x`, and the sum of squared residuals
    :math:`L[\phi] = \sum_i (\phi_0 + \phi_1 x_i - y_i)^2`. At
    :math:`\phi = (0.6, -0.2)` the notebook prints the loss 12.367.

    Returns
    -------
    x, y : numpy.ndarray
        Float64 arrays of shape ``(12,)``, in the notebook's order
        (``x`` increasing, from 0.03 to 1.9).

    Examples
    --------
    The notebook's check value:

    >>> from descend.models import Linear
    >>> x, y = textbook_linear()
    >>> print(f"{Linear().loss(np.array([0.6, -0.2]), x, y):.3f}")
    12.367
    """
    return _points("linear")


def textbook_gabor() -> tuple[FloatArray, FloatArray]:
    r"""The textbook's 30 points for the Gabor model (Prince, 2023, notebooks 6.3, 6.4).

    Fitted with :class:`~descend.models.Gabor` (envelope :math:`E = 32`),

    .. math::

        f[x, \phi] = \sin(\phi_0 + 0.06 \phi_1 x)
        \exp\!\left(-\frac{(\phi_0 + 0.06 \phi_1 x)^2}{32}\right),

    and the sum of squared residuals. At :math:`\phi = (0.6, -0.2)` the
    notebook prints the loss 16.419. The best fit,
    :math:`\phi \approx (0.004, 16.03)` with loss 0.646, lies in one of
    several valleys of the loss.

    Returns
    -------
    x, y : numpy.ndarray
        Float64 arrays of shape ``(30,)``, in the notebook's order
        (``x`` between -15 and 15, not sorted).

    Examples
    --------
    The notebook's check value:

    >>> from descend.models import Gabor
    >>> x, y = textbook_gabor()
    >>> print(f"{Gabor(32.0).loss(np.array([0.6, -0.2]), x, y):.3f}")
    16.419
    """
    return _points("gabor")
