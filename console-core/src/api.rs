//! The console's only way to the server: JSON over `fetch` (through gloo-net) to
//! `/v1/…` on the same origin, with the session cookie and the console header, and the
//! files flow's PUT of an upload's bytes to its signed URL.

use gloo_net::http::{Method, RequestBuilder};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use shared_types::auth::CONSOLE_HEADER;
use shared_types::error::ErrorEnvelope;
use shared_types::files::UploadUrlResponse;
use wasm_bindgen_futures::JsFuture;
use web_sys::RequestCredentials;

use crate::i18n::{Lang, Words};

/// A refused or failed call.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    /// The HTTP status; 0 when the network failed.
    pub status: u16,
    /// The catalogue code, when the server sent an envelope.
    pub code: Option<String>,
    /// The envelope's Uzbek and English messages.
    pub message: String,
    pub message_en: String,
    /// `Retry-After`, for a 429.
    pub retry_after: Option<u64>,
    /// A validation error's fields and their (English) reasons, so a form can say which
    /// of its inputs is wrong.
    pub fields: Vec<(String, String)>,
}

impl Failure {
    fn network() -> Failure {
        Failure::status(0)
    }

    /// A refusal that carries no envelope (a signed upload's PUT, say); 0 for the network.
    pub fn status(status: u16) -> Failure {
        Failure {
            status,
            code: None,
            message: String::new(),
            message_en: String::new(),
            retry_after: None,
            fields: Vec::new(),
        }
    }

    /// What to show the agent: the console's own words for the errors it expects, the
    /// server's message otherwise.
    pub fn text(&self, lang: Lang, w: &Words) -> String {
        match self.code.as_deref() {
            Some("AUTH-001") => w.invalid_credentials.to_string(),
            Some("RATE-001") => match self.retry_after {
                Some(s) => format!("{} ({s} s)", w.throttled),
                None => w.throttled.to_string(),
            },
            Some(_) if lang == Lang::Uz => self.message.clone(),
            Some(_) => self.message_en.clone(),
            None => w.network_error.to_string(),
        }
    }
}

