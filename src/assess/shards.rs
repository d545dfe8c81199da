//! Cross-checks a sharded checkpoint's index with its shards. Loaders trust
//! the index's `weight_map` to find each tensor, so a shard that is missing,
//! a tensor that is not where the index says, or a shard the index forgot all
//! break loading or silently drop weights; this module judges the parsed
//! index (`formats::shard_index`) against what the shards' own headers hold.

use crate::finding::{Code, Finding};
use crate::formats::safetensors::TensorInfo;
use crate::formats::safetensors::json;
use crate::formats::shard_index::ShardIndex;
use std::collections::{BTreeMap, BTreeSet};

/// How many tensor names a summarising finding lists before "and N more".
const NAMES_SHOWN: usize = 3;

/// What the scan knows about one shard named by the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShardState<'a> {
    /// Not in the release.
    Missing,
    /// A Git LFS pointer stands in for the shard.
    LfsPointer,
    /// Present but could not be read or parsed.
    Unreadable,
    /// A safetensors shard whose header was parsed.
    Parsed { tensors: &'a [TensorInfo] },
    /// Present but its tensor list is unknown, e.g. a pickle `.bin`.
    Opaque,
}

/// Cross-checks an index with its shards.
///
/// `index_path` is the index file's path relative to the scan root (used in
/// findings); `shard_dir` the folder prefix ("" or "sub/") to build shard
/// paths for findings. `shards` maps shard file name (as in `weight_map`)
/// to state, for every shard the index names; a shard absent from it counts
/// as `Missing`, so callers need only insert the files they found.
/// `extra_shards` lists files in the index's folder that look like shards of
/// the same family (e.g. `model-00003-of-00003.safetensors`) but may not be
/// named in the index; those the index does name are ignored.
///
/// LFS pointers, unreadable and opaque shards are skipped for content
/// checks: their own findings are emitted elsewhere, and what they hold is
/// unknown.
pub fn check(
    index_path: &str,
    shard_dir: &str,
    index: &ShardIndex,
    shards: &BTreeMap<String, ShardState<'_>>,
    extra_shards: &[String],
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let named = index.shards();
    let shard_path = |name: &str| format!("{shard_dir}{name}");
    let state = |name: &str| shards.get(name).copied().unwrap_or(ShardState::Missing);

    // Tensors the index places in each shard.
    let mut placed: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (tensor, shard) in &index.weight_map {
        placed.entry(shard).or_default().insert(tensor);
    }

    // What the parsed shards actually hold, and where each tensor was seen.
    let mut held: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let mut seen_in: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for shard in &named {
        if let ShardState::Parsed { tensors } = state(shard) {
            let names = held.entry(shard).or_default();
            for t in tensors {
                names.insert(&t.name);
                seen_in.entry(&t.name).or_default().insert(shard);
            }
        }
    }

    // Absent shards: one finding per index, however many are gone (a
    // release missing 243 shards is one problem, not 243); the full list is
    // in the index's evidence item (see [`missing`]).
    let gone = missing(index, shards);
    if let Some(first) = gone.first() {
        let tensors: usize = gone
            .iter()
            .map(|s| placed.get(s.as_str()).map_or(0, BTreeSet::len))
            .sum();
        let message = if gone.len() == 1 {
            format!(
                "{index_path} places {tensors} {} in {}, which is not in the release",
                plural(tensors, "tensor", "tensors"),
                json::quote(first)
            )
        } else {
            let names: Vec<&str> = gone.iter().map(String::as_str).collect();
            format!(
                "{index_path} names {} of its {} shards that are not in the release ({tensors} {} placed in them): {}",
                gone.len(),
                named.len(),
                plural(tensors, "tensor", "tensors"),
                summarise(&names)
            )
        };
        let path = if gone.len() == 1 {
            shard_path(first)
        } else {
            index_path.to_owned()
        };
        findings.push(Finding::new(Code::MissingShard, Some(&path), message));
    }

    for (&shard, holds) in &held {
        let path = shard_path(shard);
        let empty = BTreeSet::new();
        let expected = placed.get(shard).unwrap_or(&empty);

        // Placed here, not here, and not in any other parsed shard either.
        // A tensor found elsewhere is reported once, from the shard holding it.
        let absent: Vec<&str> = expected
            .iter()
            .copied()
            .filter(|t| !holds.contains(t) && !seen_in.contains_key(t))
            .collect();
        if !absent.is_empty() {
            findings.push(Finding::new(
                Code::IndexMismatch,
                Some(&path),
                format!(
                    "{index_path} places {} {} in {} that it does not hold: {}",
                    absent.len(),
                    plural(absent.len(), "tensor", "tensors"),
                    json::quote(shard),
                    summarise(&absent)
                ),
            ));
        }

        let mut unlisted = Vec::new();
        let mut elsewhere: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for &t in holds {
            match index.weight_map.get(t) {
                None => unlisted.push(t),
                Some(home) if home != shard => elsewhere.entry(home).or_default().push(t),
                Some(_) => {}
            }
        }
        if !unlisted.is_empty() {
            findings.push(Finding::new(
                Code::IndexMismatch,
                Some(&path),
                format!(
                    "{} holds {} {} that {index_path} does not list: {}",
                    json::quote(shard),
                    unlisted.len(),
                    plural(unlisted.len(), "tensor", "tensors"),
                    summarise(&unlisted)
                ),
            ));
        }
        for (home, tensors) in elsewhere {
            findings.push(Finding::new(
                Code::IndexMismatch,
                Some(&path),
                format!(
                    "{} holds {} {} that {index_path} places in {}: {}",
                    json::quote(shard),
                    tensors.len(),
                    plural(tensors.len(), "tensor", "tensors"),
                    json::quote(home),
                    summarise(&tensors)
                ),
            ));
        }
    }

    let extras: BTreeSet<&str> = extra_shards
        .iter()
        .map(String::as_str)
        .filter(|name| !named.contains(*name))
        .collect();
    for extra in extras {
        findings.push(Finding::new(
            Code::IndexMismatch,
            Some(&shard_path(extra)),
            format!(
                "{} looks like a shard of this checkpoint but {index_path} does not list it",
                json::quote(extra)
            ),
        ));
    }

    // Only meaningful when every shard's data size is known. An index naming
    // no shard at all must then declare 0, which is what the fold yields.
    if let Some(declared) = index.total_size
        && named.iter().all(|s| held.contains_key(s.as_str()))
    {
        let actual = named
            .iter()
            .filter_map(|s| match state(s) {
                ShardState::Parsed { tensors } => Some(tensors),
                _ => None,
            })
            .flatten()
            .fold(0u64, |acc, t| {
                acc.saturating_add(t.end.saturating_sub(t.begin))
            });
        if declared != actual {
            findings.push(Finding::new(
                Code::IndexMismatch,
                Some(index_path),
                format!(
                    "{index_path} declares a total_size of {declared} bytes but its shards \
                     hold {actual} bytes of tensor data"
                ),
            ));
        }
    }

    findings.sort();
    findings
}

