"""The exercises of the first four chapters: their shape, and every number their solutions state.

docs/training-goes-wrong.md, docs/gradients.md, docs/gradient-descent.md and
docs/nonconvex.md end with a section of exercises whose worked solutions quote
numbers. The first tests hold the sections to the site's form (3 to 6 exercises,
each followed by its collapsed solution, labels ``ex-<page>-<slug>`` and
``sol-<page>-<slug>``, a pointer to the programming notebook at the end). Each
further test recomputes the numbers of one exercise with the library and checks,
with :func:`says`, that the page states them as computed, rounded to the digits
it prints.
"""

from __future__ import annotations

import math
import re
import textwrap
import warnings
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import descend
from descend._validate import FloatArray
from descend.datasets import textbook_gabor, textbook_linear
from descend.landscapes import DataLoss, hessian
from descend.linesearch import exact_step
from descend.models import Gabor, Linear, bce_with_logits, naive_bce, naive_sigmoid, sigmoid

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
NOTEBOOKS = {
    "training-goes-wrong": "stable losses",
    "gradients": "gradients",
    "gradient-descent": "gradients",
    "nonconvex": "non-convex",
}

EXERCISE = re.compile(r"^:::\{exercise\}[^\n]*\n:label: (ex-[\w-]+)\n", re.MULTILINE)
SOLUTION = re.compile(
    r"^::::\{solution\} (ex-[\w-]+)\n:label: (sol-[\w-]+)\n:class: dropdown\n", re.MULTILINE
)
NUMBER = re.compile(r"(-?\d+(?:\.\d+)?)(?: \\times 10\^\{(-?\d+)\})?")


def quiet() -> np.errstate:
    """Silence the warnings of the literal formulas, which the exercises look at on purpose."""
    return np.errstate(over="ignore", divide="ignore", invalid="ignore")


def exercises(page: str) -> str:
    """The text of the page's last section, ``## Exercises``."""
    text = (DOCS / f"{page}.md").read_text(encoding="utf-8")
    _, found, section = text.partition("\n## Exercises\n")
    assert found, f"{page}.md has no '## Exercises' section"
    return section


def says(page: str, written: str, value: float) -> None:
    """The exercises of ``page`` state ``written`` and ``value`` rounds to it.

    ``written`` is a number as the page writes it, e.g. ``"0.852"``, ``"-13.03"`` or
    ``"4.248 \\times 10^{-18}"``; ``value`` must lie within half a unit of its last
    digit.
    """
    text = " ".join(exercises(page).split())  # as a reader sees it, line breaks aside
    assert written in text, f"{page}.md does not state {written!r}"
    match = NUMBER.fullmatch(written)
    assert match is not None, written
    mantissa, power = Decimal(match[1]), int(match[2] or 0)
    last_digit = mantissa.as_tuple().exponent
    assert isinstance(last_digit, int)
    half_unit = 0.5 * 10.0 ** (last_digit + power)
    stated = float(mantissa.scaleb(power))
    assert abs(value - stated) <= half_unit * (1 + 1e-9), f"{written} stated, {value!r} computed"


def linear_problem() -> tuple[FloatArray, FloatArray, FloatArray, DataLoss]:
    """The textbook's linear data: x, y, the least-squares phi* and the loss."""
    x, y = textbook_linear()
    X = np.column_stack([np.ones_like(x), x])
    phi_star: FloatArray = np.linalg.lstsq(X, y, rcond=None)[0]
    return x, y, phi_star, DataLoss(Linear(), x, y)


def newton(problem: DataLoss, start: list[float]) -> FloatArray:
    """The stationary point of the loss near ``start`` (Newton's method on the gradient)."""
    phi = np.array(start, dtype=float)
    for _ in range(50):
        phi = phi - np.linalg.solve(hessian(problem, phi), problem.grad(phi))
    assert np.linalg.norm(problem.grad(phi)) < 1e-8
    return phi


# ---------------------------------------------------------------- the sections' shape


@pytest.mark.parametrize("page", NOTEBOOKS)
def test_the_exercises_are_the_last_section_with_3_to_6_exercises_each_with_its_solution(
    page: str,
) -> None:
    section = exercises(page)
    assert "\n## " not in section  # nothing after it
    labels = EXERCISE.findall(section)
    assert 3 <= len(labels) <= 6
    solved = SOLUTION.findall(section)
    assert [exercise for exercise, _ in solved] == labels  # each right after its exercise
    for exercise, solution in solved:
        slug = exercise.removeprefix(f"ex-{page}-")
        assert slug != exercise
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug)
        assert solution == f"sol-{page}-{slug}"
    # nothing in the section links a solution (the student build removes them)
    for _, solution in solved:
        assert section.count(solution) == 1


def test_the_labels_are_unique_across_the_four_pages() -> None:
    labels = [label for page in NOTEBOOKS for label in EXERCISE.findall(exercises(page))]
    labels += [s for page in NOTEBOOKS for _, s in SOLUTION.findall(exercises(page))]
    assert len(labels) == len(set(labels))


@pytest.mark.parametrize(("page", "notebook"), NOTEBOOKS.items())
def test_the_section_ends_with_a_pointer_to_the_programming_notebook(
    page: str, notebook: str
) -> None:
    last = exercises(page).rstrip().splitlines()[-1]
    assert last == f"Programming exercise: the notebook *{notebook}* on {{doc}}`exercises`."


