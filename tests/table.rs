//! The human table as a reader meets it: it fits the width it is given
//! (80 and 120 columns are snapshotted), evidence read in a file's text
//! says `file:line`, the MOF line says why the next class is not reached,
//! notes that are no defect fold into one line, and every report ends with
//! its summary line; `--quiet`, `--verbose` and `--min-severity` choose
//! what is listed, never what JSON reports.

mod support;

use openness::render::{TextOptions, table};
use openness::report::Report;
use openness::view::ViewOptions;
use serde_json::Value;
use support::{assert_text_snapshot, fixtures_dir};
use unicode_width::UnicodeWidthStr;

fn scan(name: &str) -> Report {
    openness::scan(
        &fixtures_dir().join(name),
        &format!("fixtures/{name}"),
        &openness::ScanOptions::default(),
    )
    .unwrap_or_else(|e| panic!("scan of {name} failed: {e}"))
}

fn table_of(report: &Report, width: u16, view: ViewOptions) -> String {
    let options = TextOptions {
        color: false,
        width,
        view,
    };
    let mut out = Vec::new();
    table::render_with(&mut out, std::slice::from_ref(report), &options).unwrap();
    String::from_utf8(out).unwrap()
}

/// Every line of `text` within `width` terminal columns.
fn assert_fits(text: &str, width: usize) {
    for line in text.lines() {
        assert!(
            line.width() <= width,
            "{} columns > {width}: {line}\n{text}",
            line.width()
        );
    }
}

// Each snapshot name is a literal at its call (`tests/snapshot_files.rs`).

#[test]
fn small_release_at_80_and_120_columns() {
    let report = scan("datasheet-no-datasets");
    let narrow = table_of(&report, 80, ViewOptions::default());
    assert_fits(&narrow, 80);
    assert_text_snapshot("table-datasheet-no-datasets-80", &narrow);
    let wide = table_of(&report, 120, ViewOptions::default());
    assert_fits(&wide, 120);
    assert_text_snapshot("table-datasheet-no-datasets-120", &wide);
}

/// Code, a download script and README links to weights on three hosts, as
/// the development set's source releases are.
#[test]
fn code_release_with_weights_links_at_80_and_120_columns() {
    let report = scan("weights-by-reference");
    let narrow = table_of(&report, 80, ViewOptions::default());
    assert_fits(&narrow, 80);
    assert_text_snapshot("table-weights-by-reference-80", &narrow);
    let wide = table_of(&report, 120, ViewOptions::default());
    assert_fits(&wide, 120);
    assert_text_snapshot("table-weights-by-reference-120", &wide);
}

#[test]
fn every_line_fits_its_width() {
    for name in [
        "corrupt",
        "card-only",
        "hf-complete",
        "lfs-pointers",
        "remote-code",
        "licence-families",
    ] {
        let report = scan(name);
        for width in [60u16, 80, 100, 120] {
            assert_fits(
                &table_of(&report, width, ViewOptions::default()),
                usize::from(width),
            );
        }
    }
}

#[test]
fn text_references_show_file_and_line() {
    let report = scan("weights-by-reference");
    let text = table_of(&report, 120, ViewOptions::default());
    assert!(
        text.contains("reference: README.md:7 https://files.sparrow"),
        "{text}"
    );
    assert!(!text.contains("line 7:"), "{text}");
    // The JSON keeps its detail as it was, and says the line.
    let json: Value = serde_json::to_value(&report).unwrap();
    let item = json["components"]["weights"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["path"] == "README.md" && i["line"] == 7)
        .expect("a README.md item at line 7");
    assert!(
        item["detail"]
            .as_str()
            .unwrap()
            .starts_with("line 7: https://files.sparrow"),
        "{item}"
    );
}

/// Shipped components that do not count because of the licence: the one
/// MOF line says so, and names the licence and the components.
#[test]
fn the_mof_line_says_when_the_licence_is_the_reason() {
    let report = scan("card-only");
    let text = table_of(&report, 200, ViewOptions::default());
    let mof: Vec<&str> = text.lines().filter(|l| l.starts_with("MOF:")).collect();
    assert_eq!(
        mof,
        [
            "MOF: Unclassified; Class III not reached (0%): licence not open: \
          LicenseRef-Llama-3.1 (Model card); 2 only referenced, 3 absent"
        ],
        "{text}"
    );
    let next = report.frameworks.mof.next_class.as_ref().unwrap();
    let card = next
        .reasons
        .iter()
        .find(|r| r.name == "Model card")
        .unwrap();
    assert_eq!(card.reason.as_str(), "license-not-open");
    assert_eq!(card.license.as_deref(), Some("LicenseRef-Llama-3.1"));
    // Without the licence as a reason, the line gives only the counts.
    let text = table_of(&scan("hf-complete"), 200, ViewOptions::default());
    assert!(
        text.contains(
            "MOF: Unclassified; Class III not reached (67%): 1 only referenced, 1 absent\n"
        ),
        "{text}"
    );
}

