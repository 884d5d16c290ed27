//! `GET /v1/contacts`, `GET/PATCH/DELETE /v1/contacts/{id}`
//! ([`crate::services::contacts`]).

use axum::extract::Path;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use shared_types::contacts::{Contact, ContactDetail, ContactQuery, UpdateContact};
use shared_types::pagination::ListResponse;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery};
use crate::services::contacts;
use crate::state::AppState;
use shared_types::error::ErrorCode;

pub fn routes() -> Router {
    Router::new()
        .route("/v1/contacts", get(list))
        .route("/v1/contacts/{id}", get(detail).patch(update).delete(erase))
}

#[utoipa::path(
    get,
    path = "/v1/contacts",
    operation_id = "listContacts",
    tag = "Contacts",
    summary = "Contacts, newest seen first",
    params(ContactQuery), responses((status = 200, description = "A page of contacts", body = ListResponse<Contact>)), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn list(
    state: AppState,
    caller: Caller,
    ApiQuery(query): ApiQuery<ContactQuery>,
) -> Result<Json<ListResponse<Contact>>, ApiError> {
    Ok(Json(contacts::list(&state, &caller, query).await?))
}

#[utoipa::path(
    get,
    path = "/v1/contacts/{id}",
    operation_id = "getContact",
    tag = "Contacts",
    summary = "A contact and their chats",
    params(("id" = String, Path, description = "The contact's id (`ct_…`)")), responses((status = 200, description = "The contact", body = ContactDetail)), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn detail(
    state: AppState,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ContactDetail>, ApiError> {
    Ok(Json(contacts::get(&state, &caller, &id).await?))
}

#[utoipa::path(
    patch,
    path = "/v1/contacts/{id}",
    operation_id = "updateContact",
    tag = "Contacts",
    summary = "Change name, phone or metadata",
    params(("id" = String, Path, description = "The contact's id (`ct_…`)")), request_body = UpdateContact, responses((status = 200, description = "Changed", body = ContactDetail)), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn update(
    state: AppState,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UpdateContact>,
) -> Result<Json<ContactDetail>, ApiError> {
    Ok(Json(contacts::update(&state, &caller, &id, body).await?))
}

#[utoipa::path(
    delete,
    path = "/v1/contacts/{id}",
    operation_id = "eraseContact",
    tag = "Contacts",
    summary = "Erase the contact with their chats, messages and files",
    params(("id" = String, Path, description = "The contact's id (`ct_…`)")), responses((status = 204, description = "Erased")), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn erase(
    state: AppState,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    contacts::erase(&state, &caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// This module's operations in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, detail, update, erase))]
pub(super) struct Doc;

/// What each operation here can refuse with, beyond its credential, body and query.
pub(super) const ERRORS: super::OperationErrors = &[
    ("getContact", &[ErrorCode::ContactNotFound]),
    ("updateContact", &[ErrorCode::ContactNotFound]),
    (
        "eraseContact",
        &[ErrorCode::AuthForbidden, ErrorCode::ContactNotFound],
    ),
];
