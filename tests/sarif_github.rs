//! SARIF that GitHub code scanning accepts, over every fixture folder and,
//! when `RW_DIR` names a folder of extracted releases (one per sub-folder,
//! like `/work/extracts/dev`), every release there.
//!
//! GitHub rejects a whole upload for one bad result ("locationFromSarifResult:
//! expected at least one location"), so each log must be valid SARIF 2.1.0
//! (the official schema) and keep GitHub's ingestion rules: every result has
//! a location whose `uri` is a relative reference inside the release (no
//! scheme, no leading `/`, no `..`), every `ruleId` is a rule of the run at
//! its `ruleIndex`, and every result carries a fingerprint that a second run
//! repeats. The anchor rule that gives release-wide findings their file is
//! checked on fixtures whose anchors are known.

mod support;

use openness::render::sarif;
use openness::report::Report;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use support::{fixtures_dir, sarif_validator};

fn scan(root: &Path, display: &str) -> Option<Report> {
    openness::scan(root, display, &openness::ScanOptions::default()).ok()
}

fn sarif_of(reports: &[Report]) -> Value {
    let mut out = Vec::new();
    sarif::render(&mut out, reports).unwrap();
    serde_json::from_slice(&out).expect("the SARIF renderer writes JSON")
}

/// Every folder below `dir`, at any depth, sorted: each fixture, its case
/// folders and their sub-folders, each scanned as a release of its own.
fn folders_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .collect();
    entries.sort();
    for entry in entries {
        out.push(entry.clone());
        folders_under(&entry, out);
    }
}

/// The releases to check, each with the PATH it is scanned as: fixtures as
/// a user in the repository types them (relative), `RW_DIR` releases as
/// given (absolute when `RW_DIR` is).
fn releases() -> Vec<(PathBuf, String)> {
    let root = fixtures_dir();
    let mut folders = Vec::new();
    folders_under(&root, &mut folders);
    let mut out: Vec<(PathBuf, String)> = folders
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (p, format!("fixtures/{rel}"))
        })
        .collect();
    // A single file scanned on its own: its base is its folder.
    out.push((
        root.join("interop-gguf/llama-q8/llama-q8.gguf"),
        "fixtures/interop-gguf/llama-q8/llama-q8.gguf".to_owned(),
    ));
    if let Some(rw) = std::env::var_os("RW_DIR") {
        let mut rw: Vec<PathBuf> = std::fs::read_dir(&rw)
            .unwrap_or_else(|e| panic!("RW_DIR {rw:?}: {e}"))
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .map(|e| e.path())
            .collect();
        rw.sort();
        assert!(!rw.is_empty(), "RW_DIR holds no release folder");
        out.extend(rw.into_iter().map(|p| {
            let display = p.display().to_string();
            (p, display)
        }));
    }
    out
}

/// Why `uri` is not a relative reference inside the release, if it is not.
fn outside_release(uri: &str) -> Option<&'static str> {
    if uri.is_empty() {
        return Some("empty");
    }
    if uri.starts_with('/') || uri.starts_with('\\') {
        return Some("absolute path");
    }
    // RFC 3986: a scheme is a letter, then letters, digits, `+`, `-`, `.`,
    // then `:`, all before any `/`, `?` or `#`.
    let first = uri.split(['/', '?', '#']).next().unwrap_or_default();
    if let Some((scheme, _)) = first.split_once(':')
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return Some("has a scheme");
    }
    if uri.split('/').any(|segment| segment == "..") {
        return Some("climbs out with ..");
    }
    None
}

/// Each result's fingerprints, in order.
fn fingerprints(log: &Value) -> Vec<Value> {
    log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["partialFingerprints"].clone())
        .collect()
}

/// Asserts GitHub's ingestion rules on the log of one report; returns how
/// many of its results are release-wide findings.
fn assert_github_accepts(log: &Value, report: &Report, what: &str) -> usize {
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1, "{what}");
    let run = &runs[0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: BTreeSet<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), rules.len(), "{what}: duplicate rule ids");
    let bases = run["originalUriBaseIds"].as_object().unwrap();
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), report.findings.len(), "{what}");
    let mut release_wide = 0;
    for (result, finding) in results.iter().zip(&report.findings) {
        let rule_id = result["ruleId"].as_str().unwrap();
        assert!(ids.contains(rule_id), "{what}: rule {rule_id} undefined");
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            rules[index]["id"], rule_id,
            "{what}: ruleIndex of {rule_id}"
        );
        let locations = result["locations"].as_array().unwrap_or_else(|| {
            panic!("{what}: {rule_id} has no locations: {result}");
        });
        assert_eq!(locations.len(), 1, "{what}: {result}");
        let artifact = &locations[0]["physicalLocation"]["artifactLocation"];
        let uri = artifact["uri"].as_str().unwrap();
        if let Some(why) = outside_release(uri) {
            panic!("{what}: {rule_id} at {uri:?}: {why}");
        }
        let base = artifact["uriBaseId"].as_str().unwrap();
        assert!(bases.contains_key(base), "{what}: base {base} undefined");
        let fingerprint = result["partialFingerprints"]["opennessFinding/v1"]
            .as_str()
            .unwrap_or_else(|| panic!("{what}: {rule_id} has no fingerprint"));
        assert_eq!(fingerprint.len(), 64, "{what}");
        if finding.path.is_none() {
            release_wide += 1;
        }
    }
    release_wide
}

