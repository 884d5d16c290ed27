//! A typed client of the API for tests: each test provisions its own workspace, so tests
//! run in any order and in parallel.

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::Value;
use shared_types::admin::CreateWorkspaceResponse;
use shared_types::error::{ErrorCode, ErrorEnvelope};

/// What came back: status, headers, and the body as JSON (Null when empty or not JSON).
#[derive(Debug, Clone)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub text: String,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }

    /// The body as `T`, after checking the status.
    pub fn expect<T: DeserializeOwned>(&self, status: u16) -> T {
        assert_eq!(
            self.status, status,
            "unexpected status; body: {}",
            self.text
        );
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("body does not parse as expected: {e}\n{}", self.text))
    }

    /// Checks the whole error contract: status, code, both catalogue messages, and a
    /// request id that matches the X-Request-Id header.
    pub fn assert_error(&self, code: ErrorCode) -> ErrorEnvelope {
        assert_eq!(
            self.status,
            code.status(),
            "expected {} ({}); body: {}",
            code.code(),
            code.status(),
            self.text
        );
        let envelope: ErrorEnvelope = serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("not an error envelope ({e}): {}", self.text));
        let body = &envelope.error;
        assert_eq!(body.code, code.code(), "{}", self.text);
        assert_eq!(body.message, code.message());
        assert_eq!(body.message_en, code.message_en());
        assert!(body.details.is_object(), "details must be an object");
        assert!(body.request_id.starts_with("req_"), "{}", body.request_id);
        assert_eq!(self.header("x-request-id"), Some(body.request_id.as_str()));
        envelope
    }
}

/// Requests hold this shared; a direct D1 query holds it exclusively, so it runs while
/// the server is idle and never meets the server's SQLite write lock.
pub static QUIET: std::sync::RwLock<()> = std::sync::RwLock::new(());

/// Waits out rate limits by default (see [`Client::send`]); [`Client::impatient`] gives
/// one that returns every 429, for the tests of the limits themselves.
#[derive(Clone)]
pub struct Client {
    pub base_url: String,
    agent: ureq::Agent,
    patient: bool,
}

impl Client {
    pub fn new(base_url: &str) -> Client {
        Client {
            base_url: base_url.trim_end_matches('/').to_string(),
            agent: ureq::AgentBuilder::new()
                .timeout(Duration::from_secs(30))
                .build(),
            patient: true,
        }
    }

    /// The same client, returning 429s instead of waiting them out.
    pub fn impatient(&self) -> Client {
        Client {
            patient: false,
            ..self.clone()
        }
    }

    /// Sends a request; `headers` are (name, value) pairs; a `body` is sent as JSON.
    /// A 429 is waited out as its `Retry-After` says (tests must not depend on how fast
    /// the machine fires requests at one key's burst of 20 a second), unless impatient.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Resp {
        if self.patient {
            self.send_patiently(method, path, headers, body)
        } else {
            self.send_once(method, path, headers, body)
        }
    }

    fn send_once(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Resp {
        let req = self.request(method, path, headers);
        let _quiet = QUIET.read().unwrap_or_else(|e| e.into_inner());
        let result = match body {
            Some(body) => req
                .set("Content-Type", "application/json")
                .send_string(&body.to_string()),
            None => req.call(),
        };
        Self::read(result)
    }

    /// Like [`Client::send`], but waits out a 429 for as long as its `Retry-After` says
    /// and tries again, as a well-behaved client does. For tests that need volume, not
    /// for tests of the limits themselves.
    pub fn send_patiently(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Resp {
        loop {
            let resp = self.send_once(method, path, headers, body);
            if resp.status != 429 {
                return resp;
            }
            let wait: u64 = resp
                .header("retry-after")
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("a 429 without Retry-After: {}", resp.text));
            std::thread::sleep(Duration::from_secs(wait));
        }
    }

    /// A request to `path` (or a whole URL) with `headers` set.
    fn request(&self, method: &str, path: &str, headers: &[(&str, &str)]) -> ureq::Request {
        let url = if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}{path}", self.base_url)
        };
        headers
            .iter()
            .fold(self.agent.request(method, &url), |req, (name, value)| {
                req.set(name, value)
            })
    }

    /// Sends raw bytes with the given content type (or none).
    pub fn send_raw(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Resp {
        let req = self.request(method, path, headers);
        let _quiet = QUIET.read().unwrap_or_else(|e| e.into_inner());
        Self::read(req.send_bytes(body))
    }

    fn read(result: Result<ureq::Response, ureq::Error>) -> Resp {
        let response = match result {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("request failed: {e}"),
        };
        let status = response.status();
        let headers = response
            .headers_names()
            .into_iter()
            .filter_map(|n| response.header(&n).map(|v| (n.clone(), v.to_string())))
            .collect();
        let text = response.into_string().unwrap_or_default();
        Resp {
            status,
            headers,
            text,
        }
    }

    pub fn get(&self, path: &str, token: &str) -> Resp {
        self.send("GET", path, &[("Authorization", &bearer(token))], None)
    }

    pub fn post(&self, path: &str, token: &str, body: &Value) -> Resp {
        self.send(
            "POST",
            path,
            &[("Authorization", &bearer(token))],
            Some(body),
        )
    }

    pub fn patch(&self, path: &str, token: &str, body: &Value) -> Resp {
        self.send(
            "PATCH",
            path,
            &[("Authorization", &bearer(token))],
            Some(body),
        )
    }

    pub fn delete(&self, path: &str, token: &str) -> Resp {
        self.send("DELETE", path, &[("Authorization", &bearer(token))], None)
    }
}

