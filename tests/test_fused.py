"""The compiled path (``fused=True``) computes exactly what the NumPy path computes.

Both run each optimizer's single ``update`` function; numba compiles it without
fastmath, so every result must be equal bit for bit, in float32 and float64,
in place and not. Tests that need numba are skipped when it is not installed.
"""

from __future__ import annotations

import inspect
import tracemalloc
import warnings
from typing import Any

import numpy as np
import pytest

import descend
from descend import _fused
from descend._base import Optimizer, _scalar_names
from descend.checkpoints import load_checkpoint, save_checkpoint

needs_numba = pytest.mark.skipif(not _fused.available(), reason="numba is not installed")

#: Every class, and every option that takes a different branch of its rule.
CONFIGS: list[tuple[type[Optimizer], dict[str, Any]]] = [
    (descend.GradientDescent, {"lr": 0.1}),
    (descend.SGD, {"lr": 0.1}),
    (descend.SGD, {"lr": 0.1, "momentum": 0.9, "dampening": 0.2, "weight_decay": 0.1}),
    (descend.SGD, {"lr": 0.1, "momentum": 0.9, "nesterov": True, "maximize": True}),
    (descend.Momentum, {"lr": 0.1, "beta": 0.8}),
    (descend.NesterovMomentum, {"lr": 0.1, "beta": 0.8}),
    (descend.NormalizedGradient, {"lr": 0.1}),
    (descend.NormalizedGradient, {"lr": 0.1, "norm": "global"}),
    (descend.Adagrad, {"lr": 0.1, "lr_decay": 0.01, "weight_decay": 0.1, "maximize": True}),
    (descend.RMSprop, {}),
    (descend.RMSprop, {"centered": True, "momentum": 0.9, "weight_decay": 0.1}),
    (descend.RMSprop, {"momentum": 0.5, "maximize": True}),
    (descend.Adam, {"lr": 0.01}),
    (descend.Adam, {"lr": 0.01, "amsgrad": True, "weight_decay": 0.1, "maximize": True}),
    (descend.Adam, {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    (descend.AdamW, {"lr": 0.01, "amsgrad": True}),
]
IDS = [f"{cls.__name__}-{'-'.join(map(str, kw.values())) or 'defaults'}" for cls, kw in CONFIGS]


def _run(opt: Optimizer, dtype: str, in_place: bool, steps: int = 12) -> tuple[Any, Any]:
    rng = np.random.default_rng(3)
    phi = rng.standard_normal((7, 13)).astype(dtype)
    targets = rng.standard_normal((7, 13)).astype(dtype)
    state = opt.init(phi)

    def grad(p: np.ndarray) -> np.ndarray:
        noise = rng.standard_normal(p.shape).astype(dtype)
        out: np.ndarray = (p - targets) * (1 + noise * noise) + noise
        return out

    for _ in range(steps):
        g = grad if opt.needs_callable else grad(phi)
        phi, state = opt.step(phi, g, state, out=phi if in_place else None)
    return phi, state


# --------------------------------------------------------------- structure, no numba needed


@pytest.mark.parametrize(("cls", "kwargs"), CONFIGS, ids=IDS)
def test_scalars_are_exactly_the_parameters_update_takes(
    cls: type[Optimizer], kwargs: dict[str, Any]
) -> None:
    opt = cls(**kwargs)
    assert set(opt.scalars(0.1, 3)) == set(_scalar_names(cls))
    params = list(inspect.signature(cls.update).parameters)
    assert params[:2] in (["phi", "g"], ["phi", "g_ahead"])
    assert tuple(params[2 : 2 + len(cls.slots)]) == cls.slots
    assert [n for n in cls.slots if n in opt.buffer_names] == list(opt.buffer_names)


def test_fused_must_be_a_bool_or_none() -> None:
    with pytest.raises(TypeError, match=r"fused must be True or False, got 'yes'"):
        descend.Adam(fused="yes")  # type: ignore[arg-type]


def test_fused_without_numba_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_fused, "available", lambda: False)
    # The README's words: numba itself, or the extra from a clone (".[fused]").
    with pytest.raises(ModuleNotFoundError, match=r"pip install numba .*pip install '\.\[fused\]'"):
        descend.Adam(fused=True)
    descend.Adam(fused=False)  # the NumPy path needs nothing


def test_fused_is_not_a_hyperparameter_so_checkpoints_move_between_paths(tmp_path: Any) -> None:
    opt = descend.Adam(lr=0.1)
    assert "fused" not in opt.hyperparameters()
    phi: np.ndarray = np.ones(4)
    phi, state = opt.step(phi, phi.copy(), opt.init(phi))
    save_checkpoint(tmp_path / "run.npz", phi, state)
    _, loaded = load_checkpoint(tmp_path / "run.npz", descend.Adam(lr=0.1, fused=False))
    assert loaded.t == 1


# --------------------------------------------------------------------------- with numba


@needs_numba
@pytest.mark.parametrize("in_place", [False, True], ids=["new-array", "out=phi"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(("cls", "kwargs"), CONFIGS, ids=IDS)
def test_fused_steps_equal_numpy_steps_bit_for_bit(
    cls: type[Optimizer], kwargs: dict[str, Any], dtype: str, in_place: bool
) -> None:
    phi_np, state_np = _run(cls(**kwargs), dtype, in_place)
    phi_c, state_c = _run(cls(**kwargs, fused=True), dtype, in_place)
    assert phi_c.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(phi_c, phi_np)
    assert state_c.t == state_np.t
    for name in state_np.buffers:
        np.testing.assert_array_equal(state_c[name], state_np[name])


@needs_numba
def test_fused_takes_non_contiguous_gradients_and_leaves_phi_alone() -> None:
    opt, ref = descend.Adam(lr=0.1, fused=True), descend.Adam(lr=0.1)
    phi = np.arange(12.0).reshape(3, 4)
    g = np.linspace(-1, 1, 12).reshape(4, 3).T  # a transposed view
    before = phi.copy()
    new, _ = opt.step(phi, g, opt.init(phi))
    np.testing.assert_array_equal(phi, before)
    np.testing.assert_array_equal(new, ref.step(phi, g, ref.init(phi))[0])


@needs_numba
def test_fused_in_place_step_allocates_no_array() -> None:
    opt = descend.Adam(fused=True)
    phi: np.ndarray = np.ones(100_000)
    g = np.full_like(phi, 0.5)
    state = opt.init(phi)
    opt.step(phi, g, state, out=phi)  # compiles
    tracemalloc.start()
    try:
        opt.step(phi, g, state, out=phi)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 < phi.nbytes  # bookkeeping only: no array-sized allocation


@needs_numba
@pytest.mark.parametrize("in_place", [False, True], ids=["new-array", "out=phi"])
def test_fused_nan_gradient_is_reported_like_the_numpy_path(in_place: bool) -> None:
    for fused in (False, True):
        opt = descend.Adam(fused=fused)
        phi = np.ones(10)
        g = np.ones(10)
        g[3] = np.nan
        with pytest.raises(descend.NonFiniteError, match=r"step 0 of Adam: the gradient has 1"):
            opt.step(phi, g, opt.init(phi), out=phi if in_place else None)


@needs_numba
def test_fused_overflow_blames_the_new_phi() -> None:
    opt = descend.GradientDescent(lr=1e308, fused=True)
    phi = np.ones(5)
    with pytest.raises(descend.NonFiniteError, match=r"the new phi has 5 non-finite entries"):
        opt.step(phi, np.full(5, -10.0), opt.init(phi), out=phi)


@needs_numba
def test_fused_skip_leaves_phi_and_state_as_they_were() -> None:
    opt = descend.Adam(fused=True, nonfinite="skip")
    phi: np.ndarray = np.ones(6)
    state = opt.init(phi)
    phi, state = opt.step(phi, np.full(6, 0.5), state, out=phi)
    saved_phi, saved = phi.copy(), state.copy()
    bad = np.full(6, 0.5)
    bad[0] = np.inf
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        phi, state = opt.step(phi, bad, state, out=phi)
    assert [w.category for w in caught] == [descend.NonFiniteWarning]
    np.testing.assert_array_equal(phi, saved_phi)
    assert state == saved


@needs_numba
@pytest.mark.parametrize(
    ("phi_dtype", "g_dtype", "message"),
    [
        ("float16", "float16", "phi is float16"),
        ("float64", "float32", "grad is float32 but phi is float64"),
    ],
)
def test_fused_refuses_dtypes_it_cannot_compile(phi_dtype: str, g_dtype: str, message: str) -> None:
    opt = descend.SGD(lr=0.1, fused=True)
    phi = np.ones(3, dtype=phi_dtype)
    with pytest.raises(TypeError, match=rf"fused=True runs float32 and float64.*{message}"):
        opt.step(phi, np.ones(3, dtype=g_dtype), opt.init(phi))
