// The Playground's setup <-> the URL hash, readable so that it can go on a slide:
//
//   #land=Quadratic&a=1&b=12&angle=0.4&start=2,1.5&steps=100
//    &opt=Adam:lr=0.05,amsgrad=1;Momentum:lr=0.1,beta=0.9&batch=5&seed=1
//
// land      the landscape (LANDSCAPES' names), followed by its parameters (a, b, angle, ...)
// start     phi0,phi1
// steps     the number of steps
// opt       up to four optimizers, ";" between them: Name:option=value,option=value with
//           descend's keyword names; lr always, the other options only where they differ from
//           descend's defaults; booleans 1/0, a pair (Adam's betas) as 0.9/0.999
// batch     minibatch size on the data landscapes (absent: the full batch)
// sampling  per_epoch (default) or per_step
// seed      the seed of the minibatches (absent: 0)
//
// Pure. decodeState never throws: each bad part is reported in `errors` and replaced by its
// default. The law: decodeState(encodeState(state)) is {state, errors: []} for every valid state.

import { LANDSCAPES } from "./landscapes.js";
import { OPTIMIZERS } from "./optimizers.js";
import { checkValue, parseField } from "./controls.js";

/** At most this many optimizers run at once. */
export const MAX_OPTIMIZERS = 4;
/** The longest run the page offers. */
export const MAX_STEPS = 10000;
/** The playground's own settings (not options of an optimizer). */
export const SETTINGS = {
  steps: { name: "steps", kind: "int", label: "steps", min: 1, max: 2000, log: true, rule: "atLeast1", limit: MAX_STEPS },
  batch: { name: "batch", kind: "int", label: "batch size", rule: "atLeast1" },
  seed: { name: "seed", kind: "int", label: "seed", rule: "seed" },
  start: { name: "start", kind: "float", label: "start", rule: "finite" },
};
export const SAMPLINGS = ["per_epoch", "per_step"];
const DEFAULT_SEED = 0;

/**
 * The setup of the page.
 * @typedef {object} PlaygroundState
 * @property {{name: string} & Record<string, number>} landscape the name and every parameter
 * @property {[number, number]} start
 * @property {number} steps
 * @property {{name: string, options: Record<string, any>}[]} optimizers full options (defaults filled in)
 * @property {number | null} batch minibatch size, null for the full batch
 * @property {"per_epoch" | "per_step"} sampling
 * @property {number} seed
 */

/** The landscape `name` with its default parameters. */
export function defaultLandscape(name) {
  return { name, ...LANDSCAPES[name].defaults };
}

/** An optimizer with descend's defaults (and the playground's starting lr where descend has none). */
export function defaultOptimizer(name, overrides = {}) {
  return { name, options: { ...structuredClone(OPTIMIZERS[name].defaults), ...overrides } };
}

/**
 * The setup the page opens with when the hash says nothing: Gradient descent, momentum and Adam
 * on the Gabor model's loss for the textbook's 30 points.
 * @returns {PlaygroundState}
 */
export function defaultState() {
  return {
    landscape: defaultLandscape("Gabor"),
    start: [...LANDSCAPES.Gabor.start],
    steps: 100,
    optimizers: [
      defaultOptimizer("GradientDescent", { lr: 0.02 }),
      defaultOptimizer("Momentum", { lr: 0.02, beta: 0.9 }),
      defaultOptimizer("Adam", { lr: 0.1 }),
    ],
    batch: null,
    sampling: "per_epoch",
    seed: DEFAULT_SEED,
  };
}

/** The run spec of optimizer `index` in `state`, as trajectory.run takes it. */
export function specOf(state, index) {
  const { name, options } = state.optimizers[index];
  const spec = {
    landscape: { ...state.landscape },
    optimizer: name,
    options: structuredClone(options),
    start: [...state.start],
    steps: state.steps,
  };
  if (LANDSCAPES[state.landscape.name].data !== null && state.batch !== null) {
    spec.batchSize = state.batch;
    spec.seed = state.seed;
    spec.sampling = state.sampling;
  }
  return spec;
}

// ---------------------------------------------------------------- encoding

/** A number as the shortest text that reads back as the same number. */
const num = (x) => String(x === 0 ? 0 : x);

function sameValue(a, b) {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => x === b[i]);
  }
  return a === b;
}

function encodeOption(param, value) {
  if (param.kind === "bool") return value ? "1" : "0";
  if (param.kind === "pair") return `${num(value[0])}/${num(value[1])}`;
  if (param.kind === "choice") return String(value);
  return num(value);
}

/**
 * The hash (without "#") of a setup.
 * @param {PlaygroundState} state
 * @returns {string}
 */
