// The chapter widgets: small interactive figures inside the chapters, one idea each.
//
//   <div class="descend-widget" data-descend-widget="gd-learning-rate"> fallback </div>
//   mountWidget(element, "gd-learning-rate")   (main.js does this for every such element)
//
// Each widget replaces the element's content with a figure (canvas), a one-line live caption
// computed from the run, and one or two labelled controls; it recomputes on every `input` event.
// Every run goes through run(spec, DATA) of trajectory.js, the same code as the Playground.
//
// What tests can read (tests/website/test_widgets.py):
// - element.dataset.mounted = "true", element.dataset.widget = kind
// - element.descendRun: the main run of the figure, {path, losses, diverged} as returned by run()
//   (for gd-learning-rate: gradient descent; momentum-beta: Momentum; nesterov-lookahead:
//   NesterovMomentum; normalized-grid: NormalizedGradient; adam-vs-gd: Adam)
// - element.descendRuns: every run of the figure by label, and element.descendDrawn: the points
//   actually drawn for each label (a diverging path stops at its first non-finite point or after
//   its first point far outside the plot: drawablePrefix in plot.js)
// - data-path-length: how many points of the main path are drawn; data-run-length: how many the
//   run has; data-diverged: "true" when the main run diverged (non-finite, or left the plot far
//   behind); data-status: a keyword for the main run's regime (gd-learning-rate: "converges",
//   "zig-zag" or "diverges"); data-lr / data-limit (gd-learning-rate: alpha and 2/lambda_max)
// - .descend-widget-caption: the live caption; inputs carry data-param="lr" | "beta" | ...
// - canvases: .descend-widget-landscape, .descend-widget-loss (data-theme, data-renders: plot.js)
import { DATA } from "./data.js";
import { LANDSCAPES, makeLandscape } from "./landscapes.js";
import { run } from "./trajectory.js";
import { LandscapeView, LossPlot, drawablePrefix } from "./plot.js";

// ---------------------------------------------------------------- small helpers

let widgetCount = 0;

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "text") el.textContent = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  el.append(...children.filter((c) => c !== null && c !== undefined));
  return el;
}

/** A number with `digits` significant digits, without a trailing "e+0"; minus as U+2212. */
function num(v, digits = 3) {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  const a = Math.abs(v);
  const s = a >= 1e-3 && a < 1e5 ? String(Number(v.toPrecision(digits))) : v.toExponential(digits - 1).replace("e+", "e");
  return s.replace("-", "−");
}

/** A loss value: 3 significant digits, powers of ten for the very small and very large. */
function lossText(v) {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) {
    const [m, e] = v.toExponential(1).split("e");
    return `${m} × 10${e.replace("+", "").replace(/./g, (c) => "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"["-0123456789".indexOf(c)])}`;
  }
  return num(v, 3);
}

/** Append `text` to `parent`, with "x_sub" (λ_max, φ_t, m_t) written as x<sub>sub</sub>. */
function richText(parent, text) {
  const parts = String(text).split(/([A-Za-zα-ω]_(?:\{[^}]*\}|[\w+−-]+))/);
  for (const part of parts) {
    const m = /^([A-Za-zα-ω])_\{?([^}]*)\}?$/.exec(part);
    if (m) parent.append(m[1], h("sub", { text: m[2] }));
    else if (part) parent.append(part);
  }
  return parent;
}

const dist = (p, q) => Math.hypot(p[0] - q[0], p[1] - q[1]);

/** The Hessian of a landscape at p by central differences of its gradient (exact for the
 * quadratic losses used here), symmetrized; with its eigenvalues and eigenvectors. */
