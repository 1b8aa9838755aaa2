// Unit tests of the explorers' lookup and drawing helpers (book/theme/explore.js).
// Run with `node --test book/theme/` (node 20 or later); CI runs them in .ci/run.
import assert from "node:assert/strict";
import fs from "node:fs";
import { createRequire } from "node:module";
import test from "node:test";
import vm from "node:vm";

const require = createRequire(import.meta.url);
const core = require("./explore.js");
const here = new URL(".", import.meta.url);
const figures = new URL("../src/figures/explore/", here);

// A small data file built the way xtask/src/figures/explore/pack.rs builds one:
// two methods (one with rates and a parameter of two values), two η, two starts.
function pack({ corrupt = false } = {}) {
  const index = {
    format: 1, id: "toy", title: "a toy", frame: { w1: [-2, 2], w2: [-1, 1] }, minimum: [0, 0],
    eta: { values: [0.1, 0.2], default: 0.1 },
    params: [{ key: "gamma", symbol: "γ", name: "decay", values: [0.5, 0.9], default: 0.9 }],
    methods: [
      { key: "gd", label: "GD", color: "#d55e00", params: [], rates: false },
      { key: "rms", label: "RMS", color: "#009e73", params: ["gamma"], rates: true },
    ],
    starts: { w1: [-1, 1], w2: [0.5], default: [-1, 0.5] },
    steps: 3, t: 3, contours: [2],
  };
  const runs = [];
  // The value of each float encodes where it is: method, combination, η, start, step.
  for (const [m, combos] of [[0, 1], [1, 2]]) {
    for (let c = 0; c < combos; c++) {
      for (let e = 0; e < 2; e++) {
        for (let s = 0; s < 2; s++) {
          const count = 1 + ((m + c + e + s) % 3) + 1; // 2…4 iterates
          const tag = 1000 * m + 100 * c + 10 * e + s;
          const floats = [];
          for (let t = 0; t < count; t++) floats.push(tag + t / 10, -(tag + t / 10));
          for (let t = 0; t < count; t++) floats.push(tag + 0.05 + t);
          if (m === 1) for (let t = 1; t < count; t++) floats.push(t, 2 * t);
          runs.push({ count, code: count === 4 ? 0 : 3, step: 0, floats });
        }
      }
    }
  }
  const contour = [-1, 0, 1, 0];
  let tableBytes = 6 * runs.length;
  while (tableBytes % 4) tableBytes++;
  const floatCount = contour.length + runs.reduce((n, r) => n + r.floats.length, 0);
  const bytes = new Uint8Array(tableBytes + 4 * floatCount);
  const view = new DataView(bytes.buffer);
  runs.forEach((r, k) => {
    view.setUint16(6 * k, r.count, true);
    view.setUint16(6 * k + 2, r.code, true);
    view.setUint16(6 * k + 4, r.step, true);
  });
  let offset = tableBytes;
  for (const v of [...contour, ...runs.flatMap((r) => r.floats)]) {
    view.setFloat32(offset, v, true);
    offset += 4;
  }
  if (corrupt) bytes[tableBytes + 5] ^= 1;
  const data = Buffer.from(bytes).toString("base64");
  const hash = core.fnv1a(corrupt ? (() => { const b = bytes.slice(); b[tableBytes + 5] ^= 1; return b; })() : bytes);
  return {
    ...index, runs: runs.length, tableBytes, floats: floatCount, bytes: bytes.length,
    fnv1a: hash.toString(16).padStart(8, "0"), data,
  };
}

test("base64 decodes the RFC 4648 examples and refuses what is not base64", () => {
  const text = (s) => new TextDecoder().decode(core.decodeBase64(s));
  assert.equal(text(""), "");
  assert.equal(text("Zg=="), "f");
  assert.equal(text("Zm9vYg=="), "foob");
  assert.equal(text("Zm9vYmFy"), "foobar");
  assert.throws(() => core.decodeBase64("Zm9v!"), core.DataError);
  assert.throws(() => core.decodeBase64("Zm9"), core.DataError);
});

test("FNV-1a gives its published values, as the xtask does", () => {
  const bytes = (s) => new TextEncoder().encode(s);
  assert.equal(core.fnv1a(bytes("")), 0x811c9dc5);
  assert.equal(core.fnv1a(bytes("a")), 0xe40c292c);
  assert.equal(core.fnv1a(bytes("foobar")), 0xbf9cf968);
});

