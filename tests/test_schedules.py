"""Tests for descend.schedules: torch goldens, unit tests, bad arguments, laws."""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from descend import schedules
from descend.schedules import (
    ConstantLR,
    CosineAnnealingLR,
    ExponentialLR,
    FixedLR,
    LinearLR,
    MultiStepLR,
    ReduceLROnPlateau,
    Schedule,
    SequentialLR,
    StepLR,
    as_schedule,
)

# --- golden sequences from torch (scripts/golden_schedules.py) ---------------

GOLDEN = Path(__file__).resolve().parent / "golden"
META: dict[str, Any] = json.loads((GOLDEN / "schedules.json").read_text())
CASES: dict[str, dict[str, Any]] = META["cases"]
with np.load(GOLDEN / "schedules.npz") as _npz:
    ARRAYS = {key: _npz[key] for key in _npz.files}


def build(spec: dict[str, Any]) -> Any:
    """Construct the descend schedule described by a golden case."""
    kwargs = dict(spec["kwargs"])
    if spec["class"] == "SequentialLR":
        kwargs["schedules"] = [build(sub) for sub in kwargs["schedules"]]
    return getattr(schedules, spec["class"])(**kwargs)


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_torch_golden_sequence(name: str) -> None:
    case, expected = CASES[name], ARRAYS[name]
    schedule = build(case)
    if case["class"] == "ReduceLROnPlateau":
        losses = ARRAYS[f"loss__{case['losses']}"]
        got = [schedule(0)] + [schedule.step(float(loss)) for loss in losses]
    else:
        got = [schedule(t) for t in range(len(expected))]
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=0)


def test_goldens_cover_every_schedule_class() -> None:
    covered = {case["class"] for case in CASES.values()}
    assert covered == set(schedules.__all__) - {"Schedule", "as_schedule"}
    assert all(len(ARRAYS[name]) == META["n_steps"] + 1 for name in CASES)


# --- unit tests -------------------------------------------------------------


def test_fixed_lr_is_the_same_at_every_step() -> None:
    s = FixedLR(0.3)
    assert [s(t) for t in (0, 1, 10, 10**9)] == [0.3] * 4


def test_step_lr_drops_by_gamma_every_step_size_steps() -> None:
    s = StepLR(1.0, step_size=3, gamma=0.5)
    assert [s(t) for t in range(9)] == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25]


def test_multistep_lr_drops_by_gamma_at_each_milestone() -> None:
    s = MultiStepLR(1.0, milestones=[2, 5], gamma=0.1)
    assert [s(t) for t in (0, 1, 2, 4, 5, 100)] == pytest.approx([1, 1, 0.1, 0.1, 0.01, 0.01])


def test_multistep_lr_without_milestones_is_constant() -> None:
    assert MultiStepLR(0.2, milestones=[])(50) == 0.2


def test_exponential_lr_multiplies_by_gamma_each_step() -> None:
    s = ExponentialLR(2.0, gamma=0.5)
    assert [s(t) for t in range(4)] == [2.0, 1.0, 0.5, 0.25]


def test_cosine_reaches_eta_min_at_t_max_and_lr_again_at_twice_t_max() -> None:
    s = CosineAnnealingLR(1.0, T_max=10, eta_min=0.1)
    assert s(0) == 1.0
    assert s(5) == pytest.approx(0.55)
    assert s(10) == pytest.approx(0.1)
    assert s(15) == pytest.approx(0.55)  # like torch, it keeps going past T_max
    assert s(20) == pytest.approx(1.0)


def test_linear_lr_warms_up_from_start_factor_to_end_factor() -> None:
    s = LinearLR(1.0, start_factor=0.2, end_factor=1.0, total_iters=4)
    assert [s(t) for t in range(7)] == pytest.approx([0.2, 0.4, 0.6, 0.8, 1.0, 1.0, 1.0])


