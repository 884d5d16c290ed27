//! What the worker asks a `Workspace` object and what it answers: one request enum,
//! one answer per request, each serialised once as JSON. Variants are only ever added,
//! so a worker and an object one deployment apart still understand each other.

use serde::{Deserialize, Serialize};
use shared_types::automation::Trigger;
use shared_types::canned::{CannedResponse, UpdateCannedResponse};
use shared_types::chats::{ChatDetail, ChatStatus, ChatSummary, ConversationMessage, SenderType};
use shared_types::error::ErrorCode;
use shared_types::ids::WebhookId;
use shared_types::notes::ChatNote;
use shared_types::webhooks::{UpdateWebhookRequest, Webhook, WebhookEvent};
use shared_types::widget::WidgetConfig;

use crate::domain::analytics::{Plan, Series};
use crate::domain::rate_limit::Decision;
use crate::error::ApiError;

/// One operation on the workspace's own database. Grouped by the service that owns the
/// tables it touches.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "service", content = "op", rename_all = "snake_case")]
pub enum Request {
    Triggers(TriggerOp),
    Webhooks(WebhookOp),
    Tenant(TenantOp),
    Widget(WidgetOp),
    Chats(ChatOp),
    Messages(MessageOp),
    Visitors(VisitorOp),
    Files(FileOp),
    Analytics(AnalyticsOp),
    Idempotency(IdempotencyOp),
    Tickets(TicketOp),
    Email(EmailOp),
    Canned(CannedOp),
    Notes(NoteOp),
    Search(SearchOp),
    Contacts(ContactOp),
    Assignment(AssignmentOp),
    Presence(PresenceOp),
    Budgets(BudgetOp),
}

/// Rate budgets kept in the workspace's object (`services::budgets`).
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum BudgetOp {
    /// → `Decision`: one request of the visitor's budget, recorded if allowed.
    Visitor { visitor_id: String },
    /// → `Decision`: one request of an agent credential's budget, recorded if allowed.
    Credential(Charge),
}

/// One request of an agent credential's budget (`key:<hash>` or `session:<hash>`, with
/// its numbers). Sent alone as [`BudgetOp::Credential`], or riding on another call in
/// its [`CHARGE_HEADER`]: the object then spends it first, runs the call only if it was
/// allowed, and answers the [`Decision`](crate::domain::rate_limit::Decision) in its
/// [`BUDGET_HEADER`], whatever the call's outcome.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Charge {
    pub credential: String,
    pub limits: crate::domain::rate_limit::Limits,
}

/// The request header that carries a [`Charge`] (JSON) on another call.
pub const CHARGE_HEADER: &str = "x-charge";
/// The answer's header with the charge's decision (JSON).
pub const BUDGET_HEADER: &str = "x-budget";

/// Marks an answer that is the client's response body itself, not an [`Answer`].
pub const BODY_HEADER: &str = "x-chatflow-body";

/// Visitors on the site now.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum PresenceOp {
    /// → `services::presence::Beaten`: a page view (`view`) or a ping, and the
    /// browser's waiting invitation, now delivered.
    Beat {
        workspace_id: String,
        presence_id: String,
        visitor_id: Option<String>,
        view: bool,
        page_url: String,
        page_title: Option<String>,
        referrer: Option<String>,
        country: Option<String>,
        device: Option<String>,
        now: String,
        offline_at: String,
    },
    /// → `Vec<OnlineVisitor>`, newest activity first.
    Online { limit: u32 },
    /// → `services::presence::Invited`: an invitation for the online visitor or browser
    /// `visitor_id`, replacing one not yet delivered.
    Invite {
        visitor_id: String,
        invitation_id: String,
        agent_id: String,
        agent_name: String,
        text: String,
        now: String,
        expires_at: String,
    },
}

/// Automatic assignment's bookkeeping.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum AssignmentOp {
    /// → `Vec<ChatSummary>`: the chats given to agents because `agent_id` came online
    /// (none when it went offline: then its unanswered chats go back to the queue at
    /// `reclaim_at`, unless it is back by then).
    Presence {
        workspace_id: String,
        agent_id: String,
        online: bool,
        now: String,
        #[serde(default)]
        reclaim_at: Option<String>,
    },
    /// → `Vec<ChatSummary>`: waiting chats given to online agents with room now (after
    /// an agent's removal put theirs back in the queue).
    GiveOut { now: String },
}

