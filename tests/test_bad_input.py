"""Bad input gets a clear error: the parameter, the value it got, and what it accepts.

The policy: a mistake raises ``TypeError`` (wrong kind of object), ``ValueError``
(wrong value; ``descend.CheckpointError`` is one) or ``descend.NonFiniteError``
(NaN or inf met in a step), with a message that names the parameter and the
offending value. Never a silent wrong answer, never a bare NumPy traceback
(``AttributeError``, ``IndexError``, ``KeyError``, ``OverflowError``, a
``RuntimeWarning``...).

Three parts:

* ``CASES``, a table of bad inputs and the error each must give, checked by
  one test body;
* ``nonfinite="skip"``: a bad step is skipped with a warning and the run goes on;
* "junk" property tests: random objects of every kind fed into every public
  entry point may succeed (if they happen to be valid) or raise one of the
  documented errors with a message, and nothing else.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import itertools
import json
import math
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import descend
from descend import (
    SGD,
    Adagrad,
    Adam,
    AdamW,
    CheckpointError,
    GradientDescent,
    Momentum,
    NesterovMomentum,
    NonFiniteError,
    NonFiniteWarning,
    NormalizedGradient,
    Optimizer,
    RMSprop,
    State,
    fit,
    load_checkpoint,
    save_checkpoint,
)
from descend.landscapes import DataLoss, Quadratic
from descend.minibatches import batches_per_epoch, minibatches
from descend.models import (
    Gabor,
    Linear,
    Logistic,
    Model,
    bce_with_logits,
    softmax,
    softmax_cross_entropy,
    softmax_cross_entropy_grad,
)
from descend.networks import MLP, LogisticRegression
from descend.schedules import (
    ConstantLR,
    CosineAnnealingLR,
    ExponentialLR,
    FixedLR,
    LinearLR,
    MultiStepLR,
    ReduceLROnPlateau,
    SequentialLR,
    StepLR,
)

Array = npt.NDArray[np.floating[Any]]

nan, inf = math.nan, math.inf

#: Every optimizer class the package exports.
OPTIMIZER_CLASSES: list[type[Optimizer]] = [
    getattr(descend, name)
    for name in descend.__all__
    if isinstance(getattr(descend, name), type)
    and issubclass(getattr(descend, name), Optimizer)
    and getattr(descend, name) is not Optimizer
]


def bad(value: object) -> Any:
    """Pass ``value`` where the signature wants something else (for the type checker)."""
    return value


# --- helpers the table calls --------------------------------------------------

P3 = np.array([1.0, -2.0, 0.5])
P2 = np.array([0.5, -1.0])
X3 = np.array([0.0, 1.0, 2.0])
Y3 = np.array([0.0, 1.0, 1.0])


def grad2x(phi: Array) -> Array:
    """The gradient of ``|phi|^2``."""
    return 2 * phi


GOOD = object()  # "the value the good run has reached"


def step(
    opt: Optimizer,
    *,
    phi: object = GOOD,
    grad: object = grad2x,
    state: object = GOOD,
    after: int = 0,
) -> object:
    """Take ``after`` good steps from ``P3``, then one step with the given arguments."""
    good_phi, good_state = P3.copy(), opt.init(P3)
    for _ in range(after):
        good_phi, good_state = opt.step(good_phi, grad2x, good_state)
    phi = good_phi if phi is GOOD else phi
    state = good_state if state is GOOD else state
    return opt.step(bad(phi), bad(grad), bad(state))


def const(value: object) -> Callable[[object], Any]:
    """A gradient function that returns ``value`` whatever ``phi`` is."""
    return lambda phi: value


def hand_made_state(opt: Optimizer, t: object, **buffers: object) -> State:
    """A State built by hand instead of by ``opt.init`` (State validates nothing itself)."""
    return State(opt, bad(t), bad(buffers))


def checkpoint_of(opt: Optimizer) -> Callable[[Path], None]:
    """Write a real checkpoint of ``opt`` after one step from ``P3``."""

    def write(path: Path) -> None:
        phi, state = opt.step(P3, grad2x, opt.init(P3))
        save_checkpoint(path, phi, state)

    return write


def truncated(opt: Optimizer) -> Callable[[Path], None]:
    """Write a real checkpoint, then cut it to half its bytes."""

    def write(path: Path) -> None:
        checkpoint_of(opt)(path)
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])

    return write


def edited(change: Callable[[dict[str, Any]], object]) -> Callable[[Path], None]:
    """Write a real checkpoint of ``Adam(lr=0.1)`` with its JSON header replaced by ``change``."""

    def write(path: Path) -> None:
        checkpoint_of(Adam(lr=0.1))(path)
        with np.load(path) as npz:
            arrays = {k: npz[k] for k in npz.files}
        header = json.loads(str(arrays["header"]))
        arrays["header"] = np.array(json.dumps(change(header)))
        np.savez(path, **arrays)

    return write


#: Where a zip archive keeps the general-purpose flags of its first member: in the
#: local header (signature PK\3\4, flags at offset 6) and in the central directory
#: (signature PK\1\2, flags at offset 8). Bit 0 means encrypted, bit 5 patched data.
LOCAL_FLAGS = (b"PK\x03\x04", 6)
CENTRAL_FLAGS = (b"PK\x01\x02", 8)


def with_zip_flag(data: bytes, where: tuple[bytes, int], bit: int) -> bytes:
    """``data``, a zip archive, with one general-purpose flag bit set."""
    signature, offset = where
    out = bytearray(data)
    out[out.index(signature) + offset] |= bit
    return bytes(out)


def zip_flag(where: tuple[bytes, int], bit: int) -> Callable[[Path], None]:
    """A real checkpoint with one flag bit set in its zip structure."""

    def write(path: Path) -> None:
        checkpoint_of(Adam(lr=0.1))(path)
        path.write_bytes(with_zip_flag(path.read_bytes(), where, bit))

    return write


def raw_file(data: bytes) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_bytes(data)

    return write


def npz_without_header(path: Path) -> None:
    np.savez(path, phi=P3)


def npy_file(path: Path) -> None:
    with path.open("wb") as f:
        np.save(f, P3)


def npz_with(**arrays: Any) -> Callable[[Path], None]:
    """A checkpoint of ``Adam(lr=0.1)`` with some arrays replaced."""

    def write(path: Path) -> None:
        checkpoint_of(Adam(lr=0.1))(path)
        with np.load(path) as npz:
            stored = {k: npz[k] for k in npz.files}
        np.savez(path, **{**stored, **arrays})

    return write


def load(
    write: Callable[[Path], None] | None, opt: object, name: str = "run.npz"
) -> Callable[[], object]:
    """Load, into ``opt``, a file written by ``write`` (``None``: no file at all)."""

    def call() -> object:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / name
            if write is not None:
                write(path)
            return load_checkpoint(path, bad(opt))

    return call


def save(phi: object, state: object) -> Callable[[], object]:
    def call() -> object:
        with tempfile.TemporaryDirectory() as tmp:
            save_checkpoint(Path(tmp) / "run.npz", bad(phi), bad(state))
        return None

    return call


def plateau_fed(*losses: object) -> float:
    s = ReduceLROnPlateau(0.1)
    for loss in losses:
        s.step(bad(loss))
    return s.lr


DATA = DataLoss(Linear(), X3, Y3)

# --- the table ------------------------------------------------------------------
#
# pytest.param(call, exception, message regex, id=...): ``call()`` must raise
# ``exception`` with a message matching the regex (re.search), which names the
# parameter and shows the value it got.

CASES = [
    # --- the learning rate, every optimizer --------------------------------------
    *[
        pytest.param(
            functools.partial(cls, lr=-0.1),
            ValueError,
            r"lr must be >= 0\.0, got -0\.1",
            id=f"{cls.__name__}-lr-negative",
        )
        for cls in OPTIMIZER_CLASSES
    ],
    pytest.param(lambda: Adam(lr=nan), ValueError, r"lr must be finite, got nan", id="Adam-lr-nan"),
    pytest.param(lambda: SGD(lr=inf), ValueError, r"lr must be finite, got inf", id="SGD-lr-inf"),
    pytest.param(
        lambda: Momentum(lr=-inf), ValueError, r"lr must be finite, got -inf", id="Momentum-lr--inf"
    ),
    pytest.param(
        lambda: NesterovMomentum(lr=bad("0.1")),
        TypeError,
        r"lr must be a real number, got '0\.1' of type str",
        id="NesterovMomentum-lr-string",
    ),
    pytest.param(
        lambda: RMSprop(lr=True),
        TypeError,
        r"lr must be a real number, got True of type bool",
        id="RMSprop-lr-bool",
    ),
    pytest.param(
        lambda: Adagrad(lr=bad([0.1])),
        TypeError,
        r"lr must be a real number, got \[0\.1\] of type list",
        id="Adagrad-lr-list",
    ),
    pytest.param(
        lambda: NormalizedGradient(lr=bad(np.array([0.1, 0.2]))),
        TypeError,
        r"lr must be a real number, got array\(\[0\.1, 0\.2\]\)",
        id="NormalizedGradient-lr-array",
    ),
    pytest.param(  # 10**400 does not fit a float: must not escape as OverflowError
        lambda: AdamW(lr=10**400),
        ValueError,
        r"lr .*got 1000000",
        id="AdamW-lr-huge-int",
    ),
    pytest.param(  # a schedule's value is a learning rate too, and must be >= 0
        lambda: step(GradientDescent(lr=bad(lambda t: -0.1))),
        ValueError,
        r"lr.*-0\.1",
        id="GradientDescent-lr-schedule-negative",
    ),
    # --- Adam and AdamW ------------------------------------------------------------
    pytest.param(
        lambda: Adam(betas=(1.0, 0.999)),
        ValueError,
        r"betas\[0\] must be in \[0\.0, 1\.0\), got 1\.0",
        id="Adam-beta1-one",
    ),
    pytest.param(
        lambda: Adam(betas=(-0.1, 0.999)),
        ValueError,
        r"betas\[0\] must be in \[0\.0, 1\.0\), got -0\.1",
        id="Adam-beta1-negative",
    ),
    pytest.param(
        lambda: Adam(betas=(0.9, 1.0)),
        ValueError,
        r"betas\[1\] must be in \[0\.0, 1\.0\), got 1\.0",
        id="Adam-beta2-one",
    ),
    pytest.param(
        lambda: AdamW(betas=(0.9, 1.5)),
        ValueError,
        r"betas\[1\] must be in \[0\.0, 1\.0\), got 1\.5",
        id="AdamW-beta2-large",
    ),
    pytest.param(
        lambda: Adam(betas=(0.9, nan)),
        ValueError,
        r"betas\[1\] must be finite, got nan",
        id="Adam-beta2-nan",
    ),
    pytest.param(
        lambda: Adam(betas=(0.9, bad("0.999"))),
        TypeError,
        r"betas\[1\] must be a real number, got '0\.999' of type str",
        id="Adam-beta2-string",
    ),
    pytest.param(
        lambda: Adam(betas=bad((0.9,))),
        TypeError,
        r"betas must be a pair \(beta1, beta2\), got \(0\.9,\)",
        id="Adam-betas-one-entry",
    ),
    pytest.param(
        lambda: Adam(betas=bad((0.9, 0.99, 0.999))),
        TypeError,
        r"betas must be a pair \(beta1, beta2\), got \(0\.9, 0\.99, 0\.999\)",
        id="Adam-betas-three-entries",
    ),
    pytest.param(
        lambda: AdamW(betas=bad(0.9)),
        TypeError,
        r"betas must be a pair \(beta1, beta2\), got 0\.9",
        id="AdamW-betas-number",
    ),
    pytest.param(
        lambda: Adam(betas=bad({0.9: 0.999})),
        TypeError,
        r"betas must be a pair \(beta1, beta2\), got \{0\.9: 0\.999\}",
        id="Adam-betas-dict",
    ),
    pytest.param(
        lambda: Adam(eps=0.0), ValueError, r"eps must be > 0, got 0\.0", id="Adam-eps-zero"
    ),
    pytest.param(
        lambda: AdamW(eps=-1e-8),
        ValueError,
        r"eps must be > 0, got -1e-08",
        id="AdamW-eps-negative",
    ),
    pytest.param(
        lambda: Adam(weight_decay=-0.01),
        ValueError,
        r"weight_decay must be >= 0\.0, got -0\.01",
        id="Adam-weight_decay-negative",
    ),
    pytest.param(
        lambda: Adam(amsgrad=bad("yes")),
        TypeError,
        r"amsgrad must be True or False, got 'yes'",
        id="Adam-amsgrad-string",
    ),
    pytest.param(
        lambda: AdamW(maximize=bad(1)),
        TypeError,
        r"maximize must be True or False, got 1",
        id="AdamW-maximize-int",
    ),
    pytest.param(
        lambda: Adam(decoupled_weight_decay=bad(None)),
        TypeError,
        r"decoupled_weight_decay must be True or False, got None",
        id="Adam-decoupled_weight_decay-None",
    ),
    # --- SGD -------------------------------------------------------------------------
    pytest.param(
        lambda: SGD(lr=0.1, momentum=-0.9),
        ValueError,
        r"momentum must be >= 0\.0, got -0\.9",
        id="SGD-momentum-negative",
    ),
    pytest.param(
        lambda: SGD(lr=0.1, momentum=True),
        TypeError,
        r"momentum must be a real number, got True of type bool",
        id="SGD-momentum-bool",
    ),
    pytest.param(
        lambda: SGD(lr=0.1, momentum=0.9, dampening=-0.1),
        ValueError,
        r"dampening must be >= 0\.0, got -0\.1",
        id="SGD-dampening-negative",
    ),
    pytest.param(
        lambda: SGD(lr=0.1, weight_decay=-1e-4),
        ValueError,
        r"weight_decay must be >= 0\.0, got -0\.0001",
        id="SGD-weight_decay-negative",
    ),
    pytest.param(
        lambda: SGD(lr=0.1, nesterov=True),
        ValueError,
        r"nesterov=True requires momentum > 0 and dampening == 0.*got momentum=0\.0",
        id="SGD-nesterov-without-momentum",
    ),
    pytest.param(
        lambda: SGD(lr=0.1, momentum=0.9, dampening=0.5, nesterov=True),
        ValueError,
        r"nesterov=True requires momentum > 0 and dampening == 0.*dampening=0\.5",
        id="SGD-nesterov-with-dampening",
    ),
    pytest.param(
        lambda: SGD(lr=0.1, momentum=0.9, nesterov=bad("True")),
        TypeError,
        r"nesterov must be True or False, got 'True'",
        id="SGD-nesterov-string",
    ),
    # --- Momentum, NesterovMomentum, NormalizedGradient -----------------------------
    pytest.param(
        lambda: Momentum(lr=0.1, beta=1.0),
        ValueError,
        r"beta must be in \[0\.0, 1\.0\), got 1\.0",
        id="Momentum-beta-one",
    ),
    pytest.param(
        lambda: Momentum(lr=0.1, beta=-0.5),
        ValueError,
        r"beta must be in \[0\.0, 1\.0\), got -0\.5",
        id="Momentum-beta-negative",
    ),
    pytest.param(
        lambda: NesterovMomentum(lr=0.1, beta=1.2),
        ValueError,
        r"beta must be in \[0\.0, 1\.0\), got 1\.2",
        id="NesterovMomentum-beta-large",
    ),
    pytest.param(
        lambda: NesterovMomentum(lr=0.1, beta=False),
        TypeError,
        r"beta must be a real number, got False of type bool",
        id="NesterovMomentum-beta-bool",
    ),
    pytest.param(
        lambda: NormalizedGradient(lr=0.1, eps=0),
        ValueError,
        r"eps must be > 0, got 0",
        id="NormalizedGradient-eps-zero",
    ),
    pytest.param(
        lambda: NormalizedGradient(lr=0.1, norm=bad("l2")),
        ValueError,
        r"norm must be 'coordinate' or 'global', got 'l2'",
        id="NormalizedGradient-norm-l2",
    ),
    pytest.param(
        lambda: NormalizedGradient(lr=0.1, norm=bad(None)),
        ValueError,
        r"norm must be 'coordinate' or 'global', got None",
        id="NormalizedGradient-norm-None",
    ),
    # --- RMSprop, Adagrad ----------------------------------------------------------
    pytest.param(
        lambda: RMSprop(alpha=1.0),
        ValueError,
        r"alpha must be in \[0\.0, 1\.0\), got 1\.0",
        id="RMSprop-alpha-one",
    ),
    pytest.param(
        lambda: RMSprop(alpha=-0.01),
        ValueError,
        r"alpha must be in \[0\.0, 1\.0\), got -0\.01",
        id="RMSprop-alpha-negative",
    ),
    pytest.param(
        lambda: RMSprop(eps=0.0), ValueError, r"eps must be > 0, got 0\.0", id="RMSprop-eps-zero"
    ),
    pytest.param(
        lambda: RMSprop(momentum=-0.5),
        ValueError,
        r"momentum must be >= 0\.0, got -0\.5",
        id="RMSprop-momentum-negative",
    ),
    pytest.param(
        lambda: RMSprop(centered=bad("no")),
        TypeError,
        r"centered must be True or False, got 'no'",
        id="RMSprop-centered-string",
    ),
    pytest.param(
        lambda: Adagrad(lr_decay=-0.1),
        ValueError,
        r"lr_decay must be >= 0\.0, got -0\.1",
        id="Adagrad-lr_decay-negative",
    ),
    pytest.param(
        lambda: Adagrad(initial_accumulator_value=-1.0),
        ValueError,
        r"initial_accumulator_value must be >= 0\.0, got -1\.0",
        id="Adagrad-initial_accumulator_value-negative",
    ),
    pytest.param(
        lambda: Adagrad(eps=-1e-10),
        ValueError,
        r"eps must be > 0, got -1e-10",
        id="Adagrad-eps-negative",
    ),
    pytest.param(
        lambda: Adagrad(weight_decay=nan),
        ValueError,
        r"weight_decay must be finite, got nan",
        id="Adagrad-weight_decay-nan",
    ),
    # --- nonfinite ---------------------------------------------------------------------
    pytest.param(
        lambda: Adam(nonfinite=bad("ignore")),
        ValueError,
        r"nonfinite must be 'raise' or 'skip', got 'ignore'",
        id="Adam-nonfinite-ignore",
    ),
    pytest.param(
        lambda: SGD(nonfinite=bad(True)),
        ValueError,
        r"nonfinite must be 'raise' or 'skip', got True",
        id="SGD-nonfinite-bool",
    ),
    pytest.param(  # an array must not meet NumPy's "truth value is ambiguous"
        lambda: GradientDescent(lr=0.1, nonfinite=bad(np.array(["raise", "skip"]))),
        ValueError,
        r"nonfinite must be 'raise' or 'skip', got array",
        id="GradientDescent-nonfinite-array",
    ),
    # --- init: what phi may be -------------------------------------------------------
    pytest.param(
        lambda: Adam().init(bad(np.arange(3))),
        TypeError,
        r"phi must have a real floating dtype \(float32 or float64\), got dtype int64",
        id="init-phi-int",
    ),
    pytest.param(
        lambda: Adam().init(bad(np.ones(3, dtype=complex))),
        TypeError,
        r"phi must have a real floating dtype.*got dtype complex128",
        id="init-phi-complex",
    ),
    pytest.param(
        lambda: SGD().init(bad(np.array([1.0, None, 2.0], dtype=object))),
        TypeError,
        r"phi must have a real floating dtype.*got dtype object",
        id="init-phi-object",
    ),
    pytest.param(
        lambda: Momentum(lr=0.1).init(bad(np.array([True, False]))),
        TypeError,
        r"phi must have a real floating dtype.*got dtype bool",
        id="init-phi-bool",
    ),
    pytest.param(
        lambda: Adam().init(bad(["a", "b"])),
        TypeError,
        r"phi must hold real numbers only, got 'a' of type str",
        id="init-phi-list-of-strings",
    ),
    pytest.param(
        lambda: Adam().init(bad([[1.0], [1.0, 2.0]])),
        TypeError,
        r"phi must be an array of real floats, got \[\[1\.0\], \[1\.0, 2\.0\]\]",
        id="init-phi-ragged-list",
    ),
    pytest.param(
        lambda: RMSprop().init(bad("1.0")),
        TypeError,
        r"phi must be a NumPy array of floats, got '1\.0' of type str",
        id="init-phi-string",
    ),
    pytest.param(
        lambda: Adagrad().init(bad(3)),
        TypeError,
        r"phi must be a NumPy array of floats, got 3 of type int",
        id="init-phi-int-scalar",
    ),
    # A list is converted to float64; what NumPy's conversion would do silently
    # (parse strings, turn None into NaN, bools into 0/1, drop imaginary parts)
    # or fail at cryptically (OverflowError) must be refused like an array is.
    pytest.param(
        lambda: Adam().init(bad(["1.5", "2.5"])),
        TypeError,
        r"phi must hold real numbers only, got '1\.5' of type str",
        id="init-phi-list-of-numeric-strings",
    ),
    pytest.param(
        lambda: Adam().init(bad([None, 1.0])),
        TypeError,
        r"phi must hold real numbers only, got None of type NoneType",
        id="init-phi-list-with-None",
    ),
    pytest.param(
        lambda: Adam().init(bad([True, False])),
        TypeError,
        r"phi must hold real numbers only, got True of type bool",
        id="init-phi-list-of-bools",
    ),
    pytest.param(
        lambda: Adam().init(bad([10**400])),
        TypeError,
        r"phi must hold real numbers only, got 1000000",
        id="init-phi-list-huge-int",
    ),
    pytest.param(
        lambda: Adam().init(bad([np.complex128(1 + 2j)])),
        TypeError,
        r"phi must hold real numbers only, got .*1\+2j",
        id="init-phi-list-numpy-complex",
    ),
    # --- step: the gradient -------------------------------------------------------------
    pytest.param(
        lambda: step(Adam(), grad=np.ones(2)),
        ValueError,
        r"grad has shape \(2,\) but phi has shape \(3,\)",
        id="step-grad-shape",
    ),
    pytest.param(
        lambda: step(SGD(), grad=np.ones((3, 1))),
        ValueError,
        r"grad has shape \(3, 1\) but phi has shape \(3,\)",
        id="step-grad-shape-column",
    ),
    pytest.param(
        lambda: step(Adam(), grad=np.arange(3)),
        TypeError,
        r"grad must have a real floating dtype.*got dtype int64",
        id="step-grad-int",
    ),
    pytest.param(
        lambda: step(RMSprop(), grad=np.ones(3) * 1j),
        TypeError,
        r"grad must have a real floating dtype.*got dtype complex128",
        id="step-grad-complex",
    ),
    pytest.param(
        lambda: step(Adagrad(), grad=np.array([1.0, 2.0, 3.0], dtype=object)),
        TypeError,
        r"grad must have a real floating dtype.*got dtype object",
        id="step-grad-object",
    ),
    pytest.param(
        lambda: step(GradientDescent(lr=0.1), grad=np.array([True, False, True])),
        TypeError,
        r"grad must have a real floating dtype.*got dtype bool",
        id="step-grad-bool",
    ),
    pytest.param(
        lambda: step(Momentum(lr=0.1), grad=["x", "y", "z"]),
        TypeError,
        r"grad must hold real numbers only, got 'x' of type str",
        id="step-grad-list-of-strings",
    ),
    pytest.param(
        lambda: step(Adam(), phi=np.arange(3)),
        TypeError,
        r"phi must have a real floating dtype.*got dtype int64",
        id="step-phi-int",
    ),
    pytest.param(
        lambda: step(Adam(), grad=const(np.ones(2))),
        ValueError,
        r"grad has shape \(2,\) but phi has shape \(3,\)",
        id="step-callable-grad-shape",
    ),
    pytest.param(
        lambda: step(NesterovMomentum(lr=0.1), grad=const(None)),
        TypeError,
        r"grad must be a NumPy array of floats, got None of type NoneType",
        id="step-callable-grad-None",
    ),
    pytest.param(
        lambda: step(NesterovMomentum(lr=0.1), grad=np.ones(3)),
        TypeError,
        r"NesterovMomentum evaluates the gradient at a look-ahead point, so grad must be a "
        r"callable.*ndarray",
        id="step-NesterovMomentum-array-grad",
    ),
    # --- step: the state -------------------------------------------------------------------
    pytest.param(
        lambda: step(Adam(), state=SGD().init(P3)),
        ValueError,
        r"state was made by SGD, not Adam",
        id="step-state-of-SGD",
    ),
    pytest.param(
        lambda: step(Adam(), state=AdamW().init(P3)),
        ValueError,
        r"state was made by AdamW, not Adam",
        id="step-state-of-AdamW",
    ),
    pytest.param(
        lambda: step(Adam(), state=Adam().init(P2)),
        ValueError,
        r"state buffer 'm' has shape \(2,\) but phi has shape \(3,\)",
        id="step-state-other-shape",
    ),
    pytest.param(
        lambda: step(Adam(amsgrad=True), state=Adam().init(P3)),
        ValueError,
        r"state has buffers \('m', 'v'\) but this Adam configuration keeps "
        r"\('m', 'v', 'v_max'\)",
        id="step-state-without-amsgrad",
    ),
    pytest.param(
        lambda: step(SGD(momentum=0.9), state=SGD().init(P3)),
        ValueError,
        r"state has buffers \(\) but this SGD configuration keeps \('b',\)",
        id="step-state-without-momentum",
    ),
    pytest.param(
        lambda: step(RMSprop(centered=True), state=RMSprop().init(P3)),
        ValueError,
        r"state has buffers \('v',\) but this RMSprop configuration keeps \('v', 'g_bar'\)",
        id="step-state-not-centered",
    ),
    pytest.param(
        lambda: step(Adam(), state={"m": np.zeros(3), "v": np.zeros(3)}),
        TypeError,
        r"state must be a State made by Adam\.init, got dict",
        id="step-state-dict",
    ),
    pytest.param(
        lambda: step(SGD(), state=None),
        TypeError,
        r"state must be a State made by SGD\.init, got NoneType",
        id="step-state-None",
    ),
    pytest.param(  # the classic slip: passing what step returned, (phi, state)
        lambda: step(Adam(), state=(P3, Adam().init(P3))),
        TypeError,
        r"state must be a State made by Adam\.init, got tuple",
        id="step-state-tuple",
    ),
    pytest.param(
        lambda: step(Adam(), state=hand_made_state(Adam(), 0, m=[0.0] * 3, v=[0.0] * 3)),
        TypeError,
        r"state.buffers must be a dict of NumPy arrays, got \{'m': \[0\.0",
        id="step-hand-made-state-list-buffers",
    ),
    pytest.param(
        lambda: step(Adam(), state=hand_made_state(Adam(), -1, m=np.zeros(3), v=np.zeros(3))),
        ValueError,
        r"t.*-1",
        id="step-hand-made-state-negative-t",
    ),
    # --- non-finite values in a step ----------------------------------------------------------
    pytest.param(
        lambda: step(Adam(), grad=np.array([nan, 1.0, 1.0])),
        NonFiniteError,
        r"step 0 of Adam: the gradient has 1 non-finite entry \(1 NaN, 0 inf\) out of 3",
        id="nonfinite-grad-nan",
    ),
    pytest.param(
        lambda: step(RMSprop(), grad=np.array([1.0, inf, -inf]), after=2),
        NonFiniteError,
        r"step 2 of RMSprop: the gradient has 2 non-finite entries \(0 NaN, 2 inf\) out of 3",
        id="nonfinite-grad-inf-at-step-2",
    ),
    pytest.param(
        lambda: step(NesterovMomentum(lr=0.1), grad=const(np.full(3, nan))),
        NonFiniteError,
        r"step 0 of NesterovMomentum: the gradient has 3 non-finite entries \(3 NaN, 0 inf\)",
        id="nonfinite-callable-grad-nan",
    ),
    pytest.param(
        lambda: step(SGD(), phi=np.array([1.0, nan, 0.0]), grad=np.ones(3)),
        NonFiniteError,
        r"step 0 of SGD: phi has 1 non-finite entry \(1 NaN, 0 inf\) out of 3",
        id="nonfinite-phi-nan",
    ),
    pytest.param(
        lambda: SGD(lr=1e308).step(np.array([1.0]), np.array([1e10]), SGD().init(np.ones(1))),
        NonFiniteError,
        r"step 0 of SGD: the new phi has 1 non-finite entry \(0 NaN, 1 inf\) out of 1",
        id="nonfinite-overflow",
    ),
    pytest.param(
        lambda: step(Adam(), grad=np.array([1e200, 1.0, 1.0])),
        NonFiniteError,
        r"step 0 of Adam: state buffer 'v' has 1 non-finite entry \(0 NaN, 1 inf\) out of 3",
        id="nonfinite-buffer-overflow",
    ),
    pytest.param(
        lambda: step(Adagrad(), grad=np.array([nan, nan, 1.0])),
        NonFiniteError,
        r"step 0 of Adagrad: .*pass nonfinite='skip' to skip such steps",
        id="nonfinite-suggests-skip",
    ),
    pytest.param(  # the loss overflows before the step does: still a NonFiniteError
        lambda: fit(GradientDescent(lr=1.0), Quadratic(), [1.0, 1.0], steps=2000),
        NonFiniteError,
        r"step \d+ of GradientDescent",
        id="nonfinite-diverging-fit",
    ),
    # --- schedules --------------------------------------------------------------------------
    pytest.param(
        lambda: StepLR(0.1, step_size=0),
        ValueError,
        r"step_size must be an integer >= 1, got 0",
        id="StepLR-step_size-zero",
    ),
    pytest.param(
        lambda: StepLR(0.1, step_size=-2),
        ValueError,
        r"step_size must be an integer >= 1, got -2",
        id="StepLR-step_size-negative",
    ),
    pytest.param(
        lambda: StepLR(0.1, step_size=bad(2.5)),
        TypeError,
        r"step_size must be an integer, got 2\.5 of type float",
        id="StepLR-step_size-float",
    ),
    pytest.param(
        lambda: StepLR(0.1, step_size=True),
        TypeError,
        r"step_size must be an integer, got True of type bool",
        id="StepLR-step_size-bool",
    ),
    pytest.param(
        lambda: StepLR(0.1, step_size=10, gamma=0.0),
        ValueError,
        r"gamma must be > 0, got 0\.0",
        id="StepLR-gamma-zero",
    ),
    pytest.param(
        lambda: ExponentialLR(0.1, gamma=-0.5),
        ValueError,
        r"gamma must be > 0, got -0\.5",
        id="ExponentialLR-gamma-negative",
    ),
    pytest.param(
        lambda: ExponentialLR(nan, gamma=0.5),
        ValueError,
        r"lr must be finite, got nan",
        id="ExponentialLR-lr-nan",
    ),
    pytest.param(
        lambda: MultiStepLR(0.1, milestones=[30, 10]),
        ValueError,
        r"milestones must be strictly increasing, got \[30, 10\]",
        id="MultiStepLR-milestones-decreasing",
    ),
    pytest.param(
        lambda: MultiStepLR(0.1, milestones=[10, 10]),
        ValueError,
        r"milestones must be strictly increasing, got \[10, 10\]",
        id="MultiStepLR-milestones-repeated",
    ),
    pytest.param(
        lambda: MultiStepLR(0.1, milestones=[0, 5]),
        ValueError,
        r"milestones\[0\] must be an integer >= 1, got 0",
        id="MultiStepLR-milestone-zero",
    ),
    pytest.param(
        lambda: MultiStepLR(0.1, milestones=bad([5, 7.5])),
        TypeError,
        r"milestones\[1\] must be an integer, got 7\.5 of type float",
        id="MultiStepLR-milestone-float",
    ),
    pytest.param(
        lambda: MultiStepLR(0.1, milestones=[5], gamma=0),
        ValueError,
        r"gamma must be > 0, got 0",
        id="MultiStepLR-gamma-zero",
    ),
    pytest.param(
        lambda: CosineAnnealingLR(0.1, T_max=0),
        ValueError,
        r"T_max must be an integer >= 1, got 0",
        id="CosineAnnealingLR-T_max-zero",
    ),
    pytest.param(
        lambda: CosineAnnealingLR(0.1, T_max=-10),
        ValueError,
        r"T_max must be an integer >= 1, got -10",
        id="CosineAnnealingLR-T_max-negative",
    ),
    pytest.param(
        lambda: CosineAnnealingLR(0.1, T_max=10, eta_min=-0.1),
        ValueError,
        r"eta_min must be >= 0\.0, got -0\.1",
        id="CosineAnnealingLR-eta_min-negative",
    ),
    pytest.param(
        lambda: LinearLR(0.1, start_factor=0),
        ValueError,
        r"start_factor must be in \(0, 1\], got 0",
        id="LinearLR-start_factor-zero",
    ),
    pytest.param(
        lambda: LinearLR(0.1, end_factor=1.5),
        ValueError,
        r"end_factor must be in \[0, 1\], got 1\.5",
        id="LinearLR-end_factor-large",
    ),
    pytest.param(
        lambda: LinearLR(0.1, total_iters=0),
        ValueError,
        r"total_iters must be an integer >= 1, got 0",
        id="LinearLR-total_iters-zero",
    ),
    pytest.param(
        lambda: ConstantLR(0.1, factor=1.5),
        ValueError,
        r"factor must be in \(0, 1\], got 1\.5",
        id="ConstantLR-factor-large",
    ),
    pytest.param(
        lambda: FixedLR(-0.1),
        ValueError,
        r"lr must be >= 0\.0, got -0\.1",
        id="FixedLR-lr-negative",
    ),
    pytest.param(
        lambda: SequentialLR([], []),
        ValueError,
        r"schedules must hold at least one schedule, got none",
        id="SequentialLR-empty",
    ),
    pytest.param(
        lambda: SequentialLR([FixedLR(0.1), FixedLR(0.01)], []),
        ValueError,
        r"milestones must have len\(schedules\) - 1 = 1 entries, got \[\]",
        id="SequentialLR-milestones-count",
    ),
    pytest.param(
        lambda: SequentialLR([ReduceLROnPlateau(0.1)], []),
        TypeError,
        r"schedules\[0\] must be a schedule t -> lr \(not ReduceLROnPlateau\), got "
        r"ReduceLROnPlateau",
        id="SequentialLR-plateau",
    ),
    pytest.param(
        lambda: SequentialLR(bad([0.1]), []),
        TypeError,
        r"schedules\[0\] must be a schedule.*got 0\.1",
        id="SequentialLR-number",
    ),
    pytest.param(
        lambda: ReduceLROnPlateau(0.1, mode=bad("up")),
        ValueError,
        r"mode must be one of \('min', 'max'\), got 'up'",
        id="ReduceLROnPlateau-mode",
    ),
    pytest.param(
        lambda: ReduceLROnPlateau(0.1, threshold_mode=bad("relative")),
        ValueError,
        r"threshold_mode must be one of \('rel', 'abs'\), got 'relative'",
        id="ReduceLROnPlateau-threshold_mode",
    ),
    pytest.param(
        lambda: ReduceLROnPlateau(0.1, factor=1.0),
        ValueError,
        r"factor must be in \(0, 1\), got 1\.0",
        id="ReduceLROnPlateau-factor-one",
    ),
    pytest.param(
        lambda: ReduceLROnPlateau(0.1, patience=-1),
        ValueError,
        r"patience must be an integer >= 0, got -1",
        id="ReduceLROnPlateau-patience-negative",
    ),
    pytest.param(
        lambda: ReduceLROnPlateau(0.1, threshold=1.5),
        ValueError,
        r"threshold must be in \[0, 1\), got 1\.5",
        id="ReduceLROnPlateau-threshold-rel-large",
    ),
    pytest.param(
        lambda: ReduceLROnPlateau(0.1, threshold=-1.0, threshold_mode="abs"),
        ValueError,
        r"threshold must be >= 0\.0, got -1\.0",
        id="ReduceLROnPlateau-threshold-abs-negative",
    ),
    pytest.param(
        lambda: ReduceLROnPlateau(0.1, cooldown=bad(0.5)),
        TypeError,
        r"cooldown must be an integer, got 0\.5 of type float",
        id="ReduceLROnPlateau-cooldown-float",
    ),
    pytest.param(
        lambda: plateau_fed(1.0, nan),
        ValueError,
        r"loss must be finite, got nan",
        id="plateau-fed-nan",
    ),
    pytest.param(
        lambda: plateau_fed("1.0"),
        TypeError,
        r"loss must be a real number, got '1\.0' of type str",
        id="plateau-fed-string",
    ),
    pytest.param(
        lambda: plateau_fed(10**400),
        ValueError,
        r"loss .*got 1000000",
        id="plateau-fed-huge-int",
    ),
    pytest.param(
        lambda: StepLR(0.1, step_size=2)(-1),
        ValueError,
        r"t must be an integer >= 0, got -1",
        id="StepLR-t-negative",
    ),
    pytest.param(
        lambda: CosineAnnealingLR(0.1, T_max=10)(bad(2.0)),
        TypeError,
        r"t must be an integer, got 2\.0 of type float",
        id="CosineAnnealingLR-t-float",
    ),
    pytest.param(
        lambda: ReduceLROnPlateau(0.1)(-3),
        ValueError,
        r"t must be an integer >= 0, got -3",
        id="ReduceLROnPlateau-t-negative",
    ),
    pytest.param(
        lambda: ExponentialLR(1.0, gamma=10.0)(400),
        ValueError,
        r"the learning rate 1\.0 \* 10\.0\*\*400 overflows a float at t=400",
        id="ExponentialLR-overflow",
    ),
    # --- minibatches -------------------------------------------------------------------------
    pytest.param(
        lambda: list(minibatches(10, 0)),
        ValueError,
        r"batch_size must be an integer >= 1, got 0",
        id="minibatches-batch_size-zero",
    ),
    pytest.param(
        lambda: list(minibatches(10, -5)),
        ValueError,
        r"batch_size must be an integer >= 1, got -5",
        id="minibatches-batch_size-negative",
    ),
    pytest.param(
        lambda: list(minibatches(0, 5)),
        ValueError,
        r"n must be an integer >= 1, got 0",
        id="minibatches-n-zero",
    ),
    pytest.param(
        lambda: list(minibatches(10, 5, epochs=0)),
        ValueError,
        r"epochs must be an integer >= 1, got 0",
        id="minibatches-epochs-zero",
    ),
    pytest.param(
        lambda: list(minibatches(10, bad(2.5))),
        TypeError,
        r"batch_size must be an integer, got 2\.5 of type float",
        id="minibatches-batch_size-float",
    ),
    pytest.param(
        lambda: list(minibatches(10, bad("5"))),
        TypeError,
        r"batch_size must be an integer, got '5' of type str",
        id="minibatches-batch_size-string",
    ),
    pytest.param(
        lambda: list(minibatches(10, True)),
        TypeError,
        r"batch_size must be an integer, got True of type bool",
        id="minibatches-batch_size-bool",
    ),
    pytest.param(
        lambda: list(minibatches(bad(10.0), 5)),
        TypeError,
        r"n must be an integer, got 10\.0 of type float",
        id="minibatches-n-float",
    ),
    pytest.param(
        lambda: list(minibatches(10, 5, epochs=bad(None))),
        TypeError,
        r"epochs must be an integer, got None of type NoneType",
        id="minibatches-epochs-None",
    ),
    pytest.param(
        lambda: list(minibatches(10, 5, rng=bad("seed"))),
        TypeError,
        r"rng must be None, a non-negative integer seed, a numpy\.random\.Generator or a "
        r"numpy\.random\.RandomState, got 'seed' of type str",
        id="minibatches-rng-string",
    ),
    pytest.param(
        lambda: list(minibatches(10, 5, rng=bad(np.random))),
        TypeError,
        r"rng must be None.*got <module 'numpy\.random'.* of type module",
        id="minibatches-rng-module",
    ),
    pytest.param(
        lambda: list(minibatches(10, 5, rng=bad(1.5))),
        TypeError,
        r"rng must be None.*got 1\.5 of type float",
        id="minibatches-rng-float",
    ),
    pytest.param(
        lambda: list(minibatches(10, 5, rng=-1)),
        ValueError,
        r"rng must be an integer >= 0, got -1",
        id="minibatches-rng-negative",
    ),
    pytest.param(
        lambda: list(minibatches(3, 5, drop_last=True)),
        ValueError,
        r"drop_last=True with batch_size=5 > n=3 leaves no batch at all",
        id="minibatches-drop_last-leaves-nothing",
    ),
    pytest.param(
        lambda: list(minibatches(10, 5, reshuffle=bad(1))),
        TypeError,
        r"reshuffle must be True or False, got 1",
        id="minibatches-reshuffle-int",
    ),
    pytest.param(
        lambda: batches_per_epoch(10, 5, drop_last=bad("yes")),
        TypeError,
        r"drop_last must be True or False, got 'yes'",
        id="batches_per_epoch-drop_last-string",
    ),
    # --- models and DataLoss --------------------------------------------------------------------
    pytest.param(
        lambda: Linear().loss(P2, X3, Y3[:2]),
        ValueError,
        r"x and y must have the same length, got len\(x\)=3 and len\(y\)=2",
        id="Linear-x-y-lengths",
    ),
    pytest.param(
        lambda: DataLoss(Logistic(), X3[:2], Y3),
        ValueError,
        r"x and y must have the same length, got len\(x\)=2 and len\(y\)=3",
        id="DataLoss-x-y-lengths",
    ),
    pytest.param(
        lambda: Gabor().grad(P3, X3, Y3),
        ValueError,
        r"phi must have shape \(2,\) for \(phi0, phi1\), got shape \(3,\)",
        id="Gabor-phi-size-3",
    ),
    pytest.param(
        lambda: Linear().predict(np.zeros(1), X3),
        ValueError,
        r"phi must have shape \(2,\) for \(phi0, phi1\), got shape \(1,\)",
        id="Linear-phi-size-1",
    ),
    pytest.param(
        lambda: Logistic().loss(bad(np.array([0, 1])), X3, Y3),
        TypeError,
        r"phi must have a real floating dtype.*got dtype int64",
        id="Logistic-phi-int",
    ),
    pytest.param(
        lambda: Linear().loss(P2, np.array([0.0, nan, 1.0]), Y3),
        ValueError,
        r"x must contain only finite values, got x\[1\] = nan",
        id="Linear-x-nan",
    ),
    pytest.param(
        lambda: Gabor().predict(P2, np.array([inf])),
        ValueError,
        r"x must contain only finite values, got x\[0\] = inf",
        id="Gabor-x-inf",
    ),
    pytest.param(
        lambda: Linear().grad(P2, np.ones((3, 1)), Y3),
        ValueError,
        r"x must be 1-D \(one value per example\), got shape \(3, 1\)",
        id="Linear-x-2d",
    ),
    pytest.param(
        lambda: Logistic().loss(P2, X3, np.array([0.0, 2.0, 1.0])),
        ValueError,
        r"y must lie in \[0, 1\] \(labels 0 and 1, or probabilities\), got y\[1\] = 2\.0",
        id="Logistic-label-2",
    ),
    pytest.param(
        lambda: Logistic().grad(P2, X3, np.array([-1.0, 0.0, 1.0])),
        ValueError,
        r"y must lie in \[0, 1\].*got y\[0\] = -1\.0",
        id="Logistic-label-negative",
    ),
    pytest.param(
        lambda: Linear(reduction=bad("avg")),
        ValueError,
        r"reduction must be 'sum' or 'mean', got 'avg'",
        id="Linear-reduction",
    ),
    pytest.param(
        lambda: Gabor(0.0), ValueError, r"envelope must be > 0, got 0\.0", id="Gabor-envelope-zero"
    ),
    pytest.param(
        lambda: Gabor(-8.0),
        ValueError,
        r"envelope must be > 0, got -8\.0",
        id="Gabor-envelope-negative",
    ),
    pytest.param(
        lambda: DataLoss(bad("Linear"), X3, Y3),
        TypeError,
        r"model must be a descend\.models\.Model .*or a descend\.networks\.Network, "
        r"got 'Linear' of type str",
        id="DataLoss-model-string",
    ),
    pytest.param(
        lambda: DATA.subset([0, 5]),
        ValueError,
        r"indices must lie in \[0, 3\), got \[0, 5\]",
        id="DataLoss-subset-out-of-range",
    ),
    pytest.param(
        lambda: DATA.subset([0.5]),
        TypeError,
        r"indices must be integers, got \[0\.5\] of dtype float64",
        id="DataLoss-subset-float",
    ),
    # --- labels as data sets give them, the softmax cross-entropy, networks ----------------------
    pytest.param(
        lambda: bce_with_logits(np.zeros(3), np.array([0, 2, 1])),
        ValueError,
        r"y must lie in \[0, 1\] \(labels 0 and 1, or probabilities\), got y\[1\] = 2$",
        id="bce_with_logits-int-label-2",
    ),
    pytest.param(
        lambda: Logistic().grad(P2, X3, np.array([1, 0, 255], dtype=np.uint8)),
        ValueError,
        r"y must lie in \[0, 1\].*got y\[2\] = 255$",
        id="Logistic-uint8-label-255",
    ),
    pytest.param(
        lambda: DataLoss(Logistic(), X3, np.array([0, -1, 1])),
        ValueError,
        r"y must lie in \[0, 1\].*got y\[1\] = -1$",
        id="DataLoss-Logistic-int-label-negative",
    ),
    pytest.param(
        lambda: bce_with_logits(np.zeros(2), bad([True, False])),
        TypeError,
        r"y must hold real numbers only, got True of type bool",
        id="bce_with_logits-list-of-bools",
    ),
    pytest.param(
        lambda: softmax_cross_entropy(np.zeros((3, 4)), np.array([0, 4, 1])),
        ValueError,
        r"y must lie in \[0, 4\) \(4 classes\), got y\[1\] = 4$",
        id="softmax_cross_entropy-label-too-large",
    ),
    pytest.param(
        lambda: softmax_cross_entropy_grad(np.zeros((3, 4)), np.array([-1, 0, 1])),
        ValueError,
        r"y must lie in \[0, 4\) \(4 classes\), got y\[0\] = -1$",
        id="softmax_cross_entropy_grad-label-negative",
    ),
    pytest.param(
        lambda: softmax_cross_entropy(np.zeros((3, 4)), np.array([0.0, 1.5, 1.0])),
        ValueError,
        r"y must hold whole numbers \(class labels\), got y\[1\] = 1\.5",
        id="softmax_cross_entropy-label-fraction",
    ),
    pytest.param(
        lambda: softmax_cross_entropy(np.zeros((3, 4)), np.array([0.0, nan, 1.0])),
        ValueError,
        r"y must hold whole numbers \(class labels\), got y\[1\] = nan",
        id="softmax_cross_entropy-label-nan",
    ),
    pytest.param(
        lambda: softmax_cross_entropy(np.zeros((3, 2)), np.array([True, False, True])),
        TypeError,
        r"y must be an array of integer class labels, got dtype bool",
        id="softmax_cross_entropy-label-bool",
    ),
    pytest.param(
        lambda: softmax_cross_entropy(np.zeros((3, 4)), bad([0, [1, 2], 1])),
        TypeError,
        r"y must be an array of integer class labels, got \[0, \[1, 2\], 1\]",
        id="softmax_cross_entropy-label-ragged-list",
    ),
    pytest.param(
        lambda: softmax_cross_entropy(np.zeros((3, 4)), np.array([0, 1])),
        ValueError,
        r"y must have shape \(3,\), one class label per row of z, got shape \(2,\)",
        id="softmax_cross_entropy-label-count",
    ),
    pytest.param(
        lambda: softmax_cross_entropy(np.zeros(3), np.array([0, 1, 1])),
        ValueError,
        r"z must be 2-D with at least one row \(an example\) and one column \(a class\), "
        r"got shape \(3,\)",
        id="softmax_cross_entropy-z-1d",
    ),
    pytest.param(
        lambda: softmax_cross_entropy_grad(np.array([[0.0, nan]]), np.array([0])),
        ValueError,
        r"z must contain only finite values, got z\[0, 1\] = nan",
        id="softmax_cross_entropy_grad-z-nan",
    ),
    pytest.param(
        lambda: softmax(np.zeros((2, 0))),
        ValueError,
        r"z must have a last axis of at least one class, got shape \(2, 0\)",
        id="softmax-no-classes",
    ),
    pytest.param(
        lambda: MLP(64, 0, 10),
        ValueError,
        r"n_hidden must be an integer >= 1, got 0",
        id="MLP-n_hidden-zero",
    ),
    pytest.param(
        lambda: MLP(bad(64.0), 32, 10),
        TypeError,
        r"n_in must be an integer, got 64\.0 of type float",
        id="MLP-n_in-float",
    ),
    pytest.param(
        lambda: MLP(64, 32, 10, activation=bad("sigmoid")),
        ValueError,
        r"activation must be 'tanh' or 'relu', got 'sigmoid'",
        id="MLP-activation",
    ),
    pytest.param(
        lambda: LogisticRegression(3, l2=-0.1),
        ValueError,
        r"l2 must be >= 0\.0, got -0\.1",
        id="LogisticRegression-l2-negative",
    ),
    pytest.param(
        lambda: MLP(4, 3, 2).loss(np.zeros(5), np.zeros((2, 4)), np.array([0, 1])),
        ValueError,
        r"phi must have shape \(23,\) for the parameters W1, b1, W2, b2 of MLP, got shape \(5,\)",
        id="MLP-phi-size",
    ),
    pytest.param(
        lambda: MLP(4, 3, 2).grad(np.zeros(23), np.zeros((2, 3)), np.array([0, 1])),
        ValueError,
        r"x must have shape \(examples, 4\), one row per example with 4 features.*"
        r"got shape \(2, 3\)",
        id="MLP-x-columns",
    ),
    pytest.param(
        lambda: DataLoss(MLP(4, 3, 2), np.zeros((2, 4)), np.array([0, 2])),
        ValueError,
        r"y must lie in \[0, 2\) \(2 classes\), got y\[1\] = 2$",
        id="DataLoss-MLP-label-out-of-range",
    ),
    pytest.param(
        lambda: LogisticRegression(2).loss(np.zeros(3), np.zeros((3, 2)), np.array([0, 1])),
        ValueError,
        r"y must have shape \(3,\), one label per row of x, got shape \(2,\)",
        id="LogisticRegression-label-count",
    ),
    pytest.param(
        lambda: LogisticRegression(2).views(np.zeros(3, dtype=np.float32)),
        TypeError,
        r"phi must be a contiguous float64 array to cut into views, got a float32 array",
        id="LogisticRegression-views-float32",
    ),
    pytest.param(
        lambda: MLP(4, 3, 2).init(bad("seed")),
        TypeError,
        r"rng must be a seed \(an integer >= 0\) or a numpy\.random\.Generator, got 'seed'",
        id="MLP-init-rng-string",
    ),
    pytest.param(
        lambda: DataLoss(MLP(2, 3, 2), np.zeros((2, 2)), np.array([0, 1])).loss_grid(P2, P2),
        TypeError,
        r"loss_grid needs a two-parameter model, got MLP with 17 parameters",
        id="DataLoss-MLP-loss_grid",
    ),
    # --- fit -----------------------------------------------------------------------------------
    pytest.param(
        lambda: fit(GradientDescent(lr=0.1), Quadratic(), [1.0, 1.0]),
        ValueError,
        r"steps is required for full-batch fitting \(batch_size=None\)",
        id="fit-steps-missing",
    ),
    pytest.param(
        lambda: fit(GradientDescent(lr=0.1), Quadratic(), [1.0, 1.0], steps=-5),
        ValueError,
        r"steps must be an integer >= 0, got -5",
        id="fit-steps-negative",
    ),
    pytest.param(
        lambda: fit(Adam(), Quadratic(), [1.0, 1.0], steps=bad(2.5)),
        TypeError,
        r"steps must be an integer, got 2\.5 of type float",
        id="fit-steps-float",
    ),
    pytest.param(
        lambda: fit(Adam(), Quadratic(), [1.0, 1.0], batch_size=2),
        TypeError,
        r"batch_size needs a problem over examples \(with len\(\) and subset\(\)\).*got Quadratic",
        id="fit-batch_size-without-data",
    ),
    pytest.param(
        lambda: fit(Adam(), DATA, [1.0, 1.0], batch_size=0),
        ValueError,
        r"batch_size must be an integer >= 1, got 0",
        id="fit-batch_size-zero",
    ),
    pytest.param(
        lambda: fit(Adam(), Quadratic(), [1.0, 1.0, 1.0], steps=1),
        ValueError,
        r"phi must have shape \(2,\) for \(phi0, phi1\), got shape \(3,\)",
        id="fit-phi0-size",
    ),
    pytest.param(
        lambda: fit(Adam(), Quadratic(), bad("1, 1"), steps=1),
        TypeError,
        r"phi0 must be a NumPy array of floats, got '1, 1' of type str",
        id="fit-phi0-string",
    ),
    pytest.param(
        lambda: fit(Adam(), Quadratic(), [1.0, 1.0], steps=1, state=SGD().init(P2)),
        ValueError,
        r"state was made by SGD, not Adam",
        id="fit-state-of-SGD",
    ),
    pytest.param(
        lambda: fit(Adam(), Quadratic(), [1.0, 1.0], steps=1, state=bad("resume")),
        TypeError,
        r"state must be a descend.State or None, got str",
        id="fit-state-string",
    ),
    pytest.param(
        lambda: fit(Adam(), bad(None), [1.0, 1.0], steps=1),
        TypeError,
        r"problem.*None",
        id="fit-problem-None",
    ),
    pytest.param(
        lambda: fit(bad("Adam"), Quadratic(), [1.0, 1.0], steps=1),
        TypeError,
        r"optimizer.*'Adam'",
        id="fit-optimizer-string",
    ),
    # --- checkpoints -----------------------------------------------------------------------------
    pytest.param(
        load(None, Adam(), name="missing.npz"),
        FileNotFoundError,
        r"missing\.npz",
        id="load-missing-file",
    ),
    pytest.param(
        load(raw_file(b"phi = [1.0, 2.0]\n"), Adam(), name="notes.txt"),
        CheckpointError,
        r"notes\.txt is not a readable descend checkpoint",
        id="load-text-file",
    ),
    pytest.param(
        load(raw_file(b""), Adam()),
        CheckpointError,
        r"run\.npz is not a readable descend checkpoint",
        id="load-empty-file",
    ),
    pytest.param(
        load(truncated(Adam()), Adam()),
        CheckpointError,
        r"run\.npz is not a readable descend checkpoint \(truncated",
        id="load-truncated",
    ),
    pytest.param(  # zipfile raises RuntimeError("... is encrypted, password required")
        load(zip_flag(CENTRAL_FLAGS, 0x01), Adam(lr=0.1)),
        CheckpointError,
        r"run\.npz is not a readable descend checkpoint",
        id="load-zip-flag-encrypted",
    ),
    pytest.param(
        load(npy_file, Adam(), name="run.npy"),
        CheckpointError,
        r"run\.npy is not a readable descend checkpoint",
        id="load-npy-file",
    ),
    pytest.param(
        load(npz_without_header, Adam()),
        CheckpointError,
        r"run\.npz is an \.npz file but not a descend checkpoint",
        id="load-npz-without-header",
    ),
    pytest.param(
        load(checkpoint_of(SGD()), Adam()),
        CheckpointError,
        r"run\.npz holds the state of SGD, not Adam",
        id="load-SGD-into-Adam",
    ),
    pytest.param(
        load(checkpoint_of(Adam()), AdamW()),
        CheckpointError,
        r"run\.npz holds the state of Adam, not AdamW",
        id="load-Adam-into-AdamW",
    ),
    pytest.param(
        load(checkpoint_of(Adam(lr=0.1)), Adam(lr=0.01)),
        CheckpointError,
        r"run\.npz was saved with other hyperparameters \(lr: saved 0\.1, given 0\.01\)",
        id="load-other-lr",
    ),
    pytest.param(
        load(checkpoint_of(Adam()), Adam(amsgrad=True)),
        CheckpointError,
        r"other hyperparameters \(amsgrad: saved False, given True\)",
        id="load-into-amsgrad",
    ),
    pytest.param(
        load(checkpoint_of(Adam()), "Adam"),
        TypeError,
        r"optimizer must be a descend optimizer, got str",
        id="load-optimizer-string",
    ),
    pytest.param(
        load(edited(lambda h: {**h, "version": 2}), Adam(lr=0.1)),
        CheckpointError,
        r"run\.npz has checkpoint format version 2",
        id="load-header-version",
    ),
    pytest.param(
        load(npz_with(phi=np.arange(3)), Adam(lr=0.1)),
        CheckpointError,
        r"run\.npz: phi has dtype int64, not float",
        id="load-phi-int",
    ),
    pytest.param(
        load(npz_with(**{"buffer.m": np.zeros(2)}), Adam(lr=0.1)),
        CheckpointError,
        r"run\.npz: buffer 'm' is float64\[2\] but phi is float64\[3\]",
        id="load-buffer-shape",
    ),
    # A hand-edited or foreign header must give a CheckpointError too, not a
    # KeyError or AttributeError from inside load_checkpoint.
    pytest.param(
        load(edited(lambda h: {"format": h["format"], "version": h["version"]}), Adam(lr=0.1)),
        CheckpointError,
        r"run\.npz",
        id="load-header-missing-fields",
    ),
    pytest.param(
        load(edited(lambda h: {**h, "hyperparameters": [0.1]}), Adam(lr=0.1)),
        CheckpointError,
        r"run\.npz.*hyperparameters",
        id="load-header-hyperparameters-list",
    ),
    pytest.param(
        load(edited(lambda h: {**h, "buffers": 2}), Adam(lr=0.1)),
        CheckpointError,
        r"run\.npz.*buffers",
        id="load-header-buffers-int",
    ),
    pytest.param(
        load(edited(lambda h: {**h, "t": True}), Adam(lr=0.1)),
        CheckpointError,
        r"run\.npz: the header's 't' is True, not a int",
        id="load-header-t-bool",
    ),
    pytest.param(
        save(P3, "state"),
        TypeError,
        r"state must be a descend\.State, got str",
        id="save-state-string",
    ),
    pytest.param(
        save(P2, Adam().init(P3)),
        ValueError,
        r"state buffer 'm' has shape \(3,\) but phi has shape \(2,\)",
        id="save-shape-mismatch",
    ),
]


@pytest.mark.parametrize(("call", "exc", "message"), CASES)
def test_bad_input_gives_a_clear_error(
    call: Callable[[], object], exc: type[BaseException], message: str
) -> None:
    with pytest.raises(exc, match=message):
        call()


def _mentions(call: object) -> set[str]:
    """Names a table entry uses: globals it reads, classes it closes over or partially applies."""
    names: set[str] = set()
    if isinstance(call, functools.partial):
        names.add(getattr(call.func, "__name__", ""))
        call = call.func
    code = getattr(call, "__code__", None)
    if code is not None:
        names.update(code.co_names)
    for cell in getattr(call, "__closure__", None) or ():
        value = cell.cell_contents
        names.add(value.__name__ if isinstance(value, type) else type(value).__name__)
        names.update(_mentions(value) if callable(value) and not isinstance(value, type) else ())
    return names


def test_the_table_is_complete() -> None:
    assert len(CASES) >= 60
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids)), "duplicate ids"
    assert {"Adam", "SGD", "GradientDescent"} <= {c.__name__ for c in OPTIMIZER_CLASSES}
    mentioned = set().union(*(_mentions(case.values[0]) for case in CASES))
    missing = [cls.__name__ for cls in OPTIMIZER_CLASSES if cls.__name__ not in mentioned]
    assert not missing, f"optimizers without a bad-input case: {missing}"


# --- minibatches larger than the data set ----------------------------------------------------


def test_batch_larger_than_data_gives_one_short_batch_per_epoch() -> None:
    batches = list(minibatches(3, 5, epochs=2, rng=0))
    assert batches_per_epoch(3, 5) == 1
    assert [(b.step, b.epoch, b.batch, len(b)) for b in batches] == [(0, 0, 0, 3), (1, 1, 0, 3)]
    for b in batches:
        assert b.batch_range.tolist() == [0, 1, 2]
        assert sorted(b.indices.tolist()) == [0, 1, 2]


# --- nonfinite="skip" ---------------------------------------------------------------------------

SKIPPING: list[Optimizer] = [
    GradientDescent(0.1, nonfinite="skip"),
    SGD(0.1, nonfinite="skip"),
    SGD(0.1, momentum=0.9, nesterov=True, nonfinite="skip"),
    Adagrad(nonfinite="skip"),
    Adam(nonfinite="skip"),
    AdamW(nonfinite="skip"),
    RMSprop(nonfinite="skip"),
    Momentum(0.1, nonfinite="skip"),
    NesterovMomentum(0.1, nonfinite="skip"),
    NormalizedGradient(0.1, nonfinite="skip"),
    Adam(0.1, amsgrad=True, nonfinite="skip"),
    RMSprop(0.01, centered=True, momentum=0.5, nonfinite="skip"),
]


def snapshot(state: State) -> State:
    """A copy of ``state`` that later steps cannot change (steps may update a state in place)."""
    return State(state.optimizer, state.t, {k: v.copy() for k, v in state.buffers.items()})


@pytest.mark.parametrize("opt", SKIPPING, ids=repr)
def test_skip_leaves_phi_and_state_alone(opt: Optimizer) -> None:
    name = type(opt).__name__
    phi, state = opt.step(P3.copy(), grad2x, opt.init(P3))  # step 0 is fine
    phi_before, state_before = phi.copy(), snapshot(state)
    message = (
        rf"step 1 of {name}: the gradient has 1 non-finite entry \(1 NaN, 0 inf\) out of 3; "
        "step skipped"
    )
    with pytest.warns(NonFiniteWarning, match=message):
        skipped_phi, skipped_state = opt.step(phi, const(np.array([1.0, nan, 1.0])), state)
    np.testing.assert_array_equal(phi, phi_before)  # the argument is untouched
    np.testing.assert_array_equal(skipped_phi, phi_before)
    assert skipped_state == state_before
    assert skipped_state.t == 1
    # The next finite step is the one the run would have taken without the NaN.
    expected_phi, expected_state = opt.step(phi_before.copy(), grad2x, snapshot(state_before))
    resumed_phi, resumed_state = opt.step(skipped_phi, grad2x, skipped_state)
    np.testing.assert_array_equal(resumed_phi, expected_phi)
    assert resumed_state == expected_state
    assert resumed_state.t == 2


def test_skip_an_overflowing_step() -> None:
    opt = SGD(lr=1e308, nonfinite="skip")
    phi = np.array([1.0])
    state = opt.init(phi)
    message = r"step 0 of SGD: the new phi has 1 non-finite entry \(0 NaN, 1 inf\) out of 1"
    with pytest.warns(NonFiniteWarning, match=message):
        new_phi, new_state = opt.step(phi, np.array([1e10]), state)
    np.testing.assert_array_equal(phi, [1.0])
    np.testing.assert_array_equal(new_phi, [1.0])
    assert new_state == opt.init(phi)
    assert new_state.t == 0


# --- junk: random objects into every entry point --------------------------------------------------

DOCUMENTED: tuple[type[Exception], ...] = (TypeError, ValueError, NonFiniteError)

EDGE_VALUES: list[object] = [
    0,
    -1,
    1,
    0.0,
    -0.0,
    1e308,
    -1e308,
    5e-324,
    nan,
    inf,
    -inf,
    "",
    "nan",
    "1.5",
    "sum",
    "skip",
    b"bytes",
    np.float64(nan),
    np.float32(1.5),
    np.float16(0.5),
    np.int64(3),
    np.uint8(7),
    np.bool_(True),
    np.complex128(1 + 1j),
    np.str_("min"),
    object(),
    Ellipsis,
]


#: 2**64 (too big for int64), 2**1024 and 2**1330 (too big for a float), and their negatives
HUGE_INTS = st.tuples(st.sampled_from([64, 1024, 1330]), st.sampled_from([1, -1])).map(
    lambda p: p[1] * 2 ** p[0]
)


def scalars(ints: st.SearchStrategy[int]) -> st.SearchStrategy[object]:
    return st.one_of(
        st.none(),
        st.booleans(),
        ints,
        st.floats(),
        st.complex_numbers(),
        st.text(max_size=8),
        st.sampled_from(EDGE_VALUES),
        HUGE_INTS,
    )


def _object_array(items: list[object]) -> npt.NDArray[np.object_]:
    a = np.empty(len(items), dtype=object)
    for i, item in enumerate(items):
        a[i] = item
    return a


DTYPES = st.one_of(
    hnp.floating_dtypes(),
    hnp.integer_dtypes(),
    hnp.unsigned_integer_dtypes(),
    hnp.complex_number_dtypes(),
    hnp.boolean_dtypes(),
    hnp.unicode_string_dtypes(max_len=3),
    hnp.byte_string_dtypes(max_len=3),
    hnp.datetime64_dtypes(),
)
SHAPES = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)


def float_arrays(
    shape: int | tuple[int, ...] | st.SearchStrategy[tuple[int, ...]],
    elements: st.SearchStrategy[float] | None = None,
) -> st.SearchStrategy[npt.NDArray[Any]]:
    return hnp.arrays(hnp.floating_dtypes(), shape, elements=elements)


def junk(ints: st.SearchStrategy[int] | None = None) -> st.SearchStrategy[object]:
    """Objects of every kind: scalars, containers, arrays of any dtype and shape."""
    # deferred: keeps the strategy's repr short (Hypothesis warns about huge ones)
    return st.deferred(lambda: _junk(st.integers() if ints is None else ints))


def _junk(ints: st.SearchStrategy[int]) -> st.SearchStrategy[object]:
    scalar = scalars(ints)
    return st.one_of(
        scalar,
        hnp.arrays(DTYPES, SHAPES),
        float_arrays(SHAPES),
        st.lists(scalar, max_size=4).map(_object_array),
        st.lists(scalar, max_size=4),
        st.lists(st.floats(), max_size=4),
        st.lists(st.lists(st.floats(), max_size=3), max_size=3),
        st.tuples(scalar, scalar),
        st.dictionaries(st.text(max_size=3), scalar, max_size=3),
    )


JUNK = junk()


def only_documented_errors(call: Callable[[], object], *also: type[Exception]) -> None:
    """Run ``call``: success, or a documented error with a message; anything else fails.

    Warnings are errors (a RuntimeWarning from NumPy is a failure), except the
    NonFiniteWarning that ``nonfinite="skip"`` exists to give.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", category=NonFiniteWarning)
        raised: Exception | None = None
        try:
            call()
        except (*DOCUMENTED, *also) as err:
            raised = err
    if raised is not None:
        assert str(raised).strip(), f"{type(raised).__name__} with an empty message"


