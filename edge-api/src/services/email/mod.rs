//! Mail: agents told of visitors nobody answered, visitors sent the replies they
//! missed, replies by mail threaded back into the chat, transcripts, unsubscribing.
//!
//! A message starts a wait in the workspace's object (`object::on_message`, in the
//! append's own step). The object's alarm hands each ended wait to the WEBHOOKS queue as
//! a [`MailJob`]; [`consume`] decides who is mailed, sends through the EMAIL binding
//! (`send_email`) and logs every attempt with the chat. A failed send goes back to the
//! queue, which retries it; what a recipient was sent is recorded per recipient, so a
//! retry never sends it twice. Inbound mail ([`receive`]) reaches the chat's reply
//! address, `chat+<token>@<reply domain>`, whose token names a row of the directory's
//! `reply_addresses`: the chat, and who may answer from which address.

pub mod object;

use chrono::Duration;
use serde::{Deserialize, Serialize};
use shared_types::chats::{ChatStatus, ConversationMessage, SendMessageRequest, SenderType};
use shared_types::email::{EmailAttempt, EmailKind, EmailSettings, EmailStatus, TranscriptQueued};
use shared_types::error::ErrorCode;
use shared_types::ids::ChatId;
use shared_types::validate::MessageText;
use wasm_bindgen::JsCast;
use worker::{Message, MessageExt, QueueRetryOptionsBuilder};

use crate::auth::{Caller, VisitorCaller};
use crate::domain::email::compose::{self, Brand, Lang, Line, Notice};
use crate::domain::email::mime::{Mailbox, Outgoing};
use crate::domain::email::{self as rules, inbound, reply, Preference};
use crate::domain::{ids, time, token};
use crate::error::ApiError;
use crate::objects::workspace::client::ask;
use crate::objects::workspace::protocol::{
    Audience, DueMail, EmailOp, MailContext, MailWatch, Opening, Pending, Request, StoredAttempt,
    TranscriptClaim,
};
use crate::services::messages::{self, Author};
use crate::services::{chats, files, sockets};
use crate::state::AppState;
use crate::store;

/// The sender's address when the Worker has no `EMAIL_FROM`.
const DEFAULT_FROM: &str = "notifications@chatflow.uz";
/// The reply addresses' domain when neither the workspace nor `EMAIL_REPLY_DOMAIN`
/// names one.
const DEFAULT_REPLY_DOMAIN: &str = "reply.chatflow.uz";
/// Where links in mail point when the Worker has no `PUBLIC_URL`.
const DEFAULT_PUBLIC_URL: &str = "https://api.chatflow.uz";
/// The most files one reply by mail may bring into the chat.
const MAX_MAILED_FILES: usize = 5;
/// A transcript goes at most this often per chat.
const TRANSCRIPT_EVERY_MINUTES: i64 = 60;

/// One job of the WEBHOOKS queue that is mail, told apart from a webhook delivery by
/// its `mail` field.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MailJob {
    /// Fixed when the job is made: its attempts are counted under it.
    pub id: String,
    pub mail: MailTask,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MailTask {
    /// A chat's wait for an answer ended.
    Due(DueMail),
    /// A visitor asked for the conversation.
    Transcript {
        workspace_id: String,
        chat_id: String,
        email: String,
    },
}

impl MailJob {
    fn new(mail: MailTask) -> Self {
        MailJob {
            id: ids::new_id("mail"),
            mail,
        }
    }

    fn workspace_id(&self) -> &str {
        match &self.mail {
            MailTask::Due(d) => &d.workspace_id,
            MailTask::Transcript { workspace_id, .. } => workspace_id,
        }
    }
}

/// How long a message waits for an answer before the other side is mailed.
pub fn notify_delay(state: &AppState) -> Duration {
    state.seconds_var(
        "EMAIL_NOTIFY_DELAY_SECONDS",
        rules::DEFAULT_NOTIFY_DELAY_SECONDS,
    )
}

/// The wait a message sent now starts.
pub fn watch(state: &AppState, workspace_id: &str) -> MailWatch {
    MailWatch {
        workspace_id: workspace_id.to_string(),
        due_at: time::format(time::now() + notify_delay(state)),
    }
}

fn public_url(state: &AppState) -> String {
    state
        .secret("PUBLIC_URL")
        .unwrap_or_else(|| DEFAULT_PUBLIC_URL.to_string())
        .trim_end_matches('/')
        .to_string()
}

