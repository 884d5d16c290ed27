#!/usr/bin/env bash
# Builds the visitor widget (release) into dist/public/widget/, which the worker serves
# as static assets:
#   widget.js                  the loader site owners embed (a facade: the app below is
#                              fetched only on engagement), with the stylesheet
#                              (widget/loader/launcher.css) and the asset version inlined
#   chatflow_widget.js         the wasm-bindgen glue (ES module, minified), bundled with
#                              the panel drawn before the app (widget/loader/shell.mjs)
#                              and the panel's stylesheet (widget/src/panel.css)
#   chatflow_widget_bg.wasm    the Leptos app, optimised for size by wasm-opt -Oz, its
#                              imports and exports renamed short (with the glue's)
# the npm package @chatflow/widget in dist/npm/widget/ (the same three files, the
# TypeScript declarations of window.ChatFlow from widget/npm/, wasm-pack's package.json),
# and dist/public/_headers (CORS and caching for /widget/*, framing and caching for
# /console/*). Prints each file's size raw, gzip and brotli, and fails when a size budget
# (below) is exceeded. Run from anywhere; cheap when nothing changed (cargo's no-op
# build, no wasm-pack or wasm-opt, and files are rewritten only when their bytes change,
# so `wrangler dev` does not see spurious changes).
#
# Tools: WASM_PACK_BIN (default: wasm-pack on PATH, installed by scripts/setup.sh), which
# runs `wasm-bindgen --target web` with the wasm-bindgen on PATH (same version as
# Cargo.lock's, so it never downloads one) and has its own wasm-opt step off
# (widget/Cargo.toml); WASM_OPT_BIN (default: node_modules/.bin/wasm-opt from binaryen);
# ESBUILD_BIN (default: node_modules/.bin/esbuild, installed with wrangler). The glue's
# rewriting is widget/tools/slim.js (unit tests: node --test widget/tools/).
set -euo pipefail
cd "$(dirname "$0")/.."

export PATH="$HOME/.cargo/bin:$PATH"
# Always the real release profile (LTO, one codegen unit): the sizes and their budgets
# are what visitors download, whatever quicker settings the worker's build uses.
unset CARGO_PROFILE_RELEASE_LTO CARGO_PROFILE_RELEASE_CODEGEN_UNITS
# Panic locations name their source files: without these the wasm every visitor
# downloads carries this machine's paths (the cargo registry's and the checkout's),
# 1.5 KB raw, 93 B gzip.
remap="--remap-path-prefix=$PWD/="
for registry in "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/; do
  remap="$remap --remap-path-prefix=$registry="
done
export RUSTFLAGS="${RUSTFLAGS:+$RUSTFLAGS }$remap"
WASM_PACK_BIN="${WASM_PACK_BIN:-wasm-pack}"
WASM_OPT_BIN="${WASM_OPT_BIN:-node_modules/.bin/wasm-opt}"
ESBUILD_BIN="${ESBUILD_BIN:-node_modules/.bin/esbuild}"
target_dir="$(cd "${CARGO_TARGET_DIR:-target}" 2>/dev/null && pwd || echo "$PWD/target")"
stage="$target_dir/widget-web" # wasm-pack + wasm-opt output, kept between runs
out=dist/public/widget
pkg=dist/npm/widget

# Size budgets in bytes of gzip -9 (what a visitor downloads). Before engagement the
# page fetches the loader and the public config only: the loader's budget leaves the
# config (about 400 B gzip with a few triggers) room under 4 KB. Engaged, everything:
# the goal is 90 KB (92,160 B); the budget is a ratchet at what the build reaches now,
# lowered as the wasm shrinks, so that nothing grows unnoticed meanwhile.
LOADER_BUDGET=3700
ENGAGED_BUDGET=87300

# Anything that changes what the stage holds: the rewriting's code and the tools'
# versions. A stage built with other ones is rebuilt.
stamp=$(
  sha256sum scripts/build-widget.sh widget/tools/slim.js | cut -c1-16
  "$WASM_PACK_BIN" --version
  wasm-bindgen --version
  "$WASM_OPT_BIN" --version
)

