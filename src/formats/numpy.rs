//! NumPy `.npy` and `.npz` files ship weights (MLX `weights.npz`, research
//! checkpoints) and are loaded with `np.load`, which unpickles object arrays
//! when `allow_pickle=True`. The scan needs the dtype and shape of each array
//! and, above all, whether an array is an object array (its data is a pickle)
//! without evaluating anything: the `.npy` header is a Python dict literal that
//! numpy reads with `ast.literal_eval`, so this module has its own tiny literal
//! parser that only knows strings, booleans, `None`, integers, tuples, lists
//! and dicts. `.npz` is a zip of `.npy` members; only the first bytes of each
//! member are inflated, through a bounded reader, never the array data.

use super::FormatError;
use std::io::Read;

/// `\x93NUMPY`, the first six bytes of every `.npy` file.
pub const MAGIC: &[u8; 6] = b"\x93NUMPY";

/// Longest header accepted. numpy itself refuses headers above 10 000 bytes
/// unless the caller opts in (`max_header_size`), so 64 KiB is generous for
/// legitimate files while bounding what a hostile one can make us parse.
pub const MAX_HEADER_LEN: u64 = 64 * 1024;

/// Most members an `.npz` may have before we refuse to list it: each one
/// costs a zip central-directory record and a small read.
pub const MAX_NPZ_MEMBERS: usize = 100_000;

/// Declared uncompressed size over compressed size above which a member is
/// reported as a likely deflate bomb (deflate tops out near 1032:1).
pub const BOMB_RATIO: u64 = 1000;

/// Nesting allowed in the header literal: structured dtypes nest a few
/// levels; anything deeper is hostile.
const MAX_LITERAL_DEPTH: usize = 16;

/// A parsed `.npy` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NpyHeader {
    pub version: (u8, u8),
    /// The dtype as written: `"<f4"`, or for a structured dtype the literal
    /// text of its list of fields.
    pub descr: String,
    pub fortran_order: bool,
    pub shape: Vec<u64>,
    /// Where the array data starts (end of the header).
    pub data_offset: u64,
    /// The dtype holds Python objects: the data is a pickle, and loading it
    /// (`allow_pickle=True`) can run code.
    pub object: bool,
}

impl NpyHeader {
    /// Product of the shape; checked at parse time, so `None` never happens
    /// for a parsed header.
    pub fn elements(&self) -> Option<u64> {
        super::element_count(&self.shape)
    }

    /// Bytes per element for a simple dtype; `None` for object and
    /// structured dtypes and for kinds we do not size.
    pub fn item_size(&self) -> Option<u64> {
        let (kind, size) = split_descr(&self.descr)?;
        match kind {
            'b' | 'i' | 'u' | 'f' | 'c' | 'S' | 'a' | 'V' => size,
            // numpy stores unicode as UCS-4.
            'U' => size.and_then(|n| n.checked_mul(4)),
            // Datetimes carry a unit suffix ("<M8[ns]"); always 8 bytes.
            'M' | 'm' => Some(8),
            _ => None,
        }
    }

    /// The dtype in the report's vocabulary ("F32", "I64", "OBJECT", ...).
    pub fn dtype_name(&self) -> String {
        if self.descr.starts_with('[') {
            return if self.object {
                "STRUCT+OBJECT"
            } else {
                "STRUCT"
            }
            .to_owned();
        }
        let Some((kind, size)) = split_descr(&self.descr) else {
            return "UNKNOWN".to_owned();
        };
        let name = match (kind, size) {
            ('b', Some(1)) => "BOOL",
            ('i', Some(1)) => "I8",
            ('i', Some(2)) => "I16",
            ('i', Some(4)) => "I32",
            ('i', Some(8)) => "I64",
            ('u', Some(1)) => "U8",
            ('u', Some(2)) => "U16",
            ('u', Some(4)) => "U32",
            ('u', Some(8)) => "U64",
            ('f', Some(2)) => "F16",
            ('f', Some(4)) => "F32",
            ('f', Some(8)) => "F64",
            ('f', Some(16)) => "F128",
            ('c', Some(8)) => "C64",
            ('c', Some(16)) => "C128",
            ('c', Some(32)) => "C256",
            ('O', _) => "OBJECT",
            ('U', _) => "STR",
            ('S' | 'a', _) => "BYTES",
            ('V', _) => "VOID",
            ('M', _) => "DATETIME",
            ('m', _) => "TIMEDELTA",
            _ => "UNKNOWN",
        };
        name.to_owned()
    }

    /// Bytes of array data the header implies, when the dtype has a size.
    fn data_len(&self) -> Result<Option<u64>, FormatError> {
        let (Some(elements), Some(size)) = (self.elements(), self.item_size()) else {
            return Ok(None);
        };
        elements.checked_mul(size).map(Some).ok_or_else(|| {
            FormatError::invalid(format!(
                "{elements} elements of {size} bytes overflow a 64-bit size"
            ))
        })
    }
}

