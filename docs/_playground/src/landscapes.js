// The loss landscapes L[phi] over phi = (phi0, phi1): the formulas of descend.landscapes
// (Quadratic, Rosenbrock) and of descend.models on the textbook's data (Gabor with envelope
// E = 32, Linear), each written in the same order of floating-point operations as the Python
// source, and summed over the examples as NumPy sums (pairwise), so that losses and gradients
// agree with descend's to the last bit or so (sin, cos and exp may differ by an ulp).
//
// Pure: the data come in as an argument, {gabor: {x, y}, linear: {x, y}}.

/** @typedef {{name: "Quadratic", a?: number, b?: number, angle?: number}
 *   | {name: "Rosenbrock", a?: number, b?: number} | {name: "Gabor"} | {name: "Linear"}} LandscapeSpec */
/** @typedef {{x: number[], y: number[]}} Dataset */
/** @typedef {{gabor?: Dataset, linear?: Dataset}} Data */
/** @typedef {{x: [number, number], y: [number, number]}} Bounds */
/**
 * @typedef {object} Landscape
 * @property {string} name
 * @property {string} label
 * @property {Record<string, number>} params the landscape's parameters, defaults filled in
 * @property {Bounds} bounds a plotting box
 * @property {number} n number of examples (0 for the analytic landscapes)
 * @property {(phi: ArrayLike<number>) => number} loss L[phi]
 * @property {(phi: ArrayLike<number>) => number[]} grad dL/dphi, a new [g0, g1]
 * @property {(phi: ArrayLike<number>, indices: ArrayLike<number>) => number} lossOn
 *   the loss on the examples `indices` only (a minibatch), summed in their order
 * @property {(phi: ArrayLike<number>, indices: ArrayLike<number>) => number[]} gradOn
 */

/** Gabor's envelope E, as in descend.models.Gabor() and the textbook's figures. */
export const ENVELOPE = 32.0;

/**
 * The landscapes the playground offers: parameters (with descend's defaults and rules), a
 * plotting box, a suggested start, and whether contours read better on a log scale.
 */
export const LANDSCAPES = {
  Quadratic: {
    label: "Quadratic bowl, rotated",
    formula: "L = ½(a ψ₀² + b ψ₁²), ψ = φ turned by angle",
    defaults: { a: 1.0, b: 10.0, angle: 0.0 },
    params: [
      { name: "a", kind: "float", min: 0.1, max: 20, log: true, label: "curvature a", rule: "positive" },
      { name: "b", kind: "float", min: 0.1, max: 20, log: true, label: "curvature b", rule: "positive" },
      { name: "angle", kind: "float", min: -Math.PI / 2, max: Math.PI / 2, label: "angle (radians)", rule: "finite" },
    ],
    bounds: { x: [-2, 2], y: [-2, 2] },
    start: [-1.5, 1.5],
    minimum: [0, 0],
    logContours: false,
    data: null,
  },
  Rosenbrock: {
    label: "Rosenbrock's banana valley",
    formula: "L = (a − φ₀)² + b (φ₁ − φ₀²)²",
    defaults: { a: 1.0, b: 100.0 },
    params: [
      { name: "a", kind: "float", min: -2, max: 2, label: "a", rule: "finite" },
      { name: "b", kind: "float", min: 1, max: 1000, log: true, label: "b", rule: "positive" },
    ],
    bounds: { x: [-2, 2], y: [-1, 3] },
    start: [-1.2, 1.0],
    minimum: [1, 1],
    logContours: true,
    data: null,
  },
  Gabor: {
    label: "Gabor model on the textbook's 30 points",
    formula: "f = sin(z) exp(−z²/32), z = φ₀ + 0.06 φ₁ x; L = Σᵢ (f[xᵢ, φ] − yᵢ)²",
    defaults: {},
    params: [],
    bounds: { x: [-10, 10], y: [2.5, 22.5] },
    start: [-2.5, 11.5],
    minimum: null, // about (0.004, 16.03), found numerically; several valleys
    logContours: false,
    data: "gabor",
  },
  Linear: {
    label: "Straight line on the textbook's 12 points",
    formula: "f = φ₀ + φ₁ x; L = Σᵢ (f[xᵢ, φ] − yᵢ)²",
    defaults: {},
    params: [],
    bounds: { x: [-0.5, 2.5], y: [-1.25, 1.75] },
    start: [1.6, -0.5],
    minimum: null, // the least-squares line
    logContours: true,
    data: "linear",
  },
};

