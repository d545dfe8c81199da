//! Flax checkpoints (`flax_model.msgpack`) are written by
//! `flax.serialization.to_bytes`: a msgpack map tree whose array leaves are
//! msgpack ext values, type 1 (`ndarray`) or 3 (`npscalar`), each holding a
//! nested msgpack array `(shape, dtype name, C-order bytes)`. Loading one runs
//! no code, but the scan still wants the tensor count, parameter count and
//! dtypes, and must not trust any length it reads. This is a streaming walker:
//! it never materialises the tree or copies tensor bytes; every length is
//! checked against the bytes that remain, container counts therefore cannot
//! drive a loop past the end of the file, and nesting is capped.
//!
//! Arrays above 2^30 bytes are split by flax into a map marked
//! `__msgpack_chunked_array__` whose `chunks` are flat ext leaves; such a map
//! counts as one tensor, with the parameters of its chunks.

use super::FormatError;
use super::cursor::Cursor;
use std::collections::BTreeMap;

/// Deepest container nesting followed. Flax trees are a handful of levels.
pub const MAX_DEPTH: usize = 64;

/// The flax ext codes (`flax.serialization._MsgpackExtType`).
const EXT_NDARRAY: i8 = 1;
const EXT_NATIVE_COMPLEX: i8 = 2;
const EXT_NPSCALAR: i8 = 3;

const CHUNKED_MARKER: &[u8] = b"__msgpack_chunked_array__";

/// What a flax checkpoint holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlaxScan {
    pub tensors: u64,
    pub parameters: u64,
    /// Parameters per dtype, in the report's vocabulary ("F32", "BF16"...);
    /// dtype names we do not know are kept as written.
    pub dtypes: BTreeMap<String, u64>,
}

/// Walks a whole `flax_model.msgpack` (a memory map).
pub fn parse(file: &[u8]) -> Result<FlaxScan, FormatError> {
    let mut w = Walker {
        r: Reader::file(file),
        scan: FlaxScan::default(),
    };
    match w.r.peek() {
        // fixmap, map16, map32: flax state dicts are always maps.
        Some(0x80..=0x8f | 0xde | 0xdf) => {}
        Some(_) => {
            return Err(FormatError::invalid(
                "top-level value is not a map, as flax state dicts are",
            ));
        }
        None => return Err(FormatError::invalid("file is empty")),
    }
    let tensors = w.value(0)?.tensors;
    if !w.r.at_end() {
        // msgpack.unpackb refuses trailing data (ExtraData).
        return Err(FormatError::invalid(format!(
            "{} trailing bytes after the top-level map",
            w.r.remaining()
        )));
    }
    w.scan.tensors = tensors;
    Ok(w.scan)
}

/// What a walked value contributed.
struct Walked {
    tensors: u64,
    /// The value was the string `__msgpack_chunked_array__` (a map key).
    chunk_marker: bool,
}

struct Walker<'a> {
    r: Reader<'a>,
    scan: FlaxScan,
}

impl Walker<'_> {
    fn value(&mut self, depth: usize) -> Result<Walked, FormatError> {
        if depth > MAX_DEPTH {
            return Err(FormatError::invalid(format!(
                "values nest deeper than {MAX_DEPTH} levels"
            )));
        }
        let plain = Walked {
            tensors: 0,
            chunk_marker: false,
        };
        match self.r.token()? {
            Token::Scalar => Ok(plain),
            Token::Str(s) => Ok(Walked {
                tensors: 0,
                chunk_marker: s == CHUNKED_MARKER,
            }),
            Token::Bin(_) => Ok(plain),
            Token::Array(n) => {
                let mut tensors = 0u64;
                for _ in 0..n {
                    tensors = tensors.saturating_add(self.value(depth + 1)?.tensors);
                }
                Ok(Walked {
                    tensors,
                    chunk_marker: false,
                })
            }
            Token::Map(n) => {
                let mut tensors = 0u64;
                let mut chunked = false;
                for _ in 0..n {
                    let key = self.value(depth + 1)?;
                    chunked |= key.chunk_marker;
                    tensors = tensors.saturating_add(key.tensors);
                    tensors = tensors.saturating_add(self.value(depth + 1)?.tensors);
                }
                if chunked && tensors > 0 {
                    tensors = 1;
                }
                Ok(Walked {
                    tensors,
                    chunk_marker: false,
                })
            }
            Token::Ext(code, payload) => match code {
                EXT_NDARRAY | EXT_NPSCALAR => {
                    let (elements, dtype) = ndarray_payload(payload, code)?;
                    self.scan.parameters = self.scan.parameters.saturating_add(elements);
                    let slot = self.scan.dtypes.entry(dtype).or_insert(0);
                    *slot = slot.saturating_add(elements);
                    Ok(Walked {
                        tensors: 1,
                        chunk_marker: false,
                    })
                }
                // A Python complex scalar: a leaf, but not a tensor.
                EXT_NATIVE_COMPLEX => Ok(plain),
                other => Err(FormatError::invalid(format!(
                    "ext type {other} is not one flax writes (1, 2 or 3)"
                ))),
            },
        }
    }
}

