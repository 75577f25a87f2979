// Seeded minibatches, the same as descend's: NumPy's legacy RandomState (the Mersenne Twister
// MT19937 with its integer seeding) and its `permutation(n)`, so that
//
//   batchSchedule(30, 5, steps, seed)
//
// lists the batches of `descend.minibatches.minibatches(30, 5, rng=np.random.RandomState(seed))`:
// every epoch a new permutation of the example indices, cut into consecutive batches, so every
// example is used once per epoch. With {sampling: "per_step"} every step takes the first
// batchSize entries of a fresh permutation instead (the textbook notebooks' sampling,
// `np.random.seed(seed)` and then `np.random.permutation(n)[0:B]` at every step).

const N = 624;
const M = 397;
/** Largest seed NumPy's RandomState accepts: seeds are 32-bit. */
export const MAX_SEED = 2 ** 32 - 1;

/** The Mersenne Twister MT19937 as NumPy's `np.random.RandomState(seed)` seeds it. */
export class MT19937 {
  /** @param {number} seed an integer in [0, 2^32 - 1] */
  constructor(seed) {
    if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
      throw new Error(`seed must be an integer in [0, ${MAX_SEED}], got ${seed}`);
    }
    /** @type {Uint32Array} */
    this.key = new Uint32Array(N);
    this.key[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = this.key[i - 1];
      // key[i] = 1812433253 * (key[i-1] ^ (key[i-1] >> 30)) + i   (mod 2^32)
      this.key[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
    }
    this.pos = N;
  }

  /** Refill the state (the "twist"). */
  twist() {
    const key = this.key;
    for (let i = 0; i < N; i++) {
      const y = (key[i] & 0x80000000) | (key[(i + 1) % N] & 0x7fffffff);
      key[i] = key[(i + M) % N] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    this.pos = 0;
  }

  /** @returns {number} the next 32-bit unsigned integer */
  nextUint32() {
    if (this.pos >= N) this.twist();
    let y = this.key[this.pos++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /**
   * A uniform integer in [0, max] by rejection (NumPy's legacy `random_interval`).
   * @param {number} max an integer in [0, 2^32 - 1]
   */
  interval(max) {
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let value;
    do {
      value = (this.nextUint32() & mask) >>> 0;
    } while (value > max);
    return value;
  }

  /**
   * A random permutation of 0, ..., n-1 (NumPy's `RandomState.permutation(n)`: a Fisher-Yates
   * shuffle from the last position down).
   * @param {number} n
   * @returns {number[]}
   */
  permutation(n) {
    const out = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = this.interval(i);
      const tmp = out[i];
      out[i] = out[j];
      out[j] = tmp;
    }
    return out;
  }
}

/**
 * The index lists of `steps` minibatches of `batchSize` out of `n` examples.
 *
 * "per_epoch" (default): each epoch is a fresh permutation cut into ceil(n / batchSize)
 * consecutive batches (the last one shorter if batchSize does not divide n), so every example
 * is used once per epoch. "per_step": each batch is the head of a fresh permutation.
 * The same seed gives the same batches as descend with `rng=np.random.RandomState(seed)`.
 *
 * @param {number} n number of examples, an integer >= 1
 * @param {number} batchSize examples per batch, an integer >= 1
 * @param {number} steps number of batches, an integer >= 0
 * @param {number} seed an integer in [0, 2^32 - 1]
 * @param {{sampling?: "per_epoch" | "per_step"}} [options]
 * @returns {number[][]}
 */
export function batchSchedule(n, batchSize, steps, seed, { sampling = "per_epoch" } = {}) {
  for (const [name, value, low] of [["n", n, 1], ["batchSize", batchSize, 1], ["steps", steps, 0]]) {
    if (!Number.isInteger(value) || value < low) {
      throw new Error(`${name} must be an integer >= ${low}, got ${value}`);
    }
  }
  if (sampling !== "per_epoch" && sampling !== "per_step") {
    throw new Error(`sampling must be "per_epoch" or "per_step", got ${JSON.stringify(sampling)}`);
  }
  const rng = new MT19937(seed);
  const batches = [];
  if (sampling === "per_step") {
    for (let t = 0; t < steps; t++) batches.push(rng.permutation(n).slice(0, batchSize));
    return batches;
  }
  const perEpoch = Math.ceil(n / batchSize);
  let permutation = [];
  for (let t = 0; t < steps; t++) {
    const k = t % perEpoch; // batch k of its epoch covers positions kB, ..., min((k+1)B, n) - 1
    if (k === 0) permutation = rng.permutation(n); // a new epoch, a new permutation
    batches.push(permutation.slice(k * batchSize, Math.min((k + 1) * batchSize, n)));
  }
  return batches;
}
