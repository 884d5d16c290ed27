//! The two-step file flow: `POST /files/upload-url` returns a short-lived signed
//! URL the client PUTs the bytes to, then `POST /files/confirm` attaches the
//! stored file to a chat. The visitor side uses the same bodies under
//! `/visitor/files/…`.

use serde::{Deserialize, Deserializer, Serialize};

use crate::error::ErrorCode;
use crate::ids::{ChatId, FileId};
use crate::validate::FileName;
use crate::Timestamp;

/// The largest file accepted, in bytes (10 MiB). Larger is
/// [`ErrorCode::FileTooLarge`].
pub const MAX_UPLOAD_BYTES: u64 = 10 * 1024 * 1024;

/// Content types accepted for upload; anything else is
/// [`ErrorCode::FileTypeNotAllowed`]. No SVG or HTML: they can carry script.
pub const ALLOWED_CONTENT_TYPES: &[&str] = &[
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/pdf",
    "text/plain",
    "text/csv",
    "application/zip",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
];

/// The largest widget logo, in bytes (512 KiB): it is fetched by every visitor who opens
/// the panel and by every mail the workspace sends.
pub const MAX_LOGO_BYTES: u64 = 512 * 1024;

/// The pictures a logo may be; never SVG, which is served from our origin and can
/// carry script.
pub const LOGO_CONTENT_TYPES: &[&str] = &["image/png", "image/jpeg", "image/gif", "image/webp"];

/// The logo policy: `Err(FileTypeNotAllowed)` for anything but a raster image, then
/// `Err(FileTooLarge)` over [`MAX_LOGO_BYTES`].
pub fn check_logo(content_type: &str, size_bytes: u64) -> Result<(), ErrorCode> {
    if !LOGO_CONTENT_TYPES.contains(&content_type_essence(content_type).as_str()) {
        return Err(ErrorCode::FileTypeNotAllowed);
    }
    if size_bytes > MAX_LOGO_BYTES {
        return Err(ErrorCode::FileTooLarge);
    }
    Ok(())
}

/// Body of `PUT /widget/logo`: a file uploaded through `POST /files/upload-url` and not
/// yet confirmed becomes the widget's logo.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetLogoRequest {
    /// The uploaded file.
    pub file_id: FileId,
}

/// The content type without parameters, lower-cased: `Image/PNG; x=y` → `image/png`.
pub fn content_type_essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// The upload policy: `Err(FileTypeNotAllowed)` for a type outside
/// [`ALLOWED_CONTENT_TYPES`] (parameters and case ignored), then
/// `Err(FileTooLarge)` over [`MAX_UPLOAD_BYTES`].
pub fn check_upload(content_type: &str, size_bytes: u64) -> Result<(), ErrorCode> {
    if !ALLOWED_CONTENT_TYPES.contains(&content_type_essence(content_type).as_str()) {
        return Err(ErrorCode::FileTypeNotAllowed);
    }
    if size_bytes > MAX_UPLOAD_BYTES {
        return Err(ErrorCode::FileTooLarge);
    }
    Ok(())
}

fn positive_size<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    match crate::serde_util::whole::<_, u64>(deserializer)? {
        0 => Err(serde::de::Error::custom("must be at least 1")),
        n => Ok(n),
    }
}

/// Body of `POST /files/upload-url`. The type and size are checked against the
/// policy ([`check_upload`]) and bound into the signed URL: the PUT must match
/// them.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UploadUrlRequest {
    /// Display name, no directory part.
    pub filename: FileName,
    /// MIME type the client will PUT with.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::upload_content_type))]
    pub content_type: String,
    /// Exact size the client will PUT, at least 1.
    #[serde(deserialize_with = "positive_size")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 10485760))]
    pub size_bytes: u64,
}

/// Answer to `POST /files/upload-url` (200).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UploadUrlResponse {
    /// PUT the bytes here before `expires_at`, with the declared Content-Type.
    pub upload_url: String,
    /// The file's id, for `POST /files/confirm`.
    pub file_id: FileId,
    /// When `upload_url` stops working.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub expires_at: Timestamp,
}

/// Body of `POST /files/confirm`. Confirming before the PUT, or after a PUT
/// that differs in size or type, is [`ErrorCode::FileNotUploaded`].
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConfirmFileRequest {
    /// From the upload-url answer.
    pub file_id: FileId,
    /// The chat the file belongs to.
    pub chat_id: ChatId,
}

/// Answer to `POST /files/confirm` (200): a stored file. Send its `url` as a
/// message attachment.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FileObject {
    /// The file.
    pub id: FileId,
    /// Where it is served (with its stored content type and `nosniff`).
    pub url: String,
    /// Display name.
    pub filename: String,
    /// Size in bytes.
    pub size_bytes: u64,
    /// MIME type.
    pub content_type: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_logo_is_a_small_raster_image() {
        assert_eq!(check_logo("image/PNG; q=1", 1000), Ok(()));
        assert_eq!(check_logo("image/webp", MAX_LOGO_BYTES), Ok(()));
        assert_eq!(
            check_logo("image/png", MAX_LOGO_BYTES + 1),
            Err(ErrorCode::FileTooLarge)
        );
        for refused in ["image/svg+xml", "application/pdf", "text/html"] {
            assert_eq!(check_logo(refused, 10), Err(ErrorCode::FileTypeNotAllowed));
        }
    }
    use serde_json::json;

    #[test]
    fn upload_policy() {
        assert_eq!(check_upload("image/png", 245_678), Ok(()));
        assert_eq!(check_upload("Image/PNG; charset=binary", 1), Ok(()));
        assert_eq!(check_upload("image/png", MAX_UPLOAD_BYTES), Ok(()));
        assert_eq!(
            check_upload("image/png", MAX_UPLOAD_BYTES + 1),
            Err(ErrorCode::FileTooLarge)
        );
        assert_eq!(
            check_upload("image/svg+xml", 10),
            Err(ErrorCode::FileTypeNotAllowed)
        );
        assert_eq!(
            check_upload("text/html", 10),
            Err(ErrorCode::FileTypeNotAllowed)
        );
        assert_eq!(check_upload("", 10), Err(ErrorCode::FileTypeNotAllowed));
    }

    #[test]
    fn upload_request_validation() {
        for bad in [
            json!({"filename": "../etc/passwd", "content_type": "text/plain", "size_bytes": 1}),
            json!({"filename": "a.txt", "content_type": "text/plain", "size_bytes": 0}),
            json!({"filename": "a.txt", "content_type": "text/plain", "size_bytes": -1}),
            json!({"filename": "a.txt", "content_type": "text/plain"}),
            json!({"filename": "a.txt", "content_type": "text/plain", "size_bytes": 1, "chat_id": "chat_1"}),
        ] {
            assert!(
                serde_json::from_value::<UploadUrlRequest>(bad.clone()).is_err(),
                "{bad}"
            );
        }
    }
}
