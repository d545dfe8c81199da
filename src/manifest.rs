//! Manifests in `sha256sum` format (`<hex>  <path>`), written by
//! `scan --hash --manifest-out` and checked by `openness verify`. The format
//! is the one `sha256sum -c` reads, so a release can be checked without
//! openness too; paths are relative to the release root.

use crate::hash;
use crate::inventory::{self, ScanError};
use crate::report::Report;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

/// Lines of a manifest file longer than this are rejected, not buffered.
const MAX_LINE: usize = 64 << 10;

/// The manifest text for a hashed report: one line per hashed file, sorted.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for file in &report.files {
        if let Some(hex) = &file.sha256 {
            out.push_str(hex);
            out.push_str("  ");
            out.push_str(&file.path);
            out.push('\n');
        }
    }
    out
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ManifestError {}

/// Parses `sha256sum` output: `<64 hex><space><space or *><path>`. Blank
/// lines and `#` comments are skipped; a path listed twice is an error.
pub fn parse(text: &str) -> Result<BTreeMap<String, String>, ManifestError> {
    let mut entries = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        let err = |message: String| ManifestError {
            line: line_no,
            message,
        };
        if line.len() > MAX_LINE {
            return Err(err(format!("line longer than {MAX_LINE} bytes")));
        }
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let (digest, rest) = line
            .split_at_checked(64)
            .ok_or_else(|| err("expected a 64-digit SHA-256 and a path".to_owned()))?;
        if !digest.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(err(format!("{digest:?} is not a hexadecimal SHA-256")));
        }
        let path = rest
            .strip_prefix("  ")
            .or_else(|| rest.strip_prefix(" *"))
            .ok_or_else(|| {
                err("expected two spaces (or ' *') between digest and path".to_owned())
            })?;
        let path = path.trim_start_matches("./").to_owned();
        if path.is_empty() {
            return Err(err("empty path".to_owned()));
        }
        if entries
            .insert(path.clone(), digest.to_ascii_lowercase())
            .is_some()
        {
            return Err(err(format!("{path} is listed twice")));
        }
    }
    Ok(entries)
}

/// What re-hashing a release against a manifest found. Paths are sorted.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Verification {
    pub root: String,
    pub matched: Vec<String>,
    pub mismatched: Vec<Mismatch>,
    /// In the manifest, not in the release.
    pub missing: Vec<String>,
    /// In the release, not in the manifest.
    pub extra: Vec<String>,
    pub ignored: Vec<String>,
    /// Files that could not be read: (path, reason).
    pub unreadable: Vec<(String, String)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Mismatch {
    pub path: String,
    pub expected: String,
    pub actual: String,
}

impl Verification {
    /// True when every file matches and none is missing, extra or unreadable.
    pub fn ok(&self) -> bool {
        self.mismatched.is_empty()
            && self.missing.is_empty()
            && self.extra.is_empty()
            && self.unreadable.is_empty()
    }
}

/// Re-hashes the release at `root` and compares it with `manifest`.
/// `ignore` holds glob patterns (`*`, `?`, `**`) of paths expected to differ.
pub fn verify(
    root: &Path,
    display_root: &str,
    manifest: &BTreeMap<String, String>,
    ignore: &[String],
    jobs: usize,
    progress: Option<&hash::Progress>,
) -> Result<Verification, ScanError> {
    let inventory = inventory::walk(root)?;
    let mut result = Verification {
        root: display_root.to_owned(),
        ..Verification::default()
    };
    let ignored = |path: &str| ignore.iter().any(|g| glob_match(g, path));
    let mut on_disk = BTreeMap::new();
    for entry in inventory.entries {
        if let Some(read_path) = entry.read_path {
            on_disk.insert(entry.rel, (read_path, entry.bytes));
        }
    }
    let mut to_hash = Vec::new();
    for (path, (read_path, bytes)) in &on_disk {
        if ignored(path) {
            result.ignored.push(path.clone());
        } else if manifest.contains_key(path) {
            to_hash.push((path.clone(), read_path.clone(), *bytes));
        } else {
            result.extra.push(path.clone());
        }
    }
    for path in manifest.keys() {
        if !on_disk.contains_key(path) {
            if ignored(path) {
                result.ignored.push(path.clone());
            } else {
                result.missing.push(path.clone());
            }
        }
    }
    let inputs: Vec<_> = to_hash.iter().map(|(_, p, n)| (p.clone(), *n)).collect();
    let jobs = if jobs == 0 {
        hash::default_jobs()
    } else {
        jobs
    };
    for ((path, _, _), digest) in to_hash
        .iter()
        .zip(hash::sha256_files(&inputs, jobs, progress))
    {
        match digest {
            Ok(actual) if manifest.get(path) == Some(&actual) => result.matched.push(path.clone()),
            Ok(actual) => result.mismatched.push(Mismatch {
                path: path.clone(),
                expected: manifest.get(path).cloned().unwrap_or_default(),
                actual,
            }),
            Err(err) => result.unreadable.push((path.clone(), err.to_string())),
        }
    }
    result.ignored.sort();
    Ok(result)
}