function curvature(grad, p, step = 1) {
  const col = (j) => {
    const e = j === 0 ? [step, 0] : [0, step];
    const gp = grad([p[0] + e[0], p[1] + e[1]]);
    const gm = grad([p[0] - e[0], p[1] - e[1]]);
    return [(gp[0] - gm[0]) / (2 * step), (gp[1] - gm[1]) / (2 * step)];
  };
  const c0 = col(0);
  const c1 = col(1);
  const a = c0[0];
  const d = c1[1];
  const b = (c0[1] + c1[0]) / 2;
  const mean = (a + d) / 2;
  const root = Math.hypot((a - d) / 2, b);
  const lmax = mean + root;
  const lmin = mean - root;
  // eigenvector of lmax: (b, lmax - a), or an axis when b = 0
  let v = Math.abs(b) > 1e-14 * (Math.abs(a) + Math.abs(d)) ? [b, lmax - a] : a >= d ? [1, 0] : [0, 1];
  const n = Math.hypot(v[0], v[1]);
  v = [v[0] / n, v[1] / n];
  const H = [[a, b], [b, d]];
  // the minimum of the quadratic model at p: p - H^-1 g(p)
  const g = grad(p);
  const det = a * d - b * b;
  const minimum = [p[0] - (d * g[0] - b * g[1]) / det, p[1] - (-b * g[0] + a * g[1]) / det];
  return { H, lmax, lmin, vmax: v, vmin: [-v[1], v[0]], minimum };
}

/** How often the path crosses the valley floor: sign changes of its coordinate along `v`
 * (the steep eigenvector) measured from the minimum. */
function crossings(path, minimum, v) {
  let count = 0;
  let last = 0;
  for (const p of path) {
    const s = (p[0] - minimum[0]) * v[0] + (p[1] - minimum[1]) * v[1];
    if (s === 0) continue;
    if (last && Math.sign(s) !== Math.sign(last)) count++;
    last = s;
  }
  return count;
}

/** How far the path swings past the valley floor: the largest |coordinate along `v`| (the steep
 * eigenvector, from the minimum) after the path first crosses the floor; 0 if it never does. */
function overshoot(path, minimum, v) {
  let first = 0;
  let crossed = false;
  let most = 0;
  for (const p of path) {
    const s = (p[0] - minimum[0]) * v[0] + (p[1] - minimum[1]) * v[1];
    if (!crossed && first && s && Math.sign(s) !== Math.sign(first)) crossed = true;
    if (!first) first = s;
    if (crossed) most = Math.max(most, Math.abs(s));
  }
  return most;
}

/** The period (1 to 8) with which the path ends repeating itself, or 0. */
function endCycle(path, tol = 1e-9) {
  const n = path.length;
  for (let p = 1; p <= 8 && 2 * p < n; p++) {
    let ok = true;
    for (let i = n - p; i < n && ok; i++) ok = dist(path[i], path[i - p]) <= tol;
    if (ok) return p;
  }
  return 0;
}

/** Contour levels for a bowl with its minimum (loss 0) inside the box: evenly spaced ellipses,
 * L_k = L_max (k / (n + 1))^2 with L_max the largest loss at a corner of the box. */
function bowlLevels(loss, bounds, n = 14) {
  const top = Math.max(...[0, 1].flatMap((i) => [0, 1].map((j) => loss([bounds.x[i], bounds.y[j]]))));
  return Array.from({ length: n }, (_, k) => top * ((k + 1) / (n + 1)) ** 2);
}

function runOrThrow(spec) {
  return run(spec, DATA);
}

// ---------------------------------------------------------------- controls

/**
 * A range slider with a <label>, a live <output> readout and aria-valuetext, mapping
 * `positions` integer steps (so that the arrow keys move in even steps) onto [min, max],
 * logarithmically when `log`. The value is rounded to `digits` significant digits, and the value
 * shown is the value used. `marker`: {value, text} draws a tick under the track at that value.
 */
function slider(w, { param, label, symbol, min, max, value, log = false, positions = 100, digits = 3, marker = null }) {
  const id = `${w.id}-${param}`;
  const toValue = (k) => {
    const f = k / positions;
    const v = log ? min * (max / min) ** f : min + (max - min) * f;
    return Number(v.toPrecision(digits));
  };
  const toPosition = (v) => {
    const f = log ? Math.log(v / min) / Math.log(max / min) : (v - min) / (max - min);
    return Math.min(positions, Math.max(0, Math.round(f * positions)));
  };
  const input = h("input", {
    type: "range", id, min: 0, max: positions, step: 1, value: toPosition(value), "data-param": param,
    "aria-describedby": w.captionId,
  });
  input.value = String(toPosition(value));
  const output = h("output", { for: id, class: "descend-widget-readout", "aria-hidden": "true" });
  const box = h("div", { class: "descend-widget-control" },
    h("label", { for: id, text: label }), h("div", { class: "descend-widget-slider" }, input, output));
  if (marker) {
    const f = log ? Math.log(marker.value / min) / Math.log(max / min) : (marker.value - min) / (max - min);
    const side = f > 0.5 ? "left" : "right";
    box.append(h("div", { class: "descend-widget-scale", "aria-hidden": "true" },
      richText(h("span", { class: `descend-widget-marker descend-widget-marker-${side}`, style: `--f: ${f.toFixed(4)}` }), marker.text)));
  }
  const control = {
    input,
    get value() {
      return toValue(Number(input.value));
    },
    show() {
      const text = `${symbol} = ${num(control.value, digits)}`;
      output.textContent = text;
      input.setAttribute("aria-valuetext", text);
    },
  };
  input.addEventListener("input", () => {
    control.show();
    w.update();
  });
  control.show();
  w.controls.append(box);
  return control;
}