/// The object's storage as a whole: its export and its erasure.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum TenantOp {
    /// → `Vec<String>`: the tables that hold the tenant's rows.
    Tables,
    /// → `Vec<serde_json::Map>`: up to `limit` rows of `table` from `offset`, in rowid order.
    Page {
        table: String,
        offset: u32,
        limit: u32,
    },
    /// → `()`: every table and row gone; the object's storage is deleted.
    Erase,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum TriggerOp {
    /// → `Vec<Trigger>`, oldest first.
    List,
    /// → `Vec<PublicTrigger>`, the active ones, oldest first.
    ListActive,
    /// → `Option<Trigger>`.
    Get { id: String },
    /// → `bool`: false when the workspace already has `cap`.
    Insert { trigger: Trigger, cap: u32 },
    /// → `()`: every editable field written.
    Put { trigger: Trigger, now: String },
    /// → `bool`: false when there was no such trigger.
    Delete { id: String },
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum WebhookOp {
    /// → `Vec<Webhook>`, oldest first.
    List,
    /// → `Vec<WebhookTarget>`: the active webhooks and what each subscribed to, all an
    /// event needs to find its receivers.
    Targets,
    /// → `bool`: false when the workspace already has `cap`.
    Insert {
        webhook: Webhook,
        secret_sealed: String,
        cap: u32,
    },
    /// → `Option<Webhook>`, as it is after the change; `None` when there is no such
    /// webhook. Switching an inactive webhook back on forgets its run of failures.
    Update {
        id: String,
        change: UpdateWebhookRequest,
        now: String,
    },
    /// → `bool`: false when there was no such webhook. Its log goes with it.
    Delete { id: String },
    /// → `Option<Vec<WebhookDelivery>>`: the webhook's latest `limit` attempts, newest
    /// first; `None` when there is no such webhook.
    Deliveries { id: String, limit: u32 },
    /// → `Vec<DeliveryState>`: for each webhook named that still exists, the webhook and
    /// what its log says of the events named with it.
    ForDelivery { events: Vec<WebhookEvents> },
    /// → `()`: the attempts and the changes to runs of failures, in one transaction.
    /// Arms the object's alarm that deletes expired attempts.
    Log {
        attempts: Vec<DeliveryAttempt>,
        runs: Vec<FailureRun>,
        now: String,
    },
}

/// A webhook and events of a batch of deliveries to it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WebhookEvents {
    pub webhook_id: String,
    pub event_ids: Vec<String>,
}

/// An active webhook as an event sees it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WebhookTarget {
    pub id: WebhookId,
    pub events: Vec<WebhookEvent>,
}

/// A webhook with what only the delivery sees: its signing secret, sealed
/// (`crate::crypto::seal` for `services::webhooks::secret_purpose`), and the start of its
/// current run of failures.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredWebhook {
    pub webhook: Webhook,
    pub secret_sealed: String,
    pub failing_since: Option<String>,
}

/// What the log already says about one event at one webhook: how many attempts were
/// made and whether one succeeded (so a redelivered message is not sent twice).
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct EventAttempts {
    pub event_id: String,
    pub attempts: u32,
    pub succeeded: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeliveryState {
    pub webhook: StoredWebhook,
    /// Only events with at least one attempt logged.
    pub attempts: Vec<EventAttempts>,
}

/// One attempt (or the dead-letter entry) to log.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeliveryAttempt {
    pub id: String,
    pub webhook_id: String,
    pub event_id: String,
    pub event_type: WebhookEvent,
    pub attempt: u32,
    pub status_code: Option<u16>,
    pub duration_ms: Option<u64>,
    pub error: Option<String>,
    pub next_retry_at: Option<String>,
    pub dead_lettered: bool,
    pub created_at: String,
}

