"""The numbers that the exercises of three chapters state, computed.

The worked solutions at the end of docs/normalized-gradients.md, docs/adam.md and
docs/choosing.md quote numbers. Each test below runs the computation that a solution
describes, with the library where the library has the rule, and checks both the
result and that the page's "Exercises" section states it as written here. A test of
the structure checks the exercise and solution directives of the three pages.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Literal, SupportsFloat

import numpy as np
import pytest

import descend
from descend.datasets import textbook_linear
from descend.landscapes import DataLoss, FixedStep, Quadratic
from descend.models import Linear
from descend.schedules import CosineAnnealingLR, ExponentialLR, LinearLR, SequentialLR

Array = np.ndarray
DOCS = Path(__file__).resolve().parents[1] / "docs"
PAGES = ["normalized-gradients", "adam", "choosing"]
WITH_NOTEBOOK = {"normalized-gradients": "Normalized gradients", "adam": "Adam"}
START = np.array([-0.7, -0.9])  # the textbook's start on the fixed-step landscape
LINE_START = np.array([1.6, -0.5])  # the site's start for the textbook's line


def exercises(page: str) -> str:
    """The page's Exercises section (its last section), whitespace collapsed."""
    text = (DOCS / f"{page}.md").read_text(encoding="utf-8")
    _, found, section = text.partition("\n## Exercises\n")
    assert found, f"{page}.md has no Exercises section"
    assert "\n## " not in section, f"Exercises is not the last section of {page}.md"
    return " ".join(section.split())


def states(page: str, *phrases: str) -> None:
    """Assert that the Exercises section of ``page`` contains every phrase."""
    section = exercises(page)
    missing = [p for p in phrases if " ".join(p.split()) not in section]
    assert missing == [], f"{page}.md does not state {missing}"


def sci(value: SupportsFloat, digits: int = 1) -> str:
    r"""``value`` as the pages write it: ``2.5 \times 10^{-9}``."""
    mantissa, exponent = f"{float(value):.{digits}e}".split("e")
    return rf"{mantissa} \times 10^{{{int(exponent)}}}"


def normalized_step(g: Array, alpha: float, norm: Literal["coordinate", "global"]) -> Array:
    """One step of descend.NormalizedGradient from phi = 0: the step itself."""
    opt = descend.NormalizedGradient(lr=alpha, norm=norm)
    phi = np.zeros_like(g)
    new, _ = opt.step(phi, g, opt.init(phi))
    step: Array = new - phi
    return step


def adam_steps(opt: descend.Adam, gradients: list[Array], phi0: Array) -> list[Array]:
    """The iterates of ``opt`` fed the given gradients, from ``phi0``."""
    phi, state = phi0.copy(), opt.init(phi0)
    out = [phi]
    for g in gradients:
        phi, state = opt.step(phi, g, state)
        out.append(phi)
    return out


# ------------------------------------------------------------------- structure


@pytest.mark.parametrize("page", PAGES)
def test_each_page_ends_with_three_to_six_exercises_each_with_a_dropdown_solution(
    page: str,
) -> None:
    text = (DOCS / f"{page}.md").read_text(encoding="utf-8")
    section = text.partition("\n## Exercises\n")[2]
    labels = re.findall(r"^:::\{exercise\}.*\n:label: (ex-[\w-]+)$", section, re.MULTILINE)
    solutions = re.findall(
        r"^::::\{solution\} (ex-[\w-]+)\n:label: (sol-[\w-]+)\n:class: dropdown$",
        section,
        re.MULTILINE,
    )
    assert 3 <= len(labels) <= 6
    assert [ex for ex, _ in solutions] == labels
    assert [sol for _, sol in solutions] == ["sol-" + ex.removeprefix("ex-") for ex in labels]
    assert all(label.startswith(f"ex-{page}-") for label in labels)
    assert len(set(labels)) == len(labels)
    assert section.count(":::{exercise}") == section.count("::::{solution}") == len(labels)


