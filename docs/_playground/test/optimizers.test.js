import { test } from "node:test";
import assert from "node:assert/strict";

import { OPTIMIZERS, RULES, validateOptions, validateOption } from "../src/optimizers.js";

/** Gradient of L = |phi|^2. */
const bowl = (phi) => [2 * phi[0], 2 * phi[1]];

/** Run `steps` steps of an optimizer from phi; return every iterate after the start. */
function steps(name, options, phi, gradAt, count) {
  const rule = OPTIMIZERS[name];
  const state = rule.init(phi, options);
  const out = [];
  for (let t = 0; t < count; t++) {
    phi = rule.step(state, phi, gradAt, t);
    out.push(phi);
  }
  return { out, state };
}

test("one step of gradient descent is phi - lr * g", () => {
  const phi = [1.3, -0.7];
  const g = [0.25, -4.5];
  const [next] = steps("GradientDescent", { lr: 0.1 }, phi, () => g, 1).out;
  assert.deepEqual(next, [phi[0] - 0.1 * g[0], phi[1] - 0.1 * g[1]]);
  // descend's docstring: GradientDescent(lr=0.1) from [1, -2] on |phi|^2 -> [0.8, -1.6]
  assert.deepEqual(steps("GradientDescent", { lr: 0.1 }, [1, -2], bowl, 1).out[0], [0.8, -1.6]);
});

test("momentum and Nesterov with beta = 0 are gradient descent, step for step", () => {
  const gd = steps("GradientDescent", { lr: 0.05 }, [1.5, -2], bowl, 20).out;
  for (const name of ["Momentum", "NesterovMomentum"]) {
    assert.deepEqual(steps(name, { lr: 0.05, beta: 0 }, [1.5, -2], bowl, 20).out, gd, name);
  }
  assert.deepEqual(steps("NesterovMomentum", { lr: 0.05, beta: 0, lookahead: "slide" }, [1.5, -2], bowl, 1).out, gd.slice(0, 1));
});

test("descend's docstring examples give descend's numbers", () => {
  // Momentum(lr=0.1, beta=0.9) on |phi|^2 from 1: phi 0.98, m 0.2
  const momentum = steps("Momentum", { lr: 0.1, beta: 0.9 }, [1, 1], bowl, 1);
  assert.deepEqual(momentum.out[0].map((p) => +p.toFixed(12)), [0.98, 0.98]);
  assert.deepEqual(Array.from(momentum.state.buffers.m).map((m) => +m.toFixed(12)), [0.2, 0.2]);
  // Nesterov, two steps: look-ahead "momentum" 0.94276, "slide" 0.9428
  for (const [lookahead, value] of [["momentum", 0.94276], ["slide", 0.9428]]) {
    const { out } = steps("NesterovMomentum", { lr: 0.1, beta: 0.9, lookahead }, [1, 1], bowl, 2);
    assert.equal(+out[1][0].toFixed(10), value, lookahead);
  }
  // NormalizedGradient(lr=1) with g = (3, -2): each coordinate moves by 1
  assert.deepEqual(steps("NormalizedGradient", { lr: 1 }, [0, 0], () => [3, -2], 1).out[0].map((p) => +p.toFixed(6)), [-1, 1]);
  // norm="global": a step of length lr against g
  const [unit] = steps("NormalizedGradient", { lr: 1, norm: "global" }, [0, 0], () => [3, -4], 1).out;
  assert.deepEqual(unit.map((u) => +u.toFixed(8)), [-0.6, 0.8]);
  // Adagrad(lr=0.5), first step lr * sign(g): [1, -3] -> [0.5, -2.5]
  assert.deepEqual(steps("Adagrad", { lr: 0.5 }, [1, -3], bowl, 1).out[0].map((p) => +p.toFixed(8)), [0.5, -2.5]);
  // RMSprop(lr=0.01, alpha=0.99), g = 2 at 1: 1 - 0.01 / sqrt(0.01) = 0.9
  assert.equal(+steps("RMSprop", { lr: 0.01 }, [1, 1], () => [2, 2], 1).out[0][0].toFixed(4), 0.9);
  // Adam(lr=0.1): the first step moves each coordinate by about lr, whatever |g|
  assert.deepEqual(steps("Adam", { lr: 0.1 }, [0, 0], () => [3, -0.02], 1).out[0].map((p) => +p.toFixed(6)), [-0.1, 0.1]);
  // AdamW(lr=0.1, weight_decay=0.5) with g = 0: only the decay, 2 -> 1.9
  assert.deepEqual(steps("AdamW", { lr: 0.1, weight_decay: 0.5 }, [2, 2], () => [0, 0], 1).out[0], [1.9, 1.9]);
});