fn from_address(state: &AppState) -> String {
    state
        .secret("EMAIL_FROM")
        .unwrap_or_else(|| DEFAULT_FROM.to_string())
}

// ------------------------------------------------------------------ the alarm's part

/// Hands the object's ended waits to the queue; called by the workspace object's alarm.
/// Waits the queue would not take are put back, so none is lost.
pub async fn hand_over(state: &AppState, sql: &worker::SqlStorage) -> Result<(), ApiError> {
    let now = time::now_rfc3339();
    let due: Vec<DueMail> =
        serde_json::from_str(&object::handle(sql, EmailOp::TakeDue { now: now.clone() })?)
            .map_err(|e| ApiError::internal(format!("due mail: {e}")))
            .and_then(
                |a: crate::objects::workspace::protocol::Answer<Vec<DueMail>>| match a {
                    crate::objects::workspace::protocol::Answer::Ok(v) => Ok(v),
                    crate::objects::workspace::protocol::Answer::Failed { code, .. } => {
                        Err(ApiError::internal(format!("due mail: {code}")))
                    }
                },
            )?;
    if due.is_empty() {
        return Ok(());
    }
    let jobs: Vec<MailJob> = due
        .iter()
        .cloned()
        .map(|d| MailJob::new(MailTask::Due(d)))
        .collect();
    let sent = match state.webhook_queue() {
        Ok(queue) => queue
            .send_batch(jobs)
            .await
            .map_err(|e| ApiError::unavailable(format!("queueing mail: {e}"))),
        Err(e) => Err(e),
    };
    if let Err(e) = sent {
        object::handle(sql, EmailOp::PutBack { due })?;
        return Err(e);
    }
    Ok(())
}

// ------------------------------------------------------------------ the queue's part

/// Sends a batch's mail jobs, one after another; a job that failed goes back to the
/// queue, which tries it again later.
pub async fn consume(state: &AppState, messages: Vec<Message<MailJob>>) {
    let later = QueueRetryOptionsBuilder::new()
        .with_delay_seconds(state.webhook_retry_base_seconds())
        .build();
    for message in messages {
        let job = message.body();
        match run(state, job).await {
            Ok(()) => message.ack(),
            Err(e) => {
                worker::console_error!(
                    "mail job {} of {}: {}",
                    job.id,
                    job.workspace_id(),
                    e.cause.as_deref().unwrap_or(e.code.code())
                );
                message.retry_with_options(&later);
            }
        }
    }
}

async fn run(state: &AppState, job: &MailJob) -> Result<(), ApiError> {
    match &job.mail {
        MailTask::Due(due) => match due.audience {
            Audience::Agents => tell_agents(state, job, due).await,
            Audience::Visitor => tell_visitor(state, job, due).await,
        },
        MailTask::Transcript {
            workspace_id,
            chat_id,
            email,
        } => send_transcript(state, job, workspace_id, chat_id, email).await,
    }
}

async fn context(
    state: &AppState,
    workspace_id: &str,
    chat_id: &str,
) -> Result<Option<MailContext>, ApiError> {
    ask(
        state,
        workspace_id,
        &Request::Email(EmailOp::Context {
            chat_id: chat_id.to_string(),
        }),
    )
    .await
}

pub(crate) async fn email_settings(
    state: &AppState,
    workspace_id: &str,
) -> Result<EmailSettings, ApiError> {
    crate::services::settings::section(state, workspace_id, "email").await
}

/// How the workspace signs its mail.
struct Sender {
    brand: Brand,
    from: Mailbox,
    reply_domain: String,
}

async fn sender(
    state: &AppState,
    workspace_id: &str,
    logo_url: Option<String>,
) -> Result<Sender, ApiError> {
    let workspace = store::workspaces::get(&state.db()?, workspace_id)
        .await?
        .ok_or(ErrorCode::WorkspaceNotFound)?;
    let settings = email_settings(state, workspace_id).await?;
    let name = settings.from_name.unwrap_or(workspace.name);
    Ok(Sender {
        from: Mailbox::new(Some(&name), &from_address(state)),
        reply_domain: settings
            .reply_domain
            .or_else(|| state.secret("EMAIL_REPLY_DOMAIN"))
            .unwrap_or_else(|| DEFAULT_REPLY_DOMAIN.to_string()),
        brand: Brand {
            name,
            logo_url: logo_url.filter(|u| u.starts_with("https://")),
        },
    })
}

