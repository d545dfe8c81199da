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
    assert_eq!(r["license"]["files"][0]["spdx"], Value::Null);
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
