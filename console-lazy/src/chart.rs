//! The Analytics tab's charts over time, drawn as inline SVG from
//! `GET /v1/analytics/daily` (no chart library: the wasm stays small).
//!
//! The SVG is written as markup and handed to the browser's parser, so its elements land
//! in the SVG namespace (`<title>` included, which the view macro would make an HTML
//! element). The bars stretch to the width (`preserveAspectRatio="none"`), so 90 days
//! fit a 360 px screen; the text around them (scale, first and last day) is HTML and
//! never stretched. Every day of the range has a `<g data-date>` with a `<title>`,
//! empty days too; screen readers get the `aria-label` summary and a visually hidden
//! table of the numbers.

use leptos::prelude::*;
use shared_types::analytics::DailyFigures;

use crate::analytics::Words;
use crate::i18n::{self, Lang};

/// Width of one day in viewBox units; the height is 100.
const SLOT: usize = 10;

/// The smallest 1, 2 or 5 × 10ⁿ at or above `most`, so the scale reads as a round
/// figure; 1 for an empty range, so bars never divide by zero.
pub fn scale_top(most: u64) -> u64 {
    let mut step = 1u64;
    loop {
        for m in [1, 2, 5] {
            if step.saturating_mul(m) >= most {
                return step.saturating_mul(m).max(1);
            }
        }
        step = step.saturating_mul(10);
    }
}

/// A bar's height in viewBox units (0..=100) for `value` on a scale of `top`.
fn height(value: u64, top: u64) -> f64 {
    (value as f64 * 100.0 / top.max(1) as f64).clamp(0.0, 100.0)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One bar of a day's slot: `offset` and `width` within the slot.
fn bar(i: usize, offset: f64, width: f64, value: u64, top: u64, class: &str) -> String {
    let h = height(value, top);
    if h == 0.0 {
        return String::new();
    }
    let x = (i * SLOT) as f64 + offset;
    format!(
        r#"<rect class="{class}" x="{x}" y="{y}" width="{width}" height="{h}"/>"#,
        y = 100.0 - h
    )
}

/// The `<svg>`: `days` slots of bars over a baseline, with `label` as its summary.
fn svg(label: &str, days: usize, slots: String) -> String {
    let width = (days * SLOT).max(SLOT);
    format!(
        r#"<svg role="img" aria-label="{label}" viewBox="0 0 {width} 100" preserveAspectRatio="none" focusable="false"><line class="base" x1="0" y1="100" x2="{width}" y2="100" vector-effect="non-scaling-stroke"/>{slots}</svg>"#,
        label = escape(label)
    )
}

/// A day's group: the whole slot is a hover target, so empty days have a tooltip too.
fn slot(i: usize, day: &DailyFigures, data: &str, title: &str, bars: &str) -> String {
    format!(
        r#"<g data-date="{date}" {data}><title>{title}</title><rect class="hit" x="{x}" y="0" width="{SLOT}" height="100"/>{bars}</g>"#,
        date = day.date.as_str(),
        title = escape(title),
        x = i * SLOT
    )
}

/// Chats created per day beside chats resolved (closed) that day: what came in against
/// what the team finished, day by day.
pub fn chats_svg(days: &[DailyFigures], lang: Lang, w: &Words) -> String {
    let top = scale_top(
        days.iter()
            .map(|d| d.total_chats.max(d.closed_chats))
            .max()
            .unwrap_or(0),
    );
    let slots: String = days
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let title = format!(
                "{}: {} {}, {} {}",
                i18n::date(&d.date, lang),
                w.created,
                i18n::number(d.total_chats, lang),
                w.resolved,
                i18n::number(d.closed_chats, lang)
            );
            let bars = bar(i, 1.0, 4.0, d.total_chats, top, "created")
                + &bar(i, 5.0, 4.0, d.closed_chats, top, "resolved");
            let data = format!(
                r#"data-created="{}" data-resolved="{}""#,
                d.total_chats, d.closed_chats
            );
            slot(i, d, &data, &title, &bars)
        })
        .collect();
    let created: u64 = days.iter().map(|d| d.total_chats).sum();
    let resolved: u64 = days.iter().map(|d| d.closed_chats).sum();
    let mut label = format!(
        "{}, {}: {} {}, {} {}",
        w.chats_per_day,
        span(days, lang),
        w.created,
        i18n::number(created, lang),
        w.resolved,
        i18n::number(resolved, lang)
    );
    // The first of the busiest days, as a reader scanning the bars would name it.
    if let Some(busiest) = days
        .iter()
        .filter(|d| d.total_chats > 0)
        .max_by(|a, b| a.total_chats.cmp(&b.total_chats).then(b.date.cmp(&a.date)))
    {
        label.push_str(&format!(
            "; {} {} ({})",
            w.busiest,
            i18n::date(&busiest.date, lang),
            i18n::number(busiest.total_chats, lang)
        ));
    }
    svg(&label, days.len(), slots)
}

