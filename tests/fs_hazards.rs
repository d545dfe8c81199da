//! Filesystem hazards, built at test time in temporary folders (none of them
//! can be checked in): special files, link loops, deep and wide trees,
//! non-UTF-8 and escape-laden names, files changing under the scan,
//! permission errors and `.git/`. The binary runs with a timeout, so a scan
//! that blocks (opening a FIFO) fails the test instead of hanging it.

#![cfg(unix)]

mod support;

use serde_json::Value;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Runs the binary with `args` + `dir`, killing it after `limit`.
fn run(args: &[&str], dir: &Path, limit: Duration) -> (Output, Duration) {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("openness"));
    cmd.args(args).arg(dir);
    support::run_with_deadline(cmd, limit, &format!("scan of {}", dir.display()))
}

fn scan_json(dir: &Path, limit: Duration) -> (Value, Duration) {
    let (out, elapsed) = run(&["scan", "--format", "json"], dir, limit);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (serde_json::from_slice(&out.stdout).unwrap(), elapsed)
}

fn paths(report: &Value) -> Vec<String> {
    report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_owned())
        .collect()
}

fn has_finding(report: &Value, code: &str, path: &str) -> bool {
    support::findings(report)
        .iter()
        .any(|(c, p)| c == code && p.as_deref() == Some(path))
}

const SHORT: Duration = Duration::from_secs(20);

/// A FIFO named like weights, a socket named like a config and a character
/// device (/dev/zero's numbers: endless bytes if read) named like a
/// checkpoint. Opening the FIFO blocks forever; reading the device never
/// ends. All three must be listed and left closed.
#[test]
fn fifos_sockets_and_devices_are_listed_never_opened() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let fifo = Command::new("mkfifo")
        .arg(d.join("model.safetensors"))
        .status()
        .unwrap();
    assert!(fifo.success());
    let _socket = std::os::unix::net::UnixListener::bind(d.join("config.json")).unwrap();
    let device = Command::new("mknod")
        .arg(d.join("pytorch_model.bin"))
        .args(["c", "1", "5"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !device {
        eprintln!("mknod not permitted here (not root?): device node case skipped");
    }
    let (r, elapsed) = scan_json(d, SHORT);
    let listed = paths(&r);
    assert!(
        listed.contains(&"model.safetensors".to_owned()),
        "{listed:?}"
    );
    assert!(listed.contains(&"config.json".to_owned()), "{listed:?}");
    if device {
        assert!(
            listed.contains(&"pytorch_model.bin".to_owned()),
            "{listed:?}"
        );
    }
    // Nothing was read: no format detected, no config parsed.
    for f in r["files"].as_array().unwrap() {
        assert_eq!(f["format"], Value::Null, "{f}");
        assert_eq!(f["bytes"], 0, "{f}");
    }
    eprintln!("special files: {elapsed:?}");
}

/// Self-loops, a two-link cycle, a chain longer than the kernel follows
/// (40 hops) and a directory link pointing at its parent: each is reported
/// or skipped, the walk ends, and the real file is still found.
#[test]
fn symlink_loops_and_chains_end() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("real.safetensors"), b"x").unwrap();
    let link = |name: &str, target: &str| std::os::unix::fs::symlink(target, d.join(name)).unwrap();
    link("self.safetensors", "self.safetensors");
    link("a.bin", "b.bin");
    link("b.bin", "a.bin");
    // chain-0 -> chain-1 -> ... -> chain-59 -> real.safetensors
    for i in 0..60 {
        let target = if i == 59 {
            "real.safetensors".to_owned()
        } else {
            format!("chain-{}.safetensors", i + 1)
        };
        link(&format!("chain-{i}.safetensors"), &target);
    }
    std::fs::create_dir(d.join("sub")).unwrap();
    std::os::unix::fs::symlink("..", d.join("sub/up")).unwrap();
    let (r, _) = scan_json(d, SHORT);
    for name in ["self.safetensors", "a.bin", "b.bin", "chain-0.safetensors"] {
        assert!(
            has_finding(&r, "dangling-symlink", name),
            "{name}: {:?}",
            support::findings(&r)
        );
    }
    // 19 hops is within the kernel's limit of 40: followed.
    assert!(!has_finding(&r, "dangling-symlink", "chain-41.safetensors"));
    // The loop through `sub/up` is not walked into: nothing is listed
    // below it, and the link itself is a plain entry.
    let listed = paths(&r);
    assert!(listed.contains(&"sub/up".to_owned()), "{listed:?}");
    assert!(
        !listed.iter().any(|p| p.starts_with("sub/up/")),
        "{listed:?}"
    );
    // The end of the chain is read through the link (a file an in-root
    // link points at is represented by the link, as in a Hugging Face cache).
    assert!(listed.contains(&"chain-41.safetensors".to_owned()));
}

