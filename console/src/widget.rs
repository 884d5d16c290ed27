//! The widget's settings (`GET/PATCH /v1/widget/config`) beside a live preview: the
//! demo page with the real widget in a frame, reloaded after every save.

use leptos::html::Input;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::json;
use shared_types::widget::WidgetConfig;

use crate::api;
use crate::i18n::{words, Lang};

#[component]
pub fn WidgetSettings(workspace_id: String, lang: Lang) -> impl IntoView {
    let w = words(lang);
    let config = RwSignal::new(None::<WidgetConfig>);
    let error = RwSignal::new(None::<String>);
    // Bumped after each save, so the frame reloads and shows what visitors now see.
    let version = RwSignal::new(0u32);
    spawn_local(async move {
        match api::call::<WidgetConfig>("GET", "/v1/widget/config", None).await {
            Ok(c) => config.set(Some(c)),
            Err(f) => error.set(Some(f.text(lang, w))),
        }
    });
    let color = NodeRef::<Input>::new();
    let button = NodeRef::<Input>::new();
    let welcome = NodeRef::<Input>::new();
    let offline = NodeRef::<Input>::new();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let value = |r: NodeRef<Input>| r.get_untracked().map(|e| e.value()).unwrap_or_default();
        let body = json!({
            "color": value(color).to_ascii_uppercase(),
            "button_text": value(button),
            "welcome_message": value(welcome),
            "offline_message": value(offline),
        });
        spawn_local(async move {
            match api::call::<WidgetConfig>("PATCH", "/v1/widget/config", Some(&body)).await {
                Ok(c) => {
                    error.set(None);
                    config.set(Some(c));
                    version.update(|v| *v += 1);
                }
                Err(f) => error.set(Some(f.text(lang, w))),
            }
        });
    };
    let field = move |get: fn(&WidgetConfig) -> String| {
        move || config.with(|c| c.as_ref().map(get).unwrap_or_default())
    };
    let preview = move || format!("/demo/{}?v={}", api::encode(&workspace_id), version.get());
    view! {
        <section class="widget-settings">
            <form class="card" on:submit=save>
                <label>{w.color}
                    <input node_ref=color type="color" data-testid="widget-color"
                        prop:value=field(|c| c.color.as_str().to_ascii_lowercase()) />
                </label>
                <label>{w.button_text}
                    <input node_ref=button type="text" maxlength="100" data-testid="widget-button"
                        prop:value=field(|c| c.button_text.clone()) />
                </label>
                <label>{w.welcome}
                    <input node_ref=welcome type="text" data-testid="widget-welcome"
                        prop:value=field(|c| c.welcome_message.clone()) />
                </label>
                <label>{w.offline}
                    <input node_ref=offline type="text" data-testid="widget-offline"
                        prop:value=field(|c| c.offline_message.clone()) />
                </label>
                <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
                <button type="submit" data-testid="widget-save">{w.save}</button>
            </form>
            <iframe class="preview" title=w.preview data-testid="widget-preview" src=preview></iframe>
        </section>
    }
}
