//! The widget's settings (`GET/PATCH /v1/widget/config`), every field of it, beside a
//! live preview: the demo page with the real widget in a frame, reloaded after every
//! save. Above them, the one script tag a site owner pastes, with a Copy button.

use leptos::html::{Input, Select};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::json;
use shared_types::files::check_logo;
use shared_types::widget::{WidgetConfig, WidgetPosition, WidgetShape, WidgetTheme};

use crate::api;
use crate::i18n::{words, Lang};
use crate::icons::{icon, Icon};
use crate::settings::explain;

/// The tab's own words (the shared table keeps only what several tabs say).
pub struct WidgetWords {
    pub embed: &'static str,
    pub embed_hint: &'static str,
    pub copy: &'static str,
    pub copied: &'static str,
    pub shape: &'static str,
    pub shapes: [&'static str; 3],
    pub position: &'static str,
    pub positions: [&'static str; 2],
    pub theme: &'static str,
    pub themes: [&'static str; 3],
    pub domains: &'static str,
    pub domains_hint: &'static str,
    pub add: &'static str,
    pub remove: &'static str,
    pub logo: &'static str,
    pub logo_url: &'static str,
    pub upload_logo: &'static str,
    pub remove_logo: &'static str,
    pub logo_too_big: &'static str,
    pub powered_by: &'static str,
    pub prechat: &'static str,
    pub require_name: &'static str,
    pub require_email: &'static str,
    pub require_identity: &'static str,
    pub saved: &'static str,
}

const EN: WidgetWords = WidgetWords {
    embed: "Install on your site",
    embed_hint: "Paste this tag before </body> on every page where the chat should appear.",
    copy: "Copy",
    copied: "Copied",
    shape: "Shape",
    shapes: ["Rounded", "Square", "Circle"],
    position: "Position",
    positions: ["Bottom right", "Bottom left"],
    theme: "Theme",
    themes: ["Light", "Dark", "Follow the visitor's system"],
    domains: "Allowed domains",
    domains_hint: "With none, the widget works on any site. *.company.uz allows every subdomain.",
    add: "Add",
    remove: "Remove",
    logo: "Logo",
    logo_url: "Logo address (https://…), empty for none",
    upload_logo: "Upload a logo (PNG, JPEG, GIF or WebP, up to 512 KB)",
    remove_logo: "Remove the logo",
    logo_too_big: "The logo must be a PNG, JPEG, GIF or WebP of at most 512 KB.",
    powered_by: "Show “Powered by”",
    prechat: "Ask for name and email before the chat",
    require_name: "Name required",
    require_email: "Email required",
    require_identity: "Accept only verified identities (user_hash)",
    saved: "Saved",
};

const RU: WidgetWords = WidgetWords {
    embed: "Установка на сайт",
    embed_hint: "Вставьте этот тег перед </body> на каждой странице, где нужен чат.",
    copy: "Копировать",
    copied: "Скопировано",
    shape: "Форма",
    shapes: ["Скруглённая", "Квадратная", "Круглая"],
    position: "Положение",
    positions: ["Справа внизу", "Слева внизу"],
    theme: "Тема",
    themes: ["Светлая", "Тёмная", "Как в системе посетителя"],
    domains: "Разрешённые домены",
    domains_hint:
        "Если список пуст, виджет работает на любом сайте. *.company.uz разрешает все поддомены.",
    add: "Добавить",
    remove: "Удалить",
    logo: "Логотип",
    logo_url: "Адрес логотипа (https://…), пусто — без логотипа",
    upload_logo: "Загрузить логотип (PNG, JPEG, GIF или WebP, до 512 КБ)",
    remove_logo: "Убрать логотип",
    logo_too_big: "Логотип должен быть PNG, JPEG, GIF или WebP не больше 512 КБ.",
    powered_by: "Показывать «Работает на ChatFlow»",
    prechat: "Спрашивать имя и email перед чатом",
    require_name: "Имя обязательно",
    require_email: "Email обязателен",
    require_identity: "Только подтверждённые личности (user_hash)",
    saved: "Сохранено",
};

const UZ: WidgetWords = WidgetWords {
    embed: "Saytga o'rnatish",
    embed_hint: "Chat kerak bo'lgan har bir sahifada shu tegni </body> dan oldin qo'ying.",
    copy: "Nusxalash",
    copied: "Nusxalandi",
    shape: "Shakl",
    shapes: ["Yumaloq burchakli", "To'rtburchak", "Doira"],
    position: "Joylashuv",
    positions: ["O'ng pastda", "Chap pastda"],
    theme: "Mavzu",
    themes: ["Yorug'", "Qorong'i", "Tashrif buyuruvchi tizimidagidek"],
    domains: "Ruxsat etilgan domenlar",
    domains_hint: "Ro'yxat bo'sh bo'lsa, vidjet istalgan saytda ishlaydi. *.company.uz barcha subdomenlarga ruxsat beradi.",
    add: "Qo'shish",
    remove: "O'chirish",
    logo: "Logotip",
    logo_url: "Logotip manzili (https://…), bo'sh — logotipsiz",
    upload_logo: "Logotip yuklash (PNG, JPEG, GIF yoki WebP, 512 KB gacha)",
    remove_logo: "Logotipni olib tashlash",
    logo_too_big: "Logotip 512 KB dan oshmagan PNG, JPEG, GIF yoki WebP bo'lishi kerak.",
    powered_by: "«ChatFlow asosida» yozuvini ko'rsatish",
    prechat: "Chatdan oldin ism va emailni so'rash",
    require_name: "Ism majburiy",
    require_email: "Email majburiy",
    require_identity: "Faqat tasdiqlangan shaxslar (user_hash)",
    saved: "Saqlandi",
};

pub fn widget_words(lang: Lang) -> &'static WidgetWords {
    crate::i18n::pick(lang, &EN, &RU, &UZ)
}

/// The tag a site owner pastes: the service's own origin, the workspace's id.
pub fn embed_snippet(origin: &str, workspace_id: &str) -> String {
    format!(
        r#"<script src="{origin}/widget/widget.js" data-workspace="{workspace_id}" async></script>"#
    )
}

#[component]
pub fn WidgetSettings(workspace_id: String, lang: Lang) -> impl IntoView {
    let w = words(lang);
    let ww = widget_words(lang);
    let config = RwSignal::new(None::<WidgetConfig>);
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    // The domains being edited: saved with the rest of the form.
    let domains = RwSignal::new(Vec::<String>::new());
    // Bumped after each save, so the frame reloads and shows what visitors now see.
    let version = RwSignal::new(0u32);
    spawn_local(async move {
        match api::call::<WidgetConfig>("GET", "/v1/widget/config", None).await {
            Ok(c) => {
                domains.set(c.domains.iter().map(|d| d.as_str().to_string()).collect());
                config.set(Some(c));
            }
            Err(f) => error.set(Some(f.text(lang, w))),
        }
    });
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    let snippet = embed_snippet(&origin, &workspace_id);
    let copied = RwSignal::new(false);
    let copy = {
        let snippet = snippet.clone();
        move |_| {
            if let Some(clipboard) = web_sys::window().map(|w| w.navigator().clipboard()) {
                let done = clipboard.write_text(&snippet);
                spawn_local(async move {
                    copied.set(wasm_bindgen_futures::JsFuture::from(done).await.is_ok());
                });
            }
        }
    };

    let color = NodeRef::<Input>::new();
    let shape = NodeRef::<Select>::new();
    let position = NodeRef::<Select>::new();
    let theme = NodeRef::<Select>::new();
    let button = NodeRef::<Input>::new();
    let welcome = NodeRef::<Input>::new();
    let offline = NodeRef::<Input>::new();
    let logo = NodeRef::<Input>::new();
    let powered = NodeRef::<Input>::new();
    let prechat = NodeRef::<Input>::new();
    let require_name = NodeRef::<Input>::new();
    let require_email = NodeRef::<Input>::new();
    let require_identity = NodeRef::<Input>::new();
    let new_domain = NodeRef::<Input>::new();

    let add_domain = move || {
        let Some(input) = new_domain.get_untracked() else {
            return;
        };
        let value = input.value().trim().to_ascii_lowercase();
        if !value.is_empty() {
            domains.update(|d| {
                if !d.contains(&value) {
                    d.push(value);
                }
            });
            input.set_value("");
        }
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let value = |r: NodeRef<Input>| r.get_untracked().map(|e| e.value()).unwrap_or_default();
        let chosen = |r: NodeRef<Select>| r.get_untracked().map(|e| e.value()).unwrap_or_default();
        let checked = |r: NodeRef<Input>| r.get_untracked().is_some_and(|e| e.checked());
        // A domain typed but not yet added is meant to be saved too.
        add_domain();
        let logo_url = value(logo);
        let logo_url = logo_url.trim();
        let body = json!({
            "color": value(color).to_ascii_uppercase(),
            "shape": chosen(shape),
            "position": chosen(position),
            "theme": chosen(theme),
            "button_text": value(button),
            "welcome_message": value(welcome),
            "offline_message": value(offline),
            "domains": domains.get_untracked(),
            "branding": {
                "show_powered_by": checked(powered),
                "logo_url": (!logo_url.is_empty()).then_some(logo_url),
            },
            "prechat": {
                "enabled": checked(prechat),
                "require_name": checked(require_name),
                "require_email": checked(require_email),
            },
            "require_identity": checked(require_identity),
        });
        saved.set(false);
        spawn_local(async move {
            match api::call::<WidgetConfig>("PATCH", "/v1/widget/config", Some(&body)).await {
                Ok(c) => {
                    error.set(None);
                    domains.set(c.domains.iter().map(|d| d.as_str().to_string()).collect());
                    config.set(Some(c));
                    saved.set(true);
                    version.update(|v| *v += 1);
                }
                Err(f) => error.set(Some(explain(&f, lang))),
            }
        });
    };
    let text = move |get: fn(&WidgetConfig) -> String| {
        move || config.with(|c| c.as_ref().map(get).unwrap_or_default())
    };
    let flag =
        move |get: fn(&WidgetConfig) -> bool| move || config.with(|c| c.as_ref().is_some_and(get));
    let options = |spellings: &'static [&'static str],
                   labels: &'static [&'static str],
                   current: fn(&WidgetConfig) -> &'static str| {
        spellings
            .iter()
            .zip(labels)
            .map(move |(value, label)| {
                view! {
                    <option value=*value
                        selected=move || config.with(|c| c.as_ref().map(current) == Some(*value))>
                        {*label}
                    </option>
                }
            })
            .collect_view()
    };
    // The logo goes through the files flow: an upload URL, the bytes, then
    // `PUT /v1/widget/logo`, which answers the whole new configuration.
    let logo_file = NodeRef::<Input>::new();
    let on_logo = move |_| {
        let Some(file) = logo_file
            .get_untracked()
            .and_then(|i| i.files())
            .and_then(|f| f.get(0))
        else {
            return;
        };
        if check_logo(&file.type_(), file.size() as u64).is_err() {
            error.set(Some(ww.logo_too_big.to_string()));
            return;
        }
        saved.set(false);
        spawn_local(async move {
            match upload_logo(&file).await {
                Ok(c) => {
                    error.set(None);
                    config.set(Some(c));
                    saved.set(true);
                    version.update(|v| *v += 1);
                }
                Err(f) => error.set(Some(explain(&f, lang))),
            }
            if let Some(input) = logo_file.get_untracked() {
                input.set_value("");
            }
        });
    };
    let remove_logo = move |_| {
        saved.set(false);
        spawn_local(async move {
            match api::call::<WidgetConfig>("DELETE", "/v1/widget/logo", None).await {
                Ok(c) => {
                    error.set(None);
                    config.set(Some(c));
                    saved.set(true);
                    version.update(|v| *v += 1);
                }
                Err(f) => error.set(Some(explain(&f, lang))),
            }
        });
    };
    let logo_src = move || config.with(|c| c.as_ref().and_then(|c| c.branding.logo_url.clone()));
    let preview = move || format!("/demo/{}?v={}", api::encode(&workspace_id), version.get());
    view! {
        <section class="widget-settings">
            <section class="card embed" data-testid="widget-embed" aria-labelledby="embed-title">
                <h2 id="embed-title">{ww.embed}</h2>
                <p class="muted">{ww.embed_hint}</p>
                <div class="snippet">
                    <code data-testid="embed-snippet">{snippet.clone()}</code>
                    <button type="button" data-testid="embed-copy" on:click=copy>
                        {icon(Icon::Copy)} " "
                        {move || if copied.get() { ww.copied } else { ww.copy }}
                    </button>
                </div>
            </section>
            <form class="card settings-form" on:submit=save>
                <label>{w.color}
                    <input node_ref=color type="color" data-testid="widget-color"
                        prop:value=text(|c| c.color.as_str().to_ascii_lowercase()) />
                </label>
                <label>{ww.shape}
                    <select node_ref=shape data-testid="widget-shape">
                        {options(WidgetShape::SPELLINGS, &ww.shapes, |c| c.shape.as_str())}
                    </select>
                </label>
                <label>{ww.position}
                    <select node_ref=position data-testid="widget-position">
                        {options(WidgetPosition::SPELLINGS, &ww.positions, |c| c.position.as_str())}
                    </select>
                </label>
                <label>{ww.theme}
                    <select node_ref=theme data-testid="widget-theme">
                        {options(WidgetTheme::SPELLINGS, &ww.themes, |c| c.theme.as_str())}
                    </select>
                </label>
                <label>{w.button_text}
                    <input node_ref=button type="text" maxlength="100" data-testid="widget-button"
                        prop:value=text(|c| c.button_text.clone()) />
                </label>
                <label>{w.welcome}
                    <input node_ref=welcome type="text" data-testid="widget-welcome"
                        prop:value=text(|c| c.welcome_message.clone()) />
                </label>
                <label>{w.offline}
                    <input node_ref=offline type="text" data-testid="widget-offline"
                        prop:value=text(|c| c.offline_message.clone()) />
                </label>
                <fieldset class="domains" data-testid="widget-domains">
                    <legend>{ww.domains}</legend>
                    <p class="muted">{ww.domains_hint}</p>
                    <ul>
                        <For each=move || domains.get() key=|d| d.clone() let:domain>
                            {
                                let gone = domain.clone();
                                view! {
                                    <li data-testid="widget-domain">
                                        <span>{domain.clone()}</span>
                                        <button type="button" data-testid="widget-domain-remove"
                                            aria-label=format!("{} {domain}", ww.remove)
                                            on:click=move |_| domains.update(|d| d.retain(|x| *x != gone))>
                                            {icon(Icon::Close)}
                                        </button>
                                    </li>
                                }
                            }
                        </For>
                    </ul>
                    <div class="add-domain">
                        <input node_ref=new_domain type="text" data-testid="widget-domain-input"
                            aria-label=ww.domains placeholder="company.uz"
                            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                                if ev.key() == "Enter" {
                                    ev.prevent_default();
                                    add_domain();
                                }
                            } />
                        <button type="button" data-testid="widget-domain-add" on:click=move |_| add_domain()>
                            {ww.add}
                        </button>
                    </div>
                </fieldset>
                <fieldset class="logo">
                    <legend>{ww.logo}</legend>
                    {move || logo_src().map(|src| view! {
                        <img class="logo-preview" src=src alt=ww.logo data-testid="widget-logo-preview" />
                    })}
                    <label>{ww.upload_logo}
                        <input node_ref=logo_file type="file" data-testid="widget-logo-file"
                            accept="image/png,image/jpeg,image/gif,image/webp" on:change=on_logo />
                    </label>
                    <label>{ww.logo_url}
                        <input node_ref=logo type="url" data-testid="widget-logo" placeholder="https://"
                            prop:value=text(|c| c.branding.logo_url.clone().unwrap_or_default()) />
                    </label>
                    <Show when=move || logo_src().is_some()>
                        <button type="button" data-testid="widget-logo-remove" on:click=remove_logo>
                            {icon(Icon::Close)} " " {ww.remove_logo}
                        </button>
                    </Show>
                </fieldset>
                <label class="inline">
                    <input node_ref=powered type="checkbox" data-testid="widget-powered-by"
                        prop:checked=flag(|c| c.branding.show_powered_by) />
                    {ww.powered_by}
                </label>
                <fieldset class="choices">
                    <legend>{ww.prechat}</legend>
                    <label class="inline">
                        <input node_ref=prechat type="checkbox" data-testid="widget-prechat"
                            prop:checked=flag(|c| c.prechat.enabled) />
                        {ww.prechat}
                    </label>
                    <label class="inline">
                        <input node_ref=require_name type="checkbox" data-testid="widget-prechat-name"
                            prop:checked=flag(|c| c.prechat.require_name) />
                        {ww.require_name}
                    </label>
                    <label class="inline">
                        <input node_ref=require_email type="checkbox" data-testid="widget-prechat-email"
                            prop:checked=flag(|c| c.prechat.require_email) />
                        {ww.require_email}
                    </label>
                </fieldset>
                <label class="inline">
                    <input node_ref=require_identity type="checkbox" data-testid="widget-require-identity"
                        prop:checked=flag(|c| c.require_identity) />
                    {ww.require_identity}
                </label>
                <p class="error" role="alert" data-testid="widget-error">{move || error.get().unwrap_or_default()}</p>
                <p class="saved" role="status" data-testid="widget-saved">
                    {move || saved.get().then_some(ww.saved)}
                </p>
                <button type="submit" data-testid="widget-save">{w.save}</button>
            </form>
            <iframe class="preview" title=w.preview data-testid="widget-preview" src=preview></iframe>
        </section>
    }
}

/// The files flow for a logo, then `PUT /v1/widget/logo`.
async fn upload_logo(file: &web_sys::File) -> Result<WidgetConfig, api::Failure> {
    let granted = crate::api::upload(file).await?;
    let set = json!({"file_id": granted.file_id});
    api::call("PUT", "/v1/widget/logo", Some(&set)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_snippet_names_the_origin_and_the_workspace() {
        assert_eq!(
            embed_snippet("https://api.chatflow.uz", "ws_abc"),
            r#"<script src="https://api.chatflow.uz/widget/widget.js" data-workspace="ws_abc" async></script>"#
        );
    }

    #[test]
    fn every_choice_has_a_label_in_every_language() {
        for ww in [&EN, &RU, &UZ] {
            assert_eq!(ww.shapes.len(), WidgetShape::SPELLINGS.len());
            assert_eq!(ww.positions.len(), WidgetPosition::SPELLINGS.len());
            assert_eq!(ww.themes.len(), WidgetTheme::SPELLINGS.len());
        }
    }
}
