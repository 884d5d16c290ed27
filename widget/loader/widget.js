/* ChatFlow widget loader: the one script a site owner embeds,
 *   <script src="https://<chatflow>/widget/widget.js" data-workspace="ws_…" async></script>
 * (optional data-lang="uz|ru|en", else the page's <html lang>, else Uzbek).
 *
 * It fetches the public config at once and paints the launcher from it inside an open
 * shadow root, so no style leaks either way. It is a facade: the Leptos app
 * (wasm-bindgen glue + wasm, about 80 KB gzip) loads only when the visitor engages
 * (hover, focus, touch or click on the launcher, ChatFlow.open()), when a trigger fires
 * (triggers are evaluated here), or at once for a conversation already under way. The
 * app then adopts the launcher and adds the panel (widget/src/lib.rs `mount`), reusing
 * the config fetched here. A click before the wasm is compiled gets the panel from the
 * glue at once (shell.mjs), then the app's. Until then window.ChatFlow is this script's.
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
  function paint(config, base, lang, ws) {
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
    var theme = /^(dark|auto)$/.test(config.theme) ? config.theme : "light";
    var root = el("div", "cf-root cf-pos-" + config.position + " cf-shape-" + config.shape +
      " cf-theme-" + theme, shadow);
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

    // The app (glue + wasm) is fetched only once the visitor engages: a hover, focus,
    // touch or click on the launcher, a call to ChatFlow.open(), a trigger firing, or a
    // conversation already under way in this browser. Until then the widget costs the
    // page this script and the config, nothing more.
    var app = null;
    var loading = null;
    var wantOpen = false;
    var nudge = null;
    var invite = null;
    var visitor = null;
    var load = safely(function () {
      if (loading) return;
      // ?v= ties the glue and the wasm to one build, so a browser never pairs a cached
      // glue with a newer wasm; both may then be cached for long. The wasm is fetched and
      // compiled while it streams in, at the same time as the glue loads (not after it);
      // if the server's MIME type stops compileStreaming, the glue gets the URL and
      // falls back itself.
      // The glue draws the panel the moment it is in, if the visitor has clicked, so
      // they can type while the wasm compiles (widget/loader/shell.mjs).
      var glue = import(base + "chatflow_widget.js?v=" + VERSION).then(function (m) {
        m.prepare(root, config, lang, wantOpen);
        return m;
      });
      var wasm = base + "chatflow_widget_bg.wasm?v=" + VERSION;
      var compiled = WebAssembly.compileStreaming(fetch(wasm))
        .catch(function () { return wasm; });
      loading = Promise.all([glue, compiled])
        .then(function (r) {
          return r[0].default({ module_or_path: r[1] }).then(function () { return r[0]; });
        })
        .then(safely(function (m) {
          engage.forEach(function (e) { button.removeEventListener(e, load); });
          button.removeEventListener("click", reach);
          // mount replaces open/close/toggle/identify on window.ChatFlow with the app's.
          m.mount(root, button, config, lang, wantOpen, nudge);
          app = m;
          if (invite) offer(invite);
          if (visitor) api.identify(visitor);
          button.removeAttribute("aria-busy");
          window.dispatchEvent(new CustomEvent("chatflow:ready"));
        }))
        .catch(function (e) {
          // Keep the launcher; the next hover or click tries again.
          loading = null;
          button.removeAttribute("aria-busy");
          warn("could not load: " + (e && e.message || e));
        });
    });
    // A click before the app is in opens the panel as soon as it is.
    var reach = function () {
      wantOpen = true;
      if (!app) button.setAttribute("aria-busy", "true");
      load();
    };
    var engage = ["pointerenter", "pointerdown", "touchstart", "focus"];
    button.addEventListener("click", reach);
    engage.forEach(function (e) { button.addEventListener(e, load, { passive: true }); });

    // The site's API before the app is in; calls that need the app bring it.
    var api = window.ChatFlow = {
      open: function () { reach(); },
      close: function () { wantOpen = false; },
      toggle: function () { wantOpen ? (wantOpen = false) : reach(); },
      identify: function (v) { if (v && typeof v === "object") visitor = v; },
      on: function (name, handler) {
        if (typeof handler !== "function") return;
        if (name === "ready" && app) return handler();
        window.addEventListener("chatflow:" + name, function (ev) { handler(ev.detail); });
      },
    };

    // A trigger that fires shows its message, which needs the app.
    arm(config.triggers, ws, function (t) {
      if (wantOpen || button.getAttribute("aria-expanded") === "true") return false;
      if (app) app.nudge(t.message);
      else { nudge = t.message; load(); }
      return true;
    });

    // An agent's invitation (a presence beat's answer) shows like a trigger's message.
    var offer = function (i) {
      if (app) app.invite(i.id, i.text, i.agent_name);
      else { invite = i; load(); }
    };

    // A returning visitor in a conversation gets it at once (replies may be waiting).
    try {
      var session = JSON.parse(localStorage.getItem("chatflow:" + ws) || "null");
      if (session && session.chat_id) load();
    } catch (e) { /* storage refused: no conversation to resume */ }
    return offer;
  }

  // A trigger's url_pattern (validated by the server): "*", an exact path (a trailing
  // slash does not count), or "/base/*" for the base and everything under it.
  function matches(pattern, path) {
    if (typeof pattern !== "string") return false;
    pattern = pattern.trim();
    if (pattern === "*") return true;
    if (pattern.slice(-2) === "/*") {
      var b = pattern.slice(0, -2);
      return path.indexOf(b) === 0 && (path.length === b.length || path.charAt(b.length) === "/");
    }
    var bare = function (p) { return p.length > 1 && p.slice(-1) === "/" ? p.slice(0, -1) : p; };
    return bare(path) === bare(pattern);
  }

  // Watches each active trigger whose pattern matches this page for its condition (page
  // load, visible time on the page, scrolling past half the page, the pointer leaving
  // towards the browser's chrome on desktop), then its delay. A trigger fires at most
  // once per visitor session (sessionStorage), and only when `show` accepts it.
  function arm(triggers, ws, show) {
    var key = "chatflow:fired:" + ws;
    var fired = function () {
      try { return (sessionStorage.getItem(key) || "").split(","); } catch (e) { return []; }
    };
    var path = location.pathname || "/";
    (Array.isArray(triggers) ? triggers : []).forEach(function (t) {
      if (!t || !t.id || !t.message || !matches(t.url_pattern, path) || fired().indexOf(t.id) >= 0) return;
      var delay = (+t.delay_seconds || 0) * 1000;
      var fire = safely(function () {
        var done = fired();
        if (done.indexOf(t.id) >= 0 || !show(t)) return;
        done.push(t.id);
        try { sessionStorage.setItem(key, done.join(",")); } catch (e) { /* once per page then */ }
      });
      var later = function () { setTimeout(fire, delay); };
      var left = delay - performance.now();
      if (t.condition === "page_load") setTimeout(fire, left);
      else if (t.condition === "time_on_page") {
        // Counts only while the page is visible (the time before this script counts
        // too): one timer for what is left, stopped while the page is hidden, rather
        // than an interval that would cost the page a task four times a second.
        var timer = 0, from;
        var count = function () {
          if (timer) { clearTimeout(timer); timer = 0; left -= performance.now() - from; }
          if (document.hidden) return;
          from = performance.now();
          timer = setTimeout(function () {
            document.removeEventListener("visibilitychange", count);
            fire();
          }, left);
        };
        document.addEventListener("visibilitychange", count);
        count();
      } else if (t.condition === "scroll_depth") {
        // Checked at most once a frame: reading the page's height may lay it out.
        var frame = 0;
        var check = function () {
          frame = 0;
          if (scrollY + innerHeight < document.documentElement.scrollHeight / 2) return;
          removeEventListener("scroll", scrolled, true);
          later();
        };
        var scrolled = function () { frame = frame || requestAnimationFrame(check); };
        addEventListener("scroll", scrolled, { capture: true, passive: true });
      } else if (t.condition === "exit_intent" && !matchMedia("(pointer: coarse)").matches) {
        // Touch screens have no pointer to leave with.
        var out = function (ev) {
          if (ev.relatedTarget || ev.clientY > 0) return;
          removeEventListener("mouseout", out, true);
          later();
        };
        addEventListener("mouseout", out, { capture: true, passive: true });
      }
    });
  }

  // Who is on the site now: a page view at once and on every navigation of the page's
  // own router (pushState, replaceState, popstate), a ping every 30 s while the tab is
  // shown. Plain fetches that bring no wasm; a browser keeps one random id per
  // workspace, and a visitor with a session sends its token so agents see who it is.
  // An answer with a body (200) carries an agent's invitation, handed to `offer`.
  function presence(origin, ws, offer) {
    var key = "chatflow:pv:" + ws, id, anon, at = location.href;
    try {
      id = localStorage.getItem(key);
      if (!/^pv_\w{20}$/.test(id)) {
        id = "pv_" + crypto.randomUUID().replace(/-/g, "").slice(0, 20);
        localStorage.setItem(key, id);
      }
    } catch (e) { return; } // storage refused: nobody to count
    var beat = safely(function (kind) {
      var h = { "Content-Type": "application/json" };
      var s = JSON.parse(localStorage.getItem("chatflow:" + ws) || "{}");
      if (s.token && !anon) h.Authorization = "Bearer " + s.token;
      fetch(origin + "/v1/public/widgets/" + ws + "/presence", {
        method: "POST", keepalive: true, headers: h,
        body: JSON.stringify({
          presence_id: id, kind: kind, page_url: at,
          page_title: document.title.slice(0, 300), referrer: document.referrer.slice(0, 2000)
        })
      }).then(function (r) {
        anon = anon || r.status == 401;
        if (r.status == 200) return r.json().then(function (j) { offer(j.invitation); });
      }).catch(function () {});
    });
    var moved = function () {
      if (location.href != at) { at = location.href; beat("view"); }
    };
    ["pushState", "replaceState"].forEach(function (m) {
      var f = history[m];
      history[m] = function () { f.apply(this, arguments); moved(); };
    });
    addEventListener("popstate", moved);
    beat("view");
    setInterval(function () { document.hidden || beat("ping"); }, 30000);
  }

  safely(function () {
    var script = document.currentScript;
    if (!script || window.__chatflow) return;
    window.__chatflow = true;
    var ws = script.getAttribute("data-workspace");
    if (!ws) {
      warn("no data-workspace on the script tag.");
      return;
    }
    // The config request is the last thing this task does, and everything that can wait
    // for its answer does (the page's language, the base URL, <body>): the script's own
    // task is what Lighthouse charges to the host page before anyone engages.
    var src = script.src;
    var origin = new URL(src).origin;
    fetch(origin + "/v1/public/widgets/" + encodeURIComponent(ws), { credentials: "omit" })
      .then(function (r) {
        if (r.ok) return r.json();
        // Short, as every byte here is paid by every page; the README says the rest.
        warn(r.status === 403
          ? location.hostname + " is not in the widget domains of " + ws
          : "no widget config for " + ws + " (HTTP " + r.status + ")");
        return null;
      })
      .then(function (c) {
        if (!c) return;
        // The app talks to the API this script came from, for this workspace.
        c.api_base = origin;
        c.workspace = ws;
        var start = safely(function () {
          var lang = script.getAttribute("data-lang") || document.documentElement.lang || "uz";
          var offer = paint(c, new URL(".", src).href, lang, ws);
          if (offer) presence(origin, ws, safely(offer));
        });
        if (document.body) start();
        else document.addEventListener("DOMContentLoaded", start);
      })
      .catch(function (e) { warn("could not start: " + (e && e.message || e)); });
  })();
})();