/// The shards `index` names that are not in the release, sorted.
pub fn missing(index: &ShardIndex, shards: &BTreeMap<String, ShardState<'_>>) -> Vec<String> {
    index
        .shards()
        .into_iter()
        .filter(|s| {
            shards
                .get(s.as_str())
                .copied()
                .unwrap_or(ShardState::Missing)
                == ShardState::Missing
        })
        .collect()
}

fn plural<'s>(n: usize, one: &'s str, many: &'s str) -> &'s str {
    if n == 1 { one } else { many }
}

/// The first few names, quoted, then how many more: a shard can disagree
/// with its index on thousands of tensors and a finding must stay one line.
fn summarise(names: &[&str]) -> String {
    let mut out: Vec<String> = names
        .iter()
        .take(NAMES_SHOWN)
        .map(|n| json::quote(n))
        .collect();
    if names.len() > NAMES_SHOWN {
        out.push(format!("and {} more", names.len() - NAMES_SHOWN));
    }
    out.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;

    const INDEX: &str = "model.safetensors.index.json";
    const S1: &str = "model-00001-of-00002.safetensors";
    const S2: &str = "model-00002-of-00002.safetensors";

    /// Tensors laid out contiguously, `bytes` each, as a parsed header has them.
    fn tensors(names: &[&str], bytes: u64) -> Vec<TensorInfo> {
        names
            .iter()
            .zip(0u64..)
            .map(|(name, i)| TensorInfo {
                name: (*name).to_owned(),
                dtype: "F32".to_owned(),
                shape: vec![bytes / 4],
                begin: i * bytes,
                end: (i + 1) * bytes,
            })
            .collect()
    }

    fn index(total_size: Option<u64>, map: &[(&str, &str)]) -> ShardIndex {
        ShardIndex {
            total_size,
            weight_map: map
                .iter()
                .map(|(t, s)| ((*t).to_owned(), (*s).to_owned()))
                .collect(),
        }
    }

    fn run(index: &ShardIndex, shards: &[(&str, ShardState<'_>)], extra: &[&str]) -> Vec<Finding> {
        let shards: BTreeMap<String, ShardState<'_>> = shards
            .iter()
            .map(|(name, state)| ((*name).to_owned(), *state))
            .collect();
        let extra: Vec<String> = extra.iter().map(|s| (*s).to_owned()).collect();
        check(&format!("sub/{INDEX}"), "sub/", index, &shards, &extra)
    }

    /// Two shards: a, b in S1 (8 bytes each); c in S2.
    fn two_shard_index(total: Option<u64>) -> ShardIndex {
        index(total, &[("a", S1), ("b", S1), ("c", S2)])
    }

    #[test]
    fn consistent_index_has_no_findings() {
        let idx = two_shard_index(Some(24));
        let t1 = tensors(&["a", "b"], 8);
        let t2 = tensors(&["c"], 8);
        let findings = run(
            &idx,
            &[
                (S1, ShardState::Parsed { tensors: &t1 }),
                (S2, ShardState::Parsed { tensors: &t2 }),
            ],
            &[S1, S2],
        );
        assert_eq!(findings, []);
    }

    #[test]
    fn missing_shard() {
        let idx = two_shard_index(Some(999));
        let t1 = tensors(&["a", "b"], 8);
        for shards in [
            vec![
                (S1, ShardState::Parsed { tensors: &t1 }),
                (S2, ShardState::Missing),
            ],
            // A shard the caller did not insert counts as missing.
            vec![(S1, ShardState::Parsed { tensors: &t1 })],
        ] {
            let findings = run(&idx, &shards, &[]);
            assert_eq!(
                findings,
                [Finding::new(
                    Code::MissingShard,
                    Some(&format!("sub/{S2}")),
                    format!("sub/{INDEX} places 1 tensor in \"{S2}\", which is not in the release")
                )]
            );
            assert_eq!(findings[0].severity, Severity::Error);
        }
    }

    #[test]
    fn tensors_placed_in_a_shard_that_lacks_them() {
        let names: Vec<String> = (0..10).map(|i| format!("t{i}")).collect();
        let mut map: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), S1)).collect();
        map.push(("c", S2));
        let idx = index(None, &map);
        let t1 = tensors(&["t0", "t1"], 8);
        let t2 = tensors(&["c"], 8);
        let findings = run(
            &idx,
            &[
                (S1, ShardState::Parsed { tensors: &t1 }),
                (S2, ShardState::Parsed { tensors: &t2 }),
            ],
            &[],
        );
        assert_eq!(
            findings,
            [Finding::new(
                Code::IndexMismatch,
                Some(&format!("sub/{S1}")),
                format!(
                    "sub/{INDEX} places 8 tensors in \"{S1}\" that it does not hold: \
                     \"t2\", \"t3\", \"t4\", and 5 more"
                )
            )]
        );
    }

    #[test]
    fn tensors_absent_from_the_index() {
        let idx = two_shard_index(None);
        let t1 = tensors(&["a", "b", "z1", "z2"], 8);
        let t2 = tensors(&["c"], 8);
        let findings = run(
            &idx,
            &[
                (S1, ShardState::Parsed { tensors: &t1 }),
                (S2, ShardState::Parsed { tensors: &t2 }),
            ],
            &[],
        );
        assert_eq!(
            findings,
            [Finding::new(
                Code::IndexMismatch,
                Some(&format!("sub/{S1}")),
                format!("\"{S1}\" holds 2 tensors that sub/{INDEX} does not list: \"z1\", \"z2\"")
            )]
        );
    }

    #[test]
    fn tensors_found_in_another_shard() {
        // The index places b in S1, but b sits in S2: one finding, from S2.
        let idx = two_shard_index(None);
        let t1 = tensors(&["a"], 8);
        let t2 = tensors(&["b", "c"], 8);
        let findings = run(
            &idx,
            &[
                (S1, ShardState::Parsed { tensors: &t1 }),
                (S2, ShardState::Parsed { tensors: &t2 }),
            ],
            &[],
        );
        assert_eq!(
            findings,
            [Finding::new(
                Code::IndexMismatch,
                Some(&format!("sub/{S2}")),
                format!("\"{S2}\" holds 1 tensor that sub/{INDEX} places in \"{S1}\": \"b\"")
            )]
        );

        // A copy in both shards is reported too, from the shard holding the copy.
        let t1 = tensors(&["a", "b"], 8);
        let t2 = tensors(&["b", "c"], 8);
        let findings = run(
            &idx,
            &[
                (S1, ShardState::Parsed { tensors: &t1 }),
                (S2, ShardState::Parsed { tensors: &t2 }),
            ],
            &[],
        );
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].path.as_deref(),
            Some("sub/model-00002-of-00002.safetensors")
        );
    }

    #[test]
    fn extra_shards_not_in_the_index() {
        let idx = two_shard_index(None);
        let t1 = tensors(&["a", "b"], 8);
        let t2 = tensors(&["c"], 8);
        let extra = "model-00003-of-00003.safetensors";
        let findings = run(
            &idx,
            &[
                (S1, ShardState::Parsed { tensors: &t1 }),
                (S2, ShardState::Parsed { tensors: &t2 }),
            ],
            &[S1, extra, extra],
        );
        assert_eq!(
            findings,
            [Finding::new(
                Code::IndexMismatch,
                Some(&format!("sub/{extra}")),
                format!(
                    "\"{extra}\" looks like a shard of this checkpoint but sub/{INDEX} does not list it"
                )
            )]
        );
    }

    #[test]
    fn total_size_mismatch() {
        let idx = two_shard_index(Some(25));
        let t1 = tensors(&["a", "b"], 8);
        let t2 = tensors(&["c"], 8);
        let findings = run(
            &idx,
            &[
                (S1, ShardState::Parsed { tensors: &t1 }),
                (S2, ShardState::Parsed { tensors: &t2 }),
            ],
            &[],
        );
        assert_eq!(
            findings,
            [Finding::new(
                Code::IndexMismatch,
                Some(&format!("sub/{INDEX}")),
                format!(
                    "sub/{INDEX} declares a total_size of 25 bytes but its shards hold 24 bytes \
                     of tensor data"
                )
            )]
        );
    }

    #[test]
    fn unknown_shards_skip_content_and_size_checks() {
        // total_size is wrong and S1 lacks b, but S2's content is unknown:
        // only what the parsed shard proves is reported.
        let idx = index(Some(1), &[("a", S1), ("b", S1), ("c", S2), ("d", S2)]);
        let t1 = tensors(&["a"], 8);
        for state in [
            ShardState::LfsPointer,
            ShardState::Unreadable,
            ShardState::Opaque,
        ] {
            let findings = run(
                &idx,
                &[(S1, ShardState::Parsed { tensors: &t1 }), (S2, state)],
                &[],
            );
            assert_eq!(findings.len(), 1, "{state:?}: {findings:?}");
            assert!(findings[0].message.contains("places 1 tensor in"));
            // Nothing about S2 itself.
            let findings = run(&idx, &[(S1, state), (S2, state)], &[]);
            assert_eq!(findings, [], "{state:?}");
        }
    }

    #[test]
    fn findings_are_sorted_and_combined() {
        let idx = index(Some(5), &[("a", S1), ("b", S2), ("gone", S1)]);
        let t1 = tensors(&["a", "new"], 4);
        let findings = run(
            &idx,
            &[(S1, ShardState::Parsed { tensors: &t1 })],
            &["model-00009-of-00009.safetensors"],
        );
        let codes: Vec<(Code, Option<&str>)> = findings
            .iter()
            .map(|f| (f.code, f.path.as_deref()))
            .collect();
        assert_eq!(
            codes,
            [
                (
                    Code::MissingShard,
                    Some("sub/model-00002-of-00002.safetensors")
                ),
                (
                    Code::IndexMismatch,
                    Some("sub/model-00001-of-00002.safetensors")
                ),
                (
                    Code::IndexMismatch,
                    Some("sub/model-00001-of-00002.safetensors")
                ),
                (
                    Code::IndexMismatch,
                    Some("sub/model-00009-of-00009.safetensors")
                ),
            ]
        );
        let mut sorted = findings.clone();
        sorted.sort();
        assert_eq!(findings, sorted);
    }

    #[test]
    fn long_names_stay_bounded_in_messages() {
        let long = "x".repeat(5_000);
        let idx = index(None, &[(&long, S1)]);
        let t1 = tensors(&[], 8);
        let findings = run(&idx, &[(S1, ShardState::Parsed { tensors: &t1 })], &[]);
        assert_eq!(findings.len(), 1);
        assert!(
            findings[0].message.len() < 400,
            "{}",
            findings[0].message.len()
        );
    }
}
