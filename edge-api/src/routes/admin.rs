//! `POST /v1/admin/workspaces`: provisioning without a dashboard; the export
//! (`GET …/{id}/export`) and erasure (`DELETE …/{id}`) of a whole workspace.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use shared_types::admin::{CreateWorkspaceRequest, CreateWorkspaceResponse, Workspace};
use shared_types::agents::{Agent, AgentRole, AgentStatus};
use shared_types::ids::{AgentId, ApiKeyId, WorkspaceId};

use crate::auth::Admin;
use crate::domain::{api_key, ids, time};
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::state::AppState;
use crate::store;

#[worker::send]
pub async fn create_workspace(
    State(state): State<AppState>,
    _admin: Admin,
    ApiJson(body): ApiJson<CreateWorkspaceRequest>,
) -> Result<(StatusCode, Json<CreateWorkspaceResponse>), ApiError> {
    let key = api_key::generate();
    let password_hash = match &body.owner.password {
        Some(password) => Some(crate::crypto::hash_password(password.as_str()).await?),
        None => None,
    };
    let now = time::now_rfc3339();
    let workspace_id = WorkspaceId::with_suffix(&ids::suffix());
    let owner_id = AgentId::with_suffix(&ids::suffix());
    store::workspaces::create(
        &state.db()?,
        &store::workspaces::NewWorkspace {
            id: workspace_id.as_str(),
            name: body.name.as_str(),
            owner_id: owner_id.as_str(),
            owner_name: body.owner.name.as_str(),
            owner_email: body.owner.email.as_str(),
            owner_password_hash: password_hash.as_deref(),
            key_id: ApiKeyId::with_suffix(&ids::suffix()).as_str(),
            key_prefix: key.display_prefix(),
            key_hash: &api_key::hash_hex(&key),
            now: &now,
        },
    )
    .await?;

    Ok((
        StatusCode::CREATED,
        Json(CreateWorkspaceResponse {
            workspace: Workspace {
                id: workspace_id,
                name: body.name.as_str().to_string(),
                created_at: now,
            },
            agent: Agent {
                id: owner_id,
                name: body.owner.name.as_str().to_string(),
                email: body.owner.email.as_str().to_string(),
                role: AgentRole::Owner,
                status: AgentStatus::Offline,
                active_chats: 0,
                total_chats: 0,
            },
            api_key: key.as_str().to_string(),
        }),
    ))
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