test("AdamW is Adam with decoupled weight decay", () => {
  const options = { lr: 0.05, weight_decay: 0.1, betas: [0.8, 0.99] };
  const adamw = steps("AdamW", options, [1.2, -0.4], bowl, 30).out;
  const adam = steps("Adam", { ...options, decoupled_weight_decay: true }, [1.2, -0.4], bowl, 30).out;
  assert.deepEqual(adamw, adam);
  const coupled = steps("Adam", options, [1.2, -0.4], bowl, 30).out;
  assert.notDeepEqual(coupled, adam);
});

test("each option changes the path (no option is ignored)", () => {
  const nonDefault = {
    beta: 0.5, lookahead: "slide", eps: 0.5, norm: "global", alpha: 0.5, weight_decay: 0.3, momentum: 0.5,
    centered: true, maximize: true, lr_decay: 0.5, initial_accumulator_value: 2, betas: [0.5, 0.6], amsgrad: true,
    decoupled_weight_decay: true,
  };
  const grad = (phi) => [2 * phi[0] + Math.sin(5 * phi[1]), 20 * phi[1] - 1];
  for (const [name, rule] of Object.entries(OPTIMIZERS)) {
    const base = { lr: 0.05, ...(name.startsWith("Adam") ? { weight_decay: 0.2 } : {}) };
    const reference = steps(name, base, [1, 0.5], grad, 15).out;
    for (const p of rule.params) {
      if (p.name === "lr") continue;
      const changed = steps(name, { ...base, [p.name]: nonDefault[p.name] }, [1, 0.5], grad, 15).out;
      assert.notDeepEqual(changed, reference, `${name}.${p.name}`);
    }
  }
});

test("the state keeps descend's buffers for the chosen options", () => {
  const names = (name, options) => Object.keys(OPTIMIZERS[name].init([0, 0], options).buffers);
  assert.deepEqual(names("GradientDescent", {}), []);
  assert.deepEqual(names("Momentum", {}), ["m"]);
  assert.deepEqual(names("Adam", {}), ["m", "v"]);
  assert.deepEqual(names("Adam", { amsgrad: true }), ["m", "v", "v_max"]);
  assert.deepEqual(names("RMSprop", {}), ["v"]);
  assert.deepEqual(names("RMSprop", { centered: true, momentum: 0.9 }), ["v", "g_bar", "b"]);
  assert.deepEqual(Array.from(OPTIMIZERS.Adagrad.init([0, 0], { initial_accumulator_value: 0.3 }).buffers.s), [0.3, 0.3]);
});

test("defaults are descend's; rules without a default lr say so", () => {
  assert.deepEqual(OPTIMIZERS.Adam.defaults, {
    lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: false, maximize: false, decoupled_weight_decay: false,
  });
  assert.equal(OPTIMIZERS.AdamW.defaults.weight_decay, 1e-2);
  assert.ok(!("decoupled_weight_decay" in OPTIMIZERS.AdamW.defaults));
  for (const name of ["GradientDescent", "Momentum", "NesterovMomentum", "NormalizedGradient"]) {
    assert.equal(OPTIMIZERS[name].lrRequired, true, name);
    assert.ok(OPTIMIZERS[name].defaults.lr > 0, name);
  }
  for (const name of ["RMSprop", "Adagrad", "Adam", "AdamW"]) assert.equal(OPTIMIZERS[name].lrRequired, false, name);
});

test("the params metadata lists every option with a label and a valid slider range", () => {
  for (const [name, rule] of Object.entries(OPTIMIZERS)) {
    assert.deepEqual(rule.params.map((p) => p.name).sort(), Object.keys(rule.defaults).sort(), name);
    for (const p of rule.params) {
      assert.ok(p.label.length > 0, `${name}.${p.name}`);
      assert.ok(["float", "bool", "choice", "pair"].includes(p.kind));
      if (p.kind === "float" || p.kind === "pair") {
        assert.ok(p.rule in RULES && p.ruleText === RULES[p.rule], `${name}.${p.name}`);
        assert.ok(p.min < p.max, `${name}.${p.name}`);
        // both ends of the slider are valid values
        const value = (x) => (p.kind === "pair" ? [x, x] : x);
        validateOption(name, p.name, value(p.min));
        validateOption(name, p.name, value(p.max));
      }
      if (p.kind === "choice") assert.ok(p.choices.includes(rule.defaults[p.name]));
    }
    assert.equal(rule.params.find((p) => p.name === "lr").log, true);
    assert.deepEqual(validateOptions(name, {}), rule.defaults);
  }
});

