//! The summary of many releases (`--discover`): one table, one row per
//! release, so a folder of models or a Hugging Face cache reads at a glance.
//! Like the other renderers it computes nothing: each cell is a report field,
//! and the "worst finding" is picked from the report's own findings.

use super::table::{human_count, new_table, severity_color, status_cell, status_color};
use super::{TextOptions, sanitize};
use crate::finding::{Finding, Severity};
use crate::report::{Report, Status};
use comfy_table::{Cell, Color, ColumnConstraint, Width};
use std::io::{self, Write};

/// What one row shows, kept instead of the report: a summary of many
/// releases holds its rows, not every report, while the releases are scanned.
pub struct Row {
    name: String,
    statuses: [Status; 3],
    parameters: Option<u64>,
    licence: String,
    mof_class: String,
    worst: Option<(Severity, String)>,
}

impl Row {
    /// The row of `report`, shown under `name` (from discovery).
    pub fn new(name: &str, report: &Report) -> Row {
        let c = &report.components;
        Row {
            name: sanitize(name),
            statuses: [
                c.code.status,
                c.weights.component.status,
                c.data.component.status,
            ],
            parameters: c.weights.parameters,
            licence: licence(report),
            mof_class: match &report.frameworks.mof.class {
                Some(class) => sanitize(class),
                None => "-".to_owned(),
            },
            worst: worst_finding(&report.findings),
        }
    }
}

/// `rows` pairs each report with its display name (from discovery).
pub fn render(out: &mut dyn Write, rows: &[(String, &Report)], color: bool) -> io::Result<()> {
    render_with(out, rows, &TextOptions::new(color))
}

/// [`render`] at the width of `options`.
pub fn render_with(
    out: &mut dyn Write,
    rows: &[(String, &Report)],
    options: &TextOptions,
) -> io::Result<()> {
    let rows: Vec<Row> = rows.iter().map(|(n, r)| Row::new(n, r)).collect();
    render_rows_with(out, &rows, options)
}

/// The table of rows made by [`Row::new`].
pub fn render_rows(out: &mut dyn Write, rows: &[Row], color: bool) -> io::Result<()> {
    render_rows_with(out, rows, &TextOptions::new(color))
}

/// [`render_rows`] at the width of `options`.
pub fn render_rows_with(
    out: &mut dyn Write,
    rows: &[Row],
    options: &TextOptions,
) -> io::Result<()> {
    let color = options.color;
    let mut table = new_table(color, options.width);
    table.set_header(vec![
        "release",
        "code",
        "weights",
        "data",
        "params",
        "licence",
        "MOF",
        "worst finding",
    ]);
    for row in rows {
        let [code, weights, data] = row.statuses;
        table.add_row(vec![
            Cell::new(&row.name),
            status_cell(code, color),
            status_cell(weights, color),
            status_cell(data, color),
            Cell::new(row.parameters.map_or("-".to_owned(), human_count)),
            Cell::new(&row.licence),
            Cell::new(&row.mof_class),
            worst_finding_cell(&row.worst, color),
        ]);
    }
    // Names are what a user copies to scan one release again, and status
    // words, counts and classes are short: none of them is wrapped (a hub
    // name with its 40-digit revision is long: the table then grows past
    // the width rather than cut it). The licence and the worst finding
    // share what is left, wrapped at their spaces, never narrower than a
    // licence id or a finding code (boundaries count the cell's padding).
    for index in [0, 1, 2, 3, 4, 6] {
        if let Some(column) = table.column_mut(index) {
            column.set_constraint(ColumnConstraint::ContentWidth);
        }
    }
    // The licence: its header, and up to 12 columns of an id. The
    // finding: its longest word, so a finding code is never split.
    let licence = rows
        .iter()
        .map(|r| r.licence.chars().count().min(12))
        .chain(["licence".len()])
        .max()
        .unwrap_or(0);
    let finding = rows
        .iter()
        .filter_map(|r| r.worst.as_ref())
        .flat_map(|(_, w)| w.split(' '))
        .map(|word| word.chars().count())
        .chain(["finding".len()])
        .max()
        .unwrap_or(0);
    for (index, least) in [(5, licence), (7, finding)] {
        if let Some(column) = table.column_mut(index) {
            column.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(
                u16::try_from(least.saturating_add(2)).unwrap_or(u16::MAX),
            )));
        }
    }
    let table = table.to_string();
    let width = usize::from(options.width);
    if table.lines().all(|line| visible_width(line) <= width) {
        writeln!(out, "{table}")?;
    } else {
        // Eight columns of status words, a licence and a finding code need
        // about a hundred columns before any name: narrower, each release
        // is a short paragraph instead, so nothing runs past the width.
        for row in rows {
            write_paragraph(out, row, width, color)?;
        }
    }
    writeln!(
        out,
        "{} release{}",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" }
    )
}

/// Columns `line` takes on a terminal, colour codes left out.
fn visible_width(line: &str) -> usize {
    let mut width = 0;
    let mut in_escape = false;
    for c in line.chars() {
        match c {
            '\u{1b}' => in_escape = true,
            c if in_escape => in_escape = !c.is_ascii_alphabetic(),
            c => width += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0),
        }
    }
    width
}

