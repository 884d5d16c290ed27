//! Who is calling: an agent through an API key or a console session cookie, a visitor
//! through its token, or the operator through ADMIN_TOKEN.

use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, Uri};
use shared_types::admin::ApiKeySecret;
use shared_types::agents::AgentRole;
use shared_types::auth::CONSOLE_HEADER;
use shared_types::error::ErrorCode;
use worker::send::SendFuture;

use crate::cache::{self, CachedCaller};
use crate::domain::{api_key, rate_limit, session};
use crate::domain::{secret, time, token};
use crate::error::ApiError;
use crate::limits;
use crate::objects::workspace::protocol::Charge;
use crate::state::AppState;
use crate::store;

/// The agent whose API key authenticated the request. Every query a handler makes is
/// scoped to `workspace_id`.
#[derive(Debug, Clone)]
pub struct Caller {
    pub workspace_id: String,
    pub agent_id: String,
    pub agent_name: String,
    pub role: AgentRole,
    /// The credential that authenticated the request, as sockets are tagged with it
    /// (`key:<hash>` or `session:<hash>`), so that revoking it finds its sockets.
    pub credential: String,
}

impl Caller {
    fn from_copy(copy: CachedCaller, credential: &str) -> Self {
        Caller {
            workspace_id: copy.workspace_id,
            agent_id: copy.agent_id,
            agent_name: copy.agent_name,
            role: copy.role,
            credential: credential.to_string(),
        }
    }

    /// What the cache keeps of this caller; a session's copy ends with the session.
    fn copy(&self, expires_at: Option<String>) -> CachedCaller {
        CachedCaller {
            workspace_id: self.workspace_id.clone(),
            agent_id: self.agent_id.clone(),
            agent_name: self.agent_name.clone(),
            role: self.role,
            expires_at,
        }
    }

    /// AUTH-006 unless the caller is an owner or admin: keys, webhooks and the widget are
    /// theirs to manage, not operators'.
    pub fn require_manager(&self) -> Result<(), ApiError> {
        match self.role {
            AgentRole::Owner | AgentRole::Admin => Ok(()),
            AgentRole::Operator => Err(ErrorCode::AuthForbidden.into()),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let state = &AppState::of(parts)?;
        let header = parts.headers.get(AUTHORIZATION).map(|v| v.to_str());
        if header.is_none() {
            if let Some(token) = session_token(&parts.headers) {
                let token = token.to_string();
                let (state, parts) = (state.clone(), &*parts);
                return SendFuture::new(async move { from_session(&state, parts, &token).await })
                    .await;
            }
        }
        let key = match header {
            None => return Err(ErrorCode::AuthMissing.into()),
            Some(Err(_)) => return Err(ErrorCode::AuthMalformed.into()),
            Some(Ok(value)) => api_key::from_authorization(Some(value))?,
        };
        let (state, parts) = (state.clone(), &*parts);
        // The budget is the key's, named by its hash as D1 knows it.
        let budget = format!("key:{}", api_key::hash_hex(&key));
        SendFuture::new(async move {
            beside_limit(
                &state,
                parts,
                &budget,
                rate_limit::API_KEY,
                authenticate(&state, &key),
            )
            .await
        })
        .await
    }
}

/// Runs `lookup`, then spends from `budget` only if it found a caller: a credential
/// that does not exist gets no budget, so a stranger's guesses leave no row behind.
/// The budget is the workspace object's (`services::budgets`): a read leaves its charge
/// for its first call there, a write spends before its handler runs.
async fn beside_limit(
    state: &AppState,
    parts: &Parts,
    budget: &str,
    numbers: rate_limit::Limits,
    lookup: impl std::future::Future<Output = Result<Caller, ApiError>>,
) -> Result<Caller, ApiError> {
    if let Some(known) = parts.extensions.get::<Caller>() {
        // Already authenticated (and charged) by the idempotency layer.
        return Ok(known.clone());
    }
    let started = limits::clock_ms();
    let caller = lookup.await;
    limits::note_timing(
        parts,
        "auth",
        limits::clock_ms().saturating_sub(started) as f64,
    );
    let caller = caller?;
    let charge = Charge {
        credential: budget.to_string(),
        limits: numbers,
    };
    if limits::is_read(parts) {
        state.rate_slot().defer(&caller.workspace_id, charge);
    } else {
        crate::services::budgets::spend_credential(state, parts, &caller.workspace_id, charge)
            .await?;
    }
    Ok(caller)
}

/// An agent's stored role, which the schema's CHECK keeps to the three known ones.
fn stored_role(agent_id: &str, role: &str) -> Result<AgentRole, ApiError> {
    role.parse::<AgentRole>()
        .map_err(|_| ApiError::internal(format!("agent {agent_id} has role {role}")))
}

/// The console's session token in the request's cookies, if any.
pub fn session_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(session::token_from_cookie_header)
}

