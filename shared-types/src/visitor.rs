//! The visitor side (DESIGN.md, "Beyond the spec"): the widget's public config,
//! its session, and the visitor's own chats under `/visitor/…`, authenticated
//! with `Authorization: Bearer <visitor_token>` instead of an API key.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::automation::{Trigger, TriggerCondition};
use crate::chats::{ChatDetail, ConversationMessage, SendMessageRequest};
use crate::ids::{TriggerId, VisitorId, WorkspaceId};
use crate::validate::{
    Email, FreeText, HexColor, HttpUrl, MessageText, Phone, ShortText, UrlPattern,
};
use crate::widget::{Branding, Prechat, WidgetConfig, WidgetPosition, WidgetShape, WidgetTheme};
use crate::Timestamp;

/// `GET /public/widgets/{workspace_id}`: what the widget needs to render. The
/// spec's widget config without `domains`, plus active triggers and presence.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicWidgetConfig {
    /// The workspace the widget belongs to.
    pub workspace_id: WorkspaceId,
    /// Accent colour, `#RRGGBB`.
    pub color: HexColor,
    /// Launcher shape.
    pub shape: WidgetShape,
    /// Corner of the page.
    pub position: WidgetPosition,
    /// Launcher label.
    pub button_text: String,
    /// Shown when the panel opens and an agent is online.
    pub welcome_message: String,
    /// Shown instead when no agent is online.
    pub offline_message: String,
    /// Logo and "powered by".
    pub branding: Branding,
    /// True when at least one agent is `online`.
    pub agents_online: bool,
    /// Active triggers only.
    pub triggers: Vec<PublicTrigger>,
    /// The pre-chat form.
    #[serde(default)]
    pub prechat: Prechat,
    /// The panel's colours.
    #[serde(default)]
    pub theme: WidgetTheme,
    /// False outside the workspace's business hours: the widget then shows the offline
    /// message and the email field, as when nobody is online.
    #[serde(default = "crate::serde_util::yes")]
    pub open: bool,
    /// When the hours next open (RFC 3339), while closed; null when open or when no
    /// opening is ahead.
    #[serde(default)]
    pub opens_at: Option<String>,
    /// Whether agents see what the visitor types before it is sent (the workspace's
    /// `typing_preview`): the widget then says so under its composer, and sends its
    /// drafts; otherwise no draft leaves the browser.
    #[serde(default)]
    pub typing_preview: bool,
}

impl PublicWidgetConfig {
    /// The public view of a workspace's config: drops `domains` (the server
    /// enforces them) and inactive triggers.
    pub fn new(
        workspace_id: WorkspaceId,
        config: WidgetConfig,
        agents_online: bool,
        triggers: &[Trigger],
    ) -> Self {
        PublicWidgetConfig {
            workspace_id,
            color: config.color,
            shape: config.shape,
            position: config.position,
            button_text: config.button_text,
            welcome_message: config.welcome_message,
            offline_message: config.offline_message,
            branding: config.branding,
            prechat: config.prechat,
            theme: config.theme,
            agents_online,
            open: true,
            opens_at: None,
            typing_preview: false,
            triggers: triggers
                .iter()
                .filter(|t| t.active)
                .map(PublicTrigger::from)
                .collect(),
        }
    }
}

/// A trigger as the widget sees it (no name, no bookkeeping).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicTrigger {
    /// The trigger, so the widget can remember it has fired.
    pub id: TriggerId,
    /// When it fires.
    pub condition: TriggerCondition,
    /// Seconds to wait once the condition holds.
    pub delay_seconds: u32,
    /// The message to show.
    pub message: String,
    /// Pages it applies to; see [`UrlPattern::matches`].
    pub url_pattern: UrlPattern,
}

impl From<&Trigger> for PublicTrigger {
    fn from(t: &Trigger) -> Self {
        PublicTrigger {
            id: t.id.clone(),
            condition: t.condition,
            delay_seconds: t.delay_seconds,
            message: t.message.clone(),
            url_pattern: t.url_pattern.clone(),
        }
    }
}

