//! Console sign-in (ours, not the spec's; see README "Console"): `POST /auth/login`,
//! `POST /auth/logout`, `GET /auth/me`, `POST /auth/accept-invite`, and the invitation
//! `POST /agents` hands back. A signed-in agent is sent an HttpOnly session cookie
//! ([`SESSION_COOKIE`]) that every REST endpoint accepts in place of an API key.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::admin::Workspace;
use crate::agents::Agent;
use crate::ids::WorkspaceId;
use crate::validate::{Email, ShortText, ValueError};
use crate::Timestamp;

/// The session cookie's name. The `__Host-` prefix makes browsers accept it only with
/// `Secure`, `Path=/` and no `Domain`, so no subdomain or plain-http page can plant or
/// overwrite it.
pub const SESSION_COOKIE: &str = "__Host-cf_session";

/// The header the console sends on every request it makes with the session cookie.
/// A cookie-authenticated request that changes something must carry it (or an
/// `Origin` equal to the service's own), so another site cannot make a signed-in
/// browser act for it (CSRF); cross-site pages cannot set custom headers without CORS.
pub const CONSOLE_HEADER: &str = "x-chatflow-console";

/// A new password: 8..=128 characters, kept exactly as typed (no trimming: spaces
/// are characters). `Debug` never prints it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// The fewest characters accepted.
    pub const MIN_CHARS: usize = 8;
    /// The most characters accepted.
    pub const MAX_CHARS: usize = 128;

    /// Checks the length rule above.
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        let n = input.chars().count();
        if n < Self::MIN_CHARS {
            return Err(ValueError::new("must be at least 8 characters"));
        }
        if n > Self::MAX_CHARS {
            return Err(ValueError::new("must be at most 128 characters"));
        }
        Ok(Password(input.to_owned()))
    }

    /// The password itself, for hashing.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(…)")
    }
}

string_serde!(
    Password,
    ValueError,
    "a password of 8 to 128 characters",
    schema = crate::openapi::password()
);

/// Body of `POST /auth/login`. A wrong email or password is AUTH-001 whichever was
/// wrong; repeated failures for one email or from one address are RATE-001.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The agent's email (any case).
    pub email: Email,
    /// As typed. Not length-checked here: a password that could never have been set
    /// is simply wrong (AUTH-001), and says nothing about the rules.
    pub password: String,
    /// Which workspace, when the same email is an agent of several; without it the
    /// oldest workspace whose agent has this password is chosen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<WorkspaceId>,
}

/// Answer to `POST /auth/login`, `POST /auth/accept-invite` and `GET /auth/me`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    /// The signed-in agent, as in `GET /agents`.
    pub agent: Agent,
    /// Its workspace.
    pub workspace: Workspace,
}

/// An invitation to set a password and sign in, shown once: only the token's
/// SHA-256 is stored. Valid for [`INVITATION_TTL_HOURS`], one use.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Invitation {
    /// The secret (`inv_…`), for `POST /auth/accept-invite`.
    pub token: String,
    /// The console page that accepts it: `<origin>/console/#invite=<token>`.
    pub url: String,
    /// When it stops working.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub expires_at: Timestamp,
}

/// One row of `GET /agents/invitations` (owner or admin): an agent who has not set a
/// password yet, and when its newest invitation stops working. `POST
/// /agents/{agent_id}/invitation` replaces that invitation with a new [`Invitation`].
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PendingInvitation {
    /// The invited agent.
    pub agent_id: crate::ids::AgentId,
    /// When its newest invitation expires; `null` if it has none left.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub expires_at: Option<Timestamp>,
}

/// How long an invitation is valid, in hours.
pub const INVITATION_TTL_HOURS: i64 = 72;

/// Answer to `POST /agents` (201): the agent, as in `GET /agents`, plus its invitation.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedAgent {
    /// The new agent.
    #[serde(flatten)]
    pub agent: Agent,
    /// How the agent gets a password.
    pub invitation: Invitation,
}

/// Body of `POST /auth/accept-invite`. A bad, expired or used token is AUTH-013.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AcceptInviteRequest {
    /// The invitation's token.
    pub token: String,
    /// The password to set.
    pub password: Password,
    /// A new display name, if the agent wants another than the inviter typed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<ShortText>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn passwords_are_bounded_kept_verbatim_and_never_printed() {
        assert!(Password::parse("short").is_err());
        assert!(Password::parse(&"x".repeat(129)).is_err());
        let p = Password::parse("  spaced out  ").unwrap();
        assert_eq!(p.as_str(), "  spaced out  ");
        assert!(!format!("{p:?}").contains("spaced"));
        assert!(
            Password::parse("ёжик-пароль").is_ok(),
            "counted in characters, not bytes"
        );
    }

    #[test]
    fn login_body_is_strict() {
        let ok = json!({"email": "Sara@Acme.uz", "password": "x"});
        let req: LoginRequest = serde_json::from_value(ok).unwrap();
        assert_eq!(req.email.as_str(), "sara@acme.uz");
        assert!(serde_json::from_value::<LoginRequest>(json!({"email": "sara@acme.uz"})).is_err());
        assert!(serde_json::from_value::<LoginRequest>(
            json!({"email": "sara@acme.uz", "password": "x", "remember": true})
        )
        .is_err());
    }
}
