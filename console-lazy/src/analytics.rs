//! The Analytics tab: a range of days (presets ending today, or custom from/to) counted
//! in the agent's own time zone; the overview (`GET /v1/analytics/overview`), charts
//! over time (`GET /v1/analytics/daily`, optionally one agent's) and the agents table
//! (`GET /v1/analytics/agents`) for it. Every figure is written the agent's language's
//! way (`crate::i18n`).

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared_types::analytics::{AgentPerformance, AnalyticsDaily, AnalyticsOverview};
use shared_types::DataList;

use crate::api::{self, Failure};
use crate::chart::{self, Chart};
use crate::i18n::{self, Lang};
use crate::range::{self, DayRange, Preset, RangeError};

/// This tab's words (kept apart from `i18n::Words`, which every tab edits).
pub struct Words {
    pub period: &'static str,
    pub today: &'static str,
    pub last_7: &'static str,
    pub last_30: &'static str,
    pub last_90: &'static str,
    pub custom: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub show: &'static str,
    pub pick_both: &'static str,
    pub reversed: &'static str,
    pub too_long: &'static str,
    pub agent: &'static str,
    pub all_agents: &'static str,
    pub created: &'static str,
    pub resolved: &'static str,
    pub first_response: &'static str,
    pub chats_per_day: &'static str,
    pub response_per_day: &'static str,
    pub no_replies: &'static str,
    pub busiest: &'static str,
    pub days_without_replies: &'static str,
    pub date: &'static str,
    pub vs_previous: &'static str,
}

static EN: Words = Words {
    period: "Period",
    today: "Today",
    last_7: "Last 7 days",
    last_30: "Last 30 days",
    last_90: "Last 90 days",
    custom: "Custom dates",
    from: "From",
    to: "To",
    show: "Show",
    pick_both: "Pick both dates",
    reversed: "The start date must not be after the end date",
    too_long: "A period may cover at most 366 days",
    agent: "Agent",
    all_agents: "All agents",
    created: "Created",
    resolved: "Resolved",
    first_response: "First response",
    chats_per_day: "Chats per day",
    response_per_day: "Average first response per day",
    no_replies: "no replies",
    busiest: "busiest day",
    days_without_replies: "days without replies",
    date: "Date",
    vs_previous: "vs previous period",
};

static RU: Words = Words {
    period: "Период",
    today: "Сегодня",
    last_7: "Последние 7 дней",
    last_30: "Последние 30 дней",
    last_90: "Последние 90 дней",
    custom: "Свои даты",
    from: "С",
    to: "По",
    show: "Показать",
    pick_both: "Выберите обе даты",
    reversed: "Дата начала не может быть позже даты окончания",
    too_long: "Период не может быть длиннее 366 дней",
    agent: "Агент",
    all_agents: "Все агенты",
    created: "Создано",
    resolved: "Решено",
    first_response: "Первый ответ",
    chats_per_day: "Чаты по дням",
    response_per_day: "Среднее время первого ответа по дням",
    no_replies: "нет ответов",
    busiest: "больше всего",
    days_without_replies: "дней без ответов",
    date: "Дата",
    vs_previous: "к прошлому периоду",
};

static UZ: Words = Words {
    period: "Davr",
    today: "Bugun",
    last_7: "Oxirgi 7 kun",
    last_30: "Oxirgi 30 kun",
    last_90: "Oxirgi 90 kun",
    custom: "Boshqa sanalar",
    from: "Boshlanishi",
    to: "Tugashi",
    show: "Ko'rsatish",
    pick_both: "Ikkala sanani tanlang",
    reversed: "Boshlanish sanasi tugash sanasidan keyin bo'lmasligi kerak",
    too_long: "Davr 366 kundan oshmasligi kerak",
    agent: "Agent",
    all_agents: "Barcha agentlar",
    created: "Yaratilgan",
    resolved: "Hal qilingan",
    first_response: "Birinchi javob",
    chats_per_day: "Kunlik suhbatlar",
    response_per_day: "Kunlik o'rtacha birinchi javob vaqti",
    no_replies: "javob yo'q",
    busiest: "eng band kun",
    days_without_replies: "javobsiz kunlar",
    date: "Sana",
    vs_previous: "oldingi davrga nisbatan",
};

pub fn words(lang: Lang) -> &'static Words {
    crate::i18n::pick(lang, &EN, &RU, &UZ)
}

impl RangeError {
    fn text(self, w: &Words) -> &'static str {
        match self {
            RangeError::Missing => w.pick_both,
            RangeError::Reversed => w.reversed,
            RangeError::TooLong => w.too_long,
        }
    }
}

/// A figure the API may leave `null` (nothing to average), shown as a dash.
fn figure<T>(value: Option<T>, show: impl Fn(T) -> String) -> String {
    value.map_or_else(|| "—".to_string(), show)
}

/// A bar's width in percent of the longest.
fn share(value: u64, most: u64) -> u64 {
    (value * 100).checked_div(most).unwrap_or(0)
}

/// Everything the tab shows for one range, replaced together so the parts always agree.
#[derive(Clone)]
struct Figures {
    overview: AnalyticsOverview,
    agents: Vec<AgentPerformance>,
    daily: AnalyticsDaily,
}

