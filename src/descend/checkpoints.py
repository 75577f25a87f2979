"""Save and resume a run: parameters and optimizer state in NumPy's own format.

A checkpoint is one ``.npz`` file holding ``phi``, every state buffer, and a
small JSON header (the optimizer's class and hyperparameters, the step count,
the format version). It is read with ``allow_pickle=False``, so loading a file
never runs code, and every array is stored bit for bit: resuming gives exactly
the run that never stopped.

>>> import tempfile, pathlib, numpy as np, descend
>>> opt = descend.Adam(lr=0.1)
>>> phi = np.array([1.0, -2.0])
>>> phi, state = opt.step(phi, 2 * phi, opt.init(phi))
>>> path = pathlib.Path(tempfile.mkdtemp()) / "run.npz"
>>> descend.save_checkpoint(path, phi, state)
>>> phi2, state2 = descend.load_checkpoint(path, opt)
>>> bool(np.array_equal(phi, phi2)), state2 == state
(True, True)
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from descend import __version__
from descend import _validate as check
from descend._base import Optimizer, State
from descend._validate import FloatArray

__all__ = ["CheckpointError", "load_checkpoint", "save_checkpoint"]

FORMAT = "descend-checkpoint"
VERSION = 1


class CheckpointError(ValueError):
    """A file that is not a readable checkpoint, or one for another optimizer."""


def _jsonable(value: object) -> Any:
    """Hyperparameters as JSON: numbers and flags as they are, schedules by their repr."""
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    return {"repr": repr(value)}


def _describe(opt: Optimizer) -> dict[str, Any]:
    """The optimizer's part of a header: its class and hyperparameters."""
    return {
        "optimizer": type(opt).__name__,
        "hyperparameters": {k: _jsonable(v) for k, v in opt.hyperparameters().items()},
    }


def _header(state: State) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "descend": __version__,
        **_describe(state.optimizer),
        "t": state.t,
        "buffers": list(state.buffers),
    }


