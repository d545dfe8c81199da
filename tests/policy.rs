//! The policy engine behind `openness check`: parsing policy files (every
//! problem at its line, in one pass), the template of defaults, layering CLI
//! flags over a file, and applying a policy to the reports of real fixtures.
//! Policy files live in `tests/data/policies/`.

use openness::finding::{Code, Severity};
use openness::policy::{self, Level, Part, Policy, PolicyError, Violation};
use openness::report::Report;
use std::collections::BTreeSet;
use std::path::Path;

fn policy_text(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/policies")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn load(name: &str) -> Policy {
    policy::parse(&policy_text(name)).unwrap_or_else(|errors| {
        let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
        panic!("{name} does not parse:\n{}", shown.join("\n"))
    })
}

fn errors(name: &str) -> Vec<PolicyError> {
    match policy::parse(&policy_text(name)) {
        Ok(p) => panic!("{name} parsed to {p:?}; expected errors"),
        Err(errors) => errors,
    }
}

fn scan(name: &str) -> Report {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name);
    openness::scan(
        &path,
        &format!("fixtures/{name}"),
        &openness::ScanOptions::default(),
    )
    .unwrap_or_else(|e| panic!("scan of {name} failed: {e}"))
}

fn rules(violations: &[Violation]) -> Vec<String> {
    violations.iter().map(|v| v.rule.clone()).collect()
}

fn count(report: &Report, code: Code) -> usize {
    report.findings.iter().filter(|f| f.code == code).count()
}

#[test]
fn worked_example_parses() {
    let p = load("example.toml");
    assert_eq!(p.require, BTreeSet::from([Part::Code, Part::Weights]));
    assert_eq!(p.min_mof_class, Some(2));
    assert!(p.require_open_license);
    assert_eq!(p.fail_on, Severity::Error);
    assert_eq!(
        p.levels.into_iter().collect::<Vec<_>>(),
        vec![
            (Code::PickleWeights, Level::Deny),
            (Code::RemoteCode, Level::Allow),
            (Code::LicenseMissing, Level::Warn),
        ]
    );
}

#[test]
fn empty_file_and_template_are_the_defaults() {
    assert_eq!(policy::parse(""), Ok(Policy::default()));
    assert_eq!(policy::parse("# nothing\n\n"), Ok(Policy::default()));
    assert_eq!(policy::parse(policy::TEMPLATE), Ok(Policy::default()));
    let d = Policy::default();
    assert_eq!(d.fail_on, Severity::Error);
    assert!(d.require.is_empty() && d.levels.is_empty());
    assert!(d.min_mof_class.is_none() && !d.require_open_license);
}