/** Radio buttons in a fieldset with a legend: options [{value, label}]. */
function radios(w, { param, legend, options, value }) {
  const name = `${w.id}-${param}`;
  const set = h("fieldset", { class: "descend-widget-radios", "data-param": param },
    h("legend", { text: legend }));
  const inputs = options.map((o, i) => {
    const id = `${name}-${i}`;
    const input = h("input", { type: "radio", name, id, value: o.value, "aria-describedby": w.captionId });
    input.checked = o.value === value;
    input.addEventListener("change", () => w.update());
    set.append(h("span", { class: "descend-widget-radio" }, input, h("label", { for: id, text: o.label })));
    return input;
  });
  w.controls.append(set);
  return {
    get value() {
      return (inputs.find((i) => i.checked) || inputs[0]).value;
    },
  };
}

// ---------------------------------------------------------------- the frame of a widget

function frame(element, kind, { summary }) {
  const id = `descend-widget-${++widgetCount}`;
  const captionId = `${id}-caption`;
  const plots = h("div", { class: "descend-widget-plots" });
  const caption = h("figcaption", { class: "descend-widget-caption", id: captionId, "aria-live": "polite" });
  const figure = h("figure", { class: "descend-widget-figure", "aria-label": summary }, plots, caption);
  const controls = h("div", { class: "descend-widget-controls" });
  element.replaceChildren(figure, controls);
  element.classList.add("descend-widget");
  element.dataset.widget = kind;
  const w = {
    id, captionId, element, plots, caption, controls, views: [],
    update: () => {},
    canvas(cls) {
      const c = h("canvas", { class: cls });
      plots.append(h("div", { class: "descend-widget-plot" }, c));
      return c;
    },
    /** Record the runs for tests and set the data attributes of the main one. */
    record(mainLabel, runs, drawn) {
      element.descendRuns = runs;
      element.descendDrawn = drawn;
      element.descendRun = runs[mainLabel];
      element.dataset.pathLength = String(drawn[mainLabel].length);
      element.dataset.runLength = String(runs[mainLabel].path.length);
    },
    say(text) {
      caption.replaceChildren();
      richText(caption, text.replace(/ − (?=[αβλ\d])/g, "\u00a0−\u00a0").replace(/(\d) − /g, "$1\u00a0−\u00a0"));
    },
  };
  return w;
}

/** Run a spec and cut its path for drawing; `diverged` from run() or from leaving the plot. */
function runAndCut(spec, bounds) {
  const r = runOrThrow(spec);
  const cut = drawablePrefix(r.path, bounds);
  const left = cut.cut && cut.cut.reason === "range" ? cut.cut.step : null;
  return { run: r, points: cut.points, divergedAt: r.diverged ? r.diverged.step : left, nonfinite: Boolean(r.diverged) };
}

/** "after N steps" text of a run: where it ends, or where it diverged. */
function endText(label, x, steps) {
  if (x.nonfinite) return `${label} overflows at step ${x.run.diverged.step} (the path stops at its last finite point)`;
  if (x.divergedAt !== null) return `${label} leaves the plot for good and stops being drawn at step ${x.divergedAt}`;
  return `${label} ends at a loss of ${lossText(x.run.losses[x.run.losses.length - 1])} after ${steps} steps`;
}

// ---------------------------------------------------------------- the widgets

