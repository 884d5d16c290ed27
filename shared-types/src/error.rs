//! The error catalogue: every error code ChatFlow can answer with, its HTTP
//! status and both messages, plus the spec's error envelope.
//!
//! This is the only place a code is defined. A handler picks an [`ErrorCode`],
//! adds details (for validation: [`FieldErrors`]) and the request id, and
//! [`ErrorEnvelope::new`] fills in the rest; nothing builds an envelope by hand.
//!
//! Codes are `PREFIX-NNN` and are never renumbered or reused once shipped:
//! clients branch on them. Messages may be reworded; codes may not.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Defines [`ErrorCode`] and its lookup tables from one table, so a variant
/// cannot exist without a code, a status, both messages and a place in `ALL`.
macro_rules! error_catalogue {
    (
        $(
            $(#[$doc:meta])*
            $variant:ident => ($code:literal, $status:literal, $uz:literal, $en:literal),
        )+
    ) => {
        /// One entry of the error catalogue. See [`ErrorCode::ALL`] for the list.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $( $(#[$doc])* $variant, )+
        }

        impl ErrorCode {
            /// Every variant, in catalogue order (grouped by prefix).
            pub const ALL: &'static [ErrorCode] = &[ $( ErrorCode::$variant, )+ ];

            /// The stable machine-readable code, e.g. `"AUTH-001"`.
            pub const fn code(self) -> &'static str {
                match self { $( ErrorCode::$variant => $code, )+ }
            }

            /// The HTTP status this error is answered with (400..=599).
            pub const fn status(self) -> u16 {
                match self { $( ErrorCode::$variant => $status, )+ }
            }

            /// The human-readable message in Uzbek (Latin script); the envelope's `message`.
            pub const fn message(self) -> &'static str {
                match self { $( ErrorCode::$variant => $uz, )+ }
            }

            /// The human-readable message in English; the envelope's `message_en`.
            pub const fn message_en(self) -> &'static str {
                match self { $( ErrorCode::$variant => $en, )+ }
            }

            /// The variant whose [`code`](Self::code) is exactly `code`
            /// (case-sensitive), or `None` for a code not in the catalogue.
            pub fn from_code(code: &str) -> Option<ErrorCode> {
                match code {
                    $( $code => Some(ErrorCode::$variant), )+
                    _ => None,
                }
            }
        }
    };
}