/// Who a reply address lets answer.
struct Recipient<'a> {
    kind: SenderType,
    id: &'a str,
    name: Option<&'a str>,
    email: &'a str,
}

/// One mail about a chat, sent and logged; `cursor` is the recipient's key and the seq
/// the mail brings them to.
struct Letter<'a> {
    job: &'a MailJob,
    workspace_id: &'a str,
    chat_id: &'a str,
    kind: EmailKind,
    to: Recipient<'a>,
    mail: compose::Mail,
    unsubscribe: Option<String>,
    cursor: Option<(String, u64)>,
}

async fn deliver(state: &AppState, sender: &Sender, letter: Letter<'_>) -> Result<(), ApiError> {
    let reply_to = reply_address_for(state, sender, &letter).await?;
    let domain = sender
        .from
        .address
        .rsplit_once('@')
        .map_or("chatflow.uz", |(_, d)| d)
        .to_string();
    let outgoing = Outgoing {
        from: sender.from.clone(),
        to: Mailbox::new(letter.to.name, letter.to.email),
        reply_to: Some(reply_to),
        subject: letter.mail.subject.clone(),
        text: letter.mail.text.clone(),
        html: letter.mail.html.clone(),
        message_id: format!("<{}@{domain}>", ids::new_id("m")),
        thread: Some(format!("<{}@{domain}>", letter.chat_id)),
        unsubscribe: letter.unsubscribe.clone(),
        date: time::now()
            .format("%a, %d %b %Y %H:%M:%S +0000")
            .to_string(),
    };
    let boundary = format!("=_{}", ids::random_base62(24));
    let outcome = send(state, &outgoing, &outgoing.render(&boundary)).await;
    let attempt = StoredAttempt {
        id: ids::new_id("eml"),
        mail_id: letter.job.id.clone(),
        recipient: letter.to.email.to_string(),
        kind: letter.kind.as_str().to_string(),
        status: match outcome {
            Ok(()) => EmailStatus::Sent,
            Err(_) => EmailStatus::Failed,
        }
        .as_str()
        .to_string(),
        error: outcome.as_ref().err().cloned(),
        created_at: time::now_rfc3339(),
    };
    let sent = outcome.is_ok();
    ask::<()>(
        state,
        letter.workspace_id,
        &Request::Email(EmailOp::Record {
            chat_id: letter.chat_id.to_string(),
            attempt,
            cursor: if sent { letter.cursor } else { None },
            mailed: true,
        }),
    )
    .await?;
    outcome.map_err(|e| ApiError::unavailable(format!("sending mail: {e}")))
}

/// The EMAIL binding's answer: Err with the service's reason.
async fn send(state: &AppState, outgoing: &Outgoing, raw: &str) -> Result<(), String> {
    let mailer = state.mailer().map_err(|e| format!("{:?}", e.cause))?;
    let message = worker::EmailMessage::new(&outgoing.from.address, &outgoing.to.address, raw)
        .map_err(|e| String::from(e.message()))?;
    mailer
        .send(&message)
        .await
        .map(drop)
        .map_err(|e| String::from(e.message()))
}

/// A new reply address for the letter's chat and recipient.
async fn reply_address_for(
    state: &AppState,
    sender: &Sender,
    letter: &Letter<'_>,
) -> Result<String, ApiError> {
    let id = rules::new_reply_id();
    store::email::insert_reply_address(
        &state.db()?,
        &store::email::ReplyAddress {
            id: id.clone(),
            workspace_id: letter.workspace_id.to_string(),
            chat_id: letter.chat_id.to_string(),
            recipient_type: letter.to.kind.as_str().to_string(),
            recipient_id: letter.to.id.to_string(),
            email: letter.to.email.to_string(),
            created_at: time::now_rfc3339(),
        },
    )
    .await?;
    let secret = state.token_secret()?;
    Ok(rules::reply_address(
        &rules::reply_token(secret.as_bytes(), &id),
        &sender.reply_domain,
    ))
}

fn lines(messages: &[ConversationMessage], visitor_name: &str) -> Vec<Line> {
    messages
        .iter()
        .map(|m| Line {
            author: match m.sender.kind {
                SenderType::Visitor => visitor_name.to_string(),
                _ => m.sender.name.clone().unwrap_or_else(|| "ChatFlow".into()),
            },
            text: m.text.clone(),
            at: m.created_at.clone(),
        })
        .collect()
}

