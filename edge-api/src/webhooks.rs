//! Webhook events, from the request that causes them to the receiver's 2xx.
//!
//! The request path only enqueues: [`emit`] finds the workspace's active webhooks
//! subscribed to the event and sends one [`DeliveryJob`] per webhook to the WEBHOOKS
//! queue, so a slow or broken receiver never slows an API call. [`consume`] (the
//! worker's queue handler) signs and POSTs each job, logs every attempt in the
//! workspace's object, and retries failures with exponential backoff; the queue moves
//! a job that used up its retries to the dead-letter queue, whose batches come back
//! here to be logged. The rules (signature, backoff, URL policy) are in
//! [`crate::domain::webhook`]; the webhooks and their log in
//! [`crate::services::webhooks`], one object call per workspace for a batch's reads and
//! one for its writes.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Duration;

use futures_util::future::{join_all, select, Either};
use serde::{Deserialize, Serialize};
use shared_types::chats::{ChatDetail, ConversationMessage, SenderType};
use shared_types::ids::{ChatId, EventId, WorkspaceId};
use shared_types::visitor::RatingRequest;
use shared_types::webhooks::{ChatRating, WebhookEvent, WebhookEventPayload, SIGNATURE_HEADER};
use worker::{
    AbortController, Date, Delay, Env, Fetch, Headers, Message, MessageExt, Method,
    QueueRetryOptionsBuilder, Request, RequestInit, RequestRedirect,
};

use crate::crypto;
use crate::domain::webhook::{self, MAX_ATTEMPTS};
use crate::domain::{ids, time};
use crate::error::ApiError;
use crate::objects::workspace::protocol::{
    DeliveryAttempt, EventAttempts, FailureRun, StoredWebhook, WebhookEvents, WebhookTarget,
};
use crate::services::webhooks as service;
use crate::state::AppState;

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
    emit_each(state, workspace_id, &[kind], order_key, data).await;
}

/// [`emit`] for events that one change fired together, in the order given: the active
/// webhooks are read once for all of them.
async fn emit_each<T: Serialize>(
    state: &AppState,
    workspace_id: &str,
    kinds: &[WebhookEvent],
    order_key: Option<&str>,
    data: &T,
) {
    if let Err(e) = enqueue(state, workspace_id, kinds, order_key, data).await {
        let kinds: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
        worker::console_error!(
            "webhook events {kinds:?} of {workspace_id} were not enqueued: {}",
            e.cause.as_deref().unwrap_or(e.code.code())
        );
    }
}

async fn enqueue<T: Serialize>(
    state: &AppState,
    workspace_id: &str,
    kinds: &[WebhookEvent],
    order_key: Option<&str>,
    data: &T,
) -> Result<(), ApiError> {
    if kinds.is_empty() {
        return Ok(());
    }
    let targets = service::targets(state, workspace_id).await?;
    enqueue_to(state, workspace_id, &targets, kinds, order_key, data).await
}

/// [`emit`] to targets read already (from inside the workspace's object).
pub async fn emit_to<T: Serialize>(
    state: &AppState,
    workspace_id: &str,
    targets: &[WebhookTarget],
    kind: WebhookEvent,
    order_key: Option<&str>,
    data: &T,
) {
    if let Err(e) = enqueue_to(state, workspace_id, targets, &[kind], order_key, data).await {
        worker::console_error!(
            "webhook event {} of {workspace_id} was not enqueued: {}",
            kind.as_str(),
            e.cause.as_deref().unwrap_or(e.code.code())
        );
    }
}

/// [`enqueue`] to targets read already.
async fn enqueue_to<T: Serialize>(
    state: &AppState,
    workspace_id: &str,
    targets: &[WebhookTarget],
    kinds: &[WebhookEvent],
    order_key: Option<&str>,
    data: &T,
) -> Result<(), ApiError> {
    if targets.is_empty() {
        return Ok(());
    }
    let data = serde_json::to_value(data).map_err(|e| ApiError::internal(e.to_string()))?;
    let workspace = WorkspaceId::parse(workspace_id)
        .map_err(|e| ApiError::internal(format!("workspace id {workspace_id}: {e:?}")))?;
    for &kind in kinds {
        let receivers: Vec<&str> = targets
            .iter()
            .filter(|t| t.events.contains(&kind))
            .map(|t| t.id.as_str())
            .collect();
        if receivers.is_empty() {
            continue;
        }
        let payload = WebhookEventPayload {
            id: EventId::with_suffix(&ids::suffix()),
            kind,
            created_at: webhook::event_timestamp(time::now()),
            workspace_id: workspace.clone(),
            data: data.clone(),
        };
        let body =
            serde_json::to_string(&payload).map_err(|e| ApiError::internal(e.to_string()))?;
        let jobs: Vec<DeliveryJob> = receivers
            .into_iter()
            .map(|webhook_id| DeliveryJob {
                webhook_id: webhook_id.to_string(),
                workspace_id: workspace_id.to_string(),
                event_id: payload.id.as_str().to_string(),
                event_type: kind,
                order_key: order_key.map(str::to_string),
                body: body.clone(),
            })
            .collect();
        // One batch per event, each at most one job per webhook (50), within the
        // queue's 100 messages a batch.
        state
            .webhook_queue()?
            .send_batch(jobs)
            .await
            .map_err(|e| ApiError::internal(format!("WEBHOOKS send_batch: {e}")))?;
    }
    Ok(())
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
    let kinds = webhook::chat_change_events(before, after);
    emit_each(state, workspace_id, &kinds, Some(after.id.as_str()), after).await;
}

