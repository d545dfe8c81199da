//! The binary as users and CI meet it: exit codes, what goes to stdout and
//! what to stderr, the table, JSON for one and several PATHs, `-o`, colour.

mod support;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use support::fixtures_dir;

fn openness() -> Command {
    support::openness_cmd()
}

#[test]
fn table_shows_components_weights_licence_and_findings() {
    let out = openness()
        .args(["scan", "fixtures/corrupt"])
        .assert()
        .success()
        .stderr("")
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    for needle in [
        "component",
        "code",
        "weights",
        "data",
        "incomplete",
        "licence: MIT (open)",
        "corrupt-header",
        "truncated-file",
        "config-mismatch",
        "safetensors",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
    // Errors are listed before warnings.
    let error_at = text.find("error").unwrap();
    let warning_at = text.find("warning").unwrap();
    assert!(error_at < warning_at);
    assert!(
        !text.contains('\x1b'),
        "no colour when stdout is not a terminal"
    );
}

#[test]
fn table_weights_line_uses_human_units() {
    openness()
        .args(["scan", "fixtures/hf-complete"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "weights: safetensors · 1 file · 21 tensors · 1.83 K parameters",
        ))
        .stdout(predicate::str::contains("MOF: Unclassified"))
        .stdout(predicate::str::contains(
            "Class III not reached (67%): 1 only referenced, 1 absent",
        ));
}

#[test]
fn json_has_every_contract_key() {
    let out = openness()
        .args(["scan", "--format", "json", "fixtures/hf-complete"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let r: Value = serde_json::from_slice(&out).unwrap();
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
        assert!(r.get(key).is_some(), "missing {key}");
    }
    assert_eq!(r["schema_version"], 1);
    assert_eq!(r["tool"]["name"], "openness");
    assert_eq!(r["root"], "fixtures/hf-complete");
    for key in [
        "name",
        "architectures",
        "model_type",
        "base_models",
        "library",
        "pipeline_tag",
    ] {
        assert!(r["release"].get(key).is_some(), "release.{key}");
    }
    for c in ["code", "weights", "data"] {
        for key in ["status", "license", "items"] {
            assert!(r["components"][c].get(key).is_some(), "{c}.{key}");
        }
    }
    for key in [
        "formats",
        "files",
        "tensors",
        "parameters",
        "bytes",
        "dtypes",
    ] {
        assert!(
            r["components"]["weights"].get(key).is_some(),
            "weights.{key}"
        );
    }
    assert!(r["components"]["data"]["datasets"].is_array());
    for key in ["declared", "spdx", "open", "files"] {
        assert!(r["license"].get(key).is_some(), "license.{key}");
    }
    assert!(r["frameworks"]["mof"].get("class").is_some());
    assert_eq!(r["frameworks"]["mof"]["progress"]["III"], 67);
    assert_eq!(
        r["frameworks"]["mof"]["components"]
            .as_array()
            .unwrap()
            .len(),
        17
    );
    assert!(r["frameworks"]["osaid"].get("open_source_ai").is_some());
    let file = &r["files"][0];
    for key in [
        "path",
        "bytes",
        "kind",
        "format",
        "lfs_pointer",
        "symlink",
        "sha256",
    ] {
        assert!(file.get(key).is_some(), "files[].{key}");
    }
}

#[test]
fn several_paths_print_an_array_and_ndjson_one_line_each() {
    let out = openness()
        .args([
            "scan",
            "--format",
            "json",
            "fixtures/sharded",
            "fixtures/adapter",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let all: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(all.as_array().unwrap().len(), 2);
    assert_eq!(all[1]["root"], "fixtures/adapter");

    let out = openness()
        .args([
            "scan",
            "--format",
            "ndjson",
            // Streamed reports come in completion order unless asked.
            "--stable-order",
            "fixtures/sharded",
            "fixtures/adapter",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let lines: Vec<Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["root"], "fixtures/sharded");
}

#[test]
fn missing_path_is_exit_2_with_one_line_on_stderr() {
    openness()
        .args(["scan", "fixtures/no-such-release"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::starts_with(
            "openness: fixtures/no-such-release: ",
        ))
        .stderr(predicate::str::contains("No such file"));
}

#[test]
fn one_bad_path_among_good_ones_still_reports_the_good_ones() {
    let out = openness()
        .args([
            "scan",
            "--format",
            "ndjson",
            "fixtures/sharded",
            "fixtures/nope",
        ])
        .assert()
        .code(2)
        .get_output()
        .stdout
        .clone();
    // The good PATH's report, and the bad one's error entry (issue 25).
    let text = String::from_utf8(out).unwrap();
    let roots: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["root"].clone())
        .collect();
    assert_eq!(roots.len(), 2, "{text}");
    assert!(roots.contains(&Value::from("fixtures/sharded")), "{text}");
}

#[test]
fn usage_errors_are_exit_2() {
    openness().assert().code(2);
    openness().args(["scan"]).assert().code(2);
    openness()
        .args(["scan", "--format", "yaml", "fixtures/sharded"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("yaml"));
}

#[test]
fn output_file_receives_the_report_and_stdout_stays_empty() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.json");
    openness()
        .args(["scan", "--format", "json", "-o"])
        .arg(&file)
        .arg("fixtures/lfs-pointers")
        .assert()
        .success()
        .stdout("");
    let r: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(r["components"]["weights"]["status"], "referenced");
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let coloured = openness()
        .args(["scan", "--color", "always", "fixtures/corrupt"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(coloured.contains(&0x1b));
    let plain = openness()
        .args(["scan", "--color", "never", "fixtures/corrupt"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(!plain.contains(&0x1b));
}

#[test]
fn hash_fills_sha256() {
    let out = openness()
        .args(["scan", "--hash", "--format", "json", "fixtures/empty"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let r: Value = serde_json::from_slice(&out).unwrap();
    // the digest of the fixture's only file, computed independently
    let expected = {
        use sha2::{Digest, Sha256};
        let bytes = std::fs::read(fixtures_dir().join("empty/.gitattributes")).unwrap();
        Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    assert_eq!(r["files"][0]["sha256"], expected);
}

#[test]
fn explain_known_and_unknown_codes() {
    openness()
        .args(["explain", "lfs-pointer"])
        .assert()
        .success()
        .stdout(predicate::str::contains("git lfs pull"));
    openness()
        .args(["explain", "no-such-code"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown finding code"));
}

/// A directory whose path exceeds PATH_MAX cannot be listed, even by root:
/// the scan reports it as `unreadable` and goes on.
#[test]
fn unlistable_directory_is_an_unreadable_finding() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.json"), "{}").unwrap();
    // Built bottom-up with renames, so no single call sees the long path.
    let work = tempfile::tempdir().unwrap();
    let inner = work.path().join("n0");
    std::fs::create_dir(&inner).unwrap();
    std::fs::write(inner.join("deep.py"), "x = 1\n").unwrap();
    for i in 1..=25 {
        let outer = work.path().join(format!("n{i}"));
        std::fs::create_dir(&outer).unwrap();
        let prev = work.path().join(format!("n{}", i - 1));
        std::fs::rename(&prev, outer.join("d".repeat(200))).unwrap();
    }
    std::fs::rename(work.path().join("n25"), dir.path().join("deep")).unwrap();
    let out = openness()
        .args(["scan", "--format", "json"])
        .arg(dir.path())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let r: Value = serde_json::from_slice(&out).unwrap();
    let codes: Vec<&str> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"unreadable"), "{codes:?}");
    assert!(
        r["files"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["path"] == "config.json")
    );
}

#[test]
fn closed_pipe_exits_quietly() {
    use std::process::{Command as Std, Stdio};
    let bin = assert_cmd::cargo::cargo_bin("openness");
    let mut child = Std::new(bin)
        .args(["scan", "--format", "json"])
        .args(std::iter::repeat_n(fixtures_dir().join("interop-hf"), 40))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn manifest_round_trips_through_sha256sum_and_verify() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("manifest.sha256");
    openness()
        .args(["scan", "--hash", "--format", "json", "--manifest-out"])
        .arg(&manifest)
        .arg("fixtures/hf-complete")
        .assert()
        .success();
    let text = std::fs::read_to_string(&manifest).unwrap();
    assert_eq!(text.lines().count(), 14, "{text}");
    assert!(text.lines().any(|l| l.ends_with("  data/train.jsonl")));
    // coreutils accepts it as is, from the release root.
    let check = std::process::Command::new("sha256sum")
        .arg("-c")
        .arg(&manifest)
        .current_dir(fixtures_dir().join("hf-complete"))
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );

    openness()
        .args(["verify", "fixtures/hf-complete", "--manifest"])
        .arg(&manifest)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "14 matched, 0 mismatched, 0 missing, 0 extra",
        ));

    // One digest changed, one line dropped: exit 1, both named.
    let tampered: String = text
        .lines()
        .filter(|l| !l.ends_with("  LICENSE"))
        .map(|l| {
            if l.ends_with("  config.json") {
                format!("{}  config.json\n", "0".repeat(64))
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(&manifest, tampered).unwrap();
    openness()
        .args(["verify", "fixtures/hf-complete", "--manifest"])
        .arg(&manifest)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("MISMATCH config.json"))
        .stdout(predicate::str::contains("EXTRA    LICENSE"));
    openness()
        .args([
            "verify",
            "fixtures/hf-complete",
            "--ignore",
            "LICENSE",
            "--ignore",
            "config.json",
            "--manifest",
        ])
        .arg(&manifest)
        .assert()
        .success();
}

#[test]
fn verify_rejects_a_bad_manifest_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("bad.sha256");
    std::fs::write(&manifest, "not a manifest\n").unwrap();
    openness()
        .args(["verify", "fixtures/empty", "--manifest"])
        .arg(&manifest)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("line 1"));
}

#[test]
fn mof_writes_mot_yaml_that_evaluates_to_the_scan_class() {
    let dir = tempfile::tempdir().unwrap();
    let yml = dir.path().join("model.yml");
    openness()
        .args(["mof", "fixtures/fully-open", "-o"])
        .arg(&yml)
        .assert()
        .success()
        .stdout("");
    let text = std::fs::read_to_string(&yml).unwrap();
    assert!(
        text.contains("name: \"Model parameters (Intermediate)\""),
        "{text}"
    );
    assert!(
        text.contains("component_path: \"checkpoint-100/model.safetensors\""),
        "{text}"
    );
    let out = openness()
        .args(["mof", "--format", "json", "--evaluate"])
        .arg(&yml)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let eval: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(eval["class"], "I");
    assert_eq!(
        eval["progress"],
        serde_json::json!({"I": 100, "II": 100, "III": 100})
    );
    assert_eq!(eval["components"].as_array().unwrap().len(), 17);
}

#[test]
fn mof_evaluate_names_the_bad_field_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let yml = dir.path().join("bad.yml");
    std::fs::write(
        &yml,
        "framework:\n  name: Model Openness Framework\n  version: '1.0'\n  date: '2024-12-15'\nrelease:\n  name: x\n  producer: y\n  license: {}\n  components:\n    - name: Model weights\n",
    )
    .unwrap();
    openness()
        .args(["mof", "--evaluate"])
        .arg(&yml)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("release.components[0].name"));
    openness().args(["mof"]).assert().code(2);
}

#[test]
fn mof_evaluate_reads_the_mot_test_data() {
    openness()
        .args(["mof", "--evaluate"])
        .arg(
            "fixtures/mof/Test_Data/FullTestFile_C1_100%-C2_100%-C3_100%_17C_4G_17L_17V_0I_17T.yml",
        )
        .assert()
        .success()
        .stdout(predicate::str::contains("Class I - Open Science Model"))
        .stdout(predicate::str::contains(
            "progress: Class I 100% · Class II 100% · Class III 100%",
        ));
}

#[test]
fn schema_completions_and_man_page() {
    let out = openness()
        .arg("schema")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let schema: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(schema["title"], "Report");
    openness()
        .args(["completions", "bash"])
        .assert()
        .success()
        .stdout(predicate::str::contains("_openness()"));
    openness()
        .args(["completions", "zsh"])
        .assert()
        .success()
        .stdout(predicate::str::contains("#compdef openness"));
    openness().args(["completions", "tcsh"]).assert().code(2);
    openness()
        .arg("man")
        .assert()
        .success()
        .stdout(predicate::str::contains(".TH openness 1"));
}

/// A copy of a release with one byte flipped, one file removed and one
/// added: verify names all three and exits 1.
#[test]
fn verify_catches_a_flipped_byte_a_missing_and_an_extra_file() {
    let dir = tempfile::tempdir().unwrap();
    let release = dir.path().join("release");
    std::fs::create_dir(&release).unwrap();
    for f in ["README.md", "config.json", "model.safetensors", "LICENSE"] {
        std::fs::copy(
            fixtures_dir().join("license-mismatch").join(f),
            release.join(f),
        )
        .unwrap();
    }
    let manifest = dir.path().join("m.sha256");
    openness()
        .args(["scan", "--hash", "--format", "json", "--manifest-out"])
        .arg(&manifest)
        .arg(&release)
        .assert()
        .success();
    openness()
        .arg("verify")
        .arg(&release)
        .arg("--manifest")
        .arg(&manifest)
        .assert()
        .success();
    let weights = release.join("model.safetensors");
    let mut bytes = std::fs::read(&weights).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x01;
    std::fs::write(&weights, bytes).unwrap();
    std::fs::remove_file(release.join("LICENSE")).unwrap();
    std::fs::write(release.join("extra.txt"), "new").unwrap();
    openness()
        .arg("verify")
        .arg(&release)
        .arg("--manifest")
        .arg(&manifest)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("MISMATCH model.safetensors"))
        .stdout(predicate::str::contains("MISSING  LICENSE"))
        .stdout(predicate::str::contains("EXTRA    extra.txt"));
}

/// Issue 25: with several PATHs, `--format json` is an array with one entry
/// per PATH, in order; a PATH that cannot be read is an entry of its own,
/// `{"root", "error": {"code", "message"}}`, and the exit code is still 2.
#[test]
fn several_paths_json_keeps_an_error_entry_per_unreadable_path() {
    let out = openness()
        .args([
            "scan",
            "--format",
            "json",
            "fixtures/empty",
            "fixtures/no-such-release",
            "fixtures/sharded",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "openness: fixtures/no-such-release: ",
        ))
        .get_output()
        .stdout
        .clone();
    let all: Value = serde_json::from_slice(&out).unwrap();
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[0]["root"], "fixtures/empty");
    assert_eq!(all[0]["schema_version"], 1);
    assert_eq!(all[1]["root"], "fixtures/no-such-release");
    assert_eq!(all[1]["error"]["code"], "not-found");
    assert!(
        all[1]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("No such file"),
        "{}",
        all[1]
    );
    assert_eq!(all[1].as_object().unwrap().len(), 2, "{}", all[1]);
    assert_eq!(all[2]["root"], "fixtures/sharded");

    // Two PATHs that both fail are still an array, not nothing.
    let out = openness()
        .args([
            "scan",
            "--format",
            "json",
            "fixtures/nope-1",
            "fixtures/nope-2",
        ])
        .assert()
        .code(2)
        .get_output()
        .stdout
        .clone();
    let all: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(all.as_array().unwrap().len(), 2);

    // One PATH keeps the contract's shape: one object, the error entry here.
    let out = openness()
        .args(["scan", "--format", "json", "fixtures/no-such-release"])
        .assert()
        .code(2)
        .get_output()
        .stdout
        .clone();
    let one: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(one["error"]["code"], "not-found");
    assert_eq!(one["root"], "fixtures/no-such-release");
}

#[test]
fn ndjson_gives_an_unreadable_path_a_line_of_its_own() {
    for command in ["scan", "check"] {
        let out = openness()
            .args([
                command,
                "--format",
                "ndjson",
                "--stable-order",
                "fixtures/empty",
                "fixtures/no-such-release",
            ])
            .assert()
            .code(2)
            .get_output()
            .stdout
            .clone();
        let lines: Vec<Value> = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2, "{command}");
        assert_eq!(lines[0]["root"], "fixtures/empty", "{command}");
        assert_eq!(lines[1]["root"], "fixtures/no-such-release", "{command}");
        assert_eq!(lines[1]["error"]["code"], "not-found", "{command}");
    }
}

#[test]
fn check_json_keeps_an_error_entry_too() {
    let out = openness()
        .args([
            "check",
            "--format",
            "json",
            "fixtures/empty",
            "fixtures/no-such-release",
        ])
        .assert()
        .code(2)
        .get_output()
        .stdout
        .clone();
    let all: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(all[0]["root"], "fixtures/empty");
    assert!(all[0]["violations"].is_array());
    assert_eq!(all[1]["error"]["code"], "not-found");
}

/// Every subcommand renders each `--format` it accepts or refuses it: exit
/// 2, one line on stderr naming the formats it has, nothing on stdout.
#[test]
fn unsupported_formats_are_refused_with_one_line() {
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "diff",
                "fixtures/empty",
                "fixtures/sharded",
                "--format",
                "sarif",
            ],
            "diff has no sarif output; use table, json, ndjson or markdown",
        ),
        (
            &[
                "verify",
                "fixtures/empty",
                "--manifest",
                "m.sha256",
                "--format",
                "markdown",
            ],
            "verify has no markdown output; use table, json or ndjson",
        ),
        (
            &[
                "verify",
                "fixtures/empty",
                "--manifest",
                "m.sha256",
                "--format",
                "sarif",
            ],
            "verify has no sarif output; use table, json or ndjson",
        ),
        (
            &["mof", "--evaluate", "x.yml", "--format", "markdown"],
            "mof --evaluate has no markdown output; use table, json or ndjson",
        ),
        (
            &["mof", "--evaluate", "x.yml", "--format", "sarif"],
            "mof --evaluate has no sarif output; use table, json or ndjson",
        ),
        (
            &["mof", "fixtures/empty", "--format", "json"],
            "mof PATH writes MOT YAML and takes no --format",
        ),
    ];
    for (args, reason) in cases {
        let out = openness()
            .args(*args)
            .assert()
            .code(2)
            .stdout("")
            .get_output()
            .clone();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(
            stderr.starts_with(&format!("openness: {reason}")),
            "{args:?}: {stderr}"
        );
    }
}

