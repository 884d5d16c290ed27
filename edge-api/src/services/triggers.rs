//! Automation triggers: the workspace's rules for showing the widget's invitation, kept
//! in its `Workspace` object. Reading is open to every agent; changing them is for
//! owners and admins.

use shared_types::automation::{CreateTrigger, Trigger, UpdateTrigger};
use shared_types::error::{ErrorCode, FieldErrors};
use shared_types::ids::TriggerId;
use shared_types::visitor::PublicTrigger;

use crate::auth::Caller;
use crate::domain::{ids, time};
use crate::error::ApiError;
use crate::objects::workspace::client;
use crate::objects::workspace::protocol::{Request, TriggerOp};
use crate::state::AppState;

/// Enough for every page and condition of a real site; more is a runaway script.
pub const MAX_TRIGGERS: u32 = 100;

async fn call<T: serde::de::DeserializeOwned>(
    state: &AppState,
    workspace_id: &str,
    op: TriggerOp,
) -> Result<T, ApiError> {
    client::ask(state, workspace_id, &Request::Triggers(op)).await
}

pub async fn list(state: &AppState, caller: &Caller) -> Result<Vec<Trigger>, ApiError> {
    call(state, &caller.workspace_id, TriggerOp::List).await
}

/// The active triggers as the widget sees them, for a workspace the directory knows.
pub async fn list_active_public(
    state: &AppState,
    workspace_id: &str,
) -> Result<Vec<PublicTrigger>, ApiError> {
    call(state, workspace_id, TriggerOp::ListActive).await
}

pub async fn create(
    state: &AppState,
    caller: &Caller,
    body: CreateTrigger,
) -> Result<Trigger, ApiError> {
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
    let inserted: bool = call(
        state,
        &caller.workspace_id,
        TriggerOp::Insert {
            trigger: trigger.clone(),
            cap: MAX_TRIGGERS,
        },
    )
    .await?;
    if !inserted {
        let mut fields = FieldErrors::default();
        fields.push(
            "body",
            format!("a workspace has at most {MAX_TRIGGERS} triggers"),
        );
        return Err(ApiError::validation(fields));
    }
    forget_public_copy(state, caller).await?;
    Ok(trigger)
}

pub async fn update(
    state: &AppState,
    caller: &Caller,
    raw_id: &str,
    patch: UpdateTrigger,
) -> Result<Trigger, ApiError> {
    caller.require_manager()?;
    let id = TriggerId::parse(raw_id).map_err(|_| ErrorCode::TriggerNotFound)?;
    let stored: Option<Trigger> = call(
        state,
        &caller.workspace_id,
        TriggerOp::Get {
            id: id.as_str().to_string(),
        },
    )
    .await?;
    let mut trigger = stored.ok_or(ErrorCode::TriggerNotFound)?;
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
    let now = time::now_rfc3339();
    call::<()>(
        state,
        &caller.workspace_id,
        TriggerOp::Put {
            trigger: trigger.clone(),
            now,
        },
    )
    .await?;
    forget_public_copy(state, caller).await?;
    Ok(trigger)
}

pub async fn remove(state: &AppState, caller: &Caller, raw_id: &str) -> Result<(), ApiError> {
    caller.require_manager()?;
    let id = TriggerId::parse(raw_id).map_err(|_| ErrorCode::TriggerNotFound)?;
    let deleted: bool = call(
        state,
        &caller.workspace_id,
        TriggerOp::Delete {
            id: id.as_str().to_string(),
        },
    )
    .await?;
    if !deleted {
        return Err(ErrorCode::TriggerNotFound.into());
    }
    forget_public_copy(state, caller).await
}

/// The widget reads active triggers from the public config's copy (`crate::cache`).
async fn forget_public_copy(state: &AppState, caller: &Caller) -> Result<(), ApiError> {
    crate::cache::forget(state, &[crate::cache::widget_entry(&caller.workspace_id)]).await
}