/// What a batch's attempts did to a webhook's run of failures.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "run", rename_all = "snake_case")]
pub enum FailureRun {
    /// A success ended it.
    Ended { webhook_id: String },
    /// Failures only: the run started at `failing_since`; `deactivate` switches the
    /// webhook off.
    Extended {
        webhook_id: String,
        failing_since: String,
        deactivate: bool,
    },
}

/// The widget's configuration, one row, and the workspace's sealed identity secret in it.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum WidgetOp {
    /// → `()`: `config` stored as the workspace's first, unless it has one already.
    Create { config: WidgetConfig, now: String },
    /// → `Option<WidgetConfig>`: `None` before [`WidgetOp::Create`].
    Get,
    /// → `()`: every field written (the caller merged its partial update into it).
    Put { config: WidgetConfig, now: String },
    /// → `()`: the new sealed identity secret; the old one stops verifying with it.
    PutIdentitySecret { sealed: String, now: String },
    /// → `Option<String>`: the sealed identity secret, `None` when none was ever made.
    IdentitySecret,
    /// → `Option<String>`, the R2 key of the logo file replaced, whose bytes the caller
    /// deletes. In one step: the pending `file_id` (if any) is confirmed as a file of no
    /// chat, `logo_url` is stored, and `previous_file`, when it is a logo file other than
    /// `file_id`, loses its row. FILE-004 when `file_id` is no longer pending.
    SetLogo {
        file_id: Option<String>,
        logo_url: Option<String>,
        previous_file: Option<String>,
        now: String,
    },
}

/// The object's answer: the operation's value, or the catalogue code it failed with
/// (its cause was logged inside the object).
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer<T> {
    Ok(T),
    Failed {
        code: String,
        /// The budget the failed call spent from, or refused (`Append::charge`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rate: Option<Decision>,
    },
}

impl Request {
    /// Whether this operation's answer, when it succeeds, is a response body for the
    /// client ([`BODY_HEADER`]).
    pub fn answers_a_body(&self) -> bool {
        matches!(self, Request::Chats(ChatOp::List { .. }))
    }
}

impl Answer<()> {
    /// How `err` travels back to the caller, from this object or through a chat's room.
    pub fn failed(err: &ApiError) -> Self {
        Answer::Failed {
            code: err.code.code().to_string(),
            rate: err.rate,
        }
    }

    /// The error a failed answer stands for, if its code is one of the catalogue's.
    pub fn error(code: &str, rate: Option<Decision>) -> Option<ApiError> {
        ErrorCode::from_code(code).map(|code| ApiError::new(code).with_rate(rate))
    }
}

/// A workspace's chats: the inbox, a chat's detail and its changes.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum ChatOp {
    /// → `Option<ChatHead>`; `None` also when `visitor_id` is given and the chat is
    /// another visitor's.
    Head {
        chat_id: String,
        visitor_id: Option<String>,
    },
    /// → `Option<ChatDetail>`.
    Detail { chat_id: String },
    /// → `Option<ChatSummary>`.
    Summary { chat_id: String },
    /// → `ChatPage`: newest activity first, and how many match in all.
    Page {
        filter: ChatFilter,
        limit: u32,
        offset: u64,
    },
    /// → the body of `GET /v1/chats` itself, a `ListResponse` of `ChatSummary` as the
    /// client gets it, marked by [`BODY_HEADER`]: the worker passes it on unread
    /// (`client::WorkspaceDb::call_body`).
    List {
        filter: ChatFilter,
        page: shared_types::pagination::Page,
        limit: shared_types::pagination::Limit,
    },
    /// → `Option<Patched>`: the chat before and after; `None` when there is no such
    /// chat. A status or assignee change the chat's state does not allow fails with
    /// its code, and nothing is written.
    Patch {
        chat_id: String,
        patch: ChatPatch,
        now: String,
    },
    /// → `ReadOutcome`: a counter of unread messages back to zero.
    MarkRead {
        chat_id: String,
        by_visitor: bool,
        /// Only this visitor's chat (the visitor's own REST read).
        visitor_id: Option<String>,
        /// How far, when the reader said; beyond the last message is refused.
        seq: Option<u64>,
    },
    /// → `Vec<AgentChats>`: for each agent with any chat assigned, how many (from the
    /// trigger-kept `chat_counts`, a few rows however many chats there are).
    AgentCounts,
    /// → `Vec<ChatSummary>`: the agent's open chats, unassigned now (the agent left).
    UnassignAgent { agent_id: String, now: String },
    /// → `ChatDetail`: the rating stored; CHAT-001, CHAT-00x when the chat is not the
    /// visitor's, not closed, or rated already, and nothing is written.
    Rate {
        chat_id: String,
        visitor_id: String,
        score: u8,
        comment: Option<String>,
        now: String,
    },
}

