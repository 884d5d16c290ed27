//! The server under test: `wrangler dev` on a free loopback port with a fresh
//! `--persist-to` directory and the migrations applied, stopped (with every process it
//! spawned) when the suite ends, however it ends.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rusqlite::OpenFlags;

/// The repository root (wrangler.toml lives there).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// A child process in its own process group, killed with its whole group on drop
/// (wrangler starts workerd; chromedriver starts Chromium).
pub struct Spawned {
    child: Child,
    name: String,
    pub output: Arc<Mutex<Vec<String>>>,
}

impl Spawned {
    pub fn start(mut command: Command, name: &str) -> Spawned {
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0);
        // If the test binary dies without unwinding, the kernel still stops the child.
        unsafe {
            command.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
                Ok(())
            });
        }
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        let output = Arc::new(Mutex::new(Vec::new()));
        for stream in [
            child
                .stdout
                .take()
                .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
            child
                .stderr
                .take()
                .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
        ]
        .into_iter()
        .flatten()
        {
            let output = Arc::clone(&output);
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    if let Ok(mut lines) = output.lock() {
                        lines.push(line);
                    }
                }
            });
        }
        Spawned {
            child,
            name: name.replace(' ', "-"),
            output,
        }
    }

    pub fn output_text(&self) -> String {
        self.output
            .lock()
            .map(|lines| lines.join("\n"))
            .unwrap_or_default()
    }

    /// The process group: the child and everything it started.
    pub fn group(&self) -> u32 {
        self.child.id()
    }

    pub fn has_exited(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(Some(_)))
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        // What the process said, for the post-mortem of a failed run.
        if let Ok(dir) = std::env::var("CHATFLOW_E2E_LOG_DIR") {
            let name = format!("{}-{}.log", self.name, self.child.id());
            let _ = std::fs::write(Path::new(&dir).join(name), self.output_text());
        }
        let pgid = self.child.id() as i32;
        unsafe {
            libc::kill(-pgid, libc::SIGTERM);
        }
        let _ = poll(Duration::from_secs(5), Duration::from_millis(50), || {
            matches!(self.child.try_wait(), Ok(Some(_)))
        });
        unsafe {
            libc::kill(-pgid, libc::SIGKILL);
        }
        let _ = self.child.wait();
    }
}

/// wrangler from the repository's node_modules, non-interactive and silent about metrics.
fn wrangler(root: &Path) -> Command {
    let mut command = Command::new(root.join("node_modules/.bin/wrangler"));
    quiet_wrangler(&mut command, root);
    command
}

/// What every run of wrangler here has: the repository as its directory, no metrics,
/// no prompts, no build.
fn quiet_wrangler(command: &mut Command, root: &Path) {
    command
        .current_dir(root)
        .env("WRANGLER_SEND_METRICS", "false")
        .env("CI", "1")
        // The test command built everything already.
        .env("CHATFLOW_SKIP_BUILD", "1");
}

/// Writes the configuration the suite's servers run on, in `persist/config`: the
/// top level of wrangler.toml with absolute paths and without `[build]`.
///
/// The repository's `[build]` makes wrangler watch a directory (`build.watch_dir`) and
/// wrangler.toml itself, and any event there rebuilds and reloads the worker: workerd is
/// restarted and every request in flight answers 503 "Your worker restarted
/// mid-request". A suite that must never see that runs a configuration nothing watches
/// and nothing writes.
fn write_served_config(root: &Path, persist: &Path, edit: Option<&(String, String)>) -> PathBuf {
    let source = std::fs::read_to_string(root.join("wrangler.toml")).expect("read wrangler.toml");
    let dir = persist.join("config");
    std::fs::create_dir_all(&dir).expect("create the served configuration's directory");
    let path = dir.join("wrangler.toml");
    let mut served = served_config(&source, root);
    if let Some((from, to)) = edit {
        assert!(
            served.contains(from.as_str()),
            "wrangler.toml has no {from:?}"
        );
        served = served.replacen(from.as_str(), to, 1);
    }
    std::fs::write(&path, served).expect("write the served configuration");
    path
}

