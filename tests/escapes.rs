//! No character below U+0020, none of U+007F-U+009F and no Unicode bidi
//! control from a release reaches the table or the Markdown report as
//! itself: each is fed through a model card (`base_model`), a file name
//! and a config.json value, and the output must show it escaped.

use std::path::Path;
use std::process::Command;

/// The characters that must never be written raw: C0 (NUL aside for file
/// names), DEL, C1, and the bidi controls (ALM, LRM, RLM, the embeddings
/// and overrides, the isolates).
fn hostile_chars() -> Vec<char> {
    (0x01..0x20u32)
        .chain(0x7f..0xa0)
        .chain([
            0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068,
            0x2069,
        ])
        .filter_map(char::from_u32)
        .collect()
}

fn release(dir: &Path) {
    let chars = hostile_chars();
    let payload: String = chars.iter().collect();
    let json_payload: String = chars
        .iter()
        .map(|c| format!("\\u{:04x}", *c as u32))
        .collect();
    std::fs::write(
        dir.join("config.json"),
        format!(
            r#"{{"architectures": ["Arch{json_payload}End"], "model_type": "m{json_payload}"}}"#
        ),
    )
    .expect("config");
    let yaml_payload: String = chars
        .iter()
        .map(|c| format!("\\u{:04x}", *c as u32))
        .collect();
    std::fs::write(
        dir.join("README.md"),
        format!("---\nbase_model: \"Base{yaml_payload}End\"\nlicense: mit\n---\n# card\n"),
    )
    .expect("card");
    // A file name holding every one of them ('/' is not among them).
    std::fs::write(dir.join(format!("w{payload}.safetensors")), b"garbage!").expect("name");
}

#[test]
fn controls_and_bidi_never_reach_table_or_markdown() {
    let tmp = tempfile::tempdir().expect("tempdir");
    release(tmp.path());
    let bin = assert_cmd::cargo::cargo_bin("openness");
    let json = Command::new(&bin)
        .args(["scan", "--format", "json"])
        .arg(tmp.path())
        .output()
        .expect("run");
    let json = String::from_utf8_lossy(&json.stdout);
    // The three routes are live: each value made it into the report.
    for needle in ["Arch\\u0001", "Base\\u0001", "w\\u0001", "\u{202e}"] {
        assert!(json.contains(needle), "{needle} not in the JSON report");
    }
    for format in ["table", "markdown"] {
        let out = Command::new(&bin)
            .args(["scan", "--format", format])
            .arg(tmp.path())
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(0), "{format}");
        let text = String::from_utf8(out.stdout).expect("utf-8 output");
        for c in hostile_chars() {
            let raw = if c == '\n' {
                // The renderers' own line breaks are fine; a newline from
                // the release would follow its neighbour, the tab, escaped.
                text.contains("\\t\n")
            } else {
                text.contains(c)
            };
            assert!(!raw, "{format}: U+{:04X} written raw", c as u32);
        }
        for route in ["Arch", "Base", "w\\"] {
            assert!(
                text.contains(route),
                "{format}: {route} missing from\n{text}"
            );
        }
    }
}