#[test]
fn one_line_each_for_mof_and_osaid_unless_verbose() {
    let report = scan("corrupt");
    let text = table_of(&report, 200, ViewOptions::default());
    assert!(
        text.contains(
            "OSAID 1.0: not open source AI; 9 of 12 elements missing \
             (data-information 3, code 4, parameters 2)\n"
        ),
        "{text}"
    );
    assert!(!text.contains("needs:") && !text.contains("  - "), "{text}");
    let verbose = ViewOptions {
        verbose: true,
        ..ViewOptions::default()
    };
    let text = table_of(&report, 200, verbose);
    assert!(
        text.contains("  - data-information: list of the training datasets"),
        "{text}"
    );
    assert!(
        text.contains(
            "  Class III needs: Model architecture (only referenced), Model parameters \
             (Final) (only referenced), Evaluation results (absent)"
        ),
        "{text}"
    );
}

#[test]
fn notes_that_are_no_defect_fold_into_one_line() {
    let report = scan("corrupt");
    let text = table_of(&report, 120, ViewOptions::default());
    assert!(
        text.contains("\n1 note folded: license-wrong-type ×1; --verbose to list\n"),
        "{text}"
    );
    assert!(!text.contains("┆ license-wrong-type"), "{text}");
    let verbose = ViewOptions {
        verbose: true,
        ..ViewOptions::default()
    };
    let text = table_of(&report, 120, verbose);
    assert!(text.contains("┆ license-wrong-type"), "{text}");
    assert!(!text.contains("folded"), "{text}");
}

#[test]
fn findings_of_one_code_group_into_one_row_unless_verbose() {
    let report = scan("corrupt");
    let text = table_of(&report, 120, ViewOptions::default());
    let row = text
        .lines()
        .find(|l| l.contains("┆ corrupt-header"))
        .unwrap_or_default();
    assert!(
        row.contains("corrupt-header ×4") && row.contains("┆ bad-json.safetensors"),
        "{text}"
    );
    assert_eq!(text.matches("┆ corrupt-header").count(), 1, "{text}");
    let verbose = ViewOptions {
        verbose: true,
        ..ViewOptions::default()
    };
    let text = table_of(&report, 120, verbose);
    assert_eq!(text.matches("┆ corrupt-header ").count(), 4, "{text}");
}

fn openness() -> assert_cmd::Command {
    support::openness_cmd()
}

fn stdout_of(args: &[&str]) -> String {
    let out = openness()
        .args(args)
        .assert()
        .success()
        .get_output()
        .clone();
    String::from_utf8(out.stdout).unwrap()
}

const CORRUPT_SUMMARY: &str = "5 errors, 6 warnings, 1 note · code referenced · weights incomplete \
                               · data absent · licence open";

#[test]
fn every_report_ends_with_its_summary_line() {
    let text = stdout_of(&["scan", "fixtures/corrupt", "--width", "200"]);
    assert_eq!(text.lines().last(), Some(CORRUPT_SUMMARY), "{text}");
    let text = stdout_of(&[
        "scan",
        "fixtures/datasheet-no-datasets",
        "fixtures/card-only",
        "--width",
        "200",
    ]);
    let summaries: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("0 errors, "))
        .collect();
    assert_eq!(
        summaries,
        [
            "0 errors, 0 warnings, 1 note · code shipped · weights shipped · data shipped · \
             licence open",
            "0 errors, 0 warnings, 1 note · code referenced · weights referenced · data \
             referenced · licence not open",
        ],
        "{text}"
    );
}

#[test]
fn quiet_prints_the_summary_line_and_the_errors_only() {
    let text = stdout_of(&["scan", "fixtures/corrupt", "--quiet", "--width", "200"]);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(format!("fixtures/corrupt: {CORRUPT_SUMMARY}").as_str())
    );
    assert!(text.contains("┆ corrupt-header ×4"), "{text}");
    assert!(text.contains("┆ truncated-file"), "{text}");
    for absent in [
        "│ warning",
        "pickle-weights",
        "component",
        "MOF:",
        "OSAID",
        "folded",
    ] {
        assert!(!text.contains(absent), "{absent} in\n{text}");
    }
    // A release without errors is its summary line alone.
    let text = stdout_of(&[
        "scan",
        "-q",
        "fixtures/datasheet-no-datasets",
        "fixtures/hf-complete",
    ]);
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(
        text.starts_with("fixtures/datasheet-no-datasets: 0 errors, "),
        "{text}"
    );
}