/// The mean first-response time of each day's chats; a day without replies has no bar.
pub fn response_svg(days: &[DailyFigures], lang: Lang, w: &Words) -> String {
    let top = response_top(days);
    let slots: String = days
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let value = d.avg_response_time_seconds;
            let shown = value.map_or_else(|| w.no_replies.to_string(), |s| i18n::duration(s, lang));
            let title = format!("{}: {shown}", i18n::date(&d.date, lang));
            let data = format!(
                r#"data-value="{}""#,
                value.map_or_else(String::new, |s| s.to_string())
            );
            let bars = bar(i, 2.0, 6.0, value.unwrap_or(0), top, "response");
            slot(i, d, &data, &title, &bars)
        })
        .collect();
    let answered: Vec<u64> = days
        .iter()
        .filter_map(|d| d.avg_response_time_seconds)
        .collect();
    let mut label = format!("{}, {}", w.response_per_day, span(days, lang));
    if let (Some(min), Some(max)) = (answered.iter().min(), answered.iter().max()) {
        label.push_str(&format!(
            ": {} – {}",
            i18n::duration(*min, lang),
            i18n::duration(*max, lang)
        ));
    }
    let silent = days.len() - answered.len();
    if silent > 0 {
        label.push_str(&format!(
            "; {}: {}",
            w.days_without_replies,
            i18n::number(silent as u64, lang)
        ));
    }
    svg(&label, days.len(), slots)
}

/// The response chart's scale, in seconds: a round time (30 s, 5 min, 2 h, …) rather
/// than a round number of seconds such as 200 (3 min 20 s).
pub fn response_top(days: &[DailyFigures]) -> u64 {
    const ROUND: [u64; 15] = [
        10, 30, 60, 120, 300, 600, 900, 1_800, 3_600, 7_200, 14_400, 28_800, 43_200, 86_400,
        172_800,
    ];
    let most = days
        .iter()
        .filter_map(|d| d.avg_response_time_seconds)
        .max()
        .unwrap_or(0);
    ROUND
        .into_iter()
        .find(|&t| t >= most)
        .unwrap_or_else(|| scale_top(most.div_ceil(86_400)) * 86_400)
}

fn span(days: &[DailyFigures], lang: Lang) -> String {
    match (days.first(), days.last()) {
        (Some(first), Some(last)) => i18n::date_range(&first.date, &last.date, lang),
        _ => String::new(),
    }
}

/// A chart with its caption, legend, scale and first/middle/last day under it.
#[component]
pub fn Chart(
    testid: &'static str,
    caption: &'static str,
    /// `(css class, label)` per series.
    legend: Vec<(&'static str, &'static str)>,
    /// The scale's top, as text.
    top: String,
    svg: String,
    days: Vec<DailyFigures>,
    lang: Lang,
) -> impl IntoView {
    let n = days.len();
    let picks = match n {
        0 => vec![],
        1 => vec![0],
        2 => vec![0, 1],
        _ => vec![0, n / 2, n - 1],
    };
    let ticks: Vec<String> = picks
        .into_iter()
        .map(|i| i18n::day_month(&days[i].date, lang))
        .collect();
    view! {
        <figure class="chart" data-testid=testid>
            <figcaption>
                <span class="caption">{caption}</span>
                <span class="legend">
                    {legend.into_iter().map(|(class, label)| view! {
                        <span><i class=format!("key {class}")></i>{label}</span>
                    }).collect_view()}
                </span>
            </figcaption>
            <span class="scale" aria-hidden="true">{top}</span>
            <div class="plot" inner_html=svg></div>
            <div class="ticks" aria-hidden="true">
                {ticks.into_iter().map(|t| view! { <span>{t}</span> }).collect_view()}
            </div>
        </figure>
    }
}

