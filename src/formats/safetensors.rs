//! safetensors is the one weights format a release can ship that loads
//! without running code, so its header is where the scan learns what the
//! weights are (names, dtypes, shapes, parameter count) and whether the file
//! is sound. Readers disagree on malformed headers (duplicate names, gaps,
//! trailing bytes), and such disagreements are how malicious files hide, so
//! this module validates every rule of the format itself, with a specific
//! message per rule, before asking the reference crate for a second opinion.
//! It only ever reads the 8-byte prefix and the JSON header; tensor data is
//! never touched, so a memory map of a multi-gigabyte shard costs a few pages.

use super::FormatError;
use std::collections::BTreeMap;

/// The reference reader's cap (`safetensors::tensor::MAX_HEADER_SIZE`): a
/// header past it is refused by every loader, so we refuse it before reading.
pub const MAX_HEADER_LEN: u64 = 100_000_000;

/// Length of the little-endian `u64` that precedes the JSON header.
const PREFIX_LEN: u64 = 8;

/// One tensor entry of the header, validated against its dtype and shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TensorInfo {
    pub name: String,
    /// The dtype name as written in the file ("BF16", "F32", ...).
    pub dtype: String,
    pub shape: Vec<u64>,
    /// Byte offsets into the data region (after the header), `[begin, end)`.
    pub begin: u64,
    pub end: u64,
}

impl TensorInfo {
    /// Number of elements; checked at parse time, so saturation never bites.
    pub fn numel(&self) -> u64 {
        super::element_count(&self.shape).unwrap_or(u64::MAX)
    }
}

/// A validated safetensors header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// N, the length of the JSON header in bytes (padding included).
    pub header_len: u64,
    /// Sorted by name.
    pub tensors: Vec<TensorInfo>,
    /// The optional `__metadata__` string map.
    pub metadata: BTreeMap<String, String>,
}

impl Header {
    /// Total parameter count: the sum of the shape products.
    pub fn parameters(&self) -> u64 {
        self.tensors
            .iter()
            .fold(0u64, |acc, t| acc.saturating_add(t.numel()))
    }

    /// Bytes of tensor data; equals the data region's length once parsed.
    pub fn data_bytes(&self) -> u64 {
        self.tensors
            .iter()
            .fold(0u64, |acc, t| acc.saturating_add(t.end - t.begin))
    }

    /// Parameters per dtype name as written in the file. Dtypes whose
    /// tensors are all empty appear with 0, since they are still declared.
    pub fn dtypes(&self) -> BTreeMap<String, u64> {
        let mut out: BTreeMap<String, u64> = BTreeMap::new();
        for t in &self.tensors {
            let slot = out.entry(t.dtype.clone()).or_insert(0);
            *slot = slot.saturating_add(t.numel());
        }
        out
    }

    /// The dtype holding the most parameters, the one a config's
    /// `torch_dtype` should name. Ties go to the first name in sort order so
    /// the answer is stable; `None` when no dtype holds any parameter.
    pub fn dtype_of_majority(&self) -> Option<&str> {
        let mut per_dtype: BTreeMap<&str, u64> = BTreeMap::new();
        for t in &self.tensors {
            let slot = per_dtype.entry(t.dtype.as_str()).or_insert(0);
            *slot = slot.saturating_add(t.numel());
        }
        let mut best: Option<(&str, u64)> = None;
        for (dtype, params) in per_dtype {
            if params > 0 && best.is_none_or(|(_, b)| params > b) {
                best = Some((dtype, params));
            }
        }
        best.map(|(dtype, _)| dtype)
    }
}

/// Bits per element of every dtype safetensors 0.8 defines. An explicit
/// table rather than `safetensors::Dtype` because that enum is
/// `#[non_exhaustive]` and we want the file's spelling, not a re-rendering.
fn dtype_bits(dtype: &str) -> Option<u64> {
    Some(match dtype {
        "F4" => 4,
        "F6_E2M3" | "F6_E3M2" => 6,
        "BOOL" | "U8" | "I8" | "F8_E5M2" | "F8_E4M3" | "F8_E8M0" | "F8_E4M3FNUZ"
        | "F8_E5M2FNUZ" => 8,
        "I16" | "U16" | "F16" | "BF16" => 16,
        "I32" | "U32" | "F32" => 32,
        "C64" | "F64" | "I64" | "U64" => 64,
        _ => return None,
    })
}

/// `file` is the whole file (a memory map); only the 8-byte prefix and the
/// header are read.
pub fn parse(file: &[u8]) -> Result<Header, FormatError> {
    parse_prefix(file, file.len() as u64)
}

