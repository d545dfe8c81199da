//! Diff of two releases: what changed between two JSON reports (as
//! `openness scan --format json` prints them), and which changes make the
//! release less open or less intact — the regressions a CI gate fails on.
//!
//! It works on typed [`Report`]s read back with [`parse_report`]: a report of
//! the same schema version, saved by an earlier run, compares with a fresh
//! scan, and a file that is not one is refused with the reason. Changes come
//! in a fixed order of kinds, each sorted by what it names, so the same two
//! reports always give the same diff.

use crate::finding::Severity;
use crate::render::sanitize;
use crate::report::{FileKind, Report, SCHEMA_VERSION, Status};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Diff {
    pub changes: Vec<Change>,
    /// Whether any change is a regression.
    pub regression: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// `component-status`, `license`, `mof-class`, `osaid`, `parameters`,
    /// `tensors`, `file` or `finding`.
    pub kind: &'static str,
    /// `added`, `removed` or `changed`: something appeared in the new
    /// report, vanished from it, or has a new value.
    pub op: &'static str,
    pub detail: String,
    pub regression: bool,
}

const ADDED: &str = "added";
const REMOVED: &str = "removed";
const CHANGED: &str = "changed";

/// Compares `old` with `new`.
pub fn diff(old: &Report, new: &Report) -> Diff {
    let mut changes = Vec::new();
    component_status(old, new, &mut changes);
    license(old, new, &mut changes);
    mof(old, new, &mut changes);
    osaid(old, new, &mut changes);
    parameters(old, new, &mut changes);
    tensors(old, new, &mut changes);
    files(old, new, &mut changes);
    findings(old, new, &mut changes);
    let regression = changes.iter().any(|c| c.regression);
    Diff {
        changes,
        regression,
    }
}

/// Reads a report as `scan --format json` writes it (one report, or an array
/// holding exactly one). Anything else is refused with the reason, rather
/// than compared as an empty report.
pub fn parse_report(text: &str) -> Result<Report, String> {
    let value: Value =
        serde_json::from_str(text).map_err(|err| format!("not a JSON report: {err}"))?;
    let value = match value {
        Value::Array(mut many) if many.len() == 1 => many.remove(0),
        Value::Array(_) => {
            return Err("holds several reports; diff compares one with one".to_owned());
        }
        one => one,
    };
    if value.get("schema_version").and_then(Value::as_u64) != Some(u64::from(SCHEMA_VERSION)) {
        return Err(format!(
            "not an openness report of schema version {SCHEMA_VERSION}"
        ));
    }
    serde_json::from_value(value).map_err(|err| format!("not an openness report: {err}"))
}

/// One line per change: `+` added, `-` removed, `~` changed, then a
/// `REGRESSION` tag where it applies, and a count at the end.
pub fn render_text(out: &mut dyn Write, diff: &Diff) -> io::Result<()> {
    if diff.changes.is_empty() {
        return writeln!(out, "no changes");
    }
    for c in &diff.changes {
        let marker = match c.op {
            ADDED => '+',
            REMOVED => '-',
            _ => '~',
        };
        let tag = if c.regression { "  REGRESSION" } else { "" };
        // Details quote file names and card strings: escape them.
        writeln!(out, "{marker} {}: {}{tag}", c.kind, sanitize(&c.detail))?;
    }
    let regressions = diff.changes.iter().filter(|c| c.regression).count();
    writeln!(
        out,
        "{} change{}, {} regression{}",
        diff.changes.len(),
        if diff.changes.len() == 1 { "" } else { "s" },
        regressions,
        if regressions == 1 { "" } else { "s" }
    )
}

/// The diff as Markdown, for a pull-request comment or
/// `$GITHUB_STEP_SUMMARY`: one list item per change, marked `+`, `-` or `~`
/// as [`render_text`] marks it (regressions in bold), then the same closing count as [`render_text`]. Details are
/// escaped, so a file name cannot add markup or mention anyone.
pub fn render_markdown(out: &mut dyn Write, diff: &Diff) -> io::Result<()> {
    use crate::render::markdown::escape;
    writeln!(out, "### openness diff\n")?;
    if diff.changes.is_empty() {
        return writeln!(out, "No changes.");
    }
    for c in &diff.changes {
        let tag = if c.regression { " **regression**" } else { "" };
        let marker = match c.op {
            ADDED => '+',
            REMOVED => '-',
            _ => '~',
        };
        writeln!(out, "- `{marker}` {}: {}{tag}", c.kind, escape(&c.detail))?;
    }
    let regressions = diff.changes.iter().filter(|c| c.regression).count();
    writeln!(
        out,
        "\n{} change{}, {} regression{}",
        diff.changes.len(),
        if diff.changes.len() == 1 { "" } else { "s" },
        regressions,
        if regressions == 1 { "" } else { "s" }
    )
}