cargo build --release --target wasm32-unknown-unknown -p widget
wasm="$target_dir/wasm32-unknown-unknown/release/widget.wasm"

if [ ! -f "$stage/chatflow_widget_bg.wasm" ] || [ "$wasm" -nt "$stage/chatflow_widget_bg.wasm" ] \
   || [ "$(cat "$stage/stamp" 2>/dev/null)" != "$stamp" ]; then
  # Built aside and moved in whole, so an interrupted run never leaves an unoptimised
  # wasm that looks up to date.
  rm -rf "$stage.tmp"
  # wasm-pack asks crates.io for a newer wasm-pack unless the stamp beside its binary is
  # under a day old: a fresh stamp keeps the build off the network.
  wasm_pack_path=$(command -v "$WASM_PACK_BIN")
  printf 'created %s\nversion %s' "$(date --iso-8601=seconds)" \
    "$("$WASM_PACK_BIN" --version | awk '{print $2}')" > "$wasm_pack_path.stamp"
  "$WASM_PACK_BIN" --log-level warn build widget \
    --release --target web --no-typescript --scope chatflow \
    --out-dir "$stage.tmp" --out-name chatflow_widget
  # The features are those rustc enables by default for wasm32-unknown-unknown;
  # --converge repeats -Oz until it stops shrinking (about 200 B gzip).
  # --remove-exports drops wasm-streams' exported classes (Leptos always enables its
  # server functions' browser support, which brings them; the widget has no server
  # functions), and with them every function only they reached.
  "$WASM_OPT_BIN" -Oz --converge --strip-debug --strip-producers \
    --remove-exports --pass-arg='remove-exports@*intounderlying*' \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    -o "$stage.tmp/opt.wasm" "$stage.tmp/chatflow_widget_bg.wasm"
  mv "$stage.tmp/opt.wasm" "$stage.tmp/chatflow_widget_bg.wasm"
  node widget/tools/slim.js "$stage.tmp/chatflow_widget_bg.wasm" "$stage.tmp/chatflow_widget.js"
  printf '%s\n' "$stamp" > "$stage.tmp/stamp"
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

# Puts each file's text (JSON-quoted) or a value in place of its "/*NAME*/" placeholder
# in $1, writing $2; a placeholder that is not there fails the build.
fill() {
  node -e '
    const fs = require("fs");
    const [src, dest, ...pairs] = process.argv.slice(1);
    let code = fs.readFileSync(src, "utf8");
    for (const pair of pairs) {
      const [name, kind, value] = pair.split(":");
      const mark = "\"/*" + name + "*/\"";
      if (!code.includes(mark)) throw new Error(src + " has no " + mark);
      const text = kind === "file" ? fs.readFileSync(value, "utf8").trim() : value;
      code = code.replace(mark, () => JSON.stringify(text));
    }
    fs.writeFileSync(dest, code);
  ' "$@"
}

# The glue module: wasm-bindgen's glue and the panel drawn before the app
# (widget/loader/shell.mjs, with the panel's stylesheet inlined), bundled from
# widget/loader/app.mjs.
"$ESBUILD_BIN" --loader=css --minify --log-level=warning < widget/src/panel.css > "$tmp/panel.css"
cp "$stage/chatflow_widget.js" "$tmp/glue.js"
cp widget/loader/app.mjs "$tmp/app.mjs"
fill widget/loader/shell.mjs "$tmp/shell.mjs" "PANEL_CSS:file:$tmp/panel.css"
"$ESBUILD_BIN" "$tmp/app.mjs" --bundle --minify --format=esm --target=es2020 --log-level=warning \
  --outfile="$tmp/chatflow_widget.js"

# The glue and the wasm must come from the same build: the loader asks for both with
# ?v=<hash of the pair>, so they can be cached for long and never mixed across deploys.
version=$(cat "$tmp/chatflow_widget.js" "$stage/chatflow_widget_bg.wasm" | sha256sum | cut -c1-12)