/// `"<f4"` → `('f', Some(4))`; `"|O"` → `('O', None)`. The byte-order
/// character is optional.
fn split_descr(descr: &str) -> Option<(char, Option<u64>)> {
    let rest = descr.trim_start_matches(['<', '>', '|', '=']);
    let mut chars = rest.chars();
    let kind = chars.next()?;
    let digits: String = chars.take_while(char::is_ascii_digit).collect();
    Some((kind, digits.parse().ok()))
}

/// Parses a whole `.npy` file (a memory map): the header, and a check that
/// the file holds all the data the header declares. The data is not read.
pub fn parse_npy(file: &[u8]) -> Result<NpyHeader, FormatError> {
    let header = parse_header(file)?;
    check_data_len(&header, file.len() as u64)?;
    Ok(header)
}

/// The file (or member) must be long enough for the data the header implies.
/// Extra bytes are tolerated because `np.load` ignores them too.
fn check_data_len(header: &NpyHeader, total: u64) -> Result<(), FormatError> {
    if let Some(len) = header.data_len()? {
        let end = header.data_offset.checked_add(len).ok_or_else(|| {
            FormatError::invalid(format!(
                "{len} bytes of data after a {}-byte header overflow a 64-bit size",
                header.data_offset
            ))
        })?;
        if end > total {
            return Err(FormatError::Truncated {
                expected: end,
                actual: total,
            });
        }
    }
    Ok(())
}

/// The format's version and where the header dict starts and ends,
/// from the magic, version and length field that open `bytes` (which may be
/// only a prefix of the file).
fn header_span(bytes: &[u8]) -> Result<((u8, u8), usize, u64), FormatError> {
    let total = bytes.len() as u64;
    if !bytes.starts_with(MAGIC) {
        return Err(FormatError::invalid(
            "missing the \\x93NUMPY magic of a .npy file",
        ));
    }
    let (Some(&major), Some(&minor)) = (bytes.get(6), bytes.get(7)) else {
        return Err(FormatError::Truncated {
            expected: 8,
            actual: total,
        });
    };
    // Version 1.0 has a u16 header length, 2.0 and 3.0 a u32; 3.0 allows
    // utf-8 in the header (field names), the others latin-1.
    let len_bytes: usize = match (major, minor) {
        (1, 0) => 2,
        (2, 0) | (3, 0) => 4,
        _ => {
            return Err(FormatError::invalid(format!(
                "unsupported .npy format version {major}.{minor}"
            )));
        }
    };
    let start = 8 + len_bytes;
    let Some(len_field) = bytes.get(8..start) else {
        return Err(FormatError::Truncated {
            expected: start as u64,
            actual: total,
        });
    };
    let header_len = len_field
        .iter()
        .rev()
        .fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    if header_len > MAX_HEADER_LEN {
        return Err(FormatError::TooLarge {
            what: ".npy header",
            claimed: header_len,
            limit: MAX_HEADER_LEN,
        });
    }
    // Cannot overflow: both terms are small.
    Ok(((major, minor), start, start as u64 + header_len))
}

/// Parses the magic, version, header length and header dict from `bytes`,
/// which may be only a prefix of the file.
fn parse_header(bytes: &[u8]) -> Result<NpyHeader, FormatError> {
    let total = bytes.len() as u64;
    let ((major, minor), start, end) = header_span(bytes)?;
    let Some(raw) = usize::try_from(end).ok().and_then(|e| bytes.get(start..e)) else {
        return Err(FormatError::Truncated {
            expected: end,
            actual: total,
        });
    };
    let text: String = if major >= 3 {
        std::str::from_utf8(raw)
            .map_err(|e| FormatError::invalid(format!("header is not valid utf-8: {e}")))?
            .to_owned()
    } else {
        // latin-1: every byte is the code point of the same value.
        raw.iter().map(|&b| char::from(b)).collect()
    };

    let mut parser = Literal::new(&text);
    let dict = parser.parse_root()?;
    let Value::Dict(entries) = dict.value else {
        return Err(FormatError::invalid(format!(
            "header is {}, not a dict",
            dict.value.kind()
        )));
    };

    let mut descr = None;
    let mut fortran_order = None;
    let mut shape = None;
    for (key, value) in entries {
        let Value::Str(key) = key.value else {
            return Err(FormatError::invalid(format!(
                "header has a {} key; numpy expects only string keys",
                key.value.kind()
            )));
        };
        let slot = match key.as_str() {
            "descr" => &mut descr,
            "fortran_order" => &mut fortran_order,
            "shape" => &mut shape,
            _ => {
                // np.load refuses any key beyond the three it knows.
                return Err(FormatError::invalid(format!(
                    "header has an unexpected key {key:?}"
                )));
            }
        };
        if slot.is_some() {
            // A dict literal keeps the last duplicate; two readers may not.
            return Err(FormatError::invalid(format!(
                "header has a duplicate {key:?} key"
            )));
        }
        *slot = Some(value);
    }
    let missing = |k: &str| FormatError::invalid(format!("header is missing the {k:?} key"));
    let descr = descr.ok_or_else(|| missing("descr"))?;
    let fortran_order = fortran_order.ok_or_else(|| missing("fortran_order"))?;
    let shape = shape.ok_or_else(|| missing("shape"))?;

    let object = descr_has_object(&descr.value);
    let descr = match &descr.value {
        Value::Str(s) => s.clone(),
        // Structured dtypes: report the literal as written.
        Value::List(_) => text
            .get(descr.span.0..descr.span.1)
            .unwrap_or_default()
            .to_owned(),
        other => {
            return Err(FormatError::invalid(format!(
                "descr is {}, not a string or a list of fields",
                other.kind()
            )));
        }
    };
    let Value::Bool(fortran_order) = fortran_order.value else {
        return Err(FormatError::invalid(format!(
            "fortran_order is {}, not True or False",
            fortran_order.value.kind()
        )));
    };
    let Value::Tuple(dims) = shape.value else {
        return Err(FormatError::invalid(format!(
            "shape is {}, not a tuple of integers",
            shape.value.kind()
        )));
    };
    let mut shape = Vec::with_capacity(dims.len());
    for dim in dims {
        match dim.value {
            Value::Int(n) => shape.push(n),
            Value::NegInt => {
                return Err(FormatError::invalid("shape has a negative dimension"));
            }
            other => {
                return Err(FormatError::invalid(format!(
                    "shape has a {} dimension, not an integer",
                    other.kind()
                )));
            }
        }
    }
    if shape
        .iter()
        .try_fold(1u64, |a, &d| a.checked_mul(d))
        .is_none()
    {
        return Err(FormatError::invalid(format!(
            "shape {shape:?} has more elements than a 64-bit count holds"
        )));
    }
    Ok(NpyHeader {
        version: (major, minor),
        descr,
        fortran_order,
        shape,
        data_offset: end,
        object,
    })
}

