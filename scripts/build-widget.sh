#!/usr/bin/env bash
# Builds the visitor widget (release) into dist/public/widget/, which the worker serves
# as static assets:
#   widget.js                  the loader site owners embed, with the stylesheet
#                              (widget/loader/launcher.css) and the asset version inlined
#   chatflow_widget.js         the wasm-bindgen glue (ES module, minified)
#   chatflow_widget_bg.wasm    the Leptos app, optimised for size by wasm-opt -Oz
# and dist/public/_headers (CORS and caching for /widget/*). Prints each file's size,
# raw and gzip. Run from anywhere; cheap when nothing changed (cargo's no-op build, no
# wasm-bindgen or wasm-opt, and files are rewritten only when their bytes change, so
# `wrangler dev` does not see spurious changes).
#
# Tools: WASM_BINDGEN_BIN (default: wasm-bindgen on PATH, same version as Cargo.lock's
# wasm-bindgen), WASM_OPT_BIN (default: node_modules/.bin/wasm-opt from binaryen) and
# ESBUILD_BIN (default: node_modules/.bin/esbuild, installed with wrangler). wasm-pack and
# trunk are not used: they would only call the same two tools.
set -euo pipefail
cd "$(dirname "$0")/.."

export PATH="$HOME/.cargo/bin:$PATH"
WASM_BINDGEN_BIN="${WASM_BINDGEN_BIN:-wasm-bindgen}"
WASM_OPT_BIN="${WASM_OPT_BIN:-node_modules/.bin/wasm-opt}"
ESBUILD_BIN="${ESBUILD_BIN:-node_modules/.bin/esbuild}"
target_dir="${CARGO_TARGET_DIR:-target}"
stage="$target_dir/widget-web" # wasm-bindgen + wasm-opt output, kept between runs
out=dist/public/widget

cargo build --release --target wasm32-unknown-unknown -p widget
wasm="$target_dir/wasm32-unknown-unknown/release/widget.wasm"

if [ ! -f "$stage/chatflow_widget_bg.wasm" ] || [ "$wasm" -nt "$stage/chatflow_widget_bg.wasm" ]; then
  # Built aside and moved in whole, so an interrupted run never leaves an unoptimised
  # wasm that looks up to date.
  rm -rf "$stage.tmp"
  "$WASM_BINDGEN_BIN" --target web --no-typescript --out-name chatflow_widget \
    --out-dir "$stage.tmp" "$wasm"
  # The features are those rustc enables by default for wasm32-unknown-unknown;
  # --converge repeats -Oz until it stops shrinking (about 200 B gzip).
  "$WASM_OPT_BIN" -Oz --converge --strip-debug --strip-producers \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    -o "$stage.tmp/opt.wasm" "$stage.tmp/chatflow_widget_bg.wasm"
  mv "$stage.tmp/opt.wasm" "$stage.tmp/chatflow_widget_bg.wasm"
  rm -rf "$stage"
  mv "$stage.tmp" "$stage"
fi

mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Replaces $2 with $1 only when the bytes differ.
install_if_changed() {
  cmp -s "$1" "$2" || cp "$1" "$2"
}

# The glue and the wasm must come from the same build: the loader asks for both with
# ?v=<hash of the pair>, so they can be cached for long and never mixed across deploys.
version=$(cat "$stage/chatflow_widget.js" "$stage/chatflow_widget_bg.wasm" | sha256sum | cut -c1-12)

"$ESBUILD_BIN" --loader=css --minify --log-level=warning < widget/loader/launcher.css > "$tmp/style.css"
node -e '
  const fs = require("fs");
  const [src, css, version, dest] = process.argv.slice(1);
  const code = fs.readFileSync(src, "utf8")
    .replace("\"/*CSS*/\"", () => JSON.stringify(fs.readFileSync(css, "utf8").trim()))
    .replace("\"/*VERSION*/\"", () => JSON.stringify(version));
  fs.writeFileSync(dest, code);
' widget/loader/widget.js "$tmp/style.css" "$version" "$tmp/widget.src.js"
"$ESBUILD_BIN" "$tmp/widget.src.js" --minify --target=es2019 --log-level=warning \
  --outfile="$tmp/widget.js"
"$ESBUILD_BIN" "$stage/chatflow_widget.js" --minify --format=esm --log-level=warning \
  --outfile="$tmp/chatflow_widget.js"

install_if_changed "$tmp/widget.js" "$out/widget.js"
install_if_changed "$tmp/chatflow_widget.js" "$out/chatflow_widget.js"
install_if_changed "$stage/chatflow_widget_bg.wasm" "$out/chatflow_widget_bg.wasm"

# Host pages on customers' origins import the glue and fetch the wasm, which needs CORS.
# The loader is re-checked every 5 minutes so a deploy reaches visitors quickly; the glue
# and wasm are only ever requested with ?v=<version>, so they never change under a URL.
cat > "$tmp/_headers" <<'HEADERS'
/widget/*
  Access-Control-Allow-Origin: *
  X-Content-Type-Options: nosniff
/widget/widget.js
  Cache-Control: public, max-age=300
/widget/chatflow_widget*
  Cache-Control: public, max-age=31536000, immutable
HEADERS
install_if_changed "$tmp/_headers" dist/public/_headers

size_row() {
  printf '%-44s %8d B raw %7d B gzip\n' "$1" "$(wc -c < "$2")" "$(gzip -9 -c "$2" | wc -c)"
}
total=0
for f in widget.js chatflow_widget.js chatflow_widget_bg.wasm; do
  size_row "$out/$f" "$out/$f"
  total=$((total + $(gzip -9 -c "$out/$f" | wc -c)))
done
size_row "  (launcher.css, inlined in widget.js)" "$tmp/style.css"
printf '%-44s %12s %7d B gzip (version %s)\n' "widget total" "" "$total" "$version"
