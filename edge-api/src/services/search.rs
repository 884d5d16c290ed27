//! Search: the chats of the caller's workspace whose messages, visitor name, visitor
//! email or tags hold every word typed. The index is the workspace object's own (FTS5,
//! workspace migration 0008), so a search can only ever read one workspace.

use shared_types::pagination::{ListResponse, Pagination};
use shared_types::search::{SearchHit, SearchQuery};

use crate::auth::Caller;
use crate::domain::search;
use crate::error::ApiError;
use crate::objects::workspace::client;
use crate::objects::workspace::protocol::{Request, SearchOp, SearchPage};
use crate::state::AppState;

/// One page of the chats found, newest first (by when they started; at most the
/// object's `MAX_RESULTS`, which `total` then reads), each with a snippet of HTML that
/// marks the match. Any agent may search: every agent sees every chat.
pub async fn find(
    state: &AppState,
    caller: &Caller,
    query: SearchQuery,
) -> Result<ListResponse<SearchHit>, ApiError> {
    let Some(fts) = search::fts_query(query.q.as_str()) else {
        return Ok(ListResponse {
            data: Vec::new(),
            pagination: Pagination::new(query.page, query.limit, 0),
        });
    };
    let found: SearchPage = client::ask(
        state,
        &caller.workspace_id,
        &Request::Search(SearchOp::Find {
            query: fts,
            status: query.status,
            limit: query.limit.get(),
            offset: query.page.offset(query.limit),
        }),
    )
    .await?;
    Ok(ListResponse {
        data: found
            .data
            .into_iter()
            .map(|hit| SearchHit {
                snippet: search::snippet_html(&hit.snippet),
                ..hit
            })
            .collect(),
        pagination: Pagination::new(query.page, query.limit, found.total),
    })
}

/// The SQL of search, run inside the workspace's object.
pub mod object {
    use std::collections::HashMap;

    use serde::Deserialize;
    use shared_types::chats::ChatStatus;
    use shared_types::search::SearchHit;
    use worker::{SqlStorage, SqlStorageValue};

    use crate::domain::search::{MARK_CLOSE, MARK_OPEN};
    use crate::error::ApiError;
    use crate::objects::workspace::answer;
    use crate::objects::workspace::protocol::{SearchOp, SearchPage};
    use crate::objects::workspace::sql::rows;

    /// Words of context FTS5 keeps around a match.
    const SNIPPET_TOKENS: i64 = 12;

    /// The most chats a search lists, newest first; `total` counts up to here. An agent
    /// who needs more types another word.
    pub const MAX_RESULTS: i64 = 200;

    /// The most matching messages one search reads: enough for [`MAX_RESULTS`] chats
    /// at five matches each.
    const MESSAGE_WINDOW: i64 = 1_000;