/// Whether a request that the browser sent with our cookie came from our own pages
/// (see [`session::request_is_ours`]): AUTH-012 otherwise.
pub fn cookie_request_is_ours(method: &Method, uri: &Uri, headers: &HeaderMap) -> bool {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let service_origin = crate::routes::origin(uri, headers);
    session::request_is_ours(&session::Provenance {
        method: method.as_str(),
        upgrade: text("upgrade").is_some_and(|v| v.eq_ignore_ascii_case("websocket")),
        console_header: text(CONSOLE_HEADER),
        origin: text("origin"),
        service_origin: &service_origin,
    })
}

/// The agent of a console session: AUTH-012 for a cross-site write, AUTH-011 for a
/// session that is over; the session has its own budget, a person's
/// ([`rate_limit::CONSOLE_SESSION`]).
async fn from_session(state: &AppState, parts: &Parts, token: &str) -> Result<Caller, ApiError> {
    if !cookie_request_is_ours(&parts.method, &parts.uri, &parts.headers) {
        return Err(ErrorCode::AuthCsrf.into());
    }
    // The budget is the session's, as a key's is the key's.
    let hash = session::hash_hex(token);
    let budget = format!("session:{hash}");
    let lookup = async {
        let now = time::now_rfc3339();
        let entry = cache::session_entry(&hash);
        if let Some(copy) = cache::get::<CachedCaller>(state, &entry).await {
            if copy.live_at(&now) {
                return Ok(Caller::from_copy(copy, &budget));
            }
        }
        let owner = store::sessions::owner(&state.db()?, &hash, &now)
            .await?
            .ok_or(ErrorCode::AuthSessionInvalid)?;
        let caller = Caller {
            role: stored_role(&owner.agent_id, &owner.role)?,
            workspace_id: owner.workspace_id,
            agent_id: owner.agent_id,
            agent_name: owner.agent_name,
            credential: budget.clone(),
        };
        cache::put(state, &entry, &caller.copy(Some(owner.expires_at))).await;
        Ok(caller)
    };
    beside_limit(state, parts, &budget, rate_limit::CONSOLE_SESSION, lookup).await
}

/// The agent of a key, from the cache when it was seen in the last minute. Only keys
/// that work are copied, so the two refusals (unknown, revoked) always come from D1.
async fn authenticate(state: &AppState, key: &ApiKeySecret) -> Result<Caller, ApiError> {
    let hash = api_key::hash_hex(key);
    let entry = cache::key_entry(&hash);
    let credential = format!("key:{hash}");
    if let Some(copy) = cache::get::<CachedCaller>(state, &entry).await {
        return Ok(Caller::from_copy(copy, &credential));
    }
    let db = state.db()?;
    let owner = store::api_keys::owner_by_hash(&db, &hash)
        .await?
        .ok_or(ErrorCode::AuthUnknownKey)?;
    if owner.revoked_at.is_some() {
        return Err(ErrorCode::AuthRevokedKey.into());
    }
    let role = stored_role(&owner.agent_id, &owner.role)?;
    // last_used_at is kept to the minute (a copy lives a minute), so most requests
    // read without writing.
    let now = time::now();
    let stale = owner
        .last_used_at
        .as_deref()
        .and_then(time::parse)
        .is_none_or(|used| now - used > chrono::Duration::minutes(1));
    if stale {
        store::api_keys::touch(&db, &owner.key_id, &time::format(now)).await?;
    }
    let caller = Caller {
        workspace_id: owner.workspace_id,
        agent_id: owner.agent_id,
        agent_name: owner.agent_name,
        role,
        credential,
    };
    cache::put(state, &entry, &caller.copy(None)).await;
    Ok(caller)
}

