//! Canned responses: `GET/POST /canned-responses`, `PATCH/DELETE
//! /canned-responses/{id}`. An agent types `/` and the shortcut in the composer; the
//! text goes in with `{{visitor.name}}`, `{{visitor.email}}` and `{{agent.name}}`
//! filled.

use serde::{Deserialize, Serialize};

use crate::validate::{MessageText, ShortText, Shortcut};

/// One canned response of the workspace.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CannedResponse {
    /// `canned_…`.
    pub id: String,
    /// Unique in the workspace.
    pub shortcut: Shortcut,
    /// What the list shows.
    pub title: ShortText,
    /// What goes into the composer, placeholders and all.
    pub text: MessageText,
    /// When it was made.
    pub created_at: String,
}

/// Body of `POST /canned-responses` (owners and admins). A taken shortcut is
/// [`ErrorCode::CannedShortcutTaken`](crate::ErrorCode::CannedShortcutTaken).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewCannedResponse {
    /// 1..=32 characters of `a-z 0-9 _ -`.
    pub shortcut: Shortcut,
    /// 1..=100 characters.
    pub title: ShortText,
    /// 1..=10,000 characters.
    pub text: MessageText,
}

/// Body of `PATCH /canned-responses/{id}`: absent fields are left unchanged.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateCannedResponse {
    /// A new shortcut, unique in the workspace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shortcut: Option<Shortcut>,
    /// A new title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<ShortText>,
    /// A new text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<MessageText>,
}

/// What the placeholders of a canned text are filled with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fill<'a> {
    /// The visitor's name, "" when unknown.
    pub visitor_name: &'a str,
    /// The visitor's email, "" when unknown.
    pub visitor_email: &'a str,
    /// The agent's name.
    pub agent_name: &'a str,
}

/// `text` with `{{visitor.name}}`, `{{visitor.email}}` and `{{agent.name}}` filled in
/// one pass (a filled value that itself reads like a placeholder stays as it is).
pub fn fill(text: &str, with: &Fill) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("{{") {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        let value = [
            ("{{visitor.name}}", with.visitor_name),
            ("{{visitor.email}}", with.visitor_email),
            ("{{agent.name}}", with.agent_name),
        ]
        .into_iter()
        .find(|(key, _)| after.starts_with(key));
        match value {
            Some((key, value)) => {
                out.push_str(value);
                rest = &after[key.len()..];
            }
            None => {
                out.push_str("{{");
                rest = &after[2..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_once_and_unknown_ones_kept() {
        let with = Fill {
            visitor_name: "{{agent.name}}",
            visitor_email: "ali@example.com",
            agent_name: "Sara",
        };
        assert_eq!(
            fill(
                "Salom {{visitor.name}}, men {{agent.name}}. {{x}} {{visitor.email}}",
                &with
            ),
            "Salom {{agent.name}}, men Sara. {{x}} ali@example.com"
        );
        assert_eq!(fill("no placeholders", &with), "no placeholders");
        assert_eq!(fill("{{", &with), "{{");
    }
}
