//! Contacts: the people behind the workspace's visitors (`domain::contact` says who
//! joins whom). Every agent reads and edits them; erasing one, with every chat, message
//! and file of theirs, is for owners and admins, as GDPR's right to erasure asks.

use shared_types::contacts::{Contact, ContactDetail, ContactQuery, UpdateContact};
use shared_types::error::{ErrorCode, FieldErrors};
use shared_types::pagination::{ListResponse, Pagination};

use crate::auth::Caller;
use crate::domain::{bounds, search, socket_bounds, time};
use crate::error::ApiError;
use crate::objects::workspace::client;
use crate::objects::workspace::protocol::{ContactErased, ContactOp, ContactPage, Request};
use crate::services::{files, sockets};
use crate::state::AppState;
use crate::store;

async fn call<T: serde::de::DeserializeOwned>(
    state: &AppState,
    workspace_id: &str,
    op: ContactOp,
) -> Result<T, ApiError> {
    client::ask(state, workspace_id, &Request::Contacts(op)).await
}

/// One page of contacts, the last seen first; with `q`, those whose name, email or
/// phone hold every word.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    query: ContactQuery,
) -> Result<ListResponse<Contact>, ApiError> {
    let fts = match &query.q {
        Some(q) => match search::fts_query(q.as_str()) {
            Some(fts) => Some(fts),
            // Nothing searchable typed (only punctuation): nothing can match.
            None => {
                return Ok(ListResponse {
                    data: Vec::new(),
                    pagination: Pagination::new(query.page, query.limit, 0),
                })
            }
        },
        None => None,
    };
    let found: ContactPage = call(
        state,
        &caller.workspace_id,
        ContactOp::List {
            query: fts,
            limit: query.limit.get(),
            offset: query.page.offset(query.limit),
        },
    )
    .await?;
    Ok(ListResponse {
        data: found.data,
        pagination: Pagination::new(query.page, query.limit, found.total),
    })
}

/// CONTACT-001 for an id the workspace does not have (another workspace's too).
pub async fn get(state: &AppState, caller: &Caller, id: &str) -> Result<ContactDetail, ApiError> {
    call::<Option<ContactDetail>>(
        state,
        &caller.workspace_id,
        ContactOp::Get {
            contact_id: id.to_string(),
        },
    )
    .await?
    .ok_or_else(|| ErrorCode::ContactNotFound.into())
}

/// REQ-004 for metadata beyond the visitor's bounds or an empty body; CONTACT-001 for
/// no such contact. Nothing changes then.
pub async fn update(
    state: &AppState,
    caller: &Caller,
    id: &str,
    patch: UpdateContact,
) -> Result<ContactDetail, ApiError> {
    let mut fields = FieldErrors::default();
    if patch.is_empty() {
        fields.push("body", "name a field to change: name, phone or metadata");
    }
    if let Some(metadata) = &patch.metadata {
        bounds::check_metadata_at("metadata", metadata, &mut fields);
    }
    if !fields.is_empty() {
        return Err(ApiError::validation(fields));
    }
    call::<Option<ContactDetail>>(
        state,
        &caller.workspace_id,
        ContactOp::Update {
            contact_id: id.to_string(),
            patch,
            now: time::now_rfc3339(),
        },
    )
    .await?
    .ok_or_else(|| ErrorCode::ContactNotFound.into())
}

/// Erases the contact and everything of theirs: files' bytes first, so a failure
/// leaves rows that a retry finds again, never rows naming bytes already gone; then
/// the rows in the object; then the reply addresses of their chats in the directory.
/// Their open sockets close.
pub async fn erase(state: &AppState, caller: &Caller, id: &str) -> Result<(), ApiError> {
    caller.require_manager()?;
    let workspace_id = &caller.workspace_id;
    let keys: Vec<String> = call::<Option<Vec<String>>>(
        state,
        workspace_id,
        ContactOp::Files {
            contact_id: id.to_string(),
        },
    )
    .await?
    .ok_or(ErrorCode::ContactNotFound)?;
    files::delete_bytes(state, &keys).await?;
    let erased: ContactErased = call::<Option<ContactErased>>(
        state,
        workspace_id,
        ContactOp::Erase {
            contact_id: id.to_string(),
        },
    )
    .await?
    .ok_or(ErrorCode::ContactNotFound)?;
    files::delete_bytes(state, &erased.r2_keys).await?;
    store::email::delete_reply_addresses(&state.db()?, workspace_id, &erased.chat_ids).await?;
    if !erased.visitor_ids.is_empty() {
        let tags = erased
            .visitor_ids
            .iter()
            .map(|v| socket_bounds::visitor_tag(v))
            .collect();
        sockets::close_sockets(state, workspace_id, tags, "contact erased").await;
    }
    Ok(())
}

