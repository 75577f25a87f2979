// Canvas drawing for the playground and the chapter widgets: a loss landscape with contours and
// optimizer paths (LandscapeView), a loss-per-step plot (LossPlot), and the theme's colours.
//
// Both plots follow the page: crisp on HiDPI screens (devicePixelRatio), redrawn when their
// container is resized (ResizeObserver) and when the theme switches (<html data-theme>, observed
// with a MutationObserver). Every drawing has labelled axes and a title; each canvas gets
// role="img" and an aria-label that says what it shows. No dependencies beyond contours.js.
import { COLORS } from "./data.js";
import { lossGrid, contourLevels, contourSegments } from "./contours.js";

// ---------------------------------------------------------------- colours

// matplotlib's viridis (the gallery's colormap, perceptually uniform) at 17 evenly spaced stops.
const VIRIDIS = [
  "440154", "48186a", "472d7b", "424086", "3b528b", "33638d", "2c728e", "26828e", "21918c",
  "1fa088", "28ae80", "3fbc73", "5ec962", "84d44b", "addc30", "d8e219", "fde725",
].map((h) => [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)));

/** viridis(t) for t in [0, 1] -> [r, g, b] (0..255), linear between the stops. */
export function viridis(t) {
  const s = Math.min(Math.max(Number.isFinite(t) ? t : 0, 0), 1) * (VIRIDIS.length - 1);
  const i = Math.min(Math.floor(s), VIRIDIS.length - 2);
  const f = s - i;
  return [0, 1, 2].map((k) => Math.round(VIRIDIS[i][k] + f * (VIRIDIS[i + 1][k] - VIRIDIS[i][k])));
}

/** mix(a, b, w): the colour w of the way from a to b (both [r, g, b]). */
export function mix(a, b, w) {
  return [0, 1, 2].map((k) => Math.round(a[k] + w * (b[k] - a[k])));
}

/** "#rrggbb" or "rgb(r, g, b)" / "rgba(...)" -> [r, g, b], or null. */
export function parseColor(text) {
  const s = String(text || "").trim();
  let m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(s);
  if (m) {
    const h = m[1].length === 3 ? m[1].replace(/./g, "$&$&") : m[1];
    return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16));
  }
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(s);
  return m ? [m[1], m[2], m[3]].map((v) => Math.round(Number(v))) : null;
}

function rgbText(c, alpha = 1) {
  return alpha >= 1 ? `rgb(${c[0]}, ${c[1]}, ${c[2]})` : `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${alpha})`;
}

function luminance(c) {
  return (0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]) / 255;
}

// Any CSS colour (names, var() results, hsl...) -> [r, g, b], through a canvas's own parser.
let probe = null;
function cssColor(text, fallback) {
  const direct = parseColor(text);
  if (direct || !text || typeof document === "undefined") return direct || fallback;
  probe = probe || document.createElement("canvas").getContext("2d");
  probe.fillStyle = "#010203";
  probe.fillStyle = text;
  const parsed = parseColor(probe.fillStyle);
  return parsed && probe.fillStyle !== "#010203" ? parsed : fallback;
}

/**
 * The page's colours, read from the computed CSS of `element` (pydata-sphinx-theme's variables,
 * falling back to the element's own colour and background): {fg, muted, bg, grid, accent} as CSS
 * colour strings, plus `dark` (true in the dark theme) and the same colours as [r, g, b] in `rgb`.
 */
export function themeColors(element) {
  const root = typeof document !== "undefined" ? document.documentElement : null;
  const el = element || root;
  const style = el && typeof getComputedStyle === "function" ? getComputedStyle(el) : null;
  const v = (name) => (style ? style.getPropertyValue(name).trim() : "");
  const dataTheme = root && root.dataset ? root.dataset.theme : "";
  let bg = cssColor(v("--pst-color-background"), null);
  if (!bg) bg = dataTheme === "dark" ? [18, 18, 18] : [255, 255, 255];
  const dark = dataTheme === "dark" || (dataTheme !== "light" && luminance(bg) < 0.5);
  const fg = cssColor(v("--pst-color-text-base"), null) || cssColor(style && style.color, null) ||
    (dark ? [230, 230, 230] : [20, 20, 20]);
  const muted = cssColor(v("--pst-color-text-muted"), null) || mix(fg, bg, 0.4);
  const grid = cssColor(v("--pst-color-border"), null) || mix(fg, bg, 0.8);
  const accent = cssColor(v("--pst-color-primary"), null) || (dark ? [86, 180, 233] : [0, 114, 178]);
  const rgb = { fg, muted, bg, grid, accent };
  return {
    fg: rgbText(fg), muted: rgbText(muted), bg: rgbText(bg), grid: rgbText(grid),
    accent: rgbText(accent), dark, rgb,
  };
}

