//! Webhooks: `GET/POST /webhooks`, the event payload ChatFlow delivers, and the
//! `ChatFlow-Signature` header that signs it.
//!
//! Signing itself (HMAC-SHA256) is done where a crypto crate is available; this
//! module fixes what is signed and how the header is written and read.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::ids::{EventId, WebhookId, WorkspaceId};
use crate::validate::{HttpUrl, ValueError};
use crate::Timestamp;

wire_enum! {
    /// An event a webhook can subscribe to; also the `type` of its payload.
    pub enum WebhookEvent {
        /// A visitor started a chat.
        ChatCreated = "chat.created",
        /// A chat was assigned to an agent (or reassigned).
        ChatAssigned = "chat.assigned",
        /// A chat was closed.
        ChatClosed = "chat.closed",
        /// A closed chat was opened again.
        ChatReopened = "chat.reopened",
        /// An agent sent a message.
        MessageSent = "message.sent",
        /// A visitor sent a message.
        MessageReceived = "message.received",
        /// A visitor rated a closed chat.
        ChatRated = "chat.rated",
    }
}

/// One row of `GET /webhooks`. The secret is never shown again after creation.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Webhook {
    /// The webhook.
    pub id: WebhookId,
    /// Where events are POSTed.
    pub url: String,
    /// Subscribed events, in the order given at creation.
    pub events: Vec<WebhookEvent>,
    /// False once disabled; inactive webhooks receive nothing.
    pub active: bool,
    /// When it was created.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
}

/// Body of `POST /webhooks`. A URL the environment refuses (plain http in
/// production, private/loopback/link-local targets) is
/// [`ErrorCode::WebhookUrlNotAllowed`](crate::ErrorCode::WebhookUrlNotAllowed).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateWebhookRequest {
    /// Absolute http(s) URL.
    pub url: HttpUrl,
    /// At least one event.
    #[serde(deserialize_with = "crate::serde_util::non_empty_vec")]
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub events: Vec<WebhookEvent>,
    /// The shared secret deliveries are signed with; absent = the service
    /// generates one (`whsec_` + 32 random characters) and shows it once.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_util::present"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub secret: Option<WebhookSecret>,
}

/// Body of `PATCH /webhooks/{id}`: every field optional, at least one event
/// when `events` is given. Turning a webhook back on (`"active": true`) also
/// forgets its run of failures.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateWebhookRequest {
    /// New target, checked like at creation.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_util::present"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub url: Option<HttpUrl>,
    /// New subscription, replacing the old one.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "non_empty_events"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub events: Option<Vec<WebhookEvent>>,
    /// Enable or disable.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_util::present"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub active: Option<bool>,
}

fn non_empty_events<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Vec<WebhookEvent>>, D::Error> {
    crate::serde_util::non_empty_vec(deserializer).map(Some)
}

/// One attempt to deliver an event, as `GET /webhooks/{id}/deliveries` lists
/// them (newest first). The dead-letter entry written when retries are
/// exhausted has `dead_lettered: true` and no status code.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookDelivery {
    /// The event this attempt carried (the `ChatFlow-Event-Id` header).
    pub event_id: EventId,
    /// Its type.
    pub event_type: WebhookEvent,
    /// 1 for the first attempt; retries count up.
    pub attempt: u32,
    /// The receiver's HTTP status; `null` when no response came (timeout,
    /// connection refused) and on the dead-letter entry.
    pub status_code: Option<u16>,
    /// Milliseconds from sending to the response (or to giving up).
    pub duration_ms: Option<u64>,
    /// Why the attempt failed; `null` on success.
    pub error: Option<String>,
    /// When the next attempt is due; `null` after a success or the last attempt.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub next_retry_at: Option<Timestamp>,
    /// True on the entry recording that retries were exhausted.
    pub dead_lettered: bool,
    /// When the attempt was made, to the millisecond.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
}

/// `data` of a `chat.rated` event.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChatRating {
    /// The rated chat.
    pub chat_id: crate::ids::ChatId,
    /// 1..=5.
    pub score: u8,
    /// The visitor's words, `null` when none.
    pub comment: Option<String>,
}

/// Answer to `POST /webhooks` (201): the webhook, with its secret masked as
/// [`WebhookSecret::MASKED`] when the caller chose it, or the generated secret
/// in full (the only time it is ever shown) when the caller left it out.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedWebhook {
    /// The webhook.
    pub id: WebhookId,
    /// Where events are POSTed.
    pub url: String,
    /// Subscribed events.
    pub events: Vec<WebhookEvent>,
    /// True on creation.
    pub active: bool,
    /// [`WebhookSecret::MASKED`], or a generated `whsec_…` secret shown once.
    pub secret: String,
    /// When it was created.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
}

