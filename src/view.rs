//! What the human reports (the table and Markdown) show of a report, decided
//! here so the renderers only lay it out: which findings are listed after
//! `--min-severity` and `--quiet`, which notes are folded into one line,
//! which findings of one code are grouped into one row, and the counts of
//! the closing summary line and of the one-line OSAID verdict. The JSON
//! report is never filtered: these choices are the reader's, not the
//! report's.

use crate::finding::{Code, Finding, Severity};
use crate::report::Report;
use std::collections::{BTreeMap, BTreeSet};

/// How much of a report a person asked to see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ViewOptions {
    /// Every finding on its own row, folded notes listed, the MOF and OSAID
    /// lists written out, evidence uncut.
    pub verbose: bool,
    /// The summary line and the error findings only.
    pub quiet: bool,
    /// Findings below this severity are not listed (they are still
    /// counted in the summary line).
    pub min_severity: Severity,
}

impl Default for ViewOptions {
    fn default() -> ViewOptions {
        ViewOptions {
            verbose: false,
            quiet: false,
            min_severity: Severity::Info,
        }
    }
}

/// More findings than this of one code and severity are shown as one row,
/// unless `verbose`.
pub const GROUP_OVER: usize = 2;

/// Findings of each severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeverityCounts {
    pub errors: usize,
    pub warnings: usize,
    /// Findings of severity `info`.
    pub notes: usize,
}

impl SeverityCounts {
    pub fn of(findings: &[Finding]) -> SeverityCounts {
        let mut counts = SeverityCounts::default();
        for f in findings {
            let slot = match f.severity {
                Severity::Error => &mut counts.errors,
                Severity::Warning => &mut counts.warnings,
                Severity::Info => &mut counts.notes,
            };
            *slot = slot.saturating_add(1);
        }
        counts
    }
}

/// One row of the findings table: one finding, or the findings of one code
/// and severity when there are more than [`GROUP_OVER`] of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingRow<'a> {
    pub severity: Severity,
    pub code: Code,
    /// How many findings the row stands for (1 for a single finding).
    pub count: usize,
    /// The path of the (first) finding.
    pub path: Option<&'a str>,
    /// The finding's message; for a group, the code's one-line
    /// description.
    pub message: &'a str,
}

/// Notes of one code that say nothing is wrong, folded into one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Folded {
    pub code: Code,
    pub count: usize,
}

/// The OSAID checklist in one line: how many elements are missing, of how
/// many, per part (in checklist order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OsaidSummary {
    pub missing: usize,
    pub elements: usize,
    pub missing_by_part: Vec<(String, usize)>,
}

/// What the human report of one release shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View<'a> {
    /// Every finding of the report, whatever is listed.
    pub counts: SeverityCounts,
    /// The findings table, worst first (report order within a severity).
    pub rows: Vec<FindingRow<'a>>,
    /// Notes folded into one line instead of rows (empty with `verbose`).
    pub folded: Vec<Folded>,
    /// How many findings `folded` stands for.
    pub folded_total: usize,
    /// Findings not listed because of `--min-severity` or `--quiet`.
    pub hidden: usize,
    pub osaid: OsaidSummary,
}

