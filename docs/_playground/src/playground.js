// The Playground page: up to four optimizers on one landscape, their paths over the contours,
// the loss per step, the final losses in a table, and the whole setup in the URL hash.
//
// Everything is recomputed on every change (run() is cheap); "Play" then shows the paths
// growing step by step at display rate. Bad text in a number field leaves the last valid run on
// screen (the message sits beside the field). The mount element gets a handle for tests and
// scripts: element.playground = {state, runs, shown, paths(), shownPaths(), toData(x, y)}.

import { DATA } from "./data.js";
import { LANDSCAPES, makeLandscape } from "./landscapes.js";
import { OPTIMIZERS } from "./optimizers.js";
import { run } from "./trajectory.js";
import { LandscapeView, LossPlot, colorOf, themeColors } from "./plot.js";
import { checkboxControl, formatLoss, h, numberControl, roundToRange, selectControl } from "./controls.js";
import { MAX_OPTIMIZERS, SAMPLINGS, SETTINGS, checkState, decodeState, defaultLandscape, defaultOptimizer, encodeState, isSetupHash, specOf } from "./urlstate.js";

/** Options shown at once; the others are under "More options". */
const MAIN_OPTIONS = new Set(["lr", "beta", "betas", "alpha", "lookahead", "norm", "amsgrad"]);

/** Legend labels: the class name, numbered when the same optimizer appears twice. */
function labels(optimizers) {
  const seen = {};
  return optimizers.map(({ name }) => {
    seen[name] = (seen[name] || 0) + 1;
    return seen[name] === 1 ? name : `${name} (${seen[name]})`;
  });
}

/**
 * Mount the Playground in `element` (its fallback content is replaced).
 * @param {HTMLElement} element
 */