def test_linear_lr_can_decay_to_zero() -> None:
    s = LinearLR(0.5, start_factor=1.0, end_factor=0.0, total_iters=5)
    assert s(5) == 0.0
    assert s(6) == 0.0


def test_linear_lr_defaults_match_torch() -> None:
    s = LinearLR(0.3)
    assert (s.start_factor, s.end_factor, s.total_iters) == (1 / 3, 1.0, 5)
    assert s(0) == pytest.approx(0.1)


def test_constant_lr_switches_back_to_lr_at_total_iters() -> None:
    s = ConstantLR(1.0, factor=0.25, total_iters=3)
    assert [s(t) for t in range(5)] == [0.25, 0.25, 0.25, 1.0, 1.0]


def test_sequential_lr_restarts_next_schedule_from_zero_at_milestone() -> None:
    first, second = ConstantLR(1.0, factor=0.5, total_iters=100), ExponentialLR(1.0, gamma=0.5)
    s = SequentialLR([first, second], milestones=[3])
    assert [s(t) for t in range(6)] == [0.5, 0.5, 0.5, 1.0, 0.5, 0.25]


def test_sequential_lr_picks_the_schedule_of_each_phase() -> None:
    phases = [FixedLR(1.0), FixedLR(2.0), FixedLR(3.0)]
    s = SequentialLR(phases, milestones=[2, 4])
    assert [s(t) for t in range(6)] == [1.0, 1.0, 2.0, 2.0, 3.0, 3.0]


def test_sequential_lr_with_one_schedule_is_that_schedule() -> None:
    inner = StepLR(0.1, step_size=2)
    s = SequentialLR([inner], milestones=[])
    assert [s(t) for t in range(10)] == [inner(t) for t in range(10)]


def test_sequential_lr_accepts_plain_functions_and_nests() -> None:
    inner = SequentialLR([lambda t: 1.0, lambda t: 2.0 + t], milestones=[1])
    s = SequentialLR([FixedLR(0.0), inner], milestones=[2])
    assert [s(t) for t in range(6)] == [0.0, 0.0, 1.0, 2.0, 3.0, 4.0]


def test_plateau_reduces_after_more_than_patience_bad_epochs() -> None:
    s = ReduceLROnPlateau(1.0, factor=0.5, patience=2)
    lrs = [s.step(loss) for loss in [5.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0]]
    assert lrs == [1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25]
    assert s.best == 4.0
    assert s.last_epoch == 8


def test_plateau_counts_improvements_smaller_than_threshold_as_bad() -> None:
    rel = ReduceLROnPlateau(1.0, patience=0, threshold=0.1)
    assert [rel.step(loss) for loss in [1.0, 0.95]] == [1.0, pytest.approx(0.1)]
    absolute = ReduceLROnPlateau(1.0, patience=0, threshold=0.01, threshold_mode="abs")
    assert [absolute.step(loss) for loss in [1.0, 0.95]] == [1.0, 1.0]


def test_plateau_cooldown_ignores_bad_epochs_after_a_reduction() -> None:
    s = ReduceLROnPlateau(1.0, factor=0.5, patience=0, cooldown=2)
    lrs = [s.step(1.0) for _ in range(7)]
    assert lrs == [1.0, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25]


def test_plateau_never_goes_below_min_lr() -> None:
    s = ReduceLROnPlateau(1.0, factor=0.1, patience=0, min_lr=0.05)
    lrs = [s.step(1.0) for _ in range(5)]
    assert lrs == [1.0, 0.1, 0.05, 0.05, 0.05]


def test_plateau_skips_reductions_no_larger_than_eps() -> None:
    s = ReduceLROnPlateau(1e-3, factor=0.5, patience=0, eps=3e-4)
    lrs = [s.step(1.0) for _ in range(5)]
    assert lrs == [1e-3, 5e-4, 5e-4, 5e-4, 5e-4]


