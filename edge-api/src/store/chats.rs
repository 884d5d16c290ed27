//! Chats. Lists read the summary columns through the chats_workspace_* indexes; a
//! chat's detail joins its visitor.

use serde::Deserialize;
use shared_types::chats::{ChatDetail, ChatStatus, ChatSummary, Visitor};
use shared_types::ids::{AgentId, ChatId};
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement};

use super::{first, opt_str, run, stmt};
use crate::error::ApiError;

/// `unread_count` is what the spec means by it: visitor messages no agent has read.
const SUMMARY_COLUMNS: &str = "c.id, v.name AS visitor_name, v.email AS visitor_email, c.status,
        c.assigned_to, c.unread_count, COALESCE(c.last_message_at, c.created_at) AS last_message_at,
        c.created_at, v.verified = 1 AS visitor_verified
   FROM chats c JOIN visitors v ON v.id = c.visitor_id";

/// Which chats a list shows.
pub struct ChatFilter<'a> {
    pub workspace_id: &'a str,
    pub status: Option<ChatStatus>,
    pub agent_id: Option<&'a str>,
    pub visitor_id: Option<&'a str>,
}

impl ChatFilter<'_> {
    /// The WHERE clause and its values. Only fixed text is appended; values are bound,
    /// and each combination keeps a plain equality so the matching index is used.
    fn clause(&self) -> (String, Vec<JsValue>) {
        let mut sql = String::from(" WHERE c.workspace_id = ?1");
        let mut values = vec![JsValue::from(self.workspace_id)];
        if let Some(status) = self.status {
            values.push(status.as_str().into());
            sql.push_str(&format!(" AND c.status = ?{}", values.len()));
        }
        if let Some(agent) = self.agent_id {
            values.push(agent.into());
            sql.push_str(&format!(" AND c.assigned_to = ?{}", values.len()));
        }
        if let Some(visitor) = self.visitor_id {
            values.push(visitor.into());
            sql.push_str(&format!(" AND c.visitor_id = ?{}", values.len()));
        }
        (sql, values)
    }

    /// How many chats match, from the trigger-kept chat_counts rows (exact, and a few
    /// rows to read however many chats there are). A visitor's chats are few: those are
    /// counted directly.
    fn count_statement(&self, db: &D1Database) -> Result<D1PreparedStatement, ApiError> {
        if self.visitor_id.is_some() {
            let (clause, values) = self.clause();
            return stmt(
                db,
                &format!("SELECT COUNT(*) AS total FROM chats c{clause}"),
                &values,
            );
        }
        let mut sql = String::from(
            "SELECT COALESCE(SUM(n), 0) AS total FROM chat_counts WHERE workspace_id = ?1",
        );
        let mut values = vec![JsValue::from(self.workspace_id)];
        if let Some(status) = self.status {
            values.push(status.as_str().into());
            sql.push_str(&format!(" AND status = ?{}", values.len()));
        }
        if let Some(agent) = self.agent_id {
            values.push(agent.into());
            sql.push_str(&format!(" AND assigned_to = ?{}", values.len()));
        }
        stmt(db, &sql, &values)
    }
}

/// One page of chats, newest activity first (ties by id, the order of the
/// chats_workspace_* indexes, so no sort step), and how many chats match in all. Both
/// queries go to D1 in one batch.
pub async fn page(
    db: &D1Database,
    filter: &ChatFilter<'_>,
    limit: u32,
    offset: u64,
) -> Result<(Vec<ChatSummary>, u64), ApiError> {
    #[derive(Deserialize)]
    struct Count {
        total: u64,
    }
    let count = filter.count_statement(db)?;
    let (clause, mut page_values) = filter.clause();
    page_values.push(limit.into());
    page_values.push(JsValue::from(offset as f64));
    let n = page_values.len();
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS}{clause} ORDER BY c.last_activity_at DESC, c.id LIMIT ?{} OFFSET ?{n}",
        n - 1
    );
    let rows = stmt(db, &sql, &page_values)?;
    let results = db
        .batch(vec![count, rows])
        .await
        .map_err(|e| super::d1_error("chat page", e))?;
    let decode = |e: worker::Error| ApiError::internal(format!("decoding chat page: {e}"));
    let mut results = results.into_iter();
    let total = results
        .next()
        .map(|r| r.results::<Count>())
        .transpose()
        .map_err(decode)?
        .and_then(|rows| rows.into_iter().next())
        .map_or(0, |c| c.total);
    let chats = results
        .next()
        .map(|r| r.results::<ChatSummary>())
        .transpose()
        .map_err(decode)?
        .unwrap_or_default();
    Ok((chats, total))
}