/// What a visitor chooses to tell the widget; every field optional.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VisitorInfo {
    /// 1..=100 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<ShortText>,
    /// A valid email; lower-cased.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<Email>,
    /// 5..=15 digits, optional `+`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::visitor_phone_or_null))]
    pub phone: Option<Phone>,
    /// A JSON object of site-defined data (plan, user id…), shown to agents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::metadata_or_null))]
    pub metadata: Option<Map<String, Value>>,
    /// The site's own id for this user, 1..=100 characters; what `user_hash` vouches
    /// for when given (else the email).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<ShortText>,
    /// The visitor's language tag (`uz`, `ru`, `en-GB`…), for the mail they get; the
    /// widget sends its own. Anything but Russian or English reads as Uzbek.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<ShortText>,
    /// Hex HMAC-SHA256 of `user_id` (or, without one, `email`) under the workspace's
    /// identity secret (`POST /widget/identity-secret`), computed by the site's server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_hash: Option<ShortText>,
}

/// Body of `POST /public/widgets/{workspace_id}/sessions`. `{}` is a valid,
/// anonymous session.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateSessionRequest {
    /// What the visitor told the widget; absent means nothing.
    #[serde(default)]
    pub visitor: VisitorInfo,
}

/// Answer to session creation (201). The widget keeps it in `localStorage`, so
/// a reload or a second tab continues the same chats.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionResponse {
    /// The visitor.
    pub visitor_id: VisitorId,
    /// Bearer token for `/visitor/…` and `GET /realtime?token=`; opaque to
    /// clients. Invalid or expired is [`ErrorCode::AuthVisitorToken`](crate::ErrorCode::AuthVisitorToken).
    pub visitor_token: String,
    /// When `visitor_token` stops working.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub expires_at: Timestamp,
}

/// Body of `POST /visitor/chats`: the first message, and the page it was sent
/// from.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StartChatRequest {
    /// Trimmed, 1..=10,000 characters.
    pub text: MessageText,
    /// The page the widget was on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_url: Option<HttpUrl>,
    /// The agent's invitation this message answers (`inv_…`, as the presence beat
    /// delivered it): the chat then starts with the invitation as its first message, from
    /// the agent who sent it, and goes to that agent. One that is unknown, used or more
    /// than a day old is ignored and the chat starts as without it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(pattern = "^inv_[A-Za-z0-9]{1,64}$"))]
    pub invitation_id: Option<String>,
}

/// Answer to `POST /visitor/chats` (201): the chat as `GET /chats/{id}` shows it,
/// plus its first message under `message`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StartedChat {
    /// The chat's fields, at the top level.
    #[serde(flatten)]
    pub chat: ChatDetail,
    /// The visitor's first message (`seq` 1).
    pub message: ConversationMessage,
}

/// Body of `POST /visitor/chats/{chat_id}/messages`: the same shape and rules as
/// the agent's `POST /chats/{chat_id}/messages`.
pub type VisitorMessageRequest = SendMessageRequest;

/// Body of `POST /visitor/chats/{chat_id}/read`: everything up to `seq` has been
/// seen; absent (or an empty body) means everything so far.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MarkReadRequest {
    /// Last `seq` seen.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_util::whole_opt"
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(exclusive_maximum = 18446744073709551616.0)
    )]
    pub seq: Option<u64>,
}

fn score_1_to_5<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u8, D::Error> {
    match crate::serde_util::whole::<_, u8>(deserializer)? {
        score @ 1..=5 => Ok(score),
        _ => Err(serde::de::Error::custom("must be between 1 and 5")),
    }
}

