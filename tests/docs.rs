//! The README documents every finding code with its default severity and its
//! one-line description; this keeps the two from drifting apart.

use openness::finding::Code;

#[test]
fn readme_lists_every_finding_code() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for code in Code::ALL {
        let row = format!(
            "| `{}` | {} | {} |",
            code.as_str(),
            code.default_severity(),
            code.description()
        );
        assert!(readme.contains(&row), "README.md lacks the row:\n{row}");
    }
}

/// `schema/report.schema.json` is generated from the report types; it must
/// not drift from them (regenerate with `openness schema > schema/report.schema.json`).
#[test]
fn checked_in_schema_matches_the_types() {
    let checked_in = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/schema/report.schema.json"
    ))
    .unwrap();
    assert!(
        checked_in == openness::report::json_schema(),
        "schema/report.schema.json is stale: run `openness schema > schema/report.schema.json`"
    );
    let schema: serde_json::Value = serde_json::from_str(&checked_in).unwrap();
    let required: Vec<&str> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for key in [
        "schema_version",
        "tool",
        "root",
        "release",
        "components",
        "license",
        "frameworks",
        "files",
        "findings",
    ] {
        assert!(required.contains(&key), "{key}");
    }
}