/** The optimizer's colour (descend.plotting.COLORS); GradientDescent's black becomes the text colour
 * in the dark theme, so that it stays visible. `theme` is themeColors(...) or omitted. */
export function colorOf(name, theme) {
  const c = COLORS[name] || "#444444";
  if (theme && theme.dark && c.toLowerCase() === "#000000") return theme.fg;
  return c;
}

// ---------------------------------------------------------------- axes and ticks

/** About `count` round tick values (1, 2 or 5 times a power of ten) covering [lo, hi]. */
export function niceTicks(lo, hi, count = 5) {
  if (!(Number.isFinite(lo) && Number.isFinite(hi)) || hi <= lo) return Number.isFinite(lo) ? [lo] : [];
  const raw = (hi - lo) / Math.max(count, 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const span = hi - lo;
  let step = mag;
  for (const s of [2, 5, 10].map((k) => k * mag)) {
    if (Math.abs(span / s - count) < Math.abs(span / step - count)) step = s;
  }
  const ticks = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) {
    ticks.push(Math.abs(k * step) < step * 1e-9 ? 0 : Number((k * step).toPrecision(12)));
  }
  return ticks;
}

/** Tick values for a log axis over [lo, hi] (lo > 0): powers of ten (every 1, 2, 3... decades so
 * that at most `count + 1` are shown), or round linear ticks when the range is under a decade. */
export function logTicks(lo, hi, count = 5) {
  if (!(lo > 0) || !(hi > lo) || !Number.isFinite(hi)) return lo > 0 && Number.isFinite(lo) ? [lo] : [];
  const a = Math.ceil(Math.log10(lo) - 1e-9);
  const b = Math.floor(Math.log10(hi) + 1e-9);
  if (b - a < 1) {
    const ticks = niceTicks(lo, hi, Math.min(count, 4)).filter((t) => t > 0);
    return ticks.length >= 2 ? ticks : [lo, hi].map((t) => Number(t.toPrecision(2)));
  }
  const stride = Math.max(1, Math.ceil((b - a) / count));
  const ticks = [];
  for (let k = a; k <= b; k += stride) ticks.push(10 ** k);
  return ticks;
}

const SUPERSCRIPT = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };

/** A short label for a tick value; powers of ten on a log axis as 10⁻³. */
export function formatTick(value, log = false) {
  if (value === 0) return "0";
  const e = Math.log10(Math.abs(value));
  if (log && Math.abs(e - Math.round(e)) < 1e-9 && (e >= 3 || e <= -2)) {
    return "10" + String(Math.round(e)).replace(/./g, (c) => SUPERSCRIPT[c]);
  }
  if (Math.abs(value) >= 1e5 || Math.abs(value) < 1e-3) {
    return value.toExponential(1).replace(/\.0e/, "e").replace("e+", "e");
  }
  return String(Number(value.toPrecision(4))).replace("-", "−");
}

/** A linear map from [d0, d1] onto [p0, p1] (p1 < p0 for an upward y axis), and its inverse. */
export function scale(d0, d1, p0, p1) {
  const k = (p1 - p0) / (d1 - d0);
  const f = (d) => p0 + (d - d0) * k;
  f.invert = (p) => d0 + (p - p0) / k;
  return f;
}

/** Clip the segment a-b to the box [x0, x1] x [y0, y1] (Liang-Barsky): the visible part, or null. */
export function clipSegment(a, b, box) {
  const [x0, x1, y0, y1] = box;
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  if (!Number.isFinite(dx) || !Number.isFinite(dy)) return null;
  let t0 = 0;
  let t1 = 1;
  const edges = [[-dx, a[0] - x0], [dx, x1 - a[0]], [-dy, a[1] - y0], [dy, y1 - a[1]]];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return null;
    } else {
      const r = q / p;
      if (p < 0) t0 = Math.max(t0, r);
      else t1 = Math.min(t1, r);
      if (t0 > t1) return null;
    }
  }
  return [[a[0] + t0 * dx, a[1] + t0 * dy], [a[0] + t1 * dx, a[1] + t1 * dy]];
}