error_catalogue! {
    // ---- AUTH: who is calling -------------------------------------------------
    /// Email/password login failed (the spec's example error).
    AuthInvalidCredentials => ("AUTH-001", 401,
        "Email yoki parol noto'g'ri",
        "Invalid email or password"),
    /// No `Authorization` header on an endpoint that needs one.
    AuthMissing => ("AUTH-002", 401,
        "Avtorizatsiya sarlavhasi yuborilmagan",
        "Missing Authorization header"),
    /// The header is not `Bearer <token>`, or the API key is not of the `cf_live_` format.
    AuthMalformed => ("AUTH-003", 401,
        "Avtorizatsiya sarlavhasi noto'g'ri formatda",
        "Malformed Authorization header: expected 'Bearer cf_live_...'"),
    /// A well-formed API key that matches no key.
    AuthUnknownKey => ("AUTH-004", 401,
        "API kalit noma'lum",
        "Unknown API key"),
    /// The API key existed but has been revoked.
    AuthRevokedKey => ("AUTH-005", 401,
        "API kalit bekor qilingan",
        "API key has been revoked"),
    /// Authenticated, but the caller's role may not do this.
    AuthForbidden => ("AUTH-006", 403,
        "Bu amalni bajarishga ruxsatingiz yo'q",
        "Your role does not allow this action"),
    /// The visitor token is invalid, tampered with or expired.
    AuthVisitorToken => ("AUTH-007", 401,
        "Tashrif buyuruvchi tokeni yaroqsiz yoki muddati tugagan",
        "Visitor token is invalid or expired"),
    /// The realtime ticket is invalid, expired or already used.
    AuthTicket => ("AUTH-008", 401,
        "Ulanish chiptasi yaroqsiz, muddati tugagan yoki allaqachon ishlatilgan",
        "Realtime ticket is invalid, expired or already used"),
    /// The request's `Origin` matches none of the workspace's widget domains.
    OriginNotAllowed => ("AUTH-009", 403,
        "Ushbu saytda vidjetdan foydalanishga ruxsat berilmagan",
        "This origin is not allowed to use the widget"),
    /// The admin token does not match `ADMIN_TOKEN`.
    AdminToken => ("AUTH-010", 401,
        "Administrator tokeni noto'g'ri",
        "Invalid admin token"),
    /// The console's session cookie names no current session (expired, signed out).
    AuthSessionInvalid => ("AUTH-011", 401,
        "Sessiya yaroqsiz yoki muddati tugagan, qayta kiring",
        "Session is invalid or expired; sign in again"),
    /// A cookie-authenticated request that changes something came without the
    /// console's header or a same-origin `Origin` (cross-site request forgery guard).
    AuthCsrf => ("AUTH-012", 403,
        "So'rov konsol sahifasidan yuborilmagan",
        "Cookie-authenticated requests must come from the console (X-ChatFlow-Console header or same Origin)"),
    /// The invitation token is unknown, expired or already used.
    AuthInvitation => ("AUTH-013", 401,
        "Taklif havolasi yaroqsiz, muddati tugagan yoki allaqachon ishlatilgan",
        "Invitation is invalid, expired or already used"),
    /// The workspace blocked this visitor: its token opens no endpoint and no socket.
    AuthVisitorBlocked => ("AUTH-014", 401,
        "Siz bu saytning suhbatidan chetlatilgansiz",
        "This visitor is blocked by the workspace"),
    /// The workspace requires identity verification and the visitor session named an
    /// email or user id without a valid `user_hash`.
    AuthIdentity => ("AUTH-015", 401,
        "Tashrif buyuruvchining shaxsi tasdiqlanmadi (user_hash noto'g'ri yoki yo'q)",
        "Visitor identity could not be verified (missing or invalid user_hash)"),

    // ---- REQ: the request itself ----------------------------------------------
    /// The body is not syntactically valid JSON.
    MalformedJson => ("REQ-001", 400,
        "So'rov tanasi yaroqli JSON emas",
        "Request body is not valid JSON"),
    /// The body is not `application/json` (or the upload's declared type).
    UnsupportedMediaType => ("REQ-002", 415,
        "So'rov tanasining turi qo'llab-quvvatlanmaydi, application/json yuboring",
        "Unsupported Content-Type: send application/json"),
    /// The body exceeds the endpoint's size limit.
    PayloadTooLarge => ("REQ-003", 413,
        "So'rov tanasi juda katta",
        "Request body is too large"),
    /// The body is JSON but a field is missing, unknown, of the wrong type or
    /// out of range. `details` is `{"fields": {"<path>": "<reason>"}}`.
    Validation => ("REQ-004", 400,
        "Yuborilgan ma'lumotlar tekshiruvdan o'tmadi",
        "Request validation failed"),
    /// A query-string parameter is unknown in value or out of range.
    /// `details` is `{"fields": {"<param>": "<reason>"}}`.
    InvalidQuery => ("REQ-005", 400,
        "So'rov parametrlari noto'g'ri",
        "Invalid query parameters"),
    /// The same `Idempotency-Key` was sent earlier with a different body.
    IdempotencyConflict => ("REQ-006", 409,
        "Bu Idempotency-Key boshqa so'rov tanasi bilan ishlatilgan",
        "Idempotency-Key was already used with a different request body"),

    // ---- RES: routing -----------------------------------------------------------
    /// No route has this path.
    RouteNotFound => ("RES-001", 404,
        "Bunday manzil mavjud emas",
        "Route not found"),
    /// The path exists but not with this HTTP method.
    MethodNotAllowed => ("RES-002", 405,
        "Bu manzil uchun so'rov usuli qo'llab-quvvatlanmaydi",
        "Method not allowed for this route"),

    // ---- CHAT -------------------------------------------------------------------
    /// No chat with this id in the caller's workspace (or visible to this visitor).
    ChatNotFound => ("CHAT-001", 404,
        "Suhbat topilmadi",
        "Chat not found"),
    /// The requested status change is not allowed from the chat's current status.
    InvalidStatusTransition => ("CHAT-002", 409,
        "Suhbat holatini bunday o'zgartirib bo'lmaydi",
        "Invalid chat status transition"),
    /// The chat is closed, so it accepts no new messages.
    ChatClosed => ("CHAT-003", 409,
        "Suhbat yopilgan",
        "Chat is closed"),
    /// The visitor has already rated this chat.
    AlreadyRated => ("CHAT-004", 409,
        "Suhbat allaqachon baholangan",
        "Chat has already been rated"),
    /// Rating is only possible once the chat is closed.
    ChatNotClosed => ("CHAT-005", 409,
        "Suhbat hali yopilmagan",
        "Chat is not closed yet"),

    // ---- VISITOR ----------------------------------------------------------------
    /// No visitor with this id in the caller's workspace.
    VisitorNotFound => ("VISITOR-001", 404,
        "Tashrif buyuruvchi topilmadi",
        "Visitor not found"),
    /// The visitor gave no email address, so there is nowhere to send mail.
    VisitorNoEmail => ("VISITOR-002", 409,
        "Tashrif buyuruvchi email manzilini bermagan",
        "The visitor has not given an email address"),
    /// The visitor is already in an open chat: write there instead of inviting.
    VisitorInChat => ("VISITOR-003", 409,
        "Tashrif buyuruvchi allaqachon ochiq suhbatda",
        "The visitor is already in an open chat; reply there"),
    /// The visitor is not on the site now, so an invitation would never be seen.
    VisitorOffline => ("VISITOR-004", 409,
        "Tashrif buyuruvchi hozir saytda emas",
        "The visitor is not on the site now"),

    // ---- AGENT ------------------------------------------------------------------
    /// No agent with this id in the caller's workspace.
    AgentNotFound => ("AGENT-001", 404,
        "Agent topilmadi",
        "Agent not found"),
    /// Another agent of the workspace already has this email.
    AgentEmailTaken => ("AGENT-002", 409,
        "Bu email bilan agent allaqachon mavjud",
        "An agent with this email already exists"),
    /// The change would leave the workspace without an owner.
    LastOwner => ("AGENT-003", 409,
        "Ish maydonida kamida bitta egasi qolishi kerak",
        "A workspace must keep at least one owner"),
    /// The agent already set a password: there is no invitation left to send again.
    AgentAlreadyJoined => ("AGENT-004", 409,
        "Agent taklifni allaqachon qabul qilgan",
        "The agent has already accepted the invitation"),

    // ---- CANNED -----------------------------------------------------------------
    /// No canned response with this id in the caller's workspace.
    CannedNotFound => ("CANNED-001", 404,
        "Tayyor javob topilmadi",
        "Canned response not found"),
    /// Another canned response of the workspace has this shortcut.
    CannedShortcutTaken => ("CANNED-002", 409,
        "Bu qisqartma bilan tayyor javob allaqachon mavjud",
        "A canned response with this shortcut already exists"),

    // ---- CONTACT ----------------------------------------------------------------
    /// No contact with this id in the caller's workspace.
    ContactNotFound => ("CONTACT-001", 404,
        "Kontakt topilmadi",
        "Contact not found"),

    // ---- MAIL -------------------------------------------------------------------
    /// An unsubscribe link that is forged, of no visitor, or already used.
    UnsubscribeLink => ("MAIL-001", 410,
        "Obunadan chiqish havolasi yaroqsiz yoki allaqachon ishlatilgan",
        "This unsubscribe link is invalid or has already been used"),

    // ---- other resources ----------------------------------------------------
    /// No such workspace.
    WorkspaceNotFound => ("WS-001", 404,
        "Ish maydoni topilmadi",
        "Workspace not found"),
    /// No trigger with this id in the caller's workspace.
    TriggerNotFound => ("TRIG-001", 404,
        "Trigger topilmadi",
        "Trigger not found"),
    /// No webhook with this id in the caller's workspace.
    WebhookNotFound => ("HOOK-001", 404,
        "Webhook topilmadi",
        "Webhook not found"),
    /// The webhook URL is not allowed (not https, or resolves to a private,
    /// loopback or link-local address where the environment forbids it).
    WebhookUrlNotAllowed => ("HOOK-002", 400,
        "Bu webhook manziliga ruxsat berilmaydi",
        "Webhook URL is not allowed"),
    /// No API key with this id in the caller's workspace.
    ApiKeyNotFound => ("KEY-001", 404,
        "API kalit topilmadi",
        "API key not found"),

    // ---- FILE ---------------------------------------------------------------
    /// No file with this id in the caller's workspace.
    FileNotFound => ("FILE-001", 404,
        "Fayl topilmadi",
        "File not found"),
    /// The declared or uploaded size exceeds the limit.
    FileTooLarge => ("FILE-002", 413,
        "Fayl hajmi ruxsat etilganidan katta",
        "File is too large"),
    /// The content type is not on the allow-list.
    FileTypeNotAllowed => ("FILE-003", 400,
        "Bu turdagi faylni yuklashga ruxsat berilmagan",
        "File type is not allowed"),
    /// Confirm came before the upload, or the upload's size or type differs from
    /// what was requested.
    FileNotUploaded => ("FILE-004", 409,
        "Fayl hali yuklanmagan yoki so'ralgan fayl bilan mos kelmaydi",
        "File has not been uploaded or does not match the requested size or type"),
    /// The presigned upload URL's signature is wrong or expired.
    UploadUrlInvalid => ("FILE-005", 403,
        "Yuklash havolasi yaroqsiz yoki muddati tugagan",
        "Upload URL is invalid or expired"),

    // ---- RATE ---------------------------------------------------------------
    /// Over 100 requests/minute or 20/second for this key; see `Retry-After`.
    RateLimited => ("RATE-001", 429,
        "So'rovlar soni juda ko'p, birozdan so'ng qayta urinib ko'ring",
        "Too many requests; retry after the number of seconds in Retry-After"),

    // ---- SRV ----------------------------------------------------------------
    /// An unexpected failure; the cause is logged with the request id, never sent.
    Internal => ("SRV-001", 500,
        "Serverda ichki xatolik yuz berdi",
        "Internal server error"),
    /// A dependency is temporarily unavailable; retrying later may succeed.
    Unavailable => ("SRV-002", 503,
        "Xizmat vaqtincha ishlamayapti, keyinroq urinib ko'ring",
        "Service temporarily unavailable; try again later"),
}

