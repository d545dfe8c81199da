//! ONNX models are protobuf `ModelProto` messages, often gigabytes long, and
//! may point outside themselves: an initializer with `external_data` names a
//! file (`location`) that the runtime opens relative to the model, which is
//! how a crafted model reads `../../etc/passwd` (CVE-2026-34447). The scan
//! needs the producer, opsets, initializer shapes and dtypes, and every
//! external location, so this module is a minimal protobuf wire-format walker
//! for the few fields that carry them: every length is checked against the
//! bytes that remain, unknown fields are skipped by arithmetic, tensor bytes
//! (`raw_data`) are never copied, and nesting is bounded by a depth counter.
//!
//! Not read: initializers of subgraphs held in node attributes (`If`,
//! `Loop`, `Scan` bodies) and of model-local functions, and the typed data
//! fields (`float_data`, ...) whose element counts the dims already give.

use super::FormatError;
use super::cursor::Cursor;
use std::collections::{BTreeMap, BTreeSet};

/// Deepest message nesting the walker follows (model → graph → tensor →
/// entry is 4; unknown fields may nest further and are skipped, groups
/// included, but never past this).
pub const MAX_DEPTH: usize = 32;

/// Most initializers (dense and sparse) kept: each costs a heap entry, and a
/// hostile file could pack millions of tiny ones.
pub const MAX_INITIALIZERS: usize = 1_000_000;

/// Most dims one tensor may declare. ONNX has no limit, but no real tensor
/// comes near and each dim costs memory here.
pub const MAX_DIMS: usize = 64;

/// Most opset imports kept.
pub const MAX_OPSETS: usize = 4096;

/// The parts of a `ModelProto` the report uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OnnxModel {
    pub ir_version: Option<u64>,
    pub producer_name: Option<String>,
    pub producer_version: Option<String>,
    /// `(domain, version)`; the domain "" is the default `ai.onnx`.
    pub opsets: Vec<(String, u64)>,
    /// Dense initializers, then the `values` tensor of each sparse
    /// initializer (whose dims count the stored non-zeros), in file order.
    pub initializers: Vec<Initializer>,
    /// Nodes of the main graph (subgraphs not included).
    pub nodes: u64,
    pub graph_name: Option<String>,
}

/// One initializer (`TensorProto`) of the main graph.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Initializer {
    pub name: String,
    pub dims: Vec<i64>,
    /// `TensorProto.DataType`.
    pub data_type: i32,
    /// Set when the tensor has `external_data` entries, whatever its
    /// `data_location` says: a location is worth checking even when the
    /// runtime might not use it.
    pub external: Option<ExternalData>,
}

/// Where an externally stored tensor's bytes live.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExternalData {
    /// Relative to the model's folder, as written.
    pub location: String,
    pub offset: Option<u64>,
    pub length: Option<u64>,
}

impl Initializer {
    /// Product of the dims; `None` for a negative dim or an overflow, both
    /// refused at parse time.
    pub fn elements(&self) -> Option<u64> {
        self.dims.iter().try_fold(1u64, |acc, &d| {
            u64::try_from(d).ok().and_then(|d| acc.checked_mul(d))
        })
    }

    /// The data type in the report's vocabulary (the safetensors spelling
    /// where one exists).
    pub fn dtype_name(&self) -> &'static str {
        match self.data_type {
            1 => "F32",
            2 => "U8",
            3 => "I8",
            4 => "U16",
            5 => "I16",
            6 => "I32",
            7 => "I64",
            8 => "STRING",
            9 => "BOOL",
            10 => "F16",
            11 => "F64",
            12 => "U32",
            13 => "U64",
            14 => "C64",
            15 => "C128",
            16 => "BF16",
            17 => "F8_E4M3",
            18 => "F8_E4M3FNUZ",
            19 => "F8_E5M2",
            20 => "F8_E5M2FNUZ",
            21 => "U4",
            22 => "I4",
            23 => "F4",
            24 => "F8_E8M0",
            25 => "U2",
            26 => "I2",
            27 => "F6_E2M3",
            28 => "F6_E3M2",
            _ => "UNDEFINED",
        }
    }
}

