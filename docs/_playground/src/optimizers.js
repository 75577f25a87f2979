// The update rules of descend (src/descend/optimizers.py and adaptive.py) for a parameter
// phi = (phi0, phi1): the same keyword options with the same names and defaults, and every rule
// computed in the same order of floating-point operations as descend's `update`, with the
// per-step numbers of its `scalars` (bias corrections, decayed learning rates) computed once per
// step, so that a run here and a run of descend agree to round-off.
//
// Symbols as on the site: phi the parameters, g the gradient, alpha the learning rate, beta the
// momentum coefficient, m the first moment (momentum), v the second moment, omega (weight_decay)
// the weight decay, eps the small constant. `t` is the 0-based number of the step being taken
// (descend's state.t); step t computes phi_{t+1} from phi_t, and Adam's bias corrections use
// the power t + 1.
//
// Each optimizer: {label, equation, defaults, lrRequired, params, buffers(options),
// init(phi, options) -> state, step(state, phi, gradAt, t) -> phi_next}. The state holds the
// options, the buffers (Float64Array(2) each, named as descend's state buffers) and `g`, the
// gradient the last step used (for the message when a step meets NaN or inf).

import { show, isPlainObject } from "./landscapes.js";

/**
 * @typedef {object} Param
 * @property {string} name descend's keyword name
 * @property {"float" | "bool" | "choice" | "pair"} kind
 * @property {string} label a short label for the control
 * @property {number} [min] slider range (within the valid values)
 * @property {number} [max]
 * @property {boolean} [log] a log-scale slider
 * @property {string[]} [choices] for kind "choice"
 * @property {"positive" | "nonnegative" | "unit"} [rule] valid values of a float (or of each
 *   entry of a pair): "positive" > 0, "nonnegative" >= 0, "unit" in [0, 1); all finite
 * @property {string} [ruleText] the rule as text, e.g. "in [0, 1)"
 */
/**
 * @typedef {object} State
 * @property {string} optimizer
 * @property {Record<string, any>} options
 * @property {Record<string, Float64Array>} buffers
 * @property {number[] | null} g the gradient the last step used
 */

/** The text of each rule, for labels and messages. */
export const RULES = {
  positive: "> 0",
  nonnegative: ">= 0",
  unit: "in [0, 1)",
};

const lr = { name: "lr", kind: "float", label: "learning rate α", min: 1e-4, max: 10, log: true, rule: "positive" };
const eps = (label = "ε, added to the root") => ({ name: "eps", kind: "float", label, min: 1e-12, max: 1, log: true, rule: "positive" });
const weightDecay = { name: "weight_decay", kind: "float", label: "weight decay ω", min: 0, max: 1, rule: "nonnegative" };
const maximize = { name: "maximize", kind: "bool", label: "maximize (ascend)" };

/** Fill in `ruleText` from `rule`. @param {Param[]} params */
function described(params) {
  return params.map((p) => (p.rule ? { ...p, ruleText: RULES[p.rule] } : p));
}

/** A fresh zero buffer. */
const zeros = () => new Float64Array(2);

/**
 * The update rules, by descend's class names.
 * @type {Record<string, {label: string, equation: string, defaults: Record<string, any>,
 *   lrRequired: boolean, params: Param[], buffers: (options: Record<string, any>) => string[],
 *   init: (phi: ArrayLike<number>, options?: Record<string, any>) => State,
 *   step: (state: State, phi: ArrayLike<number>, gradAt: (phi: ArrayLike<number>) => ArrayLike<number>, t: number) => number[]}>}
 */
