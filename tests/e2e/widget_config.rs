//! `GET/PATCH /v1/widget/config` and the public config the widget loads.

use serde_json::{json, Value};
use shared_types::error::ErrorCode;
use shared_types::widget::WidgetConfig;

use crate::client::Ctx;

#[crate::e2e_test]
fn new_workspace_has_sensible_widget_defaults(ctx: &Ctx) {
    let ws = ctx.workspace();
    let config: WidgetConfig = ws.get("/v1/widget/config").expect(200);
    assert_eq!(config.color.as_str(), "#4F46E5");
    assert_eq!(config.shape.as_str(), "rounded");
    assert_eq!(config.position.as_str(), "bottom-right");
    assert!(!config.button_text.is_empty() && !config.welcome_message.is_empty());
    assert!(config.domains.is_empty());
    assert!(config.branding.show_powered_by);
    assert_eq!(config.branding.logo_url, None);
}

#[crate::e2e_test]
fn patch_changes_only_the_fields_sent(ctx: &Ctx) {
    let ws = ctx.workspace();
    let before: WidgetConfig = ws.get("/v1/widget/config").expect(200);
    let after: WidgetConfig = ws
        .patch(
            "/v1/widget/config",
            &json!({"color": "#6366f1", "welcome_message": "Xush kelibsiz!"}),
        )
        .expect(200);
    assert_eq!(after.color.as_str(), "#6366F1");
    assert_eq!(after.welcome_message, "Xush kelibsiz!");
    assert_eq!(after.shape, before.shape);
    assert_eq!(after.button_text, before.button_text);
    assert_eq!(after.offline_message, before.offline_message);
    let again: WidgetConfig = ws.get("/v1/widget/config").expect(200);
    assert_eq!(again, after);

    let branded: WidgetConfig = ws
        .patch(
            "/v1/widget/config",
            &json!({"shape": "circle", "position": "bottom-left", "domains": ["company.uz", "*.company.uz"],
                    "branding": {"show_powered_by": false, "logo_url": "https://cdn.example/logo.png"}}),
        )
        .expect(200);
    assert_eq!(branded.shape.as_str(), "circle");
    assert_eq!(branded.position.as_str(), "bottom-left");
    assert_eq!(branded.domains.len(), 2);
    assert!(!branded.branding.show_powered_by);
    assert_eq!(
        branded.branding.logo_url.as_deref(),
        Some("https://cdn.example/logo.png")
    );
    let cleared: WidgetConfig = ws
        .patch(
            "/v1/widget/config",
            &json!({"branding": {"logo_url": null}}),
        )
        .expect(200);
    assert_eq!(cleared.branding.logo_url, None);
    assert!(!cleared.branding.show_powered_by);

    // A domain given twice is kept once, where it first came, wherever the repeat is.
    let domains = json!(["company.uz", "*.company.uz"]);
    let repeated = ws.patch(
        "/v1/widget/config",
        &json!({"domains": ["company.uz", "*.company.uz", "company.uz"]}),
    );
    assert_eq!(repeated.status, 200, "{}", repeated.text);
    assert_eq!(repeated.json()["domains"], domains);
    assert_eq!(ws.get("/v1/widget/config").json()["domains"], domains);
}

#[crate::e2e_test]
fn invalid_fields_get_400_req_004_and_change_nothing(ctx: &Ctx) {
    let ws = ctx.workspace();
    let before: WidgetConfig = ws.get("/v1/widget/config").expect(200);
    for (body, field) in [
        (json!({"color": "blue"}), "color"),
        (json!({"color": "#12345"}), "color"),
        (json!({"shape": "triangle"}), "shape"),
        (json!({"position": "top-left"}), "position"),
        (json!({"domains": ["a.*.company.uz"]}), "domains"),
        (json!({"domains": ["https://company.uz"]}), "domains"),
        (json!({"button_text": ""}), "button_text"),
        (json!({"colour": "#000000"}), "colour"),
        (json!({"color": "#000000", "shape": "blob"}), "shape"),
    ] {
        let envelope = ws
            .patch("/v1/widget/config", &body)
            .assert_error(ErrorCode::Validation);
        let fields = envelope.error.details["fields"]
            .as_object()
            .expect("fields");
        assert!(
            fields.keys().any(|k| k.starts_with(field) || k == "body"),
            "{field} not in {fields:?}"
        );
    }
    let after: WidgetConfig = ws.get("/v1/widget/config").expect(200);
    assert_eq!(after, before);
}

#[crate::e2e_test]
fn operator_keys_cannot_change_the_widget(ctx: &Ctx) {
    let ws = ctx.workspace();
    let key = crate::chats::operator_key(ctx, &ws);
    let before: WidgetConfig = ws.get("/v1/widget/config").expect(200);
    ctx.client
        .patch("/v1/widget/config", &key, &json!({"color": "#000000"}))
        .assert_error(ErrorCode::AuthForbidden);
    assert_eq!(
        ws.get("/v1/widget/config").expect::<WidgetConfig>(200),
        before
    );
}

