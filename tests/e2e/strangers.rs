//! Strangers leave nothing behind: requests with unknown or malformed credentials (API
//! keys, session cookies, visitor tokens, invitation tokens) create no D1 row and no
//! Durable Object storage; idempotency runs after authentication, per caller; the
//! sign-in throttle cannot be turned against an agent from another address.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use shared_types::admin::CreatedApiKey;
use shared_types::auth::{CreatedAgent, SessionInfo};
use shared_types::error::ErrorCode;

use crate::client::{bearer, Ctx, Resp};
use crate::console::{unique_email, workspace_with_password, PASSWORD};

crate::tests![
    unknown_credentials_of_every_kind_leave_no_row_and_no_object_storage,
    an_idempotency_key_is_the_callers_own_and_unknown_callers_record_nothing,
    a_retried_post_of_a_new_api_key_replays_it_without_a_second_key,
    a_strangers_failures_elsewhere_never_keep_the_owner_out,
    the_owners_own_typo_amid_a_strangers_guesses_costs_at_most_a_minute,
    guessed_invitations_are_throttled_per_address_and_a_real_one_still_works,
];

/// Base62 text that no server made: from a hash of a counter and the clock.
fn random_text(len: usize) -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut out = String::new();
    while out.len() < len {
        let seed = format!(
            "{}-{:?}-{}",
            N.fetch_add(1, Ordering::Relaxed),
            std::time::SystemTime::now(),
            std::process::id()
        );
        for b in Sha256::digest(seed.as_bytes()) {
            if out.len() < len {
                out.push(ALPHABET[b as usize % ALPHABET.len()] as char);
            }
        }
    }
    out
}

/// An address of the documentation range, so a test's failures are its own.
pub fn address(tag: u8) -> String {
    format!("198.51.100.{tag}")
}

/// Every file under `dir`, with its size.
fn files_under(dir: &Path) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.insert(path.display().to_string());
            }
        }
    }
    found
}