fn push(
    out: &mut Vec<Change>,
    kind: &'static str,
    op: &'static str,
    detail: String,
    regression: bool,
) {
    out.push(Change {
        kind,
        op,
        detail,
        regression,
    });
}

/// Shipped is the most present, absent the least; a move down this list is a
/// regression.
fn status_rank(status: Status) -> u8 {
    match status {
        Status::Shipped => 0,
        Status::Incomplete => 1,
        Status::Referenced => 2,
        Status::Absent => 3,
    }
}

fn component_status(old: &Report, new: &Report, out: &mut Vec<Change>) {
    let statuses = |r: &Report| {
        [
            ("code", r.components.code.status),
            ("weights", r.components.weights.component.status),
            ("data", r.components.data.component.status),
        ]
    };
    for ((component, before), (_, after)) in statuses(old).into_iter().zip(statuses(new)) {
        if before == after {
            continue;
        }
        let op = if before == Status::Absent {
            ADDED
        } else if after == Status::Absent {
            REMOVED
        } else {
            CHANGED
        };
        push(
            out,
            "component-status",
            op,
            format!("{component} {before} → {after}"),
            status_rank(after) > status_rank(before),
        );
    }
}

fn license(old: &Report, new: &Report, out: &mut Vec<Change>) {
    let name = |r: &Report| {
        r.license
            .spdx
            .clone()
            // An unrecognised declaration still names something.
            .or_else(|| {
                r.license
                    .declared
                    .as_ref()
                    .map(|d| format!("{d} (unrecognised)"))
            })
    };
    let openness = |open: bool| if open { "open" } else { "not open" };
    let (before, after) = (name(old), name(new));
    let (was_open, is_open) = (old.license.open, new.license.open);
    if before == after && was_open == is_open {
        return;
    }
    let op = match (&before, &after) {
        (None, Some(_)) => ADDED,
        (Some(_), None) => REMOVED,
        _ => CHANGED,
    };
    let show = |l: &Option<String>| l.clone().unwrap_or_else(|| "none".to_owned());
    push(
        out,
        "license",
        op,
        format!(
            "{} ({}) → {} ({})",
            show(&before),
            openness(was_open),
            show(&after),
            openness(is_open)
        ),
        was_open && !is_open,
    );
}

/// Class I is the most open; unclassified is below III.
fn class_rank(class: Option<&str>) -> u8 {
    match class {
        Some("I") => 3,
        Some("II") => 2,
        Some("III") => 1,
        _ => 0,
    }
}

fn mof(old: &Report, new: &Report, out: &mut Vec<Change>) {
    let (m0, m1) = (&old.frameworks.mof, &new.frameworks.mof);
    let (before, after) = (m0.class.as_deref(), m1.class.as_deref());
    let show = |c: Option<&str>| c.map_or("unclassified".to_owned(), |c| format!("Class {c}"));
    if before != after {
        push(
            out,
            "mof-class",
            CHANGED,
            format!("{} → {}", show(before), show(after)),
            class_rank(after) < class_rank(before),
        );
    }
    // Progress moves before the class does: it shows a release drifting
    // towards (or away from) the next class.
    for class in ["III", "II", "I"] {
        let (p0, p1) = (m0.progress.get(class), m1.progress.get(class));
        if p0 == p1 {
            continue;
        }
        let pct = |p: Option<&u32>| p.map_or("unknown".to_owned(), |p| format!("{p}%"));
        push(
            out,
            "mof-class",
            CHANGED,
            format!("Class {class} progress {} → {}", pct(p0), pct(p1)),
            p1.copied().unwrap_or(0) < p0.copied().unwrap_or(0),
        );
    }
}

fn osaid(old: &Report, new: &Report, out: &mut Vec<Change>) {
    let (before, after) = (
        old.frameworks.osaid.open_source_ai,
        new.frameworks.osaid.open_source_ai,
    );
    if before == after {
        return;
    }
    let word = |b: bool| {
        if b {
            "open source AI"
        } else {
            "not open source AI"
        }
    };
    push(
        out,
        "osaid",
        CHANGED,
        format!("{} → {}", word(before), word(after)),
        before,
    );
}

fn parameters(old: &Report, new: &Report, out: &mut Vec<Change>) {
    let (before, after) = (
        old.components.weights.parameters,
        new.components.weights.parameters,
    );
    let detail = match (before, after) {
        (Some(b), Some(a)) if b != a => {
            // i128: the difference of two u64 always fits.
            let delta = i128::from(a) - i128::from(b);
            let percent = if b == 0 {
                String::new()
            } else {
                format!(", {:+.1}%", delta as f64 * 100.0 / b as f64)
            };
            (CHANGED, format!("{b} → {a} ({delta:+}{percent})"))
        }
        (None, Some(a)) => (ADDED, format!("unknown → {a}")),
        (Some(b), None) => (REMOVED, format!("{b} → unknown")),
        _ => return,
    };
    push(out, "parameters", detail.0, detail.1, false);
}

