// Runs: a spec (landscape, optimizer, options, start, steps, minibatches) in, the path of the
// iterates out, step for step the run descend makes with the same spec
// (tests/playground_reference.py).
//
//   spec = {landscape: {name: "Gabor"}, optimizer: "Adam", options: {lr: 0.1},
//           start: [-2.5, 11.5], steps: 50,
//           batches?: number[][],     // index lists, used in turn (data landscapes only)
//           batchSize?: number, seed?: number, sampling?: "per_epoch" | "per_step"}
//                                     // or batches drawn by rng.js (descend's RandomState(seed))
//
// run() stops at the first step that meets NaN or inf, as descend's optimizers do by default
// (nonfinite="raise"), and also at the first point whose loss is not finite (it could not be
// drawn); trajectory() throws there instead.

import { makeLandscape, show, isPlainObject } from "./landscapes.js";
import { OPTIMIZERS, validateOptions } from "./optimizers.js";
import { batchSchedule, MAX_SEED } from "./rng.js";

/** The longest run a spec may ask for. */
export const MAX_STEPS = 100000;

const FIELDS = ["landscape", "optimizer", "options", "start", "steps", "batches", "batchSize", "seed", "sampling"];

/**
 * @typedef {object} Spec
 * @property {LandscapeSpec} landscape
 * @property {string} optimizer descend's class name, e.g. "Adam"
 * @property {Record<string, any>} [options] the optimizer's keyword options
 * @property {[number, number]} start
 * @property {number} steps
 * @property {number[][]} [batches]
 * @property {number} [batchSize]
 * @property {number} [seed]
 * @property {"per_epoch" | "per_step"} [sampling]
 */
/**
 * @typedef {object} Run
 * @property {number[][]} path the iterates phi_0, phi_1, ..., up to the last finite one
 * @property {number[]} losses the full loss at each point of the path
 * @property {null | {step: number, message: string}} diverged where and why the run stopped
 *   early: the step (0-based) that met NaN or inf, or after which the loss is not finite; the
 *   path then holds phi_0 ... phi_step (empty, with step 0, if the loss at the start is not finite)
 * @property {number[][] | null} batches the minibatches the steps used (null: full batch)
 */

/** @param {unknown} x */
const isInteger = (x) => typeof x === "number" && Number.isInteger(x);

/**
 * Check a whole spec; the errors name the field and the value.
 * @param {Spec} spec
 * @param {Data} [data]
 */
export function checkSpec(spec, data) {
  if (!isPlainObject(spec)) throw new Error(`spec must be an object, got ${show(spec)}`);
  for (const key of Object.keys(spec)) {
    if (!FIELDS.includes(key)) throw new Error(`unknown spec field '${key}'; known: ${FIELDS.join(", ")}`);
  }
  const landscape = makeLandscape(spec.landscape, data);
  const optimizer = spec.optimizer;
  if (typeof optimizer !== "string" || !Object.hasOwn(OPTIMIZERS, optimizer)) {
    throw new Error(`optimizer must be one of ${Object.keys(OPTIMIZERS).join(", ")}, got ${show(optimizer)}`);
  }
  const options = validateOptions(optimizer, spec.options ?? {});
  const start = spec.start;
  if (!Array.isArray(start) || start.length !== 2 || !start.every((p) => typeof p === "number" && Number.isFinite(p))) {
    throw new Error(`start must be two finite numbers [phi0, phi1], got ${show(start)}`);
  }
  const steps = spec.steps;
  if (!isInteger(steps) || steps < 0 || steps > MAX_STEPS) {
    throw new Error(`steps must be an integer in [0, ${MAX_STEPS}], got ${show(steps)}`);
  }
  const batches = checkBatches(spec, landscape, steps);
  return { landscape, optimizer, options, start: [start[0], start[1]], steps, batches };
}

