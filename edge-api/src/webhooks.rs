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

use std::collections::BTreeMap;
use std::time::Duration;

use futures_util::future::{join_all, select, Either};
use serde::{Deserialize, Serialize};
use shared_types::chats::{ChatDetail, ConversationMessage, SenderType};
use shared_types::ids::{EventId, WorkspaceId};
use shared_types::webhooks::{WebhookEvent, WebhookEventPayload, SIGNATURE_HEADER};
use worker::{
    AbortController, Date, Delay, Env, Fetch, Headers, Message, MessageBatch, MessageExt, Method,
    QueueRetryOptionsBuilder, Request, RequestInit, RequestRedirect,
};

use crate::domain::webhook::{self, MAX_ATTEMPTS};
use crate::domain::{ids, time};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store;
use crate::store::webhooks::{NewDelivery, StoredWebhook};

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
    chat_id: &shared_types::ids::ChatId,
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
pub async fn consume(batch: MessageBatch<DeliveryJob>, env: Env) -> worker::Result<()> {
    let state = AppState::new(env);
    let dead_letters = batch.queue().contains("-dlq");
    // A message that no longer decodes is logged and dropped: retrying cannot fix it.
    let messages: Vec<Message<DeliveryJob>> = batch
        .iter()
        .filter_map(|m| {
            m.map_err(|e| worker::console_error!("undecodable webhook job: {e}"))
                .ok()
        })
        .collect();
    let mut groups: BTreeMap<(String, Option<String>), Vec<Message<DeliveryJob>>> = BTreeMap::new();
    for message in messages {
        let job = message.body();
        groups
            .entry((job.webhook_id.clone(), job.order_key.clone()))
            .or_default()
            .push(message);
    }
    let base = state.webhook_retry_base_seconds();
    join_all(groups.into_values().map(|group| {
        let state = &state;
        async move {
            for message in group {
                let result = if dead_letters {
                    log_dead_letter(state, message.body()).await
                } else {
                    deliver(state, &message, base).await
                };
                match result {
                    Ok(()) => message.ack(),
                    Err(e) => {
                        // The log or the webhook could not be read: try again later
                        // rather than deliver blind or lose the event.
                        worker::console_error!(
                            "webhook job {} for {}: {}",
                            message.body().event_id,
                            message.body().webhook_id,
                            e.cause.as_deref().unwrap_or(e.code.code())
                        );
                        message.retry_with_options(
                            &QueueRetryOptionsBuilder::new()
                                .with_delay_seconds(base)
                                .build(),
                        );
                    }
                }
            }
        }
    }))
    .await;
    Ok(())
}

/// One attempt. Acks (returns Ok) when the job is done: delivered, already delivered,
/// or its webhook is gone or switched off. Marks the message for retry itself when
/// the receiver failed.
async fn deliver(
    state: &AppState,
    message: &Message<DeliveryJob>,
    base: u32,
) -> Result<(), ApiError> {
    let job = message.body();
    let db = state.db()?;
    let Some(hook) = store::webhooks::get(&db, &job.workspace_id, &job.webhook_id).await? else {
        return Ok(());
    };
    if !hook.webhook.active {
        return Ok(());
    }
    let prior = store::webhooks::event_attempts(&db, &job.webhook_id, &job.event_id).await?;
    if prior.succeeded > 0 {
        return Ok(());
    }
    let attempt = prior.attempts + 1;
    let started = Date::now().as_millis();
    let signature = webhook::sign(hook.secret.as_bytes(), started / 1000, job.body.as_bytes());
    let outcome = post(&hook.webhook.url, job, &signature.to_string()).await;
    let duration_ms = Date::now().as_millis().saturating_sub(started);
    let now = time::now();
    let now_text = webhook::event_timestamp(now);
    let (status_code, error) = match outcome {
        Ok(status) if webhook::is_success(status) => (Some(status), None),
        Ok(status) => (Some(status), Some(format!("HTTP {status}"))),
        Err(reason) => (None, Some(reason)),
    };
    let delivery_id = ids::new_id("whd");
    let mut record = NewDelivery {
        id: &delivery_id,
        webhook_id: &job.webhook_id,
        workspace_id: &job.workspace_id,
        event_id: &job.event_id,
        event_type: job.event_type.as_str(),
        attempt,
        status_code,
        duration_ms: Some(duration_ms),
        error: error.as_deref(),
        next_retry_at: None,
        dead_lettered: false,
        created_at: &now_text,
    };
    if error.is_none() {
        store::webhooks::insert_delivery(&db, &record).await?;
        if hook.failing_since.is_some() {
            store::webhooks::clear_failing(&db, &job.webhook_id).await?;
        }
        return Ok(());
    }
    let delay = webhook::retry_delay_seconds(attempt, base);
    let failure = webhook::after_failure(hook.failing_since.as_deref().and_then(time::parse), now);
    let retry_at = (attempt < MAX_ATTEMPTS && !failure.deactivate)
        .then(|| time::format(now + chrono::Duration::seconds(i64::from(delay))));
    record.next_retry_at = retry_at.as_deref();
    // Once the attempt is logged, a failure to update the webhook must not send the
    // event again, so these errors are only reported.
    store::webhooks::insert_delivery(&db, &record).await?;
    if let Err(e) = store::webhooks::record_failing(
        &db,
        &job.webhook_id,
        &time::format(failure.failing_since),
        failure.deactivate,
        &time::format(now),
    )
    .await
    {
        worker::console_error!("webhook {} failing_since: {:?}", job.webhook_id, e.cause);
    }
    if failure.deactivate {
        worker::console_log!(
            "webhook {} deactivated after failing for a day",
            job.webhook_id
        );
        return Ok(());
    }
    message.retry_with_options(
        &QueueRetryOptionsBuilder::new()
            .with_delay_seconds(delay)
            .build(),
    );
    Ok(())
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

/// A job that used up its retries: one dead-letter entry in the log.
async fn log_dead_letter(state: &AppState, job: &DeliveryJob) -> Result<(), ApiError> {
    let db = state.db()?;
    if store::webhooks::get(&db, &job.workspace_id, &job.webhook_id)
        .await?
        .is_none()
    {
        return Ok(());
    }
    let prior = store::webhooks::event_attempts(&db, &job.webhook_id, &job.event_id).await?;
    if prior.succeeded > 0 {
        return Ok(());
    }
    let error = format!("gave up after {} attempts", prior.attempts);
    let id = ids::new_id("whd");
    let now = webhook::event_timestamp(time::now());
    store::webhooks::insert_delivery(
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
    )
    .await?;
    worker::console_log!(
        "webhook {} event {} dead-lettered: {error}",
        job.webhook_id,
        job.event_id
    );
    Ok(())
}
