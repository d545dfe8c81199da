//! GitHub-flavoured Markdown for a pull-request comment or
//! `$GITHUB_STEP_SUMMARY`: the same facts as the table renderer, laid out as
//! a heading, a components table, a few summary lines, the openness verdicts
//! and a findings table.
//!
//! Every string that comes from the release (file names, card fields,
//! messages quoting them) goes through [`escape`], so a file called
//! `a|b<script>` can neither split a table cell nor inject HTML.

use super::sanitize;
use crate::finding::Severity;
use crate::report::{Component, Report, Status};
use crate::view::{View, ViewOptions};
use std::io::{self, Write};

pub fn render(out: &mut dyn Write, reports: &[Report]) -> io::Result<()> {
    render_with(out, reports, &ViewOptions::default())
}

/// [`render`], listing only the findings at or above
/// `view.min_severity`. Markdown lists everything else whatever the view
/// (a comment is read once, in full): `--verbose` and `--quiet` are the
/// table's.
pub fn render_with(out: &mut dyn Write, reports: &[Report], view: &ViewOptions) -> io::Result<()> {
    let view = ViewOptions {
        verbose: true,
        quiet: false,
        min_severity: view.min_severity,
    };
    for (i, report) in reports.iter().enumerate() {
        if i > 0 {
            // A thematic break keeps several releases apart in one comment.
            writeln!(out, "\n---\n")?;
        }
        render_one(out, report, &view)?;
    }
    Ok(())
}

fn render_one(out: &mut dyn Write, report: &Report, options: &ViewOptions) -> io::Result<()> {
    let view = View::of(report, options);
    let name = report
        .release
        .name
        .as_deref()
        .unwrap_or("(unnamed release)");
    writeln!(out, "## openness: {}", escape(name))?;
    writeln!(out)?;
    writeln!(out, "Scanned: {}", escape(&report.root))?;
    writeln!(out)?;

    writeln!(out, "| component | status | evidence | licence |")?;
    writeln!(out, "| --- | --- | --- | --- |")?;
    let c = &report.components;
    for (label, component) in [
        ("code", &c.code),
        ("weights", &c.weights.component),
        ("data", &c.data.component),
    ] {
        writeln!(
            out,
            "| {label} | {} | {} | {} |",
            status_label(component.status),
            evidence(component),
            licence_cell(component),
        )?;
    }
    writeln!(out)?;

    let w = &c.weights;
    if w.files > 0 {
        let parts = super::table::weights_summary(w, escape);
        // Trailing backslash: a hard line break, so the summary lines stay
        // one paragraph without running together.
        writeln!(out, "**Weights:** {}\\", parts.join(" · "))?;
    }
    if let Some(line) = super::summary::lfs_line(report) {
        writeln!(out, "**LFS:** {line}\\")?;
    }
    if !c.data.datasets.is_empty() {
        let names: Vec<String> = c.data.datasets.iter().map(|d| escape(d)).collect();
        writeln!(out, "**Datasets:** {}\\", names.join(", "))?;
    }
    writeln!(out, "**Licence:** {}", licence_line(report))?;
    writeln!(out)?;

    openness(out, report)?;
    findings(out, &view)?;
    writeln!(out)?;
    writeln!(
        out,
        "**Summary:** {}",
        escape(&super::table::summary_line(report, &view))
    )
}

fn openness(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    writeln!(out, "### Openness")?;
    writeln!(out)?;
    let mof = &report.frameworks.mof;
    writeln!(out, "- **MOF:** {}", super::table::mof_summary(mof, escape))?;
    if let Some(next) = &mof.next_class {
        if !next.why.is_empty() {
            writeln!(
                out,
                "  - Class {} not reached: {}",
                escape(&next.class),
                escape(&next.why)
            )?;
        }
        let missing: Vec<String> = next
            .reasons
            .iter()
            .map(|r| format!("{} ({})", escape(&r.name), r.reason.phrase()))
            .collect();
        writeln!(
            out,
            "  - Class {} needs: {}",
            escape(&next.class),
            missing.join(", ")
        )?;
    }
    let osaid = &report.frameworks.osaid;
    if osaid.open_source_ai {
        writeln!(out, "- **OSAID 1.0:** ✅ open source AI")?;
    } else {
        writeln!(out, "- **OSAID 1.0:** ❌ not open source AI; missing:")?;
        for m in &osaid.missing {
            writeln!(out, "  - {}", escape(m))?;
        }
    }
    writeln!(out)
}

