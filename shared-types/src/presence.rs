//! Visitors on the site right now: the loader's page views and pings
//! (`POST /public/widgets/{id}/presence`), the list agents read
//! (`GET /visitors/online`), and what the workspace feed says as it changes.

use serde::{Deserialize, Serialize};

use crate::validate::HttpUrl;

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
}
