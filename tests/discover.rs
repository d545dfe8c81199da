//! `--discover`: every release below a folder is found — plain releases and
//! Hugging Face cache snapshots — with the right names, nothing inside `.git/`
//! or behind a symlinked directory, and each one scans cleanly.

#![cfg(unix)]

mod support;

use openness::discover::{Found, Limits, discover, discover_with};
use openness::finding::Code;
use std::path::Path;
use support::multi::{HF_REVS, discover_tree, hf_cached_model};

fn names(found: &[Found]) -> Vec<String> {
    found.iter().map(|f| f.name.clone()).collect()
}

#[test]
fn finds_hf_snapshots_and_plain_releases_sorted() {
    let tmp = tempfile::tempdir().unwrap();
    discover_tree(tmp.path()).unwrap();
    let found = discover(tmp.path()).unwrap();
    let mut expected: Vec<String> = HF_REVS
        .iter()
        .map(|(name, rev)| format!("org/{name}@{rev}"))
        .collect();
    expected.extend(["plain/one".to_owned(), "plain/two".to_owned()]);
    assert_eq!(names(&found), expected);
    // Paths are the root joined with the release's place in the tree.
    let (a, rev_a) = HF_REVS[0];
    assert_eq!(
        found[0].path,
        tmp.path()
            .join(format!("hub/models--org--{a}/snapshots/{rev_a}"))
    );
    assert_eq!(found[3].path, tmp.path().join("plain/one"));
}

#[test]
fn every_found_release_scans_without_link_findings() {
    let tmp = tempfile::tempdir().unwrap();
    discover_tree(tmp.path()).unwrap();
    let found = discover(tmp.path()).unwrap();
    let reports: Vec<_> = found
        .iter()
        .map(|f| {
            openness::scan(&f.path, &f.path.display().to_string(), &Default::default()).unwrap()
        })
        .collect();
    for (f, report) in found.iter().zip(&reports) {
        let link_findings: Vec<_> = report
            .findings
            .iter()
            .filter(|x| matches!(x.code, Code::SymlinkOutside | Code::DanglingSymlink))
            .collect();
        assert!(link_findings.is_empty(), "{}: {link_findings:?}", f.name);
        // Snapshot links resolve to their blobs: the weights are read.
        let w = &report.components.weights;
        assert_eq!(w.component.status.as_str(), "shipped", "{}", f.name);
        assert!(w.parameters.is_some_and(|p| p > 0), "{}", f.name);
    }
    // `unet/` is part of `plain/one`, not a release of its own.
    assert_eq!(reports[3].components.weights.files, 2);

    let rows: Vec<(String, &openness::report::Report)> =
        found.iter().map(|f| f.name.clone()).zip(&reports).collect();
    let mut out = Vec::new();
    openness::render::summary::render(&mut out, &rows, false).unwrap();
    let text = String::from_utf8(out).unwrap();
    for f in &found {
        assert!(text.contains(&f.name), "{} missing from\n{text}", f.name);
    }
    for word in ["shipped", "absent", "release", "MIT", "Apache-2.0"] {
        assert!(text.contains(word), "{word} missing from\n{text}");
    }
    assert!(text.contains("5 releases"), "{text}");
    assert!(!text.contains('\x1b'), "no colour asked for:\n{text}");
}

#[test]
fn a_release_root_is_the_only_release() {
    let tmp = tempfile::tempdir().unwrap();
    discover_tree(tmp.path()).unwrap();
    let one = tmp.path().join("plain/one");
    let found = discover(&one).unwrap();
    assert_eq!(names(&found), ["one"]);
    assert_eq!(found[0].path, one);

    // A snapshot given directly keeps its hub name.
    let (a, rev_a) = HF_REVS[0];
    let snapshot = tmp
        .path()
        .join(format!("hub/models--org--{a}/snapshots/{rev_a}"));
    assert_eq!(
        names(&discover(&snapshot).unwrap()),
        [format!("org/{a}@{rev_a}")]
    );
    // So does every revision under a repo folder given directly.
    let repo = tmp.path().join(format!("hub/models--org--{a}"));
    assert_eq!(
        names(&discover(&repo).unwrap()),
        [format!("org/{a}@{rev_a}")]
    );
}

