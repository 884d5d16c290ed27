//! The SQL of mail, run inside the workspace's object: which chats wait for an answer,
//! what each recipient has been sent, every attempt, and the workspace's settings.

use chrono::Duration;
use serde::Deserialize;
use shared_types::chats::{ChatStatus, ConversationMessage, SenderType};
use shared_types::email::{EmailAttempt, EmailKind, EmailStatus};
use worker::SqlStorage;

use crate::domain::email::{MAX_MESSAGES_PER_MAIL, MIN_GAP_MINUTES};
use crate::domain::time;
use crate::error::ApiError;
use crate::objects::workspace::answer;
use crate::objects::workspace::protocol::{
    Audience, DueMail, EmailOp, MailContext, MailWatch, Pending, StoredAttempt, TranscriptClaim,
};
use crate::objects::workspace::sql::{earliest, rows, run};
use crate::services::chats::object as chats;
use crate::services::messages::object::list_after;

/// How many due chats one alarm hands to the queue; the rest wait for the next round.
const DUE_PER_ROUND: u32 = 100;
/// The most messages a transcript carries.
const TRANSCRIPT_MESSAGES: u32 = 2_000;
/// The recipient key of a chat's transcript, whose cursor keeps the hourly limit.
const TRANSCRIPT: &str = "transcript";

pub fn handle(sql: &SqlStorage, op: EmailOp) -> Result<String, ApiError> {
    match op {
        EmailOp::TakeDue { now } => answer(take_due(sql, &now)?),
        EmailOp::PutBack { due } => {
            for d in due {
                wait_until(sql, &d.chat_id, d.audience, &d.due_at, &d.workspace_id)?;
            }
            answer(())
        }
        EmailOp::Context { chat_id } => answer(context(sql, &chat_id)?),
        EmailOp::Pending {
            workspace_id,
            chat_id,
            recipient,
            audience,
            now,
        } => answer(pending(
            sql,
            &workspace_id,
            &chat_id,
            &recipient,
            audience,
            &now,
        )?),
        EmailOp::Record {
            chat_id,
            attempt,
            cursor,
            mailed,
        } => {
            record(sql, &chat_id, &attempt, cursor, mailed)?;
            answer(())
        }
        EmailOp::Log { chat_id } => {
            if chats::head(sql, &chat_id, None)?.is_none() {
                return answer(None::<Vec<EmailAttempt>>);
            }
            answer(Some(log(sql, &chat_id)?))
        }
        EmailOp::ClaimTranscript {
            chat_id,
            visitor_id,
            now,
            not_since,
        } => answer(claim_transcript(
            sql,
            &chat_id,
            &visitor_id,
            &now,
            &not_since,
        )?),
        EmailOp::Conversation { chat_id } => {
            if chats::head(sql, &chat_id, None)?.is_none() {
                return answer(None::<Vec<ConversationMessage>>);
            }
            answer(Some(list_after(sql, &chat_id, 0, TRANSCRIPT_MESSAGES)?))
        }
        EmailOp::Unsubscribe { visitor_id, now } => {
            #[derive(Deserialize)]
            struct Id {
                #[allow(dead_code)]
                id: String,
            }
            let changed: Vec<Id> = rows(
                sql,
                "UPDATE visitors SET unsubscribed_at = ?2
                  WHERE id = ?1 AND unsubscribed_at IS NULL RETURNING id",
                vec![visitor_id.as_str().into(), now.as_str().into()],
            )?;
            if !changed.is_empty() {
                // Nothing already waiting for this visitor goes out either.
                run(
                    sql,
                    "DELETE FROM email_watches WHERE audience = 'visitor'
                       AND chat_id IN (SELECT id FROM chats WHERE visitor_id = ?1)",
                    vec![visitor_id.as_str().into()],
                )?;
            }
            answer(!changed.is_empty())
        }
        EmailOp::GetSettings { section } => {
            #[derive(Deserialize)]
            struct Row {
                value: String,
            }
            let found: Vec<Row> = rows(
                sql,
                "SELECT value FROM settings WHERE section = ?",
                vec![section.into()],
            )?;
            answer(found.into_iter().next().map(|r| r.value))
        }
        EmailOp::PutSettings {
            section,
            value,
            now,
        } => {
            run(
                sql,
                "INSERT INTO settings (section, value, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (section) DO UPDATE SET value = excluded.value,
                                                     updated_at = excluded.updated_at",
                vec![section.into(), value.into(), now.into()],
            )?;
            answer(())
        }
    }
}

