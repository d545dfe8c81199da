//! The human report: a table of the three components with status, evidence
//! and licence, a weights summary in human units, the licence line, then the
//! findings by severity. Colour only when the caller says so (the binary
//! decides from `--color` and the NO_COLOR/CLICOLOR conventions);
//! comfy-table's own TTY detection ignores NO_COLOR, so it is turned off.

use super::sanitize;
use crate::finding::Severity;
use crate::report::{Component, Report, Status};
use comfy_table::{Attribute, Cell, Color, ContentArrangement, Table, presets};
use std::io::{self, Write};

pub fn render(out: &mut dyn Write, reports: &[Report], color: bool) -> io::Result<()> {
    for (i, report) in reports.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        render_one(out, report, color)?;
    }
    Ok(())
}

fn render_one(out: &mut dyn Write, report: &Report, color: bool) -> io::Result<()> {
    let name = report
        .release
        .name
        .as_deref()
        .unwrap_or("(unnamed release)");
    writeln!(out, "{} ({})", sanitize(name), sanitize(&report.root))?;

    let mut table = new_table(color);
    table.set_header(vec!["component", "status", "evidence", "licence"]);
    let c = &report.components;
    for (label, component) in [
        ("code", &c.code),
        ("weights", &c.weights.component),
        ("data", &c.data.component),
    ] {
        table.add_row(vec![
            Cell::new(label),
            status_cell(component.status, color),
            Cell::new(evidence(component)),
            Cell::new(
                component
                    .license
                    .as_deref()
                    .map_or("-".to_owned(), sanitize),
            ),
        ]);
    }
    writeln!(out, "{table}")?;

    let w = &c.weights;
    if w.files > 0 {
        let parts = weights_summary(w, sanitize);
        writeln!(out, "weights: {}", parts.join(" · "))?;
    }
    if let Some(line) = super::summary::lfs_line(report) {
        writeln!(out, "{line}")?;
    }
    if !c.data.datasets.is_empty() {
        let names: Vec<String> = c.data.datasets.iter().map(|d| sanitize(d)).collect();
        writeln!(out, "datasets: {}", names.join(", "))?;
    }

    let l = &report.license;
    let licence = match (&l.spdx, &l.declared) {
        (Some(id), _) => {
            let openness = if l.open { "open" } else { "not open" };
            match l.name.as_deref().filter(|n| n != id) {
                Some(name) => format!("{} ({}, {openness})", sanitize(id), sanitize(name)),
                None => format!("{} ({openness})", sanitize(id)),
            }
        }
        (None, Some(d)) => format!("{} (unrecognised, not open)", sanitize(d)),
        (None, None) => "none found".to_owned(),
    };
    writeln!(out, "licence: {licence}")?;

    let mof = &report.frameworks.mof;
    writeln!(out, "MOF: {}", mof_summary(mof, |t| t.to_owned()))?;
    if let Some(next) = &mof.next_class {
        writeln!(
            out,
            "  Class {} needs: {}",
            next.class,
            next.missing.join(", ")
        )?;
    }
    let osaid = &report.frameworks.osaid;
    if osaid.open_source_ai {
        writeln!(out, "OSAID 1.0: open source AI")?;
    } else {
        writeln!(out, "OSAID 1.0: not open source AI; missing:")?;
        for m in &osaid.missing {
            writeln!(out, "  - {m}")?;
        }
    }

    if report.findings.is_empty() {
        writeln!(out, "findings: none")?;
        return Ok(());
    }
    let mut findings: Vec<_> = report.findings.iter().collect();
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let mut table = new_table(color);
    table.set_header(vec!["severity", "code", "path", "message"]);
    for f in findings {
        table.add_row(vec![
            severity_cell(f.severity, color),
            Cell::new(f.code.as_str()),
            Cell::new(f.path.as_deref().map_or("-".to_owned(), sanitize)),
            Cell::new(sanitize(&f.message)),
        ]);
    }
    writeln!(out, "findings:\n{table}")
}

/// "Class II - Open Tooling Model (progress: Class I 79% · II 100% · III
/// 100%; shipped components only)", shared by the table and Markdown.
pub(crate) fn mof_summary(mof: &crate::report::Mof, escape: impl Fn(&str) -> String) -> String {
    let progress = |k: &str| mof.progress.get(k).copied().unwrap_or(0);
    format!(
        "{} (progress: Class I {}% · II {}% · III {}%; {})",
        escape(&mof.label),
        progress("I"),
        progress("II"),
        progress("III"),
        if mof.mode == crate::report::MofMode::CountReferenced {
            "referenced components count"
        } else {
            "shipped components only"
        }
    )
}

