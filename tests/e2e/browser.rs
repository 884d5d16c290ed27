//! Headless Chromium through chromedriver's WebDriver protocol, just enough to load a
//! page and run script in it (which is how tests reach into the widget's shadow root).

use std::process::Command;
use std::time::Duration;

use serde_json::{json, Value};

use crate::harness::{eventually, free_port, Spawned, TempDir, PAGES, PAGE_FENCE};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

pub struct Browser {
    base: String,
    session: String,
    /// Every URL the browser requested so far (with [`Browser::start_recording`]).
    requested: std::cell::RefCell<Vec<String>>,
    agent: ureq::Agent,
    _driver: Spawned,
    _profile: TempDir,
}

impl Browser {
    /// A new headless Chromium with its own profile, `width`×`height` CSS pixels.
    pub fn start(width: u32, height: u32) -> Browser {
        Self::launch(width, height, false, false)
    }

    /// Like [`Browser::start`], with Chromium's network log on: [`Browser::requests`]
    /// lists every request any page of this browser made.
    pub fn start_recording(width: u32, height: u32) -> Browser {
        Self::launch(width, height, false, true)
    }

    /// Like [`Browser::start`], but the page sees a phone's viewport of exactly
    /// `width`×`height` (a desktop window cannot be narrower than about 500 px).
    pub fn start_phone(width: u32, height: u32) -> Browser {
        Self::launch(width, height, true, false)
    }

    fn launch(width: u32, height: u32, phone: bool, record: bool) -> Browser {
        for path in [CHROMIUM, CHROMEDRIVER] {
            assert!(
                std::path::Path::new(path).exists(),
                "{path} is missing: install Debian's chromium and chromium-driver \
                 (scripts/test.sh does)"
            );
        }
        let port = free_port();
        let mut command = Command::new(CHROMEDRIVER);
        command.args([format!("--port={port}"), "--allowed-ips=127.0.0.1".into()]);
        let driver = Spawned::start(command, "chromedriver");
        let base = format!("http://127.0.0.1:{port}");
        let agent = ureq::AgentBuilder::new()
            .timeout(Duration::from_secs(60))
            .build();
        eventually(
            "chromedriver to start",
            Duration::from_secs(20),
            Duration::from_millis(100),
            || match agent.get(&format!("{base}/status")).call() {
                Ok(_) => Ok(()),
                Err(e) => Err(format!("{e}; chromedriver said: {}", driver.output_text())),
            },
        );
        let profile = TempDir::new("chatflow-chromium");
        let mut caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--disable-quic",
                    format!("--user-data-dir={}", profile.path().display()),
                    format!("--window-size={width},{height}"),
                ]
            }
        }}});
        if record {
            caps["capabilities"]["alwaysMatch"]["goog:loggingPrefs"] =
                json!({"performance": "ALL"});
            caps["capabilities"]["alwaysMatch"]["goog:chromeOptions"]["perfLoggingPrefs"] =
                json!({"enableNetwork": true, "enablePage": false});
        }
        if phone {
            caps["capabilities"]["alwaysMatch"]["goog:chromeOptions"]["mobileEmulation"] = json!({
                "deviceMetrics": {"width": width, "height": height, "pixelRatio": 1.0}
            });
        }
        let resp: Value = agent
            .post(&format!("{base}/session"))
            .send_json(caps)
            .unwrap_or_else(|e| panic!("new session: {e}\n{}", driver.output_text()))
            .into_json()
            .expect("session json");
        let session = resp["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session id: {resp}"))
            .to_string();
        let browser = Browser {
            base,
            session,
            requested: std::cell::RefCell::new(Vec::new()),
            agent,
            _driver: driver,
            _profile: profile,
        };
        // Before any page: the harness must be able to hold this browser's requests.
        browser.cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({"source": PAGE_FENCE}),
        );
        pages().push((browser.base.clone(), browser.session.clone()));
        browser
    }

    fn command(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let req = self.agent.request(method, &url);
        let result = match body {
            Some(body) => req.send_json(body),
            None => req.call(),
        };
        let resp = match result {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("webdriver {path}: {e}"),
        };
        let value: Value = resp.into_json().expect("webdriver json");
        if let Some(error) = value["value"].get("error") {
            panic!("webdriver {path}: {error}: {}", value["value"]["message"]);
        }
        value["value"].clone()
    }

    pub fn goto(&self, url: &str) {
        self.command("POST", "/url", Some(json!({"url": url})));
    }

    /// The URLs of every request made since the browser started, in order, from
    /// Chromium's network log (`Network.requestWillBeSent`; needs
    /// [`Browser::start_recording`]).
    pub fn requests(&self) -> Vec<String> {
        let entries = self.command("POST", "/se/log", Some(json!({"type": "performance"})));
        let mut requested = self.requested.borrow_mut();
        for entry in entries.as_array().into_iter().flatten() {
            let Some(message) = entry["message"]
                .as_str()
                .and_then(|m| serde_json::from_str::<Value>(m).ok())
            else {
                continue;
            };
            if message["message"]["method"] == "Network.requestWillBeSent" {
                if let Some(url) = message["message"]["params"]["request"]["url"].as_str() {
                    requested.push(url.to_string());
                }
            }
        }
        requested.clone()
    }

    /// Runs `script` (a function body; `arguments` holds `args`) and returns its value.
    pub fn eval(&self, script: &str, args: Value) -> Value {
        self.command(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": args})),
        )
    }

    /// Polls `script` until it returns something other than null/false.
    pub fn wait_for(&self, script: &str, timeout: Duration) -> Value {
        self.wait_for_with(script, json!([]), timeout)
    }

    /// [`Browser::wait_for`] with `arguments`.
    pub fn wait_for_with(&self, script: &str, args: Value, timeout: Duration) -> Value {
        eventually(script, timeout, Duration::from_millis(50), || {
            let value = self.eval(script, args.clone());
            if value.is_null() || value == Value::Bool(false) {
                Err(value)
            } else {
                Ok(value)
            }
        })
    }
}

