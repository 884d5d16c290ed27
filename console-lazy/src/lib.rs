//! The part of the console that the sign-in and the inbox's list do not need: the open
//! chat (conversation, reply box, actions, the visitor's side) and the tabs most visits
//! never open (API keys, agents, the widget's settings, webhooks, triggers, canned
//! replies, analytics, the workspace settings). A wasm of its own, so that the inbox is
//! painted without waiting for it: the main console (`console`) imports this module's
//! wasm-bindgen glue once the inbox is painted (or when a chat or one of these tabs
//! opens first), and calls [`mount_chat`] or [`mount_tab`] with a container and a
//! context from `console_core::on_demand`.
//!
//! It is a second Leptos app in its own wasm instance: it shares no signal with the
//! inbox, only the REST API, the session cookie, the page's stylesheet, and what the
//! two hand each other through [`MountedChat::hear`] and the chat's `select` callback.

mod agents;
mod analytics;
mod canned;
mod chart;
mod chat;
mod chat_view;
mod composer;
mod keys;
mod range;
mod settings;
mod triggers;
mod webhooks;
mod widget;
mod workspace_settings;

pub use console_core::{api, i18n, icons, socket};

use console_core::on_demand::{ChatContext, LazyTab, TabContext};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

/// A drawn tab; freeing it (`free()` from JavaScript) unmounts it and ends its effects.
#[wasm_bindgen]
pub struct Mounted {
    _handle: Box<dyn std::any::Any>,
}

/// Draws the tab `context` (a [`TabContext`] as JSON) names into `parent`.
#[wasm_bindgen]
pub fn mount_tab(parent: web_sys::HtmlElement, context: &str) -> Result<Mounted, JsValue> {
    let context: TabContext =
        api::decode(context).ok_or_else(|| JsValue::from_str("a tab context"))?;
    let handle = leptos::mount::mount_to(parent, move || view(context));
    Ok(Mounted {
        _handle: Box::new(handle),
    })
}

/// An open chat; `free()` closes it (its room's socket with it).
#[wasm_bindgen]
pub struct MountedChat {
    ears: chat::Ears,
    _handle: Box<dyn std::any::Any>,
}

#[wasm_bindgen]
impl MountedChat {
    /// A frame the inbox's feed heard, as it came: the chat takes the notes and
    /// messages that are about it.
    pub fn hear(&self, frame: &str) {
        let Some(frame) = api::decode(frame) else {
            return;
        };
        if let Some(ears) = self.ears.borrow().as_ref() {
            ears(frame);
        }
    }
}

/// Draws the chat `context` (a [`ChatContext`] as JSON) names into `parent`. `select`
/// is called with another chat's id, or `null` for none, when the agent asks for it.
#[wasm_bindgen]
pub fn mount_chat(
    parent: web_sys::HtmlElement,
    context: &str,
    select: js_sys::Function,
) -> Result<MountedChat, JsValue> {
    let context: ChatContext =
        api::decode(context).ok_or_else(|| JsValue::from_str("a chat context"))?;
    let ears = chat::Ears::default();
    let handle = leptos::mount::mount_to(parent, {
        let ears = ears.clone();
        move || {
            view! {
                <chat::ChatPane id=context.chat_id me=context.me me_name=context.me_name
                    lang=context.lang select=chat::Select::new(select) ears=ears />
            }
        }
    });
    Ok(MountedChat {
        ears,
        _handle: Box::new(handle),
    })
}

fn view(context: TabContext) -> AnyView {
    let lang = context.lang;
    let manager = context.manager();
    match context.tab {
        LazyTab::Keys => view! { <keys::Keys lang=lang /> }.into_any(),
        LazyTab::Agents => view! { <agents::Agents lang=lang me=context.role /> }.into_any(),
        LazyTab::Widget => view! {
            <widget::WidgetSettings workspace_id=context.workspace_id lang=lang />
        }
        .into_any(),
        LazyTab::Webhooks => view! { <webhooks::Webhooks lang=lang /> }.into_any(),
        LazyTab::Triggers => view! { <triggers::Triggers lang=lang /> }.into_any(),
        LazyTab::Canned => view! { <canned::Canned lang=lang manager=manager /> }.into_any(),
        LazyTab::Analytics => view! { <analytics::Analytics lang=lang /> }.into_any(),
        LazyTab::Settings => view! {
            <workspace_settings::WorkspaceSettings lang=lang manager=manager />
        }
        .into_any(),
    }
}
