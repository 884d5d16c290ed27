//! `Workspace`: one Durable Object per workspace, with SQLite storage, that is the
//! tenant's own database (docs/ARCHITECTURE.md, "Where it is going"). The worker reaches
//! it only through [`client::WorkspaceDb`] with a [`protocol::Request`]; each service's
//! object half (`crate::services::*::object`) runs the SQL here, in-process.
//!
//! On waking, the object brings its schema to the latest version
//! (`crate::domain::workspace_schema`) before it answers anything.

pub mod client;
pub mod protocol;

use serde::de::DeserializeOwned;
use serde::Serialize;
use worker::{
    durable_object, DurableObject, Env, Request, Response, Result, SqlStorage, SqlStorageValue,
    State,
};

use crate::domain::workspace_schema::{self, READ_VERSION, VERSION_TABLE};
use crate::error::ApiError;
use crate::services;
use protocol::{Answer, Request as Op, TenantOp};

#[durable_object]
pub struct Workspace {
    state: State,
    /// Set once the schema is current; an object that failed to migrate tries again on
    /// its next request rather than answering from an old schema.
    migrated: std::cell::Cell<bool>,
}

impl DurableObject for Workspace {
    fn new(state: State, _env: Env) -> Self {
        Self {
            state,
            migrated: std::cell::Cell::new(false),
        }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let op: Op = req.json().await?;
        if matches!(op, Op::Tenant(TenantOp::Erase)) {
            // deleteAll() removes the SQLite database itself; a later wake starts empty.
            self.state.storage().delete_all().await?;
            self.migrated.set(false);
            return Response::ok(
                answer(()).map_err(|e| worker::Error::RustError(format!("{e:?}")))?,
            );
        }
        let sql = self.state.storage().sql();
        let answer = match self.migrate(&sql) {
            Ok(()) => dispatch(&sql, op),
            Err(e) => Err(e),
        };
        match answer {
            Ok(json) => Response::ok(json),
            Err(e) => {
                if let Some(cause) = &e.cause {
                    worker::console_error!("workspace object: {}: {cause}", e.code.code());
                }
                Response::from_json(&Answer::<()>::Failed {
                    code: e.code.code().to_string(),
                })
            }
        }
    }
}

impl Workspace {
    /// Applies the pending migrations in one synchronous call, so the whole step is
    /// one of the object's implicit transactions.
    fn migrate(&self, sql: &SqlStorage) -> std::result::Result<(), ApiError> {
        if self.migrated.get() {
            return Ok(());
        }
        let fail = |what: &str, e: worker::Error| ApiError::internal(format!("{what}: {e}"));
        // Cursors run as they are read: each is read to its end.
        sql.exec(VERSION_TABLE, None)
            .and_then(|c| c.to_array::<serde_json::Value>())
            .map_err(|e| fail("schema_version table", e))?;
        #[derive(serde::Deserialize)]
        struct Row {
            version: u32,
        }
        let current = sql
            .exec(READ_VERSION, None)
            .and_then(|c| c.one::<Row>())
            .map_err(|e| fail("reading the schema version", e))?
            .version;
        if current > workspace_schema::latest() {
            return Err(ApiError::unavailable(format!(
                "the object is at schema {current}, newer than this worker's {}",
                workspace_schema::latest()
            )));
        }
        if let Some(script) = workspace_schema::upgrade_script(current) {
            sql.exec(&script, None)
                .and_then(|c| c.to_array::<serde_json::Value>())
                .map_err(|e| fail(&format!("migrating from {current}"), e))?;
        }
        self.migrated.set(true);
        Ok(())
    }
}

/// Runs one operation and serialises its value as the answer.
fn dispatch(sql: &SqlStorage, op: Op) -> std::result::Result<String, ApiError> {
    match op {
        Op::Triggers(op) => services::triggers::object::handle(sql, op),
        Op::Tenant(op) => tenant(sql, op),
        Op::Widget(op) => services::widget::object::handle(sql, op),
    }
}

/// The export's reads; erasure is handled before the schema is touched.
fn tenant(sql: &SqlStorage, op: TenantOp) -> std::result::Result<String, ApiError> {
    let fail = |e: worker::Error| ApiError::internal(format!("workspace export: {e}"));
    let tables = || -> std::result::Result<Vec<String>, ApiError> {
        #[derive(serde::Deserialize)]
        struct Name {
            name: String,
        }
        let names: Vec<Name> = sql
            .exec(
                "SELECT name FROM sqlite_master WHERE type = 'table'
                   AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'
                   AND name <> 'schema_version' ORDER BY name",
                None,
            )
            .and_then(|c| c.to_array())
            .map_err(fail)?;
        Ok(names.into_iter().map(|n| n.name).collect())
    };
    match op {
        TenantOp::Tables => answer(tables()?),
        TenantOp::Page {
            table,
            offset,
            limit,
        } => {
            // Only a name the schema itself lists is ever formatted into the query.
            if !tables()?.contains(&table) {
                return Err(ApiError::internal(format!("no table {table} to export")));
            }
            let rows: Vec<serde_json::Map<String, serde_json::Value>> = sql
                .exec(
                    &format!("SELECT * FROM \"{table}\" ORDER BY rowid LIMIT ? OFFSET ?"),
                    vec![i64::from(limit).into(), i64::from(offset).into()],
                )
                .and_then(|c| c.to_array())
                .map_err(fail)?;
            answer(rows)
        }
        TenantOp::Erase => answer(()),
    }
}

/// The rows `query` answers. A cursor runs as it is read, so a write is read to its end
/// too (its rows are those of its `RETURNING`, if any).
pub fn rows<T: DeserializeOwned>(
    sql: &SqlStorage,
    query: &str,
    values: Vec<SqlStorageValue>,
) -> std::result::Result<Vec<T>, ApiError> {
    sql.exec(query, values)
        .and_then(|c| c.to_array())
        .map_err(|e| ApiError::internal(format!("`{query}`: {e}")))
}

/// A boolean as SQLite keeps it, 0 or 1.
pub fn flag(b: bool) -> SqlStorageValue {
    SqlStorageValue::Integer(i64::from(b))
}

/// The answer of a successful operation.
pub fn answer<T: Serialize>(value: T) -> std::result::Result<String, ApiError> {
    serde_json::to_string(&Answer::Ok(value))
        .map_err(|e| ApiError::internal(format!("encoding an answer: {e}")))
}