#[test]
fn template_keys_uncommented_still_parse_to_the_defaults() {
    // Each `# key = value` line is the default: uncommenting all of them
    // (but the unset min-mof-class, which has no default value) must not
    // change the policy.
    // The path-exception example is not a default: it stops at its header
    // (`template_and_readme_examples_of_path_exceptions_parse` reads it).
    let defaults = &policy::TEMPLATE[..policy::TEMPLATE
        .find("# [[findings.accept]]")
        .expect("template example")];
    let uncommented: String = defaults
        .lines()
        .map(|line| match line.strip_prefix("# ") {
            Some(rest)
                if (rest.contains(" = ") || rest == "[findings]")
                    && !rest.starts_with("min-mof-class") =>
            {
                rest
            }
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert!(uncommented.contains("\nfail-on = \"error\""));
    assert!(uncommented.contains("\n[findings]\ndeny = []"));
    assert_eq!(policy::parse(&uncommented), Ok(Policy::default()));
    // And the example class is a valid one.
    assert!(policy::TEMPLATE.contains("# min-mof-class = \"III\""));
}

#[test]
fn template_lists_every_code_with_its_default_severity() {
    for &code in Code::ALL {
        let line = format!(
            "#   {:<26} {:<8} {}",
            code.as_str(),
            code.default_severity().as_str(),
            code.description()
        );
        assert!(
            policy::TEMPLATE.lines().any(|l| l == line),
            "policy.template.toml lacks the line for `{code}`; add:\n{line}"
        );
    }
}

#[test]
fn every_problem_is_reported_at_its_line_in_one_parse() {
    let errors = errors("every-error.toml");
    let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
    let at = |line: usize, needle: &str| {
        assert!(
            errors
                .iter()
                .any(|e| e.line == line && e.message.contains(needle)),
            "no error at line {line} containing {needle:?}; got:\n{}",
            shown.join("\n")
        );
    };
    // Bad part names, with a hint where one is close.
    at(
        2,
        "unknown part `wieghts`: expected \"code\", \"weights\" or \"data\"; did you mean `weights`?",
    );
    // No hint when nothing is close: `model` is not a typo of `code`.
    assert!(errors.iter().any(|e| e.line == 2
        && e.message == "unknown part `model`: expected \"code\", \"weights\" or \"data\""));
    // Bad class.
    at(3, "`min-mof-class` `IV` is not a MOF class");
    // Wrong type.
    at(
        4,
        "`require-open-license` must be a boolean (true or false), found string",
    );
    // Unknown top-level key, with a hint.
    at(5, "unknown key `fail_on`: expected one of `require`, ");
    at(5, "; did you mean `fail-on`?");
    // Bad severity.
    at(6, "`fail-on` `fatal` is not a severity");
    // Unknown code with hint; a non-string element.
    at(
        9,
        "unknown finding code `lfs-pointr`; did you mean `lfs-pointer`?",
    );
    at(
        9,
        "`deny` must be an array of finding codes; found an element of type integer",
    );
    // A code under two levels names both lines.
    at(
        10,
        "`remote-code` is listed in both `deny` (line 9) and `warn` (line 10)",
    );
    // Wrong type inside [findings]; unknown key inside [findings].
    at(
        11,
        "`allow` must be an array of finding codes, found string",
    );
    at(12, "unknown key `findings.ignore`");
    assert_eq!(errors.len(), 11, "{}", shown.join("\n"));
    // Sorted by place, and shown as "line L, column C: message".
    assert!(
        errors
            .windows(2)
            .all(|w| (w[0].line, w[0].column) <= (w[1].line, w[1].column))
    );
    assert!(
        shown[0].starts_with("line 2, column 20: unknown part `wieghts`"),
        "{}",
        shown[0]
    );
}

#[test]
fn syntax_errors_are_reported_with_lines_and_nothing_else() {
    let errors = errors("syntax-errors.toml");
    assert!(!errors.is_empty());
    assert!(errors.iter().all(|e| e.line >= 1 && e.column >= 1));
    assert!(errors.iter().any(|e| e.line <= 2), "{errors:?}");
}

#[test]
fn columns_count_characters_and_duplicates_within_one_list_are_flagged() {
    let text = "[findings]\n# é\ndeny = [\"remote-code\",\n  \"remote-code\"]\n";
    let errors = policy::parse(text).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!((errors[0].line, errors[0].column), (4, 3));
    assert_eq!(
        errors[0].message,
        "`remote-code` is listed twice in `deny` (lines 3 and 4)"
    );
}

#[test]
fn wrong_types_at_the_top_level() {
    let text = "require = \"code\"\nmin-mof-class = 2\nfindings = [1]\nfail-on = true\n";
    let errors = policy::parse(text).unwrap_err();
    let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, [1, 2, 3, 4], "{errors:?}");
    assert!(
        errors[0]
            .message
            .contains("must be an array of part names, found string")
    );
    assert!(errors[1].message.contains("found integer"));
    assert!(
        errors[2]
            .message
            .contains("`findings` must be a table, found array")
    );
}

#[test]
fn cli_parsers_hint_too() {
    assert_eq!("weights".parse::<Part>(), Ok(Part::Weights));
    assert!(
        "wieghts"
            .parse::<Part>()
            .unwrap_err()
            .contains("did you mean `weights`?")
    );
    assert_eq!(policy::parse_mof_class("I"), Ok(1));
    assert!(policy::parse_mof_class("IV").is_err());
    assert_eq!(policy::parse_code("lfs-pointer"), Ok(Code::LfsPointer));
    assert!(
        policy::parse_code("shard")
            .unwrap_err()
            .contains("did you mean `missing-shard`?")
    );
    assert!(
        policy::parse_code("pickle").unwrap_err().contains(
            "did you mean `pickle-weights`, `unsafe-pickle` or `pickle-suspicious-import`?"
        )
    );
    assert_eq!(
        policy::parse_code("zzz").unwrap_err(),
        "unknown finding code `zzz` (`openness explain` lists the known codes)"
    );
}

#[test]
fn cli_flags_layer_over_the_file() {
    let file = load("example.toml");
    let cli = Policy::from_flags(
        &[Part::Data],
        Some(1),
        false,
        &[Code::RemoteCode],
        &[Code::PickleWeights],
        &[Code::CorruptHeader],
    )
    .unwrap();
    let merged = file.clone().with_overrides(&cli);
    // Requirements add up; the bar rises to the more open class.
    assert_eq!(merged.require, BTreeSet::from(Part::ALL));
    assert_eq!(merged.min_mof_class, Some(1));
    assert!(merged.require_open_license);
    // The flag's level wins for the codes it names; the file's stay.
    assert_eq!(merged.levels[&Code::RemoteCode], Level::Deny);
    assert_eq!(merged.levels[&Code::PickleWeights], Level::Warn);
    assert_eq!(merged.levels[&Code::CorruptHeader], Level::Allow);
    assert_eq!(merged.levels[&Code::LicenseMissing], Level::Warn);

    // Flags never lower the bar a file sets.
    let lax = Policy::from_flags(&[], Some(3), false, &[], &[], &[]).unwrap();
    let strict = Policy {
        fail_on: Severity::Warning,
        ..file.clone()
    };
    let merged = strict.with_overrides(&lax);
    assert_eq!(merged.min_mof_class, Some(2));
    assert!(merged.require_open_license);
    assert_eq!(merged.fail_on, Severity::Warning);

    // No file: the flags alone.
    assert_eq!(Policy::default().with_overrides(&cli), cli);

    // One code at two levels on the command line is a usage error.
    let err = Policy::from_flags(
        &[],
        None,
        false,
        &[Code::RemoteCode],
        &[],
        &[Code::RemoteCode],
    )
    .unwrap_err();
    assert!(
        err.contains("`remote-code` is given both --deny and --allow"),
        "{err}"
    );
}

#[test]
fn corrupt_fails_the_default_policy_on_its_errors() {
    let mut report = scan("corrupt");
    let violations = policy::apply(&Policy::default(), &mut report);
    assert_eq!(
        rules(&violations),
        [
            "finding corrupt-header",
            "finding corrupt-header",
            "finding corrupt-header",
            "finding corrupt-header",
            "finding truncated-file",
        ]
    );
    let first = &violations[0];
    assert_eq!(first.path.as_deref(), Some("bad-json.safetensors"));
    assert!(first.evidence.starts_with("error: "), "{}", first.evidence);
    assert!(
        first.fix.starts_with("re-export the weights"),
        "{}",
        first.fix
    );
    assert!(first.fix.ends_with("see `openness explain corrupt-header`"));
    // Warnings did not fail it, and no finding was dropped.
    assert_eq!(count(&report, Code::PickleWeights), 1);
    assert_eq!(report.findings.len(), 12);
}

#[test]
fn allow_removes_the_findings_and_their_violations() {
    let mut report = scan("corrupt");
    let violations = policy::apply(&load("allow-corrupt-header.toml"), &mut report);
    assert_eq!(count(&report, Code::CorruptHeader), 0);
    assert_eq!(rules(&violations), ["finding truncated-file"]);
}

#[test]
fn warn_turns_errors_into_warnings_so_the_check_passes() {
    let mut report = scan("corrupt");
    let cli = Policy::from_flags(
        &[],
        None,
        false,
        &[],
        &[Code::CorruptHeader, Code::TruncatedFile],
        &[],
    )
    .unwrap();
    let violations = policy::apply(&Policy::default().with_overrides(&cli), &mut report);
    assert_eq!(violations, []);
    assert!(
        report
            .findings
            .iter()
            .filter(|f| matches!(f.code, Code::CorruptHeader | Code::TruncatedFile))
            .all(|f| f.severity == Severity::Warning)
    );
    assert_eq!(count(&report, Code::CorruptHeader), 4);
}

#[test]
fn deny_and_fail_on_warning_make_warnings_fail() {
    let mut report = scan("hf-complete");
    assert_eq!(policy::apply(&Policy::default(), &mut report), []);

    let mut report = scan("corrupt");
    let violations = policy::apply(&load("fail-on-warning.toml"), &mut report);
    let rules = rules(&violations);
    assert!(rules.contains(&"finding pickle-weights".to_owned()));
    assert!(rules.contains(&"finding card-invalid".to_owned()));
    assert!(!rules.contains(&"finding license-wrong-type".to_owned()));

    let mut report = scan("corrupt");
    let deny = Policy::from_flags(&[], None, false, &[Code::PickleWeights], &[], &[]).unwrap();
    let violations = policy::apply(&deny, &mut report);
    let pickle: Vec<&Violation> = violations
        .iter()
        .filter(|v| v.rule == "finding pickle-weights")
        .collect();
    assert_eq!(pickle.len(), 1);
    assert_eq!(pickle[0].path.as_deref(), Some("pytorch_model.bin"));
    assert!(pickle[0].evidence.starts_with("error: "));
}

#[test]
fn hf_complete_ships_all_parts_but_is_not_class_iii() {
    let mut report = scan("hf-complete");
    let violations = policy::apply(&load("all-shipped-class-iii.toml"), &mut report);
    assert_eq!(rules(&violations), ["min-mof-class"]);
    let v = &violations[0];
    assert_eq!(v.path, None);
    assert!(
        v.evidence
            .starts_with("MOF unclassified; the policy requires Class III or better"),
        "{}",
        v.evidence
    );
    // What Class III still lacks: the report's next_class says the same.
    let next = report.frameworks.mof.next_class.as_ref().unwrap();
    assert_eq!(next.class, "III");
    assert!(
        v.evidence.ends_with(&format!(
            "missing for Class III: {}",
            next.missing.join(", ")
        )),
        "{}",
        v.evidence
    );
}

#[test]
fn required_parts_that_are_not_shipped_say_what_there_is() {
    let mut report = scan("corrupt");
    let p = Policy {
        require: BTreeSet::from(Part::ALL),
        ..Policy::default()
    };
    let violations = policy::apply(&p, &mut report);
    let head: Vec<&Violation> = violations.iter().take(3).collect();
    assert_eq!(
        head.iter().map(|v| v.rule.as_str()).collect::<Vec<_>>(),
        ["require code", "require weights", "require data"]
    );
    assert!(
        head[0]
            .evidence
            .starts_with("code is referenced: LlamaForCausalLM")
    );
    assert!(
        head[1]
            .evidence
            .starts_with("weights is incomplete: pytorch_model.bin ("),
        "{}",
        head[1].evidence
    );
    assert!(head[1].evidence.contains("more"), "{}", head[1].evidence);
    assert_eq!(head[2].evidence, "data is absent");
    assert!(head.iter().all(|v| !v.fix.is_empty()));
}

#[test]
fn card_only_fails_require_open_license() {
    let mut report = scan("card-only");
    assert_eq!(policy::apply(&Policy::default(), &mut report), []);
    let violations = policy::apply(&load("open-license.toml"), &mut report);
    assert_eq!(rules(&violations), ["require-open-license"]);
    assert_eq!(
        violations[0].evidence,
        "the licence LicenseRef-Llama-3.1 (declared `llama3.1`) is not open"
    );

    // An open licence holds.
    let mut report = scan("hf-complete");
    assert_eq!(policy::apply(&load("open-license.toml"), &mut report), []);
}

#[test]
fn apply_is_idempotent() {
    let p = load("example.toml");
    let mut report = scan("corrupt");
    let first = policy::apply(&p, &mut report);
    let findings = report.findings.clone();
    assert_eq!(policy::apply(&p, &mut report), first);
    assert_eq!(report.findings, findings);
}
#[test]
fn independent_syntax_errors_are_all_reported() {
    let text =
        "require = [\"code\"]\nfail-on = error\nmin-mof-class = \"II\nrequire-open-license = tru\n";
    let errors = policy::parse(text).unwrap_err();
    let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, [2, 3, 4], "{errors:?}");

    let errors = policy::parse("fail-on = \"error\"\nfail-on = \"info\"\n").unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        errors[0].to_string(),
        "line 2, column 1: duplicate key `fail-on`"
    );
}