pub fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// A workspace made for one test, with its owner's API key.
pub struct TestWorkspace {
    pub id: String,
    pub api_key: String,
    pub owner: shared_types::agents::Agent,
    pub client: Client,
}

impl TestWorkspace {
    pub fn get(&self, path: &str) -> Resp {
        self.client.get(path, &self.api_key)
    }

    pub fn post(&self, path: &str, body: &Value) -> Resp {
        self.client.post(path, &self.api_key, body)
    }

    pub fn patch(&self, path: &str, body: &Value) -> Resp {
        self.client.patch(path, &self.api_key, body)
    }

    pub fn delete(&self, path: &str) -> Resp {
        self.client.delete(path, &self.api_key)
    }

    /// Where the server serves the workspace's confirmed file `file_id`: the `url` of a
    /// confirm answer, and the only URL an attachment of it may have.
    pub fn file_url(&self, file_id: &str) -> String {
        format!("{}/v1/files/{}/{file_id}", self.client.base_url, self.id)
    }

    /// Another API key of the owner: a budget of its own.
    pub fn extra_key(&self) -> String {
        let created: shared_types::admin::CreatedApiKey = self
            .client
            .send_patiently(
                "POST",
                "/v1/api-keys",
                &[("Authorization", &bearer(&self.api_key))],
                Some(&serde_json::json!({"name": "extra"})),
            )
            .expect(201);
        created.key
    }

    /// A visitor session on this workspace's widget; returns the visitor token.
    pub fn visitor(&self, name: &str) -> String {
        let resp = self.client.send_patiently(
            "POST",
            &format!("/v1/public/widgets/{}/sessions", self.id),
            &[("Origin", "https://shop.example")],
            Some(&serde_json::json!({"visitor": {"name": name, "email": format!("{}@example.com", name.to_lowercase())}})),
        );
        let session: shared_types::visitor::SessionResponse = resp.expect(201);
        session.visitor_token
    }

    /// The id of the chat listed first by `GET /v1/chats` (the newest), "" when none.
    pub fn newest_chat_id(&self) -> String {
        self.get("/v1/chats").json()["data"][0]["id"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// An agent's reply in `chat_id`, which must be accepted (201).
    pub fn reply(&self, chat_id: &str, text: &str) {
        self.post(
            &format!("/v1/chats/{chat_id}/messages"),
            &serde_json::json!({ "text": text }),
        )
        .expect::<Value>(201);
    }

    /// A chat started by a new visitor; returns (chat id, visitor token).
    pub fn chat(&self, first_message: &str) -> (String, String) {
        let token = self.visitor("Ali");
        let resp = self.client.send_patiently(
            "POST",
            "/v1/visitor/chats",
            &[("Authorization", &bearer(&token))],
            Some(&serde_json::json!({"text": first_message, "page_url": "https://shop.example/pricing"})),
        );
        let started: shared_types::visitor::StartedChat = resp.expect(201);
        (started.chat.id.as_str().to_string(), token)
    }
}

pub struct Ctx {
    pub server: crate::harness::TestServer,
    pub client: Client,
}

impl Ctx {
    pub fn admin_token(&self) -> &str {
        &self.server.admin_token
    }

    pub fn workspace(&self) -> TestWorkspace {
        self.workspace_named("Test Shop")
    }

    pub fn workspace_named(&self, name: &str) -> TestWorkspace {
        let resp = self.client.post(
            "/v1/admin/workspaces",
            self.admin_token(),
            &serde_json::json!({"name": name, "owner": {"name": "Sara", "email": "sara@shop.example"}}),
        );
        let created: CreateWorkspaceResponse = resp.expect(201);
        TestWorkspace {
            id: created.workspace.id.as_str().to_string(),
            api_key: created.api_key,
            owner: created.agent,
            client: self.client.clone(),
        }
    }

    /// The workspace's export (`GET /v1/admin/workspaces/{id}/export`), one JSON value
    /// per line: the way to read what its own object stores.
    pub fn export(&self, workspace_id: &str) -> Vec<Value> {
        let resp = self.client.get(
            &format!("/v1/admin/workspaces/{workspace_id}/export"),
            self.admin_token(),
        );
        assert_eq!(resp.status, 200, "{}", resp.text);
        assert_eq!(resp.header("content-type"), Some("application/x-ndjson"));
        resp.text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }

    /// The workspace's exported rows of `table`.
    pub fn exported_rows(&self, workspace_id: &str, table: &str) -> Vec<Value> {
        self.export(workspace_id)
            .into_iter()
            .filter(|line| line["table"] == table)
            .map(|line| line["row"].clone())
            .collect()
    }
}

/// `YYYY-MM-DD` of `n` days before today (UTC), without a date crate in the tests.
pub fn utc_date_days_ago(n: u64) -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let days = (secs / 86_400 - n) as i64;
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    format!("{:04}-{:02}-{:02}", if m <= 2 { y + 1 } else { y }, m, d)
}