@pytest.mark.parametrize("page", PAGES)
def test_a_chapter_with_a_notebook_ends_with_the_pointer_and_no_solution_is_linked(
    page: str,
) -> None:
    text = (DOCS / f"{page}.md").read_text(encoding="utf-8")
    pointer = "Programming exercise: the notebook *{}* on {{doc}}`exercises`."
    if page in WITH_NOTEBOOK:
        assert text.rstrip().endswith(pointer.format(WITH_NOTEBOOK[page]))
    else:
        assert "Programming exercise" not in text
    assert re.findall(r"\{(?:ref|numref|prf:ref)\}`[^`]*sol-", text) == []


# ------------------------------------------------------- normalized gradients


def test_two_rules_steps_and_lengths() -> None:
    g = np.array([4.0, -0.5, 1e-9])
    coord = normalized_step(g, 0.1, "coordinate")
    glob = normalized_step(g, 0.1, "global")
    assert coord[0] == pytest.approx(-0.1 * (1 - 2.5e-9), rel=1e-12)
    assert coord[1] == pytest.approx(0.1 * (1 - 2e-8), rel=1e-12)
    assert coord[2] == pytest.approx(-0.1 / 11, rel=1e-12)
    assert math.isclose(4 / (4 + 1e-8), 1 - 2.5e-9, rel_tol=1e-15)
    assert f"{np.linalg.norm(coord):.5f}" == "0.14171"
    assert f"{np.linalg.norm(g):.4f}" == "4.0311"
    assert [f"{v:.6f}" for v in glob[:2]] == ["-0.099228", "0.012403"]
    assert sci(glob[2], 2) == r"-2.48 \times 10^{-11}"
    assert sci(0.1 - np.linalg.norm(glob)) == r"2.5 \times 10^{-10}"  # eps / |g| of alpha
    assert glob[0] / glob[1] == pytest.approx(-8.0)
    states(
        "normalized-gradients",
        r"$\Delta\phi_2 = -0.1/11 = -0.00909$",
        "= 0.14171$",
        r"(-0.099228,\; 0.012403,\; -2.48 \times 10^{-11})",
        r"\lVert g\rVert = \sqrt{16 + 0.25 + 10^{-18}} = 4.0311",
    )


def test_the_two_cycle_with_alpha_008_and_its_losses() -> None:
    problem, alpha = FixedStep(), 0.08
    run = descend.fit(descend.NormalizedGradient(lr=alpha), problem, START, steps=40)
    odd, even = np.array([0.66, -0.02]), np.array([0.74, 0.06])
    for t in range(17, 41):
        assert np.allclose(run.phi[t], odd if t % 2 else even, atol=1e-6), t
    assert not np.allclose(run.phi[16], even, atol=1e-6)  # t = 17 is the first point
    assert np.allclose(run.phi[11, 1], -0.02, atol=1e-6)
    assert not np.allclose(run.phi[10, 1], 0.06, atol=1e-6)  # phi_1 arrives at t = 11
    k = np.round((run.phi - START) / alpha)
    assert np.all(k % 2 == np.arange(41)[:, None] % 2)  # k_t has the parity of t
    off_grid = np.abs(run.phi - (START + alpha * k)).max()
    assert sci(off_grid) == r"2.4 \times 10^{-7}"
    assert f"{problem.loss(odd):.7f}" == "0.0009995"
    assert f"{problem.loss(even):.7f}" == "0.0073727"
    assert f"{run.final_loss:.4f}" == "0.0074"
    states(
        "normalized-gradients",
        r"$L = 1 - e^{-0.001} = 0.0009995$",
        "$L = 0.0073727$",
        r"$\phi_{17} = (0.66, -0.02)$",
        r"$2.4 \times 10^{-7}$ of the grid",
    )


