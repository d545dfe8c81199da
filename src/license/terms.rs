//! A licence file as releases really write them, beyond "which licence is
//! this text": several licences appended in one file (the project's own
//! first, then the bundled code's), a one-line pointer instead of a text,
//! and a permissive licence's wording with use restrictions added, which is
//! a different, restricted licence. Also the licence a source file's header
//! states, the last word when no licence file names one.

use super::{
    Identified, MAX_TEXT_BYTES, PHRASES_TRUSTED, Part, RULES, find, identify_by_phrases,
    identify_text, license_ref, normalize,
};
use crate::formats::truncate_at_char;

/// How a file's own licence was recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum How {
    /// From the licence's text (or its standard notice).
    #[default]
    Text,
    /// A short statement naming the licence ("licensed under the Llama 2
    /// Community License, see <link>"), not its text.
    Pointer,
}

impl How {
    pub fn as_str(self) -> &'static str {
        match self {
            How::Text => "text",
            How::Pointer => "pointer",
        }
    }
}

/// A use restriction a licence text imposes, in the words of SPEC section 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Restriction {
    FieldOfUse,
    UserCap,
    AcceptableUsePolicy,
    NonCommercial,
    ResearchOnly,
    NamingDuty,
    UseBan,
}

impl Restriction {
    pub fn as_str(self) -> &'static str {
        match self {
            Restriction::FieldOfUse => "field-of-use",
            Restriction::UserCap => "user-cap",
            Restriction::AcceptableUsePolicy => "acceptable-use-policy",
            Restriction::NonCommercial => "non-commercial",
            Restriction::ResearchOnly => "research-only",
            Restriction::NamingDuty => "naming-duty",
            Restriction::UseBan => "use-ban",
        }
    }

    /// The restriction in a sentence ("bans fields of use").
    pub fn describe(self) -> &'static str {
        match self {
            Restriction::FieldOfUse => "bans fields of use",
            Restriction::UserCap => "caps monthly active users",
            Restriction::AcceptableUsePolicy => "binds use to an acceptable-use policy",
            Restriction::NonCommercial => "forbids commercial use",
            Restriction::ResearchOnly => "allows research use only",
            Restriction::NamingDuty => "imposes naming duties on derived models",
            Restriction::UseBan => "forbids some uses",
        }
    }
}

/// Normalised phrases (whole words) that impose each restriction.
const RESTRICTION_PHRASES: &[(Restriction, &[&str])] = &[
    (
        Restriction::FieldOfUse,
        &["military", "surveillance", "weapons", "warfare"],
    ),
    (Restriction::UserCap, &["monthly active users"]),
    (Restriction::AcceptableUsePolicy, &["acceptable use policy"]),
    (
        Restriction::NonCommercial,
        &[
            "non commercial",
            "noncommercial",
            "not for commercial use",
            "no commercial use",
        ],
    ),
    (
        Restriction::ResearchOnly,
        &[
            "research purposes only",
            "for research purposes",
            "research use only",
            "academic research only",
        ],
    ),
    (
        Restriction::NamingDuty,
        &["prominently display", "model name", "built with"],
    ),
    (
        Restriction::UseBan,
        &[
            "you agree not to use",
            "you shall not use",
            "you will not use",
            "may not use the software",
            "use restrictions",
            "shall not be used for",
        ],
    ),
];

/// The same restrictions in Chinese licence texts, matched as substrings
/// (CJK text has no spaces between words).
const RESTRICTION_PHRASES_CJK: &[(Restriction, &[&str])] = &[
    (Restriction::FieldOfUse, &["军事"]),
    (Restriction::NonCommercial, &["非商业"]),
    (Restriction::ResearchOnly, &["仅限学术研究", "仅用于研究"]),
];

/// Permissive licences whose wording restricted model licences reuse; with
/// restrictions added, a text is no longer one of them.
const PERMISSIVE: &[&str] = &[
    "MIT",
    "MIT-0",
    "Apache-2.0",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "ISC",
    "0BSD",
    "Zlib",
    "BSL-1.0",
    "Unlicense",
];

/// Fewer words than this, a text that names a licence and points elsewhere
/// ("see", "refer to", "licensed under", a link) points at it rather than
/// holding it.
const POINTER_WORDS: usize = 60;
/// A pointer names its licence but proves nothing of the terms.
const POINTER_CONFIDENCE: f32 = 0.7;
/// At most this many segments of a file are looked at for appended texts.
const MAX_SEGMENTS: usize = 64;