/// WebDriver's codes for keys that are not characters, for [`Browser::keys`].
pub mod key {
    pub const TAB: &str = "\u{E004}";
    pub const ENTER: &str = "\u{E007}";
    pub const SHIFT: &str = "\u{E008}";
    pub const ESCAPE: &str = "\u{E00C}";
}

impl Browser {
    /// Presses and releases each key of `keys` in turn, as a person would: real
    /// (trusted) events, so Tab moves focus and Enter activates buttons. A
    /// [`key::SHIFT`] stays down until the end of `keys`.
    pub fn keys(&self, keys: &str) {
        let mut actions = Vec::new();
        let mut held = Vec::new();
        for c in keys.chars() {
            let value = c.to_string();
            actions.push(json!({"type": "keyDown", "value": value}));
            if value == key::SHIFT {
                held.push(value);
            } else {
                actions.push(json!({"type": "keyUp", "value": value}));
            }
        }
        for value in held {
            actions.push(json!({"type": "keyUp", "value": value}));
        }
        self.command(
            "POST",
            "/actions",
            Some(json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]})),
        );
    }

    /// Emulates a `width`×`height` CSS-pixel phone screen: windows cannot be made
    /// narrower than about 500 pixels, phones are.
    pub fn phone_viewport(&self, width: u32, height: u32) {
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": height, "deviceScaleFactor": 2, "mobile": true}),
        );
    }

    /// Runs a Chromium DevTools protocol command (through chromedriver) in the current
    /// tab and returns its result.
    pub fn cdp(&self, cmd: &str, params: Value) -> Value {
        self.command(
            "POST",
            "/goog/cdp/execute",
            Some(json!({"cmd": cmd, "params": params})),
        )
    }

    /// Opens a new tab (same profile, so the same `localStorage`) and returns its handle;
    /// the current tab stays current.
    pub fn new_tab(&self) -> String {
        let value = self.command("POST", "/window/new", Some(json!({"type": "tab"})));
        value["handle"].as_str().unwrap_or_default().to_string()
    }

    /// The current tab's handle.
    pub fn tab(&self) -> String {
        self.command("GET", "/window", None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Makes `handle` the current tab.
    pub fn switch_to(&self, handle: &str) {
        self.command("POST", "/window", Some(json!({"handle": handle})));
    }
}

/// The live browsers' sessions (see `harness::PAGES`).
fn pages() -> std::sync::MutexGuard<'static, Vec<(String, String)>> {
    PAGES.lock().unwrap_or_else(|e| e.into_inner())
}

impl Drop for Browser {
    fn drop(&mut self) {
        pages().retain(|(_, session)| *session != self.session);
        let _ = self
            .agent
            .delete(&format!("{}/session/{}", self.base, self.session))
            .call();
    }
}
