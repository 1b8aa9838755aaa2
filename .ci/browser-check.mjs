// Loads every page of the built book in Debian's headless Chromium and fails if
// an image does not load, an equation is left as raw TeX, KaTeX shows an error,
// a request fails, or any request leaves the machine.
//
// Usage: node .ci/browser-check.mjs BUILD_DIR SCREENSHOT_DIR
// Needs /usr/bin/chromium and playwright-core (.ci/install-chromium.sh installs both).
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(new URL("./browser/package.json", import.meta.url));
const { chromium } = require("playwright-core");

const [buildDir, shotDir] = process.argv.slice(2).map((p) => p && path.resolve(p));
if (!buildDir || !shotDir) {
  console.error("usage: node .ci/browser-check.mjs BUILD_DIR SCREENSHOT_DIR");
  process.exit(2);
}
fs.mkdirSync(shotDir, { recursive: true });

const TYPES = {
  ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript",
  ".svg": "image/svg+xml", ".png": "image/png", ".woff2": "font/woff2",
  ".woff": "font/woff", ".ttf": "font/ttf", ".json": "application/json",
};

// A static server for the build, on the loopback interface only.
const server = http.createServer((request, response) => {
  const url = new URL(request.url, "http://127.0.0.1");
  let file = path.join(buildDir, decodeURIComponent(url.pathname));
  if (!file.startsWith(buildDir)) file = buildDir; // no escape from the build
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
  fs.readFile(file, (error, body) => {
    if (error) {
      response.writeHead(404).end("not found");
    } else {
      response.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
      response.end(body);
    }
  });
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

const pages = fs.readdirSync(buildDir).filter((f) => f.endsWith(".html")).sort();
const problems = [];
const report = (page, message) => problems.push(`${page}: ${message}`);

const profile = fs.mkdtempSync(path.join(os.tmpdir(), "book-check-profile-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1280, height: 900 },
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});

let current = "(start)";
// Every request goes through here: local ones are served, others are refused
// and reported, so nothing leaves the machine even if a page asks.
await context.route("**/*", (route) => {
  const url = route.request().url();
  if (url.startsWith(`${origin}/`) || url.startsWith("data:")) return route.continue();
  report(current, `request leaves the machine: ${url}`);
  return route.abort("blockedbyclient");
});
context.on("websocket", (ws) => report(current, `websocket opened: ${ws.url()}`));
context.on("response", (response) => {
  if (response.status() >= 400) report(current, `HTTP ${response.status()} for ${response.url()}`);
});
context.on("requestfailed", (request) => {
  if (request.url().startsWith(origin)) report(current, `request failed: ${request.url()}`);
});

const page = context.pages()[0] ?? (await context.newPage());
page.on("pageerror", (error) => report(current, `script error: ${error.message}`));

const summary = [];
for (const name of pages) {
  current = name;
  await page.goto(`${origin}/${name}`, { waitUntil: "networkidle" });
  await page.evaluate(() => document.fonts.ready);
  const found = await page.evaluate(() => {
    const main = document.querySelector("main") ?? document.body;
    const images = [...main.querySelectorAll("img")];
    const broken = images.filter((img) => !img.complete || img.naturalWidth === 0).map((img) => img.getAttribute("src"));
    // Text outside code and outside rendered math that still looks like TeX.
    const rawTex = [];
    const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT, {
      acceptNode: (node) =>
        node.parentElement.closest("pre, code, script, style, .katex, .katex-display")
          ? NodeFilter.FILTER_REJECT
          : NodeFilter.FILTER_ACCEPT,
    });
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent;
      if (/\$|\\[a-zA-Z]+|\\\(|\\\[/.test(text)) rawTex.push(text.trim().slice(0, 80));
    }
    const katex = main.querySelectorAll(".katex").length;
    const fontsOk = katex === 0 || document.fonts.check("16px KaTeX_Main") && document.fonts.check("16px KaTeX_Math");
    const fontErrors = [...document.fonts].filter((f) => f.status === "error").map((f) => f.family);
    return {
      images: images.length, broken, rawTex, katex, fontsOk, fontErrors,
      katexErrors: document.querySelectorAll(".katex-error").length,
      title: document.title,
    };
  });
  for (const src of found.broken) report(name, `image does not load: ${src}`);
  for (const text of found.rawTex) report(name, `raw TeX left in the text: "${text}"`);
  if (found.katexErrors > 0) report(name, `${found.katexErrors} KaTeX error(s) shown`);
  if (!found.fontsOk) report(name, "KaTeX fonts are not loaded");
  for (const family of found.fontErrors) report(name, `font failed to load: ${family}`);
  await page.screenshot({ path: path.join(shotDir, name.replace(/\.html$/, ".png")), fullPage: true });
  summary.push(`${name}: ${found.images} image(s), ${found.katex} formula(s)`);
}

await context.close();
server.close();
fs.rmSync(profile, { recursive: true, force: true });

console.log(summary.join("\n"));
console.log(`screenshots in ${shotDir}`);
if (problems.length > 0) {
  console.error(`\nThe book fails the browser check:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(`browser check: ${pages.length} pages loaded, nothing left the machine`);
