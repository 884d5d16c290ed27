//! Automation triggers: `GET/POST /v1/automation/triggers` (the spec) and
//! `PATCH/DELETE /v1/automation/triggers/{id}`. Reading is open to every agent;
//! changing them is for owners and admins.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, patch};
use axum::{Json, Router};
use shared_types::automation::{CreateTrigger, Trigger, UpdateTrigger};
use shared_types::error::{ErrorCode, FieldErrors};
use shared_types::ids::TriggerId;
use shared_types::DataList;

use crate::auth::Caller;
use crate::domain::{ids, time};
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::state::AppState;
use crate::store;

/// Enough for every page and condition of a real site; more is a runaway script.
const MAX_TRIGGERS: u32 = 100;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/automation/triggers", get(list).post(create))
        .route(
            "/v1/automation/triggers/{trigger_id}",
            patch(update).delete(remove),
        )
}

#[worker::send]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<DataList<Trigger>>, ApiError> {
    let data = store::triggers::list(&state.db()?, &caller.workspace_id).await?;
    Ok(Json(DataList { data }))
}

#[worker::send]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreateTrigger>,
) -> Result<(StatusCode, Json<Trigger>), ApiError> {
    caller.require_manager()?;
    let trigger = Trigger {
        id: TriggerId::with_suffix(&ids::suffix()),
        name: body.name.as_str().to_string(),
        condition: body.condition,
        delay_seconds: body.delay_seconds,
        message: body.message.as_str().to_string(),
        active: body.active,
        url_pattern: body.url_pattern,
        created_at: time::now_rfc3339(),
    };
    let inserted =
        store::triggers::insert_capped(&state.db()?, &caller.workspace_id, &trigger, MAX_TRIGGERS)
            .await?;
    if !inserted {
        let mut fields = FieldErrors::default();
        fields.push(
            "body",
            format!("a workspace has at most {MAX_TRIGGERS} triggers"),
        );
        return Err(ApiError::validation(fields));
    }
    forget_public_copy(&state, &caller).await?;
    Ok((StatusCode::CREATED, Json(trigger)))
}

#[worker::send]
async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(trigger_id): Path<String>,
    ApiJson(patch): ApiJson<UpdateTrigger>,
) -> Result<Json<Trigger>, ApiError> {
    caller.require_manager()?;
    let db = state.db()?;
    let mut trigger = load(&db, &caller.workspace_id, &trigger_id).await?;
    if let Some(name) = patch.name {
        trigger.name = name.as_str().to_string();
    }
    if let Some(condition) = patch.condition {
        trigger.condition = condition;
    }
    if let Some(delay) = patch.delay_seconds {
        trigger.delay_seconds = delay;
    }
    if let Some(message) = patch.message {
        trigger.message = message.as_str().to_string();
    }
    if let Some(pattern) = patch.url_pattern {
        trigger.url_pattern = pattern;
    }
    if let Some(active) = patch.active {
        trigger.active = active;
    }
    store::triggers::put(&db, &caller.workspace_id, &trigger, &time::now_rfc3339()).await?;
    forget_public_copy(&state, &caller).await?;
    Ok(Json(trigger))
}

#[worker::send]
async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path(trigger_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    caller.require_manager()?;
    let id = TriggerId::parse(&trigger_id).map_err(|_| ErrorCode::TriggerNotFound)?;
    if store::triggers::delete(&state.db()?, &caller.workspace_id, id.as_str()).await? {
        forget_public_copy(&state, &caller).await?;
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ErrorCode::TriggerNotFound.into())
    }
}

async fn load(
    db: &worker::D1Database,
    workspace_id: &str,
    raw_id: &str,
) -> Result<Trigger, ApiError> {
    let id = TriggerId::parse(raw_id).map_err(|_| ErrorCode::TriggerNotFound)?;
    store::triggers::get(db, workspace_id, id.as_str())
        .await?
        .ok_or_else(|| ErrorCode::TriggerNotFound.into())
}

/// The widget reads active triggers from the public config's copy (`crate::cache`).
async fn forget_public_copy(state: &AppState, caller: &Caller) -> Result<(), ApiError> {
    crate::cache::forget(state, &[crate::cache::widget_entry(&caller.workspace_id)]).await
}
