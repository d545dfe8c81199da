//! The hostile corpus (`fixtures/hostile/`, made by tests/support/hostile.rs)
//! scanned by the release binary as CI would: under an address-space limit
//! (`prlimit --as`) and a timeout. Every case must exit 0 with its expected
//! finding codes; a crash, a hang or an allocation past the limit fails.

mod support;

use serde_json::Value;
use std::path::Path;
use std::process::Command;
use std::time::Duration;
use support::fixtures_dir;

/// Address space for one scan. The binary maps each weights file whole, so
/// this is far above the small corpus, and far below what an allocation
/// sized by a hostile claim (2^63 items, a 200 MB header, a 40 GB bomb)
/// would need.
const MEMORY_LIMIT: u64 = 1 << 30;
/// Per case. Measured: every case scans in under 0.2 s (release build, two
/// busy cores); the fan-out bomb took 71 s before its fix.
const TIME_LIMIT: Duration = Duration::from_secs(10);

/// (case, [(finding code, path it concerns)]): what each attack must yield.
/// `license-missing` and the like are not listed: only the attack's own
/// findings are asserted, each on the hostile file.
const EXPECTED: &[(&str, &[(&str, &str)])] = &[
    (
        "st-header-past-eof",
        &[("truncated-file", "model.safetensors")],
    ),
    (
        "st-header-claims-200mb",
        &[("corrupt-header", "model.safetensors")],
    ),
    (
        "st-header-not-object",
        &[("corrupt-header", "model.safetensors")],
    ),
    (
        "st-duplicate-names",
        &[("corrupt-header", "model.safetensors")],
    ),
    (
        "st-metadata-not-string",
        &[("corrupt-header", "model.safetensors")],
    ),
    (
        "st-offsets-overlap",
        &[("corrupt-header", "model.safetensors")],
    ),
    (
        "st-offsets-out-of-range",
        &[("corrupt-header", "model.safetensors")],
    ),
    (
        "st-offsets-wrap",
        &[("corrupt-header", "model.safetensors")],
    ),
    (
        "st-shape-overflow",
        &[("corrupt-header", "model.safetensors")],
    ),
    (
        "st-trailing-polyglot",
        &[("corrupt-header", "model.safetensors")],
    ),
    (
        "gguf-tensor-count-2p63",
        &[("corrupt-header", "model.gguf")],
    ),
    ("gguf-kv-count-2p63", &[("corrupt-header", "model.gguf")]),
    ("gguf-string-len-2p63", &[("corrupt-header", "model.gguf")]),
    ("gguf-array-len-2p63", &[("corrupt-header", "model.gguf")]),
    ("gguf-nested-10000", &[("corrupt-header", "model.gguf")]),
    ("gguf-alignment-2p30", &[("corrupt-header", "model.gguf")]),
    ("gguf-n-dims-5", &[("corrupt-header", "model.gguf")]),
    ("gguf-dims-wrap", &[("corrupt-header", "model.gguf")]),
    (
        "gguf-offsets-out-of-order",
        &[("corrupt-header", "model.gguf")],
    ),
    ("gguf-duplicate-keys", &[("corrupt-header", "model.gguf")]),
    // A payload that rebuilds no tensor is not weights (issue 23), so no
    // `pickle-weights`; what loading it runs is still an error.
    ("pkl-memo-stack-global", &[("unsafe-pickle", "model.pkl")]),
    // Harmless but cyclic / exponential: the point is that the walk ends,
    // and ends at STOP: a list that rebuilds no tensor, so not weights
    // (issue 23) and the release holds nothing recognisable.
    ("pkl-cyclic-memo", &[("empty-release", "")]),
    ("pkl-billion-laughs", &[("empty-release", "")]),
    (
        "pkl-payload-after-broken",
        &[
            ("unsafe-pickle", "pytorch_model.bin"),
            ("archive-anomaly", "pytorch_model.bin"),
        ],
    ),
    (
        "pkl-legacy-second-pickle",
        &[("unsafe-pickle", "pytorch_model.bin")],
    ),
    // Storages named but no tensor rebuilt: walked to the end, not weights.
    ("pkl-binpersid-storm", &[("empty-release", "")]),
    // Its data.pkl rebuilds no tensor: not weights (issue 23), but the
    // bomb is still an anomaly.
    (
        "zip-deflate-bomb",
        &[("archive-anomaly", "pytorch_model.bin")],
    ),
    (
        "zip-bomb-fanout",
        &[("archive-anomaly", "pytorch_model.bin")],
    ),
    (
        "zip-overlapping-entries",
        &[
            ("archive-anomaly", "pytorch_model.bin"),
            ("unsafe-pickle", "pytorch_model.bin"),
        ],
    ),
    (
        "zip-central-dir-lies",
        &[
            ("archive-anomaly", "pytorch_model.bin"),
            ("unsafe-pickle", "pytorch_model.bin"),
        ],
    ),
    (
        "zip-corrupt-before-data-pkl",
        &[
            ("archive-anomaly", "pytorch_model.bin"),
            ("unsafe-pickle", "pytorch_model.bin"),
        ],
    ),
    (
        "zip-path-traversal",
        &[("archive-anomaly", "pytorch_model.bin")],
    ),
    ("yaml-billion-laughs", &[("card-invalid", "README.md")]),
    ("yaml-deep-nesting", &[("card-invalid", "README.md")]),
    // Tags are never executed; like the Hub's safe loader, the card parser
    // refuses the whole front matter rather than read past them.
    ("yaml-tags", &[("card-invalid", "README.md")]),
    ("config-nested-100000", &[("config-invalid", "config.json")]),
    (
        "auto-map-outside",
        &[
            ("remote-code", "config.json"),
            ("missing-code-file", "config.json"),
        ],
    ),
    (
        "onnx-external-outside",
        &[("external-data-outside", "model.onnx")],
    ),
];

