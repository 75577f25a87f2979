import { test } from "node:test";
import assert from "node:assert/strict";

import { run, trajectory, checkSpec, MAX_STEPS } from "../src/trajectory.js";
import { OPTIMIZERS } from "../src/optimizers.js";
import { makeLandscape } from "../src/landscapes.js";
import { batchSchedule } from "../src/rng.js";
import { textbook } from "./textbook.js";

const DATA = textbook();
const GABOR = { landscape: { name: "Gabor" }, optimizer: "Adam", options: { lr: 0.1 }, start: [-2.5, 11.5], steps: 50 };

test("a trajectory has steps + 1 finite points, starting at the start", () => {
  for (const name of Object.keys(OPTIMIZERS)) {
    const path = trajectory({ ...GABOR, optimizer: name, options: { lr: 0.02 } }, DATA);
    assert.equal(path.length, 51, name);
    assert.deepEqual(path[0], [-2.5, 11.5]);
    assert.ok(path.every((p) => p.length === 2 && p.every(Number.isFinite)), name);
    assert.notDeepEqual(path[50], path[0], name);
  }
  assert.deepEqual(trajectory({ ...GABOR, steps: 0 }, DATA), [[-2.5, 11.5]]);
});

test("the run is the optimizer's steps on the landscape's gradient", () => {
  const spec = { landscape: { name: "Quadratic", a: 2, b: 7, angle: 0.3 }, optimizer: "Momentum", options: { lr: 0.05, beta: 0.8 }, start: [1, -1.5], steps: 30 };
  const landscape = makeLandscape(spec.landscape);
  const rule = OPTIMIZERS.Momentum;
  const state = rule.init(spec.start, spec.options);
  let phi = spec.start;
  const expected = [phi];
  for (let t = 0; t < 30; t++) expected.push((phi = rule.step(state, phi, landscape.grad, t)));
  const result = run(spec);
  assert.deepEqual(result.path, expected);
  assert.deepEqual(result.losses, expected.map((p) => landscape.loss(p)));
  assert.equal(result.diverged, null);
  assert.equal(result.batches, null);
});

test("losses are the full loss at every point, also for minibatch runs", () => {
  const result = run({ ...GABOR, batchSize: 5, seed: 3 }, DATA);
  const landscape = makeLandscape({ name: "Gabor" }, DATA);
  assert.deepEqual(result.losses, result.path.map((p) => landscape.loss(p)));
  assert.equal(result.batches.length, 50);
});

test("batches are used in turn; one batch of all examples in order is full-batch descent", () => {
  const all = Array.from({ length: 30 }, (_, i) => i);
  assert.deepEqual(trajectory({ ...GABOR, batches: [all] }, DATA), trajectory(GABOR, DATA));
  const two = [[0, 1, 2], [5, 9]];
  const cycled = trajectory({ ...GABOR, steps: 4, batches: two }, DATA);
  const spelled = trajectory({ ...GABOR, steps: 4, batches: [...two, ...two] }, DATA);
  assert.deepEqual(cycled, spelled);
  assert.notDeepEqual(cycled, trajectory({ ...GABOR, steps: 4, batches: [two[1], two[0]] }, DATA));
});

test("batchSize and seed draw the batches of rng.js, reproducibly", () => {
  const drawn = { ...GABOR, landscape: { name: "Linear" }, start: [1.6, -0.5], batchSize: 4, seed: 11 };
  const batches = batchSchedule(12, 4, 50, 11);
  assert.deepEqual(trajectory(drawn, DATA), trajectory({ ...drawn, batchSize: undefined, seed: undefined, batches }, DATA));
  assert.deepEqual(run(drawn, DATA).batches, batches);
  assert.notDeepEqual(trajectory(drawn, DATA), trajectory({ ...drawn, seed: 12 }, DATA));
  const perStep = batchSchedule(12, 4, 50, 11, { sampling: "per_step" });
  assert.deepEqual(run({ ...drawn, sampling: "per_step" }, DATA).batches, perStep);
  assert.deepEqual(run({ ...drawn, seed: undefined }, DATA).batches, batchSchedule(12, 4, 50, 0));
});

test("a diverging run stops at the first non-finite step; trajectory() throws naming it", () => {
  const spec = { landscape: { name: "Quadratic" }, optimizer: "GradientDescent", options: { lr: 1e150 }, start: [1, 1], steps: 50 };
  const result = run(spec);
  assert.ok(result.diverged !== null);
  const { step, message } = result.diverged;
  assert.match(message, new RegExp(`^step ${step} of GradientDescent: `));
  assert.equal(result.path.length, step + 1);
  assert.equal(result.losses.length, step + 1);
  assert.ok(result.path.flat().every(Number.isFinite) && result.losses.every(Number.isFinite));
  assert.throws(() => trajectory(spec), { message });
});