/** gradient-descent.md: the stability limit alpha < 2/lambda_max on the textbook's line fit. */
function gdLearningRate(element) {
  const w = frame(element, "gd-learning-rate", {
    summary: "Gradient descent on the textbook's linear regression for a learning rate you choose",
  });
  const landscape = { name: "Linear" }; // the chapter's problem: the textbook's 12 points
  const problem = makeLandscape(landscape, DATA);
  const start = LANDSCAPES.Linear.start; // (1.6, -0.5), the chapter's start
  const bounds = LANDSCAPES.Linear.bounds;
  const steps = 30;
  const c = curvature(problem.grad, start);
  const limit = 2 / c.lmax;
  const view = new LandscapeView(w.canvas("descend-widget-landscape"), {
    loss: problem.loss, bounds, log: true, title: `Gradient descent, ${steps} steps`,
  });
  w.views.push(view);
  const lr = slider(w, {
    param: "lr", label: "Learning rate α (log scale)", symbol: "α", min: limit / 10, max: 3 * limit,
    value: 0.9 * limit, log: true, positions: 120, digits: 3,
    marker: { value: limit, text: `2/λ_max = ${num(limit, 4)}` },
  });
  w.update = () => {
    const alpha = lr.value;
    const x = runAndCut({ landscape, optimizer: "GradientDescent", options: { lr: alpha }, start, steps }, bounds);
    view.draw([{ points: x.points, name: "GradientDescent", label: `α = ${num(alpha)}` }], { start, minimum: c.minimum });
    const factor = 1 - alpha * c.lmax;
    const losses = x.run.losses;
    const below = alpha < limit;
    let status = below ? (factor < 0 ? "zig-zag" : "converges") : "diverges";
    let text = `α = ${num(alpha)} is ${below ? "below" : "above"} 2/λ_max = ${num(limit, 4)}: `;
    if (below) {
      text += factor < 0
        ? `gradient descent converges, zig-zagging across the valley (1 − αλ_max = ${num(factor)}); `
        : `gradient descent converges without zig-zag (1 − αλ_max = ${num(factor)} ≥ 0); `;
      text += `the loss falls from ${lossText(losses[0])} to ${lossText(losses[losses.length - 1])} in ${steps} steps.`;
    } else {
      text += `gradient descent diverges: 1 − αλ_max = ${num(factor)}, so the zig-zag grows ${num(Math.abs(factor))}-fold per step; `;
      if (x.nonfinite) {
        text += `the loss overflows at step ${x.run.diverged.step} and the path stops there.`;
      } else if (x.divergedAt !== null) {
        text += `the path leaves the plot for good and is drawn up to step ${x.divergedAt}; the loss reaches ${lossText(losses[losses.length - 1])}.`;
      } else {
        let kmin = 0;
        losses.forEach((v, k) => { if (v < losses[kmin]) kmin = k; });
        text += kmin < losses.length - 1
          ? `the loss falls to ${lossText(losses[kmin])} at step ${kmin}, then climbs to ${lossText(losses[losses.length - 1])} at step ${steps}.`
          : `the loss is still falling after ${steps} steps (${lossText(losses[kmin])}), but it will turn.`;
      }
    }
    if (x.divergedAt !== null) status = "diverges";
    w.record("GradientDescent", { GradientDescent: x.run }, { GradientDescent: x.points });
    Object.assign(element.dataset, {
      status, diverged: String(x.divergedAt !== null), lr: String(alpha), limit: String(limit),
    });
    w.say(text);
  };
  w.update();
  return w;
}

// A rotated valley for the momentum widgets: curvatures 1 and 10 (condition number 10).
const VALLEY = { name: "Quadratic", a: 1, b: 10, angle: 0.5 };
const VALLEY_START = [-1.8, -0.3];