def test_the_step_is_halved_where_the_gradient_equals_eps() -> None:
    problem, eps = FixedStep(), 1e-8
    g1 = problem.grad(np.array([0.7, eps / 4]))
    g0 = problem.grad(np.array([0.7 + 4 * eps, 0.0]))
    assert g1[0] == 0
    assert g1[1] == pytest.approx(eps, rel=1e-8)
    assert g0[1] == 0
    assert g0[0] == pytest.approx(eps, rel=1e-8)
    step = normalized_step(np.array([eps]), 0.12, "coordinate")
    assert step[0] == pytest.approx(-0.06)
    assert 0.06 / (eps / 4) == pytest.approx(2.4e7)
    states(
        "normalized-gradients",
        r"$|\phi_1| = \epsilon/4 = 2.5 \times 10^{-9}$",
        r"$|\phi_0 - 0.7| = 4\epsilon = 4 \times 10^{-8}$",
        r"$2.4 \times 10^{7}$ times farther",
    )


def test_landing_next_to_the_minimum_the_next_step_is_most_of_alpha() -> None:
    problem = FixedStep()
    run = descend.fit(descend.NormalizedGradient(lr=0.1), problem, START, steps=12)
    phi9, g9 = run.phi[9, 1], problem.grad(run.phi[9])[1]
    assert sci(phi9, 2) == r"-1.24 \times 10^{-8}"
    assert sci(g9, 2) == r"-4.80 \times 10^{-8}"
    step = 0.1 * abs(g9) / (abs(g9) + 1e-8)
    assert f"{step:.4f}" == "0.0828"
    assert run.phi[10, 1] - phi9 == pytest.approx(step, rel=1e-12)
    assert sci(run.phi[10, 1], 2) == r"8.28 \times 10^{-2}"
    assert f"{abs(g9) / 1e-8:.1f}" == "4.8"
    states(
        "normalized-gradients",
        r"$\phi_{9,1} = -1.24 \times 10^{-8}$",
        r"0.1 \times 4.80 / (4.80 + 1) = 0.0828",
        r"$\phi_{10,1} = 8.28 \times 10^{-2}$",
    )


@pytest.mark.parametrize("gamma", [0.9, 0.95])
def test_a_shrinking_grid_reaches_the_minimum_only_if_its_budget_suffices(gamma: float) -> None:
    problem = FixedStep()
    schedule = ExponentialLR(0.12, gamma=gamma)
    run = descend.fit(descend.NormalizedGradient(lr=schedule), problem, START, steps=100)
    budget = sum(schedule(t) for t in range(10_000))
    assert budget == pytest.approx(0.12 / (1 - gamma))
    if gamma == 0.9:
        assert np.all(np.diff(run.phi[:, 0]) > 0)  # phi_0 climbs at every step
        assert run.phi[100, 0] == pytest.approx(-0.7 + 1.2 * (1 - 0.9**100), abs=1e-6)  # up to eps
        assert f"{run.phi[100, 0]:.5f}" == "0.49997"
        assert sci(run.phi[100, 1]) == r"3.3 \times 10^{-6}"
        assert f"{run.final_loss:.5f}" == "0.00499"
        states(
            "normalized-gradients",
            "$0.49997$",
            r"$\phi_{100,1} = 3.3 \times 10^{-6}$",
            "the loss, $0.00499$",
        )
    else:
        assert sci(np.abs(run.final_phi - problem.minimum).max()) == r"7.2 \times 10^{-4}"
        assert sci(run.final_loss, 2) == r"1.07 \times 10^{-6}"
        states("normalized-gradients", r"$7.2 \times 10^{-4}$", r"$1.07 \times 10^{-6}$")


# ------------------------------------------------------------------------ Adam