/// [`parse`] from the file's first bytes alone: `file` holds at least the
/// prefix and the header when the file does (more is ignored), and
/// `file_len` is the file's length. A terabyte file is then read, not
/// mapped: under `ulimit -v` a whole-file map fails for want of address
/// space, whatever the few pages it would touch.
pub fn parse_prefix(file: &[u8], file_len: u64) -> Result<Header, FormatError> {
    let Some(prefix) = file.first_chunk::<8>() else {
        return Err(FormatError::invalid(format!(
            "file is {file_len} bytes, shorter than the 8-byte header length prefix"
        )));
    };
    let header_len = u64::from_le_bytes(*prefix);
    if header_len > MAX_HEADER_LEN {
        return Err(FormatError::TooLarge {
            what: "header",
            claimed: header_len,
            limit: MAX_HEADER_LEN,
        });
    }
    // Cannot overflow: header_len is at most MAX_HEADER_LEN.
    let header_end = PREFIX_LEN + header_len;
    if header_end > file_len {
        return Err(FormatError::Truncated {
            expected: header_end,
            actual: file_len,
        });
    }
    // header_end <= file.len(), so both the conversion and the slice succeed;
    // the fallback only keeps this path panic-free.
    let header_bytes = usize::try_from(header_end)
        .ok()
        .and_then(|end| file.get(8..end))
        .ok_or_else(|| FormatError::invalid("header range does not fit in memory"))?;
    let text = std::str::from_utf8(header_bytes)
        .map_err(|e| FormatError::invalid(format!("header is not valid utf-8: {e}")))?;
    if text.trim().is_empty() {
        return Err(FormatError::invalid("header is empty"));
    }
    let root = json::parse(text)
        .map_err(|e| FormatError::invalid(format!("header is not valid json: {e}")))?;
    let json::Json::Object(entries) = root else {
        return Err(FormatError::invalid(format!(
            "header is {}, not a json object",
            root.kind()
        )));
    };
    // serde_json (and Python's json.loads) keep the last of duplicate keys,
    // so two readers can see two different tensors under one name.
    if let Some(dup) = json::duplicate_key(&entries) {
        return Err(FormatError::invalid(if dup == "__metadata__" {
            "duplicate \"__metadata__\" key in the header".to_owned()
        } else {
            format!("duplicate tensor name {}", json::quote(dup))
        }));
    }

    let mut metadata = BTreeMap::new();
    let mut tensors = Vec::with_capacity(entries.len());
    for (name, value) in entries {
        if name == "__metadata__" {
            metadata = parse_metadata(value)?;
        } else {
            tensors.push(parse_entry(name, value)?);
        }
    }

    let data_end = check_layout(&tensors)?;
    let total = header_end.checked_add(data_end).ok_or_else(|| {
        FormatError::invalid(format!(
            "tensor data ending at byte {data_end} after a {header_end}-byte header \
             overflows a 64-bit file size"
        ))
    })?;
    if total > file_len {
        return Err(FormatError::Truncated {
            expected: total,
            actual: file_len,
        });
    }
    if total < file_len {
        // Bytes nobody accounts for are where a polyglot keeps its payload.
        return Err(FormatError::invalid(format!(
            "{} trailing bytes after the tensor data",
            file_len - total
        )));
    }

    // Second opinion from the reference reader: everything it checks we have
    // already checked with a precise message, so an error here means the two
    // readers disagree, which is itself worth reporting.
    let reference = if file.len() as u64 == file_len {
        safetensors::SafeTensors::read_metadata(file)
            .map(|_| ())
            .map_err(|e| e.to_string())
    } else {
        // Without the whole buffer, the reference reader's own header
        // validation; the length checks above are the rest of it.
        serde_json::from_slice::<safetensors::tensor::Metadata>(header_bytes)
            .map(|_| ())
            .map_err(|e| e.to_string())
    };
    reference.map_err(|e| {
        FormatError::invalid(format!(
            "the safetensors reference reader rejects the header: {e}"
        ))
    })?;

    tensors.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Header {
        header_len,
        tensors,
        metadata,
    })
}

/// `__metadata__` must be a string-to-string map. `null` is accepted because
/// the reference reader treats it as absent.
fn parse_metadata(value: json::Json) -> Result<BTreeMap<String, String>, FormatError> {
    let pairs = match value {
        json::Json::Null => return Ok(BTreeMap::new()),
        json::Json::Object(pairs) => pairs,
        other => {
            return Err(FormatError::invalid(format!(
                "__metadata__ is {}, not an object of strings",
                other.kind()
            )));
        }
    };
    if let Some(dup) = json::duplicate_key(&pairs) {
        return Err(FormatError::invalid(format!(
            "duplicate key {} in __metadata__",
            json::quote(dup)
        )));
    }
    let mut out = BTreeMap::new();
    for (key, value) in pairs {
        match value {
            json::Json::Str(s) => {
                out.insert(key, s);
            }
            other => {
                return Err(FormatError::invalid(format!(
                    "__metadata__ value for {} is {}, not a string",
                    json::quote(&key),
                    other.kind()
                )));
            }
        }
    }
    Ok(out)
}