/// Object dtypes: `"|O"` itself, or a structured dtype with an object field.
/// Field names are not dtypes, so only the second item of each field tuple
/// is examined.
fn descr_has_object(value: &Value) -> bool {
    match value {
        Value::Str(s) => s.trim_start_matches(['<', '>', '|', '=']).starts_with('O'),
        Value::List(fields) => fields.iter().any(|f| match &f.value {
            Value::Tuple(parts) => parts.get(1).is_some_and(|t| descr_has_object(&t.value)),
            _ => false,
        }),
        _ => false,
    }
}

/// One `.npy` member of an `.npz`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NpzMember {
    pub name: String,
    pub header: Result<NpyHeader, FormatError>,
    /// Deflated (`np.savez_compressed`) rather than stored.
    pub compressed: bool,
    /// An object array's pickle (what `np.load(allow_pickle=True)`
    /// unpickles), walked; `None` for other arrays.
    pub pickle: Option<super::pickle::PickleScan>,
}

/// What an `.npz` holds, and what about it looks wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NpzScan {
    pub members: Vec<NpzMember>,
    /// Lower-case sentences: deflate bombs, members that are not arrays.
    pub anomalies: Vec<String>,
}

/// Lists the `.npy` members of an `.npz` (the whole file, a memory map) and
/// parses each header from at most the first [`MAX_HEADER_LEN`] + 12 bytes of
/// the member, inflating no more than that. A member's declared size stands
/// in for the file length in the truncation check.
pub fn parse_npz(file: &[u8]) -> Result<NpzScan, FormatError> {
    parse_npz_within(file, &mut super::Budget::default())
}

/// [`parse_npz`], reading object members' pickles within a release's
/// budget: at most [`super::MAX_INFLATE_STREAM`] bytes of each, what is
/// inflated spent from `budget`.
pub fn parse_npz_within(file: &[u8], budget: &mut super::Budget) -> Result<NpzScan, FormatError> {
    npz_members(super::packages::open_zip(file)?, budget, usize::MAX)
}

/// Bytes of a member's data an `.npz` read by range fetches: enough for
/// any usual header (a few hundred bytes), not the array.
pub const REMOTE_MEMBER_HEAD: u64 = 4096;
/// Members of an `.npz` read by range: each costs a range of its own
/// unless members lie side by side.
pub const MAX_REMOTE_NPZ_MEMBERS: usize = 32;

/// What [`parse_npz_pieces`] reads of a member, for
/// [`super::torch::zip_reads`]: its local header, and the first bytes of
/// its data when it is an array.
pub fn member_reads(name: &str, compressed_size: u64) -> Option<u64> {
    Some(if name.ends_with(".npy") {
        compressed_size.min(REMOTE_MEMBER_HEAD)
    } else {
        0
    })
}

/// [`parse_npz_within`] for an `.npz` of which only parts were read (a
/// remote file): its central directory and, of its first `max_members`
/// members, the local header and first bytes (see [`member_reads`]).
/// Members past that are not opened, which an anomaly says; an object
/// array's pickle is walked as far as it was read.
pub fn parse_npz_pieces(
    file: &super::pieces::Pieces<'_>,
    budget: &mut super::Budget,
    max_members: usize,
) -> Result<NpzScan, FormatError> {
    npz_members(super::packages::open_zip_pieces(file)?, budget, max_members)
}

