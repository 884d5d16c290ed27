//! Contacts: visitors who gave the same email, or proved the same user id, are one
//! contact, listed and searched, edited, and erased with every chat, message and file
//! of theirs; never another workspace's.

use serde_json::{json, Value};
use shared_types::error::ErrorCode;
use shared_types::visitor::{SessionResponse, StartedChat};

use crate::client::{bearer, Ctx, TestWorkspace};
use crate::identity::{new_secret, user_hash};

pub(crate) const ANDROID_CHROME: &str = "Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.135 Mobile Safari/537.36";
const MAC_SAFARI: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15";

/// A session of `visitor` from a browser with this User-Agent; its token.
pub(crate) fn session_from(ws: &TestWorkspace, visitor: Value, user_agent: &str) -> String {
    let session: SessionResponse = ws
        .client
        .send_patiently(
            "POST",
            &format!("/v1/public/widgets/{}/sessions", ws.id),
            &[
                ("Origin", "https://shop.example"),
                ("User-Agent", user_agent),
            ],
            Some(&json!({ "visitor": visitor })),
        )
        .expect(201);
    session.visitor_token
}

/// A chat the visitor of `token` starts; its id.
pub(crate) fn start(ws: &TestWorkspace, token: &str, text: &str) -> String {
    let started: StartedChat = ws
        .client
        .send_patiently(
            "POST",
            "/v1/visitor/chats",
            &[("Authorization", &bearer(token))],
            Some(&json!({ "text": text })),
        )
        .expect(201);
    started.chat.id.as_str().to_string()
}

fn contacts(ws: &TestWorkspace, query: &str) -> Value {
    ws.get(&format!("/v1/contacts{query}")).expect(200)
}

fn contact_of_chat(ws: &TestWorkspace, chat_id: &str) -> String {
    let chat: Value = ws.get(&format!("/v1/chats/{chat_id}")).expect(200);
    chat["visitor"]["contact_id"]
        .as_str()
        .unwrap_or_else(|| panic!("chat {chat_id} has no contact: {chat}"))
        .to_string()
}