/// The SQL of contacts, run inside the workspace's object.
pub mod object {
    use serde::Deserialize;
    use shared_types::chats::ChatSummary;
    use shared_types::contacts::{Contact, ContactDetail, UpdateContact};
    use worker::{SqlStorage, SqlStorageValue};

    use crate::domain::contact::ContactKey;
    use crate::error::ApiError;
    use crate::objects::workspace::answer;
    use crate::objects::workspace::protocol::{ContactErased, ContactOp, ContactPage, NewVisitor};
    use crate::objects::workspace::sql::{rows, run};
    use crate::services::chats::object::SUMMARY_COLUMNS;

    /// The most chats a contact's detail lists. Chats active in the same second (times
    /// are kept to the second) come newest started first, by `num`.
    const DETAIL_CHATS: i64 = 100;

    const CONTACT_COLUMNS: &str = "k.id, k.name, k.email, k.phone, k.metadata, k.first_seen_at,
        k.last_seen_at,
        (SELECT COUNT(*) FROM visitors v JOIN chats c ON c.visitor_id = v.id
          WHERE v.contact_id = k.id) AS chats_count
        FROM contacts k";

    /// The files of a contact's visitors: those of their chats, and uploads not yet
    /// sent in one.
    const FILES_OF: &str = "FROM files WHERE chat_id IN (
            SELECT c.id FROM chats c JOIN visitors v ON v.id = c.visitor_id WHERE v.contact_id = ?1)
         OR (uploader_type = 'visitor'
             AND uploader_id IN (SELECT id FROM visitors WHERE contact_id = ?1))";

    #[derive(Deserialize)]
    struct Row {
        id: String,
        name: Option<String>,
        email: Option<String>,
        phone: Option<String>,
        metadata: String,
        first_seen_at: String,
        last_seen_at: String,
        chats_count: u64,
    }

    impl Row {
        fn contact(self) -> Result<Contact, ApiError> {
            Ok(Contact {
                metadata: serde_json::from_str(&self.metadata).map_err(|e| {
                    ApiError::internal(format!("contact {} metadata: {e}", self.id))
                })?,
                id: self.id,
                name: self.name,
                email: self.email,
                phone: self.phone,
                first_seen_at: self.first_seen_at,
                last_seen_at: self.last_seen_at,
                chats_count: self.chats_count,
            })
        }
    }

    pub fn handle(sql: &SqlStorage, op: ContactOp) -> Result<String, ApiError> {
        match op {
            ContactOp::List {
                query,
                limit,
                offset,
            } => answer(list(sql, query, limit, offset)?),
            ContactOp::Get { contact_id } => answer(detail(sql, &contact_id)?),
            ContactOp::Update {
                contact_id,
                patch,
                now,
            } => answer(update(sql, &contact_id, patch, &now)?),
            ContactOp::Files { contact_id } => answer(files(sql, &contact_id)?),
            ContactOp::Erase { contact_id } => answer(erase(sql, &contact_id)?),
        }
    }

    fn list(
        sql: &SqlStorage,
        query: Option<String>,
        limit: u32,
        offset: u64,
    ) -> Result<ContactPage, ApiError> {
        #[derive(Deserialize)]
        struct Count {
            total: u64,
        }
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        let (filter, mut values): (&str, Vec<SqlStorageValue>) = match query {
            Some(q) => (
                " WHERE k.num IN (SELECT rowid FROM search_contacts WHERE search_contacts MATCH ?)",
                vec![q.into()],
            ),
            None => ("", Vec::new()),
        };
        let total: Vec<Count> = rows(
            sql,
            &format!("SELECT COUNT(*) AS total FROM contacts k{filter}"),
            values.clone(),
        )?;
        values.push(i64::from(limit).into());
        values.push(offset.into());
        let found: Vec<Row> = rows(
            sql,
            &format!(
                "SELECT {CONTACT_COLUMNS}{filter}
                  ORDER BY k.last_seen_at DESC, k.num DESC LIMIT ? OFFSET ?"
            ),
            values,
        )?;
        Ok(ContactPage {
            data: found
                .into_iter()
                .map(Row::contact)
                .collect::<Result<_, _>>()?,
            total: total.first().map_or(0, |c| c.total),
        })
    }

    fn detail(sql: &SqlStorage, contact_id: &str) -> Result<Option<ContactDetail>, ApiError> {
        #[derive(Deserialize)]
        struct Seen {
            country: Option<String>,
            browser: Option<String>,
        }
        let found: Vec<Row> = rows(
            sql,
            &format!("SELECT {CONTACT_COLUMNS} WHERE k.id = ?"),
            vec![contact_id.into()],
        )?;
        let Some(row) = found.into_iter().next() else {
            return Ok(None);
        };
        let seen: Vec<Seen> = rows(
            sql,
            "SELECT country, browser FROM visitors WHERE contact_id = ?
              ORDER BY created_at DESC, rowid DESC LIMIT 1",
            vec![contact_id.into()],
        )?;
        let chats: Vec<ChatSummary> = rows(
            sql,
            &format!(
                "SELECT {SUMMARY_COLUMNS} WHERE v.contact_id = ?
                  ORDER BY c.last_activity_at DESC, c.num DESC LIMIT ?"
            ),
            vec![contact_id.into(), DETAIL_CHATS.into()],
        )?;
        let seen = seen.into_iter().next();
        Ok(Some(ContactDetail {
            contact: row.contact()?,
            country: seen.as_ref().and_then(|s| s.country.clone()),
            browser: seen.and_then(|s| s.browser),
            chats,
        }))
    }

    fn update(
        sql: &SqlStorage,
        contact_id: &str,
        patch: UpdateContact,
        now: &str,
    ) -> Result<Option<ContactDetail>, ApiError> {
        if !exists(sql, contact_id)? {
            return Ok(None);
        }
        if let Some(name) = &patch.name {
            let name: SqlStorageValue = name.as_ref().map(|n| n.as_str().to_string()).into();
            run(
                sql,
                "UPDATE contacts SET name = ?2 WHERE id = ?1",
                vec![contact_id.into(), name.clone()],
            )?;
            // The inbox and search show the visitor's name: the contact's is theirs.
            run(
                sql,
                "UPDATE visitors SET name = ?2 WHERE contact_id = ?1",
                vec![contact_id.into(), name],
            )?;
        }
        if let Some(phone) = &patch.phone {
            run(
                sql,
                "UPDATE contacts SET phone = ?2 WHERE id = ?1",
                vec![
                    contact_id.into(),
                    phone.as_ref().map(|p| p.as_str().to_string()).into(),
                ],
            )?;
        }
        if let Some(metadata) = &patch.metadata {
            let metadata = serde_json::to_string(metadata)
                .map_err(|e| ApiError::internal(format!("contact metadata: {e}")))?;
            run(
                sql,
                "UPDATE contacts SET metadata = ?2 WHERE id = ?1",
                vec![contact_id.into(), metadata.into()],
            )?;
        }
        run(
            sql,
            "UPDATE contacts SET updated_at = ?2 WHERE id = ?1",
            vec![contact_id.into(), now.into()],
        )?;
        detail(sql, contact_id)
    }

    #[derive(Deserialize)]
    struct Key {
        r2_key: String,
    }

    fn exists(sql: &SqlStorage, contact_id: &str) -> Result<bool, ApiError> {
        #[derive(Deserialize)]
        struct Found {
            #[allow(dead_code)]
            id: String,
        }
        let found: Vec<Found> = rows(
            sql,
            "SELECT id FROM contacts WHERE id = ?",
            vec![contact_id.into()],
        )?;
        Ok(!found.is_empty())
    }

    fn files(sql: &SqlStorage, contact_id: &str) -> Result<Option<Vec<String>>, ApiError> {
        if !exists(sql, contact_id)? {
            return Ok(None);
        }
        let keys: Vec<Key> = rows(
            sql,
            &format!("SELECT r2_key {FILES_OF}"),
            vec![contact_id.into()],
        )?;
        Ok(Some(keys.into_iter().map(|k| k.r2_key).collect()))
    }

    /// Everything of the contact, in one synchronous step: no other request of the
    /// workspace runs between these statements, so no message can land in a chat
    /// half erased.
    fn erase(sql: &SqlStorage, contact_id: &str) -> Result<Option<ContactErased>, ApiError> {
        #[derive(Deserialize)]
        struct Id {
            id: String,
        }
        if !exists(sql, contact_id)? {
            return Ok(None);
        }
        let visitors: Vec<Id> = rows(
            sql,
            "SELECT id FROM visitors WHERE contact_id = ?",
            vec![contact_id.into()],
        )?;
        let chats: Vec<Id> = rows(
            sql,
            "SELECT c.id FROM chats c JOIN visitors v ON v.id = c.visitor_id
              WHERE v.contact_id = ?",
            vec![contact_id.into()],
        )?;
        let keys: Vec<Key> = rows(
            sql,
            &format!("DELETE {FILES_OF} RETURNING r2_key"),
            vec![contact_id.into()],
        )?;
        let chat_ids: Vec<String> = chats.into_iter().map(|c| c.id).collect();
        let list = serde_json::to_string(&chat_ids)
            .map_err(|e| ApiError::internal(format!("contact chats: {e}")))?;
        for table in [
            "messages",
            "chat_notes",
            "email_watches",
            "email_cursors",
            "email_log",
            "chats",
        ] {
            let column = if table == "chats" { "id" } else { "chat_id" };
            // `table` and `column` are the names written above, never input.
            run(
                sql,
                &format!("DELETE FROM {table} WHERE {column} IN (SELECT value FROM json_each(?))"),
                vec![list.clone().into()],
            )?;
        }
        run(
            sql,
            "DELETE FROM visitors WHERE contact_id = ?",
            vec![contact_id.into()],
        )?;
        run(
            sql,
            "DELETE FROM contacts WHERE id = ?",
            vec![contact_id.into()],
        )?;
        Ok(Some(ContactErased {
            visitor_ids: visitors.into_iter().map(|v| v.id).collect(),
            chat_ids,
            r2_keys: keys.into_iter().map(|k| k.r2_key).collect(),
        }))
    }

    /// Links a new visitor (already inserted) to its contact: the one with its proven
    /// user id, else one with its email (for a proven user, only one not yet tied to
    /// another user id), else a new one. Joining fills only what the contact lacks, and
    /// marks it seen now.
    pub fn link(sql: &SqlStorage, v: &NewVisitor, key: ContactKey) -> Result<(), ApiError> {
        #[derive(Deserialize)]
        struct Id {
            id: String,
        }
        let (user_id, email_key) = match &key {
            ContactKey::User { user_id, email_key } => (Some(user_id.clone()), email_key.clone()),
            ContactKey::Email(email_key) => (None, Some(email_key.clone())),
        };
        let by_user: Vec<Id> = match &user_id {
            Some(u) => rows(
                sql,
                "SELECT id FROM contacts WHERE user_id = ?",
                vec![u.as_str().into()],
            )?,
            None => Vec::new(),
        };
        let found = match by_user.into_iter().next() {
            Some(found) => Some(found),
            None => match &email_key {
                Some(e) => rows::<Id>(
                    sql,
                    "SELECT id FROM contacts WHERE email_key = ?1
                        AND (?2 IS NULL OR user_id IS NULL)
                      ORDER BY num LIMIT 1",
                    vec![e.as_str().into(), user_id.clone().into()],
                )?
                .into_iter()
                .next(),
                None => None,
            },
        };
        let contact_id = match found {
            Some(found) => {
                run(
                    sql,
                    "UPDATE contacts SET name = COALESCE(name, ?2),
                            email = COALESCE(email, ?3), email_key = COALESCE(email_key, ?4),
                            phone = COALESCE(phone, ?5),
                            metadata = CASE WHEN metadata = '{}' THEN ?6 ELSE metadata END,
                            user_id = COALESCE(user_id, ?7),
                            last_seen_at = MAX(last_seen_at, ?8), updated_at = ?8
                      WHERE id = ?1",
                    vec![
                        found.id.as_str().into(),
                        v.name.clone().into(),
                        v.email.clone().into(),
                        email_key.clone().into(),
                        v.phone.clone().into(),
                        v.metadata.as_str().into(),
                        user_id.clone().into(),
                        v.now.as_str().into(),
                    ],
                )?;
                found.id
            }
            None => {
                let id = v
                    .new_contact_id
                    .clone()
                    .ok_or_else(|| ApiError::internal("a new visitor came without a contact id"))?;
                run(
                    sql,
                    "INSERT INTO contacts (id, name, email, email_key, phone, metadata, user_id,
                                           first_seen_at, last_seen_at, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?8, ?8)",
                    vec![
                        id.as_str().into(),
                        v.name.clone().into(),
                        v.email.clone().into(),
                        email_key.into(),
                        v.phone.clone().into(),
                        v.metadata.as_str().into(),
                        user_id.into(),
                        v.now.as_str().into(),
                    ],
                )?;
                id
            }
        };
        run(
            sql,
            "UPDATE visitors SET contact_id = ?2 WHERE id = ?1",
            vec![v.id.as_str().into(), contact_id.into()],
        )
    }
}
