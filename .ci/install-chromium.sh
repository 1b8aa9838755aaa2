#!/usr/bin/env bash
# Installs what the book's browser check needs: Debian's Chromium (the browser),
# and playwright-core at the version pinned in .ci/browser/package-lock.json
# (a driver only: it downloads no browser of its own).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium >/dev/null
fi
chromium --version
(cd .ci/browser && npm ci --no-audit --no-fund --loglevel=error)