async fn pending(
    state: &AppState,
    due: &DueMail,
    recipient: &str,
) -> Result<Vec<ConversationMessage>, ApiError> {
    let answer: Pending = ask(
        state,
        &due.workspace_id,
        &Request::Email(EmailOp::Pending {
            workspace_id: due.workspace_id.clone(),
            chat_id: due.chat_id.clone(),
            recipient: recipient.to_string(),
            audience: due.audience,
            now: time::now_rfc3339(),
        }),
    )
    .await?;
    Ok(match answer {
        Pending::Send { messages } => messages,
        Pending::Nothing | Pending::Later { .. } => Vec::new(),
    })
}

/// The assigned agent, or every agent when nobody is, each as their preference and
/// presence allow; one mail each with what they have not been sent yet.
async fn tell_agents(state: &AppState, job: &MailJob, due: &DueMail) -> Result<(), ApiError> {
    let Some(ctx) = context(state, &due.workspace_id, &due.chat_id).await? else {
        return Ok(());
    };
    let agents = store::agents::mail_recipients(&state.db()?, &due.workspace_id).await?;
    let sender = sender(state, &due.workspace_id, ctx.logo_url.clone()).await?;
    let console_url = format!("{}/console/#chat={}", public_url(state), due.chat_id);
    let visitor_name = ctx.visitor_name.clone().unwrap_or_else(|| "Visitor".into());
    let mut failed = None;
    for agent in agents.iter().filter(|a| match &ctx.assigned_to {
        Some(assignee) => &a.id == assignee,
        None => true,
    }) {
        let preference =
            Preference::parse(&agent.email_notifications).unwrap_or(Preference::Offline);
        if !preference.wants_mail(agent.status == "online") {
            continue;
        }
        let key = format!("agent:{}", agent.id);
        let messages = pending(state, due, &key).await?;
        let Some(last) = messages.last().map(|m| m.seq) else {
            continue;
        };
        let mail = compose::agent_notice(
            &Notice {
                brand: &sender.brand,
                visitor_name: ctx.visitor_name.as_deref(),
                visitor_email: ctx.visitor_email.as_deref(),
                page_url: ctx.page_url.as_deref(),
                console_url: &console_url,
            },
            &lines(&messages, &visitor_name),
        );
        let letter = Letter {
            job,
            workspace_id: &due.workspace_id,
            chat_id: &due.chat_id,
            kind: EmailKind::AgentNotification,
            to: Recipient {
                kind: SenderType::Agent,
                id: &agent.id,
                name: Some(&agent.name),
                email: &agent.email,
            },
            mail,
            unsubscribe: None,
            cursor: Some((key, last)),
        };
        if let Err(e) = deliver(state, &sender, letter).await {
            failed = Some(e);
        }
    }
    failed.map_or(Ok(()), Err)
}

/// The visitor, when they can be mailed and are not on the site: the agents' messages
/// they have not been sent. A visitor who is here saw them live.
async fn tell_visitor(state: &AppState, job: &MailJob, due: &DueMail) -> Result<(), ApiError> {
    let Some(ctx) = context(state, &due.workspace_id, &due.chat_id).await? else {
        return Ok(());
    };
    let Some(email) = ctx.visitor_email.clone().filter(|_| !ctx.unsubscribed) else {
        return Ok(());
    };
    let key = format!("visitor:{}", ctx.visitor_id);
    let messages = pending(state, due, &key).await?;
    let Some(last) = messages.last().map(|m| m.seq) else {
        return Ok(());
    };
    if sockets::visitor_is_here(state, &due.chat_id, &ctx.visitor_id).await? {
        return ask::<()>(
            state,
            &due.workspace_id,
            &Request::Email(EmailOp::Record {
                chat_id: due.chat_id.clone(),
                attempt: StoredAttempt {
                    id: String::new(),
                    mail_id: job.id.clone(),
                    recipient: String::new(),
                    kind: String::new(),
                    status: String::new(),
                    error: None,
                    created_at: time::now_rfc3339(),
                },
                cursor: Some((key, last)),
                mailed: false,
            }),
        )
        .await;
    }
    let sender = sender(state, &due.workspace_id, ctx.logo_url.clone()).await?;
    let lang = Lang::parse(ctx.language.as_deref().unwrap_or(""));
    let unsubscribe = unsubscribe_url(state, &due.workspace_id, &ctx.visitor_id)?;
    let visitor_name = ctx.visitor_name.clone().unwrap_or_default();
    let mail = compose::visitor_reply(
        lang,
        &sender.brand,
        &lines(&messages, &visitor_name),
        &unsubscribe,
    );
    let letter = Letter {
        job,
        workspace_id: &due.workspace_id,
        chat_id: &due.chat_id,
        kind: EmailKind::VisitorReply,
        to: Recipient {
            kind: SenderType::Visitor,
            id: &ctx.visitor_id,
            name: ctx.visitor_name.as_deref(),
            email: &email,
        },
        mail,
        unsubscribe: Some(unsubscribe),
        cursor: Some((key, last)),
    };
    deliver(state, &sender, letter).await
}

