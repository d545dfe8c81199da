//! A sharded checkpoint is only loadable if its index
//! (`model.safetensors.index.json`, `pytorch_model.bin.index.json`) and its
//! shards agree: loaders trust the index's `weight_map` to find each tensor,
//! so a shard that is missing, a tensor that is not where the index says, or
//! a shard the index forgot all break loading or silently drop weights. This
//! module parses the index (rejecting duplicate keys, which JSON readers
//! resolve differently) and cross-checks it with what the scan learnt from
//! the shards' own headers.

use super::FormatError;
use super::safetensors::json::{self, Json};
use std::collections::{BTreeMap, BTreeSet};

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
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    const S1: &str = "model-00001-of-00002.safetensors";
    const S2: &str = "model-00002-of-00002.safetensors";

    #[track_caller]
    fn invalid(json: &str) -> String {
        crate::formats::invalid_message(parse(json.as_bytes()))
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
        let expected = ShardIndex {
            total_size: Some(24),
            weight_map: [("a", S1), ("b", S1), ("c", S2)]
                .into_iter()
                .map(|(t, f)| (t.to_owned(), f.to_owned()))
                .collect(),
        };
        assert_eq!(idx, expected);
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