def test_adams_first_two_steps_on_g_100_and_001() -> None:
    opt = descend.Adam()
    phi0 = np.zeros(2)
    state = opt.init(phi0)
    phi1, state = opt.step(phi0, np.array([100.0, 0.01]), state)
    assert np.allclose(state["m"], [10.0, 0.001], rtol=1e-12)
    assert np.allclose(state["v"], [10.0, 1e-7], rtol=1e-12)
    assert np.allclose(phi1, [-1e-3, -0.999999e-3], rtol=1e-9)
    uncorrected = -1e-3 * state["m"] / (np.sqrt(state["v"]) + 1e-8)
    assert [f"{v:.3e}" for v in uncorrected] == ["-3.162e-03", "-3.162e-03"]
    assert 0.1 / math.sqrt(0.001) == pytest.approx(math.sqrt(10))
    phi2, state = opt.step(phi1, np.array([-100.0, 0.01]), state)
    assert np.allclose(state["m"], [-1.0, 0.0019], rtol=1e-12)
    assert np.allclose(state["v"], [19.99, 1.999e-7], rtol=1e-12)
    m_hat, v_hat = state["m"] / (1 - 0.9**2), state["v"] / (1 - 0.999**2)
    assert f"{m_hat[0]:.3f}" == "-5.263"
    assert m_hat[1] == pytest.approx(0.01)
    assert np.allclose(v_hat, [1e4, 1e-4], rtol=1e-12)
    step = phi2 - phi1
    assert sci(step[0], 2) == r"5.26 \times 10^{-5}"
    assert step[1] == pytest.approx(-0.999999e-3, rel=1e-9)
    assert f"{step[0] / 1e-3:.3f}" == "0.053"
    assert [f"{w:.2f}" for w in (0.1 * 0.9 / 0.19, 0.1 / 0.19)] == ["0.47", "0.53"]
    states(
        "adam",
        r"(-1.0 \times 10^{-3},\; -0.999999 \times 10^{-3})",
        r"$-3.162 \times 10^{-3}$ in both coordinates",
        r"(19.99,\; 1.999 \times 10^{-7})",
        r"$\hat m_2 = (-5.263,\; 0.01)$",
        r"(+5.26 \times 10^{-5},\; -1.0 \times 10^{-3})",
        r"$0.053\,\alpha$",
    )


def test_the_weight_of_the_first_gradient_after_ten_gradients() -> None:
    beta1, beta2 = 0.9, 0.999
    # m_0 = g_0: unroll with g_k = e_k (the k-th unit gradient) to read off the weights
    m, v = np.eye(10)[0].copy(), np.eye(10)[0].copy()
    for k in range(10):
        m = beta1 * m + (1 - beta1) * np.eye(10)[k]
        v = beta2 * v + (1 - beta2) * np.eye(10)[k]
    assert m.sum() == pytest.approx(1)
    assert v.sum() == pytest.approx(1)
    assert [f"{m[0]:.3f}", f"{v[0]:.3f}"] == ["0.387", "0.991"]
    assert m[0] == pytest.approx(beta1**9)
    assert v[0] == pytest.approx(beta2**9)
    # Adam's corrected weights: feed g_0 = 1, then zeros, and read hat m_10, hat v_10
    m_hat, v_hat = 0.0, 0.0
    for t in range(10):
        g = 1.0 if t == 0 else 0.0
        m_hat = beta1 * m_hat + (1 - beta1) * g
        v_hat = beta2 * v_hat + (1 - beta2) * g
    w1, w2 = m_hat / (1 - beta1**10), v_hat / (1 - beta2**10)
    assert [f"{w1:.4f}", f"{w2:.4f}"] == ["0.0595", "0.0996"]
    half = next(t for t in range(10_000) if beta2**t < 0.5)
    assert half == 693
    states("adam", "$0.9^9 = 0.387$", "$0.999^9 = 0.991$", "= 0.0595$", "= 0.0996$", "$t = 693$")