fn findings(out: &mut dyn Write, view: &View) -> io::Result<()> {
    writeln!(out, "### Findings")?;
    writeln!(out)?;
    if view.rows.is_empty() {
        return if view.hidden > 0 {
            writeln!(out, "No findings at the severity asked for.")
        } else {
            writeln!(out, "No findings.")
        };
    }
    // Worst first; the view keeps the report's order within a severity.
    writeln!(out, "| severity | code | path | message |")?;
    writeln!(out, "| --- | --- | --- | --- |")?;
    for f in &view.rows {
        writeln!(
            out,
            "| {} | `{}` | {} | {} |",
            severity_label(f.severity),
            // Codes are the tool's own kebab-case names: safe in a code span.
            f.code.as_str(),
            f.path.map_or("–".to_owned(), escape),
            escape(f.message),
        )?;
    }
    Ok(())
}

fn status_label(status: Status) -> &'static str {
    match status {
        Status::Shipped => "✅ shipped",
        Status::Incomplete => "⚠️ incomplete",
        Status::Referenced => "🔗 referenced",
        Status::Absent => "❌ absent",
    }
}

fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "⛔ error",
        Severity::Warning => "⚠️ warning",
        Severity::Info => "ℹ️ info",
    }
}

/// The evidence cell ([`super::evidence_lines`]), `<br>` between its lines
/// since a table cell is one line of Markdown.
fn evidence(component: &Component) -> String {
    let (lines, more) = super::evidence_lines(component, super::EVIDENCE_SHOWN);
    if lines.is_empty() {
        return "–".to_owned();
    }
    let mut cell: Vec<String> = lines.iter().map(|l| escape(&l.text())).collect();
    if more > 0 {
        cell.push(format!("+{more} more"));
    }
    cell.join("<br>")
}

fn licence_cell(component: &Component) -> String {
    match (&component.license, &component.license_source) {
        (Some(id), Some(source)) => format!("{}<br><sub>{}</sub>", escape(id), escape(source)),
        (Some(id), None) => escape(id),
        (None, _) => "–".to_owned(),
    }
}

fn licence_line(report: &Report) -> String {
    let l = &report.license;
    match (&l.spdx, &l.declared) {
        (Some(id), _) => {
            let openness = if l.open { "open" } else { "not open" };
            match l.name.as_deref().filter(|n| n != id) {
                Some(name) => format!("{} ({}, {openness})", escape(id), escape(name)),
                None => format!("{} ({openness})", escape(id)),
            }
        }
        (None, Some(d)) => format!("{} (unrecognised, not open)", escape(d)),
        (None, None) => "none found".to_owned(),
    }
}

/// Makes an untrusted string inert inside a table cell or a line of text.
///
/// Control characters become visible escapes first ([`sanitize`]), so a
/// newline cannot end a table row. Then every character that Markdown or
/// the GFM table syntax gives meaning to inline is backslash-escaped, and
/// `<`, `>`, `&` become entities so no HTML tag or entity survives. `@`
/// gets a word joiner after it: GitHub turns `@name` into a mention (a
/// notification) even when escaped, and a file name must not ping anyone.
pub fn escape(text: &str) -> String {
    let text = sanitize(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '@' => out.push_str("@\u{2060}"),
            '\\' | '`' | '|' | '*' | '_' | '[' | ']' | '~' | '#' | '!' | '$' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escape_neutralises_table_and_html_syntax() {
        assert_eq!(escape("a|b"), "a\\|b");
        assert_eq!(escape("<script>"), "&lt;script&gt;");
        assert_eq!(escape("x`y"), "x\\`y");
        assert_eq!(escape("line\nbreak"), "line\\\\nbreak");
        assert_eq!(escape("model_v1.safetensors"), "model\\_v1.safetensors");
        assert_eq!(escape("@org"), "@\u{2060}org");
        assert_eq!(escape("plain-name.json"), "plain-name.json");
    }
}