/** momentum.md: momentum's beta against gradient descent on a zig-zagging valley. */
function momentumBeta(element) {
  const w = frame(element, "momentum-beta", {
    summary: "Gradient descent and momentum on a narrow quadratic valley for the momentum coefficient you choose",
  });
  const problem = makeLandscape(VALLEY, DATA);
  const bounds = LANDSCAPES.Quadratic.bounds;
  const c = curvature(problem.grad, VALLEY_START);
  const limit = 2 / c.lmax;
  const steps = 40;
  const view = new LandscapeView(w.canvas("descend-widget-landscape"), {
    loss: problem.loss, bounds, levels: bowlLevels(problem.loss, bounds), title: `Momentum and gradient descent, ${steps} steps`,
  });
  w.views.push(view);
  const beta = slider(w, { param: "beta", label: "Momentum coefficient β", symbol: "β", min: 0, max: 0.99, value: 0.6, positions: 99, digits: 2 });
  const lr = slider(w, {
    param: "lr", label: "Learning rate α, shared (log scale)", symbol: "α", min: 0.02, max: 0.5, value: 0.18, log: true,
    positions: 80, digits: 3, marker: { value: limit, text: `2/λ_max = ${num(limit)}` },
  });
  w.update = () => {
    const a = lr.value;
    const b = beta.value;
    const common = { landscape: VALLEY, start: VALLEY_START, steps };
    const gd = runAndCut({ ...common, optimizer: "GradientDescent", options: { lr: a } }, bounds);
    const mo = runAndCut({ ...common, optimizer: "Momentum", options: { lr: a, beta: b } }, bounds);
    view.draw([
      { points: gd.points, name: "GradientDescent", label: "gradient descent", dashed: true },
      { points: mo.points, name: "Momentum", label: `momentum, β = ${num(b, 2)}` },
    ], { start: VALLEY_START, minimum: c.minimum });
    let text = `β = ${num(b, 2)}: `;
    const n = Math.min(gd.points.length, mo.points.length);
    let gap = 0;
    for (let i = 0; i < n; i++) gap = Math.max(gap, dist(gd.points[i], mo.points[i]));
    if (b === 0) {
      text += `momentum is gradient descent, and the two paths coincide (largest distance ${lossText(gap)}); `;
    } else {
      text += `the average shrinks an alternating gradient to (1−β)/(1+β) = ${num((1 - b) / (1 + b), 2)} of its size; `;
    }
    const crossGd = crossings(gd.points, c.minimum, c.vmax);
    const crossMo = crossings(mo.points, c.minimum, c.vmax);
    if (gd.divergedAt !== null || mo.divergedAt !== null || a >= limit) {
      text += `${endText("gradient descent", gd, steps)}${a >= limit ? ` (α = ${num(a)} is above its limit 2/λ_max = ${num(limit)})` : ""}, ` +
        `${endText("momentum", mo, steps)}.`;
    } else {
      const lg = gd.run.losses[steps];
      const lm = mo.run.losses[steps];
      text += `after ${steps} steps with α = ${num(a)} momentum's loss is ${lossText(lm)}, gradient descent's ${lossText(lg)}; ` +
        `momentum crosses the valley floor ${crossMo} times, gradient descent ${crossGd} times.`;
    }
    w.record("Momentum", { GradientDescent: gd.run, Momentum: mo.run }, { GradientDescent: gd.points, Momentum: mo.points });
    element.dataset.diverged = String(mo.divergedAt !== null);
    w.say(text);
  };
  w.update();
  return w;
}

