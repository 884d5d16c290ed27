//! Console sign-in: `POST /v1/auth/login`, `POST /v1/auth/logout`, `GET /v1/auth/me`,
//! `POST /v1/auth/accept-invite`. A session is an HttpOnly cookie that the `Caller`
//! extractor accepts in place of an API key, so the console uses the public API only.

use axum::http::header::{RETRY_AFTER, SET_COOKIE};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use shared_types::auth::{AcceptInviteRequest, LoginRequest, SessionInfo};
use shared_types::error::ErrorCode;

use crate::auth::Caller;
use crate::crypto;
use crate::domain::password::{self, PasswordHash};
use crate::domain::{session, throttle, time};
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::limits;
use crate::state::AppState;
use crate::store;

pub fn routes() -> Router {
    Router::new()
        .route("/v1/auth/login", post(login))
        .route("/v1/auth/logout", post(logout))
        .route("/v1/auth/me", get(me))
        .route("/v1/auth/accept-invite", post(accept_invite))
}

/// Passwords longer than any that can be set are wrong without hashing them.
const MAX_PASSWORD_BYTES: usize = 4 * 128;

#[utoipa::path(
    post,
    path = "/v1/auth/login",
    operation_id = "login",
    tag = "Console",
    summary = "Sign in; sets the session cookie",
    request_body = LoginRequest, responses((status = 200, description = "Signed in", body = SessionInfo, headers(("Set-Cookie" = String, description = "The session cookie")))), security(())
)]
#[worker::send]
async fn login(
    state: AppState,
    headers: HeaderMap,
    ApiJson(body): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    let db = state.db()?;
    let email = body.email.as_str();
    let address = limits::client_ip(&headers);
    let subjects = Subjects {
        pair: Some(format!("pair:{email} {address}")),
        address: format!("ip:{address}"),
        email: Some(format!("email:{email}")),
    };
    let mine = match throttled(&db, &subjects).await? {
        Ok(mine) => mine,
        Err(refused) => return Ok(refused),
    };

    let candidates = store::agents::credentials_by_email(
        &db,
        body.email.as_str(),
        body.workspace_id.as_ref().map(|w| w.as_str()),
    )
    .await?;
    let mut signed_in = None;
    if body.password.len() <= MAX_PASSWORD_BYTES {
        for c in &candidates {
            if let Some(stored) = PasswordHash::parse(&c.password_hash) {
                if crypto::verify_password(&stored, &body.password).await? {
                    signed_in = Some((c.workspace_id.clone(), c.id.clone()));
                    break;
                }
            }
        }
        if candidates.is_empty() {
            // The same work as for a real agent, so timing does not reveal the email.
            crypto::verify_password(&password::decoy(), &body.password).await?;
        }
    }
    let Some((workspace_id, agent_id)) = signed_in else {
        // The attempt's rows stay: it was a failure.
        return Err(ErrorCode::AuthInvalidCredentials.into());
    };
    store::login_failures::forget(&db, &mine).await?;
    start_session(&state, &workspace_id, &agent_id).await
}

/// The throttle's subjects of one attempt (see [`throttle`]).
struct Subjects {
    /// None for an invitation: its token names no one until it is found.
    pair: Option<String>,
    address: String,
    /// None for an invitation, which has no email to back off.
    email: Option<String>,
}

/// Records the attempt as a failure and decides on it: the ids of its rows when it may
/// go on (to be forgotten if it succeeds), or the 429 with `Retry-After` that answers it
/// (and then nothing of it stays recorded).
async fn throttled(
    db: &worker::D1Database,
    subjects: &Subjects,
) -> Result<Result<Vec<i64>, Response>, ApiError> {
    let now = time::now();
    let since = time::format(now - chrono::Duration::seconds(throttle::WINDOW_SECONDS));
    let mut names = vec![subjects.address.as_str()];
    names.extend(subjects.pair.as_deref());
    names.extend(subjects.email.as_deref());
    let (mine, failures) =
        store::login_failures::attempt(db, &names, &time::format(now), &since).await?;
    // The attempts recorded before this one (concurrent ones included) decide.
    let at = |subject: Option<&str>| -> Vec<i64> {
        failures
            .iter()
            .filter(|f| Some(f.subject.as_str()) == subject && !mine.contains(&f.id))
            .filter_map(|f| time::parse(&f.failed_at).map(|t| t.timestamp()))
            .collect()
    };
    let (pair, address, email) = (
        at(subjects.pair.as_deref()),
        at(Some(&subjects.address)),
        at(subjects.email.as_deref()),
    );
    let failures = throttle::Failures {
        pair: &pair,
        address: &address,
        email: &email,
    };
    let Some(seconds) = throttle::retry_after(&failures, now.timestamp()) else {
        return Ok(Ok(mine));
    };
    // Refused unchecked: not a failure of its own.
    store::login_failures::forget(db, &mine).await?;
    Ok(Err((
        [(RETRY_AFTER, seconds.to_string())],
        ApiError::new(ErrorCode::RateLimited),
    )
        .into_response()))
}

