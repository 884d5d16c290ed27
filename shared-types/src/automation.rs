//! Automation triggers: `GET/POST /automation/triggers` (and `PATCH`/`DELETE
//! /automation/triggers/{id}`). A trigger shows a proactive message in the widget
//! when its condition holds on a page its `url_pattern` matches.

use serde::{Deserialize, Deserializer, Serialize};

use crate::ids::TriggerId;
use crate::validate::{MessageText, ShortText, UrlPattern};
use crate::Timestamp;

wire_enum! {
    /// When the widget evaluates a trigger.
    pub enum TriggerCondition {
        /// `delay_seconds` after the page loads.
        PageLoad = "page_load",
        /// When the pointer leaves the page towards the browser chrome.
        ExitIntent = "exit_intent",
        /// After `delay_seconds` of the page being visible.
        TimeOnPage = "time_on_page",
        /// When the visitor has scrolled past half the page.
        ScrollDepth = "scroll_depth",
    }
}

/// The longest `delay_seconds` accepted: one hour. A longer wait would never
/// fire for a real visit.
pub const MAX_DELAY_SECONDS: u32 = 3600;

fn delay_seconds<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    let secs: u32 = crate::serde_util::whole(deserializer)?;
    if secs > MAX_DELAY_SECONDS {
        return Err(serde::de::Error::custom(format!(
            "must be between 0 and {MAX_DELAY_SECONDS}"
        )));
    }
    Ok(secs)
}

fn delay_seconds_opt<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u32>, D::Error> {
    delay_seconds(deserializer).map(Some)
}

fn yes() -> bool {
    true
}

/// One trigger, as in `GET /automation/triggers` and the answer to
/// `POST /automation/triggers` (201) and `PATCH`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Trigger {
    /// The trigger.
    pub id: TriggerId,
    /// Label for operators.
    pub name: String,
    /// When it fires.
    pub condition: TriggerCondition,
    /// Seconds to wait once the condition holds, 0..=3600.
    pub delay_seconds: u32,
    /// The message the widget shows.
    pub message: String,
    /// Inactive triggers never fire.
    pub active: bool,
    /// Pages it applies to.
    pub url_pattern: UrlPattern,
    /// When it was created.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
}

/// Body of `POST /automation/triggers`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateTrigger {
    /// 1..=100 characters.
    pub name: ShortText,
    /// When it fires.
    pub condition: TriggerCondition,
    /// 0..=3600; default 0.
    #[serde(default, deserialize_with = "delay_seconds")]
    #[cfg_attr(feature = "openapi", schema(maximum = 3600))]
    pub delay_seconds: u32,
    /// 1..=10,000 characters.
    pub message: MessageText,
    /// Default `*` (every page).
    #[serde(default)]
    pub url_pattern: UrlPattern,
    /// Default `true`.
    #[serde(default = "yes")]
    pub active: bool,
}

/// Body of `PATCH /automation/triggers/{trigger_id}`: absent fields are left
/// unchanged; `null` is refused.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateTrigger {
    /// New label.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_util::present"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub name: Option<ShortText>,
    /// New condition.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_util::present"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub condition: Option<TriggerCondition>,
    /// New delay, 0..=3600.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "delay_seconds_opt"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    #[cfg_attr(feature = "openapi", schema(maximum = 3600))]
    pub delay_seconds: Option<u32>,
    /// New message.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_util::present"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub message: Option<MessageText>,
    /// New page pattern.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_util::present"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub url_pattern: Option<UrlPattern>,
    /// Enable or disable.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_util::present"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub active: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn create_trigger_defaults() {
        let t: CreateTrigger = serde_json::from_value(json!({
            "name": "Welcome", "condition": "page_load", "message": "Salom!"
        }))
        .unwrap();
        assert_eq!(t.delay_seconds, 0);
        assert_eq!(t.url_pattern.as_str(), "*");
        assert!(t.active);
    }

    #[test]
    fn create_trigger_refuses_bad_values() {
        let base = json!({"name": "W", "condition": "page_load", "message": "m"});
        for (field, value) in [
            ("condition", json!("on_click")),
            ("delay_seconds", json!(3601)),
            ("delay_seconds", json!(-1)),
            ("url_pattern", json!("pricing")),
            ("message", json!("")),
            ("priority", json!(1)),
        ] {
            let mut body = base.clone();
            body[field] = value;
            assert!(
                serde_json::from_value::<CreateTrigger>(body.clone()).is_err(),
                "{body}"
            );
        }
    }

    #[test]
    fn update_trigger_is_partial_and_bounded() {
        let u: UpdateTrigger = serde_json::from_value(json!({"delay_seconds": 10})).unwrap();
        assert_eq!(u.delay_seconds, Some(10));
        assert_eq!(
            serde_json::to_value(&u).unwrap(),
            json!({"delay_seconds": 10})
        );
        assert!(serde_json::from_value::<UpdateTrigger>(json!({"delay_seconds": 4000})).is_err());
        for field in [
            "name",
            "condition",
            "delay_seconds",
            "message",
            "url_pattern",
            "active",
        ] {
            let body = json!({ field: null });
            assert!(
                serde_json::from_value::<UpdateTrigger>(body.clone()).is_err(),
                "{body}"
            );
        }
    }
}