#[test]
fn path_exceptions_parse_in_file_order_with_their_lines() {
    let p = load("accept-corrupt.toml");
    assert_eq!(p.levels[&Code::CorruptHeader], Level::Deny);
    let shown: Vec<(Code, Vec<&str>, Level, &str, usize)> = p
        .accept
        .iter()
        .map(|a| {
            let paths = a.paths.iter().map(String::as_str).collect();
            (a.code, paths, a.level, a.reason.as_str(), a.line)
        })
        .collect();
    assert_eq!(
        shown,
        [
            (
                Code::CorruptHeader,
                vec!["bad-json.safetensors"],
                Level::Allow,
                // Trimmed: the reason is shown as a sentence.
                "the upstream export bug; fixed in the next release",
                6
            ),
            (
                Code::TruncatedFile,
                vec!["**/truncated.*", "legacy/**"],
                Level::Warn,
                "cut on purpose, to test loaders",
                11
            ),
            (
                Code::CorruptHeader,
                vec!["*.safetensors"],
                Level::Warn,
                "overlaps the first entry for bad-json.safetensors",
                17
            ),
        ]
    );
    // The inline form is the same entry; its line is the line of its `{`.
    let inline = policy::parse(
        "[findings]\naccept = [\n  { code = \"lfs-pointer\", paths = [\"a.bin\"], reason = \"r\" },\n]\n",
    )
    .unwrap();
    assert_eq!(inline.accept.len(), 1);
    assert_eq!(inline.accept[0].line, 3);
    assert_eq!(inline.accept[0].level, Level::Allow);
}