#[crate::e2e_test]
fn public_config_answers_only_to_allowed_origins(ctx: &Ctx) {
    let ws = ctx.workspace();
    ws.patch(
        "/v1/widget/config",
        &json!({"domains": ["company.uz", "*.company.uz"], "color": "#0EA5E9"}),
    )
    .expect::<WidgetConfig>(200);
    let path = format!("/v1/public/widgets/{}", ws.id);
    for origin in [
        "https://company.uz",
        "http://shop.company.uz:8080",
        "https://a.b.company.uz",
    ] {
        let resp = ctx.client.send("GET", &path, &[("Origin", origin)], None);
        assert_eq!(resp.status, 200, "{origin}: {}", resp.text);
        assert_eq!(resp.header("access-control-allow-origin"), Some(origin));
        assert_eq!(resp.json()["color"], "#0EA5E9");
        assert_eq!(resp.json()["workspace_id"], ws.id.as_str());
        assert!(resp.json().get("domains").is_none(), "domains stay private");
    }
    for origin in ["https://evil.uz", "https://company.uz.evil.uz", "null"] {
        let resp = ctx.client.send("GET", &path, &[("Origin", origin)], None);
        resp.assert_error(ErrorCode::OriginNotAllowed);
    }
    // Sessions follow the same rule and create nothing when refused.
    let resp = ctx.client.send(
        "POST",
        &format!("{path}/sessions"),
        &[("Origin", "https://evil.uz")],
        Some(&json!({})),
    );
    resp.assert_error(ErrorCode::OriginNotAllowed);
    assert_eq!(crate::bounds::visitors_of(ctx, &ws), 0);
}

#[crate::e2e_test]
fn public_config_of_an_unknown_workspace_is_404(ctx: &Ctx) {
    let resp = ctx
        .client
        .send("GET", "/v1/public/widgets/ws_doesnotexist", &[], None);
    resp.assert_error(ErrorCode::WorkspaceNotFound);
}

#[crate::e2e_test]
fn preflight_allows_the_widgets_headers(ctx: &Ctx) {
    let ws = ctx.workspace();
    let resp = ctx.client.send(
        "OPTIONS",
        "/v1/visitor/chats",
        &[
            ("Origin", "https://company.uz"),
            ("Access-Control-Request-Method", "POST"),
        ],
        None,
    );
    assert_eq!(resp.status, 204, "{}", resp.text);
    assert_eq!(
        resp.header("access-control-allow-origin"),
        Some("https://company.uz")
    );
    let allowed = resp
        .header("access-control-allow-headers")
        .unwrap_or_default();
    assert!(allowed.contains("Authorization") && allowed.contains("Content-Type"));
    let _ = ws;
}

#[crate::e2e_test]
fn the_public_config_is_a_copy_that_every_change_replaces_at_once(ctx: &Ctx) {
    let ws = ctx.workspace();
    let path = format!("/v1/public/widgets/{}", ws.id);
    let public = || {
        let resp = ctx.client.send("GET", &path, &[], None);
        assert_eq!(resp.status, 200, "{}", resp.text);
        resp.json()
    };
    assert_eq!(public()["color"], "#4F46E5");

    // Behind the API's back, the workspace's own database changes and the copy still
    // answers.
    ctx.server
        .workspace_sql(&ws.id, "UPDATE widget_config SET color = '#000000'");
    assert_eq!(public()["color"], "#4F46E5");

    // Through the API, each kind of change shows on the very next load.
    ws.patch("/v1/widget/config", &json!({"color": "#0EA5E9"}))
        .expect::<WidgetConfig>(200);
    assert_eq!(public()["color"], "#0EA5E9");
    let trigger: shared_types::automation::Trigger = ws
        .post(
            "/v1/automation/triggers",
            &json!({"name": "hi", "condition": "page_load", "message": "Salom"}),
        )
        .expect(201);
    assert_eq!(public()["triggers"][0]["message"], "Salom");
    let paused = ws.patch(
        &format!("/v1/automation/triggers/{}", trigger.id),
        &json!({"active": false}),
    );
    assert_eq!(paused.status, 200, "{}", paused.text);
    assert_eq!(public()["triggers"].as_array().map(Vec::len), Some(0));
    let resumed = ws.patch(
        &format!("/v1/automation/triggers/{}", trigger.id),
        &json!({"active": true}),
    );
    assert_eq!(resumed.status, 200, "{}", resumed.text);
    assert_eq!(public()["triggers"].as_array().map(Vec::len), Some(1));
    let deleted = ws.delete(&format!("/v1/automation/triggers/{}", trigger.id));
    assert_eq!(deleted.status, 204, "{}", deleted.text);
    assert_eq!(public()["triggers"].as_array().map(Vec::len), Some(0));

    // A domain taken off the list stops answering at once.
    ws.patch("/v1/widget/config", &json!({"domains": ["company.uz"]}))
        .expect::<WidgetConfig>(200);
    ctx.client
        .send("GET", &path, &[("Origin", "https://other.uz")], None)
        .assert_error(ErrorCode::OriginNotAllowed);
}