/** nesterov.md: momentum against Nesterov momentum, with the look-ahead points drawn. */
function nesterovLookahead(element) {
  const w = frame(element, "nesterov-lookahead", {
    summary: "Momentum and Nesterov momentum on a narrow quadratic valley, with the points where Nesterov takes its gradients",
  });
  const problem = makeLandscape(VALLEY, DATA);
  const bounds = LANDSCAPES.Quadratic.bounds;
  const start = [-1.4, 1.0]; // across the valley: momentum overshoots the floor
  const c = curvature(problem.grad, start);
  const steps = 40;
  const alpha = 0.18;
  const view = new LandscapeView(w.canvas("descend-widget-landscape"), {
    loss: problem.loss, bounds, levels: bowlLevels(problem.loss, bounds), title: `Momentum and Nesterov, α = ${alpha}, ${steps} steps`,
  });
  w.views.push(view);
  const beta = slider(w, { param: "beta", label: "Momentum coefficient β", symbol: "β", min: 0, max: 0.99, value: 0.9, positions: 99, digits: 2 });
  const look = radios(w, {
    param: "lookahead", legend: "Nesterov's gradient is taken at", value: "momentum",
    options: [
      { value: "momentum", label: "φ − αβm (where momentum leads)" },
      { value: "slide", label: "φ − αm (the slide's point)" },
    ],
  });
  w.update = () => {
    const b = beta.value;
    const lookahead = look.value;
    const common = { landscape: VALLEY, start: start, steps };
    const mo = runAndCut({ ...common, optimizer: "Momentum", options: { lr: alpha, beta: b } }, bounds);
    const ne = runAndCut({ ...common, optimizer: "NesterovMomentum", options: { lr: alpha, beta: b, lookahead } }, bounds);
    // The look-ahead points from the path: alpha m_t = phi_{t-1} - phi_t (m_0 = 0), so the
    // gradient of step t is taken at phi_t - k (phi_{t-1} - phi_t), k = beta or 1.
    const k = lookahead === "slide" ? 1 : b;
    const pts = ne.points;
    const ahead = pts.slice(0, Math.max(pts.length - 1, 0)).map((p, t) =>
      (t === 0 ? p : [p[0] - k * (pts[t - 1][0] - p[0]), p[1] - k * (pts[t - 1][1] - p[1])]));
    const links = ahead.map((q, t) => ({ points: [pts[t], q], name: "NesterovMomentum", width: 1, markers: false }));
    view.draw([
      { points: mo.points, name: "Momentum", label: "momentum", dashed: true, markers: false },
      ...links,
      { points: ahead, name: "NesterovMomentum", line: false, marker: "ring", markerSize: 2.6, label: "gradient taken here" },
      { points: pts, name: "NesterovMomentum", label: "Nesterov", markers: false },
    ], { start: start, minimum: c.minimum });
    const reach = ahead.length > 1 ? ahead.slice(1).reduce((s, q, i) => s + dist(q, pts[i + 1]), 0) / (ahead.length - 1) : 0;
    let text = `Nesterov takes each gradient at ${lookahead === "slide" ? "φ_t − αm_t, repeating the whole last step" : `φ_t − αβm_t, where momentum alone leads`}` +
      ` (on average ${num(reach, 2)} ahead of φ_t, β = ${num(b, 2)}); `;
    if (mo.divergedAt !== null || ne.divergedAt !== null) {
      text += `${endText("momentum", mo, steps)}, ${endText("Nesterov", ne, steps)}.`;
    } else {
      text += `after ${steps} steps its loss is ${lossText(ne.run.losses[steps])} against momentum's ${lossText(mo.run.losses[steps])}; ` +
        `once past the valley floor it swings up to ${num(overshoot(pts, c.minimum, c.vmax), 2)} beyond it, momentum up to ${num(overshoot(mo.points, c.minimum, c.vmax), 2)}.`;
    }
    w.record("NesterovMomentum", { Momentum: mo.run, NesterovMomentum: ne.run }, { Momentum: mo.points, NesterovMomentum: pts, lookahead: ahead });
    element.dataset.diverged = String(ne.divergedAt !== null);
    w.say(text);
  };
  w.update();
  return w;
}

// The fixed-step landscape's curvatures at its minimum, diag(1/4, 4), as a quadratic bowl.
const BOWL = { name: "Quadratic", a: 0.25, b: 4, angle: 0 };
const BOWL_START = [-1.537, -0.883]; // not a multiple of the slider's alphas away from the minimum