/// Sends `method path` with an optional JSON body; the decoded answer on 2xx (use
/// `serde::de::IgnoredAny` for a 204). Only the decoding is generic: the request and the
/// error envelope are one function for every answer type, not one per type.
pub async fn call<T: DeserializeOwned>(
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> Result<T, Failure> {
    let text = call_retried(method, path, body).await?;
    let text = if text.is_empty() { "null" } else { &text };
    decode(text).ok_or_else(Failure::network)
}

/// JSON text as a `T`. With the feature `js-decode` (the on-demand binary), the
/// browser's `JSON.parse` reads the text and serde only walks the parsed object: no JSON
/// parser compiled into the wasm for every answer type, 22 KB gzip less there. Without
/// it (the main console), serde_json parses in the wasm: 1.4 KB more for the few types
/// it reads, and no crossing into JavaScript for every field of the inbox's 100 rows.
pub fn decode<T: DeserializeOwned>(text: &str) -> Option<T> {
    #[cfg(all(feature = "js-decode", target_arch = "wasm32"))]
    {
        let value = js_sys::JSON::parse(text).ok()?;
        serde_wasm_bindgen::from_value(value).ok()
    }
    #[cfg(not(all(feature = "js-decode", target_arch = "wasm32")))]
    {
        serde_json::from_str(text).ok()
    }
}

/// The body of a 2xx answer, asked again after a short burst refusal. Apart from `call`
/// so that its future is compiled once, not once per answer type (bytes in the wasm).
async fn call_retried(method: &str, path: &str, body: Option<&Value>) -> Result<String, Failure> {
    let mut retries = 0;
    loop {
        match call_text(method, path, body).await {
            Ok(text) => return Ok(text),
            Err(failure) => match retry_in(method, &failure, retries) {
                Some(seconds) => {
                    retries += 1;
                    sleep(seconds * 1000).await;
                }
                None => return Err(failure),
            },
        }
    }
}

/// A read refused for a burst (a few views loading at once, an agent flicking through
/// ranges) is asked again once the server's `Retry-After` has passed, as a person would,
/// rather than left on an error; twice at most, and only for a short wait. Writes are
/// never repeated: the agent decides.
fn retry_in(method: &str, failure: &Failure, retries: u32) -> Option<u64> {
    const MAX_RETRIES: u32 = 2;
    const MAX_WAIT_SECONDS: u64 = 3;
    let wait = failure.retry_after?;
    (method == "GET" && failure.status == 429 && retries < MAX_RETRIES && wait <= MAX_WAIT_SECONDS)
        .then_some(wait.max(1))
}

/// Resolves after `ms` milliseconds.
pub async fn sleep(ms: u64) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                &resolve,
                i32::try_from(ms).unwrap_or(i32::MAX),
            );
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// The body of a 2xx answer, as text.
async fn call_text(method: &str, path: &str, body: Option<&Value>) -> Result<String, Failure> {
    let method = Method::from_bytes(method.as_bytes()).map_err(|_| Failure::network())?;
    let request = RequestBuilder::new(path)
        .method(method)
        .credentials(RequestCredentials::SameOrigin)
        .header(CONSOLE_HEADER, "1");
    let request = match body {
        Some(body) => request
            .header("Content-Type", "application/json")
            .body(body.to_string()),
        None => request.build(),
    };
    let response = request
        .map_err(|_| Failure::network())?
        .send()
        .await
        .map_err(|_| Failure::network())?;
    let text = response.text().await.unwrap_or_default();
    if response.ok() {
        return Ok(text);
    }
    let envelope = decode::<ErrorEnvelope>(&text);
    let fields = envelope
        .as_ref()
        .and_then(|e| e.error.details.get("fields")?.as_object().cloned())
        .map(|f| {
            f.into_iter()
                .map(|(k, v)| (k, v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default();
    Err(Failure {
        fields,
        status: response.status(),
        code: envelope.as_ref().map(|e| e.error.code.clone()),
        message: envelope
            .as_ref()
            .map(|e| e.error.message.clone())
            .unwrap_or_default(),
        message_en: envelope.map(|e| e.error.message_en).unwrap_or_default(),
        retry_after: response
            .headers()
            .get("retry-after")
            .and_then(|v| v.parse().ok()),
    })
}

/// The first two steps of the files flow: an upload URL for `file`, then its bytes.
/// What the file becomes (an attachment, the widget's logo) is the caller's third step.
pub async fn upload(file: &web_sys::File) -> Result<UploadUrlResponse, Failure> {
    let content_type = file.type_();
    let body = json!({
        "filename": file.name(),
        "content_type": content_type,
        "size_bytes": file.size() as u64,
    });
    let granted: UploadUrlResponse = call("POST", "/v1/files/upload-url", Some(&body)).await?;
    put_bytes(&granted.upload_url, &content_type, file).await?;
    Ok(granted)
}

/// The signed URL is the credential: no cookie, and the declared type.
async fn put_bytes(url: &str, content_type: &str, file: &web_sys::File) -> Result<(), Failure> {
    let response = RequestBuilder::new(url)
        .method(Method::PUT)
        .header("Content-Type", content_type)
        .body(file)
        .map_err(|_| Failure::network())?
        .send()
        .await
        .map_err(|_| Failure::network())?;
    if response.ok() {
        Ok(())
    } else {
        Err(Failure::status(response.status()))
    }
}

/// A path segment or query value, percent-encoded (everything but RFC 3986's
/// unreserved characters). Pure Rust, so it is unit-tested natively.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{encode, retry_in, Failure};

    #[test]
    fn only_reads_refused_for_a_short_burst_are_asked_again() {
        let throttled = |after: Option<u64>| Failure {
            retry_after: after,
            ..Failure::status(429)
        };
        assert_eq!(retry_in("GET", &throttled(Some(1)), 0), Some(1));
        assert_eq!(retry_in("GET", &throttled(Some(0)), 1), Some(1));
        assert_eq!(retry_in("GET", &throttled(Some(1)), 2), None);
        assert_eq!(retry_in("GET", &throttled(Some(30)), 0), None);
        assert_eq!(retry_in("GET", &throttled(None), 0), None);
        assert_eq!(retry_in("POST", &throttled(Some(1)), 0), None);
        let failed = Failure {
            retry_after: Some(1),
            ..Failure::status(503)
        };
        assert_eq!(retry_in("GET", &failed, 0), None);
    }

    #[test]
    fn ids_pass_and_everything_else_is_escaped() {
        assert_eq!(encode("chat_7fK2-x.y~"), "chat_7fK2-x.y~");
        assert_eq!(encode("a/b?c=d&e f"), "a%2Fb%3Fc%3Dd%26e%20f");
        assert_eq!(encode("ё"), "%D1%91");
    }
}