/// An agent's chats: open ones assigned to it, and all assigned to it now.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AgentChats {
    pub agent_id: String,
    pub active_chats: u32,
    pub total_chats: u64,
}

/// What decides who may touch a chat and how it may change.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChatHead {
    pub status: ChatStatus,
    pub assigned_to: Option<String>,
    pub visitor_id: String,
    pub rating_score: Option<u8>,
}

/// Which chats a list shows.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct ChatFilter {
    pub status: Option<ChatStatus>,
    pub agent_id: Option<String>,
    pub visitor_id: Option<String>,
}

/// `data` is the page's rows as SQLite wrote them, a JSON array of [`ChatSummary`]: the
/// inbox's hottest read passes through the worker without being decoded and encoded
/// again.
#[derive(Debug, Serialize, Deserialize)]
pub struct ChatPage {
    pub data: Box<serde_json::value::RawValue>,
    pub total: u64,
}

/// The fields a PATCH names, and only those: a field left `None` keeps whatever a
/// concurrent PATCH wrote into it. The tags are checked already.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct ChatPatch {
    pub status: Option<ChatStatus>,
    /// `Some(None)` unassigns. Absent and `null` differ, as in the request.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "shared_types::serde_util::nullable"
    )]
    pub assigned_to: Option<Option<String>>,
    pub tags: Option<Vec<String>>,
    /// `Some(None)` clears the note.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "shared_types::serde_util::nullable"
    )]
    pub notes: Option<Option<String>>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Patched {
    pub before: ChatDetail,
    pub after: ChatDetail,
    pub summary: ChatSummary,
    /// Waiting chats given out because this one closed.
    #[serde(default)]
    pub assigned: Vec<ChatSummary>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ReadOutcome {
    /// No such chat (or not the visitor's).
    NoChat,
    /// The seq named is beyond the chat's last message; nothing changed.
    Beyond,
    /// Read. An agent's read answers the chat as lists show it (`visitor_read_seq` 0),
    /// the visitor's how far the visitor has read (`summary` none).
    Read {
        summary: Option<ChatSummary>,
        visitor_read_seq: u64,
    },
}

/// A chat's messages: the room's appends, and the conversation.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum MessageOp {
    /// → `Appended`, from the chat's room only (it is the chat's one writer). CHAT-001
    /// when there is no such chat (or it is not `Append::visitor_id`'s), CHAT-003 when
    /// it is closed and the sender may not reopen it; nothing is written then.
    Append(Append),
    /// → `Option<Vec<ConversationMessage>>`: up to `limit` messages after `after`, in
    /// seq order; `None` when there is no such chat (or it is not `visitor_id`'s).
    List {
        chat_id: String,
        visitor_id: Option<String>,
        after: u64,
        limit: u32,
    },
}

/// A message the worker has checked, and what the same write does to the chat first.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Append {
    pub id: String,
    pub chat_id: String,
    pub sender_type: SenderType,
    pub sender_id: Option<String>,
    pub sender_name: Option<String>,
    pub text: String,
    /// A JSON array of attachments.
    pub attachments: String,
    pub now: String,
    pub opening: Option<Opening>,
    /// Refuse a closed chat (CHAT-003) instead of writing into it.
    pub require_open: bool,
    /// A visitor writes only into their own chat.
    pub visitor_id: Option<String>,
    /// When the other side is to be mailed if nobody answers this message; none for a
    /// message that never waits for an answer.
    #[serde(default)]
    pub mail: Option<MailWatch>,
    /// Spend one request of `visitor_id`'s budget first (a visitor's message, unless the
    /// idempotency layer spent it already): RATE-001 and nothing written when it has no
    /// room. The decision comes back in `Appended::budget`, or in the error.
    #[serde(default)]
    pub charge: bool,
}