/// The `seq` of the chat's last message (0 before any), which no read receipt may pass.
pub async fn last_seq(db: &D1Database, workspace_id: &str, chat_id: &str) -> Result<u64, ApiError> {
    #[derive(serde::Deserialize)]
    struct Row {
        last_seq: u64,
    }
    let row: Option<Row> = first(
        db,
        "SELECT last_seq FROM chats WHERE workspace_id = ?1 AND id = ?2",
        &[workspace_id.into(), chat_id.into()],
    )
    .await?;
    Ok(row.map_or(0, |r| r.last_seq))
}

/// One chat as lists show it (for feed events).
pub async fn summary(
    db: &D1Database,
    workspace_id: &str,
    chat_id: &str,
) -> Result<Option<ChatSummary>, ApiError> {
    first(
        db,
        &format!("SELECT {SUMMARY_COLUMNS} WHERE c.workspace_id = ?1 AND c.id = ?2"),
        &[workspace_id.into(), chat_id.into()],
    )
    .await
}

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
    page_url: Option<String>,
    visitor_read_seq: u64,
}

/// A chat of the workspace with its visitor. `visitor_read_seq` walks that one chat's
/// messages newest first through `messages_chat_seq` (EXPLAIN QUERY PLAN: a SEARCH on
/// `chat_id`, no table scan).
pub async fn detail(
    db: &D1Database,
    workspace_id: &str,
    chat_id: &str,
) -> Result<Option<ChatDetail>, ApiError> {
    let row: Option<DetailRow> = first(
        db,
        "SELECT c.id, c.status, c.assigned_to, c.tags, c.notes, c.created_at, c.updated_at,
                v.name AS visitor_name, v.email AS visitor_email, v.phone AS visitor_phone,
                v.metadata AS visitor_metadata, v.user_id AS visitor_user_id,
                v.verified AS visitor_verified, c.page_url,
                -- The chat keeps only how many agent messages the visitor has not read:
                -- those are the newest ones, so the one read last is the next older.
                COALESCE((SELECT r.seq FROM (
                    SELECT m.seq, ROW_NUMBER() OVER (ORDER BY m.seq DESC) AS k
                      FROM messages m WHERE m.chat_id = c.id AND m.sender_type = 'agent') r
                  WHERE r.k = c.visitor_unread_count + 1), 0) AS visitor_read_seq
           FROM chats c JOIN visitors v ON v.id = c.visitor_id
          WHERE c.workspace_id = ?1 AND c.id = ?2",
        &[workspace_id.into(), chat_id.into()],
    )
    .await?;
    row.map(|r| {
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

/// What decides who may touch a chat and how it may change.
#[derive(Debug, Deserialize)]
pub struct ChatHead {
    pub status: ChatStatus,
    pub assigned_to: Option<String>,
    pub visitor_id: String,
    pub rating_score: Option<u8>,
}

pub async fn head(
    db: &D1Database,
    workspace_id: &str,
    chat_id: &str,
) -> Result<Option<ChatHead>, ApiError> {
    first(
        db,
        "SELECT status, assigned_to, visitor_id, rating_score FROM chats
          WHERE workspace_id = ?1 AND id = ?2",
        &[workspace_id.into(), chat_id.into()],
    )
    .await
}

/// A new status and assignee, as `domain::chat_status::apply` decided them.
pub struct StateChange<'a> {
    pub status: ChatStatus,
    pub assigned_to: Option<&'a str>,
    pub closed_now: bool,
    pub reopened: bool,
}

/// The fields a PATCH names, and only those: a field left `None` keeps whatever a
/// concurrent PATCH wrote into it.
pub struct ChatUpdate<'a> {
    pub state: Option<StateChange<'a>>,
    /// A JSON array.
    pub tags: Option<&'a str>,
    /// `Some(None)` clears the note.
    pub notes: Option<Option<&'a str>>,
    pub now: &'a str,
}

/// One UPDATE that sets only the given columns, so two PATCHes of different fields
/// both persist. Only fixed text is appended; every value is bound.
pub fn update_statement(
    db: &D1Database,
    workspace_id: &str,
    chat_id: &str,
    u: &ChatUpdate<'_>,
) -> Result<D1PreparedStatement, ApiError> {
    let mut sets = vec![
        "updated_at = ?3".to_string(),
        "last_activity_at = MAX(last_activity_at, ?3)".to_string(),
    ];
    let mut values: Vec<JsValue> = vec![workspace_id.into(), chat_id.into(), u.now.into()];
    let mut bind = |sets: &mut Vec<String>, column: &str, value: JsValue| {
        values.push(value);
        sets.push(format!("{column} = ?{}", values.len()));
    };
    if let Some(change) = &u.state {
        bind(&mut sets, "status", change.status.as_str().into());
        bind(&mut sets, "assigned_to", opt_str(change.assigned_to));
        if change.closed_now {
            sets.push("closed_at = ?3".into());
        } else if change.reopened {
            sets.push("closed_at = NULL".into());
            sets.push("reopened_count = reopened_count + 1".into());
        }
    }
    if let Some(tags) = u.tags {
        bind(&mut sets, "tags", tags.into());
    }
    if let Some(notes) = u.notes {
        bind(&mut sets, "notes", opt_str(notes));
    }
    stmt(
        db,
        &format!(
            "UPDATE chats SET {} WHERE workspace_id = ?1 AND id = ?2",
            sets.join(", ")
        ),
        &values,
    )
}

pub async fn update(
    db: &D1Database,
    workspace_id: &str,
    chat_id: &str,
    u: &ChatUpdate<'_>,
) -> Result<(), ApiError> {
    update_statement(db, workspace_id, chat_id, u)?
        .run()
        .await
        .map_err(|e| super::d1_error("update chat", e))
        .map(drop)
}

pub struct NewChat<'a> {
    pub id: &'a str,
    pub workspace_id: &'a str,
    pub visitor_id: &'a str,
    pub page_url: Option<&'a str>,
    pub now: &'a str,
}

