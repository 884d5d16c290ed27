/* ChatFlow widget loader: the one script a site owner embeds,
 *   <script src="https://<chatflow>/widget/widget.js" data-workspace="ws_…" async></script>
 * (optional data-lang="uz|ru|en", else the page's <html lang>, else Uzbek).
 *
 * It fetches the public config at once and paints the launcher from it inside an open
 * shadow root, so no style leaks either way. The Leptos app (wasm-bindgen glue + wasm,
 * about 97 KB gzip) loads only when the browser is idle after the page's load event, or
 * at once when the visitor reaches for the launcher; it then adopts the launcher and
 * adds the panel (widget/src/lib.rs `mount`), reusing the config fetched here.
 *
 * Plain ES2019 plus import() (any browser that runs the wasm has it), no bundler: the
 * build (scripts/build-widget.sh) only inlines the stylesheet (launcher.css) and
 * the asset version, then minifies. It must never throw into the host page: every entry
 * point is wrapped, and failures become one console.warn line. */
(function () {
  "use strict";
  var CSS = "/*CSS*/";
  var VERSION = "/*VERSION*/";
  var SVG = "http://www.w3.org/2000/svg";

  function warn(message) {
    try { console.warn("ChatFlow: " + message); } catch (e) { /* no console */ }
  }

  // Runs f, turning any exception into a warning instead of an error on the host page.
  function safely(f) {
    return function (arg) {
      try { return f(arg); } catch (e) { warn(e && e.message || e); }
    };
  }

  // WCAG relative luminance of #RRGGBB: dark text on light brand colours, white otherwise
  // (the threshold where both give the same contrast ratio).
  function onColor(hex) {
    var c = [1, 3, 5].map(function (i) {
      var v = parseInt(hex.substr(i, 2), 16) / 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2] > 0.179 ? "#111827" : "#ffffff";
  }

  function el(tag, className, parent) {
    var e = document.createElement(tag);
    e.className = className;
    if (parent) parent.appendChild(e);
    return e;
  }

  // Draws the launcher and arranges for the app to load; `base` is the directory
  // widget.js came from. When the app is in, window gets a `chatflow:ready` event.
  function paint(config, base, lang) {
    if (document.getElementById("chatflow-widget")) return;
    var host = el("div", "");
    host.id = "chatflow-widget";
    // Inline and !important: page rules such as `div { padding: 1em }` would otherwise
    // beat :host and give the host element a size.
    host.style.setProperty("all", "initial", "important");
    var shadow = host.attachShadow({ mode: "open" });
    try {
      // A constructed sheet, not <style>: pages whose CSP forbids inline styles allow it.
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      shadow.adoptedStyleSheets = [sheet];
    } catch (e) {
      el("style", "", shadow).textContent = CSS;
    }
    var root = el("div", "cf-root cf-pos-" + config.position + " cf-shape-" + config.shape, shadow);
    var color = /^#[0-9a-f]{6}$/i.test(config.color) ? config.color : "#4F46E5";
    root.style.setProperty("--cf-color", color);
    root.style.setProperty("--cf-on-color", onColor(color));
    var button = el("button", "cf-launcher", root);
    button.type = "button";
    button.setAttribute("data-testid", "cf-launcher");
    button.setAttribute("aria-haspopup", "dialog");
    button.setAttribute("aria-expanded", "false");
    // Built node by node (no innerHTML): pages enforcing Trusted Types stay happy.
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("class", "cf-launcher-icon");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.appendChild(document.createElementNS(SVG, "path"))
      .setAttribute("d", "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H10l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z");
    button.appendChild(svg);
    el("span", "cf-launcher-text", button).textContent = config.button_text;
    document.body.appendChild(host);

    var loading = null;
    var wantOpen = false;
    var load = safely(function () {
      if (loading) return;
      button.setAttribute("aria-busy", "true");
      // ?v= ties the glue and the wasm to one build, so a browser never pairs a cached
      // glue with a newer wasm; both may then be cached for long.
      loading = import(base + "chatflow_widget.js?v=" + VERSION)
        .then(function (m) {
          return m.default({ module_or_path: base + "chatflow_widget_bg.wasm?v=" + VERSION })
            .then(function () { return m; });
        })
        .then(safely(function (m) {
          button.removeEventListener("click", reach);
          button.removeEventListener("pointerenter", load);
          button.removeEventListener("focus", load);
          m.mount(root, button, config, lang, wantOpen);
          button.removeAttribute("aria-busy");
          window.dispatchEvent(new CustomEvent("chatflow:ready"));
        }))
        .catch(function (e) {
          // Keep the launcher; the next hover or click tries again.
          loading = null;
          button.removeAttribute("aria-busy");
          warn("the chat did not load: " + (e && e.message || e));
        });
    });
    // A click before the app is in opens the panel as soon as it is.
    var reach = function () { wantOpen = true; load(); };
    button.addEventListener("click", reach);
    button.addEventListener("pointerenter", load);
    button.addEventListener("focus", load);
    var idle = function () {
      if (window.requestIdleCallback) requestIdleCallback(load, { timeout: 5000 });
      else setTimeout(load, 1000);
    };
    if (document.readyState === "complete") idle();
    else window.addEventListener("load", idle);
  }

  safely(function () {
    var script = document.currentScript;
    if (!script || window.__chatflow) return;
    window.__chatflow = true;
    var src = new URL(script.src);
    var base = new URL(".", src).href;
    var ws = script.getAttribute("data-workspace");
    var lang = script.getAttribute("data-lang") || document.documentElement.lang || "uz";
    if (!ws) {
      warn("no data-workspace on the script tag.");
      return;
    }
    // The config request starts at once; painting waits for <body>.
    var config = fetch(src.origin + "/v1/public/widgets/" + encodeURIComponent(ws), { credentials: "omit" })
      .then(function (r) {
        if (r.ok) return r.json();
        warn(r.status === 403
          ? location.hostname + " is not in the widget domains of " + ws +
            "; add it (PATCH /v1/widget/config {\"domains\": [...]}) to show the chat."
          : "no widget config for " + ws + " (HTTP " + r.status + "); check data-workspace.");
        return null;
      });
    var ready = new Promise(function (resolve) {
      if (document.body) resolve();
      else document.addEventListener("DOMContentLoaded", resolve);
    });
    Promise.all([config, ready])
      .then(function (results) {
        var c = results[0];
        if (!c) return;
        // The app talks to the API this script came from, for this workspace.
        c.api_base = src.origin;
        c.workspace = ws;
        paint(c, base, lang);
      })
      .catch(function (e) { warn("the widget could not start: " + (e && e.message || e)); });
  })();
})();