JUNK_SETTINGS = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# --- optimizers ---

BAD_SCHEDULES: list[object] = [
    lambda t: -1.0,
    lambda t: "fast",
    lambda t: None,
    lambda t: nan,
    lambda t: [0.1],
]
PLAUSIBLE_HYPERPARAMETERS = st.one_of(
    st.floats(0, 0.99),
    st.booleans(),
    st.sampled_from(["raise", "skip", "coordinate", "global"]),
    st.tuples(st.floats(0, 0.99), st.floats(0, 0.99)),
    st.sampled_from([StepLR(0.1, 2), ReduceLROnPlateau(0.1), *BAD_SCHEDULES]),
)
HYPERPARAMETER = st.one_of(JUNK, PLAUSIBLE_HYPERPARAMETERS)


def _constructor_args(cls: type[Optimizer]) -> st.SearchStrategy[dict[str, object]]:
    names = [f.name for f in dataclasses.fields(cls) if f.init and f.name != "lr"]
    return st.fixed_dictionaries(
        {"lr": HYPERPARAMETER}, optional=dict.fromkeys(names, HYPERPARAMETER)
    )


CONSTRUCTIONS = st.sampled_from(OPTIMIZER_CLASSES).flatmap(
    lambda cls: st.tuples(st.just(cls), _constructor_args(cls))
)


