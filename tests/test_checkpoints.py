"""Checkpoints lose nothing: bit-exact round trips, exact resumption, atomic saves."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

import descend
from descend import CheckpointError, load_checkpoint, save_checkpoint
from descend.schedules import CosineAnnealingLR

OPTIMIZERS: list[descend.Optimizer] = [
    descend.GradientDescent(lr=0.05),
    descend.SGD(lr=0.05),
    descend.SGD(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01),
    descend.SGD(lr=0.05, momentum=0.5, dampening=0.5),
    descend.Momentum(lr=0.05),
    descend.NesterovMomentum(lr=0.05, beta=0.8),
    descend.NormalizedGradient(lr=0.01),
    descend.NormalizedGradient(lr=0.01, norm="global"),
    descend.RMSprop(lr=0.01, centered=True, momentum=0.5, weight_decay=0.1),
    descend.Adagrad(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1),
    descend.Adam(lr=0.05, amsgrad=True, weight_decay=0.1),
    descend.Adam(lr=CosineAnnealingLR(0.05, T_max=20)),
    descend.AdamW(lr=0.05),
]
IDS = [repr(o) for o in OPTIMIZERS]


def grad(phi: np.ndarray) -> np.ndarray:
    g: np.ndarray = np.sin(3 * phi) + phi**3 - 0.5
    return g


def _run(
    opt: descend.Optimizer, phi: np.ndarray, state: descend.State, steps: int
) -> tuple[np.ndarray, descend.State]:
    for _ in range(steps):
        phi, state = opt.step(phi, grad, state)
    return phi, state


@pytest.mark.parametrize("opt", OPTIMIZERS, ids=IDS)
def test_resuming_from_a_checkpoint_gives_the_uninterrupted_run_bit_for_bit(
    opt: descend.Optimizer, tmp_path: Path
) -> None:
    phi0 = np.linspace(-1.0, 1.0, 12).reshape(3, 4)
    straight = _run(opt, phi0, opt.init(phi0), 30)

    half = _run(opt, phi0, opt.init(phi0), 13)
    save_checkpoint(tmp_path / "ckpt.npz", *half)
    phi, state = load_checkpoint(tmp_path / "ckpt.npz", opt)
    resumed = _run(opt, phi, state, 17)

    assert np.array_equal(resumed[0], straight[0])
    assert resumed[1] == straight[1]
    assert resumed[1].t == 30


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
def test_round_trip_is_bit_exact_for_every_float_dtype(dtype: type, tmp_path: Path) -> None:
    opt = descend.Adam(lr=0.1)
    rng = np.random.default_rng(0)
    phi: np.ndarray = rng.standard_normal((5, 2)).astype(dtype)
    phi, state = opt.step(phi, rng.standard_normal((5, 2)).astype(dtype), opt.init(phi))
    save_checkpoint(tmp_path / "c.npz", phi, state)
    phi2, state2 = load_checkpoint(tmp_path / "c.npz", opt)
    assert phi2.dtype == dtype
    assert phi2.tobytes() == phi.tobytes()
    assert all(state2[k].tobytes() == state[k].tobytes() for k in state.buffers)
    assert state2.t == state.t


def test_checkpoints_are_plain_npz_readable_without_pickle(tmp_path: Path) -> None:
    opt = descend.SGD(lr=0.1, momentum=0.9)
    phi: np.ndarray = np.ones(3)
    phi, state = opt.step(phi, phi, opt.init(phi))
    save_checkpoint(tmp_path / "c.npz", phi, state)
    with np.load(tmp_path / "c.npz", allow_pickle=False) as npz:
        assert set(npz.files) == {"phi", "buffer.b", "header"}
        assert '"optimizer": "SGD"' in str(npz["header"])


def test_a_failed_save_keeps_the_previous_checkpoint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opt = descend.Adam(lr=0.1)
    phi = np.ones(4)
    state = opt.init(phi)
    path = tmp_path / "c.npz"
    save_checkpoint(path, phi, state)
    before = path.read_bytes()

    def fail_midway(file: object, **arrays: object) -> None:
        os.write(file.fileno(), b"PK\x03\x04 half a zip")  # type: ignore[attr-defined]
        raise OSError("No space left on device")

    monkeypatch.setattr(np, "savez", fail_midway)
    with pytest.raises(OSError, match="No space left"):
        save_checkpoint(path, phi + 1, state)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["c.npz"]  # no temporary file left behind


def test_a_truncated_checkpoint_is_refused_clearly(tmp_path: Path) -> None:
    opt = descend.Adam(lr=0.1)
    phi = np.ones(100)
    path = tmp_path / "c.npz"
    save_checkpoint(path, phi, opt.init(phi))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CheckpointError, match="not a readable descend checkpoint"):
        load_checkpoint(path, opt)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not a readable descend checkpoint"),
        (b"phi,state\n1,2\n", "not a readable descend checkpoint"),
    ],
)
def test_a_file_of_the_wrong_kind_is_refused(content: bytes, message: str, tmp_path: Path) -> None:
    path = tmp_path / "c.npz"
    path.write_bytes(content)
    with pytest.raises(CheckpointError, match=message):
        load_checkpoint(path, descend.Adam())


def test_a_plain_npy_array_is_refused(tmp_path: Path) -> None:
    np.save(tmp_path / "array.npy", np.ones(3))
    with pytest.raises(CheckpointError, match="single array"):
        load_checkpoint(tmp_path / "array.npy", descend.Adam())


def test_an_npz_that_is_not_a_checkpoint_is_refused(tmp_path: Path) -> None:
    np.savez(tmp_path / "other.npz", x=np.ones(3))
    with pytest.raises(CheckpointError, match="not a descend checkpoint"):
        load_checkpoint(tmp_path / "other.npz", descend.Adam())


def test_a_checkpoint_for_another_optimizer_or_configuration_is_refused(tmp_path: Path) -> None:
    phi = np.ones(3)
    sgd = descend.SGD(lr=0.1, momentum=0.9)
    save_checkpoint(tmp_path / "sgd.npz", phi, sgd.init(phi))
    with pytest.raises(CheckpointError, match="state of SGD, not Adam"):
        load_checkpoint(tmp_path / "sgd.npz", descend.Adam())
    with pytest.raises(CheckpointError, match=r"lr: saved 0\.1, given 0\.01"):
        load_checkpoint(tmp_path / "sgd.npz", descend.SGD(lr=0.01, momentum=0.9))
    adam = descend.Adam(lr=0.1)
    save_checkpoint(tmp_path / "adam.npz", phi, adam.init(phi))
    with pytest.raises(CheckpointError, match="amsgrad: saved False, given True"):
        load_checkpoint(tmp_path / "adam.npz", descend.Adam(lr=0.1, amsgrad=True))


def test_a_checkpoint_from_a_newer_format_is_refused(tmp_path: Path) -> None:
    opt = descend.SGD(lr=0.1)
    save_checkpoint(tmp_path / "c.npz", np.ones(2), opt.init(np.ones(2)))
    with np.load(tmp_path / "c.npz") as npz:
        arrays = {k: npz[k] for k in npz.files}
    arrays["header"] = np.array(str(arrays["header"]).replace('"version": 1', '"version": 99'))
    np.savez(tmp_path / "c.npz", **arrays)
    with pytest.raises(CheckpointError, match="format version 99"):
        load_checkpoint(tmp_path / "c.npz", opt)


# --- non-finite values --------------------------------------------------------------------


def test_a_nan_gradient_is_caught_at_the_step_where_it_appears() -> None:
    opt = descend.Adam(lr=0.1)
    phi = np.ones(4)
    state = opt.init(phi)
    phi, state = _run(opt, phi, state, 3)
    bad = np.array([1.0, np.nan, np.inf, 1.0])
    with pytest.raises(descend.NonFiniteError, match=r"step 3 of Adam: the gradient has 2 non"):
        opt.step(phi, bad, state)


def test_an_overflowing_step_is_caught_before_it_spreads() -> None:
    opt = descend.SGD(lr=1e300)
    phi = np.ones(3)
    with pytest.raises(descend.NonFiniteError, match=r"the new phi has 3 non-finite entries"):
        opt.step(phi, np.full(3, 1e10), opt.init(phi))


def test_an_overflow_in_place_is_blamed_on_the_new_phi_not_on_phi() -> None:
    opt = descend.SGD(lr=1e300)
    phi = np.ones(3)
    with pytest.raises(descend.NonFiniteError, match=r"step 0 of SGD: the new phi has 3 non"):
        opt.step(phi, np.full(3, 1e10), opt.init(phi), out=phi)


def test_skip_policy_leaves_phi_and_state_unchanged_and_warns() -> None:
    opt = descend.Momentum(lr=0.1, nonfinite="skip")
    phi = np.ones(2)
    state = opt.step(phi, np.ones(2), opt.init(phi))[1]
    with pytest.warns(descend.NonFiniteWarning, match="step 1 of Momentum.*step skipped"):
        new_phi, new_state = opt.step(phi, np.array([np.nan, 1.0]), state)
    assert np.array_equal(new_phi, phi)
    assert new_state == state
    after, _ = opt.step(phi, np.ones(2), state)
    assert not np.array_equal(after, phi)


def test_the_nesterov_lookahead_is_recorded_and_must_match(tmp_path: Path) -> None:
    slide = descend.NesterovMomentum(lr=0.1, beta=0.5, lookahead="slide")
    phi = np.ones(3)
    save_checkpoint(tmp_path / "c.npz", phi, slide.init(phi))
    load_checkpoint(tmp_path / "c.npz", slide)
    with pytest.raises(CheckpointError, match="lookahead: saved 'slide', given 'momentum'"):
        load_checkpoint(tmp_path / "c.npz", descend.NesterovMomentum(lr=0.1, beta=0.5))


def test_a_checkpoint_written_before_lookahead_existed_loads_with_its_default(
    tmp_path: Path,
) -> None:
    opt = descend.NesterovMomentum(lr=0.1, beta=0.5)
    phi = np.ones(3)
    save_checkpoint(tmp_path / "c.npz", phi, opt.init(phi))
    with np.load(tmp_path / "c.npz") as npz:
        arrays = {k: npz[k] for k in npz.files}
    old = str(arrays["header"]).replace(', "lookahead": "momentum"', "")
    assert "lookahead" not in old
    arrays["header"] = np.array(old)
    np.savez(tmp_path / "old.npz", **arrays)
    load_checkpoint(tmp_path / "old.npz", opt)
    with pytest.raises(CheckpointError, match="lookahead: saved 'momentum', given 'slide'"):
        load_checkpoint(tmp_path / "old.npz", descend.NesterovMomentum(0.1, 0.5, "slide"))