/// `source` (a wrangler.toml) cut to its top level, with its `[build]` table dropped and
/// the paths it names made absolute under `root`.
fn served_config(source: &str, root: &Path) -> String {
    let mut out = String::new();
    let mut in_build = false;
    for line in source.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            if trimmed.starts_with("[env.") {
                break;
            }
            in_build = trimmed == "[build]";
        }
        if in_build {
            continue;
        }
        let absolute = ["main", "directory", "migrations_dir"]
            .iter()
            .find_map(|key| {
                let rest = trimmed.strip_prefix(key)?.trim_start().strip_prefix('=')?;
                let relative = rest.trim().strip_prefix('"')?.strip_suffix('"')?;
                Some(format!("{key} = {:?}", root.join(relative)))
            });
        out.push_str(absolute.as_deref().unwrap_or(line));
        out.push('\n');
    }
    out
}

pub struct TestServer {
    pub base_url: String,
    pub admin_token: String,
    pub persist_dir: PathBuf,
    _process: Option<Spawned>,
    _temp: Option<TempDir>,
    /// A change to the served configuration (what it replaces, and with what).
    edit: Option<(String, String)>,
    devtools: DevTools,
}

/// Whether the server runs with wrangler's DevTools inspector, as `wrangler dev` always
/// does, or without it (scripts/lib/dev-without-inspector.mjs), as a benchmark measures
/// the service: the inspector proxy's relaying of every subrequest's events costs the
/// machine more CPU than the worker itself under load.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum DevTools {
    Attached,
    Off,
}

impl TestServer {
    /// Everything the server's wrangler has printed so far ("" for an outside server).
    pub fn output(&self) -> String {
        self._process
            .as_ref()
            .map(Spawned::output_text)
            .unwrap_or_default()
    }

