//! `openness check`, the output formats for CI, `--discover`, `diff` and
//! `badge`, as a pipeline meets them: exit codes, stdout, stderr.

mod support;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use support::fixtures_dir;

fn openness() -> Command {
    support::openness_cmd()
}

#[test]
fn check_without_policy_fails_on_error_findings_only() {
    openness()
        .args(["check", "fixtures/corrupt"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "policy violations for fixtures/corrupt (5):",
        ))
        .stdout(predicate::str::contains("fix: "));
    // Warnings and infos alone do not fail.
    openness()
        .args(["check", "fixtures/card-only"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "policy holds for fixtures/card-only",
        ));
}

#[test]
fn check_policy_flags() {
    openness()
        .args([
            "check",
            "fixtures/fully-open",
            "--require",
            "code,weights,data",
            "--min-mof-class",
            "I",
            "--require-open-license",
        ])
        .assert()
        .success();
    openness()
        .args(["check", "fixtures/card-only", "--require-open-license"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("require-open-license"));
    openness()
        .args([
            "check",
            "fixtures/datasheet-no-datasets",
            "--min-mof-class",
            "I",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("Datasets"));
    openness()
        .args(["check", "fixtures/dataset-only", "--require", "weights"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("require weights"));
    // --warn turns the errors into warnings; --allow drops them.
    openness()
        .args(["check", "fixtures/lfs-pointers", "--warn", "lfs-pointer"])
        .assert()
        .success();
    openness()
        .args([
            "check",
            "fixtures/custom-pickle",
            "--deny",
            "pickle-suspicious-import",
        ])
        .assert()
        .code(1);
    openness()
        .args([
            "check",
            "fixtures/corrupt",
            "--allow",
            "corrupt-header",
            "--allow",
            "truncated-file",
            "--format",
            "json",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("corrupt-header").not());
}

#[test]
fn check_usage_errors_are_exit_2() {
    openness().args(["check"]).assert().code(2);
    openness()
        .args(["check", "fixtures/corrupt", "--deny", "no-such-code"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no-such-code"));
    openness()
        .args(["check", "fixtures/corrupt", "--min-mof-class", "IV"])
        .assert()
        .code(2);
    openness()
        .args([
            "check",
            "fixtures/corrupt",
            "--deny",
            "lfs-pointer",
            "--allow",
            "lfs-pointer",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("lfs-pointer"));
    openness()
        .args(["check", "fixtures/no-such-release"])
        .assert()
        .code(2);
}

#[test]
fn bad_policy_file_lists_every_problem_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("policy.toml");
    std::fs::write(
        &file,
        "require = [\"code\"]\nfail-fast = true\n[findings]\ndeny = [\"lfs-pointr\"]\n",
    )
    .unwrap();
    openness()
        .args(["check", "fixtures/hf-complete", "--policy"])
        .arg(&file)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("line 2"))
        .stderr(predicate::str::contains("fail-fast"))
        .stderr(predicate::str::contains("line 4"))
        .stderr(predicate::str::contains("lfs-pointer"));
}

#[test]
fn policy_file_and_openness_toml_at_the_root() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("policy.toml");
    std::fs::write(&file, "require = [\"data\"]\n").unwrap();
    openness()
        .args(["check", "fixtures/sharded", "--policy"])
        .arg(&file)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("require data"));
    // openness.toml at the release root is its policy.
    let release = tempfile::tempdir().unwrap();
    for f in ["README.md", "config.json", "model.safetensors"] {
        std::fs::copy(
            fixtures_dir().join("license-mismatch").join(f),
            release.path().join(f),
        )
        .unwrap();
    }
    openness()
        .arg("check")
        .arg(release.path())
        .assert()
        .success();
    std::fs::write(
        release.path().join("openness.toml"),
        "require = [\"code\"]\n",
    )
    .unwrap();
    openness()
        .arg("check")
        .arg(release.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("require code"));
    std::fs::write(release.path().join("openness.toml"), "nonsense = 1\n").unwrap();
    openness().arg("check").arg(release.path()).assert().code(2);
}

/// A policy file in a fresh temporary folder (kept alive by the guard).
fn policy_file(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("policy.toml");
    std::fs::write(&file, text).unwrap();
    (dir, file)
}

#[test]
fn a_path_exception_with_a_reason_accepts_one_file_only() {
    // Both LFS pointers fail the default policy.
    openness()
        .args(["check", "fixtures/lfs-pointers"])
        .assert()
        .code(1);
    // Accepting the PyTorch copy leaves the safetensors pointer failing.
    let (_dir, file) = policy_file(
        "[[findings.accept]]\n\
         code = \"lfs-pointer\"\n\
         paths = [\"*.bin\"]\n\
         reason = \"upstream's PyTorch copy; we ship safetensors\"\n",
    );
    openness()
        .args(["check", "fixtures/lfs-pointers", "--policy"])
        .arg(&file)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "policy violations for fixtures/lfs-pointers (1):\n  ✗ finding lfs-pointer [model.safetensors]",
        ))
        .stdout(predicate::str::contains(
            "accepted by the policy (1):\n  ✓ lfs-pointer [pytorch_model.bin] allowed by `*.bin`: \
             upstream's PyTorch copy; we ship safetensors\n",
        ))
        .stdout(predicate::str::contains("policy notices").not());
    // Accepting both files (one glob each) turns the check to exit 0, and
    // JSON lists both with the reason.
    let (_dir, file) = policy_file(
        "[[findings.accept]]\n\
         code = \"lfs-pointer\"\n\
         paths = [\"*.bin\", \"model.safetensors\"]\n\
         reason = \"pointers until the LFS quota is raised\"\n",
    );
    let out = openness()
        .args([
            "check",
            "--format",
            "json",
            "fixtures/lfs-pointers",
            "--policy",
        ])
        .arg(&file)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let r: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(r["violations"], serde_json::json!([]));
    assert_eq!(r["notices"], serde_json::json!([]));
    let accepted: Vec<(&str, &str, &str, &str)> = r["accepted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["path"].as_str().unwrap(),
                a["glob"].as_str().unwrap(),
                a["level"].as_str().unwrap(),
                a["reason"].as_str().unwrap(),
            )
        })
        .collect();
    let reason = "pointers until the LFS quota is raised";
    assert_eq!(
        accepted,
        [
            ("model.safetensors", "model.safetensors", "allow", reason),
            ("pytorch_model.bin", "*.bin", "allow", reason),
        ]
    );
    assert!(
        r["accepted"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["code"] == "lfs-pointer")
    );
    // The accepted findings left the report the policy sees.
    assert!(
        !r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "lfs-pointer")
    );
    // Markdown lists them for a PR comment.
    openness()
        .args([
            "check",
            "--format",
            "markdown",
            "fixtures/lfs-pointers",
            "--policy",
        ])
        .arg(&file)
        .assert()
        .success()
        .stdout(predicate::str::contains("#### Accepted by the policy (2)"))
        .stdout(predicate::str::contains(
            "- **lfs-pointer** \\[pytorch\\_model.bin\\] allowed by \\*.bin: pointers until",
        ));
}