@pytest.mark.parametrize("page", NOTEBOOKS)
def test_some_exercise_asks_for_a_prediction_to_check_in_a_gallery_example(page: str) -> None:
    tasks = re.findall(r"^:::\{exercise\}.*?^:::$", exercises(page), re.MULTILINE | re.DOTALL)
    assert any("{ref}`sphx_glr_auto_examples_" in task for task in tasks)


# ---------------------------------------------------------------- training goes wrong

WRONG = "training-goes-wrong"


def test_two_logits_give_the_cross_entropy_of_their_difference() -> None:
    rng = np.random.default_rng(0)
    for z0, z1 in rng.normal(0.0, 5.0, size=(20, 2)):
        for label in (0, 1):
            lse = np.logaddexp(z0, z1)
            softmax_loss = lse - (z1 if label == 1 else z0)
            stable = bce_with_logits(np.array([z1 - z0]), np.array([float(label)]))
            assert softmax_loss == pytest.approx(stable, rel=1e-12, abs=1e-12)
    z, y = np.array([40.0]), np.array([1.0])
    with quiet():
        assert np.isnan(naive_bce(naive_sigmoid(z), y)[0])
    says(WRONG, "4.248 \\times 10^{-18}", math.exp(-40.0))
    says(WRONG, "4.248 \\times 10^{-18}", bce_with_logits(z, y))
    says(WRONG, "1.11 \\times 10^{-16}", float(np.finfo(np.float64).eps) / 2)
    says(WRONG, "36.74", 53 * math.log(2))


def naive_is_one(z: Any) -> bool:
    with np.errstate(over="ignore"):
        return bool(1 / (1 + np.exp(-z)) == 1)


def first_one(dtype: Any, uint: Any) -> Any:
    """The smallest positive float of ``dtype`` at which the literal sigmoid is exactly 1."""
    lo, hi = 0, int(np.array(100, dtype).view(uint))
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if naive_is_one(np.array(mid, uint).view(dtype)):
            hi = mid
        else:
            lo = mid
    return np.array(hi, uint).view(dtype)[()]


@pytest.mark.parametrize(
    ("dtype", "uint", "bits", "first", "below", "one_minus_p"),
    [
        (np.float32, np.uint32, 24, "16.635532379150390625", "16.6355304718017578125", 2.0**-23),
        (np.float16, np.uint16, 11, "7.625", "7.62109375", 2.0**-10),
    ],
)
def test_the_naive_sigmoid_first_returns_one_at_the_first_float_above_the_threshold(
    dtype: Any, uint: Any, bits: int, first: str, below: str, one_minus_p: float
) -> None:
    z = first_one(dtype, uint)
    threshold = bits * math.log(2)  # ln(2 / eps_mach)
    assert str(Decimal(float(z))) == first
    below_z = np.nextafter(z, dtype(0))
    assert str(Decimal(float(below_z))) == below
    assert float(below_z) < threshold <= float(z)  # the first float at or above the threshold
    p = dtype(1) / (dtype(1) + np.exp(-below_z))
    assert float(dtype(1) - p) == one_minus_p
    says(WRONG, first, float(z))
    says(WRONG, below, float(below_z))


def test_the_float32_and_float16_numbers_of_the_solution() -> None:
    says(WRONG, "16.6355323", 24 * math.log(2))
    z = np.float32("16.635532379150390625")
    spacing = float(np.spacing(z))
    assert spacing == 2.0**-19
    says(WRONG, "1.9 \\times 10^{-6}", spacing)
    below = float(np.nextafter(z, np.float32(0)))
    # e^{-z} just below, relative to 2^-24; and at z, how far below 2^-24 it lies
    says(WRONG, "1.9 \\times 10^{-6}", math.exp(24 * math.log(2) - below) - 1)
    says(WRONG, "4.6 \\times 10^{-8}", 1 - math.exp(24 * math.log(2) - float(z)))
    says(WRONG, "1.19 \\times 10^{-7}", 2.0**-23)
    assert str(first_one(np.float32, np.uint32)) == "16.635532"  # as the snippet prints
    says(WRONG, "7.6246", 11 * math.log(2))
    assert float(np.spacing(np.float16(7.625))) == 2.0**-8
    says(WRONG, "0.0039", 2.0**-8)
    says(WRONG, "9.8 \\times 10^{-4}", 2.0**-10)


def initial_loss_data() -> tuple[FloatArray, FloatArray]:
    """The inputs and labels of the section "NaN in the initial loss" of plot_naive_vs_stable."""
    x = np.random.default_rng(3).normal(0.0, 1000.0, size=30)
    return x, (x > 0).astype(float)