/// What a licence file says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileLicences {
    /// The release's own licence: the file's first.
    pub own: Option<Identified>,
    pub how: How,
    /// Licences appended after it for bundled third-party code, in order.
    pub bundled: Vec<Identified>,
    /// Use restrictions the own licence's text imposes.
    pub restrictions: Vec<Restriction>,
    /// The permissive licence whose wording a restricted text reuses.
    pub looks_like: Option<String>,
    /// The text's own title (first heading or title line), which names a
    /// licence no rule identifies.
    pub title: Option<String>,
    /// The text holds no word: evidence of nothing.
    pub blank: bool,
}

/// Reads a licence file's text: its own licence, the licences appended for
/// bundled code, the restrictions it imposes, and whether it is a pointer.
pub fn identify_file(text: &str) -> FileLicences {
    let text = truncate_at_char(text, MAX_TEXT_BYTES);
    let whole = identify_text(text);
    let (own_text, bundled) = split_appended(text);
    // With licences appended, the file's own is the one before them; the
    // whole text's best match may be an appended one that is complete
    // while the first is not.
    let before = (own_text.len() < text.len())
        .then(|| identify_by_phrases(own_text).filter(|id| id.confidence >= 0.5))
        .flatten();
    let mut own = match (before, whole) {
        (Some(b), Some(w)) if b.spdx == w.spdx => Some(w),
        (Some(b), _) => Some(b),
        (None, w) => w,
    };
    let bundled: Vec<Identified> = {
        let mut seen: Vec<Identified> = Vec::new();
        for id in bundled {
            let same_as_own = own.as_ref().is_some_and(|o| o.spdx == id.spdx);
            if !same_as_own && !seen.iter().any(|s| s.spdx == id.spdx) {
                seen.push(id);
            }
        }
        seen
    };
    let norm = normalize(own_text);
    let restrictions = restrictions_in(own_text, &norm);
    let mut looks_like = None;
    if let Some(id) = own.as_mut()
        && PERMISSIVE.contains(&id.spdx.as_str())
        && !restrictions.is_empty()
    {
        looks_like = Some(std::mem::take(&mut id.spdx));
        let base = looks_like.as_deref().unwrap_or_default();
        id.spdx = restricted_name(own_text, base);
        id.family = Some(super::display_name(&id.spdx));
    }
    let words = norm.split(' ').filter(|w| !w.is_empty()).count();
    let pointing = [
        "http",
        "refer to",
        "see ",
        "licensed under",
        "governed by",
        "subject to",
    ]
    .iter()
    .any(|p| own_text.to_ascii_lowercase().contains(p));
    let how = if words < POINTER_WORDS && pointing {
        How::Pointer
    } else {
        How::Text
    };
    if how == How::Pointer
        && let Some(id) = own.as_mut()
    {
        id.confidence = id.confidence.min(POINTER_CONFIDENCE);
    }
    FileLicences {
        own,
        how,
        bundled,
        restrictions,
        looks_like,
        title: title_of(text),
        blank: words == 0,
    }
}

/// A card body this long after its title line may be a licence text.
const CARD_TEXT_WORDS: usize = 150;

/// A licence text that a card's prose holds ("... under the following
/// license:" and then the whole "X RESEARCH LICENSE TERMS"): from a title
/// line in capitals or a heading ending in LICENSE / LICENCE / AGREEMENT /
/// TERMS, at least 150 words reading as a licence (two legal words). It is
/// read as a licence file is; a text no rule identifies is
/// `LicenseRef-<title>`. Prose that only mentions a licence is not one.
pub fn card_licence_text(prose: &str) -> Option<FileLicences> {
    let prose = truncate_at_char(prose, MAX_TEXT_BYTES);
    let mut offset = 0;
    let mut tried = 0;
    for line in prose.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let t = line.trim();
        let heading = t
            .strip_prefix('#')
            .map(|h| h.trim_start_matches('#').trim())
            .or_else(|| html_heading(t));
        let titled = match heading {
            Some(h) => ends_in_title_word(h) && h.split_whitespace().count() >= 2,
            None => is_capital_title(t),
        };
        if !titled {
            continue;
        }
        tried += 1;
        if tried > MAX_CARD_TITLES {
            return None;
        }
        let text = prose.get(start..).unwrap_or_default();
        let norm = normalize(text);
        let words = norm.split(' ').take(CARD_TEXT_WORDS).count();
        let legal = super::LEGAL_WORDS
            .iter()
            .filter(|w| super::contains(&norm, w))
            .count();
        if words < CARD_TEXT_WORDS || legal < 2 {
            continue;
        }
        let mut found = identify_file(text);
        if found.own.is_none() {
            let title = found.title.clone().unwrap_or_else(|| t.to_owned());
            found.own = Some(Identified {
                spdx: license_ref(&title),
                confidence: UNIDENTIFIED_CONFIDENCE,
                family: Some(title),
            });
        }
        return Some(found);
    }
    None
}