#[test]
fn every_problem_of_a_path_exception_is_reported_at_its_line() {
    let errors = errors("accept-errors.toml");
    let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
    let at = |line: usize, needle: &str| {
        assert!(
            errors
                .iter()
                .any(|e| e.line == line && e.message.contains(needle)),
            "no error at line {line} containing {needle:?}; got:\n{}",
            shown.join("\n")
        );
    };
    // Missing keys are reported at the entry's header; a misspelt `path`
    // is unknown (with a hint), so `paths` is missing too.
    at(
        2,
        "`[[findings.accept]]` lacks `paths`: the path globs it accepts the code at",
    );
    at(
        2,
        "`[[findings.accept]]` lacks `reason`: why the findings are accepted",
    );
    at(
        3,
        "unknown finding code `unsafe-pickel`; did you mean `unsafe-pickle`?",
    );
    at(
        4,
        "unknown key `findings.accept.path`: expected one of `findings.accept.code`, \
         `findings.accept.paths`, `findings.accept.level`, `findings.accept.reason`; \
         did you mean `paths`?",
    );
    at(5, "`level` `deny` is no exception");
    at(
        9,
        "path glob `/legacy/a.pkl`: paths are relative to the release root",
    );
    at(9, "path glob `legacy/`: a glob names files, not a folder");
    at(
        9,
        "`paths` must be an array of path globs; found an element of type integer",
    );
    at(10, "`reason` is empty: say why these findings are accepted");
    at(
        11,
        "`level` `ignore` is not a level: expected \"allow\" or \"warn\"",
    );
    at(14, "`policy-unused-exception` has no path to accept");
    at(15, "`paths` is empty: name at least one path glob");
    at(
        16,
        "`reason` must be a string saying why the findings are accepted, found integer",
    );
    assert_eq!(errors.len(), 13, "{}", shown.join("\n"));
    // A valid glob beside bad ones raises nothing, and no entry of the file
    // was half-kept: the parse failed as a whole.
    assert!(!shown.iter().any(|e| e.contains("ok/*.pkl")));
}

