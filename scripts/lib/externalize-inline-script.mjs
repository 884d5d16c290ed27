// Moves the one inline <script> of trunk's index.html into a file of its own, so the
// console's Content-Security-Policy can forbid inline script (console/
// content-security-policy.txt). Fails loudly when the page is not what it expects: no
// inline script, several, or one with attributes it would lose.
//
//   node scripts/lib/externalize-inline-script.mjs <dist dir> <public url, e.g. /console/>
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const SCRIPT = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi;

/** The page with its inline script replaced by a reference to `name` under `base`,
 * and the script's text. Throws unless there is exactly one inline script, of type
 * module and with no other attribute. */
export function externalize(html, base) {
  const inline = [...html.matchAll(SCRIPT)].filter(([, attrs]) => !/\bsrc\s*=/i.test(attrs));
  if (inline.length !== 1) {
    throw new Error(`expected exactly one inline <script>, found ${inline.length}`);
  }
  const [tag, attrs, body] = inline[0];
  // trunk's minifier may drop the quotes.
  if (!/^type=(module|"module"|'module')$/.test(attrs.trim())) {
    throw new Error(`the inline script has unexpected attributes: ${attrs.trim()}`);
  }
  if (!body.trim()) {
    throw new Error("the inline script is empty");
  }
  const hash = createHash("sha256").update(body).digest("hex").slice(0, 16);
  const name = `init-${hash}.js`;
  const src = `${base.replace(/\/?$/, "/")}${name}`;
  return {
    html: html.replace(tag, `<script type="module" src="${src}"></script>`),
    name,
    script: body.trim() + "\n",
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [dist, base] = process.argv.slice(2);
  if (!dist || !base) {
    console.error("usage: externalize-inline-script.mjs <dist dir> <public url>");
    process.exit(2);
  }
  const page = join(dist, "index.html");
  const out = externalize(readFileSync(page, "utf8"), base);
  writeFileSync(join(dist, out.name), out.script);
  writeFileSync(page, out.html);
}
