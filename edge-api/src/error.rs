//! `ApiError`: the one error type every handler returns. It carries a catalogue code and
//! details; the request-id middleware turns it into the spec's envelope, so no handler
//! ever builds an envelope by hand and every envelope carries the request's id.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use shared_types::error::{ErrorCode, ErrorEnvelope, FieldErrors};

use crate::domain::rate_limit::Decision;

#[derive(Debug, Clone)]
pub struct ApiError {
    pub code: ErrorCode,
    pub details: Value,
    /// What went wrong inside, for the log only; never sent to the client.
    pub cause: Option<String>,
    /// The caller's budget as the request that failed left it: its `X-RateLimit-*`
    /// headers, for a budget spent inside the call that failed (`Append::charge`).
    pub rate: Option<Decision>,
}

impl ApiError {
    pub fn new(code: ErrorCode) -> Self {
        Self {
            code,
            details: Value::Object(Default::default()),
            cause: None,
            rate: None,
        }
    }

    pub fn with_details(code: ErrorCode, details: Value) -> Self {
        Self {
            details,
            ..Self::new(code)
        }
    }

    /// A 400 REQ-004 listing each invalid field.
    pub fn validation(fields: FieldErrors) -> Self {
        Self::with_details(ErrorCode::Validation, fields.into_details())
    }

    pub fn internal(cause: impl Into<String>) -> Self {
        Self {
            cause: Some(cause.into()),
            ..Self::new(ErrorCode::Internal)
        }
    }

    pub fn unavailable(cause: impl Into<String>) -> Self {
        Self {
            cause: Some(cause.into()),
            ..Self::new(ErrorCode::Unavailable)
        }
    }

    /// This error, with the budget's decision its response's headers carry.
    pub fn with_rate(self, rate: Option<Decision>) -> Self {
        Self {
            rate: self.rate.or(rate),
            ..self
        }
    }

    /// The envelope for this error, logging the internal cause under the request id.
    pub fn render(self, request_id: &str) -> Response {
        if let Some(cause) = &self.cause {
            worker::console_error!("{request_id} {}: {cause}", self.code.code());
        }
        let status =
            StatusCode::from_u16(self.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let envelope = ErrorEnvelope::new(self.code, self.details, request_id);
        (status, axum::Json(envelope)).into_response()
    }
}

impl From<ErrorCode> for ApiError {
    fn from(code: ErrorCode) -> Self {
        Self::new(code)
    }
}

impl From<worker::Error> for ApiError {
    fn from(e: worker::Error) -> Self {
        Self::internal(e.to_string())
    }
}

impl IntoResponse for ApiError {
    /// A placeholder response carrying the error; `routes::stamp_request_id` renders it
    /// once the request id is at hand.
    fn into_response(self) -> Response {
        let mut res = StatusCode::from_u16(self.code.status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            .into_response();
        res.extensions_mut().insert(self);
        res
    }
}
