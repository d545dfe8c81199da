//! A sharded checkpoint is only loadable if its index
//! (`model.safetensors.index.json`, `pytorch_model.bin.index.json`) and its
//! shards agree: loaders trust the index's `weight_map` to find each tensor,
//! so a shard that is missing, a tensor that is not where the index says, or
//! a shard the index forgot all break loading or silently drop weights. This
//! module parses the index (rejecting duplicate keys, which JSON readers
//! resolve differently) and cross-checks it with what the scan learnt from
//! the shards' own headers.

use super::FormatError;
use super::safetensors::TensorInfo;
use super::safetensors::json::{self, Json};
use crate::finding::{Code, Finding};
use std::collections::{BTreeMap, BTreeSet};

/// How many tensor names a summarising finding lists before "and N more".
const NAMES_SHOWN: usize = 3;

/// The parts of a shard index that loaders use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardIndex {
    /// `metadata.total_size`: bytes of tensor data over all shards.
    pub total_size: Option<u64>,
    /// Tensor name -> shard file name, relative to the index's folder.
    pub weight_map: BTreeMap<String, String>,
}

impl ShardIndex {
    /// Every shard file the index names.
    pub fn shards(&self) -> BTreeSet<String> {
        self.weight_map.values().cloned().collect()
    }
}

/// Parses an index file. `weight_map` (an object of strings) is required;
/// `metadata.total_size` is optional; other keys are ignored because writers
/// add their own.
pub fn parse(bytes: &[u8]) -> Result<ShardIndex, FormatError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| FormatError::invalid(format!("index is not valid utf-8: {e}")))?;
    if text.trim().is_empty() {
        return Err(FormatError::invalid("index is empty"));
    }
    let root = json::parse(text)
        .map_err(|e| FormatError::invalid(format!("index is not valid json: {e}")))?;
    let Json::Object(top) = root else {
        return Err(FormatError::invalid(format!(
            "index is {}, not a json object",
            root.kind()
        )));
    };

    // Duplicates matter only for the keys a loader reads: those are the ones
    // where two readers would see two different indexes.
    let weight_map_value = unique_field(&top, "weight_map", "index")?
        .ok_or_else(|| FormatError::invalid("index has no \"weight_map\""))?;
    let Json::Object(pairs) = weight_map_value else {
        return Err(FormatError::invalid(format!(
            "\"weight_map\" is {}, not an object",
            weight_map_value.kind()
        )));
    };
    if let Some(dup) = json::duplicate_key(pairs) {
        return Err(FormatError::invalid(format!(
            "duplicate tensor {} in \"weight_map\"",
            json::quote(dup)
        )));
    }
    let mut weight_map = BTreeMap::new();
    for (tensor, file) in pairs {
        let Json::Str(file) = file else {
            return Err(FormatError::invalid(format!(
                "\"weight_map\" entry {} is {}, not a file name",
                json::quote(tensor),
                file.kind()
            )));
        };
        check_shard_name(tensor, file)?;
        weight_map.insert(tensor.clone(), file.clone());
    }

    let total_size = match unique_field(&top, "metadata", "index")? {
        None | Some(Json::Null) => None,
        Some(Json::Object(meta)) => match unique_field(meta, "total_size", "\"metadata\"")? {
            None | Some(Json::Null) => None,
            Some(v) => Some(total_size(v)?),
        },
        Some(other) => {
            return Err(FormatError::invalid(format!(
                "\"metadata\" is {}, not an object",
                other.kind()
            )));
        }
    };

    Ok(ShardIndex {
        total_size,
        weight_map,
    })
}

/// The value of `key` in `pairs`, refusing a key given twice.
fn unique_field<'a>(
    pairs: &'a [(String, Json)],
    key: &str,
    container: &str,
) -> Result<Option<&'a Json>, FormatError> {
    let mut found = pairs.iter().filter(|(k, _)| k == key).map(|(_, v)| v);
    let first = found.next();
    if found.next().is_some() {
        return Err(FormatError::invalid(format!(
            "duplicate \"{key}\" key in {container}"
        )));
    }
    Ok(first)
}

/// Shard names are joined to the index's folder by loaders and by the scan,
/// so a name that escapes it (absolute, `..`) would point at files outside
/// the release.
fn check_shard_name(tensor: &str, file: &str) -> Result<(), FormatError> {
    let drive = matches!(file.as_bytes(), [letter, b':', ..] if letter.is_ascii_alphabetic());
    let escapes =
        drive || file.starts_with(['/', '\\']) || file.split(['/', '\\']).any(|part| part == "..");
    if file.is_empty() || file.contains('\0') || escapes {
        return Err(FormatError::invalid(format!(
            "\"weight_map\" places {} in {}, which is not a file name inside the index's folder",
            json::quote(tensor),
            json::quote(file)
        )));
    }
    Ok(())
}