def test_the_initial_loss_is_nan_for_right_and_inf_for_wrong_confident_predictions() -> None:
    x, y = initial_loss_data()
    rounds, overflows = 53 * math.log(2), math.log(float(np.finfo(np.float64).max))
    says(WRONG, "709.78", overflows)
    positive, negative = x[y == 1], x[y == 0]
    assert (len(positive), len(negative)) == (12, 18)
    nan_right = int(np.sum(positive >= rounds) + np.sum(negative <= -overflows))
    inf_wrong = int(np.sum(negative <= -rounds) + np.sum(positive >= overflows))
    assert (np.sum(positive >= rounds), np.sum(negative <= -overflows)) == (11, 4)
    assert (np.sum(negative <= -rounds), np.sum(positive >= overflows)) == (18, 6)
    says(WRONG, "24.3", float(positive[positive < rounds][0]))
    says(WRONG, "-182.8", float(negative.max()))
    for phi, nan, inf, stable in (((0.0, 1.0), 15, 0, "2.9"), ((0.0, -1.0), 0, 24, "2.43")):
        z = phi[0] + phi[1] * x
        with quiet():
            naive = naive_bce(naive_sigmoid(z), y)
        assert (int(np.isnan(naive).sum()), int(np.isposinf(naive).sum())) == (nan, inf)
        L = bce_with_logits(z, y)
        power = math.floor(math.log10(L))
        says(WRONG, f"{stable} \\times 10^{{{power}}}", L)
    assert (nan_right, inf_wrong) == (15, 24)


def test_the_gradient_of_a_confident_right_prediction() -> None:
    z, y = np.array([40.0]), 1.0
    with quiet():
        p = naive_sigmoid(z)
        naive = (-y / p + (1 - y) / (1 - p)) * p * (1 - p)
    assert np.isnan(naive[0])
    assert sigmoid(z)[0] - y == 0.0  # the stable sigmoid rounds to 1 as well
    exact = -math.exp(-40.0) / (1 + math.exp(-40.0))
    accurate = -sigmoid(-z)[0]
    assert accurate == pytest.approx(exact, rel=1e-15)
    says(WRONG, "-4.248 \\times 10^{-18}", accurate)
    says(WRONG, "4.2 \\times 10^{-18}", abs(exact))


def test_the_squared_error_on_a_saturated_sigmoid_pushes_eleven_thousand_times_less() -> None:
    z, y = np.array([-10.0]), 1.0
    p = float(sigmoid(z)[0])
    cross_entropy = p - y
    squared = 2 * (p - y) * p * (1 - p)
    # the derivative of (sig(z) - y)^2, by a central difference
    h = 1e-6
    numeric = ((sigmoid(z + h)[0] - y) ** 2 - (sigmoid(z - h)[0] - y) ** 2) / (2 * h)
    assert squared == pytest.approx(numeric, rel=1e-6)
    says(WRONG, "4.540 \\times 10^{-5}", p)
    says(WRONG, "-0.99995", cross_entropy)
    says(WRONG, "-9.079 \\times 10^{-5}", squared)
    assert round(cross_entropy / squared) == 11014
    says(WRONG, "11014", cross_entropy / squared)


# ---------------------------------------------------------------- gradients

GRADIENTS = "gradients"
EXAMPLE_GRADIENT = np.array([4.0, 8.0])  # of phi_0^2 + 4 phi_1^2 at (2, 1)


def test_the_rates_at_two_one() -> None:
    g = EXAMPLE_GRADIENT
    d = np.array([3.0, 4.0]) / 5
    says(GRADIENTS, "8.8", float(g @ d))
    says(GRADIENTS, "8.94", float(np.linalg.norm(g)))
    cosine = float(g @ d / np.linalg.norm(g))
    says(GRADIENTS, "0.984", cosine)
    says(GRADIENTS, "10.3", math.degrees(math.acos(cosine)))
    assert g @ np.array([2.0, -1.0]) == 0
    best = g / np.linalg.norm(g)
    mirror = 2 * (d @ best) * best - d
    np.testing.assert_allclose(mirror, np.array([7.0, 24.0]) / 25, rtol=1e-12)
    assert float(g @ mirror) == pytest.approx(8.8, rel=1e-12)
    # exactly two unit directions have that rate
    angles = np.linspace(0, 2 * np.pi, 360_000, endpoint=False)
    rates = 4 * np.cos(angles) + 8 * np.sin(angles)
    assert np.sum(np.diff(np.sign(rates - 8.8)) != 0) == 2


def test_a_step_in_rescaled_units_goes_straight_to_the_minimum() -> None:
    def loss(phi: FloatArray) -> float:
        return float(phi[0] ** 2 + 4 * phi[1] ** 2)

    phi, alpha = np.array([2.0, 1.0]), 0.5
    psi = phi * [1.0, 2.0]
    grad_psi = 2 * psi  # L = psi_0^2 + psi_1^2
    np.testing.assert_array_equal(grad_psi, [4.0, 4.0])
    np.testing.assert_array_equal((psi - alpha * grad_psi) / [1.0, 2.0], [0.0, 0.0])
    step_phi = phi - alpha * EXAMPLE_GRADIENT
    np.testing.assert_array_equal(step_phi, [0.0, -3.0])
    assert (loss(phi), loss(step_phi)) == (8.0, 36.0)
    # in phi coordinates the rescaled step is along -(dL/dphi_0, dL/dphi_1 / a^2)
    a = 2.0
    assert (psi - alpha * grad_psi) / [1.0, a] - phi == pytest.approx(
        -alpha * EXAMPLE_GRADIENT / [1.0, a**2]
    )


