//! Licences as real releases ship them (SPEC section 2): every model licence
//! family by its text alone, scopes by file name, referenced components,
//! pointers, appended licences, restricted look-alikes, sub-folder licences,
//! attribution and use-policy files, and the card template's placeholder.
//! Each case's licence block is compared with its snapshot.

mod support;

use serde_json::Value;
use support::{assert_snapshot, codes, scan_fixture};

/// The licence block of a fixture's report: `license`, each component's
/// licence, and the licence findings.
fn licence_block(report: &Value) -> Value {
    serde_json::json!({
        "license": report["license"],
        "components": {
            "code": component_licence(report, "code"),
            "weights": component_licence(report, "weights"),
            "data": component_licence(report, "data"),
        },
        "findings": report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"].as_str().unwrap().starts_with("license"))
            .cloned()
            .collect::<Vec<_>>(),
    })
}

/// Scans `licence-cases/<case>` and asserts its licence block against the
/// snapshot `name` (a literal at each call, for the orphan check).
fn case(case: &str, snapshot: impl FnOnce(&Value)) -> Value {
    let report = scan_fixture(&format!("licence-cases/{case}"));
    snapshot(&licence_block(&report));
    report
}

fn component_licence(report: &Value, part: &str) -> Value {
    let c = &report["components"][part];
    serde_json::json!({
        "status": c["status"],
        "license": c["license"],
        "license_source": c["license_source"],
    })
}

fn spdx(report: &Value) -> &str {
    report["license"]["spdx"].as_str().unwrap_or("")
}

#[test]
fn every_model_licence_family_is_known_by_its_text() {
    for (dir, expected, _) in support::generator::MODEL_LICENCE_FAMILIES {
        let r = scan_fixture(&format!("licence-families/{dir}"));
        assert_eq!(spdx(&r), *expected, "{dir}");
        assert_eq!(r["license"]["open"], false, "{dir}");
        assert_eq!(r["components"]["weights"]["license"], *expected, "{dir}");
        assert!(
            codes(&r).contains(&"license-not-open".to_owned()),
            "{dir}: {:?}",
            codes(&r)
        );
    }
}

#[test]
fn file_names_scope_their_licences() {
    let r = case("scopes-by-name", |b| {
        assert_snapshot("licence-scopes-by-name", b)
    });
    let c = &r["components"];
    assert_eq!(c["code"]["license"], "MIT");
    assert_eq!(c["code"]["license_source"], "LICENSE-CODE");
    assert_eq!(c["weights"]["license"], "LicenseRef-DeepSeek");
    assert_eq!(c["weights"]["license_source"], "MODEL_LICENSE");
    assert_eq!(c["data"]["license"], "ODC-By-1.0");
    assert_eq!(c["data"]["license_source"], "DATA_LICENSE");
    assert_eq!(spdx(&r), "MIT AND LicenseRef-DeepSeek AND ODC-By-1.0");
    assert_eq!(r["license"]["open"], false);
    let not_open: Vec<&str> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "license-not-open")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(not_open.len(), 1, "{not_open:?}");
    assert!(
        not_open[0].contains("it covers the weights"),
        "{}",
        not_open[0]
    );
}

#[test]
fn a_referenced_component_gets_the_licence_the_release_grants() {
    let r = case("referenced-weights", |b| {
        assert_snapshot("licence-referenced-weights", b)
    });
    let w = &r["components"]["weights"];
    assert_eq!(w["status"], "referenced");
    assert_eq!(w["license"], "CC-BY-NC-4.0 AND LicenseRef-DeepSeek");
    assert_eq!(r["components"]["code"]["license"], "MIT");
    assert_eq!(spdx(&r), "MIT AND CC-BY-NC-4.0 AND LicenseRef-DeepSeek");
    assert_eq!(r["license"]["open"], false);
}

#[test]
fn a_pointer_names_its_family() {
    let r = case("pointer", |b| assert_snapshot("licence-pointer", b));
    assert_eq!(spdx(&r), "LicenseRef-Llama-2");
    let file = &r["license"]["files"][0];
    assert_eq!(file["identified_by"], "pointer");
    assert!(file["confidence"].as_f64().unwrap() <= 0.7);
    let r = case("source-headers", |b| {
        assert_snapshot("licence-source-headers", b)
    });
    assert_eq!(spdx(&r), "LicenseRef-Llama-2");
    assert_eq!(
        r["components"]["code"]["license_source"],
        "source file headers (2 files)"
    );
    // The pointer names nothing: it is known by its file name only, and
    // the headers say what it points to.
    assert_eq!(r["license"]["files"][0]["spdx"], "LicenseRef-LICENSE");
    assert_eq!(r["license"]["files"][0]["identified_by"], "file-name");
}

