//! Routes, then services, then store: a route module extracts, calls a service and
//! responds, so no route module reaches into another. Shared logic lives in
//! `src/services/` (or `src/domain/`, `src/limits.rs`), never in a route another route
//! borrows from. `routes/mod.rs` is the wiring and may name every route; a route may
//! use what `routes/mod.rs` itself defines (`super::origin`).

use std::path::{Path, PathBuf};

fn routes_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/routes")
}

/// The route modules: every `routes/<name>.rs` but `mod.rs`.
fn route_modules() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(routes_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .filter(|n| n != "mod")
        .collect();
    names.sort();
    names
}

/// The source without `//` comments, so prose that names a module is not a use of it.
fn code_of(source: &str) -> String {
    source
        .lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first path segments that follow each `prefix` in `code`: `super::chats::x` gives
/// `chats`, `super::{origin, chats::x}` gives `origin` and `chats`.
fn segments_after(code: &str, prefix: &str) -> Vec<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find(prefix) {
        // A longer path that merely ends in the prefix (`my_super::`) is not it.
        let before = rest[..at].chars().last();
        rest = &rest[at + prefix.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let tail = rest.trim_start();
        if let Some(group) = tail.strip_prefix('{') {
            let mut depth = 1;
            let end = group
                .char_indices()
                .find(|(_, c)| {
                    match c {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        _ => {}
                    }
                    depth == 0
                })
                .map_or(group.len(), |(i, _)| i);
            // Only the group's top level names modules of `prefix`.
            let mut level = 0;
            let mut item = String::new();
            for c in group[..end].chars().chain([',']) {
                match c {
                    '{' => level += 1,
                    '}' => level -= 1,
                    ',' if level == 0 => {
                        found.push(ident(item.trim()));
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                if level == 0 {
                    item.push(c);
                }
            }
        } else {
            found.push(ident(tail));
        }
    }
    found.retain(|s| !s.is_empty());
    found
}

/// The other route modules `source` (the file of route `own`) reaches into.
fn reached_routes(own: &str, source: &str, routes: &[String]) -> Vec<String> {
    let code = code_of(source);
    let mut reached: Vec<String> = ["crate::routes::", "super::", "routes::"]
        .iter()
        .flat_map(|prefix| segments_after(&code, prefix))
        .filter(|name| name != own && routes.contains(name))
        .collect();
    reached.sort();
    reached.dedup();
    reached
}

#[test]
fn no_route_module_reaches_into_another() {
    let routes = route_modules();
    assert!(
        routes.len() > 5,
        "found only {routes:?} in {:?}",
        routes_dir()
    );
    let mut offences = Vec::new();
    for own in &routes {
        let path = routes_dir().join(format!("{own}.rs"));
        let source = std::fs::read_to_string(&path).unwrap();
        for other in reached_routes(own, &source, &routes) {
            offences.push(format!("routes/{own}.rs uses routes/{other}.rs"));
        }
    }
    assert!(
        offences.is_empty(),
        "move what is shared into services/ (or domain/):\n{}",
        offences.join("\n")
    );
}

#[test]
fn the_check_sees_every_way_of_naming_another_route() {
    let routes: Vec<String> = ["chats", "files", "widget"].map(String::from).to_vec();
    let reached = |source: &str| reached_routes("files", source, &routes);
    assert_eq!(
        reached("use crate::routes::chats::{load_head, parse_chat_id};"),
        ["chats"]
    );
    assert_eq!(
        reached("use super::{origin, widget::config_view};"),
        ["widget"]
    );
    assert_eq!(
        reached("let x = crate::routes::chats::load_head(db).await;"),
        ["chats"]
    );
    assert_eq!(reached("super::chats::post_message(&state)"), ["chats"]);
    assert_eq!(reached("use crate::routes::{self, chats};"), ["chats"]);
    // What routes/mod.rs defines, the route's own name, and prose are not offences.
    assert!(reached("let origin = super::origin(&uri, &headers);").is_empty());
    assert!(reached("use super::files::Uploader;").is_empty());
    assert!(reached("// see crate::routes::chats for the rule").is_empty());
    assert!(reached("use crate::services::chats;").is_empty());
}
