//! The platform's request and response, to and from axum's, for the fetch event.
//!
//! workers-rs converts both through streams: the request's body is read a chunk at a
//! time (a reader, and a promise per chunk), and every answer is piped through a new
//! `ReadableStream` that pulls from Rust. A CPU profile of a visitor's message under
//! load put those conversions at several per cent of the worker's time. Nearly every
//! request and answer is small and whole, so those are handed over in one piece; a body
//! of unknown or large length, a streamed answer (an export, a file) and a socket's
//! upgrade keep workers-rs's streaming conversion.

use axum::body::Body;
use axum::body::HttpBody as _;
use axum::http::header::CONTENT_LENGTH;
use axum::http::HeaderMap;
use js_sys::Uint8Array;
use wasm_bindgen_futures::JsFuture;

use crate::routes::MAX_BUFFERED_BYTES;

/// The largest answer copied across whole; anything longer streams.
const WHOLE_ANSWER_BYTES: u64 = 1024 * 1024;

/// `raw` as axum's request. A body whose declared length the router would buffer anyway
/// is read by the platform at once; any other streams, so that one too large is refused
/// without being held (`routes::read_whole_body`).
pub async fn request(raw: web_sys::Request) -> worker::Result<axum::extract::Request> {
    let headers = HeaderMap::from(&worker::Headers(raw.headers()));
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let body = match raw.body() {
        None => Body::empty(),
        Some(_) if declared.is_some_and(|n| n <= MAX_BUFFERED_BYTES) => {
            let buffer = JsFuture::from(raw.array_buffer()?).await?;
            Body::from(Uint8Array::new(&buffer).to_vec())
        }
        Some(stream) => Body::new(worker::Body::new(stream)),
    };
    let mut req = axum::http::Request::builder()
        .method(raw.method().as_str())
        .uri(raw.url())
        .body(body)
        .map_err(|e| worker::Error::RustError(format!("request: {e}")))?;
    *req.headers_mut() = headers;
    Ok(req)
}

/// `res` as the platform's response: a whole body of at most [`WHOLE_ANSWER_BYTES`] is
/// copied across in one piece.
pub async fn response(mut res: axum::response::Response) -> worker::Result<web_sys::Response> {
    if let Some(PassedBody(stream)) = res.extensions_mut().remove::<PassedBody>() {
        let init = web_sys::ResponseInit::new();
        init.set_status(res.status().as_u16());
        init.set_headers(worker::Headers::from(res.headers()).as_ref());
        return Ok(web_sys::Response::new_with_opt_readable_stream_and_init(
            Some(&stream),
            &init,
        )?);
    }
    let whole = res
        .body()
        .size_hint()
        .exact()
        .is_some_and(|n| n <= WHOLE_ANSWER_BYTES);
    if !whole || res.extensions().get::<worker::WebSocket>().is_some() {
        return worker::response_to_wasm(res);
    }
    let (parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .map_err(|e| worker::Error::RustError(format!("answer: {e}")))?;
    let init = web_sys::ResponseInit::new();
    init.set_status(parts.status.as_u16());
    init.set_headers(worker::Headers::from(&parts.headers).as_ref());
    if bytes.is_empty() {
        // 204 and 304 must have no body at all, not an empty one.
        Ok(web_sys::Response::new_with_opt_str_and_init(None, &init)?)
    } else {
        let array = Uint8Array::from(&bytes[..]);
        Ok(web_sys::Response::new_with_opt_buffer_source_and_init(
            Some(&array),
            &init,
        )?)
    }
}

/// A JSON response body written elsewhere (a workspace object's), handed to the platform
/// as its stream: it never passes through the worker's memory. The response that
/// carries it in its extensions has an empty body of its own.
#[derive(Clone)]
pub struct PassedBody(worker::send::SendWrapper<web_sys::ReadableStream>);

impl PassedBody {
    pub fn new(stream: web_sys::ReadableStream) -> Self {
        PassedBody(worker::send::SendWrapper::new(stream))
    }
}

impl axum::response::IntoResponse for PassedBody {
    fn into_response(self) -> axum::response::Response {
        let mut res = (
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            Body::empty(),
        )
            .into_response();
        res.extensions_mut().insert(self);
        res
    }
}