#[crate::e2e_test]
fn visitors_with_the_same_email_are_one_contact_with_every_chat(ctx: &Ctx) {
    let ws = ctx.workspace();
    let first = session_from(
        &ws,
        json!({"name": "Aziza", "email": "Aziza@Bozor.uz", "metadata": {"tier": "gold"}}),
        ANDROID_CHROME,
    );
    let chat_a = start(&ws, &first, "Buyurtmam qayerda?");
    let again = session_from(
        &ws,
        json!({"email": "aziza@bozor.uz", "phone": "+998 90 123-45-67"}),
        MAC_SAFARI,
    );
    let chat_b = start(&ws, &again, "Yana bir savol");
    let anonymous = session_from(&ws, json!({}), MAC_SAFARI);
    let chat_anonymous = start(&ws, &anonymous, "Salom");
    let other = session_from(&ws, json!({"email": "sergey@mail.ru"}), MAC_SAFARI);
    start(&ws, &other, "Здравствуйте");

    let id = contact_of_chat(&ws, &chat_a);
    assert!(id.starts_with("contact_"), "{id}");
    assert_eq!(contact_of_chat(&ws, &chat_b), id);
    let chat: Value = ws.get(&format!("/v1/chats/{chat_anonymous}")).expect(200);
    assert_eq!(chat["visitor"]["contact_id"], Value::Null);
    let chat: Value = ws.get(&format!("/v1/chats/{chat_a}")).expect(200);
    assert_eq!(chat["visitor"]["browser"], "Chrome 131 on Android");

    let all = contacts(&ws, "");
    assert_eq!(all["pagination"]["total"], 2, "{all}");
    // The last seen first: Sergey came after Aziza's second visit.
    assert_eq!(all["data"][0]["email"], "sergey@mail.ru");
    let aziza = &all["data"][1];
    assert_eq!(aziza["id"], id.as_str());
    assert_eq!(aziza["name"], "Aziza");
    assert_eq!(aziza["email"], "aziza@bozor.uz");
    // The second visitor filled what the contact lacked and changed nothing else.
    assert_eq!(aziza["phone"], "+998 90 123-45-67");
    assert_eq!(aziza["metadata"], json!({"tier": "gold"}));
    assert_eq!(aziza["chats_count"], 2);
    let (first_seen, last_seen) = (
        aziza["first_seen_at"].as_str().unwrap(),
        aziza["last_seen_at"].as_str().unwrap(),
    );
    assert!(
        first_seen.ends_with('Z') && first_seen <= last_seen,
        "{aziza}"
    );

    let detail: Value = ws.get(&format!("/v1/contacts/{id}")).expect(200);
    for field in [
        "id",
        "name",
        "email",
        "phone",
        "metadata",
        "first_seen_at",
        "chats_count",
    ] {
        assert_eq!(detail[field], aziza[field], "{field}");
    }
    // The latest session's browser; its chats as GET /chats lists them, newest first.
    assert_eq!(detail["browser"], "Safari 18 on macOS");
    assert!(detail.get("country").is_some(), "{detail}");
    let chats: Vec<&str> = detail["chats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(chats, [chat_b.as_str(), chat_a.as_str()]);
    let listed: Value = ws.get("/v1/chats").expect(200);
    let as_listed = listed["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == chat_b.as_str())
        .unwrap();
    assert_eq!(&detail["chats"][0], as_listed);

    // q matches the name, the email and the phone, case and accents aside.
    for q in ["AZIZA", "bozor", "998", "azi"] {
        let found = contacts(&ws, &format!("?q={q}"));
        assert_eq!(found["pagination"]["total"], 1, "{q}: {found}");
        assert_eq!(found["data"][0]["id"], id.as_str(), "{q}");
    }
    assert_eq!(contacts(&ws, "?q=nobody")["pagination"]["total"], 0);
    assert_eq!(
        contacts(&ws, "?limit=1&page=2")["data"][0]["id"],
        id.as_str()
    );
}

#[crate::e2e_test]
fn a_proven_user_id_joins_its_contact_and_a_claimed_one_joins_nothing(ctx: &Ctx) {
    let ws = ctx.workspace();
    let secret = new_secret(&ws);
    let proven = session_from(
        &ws,
        json!({"user_id": "u-42", "email": "dilnoza@shop.uz",
               "user_hash": user_hash(&secret, "u-42")}),
        ANDROID_CHROME,
    );
    let chat_a = start(&ws, &proven, "Salom");
    // The same user on another device with another email is still the same person.
    let elsewhere = session_from(
        &ws,
        json!({"user_id": "u-42", "email": "d.k@work.uz", "user_hash": user_hash(&secret, "u-42")}),
        MAC_SAFARI,
    );
    let chat_b = start(&ws, &elsewhere, "Ish joyimdan yozyapman");
    // Someone claiming that user id without the hash is not.
    let claimed = session_from(&ws, json!({"user_id": "u-42"}), MAC_SAFARI);
    let chat_c = start(&ws, &claimed, "Men Dilnozaman");

    let id = contact_of_chat(&ws, &chat_a);
    assert_eq!(contact_of_chat(&ws, &chat_b), id);
    let chat: Value = ws.get(&format!("/v1/chats/{chat_c}")).expect(200);
    assert_eq!(chat["visitor"]["contact_id"], Value::Null);
    let detail: Value = ws.get(&format!("/v1/contacts/{id}")).expect(200);
    assert_eq!(detail["email"], "dilnoza@shop.uz");
    assert_eq!(detail["chats_count"], 2);
    assert_eq!(contacts(&ws, "")["pagination"]["total"], 1);
}

#[crate::e2e_test]
fn an_agent_edits_a_contact_and_its_name_is_its_chats(ctx: &Ctx) {
    let ws = ctx.workspace();
    let token = session_from(&ws, json!({"email": "jasur@bozor.uz"}), ANDROID_CHROME);
    let chat_id = start(&ws, &token, "Narxi qancha?");
    let id = contact_of_chat(&ws, &chat_id);
    let path = format!("/v1/contacts/{id}");
    let operator = crate::chats::operator_key(ctx, &ws);
    let edited: Value = ws
        .client
        .patch(
            &path,
            &operator,
            &json!({"name": "Jasur Toshmatov", "phone": "+998901112233",
                    "metadata": {"shahar": "Samarqand"}}),
        )
        .expect(200);
    assert_eq!(edited["name"], "Jasur Toshmatov");
    assert_eq!(edited["phone"], "+998901112233");
    assert_eq!(edited["metadata"], json!({"shahar": "Samarqand"}));
    assert_eq!(edited["chats"][0]["visitor_name"], "Jasur Toshmatov");
    assert_eq!(ws.get(&path).json(), edited);
    let chat: Value = ws.get(&format!("/v1/chats/{chat_id}")).expect(200);
    assert_eq!(chat["visitor"]["name"], "Jasur Toshmatov");
    let found: Value = ws.get("/v1/search?q=toshmatov").expect(200);
    assert_eq!(found["data"][0]["chat_id"], chat_id.as_str());

    // null clears; absent leaves.
    let cleared: Value = ws.patch(&path, &json!({"phone": null})).expect(200);
    assert_eq!(cleared["phone"], Value::Null);
    assert_eq!(cleared["name"], "Jasur Toshmatov");
}

#[crate::e2e_test]
fn bad_edits_and_unknown_contacts_are_refused_and_change_nothing(ctx: &Ctx) {
    let ws = ctx.workspace();
    let token = session_from(
        &ws,
        json!({"email": "olim@bozor.uz", "name": "Olim"}),
        MAC_SAFARI,
    );
    let chat_id = start(&ws, &token, "Salom");
    let id = contact_of_chat(&ws, &chat_id);
    let path = format!("/v1/contacts/{id}");
    let before: Value = ws.get(&path).expect(200);
    let too_long = "x".repeat(1_001);
    for bad in [
        json!({}),
        json!({"name": ""}),
        json!({"phone": "call me"}),
        json!({"metadata": null}),
        json!({"metadata": {"note": too_long}}),
        json!({"email": "new@bozor.uz"}),
    ] {
        ws.patch(&path, &bad).assert_error(ErrorCode::Validation);
    }
    assert_eq!(ws.get(&path).json(), before);

    let unknown = "/v1/contacts/contact_doesnotexist00000000";
    ws.get(unknown).assert_error(ErrorCode::ContactNotFound);
    ws.patch(unknown, &json!({"name": "X"}))
        .assert_error(ErrorCode::ContactNotFound);
    ws.delete(unknown).assert_error(ErrorCode::ContactNotFound);
    ws.get("/v1/contacts?limit=0")
        .assert_error(ErrorCode::InvalidQuery);
    ws.get("/v1/contacts?q=")
        .assert_error(ErrorCode::InvalidQuery);

    // Another workspace sees none of it, and cannot change or erase it.
    let other = ctx.workspace();
    other.get(&path).assert_error(ErrorCode::ContactNotFound);
    other
        .patch(&path, &json!({"name": "Begona"}))
        .assert_error(ErrorCode::ContactNotFound);
    other.delete(&path).assert_error(ErrorCode::ContactNotFound);
    assert_eq!(contacts(&other, "")["pagination"]["total"], 0);
    // An operator edits, but only a manager erases.
    let operator = crate::chats::operator_key(ctx, &ws);
    ws.client
        .delete(&path, &operator)
        .assert_error(ErrorCode::AuthForbidden);
    assert_eq!(ws.get(&path).json(), before);
    ws.get(&format!("/v1/chats/{chat_id}")).expect::<Value>(200);
}

#[crate::e2e_test]
fn erasing_a_contact_erases_their_chats_messages_notes_and_files_and_nothing_else(ctx: &Ctx) {
    let ws = ctx.workspace();
    let token = session_from(&ws, json!({"email": "nodira@bozor.uz"}), ANDROID_CHROME);
    let chat_a = start(&ws, &token, "Rasmni yuboraman");
    let later = session_from(&ws, json!({"email": "NODIRA@bozor.uz"}), MAC_SAFARI);
    let chat_b = start(&ws, &later, "Yana men");
    ws.reply(&chat_b, "Albatta, yordam beraman");
    ws.post(
        &format!("/v1/chats/{chat_b}/notes"),
        &json!({"text": "Doimiy mijoz"}),
    )
    .expect::<Value>(201);
    let up: Value = ws
        .client
        .post(
            "/v1/visitor/files/upload-url",
            &token,
            &json!({"filename": "chek.png", "content_type": "image/png", "size_bytes": 4}),
        )
        .expect(200);
    let put = ctx.client.send_raw(
        "PUT",
        up["upload_url"].as_str().unwrap(),
        &[("Content-Type", "image/png")],
        b"\x89PNG",
    );
    assert_eq!(put.status, 200);
    let file: Value = ws
        .client
        .post(
            "/v1/visitor/files/confirm",
            &token,
            &json!({"file_id": up["file_id"], "chat_id": chat_a}),
        )
        .expect(200);
    let file_id = file["id"].as_str().unwrap().to_string();
    let r2_key = format!("{}/{file_id}", ws.id);
    assert_eq!(ctx.server.r2_keys(&ws.id), [r2_key.as_str()]);
    // Someone else's chat in the same workspace stays.
    let (kept, _) = ws.chat("Men boshqa odamman");

    let id = contact_of_chat(&ws, &chat_a);
    let erased = ws.delete(&format!("/v1/contacts/{id}"));
    assert_eq!(erased.status, 204, "{}", erased.text);
    assert!(erased.text.is_empty());

    ws.get(&format!("/v1/contacts/{id}"))
        .assert_error(ErrorCode::ContactNotFound);
    for chat in [&chat_a, &chat_b] {
        ws.get(&format!("/v1/chats/{chat}"))
            .assert_error(ErrorCode::ChatNotFound);
    }
    ws.get(&format!("/v1/files/{}/{file_id}", ws.id))
        .assert_error(ErrorCode::FileNotFound);
    assert!(
        ctx.server.r2_keys(&ws.id).is_empty(),
        "the file's bytes stay"
    );
    let left = ctx.server.workspace_query(
        &ws.id,
        &format!(
            "SELECT (SELECT COUNT(*) FROM messages WHERE chat_id IN ('{chat_a}', '{chat_b}'))
                  + (SELECT COUNT(*) FROM chat_notes WHERE chat_id = '{chat_b}')
                  + (SELECT COUNT(*) FROM files WHERE id = '{file_id}')
                  + (SELECT COUNT(*) FROM visitors WHERE contact_id = '{id}')
                  + (SELECT COUNT(*) FROM search_messages WHERE search_messages MATCH 'yordam')
                  AS n"
        ),
    );
    assert_eq!(left[0]["n"], 0, "rows of the erased contact remain");
    let found: Value = ws.get("/v1/search?q=nodira").expect(200);
    assert_eq!(found["pagination"]["total"], 0);
    // The visitor's token no longer reaches anything.
    ws.client
        .get(&format!("/v1/visitor/chats/{chat_a}/messages"), &token)
        .assert_error(ErrorCode::AuthVisitorToken);
    // Everything else is as it was.
    let listed: Value = ws.get("/v1/chats").expect(200);
    let ids: Vec<&str> = listed["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [kept.as_str()]);
    assert_eq!(contacts(&ws, "")["pagination"]["total"], 1);
}