/**
 * The part of a path to draw: up to (not including) its first point that is not finite, and up
 * to (including) its first point farther than `factor` times the plotting box's size from the
 * box, where a diverging run has left for good. Returns {points, cut}: cut is null, or
 * {step, reason: "nonfinite" | "range"} with the index of the point where the drawing stops.
 */
export function drawablePrefix(points, bounds, factor = 1e6) {
  const sx = bounds.x[1] - bounds.x[0];
  const sy = bounds.y[1] - bounds.y[0];
  const out = [];
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    if (!p || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) return { points: out, cut: { step: i, reason: "nonfinite" } };
    out.push(p);
    const far = p[0] < bounds.x[0] - factor * sx || p[0] > bounds.x[1] + factor * sx ||
      p[1] < bounds.y[0] - factor * sy || p[1] > bounds.y[1] + factor * sy;
    if (far && i < points.length - 1) return { points: out, cut: { step: i, reason: "range" } };
  }
  return { points: out, cut: null };
}

/** The band of each value between increasing `levels` (0 below the first level, levels.length at
 * or above the last; -1 for a value that is not finite), as a Int16Array. */
export function bands(values, levels) {
  const out = new Int16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      out[i] = v === Infinity ? levels.length : -1;
      continue;
    }
    let lo = 0;
    let hi = levels.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (levels[mid] <= v) lo = mid + 1;
      else hi = mid;
    }
    out[i] = lo;
  }
  return out;
}

// ---------------------------------------------------------------- the canvas base

// A marker at pixel (x, y): "dot" (filled, with a thin outline in the background colour so that
// it stands out from its own line), "ring" (hollow) or "cross".
function drawMarker(ctx, x, y, color, shape, r, bg) {
  ctx.beginPath();
  if (shape === "cross") {
    ctx.strokeStyle = color;
    ctx.moveTo(x - r, y - r);
    ctx.lineTo(x + r, y + r);
    ctx.moveTo(x - r, y + r);
    ctx.lineTo(x + r, y - r);
    ctx.stroke();
    return;
  }
  if (shape === "ring") {
    ctx.arc(x, y, r, 0, 2 * Math.PI);
    ctx.fillStyle = bg;
    ctx.fill();
    ctx.strokeStyle = color;
    ctx.stroke();
    return;
  }
  if (r >= 2) {
    ctx.arc(x, y, r + 0.8, 0, 2 * Math.PI);
    ctx.fillStyle = bg;
    ctx.fill();
    ctx.beginPath();
  }
  ctx.arc(x, y, r, 0, 2 * Math.PI);
  ctx.fillStyle = color;
  ctx.fill();
}

const FONT_PX = 12;

class CanvasFigure {
  constructor(canvas, { title = "", xlabel = "", ylabel = "", aspect = 0.8 } = {}) {
    if (!canvas || typeof canvas.getContext !== "function") {
      throw new Error(`a <canvas> element is needed, got ${canvas}`);
    }
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d");
    this.title = title;
    this.xlabel = xlabel;
    this.ylabel = ylabel;
    this.aspect = aspect; // canvas height / width; null: keep the height the CSS gives it
    this.width = 0;
    this.height = 0;
    canvas.setAttribute("role", "img");
    if (!canvas.style.width) canvas.style.width = "100%";
    canvas.style.display = "block";
    this.theme = themeColors(canvas);
    this._redraw = () => {
      this.theme = themeColors(this.canvas);
      this.themeChanged();
      this.render();
    };
    this._observers = [];
    if (typeof MutationObserver === "function") {
      const mo = new MutationObserver(this._redraw);
      mo.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
      this._observers.push(mo);
    }
    if (typeof ResizeObserver === "function") {
      // Redraw in the next frame: resizing the canvas here would resize the observed element
      // again within the same frame (a "ResizeObserver loop").
      let pending = false;
      const ro = new ResizeObserver(() => {
        if (pending) return;
        pending = true;
        requestAnimationFrame(() => {
          pending = false;
          this.resize();
        });
      });
      ro.observe(canvas.parentElement || canvas);
      this._observers.push(ro);
    }
    this._fit();
  }