#[crate::e2e_test]
fn prechat_and_theme_default_off_and_light_and_patch_field_by_field(ctx: &Ctx) {
    let ws = ctx.workspace();
    let fresh = ws.get("/v1/widget/config").json();
    assert_eq!(
        fresh["prechat"],
        json!({"enabled": false, "require_name": false, "require_email": false})
    );
    assert_eq!(fresh["theme"], "light");
    let path = format!("/v1/public/widgets/{}", ws.id);
    let public = ctx.client.send("GET", &path, &[], None).json();
    assert_eq!(public["prechat"], fresh["prechat"]);
    assert_eq!(public["theme"], "light");

    let changed = ws
        .patch(
            "/v1/widget/config",
            &json!({"prechat": {"enabled": true, "require_email": true}, "theme": "auto"}),
        )
        .expect::<serde_json::Value>(200);
    assert_eq!(
        changed["prechat"],
        json!({"enabled": true, "require_name": false, "require_email": true})
    );
    assert_eq!(changed["theme"], "auto");
    // Only the sent field of prechat changes; the rest of the config stays.
    let again = ws
        .patch(
            "/v1/widget/config",
            &json!({"prechat": {"require_name": true}}),
        )
        .expect::<serde_json::Value>(200);
    assert_eq!(
        again["prechat"],
        json!({"enabled": true, "require_name": true, "require_email": true})
    );
    assert_eq!(again["theme"], "auto");
    assert_eq!(again["color"], fresh["color"]);
    assert_eq!(ws.get("/v1/widget/config").json(), again);
    // The visitor's copy follows at once.
    let public = ctx.client.send("GET", &path, &[], None).json();
    assert_eq!(public["prechat"], again["prechat"]);
    assert_eq!(public["theme"], "auto");
}

#[crate::e2e_test]
fn bad_prechat_or_theme_gets_400_req_004_and_changes_nothing(ctx: &Ctx) {
    let ws = ctx.workspace();
    ws.patch("/v1/widget/config", &json!({"theme": "dark"}))
        .expect::<WidgetConfig>(200);
    let before: WidgetConfig = ws.get("/v1/widget/config").expect(200);
    for (body, field) in [
        (json!({"theme": "sepia"}), "theme"),
        (json!({"theme": null}), "theme"),
        (json!({"theme": 1}), "theme"),
        (json!({"prechat": null}), "prechat"),
        (json!({"prechat": true}), "prechat"),
        (json!({"prechat": {"enabled": "yes"}}), "prechat"),
        (json!({"prechat": {"require_phone": true}}), "prechat"),
        (
            json!({"prechat": {"enabled": true}, "theme": "sepia"}),
            "theme",
        ),
    ] {
        let envelope = ws
            .patch("/v1/widget/config", &body)
            .assert_error(ErrorCode::Validation);
        let fields = envelope.error.details["fields"]
            .as_object()
            .expect("fields");
        assert!(
            fields.keys().any(|k| k.starts_with(field)),
            "{body}: {field} not in {fields:?}"
        );
    }
    let after: WidgetConfig = ws.get("/v1/widget/config").expect(200);
    assert_eq!(after, before);
    assert!(!after.prechat.enabled);
}

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

/// Asks for an upload URL and, when `bytes` is given, PUTs them: the file's id.
fn uploaded(
    ctx: &Ctx,
    ws: &crate::client::TestWorkspace,
    name: &str,
    content_type: &str,
    bytes: &[u8],
    put: bool,
) -> String {
    let up: Value = ws
        .post(
            "/v1/files/upload-url",
            &json!({"filename": name, "content_type": content_type, "size_bytes": bytes.len()}),
        )
        .expect(200);
    if put {
        let url = up["upload_url"].as_str().unwrap_or_default();
        let stored = ctx
            .client
            .send_raw("PUT", url, &[("Content-Type", content_type)], bytes);
        assert!(
            stored.status < 300,
            "PUT: {} {}",
            stored.status,
            stored.text
        );
    }
    up["file_id"].as_str().unwrap_or_default().to_string()
}

