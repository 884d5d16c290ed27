//! `POST /v1/visitors/{visitor_id}/block` (owner or admin): the visitor's token stops
//! working at once, on every visitor endpoint (401 AUTH-014) and on the socket, and its
//! open sockets close. A visitor is one widget session, so whoever it was may start a new
//! anonymous session, which is a new visitor with nothing of the old one's chats: the
//! block is of the visitor id, as peers (Crisp, Chatwoot) block a contact.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::services::visitors;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/v1/visitors/{visitor_id}/block", post(block))
}

/// 204, also for a visitor blocked already (nothing changes then); AUTH-006 for an
/// operator; VISITOR-001 for a visitor of another workspace or none.
#[worker::send]
async fn block(
    State(state): State<AppState>,
    caller: Caller,
    Path(visitor_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    visitors::block(&state, &caller, &visitor_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
