//! The two-step file flow on R2, for agents and visitors.

use serde_json::json;
use shared_types::chats::{ConversationMessage, Message};
use shared_types::error::ErrorCode;
use shared_types::files::{FileObject, UploadUrlResponse};
use shared_types::DataList;

use crate::client::{Ctx, TestWorkspace};

fn request_upload(
    ws: &TestWorkspace,
    name: &str,
    content_type: &str,
    size: usize,
) -> UploadUrlResponse {
    ws.post(
        "/v1/files/upload-url",
        &json!({"filename": name, "content_type": content_type, "size_bytes": size}),
    )
    .expect(200)
}

fn put(ctx: &Ctx, url: &str, content_type: &str, bytes: &[u8]) -> crate::client::Resp {
    ctx.client
        .send_raw("PUT", url, &[("Content-Type", content_type)], bytes)
}

#[crate::e2e_test]
fn a_file_round_trip_stores_confirms_and_serves_it_safely(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (chat_id, _) = ws.chat("hisobotni yuboring");
    let bytes = b"%PDF-1.4 fake but faithful bytes".to_vec();
    let up = request_upload(&ws, "hisobot 2026.pdf", "application/pdf", bytes.len());
    assert!(up.file_id.as_str().starts_with("file_"));
    assert!(
        up.upload_url.starts_with(&ctx.server.base_url),
        "{}",
        up.upload_url
    );
    assert!(up.expires_at.ends_with('Z'));
    assert_eq!(
        put(ctx, &up.upload_url, "application/pdf", &bytes).status,
        200
    );
    let file: FileObject = ws
        .post(
            "/v1/files/confirm",
            &json!({"file_id": up.file_id, "chat_id": chat_id}),
        )
        .expect(200);
    assert_eq!(file.id, up.file_id);
    assert_eq!(file.filename, "hisobot 2026.pdf");
    assert_eq!(file.size_bytes, bytes.len() as u64);
    assert_eq!(file.content_type, "application/pdf");
    // Confirming again for the same chat answers the same.
    let again: FileObject = ws
        .post(
            "/v1/files/confirm",
            &json!({"file_id": up.file_id, "chat_id": chat_id}),
        )
        .expect(200);
    assert_eq!(again, file);
    let served = ctx.client.send("GET", &file.url, &[], None);
    assert_eq!(served.status, 200);
    assert_eq!(served.text.as_bytes(), bytes.as_slice());
    assert_eq!(served.header("content-type"), Some("application/pdf"));
    assert_eq!(served.header("x-content-type-options"), Some("nosniff"));
    let disposition = served.header("content-disposition").unwrap_or_default();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(disposition.contains("hisobot%202026.pdf"), "{disposition}");
    // And it can be attached to a message in that chat.
    let msg: Message = ws
        .post(
            &format!("/v1/chats/{chat_id}/messages"),
            &json!({"text": "Mana hisobot", "attachments": [{"type": "file", "url": file.url}]}),
        )
        .expect(201);
    let convo: DataList<ConversationMessage> =
        ws.get(&format!("/v1/chats/{chat_id}/messages")).expect(200);
    let stored = convo
        .data
        .iter()
        .find(|m| m.id == msg.id)
        .expect("the message");
    assert_eq!(stored.attachments.len(), 1);
    assert_eq!(stored.attachments[0].url, file.url);
    assert_eq!(stored.attachments[0].kind.as_str(), "file");
}

#[crate::e2e_test]
fn images_are_served_inline_and_other_files_as_downloads(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (chat_id, _) = ws.chat("rasm");
    let png = b"\x89PNG\r\n\x1a\nnot really".to_vec();
    let up = request_upload(&ws, "screenshot.png", "image/png", png.len());
    assert_eq!(put(ctx, &up.upload_url, "image/png", &png).status, 200);
    let file: FileObject = ws
        .post(
            "/v1/files/confirm",
            &json!({"file_id": up.file_id, "chat_id": chat_id}),
        )
        .expect(200);
    let served = ctx.client.send("GET", &file.url, &[], None);
    assert_eq!(served.header("content-type"), Some("image/png"));
    assert!(served
        .header("content-disposition")
        .unwrap_or_default()
        .starts_with("inline;"));
    assert_eq!(served.header("x-content-type-options"), Some("nosniff"));
}

fn file_rows(ctx: &Ctx, ws: &TestWorkspace, file_id: &str) -> serde_json::Value {
    ctx.server.workspace_query(
        &ws.id,
        &format!("SELECT status, chat_id FROM files WHERE id = '{file_id}'"),
    )[0]
    .clone()
}

#[crate::e2e_test]
fn a_put_larger_than_declared_is_413_and_stores_nothing(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (chat_id, _) = ws.chat("hi");
    let up = request_upload(&ws, "notes.txt", "text/plain", 10);
    put(ctx, &up.upload_url, "text/plain", b"0123456789-too-long")
        .assert_error(ErrorCode::FileTooLarge);
    // Nothing reached R2: confirming finds no upload.
    ws.post(
        "/v1/files/confirm",
        &json!({"file_id": up.file_id, "chat_id": chat_id}),
    )
    .assert_error(ErrorCode::FileNotUploaded);
    assert_eq!(
        file_rows(ctx, &ws, up.file_id.as_str())["status"],
        "pending"
    );
    // A shorter body is not the declared file either.
    put(ctx, &up.upload_url, "text/plain", b"short").assert_error(ErrorCode::FileNotUploaded);
}

