//! The library's stages run one way: inventory → read → assess → report →
//! render, with the pure format parsers below them all. This test reads every
//! `crate::` path in `src/` and fails when a module names one of a later
//! stage, so the design the README draws cannot drift unnoticed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Each top-level module's layer: a module may use modules of its own layer
/// or a lower one, never a higher one. `scan` is the crate-root re-export of
/// `pipeline::scan`.
const LAYERS: &[(&str, u8)] = &[
    // Pure parsers and byte-level helpers: they know nothing of the release.
    ("formats", 0),
    ("mapguard", 0),
    ("hash", 0),
    ("parallel", 0),
    ("glob", 0),
    ("fnv", 0),
    // Where remote bytes come from, for the read stage (no HTTP in it).
    ("source", 0),
    // Vocabulary of the report, and classifiers of text that judge nothing.
    ("finding", 1),
    ("codeclass", 1),
    ("license", 1),
    ("report", 2),
    ("view", 2),
    // The stages.
    ("inventory", 3),
    ("read", 4),
    ("assess", 5),
    ("mof", 5),
    ("pipeline", 6),
    ("scan", 6),
    ("discover", 6),
    ("manifest", 6),
    ("policy", 6),
    // Remote scans: list over HTTP, then run the stages like `pipeline`.
    ("remote", 6),
    ("render", 7),
    ("diff", 7),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file of `src/` belongs to (`src/assess/code.rs` →
/// `assess`); `None` for the crate root and the binary.
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (!matches!(name, "lib" | "main" | "cli")).then(|| name.to_owned())
}

/// Every `crate::name` in the text, outside line comments.
fn crate_paths(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.push((n + 1, name));
            }
        }
    }
    found
}

#[test]
fn no_module_uses_a_later_stage() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let layer: BTreeMap<&str, u8> = LAYERS.iter().copied().collect();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut problems = Vec::new();
    for file in &files {
        let Some(module) = module_of(&src, file) else {
            continue;
        };
        let Some(&own) = layer.get(module.as_str()) else {
            problems.push(format!(
                "{}: module {module} has no layer here",
                file.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        for (line, used) in crate_paths(&text) {
            match layer.get(used.as_str()) {
                Some(&theirs) if theirs > own => problems.push(format!(
                    "{}:{line}: {module} (layer {own}) uses crate::{used} (layer {theirs})",
                    file.strip_prefix(&src).unwrap().display()
                )),
                Some(_) => {}
                // Crate-root items other than modules (e.g. `crate::ScanError`).
                None if used.starts_with(char::is_uppercase) => {}
                None => problems.push(format!(
                    "{}:{line}: crate::{used} is not a module with a layer",
                    file.display()
                )),
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_read_stage_and_the_parsers_emit_no_finding() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![src.join("read.rs"), src.join("inventory.rs")];
    rust_files(&src.join("formats"), &mut files);
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for word in ["Finding", "crate::finding"] {
            assert!(
                !text.contains(word),
                "{} mentions {word}: judgements belong to assess/",
                file.display()
            );
        }
    }
}

#[test]
fn the_checker_sees_paths_and_skips_comments() {
    let text = "use crate::report::Report;\n// crate::render in a comment\nlet x = crate::assess::run(crate::formats::parse(b));";
    let names: Vec<String> = crate_paths(text).into_iter().map(|(_, n)| n).collect();
    assert_eq!(names, ["report", "assess", "formats"]);
}
