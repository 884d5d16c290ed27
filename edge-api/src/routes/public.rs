//! The widget's public surface: `GET /v1/public/widgets/{workspace_id}`, answered only to
//! pages on the workspace's domains, with CORS headers for exactly that origin.

use axum::extract::{Path, State};
use axum::http::header::{ORIGIN, REFERER};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use shared_types::error::ErrorCode;
use shared_types::ids::WorkspaceId;
use shared_types::validate::DomainPattern;
use shared_types::visitor::{PublicTrigger, PublicWidgetConfig};
use shared_types::widget::WidgetConfig;
use worker::D1Database;

use crate::cache;
use crate::error::ApiError;
use crate::routes::widget::config_view;
use crate::state::AppState;
use crate::store;
use axum::extract::Request;
use axum::http::Method;
use axum::middleware::Next;
use axum::routing::get;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new().route("/v1/public/widgets/{workspace_id}", get(widget_config))
}

#[worker::send]
pub async fn widget_config(
    State(state): State<AppState>,
    Path(workspace_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let result = async {
        let db = state.db()?;
        // Presence changes by the minute, so it is always read; the settings come from
        // their copy when there is one.
        let (settings, agents_online) = futures_util::future::join(
            widget_settings(&state, &db, &workspace_id),
            store::agents::any_online(&db, &workspace_id),
        )
        .await;
        let WidgetSettings { config, triggers } = settings?.ok_or(ErrorCode::WorkspaceNotFound)?;
        let agents_online = agents_online?;
        check_origin(&headers, &config.domains)?;
        let workspace_id = WorkspaceId::parse(&workspace_id)
            .map_err(|e| ApiError::internal(format!("stored workspace id: {e}")))?;
        Ok::<_, ApiError>(PublicWidgetConfig {
            workspace_id,
            color: config.color,
            shape: config.shape,
            position: config.position,
            button_text: config.button_text,
            welcome_message: config.welcome_message,
            offline_message: config.offline_message,
            branding: config.branding,
            prechat: config.prechat,
            theme: config.theme,
            agents_online,
            triggers,
        })
    }
    .await;
    let mut res = match result {
        Ok(config) => Json(config).into_response(),
        Err(e) => e.into_response(),
    };
    // A change made with PATCH /widget/config shows on the very next page load.
    res.headers_mut()
        .insert("cache-control", HeaderValue::from_static("no-cache"));
    res
}

/// A workspace's widget settings and active triggers: what the public config copies
/// into KV (`cache::widget_entry`), deleted by every change to either.
#[derive(Serialize, Deserialize)]
struct WidgetSettings {
    config: WidgetConfig,
    triggers: Vec<PublicTrigger>,
}

/// The settings of `workspace_id` from their copy, or from D1 (then copied); `None`
/// for a workspace that does not exist, which is not copied.
async fn widget_settings(
    state: &AppState,
    db: &D1Database,
    workspace_id: &str,
) -> Result<Option<WidgetSettings>, ApiError> {
    let entry = cache::widget_entry(workspace_id);
    if let Some(copy) = cache::get(state, &entry).await {
        return Ok(Some(copy));
    }
    // The directory first: a workspace that does not exist must not get an object.
    let Some(row) = store::widget_config::get(db, workspace_id).await? else {
        return Ok(None);
    };
    let settings = WidgetSettings {
        config: config_view(row)?,
        triggers: crate::services::triggers::list_active_public(state, workspace_id).await?,
    };
    cache::put(state, &entry, &settings).await;
    Ok(Some(settings))
}

/// CORS for the widget's endpoints, which pages on customers' sites call: preflights
/// are answered here, and every answer (errors included, so the widget can explain a
/// refusal) names the calling origin. No cookies are involved: visitor tokens travel in
/// the Authorization header.
pub async fn cors(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    // A signed upload URL (`PUT /v1/files/{id}/upload`) is the widget's too: its
    // signature is the credential, so any origin may send the bytes.
    let upload = path.starts_with("/v1/files/") && path.ends_with("/upload");
    if !(path.starts_with("/v1/public/") || path.starts_with("/v1/visitor/") || upload) {
        return next.run(req).await;
    }
    let origin = req.headers().get(ORIGIN).cloned();
    let mut res = if req.method() == Method::OPTIONS {
        let mut res = StatusCode::NO_CONTENT.into_response();
        let h = res.headers_mut();
        h.insert(
            "access-control-allow-methods",
            HeaderValue::from_static("GET, POST, PUT, OPTIONS"),
        );
        h.insert(
            "access-control-allow-headers",
            HeaderValue::from_static("Authorization, Content-Type, Idempotency-Key"),
        );
        h.insert("access-control-max-age", HeaderValue::from_static("600"));
        res
    } else {
        next.run(req).await
    };
    if let Some(origin) = origin {
        res.headers_mut()
            .insert("access-control-allow-origin", origin);
    }
    // The widget backs off by these, so a page's script must be able to read them.
    res.headers_mut().insert(
        "access-control-expose-headers",
        HeaderValue::from_static(
            "Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, X-Request-Id",
        ),
    );
    res.headers_mut()
        .insert("vary", HeaderValue::from_static("Origin"));
    res
}

/// AUTH-009 unless the calling page is on one of the workspace's domains. Browsers omit
/// `Origin` on same-origin GETs; then the `Referer`'s origin stands in for it.
pub fn check_origin(headers: &HeaderMap, domains: &[DomainPattern]) -> Result<(), ApiError> {
    let header = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    let referer_origin = header(REFERER).map(origin_of_url);
    if DomainPattern::allows_origin(domains, header(ORIGIN).or(referer_origin)) {
        Ok(())
    } else {
        Err(ErrorCode::OriginNotAllowed.into())
    }
}

/// `https://host:port` of a page URL.
fn origin_of_url(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let end = url[after_scheme..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| after_scheme + i);
    &url[..end]
}
