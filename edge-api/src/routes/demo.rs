//! `GET /demo/{workspace_id}`: the example host page (examples/site/index.html) with the
//! workspace's id in its script tag, so a developer sees the widget as a visitor would.

use axum::extract::Path;
use axum::http::header::CONTENT_TYPE;
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use shared_types::error::ErrorCode;

use crate::error::ApiError;

const PAGE: &str = include_str!("../../../examples/site/index.html");

pub async fn page(Path(workspace_id): Path<String>) -> Result<Response, ApiError> {
    // Only an id's characters may reach the HTML: nothing here can inject markup.
    let valid = workspace_id.strip_prefix("ws_").is_some_and(|s| {
        !s.is_empty() && s.len() <= 60 && s.bytes().all(|b| b.is_ascii_alphanumeric())
    });
    if !valid {
        return Err(ErrorCode::WorkspaceNotFound.into());
    }
    let mut res = PAGE
        .replace("{{WORKSPACE_ID}}", &workspace_id)
        .into_response();
    res.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    Ok(res)
}
