//! `POST /v1/admin/workspaces`: provisioning without a dashboard; the export
//! (`GET …/{id}/export`) and erasure (`DELETE …/{id}`) of a whole workspace.

use axum::http::StatusCode;
use axum::Json;
use shared_types::admin::{CreateWorkspaceRequest, CreateWorkspaceResponse};

use crate::auth::Admin;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::state::AppState;
use shared_types::error::ErrorCode;

#[utoipa::path(
    post,
    path = "/v1/admin/workspaces",
    operation_id = "createWorkspace",
    tag = "Operator",
    summary = "Provision a workspace, its owner and first key",
    request_body = CreateWorkspaceRequest, responses((status = 201, description = "Made", body = CreateWorkspaceResponse)), security(("adminToken" = []))
)]
#[worker::send]
pub async fn create_workspace(
    state: AppState,
    _admin: Admin,
    ApiJson(body): ApiJson<CreateWorkspaceRequest>,
) -> Result<(StatusCode, Json<CreateWorkspaceResponse>), ApiError> {
    let created = crate::services::workspaces::provision(&state, body).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// `GET /v1/admin/workspaces/{id}/export`: the workspace as NDJSON, one row a line.
#[utoipa::path(
    get,
    path = "/v1/admin/workspaces/{workspace_id}/export",
    operation_id = "exportWorkspace",
    tag = "Operator",
    summary = "Every row of the workspace, as NDJSON",
    params(("workspace_id" = String, Path, description = "The workspace's id (`ws_…`)")), responses((status = 200, description = "One JSON object a line", content_type = "application/x-ndjson", body = String)), security(("adminToken" = []))
)]
#[worker::send]
pub async fn export_workspace(
    state: AppState,
    _admin: Admin,
    axum::extract::Path(workspace_id): axum::extract::Path<String>,
) -> Result<axum::response::Response, ApiError> {
    let rows = crate::services::workspaces::export(&state, &workspace_id).await?;
    axum::response::Response::builder()
        .header("content-type", "application/x-ndjson")
        .header(
            "content-disposition",
            format!("attachment; filename=\"{workspace_id}.ndjson\""),
        )
        .body(axum::body::Body::from_stream(rows))
        .map_err(|e| ApiError::internal(format!("export response: {e}")))
}

/// `DELETE /v1/admin/workspaces/{id}`: 204, and the workspace is gone everywhere.
#[utoipa::path(
    delete,
    path = "/v1/admin/workspaces/{workspace_id}",
    operation_id = "eraseWorkspace",
    tag = "Operator",
    summary = "Erase the workspace everywhere",
    params(("workspace_id" = String, Path, description = "The workspace's id (`ws_…`)")), responses((status = 204, description = "Erased")), security(("adminToken" = []))
)]
#[worker::send]
pub async fn erase_workspace(
    state: AppState,
    _admin: Admin,
    axum::extract::Path(workspace_id): axum::extract::Path<String>,
) -> Result<StatusCode, ApiError> {
    crate::services::workspaces::erase(&state, &workspace_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// This module's operations in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(create_workspace, export_workspace, erase_workspace))]
pub(super) struct Doc;

/// What each operation here can refuse with, beyond its credential, body and query.
pub(super) const ERRORS: super::OperationErrors = &[
    ("createWorkspace", &[ErrorCode::AgentEmailTaken]),
    ("exportWorkspace", &[ErrorCode::WorkspaceNotFound]),
    ("eraseWorkspace", &[ErrorCode::WorkspaceNotFound]),
];
