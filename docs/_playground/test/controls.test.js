// The pure parts of the Playground's controls (src/controls.js): reading a number field,
// refusing text, NaN and values outside the rules with a message that names the value, and the
// sliders' scales.
import { test } from "node:test";
import assert from "node:assert/strict";

import { OPTIMIZERS } from "../src/optimizers.js";
import { checkValue, formatLoss, formatValue, niceStep, parseField, roundSig, roundToRange, sliderScale } from "../src/controls.js";

const lr = OPTIMIZERS.Adam.params.find((p) => p.name === "lr");
const beta = OPTIMIZERS.Momentum.params.find((p) => p.name === "beta");

test("a number field accepts decimal numbers, with spaces and exponents", () => {
  for (const [text, value] of [["0.05", 0.05], [" 1e-3 ", 0.001], ["2", 2], [".5", 0.5], ["3.", 3], ["+0.1", 0.1], ["1E2", 100]]) {
    assert.deepEqual(parseField(text, lr), { ok: true, value }, text);
  }
});

test("text, NaN, Infinity and hex are refused, naming what was typed", () => {
  for (const text of ["abc", "NaN", "Infinity", "-Infinity", "0x10", "1,5", "1e", "--1", "one"]) {
    const result = parseField(text, lr);
    assert.equal(result.ok, false, text);
    assert.match(result.message, /^lr: /, text);
    assert.ok(result.message.includes(JSON.stringify(text)), `${text}: ${result.message}`);
  }
  assert.deepEqual(parseField("", lr), { ok: false, message: "lr: enter a number" });
  assert.deepEqual(parseField("   ", lr), { ok: false, message: "lr: enter a number" });
  assert.equal(parseField("1e400", lr).message, "lr: 1e400 is too large");
});

test("a learning rate must be positive: -1 and 0 are refused, naming the value", () => {
  assert.deepEqual(parseField("-1", lr), { ok: false, message: "lr must be a number > 0, got -1" });
  assert.deepEqual(parseField("0", lr), { ok: false, message: "lr must be a number > 0, got 0" });
});

test("beta must be in [0, 1): 1 and 1.5 are refused, 0 and 0.999 accepted", () => {
  assert.deepEqual(parseField("1", beta), { ok: false, message: "beta must be a number in [0, 1), got 1" });
  assert.equal(parseField("1.5", beta).message, "beta must be a number in [0, 1), got 1.5");
  assert.equal(parseField("-0.1", beta).ok, false);
  assert.deepEqual(parseField("0", beta), { ok: true, value: 0 });
  assert.deepEqual(parseField("0.999", beta), { ok: true, value: 0.999 });
  assert.deepEqual(parseField("-0", beta), { ok: true, value: 0 }, "-0 reads as 0");
});

test("every float option of every optimizer has a rule the fields can check", () => {
  for (const [name, rule] of Object.entries(OPTIMIZERS)) {
    for (const p of rule.params) {
      if (p.kind !== "float" && p.kind !== "pair") continue;
      const v = p.kind === "pair" ? rule.defaults[p.name][0] : rule.defaults[p.name];
      assert.equal(checkValue(v, p.rule, p.name), null, `${name}.${p.name}: its default passes`);
      assert.notEqual(checkValue(Number.NaN, p.rule, p.name), null, `${name}.${p.name}: NaN fails`);
    }
  }
});

test("whole-number fields refuse fractions, and the seed stays in NumPy's 32-bit range", () => {
  const steps = { name: "steps", kind: "int", rule: "atLeast1" };
  assert.equal(parseField("2.5", steps).message, "steps must be a whole number, got 2.5");
  assert.equal(parseField("0", steps).message, "steps must be a whole number >= 1, got 0");
  assert.deepEqual(parseField("100", steps), { ok: true, value: 100 });
  const seed = { name: "seed", kind: "int", rule: "seed" };
  assert.deepEqual(parseField("4294967295", seed), { ok: true, value: 4294967295 });
  assert.equal(parseField("4294967296", seed).ok, false);
});

test("the log slider of the learning rate covers its range in factors of about 1.12", () => {
  const s = sliderScale(lr);
  assert.equal(s.min, Math.log10(lr.min));
  assert.equal(s.max, Math.log10(lr.max));
  assert.equal(s.step, 0.05);
  assert.equal(s.fromSlider(-2), 0.01);
  assert.equal(s.fromSlider("-1.3"), 0.0501, "3 significant digits");
  assert.equal(s.toSlider(0.01), -2);
  assert.equal(s.toSlider(1e9), s.max, "a typed value beyond the range pins the slider at its end");
  // Every position reads back to (almost) itself.
  for (let p = s.min; p <= s.max; p += s.step) assert.ok(Math.abs(s.toSlider(s.fromSlider(p)) - p) < 0.003, String(p));
});

test("a linear slider moves in round steps and gives round values", () => {
  const s = sliderScale(beta);
  assert.equal(s.step, niceStep(beta.max - beta.min));
  assert.equal(s.fromSlider(0.3 + 1e-9), 0.3);
  assert.equal(s.fromSlider(String(0.1 + 0.2)), 0.3);
  assert.equal(niceStep(1), 0.005);
  assert.equal(niceStep(3.14159), 0.02);
  assert.equal(niceStep(40), 0.2);
});

test("a log slider for whole numbers gives whole numbers", () => {
  const s = sliderScale({ kind: "int", min: 1, max: 2000, log: true });
  for (let p = s.min; p <= s.max; p += s.step) {
    const v = s.fromSlider(p);
    assert.ok(Number.isInteger(v) && v >= 1 && v <= 2000, `${p} -> ${v}`);
  }
  assert.equal(s.fromSlider(2), 100);
});

test("values are shown as the shortest text that reads back the same", () => {
  for (const v of [0.05, 1e-8, 0.1 + 0.2, 123456789.123, -2.5]) assert.equal(Number(formatValue(v)), v);
  assert.equal(roundSig(0.050118723362727, 3), 0.0501);
  assert.equal(roundSig(0, 3), 0);
});

test("losses in the table: 4 significant digits, exponents for the very small and large", () => {
  assert.equal(formatLoss(4.56312), "4.563");
  assert.equal(formatLoss(0.2), "0.2");
  assert.equal(formatLoss(2.0771e-9), "2.077e-9");
  assert.equal(formatLoss(3.921e235), "3.921e+235");
  assert.equal(formatLoss(0), "0");
  assert.equal(formatLoss(Infinity), "Infinity");
});

test("a clicked point is rounded to about a thousandth of the visible range", () => {
  assert.equal(roundToRange(1.23456789, 4), 1.235, "a 4-wide box: 3 decimals");
  assert.equal(roundToRange(-5.4321, 20), -5.43, "a 20-wide box: 2 decimals");
  assert.equal(roundToRange(1234.5678, 4000), 1235, "a wide box: whole numbers");
  assert.equal(roundToRange(-0.0001, 4), 0, "no -0");
});

test("a value above a field's limit is refused, naming the limit", () => {
  const steps = { name: "steps", kind: "int", rule: "atLeast1", limit: 10000 };
  assert.deepEqual(parseField("10000", steps), { ok: true, value: 10000 });
  assert.equal(parseField("10001", steps).message, "steps must be at most 10000, got 10001");
});