#[test]
fn every_release_makes_sarif_github_accepts() {
    let validator = sarif_validator();
    let mut checked = 0;
    let mut release_wide = 0;
    let mut results = 0;
    for (root, display) in releases() {
        let Some(report) = scan(&root, &display) else {
            continue;
        };
        let log = sarif_of(std::slice::from_ref(&report));
        let errors: Vec<String> = validator
            .iter_errors(&log)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{display}: invalid SARIF:\n{}",
            errors.join("\n")
        );
        release_wide += assert_github_accepts(&log, &report, &display);
        results += report.findings.len();

        // A second, independent run gives every result the same identity.
        let again = scan(&root, &display).expect("the second scan");
        assert_eq!(
            fingerprints(&sarif_of(&[again])),
            fingerprints(&log),
            "{display}: fingerprints moved between runs"
        );
        checked += 1;
    }
    // The guard: the checks ran over many releases, and over the findings
    // that used to have no location.
    assert!(checked >= 200, "only {checked} releases checked");
    assert!(
        release_wide >= 50,
        "only {release_wide} release-wide results"
    );
    assert!(results > release_wide, "no finding about a file");
}

#[test]
fn the_uri_check_catches_what_github_refuses() {
    // A `:` after the first segment is no scheme.
    for uri in ["LICENSE", "a%20b/c.bin", ".", "dir/..x", "a/x:y"] {
        assert_eq!(outside_release(uri), None, "{uri}");
    }
    assert_eq!(outside_release("x:y/z"), Some("has a scheme"));
    assert_eq!(outside_release(""), Some("empty"));
    assert_eq!(outside_release("/etc/passwd"), Some("absolute path"));
    assert_eq!(outside_release("file:///tmp/x"), Some("has a scheme"));
    assert_eq!(outside_release("a/../../b"), Some("climbs out with .."));
    assert_eq!(outside_release("a/b%3Ac"), None);
}

/// Where each release-wide finding of a fixture is shown, by code.
fn anchors(name: &str) -> Vec<(String, String)> {
    let report = scan(&fixtures_dir().join(name), &format!("fixtures/{name}")).unwrap();
    let mut out: Vec<(String, String)> = report
        .findings
        .iter()
        .filter(|f| f.path.is_none())
        .map(|f| (f.code.as_str().to_owned(), f.anchor.clone()))
        .collect();
    out.sort();
    out
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

#[test]
fn release_wide_findings_are_shown_at_the_file_that_shows_them() {
    // A licence the card declares: the card.
    assert_eq!(
        anchors("card-only"),
        pairs(&[("license-not-open", "README.md")])
    );
    // The MOF's typing of a licence: the licence file that grants it.
    assert_eq!(
        anchors("fully-open"),
        pairs(&[
            ("license-wrong-type", "LICENSE"),
            ("license-wrong-type", "data/LICENSE")
        ])
    );
    // A closed licence in a conjunction: the file holding the closed text.
    let cases = anchors("licence-cases");
    assert!(
        cases.contains(&(
            "license-not-open".to_owned(),
            "referenced-weights/LICENSE-MODEL".to_owned()
        )),
        "{cases:?}"
    );
    // Nothing shows them: the card, else the first file.
    assert_eq!(
        anchors("empty"),
        pairs(&[
            ("empty-release", ".gitattributes"),
            ("license-missing", ".gitattributes")
        ])
    );
}

#[test]
fn a_release_without_files_is_shown_at_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let report = scan(dir.path(), "release").unwrap();
    assert!(report.files.is_empty());
    let mut anchored: Vec<(&str, &str)> = report
        .findings
        .iter()
        .map(|f| (f.code.as_str(), f.anchor.as_str()))
        .collect();
    anchored.sort();
    assert_eq!(anchored, [("empty-release", "."), ("license-missing", ".")]);
    let log = sarif_of(std::slice::from_ref(&report));
    assert_github_accepts(&log, &report, "no files");
    assert_eq!(
        log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "."
    );
}
