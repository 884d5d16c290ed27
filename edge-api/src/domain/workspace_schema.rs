//! The schema of the `Workspace` Durable Object, one SQLite database per workspace, as
//! numbered migrations (`edge-api/workspace-migrations/NNNN_*.sql`). An object applies
//! the ones above its stored version when it wakes, in order, in one synchronous block
//! (so atomically). A landed migration is never edited: a change is a new file here.
//!
//! Pure data and arithmetic, so the migrations themselves are tested natively against
//! real SQLite (`tests` below and `tests/workspace_schema.rs`).

/// One step of the schema: it moves an object from `version - 1` to `version`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Migration {
    pub version: u32,
    pub name: &'static str,
    pub sql: &'static str,
}

/// Every migration, oldest first; versions are 1, 2, 3 … with no gap.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "0001_triggers",
        sql: include_str!("../../workspace-migrations/0001_triggers.sql"),
    },
    Migration {
        version: 2,
        name: "0002_webhooks",
        sql: include_str!("../../workspace-migrations/0002_webhooks.sql"),
    },
    Migration {
        version: 3,
        name: "0003_widget_config",
        sql: include_str!("../../workspace-migrations/0003_widget_config.sql"),
    },
    Migration {
        version: 4,
        name: "0004_conversations",
        sql: include_str!("../../workspace-migrations/0004_conversations.sql"),
    },
    Migration {
        version: 5,
        name: "0005_email",
        sql: include_str!("../../workspace-migrations/0005_email.sql"),
    },
    Migration {
        version: 6,
        name: "0006_canned_responses",
        sql: include_str!("../../workspace-migrations/0006_canned_responses.sql"),
    },
    Migration {
        version: 7,
        name: "0007_chat_notes",
        sql: include_str!("../../workspace-migrations/0007_chat_notes.sql"),
    },
    Migration {
        version: 8,
        name: "0008_search",
        sql: include_str!("../../workspace-migrations/0008_search.sql"),
    },
    Migration {
        version: 9,
        name: "0009_contacts",
        sql: include_str!("../../workspace-migrations/0009_contacts.sql"),
    },
    Migration {
        version: 10,
        name: "0010_chat_preview",
        sql: include_str!("../../workspace-migrations/0010_chat_preview.sql"),
    },
    Migration {
        version: 11,
        name: "0011_assignment",
        sql: include_str!("../../workspace-migrations/0011_assignment.sql"),
    },
    Migration {
        version: 12,
        name: "0012_live_visitors",
        sql: include_str!("../../workspace-migrations/0012_live_visitors.sql"),
    },
    Migration {
        version: 13,
        name: "0013_invitations",
        sql: include_str!("../../workspace-migrations/0013_invitations.sql"),
    },
    Migration {
        version: 14,
        name: "0014_workspace_rollups",
        sql: include_str!("../../workspace-migrations/0014_workspace_rollups.sql"),
    },
    Migration {
        version: 15,
        name: "0015_search_terms",
        sql: include_str!("../../workspace-migrations/0015_search_terms.sql"),
    },
    Migration {
        version: 16,
        name: "0016_visitor_budgets",
        sql: include_str!("../../workspace-migrations/0016_visitor_budgets.sql"),
    },
    Migration {
        version: 17,
        name: "0017_search_batched",
        sql: include_str!("../../workspace-migrations/0017_search_batched.sql"),
    },
    Migration {
        version: 18,
        name: "0018_credential_budgets",
        sql: include_str!("../../workspace-migrations/0018_credential_budgets.sql"),
    },
    Migration {
        version: 19,
        name: "0019_monthly_rollups",
        sql: include_str!("../../workspace-migrations/0019_monthly_rollups.sql"),
    },
];

/// The version a fully migrated object is at.
pub fn latest() -> u32 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// The migrations an object at `current` still needs, in order. An object newer than
/// this code (a rollback after a deploy) needs none, and is refused by the caller.
pub fn pending(current: u32) -> &'static [Migration] {
    let applied = MIGRATIONS
        .iter()
        .position(|m| m.version > current)
        .unwrap_or(MIGRATIONS.len());
    &MIGRATIONS[applied..]
}

/// Made before the version is read: the table that holds it, one row.
pub const VERSION_TABLE: &str =
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)";

/// What reads an object's version: no row (a new object) is version 0.
pub const READ_VERSION: &str = "SELECT COALESCE(MAX(version), 0) AS version FROM schema_version";

/// The one script that takes an object from `current` to [`latest`]: the pending
/// migrations and the new version, or `None` when nothing is pending. The object runs
/// it in one synchronous call, so it is applied whole or not at all.
pub fn upgrade_script(current: u32) -> Option<String> {
    let steps = pending(current);
    let last = steps.last()?;
    let mut script = String::new();
    for m in steps {
        script.push_str(m.sql);
        script.push_str(";\n");
    }
    script.push_str(&format!(
        "DELETE FROM schema_version;\nINSERT INTO schema_version (version) VALUES ({});\n",
        last.version
    ));
    Some(script)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_count_from_one_without_a_gap_and_names_match() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version as usize, i + 1, "{}", m.name);
            assert!(
                m.name.starts_with(&format!("{:04}_", m.version)),
                "{} is not numbered {}",
                m.name,
                m.version
            );
            assert!(!m.sql.trim().is_empty(), "{} is empty", m.name);
        }
    }

    #[test]
    fn every_file_in_the_folder_is_listed() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("workspace-migrations");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".sql"))
            .collect();
        files.sort();
        let listed: Vec<String> = MIGRATIONS
            .iter()
            .map(|m| format!("{}.sql", m.name))
            .collect();
        assert_eq!(files, listed);
    }

    #[test]
    fn the_script_ends_at_the_latest_version_or_is_absent() {
        assert_eq!(upgrade_script(latest()), None);
        let script = upgrade_script(0).unwrap();
        assert!(script.ends_with(&format!("VALUES ({});\n", latest())));
        for m in MIGRATIONS {
            assert!(script.contains(m.sql));
        }
    }

    #[test]
    fn pending_is_what_lies_above_the_current_version() {
        assert_eq!(pending(0), MIGRATIONS);
        assert!(pending(latest()).is_empty());
        assert!(pending(latest() + 5).is_empty());
        for v in 0..=latest() {
            assert_eq!(pending(v).len() as u32, latest() - v);
            assert!(pending(v).iter().all(|m| m.version > v));
        }
    }
}
