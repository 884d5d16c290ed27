//! Visitors: a widget session is a new visitor, admitted only from a page on the
//! workspace's domains, verified when it proves the identity it claims, and handed a
//! signed token that reaches only its own chats (DESIGN.md, "The visitor side").

use axum::http::request::Parts;
use shared_types::error::{ErrorCode, FieldErrors};
use shared_types::ids::VisitorId;
use shared_types::visitor::{CreateSessionRequest, SessionResponse, VisitorInfo};

use crate::auth::{Caller, VisitorCaller};
use crate::domain::token::{self, VisitorClaims};
use crate::domain::{bounds, browser, ids, rate_limit, socket_bounds, time};
use crate::error::ApiError;
use crate::limits;
use crate::objects::workspace::client;
use crate::objects::workspace::protocol::{NewVisitor, Request, VisitorOp};
use crate::services::{sockets, widget};
use crate::state::AppState;

async fn call<T: serde::de::DeserializeOwned>(
    state: &AppState,
    workspace_id: &str,
    op: VisitorOp,
) -> Result<T, ApiError> {
    client::ask(state, workspace_id, &Request::Visitors(op)).await
}

/// How long a visitor session lasts: a returning visitor within a month continues the
/// same conversation.
const SESSION_DAYS: i64 = 30;

/// A new visitor and its token. WS-001 for an unknown workspace, AUTH-009 for a page off
/// its domains, REQ-004 for fields beyond their bounds, RATE-001 past the budgets of the
/// address and of the workspace (spent on `parts`), AUTH-015 for an identity the
/// workspace requires and the session cannot prove; nothing is stored then.
pub async fn create_session(
    state: &AppState,
    parts: &Parts,
    workspace_id: String,
    body: CreateSessionRequest,
) -> Result<SessionResponse, ApiError> {
    let headers = &parts.headers;
    let config = widget::stored(state, &workspace_id)
        .await?
        .ok_or(ErrorCode::WorkspaceNotFound)?;
    widget::check_origin(headers, &config.domains)?;
    let visitor = body.visitor;
    check_visitor_bounds(&visitor)?;
    let budget = format!("sessions:{workspace_id}:{}", limits::client_ip(headers));
    limits::spend(state, parts, &budget, rate_limit::SESSIONS_PER_IP).await?;
    let all = format!("sessions:{workspace_id}");
    limits::spend(state, parts, &all, bounds::SESSIONS_PER_WORKSPACE).await?;
    let secret = state.token_secret()?;
    let verified = widget::identity_verdict(state, &workspace_id, &config, &visitor).await?;
    let metadata = serde_json::to_string(&visitor.metadata.unwrap_or_default())
        .map_err(|e| ApiError::internal(e.to_string()))?;
    let visitor_id = VisitorId::with_suffix(&ids::suffix());
    let now = time::now();
    call::<()>(
        state,
        &workspace_id,
        VisitorOp::Insert(NewVisitor {
            id: visitor_id.as_str().to_string(),
            name: visitor.name.as_ref().map(|n| n.as_str().to_string()),
            email: visitor.email.as_ref().map(|e| e.as_str().to_string()),
            phone: visitor.phone.as_ref().map(|p| p.as_str().to_string()),
            metadata,
            user_id: visitor.user_id.as_ref().map(|u| u.as_str().to_string()),
            verified,
            now: time::format(now),
            language: visitor.language.as_ref().map(|l| {
                shared_types::lang::Lang::parse(l.as_str())
                    .code()
                    .to_string()
            }),
            new_contact_id: Some(ids::new_id("contact")),
            country: header(headers, "cf-ipcountry").and_then(browser::country),
            browser: header(headers, "user-agent").and_then(browser::describe),
        }),
    )
    .await?;
    let expires = now + chrono::Duration::days(SESSION_DAYS);
    let visitor_token = token::visitor_token(
        secret.as_bytes(),
        &VisitorClaims {
            workspace_id,
            visitor_id: visitor_id.as_str().to_string(),
            expires_at: expires.timestamp(),
        },
    );
    Ok(SessionResponse {
        visitor_id,
        visitor_token,
        expires_at: time::format(expires),
    })
}