/// What those subcommands accept they render: NDJSON is the JSON object on
/// one line, and `diff` has a Markdown list.
#[test]
fn diff_verify_and_mof_render_every_format_they_accept() {
    let one_line = |args: &[&str], code: i32| {
        let out = openness()
            .args(args)
            .assert()
            .code(code)
            .get_output()
            .stdout
            .clone();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), 1, "{args:?}: {text}");
        serde_json::from_str::<Value>(&text).unwrap()
    };
    let d = one_line(
        &[
            "diff",
            "fixtures/empty",
            "fixtures/sharded",
            "--format",
            "ndjson",
        ],
        0,
    );
    assert_eq!(d["regression"], false);
    assert!(!d["changes"].as_array().unwrap().is_empty());
    let e = one_line(
        &[
            "mof",
            "--evaluate",
            "fixtures/mof/Test_Data/FullTestFile_C1_100%-C2_100%-C3_100%_17C_4G_17L_17V_0I_17T.yml",
            "--format",
            "ndjson",
        ],
        0,
    );
    assert_eq!(e["class"], "I");

    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("m.sha256");
    openness()
        .args(["scan", "--hash", "--format", "json", "--manifest-out"])
        .arg(&manifest)
        .arg("fixtures/empty")
        .assert()
        .success();
    let manifest = manifest.to_str().unwrap();
    let v = one_line(
        &[
            "verify",
            "fixtures/empty",
            "--manifest",
            manifest,
            "--format",
            "ndjson",
        ],
        0,
    );
    assert_eq!(v["matched"].as_array().unwrap().len(), 1, "{v}");

    openness()
        .args([
            "diff",
            "fixtures/empty",
            "fixtures/sharded",
            "--format",
            "markdown",
        ])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("### openness diff\n\n- `"))
        .stdout(predicate::str::contains(
            "`+` component-status: weights absent → shipped",
        ));
}

