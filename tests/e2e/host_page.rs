//! A host page on its own loopback origin (a customer's site, not the API's), served
//! by a thread until dropped: each path answers with its HTML and extra headers.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// One page: its path, HTML and extra response headers.
pub struct Page {
    pub path: String,
    pub html: String,
    pub headers: Vec<(String, String)>,
}

pub struct HostPage {
    /// `http://127.0.0.1:<port>`.
    pub origin: String,
    stop: Arc<AtomicBool>,
}

impl HostPage {
    pub fn start(pages: Vec<Page>) -> HostPage {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind host page");
        let addr = listener.local_addr().expect("host page address");
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        let pages = Arc::new(pages);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopped.load(Ordering::Relaxed) {
                    break;
                }
                if let Ok(stream) = stream {
                    let pages = Arc::clone(&pages);
                    std::thread::spawn(move || answer(stream, &pages));
                }
            }
        });
        HostPage {
            origin: format!("http://{addr}"),
            stop,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }
}

/// The script tag a site owner embeds, for the API at `api`.
pub fn page_html(title: &str, api: Option<(&str, &str)>) -> String {
    let script = api.map_or(String::new(), |(api, workspace_id)| {
        format!("<script src=\"{api}/widget/widget.js\" data-workspace=\"{workspace_id}\" async></script>")
    });
    format!(
        "<!doctype html><html lang=\"uz\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title></head><body><h1>{title}</h1>\
         <p>Do'konimizga xush kelibsiz. Bu sahifa widgetning narxini o'lchash uchun.</p>\
         {script}</body></html>"
    )
}

fn answer(mut stream: TcpStream, pages: &[Page]) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut request = Vec::new();
    let mut buf = [0u8; 2048];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    let line = String::from_utf8_lossy(&request);
    let path = line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .split('?')
        .next()
        .unwrap_or("/");
    let response = match pages.iter().find(|p| p.path == path) {
        Some(page) => {
            let extra: String = page
                .headers
                .iter()
                .map(|(k, v)| format!("{k}: {v}\r\n"))
                .collect();
            format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n{extra}\
                 Cache-Control: no-store\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
                page.html.len(),
                page.html
            )
        }
        None => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".into(),
    };
    let _ = stream.write_all(response.as_bytes());
}

impl Drop for HostPage {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Wakes the accept loop so it sees the flag.
        if let Some(addr) = self.origin.strip_prefix("http://") {
            let _ = TcpStream::connect(addr);
        }
    }
}
