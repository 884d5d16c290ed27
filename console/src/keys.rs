//! The "Developer → API Keys tab": list, create (the key shown once), revoke, over
//! `GET/POST /v1/api-keys` and `DELETE /v1/api-keys/{id}`.

use leptos::html::Input;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::json;
use shared_types::admin::{ApiKey, CreatedApiKey};
use shared_types::DataList;

use crate::api;
use crate::i18n::{words, Lang};

#[component]
pub fn Keys(lang: Lang) -> impl IntoView {
    let w = words(lang);
    let keys = RwSignal::new(Vec::<ApiKey>::new());
    let created = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let reload = move || {
        spawn_local(async move {
            match api::call::<DataList<ApiKey>>("GET", "/v1/api-keys", None).await {
                Ok(list) => keys.set(list.data),
                Err(f) => error.set(Some(f.text(lang, w))),
            }
        });
    };
    reload();
    let name = NodeRef::<Input>::new();
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(input) = name.get_untracked() else {
            return;
        };
        let body = json!({"name": input.value()});
        spawn_local(async move {
            match api::call::<CreatedApiKey>("POST", "/v1/api-keys", Some(&body)).await {
                Ok(k) => {
                    input.set_value("");
                    error.set(None);
                    created.set(Some(k.key));
                    reload();
                }
                Err(f) => error.set(Some(f.text(lang, w))),
            }
        });
    };
    let revoke = move |id: String| {
        spawn_local(async move {
            let path = format!("/v1/api-keys/{}", api::encode(&id));
            match api::call::<serde::de::IgnoredAny>("DELETE", &path, None).await {
                Ok(_) => reload(),
                Err(f) => error.set(Some(f.text(lang, w))),
            }
        });
    };
    view! {
        <section class="keys" aria-label=w.api_keys>
            <form class="create" on:submit=create>
                <input node_ref=name type="text" required maxlength="100" aria-label=w.key_name
                    placeholder=w.key_name data-testid="key-name" />
                <button type="submit" data-testid="key-create">{w.create_key}</button>
            </form>
            <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
            {move || created.get().map(|key| view! {
                <div class="once" role="status">
                    <p>{w.key_shown_once}</p>
                    <code data-testid="new-key">{key}</code>
                </div>
            })}
            <table>
                <tbody>
                    <For each=move || keys.get() key=|k| k.id.clone() let:k>
                        <tr data-testid="key-row" data-key-id=k.id.as_str().to_string()>
                            <td>{k.name.clone()}</td>
                            <td><code>{format!("{}…", k.prefix)}</code></td>
                            <td>{w.last_used}": "{k.last_used_at.clone().unwrap_or_else(|| w.never.to_string())}</td>
                            <td>
                                <button type="button" data-testid="key-revoke"
                                    on:click={let id = k.id.as_str().to_string(); move |_| revoke(id.clone())}>
                                    {w.revoke}
                                </button>
                            </td>
                        </tr>
                    </For>
                </tbody>
            </table>
        </section>
    }
}
