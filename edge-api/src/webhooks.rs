//! Webhook events, from the request that causes them to the receiver's 2xx.
//!
//! The request path only enqueues: [`emit`] finds the workspace's active webhooks
//! subscribed to the event and sends one [`DeliveryJob`] per webhook to the WEBHOOKS
//! queue, so a slow or broken receiver never slows an API call. [`consume`] (the
//! worker's queue handler) signs and POSTs each job, logs every attempt in
//! webhook_deliveries, and retries failures with exponential backoff; the queue moves
//! a job that used up its retries to the dead-letter queue, whose batches come back
//! here to be logged. The rules (signature, backoff, URL policy) are in
//! [`crate::domain::webhook`]; the SQL in [`crate::store::webhooks`].

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use futures_util::future::{join_all, select, Either};
use serde::{Deserialize, Serialize};
use shared_types::chats::{ChatDetail, ConversationMessage, SenderType};
use shared_types::ids::{ChatId, EventId, WorkspaceId};
use shared_types::visitor::RatingRequest;
use shared_types::webhooks::{ChatRating, WebhookEvent, WebhookEventPayload, SIGNATURE_HEADER};
use worker::{
    AbortController, Date, Delay, Env, Fetch, Headers, Message, MessageBatch, MessageExt, Method,
    QueueRetryOptionsBuilder, Request, RequestInit, RequestRedirect,
};

use crate::crypto;
use crate::domain::webhook::{self, MAX_ATTEMPTS};
use crate::domain::{ids, time};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store;
use crate::store::webhooks::{EventAttempts, NewDelivery, StoredWebhook};

/// The request header naming the event, for receivers that dedupe before parsing.
pub const EVENT_ID_HEADER: &str = "ChatFlow-Event-Id";

/// One event for one webhook: the WEBHOOKS queue's message.
#[derive(Debug, Serialize, Deserialize)]
pub struct DeliveryJob {
    pub webhook_id: String,
    pub workspace_id: String,
    pub event_id: String,
    pub event_type: WebhookEvent,
    /// Jobs with the same key (the chat) are delivered one after another within a
    /// batch, in the order they were sent, so a receiver mostly sees a chat's events
    /// in order; the payload's `created_at` and `seq` settle the rest.
    pub order_key: Option<String>,
    /// The JSON body, fixed when the event happened: every retry sends the same bytes.
    pub body: String,
}

/// Enqueues `kind` with `data` for every active webhook of the workspace that
/// subscribed to it. Best effort: a failure is logged, never returned, because the
/// change that caused the event has already been made and answered for.
pub async fn emit<T: Serialize>(
    state: &AppState,
    workspace_id: &str,
    kind: WebhookEvent,
    order_key: Option<&str>,
    data: &T,
) {
    if let Err(e) = enqueue(state, workspace_id, kind, order_key, data).await {
        worker::console_error!(
            "webhook event {kind} of {workspace_id} was not enqueued: {}",
            e.cause.as_deref().unwrap_or(e.code.code())
        );
    }
}

async fn enqueue<T: Serialize>(
    state: &AppState,
    workspace_id: &str,
    kind: WebhookEvent,
    order_key: Option<&str>,
    data: &T,
) -> Result<(), ApiError> {
    let hooks = store::webhooks::list_active(&state.db()?, workspace_id).await?;
    let targets: Vec<&StoredWebhook> = hooks
        .iter()
        .filter(|h| h.webhook.events.contains(&kind))
        .collect();
    if targets.is_empty() {
        return Ok(());
    }
    let payload = WebhookEventPayload {
        id: EventId::with_suffix(&ids::suffix()),
        kind,
        created_at: webhook::event_timestamp(time::now()),
        workspace_id: WorkspaceId::parse(workspace_id)
            .map_err(|e| ApiError::internal(format!("workspace id {workspace_id}: {e:?}")))?,
        data: serde_json::to_value(data).map_err(|e| ApiError::internal(e.to_string()))?,
    };
    let body = serde_json::to_string(&payload).map_err(|e| ApiError::internal(e.to_string()))?;
    let jobs: Vec<DeliveryJob> = targets
        .iter()
        .map(|h| DeliveryJob {
            webhook_id: h.webhook.id.as_str().to_string(),
            workspace_id: workspace_id.to_string(),
            event_id: payload.id.as_str().to_string(),
            event_type: kind,
            order_key: order_key.map(str::to_string),
            body: body.clone(),
        })
        .collect();
    state
        .webhook_queue()?
        .send_batch(jobs)
        .await
        .map_err(|e| ApiError::internal(format!("WEBHOOKS send_batch: {e}")))
}

