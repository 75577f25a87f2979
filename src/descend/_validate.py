"""Argument checks shared by every module.

Each check names the parameter, shows the value it got and says what it
accepts, so a mistake reads as a sentence instead of a NumPy traceback.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.floating[Any]]


def real(name: str, value: object) -> float:
    """Return ``value`` as a float, refusing bools, strings, NaN and infinity."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{name} must be a real number, got {value!r} of type {type(value).__name__}"
        )
    try:
        x = float(value)
    except OverflowError:  # an int beyond the float range, e.g. 10**400
        x = math.inf
    if not math.isfinite(x):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return x


def at_least(name: str, value: object, low: float) -> float:
    """Return ``value`` as a finite float ``>= low``."""
    x = real(name, value)
    if x < low:
        raise ValueError(f"{name} must be >= {low}, got {value!r}")
    return x


def positive(name: str, value: object) -> float:
    """Return ``value`` as a finite float ``> 0``."""
    x = real(name, value)
    if x <= 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return x


def in_range(
    name: str, value: object, low: float, high: float, *, closed_high: bool = False
) -> float:
    """Return ``value`` as a float in ``[low, high)`` (or ``[low, high]``)."""
    x = real(name, value)
    ok = low <= x <= high if closed_high else low <= x < high
    if not ok:
        bracket = "]" if closed_high else ")"
        raise ValueError(f"{name} must be in [{low}, {high}{bracket}, got {value!r}")
    return x


def integer(name: str, value: object, low: int | None = None) -> int:
    """Return ``value`` as an int (refusing floats and bools), optionally ``>= low``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r} of type {type(value).__name__}")
    n = int(value)
    if low is not None and n < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    return n


def flag(name: str, value: object) -> bool:
    """Return ``value`` if it is a bool."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def float_array(name: str, value: object) -> FloatArray:
    """Return ``value`` as a real floating-point array (never a copy of a float array).

    Python floats and lists of floats become float64 arrays. Integer, bool,
    complex and object arrays are refused: silently converting them would hide
    a mistake (an integer ``phi`` cannot move by a fractional step).
    """
    if isinstance(value, np.ndarray):
        arr = value
    elif isinstance(value, float | list | tuple | np.floating):
        bad = _first_non_number(value)
        if bad is not _NONE_BAD:
            raise TypeError(
                f"{name} must hold real numbers only, got {bad!r} of type {type(bad).__name__} "
                f"in {value!r}"
            )
        try:
            arr = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError, OverflowError) as err:
            raise TypeError(f"{name} must be an array of real floats, got {value!r}") from err
    else:
        raise TypeError(
            f"{name} must be a NumPy array of floats, got {value!r} of type {type(value).__name__}"
        )
    if arr.dtype.kind != "f":  # float16/32/64/longdouble; not int, bool, complex, object
        raise TypeError(
            f"{name} must have a real floating dtype (float32 or float64), got dtype {arr.dtype}"
        )
    return arr


_NONE_BAD = object()


def _first_non_number(value: object) -> object:
    """The first entry of a (nested) list that is not a real number, or ``_NONE_BAD``."""
    if isinstance(value, list | tuple):
        for item in value:
            if (bad := _first_non_number(item)) is not _NONE_BAD:
                return bad
        return _NONE_BAD
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.number):
        return value
    if isinstance(value, np.complexfloating) or (isinstance(value, int) and abs(value) > 2**1023):
        return value
    return _NONE_BAD


def choice(name: str, value: object, options: tuple[str, ...]) -> str:
    """Return ``value`` if it is one of the strings ``options``."""
    if not isinstance(value, str) or value not in options:
        allowed = " or ".join(repr(o) for o in options)
        raise ValueError(f"{name} must be {allowed}, got {value!r}")
    return value


def same_shape(name: str, arr: FloatArray, ref_name: str, ref: FloatArray) -> None:
    """Refuse ``arr`` unless it has the shape of ``ref``."""
    if arr.shape != ref.shape:
        raise ValueError(
            f"{name} has shape {arr.shape} but {ref_name} has shape {ref.shape}; they must match"
        )
