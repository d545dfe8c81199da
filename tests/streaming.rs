//! `scan --discover --format ndjson` streams: each report is written as soon
//! as its release is scanned, and the memory of a run does not grow with the
//! number of releases. No timing is asserted: streaming is proven by order
//! (a release changed after the first line was read is reported changed),
//! memory by comparing the peak RSS of two runs of the binary.

#![cfg(target_os = "linux")]

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_openness");

/// `n` small plain releases `r000000`.. below `root`: a card with a licence,
/// a config and a small safetensors file each.
fn releases(root: &Path, n: usize) {
    for i in 0..n {
        let dir = root.join(format!("r{i:06}"));
        std::fs::create_dir_all(&dir).unwrap();
        card(&dir, "apache-2.0");
        std::fs::write(
            dir.join("config.json"),
            r#"{"model_type": "llama", "hidden_size": 8, "architectures": ["LlamaForCausalLM"]}"#,
        )
        .unwrap();
        let header = br#"{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#;
        let mut st = (header.len() as u64).to_le_bytes().to_vec();
        st.extend_from_slice(header);
        st.extend_from_slice(&[0u8; 16]);
        std::fs::write(dir.join("model.safetensors"), st).unwrap();
    }
}

fn card(dir: &Path, licence: &str) {
    std::fs::write(
        dir.join("README.md"),
        format!("---\nlicense: {licence}\n---\n# A test release\n"),
    )
    .unwrap();
}

fn licence_of(line: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(line).unwrap();
    v["license"]["spdx"].as_str().unwrap_or_default().to_owned()
}

#[test]
fn the_first_line_comes_before_the_last_release_is_scanned() {
    let tmp = tempfile::tempdir().unwrap();
    let n = 3000;
    releases(tmp.path(), n);
    // One worker: releases are scanned in discovery order. Reports are a few
    // KB, so the binary blocks on the pipe long before the last release
    // unless it holds every report until the end.
    let mut child = Command::new(BIN)
        .args(["scan", "--discover", "--format", "ndjson", "-j", "1"])
        .arg(tmp.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    assert_eq!(licence_of(&first), "Apache-2.0");
    // The last release changes after the first report was read...
    card(&tmp.path().join(format!("r{:06}", n - 1)), "mit");
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    assert!(child.wait().unwrap().success());
    let lines: Vec<&str> = rest.lines().collect();
    assert_eq!(lines.len(), n - 1);
    // ...and is reported changed: it was scanned after the first line was out.
    assert_eq!(licence_of(lines[n - 2]), "MIT");
    assert!(lines[n - 2].contains(&format!("r{:06}", n - 1)));
}

/// Peak RSS (KiB) of one `scan --discover --format ndjson` over `root`,
/// from the kernel's accounting of that child alone.
// The child is reaped by wait4 (for its rusage), not by `Child::wait`.
#[allow(clippy::zombie_processes)]
fn peak_rss_kib(root: &Path, extra: &[&str]) -> i64 {
    let child = Command::new(BIN)
        .args(["scan", "--discover", "--format", "ndjson"])
        .args(extra)
        .arg(root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut status = 0;
    // SAFETY: `rusage` is plain data; wait4 fills it for our own child.
    #[allow(unsafe_code)]
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    #[allow(unsafe_code)]
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as libc::pid_t);
    assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0);
    usage.ru_maxrss
}

#[test]
fn memory_does_not_grow_with_the_number_of_releases() {
    let small = tempfile::tempdir().unwrap();
    let large = tempfile::tempdir().unwrap();
    releases(small.path(), 300);
    releases(large.path(), 3000);
    for extra in [&[][..], &["--stable-order"][..]] {
        let a = peak_rss_kib(small.path(), extra);
        let b = peak_rss_kib(large.path(), extra);
        assert!(
            b as f64 <= a as f64 * 1.2,
            "{extra:?}: 3000 releases peak at {b} KiB, 300 at {a} KiB"
        );
    }
}

#[test]
fn stable_order_is_discovery_order_and_the_same_reports() {
    let tmp = tempfile::tempdir().unwrap();
    releases(tmp.path(), 40);
    let run = |args: &[&str]| {
        let out = Command::new(BIN)
            .args(["scan", "--discover", "-j", "2"])
            .args(args)
            .arg(tmp.path())
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let json: Vec<serde_json::Value> = serde_json::from_str(&run(&["--format", "json"])).unwrap();
    let stable: Vec<serde_json::Value> = run(&["--format", "ndjson", "--stable-order"])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(stable, json);
    // Streamed in completion order: the same reports, in some order.
    let key = |v: &serde_json::Value| v["root"].as_str().unwrap().to_owned();
    let mut streamed: Vec<serde_json::Value> = run(&["--format", "ndjson"])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    streamed.sort_by_key(key);
    assert_eq!(streamed, json);
}