  /** Stop following resizes and theme changes. */
  destroy() {
    this._observers.forEach((o) => o.disconnect());
    this._observers = [];
  }

  /** Follow the canvas's CSS width and devicePixelRatio, and redraw if the size changed;
   * true when it did. */
  resize() {
    const changed = this._fit();
    if (changed) this.render();
    return changed;
  }

  // Size the canvas's pixels to its CSS width (and, with `aspect`, set its CSS height).
  _fit() {
    const cssWidth = Math.round(this.canvas.clientWidth || this.canvas.getBoundingClientRect().width);
    if (!(cssWidth > 0)) return false;
    let cssHeight;
    if (this.aspect) {
      cssHeight = Math.round(cssWidth * this.aspect);
      this.canvas.style.height = cssHeight + "px";
    } else {
      cssHeight = Math.round(this.canvas.clientHeight) || Math.round(cssWidth * 0.8);
    }
    const dpr = (typeof window !== "undefined" && window.devicePixelRatio) || 1;
    const w = Math.round(cssWidth * dpr);
    const h = Math.round(cssHeight * dpr);
    if (w === this.canvas.width && h === this.canvas.height && cssWidth === this.width && cssHeight === this.height) {
      return false;
    }
    this.canvas.width = w;
    this.canvas.height = h;
    this.width = cssWidth;
    this.height = cssHeight;
    this.dpr = dpr;
    return true;
  }

  themeChanged() {}

  // For tests and debugging: the theme of the last drawing and how many drawings were made.
  rendered() {
    this.canvas.dataset.theme = this.theme.dark ? "dark" : "light";
    this.canvas.dataset.renders = String(Number(this.canvas.dataset.renders || 0) + 1);
  }

  /** A series' colour now: `color` (a CSS colour, or a function of the theme), else the colour of
   * its optimizer `name` (colorOf), else the text colour. */
  colorFor(item) {
    if (typeof item.color === "function") return item.color(this.theme);
    if (item.color) return item.color;
    return item.name ? colorOf(item.name, this.theme) : this.theme.fg;
  }

  render() {}

  font(size = FONT_PX, weight = "") {
    const family = (typeof getComputedStyle === "function" && getComputedStyle(this.canvas).fontFamily) ||
      "sans-serif";
    return `${weight} ${size}px ${family}`.trim();
  }

  /** Clear the canvas and lay out the plot box; false when there is nothing to draw on. */
  begin() {
    this._fit();
    if (!(this.width > 0)) return false;
    const ctx = this.ctx;
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.clearRect(0, 0, this.width, this.height);
    ctx.fillStyle = this.theme.bg;
    ctx.fillRect(0, 0, this.width, this.height);
    const narrow = this.width < 360;
    this.box = {
      left: narrow ? 46 : 54,
      top: this.title ? 26 : 10,
      right: this.width - (narrow ? 8 : 14),
      bottom: this.height - 38,
    };
    return this.box.right - this.box.left > 20 && this.box.bottom - this.box.top > 20;
  }

