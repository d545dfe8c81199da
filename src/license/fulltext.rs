//! The whole-text licence matcher: askalono's n-gram comparison (the `spdx`
//! crate's `detection`) for long texts the phrase rules cannot place.
//!
//! Why not the `spdx` crate's own store of all 693 SPDX texts: loading it
//! costs about 0.2 s and 70 MiB per process, paid by any scan whose README
//! has a licence section the phrases do not know (the Hugging Face card
//! template's `[More Information Needed]` included). Instead:
//!
//! - a text reaches the matcher only if, without template placeholders, it
//!   has at least [`MIN_WORDS`] words. askalono's score is a Dice
//!   coefficient over word bigrams, so a text far shorter than a licence
//!   cannot score the 0.9 a match needs; a test holds every indexed text to
//!   that bound;
//! - the matcher's index holds only the licences that occur in model
//!   releases ([`INDEXED`]: from the Hugging Face Hub's licence list and the
//!   common code licences) less those whose texts the phrase rules place
//!   themselves (Apache-2.0, MIT, the GNU licences, ...; a test holds them
//!   to that), texts stripped, prebuilt from the `spdx` crate's
//!   store into `data/licence-index.bin.zst` (a test regenerates and
//!   compares it) and loaded once, on first use.

use std::sync::OnceLock;

use spdx::detection::{Store, TextData};

use super::{Identified, MAX_TEXT_BYTES, normalize};
use crate::formats::truncate_at_char;

/// The prebuilt index: the `spdx` crate's cache format (zstd), restricted
/// to [`INDEXED`].
const INDEX: &[u8] = include_bytes!("../../data/licence-index.bin.zst");

/// A whole-text match below this score is not reported: askalono's own
/// threshold for a confident match.
pub(super) const THRESHOLD: f32 = 0.9;

/// Texts with fewer words than this (after [`PLACEHOLDERS`] are removed)
/// never reach the matcher: none of the indexed texts can score
/// [`THRESHOLD`] against so short a text.
pub(super) const MIN_WORDS: usize = 25;

/// Template text that says nothing about a licence, in normalised form
/// (Hugging Face's model card template fills every section with the first).
const PLACEHOLDERS: &[&str] = &["more information needed", "needs more information"];

/// The SPDX ids in the index: licences that occur in model releases (the
/// Hugging Face Hub's licence list, with its BSD and Creative Commons
/// families in their current ids, plus the common code licences), less
/// those the phrase rules place (`PHRASE_PLACED` in the tests). The
/// `spdx` store has no GFDL text, and files each GNU licence under its
/// `-or-later` id.
#[cfg_attr(
    not(test),
    expect(
        dead_code,
        reason = "the index's contents, which the tests build it from"
    )
)]
pub(super) const INDEXED: &[&str] = &[
    "0BSD",
    "AFL-3.0",
    "AML",
    "Apache-1.1",
    "Artistic-2.0",
    "BSD-2-Clause-Patent",
    "BSD-3-Clause-Clear",
    "BSL-1.0",
    "C-UDA-1.0",
    "CC-BY-2.0",
    "CC-BY-2.5",
    "CC-BY-3.0",
    "CC-BY-4.0",
    "CC-BY-NC-2.0",
    "CC-BY-NC-3.0",
    "CC-BY-NC-4.0",
    "CC-BY-NC-ND-3.0",
    "CC-BY-NC-ND-4.0",
    "CC-BY-NC-SA-2.0",
    "CC-BY-NC-SA-3.0",
    "CC-BY-NC-SA-4.0",
    "CC-BY-ND-4.0",
    "CC-BY-SA-3.0",
    "CC-BY-SA-4.0",
    "CDLA-Permissive-1.0",
    "CDLA-Sharing-1.0",
    "ECL-2.0",
    "EPL-1.0",
    "EPL-2.0",
    "etalab-2.0",
    "EUPL-1.1",
    "EUPL-1.2",
    "LPPL-1.3c",
    "MIT-0",
    "MS-PL",
    "NCSA",
    "ODbL-1.0",
    "ODC-By-1.0",
    "OFL-1.1",
    "OSL-3.0",
    "PDDL-1.0",
    "PostgreSQL",
    "PSF-2.0",
    "Python-2.0",
    "Unlicense",
    "WTFPL",
    "Zlib",
];

/// Whether a text is worth the whole-text matcher: long enough, once
/// template placeholders are removed, that a licence text could match it.
pub(super) fn worth_matching(text: &str) -> bool {
    let mut norm = normalize(truncate_at_char(text, MAX_TEXT_BYTES));
    for placeholder in PLACEHOLDERS {
        norm = norm.replace(placeholder, " ");
    }
    norm.split_whitespace().nth(MIN_WORDS - 1).is_some()
}