#[test]
fn two_revisions_are_two_releases_and_datasets_are_prefixed() {
    let tmp = tempfile::tempdir().unwrap();
    let hub = tmp.path();
    hf_cached_model(hub, "org", "m", "aaaa").unwrap();
    hf_cached_model(hub, "org", "m", "bbbb").unwrap();
    // A dataset repo: the same layout under `datasets--`.
    std::fs::rename(hub.join("models--org--m"), hub.join("datasets--org--m")).unwrap();
    hf_cached_model(hub, "org", "m", "cccc").unwrap();
    assert_eq!(
        names(&discover(hub).unwrap()),
        ["datasets/org/m@aaaa", "datasets/org/m@bbbb", "org/m@cccc"]
    );
}

#[test]
fn caps_bound_the_walk_and_are_reported() {
    let tmp = tempfile::tempdir().unwrap();
    discover_tree(tmp.path()).unwrap();
    let shallow = discover_with(
        tmp.path(),
        Limits {
            max_depth: 1,
            ..Limits::default()
        },
    )
    .unwrap();
    // `plain/one` is two levels down; the hub repos are listed by the
    // cache rule, not by depth.
    assert_eq!(shallow.found.len(), 3, "{:?}", shallow.found);
    assert!(shallow.warnings.iter().any(|w| w.contains("deeper than")));

    let few = discover_with(
        tmp.path(),
        Limits {
            max_entries: 1,
            ..Limits::default()
        },
    )
    .unwrap();
    assert!(few.found.is_empty());
    assert!(few.warnings.iter().any(|w| w.contains("stopped after")));
}

#[test]
fn missing_root_is_an_error() {
    assert!(discover(Path::new("/nonexistent/openness-discover")).is_err());
}

/// A pseudo-terminal: the controlling side and the terminal a child gets.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn pseudo_terminal() -> (std::fs::File, std::fs::File) {
    use std::os::fd::FromRawFd;
    // SAFETY: plain libc calls on descriptors this function owns; each is
    // checked before use and handed to a `File` that closes it.
    unsafe {
        let master = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY);
        assert!(master >= 0, "posix_openpt");
        assert_eq!(libc::grantpt(master), 0, "grantpt");
        assert_eq!(libc::unlockpt(master), 0, "unlockpt");
        let name = libc::ptsname(master);
        assert!(!name.is_null(), "ptsname");
        let slave = libc::open(name, libc::O_RDWR | libc::O_NOCTTY);
        assert!(slave >= 0, "open the terminal");
        (
            std::fs::File::from_raw_fd(master),
            std::fs::File::from_raw_fd(slave),
        )
    }
}

#[cfg(target_os = "linux")]
#[test]
fn many_releases_draw_progress_on_a_terminal_stderr_and_clear_it() {
    use std::io::Read;
    let (mut master, terminal) = pseudo_terminal();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_openness"))
        .args([
            "scan",
            "--discover",
            "fixtures/data-roles",
            "--format",
            "json",
        ])
        .env("TERM", "xterm")
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::from(terminal))
        .output()
        .unwrap();
    assert!(out.status.success());
    // The report on stdout (a pipe) carries no progress.
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.trim_start().starts_with('['), "{stdout}");
    assert!(!stdout.contains("scanned"), "{stdout}");
    // Every end of the terminal is closed: reading drains what was drawn,
    // then fails (EIO) instead of blocking.
    let mut drawn = Vec::new();
    let _ = master.read_to_end(&mut drawn);
    let drawn = String::from_utf8_lossy(&drawn);
    let releases = std::fs::read_dir("fixtures/data-roles")
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_type().unwrap().is_dir())
        .count();
    assert!(
        drawn.contains(&format!("scanned {releases} / {releases} releases")),
        "{drawn:?}"
    );
    // The line is cleared when the scan ends: nothing left on the screen.
    assert!(drawn.ends_with("\r\x1b[2K"), "{drawn:?}");
}
