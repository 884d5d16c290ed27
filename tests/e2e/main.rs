//! End-to-end suites against the real worker under `wrangler dev` (workerd with local
//! D1, KV, R2, Durable Objects and Queues) and, for the widget, headless Chromium.
//!
//! `cargo test -p chatflow-e2e --test e2e [filter]`. One server serves every test; each
//! test makes its own workspace, so they run in parallel and in any order.

mod agents;
mod analytics;
mod auth;
mod browser;
mod chats;
mod client;
mod console;
mod console_analytics;
mod console_chat;
mod console_polish;
mod console_settings;
mod examples;
mod files;
mod hardening;
mod hardening2;
mod harness;
mod health;
mod identity;
mod integrity;
mod provisioning;
mod rate_limits;
mod realtime;
mod receiver;
mod retention;
mod triggers;
mod visitor;
mod webhooks;
mod widget_config;
mod widget_files;
mod widget_page;
mod widget_quality;

use std::sync::Arc;

use client::{Client, Ctx};
use libtest_mimic::{Arguments, Trial};

pub type TestFn = fn(&Ctx);

/// `tests![a, b]` → the named test functions of a module.
#[macro_export]
macro_rules! tests {
    ($($f:ident),* $(,)?) => {
        pub fn tests() -> Vec<(&'static str, $crate::TestFn)> {
            vec![$((concat!(module_path!(), "::", stringify!($f)), $f as $crate::TestFn)),*]
        }
    };
}

fn main() {
    let args = Arguments::from_args();
    let all: Vec<(&'static str, TestFn)> = [
        health::tests(),
        auth::tests(),
        provisioning::tests(),
        widget_config::tests(),
        chats::tests(),
        agents::tests(),
        analytics::tests(),
        triggers::tests(),
        files::tests(),
        examples::tests(),
        realtime::tests(),
        hardening::tests(),
        rate_limits::tests(),
        visitor::tests(),
        webhooks::tests(),
        retention::tests(),
        console::tests(),
        console_chat::tests(),
        console_settings::tests(),
        console_analytics::tests(),
        console_polish::tests(),
        widget_page::tests(),
        widget_files::tests(),
        widget_quality::tests(),
        integrity::tests(),
        identity::tests(),
        hardening2::tests(),
    ]
    .into_iter()
    .flatten()
    .collect();

    if args.list {
        let trials = all
            .iter()
            .map(|(name, _)| Trial::test(name.trim_start_matches("e2e::"), || Ok(())))
            .collect();
        libtest_mimic::run(&args, trials).exit();
    }

    let server = harness::TestServer::start();
    let client = Client::new(&server.base_url);
    let ctx = Arc::new(Ctx { server, client });
    let trials = all
        .into_iter()
        .map(|(name, test)| {
            let ctx = Arc::clone(&ctx);
            Trial::test(name.trim_start_matches("e2e::"), move || {
                test(&ctx);
                Ok(())
            })
        })
        .collect();
    let conclusion = libtest_mimic::run(&args, trials);
    // exit() skips destructors: stop the server first.
    drop(ctx);
    conclusion.exit();
}