/** A value in an error message: strings quoted, arrays and objects as JSON-like text. */
export function show(value) {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || value == null) return String(value);
  if (Array.isArray(value)) return `[${value.map(show).join(", ")}]`;
  if (typeof value === "function") return "a function";
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** @param {unknown} x */
export function isPlainObject(x) {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/**
 * Check one landscape parameter: `rule` is "positive" (> 0) or "finite".
 * @param {string} field the name to use in the message, e.g. "landscape.a"
 */
function checkParam(field, value, rule) {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new Error(`${field} must be a finite number, got ${show(value)}`);
  }
  if (rule === "positive" && !(value > 0)) {
    throw new Error(`${field} must be a positive finite number, got ${show(value)}`);
  }
  return value;
}

/**
 * Validate a landscape spec and fill in the defaults.
 * @param {LandscapeSpec} spec
 * @param {string} [where] the name of the spec in messages
 * @returns {{name: string, params: Record<string, number>}}
 */
export function checkLandscape(spec, where = "landscape") {
  if (typeof spec === "string") spec = { name: spec };
  if (!isPlainObject(spec)) {
    throw new Error(`${where} must be an object like {name: "Gabor"}, got ${show(spec)}`);
  }
  const known = Object.keys(LANDSCAPES);
  if (!Object.hasOwn(LANDSCAPES, spec.name)) {
    throw new Error(`${where}.name must be one of ${known.join(", ")}, got ${show(spec.name)}`);
  }
  const entry = LANDSCAPES[spec.name];
  const names = entry.params.map((p) => p.name);
  for (const key of Object.keys(spec)) {
    if (key !== "name" && !names.includes(key)) {
      const list = names.length ? `known: ${names.join(", ")}` : "it takes none";
      throw new Error(`unknown parameter '${key}' for the ${spec.name} landscape; ${list}`);
    }
  }
  const params = { ...entry.defaults };
  for (const p of entry.params) {
    if (spec[p.name] !== undefined) params[p.name] = checkParam(`${where}.${p.name}`, spec[p.name], p.rule);
  }
  return { name: spec.name, params };
}

/**
 * NumPy's pairwise sum of `a[0..n)` (np.sum's order: 8 accumulators in blocks of at most 128,
 * halves beyond), so that sums over the examples round as descend's do.
 * @param {Float64Array} a @param {number} start @param {number} n
 */
export function pairwiseSum(a, start, n) {
  if (n < 8) {
    let res = 0;
    for (let i = start; i < start + n; i++) res += a[i];
    return res;
  }
  if (n <= 128) {
    let r0 = a[start], r1 = a[start + 1], r2 = a[start + 2], r3 = a[start + 3];
    let r4 = a[start + 4], r5 = a[start + 5], r6 = a[start + 6], r7 = a[start + 7];
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      const k = start + i;
      r0 += a[k]; r1 += a[k + 1]; r2 += a[k + 2]; r3 += a[k + 3];
      r4 += a[k + 4]; r5 += a[k + 5]; r6 += a[k + 6]; r7 += a[k + 7];
    }
    let res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (; i < n; i++) res += a[start + i];
    return res;
  }
  let half = Math.floor(n / 2);
  half -= half % 8;
  return pairwiseSum(a, start, half) + pairwiseSum(a, start + half, n - half);
}

/** w * v, but 0 where the weight w is 0 (descend.models._times: 0 * inf = 0). */
function times(w, v) {
  return w === 0 ? 0 : w * v;
}

