//! What the settings tabs (keys, webhooks, triggers, agents) share: a list read from
//! one collection endpoint and read again after every change made through it, the line
//! that says what the server refused, and the box that shows a secret once.
//!
//! The list is read again rather than patched locally: the server decides defaults,
//! order and what a change did, and the console must show exactly that.

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::de::{DeserializeOwned, IgnoredAny};
use serde_json::Value;
use shared_types::DataList;

use crate::api::{self, Failure};
use crate::i18n::{words, Lang};

/// The items of `GET <path>` and the error of the last call made through it.
pub struct Collection<T: 'static> {
    pub items: RwSignal<Vec<T>>,
    pub error: RwSignal<Option<String>>,
    path: &'static str,
    lang: Lang,
}

// Not derived: the derive would ask `T: Copy`, and only the signals' handles are copied.
impl<T> Clone for Collection<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Collection<T> {}

impl<T: DeserializeOwned + Send + Sync + 'static> Collection<T> {
    /// The collection at `path`, its first read started.
    pub fn load(path: &'static str, lang: Lang) -> Self {
        let collection = Collection {
            items: RwSignal::new(Vec::new()),
            error: RwSignal::new(None),
            path,
            lang,
        };
        collection.reload();
        collection
    }

    pub fn reload(self) {
        let work = Busy::begin();
        spawn_local(async move {
            match api::call::<DataList<T>>("GET", self.path, None).await {
                Ok(list) => self.items.set(list.data),
                Err(f) => self.fail(&f),
            }
            drop(work);
        });
    }

    pub fn fail(self, failure: &Failure) {
        self.error.set(Some(explain(failure, self.lang)));
    }

    /// `<path>/<id>`, the id escaped.
    pub fn item_path(self, id: &str) -> String {
        format!("{}/{}", self.path, api::encode(id))
    }

    /// `method path body`; on success the error is cleared, `done` gets the answer and
    /// the list is read again; on failure the error says why, and the list is read again
    /// too, so an input the server refused shows the stored value again.
    pub fn send<R: DeserializeOwned + 'static>(
        self,
        method: &'static str,
        path: String,
        body: Option<Value>,
        done: impl FnOnce(R) + 'static,
    ) {
        let work = Busy::begin();
        spawn_local(async move {
            match api::call::<R>(method, &path, body.as_ref()).await {
                Ok(answer) => {
                    self.error.set(None);
                    done(answer);
                    self.reload();
                }
                Err(f) => {
                    self.fail(&f);
                    self.reload();
                }
            }
            // Dropped after reload() has counted its own read, so the count never
            // touches zero between the change and the list that shows it.
            drop(work);
        });
    }

    /// `POST <path>`.
    pub fn create<R: DeserializeOwned + 'static>(
        self,
        body: Value,
        done: impl FnOnce(R) + 'static,
    ) {
        self.send("POST", self.path.to_string(), Some(body), done);
    }

    /// `DELETE <path>/<id>`.
    pub fn remove(self, id: &str) {
        self.send::<IgnoredAny>("DELETE", self.item_path(id), None, |_| ());
    }
}

/// An item a collection can find again by its id.
pub trait Row {
    fn row_id(&self) -> &str;
}

impl Row for shared_types::automation::Trigger {
    fn row_id(&self) -> &str {
        self.id.as_str()
    }
}

impl Row for shared_types::webhooks::Webhook {
    fn row_id(&self) -> &str {
        self.id.as_str()
    }
}

impl Row for shared_types::agents::Agent {
    fn row_id(&self) -> &str {
        self.id.as_str()
    }
}

impl<T: Row + Clone + DeserializeOwned + Send + Sync + 'static> Collection<T> {
    /// `PATCH <path>/<id>`; the row shows the saved item at once, then `done` gets it.
    /// Without that, an edit opened before the list is read again would start from the
    /// row as it was and save the old values back.
    pub fn save(self, id: &str, body: Value, done: impl FnOnce(T) + 'static) {
        self.send::<T>("PATCH", self.item_path(id), Some(body), move |saved| {
            self.items.update(|items| {
                if let Some(row) = items.iter_mut().find(|r| r.row_id() == saved.row_id()) {
                    *row = saved.clone();
                }
            });
            done(saved);
        });
    }

    /// `PATCH <path>/<id>`, nothing more to do with the answer.
    pub fn update(self, id: &str, body: Value) {
        self.save(id, body, |_| ());
    }
}

/// How many requests of the settings tabs are in flight, kept on
/// `<body data-settings-busy>`: the page's own signal that every change made there has
/// been answered and shown, which a browser test waits for instead of guessing.
struct Busy;

thread_local! {
    static IN_FLIGHT: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

impl Busy {
    fn begin() -> Busy {
        Busy::shift(1);
        Busy
    }

    fn shift(by: i32) {
        let n = IN_FLIGHT.with(|n| {
            n.set(n.get().saturating_add_signed(by));
            n.get()
        });
        if let Some(body) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body())
        {
            let _ = body.set_attribute("data-settings-busy", &n.to_string());
        }
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        Busy::shift(-1);
    }
}

/// The failure as the agent reads it: the console's or the server's message, then
/// which fields were refused and why, so the agent knows which input to fix.
pub fn explain(failure: &Failure, lang: Lang) -> String {
    with_fields(failure.text(lang, words(lang)), &failure.fields)
}

fn with_fields(text: String, fields: &[(String, String)]) -> String {
    if fields.is_empty() {
        return text;
    }
    let reasons: Vec<String> = fields
        .iter()
        .map(|(field, reason)| format!("{field}: {reason}"))
        .collect();
    format!("{text} ({})", reasons.join("; "))
}

/// The last error of a tab, read out by screen readers as it appears.
#[component]
pub fn ErrorLine(error: RwSignal<Option<String>>, testid: &'static str) -> impl IntoView {
    view! {
        <p class="error" role="alert" data-testid=testid>
            {move || error.get().unwrap_or_default()}
        </p>
    }
}

/// A secret the server shows only once (an API key, a webhook's signing secret, an
/// invitation link), with the note that it will not be shown again.
#[component]
pub fn SecretOnce(
    secret: RwSignal<Option<String>>,
    note: &'static str,
    testid: &'static str,
) -> impl IntoView {
    move || {
        secret.get().map(|s| {
            view! {
                <div class="once" role="status">
                    <p>{note}</p>
                    <code data-testid=testid>{s}</code>
                </div>
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::with_fields;

    #[test]
    fn refused_fields_follow_the_message() {
        assert_eq!(with_fields("Refused".into(), &[]), "Refused");
        let fields = [
            ("message".to_string(), "must not be empty".to_string()),
            (
                "delay_seconds".to_string(),
                "must be between 0 and 3600".to_string(),
            ),
        ];
        assert_eq!(
            with_fields("Request validation failed".into(), &fields),
            "Request validation failed (message: must not be empty; delay_seconds: must be between 0 and 3600)"
        );
    }
}