/// Validates one tensor entry on its own: fields, dtype, and that its byte
/// span matches its shape. Layout across tensors is `check_layout`'s job.
fn parse_entry(name: String, value: json::Json) -> Result<TensorInfo, FormatError> {
    let q = json::quote(&name);
    let json::Json::Object(fields) = value else {
        return Err(FormatError::invalid(format!(
            "tensor {q} is {}, not an object",
            value.kind()
        )));
    };
    if let Some(dup) = json::duplicate_key(&fields) {
        return Err(FormatError::invalid(format!(
            "tensor {q} has a duplicate {} field",
            json::quote(dup)
        )));
    }
    let field = |key: &str| fields.iter().find(|(k, _)| k == key).map(|(_, v)| v);

    let dtype = match field("dtype") {
        None => return Err(FormatError::invalid(format!("tensor {q} has no dtype"))),
        Some(json::Json::Str(s)) => s.clone(),
        Some(other) => {
            return Err(FormatError::invalid(format!(
                "tensor {q}: dtype is {}, not a string",
                other.kind()
            )));
        }
    };
    let bits = dtype_bits(&dtype).ok_or_else(|| {
        FormatError::invalid(format!(
            "tensor {q} has unknown dtype {}",
            json::quote(&dtype)
        ))
    })?;
    let shape = match field("shape") {
        None => return Err(FormatError::invalid(format!("tensor {q} has no shape"))),
        Some(v) => v.as_u64_list().ok_or_else(|| {
            FormatError::invalid(format!(
                "tensor {q}: shape is not a list of non-negative integers"
            ))
        })?,
    };
    let (begin, end) = match field("data_offsets") {
        None => {
            return Err(FormatError::invalid(format!(
                "tensor {q} has no data_offsets"
            )));
        }
        Some(v) => match v.as_u64_list() {
            Some(&[begin, end]) => (begin, end),
            _ => {
                return Err(FormatError::invalid(format!(
                    "tensor {q}: data_offsets is not a pair of non-negative integers"
                )));
            }
        },
    };

    // Left-to-right like the reference reader, so both reject the same shapes.
    let numel = super::element_count(shape).ok_or_else(|| {
        FormatError::invalid(format!(
            "tensor {q}: shape {} overflows a 64-bit element count",
            show_shape(shape)
        ))
    })?;
    let nbits = numel.checked_mul(bits).ok_or_else(|| {
        FormatError::invalid(format!(
            "tensor {q}: {numel} elements of {dtype} overflow a 64-bit bit count"
        ))
    })?;
    if nbits % 8 != 0 {
        return Err(FormatError::invalid(format!(
            "tensor {q}: {numel} elements of {dtype} do not fill a whole number of bytes"
        )));
    }
    if begin > end {
        return Err(FormatError::invalid(format!(
            "tensor {q}: data_offsets [{begin}, {end}] end before they begin"
        )));
    }
    let need = nbits / 8;
    if end - begin != need {
        return Err(FormatError::invalid(format!(
            "tensor {q}: data_offsets [{begin}, {end}] span {} bytes but shape {} of {dtype} needs {need}",
            end - begin,
            show_shape(shape)
        )));
    }
    Ok(TensorInfo {
        name,
        dtype,
        shape: shape.to_vec(),
        begin,
        end,
    })
}

/// The data region must be tiled exactly: sorted by offset, the first tensor
/// starts at 0 and each starts where the previous ended. Gaps can hide data,
/// overlaps let many names alias the same bytes. Returns the data's end.
fn check_layout(tensors: &[TensorInfo]) -> Result<u64, FormatError> {
    let mut by_offset: Vec<&TensorInfo> = tensors.iter().collect();
    // Same order as the reference reader; an empty tensor sorts before a
    // non-empty one starting at the same byte, so both fit contiguously.
    by_offset.sort_by_key(|t| (t.begin, t.end));
    let mut prev: Option<&TensorInfo> = None;
    let mut cursor = 0u64;
    for t in by_offset {
        if t.begin != cursor {
            let q = json::quote(&t.name);
            let msg = match prev {
                None => format!(
                    "tensor data has a gap: the first tensor {q} begins at byte {}, not 0",
                    t.begin
                ),
                Some(p) if t.begin > cursor => format!(
                    "tensor data has a gap of {} bytes between tensor {} (ends at {cursor}) \
                     and tensor {q} (begins at {})",
                    t.begin - cursor,
                    json::quote(&p.name),
                    t.begin
                ),
                Some(p) => format!(
                    "tensor {q} (bytes {}..{}) overlaps tensor {} (ends at {cursor})",
                    t.begin,
                    t.end,
                    json::quote(&p.name)
                ),
            };
            return Err(FormatError::invalid(msg));
        }
        cursor = t.end;
        prev = Some(t);
    }
    Ok(cursor)
}

