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
//!   store into `data/licence-index.bands` (a test regenerates and
//!   compares it);
//! - the index is split into bands of text length, each loaded once, on
//!   first use, and only the bands a text's length can match are loaded and
//!   compared: the whole index cost about 30 ms and 6 MiB to load, the one
//!   to three bands a text needs about 5 ms and 2 MiB.

use std::sync::OnceLock;

use spdx::detection::{Store, TextData};

use super::{Identified, MAX_TEXT_BYTES, normalize};
use crate::formats::truncate_at_char;

/// The prebuilt index: the `spdx` crate's cache format (zstd), restricted
/// to [`INDEXED`], one store per band of text lengths ([`BANDS`]): a text
/// can only score [`THRESHOLD`] against texts of about its own length (the
/// score is a Dice coefficient), so a scan loads only the bands its text's
/// length can match, a fraction of the index. The file is the bands' blobs,
/// each preceded by its length as a little-endian u32.
const INDEX: &[u8] = include_bytes!("../../data/licence-index.bands");

/// Word counts at which the bands start (each 1.5 times the last): a
/// licence text (original, header or alternate) of `w` words is in the last
/// band whose start is `<= w`.
pub(super) const BANDS: [usize; 13] = [
    0, 60, 90, 135, 200, 300, 450, 675, 1000, 1500, 2250, 3400, 5100,
];

/// The blob of one band in [`INDEX`].
fn band_bytes(index: &[u8], band: usize) -> Option<&[u8]> {
    let mut rest = index;
    for i in 0..=band {
        let (len, tail) = rest.split_first_chunk::<4>()?;
        let len = usize::try_from(u32::from_le_bytes(*len)).ok()?;
        let (blob, tail) = tail.split_at_checked(len)?;
        if i == band {
            return Some(blob);
        }
        rest = tail;
    }
    None
}

/// A Dice score of [`THRESHOLD`] needs the shorter text to hold at least
/// 0.818 of the longer one's bigrams; word counts (ours against askalono's
/// normalisation) are allowed this much more slack on each side.
const LENGTH_RATIO: f64 = 0.7;

/// The bands a text of `words` words can match.
pub(super) fn bands_for(words: usize) -> std::ops::RangeInclusive<usize> {
    let low = (words as f64 * LENGTH_RATIO).floor() as usize;
    let high = (words as f64 / LENGTH_RATIO).ceil() as usize;
    band_of(low)..=band_of(high)
}

pub(super) fn band_of(words: usize) -> usize {
    BANDS.iter().rposition(|start| *start <= words).unwrap_or(0)
}

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
    let text = truncate_at_char(text, MAX_TEXT_BYTES);
    let words = normalize(text).split(' ').filter(|w| !w.is_empty()).count();
    #[cfg(test)]
    tests::MATCHED.set(tests::MATCHED.get() + 1);
    let data = TextData::new(text);
    let mut best: Option<(f32, &str)> = None;
    for band in bands_for(words) {
        // `analyze` indexes its first result: an empty band would panic.
        let Some(store) = index(band).filter(|s| s.licenses().next().is_some()) else {
            continue;
        };
        let found = store.analyze(&data);
        if best.is_none_or(|(score, _)| found.score > score) {
            best = Some((found.score, found.name));
        }
    }
    let (score, name) = best?;
    (score >= THRESHOLD).then(|| Identified {
        spdx: name.to_owned(),
        confidence: score,
        family: None,
    })
}