def test_partial_derivatives_without_a_gradient() -> None:
    def loss(phi: FloatArray) -> float:
        return float(phi[0] ** 2 * phi[1] / (phi[0] ** 2 + phi[1] ** 2))

    h = 1e-7
    assert loss(np.array([h, 0.0])) == 0  # both partial derivatives are 0
    assert loss(np.array([0.0, h])) == 0
    angles = np.linspace(0, 2 * np.pi, 100_001)
    directions = np.column_stack([np.cos(angles), np.sin(angles)])
    rates = np.array([loss(h * d) / h for d in directions])
    np.testing.assert_allclose(rates, directions[:, 0] ** 2 * directions[:, 1], atol=1e-12)
    best = directions[np.argmax(rates)]
    says(GRADIENTS, "0.385", float(rates.max()))
    says(GRADIENTS, "0.385", 2 / (3 * math.sqrt(3)))
    says(GRADIENTS, "0.577", float(best[1]))
    says(GRADIENTS, "0.816", abs(float(best[0])))
    says(GRADIENTS, "0.354", loss(h * np.array([1.0, 1.0]) / math.sqrt(2)) / h)


def test_the_first_step_of_linear_regression_raises_the_intercept() -> None:
    x, y, phi_star, problem = linear_problem()
    phi = np.array([1.6, -0.5])
    g = problem.grad(phi)
    r = phi[0] + phi[1] * x - y
    says(GRADIENTS, "-2.375", float(r.sum()))
    says(GRADIENTS, "-4.75", float(g[0]))
    says(GRADIENTS, "-13.03", float(g[1]))
    says(GRADIENTS, "0.826", float(phi_star[0]))
    says(GRADIENTS, "0.522", float(phi_star[1]))
    to_star = phi_star - phi
    says(GRADIENTS, "-0.774", float(to_star[0]))
    says(GRADIENTS, "1.022", float(to_star[1]))
    cosine = float(-g @ to_star / (np.linalg.norm(g) * np.linalg.norm(to_star)))
    says(GRADIENTS, "0.542", cosine)
    says(GRADIENTS, "57.2", math.degrees(math.acos(cosine)))
    says(GRADIENTS, "7.52", float(-g @ to_star / np.linalg.norm(to_star)))
    says(GRADIENTS, "13.87", float(np.linalg.norm(g)))
    run = descend.fit(descend.GradientDescent(0.01), problem, phi, steps=10)
    says(GRADIENTS, "1.6475", float(run.phi[1, 0]))
    says(GRADIENTS, "-0.3697", float(run.phi[1, 1]))
    assert int(np.argmax(run.phi[:, 0])) == 2  # the intercept rises for two steps
    says(GRADIENTS, "1.654", float(run.phi[2, 0]))


def test_the_central_difference_error_on_the_gabor_loss() -> None:
    x, y = textbook_gabor()
    model, phi = Gabor(), np.array([0.6, -0.2])
    exact = model.grad(phi, x, y)
    says(GRADIENTS, "26.82", float(exact[0]))
    says(GRADIENTS, "-7.552", float(exact[1]))
    L = model.loss(phi, x, y)
    says(GRADIENTS, "16.42", L)

    def error(h: float) -> float:
        steps = h * np.eye(2)
        numeric = [(model.loss(phi + s, x, y) - model.loss(phi - s, x, y)) / (2 * h) for s in steps]
        return float(np.max(np.abs(np.array(numeric) - exact)))

    errors = {h: error(h) for h in (1e-2, 1e-3, 1e-5, 1e-8, 1e-11)}
    says(GRADIENTS, "2.1 \\times 10^{-3}", errors[1e-2])  # truncation: O(h^2)
    says(GRADIENTS, "2.1 \\times 10^{-5}", errors[1e-3])
    assert errors[1e-2] / errors[1e-3] == pytest.approx(100, rel=0.01)
    # rounding decides the rest; the page says "about", so only the size is held
    assert 1.5e-9 < errors[1e-5] < 3e-9
    assert 3e-8 < errors[1e-8] < 4e-7
    assert 5e-5 < errors[1e-11] < 1e-3
    assert min(errors, key=errors.__getitem__) == 1e-5
    eps = float(np.finfo(np.float64).eps)
    says(GRADIENTS, "3.6 \\times 10^{-7}", eps * L / 1e-8)
    says(GRADIENTS, "3.6 \\times 10^{-4}", eps * L / 1e-11)


# ---------------------------------------------------------------- gradient descent

GD = "gradient-descent"


def test_the_eigen_decomposition_gives_the_powers_and_the_bounce_at_the_limit() -> None:
    x, _, phi_star, problem = linear_problem()
    X = np.column_stack([np.ones_like(x), x])
    H = 2 * X.T @ X
    lam, q = np.linalg.eigh(H)
    alpha = 0.03
    power = np.linalg.matrix_power(np.eye(2) - alpha * H, 7)
    spectral = sum((1 - alpha * lam[j]) ** 7 * np.outer(q[:, j], q[:, j]) for j in range(2))
    np.testing.assert_allclose(power, spectral, atol=1e-12)
    q_max = q[:, 1] * np.sign(q[0, 1])
    says(GD, "50.03", float(lam[1]))
    says(GD, "0.659", float(q_max[0]))
    says(GD, "0.752", float(q_max[1]))
    opt = descend.GradientDescent(2 / lam[1])
    run = descend.fit(opt, problem, phi_star + q_max, steps=20)
    signs = (-1.0) ** np.arange(21)
    deviation = np.abs(run.phi - phi_star - signs[:, None] * q_max).max(axis=1)
    assert deviation.max() < 5e-15  # the page: within about 1e-15 after 20 steps
    assert "20 steps it is still within about $10^{-15}$" in " ".join(exercises(GD).split())


