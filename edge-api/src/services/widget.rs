//! The widget's configuration: what agents read and change (`/v1/widget/config`), the
//! identity secret that verifies visitors, and the public config pages load, answered
//! only to pages on the workspace's domains and copied in KV (`crate::cache`). Both are
//! kept in the workspace's `Workspace` object, one row; the SQL is [`object`].

use axum::http::header::{ORIGIN, REFERER};
use axum::http::{HeaderMap, HeaderValue};
use serde::{Deserialize, Serialize};
use shared_types::error::ErrorCode;
use shared_types::files::{check_logo, SetLogoRequest};
use shared_types::ids::WorkspaceId;
use shared_types::validate::{DomainPattern, HexColor};
use shared_types::visitor::{PublicTrigger, PublicWidgetConfig, VisitorInfo};
use shared_types::widget::{
    Branding, IdentitySecret, Prechat, UpdateWidgetConfig, WidgetConfig, WidgetPosition,
    WidgetShape, WidgetTheme,
};

use crate::auth::Caller;
use crate::cache;
use crate::domain::{identity, time, unique};
use crate::error::ApiError;
use crate::objects::workspace::client;
use crate::objects::workspace::protocol::{Request, WidgetOp};
use crate::state::AppState;
use crate::store;

async fn call<T: serde::de::DeserializeOwned>(
    state: &AppState,
    workspace_id: &str,
    op: WidgetOp,
) -> Result<T, ApiError> {
    client::ask(state, workspace_id, &Request::Widget(op)).await
}

/// What a new workspace's widget looks like before its owner changes anything: the
/// spec's example colour and Uzbek texts, any origin allowed, branding shown.
pub fn defaults() -> Result<WidgetConfig, ApiError> {
    Ok(WidgetConfig {
        color: HexColor::parse("#4F46E5")
            .map_err(|e| ApiError::internal(format!("default colour: {e:?}")))?,
        shape: WidgetShape::Rounded,
        position: WidgetPosition::BottomRight,
        button_text: "Yordam kerakmi?".into(),
        welcome_message: "Salom! Sizga qanday yordam bera olaman?".into(),
        offline_message:
            "Hozir offline holatdamiz. Xabaringizni qoldiring, tez orada javob beramiz.".into(),
        domains: Vec::new(),
        branding: Branding {
            show_powered_by: true,
            logo_url: None,
        },
        prechat: Prechat::default(),
        theme: WidgetTheme::Light,
        require_identity: false,
    })
}

/// Gives a new workspace (known to the directory already) its default configuration.
/// Repeatable: a workspace that has one keeps it.
pub async fn create(state: &AppState, workspace_id: &str, now: &str) -> Result<(), ApiError> {
    call(
        state,
        workspace_id,
        WidgetOp::Create {
            config: defaults()?,
            now: now.to_string(),
        },
    )
    .await
}

pub async fn get(state: &AppState, caller: &Caller) -> Result<WidgetConfig, ApiError> {
    load(state, &caller.workspace_id).await
}

/// Only the fields sent change; the body was fully validated by its type before this
/// runs, so a bad field changes nothing. The public copy is forgotten before the answer.
pub async fn update(
    state: &AppState,
    caller: &Caller,
    patch: UpdateWidgetConfig,
) -> Result<WidgetConfig, ApiError> {
    caller.require_manager()?;
    let mut config = load(state, &caller.workspace_id).await?;
    apply(&mut config, patch);
    call::<()>(
        state,
        &caller.workspace_id,
        WidgetOp::Put {
            config: config.clone(),
            now: time::now_rfc3339(),
        },
    )
    .await?;
    cache::forget(state, &[cache::widget_entry(&caller.workspace_id)]).await?;
    Ok(config)
}

/// Makes the uploaded `file_id` the widget's logo (`PUT /v1/widget/logo`): a PNG, JPEG,
/// GIF or WebP of at most 512 KiB whose bytes R2 holds as declared. The logo it replaces,
/// when that was an uploaded one, is deleted, row and bytes.
pub async fn set_logo(
    state: &AppState,
    caller: &Caller,
    body: &SetLogoRequest,
    origin: &str,
) -> Result<WidgetConfig, ApiError> {
    caller.require_manager()?;
    let workspace_id = &caller.workspace_id;
    let file = crate::services::files::get(state, workspace_id, body.file_id.as_str())
        .await?
        .ok_or(ErrorCode::FileNotFound)?;
    check_logo(&file.content_type, file.size_bytes)?;
    let url = crate::domain::upload::file_url(origin, workspace_id, &file.id);
    let config = load(state, workspace_id).await?;
    if file.status == "confirmed" && config.branding.logo_url.as_deref() == Some(url.as_str()) {
        // The same logo again: a retry after a lost answer.
        return Ok(config);
    }
    crate::services::files::check_stored(state, &file).await?;
    replace_logo(
        state,
        workspace_id,
        config,
        Some(file.id),
        Some(url),
        origin,
    )
    .await
}

