//! `GET /v1/search` ([`crate::services::search`]).

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use shared_types::pagination::ListResponse;
use shared_types::search::{SearchHit, SearchQuery};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::services::search;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/v1/search", get(find))
}

#[worker::send]
async fn find(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<SearchQuery>,
) -> Result<Json<ListResponse<SearchHit>>, ApiError> {
    Ok(Json(search::find(&state, &caller, query).await?))
}
