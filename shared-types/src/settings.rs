//! The workspace's settings, `GET/PATCH /settings`, section by section: mail, how chats
//! are given to agents, the business hours, and the typing preview.

use serde::{Deserialize, Serialize};

use crate::email::{EmailSettings, UpdateEmailSettings};

wire_enum! {
    /// Who gets a new chat.
    #[derive(Default)]
    pub enum AssignmentMode {
        /// Nobody until an agent takes it (the default).
        #[default]
        Manual = "manual",
        /// The online agents with room, in turn.
        RoundRobin = "round_robin",
        /// The online agent with room and the fewest active chats; ties in turn.
        LeastBusy = "least_busy",
    }
}

/// The `assignment` section.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assignment {
    /// How new and reopened chats are given out.
    pub mode: AssignmentMode,
    /// The most active chats an agent is given automatically, 1..=100; null for no cap.
    pub max_active_per_agent: Option<u32>,
}

/// One opening of a day, local `HH:MM` times, `open` before `close`; `"24:00"` closes
/// at the end of the day.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Opening {
    /// Opens, `HH:MM` local.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::opening_open))]
    pub open: String,
    /// Closes, `HH:MM` local, after `open`; `24:00` at midnight.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::opening_close))]
    pub close: String,
}

impl Opening {
    fn new(open: &str, close: &str) -> Opening {
        Opening {
            open: open.to_string(),
            close: close.to_string(),
        }
    }
}

/// The openings of each day of the week.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Weekly {
    /// Monday.
    pub mon: Vec<Opening>,
    /// Tuesday.
    pub tue: Vec<Opening>,
    /// Wednesday.
    pub wed: Vec<Opening>,
    /// Thursday.
    pub thu: Vec<Opening>,
    /// Friday.
    pub fri: Vec<Opening>,
    /// Saturday.
    pub sat: Vec<Opening>,
    /// Sunday.
    pub sun: Vec<Opening>,
}

impl Weekly {
    /// The days Monday first, with their names as the API spells them.
    pub fn days(&self) -> [(&'static str, &Vec<Opening>); 7] {
        [
            ("mon", &self.mon),
            ("tue", &self.tue),
            ("wed", &self.wed),
            ("thu", &self.thu),
            ("fri", &self.fri),
            ("sat", &self.sat),
            ("sun", &self.sun),
        ]
    }
}

/// The `business_hours` section.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BusinessHours {
    /// Off (the default): the widget is open whenever an agent is online.
    pub enabled: bool,
    /// An IANA zone, such as `Asia/Tashkent`, whose clock the openings follow.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::validate::TimeZoneName))]
    pub timezone: String,
    /// The openings of each weekday.
    pub weekly: Weekly,
    /// Closed days, `YYYY-MM-DD` in the zone.
    pub holidays: Vec<String>,
}

impl Default for BusinessHours {
    /// Off; when switched on, Monday to Friday 09:00–18:00 in Tashkent.
    fn default() -> Self {
        let day = || vec![Opening::new("09:00", "18:00")];
        BusinessHours {
            enabled: false,
            timezone: "Asia/Tashkent".to_string(),
            weekly: Weekly {
                mon: day(),
                tue: day(),
                wed: day(),
                thu: day(),
                fri: day(),
                sat: Vec::new(),
                sun: Vec::new(),
            },
            holidays: Vec::new(),
        }
    }
}

/// `GET /settings`.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Settings {
    /// Mail.
    pub email: EmailSettings,
    /// Automatic assignment.
    #[serde(default)]
    pub assignment: Assignment,
    /// When the widget is open.
    #[serde(default)]
    pub business_hours: BusinessHours,
    /// Whether agents see what the visitor is typing before it is sent.
    #[serde(default)]
    pub typing_preview: bool,
}

/// The `assignment` of `PATCH /settings`: absent fields stay.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateAssignment {
    /// The new mode.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_util::present"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub mode: Option<AssignmentMode>,
    /// `null` removes the cap.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::serde_util::nullable_whole"
    )]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100))]
    pub max_active_per_agent: Option<Option<u32>>,
}

