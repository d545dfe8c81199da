//! GGUF is how llama.cpp and its many front ends ship quantized models, and
//! its header carries what the scan wants: architecture, tensor types and
//! shapes (so a parameter count and a quantization mix), and provenance keys
//! (`general.license`, base models, datasets, source URLs). The header is a
//! binary stream of self-declared counts and lengths, and readers that trust
//! them (`Vec::with_capacity(kv_count)` in the Rust crates, 2^63-element
//! arrays in llama.cpp's own history) crash or exhaust memory on a few dozen
//! hostile bytes. So this reader is hand-written: every count and length is
//! checked against the bytes that remain before anything is allocated or
//! looped over, large arrays are summarised rather than materialised, and the
//! structural rules ggml enforces (duplicate keys and names, dimensions,
//! alignment, tensor layout) are checked with a message per rule. Like the
//! other readers it only walks the header of a memory-mapped file; tensor
//! data is never read, only its declared extent compared with the file size.

use super::FormatError;
use super::cursor::Cursor;
use super::safetensors::json::quote;
use std::collections::{BTreeMap, HashSet};

/// Array items kept per array (and per nested array). Token lists run to
/// hundreds of thousands of strings; a scan needs their length and a sample.
pub const MAX_KEPT_ITEMS: usize = 64;
/// Per-string cap. ggml allows 1 GiB; the largest real strings (chat
/// templates, merges are arrays) are a few hundred KiB.
pub const MAX_STRING_LEN: u64 = 64 << 20;
/// The spec's cap on key length; also applied to tensor names.
pub const MAX_KEY_LEN: u64 = 65_535;
/// Arrays nested deeper than this are refused: ggml loads no nested array at
/// all, gguf-py writes them, and unbounded depth is a stack-overflow vector.
pub const MAX_NESTING: u32 = 4;
/// GGML_MAX_DIMS.
pub const MAX_DIMS: u32 = 4;
/// Larger alignments only serve to make `data_offset` point past the file
/// (ggml PR #1516 rejected 2^30).
pub const MAX_ALIGNMENT: u64 = 1 << 20;
/// Used when `general.alignment` is absent.
pub const DEFAULT_ALIGNMENT: u64 = 32;

const MAGIC: &[u8; 4] = b"GGUF";

// Value type ids.
const T_U8: u32 = 0;
const T_I8: u32 = 1;
const T_U16: u32 = 2;
const T_I16: u32 = 3;
const T_U32: u32 = 4;
const T_I32: u32 = 5;
const T_F32: u32 = 6;
const T_BOOL: u32 = 7;
const T_STRING: u32 = 8;
const T_ARRAY: u32 = 9;
const T_U64: u32 = 10;
const T_I64: u32 = 11;
const T_F64: u32 = 12;

/// A parsed GGUF header.
#[derive(Debug, Clone, PartialEq)]
pub struct Gguf {
    /// 1, 2 or 3.
    pub version: u32,
    /// The whole file is byte-swapped (a v3 feature; ggml on a
    /// little-endian host refuses such files, gguf-py reads them).
    pub big_endian: bool,
    /// Every key-value pair; arrays keep at most `MAX_KEPT_ITEMS` items.
    pub metadata: BTreeMap<String, Value>,
    /// Tensor infos in file order.
    pub tensors: Vec<TensorInfo>,
    pub alignment: u64,
    /// Absolute file offset where the data section starts; tensor offsets
    /// are relative to it.
    pub data_offset: u64,
}

/// A metadata value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    U8(u8),
    I8(i8),
    U16(u16),
    I16(i16),
    U32(u32),
    I32(i32),
    F32(f32),
    Bool(bool),
    /// Lossily decoded: ggml does not require UTF-8 in values, and some
    /// vocabularies hold byte sequences that are not.
    Str(String),
    U64(u64),
    I64(i64),
    F64(f64),
    /// `len` is the true element count; `items` holds the first
    /// `MAX_KEPT_ITEMS` of them.
    Array {
        elem_type: u32,
        len: u64,
        items: Vec<Value>,
    },
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Any integer value that is non-negative, whatever its width: writers
    /// disagree on widths (`general.base_model.count` is u32 from gguf-py,
    /// other tools write u64 or i32).
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            Value::U8(v) => Some(v.into()),
            Value::U16(v) => Some(v.into()),
            Value::U32(v) => Some(v.into()),
            Value::U64(v) => Some(v),
            Value::I8(v) => u64::try_from(v).ok(),
            Value::I16(v) => u64::try_from(v).ok(),
            Value::I32(v) => u64::try_from(v).ok(),
            Value::I64(v) => u64::try_from(v).ok(),
            _ => None,
        }
    }

    /// Any integer value that fits in `i64`.
    fn as_i64(&self) -> Option<i64> {
        match *self {
            Value::I8(v) => Some(v.into()),
            Value::I16(v) => Some(v.into()),
            Value::I32(v) => Some(v.into()),
            Value::I64(v) => Some(v),
            _ => self.as_u64().and_then(|v| i64::try_from(v).ok()),
        }
    }

    /// The spec's name of the value's type ("u32", "string", "array").
    pub fn type_name(&self) -> &'static str {
        value_type_name(match self {
            Value::U8(_) => T_U8,
            Value::I8(_) => T_I8,
            Value::U16(_) => T_U16,
            Value::I16(_) => T_I16,
            Value::U32(_) => T_U32,
            Value::I32(_) => T_I32,
            Value::F32(_) => T_F32,
            Value::Bool(_) => T_BOOL,
            Value::Str(_) => T_STRING,
            Value::Array { .. } => T_ARRAY,
            Value::U64(_) => T_U64,
            Value::I64(_) => T_I64,
            Value::F64(_) => T_F64,
        })
    }
}

fn value_type_name(t: u32) -> &'static str {
    match t {
        T_U8 => "u8",
        T_I8 => "i8",
        T_U16 => "u16",
        T_I16 => "i16",
        T_U32 => "u32",
        T_I32 => "i32",
        T_F32 => "f32",
        T_BOOL => "bool",
        T_STRING => "string",
        T_ARRAY => "array",
        T_U64 => "u64",
        T_I64 => "i64",
        T_F64 => "f64",
        _ => "unknown",
    }
}

/// One tensor info, validated against its type and the alignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TensorInfo {
    pub name: String,
    /// In file (ggml) order: `dims[0]` is the row length, the reverse of the
    /// numpy shape gguf-py shows.
    pub dims: Vec<u64>,
    pub ggml_type: u32,
    /// Relative to `Gguf::data_offset`.
    pub offset: u64,
}

impl TensorInfo {
    /// Product of the dimensions (1 for a 0-d tensor); `None` on overflow,
    /// which `parse` has already refused.
    pub fn elements(&self) -> Option<u64> {
        super::element_count(&self.dims)
    }

    /// Bytes of data: elements / block size × block bytes. `None` for a
    /// ggml type this reader does not know (not an error: ggml adds types
    /// often, and the rest of the header is still worth reporting).
    pub fn bytes(&self) -> Option<u64> {
        let (_, block, size) = ggml_type(self.ggml_type)?;
        (self.elements()? / block).checked_mul(size)
    }

    /// The ggml type's name as gguf-py spells it ("F32", "Q4_K"), or
    /// "unknown".
    pub fn type_name(&self) -> &'static str {
        ggml_type(self.ggml_type).map_or("unknown", |(name, _, _)| name)
    }
}

/// (name, elements per block, bytes per block) of every ggml type, as in
/// gguf-py 0.19 `GGML_QUANT_SIZES`. Ids 4, 5, 31-33 and 36-38 were removed
/// from ggml and stay unknown.
fn ggml_type(id: u32) -> Option<(&'static str, u64, u64)> {
    Some(match id {
        0 => ("F32", 1, 4),
        1 => ("F16", 1, 2),
        2 => ("Q4_0", 32, 18),
        3 => ("Q4_1", 32, 20),
        6 => ("Q5_0", 32, 22),
        7 => ("Q5_1", 32, 24),
        8 => ("Q8_0", 32, 34),
        9 => ("Q8_1", 32, 40),
        10 => ("Q2_K", 256, 84),
        11 => ("Q3_K", 256, 110),
        12 => ("Q4_K", 256, 144),
        13 => ("Q5_K", 256, 176),
        14 => ("Q6_K", 256, 210),
        15 => ("Q8_K", 256, 292),
        16 => ("IQ2_XXS", 256, 66),
        17 => ("IQ2_XS", 256, 74),
        18 => ("IQ3_XXS", 256, 98),
        19 => ("IQ1_S", 256, 50),
        20 => ("IQ4_NL", 32, 18),
        21 => ("IQ3_S", 256, 110),
        22 => ("IQ2_S", 256, 82),
        23 => ("IQ4_XS", 256, 136),
        24 => ("I8", 1, 1),
        25 => ("I16", 1, 2),
        26 => ("I32", 1, 4),
        27 => ("I64", 1, 8),
        28 => ("F64", 1, 8),
        29 => ("IQ1_M", 256, 56),
        30 => ("BF16", 1, 2),
        34 => ("TQ1_0", 256, 54),
        35 => ("TQ2_0", 256, 66),
        39 => ("MXFP4", 32, 17),
        40 => ("NVFP4", 64, 36),
        41 => ("Q1_0", 128, 18),
        _ => return None,
    })
}