impl fmt::Display for ErrorCode {
    /// Writes the code, e.g. `AUTH-001`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The spec's error response body: `{"error": {...}}`. Every 4xx/5xx answer has
/// exactly this shape.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorEnvelope {
    /// The error itself.
    pub error: ErrorBody,
}

/// The inside of [`ErrorEnvelope`].
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// A catalogue code such as `"AUTH-001"`; see [`ErrorCode::from_code`].
    pub code: String,
    /// Uzbek (Latin) message.
    pub message: String,
    /// English message.
    pub message_en: String,
    /// Always a JSON object; `{}` when there is nothing to add. For validation
    /// errors: `{"fields": {"<field path>": "<English reason>"}}`.
    #[serde(default = "empty_object")]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub details: Value,
    /// The request's id (`req_…`), also sent as the `X-Request-Id` header.
    pub request_id: String,
}

fn empty_object() -> Value {
    Value::Object(Map::new())
}

impl ErrorEnvelope {
    /// The envelope for `code`, with both catalogue messages. `details` should be
    /// a JSON object; `Value::Null` is replaced by `{}` so the field is always an
    /// object on the wire.
    pub fn new(code: ErrorCode, details: serde_json::Value, request_id: impl Into<String>) -> Self {
        let details = if details.is_null() {
            empty_object()
        } else {
            details
        };
        ErrorEnvelope {
            error: ErrorBody {
                code: code.code().to_owned(),
                message: code.message().to_owned(),
                message_en: code.message_en().to_owned(),
                details,
                request_id: request_id.into(),
            },
        }
    }
}

