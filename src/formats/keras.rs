//! Keras models carry code: a `Lambda` layer stores its Python function as
//! marshalled bytecode in the model config, and loading the model (with
//! `safe_mode=False`, or any Keras 2) runs it. Custom layers name classes the
//! loader must import. Modelscan flags both, and so does the scan, from the
//! config alone: for `.keras` (Keras 3: a zip with `config.json`,
//! `metadata.json` and `model.weights.h5`) the config is read from the zip
//! through a bounded reader; for legacy `.h5` files the config is a JSON
//! string attribute (`model_config`) of the root group, which this module
//! finds by a byte search rather than an HDF5 parser (see [`scan_h5`]).

use super::{Budget, FormatError};
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
    /// Objects whose `module` and `class_name` name a callable outside
    /// Keras that is not proven harmless (`os.system`, `builtins.exec`,
    /// a function of an unknown module): Keras imports the module and
    /// calls the attribute with the object's config, safe mode or not
    /// (module injection, CVE-2025-1550). As `module.class_name`.
    pub unsafe_objects: Vec<String>,
    /// What could not be checked and why; lower-case sentences.
    pub anomalies: Vec<String>,
}

impl KerasScan {
    fn empty(format: &'static str) -> KerasScan {
        KerasScan {
            format,
            keras_version: None,
            lambda_layers: Vec::new(),
            custom_objects: Vec::new(),
            config_found: false,
            unsafe_objects: Vec::new(),
            anomalies: Vec::new(),
        }
    }
}

/// Scans a `.keras` zip (the whole file, a memory map) with a budget of
/// its own; [`scan_keras_zip_within`] shares a release's.
pub fn scan_keras_zip(file: &[u8]) -> Result<KerasScan, FormatError> {
    scan_keras_zip_within(file, &mut Budget::default())
}

/// [`scan_keras_zip`], spending from a release's `budget` what it inflates
/// (a deflated config.json counts like any compressed stream). Once the
/// budget is spent the config is not read, and the scan says so.
pub fn scan_keras_zip_within(file: &[u8], budget: &mut Budget) -> Result<KerasScan, FormatError> {
    scan_keras_archive(super::packages::open_zip(file)?, budget)
}

/// What [`scan_keras_zip_pieces`] reads of a member, for
/// [`super::torch::zip_reads`]: `config.json` and `metadata.json` whole
/// (within their caps), nothing of the weights.
pub fn member_reads(name: &str, compressed_size: u64) -> Option<u64> {
    match name {
        "config.json" => Some(compressed_size.min(MAX_CONFIG_BYTES)),
        "metadata.json" => Some(compressed_size.min(MAX_METADATA_BYTES)),
        _ => None,
    }
}

/// [`scan_keras_zip_within`] for a `.keras` of which only parts were read
/// (a remote file): its central directory, `config.json` and
/// `metadata.json`. The same scan; `model.weights.h5` is never read.
pub fn scan_keras_zip_pieces(
    file: &super::pieces::Pieces<'_>,
    budget: &mut Budget,
) -> Result<KerasScan, FormatError> {
    scan_keras_archive(super::packages::open_zip_pieces(file)?, budget)
}

fn scan_keras_archive<R: Read + std::io::Seek>(
    mut archive: zip::ZipArchive<R>,
    budget: &mut Budget,
) -> Result<KerasScan, FormatError> {
    let config_bytes = match read_member(&mut archive, "config.json", MAX_CONFIG_BYTES, budget)? {
        Member::Read(bytes) => bytes,
        Member::Missing => {
            return Err(FormatError::invalid(
                "archive has no config.json, so it is not a keras model",
            ));
        }
        Member::OverBudget => {
            let mut scan = KerasScan::empty("keras-v3");
            scan.anomalies.push(format!(
                "config.json was not decompressed: the release's decompression budget of {} bytes is spent, so its layers were not checked",
                super::RELEASE_INFLATE_BYTES
            ));
            return Ok(scan);
        }
    };
    let config = &config_bytes;
    let config = match serde_json::from_slice::<Value>(config) {
        Ok(v) => Some(v),
        // Deeper than serde_json's 128 levels (a Lambda nested 60 models
        // deep): walked by the iterative reader instead, so the layers are
        // still named.
        Err(e) if e.to_string().contains("recursion limit") => None,
        Err(e) => {
            return Err(FormatError::invalid(format!(
                "config.json is not valid json: {e}"
            )));
        }
    };
    let deep_text = config.is_none().then_some(config_bytes);
    // metadata.json is optional and advisory: a bad one is not an error.
    let keras_version =
        match read_member(&mut archive, "metadata.json", MAX_METADATA_BYTES, budget) {
            Ok(Member::Read(bytes)) => Some(bytes),
            _ => None,
        }
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
        .and_then(|meta| {
            meta.get("keras_version")
                .and_then(Value::as_str)
                .map(|v| super::truncate_at_char(v, 64).to_owned())
        });
    let mut scan = KerasScan {
        keras_version,
        config_found: true,
        ..KerasScan::empty("keras-v3")
    };
    match (&config, deep_text) {
        (Some(config), _) => walk(config, 0, &mut scan),
        (None, Some(text)) => walk_deep(&text, &mut scan),
        (None, None) => {}
    }
    Ok(scan)
}