#[crate::e2e_test]
fn confirming_before_the_upload_is_409_file_004(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (chat_id, _) = ws.chat("hi");
    let up = request_upload(&ws, "a.txt", "text/plain", 3);
    ws.post(
        "/v1/files/confirm",
        &json!({"file_id": up.file_id, "chat_id": chat_id}),
    )
    .assert_error(ErrorCode::FileNotUploaded);
    assert!(file_rows(ctx, &ws, up.file_id.as_str())["chat_id"].is_null());
}

#[crate::e2e_test]
fn bad_or_expired_signatures_get_403_file_005(ctx: &Ctx) {
    let ws = ctx.workspace();
    let up = request_upload(&ws, "a.txt", "text/plain", 3);
    let tampered = crate::harness::tamper_last(&up.upload_url);
    let expired = up.upload_url.replace("expires=", "expires=1");
    let unsigned = up
        .upload_url
        .split('?')
        .next()
        .unwrap_or_default()
        .to_string();
    for url in [tampered, expired, unsigned] {
        put(ctx, &url, "text/plain", b"abc").assert_error(ErrorCode::UploadUrlInvalid);
    }
    // A wrong content type is refused too.
    put(ctx, &up.upload_url, "text/html", b"abc").assert_error(ErrorCode::FileTypeNotAllowed);
}

#[crate::e2e_test]
fn disallowed_types_and_sizes_are_refused_up_front(ctx: &Ctx) {
    let ws = ctx.workspace();
    for (content_type, size, code) in [
        ("image/svg+xml", 10, ErrorCode::FileTypeNotAllowed),
        ("text/html", 10, ErrorCode::FileTypeNotAllowed),
        (
            "application/x-msdownload",
            10,
            ErrorCode::FileTypeNotAllowed,
        ),
        ("image/png", 10 * 1024 * 1024 + 1, ErrorCode::FileTooLarge),
    ] {
        ws.post(
            "/v1/files/upload-url",
            &json!({"filename": "x.bin", "content_type": content_type, "size_bytes": size}),
        )
        .assert_error(code);
    }
    ws.post(
        "/v1/files/upload-url",
        &json!({"filename": "../x", "content_type": "text/plain", "size_bytes": 1}),
    )
    .assert_error(ErrorCode::Validation);
    assert_eq!(crate::bounds::rows_of(ctx, &ws.id, "files"), 0);
}

#[crate::e2e_test]
fn another_workspace_cannot_confirm_or_attach_the_file(ctx: &Ctx) {
    let ws = ctx.workspace();
    let other = ctx.workspace();
    let (chat_id, _) = ws.chat("hi");
    let (other_chat, _) = other.chat("hi");
    let up = request_upload(&ws, "a.txt", "text/plain", 3);
    assert_eq!(put(ctx, &up.upload_url, "text/plain", b"abc").status, 200);
    other
        .post(
            "/v1/files/confirm",
            &json!({"file_id": up.file_id, "chat_id": other_chat}),
        )
        .assert_error(ErrorCode::FileNotFound);
    ws.post(
        "/v1/files/confirm",
        &json!({"file_id": up.file_id, "chat_id": other_chat}),
    )
    .assert_error(ErrorCode::ChatNotFound);
    assert_eq!(
        file_rows(ctx, &ws, up.file_id.as_str())["status"],
        "pending"
    );
    let _ = chat_id;
}

#[crate::e2e_test]
fn a_visitor_uploads_into_their_own_chat_only(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (chat_id, token) = ws.chat("rasm yuboraman");
    let (foreign_chat, _) = ws.chat("boshqa");
    let up: UploadUrlResponse = ws
        .client
        .post(
            "/v1/visitor/files/upload-url",
            &token,
            &json!({"filename": "photo.jpg", "content_type": "image/jpeg", "size_bytes": 4}),
        )
        .expect(200);
    assert_eq!(put(ctx, &up.upload_url, "image/jpeg", b"jpeg").status, 200);
    ws.client
        .post(
            "/v1/visitor/files/confirm",
            &token,
            &json!({"file_id": up.file_id, "chat_id": foreign_chat}),
        )
        .assert_error(ErrorCode::ChatNotFound);
    let file: FileObject = ws
        .client
        .post(
            "/v1/visitor/files/confirm",
            &token,
            &json!({"file_id": up.file_id, "chat_id": chat_id}),
        )
        .expect(200);
    let msg: ConversationMessage = ws
        .client
        .post(
            &format!("/v1/visitor/chats/{chat_id}/messages"),
            &token,
            &json!({"text": "mana", "attachments": [{"type": "image", "url": file.url}]}),
        )
        .expect(201);
    assert_eq!(msg.attachments[0].kind.as_str(), "image");
}

#[crate::e2e_test]
fn attachments_must_be_files_confirmed_for_that_chat(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (chat_a, _) = ws.chat("a");
    let (chat_b, _) = ws.chat("b");
    let up = request_upload(&ws, "a.txt", "text/plain", 3);
    assert_eq!(put(ctx, &up.upload_url, "text/plain", b"abc").status, 200);
    let file: FileObject = ws
        .post(
            "/v1/files/confirm",
            &json!({"file_id": up.file_id, "chat_id": chat_a}),
        )
        .expect(200);
    ws.post(
        &format!("/v1/chats/{chat_b}/messages"),
        &json!({"text": "x", "attachments": [{"type": "file", "url": file.url}]}),
    )
    .assert_error(ErrorCode::FileNotFound);
    let rows = ctx.server.workspace_query(
        &ws.id,
        &format!("SELECT COUNT(*) AS n FROM messages WHERE chat_id = '{chat_b}'"),
    );
    assert_eq!(rows[0]["n"], 1);
}
