// Contours of a loss over a box: the loss on a grid, contour levels, and the contour lines of a
// level by marching squares (our own, small: no dependencies).

/** @typedef {{x: [number, number], y: [number, number]}} Bounds */
/** @typedef {{xs: Float64Array, ys: Float64Array, values: Float64Array, nx: number, ny: number}} Grid */

/**
 * n points from lo to hi, as NumPy's linspace computes them (i * step + lo, the last one hi).
 * @param {number} lo @param {number} hi @param {number} n
 */
export function linspace(lo, hi, n) {
  const out = new Float64Array(n);
  const step = (hi - lo) / (n - 1);
  for (let i = 0; i < n; i++) out[i] = i * step + lo;
  out[n - 1] = hi;
  return out;
}

/**
 * The loss at every point of an nx-by-ny grid over `bounds` (edges included).
 * @param {(phi: number[]) => number} loss
 * @param {Bounds} bounds {x: [phi0 low, phi0 high], y: [phi1 low, phi1 high]}
 * @param {number} nx points along phi0, an integer >= 2
 * @param {number} ny points along phi1, an integer >= 2
 * @returns {Grid} values[j * nx + i] = loss([xs[i], ys[j]]) (row-major, ny rows of nx)
 */
export function lossGrid(loss, bounds, nx, ny) {
  for (const [name, n] of [["nx", nx], ["ny", ny]]) {
    if (!Number.isInteger(n) || n < 2) throw new Error(`${name} must be an integer >= 2, got ${n}`);
  }
  for (const axis of ["x", "y"]) {
    const range = bounds?.[axis];
    if (!Array.isArray(range) || range.length !== 2 || !range.every(Number.isFinite) || !(range[0] < range[1])) {
      throw new Error(`bounds.${axis} must be [low, high] with finite low < high, got ${JSON.stringify(range)}`);
    }
  }
  const xs = linspace(bounds.x[0], bounds.x[1], nx);
  const ys = linspace(bounds.y[0], bounds.y[1], ny);
  const values = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) values[j * nx + i] = loss([xs[i], ys[j]]);
  }
  return { xs, ys, values, nx, ny };
}

/**
 * `count` increasing contour levels between the smallest and the largest finite value:
 * evenly spaced, or with {log: true} evenly spaced in log(L - min), which suits losses that
 * span decades (Rosenbrock's, or a quadratic's far from its minimum).
 * @param {ArrayLike<number>} values
 * @param {number} count
 * @param {{log?: boolean}} [options]
 * @returns {number[]}
 */
export function contourLevels(values, count, { log = false } = {}) {
  if (!Number.isInteger(count) || count < 1) throw new Error(`count must be an integer >= 1, got ${count}`);
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (!(hi > lo)) return []; // no finite values, or a flat grid: no lines
  const levels = [];
  if (log) {
    // Heights above the minimum from the smallest one on the grid (but at most 12 decades
    // below the largest) to the largest.
    const top = hi - lo;
    let bottom = top;
    for (let k = 0; k < values.length; k++) {
      const d = values[k] - lo;
      if (d > 0 && d < bottom) bottom = d;
    }
    bottom = Math.max(bottom, top * 1e-12);
    if (bottom < top) {
      const ratio = Math.log(top / bottom);
      for (let k = 0; k < count; k++) levels.push(lo + bottom * Math.exp((ratio * (k + 0.5)) / count));
      return strictlyIncreasing(levels);
    }
  }
  for (let k = 0; k < count; k++) levels.push(lo + ((hi - lo) * (k + 0.5)) / count);
  return strictlyIncreasing(levels);
}

/** Drop repeats that round-off could make. @param {number[]} levels */
function strictlyIncreasing(levels) {
  return levels.filter((v, k) => k === 0 || v > levels[k - 1]);
}

// Marching squares. A cell's corners are numbered 0 (i, j), 1 (i+1, j), 2 (i+1, j+1),
// 3 (i, j+1); bit c of the case is set when corner c lies above the level (value > level).
// Its edges: 0 bottom (corners 0-1), 1 right (1-2), 2 top (3-2), 3 left (0-3). For each case,
// the pairs of edges joined by a segment. The saddles 5 and 10 have two readings, decided by
// the value at the centre of the cell (the mean of the corners): SADDLE_ABOVE when it lies
// above the level (the two corners above are joined through the middle), SADDLE_BELOW else.
const SEGMENTS = [
  [], [[3, 0]], [[0, 1]], [[3, 1]], [[1, 2]], null, [[0, 2]], [[3, 2]],
  [[2, 3]], [[0, 2]], null, [[1, 2]], [[1, 3]], [[0, 1]], [[3, 0]], [],
];
const SADDLE_ABOVE = { 5: [[0, 1], [2, 3]], 10: [[3, 0], [1, 2]] };
const SADDLE_BELOW = { 5: [[3, 0], [1, 2]], 10: [[0, 1], [2, 3]] };

/**
 * The contour line L = level as segments, by marching squares with linear interpolation along
 * the cell edges. Each crossing point is computed from the edge's two grid values in one fixed
 * order, so neighbouring cells share their end points exactly. Cells with a non-finite corner
 * are left out.
 * @param {Grid} grid from lossGrid
 * @param {number} level
 * @returns {number[][]} [[x0, y0, x1, y1], ...] in data coordinates
 */
export function contourSegments(grid, level) {
  const { xs, ys, values } = grid;
  const nx = xs.length;
  const ny = ys.length;
  const out = [];
  const corner = [0, 0, 0, 0];
  for (let j = 0; j + 1 < ny; j++) {
    for (let i = 0; i + 1 < nx; i++) {
      corner[0] = values[j * nx + i];
      corner[1] = values[j * nx + i + 1];
      corner[2] = values[(j + 1) * nx + i + 1];
      corner[3] = values[(j + 1) * nx + i];
      let index = 0;
      let finite = true;
      for (let c = 0; c < 4; c++) {
        if (!Number.isFinite(corner[c])) finite = false;
        if (corner[c] > level) index |= 1 << c;
      }
      if (!finite || index === 0 || index === 15) continue;
      let pairs = SEGMENTS[index];
      if (pairs === null) {
        const centre = (corner[0] + corner[1] + corner[2] + corner[3]) / 4;
        pairs = centre > level ? SADDLE_ABOVE[index] : SADDLE_BELOW[index];
      }
      for (const [e0, e1] of pairs) {
        const [x0, y0] = crossing(grid, i, j, e0, level);
        const [x1, y1] = crossing(grid, i, j, e1, level);
        out.push([x0, y0, x1, y1]);
      }
    }
  }
  return out;
}

/**
 * Where the level crosses edge `edge` of cell (i, j): linear interpolation between the edge's
 * end points, always from the one with the smaller index.
 */
function crossing(grid, i, j, edge, level) {
  const { xs, ys, values } = grid;
  const nx = xs.length;
  // The edge's first grid point (i0, j0), and whether it runs along x or along y.
  const i0 = edge === 1 ? i + 1 : i;
  const j0 = edge === 2 ? j + 1 : j;
  const alongX = edge === 0 || edge === 2;
  const i1 = alongX ? i0 + 1 : i0;
  const j1 = alongX ? j0 : j0 + 1;
  const va = values[j0 * nx + i0];
  const vb = values[j1 * nx + i1];
  const s = (level - va) / (vb - va); // in [0, 1]: one end is above the level, one is not
  if (alongX) return [xs[i0] + s * (xs[i1] - xs[i0]), ys[j0]];
  return [xs[i0], ys[j0] + s * (ys[j1] - ys[j0])];
}