def save_checkpoint(path: str | os.PathLike[str], phi: FloatArray, state: State) -> None:
    """Write ``phi`` and ``state`` to ``path`` atomically.

    The file is written next to ``path`` under a temporary name, flushed to
    disk, then renamed over ``path``: a save that fails midway (a full disk,
    an interrupt) leaves the previous checkpoint intact.
    """
    phi = check.float_array("phi", phi)
    if not isinstance(state, State):
        raise TypeError(f"state must be a descend.State, got {type(state).__name__}")
    if not isinstance(state.optimizer, Optimizer):
        raise TypeError(f"state.optimizer must be a descend optimizer, got {state.optimizer!r}")
    state.optimizer._check_state(phi, state)
    target = Path(path)
    # Any-typed: numpy's stubs type savez's **kwds like its allow_pickle flag.
    arrays: dict[str, Any] = {"phi": phi, **{f"buffer.{k}": v for k, v in state.buffers.items()}}
    arrays["header"] = np.array(json.dumps(_header(state)))
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def load_checkpoint(path: str | os.PathLike[str], optimizer: Optimizer) -> tuple[FloatArray, State]:
    """Read a checkpoint written by :func:`save_checkpoint` for ``optimizer``.

    The stored optimizer class and hyperparameters must equal ``optimizer``'s
    (a checkpoint of ``Adam(lr=0.1)`` does not resume ``Adam(lr=0.01)``), and
    the buffers must be the ones this configuration keeps, with ``phi``'s
    shape and dtype. Anything else raises :class:`CheckpointError` saying
    what differs.

    A :class:`~descend.schedules.ReduceLROnPlateau` learning rate is matched
    by its settings only: its counters (best loss, bad epochs) live in the
    schedule object, not in the checkpoint.

    Returns
    -------
    phi, state
        The parameters and a state to pass to ``optimizer.step``.
    """
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be a descend optimizer, got {type(optimizer).__name__}")
    source = Path(path)
    try:
        with open(source, "rb") as fh:
            loaded = np.load(fh, allow_pickle=False)
            if not isinstance(loaded, np.lib.npyio.NpzFile):
                raise TypeError("a single array (.npy), not an .npz archive")
            with loaded as npz:
                arrays = {k: npz[k] for k in npz.files}
    except FileNotFoundError:
        raise
    except (
        OSError, ValueError, TypeError, EOFError, KeyError, RuntimeError, NotImplementedError,
        zipfile.BadZipFile,
    ) as err:  # fmt: skip
        raise CheckpointError(
            f"{source} is not a readable descend checkpoint (truncated or another kind "
            f"of file?): {type(err).__name__}: {err}"
        ) from err
    header = _read_header(source, arrays)
    expected = {**_describe(optimizer), "buffers": list(optimizer.buffer_names)}
    if header["optimizer"] != expected["optimizer"]:
        raise CheckpointError(
            f"{source} holds the state of {header['optimizer']}, not {expected['optimizer']}"
        )
    # A hyperparameter added after a checkpoint was written (NesterovMomentum's
    # lookahead) was saved with its default value, implicitly.
    saved = {**_defaults(optimizer), **header["hyperparameters"]}
    diff = {
        k: (saved.get(k), v) for k, v in expected["hyperparameters"].items() if saved.get(k) != v
    }
    if diff:
        changes = ", ".join(f"{k}: saved {a!r}, given {b!r}" for k, (a, b) in diff.items())
        raise CheckpointError(f"{source} was saved with other hyperparameters ({changes})")
    if header["buffers"] != expected["buffers"]:
        raise CheckpointError(
            f"{source} has buffers {header['buffers']} but this optimizer keeps "
            f"{expected['buffers']}"
        )
    phi = arrays["phi"]
    buffers = {k: arrays[f"buffer.{k}"] for k in header["buffers"]}
    for name, buf in buffers.items():
        if buf.shape != phi.shape or buf.dtype != phi.dtype:
            raise CheckpointError(
                f"{source}: buffer {name!r} is {buf.dtype}{list(buf.shape)} but phi is "
                f"{phi.dtype}{list(phi.shape)}"
            )
    return phi, State(optimizer, header["t"], buffers)


def _defaults(optimizer: Optimizer) -> dict[str, Any]:
    """The hyperparameters' default values, as a header stores them."""
    return {
        f.name: _jsonable(f.default)
        for f in dataclasses.fields(optimizer)
        if f.default is not dataclasses.MISSING
    }


def _read_header(source: Path, arrays: dict[str, np.ndarray]) -> dict[str, Any]:
    if "header" not in arrays or "phi" not in arrays:
        raise CheckpointError(f"{source} is an .npz file but not a descend checkpoint")
    try:
        header = json.loads(str(arrays["header"]))
    except json.JSONDecodeError as err:
        raise CheckpointError(f"{source}: its header is not valid JSON ({err})") from err
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise CheckpointError(f"{source} is an .npz file but not a descend checkpoint")
    fields = {"version": int, "optimizer": str, "hyperparameters": dict, "t": int, "buffers": list}
    for key, kind in fields.items():
        value = header.get(key)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise CheckpointError(
                f"{source}: the header's {key!r} is {value!r}, not a {kind.__name__}: "
                "the file is damaged or was not written by descend"
            )
    if not all(isinstance(b, str) for b in header["buffers"]):
        raise CheckpointError(f"{source}: the header's buffer names {header['buffers']!r} are bad")
    if header.get("version") != VERSION:
        raise CheckpointError(
            f"{source} has checkpoint format version {header.get('version')!r}; "
            f"this descend {__version__} reads version {VERSION}"
        )
    missing = [k for k in header["buffers"] if f"buffer.{k}" not in arrays]
    if missing:
        raise CheckpointError(f"{source} lacks the buffers {missing}")
    if not np.issubdtype(arrays["phi"].dtype, np.floating):
        raise CheckpointError(f"{source}: phi has dtype {arrays['phi'].dtype}, not float")
    if header["t"] < 0:
        raise CheckpointError(f"{source}: step count t = {header.get('t')!r} is not valid")
    return header
