// The pure parts of plot.js: colormap, colours, ticks, scales, clipping, bands.
// plot.js imports the virtual module ./data.js (made by the bundler from Python), so this test
// copies the sources into a temporary directory next to a small stand-in data.js and imports
// plot.js from there. The canvas classes need a browser: tests/website/test_widgets.py.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const SRC = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "src");
let dir;
let plot;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "descend-plot-test-"));
  for (const f of fs.readdirSync(SRC)) if (f.endsWith(".js")) fs.copyFileSync(path.join(SRC, f), path.join(dir, f));
  fs.writeFileSync(path.join(dir, "data.js"),
    'export const DATA = {};\nexport const COLORS = {GradientDescent: "#000000", Adam: "#D55E00"};\n');
  plot = await import(pathToFileURL(path.join(dir, "plot.js")).href);
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

test("viridis runs from dark purple to yellow and clamps outside [0, 1]", () => {
  assert.deepEqual(plot.viridis(0), [0x44, 0x01, 0x54]);
  assert.deepEqual(plot.viridis(1), [0xfd, 0xe7, 0x25]);
  assert.deepEqual(plot.viridis(-3), plot.viridis(0));
  assert.deepEqual(plot.viridis(7), plot.viridis(1));
  assert.deepEqual(plot.viridis(NaN), plot.viridis(0));
  // halfway between two stops is the average of the two
  assert.deepEqual(plot.viridis(1 / 32), [0x46, 0x0d, 0x5f].map((v, k) => Math.round((plot.viridis(0)[k] + plot.viridis(1 / 16)[k]) / 2)));
});

test("viridis gets lighter monotonically (perceptually ordered)", () => {
  const lum = (c) => 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  for (let i = 1; i <= 64; i++) assert.ok(lum(plot.viridis(i / 64)) > lum(plot.viridis((i - 1) / 64)), `at ${i}/64`);
});

test("parseColor reads hex and rgb() colours", () => {
  assert.deepEqual(plot.parseColor("#fff"), [255, 255, 255]);
  assert.deepEqual(plot.parseColor("#0072B2"), [0, 114, 178]);
  assert.deepEqual(plot.parseColor("rgb(18, 18, 18)"), [18, 18, 18]);
  assert.deepEqual(plot.parseColor("rgba(1, 2, 3, 0.5)"), [1, 2, 3]);
  assert.equal(plot.parseColor("var(--x)"), null);
  assert.equal(plot.parseColor(""), null);
});

test("mix blends from the first colour to the second", () => {
  assert.deepEqual(plot.mix([0, 0, 0], [255, 100, 10], 0), [0, 0, 0]);
  assert.deepEqual(plot.mix([0, 0, 0], [255, 100, 10], 1), [255, 100, 10]);
  assert.deepEqual(plot.mix([0, 0, 0], [200, 100, 10], 0.5), [100, 50, 5]);
});

test("colorOf swaps GradientDescent's black for the text colour in the dark theme only", () => {
  const dark = { dark: true, fg: "rgb(230, 230, 230)" };
  const light = { dark: false, fg: "rgb(20, 20, 20)" };
  assert.equal(plot.colorOf("GradientDescent", light), "#000000");
  assert.equal(plot.colorOf("GradientDescent"), "#000000");
  assert.equal(plot.colorOf("GradientDescent", dark), dark.fg);
  assert.equal(plot.colorOf("Adam", dark), "#D55E00");
  assert.equal(plot.colorOf("NoSuchOptimizer", light), "#444444");
});