/// Scans a Keras model config held as JSON text outside a `.keras` zip:
/// Keras 2's `model.to_json()` files (`model.json`), and the JSON strings
/// a SavedModel's `keras_metadata.pb` embeds. `None` when the text holds
/// no Keras object.
pub fn scan_json(text: &[u8]) -> Option<KerasScan> {
    let mut scan = KerasScan::empty("keras-json");
    match serde_json::from_slice::<Value>(text) {
        Ok(value) => {
            if value.get("class_name").is_none() && value.get("config").is_none() {
                return None;
            }
            scan.config_found = true;
            walk(&value, 0, &mut scan);
        }
        Err(e) if e.to_string().contains("recursion limit") => {
            scan.config_found = true;
            walk_deep(text, &mut scan);
        }
        Err(_) => {
            // Not one JSON document (a protobuf with JSON strings inside):
            // every embedded object, as in an HDF5 file.
            embedded_objects(text, &mut scan);
            if !scan.config_found {
                return None;
            }
        }
    }
    Some(scan)
}

/// A zip member, read or not.
enum Member {
    Read(Vec<u8>),
    Missing,
    /// Compressed, and the release's decompression budget ran out first.
    OverBudget,
}

/// Reads `name` from the zip through `take(cap + 1)`: never more than the
/// cap is inflated, whatever the entry declares. A compressed member also
/// spends what it inflates from `budget`, and stops where it runs out.
fn read_member<R: Read + std::io::Seek>(
    archive: &mut zip::ZipArchive<R>,
    name: &'static str,
    cap: u64,
    budget: &mut Budget,
) -> Result<Member, FormatError> {
    let Some(index) = archive.index_for_name(name) else {
        return Ok(Member::Missing);
    };
    let entry = archive
        .by_index(index)
        .map_err(|e| FormatError::invalid(format!("{name} cannot be opened: {e}")))?;
    let declared = entry.size();
    let compressed = entry.compression() != zip::CompressionMethod::Stored;
    let limit = if compressed {
        cap.min(budget.inflate_left)
    } else {
        cap
    };
    let mut out = Vec::new();
    let read = entry.take(limit + 1).read_to_end(&mut out);
    if compressed {
        budget.spend_inflate(out.len() as u64);
    }
    read.map_err(|e| FormatError::invalid(format!("{name} cannot be read: {e}")))?;
    if out.len() as u64 > limit {
        if limit < cap {
            return Ok(Member::OverBudget);
        }
        // The declared size can lie; what was read is a floor.
        return Err(FormatError::TooLarge {
            what: name,
            claimed: declared.max(out.len() as u64),
            limit: cap,
        });
    }
    Ok(Member::Read(out))
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
    let mut scan = KerasScan::empty("hdf5");
    embedded_objects_in(file, hay, &mut scan);
    Ok(scan)
}

/// Every `{"class_name"` or `{"module"` object of `text`, cut out by brace
/// matching and walked (see [`scan_h5`]).
fn embedded_objects(text: &[u8], scan: &mut KerasScan) {
    let hay = text
        .get(..H5_SEARCH_BYTES.min(text.len()))
        .unwrap_or_default();
    embedded_objects_in(text, hay, scan);
}