export function encodeState(state) {
  const parts = [`land=${state.landscape.name}`];
  for (const p of LANDSCAPES[state.landscape.name].params) parts.push(`${p.name}=${num(state.landscape[p.name])}`);
  parts.push(`start=${num(state.start[0])},${num(state.start[1])}`);
  parts.push(`steps=${state.steps}`);
  const opts = state.optimizers.map(({ name, options }) => {
    const rule = OPTIMIZERS[name];
    const items = [];
    for (const param of rule.params) {
      const value = options[param.name];
      if (value === undefined) continue;
      if (param.name !== "lr" && sameValue(value, rule.defaults[param.name])) continue;
      items.push(`${param.name}=${encodeOption(param, value)}`);
    }
    return items.length ? `${name}:${items.join(",")}` : name;
  });
  parts.push(`opt=${opts.join(";")}`);
  if (state.batch !== null && state.batch !== undefined) parts.push(`batch=${state.batch}`);
  if (state.sampling && state.sampling !== "per_epoch") parts.push(`sampling=${state.sampling}`);
  if (state.batch != null || state.seed !== DEFAULT_SEED) parts.push(`seed=${state.seed}`);
  return parts.join("&");
}

// ---------------------------------------------------------------- decoding

/** Does this hash describe a setup (key=value pairs), or is it an anchor like #same-numbers? */
export function isSetupHash(hash) {
  return String(hash ?? "").replace(/^#/, "").includes("=");
}

function decodePart(text, errors) {
  try {
    return decodeURIComponent(text);
  } catch {
    errors.push(`cannot read ${JSON.stringify(text)} (bad %-escape); ignored`);
    return null;
  }
}

const BOOLS = { 1: true, true: true, 0: false, false: false };

/** One option's value from its text, or an error message. */
function decodeOption(name, param, text) {
  const where = `${name} ${param.name}`;
  if (param.kind === "bool") {
    if (Object.hasOwn(BOOLS, text)) return { ok: true, value: BOOLS[text] };
    return { ok: false, message: `${where} must be 1 or 0, got ${JSON.stringify(text)}` };
  }
  if (param.kind === "choice") {
    if (param.choices.includes(text)) return { ok: true, value: text };
    return { ok: false, message: `${where} must be ${param.choices.join(" or ")}, got ${JSON.stringify(text)}` };
  }
  if (param.kind === "pair") {
    const pieces = text.split("/");
    if (pieces.length !== 2) return { ok: false, message: `${where} must be two numbers like 0.9/0.999, got ${JSON.stringify(text)}` };
    const value = [];
    for (let i = 0; i < 2; i++) {
      const r = parseField(pieces[i], { kind: "float", rule: param.rule }, `${where}[${i}]`);
      if (!r.ok) return r;
      value.push(r.value);
    }
    return { ok: true, value };
  }
  return parseField(text, param, where);
}

/** One optimizer from `Name:k=v,k=v`; errors are pushed, bad options keep their defaults. */
function decodeOptimizer(text, errors) {
  const colon = text.indexOf(":");
  const name = (colon < 0 ? text : text.slice(0, colon)).trim();
  if (!Object.hasOwn(OPTIMIZERS, name)) {
    errors.push(`opt: unknown optimizer ${JSON.stringify(name)} (known: ${Object.keys(OPTIMIZERS).join(", ")}); left out`);
    return null;
  }
  const rule = OPTIMIZERS[name];
  const optimizer = defaultOptimizer(name);
  if (colon < 0 || text.slice(colon + 1).trim() === "") return optimizer;
  for (const item of text.slice(colon + 1).split(",")) {
    const eq = item.indexOf("=");
    const key = (eq < 0 ? item : item.slice(0, eq)).trim();
    const param = rule.params.find((p) => p.name === key);
    if (param === undefined) {
      errors.push(`opt: ${name} has no option ${JSON.stringify(key)} (options: ${rule.params.map((p) => p.name).join(", ")}); ignored`);
      continue;
    }
    const result = eq < 0 ? { ok: false, message: `${name} ${key} has no value` } : decodeOption(name, param, item.slice(eq + 1).trim());
    if (result.ok) optimizer.options[key] = result.value;
    else errors.push(`opt: ${result.message}; using ${encodeOption(param, rule.defaults[key])}`);
  }
  return optimizer;
}

/**
 * The setup a hash describes, and what was wrong with it. Never throws: every bad part is named
 * in `errors` and replaced by its default; an empty hash, or an anchor without "=", gives the
 * default setup and no errors.
 * @param {string} hash with or without the leading "#"
 * @returns {{state: PlaygroundState, errors: string[]}}
 */
export function decodeState(hash) {
  const errors = [];
  const state = defaultState();
  const text = String(hash ?? "").replace(/^#/, "");
  if (!isSetupHash(text)) return { state, errors };

  /** @type {Map<string, string>} */
  const pairs = new Map();
  for (const piece of text.split("&")) {
    if (piece === "") continue;
    const eq = piece.indexOf("=");
    const key = decodePart(eq < 0 ? piece : piece.slice(0, eq), errors);
    const value = eq < 0 ? "" : decodePart(piece.slice(eq + 1), errors);
    if (key === null || value === null) continue;
    if (pairs.has(key)) errors.push(`${key} is given twice; using the last value`);
    pairs.set(key, value.trim());
  }

  // The landscape first: it decides which parameters there are and the default start.
  let landName = state.landscape.name;
  if (pairs.has("land")) {
    const name = pairs.get("land");
    if (Object.hasOwn(LANDSCAPES, name)) landName = name;
    else errors.push(`land: unknown landscape ${JSON.stringify(name)} (known: ${Object.keys(LANDSCAPES).join(", ")}); using ${landName}`);
  }
  state.landscape = defaultLandscape(landName);
  state.start = [...LANDSCAPES[landName].start];
  const landParams = LANDSCAPES[landName].params;
  const allLandParams = new Set(Object.values(LANDSCAPES).flatMap((l) => l.params.map((p) => p.name)));

  const known = new Set(["land", "start", "steps", "opt", "batch", "sampling", "seed"]);
  for (const [key, value] of pairs) {
    if (known.has(key)) continue;
    const param = landParams.find((p) => p.name === key);
    if (param) {
      const r = parseField(value, param, key);
      if (r.ok) state.landscape[key] = r.value;
      else errors.push(`${r.message}; using ${num(state.landscape[key])}`);
    } else if (allLandParams.has(key)) {
      errors.push(`${key}: the ${landName} landscape has no parameter ${key}; ignored`);
    } else {
      errors.push(`unknown setting ${JSON.stringify(key)}; ignored`);
    }
  }

  if (pairs.has("start")) {
    const value = pairs.get("start");
    const pieces = value.split(",");
    const parsed = pieces.map((p, i) => parseField(p, SETTINGS.start, `start[${i}]`));
    if (pieces.length !== 2) {
      errors.push(`start must be two numbers like 2,1.5, got ${JSON.stringify(value)}; using ${state.start.join(",")}`);
    } else if (!parsed.every((r) => r.ok)) {
      errors.push(`${parsed.find((r) => !r.ok).message}; using ${state.start.join(",")}`);
    } else {
      state.start = [parsed[0].value, parsed[1].value];
    }
  }

  if (pairs.has("steps")) {
    const r = parseField(pairs.get("steps"), SETTINGS.steps, "steps");
    if (r.ok) state.steps = r.value;
    else errors.push(`${r.message}; using ${state.steps}`);
  }

  if (pairs.has("opt")) {
    const optimizers = [];
    for (const item of pairs.get("opt").split(";")) {
      if (item.trim() === "") continue;
      const optimizer = decodeOptimizer(item.trim(), errors);
      if (optimizer !== null) optimizers.push(optimizer);
    }
    if (optimizers.length > MAX_OPTIMIZERS) {
      errors.push(`opt: at most ${MAX_OPTIMIZERS} optimizers run at once, got ${optimizers.length}; using the first ${MAX_OPTIMIZERS}`);
      optimizers.length = MAX_OPTIMIZERS;
    }
    if (optimizers.length) state.optimizers = optimizers;
    else errors.push("opt: no optimizer could be read; using the default ones");
  }

  if (pairs.has("batch")) {
    const r = parseField(pairs.get("batch"), SETTINGS.batch, "batch");
    if (r.ok) state.batch = r.value;
    else errors.push(`${r.message}; using the full batch`);
  }
  if (pairs.has("sampling")) {
    const value = pairs.get("sampling");
    if (SAMPLINGS.includes(value)) state.sampling = value;
    else errors.push(`sampling must be ${SAMPLINGS.join(" or ")}, got ${JSON.stringify(value)}; using ${state.sampling}`);
  }
  if (pairs.has("seed")) {
    const r = parseField(pairs.get("seed"), SETTINGS.seed, "seed");
    if (r.ok) state.seed = r.value;
    else errors.push(`${r.message}; using ${state.seed}`);
  }
  return { state, errors };
}

/**
 * Is `state` a valid setup? Returns the list of problems (empty if valid); used by the tests
 * and by the page before it writes a hash.
 * @param {PlaygroundState} state
 */
export function checkState(state) {
  const problems = [];
  const land = LANDSCAPES[state?.landscape?.name];
  if (!land) return [`unknown landscape ${JSON.stringify(state?.landscape?.name)}`];
  for (const p of land.params) {
    const m = checkValue(state.landscape[p.name], p.rule, p.name);
    if (m) problems.push(m);
  }
  for (let i = 0; i < 2; i++) {
    const m = checkValue(state.start?.[i], "finite", `start[${i}]`);
    if (m) problems.push(m);
  }
  const m = checkValue(state.steps, "atLeast1", "steps");
  if (m) problems.push(m);
  else if (state.steps > MAX_STEPS) problems.push(`steps must be at most ${MAX_STEPS}, got ${state.steps}`);
  if (!Array.isArray(state.optimizers) || state.optimizers.length < 1 || state.optimizers.length > MAX_OPTIMIZERS) {
    problems.push(`between 1 and ${MAX_OPTIMIZERS} optimizers, got ${state.optimizers?.length}`);
  }
  if (state.batch !== null) {
    const b = checkValue(state.batch, "atLeast1", "batch");
    if (b) problems.push(b);
  }
  if (!SAMPLINGS.includes(state.sampling)) problems.push(`sampling ${JSON.stringify(state.sampling)}`);
  const s = checkValue(state.seed, "seed", "seed");
  if (s) problems.push(s);
  return problems;
}