/// Title lines tried per card: each costs a pass over the rest of it.
const MAX_CARD_TITLES: usize = 4;

/// A licence known only by its title is a name, not a match.
pub const UNIDENTIFIED_CONFIDENCE: f32 = 0.3;

/// At most this many leading lines are looked at for a title.
const TITLE_LINES: usize = 40;
/// A title is a line, not a paragraph.
const TITLE_MAX_CHARS: usize = 120;

/// The title a licence text gives itself: its first Markdown heading, its
/// first HTML `<h1>`-`<h3>`, a line in capitals ending in LICENSE, LICENCE,
/// AGREEMENT or TERMS, or a short first line ending in one of those words.
/// Text outside code fences only; `None` when the text has no title.
pub fn title_of(text: &str) -> Option<String> {
    let mut fenced = false;
    let mut first_line = true;
    for line in text.lines().take(TITLE_LINES * 4) {
        let t = line.trim();
        if t.starts_with("```") || t.starts_with("~~~") {
            fenced = !fenced;
            continue;
        }
        if fenced || t.is_empty() || t.chars().count() > TITLE_MAX_CHARS {
            if !t.is_empty() {
                first_line = false;
            }
            continue;
        }
        let candidate = if let Some(h) = t.strip_prefix('#') {
            Some(h.trim_start_matches('#'))
        } else if let Some(inner) = html_heading(t) {
            Some(inner)
        } else if is_capital_title(t) || (first_line && ends_in_title_word(t)) {
            Some(t)
        } else {
            None
        };
        first_line = false;
        let Some(candidate) = candidate else {
            continue;
        };
        let clean = candidate
            .trim_matches(|c: char| matches!(c, '*' | '_' | '=' | '-' | ' ' | ':' | '#'))
            .trim();
        if clean.chars().any(char::is_alphabetic) {
            return Some(clean.to_owned());
        }
    }
    None
}

/// The text inside `<h1>`-`<h3>` on one line, without its tags.
fn html_heading(line: &str) -> Option<&str> {
    let lower = line.get(..3)?.to_ascii_lowercase();
    if !matches!(lower.as_str(), "<h1" | "<h2" | "<h3") {
        return None;
    }
    let open_end = line.find('>')?;
    let rest = line.get(open_end + 1..)?;
    let close = rest.to_ascii_lowercase().find("</h").unwrap_or(rest.len());
    rest.get(..close).map(str::trim)
}

fn ends_in_title_word(line: &str) -> bool {
    // A sentence pointing elsewhere ("... at https://x/LICENSE") is no title.
    if line.contains("://") || line.ends_with('.') {
        return false;
    }
    let last = line
        .trim_end_matches(|c: char| !c.is_alphanumeric())
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    matches!(last.as_str(), "license" | "licence" | "agreement" | "terms")
        && line.split_whitespace().count() <= 12
}

/// A line written in capitals that ends in a licence word
/// ("XYZ RESEARCH LICENSE TERMS").
fn is_capital_title(line: &str) -> bool {
    let letters = line.chars().filter(|c| c.is_alphabetic());
    let mut any = false;
    for c in letters {
        if c.is_lowercase() {
            return false;
        }
        any = true;
    }
    any && ends_in_title_word(line) && line.split_whitespace().count() >= 2
}

/// The text before the first appended licence, and the appended licences:
/// a later segment (split at separator lines and licence headings) that is,
/// on its own, surely a licence.
fn split_appended(text: &str) -> (&str, Vec<Identified>) {
    let starts = segment_starts(text);
    let mut found: Vec<(usize, Identified)> = Vec::new();
    for (i, &start) in starts.iter().enumerate().skip(1).take(MAX_SEGMENTS) {
        let end = starts.get(i + 1).copied().unwrap_or(text.len());
        let Some(segment) = text.get(start..end) else {
            continue;
        };
        if let Some(id) = identify_by_phrases(segment).filter(|id| id.confidence >= PHRASES_TRUSTED)
        {
            found.push((start, id));
        }
    }
    match found.first() {
        Some(&(cut, _)) => (
            text.get(..cut).unwrap_or(text),
            found.into_iter().map(|(_, id)| id).collect(),
        ),
        None => (text, Vec::new()),
    }
}

