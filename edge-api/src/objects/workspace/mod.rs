//! `Workspace`: one Durable Object per workspace, with SQLite storage, that is the
//! tenant's own database (docs/ARCHITECTURE.md, "Where it is going"). The worker reaches
//! it only through [`client::WorkspaceDb`] with a [`protocol::Request`]; each service's
//! object half (`crate::services::*::object`) runs the SQL here, in-process.
//!
//! On waking, the object brings its schema to the latest version
//! (`crate::domain::workspace_schema`) before it answers anything.
//!
//! Its alarm deletes what only matters for a while: armed when the object first logs a
//! webhook delivery attempt, due when the oldest attempt expires, and re-armed by itself
//! (at most daily) while any are left. The D1 cron sweeps only the directory.

pub mod client;
pub mod protocol;
pub mod sql;

use chrono::{DateTime, Utc};
use serde::Serialize;
use worker::{durable_object, DurableObject, Env, Request, Response, Result, SqlStorage, State};

use crate::domain::workspace_schema::{self, READ_VERSION, VERSION_TABLE};
use crate::domain::{export, time, webhook};
use crate::error::ApiError;
use crate::services;
use protocol::{Answer, Request as Op, TenantOp};

#[durable_object]
pub struct Workspace {
    state: State,
    /// Set once the schema is current; an object that failed to migrate tries again on
    /// its next request rather than answering from an old schema.
    migrated: std::cell::Cell<bool>,
    /// Known to have its sweep alarm set, so a write need not ask the storage again.
    sweep_armed: std::cell::Cell<bool>,
}

impl DurableObject for Workspace {
    fn new(state: State, _env: Env) -> Self {
        Self {
            state,
            migrated: std::cell::Cell::new(false),
            sweep_armed: std::cell::Cell::new(false),
        }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let op: Op = req.json().await?;
        if matches!(op, Op::Tenant(TenantOp::Erase)) {
            // deleteAll() removes the SQLite database itself; a later wake starts empty.
            // The alarm goes first, so no sweep wakes the erased object again.
            self.state.storage().delete_alarm().await?;
            self.state.storage().delete_all().await?;
            self.migrated.set(false);
            self.sweep_armed.set(false);
            return Response::ok(
                answer(()).map_err(|e| worker::Error::RustError(format!("{e:?}")))?,
            );
        }
        let sql = self.state.storage().sql();
        let expiring =
            matches!(&op, Op::Webhooks(op) if services::webhooks::object::logs_attempts(op));
        let answer = match self.migrate(&sql) {
            Ok(()) => dispatch(&sql, op),
            Err(e) => Err(e),
        };
        if expiring && answer.is_ok() {
            // The rows are written; a sweep not armed now is armed by the next write.
            if let Err(e) = self.arm_sweep(&sql).await {
                worker::console_error!("workspace object: arming its sweep: {:?}", e.cause);
            }
        }
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

    /// The sweep. A failure is returned, so the runtime tries the alarm again later.
    async fn alarm(&self) -> Result<Response> {
        let sql = self.state.storage().sql();
        let next = self.sweep(&sql).map_err(|e| {
            worker::Error::RustError(format!(
                "workspace object sweep: {}",
                e.cause.as_deref().unwrap_or(e.code.code())
            ))
        })?;
        self.sweep_armed.set(next.is_some());
        if let Some(at) = next {
            self.state.storage().set_alarm(at).await?;
        }
        Response::empty()
    }
}

impl Workspace {
    /// Sets the alarm for when the oldest logged attempt expires, unless one is set.
    async fn arm_sweep(&self, sql: &SqlStorage) -> std::result::Result<(), ApiError> {
        if self.sweep_armed.get() {
            return Ok(());
        }
        let storage = self.state.storage();
        let fail = |what: &str, e: worker::Error| ApiError::internal(format!("{what}: {e}"));
        let set = storage
            .get_alarm()
            .await
            .map_err(|e| fail("reading the alarm", e))?;
        if set.is_none() {
            if let Some(at) = services::webhooks::object::next_sweep(sql, time::now())? {
                storage
                    .set_alarm(at)
                    .await
                    .map_err(|e| fail("setting the alarm", e))?;
            }
        }
        self.sweep_armed.set(true);
        Ok(())
    }

    /// Deletes the expired rows; when the next sweep is due, if anything is left to
    /// expire. An erased object (no schema) is left without one: sweeping it must not
    /// give it storage again.
    fn sweep(&self, sql: &SqlStorage) -> std::result::Result<Option<DateTime<Utc>>, ApiError> {
        if !self.migrated.get() && !has_schema(sql)? {
            return Ok(None);
        }
        self.migrate(sql)?;
        let now = time::now();
        services::webhooks::object::sweep(sql, now)?;
        services::webhooks::object::next_sweep(sql, now + webhook::log_sweep_interval())
    }

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

/// Whether the object has ever been given its schema.
fn has_schema(sql: &SqlStorage) -> std::result::Result<bool, ApiError> {
    #[derive(serde::Deserialize)]
    struct Count {
        n: u32,
    }
    sql.exec(
        "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'",
        None,
    )
    .and_then(|c| c.one::<Count>())
    .map(|c| c.n > 0)
    .map_err(|e| ApiError::internal(format!("looking for the schema: {e}")))
}

/// Runs one operation and serialises its value as the answer.
fn dispatch(sql: &SqlStorage, op: Op) -> std::result::Result<String, ApiError> {
    match op {
        Op::Triggers(op) => services::triggers::object::handle(sql, op),
        Op::Webhooks(op) => services::webhooks::object::handle(sql, op),
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
            answer(rows.into_iter().map(export::withheld).collect::<Vec<_>>())
        }
        TenantOp::Erase => answer(()),
    }
}

/// The answer of a successful operation.
pub fn answer<T: Serialize>(value: T) -> std::result::Result<String, ApiError> {
    serde_json::to_string(&Answer::Ok(value))
        .map_err(|e| ApiError::internal(format!("encoding an answer: {e}")))
}
