// The Playground's setup <-> URL hash (src/urlstate.js): the round trip for random setups, the
// readable format, and bad hashes reported (never thrown) with the bad parts at their defaults.
import { test } from "node:test";
import assert from "node:assert/strict";

import { LANDSCAPES } from "../src/landscapes.js";
import { OPTIMIZERS } from "../src/optimizers.js";
import {
  checkState, decodeState, defaultState, encodeState, isSetupHash, MAX_OPTIMIZERS, MAX_STEPS, SAMPLINGS, specOf,
} from "../src/urlstate.js";

/** A small seeded generator (mulberry32), so that a failure can be reproduced. */
function generator(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = (random, list) => list[Math.floor(random() * list.length)];

/** A random value obeying a parameter's rule, often with all 17 digits. */
function randomValue(random, param) {
  if (param.kind === "bool") return random() < 0.5;
  if (param.kind === "choice") return pick(random, param.choices);
  const one = () => {
    let x;
    if (param.log) x = 10 ** (Math.log10(param.min) + random() * (Math.log10(param.max) - Math.log10(param.min)));
    else x = param.min + random() * (param.max - param.min);
    if (random() < 0.3) x = Number(x.toPrecision(2)); // round numbers as the sliders give them
    if (param.rule === "unit") x = Math.min(x, 0.999);
    if (param.rule === "positive" && !(x > 0)) x = 1e-3;
    if (param.rule === "nonnegative" && x < 0) x = 0;
    return x;
  };
  return param.kind === "pair" ? [one(), one()] : one();
}

function randomState(random) {
  const name = pick(random, Object.keys(LANDSCAPES));
  const landscape = { name, ...LANDSCAPES[name].defaults };
  for (const p of LANDSCAPES[name].params) landscape[p.name] = randomValue(random, p);
  const count = 1 + Math.floor(random() * MAX_OPTIMIZERS);
  const optimizers = [];
  for (let k = 0; k < count; k++) {
    const opt = pick(random, Object.keys(OPTIMIZERS));
    const options = structuredClone(OPTIMIZERS[opt].defaults);
    for (const p of OPTIMIZERS[opt].params) if (random() < 0.6) options[p.name] = randomValue(random, p);
    optimizers.push({ name: opt, options });
  }
  const { x, y } = LANDSCAPES[name].bounds;
  return {
    landscape,
    start: [x[0] + random() * (x[1] - x[0]), y[0] + random() * (y[1] - y[0])],
    steps: 1 + Math.floor(random() * MAX_STEPS),
    optimizers,
    batch: random() < 0.5 ? null : 1 + Math.floor(random() * 40),
    sampling: pick(random, SAMPLINGS),
    seed: random() < 0.3 ? 0 : Math.floor(random() * 4294967296),
  };
}

test("decodeState(encodeState(state)) gives back every random setup exactly, without errors", () => {
  const random = generator(12);
  for (let i = 0; i < 500; i++) {
    const state = randomState(random);
    assert.deepEqual(checkState(state), [], "the generator makes valid setups");
    const hash = encodeState(state);
    assert.deepEqual(decodeState(hash), { state, errors: [] }, hash);
    assert.deepEqual(decodeState("#" + hash).state, state, "a leading # is allowed");
  }
});

test("the default setup survives the round trip and an empty hash gives it", () => {
  const state = defaultState();
  assert.deepEqual(checkState(state), []);
  assert.deepEqual(decodeState(encodeState(state)), { state, errors: [] });
  assert.deepEqual(decodeState(""), { state, errors: [] });
  assert.deepEqual(decodeState("#"), { state, errors: [] });
});

test("the issue's example hash reads as written", () => {
  const hash = "#land=Quadratic&a=1&b=12&angle=0.4&start=2,1.5&steps=100&opt=Adam:lr=0.05,amsgrad=1;Momentum:lr=0.1,beta=0.9&batch=5&seed=1";
  const { state, errors } = decodeState(hash);
  assert.deepEqual(errors, []);
  assert.deepEqual(state.landscape, { name: "Quadratic", a: 1, b: 12, angle: 0.4 });
  assert.deepEqual(state.start, [2, 1.5]);
  assert.equal(state.steps, 100);
  assert.deepEqual(state.optimizers.map((o) => o.name), ["Adam", "Momentum"]);
  assert.equal(state.optimizers[0].options.lr, 0.05);
  assert.equal(state.optimizers[0].options.amsgrad, true);
  assert.deepEqual(state.optimizers[0].options.betas, [0.9, 0.999], "unnamed options keep descend's defaults");
  assert.equal(state.optimizers[1].options.beta, 0.9);
  assert.equal(state.batch, 5);
  assert.equal(state.seed, 1);
  // and it is written back the same way, except beta=0.9, which is Momentum's default
  assert.equal(encodeState(state), hash.slice(1).replace(",beta=0.9", ""));
});

test("the hash is readable: lr always, other options only where they differ from descend's defaults", () => {
  const state = defaultState();
  state.landscape = { name: "Quadratic", a: 1, b: 12, angle: 0.4 };
  state.start = [2, 1.5];
  state.optimizers = [
    { name: "Adam", options: { ...structuredClone(OPTIMIZERS.Adam.defaults), lr: 0.05, betas: [0.8, 0.99] } },
    { name: "NesterovMomentum", options: { ...OPTIMIZERS.NesterovMomentum.defaults, lookahead: "slide" } },
  ];
  assert.equal(
    encodeState(state),
    "land=Quadratic&a=1&b=12&angle=0.4&start=2,1.5&steps=100" +
      `&opt=Adam:lr=0.05,betas=0.8/0.99;NesterovMomentum:lr=${OPTIMIZERS.NesterovMomentum.defaults.lr},lookahead=slide`,
  );
});

test("bad values are reported, not thrown, and fall back to their defaults", () => {
  const defaults = defaultState();
  const cases = [
    ["land=Banana", /land: unknown landscape "Banana"/],
    ["land=Quadratic&a=-1", /a must be a number > 0, got -1/],
    ["land=Quadratic&b=abc", /b: "abc" is not a number/],
    ["start=1", /start must be two numbers/],
    ["start=1,x", /start\[1\]: "x" is not a number/],
    ["steps=0", /steps must be a whole number >= 1, got 0/],
    ["steps=2.5", /steps must be a whole number, got 2.5/],
    [`steps=${MAX_STEPS + 1}`, /steps must be at most/],
    ["opt=Adamm:lr=0.1;Adam", /unknown optimizer "Adamm"/],
    ["opt=Adam:lr=-1", /Adam lr must be a number > 0, got -1/],
    ["opt=Adam:lr=NaN", /Adam lr: "NaN" is not a number/],
    ["opt=Momentum:beta=1", /Momentum beta must be a number in \[0, 1\), got 1/],
    ["opt=Adam:betas=0.9/1", /Adam betas\[1\] must be a number in \[0, 1\), got 1/],
    ["opt=Adam:betas=0.9", /must be two numbers like 0.9\/0.999/],
    ["opt=Adam:amsgrad=yes", /Adam amsgrad must be 1 or 0, got "yes"/],
    ["opt=Adam:momentum=0.9", /Adam has no option "momentum"/],
    ["opt=NesterovMomentum:lookahead=far", /lookahead must be momentum or slide, got "far"/],
    ["batch=0", /batch must be a whole number >= 1, got 0/],
    ["seed=-3", /seed must be a whole number in \[0, 4294967295\], got -3/],
    ["sampling=sometimes", /sampling must be per_epoch or per_step/],
    ["colour=red", /unknown setting "colour"/],
    ["land=Gabor&angle=1", /the Gabor landscape has no parameter angle/],
    ["start=%E0%A4%A,1", /bad %-escape/],
  ];
  for (const [hash, pattern] of cases) {
    let result;
    assert.doesNotThrow(() => {
      result = decodeState(hash);
    }, hash);
    assert.equal(result.errors.length, 1, `${hash}: ${result.errors.join(" | ")}`);
    assert.match(result.errors[0], pattern, hash);
    assert.deepEqual(checkState(result.state), [], `${hash} still gives a valid setup`);
  }
  // the bad part takes its default, the good parts are kept
  const { state } = decodeState("land=Quadratic&a=-1&b=3&opt=Adam:lr=-1,amsgrad=1");
  assert.equal(state.landscape.a, 1);
  assert.equal(state.landscape.b, 3);
  assert.equal(state.optimizers[0].options.lr, OPTIMIZERS.Adam.defaults.lr);
  assert.equal(state.optimizers[0].options.amsgrad, true);
  // an unknown landscape keeps the default landscape and its start
  assert.deepEqual(decodeState("land=Banana").state.landscape, defaults.landscape);
});

test("more than four optimizers are cut to four, with a message", () => {
  const { state, errors } = decodeState("opt=Adam;Momentum;RMSprop;Adagrad;AdamW");
  assert.equal(state.optimizers.length, MAX_OPTIMIZERS);
  assert.match(errors[0], /at most 4 optimizers/);
});

test("an anchor (no '=') is not a setup: default setup, no errors", () => {
  assert.equal(isSetupHash("#same-numbers-as-the-library"), false);
  assert.deepEqual(decodeState("#same-numbers-as-the-library"), { state: defaultState(), errors: [] });
  assert.equal(isSetupHash("#land=Gabor"), true);
});

test("a hash that is not even text is reported, not thrown", () => {
  for (const junk of [undefined, null, 42, "&&&", "=", "opt=", "opt=;;", "land="]) {
    assert.doesNotThrow(() => decodeState(junk), String(junk));
    assert.deepEqual(checkState(decodeState(junk).state), []);
  }
  assert.match(decodeState("opt=;;").errors[0], /no optimizer could be read/);
});

test("the runs of a setup: minibatches only on the data landscapes", () => {
  const { state } = decodeState("land=Gabor&start=1,2&steps=30&opt=Adam:lr=0.1;Momentum:lr=0.2&batch=5&seed=7&sampling=per_step");
  assert.deepEqual(specOf(state, 1), {
    landscape: { name: "Gabor" }, optimizer: "Momentum", options: { lr: 0.2, beta: 0.9 },
    start: [1, 2], steps: 30, batchSize: 5, seed: 7, sampling: "per_step",
  });
  // a batch size kept in the setup is not used on a landscape without data
  const quadratic = decodeState("land=Quadratic&opt=GradientDescent:lr=0.1&batch=5").state;
  assert.deepEqual(specOf(quadratic, 0), {
    landscape: { name: "Quadratic", a: 1, b: 10, angle: 0 }, optimizer: "GradientDescent", options: { lr: 0.1 },
    start: [...quadratic.start], steps: 100,
  });
  // the spec is a copy: changing it leaves the setup alone
  specOf(state, 0).options.betas[0] = 0.5;
  assert.deepEqual(state.optimizers[0].options.betas, [0.9, 0.999]);
});
