// Run playground specs with the pure modules and print the results as JSON, for the Python
// tests that compare them with descend (tests/test_playground_agrees_with_descend.py):
//
//   node test/run_specs.js request.json
//
// request = {specs: [spec, ...], grids: [{landscape, bounds, nx, ny}, ...]}
// prints    {runs: [run(spec), ...], grids: [{xs, ys, values}, ...],
//            optimizers: {name: {defaults, lrRequired, params: [name, ...]}}}
// Numbers print as JSON's shortest round-trip decimals, so Python reads back the same doubles;
// non-finite ones (JSON has none) as the strings "NaN", "Infinity" and "-Infinity".
// Without an argument (as `node --test test/` runs every file here) it does nothing.

import { readFileSync } from "node:fs";

import { run } from "../src/trajectory.js";
import { makeLandscape } from "../src/landscapes.js";
import { lossGrid } from "../src/contours.js";
import { OPTIMIZERS } from "../src/optimizers.js";
import { textbook } from "./textbook.js";

const finite = (key, value) => (typeof value === "number" && !Number.isFinite(value) ? String(value) : value);

if (process.argv.length > 2) {
  const request = JSON.parse(readFileSync(process.argv[2], "utf8"));
  const data = textbook();
  const runs = (request.specs ?? []).map((spec) => {
    try {
      return run(spec, data);
    } catch (error) {
      return { error: error.message };
    }
  });
  const grids = (request.grids ?? []).map(({ landscape, bounds, nx, ny }) => {
    const problem = makeLandscape(landscape, data);
    const grid = lossGrid(problem.loss, bounds ?? problem.bounds, nx, ny);
    return { xs: Array.from(grid.xs), ys: Array.from(grid.ys), values: Array.from(grid.values) };
  });
  const optimizers = Object.fromEntries(
    Object.entries(OPTIMIZERS).map(([name, rule]) => [
      name,
      { defaults: rule.defaults, lrRequired: rule.lrRequired, params: rule.params.map((p) => p.name) },
    ]),
  );
  process.stdout.write(JSON.stringify({ runs, grids, optimizers }, finite));
}