/// The weights files of a report by path, with their tensor count when the
/// header was read.
fn weights_files(report: &Report) -> BTreeMap<&str, Option<u64>> {
    report
        .files
        .iter()
        .filter(|f| f.kind == FileKind::Weights)
        .map(|f| (f.path.as_str(), f.weights.as_ref().map(|w| w.tensors)))
        .collect()
}

fn tensors(old: &Report, new: &Report, out: &mut Vec<Change>) {
    let (before, after) = (
        old.components.weights.tensors,
        new.components.weights.tensors,
    );
    let (w0, w1) = (weights_files(old), weights_files(new));
    let count = |t: Option<u64>| t.map_or("unknown".to_owned(), |t| t.to_string());
    if before != after {
        // Name the weights files behind the change in the total.
        let appeared: Vec<&str> = w1.keys().copied().filter(|p| !w0.contains_key(p)).collect();
        let vanished: Vec<&str> = w0.keys().copied().filter(|p| !w1.contains_key(p)).collect();
        let mut detail = format!("total {} → {}", count(before), count(after));
        if let (Some(b), Some(a)) = (before, after) {
            detail.push_str(&format!(" ({:+})", i128::from(a) - i128::from(b)));
        }
        if !appeared.is_empty() {
            detail.push_str(&format!("; appeared: {}", appeared.join(", ")));
        }
        if !vanished.is_empty() {
            detail.push_str(&format!("; vanished: {}", vanished.join(", ")));
        }
        push(out, "tensors", CHANGED, detail, false);
    }
    // Per file: the same path with a different count means tensors were
    // added to or removed from that file.
    let paths: BTreeSet<&str> = w0.keys().chain(w1.keys()).copied().collect();
    for path in paths {
        let (t0, t1) = (
            w0.get(path).copied().flatten(),
            w1.get(path).copied().flatten(),
        );
        let (op, detail) = match (t0, t1) {
            (Some(b), Some(a)) if a != b => (
                CHANGED,
                format!("{path}: {b} → {a} ({:+})", i128::from(a) - i128::from(b)),
            ),
            (None, Some(a)) => (ADDED, format!("{path}: {a} tensors")),
            (Some(b), None) => (REMOVED, format!("{path}: {b} tensors")),
            _ => continue,
        };
        push(out, "tensors", op, detail, false);
    }
}

/// Weights, code and data files added or removed: the files the three
/// components rest on (configs, docs and tokenizers are left out).
fn files(old: &Report, new: &Report, out: &mut Vec<Change>) {
    let relevant = |report: &'_ Report| -> BTreeMap<String, FileKind> {
        report
            .files
            .iter()
            .filter(|f| matches!(f.kind, FileKind::Weights | FileKind::Code | FileKind::Data))
            .map(|f| (f.path.clone(), f.kind))
            .collect()
    };
    let (f0, f1) = (relevant(old), relevant(new));
    let paths: BTreeSet<&String> = f0.keys().chain(f1.keys()).collect();
    for path in paths {
        match (f0.get(path), f1.get(path)) {
            (None, Some(kind)) => push(out, "file", ADDED, format!("{kind} file {path}"), false),
            (Some(kind), None) => push(out, "file", REMOVED, format!("{kind} file {path}"), false),
            (Some(k0), Some(k1)) if k0 != k1 => {
                push(out, "file", CHANGED, format!("{path}: {k0} → {k1}"), false)
            }
            _ => {}
        }
    }
}

