// The Playground's controls: a slider and a number field for every number (a log-scale slider
// where the parameter asks for one, e.g. the learning rate), checkboxes, selects, and a message
// beside a field whose text is not a valid value.
//
// The parsing and checking is pure (parseField, checkValue, sliderScale, ...) so that node can
// test it; the builders (numberControl, checkboxControl, selectControl) make the DOM.
//
// A parameter is described as in optimizers.js / landscapes.js:
//   {name, kind: "float" | "int", label, min?, max? (the slider's range), log?,
//    rule?: "positive" | "nonnegative" | "unit" | "finite" | "atLeast1" | "seed", limit?}
// (`limit`: the largest valid value, where the rule alone has none.)
// A value outside the slider's range but obeying the rule is valid (the slider then sits at
// its end); a value breaking the rule is refused with a message naming the field and the value.

/** The valid values of each rule, as text for messages. */
export const RULE_TEXT = {
  positive: "a number > 0",
  nonnegative: "a number >= 0",
  unit: "a number in [0, 1)",
  finite: "a finite number",
  atLeast1: "a whole number >= 1",
  seed: "a whole number in [0, 4294967295]",
};

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A value in a message: text in quotes, numbers as they are. */
function shown(value) {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

/**
 * Does `value` obey `rule`? Returns null if so, else the message `name must be ..., got value`.
 * @param {number} value @param {string | undefined} rule @param {string} name
 */
export function checkValue(value, rule, name) {
  const finite = typeof value === "number" && Number.isFinite(value);
  const ok = {
    positive: () => finite && value > 0,
    nonnegative: () => finite && value >= 0,
    unit: () => finite && value >= 0 && value < 1,
    finite: () => finite,
    atLeast1: () => finite && Number.isInteger(value) && value >= 1,
    seed: () => finite && Number.isInteger(value) && value >= 0 && value <= 4294967295,
  }[rule ?? "finite"];
  if (ok === undefined) throw new Error(`unknown rule ${shown(rule)} for ${name}`);
  if (ok()) return null;
  return `${name} must be ${RULE_TEXT[rule ?? "finite"]}, got ${shown(value)}`;
}

/**
 * Read the text of a number field: {ok: true, value} or {ok: false, message}, where the message
 * names the field and the text, e.g. `lr: "abc" is not a number`, `lr must be a number > 0, got -1`.
 * @param {string} text what the reader typed
 * @param {{name: string, kind?: string, rule?: string}} param
 * @param {string} [name] how to call the field in the message (default param.name)
 */
export function parseField(text, param, name = param.name) {
  const t = String(text ?? "").trim();
  if (t === "") return { ok: false, message: `${name}: enter a number` };
  if (!DECIMAL.test(t)) {
    return { ok: false, message: `${name}: ${shown(t)} is not a number` };
  }
  const value = Number(t);
  if (!Number.isFinite(value)) return { ok: false, message: `${name}: ${t} is too large` };
  if (param.kind === "int" && !Number.isInteger(value)) {
    return { ok: false, message: `${name} must be a whole number, got ${t}` };
  }
  const problem = checkValue(value, param.rule, name);
  if (problem !== null) return { ok: false, message: problem };
  if (param.limit !== undefined && value > param.limit) {
    return { ok: false, message: `${name} must be at most ${param.limit}, got ${t}` };
  }
  return { ok: true, value: value === 0 ? 0 : value }; // -0 -> 0
}

/** `x` rounded to `digits` significant digits (as a number: 0.050118... -> 0.0501). */
export function roundSig(x, digits = 3) {
  if (x === 0 || !Number.isFinite(x)) return x;
  return Number(x.toPrecision(digits));
}

/** A round slider step of about `span / 200`: 1, 2 or 5 times a power of ten. */
export function niceStep(span, positions = 200) {
  const raw = span / positions;
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * p;
}

/**
 * The mapping between a parameter's value and its slider's position: {min, max, step,
 * toSlider(value), fromSlider(position)}. A log slider moves in steps of log10(value) of 0.05
 * (factors of about 1.12) and gives values rounded to 3 significant digits; a linear one moves
 * in round steps of about a two-hundredth of its range.
 * @param {{kind?: string, min: number, max: number, log?: boolean}} param
 */
export function sliderScale(param) {
  const { min, max } = param;
  if (param.log) {
    const lo = Math.log10(min);
    const hi = Math.log10(max);
    return {
      min: lo, max: hi, step: 0.05,
      toSlider: (value) => Math.min(hi, Math.max(lo, Math.log10(value))),
      fromSlider: (position) => {
        const value = 10 ** Number(position);
        return param.kind === "int" ? Math.max(Math.ceil(min), Math.round(roundSig(value, 2))) : roundSig(value, 3);
      },
    };
  }
  const step = param.kind === "int" ? Math.max(1, Math.round(niceStep(max - min))) : niceStep(max - min);
  return {
    min, max, step,
    toSlider: (value) => Math.min(max, Math.max(min, value)),
    // round to the step, then drop the binary noise (0.30000000000000004 -> 0.3)
    fromSlider: (position) => {
      const value = Number((Math.round((Number(position) - min) / step) * step + min).toPrecision(12));
      return value === 0 ? 0 : value;
    },
  };
}

/** A value as the text of its field: the shortest text that reads back as the same number. */
export function formatValue(value) {
  return String(value);
}

/** A loss for the table: 4 significant digits, exponent form when very small or large. */
export function formatLoss(x) {
  if (!Number.isFinite(x)) return String(x);
  if (x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e6)) return x.toExponential(3);
  return String(Number(x.toPrecision(4)));
}