/// A shape for a message, cut short: a hostile header can declare millions
/// of dimensions and messages must stay readable.
fn show_shape(shape: &[u64]) -> String {
    const SHOWN: usize = 8;
    let mut parts: Vec<String> = shape.iter().take(SHOWN).map(u64::to_string).collect();
    if shape.len() > SHOWN {
        parts.push(format!("... {} more", shape.len() - SHOWN));
    }
    format!("[{}]", parts.join(", "))
}

/// A JSON reader that keeps every key of every object, in order, so that
/// duplicate keys (which serde_json and Python silently collapse) can be
/// reported. Shared with the shard index reader.
pub(crate) mod json {
    use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
    use std::collections::HashSet;
    use std::fmt;

    /// A JSON value. Arrays of non-negative integers (shapes, offsets) get a
    /// compact form so a huge header costs 8 bytes per number, not a whole
    /// enum.
    #[derive(Debug, Clone, PartialEq)]
    pub(crate) enum Json {
        Null,
        Bool(bool),
        /// A non-negative integer that fits in `u64`.
        UInt(u64),
        /// A negative integer.
        Int(i64),
        /// Any other number (fractional, or outside the `u64` range).
        Float(f64),
        Str(String),
        /// An array whose elements are all `UInt` (including the empty one).
        UInts(Vec<u64>),
        Array(Vec<Json>),
        /// Key-value pairs in file order, duplicates kept.
        Object(Vec<(String, Json)>),
    }

    impl Json {
        /// "a string", "an object": to say what was found instead.
        pub(crate) fn kind(&self) -> &'static str {
            match self {
                Json::Null => "null",
                Json::Bool(_) => "a boolean",
                Json::UInt(_) | Json::Int(_) | Json::Float(_) => "a number",
                Json::Str(_) => "a string",
                Json::UInts(_) | Json::Array(_) => "an array",
                Json::Object(_) => "an object",
            }
        }