def test_the_textbook_hessian_by_hand() -> None:
    x, _, _, _ = linear_problem()
    n = len(x)  # the number of examples I
    says(GD, "11.41", float(x.sum()))
    says(GD, "15.0121", float(np.sum(x**2)))
    H = 2 * np.array([[n, x.sum()], [x.sum(), np.sum(x**2)]])
    says(GD, "22.82", float(H[0, 1]))
    says(GD, "30.0242", float(H[1, 1]))
    trace, det = float(np.trace(H)), float(H[0, 0] * H[1, 1] - H[0, 1] ** 2)
    says(GD, "54.0242", trace)
    says(GD, "199.8284", det)
    says(GD, "2918.61", trace**2)
    says(GD, "799.31", 4 * det)
    says(GD, "2119.30", trace**2 - 4 * det)
    root = math.sqrt(trace**2 - 4 * det)
    says(GD, "46.036", root)
    lam_min, lam_max = (trace - root) / 2, (trace + root) / 2
    np.testing.assert_allclose([lam_min, lam_max], np.linalg.eigvalsh(H), rtol=1e-12)
    says(GD, "50.03", lam_max)
    says(GD, "3.994", lam_min)
    says(GD, "0.03998", 2 / lam_max)
    says(GD, "0.03702", 2 / trace)
    says(GD, "0.852", root / trace)
    # the mean loss
    H_mean = hessian(DataLoss(Linear(reduction="mean"), *textbook_linear()), np.zeros(2))
    np.testing.assert_allclose(H_mean, H / n, rtol=1e-8)
    says(GD, "0.3328", lam_min / n)
    says(GD, "4.169", lam_max / n)
    says(GD, "0.4797", 2 * n / lam_max)
    says(GD, "0.4442", 2 * n / trace)
    says(GD, "-4.003", 1 - 0.1 * lam_max)


def test_a_rate_just_below_the_limit_zigzags_for_long() -> None:
    x, _, phi_star, problem = linear_problem()
    X = np.column_stack([np.ones_like(x), x])
    lam, q = np.linalg.eigh(2 * X.T @ X)
    kappa = lam[1] / lam[0]
    says(GD, "12.53", kappa)
    says(GD, "0.926", float(2 / lam.sum() / (2 / lam[1])))  # the good rate, alpha*
    says(GD, "0.852", float(1 - 2 / lam.sum() * lam[0]))
    alpha = 0.99 * 2 / lam[1]
    flat, steep = 1 - alpha * lam
    assert flat == pytest.approx(1 - 1.98 / kappa, rel=1e-12)
    says(GD, "0.842", flat)
    says(GD, "-0.98", steep)
    says(GD, "0.0057", flat**30)
    says(GD, "0.545", abs(steep) ** 30)
    start = np.array([1.6, -0.5])
    c_flat, c_steep = q.T @ (start - phi_star)
    says(GD, "1.256", abs(c_flat))
    says(GD, "0.258", abs(c_steep))
    L_star = problem.loss(phi_star)
    good = descend.fit(descend.GradientDescent(2 / lam.sum()), problem, start, steps=30)
    target = good.loss[30] - L_star
    says(GD, "3.3 \\times 10^{-4}", target)
    says(GD, "3.26 \\times 10^{-4}", target)
    amplitude = 0.5 * lam[1] * c_steep**2
    says(GD, "1.670", amplitude)
    estimate = math.log(amplitude / target) / (2 * math.log(1 / abs(steep)))
    says(GD, "211.4", estimate)
    run = descend.fit(descend.GradientDescent(alpha), problem, start, steps=400)
    gap = run.loss - L_star
    says(GD, "0.497", float(gap[30]))
    says(GD, "0.497", amplitude * steep**60)
    reached = int(np.argmax(gap <= target))
    assert reached == math.ceil(estimate) == 212
    says(GD, "212", reached)


