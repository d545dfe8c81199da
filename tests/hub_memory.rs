//! Peak memory of remote scans whatever the server sends, in a test binary
//! of its own: `getrusage(RUSAGE_CHILDREN)` reports the largest child of
//! the whole process, so only these scans may run in it.

mod support;

use serde_json::Value;
use std::sync::atomic::Ordering;
use support::hubserver::{Server, big_release, finding};
use support::openness_cmd;

fn scan_json(server: &Server, target: &str) -> (i32, Value, String) {
    let out = openness_cmd()
        .env("HF_ENDPOINT", &server.endpoint)
        .env_remove("HF_TOKEN")
        .env("OPENNESS_HTTP_TIMEOUT", "2")
        .env("OPENNESS_HTTP_BACKOFF_MS", "10")
        .args(["scan", target, "--format", "json"])
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        serde_json::from_slice(&out.stdout).unwrap_or(Value::Null),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The largest resident set of any child process waited for so far, in
/// bytes (`getrusage(RUSAGE_CHILDREN)`): an upper bound for each scan run
/// by this test binary.
#[cfg(target_os = "linux")]
fn children_peak_rss() -> u64 {
    // SAFETY: getrusage writes into the zeroed struct it is given.
    #[allow(unsafe_code)]
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage);
        usage
    };
    usage.ru_maxrss as u64 * 1024
}

#[cfg(target_os = "linux")]
#[test]
fn peak_memory_stays_small_whatever_the_server_sends() {
    let server = Server::start();
    big_release(&server, "org/big");
    for (endless, ignore_range) in [(true, false), (false, true)] {
        server.behaviour.endless.store(endless, Ordering::Relaxed);
        server
            .behaviour
            .ignore_range
            .store(ignore_range, Ordering::Relaxed);
        let (code, report, err) = scan_json(&server, "hf://org/big");
        assert_eq!(code, 0, "{err}");
        assert!(finding(&report, "unreadable", "model.safetensors").is_some());
    }
    let peak = children_peak_rss();
    eprintln!(
        "peak RSS of the scans: {:.1} MiB",
        peak as f64 / (1 << 20) as f64
    );
    assert!(peak < 64 << 20, "{peak} bytes");
}
