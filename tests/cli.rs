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
    assert_eq!(String::from_utf8(out).unwrap().lines().count(), 1);
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
