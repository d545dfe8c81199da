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
use crate::view::ViewOptions;
use std::io::{self, Write};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Ndjson,
    Markdown,
    Sarif,
}

/// Columns the table uses when nothing says how wide the reader's terminal
/// is (a pipe, a file, a CI log).
pub const DEFAULT_WIDTH: u16 = 100;

/// How the human formats are laid out: colour and width for the table, and
/// what the reader asked to see ([`ViewOptions`]: `--verbose`, `--quiet`,
/// `--min-severity`) for the table and Markdown. JSON, NDJSON and SARIF
/// ignore all of it: they are always complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextOptions {
    pub color: bool,
    /// Columns the table may use.
    pub width: u16,
    pub view: ViewOptions,
}

impl TextOptions {
    /// The default view, [`DEFAULT_WIDTH`] columns.
    pub fn new(color: bool) -> TextOptions {
        TextOptions {
            color,
            width: DEFAULT_WIDTH,
            view: ViewOptions::default(),
        }
    }
}

/// Writes `reports` in `format`. `color` only affects the table.
pub fn render(
    out: &mut dyn Write,
    reports: &[Report],
    format: Format,
    color: bool,
) -> io::Result<()> {
    render_with(out, reports, format, &TextOptions::new(color))
}

/// Writes `reports` in `format`, the table and Markdown as `options` say.
pub fn render_with(
    out: &mut dyn Write,
    reports: &[Report],
    format: Format,
    options: &TextOptions,
) -> io::Result<()> {
    match format {
        Format::Table => table::render_with(out, reports, options),
        Format::Json => json::render(out, reports),
        Format::Ndjson => json::render_ndjson(out, reports),
        Format::Markdown => markdown::render_with(out, reports, &options.view),
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
            escape_controls(&m.path),
            m.expected,
            m.actual
        )?;
    }
    for p in &v.missing {
        writeln!(out, "MISSING  {}", escape_controls(p))?;
    }
    for p in &v.extra {
        writeln!(out, "EXTRA    {}", escape_controls(p))?;
    }
    for (p, why) in &v.unreadable {
        writeln!(out, "UNREADABLE {}: {}", escape_controls(p), sanitize(why))?;
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
        release_violations(out, name, list, markdown)?;
    }
    Ok(())
}

/// What `openness check` made of each release, after the reports: the
/// violations as [`violations`] writes them, then one line per finding a
/// path exception accepted (with its reason) and one per policy notice.
pub fn outcomes(
    out: &mut dyn Write,
    per_release: &[(String, crate::policy::Outcome)],
    markdown: bool,
) -> io::Result<()> {
    for (name, outcome) in per_release {
        release_violations(out, name, &outcome.violations, markdown)?;
        accepted(out, &outcome.accepted, markdown)?;
        notices(out, &outcome.notices, markdown)?;
    }
    Ok(())
}

fn accepted(
    out: &mut dyn Write,
    list: &[crate::policy::Accepted],
    markdown: bool,
) -> io::Result<()> {
    if list.is_empty() {
        return Ok(());
    }
    if markdown {
        writeln!(out, "\n#### Accepted by the policy ({})\n", list.len())?;
    } else {
        writeln!(out, "accepted by the policy ({}):", list.len())?;
    }
    for a in list {
        let done = match a.level {
            crate::policy::Level::Allow => "allowed",
            crate::policy::Level::Warn => "made a warning",
            crate::policy::Level::Deny => "made an error",
        };
        if markdown {
            writeln!(
                out,
                "- **{}** {} {done} by {}: {}",
                markdown::escape(a.code.as_str()),
                markdown::escape(&format!("[{}]", a.path)),
                markdown::escape(&a.glob),
                markdown::escape(&a.reason)
            )?;
        } else {
            writeln!(
                out,
                "  ✓ {} [{}] {done} by `{}`: {}",
                a.code,
                sanitize(&a.path),
                sanitize(&a.glob),
                sanitize(&a.reason)
            )?;
        }
    }
    Ok(())
}

fn notices(
    out: &mut dyn Write,
    list: &[crate::finding::Finding],
    markdown: bool,
) -> io::Result<()> {
    if list.is_empty() {
        return Ok(());
    }
    if markdown {
        writeln!(out, "\n#### Policy notices ({})\n", list.len())?;
    } else {
        writeln!(out, "policy notices ({}):", list.len())?;
    }
    for n in list {
        if markdown {
            writeln!(
                out,
                "- **{}** ({}): {}",
                markdown::escape(n.code.as_str()),
                n.severity,
                markdown::escape(&n.message)
            )?;
        } else {
            writeln!(
                out,
                "  ! {} ({}): {}",
                n.code,
                n.severity,
                sanitize(&n.message)
            )?;
        }
    }
    Ok(())
}

