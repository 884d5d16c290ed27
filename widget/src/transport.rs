//! The widget's wire: JSON over `fetch` to the visitor API, the visitor's session in
//! `localStorage`, and the chat's WebSocket ([`Socket`]). JSON goes through the browser's own
//! `JSON.parse`/`stringify` (no serde: every KB of wasm is the visitor's to download).

use js_sys::{Object, Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{MessageEvent, RequestInit, Response, WebSocket};

/// Where the API is and which workspace this widget belongs to.
#[derive(Clone, Debug, PartialEq)]
pub struct Endpoint {
    /// `https://api.example` (the origin widget.js came from).
    pub api: String,
    pub workspace_id: String,
    /// The visitor's language (`uz`, `ru`, `en`), for the mail they may get.
    pub lang: &'static str,
}

/// A failed call: the HTTP status (0 when the network failed) and the envelope's
/// error code (`FILE-002`…) when the server sent one.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    pub status: u16,
    pub code: Option<String>,
}

impl Failure {
    fn network(_: JsValue) -> Failure {
        Failure {
            status: 0,
            code: None,
        }
    }
}

/// `obj[key]` as a string, if it is one.
pub fn text(obj: &JsValue, key: &str) -> Option<String> {
    Reflect::get(obj, &JsValue::from_str(key))
        .ok()
        .and_then(|v| v.as_string())
}

/// `obj[key]`, or undefined.
pub fn field(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// A JS object from (key, value) pairs.
pub fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o.into()
}

/// Sends a JSON request; the parsed body on 2xx.
pub async fn call(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<&JsValue>,
) -> Result<JsValue, Failure> {
    let network = Failure::network;
    let init = RequestInit::new();
    init.set_method(method);
    let headers = web_sys::Headers::new().map_err(network)?;
    if let Some(token) = token {
        headers
            .set("Authorization", &format!("Bearer {token}"))
            .map_err(network)?;
    }
    if let Some(body) = body {
        headers
            .set("Content-Type", "application/json")
            .map_err(network)?;
        let json = JSON::stringify(body).map_err(network)?;
        init.set_body(&json.into());
    }
    init.set_headers(&headers);
    fetch(url, &init).await
}

/// PUTs `file`'s bytes to a signed upload URL with its own content type (the server
/// compares it with the type declared for the URL).
pub async fn put_file(url: &str, file: &web_sys::File) -> Result<JsValue, Failure> {
    let init = RequestInit::new();
    init.set_method("PUT");
    let headers = web_sys::Headers::new().map_err(Failure::network)?;
    headers
        .set("Content-Type", &file.type_())
        .map_err(Failure::network)?;
    init.set_headers(&headers);
    init.set_body(file);
    fetch(url, &init).await
}

/// The parsed JSON body on 2xx; otherwise the status and the envelope's code.
async fn fetch(url: &str, init: &RequestInit) -> Result<JsValue, Failure> {
    let window = web_sys::window().ok_or(Failure::network(JsValue::NULL))?;
    let response: Response = JsFuture::from(window.fetch_with_str_and_init(url, init))
        .await
        .map_err(Failure::network)?
        .unchecked_into();
    let body = match response.json() {
        Ok(promise) => JsFuture::from(promise).await.unwrap_or(JsValue::NULL),
        Err(_) => JsValue::NULL,
    };
    if response.ok() {
        Ok(body)
    } else {
        Err(Failure {
            status: response.status(),
            code: text(&field(&body, "error"), "code"),
        })
    }
}

/// What the widget remembers of a visitor between page loads, per workspace.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Session {
    pub token: Option<String>,
    pub chat_id: Option<String>,
}

pub fn storage_key(workspace_id: &str) -> String {
    format!("chatflow:{workspace_id}")
}

fn storage() -> Option<web_sys::Storage> {
    // Private modes and sandboxed frames may refuse storage; the chat then lasts a page.
    web_sys::window()?.local_storage().ok().flatten()
}