/// One band of the index, loaded on first use. The embedded bytes are
/// checked by the tests; should they still fail to load, nothing is matched.
fn index(band: usize) -> Option<&'static Store> {
    static STORES: [OnceLock<Option<Store>>; BANDS.len()] =
        [const { OnceLock::new() }; BANDS.len()];
    STORES
        .get(band)?
        .get_or_init(|| Store::from_cache(band_bytes(INDEX, band)?).ok())
        .as_ref()
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

    /// Words of an indexed text, counted as [`identify`] counts its input.
    fn words_of(data: &TextData) -> usize {
        normalize(&data.lines().join("\n"))
            .split(' ')
            .filter(|w| !w.is_empty())
            .count()
    }

    /// The `spdx` crate's store restricted to [`INDEXED`], texts stripped,
    /// split into one store per band: every text (original, header or
    /// alternate) of a licence goes to the band of its length, where the
    /// licence's texts are one entry (the first as its original, the others
    /// as alternates; `analyze` scores each alike).
    fn build_index() -> Vec<Store> {
        let full = Store::load_inline().expect("the spdx crate's inline store");
        let mut bands: Vec<Store> = BANDS.iter().map(|_| Store::new()).collect();
        let mut names: Vec<&String> = full.licenses().collect();
        names.sort();
        for name in names {
            if !INDEXED.contains(&name.as_str()) {
                continue;
            }
            let (_, entry) = full.iter().find(|(n, _)| *n == name).unwrap();
            let texts = std::iter::once(&entry.original)
                .chain(&entry.alternates)
                .chain(&entry.headers);
            let mut per_band: Vec<Vec<TextData>> = BANDS.iter().map(|_| Vec::new()).collect();
            for data in texts {
                per_band[band_of(words_of(data))].push(data.clone().without_text());
            }
            for (band, mut texts) in per_band.into_iter().enumerate() {
                if texts.is_empty() {
                    continue;
                }
                let original = texts.remove(0);
                bands[band].insert_entry(
                    name.clone(),
                    LicenseEntry {
                        original,
                        aliases: entry.aliases.clone(),
                        headers: Vec::new(),
                        alternates: texts,
                    },
                );
            }
        }
        bands
    }

    /// Regenerate with `OPENNESS_REGENERATE_INDEX=1 cargo test licence_index`.
    #[test]
    fn licence_index_is_current() {
        let fresh = build_index();
        if std::env::var_os("OPENNESS_REGENERATE_INDEX").is_some() {
            let mut file = Vec::new();
            for store in &fresh {
                let mut bytes = Vec::new();
                store.to_cache(&mut bytes).unwrap();
                file.extend_from_slice(&u32::try_from(bytes.len()).unwrap().to_le_bytes());
                file.extend_from_slice(&bytes);
            }
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/licence-index.bands");
            std::fs::write(path, file).unwrap();
        }
        for (band, fresh) in fresh.iter().enumerate() {
            let bytes = band_bytes(INDEX, band).expect("every band is in the file");
            let stored = Store::from_cache(bytes).expect("the embedded index loads");
            let mut names: Vec<&String> = stored.licenses().collect();
            names.sort();
            let mut expected: Vec<&String> = fresh.licenses().collect();
            expected.sort();
            assert_eq!(names, expected, "band {band}");
            for (name, entry) in fresh.iter() {
                let (_, kept) = stored.iter().find(|(n, _)| *n == name).unwrap();
                assert!(entry.original.ngram_matches(&kept.original), "{name}");
                assert_eq!(entry.alternates.len(), kept.alternates.len(), "{name}");
                for (a, b) in entry.alternates.iter().zip(&kept.alternates) {
                    assert!(a.ngram_matches(b), "{name} alternate");
                }
            }
        }
        // Every indexed id is somewhere in the bands.
        let mut all: Vec<String> = fresh
            .iter()
            .flat_map(|s| s.licenses().cloned().collect::<Vec<_>>())
            .collect();
        all.sort();
        all.dedup();
        let mut expected: Vec<&str> = INDEXED.to_vec();
        expected.sort_unstable();
        assert_eq!(all, expected, "every indexed id is in the spdx store");
    }

    /// A text is compared with every band its length can match: the bands
    /// chosen for a text of `n` words cover every length from 0.7 n to
    /// n / 0.7.
    #[test]
    fn bands_cover_the_lengths_a_text_can_match() {
        for n in [
            25, 59, 60, 100, 149, 150, 399, 400, 999, 1000, 2499, 2500, 9000,
        ] {
            let bands = bands_for(n);
            let low = (n as f64 * 0.7) as usize;
            let high = (n as f64 / 0.7) as usize;
            assert!(bands.contains(&band_of(low)), "{n}");
            assert!(bands.contains(&band_of(high)), "{n}");
        }
        assert_eq!(bands_for(30), 0..=0);
        assert_eq!(bands_for(3000), 9..=11);
        assert_eq!(band_bytes(b"", 0), None);
        assert_eq!(
            band_bytes(&[9, 0, 0, 0, 1], 0),
            None,
            "a length past the end"
        );
        assert_eq!(band_bytes(&[1, 0, 0, 0, 7, 0, 0, 0, 0], 1), Some(&[][..]));
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