def _two_steps(opt: Optimizer) -> None:
    phi, state = P3.copy(), opt.init(P3)
    for _ in range(2):
        phi, state = opt.step(phi, grad2x, state)


@JUNK_SETTINGS
@given(CONSTRUCTIONS)
@example((SGD, {"lr": 2**1024}))
@example((Momentum, {"lr": 0.1, "beta": -(2**1024)}))
@example((GradientDescent, {"lr": 0.1, "nonfinite": np.array(["raise", "skip"])}))
def test_junk_hyperparameters(construction: tuple[type[Optimizer], dict[str, object]]) -> None:
    cls, kwargs = construction

    def call() -> None:
        opt = cls(**bad(kwargs))
        _two_steps(opt)  # what the constructor accepted must work

    only_documented_errors(call)


OPTIMIZERS: list[Optimizer] = [
    GradientDescent(0.1),
    SGD(0.1, momentum=0.9, nesterov=True),
    SGD(0.1, momentum=0.5, dampening=0.1, weight_decay=0.1, maximize=True),
    Momentum(0.1),
    NesterovMomentum(0.1),
    NormalizedGradient(0.1),
    NormalizedGradient(0.1, norm="global"),
    Adagrad(0.1, lr_decay=0.1, initial_accumulator_value=0.1),
    RMSprop(0.01, centered=True, momentum=0.9),
    Adam(0.1, amsgrad=True),
    Adam(StepLR(0.1, 2), nonfinite="skip"),
    AdamW(0.1),
]
FOREIGN_STATES: list[State] = [
    SGD().init(P3),
    Adam().init(P2),
    Adam().init(np.zeros((3, 1))),
    AdamW().init(P3),
    RMSprop().init(P3),
    Adam().init(P3.astype(np.float32)),
]
OWN = object()  # stands for "the optimizer's own fresh state"
VALID_PHI = st.one_of(float_arrays(3), st.lists(st.floats(), min_size=3, max_size=3))
PHI = st.one_of(JUNK, VALID_PHI)
GRAD = st.one_of(JUNK, VALID_PHI, st.one_of(JUNK, VALID_PHI).map(const))
STATE = st.one_of(st.just(OWN), st.sampled_from(FOREIGN_STATES), JUNK)