export function mountPlayground(element) {
  const first = decodeState(typeof location !== "undefined" ? location.hash : "");
  /** the setup now (a PlaygroundState of urlstate.js) */
  let state = first.state;
  let runs = [];
  let shown = null; // null: the whole runs; else the step the animation shows
  let playing = false;
  let frame = 0;
  let lastHash = null;
  let lastBatch = 5;
  let landscapeKey = "";
  let computeCount = 0;

  // ------------------------------------------------------------ the layout
  element.replaceChildren();
  element.classList.add("dp-playground");
  const landCanvas = h("canvas", { id: "dp-landscape", className: "dp-canvas dp-landscape-canvas" });
  const lossCanvas = h("canvas", { id: "dp-loss", className: "dp-canvas" });
  const playButton = h("button", { type: "button", id: "dp-play", className: "dp-button dp-primary" }, "Play");
  const stepButton = h("button", { type: "button", id: "dp-step", className: "dp-button" }, "Step");
  const resetButton = h("button", { type: "button", id: "dp-reset", className: "dp-button", title: "Back to step 0" }, "Reset");
  const position = h("span", { id: "dp-position", className: "dp-position", "aria-live": "off" });
  const status = h("p", { id: "dp-status", className: "dp-status", role: "status", "aria-live": "polite" });
  const hashErrors = h("div", { id: "dp-hash-errors", className: "dp-hash-errors", role: "alert", hidden: true });
  const tableBody = h("tbody");
  const table = h("table", { id: "dp-results", className: "dp-results" },
    h("caption", {}, "Final losses"),
    h("thead", {}, h("tr", {},
      h("th", { scope: "col" }, "Optimizer"), h("th", { scope: "col" }, "Final loss"),
      h("th", { scope: "col" }, "Steps run"), h("th", { scope: "col" }, "Note"))),
    tableBody);
  const link = h("a", { id: "dp-link", className: "dp-link", href: "#" }, "Link to this setup");
  const landPanel = h("fieldset", { className: "dp-panel", id: "dp-landscape-panel" }, h("legend", {}, "Landscape"));
  const runPanel = h("fieldset", { className: "dp-panel", id: "dp-run-panel" }, h("legend", {}, "Start and steps"));
  const optPanels = h("div", { className: "dp-optimizers", id: "dp-optimizers" });
  const addButton = h("button", { type: "button", id: "dp-add", className: "dp-button" }, "Add an optimizer");

  const figures = h("div", { className: "dp-figures" },
    landCanvas,
    h("p", { className: "dp-hint", id: "dp-hint" }, "Click or tap the landscape to start there."),
    h("div", { className: "dp-transport", role: "group", "aria-label": "Animation" },
      playButton, stepButton, resetButton, position),
    status,
    lossCanvas,
    table);
  const controls = h("div", { className: "dp-controls" },
    hashErrors, landPanel, runPanel, optPanels, h("div", { className: "dp-add-row" }, addButton, link));
  element.append(h("div", { className: "dp-layout" }, figures, controls));
  landCanvas.setAttribute("aria-describedby", "dp-hint");

  const firstLand = makeLandscape(state.landscape, DATA);
  const view = new LandscapeView(landCanvas, {
    loss: firstLand.loss, bounds: firstLand.bounds, log: LANDSCAPES[state.landscape.name].logContours,
    title: firstLand.label,
  });
  landscapeKey = JSON.stringify(state.landscape);
  const lossPlot = new LossPlot(lossCanvas, { title: "Loss per step", logY: true });

  // ------------------------------------------------------------ computing and drawing

  /** Run every optimizer of `next`; null (and a status message) if a spec is refused. */
  function compute(next) {
    const out = [];
    const names = labels(next.optimizers);
    const seen = new Set();
    for (let i = 0; i < next.optimizers.length; i++) {
      const name = next.optimizers[i].name;
      let result;
      try {
        result = run(specOf(next, i), DATA);
      } catch (error) {
        setStatus(`Not run: ${error.message}. The figure shows the last valid setup.`, true);
        return null;
      }
      out.push({ name, label: names[i], dashed: seen.has(name), result });
      seen.add(name);
    }
    computeCount++;
    return out;
  }

  function setStatus(text, isError = false) {
    status.textContent = text;
    status.classList.toggle("dp-error", isError);
  }

  function mostSteps() {
    return Math.max(0, ...runs.map((r) => r.result.path.length - 1));
  }

  function theme() {
    return themeColors(element);
  }

  /** Draw the paths (up to the shown step), the losses, the table and the status line. */
  function draw() {
    const k = shown === null ? Infinity : shown;
    const paths = runs.map((r) => ({
      points: r.result.path.slice(0, k + 1), name: r.name, label: r.label, dashed: r.dashed,
    }));
    const land = state.landscape;
    let minimum = LANDSCAPES[land.name].minimum;
    if (land.name === "Rosenbrock") minimum = [land.a, land.a * land.a];
    view.draw(paths, { start: state.start, minimum });
    const series = runs.map((r) => ({ values: r.result.losses.slice(0, k + 1), name: r.name, label: r.label, dashed: r.dashed }));
    if (shown !== null) {
      // Keep the axes of the whole runs while the paths grow: an invisible series spans them.
      const all = runs.flatMap((r) => r.result.losses).filter((v) => v > 0 && Number.isFinite(v));
      if (all.length) {
        const span = new Array(state.steps + 1).fill(Math.min(...all));
        span[0] = Math.max(...all);
        series.push({ values: span, color: "rgba(0, 0, 0, 0)" });
      }
    }
    lossPlot.draw(series);
    drawTable();
    position.textContent = shown === null ? `all ${state.steps} steps` : `step ${Math.min(shown, state.steps)} of ${state.steps}`;
    if (!playing) {
      // (not while playing: the status is read out by screen readers)
      const parts = [shown === null ? `Showing all ${state.steps} steps.` : `Showing step ${Math.min(shown, state.steps)} of ${state.steps}.`];
      for (const r of runs.filter((r) => r.result.diverged)) {
        const { step, message } = r.result.diverged;
        parts.push(`${r.label} diverged at step ${step}; its path stops at its last finite point (${message}).`);
      }
      setStatus(parts.join(" "));
    }
    element.dataset.shown = shown === null ? "all" : String(shown);
    element.dataset.playing = String(playing);
    element.dataset.computed = String(computeCount);
  }

  function drawTable() {
    const th = theme();
    tableBody.replaceChildren(...runs.map((r) => {
      const { path, losses, diverged } = r.result;
      const swatch = h("span", { className: "dp-swatch" + (r.dashed ? " dp-dashed" : ""), "aria-hidden": "true" });
      swatch.style.setProperty("--dp-color", colorOf(r.name, th));
      return h("tr", { "data-optimizer": r.name },
        h("th", { scope: "row" }, swatch, r.label),
        h("td", { "data-col": "loss" }, losses.length ? formatLoss(losses[losses.length - 1]) : "–"),
        h("td", { "data-col": "steps" }, String(path.length - 1)),
        h("td", { "data-col": "note" }, diverged ? `diverged at step ${diverged.step}` : ""));
    }));
  }

  function writeHash() {
    const hash = encodeState(state);
    link.setAttribute("href", "#" + hash);
    element.dataset.hash = hash;
    if (hash === lastHash) return;
    lastHash = hash;
    if (typeof history !== "undefined" && typeof location !== "undefined") {
      try {
        history.replaceState(history.state, "", "#" + hash);
      } catch {
        location.replace("#" + hash); // no new history entry either
      }
    }
  }

  function syncLandscape() {
    const key = JSON.stringify(state.landscape);
    if (key === landscapeKey) return;
    landscapeKey = key;
    const land = makeLandscape(state.landscape, DATA);
    view.title = land.label;
    view.setLandscape({ loss: land.loss, bounds: land.bounds, log: LANDSCAPES[state.landscape.name].logContours });
  }

  /**
   * Change the setup: `change` edits a copy; the copy is run, and only if every run is accepted
   * does it become the setup (drawn, written to the hash). Returns whether it did.
   */
  function update(change, { rebuild = false } = {}) {
    const next = structuredClone(state);
    change(next);
    const problems = checkState(next);
    if (problems.length) {
      setStatus(`Not run: ${problems.join("; ")}. The figure shows the last valid setup.`, true);
      return false;
    }
    const result = compute(next);
    if (result === null) return false;
    state = next;
    runs = result;
    status.classList.remove("dp-error");
    if (shown !== null) shown = Math.min(shown, state.steps);
    syncLandscape();
    if (rebuild) {
      // New controls replace the old ones: keep the keyboard focus on the control of the same id.
      const focused = document.activeElement && element.contains(document.activeElement) ? document.activeElement.id : "";
      buildControls();
      if (focused) document.getElementById(focused)?.focus();
    }
    draw();
    writeHash();
    return true;
  }

  // ------------------------------------------------------------ the controls

  /** Every control, by a key, so that a new hash can set them. */
  let refs = {};

  function buildControls() {
    refs = {};
    buildLandscapePanel();
    buildRunPanel();
    buildOptimizerPanels();
    addButton.hidden = state.optimizers.length >= MAX_OPTIMIZERS;
  }

  function buildLandscapePanel() {
    const land = state.landscape;
    const entry = LANDSCAPES[land.name];
    const select = selectControl({
      id: "dp-land", label: "Loss landscape", name: "land", value: land.name,
      choices: Object.keys(LANDSCAPES),
      onValue: (value) => {
        update((s) => {
          s.landscape = defaultLandscape(value);
          s.start = [...LANDSCAPES[value].start];
        }, { rebuild: true });
      },
    });
    const fields = entry.params.map((p) => numberControl({
      id: `dp-land-${p.name}`, param: p, value: land[p.name], name: p.name,
      onValue: (v) => update((s) => {
        s.landscape[p.name] = v;
      }),
    }));
    const formula = h("p", { className: "dp-formula", id: "dp-land-description" }, `${entry.label}: ${entry.formula}`);
    select.input.setAttribute("aria-describedby", "dp-land-description");
    landPanel.replaceChildren(h("legend", {}, "Landscape"), select.element, formula, ...fields.map((f) => f.element));
  }

  function buildRunPanel() {
    const start = [0, 1].map((i) => numberControl({
      id: `dp-start${i}`, param: { ...SETTINGS.start, label: `start φ${i === 0 ? "₀" : "₁"}` }, value: state.start[i],
      name: `start[${i}]`,
      onValue: (v) => update((s) => {
        s.start[i] = v;
      }),
    }));
    refs.start = start;
    const steps = numberControl({
      id: "dp-steps", param: SETTINGS.steps, value: state.steps, name: "steps",
      onValue: (v) => update((s) => {
        s.steps = v;
      }),
    });
    const children = [h("legend", {}, "Start and steps"),
      h("div", { className: "dp-pair" }, start[0].element, start[1].element), steps.element];
    const entry = LANDSCAPES[state.landscape.name];
    if (entry.data !== null) {
      const n = DATA[entry.data].x.length;
      const on = state.batch !== null;
      const minibatch = checkboxControl({
        id: "dp-minibatch", label: `Minibatches (a random part of the ${n} points at each step)`, checked: on, name: "minibatch",
        onValue: (checked) => update((s) => {
          s.batch = checked ? Math.min(lastBatch, n) : null;
        }, { rebuild: true }),
      });
      children.push(minibatch.element);
      if (on) {
        const batch = numberControl({
          id: "dp-batch", param: { ...SETTINGS.batch, min: 1, max: n }, value: state.batch, name: "batch",
          onValue: (v) => update((s) => {
            s.batch = v;
            lastBatch = v;
          }),
        });
        const sampling = selectControl({
          id: "dp-sampling", label: "Sampling", name: "sampling", value: state.sampling,
          choices: [
            { value: "per_epoch", text: "reshuffle every epoch" },
            { value: "per_step", text: "a fresh batch every step" },
          ],
          onValue: (v) => update((s) => {
            s.sampling = SAMPLINGS.includes(v) ? v : s.sampling;
          }),
        });
        const seed = numberControl({
          id: "dp-seed", param: SETTINGS.seed, value: state.seed, name: "seed",
          onValue: (v) => update((s) => {
            s.seed = v;
          }),
        });
        const redraw = h("button", { type: "button", id: "dp-new-seed", className: "dp-button" }, "New batches");
        redraw.addEventListener("click", () => {
          if (update((s) => {
            s.seed = (s.seed + 1) % 4294967296;
          })) seed.set(state.seed);
        });
        children.push(batch.element, sampling.element, h("div", { className: "dp-seed-row" }, seed.element, redraw));
      }
    }
    runPanel.replaceChildren(...children);
  }

  function buildOptimizerPanels() {
    const names = labels(state.optimizers);
    const th = theme();
    optPanels.replaceChildren(...state.optimizers.map((opt, i) => {
      const rule = OPTIMIZERS[opt.name];
      const swatch = h("span", { className: "dp-swatch" + (names[i] !== opt.name ? " dp-dashed" : ""), "aria-hidden": "true" });
      swatch.style.setProperty("--dp-color", colorOf(opt.name, th));
      const select = selectControl({
        id: `dp-opt${i}`, label: "Optimizer", name: "optimizer", value: opt.name,
        choices: Object.keys(OPTIMIZERS).map((value) => ({ value, text: value })),
        onValue: (value) => {
          update((s) => {
            s.optimizers[i] = defaultOptimizer(value);
          }, { rebuild: true });
        },
      });
      const main = [];
      const more = [];
      for (const p of rule.params) {
        const into = MAIN_OPTIONS.has(p.name) ? main : more;
        into.push(...optionControls(i, opt, p));
      }
      const remove = h("button", { type: "button", className: "dp-button dp-remove", id: `dp-remove${i}`, "aria-label": `Remove ${names[i]}` }, "Remove");
      remove.hidden = state.optimizers.length <= 1;
      remove.addEventListener("click", () => {
        update((s) => {
          s.optimizers.splice(i, 1);
        }, { rebuild: true });
        addButton.focus();
      });
      const panel = h("fieldset", { className: "dp-panel dp-optimizer", id: `dp-optimizer${i}`, "data-optimizer": opt.name },
        h("legend", {}, swatch, names[i]),
        select.element,
        h("p", { className: "dp-formula" }, rule.equation),
        ...main);
      const foot = h("div", { className: "dp-opt-foot" });
      if (more.length) foot.append(h("details", { className: "dp-more" }, h("summary", {}, "More options"), ...more));
      foot.append(remove);
      panel.append(foot);
      return panel;
    }));
  }

  /** The controls of one option of optimizer i: a number pair, a checkbox or a select. */
  function optionControls(i, opt, p) {
    const id = `dp-opt${i}-${p.name}`;
    const set = (value) => update((s) => {
      s.optimizers[i].options[p.name] = value;
    });
    if (p.kind === "bool") {
      return [checkboxControl({ id, label: p.label, checked: opt.options[p.name], name: p.name, onValue: set }).element];
    }
    if (p.kind === "choice") {
      return [selectControl({ id, label: p.label, choices: p.choices, value: opt.options[p.name], name: p.name, onValue: set }).element];
    }
    if (p.kind === "pair") {
      return [0, 1].map((j) => numberControl({
        id: `${id}${j}`, param: { ...p, kind: "float", label: p.labels ? p.labels[j] : `${p.label} [${j}]` },
        value: opt.options[p.name][j], name: `${p.name}[${j}]`,
        onValue: (v) => update((s) => {
          s.optimizers[i].options[p.name][j] = v;
        }),
      }).element);
    }
    return [numberControl({ id, param: p, value: opt.options[p.name], name: p.name, onValue: set }).element];
  }

  addButton.addEventListener("click", () => {
    if (state.optimizers.length >= MAX_OPTIMIZERS) return;
    const used = new Set(state.optimizers.map((o) => o.name));
    const name = Object.keys(OPTIMIZERS).find((n) => !used.has(n)) ?? "GradientDescent";
    const added = update((s) => {
      s.optimizers.push(defaultOptimizer(name));
    }, { rebuild: true });
    if (added) document.getElementById(`dp-opt${state.optimizers.length - 1}`)?.focus();
  });

  // ------------------------------------------------------------ animation

  function stop() {
    playing = false;
    if (frame) cancelAnimationFrame(frame);
    frame = 0;
    playButton.textContent = "Play";
    playButton.setAttribute("aria-pressed", "false");
  }

  function tick() {
    const total = mostSteps();
    const perFrame = Math.max(1, Math.ceil(state.steps / 240));
    shown = Math.min((shown ?? 0) + perFrame, state.steps);
    if (shown >= total) {
      shown = null; // the whole runs
      stop();
      draw();
      return;
    }
    draw();
    frame = requestAnimationFrame(tick);
  }

  playButton.setAttribute("aria-pressed", "false");
  playButton.addEventListener("click", () => {
    if (playing) {
      stop();
      draw();
      return;
    }
    if (shown === null) shown = 0;
    playing = true;
    playButton.textContent = "Pause";
    playButton.setAttribute("aria-pressed", "true");
    draw();
    frame = requestAnimationFrame(tick);
  });
  stepButton.addEventListener("click", () => {
    stop();
    if (shown === null) {
      setStatus(`All ${state.steps} steps are shown: press Reset to go back to step 0.`);
      return;
    }
    shown = Math.min(shown + 1, state.steps);
    if (shown >= mostSteps()) shown = null;
    draw();
  });
  resetButton.addEventListener("click", () => {
    stop();
    shown = 0;
    draw();
  });

  // ------------------------------------------------------------ the figure and the hash

  landCanvas.addEventListener("click", (event) => {
    const [x, y] = view.toData(event.clientX, event.clientY);
    const b = view.bounds;
    const start = [roundToRange(x, b.x[1] - b.x[0]), roundToRange(y, b.y[1] - b.y[0])];
    if (!Number.isFinite(start[0]) || !Number.isFinite(start[1])) return;
    if (update((s) => {
      s.start = start;
    })) {
      refs.start?.forEach((field, i) => field.set(state.start[i]));
    }
  });

  function showHashErrors(errors) {
    if (!errors.length) {
      hashErrors.hidden = true;
      hashErrors.replaceChildren();
      return;
    }
    const close = h("button", { type: "button", className: "dp-button", id: "dp-hash-errors-close" }, "Dismiss");
    close.addEventListener("click", () => {
      hashErrors.hidden = true;
    });
    hashErrors.replaceChildren(
      h("p", {}, "This link's setup has problems; the page uses the defaults for these parts:"),
      h("ul", {}, errors.map((e) => h("li", {}, e))),
      close);
    hashErrors.hidden = false;
  }

  function load(hash) {
    const { state: loaded, errors } = decodeState(hash);
    stop();
    shown = null;
    showHashErrors(errors);
    if (!update((s) => Object.assign(s, loaded), { rebuild: true })) {
      // a setup the runs refuse (should not happen): the defaults
      update((s) => Object.assign(s, decodeState("").state), { rebuild: true });
    }
  }

  if (typeof window !== "undefined") {
    window.addEventListener("hashchange", () => {
      const hash = location.hash.replace(/^#/, "");
      if (hash === lastHash || !isSetupHash(hash)) return;
      load(hash);
    });
  }

  // Recolour the swatches with the theme (the canvases follow it by themselves).
  if (typeof MutationObserver === "function") {
    new MutationObserver(() => {
      drawTable();
      buildOptimizerPanelsColours();
    }).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  }
  function buildOptimizerPanelsColours() {
    const th = theme();
    optPanels.querySelectorAll(".dp-optimizer").forEach((panel) => {
      panel.querySelector(".dp-swatch")?.style.setProperty("--dp-color", colorOf(panel.dataset.optimizer, th));
    });
  }

  // ------------------------------------------------------------ start
  showHashErrors(first.errors);
  runs = compute(state) ?? [];
  buildControls();
  draw();
  if (isSetupHash(typeof location !== "undefined" ? location.hash : "")) writeHash();
  else {
    lastHash = null;
    const hash = encodeState(state);
    link.setAttribute("href", "#" + hash);
    element.dataset.hash = hash;
  }
  element.dataset.ready = "true";

  const handle = {
    get state() { return structuredClone(state); },
    get runs() { return runs.map((r) => ({ name: r.name, label: r.label, ...r.result })); },
    get shown() { return shown; },
    /** The full paths of the runs. */
    paths: () => runs.map((r) => r.result.path),
    /** The paths as drawn now (up to the shown step). */
    shownPaths: () => runs.map((r) => r.result.path.slice(0, shown === null ? Infinity : shown + 1)),
    toData: (clientX, clientY) => view.toData(clientX, clientY),
    load,
    view,
    lossPlot,
  };
  element.playground = handle;
  return handle;
}