#[test]
fn explain_without_a_code_lists_every_code() {
    let out = openness()
        .arg("explain")
        .assert()
        .success()
        .stderr("")
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    for code in openness::finding::Code::ALL {
        let line = text
            .lines()
            .find(|l| l.split_whitespace().next() == Some(code.as_str()))
            .unwrap_or_else(|| panic!("{code} not listed in\n{text}"));
        assert!(line.contains(code.description()), "{line}");
        assert!(
            line.contains(&code.default_severity().to_string()),
            "{line}"
        );
    }
}

#[test]
fn explain_suggests_the_nearest_code() {
    openness()
        .args(["explain", "pickel-weights"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            "openness: unknown finding code `pickel-weights`; did you mean `pickle-weights`?\n",
        );
    // The same hint for --deny and a policy file's codes.
    openness()
        .args(["check", "--deny", "lfs-pointers", "fixtures/empty"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `lfs-pointer`?"));
}

#[test]
fn policy_file_keys_and_codes_get_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.toml");
    std::fs::write(
        &policy,
        "min-mof-clas = \"II\"\n[findings]\ndeny = [\"lfs-pionter\"]\n",
    )
    .unwrap();
    openness()
        .args(["check", "fixtures/empty", "--policy"])
        .arg(&policy)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "line 1, column 1: unknown key `min-mof-clas`",
        ))
        .stderr(predicate::str::contains("did you mean `min-mof-class`?"))
        .stderr(predicate::str::contains(
            "unknown finding code `lfs-pionter`; did you mean `lfs-pointer`?",
        ));
}