/// A webhook signing secret: 8..=256 printable ASCII characters without spaces.
/// `Debug` does not print it, so it cannot leak into logs by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret(String);

impl WebhookSecret {
    /// Fewest characters accepted.
    pub const MIN_CHARS: usize = 8;
    /// Most characters accepted.
    pub const MAX_CHARS: usize = 256;
    /// How a secret is shown after creation: reveals neither content nor length.
    pub const MASKED: &'static str = "whsec_*********************";

    /// Checks the rules above (no trimming: every byte is part of the key).
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        if !(Self::MIN_CHARS..=Self::MAX_CHARS).contains(&input.len()) {
            return Err(ValueError::new(format!(
                "must be {} to {} characters",
                Self::MIN_CHARS,
                Self::MAX_CHARS
            )));
        }
        if !input.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ValueError::new(
                "must contain only printable ASCII characters without spaces",
            ));
        }
        Ok(WebhookSecret(input.to_owned()))
    }

    /// The secret itself, for storing and signing.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret(***)")
    }
}

string_serde!(
    WebhookSecret,
    ValueError,
    "a webhook secret",
    schema = crate::openapi::webhook_secret()
);

/// The JSON body of every webhook delivery. Receivers deduplicate by `id`
/// (a retried delivery has the same id) and branch on `type`. Deliveries may
/// arrive out of order: `created_at` has milliseconds, and `message.*` data
/// carries the chat's `seq`, so a receiver can put them back in order.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookEventPayload {
    /// Unique per event, stable across retries.
    pub id: EventId,
    /// What happened.
    #[serde(rename = "type")]
    pub kind: WebhookEvent,
    /// When it happened, RFC 3339 UTC with milliseconds
    /// (`2026-02-11T14:30:00.123Z`).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
    /// The workspace it happened in.
    pub workspace_id: WorkspaceId,
    /// The affected object: for `chat.*` the chat as `GET /chats/{id}` returns it;
    /// for `message.*` the message as `GET /chats/{id}/messages` lists it (the
    /// spec's message plus `seq` and `attachments`); for `chat.rated` a
    /// [`ChatRating`].
    pub data: Value,
}

/// The request header carrying a delivery's signature.
pub const SIGNATURE_HEADER: &str = "ChatFlow-Signature";

/// Receivers reject a signature whose timestamp is further than this from
/// their clock, in seconds (replay protection).
pub const SIGNATURE_TOLERANCE_SECONDS: u64 = 300;

/// `ChatFlow-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureHeader {
    /// Unix seconds when the delivery was signed.
    pub timestamp: u64,
    /// Lower-case hex of the 32-byte HMAC-SHA256.
    pub v1: String,
}

impl SignatureHeader {
    /// The bytes that are signed: `"<t>.<raw body>"`.
    pub fn signed_payload(timestamp: u64, raw_body: &[u8]) -> Vec<u8> {
        let mut payload = format!("{timestamp}.").into_bytes();
        payload.extend_from_slice(raw_body);
        payload
    }

    /// Reads a header value; parts may come in any order and unknown parts
    /// (future `v2=`) are ignored. Needs one `t` and one 64-hex-digit `v1`.
    pub fn parse(value: &str) -> Result<Self, ValueError> {
        let mut timestamp = None;
        let mut v1 = None;
        for part in value.split(',') {
            match part.trim().split_once('=') {
                Some(("t", t)) if timestamp.is_none() => {
                    timestamp = Some(
                        t.parse::<u64>()
                            .map_err(|_| ValueError::new("t must be unix seconds"))?,
                    );
                }
                Some(("v1", hex)) if v1.is_none() => {
                    if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                        return Err(ValueError::new("v1 must be 64 hex digits"));
                    }
                    v1 = Some(hex.to_ascii_lowercase());
                }
                Some(("t" | "v1", _)) => {
                    return Err(ValueError::new("t and v1 must appear once each"))
                }
                _ => {}
            }
        }
        match (timestamp, v1) {
            (Some(timestamp), Some(v1)) => Ok(SignatureHeader { timestamp, v1 }),
            _ => Err(ValueError::new(
                "must contain t=<unix seconds> and v1=<hex>",
            )),
        }
    }

    /// Whether the timestamp is within [`SIGNATURE_TOLERANCE_SECONDS`] of `now`
    /// (either side, to allow for clock skew).
    pub fn is_fresh(&self, now_unix_seconds: u64) -> bool {
        self.timestamp.abs_diff(now_unix_seconds) <= SIGNATURE_TOLERANCE_SECONDS
    }
}

