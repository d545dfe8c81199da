//! The human report: a table of the three components with status, evidence
//! and licence, a weights summary in human units, the licence line, one
//! line each for the MOF and OSAID verdicts, the findings, and a closing
//! summary line. It fits the width it is given (the terminal's, or
//! [`super::DEFAULT_WIDTH`]): comfy-table arranges the columns and long
//! evidence lines are shortened in the middle. What is listed follows
//! [`crate::view::View`] (`--verbose`, `--quiet`, `--min-severity`).
//! Colour only when the caller says so (the binary decides from `--color`
//! and the NO_COLOR/CLICOLOR conventions); comfy-table's own TTY detection
//! ignores NO_COLOR, so it is turned off.

use super::{TextOptions, sanitize};
use crate::finding::Severity;
use crate::report::{Component, Report, Status};
use crate::view::{FindingRow, View};
use comfy_table::{
    Attribute, Cell, Color, ColumnConstraint, ContentArrangement, Row, Table, Width,
};
use std::io::{self, Write};
use unicode_width::UnicodeWidthStr;

/// Evidence items a component's cell shows by default (`--verbose`:
/// [`super::EVIDENCE_SHOWN`]).
const EVIDENCE_BRIEF: usize = 2;

/// The lines a finding takes by default: its message is cut with an
/// ellipsis (`--verbose` shows it whole, `openness explain CODE` says more).
const MESSAGE_LINES: usize = 1;

/// The fewest columns worth keeping for what an evidence line names after
/// its kind and place.
const MIN_WHAT: usize = 16;

/// Columns the borders and padding of a four-column table take: five
/// vertical lines and one space each side of every cell.
const FOUR_COLUMN_FRAME: usize = 5 + 4 * 2;

pub fn render(out: &mut dyn Write, reports: &[Report], color: bool) -> io::Result<()> {
    render_with(out, reports, &TextOptions::new(color))
}

/// The reports one after the other, a blank line between them (none with
/// `--quiet`, which writes a summary line per report and its errors).
pub fn render_with(
    out: &mut dyn Write,
    reports: &[Report],
    options: &TextOptions,
) -> io::Result<()> {
    for (i, report) in reports.iter().enumerate() {
        if i > 0 && !options.view.quiet {
            writeln!(out)?;
        }
        render_one(out, report, options)?;
    }
    Ok(())
}

