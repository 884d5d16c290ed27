//! The ChatFlow agent console, served at `/console/`: sign-in, the live inbox, the chat
//! view and the API Keys tab. It talks only to the public REST API (with the session
//! cookie the sign-in sets, and the `X-ChatFlow-Console` header that the server's CSRF
//! guard asks of cookie writes) and to the agent realtime socket. It is not a second
//! back end: whatever it may do, the server checks again (roles, limits, validation).

mod agents;
mod alert;
mod analytics;
mod api;
mod app;
mod canned;
mod chart;
mod chat_view;
mod composer;
mod i18n;
mod icons;
mod inbox;
mod keys;
mod live;
mod range;
mod settings;
mod triggers;
mod visitors;
mod webhooks;
mod widget;
mod workspace_settings;

fn main() {
    leptos::mount::mount_to_body(app::App);
}