#[test]
fn an_exception_that_matches_nothing_warns_without_failing() {
    let (_dir, file) = policy_file(
        "# stale\n\
         [[findings.accept]]\n\
         code = \"unsafe-pickle\"\n\
         paths = [\"legacy/*.pkl\"]\n\
         reason = \"removed in v2\"\n",
    );
    openness()
        .args(["check", "fixtures/hf-complete", "--policy"])
        .arg(&file)
        .env("GITHUB_ACTIONS", "true")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "policy holds for fixtures/hf-complete",
        ))
        .stdout(predicate::str::contains(
            "policy notices (1):\n  ! policy-unused-exception (warning): \
             `[[findings.accept]]` at line 2: `legacy/*.pkl` matched no `unsafe-pickle` finding\n",
        ))
        .stderr(predicate::str::contains(
            "::warning title=policy-unused-exception::`[[findings.accept]]` at line 2:",
        ));
    let out = openness()
        .args([
            "check",
            "--format",
            "json",
            "fixtures/hf-complete",
            "--policy",
        ])
        .arg(&file)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let r: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(r["notices"].as_array().unwrap().len(), 1);
    assert_eq!(r["notices"][0]["code"], "policy-unused-exception");
    assert_eq!(r["notices"][0]["severity"], "warning");
    assert_eq!(r["notices"][0]["path"], Value::Null);
    assert_eq!(r["accepted"], serde_json::json!([]));
    // The notice is not a scan finding.
    assert!(
        !r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "policy-unused-exception")
    );
    // Denied, it fails the check.
    openness()
        .args([
            "check",
            "fixtures/hf-complete",
            "--deny",
            "policy-unused-exception",
            "--policy",
        ])
        .arg(&file)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "✗ finding policy-unused-exception: error: ",
        ));
    openness()
        .args(["explain", "policy-unused-exception"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "policy-unused-exception (warning by default)",
        ));
}