test("validateOptions fills in the defaults and leaves the defaults alone", () => {
  const full = validateOptions("Adam", { lr: 0.1, amsgrad: true });
  assert.deepEqual(full, { ...OPTIMIZERS.Adam.defaults, lr: 0.1, amsgrad: true });
  full.betas[0] = 0.5;
  assert.deepEqual(OPTIMIZERS.Adam.defaults.betas, [0.9, 0.999]);
});

test("every bad option is refused with its field and value", () => {
  const cases = [
    ["Adam", { lr: -1 }, "options.lr must be a positive finite number, got -1"],
    ["Adam", { lr: 0 }, "options.lr must be a positive finite number, got 0"],
    ["GradientDescent", { lr: NaN }, "options.lr must be a positive finite number, got NaN"],
    ["GradientDescent", { lr: "0.1" }, 'options.lr must be a positive finite number, got "0.1"'],
    ["Adam", { betas: [1, 0.999] }, "options.betas[0] must be in [0, 1), got 1"],
    ["Adam", { betas: [0.9, -0.1] }, "options.betas[1] must be in [0, 1), got -0.1"],
    ["Adam", { betas: 0.9 }, "options.betas must be a pair [beta1, beta2], got 0.9"],
    ["Adam", { eps: 0 }, "options.eps must be a positive finite number, got 0"],
    ["Adam", { weight_decay: -0.1 }, "options.weight_decay must be a finite number >= 0, got -0.1"],
    ["Adam", { amsgrad: "yes" }, 'options.amsgrad must be true or false, got "yes"'],
    ["AdamW", { maximize: 1 }, "options.maximize must be true or false, got 1"],
    ["Momentum", { beta: 1 }, "options.beta must be in [0, 1), got 1"],
    ["NesterovMomentum", { lookahead: "ahead" }, 'options.lookahead must be "momentum" or "slide", got "ahead"'],
    ["NormalizedGradient", { norm: "l2" }, 'options.norm must be "coordinate" or "global", got "l2"'],
    ["RMSprop", { alpha: 1.5 }, "options.alpha must be in [0, 1), got 1.5"],
    ["RMSprop", { momentum: -1 }, "options.momentum must be a finite number >= 0, got -1"],
    ["RMSprop", { centered: null }, "options.centered must be true or false, got null"],
    ["Adagrad", { lr_decay: -1 }, "options.lr_decay must be a finite number >= 0, got -1"],
    ["Adagrad", { initial_accumulator_value: Infinity }, "options.initial_accumulator_value must be a finite number >= 0, got Infinity"],
    ["Adam", { lrr: 0.1 }, "unknown option 'lrr' for Adam; known: lr, betas, eps, weight_decay, amsgrad, maximize, decoupled_weight_decay"],
    ["AdamW", { decoupled_weight_decay: false }, "unknown option 'decoupled_weight_decay' for AdamW; known: lr, betas, eps, weight_decay, amsgrad, maximize"],
    ["Adamm", {}, "optimizer must be one of GradientDescent, Momentum, NesterovMomentum, NormalizedGradient, RMSprop, Adagrad, Adam, AdamW, got \"Adamm\""],
    ["Adam", [0.1], "options must be an object of Adam's options, got [0.1]"],
  ];
  for (const [name, options, message] of cases) {
    assert.throws(() => validateOptions(name, options), { message }, `${name} ${JSON.stringify(options)}`);
  }
});

test("every option of every optimizer has a value that is refused", () => {
  const bad = { float: -1, pair: [2, 0.5], bool: "true", choice: "nonsense" };
  for (const [name, rule] of Object.entries(OPTIMIZERS)) {
    for (const p of rule.params) {
      assert.throws(() => validateOptions(name, { [p.name]: bad[p.kind] }), (err) => err.message.includes(`options.${p.name}`), `${name}.${p.name}`);
    }
  }
});