#[test]
fn accept_must_be_an_array_of_tables() {
    let errors = policy::parse(
        "[findings.accept]\ncode = \"lfs-pointer\"\npaths = [\"a\"]\nreason = \"r\"\n",
    )
    .unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0]
            .message
            .contains("`accept` must be an array of tables (`[[findings.accept]]`), found table"),
        "{}",
        errors[0]
    );
    let errors = policy::parse("[findings]\naccept = [\"lfs-pointer\"]\n").unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].line, 2);
    assert!(
        errors[0]
            .message
            .contains("found an element of type string"),
        "{}",
        errors[0]
    );
}

/// A policy from text, or the test fails with the errors.
fn policy_from(text: &str) -> Policy {
    policy::parse(text).unwrap_or_else(|errors| panic!("{errors:?}"))
}

fn severities(report: &Report, code: Code) -> Vec<(String, Severity)> {
    report
        .findings
        .iter()
        .filter(|f| f.code == code)
        .map(|f| (f.path.clone().unwrap_or_default(), f.severity))
        .collect()
}

#[test]
fn an_exception_accepts_its_path_only_and_says_why() {
    let p = policy_from(
        "[[findings.accept]]\n\
         code = \"corrupt-header\"\n\
         paths = [\"bad-json.safetensors\"]\n\
         reason = \"upstream export bug\"\n",
    );
    let mut report = scan("corrupt");
    let outcome = policy::evaluate(&p, &mut report);
    // The accepted finding left the report; the same code elsewhere did not,
    // and still fails the check.
    assert_eq!(
        severities(&report, Code::CorruptHeader),
        [
            ("duplicate.safetensors".to_owned(), Severity::Error),
            ("huge-header.safetensors".to_owned(), Severity::Error),
            ("trailing.safetensors".to_owned(), Severity::Error),
        ]
    );
    let failing: Vec<(&str, Option<&str>)> = outcome
        .violations
        .iter()
        .map(|v| (v.rule.as_str(), v.path.as_deref()))
        .collect();
    assert_eq!(
        failing,
        [
            ("finding corrupt-header", Some("duplicate.safetensors")),
            ("finding corrupt-header", Some("huge-header.safetensors")),
            ("finding corrupt-header", Some("trailing.safetensors")),
            ("finding truncated-file", Some("truncated.safetensors")),
        ]
    );
    assert_eq!(outcome.accepted.len(), 1);
    let a = &outcome.accepted[0];
    assert_eq!(
        (
            a.code,
            a.path.as_str(),
            a.level,
            a.reason.as_str(),
            a.glob.as_str()
        ),
        (
            Code::CorruptHeader,
            "bad-json.safetensors",
            Level::Allow,
            "upstream export bug",
            "bad-json.safetensors"
        )
    );
    assert!(!a.message.is_empty());
    assert_eq!(outcome.notices, []);
}