/// 1,000 nested directories. Built bottom-up with renames, like
/// tests/cli.rs, so no call here handles the whole path; with 4-byte names
/// the deepest path is about 5,000 bytes, past PATH_MAX (4,096): the file at
/// the bottom is unreachable by path, which must be an `unreadable` finding
/// and not a crash or a stack overflow. A file at depth 500 is reachable
/// and must be found.
#[test]
fn a_thousand_levels_deep() {
    let dir = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let mut inner = work.path().join("n0");
    std::fs::create_dir(&inner).unwrap();
    std::fs::write(inner.join("bottom.py"), "x = 1\n").unwrap();
    for i in 1..=1000 {
        let outer = work.path().join(format!("n{i}"));
        std::fs::create_dir(&outer).unwrap();
        std::fs::rename(&inner, outer.join("dddd")).unwrap();
        if i == 500 {
            std::fs::write(outer.join("middle.py"), "y = 2\n").unwrap();
        }
        inner = outer;
    }
    std::fs::rename(&inner, dir.path().join("deep")).unwrap();
    let (r, elapsed) = scan_json(dir.path(), Duration::from_secs(60));
    let listed = paths(&r);
    assert!(
        listed.iter().any(|p| p.ends_with("/middle.py")),
        "depth-500 file missing: {} files",
        listed.len()
    );
    let reached_bottom = listed.iter().any(|p| p.ends_with("/bottom.py"));
    let unreadable = support::codes(&r).contains(&"unreadable".to_owned());
    assert!(
        reached_bottom || unreadable,
        "the bottom is neither listed nor reported"
    );
    eprintln!("1,000 levels: {elapsed:?}, bottom reached: {reached_bottom}");
}

/// 100,000 small files: listed in full, within a fixed time. Measured
/// about 3 s for the debug binary on two busy cores; the bound is generous
/// for slow CI machines.
#[test]
fn a_hundred_thousand_small_files() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..100 {
        let sub = dir.path().join(format!("part{i:03}"));
        std::fs::create_dir(&sub).unwrap();
        for j in 0..1000 {
            std::fs::write(sub.join(format!("f{j:04}.txt")), b"x").unwrap();
        }
    }
    let (r, elapsed) = scan_json(dir.path(), Duration::from_secs(120));
    assert_eq!(r["files"].as_array().unwrap().len(), 100_000);
    eprintln!("100,000 files: {elapsed:?}");
}

/// Names that are not UTF-8 are listed with their bytes escaped, so two of
/// them never merge into one `w\u{fffd}.safetensors`.
#[test]
fn non_utf8_names_are_kept_apart() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join(OsStr::from_bytes(b"w\xff.safetensors")), b"a").unwrap();
    std::fs::write(d.join(OsStr::from_bytes(b"w\xfe.safetensors")), b"b").unwrap();
    std::fs::write(d.join(OsStr::from_bytes(b"caf\xe9.json")), b"{}").unwrap();
    let (r, _) = scan_json(d, SHORT);
    let mut listed = paths(&r);
    listed.sort();
    assert_eq!(
        listed,
        ["caf\\xe9.json", "w\\xfe.safetensors", "w\\xff.safetensors"]
    );
    // Each is still read through its real name.
    assert!(
        has_finding(&r, "truncated-file", "w\\xff.safetensors")
            || has_finding(&r, "corrupt-header", "w\\xff.safetensors")
    );
}