/// `_ndarray_to_bytes`: a msgpack array of exactly (shape array of
/// non-negative ints, dtype name, data bytes), nothing after it, and data
/// of exactly elements × itemsize bytes when the dtype is known.
fn ndarray_payload(payload: &[u8], code: i8) -> Result<(u64, String), FormatError> {
    let bad = |why: &str| FormatError::invalid(format!("ext type {code} payload {why}"));
    let mut r = Reader::sub(payload);
    if r.token()? != Token::Array(3) {
        return Err(bad("is not a (shape, dtype, bytes) triple"));
    }
    let Token::Array(rank) = r.token()? else {
        return Err(bad("has a shape that is not an array"));
    };
    let mut elements = 1u64;
    let mut shape = Vec::new();
    for _ in 0..rank {
        let dim = r
            .uint()?
            .ok_or_else(|| bad("has a shape entry that is not a non-negative integer"))?;
        if shape.len() < 8 {
            shape.push(dim);
        }
        elements = elements
            .checked_mul(dim)
            .ok_or_else(|| bad("has a shape whose element count overflows 64 bits"))?;
    }
    let name = match r.token()? {
        Token::Str(s) | Token::Bin(s) => s,
        _ => return Err(bad("has a dtype that is not a string")),
    };
    let name = String::from_utf8_lossy(name);
    let name = super::truncate_at_char(&name, 64);
    let Token::Bin(data) = r.token()? else {
        return Err(bad("has data that is not a byte string"));
    };
    if !r.at_end() {
        return Err(bad("has trailing bytes"));
    }
    let (report, item_size) = dtype(name);
    if let Some(size) = item_size {
        let want = elements.checked_mul(size);
        if want != Some(data.len() as u64) {
            return Err(bad(&format!(
                "holds {} bytes, but shape {shape:?} of {name} needs {}",
                data.len(),
                want.map_or("more than 2^64".to_owned(), |w| w.to_string())
            )));
        }
    }
    Ok((elements, report))
}

/// numpy dtype name → (report name, bytes per element).
fn dtype(name: &str) -> (String, Option<u64>) {
    let (report, size) = match name {
        "bool" => ("BOOL", 1),
        "int8" => ("I8", 1),
        "uint8" => ("U8", 1),
        "int16" => ("I16", 2),
        "uint16" => ("U16", 2),
        "float16" => ("F16", 2),
        "bfloat16" => ("BF16", 2),
        "int32" => ("I32", 4),
        "uint32" => ("U32", 4),
        "float32" => ("F32", 4),
        "int64" => ("I64", 8),
        "uint64" => ("U64", 8),
        "float64" => ("F64", 8),
        "complex64" => ("C64", 8),
        "complex128" => ("C128", 16),
        "float8_e4m3fn" => ("F8_E4M3", 1),
        "float8_e5m2" => ("F8_E5M2", 1),
        other => return (other.to_owned(), None),
    };
    (report.to_owned(), Some(size))
}

