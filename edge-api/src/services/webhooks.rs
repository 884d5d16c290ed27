//! Webhooks and the log of their delivery attempts, kept in the workspace's `Workspace`
//! object. Managing them is for owners and admins, like API keys: they decide where the
//! workspace's data is sent. The delivery itself (emitting events, the queue consumer)
//! is [`crate::webhooks`]; it reads and logs through the calls at the end of this edge
//! half.

use shared_types::error::{ErrorCode, FieldErrors};
use shared_types::ids::WebhookId;
use shared_types::validate::HttpUrl;
use shared_types::webhooks::{
    CreateWebhookRequest, CreatedWebhook, UpdateWebhookRequest, Webhook, WebhookDelivery,
    WebhookSecret,
};

use crate::auth::Caller;
use crate::crypto;
use crate::domain::{ids, time, webhook};
use crate::error::ApiError;
use crate::objects::workspace::client;
use crate::objects::workspace::protocol::{
    DeliveryAttempt, DeliveryState, FailureRun, Request, WebhookEvents, WebhookOp, WebhookTarget,
};
use crate::state::AppState;

/// Enough for every integration a workspace runs; more is a runaway script.
pub const MAX_WEBHOOKS: u32 = 50;

/// How many attempts the deliveries log shows.
pub const DELIVERIES_SHOWN: u32 = 100;

/// What a webhook's signing secret is sealed for: that webhook only.
pub fn secret_purpose(webhook_id: &str) -> String {
    format!("webhook_secret:{webhook_id}")
}

async fn call<T: serde::de::DeserializeOwned>(
    state: &AppState,
    workspace_id: &str,
    op: WebhookOp,
) -> Result<T, ApiError> {
    client::ask(state, workspace_id, &Request::Webhooks(op)).await
}

/// HOOK-001 for an id that is not a webhook id at all, before any object is asked.
fn parse_id(raw_id: &str) -> Result<WebhookId, ApiError> {
    WebhookId::parse(raw_id).map_err(|_| ErrorCode::WebhookNotFound.into())
}

pub async fn list(state: &AppState, caller: &Caller) -> Result<Vec<Webhook>, ApiError> {
    caller.require_manager()?;
    call(state, &caller.workspace_id, WebhookOp::List).await
}

