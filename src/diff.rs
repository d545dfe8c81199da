//! Diff of two releases: what changed between two JSON reports (as
//! `openness scan --format json` prints them), and which changes make the
//! release less open or less intact — the regressions a CI gate fails on.
//!
//! It works on `serde_json::Value`, not on [`crate::report::Report`], so a
//! report saved by an earlier run (or an earlier version of the tool) can be
//! compared with a fresh scan; a missing field reads as "unknown", never as a
//! panic. Changes come in a fixed order of kinds, each sorted by what it
//! names, so the same two reports always give the same diff.

use crate::render::sanitize;
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
pub fn diff(old: &Value, new: &Value) -> Diff {
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

/// Whether `value` has the shape of a report (a caller reading a JSON file
/// should refuse anything else rather than print an empty diff).
pub fn looks_like_report(value: &Value) -> bool {
    value.get("schema_version").is_some_and(Value::is_u64)
        && value.get("components").is_some_and(Value::is_object)
        && value.get("files").is_some_and(Value::is_array)
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

fn str_at<'a>(v: &'a Value, pointer: &str) -> Option<&'a str> {
    v.pointer(pointer).and_then(Value::as_str)
}

fn u64_at(v: &Value, pointer: &str) -> Option<u64> {
    v.pointer(pointer).and_then(Value::as_u64)
}

fn bool_at(v: &Value, pointer: &str) -> bool {
    v.pointer(pointer).and_then(Value::as_bool).unwrap_or(false)
}

/// Shipped is the most present, absent the least; a move down this list is a
/// regression. Unknown words rank as absent.
fn status_rank(status: &str) -> u8 {
    match status {
        "shipped" => 0,
        "incomplete" => 1,
        "referenced" => 2,
        _ => 3,
    }
}