/// The provisioning operator. The admin endpoints do not exist (404) unless the
/// ADMIN_TOKEN secret is set; a wrong token is AUTH-010.
pub struct Admin;

impl<S: Send + Sync> FromRequestParts<S> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let state = &AppState::of(parts)?;
        let expected = state
            .secret("ADMIN_TOKEN")
            .ok_or(ErrorCode::RouteNotFound)?;
        let presented = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim())
            .unwrap_or_default();
        if secret::constant_time_eq(presented.as_bytes(), expected.as_bytes()) {
            Ok(Admin)
        } else {
            Err(ErrorCode::AdminToken.into())
        }
    }
}

/// A visitor, by the signed token the widget got from `POST /v1/public/widgets/{id}/sessions`:
/// `Authorization: Bearer <token>`. AUTH-007 when it is missing, forged or expired.
#[derive(Debug, Clone)]
pub struct VisitorCaller {
    pub workspace_id: String,
    pub visitor_id: String,
}

impl<S: Send + Sync> FromRequestParts<S> for VisitorCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let state = &AppState::of(parts)?;
        let (visitor, checked) = charged_visitor(parts, state).await?;
        if !checked {
            let state = state.clone();
            let visitor = visitor.clone();
            SendFuture::new(async move { refuse_blocked(&state, &visitor).await }).await?;
        }
        Ok(visitor)
    }
}

/// A visitor sending a message: authenticated as [`VisitorCaller`] is, but neither
/// charged nor checked here. The workspace's object spends the budget and checks the
/// block in the same step that stores the message (`Append::charge`), which saves the
/// hottest visitor request two calls to the object; a request refused before it gets
/// there spends on its own (`services::messages::send_as_visitor`).
#[derive(Debug, Clone)]
pub struct VisitorSender {
    pub visitor: VisitorCaller,
    /// The idempotency layer has spent this request's budget already.
    pub charged: bool,
}

impl<S: Send + Sync> FromRequestParts<S> for VisitorSender {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let state = &AppState::of(parts)?;
        let (visitor, charged) = authenticated_visitor(parts, state)?;
        Ok(VisitorSender { visitor, charged })
    }
}

/// The visitor of the request's token, its budget spent; `true` when the idempotency
/// layer had authenticated, charged and checked it already.
async fn charged_visitor(
    parts: &Parts,
    state: &AppState,
) -> Result<(VisitorCaller, bool), ApiError> {
    let (visitor, known) = authenticated_visitor(parts, state)?;
    if known {
        return Ok((visitor, true));
    }
    let (state, parts) = (state.clone(), parts);
    SendFuture::new(async move {
        crate::services::budgets::spend_visitor(&state, parts, &visitor).await?;
        Ok((visitor, false))
    })
    .await
}

/// The visitor of the request's token; `true` when the idempotency layer had
/// authenticated, charged and checked it already.
fn authenticated_visitor(
    parts: &Parts,
    state: &AppState,
) -> Result<(VisitorCaller, bool), ApiError> {
    let header = parts
        .headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let token =
        shared_types::admin::bearer_token(header).map_err(|_| ErrorCode::AuthVisitorToken)?;
    let visitor = visitor_from_token(state, token)?;
    match parts.extensions.get::<VisitorCaller>() {
        Some(known) => Ok((known.clone(), true)),
        None => Ok((visitor, false)),
    }
}

/// The visitor a token names, if the token is genuine and current.
pub fn visitor_from_token(state: &AppState, token: &str) -> Result<VisitorCaller, ApiError> {
    let secret = state.token_secret()?;
    let claims = token::read_visitor_token(secret.as_bytes(), token, time::now().timestamp())
        .ok_or(ErrorCode::AuthVisitorToken)?;
    Ok(VisitorCaller {
        workspace_id: claims.workspace_id,
        visitor_id: claims.visitor_id,
    })
}

/// AUTH-014 when the workspace blocked this visitor, AUTH-007 when it no longer has it.
pub async fn refuse_blocked(state: &AppState, visitor: &VisitorCaller) -> Result<(), ApiError> {
    crate::services::visitors::refuse_blocked(state, visitor).await
}
