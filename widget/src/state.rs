//! What the widget starts from: the public config, read from the object the loader
//! fetched, reduced to what the app shows.

use wasm_bindgen::prelude::*;

use crate::i18n::Lang;

#[wasm_bindgen]
extern "C" {
    /// The public widget config as the loader parsed it (`GET /v1/public/widgets/{id}`,
    /// shape in shared-types `PublicWidgetConfig`). Read through getters rather than
    /// serde, which would add tens of KB of wasm for five fields. Missing fields read as
    /// `None`. Colour, shape and position are the loader's business (CSS custom
    /// properties and classes on the root), so they are not read here.
    pub type PublicConfig;
    #[wasm_bindgen(method, getter)]
    fn button_text(this: &PublicConfig) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    fn welcome_message(this: &PublicConfig) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    fn offline_message(this: &PublicConfig) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    fn agents_online(this: &PublicConfig) -> Option<bool>;
    /// False outside business hours.
    #[wasm_bindgen(method, getter)]
    fn open(this: &PublicConfig) -> Option<bool>;
    /// Whether agents see the visitor's drafts.
    #[wasm_bindgen(method, getter)]
    pub fn typing_preview(this: &PublicConfig) -> Option<bool>;
    #[wasm_bindgen(method, getter)]
    fn branding(this: &PublicConfig) -> Option<PublicBranding>;
    /// Added by the loader: the origin widget.js (and so the API) came from.
    #[wasm_bindgen(method, getter)]
    pub fn api_base(this: &PublicConfig) -> Option<String>;
    /// Added by the loader: the script tag's `data-workspace`.
    #[wasm_bindgen(method, getter)]
    pub fn workspace(this: &PublicConfig) -> Option<String>;

    #[wasm_bindgen(method, getter)]
    fn prechat(this: &PublicConfig) -> Option<PublicPrechat>;

    /// `prechat` inside [`PublicConfig`].
    pub type PublicPrechat;
    #[wasm_bindgen(method, getter)]
    fn enabled(this: &PublicPrechat) -> Option<bool>;
    #[wasm_bindgen(method, getter)]
    fn require_name(this: &PublicPrechat) -> Option<bool>;
    #[wasm_bindgen(method, getter)]
    fn require_email(this: &PublicPrechat) -> Option<bool>;

    /// `branding` inside [`PublicConfig`].
    pub type PublicBranding;
    #[wasm_bindgen(method, getter)]
    fn show_powered_by(this: &PublicBranding) -> Option<bool>;
    #[wasm_bindgen(method, getter)]
    fn logo_url(this: &PublicBranding) -> Option<String>;
}

/// What the panel shows. Every text here is rendered as text, never as HTML.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub lang: Lang,
    pub button_text: String,
    pub welcome_message: String,
    pub offline_message: String,
    pub agents_online: bool,
    pub show_powered_by: bool,
    /// Only `http(s)` URLs; anything else (`javascript:`, `data:`) is dropped.
    pub logo_url: Option<String>,
    /// The pre-chat form, when the owner turned it on.
    pub prechat: Option<Prechat>,
}

/// What the pre-chat form asks for (both optional when neither is required).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Prechat {
    pub require_name: bool,
    pub require_email: bool,
}

impl Config {
    /// Reads the loader's object. Absent fields fall back to the server's defaults:
    /// empty texts, nobody online, "Powered by ChatFlow" shown.
    pub fn from_js(js: &PublicConfig, lang: Lang) -> Config {
        let branding = js.branding();
        let prechat = js.prechat().filter(|p| p.enabled() == Some(true));
        Config {
            prechat: prechat.map(|p| Prechat {
                require_name: p.require_name().unwrap_or(false),
                require_email: p.require_email().unwrap_or(false),
            }),
            lang,
            button_text: js.button_text().unwrap_or_default(),
            welcome_message: js.welcome_message().unwrap_or_default(),
            offline_message: js.offline_message().unwrap_or_default(),
            // Outside business hours the panel is what it is when nobody is online: the
            // offline message and the email field.
            agents_online: js.agents_online().unwrap_or(false) && js.open().unwrap_or(true),
            show_powered_by: branding
                .as_ref()
                .and_then(|b| b.show_powered_by())
                .unwrap_or(true),
            logo_url: safe_url(branding.and_then(|b| b.logo_url())),
        }
    }

    /// The greeting: the offline message when nobody can answer now.
    pub fn greeting(&self) -> &str {
        if self.agents_online {
            &self.welcome_message
        } else {
            &self.offline_message
        }
    }
}

/// Keeps `url` only when it is an absolute `http(s)` URL.
pub fn safe_url(url: Option<String>) -> Option<String> {
    url.filter(|u| {
        let starts = |p: &str| u.get(..p.len()).is_some_and(|s| s.eq_ignore_ascii_case(p));
        starts("https://") || starts("http://")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(agents_online: bool) -> Config {
        Config {
            lang: Lang::Uz,
            button_text: "Yordam".into(),
            welcome_message: "Salom!".into(),
            offline_message: "Hozir yo'qmiz".into(),
            agents_online,
            show_powered_by: true,
            logo_url: None,
            prechat: None,
        }
    }

    #[test]
    fn greeting_is_the_offline_message_when_nobody_is_online() {
        assert_eq!(config(true).greeting(), "Salom!");
        assert_eq!(config(false).greeting(), "Hozir yo'qmiz");
    }

    #[test]
    fn logo_url_keeps_only_http_urls() {
        let keep = |u: &str| safe_url(Some(u.to_string()));
        assert_eq!(
            keep("https://cdn.x.uz/l.png").as_deref(),
            Some("https://cdn.x.uz/l.png")
        );
        assert_eq!(
            keep("HTTP://x.uz/l.png").as_deref(),
            Some("HTTP://x.uz/l.png")
        );
        assert_eq!(keep("javascript:alert(1)"), None);
        assert_eq!(keep("data:image/svg+xml,<svg/>"), None);
        assert_eq!(keep("//x.uz/l.png"), None);
        assert_eq!(keep("http"), None);
        assert_eq!(safe_url(None), None);
    }
}
