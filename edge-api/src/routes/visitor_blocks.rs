//! `POST /v1/visitors/{visitor_id}/block` (owner or admin): the visitor's token stops
//! working at once, on every visitor endpoint (401 AUTH-014) and on the socket, and its
//! open sockets close. A visitor is one widget session, so whoever it was may start a new
//! anonymous session, which is a new visitor with nothing of the old one's chats: the
//! block is of the visitor id, as peers (Crisp, Chatwoot) block a contact.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::services::visitors;
use crate::state::AppState;
use shared_types::error::ErrorCode;

pub fn routes() -> Router {
    Router::new().route("/v1/visitors/{visitor_id}/block", post(block))
}

/// 204, also for a visitor blocked already (nothing changes then); AUTH-006 for an
/// operator; VISITOR-001 for a visitor of another workspace or none.
#[utoipa::path(
    post,
    path = "/v1/visitors/{visitor_id}/block",
    operation_id = "blockVisitor",
    tag = "Visitors",
    summary = "Block a visitor; their token stops working at once",
    params(("visitor_id" = String, Path, description = "The visitor's id (`vis_…`)")), responses((status = 204, description = "Blocked")), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn block(
    state: AppState,
    caller: Caller,
    Path(visitor_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    visitors::block(&state, &caller, &visitor_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// This module's operations in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(block))]
pub(super) struct Doc;

/// What each operation here can refuse with, beyond its credential, body and query.
pub(super) const ERRORS: super::OperationErrors = &[(
    "blockVisitor",
    &[ErrorCode::AuthForbidden, ErrorCode::VisitorNotFound],
)];
