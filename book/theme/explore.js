// Descent's explorable figures: sliders for η and the other hyper-parameters,
// method toggles, a start picked on the plot, a step scrubber, and a readout.
//
// Every path drawn here was computed by the course's crates: `cargo xtask figures`
// runs gd::minimize at every point of an explorer's grid and packs the runs into
// figures/explore/ID.js (see xtask/src/figures/explore/). This script only looks
// runs up and draws them; it computes no step of any method. It makes no request
// off the machine, and loads a data file with a <script> element, so that it works
// from a static host, `mdbook serve`, and a book opened from the disk.
//
// A page holds an explorer as an empty block beside the static figure:
//   <div class="explorer" data-explorer="ID" data-src="figures/explore/ID.js"></div>
// Without JavaScript, on the print page and in print, the block stays empty and the
// static figure is what the reader sees. If the data is missing or corrupt, the block
// says so in a visible note, and the static figure stays in place.
//
// The first half is pure (no DOM): decoding, checking and looking up the data,
// clipping, and drawing onto any 2-D context. Node's test runner tests it
// (book/theme/explore.test.mjs). The second half builds the controls in a page.
"use strict";

(function () {
  // ---------------------------------------------------------------------------
  // Pure helpers.

  /** The data format this viewer reads (xtask/src/figures/explore/pack.rs). */
  const FORMAT = 1;

  /** Whether this machine stores a Float32Array as the data file does. */
  const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

  /** How a kept run ends, by its code in the data. */
  const ENDS = ["budget", "converged", "diverged", "leaves"];

  /** A problem with a data file: shown in the page, never thrown to the console. */
  class DataError extends Error {}

  /** Decodes standard base64 (with padding) into bytes. */
  function decodeBase64(text) {
    if (typeof text !== "string" || text.length % 4 !== 0 || /[^A-Za-z0-9+/=]/.test(text)) {
      throw new DataError("the payload is not base64");
    }
    let binary;
    if (typeof atob === "function") {
      binary = atob(text);
    } else {
      throw new DataError("this browser cannot decode base64");
    }
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  /** The 32-bit FNV-1a hash of `bytes`, as xtask computes it. */
  function fnv1a(bytes) {
    let hash = 0x811c9dc5;
    for (let i = 0; i < bytes.length; i++) {
      hash = Math.imul(hash ^ bytes[i], 0x01000193) >>> 0;
    }
    return hash >>> 0;
  }

  function ensure(condition, message) {
    if (!condition) throw new DataError(message);
  }

  const isNumberArray = (a) => Array.isArray(a) && a.every((v) => typeof v === "number" && Number.isFinite(v));

  /**
   * Checks a loaded data object and turns it into a dataset: the index, the run
   * table with each run's offset, and the floats. Throws a DataError, naming what
   * is wrong, for anything a corrupt or foreign file could hold.
   */
  function parseData(object) {
    ensure(object && typeof object === "object", "the data is not an object");
    ensure(object.format === FORMAT, `the data has format ${object.format}, this page reads ${FORMAT}`);
    const bytes = decodeBase64(object.data);
    ensure(bytes.length === object.bytes, `the payload has ${bytes.length} bytes, the index says ${object.bytes}`);
    const hash = fnv1a(bytes).toString(16).padStart(8, "0");
    ensure(hash === object.fnv1a, `the payload's checksum is ${hash}, the index says ${object.fnv1a}`);
    ensure(isNumberArray(object.eta?.values) && object.eta.values.length > 0, "no learning rates");
    ensure(isNumberArray(object.starts?.w1) && isNumberArray(object.starts?.w2), "no starts");
    ensure(isNumberArray(object.frame?.w1) && isNumberArray(object.frame?.w2), "no frame");
    ensure(Array.isArray(object.methods) && object.methods.length > 0, "no methods");
    ensure(Array.isArray(object.params) && Array.isArray(object.contours), "no parameters or contours");
    const tableBytes = object.tableBytes;
    const runCount = object.runs;
    ensure(Number.isInteger(runCount) && Number.isInteger(tableBytes) && tableBytes >= 6 * runCount
      && tableBytes % 4 === 0 && tableBytes <= bytes.length, "the run table does not fit the payload");
    ensure((bytes.length - tableBytes) === 4 * object.floats, "the float count does not fit the payload");
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let floats;
    if (LITTLE_ENDIAN) {
      floats = new Float32Array(bytes.buffer, bytes.byteOffset + tableBytes, object.floats);
    } else {
      floats = new Float32Array(object.floats);
      for (let i = 0; i < floats.length; i++) floats[i] = view.getFloat32(tableBytes + 4 * i, true);
    }
    for (let i = 0; i < floats.length; i++) {
      if (!Number.isFinite(floats[i])) throw new DataError(`float ${i} is not finite`);
    }
    const params = object.params.map((p) => {
      ensure(typeof p.key === "string" && isNumberArray(p.values) && p.values.includes(p.default),
        "a parameter is malformed");
      return p;
    });
    const nEta = object.eta.values.length;
    const starts = [];
    for (const y of object.starts.w2) for (const x of object.starts.w1) starts.push([x, y]);
    // Contours first in the floats, then every run.
    let offset = 0;
    const contours = object.contours.map((count) => {
      ensure(Number.isInteger(count) && count >= 0, "a contour length is malformed");
      const line = { offset, count };
      offset += 2 * count;
      return line;
    });
    const count = new Uint16Array(runCount);
    const code = new Uint16Array(runCount);
    const step = new Uint16Array(runCount);
    const start = new Uint32Array(runCount);
    let run = 0;
    const methods = object.methods.map((m) => {
      ensure(typeof m.key === "string" && Array.isArray(m.params), "a method is malformed");
      const sizes = m.params.map((key) => {
        const param = params.find((p) => p.key === key);
        ensure(param, `method ${m.key} takes an unknown parameter ${key}`);
        return param.values.length;
      });
      const combos = sizes.reduce((a, b) => a * b, 1);
      const method = { ...m, sizes, combos, runBase: run };
      const n = combos * nEta * starts.length;
      for (let k = run; k < run + n; k++) {
        ensure(k < runCount, "the run table is shorter than the grid");
        count[k] = view.getUint16(6 * k, true);
        code[k] = view.getUint16(6 * k + 2, true);
        step[k] = view.getUint16(6 * k + 4, true);
        ensure(count[k] >= 1 && count[k] <= object.steps + 1, `run ${k} has ${count[k]} iterates`);
        ensure(code[k] < ENDS.length, `run ${k} ends with an unknown code ${code[k]}`);
        start[k] = offset;
        offset += 3 * count[k] + (m.rates ? 2 * (count[k] - 1) : 0);
      }
      run += n;
      return method;
    });
    ensure(run === runCount, `the grid has ${run} runs, the table ${runCount}`);
    ensure(offset === floats.length, `the runs need ${offset} floats, the payload has ${floats.length}`);
    return {
      id: object.id, title: object.title, frame: object.frame, minimum: object.minimum,
      etas: object.eta.values, etaDefault: object.eta.default, params, methods, starts,
      startsW1: object.starts.w1, startsW2: object.starts.w2, startDefault: object.starts.default,
      steps: object.steps, t: object.t, contours, floats, runs: { count, code, step, start },
    };
  }

  /** The index of `method`'s parameter combination for the chosen value indices. */
  function comboIndex(dataset, method, paramIndices) {
    let combo = 0;
    method.params.forEach((key, k) => {
      combo = combo * method.sizes[k] + (paramIndices[key] ?? 0);
    });
    return combo;
  }

  /** A run, looked up: `settings` = { etaIndex, params: {key: valueIndex}, startIndex }. */
  function lookupRun(dataset, methodKey, settings) {
    const method = dataset.methods.find((m) => m.key === methodKey);
    if (!method) throw new DataError(`no method ${methodKey}`);
    const combo = comboIndex(dataset, method, settings.params);
    const k = method.runBase
      + (combo * dataset.etas.length + settings.etaIndex) * dataset.starts.length + settings.startIndex;
    const n = dataset.runs.count[k];
    const o = dataset.runs.start[k];
    const f = dataset.floats;
    return {
      method,
      count: n,
      end: ENDS[dataset.runs.code[k]],
      stopStep: dataset.runs.step[k],
      iterate: (t) => [f[o + 2 * t], f[o + 2 * t + 1]],
      loss: (t) => f[o + 2 * n + t],
      rates: (t) => (method.rates && t >= 1 ? [f[o + 3 * n + 2 * (t - 1)], f[o + 3 * n + 2 * (t - 1) + 1]] : null),
    };
  }

  /** The iterates 0…t of `run` (all of them if it ends before t). */
  function pathUpTo(run, t) {
    const last = Math.min(t, run.count - 1);
    const points = [];
    for (let s = 0; s <= last; s++) points.push(run.iterate(s));
    return points;
  }

  /** The index of the start nearest `w`, distances measured in `scale` units. */
  function nearestStart(dataset, w, scale = [1, 1]) {
    let best = 0;
    let bestDistance = Infinity;
    dataset.starts.forEach(([x, y], k) => {
      const d = ((x - w[0]) * scale[0]) ** 2 + ((y - w[1]) * scale[1]) ** 2;
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    });
    return best;
  }

  /** The visible part [t0, t1] of the segment p → q in `frame`, or null (Liang–Barsky). */
  function clipSegment(frame, p, q) {
    const dx = q[0] - p[0];
    const dy = q[1] - p[1];
    let t0 = 0;
    let t1 = 1;
    const sides = [
      [-dx, p[0] - frame.w1[0]], [dx, frame.w1[1] - p[0]],
      [-dy, p[1] - frame.w2[0]], [dy, frame.w2[1] - p[1]],
    ];
    for (const [rate, room] of sides) {
      if (rate === 0) {
        if (room < 0) return null;
      } else {
        const t = room / rate;
        if (rate < 0) t0 = Math.max(t0, t);
        else t1 = Math.min(t1, t);
      }
    }
    return t0 <= t1 ? [t0, t1] : null;
  }

  const lerp = (p, q, t) => (t === 0 ? p : t === 1 ? q : [p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])]);

  /**
   * The pieces of the polyline `points` inside `frame`, as the static figures cut
   * them: each piece is { points, exit }, with exit = { at, direction } where the
   * line goes out of the frame. Nothing is moved onto the frame's edge.
   */
  function clipPolyline(frame, points) {
    const pieces = [];
    let current = [];
    const inside = (p) => p[0] >= frame.w1[0] && p[0] <= frame.w1[1] && p[1] >= frame.w2[0] && p[1] <= frame.w2[1];
    if (points.length === 1 && inside(points[0])) return [{ points: [points[0]], exit: null }];
    for (let k = 1; k < points.length; k++) {
      const p = points[k - 1];
      const q = points[k];
      const cut = clipSegment(frame, p, q);
      if (!cut) {
        if (current.length) pieces.push({ points: current, exit: null });
        current = [];
        continue;
      }
      const [t0, t1] = cut;
      const a = lerp(p, q, t0);
      const b = lerp(p, q, t1);
      if (t0 > 0 || current.length === 0) {
        if (current.length) pieces.push({ points: current, exit: null });
        current = [a];
      }
      current.push(b);
      if (t1 < 1) {
        pieces.push({ points: current, exit: { at: b, direction: [q[0] - p[0], q[1] - p[1]] } });
        current = [];
      }
    }
    if (current.length) pieces.push({ points: current, exit: null });
    return pieces;
  }

  const SUPERSCRIPT = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };

  /** A readout number: four significant digits, ×10ᵏ when large or small, a true minus. */
  function formatNumber(v) {
    if (v === 0) return "0";
    const magnitude = Math.abs(v);
    let text;
    if (magnitude >= 1e4 || magnitude < 1e-3) {
      const [mantissa, exponent] = v.toExponential(3).split("e");
      const k = String(Number(exponent)).split("").map((c) => SUPERSCRIPT[c]).join("");
      text = `${Number(mantissa)}×10${k}`;
    } else {
      text = String(Number(v.toPrecision(4)));
    }
    return text.replace(/-/g, "−");
  }

  /** A value of the grid as the controls write it (the shortest decimal). */
  function formatSetting(v) {
    return String(v).replace(/-/g, "−");
  }

  /** What the readout says about `run` at step t. */
  function readout(run, t, eta) {
    const s = Math.min(t, run.count - 1);
    const w = run.iterate(s);
    let rates;
    if (run.method.rates) rates = s >= 1 ? run.rates(s) : null;
    else rates = [eta, eta];
    let note = "";
    if (t > s || (s === run.count - 1 && run.end !== "budget")) {
      if (run.end === "leaves") note = `leaves for good at step ${s}`;
      else if (run.end === "diverged") note = `diverged: step ${run.stopStep} is not finite`;
      else if (run.end === "converged") note = `converged at step ${s}`;
    }
    return { t: s, w, loss: run.loss(s), rates, oneRate: !run.method.rates, note };
  }

  /** The affine map from data to pixels for a plot area { left, top, width, height }. */
  function transform(frame, area) {
    const sx = area.width / (frame.w1[1] - frame.w1[0]);
    const sy = area.height / (frame.w2[1] - frame.w2[0]);
    return {
      sx, sy,
      toPx: (w) => [area.left + (w[0] - frame.w1[0]) * sx, area.top + (frame.w2[1] - w[1]) * sy],
      toData: (p) => [frame.w1[0] + (p[0] - area.left) / sx, frame.w2[1] - (p[1] - area.top) / sy],
    };
  }

  /** Tick values between lo and hi, about `count` of them, at a round step. */
  function ticks(lo, hi, count) {
    const raw = (hi - lo) / count;
    const base = 10 ** Math.floor(Math.log10(raw));
    const step = [1, 2, 2.5, 5, 10].map((m) => m * base).find((s) => s >= raw) ?? 10 * base;
    const out = [];
    for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + 1e-9 * step; v += step) {
      out.push(Math.abs(v) < 1e-12 ? 0 : Number(v.toPrecision(12)));
    }
    return out;
  }

  /** Draws the static part: white ground, contours, axes, the start grid. */
  function drawBackground(ctx, dataset, layout) {
    const { area, width, height } = layout;
    const map = transform(dataset.frame, area);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, width, height);
    ctx.lineWidth = 1;
    ctx.strokeStyle = "#c4c4c4";
    for (const line of dataset.contours) {
      const points = [];
      for (let i = 0; i < line.count; i++) {
        points.push([dataset.floats[line.offset + 2 * i], dataset.floats[line.offset + 2 * i + 1]]);
      }
      strokeLine(ctx, points.map(map.toPx));
    }
    ctx.strokeStyle = "#222222";
    ctx.strokeRect(area.left, area.top, area.width, area.height);
    ctx.fillStyle = "#222222";
    ctx.font = "12px sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (const v of ticks(dataset.frame.w1[0], dataset.frame.w1[1], 8)) {
      const [x] = map.toPx([v, 0]);
      ctx.fillText(formatSetting(v), x, area.top + area.height + 4);
      strokeLine(ctx, [[x, area.top + area.height], [x, area.top + area.height + 3]]);
    }
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (const v of ticks(dataset.frame.w2[0], dataset.frame.w2[1], 5)) {
      const [, y] = map.toPx([0, v]);
      ctx.fillText(formatSetting(v), area.left - 6, y);
      strokeLine(ctx, [[area.left - 3, y], [area.left, y]]);
    }
    ctx.font = "13px sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.fillText("w₁", area.left + area.width / 2, area.top + area.height + 20);
    ctx.textAlign = "right";
    ctx.fillText("w₂", area.left - 22, area.top + area.height / 2 - 7);
    ctx.fillStyle = "#9a9a9a";
    for (const s of dataset.starts) {
      const [x, y] = map.toPx(s);
      ctx.fillRect(x - 1.5, y - 1.5, 3, 3);
    }
    const [mx, my] = map.toPx(dataset.minimum);
    ctx.fillStyle = "#222222";
    ctx.beginPath();
    ctx.arc(mx, my, 3.5, 0, 2 * Math.PI);
    ctx.fill();
  }

  function strokeLine(ctx, pixels) {
    if (pixels.length < 2) return;
    ctx.beginPath();
    ctx.moveTo(pixels[0][0], pixels[0][1]);
    for (let i = 1; i < pixels.length; i++) ctx.lineTo(pixels[i][0], pixels[i][1]);
    ctx.stroke();
  }

  /**
   * Draws every shown method's path up to step t, cut at the frame, onto `ctx`;
   * returns what it drew, per method: the iterates (data units), the pieces and
   * whether an exit was marked. `runs` = [{ run, color }].
   */
  function drawPaths(ctx, dataset, layout, runs, t) {
    const map = transform(dataset.frame, layout.area);
    const drawn = [];
    for (const { run, color } of runs) {
      const points = pathUpTo(run, t);
      const pieces = clipPolyline(dataset.frame, points);
      ctx.strokeStyle = color;
      ctx.fillStyle = color;
      ctx.lineWidth = 2;
      let exitMarked = false;
      const reachedEnd = points.length === run.count;
      const gone = run.end === "leaves" || run.end === "diverged";
      pieces.forEach((piece, k) => {
        strokeLine(ctx, piece.points.map(map.toPx));
        const last = k === pieces.length - 1;
        if (piece.exit && last && reachedEnd && gone) {
          const tip = map.toPx(piece.exit.at);
          arrowhead(ctx, tip, [piece.exit.direction[0] * map.sx, -piece.exit.direction[1] * map.sy]);
          exitNote(ctx, tip, "diverges", layout.area);
          exitMarked = true;
        }
      });
      for (const p of points) {
        if (!insideFrame(dataset.frame, p)) continue;
        const [x, y] = map.toPx(p);
        ctx.beginPath();
        ctx.arc(x, y, 2, 0, 2 * Math.PI);
        ctx.fill();
      }
      const current = points[points.length - 1];
      if (insideFrame(dataset.frame, current)) {
        const [x, y] = map.toPx(current);
        ctx.beginPath();
        ctx.arc(x, y, 5, 0, 2 * Math.PI);
        ctx.fill();
        ctx.lineWidth = 1.5;
        ctx.strokeStyle = "#ffffff";
        ctx.stroke();
      }
      drawn.push({ key: run.method.key, points, pieces: pieces.map((p) => p.points), exitMarked });
    }
    const [sx, sy] = map.toPx(dataset.starts[layout.startIndex ?? 0]);
    ctx.fillStyle = "#222222";
    ctx.font = "bold 13px sans-serif";
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    ctx.fillText("w₀", sx - 8, sy);
    return drawn;
  }

  const insideFrame = (frame, p) => p[0] >= frame.w1[0] && p[0] <= frame.w1[1] && p[1] >= frame.w2[0] && p[1] <= frame.w2[1];

  function arrowhead(ctx, tip, direction) {
    const length = Math.hypot(direction[0], direction[1]);
    if (length === 0) return;
    const [ux, uy] = [direction[0] / length, direction[1] / length];
    const corner = (side) => [tip[0] - 11 * ux - side * 4.5 * uy, tip[1] - 11 * uy + side * 4.5 * ux];
    ctx.beginPath();
    ctx.moveTo(tip[0], tip[1]);
    const [a, b] = [corner(1), corner(-1)];
    ctx.lineTo(a[0], a[1]);
    ctx.lineTo(b[0], b[1]);
    ctx.closePath();
    ctx.fill();
  }

  function exitNote(ctx, tip, note, area) {
    const right = tip[0] > area.left + area.width / 2;
    const x = right ? tip[0] - 14 : tip[0] + 14;
    let y = tip[1] - 14;
    if (tip[1] <= area.top + 2) y = tip[1] + 16;
    else if (tip[1] >= area.top + area.height - 2) y = tip[1] - 16;
    ctx.font = "bold 13px sans-serif";
    ctx.textAlign = right ? "right" : "left";
    ctx.textBaseline = "middle";
    ctx.fillText(note, x, y);
  }

  /** The plot's layout for a canvas `width` CSS pixels wide (equal aspect). */
  function layoutFor(dataset, width) {
    const left = 46;
    const right = 12;
    const top = 10;
    const bottom = 38;
    const plotWidth = Math.max(120, width - left - right);
    const aspect = (dataset.frame.w2[1] - dataset.frame.w2[0]) / (dataset.frame.w1[1] - dataset.frame.w1[0]);
    const plotHeight = Math.round(plotWidth * aspect);
    return {
      width: plotWidth + left + right,
      height: plotHeight + top + bottom,
      area: { left, top, width: plotWidth, height: plotHeight },
    };
  }

  const core = {
    FORMAT, ENDS, DataError, decodeBase64, fnv1a, parseData, comboIndex, lookupRun, pathUpTo,
    nearestStart, clipSegment, clipPolyline, formatNumber, formatSetting, readout, transform,
    ticks, drawBackground, drawPaths, layoutFor,
  };

  if (typeof module === "object" && module.exports) {
    module.exports = core;
    return;
  }

  // ---------------------------------------------------------------------------
  // The page: controls, loading, and what the browser check reads.

  const loaded = new Map(); // id → data object, set by DescentExplore.load
  const instances = [];

  function load(object) {
    if (object && typeof object.id === "string") loaded.set(object.id, object);
  }

  const isPrintPage = () => /\/print\.html$/.test(window.location.pathname)
    || document.querySelector('meta[name="robots"][content="noindex"]') !== null;

  function element(tag, attributes = {}, children = []) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, value);
    }
    for (const child of children) node.append(child);
    return node;
  }

  function showNote(container, message) {
    container.replaceChildren(element("p", { class: "explorer-note", role: "note", text:
      `The explorable version of the figure above could not be shown: ${message}. `
      + "The figure above shows the crates' runs as they are." }));
    container.classList.add("explorer-failed");
  }

  /** Loads the data file at `src` with a <script> element; resolves or rejects. */
  function loadScript(src, id) {
    return new Promise((resolve, reject) => {
      const url = new URL(src, document.baseURI).href;
      const script = document.createElement("script");
      let syntaxError = null;
      // A corrupt file is a syntax error in that script: keep it off the console.
      const onError = (event) => {
        const sameFile = event.filename === url || (event.filename === "" && event.message === "Script error.");
        if (sameFile && !loaded.has(id)) {
          syntaxError = event.message || "a syntax error";
          event.preventDefault();
        }
      };
      window.addEventListener("error", onError, true);
      const done = () => window.removeEventListener("error", onError, true);
      script.onload = () => {
        done();
        if (loaded.has(id)) resolve(loaded.get(id));
        else reject(new DataError(`its data file ${src} is corrupt (${syntaxError ?? "it holds no data for " + id})`));
      };
      script.onerror = () => {
        done();
        reject(new DataError(`its data file ${src} is missing`));
      };
      script.src = url;
      document.head.append(script);
    });
  }

  let uid = 0;

  /** A range input with its label and the value it shows. */
  function slider(labelText, values, index, describe) {
    const id = `explorer-${++uid}`;
    const input = element("input", {
      type: "range", id, min: "0", max: String(values.length - 1), step: "1", value: String(index),
    });
    const output = element("output", { for: id });
    const update = () => {
      const text = describe(Number(input.value));
      input.setAttribute("aria-valuetext", text);
      output.textContent = text;
    };
    update();
    const row = element("div", { class: "explorer-slider" }, [
      element("label", { for: id, text: labelText }), input, output,
    ]);
    return { row, input, update };
  }

  class Explorer {
    constructor(container, dataset, startedAt) {
      this.container = container;
      this.dataset = dataset;
      this.id = dataset.id;
      this.redrawTimes = [];
      const params = {};
      for (const p of dataset.params) params[p.key] = p.values.indexOf(p.default);
      const visible = {};
      for (const m of dataset.methods) visible[m.key] = true;
      this.state = {
        etaIndex: dataset.etas.indexOf(dataset.etaDefault),
        params,
        startIndex: Math.max(0, dataset.starts.findIndex(([x, y]) => x === dataset.startDefault[0] && y === dataset.startDefault[1])),
        t: dataset.t,
        visible,
      };
      this.playing = null;
      this.build();
      this.redraw();
      this.readyAt = performance.now();
      this.loadMs = this.readyAt - startedAt;
    }

    build() {
      const d = this.dataset;
      const names = d.methods.map((m) => m.label).join(", ");
      this.canvas = element("canvas", {
        class: "explorer-canvas", role: "img",
        title: "Click to start the runs from the nearest point of the start grid",
      });
      this.canvas.addEventListener("click", (event) => this.pick(event));
      this.readoutBox = element("div", { class: "explorer-readout", "aria-live": "polite" });
      const methods = element("fieldset", { class: "explorer-methods" }, [element("legend", { text: "Methods" })]);
      this.toggles = {};
      for (const m of d.methods) {
        const id = `explorer-${++uid}`;
        const box = element("input", { type: "checkbox", id });
        box.checked = true;
        box.dataset.method = m.key;
        box.addEventListener("change", () => {
          this.state.visible[m.key] = box.checked;
          this.changed();
        });
        this.toggles[m.key] = box;
        const swatch = element("span", { class: "explorer-swatch", "aria-hidden": "true" });
        swatch.style.background = m.color;
        methods.append(element("label", { for: id, class: "explorer-toggle" }, [box, swatch, m.label]));
      }
      const controls = element("div", { class: "explorer-controls" }, [methods]);
      this.sliders = {};
      const eta = slider("learning rate η (log scale)", d.etas, this.state.etaIndex,
        (i) => `η = ${formatSetting(d.etas[i])}`);
      this.sliders.eta = eta;
      eta.input.dataset.control = "eta";
      eta.input.addEventListener("input", () => {
        this.state.etaIndex = Number(eta.input.value);
        eta.update();
        this.changed();
      });
      controls.append(eta.row);
      for (const p of d.params) {
        const s = slider(`${p.symbol}, ${p.name}`, p.values, this.state.params[p.key],
          (i) => `${p.symbol} = ${formatSetting(p.values[i])}`);
        s.input.dataset.control = p.key;
        s.input.addEventListener("input", () => {
          this.state.params[p.key] = Number(s.input.value);
          s.update();
          this.changed();
        });
        this.sliders[p.key] = s;
        controls.append(s.row);
      }
      const nx = d.startsW1.length;
      for (const [axis, values, symbol] of [[0, d.startsW1, "w₁"], [1, d.startsW2, "w₂"]]) {
        const current = axis === 0 ? this.state.startIndex % nx : Math.floor(this.state.startIndex / nx);
        const s = slider(`start ${symbol} (or click the plot)`, values, current,
          (i) => `${symbol} = ${formatSetting(values[i])}`);
        s.input.dataset.control = axis === 0 ? "start-w1" : "start-w2";
        s.input.addEventListener("input", () => {
          const i = Number(this.sliders.startW1.input.value);
          const j = Number(this.sliders.startW2.input.value);
          this.state.startIndex = j * nx + i;
          s.update();
          this.changed();
        });
        this.sliders[axis === 0 ? "startW1" : "startW2"] = s;
        controls.append(s.row);
      }
      const step = slider("step t", Array.from({ length: d.steps + 1 }, (_, i) => i), this.state.t,
        (i) => `t = ${i} of ${d.steps}`);
      step.input.dataset.control = "t";
      step.input.addEventListener("input", () => {
        this.state.t = Number(step.input.value);
        step.update();
        this.changed();
      });
      this.sliders.t = step;
      this.playButton = element("button", { type: "button", class: "explorer-play", "aria-pressed": "false", text: "Play" });
      this.playButton.addEventListener("click", () => this.togglePlay());
      step.row.prepend(this.playButton);
      controls.append(step.row);
      const head = element("p", { class: "explorer-head" }, [
        element("strong", { text: "Explore it: " }),
        `${names} on ${d.title}. Every path is a run of the course's crates, looked up, not recomputed.`,
      ]);
      const plot = element("div", { class: "explorer-plot" }, [this.canvas]);
      const main = element("div", { class: "explorer-main" }, [plot, this.readoutBox]);
      this.container.replaceChildren(head, main, controls);
      this.container.classList.add("explorer-ready");
      this.layout();
      if (typeof ResizeObserver === "function") {
        let lastWidth = plot.clientWidth;
        new ResizeObserver(() => {
          if (plot.clientWidth !== lastWidth) {
            lastWidth = plot.clientWidth;
            this.layout();
            this.redraw();
          }
        }).observe(plot);
      }
    }

    layout() {
      const width = Math.min(720, Math.max(240, this.canvas.parentElement.clientWidth || 640));
      this.view = layoutFor(this.dataset, width);
      const ratio = window.devicePixelRatio || 1;
      this.ratio = ratio;
      this.canvas.width = Math.round(this.view.width * ratio);
      this.canvas.height = Math.round(this.view.height * ratio);
      this.canvas.style.width = `${this.view.width}px`;
      this.canvas.style.height = `${this.view.height}px`;
      this.background = document.createElement("canvas");
      this.background.width = this.canvas.width;
      this.background.height = this.canvas.height;
      const ctx = this.background.getContext("2d");
      ctx.scale(ratio, ratio);
      drawBackground(ctx, this.dataset, this.view);
    }

    settings() {
      return { etaIndex: this.state.etaIndex, params: this.state.params, startIndex: this.state.startIndex };
    }

    changed() {
      const begin = performance.now();
      this.redraw();
      this.redrawTimes.push(performance.now() - begin);
      if (this.redrawTimes.length > 1000) this.redrawTimes.shift();
    }

    redraw() {
      const d = this.dataset;
      const ctx = this.canvas.getContext("2d");
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.drawImage(this.background, 0, 0);
      ctx.setTransform(this.ratio, 0, 0, this.ratio, 0, 0);
      const settings = this.settings();
      const runs = d.methods
        .filter((m) => this.state.visible[m.key])
        .map((m) => ({ run: lookupRun(d, m.key, settings), color: m.color }));
      const drawn = drawPaths(ctx, d, { ...this.view, startIndex: settings.startIndex }, runs, this.state.t);
      const eta = d.etas[settings.etaIndex];
      this.drawn = drawn.map((entry, k) => ({ ...entry, readout: readout(runs[k].run, this.state.t, eta) }));
      this.renderReadout(runs, eta);
      const start = d.starts[settings.startIndex];
      this.canvas.setAttribute("aria-label",
        `Paths on ${d.title} from (${formatSetting(start[0])}, ${formatSetting(start[1])}) with η = ${formatSetting(eta)}, `
        + `up to step ${this.state.t}: ${runs.map((r) => r.run.method.label).join(", ") || "no method shown"}.`);
    }

    renderReadout(runs, eta) {
      const rows = runs.map(({ run }, k) => {
        const r = this.drawn[k].readout;
        const rates = r.rates ? (r.oneRate ? `η = ${formatSetting(eta)} for both` : `${formatNumber(r.rates[0])}, ${formatNumber(r.rates[1])}`) : "— (no step yet)";
        const swatch = element("span", { class: "explorer-swatch", "aria-hidden": "true" });
        swatch.style.background = run.method.color;
        return element("div", { class: "explorer-row" }, [
          element("div", { class: "explorer-row-name" }, [swatch, run.method.label]),
          element("div", { text: `w = (${formatNumber(r.w[0])}, ${formatNumber(r.w[1])})` }),
          element("div", { text: `J(w) = ${formatNumber(r.loss)}` }),
          element("div", { text: `rate per weight: ${rates}` }),
          ...(r.note ? [element("div", { class: "explorer-row-note", text: r.note })] : []),
        ]);
      });
      this.readoutBox.replaceChildren(element("div", { class: "explorer-t", text: `t = ${this.state.t}` }), ...rows);
    }

    pick(event) {
      const rect = this.canvas.getBoundingClientRect();
      const map = transform(this.dataset.frame, this.view.area);
      const w = map.toData([event.clientX - rect.left, event.clientY - rect.top]);
      const k = nearestStart(this.dataset, w, [map.sx, map.sy]);
      this.setStart(k);
    }

    setStart(k) {
      const nx = this.dataset.startsW1.length;
      this.state.startIndex = k;
      this.sliders.startW1.input.value = String(k % nx);
      this.sliders.startW2.input.value = String(Math.floor(k / nx));
      this.sliders.startW1.update();
      this.sliders.startW2.update();
      this.changed();
    }

    togglePlay() {
      if (this.playing) {
        clearInterval(this.playing);
        this.playing = null;
        this.readoutBox.setAttribute("aria-live", "polite");
        this.playButton.textContent = "Play";
        this.playButton.setAttribute("aria-pressed", "false");
        return;
      }
      if (this.state.t >= this.dataset.steps) this.setT(0);
      // While playing, the readout changes every frame: a screen reader hears it
      // again when the reader pauses.
      this.readoutBox.setAttribute("aria-live", "off");
      this.playButton.textContent = "Pause";
      this.playButton.setAttribute("aria-pressed", "true");
      this.playing = setInterval(() => {
        if (this.state.t >= this.dataset.steps) {
          this.togglePlay();
          return;
        }
        this.setT(this.state.t + 1);
      }, 60);
    }

    setT(t) {
      this.state.t = t;
      this.sliders.t.input.value = String(t);
      this.sliders.t.update();
      this.changed();
    }

    /** The pixel (client coordinates) of the data point w: for the browser check. */
    pixelOf(w) {
      const rect = this.canvas.getBoundingClientRect();
      const [x, y] = transform(this.dataset.frame, this.view.area).toPx(w);
      return { x: rect.left + x, y: rect.top + y };
    }

    /** Everything the browser check compares: the settings and what was drawn. */
    snapshot() {
      const d = this.dataset;
      const values = {};
      for (const p of d.params) values[p.key] = p.values[this.state.params[p.key]];
      return {
        id: this.id,
        eta: d.etas[this.state.etaIndex],
        etaIndex: this.state.etaIndex,
        etas: d.etas,
        params: values,
        paramIndices: { ...this.state.params },
        start: d.starts[this.state.startIndex],
        t: this.state.t,
        steps: d.steps,
        visible: { ...this.state.visible },
        drawn: this.drawn.map((m) => ({ ...m, points: m.points.map((p) => [p[0], p[1]]) })),
        readyAt: this.readyAt,
        loadMs: this.loadMs,
      };
    }
  }

  async function boot() {
    if (isPrintPage()) return;
    const containers = [...document.querySelectorAll(".explorer[data-explorer][data-src]")];
    for (const container of containers) {
      const startedAt = performance.now();
      const id = container.dataset.explorer;
      container.replaceChildren(element("p", { class: "explorer-loading", text: "Loading the explorable figure…" }));
      loadScript(container.dataset.src, id)
        .then((object) => {
          const dataset = parseData(object);
          if (dataset.id !== id) throw new DataError(`its data file holds ${dataset.id}, not ${id}`);
          instances.push(new Explorer(container, dataset, startedAt));
        })
        .catch((error) => {
          if (!(error instanceof DataError)) {
            showNote(container, `an unexpected problem (${error && error.message})`);
            return;
          }
          showNote(container, error.message);
        })
        .finally(() => container.setAttribute("data-state", container.classList.contains("explorer-failed") ? "failed" : "ready"));
    }
  }

  window.DescentExplore = { load, instances, core };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();
