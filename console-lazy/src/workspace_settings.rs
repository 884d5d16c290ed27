//! The Settings tab (`GET/PATCH /v1/settings`): business hours (zone, each day's
//! openings, holidays), how chats are assigned, and the typing preview. Everyone may
//! read them; the server refuses operators' changes, so operators see no Save.

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::json;
use shared_types::settings::{AssignmentMode, Opening, Settings, Weekly};

use crate::api;
use crate::i18n::{words, Lang};
use crate::icons::{icon, Icon};
use crate::settings::explain;

pub struct SettingsWords {
    pub hours: &'static str,
    pub hours_on: &'static str,
    pub timezone: &'static str,
    pub days: [&'static str; 7],
    pub closed: &'static str,
    pub add_opening: &'static str,
    pub opens: &'static str,
    pub closes: &'static str,
    pub holidays: &'static str,
    pub holidays_hint: &'static str,
    pub assignment: &'static str,
    pub modes: [&'static str; 3],
    pub cap: &'static str,
    pub typing_preview: &'static str,
    pub saved: &'static str,
    pub remove: &'static str,
}

const EN: SettingsWords = SettingsWords {
    hours: "Business hours",
    hours_on: "Use business hours (outside them the widget takes messages and emails)",
    timezone: "Time zone",
    days: [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ],
    closed: "Closed",
    add_opening: "Add hours",
    opens: "Opens",
    closes: "Closes",
    holidays: "Holidays",
    holidays_hint: "Dates, YYYY-MM-DD, one per line or separated by commas",
    assignment: "Assign new chats",
    modes: [
        "By hand",
        "In turn (round robin)",
        "To the least busy agent",
    ],
    cap: "Most active chats per agent (empty for no limit)",
    typing_preview: "Show agents what the visitor is typing before it is sent",
    saved: "Saved",
    remove: "Remove these hours",
};

const RU: SettingsWords = SettingsWords {
    hours: "Часы работы",
    hours_on: "Учитывать часы работы (вне их виджет принимает сообщения и email)",
    timezone: "Часовой пояс",
    days: [
        "Понедельник",
        "Вторник",
        "Среда",
        "Четверг",
        "Пятница",
        "Суббота",
        "Воскресенье",
    ],
    closed: "Выходной",
    add_opening: "Добавить часы",
    opens: "С",
    closes: "До",
    holidays: "Праздники",
    holidays_hint: "Даты ГГГГ-ММ-ДД, по одной в строке или через запятую",
    assignment: "Назначение новых чатов",
    modes: ["Вручную", "По очереди", "Наименее занятому"],
    cap: "Не больше активных чатов на агента (пусто — без ограничения)",
    typing_preview: "Показывать агентам, что посетитель печатает, до отправки",
    saved: "Сохранено",
    remove: "Убрать эти часы",
};

const UZ: SettingsWords = SettingsWords {
    hours: "Ish vaqti",
    hours_on: "Ish vaqtini hisobga olish (undan tashqari vidjet xabar va email qabul qiladi)",
    timezone: "Vaqt mintaqasi",
    days: [
        "Dushanba",
        "Seshanba",
        "Chorshanba",
        "Payshanba",
        "Juma",
        "Shanba",
        "Yakshanba",
    ],
    closed: "Dam olish",
    add_opening: "Vaqt qo'shish",
    opens: "Dan",
    closes: "Gacha",
    holidays: "Bayramlar",
    holidays_hint: "Sanalar YYYY-MM-DD, har biri alohida qatorda yoki vergul bilan",
    assignment: "Yangi chatlarni taqsimlash",
    modes: ["Qo'lda", "Navbat bilan", "Eng kam bandga"],
    cap: "Agentga eng ko'p faol chat (bo'sh — cheklovsiz)",
    typing_preview: "Tashrif buyuruvchi yozayotganini yuborishdan oldin ko'rsatish",
    saved: "Saqlandi",
    remove: "Bu vaqtni olib tashlash",
};

pub fn settings_words(lang: Lang) -> &'static SettingsWords {
    crate::i18n::pick(lang, &EN, &RU, &UZ)
}

const DAY_KEYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

fn day_of(weekly: &Weekly, i: usize) -> Vec<Opening> {
    weekly.days()[i].1.clone()
}

/// The holidays typed into the box: any commas, spaces or lines between them.
pub fn holidays_of(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|d| !d.is_empty())
        .map(str::to_string)
        .collect()
}