/// Rows of every table of D1, as `table=count`.
fn table_counts(ctx: &Ctx) -> Vec<String> {
    let tables = ctx.server.d1_held(
        "SELECT name FROM sqlite_master WHERE type = 'table'
          AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'd1_migrations'",
    );
    let names: Vec<String> = tables
        .as_array()
        .map(|rows| {
            rows.iter()
                .filter_map(|r| r["name"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let sql = format!(
        "SELECT {}",
        names
            .iter()
            .map(|n| format!("(SELECT COUNT(*) FROM \"{n}\") AS \"{n}\""))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let row = &ctx.server.d1_held(&sql)[0];
    names
        .iter()
        .map(|n| format!("{n}={}", row[n.as_str()]))
        .collect()
}

/// A request sent while the test holds `client::QUIET` (so without taking it).
fn raw(
    ctx: &Ctx,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&Value>,
) -> Resp {
    let url = format!("{}{path}", ctx.client.base_url);
    let req = headers
        .iter()
        .fold(ureq::request(method, &url), |req, (n, v)| req.set(n, v));
    let result = match body {
        Some(body) => req
            .set("Content-Type", "application/json")
            .send_string(&body.to_string()),
        None => req.call(),
    };
    let response = match result {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("request failed: {e}"),
    };
    let status = response.status();
    let headers = response
        .headers_names()
        .into_iter()
        .filter_map(|n| response.header(&n).map(|v| (n.clone(), v.to_string())))
        .collect();
    Resp {
        status,
        headers,
        text: response.into_string().unwrap_or_default(),
    }
}

fn unknown_credentials_of_every_kind_leave_no_row_and_no_object_storage(ctx: &Ctx) {
    let ws = ctx.workspace();
    // Every other test waits while this one looks, so what changes is this test's.
    let quiet = crate::client::QUIET
        .write()
        .unwrap_or_else(|e| e.into_inner());
    let objects = ctx.server.persist_dir.join("v3").join("do");
    let (files_before, rows_before) = (files_under(&objects), table_counts(ctx));
    let stranger = address(11);
    for i in 0..12 {
        let key = bearer(&format!("cf_live_{}", random_text(32)));
        let idem = format!("stranger-{i}");
        let r = raw(ctx, "GET", "/v1/chats", &[("Authorization", &key)], None);
        assert_eq!(r.status, 401, "{}", r.text);
        r.assert_error(ErrorCode::AuthUnknownKey);
        let r = raw(
            ctx,
            "POST",
            "/v1/api-keys",
            &[("Authorization", &key), ("Idempotency-Key", &idem)],
            Some(&json!({"name": "mine now"})),
        );
        r.assert_error(ErrorCode::AuthUnknownKey);
        let malformed = bearer(&format!("cf_live_{}", random_text(5)));
        let r = raw(
            ctx,
            "GET",
            "/v1/chats",
            &[("Authorization", &malformed)],
            None,
        );
        assert_eq!(r.status, 401, "{}", r.text);
        let cookie = format!(
            "{}=cfs_{}",
            shared_types::auth::SESSION_COOKIE,
            random_text(43)
        );
        let r = raw(
            ctx,
            "POST",
            "/v1/chats/chat_x/read",
            &[
                ("Cookie", &cookie),
                ("X-Chatflow-Console", "1"),
                ("Idempotency-Key", &idem),
            ],
            Some(&json!({})),
        );
        r.assert_error(ErrorCode::AuthSessionInvalid);
        let visitor = bearer(&format!("v1.{}.{}", random_text(40), random_text(43)));
        let r = raw(
            ctx,
            "POST",
            "/v1/visitor/chats",
            &[("Authorization", &visitor), ("Idempotency-Key", &idem)],
            Some(&json!({"text": "hi"})),
        );
        r.assert_error(ErrorCode::AuthVisitorToken);
        let r = raw(
            ctx,
            "POST",
            "/v1/auth/accept-invite",
            &[("CF-Connecting-IP", &stranger)],
            Some(&json!({"token": format!("inv_{}", random_text(43)), "password": PASSWORD})),
        );
        r.assert_error(ErrorCode::AuthInvitation);
    }
    let (files_after, rows_after) = (files_under(&objects), table_counts(ctx));
    // A new object is a new database file. Other tests' objects that were already
    // there may open their write-ahead log meanwhile: that is not a stranger's state.
    let new_files: Vec<&String> = files_after
        .difference(&files_before)
        .filter(|f| {
            let base = f.trim_end_matches("-wal").trim_end_matches("-shm");
            base == f.as_str() || !files_before.contains(base)
        })
        .collect();
    assert!(new_files.is_empty(), "new object storage: {new_files:?}");
    // The only rows are the throttle's count of the address's failed invitations,
    // which is what makes guessing them slow (and is gone after its window).
    let changed: Vec<(&String, &String)> = rows_before
        .iter()
        .zip(&rows_after)
        .filter(|(a, b)| a != b)
        .collect();
    let throttle_rows = ctx.server.d1_held(&format!(
        "SELECT COUNT(*) AS n FROM login_failures WHERE subject = 'invite-ip:{stranger}'"
    ))[0]["n"]
        .as_u64();
    assert_eq!(throttle_rows, Some(12));
    for (before, after) in &changed {
        assert!(
            before.starts_with("login_failures="),
            "{before} became {after}"
        );
    }
    assert_eq!(rows_before.len(), rows_after.len());
    // Reading the workspace's object takes `QUIET` itself.
    drop(quiet);
    // A real key's first request records its budget, in its workspace's object, which
    // already existed: a row there, not a new object.
    let known = raw(
        ctx,
        "GET",
        "/v1/chats",
        &[("Authorization", &bearer(&ws.api_key))],
        None,
    );
    assert_eq!(known.status, 200, "{}", known.text);
    let budgets = ctx.server.workspace_query(
        &ws.id,
        "SELECT COUNT(*) AS n FROM credential_budgets WHERE credential LIKE 'key:%'",
    );
    assert_eq!(budgets[0]["n"].as_u64(), Some(1), "{budgets:?}");
    // The check can see an object being made: a new visitor session's address budget
    // is one (a limiter object of this new workspace and address).
    let r = raw(
        ctx,
        "POST",
        &format!("/v1/public/widgets/{}/sessions", ws.id),
        &[
            ("Origin", "https://shop.example"),
            ("CF-Connecting-IP", &address(12)),
        ],
        Some(&json!({"visitor": {"name": "Ali"}})),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let made = files_under(&objects).difference(&files_after).count();
    assert!(
        made >= 1,
        "a new address's budget left no storage under {objects:?}"
    );
}

/// Records of `key` anywhere a caller's could be: the workspace's own object (every
/// tenant request's) and D1 (the admin API's).
fn idempotency_rows(ctx: &Ctx, ws: &crate::client::TestWorkspace, key: &str) -> u64 {
    let sql = format!("SELECT COUNT(*) AS n FROM idempotency_keys WHERE key = '{key}'");
    [
        ctx.server.workspace_query(&ws.id, &sql),
        ctx.server.d1(&sql),
    ]
    .iter()
    .map(|rows| rows[0]["n"].as_u64().unwrap_or(u64::MAX))
    .fold(0, u64::saturating_add)
}

fn key_count(ws: &crate::client::TestWorkspace) -> usize {
    ws.get("/v1/api-keys").json()["data"]
        .as_array()
        .map_or(usize::MAX, Vec::len)
}

fn an_idempotency_key_is_the_callers_own_and_unknown_callers_record_nothing(ctx: &Ctx) {
    let ws = ctx.workspace();
    let other = ws.extra_key();
    let idem = format!("shared-{}", random_text(12));
    let keys_before = key_count(&ws);
    let create = |key: &str| {
        ctx.client.send(
            "POST",
            "/v1/api-keys",
            &[("Authorization", &bearer(key)), ("Idempotency-Key", &idem)],
            Some(&json!({"name": "ci"})),
        )
    };
    let first: CreatedApiKey = create(&ws.api_key).expect(201);
    let second = create(&other);
    let second_key: CreatedApiKey = second.expect(201);
    // Two callers, one Idempotency-Key: neither sees the other's answer.
    assert!(second.header("idempotent-replayed").is_none());
    assert_ne!(first.key, second_key.key);
    assert_eq!(key_count(&ws), keys_before + 2);
    assert_eq!(idempotency_rows(ctx, &ws, &idem), 2);

    let stranger = bearer(&format!("cf_live_{}", random_text(32)));
    let lost = format!("unknown-{}", random_text(12));
    ctx.client
        .send(
            "POST",
            "/v1/api-keys",
            &[("Authorization", &stranger), ("Idempotency-Key", &lost)],
            Some(&json!({"name": "ci"})),
        )
        .assert_error(ErrorCode::AuthUnknownKey);
    assert_eq!(idempotency_rows(ctx, &ws, &lost), 0);
    assert_eq!(key_count(&ws), keys_before + 2);
}

fn a_retried_post_of_a_new_api_key_replays_it_without_a_second_key(ctx: &Ctx) {
    let ws = ctx.workspace();
    let idem = format!("retry-{}", random_text(12));
    let send = || {
        ctx.client.send(
            "POST",
            "/v1/api-keys",
            &[
                ("Authorization", &bearer(&ws.api_key)),
                ("Idempotency-Key", &idem),
            ],
            Some(&json!({"name": "deploy"})),
        )
    };
    let first: CreatedApiKey = send().expect(201);
    let keys = key_count(&ws);
    let again = send();
    let replayed: CreatedApiKey = again.expect(201);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    // The client that lost the first answer gets the key it paid for, and only one.
    assert_eq!(replayed.key, first.key);
    assert_eq!(key_count(&ws), keys);
    ws.client
        .get("/v1/chats", &replayed.key)
        .expect::<Value>(200);
}

fn login_from(ctx: &Ctx, email: &str, password: &str, from: &str) -> Resp {
    ctx.client.impatient().send(
        "POST",
        "/v1/auth/login",
        &[("CF-Connecting-IP", from)],
        Some(&json!({"email": email, "password": password})),
    )
}

fn retry_after(resp: &Resp) -> u64 {
    resp.header("retry-after")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn failures_of(ctx: &Ctx, email: &str) -> u64 {
    ctx.server.d1(&format!(
        "SELECT COUNT(*) AS n FROM login_failures WHERE subject = 'email:{email}'"
    ))[0]["n"]
        .as_u64()
        .unwrap_or(u64::MAX)
}

/// A stranger's guesses at `email`: five from `first` (which is then held for the
/// window), and one from each of `others`.
fn guess(ctx: &Ctx, email: &str, first: u8, others: std::ops::RangeInclusive<u8>) {
    for _ in 0..5 {
        login_from(ctx, email, "guess", &address(first))
            .assert_error(ErrorCode::AuthInvalidCredentials);
    }
    let held = login_from(ctx, email, "guess", &address(first));
    held.assert_error(ErrorCode::RateLimited);
    assert!(retry_after(&held) > 60, "the pair is held for its window");
    for tag in others {
        login_from(ctx, email, "guess", &address(tag))
            .assert_error(ErrorCode::AuthInvalidCredentials);
    }
}

fn a_strangers_failures_elsewhere_never_keep_the_owner_out(ctx: &Ctx) {
    let email = unique_email("owner");
    workspace_with_password(ctx, &email);
    guess(ctx, &email, 21, 22..=36);
    let failures = failures_of(ctx, &email);
    assert_eq!(failures, 20);
    // A guessing address backs off exponentially, to at most a minute.
    let held = login_from(ctx, &email, "guess", &address(22));
    held.assert_error(ErrorCode::RateLimited);
    assert!(
        (1..=60).contains(&retry_after(&held)),
        "{:?}",
        held.header("retry-after")
    );
    // Even the right password is held at a guessing address: it must not learn that.
    login_from(ctx, &email, PASSWORD, &address(21)).assert_error(ErrorCode::RateLimited);
    assert_eq!(failures_of(ctx, &email), failures);
    // The owner, from their own address, is not held at all.
    let info: SessionInfo = login_from(ctx, &email, PASSWORD, &address(90)).expect(200);
    assert_eq!(info.agent.email.as_str(), email);
}

fn the_owners_own_typo_amid_a_strangers_guesses_costs_at_most_a_minute(ctx: &Ctx) {
    let email = unique_email("typo");
    workspace_with_password(ctx, &email);
    guess(ctx, &email, 41, 42..=52);
    let owner = address(91);
    login_from(ctx, &email, "typo", &owner).assert_error(ErrorCode::AuthInvalidCredentials);
    // 17 failures of the email: the owner's address backs off from its own typo, and
    // never longer than a minute, however many the stranger made.
    let held = login_from(ctx, &email, PASSWORD, &owner);
    held.assert_error(ErrorCode::RateLimited);
    let wait = retry_after(&held);
    assert!((1..=60).contains(&wait), "Retry-After {wait}");
    assert_eq!(failures_of(ctx, &email), 17);
    // A clean address of the owner's still signs in at once.
    login_from(ctx, &email, PASSWORD, &address(92)).expect::<SessionInfo>(200);
}

fn guessed_invitations_are_throttled_per_address_and_a_real_one_still_works(ctx: &Ctx) {
    let ws = ctx.workspace();
    let email = unique_email("invited");
    let created: CreatedAgent = ws
        .post(
            "/v1/agents",
            &json!({"name": "Olim", "email": email, "role": "operator"}),
        )
        .expect(201);
    let accept = |token: &str, from: &str| {
        ctx.client.impatient().send(
            "POST",
            "/v1/auth/accept-invite",
            &[("CF-Connecting-IP", from)],
            Some(&json!({"token": token, "password": PASSWORD})),
        )
    };
    let guesser = address(61);
    for _ in 0..20 {
        accept(&format!("inv_{}", random_text(43)), &guesser)
            .assert_error(ErrorCode::AuthInvitation);
    }
    let held = accept(&created.invitation.token, &guesser);
    held.assert_error(ErrorCode::RateLimited);
    assert!(retry_after(&held) >= 1);
    // Held, it was not spent: from the invited agent's own address it still works.
    let info: SessionInfo = accept(&created.invitation.token, &address(62)).expect(200);
    assert_eq!(info.agent.id, created.agent.id);
}