/// Makes a session for the agent and answers with it: 200, the agent and workspace,
/// and the cookie.
async fn start_session(
    state: &AppState,
    workspace_id: &str,
    agent_id: &str,
) -> Result<Response, ApiError> {
    let db = state.db()?;
    let token = session::new_token();
    let now = time::now();
    let expires = now + chrono::Duration::seconds(session::TTL_SECONDS);
    store::sessions::insert(
        &db,
        &session::hash_hex(&token),
        workspace_id,
        agent_id,
        &time::format(now),
        &time::format(expires),
    )
    .await?;
    let info = session_info(state, workspace_id, agent_id).await?;
    Ok(([(SET_COOKIE, session::set_cookie(&token))], Json(info)).into_response())
}

async fn session_info(
    state: &AppState,
    workspace_id: &str,
    agent_id: &str,
) -> Result<SessionInfo, ApiError> {
    let db = state.db()?;
    let agent = crate::services::agents::get(state, workspace_id, agent_id)
        .await?
        .ok_or(ErrorCode::AuthSessionInvalid)?;
    let workspace = store::workspaces::get(&db, workspace_id)
        .await?
        .ok_or(ErrorCode::AuthSessionInvalid)?;
    Ok(SessionInfo { agent, workspace })
}

/// Ends the cookie's session; 204 and a cleared cookie whether or not one was current.
/// Needs the console header like any cookie write, so another site cannot sign an agent
/// out.
#[utoipa::path(
    post,
    path = "/v1/auth/logout",
    operation_id = "logout",
    tag = "Console",
    summary = "End the session",
    responses((status = 204, description = "Signed out; the cookie is cleared")), security((), ("consoleSession" = []))
)]
#[worker::send]
async fn logout(
    state: AppState,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if !crate::auth::cookie_request_is_ours(&method, &uri, &headers) {
        return Err(ErrorCode::AuthCsrf.into());
    }
    if let Some(token) = crate::auth::session_token(&headers) {
        let db = state.db()?;
        let hash = session::hash_hex(token);
        let workspace = store::sessions::delete(&db, &hash, &time::now_rfc3339()).await?;
        crate::cache::forget(&state, &[crate::cache::session_entry(&hash)]).await?;
        if let Some(workspace_id) = workspace {
            crate::services::sockets::close_sockets(
                &state,
                &workspace_id,
                vec![format!("session:{hash}")],
                "signed out",
            )
            .await;
        }
    }
    Ok((
        StatusCode::NO_CONTENT,
        [(SET_COOKIE, session::clear_cookie())],
    )
        .into_response())
}

/// The caller (session or API key) and its workspace.
#[utoipa::path(
    get,
    path = "/v1/auth/me",
    operation_id = "whoAmI",
    tag = "Console",
    summary = "The calling agent and workspace",
    responses((status = 200, description = "Who is calling", body = SessionInfo)), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn me(state: AppState, caller: Caller) -> Result<Json<SessionInfo>, ApiError> {
    session_info(&state, &caller.workspace_id, &caller.agent_id)
        .await
        .map(Json)
}

/// Sets the invited agent's password and signs it in.
#[utoipa::path(
    post,
    path = "/v1/auth/accept-invite",
    operation_id = "acceptInvitation",
    tag = "Console",
    summary = "Set a password from an invitation and sign in",
    request_body = AcceptInviteRequest, responses((status = 200, description = "Signed in", body = SessionInfo)), security(())
)]
#[worker::send]
async fn accept_invite(
    state: AppState,
    headers: HeaderMap,
    ApiJson(body): ApiJson<AcceptInviteRequest>,
) -> Result<Response, ApiError> {
    let db = state.db()?;
    let address = limits::client_ip(&headers);
    let subjects = Subjects {
        // Its own count: guessed invitations do not hold an address's sign-ins.
        pair: None,
        address: format!("invite-ip:{address}"),
        email: None,
    };
    let mine = match throttled(&db, &subjects).await? {
        Ok(mine) => mine,
        Err(refused) => return Ok(refused),
    };
    let token_hash = session::hash_hex(&body.token);
    let now = time::now_rfc3339();
    // Looked up before any key derivation: a wrong token costs no PBKDF2.
    if !store::invitations::usable(&db, &token_hash, &now).await? {
        return Err(ErrorCode::AuthInvitation.into());
    }
    // Hashed before the invitation is spent, so a failure here leaves it usable.
    let hash = crypto::hash_password(body.password.as_str()).await?;
    let claimed = store::invitations::claim(&db, &token_hash, &now)
        .await?
        .ok_or(ErrorCode::AuthInvitation)?;
    store::login_failures::forget(&db, &mine).await?;
    store::agents::set_password(
        &db,
        &claimed.workspace_id,
        &claimed.agent_id,
        &hash,
        body.name.as_ref().map(|n| n.as_str()),
        &now,
    )
    .await?;
    start_session(&state, &claimed.workspace_id, &claimed.agent_id).await
}

/// This module's operations in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(login, logout, me, accept_invite))]
pub(super) struct Doc;

/// What each operation here can refuse with, beyond its credential, body and query.
pub(super) const ERRORS: super::OperationErrors = &[
    (
        "login",
        &[ErrorCode::AuthInvalidCredentials, ErrorCode::RateLimited],
    ),
    ("logout", &[ErrorCode::AuthCsrf]),
    (
        "acceptInvitation",
        &[ErrorCode::AuthInvitation, ErrorCode::RateLimited],
    ),
];
