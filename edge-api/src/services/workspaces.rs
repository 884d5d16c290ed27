//! A workspace as a whole, for the operator (ADMIN_TOKEN): its provisioning, its export
//! as NDJSON and its erasure. Per-tenant storage makes both one object's storage plus the workspace's
//! rows in the directory, its files in R2 and its copies in KV.

use bytes::Bytes;
use futures_util::Stream;
use serde_json::{json, Map, Value};
use shared_types::admin::{CreateWorkspaceRequest, CreateWorkspaceResponse, Workspace};
use shared_types::agents::{Agent, AgentRole, AgentStatus};
use shared_types::error::ErrorCode;
use shared_types::ids::{AgentId, ApiKeyId, WorkspaceId};
use worker::send::{SendFuture, SendWrapper};

use crate::domain::{api_key, ids, time};
use crate::error::ApiError;
use crate::objects::workspace::client::WorkspaceDb;
use crate::objects::workspace::protocol::{Request, TenantOp};
use crate::state::AppState;
use crate::store;
use crate::store::tenant;

/// A new workspace with its owner, the owner's first API key (shown only here) and the
/// default widget configuration. The directory's rows are written first, in one batch,
/// so the workspace's object is only ever made for a workspace the directory knows.
pub async fn provision(
    state: &AppState,
    body: CreateWorkspaceRequest,
) -> Result<CreateWorkspaceResponse, ApiError> {
    let key = api_key::generate();
    let password_hash = match &body.owner.password {
        Some(password) => Some(crate::crypto::hash_password(password.as_str()).await?),
        None => None,
    };
    let now = time::now_rfc3339();
    let workspace_id = WorkspaceId::with_suffix(&ids::suffix());
    let owner_id = AgentId::with_suffix(&ids::suffix());
    store::workspaces::create(
        &state.db()?,
        &store::workspaces::NewWorkspace {
            id: workspace_id.as_str(),
            name: body.name.as_str(),
            owner_id: owner_id.as_str(),
            owner_name: body.owner.name.as_str(),
            owner_email: body.owner.email.as_str(),
            owner_password_hash: password_hash.as_deref(),
            key_id: ApiKeyId::with_suffix(&ids::suffix()).as_str(),
            key_prefix: key.display_prefix(),
            key_hash: &api_key::hash_hex(&key),
            now: &now,
        },
    )
    .await?;
    crate::services::widget::create(state, workspace_id.as_str(), &now).await?;
    Ok(CreateWorkspaceResponse {
        workspace: Workspace {
            id: workspace_id,
            name: body.name.as_str().to_string(),
            created_at: now,
        },
        agent: Agent {
            id: owner_id,
            name: body.owner.name.as_str().to_string(),
            email: body.owner.email.as_str().to_string(),
            role: AgentRole::Owner,
            status: AgentStatus::Offline,
            active_chats: 0,
            total_chats: 0,
            email_notifications: Default::default(),
        },
        api_key: key.as_str().to_string(),
    })
}

/// Rows per page read from the workspace's object while exporting.
const OBJECT_PAGE: u32 = 500;

/// Where an export has got to.
enum Stage {
    Workspace,
    Directory {
        table: usize,
        offset: u32,
    },
    Object {
        tables: Vec<String>,
        table: usize,
        offset: u32,
    },
    Done,
}

struct Export {
    state: AppState,
    workspace_id: String,
    stage: Stage,
}

fn line(table: &str, row: Map<String, Value>, out: &mut String) {
    out.push_str(&json!({ "table": table, "row": row }).to_string());
    out.push('\n');
}

