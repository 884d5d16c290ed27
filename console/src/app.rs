//! The frame of the console: who is signed in (asked of `GET /v1/auth/me` on load), the
//! sign-in and invitation forms, and the signed-in shell with its tabs.

use leptos::html::Input;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::json;
use shared_types::agents::AgentRole;
use shared_types::auth::SessionInfo;

use console_core::on_demand::{LazyTab, TabContext};

use crate::api;
use crate::i18n::{words, Lang};
use crate::inbox::Inbox;
use crate::on_demand::OnDemandTab;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Inbox,
    Visitors,
    /// Drawn by the on-demand binary (`console-lazy`).
    Lazy(LazyTab),
}

#[component]
pub fn App() -> impl IntoView {
    let lang = Lang::from_browser();
    let session = RwSignal::new(None::<SessionInfo>);
    let checked = RwSignal::new(false);
    spawn_local(async move {
        if let Ok(info) = api::call::<SessionInfo>("GET", "/v1/auth/me", None).await {
            session.set(Some(info));
        }
        checked.set(true);
    });
    let invite = invite_token();
    move || {
        if !checked.get() {
            view! { <p class="loading" aria-busy="true">"…"</p> }.into_any()
        } else if let Some(info) = session.get() {
            view! { <Shell info=info lang=lang /> }.into_any()
        } else if let Some(token) = invite.clone() {
            view! { <AcceptInvite token=token lang=lang session=session /> }.into_any()
        } else {
            view! { <SignIn lang=lang session=session /> }.into_any()
        }
    }
}

/// Scrolls a focused tab fully into the strip: on a phone the strip scrolls sideways,
/// and Chromium leaves a tab reached by keyboard half outside it.
fn reveal(ev: leptos::ev::FocusEvent) {
    use wasm_bindgen::JsCast;
    let Some(tab) = ev.target() else { return };
    let options = js_sys::Object::new();
    for key in ["block", "inline"] {
        let _ = js_sys::Reflect::set(&options, &key.into(), &"nearest".into());
    }
    if let Ok(scroll) = js_sys::Reflect::get(&tab, &"scrollIntoView".into()) {
        if let Some(scroll) = scroll.dyn_ref::<js_sys::Function>() {
            let _ = scroll.call1(&tab, &options);
        }
    }
}

/// The token of an invitation link (`/console/#invite=…`).
fn invite_token() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    hash.strip_prefix("#invite=")
        .filter(|t| !t.is_empty())
        .map(String::from)
}

#[component]
fn SignIn(lang: Lang, session: RwSignal<Option<SessionInfo>>) -> impl IntoView {
    let w = words(lang);
    let email = NodeRef::<Input>::new();
    let password = NodeRef::<Input>::new();
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(e), Some(p)) = (email.get_untracked(), password.get_untracked()) else {
            return;
        };
        busy.set(true);
        crate::alert::ask_permission();
        spawn_local(async move {
            let body = json!({"email": e.value(), "password": p.value()});
            match api::call::<SessionInfo>("POST", "/v1/auth/login", Some(&body)).await {
                Ok(info) => session.set(Some(info)),
                Err(f) => {
                    error.set(Some(f.text(lang, w)));
                    p.set_value("");
                    let _ = p.focus();
                }
            }
            busy.set(false);
        });
    };
    view! {
        <main class="auth">
            <form class="card" on:submit=submit>
                <h1>"ChatFlow"</h1>
                <label>{w.email}
                    <input node_ref=email type="email" autocomplete="username" required
                        data-testid="signin-email" />
                </label>
                <label>{w.password}
                    <input node_ref=password type="password" autocomplete="current-password" required
                        data-testid="signin-password" />
                </label>
                <p class="error" role="alert" data-testid="signin-error">
                    {move || error.get().unwrap_or_default()}
                </p>
                <button type="submit" data-testid="signin-submit" disabled=move || busy.get()>
                    {w.sign_in}
                </button>
            </form>
        </main>
    }
}