def test_plateau_max_mode_waits_for_increases() -> None:
    s = ReduceLROnPlateau(1.0, mode="max", factor=0.5, patience=1)
    lrs = [s.step(acc) for acc in [0.1, 0.2, 0.3, 0.3, 0.3, 0.4]]
    assert lrs == [1.0, 1.0, 1.0, 1.0, 0.5, 0.5]
    assert s.best == 0.4


def test_plateau_call_ignores_t_and_returns_current_lr() -> None:
    s = ReduceLROnPlateau(1.0, factor=0.5, patience=0)
    s.step(1.0)
    s.step(1.0)
    assert s(0) == s(12345) == s.lr == 0.5


def test_plateau_reset_restores_the_initial_state() -> None:
    s = ReduceLROnPlateau(1.0, factor=0.5, patience=0, cooldown=3)
    first = [s.step(1.0) for _ in range(6)]
    s.reset()
    assert (s.lr, s.best, s.num_bad_epochs, s.cooldown_counter, s.last_epoch) == (
        1.0,
        math.inf,
        0,
        0,
        0,
    )
    assert [s.step(1.0) for _ in range(6)] == first


@pytest.mark.parametrize("loss", [math.nan, math.inf, -math.inf])
def test_plateau_rejects_non_finite_loss(loss: float) -> None:
    s = ReduceLROnPlateau(1.0)
    with pytest.raises(ValueError, match=r"loss must be finite"):
        s.step(loss)
    assert s.last_epoch == 0


def test_plateau_rejects_non_numeric_loss() -> None:
    with pytest.raises(TypeError, match=r"loss must be a real number"):
        ReduceLROnPlateau(1.0).step("0.5")  # type: ignore[arg-type]


def test_as_schedule_wraps_numbers_in_fixed_lr() -> None:
    assert as_schedule(0.1) == FixedLR(0.1)
    assert as_schedule(1) == FixedLR(1.0)
    assert as_schedule(np.float64(0.5))(7) == 0.5


def test_as_schedule_passes_schedules_and_functions_through() -> None:
    s = CosineAnnealingLR(0.1, T_max=5)
    assert as_schedule(s) is s

    def halving(t: int) -> float:
        return 0.5**t

    assert as_schedule(halving) is halving


