// node --test widget/tools/
"use strict";
const test = require("node:test");
const assert = require("node:assert");
const { slim, short, SlimError, MODULE } = require("./slim.js");

function leb(n) {
  const out = [];
  do { let b = n & 0x7f; n >>= 7; if (n) b |= 0x80; out.push(b); } while (n);
  return out;
}
function str(s) {
  const b = [...Buffer.from(s, "utf8")];
  return [...leb(b.length), ...b];
}
function section(id, body) {
  return [id, ...leb(body.length), ...body];
}

const LOG = "__wbg_log_0123456789abcdef";
const MALLOC = "__wbindgen_malloc";

/** A wasm as wasm-bindgen leaves it: one import from the glue, memory, two exports. */
function wasm() {
  return Buffer.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 0, 0]), // type 0: () -> ()
    ...section(2, [1, ...str(MODULE), ...str(LOG), 0x00, 0]),
    ...section(3, [1, 0]),
    ...section(5, [1, 0x00, 1]), // memory, min 1 page
    ...section(7, [3, ...str("memory"), 0x02, 0, ...str("mount"), 0x00, 1, ...str(MALLOC), 0x00, 1]),
    ...section(10, [1, 2, 0, 0x0b]),
  ]);
}

const GLUE = `function debugString(val) {
    // sixty lines of describing any value
    return "described";
}
function __wbg_get_imports() {
    const import0 = {
        ${LOG}: function(arg0) {
            console.log(arg0);
        },
        __wbg_gone_ffffffffffffffff: function() {
            gone();
        },
    };
    return {
        "./chatflow_widget_bg.js": import0,
    };
}
export function mount() { wasm.mount(); }
export function alloc() { return wasm.${MALLOC}(); }
`;

test("imports and exports get short names in both files, unused shims go", () => {
  const out = slim(wasm(), GLUE);
  const mod = new WebAssembly.Module(out.wasm);
  assert.deepStrictEqual(WebAssembly.Module.imports(mod), [{ module: "a", name: "a", kind: "function" }]);
  assert.deepStrictEqual(WebAssembly.Module.exports(mod).map((e) => e.name), ["memory", "mount", "a"]);
  assert.match(out.glue, /^ {8}a: function\(arg0\) \{$/m);
  assert.match(out.glue, /a: import0/);
  assert.match(out.glue, /return wasm\.a\(\);/);
  assert.match(out.glue, /wasm\.mount\(\)/);
  assert.doesNotMatch(out.glue, /__wbg_log|__wbg_gone|__wbindgen_malloc|chatflow_widget_bg\.js/);
  assert.match(out.glue, /return String\(val\);/);
});

test("the slimmed pair still links and runs", () => {
  const out = slim(wasm(), GLUE);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(out.wasm), { a: { a() {} } });
  assert.strictEqual(typeof instance.exports.a, "function");
  instance.exports.mount();
});

test("a glue without the describer fails loudly", () => {
  assert.throws(() => slim(wasm(), GLUE.replace("function debugString(val)", "function describe(val)")),
    (e) => e instanceof SlimError && /debugString/.test(e.message));
});

test("a glue whose import object is keyed differently fails loudly", () => {
  assert.throws(() => slim(wasm(), GLUE.replace('"./chatflow_widget_bg.js": import0', "wbg: import0")),
    (e) => e instanceof SlimError && /no import object/.test(e.message));
});

test("an import the glue does not define fails loudly", () => {
  assert.throws(() => slim(wasm(), GLUE.replace(LOG + ":", "__wbg_other_1111111111111111:")),
    (e) => e instanceof SlimError && /not in the glue/.test(e.message));
});

test("a wasm without imports from the glue fails loudly", () => {
  const bytes = wasm();
  const at = bytes.indexOf(Buffer.from(MODULE));
  bytes[at + 2] = "X".charCodeAt(0); // "./Xhatflow_widget_bg.js"
  assert.throws(() => slim(bytes, GLUE), (e) => e instanceof SlimError);
});

test("short names count a..Z then aa", () => {
  assert.deepStrictEqual([0, 25, 26, 51, 52, 53, 103, 104].map(short),
    ["a", "z", "A", "Z", "aa", "ab", "aZ", "ba"]);
});
