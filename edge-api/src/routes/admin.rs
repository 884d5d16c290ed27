//! `POST /v1/admin/workspaces`: provisioning without a dashboard; the export
//! (`GET …/{id}/export`) and erasure (`DELETE …/{id}`) of a whole workspace.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use shared_types::admin::{CreateWorkspaceRequest, CreateWorkspaceResponse};

use crate::auth::Admin;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::state::AppState;

#[worker::send]
pub async fn create_workspace(
    State(state): State<AppState>,
    _admin: Admin,
    ApiJson(body): ApiJson<CreateWorkspaceRequest>,
) -> Result<(StatusCode, Json<CreateWorkspaceResponse>), ApiError> {
    let created = crate::services::workspaces::provision(&state, body).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// `GET /v1/admin/workspaces/{id}/export`: the workspace as NDJSON, one row a line.
#[worker::send]
pub async fn export_workspace(
    State(state): State<AppState>,
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
#[worker::send]
pub async fn erase_workspace(
    State(state): State<AppState>,
    _admin: Admin,
    axum::extract::Path(workspace_id): axum::extract::Path<String>,
) -> Result<StatusCode, ApiError> {
    crate::services::workspaces::erase(&state, &workspace_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
