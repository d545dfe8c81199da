//! SARIF 2.1.0, for code-scanning dashboards (GitHub, Azure DevOps, IDE
//! viewers): one run per report, one rule per finding code, one result per
//! finding. Locations are relative to the `RELEASE_ROOT` base id, which the
//! run maps to the scanned PATH, so the log does not depend on where the
//! scan ran. Built with `serde_json`, whose maps are sorted: the output is
//! byte-for-byte deterministic.
//!
//! GitHub code scanning rejects a whole log when one result has no location,
//! so every result has exactly one: the finding's `anchor`, which the
//! library decides (a release-wide finding is shown at the file that shows
//! it). Locations carry no `region`: a finding is about a whole file, the
//! report has no line numbers, and GitHub supports neither byte regions nor
//! a region for the whole file; a made-up `startLine: 1` would also make
//! GitHub's upload action read every anchored weights file in full to hash
//! its "line". Each result has a `partialFingerprints` entry, the finding's
//! stable fingerprint, so dashboards track it across runs.

use crate::finding::{Code, Finding, ROOT_ANCHOR, Severity};
use crate::report::Report;
use serde_json::{Value, json};
use std::io::{self, Write};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The `uriBaseId` every result location is relative to.
const BASE_ID: &str = "RELEASE_ROOT";
/// The base of a relative `RELEASE_ROOT`.
const WORKING_DIRECTORY: &str = "WORKING_DIRECTORY";
/// The `partialFingerprints` key of [`Finding::fingerprint`]; a new recipe
/// gets a new version.
const FINGERPRINT: &str = "opennessFinding/v1";

pub fn render(out: &mut dyn Write, reports: &[Report]) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &log(reports))?;
    out.write_all(b"\n")
}

/// The whole SARIF log as a JSON value.
pub fn log(reports: &[Report]) -> Value {
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": reports.iter().map(run).collect::<Vec<_>>(),
    })
}

fn run(report: &Report) -> Value {
    let results: Vec<Value> = report.findings.iter().map(result).collect();
    json!({
        "tool": {
            "driver": {
                "name": report.tool.name,
                "version": report.tool.version,
                "semanticVersion": report.tool.version,
                "rules": Code::ALL.iter().map(|&c| rule(c)).collect::<Vec<_>>(),
            }
        },
        "originalUriBaseIds": base_ids(report),
        "results": results,
    })
}

/// `RELEASE_ROOT`, the PATH as given. SARIF wants a base id without a base
/// of its own to be an absolute URI (SARIF1004), so a relative PATH is
/// given relative to `WORKING_DIRECTORY`, the folder openness ran in, which
/// the log does not record: the consumer knows it (a CI job's checkout).
fn base_ids(report: &Report) -> Value {
    let uri = base_uri(report);
    let mut root = json!({
        "uri": uri,
        "description": {"text": "The release that was scanned, as given on the command line."},
    });
    if uri.starts_with("file:") {
        return json!({ BASE_ID: root });
    }
    root["uriBaseId"] = WORKING_DIRECTORY.into();
    json!({
        BASE_ID: root,
        WORKING_DIRECTORY: {
            "description": {"text": "The folder openness ran in, which a relative PATH is relative to; not recorded."},
        },
    })
}

/// One result: the finding at its anchor. Rules are emitted in
/// `Code::ALL` order, so a code's index there is its `ruleIndex`.
fn result(f: &Finding) -> Value {
    // Only a finding built by hand and never assessed has no anchor; the
    // release folder keeps its result valid.
    let anchor = if f.anchor.is_empty() {
        ROOT_ANCHOR
    } else {
        &f.anchor
    };
    json!({
        "ruleId": f.code.as_str(),
        "ruleIndex": f.code.index(),
        "level": level(f.severity),
        "message": {"text": f.message},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": encode_path(anchor), "uriBaseId": BASE_ID}
            }
        }],
        "partialFingerprints": {FINGERPRINT: f.fingerprint()},
    })
}