/// What a new message does to the chat's waits, in the step that stores it: a
/// visitor's message starts the agents' wait (unless one runs already: a burst is one
/// mail) and ends the visitor's (they are here); an agent's does the reverse, for a
/// visitor who can be mailed.
pub fn on_message(
    sql: &SqlStorage,
    chat_id: &str,
    sender: SenderType,
    mail: &MailWatch,
) -> Result<(), ApiError> {
    let (starts, ends) = match sender {
        SenderType::Visitor => (Audience::Agents, Audience::Visitor),
        SenderType::Agent => (Audience::Visitor, Audience::Agents),
        _ => return Ok(()),
    };
    run(
        sql,
        "DELETE FROM email_watches WHERE chat_id = ?1 AND audience = ?2",
        vec![chat_id.into(), ends.as_str().into()],
    )?;
    if starts == Audience::Visitor {
        #[derive(Deserialize)]
        struct Row {
            reachable: i64,
        }
        let found: Vec<Row> = rows(
            sql,
            "SELECT v.email IS NOT NULL AND v.unsubscribed_at IS NULL AS reachable
               FROM chats c JOIN visitors v ON v.id = c.visitor_id WHERE c.id = ?",
            vec![chat_id.into()],
        )?;
        if found.first().is_none_or(|r| r.reachable == 0) {
            return Ok(());
        }
    }
    run(
        sql,
        "INSERT INTO email_watches (chat_id, audience, due_at, workspace_id)
         VALUES (?1, ?2, ?3, ?4) ON CONFLICT (chat_id, audience) DO NOTHING",
        vec![
            chat_id.into(),
            starts.as_str().into(),
            mail.due_at.as_str().into(),
            mail.workspace_id.as_str().into(),
        ],
    )
}

/// When the first wait ends, if any chat waits.
pub fn next_due(sql: &SqlStorage) -> Result<Option<chrono::DateTime<chrono::Utc>>, ApiError> {
    earliest(sql, "SELECT MIN(due_at) AS at FROM email_watches")
}

/// Whether the operation may start a wait, so the alarm may need arming sooner.
pub fn starts_waits(op: &EmailOp) -> bool {
    matches!(op, EmailOp::Pending { .. } | EmailOp::PutBack { .. })
}

fn take_due(sql: &SqlStorage, now: &str) -> Result<Vec<DueMail>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        chat_id: String,
        audience: Audience,
        due_at: String,
        workspace_id: String,
    }
    // The table has no rowid: the keys are read, then deleted, in the same step.
    let due: Vec<Row> = rows(
        sql,
        "SELECT chat_id, audience, due_at, workspace_id FROM email_watches
          WHERE due_at <= ?1 ORDER BY due_at LIMIT ?2",
        vec![now.into(), i64::from(DUE_PER_ROUND).into()],
    )?;
    for r in &due {
        run(
            sql,
            "DELETE FROM email_watches WHERE chat_id = ?1 AND audience = ?2",
            vec![r.chat_id.as_str().into(), r.audience.as_str().into()],
        )?;
    }
    Ok(due
        .into_iter()
        .map(|r| DueMail {
            workspace_id: r.workspace_id,
            chat_id: r.chat_id,
            audience: r.audience,
            due_at: r.due_at,
        })
        .collect())
}

