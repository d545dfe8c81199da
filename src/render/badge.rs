//! README badges as shields.io-style "flat" SVG, drawn here so a release can
//! carry its badge without calling a web service.
//!
//! Text widths come from a fixed table of Verdana 11px advance widths (the
//! font shields.io measures with), so the same report always gives the same
//! bytes whatever fonts the machine has; `textLength` makes viewers fit the
//! text to that width if their fallback font differs.

use crate::report::{Report, Status};
use std::fmt::Write as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadgeKind {
    /// `openness | weights | code | data`, each part coloured by its status.
    Components,
    /// `MOF | Class II`, coloured by class.
    Mof,
}

/// shields.io's named colours, so the badges sit well beside others.
pub const BRIGHT_GREEN: &str = "#4c1";
pub const GREEN: &str = "#97ca00";
pub const YELLOW: &str = "#dfb317";
pub const BLUE: &str = "#007ec6";
pub const RED: &str = "#e05d44";
pub const LIGHT_GREY: &str = "#9f9f9f";
const LABEL_GREY: &str = "#555";

/// Horizontal padding on each side of a segment's text, as shields uses.
const PADDING: u32 = 5;

pub fn svg(report: &Report, kind: BadgeKind) -> String {
    match kind {
        BadgeKind::Components => {
            let c = &report.components;
            let parts = [
                ("weights", c.weights.component.status),
                ("code", c.code.status),
                ("data", c.data.component.status),
            ];
            let title = format!(
                "openness: {}",
                parts
                    .iter()
                    .map(|(word, status)| format!("{word} {}", status.as_str()))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let mut segments = vec![("openness".to_owned(), LABEL_GREY)];
            segments.extend(
                parts
                    .iter()
                    .map(|&(word, status)| (word.to_owned(), status_colour(status))),
            );
            draw(&title, &segments)
        }
        BadgeKind::Mof => {
            let mof = &report.frameworks.mof;
            let (value, colour) = match mof.class.as_deref() {
                Some(class) => (format!("Class {class}"), class_colour(class)),
                None => ("unclassified".to_owned(), LIGHT_GREY),
            };
            let title = format!("MOF: {}", mof.label);
            draw(&title, &[("MOF".to_owned(), LABEL_GREY), (value, colour)])
        }
    }
}

pub fn status_colour(status: Status) -> &'static str {
    match status {
        Status::Shipped => BRIGHT_GREEN,
        Status::Incomplete => YELLOW,
        Status::Referenced => BLUE,
        // Nothing released: the one state a reader should notice first.
        Status::Absent => RED,
    }
}

/// Class I is the most open: brightest green; III, the entry class, yellow.
pub fn class_colour(class: &str) -> &'static str {
    match class {
        "I" => BRIGHT_GREEN,
        "II" => GREEN,
        "III" => YELLOW,
        _ => LIGHT_GREY,
    }
}

/// Draws the badge: coloured segments side by side, each with its text
/// centred and a faint shadow under it, corners rounded by a clip path.
fn draw(title: &str, segments: &[(String, &str)]) -> String {
    // Widths in tenths of a pixel, so every coordinate is exact.
    let widths: Vec<u32> = segments
        .iter()
        .map(|(text, _)| text_width(text).saturating_add(2 * PADDING * 10))
        .collect();
    // Saturating throughout: a segment's text comes from the release, and
    // widths of megabytes of text would overflow u32 (a panic).
    let total = widths.iter().fold(0u32, |a, w| a.saturating_add(*w));
    let title = xml_escape(title);
    let mut svg = String::new();
    let _ = write!(
        svg,
        concat!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="20" role="img" aria-label="{t}">"##,
            r##"<title>{t}</title>"##,
            r##"<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>"##,
            r##"<clipPath id="r"><rect width="{w}" height="20" rx="3" fill="#fff"/></clipPath>"##,
            r##"<g clip-path="url(#r)">"##
        ),
        w = px(total),
        t = title,
    );
    let mut x: u32 = 0;
    for ((_, colour), &width) in segments.iter().zip(&widths) {
        let _ = write!(
            svg,
            r##"<rect x="{}" width="{}" height="20" fill="{colour}"/>"##,
            px(x),
            px(width)
        );
        x = x.saturating_add(width);
    }
    // A faint rule between value segments, so three of one colour still
    // read as three words.
    let mut x = widths.first().copied().unwrap_or(0);
    for &width in widths.iter().skip(1).take(widths.len().saturating_sub(2)) {
        x = x.saturating_add(width);
        let _ = write!(
            svg,
            r##"<path d="M{} 0v20" stroke="#fff" stroke-opacity=".3"/>"##,
            px(x)
        );
    }
    let _ = write!(
        svg,
        concat!(
            r##"<rect width="{w}" height="20" fill="url(#s)"/></g>"##,
            r##"<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="11">"##
        ),
        w = px(total)
    );
    let mut x: u32 = 0;
    for ((text, _), &width) in segments.iter().zip(&widths) {
        let centre = px(x.saturating_add(width / 2));
        let length = px(text_width(text));
        let text = xml_escape(text);
        let _ = write!(
            svg,
            concat!(
                r##"<text x="{c}" y="15" fill="#010101" fill-opacity=".3" textLength="{l}" aria-hidden="true">{t}</text>"##,
                r##"<text x="{c}" y="14" textLength="{l}">{t}</text>"##
            ),
            c = centre,
            l = length,
            t = text
        );
        x = x.saturating_add(width);
    }
    svg.push_str("</g></svg>\n");
    svg
}

