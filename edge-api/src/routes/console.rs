//! `GET /console/…`: the agent console's page for any path under it, so a reload or a
//! shared link of a console URL opens the app. The static files answer first (the
//! assets binding serves every file that exists, `/console/` included); only paths
//! that are no file reach this handler, which answers with the console's index.html.

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use shared_types::error::ErrorCode;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::error::ApiError;
use crate::state::AppState;

#[worker::send]
pub async fn page(state: AppState) -> Result<Response, ApiError> {
    let asset = state
        .assets()?
        .fetch("https://assets.invalid/console/", None)
        .await?;
    if !asset.status().is_success() {
        // Not built (scripts/build.sh builds it): the console is simply not there.
        return Err(ErrorCode::RouteNotFound.into());
    }
    let html = read_text(asset.into_body()).await?;
    let mut res = html.into_response();
    let headers = res.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    // The page names its hashed wasm and script; it must never outlive a deploy.
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    headers.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    headers.insert(
        "content-security-policy",
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    Ok(res)
}

/// The console's policy, the same text the static files' `_headers` sends
/// (scripts/build-widget.sh reads the same file): no inline script, wasm allowed, the
/// API and its sockets on this origin, never framed.
// A header value may hold no line break: the file's final one is trimmed.
const CONTENT_SECURITY_POLICY: &str =
    include_str!("../../../console/content-security-policy.txt").trim_ascii_end();

async fn read_text(body: worker::Body) -> Result<String, ApiError> {
    let fail = |e: wasm_bindgen::JsValue| ApiError::internal(format!("console page: {e:?}"));
    let stream = body.into_inner();
    let response =
        web_sys::Response::new_with_opt_readable_stream(stream.as_ref()).map_err(fail)?;
    let text = JsFuture::from(response.text().map_err(fail)?)
        .await
        .map_err(fail)?;
    text.dyn_into::<js_sys::JsString>()
        .map(String::from)
        .map_err(fail)
}