impl Session {
    pub fn load(workspace_id: &str) -> Session {
        let raw = storage().and_then(|s| s.get_item(&storage_key(workspace_id)).ok().flatten());
        let Some(parsed) = raw.and_then(|r| JSON::parse(&r).ok()) else {
            return Session::default();
        };
        Session {
            token: text(&parsed, "token"),
            chat_id: text(&parsed, "chat_id"),
        }
    }

    pub fn save(&self, workspace_id: &str) {
        let value = object(&[
            (
                "token",
                self.token
                    .as_deref()
                    .map_or(JsValue::NULL, JsValue::from_str),
            ),
            (
                "chat_id",
                self.chat_id
                    .as_deref()
                    .map_or(JsValue::NULL, JsValue::from_str),
            ),
        ]);
        if let (Some(s), Ok(json)) = (storage(), JSON::stringify(&value)) {
            let _ = s.set_item(&storage_key(workspace_id), &String::from(json));
        }
    }
}

/// The chat's WebSocket with its handlers. The handlers belong to the socket: dropping
/// it detaches and frees them and closes the socket, so a reconnect replaces the old
/// socket's handlers instead of leaking them.
pub struct Socket {
    ws: WebSocket,
    _on_open: Closure<dyn Fn()>,
    _on_message: Closure<dyn Fn(MessageEvent)>,
    _on_close: Closure<dyn Fn()>,
}

impl Socket {
    /// Connects to `url`; `on_frame` gets each text frame parsed as JSON (others are
    /// ignored), `on_close` runs once when the socket closes or fails.
    pub fn open(
        url: &str,
        on_open: impl Fn() + 'static,
        on_frame: impl Fn(JsValue) + 'static,
        on_close: impl Fn() + 'static,
    ) -> Option<Socket> {
        let ws = WebSocket::new(url).ok()?;
        let on_open = Closure::<dyn Fn()>::new(on_open);
        let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |ev: MessageEvent| {
            if let Some(frame) = ev.data().as_string().and_then(|raw| JSON::parse(&raw).ok()) {
                on_frame(frame);
            }
        });
        let on_close = Closure::<dyn Fn()>::new(on_close);
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        Some(Socket {
            ws,
            _on_open: on_open,
            _on_message: on_message,
            _on_close: on_close,
        })
    }

    /// Sends `frame` as JSON if the socket is open; whether it went.
    pub fn send(&self, frame: &JsValue) -> bool {
        self.ws.ready_state() == WebSocket::OPEN
            && JSON::stringify(frame)
                .ok()
                .is_some_and(|json| self.ws.send_with_str(&String::from(json)).is_ok())
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        // Detached first: the handlers are freed with this struct, and a closing
        // socket must not call them afterwards. (Dropping from inside its own onclose
        // is fine: wasm-bindgen frees a running closure when it returns.)
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        let _ = self.ws.close();
    }
}

/// `ws(s)://…/v1/realtime?chat_id=…&token=…` for an `http(s)://` API origin.
pub fn socket_url(api: &str, chat_id: &str, token: &str) -> String {
    format!(
        "{}/v1/realtime?chat_id={}&token={}",
        socket_origin(api),
        encode(chat_id),
        encode(token)
    )
}

/// The WebSocket origin of an API origin: TLS stays TLS.
fn socket_origin(api: &str) -> String {
    if let Some(rest) = api.strip_prefix("https://") {
        format!("wss://{rest}")
    } else if let Some(rest) = api.strip_prefix("http://") {
        format!("ws://{rest}")
    } else {
        api.to_string()
    }
}

fn encode(s: &str) -> String {
    String::from(js_sys::encode_uri_component(s))
}

#[cfg(test)]
mod tests {
    use super::socket_origin;

    #[test]
    fn sockets_keep_the_api_origin_and_its_tls() {
        assert_eq!(
            socket_origin("https://api.chatflow.uz"),
            "wss://api.chatflow.uz"
        );
        assert_eq!(
            socket_origin("http://127.0.0.1:8787"),
            "ws://127.0.0.1:8787"
        );
    }
}