  /** Axes frame, ticks, tick labels, axis labels and the title. */
  axes(xticks, yticks, sx, sy, { xlog = false, ylog = false } = {}) {
    const { ctx, box, theme } = this;
    ctx.save();
    ctx.strokeStyle = theme.muted;
    ctx.lineWidth = 1;
    ctx.strokeRect(box.left + 0.5, box.top + 0.5, box.right - box.left - 1, box.bottom - box.top - 1);
    ctx.fillStyle = theme.fg;
    ctx.font = this.font(FONT_PX - 1);
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (const t of xticks) {
      const x = Math.round(sx(t)) + 0.5;
      if (x < box.left - 1 || x > box.right + 1) continue;
      ctx.beginPath();
      ctx.moveTo(x, box.bottom);
      ctx.lineTo(x, box.bottom + 4);
      ctx.stroke();
      ctx.fillText(formatTick(t, xlog), x, box.bottom + 6);
    }
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (const t of yticks) {
      const y = Math.round(sy(t)) + 0.5;
      if (y < box.top - 1 || y > box.bottom + 1) continue;
      ctx.beginPath();
      ctx.moveTo(box.left - 4, y);
      ctx.lineTo(box.left, y);
      ctx.stroke();
      ctx.fillText(formatTick(t, ylog), box.left - 6, y);
    }
    ctx.font = this.font(FONT_PX);
    ctx.textAlign = "center";
    ctx.textBaseline = "bottom";
    ctx.fillText(this.xlabel, (box.left + box.right) / 2, this.height - 2);
    ctx.save();
    ctx.translate(12, (box.top + box.bottom) / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = "middle";
    ctx.fillText(this.ylabel, 0, 0);
    ctx.restore();
    if (this.title) {
      ctx.font = this.font(FONT_PX + 1, "600");
      ctx.textBaseline = "top";
      ctx.fillText(this.title, (box.left + box.right) / 2, 6, this.width - 8);
    }
    ctx.restore();
  }

  /** Legend in the corner of the box that covers the fewest of `avoid` (pixel points):
   * [{label, color | name, dashed, line}]. */
  legend(items, avoid = []) {
    const shown = items.filter((it) => it.label);
    if (!shown.length) return;
    const { ctx, box, theme } = this;
    ctx.save();
    ctx.font = this.font(FONT_PX - 1);
    const w = Math.min(Math.max(...shown.map((it) => ctx.measureText(it.label).width)) + 34, box.right - box.left - 12);
    const rowH = 16;
    const hgt = rowH * shown.length + 6;
    const corners = [
      [box.right - w - 6, box.top + 6], [box.left + 6, box.top + 6],
      [box.right - w - 6, box.bottom - hgt - 6], [box.left + 6, box.bottom - hgt - 6],
    ];
    const covered = ([cx, cy]) => avoid.reduce((n, p) => n + (p[0] >= cx - 4 && p[0] <= cx + w + 4 && p[1] >= cy - 4 && p[1] <= cy + hgt + 4 ? 1 : 0), 0);
    let best = corners[0];
    let fewest = covered(best);
    for (const c of corners.slice(1)) {
      const n = fewest ? covered(c) : Infinity;
      if (n < fewest) {
        best = c;
        fewest = n;
      }
    }
    const [x, y] = best;
    ctx.fillStyle = rgbText(theme.rgb.bg, 0.85);
    ctx.strokeStyle = theme.grid;
    ctx.fillRect(x, y, w, rowH * shown.length + 6);
    ctx.strokeRect(x + 0.5, y + 0.5, w - 1, rowH * shown.length + 5);
    ctx.textAlign = "left";
    ctx.textBaseline = "middle";
    shown.forEach((it, i) => {
      const yy = y + 3 + rowH * (i + 0.5);
      const color = this.colorFor(it);
      if (it.line === false) {
        ctx.lineWidth = 1.2;
        drawMarker(ctx, x + 16, yy, color, it.marker || "dot", 3.5, theme.bg);
      } else {
        ctx.strokeStyle = color;
        ctx.lineWidth = 2;
        ctx.setLineDash(it.dashed ? [5, 3] : []);
        ctx.beginPath();
        ctx.moveTo(x + 6, yy);
        ctx.lineTo(x + 26, yy);
        ctx.stroke();
        ctx.setLineDash([]);
      }
      ctx.fillStyle = theme.fg;
      ctx.fillText(it.label, x + 30, yy, w - 34);
    });
    ctx.restore();
  }
}

// ---------------------------------------------------------------- LandscapeView

const GRID_CELLS = 180; // background resolution (grid points per side), computed once per landscape

/**
 * A loss landscape: filled contour bands (viridis, toned towards the page background so that
 * paths stay readable in both themes), contour lines, axes, a title, and optimizer paths on top.
 *
 *   const view = new LandscapeView(canvas, {loss, bounds: {x: [lo, hi], y: [lo, hi]}, log, title});
 *   view.draw([{points, color, label, dashed, markers, line, marker}], {start, minimum});
 *
 * A path's colour is `color` (a CSS colour or a function theme -> colour, called at every redraw),
 * or, without one, the colour of the optimizer `name` (colorOf: follows the theme).
 * Path options: `markers` (dots at the iterates; default: when there are at most 150 points),
 * `line` (default true; false draws the points only), `marker` ("dot" | "ring" | "cross"),
 * `width` (line width in CSS px). A path is drawn up to its last point: give it only the finite
 * points of a run. `start` is drawn as a distinct ring; `minimum` as a cross.
 * Options: `levels` (number of contour levels, or the list of levels), `aspect` (canvas height / width, default 0.8;
 * null keeps the CSS height), `xlabel`, `ylabel`, `title`.
 */
export class LandscapeView extends CanvasFigure {
  constructor(canvas, { loss, bounds, log = false, levels = 20, xlabel = "φ₀", ylabel = "φ₁", title = "",
    aspect = 0.8 } = {}) {
    super(canvas, { title, xlabel, ylabel, aspect });
    this.levelCount = levels;
    this.paths = [];
    this.marks = {};
    this.setLandscape({ loss, bounds, log });
  }