/// The weights line's parts, shared by the table and the Markdown renderers:
/// formats, files, tensors, parameters in SI units, bytes in binary units,
/// each dtype's share of the parameters. `escape` makes untrusted names safe
/// for the output at hand.
pub(crate) fn weights_summary(
    w: &crate::report::WeightsComponent,
    escape: impl Fn(&str) -> String,
) -> Vec<String> {
    let mut parts = vec![
        if w.formats.is_empty() {
            "no readable format".to_owned()
        } else {
            w.formats
                .iter()
                .map(|f| escape(f))
                .collect::<Vec<_>>()
                .join(", ")
        },
        plural(w.files, "file"),
    ];
    if let Some(t) = w.tensors {
        parts.push(plural(t, "tensor"));
    }
    if let Some(p) = w.parameters {
        parts.push(format!("{} parameters", human_count(p)));
    }
    parts.push(human_bytes(w.bytes));
    // Shares are computed in f64: per-dtype counts come from declared
    // shapes, and a hostile checkpoint's u64 sum overflows (a panic with
    // overflow checks on; a saturated total would show 100% twice).
    let total: f64 = w.dtypes.values().map(|&n| n as f64).sum();
    if total > 0.0 {
        let dtypes: Vec<String> = w
            .dtypes
            .iter()
            .map(|(d, n)| format!("{} {:.0}%", escape(d), *n as f64 * 100.0 / total))
            .collect();
        parts.push(dtypes.join(" "));
    }
    parts
}

/// Layout is fixed (the writer may be a file or a pipe); styling only when
/// the caller decided colour is wanted.
pub(crate) fn new_table(color: bool) -> Table {
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(120)
        .force_no_tty();
    if color {
        table.enforce_styling();
    }
    table
}

fn evidence(component: &Component) -> String {
    let lines = super::evidence_lines(component);
    if lines.is_empty() {
        return "-".to_owned();
    }
    lines
        .iter()
        .map(|l| sanitize(l))
        .collect::<Vec<_>>()
        .join("\n")
}

pub(crate) fn status_cell(status: Status, color: bool) -> Cell {
    let cell = Cell::new(status.as_str());
    if !color {
        return cell;
    }
    let fg = match status {
        Status::Shipped => Color::Green,
        Status::Incomplete => Color::Yellow,
        Status::Referenced => Color::Cyan,
        Status::Absent => Color::Red,
    };
    cell.fg(fg).add_attribute(Attribute::Bold)
}

fn severity_cell(severity: Severity, color: bool) -> Cell {
    let cell = Cell::new(severity.as_str());
    if !color {
        return cell;
    }
    cell.fg(severity_color(severity))
}

pub(crate) fn severity_color(severity: Severity) -> Color {
    match severity {
        Severity::Error => Color::Red,
        Severity::Warning => Color::Yellow,
        Severity::Info => Color::Blue,
    }
}

pub(crate) fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// 1234567 → "1.23 M" (SI, as model sizes are quoted).
pub fn human_count(n: u64) -> String {
    const UNITS: &[(u64, &str)] = &[
        (1_000_000_000_000, "T"),
        (1_000_000_000, "B"),
        (1_000_000, "M"),
        (1_000, "K"),
    ];
    for &(scale, unit) in UNITS {
        if n >= scale {
            return format!("{:.2} {unit}", n as f64 / scale as f64);
        }
    }
    n.to_string()
}

/// Bytes in binary units.
pub fn human_bytes(n: u64) -> String {
    const UNITS: &[&str] = &["KiB", "MiB", "GiB", "TiB", "PiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut value = n as f64;
    let mut unit = "B";
    for u in UNITS {
        if value < 1024.0 {
            break;
        }
        value /= 1024.0;
        unit = u;
    }
    format!("{value:.1} {unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_units() {
        assert_eq!(human_count(999), "999");
        assert_eq!(human_count(124_439_808), "124.44 M");
        assert_eq!(human_count(7_241_732_096), "7.24 B");
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(100 << 30), "100.0 GiB");
    }
}