#[test]
fn a_path_exception_without_a_reason_is_a_bad_policy() {
    let (_dir, file) = policy_file(
        "require = [\"code\"]\n\
         [[findings.accept]]\n\
         code = \"lfs-pointer\"\n\
         paths = [\"*.bin\"]\n\
         [[findings.accept]]\n\
         code = \"lfs-pointer\"\n\
         paths = [\"model.safetensors\"]\n\
         reason = \"\"\n",
    );
    openness()
        .args(["check", "fixtures/lfs-pointers", "--policy"])
        .arg(&file)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "line 2, column 1: `[[findings.accept]]` lacks `reason`",
        ))
        .stderr(predicate::str::contains(
            "line 8, column 10: `reason` is empty",
        ))
        .stderr(predicate::str::contains("invalid policy (2 problems)"));
}

#[test]
fn check_init_prints_a_template_that_is_the_default_policy() {
    let out = openness()
        .args(["check", "--init"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("# require = []"), "{text}");
    let parsed = openness::policy::parse(&text).unwrap();
    assert_eq!(parsed, openness::policy::Policy::default());
}

#[test]
fn check_json_carries_the_violations_and_github_gets_annotations() {
    let out = openness()
        .args(["check", "--format", "json", "fixtures/lfs-pointers"])
        .env("GITHUB_ACTIONS", "true")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "::error file=fixtures/lfs-pointers/model.safetensors,title=finding lfs-pointer::",
        ))
        .get_output()
        .stdout
        .clone();
    let r: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(r["violations"].as_array().unwrap().len(), 2);
    assert_eq!(r["violations"][0]["rule"], "finding lfs-pointer");
    // Outside Actions: no annotations.
    openness()
        .args(["check", "--format", "json", "fixtures/lfs-pointers"])
        .assert()
        .code(1)
        .stderr("");
}

#[test]
fn markdown_sarif_and_ndjson_formats() {
    openness()
        .args([
            "scan",
            "--format",
            "markdown",
            "fixtures/datasheet-no-datasets",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("| code |").or(predicate::str::contains("code")))
        .stdout(predicate::str::contains("Class II"));
    let out = openness()
        .args([
            "scan",
            "--format",
            "sarif",
            "fixtures/corrupt",
            "fixtures/lfs-pointers",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let sarif: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"].as_array().unwrap().len(), 2);
    openness()
        .args(["check", "--format", "markdown", "fixtures/corrupt"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("### Policy violations"));
}

#[test]
fn discover_finds_every_release_and_prints_one_summary() {
    let dir = tempfile::tempdir().unwrap();
    support::multi::discover_tree(dir.path()).unwrap();
    let out = openness()
        .args(["scan", "--discover", "--format", "ndjson"])
        .arg(dir.path())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(String::from_utf8(out).unwrap().lines().count(), 5);
    openness()
        .args(["scan", "--discover"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("plain/one"))
        .stdout(predicate::str::contains("5 releases"));
    openness()
        .args(["check", "--discover", "--require", "code"])
        .arg(dir.path())
        .assert()
        .code(1);
}

#[test]
fn diff_reports_changes_and_fails_on_regression_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (dir.path().join("old"), dir.path().join("new"));
    support::multi::diff_pair(&old, &new).unwrap();
    openness()
        .arg("diff")
        .args([&old, &new])
        .assert()
        .success()
        .stdout(predicate::str::contains("REGRESSION"));
    openness()
        .args(["diff", "--fail-on-regression"])
        .args([&old, &new])
        .assert()
        .code(1);
    openness()
        .args(["diff", "--fail-on-regression"])
        .args([&new, &old])
        .assert()
        .success();
    // Saved JSON reports work as well as folders.
    let report = dir.path().join("old.json");
    openness()
        .args(["scan", "--format", "json", "-o"])
        .arg(&report)
        .arg(&old)
        .assert()
        .success();
    let out = openness()
        .args(["diff", "--format", "json"])
        .arg(&report)
        .arg(&old)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let d: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(d["changes"].as_array().unwrap().len(), 0);
    let junk = dir.path().join("junk.json");
    std::fs::write(&junk, "{\"a\": 1}").unwrap();
    openness().arg("diff").arg(&junk).arg(&old).assert().code(2);
}

#[test]
fn badge_writes_an_svg() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("openness.svg");
    openness()
        .args(["badge", "fixtures/datasheet-no-datasets", "-o"])
        .arg(&svg)
        .assert()
        .success()
        .stdout("");
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<svg"), "{text}");
    assert!(text.contains("weights"));
    openness()
        .args(["badge", "--kind", "mof", "fixtures/datasheet-no-datasets"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Class II"));
}