test("niceTicks gives round steps covering the range", () => {
  assert.deepEqual(plot.niceTicks(-2, 2, 4), [-2, -1, 0, 1, 2]);
  assert.deepEqual(plot.niceTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(plot.niceTicks(0, 50, 5), [0, 10, 20, 30, 40, 50]);
  assert.deepEqual(plot.niceTicks(-1.3, 1.3, 5), [-1, -0.5, 0, 0.5, 1]);
  assert.deepEqual(plot.niceTicks(2.5, 37, 5), [10, 20, 30]);
  for (const [lo, hi] of [[0.001, 0.0037], [-1e6, 3e6], [5, 25], [-0.7, 0.3]]) {
    const t = plot.niceTicks(lo, hi, 5);
    assert.ok(t.length >= 2 && t.length <= 11, `${lo}..${hi}: ${t}`);
    assert.ok(t.every((v) => v >= lo - 1e-12 && v <= hi + 1e-12), `${lo}..${hi}: ${t}`);
    const step = t[1] - t[0];
    const mant = step / 10 ** Math.floor(Math.log10(step) + 1e-9);
    assert.ok([1, 2, 5].some((k) => Math.abs(mant - k) < 1e-9), `step ${step}`);
  }
  assert.deepEqual(plot.niceTicks(3, 3), [3]);
  assert.deepEqual(plot.niceTicks(NaN, 3), []);
});

test("logTicks gives powers of ten, thinned over many decades", () => {
  assert.deepEqual(plot.logTicks(0.5, 2000), [1, 10, 100, 1000]);
  const wide = plot.logTicks(1e-30, 10, 5);
  assert.ok(wide.length <= 6 && wide.length >= 3, String(wide));
  assert.ok(wide.every((v) => Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9));
  const narrow = plot.logTicks(2, 7);
  assert.ok(narrow.length >= 2 && narrow.every((v) => v >= 2 && v <= 7), String(narrow));
  assert.deepEqual(plot.logTicks(-1, 10), []);
});

test("formatTick is short and writes powers of ten with superscripts on a log axis", () => {
  assert.equal(plot.formatTick(0), "0");
  assert.equal(plot.formatTick(0.5), "0.5");
  assert.equal(plot.formatTick(-2), "−2");
  assert.equal(plot.formatTick(1e-6, true), "10⁻⁶");
  assert.equal(plot.formatTick(1000, true), "10³");
  assert.equal(plot.formatTick(10, true), "10");
  assert.equal(plot.formatTick(2.5e-5), "2.5e-5");
  assert.equal(plot.formatTick(0.1 + 0.2), "0.3");
});

test("scale maps data onto pixels and back, with a flipped y axis", () => {
  const sy = plot.scale(-2, 2, 300, 20);
  assert.equal(sy(-2), 300);
  assert.equal(sy(2), 20);
  assert.equal(sy(0), 160);
  for (const v of [-1.7, 0.3, 1.99]) assert.ok(Math.abs(sy.invert(sy(v)) - v) < 1e-12);
});

test("clipSegment keeps the part inside the box", () => {
  const box = [0, 1, 0, 1];
  assert.deepEqual(plot.clipSegment([0.2, 0.2], [0.8, 0.5], box), [[0.2, 0.2], [0.8, 0.5]]);
  assert.deepEqual(plot.clipSegment([-1, 0.5], [2, 0.5], box), [[0, 0.5], [1, 0.5]]);
  assert.equal(plot.clipSegment([2, 2], [3, 5], box), null);
  const far = plot.clipSegment([0.5, 0.5], [1e300, 0.5], box);
  assert.deepEqual(far, [[0.5, 0.5], [1, 0.5]]);
  assert.equal(plot.clipSegment([0.5, 0.5], [Infinity, 0.5], box), null);
});

test("bands puts each value between the levels and flags non-finite values", () => {
  const b = plot.bands([0, 1, 1.5, 2, 9, NaN, Infinity, -Infinity], [1, 2, 3]);
  assert.deepEqual(Array.from(b), [0, 1, 1, 2, 3, -1, 3, -1]);
});

test("drawablePrefix stops at the first non-finite point", () => {
  const bounds = { x: [-1, 1], y: [-1, 1] };
  const { points, cut } = plot.drawablePrefix([[0, 0], [0.5, 0.5], [NaN, 1], [0, 0]], bounds);
  assert.deepEqual(points, [[0, 0], [0.5, 0.5]]);
  assert.deepEqual(cut, { step: 2, reason: "nonfinite" });
  assert.deepEqual(plot.drawablePrefix([[0, 0], [Infinity, 0]], bounds).points, [[0, 0]]);
});

test("drawablePrefix stops after the first point far outside the box", () => {
  const bounds = { x: [-1, 1], y: [-1, 1] };
  const path = [[0, 0], [3, 0], [-1.5e6, 0], [8e13, 0], [-1e20, 0]];
  const { points, cut } = plot.drawablePrefix(path, bounds);
  assert.deepEqual(points, [[0, 0], [3, 0], [-1.5e6, 0], [8e13, 0]]);
  assert.deepEqual(cut, { step: 3, reason: "range" });
  const whole = plot.drawablePrefix([[0, 0], [0.1, 0.2]], bounds);
  assert.equal(whole.cut, null);
  assert.equal(whole.points.length, 2);
});
