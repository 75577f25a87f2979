"""Smoke test of the optimizer benchmark (benchmarks/optimizers): it builds, runs and reports.

Only shapes and sanity are checked here (positive, finite numbers; the C
reference kernels compute the same steps as descend): speed is measured by
the benchmark, as ratios, and never asserted in tests. A run that is not asked
to ``--save`` leaves the committed results (benchmarks/results.json and .txt,
which the performance page shows) as they are.
"""

from __future__ import annotations

import math
import shutil
import sys
from dataclasses import asdict, fields
from pathlib import Path

import numpy as np
import pytest

import descend
from descend import _fused

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # benchmarks/ is a package of the repository, not installed
    sys.path.insert(0, str(ROOT))

from benchmarks.optimizers import cases, cli, kernel, report, rules  # noqa: E402
from benchmarks.optimizers.timing import Settings  # noqa: E402
from benchmarks.optimizers.torch_optim import TORCH_NOT_INSTALLED, load_torch  # noqa: E402


@pytest.fixture(scope="module")
def reference() -> kernel.Reference:
    if shutil.which("gcc") is None:
        pytest.skip("gcc is not installed: the benchmark falls back to a NumPy estimate")
    ref = kernel.build_reference()
    assert ref.kind == "c", ref.note
    return ref


def _positive_finite(x: object) -> bool:
    return isinstance(x, float) and math.isfinite(x) and x > 0