impl fmt::Display for SignatureHeader {
    /// Writes the header value `t=…,v1=…`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "t={},v1={}", self.timestamp, self.v1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn event_spellings_are_the_specs() {
        assert_eq!(
            WebhookEvent::SPELLINGS,
            &[
                "chat.created",
                "chat.assigned",
                "chat.closed",
                "chat.reopened",
                "message.sent",
                "message.received",
                "chat.rated"
            ]
        );
        assert!("chat_created".parse::<WebhookEvent>().is_err());
    }

    #[test]
    fn create_requires_events_and_url_and_a_real_secret_when_given() {
        let ok = json!({"url": "https://myapp.com/hook", "events": ["chat.created"], "secret": "s3cr3t-value"});
        let req: CreateWebhookRequest = serde_json::from_value(ok).unwrap();
        assert_eq!(format!("{:?}", req.secret), "Some(WebhookSecret(***))");
        assert!(!format!("{req:?}").contains("s3cr3t"));
        for bad in [
            json!({"url": "https://myapp.com/hook", "events": [], "secret": "s3cr3t-value"}),
            json!({"url": "https://myapp.com/hook", "events": ["chat.deleted"], "secret": "s3cr3t-value"}),
            json!({"url": "myapp.com/hook", "events": ["chat.created"], "secret": "s3cr3t-value"}),
            json!({"url": "https://myapp.com/hook", "events": ["chat.created"], "secret": "short"}),
            json!({"url": "https://myapp.com/hook", "events": ["chat.created"], "secret": "has space in it"}),
            json!({"url": "https://myapp.com/hook", "events": ["chat.created"], "secret": null}),
            json!({"url": "https://myapp.com/hook", "events": ["chat.created"], "secret": "s3cr3t-value", "active": true}),
        ] {
            assert!(
                serde_json::from_value::<CreateWebhookRequest>(bad.clone()).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn secret_may_be_left_to_the_service() {
        let req: CreateWebhookRequest = serde_json::from_value(
            json!({"url": "https://myapp.com/hook", "events": ["chat.created"]}),
        )
        .unwrap();
        assert_eq!(req.secret, None);
        assert_eq!(
            serde_json::to_value(&req).unwrap(),
            json!({"url": "https://myapp.com/hook", "events": ["chat.created"]})
        );
    }

    #[test]
    fn update_takes_any_subset_but_no_nulls_or_empty_events() {
        let u: UpdateWebhookRequest = serde_json::from_value(json!({"active": false})).unwrap();
        assert_eq!(u.active, Some(false));
        assert_eq!((u.url, u.events), (None, None));
        let u: UpdateWebhookRequest =
            serde_json::from_value(json!({"events": ["chat.closed"]})).unwrap();
        assert_eq!(u.events, Some(vec![WebhookEvent::ChatClosed]));
        for bad in [
            json!({"events": []}),
            json!({"events": null}),
            json!({"url": null}),
            json!({"active": null}),
            json!({"url": "ftp://x.example"}),
            json!({"secret": "s3cr3t-value"}),
        ] {
            assert!(
                serde_json::from_value::<UpdateWebhookRequest>(bad.clone()).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn signature_header_round_trips() {
        let h = SignatureHeader {
            timestamp: 1_770_000_000,
            v1: "ab".repeat(32),
        };
        let text = h.to_string();
        assert_eq!(text, format!("t=1770000000,v1={}", "ab".repeat(32)));
        assert_eq!(SignatureHeader::parse(&text), Ok(h.clone()));
        let reordered = format!("v1={}, t=1770000000, v2=zz", "AB".repeat(32));
        assert_eq!(SignatureHeader::parse(&reordered), Ok(h.clone()));
        for bad in [
            "",
            "t=1",
            "v1=00",
            "t=x,v1=00",
            "t=1,t=2,v1=00",
            &format!("t=-1,v1={}", "0".repeat(64)),
        ] {
            assert!(SignatureHeader::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(SignatureHeader::signed_payload(5, b"{}"), b"5.{}".to_vec());
        assert!(h.is_fresh(1_770_000_300));
        assert!(h.is_fresh(1_769_999_700));
        assert!(!h.is_fresh(1_770_000_301));
    }

    #[test]
    fn payload_shape() {
        let p = WebhookEventPayload {
            id: EventId::with_suffix("1"),
            kind: WebhookEvent::ChatCreated,
            created_at: "2026-02-11T14:30:00Z".into(),
            workspace_id: WorkspaceId::with_suffix("1"),
            data: json!({"id": "chat_1"}),
        };
        assert_eq!(
            serde_json::to_value(&p).unwrap(),
            json!({"id": "evt_1", "type": "chat.created", "created_at": "2026-02-11T14:30:00Z",
                   "workspace_id": "ws_1", "data": {"id": "chat_1"}})
        );
    }
}
