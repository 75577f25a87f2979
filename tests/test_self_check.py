"""``python -m descend``: the self-check a user runs after installing."""

from __future__ import annotations

import subprocess
import sys

import pytest

import descend
from descend import __main__ as self_check
from descend import _fused


def test_self_check_passes_for_every_optimizer() -> None:
    result = subprocess.run(
        [sys.executable, "-W", "error", "-m", "descend"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    n = len(self_check.OPTIMIZERS)
    assert f"{n} passed, 0 failed" in result.stdout
    installed = "is installed" if _fused.available() else "is not installed"
    assert f"numba {installed}" in result.stdout


def test_self_check_fails_and_says_which_optimizer(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    diverging = descend.GradientDescent(lr=0.5)  # 0.5 * h = 5 > 2: diverges along h = 10
    monkeypatch.setattr(self_check, "OPTIMIZERS", [descend.GradientDescent(lr=0.1), diverging])
    assert self_check.main() == 1
    out = capsys.readouterr().out
    assert "1 passed, 1 failed" in out
    assert "GradientDescent" in out
    assert "FAIL" in out