/// What the `general.*` keys say about where the model comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Provenance {
    pub name: Option<String>,
    /// `general.license`, an SPDX expression by the spec (in practice often
    /// a Hugging Face licence id such as "apache-2.0" or "llama3.1").
    pub license: Option<String>,
    pub license_name: Option<String>,
    pub license_link: Option<String>,
    /// One identifier per `general.base_model.{i}`: the repo URL when given,
    /// else the URL, name, DOI or UUID.
    pub base_models: Vec<String>,
    /// `general.dataset.{i}` (what gguf-py writes) identified as base models
    /// are, then the items of the spec's `general.datasets` string array.
    pub datasets: Vec<String>,
    pub source_url: Option<String>,
    pub source_repo_url: Option<String>,
    pub repo_url: Option<String>,
}

/// The split keys llama.cpp's gguf-split (and gguf-py's splitter) write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split {
    /// `split.no`, 0-based.
    pub index: u16,
    /// `split.count`.
    pub count: u16,
    /// `split.tensors.count`: tensors across all splits.
    pub total_tensors: Option<i64>,
}

impl Gguf {
    /// Sum of the tensors' element counts.
    pub fn parameters(&self) -> u64 {
        self.tensors
            .iter()
            .fold(0u64, |acc, t| acc.saturating_add(t.elements().unwrap_or(0)))
    }

    /// Bytes of tensor data, padding excluded; tensors of unknown type
    /// count for nothing.
    pub fn tensor_bytes(&self) -> u64 {
        self.tensors
            .iter()
            .fold(0u64, |acc, t| acc.saturating_add(t.bytes().unwrap_or(0)))
    }

    /// Parameters per ggml type name ("unknown" gathers unknown types).
    pub fn dtypes(&self) -> BTreeMap<String, u64> {
        let mut out: BTreeMap<String, u64> = BTreeMap::new();
        for t in &self.tensors {
            let slot = out.entry(t.type_name().to_owned()).or_insert(0);
            *slot = slot.saturating_add(t.elements().unwrap_or(0));
        }
        out
    }

    /// `general.architecture` ("llama", "qwen2", ...).
    pub fn architecture(&self) -> Option<&str> {
        self.str_of("general.architecture")
    }

    pub fn provenance(&self) -> Provenance {
        let owned = |key: &str| self.str_of(key).map(str::to_owned);
        let mut datasets = self.indexed_identifiers("general.dataset.");
        if let Some(Value::Array { items, .. }) = self.metadata.get("general.datasets") {
            for item in items.iter().filter_map(Value::as_str) {
                if !datasets.iter().any(|d| d == item) {
                    datasets.push(item.to_owned());
                }
            }
        }
        Provenance {
            name: owned("general.name"),
            license: owned("general.license"),
            license_name: owned("general.license.name"),
            license_link: owned("general.license.link"),
            base_models: self.indexed_identifiers("general.base_model."),
            datasets,
            source_url: owned("general.source.url"),
            source_repo_url: owned("general.source.repo_url"),
            repo_url: owned("general.repo_url"),
        }
    }

    /// `None` unless both `split.no` and `split.count` are present and fit
    /// in u16 (their declared type).
    pub fn split(&self) -> Option<Split> {
        let u16_of = |key: &str| {
            self.metadata
                .get(key)
                .and_then(Value::as_u64)
                .and_then(|v| u16::try_from(v).ok())
        };
        Some(Split {
            index: u16_of("split.no")?,
            count: u16_of("split.count")?,
            total_tensors: self
                .metadata
                .get("split.tensors.count")
                .and_then(Value::as_i64),
        })
    }

    fn str_of(&self, key: &str) -> Option<&str> {
        self.metadata.get(key).and_then(Value::as_str)
    }

    /// One identifier per `<prefix>{i}.*` group, in index order. Groups are
    /// found from the keys present rather than by looping to the declared
    /// `.count`, which a file can set to anything.
    fn indexed_identifiers(&self, prefix: &str) -> Vec<String> {
        let mut groups: BTreeMap<u64, BTreeMap<&str, &str>> = BTreeMap::new();
        for (key, value) in self.metadata.range(prefix.to_owned()..) {
            let Some(rest) = key.strip_prefix(prefix) else {
                break;
            };
            let Some((index, field)) = rest.split_once('.') else {
                continue;
            };
            let (Ok(index), Some(text)) = (index.parse::<u64>(), value.as_str()) else {
                continue;
            };
            groups.entry(index).or_default().insert(field, text);
        }
        groups
            .values()
            .filter_map(|fields| {
                ["repo_url", "url", "name", "doi", "uuid"]
                    .iter()
                    .find_map(|f| fields.get(f).filter(|s| !s.is_empty()))
                    .map(|s| (*s).to_owned())
            })
            .collect()
    }
}

/// Parses "<stem>-00001-of-00003.gguf" style split names: (stem, 1-based
/// index, count). The digits are five wide, as llama.cpp's `%05d` writes
/// them; index must be within 1..=count.
pub fn split_name(file_name: &str) -> Option<(String, u32, u32)> {
    let five_digits = |s: &str| -> Option<u32> {
        if s.len() == 5 && s.bytes().all(|b| b.is_ascii_digit()) {
            s.parse().ok()
        } else {
            None
        }
    };
    let rest = file_name.strip_suffix(".gguf")?;
    let (head, count) = rest.rsplit_once("-of-")?;
    let (stem, index) = head.rsplit_once('-')?;
    let (index, count) = (five_digits(index)?, five_digits(count)?);
    if stem.is_empty() || index == 0 || index > count {
        return None;
    }
    Some((stem.to_owned(), index, count))
}

/// The header's numbers on top of [`Cursor`], in the file's byte order.
struct Reader<'a> {
    c: Cursor<'a>,
    big_endian: bool,
    /// v1 wrote counts, lengths and dimensions as u32; v2 widened them.
    wide: bool,
}

impl<'a> Reader<'a> {
    fn remaining(&self) -> u64 {
        self.c.remaining() as u64
    }