@JUNK_SETTINGS
@given(st.sampled_from(OPTIMIZERS), JUNK)
@example(Adam(), [2**1024])
@example(Adam(), [np.complex128(1 + 1j)])
def test_junk_init(opt: Optimizer, phi: object) -> None:
    only_documented_errors(lambda: opt.init(bad(phi)))


@JUNK_SETTINGS
@given(st.sampled_from(OPTIMIZERS), PHI, GRAD, STATE)
@example(Adam(), P3, [2**1024, 0.0, 0.0], OWN)
@example(Adam(), P3, const([np.complex128(1j), 0.0, 0.0]), OWN)
def test_junk_step(opt: Optimizer, phi: object, grad: object, state: object) -> None:
    def call() -> None:
        own = opt.init(P3) if state is OWN else state
        opt.step(bad(phi), bad(grad), bad(own))

    only_documented_errors(call)


BUFFER_NAMES = st.sampled_from(["m", "v", "v_max", "b", "s", "g_bar", "x"])


@JUNK_SETTINGS
@given(
    st.sampled_from(OPTIMIZERS),
    st.one_of(st.integers(-3, 5), JUNK),
    st.one_of(
        st.dictionaries(BUFFER_NAMES, st.one_of(float_arrays(3), JUNK), max_size=3),
        JUNK,
    ),
)
@example(Adam(), 0, {"m": [0.0] * 3, "v": [0.0] * 3})
@example(Adam(), 0, None)
@example(Adam(), "0", {"m": np.zeros(3), "v": np.zeros(3)})
def test_junk_state_contents(opt: Optimizer, t: object, buffers: object) -> None:
    """A State is a public dataclass: one built by hand with junk inside is still bad input."""
    state = State(opt, bad(t), bad(buffers))
    only_documented_errors(lambda: opt.step(P3.copy(), grad2x, state))