/// Tenths of a pixel as an SVG number: `425` → `42.5`, `420` → `42`.
fn px(tenths: u32) -> String {
    if tenths.is_multiple_of(10) {
        (tenths / 10).to_string()
    } else {
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}

/// Width of `text` in Verdana 11px, in tenths of a pixel, rounded up.
fn text_width(text: &str) -> u32 {
    let hundredths = text
        .chars()
        .map(char_width)
        .fold(0u32, |a, w| a.saturating_add(w));
    hundredths.div_ceil(10)
}

/// Advance width of one character in Verdana at 11px, in hundredths of a
/// pixel (the font's advance in 2048ths of an em × 11). Characters outside
/// the table count as wide as `M`-class letters, so an unusual name makes
/// the badge roomy rather than clipped.
fn char_width(c: char) -> u32 {
    match c {
        ' ' => 387,
        '!' => 432,
        '"' => 505,
        '#' => 900,
        '$' => 700,
        '%' => 1186,
        '&' => 799,
        '\'' => 295,
        '(' | ')' => 500,
        '*' => 700,
        '+' => 900,
        ',' | '.' => 400,
        '-' => 499,
        '/' | '\\' => 499,
        '0'..='9' => 700,
        ':' | ';' => 499,
        '<' | '=' | '>' => 900,
        '?' => 581,
        '@' => 1100,
        '[' | ']' => 500,
        '_' => 700,
        '·' => 400,
        'A' => 752,
        'B' => 755,
        'C' => 768,
        'D' => 847,
        'E' => 695,
        'F' => 633,
        'G' => 852,
        'H' => 827,
        'I' => 463,
        'J' => 498,
        'K' => 761,
        'L' => 613,
        'M' => 928,
        'N' => 823,
        'O' => 866,
        'P' => 663,
        'Q' => 866,
        'R' => 764,
        'S' => 752,
        'T' => 672,
        'U' => 805,
        'V' => 752,
        'W' => 1088,
        'X' => 754,
        'Y' => 672,
        'Z' => 754,
        'a' => 660,
        'b' | 'd' | 'g' | 'p' | 'q' => 685,
        'c' | 's' | 'z' => 573,
        'e' => 655,
        'f' => 387,
        'h' | 'n' | 'u' => 696,
        'i' | 'l' => 302,
        'j' => 379,
        'k' | 'v' | 'x' | 'y' => 647,
        'm' => 1070,
        'o' => 668,
        'r' => 469,
        't' => 433,
        'w' => 900,
        _ => 1000,
    }
}

/// Escapes text for element content and attribute values alike.
fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 forbids most control characters even as references.
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_are_fixed_and_exact() {
        assert_eq!(text_width("MOF"), (928 + 866 + 633_u32).div_ceil(10));
        assert_eq!(px(425), "42.5");
        assert_eq!(px(420), "42");
    }

    #[test]
    fn xml_is_escaped() {
        assert_eq!(xml_escape(r##"<a&"b'>"##), "&lt;a&amp;&quot;b&apos;&gt;");
        assert_eq!(xml_escape("a\u{1b}b"), "a\u{FFFD}b");
    }
}