    fn take(&mut self, n: u64) -> Result<&'a [u8], FormatError> {
        self.c.take(n)
    }

    fn bytes<const N: usize>(&mut self) -> Result<[u8; N], FormatError> {
        let slice = self.take(N as u64)?;
        let mut out = [0u8; N];
        out.copy_from_slice(slice);
        if self.big_endian {
            out.reverse();
        }
        // Now little-endian whatever the file's order.
        Ok(out)
    }

    fn u8(&mut self) -> Result<u8, FormatError> {
        Ok(self.bytes::<1>()?[0])
    }

    fn u16(&mut self) -> Result<u16, FormatError> {
        self.bytes().map(u16::from_le_bytes)
    }

    fn u32(&mut self) -> Result<u32, FormatError> {
        self.bytes().map(u32::from_le_bytes)
    }

    fn u64(&mut self) -> Result<u64, FormatError> {
        self.bytes().map(u64::from_le_bytes)
    }

    /// A count, length or dimension: u32 in v1, u64 since.
    fn count(&mut self) -> Result<u64, FormatError> {
        if self.wide {
            self.u64()
        } else {
            self.u32().map(u64::from)
        }
    }

    fn count_width(&self) -> u64 {
        if self.wide { 8 } else { 4 }
    }

    /// A length-prefixed string's bytes, refused before any copy if the
    /// length passes `limit`.
    fn string(&mut self, what: &'static str, limit: u64) -> Result<&'a [u8], FormatError> {
        let len = self.count()?;
        if len > limit {
            return Err(FormatError::TooLarge {
                what,
                claimed: len,
                limit,
            });
        }
        self.take(len)
    }

    /// Encoded size of a value of type `t` when fixed; `None` for strings
    /// and arrays.
    fn fixed_size(t: u32) -> Option<u64> {
        match t {
            T_U8 | T_I8 | T_BOOL => Some(1),
            T_U16 | T_I16 => Some(2),
            T_U32 | T_I32 | T_F32 => Some(4),
            T_U64 | T_I64 | T_F64 => Some(8),
            _ => None,
        }
    }

    /// The fewest bytes a value of type `t` can take: what bounds how many
    /// of them the remaining bytes can hold.
    fn min_size(&self, t: u32) -> Result<u64, FormatError> {
        match t {
            T_STRING => Ok(self.count_width()),
            T_ARRAY => Ok(4 + self.count_width()),
            _ => Self::fixed_size(t)
                .ok_or_else(|| FormatError::invalid(format!("unknown value type {t}"))),
        }
    }

    fn scalar(&mut self, t: u32) -> Result<Value, FormatError> {
        Ok(match t {
            T_U8 => Value::U8(self.u8()?),
            T_I8 => Value::I8(i8::from_le_bytes(self.bytes()?)),
            T_U16 => Value::U16(self.u16()?),
            T_I16 => Value::I16(i16::from_le_bytes(self.bytes()?)),
            T_U32 => Value::U32(self.u32()?),
            T_I32 => Value::I32(i32::from_le_bytes(self.bytes()?)),
            T_F32 => Value::F32(f32::from_le_bytes(self.bytes()?)),
            T_BOOL => Value::Bool(bool_of(self.u8()?)?),
            T_U64 => Value::U64(self.u64()?),
            T_I64 => Value::I64(i64::from_le_bytes(self.bytes()?)),
            T_F64 => Value::F64(f64::from_le_bytes(self.bytes()?)),
            _ => return Err(FormatError::invalid(format!("unknown value type {t}"))),
        })
    }

    /// Reads (when `keep`) or walks past a value of type `t` inside `depth`
    /// enclosing arrays. Returns `Some` exactly when `keep` is set.
    fn value(&mut self, t: u32, depth: u32, keep: bool) -> Result<Option<Value>, FormatError> {
        match t {
            T_STRING => {
                let bytes = self.string("string", MAX_STRING_LEN)?;
                Ok(keep.then(|| Value::Str(String::from_utf8_lossy(bytes).into_owned())))
            }
            T_ARRAY => self.array(depth + 1, keep),
            _ if keep => self.scalar(t).map(Some),
            _ => {
                let size = self.min_size(t)?;
                let bytes = self.take(size)?;
                if t == T_BOOL {
                    check_bools(bytes)?;
                }
                Ok(None)
            }
        }
    }

    /// An array at nesting level `level` (1 for a top-level array).
    fn array(&mut self, level: u32, keep: bool) -> Result<Option<Value>, FormatError> {
        if level > MAX_NESTING {
            return Err(FormatError::invalid(format!(
                "arrays nested more than {MAX_NESTING} levels deep"
            )));
        }
        let elem_type = self.u32()?;
        let min = self.min_size(elem_type).map_err(|_| {
            FormatError::invalid(format!("array of unknown value type {elem_type}"))
        })?;
        let len = self.count()?;
        // The cap that keeps a 2^63-element claim from driving any loop:
        // every element takes at least `min` bytes.
        let left = self.remaining();
        if len.checked_mul(min).is_none_or(|need| need > left) {
            return Err(FormatError::invalid(format!(
                "array of {len} {} values cannot fit in the {left} bytes left",
                value_type_name(elem_type)
            )));
        }
        let kept = if keep {
            len.min(MAX_KEPT_ITEMS as u64)
        } else {
            0
        };
        // At most MAX_KEPT_ITEMS, so the capacity is bounded.
        let mut items = Vec::with_capacity(kept as usize);
        if let Some(size) = Self::fixed_size(elem_type) {
            for _ in 0..kept {
                items.push(self.scalar(elem_type)?);
            }
            // Cannot overflow: len * size <= left was checked above.
            let rest = self.take((len - kept) * size)?;
            if elem_type == T_BOOL {
                check_bools(rest)?;
            }
        } else {
            // Strings and arrays must be walked one by one, but each takes
            // at least `min` >= 4 bytes, so the loop is bounded by the file.
            for i in 0..len {
                if let Some(item) = self.value(elem_type, level, keep && i < kept)? {
                    items.push(item);
                }
            }
        }
        Ok(keep.then_some(Value::Array {
            elem_type,
            len,
            items,
        }))
    }
}

fn bool_of(byte: u8) -> Result<bool, FormatError> {
    match byte {
        0 => Ok(false),
        1 => Ok(true),
        b => Err(FormatError::invalid(format!(
            "bool value {b} is neither 0 nor 1"
        ))),
    }
}

fn check_bools(bytes: &[u8]) -> Result<(), FormatError> {
    bytes.iter().try_for_each(|&b| bool_of(b).map(drop))
}

/// Puts the key in front of an error met inside its value.
fn in_key(key: &str, e: FormatError) -> FormatError {
    match e {
        FormatError::Invalid(msg) => FormatError::Invalid(format!("key {}: {msg}", quote(key))),
        other => other,
    }
}

/// Refuses a count that the remaining bytes cannot hold at `min` bytes per
/// item, so no loop or allocation is ever sized by a bare claim.
fn check_count(what: &str, count: u64, min: u64, left: u64) -> Result<(), FormatError> {
    if count.checked_mul(min).is_none_or(|need| need > left) {
        return Err(FormatError::invalid(format!(
            "header declares {count} {what} but the {left} bytes left hold at most {}",
            left / min
        )));
    }
    Ok(())
}

/// How much of a GGUF file a reader maps: its header and tensor infos must
/// lie in this window (real ones take a few MiB; strings are capped at
/// [`MAX_STRING_LEN`]).
pub const MAX_HEADER_WINDOW: u64 = 256 << 20;

/// `file` is the whole file (a memory map); only the header is read, in the
/// passes ggml makes: the fixed header, the metadata key-value pairs, the
/// tensor infos, then the data section's place in the file.
pub fn parse(file: &[u8]) -> Result<Gguf, FormatError> {
    parse_prefix(file, file.len() as u64)
}

/// [`parse`] on the first bytes of a file of `file_len` bytes: the header
/// and tensor infos must lie in `prefix`; the tensor data is only checked
/// to fit in `file_len`. Lets a reader map a window, not a whole file.
pub fn parse_prefix(prefix: &[u8], file_len: u64) -> Result<Gguf, FormatError> {
    let (mut r, header) = read_header(prefix)?;
    let metadata = read_metadata(&mut r, header.kv_count)?;
    let alignment = alignment(&metadata)?;
    let (tensors, data_end) = read_tensor_infos(&mut r, header.tensor_count, alignment)?;
    let data_offset = data_section(
        r.c.position() as u64,
        alignment,
        &tensors,
        data_end,
        file_len.max(prefix.len() as u64),
    )?;
    Ok(Gguf {
        version: header.version,
        big_endian: r.big_endian,
        metadata,
        tensors,
        alignment,
        data_offset,
    })
}

/// What the fixed part of the header declares.
struct Header {
    version: u32,
    tensor_count: u64,
    kv_count: u64,
}

/// Magic, version (and with it the byte order and count width), and the two
/// counts, refused when the rest of the file cannot hold them.
fn read_header(file: &[u8]) -> Result<(Reader<'_>, Header), FormatError> {
    let file_len = file.len() as u64;
    let Some(magic) = file.first_chunk::<4>() else {
        return Err(FormatError::invalid(format!(
            "file is {file_len} bytes, shorter than the 4-byte gguf magic"
        )));
    };
    if magic != MAGIC {
        return Err(FormatError::invalid(format!(
            "not a gguf file: it starts with \"{}\", not \"GGUF\"",
            magic.escape_ascii()
        )));
    }
    let mut r = Reader {
        c: Cursor::file(file),
        big_endian: false,
        wide: true,
    };
    r.take(MAGIC.len() as u64)?;
    // The version is read little-endian; a byte-swapped file shows its
    // version in the high half (gguf-py's and ggml's own test).
    let mut version = r.u32()?;
    if version != 0 && version & 0xFFFF == 0 {
        version = version.swap_bytes();
        r.big_endian = true;
    }
    match version {
        1 => r.wide = false,
        2 | 3 => {}
        v => {
            return Err(FormatError::invalid(format!(
                "unsupported gguf version {v} (known versions are 1 to 3)"
            )));
        }
    }
    let tensor_count = r.count()?;
    let kv_count = r.count()?;
    let width = r.count_width();
    // key (length + bytes) + type + a 1-byte value
    let kv_min = width + 4 + 1;
    // name (length + bytes) + n_dims + type + u64 offset
    let tensor_min = width + 4 + 4 + 8;
    let left = r.remaining();
    check_count("key-value pairs", kv_count, kv_min, left)?;
    check_count("tensors", tensor_count, tensor_min, left)?;
    // Both fit on their own, so neither product overflows.
    if (kv_count * kv_min)
        .checked_add(tensor_count * tensor_min)
        .is_none_or(|need| need > left)
    {
        return Err(FormatError::invalid(format!(
            "header declares {kv_count} key-value pairs and {tensor_count} tensors, \
             more than the {left} bytes left can hold"
        )));
    }
    let header = Header {
        version,
        tensor_count,
        kv_count,
    };
    Ok((r, header))
}

/// The key-value pairs; a duplicate key is an error.
fn read_metadata(
    r: &mut Reader<'_>,
    kv_count: u64,
) -> Result<BTreeMap<String, Value>, FormatError> {
    let mut metadata = BTreeMap::new();
    for _ in 0..kv_count {
        let key = r.string("key", MAX_KEY_LEN)?;
        let key = std::str::from_utf8(key).map_err(|_| {
            FormatError::invalid(format!(
                "key {} is not valid utf-8",
                quote(&String::from_utf8_lossy(key))
            ))
        })?;
        // Readers keep either the first or the last of duplicate keys, so a
        // duplicate shows different models to different tools.
        if metadata.contains_key(key) {
            return Err(FormatError::invalid(format!(
                "duplicate key {}",
                quote(key)
            )));
        }
        let t = r.u32()?;
        let value = r.value(t, 0, true).map_err(|e| in_key(key, e))?;
        if let Some(value) = value {
            metadata.insert(key.to_owned(), value);
        }
    }
    Ok(metadata)
}