# --- schedules ---

SCHEDULE_CLASSES: list[type[Any]] = [
    FixedLR,
    StepLR,
    MultiStepLR,
    ExponentialLR,
    CosineAnnealingLR,
    LinearLR,
    ConstantLR,
    SequentialLR,
    ReduceLROnPlateau,
]
PLAUSIBLE_SCHEDULE_ARGS = st.one_of(
    st.floats(0, 2),
    st.integers(0, 5),
    st.sampled_from(["min", "max", "rel", "abs"]),
    st.lists(st.integers(1, 20), max_size=3),
    st.lists(st.sampled_from([FixedLR(0.1), StepLR(0.1, 2), ReduceLROnPlateau(0.1)]), max_size=3),
)
SCHEDULE_ARG = st.one_of(JUNK, PLAUSIBLE_SCHEDULE_ARGS)
T = st.one_of(JUNK, st.integers(0, 10**6), HUGE_INTS)


def _schedule_args(cls: type[Any]) -> st.SearchStrategy[dict[str, object]]:
    params = inspect.signature(cls).parameters.values()
    required = {p.name: SCHEDULE_ARG for p in params if p.default is inspect.Parameter.empty}
    optional = {p.name: SCHEDULE_ARG for p in params if p.default is not inspect.Parameter.empty}
    return st.fixed_dictionaries(required, optional=optional)