/// A file that only attributes third-party work (`NOTICE`): the licence it
/// mentions, for the record; it grants nothing, so no restriction applies.
pub fn identify_notice(text: &str) -> FileLicences {
    FileLicences {
        own: identify_text(truncate_at_char(text, MAX_TEXT_BYTES)),
        ..FileLicences::default()
    }
}

/// An acceptable-use policy: no licence, only the restrictions it imposes.
pub fn identify_policy(text: &str) -> FileLicences {
    FileLicences {
        restrictions: restrictions(text),
        ..FileLicences::default()
    }
}

/// Byte offsets where segments begin: the text's start, and every line that
/// separates one licence from the next (a line opening with a rule of `-`,
/// `=`, `*` or `_`, such as `---- LICENSE FOR vendored code ----`, or a
/// markdown heading naming a licence).
fn segment_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        let rule = t == "--"
            || ["---", "===", "***", "___"]
                .iter()
                .any(|r| t.starts_with(r));
        let lower = t.to_ascii_lowercase();
        let heading = t.starts_with('#') && (lower.contains("licen") || lower.contains("copying"));
        if (rule || heading) && offset > 0 && starts.len() <= MAX_SEGMENTS {
            starts.push(offset);
        }
        offset += line.len();
    }
    starts
}

fn restrictions_in(text: &str, norm: &str) -> Vec<Restriction> {
    let mut found: Vec<Restriction> = RESTRICTION_PHRASES
        .iter()
        .filter(|(_, phrases)| phrases.iter().any(|p| find(norm, p).is_some()))
        .map(|(r, _)| *r)
        .chain(
            RESTRICTION_PHRASES_CJK
                .iter()
                .filter(|(_, phrases)| phrases.iter().any(|p| text.contains(p)))
                .map(|(r, _)| *r),
        )
        .collect();
    found.sort();
    found.dedup();
    found
}

/// Every restriction a licence text imposes (for model licences, whose
/// identity already says they are restricted, the finding names them).
pub fn restrictions(text: &str) -> Vec<Restriction> {
    let text = truncate_at_char(text, MAX_TEXT_BYTES);
    restrictions_in(text, &normalize(text))
}