/** The two analytic landscapes: loss and gradient of (phi0, phi1). */
function formulas(name, params) {
  if (name === "Quadratic") {
    const { a, b, angle } = params;
    const c = Math.cos(angle);
    const s = Math.sin(angle);
    return {
      // psi0 = c phi0 + s phi1, psi1 = -s phi0 + c phi1;  L = 1/2 (a psi0^2 + b psi1^2)
      loss(phi0, phi1) {
        const u = c * phi0 + s * phi1;
        const v = -s * phi0 + c * phi1;
        return 0.5 * (a * (u * u) + b * (v * v));
      },
      grad(phi0, phi1) {
        const u = c * phi0 + s * phi1;
        const v = -s * phi0 + c * phi1;
        return [a * (c * u) - b * (s * v), a * (s * u) + b * (c * v)];
      },
    };
  }
  const { a, b } = params; // Rosenbrock
  return {
    // L = (a - phi0)^2 + b (phi1 - phi0^2)^2
    loss(phi0, phi1) {
      const d = a - phi0;
      const valley = phi1 - phi0 * phi0;
      return d * d + b * (valley * valley);
    },
    grad(phi0, phi1) {
      const valley = phi1 - phi0 * phi0;
      return [-2 * (a - phi0) - 4 * b * phi0 * valley, 2 * b * valley];
    },
  };
}

/**
 * The sum-of-squares loss of a model ("gabor" or "linear") on a data set. For each example
 * i of a batch, lossTerm/gradTerm write its loss l_i (and its derivatives) into slot k of
 * scratch arrays; the sums then run over the slots in batch order, as NumPy sums the arrays
 * `x[indices]` of descend's DataLoss.subset(indices).
 */
function dataLoss(kind, dataset) {
  const x = Float64Array.from(dataset.x);
  const y = Float64Array.from(dataset.y);
  const n = x.length;
  let l = new Float64Array(n); // per-example losses l_i
  let d0 = new Float64Array(n); // dl_i/dphi0
  let d1 = new Float64Array(n); // dl_i/dphi1
  const E = ENVELOPE;
  /** Room for a batch of m examples (more than n only if it repeats examples). */
  const room = (m) => {
    if (m > l.length) [l, d0, d1] = [new Float64Array(m), new Float64Array(m), new Float64Array(m)];
  };

  // The loss at the last point where the full gradient was taken: the gradient computes the
  // residuals anyway, and a run needs the loss exactly where it took the gradient.
  let cached0 = NaN, cached1 = NaN, cachedLoss = NaN;

  /** Loss terms only (no derivatives) of example i into slot k. */
  const lossTerm = kind === "gabor"
    ? (phi0, phi1, i, k) => {
        const z = phi0 + 0.06 * phi1 * x[i]; // descend's a = phi0 + 0.06 phi1 x
        const g = Math.exp(-(z * z) / E); // the envelope exp(-z^2 / E)
        const r = times(g, Math.sin(z)) - y[i]; // f - y
        l[k] = r * r;
      }
    : (phi0, phi1, i, k) => {
        const r = phi0 + phi1 * x[i] - y[i];
        l[k] = r * r;
      };

  /** Loss and derivative terms of example i into slot k. */
  const gradTerm = kind === "gabor"
    ? (phi0, phi1, i, k) => {
        const z = phi0 + 0.06 * phi1 * x[i];
        const g = Math.exp(-(z * z) / E);
        const sin = Math.sin(z);
        const r = times(g, sin) - y[i];
        // df/dz = e^{-z^2/E} (cos z - 2 z sin(z) / E)
        const dfdz = times(g, Math.cos(z) - 2 * z * sin / E);
        const dl0 = 2 * (r * dfdz);
        l[k] = r * r;
        d0[k] = dl0;
        d1[k] = times(x[i], 0.06 * dl0);
      }
    : (phi0, phi1, i, k) => {
        const r = phi0 + phi1 * x[i] - y[i];
        const dl0 = 2 * r;
        l[k] = r * r;
        d0[k] = dl0;
        d1[k] = times(x[i], dl0);
      };

  return {
    n,
    loss(phi) {
      const phi0 = phi[0], phi1 = phi[1];
      if (phi0 === cached0 && phi1 === cached1) return cachedLoss;
      for (let i = 0; i < n; i++) lossTerm(phi0, phi1, i, i);
      return pairwiseSum(l, 0, n);
    },
    grad(phi) {
      const phi0 = phi[0], phi1 = phi[1];
      for (let i = 0; i < n; i++) gradTerm(phi0, phi1, i, i);
      cached0 = phi0;
      cached1 = phi1;
      cachedLoss = pairwiseSum(l, 0, n);
      return [pairwiseSum(d0, 0, n), pairwiseSum(d1, 0, n)];
    },
    lossOn(phi, indices) {
      const m = indices.length;
      room(m);
      for (let k = 0; k < m; k++) lossTerm(phi[0], phi[1], indices[k], k);
      return pairwiseSum(l, 0, m);
    },
    gradOn(phi, indices) {
      const m = indices.length;
      room(m);
      for (let k = 0; k < m; k++) gradTerm(phi[0], phi[1], indices[k], k);
      return [pairwiseSum(d0, 0, m), pairwiseSum(d1, 0, m)];
    },
  };
}

