//! A webhook receiver for tests: an HTTP server on a free loopback port that records
//! every delivery and answers as the test's policy says (fail the first attempts, fail
//! at random, answer slowly). Each connection gets its own thread, so a slow answer
//! never delays the next delivery.

use std::collections::HashMap;
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use webhook_receiver::http;

use crate::harness::eventually;

/// One delivery as the receiver saw it.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub arrived: Instant,
    /// When the receiver finished answering.
    pub answered: Instant,
    pub request: http::Request,
    /// The status the receiver answered.
    pub status: u16,
    /// How many deliveries of the same event id this receiver had seen, this one
    /// included (1 for the first).
    pub attempt: usize,
}

impl Delivery {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.request.body).unwrap_or(serde_json::Value::Null)
    }

    pub fn event_id(&self) -> String {
        self.json()["id"].as_str().unwrap_or_default().to_string()
    }

    pub fn accepted(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// What to answer: (status, delay before answering), given the request and which
/// attempt at its event this is.
pub type Policy = dyn Fn(&http::Request, usize) -> (u16, Duration) + Send + Sync;

pub struct Receiver {
    pub url: String,
    deliveries: Arc<Mutex<Vec<Delivery>>>,
    stop: Arc<AtomicBool>,
    addr: std::net::SocketAddr,
}

impl Receiver {
    /// A receiver that accepts everything at once.
    pub fn accepting() -> Receiver {
        Receiver::start(|_, _| (200, Duration::ZERO))
    }

    pub fn start(
        policy: impl Fn(&http::Request, usize) -> (u16, Duration) + Send + Sync + 'static,
    ) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let addr = listener.local_addr().expect("local address");
        let deliveries: Arc<Mutex<Vec<Delivery>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let seen: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
        let policy: Arc<Policy> = Arc::new(policy);
        {
            let deliveries = Arc::clone(&deliveries);
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let deliveries = Arc::clone(&deliveries);
                    let seen = Arc::clone(&seen);
                    let policy = Arc::clone(&policy);
                    std::thread::spawn(move || serve(stream, &deliveries, &seen, &*policy));
                }
            });
        }
        Receiver {
            url: format!("http://{addr}/hooks/chatflow"),
            deliveries,
            stop,
            addr,
        }
    }

    pub fn deliveries(&self) -> Vec<Delivery> {
        self.deliveries
            .lock()
            .map(|d| d.clone())
            .unwrap_or_default()
    }

    /// Waits until `done` holds for the deliveries so far, or panics after `timeout`.
    pub fn wait_until(
        &self,
        timeout: Duration,
        what: &str,
        done: impl Fn(&[Delivery]) -> bool,
    ) -> Vec<Delivery> {
        eventually(
            &format!("the receiver to get {what}"),
            timeout,
            Duration::from_millis(50),
            || {
                let now = self.deliveries();
                if done(&now) {
                    Ok(now)
                } else {
                    Err(now
                        .iter()
                        .map(|d| (d.json()["type"].clone(), d.status, d.attempt))
                        .collect::<Vec<_>>())
                }
            },
        )
    }

    /// Waits for an accepted delivery of each of `types` and returns them in that order.
    pub fn wait_for_types(&self, types: &[&str], timeout: Duration) -> Vec<Delivery> {
        let all = self.wait_until(timeout, &format!("{types:?}"), |ds| {
            types
                .iter()
                .all(|t| ds.iter().any(|d| d.accepted() && d.json()["type"] == *t))
        });
        types
            .iter()
            .map(|t| {
                all.iter()
                    .find(|d| d.accepted() && d.json()["type"] == *t)
                    .cloned()
                    .expect("waited for it")
            })
            .collect()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200));
    }
}

fn serve(
    mut stream: TcpStream,
    deliveries: &Mutex<Vec<Delivery>>,
    seen: &Mutex<HashMap<String, usize>>,
    policy: &Policy,
) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let arrived = Instant::now();
    let Ok(request) = http::read_request(&mut stream) else {
        return;
    };
    let event_id = serde_json::from_slice::<serde_json::Value>(&request.body)
        .ok()
        .and_then(|v| v["id"].as_str().map(str::to_string))
        .unwrap_or_default();
    let attempt = {
        let mut seen = seen.lock().unwrap_or_else(|e| e.into_inner());
        let n = seen.entry(event_id).or_default();
        *n += 1;
        *n
    };
    let (status, delay) = policy(&request, attempt);
    std::thread::sleep(delay);
    let _ = http::respond(&mut stream, status, "");
    let answered = Instant::now();
    if let Ok(mut all) = deliveries.lock() {
        all.push(Delivery {
            arrived,
            answered,
            request,
            status,
            attempt,
        });
    }
}
