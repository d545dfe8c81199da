//! Peak memory of remote scans whatever the server sends, in a test binary
//! of its own: `getrusage(RUSAGE_CHILDREN)` reports the largest child of
//! the whole process, so only these scans may run in it.

mod support;

use serde_json::Value;
use std::sync::atomic::Ordering;
use support::hubserver::{File, Server, big_release, declared_torch_zip, finding, lying_directory};
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
    server.behaviour.endless.store(false, Ordering::Relaxed);
    server
        .behaviour
        .ignore_range
        .store(false, Ordering::Relaxed);
    // A torch zip declaring 1 GiB whose end record claims 60,000 entries
    // in a 2 GB directory past the end of the file: a finding, and no
    // allocation sized by the claim.
    let zip = declared_torch_zip(b"\x80\x02}q\x00.", 1 << 30);
    server.add(
        "org/liar",
        vec![File {
            path: "pytorch_model.bin".to_owned(),
            content: lying_directory(&zip),
            lfs: true,
        }],
    );
    let (code, report, err) = scan_json(&server, "hf://org/liar");
    assert_eq!(code, 0, "{err}");
    assert!(
        finding(&report, "archive-anomaly", "pytorch_model.bin").is_some(),
        "{}",
        report["findings"]
    );
    let peak = children_peak_rss();
    eprintln!(
        "peak RSS of the scans: {:.1} MiB",
        peak as f64 / (1 << 20) as f64
    );
    assert!(peak < 64 << 20, "{peak} bytes");
}
