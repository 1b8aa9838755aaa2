// Compares two builds of the book: `cargo xtask book` (library) and `mdbook build`
// (the pinned binary). Usage: node .ci/compare-books.mjs XTASK_DIR MDBOOK_DIR
//
// Every file must be byte-identical, with two exceptions that legitimately differ
// and are named in the output:
// - the search index `searchindex-HASH.js`: the binary is built from mdBook's own
//   Cargo.lock (elasticlunr-rs 3.0.2), the xtask from the workspace's (3.1.0),
//   which serialize the inverted index differently. Its documents, URLs and
//   options must still be equal; only `index.index` (the inverted index) and key
//   order may differ.
// - so its content hash in the file name, and every reference to that name.
import fs from "node:fs";
import path from "node:path";

const [xtaskDir, mdbookDir] = process.argv.slice(2);
if (!xtaskDir || !mdbookDir) {
  console.error("usage: node .ci/compare-books.mjs XTASK_DIR MDBOOK_DIR");
  process.exit(2);
}

const SEARCH_INDEX = /searchindex-[0-9a-f]+\.js/g;
const normalName = (name) => name.replace(SEARCH_INDEX, "searchindex-HASH.js");

function files(dir) {
  const out = new Map();
  const walk = (d) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.set(normalName(path.relative(dir, full)), full);
    }
  };
  walk(dir);
  return out;
}

function loadSearchIndex(file) {
  const window = { search: {} };
  new Function("window", fs.readFileSync(file, "utf8"))(window);
  return window.search;
}

// JSON with sorted keys, so that key order does not count.
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

const a = files(xtaskDir);
const b = files(mdbookDir);
const problems = [];
for (const name of a.keys()) if (!b.has(name)) problems.push(`only in ${xtaskDir}: ${name}`);
for (const name of b.keys()) if (!a.has(name)) problems.push(`only in ${mdbookDir}: ${name}`);

let identical = 0;
let htmlPages = 0;
for (const [name, fileA] of a) {
  const fileB = b.get(name);
  if (!fileB) continue;
  if (name.endsWith("searchindex-HASH.js")) {
    const [x, y] = [loadSearchIndex(fileA), loadSearchIndex(fileB)];
    for (const key of ["doc_urls", "results_options", "search_options"]) {
      if (canonical(x[key]) !== canonical(y[key])) problems.push(`search index: ${key} differs`);
    }
    for (const key of ["documentStore", "fields", "ref", "version", "lang"]) {
      if (canonical(x.index?.[key]) !== canonical(y.index?.[key])) {
        problems.push(`search index: index.${key} differs`);
      }
    }
    continue;
  }
  const [bytesA, bytesB] = [fs.readFileSync(fileA), fs.readFileSync(fileB)];
  const textual = /\.(html|js|css|json|svg|txt)$/.test(name);
  const same = textual
    ? normalName(bytesA.toString("utf8")) === normalName(bytesB.toString("utf8"))
    : bytesA.equals(bytesB);
  if (same) {
    identical += 1;
    if (name.endsWith(".html")) htmlPages += 1;
  } else {
    problems.push(`differs: ${name}`);
  }
}

if (problems.length > 0) {
  console.error(`The two builds differ:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(
  `Same book: ${identical} files identical (${htmlPages} HTML pages), ` +
    "search index equal in documents, URLs and options; ignored: the search index's " +
    "inverted index and its hashed file name (elasticlunr-rs 3.0.2 in mdbook 0.5.4's " +
    "lock file, 3.1.0 in the workspace).",
);
