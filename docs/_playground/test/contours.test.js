import { test } from "node:test";
import assert from "node:assert/strict";

import { lossGrid, contourLevels, contourSegments, linspace } from "../src/contours.js";
import { makeLandscape } from "../src/landscapes.js";
import { textbook } from "./textbook.js";

const DATA = textbook();
const BOX = { x: [-2, 2], y: [-1, 3] };

/** The grid value at (x, y) by bilinear interpolation (exact on the cell edges' lines). */
function bilinear(grid, x, y) {
  const { xs, ys, values, nx } = grid;
  const find = (a, v) => Math.min(Math.max(a.findLastIndex((u) => u <= v), 0), a.length - 2);
  const i = find(xs, x);
  const j = find(ys, y);
  const s = (x - xs[i]) / (xs[i + 1] - xs[i]);
  const t = (y - ys[j]) / (ys[j + 1] - ys[j]);
  const v = (di, dj) => values[(j + dj) * nx + i + di];
  return (1 - s) * (1 - t) * v(0, 0) + s * (1 - t) * v(1, 0) + (1 - s) * t * v(0, 1) + s * t * v(1, 1);
}

test("linspace is NumPy's: i * step + lo, the last point exactly hi", () => {
  const xs = linspace(-10, 10, 7);
  assert.equal(xs[0], -10);
  assert.equal(xs[6], 10);
  assert.equal(xs[3], 3 * (20 / 6) - 10);
  assert.deepEqual(Array.from(linspace(0, 1, 5)), [0, 0.25, 0.5, 0.75, 1]);
});

test("lossGrid holds the loss at every grid point, row by row", () => {
  const landscape = makeLandscape({ name: "Rosenbrock" });
  const grid = lossGrid(landscape.loss, BOX, 5, 4);
  assert.equal(grid.values.length, 20);
  assert.deepEqual([grid.nx, grid.ny], [5, 4]);
  assert.deepEqual(Array.from(grid.xs), [-2, -1, 0, 1, 2]);
  for (let j = 0; j < 4; j++) {
    for (let i = 0; i < 5; i++) assert.equal(grid.values[j * 5 + i], landscape.loss([grid.xs[i], grid.ys[j]]));
  }
  assert.throws(() => lossGrid(landscape.loss, BOX, 1, 4), /nx must be an integer >= 2, got 1/);
  assert.throws(() => lossGrid(landscape.loss, { x: [1, 0], y: [0, 1] }, 3, 3), /bounds\.x must be \[low, high\] with finite low < high, got \[1,0\]/);
});

test("contour levels increase strictly and lie between the extremes", () => {
  const grid = lossGrid(makeLandscape({ name: "Rosenbrock" }).loss, BOX, 61, 61);
  let lo = Infinity, hi = -Infinity;
  for (const v of grid.values) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  for (const log of [false, true]) {
    const levels = contourLevels(grid.values, 20, { log });
    assert.equal(levels.length, 20);
    levels.forEach((v, k) => assert.ok(v > lo && v < hi && (k === 0 || v > levels[k - 1]), `log=${log} ${levels}`));
  }
  // log levels crowd near the minimum: most of them are below the middle of the range
  const logLevels = contourLevels(grid.values, 20, { log: true });
  assert.ok(logLevels.filter((v) => v < (lo + hi) / 2).length >= 15);
  assert.deepEqual(contourLevels([1, 1, 1], 5), []);
  assert.deepEqual(contourLevels([NaN, Infinity], 5), []);
  assert.deepEqual(contourLevels([0, NaN, 4], 2), [1, 3]);
});

test("contour segments lie on the level", () => {
  for (const spec of [{ name: "Rosenbrock" }, { name: "Gabor" }, { name: "Quadratic", a: 1, b: 5, angle: 0.4 }]) {
    const landscape = makeLandscape(spec, DATA);
    const bounds = spec.name === "Gabor" ? { x: [-10, 10], y: [2.5, 22.5] } : BOX;
    const grid = lossGrid(landscape.loss, bounds, 81, 81);
    for (const level of contourLevels(grid.values, 12, { log: spec.name === "Rosenbrock" })) {
      const segments = contourSegments(grid, level);
      assert.ok(segments.length > 0, `${spec.name} ${level}`);
      for (const [x0, y0, x1, y1] of segments) {
        for (const [x, y] of [[x0, y0], [x1, y1]]) {
          // on the level of the interpolated grid, and inside the box
          assert.ok(Math.abs(bilinear(grid, x, y) - level) <= 1e-9 * Math.max(1, Math.abs(level)), `${spec.name}: ${bilinear(grid, x, y)} vs ${level}`);
          assert.ok(x >= bounds.x[0] && x <= bounds.x[1] && y >= bounds.y[0] && y <= bounds.y[1]);
        }
      }
    }
  }
});

test("on a plane the contour is exact, and on a fine grid of a bowl close to the true loss", () => {
  const plane = (phi) => 2 * phi[0] - 3 * phi[1];
  const grid = lossGrid(plane, BOX, 9, 7);
  for (const [x0, y0, x1, y1] of contourSegments(grid, 0.7)) {
    assert.ok(Math.abs(plane([x0, y0]) - 0.7) < 1e-12);
    assert.ok(Math.abs(plane([x1, y1]) - 0.7) < 1e-12);
  }
  const bowl = makeLandscape({ name: "Quadratic", a: 1, b: 4 });
  const fine = lossGrid(bowl.loss, { x: [-2, 2], y: [-2, 2] }, 201, 201);
  for (const [x0, y0] of contourSegments(fine, 1)) assert.ok(Math.abs(bowl.loss([x0, y0]) - 1) < 2e-3);
});

test("a closed contour's segments join end to end: every end point is shared by two segments", () => {
  const bowl = makeLandscape({ name: "Quadratic", a: 1, b: 4, angle: 0.3 });
  const grid = lossGrid(bowl.loss, { x: [-2, 2], y: [-2, 2] }, 40, 37);
  const segments = contourSegments(grid, 0.8);
  const count = new Map();
  for (const [x0, y0, x1, y1] of segments) {
    for (const key of [`${x0},${y0}`, `${x1},${y1}`]) count.set(key, (count.get(key) ?? 0) + 1);
  }
  assert.ok(segments.length > 20);
  for (const [key, n] of count) assert.equal(n, 2, key);
});

test("saddle cells are read by the value at their centre", () => {
  // one cell, values row-major: (0, 0) = 1, (1, 0) = 0, (0, 1) = 0, (1, 1) = 1; centre 0.5
  const grid = { xs: Float64Array.from([0, 1]), ys: Float64Array.from([0, 1]), values: Float64Array.from([1, 0, 0, 1]) };
  const below = contourSegments(grid, 0.6).map((s) => s.map((v) => +v.toFixed(9)));
  // centre 0.5 < 0.6: the two corners above are cut off, each by its own segment
  assert.deepEqual(below.sort(), [[0, 0.4, 0.4, 0], [1, 0.6, 0.6, 1]].sort());
  const above = contourSegments(grid, 0.4).map((s) => s.map((v) => +v.toFixed(9)));
  // centre 0.5 > 0.4: the corners above are joined, the corners below are cut off
  assert.deepEqual(above.sort(), [[0.6, 0, 1, 0.4], [0.4, 1, 0, 0.6]].sort());
  // non-finite corners: the cell is left out
  assert.deepEqual(contourSegments({ ...grid, values: Float64Array.from([1, NaN, 0, 1]) }, 0.5), []);
});