def test_adam_on_the_sum_and_on_the_mean_follows_one_path() -> None:
    x, y = textbook_linear()
    total, mean = DataLoss(Linear(), x, y), DataLoss(Linear(reduction="mean"), x, y)
    on_sum = descend.fit(descend.Adam(lr=0.05), total, LINE_START, steps=200)
    on_mean = descend.fit(descend.Adam(lr=0.05), mean, LINE_START, steps=200)
    matched = descend.fit(descend.Adam(lr=0.05, eps=1e-8 / 12), mean, LINE_START, steps=200)
    assert sci(np.abs(on_sum.phi - on_mean.phi).max()) == r"1.7 \times 10^{-8}"
    assert np.abs(on_sum.phi - matched.phi).max() < 1e-15
    assert sci(np.abs(on_sum.phi - matched.phi).max()) == r"4.4 \times 10^{-16}"
    assert np.round(on_sum.final_phi, 3).tolist() == [0.826, 0.522]
    assert np.allclose(on_sum.phi[1] - LINE_START, [0.05, 0.05])
    assert np.allclose(on_mean.phi[1] - LINE_START, [0.05, 0.05])
    gd_sum = descend.fit(descend.GradientDescent(lr=0.01), total, LINE_START, steps=1)
    gd_mean = descend.fit(descend.GradientDescent(lr=0.01), mean, LINE_START, steps=1)
    step_sum, step_mean = gd_sum.phi[1] - LINE_START, gd_mean.phi[1] - LINE_START
    assert [f"{v:.4f}" for v in step_sum] == ["0.0475", "0.1303"]
    assert [f"{v:.5f}" for v in step_mean] == ["0.00396", "0.01086"]
    assert np.allclose(step_sum / step_mean, 12)
    states(
        "adam",
        r"$1.7 \times 10^{-8}$",
        r"$4.4 \times 10^{-16}$",
        "$(0.826, 0.522)$",
        "$(0.0475, 0.1303)$",
        "$(0.00396, 0.01086)$",
    )


def test_weight_decay_adamw_ignores_the_losss_scale_and_l2_does_not() -> None:
    x, y = textbook_linear()
    total, mean = DataLoss(Linear(), x, y), DataLoss(Linear(reduction="mean"), x, y)
    runs = {
        (rule, name): descend.fit(opt, problem, LINE_START, steps=2000)
        for rule, make in [("L2", descend.Adam), ("W", descend.AdamW)]
        for name, problem in [("sum", total), ("mean", mean)]
        for opt in [make(lr=0.05, weight_decay=2.0)]
    }
    gap = np.abs(runs["W", "sum"].phi - runs["W", "mean"].phi).max()
    assert sci(gap) == r"7.5 \times 10^{-9}"
    assert [f"{v:.4f}" for v in runs["W", "sum"].final_phi] == ["0.4995", "0.4974"]
    X = np.stack([np.ones_like(x), x], axis=1)
    for name, a, text in [("sum", 1.0, "(0.7328, 0.5560)"), ("mean", 1 / 12, "(0.4472, 0.4502)")]:
        penalized = np.linalg.solve(2 * a * X.T @ X + 2.0 * np.eye(2), 2 * a * X.T @ y)
        assert np.allclose(runs["L2", name].final_phi, penalized, atol=1e-6)
        assert "(" + ", ".join(f"{v:.4f}" for v in penalized) + ")" == text
    states(
        "adam",
        r"$7.5 \times 10^{-9}$",
        "$(0.4995, 0.4974)$",
        "$(0.4472, 0.4502)$",
        "$(0.7328, 0.5560)$",
    )