    /// What the server's wrangler said about reloading the worker after it first came
    /// up: each reload restarts workerd and fails the requests in flight, so the suite
    /// reports any it saw.
    pub fn reloads(&self) -> Vec<String> {
        let Some(process) = &self._process else {
            return Vec::new();
        };
        let out = process.output_text();
        let lines: Vec<&str> = out.lines().collect();
        lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.contains("Reloading local server") || l.contains("restarting build"))
            .map(|(i, l)| {
                format!(
                    "{}{l}",
                    i.checked_sub(1).map_or("", |p| lines[p]).to_owned() + " / "
                )
            })
            .collect()
    }

    /// The process group of the wrangler this harness started (None for an outside server).
    pub fn process_group(&self) -> Option<u32> {
        self._process.as_ref().map(Spawned::group)
    }

    /// Uses `CHATFLOW_E2E_BASE_URL` and `CHATFLOW_E2E_ADMIN_TOKEN` when both are set (a
    /// server someone already runs); otherwise starts one.
    pub fn start() -> TestServer {
        Self::start_edited(None, DevTools::Attached)
    }

    /// [`TestServer::start`] for a benchmark: the same dev server without the DevTools
    /// inspector (an outside server is used as it is).
    pub fn start_measured() -> TestServer {
        Self::start_edited(None, DevTools::Off)
    }

    /// A server of its own whose configuration has `from` replaced by `to` (a binding
    /// configured to fail, say), for a test that must not change the shared one.
    pub fn start_with(from: &str, to: &str) -> TestServer {
        Self::start_edited(Some((from.to_string(), to.to_string())), DevTools::Attached)
    }

    fn start_edited(edit: Option<(String, String)>, devtools: DevTools) -> TestServer {
        let outside = (
            std::env::var("CHATFLOW_E2E_BASE_URL"),
            std::env::var("CHATFLOW_E2E_ADMIN_TOKEN"),
        );
        if let (None, (Ok(base_url), Ok(admin_token))) = (&edit, outside) {
            return TestServer {
                base_url,
                admin_token,
                persist_dir: std::env::var("CHATFLOW_E2E_PERSIST_DIR")
                    .map(PathBuf::from)
                    .unwrap_or_default(),
                _process: None,
                _temp: None,
                edit: None,
                devtools,
            };
        }
        let root = repo_root();
        assert!(
            root.join("edge-api/build/worker/shim.mjs").exists(),
            "the worker is not built: run `bash scripts/build.sh` (scripts/test.sh does)"
        );
        let temp = TempDir::new("chatflow-e2e");
        let persist = temp.path.clone();
        let status = wrangler(&root)
            .args(["d1", "migrations", "apply", "DB", "--local", "--persist-to"])
            .arg(&persist)
            .stdout(Stdio::null())
            .status()
            .expect("wrangler d1 migrations apply");
        assert!(status.success(), "applying migrations failed");

        let admin_token = format!("test-admin-{}", std::process::id());
        let (base_url, process) = Self::serve(&persist, &admin_token, edit.as_ref(), devtools);
        TestServer {
            base_url,
            admin_token,
            persist_dir: persist,
            _process: Some(process),
            _temp: Some(temp),
            edit,
            devtools,
        }
    }

    /// Stops the server and starts a new one (a new port, new processes, every object
    /// evicted) on the same local state.
    pub fn restart(&mut self) {
        drop(self._process.take());
        let (base_url, process) = Self::serve(
            &self.persist_dir,
            &self.admin_token,
            self.edit.as_ref(),
            self.devtools,
        );
        self.base_url = base_url;
        self._process = Some(process);
    }

    /// Starts `wrangler dev` on `persist` and waits until it answers.
    ///
    /// A free port is only free when asked: between `free_port` and workerd's bind,
    /// another process of the suite (a server of its own, a receiver) may take it, and
    /// workerd exits with "Address already in use". Then the start is tried again on
    /// other ports. A server counts as up only once its own output says it is ready on
    /// its port, so an answer from whoever else holds the port is never taken for it.
    fn serve(
        persist: &Path,
        admin_token: &str,
        edit: Option<&(String, String)>,
        devtools: DevTools,
    ) -> (String, Spawned) {
        let root = repo_root();
        let config = write_served_config(&root, persist, edit);
        for _ in 0..5 {
            if let Some(up) = Self::try_serve(&root, &config, persist, admin_token, devtools) {
                return up;
            }
        }
        panic!("wrangler dev found no free port in 5 tries");
    }

    /// One start of [`TestServer::serve`]; `None` when a port was taken meanwhile.
    fn try_serve(
        root: &Path,
        config: &Path,
        persist: &Path,
        admin_token: &str,
        devtools: DevTools,
    ) -> Option<(String, Spawned)> {
        let port = free_port();
        let mut command = match devtools {
            DevTools::Attached => {
                let mut command = wrangler(root);
                command
                    .arg("dev")
                    .args(["--inspector-port", &free_port().to_string()])
                    .arg("--show-interactive-dev-session=false");
                command
            }
            DevTools::Off => {
                let mut command = Command::new("node");
                command.arg(root.join("scripts/lib/dev-without-inspector.mjs"));
                quiet_wrangler(&mut command, root);
                command
            }
        };
        command
            .arg("--config")
            .arg(config)
            .args(["--ip", "127.0.0.1", "--port", &port.to_string()])
            .arg("--persist-to")
            .arg(persist)
            .args(["--var", &format!("ADMIN_TOKEN:{admin_token}")])
            .args([
                "--var",
                &format!("TOKEN_SECRET:test-secret-{}", std::process::id()),
            ])
            // The key of values sealed with AES-256-GCM (webhook secrets and the like):
            // 64 hex digits, new for every run.
            .args([
                "--var",
                &format!(
                    "ENCRYPTION_KEY:{}",
                    format!("{:016x}", std::process::id()).repeat(4)
                ),
            ])
            // A whole retry schedule (1+2+4+8+16+16+16+16 s) fits in a test run.
            .args(["--var", "WEBHOOK_RETRY_BASE_SECONDS:1"])
            // Receivers listen on loopback; wrangler.toml's top level refuses private URLs.
            .args(["--var", "ALLOW_PRIVATE_WEBHOOK_URLS:true"])
            // Receivers in tests are on loopback; anything else (the fuzzer's invented
            // URLs) is never contacted.
            .args(["--var", "WEBHOOK_EGRESS:loopback"])
            // A message waits a second, not two minutes, before mail goes out about it.
            .args(["--var", "EMAIL_NOTIFY_DELAY_SECONDS:1"])
            .args(["--var", "ASSIGNMENT_RECLAIM_SECONDS:2"])
            // Tests see a visitor leave in 3 s; a bench may ask for the real minute.
            .args([
                "--var",
                &format!(
                    "VISITOR_OFFLINE_SECONDS:{}",
                    std::env::var("CHATFLOW_VISITOR_OFFLINE_SECONDS")
                        .unwrap_or_else(|_| "3".into())
                ),
            ])
            // Links in mail point at this server.
            .args(["--var", &format!("PUBLIC_URL:http://127.0.0.1:{port}")])
            // /__scheduled runs the cron handler on demand (the retention tests).
            .arg("--test-scheduled");
        let mut process = Spawned::start(command, "wrangler dev");
        let base_url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(120);
        let ready = format!("Ready on {base_url}");
        loop {
            let out = process.output_text();
            if process.has_exited() && out.contains("Address already in use") {
                return None;
            }
            let up = out.contains(&ready)
                && ureq::get(&format!("{base_url}/v1/health"))
                    .timeout(Duration::from_secs(2))
                    .call()
                    .is_ok();
            if up && !process.has_exited() {
                return Some((base_url, process));
            }
            if process.has_exited() || Instant::now() > deadline {
                panic!("wrangler dev did not come up on {base_url}:\n{out}");
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Runs SQL against the server's local D1 (for checks the API cannot make). It runs
    /// while no request is in flight (see `client::QUIET`); a busy database is retried.
    ///
    /// Quiet means the browsers too: `wrangler d1 execute` is a second SQLite process on
    /// the server's file, and while it writes, every query of the server fails (D1_ERROR,
    /// SQLITE_BUSY inside workerd). The tests' own requests wait on `client::QUIET`; the
    /// pages of every live test browser are held by [`hold_pages`] meanwhile.
    pub fn d1(&self, sql: &str) -> serde_json::Value {
        let _quiet = crate::client::QUIET
            .write()
            .unwrap_or_else(|e| e.into_inner());
        self.d1_held(sql)
    }

    /// [`TestServer::d1`] for a caller that already holds `client::QUIET` for writing.
    pub fn d1_held(&self, sql: &str) -> serde_json::Value {
        let _pages = hold_pages();
        let mut attempt = 0;
        let out = loop {
            let out = wrangler(&repo_root())
                .args(["d1", "execute", "DB", "--local", "--json", "--persist-to"])
                .arg(&self.persist_dir)
                .args(["--command", sql])
                .output()
                .expect("wrangler d1 execute");
            // With `--json`, wrangler writes its error to stdout, not stderr.
            let busy = !out.status.success()
                && [&out.stderr, &out.stdout]
                    .iter()
                    .any(|o| String::from_utf8_lossy(o).contains("SQLITE_BUSY"));
            attempt += 1;
            if !busy || attempt == 30 {
                break out;
            }
            std::thread::sleep(Duration::from_millis(200));
        };
        assert!(
            out.status.success(),
            "d1 execute failed ({}): {}{}",
            out.status,
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        let json: serde_json::Value =
            serde_json::from_slice(&out.stdout).expect("wrangler d1 execute --json output");
        json[0]["results"].clone()
    }

    /// Runs SQL in the database of `workspace_id`'s `Workspace` object, the file
    /// `wrangler dev` keeps for it, behind the API's back (for what the API cannot do,
    /// such as changing a row without the change's own side effects). Quiet as [`d1`]
    /// is. Panics when the object has no file yet: it was never called.
    ///
    /// [`d1`]: TestServer::d1
    pub fn workspace_sql(&self, workspace_id: &str, sql: &str) {
        self.in_workspace_db(workspace_id, sql, OpenFlags::default(), |db| {
            db.execute_batch(sql)
        });
    }

    /// The rows of one query on `workspace_id`'s `Workspace` object, shaped as
    /// [`d1`] shapes them (a JSON array of objects, column name to value), so a check
    /// reads the same wherever its table lives. Read-only, quiet and panicking as
    /// [`workspace_sql`] is.
    ///
    /// [`d1`]: TestServer::d1
    /// [`workspace_sql`]: TestServer::workspace_sql
    pub fn workspace_query(&self, workspace_id: &str, sql: &str) -> serde_json::Value {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        self.in_workspace_db(workspace_id, sql, flags, |db| {
            let mut statement = db.prepare(sql)?;
            let columns: Vec<String> = statement
                .column_names()
                .into_iter()
                .map(String::from)
                .collect();
            let rows = statement.query_map([], |row| {
                let mut object = serde_json::Map::new();
                for (i, name) in columns.iter().enumerate() {
                    object.insert(name.clone(), json_of(row.get_ref(i)?));
                }
                Ok(serde_json::Value::Object(object))
            })?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
                .map(serde_json::Value::Array)
        })
    }

    /// The keys R2 holds under `<workspace_id>/`, read from the files `wrangler dev`
    /// keeps its bucket in (one SQLite index of objects per bucket), sorted.
    pub fn r2_keys(&self, workspace_id: &str) -> Vec<String> {
        let root = self.persist_dir.join("v3/r2");
        let mut keys = Vec::new();
        let Ok(folders) = std::fs::read_dir(&root) else {
            return keys;
        };
        for folder in folders.flatten() {
            let Ok(files) = std::fs::read_dir(folder.path()) else {
                continue;
            };
            for file in files.flatten() {
                let path = file.path();
                if path.extension().is_none_or(|e| e != "sqlite") {
                    continue;
                }
                let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
                let db = rusqlite::Connection::open_with_flags(&path, flags)
                    .unwrap_or_else(|e| panic!("{path:?}: {e}"));
                db.busy_timeout(Duration::from_secs(10))
                    .expect("busy timeout");
                // Beside each bucket's index the folder holds the simulator's own files.
                let is_index: bool = db
                    .query_row(
                        "SELECT COUNT(*) > 0 FROM sqlite_master WHERE name = '_mf_objects'",
                        [],
                        |r| r.get(0),
                    )
                    .unwrap_or_else(|e| panic!("{path:?}: {e}"));
                if !is_index {
                    continue;
                }
                let mut statement = db
                    .prepare("SELECT key FROM _mf_objects WHERE substr(key, 1, length(?1) + 1) = ?1 || '/'")
                    .unwrap_or_else(|e| panic!("{path:?}: {e}"));
                let found = statement
                    .query_map([workspace_id], |r| r.get::<_, String>(0))
                    .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
                    .unwrap_or_else(|e| panic!("{path:?}: {e}"));
                keys.extend(found);
            }
        }
        keys.sort();
        keys
    }

    /// Whether `workspace_id`'s `Workspace` object has a database file: it was called
    /// and its storage not deleted since.
    pub fn workspace_has_database(&self, workspace_id: &str) -> bool {
        self.find_object_file("Workspace", workspace_id).is_some()
    }

    /// Runs `run` on the object's database while no request is in flight (as [`d1`]
    /// does); a failure panics naming `sql` and the file.
    ///
    /// [`d1`]: TestServer::d1
    fn in_workspace_db<T>(
        &self,
        workspace_id: &str,
        sql: &str,
        flags: OpenFlags,
        run: impl FnOnce(&rusqlite::Connection) -> rusqlite::Result<T>,
    ) -> T {
        let _quiet = crate::client::QUIET
            .write()
            .unwrap_or_else(|e| e.into_inner());
        let _pages = hold_pages();
        let file = self.object_file("Workspace", workspace_id);
        let db = rusqlite::Connection::open_with_flags(&file, flags)
            .unwrap_or_else(|e| panic!("{file:?}: {e}"));
        db.busy_timeout(Duration::from_secs(10))
            .expect("busy timeout");
        run(&db).unwrap_or_else(|e| panic!("{sql} in {file:?}: {e}"))
    }

    /// The SQLite file of the Durable Object of class `class` named `name`; panics
    /// when it has none.
    fn object_file(&self, class: &str, name: &str) -> PathBuf {
        self.find_object_file(class, name).unwrap_or_else(|| {
            panic!(
                "no {class} object named {name} under {:?}",
                self.persist_dir.join("v3/do")
            )
        })
    }

    /// The SQLite file of the Durable Object of class `class` named `name`, if it has
    /// one. workerd names each file by the object's id, and the id of a name is
    /// `HMAC(k, name)[..16] ‖ HMAC(k, HMAC(k, name)[..16])[..16]` with
    /// `k = SHA-256(unique key)`, the unique key being the name of the class's folder
    /// (`<worker>-<class>`).
    fn find_object_file(&self, class: &str, name: &str) -> Option<PathBuf> {
        use hmac::Mac;
        use sha2::Digest;
        let hmac = |key: &[u8], data: &[u8]| {
            let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).expect("any key");
            mac.update(data);
            mac.finalize().into_bytes()
        };
        let root = self.persist_dir.join("v3/do");
        let folders = std::fs::read_dir(&root).unwrap_or_else(|e| panic!("{root:?}: {e}"));
        for folder in folders.flatten() {
            let unique_key = folder.file_name().to_string_lossy().into_owned();
            if !unique_key.ends_with(&format!("-{class}")) {
                continue;
            }
            let key = sha2::Sha256::digest(unique_key.as_bytes());
            let first = hmac(&key, name.as_bytes());
            let second = hmac(&key, &first[..16]);
            let id = format!(
                "{}{}",
                hex::encode(&first[..16]),
                hex::encode(&second[..16])
            );
            let file = folder.path().join(format!("{id}.sqlite"));
            if file.exists() {
                return Some(file);
            }
        }
        None
    }
}

/// A SQLite value as `wrangler d1 execute --json` gives it (a blob as its bytes).
fn json_of(value: rusqlite::types::ValueRef<'_>) -> serde_json::Value {
    use rusqlite::types::ValueRef;
    match value {
        ValueRef::Null => serde_json::Value::Null,
        ValueRef::Integer(n) => n.into(),
        ValueRef::Real(x) => x.into(),
        ValueRef::Text(text) => String::from_utf8_lossy(text).into(),
        ValueRef::Blob(bytes) => bytes.to_vec().into(),
    }
}

/// The WebDriver sessions of the test browsers alive now: (chromedriver's address,
/// session id). `Browser` adds itself on start and leaves on drop.
pub static PAGES: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

/// Run in every document a test browser opens, frames included: counts the page's
/// `fetch`es in flight and, while the harness holds it, lets new ones wait. Every request
/// of the console and the widget is a `fetch`. Each document keeps its own count in the
/// top window's list, because a frame that is replaced mid-request (the console's widget
/// preview reloads on every change) never runs its `finally`: a shared counter would stay
/// up forever. A document that has gone away no longer counts.
pub const PAGE_FENCE: &str = r#"(() => {
  let shared;
  try { shared = window.top.__chatflowFence; } catch (e) {}
  const fence = shared || { frames: [], held: null, release: null };
  if (!shared) {
    window.__chatflowFence = fence;
    window.__chatflowHold = () => {
      if (!fence.held) fence.held = new Promise(r => { fence.release = r; });
      fence.frames = fence.frames.filter(f => !f.gone && !f.win.closed);
      return fence.frames.reduce((sum, f) => sum + f.inFlight, 0);
    };
    window.__chatflowRelease = () => {
      const release = fence.release;
      fence.held = null;
      fence.release = null;
      if (release) release();
    };
  }
  const mine = { win: window, inFlight: 0, gone: false };
  fence.frames.push(mine);
  window.addEventListener('pagehide', () => { mine.gone = true; });
  // A page restored from the back-forward cache counts again.
  window.addEventListener('pageshow', e => {
    if (e.persisted && mine.gone) { mine.gone = false; fence.frames.push(mine); }
  });
  const real = window.fetch;
  window.fetch = async function (...args) {
    while (fence.held) await fence.held;
    mine.inFlight++;
    try { return await real.apply(this, args); } finally { mine.inFlight--; }
  };
})();"#;

