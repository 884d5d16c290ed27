/* The panel before the app. scripts/build-widget.sh bundles this file into the glue
 * module (chatflow_widget.js, entry widget/loader/app.mjs), which arrives in about a
 * third of the time the wasm takes to stream in and compile. A click on the launcher in
 * that gap draws the app's panel here in plain DOM, with the same classes and
 * stylesheet, and puts the caret in a composer that takes typing at once. When the app
 * mounts, `handover` moves what was typed (and an Enter already pressed) into the app's
 * composer and removes this panel, inside one task, so the page never paints both.
 *
 * The panel's stylesheet (widget/src/panel.css) is adopted here for the app too: the
 * glue carries it, not the wasm, so it is there for this panel before the wasm is. */

const PANEL_CSS = "/*PANEL_CSS*/";
const SVG = "http://www.w3.org/2000/svg";
// The × of widget/src/components/mod.rs CROSS.
const CROSS = "M18 6 6 18M6 6l12 12";

/* The app's words (widget/src/i18n.rs) that this panel shows, in this order; a unit
 * test (widget/tools/shell.test.mjs) checks them against i18n.rs. */
export const WORDS = {
  uz: ["Yopish", "Chat oynasi", "Onlaynmiz", "Hozir oflaynmiz", "Xabaringizni yozing…", "Yuborish",
    "ChatFlow asosida", "Operatorlar matnni yuborishingizdan oldin ko'radi.", "Emailingiz (javobni yuboramiz)"],
  ru: ["Закрыть", "Окно чата", "Мы в сети", "Сейчас не в сети", "Сообщение…", "Отправить",
    "Работает на ChatFlow", "Операторы видят текст, пока вы его пишете.", "Ваш email (пришлём ответ)"],
  en: ["Close", "Chat window", "We're online", "We're away", "Your message…", "Send",
    "Powered by ChatFlow", "Agents see what you type before you send it.", "Your email (we'll reply there)"],
};
export const WORD_NAMES = ["close", "chat_label", "online", "offline", "placeholder", "send",
  "powered_by", "previewed", "email_placeholder"];

/* What Lang::parse (shared-types) does: the primary subtag, Uzbek unless ru or en. */
export function words(lang) {
  const primary = String(lang || "").trim().split(/[-_]/)[0].toLowerCase();
  return WORDS[primary === "ru" || primary === "en" ? primary : "uz"];
}

let at = null; // where the panel goes: { root, config, words, launcher }
let drawn = null; // the panel shown: { panel, queued }
let mounted = false;

function el(tag, className, parent, text) {
  const e = document.createElement(tag);
  e.className = className;
  if (text !== undefined) e.textContent = text;
  if (parent) parent.appendChild(e);
  return e;
}

function attrs(e, pairs) {
  for (const k in pairs) e.setAttribute(k, pairs[k]);
  return e;
}

/* Called by the loader as soon as the glue is in: adopts the panel's stylesheet and
 * draws the panel now if the visitor has already clicked (`open`), or on their click
 * until the app has mounted. */
export function prepare(root, config, lang, open) {
  const shadow = root.getRootNode();
  try {
    // A constructed sheet: pages whose CSP forbids inline styles allow it.
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(PANEL_CSS);
    shadow.adoptedStyleSheets = shadow.adoptedStyleSheets.concat(sheet);
  } catch (e) {
    el("style", "", shadow, PANEL_CSS);
  }
  const launcher = root.querySelector(".cf-launcher");
  at = { root, config, words: words(lang), launcher };
  // After the loader's own listener, which has just recorded the wish to open.
  launcher.addEventListener("click", () => mounted || (drawn ? close() : shell()));
  if (open) shell();
}

/* The app's panel as it first shows to a visitor with no conversation yet (only they
 * see this panel: a conversation under way brings the app before any click). A pre-chat
 * form is left to the app, which draws it first. */