SCHEDULE_CONSTRUCTIONS = st.sampled_from(SCHEDULE_CLASSES).flatmap(
    lambda cls: st.tuples(st.just(cls), _schedule_args(cls))
)


@JUNK_SETTINGS
@given(SCHEDULE_CONSTRUCTIONS, st.lists(T, min_size=1, max_size=3), JUNK)
@example((FixedLR, {"lr": 2**1024}), [0], None)
@example((ReduceLROnPlateau, {"lr": 0.1}), [0], 2**1024)
@example((ReduceLROnPlateau, {"lr": 0.1, "mode": np.array(["min", "max"])}), [0], 1.0)
def test_junk_schedules(
    construction: tuple[type[Any], dict[str, object]], ts: list[object], loss: object
) -> None:
    cls, kwargs = construction

    def call() -> None:
        schedule = cls(**kwargs)
        for t in ts:
            schedule(t)
        if isinstance(schedule, ReduceLROnPlateau):
            schedule.step(bad(loss))

    only_documented_errors(call)


@JUNK_SETTINGS
@given(
    st.sampled_from(
        [
            FixedLR(0.1),
            StepLR(0.1, 3, gamma=0.5),
            MultiStepLR(0.1, [2, 5]),
            ExponentialLR(0.1, 0.5),
            ExponentialLR(0.1, 1.5),
            CosineAnnealingLR(0.1, 10),
            LinearLR(0.1),
            ConstantLR(0.1),
            SequentialLR([LinearLR(0.1), CosineAnnealingLR(0.1, 5)], [3]),
            ReduceLROnPlateau(0.1),
        ]
    ),
    T,
)
@example(CosineAnnealingLR(0.1, 10), 2**1100)
@example(ExponentialLR(0.1, 0.5), 2**1100)
def test_junk_t(schedule: Callable[[int], float], t: object) -> None:
    """Valid schedules, any t: a number for every integer t >= 0, else a documented error."""
    only_documented_errors(lambda: schedule(bad(t)))


