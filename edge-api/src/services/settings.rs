//! The workspace's settings, `GET/PATCH /v1/settings`: one JSON document per section in
//! the workspace's `settings` table. Every section sent is checked before any is
//! written, so a bad value changes nothing; business hours and the typing preview also
//! change what the public widget config answers, so its copy is forgotten.

use chrono::Utc;
use serde::de::DeserializeOwned;
use serde::Serialize;
use shared_types::error::FieldErrors;
use shared_types::settings::{Assignment, BusinessHours, Settings, UpdateSettings};

use crate::auth::Caller;
use crate::cache;
use crate::domain::business_hours::{self, Status};
use crate::domain::email as mail_rules;
use crate::domain::time;
use crate::error::ApiError;
use crate::intl::Zone;
use crate::objects::workspace::client::ask;
use crate::objects::workspace::protocol::{EmailOp, Request};
use crate::services::email;
use crate::state::AppState;

const ASSIGNMENT: &str = "assignment";
const BUSINESS_HOURS: &str = "business_hours";
const TYPING_PREVIEW: &str = "typing_preview";

/// A section as stored, or its default when it was never written (or cannot be read).
pub(crate) async fn section<T: DeserializeOwned + Default>(
    state: &AppState,
    workspace_id: &str,
    name: &str,
) -> Result<T, ApiError> {
    let stored: Option<String> = ask(
        state,
        workspace_id,
        &Request::Email(EmailOp::GetSettings {
            section: name.into(),
        }),
    )
    .await?;
    Ok(stored
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default())
}

async fn put_section<T: Serialize>(
    state: &AppState,
    workspace_id: &str,
    name: &str,
    value: &T,
) -> Result<(), ApiError> {
    let value = serde_json::to_string(value).map_err(|e| ApiError::internal(e.to_string()))?;
    ask(
        state,
        workspace_id,
        &Request::Email(EmailOp::PutSettings {
            section: name.into(),
            value,
            now: time::now_rfc3339(),
        }),
    )
    .await
}

async fn load(state: &AppState, workspace_id: &str) -> Result<Settings, ApiError> {
    let (email, assignment, hours, typing) = futures_util::future::join4(
        email::email_settings(state, workspace_id),
        section::<Assignment>(state, workspace_id, ASSIGNMENT),
        section::<BusinessHours>(state, workspace_id, BUSINESS_HOURS),
        section::<bool>(state, workspace_id, TYPING_PREVIEW),
    )
    .await;
    Ok(Settings {
        email: email?,
        assignment: assignment?,
        business_hours: hours?,
        typing_preview: typing?,
    })
}

/// Every agent may read them (operators included: the hours concern them).
pub async fn get(state: &AppState, caller: &Caller) -> Result<Settings, ApiError> {
    load(state, &caller.workspace_id).await
}

/// The workspace's business hours, for the public widget config.
pub async fn business_hours(
    state: &AppState,
    workspace_id: &str,
) -> Result<BusinessHours, ApiError> {
    section(state, workspace_id, BUSINESS_HOURS).await
}

/// Whether agents see visitors' drafts, for the public widget config.
pub async fn typing_preview(state: &AppState, workspace_id: &str) -> Result<bool, ApiError> {
    section(state, workspace_id, TYPING_PREVIEW).await
}

/// Whether `hours` are open now, in their zone; a zone the platform no longer knows
/// counts as open rather than shutting the widget.
pub fn open_now(hours: &BusinessHours) -> Status {
    let zone = Zone::new(&hours.timezone);
    business_hours::status(hours, Utc::now(), |at| {
        zone.as_ref().map_or(0, |z| z.offset_seconds(at))
    })
}

/// Changes the sections sent (owners and admins); a bad value is REQ-004 naming it,
/// and nothing changes.
pub async fn update(
    state: &AppState,
    caller: &Caller,
    patch: UpdateSettings,
) -> Result<Settings, ApiError> {
    caller.require_manager()?;
    let workspace_id = &caller.workspace_id;
    let mut settings = load(state, workspace_id).await?;
    let mut fields = FieldErrors::default();
    let email_sent = patch.email.is_some();
    if let Some(patch) = patch.email {
        if let Some(name) = patch.from_name {
            settings.email.from_name = name.map(|n| n.as_str().to_string());
        }
        if let Some(domain) = patch.reply_domain {
            match domain {
                Some(d) if !mail_rules::is_domain(&d) => {
                    fields.push(
                        "email.reply_domain",
                        "must be a domain name such as reply.example.uz",
                    );
                }
                d => settings.email.reply_domain = d.map(|d| d.to_ascii_lowercase()),
            }
        }
    }
    let assignment_sent = patch.assignment.is_some();
    if let Some(patch) = patch.assignment {
        if let Some(mode) = patch.mode {
            settings.assignment.mode = mode;
        }
        if let Some(cap) = patch.max_active_per_agent {
            if cap.is_some_and(|n| !(1..=100).contains(&n)) {
                fields.push(
                    "assignment.max_active_per_agent",
                    "must be from 1 to 100, or null for no limit",
                );
            }
            settings.assignment.max_active_per_agent = cap;
        }
    }
    let hours_sent = patch.business_hours.is_some();
    if let Some(patch) = patch.business_hours {
        let hours = &mut settings.business_hours;
        if let Some(enabled) = patch.enabled {
            hours.enabled = enabled;
        }
        if let Some(zone) = patch.timezone {
            if Zone::new(&zone).is_none() || (!zone.contains('/') && zone != "UTC") {
                fields.push(
                    "business_hours.timezone",
                    "must be an IANA time zone such as Asia/Tashkent",
                );
            }
            hours.timezone = zone;
        }
        if let Some(weekly) = patch.weekly {
            weekly.apply(&mut hours.weekly);
        }
        if let Some(holidays) = patch.holidays {
            let mut days = holidays;
            days.sort();
            days.dedup();
            hours.holidays = days;
        }
        for (field, reason) in business_hours::problems(hours) {
            fields.push(field, reason);
        }
    }
    if !fields.is_empty() {
        return Err(ApiError::validation(fields));
    }
    if email_sent {
        put_section(state, workspace_id, "email", &settings.email).await?;
    }
    if assignment_sent {
        put_section(state, workspace_id, ASSIGNMENT, &settings.assignment).await?;
    }
    if hours_sent {
        put_section(
            state,
            workspace_id,
            BUSINESS_HOURS,
            &settings.business_hours,
        )
        .await?;
        cache::forget(state, &[cache::widget_entry(workspace_id)]).await?;
    }
    if let Some(on) = patch.typing_preview {
        put_section(state, workspace_id, TYPING_PREVIEW, &on).await?;
        settings.typing_preview = on;
        // The widget reads it from the public config; sockets opened from now on too.
        cache::forget(state, &[cache::widget_entry(workspace_id)]).await?;
    }
    Ok(settings)
}