def test_a_large_eps_slows_the_flat_coordinate_and_then_turns_adam_into_momentum() -> None:
    bowl, start = Quadratic(a=1.0, b=100.0), np.array([-1.5, 0.8])
    assert np.allclose(bowl.grad(start), [-1.5, 80.0])
    assert f"{bowl.loss(start):.1f}" == "33.1"
    runs = {
        eps: descend.fit(descend.Adam(lr=0.05, eps=eps), bowl, start, steps=150)
        for eps in (1e-8, 1.0, 100.0)
    }
    first = {eps: run.phi[1] - start for eps, run in runs.items()}
    assert np.allclose(first[1e-8], [0.05, -0.05])
    assert np.allclose(first[1.0], [0.03, -0.05 * 80 / 81])
    assert f"{first[1.0][1]:.4f}" == "-0.0494"
    assert [f"{v:.5f}" for v in first[100.0]] == ["0.00074", "-0.02222"]
    lengths = {eps: np.linalg.norm(np.diff(run.phi, axis=0), axis=1) for eps, run in runs.items()}
    assert [f"{lengths[eps][0]:.4f}" for eps in runs] == ["0.0707", "0.0578", "0.0222"]
    # the example's table prints steps 1, 10 and 100 as {:.3f} {:.4f} {:.4f}
    table = {  # the example prints the steps 1, 10 and 100 as {:.3f} {:.4f} {:.4f}
        eps: f"{step[0]:.3f}, {step[9]:.4f}, {step[99]:.4f}" for eps, step in lengths.items()
    }
    assert table[1.0] == "0.058, 0.0527, 0.0021"
    assert table[100.0] == "0.022, 0.0201, 0.0007"
    assert f"{runs[1.0].phi[50, 0]:.3f}" == "-0.359"
    assert f"{runs[1e-8].phi[50, 0]:.3f}" == "0.084"
    losses = {eps: sci(run.final_loss, 2) for eps, run in runs.items()}
    assert losses[1e-8] == r"3.22 \times 10^{-7}"
    assert losses[1.0] == r"5.36 \times 10^{-7}"
    assert f"{runs[100.0].final_loss:.3f}" == "0.970"
    assert [f"{v:.3f}" for v in runs[100.0].final_phi] == ["-1.393", "-0.000"]
    assert f"{runs[100.0].final_phi[1]:.4f}" == "-0.0003"
    momentum = descend.fit(descend.Momentum(0.05 / 100, beta=0.9), bowl, start, steps=150)
    assert [f"{v:.4f}" for v in momentum.final_phi] == ["-1.3975", "0.0004"]
    assert f"{momentum.final_loss:.3f}" == "0.976"
    states(
        "adam",
        r"(0.03,\, -0.0494)$, length $0.0578$",
        r"(0.00074,\, -0.0222)$, length $0.0222$",
        r"$\phi_{50,0} = -0.359$",
        r"$5.36 \times 10^{-7}$, against $3.22 \times 10^{-7}$",
        "0.058, 0.0527, 0.0021",
        "0.022, 0.0201, 0.0007",
        "$(-1.393, -0.0003)$ with the loss $0.970$, from $33.1$",
        "$(-1.397, 0.0004)$ with the loss $0.976$",
    )


def test_l2_in_adam_decays_an_unused_weight_at_a_speed_that_ignores_omega() -> None:
    zero = [np.zeros(1)] * 100
    ends = {}
    for omega in (0.1, 0.001):
        adamw = adam_steps(descend.AdamW(lr=0.01, weight_decay=omega), zero, np.ones(1))
        l2 = adam_steps(descend.Adam(lr=0.01, weight_decay=omega), zero, np.ones(1))
        assert adamw[100][0] == pytest.approx((1 - 0.01 * omega) ** 100, rel=1e-12)
        assert l2[1][0] == pytest.approx(0.99, rel=1e-6)  # the sign step, up to eps / omega
        ends[omega] = (adamw[100][0], l2[100][0])
    assert [f"{ends[w][0]:.4f}" for w in (0.1, 0.001)] == ["0.9048", "0.9990"]
    assert [f"{ends[w][1]:.5f}" for w in (0.1, 0.001)] == ["0.22445", "0.22445"]
    assert sci(abs(ends[0.1][1] - ends[0.001][1]), 0) == r"6 \times 10^{-6}"
    states(
        "adam",
        "$0.999^{100} = 0.9048$",
        "$0.99999^{100} = 0.9990$",
        r"$\phi_{100,j} = 0.22445$",
        r"$6 \times 10^{-6}$",
    )


# -------------------------------------------------------------------- choosing


