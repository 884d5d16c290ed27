//! Webhooks (`GET/POST /v1/webhooks`, `DELETE /v1/webhooks/{id}`) and each one's
//! delivery log (`GET /v1/webhooks/{id}/deliveries`, the last 100 attempts).

use leptos::html::Input;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::json;
use shared_types::webhooks::{CreatedWebhook, Webhook, WebhookDelivery, WebhookEvent};
use shared_types::DataList;

use crate::api;
use crate::i18n::{words, Lang};

#[component]
pub fn Webhooks(lang: Lang) -> impl IntoView {
    let w = words(lang);
    let hooks = RwSignal::new(Vec::<Webhook>::new());
    let secret = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let log = RwSignal::new(None::<(String, Vec<WebhookDelivery>)>);
    let reload = move || {
        spawn_local(async move {
            match api::call::<DataList<Webhook>>("GET", "/v1/webhooks", None).await {
                Ok(list) => hooks.set(list.data),
                Err(f) => error.set(Some(f.text(lang, w))),
            }
        });
    };
    reload();
    let url = NodeRef::<Input>::new();
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(input) = url.get_untracked() else {
            return;
        };
        // Every event; narrowing them is a PATCH away (the API has it).
        let events: Vec<&str> = WebhookEvent::ALL.iter().map(|e| e.as_str()).collect();
        let body = json!({"url": input.value(), "events": events});
        spawn_local(async move {
            match api::call::<CreatedWebhook>("POST", "/v1/webhooks", Some(&body)).await {
                Ok(created) => {
                    input.set_value("");
                    error.set(None);
                    secret.set(Some(created.secret));
                    reload();
                }
                Err(f) => error.set(Some(f.text(lang, w))),
            }
        });
    };
    let remove = move |id: String| {
        spawn_local(async move {
            let path = format!("/v1/webhooks/{}", api::encode(&id));
            match api::call::<serde::de::IgnoredAny>("DELETE", &path, None).await {
                Ok(_) => reload(),
                Err(f) => error.set(Some(f.text(lang, w))),
            }
        });
    };
    let show_log = move |id: String| {
        spawn_local(async move {
            let path = format!("/v1/webhooks/{}/deliveries", api::encode(&id));
            match api::call::<DataList<WebhookDelivery>>("GET", &path, None).await {
                Ok(list) => log.set(Some((id, list.data))),
                Err(f) => error.set(Some(f.text(lang, w))),
            }
        });
    };
    view! {
        <section class="keys" aria-label=w.webhooks>
            <form class="create" on:submit=create>
                <input node_ref=url type="url" required placeholder="https://…" aria-label="URL"
                    data-testid="webhook-url" />
                <button type="submit" data-testid="webhook-create">{w.add}</button>
            </form>
            <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
            {move || secret.get().map(|s| view! {
                <div class="once" role="status">
                    <p>{w.secret_shown_once}</p>
                    <code data-testid="webhook-secret">{s}</code>
                </div>
            })}
            <table>
                <tbody>
                    <For each=move || hooks.get() key=|h| (h.id.clone(), h.active) let:h>
                        <tr data-testid="webhook-row" data-webhook-id=h.id.as_str().to_string()>
                            <td>{h.url.clone()}</td>
                            <td>{if h.active { "✓" } else { "—" }}</td>
                            <td>
                                <button type="button" data-testid="webhook-log"
                                    on:click={let id = h.id.as_str().to_string(); move |_| show_log(id.clone())}>
                                    {w.deliveries}
                                </button>
                                <button type="button" data-testid="webhook-delete"
                                    on:click={let id = h.id.as_str().to_string(); move |_| remove(id.clone())}>
                                    {w.delete}
                                </button>
                            </td>
                        </tr>
                    </For>
                </tbody>
            </table>
            {move || log.get().map(|(_, deliveries)| view! {
                <table class="log" data-testid="webhook-deliveries">
                    <tbody>
                        {deliveries.into_iter().map(|d| view! {
                            <tr data-testid="delivery-row">
                                <td>{d.created_at}</td>
                                <td>{d.event_type.as_str()}</td>
                                <td>{"#"}{d.attempt}</td>
                                <td>{d.status_code.map_or_else(|| d.error.unwrap_or_default(), |s| s.to_string())}</td>
                                <td>{d.duration_ms.map(|ms| format!("{ms} ms")).unwrap_or_default()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
        </section>
    }
}
