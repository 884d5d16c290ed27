//! Private notes: what agents tell each other about a chat, kept beside it in the
//! workspace's object and shown only to agents. A note is not a message: it takes no
//! seq and goes to no visitor socket, message list, mail or webhook; the agents' feed
//! gets it as `note.created`, for the console's timeline.

use shared_types::error::ErrorCode;
use shared_types::notes::{ChatNote, NewNote, NoteAuthor};
use shared_types::realtime::ServerFrame;

use crate::auth::Caller;
use crate::domain::{ids, time};
use crate::error::ApiError;
use crate::objects::workspace::client;
use crate::objects::workspace::protocol::{NoteOp, Request};
use crate::services::{chats, sockets};
use crate::state::AppState;

/// A new note on a chat of the caller's workspace, by the caller.
pub async fn add(
    state: &AppState,
    caller: &Caller,
    raw_chat_id: &str,
    body: NewNote,
) -> Result<ChatNote, ApiError> {
    let chat_id = chats::parse_id(raw_chat_id)?;
    let note = ChatNote {
        id: ids::new_id("note"),
        chat_id: chat_id.as_str().to_string(),
        text: body.text.as_str().to_string(),
        author: NoteAuthor {
            id: caller.agent_id.clone(),
            name: caller.agent_name.clone(),
        },
        created_at: time::now_rfc3339(),
    };
    let inserted: bool = client::ask(
        state,
        &caller.workspace_id,
        &Request::Notes(NoteOp::Insert { note: note.clone() }),
    )
    .await?;
    if !inserted {
        return Err(ErrorCode::ChatNotFound.into());
    }
    sockets::publish(
        state,
        &caller.workspace_id,
        &ServerFrame::NoteCreated { note: note.clone() },
    )
    .await;
    Ok(note)
}

/// The chat's notes, oldest first.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    raw_chat_id: &str,
) -> Result<Vec<ChatNote>, ApiError> {
    let chat_id = chats::parse_id(raw_chat_id)?;
    let found: Option<Vec<ChatNote>> = client::ask(
        state,
        &caller.workspace_id,
        &Request::Notes(NoteOp::List {
            chat_id: chat_id.as_str().to_string(),
        }),
    )
    .await?;
    found.ok_or_else(|| ErrorCode::ChatNotFound.into())
}

/// The SQL of notes, run inside the workspace's object.
pub mod object {
    use serde::Deserialize;
    use shared_types::notes::{ChatNote, NoteAuthor};
    use worker::SqlStorage;

    use crate::error::ApiError;
    use crate::objects::workspace::answer;
    use crate::objects::workspace::protocol::NoteOp;
    use crate::objects::workspace::sql::{rows, run};
    use crate::services::chats::object as chats;

    pub fn handle(sql: &SqlStorage, op: NoteOp) -> Result<String, ApiError> {
        match op {
            NoteOp::Insert { note } => {
                if chats::head(sql, &note.chat_id, None)?.is_none() {
                    return answer(false);
                }
                run(
                    sql,
                    "INSERT INTO chat_notes (id, chat_id, author_id, author_name, text, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    vec![
                        note.id.as_str().into(),
                        note.chat_id.as_str().into(),
                        note.author.id.as_str().into(),
                        note.author.name.as_str().into(),
                        note.text.as_str().into(),
                        note.created_at.as_str().into(),
                    ],
                )?;
                answer(true)
            }
            NoteOp::List { chat_id } => {
                if chats::head(sql, &chat_id, None)?.is_none() {
                    return answer(None::<Vec<ChatNote>>);
                }
                #[derive(Deserialize)]
                struct Row {
                    id: String,
                    chat_id: String,
                    author_id: String,
                    author_name: String,
                    text: String,
                    created_at: String,
                }
                let found: Vec<Row> = rows(
                    sql,
                    "SELECT id, chat_id, author_id, author_name, text, created_at FROM chat_notes
                      WHERE chat_id = ? ORDER BY created_at, rowid",
                    vec![chat_id.into()],
                )?;
                answer(Some(
                    found
                        .into_iter()
                        .map(|r| ChatNote {
                            id: r.id,
                            chat_id: r.chat_id,
                            text: r.text,
                            author: NoteAuthor {
                                id: r.author_id,
                                name: r.author_name,
                            },
                            created_at: r.created_at,
                        })
                        .collect::<Vec<_>>(),
                ))
            }
        }
    }
}