/// `method /v1/widget/logo` with `key`, and `body` if any.
fn logo_call(
    ws: &crate::client::TestWorkspace,
    method: &str,
    key: &str,
    body: Option<&Value>,
) -> crate::client::Resp {
    ws.client.send(
        method,
        "/v1/widget/logo",
        &[("Authorization", &crate::client::bearer(key))],
        body,
    )
}

#[crate::e2e_test]
fn an_uploaded_logo_becomes_the_widgets_and_replacing_it_deletes_the_old_one(ctx: &Ctx) {
    let ws = ctx.workspace();
    let first = uploaded(ctx, &ws, "logo.png", "image/png", PNG, true);
    let config: Value =
        logo_call(&ws, "PUT", &ws.api_key, Some(&json!({"file_id": first}))).expect(200);
    let url = config["branding"]["logo_url"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert_eq!(url, ws.file_url(&first));
    assert_eq!(
        ws.get("/v1/widget/config").json()["branding"]["logo_url"],
        url.as_str()
    );
    // Visitors' pages get it with the rest of the public config, and it is served.
    let public = ctx.client.get(&format!("/v1/public/widgets/{}", ws.id), "");
    assert!(public.text.contains(&url), "{}", public.text);
    let served = ctx.client.send_raw("GET", &url, &[], &[]);
    assert_eq!(served.status, 200);
    assert_eq!(served.header("content-type"), Some("image/png"));

    // A retry of the same logo answers the same and changes nothing.
    let again: Value =
        logo_call(&ws, "PUT", &ws.api_key, Some(&json!({"file_id": first}))).expect(200);
    assert_eq!(again, config);

    // A second logo replaces the first, whose row and bytes go.
    let keys_before = ctx.server.r2_keys(&ws.id).len();
    let second = uploaded(ctx, &ws, "logo2.png", "image/png", PNG, true);
    let replaced: Value =
        logo_call(&ws, "PUT", &ws.api_key, Some(&json!({"file_id": second}))).expect(200);
    assert_eq!(
        replaced["branding"]["logo_url"],
        ws.file_url(&second).as_str()
    );
    assert_eq!(ctx.client.send_raw("GET", &url, &[], &[]).status, 404);
    assert_eq!(ctx.server.r2_keys(&ws.id).len(), keys_before);
    assert!(ctx
        .server
        .workspace_query(
            &ws.id,
            &format!("SELECT id FROM files WHERE id = '{first}'")
        )
        .as_array()
        .is_some_and(Vec::is_empty));

    // Taking it away deletes it too.
    let removed: Value = logo_call(&ws, "DELETE", &ws.api_key, None).expect(200);
    assert_eq!(removed["branding"]["logo_url"], Value::Null);
    assert_eq!(
        ctx.client
            .send_raw("GET", &ws.file_url(&second), &[], &[])
            .status,
        404
    );
}

#[crate::e2e_test]
fn a_logo_that_is_no_small_picture_or_not_uploaded_is_refused_and_changes_nothing(ctx: &Ctx) {
    let ws = ctx.workspace();
    let before = ws.get("/v1/widget/config").json();
    let put_logo =
        |key: &str, file_id: &str| logo_call(&ws, "PUT", key, Some(&json!({"file_id": file_id})));
    let pdf = uploaded(
        ctx,
        &ws,
        "price.pdf",
        "application/pdf",
        b"%PDF-1.4 x",
        true,
    );
    put_logo(&ws.api_key, &pdf).assert_error(ErrorCode::FileTypeNotAllowed);
    let big = vec![0u8; 600 * 1024];
    let large = uploaded(ctx, &ws, "big.png", "image/png", &big, false);
    put_logo(&ws.api_key, &large).assert_error(ErrorCode::FileTooLarge);
    let missing = uploaded(ctx, &ws, "later.png", "image/png", PNG, false);
    put_logo(&ws.api_key, &missing).assert_error(ErrorCode::FileNotUploaded);
    put_logo(&ws.api_key, "file_AAAAAAAAAAAAAAAAAAAA").assert_error(ErrorCode::FileNotFound);
    let good = uploaded(ctx, &ws, "logo.png", "image/png", PNG, true);
    let operator = crate::chats::operator_key(ctx, &ws);
    put_logo(&operator, &good).assert_error(ErrorCode::AuthForbidden);
    // Another workspace's file is not this one's.
    let other = ctx.workspace();
    put_logo(&other.api_key, &good).assert_error(ErrorCode::FileNotFound);
    logo_call(&ws, "PUT", &ws.api_key, Some(&json!({"file": good})))
        .assert_error(ErrorCode::Validation);
    assert_eq!(ws.get("/v1/widget/config").json(), before);
    assert_eq!(
        ctx.server.workspace_query(
            &ws.id,
            &format!("SELECT status FROM files WHERE id = '{good}'")
        )[0]["status"],
        "pending"
    );
}
