//! `GET /v1/health`: the process answers. Deliberately touches no binding, so it is the
//! baseline the latency benchmarks compare against.

use axum::Json;
use serde_json::{json, Value};

#[utoipa::path(
    get,
    path = "/v1/health",
    operation_id = "health",
    tag = "Service",
    summary = "The process answers",
    responses((status = 200, description = "Up", body = Object)), security(())
)]
pub async fn health() -> Json<Value> {
    Json(json!({ "status": "ok", "service": "chatflow", "version": env!("CARGO_PKG_VERSION") }))
}

/// This module's operation in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(health))]
pub(super) struct Doc;
