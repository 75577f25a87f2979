import { test } from "node:test";
import assert from "node:assert/strict";

import { LANDSCAPES, makeLandscape, pairwiseSum } from "../src/landscapes.js";
import { textbook, checks } from "./textbook.js";

const DATA = textbook();
const SPECS = [
  { name: "Quadratic" },
  { name: "Quadratic", a: 3, b: 0.5, angle: 0.7 },
  { name: "Rosenbrock" },
  { name: "Rosenbrock", a: -0.5, b: 20 },
  { name: "Gabor" },
  { name: "Linear" },
];
const POINTS = [[0.6, -0.2], [-1.3, 1.7], [0.05, 0.9], [1.4, -0.8]];

/** Central differences of the loss, step h in each coordinate. */
function centralDifference(loss, phi, h = 1e-6) {
  return [0, 1].map((j) => {
    const up = [...phi];
    const down = [...phi];
    up[j] += h;
    down[j] -= h;
    return (loss(up) - loss(down)) / (2 * h);
  });
}

test("the textbook's check values: Linear 12.367 and Gabor 16.419 at (0.6, -0.2)", () => {
  const expected = checks();
  for (const name of ["Linear", "Gabor"]) {
    const key = name.toLowerCase();
    const loss = makeLandscape({ name }, DATA).loss(expected[key].phi);
    assert.equal(Number(loss.toFixed(3)), expected[key].loss, `${name}: ${loss}`);
  }
  assert.equal(expected.linear.loss, 12.367);
  assert.equal(expected.gabor.loss, 16.419);
});

test("every gradient matches central differences of its loss", () => {
  for (const spec of SPECS) {
    const landscape = makeLandscape(spec, DATA);
    const phis = spec.name === "Gabor" ? POINTS.map(([a, b]) => [a, 10 * b + 12]) : POINTS;
    for (const phi of phis) {
      const g = landscape.grad(phi);
      const fd = centralDifference(landscape.loss, phi);
      for (const j of [0, 1]) {
        const scale = Math.max(1, Math.abs(g[j]));
        assert.ok(Math.abs(g[j] - fd[j]) < 1e-6 * scale, `${JSON.stringify(spec)} at ${phi}: ${g} vs ${fd}`);
      }
    }
  }
});

test("the Quadratic's minimum is 0 with zero gradient, Rosenbrock's (a, a^2)", () => {
  const q = makeLandscape({ name: "Quadratic", a: 2, b: 5, angle: 1.1 });
  assert.equal(q.loss([0, 0]), 0);
  assert.deepEqual(q.grad([0, 0]), [0, 0]);
  const r = makeLandscape({ name: "Rosenbrock", a: -0.5, b: 20 });
  assert.equal(r.loss([-0.5, 0.25]), 0);
  assert.deepEqual(r.grad([-0.5, 0.25]).map(Math.abs), [0, 0]);
  // descend's Quadratic().grad([1, 1]) = [1, 10]
  assert.deepEqual(makeLandscape({ name: "Quadratic" }).grad([1, 1]), [1, 10]);
});

test("the loss and gradient on all examples in order equal the full ones exactly", () => {
  for (const name of ["Gabor", "Linear"]) {
    const landscape = makeLandscape({ name }, DATA);
    const all = Array.from({ length: landscape.n }, (_, i) => i);
    const phi = [0.3, name === "Gabor" ? 14 : 0.4];
    assert.equal(landscape.lossOn(phi, all), landscape.loss(phi));
    assert.deepEqual(landscape.gradOn(phi, all), landscape.grad(phi));
  }
});

test("a minibatch's gradient is the sum of its examples' gradients", () => {
  const landscape = makeLandscape({ name: "Gabor" }, DATA);
  const phi = [-1.1, 13];
  const batch = [4, 17, 29, 0, 4];
  const g = landscape.gradOn(phi, batch);
  const parts = batch.map((i) => landscape.gradOn(phi, [i]));
  for (const j of [0, 1]) {
    const sum = parts.reduce((s, p) => s + p[j], 0);
    assert.ok(Math.abs(g[j] - sum) < 1e-12 * Math.max(1, Math.abs(sum)));
  }
  const loss = batch.reduce((s, i) => s + landscape.lossOn(phi, [i]), 0);
  assert.ok(Math.abs(landscape.lossOn(phi, batch) - loss) < 1e-12 * loss);
  // a batch longer than the data set (examples repeated) works too
  const long = [...Array(40).keys()].map((k) => k % 30);
  assert.ok(Number.isFinite(landscape.lossOn(phi, long)));
});

test("a full gradient does not change the loss that follows it (the cache is exact)", () => {
  const landscape = makeLandscape({ name: "Gabor" }, DATA);
  const fresh = makeLandscape({ name: "Gabor" }, DATA);
  const phi = [0.7, 9.5];
  landscape.grad(phi);
  assert.equal(landscape.loss(phi), fresh.loss(phi));
  assert.equal(landscape.loss([0.7, 9.6]), fresh.loss([0.7, 9.6]));
});