/// chat.created, carrying the chat as agents see it.
pub async fn chat_created(state: &AppState, workspace_id: &str, chat: &ChatDetail) {
    let kind = WebhookEvent::ChatCreated;
    emit(state, workspace_id, kind, Some(chat.id.as_str()), chat).await;
}

/// chat.rated, carrying the rating.
pub async fn chat_rated(
    state: &AppState,
    workspace_id: &str,
    chat_id: &ChatId,
    rating: &RatingRequest,
) {
    let data = ChatRating {
        chat_id: chat_id.clone(),
        score: rating.score,
        comment: rating.comment.as_ref().map(|c| c.as_str().to_string()),
    };
    let kind = WebhookEvent::ChatRated;
    emit(state, workspace_id, kind, Some(chat_id.as_str()), &data).await;
}

/// The events an agent's PATCH of a chat fires (assigned, closed, reopened), each
/// carrying the chat as it now is.
pub async fn chat_changed(
    state: &AppState,
    workspace_id: &str,
    before: &ChatDetail,
    after: &ChatDetail,
) {
    for kind in webhook::chat_change_events(before, after) {
        emit(state, workspace_id, kind, Some(after.id.as_str()), after).await;
    }
}

/// chat.reopened for a closed chat a visitor wrote into, carrying the chat as it
/// now is.
pub async fn chat_reopened(
    state: &AppState,
    db: &worker::D1Database,
    workspace_id: &str,
    chat_id: &ChatId,
) {
    match store::chats::detail(db, workspace_id, chat_id.as_str()).await {
        Ok(Some(chat)) => {
            emit(
                state,
                workspace_id,
                WebhookEvent::ChatReopened,
                Some(chat_id.as_str()),
                &chat,
            )
            .await
        }
        Ok(None) => {}
        Err(e) => worker::console_error!(
            "webhook event chat.reopened of {workspace_id} was not enqueued: {:?}",
            e.cause
        ),
    }
}

/// message.sent for an agent's message, message.received for a visitor's.
pub async fn message_posted(state: &AppState, workspace_id: &str, message: &ConversationMessage) {
    let kind = match message.sender.kind {
        SenderType::Agent => WebhookEvent::MessageSent,
        SenderType::Visitor => WebhookEvent::MessageReceived,
        SenderType::System => return,
    };
    emit(
        state,
        workspace_id,
        kind,
        Some(message.chat_id.as_str()),
        message,
    )
    .await;
}

/// The queue handler: delivers a batch of the WEBHOOKS queue, or logs a batch of its
/// dead-letter queue (the queue's name tells which: `…-dlq…`).
/// Runs of a batch before it goes back to the queue.
const BATCH_TRIES: u64 = 3;

pub async fn consume(batch: MessageBatch<DeliveryJob>, env: Env) -> worker::Result<()> {
    let state = AppState::new(env);
    let base = state.webhook_retry_base_seconds();
    // A message that no longer decodes is logged and dropped: retrying cannot fix it.
    let messages: Vec<Message<DeliveryJob>> = batch
        .iter()
        .filter_map(|m| {
            m.map_err(|e| worker::console_error!("undecodable webhook job: {e}"))
                .ok()
        })
        .collect();
    let dead_letters = batch.queue().contains("-dlq");
    // A failed read (D1 busy) is tried again here first: handing the batch back to the
    // queue costs every job one of its 9 attempts without its receiver being called.
    // Both paths fail only before anything is sent or written, so a second run is safe.
    let mut tries = 0;
    let result = loop {
        tries += 1;
        let result = match dead_letters {
            true => log_dead_letters(&state, &messages).await,
            false => deliver_batch(&state, &messages, base).await,
        };
        if result.is_ok() || tries == BATCH_TRIES {
            break result;
        }
        Delay::from(Duration::from_millis(250 * tries)).await;
    };
    if let Err(e) = result {
        // The webhooks or the log could not be read: try again later rather than
        // deliver blind or lose the events.
        worker::console_error!(
            "webhook batch of {}: {}",
            messages.len(),
            e.cause.as_deref().unwrap_or(e.code.code())
        );
        let later = QueueRetryOptionsBuilder::new()
            .with_delay_seconds(base)
            .build();
        for message in &messages {
            message.retry_with_options(&later);
        }
    }
    Ok(())
}