@pytest.mark.parametrize(
    ("value", "error", "match"),
    [
        (-0.1, ValueError, r"lr must be >= 0"),
        (math.nan, ValueError, r"lr must be finite"),
        (True, TypeError, r"lr must be a real number"),
        ("0.1", TypeError, r"lr must be a real number"),
    ],
)
def test_as_schedule_rejects_bad_numbers(value: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        as_schedule(value)


EXAMPLES: list[Any] = [
    FixedLR(0.1),
    StepLR(0.1, step_size=3),
    MultiStepLR(0.1, milestones=[2, 4]),
    ExponentialLR(0.1, gamma=0.9),
    CosineAnnealingLR(0.1, T_max=10),
    LinearLR(0.1),
    ConstantLR(0.1),
    SequentialLR([LinearLR(0.1), CosineAnnealingLR(0.1, T_max=10)], milestones=[5]),
]


@pytest.mark.parametrize("schedule", [*EXAMPLES, ReduceLROnPlateau(0.1)], ids=repr)
def test_every_schedule_is_a_schedule_returning_python_floats(schedule: Any) -> None:
    assert isinstance(schedule, Schedule)
    assert all(type(schedule(t)) is float for t in range(12))
    numpy_int: Any = np.int64(3)
    assert schedule(numpy_int) == schedule(3)


@pytest.mark.parametrize("schedule", [*EXAMPLES, ReduceLROnPlateau(0.1)], ids=repr)
def test_every_schedule_rejects_negative_or_fractional_t(schedule: Any) -> None:
    with pytest.raises(ValueError, match=r"t must be an integer >= 0, got -1"):
        schedule(-1)
    with pytest.raises(TypeError, match=r"t must be an integer"):
        schedule(1.0)


@pytest.mark.parametrize("schedule", EXAMPLES, ids=repr)
def test_schedules_are_frozen_equal_by_value_and_hashable(schedule: Any) -> None:
    twin = dataclasses.replace(schedule)
    assert twin == schedule
    assert hash(twin) == hash(schedule)
    field = dataclasses.fields(schedule)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(schedule, field, 1.0)


def test_sequences_are_stored_as_tuples() -> None:
    s = MultiStepLR(0.1, milestones=[1, 2])
    assert s.milestones == (1, 2)
    seq = SequentialLR([FixedLR(1.0)], milestones=[])
    assert seq.schedules == (FixedLR(1.0),)


def test_arguments_are_normalised_to_floats() -> None:
    numpy_int: Any = np.int64(2)
    s = StepLR(1, step_size=numpy_int, gamma=np.float64(0.5))
    assert type(s.lr) is float
    assert type(s.step_size) is int
    assert type(s.gamma) is float


# --- bad arguments ------------------------------------------------------------

BAD_ARGUMENTS: list[tuple[Callable[..., object], dict[str, Any], type[Exception], str]] = [
    (FixedLR, {"lr": -0.1}, ValueError, r"lr must be >= 0\.0, got -0\.1"),
    (FixedLR, {"lr": math.nan}, ValueError, r"lr must be finite, got nan"),
    (FixedLR, {"lr": math.inf}, ValueError, r"lr must be finite, got inf"),
    (FixedLR, {"lr": "0.1"}, TypeError, r"lr must be a real number, got '0\.1'"),
    (FixedLR, {"lr": True}, TypeError, r"lr must be a real number, got True"),
    (StepLR, {"lr": 0.1, "step_size": 0}, ValueError, r"step_size must be an integer >= 1, got 0"),
    (StepLR, {"lr": 0.1, "step_size": 2.5}, TypeError, r"step_size must be an integer, got 2\.5"),
    (StepLR, {"lr": 0.1, "step_size": 5, "gamma": 0.0}, ValueError, r"gamma must be > 0, got 0"),
    (StepLR, {"lr": -1.0, "step_size": 5}, ValueError, r"lr must be >= 0"),
    (MultiStepLR, {"lr": 0.1, "milestones": [30, 10]}, ValueError, r"milestones must be strictly"),
    (MultiStepLR, {"lr": 0.1, "milestones": [10, 10]}, ValueError, r"milestones must be strictly"),
    (
        MultiStepLR,
        {"lr": 0.1, "milestones": [0, 10]},
        ValueError,
        r"milestones\[0\] must be .* >= 1",
    ),
    (
        MultiStepLR,
        {"lr": 0.1, "milestones": [5, 7.5]},
        TypeError,
        r"milestones\[1\] must be an int",
    ),
    (MultiStepLR, {"lr": 0.1, "milestones": [5], "gamma": -0.1}, ValueError, r"gamma must be > 0"),
    (ExponentialLR, {"lr": 0.1, "gamma": 0.0}, ValueError, r"gamma must be > 0, got 0\.0"),
    (ExponentialLR, {"lr": 0.1, "gamma": math.nan}, ValueError, r"gamma must be finite"),
    (
        CosineAnnealingLR,
        {"lr": 0.1, "T_max": 0},
        ValueError,
        r"T_max must be an integer >= 1, got 0",
    ),
    (CosineAnnealingLR, {"lr": 0.1, "T_max": -5}, ValueError, r"T_max must be an integer >= 1"),
    (CosineAnnealingLR, {"lr": 0.1, "T_max": 10.0}, TypeError, r"T_max must be an integer"),
    (
        CosineAnnealingLR,
        {"lr": 0.1, "T_max": 5, "eta_min": -1e-3},
        ValueError,
        r"eta_min must be >=",
    ),
    (LinearLR, {"lr": 0.1, "start_factor": 0.0}, ValueError, r"start_factor must be in \(0, 1\]"),
    (LinearLR, {"lr": 0.1, "start_factor": 1.5}, ValueError, r"start_factor must be in \(0, 1\]"),
    (LinearLR, {"lr": 0.1, "end_factor": -0.1}, ValueError, r"end_factor must be in \[0, 1\]"),
    (LinearLR, {"lr": 0.1, "end_factor": 2.0}, ValueError, r"end_factor must be in \[0, 1\]"),
    (LinearLR, {"lr": 0.1, "total_iters": 0}, ValueError, r"total_iters must be an integer >= 1"),
    (ConstantLR, {"lr": 0.1, "factor": 0.0}, ValueError, r"factor must be in \(0, 1\], got 0\.0"),
    (ConstantLR, {"lr": 0.1, "factor": 1.5}, ValueError, r"factor must be in \(0, 1\], got 1\.5"),
    (ConstantLR, {"lr": 0.1, "total_iters": 0}, ValueError, r"total_iters must be an integer >= 1"),
    (
        SequentialLR,
        {"schedules": [], "milestones": []},
        ValueError,
        r"schedules must hold at least",
    ),
    (
        SequentialLR,
        {"schedules": [FixedLR(0.1), FixedLR(0.2)], "milestones": []},
        ValueError,
        r"milestones must have len\(schedules\) - 1 = 1 entries, got \[\]",
    ),
    (
        SequentialLR,
        {"schedules": [FixedLR(0.1)] * 3, "milestones": [5, 3]},
        ValueError,
        r"milestones must be strictly increasing, got \[5, 3\]",
    ),
    (SequentialLR, {"schedules": [0.1], "milestones": []}, TypeError, r"schedules\[0\] must be"),
    (
        SequentialLR,
        {"schedules": [FixedLR(0.1), ReduceLROnPlateau(0.1)], "milestones": [3]},
        TypeError,
        r"schedules\[1\] must be a schedule t -> lr \(not ReduceLROnPlateau\)",
    ),
    (ReduceLROnPlateau, {"lr": -0.1}, ValueError, r"lr must be >= 0"),
    (ReduceLROnPlateau, {"lr": 0.1, "mode": "median"}, ValueError, r"mode must be one of"),
    (ReduceLROnPlateau, {"lr": 0.1, "factor": 1.0}, ValueError, r"factor must be in \(0, 1\)"),
    (ReduceLROnPlateau, {"lr": 0.1, "factor": 0.0}, ValueError, r"factor must be in \(0, 1\)"),
    (ReduceLROnPlateau, {"lr": 0.1, "patience": -1}, ValueError, r"patience must be an integer >="),
    (ReduceLROnPlateau, {"lr": 0.1, "patience": 2.0}, TypeError, r"patience must be an integer"),
    (ReduceLROnPlateau, {"lr": 0.1, "threshold": -1e-4}, ValueError, r"threshold must be in \[0"),
    (
        ReduceLROnPlateau,
        {"lr": 0.1, "threshold": 1.0},
        ValueError,
        r"threshold must be in \[0, 1\)",
    ),
    (
        ReduceLROnPlateau,
        {"lr": 0.1, "threshold": -1.0, "threshold_mode": "abs"},
        ValueError,
        r"threshold must be >= 0",
    ),
    (
        ReduceLROnPlateau,
        {"lr": 0.1, "threshold_mode": "relative"},
        ValueError,
        r"threshold_mode must be one of \('rel', 'abs'\), got 'relative'",
    ),
    (ReduceLROnPlateau, {"lr": 0.1, "cooldown": -1}, ValueError, r"cooldown must be an integer >="),
    (ReduceLROnPlateau, {"lr": 0.1, "min_lr": -1.0}, ValueError, r"min_lr must be >= 0"),
    (ReduceLROnPlateau, {"lr": 0.1, "eps": -1e-8}, ValueError, r"eps must be >= 0"),
]


@pytest.mark.parametrize(
    ("factory", "kwargs", "error", "match"),
    BAD_ARGUMENTS,
    ids=[f"{f.__name__}-{'-'.join(map(str, kw.values()))}" for f, kw, _, _ in BAD_ARGUMENTS],
)
def test_bad_argument_is_refused_with_a_message_naming_it(
    factory: Callable[..., object], kwargs: dict[str, Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        factory(**kwargs)


# --- laws (hypothesis) ----------------------------------------------------------

lrs = st.floats(min_value=0.0, max_value=10.0)
decays = st.floats(min_value=1e-3, max_value=1.0)
steps = st.integers(min_value=0, max_value=2000)
fractions = st.floats(min_value=1e-3, max_value=1.0)

pure_schedules = st.one_of(
    st.builds(FixedLR, lrs),
    st.builds(StepLR, lrs, st.integers(1, 50), st.floats(min_value=0.01, max_value=1.0)),
    st.builds(MultiStepLR, lrs, st.lists(st.integers(1, 500), unique=True).map(sorted), decays),
    st.builds(ExponentialLR, lrs, decays),
    st.builds(CosineAnnealingLR, lrs, st.integers(1, 300), st.floats(0.0, 1.0)),
    st.builds(LinearLR, lrs, fractions, st.floats(0.0, 1.0), st.integers(1, 100)),
    st.builds(ConstantLR, lrs, fractions, st.integers(1, 100)),
)


@given(lr=lrs, step_size=st.integers(1, 50), gamma=decays, t=steps)
def test_step_lr_never_increases_when_gamma_at_most_one(
    lr: float, step_size: int, gamma: float, t: int
) -> None:
    s = StepLR(lr, step_size, gamma)
    assert s(t + 1) <= s(t) <= lr


@given(lr=lrs, gamma=decays, t=steps)
def test_exponential_lr_never_increases_when_gamma_at_most_one(
    lr: float, gamma: float, t: int
) -> None:
    s = ExponentialLR(lr, gamma)
    assert s(t + 1) <= s(t) <= lr


@given(
    lr=lrs, milestones=st.lists(st.integers(1, 500), unique=True).map(sorted), gamma=decays, t=steps
)
def test_multistep_lr_never_increases_and_falls_gamma_per_milestone_passed(
    lr: float, milestones: list[int], gamma: float, t: int
) -> None:
    s = MultiStepLR(lr, milestones, gamma)
    assert s(t + 1) <= s(t)
    assert s(t) == lr * gamma ** sum(m <= t for m in milestones)


@given(lr=lrs, eta_fraction=st.floats(0.0, 1.0), T_max=st.integers(1, 300), t=steps)
def test_cosine_stays_between_eta_min_and_lr(
    lr: float, eta_fraction: float, T_max: int, t: int
) -> None:
    eta_min = lr * eta_fraction
    value = CosineAnnealingLR(lr, T_max, eta_min)(t)
    assert eta_min * (1 - 1e-12) <= value <= lr * (1 + 1e-12)


@given(lr=lrs, eta_min=st.floats(0.0, 10.0), T_max=st.integers(1, 300), t=steps)
def test_cosine_has_period_two_t_max_and_is_symmetric_about_t_max(
    lr: float, eta_min: float, T_max: int, t: int
) -> None:
    s = CosineAnnealingLR(lr, T_max, eta_min)
    scale = max(lr, eta_min)
    assert math.isclose(s(t + 2 * T_max), s(t), rel_tol=1e-9, abs_tol=1e-12 * scale)
    k = t % (T_max + 1)
    assert math.isclose(s(T_max - k), s(T_max + k), rel_tol=1e-9, abs_tol=1e-12 * scale)


@given(
    lr=lrs,
    start=fractions,
    end=st.floats(0.0, 1.0),
    total_iters=st.integers(1, 100),
    extra=st.integers(0, 1000),
)
def test_linear_lr_reaches_lr_times_end_factor_at_total_iters_and_stays(
    lr: float, start: float, end: float, total_iters: int, extra: int
) -> None:
    s = LinearLR(lr, start, end, total_iters)
    assert s(0) == pytest.approx(lr * start, rel=1e-12, abs=1e-300)
    assert s(total_iters + extra) == s(total_iters)
    assert s(total_iters) == pytest.approx(lr * end, rel=1e-12, abs=1e-15 * lr)


@given(lr=lrs, start=fractions, total_iters=st.integers(1, 100), t=steps)
def test_linear_warm_up_never_decreases(lr: float, start: float, total_iters: int, t: int) -> None:
    s = LinearLR(lr, start_factor=start, end_factor=1.0, total_iters=total_iters)
    assert s(t) <= s(t + 1) * (1 + 1e-15)


@given(lr=lrs, factor=fractions, total_iters=st.integers(1, 100), t=steps)
def test_constant_lr_is_factor_times_lr_before_total_iters_then_lr(
    lr: float, factor: float, total_iters: int, t: int
) -> None:
    expected = lr * factor if t < total_iters else lr
    assert ConstantLR(lr, factor, total_iters)(t) == expected


@given(schedule=pure_schedules, ts=st.lists(steps, min_size=1, max_size=20))
def test_schedules_are_pure_functions_of_t(schedule: Any, ts: list[int]) -> None:
    first = [schedule(t) for t in ts]
    again = [schedule(t) for t in reversed(ts)][::-1]
    assert first == again
    assert all(v >= 0 and math.isfinite(v) for v in first)


@given(schedule=pure_schedules)
def test_equal_parameters_give_equal_hashable_schedules(schedule: Any) -> None:
    twin = type(schedule)(*dataclasses.astuple(schedule))
    assert twin == schedule
    assert hash(twin) == hash(schedule)
    assert len({schedule, twin}) == 1


@given(
    first=pure_schedules,
    second=pure_schedules,
    milestone=st.integers(1, 500),
    t=steps,
)
def test_sequential_lr_is_first_before_milestone_then_second_shifted(
    first: Any, second: Any, milestone: int, t: int
) -> None:
    s = SequentialLR([first, second], [milestone])
    assert s(t) == (first(t) if t < milestone else second(t - milestone))


@given(lr=lrs, t=steps)
def test_as_schedule_of_a_number_returns_it_at_every_step(lr: float, t: int) -> None:
    assert as_schedule(lr)(t) == lr


@given(
    lr=st.floats(1e-6, 10.0),
    mode=st.sampled_from(["min", "max"]),
    threshold_mode=st.sampled_from(["rel", "abs"]),
    factor=st.floats(0.01, 0.99),
    patience=st.integers(0, 5),
    cooldown=st.integers(0, 5),
    min_lr=st.floats(0.0, 1.0),
    losses=st.lists(st.floats(-10.0, 10.0), max_size=60),
)
def test_plateau_lr_never_increases_stays_above_min_lr_and_replays_after_reset(
    lr: float,
    mode: Any,
    threshold_mode: Any,
    factor: float,
    patience: int,
    cooldown: int,
    min_lr: float,
    losses: list[float],
) -> None:
    s = ReduceLROnPlateau(
        lr,
        mode=mode,
        factor=factor,
        patience=patience,
        threshold_mode=threshold_mode,
        cooldown=cooldown,
        min_lr=min_lr,
    )
    history = [s.step(loss) for loss in losses]
    path = [lr, *history]
    assert all(b <= a for a, b in pairwise(path))
    assert all(v >= min(lr, min_lr) for v in path)
    s.reset()
    assert [s.step(loss) for loss in losses] == history


@pytest.mark.parametrize(
    "schedule",
    [
        StepLR(1.0, step_size=1, gamma=2.0),
        ExponentialLR(1.0, gamma=1.5),
        MultiStepLR(1e300, [1], 1e10),
    ],
)
def test_a_growing_schedule_that_overflows_says_so(schedule: Any) -> None:
    with pytest.raises(ValueError, match="overflows a float at t="):
        [schedule(t) for t in range(0, 5000, 7)]
