//! Keras models carry code: a `Lambda` layer stores its Python function as
//! marshalled bytecode in the model config, and loading the model (with
//! `safe_mode=False`, or any Keras 2) runs it. Custom layers name classes the
//! loader must import. Modelscan flags both, and so does the scan, from the
//! config alone: for `.keras` (Keras 3: a zip with `config.json`,
//! `metadata.json` and `model.weights.h5`) the config is read from the zip
//! through a bounded reader; for legacy `.h5` files the config is a JSON
//! string attribute (`model_config`) of the root group, which this module
//! finds by a byte search rather than an HDF5 parser (see [`scan_h5`]).

use super::FormatError;
use serde_json::Value;
use std::io::Read;

/// Largest config.json (or HDF5 model_config) read.
pub const MAX_CONFIG_BYTES: u64 = 16 * 1024 * 1024;

/// Largest metadata.json read (it holds a version and a date).
const MAX_METADATA_BYTES: u64 = 1024 * 1024;

/// How much of an HDF5 file is searched for the model config.
pub const H5_SEARCH_BYTES: usize = 64 * 1024 * 1024;

/// Candidate `{"class_name"` positions tried in an HDF5 file before giving
/// up: each failed one can cost a scan of [`MAX_CONFIG_BYTES`].
const MAX_H5_CANDIDATES: usize = 16;

/// Walk depth over the config JSON (serde_json already stops at 128).
const MAX_WALK_DEPTH: usize = 128;

const HDF5_MAGIC: &[u8] = b"\x89HDF\r\n\x1a\n";

/// What a Keras model's config reveals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KerasScan {
    /// "keras-v3" (a `.keras` zip) or "hdf5".
    pub format: &'static str,
    /// From metadata.json (`.keras` only; not recovered from HDF5).
    pub keras_version: Option<String>,
    /// Names of layers whose function is stored code: `Lambda` layers, and
    /// any layer whose config has a `function` carrying code.
    pub lambda_layers: Vec<String>,
    /// Classes the loader must import from outside Keras: objects whose
    /// `module` is not Keras's or whose name is registered as `package>Name`.
    pub custom_objects: Vec<String>,
    /// `false` when no model config was found (a weights-only file, or a
    /// layout the HDF5 heuristic misses).
    pub config_found: bool,
}

/// Scans a `.keras` zip (the whole file, a memory map).
pub fn scan_keras_zip(file: &[u8]) -> Result<KerasScan, FormatError> {
    let mut archive = super::packages::open_zip(file)?;
    let config = read_member(&mut archive, "config.json", MAX_CONFIG_BYTES)?.ok_or_else(|| {
        FormatError::invalid("archive has no config.json, so it is not a keras model")
    })?;
    let config: Value = serde_json::from_slice(&config)
        .map_err(|e| FormatError::invalid(format!("config.json is not valid json: {e}")))?;
    // metadata.json is optional and advisory: a bad one is not an error.
    let keras_version = read_member(&mut archive, "metadata.json", MAX_METADATA_BYTES)
        .ok()
        .flatten()
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
        .and_then(|meta| {
            meta.get("keras_version")
                .and_then(Value::as_str)
                .map(|v| super::truncate_at_char(v, 64).to_owned())
        });
    let mut scan = KerasScan {
        format: "keras-v3",
        keras_version,
        lambda_layers: Vec::new(),
        custom_objects: Vec::new(),
        config_found: true,
    };
    walk(&config, 0, &mut scan);
    Ok(scan)
}

/// Reads `name` from the zip through `take(cap + 1)`: never more than the
/// cap is inflated, whatever the entry declares.
fn read_member(
    archive: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>,
    name: &'static str,
    cap: u64,
) -> Result<Option<Vec<u8>>, FormatError> {
    let Some(index) = archive.index_for_name(name) else {
        return Ok(None);
    };
    let entry = archive
        .by_index(index)
        .map_err(|e| FormatError::invalid(format!("{name} cannot be opened: {e}")))?;
    let declared = entry.size();
    let mut out = Vec::new();
    entry
        .take(cap + 1)
        .read_to_end(&mut out)
        .map_err(|e| FormatError::invalid(format!("{name} cannot be read: {e}")))?;
    if out.len() as u64 > cap {
        // The declared size can lie; what was read is a floor.
        return Err(FormatError::TooLarge {
            what: name,
            claimed: declared.max(out.len() as u64),
            limit: cap,
        });
    }
    Ok(Some(out))
}

