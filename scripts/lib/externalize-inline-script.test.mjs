// node --test scripts/lib/
import assert from "node:assert/strict";
import { test } from "node:test";
import { externalize } from "./externalize-inline-script.mjs";

const page = (script) => `<!DOCTYPE html><html><head>
<link rel="modulepreload" href="/console/console-1.js" crossorigin="anonymous">
<script type="module" src="/console/other.js"></script>
${script}
</head><body></body></html>`;

const INIT = `<script type="module">
import init, * as bindings from '/console/console-1.js';
const wasm = await init({ module_or_path: '/console/console-1_bg.wasm' });
window.wasmBindings = bindings;
</script>`;

test("the inline module script moves to a hashed file under the public url", () => {
  const out = externalize(page(INIT), "/console/");
  assert.match(out.name, /^init-[0-9a-f]{16}\.js$/);
  assert.ok(out.html.includes(`<script type="module" src="/console/${out.name}"></script>`));
  assert.ok(!out.html.includes("await init"));
  assert.ok(out.script.startsWith("import init, * as bindings from '/console/console-1.js';"));
  // Scripts with a src stay as they were.
  assert.ok(out.html.includes('<script type="module" src="/console/other.js"></script>'));
  // The same script always gets the same name; another gets another.
  assert.equal(externalize(page(INIT), "/console").name, out.name);
  assert.notEqual(externalize(page(INIT.replace("bindings;", "bindings; ")), "/console/").name, out.name);
});

test("a minified page (unquoted attributes) is handled the same way", () => {
  const out = externalize(page(INIT.replace('type="module"', "type=module")), "/console/");
  assert.ok(out.html.includes(`<script type="module" src="/console/${out.name}"></script>`));
  assert.ok(!out.html.includes("await init"));
});

test("a page that is not what trunk makes fails loudly", () => {
  assert.throws(() => externalize(page(""), "/console/"), /found 0/);
  assert.throws(() => externalize(page(INIT + INIT), "/console/"), /found 2/);
  assert.throws(
    () => externalize(page(INIT.replace('type="module"', 'type="module" nonce="x"')), "/console/"),
    /unexpected attributes/,
  );
  assert.throws(() => externalize(page('<script type="module"> </script>'), "/console/"), /empty/);
});
