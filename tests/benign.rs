//! The benign corpus (`fixtures/benign-pickles/`, written by
//! `scripts/make-benign-corpus.py` with the real torch, scikit-learn,
//! joblib, numpy, pandas, Lightning and fastai): what honest tools write
//! must not be called dangerous. Each file is scanned on its own, as a
//! release of one file, and must yield no `unsafe-pickle`,
//! `keras-unsafe-object` nor `archive-anomaly`, and every pickle-based
//! file must be read (a format, not `null`).
//!
//! One file is the exception, on purpose: fastai's `Learner.export` pickles
//! with cloudpickle, which rebuilds bound methods with `builtins.getattr`
//! and types with `cloudpickle._builtin_type`; loading it runs those
//! calls (picklescan and modelscan flag it too; fickling cannot open the
//! torch zip it is packed in). It is asserted to be flagged
//! for exactly those imports and nothing else.

mod support;

use serde_json::Value;
use std::collections::BTreeMap;
use support::fixtures_dir;

const FORBIDDEN: [&str; 3] = ["unsafe-pickle", "keras-unsafe-object", "archive-anomaly"];

/// Files whose `unsafe-pickle` is the truth, with the message it must carry.
const KNOWN_UNSAFE: &[(&str, &str)] = &[(
    "fastai-export.pkl",
    "loading runs code: imports __builtin__.getattr, cloudpickle.cloudpickle._builtin_type",
)];

fn scan_file(path: &std::path::Path) -> Value {
    let dir = tempfile::tempdir().expect("tempdir");
    let name = path.file_name().expect("file name");
    std::fs::copy(path, dir.path().join(name)).expect("copy");
    let report = openness::scan(dir.path(), "benign", &openness::ScanOptions::default())
        .unwrap_or_else(|e| panic!("scan of {}: {e}", path.display()));
    serde_json::to_value(&report).expect("json")
}

#[test]
fn real_tools_output_is_not_called_dangerous() {
    let dir = fixtures_dir().join("benign-pickles");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures/benign-pickles")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.file_name().is_some_and(|n| n != "MANIFEST.json"))
        .collect();
    files.sort();
    assert!(files.len() >= 60, "{} files", files.len());
    let mut flagged: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut unread = Vec::new();
    for path in &files {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let report = scan_file(path);
        for f in report["findings"].as_array().into_iter().flatten() {
            let code = f["code"].as_str().unwrap_or_default();
            if !FORBIDDEN.contains(&code) {
                continue;
            }
            let message = f["message"].as_str().unwrap_or_default();
            let known = KNOWN_UNSAFE
                .iter()
                .any(|(n, m)| *n == name && code == "unsafe-pickle" && message == *m);
            if !known {
                flagged
                    .entry(name.to_owned())
                    .or_default()
                    .push(format!("{code}: {message}"));
            }
        }
        // torch.export's .pt2 holds no pickle a loader unpickles by default
        // and is not a weights name; everything else must be read.
        if !name.ends_with(".pt2") {
            let file = &report["files"][0];
            if file["format"].is_null() {
                unread.push(name.to_owned());
            }
        }
    }
    assert!(flagged.is_empty(), "false alarms: {flagged:#?}");
    assert!(unread.is_empty(), "not read as any format: {unread:?}");
}

#[test]
fn the_known_unsafe_file_is_still_flagged() {
    for (name, message) in KNOWN_UNSAFE {
        let report = scan_file(&fixtures_dir().join("benign-pickles").join(name));
        let found = report["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|f| f["code"] == "unsafe-pickle" && f["message"] == *message);
        assert!(found, "{name}: {}", report["findings"]);
    }
}
