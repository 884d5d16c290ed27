//! Uploaded files: where their URLs point.

/// The file id of a URL served by this worker (`…/v1/files/<file_id>`), whatever host it
/// names.
pub fn file_id_from_url(url: &str) -> Option<String> {
    let path = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = &path[path.find('/')?..];
    let path = path.split(['?', '#']).next()?;
    let id = path.strip_prefix("/v1/files/")?;
    shared_types::ids::FileId::parse(id)
        .ok()
        .map(|f| f.into_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_ids_come_from_our_file_urls_only() {
        assert_eq!(
            file_id_from_url("http://127.0.0.1:8787/v1/files/file_abc123").as_deref(),
            Some("file_abc123")
        );
        assert_eq!(
            file_id_from_url("https://api.chatflow.uz/v1/files/file_abc123?x=1").as_deref(),
            Some("file_abc123")
        );
        assert_eq!(file_id_from_url("https://x.uz/v1/files/file_a/b"), None);
        assert_eq!(file_id_from_url("https://x.uz/v1/files/chat_a"), None);
        assert_eq!(file_id_from_url("https://x.uz/files/file_a"), None);
    }
}