fn render_one(out: &mut dyn Write, report: &Report, o: &TextOptions) -> io::Result<()> {
    let view = View::of(report, &o.view);
    if o.view.quiet {
        // The PATH as given, then the errors under it. Never wrapped: one
        // line per release, to grep.
        writeln!(
            out,
            "{}: {}",
            sanitize(&report.root),
            summary_line(report, &view)
        )?;
        return findings(out, &view, o);
    }
    let wrap = |out: &mut dyn Write, text: &str| write_wrapped(out, text, o.width, "  ");
    let name = sanitize(
        report
            .release
            .name
            .as_deref()
            .unwrap_or("(unnamed release)"),
    );
    wrap(out, &format!("{name} ({})", sanitize(&report.root)))?;
    components(out, report, o)?;

    let c = &report.components;
    let w = &c.weights;
    if w.files > 0 {
        let parts = weights_summary(w, sanitize);
        wrap(out, &format!("weights: {}", parts.join(" · ")))?;
    }
    if let Some(line) = super::summary::lfs_line(report) {
        wrap(out, &line)?;
    }
    if !c.data.datasets.is_empty() {
        let names: Vec<String> = c.data.datasets.iter().map(|d| sanitize(d)).collect();
        wrap(out, &format!("datasets: {}", names.join(", ")))?;
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
    wrap(out, &format!("licence: {licence}"))?;

    frameworks(out, report, &view, o)?;
    findings(out, &view, o)?;
    if !view.folded.is_empty() {
        let codes: Vec<String> = view
            .folded
            .iter()
            .map(|g| format!("{} ×{}", g.code, g.count))
            .collect();
        wrap(
            out,
            &format!(
                "{} folded: {}; --verbose to list",
                plural(count(view.folded_total), "note"),
                codes.join(", ")
            ),
        )?;
    }
    wrap(out, &summary_line(report, &view))
}

/// The components table: evidence lines shortened to the column the width
/// leaves them (whole with `--verbose`), licences one term a line in at
/// most a quarter of the width.
fn components(out: &mut dyn Write, report: &Report, o: &TextOptions) -> io::Result<()> {
    let c = &report.components;
    let parts = [
        ("code", &c.code),
        ("weights", &c.weights.component),
        ("data", &c.data.component),
    ];
    let width = usize::from(o.width);
    let licence_cap = (width / 4).max(12);
    let licences: Vec<String> = parts
        .iter()
        .map(|(_, component)| licence_cell(component.license.as_deref(), licence_cap))
        .collect();
    let licence_width = licences
        .iter()
        .flat_map(|l| l.lines())
        .map(|l| l.width())
        .chain(["licence".width()])
        .max()
        .unwrap_or(0)
        .min(licence_cap);
    let status_width = parts
        .iter()
        .map(|(_, component)| component.status.as_str().len())
        .chain(["status".len()])
        .max()
        .unwrap_or(0);
    let taken = [
        FOUR_COLUMN_FRAME,
        "component".len(),
        status_width,
        licence_width,
    ]
    .into_iter()
    .fold(0usize, usize::saturating_add);
    let evidence_width = width.saturating_sub(taken).max(16);
    let shown = if o.view.verbose {
        super::EVIDENCE_SHOWN
    } else {
        EVIDENCE_BRIEF
    };

    let mut table = new_table(o.color, o.width);
    table.set_header(vec!["component", "status", "evidence", "licence"]);
    for ((label, component), licence) in parts.iter().zip(licences) {
        table.add_row(vec![
            Cell::new(label),
            status_cell(component.status, o.color),
            Cell::new(evidence(
                component,
                shown,
                (!o.view.verbose).then_some(evidence_width),
            )),
            Cell::new(licence),
        ]);
    }
    // Every column but the evidence is as wide as its content, which is
    // already cut to fit; the evidence column gets the rest.
    for index in [0, 1, 3] {
        if let Some(column) = table.column_mut(index) {
            column.set_constraint(ColumnConstraint::ContentWidth);
        }
    }
    writeln!(out, "{table}")
}

/// A component's licence, one term of the expression a line (`Apache-2.0`,
/// `AND LicenseRef-...`), each shortened to `fit` columns: the licence line
/// under the table gives the whole expression.
fn licence_cell(licence: Option<&str>, fit: usize) -> String {
    let Some(licence) = licence else {
        return "-".to_owned();
    };
    let licence = sanitize(licence);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in licence.split(' ') {
        if matches!(word, "AND" | "OR") && !line.is_empty() {
            lines.push(shorten(&line, fit));
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(shorten(&line, fit));
    lines.join("\n")
}

/// The MOF and OSAID verdicts, one line each; `--verbose` adds what the
/// next MOF class lacks, component by component, and the OSAID elements
/// missing.
fn frameworks(
    out: &mut dyn Write,
    report: &Report,
    view: &View,
    o: &TextOptions,
) -> io::Result<()> {
    let verbose = o.view.verbose;
    let wrap =
        |out: &mut dyn Write, text: &str, indent: &str| write_wrapped(out, text, o.width, indent);
    let mof = &report.frameworks.mof;
    let progress = |k: &str| mof.progress.get(k).copied().unwrap_or(0);
    if verbose {
        wrap(
            out,
            &format!("MOF: {}", mof_summary(mof, |t| t.to_owned())),
            "  ",
        )?;
        if let Some(next) = &mof.next_class {
            wrap(
                out,
                &format!(
                    "  Class {} not reached: {}",
                    next.class,
                    sanitize(&next.why)
                ),
                "    ",
            )?;
            let needs: Vec<String> = next
                .reasons
                .iter()
                .map(|r| format!("{} ({})", sanitize(&r.name), r.reason.phrase()))
                .collect();
            wrap(
                out,
                &format!("  Class {} needs: {}", next.class, needs.join(", ")),
                "    ",
            )?;
        }
    } else {
        // Classes are cumulative: the class after the one reached is the
        // only one whose progress is neither 100% nor 0%.
        let line = match &mof.next_class {
            Some(next) => format!(
                "MOF: {}; Class {} not reached ({}%): {}",
                sanitize(&mof.label),
                next.class,
                progress(&next.class),
                sanitize(&next.why)
            ),
            None => format!("MOF: {}", sanitize(&mof.label)),
        };
        wrap(out, &line, "  ")?;
    }
    let osaid = &report.frameworks.osaid;
    if osaid.open_source_ai {
        return writeln!(out, "OSAID 1.0: open source AI");
    }
    let s = &view.osaid;
    if verbose {
        writeln!(
            out,
            "OSAID 1.0: not open source AI; {} of {} elements missing:",
            s.missing, s.elements
        )?;
        for m in &osaid.missing {
            wrap(out, &format!("  - {}", sanitize(m)), "    ")?;
        }
        return Ok(());
    }
    let parts: Vec<String> = s
        .missing_by_part
        .iter()
        .map(|(part, n)| format!("{part} {n}"))
        .collect();
    wrap(
        out,
        &format!(
            "OSAID 1.0: not open source AI; {} of {} elements missing ({})",
            s.missing,
            s.elements,
            parts.join(", ")
        ),
        "  ",
    )
}

/// The findings table, when the view lists any: one row per finding or
/// group of one code; paths shortened and messages cut to
/// [`MESSAGE_LINES`] unless `--verbose`.
fn findings(out: &mut dyn Write, view: &View, o: &TextOptions) -> io::Result<()> {
    if view.rows.is_empty() {
        return Ok(());
    }
    // The path gets at most two fifths of what the severity and code
    // columns leave, the message the rest.
    let severity_width = view
        .rows
        .iter()
        .map(|f| f.severity.as_str().len())
        .chain(["severity".len()])
        .max()
        .unwrap_or(0);
    let code_width = view
        .rows
        .iter()
        .map(|f| code_label(f).width())
        .max()
        .unwrap_or(0);
    let taken = [FOUR_COLUMN_FRAME, severity_width, code_width]
        .into_iter()
        .fold(0usize, usize::saturating_add);
    let path_width = (usize::from(o.width).saturating_sub(taken) * 2 / 5).max(12);
    let verbose = o.view.verbose;
    let mut table = new_table(o.color, o.width);
    table.set_header(vec!["severity", "code", "path", "message"]);
    for f in &view.rows {
        let mut row = Row::from(vec![
            severity_cell(f.severity, o.color),
            Cell::new(code_label(f)),
            Cell::new(path_label(f, (!verbose).then_some(path_width))),
            Cell::new(sanitize(f.message)),
        ]);
        if !verbose {
            row.max_height(MESSAGE_LINES);
        }
        table.add_row(row);
    }
    for index in 0..2 {
        if let Some(column) = table.column_mut(index) {
            column.set_constraint(ColumnConstraint::ContentWidth);
        }
    }
    if let Some(column) = table.column_mut(2) {
        column.set_constraint(if verbose {
            ColumnConstraint::UpperBoundary(Width::Percentage(33))
        } else {
            ColumnConstraint::ContentWidth
        });
    }
    writeln!(out, "{table}")
}

/// `pickle-weights ×6` for a group of six, the code alone for one finding.
fn code_label(f: &FindingRow) -> String {
    if f.count > 1 {
        format!("{} ×{}", f.code, f.count)
    } else {
        f.code.as_str().to_owned()
    }
}

/// The path of the (first) finding, shortened to `fit` columns.
fn path_label(f: &FindingRow, fit: Option<usize>) -> String {
    let path = f.path.map_or("-".to_owned(), sanitize);
    match fit {
        Some(width) => shorten(&path, width),
        None => path,
    }
}

/// `2 errors, 1 warning, 3 notes · code shipped · weights referenced · data
/// absent · licence not open`: every finding counted, whatever the view
/// lists; the three statuses; whether the licence is open.
pub(crate) fn summary_line(report: &Report, view: &View) -> String {
    let n = &view.counts;
    let c = &report.components;
    let l = &report.license;
    let licence = if l.spdx.is_none() && l.declared.is_none() {
        "no licence found"
    } else if l.open {
        "licence open"
    } else {
        "licence not open"
    };
    format!(
        "{}, {}, {} · code {} · weights {} · data {} · {licence}",
        plural(count(n.errors), "error"),
        plural(count(n.warnings), "warning"),
        plural(count(n.notes), "note"),
        c.code.status,
        c.weights.component.status,
        c.data.component.status,
    )
}

fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
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

/// `width` columns, whatever the writer is (a terminal, a file, a pipe):
/// the caller decides it; styling only when the caller decided colour is
/// wanted.
pub(crate) fn new_table(color: bool, width: u16) -> Table {
    let mut table = Table::new();
    table
        .load_style(comfy_table::presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width)
        .force_no_tty();
    if color {
        table.enforce_styling();
    }
    table
}

/// The evidence cell: [`super::evidence_lines`], escaped. With `fit`, each
/// line is shortened to that many columns, in what it names first (a long
/// URL keeps its host and its file name) so the kind and place stay whole,
/// and "· +N more" ends the last line; without, "+N more" is a line of its
/// own.
fn evidence(component: &Component, shown: usize, fit: Option<usize>) -> String {
    let (lines, more) = super::evidence_lines(component, shown);
    if lines.is_empty() {
        return "-".to_owned();
    }
    let mut more = (more > 0).then(|| format!("+{more} more"));
    let last = lines.len().saturating_sub(1);
    let mut cell: Vec<String> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let head = sanitize(&l.head);
        let what = sanitize(&l.what);
        let whole = if what.is_empty() {
            head.clone()
        } else {
            format!("{head} {what}")
        };
        let Some(width) = fit else {
            cell.push(whole);
            continue;
        };
        // Room for what it names after the head and a space.
        let room = |width: usize| width.saturating_sub(head.width().saturating_add(1));
        // "· +N more" ends the last line when that leaves what it names a
        // useful part; else it stays a line of its own.
        let suffix = match &more {
            Some(m) if i == last => {
                let suffix = format!(" · {m}");
                let left = width.saturating_sub(suffix.width());
                if what.is_empty() || room(left) >= MIN_WHAT {
                    more = None;
                    suffix
                } else {
                    String::new()
                }
            }
            _ => String::new(),
        };
        let width = width.saturating_sub(suffix.width());
        // A head too long to leave a useful part is shortened with the rest.
        let line = if what.is_empty() || room(width) < MIN_WHAT {
            shorten(&whole, width)
        } else {
            format!("{head} {}", shorten(&what, room(width)))
        };
        cell.push(line + &suffix);
    }
    if let Some(more) = more {
        cell.push(more);
    }
    cell.join("\n")
}

/// Writes `text` as lines of at most `width` columns, broken at spaces;
/// lines after the first start with `indent`. A word longer than a line
/// stays whole.
fn write_wrapped(out: &mut dyn Write, text: &str, width: u16, indent: &str) -> io::Result<()> {
    let width = usize::from(width);
    let mut line = String::new();
    let mut used = 0usize;
    // Nothing but the indent in `line` yet.
    let mut fresh = true;
    for word in text.split(' ') {
        let w = word.width();
        if !fresh && used.saturating_add(1).saturating_add(w) > width {
            writeln!(out, "{line}")?;
            line = indent.to_owned();
            used = indent.width();
            fresh = true;
        }
        if !fresh {
            line.push(' ');
            used = used.saturating_add(1);
        }
        line.push_str(word);
        used = used.saturating_add(w);
        fresh = false;
    }
    writeln!(out, "{line}")
}

/// `text` in at most `width` terminal columns: whole when it fits, else its
/// start and its end around an ellipsis (the end of a path or URL names the
/// file).
pub(crate) fn shorten(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    let room = width.saturating_sub(1);
    let tail_room = room * 2 / 5;
    let head_room = room - tail_room;
    let mut head = String::new();
    let mut used = 0usize;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used.saturating_add(w) > head_room {
            break;
        }
        used = used.saturating_add(w);
        head.push(c);
    }
    let mut tail: Vec<char> = Vec::new();
    let mut used = 0usize;
    for c in text.chars().rev() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used.saturating_add(w) > tail_room {
            break;
        }
        used = used.saturating_add(w);
        tail.push(c);
    }
    head.push('…');
    head.extend(tail.into_iter().rev());
    head
}

pub(crate) fn status_cell(status: Status, color: bool) -> Cell {
    let cell = Cell::new(status.as_str());
    if !color {
        return cell;
    }
    cell.fg(status_color(status)).add_attribute(Attribute::Bold)
}

pub(crate) fn status_color(status: Status) -> Color {
    match status {
        Status::Shipped => Color::Green,
        Status::Incomplete => Color::Yellow,
        Status::Referenced => Color::Cyan,
        Status::Absent => Color::Red,
    }
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
    fn shorten_keeps_both_ends_within_the_width() {
        assert_eq!(shorten("short", 10), "short");
        let url = "reference: README.md:18 https://example.org/a/very/long/path/to/tiny.en.pt";
        let cut = shorten(url, 40);
        assert_eq!(cut.width(), 40, "{cut}");
        assert!(cut.starts_with("reference: README.md:18 "), "{cut}");
        assert!(cut.ends_with("/tiny.en.pt"), "{cut}");
        assert!(cut.contains('…'));
        // Wide characters count two columns.
        let cjk = "数据".repeat(20);
        assert!(shorten(&cjk, 11).width() <= 11);
    }

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
