// node --test widget/tools/
import test from "node:test";
import assert from "node:assert";
import { readFileSync } from "node:fs";
import { WORDS, WORD_NAMES, words } from "../loader/shell.mjs";

const source = (path) => readFileSync(new URL(path, import.meta.url), "utf8");

// Each language's block of widget/src/i18n.rs, `name: "text",` pairs.
function rustWords(lang) {
  const i18n = source("../src/i18n.rs");
  const start = i18n.indexOf(`Lang::${lang} => &Words {`);
  assert.ok(start >= 0, `no Lang::${lang} block in i18n.rs`);
  const block = i18n.slice(start, i18n.indexOf("},", start));
  const out = {};
  for (const m of block.matchAll(/(\w+): "((?:[^"\\]|\\.)*)"/g)) out[m[1]] = m[2];
  return out;
}

test("the panel before the app says what the app says, in every language", () => {
  for (const [code, lang] of [["uz", "Uz"], ["ru", "Ru"], ["en", "En"]]) {
    const rust = rustWords(lang);
    assert.strictEqual(WORDS[code].length, WORD_NAMES.length);
    WORD_NAMES.forEach((name, i) => assert.strictEqual(WORDS[code][i], rust[name], `${code}.${name}`));
  }
});

test("languages are chosen as Lang::parse chooses them", () => {
  assert.strictEqual(words("ru-RU"), WORDS.ru);
  assert.strictEqual(words(" EN_gb "), WORDS.en);
  assert.strictEqual(words("en"), WORDS.en);
  assert.strictEqual(words("uz-Cyrl"), WORDS.uz);
  assert.strictEqual(words("de"), WORDS.uz);
  assert.strictEqual(words(""), WORDS.uz);
  assert.strictEqual(words(undefined), WORDS.uz);
});

test("the close icon is the app's", () => {
  const rust = source("../src/components/mod.rs").match(/pub const CROSS: &str = "([^"]+)"/)[1];
  const js = source("../loader/shell.mjs").match(/const CROSS = "([^"]+)"/)[1];
  assert.strictEqual(js, rust);
});