/// chat.reopened for a closed chat a visitor wrote into, carrying the chat as it
/// now is.
pub async fn chat_reopened(state: &AppState, workspace_id: &str, chat_id: &ChatId) {
    match crate::services::chats::detail(state, workspace_id, chat_id).await {
        Ok(chat) => {
            emit(
                state,
                workspace_id,
                WebhookEvent::ChatReopened,
                Some(chat_id.as_str()),
                &chat,
            )
            .await
        }
        Err(e) => worker::console_error!(
            "webhook event chat.reopened of {workspace_id} was not enqueued: {:?}",
            e.cause
        ),
    }
}

/// message.sent for an agent's message, message.received for a visitor's, to `targets`
/// (the workspace's active webhooks, which the append read with the message).
pub async fn message_posted(
    state: &AppState,
    workspace_id: &str,
    message: &ConversationMessage,
    targets: &[WebhookTarget],
) {
    let kind = match message.sender.kind {
        SenderType::Agent => WebhookEvent::MessageSent,
        SenderType::Visitor => WebhookEvent::MessageReceived,
        SenderType::System => return,
    };
    let sent = enqueue_to(
        state,
        workspace_id,
        targets,
        &[kind],
        Some(message.chat_id.as_str()),
        message,
    )
    .await;
    if let Err(e) = sent {
        worker::console_error!(
            "webhook event {} of {workspace_id} was not enqueued: {}",
            kind.as_str(),
            e.cause.as_deref().unwrap_or(e.code.code())
        );
    }
}

/// Runs of a batch's reads before its jobs go back to the queue.
const BATCH_TRIES: u64 = 3;

/// The queue handler: delivers a batch of the WEBHOOKS queue, or logs a batch of its
/// dead-letter queue (the queue's name tells which: `…-dlq…`).
pub async fn consume(
    queue: &str,
    messages: Vec<Message<DeliveryJob>>,
    env: Env,
) -> worker::Result<()> {
    let state = AppState::new(env);
    let base = state.webhook_retry_base_seconds();
    let later = QueueRetryOptionsBuilder::new()
        .with_delay_seconds(base)
        .build();
    // The jobs of a workspace whose webhooks or log could not be read go back to the
    // queue rather than be delivered blind or lose their events; the others go on.
    let (known, unread) = read_batch_state(&state, &messages).await;
    let (ready, waiting): (Vec<&Message<DeliveryJob>>, Vec<&Message<DeliveryJob>>) = messages
        .iter()
        .partition(|m| !unread.contains(m.body().workspace_id.as_str()));
    for message in waiting {
        message.retry_with_options(&later);
    }
    if queue.contains("-dlq") {
        log_dead_letters(&state, &ready, &known, &later).await;
    } else if let Err(e) = deliver_batch(&state, &ready, &known, base).await {
        // Only before anything is sent: the jobs can be sent later as they are.
        worker::console_error!(
            "webhook batch of {}: {}",
            ready.len(),
            e.cause.as_deref().unwrap_or(e.code.code())
        );
        for message in &ready {
            message.retry_with_options(&later);
        }
    }
    Ok(())
}

/// What the workspaces' objects say about a batch's webhooks.
#[derive(Default)]
struct BatchState {
    /// The batch's webhooks that still exist; one missing was deleted since.
    hooks: HashMap<String, StoredWebhook>,
    /// Per webhook, per event: the attempts already logged.
    prior: HashMap<String, HashMap<String, EventAttempts>>,
}

impl BatchState {
    fn hook(&self, job: &DeliveryJob) -> Option<&StoredWebhook> {
        self.hooks.get(job.webhook_id.as_str())
    }

    fn earlier(&self, job: &DeliveryJob) -> Option<&EventAttempts> {
        self.prior
            .get(job.webhook_id.as_str())
            .and_then(|events| events.get(job.event_id.as_str()))
    }
}