/// Progress is drawn only on a terminal: with stderr captured (as here, and
/// in CI logs), `--discover` and several PATHs write nothing to stderr.
#[test]
fn progress_is_silent_when_stderr_is_not_a_terminal() {
    for args in [
        &["scan", "--discover", "fixtures/hf-cache"][..],
        &[
            "scan",
            "fixtures/empty",
            "fixtures/sharded",
            "fixtures/adapter",
        ][..],
        &[
            "scan",
            "--format",
            "ndjson",
            "--discover",
            "fixtures/licence-cases",
        ][..],
        &["scan", "--hash", "fixtures/empty", "fixtures/sharded"][..],
    ] {
        openness()
            .args(args)
            .env("TERM", "xterm")
            .assert()
            .success()
            .stderr("");
    }
}

/// The evidence rules (`loader-call`, `hub-model-link`, ...) stay in the JSON report's
/// `detail`; the table and Markdown name the place and what it points to.
#[test]
fn evidence_rule_names_are_left_to_json() {
    for format in ["table", "markdown"] {
        for fixture in [
            "fixtures/weights-by-reference",
            "fixtures/data-by-reference",
        ] {
            for verbose in [false, true] {
                let mut cmd = openness();
                cmd.args(["scan", "--format", format, fixture]);
                if verbose {
                    cmd.arg("--verbose");
                }
                let out = cmd.assert().success().get_output().stdout.clone();
                let text = String::from_utf8(out).unwrap();
                assert!(!text.contains("(rule "), "{format} {fixture}\n{text}");
            }
        }
    }
    let out = openness()
        .args(["scan", "--format", "json", "fixtures/weights-by-reference"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(
        String::from_utf8(out)
            .unwrap()
            .contains("(rule loader-call)")
    );
}
