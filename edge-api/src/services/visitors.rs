//! Visitors: a widget session is a new visitor, admitted only from a page on the
//! workspace's domains, verified when it proves the identity it claims, and handed a
//! signed token that reaches only its own chats (DESIGN.md, "The visitor side").

use axum::http::request::Parts;
use shared_types::error::{ErrorCode, FieldErrors};
use shared_types::ids::VisitorId;
use shared_types::visitor::{CreateSessionRequest, SessionResponse, VisitorInfo};

use crate::domain::token::{self, VisitorClaims};
use crate::domain::{bounds, ids, rate_limit, time};
use crate::error::ApiError;
use crate::limits;
use crate::services::widget;
use crate::state::AppState;
use crate::store;

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
    store::visitors::insert(
        &state.db()?,
        &store::visitors::NewVisitor {
            id: visitor_id.as_str(),
            workspace_id: &workspace_id,
            name: visitor.name.as_ref().map(|n| n.as_str()),
            email: visitor.email.as_ref().map(|e| e.as_str()),
            phone: visitor.phone.as_ref().map(|p| p.as_str()),
            metadata: &metadata,
            user_id: visitor.user_id.as_ref().map(|u| u.as_str()),
            verified,
            now: &time::format(now),
        },
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
