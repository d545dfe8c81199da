//! `diff`: two versions of a release, each kind of change between them, and
//! the regression flags a CI gate relies on.

#![cfg(unix)]

mod support;

use openness::diff::{Change, Diff, diff, render_text};
use openness::report::Report;
use std::path::Path;
use support::multi::diff_pair;

fn report(path: &Path) -> Report {
    openness::scan(path, &path.display().to_string(), &Default::default()).unwrap()
}

fn pair() -> (Report, Report) {
    let tmp = tempfile::tempdir().unwrap();
    let (old, new) = (tmp.path().join("old"), tmp.path().join("new"));
    diff_pair(&old, &new).unwrap();
    (report(&old), report(&new))
}

fn find<'a>(d: &'a Diff, kind: &str, detail: &str) -> &'a Change {
    d.changes
        .iter()
        .find(|c| c.kind == kind && c.detail.contains(detail))
        .unwrap_or_else(|| panic!("no {kind} change with {detail:?} in {:#?}", d.changes))
}

#[test]
fn every_kind_of_change_is_found_with_its_regression_flag() {
    let (old, new) = pair();
    let d = diff(&old, &new);
    assert!(d.regression);

    let code = find(&d, "component-status", "code shipped → referenced");
    assert!(code.regression && code.op == "changed");
    // The LFS pointer leaves the weights incomplete.
    assert!(find(&d, "component-status", "weights shipped → incomplete").regression);

    let licence = find(
        &d,
        "license",
        "Apache-2.0 AND CDLA-Permissive-2.0 (open) → LicenseRef-Llama-3.1 AND CDLA-Permissive-2.0 (not open)",
    );
    assert!(licence.regression);

    let class = find(&d, "mof-class", "Class I → ");
    assert!(class.regression);
    assert!(find(&d, "mof-class", "Class I progress 100% → ").regression);

    assert!(find(&d, "osaid", "open source AI → not open source AI").regression);

    // A tensor left model.safetensors; a weights file came with new ones.
    let tensor = find(&d, "tensors", "model.safetensors: 12 → 11 (-1)");
    assert!(!tensor.regression && tensor.op == "changed");
    let total = find(&d, "tensors", "total ");
    assert!(
        total.detail.contains("appeared: extra/model.safetensors"),
        "{}",
        total.detail
    );
    let added = find(&d, "tensors", "extra/model.safetensors: 12 tensors");
    assert_eq!(added.op, "added");

    let params = find(&d, "parameters", "→");
    assert!(
        params.detail.contains('+') && params.detail.contains('%'),
        "{}",
        params.detail
    );

    for (path, op) in [
        ("weights file extra/model.safetensors", "added"),
        ("weights file pytorch_model.bin", "added"),
        ("code file train.py", "removed"),
        ("code file scripts/prepare_data.py", "removed"),
    ] {
        let change = find(&d, "file", path);
        assert_eq!(change.op, op, "{path}");
        assert!(!change.regression, "{path}");
    }

    let lfs = find(&d, "finding", "error lfs-pointer pytorch_model.bin");
    assert!(lfs.regression && lfs.op == "added");
    // Findings that went away are listed, and are not regressions.
    assert!(d.changes.iter().all(|c| c.op != "removed" || !c.regression));
}

#[test]
fn the_reverse_diff_is_an_improvement() {
    let (old, new) = pair();
    let d = diff(&new, &old);
    let code = find(&d, "component-status", "code referenced → shipped");
    assert!(!code.regression);
    assert!(!find(&d, "license", "→ Apache-2.0 AND CDLA-Permissive-2.0 (open)").regression);
    assert!(!find(&d, "mof-class", "→ Class I").regression);
    assert_eq!(find(&d, "finding", "lfs-pointer").op, "removed");
    // What regresses going back is only what the old release lacked.
    assert!(
        d.changes
            .iter()
            .filter(|c| c.regression)
            .all(|c| c.kind == "finding")
    );
}

#[test]
fn a_report_against_itself_is_empty() {
    let (old, new) = pair();
    for r in [&old, &new] {
        let d = diff(r, r);
        assert!(d.changes.is_empty() && !d.regression, "{:#?}", d.changes);
        let mut out = Vec::new();
        render_text(&mut out, &d).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "no changes\n");
    }
}

#[test]
fn order_is_deterministic_and_text_marks_regressions() {
    let (old, new) = pair();
    let d = diff(&old, &new);
    assert_eq!(d, diff(&old, &new));
    let kinds: Vec<&str> = d.changes.iter().map(|c| c.kind).collect();
    let mut grouped = kinds.clone();
    grouped.dedup();
    let mut unique = grouped.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(grouped.len(), unique.len(), "kinds interleave: {kinds:?}");

    let mut out = Vec::new();
    render_text(&mut out, &d).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("~ component-status: code shipped → referenced  REGRESSION"),
        "{text}"
    );
    assert!(
        text.contains("+ file: weights file pytorch_model.bin\n"),
        "{text}"
    );
    assert!(text.contains("- file: code file train.py\n"), "{text}");
    let last = text.lines().last().unwrap();
    assert!(
        last.ends_with("regressions") && last.contains("changes"),
        "{last}"
    );
    // The JSON form carries the same fields.
    let json = serde_json::to_value(&d).unwrap();
    assert_eq!(json["regression"], true);
    assert_eq!(json["changes"][0]["kind"], "component-status");
}
