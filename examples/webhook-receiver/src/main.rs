//! Prints every ChatFlow event delivered to it, once, after checking its signature.
//!
//! ```sh
//! WEBHOOK_SECRET=whsec_… PORT=9000 cargo run -p webhook-receiver
//! ```
//!
//! Answers 200 to a valid delivery (and to a repeat of one already seen, which it does
//! not print again), 400 to an unsigned, tampered or stale one.

use std::collections::HashSet;
use std::net::TcpListener;

use webhook_receiver::{http, verify_now, WebhookEventPayload, EVENT_ID_HEADER, SIGNATURE_HEADER};

fn main() {
    let secret = std::env::var("WEBHOOK_SECRET").unwrap_or_else(|_| {
        eprintln!("set WEBHOOK_SECRET to the webhook's secret");
        std::process::exit(2);
    });
    let port = std::env::var("PORT").unwrap_or_else(|_| "9000".into());
    let listener = TcpListener::bind(format!("127.0.0.1:{port}")).unwrap_or_else(|e| {
        eprintln!("cannot listen on 127.0.0.1:{port}: {e}");
        std::process::exit(1);
    });
    eprintln!("listening on http://127.0.0.1:{port}/");
    let mut seen: HashSet<String> = HashSet::new();
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        let Ok(request) = http::read_request(&mut stream) else {
            continue;
        };
        let signature = request.header(SIGNATURE_HEADER).unwrap_or_default();
        let (status, answer) = match verify_now(secret.as_bytes(), signature, &request.body) {
            Err(e) => {
                eprintln!("refused: {e}");
                (400, e.to_string())
            }
            Ok(()) => match serde_json::from_slice::<WebhookEventPayload>(&request.body) {
                Err(e) => (400, format!("not an event: {e}")),
                Ok(event) => {
                    let id = event.id.as_str().to_string();
                    if seen.insert(id.clone()) {
                        println!(
                            "{} {} {} {}",
                            event.created_at,
                            event.kind,
                            id,
                            serde_json::to_string(&event.data).unwrap_or_default()
                        );
                    } else {
                        eprintln!(
                            "duplicate {} ({EVENT_ID_HEADER}: {})",
                            id,
                            request.header(EVENT_ID_HEADER).unwrap_or_default()
                        );
                    }
                    (200, "ok".to_string())
                }
            },
        };
        let _ = http::respond(&mut stream, status, &answer);
    }
}