test("a run is looked up by method, parameter values, η and start", () => {
  const d = core.parseData(pack());
  for (const [method, gamma] of [["gd", 0], ["rms", 0], ["rms", 1]]) {
    for (let e = 0; e < 2; e++) {
      for (let s = 0; s < 2; s++) {
        const run = core.lookupRun(d, method, { etaIndex: e, params: { gamma }, startIndex: s });
        const m = method === "gd" ? 0 : 1;
        const c = m === 0 ? 0 : gamma;
        const tag = 1000 * m + 100 * c + 10 * e + s;
        assert.equal(run.count, 1 + ((m + c + e + s) % 3) + 1);
        assert.deepEqual(run.iterate(1).map((v) => Math.round(v * 10) / 10), [tag + 0.1, -(tag + 0.1)]);
        assert.ok(Math.abs(run.loss(1) - (tag + 1.05)) < 1e-3);
        assert.deepEqual(run.rates(1), m === 1 ? [1, 2] : null);
        assert.equal(run.rates(0), null, "no rate before the first step");
        assert.equal(run.end, run.count === 4 ? "budget" : "leaves");
      }
    }
  }
});

test("a combination counts the first parameter slowest", () => {
  const d = core.parseData(pack());
  const method = { params: ["a", "b"], sizes: [3, 2] };
  assert.equal(core.comboIndex(d, method, { a: 0, b: 1 }), 1);
  assert.equal(core.comboIndex(d, method, { a: 2, b: 0 }), 4);
});

test("a corrupt, foreign or short file is refused with a reason", () => {
  assert.throws(() => core.parseData(pack({ corrupt: true })), /checksum/);
  assert.throws(() => core.parseData({ ...pack(), format: 2 }), /format 2/);
  assert.throws(() => core.parseData({ ...pack(), bytes: 1 }), /bytes/);
  assert.throws(() => core.parseData({ ...pack(), runs: 3 }), core.DataError);
  assert.throws(() => core.parseData(null), core.DataError);
});

test("the path up to step t stops at the run's last iterate", () => {
  const d = core.parseData(pack());
  const run = core.lookupRun(d, "gd", { etaIndex: 0, params: {}, startIndex: 0 });
  assert.equal(core.pathUpTo(run, 0).length, 1);
  assert.equal(core.pathUpTo(run, 1).length, 2);
  assert.equal(core.pathUpTo(run, 99).length, run.count);
});

test("a click snaps to the nearest start, in pixels", () => {
  const d = core.parseData(pack());
  assert.equal(core.nearestStart(d, [-0.2, 0.5]), 0);
  assert.equal(core.nearestStart(d, [0.2, -3]), 1);
});

test("a line is cut at the frame, never moved onto it, and its exit is recorded", () => {
  const frame = { w1: [0, 1], w2: [0, 1] };
  const pieces = core.clipPolyline(frame, [[0.5, 0.5], [1.5, 0.5], [3, 0.5]]);
  assert.deepEqual(pieces, [{ points: [[0.5, 0.5], [1, 0.5]], exit: { at: [1, 0.5], direction: [1, 0] } }]);
  // Out and back: two pieces, the first with its exit, the second entering.
  const back = core.clipPolyline(frame, [[0.5, 0.5], [0.5, 2], [0.5, 0.25]]);
  assert.equal(back.length, 2);
  assert.deepEqual(back[0].exit.at, [0.5, 1]);
  assert.deepEqual(back[1].points, [[0.5, 1], [0.5, 0.25]]);
  // Wholly outside: nothing.
  assert.deepEqual(core.clipPolyline(frame, [[2, 2], [3, 3]]), []);
  assert.equal(core.clipSegment(frame, [2, 0.5], [3, 0.5]), null);
});

test("readout numbers have four digits, powers of ten and a true minus", () => {
  assert.equal(core.formatNumber(0), "0");
  assert.equal(core.formatNumber(-0.077331), "−0.07733");
  assert.equal(core.formatNumber(1624.3), "1624");
  assert.equal(core.formatNumber(5.98e-4), "5.98×10⁻⁴");
  assert.equal(core.formatNumber(-1.617e-11), "−1.617×10⁻¹¹");
  assert.equal(core.formatNumber(40000), "4×10⁴");
});

test("the readout holds the last iterate of a run that ended and says why", () => {
  const d = core.parseData(pack());
  const run = core.lookupRun(d, "rms", { etaIndex: 0, params: { gamma: 0 }, startIndex: 0 });
  assert.equal(run.end, "leaves");
  const r = core.readout(run, 99, 0.1);
  assert.equal(r.t, run.count - 1);
  assert.match(r.note, /leaves for good/);
  assert.deepEqual(core.readout(run, 0, 0.1).rates, null);
  const gd = core.lookupRun(d, "gd", { etaIndex: 1, params: {}, startIndex: 0 });
  assert.deepEqual(core.readout(gd, 1, 0.2).rates, [0.2, 0.2]);
});