#[test]
fn appended_licences_cover_bundled_code() {
    let r = case("appended", |b| assert_snapshot("licence-appended", b));
    assert_eq!(spdx(&r), "Apache-2.0 AND BSD-3-Clause AND MIT");
    let file = &r["license"]["files"][0];
    assert_eq!(file["spdx"], "Apache-2.0");
    assert_eq!(file["bundled"], serde_json::json!(["BSD-3-Clause", "MIT"]));
    let bundled: Vec<&str> = r["license"]["parts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["covers"] == "bundled")
        .map(|p| p["spdx"].as_str().unwrap())
        .collect();
    assert_eq!(bundled, ["BSD-3-Clause", "MIT"]);
    assert_eq!(r["license"]["open"], true);
}

#[test]
fn restricted_look_alikes_are_not_the_permissive_licence() {
    let r = case("mit-look-alike", |b| {
        assert_snapshot("licence-mit-look-alike", b)
    });
    assert_eq!(spdx(&r), "LicenseRef-MIT-Restricted");
    assert_eq!(r["license"]["open"], false);
    let file = &r["license"]["files"][0];
    assert_eq!(
        file["restrictions"],
        serde_json::json!(["field-of-use", "use-ban"])
    );
    let message = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "license-not-open")
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.contains("reuses MIT's wording"), "{message}");
    assert!(message.contains("bans fields of use"), "{message}");

    let r = case("apache-look-alike", |b| {
        assert_snapshot("licence-apache-look-alike", b)
    });
    assert_eq!(spdx(&r), "LicenseRef-Apache-2.0-Restricted");
    assert_eq!(r["license"]["open"], false);

    let r = scan_fixture("licence-families/modified-mit");
    assert_eq!(spdx(&r), "LicenseRef-Modified-MIT-License");
}

#[test]
fn sub_folders_attributions_and_policies() {
    let r = case("sub-folder", |b| assert_snapshot("licence-sub-folder", b));
    assert_eq!(spdx(&r), "MIT AND Apache-2.0");
    let files = r["license"]["files"].as_array().unwrap();
    let by_path = |p: &str| files.iter().find(|f| f["path"] == p).unwrap();
    assert_eq!(by_path("training/flax/LICENSE")["covers"], "training/flax");
    assert_eq!(by_path("NOTICE")["role"], "attribution");
    assert_eq!(by_path("USE_POLICY.md")["role"], "use-policy");
    // The policy restricts use: the release is not open though both
    // licences are.
    assert_eq!(r["license"]["open"], false);
    assert!(support::findings(&r).contains(&(
        "license-not-open".to_owned(),
        Some("USE_POLICY.md".to_owned())
    )));
}

#[test]
fn the_card_template_placeholder_is_no_licence() {
    let r = case("more-information-needed", |b| {
        assert_snapshot("licence-more-information-needed", b)
    });
    assert_eq!(r["license"]["spdx"], Value::Null);
    assert!(codes(&r).contains(&"license-missing".to_owned()));
}

// ---------------------------------------------------------------- issue 22

fn part_covering<'a>(report: &'a Value, spdx: &str) -> &'a Value {
    report["license"]["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| {
            p["spdx"]
                .as_str()
                .unwrap()
                .split(" AND ")
                .any(|t| t == spdx)
        })
        .unwrap_or_else(|| panic!("no part {spdx} in {}", report["license"]["parts"]))
}

#[test]
fn a_licence_folder_yields_one_part_per_file() {
    let r = case("licence-folder", |b| {
        assert_snapshot("licence-licence-folder", b)
    });
    let weights = "LicenseRef-BETA-LARGE-NON-COMMERCIAL-LICENSE-AGREEMENT";
    assert_eq!(spdx(&r), format!("Apache-2.0 AND {weights}"));
    assert_eq!(r["license"]["open"], false);
    // Both per-model licences cover the weights: the AND of the two.
    let part = part_covering(&r, weights);
    assert_eq!(part["covers"], "weights");
    assert_eq!(part["spdx"], format!("Apache-2.0 AND {weights}"));
    assert_eq!(
        part["source"],
        "model_licenses/LICENSE-alpha-small, model_licenses/LICENSE-beta-large"
    );
    let finding = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "license-not-open")
        .expect("license-not-open");
    let message = finding["message"].as_str().unwrap();
    assert!(message.contains(weights), "{message}");
    assert!(message.contains("forbids commercial use"), "{message}");
    assert!(
        message.contains("in model_licenses/LICENSE-beta-large"),
        "{message}"
    );

    // The twin: two open licences in the folder keep the release open.
    let open = case("licence-folder-open", |b| {
        assert_snapshot("licence-licence-folder-open", b)
    });
    assert_eq!(spdx(&open), "Apache-2.0 AND MIT");
    assert_eq!(open["license"]["open"], true);
}