/// What became of one job.
enum Outcome {
    /// Nothing to send: webhook deleted or off, or the event already accepted.
    Skipped,
    /// Sent; the receiver's status (None without a response) and the error.
    Attempted {
        attempt: u32,
        status_code: Option<u16>,
        duration_ms: u64,
        error: Option<String>,
        at: chrono::DateTime<chrono::Utc>,
    },
}

/// One attempt per job, with as few D1 round trips as the batch allows: each webhook
/// read once, the earlier attempts of all its events in one query, every attempt and
/// webhook update written in one D1 batch. Jobs of one chat are sent one after another
/// in queue order; different chats concurrently.
async fn deliver_batch(
    state: &AppState,
    messages: &[Message<DeliveryJob>],
    base: u32,
) -> Result<(), ApiError> {
    let db = state.db()?;
    let (hooks, prior) = read_batch_state(&db, messages).await?;
    let mut secrets = Secrets::new();
    for (id, hook) in &hooks {
        if let Some(hook) = hook {
            let purpose = store::webhooks::secret_purpose(id);
            secrets.insert(
                id,
                crypto::open(state, &purpose, &hook.sealed_secret).await?,
            );
        }
    }
    let outcomes = send_all(messages, &hooks, &secrets, &prior).await;

    let now = time::now();
    let now_text = time::format(now);
    let mut statements = Vec::new();
    // Per webhook: did this batch end its run of failures, extend it, or neither?
    let mut deactivated: Vec<&str> = Vec::new();
    for (webhook_id, hook) in hooks.iter() {
        let Some(hook) = hook else { continue };
        let mine = || {
            messages
                .iter()
                .zip(&outcomes)
                .filter(move |(m, _)| m.body().webhook_id == *webhook_id)
                .filter_map(|(_, o)| match o {
                    Some(Outcome::Attempted { error, .. }) => Some(error.is_none()),
                    _ => None,
                })
        };
        if mine().any(|ok| ok) {
            if hook.failing_since.is_some() {
                statements.push(store::webhooks::clear_failing(&db, webhook_id)?);
            }
        } else if mine().any(|ok| !ok) {
            let failure =
                webhook::after_failure(hook.failing_since.as_deref().and_then(time::parse), now);
            if failure.deactivate {
                worker::console_log!("webhook {webhook_id} deactivated after failing for a day");
                deactivated.push(webhook_id);
            }
            statements.push(store::webhooks::record_failing(
                &db,
                webhook_id,
                &time::format(failure.failing_since),
                failure.deactivate,
                &now_text,
            )?);
        }
    }

    let mut retries: Vec<Option<u32>> = vec![None; messages.len()];
    for (i, (message, outcome)) in messages.iter().zip(&outcomes).enumerate() {
        let Some(Outcome::Attempted {
            attempt,
            status_code,
            duration_ms,
            error,
            at,
        }) = outcome
        else {
            continue;
        };
        let job = message.body();
        let failed = error.is_some();
        let delay = webhook::retry_delay_seconds(*attempt, base);
        let retry_due =
            failed && *attempt < MAX_ATTEMPTS && !deactivated.contains(&job.webhook_id.as_str());
        // After the last attempt the retry is still requested: that is what makes
        // the queue move the job to the dead-letter queue.
        if retry_due || (failed && *attempt >= MAX_ATTEMPTS) {
            retries[i] = Some(delay);
        }
        let next_retry_at =
            retry_due.then(|| time::format(*at + chrono::Duration::seconds(i64::from(delay))));
        statements.push(store::webhooks::insert_delivery(
            &db,
            &NewDelivery {
                id: &ids::new_id("whd"),
                webhook_id: &job.webhook_id,
                workspace_id: &job.workspace_id,
                event_id: &job.event_id,
                event_type: job.event_type.as_str(),
                attempt: *attempt,
                status_code: *status_code,
                duration_ms: Some(*duration_ms),
                error: error.as_deref(),
                next_retry_at: next_retry_at.as_deref(),
                dead_lettered: false,
                created_at: &webhook::event_timestamp(*at),
            },
        )?);
    }
    // The receivers have been called: whatever happens to the log now, each job's
    // fate follows what its receiver answered, so nothing accepted is sent again.
    if !statements.is_empty() {
        if let Err(e) = store::batch(&db, statements).await {
            worker::console_error!("webhook delivery log: {:?}", e.cause);
        }
    }
    for (message, retry) in messages.iter().zip(retries) {
        match retry {
            Some(delay) => message.retry_with_options(
                &QueueRetryOptionsBuilder::new()
                    .with_delay_seconds(delay)
                    .build(),
            ),
            None => message.ack(),
        }
    }
    Ok(())
}