async fn fetch(query: String, agent_id: String) -> Result<Figures, Failure> {
    let overview = api::call("GET", &format!("/v1/analytics/overview?{query}"), None).await?;
    let path = format!("/v1/analytics/agents?{query}&sort_by=total_chats");
    let agents: DataList<AgentPerformance> = api::call("GET", &path, None).await?;
    let mut path = format!("/v1/analytics/daily?{query}");
    if !agent_id.is_empty() {
        path.push_str(&format!("&agent_id={agent_id}"));
    }
    let daily = api::call("GET", &path, None).await?;
    Ok(Figures {
        overview,
        agents: agents.data,
        daily,
    })
}

#[component]
pub fn Analytics(lang: Lang) -> impl IntoView {
    let w = words(lang);
    let shared = i18n::words(lang);
    let tz = StoredValue::new(range::browser_time_zone());
    let range = RwSignal::new(DayRange::preset(Preset::Days30, &range::local_today()));
    let custom = RwSignal::new(false);
    let agent = RwSignal::new(String::new());
    let figures = RwSignal::new(None::<Figures>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // Only the latest request may paint: an older answer arriving late is dropped.
    let generation = StoredValue::new(0u32);
    let load = move || {
        let query = range.with_untracked(|r| tz.with_value(|tz| r.query(tz.as_ref())));
        let agent_id = agent.get_untracked();
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        busy.set(true);
        spawn_local(async move {
            let result = fetch(query, agent_id).await;
            if generation.get_value() != mine {
                return;
            }
            busy.set(false);
            // On failure the old figures stay, under the error.
            match result {
                Ok(f) => {
                    figures.set(Some(f));
                    error.set(None);
                }
                Err(f) => error.set(Some(f.text(lang, shared))),
            }
        });
    };
    load();

    let pick = move |ev: leptos::ev::Event| {
        let key = event_target_value(&ev);
        match Preset::from_key(&key) {
            Some(preset) => {
                custom.set(false);
                // Today is read again: a console left open overnight moves on to the new day.
                range.set(DayRange::preset(preset, &range::local_today()));
                load();
            }
            None => custom.set(true),
        }
    };
    let from_input = NodeRef::<leptos::html::Input>::new();
    let to_input = NodeRef::<leptos::html::Input>::new();
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let value =
            |n: NodeRef<leptos::html::Input>| n.get().map(|i| i.value()).unwrap_or_default();
        match DayRange::custom(&value(from_input), &value(to_input)) {
            Ok(r) => {
                range.set(r);
                load();
            }
            // Refused here, as the API would refuse it: no request, old figures stay.
            Err(e) => error.set(Some(e.text(w).to_string())),
        }
    };
    let choose_agent = move |ev: leptos::ev::Event| {
        agent.set(event_target_value(&ev));
        load();
    };

    view! {
        <section class="analytics" aria-label=shared.analytics aria-busy=move || busy.get().to_string()>
            <div class="range">
                <label>
                    <span>{w.period}</span>
                    <select data-testid="range-preset" on:change=pick>
                        {Preset::ALL.into_iter().map(|p| {
                            let label = match p {
                                Preset::Today => w.today,
                                Preset::Days7 => w.last_7,
                                Preset::Days30 => w.last_30,
                                Preset::Days90 => w.last_90,
                            };
                            view! { <option value=p.key() selected=p == Preset::Days30>{label}</option> }
                        }).collect_view()}
                        <option value="custom">{w.custom}</option>
                    </select>
                </label>
                <form class="custom" on:submit=apply hidden=move || !custom.get()>
                    <label>
                        <span>{w.from}</span>
                        <input type="date" data-testid="range-from" node_ref=from_input
                            prop:value=move || range.with(|r| r.from().as_str().to_string()) />
                    </label>
                    <label>
                        <span>{w.to}</span>
                        <input type="date" data-testid="range-to" node_ref=to_input
                            prop:value=move || range.with(|r| r.to().as_str().to_string()) />
                    </label>
                    <button type="submit" data-testid="range-apply">{w.show}</button>
                </form>
            </div>
            <p class="error" role="alert" data-testid="range-error">{move || error.get()}</p>
            {move || figures.get().map(|f| view! {
                <Overview overview=f.overview lang=lang />
                <div class="charts">
                    <label class="agent-filter">
                        <span>{w.agent}</span>
                        <select data-testid="agent-filter" on:change=choose_agent>
                            <option value="" selected=agent.get_untracked().is_empty()>{w.all_agents}</option>
                            {f.agents.iter().map(|a| {
                                let id = a.agent_id.as_str().to_string();
                                let selected = agent.get_untracked() == id;
                                view! { <option value=id selected=selected>{a.name.clone()}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                    <Charts days=f.daily.data lang=lang />
                </div>
                <AgentsTable agents=f.agents lang=lang />
            })}
        </section>
    }
}

#[component]
fn Overview(overview: AnalyticsOverview, lang: Lang) -> impl IntoView {
    let (w, shared) = (words(lang), i18n::words(lang));
    let m = overview.metrics;
    let t = overview.trends;
    let trend = |change: Option<f64>| change.map(|c| i18n::change(c, lang));
    // One card per metric: (label, `data-metric`, value, change against the period before).
    let cards = [
        (
            shared.total_chats,
            "total_chats",
            i18n::number(m.total_chats, lang),
            trend(t.chats_change_percent),
        ),
        (
            shared.response_time,
            "response_time",
            figure(m.avg_response_time_seconds, |s| i18n::duration(s, lang)),
            trend(t.response_time_change_percent),
        ),
        (
            shared.resolution_time,
            "resolution_time",
            figure(m.avg_resolution_time_minutes, |m| {
                i18n::duration(m * 60, lang)
            }),
            None,
        ),
        (
            "CSAT",
            "csat",
            figure(m.csat_score, |s| i18n::score(s, lang)),
            None,
        ),
        (
            shared.fcr,
            "fcr",
            figure(m.first_contact_resolution_rate, |r| i18n::percent(r, lang)),
            None,
        ),
    ];
    // The first `dd` of the first card is the chat count (the console's tests read it).
    view! {
        <p class="period" data-testid="period">
            {i18n::date_range(&overview.period.from, &overview.period.to, lang)}
        </p>
        <dl class="cards" data-testid="overview">
            {cards.into_iter().map(|(label, metric, value, change)| view! {
                <div>
                    <dt>{label}</dt>
                    <dd data-metric=metric>{value}</dd>
                    {change.map(|c| view! { <dd class="trend" title=w.vs_previous>{c}</dd> })}
                </div>
            }).collect_view()}
        </dl>
    }
}

#[component]
fn Charts(days: Vec<shared_types::analytics::DailyFigures>, lang: Lang) -> impl IntoView {
    let w = words(lang);
    let most = days
        .iter()
        .map(|d| d.total_chats.max(d.closed_chats))
        .max()
        .unwrap_or(0);
    view! {
        <Chart
            testid="chart-chats"
            caption=w.chats_per_day
            legend=vec![("created", w.created), ("resolved", w.resolved)]
            top=i18n::number(chart::scale_top(most), lang)
            svg=chart::chats_svg(&days, lang, w)
            days=days.clone()
            lang=lang
        />
        <Chart
            testid="chart-response"
            caption=w.response_per_day
            legend=vec![("response", w.first_response)]
            top=i18n::duration(chart::response_top(&days), lang)
            svg=chart::response_svg(&days, lang, w)
            days=days.clone()
            lang=lang
        />
        <div class="sr-only" inner_html=chart::table_html(&days, lang, w)></div>
    }
}

#[component]
fn AgentsTable(agents: Vec<AgentPerformance>, lang: Lang) -> impl IntoView {
    let (w, shared) = (words(lang), i18n::words(lang));
    let most = agents.iter().map(|a| a.total_chats).max().unwrap_or(0);
    view! {
        <div class="table-scroll">
            <table class="agents">
                <thead>
                    <tr>
                        <th scope="col">{w.agent}</th>
                        <th scope="col">{shared.total_chats}</th>
                        <th scope="col">{w.resolved}</th>
                        <th scope="col">{shared.response_time}</th>
                        <th scope="col">"CSAT"</th>
                    </tr>
                </thead>
                <tbody>
                    {agents.into_iter().map(|a| view! {
                        <tr data-testid="agent-stats" data-agent-id=a.agent_id.as_str().to_string()>
                            <th scope="row">{a.name.clone()}</th>
                            <td class="chats-cell">
                                <span data-metric="total_chats">{i18n::number(a.total_chats, lang)}</span>
                                <span class="track" aria-hidden="true">
                                    <span class="bar" style=format!("width: {}%", share(a.total_chats, most))></span>
                                </span>
                            </td>
                            <td data-metric="resolved">{i18n::number(a.resolved_chats, lang)}</td>
                            <td data-metric="response_time">
                                {figure(a.avg_response_time_seconds, |s| i18n::duration(s, lang))}
                            </td>
                            <td data-metric="csat">{figure(a.csat_score, |s| i18n::score(s, lang))}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_figures_are_dashes_and_bars_never_divide_by_zero() {
        assert_eq!(figure(None::<u64>, |s| i18n::duration(s, Lang::En)), "—");
        assert_eq!(
            figure(Some(135), |s| i18n::duration(s, Lang::En)),
            "2\u{a0}min 15\u{a0}s"
        );
        assert_eq!(share(5, 0), 0);
        assert_eq!(share(5, 10), 50);
        assert_eq!(share(10, 10), 100);
    }

    #[test]
    fn every_language_has_its_own_range_messages() {
        for e in [
            RangeError::Missing,
            RangeError::Reversed,
            RangeError::TooLong,
        ] {
            let texts = [
                e.text(words(Lang::En)),
                e.text(words(Lang::Ru)),
                e.text(words(Lang::Uz)),
            ];
            assert!(texts.iter().all(|t| !t.is_empty()));
            assert_ne!(texts[0], texts[1]);
            assert_ne!(texts[1], texts[2]);
        }
    }
}