fn header<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// REQ-004 with every field of the visitor beyond [`bounds`]; nothing is stored then.
fn check_visitor_bounds(visitor: &VisitorInfo) -> Result<(), ApiError> {
    let mut fields = FieldErrors::default();
    let name = visitor.name.as_ref().map(|n| n.as_str());
    bounds::check_chars("visitor.name", name, bounds::NAME_MAX_CHARS, &mut fields);
    let phone = visitor.phone.as_ref().map(|p| p.as_str());
    bounds::check_chars("visitor.phone", phone, bounds::PHONE_MAX_CHARS, &mut fields);
    if let Some(metadata) = &visitor.metadata {
        bounds::check_metadata(metadata, &mut fields);
    }
    if fields.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(fields))
    }
}

/// Blocks a visitor of the caller's workspace (owner or admin): 204 also when blocked
/// already, VISITOR-001 for none. Their sockets close at once.
pub async fn block(state: &AppState, caller: &Caller, raw_id: &str) -> Result<(), ApiError> {
    caller.require_manager()?;
    let visitor_id = VisitorId::parse(raw_id).map_err(|_| ErrorCode::VisitorNotFound)?;
    let found: bool = call(
        state,
        &caller.workspace_id,
        VisitorOp::Block {
            visitor_id: visitor_id.as_str().to_string(),
            now: time::now_rfc3339(),
        },
    )
    .await?;
    if !found {
        return Err(ErrorCode::VisitorNotFound.into());
    }
    sockets::close_sockets(
        state,
        &caller.workspace_id,
        vec![socket_bounds::visitor_tag(visitor_id.as_str())],
        "visitor blocked",
    )
    .await;
    Ok(())
}

/// AUTH-014 when the workspace blocked this visitor, AUTH-007 when it no longer has it
/// (its workspace was erased). Asked on every visitor request: a block must hold at
/// once, and the check is one row in the workspace's own database.
pub async fn refuse_blocked(state: &AppState, visitor: &VisitorCaller) -> Result<(), ApiError> {
    let blocked = call::<Option<bool>>(
        state,
        &visitor.workspace_id,
        VisitorOp::Blocked {
            visitor_id: visitor.visitor_id.clone(),
        },
    )
    .await;
    match blocked {
        Ok(Some(false)) => Ok(()),
        Ok(Some(true)) => Err(ErrorCode::AuthVisitorBlocked.into()),
        Ok(None) => Err(ErrorCode::AuthVisitorToken.into()),
        Err(e) if e.code == ErrorCode::WorkspaceNotFound => Err(ErrorCode::AuthVisitorToken.into()),
        Err(e) => Err(e),
    }
}

/// The SQL of visitors, run inside the workspace's object.
pub mod object {
    use worker::SqlStorage;

    use crate::domain::contact;
    use crate::error::ApiError;
    use crate::objects::workspace::answer;
    use crate::objects::workspace::protocol::VisitorOp;
    use crate::objects::workspace::sql::{flag, rows, written};
    use crate::services::contacts;

    pub fn handle(sql: &SqlStorage, op: VisitorOp) -> Result<String, ApiError> {
        match op {
            VisitorOp::Insert(v) => {
                written(
                    sql,
                    "INSERT INTO visitors (id, name, email, phone, metadata, created_at,
                                           last_seen_at, user_id, verified, language, country,
                                           browser)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7, ?8, ?9, ?10, ?11)
                     RETURNING id",
                    vec![
                        v.id.as_str().into(),
                        v.name.clone().into(),
                        v.email.clone().into(),
                        v.phone.clone().into(),
                        v.metadata.as_str().into(),
                        v.now.as_str().into(),
                        v.user_id.clone().into(),
                        flag(v.verified),
                        v.language.clone().into(),
                        v.country.clone().into(),
                        v.browser.clone().into(),
                    ],
                )?;
                let key = contact::key(v.user_id.as_deref(), v.verified, v.email.as_deref());
                if let Some(key) = key {
                    contacts::object::link(sql, &v, key)?;
                }
                answer(())
            }
            VisitorOp::Block { visitor_id, now } => {
                let changed = written(
                    sql,
                    "UPDATE visitors SET blocked_at = COALESCE(blocked_at, ?2) WHERE id = ?1
                     RETURNING id",
                    vec![visitor_id.into(), now.into()],
                )?;
                answer(changed == 1)
            }
            VisitorOp::Blocked { visitor_id } => {
                #[derive(serde::Deserialize)]
                struct Row {
                    blocked: i64,
                }
                let found: Vec<Row> = rows(
                    sql,
                    "SELECT blocked_at IS NOT NULL AS blocked FROM visitors WHERE id = ?",
                    vec![visitor_id.into()],
                )?;
                answer(found.into_iter().next().map(|r| r.blocked != 0))
            }
        }
    }
}