fn embedded_objects_in(file: &[u8], hay: &[u8], scan: &mut KerasScan) {
    // Keras 2 writes `class_name` first; Keras 3 (also into legacy .h5)
    // writes `module` first.
    let next = |from: usize| {
        let rest = hay.get(from..).unwrap_or_default();
        [&b"{\"class_name\""[..], b"{\"module\""]
            .iter()
            .filter_map(|n| find(rest, n))
            .min()
            .map(|i| from + i)
    };
    let mut from = 0;
    let mut tries = 0;
    while tries < MAX_H5_CANDIDATES {
        let Some(at) = next(from) else {
            break;
        };
        tries += 1;
        // The object may run past the searched window: match over the file.
        match json_object_at(file, at) {
            Some(end) => {
                let bytes = file.get(at..end).unwrap_or_default();
                match serde_json::from_slice::<Value>(bytes) {
                    Ok(value) => {
                        scan.config_found = true;
                        walk(&value, 0, scan);
                    }
                    Err(e) if e.to_string().contains("recursion limit") => {
                        scan.config_found = true;
                        walk_deep(bytes, scan);
                    }
                    Err(_) => {}
                }
                // Nested objects of this one need no second visit.
                from = end;
            }
            None => from = at + 1,
        }
    }
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
                let object = KerasObject {
                    class,
                    name: config
                        .and_then(|c| c.get("name"))
                        .or_else(|| map.get("name"))
                        .and_then(Value::as_str),
                    module: map.get("module").and_then(Value::as_str),
                    registered: map.get("registered_name").and_then(Value::as_str),
                    stores_code: config.is_some_and(function_has_code),
                };
                object.record(scan);
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

/// The fields of one serialized Keras object that say what loading it runs.
struct KerasObject<'a> {
    class: &'a str,
    /// The layer's name (`config.name`, else the object's own).
    name: Option<&'a str>,
    module: Option<&'a str>,
    registered: Option<&'a str>,
    /// Its config's `function` is stored code.
    stores_code: bool,
}

/// Keras's own packages: deserializing from them is Keras's job.
fn keras_module(module: &str) -> bool {
    [
        "keras",
        "keras_hub",
        "keras_nlp",
        "keras_cv",
        "tf_keras",
        "tensorflow",
    ]
    .iter()
    .any(|k| module == *k || module.starts_with(&format!("{k}.")))
}

impl KerasObject<'_> {
    fn record(&self, scan: &mut KerasScan) {
        if self.class == "Lambda" || self.stores_code {
            push_unique(&mut scan.lambda_layers, self.name.unwrap_or(self.class));
        }
        let foreign_module = self.module.is_some_and(|m| !keras_module(m));
        if foreign_module
            || self.registered.is_some_and(|r| r.contains('>'))
            || self.class.contains('>')
        {
            push_unique(
                &mut scan.custom_objects,
                self.registered.unwrap_or(self.class),
            );
        }
        // Module injection: `module` is imported and `class_name` looked
        // up in it and called. A function (lower-case name) or a known
        // dangerous path outside Keras is unsafe; a custom layer class
        // stays a custom object.
        if let Some(module) = self.module.filter(|m| !keras_module(m)) {
            let import = super::pickle::Import::new(module, self.class);
            let class_like = self
                .class
                .trim_start_matches('_')
                .starts_with(|c: char| c.is_ascii_uppercase());
            let verdict = super::pickle::verdict(&import);
            if verdict == super::pickle::Verdict::Unsafe
                || (verdict == super::pickle::Verdict::Suspicious && !class_like)
            {
                push_unique(
                    &mut scan.unsafe_objects,
                    &format!("{module}.{}", self.class),
                );
            }
        }
    }
}

