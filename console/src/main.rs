//! The ChatFlow agent console, served at `/console/`: sign-in, the live inbox's list and
//! the Visitors tab. The open chat and the other tabs are a second wasm
//! (`console-lazy`), fetched once the inbox is painted (`on_demand`). It talks only to
//! the public REST API (with the session cookie the sign-in sets, and the
//! `X-ChatFlow-Console` header that the server's CSRF guard asks of cookie writes) and
//! to the agent realtime socket. It is not a second back end: whatever it may do, the
//! server checks again (roles, limits, validation).

mod alert;
mod app;
mod inbox;
mod on_demand;
mod visitors;

pub use console_core::{api, i18n, icons};

fn main() {
    leptos::mount::mount_to_body(app::App);
}
