//! Shared helpers of the integration tests: the fixture generator, scanning a
//! fixture into JSON, and insta snapshots kept under `tests/snapshots/`.

#![allow(dead_code)]

pub mod generator;
pub mod hostile;
pub mod hubserver;
pub mod multi;

use serde_json::Value;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Scans `fixtures/<name>` through the library and returns the JSON report,
/// with `root` as a user in the repo would type it.
pub fn scan_fixture(name: &str) -> Value {
    scan_fixture_with(name, &openness::ScanOptions::default())
}

/// Like [`scan_fixture`], with `--hash`.
pub fn scan_fixture_hashed(name: &str) -> Value {
    let options = openness::ScanOptions {
        hash: true,
        ..Default::default()
    };
    scan_fixture_with(name, &options)
}

fn scan_fixture_with(name: &str, options: &openness::ScanOptions) -> Value {
    let path = fixtures_dir().join(name);
    let report = openness::scan(&path, &format!("fixtures/{name}"), options)
        .unwrap_or_else(|e| panic!("scan of {name} failed: {e}"));
    serde_json::to_value(report).unwrap()
}

/// The binary, run from the repository root (so `fixtures/...` paths work),
/// with the environment that changes its output (colour, GitHub Actions,
/// the table's width) cleared.
pub fn openness_cmd() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("openness").unwrap();
    cmd.current_dir(fixtures_dir().parent().unwrap())
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("COLUMNS");
    cmd
}

/// Asserts the pretty-printed `value` against the insta snapshot
/// `tests/snapshots/<name>.json.snap` (a `/` in `name` becomes `__`); see
/// [`assert_text_snapshot`].
pub fn assert_snapshot(name: &str, value: &Value) {
    let json = serde_json::to_string_pretty(value).unwrap();
    assert_text_snapshot(&format!("{name}.json"), &json);
}

/// Asserts `text` against the insta snapshot `tests/snapshots/<name>.snap`,
/// whose body under insta's header is `text` with one final newline. A
/// change fails with insta's diff and, off CI, leaves a `.snap.new` beside
/// it for `cargo insta review`; under `CI=true` nothing is written.
/// `tests/snapshot_files.rs` fails on a snapshot that no test asserts.
pub fn assert_text_snapshot(name: &str, text: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots"));
    // The file is named by the snapshot alone, and its header does not
    // repeat the helper's parameter name.
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(name, text));
}

/// The finding codes of a report, sorted, with their paths.
pub fn findings(report: &Value) -> Vec<(String, Option<String>)> {
    let mut out: Vec<(String, Option<String>)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_owned(),
                f["path"].as_str().map(str::to_owned),
            )
        })
        .collect();
    out.sort();
    out
}

pub fn codes(report: &Value) -> Vec<String> {
    let mut c: Vec<String> = findings(report).into_iter().map(|(c, _)| c).collect();
    c.dedup();
    c
}

pub fn status(report: &Value, component: &str) -> String {
    report["components"][component]["status"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Runs `cmd` to completion and how long it took, killing it and failing
/// the test (naming `what`) if it outlives `limit`: a scan that blocks, on
/// a FIFO or a hostile file, fails instead of hanging the suite.
pub fn run_with_deadline(mut cmd: Command, limit: Duration, what: &str) -> (Output, Duration) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    // Drain the pipes on threads, so a large report cannot block the child.
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            pipe.read_to_end(&mut bytes).unwrap();
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("{what}: no result within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let elapsed = start.elapsed();
    let output = Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    };
    (output, elapsed)
}

/// The SARIF 2.1.0 schema (`tests/data/sarif-schema-2.1.0.json`, whose
/// origin `tests/render.rs` gives), with the one known erratum patched: the
/// `language` pattern has a stray `]` (oasis-tcs/sarif-spec#488, fixed in
/// the errata drafts) that strict regex engines reject, so the schema would
/// not compile. Our logs never set `language`.
pub fn sarif_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json"),
    )
    .unwrap();
    let broken = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
    assert!(
        text.contains(broken),
        "the schema changed: revisit the patch"
    );
    let text = text.replace(broken, r#""^[a-zA-Z]{2}(-[a-zA-Z]{2})?$""#);
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::draft7::options()
        // `format` is only an annotation by default in draft 7; asserting
        // it checks that every uri is a valid URI reference.
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}
