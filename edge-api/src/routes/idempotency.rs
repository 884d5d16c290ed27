//! `Idempotency-Key` on POST: the same key and body from the same caller get the first
//! answer again and create nothing new; the same key with another body is 409 REQ-006.
//!
//! The caller is authenticated first (the handler then reuses that caller, charged
//! once), so a request with an unknown credential is refused before anything is
//! written, and the record is scoped to the caller's identity: the API key's or session's
//! hash, the visitor, or the operator. Requests that carry no credential (sign-in, a
//! new visitor session) are not idempotent: they run as sent. Only successful answers
//! are remembered, sealed with AES-256-GCM (`crypto::seal`, bound to the record's
//! scope and key), because some carry a secret (a new API key, an invitation link, a
//! generated webhook secret); after a 4xx or 5xx the key is freed and a corrected retry
//! runs for real.

use axum::body::{to_bytes, Body};
use axum::extract::FromRequestParts;
use axum::extract::Request;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use shared_types::error::{ErrorCode, FieldErrors};
use worker::send::SendFuture;

use crate::auth::{self, Admin, Caller, VisitorCaller};
use crate::crypto;
use crate::domain::{secret::sha256_hex, session, time};
use crate::error::ApiError;
use crate::limits::MAX_BODY_BYTES;
use crate::objects::workspace::client::WorkspaceDb;
use crate::objects::workspace::protocol::{IdempotencyOp, Remembered, Request as Op};
use crate::state::AppState;
use crate::store::idempotency;

const HEADER: &str = "idempotency-key";
const MAX_KEY_LEN: usize = 255;

pub async fn layer(state: AppState, req: Request, next: Next) -> Response {
    if req.method() != Method::POST || !req.headers().contains_key(HEADER) {
        return next.run(req).await;
    }
    match handle(state, req, next).await {
        Ok(res) | Err(res) => res,
    }
}

async fn handle(state: AppState, req: Request, next: Next) -> Result<Response, Response> {
    let key = req
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= MAX_KEY_LEN)
        .map(String::from)
        .ok_or_else(|| {
            let mut fields = FieldErrors::default();
            fields.push(
                "Idempotency-Key",
                format!("must be 1 to {MAX_KEY_LEN} visible characters"),
            );
            ApiError::validation(fields).into_response()
        })?;
    let (mut parts, body) = req.into_parts();
    let identity = {
        let (state, parts) = (state.clone(), &mut parts);
        SendFuture::new(async move { identify(&state, parts).await })
            .await
            .map_err(IntoResponse::into_response)?
    };
    let Some((identity, workspace)) = identity else {
        return Ok(next.run(Request::from_parts(parts, body)).await);
    };
    let scope = sha256_hex(format!("{identity} {}", parts.uri.path()).as_bytes());
    let bytes = to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| ApiError::new(ErrorCode::PayloadTooLarge).into_response())?;
    let request_hash = sha256_hex(&bytes);

    let claimed = {
        let (state, scope, key, hash, workspace) = (
            state.clone(),
            scope.clone(),
            key.clone(),
            request_hash.clone(),
            workspace.clone(),
        );
        SendFuture::new(async move {
            Records::of(&state, workspace)
                .claim(&scope, &key, &hash, &time::now_rfc3339())
                .await
        })
        .await
        .map_err(IntoResponse::into_response)?
    };
    if !claimed {
        let remembered = {
            let (state, scope, key) = (state.clone(), scope.clone(), key.clone());
            let workspace = workspace.clone();
            SendFuture::new(async move { Records::of(&state, workspace).get(&scope, &key).await })
                .await
                .map_err(IntoResponse::into_response)?
        };
        return Err(match remembered {
            Some(r) if r.request_hash != request_hash => {
                ApiError::new(ErrorCode::IdempotencyConflict).into_response()
            }
            // Still being answered by the first request: the client should retry.
            Some(r) if r.status == 0 => {
                ApiError::new(ErrorCode::IdempotencyConflict).into_response()
            }
            Some(r) => {
                let purpose = purpose(&scope, &key);
                let opened = SendFuture::new(async move {
                    crypto::open(&state, &purpose, &r.response_body).await
                })
                .await
                .map_err(IntoResponse::into_response)?;
                replay(r.status, String::from_utf8_lossy(&opened).into_owned())
            }
            // Freed between the claim and the read: run it again as new.
            None => ApiError::new(ErrorCode::IdempotencyConflict).into_response(),
        });
    }

    let res = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    let status = res.status();
    let (res_parts, res_body) = res.into_parts();
    let res_bytes = to_bytes(res_body, usize::MAX).await.unwrap_or_default();
    let keep = status.is_success() && res_parts.extensions.get::<ApiError>().is_none();
    let body_bytes = res_bytes.clone();
    let outcome = SendFuture::new(async move {
        let records = Records::of(&state, workspace);
        if keep {
            let sealed = crypto::seal(&state, &purpose(&scope, &key), &body_bytes).await?;
            records
                .remember(&scope, &key, status.as_u16(), sealed)
                .await
        } else {
            records.release(&scope, &key).await
        }
    })
    .await;
    if let Err(e) = outcome {
        // The answer itself stands; only its replay was lost.
        worker::console_error!("idempotency bookkeeping failed: {:?}", e.cause);
    }
    Ok(Response::from_parts(res_parts, Body::from(res_bytes)))
}

