#!/usr/bin/env bash
# Builds the widget into dist/public/widget/: the loader (widget.js, with its stylesheet
# inlined and minified), the wasm-bindgen glue and the size-optimised wasm. Prints the
# size of each file, raw and gzip.
#
# wasm-pack is not used: it would add a large `cargo install` to every fresh machine to
# run the same two tools called here (wasm-bindgen, pinned to Cargo.lock, and wasm-opt).
set -euo pipefail
cd "$(dirname "$0")/.."

export PATH="$HOME/.cargo/bin:$PATH"
WASM_BINDGEN_BIN="${WASM_BINDGEN_BIN:-$(command -v wasm-bindgen)}"
WASM_OPT_BIN="${WASM_OPT_BIN:-$PWD/node_modules/.bin/wasm-opt}"
out=dist/public/widget
mkdir -p "$out"

cargo build --release --target wasm32-unknown-unknown -p widget
wasm=target/wasm32-unknown-unknown/release/widget.wasm
if [ ! -f "$out/chatflow_widget_bg.wasm" ] || [ "$wasm" -nt "$out/chatflow_widget_bg.wasm" ]; then
  "$WASM_BINDGEN_BIN" --target web --no-typescript --out-name chatflow_widget --out-dir "$out" "$wasm"
  "$WASM_OPT_BIN" -Oz --strip-debug --strip-producers \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    -o "$out/chatflow_widget_bg.wasm" "$out/chatflow_widget_bg.wasm"
fi

# The loader carries its stylesheet, so the launcher paints with one request.
node -e '
  const fs = require("fs");
  const [src, css, dest] = process.argv.slice(1);
  fs.writeFileSync(dest, fs.readFileSync(src, "utf8").replace("\"/*CSS*/\"", JSON.stringify(css)));
' widget/loader/widget.js "$(tr -s ' \n' ' ' < widget/loader/widget.css)" "$out/widget.src.js"
node_modules/.bin/esbuild "$out/widget.src.js" --minify --target=es2019 --log-level=warning \
  --outfile="$out/widget.js"
node_modules/.bin/esbuild "$out/chatflow_widget.js" --minify --format=esm --log-level=warning \
  --allow-overwrite --outfile="$out/chatflow_widget.js"
rm -f "$out/widget.src.js"

# Pages on customers' sites import the glue and fetch the wasm across origins.
cat > dist/public/_headers <<'HEADERS'
/widget/*
  Access-Control-Allow-Origin: *
  Cache-Control: public, max-age=300
HEADERS

total=0
for f in "$out"/widget.js "$out"/chatflow_widget.js "$out"/chatflow_widget_bg.wasm; do
  raw=$(wc -c < "$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  total=$((total + gz))
  printf '%-40s %8d bytes raw %8d bytes gzip\n' "$f" "$raw" "$gz"
done
printf '%-40s %8s           %8d bytes gzip\n' "widget total" "" "$total"