async fn send_transcript(
    state: &AppState,
    job: &MailJob,
    workspace_id: &str,
    chat_id: &str,
    email: &str,
) -> Result<(), ApiError> {
    let Some(ctx) = context(state, workspace_id, chat_id).await? else {
        return Ok(());
    };
    if ctx.unsubscribed {
        return Ok(());
    }
    let conversation: Option<Vec<ConversationMessage>> = ask(
        state,
        workspace_id,
        &Request::Email(EmailOp::Conversation {
            chat_id: chat_id.to_string(),
        }),
    )
    .await?;
    let Some(conversation) = conversation else {
        return Ok(());
    };
    let sender = sender(state, workspace_id, ctx.logo_url.clone()).await?;
    let lang = Lang::parse(ctx.language.as_deref().unwrap_or(""));
    let unsubscribe = unsubscribe_url(state, workspace_id, &ctx.visitor_id)?;
    let visitor_name = ctx.visitor_name.clone().unwrap_or_default();
    let mail = compose::transcript(
        lang,
        &sender.brand,
        &lines(&conversation, &visitor_name),
        &unsubscribe,
    );
    let letter = Letter {
        job,
        workspace_id,
        chat_id,
        kind: EmailKind::Transcript,
        to: Recipient {
            kind: SenderType::Visitor,
            id: &ctx.visitor_id,
            name: ctx.visitor_name.as_deref(),
            email,
        },
        mail,
        unsubscribe: Some(unsubscribe),
        cursor: None,
    };
    deliver(state, &sender, letter).await
}

// ------------------------------------------------------------------ unsubscribing

fn unsubscribe_message(workspace_id: &str, visitor_id: &str) -> String {
    format!("unsubscribe.{workspace_id}.{visitor_id}")
}

/// `<PUBLIC_URL>/v1/public/unsubscribe?token=<workspace>.<visitor>.<signature>`.
fn unsubscribe_url(
    state: &AppState,
    workspace_id: &str,
    visitor_id: &str,
) -> Result<String, ApiError> {
    let secret = state.token_secret()?;
    let mac = token::sign(
        secret.as_bytes(),
        &unsubscribe_message(workspace_id, visitor_id),
    );
    Ok(format!(
        "{}/v1/public/unsubscribe?token={workspace_id}.{visitor_id}.{mac}",
        public_url(state)
    ))
}

/// Stops all mail to the visitor the token names. A forged token, or one used already,
/// is MAIL-001 and changes nothing.
pub async fn unsubscribe(state: &AppState, raw_token: &str) -> Result<(), ApiError> {
    let mut parts = raw_token.splitn(3, '.');
    let (Some(workspace_id), Some(visitor_id), Some(mac)) =
        (parts.next(), parts.next(), parts.next())
    else {
        return Err(ErrorCode::UnsubscribeLink.into());
    };
    let secret = state.token_secret()?;
    if !token::verify(
        secret.as_bytes(),
        &unsubscribe_message(workspace_id, visitor_id),
        mac,
    ) {
        return Err(ErrorCode::UnsubscribeLink.into());
    }
    let stopped: bool = ask(
        state,
        workspace_id,
        &Request::Email(EmailOp::Unsubscribe {
            visitor_id: visitor_id.to_string(),
            now: time::now_rfc3339(),
        }),
    )
    .await
    .map_err(|e| {
        if e.code == ErrorCode::WorkspaceNotFound {
            ErrorCode::UnsubscribeLink.into()
        } else {
            e
        }
    })?;
    if stopped {
        Ok(())
    } else {
        Err(ErrorCode::UnsubscribeLink.into())
    }
}