impl ErrorBody {
    /// The catalogue entry for [`code`](Self::code), or `None` if this body came
    /// from a server that knows codes this build does not.
    pub fn error_code(&self) -> Option<ErrorCode> {
        ErrorCode::from_code(&self.code)
    }

    /// The reason recorded for one field in `details.fields`, if any.
    pub fn field_reason(&self, field: &str) -> Option<&str> {
        self.details.get("fields")?.get(field)?.as_str()
    }
}

#[cfg(feature = "openapi")]
impl ErrorCode {
    /// Every code answered with HTTP `status`, in catalogue order.
    pub fn with_status(status: u16) -> impl Iterator<Item = ErrorCode> {
        ErrorCode::ALL
            .iter()
            .copied()
            .filter(move |c| c.status() == status)
    }
}

#[cfg(feature = "openapi")]
impl ErrorEnvelope {
    /// [`ErrorEnvelope`]'s schema with `error.code` limited to `codes`: the body of
    /// one operation's error response, listing what that operation can answer.
    pub fn schema_with_codes(
        codes: &[ErrorCode],
    ) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        let text = |description: &str| {
            ObjectBuilder::new()
                .schema_type(Type::String)
                .description(Some(description))
        };
        let body = ObjectBuilder::new()
            .property(
                "code",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .description(Some("The catalogue code."))
                    .enum_values(Some(codes.iter().map(|c| c.code()))),
            )
            .required("code")
            .property("message", text("Uzbek (Latin) message."))
            .required("message")
            .property("message_en", text("English message."))
            .required("message_en")
            .property(
                "details",
                ObjectBuilder::new()
                    .schema_type(Type::Object)
                    .description(Some("Free-form; `{}` when there is nothing to add. Validation errors: `{\"fields\": {\"<field path>\": \"<English reason>\"}}`.")),
            )
            .property("request_id", text("The request's id, also sent as `X-Request-Id`."))
            .required("request_id");
        ObjectBuilder::new()
            .description(Some("The error envelope every 4xx/5xx answer has."))
            .property("error", body)
            .required("error")
            .into()
    }
}