/// File names and card fields holding ESC sequences (colour, clear screen,
/// set-title OSC), C1 CSI and newlines: the table shows them escaped, so
/// the terminal never receives a raw ESC. JSON keeps them (escaped by JSON).
#[test]
fn escapes_in_names_and_card_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("evil\x1b[2J\x1b]0;pwned\x07\nline.safetensors"),
        b"x",
    )
    .unwrap();
    std::fs::write(d.join("c1\u{9b}31m.json"), b"{").unwrap();
    std::fs::write(
        d.join("README.md"),
        "---\nlicense: \"mit\\e]0;title\\a\"\nbase_model: \"org/m\\e[2J\\nx\"\ndatasets: [\"d\\e[31m\"]\n---\n# \x1b[31mred\n",
    )
    .unwrap();
    for color in ["never", "always"] {
        let (out, _) = run(&["scan", "--color", color], d, SHORT);
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8_lossy(&out.stdout);
        let text = if color == "always" {
            strip_sgr(&text)
        } else {
            text.into_owned()
        };
        assert!(
            !text.contains('\x1b'),
            "raw ESC in --color {color} table:\n{text:?}"
        );
        assert!(!text.contains('\u{9b}'), "raw C1 CSI in the table");
        assert!(!text.contains('\x07'), "raw BEL in the table");
    }
    let (r, _) = scan_json(d, SHORT);
    assert!(paths(&r).contains(&"evil\x1b[2J\x1b]0;pwned\x07\nline.safetensors".to_owned()));
}

