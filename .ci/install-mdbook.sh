#!/usr/bin/env bash
# Installs the mdbook binary at the version the book is pinned to (the same
# mdBook as the xtask's mdbook-driver), unless it is already on PATH.
# CI needs only `mdbook build` with search, so it skips the `serve` and `watch`
# features (their web server and file watcher take most of the compile time);
# a learner who wants `mdbook serve` runs the full install the book's
# introduction gives: cargo install mdbook --version 0.5.4 --locked
set -euo pipefail
version=0.5.4
if command -v mdbook >/dev/null 2>&1 && [ "$(mdbook --version)" = "mdbook v$version" ]; then
    echo "mdbook v$version already installed"
    exit 0
fi
# Its own Cargo.lock (--locked) and its own target directory: not the workspace's.
env -u CARGO_TARGET_DIR cargo install mdbook --version "$version" --locked \
    --no-default-features --features search
mdbook --version
