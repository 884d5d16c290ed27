//! The last 30 days at a glance: `GET /v1/analytics/overview` and
//! `GET /v1/analytics/agents`, with each agent's chats drawn as a bar.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared_types::analytics::{AgentPerformance, AnalyticsOverview};
use shared_types::DataList;

use crate::api;
use crate::i18n::{words, Lang};

/// A figure the API may leave `null` (nothing to average), shown as a dash.
fn figure<T: std::fmt::Display>(value: Option<T>, unit: &str) -> String {
    value.map_or_else(|| "—".to_string(), |v| format!("{v}{unit}"))
}

/// A bar's width in percent of the longest.
fn share(value: u64, most: u64) -> u64 {
    (value * 100).checked_div(most).unwrap_or(0)
}

#[component]
pub fn Analytics(lang: Lang) -> impl IntoView {
    let w = words(lang);
    let overview = RwSignal::new(None::<AnalyticsOverview>);
    let agents = RwSignal::new(Vec::<AgentPerformance>::new());
    spawn_local(async move {
        if let Ok(o) = api::call::<AnalyticsOverview>("GET", "/v1/analytics/overview", None).await {
            overview.set(Some(o));
        }
        let path = "/v1/analytics/agents?sort_by=total_chats";
        if let Ok(list) = api::call::<DataList<AgentPerformance>>("GET", path, None).await {
            agents.set(list.data);
        }
    });
    let most = move || agents.with(|a| a.iter().map(|a| a.total_chats).max().unwrap_or(0));
    view! {
        <section class="analytics" aria-label=w.analytics>
            {move || overview.get().map(|o| {
                let m = o.metrics;
                let cards = [
                    (w.total_chats, m.total_chats.to_string()),
                    (w.response_time, figure(m.avg_response_time_seconds, " s")),
                    (w.resolution_time, figure(m.avg_resolution_time_minutes, " min")),
                    ("CSAT", figure(m.csat_score, "")),
                    (w.fcr, figure(m.first_contact_resolution_rate.map(|r| (r * 100.0).round()), " %")),
                ];
                view! {
                    <p class="period">{o.period.from.to_string()}" – "{o.period.to.to_string()}</p>
                    <dl class="cards" data-testid="overview">
                        {cards.into_iter().map(|(label, value)| view! {
                            <div><dt>{label}</dt><dd>{value}</dd></div>
                        }).collect_view()}
                    </dl>
                }
            })}
            <table class="agents">
                <tbody>
                    <For each=move || agents.get() key=|a| a.agent_id.clone() let:a>
                        <tr data-testid="agent-stats">
                            <td>{a.name.clone()}</td>
                            <td class="bar-cell">
                                <span class="bar" style=move || format!("width: {}%", share(a.total_chats, most()))></span>
                                <span>{a.total_chats}</span>
                            </td>
                            <td>{figure(a.avg_response_time_seconds, " s")}</td>
                            <td>{figure(a.csat_score, "")}</td>
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

    #[test]
    fn missing_figures_are_dashes_and_bars_never_divide_by_zero() {
        assert_eq!(figure(None::<u64>, " s"), "—");
        assert_eq!(figure(Some(135), " s"), "135 s");
        assert_eq!(share(5, 0), 0);
        assert_eq!(share(5, 10), 50);
        assert_eq!(share(10, 10), 100);
    }
}
