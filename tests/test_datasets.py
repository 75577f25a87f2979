"""The textbook's data ship inside the package and give the notebooks' check values."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pytest

from descend.datasets import textbook_gabor, textbook_linear
from descend.models import Gabor, Linear

CHECK_PHI = np.array([0.6, -0.2])


def test_linear_data_are_the_notebooks_twelve_points() -> None:
    x, y = textbook_linear()
    assert x.dtype == y.dtype == np.float64
    assert x.shape == y.shape == (12,)
    assert x[[0, -1]].tolist() == [0.03, 1.9]
    assert y[[0, -1]].tolist() == [0.67, 1.6]


def test_gabor_data_are_the_notebooks_thirty_points() -> None:
    x, y = textbook_gabor()
    assert x.dtype == y.dtype == np.float64
    assert x.shape == y.shape == (30,)
    assert x[[0, 1, -1]].tolist() == [-1.92, -14.22, -4.505]
    assert y[[0, 1, -1]].tolist() == [-1.051, -0.02482, 0.5952]


@pytest.mark.parametrize(
    ("data", "model", "expected"),
    [(textbook_linear, Linear(), 12.367), (textbook_gabor, Gabor(32.0), 16.419)],
)
def test_loss_at_the_check_point_is_the_notebooks_check_value(
    data: object, model: Linear | Gabor, expected: float
) -> None:
    x, y = data()  # type: ignore[operator]
    assert round(model.loss(CHECK_PHI, x, y), 3) == expected


def test_each_call_returns_fresh_arrays_the_caller_may_change() -> None:
    x, y = textbook_gabor()
    x[:] = 0.0
    y[:] = 0.0
    again_x, again_y = textbook_gabor()
    assert again_x[0] == -1.92
    assert again_y[0] == -1.051


def test_the_data_file_is_package_data_with_its_source() -> None:
    text = resources.files("descend").joinpath("data", "udl_ch6.json").read_text("utf-8")
    data = json.loads(text)
    assert "Understanding Deep Learning" in data["source"]
    assert data["gabor"]["check"] == {"phi": [0.6, -0.2], "loss": 16.419}
    assert data["linear"]["check"] == {"phi": [0.6, -0.2], "loss": 12.367}
