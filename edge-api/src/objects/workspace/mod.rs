//! `Workspace`: one Durable Object per workspace, with SQLite storage, that is the
//! tenant's own database (docs/ARCHITECTURE.md, "Where it is going"). The worker reaches
//! it only through [`client::WorkspaceDb`] with a [`protocol::Request`]; each service's
//! object half (`crate::services::*::object`) runs the SQL here, in-process.
//!
//! On waking, the object brings its schema to the latest version
//! (`crate::domain::workspace_schema`) before it answers anything.
//!
//! An object that has never been provisioned (or was erased) has no schema. It answers
//! WS-001 to everything but the provisioning call, without writing, so a made-up
//! workspace id in a URL never gives an object storage.
//!
//! Its alarm deletes what only matters for a while (webhook delivery attempts, idempotency
//! records, spent tickets, abandoned uploads with their R2 objects): armed by any write
//! of such a row for the moment the first of them is due, and re-armed by itself (at
//! most daily) while any are left. The D1 cron sweeps only the directory.

pub mod client;
pub mod protocol;
pub mod sql;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use shared_types::error::ErrorCode;
use worker::{durable_object, DurableObject, Env, Request, Response, Result, SqlStorage, State};

use crate::domain::rate_limit::Decision;
use crate::domain::workspace_schema::{self, READ_VERSION, VERSION_TABLE};
use crate::domain::{export, time, webhook};
use crate::error::ApiError;
use crate::services;
use crate::state::AppState;
use protocol::{
    Answer, Charge, Request as Op, TenantOp, WidgetOp, BODY_HEADER, BUDGET_HEADER, CHARGE_HEADER,
};

#[durable_object]
pub struct Workspace {
    state: State,
    env: Env,
    /// Set once the schema is current; an object that failed to migrate tries again on
    /// its next request rather than answering from an old schema.
    migrated: std::cell::Cell<bool>,
    /// When its sweep alarm is known to be set for, so a write need not ask the storage
    /// again unless a row of its comes due sooner.
    sweep_at: std::cell::Cell<Option<DateTime<Utc>>>,
}

impl DurableObject for Workspace {
    fn new(state: State, env: Env) -> Self {
        Self {
            state,
            env,
            migrated: std::cell::Cell::new(false),
            sweep_at: std::cell::Cell::new(None),
        }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let op: Op = crate::objects::read_json(&mut req).await?;
        if matches!(op, Op::Tenant(TenantOp::Erase)) {
            // deleteAll() removes the SQLite database itself; a later wake starts empty.
            // The alarm goes first, so no sweep wakes the erased object again.
            self.state.storage().delete_alarm().await?;
            self.state.storage().delete_all().await?;
            self.migrated.set(false);
            self.sweep_at.set(None);
            return Response::ok(
                answer(()).map_err(|e| worker::Error::RustError(format!("{e:?}")))?,
            );
        }
        let charge: Option<Charge> = match req.headers().get(CHARGE_HEADER)? {
            Some(text) => Some(
                serde_json::from_str(&text)
                    .map_err(|e| worker::Error::RustError(format!("a charge: {e}")))?,
            ),
            None => None,
        };
        let sql = self.state.storage().sql();
        let mut expiring = expiry(&op);
        let provisioning = matches!(&op, Op::Widget(WidgetOp::Create { .. }));
        let body = op.answers_a_body();
        let mut spent = None;
        let answer = match self.migrate(&sql, provisioning) {
            Ok(()) => match &charge {
                None => dispatch(&sql, op),
                Some(charge) => {
                    let (answer, decision) = charged(&sql, charge, op);
                    spent = decision;
                    if spent.is_some_and(|d| d.allowed) {
                        expiring = sooner(expiring, Some(budget_due()));
                    }
                    answer
                }
            },
            Err(e) => Err(e),
        };
        if let (Some(due_from), true) = (expiring, answer.is_ok()) {
            // The rows are written; a sweep not armed now is armed by the next write.
            if let Err(e) = self.arm_sweep(&sql, due_from).await {
                worker::console_error!("workspace object: arming its sweep: {:?}", e.cause);
            }
        }
        let mut res = match answer {
            Ok(json) if body => {
                let mut res = Response::ok(json)?;
                res.headers_mut().set(BODY_HEADER, "1")?;
                res
            }
            Ok(json) => Response::ok(json)?,
            Err(e) => {
                if let Some(cause) = &e.cause {
                    worker::console_error!("workspace object: {}: {cause}", e.code.code());
                }
                Response::from_json(&Answer::failed(&e))?
            }
        };
        if let Some(decision) = spent {
            let decision = serde_json::to_string(&decision)
                .map_err(|e| worker::Error::RustError(e.to_string()))?;
            res.headers_mut().set(BUDGET_HEADER, &decision)?;
        }
        Ok(res)
    }