# --- minibatches ---

# Sizes stay small (a huge n really allocates a permutation of n), apart from a
# few far too large to allocate at all.
SIZE_JUNK = junk(st.integers(-3, 40))
RNG = st.one_of(
    SIZE_JUNK,
    st.sampled_from([None, 0, 12345]),
    st.integers(0, 2**32).map(np.random.default_rng),
    st.just(np.random.default_rng),  # the function instead of a generator
)


@JUNK_SETTINGS
@given(
    SIZE_JUNK,
    SIZE_JUNK,
    st.fixed_dictionaries(
        {},
        optional={
            "epochs": SIZE_JUNK,
            "rng": RNG,
            "reshuffle": st.one_of(st.booleans(), SIZE_JUNK),
            "drop_last": st.one_of(st.booleans(), SIZE_JUNK),
        },
    ),
)
@example(2**1024, 1, {})
@example(2**64, 1, {})
def test_junk_minibatches(n: object, batch_size: object, kwargs: dict[str, object]) -> None:
    def call() -> None:
        for _ in itertools.islice(minibatches(bad(n), bad(batch_size), **bad(kwargs)), 50):
            pass

    only_documented_errors(call)


# --- models and DataLoss ---

MODELS: list[Model] = [Linear(), Linear(reduction="mean"), Gabor(), Gabor(8.0), Logistic()]
DATA_ARRAY = st.one_of(
    JUNK,
    float_arrays(st.integers(0, 4).map(lambda n: (n,))),
    float_arrays(st.integers(1, 4).map(lambda n: (n,)), elements=st.floats(-3, 3)),
    float_arrays(3, elements=st.floats(0, 1)),
)
MODEL_PHI = st.one_of(
    JUNK, float_arrays(2), float_arrays(2, elements=st.floats(-10, 10)), st.lists(st.floats())
)