/// A secret the caller chose stays masked in the answer; one we made up is useless
/// unless shown, so it is shown this once. The secret is stored sealed.
pub async fn create(
    state: &AppState,
    caller: &Caller,
    body: CreateWebhookRequest,
) -> Result<CreatedWebhook, ApiError> {
    caller.require_manager()?;
    check_url(state, &body.url)?;
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
    let secret_sealed =
        crypto::seal(state, &secret_purpose(hook.id.as_str()), secret.as_bytes()).await?;
    let inserted: bool = call(
        state,
        &caller.workspace_id,
        WebhookOp::Insert {
            webhook: hook.clone(),
            secret_sealed,
            cap: MAX_WEBHOOKS,
        },
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
    Ok(CreatedWebhook {
        id: hook.id,
        url: hook.url,
        events: hook.events,
        active: hook.active,
        secret: shown,
        created_at: hook.created_at,
    })
}

/// The new URL is checked like at creation, before the webhook is looked up: it is part
/// of the body, like its other validation.
pub async fn update(
    state: &AppState,
    caller: &Caller,
    raw_id: &str,
    mut change: UpdateWebhookRequest,
) -> Result<Webhook, ApiError> {
    caller.require_manager()?;
    let id = parse_id(raw_id)?;
    if let Some(url) = &change.url {
        check_url(state, url)?;
    }
    change.events = change.events.map(dedup);
    let updated: Option<Webhook> = call(
        state,
        &caller.workspace_id,
        WebhookOp::Update {
            id: id.as_str().to_string(),
            change,
            now: time::now_rfc3339(),
        },
    )
    .await?;
    updated.ok_or_else(|| ErrorCode::WebhookNotFound.into())
}

pub async fn remove(state: &AppState, caller: &Caller, raw_id: &str) -> Result<(), ApiError> {
    caller.require_manager()?;
    let id = parse_id(raw_id)?;
    let deleted: bool = call(
        state,
        &caller.workspace_id,
        WebhookOp::Delete {
            id: id.as_str().to_string(),
        },
    )
    .await?;
    if deleted {
        Ok(())
    } else {
        Err(ErrorCode::WebhookNotFound.into())
    }
}

/// The webhook's latest [`DELIVERIES_SHOWN`] attempts, newest first.
pub async fn deliveries(
    state: &AppState,
    caller: &Caller,
    raw_id: &str,
) -> Result<Vec<WebhookDelivery>, ApiError> {
    caller.require_manager()?;
    let id = parse_id(raw_id)?;
    let log: Option<Vec<WebhookDelivery>> = call(
        state,
        &caller.workspace_id,
        WebhookOp::Deliveries {
            id: id.as_str().to_string(),
            limit: DELIVERIES_SHOWN,
        },
    )
    .await?;
    log.ok_or_else(|| ErrorCode::WebhookNotFound.into())
}

/// The workspace's active webhooks with their subscriptions, for a workspace the
/// directory knows (the one an event happened in).
pub async fn targets(state: &AppState, workspace_id: &str) -> Result<Vec<WebhookTarget>, ApiError> {
    call(state, workspace_id, WebhookOp::Targets).await
}

/// For the queue consumer: the named webhooks that still exist, with their sealed
/// secrets, and what the log already says of the events named with each.
pub async fn delivery_state(
    state: &AppState,
    workspace_id: &str,
    events: Vec<WebhookEvents>,
) -> Result<Vec<DeliveryState>, ApiError> {
    call(state, workspace_id, WebhookOp::ForDelivery { events }).await
}

/// For the queue consumer: logs a batch's attempts and what they did to runs of
/// failures, in one transaction of the workspace's object.
pub async fn log(
    state: &AppState,
    workspace_id: &str,
    attempts: Vec<DeliveryAttempt>,
    runs: Vec<FailureRun>,
) -> Result<(), ApiError> {
    let now = time::now_rfc3339();
    call(
        state,
        workspace_id,
        WebhookOp::Log {
            attempts,
            runs,
            now,
        },
    )
    .await
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

/// The SQL, run inside the workspace's object on its `webhooks` and
/// `webhook_deliveries` tables (workspace-migrations/0002_webhooks.sql, whose indexes
/// each query below names).
pub mod object {
    use chrono::{DateTime, Utc};
    use serde::Deserialize;
    use shared_types::ids::{EventId, WebhookId};
    use shared_types::webhooks::{Webhook, WebhookDelivery, WebhookEvent};
    use worker::{SqlStorage, SqlStorageValue};

    use crate::domain::{time, webhook};
    use crate::error::ApiError;
    use crate::objects::workspace::answer;
    use crate::objects::workspace::protocol::{
        DeliveryAttempt, DeliveryState, EventAttempts, FailureRun, StoredWebhook, WebhookEvents,
        WebhookOp, WebhookTarget,
    };
    use crate::objects::workspace::sql::{earliest, flag, rows, run, written};

    /// A stored webhook; `events` is a JSON array, `active` 0 or 1.
    #[derive(Deserialize)]
    struct Row {
        id: WebhookId,
        url: String,
        events: String,
        secret_sealed: String,
        active: i64,
        failing_since: Option<String>,
        created_at: String,
    }

    impl TryFrom<Row> for StoredWebhook {
        type Error = ApiError;

        fn try_from(r: Row) -> Result<Self, ApiError> {
            let events: Vec<WebhookEvent> = serde_json::from_str(&r.events)
                .map_err(|e| ApiError::internal(format!("webhook {} events: {e}", r.id)))?;
            Ok(StoredWebhook {
                webhook: Webhook {
                    id: r.id,
                    url: r.url,
                    events,
                    active: r.active != 0,
                    created_at: r.created_at,
                },
                secret_sealed: r.secret_sealed,
                failing_since: r.failing_since,
            })
        }
    }

    const COLUMNS: &str =
        "id, url, events, secret_sealed, active, failing_since, created_at FROM webhooks";

    fn stored(
        sql: &SqlStorage,
        query: &str,
        values: Vec<SqlStorageValue>,
    ) -> Result<Vec<StoredWebhook>, ApiError> {
        rows::<Row>(sql, query, values)?
            .into_iter()
            .map(StoredWebhook::try_from)
            .collect()
    }

    fn get(sql: &SqlStorage, id: &str) -> Result<Option<StoredWebhook>, ApiError> {
        Ok(stored(
            sql,
            &format!("SELECT {COLUMNS} WHERE id = ?"),
            vec![id.into()],
        )?
        .pop())
    }

    fn events_json(events: &[WebhookEvent]) -> Result<String, ApiError> {
        serde_json::to_string(events).map_err(|e| ApiError::internal(e.to_string()))
    }

    fn number(n: Option<u64>) -> SqlStorageValue {
        n.map_or(SqlStorageValue::Null, |n| {
            SqlStorageValue::Integer(i64::try_from(n).unwrap_or(i64::MAX))
        })
    }

    #[derive(Deserialize)]
    struct DeliveryRow {
        event_id: EventId,
        event_type: WebhookEvent,
        attempt: u32,
        status_code: Option<u16>,
        duration_ms: Option<u64>,
        error: Option<String>,
        next_retry_at: Option<String>,
        dead_lettered: i64,
        created_at: String,
    }

    impl From<DeliveryRow> for WebhookDelivery {
        fn from(r: DeliveryRow) -> WebhookDelivery {
            WebhookDelivery {
                event_id: r.event_id,
                event_type: r.event_type,
                attempt: r.attempt,
                status_code: r.status_code,
                duration_ms: r.duration_ms,
                error: r.error,
                next_retry_at: r.next_retry_at,
                dead_lettered: r.dead_lettered != 0,
                created_at: r.created_at,
            }
        }
    }

    /// Whether `op` writes rows the alarm will have to delete.
    pub fn logs_attempts(op: &WebhookOp) -> bool {
        matches!(op, WebhookOp::Log { attempts, .. } if !attempts.is_empty())
    }

    /// The active webhooks and what each subscribed to: all an event needs to find its
    /// receivers.
    pub fn targets(sql: &SqlStorage) -> Result<Vec<WebhookTarget>, ApiError> {
        let hooks = stored(sql, &format!("SELECT {COLUMNS} WHERE active = 1"), vec![])?;
        Ok(hooks
            .into_iter()
            .map(|h| WebhookTarget {
                id: h.webhook.id,
                events: h.webhook.events,
            })
            .collect())
    }

    pub fn handle(sql: &SqlStorage, op: WebhookOp) -> Result<String, ApiError> {
        match op {
            WebhookOp::List => {
                let hooks = stored(
                    sql,
                    &format!("SELECT {COLUMNS} ORDER BY created_at, rowid"),
                    vec![],
                )?;
                answer(hooks.into_iter().map(|h| h.webhook).collect::<Vec<_>>())
            }
            WebhookOp::Targets => answer(targets(sql)?),
            WebhookOp::Insert {
                webhook: w,
                secret_sealed,
                cap,
            } => {
                // The count and the insert are one statement, so the cap stays in one place.
                let changed = written(
                    sql,
                    "INSERT INTO webhooks (id, url, events, secret_sealed, active, created_at, updated_at)
                     SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?6
                      WHERE (SELECT COUNT(*) FROM webhooks) < ?7
                     RETURNING id",
                    vec![
                        w.id.as_str().into(),
                        w.url.as_str().into(),
                        events_json(&w.events)?.into(),
                        secret_sealed.into(),
                        flag(w.active),
                        w.created_at.as_str().into(),
                        i64::from(cap).into(),
                    ],
                )?;
                answer(changed == 1)
            }
            WebhookOp::Update { id, change, now } => {
                let Some(stored) = get(sql, &id)? else {
                    return answer(None::<Webhook>);
                };
                let mut hook = stored.webhook;
                if let Some(url) = change.url {
                    hook.url = url.as_str().to_string();
                }
                if let Some(events) = change.events {
                    hook.events = events;
                }
                // An owner switching it back on starts it with a clean record.
                let reactivated = change.active == Some(true) && !hook.active;
                if let Some(active) = change.active {
                    hook.active = active;
                }
                run(
                    sql,
                    "UPDATE webhooks SET url = ?2, events = ?3, active = ?4, updated_at = ?5,
                            failing_since = CASE WHEN ?6 THEN NULL ELSE failing_since END
                      WHERE id = ?1",
                    vec![
                        id.into(),
                        hook.url.as_str().into(),
                        events_json(&hook.events)?.into(),
                        flag(hook.active),
                        now.into(),
                        flag(reactivated),
                    ],
                )?;
                answer(Some(hook))
            }
            WebhookOp::Delete { id } => {
                // The log references the webhook, so it goes first; both in this one
                // synchronous step, so in one transaction.
                run(
                    sql,
                    "DELETE FROM webhook_deliveries WHERE webhook_id = ?",
                    vec![id.as_str().into()],
                )?;
                let changed = written(
                    sql,
                    "DELETE FROM webhooks WHERE id = ? RETURNING id",
                    vec![id.into()],
                )?;
                answer(changed == 1)
            }
            WebhookOp::Deliveries { id, limit } => {
                if get(sql, &id)?.is_none() {
                    return answer(None::<Vec<WebhookDelivery>>);
                }
                // webhook_deliveries_webhook
                let log: Vec<DeliveryRow> = rows(
                    sql,
                    "SELECT event_id, event_type, attempt, status_code, duration_ms, error,
                            next_retry_at, dead_lettered, created_at
                       FROM webhook_deliveries WHERE webhook_id = ?1
                      ORDER BY created_at DESC, rowid DESC LIMIT ?2",
                    vec![id.into(), i64::from(limit).into()],
                )?;
                answer(Some(
                    log.into_iter()
                        .map(WebhookDelivery::from)
                        .collect::<Vec<_>>(),
                ))
            }
            WebhookOp::ForDelivery { events } => answer(delivery_state(sql, events)?),
            WebhookOp::Log {
                attempts,
                runs,
                now,
            } => {
                for change in runs {
                    match change {
                        FailureRun::Ended { webhook_id } => run(
                            sql,
                            "UPDATE webhooks SET failing_since = NULL
                              WHERE id = ?1 AND failing_since IS NOT NULL",
                            vec![webhook_id.into()],
                        )?,
                        FailureRun::Extended {
                            webhook_id,
                            failing_since,
                            deactivate,
                        } => run(
                            sql,
                            "UPDATE webhooks SET failing_since = ?2,
                                    active = CASE WHEN ?3 THEN 0 ELSE active END,
                                    updated_at = CASE WHEN ?3 THEN ?4 ELSE updated_at END
                              WHERE id = ?1",
                            vec![
                                webhook_id.into(),
                                failing_since.into(),
                                flag(deactivate),
                                now.as_str().into(),
                            ],
                        )?,
                    }
                }
                for a in attempts {
                    log_attempt(sql, a)?;
                }
                answer(())
            }
        }
    }

    fn delivery_state(
        sql: &SqlStorage,
        events: Vec<WebhookEvents>,
    ) -> Result<Vec<DeliveryState>, ApiError> {
        let mut found = Vec::with_capacity(events.len());
        for WebhookEvents {
            webhook_id,
            event_ids,
        } in events
        {
            let Some(webhook) = get(sql, &webhook_id)? else {
                continue;
            };
            let ids =
                serde_json::to_string(&event_ids).map_err(|e| ApiError::internal(e.to_string()))?;
            // webhook_deliveries_event
            let attempts: Vec<EventAttempts> = rows(
                sql,
                "SELECT event_id, COUNT(*) AS attempts,
                        COALESCE(SUM(status_code BETWEEN 200 AND 299), 0) AS succeeded
                   FROM webhook_deliveries
                  WHERE webhook_id = ?1 AND event_id IN (SELECT value FROM json_each(?2))
                    AND dead_lettered = 0
                  GROUP BY event_id",
                vec![webhook_id.into(), ids.into()],
            )?;
            found.push(DeliveryState { webhook, attempts });
        }
        Ok(found)
    }

    /// An attempt at a webhook deleted while it was being sent is not logged: its log
    /// went with it.
    fn log_attempt(sql: &SqlStorage, a: DeliveryAttempt) -> Result<(), ApiError> {
        run(
            sql,
            "INSERT INTO webhook_deliveries (id, webhook_id, event_id, event_type, attempt,
                    status_code, duration_ms, error, next_retry_at, dead_lettered, created_at)
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11
              WHERE EXISTS (SELECT 1 FROM webhooks WHERE id = ?2)",
            vec![
                a.id.into(),
                a.webhook_id.into(),
                a.event_id.into(),
                a.event_type.as_str().into(),
                i64::from(a.attempt).into(),
                number(a.status_code.map(u64::from)),
                number(a.duration_ms),
                a.error.into(),
                a.next_retry_at.into(),
                flag(a.dead_lettered),
                a.created_at.into(),
            ],
        )
    }

    /// The oldest attempt still logged, if any.
    fn oldest(sql: &SqlStorage) -> Result<Option<DateTime<Utc>>, ApiError> {
        // webhook_deliveries_created
        earliest(sql, "SELECT MIN(created_at) AS at FROM webhook_deliveries")
    }

    /// When the log next needs sweeping, not before `not_before`; `None` when it is empty.
    pub fn next_sweep(
        sql: &SqlStorage,
        not_before: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, ApiError> {
        Ok(oldest(sql)?.map(|oldest| webhook::next_log_sweep(oldest, not_before)))
    }

    /// Deletes the attempts that have expired at `now`.
    pub fn sweep(sql: &SqlStorage, now: DateTime<Utc>) -> Result<(), ApiError> {
        // webhook_deliveries_created
        run(
            sql,
            "DELETE FROM webhook_deliveries WHERE created_at < ?",
            vec![time::format(webhook::delivery_log_cutoff(now)).into()],
        )
    }
}
