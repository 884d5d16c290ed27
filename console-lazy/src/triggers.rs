//! Automation triggers, for owners and admins: the proactive messages the widget shows
//! when a condition holds on matching pages. Listed, created, switched on and off and
//! deleted over `GET/POST /v1/automation/triggers` and `PATCH/DELETE
//! /v1/automation/triggers/{id}`; the server validates every field (and refuses
//! operators), the form only offers what it accepts.

use leptos::html::{Input, Select, Textarea};
use leptos::prelude::*;
use serde_json::{json, Value};
use shared_types::automation::{Trigger, TriggerCondition, MAX_DELAY_SECONDS};

use crate::i18n::{words, Lang};
use crate::settings::{Collection, ErrorLine};

/// This tab's words.
struct TriggerWords {
    name: &'static str,
    condition: &'static str,
    delay: &'static str,
    message: &'static str,
    pages: &'static str,
    active: &'static str,
    create: &'static str,
    edit: &'static str,
    save: &'static str,
    cancel: &'static str,
    empty: &'static str,
    page_load: &'static str,
    exit_intent: &'static str,
    time_on_page: &'static str,
    scroll_depth: &'static str,
}

static EN: TriggerWords = TriggerWords {
    name: "Name",
    condition: "When",
    delay: "Delay, seconds",
    message: "Message to the visitor",
    pages: "Pages (* or a path such as /pricing)",
    active: "On",
    create: "Add trigger",
    edit: "Edit",
    save: "Save trigger",
    cancel: "Cancel",
    empty: "No triggers yet",
    page_load: "When the page loads",
    exit_intent: "When the visitor is leaving",
    time_on_page: "After time on the page",
    scroll_depth: "After scrolling half the page",
};

static RU: TriggerWords = TriggerWords {
    name: "Название",
    condition: "Когда",
    delay: "Задержка, секунд",
    message: "Сообщение посетителю",
    pages: "Страницы (* или путь, например /pricing)",
    active: "Вкл.",
    create: "Добавить триггер",
    edit: "Изменить",
    save: "Сохранить триггер",
    cancel: "Отмена",
    empty: "Триггеров пока нет",
    page_load: "При загрузке страницы",
    exit_intent: "Когда посетитель уходит",
    time_on_page: "Через время на странице",
    scroll_depth: "После прокрутки половины страницы",
};

static UZ: TriggerWords = TriggerWords {
    name: "Nomi",
    condition: "Qachon",
    delay: "Kechikish, soniya",
    message: "Tashrifchiga xabar",
    pages: "Sahifalar (* yoki /pricing kabi yo'l)",
    active: "Yoqilgan",
    create: "Trigger qo'shish",
    edit: "Tahrirlash",
    save: "Triggerni saqlash",
    cancel: "Bekor qilish",
    empty: "Hozircha triggerlar yo'q",
    page_load: "Sahifa yuklanganda",
    exit_intent: "Tashrifchi chiqib ketayotganda",
    time_on_page: "Sahifada biroz vaqtdan so'ng",
    scroll_depth: "Sahifaning yarmi aylantirilgach",
};

fn trigger_words(lang: Lang) -> &'static TriggerWords {
    crate::i18n::pick(lang, &EN, &RU, &UZ)
}

fn condition_label(t: &TriggerWords, c: TriggerCondition) -> &'static str {
    match c {
        TriggerCondition::PageLoad => t.page_load,
        TriggerCondition::ExitIntent => t.exit_intent,
        TriggerCondition::TimeOnPage => t.time_on_page,
        TriggerCondition::ScrollDepth => t.scroll_depth,
    }
}

/// The delay as typed: a number when it is one (the server checks its range), blank as
/// the default 0, and anything else as text for the server to refuse by name.
fn delay_value(raw: &str) -> Value {
    let raw = raw.trim();
    if raw.is_empty() {
        return json!(0);
    }
    raw.parse::<i64>().map_or_else(|_| json!(raw), |n| json!(n))
}