/** normalized-gradients.md: fixed-length steps (global) or a grid (per coordinate) against GD. */
function normalizedGrid(element) {
  const w = frame(element, "normalized-grid", {
    summary: "Normalized gradients and gradient descent on a badly scaled bowl, for a learning rate you choose",
  });
  const problem = makeLandscape(BOWL, DATA);
  const bounds = LANDSCAPES.Quadratic.bounds;
  const c = curvature(problem.grad, BOWL_START);
  const steps = 40;
  const view = new LandscapeView(w.canvas("descend-widget-landscape"), {
    loss: problem.loss, bounds, levels: bowlLevels(problem.loss, bounds), title: `Normalized gradients and gradient descent, ${steps} steps`,
  });
  w.views.push(view);
  const lr = slider(w, { param: "lr", label: "Learning rate α, shared (log scale)", symbol: "α", min: 0.03, max: 0.45, value: 0.1, log: true, positions: 80, digits: 3 });
  const norm = radios(w, {
    param: "norm", legend: "Normalize", value: "coordinate",
    options: [
      { value: "coordinate", label: "each coordinate (norm=\"coordinate\")" },
      { value: "global", label: "the whole gradient (norm=\"global\")" },
    ],
  });
  w.update = () => {
    const a = lr.value;
    const mode = norm.value;
    const common = { landscape: BOWL, start: BOWL_START, steps };
    const gd = runAndCut({ ...common, optimizer: "GradientDescent", options: { lr: a } }, bounds);
    const ng = runAndCut({ ...common, optimizer: "NormalizedGradient", options: { lr: a, norm: mode } }, bounds);
    const paths = [];
    if (mode === "coordinate") {
      // the grid start + alpha Z^2 inside the box, when it is not too dense to see
      const grid = [];
      const i0 = Math.ceil((bounds.x[0] - BOWL_START[0]) / a);
      const i1 = Math.floor((bounds.x[1] - BOWL_START[0]) / a);
      const j0 = Math.ceil((bounds.y[0] - BOWL_START[1]) / a);
      const j1 = Math.floor((bounds.y[1] - BOWL_START[1]) / a);
      if ((i1 - i0 + 1) * (j1 - j0 + 1) <= 3000) {
        for (let i = i0; i <= i1; i++) for (let j = j0; j <= j1; j++) grid.push([BOWL_START[0] + i * a, BOWL_START[1] + j * a]);
      }
      paths.push({ points: grid, color: (t) => `rgba(${t.rgb.muted.join(", ")}, 0.5)`, line: false, markerSize: 1 });
    }
    paths.push({ points: gd.points, name: "GradientDescent", label: "gradient descent", dashed: true },
      { points: ng.points, name: "NormalizedGradient", label: `normalized (${mode})` });
    view.draw(paths, { start: BOWL_START, minimum: c.minimum });
    const lengths = ng.points.slice(1).map((p, i) => dist(p, ng.points[i]));
    const lo = Math.min(...lengths);
    const hi = Math.max(...lengths);
    const cycle = endCycle(ng.points, 1e-6 * a);
    const dNg = dist(ng.points[ng.points.length - 1], c.minimum);
    let text = mode === "coordinate"
      ? `Each coordinate moves by ±α = ${num(a)} per step (step lengths ${num(lo, 4)} to ${num(hi, 4)}; α√2 = ${num(a * Math.SQRT2, 4)}), so the iterates stay on the grid of dots; `
      : `Every step has the length α = ${num(a)} (measured ${num(lo, 4)} to ${num(hi, 4)}) along the steepest descent, however flat or steep the bowl; `;
    text += cycle ? `they end bouncing among ${cycle} point${cycle > 1 ? "s" : ""}, ${num(dNg, 2)} from the minimum` : `after ${steps} steps they are ${num(dNg, 2)} from the minimum`;
    text += gd.divergedAt !== null ? `; ${endText("gradient descent", gd, steps)}.`
      : `; gradient descent with the same α ends ${num(dist(gd.points[gd.points.length - 1], c.minimum), 2)} from it.`;
    w.record("NormalizedGradient", { GradientDescent: gd.run, NormalizedGradient: ng.run }, { GradientDescent: gd.points, NormalizedGradient: ng.points });
    element.dataset.diverged = String(ng.divergedAt !== null);
    element.dataset.cycle = String(cycle);
    w.say(text);
  };
  w.update();
  return w;
}

// A badly scaled bowl for Adam: curvatures 0.2 and 20 (condition number 100), along the axes.
const STEEP = { name: "Quadratic", a: 0.2, b: 20, angle: 0 };
const STEEP_START = [-1.7, 1.4];