/// The mail an unanswered message may cause (`services::email`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MailWatch {
    pub workspace_id: String,
    pub due_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Opening {
    /// The chat starts with this message.
    Create {
        visitor_id: String,
        page_url: Option<String>,
        /// The agent's invitation the visitor answered: it becomes the chat's first
        /// message, and the chat that agent's. Ignored unless usable.
        #[serde(default)]
        invitation_id: Option<String>,
    },
    /// A visitor writing into a closed chat reopens it (an open one stays as it is).
    Reopen,
}

/// What an append stored and what it did to the chat.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Appended {
    pub message: ConversationMessage,
    pub summary: ChatSummary,
    /// The chat was closed and this message reopened it.
    pub reopened: bool,
    /// The workspace's active webhooks, so the message's event needs no further read.
    pub webhooks: Vec<WebhookTarget>,
    /// Chats given to agents in the same step (this one, if it was new or reopened and
    /// nobody's, and older ones waiting).
    #[serde(default)]
    pub assigned: Vec<ChatSummary>,
    /// The visitor's budget after this message, when it spent from it (`Append::charge`).
    #[serde(default)]
    pub budget: Option<Decision>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum VisitorOp {
    /// → `()`.
    Insert(NewVisitor),
    /// → `bool`: false when there is no such visitor. Blocking again keeps the first time.
    Block { visitor_id: String, now: String },
    /// → `Option<bool>`: whether the visitor is blocked; `None` when there is none.
    Blocked { visitor_id: String },
}

#[derive(Debug, Serialize, Deserialize)]
pub struct NewVisitor {
    pub id: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// A JSON object.
    pub metadata: String,
    pub user_id: Option<String>,
    pub verified: bool,
    pub now: String,
    /// `uz`, `ru` or `en`.
    #[serde(default)]
    pub language: Option<String>,
    /// The id a new contact takes if this visitor starts one (`domain::contact`).
    #[serde(default)]
    pub new_contact_id: Option<String>,
    /// `domain::browser::country` of the request.
    #[serde(default)]
    pub country: Option<String>,
    /// `domain::browser::describe` of the request's User-Agent.
    #[serde(default)]
    pub browser: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum FileOp {
    /// → `()`. Arms the object's sweep of abandoned uploads.
    InsertPending(FileRow),
    /// → `Option<FileRow>`.
    Get { file_id: String },
    /// → `bool`: false when it was no longer pending.
    Confirm {
        file_id: String,
        chat_id: String,
        now: String,
    },
    /// → `Vec<FileRow>`: which of `file_ids` are confirmed for the chat.
    ConfirmedForChat {
        chat_id: String,
        file_ids: Vec<String>,
    },
}

/// A file's metadata; its bytes are in R2 under `r2_key`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileRow {
    pub id: String,
    pub chat_id: Option<String>,
    pub uploader_type: String,
    pub uploader_id: String,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: u64,
    pub r2_key: String,
    pub status: String,
    pub created_at: String,
    pub expires_at: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum AnalyticsOp {
    /// → `Overview`: the figures of `now`, and the chats created in `before`.
    Overview { now: Plan, before: Plan },
    /// → `Figures`, per agent.
    ByAgent { plan: Plan },
    /// → `Daily`: every day of the series, all chats or only `agent`'s.
    Daily {
        series: Series,
        agent: Option<String>,
    },
}

/// Chats created in a range.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Created {
    pub agent_id: Option<String>,
    /// The day of a series' row.
    #[serde(default)]
    pub day: Option<String>,
    pub chats: u64,
    pub resolved: Option<u64>,
    pub response_seconds: Option<f64>,
}

/// Chats closed in a range.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Closed {
    pub agent_id: Option<String>,
    #[serde(default)]
    pub day: Option<String>,
    pub closed: u64,
    pub resolution_minutes: Option<f64>,
    pub first_contact: Option<u64>,
}

/// Ratings given in a range.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Rated {
    pub agent_id: Option<String>,
    #[serde(default)]
    pub day: Option<String>,
    pub ratings: u64,
    pub csat: Option<f64>,
}