/// The Keras objects of a config too deep for serde_json, by an iterative
/// reader (a heap stack, no recursion): every object's `class_name`,
/// `name`, `module`, `registered_name` and its config's `name` and stored
/// code, as [`walk`] reads them. Malformed text ends the walk quietly.
fn walk_deep(text: &[u8], scan: &mut KerasScan) {
    #[derive(Default)]
    struct Frame {
        is_object: bool,
        key: Option<String>,
        class: Option<String>,
        name: Option<String>,
        module: Option<String>,
        registered: Option<String>,
        function_type: Option<String>,
        has_code: bool,
        /// From the child under "config": its name and stored code.
        config_name: Option<String>,
        config_code: bool,
        /// From the child under "function": whether it is stored code.
        function_code: bool,
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0usize;
    let at = |i: usize| text.get(i).copied();
    // A value finished inside the frame on top: if it was a string under a
    // key we care about, keep it.
    fn assign(stack: &mut [Frame], value: Option<String>) {
        if let Some(top) = stack.last_mut()
            && top.is_object
        {
            let key = top.key.take();
            if let (Some(key), Some(v)) = (key, value) {
                match key.as_str() {
                    "class_name" => top.class = Some(v),
                    "name" => top.name = Some(v),
                    "module" => top.module = Some(v),
                    "registered_name" => top.registered = Some(v),
                    "function_type" => top.function_type = Some(v),
                    _ => {}
                }
            }
        }
    }
    while let Some(b) = at(i) {
        match b {
            b'{' | b'[' => {
                stack.push(Frame {
                    is_object: b == b'{',
                    ..Frame::default()
                });
                i += 1;
            }
            b'}' | b']' => {
                let Some(done) = stack.pop() else { return };
                i += 1;
                if done.is_object {
                    if let Some(class) = done.class.as_deref() {
                        KerasObject {
                            class,
                            name: done.config_name.as_deref().or(done.name.as_deref()),
                            module: done.module.as_deref(),
                            registered: done.registered.as_deref(),
                            stores_code: done.config_code,
                        }
                        .record(scan);
                    }
                    if let Some(parent) = stack.last_mut()
                        && parent.is_object
                    {
                        match parent.key.as_deref() {
                            Some("config") => {
                                parent.config_name = done.name.clone();
                                parent.config_code = done.function_code
                                    || done.function_type.as_deref() == Some("lambda");
                            }
                            Some("function") => {
                                parent.function_code = done.class.as_deref() == Some("__lambda__")
                                    || done.has_code
                                    || done.config_code;
                            }
                            _ => {}
                        }
                    }
                }
                assign(&mut stack, None);
            }
            b'"' => {
                // A string: a key when an object waits for one.
                let mut j = i + 1;
                let mut out = Vec::new();
                loop {
                    match at(j) {
                        None => return,
                        Some(b'"') => break,
                        Some(b'\\') => {
                            if let Some(e) = at(j + 1)
                                && out.len() < 4096
                            {
                                out.push(e);
                            }
                            j += 2;
                        }
                        Some(c) => {
                            if out.len() < 4096 {
                                out.push(c);
                            }
                            j += 1;
                        }
                    }
                }
                i = j + 1;
                let s = String::from_utf8_lossy(&out).into_owned();
                let waiting_key = stack.last().is_some_and(|t| t.is_object && t.key.is_none());
                if waiting_key {
                    if let Some(top) = stack.last_mut() {
                        if s == "code" {
                            top.has_code = true;
                        }
                        top.key = Some(s);
                    }
                } else {
                    assign(&mut stack, Some(s));
                }
            }
            b',' | b':' | b' ' | b'\n' | b'\r' | b'\t' => i += 1,
            _ => {
                // A number or literal: skip to its end.
                while at(i).is_some_and(|c| !matches!(c, b',' | b'}' | b']')) {
                    i += 1;
                }
                assign(&mut stack, None);
            }
        }
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
    fn a_keras_archive_read_in_parts_scans_the_same_without_its_weights() {
        let tail = 1024.min(KERAS.len());
        let (got, requests) =
            super::super::torch::read_by_plan(KERAS, tail, &member_reads, usize::MAX);
        assert!(requests <= 3, "{requests}");
        let pieces = got.view();
        let whole = scan_keras_zip(KERAS).unwrap();
        let parts = scan_keras_zip_pieces(&pieces, &mut Budget::default()).unwrap();
        assert_eq!(parts, whole);
        // The weights member's data was never fetched.
        let archive = zip::ZipArchive::new(Cursor::new(KERAS)).unwrap();
        let h5 = archive.index_for_name("model.weights.h5").unwrap();
        let h5 = archive.by_index_data(h5).unwrap();
        let start = h5.header_start() as usize + 200;
        let end = start + (h5.compressed_size() as usize).saturating_sub(200);
        assert!(end <= start || pieces.unread(start..end));
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
    fn a_deflated_config_spends_the_release_budget() {
        let config = br#"{"module": "keras", "class_name": "Sequential", "config": {"layers": [
            {"module": "os", "class_name": "system", "config": {}}]}}"#;
        // zip_of deflates (SimpleFileOptions' default method).
        let zip = zip_of(&[("config.json", config)]);
        let mut budget = Budget::default();
        let scan = scan_keras_zip_within(&zip, &mut budget).unwrap();
        assert_eq!(scan.unsafe_objects, ["os.system"]);
        assert_eq!(
            budget.inflate_left,
            super::super::RELEASE_INFLATE_BYTES - config.len() as u64
        );
        budget.inflate_left = 10;
        let scan = scan_keras_zip_within(&zip, &mut budget).unwrap();
        assert!(scan.unsafe_objects.is_empty() && !scan.config_found);
        assert!(
            scan.anomalies[0].contains("decompression budget"),
            "{:?}",
            scan.anomalies
        );
        assert_eq!(budget.inflate_left, 0);
    }

    #[test]
    fn module_injection_is_unsafe_and_custom_classes_are_not() {
        let config = br#"{"module": "keras", "class_name": "Sequential", "config": {"layers": [
            {"module": "os", "class_name": "system", "config": {"command": "id"}},
            {"module": "builtins", "class_name": "exec", "config": {}},
            {"module": "mypkg.layers", "class_name": "build_thing", "config": {}},
            {"module": "fixtures", "class_name": "Scale", "registered_name": "fixtures>Scale", "config": {}},
            {"module": "keras.layers", "class_name": "Dense", "config": {"name": "d"}}
        ]}}"#;
        let zip = zip_of(&[("config.json", config)]);
        let scan = scan_keras_zip(&zip).unwrap();
        assert_eq!(
            scan.unsafe_objects,
            ["os.system", "builtins.exec", "mypkg.layers.build_thing"]
        );
        assert!(scan.custom_objects.contains(&"fixtures>Scale".to_owned()));
        // The same config as a Keras 2 model.json and inside a protobuf.
        let json = scan_json(config).unwrap();
        assert_eq!(json.unsafe_objects.len(), 3);
        let mut pb = b"\x0a\x12\x08\x01\x12".to_vec();
        pb.extend_from_slice(config);
        pb.extend_from_slice(b"\x1a\x00");
        let embedded = scan_json(&pb).unwrap();
        assert_eq!(embedded.unsafe_objects.len(), 3);
        assert!(scan_json(br#"{"a": 1}"#).is_none());
        assert!(scan_json(b"\x00\x01 not json").is_none());
    }

    #[test]
    fn a_lambda_nested_sixty_models_deep_is_named() {
        let mut config = String::new();
        for i in 0..60 {
            config.push_str(&format!(
                r#"{{"class_name": "Sequential", "config": {{"name": "m{i}", "layers": ["#
            ));
        }
        config.push_str(
            r#"{"class_name": "Lambda", "config": {"name": "deep_lambda", "function": {"class_name": "__lambda__", "config": {"code": "4wEA"}}}}"#,
        );
        for _ in 0..60 {
            config.push_str("]}}");
        }
        assert!(
            serde_json::from_str::<Value>(&config).is_err(),
            "deeper than serde_json's limit"
        );
        let zip = zip_of(&[("config.json", config.as_bytes())]);
        let scan = scan_keras_zip(&zip).unwrap();
        assert_eq!(scan.lambda_layers, ["deep_lambda"]);
        let json = scan_json(config.as_bytes()).unwrap();
        assert_eq!(json.lambda_layers, ["deep_lambda"]);
        // Keras 3 order (`module` first) inside an HDF5 file.
        let mut h5 = HDF5_MAGIC.to_vec();
        h5.extend_from_slice(&[0; 64]);
        h5.extend_from_slice(
            br#"{"module": "keras", "class_name": "Sequential", "config": {"layers": [{"module": "keras.layers", "class_name": "Lambda", "config": {"name": "h5_lambda"}}]}}"#,
        );
        h5.push(0);
        assert_eq!(scan_h5(&h5).unwrap().lambda_layers, ["h5_lambda"]);
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