impl Export {
    /// The next chunk of lines; `None` at the end. A failure mid-stream can no longer
    /// change the status, so it ends the stream and is logged.
    async fn next(&mut self) -> Result<Option<String>, ApiError> {
        let mut out = String::new();
        loop {
            match &mut self.stage {
                Stage::Workspace => {
                    let db = self.state.db()?;
                    if let Some(row) = tenant::workspace_row(&db, &self.workspace_id).await? {
                        line("workspaces", row, &mut out);
                    }
                    self.stage = Stage::Directory {
                        table: 0,
                        offset: 0,
                    };
                    return Ok(Some(out));
                }
                Stage::Directory { table, offset } => {
                    let Some(t) = tenant::exported().nth(*table) else {
                        let tables: Vec<String> = self
                            .object()?
                            .call(&Request::Tenant(TenantOp::Tables))
                            .await?;
                        self.stage = Stage::Object {
                            tables,
                            table: 0,
                            offset: 0,
                        };
                        continue;
                    };
                    let rows =
                        tenant::page(&self.state.db()?, t, &self.workspace_id, *offset).await?;
                    if (rows.len() as u32) < tenant::PAGE {
                        *table += 1;
                        *offset = 0;
                    } else {
                        *offset += tenant::PAGE;
                    }
                    for row in rows {
                        line(t.name, row, &mut out);
                    }
                    if !out.is_empty() {
                        return Ok(Some(out));
                    }
                }
                Stage::Object {
                    tables,
                    table,
                    offset,
                } => {
                    let Some(name) = tables.get(*table).cloned() else {
                        self.stage = Stage::Done;
                        continue;
                    };
                    let object = WorkspaceDb::of(&self.state, &self.workspace_id)?;
                    let rows: Vec<Map<String, Value>> = object
                        .call(&Request::Tenant(TenantOp::Page {
                            table: name.clone(),
                            offset: *offset,
                            limit: OBJECT_PAGE,
                        }))
                        .await?;
                    if (rows.len() as u32) < OBJECT_PAGE {
                        *table += 1;
                        *offset = 0;
                    } else {
                        *offset += OBJECT_PAGE;
                    }
                    for row in rows {
                        line(&name, row, &mut out);
                    }
                    if !out.is_empty() {
                        return Ok(Some(out));
                    }
                }
                Stage::Done => return Ok(None),
            }
        }
    }

    fn object(&self) -> Result<WorkspaceDb, ApiError> {
        WorkspaceDb::of(&self.state, &self.workspace_id)
    }
}

/// The workspace's rows, one JSON line each (`{"table", "row"}`): the directory's
/// first, then every table of its object, each row without password, key or session
/// hashes or webhook secrets (`domain::export::WITHHELD`, applied where the row is read). WS-001 for a workspace the directory does not know, checked before
/// anything streams, so no object is woken for it.
pub async fn export(
    state: &AppState,
    workspace_id: &str,
) -> Result<impl Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static, ApiError> {
    if tenant::workspace_row(&state.db()?, workspace_id)
        .await?
        .is_none()
    {
        return Err(ErrorCode::WorkspaceNotFound.into());
    }
    let export = SendWrapper(Export {
        state: state.clone(),
        workspace_id: workspace_id.to_string(),
        stage: Stage::Workspace,
    });
    Ok(futures_util::stream::unfold(export, |mut export| {
        SendFuture::new(async move {
            match export.next().await {
                Ok(Some(chunk)) => Some((Ok(Bytes::from(chunk)), export)),
                Ok(None) => None,
                Err(e) => {
                    worker::console_error!(
                        "export of {} stopped: {:?}",
                        export.workspace_id,
                        e.cause
                    );
                    Some((
                        Err(std::io::Error::other("the export stopped")),
                        SendWrapper(Export {
                            stage: Stage::Done,
                            ..export.0
                        }),
                    ))
                }
            }
        })
    }))
}

/// Removes the workspace: its credentials first (so every key and session answers 401
/// at once), their cached copies, its files in R2, its object's storage, its widget
/// copy, and last its rows in the directory. WS-001 for an unknown workspace. Safe to
/// repeat after a failure part way: each step deletes what is left.
pub async fn erase(state: &AppState, workspace_id: &str) -> Result<(), ApiError> {
    let db = state.db()?;
    if tenant::workspace_row(&db, workspace_id).await?.is_none() {
        return Err(ErrorCode::WorkspaceNotFound.into());
    }
    let agents = tenant::agent_ids(&db, workspace_id).await?;
    for agent in &agents {
        crate::cache::forget_agent(state, agent).await?;
    }
    tenant::erase_credentials(&db, workspace_id).await?;
    erase_files(state, workspace_id).await?;
    WorkspaceDb::of(state, workspace_id)?
        .call::<()>(&Request::Tenant(TenantOp::Erase))
        .await?;
    crate::cache::forget(state, &[crate::cache::widget_entry(workspace_id)]).await?;
    tenant::erase(&db, workspace_id).await
}

/// Every R2 object under `<workspace_id>/` (attachments and logos, confirmed or not),
/// listed by prefix so that nothing a row forgot is left behind.
async fn erase_files(state: &AppState, workspace_id: &str) -> Result<(), ApiError> {
    let bucket = state.bucket()?;
    let prefix = format!("{workspace_id}/");
    loop {
        // Each page is deleted before the next is listed, so no cursor is needed.
        let page = bucket
            .list()
            .prefix(prefix.clone())
            .execute()
            .await
            .map_err(|e| ApiError::unavailable(format!("R2 list {prefix}: {e}")))?;
        let keys: Vec<String> = page.objects().iter().map(|o| o.key()).collect();
        if keys.is_empty() {
            return Ok(());
        }
        crate::services::files::delete_bytes(state, &keys).await?;
    }
}