export const OPTIMIZERS = {
  GradientDescent: {
    label: "Gradient descent",
    equation: "φₜ₊₁ = φₜ − α gₜ",
    defaults: { lr: 0.05 }, // descend has no default learning rate: a start for the playground
    lrRequired: true,
    params: described([lr]),
    buffers: () => [],
    step(state, phi, gradAt) {
      const alpha = state.options.lr;
      const g = (state.g = gradAt(phi));
      const next = [0, 0];
      for (let i = 0; i < 2; i++) next[i] = phi[i] - alpha * g[i];
      return next;
    },
  },

  Momentum: {
    label: "Momentum",
    equation: "mₜ₊₁ = β mₜ + (1 − β) gₜ;  φₜ₊₁ = φₜ − α mₜ₊₁",
    defaults: { lr: 0.05, beta: 0.9 },
    lrRequired: true,
    params: described([lr, { name: "beta", kind: "float", label: "momentum β", min: 0, max: 0.99, rule: "unit" }]),
    buffers: () => ["m"],
    step(state, phi, gradAt) {
      const { lr: alpha, beta } = state.options;
      const g = (state.g = gradAt(phi));
      const m = state.buffers.m;
      const next = [0, 0];
      for (let i = 0; i < 2; i++) {
        m[i] = m[i] + (1 - beta) * (g[i] - m[i]); // = beta m + (1 - beta) g
        next[i] = phi[i] - alpha * m[i];
      }
      return next;
    },
  },

  NesterovMomentum: {
    label: "Nesterov momentum",
    equation: "mₜ₊₁ = β mₜ + (1 − β) g(φₜ − αβ mₜ);  φₜ₊₁ = φₜ − α mₜ₊₁",
    defaults: { lr: 0.05, beta: 0.9, lookahead: "momentum" },
    lrRequired: true,
    params: described([
      lr,
      { name: "beta", kind: "float", label: "momentum β", min: 0, max: 0.99, rule: "unit" },
      { name: "lookahead", kind: "choice", choices: ["momentum", "slide"], label: "look-ahead point: φ − αβm (momentum) or φ − αm (slide)" },
    ]),
    buffers: () => ["m"],
    step(state, phi, gradAt) {
      const { lr: alpha, beta, lookahead } = state.options;
      const m = state.buffers.m;
      // The gradient at the look-ahead point: where momentum alone leads, or the slide's.
      const ahead = lookahead === "momentum" ? alpha * beta : alpha;
      const g = (state.g = gradAt([phi[0] - ahead * m[0], phi[1] - ahead * m[1]]));
      const next = [0, 0];
      for (let i = 0; i < 2; i++) {
        m[i] = m[i] + (1 - beta) * (g[i] - m[i]); // = beta m + (1 - beta) g(look-ahead)
        next[i] = phi[i] - alpha * m[i];
      }
      return next;
    },
  },

  NormalizedGradient: {
    label: "Normalized gradient",
    equation: "φₜ₊₁ = φₜ − α gₜ / (√(gₜ²) + ε)",
    defaults: { lr: 0.1, eps: 1e-8, norm: "coordinate" },
    lrRequired: true,
    params: described([
      lr,
      eps("ε, added to the norm"),
      { name: "norm", kind: "choice", choices: ["coordinate", "global"], label: "normalize each coordinate, or the whole vector" },
    ]),
    buffers: () => [],
    step(state, phi, gradAt) {
      const { lr: alpha, eps, norm } = state.options;
      const g = gradAt(phi);
      const next = [0, 0];
      if (norm === "global") {
        // g / (|g| + eps), a step of length alpha (almost) along -g
        const length = Math.sqrt(g[0] * g[0] + g[1] * g[1]) + eps;
        const unit = (state.g = [g[0] / length, g[1] / length]);
        for (let i = 0; i < 2; i++) next[i] = phi[i] - alpha * unit[i];
        return next;
      }
      state.g = g;
      for (let i = 0; i < 2; i++) {
        const m = g[i];
        const v = g[i] * g[i];
        next[i] = phi[i] - alpha * m / (Math.sqrt(v) + eps);
      }
      return next;
    },
  },

  RMSprop: {
    label: "RMSprop",
    equation: "vₜ₊₁ = β₂ vₜ + (1 − β₂) gₜ²;  φₜ₊₁ = φₜ − α gₜ / (√vₜ₊₁ + ε)",
    defaults: { lr: 1e-2, alpha: 0.99, eps: 1e-8, weight_decay: 0.0, momentum: 0.0, centered: false, maximize: false },
    lrRequired: false,
    params: described([
      lr,
      { name: "alpha", kind: "float", label: "smoothing β₂ (PyTorch's alpha)", min: 0, max: 0.999, rule: "unit" },
      eps(),
      weightDecay,
      { name: "momentum", kind: "float", label: "momentum μ", min: 0, max: 0.99, rule: "nonnegative" },
      { name: "centered", kind: "bool", label: "centered (divide by the standard deviation)" },
      maximize,
    ]),
    buffers: (o) => ["v", ...(o.centered ? ["g_bar"] : []), ...(o.momentum ? ["b"] : [])],
    step(state, phi, gradAt) {
      const o = state.options;
      const alpha = o.lr, rho = o.alpha, mu = o.momentum, lam = o.weight_decay, eps = o.eps;
      const { v, g_bar, b } = state.buffers;
      const g = (state.g = gradAt(phi));
      const next = [0, 0];
      for (let i = 0; i < 2; i++) {
        let gi = o.maximize ? -g[i] : g[i];
        if (lam !== 0) gi = gi + lam * phi[i]; // + omega phi
        v[i] = rho * v[i] + (1 - rho) * gi * gi;
        let d;
        if (o.centered) {
          g_bar[i] = rho * g_bar[i] + (1 - rho) * gi;
          d = Math.sqrt(v[i] - g_bar[i] * g_bar[i]) + eps;
        } else {
          d = Math.sqrt(v[i]) + eps;
        }
        if (mu > 0) {
          b[i] = mu * b[i] + gi / d;
          next[i] = phi[i] - alpha * b[i];
        } else {
          next[i] = phi[i] - alpha * gi / d;
        }
      }
      return next;
    },
  },

  Adagrad: {
    label: "Adagrad",
    equation: "Gₜ₊₁ = Gₜ + gₜ²;  φₜ₊₁ = φₜ − α gₜ / (√Gₜ₊₁ + ε)",
    defaults: { lr: 1e-2, lr_decay: 0.0, weight_decay: 0.0, initial_accumulator_value: 0.0, eps: 1e-10, maximize: false },
    lrRequired: false,
    params: described([
      lr,
      { name: "lr_decay", kind: "float", label: "learning-rate decay", min: 0, max: 1, rule: "nonnegative" },
      weightDecay,
      { name: "initial_accumulator_value", kind: "float", label: "initial sum of squares G₀", min: 0, max: 1, rule: "nonnegative" },
      eps(),
      maximize,
    ]),
    buffers: () => ["s"],
    init(phi, options) {
      const state = initState("Adagrad", options);
      state.buffers.s.fill(state.options.initial_accumulator_value);
      return state;
    },
    step(state, phi, gradAt, t) {
      const o = state.options;
      const alphaT = o.lr / (1 + t * o.lr_decay); // alpha / (1 + t lr_decay)
      const lam = o.weight_decay;
      const s = state.buffers.s;
      const g = (state.g = gradAt(phi));
      const next = [0, 0];
      for (let i = 0; i < 2; i++) {
        let gi = o.maximize ? -g[i] : g[i];
        if (lam !== 0) gi = gi + lam * phi[i];
        s[i] = s[i] + gi * gi;
        next[i] = phi[i] - alphaT * gi / (Math.sqrt(s[i]) + o.eps);
      }
      return next;
    },
  },

  Adam: adam({
    label: "Adam",
    equation: "mₜ₊₁ = β₁mₜ + (1 − β₁)gₜ;  vₜ₊₁ = β₂vₜ + (1 − β₂)gₜ²;  φₜ₊₁ = φₜ − α m̂ₜ₊₁ / (√v̂ₜ₊₁ + ε)",
    weightDecay: 0.0,
    decoupledOption: true,
  }),

  AdamW: adam({
    label: "AdamW",
    equation: "φₜ ← (1 − αω) φₜ, then an Adam step",
    weightDecay: 1e-2,
    decoupledOption: false,
  }),
};