  /** Set the landscape: computes the loss grid, the contour levels and lines once (cached).
   * `levels`: a number of levels (contours.js chooses them, log-spaced when `log`), or the
   * increasing list of levels itself; default: the constructor's. */
  setLandscape({ loss, bounds, log = false, levels = this.levelCount }) {
    if (typeof loss !== "function") throw new Error(`loss must be a function of phi, got ${loss}`);
    const ok = (r) => Array.isArray(r) && r.length === 2 && Number.isFinite(r[0]) && Number.isFinite(r[1]) && r[1] > r[0];
    if (!bounds || !ok(bounds.x) || !ok(bounds.y)) {
      throw new Error(`bounds must be {x: [lo, hi], y: [lo, hi]} with lo < hi, got ${JSON.stringify(bounds)}`);
    }
    this.loss = loss;
    this.bounds = { x: [...bounds.x], y: [...bounds.y] };
    this.log = Boolean(log);
    const grid = lossGrid(loss, this.bounds, GRID_CELLS, GRID_CELLS);
    this.grid = grid;
    this.levels = Array.isArray(levels) ? levels.filter(Number.isFinite).sort((a, b) => a - b)
      : contourLevels(grid.values, levels, { log: this.log });
    this.bandIndex = bands(grid.values, this.levels);
    this.lines = this.levels.map((level) => contourSegments(grid, level));
    this._image = null;
    this.render();
  }

  themeChanged() {
    this._image = null;
  }

  // The filled bands as an offscreen canvas of GRID_CELLS x GRID_CELLS pixels, coloured for the
  // current theme (recoloured on theme change; the loss grid itself is not recomputed).
  background() {
    if (this._image) return this._image;
    const nx = this.grid.xs.length;
    const ny = this.grid.ys.length;
    const n = this.levels.length;
    const bg = this.theme.rgb.bg;
    const w = this.theme.dark ? 0.55 : 0.5;
    const palette = [];
    for (let k = 0; k <= n; k++) palette.push(mix(bg, viridis(n > 0 ? k / n : 0), w));
    const off = document.createElement("canvas");
    off.width = nx;
    off.height = ny;
    const octx = off.getContext("2d");
    const img = octx.createImageData(nx, ny);
    for (let j = 0; j < ny; j++) {
      const row = ny - 1 - j; // grid row 0 is the lowest phi1: the image's bottom row
      for (let i = 0; i < nx; i++) {
        const band = this.bandIndex[j * nx + i];
        const c = band < 0 ? bg : palette[band];
        const p = 4 * (row * nx + i);
        img.data[p] = c[0];
        img.data[p + 1] = c[1];
        img.data[p + 2] = c[2];
        img.data[p + 3] = 255;
      }
    }
    octx.putImageData(img, 0, 0);
    this._image = off;
    return off;
  }

  /** Draw the paths over the landscape: [{points, color, label?, dashed?, markers?, line?, marker?}]. */
  draw(paths = [], { start = null, minimum = null } = {}) {
    this.paths = paths;
    this.marks = { start, minimum };
    this.render();
  }

  _scales() {
    const { box, bounds } = this;
    return [scale(bounds.x[0], bounds.x[1], box.left, box.right), scale(bounds.y[0], bounds.y[1], box.bottom, box.top)];
  }

