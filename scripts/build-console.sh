#!/usr/bin/env bash
# Builds the agent console (release) with trunk into dist/public/console/, which the
# worker serves at /console/ (console/Trunk.toml says where and how). Prints the size of
# what a browser downloads, raw and gzip.
#
# trunk must not download anything: --offline makes it use the wasm-bindgen on PATH
# (~/.cargo/bin, the version in Cargo.lock, installed by scripts/setup.sh) and wasm-opt
# from node_modules/.bin (binaryen), or fail.
set -euo pipefail
cd "$(dirname "$0")/.."

export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
out=dist/public/console

# trunk always rewrites its output; building aside and replacing only when the bytes
# differ keeps `wrangler dev` from reloading for nothing.
stage=$(realpath -m "${CARGO_TARGET_DIR:-target}/console-dist")
(cd console && trunk --color never build --release --offline --dist "$stage")
if [ ! -f "$stage/index.html" ]; then
  echo "trunk produced no index.html" >&2
  exit 1
fi
# The console's Content-Security-Policy forbids inline script: trunk's wasm start-up
# script moves into a file of its own (scripts/lib/, unit-tested with node --test).
node scripts/lib/externalize-inline-script.mjs "$stage" /console/
if ! diff -rq "$stage" "$out" >/dev/null 2>&1; then
  rm -rf "$out"
  mkdir -p "$(dirname "$out")"
  cp -r "$stage" "$out"
fi

total=0
for f in "$out"/*; do
  gz=$(gzip -9 -c "$f" | wc -c)
  printf '%-56s %8d B raw %7d B gzip\n' "$f" "$(wc -c < "$f")" "$gz"
  total=$((total + gz))
done
printf '%-56s %12s %7d B gzip\n' "console total" "" "$total"
