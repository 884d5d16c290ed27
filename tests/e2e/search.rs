//! `GET /v1/search` against the workspace's own FTS5 index: message text, visitor name,
//! email and tags, in Latin and Cyrillic, case and diacritics aside; snippets that mark
//! the match and can carry no markup; never another workspace's chats.

use serde_json::{json, Value};
use shared_types::error::ErrorCode;

use crate::client::{bearer, Ctx, TestWorkspace};

/// A chat started by a new visitor who gave `name` and `email`; returns its id.
fn chat_by(ws: &TestWorkspace, name: &str, email: &str, text: &str) -> String {
    let session: shared_types::visitor::SessionResponse = ws
        .client
        .send_patiently(
            "POST",
            &format!("/v1/public/widgets/{}/sessions", ws.id),
            &[("Origin", "https://shop.example")],
            Some(&json!({"visitor": {"name": name, "email": email}})),
        )
        .expect(201);
    let started: shared_types::visitor::StartedChat = ws
        .client
        .send_patiently(
            "POST",
            "/v1/visitor/chats",
            &[("Authorization", &bearer(&session.visitor_token))],
            Some(&json!({"text": text})),
        )
        .expect(201);
    started.chat.id.as_str().to_string()
}

fn search(ws: &TestWorkspace, query: &str) -> Value {
    ws.get(&format!("/v1/search?{query}")).expect(200)
}

