//! The "Developer → API Keys tab" as an API: list, create (shown once), revoke. A key
//! acts as its agent, so a key for another agent follows `domain::authority` (never for
//! an agent ranked above the caller), and revoking one closes its open sockets.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::Json;
use shared_types::admin::{ApiKey, CreateApiKeyRequest, CreatedApiKey};
use shared_types::error::ErrorCode;
use shared_types::ids::ApiKeyId;
use shared_types::DataList;

use crate::auth::Caller;
use crate::cache;
use crate::domain::{api_key, authority, ids, time};
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::state::AppState;
use crate::store;
use axum::routing::{delete, get};
use axum::Router;

pub fn routes() -> Router {
    Router::new()
        .route("/v1/api-keys", get(list).post(create))
        .route("/v1/api-keys/{key_id}", delete(revoke))
}

#[utoipa::path(
    get,
    path = "/v1/api-keys",
    operation_id = "listApiKeys",
    tag = "API keys",
    summary = "Keys not revoked",
    responses((status = 200, description = "Keys (prefixes only)", body = DataList<ApiKey>)), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
pub async fn list(state: AppState, caller: Caller) -> Result<Json<DataList<ApiKey>>, ApiError> {
    caller.require_manager()?;
    let data = store::api_keys::list_active(&state.db()?, &caller.workspace_id).await?;
    Ok(Json(DataList { data }))
}

#[utoipa::path(
    post,
    path = "/v1/api-keys",
    operation_id = "createApiKey",
    tag = "API keys",
    summary = "A new key, shown once",
    request_body = CreateApiKeyRequest, responses((status = 201, description = "The key, in full this once", body = CreatedApiKey)), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
pub async fn create(
    state: AppState,
    caller: Caller,
    ApiJson(body): ApiJson<CreateApiKeyRequest>,
) -> Result<(StatusCode, Json<CreatedApiKey>), ApiError> {
    caller.require_manager()?;
    let db = state.db()?;
    // The key acts as the agent it is made for: the caller, or an agent it names.
    let agent_id = match &body.agent_id {
        None => caller.agent_id.clone(),
        Some(agent) => {
            let agent = store::agents::get(&db, &caller.workspace_id, agent.as_str())
                .await?
                .ok_or(ErrorCode::AgentNotFound)?;
            let is_self = agent.id.as_str() == caller.agent_id;
            if !authority::may_mint_for(caller.role, agent.role, is_self) {
                return Err(ErrorCode::AuthForbidden.into());
            }
            agent.id.into_string()
        }
    };
    let key = api_key::generate();
    let id = ApiKeyId::with_suffix(&ids::suffix());
    let now = time::now_rfc3339();
    store::api_keys::insert(
        &db,
        &store::api_keys::NewKey {
            id: id.as_str(),
            workspace_id: &caller.workspace_id,
            agent_id: &agent_id,
            name: body.name.as_str(),
            prefix: key.display_prefix(),
            key_hash: &api_key::hash_hex(&key),
            now: &now,
        },
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedApiKey {
            id,
            name: body.name.as_str().to_string(),
            prefix: key.display_prefix().to_string(),
            key: key.as_str().to_string(),
            created_at: now,
        }),
    ))
}

#[utoipa::path(
    delete,
    path = "/v1/api-keys/{key_id}",
    operation_id = "revokeApiKey",
    tag = "API keys",
    summary = "Revoke a key; its open sockets close",
    params(("key_id" = String, Path, description = "The key's id (`key_…`)")), responses((status = 204, description = "Revoked")), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
pub async fn revoke(
    state: AppState,
    caller: Caller,
    Path(key_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    caller.require_manager()?;
    let key_id = ApiKeyId::parse(&key_id).map_err(|_| ErrorCode::ApiKeyNotFound)?;
    let revoked = store::api_keys::revoke(
        &state.db()?,
        &caller.workspace_id,
        key_id.as_str(),
        &time::now_rfc3339(),
    )
    .await?
    .ok_or(ErrorCode::ApiKeyNotFound)?;
    cache::forget(&state, &[cache::key_entry(&revoked)]).await?;
    crate::services::sockets::close_sockets(
        &state,
        &caller.workspace_id,
        vec![format!("key:{revoked}")],
        "api key revoked",
    )
    .await;
    Ok(StatusCode::NO_CONTENT)
}

/// This module's operations in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, create, revoke))]
pub(super) struct Doc;

/// What each operation here can refuse with, beyond its credential, body and query.
pub(super) const ERRORS: super::OperationErrors = &[
    ("listApiKeys", &[ErrorCode::AuthForbidden]),
    (
        "createApiKey",
        &[ErrorCode::AuthForbidden, ErrorCode::AgentNotFound],
    ),
    (
        "revokeApiKey",
        &[ErrorCode::AuthForbidden, ErrorCode::ApiKeyNotFound],
    ),
];
