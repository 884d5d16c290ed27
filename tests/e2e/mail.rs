//! The mail the server sent: wrangler's `send_email` simulation stores each message in
//! a file and logs "send_email binding called with the following message:" and the
//! path. This reads them back, decoding just what our messages use (encoded-word
//! subjects, base64 parts), independently of the worker's own MIME code.

use std::time::Duration;

use base64::Engine;

use crate::client::Ctx;
use crate::harness::eventually;

/// One stored message.
#[derive(Debug, Clone)]
pub struct Mail {
    /// Header name (lower case) and unfolded value, in order.
    pub headers: Vec<(String, String)>,
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl Mail {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The bare address of the `To` header.
    pub fn to(&self) -> String {
        bare(self.header("to").unwrap_or_default())
    }

    /// Whether the message belongs to the chat's thread.
    pub fn is_about(&self, chat_id: &str) -> bool {
        self.header("references")
            .is_some_and(|r| r.contains(&format!("<{chat_id}@")))
    }

    /// The bare address of `Reply-To`.
    pub fn reply_to(&self) -> String {
        bare(self.header("reply-to").unwrap_or_default())
    }
}

/// `Name <a@b>` or `a@b` → `a@b`.
pub fn bare(value: &str) -> String {
    match (value.rfind('<'), value.rfind('>')) {
        (Some(start), Some(end)) if start < end => value[start + 1..end].to_string(),
        _ => value.trim().to_string(),
    }
}

/// The directory row (`reply_addresses.id`) of a reply address `chat+<id><mac>@…`:
/// the 16 characters after the `+`.
pub fn reply_id(address: &str) -> String {
    address
        .split_once('+')
        .map(|(_, rest)| rest.chars().take(16).collect())
        .unwrap_or_default()
}

const LOGGED: &str = "send_email binding called with the following message:";

/// Every message the shared server has sent so far.
pub fn sent(ctx: &Ctx) -> Vec<Mail> {
    let out = ctx.server.output();
    let lines: Vec<&str> = out.lines().collect();
    lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.contains(LOGGED))
        .filter_map(|(i, _)| lines.get(i + 1))
        .filter_map(|path| {
            let path = strip_ansi(path);
            std::fs::read(path.trim()).ok()
        })
        .map(|raw| parse(&String::from_utf8_lossy(&raw)))
        .collect()
}

/// The messages about `chat_id` to `to`.
pub fn about(ctx: &Ctx, chat_id: &str, to: &str) -> Vec<Mail> {
    sent(ctx)
        .into_iter()
        .filter(|m| m.is_about(chat_id) && m.to().eq_ignore_ascii_case(to))
        .collect()
}

/// Waits for the first message about `chat_id` to `to`.
pub fn wait_for(ctx: &Ctx, chat_id: &str, to: &str) -> Mail {
    eventually(
        &format!("mail about {chat_id} to {to}"),
        Duration::from_secs(30),
        Duration::from_millis(200),
        || {
            about(ctx, chat_id, to)
                .into_iter()
                .next()
                .ok_or_else(|| format!("{} messages sent in all", sent(ctx).len()))
        },
    )
}

fn strip_ansi(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ … final byte in @..~
            for d in chars.by_ref() {
                if ('@'..='~').contains(&d) && d != '[' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn parse(raw: &str) -> Mail {
    let raw = raw.replace("\r\n", "\n");
    let (head, body) = raw.split_once("\n\n").unwrap_or((&raw, ""));
    let top = headers(head);
    let find = |name: &str| {
        top.iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let subject = decode_words(&find("subject"));
    let content_type = find("content-type");
    let boundary = content_type
        .split("boundary=\"")
        .nth(1)
        .and_then(|b| b.split('"').next())
        .unwrap_or_default()
        .to_string();
    let (mut text, mut html) = (String::new(), String::new());
    for part in body.split(&format!("--{boundary}")).skip(1) {
        let Some((part_head, part_body)) = part.trim_start_matches('\n').split_once("\n\n") else {
            continue;
        };
        let part_headers = headers(part_head);
        let kind = part_headers
            .iter()
            .find(|(n, _)| n == "content-type")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let compact: String = part_body.split_whitespace().collect();
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(compact)
            .map(|b| String::from_utf8_lossy(&b).to_string())
            .unwrap_or_default();
        if kind.starts_with("text/plain") {
            text = decoded;
        } else if kind.starts_with("text/html") {
            html = decoded;
        }
    }
    Mail {
        headers: top,
        subject,
        text,
        html,
    }
}

fn headers(head: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in head.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some(last) = out.last_mut() {
                last.1.push_str(line.trim_start());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            out.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    out
}

/// `=?utf-8?B?…?=` words (what our subjects use) decoded and joined; plain text kept.
fn decode_words(value: &str) -> String {
    value
        .split_whitespace()
        .map(|word| {
            let inner = word
                .strip_prefix("=?")
                .and_then(|w| w.strip_suffix("?="))
                .and_then(|w| {
                    let mut parts = w.splitn(3, '?');
                    let (_, enc, text) = (parts.next()?, parts.next()?, parts.next()?);
                    enc.eq_ignore_ascii_case("b").then_some(text)
                });
            match inner {
                Some(b64) => base64::engine::general_purpose::STANDARD
                    .decode(b64)
                    .map(|b| String::from_utf8_lossy(&b).to_string())
                    .unwrap_or_else(|_| word.to_string()),
                None => format!(" {word} "),
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