#[component]
fn AcceptInvite(
    token: String,
    lang: Lang,
    session: RwSignal<Option<SessionInfo>>,
) -> impl IntoView {
    let w = words(lang);
    let name = NodeRef::<Input>::new();
    let password = NodeRef::<Input>::new();
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(n), Some(p)) = (name.get_untracked(), password.get_untracked()) else {
            return;
        };
        let mut body = json!({"token": token.clone(), "password": p.value()});
        if !n.value().trim().is_empty() {
            body["name"] = json!(n.value());
        }
        spawn_local(async move {
            match api::call::<SessionInfo>("POST", "/v1/auth/accept-invite", Some(&body)).await {
                Ok(info) => {
                    if let Some(w) = web_sys::window() {
                        let _ = w.location().set_hash("");
                    }
                    session.set(Some(info));
                }
                Err(f) => error.set(Some(f.text(lang, w))),
            }
        });
    };
    view! {
        <main class="auth">
            <form class="card" on:submit=submit>
                <h1>{w.accept_invite}</h1>
                <label>{w.name}<input node_ref=name type="text" autocomplete="name" /></label>
                <label>{w.password}
                    <input node_ref=password type="password" autocomplete="new-password"
                        minlength="8" required data-testid="invite-password" />
                </label>
                <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
                <button type="submit" data-testid="invite-submit">{w.sign_in}</button>
            </form>
        </main>
    }
}

#[component]
fn Shell(info: SessionInfo, lang: Lang) -> impl IntoView {
    let w = words(lang);
    let tab = RwSignal::new(Tab::Inbox);
    // Who is on the site now: the inbox's feed keeps it, the Visitors tab shows it.
    let visitors = RwSignal::new(Vec::<shared_types::presence::OnlineVisitor>::new());
    // Operators never see the management tabs; the server refuses them the endpoints
    // anyway.
    let manager = info.agent.role != AgentRole::Operator;
    let me = info.agent.id.as_str().to_string();
    let my_role = info.agent.role;
    let workspace_id = info.workspace.id.as_str().to_string();
    let sign_out = move |_| {
        spawn_local(async move {
            let _ = api::call::<serde::de::IgnoredAny>("POST", "/v1/auth/logout", None).await;
            // A fresh page drops every socket and signal of the session.
            if let Some(w) = web_sys::window() {
                let _ = w.location().reload();
            }
        });
    };
    let tab_button = move |t: Tab, label: &'static str, testid: &'static str| {
        view! {
            <button type="button" role="tab" data-testid=testid
                aria-selected=move || (tab.get() == t).to_string()
                aria-current=move || (tab.get() == t).then_some("page")
                on:click=move |_| tab.set(t)>{label}</button>
        }
    };
    let lazy_button = move |t: LazyTab| tab_button(Tab::Lazy(t), t.title(lang), t.testid());
    let visitors_title = crate::visitors::visitors_words(lang).title;
    // Changes only when another on-demand tab opens, so a click on the open one keeps it.
    let lazy = Memo::new(move |_| match tab.get() {
        Tab::Lazy(t) => Some(t),
        _ => None,
    });
    view! {
        <header class="top">
            <strong class="ws" data-testid="workspace-name">{info.workspace.name.clone()}</strong>
            <nav role="tablist" data-testid="tabs" on:focusin=reveal>
                {tab_button(Tab::Inbox, w.inbox, "tab-inbox")}
                {tab_button(Tab::Visitors, visitors_title, "tab-visitors")}
                {manager.then(|| {
                    [LazyTab::Keys, LazyTab::Agents, LazyTab::Widget, LazyTab::Webhooks, LazyTab::Triggers]
                        .map(lazy_button)
                })}
                {[LazyTab::Canned, LazyTab::Analytics, LazyTab::Settings].map(lazy_button)}
            </nav>
            <span class="who" data-testid="agent-name">{info.agent.name.clone()}</span>
            <button type="button" data-testid="signout" on:click=sign_out>{w.sign_out}</button>
        </header>
        <main class="main" id="main">
        // Every tab has its page heading; the inbox's is for screen readers, its list
        // and chat speak for themselves on screen.
        <h1 class="page-title" class:sr-only=move || tab.get() == Tab::Inbox data-testid="page-title">
            {move || match tab.get() {
                Tab::Inbox => w.inbox,
                Tab::Visitors => visitors_title,
                Tab::Lazy(t) => t.title(lang),
            }}
        </h1>
        // The inbox stays mounted: it keeps its one socket and its place.
        <div class="tabpanel" hidden=move || tab.get() != Tab::Inbox>
            <Inbox me=me me_name=info.agent.name.clone() lang=lang visitors=visitors />
        </div>
        // The others are drawn when opened: most visits are for the inbox.
        {move || (tab.get() == Tab::Visitors).then(|| {
            view! { <crate::visitors::Visitors lang=lang visitors=visitors /> }
        })}
        {move || lazy.get().map(|t| view! {
                <OnDemandTab context=TabContext {
                    tab: t,
                    lang,
                    role: my_role,
                    workspace_id: workspace_id.clone(),
                } />
        })}
        </main>
    }
}