/**
 * Check one of the data sets: {x, y}, equally long arrays of finite numbers.
 * @param {unknown} dataset @param {string} where
 */
function checkDataset(dataset, where) {
  if (!isPlainObject(dataset) || dataset.x == null || dataset.y == null) {
    throw new Error(`${where} must be {x: [...], y: [...]}, got ${show(dataset)}`);
  }
  const { x, y } = dataset;
  if (x.length !== y.length || x.length === 0) {
    throw new Error(`${where}.x and ${where}.y must have the same length >= 1, got ${x.length} and ${y.length}`);
  }
  for (const [name, values] of [["x", x], ["y", y]]) {
    for (let i = 0; i < values.length; i++) {
      if (typeof values[i] !== "number" || !Number.isFinite(values[i])) {
        throw new Error(`${where}.${name}[${i}] must be a finite number, got ${show(values[i])}`);
      }
    }
  }
}

/**
 * The loss landscape of a spec, e.g. makeLandscape({name: "Quadratic", b: 4}) or
 * makeLandscape({name: "Gabor"}, data).
 * @param {LandscapeSpec} spec
 * @param {Data} [data] the textbook's data sets, needed for Gabor and Linear
 * @returns {Landscape}
 */
export function makeLandscape(spec, data) {
  const { name, params } = checkLandscape(spec);
  const entry = LANDSCAPES[name];
  if (entry.data === null) {
    const f = formulas(name, params);
    const none = () => {
      throw new Error(`the ${name} landscape has no examples, so it has no minibatches`);
    };
    let bounds = entry.bounds;
    if (name === "Rosenbrock") {
      // descend's Rosenbrock.bounds: a box holding the minimum (a, a^2)
      const m = Math.max(Math.abs(params.a), 1.0);
      bounds = { x: [-2 * m, 2 * m], y: [-m, m * m + 2 * m] };
    }
    return {
      name,
      label: entry.label,
      params,
      bounds,
      n: 0,
      loss: (phi) => f.loss(phi[0], phi[1]),
      grad: (phi) => f.grad(phi[0], phi[1]),
      lossOn: none,
      gradOn: none,
    };
  }
  const dataset = data?.[entry.data];
  if (dataset === undefined) {
    throw new Error(`the ${name} landscape needs data.${entry.data} = {x: [...], y: [...]} (the textbook's data)`);
  }
  checkDataset(dataset, `data.${entry.data}`);
  const problem = dataLoss(entry.data, dataset);
  return { name, label: entry.label, params, bounds: entry.bounds, ...problem };
}
