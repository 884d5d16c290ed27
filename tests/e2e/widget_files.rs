//! Attachments in the widget, in headless Chromium: the visitor's files go through the
//! two-step file flow and show as an inline image or a download link; the agent's do
//! too; files the policy refuses are explained in the panel and never leave the page.

use std::time::Duration;

use serde_json::{json, Value};
use shared_types::files::{FileObject, UploadUrlResponse};

use crate::browser::Browser;
use crate::client::{Ctx, TestWorkspace};
use crate::widget_page::{open_panel, type_and_send, wait_for_messages};

/// A 1×1 PNG.
const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

/// Picks a file in the widget's file input (as the browser's file dialog would):
/// `base64` bytes, or `size` zero bytes when `base64` is null.
const PICK: &str = "const r = document.getElementById('chatflow-widget').shadowRoot; \
     const input = r.querySelector('[data-testid=\"cf-picker\"]'); \
     if (!input) return false; \
     const [name, type, b64, size] = arguments; \
     let bytes; \
     if (b64 !== null) { const bin = atob(b64); bytes = new Uint8Array(bin.length); \
       for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i); } \
     else bytes = new Uint8Array(size); \
     const dt = new DataTransfer(); dt.items.add(new File([bytes], name, {type})); \
     input.files = dt.files; \
     input.dispatchEvent(new Event('change', {bubbles: true})); \
     return true;";

/// Requests the page made to the file endpoints (upload-url, upload, confirm, files).
const FILE_REQUESTS: &str = "return performance.getEntriesByType('resource') \
     .filter(e => e.name.includes('/files/')).length;";

/// The shown error, or null.
const TROUBLE: &str = "const t = document.getElementById('chatflow-widget').shadowRoot \
     .querySelector('[data-testid=\"cf-trouble\"]'); return t ? t.textContent : null;";

fn pick(browser: &Browser, name: &str, content_type: &str, base64: Option<&str>, size: u64) {
    browser.wait_for_with(
        PICK,
        json!([name, content_type, base64, size]),
        Duration::from_secs(10),
    );
}