/** A clicked coordinate rounded to about a thousandth of the visible range. */
export function roundToRange(x, range) {
  const decimals = Math.max(0, Math.min(12, Math.ceil(-Math.log10(range / 1000))));
  const v = Number(x.toFixed(decimals));
  return v === 0 ? 0 : v;
}

// ---------------------------------------------------------------- DOM

/** A new element with attributes and children. */
export function h(tag, attributes = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "className") el.className = value;
    else if (key === "text") el.textContent = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child);
  }
  return el;
}

/**
 * A slider and a number field for one number, with a message beside the field when the typed
 * text is not valid (aria-live, tied to the field by aria-describedby). `onValue(value)` is
 * called with every valid new value (slider moves and typing); invalid text calls `onInvalid`
 * with the message and keeps the last valid value.
 *
 * @param {{id: string, param: object, value: number, label?: string, name?: string,
 *   onValue: (value: number) => void, onInvalid?: (message: string) => void}} options
 * @returns {{element: HTMLElement, input: HTMLInputElement, slider: HTMLInputElement | null,
 *   get value(): number, set(value: number): void, message(text: string): void}}
 */
export function numberControl({ id, param, value, label = param.label, name = param.name, onValue, onInvalid }) {
  const hasSlider = Number.isFinite(param.min) && Number.isFinite(param.max) && param.max > param.min;
  const scale = hasSlider ? sliderScale(param) : null;
  const messageId = `${id}-msg`;
  const input = h("input", {
    type: "text", id, inputmode: param.kind === "int" ? "numeric" : "decimal",
    autocomplete: "off", spellcheck: "false", className: "dp-number",
    "aria-describedby": messageId, "data-param": name,
  });
  const message = h("span", { id: messageId, className: "dp-message", "aria-live": "polite" });
  const slider = hasSlider
    ? h("input", {
      type: "range", id: `${id}-slider`, className: "dp-slider", min: scale.min, max: scale.max,
      step: scale.step, "aria-label": `${label} (slider${param.log ? ", log scale" : ""})`,
      "data-param": name,
    })
    : null;
  const labelEl = h("label", { for: id, className: "dp-label" }, label);
  const element = h("div", { className: "dp-field" + (hasSlider ? "" : " dp-field-noslider") },
    labelEl, slider, input, message);
  let current = value;

  const show = (v) => {
    input.value = formatValue(v);
    if (slider) {
      slider.value = String(scale.toSlider(v));
      slider.setAttribute("aria-valuetext", formatValue(v));
    }
  };
  const setMessage = (text) => {
    message.textContent = text;
    input.setAttribute("aria-invalid", text ? "true" : "false");
    element.classList.toggle("dp-invalid", Boolean(text));
  };
  show(current);
  setMessage("");

  if (slider) {
    slider.addEventListener("input", () => {
      const v = scale.fromSlider(slider.value);
      current = v;
      input.value = formatValue(v);
      slider.setAttribute("aria-valuetext", formatValue(v));
      setMessage("");
      onValue(v);
    });
  }
  const read = (commit) => {
    const result = parseField(input.value, param, name);
    if (!result.ok) {
      setMessage(result.message);
      if (onInvalid) onInvalid(result.message);
      return;
    }
    setMessage("");
    if (slider) {
      slider.value = String(scale.toSlider(result.value));
      slider.setAttribute("aria-valuetext", formatValue(result.value));
    }
    if (result.value !== current) {
      current = result.value;
      onValue(current);
    }
    if (commit) input.value = formatValue(current);
  };
  input.addEventListener("input", () => read(false));
  input.addEventListener("change", () => read(true));
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") read(true);
  });

  return {
    element, input, slider,
    get value() { return current; },
    /** Show a new value (from elsewhere: a click on the figure, a new hash); no onValue. */
    set(v) {
      current = v;
      show(v);
      setMessage("");
    },
    message: setMessage,
  };
}

/**
 * A checkbox with its label. `onValue(checked)` on every change.
 * @param {{id: string, label: string, checked: boolean, name?: string, onValue: (checked: boolean) => void}} options
 */
export function checkboxControl({ id, label, checked, name, onValue }) {
  const input = h("input", { type: "checkbox", id, "data-param": name });
  input.checked = Boolean(checked);
  input.addEventListener("change", () => onValue(input.checked));
  const element = h("div", { className: "dp-field dp-check" }, input, h("label", { for: id }, label));
  return {
    element, input,
    get value() { return input.checked; },
    set(v) { input.checked = Boolean(v); },
  };
}

/**
 * A select with its label. `choices` are [{value, text}] or strings.
 * @param {{id: string, label: string, choices: Array<string | {value: string, text: string}>,
 *   value: string, name?: string, onValue: (value: string) => void}} options
 */
export function selectControl({ id, label, choices, value, name, onValue }) {
  const select = h("select", { id, "data-param": name },
    choices.map((c) => (typeof c === "string" ? { value: c, text: c } : c))
      .map((c) => h("option", { value: c.value }, c.text)));
  select.value = value;
  select.addEventListener("change", () => onValue(select.value));
  const element = h("div", { className: "dp-field dp-select" }, h("label", { for: id, className: "dp-label" }, label), select);
  return {
    element, input: select,
    get value() { return select.value; },
    set(v) { select.value = v; },
  };
}