/// Scans a legacy Keras `.h5` file (a memory map) by heuristic: the model
/// config is a JSON string attribute, and h5py stores string attributes as
/// contiguous bytes (inline or in the global heap), so the first
/// [`H5_SEARCH_BYTES`] are searched for `{"class_name"` and each hit is cut
/// out by brace matching (strings and escapes respected, at most
/// [`MAX_CONFIG_BYTES`]) and parsed. Every object that parses is walked
/// (`training_config` holds only optimizer objects, which are not layers).
/// Not found → `config_found: false`, which is also what a weights-only
/// `.h5` gives; a config split across HDF5 chunks would be missed.
pub fn scan_h5(file: &[u8]) -> Result<KerasScan, FormatError> {
    if !file.starts_with(HDF5_MAGIC) {
        return Err(FormatError::invalid("missing the hdf5 signature at byte 0"));
    }
    let hay = file
        .get(..H5_SEARCH_BYTES.min(file.len()))
        .unwrap_or_default();
    let mut scan = KerasScan {
        format: "hdf5",
        keras_version: None,
        lambda_layers: Vec::new(),
        custom_objects: Vec::new(),
        config_found: false,
    };
    let needle = b"{\"class_name\"";
    let mut from = 0;
    let mut tries = 0;
    while tries < MAX_H5_CANDIDATES {
        let Some(at) = find(hay.get(from..).unwrap_or_default(), needle).map(|i| from + i) else {
            break;
        };
        tries += 1;
        // The object may run past the searched window: match over the file.
        match json_object_at(file, at) {
            Some(end) => {
                if let Some(value) = file
                    .get(at..end)
                    .and_then(|b| serde_json::from_slice::<Value>(b).ok())
                {
                    scan.config_found = true;
                    walk(&value, 0, &mut scan);
                }
                // Nested objects of this one need no second visit.
                from = end;
            }
            None => from = at + 1,
        }
    }
    Ok(scan)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// End (exclusive) of the JSON object starting at `start`, by brace
/// matching; `None` if it does not close within [`MAX_CONFIG_BYTES`].
fn json_object_at(file: &[u8], start: usize) -> Option<usize> {
    let limit = start
        .saturating_add(MAX_CONFIG_BYTES as usize)
        .min(file.len());
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, &b) in file.get(start..limit)?.iter().enumerate() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(start + i + 1);
                }
            }
            // A NUL ends an HDF5 string; JSON never contains a raw one.
            0 => return None,
            _ => {}
        }
    }
    None
}

/// Collects Lambda layers and custom objects anywhere in the config (nested
/// Functional and Sequential models included).
fn walk(value: &Value, depth: usize, scan: &mut KerasScan) {
    if depth > MAX_WALK_DEPTH {
        return;
    }
    match value {
        Value::Object(map) => {
            if let Some(class) = map.get("class_name").and_then(Value::as_str) {
                let config = map.get("config");
                if class == "Lambda" || config.is_some_and(function_has_code) {
                    let name = config
                        .and_then(|c| c.get("name"))
                        .or_else(|| map.get("name"))
                        .and_then(Value::as_str)
                        .unwrap_or(class);
                    push_unique(&mut scan.lambda_layers, name);
                }
                let module = map.get("module").and_then(Value::as_str);
                let registered = map.get("registered_name").and_then(Value::as_str);
                let foreign_module =
                    module.is_some_and(|m| m != "keras" && !m.starts_with("keras."));
                if foreign_module
                    || registered.is_some_and(|r| r.contains('>'))
                    || class.contains('>')
                {
                    push_unique(&mut scan.custom_objects, registered.unwrap_or(class));
                }
            }
            for v in map.values() {
                walk(v, depth + 1, scan);
            }
        }
        Value::Array(items) => {
            for v in items {
                walk(v, depth + 1, scan);
            }
        }
        _ => {}
    }
}

/// A layer config whose `function` is stored code: Keras 3 writes
/// `{"class_name": "__lambda__", "config": {"code": ...}}`, Keras 2 a
/// `[code, defaults, closure]` list with `function_type: "lambda"`.
fn function_has_code(config: &Value) -> bool {
    let Some(function) = config.get("function") else {
        return false;
    };
    function.get("class_name").and_then(Value::as_str) == Some("__lambda__")
        || function.get("config").and_then(|c| c.get("code")).is_some()
        || function.get("code").is_some()
        || config.get("function_type").and_then(Value::as_str) == Some("lambda")
}