/// The chat waits (again) until `due_at`, or until an earlier end it already has.
fn wait_until(
    sql: &SqlStorage,
    chat_id: &str,
    audience: Audience,
    due_at: &str,
    workspace_id: &str,
) -> Result<(), ApiError> {
    run(
        sql,
        "INSERT INTO email_watches (chat_id, audience, due_at, workspace_id)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (chat_id, audience) DO UPDATE SET due_at = MIN(due_at, excluded.due_at)",
        vec![
            chat_id.into(),
            audience.as_str().into(),
            due_at.into(),
            workspace_id.into(),
        ],
    )
}

fn context(sql: &SqlStorage, chat_id: &str) -> Result<Option<MailContext>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        status: ChatStatus,
        assigned_to: Option<String>,
        page_url: Option<String>,
        closed_at: Option<String>,
        visitor_id: String,
        visitor_name: Option<String>,
        visitor_email: Option<String>,
        language: Option<String>,
        unsubscribed: i64,
        logo_url: Option<String>,
    }
    let found: Vec<Row> = rows(
        sql,
        "SELECT c.status, c.assigned_to, c.page_url, c.closed_at, c.visitor_id,
                v.name AS visitor_name, v.email AS visitor_email, v.language,
                v.unsubscribed_at IS NOT NULL AS unsubscribed,
                (SELECT logo_url FROM widget_config LIMIT 1) AS logo_url
           FROM chats c JOIN visitors v ON v.id = c.visitor_id WHERE c.id = ?",
        vec![chat_id.into()],
    )?;
    Ok(found.into_iter().next().map(|r| MailContext {
        status: r.status,
        assigned_to: r.assigned_to,
        page_url: r.page_url,
        closed_at: r.closed_at,
        visitor_id: r.visitor_id,
        visitor_name: r.visitor_name,
        visitor_email: r.visitor_email,
        language: r.language,
        unsubscribed: r.unsubscribed != 0,
        logo_url: r.logo_url,
    }))
}

#[derive(Deserialize)]
struct Cursor {
    last_seq: u64,
    sent_at: Option<String>,
}

fn cursor(sql: &SqlStorage, chat_id: &str, recipient: &str) -> Result<Option<Cursor>, ApiError> {
    let found: Vec<Cursor> = rows(
        sql,
        "SELECT last_seq, sent_at FROM email_cursors WHERE chat_id = ?1 AND recipient = ?2",
        vec![chat_id.into(), recipient.into()],
    )?;
    Ok(found.into_iter().next())
}

fn pending(
    sql: &SqlStorage,
    workspace_id: &str,
    chat_id: &str,
    recipient: &str,
    audience: Audience,
    now: &str,
) -> Result<Pending, ApiError> {
    let (writer, answerer) = match audience {
        Audience::Agents => (SenderType::Visitor, SenderType::Agent),
        Audience::Visitor => (SenderType::Agent, SenderType::Visitor),
    };
    #[derive(Deserialize)]
    struct Seq {
        seq: u64,
    }
    let answered = rows::<Seq>(
        sql,
        "SELECT COALESCE(MAX(seq), 0) AS seq FROM messages WHERE chat_id = ?1 AND sender_type = ?2",
        vec![chat_id.into(), answerer.as_str().into()],
    )?
    .first()
    .map_or(0, |s| s.seq);
    let cursor = cursor(sql, chat_id, recipient)?;
    let after = answered.max(cursor.as_ref().map_or(0, |c| c.last_seq));
    let mut messages: Vec<ConversationMessage> = list_after(sql, chat_id, after, 500)?
        .into_iter()
        .filter(|m| m.sender.kind == writer)
        .collect();
    if messages.is_empty() {
        return Ok(Pending::Nothing);
    }
    let last_mail = cursor
        .and_then(|c| c.sent_at)
        .and_then(|at| time::parse(&at));
    if let (Some(last), Some(now)) = (last_mail, time::parse(now)) {
        let next = last + Duration::minutes(MIN_GAP_MINUTES);
        if next > now {
            let at = time::format(next);
            wait_until(sql, chat_id, audience, &at, workspace_id)?;
            return Ok(Pending::Later { at });
        }
    }
    let skip = messages.len().saturating_sub(MAX_MESSAGES_PER_MAIL);
    messages.drain(..skip);
    Ok(Pending::Send { messages })
}

