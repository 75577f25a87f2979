from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from descend import Adam, AdamW
from descend._base import BLOCK_BYTES
from descend._validate import FloatArray
from descend.params import FlatParams


def network(rng: np.random.Generator, dtype: type[np.floating[Any]] = np.float64) -> FlatParams:
    # W1 alone spans several optimizer blocks, so block edges fall inside arrays.
    n = BLOCK_BYTES // np.dtype(dtype).itemsize
    return FlatParams.from_arrays(
        {
            "W1": rng.normal(size=(n // 50 + 3, 100)).astype(dtype),
            "b1": rng.normal(size=100).astype(dtype),
            "W2": rng.normal(size=(100, 3)).astype(dtype),
            "b2": rng.normal(size=3).astype(dtype),
            "scale": np.array(1.5, dtype=dtype),
        }
    )


def test_layout() -> None:
    p = FlatParams({"W": (2, 3), "b": (3,), "s": (), "e": (0, 4)})
    assert p.names == ("W", "b", "s", "e")
    assert list(p) == ["W", "b", "s", "e"]
    assert len(p) == 4
    assert "W" in p
    assert "x" not in p
    assert 0 not in p  # type: ignore[comparison-overlap]
    assert p.shapes == {"W": (2, 3), "b": (3,), "s": (), "e": (0, 4)}
    assert p.slices == {"W": slice(0, 6), "b": slice(6, 9), "s": slice(9, 10), "e": slice(10, 10)}
    assert p.size == 10
    assert p.flat.shape == (10,)
    assert p.dtype == np.float64
    assert p.flat.flags.c_contiguous
    assert p.flat.flags.owndata
    assert np.array_equal(p.flat, np.zeros(10))
    assert {k: v.shape for k, v in p.items()} == p.shapes
    assert repr(p) == "FlatParams({'W': (2, 3), 'b': (3,), 's': (), 'e': (0, 4)}, dtype='float64')"
    assert FlatParams({"b": [3]}, dtype="float32").dtype == np.float32


def test_properties_are_copies() -> None:
    p = FlatParams({"W": (2, 3)})
    p.shapes["W"] = (6,)
    p.slices["W"] = slice(0, 1)
    assert p.shapes == {"W": (2, 3)}
    assert p.slices == {"W": slice(0, 6)}
    # assigning copies into the buffer, which stays the same array
    buf, view = p.flat, p["W"]
    p.flat = np.arange(6.0)
    assert p.flat is buf
    assert view[1, 2] == 5.0
    p.flat -= 1.0
    assert p.flat is buf
    assert view[1, 2] == 4.0


def test_views_write_through_both_ways() -> None:
    p = FlatParams({"W": (2, 3), "b": (3,)})
    p["W"][1, 2] = 5.0
    p["b"][:] = [1.0, 2.0, 3.0]
    assert p.flat.tolist() == [0, 0, 0, 0, 0, 5, 1, 2, 3]
    p.flat[:] = np.arange(9.0)
    assert np.array_equal(p["W"], [[0, 1, 2], [3, 4, 5]])
    assert np.array_equal(p["b"], [6, 7, 8])
    p.flat *= 2
    assert np.array_equal(p["b"], [12, 14, 16])
    p["W"] = np.ones((2, 3))
    assert p.flat.tolist() == [1, 1, 1, 1, 1, 1, 12, 14, 16]
    for name in p:
        assert np.shares_memory(p[name], p.flat)
        assert p[name].base is p.flat


def test_views_of_a_gradient_buffer_share_its_memory() -> None:
    p = FlatParams({"W": (2, 3), "b": (3,)}, dtype=np.float32)
    grad = p.zeros_like()
    assert grad.shape == (9,)
    assert grad.dtype == np.float32
    assert not grad.any()
    assert not np.shares_memory(grad, p.flat)
    g = p.views(grad)
    assert list(g) == ["W", "b"]
    for name, view in g.items():
        assert view.shape == p.shapes[name]
        assert np.shares_memory(view, grad)
        assert not np.shares_memory(view, p.flat)
    g["W"][...] = 1.0
    g["b"][...] = [7.0, 8.0, 9.0]
    assert grad.tolist() == [1, 1, 1, 1, 1, 1, 7, 8, 9]
    grad[:] = -1
    assert np.all(g["W"] == -1)
    assert np.all(g["b"] == -1)
    assert not p.flat.any()
    # the parameters' own buffer gives the same views as indexing
    for name, view in p.views(p.flat).items():
        assert np.shares_memory(view, p[name])
        assert view.shape == p[name].shape


@pytest.mark.parametrize(
    "opt",
    [Adam(lr=0.01), Adam(lr=0.1, amsgrad=True, weight_decay=0.1), AdamW(lr=0.05)],
    ids=["adam", "amsgrad-l2", "adamw"],
)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_one_flat_step_equals_per_array_steps(opt: Adam, dtype: type[np.floating[Any]]) -> None:
    rng = np.random.default_rng(1)
    params = network(rng, dtype)
    separate = params.to_dict()
    flat_state = opt.init(params.flat)
    states = {name: opt.init(a) for name, a in separate.items()}
    grad = params.zeros_like()
    g = params.views(grad)
    for _ in range(4):
        for name in params:
            g[name][...] = rng.normal(size=params.shapes[name])
        view_ids = {name: params[name].__array_interface__["data"][0] for name in params}
        new, _ = opt.step(params.flat, grad, flat_state, out=params.flat)
        assert new is params.flat
        for name in params:
            separate[name], _ = opt.step(separate[name], g[name], states[name])
            # bit for bit: Adam is elementwise, so the layout cannot matter
            assert np.array_equal(params[name], separate[name])
            assert params[name].__array_interface__["data"][0] == view_ids[name]
            for buf in flat_state.buffers:
                flat_buf = params.views(flat_state[buf])[name]
                assert np.array_equal(flat_buf, states[name][buf])


def test_round_trip() -> None:
    rng = np.random.default_rng(2)
    arrays = {
        "W1": rng.normal(size=(3, 4)),
        "b1": rng.normal(size=4),
        "s": np.array(2.0),
        "empty": np.zeros((0, 2)),
    }
    p = FlatParams.from_arrays(arrays)
    out = p.to_dict()
    assert list(out) == list(arrays)
    for name, a in arrays.items():
        assert out[name].shape == a.shape
        assert out[name].dtype == a.dtype
        assert np.array_equal(out[name], a)
        assert np.array_equal(p[name], a)
        assert not np.shares_memory(out[name], p.flat)
        assert not np.shares_memory(a, p.flat)
    # from_arrays copies its inputs, to_dict copies its outputs
    arrays["W1"][...] = 0.0
    out["b1"][...] = 0.0
    assert np.array_equal(p.to_dict()["W1"], out["W1"])
    assert p["b1"].any()
    again = FlatParams.from_arrays(p.to_dict())
    assert np.array_equal(again.flat, p.flat)
    assert again.shapes == p.shapes


def test_from_pairs_and_lists() -> None:
    p = FlatParams.from_arrays([("b", [1.0, 2.0]), ("W", np.eye(2))])
    assert p.names == ("b", "W")
    assert p.flat.tolist() == [1, 2, 1, 0, 0, 1]
    q = FlatParams([("x", (2,)), ("y", [1, 3])])
    assert q.shapes == {"x": (2,), "y": (1, 3)}
    assert FlatParams.from_arrays({}).size == 0


def test_mixed_dtypes() -> None:
    arrays: dict[str, FloatArray] = {"W": np.ones((2, 2), np.float32), "b": np.ones(2)}
    with pytest.raises(TypeError, match=r"mixed dtypes \('W': float32, 'b': float64\).*dtype="):
        FlatParams.from_arrays(arrays)
    for dtype in (np.float32, np.float64):
        p = FlatParams.from_arrays(arrays, dtype=dtype)
        assert p.dtype == dtype
        assert p.flat.dtype == dtype
        assert all(v.dtype == dtype for v in p.to_dict().values())
        assert np.array_equal(p.flat, np.ones(6))
    same = FlatParams.from_arrays({k: v.astype(np.float32) for k, v in arrays.items()})
    assert same.dtype == np.float32


def test_compares_by_identity() -> None:
    p = FlatParams({"W": (2, 2)})
    assert p == p
    assert p != FlatParams({"W": (2, 2)})
    assert p != {"W": np.zeros((2, 2))}
    with pytest.raises(TypeError):
        hash(p)


def test_unknown_name() -> None:
    p = FlatParams({"W": (2, 2), "b": (2,)})
    with pytest.raises(KeyError, match=r"no parameter named 'x'.*\('W', 'b'\)"):
        p["x"]
    with pytest.raises(KeyError, match=r"no parameter named 'x'"):
        p["x"] = np.zeros(2)
    assert p.get("x") is None


shape_dicts = st.dictionaries(
    keys=st.text(alphabet="abcxyzW_0123456789", min_size=1, max_size=6),
    values=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5),
    max_size=8,
)


@given(shape_dicts, st.sampled_from([np.float32, np.float64]))
def test_layout_property(shapes: dict[str, tuple[int, ...]], dtype: type[np.floating[Any]]) -> None:
    p = FlatParams(shapes, dtype=dtype)
    sizes = [math.prod(s) for s in shapes.values()]
    assert p.size == sum(sizes) == p.flat.size
    assert p.names == tuple(shapes)
    assert p.shapes == shapes
    # slices are contiguous, in order, from 0 to size: no gaps, no overlap
    stop = 0
    for sl, n in zip(p.slices.values(), sizes, strict=True):
        assert sl.start == stop
        assert sl.stop == stop + n
        assert sl.step is None
        stop = sl.stop
    assert stop == p.size
    # the views sit at those offsets, so filling the buffer shows each its own part
    p.flat[:] = np.arange(p.size)
    base = p.flat.__array_interface__["data"][0]
    grad = np.arange(p.size, dtype=dtype) + 0.5
    g = p.views(grad)
    for name, sl in p.slices.items():
        view = p[name]
        assert view.shape == shapes[name]
        assert view.dtype == dtype
        assert np.array_equal(view.ravel(), np.arange(sl.start, sl.stop))
        assert np.array_equal(g[name].ravel(), np.arange(sl.start, sl.stop) + 0.5)
        if view.size:
            assert view.__array_interface__["data"][0] == base + sl.start * p.dtype.itemsize
            for other in p.names:
                if other != name:
                    assert not np.shares_memory(view, p[other])


def _views_call(flat: object) -> Callable[[], object]:
    return lambda: FlatParams({"W": (2, 3), "b": (3,)}).views(flat)  # type: ignore[arg-type]


BAD: list[tuple[Callable[[], object], type[Exception], str]] = [
    (lambda: FlatParams({"": (2,)}), TypeError, r"names in shapes must be non-empty.*''"),
    (lambda: FlatParams({"  ": (2,)}), TypeError, r"non-empty strings, got '  '"),
    (lambda: FlatParams({3: (2,)}), TypeError, r"names in shapes .* got 3"),  # type: ignore[arg-type]
    (lambda: FlatParams([("a", (2,)), ("a", (3,))]), ValueError, r"unique, got 'a' twice"),
    (lambda: FlatParams({"W": (2, -1)}), TypeError, r"shapes\['W'\] must be .* got \(2, -1\)"),
    (lambda: FlatParams({"W": (2.0, 3)}), TypeError, r"shapes\['W'\] .* got \(2\.0, 3\)"),  # type: ignore[arg-type]
    (lambda: FlatParams({"W": (True,)}), TypeError, r"shapes\['W'\] .* got \(True,\)"),
    (lambda: FlatParams({"b": 3}), TypeError, r"shapes\['b'\] must be a tuple .*\(3,\).* got 3"),  # type: ignore[arg-type]
    (lambda: FlatParams("W"), TypeError, r"shapes must be a mapping .* got 'W'"),  # type: ignore[arg-type]
    (lambda: FlatParams(None), TypeError, r"shapes must be a mapping .* got None"),  # type: ignore[arg-type]
    (lambda: FlatParams([("W",)]), TypeError, r"shapes must be .* pairs, got \('W',\)"),  # type: ignore[list-item]
    (
        lambda: FlatParams({"W": (2,)}, dtype=int),
        TypeError,
        r"dtype must be a real floating.* int64",
    ),
    (lambda: FlatParams({"W": (2,)}, dtype="complex128"), TypeError, r"dtype .* complex128"),
    (lambda: FlatParams({"W": (2,)}, dtype="nope"), TypeError, r"dtype must be .* got 'nope'"),
    (lambda: FlatParams.from_arrays({"W": np.ones(2, int)}), TypeError, r"arrays\['W'\].*int64"),
    (lambda: FlatParams.from_arrays({"W": "x"}), TypeError, r"arrays\['W'\] .* got 'x'"),
    (lambda: FlatParams.from_arrays({"": np.ones(2)}), TypeError, r"names in arrays .* ''"),
    (
        lambda: FlatParams.from_arrays({"W": np.ones(2)}, dtype=np.int32),
        TypeError,
        r"dtype must be a real floating .* int32",
    ),
    (
        _views_call(np.zeros(8)),
        ValueError,
        r"flat is float64\[8\] but these parameters are float64\[9\]",
    ),
    (_views_call(np.zeros(9, np.float32)), ValueError, r"flat is float32\[9\] .* float64\[9\]"),
    (_views_call(np.zeros((3, 3))), ValueError, r"flat is float64\[3, 3\] .* 1-D array of 9"),
    (_views_call(np.zeros(18)[::2]), ValueError, r"flat must be contiguous"),
    (_views_call(np.zeros(9, int)), TypeError, r"flat must have a real floating dtype.* int64"),
    (_views_call("grad"), TypeError, r"flat must be a NumPy array .* 'grad'"),
]


def _set_wrong_shape() -> None:
    FlatParams({"W": (2, 3)})["W"] = np.zeros(3)


def _set_ints() -> None:
    FlatParams({"W": (2,)})["W"] = np.zeros(2, int)


def _set_flat(value: object) -> Callable[[], None]:
    def call() -> None:
        FlatParams({"W": (2, 3)}).flat = value  # type: ignore[assignment]

    return call


BAD += [
    (_set_wrong_shape, ValueError, r"params\['W'\] has shape \(3,\) but parameter 'W' has shape"),
    (_set_ints, TypeError, r"params\['W'\] must have a real floating dtype"),
    (_set_flat(np.zeros(5)), ValueError, r"flat has shape \(5,\) but the parameters' buffer has"),
    (_set_flat(np.zeros((2, 3))), ValueError, r"flat has shape \(2, 3\) but .* \(6,\)"),
    (_set_flat(np.zeros(6, int)), TypeError, r"flat must have a real floating dtype.* int64"),
]


@pytest.mark.parametrize(("call", "error", "message"), BAD)
def test_bad_input(call: Callable[[], object], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        call()


def test_adam_step_through_views_sees_new_values() -> None:
    p = FlatParams.from_arrays({"a": np.array([1.0, -1.0]), "b": np.array([[2.0]])})
    before = p.to_dict()
    a_view, b_view = p["a"], p["b"]
    opt = Adam(lr=0.1)
    grad = p.zeros_like()
    p.views(grad)["a"][...] = [1.0, -1.0]
    opt.step(p.flat, grad, opt.init(p.flat), out=p.flat)
    expected: FloatArray = np.array([0.9, -0.9])
    assert np.allclose(a_view, expected)
    assert np.array_equal(b_view, before["b"])  # zero gradient: Adam leaves it