impl OnnxModel {
    /// Sum of the initializers' element counts.
    pub fn parameters(&self) -> u64 {
        self.initializers
            .iter()
            .fold(0u64, |acc, t| acc.saturating_add(t.elements().unwrap_or(0)))
    }

    /// Parameters per dtype name.
    pub fn dtypes(&self) -> BTreeMap<String, u64> {
        let mut out: BTreeMap<String, u64> = BTreeMap::new();
        for t in &self.initializers {
            let slot = out.entry(t.dtype_name().to_owned()).or_insert(0);
            *slot = slot.saturating_add(t.elements().unwrap_or(0));
        }
        out
    }

    /// Every distinct external data location, as written.
    pub fn external_locations(&self) -> BTreeSet<String> {
        self.initializers
            .iter()
            .filter_map(|t| t.external.as_ref().map(|e| e.location.clone()))
            .collect()
    }
}

/// True when an external_data location would resolve outside the model's
/// folder: absolute paths, `..` segments that climb above the folder, Windows
/// drive/UNC forms, NUL bytes. (The scan then checks the resolved path itself
/// too, for symlinks.)
pub fn location_escapes(location: &str) -> bool {
    if location.contains('\0') || location.starts_with(['/', '\\']) {
        return true;
    }
    // "C:foo" and "C:\foo" both leave the folder on Windows.
    let mut chars = location.chars();
    if let (Some(drive), Some(':')) = (chars.next(), chars.next())
        && drive.is_ascii_alphabetic()
    {
        return true;
    }
    let mut depth: i64 = 0;
    for segment in location.split(['/', '\\']) {
        match segment {
            "" | "." => {}
            ".." => {
                depth -= 1;
                if depth < 0 {
                    return true;
                }
            }
            _ => depth += 1,
        }
    }
    false
}

/// Walks a whole `.onnx` file (a memory map).
pub fn parse(file: &[u8]) -> Result<OnnxModel, FormatError> {
    let mut model = OnnxModel::default();
    let mut r = Reader::file(file);
    let mut has_graph = false;
    while let Some((field, wire)) = r.key()? {
        match (field, wire) {
            (1, _) => model.ir_version = Some(r.varint_field(wire, "ir_version")?),
            (2, _) => model.producer_name = Some(r.string_field(wire, "producer_name")?),
            (3, _) => model.producer_version = Some(r.string_field(wire, "producer_version")?),
            (7, _) => {
                let graph = r.message_field(wire, "graph")?;
                // Protobuf merges repeated occurrences of a message field.
                parse_graph(graph, 1, &mut model)?;
                has_graph = true;
            }
            (8, _) => {
                let opset = r.message_field(wire, "opset_import")?;
                if model.opsets.len() >= MAX_OPSETS {
                    return Err(FormatError::invalid(format!(
                        "more than {MAX_OPSETS} opset imports"
                    )));
                }
                model.opsets.push(parse_opset(opset)?);
            }
            _ => r.skip(field, wire, 0)?,
        }
    }
    // Many byte strings happen to be valid protobuf; a model has at least
    // one of these (onnx.checker requires both).
    if model.ir_version.is_none() && !has_graph {
        return Err(FormatError::invalid(
            "no ir_version and no graph: not an onnx model",
        ));
    }
    Ok(model)
}

fn parse_opset(bytes: &[u8]) -> Result<(String, u64), FormatError> {
    let mut r = Reader::new(bytes);
    let mut domain = String::new();
    let mut version = 0;
    while let Some((field, wire)) = r.key()? {
        match field {
            1 => domain = r.string_field(wire, "opset domain")?,
            2 => version = r.varint_field(wire, "opset version")?,
            _ => r.skip(field, wire, 2)?,
        }
    }
    Ok((domain, version))
}

