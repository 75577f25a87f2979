"""Parameters held as one flat buffer with named views.

A network's parameters are many arrays (``W1``, ``b1``, ``W2``, ...), but an
optimizer step is elementwise: it does not care where one array ends and the
next begins. :class:`FlatParams` lays the arrays end to end in one contiguous
1-D buffer, :attr:`FlatParams.flat`, and hands out each array as a view into
it, so the whole network costs one optimizer step, not one Python loop
iteration per array::

    flat = [ W1.ravel() | b1 | W2.ravel() | b2 ]
             params["W1"] is flat[0:12].reshape(3, 4), and so on

The same layout cuts any other buffer of the same size into named views
(:meth:`FlatParams.views`): a backward pass writes each layer's gradient
straight into one flat gradient array, ready for the optimizer.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from descend import _validate as check
from descend._validate import FloatArray

__all__ = ["FlatParams"]

#: Shapes by name, as a mapping or as ``(name, shape)`` pairs.
Shapes = Mapping[str, Sequence[int]] | Iterable[tuple[str, Sequence[int]]]
#: Arrays by name, as a mapping or as ``(name, array)`` pairs.
Arrays = Mapping[str, npt.ArrayLike] | Iterable[tuple[str, npt.ArrayLike]]


def _float_dtype(name: str, dtype: object) -> np.dtype[Any]:
    """Return ``dtype`` as a NumPy dtype, refusing all but real floating ones."""
    try:
        dt: np.dtype[Any] = np.dtype(dtype)  # type: ignore[call-overload]
    except (TypeError, ValueError) as err:
        raise TypeError(
            f"{name} must be a real floating dtype such as numpy.float64, got {dtype!r}"
        ) from err
    if not np.issubdtype(dt, np.floating):
        raise TypeError(f"{name} must be a real floating dtype such as numpy.float64, got {dt}")
    return dt


def _pairs(what: str, named: object) -> list[tuple[str, Any]]:
    """The ``(name, value)`` pairs of ``named``, with names checked and unique."""
    if isinstance(named, Mapping):
        items = list(named.items())
    elif isinstance(named, Iterable) and not isinstance(named, str | bytes):
        items = list(named)
        for item in items:
            if not isinstance(item, tuple) or len(item) != 2:
                raise TypeError(f"{what} must be a mapping or (name, value) pairs, got {item!r}")
    else:
        raise TypeError(
            f"{what} must be a mapping of names to values, got {named!r} "
            f"of type {type(named).__name__}"
        )
    seen: set[str] = set()
    for name, _ in items:
        if not isinstance(name, str) or not name.strip():
            raise TypeError(f"names in {what} must be non-empty strings, got {name!r}")
        if name in seen:
            raise ValueError(f"names in {what} must be unique, got {name!r} twice")
        seen.add(name)
    return items


def _shape(name: str, shape: object) -> tuple[int, ...]:
    """Return ``shape`` as a tuple of non-negative ints."""
    if not isinstance(shape, tuple | list) or not all(
        isinstance(d, numbers.Integral) and not isinstance(d, bool) and int(d) >= 0 for d in shape
    ):
        raise TypeError(
            f"shapes[{name!r}] must be a tuple of non-negative ints such as (3,) or (2, 3), "
            f"got {shape!r}"
        )
    return tuple(int(d) for d in shape)


class FlatParams(Mapping[str, FloatArray]):
    """Named arrays stored end to end in one flat buffer.

    Parameters
    ----------
    shapes
        The arrays' names and shapes, in the order they are laid out, e.g.
        ``{"W": (3, 4), "b": (4,)}`` (or ``(name, shape)`` pairs). Names
        are non-empty strings; shapes are tuples of non-negative ints.
    dtype
        A real floating dtype, default ``numpy.float64``.

    Attributes
    ----------
    flat : numpy.ndarray
        The buffer: one contiguous 1-D array holding every array, in order.
        Update it in place (``params.flat -= step``, ``params.flat = new``
        or an optimizer's ``out=params.flat``: the buffer stays the same
        array) and every view sees the new values.
    shapes : dict of str to tuple of int
        The arrays' shapes, in order.
    slices : dict of str to slice
        Where each array lives in :attr:`flat`: ``flat[slices[name]]``.
    names : tuple of str
        The arrays' names, in order.
    dtype : numpy.dtype
        The buffer's dtype.
    size : int
        The number of entries of :attr:`flat`, the sum of the arrays' sizes.

    Notes
    -----
    It is a read-only :class:`~collections.abc.Mapping` of names to views:
    ``params[name]`` is a view of ``flat`` with the array's shape (writes to
    it go to the buffer, and back), ``len``, ``in`` and iteration go over the
    names, and ``items()`` and ``values()`` give the views. Assigning
    ``params[name] = value`` copies ``value`` into that array's place.
    Parameters compare by identity: compare :meth:`to_dict` or :attr:`flat`
    with :func:`numpy.array_equal` instead.

    Examples
    --------
    A two-layer network, ``x -> tanh(x W1 + b1) W2 + b2``, in one buffer:

    >>> import numpy as np
    >>> import descend
    >>> from descend.params import FlatParams
    >>> rng = np.random.default_rng(0)
    >>> params = FlatParams.from_arrays({
    ...     "W1": rng.normal(size=(3, 4)), "b1": np.zeros(4),
    ...     "W2": rng.normal(size=(4, 1)), "b2": np.zeros(1),
    ... })
    >>> params
    FlatParams({'W1': (3, 4), 'b1': (4,), 'W2': (4, 1), 'b2': (1,)}, dtype='float64')
    >>> params.flat.shape, params["W1"].shape
    ((21,), (3, 4))
    >>> np.shares_memory(params["W1"], params.flat)
    True

    The backward pass writes each layer's gradient into its view of one
    flat gradient buffer:

    >>> x = rng.normal(size=(16, 3))
    >>> y = np.sin(x.sum(axis=1, keepdims=True))
    >>> def loss_and_grad(p, g):
    ...     '''The mean squared error; its gradient written into the views g.'''
    ...     h = np.tanh(x @ p["W1"] + p["b1"])
    ...     r = h @ p["W2"] + p["b2"] - y
    ...     d = 2 * r / len(x)
    ...     g["W2"][...] = h.T @ d
    ...     g["b2"][...] = d.sum(axis=0)
    ...     dh = (d @ p["W2"].T) * (1 - h**2)
    ...     g["W1"][...] = x.T @ dh
    ...     g["b1"][...] = dh.sum(axis=0)
    ...     return float(np.mean(r**2))
    >>> grad = params.zeros_like()
    >>> g = params.views(grad)
    >>> loss = loss_and_grad(params, g)

    Then one Adam step moves all 21 parameters at once, in place, and the
    views see the new values (Adam's first step moves each by about ``lr``):

    >>> opt = descend.Adam(lr=0.01)
    >>> state = opt.init(params.flat)
    >>> W1_before = params["W1"].copy()
    >>> _ = opt.step(params.flat, grad, state, out=params.flat)
    >>> float(np.round(np.abs(params["W1"] - W1_before).max(), 6))
    0.01

    A training loop is the same two lines repeated:

    >>> for _ in range(300):
    ...     _ = loss_and_grad(params, g)
    ...     _ = opt.step(params.flat, grad, state, out=params.flat)
    >>> loss_and_grad(params, g) < loss / 4
    True
    """

    __slots__ = ("_dtype", "_flat", "_shapes", "_slices")

    def __init__(self, shapes: Shapes, dtype: npt.DTypeLike = np.float64) -> None:
        self._dtype = _float_dtype("dtype", dtype)
        self._shapes: dict[str, tuple[int, ...]] = {}
        self._slices: dict[str, slice] = {}
        start = 0
        for name, shape in _pairs("shapes", shapes):
            self._shapes[name] = _shape(name, shape)
            stop = start + math.prod(self._shapes[name])
            self._slices[name] = slice(start, stop)
            start = stop
        self._flat: FloatArray = np.zeros(start, dtype=self._dtype)

    @classmethod
    def from_arrays(cls, arrays: Arrays, dtype: npt.DTypeLike | None = None) -> FlatParams:
        """Copy named arrays, in order, into a new flat buffer.

        Parameters
        ----------
        arrays
            Names and real floating arrays (or ``(name, array)`` pairs). They
            are copied: later changes to them do not reach the buffer.
        dtype
            The buffer's dtype. By default the arrays' common dtype; arrays
            of different dtypes are refused unless ``dtype`` is given, in
            which case they are all cast to it.

        Returns
        -------
        FlatParams
            Parameters whose views hold copies of the arrays.

        Examples
        --------
        >>> import numpy as np
        >>> p = FlatParams.from_arrays({"W": np.ones((2, 2)), "b": np.array([0.5, 1.5])})
        >>> p.flat
        array([1. , 1. , 1. , 1. , 0.5, 1.5])
        >>> FlatParams.from_arrays({"b": np.zeros(2, np.float32)}, dtype=np.float64).dtype
        dtype('float64')
        """
        named = {
            name: check.float_array(f"arrays[{name!r}]", value)
            for name, value in _pairs("arrays", arrays)
        }
        if dtype is None:
            dtypes = {a.dtype for a in named.values()}
            if len(dtypes) > 1:
                found = ", ".join(f"{name!r}: {a.dtype}" for name, a in named.items())
                raise TypeError(
                    f"arrays have mixed dtypes ({found}); pass dtype= to cast them all to one"
                )
            dtype = dtypes.pop() if dtypes else np.float64
        params = cls({name: a.shape for name, a in named.items()}, dtype)
        for name, a in named.items():
            params._view(params._flat, name)[...] = a
        return params

    @property
    def flat(self) -> FloatArray:
        """One contiguous 1-D array holding every array, in order.

        Assigning to it copies the values into the buffer, which stays the
        same array (so the views stay valid): ``params.flat -= lr * grad``
        and ``params.flat = new_flat`` both update every array.
        """
        return self._flat

    @flat.setter
    def flat(self, value: FloatArray) -> None:
        if value is self._flat:  # an in-place operator such as `params.flat -= step`
            return
        arr = check.float_array("flat", value)
        check.same_shape("flat", arr, "the parameters' buffer", self._flat)
        self._flat[...] = arr

    @property
    def shapes(self) -> dict[str, tuple[int, ...]]:
        """The arrays' shapes, in order (a new dict)."""
        return dict(self._shapes)

    @property
    def slices(self) -> dict[str, slice]:
        """Where each array lives in :attr:`flat` (a new dict)."""
        return dict(self._slices)

    @property
    def names(self) -> tuple[str, ...]:
        """The arrays' names, in order."""
        return tuple(self._shapes)

    @property
    def dtype(self) -> np.dtype[Any]:
        """The buffer's dtype."""
        return self._dtype

    @property
    def size(self) -> int:
        """The number of entries of :attr:`flat`."""
        return int(self._flat.size)

    def _view(self, flat: FloatArray, name: str) -> FloatArray:
        return flat[self._slices[name]].reshape(self._shapes[name])

    def _check_name(self, name: object) -> str:
        if not isinstance(name, str) or name not in self._shapes:
            raise KeyError(f"no parameter named {name!r}; the names are {self.names}")
        return name

    def __getitem__(self, name: str) -> FloatArray:
        return self._view(self._flat, self._check_name(name))

    def __setitem__(self, name: str, value: FloatArray) -> None:
        view = self[name]
        arr = check.float_array(f"params[{name!r}]", value)
        check.same_shape(f"params[{name!r}]", arr, f"parameter {name!r}", view)
        view[...] = arr

    def __iter__(self) -> Iterator[str]:
        return iter(self._shapes)

    def __len__(self) -> int:
        return len(self._shapes)

    def __contains__(self, name: object) -> bool:
        return name in self._shapes

    def __eq__(self, other: object) -> bool:
        return self is other

    __hash__ = None  # type: ignore[assignment]

    def views(self, flat: FloatArray) -> dict[str, FloatArray]:
        """Cut another flat array of the same size and dtype into named views.

        Parameters
        ----------
        flat
            A contiguous 1-D array with :attr:`size` entries of :attr:`dtype`,
            such as a gradient buffer from :meth:`zeros_like`.

        Returns
        -------
        dict of str to numpy.ndarray
            Views into ``flat`` with the arrays' shapes: writing into them
            writes into ``flat``.

        Examples
        --------
        >>> p = FlatParams({"W": (2, 2), "b": (2,)})
        >>> grad = p.zeros_like()
        >>> g = p.views(grad)
        >>> g["b"][...] = [7.0, 8.0]
        >>> grad
        array([0., 0., 0., 0., 7., 8.])
        """
        arr = check.float_array("flat", flat)
        if arr.ndim != 1 or arr.size != self.size or arr.dtype != self._dtype:
            raise ValueError(
                f"flat is {arr.dtype}{list(arr.shape)} but these parameters are "
                f"{self._dtype}[{self.size}]; it must be a 1-D array of {self.size} "
                f"{self._dtype} entries"
            )
        if not arr.flags.c_contiguous:
            raise ValueError("flat must be contiguous, so that its views write into it")
        return {name: self._view(arr, name) for name in self._shapes}

    def zeros_like(self) -> FloatArray:
        """A new flat array of zeros of the buffer's size and dtype.

        Returns
        -------
        numpy.ndarray
            ``numpy.zeros(size, dtype)``: a gradient buffer for :meth:`views`.
        """
        return np.zeros(self.size, dtype=self._dtype)

    def to_dict(self) -> dict[str, FloatArray]:
        """Copies of the arrays, by name, in order.

        Returns
        -------
        dict of str to numpy.ndarray
            New arrays, not views: changing them leaves the buffer alone.
        """
        return {name: self[name].copy() for name in self._shapes}

    def __repr__(self) -> str:
        return f"FlatParams({self._shapes!r}, dtype={str(self._dtype)!r})"