/**
 * Adam and AdamW: one rule; AdamW always decays the weights directly (decoupled) and has no
 * option to switch that off, as in descend.
 */
function adam({ label, equation, weightDecay: wd, decoupledOption }) {
  const defaults = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: wd, amsgrad: false, maximize: false };
  const params = [
    lr,
    { name: "betas", kind: "pair", label: "β₁, β₂ (moment averaging)", labels: ["β₁", "β₂"], min: 0, max: 0.999, rule: "unit" },
    eps(),
    weightDecay,
    { name: "amsgrad", kind: "bool", label: "AMSGrad (running maximum of v)" },
    maximize,
  ];
  if (decoupledOption) {
    defaults.decoupled_weight_decay = false;
    params.push({ name: "decoupled_weight_decay", kind: "bool", label: "decoupled weight decay (as AdamW)" });
  }
  return {
    label,
    equation,
    defaults,
    lrRequired: false,
    params: described(params),
    buffers: (o) => (o.amsgrad ? ["m", "v", "v_max"] : ["m", "v"]),
    step(state, phi, gradAt, t) {
      const o = state.options;
      const [beta1, beta2] = o.betas;
      const alpha = o.lr, lam = o.weight_decay, eps = o.eps;
      const decoupled = (o.decoupled_weight_decay ?? !decoupledOption) && lam !== 0;
      // Once per step: alpha m_hat / (sqrt(v_hat) + eps) with m_hat = m / (1 - beta1^(t+1)) and
      // v_hat = v / (1 - beta2^(t+1)), the corrections applied as scalars.
      const stepSize = alpha / (1 - beta1 ** (t + 1));
      const sqrtC2 = Math.sqrt(1 - beta2 ** (t + 1));
      const shrink = 1 - alpha * lam;
      const { m, v, v_max } = state.buffers;
      const g = (state.g = gradAt(phi));
      const next = [0, 0];
      for (let i = 0; i < 2; i++) {
        let gi = o.maximize ? -g[i] : g[i];
        let p = phi[i];
        if (decoupled) p = shrink * p; // (1 - alpha omega) phi
        else if (lam !== 0) gi = gi + lam * p; // + omega phi
        m[i] = m[i] + (1 - beta1) * (gi - m[i]); // = beta1 m + (1 - beta1) g
        v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
        if (o.amsgrad) v_max[i] = Math.max(v_max[i], v[i]);
        const denom = Math.sqrt(o.amsgrad ? v_max[i] : v[i]) / sqrtC2 + eps; // sqrt(v_hat) + eps
        next[i] = p - stepSize * m[i] / denom;
      }
      return next;
    },
  };
}

