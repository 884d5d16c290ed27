/* ChatFlow widget loader: the one script a site owner embeds.
 * It paints the launcher from the public config at once, inside a shadow root so no
 * style leaks either way, and fetches the wasm app only when the browser is idle after
 * the page's load event, or at once when the visitor reaches for the launcher.
 * It must never throw into the host page: everything runs inside try/catch. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__chatflowLoaded) return;
  window.__chatflowLoaded = true;
  var ws = script.getAttribute("data-workspace") || "";
  var base;
  try { base = new URL(script.src).origin; } catch (e) { return; }
  var lang = script.getAttribute("data-lang") || document.documentElement.lang || "uz";

  function start() {
    try { run(); } catch (e) { console.warn("ChatFlow: " + e); }
  }

  function run() {
    fetch(base + "/v1/public/widgets/" + encodeURIComponent(ws), { credentials: "omit" })
      .then(function (r) {
        if (r.status === 403) {
          console.warn("ChatFlow: " + location.host + " is not in this widget's allowed domains; " +
            "add it under Widget → Domains (PATCH /v1/widget/config) to show the chat here.");
          return null;
        }
        return r.ok ? r.json() : null;
      })
      .then(function (config) { if (config) paint(config); })
      .catch(function () { /* offline or blocked: the page stays as it was */ });
  }

  // WCAG relative luminance; dark text on light brand colours, white otherwise.
  function onColor(hex) {
    var c = [1, 3, 5].map(function (i) {
      var v = parseInt(hex.substr(i, 2), 16) / 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    var l = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    return l > 0.179 ? "#111827" : "#ffffff";
  }

  function paint(config) {
    var host = document.createElement("div");
    host.id = "chatflow-widget";
    var shadow = host.attachShadow({ mode: "open" });
    var style = document.createElement("style");
    style.textContent = CSS;
    var root = document.createElement("div");
    root.className = "cf-root cf-pos-" + config.position + " cf-shape-" + config.shape;
    root.style.setProperty("--cf-color", config.color);
    root.style.setProperty("--cf-on-color", onColor(config.color));
    var button = document.createElement("button");
    button.type = "button";
    button.className = "cf-launcher";
    button.setAttribute("data-testid", "cf-launcher");
    button.setAttribute("aria-haspopup", "dialog");
    button.setAttribute("aria-expanded", "false");
    var icon = document.createElement("span");
    icon.className = "cf-launcher-icon";
    icon.setAttribute("aria-hidden", "true");
    var label = document.createElement("span");
    label.className = "cf-launcher-text";
    label.textContent = config.button_text;
    button.appendChild(icon);
    button.appendChild(label);
    root.appendChild(button);
    shadow.appendChild(style);
    shadow.appendChild(root);
    document.body.appendChild(host);

    var loading = null;
    var wantOpen = false;
    function load() {
      if (loading) return loading;
      loading = import(base + "/widget/chatflow_widget.js").then(function (m) {
        return m.default({ module_or_path: base + "/widget/chatflow_widget_bg.wasm" }).then(function () {
          root.removeChild(button);
          m.mount(root, lang, config.button_text, config.welcome_message, config.offline_message,
            !!config.agents_online, !!config.branding.show_powered_by, config.branding.logo_url || undefined,
            wantOpen);
          window.dispatchEvent(new CustomEvent("chatflow:ready"));
        });
      }).catch(function (e) { loading = null; console.warn("ChatFlow: could not load the chat: " + e); });
      return loading;
    }
    button.addEventListener("click", function () { wantOpen = true; load(); });
    button.addEventListener("pointerenter", load);
    button.addEventListener("focus", load);
    var idle = window.requestIdleCallback || function (f) { return setTimeout(f, 200); };
    if (document.readyState === "complete") idle(load);
    else window.addEventListener("load", function () { idle(load); });
  }

  var CSS = "/*CSS*/";

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