fn b64(bytes: &[u8]) -> String {
    const ABC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn messages(ws: &TestWorkspace, chat_id: &str) -> Vec<Value> {
    let list = ws.get(&format!("/v1/chats/{chat_id}/messages")).json();
    list["data"].as_array().cloned().unwrap_or_default()
}

fn only_chat(ws: &TestWorkspace) -> String {
    let chats = ws.get("/v1/chats").json();
    chats["data"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// The `src` of every loaded image attachment (`naturalWidth` > 0), when there are `n`.
fn wait_for_images(browser: &Browser, n: usize) -> Value {
    browser.wait_for(
        &format!(
            "const imgs = Array.from(document.getElementById('chatflow-widget').shadowRoot \
               .querySelectorAll('[data-testid=\"cf-image\"]')); \
             return imgs.length === {n} && imgs.every(i => i.complete && i.naturalWidth === 1) \
               ? imgs.map(i => i.getAttribute('src')) : null;"
        ),
        Duration::from_secs(15),
    )
}

#[crate::e2e_test]
fn a_visitor_sends_an_image_and_a_file_and_sees_the_agents_image(ctx: &Ctx) {
    let ws = ctx.workspace();
    let browser = Browser::start(1280, 800);
    browser.goto(&format!("{}/demo/{}", ctx.server.base_url, ws.id));
    open_panel(&browser);
    // Files go into a chat: the paperclip appears once the first message started one.
    let no_clip = browser.eval(
        "return document.getElementById('chatflow-widget').shadowRoot \
           .querySelector('[data-testid=\"cf-attach\"]') === null;",
        json!([]),
    );
    assert_eq!(no_clip, true);
    type_and_send(&browser, "Chekni yuboraman");
    wait_for_messages(&browser, &["Chekni yuboraman"]);
    let chat_id = only_chat(&ws);

    pick(&browser, "chek.png", "image/png", Some(PNG), 0);
    wait_for_messages(&browser, &["Chekni yuboraman", "chek.png"]);
    let srcs = wait_for_images(&browser, 1);
    let image_url = srcs[0].as_str().unwrap_or_default().to_string();
    assert!(image_url.starts_with(&ws.file_url("file_")), "{image_url}");

    let note = b"Yetkazish manzili: Chilonzor 7";
    pick(&browser, "manzil.txt", "text/plain", Some(&b64(note)), 0);
    wait_for_messages(&browser, &["Chekni yuboraman", "chek.png", "manzil.txt"]);
    let link = browser.wait_for(
        "const a = document.getElementById('chatflow-widget').shadowRoot \
           .querySelector('[data-testid=\"cf-file\"]'); \
         return a ? [a.getAttribute('href'), a.textContent] : null;",
        Duration::from_secs(10),
    );
    let file_url = link[0].as_str().unwrap_or_default().to_string();
    assert_eq!(link[1], "Faylni yuklab olish");
    let served = ctx.client.send("GET", &file_url, &[], None);
    assert_eq!(served.status, 200);
    assert_eq!(served.text.as_bytes(), note.as_slice());
    assert!(served
        .header("content-disposition")
        .unwrap_or_default()
        .starts_with("attachment"));

    // The agents see both, attached to the visitor's messages.
    let stored = messages(&ws, &chat_id);
    assert_eq!(stored.len(), 3, "{stored:?}");
    assert_eq!(
        stored[1]["attachments"],
        json!([{"type": "image", "url": image_url}])
    );
    assert_eq!(
        stored[2]["attachments"],
        json!([{"type": "file", "url": file_url}])
    );

    // An agent's image arrives over the socket and shows the same way.
    let png = decode_png();
    let up: UploadUrlResponse = ws
        .post(
            "/v1/files/upload-url",
            &json!({"filename": "javob.png", "content_type": "image/png", "size_bytes": png.len()}),
        )
        .expect(200);
    let put = ctx.client.send_raw(
        "PUT",
        &up.upload_url,
        &[("Content-Type", "image/png")],
        &png,
    );
    assert_eq!(put.status, 200);
    let file: FileObject = ws
        .post(
            "/v1/files/confirm",
            &json!({"file_id": up.file_id, "chat_id": chat_id}),
        )
        .expect(200);
    ws.post(
        &format!("/v1/chats/{chat_id}/messages"),
        &json!({"text": "Mana kvitansiya", "attachments": [{"type": "image", "url": file.url}]}),
    )
    .expect::<Value>(201);
    wait_for_messages(
        &browser,
        &[
            "Chekni yuboraman",
            "chek.png",
            "manzil.txt",
            "Mana kvitansiya",
        ],
    );
    let srcs = wait_for_images(&browser, 2);
    assert_eq!(srcs[1], file.url.as_str());
}

fn decode_png() -> Vec<u8> {
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    for c in PNG.bytes().filter(|c| *c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            _ => 63,
        };
        acc = acc << 6 | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

#[crate::e2e_test]
fn oversize_wrong_type_and_refused_files_are_explained_and_nothing_is_uploaded(ctx: &Ctx) {
    let ws = ctx.workspace();
    let browser = Browser::start(1280, 800);
    browser.goto(&format!("{}/demo/{}", ctx.server.base_url, ws.id));
    open_panel(&browser);
    type_and_send(&browser, "Fayl yubormoqchiman");
    wait_for_messages(&browser, &["Fayl yubormoqchiman"]);
    let chat_id = only_chat(&ws);
    assert_eq!(browser.eval(FILE_REQUESTS, json!([])), 0);

    // Over 10 MiB: refused before any request.
    pick(
        &browser,
        "katta.png",
        "image/png",
        None,
        10 * 1024 * 1024 + 1,
    );
    let shown = browser.wait_for(TROUBLE, Duration::from_secs(10));
    assert_eq!(shown, "Fayl juda katta: 10 MB gacha yuborish mumkin.");
    assert_eq!(browser.eval(FILE_REQUESTS, json!([])), 0);

    // SVG can carry script: refused before any request.
    pick(
        &browser,
        "chizma.svg",
        "image/svg+xml",
        Some(&b64(b"<svg xmlns='http://www.w3.org/2000/svg'/>")),
        0,
    );
    browser.wait_for(
        &format!(
            "const t = (() => {{ {TROUBLE} }})(); \
             return t && t.startsWith('Bu turdagi fayl qabul qilinmaydi') ? t : null;"
        ),
        Duration::from_secs(10),
    );
    assert_eq!(browser.eval(FILE_REQUESTS, json!([])), 0);

    // What only the server refuses (a name over 255 characters) is shown too.
    let long_name = format!("{}.txt", "n".repeat(300));
    pick(&browser, &long_name, "text/plain", Some(&b64(b"salom")), 0);
    browser.wait_for(
        &format!(
            "const t = (() => {{ {TROUBLE} }})(); \
             return t === \"Xabar yuborilmadi. Qayta urinib ko'ring.\" ? t : null;"
        ),
        Duration::from_secs(10),
    );
    // One request (the refused upload-url), no upload, no confirm, no message.
    assert_eq!(browser.eval(FILE_REQUESTS, json!([])), 1);
    let stored = messages(&ws, &chat_id);
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert_eq!(stored[0]["attachments"], json!([]));
    let shown = browser.eval(
        &format!("return (() => {{ {} }})();", crate::widget_page::MESSAGES),
        json!([]),
    );
    assert_eq!(shown, json!(["Fayl yubormoqchiman"]));
}

/// Serves `html` for every request on a fresh loopback port; the page's origin is
/// `http://localhost:<port>`, another origin than the API's `http://127.0.0.1:…`. The
/// thread lives as long as the test binary.
fn host_page(html: String) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut request = Vec::new();
            let mut buf = [0u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{html}",
                html.len()
            );
        }
    });
    format!("http://localhost:{port}/")
}

#[crate::e2e_test]
fn a_widget_on_another_origin_uploads_across_origins(ctx: &Ctx) {
    let ws = ctx.workspace();
    let page = host_page(format!(
        "<!doctype html><html lang=\"uz\"><head><meta charset=\"utf-8\"><title>Do'kon</title></head>\
         <body><p>Boshqa sayt</p><script src=\"{}/widget/widget.js\" data-workspace=\"{}\" async>\
         </script></body></html>",
        ctx.server.base_url, ws.id
    ));
    let browser = Browser::start(1280, 800);
    browser.goto(&page);
    open_panel(&browser);
    type_and_send(&browser, "Boshqa saytdan");
    wait_for_messages(&browser, &["Boshqa saytdan"]);
    let chat_id = only_chat(&ws);
    pick(&browser, "chek.png", "image/png", Some(PNG), 0);
    wait_for_messages(&browser, &["Boshqa saytdan", "chek.png"]);
    let srcs = wait_for_images(&browser, 1);
    let stored = messages(&ws, &chat_id);
    assert_eq!(
        stored[1]["attachments"],
        json!([{"type": "image", "url": srcs[0]}])
    );
    assert_eq!(browser.eval(TROUBLE, json!([])), Value::Null);
}