/// While alive, no page of a test browser has a request in flight or starts one (see
/// [`TestServer::d1`]); browsers starting meanwhile wait for it to end.
pub struct PagesHeld {
    pages: std::sync::MutexGuard<'static, Vec<(String, String)>>,
    agent: ureq::Agent,
}

/// Runs `script` in a browser's current page; `Null` if the session is gone.
fn page_eval(
    agent: &ureq::Agent,
    (driver, session): &(String, String),
    script: &str,
) -> serde_json::Value {
    agent
        .post(&format!("{driver}/session/{session}/execute/sync"))
        .send_json(serde_json::json!({"script": script, "args": []}))
        .ok()
        .and_then(|r| r.into_json::<serde_json::Value>().ok())
        .map(|v| v["value"].clone())
        .unwrap_or_default()
}

/// Holds every live page's new requests and waits until those in flight have ended.
pub fn hold_pages() -> PagesHeld {
    let pages = PAGES.lock().unwrap_or_else(|e| e.into_inner());
    let agent = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(30))
        .build();
    let held = PagesHeld { pages, agent };
    eventually(
        "the browsers' requests in flight to end",
        Duration::from_secs(30),
        Duration::from_millis(20),
        || {
            let in_flight: u64 = held
                .pages
                .iter()
                .map(|page| {
                    let n = page_eval(
                        &held.agent,
                        page,
                        "return window.__chatflowHold ? window.__chatflowHold() : 0;",
                    );
                    n.as_u64().unwrap_or(0)
                })
                .sum();
            if in_flight == 0 {
                Ok(())
            } else {
                Err(in_flight)
            }
        },
    );
    held
}