fn push_unique(list: &mut Vec<String>, item: &str) {
    let item = super::truncate_at_char(item, 256);
    if !list.iter().any(|x| x == item) && list.len() < 10_000 {
        list.push(item.to_owned());
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write};

    const KERAS: &[u8] = include_bytes!("../../fixtures/interop-formats/model.keras");
    const H5: &[u8] = include_bytes!("../../fixtures/interop-formats/model.h5");

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut buf = Cursor::new(Vec::new());
        let mut w = zip::ZipWriter::new(&mut buf);
        for (name, data) in entries {
            w.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap();
        buf.into_inner()
    }

    #[track_caller]
    fn assert_invalid(got: Result<KerasScan, FormatError>, needle: &str) {
        crate::formats::assert_invalid_containing(got, needle);
    }

    #[test]
    fn reads_the_keras_fixture() {
        let scan = scan_keras_zip(KERAS).unwrap();
        assert_eq!(scan.format, "keras-v3");
        assert_eq!(scan.keras_version.as_deref(), Some("3.15.1"));
        assert_eq!(scan.lambda_layers, ["double", "inner_plus_one"]);
        assert_eq!(scan.custom_objects, ["fixtures>Scale"]);
        assert!(scan.config_found);
    }

    #[test]
    fn reads_the_h5_fixture() {
        let scan = scan_h5(H5).unwrap();
        assert_eq!(scan.format, "hdf5");
        assert_eq!(scan.lambda_layers, ["double", "inner_plus_one"]);
        assert_eq!(scan.custom_objects, ["fixtures>Scale"]);
        assert!(scan.config_found);
    }

    #[test]
    fn zip_without_config() {
        let bytes = zip_of(&[("model.weights.h5", b"")]);
        assert_invalid(scan_keras_zip(&bytes), "no config.json");
        assert_invalid(scan_keras_zip(b"not a zip"), "not a readable zip");
    }

    #[test]
    fn oversized_config_is_refused_after_a_bounded_read() {
        let big = vec![b' '; MAX_CONFIG_BYTES as usize + 10];
        let bytes = zip_of(&[("config.json", &big)]);
        assert_eq!(
            scan_keras_zip(&bytes),
            Err(FormatError::TooLarge {
                what: "config.json",
                claimed: MAX_CONFIG_BYTES + 10,
                limit: MAX_CONFIG_BYTES
            })
        );
    }

    #[test]
    fn non_json_config() {
        let bytes = zip_of(&[("config.json", b"{\"class_name\": ")]);
        assert_invalid(scan_keras_zip(&bytes), "config.json is not valid json");
    }

    #[test]
    fn keras2_lambda_and_bad_metadata() {
        let config = br#"{"class_name": "Sequential", "config": {"layers": [
            {"class_name": "Dense", "config": {"name": "d"}},
            {"class_name": "MyLambda", "config": {"name": "sneaky", "function": ["4wEA", null, null], "function_type": "lambda"}},
            {"class_name": "X", "module": "evil.layers", "registered_name": null, "config": {"name": "x"}}
        ]}}"#;
        let bytes = zip_of(&[("config.json", config), ("metadata.json", b"nope")]);
        let scan = scan_keras_zip(&bytes).unwrap();
        assert_eq!(scan.lambda_layers, ["sneaky"]);
        assert_eq!(scan.custom_objects, ["X"]);
        assert_eq!(scan.keras_version, None);
    }

    #[test]
    fn h5_heuristics() {
        assert_invalid(scan_h5(b"PK\x03\x04"), "hdf5 signature");
        let mut f = HDF5_MAGIC.to_vec();
        f.extend_from_slice(b"\0\0{\"class_name\" unbalanced \0");
        f.extend_from_slice(br#"{"class_name": "Lambda", "config": {"name": "a}\"{"}}"#);
        f.extend_from_slice(b"\0trailing");
        let scan = scan_h5(&f).unwrap();
        assert!(scan.config_found);
        assert_eq!(scan.lambda_layers, ["a}\"{"]);
        let scan = scan_h5(HDF5_MAGIC).unwrap();
        assert!(!scan.config_found && scan.lambda_layers.is_empty());
    }

    /// Cut points: every byte of the first and last KiB (headers, the zip
    /// central directory) and every 31st in between. Every cut of these
    /// 20-30 KB files costs O(n^2), about 6 s per file in a debug build.
    fn cuts(len: usize) -> impl Iterator<Item = usize> {
        (0..len).filter(move |&end| end < 1024 || end + 1024 >= len || end % 31 == 0)
    }

    #[test]
    fn no_panic_on_truncation() {
        for end in cuts(KERAS.len()) {
            let _ = scan_keras_zip(&KERAS[..end]);
        }
        for end in cuts(H5.len()) {
            let _ = scan_h5(&H5[..end]);
        }
    }
}