def test_pytorchs_momentum_step_builds_up_to_lr_over_one_minus_mu() -> None:
    def steps(lr: float, mu: float, n: int) -> list[float]:
        opt = descend.SGD(lr=lr, momentum=mu)
        phi: Array = np.zeros(1)
        state = opt.init(phi)
        out = []
        for _ in range(n):
            new, state = opt.step(phi, np.ones(1), state)
            out.append(float(phi[0] - new[0]))
            phi = new
        return out

    s = steps(0.1, 0.9, 400)
    assert s[0] == pytest.approx(0.1)
    assert f"{s[9]:.3f}" == "0.651"
    assert s[-1] == pytest.approx(1.0)
    assert steps(0.1, 0.99, 4000)[-1] == pytest.approx(10.0)
    s = steps(0.01, 0.99, 4000)
    assert f"{s[99]:.3f}" == "0.634"
    assert s[-1] == pytest.approx(1.0)
    x, y = textbook_linear()
    line = DataLoss(Linear(reduction="mean"), x, y)
    sgd = descend.fit(descend.SGD(lr=0.1, momentum=0.9), line, np.zeros(2), steps=100)
    lecture = descend.fit(descend.Momentum(1.0, beta=0.9), line, np.zeros(2), steps=100)
    gap = np.abs(sgd.phi - lecture.phi).max()
    assert gap < 2e-15
    assert sci(gap) == r"1.0 \times 10^{-15}"
    states(
        "choosing",
        r"$0.1\,(1 - 0.9^{10})/0.1 = 0.651$",
        "$0.01\\,(1 - 0.99^{100})/0.01 = 0.634$",
        "`Momentum(1.0, beta=0.9)`",
        r"$1.0 \times 10^{-15}$",
    )


def test_halving_the_rate_halves_the_noise_floor_and_doubles_the_time() -> None:
    lam, sigma = 1.0, 1.0
    floors = [a * sigma**2 / (2 * (2 - a * lam)) for a in (0.1, 0.05)]
    assert [f"{f:.6f}" for f in floors] == ["0.026316", "0.012821"]
    assert f"{floors[1] / floors[0]:.4f}" == "0.4872"
    times = [math.log(100) / -math.log(1 - a * lam) for a in (0.1, 0.05)]
    assert [f"{t:.1f}" for t in times] == ["43.7", "89.8"]
    assert [math.ceil(t) for t in times] == [44, 90]
    rng = np.random.default_rng(0)
    for alpha, floor, text in zip((0.1, 0.05), floors, ("0.02627", "0.01284"), strict=True):
        phi = np.zeros(200_000)
        for _ in range(400):
            phi = phi - alpha * (lam * phi + sigma * rng.standard_normal(phi.size))
        simulated = float(np.mean(lam / 2 * phi**2))
        assert simulated == pytest.approx(floor, rel=0.01)
        assert f"{simulated:.5f}" == text
    states(
        "choosing",
        "= 0.026316$",
        "= 0.012821$",
        "$0.4872$",
        "$0.02627$ and $0.01284$",
        "$43.7$, so 44 steps",
        "$89.8$, so 90 steps",
    )


def test_the_cliffs_of_the_sweep_on_the_bowl() -> None:
    bowl, start = Quadratic(a=1.0, b=100.0), np.array([-1.2, 1.0])
    lrs = np.logspace(-4, 1, 16)

    def final_loss(opt: descend.Optimizer) -> float:
        phi, state = start.copy(), opt.init(start)
        try:
            with np.errstate(over="ignore", invalid="ignore"):
                for _ in range(1000):
                    phi, state = opt.step(phi, bowl.grad(phi), state)
                loss = bowl.loss(phi)
        except descend.NonFiniteError:
            return math.nan
        return loss if math.isfinite(loss) else math.nan

    gd = [final_loss(descend.GradientDescent(lr=lr)) for lr in lrs]
    mom = [final_loss(descend.Momentum(lr, beta=0.9)) for lr in lrs]
    adam = [final_loss(descend.Adam(lr=lr)) for lr in lrs]
    assert f"{lrs[6]:.2g}" == "0.01"
    assert f"{lrs[7]:.3g}" == "0.0215"
    assert sci(gd[6]) == r"1.3 \times 10^{-9}"
    assert sci(gd[7]) == r"2.7 \times 10^{126}"
    assert f"{gd[7]:.1e}" == "2.7e+126"
    assert all(math.isnan(v) for v in gd[8:])
    assert pytest.approx(0.38) == 2 * 1.9 / (0.1 * 100)
    assert f"{lrs[10]:.3g}" == "0.215"
    assert f"{lrs[11]:.3g}" == "0.464"
    assert sci(mom[10]) == r"1.8 \times 10^{-44}"
    assert math.isnan(mom[11])
    assert all(math.isfinite(v) for v in adam)
    good = [lr for lr, v in zip(lrs, adam, strict=True) if v < 1e-2]
    assert len(good) == 11
    assert f"{good[0]:.2g}" == "0.0046"
    assert good[-1] == 10.0
    alpha = lrs[7]
    predicted = 0.5 * ((1.2 * (1 - alpha) ** 1000) ** 2 + 100 * (1 - 100 * alpha) ** 2000)
    assert gd[7] == pytest.approx(predicted, rel=1e-9)
    assert [f"{1 - alpha:.3f}", f"{1 - 100 * alpha:.3f}"] == ["0.978", "-1.154"]
    states(
        "choosing",
        r"(loss $1.3 \times 10^{-9}$)",
        r"(loss $1.8 \times 10^{-44}$)",
        r"= 2.7 \times 10^{126}$",
        "`2.7e+126`",
        "11 of them, from $0.0046$ to $10$",
    )