/// `total_size` as writers emit it: an integer, a float with an integer
/// value (some writers go through Python floats), or a numeric string.
fn total_size(value: &Json) -> Result<u64, FormatError> {
    // 2^64 exactly; every integral f64 below it fits in u64, and the range
    // test also rejects NaN and infinities.
    const TWO_POW_64: f64 = 18_446_744_073_709_551_616.0;
    let from_float =
        |f: f64| ((0.0..TWO_POW_64).contains(&f) && f.fract() == 0.0).then_some(f as u64);
    let parsed = match value {
        Json::UInt(n) => Some(*n),
        Json::Float(f) => from_float(*f),
        Json::Str(s) => {
            let s = s.trim();
            s.parse::<u64>()
                .ok()
                .or_else(|| s.parse::<f64>().ok().and_then(from_float))
        }
        _ => None,
    };
    parsed.ok_or_else(|| {
        let shown = match value {
            Json::Str(s) => json::quote(s),
            Json::UInt(n) => n.to_string(),
            Json::Int(n) => n.to_string(),
            Json::Float(f) => f.to_string(),
            other => other.kind().to_owned(),
        };
        FormatError::invalid(format!(
            "\"metadata.total_size\" is {shown}, not a non-negative whole number of bytes"
        ))
    })
}

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

    for shard in &named {
        let expected = placed.get(shard.as_str()).map_or(0, BTreeSet::len);
        if state(shard) == ShardState::Missing {
            findings.push(Finding::new(
                Code::MissingShard,
                Some(&shard_path(shard)),
                format!(
                    "{index_path} places {expected} {} in {}, which is not in the release",
                    plural(expected, "tensor", "tensors"),
                    json::quote(shard)
                ),
            ));
        }
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

/// Recognises `<stem>-<i>-of-<n>.<ext>`, the shard naming of
/// huggingface_hub (`model-00001-of-00003.safetensors`,
/// `pytorch_model-00001-of-00002.bin`), and returns `(stem, i, n)`. The
/// numbers are returned as written, even when `i` is 0 or above `n`, so the
/// caller can report such shards rather than miss them; digits that do not
/// fit a `u32` make the name unrecognised.
pub fn is_shard_name(name: &str) -> Option<(String, u32, u32)> {
    // The stem may itself contain "-of-", so try each occurrence from the
    // right until one has the full shape.
    name.rmatch_indices("-of-").find_map(|(at, sep)| {
        let (left, right) = (&name[..at], &name[at + sep.len()..]);
        let (count, ext) = right.split_once('.')?;
        let (stem, index) = left.rsplit_once('-')?;
        let number = |s: &str| {
            if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            s.parse::<u32>().ok()
        };
        if stem.is_empty() || ext.is_empty() {
            return None;
        }
        Some((stem.to_owned(), number(index)?, number(count)?))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;

    const INDEX: &str = "model.safetensors.index.json";
    const S1: &str = "model-00001-of-00002.safetensors";
    const S2: &str = "model-00002-of-00002.safetensors";

    #[track_caller]
    fn invalid(json: &str) -> String {
        crate::formats::invalid_message(parse(json.as_bytes()))
    }

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
    fn parses_a_real_shaped_index() {
        let json = r#"{
            "metadata": {"total_size": 24, "format": "pt"},
            "weight_map": {"b": "model-00001-of-00002.safetensors",
                           "a": "model-00001-of-00002.safetensors",
                           "c": "model-00002-of-00002.safetensors"},
            "extra": [1, 2]
        }"#;
        let idx = parse(json.as_bytes()).unwrap();
        assert_eq!(idx, two_shard_index(Some(24)));
        assert_eq!(
            idx.shards().into_iter().collect::<Vec<_>>(),
            [S1.to_owned(), S2.to_owned()]
        );
    }

    #[test]
    fn total_size_forms() {
        let with = |v: &str| format!(r#"{{"metadata":{{"total_size":{v}}},"weight_map":{{}}}}"#);
        for (v, want) in [
            ("13476839424", Some(13_476_839_424)),
            ("13476839424.0", Some(13_476_839_424)),
            ("1.3476839424e10", Some(13_476_839_424)),
            ("\"13476839424\"", Some(13_476_839_424)),
            ("\" 2048.0 \"", Some(2048)),
            ("null", None),
        ] {
            assert_eq!(parse(with(v).as_bytes()).unwrap().total_size, want, "{v}");
        }
        let idx = parse(br#"{"weight_map":{}}"#).unwrap();
        assert_eq!(idx.total_size, None);
        assert!(idx.weight_map.is_empty());
        let idx = parse(br#"{"metadata":{},"weight_map":{}}"#).unwrap();
        assert_eq!(idx.total_size, None);
    }

    #[test]
    fn bad_total_size() {
        let with = |v: &str| format!(r#"{{"metadata":{{"total_size":{v}}},"weight_map":{{}}}}"#);
        for (v, shown) in [
            ("-1", "-1"),
            ("1.5", "1.5"),
            ("1e30", "1000000000000000000000000000000"),
            ("\"lots\"", "\"lots\""),
            ("[1]", "an array"),
            ("true", "a boolean"),
        ] {
            assert_eq!(
                invalid(&with(v)),
                format!(
                    "\"metadata.total_size\" is {shown}, not a non-negative whole number of bytes"
                ),
                "{v}"
            );
        }
    }

    #[test]
    fn parse_errors() {
        assert!(
            matches!(parse(b"\xff{}"), Err(FormatError::Invalid(m)) if m.starts_with("index is not valid utf-8"))
        );
        assert_eq!(invalid("  "), "index is empty");
        assert!(invalid("{\"weight_map\":").starts_with("index is not valid json"));
        assert_eq!(invalid("[]"), "index is an array, not a json object");
        assert_eq!(invalid("{}"), "index has no \"weight_map\"");
        assert_eq!(
            invalid(r#"{"weight_map":[]}"#),
            "\"weight_map\" is an array, not an object"
        );
        assert_eq!(
            invalid(r#"{"weight_map":{"a":1}}"#),
            "\"weight_map\" entry \"a\" is a number, not a file name"
        );
        assert_eq!(
            invalid(r#"{"metadata":3,"weight_map":{}}"#),
            "\"metadata\" is a number, not an object"
        );
    }

    #[test]
    fn duplicate_keys_are_refused() {
        assert_eq!(
            invalid(r#"{"weight_map":{"a":"x.safetensors","a":"y.safetensors"}}"#),
            "duplicate tensor \"a\" in \"weight_map\""
        );
        assert_eq!(
            invalid(r#"{"weight_map":{},"weight_map":{"a":"x"}}"#),
            "duplicate \"weight_map\" key in index"
        );
        assert_eq!(
            invalid(r#"{"metadata":{"total_size":1,"total_size":2},"weight_map":{}}"#),
            "duplicate \"total_size\" key in \"metadata\""
        );
        // Keys nobody reads may repeat.
        assert!(parse(br#"{"x":1,"x":2,"weight_map":{}}"#).is_ok());
    }

    #[test]
    fn shard_names_must_stay_in_the_folder() {
        for bad in [
            "",
            "../model.safetensors",
            "/etc/passwd",
            "a/../../b",
            "C:\\x",
            "\\\\host\\x",
            "a\u{0}b",
        ] {
            let json = format!(
                r#"{{"weight_map":{{"t":{}}}}}"#,
                serde_json::to_string(bad).unwrap()
            );
            let msg = invalid(&json);
            assert!(
                msg.contains("not a file name inside the index's folder"),
                "{bad:?}: {msg}"
            );
        }
        let idx = parse(br#"{"weight_map":{"t":"shards/model-1-of-1.safetensors"}}"#).unwrap();
        assert_eq!(idx.weight_map["t"], "shards/model-1-of-1.safetensors");
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

    #[test]
    fn truncated_index_gives_errors_not_panics() {
        let good = br#"{"metadata":{"total_size":"24"},"weight_map":{"a":"m-1-of-2.bin","b":"m-2-of-2.bin"}}"#;
        assert!(parse(good).is_ok());
        for len in 0..good.len() {
            assert!(parse(&good[..len]).is_err(), "prefix of {len} bytes");
        }
    }

    #[test]
    fn shard_names() {
        let ok = |name: &str, stem: &str, i: u32, n: u32| {
            assert_eq!(is_shard_name(name), Some((stem.to_owned(), i, n)), "{name}");
        };
        ok("model-00001-of-00003.safetensors", "model", 1, 3);
        ok("pytorch_model-00001-of-00002.bin", "pytorch_model", 1, 2);
        ok(
            "diffusion_pytorch_model-00002-of-00002.safetensors",
            "diffusion_pytorch_model",
            2,
            2,
        );
        ok("model-1-of-2.tar.gz", "model", 1, 2);
        ok("a-of-b-00003-of-00007.gguf", "a-of-b", 3, 7);
        ok("model-00000-of-00000.bin", "model", 0, 0);
        ok("model-0000000000000000000004-of-5.bin", "model", 4, 5);
        for name in [
            "model.safetensors",
            "model.safetensors.index.json",
            "model-00001-of-00003",
            "model-00001-of-00003.",
            "-00001-of-00003.bin",
            "model-0x1-of-00003.bin",
            "model--of-00003.bin",
            "model-1-of-.bin",
            "model-+1-of-2.bin",
            "model-99999999999-of-99999999999.bin",
            "model-4294967296-of-1.bin",
            "",
        ] {
            assert_eq!(is_shard_name(name), None, "{name}");
        }
        ok(
            "model-4294967295-of-4294967295.bin",
            "model",
            u32::MAX,
            u32::MAX,
        );
    }
}