fn parse_graph(bytes: &[u8], depth: usize, model: &mut OnnxModel) -> Result<(), FormatError> {
    let mut r = Reader::new(bytes);
    while let Some((field, wire)) = r.key()? {
        match field {
            1 => {
                // Nodes are counted; only a `Constant` node's value tensor is
                // read (exporters fold parameters into them): other
                // attributes hold subgraphs this reader does not descend into.
                let node = r.message_field(wire, "node")?;
                model.nodes = model.nodes.saturating_add(1);
                if let Some(t) = parse_constant_node(node, depth + 1)? {
                    push_initializer(model, t)?;
                }
            }
            2 => model.graph_name = Some(r.string_field(wire, "graph name")?),
            5 => {
                let tensor = r.message_field(wire, "initializer")?;
                push_initializer(model, parse_tensor(tensor, depth + 1)?)?;
            }
            15 => {
                let sparse = r.message_field(wire, "sparse_initializer")?;
                if let Some(values) = parse_sparse(sparse, depth + 1)? {
                    push_initializer(model, values)?;
                }
            }
            _ => r.skip(field, wire, depth + 1)?,
        }
    }
    Ok(())
}

fn push_initializer(model: &mut OnnxModel, t: Initializer) -> Result<(), FormatError> {
    if model.initializers.len() >= MAX_INITIALIZERS {
        return Err(FormatError::invalid(format!(
            "more than {MAX_INITIALIZERS} initializers"
        )));
    }
    model.initializers.push(t);
    Ok(())
}

/// `NodeProto` (output 2, op_type 4, attribute 5, domain 7): the value
/// tensor of a `Constant` node of the default domain, when it holds
/// trained-parameter-like data (floating point, or 8-bit integers of 16 or
/// more elements); shape and index constants (int64 scalars and vectors)
/// are not parameters.
fn parse_constant_node(bytes: &[u8], depth: usize) -> Result<Option<Initializer>, FormatError> {
    if depth > MAX_DEPTH {
        return Err(depth_error());
    }
    let mut r = Reader::new(bytes);
    let (mut op_type, mut domain, mut output) = (String::new(), String::new(), None);
    let mut value: Option<&[u8]> = None;
    while let Some((field, wire)) = r.key()? {
        match field {
            2 if output.is_none() => output = Some(r.string_field(wire, "node output")?),
            4 => op_type = r.string_field(wire, "op_type")?,
            5 => {
                let attribute = r.message_field(wire, "attribute")?;
                if let Some(t) = attribute_tensor(attribute, depth + 1)? {
                    value = Some(t);
                }
            }
            7 => domain = r.string_field(wire, "node domain")?,
            _ => r.skip(field, wire, depth + 1)?,
        }
    }
    if op_type != "Constant" || !(domain.is_empty() || domain == "ai.onnx") {
        return Ok(None);
    }
    let Some(tensor) = value else {
        return Ok(None);
    };
    let mut t = parse_tensor(tensor, depth + 1)?;
    if t.name.is_empty() {
        t.name = output.unwrap_or_default();
    }
    let elements = t.elements().unwrap_or(0);
    let float = matches!(t.data_type, 1 | 10 | 11 | 16 | 17 | 18 | 19 | 20);
    let byte_ints = matches!(t.data_type, 2 | 3) && elements >= 16;
    Ok((float || byte_ints).then_some(t))
}

/// `AttributeProto` named `value` (1) with a tensor `t` (5).
fn attribute_tensor(bytes: &[u8], depth: usize) -> Result<Option<&[u8]>, FormatError> {
    if depth > MAX_DEPTH {
        return Err(depth_error());
    }
    let mut r = Reader::new(bytes);
    let (mut name, mut tensor) = (String::new(), None);
    while let Some((field, wire)) = r.key()? {
        match field {
            1 => name = r.string_field(wire, "attribute name")?,
            5 => tensor = Some(r.message_field(wire, "attribute tensor")?),
            _ => r.skip(field, wire, depth + 1)?,
        }
    }
    Ok(tensor.filter(|_| name == "value"))
}

/// `SparseTensorProto`: its `values` tensor (field 1) holds the stored
/// elements and usually the name; `indices` (2) and the dense `dims` (3) are
/// skipped.
fn parse_sparse(bytes: &[u8], depth: usize) -> Result<Option<Initializer>, FormatError> {
    let mut r = Reader::new(bytes);
    let mut values = None;
    while let Some((field, wire)) = r.key()? {
        match field {
            1 => {
                let t = r.message_field(wire, "sparse values")?;
                values = Some(parse_tensor(t, depth + 1)?);
            }
            _ => r.skip(field, wire, depth + 1)?,
        }
    }
    Ok(values)
}

