//! The "Developer → API Keys tab": list, create (the key shown once), revoke, over
//! `GET/POST /v1/api-keys` and `DELETE /v1/api-keys/{id}`, and the way to the API's
//! reference (`/docs/`, served by the same worker).

use leptos::html::Input;
use leptos::prelude::*;
use serde_json::json;
use shared_types::admin::{ApiKey, CreatedApiKey};

use crate::i18n::{words, Lang};
use crate::settings::{Collection, ErrorLine, SecretOnce};

#[component]
pub fn Keys(lang: Lang) -> impl IntoView {
    let w = words(lang);
    let keys = Collection::<ApiKey>::load("/v1/api-keys", lang);
    let created = RwSignal::new(None::<String>);
    let name = NodeRef::<Input>::new();
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(input) = name.get_untracked() else {
            return;
        };
        keys.create(json!({"name": input.value()}), move |k: CreatedApiKey| {
            input.set_value("");
            created.set(Some(k.key));
        });
    };
    view! {
        <section class="keys" aria-label=w.api_keys>
            // A tab of its own: the agent keeps the key they are about to copy.
            <p>
                <a href="/docs/" target="_blank" rel="noopener" data-testid="api-reference">
                    {w.api_reference}
                </a>
            </p>
            <form class="create" on:submit=create>
                <input node_ref=name type="text" required maxlength="100" aria-label=w.key_name
                    placeholder=w.key_name data-testid="key-name" />
                <button type="submit" data-testid="key-create">{w.create_key}</button>
            </form>
            <ErrorLine error=keys.error testid="key-error" />
            <SecretOnce secret=created note=w.key_shown_once testid="new-key" />
            <table>
                <tbody>
                    <For each=move || keys.items.get() key=|k| k.id.clone() let:k>
                        <tr data-testid="key-row" data-key-id=k.id.as_str().to_string()>
                            <td>{k.name.clone()}</td>
                            <td><code>{format!("{}…", k.prefix)}</code></td>
                            <td data-testid="key-created">{crate::i18n::local_time(&k.created_at, lang)}</td>
                            <td>{w.last_used}": "{k.last_used_at.as_deref()
                                .map(|t| crate::i18n::local_time(t, lang))
                                .unwrap_or_else(|| w.never.to_string())}</td>
                            <td>
                                <button type="button" data-testid="key-revoke"
                                    on:click={let id = k.id.as_str().to_string(); move |_| keys.remove(&id)}>
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