@pytest.mark.parametrize("rule", ["gd", "sgd", "adam"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_reference_kernels_take_descends_step(
    reference: kernel.Reference, rule: str, dtype: str
) -> None:
    """The reference does the work of the rule it stands for, exactly: not less."""
    rng = np.random.default_rng(1)
    phi = rng.standard_normal(1000).astype(dtype)
    g = rng.standard_normal(1000).astype(dtype)
    opt = rules.make_optimizer(rule)
    state = opt.init(phi)
    expected = phi.copy()
    for _ in range(3):
        expected, state = opt.step(expected, g, state)
    p = phi.copy()
    buffers = [np.zeros_like(phi) for _ in rules.RULES[rule].buffers]
    for t in (1, 2, 3):
        reference.kernel(rule, p, g, buffers, t=t)()
    # The same arithmetic in the same order, no fused multiply-add: the same bits.
    np.testing.assert_array_equal(p, expected)
    for buf, name in zip(buffers, rules.RULES[rule].buffers, strict=True):
        np.testing.assert_array_equal(buf, state[name])


def test_naive_adam_is_adam() -> None:
    rng = np.random.default_rng(2)
    phi, g = rng.standard_normal(100), rng.standard_normal(100)
    opt = descend.Adam(lr=rules.LR)
    state = opt.init(phi)
    expected, _ = opt.step(phi, g, state)
    new, m, v = rules.naive_adam(phi, g, np.zeros(100), np.zeros(100), 1)
    np.testing.assert_allclose(new, expected, rtol=1e-13)
    np.testing.assert_allclose(m, state["m"], rtol=1e-13)
    np.testing.assert_allclose(v, state["v"], rtol=1e-13)


@pytest.mark.parametrize("with_torch", [False, True], ids=["no-torch", "torch"])
def test_measure_single_returns_a_full_record(
    reference: kernel.Reference, with_torch: bool
) -> None:
    torch = load_torch() if with_torch else None
    if with_torch and torch is None:
        pytest.skip("torch is not installed")
    settings = Settings.tiny()
    row = cases.measure_single("adam", 1000, "float64", settings, reference, torch)
    assert isinstance(row, cases.SingleRow)
    assert (row.rule, row.n, row.dtype, row.passes) == ("adam", 1000, "float64", 7)
    assert row.bytes_per_step == 7 * 1000 * 8
    for name in ("descend_s", "reference_s", "naive_s", "descend_gbs", "reference_gbs"):
        assert _positive_finite(getattr(row, name)), name
    assert _positive_finite(row.ref_frac)
    assert _positive_finite(row.naive_ref_frac)
    for name in ("fused_s", "fused_first_call_s", "fused_gbs", "fused_ref_frac"):
        value = getattr(row, name)
        assert _positive_finite(value) if _fused.available() else value is None, name
    torch_fields = ("vs_torch", "torch_foreach_s", "torch_fused_s")
    for name in torch_fields:
        value = getattr(row, name)
        assert _positive_finite(value) if with_torch else value is None, name
    if not with_torch:
        assert row.torch_note == TORCH_NOT_INSTALLED
    for key, timing in row.timings.items():
        if timing is None:
            continue
        assert len(timing.run_times_s) == timing.runs == settings.runs, key
        assert timing.steps_per_run >= 1
        assert all(_positive_finite(t) for t in timing.run_times_s), key
    # The record is what --json writes: every field a plain value.
    record = asdict(row)
    assert set(record) == {f.name for f in fields(cases.SingleRow)}
    table = report.single_tables([row], torch is not None)
    assert "Adam" in table
    assert "float64" in table
    assert "fused ref frac" in table
    assert ("torch not installed" in table) is (torch is None)
    if _fused.available():
        assert "first step" in report.compile_table([row])


def test_small_arrays_and_memory_records(reference: kernel.Reference) -> None:
    settings = Settings.tiny()
    row = cases.measure_small("sgd", "float32", settings, reference, None, count=4, size=250)
    assert (row.count, row.size, row.bytes_per_step) == (4, 250, 5 * 1000 * 4)
    for name in ("flat_s", "loop_s", "reference_s", "flat_gbs", "flat_ref_frac"):
        assert _positive_finite(getattr(row, name)), name
    assert row.flat_vs_torch is None
    assert row.fused_vs_torch is None
    assert _positive_finite(row.fused_s) if _fused.available() else row.fused_s is None
    assert "flat vs torch" in report.small_tables([row], False)
    memory = cases.measure_memory("float64", n=1000)
    fused = ["descend fused (out=phi)"] if _fused.available() else []
    assert [m.impl for m in memory] == ["descend (out=phi)", *fused, "naive NumPy Adam"]
    for m in memory:
        assert m.array_bytes == 8000
        assert m.peak_extra_bytes >= 0
        assert math.isfinite(m.fraction_of_array)


def test_a_prepared_reference_call_keeps_the_arrays_it_points_into(
    reference: kernel.Reference,
) -> None:
    # Regression: the call held raw pointers only, so once prepare() returned
    # the copies were freed and the C kernel wrote into freed memory.
    rng = np.random.default_rng(3)
    phi, g = rng.standard_normal(100), rng.standard_normal(100)
    call, factor = reference.prepare("adam", phi, g)
    assert factor == 1.0
    assert isinstance(call, kernel._KernelCall)
    pointers = [arg.value for arg in call.args[1 : 1 + len(call.arrays)]]
    assert pointers == [a.ctypes.data for a in call.arrays]
    assert len(call.arrays) == 4  # phi, g, m, v
    call()
    assert np.all(np.isfinite(call.arrays[0]))


def test_numpy_ceiling_times_the_rule_on_one_block() -> None:
    settings = Settings.tiny()
    row = cases.measure_numpy_bound("adam", 10**6, "float32", settings, reference_s=1e-3)
    assert row.block == descend._base.BLOCK_BYTES // 4
    assert _positive_finite(row.block_s)
    assert row.bound_s == pytest.approx(row.block_s * 10**6 / row.block)
    assert row.bound_ref_frac == pytest.approx(1e-3 / row.bound_s)
    assert "bound ref frac" in report.bound_table([row])


def test_a_run_without_save_leaves_the_committed_results_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    committed = [cli.COMMITTED, cli.COMMITTED.with_suffix(".txt")]
    before = [p.read_bytes() for p in committed]
    scratch = tmp_path / "bench" / "results.json"
    monkeypatch.setattr(cli, "SCRATCH", scratch)  # not build/bench/ of the checkout
    assert cli.main(["--tiny"]) == 0  # the smallest settings: a few seconds
    assert [p.read_bytes() for p in committed] == before
    out = capsys.readouterr().out
    wrote = f"wrote {cli._shown(scratch)} and {cli._shown(scratch.with_suffix('.txt'))}"
    assert out.splitlines()[-1].startswith(wrote)
    assert "unchanged" in out.splitlines()[-1]
    assert "--save" in out.splitlines()[-1]
    assert (
        scratch.with_suffix(".txt").read_text().startswith("descend optimizer benchmark (--quick)")
    )
    assert '"quick": true' in scratch.read_text()


def test_the_scratch_results_are_ignored_by_git() -> None:
    top = cli.SCRATCH.relative_to(ROOT).parts[0]
    assert f"{top}/" in (ROOT / ".gitignore").read_text().splitlines()


def test_only_a_full_run_with_save_writes_the_committed_results() -> None:
    assert cli.parse_args([]).output == cli.SCRATCH
    assert cli.parse_args(["--quick"]).output == cli.SCRATCH
    assert cli.parse_args(["--json", "elsewhere/r.json"]).output == Path("elsewhere/r.json")
    assert cli.parse_args(["--save"]).output == cli.COMMITTED


@pytest.mark.parametrize(
    "argv",
    [
        ["--quick", "--save"],
        ["--json", str(cli.COMMITTED)],
        ["--json", str(cli.COMMITTED.with_suffix(".txt"))],
        ["--save", "--json", "elsewhere/r.json"],
    ],
    ids=["quick-save", "json-committed", "json-committed-txt", "save-json-elsewhere"],
)
def test_options_that_would_overwrite_the_committed_results_are_refused(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.parse_args(argv)
    assert exit_info.value.code == 2
    assert "--save" in capsys.readouterr().err
