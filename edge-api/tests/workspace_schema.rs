//! The Workspace object's migrations against real SQLite: an object made by every
//! earlier schema version, holding that version's fixture rows
//! (`workspace-migrations/fixtures/NNNN.sql`), is upgraded by the same script the object
//! runs when it wakes, and every row and value it held is still there.

use edge_api::domain::workspace_schema::{
    latest, upgrade_script, MIGRATIONS, READ_VERSION, VERSION_TABLE,
};
use rusqlite::types::Value;
use rusqlite::Connection;

/// Every row of every table, as (table, column names, rows), in a stable order. The
/// search index (`search_*`) is derived from the rest, and checked by what it finds.
type Snapshot = Vec<(String, Vec<String>, Vec<Vec<Value>>)>;

fn snapshot(db: &Connection) -> Snapshot {
    let mut tables: Vec<String> = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_version' AND name NOT LIKE 'search\\_%' ESCAPE '\\' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    tables.sort();
    tables
        .into_iter()
        .map(|table| {
            // The export's order: rowid, or for a WITHOUT ROWID table its key, which
            // is its first two columns (see the test below).
            let order = if without_rowid(db, &table) {
                "1, 2"
            } else {
                "rowid"
            };
            let mut stmt = db
                .prepare(&format!("SELECT * FROM \"{table}\" ORDER BY {order}"))
                .unwrap();
            let columns: Vec<String> = stmt.column_names().iter().map(|c| c.to_string()).collect();
            let n = columns.len();
            let rows = stmt
                .query_map([], |r| (0..n).map(|i| r.get::<_, Value>(i)).collect())
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            (table, columns, rows)
        })
        .collect()
}

fn without_rowid(db: &Connection, table: &str) -> bool {
    db.query_row(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?1 AND sql LIKE '%WITHOUT ROWID%'",
        [table],
        |r| r.get::<_, u32>(0),
    )
    .unwrap()
        > 0
}

fn version(db: &Connection) -> u32 {
    db.query_row(READ_VERSION, [], |r| r.get(0)).unwrap()
}

/// What the object does on waking, step for step.
fn wake(db: &Connection) {
    db.execute_batch(VERSION_TABLE).unwrap();
    if let Some(script) = upgrade_script(version(db)) {
        db.execute_batch(&script).unwrap();
    }
}

