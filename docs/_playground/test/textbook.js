// The textbook's data for the node tests, read from the file descend ships
// (src/descend/data/udl_ch6.json), in the shape the site's bundle gets from the build:
// {linear: {x, y}, gabor: {x, y}}.

import { readFileSync } from "node:fs";

const FILE = new URL("../../../src/descend/data/udl_ch6.json", import.meta.url);

/** @returns {{linear: {x: number[], y: number[]}, gabor: {x: number[], y: number[]}}} */
export function textbook() {
  const raw = JSON.parse(readFileSync(FILE, "utf8"));
  return {
    linear: { x: raw.linear.x, y: raw.linear.y },
    gabor: { x: raw.gabor.x, y: raw.gabor.y },
  };
}

/** The notebooks' check values: the loss at phi = (0.6, -0.2), printed to 3 decimals. */
export function checks() {
  const raw = JSON.parse(readFileSync(FILE, "utf8"));
  return { linear: raw.linear.check, gabor: raw.gabor.check };
}
