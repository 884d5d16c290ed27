//! Provisioning and API keys (DESIGN.md, "Beyond the spec"):
//! `POST /admin/workspaces` (admin token), `GET/POST /api-keys`,
//! `DELETE /api-keys/{id}`; plus the `Authorization: Bearer` and `cf_live_` key
//! formats every authenticated request is read with.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::agents::Agent;
use crate::error::ErrorCode;
use crate::ids::{AgentId, ApiKeyId, WorkspaceId};
use crate::validate::{Email, ShortText};
use crate::Timestamp;

/// Body of `POST /admin/workspaces`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateWorkspaceRequest {
    /// The workspace's name, 1..=100 characters.
    pub name: ShortText,
    /// The first agent, created with role `owner`.
    pub owner: NewOwner,
}

/// The `owner` of [`CreateWorkspaceRequest`].
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewOwner {
    /// 1..=100 characters.
    pub name: ShortText,
    /// A valid email; lower-cased.
    pub email: Email,
    /// The owner's console password; without it the owner signs in only after an
    /// invitation (or uses the API key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<crate::auth::Password>,
}

/// A workspace (one customer account).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Workspace {
    /// The workspace.
    pub id: WorkspaceId,
    /// Its name.
    pub name: String,
    /// When it was provisioned.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
}

/// Answer to `POST /admin/workspaces` (201). `api_key` is shown only here: only
/// its SHA-256 is stored.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateWorkspaceResponse {
    /// The new workspace.
    pub workspace: Workspace,
    /// Its owner, as in `GET /agents`.
    pub agent: Agent,
    /// A `cf_live_…` key for the owner.
    pub api_key: String,
}

/// One row of `GET /api-keys`. Never contains the key itself.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiKey {
    /// The key's id (for `DELETE /api-keys/{id}`).
    pub id: ApiKeyId,
    /// Label given at creation.
    pub name: String,
    /// The key's first [`API_KEY_DISPLAY_PREFIX_LEN`] characters, to recognise it.
    pub prefix: String,
    /// When it was created.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
    /// When it last authenticated a request, `null` if never.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub last_used_at: Option<Timestamp>,
}

/// Body of `POST /api-keys`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateApiKeyRequest {
    /// A label, 1..=100 characters.
    pub name: ShortText,
    /// The agent the key acts as (owners and admins may make keys for any agent of the
    /// workspace, e.g. a bot account); the caller when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<AgentId>,
}

/// Answer to `POST /api-keys` (201). `key` is shown only here.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedApiKey {
    /// The key's id.
    pub id: ApiKeyId,
    /// Its label.
    pub name: String,
    /// Its first [`API_KEY_DISPLAY_PREFIX_LEN`] characters.
    pub prefix: String,
    /// The whole `cf_live_…` key.
    pub key: String,
    /// When it was created.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
}

/// Every API key starts with this.
pub const API_KEY_PREFIX: &str = "cf_live_";

/// How many leading characters of a key are stored and shown as its `prefix`
/// (`cf_live_` plus four).
pub const API_KEY_DISPLAY_PREFIX_LEN: usize = 12;

/// The token of an `Authorization: Bearer <token>` header value: `None` (no
/// header) is [`ErrorCode::AuthMissing`]; anything but `Bearer` (any case)
/// followed by one space and a non-empty token without spaces is
/// [`ErrorCode::AuthMalformed`].
pub fn bearer_token(header: Option<&str>) -> Result<&str, ErrorCode> {
    let header = header.ok_or(ErrorCode::AuthMissing)?;
    let (scheme, token) = header
        .trim()
        .split_once(' ')
        .ok_or(ErrorCode::AuthMalformed)?;
    if !scheme.eq_ignore_ascii_case("bearer")
        || token.is_empty()
        || token.contains(char::is_whitespace)
    {
        return Err(ErrorCode::AuthMalformed);
    }
    Ok(token)
}

/// A syntactically valid API key: `cf_live_` then 16..=128 of
/// `[A-Za-z0-9_-]`. Anything else is [`ErrorCode::AuthMalformed`] before any
/// lookup. `Debug` does not print the key.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKeySecret(String);

impl ApiKeySecret {
    /// Checks the format above.
    pub fn parse(token: &str) -> Result<Self, ErrorCode> {
        let random = token
            .strip_prefix(API_KEY_PREFIX)
            .ok_or(ErrorCode::AuthMalformed)?;
        let ok = (16..=128).contains(&random.len())
            && random
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !ok {
            return Err(ErrorCode::AuthMalformed);
        }
        Ok(ApiKeySecret(token.to_owned()))
    }

    /// The whole key, for hashing.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The stored and displayed `prefix` (the first
    /// [`API_KEY_DISPLAY_PREFIX_LEN`] characters; all ASCII).
    pub fn display_prefix(&self) -> &str {
        &self.0[..API_KEY_DISPLAY_PREFIX_LEN]
    }
}

impl fmt::Debug for ApiKeySecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKeySecret({}…)", self.display_prefix())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bearer_header_parsing() {
        assert_eq!(bearer_token(None), Err(ErrorCode::AuthMissing));
        assert_eq!(bearer_token(Some("Bearer abc")), Ok("abc"));
        assert_eq!(bearer_token(Some("bearer abc")), Ok("abc"));
        for bad in [
            "",
            "Bearer",
            "Bearer ",
            "Basic abc",
            "Bearer a b",
            "Bearerabc",
            "Token abc",
        ] {
            assert_eq!(
                bearer_token(Some(bad)),
                Err(ErrorCode::AuthMalformed),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn api_key_format() {
        let key = ApiKeySecret::parse("cf_live_0123456789abcdef").unwrap();
        assert_eq!(key.display_prefix(), "cf_live_0123");
        assert!(!format!("{key:?}").contains("456789abcdef"));
        for bad in [
            "",
            "cf_live_",
            "cf_live_short",
            "cf_test_0123456789abcdef",
            "visitor.token.here.0123456",
            "cf_live_0123456789abcdef!",
        ] {
            assert_eq!(
                ApiKeySecret::parse(bad),
                Err(ErrorCode::AuthMalformed),
                "{bad:?}"
            );
        }
        assert!(ApiKeySecret::parse(&format!("cf_live_{}", "a".repeat(129))).is_err());
    }

    #[test]
    fn provisioning_body_is_strict_and_nested_strict() {
        let ok = json!({"name": "Acme", "owner": {"name": "Sara", "email": "sara@acme.uz"}});
        assert!(serde_json::from_value::<CreateWorkspaceRequest>(ok).is_ok());
        for bad in [
            json!({"name": "Acme"}),
            json!({"name": "Acme", "owner": {"name": "Sara"}}),
            json!({"name": "Acme", "owner": {"name": "Sara", "email": "sara@acme.uz", "role": "admin"}}),
            json!({"name": " ", "owner": {"name": "Sara", "email": "sara@acme.uz"}}),
        ] {
            assert!(
                serde_json::from_value::<CreateWorkspaceRequest>(bad.clone()).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn api_key_rows_always_show_last_used_at() {
        let row = ApiKey {
            id: ApiKeyId::with_suffix("1"),
            name: "CI".into(),
            prefix: "cf_live_0123".into(),
            created_at: "2026-02-11T14:30:00Z".into(),
            last_used_at: None,
        };
        assert_eq!(
            serde_json::to_value(row).unwrap()["last_used_at"],
            json!(null)
        );
    }
}
