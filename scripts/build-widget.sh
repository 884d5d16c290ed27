#!/usr/bin/env bash
# Builds the visitor widget (release) into dist/public/widget/, which the worker serves
# as static assets:
#   widget.js                  the loader site owners embed, with the stylesheet
#                              (widget/loader/launcher.css) and the asset version inlined
#   chatflow_widget.js         the wasm-bindgen glue (ES module, minified)
#   chatflow_widget_bg.wasm    the Leptos app, optimised for size by wasm-opt -Oz, its
#                              imports and exports renamed short (with the glue's)
# and dist/public/_headers (CORS and caching for /widget/*, framing and caching for
# /console/*). Prints each file's size,
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
  # --remove-exports drops wasm-streams' exported classes (Leptos always enables its
  # server functions' browser support, which brings them; the widget has no server
  # functions), and with them every function only they reached.
  "$WASM_OPT_BIN" -Oz --converge --strip-debug --strip-producers \
    --remove-exports --pass-arg='remove-exports@*intounderlying*' \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    -o "$stage.tmp/opt.wasm" "$stage.tmp/chatflow_widget_bg.wasm"
  mv "$stage.tmp/opt.wasm" "$stage.tmp/chatflow_widget_bg.wasm"
  node - "$stage.tmp/chatflow_widget_bg.wasm" "$stage.tmp/chatflow_widget.js" <<'JS'
// Shrinks what wasm-bindgen emits, without changing what runs:
// - drops the glue for exports wasm-opt removed (wasm-streams' classes, which Leptos's
//   server-function support pulls in and the widget never uses) and the import shims
//   only they needed;
// - renames every import and export between the glue and the wasm to one or two
//   letters: wasm-bindgen's names carry 16-hex-digit hashes, about 9 KB that gzip can
//   barely shrink, in both files.
// Any name left behind fails the build rather than a visitor's page.
const fs = require("fs");
const [wasmPath, gluePath] = process.argv.slice(2);
const bytes = fs.readFileSync(wasmPath);
let glue = fs.readFileSync(gluePath, "utf8");
const MODULE = "./chatflow_widget_bg.js";

function fail(message) {
  console.error("slim: " + message);
  process.exit(1);
}
function readLeb(buf, i) {
  let value = 0, shift = 0, byte;
  do { byte = buf[i++]; value += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80);
  return [value, i];
}
function leb(n) {
  const out = [];
  do { let b = n & 0x7f; n = Math.floor(n / 128); if (n) b |= 0x80; out.push(b); } while (n);
  return Buffer.from(out);
}
function name(s) {
  const b = Buffer.from(s, "utf8");
  return Buffer.concat([leb(b.length), b]);
}
const LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
function short(n) {
  let s = LETTERS[n % 52];
  for (n = Math.floor(n / 52); n; n = Math.floor(n / 52)) s = LETTERS[(n - 1) % 52] + s;
  return s;
}
function limitsEnd(buf, i) {
  const flags = buf[i++];
  [, i] = readLeb(buf, i);
  if (flags & 1) [, i] = readLeb(buf, i);
  return i;
}

// 1. Import shims the wasm no longer imports, and the removed exports' classes.
const imported = new Set(WebAssembly.Module.imports(new WebAssembly.Module(bytes)).map((i) => i.name));
glue = glue.replace(/^ {8}(\w+): (?:null,\n|function\([^)]*\) \{\n[\s\S]*?\n {8}\},\n)/gm,
  (entry, key) => (imported.has(key) ? entry : ""));
glue = glue.replace(/^export class IntoUnderlying\w+ \{\n[\s\S]*?\n\}\n/gm, "")
  .replace(/^if \(Symbol\.dispose\) IntoUnderlying.*\n/gm, "")
  .replace(/^const IntoUnderlying\w+Finalization = [\s\S]*?;\n/gm, "");
if (/IntoUnderlying|intounderlying/.test(glue)) fail("wasm-streams glue left behind");
// JsValue's Debug text only ever feeds panic messages, which a panic=abort build never
// shows: wasm-bindgen's 60-line describer of any JS value is not worth its bytes.
const debug = /^function debugString\(val\) \{\n[\s\S]*?\n\}\n/m;
if (!debug.test(glue)) fail("no debugString in the glue");
glue = glue.replace(debug, "function debugString(val) {\n    return String(val);\n}\n");