#[test]
fn exceptions_win_over_levels_first_match_decides_and_unused_globs_give_notices() {
    let mut report = scan("corrupt");
    let outcome = policy::evaluate(&load("accept-corrupt.toml"), &mut report);
    // `deny = ["corrupt-header"]` gave way to the exceptions: bad-json by
    // the first entry (allow), the other three by the third (warn).
    assert_eq!(
        severities(&report, Code::CorruptHeader),
        [
            ("duplicate.safetensors".to_owned(), Severity::Warning),
            ("huge-header.safetensors".to_owned(), Severity::Warning),
            ("trailing.safetensors".to_owned(), Severity::Warning),
        ]
    );
    assert_eq!(
        severities(&report, Code::TruncatedFile),
        [("truncated.safetensors".to_owned(), Severity::Warning)]
    );
    assert_eq!(outcome.violations, []);
    let accepted: Vec<(&str, Level, &str)> = outcome
        .accepted
        .iter()
        .map(|a| (a.path.as_str(), a.level, a.glob.as_str()))
        .collect();
    assert_eq!(
        accepted,
        [
            ("bad-json.safetensors", Level::Allow, "bad-json.safetensors"),
            ("duplicate.safetensors", Level::Warn, "*.safetensors"),
            ("huge-header.safetensors", Level::Warn, "*.safetensors"),
            ("trailing.safetensors", Level::Warn, "*.safetensors"),
            ("truncated.safetensors", Level::Warn, "**/truncated.*"),
        ]
    );
    // One glob matched nothing: a warning without a path, naming the line.
    assert_eq!(outcome.notices.len(), 1, "{:?}", outcome.notices);
    let n = &outcome.notices[0];
    assert_eq!(
        (n.code, n.severity, n.path.as_deref()),
        (Code::PolicyUnusedException, Severity::Warning, None)
    );
    assert_eq!(
        n.message,
        "`[[findings.accept]]` at line 11: `legacy/**` matched no `truncated-file` finding"
    );
    // A notice is in neither the report's findings nor the violations.
    assert_eq!(count(&report, Code::PolicyUnusedException), 0);
}

