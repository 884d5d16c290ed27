//! The agent's realtime sockets, both through one helper: the workspace feed
//! (`/v1/realtime?ticket=…`, every chat's events) and a chat's room
//! (`/v1/realtime?chat_id=…&ticket=…`, typing and read frames too). Each is opened with
//! a fresh ticket and reopened after every drop until it is shut or dropped.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use shared_types::realtime::{ClientFrame, RealtimeTicket, ServerFrame};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, WebSocket};

use crate::api;

/// Milliseconds to wait before reopening a dropped socket.
pub const RECONNECT_MS: i32 = 2_000;

/// A frame as it came (for a listener in the other wasm, which decodes its own) and
/// decoded.
pub type OnFrame = Box<dyn Fn(&str, ServerFrame)>;

/// A socket that reconnects. Dropping it shuts it.
pub struct Socket {
    inner: Rc<Inner>,
}

struct Inner {
    chat_id: Option<String>,
    socket: RefCell<Option<WebSocket>>,
    /// No more reconnects.
    shut: Cell<bool>,
    on_frame: OnFrame,
    /// After each (re)connect: what was sent meanwhile is the caller's to fetch again.
    on_open: Box<dyn Fn()>,
}

impl Socket {
    /// The workspace feed when `chat_id` is `None`, else that chat's room. `on_open`
    /// runs after every (re)connect, the first included.
    pub fn open(chat_id: Option<String>, on_frame: OnFrame, on_open: Box<dyn Fn()>) -> Socket {
        let inner = Rc::new(Inner {
            chat_id,
            socket: RefCell::new(None),
            shut: Cell::new(false),
            on_frame,
            on_open,
        });
        connect(Rc::downgrade(&inner));
        Socket { inner }
    }

    /// Sends a frame if the socket is open; typing and read frames are worth nothing
    /// late, so nothing is queued.
    pub fn send(&self, frame: &ClientFrame) {
        let socket = self.inner.socket.borrow();
        if let (Some(socket), Ok(text)) = (socket.as_ref(), serde_json::to_string(frame)) {
            if socket.ready_state() == WebSocket::OPEN {
                let _ = socket.send_with_str(&text);
            }
        }
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        self.inner.shut.set(true);
        if let Some(socket) = self.inner.socket.borrow_mut().take() {
            let _ = socket.close();
        }
    }
}

/// `chat_id=…&ticket=…` or `ticket=…`.
fn query(chat_id: Option<&str>, ticket: &str) -> String {
    match chat_id {
        Some(chat) => format!(
            "chat_id={}&ticket={}",
            api::encode(chat),
            api::encode(ticket)
        ),
        None => format!("ticket={}", api::encode(ticket)),
    }
}

/// The handlers hold the socket weakly: once it is dropped, a late ticket or event finds
/// nothing and stops.
fn connect(weak: Weak<Inner>) {
    leptos::task::spawn_local(async move {
        let ticket = api::call::<RealtimeTicket>("POST", "/v1/realtime/tickets", None).await;
        let Some(inner) = weak.upgrade().filter(|i| !i.shut.get()) else {
            return;
        };
        let ticket = match ticket {
            Ok(ticket) => ticket,
            // The session ended (signed out elsewhere, expired): back to the sign-in form.
            Err(f) if f.status == 401 => {
                if let Some(w) = web_sys::window() {
                    let _ = w.location().reload();
                }
                return;
            }
            Err(_) => return later(RECONNECT_MS, move || connect(weak)),
        };
        let url = socket_url(&query(inner.chat_id.as_deref(), &ticket.ticket));
        let Some(socket) = url.and_then(|url| WebSocket::new(&url).ok()) else {
            return later(RECONNECT_MS, move || connect(weak));
        };
        let w = weak.clone();
        let onmessage = Closure::<dyn Fn(MessageEvent)>::new(move |e: MessageEvent| {
            let Some(text) = e.data().as_string() else {
                return;
            };
            if let (Some(inner), Some(frame)) = (w.upgrade(), api::decode::<ServerFrame>(&text)) {
                (inner.on_frame)(&text, frame);
            }
        });
        socket.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        onmessage.forget();
        let w = weak.clone();
        let onopen = Closure::<dyn Fn()>::new(move || {
            if let Some(inner) = w.upgrade() {
                (inner.on_open)();
            }
        });
        socket.set_onopen(Some(onopen.as_ref().unchecked_ref()));
        onopen.forget();
        let w = weak.clone();
        let onclose = Closure::once_into_js(move || {
            if w.upgrade().is_some_and(|i| !i.shut.get()) {
                later(RECONNECT_MS, move || connect(w));
            }
        });
        socket.set_onclose(Some(onclose.unchecked_ref()));
        *inner.socket.borrow_mut() = Some(socket);
    });
}

/// Runs `f` after `ms`.
pub fn later(ms: i32, f: impl FnOnce() + 'static) {
    let f = Closure::once_into_js(f);
    if let Some(w) = web_sys::window() {
        let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(f.unchecked_ref(), ms);
    }
}

/// `ws(s)://<this host>/v1/realtime?<query>`.
fn socket_url(query: &str) -> Option<String> {
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

#[cfg(test)]
mod tests {
    use super::query;

    #[test]
    fn the_feed_asks_with_the_ticket_and_a_room_with_its_chat_too() {
        assert_eq!(query(None, "t/1"), "ticket=t%2F1");
        assert_eq!(query(Some("chat_1"), "t"), "chat_id=chat_1&ticket=t");
    }
}
