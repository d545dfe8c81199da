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
        .args(["check", "fixtures/no-datasets", "--min-mof-class", "I"])
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
        .args(["scan", "--format", "markdown", "fixtures/no-datasets"])
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
        .args(["badge", "fixtures/no-datasets", "-o"])
        .arg(&svg)
        .assert()
        .success()
        .stdout("");
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<svg"), "{text}");
    assert!(text.contains("weights"));
    openness()
        .args(["badge", "--kind", "mof", "fixtures/no-datasets"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Class II"));
}