/// Findings keyed by (code name, path), so changes list in the order of the
/// codes' names; several findings of one code on one path collapse into the
/// worst, so a reworded message is not a change.
fn finding_map(report: &Report) -> BTreeMap<(&'static str, Option<&str>), (Severity, &str)> {
    let mut map: BTreeMap<(&'static str, Option<&str>), (Severity, &str)> = BTreeMap::new();
    for f in &report.findings {
        let worst = (f.severity, f.message.as_str());
        map.entry((f.code.as_str(), f.path.as_deref()))
            .and_modify(|e| {
                if f.severity > e.0 {
                    *e = worst;
                }
            })
            .or_insert(worst);
    }
    map
}

fn findings(old: &Report, new: &Report, out: &mut Vec<Change>) {
    let (m0, m1) = (finding_map(old), finding_map(new));
    let keys: BTreeSet<&(&str, Option<&str>)> = m0.keys().chain(m1.keys()).collect();
    for key in keys {
        let (code, path) = key;
        let at = path.map_or(String::new(), |p| format!(" {p}"));
        match (m0.get(key), m1.get(key)) {
            (None, Some((severity, message))) => push(
                out,
                "finding",
                ADDED,
                format!("{severity} {code}{at}: {message}"),
                *severity == Severity::Error,
            ),
            (Some((severity, _)), None) => push(
                out,
                "finding",
                REMOVED,
                format!("{severity} {code}{at} resolved"),
                false,
            ),
            (Some((s0, _)), Some((s1, message))) if s0 != s1 => push(
                out,
                "finding",
                CHANGED,
                format!("{code}{at}: {s0} → {s1}: {message}"),
                *s1 == Severity::Error,
            ),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn report(status: &str, params: u64) -> Report {
        let text = json!({
            "schema_version": 1,
            "tool": {"name": "openness", "version": "0"},
            "root": "r",
            "release": {"name": null, "architectures": [], "model_type": null, "base_models": [], "library": null, "pipeline_tag": null},
            "components": {
                "code": {"status": status, "license": null, "license_source": null, "items": []},
                "weights": {"status": "shipped", "license": null, "license_source": null, "items": [], "formats": [], "files": 1, "tensors": 3, "parameters": params, "bytes": 0, "dtypes": {}},
                "data": {"status": "absent", "license": null, "license_source": null, "items": [], "datasets": []}
            },
            "license": {"declared": "mit", "spdx": "MIT", "name": null, "open": true, "files": []},
            "frameworks": {
                "mof": {"class": null, "label": "Unclassified", "progress": {"I": 0, "II": 0, "III": 0}, "mode": "shipped-only", "next_class": null, "components": []},
                "osaid": {"open_source_ai": false, "missing": [], "checklist": []}
            },
            "files": [],
            "findings": []
        })
        .to_string();
        parse_report(&text).unwrap()
    }

    #[test]
    fn status_moves_towards_absent_are_regressions() {
        let d = diff(&report("shipped", 100), &report("referenced", 100));
        assert!(d.regression);
        assert_eq!(d.changes[0].detail, "code shipped → referenced");
        let d = diff(&report("referenced", 100), &report("shipped", 100));
        assert!(!d.regression);
    }

    #[test]
    fn markdown_lists_each_change_and_marks_regressions() {
        let d = diff(&report("shipped", 100), &report("referenced", 100));
        let mut out = Vec::new();
        render_markdown(&mut out, &d).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "### openness diff\n\n- `~` component-status: code shipped → referenced **regression**\n\n1 change, 1 regression\n"
        );
        let mut out = Vec::new();
        render_markdown(
            &mut out,
            &diff(&report("shipped", 1), &report("shipped", 1)),
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "### openness diff\n\nNo changes.\n"
        );
    }

    #[test]
    fn parameter_delta_is_signed_with_percent() {
        let d = diff(&report("shipped", 200), &report("shipped", 150));
        assert_eq!(d.changes.len(), 1);
        assert_eq!(d.changes[0].detail, "200 → 150 (-50, -25.0%)");
        assert!(!d.regression);
    }

    #[test]
    fn finding_changes_list_by_code_name() {
        use crate::finding::{Code, Finding};
        let old = report("shipped", 1);
        let mut new = report("shipped", 1);
        // Declaration order puts pickle-weights before card-invalid; the
        // diff lists by name, as it always has.
        new.findings = vec![
            Finding::new(Code::PickleWeights, Some("pytorch_model.bin"), "pickled"),
            Finding::new(Code::CardInvalid, Some("README.md"), "bad front matter"),
        ];
        let changes = diff(&old, &new).changes;
        let details: Vec<&str> = changes.iter().map(|c| c.detail.as_str()).collect();
        assert_eq!(
            details,
            [
                "warning card-invalid README.md: bad front matter",
                "warning pickle-weights pytorch_model.bin: pickled",
            ]
        );
    }

    #[test]
    fn what_is_not_a_report_is_refused_with_the_reason() {
        assert!(
            parse_report("null")
                .unwrap_err()
                .contains("schema version 1")
        );
        assert!(
            parse_report("[1, 2]")
                .unwrap_err()
                .contains("several reports")
        );
        assert!(
            parse_report("{")
                .unwrap_err()
                .starts_with("not a JSON report")
        );
        let wrong_word =
            serde_json::to_string(&serde_json::to_value(report("shipped", 1)).unwrap())
                .unwrap()
                .replace("\"shipped-only\"", "\"everything\"");
        assert!(
            parse_report(&wrong_word)
                .unwrap_err()
                .contains("unknown MofMode \"everything\""),
        );
    }
}
