//! Uploaded files: the signed upload URL, where file URLs point, and how a stored file
//! is offered back (inline only for images; everything else as a download).

/// How long an upload URL stays valid.
pub const UPLOAD_URL_SECONDS: i64 = 15 * 60;

/// What the upload URL's signature covers: the workspace, the file and the expiry (unix
/// seconds).
pub fn upload_message(workspace_id: &str, file_id: &str, expires: i64) -> String {
    format!("upload.{workspace_id}.{file_id}.{expires}")
}

/// Images (the allow-list has no SVG) are shown inline; anything else downloads.
pub fn is_inline(content_type: &str) -> bool {
    content_type.starts_with("image/") && !content_type.contains("svg")
}

/// A `Content-Disposition` value: an ASCII fallback name (anything outside
/// `[A-Za-z0-9._ -]` becomes `_`, so no quote or line break can end the header) plus
/// the exact name percent-encoded in `filename*` (RFC 6266).
pub fn content_disposition(filename: &str, inline: bool) -> String {
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | ' ') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in filename.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-') {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    let kind = if inline { "inline" } else { "attachment" };
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// Where this worker serves a file: the one URL a message's attachment may carry. The
/// workspace is in it because the file's record is in that workspace's own database,
/// and the URL (in `<img src>`) carries no credential to find it by.
pub fn file_url(origin: &str, workspace_id: &str, file_id: &str) -> String {
    format!("{origin}/v1/files/{workspace_id}/{file_id}")
}

/// The file id of an attachment URL, only when it is exactly [`file_url`] for this
/// worker's `origin` and `workspace_id`: a file id under another host or workspace, a
/// query or a fragment is not ours, so the console never loads what a client named.
pub fn own_file_id(url: &str, origin: &str, workspace_id: &str) -> Option<String> {
    let id = url
        .strip_prefix(origin)?
        .strip_prefix("/v1/files/")?
        .strip_prefix(workspace_id)?
        .strip_prefix('/')?;
    shared_types::ids::FileId::parse(id)
        .ok()
        .map(|f| f.into_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn dispositions_escape_everything_unsafe() {
        assert_eq!(
            content_disposition("hisobot 2026.pdf", false),
            "attachment; filename=\"hisobot 2026.pdf\"; filename*=UTF-8''hisobot%202026.pdf"
        );
        assert_eq!(
            content_disposition("narx\"\r\nX: y.png", true),
            "inline; filename=\"narx___X_ y.png\"; filename*=UTF-8''narx%22%0D%0AX%3A%20y.png"
        );
        assert!(content_disposition("отчёт.txt", false).contains("%D0%BE"));
    }

    #[test]
    fn only_raster_images_are_inline() {
        assert!(is_inline("image/png"));
        assert!(!is_inline("image/svg+xml"));
        assert!(!is_inline("application/pdf"));
        assert!(!is_inline("text/html"));
    }

    proptest! {
        #[test]
        fn a_disposition_is_always_one_safe_header_line(name in "\\PC*") {
            let value = content_disposition(&name, false);
            prop_assert!(!value.contains(['\r', '\n']));
            prop_assert_eq!(value.matches('"').count(), 2);
        }
    }

    #[test]
    fn file_ids_come_from_our_own_file_urls_only() {
        let origin = "http://127.0.0.1:8787";
        let ws = "ws_abc";
        assert_eq!(
            own_file_id(
                "http://127.0.0.1:8787/v1/files/ws_abc/file_abc123",
                origin,
                ws
            )
            .as_deref(),
            Some("file_abc123")
        );
        assert_eq!(
            own_file_id(&file_url(origin, ws, "file_abc123"), origin, ws).as_deref(),
            Some("file_abc123")
        );
        for foreign in [
            "https://evil.example/v1/files/ws_abc/file_abc123",
            "http://127.0.0.1:8788/v1/files/ws_abc/file_abc123",
            "http://127.0.0.1:8787.evil.example/v1/files/ws_abc/file_abc123",
            "http://127.0.0.1:8787/v1/files/ws_abc/file_abc123?x=1",
            "http://127.0.0.1:8787/v1/files/ws_abc/file_abc123#x",
            "http://127.0.0.1:8787/v1/files/ws_abc/file_a/b",
            "http://127.0.0.1:8787/v1/files/ws_abc/chat_abc123",
            "http://127.0.0.1:8787/v1/files/ws_other/file_abc123",
            "http://127.0.0.1:8787/v1/files/ws_abcd/file_abc123",
            "http://127.0.0.1:8787/v1/files/file_abc123",
            "http://127.0.0.1:8787/files/ws_abc/file_abc123",
        ] {
            assert_eq!(own_file_id(foreign, origin, ws), None, "{foreign}");
        }
    }
}
