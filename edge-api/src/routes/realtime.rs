//! `GET /v1/realtime`: WebSockets. With `?chat_id=` the socket joins that chat's room;
//! without it an agent's socket joins the workspace's feed. Visitors authenticate with
//! `?token=<visitor_token>`; agents with `?ticket=` from `POST /v1/realtime/tickets` or,
//! from servers, `Authorization: Bearer <api key>`. Who may join what is decided in
//! [`crate::services::realtime`].

use axum::extract::{RawQuery, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use shared_types::error::ErrorCode;
use shared_types::realtime::RealtimeTicket;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::services::realtime::{self, Opener};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/realtime", get(connect))
        .route("/v1/realtime/tickets", post(issue_ticket))
}

#[derive(Deserialize)]
struct ConnectQuery {
    chat_id: Option<String>,
    token: Option<String>,
    ticket: Option<String>,
}

#[worker::send]
async fn issue_ticket(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<(StatusCode, Json<RealtimeTicket>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(realtime::issue_ticket(&state, caller)?),
    ))
}

#[worker::send]
async fn connect(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    mut parts: Parts,
) -> Result<Response, ApiError> {
    let query: ConnectQuery = serde_urlencoded::from_str(query.as_deref().unwrap_or_default())
        .map_err(|_| ApiError::new(ErrorCode::InvalidQuery))?;
    let upgrade = parts
        .headers
        .get("upgrade")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    if !upgrade {
        return Err(ApiError::with_details(
            ErrorCode::Validation,
            serde_json::json!({"fields": {"Upgrade": "must be websocket"}}),
        ));
    }
    let opener = match (query.token, query.ticket) {
        (Some(token), _) => Opener::VisitorToken(token),
        (None, Some(ticket)) => Opener::Ticket(ticket),
        (None, None) => Opener::Agent(
            <Caller as axum::extract::FromRequestParts<AppState>>::from_request_parts(
                &mut parts, &state,
            )
            .await?,
        ),
    };
    realtime::connect(&state, opener, query.chat_id.as_deref()).await
}