#[test]
fn an_unlisted_agreement_is_named_by_its_title() {
    for (dir, want) in [
        ("html-title", "LicenseRef-XYZ-175B-LICENSE-AGREEMENT"),
        ("plain-title", "LicenseRef-XYZ-LICENSE-AGREEMENT"),
    ] {
        let r = scan_fixture(&format!("licence-cases/{dir}"));
        assert_eq!(spdx(&r), want, "{dir}");
        assert_eq!(r["license"]["open"], false, "{dir}");
        let file = &r["license"]["files"][0];
        assert_eq!(file["spdx"], want, "{dir}");
        assert_eq!(file["identified_by"], "title", "{dir}");
        assert!(codes(&r).contains(&"license-not-open".to_owned()), "{dir}");
        assert_eq!(r["components"]["weights"]["license"], want, "{dir}");
    }
    case("html-title", |b| assert_snapshot("licence-html-title", b));
}

#[test]
fn three_licence_files_all_join_the_expression() {
    let r = case("three-licences", |b| {
        assert_snapshot("licence-three-licences", b)
    });
    let expr = spdx(&r);
    for id in [
        "CC-BY-NC-4.0",
        "MIT",
        "LicenseRef-Example-Model-Licensing-Agreement",
    ] {
        assert!(expr.contains(id), "{id} missing from {expr}");
    }
    assert_eq!(r["license"]["open"], false);
}

#[test]
fn a_licence_text_in_the_card_outranks_source_headers() {
    let r = case("card-text", |b| assert_snapshot("licence-card-text", b));
    assert_eq!(spdx(&r), "LicenseRef-XYZ-RESEARCH-LICENSE-TERMS");
    assert_eq!(r["license"]["open"], false);
    assert_eq!(r["components"]["weights"]["license_source"], "card text");
    // The twin: prose about licences is no licence; the headers decide.
    let prose = scan_fixture("licence-cases/card-prose");
    assert_eq!(spdx(&prose), "MIT");
    assert_eq!(prose["license"]["open"], true);
}

#[test]
fn the_card_template_licence_line_is_a_statement() {
    let r = case("card-template", |b| {
        assert_snapshot("licence-card-template", b)
    });
    assert_eq!(spdx(&r), "MIT");
    assert_eq!(r["license"]["open"], true);
    assert!(!codes(&r).contains(&"license-missing".to_owned()));
    let placeholder = scan_fixture("licence-cases/card-template-placeholder");
    assert_eq!(placeholder["license"]["spdx"], Value::Null);
    assert_eq!(placeholder["license"]["open"], false);
    assert!(codes(&placeholder).contains(&"license-missing".to_owned()));
}

/// Every release folder directly under `dir` (a folder holding any file).
fn releases_under(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            out.push(entry.path());
        }
    }
}

/// No report calls a release open while a licence file is unidentified or
/// a part is not open: over every fixture (each folder and its sub-folders
/// that are cases) and every real-world extract under `RW_DIR`, if set.
#[test]
fn open_only_when_every_licence_is_identified_and_open() {
    let mut roots = Vec::new();
    releases_under(&support::fixtures_dir(), &mut roots);
    for group in ["licence-cases", "licence-families", "licenses"] {
        releases_under(&support::fixtures_dir().join(group), &mut roots);
    }
    if let Some(rw) = std::env::var_os("RW_DIR") {
        releases_under(std::path::Path::new(&rw), &mut roots);
    }
    let mut checked = 0;
    for root in &roots {
        let Ok(report) = openness::scan(root, "release", &openness::ScanOptions::default()) else {
            continue;
        };
        let report = serde_json::to_value(&report).unwrap();
        let licence = &report["license"];
        if licence["open"] != true {
            continue;
        }
        checked += 1;
        for file in licence["files"].as_array().unwrap() {
            if file["role"] == "license" {
                assert!(
                    !file["spdx"].is_null(),
                    "{}: open with an unidentified {}",
                    root.display(),
                    file["path"]
                );
            }
        }
        for part in licence["parts"].as_array().unwrap() {
            assert_eq!(part["open"], true, "{}: open with {part}", root.display());
        }
    }
    assert!(checked >= 5, "only {checked} open releases checked");
}