/// The charts' numbers as a table for screen readers, as markup (like the SVG, it is
/// only ever replaced whole). The `.sr-only` wrapper hides it: a table itself ignores
/// `overflow`, and would widen the page.
pub fn table_html(days: &[DailyFigures], lang: Lang, w: &Words) -> String {
    let cell = |tag: &str, text: &str| format!("<{tag}>{}</{tag}>", escape(text));
    let head: String = [w.date, w.created, w.resolved, w.first_response]
        .iter()
        .map(|t| cell("th", t))
        .collect();
    let rows: String = days
        .iter()
        .map(|d| {
            let response = d
                .avg_response_time_seconds
                .map_or_else(|| w.no_replies.to_string(), |s| i18n::duration(s, lang));
            format!(
                r#"<tr><th scope="row">{}</th>{}{}{}</tr>"#,
                escape(&i18n::date(&d.date, lang)),
                cell("td", &i18n::number(d.total_chats, lang)),
                cell("td", &i18n::number(d.closed_chats, lang)),
                cell("td", &response)
            )
        })
        .collect();
    format!(
        r#"<table data-testid="chart-table"><caption>{}, {}</caption><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"#,
        escape(w.chats_per_day),
        escape(w.response_per_day)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared_types::validate::IsoDate;

    fn day(date: &str, created: u64, closed: u64, response: Option<u64>) -> DailyFigures {
        DailyFigures {
            date: IsoDate::parse(date).unwrap(),
            total_chats: created,
            resolved_chats: 0,
            avg_response_time_seconds: response,
            closed_chats: closed,
            avg_resolution_time_minutes: None,
            first_contact_resolution_rate: None,
            csat_score: None,
            csat_responses: 0,
        }
    }

    #[test]
    fn scales_are_round_and_never_zero() {
        assert_eq!(scale_top(0), 1);
        assert_eq!(scale_top(1), 1);
        assert_eq!(scale_top(3), 5);
        assert_eq!(scale_top(7), 10);
        assert_eq!(scale_top(11), 20);
        assert_eq!(scale_top(1_200), 2_000);
        assert_eq!(height(5, 10), 50.0);
        assert_eq!(height(0, 0), 0.0);
        let response = |s| response_top(&[day("2026-03-01", 1, 0, s)]);
        assert_eq!(response(None), 10);
        assert_eq!(response(Some(180)), 300);
        assert_eq!(response(Some(3_601)), 7_200);
        assert_eq!(response(Some(86_400 * 3)), 86_400 * 5);
    }

    #[test]
    fn every_day_has_a_slot_with_its_numbers_and_empty_days_have_no_bars() {
        let w = crate::analytics::words(Lang::En);
        let days = [
            day("2026-03-01", 0, 0, None),
            day("2026-03-02", 4, 2, Some(135)),
            day("2026-03-03", 0, 1, None),
        ];
        let chats = chats_svg(&days, Lang::En, w);
        assert_eq!(chats.matches("<g data-date=").count(), 3);
        assert!(chats.contains(r#"<g data-date="2026-03-02" data-created="4" data-resolved="2">"#));
        assert!(chats.contains("<title>2\u{a0}Mar\u{a0}2026: Created 4, Resolved 2</title>"));
        // The scale is 5: 4 created is 80 units high.
        assert!(chats.contains(r#"class="created" x="11" y="20" width="4" height="80""#));
        assert_eq!(chats.matches("class=\"created\"").count(), 1);
        assert!(chats.contains("busiest day 2\u{a0}Mar\u{a0}2026 (4)"));
        let response = response_svg(&days, Lang::Ru, crate::analytics::words(Lang::Ru));
        assert!(response.contains(r#"<g data-date="2026-03-01" data-value="">"#));
        assert!(response.contains(r#"data-value="135""#));
        assert!(response.contains("<title>2\u{a0}мар.\u{a0}2026: 2\u{a0}мин 15\u{a0}с</title>"));
        assert_eq!(response.matches("class=\"response\"").count(), 1);
        assert!(response.contains("дней без ответов: 2"), "{response}");
    }

    #[test]
    fn the_table_has_a_row_per_day_with_its_numbers() {
        let days = [
            day("2026-03-01", 0, 0, None),
            day("2026-03-02", 1_234, 2, Some(75)),
        ];
        let html = table_html(&days, Lang::Uz, crate::analytics::words(Lang::Uz));
        assert_eq!(html.matches("<tr>").count(), 3);
        assert!(html.contains(
            "<tr><th scope=\"row\">2-mar, 2026</th><td>1\u{a0}234</td><td>2</td><td>1\u{a0}daq 15\u{a0}s</td></tr>"
        ));
        assert!(html.contains("<td>javob yo'q</td>"));
    }

    #[test]
    fn text_in_the_markup_is_escaped() {
        assert_eq!(escape(r#"<a & "b">"#), "&lt;a &amp; &quot;b&quot;&gt;");
    }
}