/// `TensorProto`: dims (1), data_type (2), name (8), raw_data (9, skipped),
/// external_data (13), data_location (14).
fn parse_tensor(bytes: &[u8], depth: usize) -> Result<Initializer, FormatError> {
    if depth > MAX_DEPTH {
        return Err(depth_error());
    }
    let mut r = Reader::new(bytes);
    let mut t = Initializer::default();
    let mut has_entries = false;
    let mut external_flag = false;
    let mut location: Option<String> = None;
    let mut offset: Option<String> = None;
    let mut length: Option<String> = None;
    while let Some((field, wire)) = r.key()? {
        match field {
            1 => match wire {
                // Packed (proto3 style) or one varint per dim (proto2).
                WIRE_LEN => {
                    let mut packed = Reader::new(r.len_delimited()?);
                    while !packed.at_end() {
                        push_dim(&mut t.dims, packed.varint()?)?;
                    }
                }
                WIRE_VARINT => push_dim(&mut t.dims, r.varint()?)?,
                _ => return Err(wire_error("dims", wire)),
            },
            // int32 on the wire is a sign-extended varint.
            2 => t.data_type = r.varint_field(wire, "data_type")? as i32,
            8 => t.name = r.string_field(wire, "tensor name")?,
            13 => {
                let entry = r.message_field(wire, "external_data")?;
                let (key, value) = parse_entry(entry, depth + 1)?;
                // Later duplicates win, as onnx's Python helper reads them.
                match key.as_str() {
                    "location" => location = Some(value),
                    "offset" => offset = Some(value),
                    "length" => length = Some(value),
                    _ => {}
                }
                has_entries = true;
            }
            14 => external_flag = r.varint_field(wire, "data_location")? == 1,
            _ => r.skip(field, wire, depth + 1)?,
        }
    }
    if t.dims.iter().any(|&d| d < 0) {
        return Err(FormatError::invalid(format!(
            "initializer {:?} has a negative dimension in {:?}",
            t.name, t.dims
        )));
    }
    if t.elements().is_none() {
        return Err(FormatError::invalid(format!(
            "initializer {:?} dims {:?} have more elements than a 64-bit count holds",
            t.name, t.dims
        )));
    }
    if external_flag || has_entries {
        let Some(location) = location else {
            return Err(FormatError::invalid(format!(
                "initializer {:?} is stored externally but names no location",
                t.name
            )));
        };
        let number = |what: &str, v: Option<String>| -> Result<Option<u64>, FormatError> {
            v.map(|s| {
                s.trim().parse::<u64>().map_err(|_| {
                    FormatError::invalid(format!(
                        "initializer {:?} external_data {what} {:?} is not a number",
                        t.name,
                        super::truncate_at_char(&s, 64)
                    ))
                })
            })
            .transpose()
        };
        t.external = Some(ExternalData {
            location,
            offset: number("offset", offset)?,
            length: number("length", length)?,
        });
    }
    Ok(t)
}

fn push_dim(dims: &mut Vec<i64>, raw: u64) -> Result<(), FormatError> {
    if dims.len() >= MAX_DIMS {
        return Err(FormatError::invalid(format!(
            "a tensor declares more than {MAX_DIMS} dims"
        )));
    }
    // int64 fields are two's complement varints.
    dims.push(raw as i64);
    Ok(())
}

/// `StringStringEntryProto`: key (1), value (2).
fn parse_entry(bytes: &[u8], depth: usize) -> Result<(String, String), FormatError> {
    if depth > MAX_DEPTH {
        return Err(depth_error());
    }
    let mut r = Reader::new(bytes);
    let (mut key, mut value) = (String::new(), String::new());
    while let Some((field, wire)) = r.key()? {
        match field {
            1 => key = r.string_field(wire, "external_data key")?,
            2 => value = r.string_field(wire, "external_data value")?,
            _ => r.skip(field, wire, depth + 1)?,
        }
    }
    Ok((key, value))
}