/// Body of `POST /visitor/chats/{chat_id}/rating`: once per chat
/// ([`ErrorCode::AlreadyRated`](crate::ErrorCode::AlreadyRated)), only when
/// closed ([`ErrorCode::ChatNotClosed`](crate::ErrorCode::ChatNotClosed)).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RatingRequest {
    /// 1 (poor) to 5 (excellent).
    #[serde(deserialize_with = "score_1_to_5")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub score: u8,
    /// At most 10,000 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<FreeText>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{ChatId, MessageId};
    use serde_json::json;

    #[test]
    fn empty_session_body_is_anonymous() {
        let req: CreateSessionRequest = serde_json::from_value(json!({})).unwrap();
        assert_eq!(req, CreateSessionRequest::default());
        let req: CreateSessionRequest = serde_json::from_value(
            json!({"visitor": {"name": "Ali", "email": "Ali@Example.com", "metadata": {"plan": "pro"}}}),
        )
        .unwrap();
        assert_eq!(req.visitor.email.unwrap().as_str(), "ali@example.com");
        for bad in [
            json!({"visitor": {"email": "nope"}}),
            json!({"visitor": {"metadata": [1]}}),
            json!({"visitor": {"nickname": "A"}}),
            json!({"visitor": {"phone": "call me"}}),
        ] {
            assert!(
                serde_json::from_value::<CreateSessionRequest>(bad.clone()).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn rating_is_one_to_five() {
        for ok in [1, 5] {
            assert!(serde_json::from_value::<RatingRequest>(json!({"score": ok})).is_ok());
        }
        for bad in [
            json!({"score": 0}),
            json!({"score": 6}),
            json!({"score": 4.5}),
            json!({}),
            json!({"score": 3, "stars": 3}),
        ] {
            assert!(
                serde_json::from_value::<RatingRequest>(bad.clone()).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn started_chat_is_the_chat_plus_its_first_message() {
        let chat: ChatDetail = serde_json::from_value(json!({
            "id": "chat_1",
            "visitor": {"name": null, "email": null, "phone": null, "metadata": {}},
            "status": "active", "assigned_to": null, "tags": [], "notes": null,
            "created_at": "2026-02-11T13:15:00Z", "updated_at": "2026-02-11T13:15:00Z"
        }))
        .unwrap();
        let message = ConversationMessage {
            id: MessageId::with_suffix("1"),
            chat_id: ChatId::with_suffix("1"),
            seq: 1,
            text: "Salom".into(),
            sender: crate::chats::Sender::visitor(&VisitorId::with_suffix("1"), None),
            attachments: vec![],
            created_at: "2026-02-11T13:15:00Z".into(),
        };
        let started = StartedChat {
            chat: chat.clone(),
            message,
        };
        let v = serde_json::to_value(&started).unwrap();
        assert_eq!(v["id"], json!("chat_1"));
        assert_eq!(v["message"]["seq"], json!(1));
        assert_eq!(serde_json::from_value::<StartedChat>(v).unwrap(), started);
    }

    #[test]
    fn public_config_hides_domains_and_inactive_triggers() {
        let config: WidgetConfig = serde_json::from_value(json!({
            "color": "#4F46E5", "shape": "rounded", "position": "bottom-right",
            "button_text": "b", "welcome_message": "w", "offline_message": "o",
            "domains": ["company.uz"],
            "branding": {"show_powered_by": true, "logo_url": null}
        }))
        .unwrap();
        let trigger = |id: &str, active: bool| Trigger {
            id: TriggerId::with_suffix(id),
            name: "n".into(),
            condition: TriggerCondition::PageLoad,
            delay_seconds: 3,
            message: "m".into(),
            active,
            url_pattern: UrlPattern::any(),
            created_at: "2026-01-20T10:00:00Z".into(),
        };
        let public = PublicWidgetConfig::new(
            WorkspaceId::with_suffix("1"),
            config,
            false,
            &[trigger("on", true), trigger("off", false)],
        );
        let v = serde_json::to_value(&public).unwrap();
        assert!(v.get("domains").is_none());
        assert_eq!(v["triggers"].as_array().unwrap().len(), 1);
        assert_eq!(
            v["triggers"][0],
            json!({"id": "trigger_on", "condition": "page_load", "delay_seconds": 3,
                   "message": "m", "url_pattern": "*"})
        );
        assert_eq!(v["agents_online"], json!(false));
    }
}