impl<'a> View<'a> {
    pub fn of(report: &'a Report, options: &ViewOptions) -> View<'a> {
        let min = if options.quiet {
            Severity::Error
        } else {
            options.min_severity
        };
        let mut listed: Vec<&Finding> = Vec::new();
        let mut folded: Vec<Folded> = Vec::new();
        let mut hidden = 0usize;
        for f in &report.findings {
            if f.severity < min {
                hidden = hidden.saturating_add(1);
            } else if !options.verbose && f.severity == Severity::Info && !f.code.is_defect() {
                match folded.iter_mut().find(|g| g.code == f.code) {
                    Some(g) => g.count = g.count.saturating_add(1),
                    None => folded.push(Folded {
                        code: f.code,
                        count: 1,
                    }),
                }
            } else {
                listed.push(f);
            }
        }
        folded.sort_by_key(|g| g.code.as_str());
        // Worst first; the stable sort keeps the report's order within a
        // severity.
        listed.sort_by_key(|f| std::cmp::Reverse(f.severity));
        View {
            counts: SeverityCounts::of(&report.findings),
            rows: rows(&listed, options.verbose),
            folded_total: folded
                .iter()
                .map(|g| g.count)
                .fold(0, usize::saturating_add),
            folded,
            hidden,
            osaid: osaid_summary(report),
        }
    }
}

/// One row per finding, or, unless `verbose`, one row per code and severity
/// that has more than [`GROUP_OVER`] findings, where its first one was.
fn rows<'a>(listed: &[&'a Finding], verbose: bool) -> Vec<FindingRow<'a>> {
    // How many findings each code has at each severity.
    let mut groups: BTreeMap<(Severity, Code), usize> = BTreeMap::new();
    for f in listed {
        let n = groups.entry((f.severity, f.code)).or_default();
        *n = n.saturating_add(1);
    }
    let mut shown: BTreeSet<(Severity, Code)> = BTreeSet::new();
    let mut rows = Vec::new();
    for f in listed {
        let key = (f.severity, f.code);
        let count = groups.get(&key).copied().unwrap_or(1);
        let row = FindingRow {
            severity: f.severity,
            code: f.code,
            count: 1,
            path: f.path.as_deref(),
            message: &f.message,
        };
        if verbose || count <= GROUP_OVER {
            rows.push(row);
        } else if shown.insert(key) {
            rows.push(FindingRow {
                count,
                message: f.code.description(),
                ..row
            });
        }
    }
    rows
}