impl Drop for PagesHeld {
    fn drop(&mut self) {
        for page in self.pages.iter() {
            page_eval(
                &self.agent,
                page,
                "if (window.__chatflowRelease) window.__chatflowRelease();",
            );
        }
    }
}

/// What a probe of [`eventually`] gives: done (`Some`, `Ok`, `true`), or what it saw
/// instead (`Err`'s value; `None` and `false` saw nothing worth naming).
pub trait Probe {
    type Done;
    type Seen: std::fmt::Debug;
    fn outcome(self) -> Result<Self::Done, Self::Seen>;
}

impl<T> Probe for Option<T> {
    type Done = T;
    type Seen = Option<()>;
    fn outcome(self) -> Result<T, Option<()>> {
        self.ok_or(None)
    }
}

/// A condition: done when it holds.
impl Probe for bool {
    type Done = ();
    type Seen = bool;
    fn outcome(self) -> Result<(), bool> {
        if self {
            Ok(())
        } else {
            Err(false)
        }
    }
}

impl<T, E: std::fmt::Debug> Probe for Result<T, E> {
    type Done = T;
    type Seen = E;
    fn outcome(self) -> Result<T, E> {
        self
    }
}

/// Runs `probe` every `every` until it is done, for at most `within` (it runs at least
/// once); `Err` holds what the last run saw.
pub fn poll<P: Probe>(
    within: Duration,
    every: Duration,
    mut probe: impl FnMut() -> P,
) -> Result<P::Done, P::Seen> {
    let deadline = Instant::now() + within;
    loop {
        match probe().outcome() {
            Ok(done) => return Ok(done),
            Err(seen) if Instant::now() >= deadline => return Err(seen),
            Err(_) => std::thread::sleep(every),
        }
    }
}

/// The one way tests wait for something: [`poll`] `probe` every `every` until it is
/// done, or fail after `within` naming `what` and what the probe last saw.
#[track_caller]
pub fn eventually<P: Probe>(
    what: &str,
    within: Duration,
    every: Duration,
    probe: impl FnMut() -> P,
) -> P::Done {
    match poll(within, every, probe) {
        Ok(done) => done,
        Err(seen) => panic!("timed out after {within:?} waiting for {what}; last seen: {seen:?}"),
    }
}

/// `signed` with its last character changed. Signatures end in a hex digit, so a fixed
/// replacement would equal the real digit in one run of sixteen and the "tampered" value
/// would still be genuine.
pub fn tamper_last(signed: &str) -> String {
    let mut out = signed.to_string();
    let last = out.pop().expect("a non-empty signed value");
    out.push(if last == '0' { '1' } else { '0' });
    out
}

/// A temporary directory removed on drop.
pub struct TempDir {
    pub path: PathBuf,
}

impl TempDir {
    pub fn new(prefix: &str) -> TempDir {
        let path = std::env::temp_dir().join(format!(
            "{prefix}-{}-{}",
            std::process::id(),
            Instant::now().elapsed().as_nanos() ^ u128::from(free_port())
        ));
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}
