//! No secret at rest: after the service has handed out one of every kind (API keys,
//! a session, an invitation, a visitor token, a realtime ticket, webhook secrets both
//! generated and chosen), some through idempotent POSTs whose answers are remembered,
//! no file under the `--persist-to` directory (D1 with its WAL, Durable Objects, KV, R2)
//! holds any of them.

use std::path::{Path, PathBuf};

use serde_json::json;
use shared_types::admin::CreatedApiKey;
use shared_types::auth::CreatedAgent;
use shared_types::realtime::RealtimeTicket;
use shared_types::visitor::SessionResponse;
use shared_types::webhooks::CreatedWebhook;

use crate::client::{bearer, Ctx, TestWorkspace};
use crate::console::{unique_email, workspace_with_password, PASSWORD};

crate::tests![no_file_of_local_state_holds_a_secret_the_service_handed_out];

fn every_file(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found
}

/// The files whose bytes contain `needle`.
fn holding(files: &[PathBuf], needle: &str) -> Vec<String> {
    files
        .iter()
        .filter(|f| {
            std::fs::read(f)
                .is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
        })
        .map(|f| f.display().to_string())
        .collect()
}

fn idempotent_post<T: serde::de::DeserializeOwned>(
    ws: &TestWorkspace,
    path: &str,
    body: &serde_json::Value,
    idem: &str,
) -> T {
    let send = || {
        ws.client.send(
            "POST",
            path,
            &[
                ("Authorization", &bearer(&ws.api_key)),
                ("Idempotency-Key", idem),
            ],
            Some(body),
        )
    };
    let first = send();
    let status = first.status;
    let value: T = first.expect(status);
    // The remembered answer is sealed at rest and opens again for the replay.
    let again = send();
    assert_eq!(again.header("idempotent-replayed"), Some("true"), "{path}");
    assert_eq!(again.text, first.text, "{path}");
    value
}

fn no_file_of_local_state_holds_a_secret_the_service_handed_out(ctx: &Ctx) {
    let email = unique_email("secrets");
    let owner = workspace_with_password(ctx, &email);
    let ws = TestWorkspace {
        id: owner.workspace.id.as_str().to_string(),
        api_key: owner.api_key.clone(),
        owner: owner.agent.clone(),
        client: ctx.client.clone(),
    };
    let mut secrets: Vec<(&str, String)> = vec![("provisioned API key", owner.api_key.clone())];

    let session: SessionResponse = ws
        .client
        .send(
            "POST",
            &format!("/v1/public/widgets/{}/sessions", ws.id),
            &[("Origin", "https://shop.example")],
            Some(&json!({"visitor": {"name": "Ali"}})),
        )
        .expect(201);
    secrets.push(("visitor token", session.visitor_token));

    let ticket: RealtimeTicket =
        idempotent_post(&ws, "/v1/realtime/tickets", &json!({}), "secrets-ticket");
    secrets.push(("realtime ticket", ticket.ticket));

    let invited: CreatedAgent = idempotent_post(
        &ws,
        "/v1/agents",
        &json!({"name": "Olim", "email": unique_email("invitee"), "role": "operator"}),
        "secrets-agent",
    );
    secrets.push(("invitation token", invited.invitation.token));

    let key: CreatedApiKey =
        idempotent_post(&ws, "/v1/api-keys", &json!({"name": "ci"}), "secrets-key");
    secrets.push(("new API key", key.key));

    let login = ctx.client.send(
        "POST",
        "/v1/auth/login",
        &[],
        Some(&json!({"email": email, "password": PASSWORD})),
    );
    assert_eq!(login.status, 200, "{}", login.text);
    let cookie = login.header("set-cookie").unwrap_or_default().to_string();
    let token = cookie
        .split(';')
        .next()
        .and_then(|pair| pair.split_once('='))
        .map(|(_, v)| v.to_string())
        .unwrap_or_default();
    assert!(token.starts_with("cfs_"), "{cookie}");
    // Used once, so the cache holds the session's copy too.
    ws.client
        .send(
            "GET",
            "/v1/auth/me",
            &[(
                "Cookie",
                &format!("{}={token}", shared_types::auth::SESSION_COOKIE),
            )],
            None,
        )
        .expect::<serde_json::Value>(200);
    secrets.push(("session token", token));

    // Webhooks last: their URLs are never called, as nothing happens afterwards.
    let generated: CreatedWebhook = idempotent_post(
        &ws,
        "/v1/webhooks",
        &json!({"url": "https://myapp.com/webhooks/generated", "events": ["chat.closed"]}),
        "secrets-webhook",
    );
    secrets.push(("generated webhook secret", generated.secret));
    let chosen = format!("whsec_chosen_{}", std::process::id()) + &"k".repeat(24);
    ws.post(
        "/v1/webhooks",
        &json!({"url": "https://myapp.com/webhooks/chosen", "events": ["chat.closed"],
                "secret": chosen}),
    )
    .expect::<CreatedWebhook>(201);
    secrets.push(("chosen webhook secret", chosen));

    let files = every_file(&ctx.server.persist_dir);
    assert!(
        files
            .iter()
            .any(|f| f.display().to_string().ends_with("-wal")
                || f.display().to_string().ends_with(".sqlite")),
        "the persist directory holds the databases: {files:?}"
    );
    // What is stored in the clear is found, so the search does read the state.
    let url = "https://myapp.com/webhooks/generated";
    assert!(
        !holding(&files, url).is_empty(),
        "{url} is nowhere: {files:?}"
    );
    for (what, secret) in &secrets {
        assert!(secret.len() >= 16, "{what}: {secret}");
        let found = holding(&files, secret);
        assert!(found.is_empty(), "the {what} is readable in {found:?}");
    }
}