/// What a remembered answer is sealed for: this record only.
fn purpose(scope: &str, key: &str) -> String {
    format!("idempotency:{scope}:{key}")
}

/// Where a caller's records are kept: in the workspace's own database, or for the
/// operator's admin requests, which belong to no workspace, in the directory.
struct Records<'a> {
    state: &'a AppState,
    workspace: Option<String>,
}

impl<'a> Records<'a> {
    fn of(state: &'a AppState, workspace: Option<String>) -> Self {
        Records { state, workspace }
    }

    async fn call<T: serde::de::DeserializeOwned>(
        &self,
        workspace: &str,
        op: IdempotencyOp,
    ) -> Result<T, ApiError> {
        WorkspaceDb::of(self.state, workspace)?
            .call(&Op::Idempotency(op))
            .await
    }

    /// Claims the key for a request; false when it was claimed already.
    async fn claim(
        &self,
        scope: &str,
        key: &str,
        request_hash: &str,
        now: &str,
    ) -> Result<bool, ApiError> {
        match &self.workspace {
            Some(ws) => {
                let op = IdempotencyOp::Claim {
                    scope: scope.to_string(),
                    key: key.to_string(),
                    request_hash: request_hash.to_string(),
                    now: now.to_string(),
                };
                self.call(ws, op).await
            }
            None => idempotency::claim(&self.state.db()?, scope, key, request_hash, now).await,
        }
    }

    async fn get(&self, scope: &str, key: &str) -> Result<Option<Remembered>, ApiError> {
        match &self.workspace {
            Some(ws) => {
                let op = IdempotencyOp::Get {
                    scope: scope.to_string(),
                    key: key.to_string(),
                };
                self.call(ws, op).await
            }
            None => idempotency::get(&self.state.db()?, scope, key).await,
        }
    }

    async fn remember(
        &self,
        scope: &str,
        key: &str,
        status: u16,
        body: String,
    ) -> Result<(), ApiError> {
        match &self.workspace {
            Some(ws) => {
                let op = IdempotencyOp::Remember {
                    scope: scope.to_string(),
                    key: key.to_string(),
                    status,
                    body,
                };
                self.call(ws, op).await
            }
            None => idempotency::remember(&self.state.db()?, scope, key, status, &body).await,
        }
    }

    async fn release(&self, scope: &str, key: &str) -> Result<(), ApiError> {
        match &self.workspace {
            Some(ws) => {
                let op = IdempotencyOp::Release {
                    scope: scope.to_string(),
                    key: key.to_string(),
                };
                self.call(ws, op).await
            }
            None => idempotency::release(&self.state.db()?, scope, key).await,
        }
    }
}

/// Who the caller is, authenticated as the handler would (and left in the request for
/// it, so the budget is spent once), and the workspace that keeps its records; `None`
/// for a route that takes no credential.
async fn identify(
    state: &AppState,
    parts: &mut Parts,
) -> Result<Option<(String, Option<String>)>, ApiError> {
    let path = parts.uri.path();
    if path.starts_with("/v1/public/") || path.starts_with("/v1/auth/") {
        return Ok(None);
    }
    if path.starts_with("/v1/admin/") {
        Admin::from_request_parts(parts, state).await?;
        return Ok(Some(("admin".to_string(), None)));
    }
    if path.starts_with("/v1/visitor/") {
        let visitor = VisitorCaller::from_request_parts(parts, state).await?;
        let identity = format!("visitor:{}", visitor.visitor_id);
        let workspace = visitor.workspace_id.clone();
        parts.extensions.insert(visitor);
        return Ok(Some((identity, Some(workspace))));
    }
    let caller = Caller::from_request_parts(parts, state).await?;
    let identity = match parts.headers.get(AUTHORIZATION) {
        Some(header) => format!("key:{}", sha256_hex(header.as_bytes())),
        None => format!(
            "session:{}",
            auth::session_token(&parts.headers)
                .map(session::hash_hex)
                .unwrap_or_default()
        ),
    };
    let workspace = caller.workspace_id.clone();
    parts.extensions.insert(caller);
    Ok(Some((identity, Some(workspace))))
}

fn replay(status: u16, body: String) -> Response {
    let mut res = (
        StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response();
    res.headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    res
}
