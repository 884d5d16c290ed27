#!/usr/bin/env bash
# Builds the agent console (release) into dist/public/console/, which the worker serves
# at /console/, in two wasm binaries:
#   - the console itself (sign-in, the inbox's list, the Visitors tab), built by trunk
#     (console/Trunk.toml says where and how): what a browser downloads before the inbox
#     is painted;
#   - the on-demand part (console-lazy: the open chat, and the API keys, agents, widget,
#     webhooks, triggers, canned replies, analytics and settings tabs) in lazy/, built
#     here with wasm-bindgen --target web and wasm-opt, imported by the console once the
#     inbox is painted (or when a chat or one of those tabs is opened first).
# Prints each file's size raw and gzip -9, the two totals, and fails when the first
# exceeds its budget (below).
#
# Nothing is downloaded: trunk runs --offline with the wasm-bindgen on PATH
# (~/.cargo/bin, the version in Cargo.lock, installed by scripts/setup.sh) and wasm-opt
# from node_modules/.bin (binaryen), and the on-demand part uses the same two tools.
set -euo pipefail
cd "$(dirname "$0")/.."

export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# Always the real release profile (LTO, one codegen unit): the sizes and their budget
# are what agents download, whatever quicker settings the worker's build uses.
unset CARGO_PROFILE_RELEASE_LTO CARGO_PROFILE_RELEASE_CODEGEN_UNITS
out=dist/public/console
target_dir=$(realpath -m "${CARGO_TARGET_DIR:-target}")

# Bytes of gzip -9 that a browser fetches before the inbox is painted (page, glue,
# wasm, stylesheet, start-up script): issue 19's goal, 250 KB.
INITIAL_BUDGET=250000

# The on-demand part, optimised aside and kept between runs: wasm-opt is the slow step,
# so it runs only when cargo produced a newer wasm or the glue's tools changed.
lazy_stage="$target_dir/console-lazy-web"
lazy_wasm="$target_dir/wasm32-unknown-unknown/release/console_lazy.wasm"
cargo build --release --target wasm32-unknown-unknown -p console-lazy
lazy_stamp=$(
  sha256sum scripts/build-console.sh | cut -c1-16
  wasm-bindgen --version
  wasm-opt --version
)
if [ ! -f "$lazy_stage/console_lazy_bg.wasm" ] || [ "$lazy_wasm" -nt "$lazy_stage/console_lazy_bg.wasm" ] \
   || [ "$(cat "$lazy_stage/stamp" 2>/dev/null)" != "$lazy_stamp" ]; then
  # Built aside and moved in whole, so an interrupted run never leaves an unoptimised
  # wasm that looks up to date.
  rm -rf "$lazy_stage.tmp"
  wasm-bindgen --target web --no-typescript --out-dir "$lazy_stage.tmp" --out-name console_lazy "$lazy_wasm"
  # The features are those rustc enables by default for wasm32-unknown-unknown.
  wasm-opt -Oz --strip-debug --strip-producers \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    -o "$lazy_stage.tmp/opt.wasm" "$lazy_stage.tmp/console_lazy_bg.wasm"
  mv "$lazy_stage.tmp/opt.wasm" "$lazy_stage.tmp/console_lazy_bg.wasm"
  esbuild "$lazy_stage.tmp/console_lazy.js" --minify --format=esm --log-level=warning \
    --outfile="$lazy_stage.tmp/console_lazy.min.js"
  mv "$lazy_stage.tmp/console_lazy.min.js" "$lazy_stage.tmp/console_lazy.js"
  printf '%s\n' "$lazy_stamp" > "$lazy_stage.tmp/stamp"
  rm -rf "$lazy_stage"
  mv "$lazy_stage.tmp" "$lazy_stage"
fi

# trunk always rewrites its output; building aside and replacing only when the bytes
# differ keeps `wrangler dev` from reloading for nothing.
stage="$target_dir/console-dist"
(cd console && trunk --color never build --release --offline --dist "$stage")
if [ ! -f "$stage/index.html" ]; then
  echo "trunk produced no index.html" >&2
  exit 1
fi
# The console's Content-Security-Policy forbids inline script: trunk's wasm start-up
# script moves into a file of its own (scripts/lib/, unit-tested with node --test).
node scripts/lib/externalize-inline-script.mjs "$stage" /console/
# The path console/src/on_demand.rs imports.
mkdir -p "$stage/lazy"
cp "$lazy_stage/console_lazy.js" "$lazy_stage/console_lazy_bg.wasm" "$stage/lazy/"
if ! diff -rq "$stage" "$out" >/dev/null 2>&1; then
  rm -rf "$out"
  mkdir -p "$(dirname "$out")"
  cp -r "$stage" "$out"
fi

initial=0
on_demand=0
while IFS= read -r f; do
  gz=$(gzip -9 -c "$f" | wc -c)
  printf '%-64s %8d B raw %7d B gzip\n' "$f" "$(wc -c < "$f")" "$gz"
  case "$f" in
    "$out"/lazy/*) on_demand=$((on_demand + gz)) ;;
    *) initial=$((initial + gz)) ;;
  esac
done < <(find "$out" -type f | sort)
printf '%-64s %12s %7d B gzip (budget %d)\n' "console before the inbox is painted" "" "$initial" "$INITIAL_BUDGET"
printf '%-64s %12s %7d B gzip\n' "on demand (the open chat, the other tabs)" "" "$on_demand"
if [ "$initial" -gt "$INITIAL_BUDGET" ]; then
  echo "size budget exceeded: the console before the inbox is $initial B gzip > $INITIAL_BUDGET (scripts/build-console.sh)" >&2
  exit 1
fi
