//! Canned responses: the team's ready answers, kept in the workspace's object. Every
//! agent reads them (the composer offers them after `/`); owners and admins change
//! them. A shortcut names one response in the workspace (CANNED-002 otherwise).

use shared_types::canned::{CannedResponse, NewCannedResponse, UpdateCannedResponse};
use shared_types::error::ErrorCode;

use crate::auth::Caller;
use crate::domain::{ids, time};
use crate::error::ApiError;
use crate::objects::workspace::client;
use crate::objects::workspace::protocol::{CannedOp, CannedUpdate, Request};
use crate::state::AppState;

async fn call<T: serde::de::DeserializeOwned>(
    state: &AppState,
    workspace_id: &str,
    op: CannedOp,
) -> Result<T, ApiError> {
    client::ask(state, workspace_id, &Request::Canned(op)).await
}

/// Every canned response of the caller's workspace, by shortcut.
pub async fn list(state: &AppState, caller: &Caller) -> Result<Vec<CannedResponse>, ApiError> {
    call(state, &caller.workspace_id, CannedOp::List).await
}

pub async fn create(
    state: &AppState,
    caller: &Caller,
    body: NewCannedResponse,
) -> Result<CannedResponse, ApiError> {
    caller.require_manager()?;
    let canned = CannedResponse {
        id: ids::new_id("canned"),
        shortcut: body.shortcut,
        title: body.title,
        text: body.text,
        created_at: time::now_rfc3339(),
    };
    let inserted: bool = call(
        state,
        &caller.workspace_id,
        CannedOp::Insert {
            canned: canned.clone(),
        },
    )
    .await?;
    if !inserted {
        return Err(ErrorCode::CannedShortcutTaken.into());
    }
    Ok(canned)
}

pub async fn update(
    state: &AppState,
    caller: &Caller,
    id: &str,
    patch: UpdateCannedResponse,
) -> Result<CannedResponse, ApiError> {
    caller.require_manager()?;
    let answer: CannedUpdate = call(
        state,
        &caller.workspace_id,
        CannedOp::Update {
            id: id.to_string(),
            patch,
            now: time::now_rfc3339(),
        },
    )
    .await?;
    match answer {
        CannedUpdate::Updated { canned } => Ok(canned),
        CannedUpdate::NotFound => Err(ErrorCode::CannedNotFound.into()),
        CannedUpdate::ShortcutTaken => Err(ErrorCode::CannedShortcutTaken.into()),
    }
}

pub async fn delete(state: &AppState, caller: &Caller, id: &str) -> Result<(), ApiError> {
    caller.require_manager()?;
    let deleted: bool = call(
        state,
        &caller.workspace_id,
        CannedOp::Delete { id: id.to_string() },
    )
    .await?;
    if deleted {
        Ok(())
    } else {
        Err(ErrorCode::CannedNotFound.into())
    }
}

/// The SQL of canned responses, run inside the workspace's object.
pub mod object {
    use serde::Deserialize;
    use shared_types::canned::CannedResponse;
    use worker::SqlStorage;

    use crate::error::ApiError;
    use crate::objects::workspace::answer;
    use crate::objects::workspace::protocol::{CannedOp, CannedUpdate};
    use crate::objects::workspace::sql::{rows, written};

    #[derive(Deserialize)]
    struct Row {
        id: String,
        shortcut: String,
        title: String,
        text: String,
        created_at: String,
    }

    impl TryFrom<Row> for CannedResponse {
        type Error = ApiError;

        fn try_from(r: Row) -> Result<Self, ApiError> {
            let bad = |what: &str| ApiError::internal(format!("canned {} {what}", r.id));
            Ok(CannedResponse {
                shortcut: r.shortcut.parse().map_err(|_| bad("shortcut"))?,
                title: r.title.parse().map_err(|_| bad("title"))?,
                text: r.text.parse().map_err(|_| bad("text"))?,
                id: r.id,
                created_at: r.created_at,
            })
        }
    }

    const SELECT: &str = "SELECT id, shortcut, title, text, created_at FROM canned_responses";

    fn one(sql: &SqlStorage, id: &str) -> Result<Option<CannedResponse>, ApiError> {
        rows::<Row>(sql, &format!("{SELECT} WHERE id = ?"), vec![id.into()])?
            .into_iter()
            .next()
            .map(CannedResponse::try_from)
            .transpose()
    }

    fn shortcut_taken(
        sql: &SqlStorage,
        shortcut: &str,
        other_than: &str,
    ) -> Result<bool, ApiError> {
        #[derive(Deserialize)]
        struct N {
            n: u32,
        }
        Ok(rows::<N>(
            sql,
            "SELECT COUNT(*) AS n FROM canned_responses WHERE shortcut = ?1 AND id <> ?2",
            vec![shortcut.into(), other_than.into()],
        )?
        .first()
        .is_some_and(|r| r.n > 0))
    }

    pub fn handle(sql: &SqlStorage, op: CannedOp) -> Result<String, ApiError> {
        match op {
            CannedOp::List => {
                let all: Vec<CannedResponse> =
                    rows::<Row>(sql, &format!("{SELECT} ORDER BY shortcut"), vec![])?
                        .into_iter()
                        .map(CannedResponse::try_from)
                        .collect::<Result<_, _>>()?;
                answer(all)
            }
            CannedOp::Insert { canned: c } => {
                if shortcut_taken(sql, c.shortcut.as_str(), "")? {
                    return answer(false);
                }
                let n = written(
                    sql,
                    "INSERT INTO canned_responses (id, shortcut, title, text, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?5) RETURNING id",
                    vec![
                        c.id.as_str().into(),
                        c.shortcut.as_str().into(),
                        c.title.as_str().into(),
                        c.text.as_str().into(),
                        c.created_at.as_str().into(),
                    ],
                )?;
                answer(n == 1)
            }
            CannedOp::Update { id, patch, now } => {
                let Some(current) = one(sql, &id)? else {
                    return answer(CannedUpdate::NotFound);
                };
                if let Some(s) = &patch.shortcut {
                    if shortcut_taken(sql, s.as_str(), &id)? {
                        return answer(CannedUpdate::ShortcutTaken);
                    }
                }
                let canned = CannedResponse {
                    shortcut: patch.shortcut.unwrap_or(current.shortcut),
                    title: patch.title.unwrap_or(current.title),
                    text: patch.text.unwrap_or(current.text),
                    ..current
                };
                written(
                    sql,
                    "UPDATE canned_responses SET shortcut = ?2, title = ?3, text = ?4, updated_at = ?5
                      WHERE id = ?1 RETURNING id",
                    vec![
                        id.as_str().into(),
                        canned.shortcut.as_str().into(),
                        canned.title.as_str().into(),
                        canned.text.as_str().into(),
                        now.into(),
                    ],
                )?;
                answer(CannedUpdate::Updated { canned })
            }
            CannedOp::Delete { id } => {
                let n = written(
                    sql,
                    "DELETE FROM canned_responses WHERE id = ? RETURNING id",
                    vec![id.into()],
                )?;
                answer(n == 1)
            }
        }
    }
}