fn release_violations(
    out: &mut dyn Write,
    name: &str,
    list: &[crate::policy::Violation],
    markdown: bool,
) -> io::Result<()> {
    let name = sanitize(name);
    if list.is_empty() {
        if markdown {
            writeln!(out, "\n**Policy holds** for {}.", markdown::escape(&name))?;
        } else {
            writeln!(out, "\npolicy holds for {name}")?;
        }
        return Ok(());
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
    Ok(())
}

/// The most characters of one untrusted field a human report shows; the
/// rest becomes an ellipsis (the JSON report keeps the whole value). Table
/// layout is quadratic in a cell's length: a 2 MB architecture name took
/// minutes to lay out before this cap.
pub const MAX_FIELD_CHARS: usize = 512;

/// Makes an untrusted field fit for a human report: [`escape_controls`],
/// then cut to [`MAX_FIELD_CHARS`] characters with an ellipsis.
pub fn sanitize(text: &str) -> String {
    let escaped = escape_controls(text);
    match escaped.char_indices().nth(MAX_FIELD_CHARS) {
        Some((cut, _)) => {
            let mut out = escaped[..cut].to_owned();
            out.push('…');
            out
        }
        None => escaped,
    }
}

/// Replaces control characters (terminal escape sequences, newlines) and
/// invisible format characters (bidirectional overrides and isolates, zero
/// widths, line and paragraph separators, tag characters) with visible
/// escapes, so file names and card strings can neither drive the terminal
/// nor reorder what a reader sees. The whole value, never cut: for lines a
/// script may read back (`verify`).
pub fn escape_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(1 << 20));
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else if is_format_char(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// Unicode general category Cf (format characters: U+202E and the other
/// bidi controls among them), plus the line and paragraph separators
/// (Zl, Zp), which end a line in some terminals and editors. The table is
/// Unicode 16's Cf list.
pub fn is_format_char(c: char) -> bool {
    matches!(
        c as u32,
        0x00AD
            | 0x0600..=0x0605
            | 0x061C
            | 0x06DD
            | 0x070F
            | 0x0890..=0x0891
            | 0x08E2
            | 0x180E
            | 0x200B..=0x200F
            | 0x2028..=0x202E
            | 0x2060..=0x2064
            | 0x2066..=0x206F
            | 0xFEFF
            | 0xFFF9..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0001
            | 0xE0020..=0xE007F
    )
}

/// How many evidence items a component's cell shows before "+N more".
pub(crate) const EVIDENCE_SHOWN: usize = 3;

/// One line of a component's evidence cell, unescaped: `head` says what
/// kind of evidence and where (`architecture: model.py`, `reference:
/// README.md:47`, `dataset:`), `what` what it names (empty for a file).
pub(crate) struct EvidenceLine {
    pub head: String,
    pub what: String,
}

impl EvidenceLine {
    pub fn text(&self) -> String {
        if self.what.is_empty() {
            self.head.clone()
        } else {
            format!("{} {}", self.head, self.what)
        }
    }
}

/// The lines of a component's evidence cell, and how many items they leave
/// out: files in the release first (they are what "shipped" rests on), at
/// most `shown` (one more when that is all of them). A file is named by
/// its path; a reference read in a file's text by `path:line` and what it
/// names (`reference: README.md:47 https://...`); anything else by its
/// detail. Each renderer escapes, joins and says "+N more" its own way.
pub(crate) fn evidence_lines(
    component: &crate::report::Component,
    shown: usize,
) -> (Vec<EvidenceLine>, usize) {
    use crate::report::ItemSource;
    let mut items: Vec<_> = component.items.iter().collect();
    items.sort_by_key(|i| i.source != ItemSource::File);
    // A "+1 more" would take the room of the item it stands for.
    let shown = if items.len() == shown.saturating_add(1) {
        items.len()
    } else {
        shown
    };
    let lines = items
        .iter()
        .take(shown)
        .map(|i| match (i.source, i.location()) {
            (ItemSource::File, Some(path)) => EvidenceLine {
                head: format!("{}: {path}", i.kind),
                what: String::new(),
            },
            // `reference: README.md:47 https://...`; without a line,
            // `reference: download.sh: a download script ...`.
            (ItemSource::Text, Some(at)) => EvidenceLine {
                head: match i.line {
                    Some(_) => format!("{}: {at}", i.kind),
                    None => format!("{}: {at}:", i.kind),
                },
                what: i.what().to_owned(),
            },
            _ => EvidenceLine {
                head: format!("{}:", i.kind),
                what: i.detail.clone(),
            },
        })
        .collect();
    (lines, items.len().saturating_sub(shown))
}

#[cfg(test)]
mod tests {
    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(super::sanitize("a\x1b[31mb\nc"), "a\\u{1b}[31mb\\nc");
        assert_eq!(super::sanitize("plain ünïcode"), "plain ünïcode");
        assert_eq!(super::sanitize("\u{85}\u{9b}"), "\\u{85}\\u{9b}");
    }

    #[test]
    fn bidi_and_format_characters_are_escaped() {
        for c in [
            '\u{202a}',
            '\u{202e}',
            '\u{2066}',
            '\u{2069}',
            '\u{200f}',
            '\u{61c}',
            '\u{feff}',
            '\u{2028}',
            '\u{e0041}',
        ] {
            let out = super::sanitize(&format!("a{c}b"));
            assert!(!out.contains(c), "{c:?} kept in {out}");
            assert!(out.starts_with("a\\u{"), "{out}");
        }
    }

    #[test]
    fn long_fields_are_cut_with_an_ellipsis() {
        let long = "x".repeat(super::MAX_FIELD_CHARS * 10);
        let out = super::sanitize(&long);
        assert_eq!(out.chars().count(), super::MAX_FIELD_CHARS + 1);
        assert!(out.ends_with('…'));
        assert_eq!(super::escape_controls(&long), long);
    }
}