fn osaid_summary(report: &Report) -> OsaidSummary {
    let checklist = &report.frameworks.osaid.checklist;
    let mut missing_by_part: Vec<(String, usize)> = Vec::new();
    for e in checklist.iter().filter(|e| !e.met) {
        match missing_by_part.iter_mut().find(|(p, _)| *p == e.part) {
            Some((_, n)) => *n = n.saturating_add(1),
            None => missing_by_part.push((e.part.to_string(), 1)),
        }
    }
    OsaidSummary {
        missing: checklist.iter().filter(|e| !e.met).count(),
        elements: checklist.len(),
        missing_by_part,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(code: Code, path: &str) -> Finding {
        Finding::new(code, Some(path), format!("{code} at {path}"))
    }

    fn report(findings: Vec<Finding>) -> Report {
        let mut r: Report = serde_json::from_value(serde_json::json!({
            "schema_version": 1,
            "tool": {"name": "openness", "version": "0"},
            "root": "r",
            "release": {"name": null, "architectures": [], "model_type": null, "base_models": [], "library": null, "pipeline_tag": null},
            "components": {
                "code": {"status": "absent", "license": null, "license_source": null, "items": []},
                "weights": {"status": "absent", "license": null, "license_source": null, "items": [], "formats": [], "files": 0, "tensors": null, "parameters": null, "bytes": 0, "dtypes": {}},
                "data": {"status": "absent", "license": null, "license_source": null, "items": [], "datasets": []}
            },
            "license": {"declared": null, "spdx": null, "name": null, "open": false, "files": []},
            "frameworks": {
                "mof": {"class": null, "label": "Unclassified", "progress": {"I": 0, "II": 0, "III": 0}, "mode": "shipped-only", "next_class": null, "components": []},
                "osaid": {"open_source_ai": false, "missing": [], "checklist": [
                    {"part": "code", "element": "training code", "met": false},
                    {"part": "code", "element": "inference code", "met": true},
                    {"part": "parameters", "element": "final model parameters", "met": false},
                    {"part": "code", "element": "model architecture code", "met": false}
                ]}
            },
            "files": [],
            "findings": []
        }))
        .unwrap();
        r.findings = findings;
        r
    }

    #[test]
    fn counts_every_finding_and_lists_worst_first() {
        let r = report(vec![
            finding(Code::LicenseNotOpen, "LICENSE"),
            finding(Code::PickleWeights, "a.bin"),
            finding(Code::LfsPointer, "b.bin"),
        ]);
        let v = View::of(&r, &ViewOptions::default());
        assert_eq!(
            v.counts,
            SeverityCounts {
                errors: 1,
                warnings: 1,
                notes: 1
            }
        );
        let codes: Vec<Code> = v.rows.iter().map(|r| r.code).collect();
        assert_eq!(
            codes,
            [Code::LfsPointer, Code::PickleWeights, Code::LicenseNotOpen]
        );
        assert_eq!(v.hidden, 0);
    }

    #[test]
    fn notes_that_are_no_defect_fold_unless_verbose() {
        let r = report(vec![
            finding(Code::LicenseWrongType, "x"),
            finding(Code::LicenseWrongType, "y"),
            finding(Code::LicenseNotOpen, "LICENSE"),
        ]);
        let v = View::of(&r, &ViewOptions::default());
        assert_eq!(
            v.folded,
            [Folded {
                code: Code::LicenseWrongType,
                count: 2
            }]
        );
        assert_eq!(v.folded_total, 2);
        assert_eq!(v.rows.len(), 1);
        assert_eq!(v.rows[0].code, Code::LicenseNotOpen);
        let verbose = ViewOptions {
            verbose: true,
            ..ViewOptions::default()
        };
        let v = View::of(&r, &verbose);
        assert!(v.folded.is_empty());
        assert_eq!(v.rows.len(), 3);
    }

    #[test]
    fn a_raised_wrong_type_finding_is_not_folded() {
        let mut f = finding(Code::LicenseWrongType, "x");
        f.severity = Severity::Warning;
        let r = report(vec![f]);
        let v = View::of(&r, &ViewOptions::default());
        assert!(v.folded.is_empty());
        assert_eq!(v.rows[0].code, Code::LicenseWrongType);
    }

    #[test]
    fn min_severity_and_quiet_hide_but_still_count() {
        let r = report(vec![
            finding(Code::LicenseNotOpen, "LICENSE"),
            finding(Code::PickleWeights, "a.bin"),
            finding(Code::LfsPointer, "b.bin"),
            finding(Code::LicenseWrongType, "c"),
        ]);
        let warning = ViewOptions {
            min_severity: Severity::Warning,
            ..ViewOptions::default()
        };
        let v = View::of(&r, &warning);
        assert_eq!(v.rows.len(), 2);
        assert_eq!(v.hidden, 2);
        assert!(v.folded.is_empty());
        assert_eq!(v.counts.notes, 2);
        let quiet = ViewOptions {
            quiet: true,
            ..ViewOptions::default()
        };
        let v = View::of(&r, &quiet);
        assert_eq!(v.rows.len(), 1);
        assert_eq!(v.rows[0].code, Code::LfsPointer);
        assert_eq!(v.hidden, 3);
    }

    #[test]
    fn many_findings_of_one_code_group_into_one_row() {
        let r = report(
            ["a", "b", "c", "d", "e"]
                .iter()
                .map(|p| finding(Code::PickleWeights, p))
                .chain([finding(Code::LfsPointer, "z")])
                .collect(),
        );
        let v = View::of(&r, &ViewOptions::default());
        assert_eq!(v.rows.len(), 2);
        let group = &v.rows[1];
        assert_eq!(
            (group.code, group.count, group.path),
            (Code::PickleWeights, 5, Some("a"))
        );
        assert_eq!(group.message, Code::PickleWeights.description());
        // Two or fewer stay rows of their own.
        let r = report(
            ["a", "b"]
                .iter()
                .map(|p| finding(Code::PickleWeights, p))
                .collect(),
        );
        assert_eq!(View::of(&r, &ViewOptions::default()).rows.len(), 2);
        let verbose = ViewOptions {
            verbose: true,
            ..ViewOptions::default()
        };
        let r = report(
            ["a", "b", "c", "d"]
                .iter()
                .map(|p| finding(Code::PickleWeights, p))
                .collect(),
        );
        assert_eq!(View::of(&r, &verbose).rows.len(), 4);
    }

    #[test]
    fn osaid_missing_elements_are_counted_per_part() {
        let r = report(Vec::new());
        let v = View::of(&r, &ViewOptions::default());
        assert_eq!(v.osaid.missing, 3);
        assert_eq!(v.osaid.elements, 4);
        assert_eq!(
            v.osaid.missing_by_part,
            [("code".to_owned(), 2), ("parameters".to_owned(), 1)]
        );
    }
}
