//! The example host page served by the worker, with the widget mounted in its shadow
//! root, in headless Chromium.

use std::time::Duration;

use serde_json::json;
use shared_types::widget::WidgetConfig;

use crate::browser::Browser;
use crate::client::Ctx;

crate::tests![example_page_shows_launcher_in_shadow_root_with_configured_colour];

const LAUNCHER_COLOUR: &str = "const host = document.getElementById('chatflow-widget'); \
     const b = host && host.shadowRoot && host.shadowRoot.querySelector('[data-testid=\"cf-launcher\"]'); \
     return b ? getComputedStyle(b).backgroundColor : null;";

fn example_page_shows_launcher_in_shadow_root_with_configured_colour(ctx: &Ctx) {
    let ws = ctx.workspace();
    let browser = Browser::start(1280, 800);
    let page = format!("{}/demo/{}", ctx.server.base_url, ws.id);
    browser.goto(&page);
    // The default colour #4F46E5.
    let colour = browser.wait_for(LAUNCHER_COLOUR, Duration::from_secs(15));
    assert_eq!(colour, "rgb(79, 70, 229)");
    // The launcher lives only in the shadow root: the page's own DOM has no trace of it.
    let leaked = browser.eval(
        "return document.querySelector('[data-testid=\"cf-launcher\"]') !== null;",
        json!([]),
    );
    assert_eq!(leaked, false);

    ws.patch("/v1/widget/config", &json!({"color": "#0EA5E9"}))
        .expect::<WidgetConfig>(200);
    browser.goto(&format!("{page}?reload=1"));
    let new_colour = LAUNCHER_COLOUR.replace(
        "return b ?",
        "return b && getComputedStyle(b).backgroundColor === 'rgb(14, 165, 233)' ?",
    );
    let colour = browser.wait_for(&new_colour, Duration::from_secs(15));
    assert_eq!(colour, "rgb(14, 165, 233)");
}
