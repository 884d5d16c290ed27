//! What the on-demand binary (`console-lazy`, built beside the console into
//! `/console/lazy/`) draws: the open chat and the tabs most visits never open. Its
//! module is imported once, when the inbox has been painted or when one of them is
//! needed first, and each opening mounts into a container of its own, unmounted when
//! it closes.

use std::sync::atomic::{AtomicU32, Ordering};

use console_core::on_demand::{ChatContext, TabContext};
use leptos::html::Div;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::prelude::*;

use crate::i18n::{words, Lang};

/// The on-demand binary's wasm-bindgen glue. Not hashed: `/console/*` is served with
/// `Cache-Control: no-cache`, so a browser revalidates it as it does the console's page.
const MODULE: &str = "/console/lazy/console_lazy.js";

// The import is JavaScript's own `import()`: the module is fetched and instantiated
// once, and a failed fetch is forgotten so that the next opening asks again. Something
// closed before the module arrived is never drawn. A chat's `select` runs after the
// click that asked for it has returned: it unmounts the chat that is calling.
#[wasm_bindgen(inline_js = r#"
let module;
const drawn = new Map();
function load(url) {
  module ??= import(url)
    .then(async (m) => { await m.default(); return m; })
    .catch((e) => { module = undefined; throw e; });
  return module;
}
export function prefetch(url) {
  load(url).catch(() => {});
}
export function draw(id, url, parent, context, select) {
  drawn.set(id, null);
  return load(url).then((m) => {
    if (!drawn.has(id)) return;
    drawn.set(id, select
      ? m.mount_chat(parent, context, (chat) => queueMicrotask(() => drawn.has(id) && select(chat)))
      : m.mount_tab(parent, context));
  }, (e) => { drawn.delete(id); throw e; });
}
export function tell(id, frame) {
  drawn.get(id)?.hear(frame);
}
export function remove(id) {
  drawn.get(id)?.free();
  drawn.delete(id);
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = prefetch)]
    fn prefetch_module(url: &str);
    #[wasm_bindgen(catch)]
    async fn draw(
        id: u32,
        url: &str,
        parent: &web_sys::HtmlElement,
        context: &str,
        select: Option<&js_sys::Function>,
    ) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = tell)]
    fn tell_drawn(id: u32, frame: &str);
    fn remove(id: u32);
}

/// Fetches and instantiates the on-demand binary now, so that the first chat or tab
/// opened does not wait for it.
pub fn prefetch() {
    prefetch_module(MODULE);
}

/// Hands the open chat `pane` a frame of the inbox's feed, as it came.
pub fn tell(pane: u32, frame: &str) {
    tell_drawn(pane, frame);
}

/// A container the on-demand binary draws into: busy until drawn, a line saying why
/// when its module could not be fetched. Returns its id (for `tell`) and its view.
fn container(
    lang: Lang,
    context: String,
    select: Option<js_sys::Function>,
) -> (u32, impl IntoView) {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let id = NEXT.fetch_add(1, Ordering::Relaxed);
    let w = words(lang);
    let loading = RwSignal::new(true);
    let failed = RwSignal::new(false);
    let host = NodeRef::<Div>::new();
    host.on_load(move |el| {
        spawn_local(async move {
            let drawn = draw(id, MODULE, &el, &context, select.as_ref()).await;
            // It may have closed meanwhile, its signals with it.
            loading.try_set(false);
            failed.try_set(drawn.is_err());
        });
    });
    on_cleanup(move || remove(id));
    let view = view! {
        <p class="error" role="alert" data-testid="lazy-error">
            {move || failed.get().then_some(w.network_error)}
        </p>
        <div class="lazy" node_ref=host aria-busy=move || loading.get().to_string()></div>
    };
    (id, view)
}

/// One opening of an on-demand tab.
#[component]
pub fn OnDemandTab(context: TabContext) -> impl IntoView {
    let json = serde_json::to_string(&context).unwrap_or_default();
    container(context.lang, json, None).1
}

/// The open chat. It asks the inbox for another chat (or none) through `selected`, and
/// is `pane` while it is open.
#[component]
pub fn OnDemandChat(
    context: ChatContext,
    selected: RwSignal<Option<String>>,
    pane: StoredValue<Option<u32>>,
) -> impl IntoView {
    let json = serde_json::to_string(&context).unwrap_or_default();
    let select = Closure::<dyn Fn(Option<String>)>::new(move |chat| selected.set(chat));
    let function: js_sys::Function = select.as_ref().clone().unchecked_into();
    let (id, view) = container(context.lang, json, Some(function));
    // The callback lives as long as the chat is open.
    let select = StoredValue::new_local(Some(select));
    pane.set_value(Some(id));
    on_cleanup(move || {
        if pane.get_value() == Some(id) {
            pane.set_value(None);
        }
        drop(select.try_update_value(Option::take));
    });
    view
}