/// The `business_hours` of `PATCH /settings`: absent fields stay, a day sent replaces
/// that day's openings, `holidays` replaces the list.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateBusinessHours {
    /// Whether the hours apply.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_util::present"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub enabled: Option<bool>,
    /// An IANA zone, checked against the platform's zone database.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_util::present"
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = Option<crate::validate::TimeZoneName>, nullable = false)
    )]
    pub timezone: Option<String>,
    /// The openings of each weekday.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_util::present"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub weekly: Option<UpdateWeekly>,
    /// Closed days, `YYYY-MM-DD`; replaces the list.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_util::present"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::holidays))]
    pub holidays: Option<Vec<String>>,
}

/// The days of [`UpdateBusinessHours::weekly`] that are sent.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateWeekly {
    /// Monday.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_items = 6))]
    pub mon: Option<Vec<Opening>>,
    /// Tuesday.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_items = 6))]
    pub tue: Option<Vec<Opening>>,
    /// Wednesday.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_items = 6))]
    pub wed: Option<Vec<Opening>>,
    /// Thursday.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_items = 6))]
    pub thu: Option<Vec<Opening>>,
    /// Friday.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_items = 6))]
    pub fri: Option<Vec<Opening>>,
    /// Saturday.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_items = 6))]
    pub sat: Option<Vec<Opening>>,
    /// Sunday.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_items = 6))]
    pub sun: Option<Vec<Opening>>,
}

impl UpdateWeekly {
    /// Puts the days sent into `weekly`.
    pub fn apply(self, weekly: &mut Weekly) {
        let pairs = [
            (self.mon, &mut weekly.mon),
            (self.tue, &mut weekly.tue),
            (self.wed, &mut weekly.wed),
            (self.thu, &mut weekly.thu),
            (self.fri, &mut weekly.fri),
            (self.sat, &mut weekly.sat),
            (self.sun, &mut weekly.sun),
        ];
        for (sent, day) in pairs {
            if let Some(sent) = sent {
                *day = sent;
            }
        }
    }
}

/// Body of `PATCH /settings`.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateSettings {
    /// Mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<UpdateEmailSettings>,
    /// Automatic assignment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignment: Option<UpdateAssignment>,
    /// Business hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_hours: Option<UpdateBusinessHours>,
    /// The typing preview.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_util::present"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub typing_preview: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_patch_names_only_what_changes() {
        let patch: UpdateSettings = serde_json::from_value(json!({
            "assignment": {"mode": "least_busy", "max_active_per_agent": null},
            "business_hours": {"weekly": {"sat": [{"open": "10:00", "close": "14:00"}]}},
            "typing_preview": true
        }))
        .unwrap();
        let assignment = patch.assignment.unwrap();
        assert_eq!(assignment.mode, Some(AssignmentMode::LeastBusy));
        assert_eq!(assignment.max_active_per_agent, Some(None));
        let mut weekly = BusinessHours::default().weekly;
        patch
            .business_hours
            .unwrap()
            .weekly
            .unwrap()
            .apply(&mut weekly);
        assert_eq!(weekly.sat, vec![Opening::new("10:00", "14:00")]);
        assert_eq!(weekly.mon, vec![Opening::new("09:00", "18:00")]);
        for bad in [
            json!({"assignment": {"mode": "random"}}),
            json!({"assignment": {"mode": null}}),
            json!({"business_hours": {"weekly": {"monday": []}}}),
            json!({"business_hours": {"enabled": null}}),
            json!({"typing_preview": "yes"}),
            json!({"typing_preview": null}),
            json!({"routing": {}}),
        ] {
            assert!(
                serde_json::from_value::<UpdateSettings>(bad.clone()).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn settings_stored_before_these_sections_read_with_their_defaults() {
        let old: Settings =
            serde_json::from_value(json!({"email": {"from_name": null, "reply_domain": null}}))
                .unwrap();
        assert_eq!(old.assignment.mode, AssignmentMode::Manual);
        assert!(!old.business_hours.enabled);
        assert!(!old.typing_preview);
    }
}