test("a non-finite buffer is reported as descend reports it", () => {
  // Adam's v overflows (0.001 g^2 = inf at the second step) while the new phi stays finite:
  // descend raises "step 1 of Adam: state buffer 'v' has 2 non-finite entries (0 NaN, 2 inf) out of 2"
  const spec = { landscape: { name: "Quadratic", a: 1e160, b: 1e160 }, optimizer: "Adam", options: { lr: 0.1 }, start: [1e-5, 1e-5], steps: 10 };
  const result = run(spec);
  assert.equal(result.diverged.step, 1);
  assert.match(result.diverged.message, /^step 1 of Adam: state buffer 'v' has 2 non-finite entries \(0 NaN, 2 inf\) out of 2\./);
  assert.equal(result.path.length, 2);
});

test("a loss that overflows at the start leaves an empty path and says so", () => {
  const result = run({ landscape: { name: "Rosenbrock" }, optimizer: "Adam", start: [1e200, 0], steps: 5 });
  assert.deepEqual(result.path, []);
  assert.deepEqual(result.losses, []);
  assert.equal(result.diverged.step, 0);
  assert.match(result.diverged.message, /the loss at the start \[1e\+200, 0\] is Infinity/);
});

test("every bad spec field is refused with its name and value", () => {
  const q = { landscape: { name: "Quadratic" }, optimizer: "Adam", start: [1, 1], steps: 5 };
  const cases = [
    [null, /spec must be an object, got null/],
    [{ ...q, step: 5 }, /unknown spec field 'step'; known: landscape, optimizer, options, start, steps/],
    [{ ...q, landscape: undefined }, /landscape must be an object like \{name: "Gabor"\}, got undefined/],
    [{ ...q, landscape: { name: "Quadratic", a: 0 } }, /landscape\.a must be a positive finite number, got 0/],
    [{ ...q, optimizer: "SGD" }, /optimizer must be one of GradientDescent, .*AdamW, got "SGD"/],
    [{ ...q, options: { lr: -1 } }, /options\.lr must be a positive finite number, got -1/],
    [{ ...q, options: { betas: [0.9, 1] } }, /options\.betas\[1\] must be in \[0, 1\), got 1/],
    [{ ...q, options: { lrr: 1 } }, /unknown option 'lrr' for Adam; known: lr, /],
    [{ ...q, start: [1] }, /start must be two finite numbers \[phi0, phi1\], got \[1\]/],
    [{ ...q, start: [1, NaN] }, /start must be two finite numbers \[phi0, phi1\], got \[1, NaN\]/],
    [{ ...q, start: "1,1" }, /start must be two finite numbers \[phi0, phi1\], got "1,1"/],
    [{ ...q, steps: 2.5 }, /steps must be an integer in \[0, 100000\], got 2.5/],
    [{ ...q, steps: -1 }, /steps must be an integer in \[0, 100000\], got -1/],
    [{ ...q, steps: MAX_STEPS + 1 }, /steps must be an integer in \[0, 100000\], got 100001/],
    [{ ...q, steps: "5" }, /steps must be an integer in \[0, 100000\], got "5"/],
    [{ ...q, batches: [[0]] }, /batches is given, but the Quadratic landscape has no examples to draw minibatches from/],
    [{ ...q, landscape: { name: "Rosenbrock" }, batchSize: 5 }, /batchSize is given, but the Rosenbrock landscape has no examples/],
    [{ ...GABOR, batches: [] }, /batches must be a non-empty list of index lists, got \[\]/],
    [{ ...GABOR, batches: [[0, 1], []] }, /batches\[1\] must be a non-empty list of example indices, got \[\]/],
    [{ ...GABOR, batches: [[0, 30]] }, /batches\[0\]\[1\] must be an integer index in \[0, 30\), got 30/],
    [{ ...GABOR, batches: [[0, 1.5]] }, /batches\[0\]\[1\] must be an integer index in \[0, 30\), got 1.5/],
    [{ ...GABOR, batches: [[-1]] }, /batches\[0\]\[0\] must be an integer index in \[0, 30\), got -1/],
    [{ ...GABOR, batches: [[0]], batchSize: 5 }, /give either batches or batchSize \(and seed\), not both/],
    [{ ...GABOR, batchSize: 0 }, /batchSize must be an integer >= 1, got 0/],
    [{ ...GABOR, seed: 3 }, /seed needs batchSize/],
    [{ ...GABOR, batchSize: 5, seed: -2 }, /seed must be an integer in \[0, 4294967295\], got -2/],
    [{ ...GABOR, batchSize: 5, sampling: "shuffle" }, /sampling must be "per_epoch" or "per_step", got "shuffle"/],
  ];
  for (const [spec, message] of cases) {
    assert.throws(() => run(spec, DATA), message, JSON.stringify(spec));
    assert.throws(() => trajectory(spec, DATA), message);
  }
  assert.throws(() => run(GABOR), /the Gabor landscape needs data\.gabor/);
});

test("checkSpec fills in the options", () => {
  const checked = checkSpec({ ...GABOR, options: { amsgrad: true } }, DATA);
  assert.deepEqual(checked.options, { ...OPTIMIZERS.Adam.defaults, amsgrad: true });
  assert.equal(checked.batches, null);
});
