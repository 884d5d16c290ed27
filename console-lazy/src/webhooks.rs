//! Webhooks (`GET/POST /v1/webhooks`, `PATCH/DELETE /v1/webhooks/{id}`): the events each
//! one receives chosen on creation and changed later with its URL and on/off switch,
//! and each one's delivery log (`GET /v1/webhooks/{id}/deliveries`, the last 100
//! attempts).

use leptos::html::Input;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::json;
use shared_types::webhooks::{CreatedWebhook, Webhook, WebhookDelivery, WebhookEvent};
use shared_types::DataList;

use crate::api;
use crate::i18n::{words, Lang};
use crate::settings::{Collection, ErrorLine, SecretOnce};

/// This tab's words beyond the shared ones.
struct HookWords {
    events: &'static str,
    edit: &'static str,
    save: &'static str,
    cancel: &'static str,
    active: &'static str,
    editing: &'static str,
}

static EN: HookWords = HookWords {
    events: "Events",
    edit: "Edit",
    save: "Save",
    cancel: "Cancel",
    active: "Active",
    editing: "Edit webhook",
};

static RU: HookWords = HookWords {
    events: "События",
    edit: "Изменить",
    save: "Сохранить",
    cancel: "Отмена",
    active: "Включён",
    editing: "Изменение вебхука",
};

static UZ: HookWords = HookWords {
    events: "Hodisalar",
    edit: "Tahrirlash",
    save: "Saqlash",
    cancel: "Bekor qilish",
    active: "Faol",
    editing: "Webhookni tahrirlash",
};

fn hook_words(lang: Lang) -> &'static HookWords {
    crate::i18n::pick(lang, &EN, &RU, &UZ)
}

fn event_names(events: &[WebhookEvent]) -> Vec<&'static str> {
    events.iter().map(|e| e.as_str()).collect()
}

#[component]
pub fn Webhooks(lang: Lang) -> impl IntoView {
    let w = words(lang);
    let hw = hook_words(lang);
    let hooks = Collection::<Webhook>::load("/v1/webhooks", lang);
    let secret = RwSignal::new(None::<String>);
    let log = RwSignal::new(None::<(String, Vec<WebhookDelivery>)>);
    let editing = RwSignal::new(None::<Webhook>);
    // Every event until the agent unticks some: most receivers want them all.
    let chosen = RwSignal::new(WebhookEvent::ALL.to_vec());
    let url = NodeRef::<Input>::new();
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(input) = url.get_untracked() else {
            return;
        };
        let body = json!({"url": input.value(), "events": event_names(&chosen.get_untracked())});
        hooks.create(body, move |created: CreatedWebhook| {
            input.set_value("");
            secret.set(Some(created.secret));
        });
    };
    let show_log = move |id: String| {
        spawn_local(async move {
            let path = format!("/v1/webhooks/{}/deliveries", api::encode(&id));
            match api::call::<DataList<WebhookDelivery>>("GET", &path, None).await {
                Ok(list) => log.set(Some((id, list.data))),
                Err(f) => hooks.fail(&f),
            }
        });
    };
    view! {
        <section class="keys" aria-label=w.webhooks>
            <form class="create" on:submit=create>
                <input node_ref=url type="url" required placeholder="https://…" aria-label="URL"
                    data-testid="webhook-url" />
                <button type="submit" data-testid="webhook-create">{w.add}</button>
                <EventChoice chosen=chosen legend=hw.events testid="webhook-event" />
            </form>
            <ErrorLine error=hooks.error testid="webhook-error" />
            <SecretOnce secret=secret note=w.secret_shown_once testid="webhook-secret" />
            {move || editing.get().map(|hook| view! {
                <EditWebhook hook=hook hooks=hooks editing=editing lang=lang />
            })}
            <table>
                <tbody>
                    <For each=move || hooks.items.get()
                        key=|h| (h.id.clone(), h.active, h.url.clone(), h.events.clone()) let:h>
                        <tr data-testid="webhook-row" data-webhook-id=h.id.as_str().to_string()>
                            <td>{h.url.clone()}</td>
                            <td class="events">{event_names(&h.events).join(", ")}</td>
                            <td title=hw.active>{if h.active { "✓" } else { "—" }}</td>
                            <td class="row-actions">
                                <button type="button" data-testid="webhook-edit"
                                    on:click={let h = h.clone(); move |_| editing.set(Some(h.clone()))}>
                                    {hw.edit}
                                </button>
                                <button type="button" data-testid="webhook-log"
                                    on:click={let id = h.id.as_str().to_string(); move |_| show_log(id.clone())}>
                                    {w.deliveries}
                                </button>
                                <button type="button" data-testid="webhook-delete"
                                    on:click={let id = h.id.as_str().to_string(); move |_| hooks.remove(&id)}>
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
                                <td data-testid="delivery-time">{crate::i18n::local_time(&d.created_at, lang)}</td>
                                <td>{d.event_type.as_str()}</td>
                                <td>{"#"}{d.attempt}</td>
                                <td>{d.status_code.map_or_else(|| d.error.unwrap_or_default(), |s| s.to_string())}</td>
                                <td>{d.duration_ms.map(|ms| format!("{}\u{a0}ms", crate::i18n::number(ms, lang))).unwrap_or_default()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
        </section>
    }
}

