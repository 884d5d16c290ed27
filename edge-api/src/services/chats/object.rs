//! The SQL of chats, run inside the workspace's object on its own tables. Lists read
//! the summary columns through the chats_by_* indexes; a chat's detail joins its
//! visitor. Every operation is synchronous, so no other request of the workspace runs
//! between its reads and its writes: a check and the write it allows are one step.

use serde::Deserialize;
use shared_types::chats::{ChatDetail, ChatStatus, ChatSummary, Visitor};
use shared_types::error::ErrorCode;
use shared_types::ids::{AgentId, ChatId};
use shared_types::pagination::Pagination;
use worker::{SqlStorage, SqlStorageValue};

use crate::domain::chat_rules;
use crate::domain::chat_status::{self, ChatState};
use crate::error::ApiError;
use crate::objects::workspace::protocol::{
    AgentChats, ChatFilter, ChatHead, ChatOp, ChatPatch, Patched, ReadOutcome,
};
use crate::objects::workspace::sql::{rows, run};
use crate::objects::workspace::{answer, answer_written};

/// `unread_count` is what the spec means by it: visitor messages no agent has read.
pub const SUMMARY_COLUMNS: &str =
    "c.id, v.name AS visitor_name, v.email AS visitor_email, c.status,
        c.assigned_to, c.unread_count, COALESCE(c.last_message_at, c.created_at) AS last_message_at,
        c.created_at, v.verified = 1 AS visitor_verified, c.last_text AS last_message_text,
        c.last_sender AS last_message_sender
   FROM chats c JOIN visitors v ON v.id = c.visitor_id";

pub fn handle(sql: &SqlStorage, op: ChatOp) -> Result<String, ApiError> {
    match op {
        ChatOp::Head {
            chat_id,
            visitor_id,
        } => answer(head(sql, &chat_id, visitor_id.as_deref())?),
        ChatOp::Detail { chat_id } => answer(detail(sql, &chat_id)?),
        ChatOp::Summary { chat_id } => answer(summary(sql, &chat_id)?),
        ChatOp::Page {
            filter,
            limit,
            offset,
        } => {
            let (total, data) = page(sql, &filter, limit, offset)?;
            Ok(answer_written(&[
                ("data", &data),
                ("total", &total.to_string()),
            ]))
        }
        ChatOp::List {
            filter,
            page: number,
            limit,
        } => {
            let (total, data) = page(sql, &filter, limit.get(), number.offset(limit))?;
            let pagination = serde_json::to_string(&Pagination::new(number, limit, total))
                .map_err(|e| ApiError::internal(format!("a page's pagination: {e}")))?;
            Ok(format!("{{\"data\":{data},\"pagination\":{pagination}}}"))
        }
        ChatOp::Patch {
            chat_id,
            patch,
            now,
        } => answer(apply_patch(sql, &chat_id, patch, &now)?),
        ChatOp::MarkRead {
            chat_id,
            by_visitor,
            visitor_id,
            seq,
        } => answer(mark_read(
            sql,
            &chat_id,
            by_visitor,
            visitor_id.as_deref(),
            seq,
        )?),
        ChatOp::Rate {
            chat_id,
            visitor_id,
            score,
            comment,
            now,
        } => answer(rate(sql, &chat_id, &visitor_id, score, comment, &now)?),
        ChatOp::AgentCounts => answer(rows::<AgentChats>(
            sql,
            "SELECT assigned_to AS agent_id,
                    COALESCE(SUM(CASE WHEN status <> 'closed' THEN n END), 0) AS active_chats,
                    COALESCE(SUM(n), 0) AS total_chats
               FROM chat_counts WHERE assigned_to <> '' GROUP BY assigned_to",
            vec![],
        )?),
        ChatOp::UnassignAgent { agent_id, now } => {
            #[derive(Deserialize)]
            struct Id {
                id: String,
            }
            let ids: Vec<Id> = rows(
                sql,
                "UPDATE chats SET assigned_to = NULL, status = 'active', updated_at = ?2
                  WHERE assigned_to = ?1 AND status = 'assigned'
                  RETURNING id",
                vec![agent_id.into(), now.into()],
            )?;
            let mut chats = Vec::with_capacity(ids.len());
            for id in ids {
                chats.extend(summary(sql, &id.id)?);
            }
            answer(chats)
        }
    }
}