fn depth_error() -> FormatError {
    FormatError::invalid(format!("messages nest deeper than {MAX_DEPTH} levels"))
}

fn wire_error(what: &str, wire: u8) -> FormatError {
    FormatError::invalid(format!(
        "field {what} has wire type {wire}, which does not fit its declared type"
    ))
}

const WIRE_VARINT: u8 = 0;
const WIRE_I64: u8 = 1;
const WIRE_LEN: u8 = 2;
const WIRE_START_GROUP: u8 = 3;
const WIRE_END_GROUP: u8 = 4;
const WIRE_I32: u8 = 5;

/// Protobuf on top of [`Cursor`]. Sub-messages get their own reader over a
/// checked sub-slice, so no read can leave its message.
struct Reader<'a> {
    c: Cursor<'a>,
}

impl<'a> Reader<'a> {
    fn new(buf: &'a [u8]) -> Self {
        Reader {
            c: Cursor::within(buf, "enclosing message"),
        }
    }

    fn file(buf: &'a [u8]) -> Self {
        Reader {
            c: Cursor::file(buf),
        }
    }

    fn at_end(&self) -> bool {
        self.c.at_end()
    }

    /// A base-128 varint: at most 10 bytes, and the 10th may only carry the
    /// top bit of a 64-bit value.
    fn varint(&mut self) -> Result<u64, FormatError> {
        let mut value = 0u64;
        for i in 0..10 {
            let byte = self.c.byte()?;
            if i == 9 && byte > 1 {
                return Err(FormatError::invalid("varint overflows 64 bits"));
            }
            value |= u64::from(byte & 0x7f) << (7 * i);
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(FormatError::invalid("varint longer than 10 bytes"))
    }

    /// The next field key, or `None` at the end of the message.
    fn key(&mut self) -> Result<Option<(u32, u8)>, FormatError> {
        if self.at_end() {
            return Ok(None);
        }
        let key = self.varint()?;
        let field = key >> 3;
        let wire = (key & 7) as u8;
        if field == 0 || field > (1 << 29) - 1 {
            return Err(FormatError::invalid(format!(
                "invalid field number {field}"
            )));
        }
        Ok(Some((field as u32, wire)))
    }

    fn take(&mut self, n: u64) -> Result<&'a [u8], FormatError> {
        self.c.take(n)
    }