@JUNK_SETTINGS
@given(
    st.sampled_from(MODELS),
    st.sampled_from(["loss", "grad", "losses", "predict"]),
    MODEL_PHI,
    DATA_ARRAY,
    DATA_ARRAY,
)
@example(Linear(), "loss", [2**1024, 0.0], X3, Y3)
@example(Linear(), "grad", (1e300, True), X3, Y3)
def test_junk_model_calls(model: Model, method: str, phi: object, x: object, y: object) -> None:
    def call() -> None:
        if method == "predict":
            model.predict(bad(phi), bad(x))
        else:
            getattr(model, method)(phi, x, y)

    only_documented_errors(call)


FINITE = st.floats(allow_nan=False, allow_infinity=False)


@JUNK_SETTINGS
@given(
    st.sampled_from(MODELS),
    hnp.arrays(np.float64, 2, elements=FINITE),
    st.integers(1, 4).flatmap(
        lambda n: st.tuples(
            hnp.arrays(np.float64, n, elements=FINITE),
            hnp.arrays(np.float64, n, elements=st.floats(0, 1) | FINITE),
        )
    ),
)
@example(Linear(), np.array([1.0, 1.0]), (np.array([1e154]), np.array([0.0])))
@example(Logistic(), np.array([0.0, 1e300]), (np.array([1e300]), np.array([0.0])))
@example(Gabor(), np.array([1e300, 1.0]), (np.array([1.0]), np.array([0.0])))
def test_models_on_finite_data(model: Model, phi: Array, data: tuple[Array, Array]) -> None:
    """Valid shapes and finite numbers: a value or a documented error, never a RuntimeWarning."""
    x, y = data

    def call() -> None:
        model.loss(phi, x, y)
        model.grad(phi, x, y)
        model.predict(phi, x)

    only_documented_errors(call)


@JUNK_SETTINGS
@given(
    st.sampled_from([Linear, Gabor, Logistic]),
    st.fixed_dictionaries({}, optional={"reduction": st.one_of(JUNK, st.just("mean"))}),
    st.one_of(JUNK, st.floats(0.1, 50)),
)
@example(Gabor, {}, 5e-324)
@example(Linear, {"reduction": np.array(["sum", "mean"])}, 1.0)
def test_junk_model_constructors(
    cls: type[Model], kwargs: dict[str, object], envelope: object
) -> None:
    def call() -> None:
        model = cls(bad(envelope), **bad(kwargs)) if cls is Gabor else cls(**bad(kwargs))
        model.loss(P2, X3, Y3)

    only_documented_errors(call)


@JUNK_SETTINGS
@given(
    st.one_of(st.sampled_from(MODELS), JUNK),
    DATA_ARRAY,
    DATA_ARRAY,
    MODEL_PHI,
    st.one_of(JUNK, st.lists(st.integers(-2, 5), max_size=4)),
)
def test_junk_data_loss(model: object, x: object, y: object, phi: object, indices: object) -> None:
    def call() -> None:
        data = DataLoss(bad(model), bad(x), bad(y))
        data.loss(bad(phi))
        data.grad(bad(phi))
        data.subset(bad(indices)).loss(P2)

    only_documented_errors(call)


# --- checkpoints ---


@functools.cache
def _real_checkpoint() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "run.npz"
        checkpoint_of(Adam(lr=0.1))(path)
        return path.read_bytes()


PREFIXES = st.sampled_from([b"", b"PK\x03\x04", b"\x93NUMPY\x01\x00", b"\x80\x04", b"{"])


@st.composite
def damaged_checkpoints(draw: st.DrawFn) -> bytes:
    data = bytearray(_real_checkpoint())
    kind = draw(st.sampled_from(["truncate", "flip", "splice"]))
    at = draw(st.integers(0, len(data) - 1))
    if kind == "truncate":
        return bytes(data[:at])
    if kind == "flip":
        for i in draw(st.lists(st.integers(0, len(data) - 1), min_size=1, max_size=8)):
            data[i] ^= draw(st.integers(1, 255))
        return bytes(data)
    return bytes(data[:at]) + draw(st.binary(max_size=64)) + bytes(data[at:])


FILE_BYTES = st.one_of(
    st.binary(max_size=300),
    st.tuples(PREFIXES, st.binary(max_size=300)).map(lambda p: p[0] + p[1]),
    damaged_checkpoints(),
)


def _load_bytes(data: bytes, opt: Optimizer) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "run.npz"
        path.write_bytes(data)
        load_checkpoint(path, opt)


@JUNK_SETTINGS
@given(FILE_BYTES)
@example(b"")
@example(b"PK\x03\x04")
@example(b"\x93NUMPY\x01\x00")
@example(with_zip_flag(_real_checkpoint(), CENTRAL_FLAGS, 0x01))
@example(with_zip_flag(_real_checkpoint(), LOCAL_FLAGS, 0x20))
def test_junk_checkpoint_bytes(data: bytes) -> None:
    only_documented_errors(lambda: _load_bytes(data, Adam(lr=0.1)))


JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=5)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
HEADER_VALUE = st.one_of(
    JSON,
    st.sampled_from(["Adam", "SGD", ["m", "v"], ["m"], 0, 1, -1]),
    st.just(
        {
            "lr": 0.1,
            "nonfinite": "raise",
            "betas": [0.9, 0.999],
            "eps": 1e-08,
            "weight_decay": 0.0,
            "amsgrad": False,
            "maximize": False,
            "decoupled_weight_decay": False,
        }
    ),
)


@JUNK_SETTINGS
@given(
    st.fixed_dictionaries(
        {"format": st.just("descend-checkpoint"), "version": st.just(1)},
        optional={
            k: HEADER_VALUE for k in ["descend", "optimizer", "hyperparameters", "t", "buffers"]
        },
    ),
    st.dictionaries(
        st.sampled_from(["phi", "buffer.m", "buffer.v", "buffer.v_max", "other"]),
        st.one_of(float_arrays(3), float_arrays(SHAPES), hnp.arrays(DTYPES, SHAPES)),
        max_size=4,
    ),
)
@example({"format": "descend-checkpoint", "version": 1}, {"phi": P3})
@example(
    {"format": "descend-checkpoint", "version": 1, "optimizer": "Adam", "hyperparameters": [1]},
    {"phi": P3},
)
def test_junk_checkpoint_header(header: dict[str, object], arrays: dict[str, object]) -> None:
    def call() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "run.npz"
            np.savez(path, header=np.array(json.dumps(header)), **bad(arrays))
            load_checkpoint(path, Adam(lr=0.1))

    only_documented_errors(call)


@JUNK_SETTINGS
@given(st.one_of(JUNK, st.sampled_from(OPTIMIZERS)), st.one_of(JUNK, st.text(max_size=10)))
def test_junk_load_arguments(opt: object, path: object) -> None:
    # (only reads: a text path is looked up relative to the working directory)
    def call() -> None:
        load_checkpoint(bad(path), bad(opt))

    # a text that names no file: FileNotFoundError is the right answer
    only_documented_errors(call, FileNotFoundError)


@JUNK_SETTINGS
@given(PHI, st.one_of(STATE, st.sampled_from(FOREIGN_STATES)))
@example([2**1024, 0.0, 0.0], OWN)
@example(P3, State(Adam(), 0, bad({"m": [0.0] * 3, "v": [0.0] * 3})))
def test_junk_save_arguments(phi: object, state: object) -> None:
    def call() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / "run.npz"
            save_checkpoint(target, bad(phi), bad(Adam().init(P3) if state is OWN else state))
            load_checkpoint(target, Adam())

    only_documented_errors(call)
