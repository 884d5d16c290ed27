//! The widget on a site with a strict Content-Security-Policy: a host page on its own
//! origin that sends its base policy plus exactly the directives the README tells site
//! owners to add for ChatFlow, and nothing more.

use serde_json::json;

use crate::browser::Browser;
use crate::client::Ctx;
use crate::host_page::{page_html, HostPage, Page};
use crate::widget_page::{open_panel, type_and_send, wait_for_messages};

crate::tests![the_widget_works_under_the_csp_the_readme_documents];

/// The README's directives for a ChatFlow at `origin` (`https://…`; `ws(s)://` for
/// the socket), added to a site whose own policy allows only itself.
fn policy(origin: &str) -> String {
    let socket = origin
        .replacen("https://", "wss://", 1)
        .replacen("http://", "ws://", 1);
    format!(
        "default-src 'self'; \
         script-src 'self' {origin} 'wasm-unsafe-eval'; \
         connect-src 'self' {origin} {socket}; \
         img-src 'self' {origin}; \
         style-src 'self'"
    )
}

/// Notes every CSP violation the page reports, before the page's own scripts run.
const VIOLATIONS: &str = "window.__csp = []; \
    document.addEventListener('securitypolicyviolation', \
      (e) => __csp.push(e.violatedDirective + ' ' + e.blockedURI), true);";

fn the_widget_works_under_the_csp_the_readme_documents(ctx: &Ctx) {
    let ws = ctx.workspace();
    let api = ctx.server.base_url.as_str();
    let host = HostPage::start(vec![Page {
        path: "/shop".into(),
        html: page_html("CSP bilan do'kon", Some((api, &ws.id))),
        headers: vec![("Content-Security-Policy".into(), policy(api))],
    }]);
    let browser = Browser::start(1280, 800);
    browser.cdp(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": VIOLATIONS }),
    );
    browser.goto(&host.url("/shop"));
    // The policy is the page's: an inline script of the test's own is refused.
    browser.eval(
        "const s = document.createElement('script'); s.textContent = 'window.__inline = 1'; \
         document.head.appendChild(s);",
        json!([]),
    );
    open_panel(&browser);
    type_and_send(&browser, "CSP ostida salom");
    wait_for_messages(&browser, &["CSP ostida salom"]);
    let chat_id = ws.newest_chat_id();
    // The agent's reply arrives over the socket (connect-src's ws(s) origin).
    ws.reply(&chat_id, "Javob soket orqali");
    wait_for_messages(&browser, &["CSP ostida salom", "Javob soket orqali"]);
    // The launcher and the panel are styled (constructed sheets pass style-src 'self').
    let styled = browser.eval(
        "const r = document.getElementById('chatflow-widget').shadowRoot; \
         return [getComputedStyle(r.querySelector('[data-testid=\"cf-launcher\"]')).backgroundColor, \
                 getComputedStyle(r.querySelector('[data-testid=\"cf-panel\"]')).display];",
        json!([]),
    );
    assert_eq!(styled, json!(["rgb(79, 70, 229)", "flex"]));
    let report = browser.eval("return [window.__inline || 0, __csp];", json!([]));
    assert_eq!(report[0], 0, "the host page's policy is in force: {report}");
    let violations: Vec<String> = report[1]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(String::from))
        .filter(|v| !v.starts_with("script-src-elem inline"))
        .collect();
    assert!(
        violations.is_empty(),
        "the widget broke the policy: {violations:?}"
    );
}