/** The state before the first step: the validated options and zero buffers. */
function initState(name, options) {
  const full = validateOptions(name, options ?? {});
  const buffers = {};
  for (const b of OPTIMIZERS[name].buffers(full)) buffers[b] = zeros();
  return { optimizer: name, options: full, buffers, g: null };
}

for (const [name, rule] of Object.entries(OPTIMIZERS)) {
  rule.name = name;
  if (!rule.init) rule.init = (phi, options) => initState(name, options);
}

/**
 * Check one option's value; returns it, or throws an Error naming the field and the value.
 * @param {string} name the optimizer, e.g. "Adam"
 * @param {string} field the option, e.g. "lr"
 * @param {unknown} value
 * @param {string} [where] how to name the field in the message
 */
export function validateOption(name, field, value, where = `options.${field}`) {
  const rule = optimizer(name);
  const param = rule.params.find((p) => p.name === field);
  if (param === undefined) {
    const known = rule.params.map((p) => p.name).join(", ");
    throw new Error(`unknown option '${field}' for ${name}; known: ${known}`);
  }
  if (param.kind === "bool") {
    if (typeof value !== "boolean") throw new Error(`${where} must be true or false, got ${show(value)}`);
    return value;
  }
  if (param.kind === "choice") {
    if (!param.choices.includes(value)) {
      const allowed = param.choices.map((c) => JSON.stringify(c)).join(" or ");
      throw new Error(`${where} must be ${allowed}, got ${show(value)}`);
    }
    return value;
  }
  if (param.kind === "pair") {
    if (!Array.isArray(value) || value.length !== 2) {
      throw new Error(`${where} must be a pair [beta1, beta2], got ${show(value)}`);
    }
    return [checkNumber(`${where}[0]`, value[0], param.rule), checkNumber(`${where}[1]`, value[1], param.rule)];
  }
  return checkNumber(where, value, param.rule);
}

/** A finite number obeying `rule`, or an Error naming the field and the value. */
function checkNumber(where, value, rule) {
  const finite = typeof value === "number" && Number.isFinite(value);
  if (rule === "positive" && !(finite && value > 0)) {
    throw new Error(`${where} must be a positive finite number, got ${show(value)}`);
  }
  if (rule === "nonnegative" && !(finite && value >= 0)) {
    throw new Error(`${where} must be a finite number >= 0, got ${show(value)}`);
  }
  if (rule === "unit" && !(finite && value >= 0 && value < 1)) {
    throw new Error(`${where} must be in [0, 1), got ${show(value)}`);
  }
  return value;
}

/** The optimizer called `name`, or an Error listing the names. */
function optimizer(name) {
  if (typeof name !== "string" || !Object.hasOwn(OPTIMIZERS, name)) {
    throw new Error(`optimizer must be one of ${Object.keys(OPTIMIZERS).join(", ")}, got ${show(name)}`);
  }
  return OPTIMIZERS[name];
}

/**
 * The full options of optimizer `name`: `options` checked, defaults filled in. Throws an Error
 * naming the field and the value for a bad value, and refuses unknown keys.
 * @param {string} name e.g. "Adam"
 * @param {Record<string, any>} [options] e.g. {lr: 0.1, amsgrad: true}
 * @param {string} [where] how to name the options in messages
 * @returns {Record<string, any>}
 */
export function validateOptions(name, options = {}, where = "options") {
  const rule = optimizer(name);
  if (!isPlainObject(options)) {
    throw new Error(`${where} must be an object of ${name}'s options, got ${show(options)}`);
  }
  const full = structuredClone(rule.defaults);
  for (const [field, value] of Object.entries(options)) {
    if (value === undefined) continue;
    full[field] = validateOption(name, field, value, `${where}.${field}`);
  }
  return full;
}
