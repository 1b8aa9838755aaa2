#!/usr/bin/env bash
# The book's CI scripts (.ci/compare-books.mjs, .ci/browser-check.mjs) run on
# Node.js. The machine normally has it; a machine without it gets Debian's.
set -euo pipefail
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq nodejs npm >/dev/null
fi
echo "node $(node --version), npm $(npm --version)"