  render() {
    if (!this.grid || !this.begin()) return;
    const { ctx, box, theme } = this;
    const [sx, sy] = this._scales();
    this.sx = sx;
    this.sy = sy;
    // The grid's points are cell centres of the image: stretch it so that they land on them.
    const nx = this.grid.xs.length;
    const ny = this.grid.ys.length;
    const hx = (box.right - box.left) / (nx - 1) / 2;
    const hy = (box.bottom - box.top) / (ny - 1) / 2;
    ctx.save();
    ctx.beginPath();
    ctx.rect(box.left, box.top, box.right - box.left, box.bottom - box.top);
    ctx.clip();
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(this.background(), box.left - hx, box.top - hy, box.right - box.left + 2 * hx, box.bottom - box.top + 2 * hy);
    // Contour lines.
    ctx.strokeStyle = rgbText(theme.rgb.fg, theme.dark ? 0.3 : 0.35);
    ctx.lineWidth = 0.8;
    ctx.beginPath();
    for (const segs of this.lines) {
      for (const s of segs) {
        ctx.moveTo(sx(s[0]), sy(s[1]));
        ctx.lineTo(sx(s[2]), sy(s[3]));
      }
    }
    ctx.stroke();
    // Paths.
    const margin = [(this.bounds.x[1] - this.bounds.x[0]) * 0.05, (this.bounds.y[1] - this.bounds.y[0]) * 0.05];
    const clipBox = [this.bounds.x[0] - margin[0], this.bounds.x[1] + margin[0], this.bounds.y[0] - margin[1], this.bounds.y[1] + margin[1]];
    for (const p of this.paths) this._path(p, clipBox);
    const { start, minimum } = this.marks;
    if (minimum) this._marker(minimum, theme.fg, "cross", 5);
    if (start) {
      ctx.lineWidth = 2;
      this._marker(start, theme.fg, "ring", 6);
    }
    ctx.restore();
    this.axes(niceTicks(...this.bounds.x, this.width < 360 ? 4 : 6), niceTicks(...this.bounds.y, 5), sx, sy);
    const avoid = [];
    for (const p of this.paths) {
      if (!p.label && p.line === false) continue; // background dots, e.g. a grid
      for (const q of p.points || []) avoid.push([sx(q[0]), sy(q[1])]);
    }
    this.legend(this.paths, avoid);
    this.rendered();
    const described = this.paths.filter((p) => p.label).map((p) => `${p.label} (${Math.max(p.points.length - 1, 0)} steps)`);
    this.canvas.setAttribute("aria-label", `${this.title || "Loss landscape"}: loss contours over ${this.xlabel} and ${this.ylabel}` +
      (described.length ? `, with the paths of ${described.join(", ")}` : ""));
  }

  _marker(pt, color, shape, r) {
    const { ctx, sx, sy, box } = this;
    const x = sx(pt[0]);
    const y = sy(pt[1]);
    if (!(x >= box.left - r && x <= box.right + r && y >= box.top - r && y <= box.bottom + r)) return;
    if (shape === "cross") ctx.lineWidth = 1.8;
    drawMarker(ctx, x, y, color, shape, r, this.theme.bg);
  }

  _path(p, clipBox) {
    const { ctx, sx, sy } = this;
    const pts = (p.points || []).filter((q) => Array.isArray(q) && Number.isFinite(q[0]) && Number.isFinite(q[1]));
    const color = this.colorFor(p);
    ctx.save();
    if (p.line !== false && pts.length > 1) {
      ctx.strokeStyle = color;
      ctx.lineWidth = p.width || 1.8;
      ctx.lineJoin = "round";
      ctx.setLineDash(p.dashed ? [5, 3] : []);
      ctx.beginPath();
      for (let i = 1; i < pts.length; i++) {
        const seg = clipSegment(pts[i - 1], pts[i], clipBox);
        if (!seg) continue;
        ctx.moveTo(sx(seg[0][0]), sy(seg[0][1]));
        ctx.lineTo(sx(seg[1][0]), sy(seg[1][1]));
      }
      ctx.stroke();
    }
    const markers = p.markers !== undefined ? p.markers : pts.length <= 150;
    if (markers || p.line === false) {
      ctx.setLineDash([]);
      ctx.lineWidth = 1.2;
      const shape = p.marker || "dot";
      const r = p.markerSize || (shape === "dot" ? (pts.length > 60 ? 1.9 : 2.6) : 3.5);
      for (const q of pts) this._marker(q, color, shape, r);
    }
    ctx.restore();
  }

