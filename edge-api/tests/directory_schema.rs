//! D1 keeps only the directory. Applied in order to real SQLite, as `wrangler d1
//! migrations apply` does, the migrations leave no table for what has moved into each
//! workspace's own object (edge-api/workspace-migrations), and every table that is left
//! is one the directory or a not-yet-moved capability owns.

use rusqlite::Connection;

/// Tables that now live in the Workspace object; D1 must not have them.
const MOVED: &[&str] = &[
    "triggers",
    "webhooks",
    "webhook_deliveries",
    "widget_config",
    "visitors",
    "chats",
    "chat_counts",
    "messages",
    "files",
    "stats_daily",
    "stats_hourly",
    "used_tickets",
];

fn migrated_d1() -> Connection {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    let db = Connection::open_in_memory().unwrap();
    for file in files {
        let sql = std::fs::read_to_string(&file).unwrap();
        db.execute_batch(&sql)
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    }
    db
}

fn tables(db: &Connection) -> Vec<String> {
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn d1_has_no_table_that_moved_into_the_workspace_object() {
    let db = migrated_d1();
    let tables = tables(&db);
    for moved in MOVED {
        assert!(!tables.iter().any(|t| t == moved), "D1 still has {moved}");
    }
    // Each moved table is created by a workspace migration instead.
    for moved in MOVED {
        assert!(
            edge_api::domain::workspace_schema::MIGRATIONS
                .iter()
                .any(|m| m.sql.contains(&format!("CREATE TABLE {moved} "))),
            "no workspace migration creates {moved}"
        );
    }
}