fn fixture(version: u32) -> String {
    let path = format!(
        "{}/workspace-migrations/fixtures/{version:04}.sql",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// An object as version `made_at` left it, holding the fixture rows of that version
/// and of every one before it; not yet woken.
fn made_at_version(made_at: u32) -> Connection {
    let db = Connection::open_in_memory().unwrap();
    db.execute_batch(VERSION_TABLE).unwrap();
    for m in MIGRATIONS.iter().take_while(|m| m.version <= made_at) {
        db.execute_batch(m.sql).unwrap();
    }
    db.execute_batch(&format!(
        "INSERT INTO schema_version (version) VALUES ({made_at})"
    ))
    .unwrap();
    for v in 1..=made_at {
        db.execute_batch(&fixture(v)).unwrap();
    }
    db
}

#[test]
fn a_new_object_wakes_at_the_latest_version_and_stays_there() {
    let db = Connection::open_in_memory().unwrap();
    wake(&db);
    assert_eq!(version(&db), latest());
    wake(&db);
    assert_eq!(version(&db), latest());
    let rows: u32 = db
        .query_row("SELECT COUNT(*) FROM schema_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 1);
}

#[test]
fn an_object_made_by_every_earlier_version_keeps_its_data() {
    for made_at in MIGRATIONS.iter().map(|m| m.version) {
        let db = made_at_version(made_at);
        let before = snapshot(&db);
        assert!(before.iter().any(|(_, _, rows)| !rows.is_empty()));

        wake(&db);
        assert_eq!(version(&db), latest(), "made at version {made_at}");
        let after = snapshot(&db);
        for (table, columns, rows) in &before {
            let (_, now_columns, now_rows) = after
                .iter()
                .find(|(t, _, _)| t == table)
                .unwrap_or_else(|| panic!("table {table} of version {made_at} is gone"));
            assert_eq!(
                rows.len(),
                now_rows.len(),
                "rows of {table} (made at {made_at})"
            );
            // Every column that existed keeps its values; new columns may be added.
            for (i, column) in columns.iter().enumerate() {
                let j = now_columns
                    .iter()
                    .position(|c| c == column)
                    .unwrap_or_else(|| panic!("{table}.{column} of version {made_at} is gone"));
                for (row, now_row) in rows.iter().zip(now_rows) {
                    assert_eq!(row[i], now_row[j], "{table}.{column} (made at {made_at})");
                }
            }
        }
    }
}

#[test]
fn every_version_has_its_fixture() {
    for m in MIGRATIONS {
        assert!(!fixture(m.version).trim().is_empty(), "{}", m.name);
    }
}

/// The object pages a WITHOUT ROWID table in its export by its primary key: every one
/// must have one.
#[test]
fn every_table_without_rowid_has_a_primary_key_to_page_by() {
    let db = Connection::open_in_memory().unwrap();
    wake(&db);
    let tables: Vec<String> = db
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%WITHOUT ROWID%'
               AND name NOT LIKE 'search\\_%' ESCAPE '\\'",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(!tables.is_empty());
    for table in tables {
        let keys: u32 = db
            .query_row(
                &format!("SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE pk > 0"),
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(keys > 0, "{table}");
    }
}

const FIGURES: &str = "SUM(created), SUM(resolved), SUM(response_n), SUM(response_s), \
     SUM(closed), SUM(resolution_s), SUM(first_contact), SUM(ratings), SUM(rating_sum)";

/// (bucket, the nine figures) of a query's rows, in order.
fn figures(db: &Connection, query: &str) -> Vec<Vec<Value>> {
    let mut stmt = db.prepare(query).unwrap();
    let width = stmt.column_count();
    stmt.query_map([], |r| (0..width).map(|i| r.get(i)).collect())
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// The workspace-wide rollups agree with the per-agent ones, the months with their days,
/// and the local days of every tracked shift with the hours regrouped.
fn assert_rollups_agree(db: &Connection, at: &str) {
    for (months, days, agent, keys) in [
        ("stats_monthly", "stats_daily", "agent,", "1, 2"),
        ("stats_monthly_all", "stats_daily_all", "", "1"),
    ] {
        assert_eq!(
            figures(
                db,
                &format!("SELECT bucket, {agent} {FIGURES} FROM {months} GROUP BY {keys} ORDER BY {keys}")
            ),
            figures(
                db,
                &format!(
                    "SELECT substr(bucket, 1, 7), {agent} {FIGURES} FROM {days} \
                     GROUP BY {keys} ORDER BY {keys}"
                )
            ),
            "{months} ({at})"
        );
    }
    for (all, per_agent) in [
        ("stats_daily_all", "stats_daily"),
        ("stats_hourly_all", "stats_hourly"),
    ] {
        assert_eq!(
            figures(
                db,
                &format!("SELECT bucket, {FIGURES} FROM {all} GROUP BY bucket ORDER BY bucket")
            ),
            figures(
                db,
                &format!(
                    "SELECT bucket, {FIGURES} FROM {per_agent} GROUP BY bucket ORDER BY bucket"
                )
            ),
            "{all} ({at})"
        );
    }
    assert_eq!(
        figures(
            db,
            &format!(
                "SELECT shift, day, {FIGURES} FROM stats_local GROUP BY shift, day ORDER BY 1, 2"
            )
        ),
        figures(
            db,
            &format!(
                "SELECT t.shift, date(h.bucket || ':00', t.shift || ' seconds') AS day, {FIGURES}
                   FROM stats_shifts t, stats_hourly_all h GROUP BY 1, 2 ORDER BY 1, 2"
            )
        ),
        "stats_local ({at})"
    );
}

#[test]
fn the_workspace_rollups_add_up_the_agents_through_every_change() {
    for made_at in MIGRATIONS.iter().map(|m| m.version).filter(|v| *v >= 4) {
        let db = made_at_version(made_at);
        wake(&db);
        let at = format!("made at {made_at}");
        let chats: u32 = db
            .query_row("SELECT COUNT(*) FROM chats", [], |r| r.get(0))
            .unwrap();
        assert!(chats > 0, "{at}");
        // A shift tracked after the data is there (as a read in a new zone does), and
        // west of UTC, where a late hour falls on the day before.
        db.execute_batch(
            "INSERT OR IGNORE INTO stats_shifts (shift) VALUES (-18000);
             DELETE FROM stats_local WHERE shift = -18000;
             INSERT INTO stats_local (shift, day, created, resolved, response_n, response_s,
                                      closed, resolution_s, first_contact, ratings, rating_sum)
             SELECT -18000, date(bucket || ':00', '-18000 seconds'), SUM(created), SUM(resolved),
                    SUM(response_n), SUM(response_s), SUM(closed), SUM(resolution_s),
                    SUM(first_contact), SUM(ratings), SUM(rating_sum)
               FROM stats_hourly_all GROUP BY 2;",
        )
        .unwrap();
        assert_rollups_agree(&db, &at);
        // A chat created late at night UTC, answered, reassigned, closed, rated, deleted.
        db.execute_batch(
            "INSERT INTO visitors (id, metadata, created_at, last_seen_at) VALUES ('visitor_roll', '{}', '2026-11-04T22:00:00Z', '2026-11-04T22:00:00Z');
             INSERT INTO chats (id, visitor_id, status, assigned_to, last_activity_at,
                                first_visitor_message_at, created_at, updated_at)
             VALUES ('chat_roll', 'visitor_roll', 'assigned', 'agent_fixture1',
                     '2026-11-04T22:30:00Z', '2026-11-04T22:30:00Z', '2026-11-04T22:30:00Z',
                     '2026-11-04T22:30:00Z');",
        )
        .unwrap();
        assert_rollups_agree(&db, &format!("{at}, created"));
        for change in [
            "UPDATE chats SET first_response_at = '2026-11-04T22:31:10Z', agents_replied = 1 WHERE id = 'chat_roll'",
            "UPDATE chats SET assigned_to = 'agent_other' WHERE id = 'chat_roll'",
            "UPDATE chats SET status = 'closed', closed_at = '2026-11-05T01:00:00Z' WHERE id = 'chat_roll'",
            "UPDATE chats SET rating_score = 4, rated_at = '2026-11-05T02:00:00Z' WHERE id = 'chat_roll'",
            "DELETE FROM chats WHERE id = 'chat_roll'",
        ] {
            db.execute_batch(change).unwrap();
            assert_rollups_agree(&db, &format!("{at}, {change}"));
        }
    }
}

/// What the object does before every search (`services::search::object`): index the
/// messages queued since the last batch (workspace migration 0017).
fn catch_up(db: &Connection) {
    if version(db) >= 17 {
        db.execute_batch(edge_api::domain::search::CATCH_UP)
            .unwrap();
    }
}

/// The chats whose messages, or whose visitor and tags, match the FTS5 query `q`, as a
/// search sees them.
fn found(db: &Connection, q: &str) -> Vec<String> {
    catch_up(db);
    let mut stmt = db
        .prepare(
            "SELECT c.id FROM chats c WHERE c.num IN (
                 SELECT rowid >> 32 FROM search_messages WHERE search_messages MATCH ?1
                 UNION SELECT rowid FROM search_chats WHERE search_chats MATCH ?1)
             ORDER BY c.id",
        )
        .unwrap();
    stmt.query_map([q], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// The table of words (0015) holds exactly the terms the messages' index holds, as
/// FTS5's own vocabulary of that index lists them: every word searchable, and nothing of
/// an erased message left behind.
fn assert_words_agree(db: &Connection, at: &str) {
    catch_up(db);
    db.execute_batch(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.indexed USING fts5vocab(main, search_messages, 'row')",
    )
    .unwrap();
    let list = |sql: &str| -> Vec<String> {
        db.prepare(sql)
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert_eq!(
        list("SELECT term FROM search_message_words ORDER BY term"),
        list("SELECT term FROM temp.indexed ORDER BY term"),
        "{at}: the words table and the index"
    );
}

/// Whatever version an object was made at, once awake its index holds every message and
/// chat it had, and keeps up with writes after.
#[test]
fn the_search_index_holds_what_every_earlier_version_held() {
    for made_at in MIGRATIONS.iter().map(|m| m.version).filter(|v| *v >= 4) {
        let db = made_at_version(made_at);
        wake(&db);
        let at = format!("made at {made_at}");
        // A message, case and diacritics aside; a prefix; Cyrillic; a tag; an email.
        assert_eq!(found(&db, "\"NARX\"*"), ["chat_fixture1"], "{at}");
        assert_eq!(found(&db, "\"здравствуйте\""), ["chat_fixture1"], "{at}");
        assert_eq!(found(&db, "\"vip\""), ["chat_fixture1"], "{at}");
        assert_eq!(found(&db, "\"to'lov\""), ["chat_fixture1"], "{at}");
        assert_eq!(found(&db, "\"dilnoza shop uz\""), ["chat_fixture1"], "{at}");
        assert_eq!(found(&db, "\"salom\""), ["chat_fixture2"], "{at}");
        assert_words_agree(&db, &at);
        if made_at >= 17 {
            // Queued for the index when the object was made, found once awake.
            assert_eq!(found(&db, "\"navbatdagi\""), ["chat_fixture1"], "{at}");
        }
        if made_at >= 8 {
            assert_eq!(found(&db, "\"ДОСТАВКА\""), ["chat_fixture3"], "{at}");
            assert_eq!(found(&db, "\"ёлкин\""), ["chat_fixture3"], "{at}");
        }

        // Later writes: a new message, new tags, a renamed visitor, an erased chat.
        db.execute_batch(
            "INSERT INTO messages (chat_id, seq, id, sender_type, text, created_at)
             VALUES ('chat_fixture2', 2, 'msg_new', 'visitor', 'Oʻzbekcha yozaman', '2026-11-06T00:00:00Z');
             INSERT INTO messages (chat_id, seq, id, sender_type, text, created_at)
             VALUES ('chat_fixture2', 3, 'msg_sys', 'system', 'kalitsoz', '2026-11-06T00:00:00Z');
             UPDATE chats SET tags = '[\"muhim\"]' WHERE id = 'chat_fixture2';
             UPDATE visitors SET name = 'Jasur' WHERE id = 'visitor_fixture2';",
        )
        .unwrap();
        assert_eq!(found(&db, "\"o'zbekcha\""), ["chat_fixture2"], "{at}");
        assert!(found(&db, "\"kalitsoz\"").is_empty(), "{at}: system lines");
        assert_eq!(found(&db, "\"muhim\""), ["chat_fixture2"], "{at}");
        assert_eq!(found(&db, "\"jasur\""), ["chat_fixture2"], "{at}");
        assert_words_agree(&db, &at);
        db.execute_batch(
            "DELETE FROM messages WHERE chat_id = 'chat_fixture2';
             DELETE FROM chats WHERE id = 'chat_fixture2';",
        )
        .unwrap();
        for q in ["\"salom\"", "\"jasur\"", "\"muhim\"", "\"o'zbekcha\""] {
            assert!(found(&db, q).is_empty(), "{at}: {q} after erasure");
        }
        assert_words_agree(&db, &at);
        let left: u32 = db
            .query_row(
                "SELECT (SELECT COUNT(*) FROM search_messages) + (SELECT COUNT(*) FROM search_chats)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let kept: u32 = db
            .query_row(
                "SELECT (SELECT COUNT(*) FROM messages WHERE sender_type <> 'system') + (SELECT COUNT(*) FROM chats)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(left, kept, "{at}: one index row per message and per chat");
    }
}

/// A message erased while it waits for the index leaves nothing behind: not in the
/// queue, not in the index, not among the words, and a word it shared with another
/// waiting message is there once that one is indexed.
#[test]
fn a_message_erased_before_its_batch_leaves_no_trace() {
    let db = made_at_version(latest());
    wake(&db);
    catch_up(&db);
    db.execute_batch(
        "INSERT INTO messages (chat_id, seq, id, sender_type, text, created_at)
         VALUES ('chat_fixture1', 91, 'msg_q1', 'visitor', 'yolgizsoz sherigsoz', '2026-11-06T00:00:00Z'),
                ('chat_fixture3', 91, 'msg_q2', 'visitor', 'sherigsoz', '2026-11-06T00:00:00Z');
         DELETE FROM messages WHERE id = 'msg_q1';",
    )
    .unwrap();
    let queued: u32 = db
        .query_row("SELECT COUNT(*) FROM search_pending", [], |r| r.get(0))
        .unwrap();
    assert_eq!(queued, 1, "only the message still there waits");
    assert!(found(&db, "\"yolgizsoz\"").is_empty());
    assert_eq!(found(&db, "\"sherigsoz\""), ["chat_fixture3"]);
    assert_words_agree(&db, "after the batch");
}

/// A word two chats share outlives the erasure of one of them; a word only the erased
/// chat held goes with it.
#[test]
fn an_erased_chat_takes_only_its_own_words() {
    let db = made_at_version(latest());
    wake(&db);
    db.execute_batch(
        "INSERT INTO messages (chat_id, seq, id, sender_type, text, created_at)
         VALUES ('chat_fixture1', 90, 'msg_a', 'visitor', 'umumiy soʻz', '2026-11-06T00:00:00Z'),
                ('chat_fixture3', 90, 'msg_b', 'agent', 'Umumiy yagonasoz', '2026-11-06T00:00:00Z'),
                ('chat_fixture3', 91, 'msg_c', 'visitor', 'yagonasoz qayta', '2026-11-06T00:00:00Z');",
    )
    .unwrap();
    assert_words_agree(&db, "before");
    db.execute_batch(
        "DELETE FROM messages WHERE chat_id = 'chat_fixture3';
         DELETE FROM chats WHERE id = 'chat_fixture3';",
    )
    .unwrap();
    let has = |term: &str| -> bool {
        db.query_row(
            "SELECT COUNT(*) FROM search_message_words WHERE term = ?1",
            [term],
            |r| r.get::<_, u32>(0),
        )
        .unwrap()
            > 0
    };
    assert!(has("umumiy"));
    assert!(!has("yagonasoz"));
    assert!(!has("qayta"));
    assert_words_agree(&db, "after");
}

/// An object made before contacts gets one per verified user id and one per email, its
/// visitors linked to them, and the contact's last visit moves with their next message.
#[test]
fn visitors_made_before_contacts_are_linked_to_one_contact_each() {
    for made_at in MIGRATIONS
        .iter()
        .map(|m| m.version)
        .filter(|v| (4..9).contains(v))
    {
        let db = made_at_version(made_at);
        wake(&db);
        let at = format!("made at {made_at}");
        let linked: Vec<(String, Option<String>, Option<String>)> = db
            .prepare(
                "SELECT v.id, c.user_id, c.email_key FROM visitors v
                   LEFT JOIN contacts c ON c.id = v.contact_id ORDER BY v.id",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let mut expected = vec![
            (
                "visitor_fixture1".to_string(),
                Some("u-42".to_string()),
                Some("dilnoza@shop.uz".to_string()),
            ),
            ("visitor_fixture2".to_string(), None, None),
        ];
        if made_at >= 8 {
            expected.push((
                "visitor_fixture3".to_string(),
                None,
                Some("sergey@mail.ru".to_string()),
            ));
        }
        assert_eq!(linked, expected, "{at}");
        let contacts: u32 = db
            .query_row("SELECT COUNT(*) FROM contacts", [], |r| r.get(0))
            .unwrap();
        assert_eq!(contacts as usize, expected.len() - 1, "{at}");
        let id_shape: u32 = db
            .query_row(
                "SELECT COUNT(*) FROM contacts WHERE length(id) = 28 AND id LIKE 'contact\\_%' ESCAPE '\\'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(id_shape, contacts, "{at}");
        let found: Vec<i64> = db
            .prepare("SELECT rowid FROM search_contacts WHERE search_contacts MATCH '\"dilnoza\"'")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(found.len(), 1, "{at}");

        db.execute_batch(
            "INSERT INTO messages (chat_id, seq, id, sender_type, text, created_at)
             VALUES ('chat_fixture1', 9, 'msg_later', 'visitor', 'Yana savol', '2026-11-20T00:00:00Z');",
        )
        .unwrap();
        let seen: String = db
            .query_row(
                "SELECT last_seen_at FROM contacts WHERE user_id = 'u-42'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(seen, "2026-11-20T00:00:00Z", "{at}");
    }
}

/// A chat made before the preview columns gets its newest message's start on waking,
/// and every later message moves it.
#[test]
fn chats_made_before_the_preview_show_their_newest_message() {
    let preview = |db: &Connection, chat: &str| -> (Option<String>, Option<String>) {
        db.query_row(
            "SELECT last_text, last_sender FROM chats WHERE id = ?1",
            [chat],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    };
    for made_at in MIGRATIONS
        .iter()
        .map(|m| m.version)
        .filter(|v| (4..10).contains(v))
    {
        let db = made_at_version(made_at);
        wake(&db);
        let at = format!("made at {made_at}");
        let newest: (String, String) = db
            .query_row(
                "SELECT substr(text, 1, 140), sender_type FROM messages
                  WHERE chat_id = 'chat_fixture1' ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(
            preview(&db, "chat_fixture1"),
            (Some(newest.0), Some(newest.1)),
            "{at}"
        );
        let long = "Ж".repeat(200);
        db.execute(
            "INSERT INTO messages (chat_id, seq, id, sender_type, text, created_at)
             VALUES ('chat_fixture1', 99, 'msg_newest', 'agent', ?1, '2026-11-21T00:00:00Z')",
            [&long],
        )
        .unwrap();
        assert_eq!(
            preview(&db, "chat_fixture1"),
            (Some("Ж".repeat(140)), Some("agent".to_string())),
            "{at}"
        );
    }
}