/// The chat's head; `None` when there is none, or it is not `visitor_id`'s.
pub fn head(
    sql: &SqlStorage,
    chat_id: &str,
    visitor_id: Option<&str>,
) -> Result<Option<ChatHead>, ApiError> {
    let found: Vec<ChatHead> = rows(
        sql,
        "SELECT status, assigned_to, visitor_id, rating_score FROM chats WHERE id = ?",
        vec![chat_id.into()],
    )?;
    Ok(found
        .into_iter()
        .next()
        .filter(|h| visitor_id.is_none_or(|v| v == h.visitor_id)))
}

/// One chat as lists show it.
pub fn summary(sql: &SqlStorage, chat_id: &str) -> Result<Option<ChatSummary>, ApiError> {
    let found: Vec<ChatSummary> = rows(
        sql,
        &format!("SELECT {SUMMARY_COLUMNS} WHERE c.id = ?"),
        vec![chat_id.into()],
    )?;
    Ok(found.into_iter().next())
}

/// The WHERE clause of a list and its values. Only fixed text is appended; values are
/// bound, and each combination keeps a plain equality so the matching index is used.
fn clause(filter: &ChatFilter) -> (String, Vec<SqlStorageValue>) {
    let mut conditions = Vec::new();
    let mut values: Vec<SqlStorageValue> = Vec::new();
    if let Some(status) = filter.status {
        conditions.push("c.status = ?");
        values.push(status.as_str().into());
    }
    if let Some(agent) = &filter.agent_id {
        conditions.push("c.assigned_to = ?");
        values.push(agent.as_str().into());
    }
    if let Some(visitor) = &filter.visitor_id {
        conditions.push("c.visitor_id = ?");
        values.push(visitor.as_str().into());
    }
    if conditions.is_empty() {
        (String::new(), values)
    } else {
        (format!(" WHERE {}", conditions.join(" AND ")), values)
    }
}

/// How many chats match, as a query and its values: from the trigger-kept chat_counts
/// rows (exact, and a few rows to read however many chats there are; they carry the
/// status and assignee columns [`clause`] names). A visitor's chats are few: counted
/// directly.
fn count(filter: &ChatFilter) -> (String, Vec<SqlStorageValue>) {
    let (where_, values) = clause(filter);
    let query = if filter.visitor_id.is_some() {
        format!("SELECT COUNT(*) FROM chats c{where_}")
    } else {
        format!("SELECT COALESCE(SUM(n), 0) FROM chat_counts c{where_}")
    };
    (query, values)
}

/// One page of chats, newest activity first (ties by id, the order of the chats_by_*
/// indexes, so no sort step), and how many match in all. SQLite writes the rows as the
/// JSON of [`ChatSummary`], field for field, so neither the object nor the worker
/// decodes them: the total, and the rows' JSON.
pub fn page(
    sql: &SqlStorage,
    filter: &ChatFilter,
    limit: u32,
    offset: u64,
) -> Result<(u64, String), ApiError> {
    #[derive(Deserialize)]
    struct Rows {
        total: u64,
        data: String,
    }
    // One statement for the total and the page: each statement is a round between the
    // worker's code and SQLite's.
    let (total, mut values) = count(filter);
    let (where_, page_values) = clause(filter);
    values.extend(page_values);
    values.push(i64::from(limit).into());
    values.push(i64::try_from(offset).unwrap_or(i64::MAX).into());
    let found: Vec<Rows> = rows(
        sql,
        &format!(
            "SELECT ({total}) AS total, COALESCE(json_group_array({SUMMARY_JSON}), '[]') AS data
               FROM (SELECT {SUMMARY_COLUMNS}{where_}
                      ORDER BY c.last_activity_at DESC, c.id LIMIT ? OFFSET ?) p"
        ),
        values,
    )?;
    Ok(found
        .into_iter()
        .next()
        .map_or_else(|| (0, "[]".to_string()), |r| (r.total, r.data)))
}

/// A row `p` of [`SUMMARY_COLUMNS`] as one JSON object, in [`ChatSummary`]'s field
/// order. It is written by the aggregate itself: an object made inside the page's
/// subquery would come out of it as text, to be parsed again row by row.
const SUMMARY_JSON: &str = "json_object('id', p.id, 'visitor_name', p.visitor_name,
        'visitor_email', p.visitor_email, 'status', p.status, 'assigned_to', p.assigned_to,
        'unread_count', p.unread_count, 'last_message_at', p.last_message_at,
        'created_at', p.created_at,
        'visitor_verified', json(CASE WHEN p.visitor_verified THEN 'true' ELSE 'false' END),
        'last_message_text', p.last_message_text, 'last_message_sender', p.last_message_sender)";

