//! Extractors that turn a bad request into the catalogue's errors instead of axum's
//! plain-text rejections.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;
use shared_types::error::{ErrorCode, FieldErrors};

use crate::error::ApiError;

/// A JSON body: REQ-002 without `Content-Type: application/json`, REQ-001 when it is not
/// JSON, REQ-004 (with the offending field) when it does not fit the request type, and
/// REQ-003 above the body limit.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> ApiError {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => ErrorCode::UnsupportedMediaType.into(),
        JsonRejection::JsonDataError(e) => {
            let mut fields = FieldErrors::default();
            fields.push(field_of(&e.body_text()), reason_of(&e.body_text()));
            ApiError::validation(fields)
        }
        JsonRejection::JsonSyntaxError(_) => ErrorCode::MalformedJson.into(),
        JsonRejection::BytesRejection(e) if e.status() == http::StatusCode::PAYLOAD_TOO_LARGE => {
            ErrorCode::PayloadTooLarge.into()
        }
        other => ApiError::with_details(
            ErrorCode::MalformedJson,
            serde_json::json!({ "reason": other.body_text() }),
        ),
    }
}

/// axum reports data errors as "Failed to deserialize the JSON body into the target
/// type: <path>: <serde message> at line L column C"; the path is the field.
fn field_of(text: &str) -> String {
    let rest = text.split_once("target type: ").map_or(text, |(_, r)| r);
    match rest.split_once(": ") {
        Some((path, _)) if !path.contains(' ') => path.to_string(),
        _ => "body".to_string(),
    }
}

fn reason_of(text: &str) -> String {
    let rest = text.split_once("target type: ").map_or(text, |(_, r)| r);
    let reason = match rest.split_once(": ") {
        Some((path, reason)) if !path.contains(' ') => reason,
        _ => rest,
    };
    reason
        .rsplit_once(" at line ")
        .map_or(reason, |(r, _)| r)
        .to_string()
}

/// A query string: REQ-005 naming the parameter and the reason when it does not parse
/// (a bad enum value, `limit` over 100, a page of 0, a malformed id).
pub struct ApiQuery<T>(pub T);

impl<S, T> axum::extract::FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or_default();
        let deserializer =
            serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(deserializer)
            .map(Self)
            .map_err(|e| {
                let mut fields = FieldErrors::default();
                let path = e.path().to_string();
                let field = if path == "." {
                    "query".to_string()
                } else {
                    path
                };
                fields.push(field, e.inner().to_string());
                ApiError::with_details(ErrorCode::InvalidQuery, fields.into_details())
            })
    }
}
