"""The exercises that end the chapters sgd, momentum and nesterov.

Each page's ``## Exercises`` section is checked for its form: it is the last section,
it holds 3 to 6 exercises, each followed by its collapsed solution with the matching
label, the labels are unique on the site and no page links to a solution, the
prediction exercises link gallery examples that exist, and the section ends with the
pointer to the chapter's programming notebook. Every number a solution states is
computed here and must appear, rounded as printed, in that solution's text.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

import descend
from descend import schedules
from descend.analysis import momentum_rate
from descend.datasets import textbook_gabor, textbook_linear
from descend.landscapes import DataLoss
from descend.minibatches import minibatches
from descend.models import Gabor, Linear
from descend.schedules import Schedule

Array = np.ndarray

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
NOTEBOOKS = {"sgd": "minibatches", "momentum": "momentum", "nesterov": "Nesterov"}

EXERCISE = re.compile(
    r"^:::\{exercise\} (?P<title>[^\n]+)\n:label: (?P<label>ex-[\w-]+)\n(?P<body>.*?)^:::$",
    re.MULTILINE | re.DOTALL,
)
SOLUTION = re.compile(
    r"^::::\{solution\} (?P<target>[\w-]+)\n:label: (?P<label>[\w-]+)\n"
    r":class: dropdown\n(?P<body>.*?)^::::$",
    re.MULTILINE | re.DOTALL,
)
GALLERY_REF = re.compile(r"\{ref\}`(sphx_glr_auto_examples_[\w.]+)`")

# The momentum notebook's run (textbook notebook 6.4), as in the gallery examples.
START = np.array([-1.5, 6.5])
ALPHA, STEPS, BATCH = 0.6, 81, 5


# --- reading the pages --------------------------------------------------------------------


def page_text(page: str) -> str:
    return (DOCS / f"{page}.md").read_text(encoding="utf-8")


def section(page: str) -> str:
    """The page's exercise section, from its heading to the end."""
    text = page_text(page)
    return text[text.index("\n## Exercises\n") :]


def flat(text: str) -> str:
    return " ".join(text.split())


def exercise_text(page: str, slug: str) -> str:
    label = f"ex-{page}-{slug}"
    found = [m["body"] for m in EXERCISE.finditer(section(page)) if m["label"] == label]
    assert len(found) == 1, label
    return flat(found[0])


def solution_text(page: str, slug: str) -> str:
    target = f"ex-{page}-{slug}"
    found = [m["body"] for m in SOLUTION.finditer(section(page)) if m["target"] == target]
    assert len(found) == 1, target
    return flat(found[0])


def assert_stated(page: str, slug: str, *numbers: str) -> None:
    """Each of ``numbers``, formatted as the solution prints it, is in the solution."""
    text = solution_text(page, slug)
    assert [n for n in numbers if n not in text] == []


def sci(value: float | np.floating) -> str:
    """``value`` as the pages write it, e.g. ``2.75 \\times 10^{-2}``."""
    mantissa, exponent = f"{value:.2e}".split("e")
    return f"{mantissa} \\times 10^{{{int(exponent)}}}"


def sci1(value: float | np.floating) -> str:
    """``value`` with one decimal in the mantissa, e.g. ``7.5 \\times 10^{-7}``."""
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa} \\times 10^{{{int(exponent)}}}"


# --- the form of the exercise sections ----------------------------------------------------


@pytest.mark.parametrize("page", list(NOTEBOOKS))
def test_the_exercises_are_the_last_section_of_the_chapter(page: str) -> None:
    headings = re.findall(r"^## (.+)$", page_text(page), re.MULTILINE)
    assert headings[-1] == "Exercises"
    assert headings.count("Exercises") == 1


@pytest.mark.parametrize("page", list(NOTEBOOKS))
def test_each_exercise_is_followed_by_its_collapsed_solution(page: str) -> None:
    text = section(page)
    exercises = list(EXERCISE.finditer(text))
    solutions = list(SOLUTION.finditer(text))
    assert 3 <= len(exercises) <= 6
    assert [s["target"] for s in solutions] == [e["label"] for e in exercises]
    for ex, sol in zip(exercises, solutions, strict=True):
        assert ex["label"].startswith(f"ex-{page}-")
        assert sol["label"] == "sol-" + ex["label"].removeprefix("ex-")
        assert ex.end() < sol.start()  # the solution comes after its exercise...
        assert text[ex.end() : sol.start()].strip() == ""  # ...directly
    # Every directive of the section is one of these blocks.
    assert text.count(":::{exercise}") == len(exercises)
    assert text.count("{solution}") == len(solutions)
    assert text.count(":class: dropdown") == len(solutions)


def test_the_exercise_labels_are_unique_on_the_site() -> None:
    labels = [
        label
        for path in sorted(DOCS.glob("*.md"))
        for label in re.findall(r"^:label: ((?:ex|sol)-[\w-]+)$", path.read_text("utf-8"), re.M)
    ]
    mine = [label for label in labels if re.match(r"(ex|sol)-(sgd|momentum|nesterov)-", label)]
    assert len(mine) >= 2 * 3 * len(NOTEBOOKS)
    assert [label for label in set(mine) if labels.count(label) > 1] == []