// ------------------------------------------------------------------ the API's part

/// Every attempt to mail about the chat, oldest first.
pub async fn log(
    state: &AppState,
    caller: &Caller,
    raw_chat_id: &str,
) -> Result<Vec<EmailAttempt>, ApiError> {
    let chat_id = chats::parse_id(raw_chat_id)?;
    let found: Option<Vec<EmailAttempt>> = ask(
        state,
        &caller.workspace_id,
        &Request::Email(EmailOp::Log {
            chat_id: chat_id.as_str().to_string(),
        }),
    )
    .await?;
    found.ok_or_else(|| ErrorCode::ChatNotFound.into())
}

/// What asking for a transcript came to.
pub enum Transcript {
    Queued(TranscriptQueued),
    /// One went within the hour: the next may be asked for in this many seconds.
    TooSoon(u64),
}

/// Queues the whole conversation for the visitor's address: a closed chat of theirs, at
/// most once an hour.
pub async fn request_transcript(
    state: &AppState,
    visitor: &VisitorCaller,
    raw_chat_id: &str,
) -> Result<Transcript, ApiError> {
    let chat_id = chats::parse_id(raw_chat_id)?;
    let now = time::now();
    let claim: TranscriptClaim = ask(
        state,
        &visitor.workspace_id,
        &Request::Email(EmailOp::ClaimTranscript {
            chat_id: chat_id.as_str().to_string(),
            visitor_id: visitor.visitor_id.clone(),
            now: time::format(now),
            not_since: time::format(now - Duration::minutes(TRANSCRIPT_EVERY_MINUTES)),
        }),
    )
    .await?;
    let email = match claim {
        TranscriptClaim::NoChat => return Err(ErrorCode::ChatNotFound.into()),
        TranscriptClaim::Open => return Err(ErrorCode::ChatNotClosed.into()),
        TranscriptClaim::NoAddress => return Err(ErrorCode::VisitorNoEmail.into()),
        TranscriptClaim::TooSoon { at } => {
            let wait = time::parse(&at).map_or(60, |t| (t - now).num_seconds().max(1));
            return Ok(Transcript::TooSoon(wait.unsigned_abs()));
        }
        TranscriptClaim::Claimed { email } => email,
    };
    let job = MailJob::new(MailTask::Transcript {
        workspace_id: visitor.workspace_id.clone(),
        chat_id: chat_id.as_str().to_string(),
        email: email.clone(),
    });
    state
        .webhook_queue()?
        .send(job)
        .await
        .map_err(|e| ApiError::unavailable(format!("queueing a transcript: {e}")))?;
    Ok(Transcript::Queued(TranscriptQueued { to: email }))
}

// ------------------------------------------------------------------ inbound mail

/// Why an inbound mail is refused, told to the sending server.
struct Refusal(&'static str);

/// Mail to a reply address becomes a message of its chat, from whom the address was
/// made for. Anything else is refused with `setReject` and a reason, storing nothing.
pub async fn receive(state: &AppState, message: &worker::ForwardableEmailMessage) {
    if let Err(Refusal(reason)) = accept(state, message).await {
        worker::console_log!("inbound mail to {} refused: {reason}", message.to());
        reject(message, reason).await;
    }
}

/// `setReject(reason)`. Email Routing's is synchronous; `wrangler dev` hands the handler
/// an RPC stub whose call answers a thenable, which must settle before the handler
/// returns or the refusal is lost: whatever the call answers is awaited.
async fn reject(message: &worker::ForwardableEmailMessage, reason: &str) {
    // Reflect.apply, not Function.prototype.call: on an RPC stub, `.call` would name a
    // remote method.
    let answer = js_sys::Reflect::get(message, &"setReject".into()).and_then(|f| {
        js_sys::Reflect::apply(
            f.unchecked_ref::<js_sys::Function>(),
            message,
            &js_sys::Array::of1(&reason.into()),
        )
    });
    let settled = match answer {
        // The stub answers a thenable that is no Promise: resolve() adopts it.
        Ok(answer) => wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&answer)).await,
        Err(e) => Err(e),
    };
    if let Err(e) = settled {
        worker::console_error!("setReject: {e:?}");
    }
}