def test_the_range_test_on_paper() -> None:
    lrs = np.array([1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1, 1.0])
    losses = np.array([2.00, 1.90, 1.20, 0.25, 1.10, 0.20, 0.15, 0.90, 40.0])
    beta, average = 0.5, 0.0
    raw_average, smoothed = [], []
    for t, loss in enumerate(losses):
        average = beta * average + (1 - beta) * loss
        raw_average.append(average)
        smoothed.append(average / (1 - beta ** (t + 1)))

    def rule(curve: Array) -> tuple[int, int]:
        stop = int(np.argmax(curve > 4 * np.minimum.accumulate(curve)))
        return stop, int(np.argmin(curve[: stop + 1]))

    assert rule(losses) == (4, 3)
    assert lrs[3] / 10 == pytest.approx(3e-4)
    assert rule(np.array(smoothed)) == (8, 6)
    assert lrs[6] / 10 == pytest.approx(0.01)
    assert f"{0.01 / 3e-4:.0f}" == "33"

    def row(values: list[float], digits: int) -> str:
        cells = [f"{v:.{digits}f}".rstrip("0") for v in values]
        return "| " + " | ".join(c + "0" if c.endswith(".") else c for c in cells) + " |"

    states(
        "choosing",
        r"| $\tilde L_{t+1}$ " + row(raw_average, 7),
        "| corrected " + row(smoothed, 5),
        "only to 0.97419, below $4 \\times 0.84$",
        "lowest, 0.36378, at $t = 6$ (lr 0.1)",
        r"$4 \times 0.36378 = 1.455$",
        "33 times smaller",
    )


def test_warmup_and_cosine_spend_half_the_budget_of_a_constant_rate() -> None:
    alpha, t_warm, t_end = 1e-3, 100, 1000
    schedule = SequentialLR(
        [
            LinearLR(alpha, start_factor=0.01, total_iters=t_warm),
            CosineAnnealingLR(alpha, T_max=t_end - t_warm),
        ],
        milestones=[t_warm],
    )
    values = {t: schedule(t) for t in (0, 50, 100, 325, 550, 775, 1000)}
    assert values[0] == pytest.approx(1e-5)
    assert values[50] == pytest.approx(5.05e-4)
    assert values[100] == pytest.approx(1e-3)
    assert values[550] == pytest.approx(5e-4)
    assert sci(values[325], 3) == r"8.536 \times 10^{-4}"
    assert sci(values[775], 3) == r"1.464 \times 10^{-4}"
    assert values[1000] == 0.0
    rates = np.array([schedule(t) for t in range(t_end)])
    assert rates[:t_warm].sum() / alpha == pytest.approx(50.005)
    assert rates[t_warm:].sum() / alpha == pytest.approx(450.5)
    assert rates.sum() / alpha == pytest.approx(500.505)
    assert np.cos(np.pi * np.arange(900) / 900).sum() == pytest.approx(1.0)
    states(
        "choosing",
        r"= 8.536 \times 10^{-4}$",
        r"= 1.464 \times 10^{-4}$",
        r"= 5.05 \times 10^{-4}$",
        r"= 50.005\,\alpha$",
        r"= 450.5\,\alpha$",
        r"$500.505\,\alpha$",
    )