/** The minibatches of a spec: its own lists, drawn ones, or null (full batch). */
function checkBatches(spec, landscape, steps) {
  const { batches, batchSize, seed, sampling } = spec;
  const given = ["batches", "batchSize", "seed", "sampling"].filter((k) => spec[k] !== undefined);
  if (given.length === 0) return null;
  if (landscape.n === 0) {
    throw new Error(
      `${given[0]} is given, but the ${landscape.name} landscape has no examples to draw minibatches from ` +
        "(minibatches need a data landscape: Gabor or Linear)",
    );
  }
  const n = landscape.n;
  if (batches !== undefined) {
    const others = given.filter((k) => k !== "batches");
    if (others.length) throw new Error(`give either batches or batchSize (and seed), not both: got batches and ${others.join(", ")}`);
    if (!Array.isArray(batches) || batches.length === 0) {
      throw new Error(`batches must be a non-empty list of index lists, got ${show(batches)}`);
    }
    batches.forEach((batch, b) => {
      if (!Array.isArray(batch) || batch.length === 0) {
        throw new Error(`batches[${b}] must be a non-empty list of example indices, got ${show(batch)}`);
      }
      batch.forEach((i, k) => {
        if (!isInteger(i) || i < 0 || i >= n) {
          throw new Error(`batches[${b}][${k}] must be an integer index in [0, ${n}), got ${show(i)}`);
        }
      });
    });
    return batches.map((batch) => Int32Array.from(batch));
  }
  if (batchSize === undefined) throw new Error(`${given.join(" and ")} ${given.length > 1 ? "need" : "needs"} batchSize`);
  if (!isInteger(batchSize) || batchSize < 1) {
    throw new Error(`batchSize must be an integer >= 1, got ${show(batchSize)}`);
  }
  const s = seed ?? 0;
  if (!isInteger(s) || s < 0 || s > MAX_SEED) throw new Error(`seed must be an integer in [0, ${MAX_SEED}], got ${show(seed)}`);
  const how = sampling ?? "per_epoch";
  if (how !== "per_epoch" && how !== "per_step") {
    throw new Error(`sampling must be "per_epoch" or "per_step", got ${show(sampling)}`);
  }
  return batchSchedule(n, batchSize, steps, s, { sampling: how }).map((batch) => Int32Array.from(batch));
}

/** descend's description of the NaN and inf entries of `a`, or null if all are finite. */
function nonfinite(name, a) {
  let bad = 0;
  let nan = 0;
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) bad++;
    if (Number.isNaN(a[i])) nan++;
  }
  if (bad === 0) return null;
  return `${name} has ${bad} non-finite entr${bad === 1 ? "y" : "ies"} (${nan} NaN, ${bad - nan} inf) out of ${a.length}`;
}

/** What went wrong in a step, in descend's order: the gradient, the new phi, the buffers. */
function problemOf(state, next) {
  if (Number.isFinite(next[0]) && Number.isFinite(next[1])) {
    let finite = true;
    for (const name in state.buffers) {
      const b = state.buffers[name];
      if (!Number.isFinite(b[0]) || !Number.isFinite(b[1])) finite = false;
    }
    if (finite) return null;
  }
  const checks = [["the gradient", state.g ?? []], ["the new phi", next]];
  for (const name in state.buffers) checks.push([`state buffer '${name}'`, state.buffers[name]]);
  for (const [name, a] of checks) {
    const problem = nonfinite(name, a);
    if (problem !== null) return problem;
  }
  return null;
}

const ADVICE = "A learning rate too large, or a loss that overflows, makes this";

/**
 * Run a spec; stop at the first step that meets NaN or inf, or at a point whose loss is not
 * finite, and say where.
 * @param {Spec} spec
 * @param {Data} [data] the textbook's data (Gabor and Linear need it)
 * @returns {Run}
 */
export function run(spec, data) {
  const { landscape, optimizer, options, start, steps, batches } = checkSpec(spec, data);
  const rule = OPTIMIZERS[optimizer];
  const state = rule.init(start, options);
  const full = (phi) => landscape.grad(phi);
  const gradients = batches ? batches.map((batch) => (phi) => landscape.gradOn(phi, batch)) : null;
  const path = [start];
  const losses = [];
  let diverged = null;
  let phi = start;
  for (let t = 0; ; t++) {
    // Here phi = phi_t, finite; path holds phi_0 ... phi_t and losses L_0 ... L_{t-1}.
    const next = t < steps ? rule.step(state, phi, gradients ? gradients[t % gradients.length] : full, t) : null;
    const loss = landscape.loss(phi); // after the step: a full-batch gradient at phi has just computed it
    if (!Number.isFinite(loss)) {
      path.pop(); // phi_t cannot be drawn: the path ends at phi_{t-1} (empty if t = 0)
      const message = t === 0
        ? `the loss at the start ${show(start)} is ${loss}: start nearer the minimum`
        : `step ${t - 1} of ${optimizer}: the loss at the new phi ${show(phi)} is ${loss}. ${ADVICE}`;
      diverged = { step: Math.max(t - 1, 0), message };
      break;
    }
    losses.push(loss);
    if (next === null) break;
    const problem = problemOf(state, next);
    if (problem !== null) {
      diverged = { step: t, message: `step ${t} of ${optimizer}: ${problem}. ${ADVICE}` };
      break;
    }
    path.push(next);
    phi = next;
  }
  return { path, losses, diverged, batches: batches ? batches.map((b) => Array.from(b)) : null };
}

/**
 * The iterates of a spec, phi_0 ... phi_steps, as descend computes them; throws an Error
 * (naming the step) if the run meets NaN or inf, as descend does by default.
 * @param {Spec} spec
 * @param {Data} [data]
 * @returns {number[][]}
 */
export function trajectory(spec, data) {
  const result = run(spec, data);
  if (result.diverged !== null) throw new Error(result.diverged.message);
  return result.path;
}