    fn len_delimited(&mut self) -> Result<&'a [u8], FormatError> {
        let len = self.varint()?;
        self.take(len)
    }

    fn varint_field(&mut self, wire: u8, what: &str) -> Result<u64, FormatError> {
        if wire != WIRE_VARINT {
            return Err(wire_error(what, wire));
        }
        self.varint()
    }

    fn message_field(&mut self, wire: u8, what: &str) -> Result<&'a [u8], FormatError> {
        if wire != WIRE_LEN {
            return Err(wire_error(what, wire));
        }
        self.len_delimited()
    }

    /// Strings are copied (they are short: names, producers, locations) and
    /// must be utf-8, as protobuf requires for `string` fields.
    fn string_field(&mut self, wire: u8, what: &str) -> Result<String, FormatError> {
        let bytes = self.message_field(wire, what)?;
        String::from_utf8(bytes.to_vec())
            .map_err(|_| FormatError::invalid(format!("field {what} is not valid utf-8")))
    }

    /// Skips one field's value by arithmetic. Groups (deprecated, never
    /// written by onnx) are skipped to their end marker, each level counted
    /// against [`MAX_DEPTH`].
    fn skip(&mut self, field: u32, wire: u8, depth: usize) -> Result<(), FormatError> {
        if depth > MAX_DEPTH {
            return Err(depth_error());
        }
        match wire {
            WIRE_VARINT => self.varint().map(drop),
            WIRE_I64 => self.take(8).map(drop),
            WIRE_LEN => self.len_delimited().map(drop),
            WIRE_I32 => self.take(4).map(drop),
            WIRE_START_GROUP => loop {
                let Some((inner, inner_wire)) = self.key()? else {
                    return Err(self.c.short(1));
                };
                if inner_wire == WIRE_END_GROUP {
                    if inner != field {
                        return Err(FormatError::invalid(format!(
                            "group {field} closed by end-group {inner}"
                        )));
                    }
                    return Ok(());
                }
                self.skip(inner, inner_wire, depth + 1)?;
            },
            WIRE_END_GROUP => Err(FormatError::invalid(format!(
                "end-group {field} without a matching start"
            ))),
            _ => Err(FormatError::invalid(format!(
                "field {field} has unknown wire type {wire}"
            ))),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    const MODEL: &[u8] = include_bytes!("../../fixtures/interop-formats/model.onnx");
    const EXTERNAL: &[u8] = include_bytes!("../../fixtures/interop-formats/external/model.onnx");
    const ESCAPE: &[u8] = include_bytes!("../../fixtures/interop-formats/escape/model.onnx");

    fn varint(mut v: u64) -> Vec<u8> {
        let mut out = Vec::new();
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                out.push(byte);
                return out;
            }
            out.push(byte | 0x80);
        }
    }

    fn field(n: u32, wire: u8, body: &[u8]) -> Vec<u8> {
        let mut out = varint(u64::from(n) << 3 | u64::from(wire));
        if wire == WIRE_LEN {
            out.extend(varint(body.len() as u64));
        }
        out.extend_from_slice(body);
        out
    }

    fn model_with_tensor(tensor: &[u8]) -> Vec<u8> {
        field(7, WIRE_LEN, &field(5, WIRE_LEN, tensor))
    }

    #[track_caller]
    fn assert_invalid(bytes: &[u8], needle: &str) {
        crate::formats::assert_invalid_containing(parse(bytes), needle);
    }

    #[test]
    fn reads_the_onnx_fixture() {
        let m = parse(MODEL).unwrap();
        assert_eq!(m.ir_version, Some(8));
        assert_eq!(m.producer_name.as_deref(), Some("openness-fixtures"));
        assert_eq!(m.producer_version.as_deref(), Some("1"));
        assert_eq!(
            m.opsets,
            [("".to_owned(), 17), ("ai.onnx.ml".to_owned(), 3)]
        );
        assert_eq!(m.graph_name.as_deref(), Some("tiny"));
        assert_eq!(m.nodes, 2);
        let shapes: Vec<_> = m
            .initializers
            .iter()
            .map(|t| (t.name.as_str(), t.dims.clone(), t.data_type))
            .collect();
        assert_eq!(shapes, [("W", vec![4, 3], 1), ("B", vec![3], 1)]);
        assert_eq!(m.parameters(), 15);
        assert_eq!(m.dtypes(), BTreeMap::from([("F32".to_owned(), 15)]));
        assert!(m.external_locations().is_empty());
    }

    #[test]
    fn constant_nodes_holding_parameters_count() {
        // dims [4, 3], FLOAT, in a Constant node's `value` attribute.
        let mut tensor = field(1, WIRE_LEN, &[4, 3]);
        tensor.extend(field(2, WIRE_VARINT, &varint(1)));
        let mut attribute = field(1, WIRE_LEN, b"value");
        attribute.extend(field(5, WIRE_LEN, &tensor));
        let mut node = field(2, WIRE_LEN, b"w0");
        node.extend(field(4, WIRE_LEN, b"Constant"));
        node.extend(field(5, WIRE_LEN, &attribute));
        // An int64 shape constant beside it is not a parameter.
        let mut shape = field(1, WIRE_LEN, &[2]);
        shape.extend(field(2, WIRE_VARINT, &varint(7)));
        let mut shape_attr = field(1, WIRE_LEN, b"value");
        shape_attr.extend(field(5, WIRE_LEN, &shape));
        let mut shape_node = field(2, WIRE_LEN, b"s0");
        shape_node.extend(field(4, WIRE_LEN, b"Constant"));
        shape_node.extend(field(5, WIRE_LEN, &shape_attr));
        let mut graph = field(1, WIRE_LEN, &node);
        graph.extend(field(1, WIRE_LEN, &shape_node));
        let m = parse(&field(7, WIRE_LEN, &graph)).unwrap();
        assert_eq!(m.nodes, 2);
        assert_eq!(m.initializers.len(), 1);
        assert_eq!(m.initializers[0].name, "w0");
        assert_eq!(m.parameters(), 12);
    }

    #[test]
    fn reads_external_data_written_by_onnx() {
        let m = parse(EXTERNAL).unwrap();
        assert_eq!(m.parameters(), 15);
        let ext: Vec<_> = m
            .initializers
            .iter()
            .map(|t| t.external.clone().unwrap())
            .collect();
        assert_eq!(
            ext,
            [
                ExternalData {
                    location: "weights.bin".into(),
                    offset: Some(0),
                    length: Some(48)
                },
                ExternalData {
                    location: "weights.bin".into(),
                    offset: Some(48),
                    length: Some(12)
                },
            ]
        );
        assert_eq!(
            m.external_locations(),
            BTreeSet::from(["weights.bin".to_owned()])
        );
        assert!(!location_escapes("weights.bin"));
    }

    #[test]
    fn flags_the_escaping_location() {
        let m = parse(ESCAPE).unwrap();
        let locations = m.external_locations();
        assert_eq!(locations, BTreeSet::from(["../../etc/passwd".to_owned()]));
        assert!(locations.iter().all(|l| location_escapes(l)));
    }

    #[test]
    fn location_escape_rules() {
        for bad in [
            "/etc/passwd",
            "../w.bin",
            "a/../../w.bin",
            "a\\..\\..\\w.bin",
            "C:\\w.bin",
            "c:w.bin",
            "\\\\server\\share\\w.bin",
            "w.bin\0.txt",
            "./../w.bin",
        ] {
            assert!(location_escapes(bad), "{bad:?}");
        }
        for good in [
            "w.bin",
            "sub/w.bin",
            "a/../w.bin",
            "./w.bin",
            "a/./b/../w.bin",
            "..w.bin",
            "",
        ] {
            assert!(!location_escapes(good), "{good:?}");
        }
    }

    #[test]
    fn unpacked_dims_sparse_initializers_groups_and_unknown_fields() {
        let mut tensor = field(1, WIRE_VARINT, &varint(2));
        tensor.extend(field(1, WIRE_VARINT, &varint(5)));
        tensor.extend(field(2, WIRE_VARINT, &varint(16)));
        tensor.extend(field(8, WIRE_LEN, b"t"));
        tensor.extend(field(9, WIRE_LEN, &[0; 20])); // raw_data, skipped
        tensor.extend(field(99, WIRE_I64, &[0; 8]));
        tensor.extend(field(98, WIRE_I32, &[0; 4]));
        // A group holding a varint, closed by its end marker.
        tensor.extend(varint(97 << 3 | 3));
        tensor.extend(field(1, WIRE_VARINT, &varint(1)));
        tensor.extend(varint(97 << 3 | 4));
        let values = field(1, WIRE_VARINT, &varint(7));
        let sparse = [field(1, WIRE_LEN, &values), field(3, WIRE_LEN, &[10, 10])].concat();
        let graph = [field(5, WIRE_LEN, &tensor), field(15, WIRE_LEN, &sparse)].concat();
        let m = parse(&field(7, WIRE_LEN, &graph)).unwrap();
        assert_eq!(m.initializers[0].dims, [2, 5]);
        assert_eq!(m.initializers[0].dtype_name(), "BF16");
        assert_eq!(m.initializers[1].dims, [7]);
        assert_eq!(m.parameters(), 17);
        assert_eq!(
            m.dtypes(),
            BTreeMap::from([("BF16".into(), 10), ("UNDEFINED".into(), 7)])
        );
    }

    #[test]
    fn empty_or_foreign_protobuf() {
        assert_invalid(b"", "not an onnx model");
        assert_invalid(&field(2, WIRE_LEN, b"producer only"), "not an onnx model");
    }

    #[test]
    fn varint_overflow() {
        let mut bytes = varint(1 << 3); // ir_version
        bytes.extend([0xff; 9]);
        bytes.push(0x02);
        assert_invalid(&bytes, "varint overflows 64 bits");
        // The largest valid varint is fine.
        let mut ok = varint(1 << 3);
        ok.extend(varint(u64::MAX));
        assert_eq!(parse(&ok).unwrap().ir_version, Some(u64::MAX));
        assert_eq!(
            parse(&[0x08, 0x80]),
            Err(FormatError::Truncated {
                expected: 3,
                actual: 2
            })
        );
    }

    #[test]
    fn length_past_eof() {
        let mut bytes = varint(7 << 3 | 2);
        bytes.extend(varint(1 << 40));
        assert!(matches!(parse(&bytes), Err(FormatError::Truncated { .. })));
        let mut bytes = varint(2 << 3 | 2);
        bytes.extend([5, b'a']);
        assert_eq!(
            parse(&bytes),
            Err(FormatError::Truncated {
                expected: 7,
                actual: 3
            })
        );
        // Inside a sub-message, the bound is the sub-message, not the file.
        let tensor = field(9, WIRE_LEN, &[0; 3]);
        let mut short = model_with_tensor(&tensor);
        let n = short.len();
        short[n - 4] = 9; // raw_data claims 9 bytes where 3 remain
        assert_invalid(&short, "needs 11 bytes of a 5-byte enclosing message");
    }

    #[test]
    fn depth_cap() {
        // Unknown groups nested 40 deep inside the model.
        let mut bytes = Vec::new();
        for _ in 0..40 {
            bytes.extend(varint(50 << 3 | 3));
        }
        for _ in 0..40 {
            bytes.extend(varint(50 << 3 | 4));
        }
        assert_invalid(&bytes, "nest deeper than 32");
        assert_invalid(&varint(50 << 3 | 4), "end-group 50 without");
    }

    #[test]
    fn wrong_wire_type() {
        assert_invalid(
            &field(1, WIRE_LEN, b"x"),
            "field ir_version has wire type 2",
        );
        assert_invalid(
            &field(7, WIRE_VARINT, &varint(1)),
            "field graph has wire type 0",
        );
        assert_invalid(
            &model_with_tensor(&field(1, WIRE_I32, &[0; 4])),
            "field dims has wire type 5",
        );
        assert_invalid(&varint(50 << 3 | 7), "field 50 has unknown wire type 7");
        assert_invalid(&varint(0), "invalid field number 0");
        assert_invalid(&field(2, WIRE_LEN, &[0xff]), "not valid utf-8");
    }

    #[test]
    fn bad_tensors() {
        let neg = field(1, WIRE_VARINT, &varint(-3i64 as u64));
        assert_invalid(&model_with_tensor(&neg), "negative dimension");
        let big = [
            field(1, WIRE_VARINT, &varint(1 << 40)),
            field(1, WIRE_VARINT, &varint(1 << 40)),
        ]
        .concat();
        assert_invalid(&model_with_tensor(&big), "more elements than");
        let many: Vec<u8> = (0..65).flat_map(|_| field(1, WIRE_VARINT, &[1])).collect();
        assert_invalid(&model_with_tensor(&many), "more than 64 dims");
        let entry = |k: &[u8], v: &[u8]| {
            field(
                13,
                WIRE_LEN,
                &[field(1, WIRE_LEN, k), field(2, WIRE_LEN, v)].concat(),
            )
        };
        let no_location = [field(8, WIRE_LEN, b"w"), entry(b"offset", b"0")].concat();
        assert_invalid(&model_with_tensor(&no_location), "names no location");
        let flag_only = field(14, WIRE_VARINT, &[1]);
        assert_invalid(&model_with_tensor(&flag_only), "names no location");
        let bad_offset = [entry(b"location", b"w.bin"), entry(b"offset", b"-1")].concat();
        assert_invalid(
            &model_with_tensor(&bad_offset),
            "offset \"-1\" is not a number",
        );
    }

    #[test]
    fn no_panic_on_any_truncation() {
        for file in [MODEL, EXTERNAL, ESCAPE] {
            for end in 0..file.len() {
                let _ = parse(&file[..end]);
            }
        }
    }
}