export function shell() {
  const config = at.config;
  if (drawn || (config.prechat && config.prechat.enabled)) return;
  const w = at.words;
  const online = !!config.agents_online && config.open !== false;
  const branding = config.branding || {};
  const panel = attrs(el("div", "cf-panel cf-shell"), {
    "data-testid": "cf-shell", role: "dialog", "aria-modal": "true", "aria-label": w[1], tabindex: "-1",
  });
  const header = el("header", "cf-header", panel);
  if (/^https?:\/\//i.test(branding.logo_url || "")) {
    attrs(el("img", "cf-logo", header), { src: branding.logo_url, alt: "" });
  }
  const heading = el("div", "cf-heading", header);
  el("span", "cf-title", heading, config.button_text || "");
  el("span", online ? "cf-status cf-online" : "cf-status", heading, online ? w[2] : w[3]);
  const x = attrs(el("button", "cf-close", header), { type: "button", "aria-label": w[0] });
  const svg = attrs(document.createElementNS(SVG, "svg"), { class: "cf-icon", viewBox: "0 0 24 24", "aria-hidden": "true" });
  attrs(svg.appendChild(document.createElementNS(SVG, "path")), { d: CROSS });
  x.appendChild(svg);
  x.addEventListener("click", close);
  el("p", "cf-bubble cf-bubble-agent", el("div", "cf-messages", panel),
    (online ? config.welcome_message : config.offline_message) || "");
  // Nobody can answer now: an email lets the agents answer later, as in the app.
  if (!online) {
    attrs(el("input", "cf-email", panel), { type: "email", autocomplete: "email", placeholder: w[8], "aria-label": w[8] });
  }
  const composer = el("div", "cf-composer", panel);
  const input = attrs(el("textarea", "cf-input", composer), {
    "data-testid": "cf-shell-input", rows: "1", placeholder: w[4], "aria-label": w[4],
  });
  const send = el("button", "cf-send", composer, w[5]);
  send.type = "button";
  // Enter (or Send) before the app is in: the app sends it the moment it takes over.
  const queue = () => { if (input.value.trim()) drawn.queued = true; };
  send.addEventListener("click", queue);
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      queue();
    }
  });
  panel.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape") close();
  });
  if (config.typing_preview) el("p", "cf-powered", panel, w[7]);
  if (branding.show_powered_by !== false) el("p", "cf-powered", panel, w[6]);
  at.root.appendChild(panel);
  at.launcher.setAttribute("aria-expanded", "true");
  drawn = { panel, queued: false };
  input.focus();
}

/* Closed before the app came: the loader's ChatFlow.close() (window.ChatFlow is still
 * the loader's) makes the app mount closed. */
function close() {
  drawn.panel.remove();
  drawn = null;
  at.launcher.setAttribute("aria-expanded", "false");
  at.launcher.focus();
  window.ChatFlow.close();
}

/* Called right after the app's mount: once the app's panel is in the root (at once, or
 * a microtask later), what the visitor typed moves into the app's fields, as if typed
 * there, and this panel goes. */
export function handover() {
  mounted = true;
  const from = drawn;
  drawn = null;
  if (!from) return;
  const move = () => {
    const panel = at.root.querySelector(".cf-panel:not(.cf-shell)");
    const input = panel && panel.querySelector(".cf-input");
    if (!input) return false;
    // The panel is already on screen: it must not fade in a second time.
    panel.style.animation = "none";
    const focused = at.root.getRootNode().activeElement;
    for (const field of [".cf-email", ".cf-input"]) {
      const a = from.panel.querySelector(field);
      const b = panel.querySelector(field);
      if (!a || !b) continue;
      if (a.value) {
        b.value = a.value;
        b.dispatchEvent(new Event("input"));
      }
      if (focused === a) {
        b.focus();
        // Email fields have no selection to set.
        try { b.setSelectionRange(a.selectionStart, a.selectionEnd); } catch (e) { /* caret at the end */ }
      }
    }
    from.panel.remove();
    if (from.queued) input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter" }));
    return true;
  };
  if (!move()) {
    const watch = new MutationObserver(() => move() && watch.disconnect());
    watch.observe(at.root, { childList: true, subtree: true });
  }
}
