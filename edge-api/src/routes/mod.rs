//! The router: every URL the worker answers, and the layers every response passes through.

/// A spec example (`shared-types/tests/spec_examples/`, checked there against the spec) as
/// an OpenAPI example value.
macro_rules! spec_example {
    ($file:literal) => {
        super::example_value(include_str!(concat!(
            "../../../shared-types/tests/spec_examples/",
            $file
        )))
    };
}

mod admin;
mod agents;
mod analytics;
mod api_keys;
mod auth;
mod canned;
mod chats;
mod console;
mod contacts;
mod demo;
mod email;
mod files;
mod health;
mod idempotency;
mod notes;
mod openapi;
mod presence;
mod public;
mod realtime;
mod search;
mod settings;
mod triggers;
mod visitor;
mod visitor_blocks;
mod webhooks;
mod widget;

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::HeaderValue;
use axum::middleware::{self, Next};
use axum::response::IntoResponse;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use shared_types::error::ErrorCode;

use crate::domain::ids;
use crate::error::ApiError;
use crate::limits::{RateSlot, MAX_BODY_BYTES};
use crate::state::AppState;

/// The most any request may carry: a file upload (10 MB) with room for framing.
pub const MAX_BUFFERED_BYTES: usize = 11 * 1024 * 1024;

/// Every route, built once per isolate (`entry::fetch` keeps it): building it is most of
/// what a small request costs. Each request carries its `AppState` in its extensions.
pub fn router() -> Router {
    Router::new()
        .route("/v1/health", get(health::health))
        .route("/v1/openapi.json", get(openapi::document_json))
        .route("/v1/admin/workspaces", post(admin::create_workspace))
        .route(
            "/v1/admin/workspaces/{workspace_id}",
            axum::routing::delete(admin::erase_workspace),
        )
        .route(
            "/v1/admin/workspaces/{workspace_id}/export",
            get(admin::export_workspace),
        )
        .route("/demo/{workspace_id}", get(demo::page))
        .route("/console", get(console::page))
        .route("/console/{*rest}", get(console::page))
        .merge(auth::routes())
        .merge(api_keys::routes())
        .merge(agents::routes())
        .merge(analytics::routes())
        .merge(widget::routes())
        .merge(public::routes())
        .merge(presence::routes())
        .merge(chats::routes())
        .merge(visitor::routes())
        .merge(email::routes())
        .merge(settings::routes())
        .merge(canned::routes())
        .merge(notes::routes())
        .merge(search::routes())
        .merge(contacts::routes())
        .merge(visitor_blocks::routes())
        .merge(triggers::routes())
        .merge(files::routes())
        .merge(realtime::routes())
        .merge(webhooks::routes())
        .fallback(route_not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn(idempotency::layer))
        .layer(middleware::from_fn(public::cors))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn(stamp_request_id))
}

/// Gives every response an `X-Request-Id` and renders any [`ApiError`] into the spec's
/// envelope carrying the same id.
async fn stamp_request_id(req: Request, next: Next) -> Response {
    let id = ids::new_id("req");
    let (mut parts, body) = req.into_parts();
    let state = AppState::of(&parts).ok();
    let rate = state
        .as_ref()
        .map(|s| s.rate_slot().clone())
        .unwrap_or_default();
    parts.extensions.insert(rate.clone());
    let mut res = match read_whole_body(body).await {
        Some(bytes) => {
            let handler = next.run(Request::from_parts(parts, Body::from(bytes)));
            charging_beside(handler, state.as_ref(), &rate).await
        }
        None => ApiError::new(ErrorCode::PayloadTooLarge).into_response(),
    };
    // A read's budget was spent inside its handler's call or beside it: its answer
    // waits for the decision.
    if let Some(state) = &state {
        crate::services::budgets::start_deferred(state, &rate);
    }
    if let Err(refused) = rate.settle().await {
        res = refused.into_response();
    }
    if let Some(err) = res.extensions_mut().remove::<ApiError>() {
        if let Some(decision) = err.rate {
            rate.record_spent(decision);
        }
        let headers = std::mem::take(res.headers_mut());
        res = err.render(&id);
        // Keep headers a handler set on purpose (CORS, Retry-After) on the rendered error.
        for (name, value) in headers.iter() {
            if name != axum::http::header::CONTENT_TYPE
                && name != axum::http::header::CONTENT_LENGTH
            {
                res.headers_mut().insert(name.clone(), value.clone());
            }
        }
    }
    if let Ok(value) = HeaderValue::from_str(&id) {
        res.headers_mut().insert("x-request-id", value);
    }
    rate.stamp(res.headers_mut());
    res
}