/// `general.alignment`: a u32 power of two up to [`MAX_ALIGNMENT`], or
/// [`DEFAULT_ALIGNMENT`] when absent.
fn alignment(metadata: &BTreeMap<String, Value>) -> Result<u64, FormatError> {
    match metadata.get("general.alignment") {
        None => Ok(DEFAULT_ALIGNMENT),
        Some(Value::U32(a)) => {
            let a = u64::from(*a);
            if !a.is_power_of_two() {
                return Err(FormatError::invalid(format!(
                    "general.alignment {a} is not a non-zero power of two"
                )));
            }
            if a > MAX_ALIGNMENT {
                return Err(FormatError::invalid(format!(
                    "general.alignment {a} exceeds the limit of {MAX_ALIGNMENT}"
                )));
            }
            Ok(a)
        }
        Some(other) => Err(FormatError::invalid(format!(
            "general.alignment is a {}, not a u32",
            other.type_name()
        ))),
    }
}

/// The tensor infos, each checked by [`check_tensor`] against the one
/// before; also returns where the last tensor's data ends, relative to the
/// data section.
fn read_tensor_infos(
    r: &mut Reader<'_>,
    tensor_count: u64,
    alignment: u64,
) -> Result<(Vec<TensorInfo>, u64), FormatError> {
    let mut tensors: Vec<TensorInfo> = Vec::new();
    let mut names: HashSet<String> = HashSet::new();
    // End of the previous tensor's data, relative to the data section.
    let mut data_end = 0u64;
    for _ in 0..tensor_count {
        let name = r.string("tensor name", MAX_KEY_LEN)?;
        let name = std::str::from_utf8(name).map_err(|_| {
            FormatError::invalid(format!(
                "tensor name {} is not valid utf-8",
                quote(&String::from_utf8_lossy(name))
            ))
        })?;
        if !names.insert(name.to_owned()) {
            return Err(FormatError::invalid(format!(
                "duplicate tensor name {}",
                quote(name)
            )));
        }
        let n_dims = r.u32()?;
        if n_dims > MAX_DIMS {
            return Err(FormatError::invalid(format!(
                "tensor {} has {n_dims} dimensions, more than ggml's {MAX_DIMS}",
                quote(name)
            )));
        }
        let mut dims = Vec::with_capacity(MAX_DIMS as usize);
        for _ in 0..n_dims {
            dims.push(r.count()?);
        }
        let info = TensorInfo {
            name: name.to_owned(),
            dims,
            ggml_type: r.u32()?,
            offset: r.u64()?,
        };
        data_end = check_tensor(&info, alignment, data_end, tensors.last())?;
        tensors.push(info);
    }
    Ok((tensors, data_end))
}

/// Where the data section starts (the end of the tensor infos, aligned),
/// checked to leave room in the file for every tensor's data.
fn data_section(
    info_end: u64,
    alignment: u64,
    tensors: &[TensorInfo],
    data_end: u64,
    file_len: u64,
) -> Result<u64, FormatError> {
    // Both are at most the file size and MAX_ALIGNMENT, so this cannot
    // overflow; checked anyway to stay panic-free.
    let data_offset = info_end
        .checked_next_multiple_of(alignment)
        .ok_or_else(|| FormatError::invalid("data section offset overflows"))?;
    if !tensors.is_empty() {
        let total = data_offset.checked_add(data_end).ok_or_else(|| {
            FormatError::invalid(format!(
                "tensor data ending at byte {data_end} after a {data_offset}-byte header \
                 overflows a 64-bit file size"
            ))
        })?;
        if total > file_len {
            return Err(FormatError::Truncated {
                expected: total,
                actual: file_len,
            });
        }
    }
    Ok(data_offset)
}

