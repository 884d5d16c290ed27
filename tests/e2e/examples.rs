//! The examples an integrator copies must work against the real service.

use std::process::Command;

use shared_types::chats::{ChatDetail, ChatStatus};

use crate::client::Ctx;
use crate::harness::repo_root;

#[crate::e2e_test]
fn api_client_example_answers_and_closes_the_newest_chat(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (chat_id, _) = ws.chat("Buyurtmam qayerda?");
    let out = Command::new(env!("CARGO"))
        .current_dir(repo_root())
        .args(["run", "--quiet", "-p", "api-client"])
        .env("CHATFLOW_URL", &ctx.server.base_url)
        .env("CHATFLOW_API_KEY", &ws.api_key)
        .output()
        .expect("cargo run -p api-client");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("1 open chats"), "{stdout}");
    assert!(stdout.contains("Buyurtmam qayerda?"), "{stdout}");
    let chat: ChatDetail = ws.get(&format!("/v1/chats/{chat_id}")).expect(200);
    assert_eq!(chat.status, ChatStatus::Closed);
    assert_eq!(chat.tags, vec!["resolved"]);
}