    /// The numbers of the newest chats (by when they started) with a matching message,
    /// or a matching visitor and tags, in the status asked for, at most
    /// [`MAX_RESULTS`] of them, each with the key of its newest matching message (null
    /// when only the visitor and tags matched). FTS5 hands matches over newest first (a
    /// message's key holds its chat's number high), so the work is bounded however
    /// common the word: at most [`MESSAGE_WINDOW`] matching messages are read, and one
    /// chat row per match.
    const HITS: &str = "WITH m(num, key) AS (
            SELECT c.num, s.rowid FROM search_messages s JOIN chats c ON c.num = s.rowid >> 32
             WHERE search_messages MATCH ?1 AND (?2 IS NULL OR c.status = ?2)
             ORDER BY s.rowid DESC LIMIT ?5),
          ch(num) AS (
            SELECT c.num FROM search_chats s JOIN chats c ON c.num = s.rowid
             WHERE search_chats MATCH ?1 AND (?2 IS NULL OR c.status = ?2)
             ORDER BY s.rowid DESC LIMIT ?6),
          hit(num, key) AS (
            SELECT num, MAX(key) FROM (SELECT num, key FROM m UNION ALL SELECT num, NULL FROM ch)
             GROUP BY num ORDER BY num DESC LIMIT ?6)";

    pub fn handle(sql: &SqlStorage, op: SearchOp) -> Result<String, ApiError> {
        match op {
            SearchOp::Find {
                query,
                status,
                limit,
                offset,
            } => answer(find(sql, &query, status, limit, offset)?),
        }
    }

    fn status_value(status: Option<ChatStatus>) -> SqlStorageValue {
        status.map_or(SqlStorageValue::Null, |s| s.as_str().into())
    }

    fn find(
        sql: &SqlStorage,
        query: &str,
        status: Option<ChatStatus>,
        limit: u32,
        offset: u64,
    ) -> Result<SearchPage, ApiError> {
        #[derive(Deserialize)]
        struct Row {
            chat_id: String,
            num: i64,
            key: Option<i64>,
            visitor_name: Option<String>,
            visitor_email: Option<String>,
            status: ChatStatus,
            last_message_at: String,
            total: u64,
        }
        let found: Vec<Row> = rows(
            sql,
            &format!(
                "{HITS}
                 SELECT c.id AS chat_id, c.num, hit.key, v.name AS visitor_name,
                        v.email AS visitor_email, c.status,
                        COALESCE(c.last_message_at, c.created_at) AS last_message_at,
                        COUNT(*) OVER () AS total
                   FROM hit JOIN chats c ON c.num = hit.num JOIN visitors v ON v.id = c.visitor_id
                  ORDER BY hit.num DESC
                  LIMIT ?3 OFFSET ?4"
            ),
            vec![
                query.into(),
                status_value(status),
                i64::from(limit).into(),
                i64::try_from(offset).unwrap_or(i64::MAX).into(),
                MESSAGE_WINDOW.into(),
                MAX_RESULTS.into(),
            ],
        )?;
        // The window counts only when the page has rows; past the last page, count.
        let total = match found.first() {
            Some(row) => row.total,
            None => count(sql, query, status)?,
        };
        let keys: Vec<i64> = found.iter().filter_map(|r| r.key).collect();
        let only_chat: Vec<i64> = found
            .iter()
            .filter(|r| r.key.is_none())
            .map(|r| r.num)
            .collect();
        let mut by_message = snippets(sql, "search_messages", 0, query, &keys)?;
        let mut by_chat = snippets(sql, "search_chats", -1, query, &only_chat)?;
        let data = found
            .into_iter()
            .map(|r| SearchHit {
                snippet: match r.key {
                    Some(key) => by_message.remove(&key),
                    None => by_chat.remove(&r.num),
                }
                .unwrap_or_default(),
                chat_id: r.chat_id,
                visitor_name: r.visitor_name,
                visitor_email: r.visitor_email,
                status: r.status,
                last_message_at: r.last_message_at,
            })
            .collect();
        Ok(SearchPage { data, total })
    }

    fn count(sql: &SqlStorage, query: &str, status: Option<ChatStatus>) -> Result<u64, ApiError> {
        #[derive(Deserialize)]
        struct Count {
            total: u64,
        }
        let found: Vec<Count> = rows(
            sql,
            &format!("{HITS} SELECT COUNT(*) AS total FROM hit"),
            vec![
                query.into(),
                status_value(status),
                SqlStorageValue::Null,
                SqlStorageValue::Null,
                MESSAGE_WINDOW.into(),
                MAX_RESULTS.into(),
            ],
        )?;
        Ok(found.first().map_or(0, |c| c.total))
    }

    /// The snippets of the rows `keys` of `table` (`column` -1: whichever column
    /// matched best), in one pass. FTS5 prepares a word's matches once per query (all
    /// the words a prefix stands for, merged), so one query over the range the page
    /// spans costs that once, not once a row; the `+` keeps SQLite from handing the
    /// key list to FTS5 as a lookup per key.
    fn snippets(
        sql: &SqlStorage,
        table: &str,
        column: i64,
        query: &str,
        keys: &[i64],
    ) -> Result<HashMap<i64, String>, ApiError> {
        #[derive(Deserialize)]
        struct Snippet {
            key: i64,
            s: String,
        }
        let (Some(lo), Some(hi)) = (keys.iter().min(), keys.iter().max()) else {
            return Ok(HashMap::new());
        };
        let list = serde_json::to_string(keys)
            .map_err(|e| ApiError::internal(format!("search keys: {e}")))?;
        // `table` is one of two names written above, never input.
        let found: Vec<Snippet> = rows(
            sql,
            &format!(
                "SELECT rowid AS key, snippet({table}, ?7, ?2, ?3, '…', ?4) AS s FROM {table}
                  WHERE {table} MATCH ?1 AND rowid BETWEEN ?5 AND ?6
                    AND +rowid IN (SELECT value FROM json_each(?8))"
            ),
            vec![
                query.into(),
                MARK_OPEN.into(),
                MARK_CLOSE.into(),
                SNIPPET_TOKENS.into(),
                (*lo).into(),
                (*hi).into(),
                column.into(),
                list.into(),
            ],
        )?;
        Ok(found.into_iter().map(|f| (f.key, f.s)).collect())
    }
}
