//! The widget's public surface: `GET /v1/public/widgets/{workspace_id}`, answered only to
//! pages on the workspace's domains ([`crate::services::widget::public_config`]), and
//! the CORS layer of every endpoint a customer's page calls.

use axum::extract::{Path, Request};
use axum::http::header::ORIGIN;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

use crate::services::widget;
use crate::state::AppState;
use shared_types::error::ErrorCode;

pub fn routes() -> Router {
    Router::new().route("/v1/public/widgets/{workspace_id}", get(widget_config))
}

#[utoipa::path(
    get,
    path = "/v1/public/widgets/{workspace_id}",
    operation_id = "getPublicWidgetConfig",
    tag = "Widget API",
    summary = "What the widget needs to show itself, for pages on the workspace's domains",
    params(("workspace_id" = String, Path, description = "The workspace's id (`ws_…`)")), responses((status = 200, description = "The public configuration", body = shared_types::visitor::PublicWidgetConfig)), security(())
)]
#[worker::send]
async fn widget_config(
    state: AppState,
    Path(workspace_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let mut res = match widget::public_config(&state, &workspace_id, &headers).await {
        Ok(config) => Json(config).into_response(),
        Err(e) => e.into_response(),
    };
    // A change made with PATCH /widget/config shows on the very next page load.
    res.headers_mut()
        .insert("cache-control", HeaderValue::from_static("no-cache"));
    res
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

/// This module's operations in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(widget_config))]
pub(super) struct Doc;

/// What each operation here can refuse with, beyond its credential, body and query.
pub(super) const ERRORS: super::OperationErrors = &[(
    "getPublicWidgetConfig",
    &[
        ErrorCode::WorkspaceNotFound,
        ErrorCode::OriginNotAllowed,
        ErrorCode::RateLimited,
    ],
)];