/// The indexed licence whose text the given text matches, if any scores
/// [`THRESHOLD`]. Short and placeholder texts are not compared.
pub(super) fn identify(text: &str) -> Option<Identified> {
    if !worth_matching(text) {
        return None;
    }
    let store = index()?;
    let text = truncate_at_char(text, MAX_TEXT_BYTES);
    #[cfg(test)]
    tests::MATCHED.set(tests::MATCHED.get() + 1);
    let found = store.analyze(&TextData::new(text));
    (found.score >= THRESHOLD).then(|| Identified {
        spdx: found.name.to_owned(),
        confidence: found.score,
        family: None,
    })
}

/// The index, loaded on first use. The embedded bytes are checked by the
/// tests; should they still fail to load, nothing is matched.
fn index() -> Option<&'static Store> {
    static STORE: OnceLock<Option<Store>> = OnceLock::new();
    STORE.get_or_init(|| Store::from_cache(INDEX).ok()).as_ref()
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::license::identify_text;
    use spdx::detection::LicenseEntry;
    use std::cell::Cell;

    thread_local! {
        /// Texts this thread sent to the whole-text matcher.
        pub(in crate::license) static MATCHED: Cell<usize> = const { Cell::new(0) };
    }

    /// `identify_text` on `text`, and whether the matcher saw it.
    fn identify_counting(text: &str) -> (Option<Identified>, bool) {
        let before = MATCHED.get();
        let found = identify_text(text);
        (found, MATCHED.get() > before)
    }

    /// What the full store of every SPDX text said, before the index.
    fn full_store_verdict(full: &Store, text: &str) -> Option<(String, f32)> {
        let found = full.analyze(&TextData::new(text));
        (found.score >= THRESHOLD).then(|| (found.name.to_owned(), found.score))
    }

    #[test]
    fn the_placeholder_never_reaches_the_matcher() {
        for section in [
            "[More Information Needed]",
            "License: [More Information Needed]",
            "[More Information Needed]\n\n[More Information Needed]",
        ] {
            assert_eq!(identify_counting(section), (None, false), "{section:?}");
        }
        let repeated = "[More Information Needed]\n".repeat(4 * MIN_WORDS);
        assert_eq!(identify_counting(&repeated), (None, false));
    }

    #[test]
    fn a_short_section_never_reaches_the_matcher() {
        let short = "The authors keep every right to this model; write to them before you use it.";
        assert_eq!(identify_counting(short), (None, false));
        // Placed by the phrase rules, not trusted, still not matched.
        let (found, matched) = identify_counting("Released under the MIT terms, see the file.");
        assert!(!matched, "{found:?}");
    }

    #[test]
    fn a_long_unknown_text_reaches_the_matcher_with_the_old_verdict() {
        let full = Store::load_inline().unwrap();
        // Our own words, no licence's: matched, and nothing found, as before.
        let own = "The people who trained this model allow you to run it, to study \
                   how it behaves and to share what it produces, provided that any \
                   copy you pass on keeps this notice and says where the original \
                   can be found by anyone who asks for it in writing.";
        assert_eq!(identify_counting(own), (None, true));
        assert_eq!(full_store_verdict(&full, own), None);
        // Every indexed licence text is found as the full store found it
        // (when the full store's best is itself indexed: a text shared with
        // a licence outside the index is not expected to be named alike).
        let mut compared = 0;
        for name in INDEXED {
            let text = full.get_original(name).unwrap().lines().join("\n");
            let old = full_store_verdict(&full, &text);
            if old
                .as_ref()
                .is_some_and(|(n, _)| !INDEXED.contains(&n.as_str()))
            {
                continue;
            }
            let (new, matched) = identify_counting(&text);
            let new = new.map(|id| (id.spdx, id.confidence));
            if matched {
                assert_eq!(new, old, "{name}");
            } else {
                // The phrase rules placed it first, as they did before.
                assert!(new.is_some(), "{name}");
            }
            compared += 1;
        }
        assert!(compared > INDEXED.len() / 2, "{compared}");
    }

    /// The `spdx` crate's store restricted to [`INDEXED`], texts stripped.
    fn build_index() -> Store {
        let full = Store::load_inline().expect("the spdx crate's inline store");
        let mut index = Store::new();
        for (name, entry) in full.iter() {
            if !INDEXED.contains(&name.as_str()) {
                continue;
            }
            let strip = |texts: &[TextData]| -> Vec<TextData> {
                texts.iter().map(|t| t.clone().without_text()).collect()
            };
            index.insert_entry(
                name.clone(),
                LicenseEntry {
                    original: entry.original.clone().without_text(),
                    aliases: entry.aliases.clone(),
                    headers: strip(&entry.headers),
                    alternates: strip(&entry.alternates),
                },
            );
        }
        index
    }

    /// Regenerate with `OPENNESS_REGENERATE_INDEX=1 cargo test licence_index`.
    #[test]
    fn licence_index_is_current() {
        let fresh = build_index();
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/licence-index.bin.zst");
        if std::env::var_os("OPENNESS_REGENERATE_INDEX").is_some() {
            let mut bytes = Vec::new();
            fresh.to_cache(&mut bytes).unwrap();
            std::fs::write(path, bytes).unwrap();
        }
        let stored = Store::from_cache(INDEX).expect("the embedded index loads");
        let mut names: Vec<&String> = stored.licenses().collect();
        names.sort();
        let mut expected: Vec<&str> = INDEXED.to_vec();
        expected.sort_unstable();
        assert_eq!(names, expected, "every indexed id is in the spdx store");
        for (name, entry) in fresh.iter() {
            let (_, kept) = stored.iter().find(|(n, _)| *n == name).unwrap();
            assert!(entry.original.ngram_matches(&kept.original), "{name}");
            assert_eq!(entry.headers.len(), kept.headers.len(), "{name}");
            assert_eq!(entry.alternates.len(), kept.alternates.len(), "{name}");
            for (a, b) in entry.headers.iter().zip(&kept.headers) {
                assert!(a.ngram_matches(b), "{name} header");
            }
            for (a, b) in entry.alternates.iter().zip(&kept.alternates) {
                assert!(a.ngram_matches(b), "{name} alternate");
            }
        }
    }

    /// No indexed text (original, header or alternate) can be matched by a
    /// text shorter than [`MIN_WORDS`]: even its own first words fall short.
    #[test]
    fn short_texts_cannot_reach_the_threshold() {
        let full = Store::load_inline().unwrap();
        let mut reachable = Vec::new();
        for (name, entry) in full.iter() {
            if !INDEXED.contains(&name.as_str()) {
                continue;
            }
            let texts = std::iter::once(&entry.original)
                .chain(&entry.headers)
                .chain(&entry.alternates);
            for data in texts {
                let words: Vec<&str> = data
                    .lines()
                    .iter()
                    .flat_map(|l| l.split_whitespace())
                    .collect();
                assert!(!words.is_empty(), "{name}: the inline store keeps texts");
                let prefix = words[..words.len().min(MIN_WORDS - 1)].join(" ");
                let score = data.match_score(&TextData::new(&prefix));
                if score >= THRESHOLD {
                    reachable.push(format!("{name}: {score} from {prefix:?}"));
                }
            }
        }
        reachable.sort();
        assert!(reachable.is_empty(), "{reachable:#?}");
    }

    /// Licences of model releases left out of the index because the phrase
    /// rules place their texts (0.9 or more) before the matcher is asked.
    const PHRASE_PLACED: &[&str] = &[
        "AGPL-3.0-or-later",
        "Apache-2.0",
        "BSD-2-Clause",
        "BSD-3-Clause",
        "CC0-1.0",
        "CDLA-Permissive-2.0",
        "GPL-2.0-or-later",
        "GPL-3.0-or-later",
        "ISC",
        "LGPL-2.1-or-later",
        "LGPL-3.0-or-later",
        "MIT",
        "MPL-2.0",
    ];

    #[test]
    fn licences_left_out_of_the_index_are_placed_by_phrases() {
        let full = Store::load_inline().unwrap();
        let mut unplaced = Vec::new();
        for name in PHRASE_PLACED {
            assert!(!INDEXED.contains(name), "{name}");
            let text = full.get_original(name).unwrap().lines().join("\n");
            let (found, matched) = identify_counting(&text);
            if matched || found.is_none_or(|f| f.confidence < 0.9) {
                unplaced.push(*name);
            }
        }
        assert!(unplaced.is_empty(), "{unplaced:?}");
    }

    #[test]
    fn placeholders_and_short_sections_never_reach_the_matcher() {
        assert!(!worth_matching("[More Information Needed]"));
        assert!(!worth_matching("License: [More Information Needed]"));
        assert!(!worth_matching(
            &"[More Information Needed]\n".repeat(MIN_WORDS)
        ));
        assert!(!worth_matching(
            "This model is released under our own licence; see the website for details."
        ));
        assert!(!worth_matching(&"word ".repeat(MIN_WORDS - 1)));
        assert!(worth_matching(&"word ".repeat(MIN_WORDS)));
        assert_eq!(identify("[More Information Needed]"), None);
    }
}