/// Runs the handler. A read's credential charge waits for the handler's first call into
/// its workspace's object, which carries it (`services::budgets`); whenever the handler
/// waits on anything while the charge is still waiting, the charge starts beside it.
async fn charging_beside(
    handler: impl std::future::Future<Output = Response>,
    state: Option<&AppState>,
    rate: &RateSlot,
) -> Response {
    let mut handler = std::pin::pin!(handler);
    std::future::poll_fn(|cx| {
        let polled = handler.as_mut().poll(cx);
        if let (true, Some(state)) = (polled.is_pending(), state) {
            crate::services::budgets::start_deferred(state, rate);
        }
        polled
    })
    .await
}

/// Reads the request body to its end before anything answers. workerd fails a request
/// whose body is still unread when the response goes out (and restarts the worker
/// under it), so no handler may leave a body behind, even one it refuses unread. Past
/// [`MAX_BUFFERED_BYTES`] the rest is drained and dropped, and `None` says so.
async fn read_whole_body(body: Body) -> Option<Bytes> {
    let mut stream = body.into_data_stream();
    let mut buffer = BytesMut::new();
    let mut too_large = false;
    while let Some(chunk) = stream.next().await {
        let Ok(chunk) = chunk else { break };
        if too_large {
            continue;
        }
        if buffer.len() + chunk.len() > MAX_BUFFERED_BYTES {
            too_large = true;
            buffer = BytesMut::new();
        } else {
            buffer.extend_from_slice(&chunk);
        }
    }
    (!too_large).then(|| buffer.freeze())
}

/// The refusals particular to each operation of a route module, by `operationId`
/// (its `ERRORS`, read by `openapi`).
type OperationErrors = &'static [(&'static str, &'static [ErrorCode])];

/// Every module's operations and their particular refusals, for the OpenAPI document.
/// A module that serves API routes and is missing here is caught by the e2e comparison
/// of the router's routes with the document.
fn documented() -> (Vec<utoipa::openapi::OpenApi>, Vec<OperationErrors>) {
    use utoipa::OpenApi;
    let docs = vec![
        admin::Doc::openapi(),
        agents::Doc::openapi(),
        analytics::Doc::openapi(),
        api_keys::Doc::openapi(),
        auth::Doc::openapi(),
        canned::Doc::openapi(),
        chats::Doc::openapi(),
        contacts::Doc::openapi(),
        email::Doc::openapi(),
        files::Doc::openapi(),
        health::Doc::openapi(),
        notes::Doc::openapi(),
        presence::Doc::openapi(),
        public::Doc::openapi(),
        realtime::Doc::openapi(),
        search::Doc::openapi(),
        settings::Doc::openapi(),
        triggers::Doc::openapi(),
        visitor::Doc::openapi(),
        visitor_blocks::Doc::openapi(),
        webhooks::Doc::openapi(),
        widget::Doc::openapi(),
    ];
    let errors = vec![
        admin::ERRORS,
        agents::ERRORS,
        analytics::ERRORS,
        api_keys::ERRORS,
        auth::ERRORS,
        canned::ERRORS,
        chats::ERRORS,
        contacts::ERRORS,
        email::ERRORS,
        files::ERRORS,
        notes::ERRORS,
        presence::ERRORS,
        public::ERRORS,
        realtime::ERRORS,
        search::ERRORS,
        settings::ERRORS,
        triggers::ERRORS,
        visitor::ERRORS,
        visitor_blocks::ERRORS,
        webhooks::ERRORS,
        widget::ERRORS,
    ];
    (docs, errors)
}

/// A spec example's text as a JSON value; the examples are valid JSON (their own test
/// parses each), so `null` never shows.
fn example_value(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_default()
}

async fn route_not_found() -> ApiError {
    ErrorCode::RouteNotFound.into()
}

async fn method_not_allowed() -> ApiError {
    ErrorCode::MethodNotAllowed.into()
}

/// `scheme://host[:port]` of this worker as the client reached it.
pub fn origin(uri: &axum::http::Uri, headers: &axum::http::HeaderMap) -> String {
    match (uri.scheme_str(), uri.authority()) {
        (Some(scheme), Some(authority)) => format!("{scheme}://{authority}"),
        _ => {
            let host = headers
                .get(axum::http::header::HOST)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("localhost");
            format!("https://{host}")
        }
    }
}
