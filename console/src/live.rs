//! The agent's realtime socket: the workspace feed (`GET /v1/realtime?ticket=…`, every
//! chat's events), reopened with a fresh ticket whenever it drops.

use std::rc::Rc;

use shared_types::realtime::{RealtimeTicket, ServerFrame};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, WebSocket};

use crate::api;

/// Milliseconds to wait before reopening a dropped socket (the feed or a chat's room).
pub const RECONNECT_MS: i32 = 2_000;

/// Opens the feed and hands every frame to `on_frame`, for the life of the page (signing
/// out reloads it). `on_open` runs after each (re)connect, so the caller can refetch
/// what it may have missed.
pub fn follow(on_frame: Rc<dyn Fn(ServerFrame)>, on_open: Rc<dyn Fn()>) {
    leptos::task::spawn_local(async move {
        let retry = || follow_later(on_frame.clone(), on_open.clone());
        let ticket = match api::call::<RealtimeTicket>("POST", "/v1/realtime/tickets", None).await {
            Ok(ticket) => ticket,
            // The session ended (signed out elsewhere, expired): back to the sign-in form.
            Err(f) if f.status == 401 => {
                if let Some(w) = web_sys::window() {
                    let _ = w.location().reload();
                }
                return;
            }
            Err(_) => {
                retry();
                return;
            }
        };
        let Some(url) = socket_url(&format!("ticket={}", api::encode(&ticket.ticket))) else {
            return;
        };
        let Ok(socket) = WebSocket::new(&url) else {
            retry();
            return;
        };
        let frames = on_frame.clone();
        let onmessage = Closure::<dyn Fn(MessageEvent)>::new(move |e: MessageEvent| {
            if let Some(text) = e.data().as_string() {
                if let Ok(frame) = serde_json::from_str::<ServerFrame>(&text) {
                    frames(frame);
                }
            }
        });
        socket.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        onmessage.forget();
        let opened = on_open.clone();
        let onopen = Closure::<dyn Fn()>::new(move || opened());
        socket.set_onopen(Some(onopen.as_ref().unchecked_ref()));
        onopen.forget();
        let (f, o) = (on_frame.clone(), on_open.clone());
        let onclose = Closure::once_into_js(move || follow_later(f, o));
        socket.set_onclose(Some(onclose.unchecked_ref()));
    });
}

fn follow_later(on_frame: Rc<dyn Fn(ServerFrame)>, on_open: Rc<dyn Fn()>) {
    later(RECONNECT_MS, move || follow(on_frame, on_open));
}

/// Runs `f` after `ms`.
pub fn later(ms: i32, f: impl FnOnce() + 'static) {
    let f = Closure::once_into_js(f);
    if let Some(w) = web_sys::window() {
        let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(f.unchecked_ref(), ms);
    }
}

/// `ws(s)://<this host>/v1/realtime?<query>`: the feed with `ticket=…`, a chat's room
/// with `chat_id=…&ticket=…`.
pub fn socket_url(query: &str) -> Option<String> {
    let location = web_sys::window()?.location();
    let scheme = if location.protocol().ok()? == "https:" {
        "wss"
    } else {
        "ws"
    };
    Some(format!(
        "{scheme}://{}/v1/realtime?{query}",
        location.host().ok()?
    ))
}
