//! A whole workspace's rows in D1, for its export and its erasure: the directory's rows
//! (the workspace, its agents and credentials). Everything else of the tenant is in its
//! own object.

use serde_json::{Map, Value};
use wasm_bindgen::JsValue;
use worker::D1Database;

use super::{all, run};
use crate::domain::export::withheld;
use crate::error::ApiError;

/// A D1 table holding the workspace's rows, and the order its pages are read in.
pub struct Table {
    pub name: &'static str,
    /// Stable order for paging.
    order: &'static str,
    /// Exported? Credentials (hashes of keys, sessions, invitations) are not.
    exported: bool,
}

const fn table(name: &'static str, order: &'static str, exported: bool) -> Table {
    Table {
        name,
        order,
        exported,
    }
}

/// Children before parents, so erasure never breaks a reference; `workspaces` itself
/// is handled apart (its key column is `id`).
pub const TABLES: &[Table] = &[
    table("api_keys", "rowid", false),
    table("sessions", "rowid", false),
    table("invitations", "rowid", false),
    // The addresses replies come back to: what a reply may do is a credential's.
    table("reply_addresses", "rowid", false),
    table("agents", "rowid", true),
];

/// Rows per page read from D1 while exporting.
pub const PAGE: u32 = 500;

pub fn exported() -> impl Iterator<Item = &'static Table> {
    TABLES.iter().filter(|t| t.exported)
}

/// The workspace's row of the directory, or `None` for an unknown id.
pub async fn workspace_row(
    db: &D1Database,
    workspace_id: &str,
) -> Result<Option<Map<String, Value>>, ApiError> {
    let rows: Vec<Map<String, Value>> = all(
        db,
        "SELECT * FROM workspaces WHERE id = ?1",
        &[workspace_id.into()],
    )
    .await?;
    Ok(rows.into_iter().next().map(withheld))
}

/// One page of `table`'s rows of the workspace, from `offset`.
pub async fn page(
    db: &D1Database,
    table: &Table,
    workspace_id: &str,
    offset: u32,
) -> Result<Vec<Map<String, Value>>, ApiError> {
    // Table and order names are this module's constants, never input.
    let rows: Vec<Map<String, Value>> = all(
        db,
        &format!(
            "SELECT * FROM {} WHERE workspace_id = ?1 ORDER BY {} LIMIT ?2 OFFSET ?3",
            table.name, table.order
        ),
        &[workspace_id.into(), PAGE.into(), offset.into()],
    )
    .await?;
    Ok(rows.into_iter().map(withheld).collect())
}

/// The workspace's credentials first, so it stops answering before anything else goes.
pub async fn erase_credentials(db: &D1Database, workspace_id: &str) -> Result<(), ApiError> {
    for name in ["api_keys", "sessions", "invitations", "reply_addresses"] {
        run(
            db,
            &format!("DELETE FROM {name} WHERE workspace_id = ?1"),
            &[workspace_id.into()],
        )
        .await?;
    }
    Ok(())
}

/// Every row of the workspace in D1, children first, the workspace's own row last.
pub async fn erase(db: &D1Database, workspace_id: &str) -> Result<(), ApiError> {
    let id = JsValue::from(workspace_id);
    for table in TABLES {
        run(
            db,
            &format!("DELETE FROM {} WHERE workspace_id = ?1", table.name),
            std::slice::from_ref(&id),
        )
        .await?;
    }
    run(db, "DELETE FROM workspaces WHERE id = ?1", &[id]).await?;
    Ok(())
}

/// The agents of the workspace, whose cached credentials must be forgotten.
pub async fn agent_ids(db: &D1Database, workspace_id: &str) -> Result<Vec<String>, ApiError> {
    #[derive(serde::Deserialize)]
    struct Id {
        id: String,
    }
    let ids: Vec<Id> = all(
        db,
        "SELECT id FROM agents WHERE workspace_id = ?1",
        &[workspace_id.into()],
    )
    .await?;
    Ok(ids.into_iter().map(|i| i.id).collect())
}