/// How far the visitor of chat `c` has read. The chat keeps only how many agent messages
/// the visitor has not read: those are the newest ones, so the one read last is the
/// next older.
const VISITOR_READ_SEQ: &str = "COALESCE((SELECT r.seq FROM (
        SELECT m.seq, ROW_NUMBER() OVER (ORDER BY m.seq DESC) AS k
          FROM messages m WHERE m.chat_id = c.id AND m.sender_type = 'agent') r
      WHERE r.k = c.visitor_unread_count + 1), 0) AS visitor_read_seq";

#[derive(Deserialize)]
struct DetailRow {
    id: ChatId,
    status: ChatStatus,
    assigned_to: Option<AgentId>,
    tags: String,
    notes: Option<String>,
    created_at: String,
    updated_at: String,
    visitor_name: Option<String>,
    visitor_email: Option<String>,
    visitor_phone: Option<String>,
    visitor_metadata: String,
    visitor_user_id: Option<String>,
    visitor_verified: i64,
    visitor_contact_id: Option<String>,
    visitor_country: Option<String>,
    visitor_browser: Option<String>,
    page_url: Option<String>,
    visitor_read_seq: u64,
}

/// A chat with its visitor. `visitor_read_seq` walks that one chat's messages newest
/// first along the primary key (chat_id, seq): no scan beyond the chat.
pub fn detail(sql: &SqlStorage, chat_id: &str) -> Result<Option<ChatDetail>, ApiError> {
    let found: Vec<DetailRow> = rows(
        sql,
        &format!(
            "SELECT c.id, c.status, c.assigned_to, c.tags, c.notes, c.created_at, c.updated_at,
                    v.name AS visitor_name, v.email AS visitor_email, v.phone AS visitor_phone,
                    v.metadata AS visitor_metadata, v.user_id AS visitor_user_id,
                    v.verified AS visitor_verified, v.contact_id AS visitor_contact_id,
                    v.country AS visitor_country, v.browser AS visitor_browser,
                    c.page_url, {VISITOR_READ_SEQ}
               FROM chats c JOIN visitors v ON v.id = c.visitor_id
              WHERE c.id = ?"
        ),
        vec![chat_id.into()],
    )?;
    found
        .into_iter()
        .next()
        .map(|r| {
            let decode = |what: &str, e: serde_json::Error| {
                ApiError::internal(format!("chat {} {what}: {e}", r.id))
            };
            Ok(ChatDetail {
                visitor: Visitor {
                    name: r.visitor_name.clone(),
                    email: r.visitor_email.clone(),
                    phone: r.visitor_phone.clone(),
                    metadata: serde_json::from_str(&r.visitor_metadata)
                        .map_err(|e| decode("visitor metadata", e))?,
                    user_id: r.visitor_user_id.clone(),
                    verified: r.visitor_verified != 0,
                    contact_id: r.visitor_contact_id.clone(),
                    country: r.visitor_country.clone(),
                    browser: r.visitor_browser.clone(),
                },
                tags: serde_json::from_str(&r.tags).map_err(|e| decode("tags", e))?,
                id: r.id,
                status: r.status,
                assigned_to: r.assigned_to,
                notes: r.notes,
                created_at: r.created_at,
                updated_at: r.updated_at,
                page_url: r.page_url,
                visitor_read_seq: r.visitor_read_seq,
            })
        })
        .transpose()
}