fn component_status(old: &Value, new: &Value, out: &mut Vec<Change>) {
    for component in ["code", "weights", "data"] {
        let pointer = format!("/components/{component}/status");
        let before = str_at(old, &pointer).unwrap_or("absent");
        let after = str_at(new, &pointer).unwrap_or("absent");
        if before == after {
            continue;
        }
        let op = if before == "absent" {
            ADDED
        } else if after == "absent" {
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

fn license(old: &Value, new: &Value, out: &mut Vec<Change>) {
    let name = |v: &Value| {
        str_at(v, "/license/spdx")
            .map(str::to_owned)
            // An unrecognised declaration still names something.
            .or_else(|| str_at(v, "/license/declared").map(|d| format!("{d} (unrecognised)")))
    };
    let openness = |open: bool| if open { "open" } else { "not open" };
    let (before, after) = (name(old), name(new));
    let (was_open, is_open) = (bool_at(old, "/license/open"), bool_at(new, "/license/open"));
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

fn mof(old: &Value, new: &Value, out: &mut Vec<Change>) {
    let before = str_at(old, "/frameworks/mof/class");
    let after = str_at(new, "/frameworks/mof/class");
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
        let pointer = format!("/frameworks/mof/progress/{class}");
        let (p0, p1) = (u64_at(old, &pointer), u64_at(new, &pointer));
        if p0 == p1 {
            continue;
        }
        let pct = |p: Option<u64>| p.map_or("unknown".to_owned(), |p| format!("{p}%"));
        push(
            out,
            "mof-class",
            CHANGED,
            format!("Class {class} progress {} → {}", pct(p0), pct(p1)),
            p1.unwrap_or(0) < p0.unwrap_or(0),
        );
    }
}

fn osaid(old: &Value, new: &Value, out: &mut Vec<Change>) {
    let pointer = "/frameworks/osaid/open_source_ai";
    let (before, after) = (bool_at(old, pointer), bool_at(new, pointer));
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

fn parameters(old: &Value, new: &Value, out: &mut Vec<Change>) {
    let pointer = "/components/weights/parameters";
    let (before, after) = (u64_at(old, pointer), u64_at(new, pointer));
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
fn weights_files(report: &Value) -> BTreeMap<String, Option<u64>> {
    files_of(report)
        .filter(|f| f.get("kind").and_then(Value::as_str) == Some("weights"))
        .filter_map(|f| {
            let path = f.get("path")?.as_str()?.to_owned();
            Some((path, u64_at(f, "/weights/tensors")))
        })
        .collect()
}

fn files_of(report: &Value) -> impl Iterator<Item = &Value> {
    report
        .get("files")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

fn tensors(old: &Value, new: &Value, out: &mut Vec<Change>) {
    let pointer = "/components/weights/tensors";
    let (before, after) = (u64_at(old, pointer), u64_at(new, pointer));
    let (w0, w1) = (weights_files(old), weights_files(new));
    let count = |t: Option<u64>| t.map_or("unknown".to_owned(), |t| t.to_string());
    if before != after {
        // Name the weights files behind the change in the total.
        let appeared: Vec<&str> = w1
            .keys()
            .filter(|p| !w0.contains_key(*p))
            .map(String::as_str)
            .collect();
        let vanished: Vec<&str> = w0
            .keys()
            .filter(|p| !w1.contains_key(*p))
            .map(String::as_str)
            .collect();
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
    let paths: BTreeSet<&String> = w0.keys().chain(w1.keys()).collect();
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
fn files(old: &Value, new: &Value, out: &mut Vec<Change>) {
    let relevant = |report: &Value| -> BTreeMap<String, String> {
        files_of(report)
            .filter_map(|f| {
                let kind = f.get("kind")?.as_str()?;
                if !matches!(kind, "weights" | "code" | "data") {
                    return None;
                }
                Some((f.get("path")?.as_str()?.to_owned(), kind.to_owned()))
            })
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

/// Findings keyed by (code, path); several findings of one code on one path
/// collapse into the worst, so a reworded message is not a change.
fn finding_map(report: &Value) -> BTreeMap<(String, Option<String>), (&str, &str)> {
    let mut map = BTreeMap::new();
    let items = report.get("findings").and_then(Value::as_array);
    for f in items.into_iter().flatten() {
        let Some(code) = f.get("code").and_then(Value::as_str) else {
            continue;
        };
        let path = f.get("path").and_then(Value::as_str).map(str::to_owned);
        let severity = f.get("severity").and_then(Value::as_str).unwrap_or("info");
        let message = f.get("message").and_then(Value::as_str).unwrap_or("");
        map.entry((code.to_owned(), path))
            .and_modify(|e: &mut (&str, &str)| {
                if severity_rank(severity) > severity_rank(e.0) {
                    *e = (severity, message);
                }
            })
            .or_insert((severity, message));
    }
    map
}

fn severity_rank(severity: &str) -> u8 {
    match severity {
        "error" => 2,
        "warning" => 1,
        _ => 0,
    }
}

fn findings(old: &Value, new: &Value, out: &mut Vec<Change>) {
    let (m0, m1) = (finding_map(old), finding_map(new));
    let keys: BTreeSet<&(String, Option<String>)> = m0.keys().chain(m1.keys()).collect();
    for key in keys {
        let (code, path) = key;
        let at = path.as_deref().map_or(String::new(), |p| format!(" {p}"));
        match (m0.get(key), m1.get(key)) {
            (None, Some((severity, message))) => push(
                out,
                "finding",
                ADDED,
                format!("{severity} {code}{at}: {message}"),
                *severity == "error",
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
                *s1 == "error",
            ),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn report(status: &str, params: u64) -> Value {
        json!({
            "schema_version": 1,
            "components": {"code": {"status": status}, "weights": {"status": "shipped", "parameters": params, "tensors": 3}, "data": {"status": "absent"}},
            "license": {"spdx": "MIT", "declared": "mit", "open": true},
            "frameworks": {"mof": {"class": null, "progress": {"I": 0, "II": 0, "III": 0}}, "osaid": {"open_source_ai": false}},
            "files": [],
            "findings": []
        })
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
    fn parameter_delta_is_signed_with_percent() {
        let d = diff(&report("shipped", 200), &report("shipped", 150));
        assert_eq!(d.changes.len(), 1);
        assert_eq!(d.changes[0].detail, "200 → 150 (-50, -25.0%)");
        assert!(!d.regression);
    }

    #[test]
    fn garbage_is_no_panic() {
        let d = diff(&json!(null), &json!([1, 2]));
        assert!(d.changes.is_empty());
        assert!(!looks_like_report(&json!({"a": 1})));
        assert!(looks_like_report(&report("shipped", 1)));
    }
}
