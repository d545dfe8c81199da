//! The README documents every finding code with its default severity and its
//! one-line description, and shows the tool's output in its Quick start;
//! this keeps them from drifting apart.

mod support;

use openness::finding::Code;

#[test]
fn readme_lists_every_finding_code() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for code in Code::ALL {
        let row = format!(
            "| `{}` | {} | {} |",
            code.as_str(),
            code.default_severity(),
            code.description()
        );
        assert!(readme.contains(&row), "README.md lacks the row:\n{row}");
    }
}

/// `schema/report.schema.json` is generated from the report types; it must
/// not drift from them (regenerate with `openness schema > schema/report.schema.json`).
#[test]
fn checked_in_schema_matches_the_types() {
    let checked_in = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/schema/report.schema.json"
    ))
    .unwrap();
    assert!(
        checked_in == openness::report::json_schema(),
        "schema/report.schema.json is stale: run `openness schema > schema/report.schema.json`"
    );
    let schema: serde_json::Value = serde_json::from_str(&checked_in).unwrap();
    let required: Vec<&str> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
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
        assert!(required.contains(&key), "{key}");
    }
}

/// Reports of several fixtures validate against the checked-in schema.
#[test]
fn reports_validate_against_the_schema() {
    let schema: serde_json::Value = serde_json::from_str(&openness::report::json_schema()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    for name in [
        "hf-complete",
        "corrupt",
        "lfs-pointers",
        "interop-gguf/llama-q8",
        "fully-open",
        "signed",
    ] {
        let options = openness::ScanOptions {
            hash: name == "signed",
            ..Default::default()
        };
        let report = openness::scan(&fixtures.join(name), name, &options).unwrap();
        let value = serde_json::to_value(report).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
}

/// The worked policy in the README is a valid policy, and the pre-commit
/// hook definition is valid YAML naming the check command.
#[test]
fn readme_policy_and_pre_commit_hook_are_valid() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find("A worked policy")
        .expect("worked policy section");
    let block = &readme[start..];
    let toml_start = block.find("```toml\n").unwrap() + "```toml\n".len();
    let toml_end = block[toml_start..].find("```").unwrap();
    let policy = openness::policy::parse(&block[toml_start..toml_start + toml_end]).unwrap();
    assert_eq!(policy.min_mof_class, Some(2));
    assert!(policy.require_open_license);

    let hooks = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/.pre-commit-hooks.yaml"
    ))
    .unwrap();
    #[derive(serde::Deserialize)]
    struct Hook {
        id: String,
        entry: String,
        language: String,
    }
    let parsed: Vec<Hook> = serde_saphyr::from_str(&hooks).unwrap();
    assert_eq!(parsed[0].id, "openness-check");
    assert!(parsed[0].entry.starts_with("openness check"));
    assert_eq!(parsed[0].language, "python");
}

/// No document carries the markers of an unresolved merge: one once sat in
/// the README's flags paragraph, both sides of the conflict printed.
#[test]
fn no_document_holds_merge_markers() {
    let root = env!("CARGO_MANIFEST_DIR");
    for doc in [
        "README.md",
        "SECURITY.md",
        "BENCHMARKS.md",
        "fuzz/README.md",
    ] {
        let text = std::fs::read_to_string(format!("{root}/{doc}")).unwrap();
        for (n, line) in text.lines().enumerate() {
            assert!(
                !(line.starts_with("<<<<<<< ")
                    || line.starts_with(">>>>>>> ")
                    || line == "======="),
                "{doc}:{}: merge marker {line:?}",
                n + 1
            );
        }
    }
}

const QUICK_START_BEGIN: &str = "<!-- quick-start:";
const QUICK_START_END: &str = "<!-- /quick-start -->";

/// The Quick start's example is the tool's own output: the fenced block
/// between the `quick-start` markers starts with `$ openness ARGS`; the
/// test runs those arguments (from the repository root, not on a terminal:
/// 100 columns, no colour) and compares. `UPDATE_README=1 cargo test
/// --test docs` writes the current output into the README instead.
#[test]
fn readme_quick_start_is_the_tools_output() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(path).unwrap();
    let begin = readme.find(QUICK_START_BEGIN).expect("quick-start marker");
    let fence = begin + readme[begin..].find("\n```\n").expect("fenced block") + "\n```\n".len();
    let end = fence
        + readme[fence..]
            .find(&format!("```\n{QUICK_START_END}"))
            .expect("end of the quick-start block");
    let shown = &readme[fence..end];
    let (command, _) = shown.split_once('\n').expect("a command line");
    let args: Vec<&str> = command
        .strip_prefix("$ openness ")
        .expect("the block starts with `$ openness `")
        .split_whitespace()
        .collect();
    let out = support::openness_cmd()
        .args(&args)
        .env_remove("TERM")
        .output()
        .unwrap();
    assert!(out.status.success(), "{command}: {:?}", out.status);
    let actual = format!("{command}\n{}", String::from_utf8(out.stdout).unwrap());
    if std::env::var_os("UPDATE_README").is_some_and(|v| v == "1") {
        let updated = format!("{}{actual}{}", &readme[..fence], &readme[end..]);
        std::fs::write(path, updated).unwrap();
        return;
    }
    assert!(
        shown == actual,
        "README.md's Quick start has drifted from the tool (UPDATE_README=1 cargo test --test docs rewrites it):\n--- README\n{shown}--- tool\n{actual}"
    );
}
