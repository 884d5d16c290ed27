//! What the CACHE KV namespace keeps of a caller (see the worker's `cache` module), and
//! where: one entry per credential, named by the SHA-256 that D1 also stores; and where
//! a workspace's public widget settings are kept.

use serde::{Deserialize, Serialize};
use shared_types::agents::AgentRole;

/// KV refuses expiries shorter than a minute, and a minute is as stale as a copy may be.
pub const TTL_SECONDS: u64 = 60;

/// The entry of an API key, by its SHA-256 (hex).
pub fn key_entry(key_hash: &str) -> String {
    format!("auth:key:{key_hash}")
}

/// The entry of a console session, by the SHA-256 (hex) of its token.
pub fn session_entry(token_hash: &str) -> String {
    format!("auth:session:{token_hash}")
}

/// The entry of a workspace's public widget settings and active triggers.
pub fn widget_entry(workspace_id: &str) -> String {
    format!("widget:{workspace_id}")
}

/// The agent behind a credential. A session's copy also keeps the session's end, so
/// it never outlives the session it copies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachedCaller {
    pub workspace_id: String,
    pub agent_id: String,
    pub agent_name: String,
    pub role: AgentRole,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
}

impl CachedCaller {
    /// Whether the copy still stands at `now`. Both are RFC 3339 in UTC as
    /// `domain::time::format` writes them, which order as text.
    pub fn live_at(&self, now: &str) -> bool {
        self.expires_at.as_deref().is_none_or(|end| end > now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn copy(expires_at: Option<&str>) -> CachedCaller {
        CachedCaller {
            workspace_id: "ws_1".into(),
            agent_id: "agent_1".into(),
            agent_name: "Sara".into(),
            role: AgentRole::Admin,
            expires_at: expires_at.map(str::to_string),
        }
    }

    #[test]
    fn a_session_copy_ends_with_its_session() {
        let now = "2026-11-25T10:00:00Z";
        assert!(copy(Some("2026-11-25T10:00:01Z")).live_at(now));
        assert!(!copy(Some("2026-11-25T10:00:00Z")).live_at(now));
        assert!(!copy(Some("2026-11-25T09:59:59Z")).live_at(now));
    }

    #[test]
    fn a_key_copy_has_no_end_of_its_own() {
        assert!(copy(None).live_at("2099-01-01T00:00:00Z"));
    }

    #[test]
    fn copies_round_trip_through_json() {
        let session = copy(Some("2026-11-25T10:00:00Z"));
        let text = serde_json::to_string(&session).unwrap();
        assert_eq!(
            serde_json::from_str::<CachedCaller>(&text).unwrap(),
            session
        );
        let key = serde_json::to_string(&copy(None)).unwrap();
        assert!(!key.contains("expires_at"));
        assert_eq!(
            serde_json::from_str::<CachedCaller>(&key).unwrap(),
            copy(None)
        );
    }

    #[test]
    fn entries_are_named_by_kind_and_hash() {
        assert_eq!(key_entry("ab12"), "auth:key:ab12");
        assert_eq!(session_entry("ab12"), "auth:session:ab12");
        assert_ne!(key_entry("ab12"), session_entry("ab12"));
        assert_eq!(widget_entry("ws_1"), "widget:ws_1");
    }
}