#[test]
fn warn_level_exceptions_still_fail_fail_on_warning() {
    let p = policy_from(
        "fail-on = \"warning\"\n\
         [findings]\n\
         allow = [\"license-wrong-type\", \"card-invalid\", \"config-mismatch\", \
                  \"config-invalid\", \"pickle-weights\", \"corrupt-header\"]\n\
         [[findings.accept]]\n\
         code = \"truncated-file\"\n\
         paths = [\"truncated.safetensors\"]\n\
         level = \"warn\"\n\
         reason = \"r\"\n",
    );
    let mut report = scan("corrupt");
    let outcome = policy::evaluate(&p, &mut report);
    assert_eq!(rules(&outcome.violations), ["finding truncated-file"]);
    assert!(
        outcome.violations[0].evidence.starts_with("warning: "),
        "{}",
        outcome.violations[0].evidence
    );
    assert_eq!(outcome.accepted.len(), 1);
    assert_eq!(outcome.accepted[0].level, Level::Warn);
}

#[test]
fn unused_notices_fail_only_when_denied() {
    let stale = "[[findings.accept]]\n\
                 code = \"unsafe-pickle\"\n\
                 paths = [\"legacy/*.pkl\"]\n\
                 reason = \"gone since v2\"\n";
    // A warning, even where warnings fail the check.
    let mut report = scan("hf-complete");
    let p = policy_from(&format!(
        "fail-on = \"warning\"\n[findings]\nallow = [\"license-wrong-type\"]\n{stale}"
    ));
    let outcome = policy::evaluate(&p, &mut report);
    assert_eq!(outcome.violations, []);
    assert_eq!(outcome.notices.len(), 1);
    assert_eq!(outcome.notices[0].severity, Severity::Warning);
    assert!(outcome.notices[0].message.contains("at line 4:"));

    // Denied, it is a violation with the explain text's fix.
    let mut report = scan("hf-complete");
    let p = policy_from(&format!(
        "[findings]\ndeny = [\"policy-unused-exception\"]\n{stale}"
    ));
    let outcome = policy::evaluate(&p, &mut report);
    assert_eq!(outcome.notices[0].severity, Severity::Error);
    assert_eq!(
        rules(&outcome.violations),
        ["finding policy-unused-exception"]
    );
    let v = &outcome.violations[0];
    assert_eq!(v.path, None);
    assert!(
        v.evidence
            .ends_with("`legacy/*.pkl` matched no `unsafe-pickle` finding"),
        "{}",
        v.evidence
    );
    assert!(
        v.fix.starts_with("remove the glob (or the whole entry)"),
        "{}",
        v.fix
    );

    // Allowed, it is gone; so is it by the flag.
    let mut report = scan("hf-complete");
    let p = policy_from(&format!(
        "[findings]\nallow = [\"policy-unused-exception\"]\n{stale}"
    ));
    assert_eq!(policy::evaluate(&p, &mut report).notices, []);
    let cli =
        Policy::from_flags(&[], None, false, &[], &[], &[Code::PolicyUnusedException]).unwrap();
    let mut report = scan("hf-complete");
    let merged = policy_from(stale).with_overrides(&cli);
    assert_eq!(policy::evaluate(&merged, &mut report).notices, []);
}