fn hostile_dir() -> std::path::PathBuf {
    fixtures_dir().join("hostile")
}

struct Run {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    elapsed: Duration,
}

/// Runs the binary on `args` under `prlimit --as` (when the tool is
/// there) and kills it at TIME_LIMIT.
fn run_bounded(args: &[&str], dir: &Path) -> Run {
    let bin = assert_cmd::cargo::cargo_bin("openness");
    let mut cmd = if Command::new("prlimit").arg("--version").output().is_ok() {
        let mut c = Command::new("prlimit");
        c.arg(format!("--as={MEMORY_LIMIT}")).arg("--").arg(&bin);
        c
    } else {
        eprintln!("prlimit not found: running without the memory limit");
        Command::new(&bin)
    };
    cmd.args(args).arg(dir);
    let (output, elapsed) = support::run_with_deadline(cmd, TIME_LIMIT, &dir.display().to_string());
    Run {
        code: output.status.code(),
        stdout: output.stdout,
        stderr: output.stderr,
        elapsed,
    }
}

#[test]
fn every_hostile_case_yields_its_findings_within_bounds() {
    let mut slowest = (Duration::ZERO, "");
    for (case, expected) in EXPECTED {
        let dir = hostile_dir().join(case);
        assert!(
            dir.is_dir(),
            "{case}: run `cargo run --example gen-hostile`"
        );
        let run = run_bounded(&["scan", "--format", "json"], &dir);
        assert_eq!(
            run.code,
            Some(0),
            "{case}: exit {:?} (None: killed by a signal)\n{}",
            run.code,
            String::from_utf8_lossy(&run.stderr)
        );
        assert!(
            run.stderr.is_empty(),
            "{case}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        let report: Value = serde_json::from_slice(&run.stdout)
            .unwrap_or_else(|e| panic!("{case}: output is not JSON: {e}"));
        let found = support::findings(&report);
        for (code, path) in *expected {
            let path = (!path.is_empty()).then(|| path.to_string());
            assert!(
                found.iter().any(|(c, p)| c == code && *p == path),
                "{case}: expected {code} on {path:?}, found {found:?}"
            );
        }
        if run.elapsed > slowest.0 {
            slowest = (run.elapsed, case);
        }
    }
    eprintln!(
        "slowest hostile case: {} in {:?} (limit {TIME_LIMIT:?}, --as={MEMORY_LIMIT})",
        slowest.1, slowest.0
    );
}

/// Every case must also fail `check` the way CI sees it: exit 1 (findings
/// over the threshold) or 0, never 2 (the tool itself failed) or a signal.
#[test]
fn check_never_fails_on_hostile_input() {
    for (case, _) in EXPECTED {
        let run = run_bounded(&["check"], &hostile_dir().join(case));
        assert!(
            matches!(run.code, Some(0 | 1)),
            "{case}: check exited {:?}\n{}",
            run.code,
            String::from_utf8_lossy(&run.stderr)
        );
    }
}

/// The table is what a terminal shows: hostile names and messages must not
/// bring raw escape sequences with them.
#[test]
fn table_output_of_hostile_cases_has_no_escape_bytes() {
    for (case, _) in EXPECTED {
        let run = run_bounded(&["scan", "--color", "always"], &hostile_dir().join(case));
        assert_eq!(run.code, Some(0), "{case}");
        // Colour codes are the tool's own; strip them, then nothing may be
        // left that starts an escape sequence.
        let text = String::from_utf8_lossy(&run.stdout);
        let stripped = strip_sgr(&text);
        assert!(
            !stripped.contains('\x1b') && !stripped.contains('\u{9b}'),
            "{case}: escape byte in table output"
        );
    }
}

/// Removes `ESC [ ... m` colour sequences.
fn strip_sgr(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' && chars.peek() == Some(&'[') {
            chars.next();
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}

#[test]
fn every_generated_case_has_expectations() {
    let names: Vec<&str> = support::hostile::CASES.iter().map(|(n, _)| *n).collect();
    let expected: Vec<&str> = EXPECTED.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names, expected,
        "CASES and EXPECTED must list the same cases"
    );
}

#[test]
fn hostile_fixtures_are_current_and_small() {
    let tmp = tempfile::tempdir().unwrap();
    support::hostile::generate(tmp.path()).unwrap();
    let generated = list(tmp.path());
    let checked_in = list(&hostile_dir());
    let names = |v: &[(String, Vec<u8>)]| v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(&generated),
        names(&checked_in),
        "fixtures/hostile is stale: run `cargo run --example gen-hostile`"
    );
    for ((name, a), (_, b)) in generated.iter().zip(&checked_in) {
        assert!(
            a == b,
            "fixtures/hostile/{name} is stale: run `cargo run --example gen-hostile`"
        );
    }
    let total: usize = checked_in.iter().map(|(_, b)| b.len()).sum();
    assert!(total < 1 << 20, "the hostile corpus grew to {total} bytes");
}

/// (relative path, content) of every file below `root`, sorted.
fn list(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in walk(root) {
        let rel = entry
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        out.push((rel, std::fs::read(&entry).unwrap()));
    }
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let path = e.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
