//! End-to-end suites against the real worker under `wrangler dev` (workerd with local
//! D1, KV, R2, Durable Objects and Queues) and, for the widget, headless Chromium.
//!
//! `cargo test -p chatflow-e2e --test e2e [filter]`. One server serves every test; each
//! test makes its own workspace, so they run in parallel and in any order.
//!
//! A test is a `fn name(ctx: &Ctx)` with `#[crate::e2e_test]` above it, in a module
//! named by a `mod` line below: that is all it takes for it to run as `module::name`.

mod agents;
mod analytics;
mod assignment;
mod auth;
mod bounds;
mod browser;
mod business_hours;
mod canned;
mod chats;
mod client;
mod console;
mod console_analytics;
mod console_chat;
mod console_polish;
mod console_product;
mod console_settings;
mod contacts;
mod email;
mod examples;
mod fence;
mod files;
mod hardening;
mod hardening2;
mod harness;
mod health;
mod host_page;
mod identity;
mod integrity;
mod invitations;
mod live_visitors;
mod mail;
mod notes;
mod offboarding;
mod openapi;
mod provisioning;
mod rate_limits;
mod realtime;
mod receiver;
mod retention;
mod search;
mod secrets_at_rest;
mod seed;
mod socket_bounds;
mod strangers;
mod tenants;
mod triggers;
mod visitor;
mod webhooks;
mod widget_config;
mod widget_csp;
mod widget_facade;
mod widget_files;
mod widget_package;
mod widget_page;
mod widget_quality;
mod widget_shell;

use std::sync::Arc;

use client::{Client, Ctx};
use libtest_mimic::{Arguments, Trial};

/// `#[crate::e2e_test]` on a `fn name(ctx: &Ctx)` makes it the test `module::name`.
pub use chatflow_e2e_macros::e2e_test;

pub type TestFn = fn(&Ctx);

/// A test, registered where it is defined (by `#[e2e_test]` or the old `tests!`).
pub struct Test {
    pub name: &'static str,
    pub run: TestFn,
}

inventory::collect!(Test);

/// What `#[e2e_test]` expands to after its function.
#[macro_export]
macro_rules! register_test {
    ($f:ident) => {
        ::inventory::submit! {
            $crate::Test { name: concat!(module_path!(), "::", stringify!($f)), run: $f }
        }
    };
}

/// The old way, `crate::tests![a, b]`, kept so modules written that way still run:
/// it registers each function as `#[e2e_test]` would.
#[macro_export]
macro_rules! tests {
    ($($f:ident),* $(,)?) => {
        $($crate::register_test!($f);)*
    };
}

/// Every registered test by name, sorted so runs and `--list` are in one order. Panics
/// on a test registered twice (with `#[e2e_test]` and in a `tests!` list).
fn registered() -> Vec<(&'static str, TestFn)> {
    let mut all: Vec<(&'static str, TestFn)> = inventory::iter::<Test>
        .into_iter()
        .map(|t| (t.name.trim_start_matches("e2e::"), t.run))
        .collect();
    all.sort_by_key(|(name, _)| *name);
    if let Some(pair) = all.windows(2).find(|p| p[0].0 == p[1].0) {
        panic!("{} is registered twice", pair[0].0);
    }
    all
}

/// A file of tests/e2e that no `mod` line names is never compiled, so its tests would
/// never run: refuse to start instead.
fn every_module_is_declared() {
    let main = include_str!("main.rs");
    let dir = harness::repo_root().join("tests/e2e");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if path.extension().is_some_and(|e| e == "rs")
            && stem != "main"
            && !main.lines().any(|l| l.trim() == format!("mod {stem};"))
        {
            panic!("tests/e2e/{stem}.rs is not compiled: add `mod {stem};` to tests/e2e/main.rs");
        }
    }
}

fn main() {
    let args = Arguments::from_args();
    every_module_is_declared();
    let all = registered();

    if args.list {
        let trials = all
            .iter()
            .map(|(name, _)| Trial::test(*name, || Ok(())))
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
            Trial::test(name, move || {
                test(&ctx);
                Ok(())
            })
        })
        .collect();
    let conclusion = libtest_mimic::run(&args, trials);
    for reload in ctx.server.reloads() {
        eprintln!("wrangler reloaded the worker during the suite: {reload}");
    }
    // exit() skips destructors: stop the server first.
    drop(ctx);
    conclusion.exit();
}
