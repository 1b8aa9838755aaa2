// Drives every explorable figure of the built book in Debian's headless Chromium
// and fails unless every path it draws is the crates' own.
//
// For each explorer, and each sample setting of figures/explore/ID.expected.json
// (fresh f64 runs of the crates, written by `cargo xtask figures` apart from the
// packed data), it sets the methods, moves the sliders with the arrow keys, clicks
// the start on the plot and moves the step scrubber, then reads the points the
// page drew (DescentExplore.instances[k].snapshot()) and compares them, and the
// readout, with the expected run cut by the same rule as the data (the run ends
// where it leaves the escape box for good). It also plays and pauses the scrubber,
// measures the redraw after each slider move (p95 ≤ 16 ms) and the time until each
// explorer is interactive (≤ 1 s), weighs each page as served (≤ 2 MB), takes two
// screenshots of each explorer, loads one page from the disk (file://), and feeds
// one page a missing, a truncated, a corrupt and a foreign data file: each must
// leave the static figure with a visible note and no error. Any console error,
// script error, failed or off-machine request fails the check.
//
// Usage: node .ci/explorer-check.mjs BUILD_DIR SCREENSHOT_DIR
// Needs /usr/bin/chromium and playwright-core (.ci/install-chromium.sh installs both).
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const require = createRequire(new URL("./browser/package.json", import.meta.url));
const { chromium } = require("playwright-core");

const [buildDir, shotDir] = process.argv.slice(2).map((p) => p && path.resolve(p));
if (!buildDir || !shotDir) {
  console.error("usage: node .ci/explorer-check.mjs BUILD_DIR SCREENSHOT_DIR");
  process.exit(2);
}
fs.mkdirSync(shotDir, { recursive: true });

// The page alone (no explorer involved) past slowPageMs means the machine is too
// busy to judge the second; the explorer's own share must still be under ownMs.
const LIMITS = { redrawP95Ms: 16, interactiveMs: 1000, ownMs: 300, slowPageMs: 700, pageBytes: 2 * 1024 * 1024 };
const TYPES = {
  ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript",
  ".svg": "image/svg+xml", ".png": "image/png", ".woff2": "font/woff2",
  ".woff": "font/woff", ".ttf": "font/ttf", ".json": "application/json",
};

