//! Renderers turn finished reports into text. They compute nothing: every
//! figure they print is a field of [`Report`]; they only choose layout,
//! units and colour.

pub mod badge;
pub mod json;
pub mod markdown;
pub mod mof;
pub mod sarif;
pub mod summary;
pub mod table;

use crate::report::Report;
use std::io::{self, Write};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Ndjson,
    Markdown,
    Sarif,
}

/// Writes `reports` in `format`. `color` only affects the table.
pub fn render(
    out: &mut dyn Write,
    reports: &[Report],
    format: Format,
    color: bool,
) -> io::Result<()> {
    match format {
        Format::Table => table::render(out, reports, color),
        Format::Json => json::render(out, reports),
        Format::Ndjson => json::render_ndjson(out, reports),
        Format::Markdown => markdown::render(out, reports),
        Format::Sarif => sarif::render(out, reports),
    }
}

/// The result of `openness verify` for people: a summary line and one line
/// per problem.
pub fn verify_text(out: &mut dyn Write, v: &crate::manifest::Verification) -> io::Result<()> {
    writeln!(
        out,
        "{}: {} matched, {} mismatched, {} missing, {} extra, {} ignored, {} unreadable",
        sanitize(&v.root),
        v.matched.len(),
        v.mismatched.len(),
        v.missing.len(),
        v.extra.len(),
        v.ignored.len(),
        v.unreadable.len()
    )?;
    for m in &v.mismatched {
        writeln!(
            out,
            "MISMATCH {}: expected {}, got {}",
            sanitize(&m.path),
            m.expected,
            m.actual
        )?;
    }
    for p in &v.missing {
        writeln!(out, "MISSING  {}", sanitize(p))?;
    }
    for p in &v.extra {
        writeln!(out, "EXTRA    {}", sanitize(p))?;
    }
    for (p, why) in &v.unreadable {
        writeln!(out, "UNREADABLE {}: {}", sanitize(p), sanitize(why))?;
    }
    Ok(())
}

/// The policy violations `openness check` found, after the report: what rule,
/// what evidence, how to fix it. `markdown` writes a list fit for a PR comment.
pub fn violations(
    out: &mut dyn Write,
    per_release: &[(String, Vec<crate::policy::Violation>)],
    markdown: bool,
) -> io::Result<()> {
    for (name, list) in per_release {
        let name = sanitize(name);
        if list.is_empty() {
            if markdown {
                writeln!(out, "\n**Policy holds** for {}.", markdown::escape(&name))?;
            } else {
                writeln!(out, "\npolicy holds for {name}")?;
            }
            continue;
        }
        if markdown {
            writeln!(
                out,
                "\n### Policy violations: {} ({})\n",
                markdown::escape(&name),
                list.len()
            )?;
        } else {
            writeln!(out, "\npolicy violations for {name} ({}):", list.len())?;
        }
        for v in list {
            let at = v
                .path
                .as_deref()
                .map(|p| format!(" [{}]", sanitize(p)))
                .unwrap_or_default();
            if markdown {
                writeln!(
                    out,
                    "- **{}**{}: {}  \n  fix: {}",
                    markdown::escape(&v.rule),
                    markdown::escape(&at),
                    markdown::escape(&v.evidence),
                    markdown::escape(&v.fix)
                )?;
            } else {
                writeln!(
                    out,
                    "  ✗ {}{at}: {}",
                    sanitize(&v.rule),
                    sanitize(&v.evidence)
                )?;
                writeln!(out, "    fix: {}", sanitize(&v.fix))?;
            }
        }
    }
    Ok(())
}

/// Replaces control characters (terminal escape sequences, newlines) with
/// visible escapes, so file names and card strings cannot drive the terminal.
pub fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// How many evidence items a component's cell shows before "+N more".
const EVIDENCE_SHOWN: usize = 3;

/// The lines of a component's evidence cell, `kind: what`, unescaped:
/// files in the release first (they are what "shipped" rests on), at most
/// [`EVIDENCE_SHOWN`], then a "+N more" line when items were left out. Each
/// renderer escapes and joins them its own way.
pub(crate) fn evidence_lines(component: &crate::report::Component) -> Vec<String> {
    let mut items: Vec<_> = component.items.iter().collect();
    items.sort_by_key(|i| i.source != crate::report::ItemSource::File);
    let mut lines: Vec<String> = items
        .iter()
        .take(EVIDENCE_SHOWN)
        .map(|i| {
            let what = match (&i.path, i.source.as_str()) {
                (Some(path), "file") => path,
                _ => &i.detail,
            };
            format!("{}: {what}", i.kind)
        })
        .collect();
    if component.items.len() > EVIDENCE_SHOWN {
        lines.push(format!("+{} more", component.items.len() - EVIDENCE_SHOWN));
    }
    lines
}

#[cfg(test)]
mod tests {
    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(super::sanitize("a\x1b[31mb\nc"), "a\\u{1b}[31mb\\nc");
        assert_eq!(super::sanitize("plain ünïcode"), "plain ünïcode");
    }
}