#[component]
pub fn Triggers(lang: Lang) -> impl IntoView {
    let w = words(lang);
    let t = trigger_words(lang);
    let triggers = Collection::<Trigger>::load("/v1/automation/triggers", lang);
    let name = NodeRef::<Input>::new();
    let condition = NodeRef::<Select>::new();
    let delay = NodeRef::<Input>::new();
    let message = NodeRef::<Textarea>::new();
    let pages = NodeRef::<Input>::new();
    let active = NodeRef::<Input>::new();
    // The trigger the form is changing; none while it adds a new one.
    let editing = RwSignal::new(None::<String>);
    let fill = move |tr: Option<&Trigger>| {
        let (Some(n), Some(c), Some(d), Some(m), Some(p), Some(a)) = (
            name.get_untracked(),
            condition.get_untracked(),
            delay.get_untracked(),
            message.get_untracked(),
            pages.get_untracked(),
            active.get_untracked(),
        ) else {
            return;
        };
        n.set_value(tr.map_or("", |t| t.name.as_str()));
        c.set_value(
            tr.map_or(TriggerCondition::ALL[0], |t| t.condition)
                .as_str(),
        );
        d.set_value(&tr.map_or(0, |t| t.delay_seconds).to_string());
        m.set_value(tr.map_or("", |t| t.message.as_str()));
        p.set_value(tr.map_or("", |t| t.url_pattern.as_str()));
        a.set_checked(tr.is_none_or(|t| t.active));
        editing.set(tr.map(|t| t.id.as_str().to_string()));
        let _ = n.focus();
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(n), Some(c), Some(d), Some(m), Some(p), Some(a)) = (
            name.get_untracked(),
            condition.get_untracked(),
            delay.get_untracked(),
            message.get_untracked(),
            pages.get_untracked(),
            active.get_untracked(),
        ) else {
            return;
        };
        let mut body = json!({
            "name": n.value(),
            "condition": c.value(),
            "delay_seconds": delay_value(&d.value()),
            "message": m.value(),
            "active": a.checked(),
        });
        // Blank means every page: the API's default for a new trigger, `*` for a change.
        let pattern = p.value().trim().to_string();
        match editing.get_untracked() {
            Some(id) => {
                body["url_pattern"] = json!(if pattern.is_empty() { "*" } else { &pattern });
                triggers.save(&id, body, move |_| fill(None));
            }
            None => {
                if !pattern.is_empty() {
                    body["url_pattern"] = json!(pattern);
                }
                triggers.create(body, move |_: Trigger| fill(None));
            }
        }
    };
    view! {
        <section class="keys triggers" aria-label=words(lang).triggers data-testid="triggers">
            <form class="card trigger-form" on:submit=submit>
                <label>{t.name}
                    <input node_ref=name type="text" required maxlength="100"
                        data-testid="trigger-name" />
                </label>
                <label>{t.condition}
                    <select node_ref=condition data-testid="trigger-condition">
                        {TriggerCondition::ALL.iter().map(|&c| view! {
                            <option value=c.as_str()>{condition_label(t, c)}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label>{t.delay}
                    <input node_ref=delay type="number" min="0" max=MAX_DELAY_SECONDS.to_string()
                        value="0" inputmode="numeric" data-testid="trigger-delay" />
                </label>
                <label>{t.pages}
                    <input node_ref=pages type="text" placeholder="*" data-testid="trigger-pages" />
                </label>
                <label>{t.message}
                    <textarea node_ref=message required maxlength="10000" rows="2"
                        data-testid="trigger-message"></textarea>
                </label>
                <label class="inline">
                    <input node_ref=active type="checkbox" checked data-testid="trigger-active-new" />
                    {t.active}
                </label>
                <div class="buttons">
                    <button type="submit" data-testid="trigger-create">
                        {move || if editing.get().is_some() { t.save } else { t.create }}
                    </button>
                    {move || editing.get().is_some().then(|| view! {
                        <button type="button" data-testid="trigger-cancel"
                            on:click=move |_| fill(None)>{t.cancel}</button>
                    })}
                </div>
            </form>
            <ErrorLine error=triggers.error testid="trigger-error" />
            {move || triggers.items.with(Vec::is_empty).then(|| view! {
                <p class="empty">{t.empty}</p>
            })}
            <table>
                <tbody>
                    <For each=move || triggers.items.get() key=|tr| {
                        (tr.id.clone(), tr.active, tr.name.clone(), tr.condition, tr.delay_seconds,
                         tr.message.clone(), tr.url_pattern.as_str().to_string())
                    } let:tr>
                        <tr data-testid="trigger-row" data-trigger-id=tr.id.as_str().to_string()>
                            <td>
                                <strong>{tr.name.clone()}</strong>
                                <div class="muted">
                                    {condition_label(t, tr.condition)}
                                    {(tr.delay_seconds > 0).then(|| {
                                        format!(" +{}", crate::i18n::duration(tr.delay_seconds.into(), lang))
                                    })}
                                    " · "{tr.url_pattern.as_str().to_string()}
                                </div>
                                <div>{tr.message.clone()}</div>
                            </td>
                            <td>
                                <label class="inline">
                                    <input type="checkbox" prop:checked=tr.active
                                        data-testid="trigger-active"
                                        on:change={
                                            let id = tr.id.as_str().to_string();
                                            move |ev| triggers.update(
                                                &id,
                                                json!({"active": event_target_checked(&ev)}),
                                            )
                                        } />
                                    {t.active}
                                </label>
                            </td>
                            <td class="row-actions">
                                <button type="button" data-testid="trigger-edit"
                                    on:click={let tr = tr.clone(); move |_| fill(Some(&tr))}>
                                    {t.edit}
                                </button>
                                <button type="button" data-testid="trigger-delete"
                                    on:click={let id = tr.id.as_str().to_string(); move |_| triggers.remove(&id)}>
                                    {w.delete}
                                </button>
                            </td>
                        </tr>
                    </For>
                </tbody>
            </table>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_word_is_translated() {
        let all = |t: &TriggerWords| {
            [
                t.name,
                t.condition,
                t.delay,
                t.message,
                t.pages,
                t.active,
                t.create,
                t.edit,
                t.save,
                t.cancel,
                t.empty,
                t.page_load,
                t.exit_intent,
                t.time_on_page,
                t.scroll_depth,
            ]
        };
        for (en, other) in all(&EN)
            .iter()
            .zip(all(&RU))
            .chain(all(&EN).iter().zip(all(&UZ)))
        {
            assert!(!other.is_empty() && other != *en, "{en} is not translated");
        }
        for c in TriggerCondition::ALL {
            assert!(!condition_label(&UZ, *c).is_empty());
        }
    }

    #[test]
    fn a_typed_delay_is_sent_as_a_number_or_left_for_the_server_to_refuse() {
        assert_eq!(delay_value(""), json!(0));
        assert_eq!(delay_value(" 30 "), json!(30));
        assert_eq!(delay_value("-1"), json!(-1));
        assert_eq!(delay_value("soon"), json!("soon"));
    }
}