/// The workspace's figures for a range, and the chats created in the range before it.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Overview {
    pub created: Created,
    pub created_before: Created,
    pub closed: Closed,
    pub rated: Rated,
}

/// A daily series' rows, as the JSON of `DailyFigures` that SQLite wrote.
#[derive(Debug, Serialize, Deserialize)]
pub struct Daily {
    pub data: Box<serde_json::value::RawValue>,
}

/// A plan's figures, per agent or per day when grouped.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Figures {
    pub created: Vec<Created>,
    pub closed: Vec<Closed>,
    pub rated: Vec<Rated>,
}

/// Remembered answers to POSTs that carried an `Idempotency-Key`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum IdempotencyOp {
    /// → `bool`: false when the key was claimed already. Arms the object's sweep.
    Claim {
        scope: String,
        key: String,
        request_hash: String,
        now: String,
    },
    /// → `Option<Remembered>`.
    Get { scope: String, key: String },
    /// → `()`: the sealed answer.
    Remember {
        scope: String,
        key: String,
        status: u16,
        body: String,
    },
    /// → `()`: the key freed after a failure, so a retry runs for real.
    Release { scope: String, key: String },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Remembered {
    pub request_hash: String,
    /// 0 while the first request is still being answered.
    pub status: u16,
    pub response_body: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum TicketOp {
    /// → `bool`: false when the nonce was spent already (a replay). Arms the sweep.
    Spend { nonce: String, expires_at: String },
}

/// Who is mailed about a chat: its agents (a visitor wrote) or its visitor (an agent did).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    Agents,
    Visitor,
}

impl Audience {
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Agents => "agents",
            Audience::Visitor => "visitor",
        }
    }
}

/// Mail about the workspace's chats (`services::email`).
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum EmailOp {
    /// → `Vec<DueMail>`: the chats whose wait ended by `now`, taken off the list (the
    /// alarm hands them to the queue).
    TakeDue { now: String },
    /// → `()`: puts taken rows back, when the queue could not take them.
    PutBack { due: Vec<DueMail> },
    /// → `Option<MailContext>`: what a mail about the chat says of it and its visitor.
    Context { chat_id: String },
    /// → `Pending`: what `recipient` (`agent:<id>`, `visitor:<id>`) has not been sent of
    /// the chat's unanswered messages for `audience`. A recipient mailed within the
    /// minimum gap gets `Later`, and the chat waits again until then.
    Pending {
        workspace_id: String,
        chat_id: String,
        recipient: String,
        audience: Audience,
        now: String,
    },
    /// → `()`: one attempt, and on success what the recipient has now been sent.
    Record {
        chat_id: String,
        attempt: StoredAttempt,
        /// The recipient key and the seq they now have, for a sent mail (or, with
        /// `mailed` false, for messages they saw live).
        cursor: Option<(String, u64)>,
        mailed: bool,
    },
    /// → `Option<Vec<EmailAttempt>>`: the chat's attempts, oldest first; `None` for no chat.
    Log { chat_id: String },
    /// → `TranscriptClaim`: whether the chat's visitor may have its transcript now (at
    /// most once an hour), claiming the hour when so.
    ClaimTranscript {
        chat_id: String,
        visitor_id: String,
        now: String,
        not_since: String,
    },
    /// → `Option<Vec<ConversationMessage>>`: the whole conversation, oldest first.
    Conversation { chat_id: String },
    /// → `bool`: stops all mail to the visitor; false when there is no such visitor or
    /// it was stopped already.
    Unsubscribe { visitor_id: String, now: String },
    /// → `Option<String>`: a settings section's JSON.
    GetSettings { section: String },
    /// → `()`.
    PutSettings {
        section: String,
        value: String,
        now: String,
    },
}

/// A chat whose wait for an answer is over.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DueMail {
    pub workspace_id: String,
    pub chat_id: String,
    pub audience: Audience,
    pub due_at: String,
}

