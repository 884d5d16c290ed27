//! What a chat holds is ours: attachments are only our own confirmed files of that chat,
//! and concurrent PATCHes of different fields all persist.

use serde_json::json;
use shared_types::chats::{ChatDetail, ConversationMessage};
use shared_types::error::ErrorCode;
use shared_types::files::{FileObject, UploadUrlResponse};
use shared_types::DataList;

use crate::client::{Ctx, TestWorkspace};

crate::tests![
    attachments_that_are_not_our_confirmed_file_of_that_chat_are_400_and_store_nothing,
    an_attachment_is_stored_as_our_own_file_url,
    concurrent_patches_of_tags_and_notes_all_persist,
];

/// A file uploaded into `ws`, confirmed for `chat_id` unless `None`.
fn uploaded(ctx: &Ctx, ws: &TestWorkspace, chat_id: Option<&str>) -> String {
    let up: UploadUrlResponse = ws
        .post(
            "/v1/files/upload-url",
            &json!({"filename": "a.png", "content_type": "image/png", "size_bytes": 3}),
        )
        .expect(200);
    let put = ctx.client.send_raw(
        "PUT",
        &up.upload_url,
        &[("Content-Type", "image/png")],
        b"png",
    );
    assert_eq!(put.status, 200, "{}", put.text);
    if let Some(chat_id) = chat_id {
        let file: FileObject = ws
            .post(
                "/v1/files/confirm",
                &json!({"file_id": up.file_id, "chat_id": chat_id}),
            )
            .expect(200);
        assert_eq!(file.url, ws.file_url(up.file_id.as_str()));
    }
    up.file_id.as_str().to_string()
}

fn conversation(ws: &TestWorkspace, chat_id: &str) -> Vec<ConversationMessage> {
    let convo: DataList<ConversationMessage> =
        ws.get(&format!("/v1/chats/{chat_id}/messages")).expect(200);
    convo.data
}

fn attachments_that_are_not_our_confirmed_file_of_that_chat_are_400_and_store_nothing(ctx: &Ctx) {
    let ws = ctx.workspace();
    let other = ctx.workspace();
    let (chat, token) = ws.chat("rasm");
    let (sibling, _) = ws.chat("boshqa");
    let (foreign_chat, _) = other.chat("begona");
    let ours = uploaded(ctx, &ws, Some(&chat));
    let of_sibling = uploaded(ctx, &ws, Some(&sibling));
    let unconfirmed = uploaded(ctx, &ws, None);
    let of_other_workspace = uploaded(ctx, &other, Some(&foreign_chat));
    let bad = [
        format!("https://evil.example/v1/files/{}/{ours}", ws.id),
        "https://evil.example/x.png".to_string(),
        format!("{}?download=1", ws.file_url(&ours)),
        ws.file_url(&of_sibling),
        ws.file_url(&unconfirmed),
        // Another workspace's file, as that workspace is given it and under our id.
        other.file_url(&of_other_workspace),
        ws.file_url(&of_other_workspace),
        // Our own file, under another workspace's id.
        other.file_url(&ours),
        ws.file_url("file_madeUp123"),
    ];
    let before = conversation(&ws, &chat);
    for url in &bad {
        let body = json!({"text": "mana", "attachments": [
            {"type": "image", "url": ws.file_url(&ours)},
            {"type": "image", "url": url},
        ]});
        for resp in [
            ws.post(&format!("/v1/chats/{chat}/messages"), &body),
            ws.client
                .post(&format!("/v1/visitor/chats/{chat}/messages"), &token, &body),
        ] {
            let envelope = resp.assert_error(ErrorCode::FileNotFound);
            let fields = &envelope.error.details["fields"];
            assert!(
                fields.get("attachments[1].url").is_some(),
                "{url}: {fields}"
            );
            assert!(
                fields.get("attachments[0].url").is_none(),
                "{url}: {fields}"
            );
        }
    }
    assert_eq!(conversation(&ws, &chat), before);
    // The other workspace's chat did not gain anything either.
    assert_eq!(conversation(&other, &foreign_chat).len(), 1);
}

fn an_attachment_is_stored_as_our_own_file_url(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (chat, token) = ws.chat("rasm");
    let file = uploaded(ctx, &ws, Some(&chat));
    let url = ws.file_url(&file);
    // The type a client claims does not matter: the file's own type decides.
    let sent: ConversationMessage = ws
        .client
        .post(
            &format!("/v1/visitor/chats/{chat}/messages"),
            &token,
            &json!({"text": "mana", "attachments": [{"type": "file", "url": url}]}),
        )
        .expect(201);
    assert_eq!(sent.attachments.len(), 1);
    assert_eq!(sent.attachments[0].url, url);
    assert_eq!(sent.attachments[0].kind.as_str(), "image");
    let agent_reply = ws.post(
        &format!("/v1/chats/{chat}/messages"),
        &json!({"text": "rahmat", "attachments": [{"type": "image", "url": url}]}),
    );
    assert_eq!(agent_reply.status, 201, "{}", agent_reply.text);
    let stored = conversation(&ws, &chat);
    let urls: Vec<&str> = stored
        .iter()
        .flat_map(|m| m.attachments.iter().map(|a| a.url.as_str()))
        .collect();
    assert_eq!(urls, vec![url.as_str(), url.as_str()]);
}

fn concurrent_patches_of_tags_and_notes_all_persist(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (chat, _) = ws.chat("salom");
    let path = format!("/v1/chats/{chat}");
    // Each round sets both fields to new values: a PATCH that wrote back the other
    // field as it read it would leave the previous round's value there.
    for round in 0..20 {
        let tags = json!({"tags": [format!("t{round}"), "vip"]});
        let notes = json!({"notes": format!("note {round}")});
        // Two real requests in flight at once, released together.
        let barrier = std::sync::Barrier::new(2);
        let (a, b) = std::thread::scope(|s| {
            let a = s.spawn(|| {
                barrier.wait();
                ws.patch(&path, &tags)
            });
            let b = s.spawn(|| {
                barrier.wait();
                ws.patch(&path, &notes)
            });
            (a.join(), b.join())
        });
        for resp in [a.expect("tags request"), b.expect("notes request")] {
            assert_eq!(resp.status, 200, "{}", resp.text);
        }
        let detail: ChatDetail = ws.get(&path).expect(200);
        assert_eq!(
            detail.tags,
            vec![format!("t{round}"), "vip".to_string()],
            "round {round}"
        );
        assert_eq!(
            detail.notes.as_deref(),
            Some(format!("note {round}").as_str()),
            "round {round}"
        );
    }
}