def test_centring_the_inputs_lowers_the_condition_number() -> None:
    x, y, phi_star, _ = linear_problem()
    n, x_bar = len(x), float(x.mean())  # the number of examples I, and the mean input
    says(GD, "0.9508", x_bar)
    centred = x - x_bar
    H = hessian(DataLoss(Linear(), centred, y), np.zeros(2))
    assert abs(H[0, 1]) < 1e-8
    spread = float(np.sum(x**2) - n * x_bar**2)
    says(GD, "4.1631", spread)
    np.testing.assert_allclose(np.diag(H), [2 * n, 2 * spread], rtol=1e-8)
    says(GD, "8.326", 2 * spread)
    kappa_centred = 2 * n / (2 * spread)
    says(GD, "2.882", kappa_centred)
    X = np.column_stack([np.ones_like(x), x])
    lam = np.linalg.eigvalsh(2 * X.T @ X)
    steps = {}
    for name, kappa, written in (
        ("before", lam[1] / lam[0], "86.3"),
        ("after", kappa_centred, "19.1"),
    ):
        rho = (kappa - 1) / (kappa + 1)
        t = math.log(1e6) / math.log(1 / rho)
        says(GD, written, t)
        steps[name] = math.ceil(t)
        if name == "after":
            says(GD, "0.4849", rho)
    assert steps == {"before": 87, "after": 20}
    # the centred fit: same slope, intercept phi*_0 + phi*_1 x_bar = mean of y
    fit = np.linalg.lstsq(np.column_stack([np.ones_like(x), centred]), y, rcond=None)[0]
    says(GD, "0.5222", float(fit[1]))
    assert fit[1] == pytest.approx(phi_star[1], rel=1e-12)
    says(GD, "1.3225", float(fit[0]))
    assert fit[0] == pytest.approx(phi_star[0] + phi_star[1] * x_bar, rel=1e-12)
    assert fit[0] == pytest.approx(y.mean(), rel=1e-12)


def exact_line_search(
    problem: DataLoss, H: FloatArray, start: list[float], L_star: float
) -> list[float]:
    """The exact steps from ``start`` until the loss is within 1e-6 of ``L_star``."""
    phi, steps = np.array(start), []
    while problem.loss(phi) - L_star > 1e-6:
        g = problem.grad(phi)
        steps.append(exact_step(g, H))
        phi = phi - steps[-1] * g
    return steps


def test_exact_line_search_steps_and_how_many_a_start_needs() -> None:
    x, _, phi_star, problem = linear_problem()
    X = np.column_stack([np.ones_like(x), x])
    H = 2 * X.T @ X
    lam, q = np.linalg.eigh(H)
    says(GD, "0.01999", 1 / lam[1])
    says(GD, "0.2504", 1 / lam[0])
    says(GD, "3.994", lam[0])
    L_star = problem.loss(phi_star)
    far = exact_line_search(problem, H, [1.6, -0.5], L_star)
    assert len(far) == 26
    says(GD, "26", len(far))
    says(GD, "0.02272", far[0])
    says(GD, "0.09981", far[1])
    assert all(1 / lam[1] <= a <= 1 / lam[0] for a in far)
    # orient the eigenvectors as the page does: from the origin, flat component positive
    # and steep component negative; the same orientation for the start (1.6, -0.5)
    to_origin = np.zeros(2) - phi_star
    q = np.column_stack(
        [q[:, 0] * np.sign(q[:, 0] @ to_origin), -q[:, 1] * np.sign(q[:, 1] @ to_origin)]
    )
    g = lam * (q.T @ (np.array([1.6, -0.5]) - phi_star))
    says(GD, "-5.02", float(g[0]))
    says(GD, "-12.93", float(g[1]))
    c = q.T @ (np.zeros(2) - phi_star)
    says(GD, "0.277", float(c[0]))
    says(GD, "-0.937", float(c[1]))
    g = lam * c
    says(GD, "1.106", float(g[0]))
    says(GD, "-46.89", float(g[1]))
    says(GD, "1.35", math.degrees(math.atan2(abs(g[0]), abs(g[1]))))
    near = exact_line_search(problem, H, [0.0, 0.0], L_star)
    assert len(near) == 4
    for step, written in zip(near, ("0.0200", "0.2488", "0.0200", "0.2488"), strict=True):
        says(GD, written, step)


# ---------------------------------------------------------------- non-convex landscapes

NONCONVEX = "nonconvex"


def test_the_gabor_gradient_of_the_first_example_and_of_all() -> None:
    x, y = textbook_gabor()
    E, phi = 32.0, np.array([0.6, -0.2])
    says(NONCONVEX, "-1.92", float(x[0]))
    says(NONCONVEX, "-1.051", float(y[0]))
    z = phi[0] + 0.06 * phi[1] * x
    envelope = np.exp(-(z**2) / E)
    F = np.sin(z) * envelope
    dF = envelope * (np.cos(z) - 2 * z / E * np.sin(z))
    h = 1e-6
    F_of = Gabor().predict
    numeric = (F_of(phi + np.array([h, 0.0]), x) - F_of(phi - np.array([h, 0.0]), x)) / (2 * h)
    np.testing.assert_allclose(dF, numeric, rtol=1e-7, atol=1e-10)  # F'(z) = df / dphi_0
    r = F - y
    says(NONCONVEX, "0.62304", float(z[0]))
    says(NONCONVEX, "0.5835", float(np.sin(z[0])))
    says(NONCONVEX, "0.8121", float(np.cos(z[0])))
    says(NONCONVEX, "0.9879", float(envelope[0]))
    says(NONCONVEX, "0.0227", float(2 * z[0] / E * np.sin(z[0])))
    says(NONCONVEX, "0.5765", float(F[0]))
    says(NONCONVEX, "0.7799", float(dF[0]))
    says(NONCONVEX, "1.6275", float(r[0]))
    first = 2 * r[0] * dF[0] * np.array([1.0, 0.06 * x[0]])
    says(NONCONVEX, "2.538", float(first[0]))
    says(NONCONVEX, "-0.2924", float(first[1]))
    total = np.array([np.sum(2 * r * dF), np.sum(2 * r * dF * 0.06 * x)])
    library = Gabor().grad(phi, x, y)
    np.testing.assert_allclose(total, library, rtol=1e-12)
    says(NONCONVEX, "26.82", float(total[0]))
    says(NONCONVEX, "-7.552", float(total[1]))
    says(NONCONVEX, "27.86", float(np.linalg.norm(total)))