/// The members of an opened `.npz`, the first `max_members` of them.
fn npz_members<R: Read + std::io::Seek>(
    mut archive: zip::ZipArchive<R>,
    budget: &mut super::Budget,
    max_members: usize,
) -> Result<NpzScan, FormatError> {
    if archive.len() > MAX_NPZ_MEMBERS {
        return Err(FormatError::invalid(format!(
            "archive holds {} members, more than the limit of {MAX_NPZ_MEMBERS}",
            archive.len()
        )));
    }
    let mut members = Vec::new();
    let mut anomalies = Vec::new();
    for index in 0..archive.len() {
        if index >= max_members {
            anomalies.push(format!(
                "only the first {max_members} of its {} members were read: the file was read in parts, by range",
                archive.len()
            ));
            break;
        }
        let mut entry = match archive.by_index(index) {
            Ok(entry) => entry,
            Err(e) => {
                anomalies.push(format!("member #{index} cannot be opened: {e}"));
                continue;
            }
        };
        let name = match entry.name() {
            Ok(n) => super::truncate_at_char(&n, 1024).to_owned(),
            Err(_) => String::from_utf8_lossy(entry.name_raw()).into_owned(),
        };
        if entry.is_dir() {
            continue;
        }
        let compressed = entry.compression() != zip::CompressionMethod::Stored;
        let size = entry.size();
        let packed = entry.compressed_size();
        if compressed && size / packed.max(1) > BOMB_RATIO {
            anomalies.push(format!(
                "member {name:?} declares {size} bytes from {packed} compressed, \
                 a ratio above {BOMB_RATIO}:1 (a deflate bomb?)"
            ));
        }
        if !name.ends_with(".npy") {
            // np.load hands such members back as raw bytes; savez never
            // writes them.
            anomalies.push(format!("member {name:?} is not a .npy array"));
            continue;
        }
        let mut prefix = Vec::new();
        let read = read_npy_head(&mut entry, &mut prefix);
        let header = match read {
            Ok(_) => parse_header(&prefix).and_then(|h| {
                check_data_len(&h, size)?;
                Ok(h)
            }),
            Err(e) => Err(FormatError::invalid(format!("member cannot be read: {e}"))),
        };
        let mut pickle = None;
        if let Ok(h) = &header
            && h.object
        {
            // The pickle follows the header; read on from where the
            // header prefix stopped.
            let start = usize::try_from(h.data_offset).unwrap_or(usize::MAX);
            let mut rest = prefix.get(start..).unwrap_or_default().to_vec();
            let cap = if compressed {
                budget.inflate_cap()
            } else {
                super::MAX_INFLATE_STREAM
            };
            let want = cap.saturating_sub(rest.len() as u64);
            let before = rest.len();
            let read = (&mut entry)
                .take(want.saturating_add(1))
                .read_to_end(&mut rest);
            let cut = read.is_ok() && (rest.len() - before) as u64 > want;
            if let Err(e) = &read
                && e.to_string() == super::pieces::UNREAD
            {
                anomalies.push(format!(
                    "member {name:?}: its object pickle was scanned only as far as it was read ({} bytes): the file was read in parts",
                    rest.len()
                ));
            }
            if compressed {
                budget.spend_inflate((rest.len() - before) as u64);
            }
            if cut {
                anomalies.push(format!(
                    "member {name:?}: only the first {cap} bytes of its object pickle were scanned"
                ));
            }
            rest.truncate(usize::try_from(cap).unwrap_or(usize::MAX));
            budget.spend_walk(rest.len() as u64);
            let (scan, _) = super::pickle::scan(&rest, &super::pickle::Limits::default());
            pickle = Some(scan);
        }
        members.push(NpzMember {
            name,
            header,
            compressed,
            pickle,
        });
    }
    Ok(NpzScan { members, anomalies })
}

/// Reads a member's `.npy` header: its first 12 bytes, then up to the end
/// its length field gives (at most [`MAX_HEADER_LEN`] + 12 bytes), nothing
/// after it. [`parse_header`] looks at no byte past that end, so it judges
/// these bytes as it would the member's first 64 KiB, and a member read by
/// range needs only its header fetched.
fn read_npy_head(r: &mut impl Read, head: &mut Vec<u8>) -> std::io::Result<usize> {
    r.take(12).read_to_end(head)?;
    let Ok((_, _, end)) = header_span(head) else {
        return Ok(head.len());
    };
    r.take(end.saturating_sub(head.len() as u64))
        .read_to_end(head)?;
    Ok(head.len())
}

// ---------------------------------------------------------------------------
// The header literal: a strict subset of Python literal syntax.

/// A literal value and the byte span of its text in the header.
#[derive(Debug)]
struct Spanned {
    value: Value,
    span: (usize, usize),
}