/// The chat ids found, in the order given.
fn ids(found: &Value) -> Vec<String> {
    found["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["chat_id"].as_str().unwrap().to_string())
        .collect()
}

fn q(text: &str) -> String {
    format!("q={}", urlencoding(text))
}

/// `text` percent-encoded for a query string (every byte but unreserved ones).
fn urlencoding(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[crate::e2e_test]
fn search_finds_messages_names_emails_and_tags_in_latin_and_cyrillic(ctx: &Ctx) {
    let ws = ctx.workspace();
    let uz = chat_by(
        &ws,
        "Dilnoza Karimova",
        "dilnoza@shop.uz",
        "Buyurtma raqamim 1234, yetkazib berish qachon?",
    );
    let ru = chat_by(
        &ws,
        "Сергей",
        "sergey@mail.ru",
        "Когда будет ДОСТАВКА в Самарканд?",
    );
    ws.reply(&ru, "Oʻzbekiston boʻylab 2 kunda yetkazamiz");
    let (tagged, _) = ws.chat("Salom");
    ws.patch(
        &format!("/v1/chats/{tagged}"),
        &json!({"tags": ["vip", "to'lov"]}),
    )
    .expect::<Value>(200);

    // A message, whatever its case; a prefix, as typed so far; Cyrillic both ways.
    let found = search(&ws, &q("BUYURTMA"));
    assert_eq!(ids(&found), [uz.as_str()]);
    let hit = &found["data"][0];
    assert!(
        hit["snippet"]
            .as_str()
            .unwrap()
            .contains("<mark>Buyurtma</mark> raqamim 1234"),
        "{hit}"
    );
    assert_eq!(hit["visitor_name"], "Dilnoza Karimova");
    assert_eq!(hit["visitor_email"], "dilnoza@shop.uz");
    assert_eq!(hit["status"], "active");
    assert!(hit["last_message_at"].is_string());
    assert_eq!(
        found["pagination"],
        json!({"page": 1, "limit": 20, "total": 1, "pages": 1})
    );
    assert_eq!(ids(&search(&ws, &q("доставка"))), [ru.as_str()]);
    assert!(search(&ws, &q("доставка"))["data"][0]["snippet"]
        .as_str()
        .unwrap()
        .contains("<mark>ДОСТАВКА</mark>"));
    assert_eq!(ids(&search(&ws, &q("самарк"))), [ru.as_str()]);
    // The agent's words count too, and either Uzbek apostrophe finds the other.
    assert_eq!(ids(&search(&ws, &q("o'zbekiston"))), [ru.as_str()]);
    // Every word must match; a word of the name and one of the message do not make a
    // chat (each is matched within one message, or within the visitor and tags).
    assert_eq!(ids(&search(&ws, &q("yetkazib berish"))), [uz.as_str()]);
    assert!(ids(&search(&ws, &q("yetkazib доставка"))).is_empty());
    // The visitor's name and email, and the chat's tags.
    let by_name = search(&ws, &q("karimova"));
    assert_eq!(ids(&by_name), [uz.as_str()]);
    assert!(by_name["data"][0]["snippet"]
        .as_str()
        .unwrap()
        .contains("<mark>Karimova</mark>"));
    assert_eq!(ids(&search(&ws, &q("sergey@mail.ru"))), [ru.as_str()]);
    assert_eq!(ids(&search(&ws, &q("vip"))), [tagged.as_str()]);
    assert_eq!(ids(&search(&ws, &q("to'lov"))), [tagged.as_str()]);
    // Words found in several chats list each chat once (its messages may match many
    // times), the newest chat first.
    let both = ids(&search(&ws, &q("yetkaz")));
    assert_eq!(both.len(), 2);
    assert_eq!(both, [ru.as_str(), uz.as_str()]);

    // The status filter and pages.
    ws.patch(&format!("/v1/chats/{uz}"), &json!({"status": "closed"}))
        .expect::<Value>(200);
    assert_eq!(
        ids(&search(&ws, &format!("{}&status=closed", q("yetkaz")))),
        [uz.as_str()]
    );
    let active = search(&ws, &format!("{}&status=active", q("yetkaz")));
    assert_eq!(ids(&active), [ru.as_str()]);
    let first = search(&ws, &format!("{}&limit=1", q("yetkaz")));
    assert_eq!(
        first["pagination"],
        json!({"page": 1, "limit": 1, "total": 2, "pages": 2})
    );
    let second = search(&ws, &format!("{}&limit=1&page=2", q("yetkaz")));
    assert_eq!([ids(&first), ids(&second)].concat(), both);
    let past = search(&ws, &format!("{}&limit=1&page=3", q("yetkaz")));
    assert!(ids(&past).is_empty());
    assert_eq!(past["pagination"]["total"], 2);

    // Nothing matches: an empty page, not an error.
    let none = search(&ws, &q("velosiped"));
    assert_eq!(none["data"], json!([]));
    assert_eq!(none["pagination"]["total"], 0);
}

#[crate::e2e_test]
fn search_never_reaches_another_workspace(ctx: &Ctx) {
    let ours = ctx.workspace();
    let theirs = ctx.workspace();
    let mine = chat_by(&ours, "Aziz", "aziz@our.uz", "Kafolat muddati qancha?");
    let other = chat_by(&theirs, "Aziz", "aziz@their.uz", "Kafolat muddati qancha?");
    assert_eq!(ids(&search(&ours, &q("kafolat"))), [mine]);
    assert_eq!(ids(&search(&theirs, &q("kafolat"))), [other]);
    assert_eq!(ids(&search(&ours, &q("their.uz"))), Vec::<String>::new());
}

#[crate::e2e_test]
fn a_snippet_carries_the_text_escaped_and_only_marks_as_markup(ctx: &Ctx) {
    let ws = ctx.workspace();
    chat_by(
        &ws,
        "<img src=x onerror=alert(1)>",
        "x@example.com",
        "<script>alert('narx')</script> & narx \"2\"",
    );
    let snippet = search(&ws, &q("narx"))["data"][0]["snippet"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(!snippet.contains("<script"), "{snippet}");
    assert!(snippet.contains("&lt;script&gt;"), "{snippet}");
    assert!(
        snippet.contains("&amp; <mark>narx</mark> &quot;2&quot;"),
        "{snippet}"
    );
    let by_name = search(&ws, &q("onerror"))["data"][0]["snippet"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(!by_name.contains("<img"), "{by_name}");
    assert!(by_name.contains("&lt;img"), "{by_name}");
}

#[crate::e2e_test]
fn a_bad_search_is_refused_with_its_code(ctx: &Ctx) {
    let ws = ctx.workspace();
    let chat = chat_by(&ws, "Ali", "ali@example.com", "Narx qancha?");
    let long = "x".repeat(201);
    for bad in [
        "".to_string(),
        "q=".to_string(),
        q("   "),
        q(&long),
        format!("{}&status=open", q("narx")),
        format!("{}&limit=0", q("narx")),
        format!("{}&limit=101", q("narx")),
        format!("{}&page=0", q("narx")),
    ] {
        let err = ws
            .get(&format!("/v1/search?{bad}"))
            .assert_error(ErrorCode::InvalidQuery);
        assert!(!err.error.message_en.is_empty(), "{bad}");
    }
    // Only punctuation, or query syntax, is text: it finds nothing and breaks nothing.
    for odd in ["\"", "* OR", "NEAR(", "-", "ʻ", "narx\"*"] {
        let found = search(&ws, &q(odd));
        assert!(found["data"].is_array(), "{odd}: {found}");
    }
    assert_eq!(ids(&search(&ws, &q("narx\"*"))), [chat.as_str()]);
    // Without a credential, or with a visitor's, nothing is searched.
    ws.client
        .get(&format!("/v1/search?{}", q("narx")), "")
        .assert_error(ErrorCode::AuthMalformed);
    let visitor = ws.visitor("Vali");
    let refused = ws
        .client
        .get(&format!("/v1/search?{}", q("narx")), &visitor);
    assert!(
        refused.status == 401 || refused.status == 403,
        "{}",
        refused.text
    );
    // And a search changes nothing.
    assert_eq!(ids(&search(&ws, &q("narx"))), [chat]);
}

#[crate::e2e_test]
fn a_search_lists_at_most_the_200_newest_chats_that_match(ctx: &Ctx) {
    let ws = ctx.workspace();
    // 300 chats of 4 messages, each message ending in its chat's "ref<i>" (seed.rs).
    crate::seed::chats(&ctx.server, &ws.id, 300, 4);
    let own = ws.id.trim_start_matches("ws_");
    let first = search(&ws, &format!("{}&limit=100", q("ref")));
    assert_eq!(
        first["pagination"],
        json!({"page": 1, "limit": 100, "total": 200, "pages": 2})
    );
    let found = ids(&first);
    assert_eq!(found[0], format!("chat_seed300{own}"), "newest first");
    assert_eq!(found[99], format!("chat_seed201{own}"));
    let second = ids(&search(&ws, &format!("{}&limit=100&page=2", q("ref"))));
    assert_eq!(second.len(), 100);
    assert_eq!(second[99], format!("chat_seed101{own}"));
    assert!(ids(&search(&ws, &format!("{}&limit=100&page=3", q("ref")))).is_empty());
    // A word of one chat still finds it, however old.
    assert_eq!(
        ids(&search(&ws, &q("ref7"))).last(),
        Some(&format!("chat_seed7{own}"))
    );
    assert_eq!(
        ids(&search(&ws, &q("ref7 "))).len(),
        11,
        "ref7, ref70..ref79"
    );
}
