//! `GET /v1/search` ([`crate::services::search`]).

use axum::routing::get;
use axum::{Json, Router};
use shared_types::pagination::ListResponse;
use shared_types::search::{SearchHit, SearchQuery};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::services::search;
use crate::state::AppState;

pub fn routes() -> Router {
    Router::new().route("/v1/search", get(find))
}

#[utoipa::path(
    get,
    path = "/v1/search",
    operation_id = "search",
    tag = "Search",
    summary = "Find chats by message text, visitor name, email or tag",
    params(SearchQuery), responses((status = 200, description = "Hits, newest chat first", body = ListResponse<SearchHit>)), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn find(
    state: AppState,
    caller: Caller,
    ApiQuery(query): ApiQuery<SearchQuery>,
) -> Result<Json<ListResponse<SearchHit>>, ApiError> {
    Ok(Json(search::find(&state, &caller, query).await?))
}

/// This module's operations in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(find))]
pub(super) struct Doc;

/// What each operation here can refuse with, beyond its credential, body and query.
pub(super) const ERRORS: super::OperationErrors = &[];