"$ESBUILD_BIN" --loader=css --minify --log-level=warning < widget/loader/launcher.css > "$tmp/style.css"
fill widget/loader/widget.js "$tmp/widget.src.js" "CSS:file:$tmp/style.css" "VERSION:value:$version"
"$ESBUILD_BIN" "$tmp/widget.src.js" --minify --target=es2019 --log-level=warning \
  --outfile="$tmp/widget.js"

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
/console/*
  X-Frame-Options: DENY
  X-Content-Type-Options: nosniff
  Referrer-Policy: same-origin
  Cache-Control: no-cache
HEADERS
# Last in the /console/* block above; the worker's console page sends the same policy.
printf '  Content-Security-Policy: %s\n' "$(cat console/content-security-policy.txt)" >> "$tmp/_headers"
install_if_changed "$tmp/_headers" dist/public/_headers

# The npm package for sites that bundle: wasm-pack's package.json (name, version,
# licence from Cargo.toml, scope @chatflow) pointed at the loader and the declarations.
mkdir -p "$pkg"
node -e '
  const fs = require("fs");
  const [src, dest] = process.argv.slice(1);
  const p = JSON.parse(fs.readFileSync(src, "utf8"));
  if (p.name !== "@chatflow/widget") throw new Error("wasm-pack named the package " + p.name);
  p.description = "ChatFlow live chat widget: the loader, the app and window.ChatFlow types";
  p.main = "widget.js";
  p.types = "index.d.ts";
  p.files = ["widget.js", "chatflow_widget.js", "chatflow_widget_bg.wasm", "index.d.ts"];
  p.sideEffects = ["widget.js"];
  delete p.module;
  fs.writeFileSync(dest, JSON.stringify(p, null, 2) + "\n");
' "$stage/package.json" "$tmp/package.json"
install_if_changed "$tmp/package.json" "$pkg/package.json"
install_if_changed widget/npm/index.d.ts "$pkg/index.d.ts"
for f in widget.js chatflow_widget.js chatflow_widget_bg.wasm; do
  install_if_changed "$out/$f" "$pkg/$f"
done

# Sizes (gzip -9 and brotli -11, as a CDN would send them) and the budgets.
node -e '
  const fs = require("fs"), zlib = require("zlib");
  const [dir, css, panelCss, version, loaderBudget, engagedBudget] = process.argv.slice(1);
  const brotli = (b) => zlib.brotliCompressSync(b, { params: {
    [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: b.length } }).length;
  const gzip = (b) => zlib.gzipSync(b, { level: 9 }).length;
  const row = (name, b) => {
    console.log(name.padEnd(44) + String(b.length).padStart(8) + " B raw " + String(gzip(b)).padStart(7) +
      " B gzip " + String(brotli(b)).padStart(7) + " B brotli");
    return [gzip(b), brotli(b)];
  };
  let total = [0, 0];
  const sizes = {};
  for (const f of ["widget.js", "chatflow_widget.js", "chatflow_widget_bg.wasm"]) {
    const s = row(dir + "/" + f, fs.readFileSync(dir + "/" + f));
    sizes[f] = s[0];
    total = [total[0] + s[0], total[1] + s[1]];
  }
  row("  (launcher.css, inlined in widget.js)", fs.readFileSync(css));
  row("  (panel.css, inlined in chatflow_widget.js)", fs.readFileSync(panelCss));
  console.log("widget total, engaged".padEnd(57) + String(total[0]).padStart(7) + " B gzip " +
    String(total[1]).padStart(7) + " B brotli (version " + version + ")");
  const over = [];
  if (sizes["widget.js"] > +loaderBudget) over.push("widget.js " + sizes["widget.js"] + " B gzip > " + loaderBudget);
  if (total[0] > +engagedBudget) over.push("engaged total " + total[0] + " B gzip > " + engagedBudget);
  if (over.length) {
    console.error("size budget exceeded: " + over.join("; ") + " (scripts/build-widget.sh)");
    process.exit(1);
  }
' "$out" "$tmp/style.css" "$tmp/panel.css" "$version" "$LOADER_BUDGET" "$ENGAGED_BUDGET"
