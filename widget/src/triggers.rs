//! Proactive messages: each active trigger whose `url_pattern` matches this page waits
//! for its condition (page load, time on page, scrolling past half the page, the pointer
//! leaving towards the browser's chrome on desktop), then its `delay_seconds`, then shows
//! its message beside the launcher. A trigger fires at most once per visitor session
//! (kept in `sessionStorage`) and never while the panel is open.

use std::cell::Cell;
use std::rc::Rc;

use leptos::prelude::*;
use shared_types::validate::UrlPattern;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MouseEvent, VisibilityState, Window};

use crate::transport::{field, text};

/// A trigger's message, shown beside the launcher until the visitor opens the chat.
pub type Nudge = RwSignal<Option<String>>;

struct Trigger {
    id: String,
    condition: String,
    delay_ms: i32,
    message: String,
}

fn fired_key(workspace_id: &str) -> String {
    format!("chatflow:fired:{workspace_id}")
}

fn fired(window: &Window, workspace_id: &str) -> Vec<String> {
    window
        .session_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item(&fired_key(workspace_id)).ok().flatten())
        .map(|ids| ids.split(',').map(String::from).collect())
        .unwrap_or_default()
}

/// Starts watching for every trigger that applies to this page.
pub fn arm(
    triggers: Option<js_sys::Array>,
    workspace_id: String,
    open: RwSignal<bool>,
    nudge: Nudge,
) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let path = window.location().pathname().unwrap_or_default();
    let done = fired(&window, &workspace_id);
    let triggers = triggers
        .map(|a| a.iter().collect::<Vec<_>>())
        .unwrap_or_default();
    for t in triggers {
        let applies = text(&t, "url_pattern")
            .and_then(|p| UrlPattern::parse(&p).ok())
            .is_some_and(|p| p.matches(&path));
        let (Some(id), Some(condition), Some(message)) =
            (text(&t, "id"), text(&t, "condition"), text(&t, "message"))
        else {
            continue;
        };
        if !applies || done.contains(&id) {
            continue;
        }
        let delay_ms = field(&t, "delay_seconds").as_f64().unwrap_or(0.0) as i32 * 1000;
        watch(
            &window,
            Trigger {
                id,
                condition,
                delay_ms,
                message,
            },
            workspace_id.clone(),
            open,
            nudge,
        );
    }
}

fn watch(window: &Window, t: Trigger, workspace_id: String, open: RwSignal<bool>, nudge: Nudge) {
    let (id, message) = (t.id.clone(), t.message.clone());
    let fire = Rc::new(move || {
        let Some(window) = web_sys::window() else {
            return;
        };
        let mut done = fired(&window, &workspace_id);
        if done.contains(&id) || open.get_untracked() {
            return;
        }
        done.push(id.clone());
        if let Some(s) = window.session_storage().ok().flatten() {
            let _ = s.set_item(&fired_key(&workspace_id), &done.join(","));
        }
        nudge.set(Some(message.clone()));
    });
    let since_load = window.performance().map_or(0.0, |p| p.now()) as i32;
    match t.condition.as_str() {
        "page_load" => after(window, (t.delay_ms - since_load).max(0), fire),
        "time_on_page" => count_visible_time(window, t.delay_ms, since_load, fire),
        "scroll_depth" => once_on(window, "scroll", t.delay_ms, fire, |w, _| {
            let Some(doc) = w.document().and_then(|d| d.document_element()) else {
                return false;
            };
            let seen = w.scroll_y().unwrap_or(0.0)
                + w.inner_height()
                    .ok()
                    .and_then(|h| h.as_f64())
                    .unwrap_or(0.0);
            seen >= f64::from(doc.scroll_height()) / 2.0
        }),
        "exit_intent" => {
            // Touch screens have no pointer to leave with.
            let coarse = window
                .match_media("(pointer: coarse)")
                .ok()
                .flatten()
                .is_some_and(|m| m.matches());
            if !coarse {
                once_on(window, "mouseout", t.delay_ms, fire, |_, ev| {
                    ev.dyn_ref::<MouseEvent>()
                        .is_some_and(|m| m.related_target().is_none() && m.client_y() <= 0)
                });
            }
        }
        _ => {}
    }
}

fn after(window: &Window, ms: i32, fire: Rc<dyn Fn()>) {
    let cb = Closure::once_into_js(move || fire());
    let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(cb.unchecked_ref(), ms);
}

/// Fires once `ms` of visible time have passed (the page counts as visible since load).
fn count_visible_time(window: &Window, ms: i32, since_load: i32, fire: Rc<dyn Fn()>) {
    let seen = Rc::new(Cell::new(since_load));
    let handle = Rc::new(Cell::new(0));
    let tick = Closure::<dyn Fn()>::new({
        let handle = handle.clone();
        move || {
            let Some(w) = web_sys::window() else { return };
            let visible = w
                .document()
                .is_some_and(|d| d.visibility_state() == VisibilityState::Visible);
            if visible {
                seen.set(seen.get() + 250);
            }
            if seen.get() >= ms {
                w.clear_interval_with_handle(handle.get());
                fire();
            }
        }
    });
    if let Ok(h) = window
        .set_interval_with_callback_and_timeout_and_arguments_0(tick.as_ref().unchecked_ref(), 250)
    {
        handle.set(h);
    }
    // Lives until the page goes; after firing, the interval is cleared.
    tick.forget();
}

/// Listens on `window` (capturing, so document events count) until `holds`, then fires
/// after `delay_ms`.
fn once_on(
    window: &Window,
    event: &'static str,
    delay_ms: i32,
    fire: Rc<dyn Fn()>,
    holds: fn(&Window, &web_sys::Event) -> bool,
) {
    let armed = Rc::new(Cell::new(true));
    let listener = Closure::<dyn Fn(web_sys::Event)>::new(move |ev: web_sys::Event| {
        let Some(w) = web_sys::window() else { return };
        if armed.get() && holds(&w, &ev) {
            armed.set(false);
            after(&w, delay_ms, fire.clone());
        }
    });
    let _ = window.add_event_listener_with_callback_and_bool(
        event,
        listener.as_ref().unchecked_ref(),
        true,
    );
    // One small listener per trigger for the page's life; it does nothing once fired.
    listener.forget();
}
