//! The harness's fence (`harness::PAGE_FENCE`): a test that reads D1 holds every page's
//! requests and waits for those in flight. A frame removed while its request is in
//! flight never finishes that request, and must not hold the fence up forever (the
//! console's widget preview is such a frame: it reloads on every change).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::browser::Browser;
use crate::client::Ctx;
use crate::harness::{eventually, hold_pages};

/// A loopback page server: `/` has a frame, `/frame` starts a request to `/hang`, which
/// is never answered. Runs until the test process ends.
fn serve() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a page server");
    let base = format!("http://{}", listener.local_addr().expect("its address"));
    std::thread::spawn(move || {
        let mut hanging = Vec::new();
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut head = [0u8; 2048];
            let n = stream.read(&mut head).unwrap_or(0);
            let request = String::from_utf8_lossy(&head[..n]);
            let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
            let body = match path.as_str() {
                "/" => "<!doctype html><title>top</title><iframe id=f src=/frame></iframe>",
                "/frame" => {
                    "<!doctype html><title>frame</title><script>\
                     window.started = true; fetch('/hang').catch(() => {});</script>"
                }
                _ => {
                    // Kept open and never answered: a request in flight for good.
                    hanging.push(stream);
                    continue;
                }
            };
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    base
}

#[crate::e2e_test]
fn a_frame_removed_mid_request_does_not_hold_the_pages_up(_ctx: &Ctx) {
    let base = serve();
    let browser = Browser::start(800, 600);
    browser.goto(&format!("{base}/"));
    browser.wait_for(
        "const f = document.getElementById('f'); \
         return !!(f && f.contentWindow && f.contentWindow.started);",
        Duration::from_secs(10),
    );
    // The frame's request counts while the frame is there.
    let counted = eventually(
        "the frame's request to be counted",
        Duration::from_secs(10),
        Duration::from_millis(20),
        || {
            let n = browser.eval(
                "const n = window.__chatflowHold(); window.__chatflowRelease(); return n;",
                json!([]),
            );
            (n == json!(1)).then_some(n)
        },
    );
    assert_eq!(counted, json!(1));

    browser.eval(
        "document.getElementById('f').remove(); return true;",
        json!([]),
    );
    let start = Instant::now();
    drop(hold_pages());
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "holding the pages waited {:?} for a removed frame's request",
        start.elapsed()
    );

    // So does a frame that navigates away mid-request.
    browser.eval(
        "const f = document.createElement('iframe'); f.id = 'g'; f.src = '/frame'; \
         document.body.append(f); return true;",
        json!([]),
    );
    browser.wait_for(
        "const f = document.getElementById('g'); \
         return !!(f && f.contentWindow && f.contentWindow.started);",
        Duration::from_secs(10),
    );
    browser.eval(
        "document.getElementById('g').src = 'about:blank'; return true;",
        json!([]),
    );
    browser.wait_for(
        "const f = document.getElementById('g'); \
         return f.contentWindow.location.href === 'about:blank';",
        Duration::from_secs(10),
    );
    let start = Instant::now();
    drop(hold_pages());
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "holding the pages waited {:?} for a navigated frame's request",
        start.elapsed()
    );
}