/// `LicenseRef-<title>` for a restricted look-alike whose first line is a
/// title of its own ("Modified MIT License"), else `LicenseRef-<base>-
/// Restricted`: never the permissive id it borrows its wording from.
fn restricted_name(text: &str, base: &str) -> String {
    let title = text
        .lines()
        .map(|l| {
            l.trim()
                .trim_matches(|c: char| matches!(c, '#' | '*' | '=' | '-' | ' '))
        })
        .find(|l| !l.is_empty())
        .filter(|l| l.len() <= 80)
        .filter(|l| {
            let lower = l.to_ascii_lowercase();
            ["license", "licence", "agreement", "terms"]
                .iter()
                .any(|w| lower.contains(w))
        });
    // A title that only names the base licence ("Apache License", "MIT
    // License") would make the id read as that licence.
    let strip = |t: &str| {
        normalize(t)
            .split(' ')
            .filter(|w| !matches!(*w, "the" | "license" | "licence" | "version" | "v"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let base_titles: Vec<String> = RULES
        .iter()
        .filter(|r| r.spdx == base)
        .flat_map(|r| r.titles.iter().map(|t| strip(t)))
        .chain(std::iter::once(strip(base)))
        .collect();
    match title {
        Some(t) if !base_titles.iter().any(|b| b.starts_with(&strip(t))) => license_ref(t),
        _ => format!("LicenseRef-{base}-Restricted"),
    }
}

/// The part a licence's own kind says it covers: a model licence family
/// covers weights, a database licence covers data; others cover the release.
pub fn scope_by_licence(spdx: &str) -> Option<Part> {
    const DATA: &[&str] = &[
        "ODC-By-1.0",
        "ODbL-1.0",
        "PDDL-1.0",
        "CDLA-Permissive-1.0",
        "CDLA-Permissive-2.0",
        "CDLA-Sharing-1.0",
        "C-UDA-1.0",
    ];
    if DATA.contains(&spdx) {
        return Some(Part::Data);
    }
    // Every model licence family, RAIL ones included, has a display name.
    let model_family = super::FAMILY_NAMES
        .iter()
        .any(|(id, _)| *id == spdx && *id != "LicenseRef-Other");
    model_family.then_some(Part::Weights)
}

/// At most this much of a source file's head is searched for a licence
/// statement: headers come first.
const HEADER_BYTES: usize = 4 << 10;

/// The licence a source file's header states: an `SPDX-License-Identifier`
/// tag, or a comment line naming a licence ("used and distributed according
/// to the terms of the Llama 2 Community License Agreement", "Licensed under
/// the Apache License, Version 2.0").
pub fn header_licence(head: &[u8]) -> Option<Identified> {
    let head = head.get(..HEADER_BYTES.min(head.len())).unwrap_or(head);
    memchr::memmem::find(head, b"icense")?;
    let text = crate::formats::decode_lossy(head);
    for line in text.lines().take(80) {
        let lower = line.to_ascii_lowercase();
        if let Some(at) = lower.find("spdx-license-identifier:") {
            let expr = line
                .get(at + "spdx-license-identifier:".len()..)
                .unwrap_or_default()
                .trim()
                .trim_end_matches(['*', '/', '-', '>', ' '])
                .trim();
            if let Some(spdx) = super::from_hub_id(expr, None) {
                return Some(Identified {
                    family: Some(super::display_name(&spdx)),
                    spdx,
                    confidence: 0.9,
                });
            }
            continue;
        }
        if lower.contains("licen")
            && (lower.contains("licensed under") || lower.contains("terms of"))
            && let Some(id) = identify_by_phrases(line).filter(|id| id.confidence >= 0.5)
        {
            return Some(id);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_from_headings_html_and_capital_lines() {
        assert_eq!(
            title_of("# Example Licence Terms\n\ntext").as_deref(),
            Some("Example Licence Terms")
        );
        assert_eq!(
            title_of("<h2 align=\"center\"> XYZ-175B LICENSE AGREEMENT </h2>\nbody").as_deref(),
            Some("XYZ-175B LICENSE AGREEMENT")
        );
        assert_eq!(
            title_of("XYZ LICENSE AGREEMENT\n\nbody").as_deref(),
            Some("XYZ LICENSE AGREEMENT")
        );
        assert_eq!(
            title_of("Copyright 2024 Example\n\nEXAMPLE RESEARCH LICENSE TERMS\n").as_deref(),
            Some("EXAMPLE RESEARCH LICENSE TERMS")
        );
        // Prose and code fences are not titles.
        assert_eq!(
            title_of("Copyright 2024 Example Labs.\nAll rights reserved.\n"),
            None
        );
        assert_eq!(title_of("```\n# not a title\n```\n"), None);
    }

    #[test]
    fn a_licence_pasted_into_a_card_is_found_and_prose_is_not() {
        let body = "Grant. The Licensor hereby grants the Licensee permission to use the Materials under these conditions. ".repeat(20);
        let card = format!(
            "# Model\n\nIt is licensed as follows:\n\nXYZ RESEARCH LICENSE TERMS\n\n{body}"
        );
        let found = card_licence_text(&card).expect("licence text");
        assert_eq!(
            found.own.unwrap().spdx,
            "LicenseRef-XYZ-RESEARCH-LICENSE-TERMS"
        );
        // The same words without a title, and a title with too little text.
        assert!(card_licence_text(&body).is_none());
        assert!(card_licence_text("XYZ LICENSE TERMS\n\nSee our website.\n").is_none());
        // A heading that is only the word "License" is a section, not a title.
        assert!(card_licence_text(&format!("## License\n\n{body}")).is_none());
    }

    #[test]
    fn an_unidentified_file_keeps_its_title_and_blankness() {
        let f = identify_file(
            "ACME MODEL LICENSE AGREEMENT\n\nYou may use this model for non-commercial purposes only.\n",
        );
        assert!(f.own.is_none());
        assert_eq!(f.title.as_deref(), Some("ACME MODEL LICENSE AGREEMENT"));
        assert!(
            f.restrictions.contains(&Restriction::NonCommercial),
            "{:?}",
            f.restrictions
        );
        assert!(identify_file(" \n\n").blank);
    }

    const MIT_GRANT: &str = "Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated documentation files (the \"Software\"), to deal in the Software without restriction, including without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the following conditions:\n\nThe above copyright notice and this permission notice shall be included in all copies or substantial portions of the Software.\n\nTHE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT.\n";

    #[test]
    fn plain_mit_is_mit() {
        let text = format!("MIT License\n\nCopyright (c) 2024 Someone\n\n{MIT_GRANT}");
        let found = identify_file(&text);
        assert_eq!(found.own.map(|o| o.spdx).as_deref(), Some("MIT"));
        assert_eq!(found.how, How::Text);
        assert!(found.restrictions.is_empty());
        assert!(found.bundled.is_empty());
    }

    #[test]
    fn mit_with_use_bans_is_not_mit() {
        let text = format!(
            "Acme Model License\n\n{MIT_GRANT}\nYou shall not use the Software for military purposes or for mass surveillance.\n"
        );
        let found = identify_file(&text);
        let own = found.own.unwrap();
        assert_eq!(own.spdx, "LicenseRef-Acme-Model-License");
        assert!(!super::super::is_open(&own.spdx));
        assert_eq!(found.looks_like.as_deref(), Some("MIT"));
        assert_eq!(
            found.restrictions,
            vec![Restriction::FieldOfUse, Restriction::UseBan]
        );
    }

    #[test]
    fn look_alike_keeping_the_permissive_title_gets_a_restricted_id() {
        let text = format!(
            "MIT License\n\n{MIT_GRANT}\nThe Software may be used for non-commercial purposes only.\n"
        );
        let own = identify_file(&text).own.unwrap();
        assert_eq!(own.spdx, "LicenseRef-MIT-Restricted");
    }

    #[test]
    fn appended_licences_are_bundled() {
        let bsd = "Redistribution and use in source and binary forms, with or without modification, are permitted provided that the following conditions are met:\n1. Redistributions of source code must retain the above copyright notice, this list of conditions and the following disclaimer.\n2. Redistributions in binary form must reproduce the above copyright notice, this list of conditions and the following disclaimer in the documentation and/or other materials provided with the distribution.\n3. Neither the name of the copyright holder nor the names of its contributors may be used to endorse or promote products derived from this software without specific prior written permission.\nTHIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS \"AS IS\" AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE DISCLAIMED.\n";
        let text = format!(
            "MIT License\n\n{MIT_GRANT}\n----- Licence of the vendored parser -----\n\n{bsd}"
        );
        let found = identify_file(&text);
        assert_eq!(found.own.unwrap().spdx, "MIT");
        let bundled: Vec<&str> = found.bundled.iter().map(|b| b.spdx.as_str()).collect();
        assert_eq!(bundled, ["BSD-3-Clause"]);
    }

    #[test]
    fn one_line_pointer() {
        let found = identify_file(
            "This project is licensed under the Llama 2 Community License; see https://example.org/LICENSE\n",
        );
        assert_eq!(found.how, How::Pointer);
        let own = found.own.unwrap();
        assert_eq!(own.spdx, "LicenseRef-Llama-2");
        assert!(own.confidence <= POINTER_CONFIDENCE);
        assert_eq!(
            identify_file("Please refer to https://example.org/LICENSE").own,
            None
        );
    }

    #[test]
    fn cjk_restrictions() {
        assert_eq!(
            restrictions("您不得出于任何军事或非法目的使用本软件。"),
            vec![Restriction::FieldOfUse]
        );
    }

    #[test]
    fn scopes_by_licence_kind() {
        assert_eq!(scope_by_licence("ODC-By-1.0"), Some(Part::Data));
        assert_eq!(scope_by_licence("LicenseRef-DeepSeek"), Some(Part::Weights));
        assert_eq!(
            scope_by_licence("LicenseRef-CreativeML-OpenRAILpp-M"),
            Some(Part::Weights)
        );
        assert_eq!(scope_by_licence("MIT"), None);
        assert_eq!(scope_by_licence("LicenseRef-Other"), None);
    }

    #[test]
    fn source_headers() {
        let head = b"# Copyright (c) Example.\n# This software may be used and distributed according to the terms of the Llama 2 Community License Agreement.\n\nimport torch\n";
        assert_eq!(header_licence(head).unwrap().spdx, "LicenseRef-Llama-2");
        let spdx = b"// SPDX-License-Identifier: Apache-2.0\nfn main() {}\n";
        assert_eq!(header_licence(spdx).unwrap().spdx, "Apache-2.0");
        let apache = b"# Licensed under the Apache License, Version 2.0 (the \"License\");\n";
        assert_eq!(header_licence(apache).unwrap().spdx, "Apache-2.0");
        assert_eq!(header_licence(b"import os\n"), None);
    }
}
