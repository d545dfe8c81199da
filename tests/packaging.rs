//! The GitHub Action and the Python packaging (README, "Install" and "In
//! CI"): `action.yml` is valid action metadata, the README's workflow
//! example passes only inputs the action declares, and `pyproject.toml`
//! builds the binary with maturin at Cargo.toml's version.
//! `scripts/ci-packaging.sh` builds and installs the wheel, runs actionlint
//! and the pre-commit hook; these are the checks that need no network.
//!
//! `tests/data/github-action.json` is SchemaStore's action metadata schema
//! (`$id` https://json.schemastore.org/github-action.json, Apache-2.0), copied
//! unchanged from the `check-jsonschema` 0.39.0 package on PyPI
//! (`check_jsonschema/builtin_schemas/vendor/github-actions.json`, sha256
//! 224326cc5a334bdb97b56b6fc320cd4381ba7d61b477b425ed506e6a420b52ba).

use serde_json::Value;
use std::path::Path;

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn action() -> Value {
    serde_saphyr::from_str(&read("action.yml")).expect("action.yml is YAML")
}

/// The README's GitHub Actions workflow: the fenced block after the marker
/// that `scripts/ci-packaging.sh` also extracts for actionlint.
fn readme_workflow() -> Value {
    let readme = read("README.md");
    let marker = "<!-- workflow-example: github-actions -->";
    let start = readme.find(marker).expect("README workflow marker");
    let block = &readme[start..];
    let open = block
        .find("```yaml\n")
        .expect("a yaml block after the marker")
        + "```yaml\n".len();
    let close = block[open..].find("```").unwrap();
    serde_saphyr::from_str(&block[open..open + close]).expect("the example is YAML")
}

#[test]
fn action_yml_validates_against_the_action_metadata_schema() {
    let schema: Value = serde_json::from_str(&read("tests/data/github-action.json")).unwrap();
    assert_eq!(
        schema["$id"], "https://json.schemastore.org/github-action.json",
        "tests/data/github-action.json is not SchemaStore's action schema"
    );
    let validator = jsonschema::draft7::options()
        .build(&schema)
        .expect("the action schema compiles");
    let action = action();
    let errors: Vec<String> = validator
        .iter_errors(&action)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "action.yml: {errors:#?}");
    assert_eq!(action["runs"]["using"], "composite");
    // The schema accepts any shape of step; these are the issue's promises.
    for input in [
        "path", "policy", "args", "format", "sarif", "version", "wheel",
    ] {
        assert!(action["inputs"][input].is_object(), "input {input}");
    }
    let steps = action["runs"]["steps"].as_array().unwrap();
    let runs: String = steps
        .iter()
        .filter_map(|s| s["run"].as_str())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(runs.contains("pip install"), "installs with pip");
    assert!(
        runs.contains("GITHUB_STEP_SUMMARY"),
        "writes the job summary"
    );
    assert!(
        steps.iter().any(|s| s["uses"]
            .as_str()
            .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif@"))),
        "uploads SARIF"
    );
    let last = steps.last().unwrap()["run"].as_str().unwrap();
    assert!(
        last.contains("exit"),
        "the last step ends with check's code"
    );
}

#[test]
fn readme_workflow_uses_the_action_with_declared_inputs() {
    let action = action();
    let inputs = action["inputs"].as_object().unwrap();
    let workflow = readme_workflow();
    let steps: Vec<&Value> = workflow["jobs"]
        .as_object()
        .expect("jobs")
        .values()
        .flat_map(|job| job["steps"].as_array().unwrap())
        .collect();
    let ours: Vec<&&Value> = steps
        .iter()
        .filter(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("OWNER/openness@"))
        })
        .collect();
    assert_eq!(ours.len(), 1, "the example uses the action once");
    for key in ours[0]["with"].as_object().expect("with:").keys() {
        assert!(
            inputs.contains_key(key),
            "the README passes undeclared input {key}"
        );
    }
}

#[test]
fn pyproject_builds_the_binary_at_the_cargo_version() {
    let pyproject = read("pyproject.toml");
    for line in [
        "build-backend = \"maturin\"",
        "bindings = \"bin\"",
        "dynamic = [\"version\"]",
        "name = \"openness\"",
        "requires-python = ",
        "license = \"MIT OR Apache-2.0\"",
    ] {
        assert!(pyproject.contains(line), "pyproject.toml lacks {line}");
    }
    // No version of its own: maturin takes Cargo.toml's.
    assert!(
        !pyproject.lines().any(|l| l.starts_with("version")),
        "pyproject.toml must not pin a version"
    );
    let cargo = read("Cargo.toml");
    assert!(cargo.contains("license = \"MIT OR Apache-2.0\""));
}