/// One release as the summary's narrow form: its name, then its statuses,
/// size, licence, class and worst finding, wrapped at `width` under a
/// two-space indent.
fn write_paragraph(out: &mut dyn Write, row: &Row, width: usize, color: bool) -> io::Result<()> {
    let [code, weights, data] = row.statuses;
    let status = |label: &str, status: Status| {
        let word = status.as_str();
        if color {
            format!(
                "{label} \u{1b}[1;{}m{word}\u{1b}[0m",
                sgr(status_color(status))
            )
        } else {
            format!("{label} {word}")
        }
    };
    let worst = match &row.worst {
        None => "worst finding: none".to_owned(),
        Some((severity, text)) if color => format!(
            "worst finding: \u{1b}[{}m{text}\u{1b}[0m",
            sgr(severity_color(*severity))
        ),
        Some((_, text)) => format!("worst finding: {text}"),
    };
    let parts = [
        status("code", code),
        status("weights", weights),
        status("data", data),
        format!(
            "params {}",
            row.parameters.map_or("-".to_owned(), human_count)
        ),
        format!("licence {}", row.licence),
        format!("MOF {}", row.mof_class),
        worst,
    ];
    writeln!(out, "{}", row.name)?;
    const INDENT: &str = "  ";
    const SEPARATOR: &str = " · ";
    let mut line = String::from(INDENT);
    for part in parts {
        if line.len() == INDENT.len() {
            line.push_str(&part);
        } else if visible_width(&line) + visible_width(SEPARATOR) + visible_width(&part) > width {
            writeln!(out, "{line}")?;
            line = format!("{INDENT}{part}");
        } else {
            line.push_str(SEPARATOR);
            line.push_str(&part);
        }
    }
    writeln!(out, "{line}")
}

/// The SGR foreground code of a colour the table's cells use, so the
/// paragraph form colours words as the table does.
fn sgr(color: Color) -> u8 {
    match color {
        Color::Red => 31,
        Color::Green => 32,
        Color::Yellow => 33,
        Color::Blue => 34,
        Color::Cyan => 36,
        _ => 39,
    }
}

/// The SPDX expression when recognised, else what the card declares; "not
/// open" is said in words so it survives without colour.
fn licence(report: &Report) -> String {
    let l = &report.license;
    match (&l.spdx, &l.declared) {
        (Some(id), _) if l.open => sanitize(id),
        (Some(id), _) => format!("{} (not open)", sanitize(id)),
        (None, Some(declared)) => format!("{} (unrecognised)", sanitize(declared)),
        (None, None) => "none found".to_owned(),
    }
}

/// The most severe finding (the first of those in report order), and how
/// many more there are, so the row says whether to look closer. Notes that
/// are no defect (`license-wrong-type`, which the release table folds) are
/// left out: a release with nothing else has no worst finding.
fn worst_finding(findings: &[Finding]) -> Option<(Severity, String)> {
    let defects: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.code.is_defect() || f.severity > Severity::Info)
        .collect();
    // `max_by_key` keeps the last maximum; reversing keeps the report's first.
    let worst = defects.iter().rev().max_by_key(|f| f.severity)?;
    let text = if defects.len() == 1 {
        format!("{} {}", worst.severity, worst.code)
    } else {
        format!(
            "{} {} (+{} more)",
            worst.severity,
            worst.code,
            defects.len().saturating_sub(1)
        )
    };
    Some((worst.severity, text))
}

fn worst_finding_cell(worst: &Option<(Severity, String)>, color: bool) -> Cell {
    let Some((severity, text)) = worst else {
        return Cell::new("none");
    };
    let cell = Cell::new(text);
    if !color {
        return cell;
    }
    cell.fg(severity_color(*severity))
}

/// The line that says what Git LFS pointers stand in for weights: how many,
/// and the bytes they declare (`2 LFS pointers, 272.4 MB declared, not
/// fetched`); `None` when there are none. Counts report fields only.
pub fn lfs_line(report: &Report) -> Option<String> {
    let pointers: Vec<u64> = report
        .files
        .iter()
        .filter(|f| f.kind == crate::report::FileKind::Weights)
        .filter_map(|f| f.lfs.as_ref().map(|l| l.size))
        .collect();
    if pointers.is_empty() {
        return None;
    }
    let declared = pointers.iter().fold(0u64, |a, b| a.saturating_add(*b));
    Some(format!(
        "{} LFS pointer{}, {} declared, not fetched",
        pointers.len(),
        if pointers.len() == 1 { "" } else { "s" },
        decimal_bytes(declared)
    ))
}

/// Bytes in decimal units with one decimal (`272.4 MB`), as hubs show sizes.
fn decimal_bytes(n: u64) -> String {
    const UNITS: &[&str] = &["kB", "MB", "GB", "TB", "PB", "EB"];
    if n < 1000 {
        return format!("{n} B");
    }
    let mut value = n as f64 / 1000.0;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS.get(unit).copied().unwrap_or("EB"))
}

#[cfg(test)]
mod lfs_tests {
    use super::decimal_bytes;

    #[test]
    fn decimal_sizes() {
        assert_eq!(decimal_bytes(999), "999 B");
        assert_eq!(decimal_bytes(272_400_000), "272.4 MB");
        assert_eq!(decimal_bytes(1_300_000_000), "1.3 GB");
    }
}
