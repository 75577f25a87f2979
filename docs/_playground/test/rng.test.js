import { test } from "node:test";
import assert from "node:assert/strict";

import { MT19937, batchSchedule } from "../src/rng.js";

test("the generator is NumPy's RandomState: RandomState(42).permutation(30)", () => {
  // descend.minibatches' docstring (the lecture's table)
  const expected = [27, 15, 23, 17, 8, 9, 28, 24, 12, 0, 4, 16, 5, 13, 11, 22, 1, 2, 25, 3, 21, 26, 18, 29, 20, 7, 10, 14, 19, 6];
  assert.deepEqual(new MT19937(42).permutation(30), expected);
  // the reference MT19937 output for init_genrand(5489): 3499211612, 581869302, ...
  const mt = new MT19937(5489);
  assert.deepEqual([mt.nextUint32(), mt.nextUint32(), mt.nextUint32()], [3499211612, 581869302, 3890346734]);
});

test("per_step batches are the textbook notebooks': np.random.seed(1), permutation(30)[0:5]", () => {
  assert.deepEqual(batchSchedule(30, 5, 6, 1, { sampling: "per_step" }), [
    [17, 21, 10, 19, 14], [18, 2, 16, 29, 14], [25, 24, 1, 27, 29],
    [18, 28, 11, 9, 25], [14, 3, 24, 5, 17], [13, 3, 8, 15, 17],
  ]);
});

test("per_epoch batches cover every example exactly once per epoch", () => {
  for (const [n, size] of [[30, 5], [30, 7], [12, 12], [12, 20], [7, 1]]) {
    const perEpoch = Math.ceil(n / size);
    const batches = batchSchedule(n, size, 3 * perEpoch, 9);
    for (let e = 0; e < 3; e++) {
      const epoch = batches.slice(e * perEpoch, (e + 1) * perEpoch);
      assert.deepEqual(epoch.flat().sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i), `n=${n} B=${size}`);
      epoch.forEach((b, k) => assert.equal(b.length, k < perEpoch - 1 ? size : n - size * (perEpoch - 1)));
    }
    // a new order every epoch (reshuffled)
    if (n > 7) assert.notDeepEqual(batches.slice(0, perEpoch), batches.slice(perEpoch, 2 * perEpoch));
  }
});

test("batches are reproducible from the seed, and other seeds give others", () => {
  assert.deepEqual(batchSchedule(30, 5, 40, 123), batchSchedule(30, 5, 40, 123));
  assert.notDeepEqual(batchSchedule(30, 5, 40, 123), batchSchedule(30, 5, 40, 124));
  // the first steps do not depend on how many steps are asked for
  assert.deepEqual(batchSchedule(30, 5, 40, 7).slice(0, 13), batchSchedule(30, 5, 13, 7));
  assert.deepEqual(batchSchedule(30, 5, 0, 7), []);
  assert.deepEqual(batchSchedule(30, 5, 1, 2 ** 32 - 1).length, 1);
});

test("bad arguments are refused with the name and the value", () => {
  assert.throws(() => batchSchedule(0, 5, 3, 1), /n must be an integer >= 1, got 0/);
  assert.throws(() => batchSchedule(30, 2.5, 3, 1), /batchSize must be an integer >= 1, got 2.5/);
  assert.throws(() => batchSchedule(30, 5, -1, 1), /steps must be an integer >= 0, got -1/);
  assert.throws(() => batchSchedule(30, 5, 3, -1), /seed must be an integer in \[0, 4294967295\], got -1/);
  assert.throws(() => batchSchedule(30, 5, 3, 2 ** 32), /seed must be an integer/);
  assert.throws(() => batchSchedule(30, 5, 3, 1, { sampling: "random" }), /sampling must be "per_epoch" or "per_step", got "random"/);
});