/// Glob match over `/`-separated paths: `*` and `?` stay within a segment,
/// a `**` segment spans any number of segments (`src/glob.rs`).
pub fn glob_match(pattern: &str, path: &str) -> bool {
    crate::glob::matches(pattern, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sha256sum_output() {
        let hex = "a".repeat(64);
        let text = format!("{hex}  model.safetensors\n{hex} *./sub/x.bin\n\n# note\n");
        let m = parse(&text).unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(m["sub/x.bin"], hex);
    }

    #[test]
    fn rejects_bad_lines_with_their_number() {
        let hex = "b".repeat(64);
        assert_eq!(parse("xyz  a\n").unwrap_err().line, 1);
        let e = parse(&format!("{hex}  a\n{hex}  a\n")).unwrap_err();
        assert_eq!((e.line, e.message.as_str()), (2, "a is listed twice"));
        let e = parse(&format!("{hex} a\n")).unwrap_err();
        assert!(e.message.contains("two spaces"));
        let e = parse(&format!("{}  a\n", "g".repeat(64))).unwrap_err();
        assert!(e.message.contains("not a hexadecimal"));
    }

    #[test]
    fn globs() {
        assert!(glob_match("*.md", "README.md"));
        assert!(!glob_match("*.md", "docs/README.md"));
        assert!(glob_match("**/*.md", "docs/README.md"));
        assert!(glob_match("**/*.md", "README.md"));
        assert!(glob_match("docs/**", "docs/a/b.txt"));
        assert!(glob_match(
            "model-0000?-of-00002.safetensors",
            "model-00001-of-00002.safetensors"
        ));
        assert!(!glob_match("a?c", "a/c"));
        assert!(glob_match("*", "x"));
        assert!(!glob_match("*", "a/b"));
        // Many stars against a long non-matching path stay cheap.
        assert!(!glob_match(&"*a".repeat(30), &"b".repeat(2000)));
    }

    #[test]
    fn verification_sorts_matches_mismatches_missing_extra() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("same.txt"), b"abc").unwrap();
        std::fs::write(dir.path().join("changed.txt"), b"new").unwrap();
        std::fs::write(dir.path().join("extra.txt"), b"x").unwrap();
        std::fs::write(dir.path().join("notes.log"), b"x").unwrap();
        let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        let text = format!("{abc}  same.txt\n{abc}  changed.txt\n{abc}  gone.txt\n");
        let manifest = parse(&text).unwrap();
        let v = verify(dir.path(), "r", &manifest, &["*.log".to_owned()], 2, None).unwrap();
        assert_eq!(v.matched, ["same.txt"]);
        assert_eq!(v.mismatched.len(), 1);
        assert_eq!(v.mismatched[0].path, "changed.txt");
        assert_eq!(v.missing, ["gone.txt"]);
        assert_eq!(v.extra, ["extra.txt"]);
        assert_eq!(v.ignored, ["notes.log"]);
        assert!(!v.ok());
    }
}