/// The SQL, run inside the workspace's object on its own `triggers` table.
pub mod object {
    use serde::Deserialize;
    use shared_types::automation::{Trigger, TriggerCondition};
    use shared_types::ids::TriggerId;
    use shared_types::validate::UrlPattern;
    use shared_types::visitor::PublicTrigger;
    use worker::{SqlStorage, SqlStorageValue};

    use crate::error::ApiError;
    use crate::objects::workspace::answer;
    use crate::objects::workspace::protocol::TriggerOp;
    use crate::objects::workspace::sql::{flag, rows, written};

    /// A stored trigger; SQLite keeps `active` as 0 or 1.
    #[derive(Deserialize)]
    struct TriggerRow {
        id: TriggerId,
        name: String,
        condition: TriggerCondition,
        delay_seconds: u32,
        message: String,
        active: i64,
        url_pattern: UrlPattern,
        created_at: String,
    }

    impl From<TriggerRow> for Trigger {
        fn from(r: TriggerRow) -> Trigger {
            Trigger {
                id: r.id,
                name: r.name,
                condition: r.condition,
                delay_seconds: r.delay_seconds,
                message: r.message,
                active: r.active != 0,
                url_pattern: r.url_pattern,
                created_at: r.created_at,
            }
        }
    }

    const COLUMNS: &str =
        "id, name, condition, delay_seconds, message, active, url_pattern, created_at FROM triggers";

    /// `?1` to `?7`, the trigger's stored fields in column order, then `more`.
    fn with_fields<const N: usize>(
        t: &Trigger,
        more: [SqlStorageValue; N],
    ) -> Vec<SqlStorageValue> {
        let mut values = vec![
            t.id.as_str().into(),
            t.name.as_str().into(),
            t.condition.as_str().into(),
            i64::from(t.delay_seconds).into(),
            t.message.as_str().into(),
            t.url_pattern.as_str().into(),
            flag(t.active),
        ];
        values.extend(more);
        values
    }

    pub fn handle(sql: &SqlStorage, op: TriggerOp) -> Result<String, ApiError> {
        match op {
            TriggerOp::List => {
                let found: Vec<TriggerRow> = rows(
                    sql,
                    &format!("SELECT {COLUMNS} ORDER BY created_at, rowid"),
                    vec![],
                )?;
                answer(found.into_iter().map(Trigger::from).collect::<Vec<_>>())
            }
            TriggerOp::ListActive => answer(rows::<PublicTrigger>(
                sql,
                "SELECT id, condition, delay_seconds, message, url_pattern FROM triggers
                  WHERE active = 1 ORDER BY created_at, rowid",
                vec![],
            )?),
            TriggerOp::Get { id } => {
                let found: Vec<TriggerRow> = rows(
                    sql,
                    &format!("SELECT {COLUMNS} WHERE id = ?"),
                    vec![id.into()],
                )?;
                answer(found.into_iter().next().map(Trigger::from))
            }
            TriggerOp::Insert { trigger: t, cap } => {
                // The count and the insert are one statement: no other request runs
                // between them in the object anyway, and the cap stays in one place.
                let changed = written(
                    sql,
                    "INSERT INTO triggers (id, name, condition, delay_seconds, message,
                                           url_pattern, active, created_at, updated_at)
                     SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8
                      WHERE (SELECT COUNT(*) FROM triggers) < ?9
                     RETURNING id",
                    with_fields(&t, [t.created_at.as_str().into(), i64::from(cap).into()]),
                )?;
                answer(changed == 1)
            }
            TriggerOp::Put { trigger: t, now } => {
                written(
                    sql,
                    "UPDATE triggers SET name = ?2, condition = ?3, delay_seconds = ?4,
                            message = ?5, url_pattern = ?6, active = ?7, updated_at = ?8
                      WHERE id = ?1
                      RETURNING id",
                    with_fields(&t, [now.into()]),
                )?;
                answer(())
            }
            TriggerOp::Delete { id } => {
                let changed = written(
                    sql,
                    "DELETE FROM triggers WHERE id = ? RETURNING id",
                    vec![id.into()],
                )?;
                answer(changed == 1)
            }
        }
    }
}
