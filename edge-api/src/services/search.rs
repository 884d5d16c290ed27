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
    let words = search::words(query.q.as_str());
    if words.is_empty() {
        return Ok(ListResponse {
            data: Vec::new(),
            pagination: Pagination::new(query.page, query.limit, 0),
        });
    };
    let found: SearchPage = client::ask(
        state,
        &caller.workspace_id,
        &Request::Search(SearchOp::Find {
            words,
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

    use crate::domain::search::{self, MARK_CLOSE, MARK_OPEN};
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

    /// The most whole terms the word being typed is read as. A shorter start, of more
    /// words, is read as the prefix itself.
    const MAX_EXPANSION: usize = 16;

    /// The query of each index for `words`: the last word as the whole terms of that
    /// index which begin with it (`domain::search::expanded_query`), or as a prefix
    /// where its folded form is uncertain or it begins too many. `None` when the index
    /// holds no term that begins with it, so nothing there can match.
    struct Queries {
        messages: Option<String>,
        chats: Option<String>,
    }

    fn queries(sql: &SqlStorage, words: &[String]) -> Result<Queries, ApiError> {
        let prefix = search::prefix_query(words);
        let Some((from, to)) = words.last().and_then(|w| search::prefix_range(w)) else {
            return Ok(Queries {
                messages: prefix.clone(),
                chats: prefix,
            });
        };
        let expand = |vocabulary: &str| -> Result<Option<String>, ApiError> {
            #[derive(Deserialize)]
            struct Term {
                term: String,
            }
            // `vocabulary` is one of two names written below, never input.
            let found: Vec<Term> = rows(
                sql,
                &format!("SELECT term FROM {vocabulary} WHERE term >= ?1 AND term < ?2 LIMIT ?3"),
                vec![
                    from.as_str().into(),
                    to.as_str().into(),
                    i64::try_from(MAX_EXPANSION + 1).unwrap_or(i64::MAX).into(),
                ],
            )?;
            if found.len() > MAX_EXPANSION {
                return Ok(prefix.clone());
            }
            let terms: Vec<String> = found.into_iter().map(|t| t.term).collect();
            Ok(search::expanded_query(words, &terms))
        };
        Ok(Queries {
            messages: expand("search_message_words")?,
            chats: expand("search_chats_terms")?,
        })
    }

    /// The numbers of the newest chats (by when they started) with a matching message,
    /// or a matching visitor and tags, in the status asked for, at most
    /// [`MAX_RESULTS`] of them, each with the key of its newest matching message (null
    /// when only the visitor and tags matched). FTS5 hands matches over newest first (a
    /// message's key holds its chat's number high), so the work is bounded however
    /// common the word: at most [`MESSAGE_WINDOW`] matching messages are read, and with
    /// a status one chat row per match. Parameters: ?1 the messages' query, ?7 the
    /// chats', ?2 the status, ?5 the window, ?6 the most results.
    fn hits(queries: &Queries, status: Option<ChatStatus>) -> String {
        let messages = match (&queries.messages, status) {
            // Each query's parameter stays in the text: SQLite counts them by the highest.
            (None, _) => "SELECT NULL, NULL WHERE 0 AND ?1 IS NULL",
            // A message's chat number is its key's high half: no chat row is read.
            (Some(_), None) => {
                "SELECT s.rowid >> 32, s.rowid FROM search_messages s
                  WHERE search_messages MATCH ?1 ORDER BY s.rowid DESC LIMIT ?5"
            }
            (Some(_), Some(_)) => {
                "SELECT c.num, s.rowid FROM search_messages s JOIN chats c ON c.num = s.rowid >> 32
                  WHERE search_messages MATCH ?1 AND c.status = ?2
                  ORDER BY s.rowid DESC LIMIT ?5"
            }
        };
        let chats = match (&queries.chats, status) {
            (None, _) => "SELECT NULL WHERE 0 AND ?7 IS NULL",
            (Some(_), None) => {
                "SELECT s.rowid FROM search_chats s
                  WHERE search_chats MATCH ?7 ORDER BY s.rowid DESC LIMIT ?6"
            }
            (Some(_), Some(_)) => {
                "SELECT c.num FROM search_chats s JOIN chats c ON c.num = s.rowid
                  WHERE search_chats MATCH ?7 AND c.status = ?2
                  ORDER BY s.rowid DESC LIMIT ?6"
            }
        };
        format!(
            "WITH m(num, key) AS ({messages}),
                  ch(num) AS ({chats}),
                  hit(num, key) AS (
                    SELECT num, MAX(key) FROM (SELECT num, key FROM m UNION ALL SELECT num, NULL FROM ch)
                     GROUP BY num ORDER BY num DESC LIMIT ?6)"
        )
    }

    /// Indexes the messages waiting for the index (workspace migration 0017) when at
    /// least `at` of them wait; a search passes 1, so it sees every message stored.
    pub fn catch_up(sql: &SqlStorage, at: u32) -> Result<(), ApiError> {
        #[derive(Deserialize)]
        struct Waiting {
            n: u32,
        }
        let waiting: Vec<Waiting> = rows(sql, "SELECT COUNT(*) AS n FROM search_pending", vec![])?;
        if waiting.first().is_some_and(|w| w.n >= at) {
            crate::objects::workspace::sql::run(sql, search::CATCH_UP, vec![])?;
        }
        Ok(())
    }

    pub fn handle(sql: &SqlStorage, op: SearchOp) -> Result<String, ApiError> {
        catch_up(sql, 1)?;
        match op {
            SearchOp::Find {
                words,
                status,
                limit,
                offset,
            } => answer(find(sql, &words, status, limit, offset)?),
        }
    }

    fn status_value(status: Option<ChatStatus>) -> SqlStorageValue {
        status.map_or(SqlStorageValue::Null, |s| s.as_str().into())
    }

    fn query_value(query: &Option<String>) -> SqlStorageValue {
        query
            .as_deref()
            .map_or(SqlStorageValue::Null, SqlStorageValue::from)
    }

    /// The parameters of [`hits`], and the page's.
    fn params(
        queries: &Queries,
        status: Option<ChatStatus>,
        page: Option<(u32, u64)>,
    ) -> Vec<SqlStorageValue> {
        let (limit, offset) = match page {
            Some((limit, offset)) => (
                i64::from(limit).into(),
                i64::try_from(offset).unwrap_or(i64::MAX).into(),
            ),
            None => (SqlStorageValue::Null, SqlStorageValue::Null),
        };
        vec![
            query_value(&queries.messages),
            status_value(status),
            limit,
            offset,
            MESSAGE_WINDOW.into(),
            MAX_RESULTS.into(),
            query_value(&queries.chats),
        ]
    }

    fn find(
        sql: &SqlStorage,
        words: &[String],
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
        let queries = queries(sql, words)?;
        if queries.messages.is_none() && queries.chats.is_none() {
            return Ok(SearchPage {
                data: Vec::new(),
                total: 0,
            });
        }
        let hits = hits(&queries, status);
        let found: Vec<Row> = rows(
            sql,
            &format!(
                // Only the page's chats and visitors are read; `hit`, named twice, is
                // made once.
                "{hits}
                 SELECT c.id AS chat_id, c.num, page.key, v.name AS visitor_name,
                        v.email AS visitor_email, c.status,
                        COALESCE(c.last_message_at, c.created_at) AS last_message_at,
                        (SELECT COUNT(*) FROM hit) AS total
                   FROM (SELECT num, key FROM hit ORDER BY num DESC LIMIT ?3 OFFSET ?4) page
                   JOIN chats c ON c.num = page.num JOIN visitors v ON v.id = c.visitor_id
                  ORDER BY page.num DESC"
            ),
            params(&queries, status, Some((limit, offset))),
        )?;
        // The page carries the count; an empty first page is a count of none, and only
        // past the last page is there something left to count.
        let total = match found.first() {
            Some(row) => row.total,
            None if offset == 0 => 0,
            None => count(sql, &hits, params(&queries, status, None))?,
        };
        let keys: Vec<i64> = found.iter().filter_map(|r| r.key).collect();
        let only_chat: Vec<i64> = found
            .iter()
            .filter(|r| r.key.is_none())
            .map(|r| r.num)
            .collect();
        let mut by_message = match &queries.messages {
            Some(query) => snippets(sql, "search_messages", 0, query, &keys)?,
            None => HashMap::new(),
        };
        let mut by_chat = match &queries.chats {
            Some(query) => snippets(sql, "search_chats", -1, query, &only_chat)?,
            None => HashMap::new(),
        };
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

    fn count(sql: &SqlStorage, hits: &str, params: Vec<SqlStorageValue>) -> Result<u64, ApiError> {
        #[derive(Deserialize)]
        struct Count {
            total: u64,
        }
        let found: Vec<Count> = rows(
            sql,
            &format!("{hits} SELECT COUNT(*) AS total FROM hit"),
            params,
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