// A static server for the build on the loopback interface, counting the bytes it
// serves; no-store, so that each page is weighed whole.
let servedBytes = 0;
const server = http.createServer((request, response) => {
  const url = new URL(request.url, "http://127.0.0.1");
  let file = path.join(buildDir, decodeURIComponent(url.pathname));
  if (!file.startsWith(buildDir)) file = buildDir;
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
  fs.readFile(file, (error, body) => {
    if (error) {
      response.writeHead(404).end("not found");
      return;
    }
    servedBytes += body.length;
    response.writeHead(200, {
      "content-type": TYPES[path.extname(file)] ?? "application/octet-stream",
      "cache-control": "no-store",
    });
    response.end(body);
  });
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const origin = `http://127.0.0.1:${server.address().port}`;
const fileOrigin = pathToFileURL(buildDir).href;

const pages = fs.readdirSync(buildDir)
  .filter((f) => f.endsWith(".html") && f !== "print.html")
  .filter((f) => /class="explorer"/.test(fs.readFileSync(path.join(buildDir, f), "utf8")))
  .sort();
const problems = [];
let current = "(start)";
const report = (message) => problems.push(`${current}: ${message}`);

const profile = fs.mkdtempSync(path.join(os.tmpdir(), "explorer-check-profile-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1280, height: 900 },
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--allow-file-access-from-files",
  ],
});
// Expected failures while a fault is injected: these messages are allowed then.
let allowed = [];
await context.route("**/*", (route) => {
  const url = route.request().url();
  if (url.startsWith(`${origin}/`) || url.startsWith(fileOrigin) || url.startsWith("data:")) {
    return route.continue();
  }
  report(`request leaves the machine: ${url}`);
  return route.abort("blockedbyclient");
});
context.on("websocket", (ws) => report(`websocket opened: ${ws.url()}`));
context.on("response", (response) => {
  if (response.status() >= 400 && !allowed.some((a) => response.url().includes(a))) {
    report(`HTTP ${response.status()} for ${response.url()}`);
  }
});
context.on("requestfailed", (request) => {
  if (!allowed.some((a) => request.url().includes(a))) report(`request failed: ${request.url()}`);
});
const page = context.pages()[0] ?? (await context.newPage());
page.on("pageerror", (error) => report(`script error: ${error.message}`));
page.on("console", (message) => {
  if (message.type() !== "error") return;
  if (allowed.some((a) => message.text().includes(a) || (message.location().url ?? "").includes(a))) return;
  report(`console error: ${message.text()}`);
});

/** Waits until every explorer of the page has loaded or failed. */
async function settle() {
  await page.waitForFunction(() => [...document.querySelectorAll(".explorer[data-explorer]")]
    .every((e) => e.hasAttribute("data-state")), null, { timeout: 20000 });
}

const snapshot = (k) => page.evaluate((k) => window.DescentExplore.instances[k].snapshot(), k);

/** Sets a slider to index `target` with the keyboard (Home, then arrows). */
async function moveSlider(root, control, target) {
  const slider = root.locator(`input[data-control="${control}"]`);
  await slider.focus();
  const value = Number(await slider.inputValue());
  if (value === target) return;
  const key = value < target ? "ArrowRight" : "ArrowLeft";
  for (let i = 0; i < Math.abs(target - value); i++) await page.keyboard.press(key);
  const now = Number(await slider.inputValue());
  if (now !== target) report(`slider ${control} is at ${now} after the arrow keys, not ${target}`);
}

/** The number of iterates the data keeps of an expected run: cut where it leaves the box for good. */
function keptCount(run, escape) {
  const inside = ([x, y]) => x >= escape.w1[0] && x <= escape.w1[1] && y >= escape.w2[0] && y <= escape.w2[1];
  const n = run.iterates.length;
  let lastInside = -1;
  run.iterates.forEach((w, k) => { if (inside(w)) lastInside = k; });
  const outsideFrom = lastInside + 1;
  const gone = outsideFrom < n;
  return { count: gone ? outsideFrom + 1 : n, gone: gone || run.stop.kind === "diverged" };
}

const close = (a, b) => Math.abs(a - b) <= 2e-6 * Math.max(1, Math.abs(b));

/** Compares what the page drew for each method with the expected runs of `sample`. */
function compare(id, sample, snap, escape, frame) {
  const where = `${id} at η = ${sample.eta}, ${JSON.stringify(sample.params)}, start (${sample.start}), t = ${sample.t}`;
  if (snap.eta !== sample.eta) report(`${where}: the page is at η = ${snap.eta}`);
  if (snap.t !== sample.t) report(`${where}: the page is at t = ${snap.t}`);
  if (snap.start[0] !== sample.start[0] || snap.start[1] !== sample.start[1]) {
    report(`${where}: the click picked the start (${snap.start})`);
  }
  for (const [key, value] of Object.entries(sample.params)) {
    if (snap.params[key] !== value) report(`${where}: ${key} is ${snap.params[key]}`);
  }
  const shown = snap.drawn.map((d) => d.key).sort().join(",");
  if (shown !== Object.keys(sample.methods).sort().join(",")) report(`${where}: the page shows ${shown}`);
  let compared = 0;
  for (const [key, run] of Object.entries(sample.methods)) {
    const drawn = snap.drawn.find((d) => d.key === key);
    if (!drawn) continue;
    const { count, gone } = keptCount(run, escape);
    const last = Math.min(sample.t, count - 1);
    if (drawn.points.length !== last + 1) {
      report(`${where}: ${key} drew ${drawn.points.length} iterates, the crates' run gives ${last + 1}`);
      continue;
    }
    drawn.points.forEach((p, k) => {
      const e = run.iterates[k];
      if (!close(p[0], e[0]) || !close(p[1], e[1])) {
        report(`${where}: ${key} iterate ${k} drawn at (${p}), the crates computed (${e})`);
      }
      compared++;
    });
    for (const piece of drawn.pieces) {
      for (const [x, y] of piece) {
        const slack = 1e-9;
        if (x < frame.w1[0] - slack || x > frame.w1[1] + slack || y < frame.w2[0] - slack || y > frame.w2[1] + slack) {
          report(`${where}: ${key} drew (${x}, ${y}) outside the frame`);
        }
      }
    }
    const marked = gone && last === count - 1;
    if (drawn.exitMarked !== marked) report(`${where}: ${key} ${marked ? "does not mark" : "marks"} a divergence`);
    const r = drawn.readout;
    if (r.t !== last || !close(r.loss, run.losses[last]) || !close(r.w[0], run.iterates[last][0])) {
      report(`${where}: ${key}'s readout t = ${r.t}, J = ${r.loss} against t = ${last}, J = ${run.losses[last]}`);
    }
    const rates = run.rates.length > 0 ? (last >= 1 ? run.rates[last - 1] : null) : [sample.eta, sample.eta];
    const ok = rates === null ? r.rates === null : r.rates && close(r.rates[0], rates[0]) && close(r.rates[1], rates[1]);
    if (!ok) report(`${where}: ${key}'s rates read ${JSON.stringify(r.rates)}, the crates give ${JSON.stringify(rates)}`);
  }
  return compared;
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
};

const summary = [];
const redraws = [];
const loads = [];
let samples = 0;
let points = 0;
const shots = [];
// One page first, so that the browser's own start-up is not counted in a page's time.
current = "(warm-up)";
await page.goto(`${origin}/index.html`, { waitUntil: "load" });
for (const name of pages) {
  current = name;
  // The time until each explorer is interactive, from the navigation: the best of
  // three loads, so that another build on this shared machine does not decide it.
  const readyAt = {};
  let domInteractive = Infinity;
  let bytes = 0;
  for (let load = 0; load < 3; load++) {
    servedBytes = 0;
    await page.goto(`${origin}/${name}`, { waitUntil: "load" });
    await settle();
    await page.waitForLoadState("networkidle");
    if (load === 0) bytes = servedBytes;
    const times = await page.evaluate(() => window.DescentExplore.instances.map((e) => [e.id, e.readyAt]));
    for (const [id, t] of times) readyAt[id] = Math.min(readyAt[id] ?? Infinity, t);
    const dom = await page.evaluate(() => performance.getEntriesByType("navigation")[0].domInteractive);
    domInteractive = Math.min(domInteractive, dom);
  }
  summary.push(`${name}: the page's own DOM interactive after ${domInteractive.toFixed(0)} ms (best of 3)`);
  if (bytes > LIMITS.pageBytes) report(`the page weighs ${bytes} bytes as served, more than ${LIMITS.pageBytes}`);
  const ids = await page.evaluate(() => window.DescentExplore.instances.map((e) => e.id));
  const expectedIds = await page.evaluate(() => [...document.querySelectorAll(".explorer[data-explorer]")].map((e) => e.dataset.explorer));
  for (const id of expectedIds) if (!ids.includes(id)) report(`explorer ${id} did not load`);
  for (const [k, id] of ids.entries()) {
    const root = page.locator(`.explorer[data-explorer="${id}"]`);
    const expected = JSON.parse(fs.readFileSync(path.join(buildDir, "figures/explore", `${id}.expected.json`), "utf8"));
    const frame = await page.evaluate((k) => window.DescentExplore.instances[k].dataset.frame, k);
    const ready = readyAt[id];
    const own = ready - domInteractive;
    loads.push(ready);
    // The explorer's own share (data loaded, checked, drawn) is held to its limit
    // always; the whole second too, unless this machine needed most of it for the
    // page alone (another build running): then that is said, not hidden.
    if (own > LIMITS.ownMs) report(`${id} took ${own.toFixed(0)} ms after the page's DOM to be interactive`);
    if (ready > LIMITS.interactiveMs) {
      if (domInteractive <= LIMITS.slowPageMs) report(`${id} was interactive after ${ready.toFixed(0)} ms`);
      else {
        summary.push(`NOTE ${name}: interactive after ${ready.toFixed(0)} ms, but the page alone took `
          + `${domInteractive.toFixed(0)} ms on this machine (load ${os.loadavg()[0].toFixed(1)}); the explorer's share is ${own.toFixed(0)} ms`);
      }
    }
    await root.scrollIntoViewIfNeeded();
    const shot1 = path.join(shotDir, `explore-${id}-1.png`);
    await root.screenshot({ path: shot1 });
    shots.push(shot1);
    const before = (await page.evaluate((k) => window.DescentExplore.instances[k].redrawTimes.length, k));
    for (const sample of expected.samples) {
      // Methods first, then every slider, then the start by a click, then the step.
      for (const box of await root.locator("input[data-method]").all()) {
        const key = await box.getAttribute("data-method");
        const want = key in sample.methods;
        if ((await box.isChecked()) !== want) await box.click();
      }
      const snap0 = await snapshot(k);
      await moveSlider(root, "eta", snap0.etas.indexOf(sample.eta));
      const params = await page.evaluate((k) => window.DescentExplore.instances[k].dataset.params, k);
      for (const p of params) {
        const value = sample.params[p.key] ?? p.default;
        await moveSlider(root, p.key, p.values.indexOf(value));
      }
      const canvas = root.locator("canvas");
      await canvas.scrollIntoViewIfNeeded();
      const at = await page.evaluate(([k, w]) => window.DescentExplore.instances[k].pixelOf(w), [k, sample.start]);
      await page.mouse.click(at.x, at.y);
      await moveSlider(root, "t", sample.t);
      points += compare(id, sample, await snapshot(k), expected.escape, frame);
      samples++;
    }
    const shot2 = path.join(shotDir, `explore-${id}-2.png`);
    await root.screenshot({ path: shot2 });
    shots.push(shot2);
    // Play from the start for a moment, then pause: the scrubber and the path move together.
    await moveSlider(root, "t", 0);
    await root.locator("button.explorer-play").click();
    await page.waitForTimeout(400);
    await root.locator("button.explorer-play").click();
    const played = await snapshot(k);
    if (played.t === 0) report(`${id}: play did not advance the step`);
    for (const d of played.drawn) {
      if (d.points.length > played.t + 1) report(`${id}: ${d.key} drew past step ${played.t} while playing`);
    }
    // Sweep η back and forth with the keyboard: every move redraws.
    const eta = root.locator('input[data-control="eta"]');
    await eta.focus();
    for (let i = 0; i < 40; i++) await page.keyboard.press(i % 20 < 10 ? "ArrowRight" : "ArrowLeft");
    const times = await page.evaluate(([k, n]) => window.DescentExplore.instances[k].redrawTimes.slice(n), [k, before]);
    redraws.push(...times);
    summary.push(`${name}: ${id}, interactive ${ready.toFixed(0)} ms after navigation (best of 3; ${own.toFixed(0)} ms after the page's DOM), ${expected.samples.length} samples, `
      + `redraw p95 ${percentile(times, 95).toFixed(2)} ms over ${times.length} moves`);
  }
  summary.push(`${name}: ${bytes} bytes as served (${(bytes / 1048576).toFixed(2)} MiB)`);
}

// From the disk, as `cargo xtask book --open` shows it: the explorers load too.
current = "file://";
{
  const name = pages[0];
  await page.goto(new URL(name, `${fileOrigin}/`).href, { waitUntil: "load" });
  await settle();
  const states = await page.evaluate(() => [...document.querySelectorAll(".explorer")].map((e) => e.dataset.state));
  if (!states.every((s) => s === "ready")) report(`${name} from the disk: explorers ${states}`);
  else summary.push(`${name} from the disk (file://): ${states.length} explorer(s) ready`);
}

// Bad data: the static figure stays, with a visible note, and nothing is thrown.
const faults = {
  missing: () => ({ status: 404, body: "not found" }),
  truncated: (text) => ({ status: 200, body: text.slice(0, Math.floor(text.length / 2)) }),
  corrupt: (text) => {
    const at = text.indexOf('"data":"') + 8 + 1000;
    const flipped = text[at] === "A" ? "B" : "A";
    return { status: 200, body: text.slice(0, at) + flipped + text.slice(at + 1) };
  },
  foreign: (text) => ({ status: 200, body: text.replace('"format":1', '"format":99') }),
};
for (const [fault, make] of Object.entries(faults)) {
  const name = pages[0];
  current = `${name} with a ${fault} data file`;
  const html = fs.readFileSync(path.join(buildDir, name), "utf8");
  const src = html.match(/data-src="([^"]+)"/)[1];
  const text = fs.readFileSync(path.join(buildDir, src), "utf8");
  allowed = fault === "missing" ? [path.basename(src)] : [];
  await page.route(`**/${src}`, (route) => {
    const { status, body } = make(text);
    return route.fulfill({ status, body, contentType: "text/javascript" });
  });
  await page.goto(`${origin}/${name}`, { waitUntil: "load" });
  await settle();
  const seen = await page.evaluate((src) => {
    const box = document.querySelector(`.explorer[data-src="${src}"]`);
    const note = box.querySelector(".explorer-note");
    const figure = box.previousElementSibling;
    const img = figure && figure.querySelector("img");
    const visible = (e) => e && e.getBoundingClientRect().height > 0 && getComputedStyle(e).display !== "none";
    return {
      state: box.dataset.state, note: note ? note.textContent : null, noteVisible: visible(note),
      image: img ? img.complete && img.naturalWidth > 0 && visible(img) : false,
    };
  }, src);
  if (seen.state !== "failed") report(`the explorer is ${seen.state}`);
  if (!seen.note || !seen.noteVisible) report("no visible note");
  if (!seen.image) report("the static figure is not shown");
  if (fault === "corrupt" && !/checksum/.test(seen.note ?? "")) report(`the note does not name the checksum: ${seen.note}`);
  if (fault === "truncated" || fault === "missing") {
    const shot = path.join(shotDir, `explore-fault-${fault}.png`);
    await page.locator(`.explorer[data-src="${src}"]`).scrollIntoViewIfNeeded();
    await page.screenshot({ path: shot });
    shots.push(shot);
  }
  await page.unroute(`**/${src}`);
  allowed = [];
  summary.push(`${current}: static figure kept, note: "${seen.note}"`);
}

await context.close();
server.close();
fs.rmSync(profile, { recursive: true, force: true });

const p95 = percentile(redraws, 95);
if (p95 > LIMITS.redrawP95Ms) problems.push(`redraw p95 is ${p95.toFixed(2)} ms, more than ${LIMITS.redrawP95Ms} ms`);
if (samples === 0 || points === 0) problems.push("no sample was compared");
console.log(summary.join("\n"));
console.log(`redraw after a slider move: p50 ${percentile(redraws, 50).toFixed(2)} ms, p95 ${p95.toFixed(2)} ms, `
  + `max ${Math.max(...redraws).toFixed(2)} ms over ${redraws.length} moves`);
console.log(`interactive: slowest explorer ready ${Math.max(...loads).toFixed(0)} ms after navigation`);
console.log(`screenshots: ${shots.map((s) => path.basename(s)).join(", ")} in ${shotDir}`);
if (problems.length > 0) {
  console.error(`\nThe explorers fail the check:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(`explorer check: ${samples} settings on ${pages.length} pages, ${points} drawn iterates equal the crates' runs`);