#[derive(Debug, PartialEq, Eq)]
enum Token<'a> {
    /// nil, bool, int, float: nothing to report.
    Scalar,
    Str(&'a [u8]),
    Bin(&'a [u8]),
    Array(u64),
    Map(u64),
    Ext(i8, &'a [u8]),
}

/// msgpack tokens on top of [`Cursor`].
struct Reader<'a> {
    c: Cursor<'a>,
}

impl<'a> Reader<'a> {
    fn file(buf: &'a [u8]) -> Self {
        Reader {
            c: Cursor::file(buf),
        }
    }

    fn sub(buf: &'a [u8]) -> Self {
        Reader {
            c: Cursor::within(buf, "ext payload"),
        }
    }

    fn at_end(&self) -> bool {
        self.c.at_end()
    }

    fn remaining(&self) -> usize {
        self.c.remaining()
    }

    fn peek(&self) -> Option<u8> {
        self.c.peek()
    }

    fn short(&self, need: u64) -> FormatError {
        self.c.short(need)
    }

    fn take(&mut self, n: u64) -> Result<&'a [u8], FormatError> {
        self.c.take(n)
    }

    fn be(&mut self, n: u64) -> Result<u64, FormatError> {
        Ok(self
            .take(n)?
            .iter()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
    }

    /// Every element of a container takes at least one byte, so a count
    /// above the bytes left is a lie, caught before any loop runs.
    fn count(&mut self, n: u64, per_item: u64) -> Result<u64, FormatError> {
        let need = n.saturating_mul(per_item);
        if need > self.remaining() as u64 {
            return Err(self.short(need));
        }
        Ok(n)
    }

    /// A non-negative integer token, `None` for any other value.
    fn uint(&mut self) -> Result<Option<u64>, FormatError> {
        let Some(tag) = self.peek() else {
            return Err(self.short(1));
        };
        let n = match tag {
            0x00..=0x7f => {
                self.c.byte()?;
                u64::from(tag)
            }
            0xcc..=0xcf => {
                self.c.byte()?;
                self.be(1 << (tag - 0xcc))?
            }
            0xd0..=0xd3 => {
                self.c.byte()?;
                let bytes = 1u32 << (tag - 0xd0);
                let raw = self.be(u64::from(bytes))?;
                // Sign-extend, then keep only non-negative values.
                let shift = 64 - 8 * bytes;
                let signed = ((raw << shift) as i64) >> shift;
                return Ok(u64::try_from(signed).ok());
            }
            _ => {
                self.token()?;
                return Ok(None);
            }
        };
        Ok(Some(n))
    }

    fn token(&mut self) -> Result<Token<'a>, FormatError> {
        let tag = self.c.byte()?;
        Ok(match tag {
            0x00..=0x7f | 0xe0..=0xff | 0xc0 | 0xc2 | 0xc3 => Token::Scalar,
            0x80..=0x8f => Token::Map(self.count(u64::from(tag & 0x0f), 2)?),
            0x90..=0x9f => Token::Array(self.count(u64::from(tag & 0x0f), 1)?),
            0xa0..=0xbf => Token::Str(self.take(u64::from(tag & 0x1f))?),
            0xc1 => return Err(FormatError::invalid("byte 0xc1 is never used by msgpack")),
            0xc4..=0xc6 => {
                let len = self.be(1 << (tag - 0xc4))?;
                Token::Bin(self.take(len)?)
            }
            0xc7..=0xc9 => {
                let len = self.be(1 << (tag - 0xc7))?;
                let code = self.be(1)? as u8 as i8;
                Token::Ext(code, self.take(len)?)
            }
            0xca => self.take(4).map(|_| Token::Scalar)?,
            0xcb => self.take(8).map(|_| Token::Scalar)?,
            0xcc..=0xcf => self.take(1 << (tag - 0xcc)).map(|_| Token::Scalar)?,
            0xd0..=0xd3 => self.take(1 << (tag - 0xd0)).map(|_| Token::Scalar)?,
            0xd4..=0xd8 => {
                let code = self.be(1)? as u8 as i8;
                Token::Ext(code, self.take(1 << (tag - 0xd4))?)
            }
            0xd9..=0xdb => {
                let len = self.be(1 << (tag - 0xd9))?;
                Token::Str(self.take(len)?)
            }
            0xdc | 0xdd => {
                let n = self.be(if tag == 0xdc { 2 } else { 4 })?;
                Token::Array(self.count(n, 1)?)
            }
            0xde | 0xdf => {
                let n = self.be(if tag == 0xde { 2 } else { 4 })?;
                Token::Map(self.count(n, 2)?)
            }
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    const FLAX: &[u8] = include_bytes!("../../fixtures/interop-formats/flax_model.msgpack");

    fn str_(s: &str) -> Vec<u8> {
        let mut out = vec![0xa0 | s.len() as u8];
        out.extend_from_slice(s.as_bytes());
        out
    }

    /// An ext-1 leaf as `_ndarray_to_bytes` packs it.
    fn leaf(shape: &[u8], dtype: &str, data: usize) -> Vec<u8> {
        let mut payload = vec![0x93, 0x90 | shape.len() as u8];
        payload.extend_from_slice(shape);
        payload.extend(str_(dtype));
        payload.extend([0xc4, data as u8]);
        payload.resize(payload.len() + data, 0);
        ext(1, &payload)
    }

    fn ext(code: u8, payload: &[u8]) -> Vec<u8> {
        let mut out = vec![0xc7, payload.len() as u8, code];
        out.extend_from_slice(payload);
        out
    }

    fn map1(key: &str, value: &[u8]) -> Vec<u8> {
        let mut out = vec![0x81];
        out.extend(str_(key));
        out.extend_from_slice(value);
        out
    }

    #[track_caller]
    fn assert_invalid(bytes: &[u8], needle: &str) {
        crate::formats::assert_invalid_containing(parse(bytes), needle);
    }

    #[test]
    fn reads_the_flax_fixture() {
        let scan = parse(FLAX).unwrap();
        assert_eq!(scan.tensors, 5);
        assert_eq!(scan.parameters, 62);
        assert_eq!(
            scan.dtypes,
            BTreeMap::from([("BF16".into(), 40), ("F32".into(), 21), ("I32".into(), 1)])
        );
    }

    #[test]
    fn small_trees() {
        let scan = parse(&map1("w", &leaf(&[2, 3], "float16", 12))).unwrap();
        assert_eq!((scan.tensors, scan.parameters), (1, 6));
        assert_eq!(scan.dtypes, BTreeMap::from([("F16".into(), 6)]));
        // Unknown dtype names are kept; their sizes are not checked.
        let scan = parse(&map1("w", &leaf(&[4], "float8_e4m3fnuz", 4))).unwrap();
        assert_eq!(scan.dtypes, BTreeMap::from([("float8_e4m3fnuz".into(), 4)]));
        // Empty map, complex scalars and plain values are not tensors.
        assert_eq!(parse(&[0x80]).unwrap(), FlaxScan::default());
        let scan = parse(&map1("c", &ext(2, &[0x92, 0x01, 0x02]))).unwrap();
        assert_eq!(scan.tensors, 0);
    }

    #[test]
    fn truncated() {
        for end in 0..FLAX.len() {
            let got = parse(&FLAX[..end]);
            assert!(got.is_err(), "prefix of {end} bytes parsed");
        }
        assert_eq!(
            parse(&[0x81, 0xa1, b'w', 0xc4, 0x05, 0]),
            Err(FormatError::Truncated {
                expected: 10,
                actual: 6
            })
        );
        // A map32 claiming 2^32-1 entries in a few bytes fails before looping.
        assert!(matches!(
            parse(&[0xdf, 0xff, 0xff, 0xff, 0xff, 0xc0]),
            Err(FormatError::Truncated { .. })
        ));
    }

    #[test]
    fn bad_ext() {
        assert_invalid(
            &map1("w", &ext(9, &[0xc0])),
            "ext type 9 is not one flax writes",
        );
        assert_invalid(
            &map1("w", &ext(1, &[0x92, 0x90, 0xc0])),
            "not a (shape, dtype, bytes) triple",
        );
        assert_invalid(
            &map1("w", &ext(1, &[0x93, 0xc0, 0xa0, 0xc4, 0])),
            "shape that is not an array",
        );
        assert_invalid(
            &map1("w", &ext(1, &[0x93, 0x91, 0xff, 0xa0, 0xc4, 0])),
            "not a non-negative integer",
        );
        assert_invalid(
            &map1("w", &ext(1, &[0x93, 0x90, 0x01, 0xc4, 0])),
            "dtype that is not a string",
        );
        assert_invalid(
            &map1("w", &ext(1, &[0x93, 0x90, 0xa0, 0xa0])),
            "data that is not a byte string",
        );
        assert_invalid(
            &map1("w", &ext(1, &[0x93, 0x90, 0xa0, 0xc4, 0, 0xc0])),
            "trailing bytes",
        );
        assert_invalid(
            &map1("w", &leaf(&[2, 3], "float32", 23)),
            "holds 23 bytes, but shape [2, 3] of float32 needs 24",
        );
        assert_invalid(
            &map1("w", &ext(1, &[0x93, 0x90, 0xa0, 0xc4, 9])),
            "needs 14 bytes of a 5-byte ext payload",
        );
        let huge = [
            0x93, 0x92, 0xcf, 0x80, 0, 0, 0, 0, 0, 0, 0, 0xcf, 0x80, 0, 0, 0, 0, 0, 0, 0, 0xa0,
            0xc4, 0,
        ];
        assert_invalid(&map1("w", &ext(1, &huge)), "overflows 64 bits");
    }

    #[test]
    fn depth() {
        let mut deep = vec![0x81, 0xa1, b'k'];
        deep.extend(std::iter::repeat_n(0x91, 100));
        deep.push(0xc0);
        assert_invalid(&deep, "deeper than 64");
        let mut ok = vec![0x81, 0xa1, b'k'];
        ok.extend(std::iter::repeat_n(0x91, 60));
        ok.push(0xc0);
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn structure() {
        assert_invalid(&[], "file is empty");
        assert_invalid(&[0x91, 0xc0], "not a map");
        assert_invalid(&[0x80, 0xc0], "1 trailing bytes");
        assert_invalid(&map1("w", &[0xc1]), "0xc1");
    }
}