    /// The sweep. A failure is returned, so the runtime tries the alarm again later.
    async fn alarm(&self) -> Result<Response> {
        let fail = |e: ApiError| {
            worker::Error::RustError(format!(
                "workspace object sweep: {}",
                e.cause.as_deref().unwrap_or(e.code.code())
            ))
        };
        let sql = self.state.storage().sql();
        self.sweep_at.set(None);
        let next = self.sweep(&sql).await.map_err(fail)?;
        if let Some(at) = next {
            self.state.storage().set_alarm(at).await?;
            self.sweep_at.set(Some(at));
        }
        Response::empty()
    }
}

/// Uploads are abandoned this long after their URL expired: the PUT may have started
/// just in time, and a confirmation may follow it.
pub const ABANDONED_UPLOAD_HOURS: i64 = 24;
/// R2 deletes at most 1,000 keys per call.
const UPLOADS_PER_ROUND: u32 = 500;

impl Workspace {
    /// Sets the alarm for when the first expiring row is due, unless it is set for then
    /// or sooner already. `due_from` is when the rows just written come due at the
    /// earliest, if the operation knows: an alarm already set before it needs no
    /// search of every table (seven queries, on every message of a visitor with mail).
    async fn arm_sweep(
        &self,
        sql: &SqlStorage,
        due_from: Option<DateTime<Utc>>,
    ) -> std::result::Result<(), ApiError> {
        if let (Some(at), Some(from)) = (self.sweep_at.get(), due_from) {
            if at <= from {
                return Ok(());
            }
        }
        let now = time::now();
        let Some(due) = first_due(sql)?.map(|at| at.max(now)) else {
            return Ok(());
        };
        if self.sweep_at.get().is_some_and(|at| at <= due) {
            return Ok(());
        }
        let storage = self.state.storage();
        let fail = |what: &str, e: worker::Error| ApiError::internal(format!("{what}: {e}"));
        let set = storage
            .get_alarm()
            .await
            .map_err(|e| fail("reading the alarm", e))?
            .and_then(DateTime::<Utc>::from_timestamp_millis);
        match set {
            Some(at) if at <= due => self.sweep_at.set(Some(at)),
            _ => {
                storage
                    .set_alarm(due)
                    .await
                    .map_err(|e| fail("setting the alarm", e))?;
                self.sweep_at.set(Some(due));
            }
        }
        Ok(())
    }

    /// Deletes the expired rows (and abandoned uploads' R2 objects); when the next sweep
    /// is due, if anything is left to expire, at most daily. An erased object (no schema)
    /// is left without one: sweeping it must not give it storage again.
    async fn sweep(
        &self,
        sql: &SqlStorage,
    ) -> std::result::Result<Option<DateTime<Utc>>, ApiError> {
        if !self.migrated.get() && !has_schema(sql)? {
            return Ok(None);
        }
        self.migrate(sql, false)?;
        let now = time::now();
        services::webhooks::object::sweep(sql, now)?;
        services::idempotency::object::sweep(sql, now)?;
        services::realtime::object::sweep(sql, now)?;
        services::budgets::object::sweep(sql, now)?;
        let expired_before = time::format(now - Duration::hours(ABANDONED_UPLOAD_HOURS));
        let bucket = AppState::new(self.env.clone()).bucket()?;
        loop {
            let keys =
                services::files::object::take_abandoned(sql, &expired_before, UPLOADS_PER_ROUND)?;
            let last_round = keys.len() < UPLOADS_PER_ROUND as usize;
            if !keys.is_empty() {
                bucket.delete_multiple(keys).await.map_err(|e| {
                    ApiError::unavailable(format!("R2 delete of abandoned uploads: {e}"))
                })?;
            }
            if last_round {
                break;
            }
        }
        // Mail must not wait for the next sweep: a wait that ends sooner sets the alarm.
        // A queue that refused the waits put back is asked again half a minute later.
        let state = AppState::new(self.env.clone());
        let mut mail_floor = now;
        if let Err(e) = services::email::hand_over(&state, sql).await {
            worker::console_error!("workspace object: handing mail over: {:?}", e.cause);
            mail_floor = now + Duration::seconds(30);
        }
        // Chats of agents gone too long go back to the queue and out to others.
        if let (Some(workspace_id), moved) =
            services::assignment::object::reclaim(sql, &time::format(now))?
        {
            if !moved.is_empty() {
                services::assignment::announce_moved(&state, sql, &workspace_id, moved).await;
            }
        }
        // Visitors with no beat for a minute leave the feed's list.
        if let (Some(workspace_id), gone) = services::presence::object::take_offline(sql, now)? {
            for visitor_id in gone {
                let frame = shared_types::realtime::ServerFrame::VisitorOffline { visitor_id };
                services::sockets::publish(&state, &workspace_id, &frame).await;
            }
        }
        let sweep = first_due(sql)?.map(|at| at.max(now + webhook::log_sweep_interval()));
        let mail = services::email::object::next_due(sql)?.map(|at| at.max(mail_floor));
        let reclaim = services::assignment::object::next_reclaim(sql)?.map(|at| at.max(now));
        let offline = services::presence::object::next_offline(sql)?.map(|at| at.max(now));
        Ok([sweep, mail, reclaim, offline].into_iter().flatten().min())
    }