/** adam.md: Adam's near-diagonal moves against gradient descent's zig-zag, with the losses. */
function adamVsGd(element) {
  const w = frame(element, "adam-vs-gd", {
    summary: "Adam and gradient descent on a badly scaled quadratic bowl, with the loss per step",
  });
  const problem = makeLandscape(STEEP, DATA);
  const bounds = LANDSCAPES.Quadratic.bounds;
  const c = curvature(problem.grad, STEEP_START);
  const limit = 2 / c.lmax;
  const steps = 60;
  const view = new LandscapeView(w.canvas("descend-widget-landscape"), {
    loss: problem.loss, bounds, levels: bowlLevels(problem.loss, bounds), title: `Adam and gradient descent, ${steps} steps`,
  });
  const losses = new LossPlot(w.canvas("descend-widget-loss"), { title: "Loss per step", aspect: 0.8 });
  w.views.push(view, losses);
  const lrAdam = slider(w, { param: "lr", label: "Adam's learning rate α (log scale)", symbol: "α", min: 0.01, max: 1, value: 0.1, log: true, positions: 80, digits: 3 });
  const lrGd = slider(w, {
    param: "lr-gd", label: "Gradient descent's learning rate α (log scale)", symbol: "α", min: 0.005, max: 0.15,
    value: 0.09, log: true, positions: 80, digits: 3, marker: { value: limit, text: `2/λ_max = ${num(limit)}` },
  });
  w.update = () => {
    const common = { landscape: STEEP, start: STEEP_START, steps };
    const gd = runAndCut({ ...common, optimizer: "GradientDescent", options: { lr: lrGd.value } }, bounds);
    const ad = runAndCut({ ...common, optimizer: "Adam", options: { lr: lrAdam.value } }, bounds);
    view.draw([
      { points: gd.points, name: "GradientDescent", label: `gradient descent, α = ${num(lrGd.value)}`, dashed: true },
      { points: ad.points, name: "Adam", label: `Adam, α = ${num(lrAdam.value)}` },
    ], { start: STEEP_START, minimum: c.minimum });
    losses.draw([
      { values: gd.run.losses.slice(0, gd.points.length), name: "GradientDescent", label: "gradient descent", dashed: true },
      { values: ad.run.losses.slice(0, ad.points.length), name: "Adam", label: "Adam" },
    ]);
    const first = (x) => (x.points.length > 1 ? [x.points[1][0] - x.points[0][0], x.points[1][1] - x.points[0][1]] : [0, 0]);
    const sa = first(ad);
    const sg = first(gd);
    const ratio = (s) => Math.abs(s[1]) / Math.abs(s[0]);
    let largest = 0;
    for (let i = 1; i < ad.points.length; i++) {
      largest = Math.max(largest, ...[0, 1].map((j) => Math.abs(ad.points[i][j] - ad.points[i - 1][j])));
    }
    let text = `Adam's first step moves φ₀ by ${num(sa[0], 3)} and φ₁ by ${num(sa[1], 3)}, the same size (a diagonal move), ` +
      `while gradient descent's moves φ₁ ${num(ratio(sg), 3)} times as far as φ₀; no step of Adam's moves a coordinate by more ` +
      `than ${(largest / lrAdam.value).toFixed(2)} × α. `;
    text += `${endText("Adam", ad, steps)}, ${endText("gradient descent", gd, steps)}`;
    text += lrGd.value >= limit ? ` (its α is above 2/λ_max = ${num(limit)}).` : ".";
    w.record("Adam", { GradientDescent: gd.run, Adam: ad.run }, { GradientDescent: gd.points, Adam: ad.points });
    element.dataset.diverged = String(ad.divergedAt !== null);
    element.dataset.gdDiverged = String(gd.divergedAt !== null);
    w.say(text);
  };
  w.update();
  return w;
}

/** The widgets by kind (the value of data-descend-widget). */
export const WIDGETS = {
  "gd-learning-rate": gdLearningRate,
  "momentum-beta": momentumBeta,
  "nesterov-lookahead": nesterovLookahead,
  "normalized-grid": normalizedGrid,
  "adam-vs-gd": adamVsGd,
};

/**
 * Build the widget `kind` inside `element` (replacing its fallback content).
 * An unknown kind is an Error naming it and the known kinds.
 */
export function mountWidget(element, kind) {
  if (!Object.hasOwn(WIDGETS, kind)) {
    throw new Error(`unknown widget kind ${JSON.stringify(kind)}; known kinds: ${Object.keys(WIDGETS).join(", ")}`);
  }
  if (element.descendWidget) element.descendWidget.views.forEach((v) => v.destroy());
  const widget = WIDGETS[kind](element);
  element.descendWidget = widget;
  element.dataset.mounted = "true";
  return widget;
}