  /** [phi0, phi1] of a click/tap at (clientX, clientY). */
  toData(clientX, clientY) {
    const rect = this.canvas.getBoundingClientRect();
    if (!this.box) this.begin();
    const [sx, sy] = this._scales();
    return [sx.invert(clientX - rect.left), sy.invert(clientY - rect.top)];
  }
}

// ---------------------------------------------------------------- LossPlot

/**
 * Loss per step, one line per series (log y axis by default), with a legend:
 *   new LossPlot(canvas, {title}).draw([{values, color, label, dashed?}]);
 * (`color` or `name` as for LandscapeView's paths.)
 * A series stops at its first value that is not finite (or not positive, on a log axis).
 */
export class LossPlot extends CanvasFigure {
  constructor(canvas, { logY = true, xlabel = "step", ylabel = "loss", title = "", aspect = 0.55 } = {}) {
    super(canvas, { title, xlabel, ylabel, aspect });
    this.logY = logY;
    this.series = [];
  }

  draw(series = []) {
    this.series = series.map((s) => {
      const values = [];
      for (const v of s.values || []) {
        if (!Number.isFinite(v) || (this.logY && !(v > 0))) break;
        values.push(v);
      }
      return { ...s, values };
    });
    this.render();
  }

  render() {
    if (!this.begin()) return;
    const { ctx, box, theme } = this;
    const all = this.series.flatMap((s) => s.values);
    const steps = Math.max(1, ...this.series.map((s) => s.values.length - 1));
    let lo = all.length ? Math.min(...all) : 1;
    let hi = all.length ? Math.max(...all) : 10;
    if (this.logY) {
      if (hi / lo < 10) {
        const mid = Math.sqrt(hi * lo);
        lo = Math.min(lo, mid / Math.sqrt(10));
        hi = Math.max(hi, mid * Math.sqrt(10));
      }
    } else if (hi - lo < 1e-12 * Math.max(1, Math.abs(hi))) {
      lo -= 0.5;
      hi += 0.5;
    }
    const tf = this.logY ? Math.log10 : (v) => v;
    const sx = scale(0, steps, box.left, box.right);
    const syT = scale(tf(lo), tf(hi), box.bottom - 2, box.top + 2);
    const sy = (v) => syT(tf(v));
    ctx.save();
    const yticks = this.logY ? logTicks(lo, hi, 5) : niceTicks(lo, hi, 5);
    const xticks = niceTicks(0, steps, this.width < 360 ? 4 : 6).filter((t) => Number.isInteger(t));
    ctx.strokeStyle = rgbText(theme.rgb.grid, 0.7);
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (const t of yticks) {
      const y = Math.round(sy(t)) + 0.5;
      ctx.moveTo(box.left, y);
      ctx.lineTo(box.right, y);
    }
    ctx.stroke();
    ctx.beginPath();
    ctx.rect(box.left, box.top, box.right - box.left, box.bottom - box.top);
    ctx.clip();
    for (const s of this.series) {
      ctx.strokeStyle = this.colorFor(s);
      ctx.lineWidth = 1.8;
      ctx.setLineDash(s.dashed ? [5, 3] : []);
      ctx.beginPath();
      s.values.forEach((v, i) => (i ? ctx.lineTo(sx(i), sy(v)) : ctx.moveTo(sx(i), sy(v))));
      ctx.stroke();
    }
    ctx.restore();
    this.axes(xticks, yticks, sx, sy, { ylog: this.logY });
    this.legend(this.series, this.series.flatMap((s) => s.values.map((v, i) => [sx(i), sy(v)])));
    this.rendered();
    const described = this.series.map((s) => `${s.label || "series"}: ${s.values.length} values` +
      (s.values.length ? ` from ${formatTick(s.values[0])} to ${formatTick(s.values[s.values.length - 1])}` : ""));
    this.canvas.setAttribute("aria-label", `${this.title || "Loss per step"} (${this.logY ? "log" : "linear"} scale)` +
      (described.length ? `: ${described.join("; ")}` : ""));
  }
}
