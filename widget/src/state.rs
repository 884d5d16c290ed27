//! The widget's state: the config it was given and whether the panel is open.

use crate::i18n::Lang;

/// What the panel shows, from the public widget config.
#[derive(Clone, Debug)]
pub struct Config {
    pub lang: Lang,
    pub button_text: String,
    pub welcome_message: String,
    pub offline_message: String,
    pub agents_online: bool,
    pub show_powered_by: bool,
    pub logo_url: Option<String>,
}

impl Config {
    /// The greeting: the offline message when nobody can answer now.
    pub fn greeting(&self) -> &str {
        if self.agents_online {
            &self.welcome_message
        } else {
            &self.offline_message
        }
    }
}