#[derive(Debug)]
enum Value {
    Str(String),
    Bool(bool),
    None,
    Int(u64),
    /// Negative integers are only ever wrong here (shapes), so their value
    /// is not kept.
    NegInt,
    Tuple(Vec<Spanned>),
    List(Vec<Spanned>),
    Dict(Vec<(Spanned, Spanned)>),
}

impl Value {
    fn kind(&self) -> &'static str {
        match self {
            Value::Str(_) => "a string",
            Value::Bool(_) => "a boolean",
            Value::None => "None",
            Value::Int(_) | Value::NegInt => "an integer",
            Value::Tuple(_) => "a tuple",
            Value::List(_) => "a list",
            Value::Dict(_) => "a dict",
        }
    }
}

struct Literal<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Literal<'a> {
    fn new(text: &'a str) -> Self {
        Literal { text, pos: 0 }
    }

    fn err(&self, what: &str) -> FormatError {
        FormatError::invalid(format!("header literal: {what} at byte {}", self.pos))
    }

    fn rest(&self) -> &'a str {
        self.text.get(self.pos..).unwrap_or_default()
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn skip_ws(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start().len();
    }

    /// The whole header: one value, then only whitespace (numpy pads with
    /// spaces and ends with a newline).
    fn parse_root(&mut self) -> Result<Spanned, FormatError> {
        self.skip_ws();
        let value = self.value(0)?;
        self.skip_ws();
        if self.pos < self.text.len() {
            return Err(self.err("unexpected text after the value"));
        }
        Ok(value)
    }

    fn value(&mut self, depth: usize) -> Result<Spanned, FormatError> {
        if depth > MAX_LITERAL_DEPTH {
            return Err(self.err("nesting too deep"));
        }
        self.skip_ws();
        let start = self.pos;
        let value = match self.peek() {
            None => return Err(self.err("unexpected end")),
            Some('\'' | '"') => Value::Str(self.string()?),
            Some('{') => self.dict(depth)?,
            Some('[') => Value::List(self.sequence(']', depth)?.0),
            Some('(') => {
                let (items, trailing_comma) = self.sequence(')', depth)?;
                // `(3)` is the integer 3, `(3,)` a one-element tuple.
                if items.len() == 1 && !trailing_comma {
                    let mut items = items;
                    return Ok(Spanned {
                        value: items.remove(0).value,
                        span: (start, self.pos),
                    });
                }
                Value::Tuple(items)
            }
            Some(c) if c.is_ascii_digit() || c == '-' || c == '+' => self.int()?,
            Some(_) => self.word()?,
        };
        Ok(Spanned {
            value,
            span: (start, self.pos),
        })
    }

    fn word(&mut self) -> Result<Value, FormatError> {
        for (word, value) in [
            ("True", Value::Bool(true)),
            ("False", Value::Bool(false)),
            ("None", Value::None),
        ] {
            if let Some(after) = self.rest().strip_prefix(word)
                && !after.starts_with(|c: char| c.is_alphanumeric() || c == '_')
            {
                self.pos += word.len();
                return Ok(value);
            }
        }
        Err(self.err("expected a literal (names and expressions are not allowed)"))
    }

    fn int(&mut self) -> Result<Value, FormatError> {
        let rest = self.rest();
        let negative = rest.starts_with('-');
        let unsigned = rest.trim_start_matches(['-', '+']);
        let sign_len = rest.len() - unsigned.len();
        if sign_len > 1 {
            return Err(self.err("malformed integer"));
        }
        let digits_len = unsigned
            .find(|c: char| !c.is_ascii_digit() && c != '_')
            .unwrap_or(unsigned.len());
        let digits = unsigned.get(..digits_len).unwrap_or_default();
        let after = unsigned.get(digits_len..).unwrap_or_default();
        if digits.is_empty() || digits.starts_with('_') || digits.ends_with('_') {
            return Err(self.err("malformed integer"));
        }
        if after.starts_with(['.', 'e', 'E', 'j', 'J', 'x', 'X', 'o', 'O', 'b', 'B', 'L']) {
            return Err(self.err("only decimal integers are expected"));
        }
        self.pos += sign_len + digits_len;
        let clean: String = digits.chars().filter(|&c| c != '_').collect();
        let n: u64 = clean
            .parse()
            .map_err(|_| self.err("integer does not fit in 64 bits"))?;
        Ok(if negative && n != 0 {
            Value::NegInt
        } else {
            Value::Int(n)
        })
    }

    /// A single- or double-quoted string with the simple escapes numpy's
    /// `repr` can produce. Prefixes (b'', r'', f'') are not literals numpy
    /// writes, and f-strings are code, so they are refused by `word`.
    fn string(&mut self) -> Result<String, FormatError> {
        let Some(quote) = self.peek() else {
            return Err(self.err("unexpected end"));
        };
        self.pos += 1;
        let mut out = String::new();
        let mut chars = self.rest().char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                c if c == quote => {
                    self.pos += i + 1;
                    return Ok(out);
                }
                '\n' => break,
                '\\' => {
                    let Some((_, e)) = chars.next() else { break };
                    out.push(match e {
                        'n' => '\n',
                        't' => '\t',
                        'r' => '\r',
                        '0' => '\0',
                        '\\' | '\'' | '"' => e,
                        _ => {
                            self.pos += i;
                            return Err(self.err("unsupported escape in a string"));
                        }
                    });
                }
                c => out.push(c),
            }
        }
        Err(self.err("unterminated string"))
    }

    /// Items up to `close`, comma-separated, trailing comma allowed. Returns
    /// whether the last item was followed by a comma (for tuples).
    fn sequence(&mut self, close: char, depth: usize) -> Result<(Vec<Spanned>, bool), FormatError> {
        self.pos += 1; // the opening bracket
        let mut items = Vec::new();
        let mut trailing_comma = false;
        loop {
            self.skip_ws();
            match self.peek() {
                None => return Err(self.err("unexpected end")),
                Some(c) if c == close => {
                    self.pos += 1;
                    return Ok((items, trailing_comma));
                }
                Some(_) => {}
            }
            if !items.is_empty() && !trailing_comma {
                return Err(self.err("expected a comma"));
            }
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            trailing_comma = self.peek() == Some(',');
            if trailing_comma {
                self.pos += 1;
            }
        }
    }

    fn dict(&mut self, depth: usize) -> Result<Value, FormatError> {
        self.pos += 1; // '{'
        let mut entries = Vec::new();
        let mut comma = true;
        loop {
            self.skip_ws();
            match self.peek() {
                None => return Err(self.err("unexpected end")),
                Some('}') => {
                    self.pos += 1;
                    return Ok(Value::Dict(entries));
                }
                Some(_) => {}
            }
            if !comma {
                return Err(self.err("expected a comma"));
            }
            let key = self.value(depth + 1)?;
            self.skip_ws();
            if self.peek() != Some(':') {
                return Err(self.err("expected a colon"));
            }
            self.pos += 1;
            let value = self.value(depth + 1)?;
            entries.push((key, value));
            self.skip_ws();
            comma = self.peek() == Some(',');
            if comma {
                self.pos += 1;
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use std::io::Cursor;

    const WEIGHTS: &[u8] = include_bytes!("../../fixtures/interop-formats/weights.npy");
    const OBJECT: &[u8] = include_bytes!("../../fixtures/interop-formats/object.npy");
    const ARRAYS: &[u8] = include_bytes!("../../fixtures/interop-formats/arrays.npz");

    /// A v1.0 file with `header` padded as numpy pads it, then `data` bytes.
    fn npy(header: &str, data: usize) -> Vec<u8> {
        let mut h = header.as_bytes().to_vec();
        while !(10 + h.len() + 1).is_multiple_of(64) {
            h.push(b' ');
        }
        h.push(b'\n');
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&[1, 0]);
        out.extend_from_slice(&(h.len() as u16).to_le_bytes());
        out.extend_from_slice(&h);
        out.resize(out.len() + data, 0);
        out
    }

    #[track_caller]
    fn assert_invalid(bytes: &[u8], needle: &str) {
        crate::formats::assert_invalid_containing(parse_npy(bytes), needle);
    }

    #[test]
    fn reads_the_numpy_fixture() {
        let h = parse_npy(WEIGHTS).unwrap();
        assert_eq!(h.version, (1, 0));
        assert_eq!(h.descr, "<f4");
        assert_eq!(h.shape, vec![3, 4]);
        assert!(!h.fortran_order && !h.object);
        assert_eq!(h.elements(), Some(12));
        assert_eq!(h.item_size(), Some(4));
        assert_eq!(h.dtype_name(), "F32");
        assert_eq!(h.data_offset, 128);
        assert_eq!(WEIGHTS.len() as u64, h.data_offset + 48);
    }

    #[test]
    fn object_arrays_are_flagged() {
        let h = parse_npy(OBJECT).unwrap();
        assert!(h.object);
        assert_eq!(h.descr, "|O");
        assert_eq!(h.dtype_name(), "OBJECT");
        assert_eq!(h.item_size(), None);
        assert_eq!(h.shape, vec![2]);
    }

    #[test]
    fn reads_the_compressed_npz_fixture() {
        let scan = parse_npz(ARRAYS).unwrap();
        assert_eq!(scan.anomalies, Vec::<String>::new());
        let names: Vec<_> = scan.members.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["embed.npy", "bias.npy"]);
        assert!(scan.members.iter().all(|m| m.compressed));
        let embed = scan.members[0].header.as_ref().unwrap();
        assert_eq!(
            (embed.shape.clone(), embed.dtype_name()),
            (vec![10, 8], "F16".into())
        );
        let bias = scan.members[1].header.as_ref().unwrap();
        assert_eq!(
            (bias.shape.clone(), bias.dtype_name()),
            (vec![8], "I64".into())
        );
    }

    #[test]
    fn accepts_numpy_literal_variants() {
        let h = parse_npy(&npy(
            "{'descr': '>i2', 'fortran_order': True, 'shape': (), }",
            2,
        ))
        .unwrap();
        assert_eq!(
            (h.shape.clone(), h.elements(), h.fortran_order),
            (vec![], Some(1), true)
        );
        assert_eq!(h.dtype_name(), "I16");
        let h = parse_npy(&npy(
            r#"{"descr": "<U3", "fortran_order": False, "shape": (2,)}"#,
            24,
        ))
        .unwrap();
        assert_eq!((h.item_size(), h.dtype_name()), (Some(12), "STR".into()));
        // Version 2.0: u32 header length.
        let mut v2 = npy(
            "{'descr': '|u1', 'fortran_order': False, 'shape': (0, 5)}",
            0,
        );
        v2[6] = 2;
        let len = u16::from_le_bytes([v2[8], v2[9]]) as u32 - 2;
        v2.splice(8..10, len.to_le_bytes());
        v2.truncate(12 + len as usize);
        let h = parse_npy(&v2).unwrap();
        assert_eq!((h.version, h.elements()), ((2, 0), Some(0)));
    }

    #[test]
    fn structured_dtypes_keep_their_literal_and_detect_object_fields() {
        let h = parse_npy(&npy(
            "{'descr': [('Offset', '<f4'), ('b', [('c', '|O')], (2,))], 'fortran_order': False, 'shape': (1,)}",
            0,
        ))
        .unwrap();
        assert_eq!(h.descr, "[('Offset', '<f4'), ('b', [('c', '|O')], (2,))]");
        assert!(h.object);
        assert_eq!(h.dtype_name(), "STRUCT+OBJECT");
        let h = parse_npy(&npy(
            "{'descr': [('Obj', '<f4')], 'fortran_order': False, 'shape': (1,)}",
            0,
        ))
        .unwrap();
        assert!(!h.object, "a field named like O is not an object field");
    }

    #[test]
    fn bad_magic() {
        assert_invalid(b"\x93NUMPX\x01\x00", "magic");
        assert_invalid(b"", "magic");
    }

    #[test]
    fn bad_version() {
        let mut f = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)}", 4);
        f[6] = 4;
        assert_invalid(&f, "unsupported .npy format version 4.0");
        assert_eq!(
            parse_npy(b"\x93NUMPY\x01"),
            Err(FormatError::Truncated {
                expected: 8,
                actual: 7
            })
        );
    }

    #[test]
    fn header_length_past_eof_or_too_large() {
        let mut f = b"\x93NUMPY\x01\x00\x00\x01".to_vec();
        f.extend_from_slice(b"{}");
        assert_eq!(
            parse_npy(&f),
            Err(FormatError::Truncated {
                expected: 266,
                actual: 12
            })
        );
        assert_eq!(
            parse_npy(b"\x93NUMPY\x01\x00\x00"),
            Err(FormatError::Truncated {
                expected: 10,
                actual: 9
            })
        );
        let f = b"\x93NUMPY\x02\x00\xff\xff\xff\xff";
        assert!(matches!(
            parse_npy(f),
            Err(FormatError::TooLarge {
                claimed: 0xffff_ffff,
                ..
            })
        ));
    }

    #[test]
    fn non_dict_header() {
        assert_invalid(&npy("['descr', 'fortran_order', 'shape']", 0), "not a dict");
        assert_invalid(
            &npy("__import__('os').system('x')", 0),
            "names and expressions",
        );
        assert_invalid(&npy("{'descr': '<f4'} junk", 0), "unexpected text");
        assert_invalid(&npy("{'descr': '<f4'", 0), "unexpected end");
        assert_invalid(&npy("{'descr' '<f4'}", 0), "expected a colon");
        assert_invalid(&npy("{'descr: '<f4'}", 0), "expected a colon");
        assert_invalid(
            &npy(&format!("{}1{}", "(".repeat(40), ")".repeat(40)), 0),
            "too deep",
        );
    }

    #[test]
    fn missing_duplicate_or_extra_keys() {
        assert_invalid(
            &npy("{'descr': '<f4', 'shape': (1,)}", 4),
            "missing the \"fortran_order\"",
        );
        assert_invalid(
            &npy(
                "{'descr': '<f4', 'descr': '|O', 'fortran_order': False, 'shape': (1,)}",
                8,
            ),
            "duplicate \"descr\"",
        );
        assert_invalid(
            &npy(
                "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}",
                4,
            ),
            "unexpected key \"x\"",
        );
        assert_invalid(&npy("{1: '<f4'}", 4), "string keys");
    }

    #[test]
    fn bad_fields() {
        let h = |descr: &str, fo: &str, shape: &str| {
            npy(
                &format!("{{'descr': {descr}, 'fortran_order': {fo}, 'shape': {shape}}}"),
                64,
            )
        };
        assert_invalid(
            &h("'<f4'", "False", "(3)"),
            "shape is an integer, not a tuple",
        );
        assert_invalid(&h("'<f4'", "False", "[3]"), "shape is a list");
        assert_invalid(&h("'<f4'", "False", "(-3,)"), "negative dimension");
        assert_invalid(&h("'<f4'", "False", "('3',)"), "string dimension");
        assert_invalid(&h("'<f4'", "False", "(3.0,)"), "only decimal integers");
        assert_invalid(&h("'<f4'", "False", "(99999999999999999999,)"), "64 bits");
        assert_invalid(&h("'<f4'", "0", "(3,)"), "fortran_order is an integer");
        assert_invalid(&h("None", "False", "(3,)"), "descr is None");
    }

    #[test]
    fn shape_overflow() {
        let f = npy(
            "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296)}",
            0,
        );
        assert_invalid(&f, "more elements than a 64-bit count");
        let f = npy(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967295)}",
            0,
        );
        assert_invalid(&f, "overflow a 64-bit size");
    }

    #[test]
    fn truncated_data() {
        let f = npy(
            "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4)}",
            47,
        );
        assert_eq!(
            parse_npy(&f),
            Err(FormatError::Truncated {
                expected: 176,
                actual: 175
            })
        );
    }

    #[test]
    fn npz_rejects_non_zip_and_flags_foreign_members() {
        assert!(matches!(
            parse_npz(b"not a zip"),
            Err(FormatError::Invalid(_))
        ));
        let mut buf = Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored);
            w.start_file("notes.txt", opts).unwrap();
            std::io::Write::write_all(&mut w, b"hello").unwrap();
            w.start_file("short.npy", opts).unwrap();
            let f = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (8,)}", 4);
            std::io::Write::write_all(&mut w, &f).unwrap();
            w.finish().unwrap();
        }
        let scan = parse_npz(buf.get_ref()).unwrap();
        assert_eq!(scan.anomalies, ["member \"notes.txt\" is not a .npy array"]);
        assert_eq!(scan.members.len(), 1);
        assert!(matches!(
            scan.members[0].header,
            Err(FormatError::Truncated { .. })
        ));
    }

    #[test]
    fn an_npz_read_in_parts_gives_the_same_members_up_to_the_cap() {
        let mut buf = Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            for (i, method) in [
                zip::CompressionMethod::Stored,
                zip::CompressionMethod::Deflated,
                zip::CompressionMethod::Stored,
            ]
            .into_iter()
            .enumerate()
            {
                let opts = zip::write::SimpleFileOptions::default().compression_method(method);
                w.start_file(format!("a{i}.npy"), opts).unwrap();
                let mut f = npy(
                    "{'descr': '<f4', 'fortran_order': False, 'shape': (50000,)}",
                    0,
                );
                f.resize(f.len() + 200_000, 7);
                std::io::Write::write_all(&mut w, &f).unwrap();
            }
            w.finish().unwrap();
        }
        let file = buf.get_ref();
        let whole = parse_npz(file).unwrap();
        let (got, _) = super::super::torch::read_by_plan(file, 1024, &member_reads, usize::MAX);
        let pieces = got.view();
        assert!(got.held() < 16 << 10, "{} bytes read", got.held());
        let parts = parse_npz_pieces(&pieces, &mut super::super::Budget::default(), usize::MAX);
        assert_eq!(parts.unwrap(), whole);
        // Past the cap: the first members, and an anomaly for the rest.
        let (got, _) = super::super::torch::read_by_plan(file, 1024, &member_reads, 2);
        let capped =
            parse_npz_pieces(&got.view(), &mut super::super::Budget::default(), 2).unwrap();
        assert_eq!(capped.members, whole.members[..2]);
        assert_eq!(capped.anomalies.len(), 1, "{:?}", capped.anomalies);
        assert!(capped.anomalies[0].contains("only the first 2 of its 3 members"));
    }

    #[test]
    fn npz_flags_deflate_bombs_without_inflating_them() {
        let mut buf = Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            w.start_file("bomb.npy", opts).unwrap();
            let mut f = npy(
                "{'descr': '|u1', 'fortran_order': False, 'shape': (4000000,)}",
                0,
            );
            f.resize(f.len() + 4_000_000, 0);
            std::io::Write::write_all(&mut w, &f).unwrap();
            w.finish().unwrap();
        }
        let scan = parse_npz(buf.get_ref()).unwrap();
        assert_eq!(scan.anomalies.len(), 1, "{:?}", scan.anomalies);
        assert!(scan.anomalies[0].contains("deflate bomb"));
        assert_eq!(
            scan.members[0].header.as_ref().unwrap().shape,
            vec![4_000_000]
        );
    }

    #[test]
    fn no_panic_on_any_truncation() {
        for end in 0..WEIGHTS.len() {
            assert!(parse_npy(&WEIGHTS[..end]).is_err(), "prefix of {end} bytes");
        }
        // An object array's data is a pickle of unknown length: only a cut
        // inside the header is detectable.
        for end in 0..OBJECT.len() {
            let parsed = parse_npy(&OBJECT[..end]);
            assert_eq!(parsed.is_err(), end < 128, "prefix of {end} bytes");
        }
        for end in 0..ARRAYS.len() {
            let _ = parse_npz(&ARRAYS[..end]);
        }
    }
}