/// The statement that creates an open, unassigned chat with no messages yet.
pub fn insert_statement(db: &D1Database, c: &NewChat<'_>) -> Result<D1PreparedStatement, ApiError> {
    stmt(
        db,
        "INSERT INTO chats (id, workspace_id, visitor_id, status, page_url, last_activity_at,
                            created_at, updated_at)
         VALUES (?1, ?2, ?3, 'active', ?4, ?5, ?5, ?5)",
        &[
            c.id.into(),
            c.workspace_id.into(),
            c.visitor_id.into(),
            opt_str(c.page_url),
            c.now.into(),
        ],
    )
}

/// Who has read up to now: agents reset `unread_count`, the visitor its own counter.
pub async fn mark_read(
    db: &D1Database,
    workspace_id: &str,
    chat_id: &str,
    by_visitor: bool,
) -> Result<(), ApiError> {
    let sql = if by_visitor {
        "UPDATE chats SET visitor_unread_count = 0 WHERE workspace_id = ?1 AND id = ?2"
    } else {
        "UPDATE chats SET unread_count = 0 WHERE workspace_id = ?1 AND id = ?2"
    };
    run(db, sql, &[workspace_id.into(), chat_id.into()])
        .await
        .map(drop)
}

/// Stores a rating of a closed, unrated chat; false when it was not closed or already
/// rated (the caller checked which).
pub async fn rate(
    db: &D1Database,
    workspace_id: &str,
    chat_id: &str,
    score: u8,
    comment: Option<&str>,
    now: &str,
) -> Result<bool, ApiError> {
    let changed = run(
        db,
        "UPDATE chats SET rating_score = ?3, rating_comment = ?4, rated_at = ?5, updated_at = ?5
          WHERE workspace_id = ?1 AND id = ?2 AND status = 'closed' AND rating_score IS NULL",
        &[
            workspace_id.into(),
            chat_id.into(),
            JsValue::from(score),
            opt_str(comment),
            now.into(),
        ],
    )
    .await?;
    // D1 counts the analytics triggers' writes too; any change means the row was rated.
    Ok(changed > 0)
}

/// Reopens a closed chat (a visitor wrote into it): back to assigned if it has an
/// assignee, else active; counted as a reopening.
pub fn reopen_statement(
    db: &D1Database,
    workspace_id: &str,
    chat_id: &str,
    now: &str,
) -> Result<D1PreparedStatement, ApiError> {
    stmt(
        db,
        "UPDATE chats SET
            status = CASE WHEN assigned_to IS NULL THEN 'active' ELSE 'assigned' END,
            closed_at = NULL, reopened_count = reopened_count + 1, updated_at = ?3
          WHERE workspace_id = ?1 AND id = ?2 AND status = 'closed'",
        &[workspace_id.into(), chat_id.into(), now.into()],
    )
}
