//! Read-mostly copies in the CACHE KV namespace (DESIGN: "public widget config by
//! workspace, API key lookups (short TTL)"): who is behind an API key or a console
//! session, and a workspace's public widget settings. D1 answers from one region; KV
//! answers from the location the request reached, so what was read in the last minute
//! is known without a trip to D1.
//!
//! A copy lives `TTL_SECONDS`, KV's shortest expiry. Changes that must show at once
//! delete the copies they affect before they answer: a revoked key, a signed-out
//! session, any change to an agent (role, name, status), to the widget's settings or to
//! a trigger. KV spreads a delete to other locations within about a minute, so the TTL
//! bounds staleness there as it does here.
//!
//! In front of KV, each isolate keeps what it read or wrote for `MEMO_MS` (`memo`): a KV
//! read is a subrequest (0.1 to 0.2 ms of a request under `wrangler dev`, a network
//! read at the edge), and an agent's requests come in runs. A delete removes this isolate's memo before KV's copy, so a
//! change shows here at once; another isolate's memo adds at most `MEMO_MS` to the
//! minute KV already allows.
//!
//! The cache never decides alone: a copy that cannot be read, written or parsed is
//! treated as absent, and D1 answers.

use serde::de::DeserializeOwned;
use serde::Serialize;
use worker::kv::KvStore;

use crate::domain::cached_caller::TTL_SECONDS;
pub use crate::domain::cached_caller::{key_entry, session_entry, widget_entry, CachedCaller};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store;

fn store_of(state: &AppState) -> Option<KvStore> {
    state
        .cache()
        .inspect_err(|e| worker::console_warn!("cache unavailable: {e:?}"))
        .ok()
}

/// This isolate's copies of KV entries, each with when it was taken.
mod memo {
    use std::cell::RefCell;
    use std::collections::HashMap;

    /// How long an isolate trusts what it read or wrote itself.
    pub const MEMO_MS: f64 = 10_000.0;
    /// Beyond this many entries the memo starts again, so an isolate that sees many
    /// credentials holds no more than a few megabytes of them.
    const MAX_ENTRIES: usize = 10_000;

    thread_local! {
        static ENTRIES: RefCell<HashMap<String, (String, f64)>> = RefCell::new(HashMap::new());
    }

    fn now() -> f64 {
        js_sys::Date::now()
    }

    pub fn get(entry: &str) -> Option<String> {
        ENTRIES.with(|m| {
            let mut m = m.borrow_mut();
            match m.get(entry) {
                Some((text, at)) if now() - at < MEMO_MS => Some(text.clone()),
                Some(_) => {
                    m.remove(entry);
                    None
                }
                None => None,
            }
        })
    }

    pub fn put(entry: &str, text: String) {
        ENTRIES.with(|m| {
            let mut m = m.borrow_mut();
            if m.len() >= MAX_ENTRIES {
                m.clear();
            }
            m.insert(entry.to_string(), (text, now()));
        });
    }

    pub fn forget(entry: &str) {
        ENTRIES.with(|m| m.borrow_mut().remove(entry));
    }
}

/// The copy at `entry`, if there is a readable one.
pub async fn get<T: DeserializeOwned>(state: &AppState, entry: &str) -> Option<T> {
    let text = match memo::get(entry) {
        Some(text) => text,
        None => {
            let kv = store_of(state)?;
            let text = kv
                .get(entry)
                .text()
                .await
                .inspect_err(|e| worker::console_warn!("cache read {entry}: {e:?}"))
                .ok()
                .flatten()?;
            memo::put(entry, text.clone());
            text
        }
    };
    serde_json::from_str(&text)
        .inspect_err(|e| worker::console_warn!("cache read {entry}: {e:?}"))
        .ok()
}

/// Keeps a copy at `entry`. Awaited before the answer, so that the client's next
/// request (a revocation, say) cannot be overtaken by a late write of the old state.
pub async fn put<T: Serialize>(state: &AppState, entry: &str, value: &T) {
    match serde_json::to_string(value) {
        Ok(text) => memo::put(entry, text),
        Err(_) => memo::forget(entry),
    }
    let Some(kv) = store_of(state) else { return };
    let written = match kv.put(entry, value) {
        Ok(put) => put.expiration_ttl(TTL_SECONDS).execute().await,
        Err(e) => Err(e),
    };
    if let Err(e) = written {
        worker::console_warn!("cache write {entry}: {e:?}");
    }
}

/// Deletes the copies at `entries`. A failure is an error: the change that asked for
/// it would otherwise stay invisible for up to a minute with nobody told.
pub async fn forget(state: &AppState, entries: &[String]) -> Result<(), ApiError> {
    if entries.is_empty() {
        return Ok(());
    }
    for entry in entries {
        memo::forget(entry);
    }
    let kv = state.cache()?;
    let deletes = entries.iter().map(|entry| kv.delete(entry));
    for (entry, done) in entries
        .iter()
        .zip(futures_util::future::join_all(deletes).await)
    {
        done.map_err(|e| ApiError::unavailable(format!("cache delete {entry}: {e:?}")))?;
    }
    Ok(())
}

/// Deletes every copy made for `agent_id`: those of its live keys and of its sessions.
pub async fn forget_agent(state: &AppState, agent_id: &str) -> Result<(), ApiError> {
    let hashes = store::agents::credential_hashes(&state.db()?, agent_id).await?;
    forget_credentials(state, &hashes).await
}

/// Deletes the copies of these credentials. Removing an agent reads its hashes before
/// the removal revokes and deletes the rows that list them.
pub async fn forget_credentials(
    state: &AppState,
    hashes: &store::agents::CredentialHashes,
) -> Result<(), ApiError> {
    let entries: Vec<String> = hashes
        .keys
        .iter()
        .map(|h| key_entry(h))
        .chain(hashes.sessions.iter().map(|h| session_entry(h)))
        .collect();
    forget(state, &entries).await
}