async fn accept(
    state: &AppState,
    message: &worker::ForwardableEmailMessage,
) -> Result<(), Refusal> {
    let internal = |e: ApiError| {
        worker::console_error!(
            "inbound mail: {}",
            e.cause.as_deref().unwrap_or(e.code.code())
        );
        Refusal("temporary failure, try again later")
    };
    let to = message.to();
    let token = rules::token_of_address(&to).ok_or(Refusal("no such address"))?;
    let secret = state.token_secret().map_err(internal)?;
    let id =
        rules::read_reply_token(secret.as_bytes(), &token).ok_or(Refusal("no such address"))?;
    let address = store::email::reply_address(&state.db().map_err(internal)?, &id)
        .await
        .map_err(internal)?
        .ok_or(Refusal("no such address"))?;
    let made = time::parse(&address.created_at).ok_or(Refusal("no such address"))?;
    if made + Duration::days(rules::REPLY_ADDRESS_DAYS) < time::now() {
        return Err(Refusal("this reply address has expired"));
    }
    if !same_address(&message.from(), &address.email) {
        return Err(Refusal("this address does not accept mail from you"));
    }
    let raw = message
        .raw_bytes()
        .await
        .map_err(|e| internal(ApiError::unavailable(format!("reading mail: {e}"))))?;
    let mail = inbound::parse(&raw);
    let text = reply::new_text(&mail.text);
    let mut text: String = text.chars().take(10_000).collect();
    if text.trim().is_empty() {
        // Files alone still make a message: their names are its text.
        let names: Vec<&str> = mail
            .attachments
            .iter()
            .take(MAX_MAILED_FILES)
            .map(|a| a.filename.as_str())
            .collect();
        text = names.join(", ");
    }
    let Ok(text) = MessageText::parse(&text) else {
        return Err(Refusal("the reply is empty"));
    };
    let ctx = context(state, &address.workspace_id, &address.chat_id)
        .await
        .map_err(internal)?
        .ok_or(Refusal("this conversation no longer exists"))?;
    if ctx.status == ChatStatus::Closed {
        let closed = ctx.closed_at.as_deref().and_then(time::parse);
        if closed.is_some_and(|at| at + Duration::days(rules::CLOSED_CHAT_REPLY_DAYS) < time::now())
        {
            return Err(Refusal("this conversation was closed too long ago"));
        }
    }
    let chat_id: ChatId = address
        .chat_id
        .parse()
        .map_err(|_| Refusal("no such address"))?;
    let origin = public_url(state);
    let mut attachments = Vec::new();
    for file in mail.attachments.into_iter().take(MAX_MAILED_FILES) {
        let stored = files::store_mailed(
            state,
            &address.workspace_id,
            &address.chat_id,
            (&address.recipient_type, &address.recipient_id),
            file,
            &origin,
        )
        .await
        .map_err(internal)?;
        attachments.extend(stored);
    }
    let body = SendMessageRequest { text, attachments };
    let posted = if address.recipient_type == "agent" {
        let agent = store::agents::get(
            &state.db().map_err(internal)?,
            &address.workspace_id,
            &address.recipient_id,
        )
        .await
        .map_err(internal)?
        .ok_or(Refusal("this address does not accept mail from you"))?;
        let author = Author {
            kind: SenderType::Agent,
            id: agent.id.as_str(),
            name: Some(&agent.name),
        };
        messages::post(
            state,
            &address.workspace_id,
            &chat_id,
            author,
            body,
            None,
            &origin,
        )
        .await
    } else {
        if ctx.visitor_id != address.recipient_id {
            return Err(Refusal("this address does not accept mail from you"));
        }
        let author = Author {
            kind: SenderType::Visitor,
            id: &address.recipient_id,
            name: None,
        };
        messages::post(
            state,
            &address.workspace_id,
            &chat_id,
            author,
            body,
            Some(Opening::Reopen),
            &origin,
        )
        .await
    };
    match posted {
        Ok(_) => Ok(()),
        Err(e) if e.code == ErrorCode::ChatClosed => Err(Refusal("this conversation is closed")),
        Err(e) if e.code == ErrorCode::AuthVisitorBlocked => {
            Err(Refusal("this address does not accept mail from you"))
        }
        Err(e) => Err(internal(e)),
    }
}

/// Whether two addresses are one mailbox (an envelope may carry angle brackets and
/// any case).
fn same_address(a: &str, b: &str) -> bool {
    let clean = |s: &str| {
        s.trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .to_ascii_lowercase()
    };
    clean(a) == clean(b)
}
