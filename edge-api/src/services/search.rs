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

/// One page of the chats found, newest activity first, each with a snippet of HTML
/// that marks the match. Any agent may search: every agent sees every chat.
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
    use serde::Deserialize;
    use shared_types::chats::ChatStatus;
    use shared_types::search::SearchHit;
    use worker::{SqlStorage, SqlStorageValue};

    use crate::domain::search::{chat_keys, MARK_CLOSE, MARK_OPEN};
    use crate::error::ApiError;
    use crate::objects::workspace::answer;
    use crate::objects::workspace::protocol::{SearchOp, SearchPage};
    use crate::objects::workspace::sql::rows;

    /// Words of context FTS5 keeps around a match.
    const SNIPPET_TOKENS: i64 = 12;

    /// The numbers of the chats with a matching message or visitor and tags. `UNION`
    /// makes each chat one row however many of its messages match.
    const HITS: &str = "WITH hit(num) AS (
            SELECT rowid >> 32 FROM search_messages WHERE search_messages MATCH ?1
            UNION
            SELECT rowid FROM search_chats WHERE search_chats MATCH ?1)";

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
                 SELECT c.id AS chat_id, c.num, v.name AS visitor_name, v.email AS visitor_email,
                        c.status, COALESCE(c.last_message_at, c.created_at) AS last_message_at,
                        COUNT(*) OVER () AS total
                   FROM hit JOIN chats c ON c.num = hit.num JOIN visitors v ON v.id = c.visitor_id
                  WHERE ?2 IS NULL OR c.status = ?2
                  ORDER BY c.last_activity_at DESC, c.id
                  LIMIT ?3 OFFSET ?4"
            ),
            vec![
                query.into(),
                status_value(status),
                i64::from(limit).into(),
                i64::try_from(offset).unwrap_or(i64::MAX).into(),
            ],
        )?;
        // The window counts only when the page has rows; past the last page, count.
        let total = match found.first() {
            Some(row) => row.total,
            None => count(sql, query, status)?,
        };
        let data = found
            .into_iter()
            .map(|r| {
                Ok(SearchHit {
                    snippet: snippet(sql, query, r.num)?,
                    chat_id: r.chat_id,
                    visitor_name: r.visitor_name,
                    visitor_email: r.visitor_email,
                    status: r.status,
                    last_message_at: r.last_message_at,
                })
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        Ok(SearchPage { data, total })
    }

    fn count(sql: &SqlStorage, query: &str, status: Option<ChatStatus>) -> Result<u64, ApiError> {
        #[derive(Deserialize)]
        struct Count {
            total: u64,
        }
        let found: Vec<Count> = rows(
            sql,
            &format!(
                "{HITS}
                 SELECT COUNT(*) AS total FROM hit JOIN chats c ON c.num = hit.num
                  WHERE ?2 IS NULL OR c.status = ?2"
            ),
            vec![query.into(), status_value(status)],
        )?;
        Ok(found.first().map_or(0, |c| c.total))
    }

    /// The chat's newest matching message around its match, or else its visitor and
    /// tags around theirs.
    fn snippet(sql: &SqlStorage, query: &str, num: i64) -> Result<String, ApiError> {
        #[derive(Deserialize)]
        struct Snippet {
            s: String,
        }
        let (lo, hi) = chat_keys(num);
        let message: Vec<Snippet> = rows(
            sql,
            "SELECT snippet(search_messages, 0, ?2, ?3, '…', ?4) AS s FROM search_messages
              WHERE search_messages MATCH ?1 AND rowid BETWEEN ?5 AND ?6
              ORDER BY rowid DESC LIMIT 1",
            vec![
                query.into(),
                MARK_OPEN.into(),
                MARK_CLOSE.into(),
                SNIPPET_TOKENS.into(),
                lo.into(),
                hi.into(),
            ],
        )?;
        if let Some(found) = message.into_iter().next() {
            return Ok(found.s);
        }
        let chat: Vec<Snippet> = rows(
            sql,
            "SELECT snippet(search_chats, -1, ?2, ?3, '…', ?4) AS s FROM search_chats
              WHERE search_chats MATCH ?1 AND rowid = ?5",
            vec![
                query.into(),
                MARK_OPEN.into(),
                MARK_CLOSE.into(),
                SNIPPET_TOKENS.into(),
                num.into(),
            ],
        )?;
        Ok(chat.into_iter().next().map(|c| c.s).unwrap_or_default())
    }
}