/// The batch's webhooks (`None`: deleted since) and, per (webhook, event), the attempts
/// already logged.
type Hooks<'a> = HashMap<&'a str, Option<StoredWebhook>>;
/// The opened signing secrets of the batch's webhooks, held only while it is sent.
type Secrets<'a> = HashMap<&'a str, Vec<u8>>;
type Prior<'a> = HashMap<(&'a str, &'a str), EventAttempts>;

async fn read_batch_state<'a>(
    db: &worker::D1Database,
    messages: &'a [Message<DeliveryJob>],
) -> Result<(Hooks<'a>, Prior<'a>), ApiError> {
    let mut hooks = Hooks::new();
    let mut prior = Prior::new();
    for job in messages.iter().map(Message::body) {
        if hooks.contains_key(job.webhook_id.as_str()) {
            continue;
        }
        let hook = store::webhooks::get(db, &job.workspace_id, &job.webhook_id).await?;
        let events: Vec<&str> = messages
            .iter()
            .map(Message::body)
            .filter(|j| j.webhook_id == job.webhook_id)
            .map(|j| j.event_id.as_str())
            .collect();
        if hook.is_some() {
            for row in store::webhooks::event_attempts(db, &job.webhook_id, &events).await? {
                if let Some(event_id) = events.iter().find(|e| **e == row.event_id) {
                    prior.insert((job.webhook_id.as_str(), event_id), row);
                }
            }
        }
        hooks.insert(job.webhook_id.as_str(), hook);
    }
    Ok((hooks, prior))
}

/// Sends every job that is due, one chat's jobs in queue order, different chats
/// concurrently; the outcome of each job, by position.
async fn send_all(
    messages: &[Message<DeliveryJob>],
    hooks: &Hooks<'_>,
    secrets: &Secrets<'_>,
    prior: &Prior<'_>,
) -> Vec<Option<Outcome>> {
    let mut groups: BTreeMap<(&str, Option<&str>), Vec<usize>> = BTreeMap::new();
    for (i, job) in messages.iter().map(Message::body).enumerate() {
        groups
            .entry((job.webhook_id.as_str(), job.order_key.as_deref()))
            .or_default()
            .push(i);
    }
    let sent = join_all(groups.into_values().map(|indices| async move {
        let mut done = Vec::with_capacity(indices.len());
        for i in indices {
            let job = messages[i].body();
            let hook = hooks.get(job.webhook_id.as_str()).and_then(Option::as_ref);
            let secret = secrets.get(job.webhook_id.as_str());
            let earlier = prior.get(&(job.webhook_id.as_str(), job.event_id.as_str()));
            let outcome = match (hook, secret) {
                (Some(hook), Some(secret))
                    if hook.webhook.active && earlier.is_none_or(|e| e.succeeded == 0) =>
                {
                    let attempts = earlier.map_or(1, |e| e.attempts + 1);
                    attempt(hook, secret, job, attempts).await
                }
                _ => Outcome::Skipped,
            };
            done.push((i, outcome));
        }
        done
    }))
    .await;
    let mut outcomes: Vec<Option<Outcome>> = (0..messages.len()).map(|_| None).collect();
    for (i, outcome) in sent.into_iter().flatten() {
        outcomes[i] = Some(outcome);
    }
    outcomes
}

