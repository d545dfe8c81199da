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