/// One read per workspace of the batch, concurrently. A failed read (the object busy
/// or restarting) is tried again here first: handing its jobs back to the queue costs
/// each one of its 9 attempts without its receiver being called. The second value
/// names the workspaces still unread after [`BATCH_TRIES`].
async fn read_batch_state(
    state: &AppState,
    messages: &[Message<DeliveryJob>],
) -> (BatchState, BTreeSet<String>) {
    let mut wanted: BTreeMap<String, Vec<WebhookEvents>> = BTreeMap::new();
    for job in messages.iter().map(Message::body) {
        let events = wanted.entry(job.workspace_id.clone()).or_default();
        match events.iter_mut().find(|e| e.webhook_id == job.webhook_id) {
            Some(e) => e.event_ids.push(job.event_id.clone()),
            None => events.push(WebhookEvents {
                webhook_id: job.webhook_id.clone(),
                event_ids: vec![job.event_id.clone()],
            }),
        }
    }
    let mut known = BatchState::default();
    let mut tries = 0;
    while !wanted.is_empty() && tries < BATCH_TRIES {
        if tries > 0 {
            Delay::from(Duration::from_millis(250 * tries)).await;
        }
        tries += 1;
        let reads = join_all(
            wanted
                .iter()
                .map(|(ws, events)| service::delivery_state(state, ws, events.clone())),
        )
        .await;
        for ((ws, events), read) in std::mem::take(&mut wanted).into_iter().zip(reads) {
            match read {
                Ok(found) => {
                    for s in found {
                        let id = s.webhook.webhook.id.as_str().to_string();
                        let prior = known.prior.entry(id.clone()).or_default();
                        for a in s.attempts {
                            prior.insert(a.event_id.clone(), a);
                        }
                        known.hooks.insert(id, s.webhook);
                    }
                }
                Err(e) => {
                    if tries == BATCH_TRIES {
                        worker::console_error!(
                            "webhook jobs of {ws}, tried again later: {}",
                            e.cause.as_deref().unwrap_or(e.code.code())
                        );
                    }
                    wanted.insert(ws, events);
                }
            }
        }
    }
    (known, wanted.into_keys().collect())
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

/// What one workspace's object is asked to log for a batch.
#[derive(Default)]
struct WorkspaceLog {
    attempts: Vec<DeliveryAttempt>,
    runs: Vec<FailureRun>,
}

/// One attempt per job: jobs of one chat are sent one after another in queue order,
/// different chats concurrently; then each workspace's attempts and webhook updates
/// are written in one call to its object.
async fn deliver_batch(
    state: &AppState,
    messages: &[&Message<DeliveryJob>],
    known: &BatchState,
    base: u32,
) -> Result<(), ApiError> {
    let mut secrets = Secrets::new();
    for (id, hook) in &known.hooks {
        let purpose = service::secret_purpose(id);
        secrets.insert(
            id.as_str(),
            crypto::open(state, &purpose, &hook.secret_sealed).await?,
        );
    }
    let loopback_only = state.webhooks_to_loopback_only();
    let outcomes = send_all(messages, known, &secrets, loopback_only).await;

    let now = time::now();
    let mut logs: BTreeMap<&str, WorkspaceLog> = BTreeMap::new();
    // Per webhook: did this batch end its run of failures, extend it, or neither?
    let mut deactivated: Vec<&str> = Vec::new();
    for (webhook_id, hook) in &known.hooks {
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
        let Some(workspace_id) = messages
            .iter()
            .map(|m| m.body())
            .find(|j| j.webhook_id == *webhook_id)
            .map(|j| j.workspace_id.as_str())
        else {
            continue;
        };
        let run = if mine().any(|ok| ok) {
            hook.failing_since.is_some().then(|| FailureRun::Ended {
                webhook_id: webhook_id.clone(),
            })
        } else if mine().any(|ok| !ok) {
            let failure =
                webhook::after_failure(hook.failing_since.as_deref().and_then(time::parse), now);
            if failure.deactivate {
                worker::console_log!("webhook {webhook_id} deactivated after failing for a day");
                deactivated.push(webhook_id.as_str());
            }
            Some(FailureRun::Extended {
                webhook_id: webhook_id.clone(),
                failing_since: time::format(failure.failing_since),
                deactivate: failure.deactivate,
            })
        } else {
            None
        };
        if let Some(run) = run {
            logs.entry(workspace_id).or_default().runs.push(run);
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
        logs.entry(job.workspace_id.as_str())
            .or_default()
            .attempts
            .push(DeliveryAttempt {
                id: ids::new_id("whd"),
                webhook_id: job.webhook_id.clone(),
                event_id: job.event_id.clone(),
                event_type: job.event_type,
                attempt: *attempt,
                status_code: *status_code,
                duration_ms: Some(*duration_ms),
                error: error.clone(),
                next_retry_at,
                dead_lettered: false,
                created_at: webhook::event_timestamp(*at),
            });
    }
    // The receivers have been called: whatever happens to the log now, each job's
    // fate follows what its receiver answered, so nothing accepted is sent again.
    for (workspace_id, written) in write_logs(state, logs).await {
        if let Err(e) = written {
            worker::console_error!("webhook delivery log of {workspace_id}: {:?}", e.cause);
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

/// Each workspace's log written by its object, concurrently; what became of each.
async fn write_logs<'a>(
    state: &AppState,
    logs: BTreeMap<&'a str, WorkspaceLog>,
) -> Vec<(&'a str, Result<(), ApiError>)> {
    join_all(logs.into_iter().map(|(workspace_id, log)| async move {
        let written = service::log(state, workspace_id, log.attempts, log.runs).await;
        (workspace_id, written)
    }))
    .await
}

/// The opened signing secrets of the batch's webhooks, held only while it is sent.
type Secrets<'a> = HashMap<&'a str, Vec<u8>>;

/// Sends every job that is due, one chat's jobs in queue order, different chats
/// concurrently; the outcome of each job, by position.
async fn send_all(
    messages: &[&Message<DeliveryJob>],
    known: &BatchState,
    secrets: &Secrets<'_>,
    loopback_only: bool,
) -> Vec<Option<Outcome>> {
    let mut groups: BTreeMap<(&str, Option<&str>), Vec<usize>> = BTreeMap::new();
    for (i, job) in messages.iter().map(|m| m.body()).enumerate() {
        groups
            .entry((job.webhook_id.as_str(), job.order_key.as_deref()))
            .or_default()
            .push(i);
    }
    let sent = join_all(groups.into_values().map(|indices| async move {
        let mut done = Vec::with_capacity(indices.len());
        for i in indices {
            let job = messages[i].body();
            let hook = known.hook(job);
            let secret = secrets.get(job.webhook_id.as_str());
            let earlier = known.earlier(job);
            let outcome = match (hook, secret) {
                (Some(hook), Some(secret))
                    if hook.webhook.active && earlier.is_none_or(|e| e.succeeded == 0) =>
                {
                    let attempts = earlier.map_or(1, |e| e.attempts + 1);
                    attempt(hook, secret, job, attempts, loopback_only).await
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
async fn attempt(
    hook: &StoredWebhook,
    secret: &[u8],
    job: &DeliveryJob,
    attempt: u32,
    loopback_only: bool,
) -> Outcome {
    let started = Date::now().as_millis();
    let signature = webhook::sign(secret, started / 1000, job.body.as_bytes());
    let answer = if loopback_only && !webhook::is_loopback_url(&hook.webhook.url) {
        Err("not sent: this server delivers only to loopback (WEBHOOK_EGRESS)".to_string())
    } else {
        post(&hook.webhook.url, job, &signature.to_string()).await
    };
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

/// Jobs that used up their retries: one dead-letter entry each in the log. A job is
/// acknowledged once its workspace's entries are written, and comes back otherwise: the
/// entry is not counted among the attempts, so only writing it twice would be wrong.
async fn log_dead_letters(
    state: &AppState,
    messages: &[&Message<DeliveryJob>],
    known: &BatchState,
    later: &worker::QueueRetryOptions,
) {
    let mut logs: BTreeMap<&str, WorkspaceLog> = BTreeMap::new();
    let mut logged = Vec::new();
    for job in messages.iter().map(|m| m.body()) {
        if known.hook(job).is_none() {
            continue;
        }
        let prior = known.earlier(job).cloned().unwrap_or_default();
        if prior.succeeded > 0 {
            continue;
        }
        let error = format!("gave up after {} attempts", prior.attempts);
        logged.push((
            job.workspace_id.as_str(),
            format!("{} {} ({error})", job.webhook_id, job.event_id),
        ));
        logs.entry(job.workspace_id.as_str())
            .or_default()
            .attempts
            .push(DeliveryAttempt {
                id: ids::new_id("whd"),
                webhook_id: job.webhook_id.clone(),
                event_id: job.event_id.clone(),
                event_type: job.event_type,
                attempt: prior.attempts,
                status_code: None,
                duration_ms: None,
                error: Some(error),
                next_retry_at: None,
                dead_lettered: true,
                created_at: webhook::event_timestamp(time::now()),
            });
    }
    let mut unwritten: BTreeSet<&str> = BTreeSet::new();
    for (workspace_id, written) in write_logs(state, logs).await {
        if let Err(e) = written {
            worker::console_error!("webhook dead letters of {workspace_id}: {:?}", e.cause);
            unwritten.insert(workspace_id);
        }
    }
    for (_, line) in logged.iter().filter(|(ws, _)| !unwritten.contains(ws)) {
        worker::console_log!("webhook event dead-lettered: {line}");
    }
    for message in messages {
        if unwritten.contains(message.body().workspace_id.as_str()) {
            message.retry_with_options(later);
        } else {
            message.ack();
        }
    }
}