/// Signs and sends one job.
async fn attempt(hook: &StoredWebhook, secret: &[u8], job: &DeliveryJob, attempt: u32) -> Outcome {
    let started = Date::now().as_millis();
    let signature = webhook::sign(secret, started / 1000, job.body.as_bytes());
    let answer = post(&hook.webhook.url, job, &signature.to_string()).await;
    let duration_ms = Date::now().as_millis().saturating_sub(started);
    let (status_code, error) = match answer {
        Ok(status) if webhook::is_success(status) => (Some(status), None),
        Ok(status) => (Some(status), Some(format!("HTTP {status}"))),
        Err(reason) => (None, Some(reason)),
    };
    Outcome::Attempted {
        attempt,
        status_code,
        duration_ms,
        error,
        at: time::now(),
    }
}

/// POSTs the body; the receiver's status, or why there was none.
async fn post(url: &str, job: &DeliveryJob, signature: &str) -> Result<u16, String> {
    let headers = Headers::new();
    for (name, value) in [
        ("Content-Type", "application/json"),
        ("User-Agent", "ChatFlow-Webhooks/1.0"),
        (SIGNATURE_HEADER, signature),
        (EVENT_ID_HEADER, job.event_id.as_str()),
    ] {
        headers.set(name, value).map_err(|e| e.to_string())?;
    }
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_redirect(RequestRedirect::Manual)
        .with_body(Some(job.body.as_str().into()));
    let request = Request::new_with_init(url, &init).map_err(|e| e.to_string())?;
    let controller = AbortController::default();
    let signal = controller.signal();
    let fetch = Fetch::Request(request);
    let send = std::pin::pin!(fetch.send_with_signal(&signal));
    let timeout = std::pin::pin!(Delay::from(Duration::from_millis(u64::from(
        webhook::DELIVERY_TIMEOUT_MS
    ))));
    match select(send, timeout).await {
        Either::Left((Ok(response), _)) => Ok(response.status_code()),
        Either::Left((Err(e), _)) => Err(format!("no response: {e}")),
        Either::Right(((), _)) => {
            controller.abort();
            Err(format!(
                "no response within {} s",
                webhook::DELIVERY_TIMEOUT_MS / 1000
            ))
        }
    }
}

/// Jobs that used up their retries: one dead-letter entry each in the log.
async fn log_dead_letters(
    state: &AppState,
    messages: &[Message<DeliveryJob>],
) -> Result<(), ApiError> {
    let db = state.db()?;
    let mut statements = Vec::new();
    let mut logged = Vec::new();
    for job in messages.iter().map(Message::body) {
        if store::webhooks::get(&db, &job.workspace_id, &job.webhook_id)
            .await?
            .is_none()
        {
            continue;
        }
        let prior = store::webhooks::event_attempts(&db, &job.webhook_id, &[&job.event_id])
            .await?
            .pop()
            .unwrap_or_default();
        if prior.succeeded > 0 {
            continue;
        }
        let error = format!("gave up after {} attempts", prior.attempts);
        let id = ids::new_id("whd");
        let now = webhook::event_timestamp(time::now());
        statements.push(store::webhooks::insert_delivery(
            &db,
            &NewDelivery {
                id: &id,
                webhook_id: &job.webhook_id,
                workspace_id: &job.workspace_id,
                event_id: &job.event_id,
                event_type: job.event_type.as_str(),
                attempt: prior.attempts,
                status_code: None,
                duration_ms: None,
                error: Some(&error),
                next_retry_at: None,
                dead_lettered: true,
                created_at: &now,
            },
        )?);
        logged.push(format!("{} {} ({error})", job.webhook_id, job.event_id));
    }
    if !statements.is_empty() {
        store::batch(&db, statements).await?;
    }
    for line in logged {
        worker::console_log!("webhook event dead-lettered: {line}");
    }
    for message in messages {
        message.ack();
    }
    Ok(())
}
