//! Webhooks: `GET/POST /v1/webhooks` (the spec), `PATCH/DELETE /v1/webhooks/{id}` and
//! `GET /v1/webhooks/{id}/deliveries` (the attempt log). Webhooks are for owners and
//! admins, like API keys: they decide where the workspace's data is sent.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, patch};
use axum::{Json, Router};
use shared_types::error::{ErrorCode, FieldErrors};
use shared_types::ids::WebhookId;
use shared_types::validate::HttpUrl;
use shared_types::webhooks::{
    CreateWebhookRequest, CreatedWebhook, UpdateWebhookRequest, Webhook, WebhookDelivery,
    WebhookSecret,
};
use shared_types::DataList;
use worker::D1Database;

use crate::auth::Caller;
use crate::crypto;
use crate::domain::{ids, time, webhook};
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::state::AppState;
use crate::store;
use crate::store::webhooks::StoredWebhook;

/// Enough for every integration a workspace runs; more is a runaway script.
const MAX_WEBHOOKS: u32 = 50;

/// How many attempts the deliveries log shows.
const DELIVERIES_SHOWN: u32 = 100;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/webhooks", get(list).post(create))
        .route("/v1/webhooks/{webhook_id}", patch(update).delete(remove))
        .route("/v1/webhooks/{webhook_id}/deliveries", get(deliveries))
}

#[worker::send]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<DataList<Webhook>>, ApiError> {
    caller.require_manager()?;
    let hooks = store::webhooks::list(&state.db()?, &caller.workspace_id).await?;
    Ok(Json(DataList {
        data: hooks.into_iter().map(|h| h.webhook).collect(),
    }))
}

#[worker::send]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreateWebhookRequest>,
) -> Result<(StatusCode, Json<CreatedWebhook>), ApiError> {
    caller.require_manager()?;
    check_url(&state, &body.url)?;
    // A secret the caller chose stays masked; one we made up is useless unless shown,
    // so it is shown this once.
    let (secret, shown) = match &body.secret {
        Some(secret) => (
            secret.as_str().to_string(),
            WebhookSecret::MASKED.to_string(),
        ),
        None => {
            let secret = webhook::generate_secret();
            (secret.clone(), secret)
        }
    };
    let hook = Webhook {
        id: WebhookId::with_suffix(&ids::suffix()),
        url: body.url.as_str().to_string(),
        events: dedup(body.events),
        active: true,
        created_at: time::now_rfc3339(),
    };
    let sealed = crypto::seal(
        &state,
        &store::webhooks::secret_purpose(hook.id.as_str()),
        secret.as_bytes(),
    )
    .await?;
    let inserted = store::webhooks::insert_capped(
        &state.db()?,
        &caller.workspace_id,
        &hook,
        &sealed,
        MAX_WEBHOOKS,
    )
    .await?;
    if !inserted {
        let mut fields = FieldErrors::default();
        fields.push(
            "body",
            format!("a workspace has at most {MAX_WEBHOOKS} webhooks"),
        );
        return Err(ApiError::validation(fields));
    }
    Ok((
        StatusCode::CREATED,
        Json(CreatedWebhook {
            id: hook.id,
            url: hook.url,
            events: hook.events,
            active: hook.active,
            secret: shown,
            created_at: hook.created_at,
        }),
    ))
}

#[worker::send]
async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(webhook_id): Path<String>,
    ApiJson(patch): ApiJson<UpdateWebhookRequest>,
) -> Result<Json<Webhook>, ApiError> {
    caller.require_manager()?;
    let db = state.db()?;
    let mut hook = load(&db, &caller.workspace_id, &webhook_id).await?.webhook;
    if let Some(url) = patch.url {
        check_url(&state, &url)?;
        hook.url = url.as_str().to_string();
    }
    if let Some(events) = patch.events {
        hook.events = dedup(events);
    }
    let reactivated = patch.active == Some(true) && !hook.active;
    if let Some(active) = patch.active {
        hook.active = active;
    }
    store::webhooks::put(
        &db,
        &caller.workspace_id,
        &hook,
        reactivated,
        &time::now_rfc3339(),
    )
    .await?;
    Ok(Json(hook))
}

#[worker::send]
async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path(webhook_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    caller.require_manager()?;
    let id = WebhookId::parse(&webhook_id).map_err(|_| ErrorCode::WebhookNotFound)?;
    if store::webhooks::delete(&state.db()?, &caller.workspace_id, id.as_str()).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ErrorCode::WebhookNotFound.into())
    }
}

#[worker::send]
async fn deliveries(
    State(state): State<AppState>,
    caller: Caller,
    Path(webhook_id): Path<String>,
) -> Result<Json<DataList<WebhookDelivery>>, ApiError> {
    caller.require_manager()?;
    let db = state.db()?;
    let hook = load(&db, &caller.workspace_id, &webhook_id).await?;
    let data =
        store::webhooks::recent_deliveries(&db, hook.webhook.id.as_str(), DELIVERIES_SHOWN).await?;
    Ok(Json(DataList { data }))
}

/// HOOK-002 naming the reason when the environment does not deliver to `url`.
fn check_url(state: &AppState, url: &HttpUrl) -> Result<(), ApiError> {
    webhook::check_url(url, state.allow_private_webhook_urls()).map_err(|refusal| {
        let mut fields = FieldErrors::default();
        fields.push("url", refusal.reason());
        ApiError::with_details(ErrorCode::WebhookUrlNotAllowed, fields.into_details())
    })
}

/// A subscription listed twice is one subscription; the order given is kept.
fn dedup<T: PartialEq>(items: Vec<T>) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(items.len());
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

async fn load(
    db: &D1Database,
    workspace_id: &str,
    raw_id: &str,
) -> Result<StoredWebhook, ApiError> {
    let id = WebhookId::parse(raw_id).map_err(|_| ErrorCode::WebhookNotFound)?;
    store::webhooks::get(db, workspace_id, id.as_str())
        .await?
        .ok_or_else(|| ErrorCode::WebhookNotFound.into())
}
