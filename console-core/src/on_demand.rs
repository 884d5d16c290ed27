//! The contract between the main console and its on-demand part (`console-lazy`): which
//! tab or chat to draw and what it needs of the session, handed over as JSON because
//! the two are separate wasm instances that share no memory.

use serde::{Deserialize, Serialize};
use shared_types::agents::AgentRole;

use crate::i18n::{words, Lang};

/// A tab drawn by `console-lazy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LazyTab {
    Keys,
    Agents,
    Widget,
    Webhooks,
    Triggers,
    Canned,
    Analytics,
    Settings,
}

impl LazyTab {
    /// The tab's name: its button and its page heading.
    pub fn title(self, lang: Lang) -> &'static str {
        let w = words(lang);
        match self {
            LazyTab::Keys => w.api_keys,
            LazyTab::Agents => w.agents,
            LazyTab::Widget => w.widget,
            LazyTab::Webhooks => w.webhooks,
            LazyTab::Triggers => w.triggers,
            LazyTab::Canned => w.canned_replies,
            LazyTab::Analytics => w.analytics,
            LazyTab::Settings => w.settings,
        }
    }

    /// The `data-testid` of its button.
    pub fn testid(self) -> &'static str {
        match self {
            LazyTab::Keys => "tab-keys",
            LazyTab::Agents => "tab-agents",
            LazyTab::Widget => "tab-widget",
            LazyTab::Webhooks => "tab-webhooks",
            LazyTab::Triggers => "tab-triggers",
            LazyTab::Canned => "tab-canned",
            LazyTab::Analytics => "tab-analytics",
            LazyTab::Settings => "tab-settings",
        }
    }
}

/// What a tab is drawn with: the signed-in agent's language, role and workspace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TabContext {
    pub tab: LazyTab,
    pub lang: Lang,
    pub role: AgentRole,
    pub workspace_id: String,
}

impl TabContext {
    /// Owners and admins manage; operators only read (the server refuses them anyway).
    pub fn manager(&self) -> bool {
        self.role != AgentRole::Operator
    }
}

/// What the open chat is drawn with: which chat, and who is answering it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChatContext {
    pub chat_id: String,
    pub lang: Lang,
    /// The signed-in agent's id and name (`{{agent.name}}` in canned replies).
    pub me: String,
    pub me_name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_context_survives_the_trip_between_the_binaries() {
        let context = TabContext {
            tab: LazyTab::Canned,
            lang: Lang::Ru,
            role: AgentRole::Operator,
            workspace_id: "ws_1".into(),
        };
        let json = serde_json::to_string(&context).unwrap();
        assert!(json.contains(r#""tab":"canned""#), "{json}");
        let back: TabContext = serde_json::from_str(&json).unwrap();
        assert_eq!(back, context);
        assert!(!back.manager());
    }
}