    /// Applies the pending migrations in one synchronous call, so the whole step is
    /// one of the object's implicit transactions. An object without a schema gets one
    /// only when it is being provisioned.
    fn migrate(&self, sql: &SqlStorage, provisioning: bool) -> std::result::Result<(), ApiError> {
        if self.migrated.get() {
            return Ok(());
        }
        if !provisioning && !has_schema(sql)? {
            return Err(ErrorCode::WorkspaceNotFound.into());
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

/// Whether the operation writes a row that expires or comes due, so the alarm may need
/// arming sooner: `Some(None)` when it may come due at any moment, `Some(Some(t))` when
/// the operation knows its rows come due no sooner than `t`.
fn expiry(op: &Op) -> Option<Option<DateTime<Utc>>> {
    let any = |writes: bool| writes.then_some(None);
    match op {
        Op::Webhooks(op) => any(services::webhooks::object::logs_attempts(op)),
        Op::Files(op) => any(services::files::object::expires_rows(op)),
        Op::Idempotency(op) => any(services::idempotency::object::expires_rows(op)),
        Op::Tickets(_) => any(true),
        // A message may start a wait for an answer, whose end the alarm must see; the
        // wait ends at its `due_at`.
        Op::Messages(protocol::MessageOp::Append(a)) => {
            let mail = a.mail.as_ref().map(|mail| time::parse(&mail.due_at));
            sooner(mail, a.charge.then(budget_due))
        }
        Op::Budgets(_) => Some(budget_due()),
        Op::Email(op) => any(services::email::object::starts_waits(op)),
        // An agent gone offline may lose their unanswered chats when the alarm rings.
        Op::Assignment(protocol::AssignmentOp::Presence { online, .. }) => any(!online),
        // A visitor's beat moves when they go offline.
        Op::Presence(protocol::PresenceOp::Beat { .. }) => any(true),
        _ => None,
    }
}

/// The sooner of two [`expiry`] answers.
fn sooner(
    a: Option<Option<DateTime<Utc>>>,
    b: Option<Option<DateTime<Utc>>>,
) -> Option<Option<DateTime<Utc>>> {
    match (a, b) {
        (Some(Some(a)), Some(Some(b))) => Some(Some(a.min(b))),
        (Some(None), _) | (_, Some(None)) => Some(None),
        (a, b) => a.or(b),
    }
}

/// Spends `charge` and runs `op` only if it was allowed (RATE-001 otherwise): the
/// answer, and the decision when the budget could be read.
fn charged(
    sql: &SqlStorage,
    charge: &Charge,
    op: Op,
) -> (std::result::Result<String, ApiError>, Option<Decision>) {
    let budget = services::budgets::object::Budget::Credential(&charge.credential, charge.limits);
    let decision = match services::budgets::object::spend(sql, budget, time::now()) {
        Ok(decision) => decision,
        Err(e) => return (Err(e), None),
    };
    if !decision.allowed {
        let refused = ApiError::new(ErrorCode::RateLimited).with_rate(Some(decision));
        return (Err(refused), Some(decision));
    }
    (dispatch(sql, op), Some(decision))
}

/// When a budget spent now comes due for the sweep at the earliest.
fn budget_due() -> Option<DateTime<Utc>> {
    Some(time::now() + Duration::minutes(1) + services::budgets::object::SWEEP_SLACK)
}

/// When the first expiring row of the object is due to go, if any is left.
fn first_due(sql: &SqlStorage) -> std::result::Result<Option<DateTime<Utc>>, ApiError> {
    let abandoned = services::files::object::oldest_pending(sql)?
        .map(|at| at + Duration::hours(ABANDONED_UPLOAD_HOURS));
    Ok([
        services::webhooks::object::next_sweep(sql, DateTime::<Utc>::MIN_UTC)?,
        services::idempotency::object::next_expiry(sql)?,
        services::realtime::object::next_expiry(sql)?,
        services::email::object::next_due(sql)?,
        services::assignment::object::next_reclaim(sql)?,
        services::presence::object::next_offline(sql)?,
        services::budgets::object::next_sweep(sql)?,
        abandoned,
    ]
    .into_iter()
    .flatten()
    .min())
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
        Op::Chats(op) => services::chats::object::handle(sql, op),
        Op::Messages(op) => services::messages::object::handle(sql, op),
        Op::Visitors(op) => services::visitors::object::handle(sql, op),
        Op::Files(op) => services::files::object::handle(sql, op),
        Op::Analytics(op) => services::analytics::object::handle(sql, op),
        Op::Idempotency(op) => services::idempotency::object::handle(sql, op),
        Op::Tickets(op) => services::realtime::object::handle(sql, op),
        Op::Email(op) => services::email::object::handle(sql, op),
        Op::Canned(op) => services::canned::object::handle(sql, op),
        Op::Notes(op) => services::notes::object::handle(sql, op),
        Op::Search(op) => services::search::object::handle(sql, op),
        Op::Contacts(op) => services::contacts::object::handle(sql, op),
        Op::Assignment(op) => services::assignment::object::handle(sql, op),
        Op::Presence(op) => services::presence::object::handle(sql, op),
        Op::Budgets(op) => services::budgets::object::handle(sql, op),
    }
}

/// The export's reads; erasure is handled before the schema is touched. Credentials'
/// budgets are named by the credential's hash, which no export carries (`domain::export`).
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
                   AND name <> 'schema_version' AND name NOT LIKE 'search\\_%' ESCAPE '\\'
                   AND name <> 'credential_budgets'
                 ORDER BY name",
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
            let order = page_order(sql, &table)?;
            let rows: Vec<serde_json::Map<String, serde_json::Value>> = sql
                .exec(
                    &format!("SELECT * FROM \"{table}\" ORDER BY {order} LIMIT ? OFFSET ?"),
                    vec![i64::from(limit).into(), i64::from(offset).into()],
                )
                .and_then(|c| c.to_array())
                .map_err(fail)?;
            answer(rows.into_iter().map(export::withheld).collect::<Vec<_>>())
        }
        TenantOp::Erase => answer(()),
    }
}

