//! `GET /v1/realtime`: WebSockets. With `?chat_id=` the socket joins that chat's room;
//! without it an agent's socket joins the workspace's feed. Visitors authenticate with
//! `?token=<visitor_token>`; agents with `?ticket=` from `POST /v1/realtime/tickets` or,
//! from servers, `Authorization: Bearer <api key>`. Who may join what is decided in
//! [`crate::services::realtime`].

use axum::extract::RawQuery;
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

pub fn routes() -> Router {
    Router::new()
        .route("/v1/realtime", get(connect))
        .route("/v1/realtime/tickets", post(issue_ticket))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ConnectQuery {
    /// Join this chat's room; without it an agent joins the workspace's feed.
    chat_id: Option<String>,
    /// A visitor's token (a visitor's socket).
    token: Option<String>,
    /// A ticket from `POST /v1/realtime/tickets` (an agent's browser).
    ticket: Option<String>,
}

#[utoipa::path(
    post,
    path = "/v1/realtime/tickets",
    operation_id = "createRealtimeTicket",
    tag = "Realtime",
    summary = "A one-use ticket for a browser's socket (valid 60 s)",
    responses((status = 201, description = "The ticket", body = RealtimeTicket)), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn issue_ticket(
    state: AppState,
    caller: Caller,
) -> Result<(StatusCode, Json<RealtimeTicket>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(realtime::issue_ticket(&state, caller)?),
    ))
}

#[utoipa::path(
    get,
    path = "/v1/realtime",
    operation_id = "openRealtimeSocket",
    tag = "Realtime",
    summary = "A WebSocket: a chat's room with `chat_id`, else the workspace's feed",
    params(
        ConnectQuery,
        ("Upgrade" = String, Header, description = "`websocket`: this is a WebSocket handshake", pattern = "^[Ww][Ee][Bb][Ss][Oo][Cc][Kk][Ee][Tt]$"),
        // workerd itself refuses a handshake without these (in plain text, before the
        // worker runs), so they are required here.
        ("Sec-WebSocket-Version" = String, Header, description = "`13` (RFC 6455)", pattern = "^13$"),
        ("Sec-WebSocket-Key" = String, Header, description = "16 random bytes in base64 (RFC 6455)", pattern = "^[A-Za-z0-9+/]{21}[AQgw]==$"),
    ), responses((status = 101, description = "Switched to the WebSocket protocol; frames are `ServerFrame` and `ClientFrame`")), security((), ("apiKey" = []))
)]
#[worker::send]
async fn connect(
    state: AppState,
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
            <Caller as axum::extract::FromRequestParts<()>>::from_request_parts(&mut parts, &())
                .await?,
        ),
    };
    realtime::connect(&state, opener, query.chat_id.as_deref()).await
}

/// This module's operations in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(issue_ticket, connect))]
pub(super) struct Doc;

/// What each operation here can refuse with, beyond its credential, body and query.
pub(super) const ERRORS: super::OperationErrors = &[(
    "openRealtimeSocket",
    &[
        ErrorCode::AuthTicket,
        ErrorCode::AuthVisitorToken,
        ErrorCode::AuthVisitorBlocked,
        ErrorCode::ChatNotFound,
        ErrorCode::Validation,
        ErrorCode::InvalidQuery,
    ],
)];