def test_the_wave_packet_of_the_best_fit() -> None:
    x, y = textbook_gabor()
    best = newton(DataLoss(Gabor(), x, y), [0.0, 16.0])
    says(NONCONVEX, "0.0038", float(best[0]))
    says(NONCONVEX, "16.026", float(best[1]))
    scale = 0.06 * best[1]
    says(NONCONVEX, "0.9616", float(scale))
    centre = float(-best[0] / scale)
    width = float(np.sqrt(32.0 / 2) / scale)
    says(NONCONVEX, "-0.0039", centre)
    says(NONCONVEX, "4.16", width)
    says(NONCONVEX, "5.88", math.sqrt(2) * width)
    says(NONCONVEX, "6.53", float(2 * np.pi / scale))
    says(NONCONVEX, "-14.22", float(x.min()))
    says(NONCONVEX, "10.62", float(x.max()))
    left, right = (x.min() - centre) / width, (x.max() - centre) / width
    says(NONCONVEX, "-3.42", float(left))
    says(NONCONVEX, "2.55", float(right))
    says(NONCONVEX, "0.003", math.exp(-(3.42**2) / 2))
    says(NONCONVEX, "0.04", math.exp(-(2.55**2) / 2))
    assert int(np.sum(np.abs(x - centre) <= 2 * width)) == 17
    for E, written in ((32.0, "2.55"), (8.0, "1.27")):
        periods = 4 * np.sqrt(E / 2) / (2 * np.pi)  # 4 widths / period, phi_1 cancels
        assert periods == pytest.approx(2 * np.sqrt(E / 2) / np.pi)
        says(NONCONVEX, written, float(periods))
    says(NONCONVEX, "2.55", 8 / math.pi)
    says(NONCONVEX, "1.27", 4 / math.pi)


def double_well_grad(phi: FloatArray) -> FloatArray:
    """The gradient of (phi_0^2 - 1)^2 + phi_1^2."""
    return np.array([4 * phi[0] * (phi[0] ** 2 - 1), 2 * phi[1]])


def test_the_double_well() -> None:
    for point, kind in (((1.0, 0.0), "minimum"), ((-1.0, 0.0), "minimum"), ((0.0, 0.0), "saddle")):
        phi = np.array(point)
        assert np.all(double_well_grad(phi) == 0)
        H = np.diag([12 * phi[0] ** 2 - 4, 2.0])
        lam = np.linalg.eigvalsh(H)
        assert kind == ("minimum" if lam[0] > 0 else "saddle")
    lam_max = np.linalg.eigvalsh(np.diag([12 * 1.0**2 - 4, 2.0]))[-1]
    assert (lam_max, 2 / lam_max) == (8.0, 0.25)
    alpha = 0.1
    says(NONCONVEX, "39.0", math.log(0.5 / 1e-6) / math.log(1 + alpha * 4))

    def run(start: tuple[float, float]) -> tuple[int | None, FloatArray]:
        phi, reached = np.array(start), None
        for t in range(1, 301):
            phi = phi - alpha * double_well_grad(phi)
            if reached is None and abs(phi[0]) >= 0.5:
                reached = t
        return reached, phi

    reached, end = run((1e-6, 1.0))
    assert reached == 40
    says(NONCONVEX, "40", reached)
    np.testing.assert_allclose(end, [1.0, 0.0], atol=1e-12)
    reached, end = run((-1e-6, 1.0))
    np.testing.assert_allclose(end, [-1.0, 0.0], atol=1e-12)
    reached, end = run((0.0, 1.0))
    assert reached is None  # on the saddle's stable manifold ...
    assert end[0] == 0.0
    assert abs(end[1]) < 1e-25  # ... it converges to the saddle


def test_the_flat_valley_of_the_global_minimum() -> None:
    x, y = textbook_gabor()
    problem = DataLoss(Gabor(), x, y)
    best = newton(problem, [0.0, 16.0])
    lam, q = np.linalg.eigh(hessian(problem, best))
    says(NONCONVEX, "0.214", float(lam[0]))
    says(NONCONVEX, "11.33", float(lam[1]))
    says(NONCONVEX, "53.0", float(lam[1] / lam[0]))
    says(NONCONVEX, "0.1765", float(2 / lam[1]))
    alpha = 0.1
    flat, steep = 1 - alpha * lam
    says(NONCONVEX, "0.9786", float(flat))
    says(NONCONVEX, "-0.133", float(steep))
    says(NONCONVEX, "319.9", math.log(1000) / math.log(1 / flat))
    says(NONCONVEX, "0.1154", float(flat**100))
    q_flat = q[:, 0] * np.sign(q[0, 0])
    says(NONCONVEX, "0.014", float(q_flat[0]))
    says(NONCONVEX, "-0.9999", float(q_flat[1]))
    run = descend.fit(descend.GradientDescent(alpha), problem, [-2.0, 12.0], steps=400)
    distance = np.linalg.norm(run.phi - best, axis=1)
    says(NONCONVEX, "5.5 \\times 10^{-3}", float(distance[300]))
    says(NONCONVEX, "6.4 \\times 10^{-4}", float(distance[400]))
    says(NONCONVEX, "0.1154", float(distance[400] / distance[300]))
    error = run.phi[400] - best
    angle = math.degrees(math.acos(abs(q_flat @ error) / np.linalg.norm(error)))
    assert angle < 0.001