/// What to page `table` by: its rowid, or for a WITHOUT ROWID table (which has none)
/// its primary key's columns in key order (the schema test holds every such table to
/// having one).
fn page_order(sql: &SqlStorage, table: &str) -> std::result::Result<String, ApiError> {
    #[derive(serde::Deserialize)]
    struct Row {
        n: u32,
    }
    #[derive(serde::Deserialize)]
    struct Key {
        cid: u32,
    }
    let found: Vec<Row> = sql::rows(
        sql,
        "SELECT COUNT(*) AS n FROM sqlite_master
          WHERE type = 'table' AND name = ? AND sql LIKE '%WITHOUT ROWID%'",
        vec![table.into()],
    )?;
    if found.first().is_none_or(|r| r.n == 0) {
        return Ok("rowid".to_string());
    }
    let keys: Vec<Key> = sql::rows(
        sql,
        "SELECT cid FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk",
        vec![table.into()],
    )?;
    // Column positions, so no name is formatted into the query.
    Ok(keys
        .iter()
        .map(|k| (k.cid + 1).to_string())
        .collect::<Vec<_>>()
        .join(", "))
}

/// The answer of a successful operation whose value is an object of `fields`, each a
/// constant name and its JSON text (an array SQLite wrote, a number). The text is put
/// into the answer as it is: serde would only have scanned it again to find its end.
pub fn answer_written(fields: &[(&str, &str)]) -> String {
    let mut text = String::with_capacity(
        16 + fields
            .iter()
            .map(|(n, v)| n.len() + v.len() + 4)
            .sum::<usize>(),
    );
    text.push_str("{\"ok\":{");
    for (i, (name, json)) in fields.iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        text.push('"');
        text.push_str(name);
        text.push_str("\":");
        text.push_str(json);
    }
    text.push_str("}}");
    text
}

/// The answer of a successful operation.
pub fn answer<T: Serialize>(value: T) -> std::result::Result<String, ApiError> {
    serde_json::to_string(&Answer::Ok(value))
        .map_err(|e| ApiError::internal(format!("encoding an answer: {e}")))
}
