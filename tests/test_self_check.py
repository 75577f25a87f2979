"""``python -m descend``: the self-check a user runs after installing."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
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
    n = len(self_check.OPTIMIZERS) + 1  # and the textbook data
    assert f"{n} passed, 0 failed" in result.stdout
    assert "textbook data (losses 12.367 and 16.419 at phi = (0.6, -0.2)): ok" in result.stdout
    installed = "is installed" if _fused.available() else "is not installed"
    assert f"numba {installed}" in result.stdout


def test_self_check_fails_and_says_which_optimizer(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    diverging = descend.GradientDescent(lr=0.5)  # 0.5 * h = 5 > 2: diverges along h = 10
    monkeypatch.setattr(self_check, "OPTIMIZERS", [descend.GradientDescent(lr=0.1), diverging])
    assert self_check.main() == 1
    out = capsys.readouterr().out
    assert "2 passed, 1 failed" in out
    assert "GradientDescent" in out
    assert "FAIL" in out


def test_self_check_fails_when_the_textbook_data_are_wrong(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(self_check, "OPTIMIZERS", [])
    monkeypatch.setattr(self_check, "textbook_gabor", lambda: (np.zeros(30), np.zeros(30)))
    assert self_check.main() == 1
    assert "textbook data (losses 12.367 and 16.419 at phi = (0.6, -0.2)): FAIL" in (
        capsys.readouterr().out
    )