test("sums are NumPy's pairwise sums: blocks of 8 accumulators, not left to right", () => {
  const a = new Float64Array(16);
  a[0] = 1;
  a[1] = 1e16;
  a[8] = 1;
  // np.sum gives 1.0000000000000002e16; a left-to-right sum gives 1e16
  assert.equal(pairwiseSum(a, 0, 16), 1.0000000000000002e16);
  assert.equal(a.reduce((s, v) => s + v, 0), 1e16);
  const small = Float64Array.from([0.1, 0.2, 0.3]);
  assert.equal(pairwiseSum(small, 0, 3), 0.1 + 0.2 + 0.3);
  const big = Float64Array.from({ length: 1000 }, (_, i) => 1 / (i + 1));
  assert.equal(pairwiseSum(big, 0, 1000), 7.485470860550345); // np.sum(1 / np.arange(1, 1001))
});

test("large steps overflow to inf or NaN without throwing", () => {
  const r = makeLandscape({ name: "Rosenbrock" });
  assert.equal(r.loss([1e200, 1e200]), Infinity);
  const gabor = makeLandscape({ name: "Gabor" }, DATA);
  // far out the envelope is exactly 0, so f = 0 and the loss is the sum of y^2
  const sumY2 = DATA.gabor.y.reduce((s, v) => s + v * v, 0);
  assert.ok(Math.abs(gabor.loss([1e300, 0]) - sumY2) < 1e-12 * sumY2);
  assert.deepEqual(gabor.grad([1e300, 0]), [0, 0]);
});

test("Rosenbrock's bounds follow descend's: a box holding the minimum", () => {
  assert.deepEqual(makeLandscape({ name: "Rosenbrock" }).bounds, { x: [-2, 2], y: [-1, 3] });
  assert.deepEqual(makeLandscape({ name: "Rosenbrock", a: 2 }).bounds, { x: [-4, 4], y: [-2, 8] });
  assert.deepEqual(LANDSCAPES.Rosenbrock.bounds, { x: [-2, 2], y: [-1, 3] });
});

test("every landscape entry lists defaults, bounds, a start and a label", () => {
  for (const [name, entry] of Object.entries(LANDSCAPES)) {
    assert.equal(typeof entry.label, "string", name);
    assert.equal(entry.start.length, 2, name);
    assert.ok(entry.bounds.x[0] < entry.bounds.x[1] && entry.bounds.y[0] < entry.bounds.y[1], name);
    for (const p of entry.params) assert.ok(p.name in entry.defaults, `${name}.${p.name}`);
    assert.equal(typeof entry.logContours, "boolean");
  }
});

test("bad landscape specs are refused with the field and the value", () => {
  const cases = [
    [{ name: "Quadratic", a: -1 }, /landscape\.a must be a positive finite number, got -1/],
    [{ name: "Quadratic", b: 0 }, /landscape\.b must be a positive finite number, got 0/],
    [{ name: "Quadratic", angle: NaN }, /landscape\.angle must be a finite number, got NaN/],
    [{ name: "Quadratic", angle: "1" }, /landscape\.angle must be a finite number, got "1"/],
    [{ name: "Rosenbrock", b: -5 }, /landscape\.b must be a positive finite number, got -5/],
    [{ name: "Rosenbrock", a: Infinity }, /landscape\.a must be a finite number, got Infinity/],
    [{ name: "Quadratic", c: 1 }, /unknown parameter 'c' for the Quadratic landscape; known: a, b, angle/],
    [{ name: "Gabor", envelope: 8 }, /unknown parameter 'envelope' for the Gabor landscape; it takes none/],
    [{ name: "Himmelblau" }, /landscape\.name must be one of Quadratic, Rosenbrock, Gabor, Linear, got "Himmelblau"/],
    [42, /landscape must be an object like \{name: "Gabor"\}, got 42/],
  ];
  for (const [spec, message] of cases) assert.throws(() => makeLandscape(spec, DATA), message);
  assert.throws(() => makeLandscape({ name: "Gabor" }), /the Gabor landscape needs data\.gabor/);
  assert.throws(
    () => makeLandscape({ name: "Linear" }, { linear: { x: [1, 2], y: [1] } }),
    /data\.linear\.x and data\.linear\.y must have the same length/,
  );
  assert.throws(
    () => makeLandscape({ name: "Linear" }, { linear: { x: [1, NaN], y: [1, 2] } }),
    /data\.linear\.x\[1\] must be a finite number, got NaN/,
  );
  assert.throws(() => makeLandscape({ name: "Quadratic" }).gradOn([0, 0], [0]), /no examples/);
});