/// Takes the logo away (`DELETE /v1/widget/logo`); an uploaded one is deleted.
pub async fn remove_logo(
    state: &AppState,
    caller: &Caller,
    origin: &str,
) -> Result<WidgetConfig, ApiError> {
    caller.require_manager()?;
    let config = load(state, &caller.workspace_id).await?;
    replace_logo(state, &caller.workspace_id, config, None, None, origin).await
}

async fn replace_logo(
    state: &AppState,
    workspace_id: &str,
    mut config: WidgetConfig,
    file_id: Option<String>,
    logo_url: Option<String>,
    origin: &str,
) -> Result<WidgetConfig, ApiError> {
    let previous_file = config
        .branding
        .logo_url
        .as_deref()
        .and_then(|url| crate::domain::upload::own_file_id(url, origin, workspace_id));
    let replaced: Option<String> = call(
        state,
        workspace_id,
        WidgetOp::SetLogo {
            file_id,
            logo_url: logo_url.clone(),
            previous_file,
            now: time::now_rfc3339(),
        },
    )
    .await?;
    cache::forget(state, &[cache::widget_entry(workspace_id)]).await?;
    if let Some(key) = replaced {
        crate::services::files::delete_bytes(state, &[key]).await?;
    }
    config.branding.logo_url = logo_url;
    Ok(config)
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
    call::<()>(
        state,
        &caller.workspace_id,
        WidgetOp::PutIdentitySecret {
            sealed,
            now: time::now_rfc3339(),
        },
    )
    .await?;
    Ok(IdentitySecret { secret })
}

/// The configuration of a workspace named by a public URL; `None` for one the directory
/// does not know, whose object is then never woken (its first call would create it).
pub async fn stored(
    state: &AppState,
    workspace_id: &str,
) -> Result<Option<WidgetConfig>, ApiError> {
    if store::workspaces::get(&state.db()?, workspace_id)
        .await?
        .is_none()
    {
        return Ok(None);
    }
    load(state, workspace_id).await.map(Some)
}

/// The configuration of a workspace the directory knows.
async fn load(state: &AppState, workspace_id: &str) -> Result<WidgetConfig, ApiError> {
    let config: Option<WidgetConfig> = call(state, workspace_id, WidgetOp::Get).await?;
    config
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
    let PublicSettings {
        config,
        triggers,
        hours,
        typing_preview,
    } = settings?.ok_or(ErrorCode::WorkspaceNotFound)?;
    // The copy keeps the hours, not whether they are open: that moves with the clock.
    let hours_now = crate::services::settings::open_now(&hours);
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
        open: hours_now.open,
        opens_at: hours_now.opens_at.map(time::format),
        typing_preview,
        triggers,
    })
}

/// The sites a workspace's widget may run on, from the public settings' copy; `None`
/// for a workspace that does not exist.
pub async fn allowed_domains(
    state: &AppState,
    workspace_id: &str,
) -> Result<Option<Vec<DomainPattern>>, ApiError> {
    Ok(public_settings(state, workspace_id)
        .await?
        .map(|s| s.config.domains))
}

/// Whether the workspace's agents see visitors' drafts (`typing_preview`), from the
/// public settings' copy: a visitor's socket is told when it opens. False for a
/// workspace that does not exist.
pub async fn typing_preview(state: &AppState, workspace_id: &str) -> Result<bool, ApiError> {
    Ok(public_settings(state, workspace_id)
        .await?
        .is_some_and(|s| s.typing_preview))
}

