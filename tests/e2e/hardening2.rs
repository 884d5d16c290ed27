//! The console's hardening: a strict Content-Security-Policy on every console response
//! (no inline script), the `__Host-` session cookie, and the visitor badge that says an
//! identity is only claimed.

use serde_json::json;
use shared_types::visitor::SessionResponse;
use shared_types::widget::IdentitySecret;

use crate::browser::Browser;
use crate::client::Ctx;
use crate::console::{
    el, login, session_cookie, sign_in, test_workspace, unique_email, workspace_with_password,
    PASSWORD, WAIT,
};

crate::tests![
    every_console_response_carries_the_strict_csp_and_the_page_has_no_inline_script,
    the_session_cookie_is_host_only_and_the_old_name_is_no_session,
    in_the_browser_the_console_signs_in_under_its_csp_without_a_violation,
    in_the_browser_unverified_visitors_carry_a_badge_and_verified_ones_none,
];

fn policy() -> String {
    std::fs::read_to_string(crate::harness::repo_root().join("console/content-security-policy.txt"))
        .expect("console/content-security-policy.txt")
        .trim_end()
        .to_string()
}

fn every_console_response_carries_the_strict_csp_and_the_page_has_no_inline_script(ctx: &Ctx) {
    let policy = policy();
    for directive in [
        "script-src 'self' 'wasm-unsafe-eval'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "connect-src 'self' ws: wss:",
    ] {
        assert!(policy.contains(directive), "{directive} in {policy}");
    }
    let script_src = policy
        .split(';')
        .find(|d| d.trim().starts_with("script-src"))
        .unwrap_or_default();
    assert!(!script_src.contains("unsafe-inline"), "{script_src}");

    let page = ctx.client.send("GET", "/console/", &[], None);
    assert_eq!(page.status, 200);
    // The page's scripts all have a src: no inline script is left to allow.
    let scripts: Vec<&str> = page.text.split("<script").skip(1).collect();
    assert!(!scripts.is_empty(), "{}", page.text);
    for script in &scripts {
        let open_tag = script.split('>').next().unwrap_or_default();
        assert!(open_tag.contains("src="), "inline script in: {}", page.text);
    }
    let init = scripts
        .iter()
        .find_map(|s| s.split("src=\"").nth(1)?.split('"').next())
        .expect("a script src")
        .to_string();
    // Static files (the page, its scripts) and the worker's answer for deep links.
    for path in [
        "/console/",
        "/console/index.html",
        init.as_str(),
        "/console/chats/chat_abc123",
    ] {
        let resp = ctx.client.send("GET", path, &[], None);
        assert_eq!(resp.status, 200, "{path}: {}", resp.text);
        assert_eq!(
            resp.header("content-security-policy"),
            Some(policy.as_str()),
            "{path}"
        );
        assert_eq!(
            resp.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
    }
    let deep = ctx
        .client
        .send("GET", "/console/chats/chat_abc123", &[], None);
    assert_eq!(deep.header("x-frame-options"), Some("DENY"));
    assert!(
        deep.text.contains(&init),
        "the deep link serves the same page"
    );
}

fn the_session_cookie_is_host_only_and_the_old_name_is_no_session(ctx: &Ctx) {
    let email = unique_email("host-cookie");
    workspace_with_password(ctx, &email);
    let resp = login(ctx, &email, PASSWORD);
    assert_eq!(resp.status, 200, "{}", resp.text);
    let set = resp.header("set-cookie").unwrap_or_default().to_string();
    let attributes: Vec<&str> = set.split(';').map(str::trim).collect();
    assert!(attributes[0].starts_with("__Host-cf_session=cfs_"), "{set}");
    assert!(
        attributes.contains(&"Secure") && attributes.contains(&"Path=/"),
        "{set}"
    );
    assert!(!set.to_ascii_lowercase().contains("domain="), "{set}");
    let cookie = session_cookie(&resp);
    let me = ctx
        .client
        .send("GET", "/v1/auth/me", &[("Cookie", &cookie)], None);
    assert_eq!(me.status, 200, "{}", me.text);
    // The same token under the old, unprefixed name (which a subdomain could plant) is
    // no session.
    let token = cookie.split_once('=').map(|(_, t)| t).unwrap_or_default();
    let old = ctx.client.send(
        "GET",
        "/v1/auth/me",
        &[("Cookie", &format!("cf_session={token}"))],
        None,
    );
    assert_eq!(old.status, 401, "{}", old.text);
    // Logging out clears the prefixed cookie.
    let out = ctx.client.send(
        "POST",
        "/v1/auth/logout",
        &[("Cookie", &cookie), ("X-ChatFlow-Console", "1")],
        None,
    );
    let cleared = out.header("set-cookie").unwrap_or_default();
    assert!(cleared.starts_with("__Host-cf_session=;"), "{cleared}");
}

/// Records every CSP violation of every page the tab opens, from before its first script.
const RECORD_VIOLATIONS: &str = "window.__violations = [];
document.addEventListener('securitypolicyviolation', e =>
  window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));";