#[test]
fn min_severity_hides_findings_below_but_the_summary_counts_them() {
    let text = stdout_of(&[
        "scan",
        "fixtures/corrupt",
        "--min-severity",
        "error",
        "--width",
        "200",
    ]);
    assert!(text.contains("┆ corrupt-header ×4"), "{text}");
    assert!(!text.contains("pickle-weights"), "{text}");
    assert!(!text.contains("folded"), "{text}");
    assert_eq!(text.lines().last(), Some(CORRUPT_SUMMARY), "{text}");
    let text = stdout_of(&["scan", "fixtures/corrupt", "--min-severity", "warning"]);
    assert!(text.contains("pickle-weights"), "{text}");
    assert!(!text.contains("folded"), "{text}");
    // `info` is accepted for `note`, the JSON word.
    let text = stdout_of(&["scan", "fixtures/corrupt", "--min-severity", "info"]);
    assert!(text.contains("1 note folded"), "{text}");
    // Markdown lists only what is asked for too.
    let md = stdout_of(&[
        "scan",
        "fixtures/corrupt",
        "--format",
        "markdown",
        "--min-severity",
        "error",
    ]);
    assert!(
        md.contains("`corrupt-header`") && !md.contains("`pickle-weights`"),
        "{md}"
    );
}

#[test]
fn json_and_sarif_stay_complete_whatever_the_view() {
    let count = |args: &[&str]| -> usize {
        let v: Value = serde_json::from_str(&stdout_of(args)).unwrap();
        v["findings"].as_array().unwrap().len()
    };
    let all = count(&["scan", "fixtures/corrupt", "--format", "json"]);
    assert_eq!(all, 12);
    let base = ["scan", "fixtures/corrupt", "--format", "json"];
    for flags in [
        &["--min-severity", "error"][..],
        &["--quiet", "--width", "40"][..],
    ] {
        let args: Vec<&str> = base.iter().chain(flags).copied().collect();
        assert_eq!(count(&args), all, "{args:?}");
    }
    let sarif: Value = serde_json::from_str(&stdout_of(&[
        "scan",
        "fixtures/corrupt",
        "--format",
        "sarif",
        "--min-severity",
        "error",
    ]))
    .unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), all);
}

#[test]
fn quiet_and_verbose_conflict() {
    openness()
        .args(["scan", "fixtures/corrupt", "-q", "-v"])
        .assert()
        .code(2);
    openness()
        .args(["scan", "fixtures/corrupt", "--width", "5"])
        .assert()
        .code(2);
}

#[test]
fn columns_sets_the_width_and_the_flag_wins() {
    let widest = |text: &str| text.lines().map(|l| l.width()).max().unwrap_or(0);
    let out = openness()
        .args(["scan", "fixtures/corrupt"])
        .env("COLUMNS", "70")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(widest(&text) <= 70, "{text}");
    assert!(widest(&text) > 60, "{text}");
    let out = openness()
        .args(["scan", "fixtures/corrupt", "--width", "140"])
        .env("COLUMNS", "70")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(widest(&text) > 100 && widest(&text) <= 140, "{text}");
    // Without either, a pipe gets 100 columns.
    let text = stdout_of(&["scan", "fixtures/corrupt"]);
    assert!(widest(&text) <= 100 && widest(&text) > 90, "{text}");
}

#[test]
fn the_discover_table_fits_when_the_names_do() {
    let text = stdout_of(&[
        "scan",
        "--discover",
        "fixtures/data-roles",
        "--width",
        "100",
    ]);
    assert_fits(&text, 100);
    assert!(text.contains("│ training-data-section "), "{text}");
    // A note that is no defect is nobody's worst finding.
    assert!(!text.contains("license-wrong-type"), "{text}");
}

#[test]
fn the_discover_summary_narrower_than_its_columns_is_one_paragraph_per_release() {
    // Eight columns of statuses, a licence and a finding code need about a
    // hundred columns: at 80, each release is its name and wrapped lines.
    let text = stdout_of(&["scan", "--discover", "fixtures/data-roles", "--width", "80"]);
    assert_fits(&text, 80);
    assert!(!text.contains('│'), "{text}");
    assert!(text.lines().any(|l| l == "training-data-section"), "{text}");
    assert!(
        text.contains("  code shipped · weights absent · data "),
        "{text}"
    );
    assert!(text.trim_end().ends_with(" releases"), "{text}");
}
