//! The widget configuration: `GET` and partial `PATCH /v1/widget/config`.

use axum::extract::State;
use axum::Json;
use shared_types::validate::DomainPattern;
use shared_types::visitor::VisitorInfo;
use shared_types::widget::{Branding, IdentitySecret, Prechat, UpdateWidgetConfig, WidgetConfig};

use crate::auth::Caller;
use crate::domain::{identity, time};
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::state::AppState;
use crate::store;
use crate::store::widget_config::WidgetRow;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/widget/config", get(get_config).patch(update_config))
        .route("/v1/widget/identity-secret", post(rotate_identity_secret))
}

/// Makes a new identity secret, shown once; the old one stops verifying at once. Only
/// its sealed form is stored (`crypto::seal` under ENCRYPTION_KEY).
#[worker::send]
async fn rotate_identity_secret(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<(StatusCode, Json<IdentitySecret>), ApiError> {
    caller.require_manager()?;
    let secret = identity::generate_secret();
    let sealed = crate::crypto::seal(
        &state,
        &identity::seal_purpose(&caller.workspace_id),
        secret.as_bytes(),
    )
    .await?;
    store::widget_config::put_identity_secret(
        &state.db()?,
        &caller.workspace_id,
        &sealed,
        &time::now_rfc3339(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(IdentitySecret { secret })))
}

#[worker::send]
pub async fn get_config(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<WidgetConfig>, ApiError> {
    let row = load(&state, &caller.workspace_id).await?;
    Ok(Json(config_view(row)?))
}

/// Only the fields sent change; the body was fully validated by its type before this
/// runs, so a bad field changes nothing.
#[worker::send]
pub async fn update_config(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(patch): ApiJson<UpdateWidgetConfig>,
) -> Result<Json<WidgetConfig>, ApiError> {
    caller.require_manager()?;
    let mut row = load(&state, &caller.workspace_id).await?;
    apply(&mut row, patch)?;
    store::widget_config::put(
        &state.db()?,
        &caller.workspace_id,
        &row,
        &time::now_rfc3339(),
    )
    .await?;
    crate::cache::forget(&state, &[crate::cache::widget_entry(&caller.workspace_id)]).await?;
    Ok(Json(config_view(row)?))
}

/// Whether a new visitor session's identity is verified: its `user_hash` must be the
/// HMAC of its user id (or email) under the workspace's identity secret. AUTH-015 when
/// the workspace requires identity and the session claims one it cannot prove.
pub async fn identity_verdict(
    state: &AppState,
    workspace_id: &str,
    config: &WidgetRow,
    visitor: &VisitorInfo,
) -> Result<bool, ApiError> {
    let subject = identity::subject(
        visitor.user_id.as_ref().map(|u| u.as_str()),
        visitor.email.as_ref().map(|e| e.as_str()),
    );
    let valid = match (subject, &visitor.user_hash) {
        (Some(subject), Some(hash)) => {
            match store::widget_config::identity_secret(&state.db()?, workspace_id).await? {
                Some(sealed) => {
                    let secret =
                        crate::crypto::open(state, &identity::seal_purpose(workspace_id), &sealed)
                            .await?;
                    identity::verifies(&secret, subject, hash.as_str())
                }
                None => false,
            }
        }
        _ => false,
    };
    identity::decide(config.require_identity != 0, subject.is_some(), valid).map_err(ApiError::from)
}

async fn load(state: &AppState, workspace_id: &str) -> Result<WidgetRow, ApiError> {
    store::widget_config::get(&state.db()?, workspace_id)
        .await?
        .ok_or_else(|| ApiError::internal(format!("workspace {workspace_id} has no widget_config")))
}

fn apply(row: &mut WidgetRow, patch: UpdateWidgetConfig) -> Result<(), ApiError> {
    if let Some(color) = patch.color {
        row.color = color;
    }
    if let Some(shape) = patch.shape {
        row.shape = shape;
    }
    if let Some(position) = patch.position {
        row.position = position;
    }
    if let Some(text) = patch.button_text {
        row.button_text = text.into_string();
    }
    if let Some(text) = patch.welcome_message {
        row.welcome_message = text.into_string();
    }
    if let Some(text) = patch.offline_message {
        row.offline_message = text.into_string();
    }
    if let Some(mut domains) = patch.domains {
        domains.dedup();
        row.domains = serde_json::to_string(&domains)
            .map_err(|e| ApiError::internal(format!("encoding domains: {e}")))?;
    }
    if let Some(require) = patch.require_identity {
        row.require_identity = i64::from(require);
    }
    if let Some(branding) = patch.branding {
        if let Some(show) = branding.show_powered_by {
            row.show_powered_by = i64::from(show);
        }
        if let Some(logo) = branding.logo_url {
            row.logo_url = logo.map(|url| url.as_str().to_string());
        }
    }
    if let Some(patch) = patch.prechat {
        let prechat = prechat_of(row).patched(patch);
        row.prechat_enabled = i64::from(prechat.enabled);
        row.prechat_require_name = i64::from(prechat.require_name);
        row.prechat_require_email = i64::from(prechat.require_email);
    }
    if let Some(theme) = patch.theme {
        row.theme = theme;
    }
    Ok(())
}

fn prechat_of(row: &WidgetRow) -> Prechat {
    Prechat {
        enabled: row.prechat_enabled != 0,
        require_name: row.prechat_require_name != 0,
        require_email: row.prechat_require_email != 0,
    }
}

pub fn config_view(row: WidgetRow) -> Result<WidgetConfig, ApiError> {
    Ok(WidgetConfig {
        domains: domains_of(&row)?,
        prechat: prechat_of(&row),
        theme: row.theme,
        color: row.color,
        shape: row.shape,
        position: row.position,
        button_text: row.button_text,
        welcome_message: row.welcome_message,
        offline_message: row.offline_message,
        branding: Branding {
            show_powered_by: row.show_powered_by != 0,
            logo_url: row.logo_url,
        },
        require_identity: row.require_identity != 0,
    })
}

/// The stored list was validated when it was written.
pub fn domains_of(row: &WidgetRow) -> Result<Vec<DomainPattern>, ApiError> {
    serde_json::from_str(&row.domains)
        .map_err(|e| ApiError::internal(format!("stored widget domains: {e}")))
}