// 2. Short names, in the wasm's import and export sections and in the glue.
const renamed = [];
const out = [bytes.subarray(0, 8)];
let i = 8, importCount = 0, exportCount = 0;
while (i < bytes.length) {
  const id = bytes[i];
  const [size, start] = readLeb(bytes, i + 1);
  const end = start + size;
  if (id === 2 || id === 7) {
    let [count, j] = readLeb(bytes, start);
    const parts = [leb(count)];
    for (let c = 0; c < count; c++) {
      let module = null;
      if (id === 2) {
        const [ml, k] = readLeb(bytes, j);
        module = bytes.toString("utf8", k, k + ml);
        j = k + ml;
      }
      const [nl, k] = readLeb(bytes, j);
      const old = bytes.toString("utf8", k, k + nl);
      j = k + nl;
      const kind = bytes[j];
      let descEnd;
      if (id === 7) [, descEnd] = readLeb(bytes, j + 1);
      else if (kind === 0) [, descEnd] = readLeb(bytes, j + 1);
      else if (kind === 1) descEnd = limitsEnd(bytes, j + 2);
      else if (kind === 2) descEnd = limitsEnd(bytes, j + 1);
      else if (kind === 3) descEnd = j + 3;
      else fail("unknown import kind " + kind);
      const desc = bytes.subarray(j, descEnd);
      j = descEnd;
      let fresh = old;
      if (id === 2 && module === MODULE) {
        fresh = short(importCount++);
        renamed.push(["import", old, fresh]);
        module = "a";
      } else if (id === 7 && old !== "memory" && old !== "mount") {
        fresh = short(exportCount++);
        renamed.push(["export", old, fresh]);
      }
      parts.push(...(module === null ? [] : [name(module)]), name(fresh), desc);
    }
    const body = Buffer.concat(parts);
    out.push(Buffer.from([id]), leb(body.length), body);
  } else {
    out.push(bytes.subarray(i, end));
  }
  i = end;
}
const escape = (s) => s.replace(/[$]/g, "\\$&");
for (const [kind, old, fresh] of renamed) {
  const pattern = kind === "import"
    ? new RegExp("^( {8})" + escape(old) + ":", "gm")
    : new RegExp("\\bwasm\\." + escape(old) + "\\b", "g");
  glue = glue.replace(pattern, kind === "import" ? "$1" + fresh + ":" : "wasm." + fresh);
  // The glue's own functions may share an export's name (esbuild shortens those).
  const left = kind === "import" ? new RegExp("\\b" + escape(old) + "\\b") : pattern;
  pattern.lastIndex = 0;
  if (left.test(glue)) fail(kind + " " + old + " still named in the glue");
}
const moduleKey = JSON.stringify(MODULE) + ": import0";
if (!glue.includes(moduleKey)) fail("no import object for " + MODULE);
glue = glue.replace(moduleKey, "a: import0");
const slim = Buffer.concat(out);
new WebAssembly.Module(slim); // still valid
fs.writeFileSync(wasmPath, slim);
fs.writeFileSync(gluePath, glue);
JS
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
/console/*
  X-Frame-Options: DENY
  X-Content-Type-Options: nosniff
  Referrer-Policy: same-origin
  Cache-Control: no-cache
HEADERS
# Last in the /console/* block above; the worker's console page sends the same policy.
printf '  Content-Security-Policy: %s\n' "$(cat console/content-security-policy.txt)" >> "$tmp/_headers"
install_if_changed "$tmp/_headers" dist/public/_headers

size_row() {
  printf '%-44s %8d B raw %7d B gzip\n' "$1" "$(wc -c < "$2")" "$(gzip -9nc "$2" | wc -c)"
}
total=0
for f in widget.js chatflow_widget.js chatflow_widget_bg.wasm; do
  size_row "$out/$f" "$out/$f"
  total=$((total + $(gzip -9nc "$out/$f" | wc -c)))
done
size_row "  (launcher.css, inlined in widget.js)" "$tmp/style.css"
printf '%-44s %12s %7d B gzip (version %s)\n' "widget total" "" "$total" "$version"