#[component]
pub fn WorkspaceSettings(lang: Lang, manager: bool) -> impl IntoView {
    let w = words(lang);
    let sw = settings_words(lang);
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let loaded = RwSignal::new(false);
    let enabled = RwSignal::new(false);
    let zone = RwSignal::new(String::new());
    // One signal per weekday, Monday first.
    let days: [RwSignal<Vec<Opening>>; 7] = std::array::from_fn(|_| RwSignal::new(Vec::new()));
    let holidays = RwSignal::new(String::new());
    let mode = RwSignal::new(AssignmentMode::Manual);
    let cap = RwSignal::new(String::new());
    let typing = RwSignal::new(false);
    let show = move |s: Settings| {
        enabled.set(s.business_hours.enabled);
        zone.set(s.business_hours.timezone.clone());
        for (i, day) in days.iter().enumerate() {
            day.set(day_of(&s.business_hours.weekly, i));
        }
        holidays.set(s.business_hours.holidays.join("\n"));
        mode.set(s.assignment.mode);
        cap.set(
            s.assignment
                .max_active_per_agent
                .map(|n| n.to_string())
                .unwrap_or_default(),
        );
        typing.set(s.typing_preview);
        loaded.set(true);
    };
    spawn_local(async move {
        match api::call::<Settings>("GET", "/v1/settings", None).await {
            Ok(s) => show(s),
            Err(f) => error.set(Some(f.text(lang, w))),
        }
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let weekly: serde_json::Map<String, serde_json::Value> = DAY_KEYS
            .iter()
            .zip(days.iter())
            .map(|(key, day)| (key.to_string(), json!(day.get_untracked())))
            .collect();
        let cap_text = cap.get_untracked();
        let cap_value = match cap_text.trim() {
            "" => serde_json::Value::Null,
            n => n.parse::<u32>().map(|n| json!(n)).unwrap_or(json!(n)),
        };
        let body = json!({
            "business_hours": {
                "enabled": enabled.get_untracked(),
                "timezone": zone.get_untracked().trim(),
                "weekly": weekly,
                "holidays": holidays_of(&holidays.get_untracked()),
            },
            "assignment": {"mode": mode.get_untracked().as_str(), "max_active_per_agent": cap_value},
            "typing_preview": typing.get_untracked(),
        });
        saved.set(false);
        spawn_local(async move {
            match api::call::<Settings>("PATCH", "/v1/settings", Some(&body)).await {
                Ok(s) => {
                    error.set(None);
                    show(s);
                    saved.set(true);
                }
                Err(f) => error.set(Some(explain(&f, lang))),
            }
        });
    };
    let day_rows = move |i: usize| {
        let day = days[i];
        let set_time = move |row: usize, close: bool, value: String| {
            day.update(|list| {
                if let Some(o) = list.get_mut(row) {
                    if close {
                        o.close = value;
                    } else {
                        o.open = value;
                    }
                }
            });
        };
        let rows = move || (0..day.with(Vec::len)).collect::<Vec<usize>>();
        let testid = format!("hours-{}", DAY_KEYS[i]);
        view! {
            <fieldset class="day" data-testid=testid>
                <legend>{sw.days[i]}</legend>
                <Show when=move || day.with(Vec::is_empty)>
                    <span class="muted">{sw.closed}</span>
                </Show>
                <For each=rows key=|row| *row let:row>
                    <div class="opening">
                        <label>{sw.opens}
                            <input type="time" data-testid="hours-open"
                                prop:value=move || day.with(|d| d.get(row).map(|o| o.open.clone()).unwrap_or_default())
                                on:change=move |ev| set_time(row, false, event_target_value(&ev)) />
                        </label>
                        <label>{sw.closes}
                            <input type="time" data-testid="hours-close"
                                prop:value=move || day.with(|d| d.get(row).map(|o| o.close.clone()).unwrap_or_default())
                                on:change=move |ev| set_time(row, true, event_target_value(&ev)) />
                        </label>
                        <button type="button" class="icon-button" aria-label=sw.remove
                            on:click=move |_| day.update(|d| { if row < d.len() { d.remove(row); } })>
                            {icon(Icon::Close)}
                        </button>
                    </div>
                </For>
                <button type="button" data-testid="hours-add"
                    on:click=move |_| day.update(|d| d.push(Opening { open: "09:00".into(), close: "18:00".into() }))>
                    {sw.add_opening}
                </button>
            </fieldset>
        }
    };
    view! {
        <section class="workspace-settings">
            <form class="card" on:submit=save>
                <h2>{sw.hours}</h2>
                <label class="inline">
                    <input type="checkbox" data-testid="hours-enabled" prop:checked=move || enabled.get()
                        on:change=move |ev| enabled.set(event_target_checked(&ev)) />
                    {sw.hours_on}
                </label>
                <label>{sw.timezone}
                    <input type="text" data-testid="hours-timezone" placeholder="Asia/Tashkent"
                        prop:value=move || zone.get() on:input=move |ev| zone.set(event_target_value(&ev)) />
                </label>
                <div class="week">{(0..7).map(day_rows).collect_view()}</div>
                <label>{sw.holidays}
                    <textarea rows="3" data-testid="hours-holidays" aria-describedby="holidays-hint"
                        prop:value=move || holidays.get() on:input=move |ev| holidays.set(event_target_value(&ev))></textarea>
                    <span class="muted" id="holidays-hint">{sw.holidays_hint}</span>
                </label>
                <h2>{sw.assignment}</h2>
                <label>{sw.assignment}
                    <select data-testid="assignment-mode" on:change=move |ev| {
                        if let Ok(m) = event_target_value(&ev).parse() { mode.set(m); }
                    }>
                        {AssignmentMode::SPELLINGS.iter().zip(sw.modes).map(|(value, label)| view! {
                            <option value=*value selected=move || mode.get().as_str() == *value>{label}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label>{sw.cap}
                    <input type="number" min="1" max="100" data-testid="assignment-cap"
                        prop:value=move || cap.get() on:input=move |ev| cap.set(event_target_value(&ev)) />
                </label>
                <label class="inline">
                    <input type="checkbox" data-testid="typing-preview" prop:checked=move || typing.get()
                        on:change=move |ev| typing.set(event_target_checked(&ev)) />
                    {sw.typing_preview}
                </label>
                <p class="error" role="alert" data-testid="settings-error">{move || error.get().unwrap_or_default()}</p>
                <p class="saved" role="status" data-testid="settings-saved">{move || saved.get().then_some(sw.saved)}</p>
                {manager.then(|| view! {
                    <button type="submit" data-testid="settings-save" disabled=move || !loaded.get()>{w.save}</button>
                })}
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holidays_are_read_from_lines_or_commas() {
        assert_eq!(
            holidays_of("2026-03-21, 2026-01-01\n\n2026-05-09 "),
            ["2026-03-21", "2026-01-01", "2026-05-09"]
        );
        assert!(holidays_of("  \n").is_empty());
    }

    #[test]
    fn every_mode_has_a_label() {
        assert_eq!(EN.modes.len(), AssignmentMode::SPELLINGS.len());
    }
}