def test_no_page_links_to_a_solution_and_no_exercise_depends_on_one() -> None:
    for path in sorted(DOCS.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        assert (
            re.findall(r"\{(?:ref|numref|prf:ref)\}`[^`]*sol-(?:sgd|momentum|nesterov)-", text)
            == []
        )
    for page in NOTEBOOKS:
        for m in EXERCISE.finditer(section(page)):
            assert "sol-" not in m["body"]


@pytest.mark.parametrize(("page", "notebook"), list(NOTEBOOKS.items()))
def test_the_section_ends_with_the_pointer_to_the_programming_notebook(
    page: str, notebook: str
) -> None:
    last = section(page).rstrip().splitlines()[-1]
    assert last == f"Programming exercise: the notebook *{notebook}* on {{doc}}`exercises`."


@pytest.mark.parametrize("page", list(NOTEBOOKS))
def test_the_predictions_link_gallery_examples_that_exist(page: str) -> None:
    examples = {
        f"sphx_glr_auto_examples_{script.parent.name}_{script.name}"
        for script in (ROOT / "gallery").glob("*/plot_*.py")
    }
    bodies = [m["body"] for m in EXERCISE.finditer(section(page))]
    linked = [set(GALLERY_REF.findall(body)) for body in bodies]
    assert sum(1 for refs in linked if refs) >= 2
    assert set().union(*linked) <= examples


@pytest.mark.parametrize("page", list(NOTEBOOKS))
def test_the_equations_and_figures_the_exercises_cite_exist(page: str) -> None:
    text = section(page)
    equations = {
        label
        for path in DOCS.glob("*.md")
        for label in re.findall(r"^\s*\$\$ \(([\w-]+)\)\s*$", path.read_text("utf-8"), re.M)
    }
    figures = set(re.findall(r"^:name: (fig-[\w-]+)$", page_text(page), re.M))
    assert set(re.findall(r"\{eq\}`([\w-]+)`", text)) <= equations
    assert set(re.findall(r"\{numref\}`([\w-]+)`", text)) <= figures


# --- sgd.md -------------------------------------------------------------------------------


def gabor_problem() -> DataLoss:
    x, y = textbook_gabor()
    return DataLoss(Gabor(32.0), x, y)


def linear_problem() -> tuple[DataLoss, Array, Array]:
    """The textbook's line: the problem, its Hessian 2 X^T X and its minimum."""
    x, y = textbook_linear()
    X = np.stack([np.ones_like(x), x], axis=1)
    return DataLoss(Linear(), x, y), 2 * X.T @ X, np.linalg.lstsq(X, y, rcond=None)[0]


def test_sgd_batches_with_replacement_are_noisier_by_the_factor_stated() -> None:
    problem = gabor_problem()
    n, B = len(problem), 5  # I = n examples
    grads = np.array([problem.subset([i]).grad(START) for i in range(n)])
    mean = grads.mean(axis=0)
    sigma2 = float(np.mean(np.sum((grads - mean) ** 2, axis=1)))
    batches = np.array(list(itertools.combinations(range(n), B)))
    noise = float(np.mean(np.sum((grads[batches].mean(axis=1) - mean) ** 2, axis=1)))
    without = sigma2 / B * (n - B) / (n - 1)
    assert noise == pytest.approx(without, rel=1e-12)  # sgd-variance, exhaustively
    ratio = (n - B) / (n - 1)
    assert_stated(
        "sgd", "with-replacement",
        f"{n - B}/{n - 1} = {ratio:.3f}", f"{100 * (1 - ratio):.1f}%",
        f"{(1 - 1 / n) ** n:.3f}", f"{n * (1 - 1 / n) ** n:.2f} of the 30",
        f"\\sigma_1^2 = {sigma2:.3f}", f"{noise:.4f}", f"{sigma2 / B:.4f}",
        f"= {mean @ mean:.4f}", f"{len(batches):,} batches",
        f"{noise / (mean @ mean):.2f} times", f"{math.sqrt(noise / (mean @ mean)):.2f} times",
    )  # fmt: skip


def unused_distribution(n: int, B: int, steps: int) -> dict[int, float]:
    """Exact distribution of the number of the n examples that per-step batches leave unused."""
    used = {0: 1.0}
    for _ in range(steps):
        after: dict[int, float] = {}
        for u, p in used.items():
            for new in range(B + 1):  # new examples in this batch: hypergeometric
                if new <= n - u and B - new <= u:
                    w = math.comb(n - u, new) * math.comb(u, B - new) / math.comb(n, B)
                    after[u + new] = after.get(u + new, 0.0) + p * w
        used = after
    return {n - u: p for u, p in used.items()}


def test_sgd_per_step_epoch_leaves_the_stated_number_of_examples_unused() -> None:
    n, B, steps = 30, 5, 6  # I = n examples
    p = [math.comb(steps, k) * (B / n) ** k * (1 - B / n) ** (steps - k) for k in range(7)]
    both = ((n - B) * (n - B - 1) / (n * (n - 1))) ** steps
    var = n * p[0] * (1 - p[0]) + n * (n - 1) * (both - p[0] ** 2)
    exact = unused_distribution(n, B, steps)
    mean = sum(k * q for k, q in exact.items())
    assert mean == pytest.approx(n * p[0], rel=1e-12)
    assert sum(k * k * q for k, q in exact.items()) - mean**2 == pytest.approx(var, rel=1e-12)
    # The figure's claim: the notebooks' first six batches (seed 1) leave 9 unused.
    first = minibatches(n, B, epochs=1, rng=np.random.RandomState(1), sampling="per_step")
    assert n - len(np.unique(np.concatenate([b.indices for b in first]))) == 9
    # The library's per-step sampling agrees with the theory.
    counts = np.zeros((10_000, n), dtype=int)
    for b in minibatches(n, B, epochs=10_000, rng=np.random.default_rng(0), sampling="per_step"):
        counts[b.epoch, b.indices] += 1
    unused = (counts == 0).sum(axis=1)
    assert unused.mean() == pytest.approx(n * p[0], abs=0.1)
    assert unused.std() == pytest.approx(math.sqrt(var), abs=0.1)
    assert_stated(
        "sgd", "unused-examples",
        f"(5/6)^6 = {p[0]:.3f}", f"(5/6)^5 = {p[1]:.3f}", f"${1 - p[0] - p[1]:.3f}$",
        f"${n * p[0]:.2f}$ unused", f"${n * p[1]:.2f}$ used once",
        f"${n * (1 - p[0] - p[1]):.2f}$ used twice",
        f"(29/30)^{{30}} = {(29 / 30) ** 30:.3f}", f"${30 * (29 / 30) ** 30:.2f}$",
        f"I/e = {n / math.e:.2f}",
        f"(600/870)^6 = {both:.3f}", f"= {var:.2f}", f"deviation of ${math.sqrt(var):.2f}$",
        f"${(n * p[0] - 9) / math.sqrt(var):.2f}$ standard deviations",
        f"${sum(q for k, q in exact.items() if k <= 9):.3f}$",
    )  # fmt: skip


def test_sgd_with_a_batch_of_all_the_data_is_gradient_descent() -> None:
    problem, phi0 = gabor_problem(), [-2.5, 11.5]
    gd = descend.fit(descend.GradientDescent(0.15), problem, phi0, steps=50)
    for seed in range(3):
        sgd = descend.fit(
            descend.GradientDescent(0.15), problem, phi0, epochs=50, batch_size=30, rng=seed
        )
        assert sgd.steps == 50
        assert np.abs(sgd.phi - gd.phi).max() < 1e-13
    long = descend.fit(descend.GradientDescent(0.15), problem, phi0, steps=300)
    a, b = np.round(gd.final_phi, 2)
    assert_stated(
        "sgd", "full-batch",
        f"loss of ${gd.final_loss:.3f}$ at $({a:.2f}, {b:.2f})$", f"end at {long.final_loss:.2f}",
    )  # fmt: skip


def fixed_and_cosine_runs(alpha0: float) -> dict[str, Array]:
    """Final iterates of the schedules example's FixedLR and cosine runs, 8 seeds."""
    problem, _, _ = linear_problem()
    T, finals = 96, {}
    runs: list[tuple[str, Schedule]] = [
        ("fixed", schedules.FixedLR(alpha0)),
        ("cosine", schedules.CosineAnnealingLR(alpha0, T_max=T)),
    ]
    for name, schedule in runs:
        finals[name] = np.array([
            descend.fit(descend.SGD(lr=schedule), problem, np.zeros(2), epochs=32, batch_size=4,
                        rng=seed).final_phi
            for seed in range(8)
        ])  # fmt: skip
    return finals


def test_sgd_doubling_the_rate_raises_the_fixed_rates_floor_sevenfold() -> None:
    problem, H, phi_star = linear_problem()
    lam, Q = np.linalg.eigh(H)  # ascending: flat, steep
    L_star = problem.loss(phi_star)
    lam_batch = 4 / 12 * lam

    def factor(a: float, curvature: float) -> float:
        return 2 * (2 - a * curvature) / (2 - 2 * a * curvature)

    # excess loss along each eigenvector, mean over the seeds
    parts, excess = {}, {}
    for alpha0 in (0.05, 0.1):
        for name, finals in fixed_and_cosine_runs(alpha0).items():
            parts[name, alpha0] = np.mean(0.5 * lam * ((finals - phi_star) @ Q) ** 2, axis=0)
            excess[name, alpha0] = np.mean([problem.loss(p) for p in finals]) - L_star
            assert parts[name, alpha0].sum() == pytest.approx(excess[name, alpha0], rel=1e-9)
    fixed05, fixed1 = parts["fixed", 0.05], parts["fixed", 0.1]
    cos05, cos1 = parts["cosine", 0.05], parts["cosine", 0.1]
    assert_stated(
        "sgd", "double-alpha",
        f"\\cdot {lam[1]:.2f} = {lam_batch[1]:.2f}", f"from ${0.05 * lam_batch[1]:.3f}$",
        f"to ${0.1 * lam_batch[1]:.3f}$", f"= {factor(0.05, lam_batch[1]):.2f}",
        f"about ${excess['fixed', 0.05] * factor(0.05, lam_batch[1]):.2f}$",
        f"would be ${factor(0.05, lam_batch[0]):.2f}$", f"\\approx {lam[0]:.3f}",
        f"share ${fixed05[0] / fixed05.sum():.3f}$", f"holds ${fixed05[1] / fixed05.sum():.3f}$",
        f"from ${sci(excess['fixed', 0.05])}$ to ${sci(excess['fixed', 0.1])}$",
        f"{excess['fixed', 0.1] / excess['fixed', 0.05]:.2f} times",
        f"grows {fixed1[1] / fixed05[1]:.2f}-fold",
        f"from ${sci(excess['cosine', 0.05])}$ to ${sci(excess['cosine', 0.1])}$",
        f"share ${cos05[0] / cos05.sum():.2f}$", f"cuts that part {cos05[0] / cos1[0]:.1f}-fold",
        f"grows only {cos1[1] / cos05[1]:.1f}-fold",
    )  # fmt: skip
    # The exercise quotes the figure's numbers at alpha0 = 0.05.
    text = exercise_text("sgd", "double-alpha")
    assert sci(excess["fixed", 0.05]) in text
    assert sci(excess["cosine", 0.05]) in text


def test_sgd_schedule_totals_and_last_rates() -> None:
    T = 96
    expo = schedules.ExponentialLR(0.05, gamma=0.96)
    cosine = schedules.CosineAnnealingLR(0.05, T_max=T)
    expo_sum = sum(expo(t) for t in range(T))
    cos_sum = sum(cosine(t) for t in range(T))
    assert sum(math.cos(math.pi * t / T) for t in range(T)) == pytest.approx(1.0, abs=1e-12)
    assert cos_sum == pytest.approx(0.025 * (T + 1), rel=1e-12)
    assert expo_sum == pytest.approx(0.05 * (1 - 0.96**T) / 0.04, rel=1e-12)
    problem, _, phi_star = linear_problem()
    named: list[tuple[str, Schedule]] = [("expo", expo), ("cosine", cosine)]
    final = {
        name: np.mean([
            descend.fit(descend.SGD(lr=s), problem, np.zeros(2), epochs=32, batch_size=4,
                        rng=seed).final_loss
            for seed in range(8)
        ]) - problem.loss(phi_star)
        for name, s in named
    }  # fmt: skip
    assert_stated(
        "sgd", "schedule-sums",
        f"1.25\\,(1 - {0.96**T:.4f}) = {expo_sum:.3f}", f"{100 * expo_sum / 1.25:.0f}%",
        f"0.96^{{95}} = {sci(expo(T - 1))}", f"= {cos_sum:.3f}",
        f"\\cos(95\\pi/96)\\big) = {sci(cosine(T - 1))}",
        f"travels $0.05 \\cdot 96 = {0.05 * T:.2f}$",
        f"rate {expo(T - 1) / cosine(T - 1):.0f} times smaller",
        f"at ${sci(final['cosine'])}$ against ${sci(final['expo'])}$",
    )  # fmt: skip


# --- momentum.md --------------------------------------------------------------------------


def notebook_run(
    optimizer: descend.Optimizer, seed: int = 1, steps: int = STEPS
) -> descend.Trajectory:
    return descend.fit(
        optimizer, gabor_problem(), START, steps=steps, batch_size=BATCH,
        rng=np.random.RandomState(seed), sampling="per_step",
    )  # fmt: skip


@pytest.mark.parametrize(("beta", "first"), [(0.6, 9), (0.9, 43), (0.99, 458)])
def test_momentum_weights_reach_099_at_the_stated_step(beta: float, first: int) -> None:
    opt = descend.Momentum(1.0, beta)
    phi: Array = np.zeros(1)
    state = opt.init(phi)
    weights = [float(state["m"][0])]  # m_0
    for _ in range(first + 1):
        phi, state = opt.step(phi, np.ones(1), state)  # constant gradient 1
        weights.append(float(state["m"][0]))  # m_1, m_2, ...
    np.testing.assert_allclose(weights, 1 - beta ** np.arange(len(weights)), rtol=1e-12)
    # Step t computes m_{t+1}: the first step with weights >= 0.99 is t = first.
    assert weights[first + 1] >= 0.99 > weights[first]
    bound = math.log(0.01) / math.log(beta)
    assert first + 1 == math.ceil(bound)
    decimals = 2 if beta == 0.6 else 1
    assert_stated(
        "momentum", "weights",
        f"= {bound:.{decimals}f}$" if beta == 0.6 else f"${bound:.1f}$",
        f"m_{{{first + 1}}}", f"t = {first}", f"{math.log(100) / (1 - beta):.1f}",
        f"${1 - beta:g}$ for $\\beta = {beta:g}$",
    )  # fmt: skip
    if beta == 0.6:
        assert_stated("momentum", "weights", f"0.6^9 = {0.6**9:.4f}")


def test_momentum_first_step_is_the_fraction_one_minus_beta_of_a_gradient_step() -> None:
    g = np.array([0.3, -1.2])
    for beta in (0.6, 0.9, 0.99):
        opt = descend.Momentum(0.5, beta)
        phi1, _ = opt.step(np.zeros(2), g, opt.init(np.zeros(2)))
        np.testing.assert_allclose(phi1, -0.5 * (1 - beta) * g, rtol=1e-12)


def test_momentum_shrinks_the_noise_variance_as_stated() -> None:
    stated = []
    for beta in (0.6, 0.9):
        rng = np.random.default_rng(0)
        opt = descend.Momentum(1.0, beta)
        phi: Array = np.zeros(100_000)
        state = opt.init(phi)
        for _ in range(200):
            phi, state = opt.step(phi, rng.standard_normal(phi.shape), state)
        factor = (1 - beta) / (1 + beta)
        measured = float(np.var(state["m"]))
        assert measured == pytest.approx(factor, rel=0.02)
        stated += [f"{math.sqrt(factor):.3f}" if beta == 0.9 else f"{math.sqrt(factor):.1f}",
                   f"${(1 + beta) / (1 - beta):.0f}$", f"${1 / (1 - beta):g}$"]  # fmt: skip
        stated.append(f"{measured:.3f}$ for" if beta == 0.6 else f"${measured:.4f}$ for")
    stated += [f"{0.4 / 1.6:.2f}", f"1/19 = {1 / 19:.4f}"]
    assert_stated("momentum", "noise", *stated)


def path_length(phi: Array) -> float:
    return float(np.linalg.norm(np.diff(phi, axis=0), axis=1).sum())


def test_momentum_with_beta_099_is_smooth_and_slow_then_overshoots() -> None:
    slow, usual = (
        notebook_run(descend.Momentum(ALPHA, 0.99)),
        notebook_run(descend.Momentum(ALPHA, 0.6)),
    )
    assert path_length(slow.phi) < path_length(usual.phi)
    longer = notebook_run(descend.Momentum(ALPHA, 0.99), steps=600)
    np.testing.assert_array_equal(longer.phi[: STEPS + 1], slow.phi)  # the same batches
    peak = int(np.argmax(longer.phi[:, 1]))
    thousand = notebook_run(descend.Momentum(ALPHA, 0.99), steps=1000)
    nesterov = notebook_run(descend.NesterovMomentum(ALPHA, 0.99, lookahead="slide"))
    # The best fit's phi_1, by gradient descent from near it.
    best = descend.fit(descend.GradientDescent(0.01), gabor_problem(), [0.0, 16.0], steps=5000)
    assert np.linalg.norm(gabor_problem().grad(best.final_phi)) < 1e-6
    draws = {
        beta: [notebook_run(descend.Momentum(ALPHA, beta), seed) for seed in range(30)]
        for beta in (0.6, 0.99)
    }
    other = {b: sum(abs(r.final_phi[0]) > 2 for r in runs) for b, runs in draws.items()}
    mean = {b: np.mean([r.final_loss for r in runs]) for b, runs in draws.items()}
    s0, s1 = np.round(slow.final_phi, 3)
    u0, u1 = np.round(usual.final_phi, 3)
    assert_stated(
        "momentum", "beta-099",
        f"1 - 0.99^{{81}} = {1 - 0.99**81:.3f}", "0.01/1.99 = 1/199",
        f"$({s0:.3f}, {s1:.3f})$ with a loss of ${slow.final_loss:.3f}$",
        f"${usual.final_loss:.3f}$ at $({u0:.3f}, {u1:.2f})$",
        f"${path_length(slow.phi):.2f}$ long",
        f"${np.linalg.norm(slow.phi[-1] - slow.phi[0]):.2f}$",
        f"${path_length(usual.phi):.2f}$ for", f"\\approx {best.final_phi[1]:.2f}",
        f"\\phi_1 = {longer.phi[peak, 1]:.2f}$ at step {peak}", f"${thousand.final_loss:.3f}$",
        f"loss ${nesterov.final_loss:.3f}$",
        f"({other[0.99]} of 30, against {other[0.6]} of 30",
        f"${mean[0.99]:.3f}$, against ${mean[0.6]:.3f}$",
    )  # fmt: skip
    assert f"{usual.final_loss:.3f}" in exercise_text("momentum", "beta-099")


def test_momentum_stability_limit_on_the_textbook_line() -> None:
    problem, H, phi_star = linear_problem()
    lam_max = float(np.linalg.eigvalsh(H)[-1])
    limits = {beta: 2 * (1 + beta) / ((1 - beta) * lam_max) for beta in (0.0, 0.6, 0.9)}
    for beta, limit in limits.items():  # the derivation agrees with the matrix's eigenvalues
        assert (
            momentum_rate(0.999 * limit, beta, lam_max)
            < 1
            < momentum_rate(1.001 * limit, beta, lam_max)
        )
    errors = {}
    for factor in (0.98, 1.02):
        run = descend.fit(
            descend.Momentum(factor * limits[0.9], 0.9), problem, [0.0, 0.0], steps=300
        )
        errors[factor] = float(np.linalg.norm(run.final_phi - phi_star))
    start = float(np.linalg.norm(phi_star))
    assert errors[0.98] < 1e-6 < 1e6 < errors[1.02]
    assert_stated(
        "momentum", "stability",
        f"2/{lam_max:.2f} = {limits[0.0]:.4f}", f"= {limits[0.6]:.3f}$", f"= {limits[0.9]:.3f}$",
        f"= {limits[0.6] / limits[0.0]:.0f}$", f"${limits[0.9] / limits[0.0]:.0f}$ times",
        f"${2 * 1.6 / lam_max:.4f}$ and ${2 * 1.9 / lam_max:.4f}$", "$1.6$ and $1.9$ times",
        f"from ${start:.3f}$", f"to ${sci1(errors[0.98])}$", f"to ${sci1(errors[1.02])}$",
    )  # fmt: skip
    assert f"{lam_max:.2f}" in exercise_text("momentum", "stability")


class Slope:
    """The linear loss g . phi: the same gradient everywhere."""

    def __init__(self, g: Array) -> None:
        self.g = g

    def loss(self, phi: Array) -> float:
        return float(self.g @ phi)

    def grad(self, phi: Array) -> Array:
        return self.g


def test_momentum_notebook_in_pytorchs_form() -> None:
    lecture = notebook_run(descend.Momentum(0.6, 0.6))
    torch_form = notebook_run(descend.SGD(lr=0.6 * 0.4, momentum=0.6))
    assert np.abs(lecture.phi - torch_form.phi).max() < 1e-12
    copied = notebook_run(descend.SGD(lr=0.6, momentum=0.6))
    converted = notebook_run(descend.Momentum(0.6 / 0.4, 0.6))
    np.testing.assert_allclose(copied.phi, converted.phi, rtol=0, atol=1e-10)
    g = np.array([0.6, 0.8])
    forms: list[tuple[str, descend.Optimizer]] = [
        ("copied", descend.SGD(lr=0.6, momentum=0.6)),
        ("notebook", descend.Momentum(0.6, 0.6)),
    ]
    steps = {}  # the length of the 100th step on a steady slope
    for name, opt in forms:
        phi = descend.fit(opt, Slope(g), np.zeros(2), steps=100).phi
        steps[name] = np.linalg.norm(phi[-1] - phi[-2])
    a, b = np.round(copied.final_phi, 2)
    assert_stated(
        "momentum", "pytorch",
        f"0.6 \\cdot 0.4 = {0.6 * 0.4:g}",
        f"${steps['copied'] / steps['notebook']:.1f}$ times longer",
        f"\\alpha = \\text{{lr}}/(1 - \\mu) = {0.6 / 0.4:g}$",
        f"same loss, ${lecture.final_loss:.3f}$",
        f"$({a:.2f}, {b:.2f})$ with a loss of ${copied.final_loss:.3f}$",
    )  # fmt: skip


# --- nesterov.md --------------------------------------------------------------------------


def look_ahead(phi: Array, reach: float) -> Array:
    """The points phi~_0, ..., phi~_{T-1} where the gradients were taken."""
    psi = phi[:-1].copy()
    psi[1:] += reach * (phi[1:-1] - phi[:-2])
    return psi


def test_nesterov_look_ahead_distances_and_misses() -> None:
    beta = 0.6
    problem = gabor_problem()
    batches = list(minibatches(len(problem), BATCH, epochs=14, rng=np.random.RandomState(1),
                               sampling="per_step"))[:STEPS]  # fmt: skip
    gaps, misses = {}, {}
    for lookahead, reach in [("slide", 1.0), ("momentum", beta)]:
        phi = notebook_run(descend.NesterovMomentum(ALPHA, beta, lookahead=lookahead)).phi  # type: ignore[arg-type]
        psi = look_ahead(phi, reach)
        m = np.zeros_like(phi)  # m_t = (phi_{t-1} - phi_t) / alpha
        m[1:] = (phi[:-1] - phi[1:]) / ALPHA
        g = np.array([problem.subset(b.indices).grad(p) for b, p in zip(batches, psi, strict=True)])
        miss = psi - phi[1:]
        expected = ALPHA * (1 - beta) * (g - m[:-1] if lookahead == "slide" else g)
        np.testing.assert_allclose(miss, expected, rtol=1e-9, atol=1e-12)  # part 2
        gaps[lookahead] = np.linalg.norm(psi - phi[:-1], axis=1)[1:].mean()
        misses[lookahead] = np.linalg.norm(miss, axis=1)[1:].mean()
    assert_stated(
        "nesterov", "lookahead-ratio",
        f"5/3 = {1 / 0.6:.3f}", f"${1 / 0.9:.3f}$",
        f"{gaps['slide']:.3f} / {gaps['momentum']:.3f} = {gaps['slide'] / gaps['momentum']:.3f}",
    )  # fmt: skip
    text = exercise_text("nesterov", "lookahead-ratio")
    assert f"{gaps['slide']:.3f} (slide) and {gaps['momentum']:.3f} (default)" in text
    assert f"{misses['slide']:.3f} and {misses['momentum']:.3f} from" in text
    assert misses["momentum"] < misses["slide"]


@dataclass
class LookAheads:
    """The slide's and the default's look-ahead on the notebook's batches, for one beta."""

    apart: float  # largest distance between the two paths (seed 1)
    at: int  # the step where it occurs
    losses: tuple[float, float]  # final losses (slide, default), seed 1
    gaps: tuple[float, float]  # mean |phi~_t - phi_t|
    misses: tuple[float, float]  # mean |phi~_t - phi_{t+1}|
    close: int  # draws of 30 whose final losses differ by less than 0.01
    slide_lower: int
    default_lower: int


def look_aheads(beta: float) -> LookAheads:
    def pair(seed: int) -> tuple[descend.Trajectory, descend.Trajectory]:
        slide = notebook_run(descend.NesterovMomentum(ALPHA, beta, lookahead="slide"), seed)
        return slide, notebook_run(descend.NesterovMomentum(ALPHA, beta), seed)

    def mean_distance(run: descend.Trajectory, reach: float, shift: int) -> float:
        psi = look_ahead(run.phi, reach)
        return float(np.linalg.norm(psi - run.phi[shift : shift + len(psi)], axis=1)[1:].mean())

    slide, default = pair(1)
    apart = np.linalg.norm(slide.phi - default.phi, axis=1)
    finals = np.array([[r.final_loss for r in pair(seed)] for seed in range(30)])
    return LookAheads(
        apart=float(apart.max()),
        at=int(apart.argmax()),
        losses=(slide.final_loss, default.final_loss),
        gaps=(mean_distance(slide, 1.0, 0), mean_distance(default, beta, 0)),
        misses=(mean_distance(slide, 1.0, 1), mean_distance(default, beta, 1)),
        close=int((np.abs(finals[:, 0] - finals[:, 1]) < 0.01).sum()),
        slide_lower=int((finals[:, 0] < finals[:, 1]).sum()),
        default_lower=int((finals[:, 1] < finals[:, 0]).sum()),
    )


def test_nesterov_the_two_look_aheads_stay_closer_with_beta_09() -> None:
    s6, s9 = look_aheads(0.6), look_aheads(0.9)
    assert s9.apart < s6.apart
    assert s9.slide_lower == s9.default_lower
    assert_stated(
        "nesterov", "beta-09",
        f"at most ${s9.apart:.3f}$ (at step {s9.at})", f"{s6.apart / s9.apart:.0f} times less",
        f"${s9.losses[0]:.3f}$ (slide) and ${s9.losses[1]:.3f}$ (default)",
        f"${s9.gaps[0]:.3f}$ and ${s9.gaps[1]:.3f}$, a ratio of ${s9.gaps[0] / s9.gaps[1]:.3f}$",
        f"${s9.misses[0]:.3f}$ and ${s9.misses[1]:.3f}$ from",
        f"in {s9.close} draws, against {s6.close} with", f"ends lower in {s9.slide_lower}",
    )  # fmt: skip
    text = exercise_text("nesterov", "beta-09")
    assert (
        f"up to {s6.apart:.3f} and end at losses of {s6.losses[0]:.3f} and {s6.losses[1]:.3f}"
        in text
    )


def test_nesterov_gradient_points_obey_the_stated_two_step_recurrences() -> None:
    problem = gabor_problem()
    alpha, beta, steps = 0.2, 0.9, 80
    lr, mu = alpha * (1 - beta), beta
    torch_path = descend.fit(descend.SGD(lr=lr, momentum=mu, nesterov=True), problem, START,
                             steps=steps).phi  # fmt: skip
    # PyTorch's recurrence (part 1), and the lecture's look-ahead points (part 2).
    default = look_ahead(descend.fit(descend.NesterovMomentum(alpha, beta), problem, START,
                                     steps=steps + 1).phi, beta)  # fmt: skip
    np.testing.assert_allclose(default, torch_path, rtol=0, atol=1e-12)
    coefficients = {
        "torch": (lr * (1 + mu), lr * mu),
        "slide": (2 * alpha * (1 - beta), alpha * (1 - beta)),
    }
    slide = look_ahead(descend.fit(descend.NesterovMomentum(alpha, beta, lookahead="slide"),
                                   problem, START, steps=steps + 1).phi, 1.0)  # fmt: skip
    for name, points in [("torch", torch_path), ("slide", slide)]:
        new, old = coefficients[name]
        g = np.array([problem.grad(p) for p in points])
        d = np.diff(points, axis=0)
        np.testing.assert_allclose(d[0], -new * g[0], rtol=1e-12)  # the first step
        residual = d[1:] - beta * d[:-1] + new * g[1:-1] - old * g[:-2]
        assert np.abs(residual).max() < 1e-12
    # No lr, mu reproduce the slide's rule: its gradient coefficients are 2 : 1.
    assert coefficients["slide"][0] / coefficients["slide"][1] == pytest.approx(2.0)
    assert (1 + mu) / mu > 2
    assert np.abs(slide - torch_path).max() > 1e-3


def nesterov_matrix(mu: float, nu_lam: float) -> Array:
    """One step of Sutskever's Nesterov rule on L = lambda phi^2 / 2, acting on (phi, u)."""
    k = 1 - nu_lam
    return np.array([[k, mu * k], [-nu_lam, mu * k]])


def test_nesterov_matrix_is_one_step_of_the_library_rule() -> None:
    lam, alpha, beta = 3.0, 0.1, 0.8

    class Parabola:
        def loss(self, phi: Array) -> float:
            return float(lam / 2 * phi @ phi)

        def grad(self, phi: Array) -> Array:
            return lam * phi

    run = descend.fit(descend.NesterovMomentum(alpha, beta), Parabola(), [1.0], steps=20)
    state = np.array([1.0, 0.0])  # (phi_0, u_0)
    N = nesterov_matrix(beta, alpha * (1 - beta) * lam)
    assert np.trace(N) == pytest.approx((1 + beta) * (1 - alpha * (1 - beta) * lam))
    assert np.linalg.det(N) == pytest.approx(beta * (1 - alpha * (1 - beta) * lam))
    for t in range(21):
        assert run.phi[t, 0] == pytest.approx(state[0], rel=1e-12, abs=1e-15)
        state = N @ state


@pytest.mark.parametrize("mu", [0.0, 0.3, 0.6, 0.9, 0.99])
def test_nesterov_stability_limit_is_where_an_eigenvalue_reaches_minus_one(mu: float) -> None:
    limit = 2 * (1 + mu) / (1 + 2 * mu)

    def radius(nu_lam: float) -> float:
        return float(np.abs(np.linalg.eigvals(nesterov_matrix(mu, nu_lam))).max())

    assert radius(0.999 * limit) < 1 < radius(1.001 * limit)
    assert all(radius(s) < 1 for s in np.linspace(1e-3, 0.999, 50) * limit)


def test_nesterov_stability_limit_on_the_textbook_line() -> None:
    problem, H, phi_star = linear_problem()
    lam_max = float(np.linalg.eigvalsh(H)[-1])
    beta = 0.9
    limit = 2 * (1 + beta) / ((1 + 2 * beta) * (1 - beta) * lam_max)
    momentum_limit = 2 * (1 + beta) / ((1 - beta) * lam_max)
    errors = {}
    for factor in (0.98, 1.02):
        opt = descend.NesterovMomentum(factor * limit, beta)
        errors[factor] = float(
            np.linalg.norm(descend.fit(opt, problem, [0.0, 0.0], steps=300).final_phi - phi_star)
        )
    assert errors[0.98] < 1e-6 < 1e6 < errors[1.02]
    assert_stated(
        "nesterov", "stability",
        f"\\cdot {lam_max:.2f}}} = {limit:.3f}",
        f"{limit / (2 / lam_max):.1f} times gradient descent's ${2 / lam_max:.4f}$",
        f"${momentum_limit:.3f}$, $1 + 2\\beta = {momentum_limit / limit:.1f}$", "$4/3$",
        f"from ${np.linalg.norm(phi_star):.3f}$",
        f"${sci1(errors[0.98])}$", f"${sci1(errors[1.02])}$",
    )  # fmt: skip


# --- the code in the solutions prints what the comments say -------------------------------


def solution_code(page: str, slug: str) -> str:
    target = f"ex-{page}-{slug}"
    body = next(m["body"] for m in SOLUTION.finditer(section(page)) if m["target"] == target)
    blocks = re.findall(r"^( *)```python\n(.*?)^\1```", body, re.MULTILINE | re.DOTALL)
    assert len(blocks) == 1
    indent, code = blocks[0]
    return "\n".join(line.removeprefix(indent) for line in code.splitlines())


@pytest.mark.parametrize(
    ("page", "slug", "expected"),
    [
        ("sgd", "with-replacement", ["0.260 0.0448 0.0448", "0.0520 0.0220"]),
        ("sgd", "full-batch", ["50 True", "50 True", "50 True", "3.378 [-5.76 13.54]"]),
        ("momentum", "stability", ["0.98 7.5e-07", "1.02 1.2e+31"]),
        ("nesterov", "stability", ["0.98 8.5e-09", "1.02 8.7e+06"]),
    ],
)
def test_the_solution_code_prints_what_its_comments_say(
    page: str, slug: str, expected: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code = solution_code(page, slug)
    exec(compile(code, f"{page}-{slug}", "exec"), {})
    assert capsys.readouterr().out.splitlines() == expected
    for line in expected:  # and the comments show the printed numbers
        for number in re.findall(r"\d+\.\d+(?:e[+-]\d+)?", line):
            assert number in code
