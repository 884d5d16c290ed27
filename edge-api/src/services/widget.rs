//! The widget's configuration: what agents read and change (`/v1/widget/config`), the
//! identity secret that verifies visitors, and the public config pages load, answered
//! only to pages on the workspace's domains and copied in KV (`crate::cache`).

use axum::http::header::{ORIGIN, REFERER};
use axum::http::{HeaderMap, HeaderValue};
use serde::{Deserialize, Serialize};
use shared_types::error::ErrorCode;
use shared_types::ids::WorkspaceId;
use shared_types::validate::DomainPattern;
use shared_types::visitor::{PublicTrigger, PublicWidgetConfig, VisitorInfo};
use shared_types::widget::{Branding, IdentitySecret, Prechat, UpdateWidgetConfig, WidgetConfig};

use crate::auth::Caller;
use crate::cache;
use crate::domain::{identity, time, unique};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store;
use crate::store::widget_config::WidgetRow;

pub async fn get(state: &AppState, caller: &Caller) -> Result<WidgetConfig, ApiError> {
    config_view(load(state, &caller.workspace_id).await?)
}

/// Only the fields sent change; the body was fully validated by its type before this
/// runs, so a bad field changes nothing. The public copy is forgotten before the answer.
pub async fn update(
    state: &AppState,
    caller: &Caller,
    patch: UpdateWidgetConfig,
) -> Result<WidgetConfig, ApiError> {
    caller.require_manager()?;
    let mut row = load(state, &caller.workspace_id).await?;
    apply(&mut row, patch)?;
    store::widget_config::put(
        &state.db()?,
        &caller.workspace_id,
        &row,
        &time::now_rfc3339(),
    )
    .await?;
    cache::forget(state, &[cache::widget_entry(&caller.workspace_id)]).await?;
    config_view(row)
}

/// Makes a new identity secret, shown once; the old one stops verifying at once. Only
/// its sealed form is stored (`crypto::seal` under ENCRYPTION_KEY).
pub async fn rotate_identity_secret(
    state: &AppState,
    caller: &Caller,
) -> Result<IdentitySecret, ApiError> {
    caller.require_manager()?;
    let secret = identity::generate_secret();
    let sealed = crate::crypto::seal(
        state,
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
    Ok(IdentitySecret { secret })
}

/// The workspace's stored configuration; `None` for a workspace that does not exist.
pub async fn stored(state: &AppState, workspace_id: &str) -> Result<Option<WidgetRow>, ApiError> {
    store::widget_config::get(&state.db()?, workspace_id).await
}

async fn load(state: &AppState, workspace_id: &str) -> Result<WidgetRow, ApiError> {
    stored(state, workspace_id)
        .await?
        .ok_or_else(|| ApiError::internal(format!("workspace {workspace_id} has no widget_config")))
}

/// What a page of the workspace's site loads: WS-001 for a workspace that does not
/// exist, AUTH-009 for a page (`headers`' origin) off its domains.
pub async fn public_config(
    state: &AppState,
    workspace_id: &str,
    headers: &HeaderMap,
) -> Result<PublicWidgetConfig, ApiError> {
    let db = state.db()?;
    // Presence changes by the minute, so it is always read; the settings come from
    // their copy when there is one.
    let (settings, agents_online) = futures_util::future::join(
        public_settings(state, workspace_id),
        store::agents::any_online(&db, workspace_id),
    )
    .await;
    let PublicSettings { config, triggers } = settings?.ok_or(ErrorCode::WorkspaceNotFound)?;
    let agents_online = agents_online?;
    check_origin(headers, &config.domains)?;
    let workspace_id = WorkspaceId::parse(workspace_id)
        .map_err(|e| ApiError::internal(format!("stored workspace id: {e}")))?;
    Ok(PublicWidgetConfig {
        workspace_id,
        color: config.color,
        shape: config.shape,
        position: config.position,
        button_text: config.button_text,
        welcome_message: config.welcome_message,
        offline_message: config.offline_message,
        branding: config.branding,
        prechat: config.prechat,
        theme: config.theme,
        agents_online,
        triggers,
    })
}

/// A workspace's widget settings and active triggers: what the public config copies
/// into KV (`cache::widget_entry`), deleted by every change to either.
#[derive(Serialize, Deserialize)]
struct PublicSettings {
    config: WidgetConfig,
    triggers: Vec<PublicTrigger>,
}

/// The settings of `workspace_id` from their copy, or from where they are stored (then
/// copied); `None` for a workspace that does not exist, which is not copied.
async fn public_settings(
    state: &AppState,
    workspace_id: &str,
) -> Result<Option<PublicSettings>, ApiError> {
    let entry = cache::widget_entry(workspace_id);
    if let Some(copy) = cache::get(state, &entry).await {
        return Ok(Some(copy));
    }
    // The directory first: a workspace that does not exist must not get an object.
    let Some(row) = stored(state, workspace_id).await? else {
        return Ok(None);
    };
    let settings = PublicSettings {
        config: config_view(row)?,
        triggers: crate::services::triggers::list_active_public(state, workspace_id).await?,
    };
    cache::put(state, &entry, &settings).await;
    Ok(Some(settings))
}

/// AUTH-009 unless the calling page is on one of the workspace's domains. Browsers omit
/// `Origin` on same-origin GETs; then the `Referer`'s origin stands in for it.
pub fn check_origin(headers: &HeaderMap, domains: &[DomainPattern]) -> Result<(), ApiError> {
    let header = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    let referer_origin = header(REFERER).map(origin_of_url);
    if DomainPattern::allows_origin(domains, header(ORIGIN).or(referer_origin)) {
        Ok(())
    } else {
        Err(ErrorCode::OriginNotAllowed.into())
    }
}

/// `https://host:port` of a page URL.
fn origin_of_url(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let end = url[after_scheme..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| after_scheme + i);
    &url[..end]
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
    if let Some(domains) = patch.domains {
        let domains = unique::first_occurrences(domains);
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

fn config_view(row: WidgetRow) -> Result<WidgetConfig, ApiError> {
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