/// Field-level reasons for a validation error ([`ErrorCode::Validation`] or
/// [`ErrorCode::InvalidQuery`]), keyed by field path (`"visitor.email"`,
/// `"attachments[0].url"`). Reasons are short English sentences; the first reason
/// recorded for a field is kept. Ordered by path, so output is deterministic.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors {
    fields: BTreeMap<String, String>,
}

impl FieldErrors {
    /// No errors yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records `reason` for `field` unless that field already has one.
    pub fn push(&mut self, field: impl Into<String>, reason: impl Into<String>) -> &mut Self {
        self.fields
            .entry(field.into())
            .or_insert_with(|| reason.into());
        self
    }

    /// Builder form of [`push`](Self::push).
    pub fn with(mut self, field: impl Into<String>, reason: impl Into<String>) -> Self {
        self.push(field, reason);
        self
    }

    /// Records the outcome of parsing one field and hands back the parsed value:
    /// on `Err`, the error's `Display` becomes the field's reason and `None` is
    /// returned. Lets a handler check every field before failing once.
    pub fn check<T, E: fmt::Display>(&mut self, field: &str, result: Result<T, E>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(err) => {
                self.push(field, err.to_string());
                None
            }
        }
    }

    /// True when no field has a reason (the input is valid).
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The number of fields with a reason.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// The reason for `field`, if any.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.fields.get(field).map(String::as_str)
    }

    /// `(field, reason)` pairs in field order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.fields.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The envelope's `details`: `{"fields": {"<field>": "<reason>", ...}}`.
    pub fn into_details(self) -> Value {
        let fields: Map<String, Value> = self
            .fields
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect();
        let mut details = Map::new();
        details.insert("fields".to_owned(), Value::Object(fields));
        Value::Object(details)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn code_shape_ok(code: &str) -> bool {
        // ^[A-Z]+-\d{3}$ without a regex dependency.
        let Some((prefix, digits)) = code.split_once('-') else {
            return false;
        };
        !prefix.is_empty()
            && prefix.bytes().all(|b| b.is_ascii_uppercase())
            && digits.len() == 3
            && digits.bytes().all(|b| b.is_ascii_digit())
    }

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = HashSet::new();
        for c in ErrorCode::ALL {
            assert!(code_shape_ok(c.code()), "{} is not PREFIX-NNN", c.code());
            assert!(seen.insert(c.code()), "{} is used twice", c.code());
        }
    }

    #[test]
    fn code_shape_checker_rejects_bad_shapes() {
        for bad in [
            "AUTH-01",
            "auth-001",
            "AUTH001",
            "-001",
            "AUTH-0011",
            "AU1H-001",
        ] {
            assert!(!code_shape_ok(bad), "{bad}");
        }
    }

    #[test]
    fn statuses_are_client_or_server_errors() {
        for c in ErrorCode::ALL {
            assert!((400..=599).contains(&c.status()), "{c}: {}", c.status());
        }
    }

    #[test]
    fn messages_are_non_empty_and_distinct_per_language() {
        for c in ErrorCode::ALL {
            assert!(!c.message().trim().is_empty(), "{c} has no Uzbek message");
            assert!(
                !c.message_en().trim().is_empty(),
                "{c} has no English message"
            );
            assert_ne!(c.message(), c.message_en(), "{c}: Uzbek message is English");
        }
    }

    #[test]
    fn from_code_round_trips_and_rejects_unknown() {
        for &c in ErrorCode::ALL {
            assert_eq!(ErrorCode::from_code(c.code()), Some(c));
        }
        assert_eq!(ErrorCode::from_code("AUTH-999"), None);
        assert_eq!(ErrorCode::from_code("auth-001"), None);
        assert_eq!(ErrorCode::from_code(""), None);
    }

    /// Exhaustive on purpose: a new variant fails to compile here until it is
    /// given a prefix group, and the test then checks `ALL` lists it.
    fn prefix_group(c: ErrorCode) -> &'static str {
        use ErrorCode::*;
        match c {
            AuthInvalidCredentials
            | AuthMissing
            | AuthMalformed
            | AuthUnknownKey
            | AuthRevokedKey
            | AuthForbidden
            | AuthVisitorToken
            | AuthTicket
            | OriginNotAllowed
            | AdminToken
            | AuthSessionInvalid
            | AuthCsrf
            | AuthInvitation
            | AuthVisitorBlocked => "AUTH",
            AuthIdentity => "AUTH",
            MalformedJson | UnsupportedMediaType | PayloadTooLarge | Validation | InvalidQuery
            | IdempotencyConflict => "REQ",
            RouteNotFound | MethodNotAllowed => "RES",
            ChatNotFound | InvalidStatusTransition | ChatClosed | AlreadyRated | ChatNotClosed => {
                "CHAT"
            }
            VisitorNotFound | VisitorNoEmail | VisitorInChat | VisitorOffline => "VISITOR",
            UnsubscribeLink => "MAIL",
            CannedNotFound | CannedShortcutTaken => "CANNED",
            ContactNotFound => "CONTACT",
            AgentNotFound | AgentEmailTaken | LastOwner | AgentAlreadyJoined => "AGENT",
            WorkspaceNotFound => "WS",
            TriggerNotFound => "TRIG",
            WebhookNotFound | WebhookUrlNotAllowed => "HOOK",
            ApiKeyNotFound => "KEY",
            FileNotFound | FileTooLarge | FileTypeNotAllowed | FileNotUploaded
            | UploadUrlInvalid => "FILE",
            RateLimited => "RATE",
            Internal | Unavailable => "SRV",
        }
    }

    #[test]
    fn all_lists_every_variant_with_its_prefix() {
        // Fieldless enum discriminants are 0..n in declaration order; `ALL` must be
        // exactly that sequence, so it cannot skip or repeat a variant.
        for (i, &c) in ErrorCode::ALL.iter().enumerate() {
            assert_eq!(c as usize, i, "ALL is out of declaration order at {c}");
            assert!(
                c.code().starts_with(&format!("{}-", prefix_group(c))),
                "{c}"
            );
        }
        assert_eq!(
            ErrorCode::ALL.len(),
            ErrorCode::Unavailable as usize + 1,
            "ALL must end with the last declared variant (update this line when appending)"
        );
    }

    #[test]
    fn required_codes_have_their_contracted_status() {
        use ErrorCode::*;
        let expected = [
            (AuthInvalidCredentials, "AUTH-001", 401),
            (AuthMissing, "AUTH-002", 401),
            (AuthMalformed, "AUTH-003", 401),
            (AuthUnknownKey, "AUTH-004", 401),
            (AuthRevokedKey, "AUTH-005", 401),
            (AuthForbidden, "AUTH-006", 403),
            (AuthVisitorToken, "AUTH-007", 401),
            (AuthTicket, "AUTH-008", 401),
            (OriginNotAllowed, "AUTH-009", 403),
            (AdminToken, "AUTH-010", 401),
            (AuthSessionInvalid, "AUTH-011", 401),
            (AuthVisitorBlocked, "AUTH-014", 401),
            (AuthIdentity, "AUTH-015", 401),
            (MalformedJson, "REQ-001", 400),
            (UnsupportedMediaType, "REQ-002", 415),
            (PayloadTooLarge, "REQ-003", 413),
            (Validation, "REQ-004", 400),
            (InvalidQuery, "REQ-005", 400),
            (IdempotencyConflict, "REQ-006", 409),
            (RouteNotFound, "RES-001", 404),
            (MethodNotAllowed, "RES-002", 405),
            (ChatNotFound, "CHAT-001", 404),
            (InvalidStatusTransition, "CHAT-002", 409),
            (ChatClosed, "CHAT-003", 409),
            (AlreadyRated, "CHAT-004", 409),
            (ChatNotClosed, "CHAT-005", 409),
            (VisitorNotFound, "VISITOR-001", 404),
            (VisitorNoEmail, "VISITOR-002", 409),
            (VisitorInChat, "VISITOR-003", 409),
            (VisitorOffline, "VISITOR-004", 409),
            (UnsubscribeLink, "MAIL-001", 410),
            (CannedNotFound, "CANNED-001", 404),
            (CannedShortcutTaken, "CANNED-002", 409),
            (ContactNotFound, "CONTACT-001", 404),
            (AgentNotFound, "AGENT-001", 404),
            (AgentEmailTaken, "AGENT-002", 409),
            (WorkspaceNotFound, "WS-001", 404),
            (TriggerNotFound, "TRIG-001", 404),
            (WebhookNotFound, "HOOK-001", 404),
            (WebhookUrlNotAllowed, "HOOK-002", 400),
            (ApiKeyNotFound, "KEY-001", 404),
            (FileNotFound, "FILE-001", 404),
            (FileTooLarge, "FILE-002", 413),
            (FileTypeNotAllowed, "FILE-003", 400),
            (FileNotUploaded, "FILE-004", 409),
            (UploadUrlInvalid, "FILE-005", 403),
            (RateLimited, "RATE-001", 429),
            (Internal, "SRV-001", 500),
            (Unavailable, "SRV-002", 503),
        ];
        for (variant, code, status) in expected {
            assert_eq!(
                (variant.code(), variant.status()),
                (code, status),
                "{variant:?}"
            );
        }
    }

    #[test]
    fn envelope_carries_both_messages_and_an_object_details() {
        let env = ErrorEnvelope::new(ErrorCode::ChatNotFound, Value::Null, "req_1");
        let json = serde_json::to_value(&env).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"error": {
                "code": "CHAT-001",
                "message": "Suhbat topilmadi",
                "message_en": "Chat not found",
                "details": {},
                "request_id": "req_1"
            }})
        );
        assert_eq!(env.error.error_code(), Some(ErrorCode::ChatNotFound));
    }

    #[test]
    fn envelope_without_details_reads_as_empty_object() {
        let env: ErrorEnvelope = serde_json::from_str(
            r#"{"error":{"code":"X-001","message":"m","message_en":"m","request_id":"r"}}"#,
        )
        .unwrap();
        assert_eq!(env.error.details, serde_json::json!({}));
        assert_eq!(env.error.error_code(), None);
    }

    #[test]
    fn field_errors_build_the_details_convention() {
        let mut errors = FieldErrors::new();
        assert!(errors.is_empty());
        errors.push("text", "must not be empty");
        errors.push("text", "second reason is ignored");
        let n: Option<u8> = errors.check("score", "9x".parse::<u8>());
        assert_eq!(n, None);
        let ok = errors.check("limit", Ok::<_, String>(5));
        assert_eq!(ok, Some(5));
        assert_eq!(errors.len(), 2);
        assert_eq!(errors.get("text"), Some("must not be empty"));
        let env = ErrorEnvelope::new(ErrorCode::Validation, errors.into_details(), "req_2");
        assert_eq!(env.error.field_reason("text"), Some("must not be empty"));
        assert_eq!(
            env.error.details,
            serde_json::json!({"fields": {
                "score": "invalid digit found in string",
                "text": "must not be empty"
            }})
        );
    }
}
