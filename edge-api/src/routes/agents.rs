//! Agents: `GET /v1/agents`.

use axum::extract::State;
use axum::Json;
use shared_types::agents::Agent;
use shared_types::DataList;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store;
use axum::routing::get;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new().route("/v1/agents", get(list))
}

#[worker::send]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<DataList<Agent>>, ApiError> {
    let data = store::agents::list(&state.db()?, &caller.workspace_id).await?;
    Ok(Json(DataList { data }))
}