def test_escaping_the_saddle_takes_forty_steps_and_the_shelf_the_rest() -> None:
    x, y = textbook_gabor()
    problem = DataLoss(Gabor(), x, y)
    saddle = newton(problem, [-0.37, 5.83])
    says(NONCONVEX, "-0.367", float(saddle[0]))
    says(NONCONVEX, "5.825", float(saddle[1]))
    lam, q = np.linalg.eigh(hessian(problem, saddle))
    says(NONCONVEX, "-0.649", float(lam[0]))
    says(NONCONVEX, "8.95", float(lam[1]))
    escape = q[:, 0] * np.sign(q[0, 0])
    says(NONCONVEX, "0.264", float(escape[0]))
    says(NONCONVEX, "-0.965", float(escape[1]))
    alpha = 0.1
    start = saddle + np.array([0.0, 0.01])
    component = float(escape @ (start - saddle))
    says(NONCONVEX, "-0.00965", component)
    says(NONCONVEX, "1.0649", 1 + alpha * abs(lam[0]))
    says(NONCONVEX, "0.895", alpha * lam[1])
    says(NONCONVEX, "0.105", abs(1 - alpha * lam[1]))
    factor = 1 + alpha * abs(lam[0])
    says(NONCONVEX, "37.2", math.log(0.1 / abs(component)) / math.log(factor))
    says(NONCONVEX, "63", round(math.log(0.5 / abs(component)) / math.log(factor)))
    run = descend.fit(descend.GradientDescent(alpha), problem, start, steps=400)
    distance = np.linalg.norm(run.phi - saddle, axis=1)
    assert int(np.argmax(distance > 0.1)) == 39
    assert int(np.argmax(distance > 0.5)) == 72
    says(NONCONVEX, "39", 39)
    says(NONCONVEX, "72", 72)
    for t, phi0, phi1, loss in ((100, "-0.55", "6.68", "10.259"), (200, "-0.54", "7.10", "10.239")):
        says(NONCONVEX, phi0, float(run.phi[t, 0]))
        says(NONCONVEX, phi1, float(run.phi[t, 1]))
        says(NONCONVEX, loss, float(run.loss[t]))
    gradient = np.array([np.linalg.norm(problem.grad(phi)) for phi in run.phi[:231]])
    assert gradient.max() < 0.17
    assert int(np.argmax(run.loss < run.loss[0] - 1)) == 255
    says(NONCONVEX, "255", 255)


# ---------------------------------------------------------------- the text itself


@pytest.mark.parametrize("page", NOTEBOOKS)
def test_every_dollar_of_the_exercises_opens_or_closes_math(page: str) -> None:
    # A line that starts with "- " or "+ " inside inline math becomes a list item and
    # leaves raw TeX on the page; MyST's own parser finds the stray dollars.
    pytest.importorskip("myst_parser")
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    extensions = {"dollarmath", "amsmath", "colon_fence", "deflist", "attrs_inline"}
    md = create_md_parser(MdParserConfig(enable_extensions=extensions), RendererHTML)
    stray: list[str] = []

    def walk(text: str) -> None:
        for token in md.parse(text):
            if token.type == "colon_fence":  # an exercise or a solution: parse its body
                walk("\n".join(ln for ln in token.content.splitlines() if ln[:1] != ":"))
            for child in token.children or []:
                if child.type == "text" and "$" in child.content:
                    stray.append(child.content)

    walk(exercises(page))
    assert stray == []


SNIPPET = re.compile(r"^( *)```python\n(.*?)^\1```", re.MULTILINE | re.DOTALL)


def run_snippets(page: str, capsys: pytest.CaptureFixture[str]) -> str:
    """Run the page's solution code, warnings as errors, and return what it prints."""
    blocks = [textwrap.dedent(code) for _, code in SNIPPET.findall(exercises(page))]
    assert blocks
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for code in blocks:
            exec(compile(code, f"{page}.md", "exec"), {"__name__": "snippet"})
    return capsys.readouterr().out


def test_the_bisection_code_of_the_float32_solution_prints_the_stated_floats(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run_snippets(WRONG, capsys) == "16.635532 7.625\n"


def test_the_finite_difference_code_of_the_solution_prints_the_stated_errors(
    capsys: pytest.CaptureFixture[str],
) -> None:
    lines = run_snippets(GRADIENTS, capsys).splitlines()
    assert lines[:2] == ["h = 0.01: largest error 2.1e-03", "h = 0.001: largest error 2.1e-05"]
    steps = [f"h = {h:g}" for h in (1e-2, 1e-3, 1e-5, 1e-8, 1e-11)]
    assert [line.split(":")[0] for line in lines] == steps