test("ticks fall on round values inside the range", () => {
  assert.deepEqual(core.ticks(-6, 2, 8), [-6, -5, -4, -3, -2, -1, 0, 1, 2]);
  assert.deepEqual(core.ticks(-2.5, 2.5, 5), [-2, -1, 0, 1, 2]);
});

/** A 2-D context that records the polylines stroked, in pixels. */
function recorder() {
  const lines = [];
  let path = [];
  const ctx = new Proxy({}, {
    get(_, name) {
      if (name === "beginPath") return () => { path = []; };
      if (name === "moveTo" || name === "lineTo") return (x, y) => path.push([x, y]);
      if (name === "stroke") return () => lines.push(path);
      return () => {};
    },
    set() { return true; },
  });
  return { ctx, lines };
}

test("drawPaths strokes exactly the looked-up iterates, cut at the frame", () => {
  const d = core.parseData(pack());
  const layout = { ...core.layoutFor(d, 400), startIndex: 0 };
  const map = core.transform(d.frame, layout.area);
  const runs = d.methods.map((m) => ({ run: core.lookupRun(d, m.key, { etaIndex: 0, params: { gamma: 1 }, startIndex: 0 }), color: m.color }));
  const { ctx, lines } = recorder();
  const drawn = core.drawPaths(ctx, d, layout, runs, 2);
  assert.equal(drawn.length, 2);
  for (const [k, entry] of drawn.entries()) {
    assert.deepEqual(entry.points, core.pathUpTo(runs[k].run, 2));
    const stroked = core.clipPolyline(d.frame, entry.points).map((p) => p.points.map(map.toPx));
    for (const piece of stroked) {
      if (piece.length >= 2) assert.ok(lines.some((l) => JSON.stringify(l) === JSON.stringify(piece)));
    }
  }
});

test("drawPaths marks a run that leaves for good once the path reaches its end", () => {
  const d = core.parseData(pack());
  const layout = { ...core.layoutFor(d, 400), startIndex: 0 };
  const points = [[0, 0], [1, 0.5], [5, 0]];
  const fake = (end) => ({
    method: { key: "x", rates: false }, count: 3, end, stopStep: 0,
    iterate: (t) => points[t], loss: () => 0, rates: () => null,
  });
  const exit = (end, t) => core.drawPaths(recorder().ctx, d, layout, [{ run: fake(end), color: "#000" }], t)[0];
  assert.equal(exit("leaves", 2).exitMarked, true);
  assert.equal(exit("diverged", 2).exitMarked, true);
  assert.equal(exit("leaves", 1).exitMarked, false, "not before the path gets there");
  assert.equal(exit("budget", 2).exitMarked, false, "a run that comes back is not marked");
  assert.deepEqual(exit("leaves", 2).pieces, [[[0, 0], [1, 0.5], [2, 0.375]]]);
});

test("every data file the xtask wrote loads, and its runs match the expected samples", () => {
  const files = fs.readdirSync(figures).filter((f) => f.endsWith(".js"));
  assert.ok(files.length >= 5, `data files in ${figures.pathname}`);
  for (const file of files) {
    let object = null;
    vm.runInNewContext(fs.readFileSync(new URL(file, figures), "utf8"), {
      DescentExplore: { load: (o) => { object = o; } },
    });
    const d = core.parseData(object);
    const expected = JSON.parse(fs.readFileSync(new URL(file.replace(/\.js$/, ".expected.json"), figures), "utf8"));
    for (const sample of expected.samples) {
      const params = {};
      for (const p of d.params) params[p.key] = p.values.indexOf(sample.params[p.key] ?? p.default);
      const startIndex = d.starts.findIndex(([x, y]) => x === sample.start[0] && y === sample.start[1]);
      const settings = { etaIndex: d.etas.indexOf(sample.eta), params, startIndex };
      for (const [key, want] of Object.entries(sample.methods)) {
        const run = core.lookupRun(d, key, settings);
        for (let t = 0; t < run.count; t++) {
          const [x, y] = run.iterate(t);
          const [ex, ey] = want.iterates[t];
          const close = (a, b) => Math.abs(a - b) <= 2e-6 * Math.max(1, Math.abs(b));
          assert.ok(close(x, ex) && close(y, ey), `${file} ${key} t=${t}: (${x}, ${y}) against (${ex}, ${ey})`);
        }
      }
    }
  }
});
