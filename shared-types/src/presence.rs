//! Visitors on the site right now: the loader's page views and pings
//! (`POST /public/widgets/{id}/presence`), the list agents read
//! (`GET /visitors/online`), and what the workspace feed says as it changes.

use serde::{Deserialize, Serialize};

use crate::notes::NoteAuthor;
use crate::validate::{HttpUrl, MessageText};

wire_enum! {
    /// What a beat says.
    pub enum BeatKind {
        /// A page was loaded or the page's own navigation (pushState, popstate) moved.
        View = "view",
        /// Still here, on the same page (at most every 30 s).
        Ping = "ping",
    }
}

/// Body of `POST /public/widgets/{id}/presence`. With the visitor's token in
/// `Authorization`, the presence is that visitor's; without, only the browser's own
/// random `presence_id` names it.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PresenceBeat {
    /// `pv_` and 20 letters or digits, made by the loader once per browser.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::presence_id))]
    pub presence_id: String,
    /// A page view or a ping.
    pub kind: BeatKind,
    /// The page.
    pub page_url: HttpUrl,
    /// Its title, at most 300 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 300))]
    pub page_title: Option<String>,
    /// `document.referrer`, at most 2,000 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub referrer: Option<String>,
}

/// Body of `POST /visitors/{visitor_id}/invite`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InviteRequest {
    /// What the visitor is shown, as the agent's first message. Trimmed, 1..=10,000
    /// characters.
    pub text: MessageText,
}

/// An agent's invitation to a visitor on the site (201 from `POST /visitors/{id}/invite`).
/// The visitor's browser is given it at its next page view or ping (at most 30 s), shows
/// it beside the launcher, and starts the chat with it when the visitor answers.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitorInvitation {
    /// `inv_…`.
    pub id: String,
    /// As `GET /visitors/online` names the visitor.
    pub visitor_id: String,
    /// The message.
    pub text: String,
    /// The agent who sent it.
    pub author: NoteAuthor,
    /// When it was sent.
    pub created_at: String,
    /// Until when it waits for the visitor's browser; later, it is dropped unseen.
    pub expires_at: String,
}

/// What a beat's answer carries when an agent has invited this browser (200; without
/// one the answer is 204).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BeatAnswer {
    /// The invitation to show.
    pub invitation: ShownInvitation,
}

/// An invitation as the widget shows it.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShownInvitation {
    /// `inv_…`; sent back as `invitation_id` with the visitor's first message.
    pub id: String,
    /// The message.
    pub text: String,
    /// The agent's name.
    pub agent_name: String,
}

/// How long an invitation waits for the visitor's browser to ask for it.
pub const INVITATION_WAITS_MINUTES: i64 = 10;

/// How long after it was sent an invitation still starts a chat when answered.
pub const INVITATION_ANSWERABLE_HOURS: i64 = 24;

/// Whether `id` could be an invitation's id.
pub fn is_invitation_id(id: &str) -> bool {
    id.strip_prefix("inv_").is_some_and(|rest| {
        (1..=64).contains(&rest.len()) && rest.bytes().all(|b| b.is_ascii_alphanumeric())
    })
}

/// Whether `id` is a presence id the loader could have made.
pub fn is_presence_id(id: &str) -> bool {
    id.strip_prefix("pv_")
        .is_some_and(|rest| rest.len() == 20 && rest.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// One visitor on the site now, as `GET /visitors/online` lists them.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OnlineVisitor {
    /// The visitor's id once they have a session (`visitor_…`), else the browser's
    /// presence id (`pv_…`).
    pub visitor_id: String,
    /// What the visitor told the widget, if anything.
    pub name: Option<String>,
    /// Likewise.
    pub email: Option<String>,
    /// The page they are on.
    pub page_url: String,
    /// Its title.
    pub page_title: Option<String>,
    /// Where they came from.
    pub referrer: Option<String>,
    /// ISO 3166 code from Cloudflare's `CF-IPCountry`.
    pub country: Option<String>,
    /// Browser and system, "Chrome 131 on Android".
    pub device: Option<String>,
    /// When this visit began.
    pub online_since: String,
    /// Their last page view or ping.
    pub last_seen_at: String,
    /// Pages viewed in this visit.
    pub pages_this_session: u32,
    /// Whether this browser visited before.
    #[serde(deserialize_with = "crate::serde_util::bool_or_int")]
    pub returning: bool,
    /// Their open chat, if any.
    pub chat_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presence_ids_are_the_loaders_shape() {
        assert!(is_presence_id("pv_abcdefghij0123456789"));
        assert!(!is_presence_id("pv_short"));
        assert!(!is_presence_id("visitor_abcdefghij0123456789"));
        assert!(!is_presence_id("pv_abcdefghij012345678!"));
    }

    #[test]
    fn invitation_ids_are_inv_and_letters_or_digits() {
        assert!(is_invitation_id("inv_abc123"));
        assert!(!is_invitation_id("inv_"));
        assert!(!is_invitation_id("inv_a-b"));
        assert!(!is_invitation_id("note_abc"));
        assert!(!is_invitation_id(&format!("inv_{}", "a".repeat(65))));
    }

    #[test]
    fn an_invitation_request_is_a_trimmed_text_and_nothing_else() {
        let r: InviteRequest =
            serde_json::from_value(serde_json::json!({"text": "  Salom!  "})).unwrap();
        assert_eq!(r.text.as_str(), "Salom!");
        for bad in [
            serde_json::json!({"text": ""}),
            serde_json::json!({"text": "   "}),
            serde_json::json!({}),
            serde_json::json!({"text": "hi", "extra": 1}),
        ] {
            assert!(
                serde_json::from_value::<InviteRequest>(bad.clone()).is_err(),
                "{bad}"
            );
        }
    }
}