/// What mail about a chat says of it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MailContext {
    pub status: ChatStatus,
    pub assigned_to: Option<String>,
    pub page_url: Option<String>,
    pub closed_at: Option<String>,
    pub visitor_id: String,
    pub visitor_name: Option<String>,
    pub visitor_email: Option<String>,
    pub language: Option<String>,
    pub unsubscribed: bool,
    pub logo_url: Option<String>,
}

/// The answer of `EmailOp::Pending`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Pending {
    /// Nothing new to send.
    Nothing,
    /// Mailed too recently: the chat waits until `at`.
    Later { at: String },
    /// These messages, oldest first; the last one's seq is where the recipient will be.
    Send { messages: Vec<ConversationMessage> },
}

/// One sending attempt as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredAttempt {
    pub id: String,
    /// The queue job; the attempt's number counts its earlier attempts to `recipient`.
    pub mail_id: String,
    pub recipient: String,
    pub kind: String,
    pub status: String,
    pub error: Option<String>,
    pub created_at: String,
}

/// The answer of `EmailOp::ClaimTranscript`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TranscriptClaim {
    /// No such chat of this visitor.
    NoChat,
    /// The chat is still open.
    Open,
    /// The visitor gave no email, or unsubscribed.
    NoAddress,
    /// One was sent within the hour; the next may go at `at`.
    TooSoon { at: String },
    /// Claimed: send it to `email`.
    Claimed { email: String },
}

/// The team's canned responses (`services::canned`).
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum CannedOp {
    /// → `Vec<CannedResponse>`, by shortcut.
    List,
    /// → `bool`: false when the shortcut is taken (nothing is written then).
    Insert { canned: CannedResponse },
    /// → `CannedUpdate`.
    Update {
        id: String,
        patch: UpdateCannedResponse,
        now: String,
    },
    /// → `bool`: false when there was none.
    Delete { id: String },
}

/// The answer of `CannedOp::Update`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CannedUpdate {
    Updated { canned: CannedResponse },
    NotFound,
    ShortcutTaken,
}

/// Agents' private notes on a chat (`services::notes`).
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum NoteOp {
    /// → `bool`: false when there is no such chat (nothing is written then).
    Insert { note: ChatNote },
    /// → `Option<Vec<ChatNote>>`, oldest first; `None` when there is no such chat.
    List { chat_id: String },
}

/// Full-text search over the workspace's chats (`services::search`).
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum SearchOp {
    /// → [`SearchPage`]: the chats matching every one of `words` (chosen by
    /// `domain::search::words`, never empty), the last also as a prefix, newest first.
    Find {
        words: Vec<String>,
        status: Option<ChatStatus>,
        limit: u32,
        offset: u64,
    },
}

/// One page of chats found and how many match in all. Snippets are as FTS5 gives
/// them, with `domain::search`'s marks; the service makes them HTML.
#[derive(Debug, Serialize, Deserialize)]
pub struct SearchPage {
    pub data: Vec<shared_types::search::SearchHit>,
    pub total: u64,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum ContactOp {
    /// → [`ContactPage`]: the last seen first; only those matching `query` (an FTS5
    /// query made by `domain::search::fts_query`) when given.
    List {
        query: Option<String>,
        limit: u32,
        offset: u64,
    },
    /// → `Option<ContactDetail>`.
    Get { contact_id: String },
    /// → `Option<ContactDetail>`: after the change; a new name is also its visitors'.
    Update {
        contact_id: String,
        patch: shared_types::contacts::UpdateContact,
        now: String,
    },
    /// → `Option<Vec<String>>`: the R2 keys of the contact's files, so their bytes go
    /// before the rows that name them.
    Files { contact_id: String },
    /// → `Option<ContactErased>`: the contact, its visitors, their chats, messages,
    /// files' rows, notes and mail records are gone.
    Erase { contact_id: String },
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ContactPage {
    pub data: Vec<shared_types::contacts::Contact>,
    pub total: u64,
}

/// What erasing a contact leaves for the worker to clear outside the object.
#[derive(Debug, Serialize, Deserialize)]
pub struct ContactErased {
    pub visitor_ids: Vec<String>,
    pub chat_ids: Vec<String>,
    /// Files uploaded after [`ContactOp::Files`] was answered.
    pub r2_keys: Vec<String>,
}
