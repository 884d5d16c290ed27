//! The agent's realtime sockets, both through one helper: the workspace feed
//! (`/v1/realtime?ticket=…`, every chat's events) and a chat's room
//! (`/v1/realtime?chat_id=…&ticket=…`, typing and read frames too). Each is opened with
//! a fresh ticket and reopened after every drop until it is dropped, over
//! `gloo_net::websocket`.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use futures::channel::mpsc::{self, UnboundedReceiver, UnboundedSender};
use futures::future::{select, Either};
use futures::{SinkExt, StreamExt};
use gloo_net::websocket::futures::WebSocket;
use gloo_net::websocket::{Message, State};
use shared_types::realtime::{ClientFrame, RealtimeTicket, ServerFrame};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::api;

/// Milliseconds to wait before reopening a dropped socket.
pub const RECONNECT_MS: u64 = 2_000;

/// A frame as it came (for a listener in the other wasm, which decodes its own) and
/// decoded.
pub type OnFrame = Box<dyn Fn(&str, ServerFrame)>;

/// A socket that reconnects. Dropping it shuts it.
pub struct Socket {
    inner: Rc<Inner>,
}

struct Inner {
    chat_id: Option<String>,
    /// To the open connection's task, which sends them; none while connecting.
    outgoing: RefCell<Option<UnboundedSender<Message>>>,
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
            outgoing: RefCell::new(None),
            shut: Cell::new(false),
            on_frame,
            on_open,
        });
        leptos::task::spawn_local(follow(Rc::downgrade(&inner)));
        Socket { inner }
    }

    /// Sends a frame if the socket is open; typing and read frames are worth nothing
    /// late, so nothing is queued while it is not.
    pub fn send(&self, frame: &ClientFrame) {
        if let (Some(out), Ok(text)) = (
            self.inner.outgoing.borrow().as_ref(),
            serde_json::to_string(frame),
        ) {
            let _ = out.unbounded_send(Message::Text(text));
        }
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        self.inner.shut.set(true);
        // The connection's task sees its sender gone and closes the socket.
        self.inner.outgoing.borrow_mut().take();
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

/// The socket while it is wanted, not shut.
fn wanted(weak: &Weak<Inner>) -> Option<Rc<Inner>> {
    weak.upgrade().filter(|i| !i.shut.get())
}

/// Connects, and again `RECONNECT_MS` after every drop, while the socket is wanted. It
/// holds the socket weakly across every wait, so that dropping it ends the loop.
async fn follow(weak: Weak<Inner>) {
    while connect(&weak).await {
        api::sleep(RECONNECT_MS).await;
        if wanted(&weak).is_none() {
            return;
        }
    }
}

/// One connection, to its end; false when there is to be no other.
async fn connect(weak: &Weak<Inner>) -> bool {
    let ticket = api::call::<RealtimeTicket>("POST", "/v1/realtime/tickets", None).await;
    let Some(inner) = wanted(weak) else {
        return false;
    };
    let ticket = match ticket {
        Ok(ticket) => ticket,
        // The session ended (signed out elsewhere, expired): back to the sign-in form.
        Err(f) if f.status == 401 => {
            if let Some(w) = web_sys::window() {
                let _ = w.location().reload();
            }
            return false;
        }
        Err(_) => return true,
    };
    let Some(url) = socket_url(&query(inner.chat_id.as_deref(), &ticket.ticket)) else {
        return false;
    };
    drop(inner);
    let Ok(mut socket) = WebSocket::open(&url) else {
        return true;
    };
    // Ready once it is no longer connecting: open, or already closed.
    if futures::future::poll_fn(|cx| socket.poll_ready_unpin(cx))
        .await
        .is_err()
        || !matches!(socket.state(), State::Open)
    {
        return true;
    }
    let (out, outgoing) = mpsc::unbounded();
    let Some(inner) = wanted(weak) else {
        let _ = socket.close(None, None);
        return false;
    };
    *inner.outgoing.borrow_mut() = Some(out);
    (inner.on_open)();
    drop(inner);
    run(weak, socket, outgoing).await
}

/// Hands the frames that come to `on_frame` and sends what `outgoing` brings, until the
/// socket closes (true: reconnect) or the sender is dropped (false: shut).
async fn run(
    weak: &Weak<Inner>,
    mut socket: WebSocket,
    mut outgoing: UnboundedReceiver<Message>,
) -> bool {
    loop {
        let next = select(socket.next(), outgoing.next()).await;
        match next {
            Either::Left((Some(Ok(Message::Text(text))), _)) => {
                let Some(inner) = wanted(weak) else {
                    continue;
                };
                if let Some(frame) = api::decode::<ServerFrame>(&text) {
                    (inner.on_frame)(&text, frame);
                }
            }
            Either::Left((Some(Ok(Message::Bytes(_))), _)) => {}
            // Closed or failed.
            Either::Left((Some(Err(_)) | None, _)) => return true,
            Either::Right((Some(message), pending)) => {
                drop(pending);
                let _ = socket.send(message).await;
            }
            Either::Right((None, pending)) => {
                drop(pending);
                let _ = socket.close(None, None);
                return false;
            }
        }
    }
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