fn strip_sgr(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("\x1b[") {
        out.push_str(&rest[..at]);
        let tail = &rest[at + 2..];
        match tail.find('m') {
            Some(m) if tail[..m].bytes().all(|b| b.is_ascii_digit() || b == b';') => {
                rest = &tail[m + 1..];
            }
            _ => {
                out.push_str("\x1b[");
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Weights files truncated and rewritten in a loop while the binary scans
/// them again and again. A memory map of a file that shrinks raises SIGBUS
/// on the next touch of a page past the new end; every run must still exit
/// normally (0, or 2 if the file vanished between listing and opening).
#[test]
fn files_changing_during_the_scan_never_kill_it() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_path_buf();
    // A 4 MiB safetensors file (header at the start, data after) and a
    // stored torch zip whose central directory sits at the end: the two
    // places parsers read.
    let st = support::generator::safetensors(&[("w", "F32", &[1 << 20])], None);
    let pkl = b"\x80\x02}q\x00.".to_vec();
    let mut zip_bytes = Vec::new();
    {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(&mut zip_bytes));
        let o = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        w.start_file("archive/data.pkl", o).unwrap();
        std::io::Write::write_all(&mut w, &pkl).unwrap();
        w.start_file("archive/data/0", o).unwrap();
        std::io::Write::write_all(&mut w, &vec![0u8; 4 << 20]).unwrap();
        w.finish().unwrap();
    }
    std::fs::write(d.join("model.safetensors"), &st).unwrap();
    std::fs::write(d.join("pytorch_model.bin"), &zip_bytes).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (stop, d) = (stop.clone(), d.clone());
        std::thread::spawn(move || {
            let mut n = 0u64;
            while !stop.load(Ordering::Relaxed) {
                for (name, full) in [
                    ("model.safetensors", &st),
                    ("pytorch_model.bin", &zip_bytes),
                ] {
                    let path = d.join(name);
                    // Shrink in place (the same inode a map may hold), to
                    // a few sizes, then restore the content.
                    let f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
                    let len = full.len() as u64;
                    for cut in [len / 2, 4096, 0] {
                        f.set_len(cut).unwrap();
                        std::thread::yield_now();
                    }
                    drop(f);
                    std::fs::write(&path, full).unwrap();
                    n += 1;
                }
            }
            n
        })
    };
    let start = Instant::now();
    let mut runs = 0;
    let mut codes = std::collections::BTreeMap::new();
    let mut caught = 0;
    while start.elapsed() < Duration::from_secs(6) {
        let (out, _) = run(&["scan", "--format", "json"], &d, SHORT);
        let code = out.status.code();
        if code.is_none() {
            use std::os::unix::process::ExitStatusExt;
            stop.store(true, Ordering::Relaxed);
            panic!(
                "run {runs} was killed by signal {:?} (7 is SIGBUS)",
                out.status.signal()
            );
        }
        assert!(matches!(code, Some(0 | 2)), "exit {code:?}");
        *codes.entry(code).or_insert(0) += 1;
        // How often the race was actually hit (src/mapguard.rs).
        if String::from_utf8_lossy(&out.stdout).contains("shrank while it was being read") {
            caught += 1;
        }
        runs += 1;
    }
    stop.store(true, Ordering::Relaxed);
    let rewrites = writer.join().unwrap();
    eprintln!(
        "{runs} scans against {rewrites} rewrites: exit codes {codes:?}, {caught} caught a file shrinking mid-parse"
    );
    assert!(runs >= 5, "only {runs} scans ran");
}

/// Unreadable files and folders are findings, not failures. Root reads
/// everything, so the scan runs as `nobody` through setpriv when possible.
#[test]
fn permission_errors_are_findings() {
    use std::os::unix::fs::PermissionsExt;
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0"));
    let setpriv = Command::new("setpriv")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(d.join("config.json"), "{}").unwrap();
    std::fs::write(d.join("model.safetensors"), b"12345678").unwrap();
    std::fs::set_permissions(
        d.join("model.safetensors"),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    std::fs::create_dir(d.join("locked")).unwrap();
    std::fs::write(d.join("locked/secret.py"), "x = 1\n").unwrap();
    std::fs::set_permissions(d.join("locked"), std::fs::Permissions::from_mode(0o000)).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("openness");
    let out = if is_root && setpriv {
        Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(&bin)
            .args(["scan", "--format", "json"])
            .arg(d)
            .output()
            .unwrap()
    } else if !is_root {
        Command::new(&bin)
            .args(["scan", "--format", "json"])
            .arg(d)
            .output()
            .unwrap()
    } else {
        eprintln!("root without setpriv: permission errors cannot be produced; skipped");
        return;
    };
    // Let the tempdir be removed.
    std::fs::set_permissions(d.join("locked"), std::fs::Permissions::from_mode(0o755)).unwrap();
    if out.status.code() == Some(2) && String::from_utf8_lossy(&out.stderr).contains("denied") {
        eprintln!("nobody cannot reach the temp dir here; skipped");
        return;
    }
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        has_finding(&r, "unreadable", "model.safetensors"),
        "{:?}",
        support::findings(&r)
    );
    assert!(
        has_finding(&r, "unreadable", "locked"),
        "{:?}",
        support::findings(&r)
    );
    assert!(paths(&r).contains(&"config.json".to_owned()));
}

/// `.git/` is never entered: a broken weights file, a FIFO and a pickle
/// payload inside it produce nothing, and nothing under it is listed.
#[test]
fn dot_git_is_never_descended() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join(".git/objects")).unwrap();
    std::fs::write(
        d.join(".git/objects/model.safetensors"),
        u64::MAX.to_le_bytes(),
    )
    .unwrap();
    std::fs::write(
        d.join(".git/pytorch_model.bin"),
        b"\x80\x02cos\nsystem\nX\x02\x00\x00\x00id\x85R.",
    )
    .unwrap();
    assert!(
        Command::new("mkfifo")
            .arg(d.join(".git/pipe.safetensors"))
            .status()
            .unwrap()
            .success()
    );
    std::fs::write(d.join("config.json"), "{}").unwrap();
    // A `.git` that is a file (a worktree's gitdir pointer) is just a file.
    std::fs::create_dir(d.join("sub")).unwrap();
    std::fs::write(d.join("sub/.git"), "gitdir: /elsewhere\n").unwrap();
    let (r, _) = scan_json(d, SHORT);
    let listed = paths(&r);
    assert!(listed.iter().all(|p| !p.starts_with(".git/")), "{listed:?}");
    assert!(listed.contains(&"sub/.git".to_owned()), "{listed:?}");
    let codes = support::codes(&r);
    for code in ["corrupt-header", "unsafe-pickle", "pickle-weights"] {
        assert!(
            !codes.contains(&code.to_owned()),
            "{code} from inside .git: {codes:?}"
        );
    }
}