fn rule(code: Code) -> Value {
    let mut rule = json!({
        "id": code.as_str(),
        "shortDescription": {"text": code.description()},
        "fullDescription": {"text": code.explain()},
        "help": {"text": code.explain()},
        "defaultConfiguration": {"level": level(code.default_severity())},
    });
    // SARIF wants `name` to differ from the opaque `id`, and omitted when
    // it would not (SARIF1001): `unreadable` has no other name.
    let name = camel_case(code.as_str());
    if !name.eq_ignore_ascii_case(code.as_str()) {
        rule["name"] = name.into();
    }
    rule
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// `lfs-pointer` → `LfsPointer`: SARIF's `name` is meant to be an
/// identifier-like form of the rule.
fn camel_case(kebab: &str) -> String {
    kebab
        .split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or(String::new(), |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

/// Percent-encodes a `/`-separated relative path as an RFC 3986 relative
/// reference. Only unreserved characters and `/` stay as they are: a space,
/// `%`, `#` or `?` would change what the URI means, and a `:` in the first
/// segment would read as a scheme.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The URI of `RELEASE_ROOT`: the PATH as the user gave it, encoded, ending
/// with `/` as SARIF requires of a base URI. An absolute path becomes a
/// `file:` URI; a relative one stays relative, so the log carries no more of
/// the machine's layout than the command line did.
///
/// A single file scanned on its own reports its findings relative to its
/// folder (the report holds that one file, named like the PATH's last
/// segment), so its base is the PATH's parent.
fn base_uri(report: &Report) -> String {
    let root = report.root.replace('\\', "/");
    let trimmed = root.trim_end_matches('/');
    let (parent, last) = match trimmed.rsplit_once('/') {
        Some((parent, last)) => (Some(parent), last),
        None => (None, trimmed),
    };
    let single_file = matches!(report.files.as_slice(), [f] if f.path == last && !last.is_empty());
    let dir = if single_file {
        match parent {
            // `/model.gguf`: the parent is the filesystem root.
            Some("") => "/",
            Some(p) => p,
            None => ".",
        }
    } else if trimmed.is_empty() && root.starts_with('/') {
        "/"
    } else if trimmed.is_empty() {
        "."
    } else {
        trimmed
    };
    let mut uri = if let Some(abs) = dir.strip_prefix('/') {
        format!("file:///{}", encode_path(abs))
    } else if is_windows_absolute(dir) {
        // `C:/models/x`: keep the drive's colon, which `encode_path` would
        // escape, since `file:///C:/` is how such paths are written.
        format!("file:///{}{}", &dir[..2], encode_path(&dir[2..]))
    } else {
        encode_path(dir)
    };
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

fn is_windows_absolute(path: &str) -> bool {
    let b = path.as_bytes();
    b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'/'
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{FileEntry, FileKind};

    #[test]
    fn paths_are_percent_encoded() {
        assert_eq!(encode_path("a b/c%d.bin"), "a%20b/c%25d.bin");
        assert_eq!(encode_path("x:y#z?"), "x%3Ay%23z%3F");
        assert_eq!(encode_path("é"), "%C3%A9");
        assert_eq!(
            encode_path("dir/model-00001.safetensors"),
            "dir/model-00001.safetensors"
        );
    }

    #[test]
    fn rule_names_are_camel_case() {
        assert_eq!(camel_case("lfs-pointer"), "LfsPointer");
        assert_eq!(
            camel_case("pickle-suspicious-import"),
            "PickleSuspiciousImport"
        );
        assert_eq!(camel_case("unreadable"), "Unreadable");
    }

    fn report(root: &str, files: &[&str]) -> Report {
        Report {
            schema_version: crate::report::SCHEMA_VERSION,
            tool: Default::default(),
            root: root.to_owned(),
            release: Default::default(),
            components: Default::default(),
            license: Default::default(),
            frameworks: Default::default(),
            files: files
                .iter()
                .map(|p| FileEntry {
                    path: (*p).to_owned(),
                    bytes: 0,
                    kind: FileKind::Other,
                    format: None,
                    lfs_pointer: false,
                    symlink: None,
                    sha256: None,
                    lfs: None,
                    weights: None,
                    integrity: None,
                })
                .collect(),
            findings: Vec::new(),
            source: None,
        }
    }

    #[test]
    fn every_result_has_one_location_at_its_anchor() {
        let mut r = report("fixtures/x", &["LICENSE", "model.bin"]);
        r.findings = vec![
            Finding::new(Code::LicenseNotOpen, None, "closed").shown_at(Some("LICENSE")),
            Finding::new(Code::PickleWeights, Some("model.bin"), "pickled"),
            // Never assessed: no anchor at all.
            Finding::new(Code::EmptyRelease, None, "nothing"),
        ];
        let log = log(std::slice::from_ref(&r));
        let results = log["runs"][0]["results"].as_array().unwrap();
        let uris: Vec<&str> = results
            .iter()
            .map(|r| {
                assert_eq!(r["locations"].as_array().unwrap().len(), 1);
                let artifact = &r["locations"][0]["physicalLocation"]["artifactLocation"];
                assert_eq!(artifact["uriBaseId"], BASE_ID);
                artifact["uri"].as_str().unwrap()
            })
            .collect();
        assert_eq!(uris, ["LICENSE", "model.bin", "."]);
        for (result, finding) in results.iter().zip(&r.findings) {
            assert_eq!(
                result["partialFingerprints"][FINGERPRINT],
                finding.fingerprint()
            );
            assert_eq!(result["ruleIndex"], finding.code.index());
        }
    }

    #[test]
    fn a_relative_root_is_based_on_the_working_directory() {
        let ids = base_ids(&report("fixtures/x", &["a", "b"]));
        assert_eq!(ids[BASE_ID]["uri"], "fixtures/x/");
        assert_eq!(ids[BASE_ID]["uriBaseId"], WORKING_DIRECTORY);
        assert!(ids[WORKING_DIRECTORY].get("uri").is_none());
        assert!(ids[WORKING_DIRECTORY]["description"]["text"].is_string());
        let ids = base_ids(&report("/srv/m", &["a", "b"]));
        assert_eq!(ids[BASE_ID]["uri"], "file:///srv/m/");
        assert!(ids[BASE_ID].get("uriBaseId").is_none());
        assert_eq!(ids.as_object().unwrap().len(), 1);
    }

    #[test]
    fn a_rule_is_named_only_when_the_name_differs_from_its_id() {
        assert_eq!(rule(Code::LfsPointer)["name"], "LfsPointer");
        assert!(rule(Code::Unreadable).get("name").is_none());
        assert_eq!(rule(Code::Unreadable)["id"], "unreadable");
    }

    #[test]
    fn base_uri_ends_with_a_slash() {
        assert_eq!(base_uri(&report("fixtures/x", &["a", "b"])), "fixtures/x/");
        assert_eq!(base_uri(&report("fixtures/x/", &["a", "b"])), "fixtures/x/");
        assert_eq!(base_uri(&report(".", &["a", "b"])), "./");
        assert_eq!(base_uri(&report("my models", &[])), "my%20models/");
        assert_eq!(base_uri(&report("/srv/m", &["a", "b"])), "file:///srv/m/");
        assert_eq!(base_uri(&report("/", &["a", "b"])), "file:///");
        assert_eq!(
            base_uri(&report("C:\\m\\x", &["a", "b"])),
            "file:///C:/m/x/"
        );
    }

    #[test]
    fn a_single_file_is_relative_to_its_folder() {
        assert_eq!(base_uri(&report("dl/model.gguf", &["model.gguf"])), "dl/");
        assert_eq!(base_uri(&report("model.gguf", &["model.gguf"])), "./");
        assert_eq!(base_uri(&report("/tmp/m.bin", &["m.bin"])), "file:///tmp/");
        assert_eq!(base_uri(&report("/m.bin", &["m.bin"])), "file:///");
    }
}
