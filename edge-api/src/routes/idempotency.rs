//! `Idempotency-Key` on POST: the same key and body from the same caller get the first
//! answer again and create nothing new; the same key with another body is 409 REQ-006.
//!
//! The caller is identified by a hash of its Authorization header (an API key or a
//! visitor token), so keys of different callers never collide and nothing has to be
//! authenticated twice. Only successful answers are remembered: after a 4xx or 5xx the
//! key is freed and a corrected retry runs for real.

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use shared_types::error::{ErrorCode, FieldErrors};
use worker::send::SendFuture;

use crate::domain::{secret::sha256_hex, time};
use crate::error::ApiError;
use crate::routes::MAX_BODY_BYTES;
use crate::state::AppState;
use crate::store::idempotency;

const HEADER: &str = "idempotency-key";
const MAX_KEY_LEN: usize = 255;

pub async fn layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
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
    let auth = req
        .headers()
        .get(AUTHORIZATION)
        // A console request is the session's: its cookie scopes the key instead.
        .or_else(|| req.headers().get(axum::http::header::COOKIE))
        .map(|v| v.as_bytes().to_vec())
        .unwrap_or_default();
    let scope = sha256_hex(&[auth.as_slice(), b" ", req.uri().path().as_bytes()].concat());
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| ApiError::new(ErrorCode::PayloadTooLarge).into_response())?;
    let request_hash = sha256_hex(&bytes);

    let claimed = {
        let (state, scope, key, hash) = (
            state.clone(),
            scope.clone(),
            key.clone(),
            request_hash.clone(),
        );
        SendFuture::new(async move {
            idempotency::claim(&state.db()?, &scope, &key, &hash, &time::now_rfc3339()).await
        })
        .await
        .map_err(IntoResponse::into_response)?
    };
    if !claimed {
        let (state, scope, key) = (state.clone(), scope.clone(), key.clone());
        let remembered =
            SendFuture::new(async move { idempotency::get(&state.db()?, &scope, &key).await })
                .await
                .map_err(IntoResponse::into_response)?;
        return Err(match remembered {
            Some(r) if r.request_hash != request_hash => {
                ApiError::new(ErrorCode::IdempotencyConflict).into_response()
            }
            // Still being answered by the first request: the client should retry.
            Some(r) if r.status == 0 => {
                ApiError::new(ErrorCode::IdempotencyConflict).into_response()
            }
            Some(r) => replay(r.status, r.response_body),
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
    let body_text = String::from_utf8_lossy(&res_bytes).into_owned();
    let outcome = SendFuture::new(async move {
        let db = state.db()?;
        if keep {
            idempotency::remember(&db, &scope, &key, status.as_u16(), &body_text).await
        } else {
            idempotency::release(&db, &scope, &key).await
        }
    })
    .await;
    if let Err(e) = outcome {
        // The answer itself stands; only its replay was lost.
        worker::console_error!("idempotency bookkeeping failed: {:?}", e.cause);
    }
    Ok(Response::from_parts(res_parts, Body::from(res_bytes)))
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
