//! An integrator's first ChatFlow program, built on `shared-types` so every body is
//! typed: list the open chats, read the newest one, reply to it and close it.
//!
//! ```sh
//! CHATFLOW_URL=http://127.0.0.1:8787 CHATFLOW_API_KEY=cf_live_… cargo run -p api-client
//! ```
//! (`bash scripts/dev.sh` prints both.) Over plain http this reaches only local servers;
//! production (`https://api.chatflow.uz`) needs ureq's `tls` feature.

use std::process::ExitCode;

use serde::de::DeserializeOwned;
use serde_json::json;
use shared_types::chats::{ChatDetail, ChatSummary, ConversationMessage, Message};
use shared_types::error::ErrorEnvelope;
use shared_types::pagination::ListResponse;
use shared_types::DataList;

struct Api {
    base: String,
    key: String,
}

impl Api {
    fn call<T: DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> Result<T, String> {
        let req = ureq::request(method, &format!("{}/v1{path}", self.base))
            .set("Authorization", &format!("Bearer {}", self.key));
        let result = match body {
            Some(body) => req.send_json(body),
            None => req.call(),
        };
        match result {
            Ok(resp) => resp
                .into_json()
                .map_err(|e| format!("{method} {path}: {e}")),
            // Every error is the same envelope: show its code and English message.
            Err(ureq::Error::Status(status, resp)) => {
                Err(match resp.into_json::<ErrorEnvelope>() {
                    Ok(e) => format!(
                        "{method} {path}: {status} {} {} ({})",
                        e.error.code, e.error.message_en, e.error.request_id
                    ),
                    Err(_) => format!("{method} {path}: HTTP {status}"),
                })
            }
            Err(e) => Err(format!("{method} {path}: {e}")),
        }
    }
}

fn run() -> Result<(), String> {
    let api = Api {
        base: std::env::var("CHATFLOW_URL").unwrap_or_else(|_| "http://127.0.0.1:8787".into()),
        key: std::env::var("CHATFLOW_API_KEY").map_err(|_| "set CHATFLOW_API_KEY".to_string())?,
    };

    let open: ListResponse<ChatSummary> = api.call("GET", "/chats?status=active&limit=10", None)?;
    println!(
        "{} open chats (showing {})",
        open.pagination.total,
        open.data.len()
    );
    for chat in &open.data {
        println!(
            "  {}  {:<20} unread {}  last message {}",
            chat.id,
            chat.visitor_name.as_deref().unwrap_or("(anonymous)"),
            chat.unread_count,
            chat.last_message_at
        );
    }
    let Some(newest) = open.data.first() else {
        println!("nothing to answer");
        return Ok(());
    };

    let chat: ChatDetail = api.call("GET", &format!("/chats/{}", newest.id), None)?;
    let convo: DataList<ConversationMessage> =
        api.call("GET", &format!("/chats/{}/messages", chat.id), None)?;
    println!(
        "\nconversation with {}:",
        chat.visitor.name.as_deref().unwrap_or("a visitor")
    );
    for m in &convo.data {
        println!("  #{:<3} {:<7} {}", m.seq, m.sender.kind.as_str(), m.text);
    }

    let reply: Message = api.call(
        "POST",
        &format!("/chats/{}/messages", chat.id),
        Some(json!({"text": "Rahmat! Savolingiz hal qilindi."})),
    )?;
    println!(
        "\nreplied as {}: {}",
        reply.sender.name.as_deref().unwrap_or("agent"),
        reply.text
    );

    let closed: ChatDetail = api.call(
        "PATCH",
        &format!("/chats/{}", chat.id),
        Some(json!({"status": "closed", "tags": ["resolved"]})),
    )?;
    println!("chat {} is now {}", closed.id, closed.status.as_str());
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