/// A workspace's widget settings and active triggers: what the public config copies
/// into KV (`cache::widget_entry`), deleted by every change to either.
#[derive(Serialize, Deserialize)]
struct PublicSettings {
    config: WidgetConfig,
    triggers: Vec<PublicTrigger>,
    /// Copies made before business hours read as hours switched off.
    #[serde(default)]
    hours: shared_types::settings::BusinessHours,
    /// Copies made before the typing preview read as off.
    #[serde(default)]
    typing_preview: bool,
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
    let Some(config) = stored(state, workspace_id).await? else {
        return Ok(None);
    };
    let settings = PublicSettings {
        config,
        triggers: crate::services::triggers::list_active_public(state, workspace_id).await?,
        hours: crate::services::settings::business_hours(state, workspace_id).await?,
        typing_preview: crate::services::settings::typing_preview(state, workspace_id).await?,
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
    config: &WidgetConfig,
    visitor: &VisitorInfo,
) -> Result<bool, ApiError> {
    let subject = identity::subject(
        visitor.user_id.as_ref().map(|u| u.as_str()),
        visitor.email.as_ref().map(|e| e.as_str()),
    );
    let valid = match (subject, &visitor.user_hash) {
        (Some(subject), Some(hash)) => {
            let sealed: Option<String> =
                call(state, workspace_id, WidgetOp::IdentitySecret).await?;
            match sealed {
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
    identity::decide(config.require_identity, subject.is_some(), valid).map_err(ApiError::from)
}

/// Writes the fields `patch` carries; the rest stay.
fn apply(config: &mut WidgetConfig, patch: UpdateWidgetConfig) {
    if let Some(color) = patch.color {
        config.color = color;
    }
    if let Some(shape) = patch.shape {
        config.shape = shape;
    }
    if let Some(position) = patch.position {
        config.position = position;
    }
    if let Some(text) = patch.button_text {
        config.button_text = text.into_string();
    }
    if let Some(text) = patch.welcome_message {
        config.welcome_message = text.into_string();
    }
    if let Some(text) = patch.offline_message {
        config.offline_message = text.into_string();
    }
    if let Some(domains) = patch.domains {
        config.domains = unique::first_occurrences(domains);
    }
    if let Some(require) = patch.require_identity {
        config.require_identity = require;
    }
    if let Some(branding) = patch.branding {
        if let Some(show) = branding.show_powered_by {
            config.branding.show_powered_by = show;
        }
        if let Some(logo) = branding.logo_url {
            config.branding.logo_url = logo.map(|url| url.as_str().to_string());
        }
    }
    if let Some(patch) = patch.prechat {
        config.prechat = config.prechat.patched(patch);
    }
    if let Some(theme) = patch.theme {
        config.theme = theme;
    }
}

/// The SQL, run inside the workspace's object on its one-row `widget_config` table.
pub mod object {
    use serde::Deserialize;
    use shared_types::validate::{DomainPattern, HexColor};
    use shared_types::widget::{
        Branding, Prechat, WidgetConfig, WidgetPosition, WidgetShape, WidgetTheme,
    };
    use worker::{SqlStorage, SqlStorageValue};

    use crate::error::ApiError;
    use crate::objects::workspace::answer;
    use crate::objects::workspace::protocol::WidgetOp;
    use crate::objects::workspace::sql::{flag, rows, written};
    use shared_types::error::ErrorCode;

    /// The stored row; SQLite keeps flags as 0 or 1 and the domains as a JSON array.
    #[derive(Deserialize)]
    struct Row {
        color: HexColor,
        shape: WidgetShape,
        position: WidgetPosition,
        button_text: String,
        welcome_message: String,
        offline_message: String,
        domains: String,
        show_powered_by: i64,
        logo_url: Option<String>,
        prechat_enabled: i64,
        prechat_require_name: i64,
        prechat_require_email: i64,
        theme: WidgetTheme,
        require_identity: i64,
    }

    impl TryFrom<Row> for WidgetConfig {
        type Error = ApiError;

        fn try_from(r: Row) -> Result<WidgetConfig, ApiError> {
            // The stored list was validated when it was written.
            let domains: Vec<DomainPattern> = serde_json::from_str(&r.domains)
                .map_err(|e| ApiError::internal(format!("stored widget domains: {e}")))?;
            Ok(WidgetConfig {
                color: r.color,
                shape: r.shape,
                position: r.position,
                button_text: r.button_text,
                welcome_message: r.welcome_message,
                offline_message: r.offline_message,
                domains,
                branding: Branding {
                    show_powered_by: r.show_powered_by != 0,
                    logo_url: r.logo_url,
                },
                prechat: Prechat {
                    enabled: r.prechat_enabled != 0,
                    require_name: r.prechat_require_name != 0,
                    require_email: r.prechat_require_email != 0,
                },
                theme: r.theme,
                require_identity: r.require_identity != 0,
            })
        }
    }

    /// The editable columns in the order of [`fields`].
    const COLUMNS: &str = "color, shape, position, button_text, welcome_message,
        offline_message, domains, show_powered_by, logo_url, prechat_enabled,
        prechat_require_name, prechat_require_email, theme, require_identity";

    /// `?1` to `?14`, the configuration's columns in [`COLUMNS`]' order, then `?15`, the
    /// time of the write.
    fn fields(c: &WidgetConfig, now: String) -> Result<Vec<SqlStorageValue>, ApiError> {
        let domains = serde_json::to_string(&c.domains)
            .map_err(|e| ApiError::internal(format!("encoding domains: {e}")))?;
        Ok(vec![
            c.color.as_str().into(),
            c.shape.as_str().into(),
            c.position.as_str().into(),
            c.button_text.as_str().into(),
            c.welcome_message.as_str().into(),
            c.offline_message.as_str().into(),
            domains.into(),
            flag(c.branding.show_powered_by),
            c.branding.logo_url.as_deref().into(),
            flag(c.prechat.enabled),
            flag(c.prechat.require_name),
            flag(c.prechat.require_email),
            c.theme.as_str().into(),
            flag(c.require_identity),
            now.into(),
        ])
    }

    pub fn handle(sql: &SqlStorage, op: WidgetOp) -> Result<String, ApiError> {
        match op {
            WidgetOp::Create { config, now } => {
                rows::<serde_json::Value>(
                    sql,
                    &format!(
                        "INSERT INTO widget_config (id, {COLUMNS}, updated_at)
                         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
                         ON CONFLICT (id) DO NOTHING"
                    ),
                    fields(&config, now)?,
                )?;
                answer(())
            }
            WidgetOp::Get => {
                let found: Vec<Row> = rows(
                    sql,
                    &format!("SELECT {COLUMNS} FROM widget_config WHERE id = 1"),
                    vec![],
                )?;
                answer(
                    found
                        .into_iter()
                        .next()
                        .map(WidgetConfig::try_from)
                        .transpose()?,
                )
            }
            WidgetOp::Put { config, now } => {
                rows::<serde_json::Value>(
                    sql,
                    "UPDATE widget_config SET color = ?1, shape = ?2, position = ?3,
                            button_text = ?4, welcome_message = ?5, offline_message = ?6,
                            domains = ?7, show_powered_by = ?8, logo_url = ?9,
                            prechat_enabled = ?10, prechat_require_name = ?11,
                            prechat_require_email = ?12, theme = ?13, require_identity = ?14,
                            updated_at = ?15
                      WHERE id = 1",
                    fields(&config, now)?,
                )?;
                answer(())
            }
            WidgetOp::PutIdentitySecret { sealed, now } => {
                rows::<serde_json::Value>(
                    sql,
                    "UPDATE widget_config SET identity_secret_sealed = ?1, updated_at = ?2
                      WHERE id = 1",
                    vec![sealed.into(), now.into()],
                )?;
                answer(())
            }
            WidgetOp::IdentitySecret => {
                #[derive(Deserialize)]
                struct Sealed {
                    identity_secret_sealed: Option<String>,
                }
                let found: Vec<Sealed> = rows(
                    sql,
                    "SELECT identity_secret_sealed FROM widget_config WHERE id = 1",
                    vec![],
                )?;
                answer(
                    found
                        .into_iter()
                        .next()
                        .and_then(|r| r.identity_secret_sealed),
                )
            }
            WidgetOp::SetLogo {
                file_id,
                logo_url,
                previous_file,
                now,
            } => {
                if let Some(file_id) = &file_id {
                    // A logo is a confirmed file of no chat.
                    let confirmed = written(
                        sql,
                        "UPDATE files SET status = 'confirmed', chat_id = NULL, confirmed_at = ?2
                          WHERE id = ?1 AND status = 'pending'
                          RETURNING id",
                        vec![file_id.as_str().into(), now.as_str().into()],
                    )?;
                    if confirmed != 1 {
                        return Err(ErrorCode::FileNotUploaded.into());
                    }
                }
                rows::<serde_json::Value>(
                    sql,
                    "UPDATE widget_config SET logo_url = ?1, updated_at = ?2 WHERE id = 1",
                    vec![logo_url.into(), now.into()],
                )?;
                #[derive(Deserialize)]
                struct Key {
                    r2_key: String,
                }
                let replaced = match previous_file.filter(|p| Some(p) != file_id.as_ref()) {
                    Some(previous) => rows::<Key>(
                        sql,
                        "DELETE FROM files
                          WHERE id = ?1 AND chat_id IS NULL AND status = 'confirmed'
                          RETURNING r2_key",
                        vec![previous.into()],
                    )?,
                    None => Vec::new(),
                };
                answer(replaced.into_iter().next().map(|k| k.r2_key))
            }
        }
    }
}