#[test]
fn findings_without_a_path_are_never_path_scoped() {
    // Every fixture's `license-wrong-type` has no path: `**` matches no
    // finding, so the entry is unused and the finding keeps its severity.
    let p = policy_from(
        "[[findings.accept]]\ncode = \"license-wrong-type\"\npaths = [\"**\"]\nreason = \"r\"\n",
    );
    let mut report = scan("corrupt");
    let before = count(&report, Code::LicenseWrongType);
    assert!(before > 0);
    let outcome = policy::evaluate(&p, &mut report);
    assert_eq!(count(&report, Code::LicenseWrongType), before);
    assert_eq!(outcome.accepted, []);
    assert_eq!(outcome.notices.len(), 1);
}

#[test]
fn exceptions_outlast_cli_levels_and_survive_layering() {
    let file = policy_from(
        "[[findings.accept]]\ncode = \"lfs-pointer\"\npaths = [\"*.bin\"]\nreason = \"r\"\n",
    );
    let cli = Policy::from_flags(&[], None, false, &[Code::LfsPointer], &[], &[]).unwrap();
    let merged = file.clone().with_overrides(&cli);
    assert_eq!(merged.accept, file.accept);
    let mut report = scan("lfs-pointers");
    let outcome = policy::evaluate(&merged, &mut report);
    let failing: Vec<Option<&str>> = outcome
        .violations
        .iter()
        .map(|v| v.path.as_deref())
        .collect();
    assert_eq!(failing, [Some("model.safetensors")]);
    assert_eq!(outcome.accepted[0].path, "pytorch_model.bin");
}

#[test]
fn template_and_readme_examples_of_path_exceptions_parse() {
    // The template's commented example, uncommented from its header on.
    let start = policy::TEMPLATE
        .find("# [[findings.accept]]")
        .expect("template example");
    let example: String = policy::TEMPLATE[start..]
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .map(|l| l.strip_prefix("# ").unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n");
    let p = policy_from(&example);
    assert_eq!(p.accept.len(), 1);
    assert_eq!(p.accept[0].code, Code::UnsafePickle);
    assert_eq!(p.accept[0].paths, ["legacy/*.pkl"]);

    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = &readme[readme.find("### Path exceptions").expect("README section")..];
    let body = &section[section.find("```toml\n").unwrap() + "```toml\n".len()..];
    let p = policy_from(&body[..body.find("```").unwrap()]);
    assert_eq!(p.accept.len(), 1);
    assert_eq!(p.accept[0].paths, ["legacy/*.pkl", "demo/**"]);
    assert_eq!(p.accept[0].level, Level::Allow);
}
