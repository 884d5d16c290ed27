//! Agents: `GET /agents`, `GET /agents/{id}/stats`, and (DESIGN.md)
//! `POST /agents`, `PATCH /agents/{id}`.

use serde::{Deserialize, Serialize};

use crate::analytics::Period;
use crate::ids::AgentId;
use crate::validate::{Email, ShortText};

wire_enum! {
    /// What an agent may do. Owners and admins manage the workspace (agents, keys,
    /// webhooks, widget, triggers); operators answer chats. A workspace always
    /// keeps at least one owner. Defaults to `operator`: a new agent gets the
    /// least privilege unless told otherwise.
    #[derive(Default)]
    pub enum AgentRole {
        /// Full control, including other owners.
        Owner = "owner",
        /// Manages the workspace, but not owners.
        Admin = "admin",
        /// Answers chats.
        #[default]
        Operator = "operator",
    }
}

wire_enum! {
    /// An agent's availability, shown to visitors as "online" when any agent is.
    pub enum AgentStatus {
        /// Available for chats.
        Online = "online",
        /// Signed in but not taking chats right now.
        Away = "away",
        /// Not available.
        Offline = "offline",
    }
}

wire_enum! {
    /// When an agent is emailed about a visitor nobody answered in time.
    #[derive(Default)]
    pub enum EmailNotifications {
        /// Only while the agent has no open console socket.
        #[default]
        Offline = "offline",
        /// Whether or not the agent is online.
        Always = "always",
        /// Never.
        Off = "off",
    }
}

/// One row of `GET /agents`; also the `agent` of workspace provisioning.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Agent {
    /// The agent.
    pub id: AgentId,
    /// Display name.
    pub name: String,
    /// Sign-in email (lower-cased), unique within the workspace.
    pub email: String,
    /// Permissions.
    pub role: AgentRole,
    /// Availability.
    pub status: AgentStatus,
    /// Chats currently assigned to the agent and not closed.
    pub active_chats: u32,
    /// Chats ever assigned to the agent.
    pub total_chats: u64,
    /// When the agent is emailed about unanswered visitors.
    #[serde(default)]
    pub email_notifications: EmailNotifications,
}

/// Body of `POST /agents` (owner or admin; only an owner may create an owner).
/// A taken email is [`ErrorCode::AgentEmailTaken`](crate::ErrorCode::AgentEmailTaken).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateAgentRequest {
    /// 1..=100 characters.
    pub name: ShortText,
    /// A valid email; lower-cased.
    pub email: Email,
    /// Default `operator`.
    #[serde(default)]
    pub role: AgentRole,
}

/// Body of `PATCH /agents/{agent_id}`: absent fields are left unchanged; `null`
/// is refused.
/// Demoting the last owner is [`ErrorCode::LastOwner`](crate::ErrorCode::LastOwner).
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateAgentRequest {
    /// New display name.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_util::present"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub name: Option<ShortText>,
    /// New role.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_util::present"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub role: Option<AgentRole>,
    /// New availability.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_util::present"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub status: Option<AgentStatus>,
    /// When the agent is emailed about unanswered visitors.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_util::present"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub email_notifications: Option<EmailNotifications>,
}

/// `GET /agents/{agent_id}/stats?from=&to=`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgentStats {
    /// The agent.
    pub agent_id: AgentId,
    /// The inclusive date range the figures cover.
    pub period: Period,
    /// The figures.
    pub stats: AgentStatsFigures,
}

/// The `stats` of [`AgentStats`]. Averages and the score are `null` when the
/// period has nothing to average (see DESIGN.md, "Definitions of the metrics").
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgentStatsFigures {
    /// Chats assigned to the agent that were created in the period.
    pub total_chats: u64,
    /// Of those, how many are closed.
    pub resolved_chats: u64,
    /// Mean first-reply time in whole seconds (rounded), `null` without replies.
    pub avg_response_time_seconds: Option<u64>,
    /// Mean `closed_at - created_at` in whole minutes (rounded), `null` without
    /// closed chats.
    pub avg_resolution_time_minutes: Option<u64>,
    /// Mean 1–5 rating, one decimal place; `null` without ratings.
    pub csat_score: Option<f64>,
    /// Number of ratings behind `csat_score`.
    pub csat_responses: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn create_agent_defaults_to_operator_and_validates() {
        let req: CreateAgentRequest =
            serde_json::from_value(json!({"name": "Sara", "email": "Sara@Company.uz"})).unwrap();
        assert_eq!(req.role, AgentRole::Operator);
        assert_eq!(req.email.as_str(), "sara@company.uz");
        for bad in [
            json!({"name": "Sara"}),
            json!({"name": "", "email": "s@c.uz"}),
            json!({"name": "Sara", "email": "nope"}),
            json!({"name": "Sara", "email": "s@c.uz", "role": "superuser"}),
            json!({"name": "Sara", "email": "s@c.uz", "password": "x"}),
        ] {
            assert!(
                serde_json::from_value::<CreateAgentRequest>(bad.clone()).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn update_agent_is_partial() {
        let req: UpdateAgentRequest = serde_json::from_value(json!({"status": "away"})).unwrap();
        assert_eq!(req.status, Some(AgentStatus::Away));
        assert_eq!(req.name, None);
        assert!(serde_json::from_value::<UpdateAgentRequest>(json!({"status": "busy"})).is_err());
        assert!(serde_json::from_value::<UpdateAgentRequest>(json!({"name": null})).is_err());
        assert_eq!(AgentRole::ALL.len(), 3);
        assert_eq!(AgentStatus::SPELLINGS, &["online", "away", "offline"]);
    }

    #[test]
    fn stats_without_data_serialise_nulls() {
        let figures = AgentStatsFigures {
            total_chats: 0,
            resolved_chats: 0,
            avg_response_time_seconds: None,
            avg_resolution_time_minutes: None,
            csat_score: None,
            csat_responses: 0,
        };
        assert_eq!(
            serde_json::to_value(figures).unwrap(),
            json!({
                "total_chats": 0, "resolved_chats": 0,
                "avg_response_time_seconds": null, "avg_resolution_time_minutes": null,
                "csat_score": null, "csat_responses": 0
            })
        );
    }
}
