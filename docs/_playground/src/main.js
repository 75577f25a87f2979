// The entry point of the site's script: the public API and the mounting of the
// Playground page and the chapter widgets.
//
// `window.descendPlayground` runs the library's update rules on the textbook's
// data, so an instructor can script figures from the browser console and the
// tests can compare every trajectory with descend's:
//
//   window.descendPlayground.trajectory({
//     landscape: {name: "Quadratic", a: 1, b: 12, angle: 0.4},
//     optimizer: "Adam", options: {lr: 0.05, amsgrad: true},
//     start: [2.0, 1.5], steps: 50,
//   })  // -> [[phi0, phi1], ...] of length steps + 1

import { DATA } from "./data.js";
import { LANDSCAPES, makeLandscape } from "./landscapes.js";
import { OPTIMIZERS } from "./optimizers.js";
import { run, trajectory } from "./trajectory.js";
import { lossGrid } from "./contours.js";
import { mountPlayground } from "./playground.js";
import { mountWidget } from "./widgets.js";

/**
 * The public API, with the textbook's data bound.
 */
export const api = Object.freeze({
  /** @param {object} spec @returns {number[][]} the iterates, steps + 1 of them */
  trajectory: (spec) => trajectory(spec, DATA),
  /** @param {object} spec @returns {{path: number[][], losses: number[], diverged: null | {step: number, message: string}}} */
  run: (spec) => run(spec, DATA),
  /**
   * The loss of a landscape on an nx-by-ny grid over its bounds (or the given ones).
   * @param {object} landscape a landscape spec, e.g. {name: "Gabor"}
   * @param {number} nx @param {number} ny
   * @param {{x: number[], y: number[]}} [bounds]
   */
  lossGrid: (landscape, nx, ny, bounds) => {
    const problem = makeLandscape(landscape, DATA);
    const box = bounds ?? problem.bounds;
    return lossGrid((phi) => problem.loss(phi), box, nx, ny);
  },
  landscapes: LANDSCAPES,
  optimizers: OPTIMIZERS,
});

/**
 * Run `mount`, and show any error inside the element instead of losing it.
 * @param {HTMLElement} element @param {() => void} mount
 */
function mountSafely(element, mount) {
  try {
    mount();
  } catch (error) {
    const message = document.createElement("p");
    message.className = "descend-mount-error";
    message.setAttribute("role", "alert");
    message.textContent = `This interactive figure failed to start: ${error.message}`;
    element.replaceChildren(message);
    console.error(error);
  }
}

/** Mount the Playground and every widget on the page. */
export function mountAll() {
  const playground = document.getElementById("descend-playground");
  if (playground) mountSafely(playground, () => mountPlayground(playground));
  for (const element of document.querySelectorAll("[data-descend-widget]")) {
    mountSafely(element, () => mountWidget(element, element.dataset.descendWidget));
  }
}

if (typeof window !== "undefined") {
  window.descendPlayground = api;
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mountAll);
  } else {
    mountAll();
  }
}
