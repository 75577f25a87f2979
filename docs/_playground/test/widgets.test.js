// What of widgets.js runs without a browser: the list of kinds and the error for an unknown one.
// The widgets themselves are tested in Chromium (tests/website/test_widgets.py). widgets.js
// imports the virtual module ./data.js, so the sources are copied next to a stand-in for it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const SRC = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "src");
let dir;
let widgets;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "descend-widgets-test-"));
  for (const f of fs.readdirSync(SRC)) if (f.endsWith(".js")) fs.copyFileSync(path.join(SRC, f), path.join(dir, f));
  fs.writeFileSync(path.join(dir, "data.js"), "export const DATA = {};\nexport const COLORS = {};\n");
  widgets = await import(pathToFileURL(path.join(dir, "widgets.js")).href);
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

test("the five chapter widgets are known", () => {
  assert.deepEqual(Object.keys(widgets.WIDGETS).sort(), [
    "adam-vs-gd", "gd-learning-rate", "momentum-beta", "nesterov-lookahead", "normalized-grid",
  ]);
});

test("an unknown kind is an error naming it and the known kinds", () => {
  assert.throws(() => widgets.mountWidget({ dataset: {} }, "gd-learnig-rate"), (error) => {
    assert.match(error.message, /unknown widget kind "gd-learnig-rate"/);
    for (const kind of Object.keys(widgets.WIDGETS)) assert.ok(error.message.includes(kind), kind);
    return true;
  });
  assert.throws(() => widgets.mountWidget({}, undefined), /unknown widget kind undefined/);
});