fn record(
    sql: &SqlStorage,
    chat_id: &str,
    attempt: &StoredAttempt,
    cursor: Option<(String, u64)>,
    mailed: bool,
) -> Result<(), ApiError> {
    if !attempt.recipient.is_empty() {
        run(
            sql,
            "INSERT INTO email_log (id, chat_id, recipient, kind, status, error, mail_id,
                                    attempt, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,
                     (SELECT COUNT(*) + 1 FROM email_log WHERE mail_id = ?7 AND recipient = ?3),
                     ?8)",
            vec![
                attempt.id.as_str().into(),
                chat_id.into(),
                attempt.recipient.as_str().into(),
                attempt.kind.as_str().into(),
                attempt.status.as_str().into(),
                attempt.error.clone().into(),
                attempt.mail_id.as_str().into(),
                attempt.created_at.as_str().into(),
            ],
        )?;
    }
    if let Some((key, seq)) = cursor {
        let sent_at = mailed.then(|| attempt.created_at.clone());
        run(
            sql,
            "INSERT INTO email_cursors (chat_id, recipient, last_seq, sent_at)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (chat_id, recipient) DO UPDATE SET
                 last_seq = MAX(last_seq, excluded.last_seq),
                 sent_at = COALESCE(excluded.sent_at, sent_at)",
            vec![
                chat_id.into(),
                key.into(),
                i64::try_from(seq).unwrap_or(i64::MAX).into(),
                sent_at.into(),
            ],
        )?;
    }
    Ok(())
}

fn log(sql: &SqlStorage, chat_id: &str) -> Result<Vec<EmailAttempt>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        id: String,
        recipient: String,
        kind: String,
        status: String,
        error: Option<String>,
        attempt: u32,
        created_at: String,
    }
    let found: Vec<Row> = rows(
        sql,
        "SELECT id, recipient, kind, status, error, attempt, created_at FROM email_log
          WHERE chat_id = ? ORDER BY created_at, rowid",
        vec![chat_id.into()],
    )?;
    found
        .into_iter()
        .map(|r| {
            let bad = |what: &str| ApiError::internal(format!("email_log {} {what}", r.id));
            Ok(EmailAttempt {
                kind: r.kind.parse::<EmailKind>().map_err(|_| bad("kind"))?,
                status: r.status.parse::<EmailStatus>().map_err(|_| bad("status"))?,
                id: r.id,
                to: r.recipient,
                error: r.error,
                attempt: r.attempt,
                created_at: r.created_at,
            })
        })
        .collect()
}

fn claim_transcript(
    sql: &SqlStorage,
    chat_id: &str,
    visitor_id: &str,
    now: &str,
    not_since: &str,
) -> Result<TranscriptClaim, ApiError> {
    let Some(head) = chats::head(sql, chat_id, Some(visitor_id))? else {
        return Ok(TranscriptClaim::NoChat);
    };
    if head.status != ChatStatus::Closed {
        return Ok(TranscriptClaim::Open);
    }
    let Some(context) = context(sql, chat_id)? else {
        return Ok(TranscriptClaim::NoChat);
    };
    let email = match context.visitor_email {
        Some(email) if !context.unsubscribed => email,
        _ => return Ok(TranscriptClaim::NoAddress),
    };
    if let Some(at) = cursor(sql, chat_id, TRANSCRIPT)?.and_then(|c| c.sent_at) {
        if at.as_str() > not_since {
            let next = time::parse(&at).map_or(at, |t| time::format(t + Duration::hours(1)));
            return Ok(TranscriptClaim::TooSoon { at: next });
        }
    }
    run(
        sql,
        "INSERT INTO email_cursors (chat_id, recipient, last_seq, sent_at) VALUES (?1, ?2, 0, ?3)
         ON CONFLICT (chat_id, recipient) DO UPDATE SET sent_at = excluded.sent_at",
        vec![chat_id.into(), TRANSCRIPT.into(), now.into()],
    )?;
    Ok(TranscriptClaim::Claimed { email })
}