/// Checks one tensor info against the rules ggml applies and returns the end
/// of its data. `prev_end` is where the previous tensor's data ends.
fn check_tensor(
    t: &TensorInfo,
    alignment: u64,
    prev_end: u64,
    prev: Option<&TensorInfo>,
) -> Result<u64, FormatError> {
    let q = quote(&t.name);
    // ggml holds dimensions and element counts in int64_t.
    if let Some(d) = t.dims.iter().find(|&&d| d > i64::MAX as u64) {
        return Err(FormatError::invalid(format!(
            "tensor {q}: dimension {d} exceeds ggml's signed 64-bit range"
        )));
    }
    let elements = t
        .elements()
        .filter(|&n| n <= i64::MAX as u64)
        .ok_or_else(|| {
            FormatError::invalid(format!(
                "tensor {q}: dimensions {:?} overflow a 64-bit element count",
                t.dims
            ))
        })?;
    // Unknown types keep `bytes() == None`; their extent is unknown, so the
    // next tensor is only checked not to start before this one.
    let mut bytes = 0;
    if let Some((type_name, block, size)) = ggml_type(t.ggml_type) {
        // ggml's rule is on the row (ne[0]), which implies it for the total.
        let row = t.dims.first().copied().unwrap_or(1);
        if !row.is_multiple_of(block) {
            return Err(FormatError::invalid(format!(
                "tensor {q}: row of {row} elements is not a multiple of the \
                 {type_name} block size {block}"
            )));
        }
        bytes = (elements / block).checked_mul(size).ok_or_else(|| {
            FormatError::invalid(format!(
                "tensor {q}: {elements} elements of {type_name} overflow a 64-bit byte count"
            ))
        })?;
    }
    if !t.offset.is_multiple_of(alignment) {
        return Err(FormatError::invalid(format!(
            "tensor {q}: offset {} is not a multiple of the alignment {alignment}",
            t.offset
        )));
    }
    if let Some(p) = prev.filter(|_| t.offset < prev_end) {
        return Err(FormatError::invalid(format!(
            "tensor {q} at offset {} starts before the end of tensor {} (byte {prev_end}): \
             tensors must be in order and must not overlap",
            t.offset,
            quote(&p.name)
        )));
    }
    t.offset.checked_add(bytes).ok_or_else(|| {
        FormatError::invalid(format!(
            "tensor {q}: {bytes} bytes at offset {} overflow a 64-bit offset",
            t.offset
        ))
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    /// A byte builder for inline files, in either byte order and in v1's
    /// narrow or v2+'s wide count encoding.
    #[derive(Clone)]
    struct B {
        big: bool,
        narrow: bool,
        out: Vec<u8>,
    }

    impl B {
        fn le() -> B {
            B {
                big: false,
                narrow: false,
                out: Vec::new(),
            }
        }

        fn be() -> B {
            B {
                big: true,
                ..B::le()
            }
        }

        fn v1() -> B {
            B {
                narrow: true,
                ..B::le()
            }
        }

        fn raw(mut self, bytes: &[u8]) -> B {
            self.out.extend_from_slice(bytes);
            self
        }

        /// Little-endian bytes of a number, swapped for a big-endian file.
        fn num<const N: usize>(self, mut le: [u8; N]) -> B {
            if self.big {
                le.reverse();
            }
            self.raw(&le)
        }

        fn u8(self, v: u8) -> B {
            self.raw(&[v])
        }

        fn u32(self, v: u32) -> B {
            self.num(v.to_le_bytes())
        }

        fn u64(self, v: u64) -> B {
            self.num(v.to_le_bytes())
        }

        fn count(self, v: u64) -> B {
            if self.narrow {
                self.u32(u32::try_from(v).unwrap())
            } else {
                self.u64(v)
            }
        }

        fn str(self, s: &str) -> B {
            self.count(s.len() as u64).raw(s.as_bytes())
        }

        /// Magic, version, tensor count, key-value count.
        fn header(self, version: u32, tensors: u64, kvs: u64) -> B {
            self.raw(MAGIC).u32(version).count(tensors).count(kvs)
        }

        /// A key and its value type; the value follows.
        fn kv(self, key: &str, t: u32) -> B {
            self.str(key).u32(t)
        }

        fn tensor(self, name: &str, dims: &[u64], ggml_type: u32, offset: u64) -> B {
            let mut b = self.str(name).u32(dims.len() as u32);
            for &d in dims {
                b = b.count(d);
            }
            b.u32(ggml_type).u64(offset)
        }

        fn align(mut self, a: usize) -> B {
            while !self.out.len().is_multiple_of(a) {
                self.out.push(0);
            }
            self
        }

        fn zeros(mut self, n: usize) -> B {
            self.out.resize(self.out.len() + n, 0);
            self
        }
    }

    #[track_caller]
    fn invalid(bytes: &[u8]) -> String {
        crate::formats::invalid_message(parse(bytes))
    }

    #[track_caller]
    fn assert_invalid(bytes: &[u8], needle: &str) {
        crate::formats::assert_invalid_containing(parse(bytes), needle);
    }

    /// One KV (general.architecture = "llama") and one F32 tensor "w" of 4
    /// elements, data included: 24 + 40 + 33 = 97 header bytes, padded to
    /// 128, then 16 bytes of data.
    fn simple(b: B) -> Vec<u8> {
        b.header(3, 1, 1)
            .kv("general.architecture", T_STRING)
            .str("llama")
            .tensor("w", &[4], 0, 0)
            .align(32)
            .zeros(16)
            .out
    }

    /// A file of one KV `key` whose type and value bytes are in `value`.
    fn one_kv(key: &str, value: impl FnOnce(B) -> B) -> Vec<u8> {
        value(B::le().header(3, 0, 1).str(key)).out
    }

    /// `tensors` (name, dims, type, offset) after no KVs, plus `data` bytes.
    fn with_tensors(tensors: &[(&str, &[u64], u32, u64)], data: usize) -> Vec<u8> {
        let mut b = B::le().header(3, tensors.len() as u64, 0);
        for &(name, dims, t, offset) in tensors {
            b = b.tensor(name, dims, t, offset);
        }
        b.align(32).zeros(data).out
    }

    #[test]
    fn simple_file() {
        let bytes = simple(B::le());
        assert_eq!(bytes.len(), 128 + 16);
        let g = parse(&bytes).unwrap();
        assert_eq!(g.version, 3);
        assert!(!g.big_endian);
        assert_eq!(g.architecture(), Some("llama"));
        assert_eq!(g.alignment, 32);
        assert_eq!(g.data_offset, 128);
        assert_eq!(
            g.tensors,
            [TensorInfo {
                name: "w".into(),
                dims: vec![4],
                ggml_type: 0,
                offset: 0
            }]
        );
        assert_eq!(g.parameters(), 4);
        assert_eq!(g.tensor_bytes(), 16);
        assert_eq!(g.dtypes(), BTreeMap::from([("F32".to_owned(), 4)]));
        assert_eq!(g.split(), None);
        assert_eq!(g.provenance(), Provenance::default());
    }

    #[test]
    fn big_endian_file() {
        let g = parse(&simple(B::be())).unwrap();
        assert!(g.big_endian);
        assert_eq!(g.version, 3);
        assert_eq!(g.architecture(), Some("llama"));
        assert_eq!(g.tensors[0].dims, [4]);
        assert_eq!(g.parameters(), 4);
    }

    #[test]
    fn version_1_uses_u32_counts_and_lengths() {
        let bytes = B::v1()
            .header(1, 1, 2)
            .kv("general.name", T_STRING)
            .str("old")
            .kv("tokens", T_ARRAY)
            .u32(T_STRING)
            .count(2)
            .str("a")
            .str("b")
            .tensor("w", &[32, 2], 8, 0)
            .align(32)
            .zeros(68)
            .out;
        let g = parse(&bytes).unwrap();
        assert_eq!(g.version, 1);
        assert_eq!(g.provenance().name.as_deref(), Some("old"));
        assert_eq!(
            g.metadata["tokens"],
            Value::Array {
                elem_type: T_STRING,
                len: 2,
                items: vec![Value::Str("a".into()), Value::Str("b".into())]
            }
        );
        assert_eq!(g.tensors[0].type_name(), "Q8_0");
        assert_eq!(g.tensors[0].dims, [32, 2]);
        assert_eq!(g.tensor_bytes(), 68);
    }

    #[test]
    fn too_short_or_bad_magic() {
        assert_invalid(b"", "file is 0 bytes, shorter than the 4-byte gguf magic");
        assert_invalid(b"GGU", "file is 3 bytes");
        assert_eq!(
            invalid(b"GGML\x03\x00\x00\x00"),
            "not a gguf file: it starts with \"GGML\", not \"GGUF\""
        );
        // Only the bytes "GGUF" are a magic: writers never swap it.
        assert_invalid(b"FUGG\x00\x00\x00\x03", "not a gguf file");
        assert_invalid(b"\x89PNG", "it starts with \"\\x89PNG\"");
    }

    #[test]
    fn header_cut_short() {
        assert_eq!(
            parse(b"GGUF\x03\x00"),
            Err(FormatError::Truncated {
                expected: 8,
                actual: 6
            })
        );
        assert_eq!(
            parse(&B::le().raw(MAGIC).u32(3).u64(0).out),
            Err(FormatError::Truncated {
                expected: 24,
                actual: 16
            })
        );
    }

    #[test]
    fn unsupported_versions() {
        for v in [0, 4, 0xFFFF] {
            assert_eq!(
                invalid(&B::le().header(v, 0, 0).out),
                format!("unsupported gguf version {v} (known versions are 1 to 3)")
            );
        }
        // Byte-swapped 4 is still 4; 0x0001_0000 read swapped is 256.
        assert_invalid(&B::be().header(4, 0, 0).out, "unsupported gguf version 4 ");
        assert_invalid(
            &B::le().header(0x0001_0000, 0, 0).out,
            "unsupported gguf version 256",
        );
    }

    #[test]
    fn counts_beyond_the_file_fail_before_any_loop() {
        for n in [1u64 << 63, u64::MAX, 1_000] {
            assert_eq!(
                invalid(&B::le().header(3, 0, n).zeros(100).out),
                format!(
                    "header declares {n} key-value pairs but the 100 bytes left hold at most 7"
                )
            );
            assert_eq!(
                invalid(&B::le().header(3, n, 0).zeros(100).out),
                format!("header declares {n} tensors but the 100 bytes left hold at most 4")
            );
        }
        // Each fits, both together do not: 7 * 13 + 1 * 24 > 100.
        assert_invalid(
            &B::le().header(3, 1, 7).zeros(100).out,
            "header declares 7 key-value pairs and 1 tensors, more than the 100 bytes left",
        );
    }

    #[test]
    fn truncated_mid_kv() {
        let bytes = B::le()
            .header(3, 0, 2)
            .kv("a", T_U32)
            .u32(7)
            .kv("b", T_STRING)
            .count(10)
            .raw(b"abc")
            .out;
        assert_eq!(bytes.len(), 65);
        // The string's 10 bytes start at 62.
        assert_eq!(
            parse(&bytes),
            Err(FormatError::Truncated {
                expected: 72,
                actual: 65
            })
        );
        // Cut inside the value type.
        assert_eq!(
            parse(&bytes[..52]),
            Err(FormatError::Truncated {
                expected: 54,
                actual: 52
            })
        );
    }

    #[test]
    fn string_and_key_lengths_are_capped_before_reading() {
        let bytes = one_kv("s", |b| b.u32(T_STRING).u64(1 << 63));
        assert_eq!(
            parse(&bytes),
            Err(FormatError::TooLarge {
                what: "string",
                claimed: 1 << 63,
                limit: MAX_STRING_LEN
            })
        );
        let bytes = B::le().header(3, 0, 1).u64(1 << 63).zeros(16).out;
        assert_eq!(
            parse(&bytes),
            Err(FormatError::TooLarge {
                what: "key",
                claimed: 1 << 63,
                limit: MAX_KEY_LEN
            })
        );
        let bytes = B::le().header(3, 0, 1).u64(MAX_KEY_LEN + 1).zeros(16).out;
        assert!(matches!(
            parse(&bytes),
            Err(FormatError::TooLarge { what: "key", .. })
        ));
        // Under the cap but past the end: a truncation.
        let bytes = one_kv("s", |b| b.u32(T_STRING).u64(1000).raw(b"xy"));
        assert!(matches!(
            parse(&bytes),
            Err(FormatError::Truncated { actual: 47, .. })
        ));
        let bytes = B::le().header(3, 1, 0).u64(1 << 63).zeros(16).out;
        assert!(matches!(
            parse(&bytes),
            Err(FormatError::TooLarge {
                what: "tensor name",
                ..
            })
        ));
    }

    #[test]
    fn array_of_2_pow_63_elements_fails_at_once() {
        // The whole file: header (1 tensor? no: 0 tensors, 1 KV), key "a",
        // type array, element type u8, length 2^63, and nothing else.
        #[rustfmt::skip]
        let bytes: [u8; 49] = [
            b'G', b'G', b'U', b'F', 3, 0, 0, 0,      // magic, version 3
            0, 0, 0, 0, 0, 0, 0, 0,                  // 0 tensors
            1, 0, 0, 0, 0, 0, 0, 0,                  // 1 key-value pair
            1, 0, 0, 0, 0, 0, 0, 0, b'a',            // key "a"
            9, 0, 0, 0,                              // type: array
            0, 0, 0, 0,                              // of u8
            0, 0, 0, 0, 0, 0, 0, 0x80,               // 2^63 of them
        ];
        assert_eq!(
            invalid(&bytes),
            "key \"a\": array of 9223372036854775808 u8 values cannot fit in the 0 bytes left"
        );
        // Element sizes whose product with the length overflows u64.
        for (t, name) in [(T_U64, "u64"), (T_STRING, "string"), (T_ARRAY, "array")] {
            let bytes = one_kv("a", |b| b.u32(T_ARRAY).u32(t).u64(u64::MAX).zeros(64));
            assert_invalid(
                &bytes,
                &format!("array of 18446744073709551615 {name} values cannot fit"),
            );
        }
    }

    /// A KV "n" holding `levels` arrays nested in one another, the innermost
    /// holding one u8.
    fn nested(levels: u32) -> Vec<u8> {
        let mut b = B::le().header(3, 0, 1).kv("n", T_ARRAY);
        for _ in 1..levels {
            b = b.u32(T_ARRAY).count(1);
        }
        b.u32(T_U8).count(1).u8(7).out
    }

    #[test]
    fn nesting_is_capped() {
        let g = parse(&nested(MAX_NESTING)).unwrap();
        let mut v = &g.metadata["n"];
        for _ in 1..MAX_NESTING {
            let Value::Array { items, len: 1, .. } = v else {
                panic!("{v:?}")
            };
            v = &items[0];
        }
        assert_eq!(
            v,
            &Value::Array {
                elem_type: T_U8,
                len: 1,
                items: vec![Value::U8(7)]
            }
        );
        assert_eq!(
            invalid(&nested(MAX_NESTING + 1)),
            "key \"n\": arrays nested more than 4 levels deep"
        );
    }

    #[test]
    fn unknown_value_types() {
        assert_eq!(
            invalid(&one_kv("a", |b| b.u32(13).u32(0))),
            "key \"a\": unknown value type 13"
        );
        assert_eq!(
            invalid(&one_kv("a", |b| b.u32(T_ARRAY).u32(99).u64(1).u32(0))),
            "key \"a\": array of unknown value type 99"
        );
    }

    #[test]
    fn bools_must_be_0_or_1() {
        assert_eq!(
            invalid(&one_kv("b", |b| b.u32(T_BOOL).u8(2))),
            "key \"b\": bool value 2 is neither 0 nor 1"
        );
        // Also among array items past those kept, skipped by arithmetic.
        let bytes = one_kv("b", |b| {
            b.u32(T_ARRAY).u32(T_BOOL).u64(100).zeros(99).u8(0xff)
        });
        assert_invalid(&bytes, "bool value 255 is neither 0 nor 1");
    }

    #[test]
    fn duplicate_key() {
        let bytes = B::le()
            .header(3, 0, 2)
            .kv("general.name", T_STRING)
            .str("a")
            .kv("general.name", T_STRING)
            .str("b")
            .out;
        assert_eq!(invalid(&bytes), "duplicate key \"general.name\"");
    }

    #[test]
    fn keys_and_names_must_be_utf8_values_need_not() {
        let bytes = B::le()
            .header(3, 0, 1)
            .count(2)
            .raw(b"\xff\xfe")
            .u32(T_U8)
            .u8(0)
            .out;
        assert_invalid(&bytes, "key \"\u{fffd}\u{fffd}\" is not valid utf-8");
        let bytes = one_kv("s", |b| b.u32(T_STRING).count(2).raw(b"a\xff"));
        let g = parse(&bytes).unwrap();
        assert_eq!(g.metadata["s"], Value::Str("a\u{fffd}".into()));
        let bytes = B::le()
            .header(3, 1, 0)
            .count(1)
            .raw(b"\x80")
            .u32(1)
            .u64(1)
            .u32(0)
            .u64(0)
            .align(32)
            .zeros(4)
            .out;
        assert_invalid(&bytes, "tensor name \"\u{fffd}\" is not valid utf-8");
        // Control characters are escaped in messages.
        let bytes = with_tensors(&[("a\nb", &[1], 0, 0), ("a\nb", &[1], 0, 32)], 36);
        assert_eq!(invalid(&bytes), "duplicate tensor name \"a\\nb\"");
    }

    #[test]
    fn large_arrays_are_summarised_and_walked() {
        let mut b = B::le()
            .header(3, 0, 3)
            .kv("ints", T_ARRAY)
            .u32(T_U32)
            .count(100_000);
        for i in 0..100_000u32 {
            b = b.u32(i);
        }
        b = b.kv("words", T_ARRAY).u32(T_STRING).count(1000);
        for i in 0..1000 {
            b = b.str(&format!("w{i}"));
        }
        // Proves both arrays were skipped by exactly their size.
        let bytes = b.kv("after", T_U16).raw(&[1, 2]).out;
        let g = parse(&bytes).unwrap();
        let Value::Array {
            elem_type,
            len,
            items,
        } = &g.metadata["ints"]
        else {
            panic!()
        };
        assert_eq!(
            (*elem_type, *len, items.len()),
            (T_U32, 100_000, MAX_KEPT_ITEMS)
        );
        assert_eq!(items[63], Value::U32(63));
        let Value::Array { len, items, .. } = &g.metadata["words"] else {
            panic!()
        };
        assert_eq!((*len, items.len()), (1000, MAX_KEPT_ITEMS));
        assert_eq!(items[10], Value::Str("w10".into()));
        assert_eq!(g.metadata["after"], Value::U16(0x0201));
    }

    #[test]
    fn too_many_dimensions() {
        let bytes = with_tensors(&[("w", &[1, 1, 1, 1, 1], 0, 0)], 4);
        assert_eq!(
            invalid(&bytes),
            "tensor \"w\" has 5 dimensions, more than ggml's 4"
        );
        // A huge n_dims is refused before reading any dimension.
        let bytes = B::le().header(3, 1, 0).str("w").u32(u32::MAX).zeros(64).out;
        assert_invalid(&bytes, "has 4294967295 dimensions");
    }

    #[test]
    fn dimension_products_that_wrap() {
        let bytes = with_tensors(&[("w", &[1 << 32, 1 << 32], 24, 0)], 0);
        assert_eq!(
            invalid(&bytes),
            "tensor \"w\": dimensions [4294967296, 4294967296] overflow a 64-bit element count"
        );
        // Fits u64 but not ggml's int64_t.
        let bytes = with_tensors(&[("w", &[1 << 32, 1 << 31], 24, 0)], 0);
        assert_invalid(&bytes, "overflow a 64-bit element count");
        let bytes = with_tensors(&[("w", &[1 << 63, 0], 24, 0)], 0);
        assert_eq!(
            invalid(&bytes),
            "tensor \"w\": dimension 9223372036854775808 exceeds ggml's signed 64-bit range"
        );
        // Elements fit, bytes do not: 2^62 F64 elements.
        let bytes = with_tensors(&[("w", &[1 << 62], 28, 0)], 0);
        assert_invalid(&bytes, "overflow a 64-bit byte count");
    }

    #[test]
    fn rows_must_fill_whole_blocks() {
        let bytes = with_tensors(&[("q", &[33, 2], 8, 0)], 0);
        assert_eq!(
            invalid(&bytes),
            "tensor \"q\": row of 33 elements is not a multiple of the Q8_0 block size 32"
        );
        // 256 elements but rows of 128: ggml's rule is on the row.
        assert_invalid(
            &with_tensors(&[("q", &[128, 2], 12, 0)], 144),
            "row of 128 elements is not a multiple of the Q4_K block size 256",
        );
        // A 0-d tensor is one element: fine for F32, not for a block type.
        assert!(parse(&with_tensors(&[("s", &[], 0, 0)], 4)).is_ok());
        assert_invalid(&with_tensors(&[("s", &[], 2, 0)], 18), "row of 1 elements");
    }

    #[test]
    fn unknown_ggml_type_is_kept_without_a_size() {
        let bytes = with_tensors(&[("a", &[8], 99, 0), ("b", &[8], 0, 0)], 32);
        let g = parse(&bytes).unwrap();
        assert_eq!(g.tensors[0].type_name(), "unknown");
        assert_eq!(g.tensors[0].bytes(), None);
        assert_eq!(g.tensors[0].elements(), Some(8));
        assert_eq!(g.parameters(), 16);
        assert_eq!(g.tensor_bytes(), 32);
        assert_eq!(
            g.dtypes(),
            BTreeMap::from([("F32".to_owned(), 8), ("unknown".to_owned(), 8)])
        );
        // Removed ids are unknown too.
        for id in [4, 5, 31, 32, 33, 36, 37, 38, 42] {
            assert_eq!(ggml_type(id), None, "{id}");
        }
    }

    #[test]
    fn alignment_rules() {
        let with_alignment =
            |value: B| -> Vec<u8> { value.tensor("w", &[4], 0, 0).align(64).zeros(16).out };
        for (a, msg) in [
            (
                1 << 30,
                "general.alignment 1073741824 exceeds the limit of 1048576",
            ),
            (3, "general.alignment 3 is not a non-zero power of two"),
            (0, "general.alignment 0 is not a non-zero power of two"),
        ] {
            let b = B::le()
                .header(3, 1, 1)
                .kv("general.alignment", T_U32)
                .u32(a);
            assert_eq!(invalid(&with_alignment(b)), msg);
        }
        let b = B::le()
            .header(3, 1, 1)
            .kv("general.alignment", T_U64)
            .u64(32);
        assert_eq!(
            invalid(&with_alignment(b)),
            "general.alignment is a u64, not a u32"
        );
        let b = B::le()
            .header(3, 1, 1)
            .kv("general.alignment", T_U32)
            .u32(64);
        let g = parse(&with_alignment(b)).unwrap();
        assert_eq!((g.alignment, g.data_offset), (64, 128));
    }

    #[test]
    fn duplicate_tensor_name() {
        let bytes = with_tensors(&[("w", &[8], 0, 0), ("w", &[8], 0, 32)], 64);
        assert_eq!(invalid(&bytes), "duplicate tensor name \"w\"");
    }

    #[test]
    fn tensor_layout() {
        let bytes = with_tensors(&[("a", &[4], 0, 4)], 32);
        assert_eq!(
            invalid(&bytes),
            "tensor \"a\": offset 4 is not a multiple of the alignment 32"
        );
        let bytes = with_tensors(&[("a", &[8], 0, 32), ("b", &[8], 0, 0)], 64);
        assert_eq!(
            invalid(&bytes),
            "tensor \"b\" at offset 0 starts before the end of tensor \"a\" (byte 64): \
             tensors must be in order and must not overlap"
        );
        // 16 F32 = 64 bytes, so a tensor at 32 overlaps it.
        let bytes = with_tensors(&[("a", &[16], 0, 0), ("b", &[8], 0, 32)], 96);
        assert_invalid(&bytes, "starts before the end of tensor \"a\" (byte 64)");
        // Gaps (padding or not) are accepted, as gguf-py's reader does.
        assert!(parse(&with_tensors(&[("a", &[1], 0, 0), ("b", &[1], 0, 64)], 68)).is_ok());
        // Empty tensors may share an offset.
        assert!(parse(&with_tensors(&[("a", &[0], 0, 0), ("b", &[1], 0, 0)], 4)).is_ok());
    }

    #[test]
    fn data_past_end_of_file() {
        let bytes = simple(B::le());
        let cut = &bytes[..bytes.len() - 6];
        assert_eq!(
            parse(cut),
            Err(FormatError::Truncated {
                expected: 144,
                actual: 138
            })
        );
        // An offset near 2^64 overflows rather than wraps.
        let bytes = with_tensors(&[("a", &[8], 0, u64::MAX - 31)], 0);
        assert_invalid(&bytes, "overflow a 64-bit offset");
        let bytes = with_tensors(&[("a", &[0], 0, u64::MAX - 31)], 0);
        assert_invalid(&bytes, "overflows a 64-bit file size");
        // No tensors: nothing to check against the file size.
        let bytes = B::le().header(3, 0, 1).kv("k", T_U8).u8(1).out;
        assert_eq!(parse(&bytes).unwrap().data_offset, 64);
    }

    #[test]
    fn provenance_from_keys() {
        let bytes = B::le()
            .header(3, 0, 9)
            .kv("general.base_model.count", T_U32)
            .u32(99)
            .kv("general.base_model.0.name", T_STRING)
            .str("Base")
            .kv("general.base_model.2.doi", T_STRING)
            .str("10.1/x")
            .kv("general.base_model.2.organization", T_STRING)
            .str("Org")
            .kv("general.base_model.x.name", T_STRING)
            .str("ignored")
            .kv("general.dataset.0.url", T_STRING)
            .str("https://example.org/d")
            .kv("general.dataset.0.name", T_STRING)
            .str("D")
            .kv("general.datasets", T_ARRAY)
            .u32(T_STRING)
            .count(2)
            .str("https://example.org/d")
            .str("other/set")
            .kv("general.license.link", T_STRING)
            .str("https://l")
            .out;
        let p = parse(&bytes).unwrap().provenance();
        assert_eq!(p.base_models, ["Base", "10.1/x"]);
        assert_eq!(p.datasets, ["https://example.org/d", "other/set"]);
        assert_eq!(p.license_link.as_deref(), Some("https://l"));
        assert_eq!(p.license, None);
    }

    #[test]
    fn split_names() {
        assert_eq!(
            split_name("Llama-3-8B-Q4_K_M-00001-of-00003.gguf"),
            Some(("Llama-3-8B-Q4_K_M".to_owned(), 1, 3))
        );
        assert_eq!(
            split_name("m-00003-of-00003.gguf"),
            Some(("m".to_owned(), 3, 3))
        );
        for bad in [
            "model.gguf",
            "m-00004-of-00003.gguf",
            "m-00000-of-00003.gguf",
            "m-0001-of-0003.gguf",
            "m-00001-of-00003.bin",
            "-00001-of-00002.gguf",
            "m-0000a-of-00002.gguf",
            "m-+0001-of-00002.gguf",
            "00001-of-00002.gguf",
        ] {
            assert_eq!(split_name(bad), None, "{bad}");
        }
    }

    #[test]
    fn split_keys() {
        let bytes = B::le()
            .header(3, 0, 3)
            .kv("split.no", T_U16)
            .raw(&[1, 0])
            .kv("split.count", T_U16)
            .raw(&[3, 0])
            .kv("split.tensors.count", T_I32)
            .u32(-5i32 as u32)
            .out;
        assert_eq!(
            parse(&bytes).unwrap().split(),
            Some(Split {
                index: 1,
                count: 3,
                total_tensors: Some(-5)
            })
        );
    }

    #[test]
    fn ggml_types_match_gguf_py() {
        // GGML_QUANT_SIZES of gguf-py 0.19.0, id by id.
        let table: [(u32, &str, u64, u64); 34] = [
            (0, "F32", 1, 4),
            (1, "F16", 1, 2),
            (2, "Q4_0", 32, 18),
            (3, "Q4_1", 32, 20),
            (6, "Q5_0", 32, 22),
            (7, "Q5_1", 32, 24),
            (8, "Q8_0", 32, 34),
            (9, "Q8_1", 32, 40),
            (10, "Q2_K", 256, 84),
            (11, "Q3_K", 256, 110),
            (12, "Q4_K", 256, 144),
            (13, "Q5_K", 256, 176),
            (14, "Q6_K", 256, 210),
            (15, "Q8_K", 256, 292),
            (16, "IQ2_XXS", 256, 66),
            (17, "IQ2_XS", 256, 74),
            (18, "IQ3_XXS", 256, 98),
            (19, "IQ1_S", 256, 50),
            (20, "IQ4_NL", 32, 18),
            (21, "IQ3_S", 256, 110),
            (22, "IQ2_S", 256, 82),
            (23, "IQ4_XS", 256, 136),
            (24, "I8", 1, 1),
            (25, "I16", 1, 2),
            (26, "I32", 1, 4),
            (27, "I64", 1, 8),
            (28, "F64", 1, 8),
            (29, "IQ1_M", 256, 56),
            (30, "BF16", 1, 2),
            (34, "TQ1_0", 256, 54),
            (35, "TQ2_0", 256, 66),
            (39, "MXFP4", 32, 17),
            (40, "NVFP4", 64, 36),
            (41, "Q1_0", 128, 18),
        ];
        for (id, name, block, size) in table {
            assert_eq!(ggml_type(id), Some((name, block, size)));
        }
        assert_eq!((0..64).filter_map(ggml_type).count(), table.len());
    }

    const LLAMA: &[u8] = include_bytes!("../../fixtures/interop-gguf/llama-q8/model.gguf");
    const SPLIT_1: &[u8] =
        include_bytes!("../../fixtures/interop-gguf/split/model-00001-of-00002.gguf");
    const SPLIT_2: &[u8] =
        include_bytes!("../../fixtures/interop-gguf/split/model-00002-of-00002.gguf");
    const BIG: &[u8] = include_bytes!("../../fixtures/interop-gguf/big-endian/model.gguf");

    /// (name, type, dims in file order, bytes, offset) of every tensor.
    type Row<'a> = (&'a str, &'a str, Vec<u64>, u64, u64);

    fn rows(g: &Gguf) -> Vec<Row<'_>> {
        g.tensors
            .iter()
            .map(|t| {
                (
                    t.name.as_str(),
                    t.type_name(),
                    t.dims.clone(),
                    t.bytes().unwrap(),
                    t.offset,
                )
            })
            .collect()
    }

    fn keys(g: &Gguf) -> Vec<&str> {
        g.metadata.keys().map(String::as_str).collect()
    }

    fn sorted(mut keys: Vec<&str>) -> Vec<&str> {
        keys.sort_unstable();
        keys
    }

    fn dtypes(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
        pairs.iter().map(|&(k, v)| (k.to_owned(), v)).collect()
    }

    // The numbers in the interop tests below are those gguf-py's GGUFReader
    // reports, copied from fixtures/interop-gguf/*/expected.json (written
    // by scripts/make-gguf-fixtures.py).

    #[test]
    fn a_header_window_parses_with_the_real_file_length() {
        let whole = parse(LLAMA).unwrap();
        let header_only = &LLAMA[..whole.data_offset as usize];
        // The window alone says the tensor data is missing...
        assert!(matches!(
            parse(header_only),
            Err(FormatError::Truncated { .. })
        ));
        // ...but with the file's real length it is the same model.
        let windowed = parse_prefix(header_only, LLAMA.len() as u64).unwrap();
        assert_eq!(windowed.tensors, whole.tensors);
        assert_eq!(windowed.data_offset, whole.data_offset);
        // A window that cuts the header is still an error.
        assert!(parse_prefix(&LLAMA[..64], LLAMA.len() as u64).is_err());
    }

    #[test]
    fn interop_llama_q8() {
        let g = parse(LLAMA).unwrap();
        assert_eq!(LLAMA.len(), 8608);
        assert_eq!((g.version, g.big_endian), (3, false));
        assert_eq!((g.alignment, g.data_offset), (32, 2336));
        assert_eq!(g.tensors.len(), 5);
        assert_eq!(g.parameters(), 4224);
        assert_eq!(g.tensor_bytes(), 6272);
        assert_eq!(
            g.dtypes(),
            dtypes(&[("Q8_0", 1024), ("F32", 128), ("F16", 2048), ("Q4_K", 1024)])
        );
        assert_eq!(
            rows(&g),
            [
                ("token_embd.weight", "Q8_0", vec![64, 16], 1088, 0),
                ("blk.0.attn_norm.weight", "F32", vec![64], 256, 1088),
                ("blk.0.attn_q.weight", "F16", vec![64, 32], 4096, 1344),
                ("blk.0.ffn_down.weight", "Q4_K", vec![256, 4], 576, 5440),
                ("output_norm.weight", "F32", vec![64], 256, 6016),
            ]
        );
        assert_eq!(
            keys(&g),
            sorted(vec![
                "general.architecture",
                "general.name",
                "general.license",
                "general.license.name",
                "general.license.link",
                "general.repo_url",
                "general.source.url",
                "general.source.repo_url",
                "general.base_model.count",
                "general.base_model.0.name",
                "general.base_model.0.organization",
                "general.base_model.0.repo_url",
                "general.dataset.count",
                "general.dataset.0.name",
                "general.dataset.0.repo_url",
                "general.datasets",
                "llama.context_length",
                "llama.embedding_length",
                "llama.block_count",
                "llama.attention.head_count",
                "llama.attention.layer_norm_rms_epsilon",
                "general.file_type",
                "general.quantization_version",
                "tokenizer.ggml.model",
                "tokenizer.ggml.tokens",
                "tokenizer.ggml.token_type",
                "openness.test.nested",
                "openness.test.u8",
                "openness.test.i8",
                "openness.test.u16",
                "openness.test.i16",
                "openness.test.u32",
                "openness.test.i32",
                "openness.test.f32",
                "openness.test.bool",
                "openness.test.u64",
                "openness.test.i64",
                "openness.test.f64",
            ])
        );
        assert_eq!(g.architecture(), Some("llama"));
        assert_eq!(
            g.provenance(),
            Provenance {
                name: Some("Tiny Llama Fixture".into()),
                license: Some("apache-2.0".into()),
                license_name: Some("Apache License 2.0".into()),
                license_link: Some("https://www.apache.org/licenses/LICENSE-2.0".into()),
                base_models: vec!["https://huggingface.co/meta-llama/Llama-3.2-1B".into()],
                datasets: vec![
                    "https://huggingface.co/datasets/roneneldan/TinyStories".into(),
                    "roneneldan/TinyStories".into(),
                ],
                source_url: Some("https://huggingface.co/openness/tiny-llama".into()),
                source_repo_url: Some("https://github.com/openness/tiny-llama".into()),
                repo_url: Some("https://huggingface.co/openness/tiny-llama-gguf".into()),
            }
        );
        assert_eq!(g.split(), None);
        // The values the script wrote, one per value type.
        let m = &g.metadata;
        assert_eq!(m["openness.test.u8"], Value::U8(200));
        assert_eq!(m["openness.test.i8"], Value::I8(-100));
        assert_eq!(m["openness.test.u16"], Value::U16(60000));
        assert_eq!(m["openness.test.i16"], Value::I16(-30000));
        assert_eq!(m["openness.test.u32"], Value::U32(4_000_000_000));
        assert_eq!(m["openness.test.i32"], Value::I32(-2_000_000_000));
        assert_eq!(m["openness.test.f32"], Value::F32(0.5));
        assert_eq!(m["openness.test.bool"], Value::Bool(true));
        assert_eq!(m["openness.test.u64"], Value::U64((1 << 63) + 1));
        assert_eq!(m["openness.test.i64"], Value::I64(-(1 << 62)));
        assert_eq!(m["openness.test.f64"], Value::F64(-0.25));
        assert_eq!(m["general.quantization_version"].as_u64(), Some(2));
        let Value::Array {
            elem_type,
            len,
            items,
        } = &m["tokenizer.ggml.tokens"]
        else {
            panic!()
        };
        assert_eq!((*elem_type, *len), (T_STRING, 6));
        assert_eq!(items[4].as_str(), Some("é"));
        assert_eq!(items[5].as_str(), Some("\u{2581}the"));
        let i32s = |v: &[i32]| Value::Array {
            elem_type: T_I32,
            len: v.len() as u64,
            items: v.iter().map(|&i| Value::I32(i)).collect(),
        };
        assert_eq!(
            m["openness.test.nested"],
            Value::Array {
                elem_type: T_ARRAY,
                len: 2,
                items: vec![i32s(&[1, 2, 3]), i32s(&[4, 5])]
            }
        );
    }

    #[test]
    fn interop_split() {
        let first = parse(SPLIT_1).unwrap();
        assert_eq!(SPLIT_1.len(), 1472);
        assert_eq!(first.data_offset, 384);
        assert_eq!(first.parameters(), 528);
        assert_eq!(first.tensor_bytes(), 1088);
        assert_eq!(first.dtypes(), dtypes(&[("F16", 512), ("F32", 16)]));
        assert_eq!(
            rows(&first),
            [
                ("token_embd.weight", "F16", vec![16, 32], 1024, 0),
                ("blk.0.attn_norm.weight", "F32", vec![16], 64, 1024),
            ]
        );
        assert_eq!(
            keys(&first),
            sorted(vec![
                "general.architecture",
                "general.name",
                "general.license",
                "llama.block_count",
                "split.no",
                "split.count",
                "split.tensors.count",
            ])
        );
        let p = first.provenance();
        assert_eq!(p.name.as_deref(), Some("Tiny Split Fixture"));
        assert_eq!(p.license.as_deref(), Some("mit"));
        assert_eq!(
            first.split(),
            Some(Split {
                index: 0,
                count: 2,
                total_tensors: Some(3)
            })
        );

        // Only the split keys: the metadata lives in the first split.
        let second = parse(SPLIT_2).unwrap();
        assert_eq!(SPLIT_2.len(), 2208);
        assert_eq!(second.data_offset, 160);
        assert_eq!(second.parameters(), 512);
        assert_eq!(
            rows(&second),
            [("output.weight", "F32", vec![16, 32], 2048, 0)]
        );
        assert_eq!(
            keys(&second),
            ["split.count", "split.no", "split.tensors.count"]
        );
        assert_eq!(second.architecture(), None);
        assert_eq!(second.provenance(), Provenance::default());
        assert_eq!(
            second.split(),
            Some(Split {
                index: 1,
                count: 2,
                total_tensors: Some(3)
            })
        );
        assert_eq!(
            split_name("model-00002-of-00002.gguf"),
            Some(("model".to_owned(), 2, 2))
        );
    }

    #[test]
    fn interop_big_endian() {
        let g = parse(BIG).unwrap();
        assert_eq!(BIG.len(), 768);
        assert_eq!((g.version, g.big_endian), (3, true));
        assert_eq!((g.alignment, g.data_offset), (32, 448));
        assert_eq!(g.parameters(), 144);
        assert_eq!(g.tensor_bytes(), 320);
        assert_eq!(g.dtypes(), dtypes(&[("F16", 128), ("F32", 16)]));
        assert_eq!(
            rows(&g),
            [
                ("token_embd.weight", "F16", vec![16, 8], 256, 0),
                ("output_norm.weight", "F32", vec![16], 64, 256),
            ]
        );
        assert_eq!(
            keys(&g),
            sorted(vec![
                "general.architecture",
                "general.name",
                "general.license",
                "llama.context_length",
                "tokenizer.ggml.tokens",
                "openness.test.u64",
            ])
        );
        assert_eq!(
            g.provenance().name.as_deref(),
            Some("Tiny Big-Endian Fixture")
        );
        assert_eq!(g.provenance().license.as_deref(), Some("apache-2.0"));
        assert_eq!(g.metadata["llama.context_length"], Value::U32(64));
        assert_eq!(
            g.metadata["openness.test.u64"],
            Value::U64(0x0102_0304_0506_0708)
        );
    }

    #[test]
    fn every_truncation_is_an_error_not_a_panic() {
        for file in [LLAMA, SPLIT_1, SPLIT_2, BIG] {
            assert!(parse(file).is_ok());
            for len in 0..file.len() {
                assert!(parse(&file[..len]).is_err(), "prefix of {len} bytes");
            }
        }
    }

    #[test]
    fn corrupted_headers_give_errors_not_panics() {
        for file in [LLAMA, BIG] {
            let header_end = usize::try_from(parse(file).unwrap().data_offset).unwrap();
            let mut bad = file.to_vec();
            for at in 0..header_end {
                let orig = bad[at];
                for byte in [0x00, 0x01, 0x09, 0x0c, 0x7f, 0x80, 0xff] {
                    bad[at] = byte;
                    // Either outcome is fine; reaching here without a panic is the test.
                    let _ = parse(&bad);
                }
                bad[at] = orig;
            }
        }
    }
}
