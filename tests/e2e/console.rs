//! The agent console: email/password sign-in, the session cookie standing in for an API
//! key on the public API (roles and the CSRF guard included), invitations, and the
//! console itself in headless Chromium.

use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{json, Value};
use shared_types::admin::CreateWorkspaceResponse;
use shared_types::auth::{CreatedAgent, SessionInfo};
use shared_types::error::ErrorCode;

use std::time::Duration;

use shared_types::chats::{ChatDetail, ChatStatus, ConversationMessage};
use shared_types::visitor::StartedChat;
use shared_types::DataList;

use crate::browser::Browser;
use crate::client::{Ctx, Resp, TestWorkspace};
use crate::harness::eventually;

pub const PASSWORD: &str = "correct horse battery";

/// An email no other test uses (the throttle counts per email).
pub fn unique_email(tag: &str) -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    format!(
        "{tag}-{}-{nanos}-{}@console.example",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// A workspace whose owner has a console password.
pub fn workspace_with_password(ctx: &Ctx, email: &str) -> CreateWorkspaceResponse {
    ctx.client
        .post(
            "/v1/admin/workspaces",
            ctx.admin_token(),
            &json!({"name": "Console Shop",
                    "owner": {"name": "Sara", "email": email, "password": PASSWORD}}),
        )
        .expect(201)
}

/// Signs in, returning 429s rather than waiting them out.
pub fn login(ctx: &Ctx, email: &str, password: &str) -> Resp {
    ctx.client.impatient().send(
        "POST",
        "/v1/auth/login",
        &[],
        Some(&json!({"email": email, "password": password})),
    )
}

/// `__Host-cf_session=<token>` from a sign-in's `Set-Cookie`, as a browser would send it back.
pub fn session_cookie(resp: &Resp) -> String {
    let set = resp
        .header("set-cookie")
        .unwrap_or_else(|| panic!("no Set-Cookie: {}", resp.text));
    set.split(';').next().unwrap_or_default().trim().to_string()
}

/// A request the way the console makes it: the cookie and the console's header.
pub fn as_console(ctx: &Ctx, method: &str, path: &str, cookie: &str, body: Option<&Value>) -> Resp {
    ctx.client.send(
        method,
        path,
        &[("Cookie", cookie), ("X-ChatFlow-Console", "1")],
        body,
    )
}

fn sessions_of(ctx: &Ctx, agent_id: &str) -> u64 {
    ctx.server.d1(&format!(
        "SELECT COUNT(*) AS n FROM sessions WHERE agent_id = '{agent_id}'"
    ))[0]["n"]
        .as_u64()
        .unwrap_or(u64::MAX)
}

#[crate::e2e_test]
fn login_sets_a_strict_http_only_cookie_that_works_on_the_api(ctx: &Ctx) {
    let email = unique_email("owner");
    let ws = workspace_with_password(ctx, &email);
    // Any case of the email signs in.
    login(ctx, &email, PASSWORD).expect::<SessionInfo>(200);
    let resp = login(ctx, &email.to_uppercase(), PASSWORD);
    let info: SessionInfo = resp.expect(200);
    assert_eq!(info.agent.id, ws.agent.id);
    assert_eq!(info.workspace.id, ws.workspace.id);
    let set = resp.header("set-cookie").unwrap_or_default().to_string();
    let attributes: Vec<&str> = set.split(';').map(str::trim).collect();
    for wanted in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
        assert!(attributes.contains(&wanted), "{wanted} missing in {set}");
    }
    let max_age = attributes
        .iter()
        .find_map(|a| a.strip_prefix("Max-Age="))
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0);
    assert!(max_age >= 3600, "{set}");
    let token = session_cookie(&resp);
    assert!(token.starts_with("__Host-cf_session=cfs_"), "{token}");
    assert!(!set.contains("Domain"), "{set}");
    // Only the token's hash is stored.
    let stored = ctx.server.d1(&format!(
        "SELECT token_hash FROM sessions WHERE agent_id = '{}'",
        ws.agent.id
    ));
    assert!(!stored
        .to_string()
        .contains(&token["__Host-cf_session=".len()..]));

    // The console's page may not be framed (clickjacking) nor sniffed.
    for path in ["/console/", "/console/index.html"] {
        let page = ctx.client.send("GET", path, &[], None);
        assert_eq!(page.status, 200, "{path}");
        assert_eq!(page.header("x-frame-options"), Some("DENY"), "{path}");
        assert_eq!(
            page.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
    }

    // The cookie is a caller like an API key, reads need no console header.
    let me: SessionInfo = ctx
        .client
        .send("GET", "/v1/auth/me", &[("Cookie", &token)], None)
        .expect(200);
    assert_eq!(me.agent.email, email);
    let chats = ctx.client.send(
        "GET",
        "/v1/chats?status=active",
        &[("Cookie", &token)],
        None,
    );
    assert_eq!(chats.status, 200, "{}", chats.text);
    // A person's budget, not a program's: opening a chat takes about eight requests.
    assert_eq!(chats.header("x-ratelimit-limit"), Some("600"));
    // The stored hash has the documented format.
    let hash = ctx.server.d1(&format!(
        "SELECT password_hash FROM agents WHERE id = '{}'",
        ws.agent.id
    ))[0]["password_hash"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(hash.starts_with("pbkdf2_sha256$100000$"), "{hash}");
    assert!(!hash.contains(PASSWORD));
}

#[crate::e2e_test]
fn wrong_password_or_unknown_email_is_401_auth_001_and_makes_no_session(ctx: &Ctx) {
    let email = unique_email("wrong");
    let ws = workspace_with_password(ctx, &email);
    let resp = login(ctx, &email, "not the password");
    resp.assert_error(ErrorCode::AuthInvalidCredentials);
    assert_eq!(resp.header("set-cookie"), None);
    assert_eq!(
        resp.json()["error"]["message_en"],
        "Invalid email or password"
    );
    login(ctx, &unique_email("nobody"), PASSWORD).assert_error(ErrorCode::AuthInvalidCredentials);
    assert_eq!(sessions_of(ctx, ws.agent.id.as_str()), 0);
    // A body that is not a sign-in is the usual 400, not a failure counted against anyone.
    ctx.client
        .send(
            "POST",
            "/v1/auth/login",
            &[],
            Some(&json!({"email": email})),
        )
        .assert_error(ErrorCode::Validation);
    login(ctx, &email, PASSWORD).expect::<SessionInfo>(200);
}

#[crate::e2e_test]
fn repeated_failures_for_an_email_are_throttled_with_retry_after(ctx: &Ctx) {
    let email = unique_email("throttle");
    let ws = workspace_with_password(ctx, &email);
    for _ in 0..5 {
        login(ctx, &email, "guess").assert_error(ErrorCode::AuthInvalidCredentials);
    }
    // Even the right password waits now: the guesser must not learn it is right.
    let resp = login(ctx, &email, PASSWORD);
    resp.assert_error(ErrorCode::RateLimited);
    let wait: u64 = resp
        .header("retry-after")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    assert!((1..=900).contains(&wait), "Retry-After {wait}");
    assert_eq!(sessions_of(ctx, ws.agent.id.as_str()), 0);
    // Another agent's email is not affected.
    let other = unique_email("unaffected");
    workspace_with_password(ctx, &other);
    login(ctx, &other, PASSWORD).expect::<SessionInfo>(200);
}

#[crate::e2e_test]
fn a_burst_of_parallel_guesses_gets_no_more_than_five_checked(ctx: &Ctx) {
    let email = unique_email("burst");
    let ws = workspace_with_password(ctx, &email);
    // Each attempt is counted before its password is checked, so attempts made at the
    // same moment cannot all pass the check together.
    let codes: Vec<String> = std::thread::scope(|scope| {
        let guesses: Vec<_> = (0..8)
            .map(|i| {
                let email = &email;
                scope.spawn(move || {
                    let resp = login(ctx, email, &format!("guess {i}"));
                    resp.json()["error"]["code"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string()
                })
            })
            .collect();
        guesses
            .into_iter()
            .map(|g| g.join().expect("guess"))
            .collect()
    });
    let checked = codes.iter().filter(|c| *c == "AUTH-001").count();
    let refused = codes.iter().filter(|c| *c == "RATE-001").count();
    assert_eq!((checked, refused), (5, 3), "{codes:?}");
    // The refused ones were not counted as failures of their own: exactly five rows.
    let failures = ctx.server.d1(&format!(
        "SELECT COUNT(*) AS n FROM login_failures WHERE subject = 'email:{email}'"
    ))[0]["n"]
        .as_u64();
    assert_eq!(failures, Some(5));
    assert_eq!(sessions_of(ctx, ws.agent.id.as_str()), 0);
}

#[crate::e2e_test]
fn logout_ends_the_session_and_clears_the_cookie(ctx: &Ctx) {
    let email = unique_email("logout");
    workspace_with_password(ctx, &email);
    let cookie = session_cookie(&login(ctx, &email, PASSWORD));
    // Signing out is a write: another site cannot do it for the agent.
    ctx.client
        .send("POST", "/v1/auth/logout", &[("Cookie", &cookie)], None)
        .assert_error(ErrorCode::AuthCsrf);
    let resp = as_console(ctx, "POST", "/v1/auth/logout", &cookie, None);
    assert_eq!(resp.status, 204, "{}", resp.text);
    assert!(resp
        .header("set-cookie")
        .is_some_and(|c| c.contains("Max-Age=0")));
    as_console(ctx, "GET", "/v1/chats", &cookie, None).assert_error(ErrorCode::AuthSessionInvalid);
}

#[crate::e2e_test]
fn an_invited_operator_signs_in_and_cannot_manage_keys_webhooks_or_widget(ctx: &Ctx) {
    let ws = ctx.workspace();
    let email = unique_email("operator");
    let created: CreatedAgent = ws
        .post(
            "/v1/agents",
            &json!({"name": "Olim", "email": email, "role": "operator"}),
        )
        .expect(201);
    let invitation = created.invitation;
    assert!(invitation.token.starts_with("inv_"));
    assert!(
        invitation
            .url
            .ends_with(&format!("/console/#invite={}", invitation.token)),
        "{}",
        invitation.url
    );
    // No password yet: nothing to sign in with.
    login(ctx, &email, PASSWORD).assert_error(ErrorCode::AuthInvalidCredentials);

    let accept = |token: &str, password: &str| {
        ctx.client.send(
            "POST",
            "/v1/auth/accept-invite",
            &[],
            Some(&json!({"token": token, "password": password, "name": "Olim Karimov"})),
        )
    };
    accept(&invitation.token, "short").assert_error(ErrorCode::Validation);
    let resp = accept(&invitation.token, PASSWORD);
    let info: SessionInfo = resp.expect(200);
    assert_eq!(info.agent.id, created.agent.id);
    assert_eq!(info.agent.name, "Olim Karimov");
    assert!(resp.header("set-cookie").is_some());
    // One use only.
    accept(&invitation.token, PASSWORD).assert_error(ErrorCode::AuthInvitation);
    accept("inv_unknown", PASSWORD).assert_error(ErrorCode::AuthInvitation);

    let cookie = session_cookie(&login(ctx, &email, PASSWORD));
    let refused = [
        ("GET", "/v1/api-keys", None),
        ("POST", "/v1/api-keys", Some(json!({"name": "mine"}))),
        ("GET", "/v1/webhooks", None),
        (
            "POST",
            "/v1/webhooks",
            Some(json!({"url": "https://example.com/hook", "events": ["chat.created"]})),
        ),
        (
            "PATCH",
            "/v1/widget/config",
            Some(json!({"color": "#000000"})),
        ),
    ];
    for (method, path, body) in refused {
        as_console(ctx, method, path, &cookie, body.as_ref())
            .assert_error(ErrorCode::AuthForbidden);
    }
    let config = ws.get("/v1/widget/config").json();
    assert_eq!(config["color"], "#4F46E5", "the operator changed nothing");
    assert_eq!(
        as_console(ctx, "GET", "/v1/chats", &cookie, None).status,
        200
    );
}

#[crate::e2e_test]
fn cookie_writes_need_the_console_header_or_our_origin(ctx: &Ctx) {
    let email = unique_email("csrf");
    workspace_with_password(ctx, &email);
    let cookie = session_cookie(&login(ctx, &email, PASSWORD));
    let keys = |c: &str| {
        as_console(ctx, "GET", "/v1/api-keys", c, None).json()["data"]
            .as_array()
            .map_or(0, Vec::len)
    };
    let before = keys(&cookie);
    let body = json!({"name": "from elsewhere"});
    for headers in [
        vec![("Cookie", cookie.as_str())],
        vec![
            ("Cookie", cookie.as_str()),
            ("Origin", "https://evil.example"),
        ],
        vec![("Cookie", cookie.as_str()), ("X-ChatFlow-Console", "0")],
    ] {
        ctx.client
            .send("POST", "/v1/api-keys", &headers, Some(&body))
            .assert_error(ErrorCode::AuthCsrf);
    }
    assert_eq!(keys(&cookie), before, "a refused write changed nothing");
    // The console's header, or our own origin, is enough.
    let origin = ctx.client.base_url.clone();
    let resp = ctx.client.send(
        "POST",
        "/v1/api-keys",
        &[("Cookie", &cookie), ("Origin", &origin)],
        Some(&body),
    );
    assert_eq!(resp.status, 201, "{}", resp.text);
    let resp = as_console(ctx, "POST", "/v1/realtime/tickets", &cookie, None);
    assert_eq!(resp.status, 201, "{}", resp.text);
    assert_eq!(keys(&cookie), before + 1);
}

#[crate::e2e_test]
fn a_short_owner_password_is_refused_and_provisions_nothing(ctx: &Ctx) {
    let email = unique_email("short");
    let resp = ctx.client.post(
        "/v1/admin/workspaces",
        ctx.admin_token(),
        &json!({"name": "Short", "owner": {"name": "Sara", "email": email, "password": "1234567"}}),
    );
    let envelope = resp.assert_error(ErrorCode::Validation);
    assert!(
        envelope.error.details.to_string().contains("password"),
        "{}",
        resp.text
    );
    let agents = ctx.server.d1(&format!(
        "SELECT COUNT(*) AS n FROM agents WHERE email = '{email}'"
    ));
    assert_eq!(agents[0]["n"], 0);
}

// ---------------------------------------------------------------- in the browser

/// The workspace of a provisioning answer, for the typed helpers.
pub fn test_workspace(ctx: &Ctx, created: CreateWorkspaceResponse) -> TestWorkspace {
    TestWorkspace {
        id: created.workspace.id.as_str().to_string(),
        api_key: created.api_key,
        owner: created.agent,
        client: ctx.client.clone(),
    }
}

pub const WAIT: Duration = Duration::from_secs(20);

/// `document.querySelector('[data-testid=…]')` as script.
pub fn el(testid: &str) -> String {
    format!("document.querySelector('[data-testid=\"{testid}\"]')")
}

/// Sets an input's value as typing would, for the forms that read it on submit.
pub fn fill(browser: &Browser, testid: &str, value: &str) {
    browser.wait_for(&format!("return {} !== null;", el(testid)), WAIT);
    browser.eval(
        &format!("const e = {}; e.value = arguments[0]; e.dispatchEvent(new Event('input', {{bubbles: true}}));", el(testid)),
        json!([value]),
    );
}

/// Clicks once the element is there and enabled and every settings change already
/// made has been answered and shown (`data-settings-busy`), as a person clicks what the
/// page shows: a click racing the answer would act on the row as it was.
pub fn click(browser: &Browser, testid: &str) {
    browser.wait_for(
        &format!(
            "if (Number(document.body.dataset.settingsBusy || 0) > 0) return false; \
             const e = {}; if (!e || e.disabled) return false; e.click(); return true;",
            el(testid)
        ),
        WAIT,
    );
}

/// Opens the console and signs in; returns once the signed-in shell is painted.
pub fn sign_in(browser: &Browser, ctx: &Ctx, email: &str, password: &str) {
    browser.goto(&format!("{}/console/", ctx.server.base_url));
    fill(browser, "signin-email", email);
    fill(browser, "signin-password", password);
    click(browser, "signin-submit");
}

/// The texts of the open chat's messages.
const MESSAGES: &str = "return Array.from(document.querySelectorAll('[data-testid=\"chat-message\"] .text')).map(e => e.textContent);";

fn wait_for_message(browser: &Browser, text: &str) {
    browser.wait_for(
        &format!("const got = (() => {{ {MESSAGES} }})(); return got.includes(arguments[0]) || got.includes({text:?});"),
        WAIT,
    );
}

fn chat_detail(ws: &TestWorkspace, chat_id: &str) -> ChatDetail {
    ws.get(&format!("/v1/chats/{chat_id}")).expect(200)
}

/// Polls the API until `check` holds for the chat (the console's PATCH is in flight).
fn wait_for_chat(
    ws: &TestWorkspace,
    chat_id: &str,
    check: impl Fn(&ChatDetail) -> bool,
) -> ChatDetail {
    eventually(
        "the chat to get there",
        WAIT,
        Duration::from_millis(200),
        || {
            let chat = chat_detail(ws, chat_id);
            if check(&chat) {
                Ok(chat)
            } else {
                Err(Box::new(chat))
            }
        },
    )
}

#[crate::e2e_test]
fn in_the_browser_an_owner_answers_a_live_chat_assigns_tags_and_closes_it(ctx: &Ctx) {
    let email = unique_email("browser-owner");
    let ws = test_workspace(ctx, workspace_with_password(ctx, &email));
    let browser = Browser::start(1280, 800);

    // A wrong password shows the catalogue's message and stays on the form.
    sign_in(&browser, ctx, &email, "not the password");
    browser.wait_for(
        &format!(
            "const e = {}; return e && e.textContent === 'Invalid email or password';",
            el("signin-error")
        ),
        WAIT,
    );
    fill(&browser, "signin-password", PASSWORD);
    click(&browser, "signin-submit");
    browser.wait_for(&format!("return {} !== null;", el("chat-list")), WAIT);
    assert_eq!(
        browser.eval(
            &format!("return {}.textContent;", el("agent-name")),
            json!([])
        ),
        "Sara"
    );

    // A visitor writes; the chat appears without a reload, unread.
    let token = ws.visitor("Ali");
    let chat: StartedChat = ws
        .client
        .post(
            "/v1/visitor/chats",
            &token,
            &json!({"text": "Salom, yordam kerak"}),
        )
        .expect(201);
    let chat_id = chat.chat.id.as_str().to_string();
    let row = format!("document.querySelector('[data-chat-id=\"{chat_id}\"]')");
    browser.wait_for(
        &format!("const r = {row}; const b = r && r.querySelector('[data-testid=\"unread\"]'); return b && b.textContent === '1';"),
        WAIT,
    );

    // The tab's title counts it too (a tone and a notification go with a new chat).
    browser.wait_for("return document.title === '(1) ChatFlow console';", WAIT);

    // Open it, read it, answer it: the visitor's API sees the answer.
    browser.eval(&format!("{row}.click();"), json!([]));
    wait_for_message(&browser, "Salom, yordam kerak");
    fill(
        &browser,
        "reply-input",
        "Assalomu alaykum! Qanday yordam bera olaman?",
    );
    click(&browser, "reply-send");
    wait_for_message(&browser, "Assalomu alaykum! Qanday yordam bera olaman?");
    let convo: DataList<ConversationMessage> = ws
        .client
        .get(&format!("/v1/visitor/chats/{chat_id}/messages"), &token)
        .expect(200);
    let reply = convo
        .data
        .iter()
        .find(|m| m.sender.kind.as_str() == "agent");
    assert_eq!(
        reply.map(|m| m.text.as_str()),
        Some("Assalomu alaykum! Qanday yordam bera olaman?")
    );
    // The visitor's next message arrives in the open chat live.
    ws.client
        .post(
            &format!("/v1/visitor/chats/{chat_id}/messages"),
            &token,
            &json!({"text": "Narxlar qancha?"}),
        )
        .expect::<Value>(201);
    wait_for_message(&browser, "Narxlar qancha?");
    // Another agent answers through the API with a file: the console links it.
    let bytes = b"%PDF-1.4 price list".to_vec();
    let up: Value = ws
        .post(
            "/v1/files/upload-url",
            &json!({"filename": "narxlar.pdf", "content_type": "application/pdf", "size_bytes": bytes.len()}),
        )
        .expect(200);
    let put = ctx.client.send_raw(
        "PUT",
        up["upload_url"].as_str().unwrap_or_default(),
        &[("Content-Type", "application/pdf")],
        &bytes,
    );
    assert_eq!(put.status, 200, "{}", put.text);
    let file: Value = ws
        .post(
            "/v1/files/confirm",
            &json!({"file_id": up["file_id"], "chat_id": chat_id}),
        )
        .expect(200);
    ws.post(
        &format!("/v1/chats/{chat_id}/messages"),
        &json!({"text": "Narxlar jadvali", "attachments": [{"type": "file", "url": file["url"]}]}),
    )
    .expect::<Value>(201);
    let url = file["url"].as_str().unwrap_or_default().to_string();
    browser.wait_for(
        &format!(
            "const a = document.querySelector('[data-testid=\"attachment\"]'); \
             return a && a.href === {url:?};"
        ),
        WAIT,
    );
    click(&browser, "assign-me");
    let owner = ws.owner.id.clone();
    wait_for_chat(&ws, &chat_id, |c| c.assigned_to.as_ref() == Some(&owner));
    fill(&browser, "tags-input", "vip, billing");
    click(&browser, "tags-save");
    wait_for_chat(&ws, &chat_id, |c| c.tags == ["vip", "billing"]);
    // The visitor's details show; the team's note is saved.
    browser.wait_for(
        &format!(
            "const e = {}; return e && e.textContent.includes('ali@example.com');",
            el("visitor-details")
        ),
        WAIT,
    );
    fill(&browser, "notes-input", "Asks about the premium plan");
    click(&browser, "notes-save");
    wait_for_chat(&ws, &chat_id, |c| {
        c.notes.as_deref() == Some("Asks about the premium plan")
    });
    click(&browser, "close-chat");
    let closed = wait_for_chat(&ws, &chat_id, |c| c.status == ChatStatus::Closed);
    assert_eq!(closed.tags, ["vip", "billing"]);
    browser.wait_for(&format!("return {} !== null;", el("reopen-chat")), WAIT);

    // The widget's colour changes from its tab, and the preview shows the real widget in it.
    click(&browser, "tab-widget");
    browser.wait_for(
        &format!(
            "const e = {}; return e && e.value === '#4f46e5';",
            el("widget-color")
        ),
        WAIT,
    );
    fill(&browser, "widget-color", "#0ea5e9");
    fill(&browser, "widget-welcome", "Xush kelibsiz!");
    click(&browser, "widget-save");
    let config = eventually(
        "the widget to be saved",
        WAIT,
        Duration::from_millis(200),
        || {
            let config = ws.get("/v1/widget/config").json();
            if config["color"] == "#0EA5E9" {
                Ok(config)
            } else {
                Err(config)
            }
        },
    );
    assert_eq!(config["welcome_message"], "Xush kelibsiz!");
    browser.wait_for(
        &format!(
            "const f = {}; const d = f && f.contentDocument; \
             const h = d && d.getElementById('chatflow-widget'); \
             const b = h && h.shadowRoot && h.shadowRoot.querySelector('[data-testid=\"cf-launcher\"]'); \
             return b && getComputedStyle(b).backgroundColor === 'rgb(14, 165, 233)';",
            el("widget-preview")
        ),
        WAIT,
    );

    // The period's figures count the chat, and the owner's bar is there.
    click(&browser, "tab-analytics");
    browser.wait_for(
        &format!(
            "const o = {}; return o && o.querySelector('dd').textContent === '1' && {} !== null;",
            el("overview"),
            el("agent-stats")
        ),
        WAIT,
    );
}

#[crate::e2e_test]
fn in_the_browser_the_keys_tab_makes_a_working_key_and_revokes_it_and_operators_lack_it(ctx: &Ctx) {
    let email = unique_email("browser-keys");
    let ws = test_workspace(ctx, workspace_with_password(ctx, &email));
    let browser = Browser::start_phone(360, 740);
    sign_in(&browser, ctx, &email, PASSWORD);
    click(&browser, "tab-keys");
    fill(&browser, "key-name", "Zapier");
    click(&browser, "key-create");
    let key = browser
        .wait_for(
            &format!("const e = {}; return e && e.textContent;", el("new-key")),
            WAIT,
        )
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(key.starts_with("cf_live_"), "{key}");
    assert_eq!(ctx.client.get("/v1/agents", &key).status, 200);
    // Nothing overflows a 360 px screen.
    let wide = browser.eval(
        "return [window.innerWidth, document.documentElement.scrollWidth];",
        json!([]),
    );
    assert_eq!(wide, json!([360, 360]), "[viewport, page] width");

    let keys: DataList<shared_types::admin::ApiKey> = ws.get("/v1/api-keys").expect(200);
    let id = keys
        .data
        .iter()
        .find(|k| k.name == "Zapier")
        .map(|k| k.id.as_str().to_string())
        .unwrap_or_default();
    browser.wait_for(
        &format!("const r = document.querySelector('[data-key-id=\"{id}\"] [data-testid=\"key-revoke\"]'); if (!r) return false; r.click(); return true;"),
        WAIT,
    );
    eventually(
        "the key to stop working",
        WAIT,
        Duration::from_millis(200),
        || ctx.client.get("/v1/agents", &key).status != 200,
    );
    ctx.client
        .get("/v1/agents", &key)
        .assert_error(ErrorCode::AuthRevokedKey);

    // A webhook added in its tab shows its secret once and logs its deliveries (to a
    // port nobody listens on: a failed attempt is logged too).
    click(&browser, "tab-webhooks");
    fill(&browser, "webhook-url", "http://127.0.0.1:9/chatflow");
    click(&browser, "webhook-create");
    let secret = browser.wait_for(
        &format!(
            "const e = {}; return e && e.textContent;",
            el("webhook-secret")
        ),
        WAIT,
    );
    assert!(
        secret.as_str().is_some_and(|s| s.starts_with("whsec_")),
        "{secret}"
    );
    ws.chat("webhook, please");
    // Each look reloads the log and gives it half a second to arrive.
    eventually(
        "a delivery in the log",
        Duration::from_secs(30),
        Duration::ZERO,
        || {
            click(&browser, "webhook-log");
            std::thread::sleep(Duration::from_millis(500));
            let rows = browser.eval(
                "return document.querySelectorAll('[data-testid=\"delivery-row\"]').length;",
                json!([]),
            );
            rows.as_u64().unwrap_or(0) > 0
        },
    );

    // The owner invites an operator from the Agents tab; the link signs the operator in,
    // and an operator has no keys tab.
    click(&browser, "tab-agents");
    let operator = unique_email("browser-operator");
    fill(&browser, "invite-name", "Olim");
    fill(&browser, "invite-email", &operator);
    click(&browser, "invite-create");
    let link = browser
        .wait_for(
            &format!(
                "const e = {}; return e && e.textContent;",
                el("invite-link")
            ),
            WAIT,
        )
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(link.contains("/console/#invite=inv_"), "{link}");
    drop(browser);
    let browser = Browser::start(1280, 800);
    browser.goto(&link);
    fill(&browser, "invite-password", PASSWORD);
    click(&browser, "invite-submit");
    browser.wait_for(&format!("return {} !== null;", el("chat-list")), WAIT);
    assert_eq!(
        browser.eval(&format!("return {} === null;", el("tab-keys")), json!([])),
        true
    );
    let agents: DataList<shared_types::agents::Agent> = ws.get("/v1/agents").expect(200);
    assert!(agents
        .data
        .iter()
        .any(|a| a.email == operator && a.role.as_str() == "operator"));
    drop(browser);
    // The password set through the link signs in from the form too.
    let browser = Browser::start(1280, 800);
    sign_in(&browser, ctx, &operator, PASSWORD);
    browser.wait_for(&format!("return {} !== null;", el("chat-list")), WAIT);
    assert_eq!(
        browser.eval(&format!("return {} === null;", el("tab-keys")), json!([])),
        true
    );
}

#[crate::e2e_test]
fn in_the_browser_an_inbox_of_1000_open_chats_paints_a_page_and_loads_more(ctx: &Ctx) {
    let email = unique_email("browser-many");
    let ws = test_workspace(ctx, workspace_with_password(ctx, &email));
    crate::seed::chats(&ctx.server, &ws.id, 1_500, 2);
    let open = ws.get("/v1/chats?status=active").json()["pagination"]["total"]
        .as_u64()
        .unwrap_or_default()
        + ws.get("/v1/chats?status=assigned").json()["pagination"]["total"]
            .as_u64()
            .unwrap_or_default();
    assert_eq!(open, 1_000);

    let browser = Browser::start(1280, 800);
    browser.goto(&format!("{}/console/", ctx.server.base_url));
    fill(&browser, "signin-email", &email);
    fill(&browser, "signin-password", PASSWORD);
    let rows = "return document.querySelectorAll('[data-testid=\"chat-row\"]').length;";
    click(&browser, "signin-submit");
    browser.wait_for(&format!("return (() => {{ {rows} }})() === 100;"), WAIT);
    click(&browser, "load-more");
    browser.wait_for(&format!("return (() => {{ {rows} }})() === 200;"), WAIT);
    // The status filter asks the server again.
    browser.eval(
        &format!(
            "const s = {}; s.value = 'closed'; s.dispatchEvent(new Event('change', {{bubbles: true}}));",
            el("filter-status")
        ),
        json!([]),
    );
    browser.wait_for(
        "const s = Array.from(document.querySelectorAll('[data-testid=\"chat-row-status\"]')).map(e => e.textContent); \
         return s.length === 100 && s.every(t => t === 'Closed');",
        WAIT,
    );
}