        /// The array's numbers if it is an array of non-negative integers.
        pub(crate) fn as_u64_list(&self) -> Option<&[u64]> {
            match self {
                Json::UInts(v) => Some(v),
                _ => None,
            }
        }
    }

    /// The first key that occurs twice, in file order of its second use.
    pub(crate) fn duplicate_key(pairs: &[(String, Json)]) -> Option<&str> {
        let mut seen: HashSet<&str> = HashSet::with_capacity(pairs.len());
        pairs
            .iter()
            .map(|(k, _)| k.as_str())
            .find(|k| !seen.insert(k))
    }

    /// Parses a whole document (surrounding whitespace allowed). serde_json's
    /// recursion limit bounds nesting, so hostile depth is an error, not a
    /// stack overflow.
    pub(crate) fn parse(text: &str) -> Result<Json, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// A name quoted and escaped for a message, cut to a bounded length since
    /// names come from the file and may be arbitrarily long or contain
    /// control characters.
    pub(crate) fn quote(name: &str) -> String {
        const MAX_CHARS: usize = 120;
        match name.char_indices().nth(MAX_CHARS) {
            Some((cut, _)) => {
                let shown = format!("{:?}", &name[..cut]);
                // Put the ellipsis inside the quotes: `"abc..."`.
                format!("{}...\"", &shown[..shown.len() - 1])
            }
            None => format!("{name:?}"),
        }
    }

    impl<'de> Deserialize<'de> for Json {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Json, D::Error> {
            deserializer.deserialize_any(JsonVisitor)
        }
    }

    struct JsonVisitor;

    impl<'de> Visitor<'de> for JsonVisitor {
        type Value = Json;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("any json value")
        }

        fn visit_unit<E: de::Error>(self) -> Result<Json, E> {
            Ok(Json::Null)
        }

        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Json, E> {
            Ok(Json::Bool(v))
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Json, E> {
            Ok(Json::UInt(v))
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Json, E> {
            Ok(match u64::try_from(v) {
                Ok(u) => Json::UInt(u),
                Err(_) => Json::Int(v),
            })
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Json, E> {
            Ok(Json::Float(v))
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Json, E> {
            Ok(Json::Str(v.to_owned()))
        }

        fn visit_string<E: de::Error>(self, v: String) -> Result<Json, E> {
            Ok(Json::Str(v))
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
            // No capacity from size_hint: growth follows bytes actually read.
            let mut uints = Vec::new();
            while let Some(item) = seq.next_element::<Json>()? {
                match item {
                    Json::UInt(n) => uints.push(n),
                    other => {
                        let mut items: Vec<Json> = uints.into_iter().map(Json::UInt).collect();
                        items.push(other);
                        while let Some(item) = seq.next_element::<Json>()? {
                            items.push(item);
                        }
                        return Ok(Json::Array(items));
                    }
                }
            }
            Ok(Json::UInts(uints))
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
            let mut pairs = Vec::new();
            while let Some((k, v)) = map.next_entry::<String, Json>()? {
                pairs.push((k, v));
            }
            Ok(Json::Object(pairs))
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    /// A file as the format lays it out: `u64` LE header length, the header,
    /// then `data_len` zero bytes of tensor data.
    fn file_with(header: &[u8], data_len: usize) -> Vec<u8> {
        let mut out = (header.len() as u64).to_le_bytes().to_vec();
        out.extend_from_slice(header);
        out.resize(out.len() + data_len, 0);
        out
    }

    fn file(json: &str, data_len: usize) -> Vec<u8> {
        file_with(json.as_bytes(), data_len)
    }

    #[track_caller]
    fn invalid(bytes: &[u8]) -> String {
        crate::formats::invalid_message(parse(bytes))
    }

    #[track_caller]
    fn assert_invalid(bytes: &[u8], needle: &str) {
        crate::formats::assert_invalid_containing(parse(bytes), needle);
    }

    /// One F32 tensor `t` of shape [2] at [0, 8], plus `extra` entries.
    fn one(extra: &str) -> String {
        format!(r#"{{"t":{{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}{extra}}}"#)
    }

    #[test]
    fn shorter_than_prefix() {
        assert_invalid(
            &[1, 2, 3],
            "file is 3 bytes, shorter than the 8-byte header length prefix",
        );
        assert_invalid(&[], "file is 0 bytes");
    }

    #[test]
    fn header_too_large() {
        for claimed in [MAX_HEADER_LEN + 1, u64::MAX] {
            let bytes = claimed.to_le_bytes();
            assert_eq!(
                parse(&bytes),
                Err(FormatError::TooLarge {
                    what: "header",
                    claimed,
                    limit: MAX_HEADER_LEN
                })
            );
        }
    }

    #[test]
    fn header_past_end_of_file() {
        let mut bytes = 100u64.to_le_bytes().to_vec();
        bytes.extend_from_slice(b"{\"a\":1}   ");
        assert_eq!(
            parse(&bytes),
            Err(FormatError::Truncated {
                expected: 108,
                actual: 18
            })
        );
    }

    #[test]
    fn header_not_utf8() {
        assert_invalid(&file_with(b"{\"\xff\":1}", 0), "header is not valid utf-8");
    }

    #[test]
    fn header_not_json() {
        assert_invalid(&file("{\"t\": ", 0), "header is not valid json");
        assert_invalid(&file("{} x", 0), "header is not valid json");
        assert_invalid(&file("        ", 0), "header is empty");
        assert_invalid(&file("", 0), "header is empty");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(100_000);
        assert_invalid(&file(&deep, 0), "header is not valid json");
    }

    #[test]
    fn header_not_an_object() {
        assert_invalid(&file("[1, 2]", 0), "header is an array, not a json object");
        assert_invalid(&file("\"x\"", 0), "header is a string, not a json object");
    }

    #[test]
    fn duplicate_tensor_name() {
        let json = one(r#","t":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}"#);
        assert_eq!(invalid(&file(&json, 16)), "duplicate tensor name \"t\"");
    }

    #[test]
    fn duplicate_metadata_key() {
        let json = one(r#","__metadata__":{},"__metadata__":{"a":"b"}"#);
        assert_invalid(&file(&json, 8), "duplicate \"__metadata__\" key");
        let json = one(r#","__metadata__":{"a":"b","a":"c"}"#);
        assert_invalid(&file(&json, 8), "duplicate key \"a\" in __metadata__");
    }

    #[test]
    fn metadata_not_object_of_strings() {
        let json = one(r#","__metadata__":["pt"]"#);
        assert_invalid(
            &file(&json, 8),
            "__metadata__ is an array, not an object of strings",
        );
        let json = one(r#","__metadata__":{"format":"pt","step":3}"#);
        assert_invalid(
            &file(&json, 8),
            "__metadata__ value for \"step\" is a number, not a string",
        );
    }

    #[test]
    fn null_metadata_is_absent_as_for_the_reference_reader() {
        let header = parse(&file(&one(r#","__metadata__":null"#), 8)).unwrap();
        assert!(header.metadata.is_empty());
    }

    #[test]
    fn entry_missing_fields() {
        let cases = [
            (
                r#"{"w":{"shape":[2],"data_offsets":[0,8]}}"#,
                "tensor \"w\" has no dtype",
            ),
            (
                r#"{"w":{"dtype":"F32","data_offsets":[0,8]}}"#,
                "tensor \"w\" has no shape",
            ),
            (
                r#"{"w":{"dtype":"F32","shape":[2]}}"#,
                "tensor \"w\" has no data_offsets",
            ),
        ];
        for (json, msg) in cases {
            assert_eq!(invalid(&file(json, 8)), msg);
        }
    }

    #[test]
    fn entry_wrong_types() {
        let cases = [
            (r#"{"w":[1]}"#, "tensor \"w\" is an array, not an object"),
            (
                r#"{"w":{"dtype":32,"shape":[2],"data_offsets":[0,8]}}"#,
                "tensor \"w\": dtype is a number, not a string",
            ),
            (
                r#"{"w":{"dtype":"F32","shape":[2,-1],"data_offsets":[0,8]}}"#,
                "tensor \"w\": shape is not a list of non-negative integers",
            ),
            (
                r#"{"w":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}}"#,
                "tensor \"w\": shape is not a list of non-negative integers",
            ),
            (
                r#"{"w":{"dtype":"F32","shape":"2","data_offsets":[0,8]}}"#,
                "tensor \"w\": shape is not a list of non-negative integers",
            ),
            (
                r#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8,8]}}"#,
                "tensor \"w\": data_offsets is not a pair of non-negative integers",
            ),
            (
                r#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,18446744073709551616]}}"#,
                "tensor \"w\": data_offsets is not a pair of non-negative integers",
            ),
            (
                r#"{"w":{"dtype":"F32","dtype":"F16","shape":[2],"data_offsets":[0,8]}}"#,
                "tensor \"w\" has a duplicate \"dtype\" field",
            ),
        ];
        for (json, msg) in cases {
            assert_eq!(invalid(&file(json, 8)), msg, "for {json}");
        }
    }

    #[test]
    fn unknown_dtype() {
        let json = r#"{"w":{"dtype":"F12","shape":[2],"data_offsets":[0,8]}}"#;
        assert_eq!(
            invalid(&file(json, 8)),
            "tensor \"w\" has unknown dtype \"F12\""
        );
        // Case matters to the reference reader too.
        let json = r#"{"w":{"dtype":"f32","shape":[2],"data_offsets":[0,8]}}"#;
        assert_invalid(&file(json, 8), "unknown dtype");
    }

    #[test]
    fn shape_product_overflow() {
        let json = r#"{"w":{"dtype":"U8","shape":[4294967296,4294967296],"data_offsets":[0,0]}}"#;
        assert_invalid(&file(json, 0), "overflows a 64-bit element count");
        let json = r#"{"w":{"dtype":"F64","shape":[4611686018427387904],"data_offsets":[0,0]}}"#;
        assert_invalid(&file(json, 0), "overflow a 64-bit bit count");
    }

    #[test]
    fn offsets_reversed() {
        let json = r#"{"w":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}"#;
        assert_invalid(&file(json, 8), "data_offsets [8, 0] end before they begin");
    }

    #[test]
    fn offsets_disagree_with_shape() {
        let json = r#"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#;
        assert_eq!(
            invalid(&file(json, 8)),
            "tensor \"w\": data_offsets [0, 8] span 8 bytes but shape [3] of F32 needs 12"
        );
    }

    #[test]
    fn sub_byte_tensor_must_fill_whole_bytes() {
        let json = r#"{"w":{"dtype":"F4","shape":[3],"data_offsets":[0,1]}}"#;
        assert_invalid(
            &file(json, 1),
            "3 elements of F4 do not fill a whole number of bytes",
        );
    }

    #[test]
    fn first_tensor_not_at_zero() {
        let json = r#"{"w":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}}"#;
        assert_invalid(
            &file(json, 4),
            "the first tensor \"w\" begins at byte 2, not 0",
        );
    }

    #[test]
    fn gap_between_tensors() {
        let json = r#"{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},
                       "b":{"dtype":"U8","shape":[2],"data_offsets":[5,7]}}"#;
        assert_eq!(
            invalid(&file(json, 7)),
            "tensor data has a gap of 3 bytes between tensor \"a\" (ends at 2) \
             and tensor \"b\" (begins at 5)"
        );
    }

    #[test]
    fn overlapping_tensors() {
        let json = r#"{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},
                       "b":{"dtype":"U8","shape":[4],"data_offsets":[2,6]}}"#;
        assert_eq!(
            invalid(&file(json, 6)),
            "tensor \"b\" (bytes 2..6) overlaps tensor \"a\" (ends at 4)"
        );
        // Two names over the same bytes: the aliasing DoS of the attack list.
        let json = r#"{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},
                       "b":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}}"#;
        assert_invalid(&file(json, 4), "overlaps tensor \"a\"");
    }

    #[test]
    fn data_truncated() {
        let json = one("");
        let bytes = file(&json, 5);
        let expected = 8 + json.len() as u64 + 8;
        assert_eq!(
            parse(&bytes),
            Err(FormatError::Truncated {
                expected,
                actual: expected - 3
            })
        );
    }

    #[test]
    fn trailing_bytes() {
        assert_eq!(
            invalid(&file(&one(""), 13)),
            "5 trailing bytes after the tensor data"
        );
        assert_eq!(
            invalid(&file("{}", 1)),
            "1 trailing bytes after the tensor data"
        );
    }

    #[test]
    fn data_end_overflowing_file_size() {
        // Eight U8 tensors of 2^61-1 bytes each pass every per-tensor check
        // and tile the data region up to 2^64-8: only the header pushes the
        // file size past u64.
        let size = (1u64 << 61) - 1;
        let entries: Vec<String> = (0..8u64)
            .map(|i| {
                format!(
                    r#""t{i}":{{"dtype":"U8","shape":[{size}],"data_offsets":[{},{}]}}"#,
                    i * size,
                    (i + 1) * size
                )
            })
            .collect();
        let json = format!("{{{}}}", entries.join(","));
        assert_invalid(&file(&json, 0), "overflows a 64-bit file size");
    }

    #[test]
    fn long_names_are_cut_in_messages() {
        let name = "n".repeat(10_000);
        let json = format!(r#"{{"{name}":{{"dtype":"X","shape":[],"data_offsets":[0,0]}}}}"#);
        let msg = invalid(&file(&json, 0));
        assert!(msg.len() < 300, "{} bytes", msg.len());
        let expected = format!("tensor \"{}...\" has unknown dtype \"X\"", "n".repeat(120));
        assert_eq!(msg, expected);
    }

    /// What the reference writer produces for a small GPT-2-like model:
    /// data ordered by dtype alignment, header padded with spaces to a
    /// multiple of 8, `__metadata__` first.
    fn gpt2_like() -> Vec<u8> {
        let json = r#"{"__metadata__":{"format":"pt"},
            "transformer.h.0.attn.bias":{"dtype":"I64","shape":[1,3],"data_offsets":[0,24]},
            "transformer.wte.weight":{"dtype":"F32","shape":[4,3],"data_offsets":[24,72]},
            "lm_head.scale":{"dtype":"F32","shape":[],"data_offsets":[72,76]},
            "transformer.h.0.ln_1.weight":{"dtype":"BF16","shape":[2,4],"data_offsets":[76,92]},
            "transformer.h.0.mlp.empty":{"dtype":"F16","shape":[0,5],"data_offsets":[92,92]},
            "transformer.h.0.packed":{"dtype":"F4","shape":[2,2],"data_offsets":[92,94]}}"#;
        let mut header = json.as_bytes().to_vec();
        while !header.len().is_multiple_of(8) {
            header.push(b' ');
        }
        file_with(&header, 94)
    }

    #[test]
    fn valid_gpt2_like_file() {
        let bytes = gpt2_like();
        let header = parse(&bytes).unwrap();
        assert_eq!(header.header_len % 8, 0);
        assert_eq!(8 + header.header_len + 94, bytes.len() as u64);
        let names: Vec<&str> = header.tensors.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "lm_head.scale",
                "transformer.h.0.attn.bias",
                "transformer.h.0.ln_1.weight",
                "transformer.h.0.mlp.empty",
                "transformer.h.0.packed",
                "transformer.wte.weight",
            ]
        );
        let scale = &header.tensors[0];
        assert_eq!(
            scale,
            &TensorInfo {
                name: "lm_head.scale".into(),
                dtype: "F32".into(),
                shape: vec![],
                begin: 72,
                end: 76
            }
        );
        // 3 + 12 + 1 + 8 + 0 + 4
        assert_eq!(header.parameters(), 28);
        assert_eq!(header.data_bytes(), 94);
        let histogram = header.dtypes();
        let dtypes: Vec<(&str, u64)> = histogram.iter().map(|(k, &v)| (k.as_str(), v)).collect();
        assert_eq!(
            dtypes,
            [("BF16", 8), ("F16", 0), ("F32", 13), ("F4", 4), ("I64", 3)]
        );
        assert_eq!(header.dtype_of_majority(), Some("F32"));
        assert_eq!(
            header.metadata,
            BTreeMap::from([("format".to_owned(), "pt".to_owned())])
        );
    }

    #[test]
    fn every_dtype_of_safetensors_0_8_is_accepted() {
        let dtypes = [
            ("BOOL", 8),
            ("U8", 8),
            ("I8", 8),
            ("F8_E5M2", 8),
            ("F8_E4M3", 8),
            ("F8_E8M0", 8),
            ("F8_E4M3FNUZ", 8),
            ("F8_E5M2FNUZ", 8),
            ("I16", 16),
            ("U16", 16),
            ("F16", 16),
            ("BF16", 16),
            ("I32", 32),
            ("U32", 32),
            ("F32", 32),
            ("C64", 64),
            ("F64", 64),
            ("I64", 64),
            ("U64", 64),
            ("F4", 4),
            ("F6_E2M3", 6),
            ("F6_E3M2", 6),
        ];
        let mut entries = Vec::new();
        let mut offset = 0u64;
        for (dtype, bits) in dtypes {
            // 8 elements: a whole number of bytes even at 4 or 6 bits.
            let len = bits;
            entries.push(format!(
                r#""t_{dtype}":{{"dtype":"{dtype}","shape":[8],"data_offsets":[{offset},{}]}}"#,
                offset + len
            ));
            offset += len;
        }
        let json = format!("{{{}}}", entries.join(","));
        let header = parse(&file(&json, offset as usize)).unwrap();
        assert_eq!(header.tensors.len(), dtypes.len());
        assert_eq!(header.parameters(), 8 * dtypes.len() as u64);
        assert_eq!(header.data_bytes(), offset);
    }

    #[test]
    fn empty_header_and_edge_layouts() {
        let header = parse(&file("{}", 0)).unwrap();
        assert!(header.tensors.is_empty());
        assert_eq!(header.parameters(), 0);
        assert_eq!(header.dtype_of_majority(), None);
        // Leading whitespace, unknown entry fields, non-ASCII names, and an
        // empty tensor sharing its offset with the next one all load.
        let json = r#"  {"é":{"dtype":"U8","shape":[0],"data_offsets":[0,0],"extra":true},
                        "z":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}"#;
        let header = parse(&file(json, 2)).unwrap();
        assert_eq!(header.tensors[0].name, "z");
        assert_eq!(header.tensors[1].name, "é");
        assert_eq!(header.dtype_of_majority(), Some("U8"));
    }

    #[test]
    fn majority_ties_go_to_the_first_name() {
        let json = r#"{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},
                       "b":{"dtype":"BF16","shape":[2],"data_offsets":[4,8]}}"#;
        assert_eq!(
            parse(&file(json, 8)).unwrap().dtype_of_majority(),
            Some("BF16")
        );
    }

    #[test]
    fn large_zero_data_region() {
        let json = r#"{"w":{"dtype":"F32","shape":[1024,1024],"data_offsets":[0,4194304]},
                       "b":{"dtype":"BF16","shape":[1024],"data_offsets":[4194304,4196352]}}"#;
        let header = parse(&file(json, 4_196_352)).unwrap();
        assert_eq!(header.parameters(), 1024 * 1024 + 1024);
        assert_eq!(header.data_bytes(), 4_196_352);
        assert_eq!(header.dtype_of_majority(), Some("F32"));
    }

    #[test]
    fn corrupted_files_give_errors_not_panics() {
        let good = gpt2_like();
        for len in 0..good.len() {
            assert!(parse(&good[..len]).is_err(), "prefix of {len} bytes");
        }
        let header_end = 8 + usize::try_from(parse(&good).unwrap().header_len).unwrap();
        for at in 0..header_end {
            for byte in [b'"', b'{', b'}', b'9', b'-', b',', 0xff, 0] {
                let mut bad = good.clone();
                bad[at] = byte;
                // Either outcome is fine; reaching here without a panic is the test.
                let _ = parse(&bad);
            }
        }
    }

    #[test]
    fn quote_cuts_on_char_boundaries() {
        let q = json::quote(&"é".repeat(500));
        assert!(q.starts_with("\"éé") && q.ends_with("...\""));
        assert_eq!(q.chars().count(), 120 + 5);
        assert_eq!(json::quote("a\nb"), "\"a\\nb\"");
    }
}
