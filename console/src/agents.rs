//! The team: who the agents are and, for owners and admins, inviting a new one over
//! `GET/POST /v1/agents`. The invitation link is shown once (only its hash is stored).

use leptos::html::{Input, Select};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::json;
use shared_types::agents::Agent;
use shared_types::auth::CreatedAgent;
use shared_types::DataList;

use crate::api;
use crate::i18n::{words, Lang};

#[component]
pub fn Agents(lang: Lang) -> impl IntoView {
    let w = words(lang);
    let agents = RwSignal::new(Vec::<Agent>::new());
    let link = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let reload = move || {
        spawn_local(async move {
            match api::call::<DataList<Agent>>("GET", "/v1/agents", None).await {
                Ok(list) => agents.set(list.data),
                Err(f) => error.set(Some(f.text(lang, w))),
            }
        });
    };
    reload();
    let (name, email) = (NodeRef::<Input>::new(), NodeRef::<Input>::new());
    let role = NodeRef::<Select>::new();
    let invite = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(n), Some(e), Some(r)) = (
            name.get_untracked(),
            email.get_untracked(),
            role.get_untracked(),
        ) else {
            return;
        };
        let body = json!({"name": n.value(), "email": e.value(), "role": r.value()});
        spawn_local(async move {
            match api::call::<CreatedAgent>("POST", "/v1/agents", Some(&body)).await {
                Ok(created) => {
                    n.set_value("");
                    e.set_value("");
                    error.set(None);
                    link.set(Some(created.invitation.url));
                    reload();
                }
                Err(f) => error.set(Some(f.text(lang, w))),
            }
        });
    };
    view! {
        <section class="keys" aria-label=w.agents>
            <form class="create" on:submit=invite>
                <input node_ref=name type="text" required maxlength="100" aria-label=w.name
                    placeholder=w.name data-testid="invite-name" />
                <input node_ref=email type="email" required aria-label=w.email
                    placeholder=w.email data-testid="invite-email" />
                <select node_ref=role aria-label="role" data-testid="invite-role">
                    <option value="operator">"operator"</option>
                    <option value="admin">"admin"</option>
                </select>
                <button type="submit" data-testid="invite-create">{w.invite}</button>
            </form>
            <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
            {move || link.get().map(|url| view! {
                <div class="once" role="status">
                    <p>{w.invite_shown_once}</p>
                    <code data-testid="invite-link">{url}</code>
                </div>
            })}
            <table>
                <tbody>
                    <For each=move || agents.get() key=|a| (a.id.clone(), a.status, a.role) let:a>
                        <tr data-testid="agent-row">
                            <td>{a.name.clone()}</td>
                            <td>{a.email.clone()}</td>
                            <td>{a.role.as_str()}</td>
                            <td>{a.status.as_str()}</td>
                        </tr>
                    </For>
                </tbody>
            </table>
        </section>
    }
}
