//! Every file under `tests/snapshots/` belongs to a snapshot that a test
//! asserts. insta fails a test whose snapshot is missing or changed, but not
//! a snapshot that no test asserts any more (a fixture renamed, a test
//! deleted); `cargo insta test --unreferenced=reject` would, but needs
//! cargo-insta installed, so this check is a plain test.
//!
//! The asserted names are read from the test sources, where each is a
//! literal at its call: `assert_snapshot("<name>", …)` (JSON,
//! `<name>.json.snap`), `assert_text_snapshot("<name>", …)` (`<name>.snap`),
//! and `scan("<fixture>")` in `tests/fixtures.rs`, which snapshots every
//! fixture it scans.

use std::collections::BTreeSet;
use std::path::Path;

/// The string literals passed as the first argument of `callee(` in
/// `source`, skipping calls whose first argument is not a literal.
fn literal_args<'a>(source: &'a str, callee: &str) -> Vec<&'a str> {
    let call = format!("{callee}(");
    source
        .match_indices(&call)
        .filter(|(at, _)| {
            // `callee` itself, not a longer name ending with it.
            !source[..*at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_')
        })
        .filter_map(|(at, _)| {
            // rustfmt puts a long first argument on a line of its own.
            let rest = source[at + call.len()..].trim_start().strip_prefix('"')?;
            rest.find('"').map(|end| &rest[..end])
        })
        .collect()
}

/// The snapshot file names that the test sources assert.
fn asserted_files(tests: &Path) -> BTreeSet<String> {
    let mut files = BTreeSet::new();
    for entry in std::fs::read_dir(tests).unwrap() {
        let path = entry.unwrap().path();
        let file_name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if path.extension().is_none_or(|e| e != "rs") || file_name == "snapshot_files.rs" {
            continue;
        }
        let source = std::fs::read_to_string(&path).unwrap();
        let mut json = literal_args(&source, "assert_snapshot");
        if file_name == "fixtures.rs" {
            json.extend(literal_args(&source, "scan"));
        }
        let text = literal_args(&source, "assert_text_snapshot");
        let names = json
            .into_iter()
            .map(|name| format!("{name}.json"))
            .chain(text.into_iter().map(str::to_owned));
        // insta writes a `/` in a snapshot name as `__`.
        files.extend(names.map(|name| format!("{}.snap", name.replace('/', "__"))));
    }
    files
}

/// The files in `listing` that are not among `asserted`: anything but a
/// `.snap` file is one too. insta's pending files (`.snap.new`,
/// `.pending-snap`) are left to `cargo insta review`.
fn orphans(listing: &[String], asserted: &BTreeSet<String>) -> Vec<String> {
    listing
        .iter()
        .filter(|f| !f.ends_with(".snap.new") && !f.ends_with(".pending-snap"))
        .filter(|f| !asserted.contains(*f))
        .cloned()
        .collect()
}

#[test]
fn every_snapshot_file_is_asserted_by_a_test() {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let asserted = asserted_files(&tests);
    let mut listing: Vec<String> = std::fs::read_dir(tests.join("snapshots"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    listing.sort();
    let orphans = orphans(&listing, &asserted);
    assert!(
        orphans.is_empty(),
        "no test asserts these files in tests/snapshots/; delete them or \
         assert them (with a literal name):\n  {}",
        orphans.join("\n  ")
    );
}

#[test]
fn the_check_reads_literal_names_and_flags_a_stray_file() {
    // Guards the guard: a reader that found no names, or a filter that let
    // everything through, would make the test above pass for nothing.
    let source = r#"
        let r = scan("interop-gguf/split");
        rescan("not-this");
        assert_snapshot("signed-hashed", &r);
        assert_snapshot(name, &r);
        support::assert_text_snapshot("render-corrupt.md", &md);
    "#;
    assert_eq!(
        literal_args(source, "scan"),
        ["interop-gguf/split"],
        "{source}"
    );
    assert_eq!(literal_args(source, "assert_snapshot"), ["signed-hashed"]);
    assert_eq!(
        literal_args(source, "assert_text_snapshot"),
        ["render-corrupt.md"]
    );

    let asserted = asserted_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests"));
    for known in [
        "hf-complete.json.snap",
        "interop-gguf__split.json.snap",
        "signed-hashed.json.snap",
        "render-corrupt.sarif.json.snap",
        "render-datasheet-no-datasets-mof.svg.snap",
    ] {
        assert!(asserted.contains(known), "{known} not found: {asserted:?}");
    }
    let listing = [
        "hf-complete.json.snap".to_owned(),
        "hf-complete.json.snap.new".to_owned(),
        "hf-complete.json".to_owned(),
        "stray.json.snap".to_owned(),
    ];
    assert_eq!(
        orphans(&listing, &asserted),
        ["hf-complete.json", "stray.json.snap"]
    );
}