fn in_the_browser_the_console_signs_in_under_its_csp_without_a_violation(ctx: &Ctx) {
    let email = unique_email("csp");
    workspace_with_password(ctx, &email);
    let browser = Browser::start(1280, 800);
    browser.cdp(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({"source": RECORD_VIOLATIONS}),
    );
    sign_in(&browser, ctx, &email, PASSWORD);
    browser.wait_for(&format!("return {} !== null;", el("chat-list")), WAIT);
    // The socket to the inbox opens under connect-src too.
    let violations = browser.eval("return window.__violations;", json!([]));
    assert_eq!(violations, json!([]), "violations while signing in");
    // The policy is in force and the recorder hears it: an injected inline script is
    // refused and reported.
    browser.eval(
        "const s = document.createElement('script'); s.textContent = 'window.__ran = 1';
         document.head.appendChild(s);",
        json!([]),
    );
    browser.wait_for("return window.__violations.length > 0;", WAIT);
    assert_eq!(
        browser.eval("return window.__ran === undefined;", json!([])),
        json!(true)
    );
    let got = browser.eval("return window.__violations[0];", json!([]));
    assert!(
        got.as_str().unwrap_or_default().starts_with("script-src"),
        "{got}"
    );
}

fn in_the_browser_unverified_visitors_carry_a_badge_and_verified_ones_none(ctx: &Ctx) {
    let email = unique_email("badge");
    let ws = test_workspace(ctx, workspace_with_password(ctx, &email));
    let secret: IdentitySecret = ws
        .post("/v1/widget/identity-secret", &json!({}))
        .expect(201);
    let start = |visitor: serde_json::Value| {
        let session: SessionResponse = ws
            .client
            .send(
                "POST",
                &format!("/v1/public/widgets/{}/sessions", ws.id),
                &[("Origin", "https://shop.example")],
                Some(&json!({ "visitor": visitor })),
            )
            .expect(201);
        let started: shared_types::visitor::StartedChat = ws
            .client
            .post(
                "/v1/visitor/chats",
                &session.visitor_token,
                &json!({"text": "Salom"}),
            )
            .expect(201);
        started.chat.id.as_str().to_string()
    };
    let hash = {
        use hmac::Mac;
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.secret.as_bytes())
            .expect("any key length");
        mac.update(b"ali@shop.example");
        hex::encode(mac.finalize().into_bytes())
    };
    let verified = start(json!({"name": "Ali", "email": "ali@shop.example", "user_hash": hash}));
    let claimed = start(json!({"name": "Boss", "email": "boss@shop.example"}));

    let browser = Browser::start(1280, 800);
    // navigator.language follows the Accept-Language override, as in console_polish.
    browser.cdp("Emulation.setLocaleOverride", json!({"locale": "ru-RU"}));
    let ua = browser.eval("return navigator.userAgent;", json!([]));
    browser.cdp(
        "Network.setUserAgentOverride",
        json!({"userAgent": ua, "acceptLanguage": "ru-RU"}),
    );
    sign_in(&browser, ctx, &email, PASSWORD);
    let row_badge = |chat: &str| {
        format!(
            "const row = document.querySelector('[data-testid=\"chat-row\"][data-chat-id=\"{chat}\"]');
             if (!row) return null;
             const b = row.querySelector('[data-testid=\"row-unverified\"]');
             return b ? [b.textContent, b.title] : 'none';"
        )
    };
    let badge = browser.wait_for(&row_badge(&claimed), WAIT);
    assert_eq!(badge[0], "не подтверждён", "{badge}");
    assert!(
        badge[1].as_str().unwrap_or_default().contains("email"),
        "{badge}"
    );
    assert_eq!(browser.wait_for(&row_badge(&verified), WAIT), json!("none"));

    // The chat's own view says it beside the visitor's name.
    let open = |chat: &str| {
        browser.eval(
            &format!("document.querySelector('[data-testid=\"chat-row\"][data-chat-id=\"{chat}\"]').click();"),
            json!([]),
        );
    };
    open(&claimed);
    browser.wait_for(
        &format!(
            "const v = {}; const b = {}; return v && v.textContent.includes('Boss') && b && b.title.length > 0;",
            el("chat-visitor"),
            el("visitor-unverified")
        ),
        WAIT,
    );
    open(&verified);
    browser.wait_for(
        &format!(
            "const v = {}; return v && v.textContent.includes('Ali') && {} === null;",
            el("chat-visitor"),
            el("visitor-unverified")
        ),
        WAIT,
    );
}
