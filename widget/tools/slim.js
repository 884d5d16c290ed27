// Shrinks what wasm-bindgen (run by wasm-pack) emits, without changing what runs:
// - drops the glue for exports wasm-opt removed (wasm-streams' classes, which Leptos's
//   server-function support pulls in and the widget never uses) and the import shims
//   only they needed;
// - replaces wasm-bindgen's 60-line describer of any JS value (it only feeds panic
//   messages, which a panic=abort build never shows);
// - renames every import and export between the glue and the wasm to one or two
//   letters: wasm-bindgen's names carry 16-hex-digit hashes, about 9 KB that gzip can
//   barely shrink, in both files.
// Every rewrite must find what it rewrites: a pattern that matches nothing (a new
// wasm-bindgen writes its glue differently) fails the build, never a visitor's page.
//
//   node widget/tools/slim.js <dir>/chatflow_widget_bg.wasm <dir>/chatflow_widget.js
//
// Unit tests: node --test widget/tools/
"use strict";
const fs = require("fs");

/** The glue's module name for the wasm's imports, as wasm-bindgen --target web writes it. */
const MODULE = "./chatflow_widget_bg.js";
/** Exports the loader calls by name (the glue's own `mount` wraps `wasm.mount`). */
const KEEP = new Set(["memory", "mount", "nudge"]);

class SlimError extends Error {}
function fail(message) {
  throw new SlimError("slim: " + message);
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
/** 0 → a, 51 → Z, 52 → aa … */
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

/** Step 1: glue for imports the wasm no longer has, and the removed exports' classes. */
function dropUnused(bytes, glue) {
  const imported = new Set(WebAssembly.Module.imports(new WebAssembly.Module(bytes)).map((i) => i.name));
  glue = glue.replace(/^ {8}(\w+): (?:null,\n|function\([^)]*\) \{\n[\s\S]*?\n {8}\},\n)/gm,
    (entry, key) => (imported.has(key) ? entry : ""));
  glue = glue.replace(/^export class IntoUnderlying\w+ \{\n[\s\S]*?\n\}\n/gm, "")
    .replace(/^if \(Symbol\.dispose\) IntoUnderlying.*\n/gm, "")
    .replace(/^const IntoUnderlying\w+Finalization = [\s\S]*?;\n/gm, "");
  if (/IntoUnderlying|intounderlying/.test(glue)) fail("wasm-streams glue left behind");
  const debug = /^function debugString\(val\) \{\n[\s\S]*?\n\}\n/m;
  if (!debug.test(glue)) fail("no debugString in the glue");
  return glue.replace(debug, "function debugString(val) {\n    return String(val);\n}\n");
}

/** Step 2: short names in the wasm's import and export sections; returns the renames. */
function renameSections(bytes) {
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
        } else if (id === 7 && !KEEP.has(old)) {
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
  if (importCount === 0) fail("no import from " + MODULE + " in the wasm");
  return { wasm: Buffer.concat(out), renamed };
}

/** Step 3: the same renames in the glue; every old name must be found and gone after. */
function renameGlue(glue, renamed) {
  const escape = (s) => s.replace(/[$]/g, "\\$&");
  for (const [kind, old, fresh] of renamed) {
    const pattern = kind === "import"
      ? new RegExp("^( {8})" + escape(old) + ":", "gm")
      : new RegExp("\\bwasm\\." + escape(old) + "\\b", "g");
    if (kind === "import" && !pattern.test(glue)) fail("import " + old + " not in the glue");
    pattern.lastIndex = 0;
    glue = glue.replace(pattern, kind === "import" ? "$1" + fresh + ":" : "wasm." + fresh);
    // The glue's own functions may share an export's name (esbuild shortens those).
    const left = kind === "import" ? new RegExp("\\b" + escape(old) + "\\b") : pattern;
    pattern.lastIndex = 0;
    if (left.test(glue)) fail(kind + " " + old + " still named in the glue");
  }
  const moduleKey = JSON.stringify(MODULE) + ": import0";
  if (!glue.includes(moduleKey)) fail("no import object for " + MODULE);
  return glue.replace(moduleKey, "a: import0");
}

/** The whole rewrite: `{wasm, glue}` from wasm-bindgen's pair; throws SlimError. */
function slim(bytes, glue) {
  glue = dropUnused(bytes, glue);
  const { wasm, renamed } = renameSections(bytes);
  glue = renameGlue(glue, renamed);
  new WebAssembly.Module(wasm); // still valid
  return { wasm, glue };
}

module.exports = { slim, short, SlimError, MODULE };

if (require.main === module) {
  const [wasmPath, gluePath] = process.argv.slice(2);
  try {
    const out = slim(fs.readFileSync(wasmPath), fs.readFileSync(gluePath, "utf8"));
    fs.writeFileSync(wasmPath, out.wasm);
    fs.writeFileSync(gluePath, out.glue);
  } catch (e) {
    console.error(e instanceof SlimError ? e.message : e);
    process.exit(1);
  }
}
