//! What the browser benches share: settings from the environment and the bytes a
//! page fetched, raw and gzip.

use std::io::Write;
use std::process::{Command, Stdio};

pub fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The `q` quantile of sorted durations (zero for none).
pub fn percentile(sorted: &[std::time::Duration], q: f64) -> std::time::Duration {
    if sorted.is_empty() {
        return std::time::Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * q).round() as usize]
}

/// A duration as milliseconds with one decimal: "12.3 ms".
pub fn ms(d: std::time::Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// The size of `bytes` after `gzip -9`, as a server would send them.
pub fn gzip_len(bytes: &[u8]) -> usize {
    let mut child = Command::new("gzip")
        .arg("-9c")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("gzip");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = bytes.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().expect("gzip output");
    let _ = writer.join();
    out.stdout.len()
}

pub fn get_bytes(url: &str) -> Vec<u8> {
    let resp = ureq::get(url).call().expect("asset");
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut resp.into_reader(), &mut bytes).expect("asset body");
    bytes
}

/// (median, p90) of `values`, which are left sorted.
pub fn median_p90(values: &mut [f64]) -> (f64, f64) {
    values.sort_by(f64::total_cmp);
    let at = |q: f64| values[((values.len() as f64 - 1.0) * q).round() as usize];
    (at(0.5), at(0.9))
}

/// The size of `bytes` after brotli -11 (node's zlib, as a CDN would send them).
pub fn brotli_len(bytes: &[u8]) -> usize {
    let mut child = Command::new("node")
        .args([
            "-e",
            "const z = require('zlib'); const c = []; process.stdin.on('data', (d) => c.push(d)); \
             process.stdin.on('end', () => process.stdout.write(String(z.brotliCompressSync( \
               Buffer.concat(c), {params: {[z.constants.BROTLI_PARAM_QUALITY]: 11}}).length)));",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("node");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = bytes.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().expect("node output");
    let _ = writer.join();
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .unwrap_or(0)
}