/// One checkbox per event the API accepts (`<testid>-<event>`).
#[component]
fn EventChoice(
    chosen: RwSignal<Vec<WebhookEvent>>,
    legend: &'static str,
    testid: &'static str,
) -> impl IntoView {
    view! {
        <fieldset class="choices">
            <legend>{legend}</legend>
            {WebhookEvent::ALL.iter().map(|&event| view! {
                <label>
                    <input type="checkbox" data-testid=format!("{testid}-{}", event.as_str())
                        prop:checked=move || chosen.with(|c| c.contains(&event))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            chosen.update(|c| {
                                c.retain(|e| *e != event);
                                if on {
                                    c.push(event);
                                }
                                // The API keeps the order given; keep the catalogue's.
                                c.sort_by_key(|e| WebhookEvent::ALL.iter().position(|a| a == e));
                            });
                        } />
                    {event.as_str()}
                </label>
            }).collect_view()}
        </fieldset>
    }
}

/// A webhook's URL, events and on/off switch, saved with one `PATCH`.
#[component]
fn EditWebhook(
    hook: Webhook,
    hooks: Collection<Webhook>,
    editing: RwSignal<Option<Webhook>>,
    lang: Lang,
) -> impl IntoView {
    let hw = hook_words(lang);
    let url = NodeRef::<Input>::new();
    let active = NodeRef::<Input>::new();
    let chosen = RwSignal::new(hook.events.clone());
    let id = hook.id.as_str().to_string();
    // Opened from a row's button: the keyboard lands in the form, Escape leaves it.
    Effect::new(move |_| {
        if let Some(input) = url.get() {
            let _ = input.focus();
        }
    });
    let escape = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            editing.set(None);
        }
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(url), Some(active)) = (url.get_untracked(), active.get_untracked()) else {
            return;
        };
        let body = json!({
            "url": url.value(),
            "events": event_names(&chosen.get_untracked()),
            "active": active.checked(),
        });
        hooks.save(&id, body, move |_| editing.set(None));
    };
    view! {
        <form class="edit card" on:submit=save on:keydown=escape aria-label=hw.editing
            data-testid="webhook-editor">
            <strong>{hw.editing}</strong>
            <input node_ref=url type="url" required aria-label="URL" value=hook.url.clone()
                data-testid="webhook-edit-url" />
            <EventChoice chosen=chosen legend=hw.events testid="webhook-edit-event" />
            <label class="inline">
                <input node_ref=active type="checkbox" prop:checked=hook.active
                    data-testid="webhook-edit-active" />
                {hw.active}
            </label>
            <div class="buttons">
                <button type="submit" data-testid="webhook-save">{hw.save}</button>
                <button type="button" on:click=move |_| editing.set(None)>{hw.cancel}</button>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_is_translated() {
        let all = |t: &HookWords| [t.events, t.edit, t.save, t.cancel, t.active, t.editing];
        for table in [&RU, &UZ] {
            for (en, other) in all(&EN).into_iter().zip(all(table)) {
                assert!(!other.is_empty() && other != en, "{en}");
            }
        }
    }

    #[test]
    fn events_are_sent_by_their_wire_names() {
        assert_eq!(
            event_names(&[WebhookEvent::ChatCreated, WebhookEvent::ChatClosed]),
            vec!["chat.created", "chat.closed"]
        );
    }
}