/// One UPDATE that sets only the named columns, so two PATCHes of different fields
/// both persist; the status transition is decided against the row as it is now.
fn apply_patch(
    sql: &SqlStorage,
    chat_id: &str,
    patch: ChatPatch,
    now: &str,
) -> Result<Option<Patched>, ApiError> {
    let Some(before) = detail(sql, chat_id)? else {
        return Ok(None);
    };
    let mut sets = vec![
        "updated_at = ?1".to_string(),
        "last_activity_at = MAX(last_activity_at, ?1)".to_string(),
    ];
    let mut values: Vec<SqlStorageValue> = vec![now.into(), chat_id.into()];
    let mut bind = |sets: &mut Vec<String>, column: &str, value: SqlStorageValue| {
        values.push(value);
        sets.push(format!("{column} = ?{}", values.len()));
    };
    if patch.status.is_some() || patch.assigned_to.is_some() {
        let transition = chat_status::apply(
            &ChatState {
                status: before.status,
                assigned_to: before.assigned_to.as_ref().map(|a| a.as_str().to_string()),
            },
            patch.status,
            patch.assigned_to,
        )?;
        bind(&mut sets, "status", transition.next.status.as_str().into());
        bind(&mut sets, "assigned_to", transition.next.assigned_to.into());
        if transition.closed {
            sets.push("closed_at = ?1".into());
        } else if transition.reopened {
            sets.push("closed_at = NULL".into());
            sets.push("reopened_count = reopened_count + 1".into());
        }
    }
    if let Some(tags) = patch.tags {
        let tags = serde_json::to_string(&tags).map_err(|e| ApiError::internal(e.to_string()))?;
        bind(&mut sets, "tags", tags.into());
    }
    if let Some(notes) = patch.notes {
        bind(&mut sets, "notes", notes.into());
    }
    run(
        sql,
        &format!("UPDATE chats SET {} WHERE id = ?2", sets.join(", ")),
        values,
    )?;
    let after = detail(sql, chat_id)?
        .ok_or_else(|| ApiError::internal(format!("chat {chat_id} gone while patched")))?;
    // A chat closing frees its agent: waiting chats may go out in the same step.
    let assigned = if before.status != ChatStatus::Closed && after.status == ChatStatus::Closed {
        crate::services::assignment::object::give_out(sql, now)?
    } else {
        Vec::new()
    };
    let summary = summary(sql, chat_id)?
        .ok_or_else(|| ApiError::internal(format!("chat {chat_id} has no summary")))?;
    Ok(Some(Patched {
        before,
        after,
        summary,
        assigned,
    }))
}

/// Who has read up to now: agents reset `unread_count`, the visitor its own counter.
fn mark_read(
    sql: &SqlStorage,
    chat_id: &str,
    by_visitor: bool,
    visitor_id: Option<&str>,
    seq: Option<u64>,
) -> Result<ReadOutcome, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        visitor_id: String,
        last_seq: u64,
    }
    let found: Vec<Row> = rows(
        sql,
        "SELECT visitor_id, last_seq FROM chats WHERE id = ?",
        vec![chat_id.into()],
    )?;
    let Some(row) = found
        .into_iter()
        .next()
        .filter(|r| visitor_id.is_none_or(|v| v == r.visitor_id))
    else {
        return Ok(ReadOutcome::NoChat);
    };
    if seq.is_some_and(|seq| !crate::domain::socket_bounds::read_seq_ok(seq, row.last_seq)) {
        return Ok(ReadOutcome::Beyond);
    }
    let column = if by_visitor {
        "visitor_unread_count"
    } else {
        "unread_count"
    };
    run(
        sql,
        &format!("UPDATE chats SET {column} = 0 WHERE id = ? AND {column} <> 0"),
        vec![chat_id.into()],
    )?;
    // Each reader's side needs one thing back: the agents' feed the chat's new unread
    // count, the visitor's room how far the visitor has read.
    if by_visitor {
        #[derive(Deserialize)]
        struct Seq {
            visitor_read_seq: u64,
        }
        let found: Vec<Seq> = rows(
            sql,
            &format!("SELECT {VISITOR_READ_SEQ} FROM chats c WHERE c.id = ?"),
            vec![chat_id.into()],
        )?;
        Ok(ReadOutcome::Read {
            summary: None,
            visitor_read_seq: found.first().map_or(0, |r| r.visitor_read_seq),
        })
    } else {
        Ok(ReadOutcome::Read {
            summary: summary(sql, chat_id)?,
            visitor_read_seq: 0,
        })
    }
}

/// Stores the visitor's rating of their closed, unrated chat.
fn rate(
    sql: &SqlStorage,
    chat_id: &str,
    visitor_id: &str,
    score: u8,
    comment: Option<String>,
    now: &str,
) -> Result<ChatDetail, ApiError> {
    let head = head(sql, chat_id, Some(visitor_id))?.ok_or(ErrorCode::ChatNotFound)?;
    chat_rules::check_rating(head.status, head.rating_score.is_some())?;
    run(
        sql,
        "UPDATE chats SET rating_score = ?2, rating_comment = ?3, rated_at = ?4, updated_at = ?4
          WHERE id = ?1",
        vec![
            chat_id.into(),
            i64::from(score).into(),
            comment.into(),
            now.into(),
        ],
    )?;
    detail(sql, chat_id)?.ok_or_else(|| ApiError::internal(format!("chat {chat_id} gone")))
}
